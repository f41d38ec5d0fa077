/*
 * test_store.c: unit tests for daemon/store.c.
 *
 * The store is where a 201 becomes a promise, so these tests pin what the
 * rest of glossd relies on: migrations apply once and a newer schema is
 * refused, an append is all or nothing, duplicates and rid conflicts are
 * told apart, the canonical bytes come back byte for byte, and the
 * annotation listing's time overlap, filters and keyset pages are exact.
 * They run on ":memory:" (and temporary files where reopening matters)
 * with the real migrations and real signed statements from fixtures.c.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>
/*
 * Only to hold the write lock from a second connection in test_busy: the
 * store offers no way to keep a transaction open, by design.
 */
#include <sqlite3.h>

#include "glossd.h"
#include "fixtures.h"

#define MAX_SEEN	32

struct ctx {
	struct store		*store;
	struct fixture_key	*curator;
	struct fixture_key	*other;
};

/* What a listing callback saw, copied out of the borrowed rows. */
struct seen {
	size_t	 n;
	int	 stop_after;		/* return -1 after this many; 0 never */
	int64_t	 seq[MAX_SEEN];
	int64_t	 span[MAX_SEEN];
	int	 talk[MAX_SEEN];
	int64_t	 at_start[MAX_SEEN];
	int64_t	 at_end[MAX_SEEN];
	char	 id[MAX_SEEN][GLOSS_ID_LEN + 1];
	char	 kind[MAX_SEEN][16];
	char	 links[MAX_SEEN][256];	/* "" when NULL */
	char	 reply_to[MAX_SEEN][GLOSS_ID_LEN + 1];	/* "" when NULL */
};

static int
setup(void **state)
{
	struct ctx	*c;
	const char	*errstr = NULL;

	c = xcalloc(1, sizeof *c);
	c->curator = key_curator;
	c->other = key_other;
	c->store = store_open(":memory:", &errstr);
	if (c->store == NULL) {
		fprintf(stderr, "store_open: %s\n", errstr);
		free(c);
		return -1;
	}
	*state = c;
	return 0;
}

static int
teardown(void **state)
{
	struct ctx	*c = *state;

	store_close(c->store);
	free(c);
	return 0;
}

/* The newest schema version this binary knows. */
static int
newest_version(void)
{
	return migrations[nmigrations - 1].version;
}

/*
 * Sign st with k and append it with the given placement (NULL for
 * records); returns store_append's code, the seq in *seq.
 */
static enum store_rc
append(struct store *s, const struct fixture_key *k,
    const struct statement *st, const struct store_placement *pl,
    int64_t *seq)
{
	enum store_rc	 rc;
	char		*sig;

	sig = fixture_sign(k, st);
	rc = store_append(s, st, sig, 1700000000, pl, seq);
	free(sig);
	return rc;
}

/* Append a record statement that must be accepted; returns its seq. */
static int64_t
add_record(struct store *s, const struct fixture_key *k, const char *rid)
{
	struct statement	*st;
	int64_t			 seq = -1;

	st = fixture_record(k, rid);
	assert_int_equal(append(s, k, st, NULL, &seq), STORE_OK);
	stmt_free(st);
	return seq;
}

/*
 * Append an annotation that must be accepted, placed on talk over
 * [span_start, span_end); returns its seq and copies its id into id if
 * not NULL.
 */
static int64_t
add_annotation(struct store *s, const struct fixture_key *k, const char *rid,
    const char *kind, int talk, int64_t at_start, int64_t at_end,
    int64_t span_start, int64_t span_end, const char *text,
    char id[GLOSS_ID_LEN + 1])
{
	struct store_placement	 pl = { .talk = talk, .span_start = span_start,
	    .span_end = span_end };
	struct statement	*st;
	int64_t			 seq = -1;

	st = fixture_annotation(k, rid, kind, talk, at_start, at_end, text);
	assert_int_equal(append(s, k, st, &pl, &seq), STORE_OK);
	if (id != NULL)
		memcpy(id, st->id, GLOSS_ID_LEN + 1);
	stmt_free(st);
	return seq;
}

static int
seen_cb(const struct store_annotation *a, void *arg)
{
	struct seen	*sn = arg;
	size_t		 i = sn->n;

	assert_true(i < MAX_SEEN);
	assert_string_equal(a->status, "visible");
	sn->seq[i] = a->seq;
	sn->span[i] = a->span_start;
	sn->talk[i] = a->talk;
	sn->at_start[i] = a->at_start;
	sn->at_end[i] = a->at_end;
	assert_int_equal(strlen(a->id), GLOSS_ID_LEN);
	memcpy(sn->id[i], a->id, GLOSS_ID_LEN + 1);
	assert_true(strlen(a->kind) < sizeof sn->kind[i]);
	strcpy(sn->kind[i], a->kind);
	if (a->links != NULL) {
		assert_true(strlen(a->links) < sizeof sn->links[i]);
		strcpy(sn->links[i], a->links);
	} else
		sn->links[i][0] = '\0';
	if (a->reply_to != NULL) {
		assert_int_equal(strlen(a->reply_to), GLOSS_ID_LEN);
		memcpy(sn->reply_to[i], a->reply_to, GLOSS_ID_LEN + 1);
	} else
		sn->reply_to[i][0] = '\0';
	sn->n++;
	if (sn->stop_after > 0 && sn->n == (size_t)sn->stop_after)
		return -1;
	return 0;
}

/* A query of every visible annotation of rid, one page of 100. */
static struct store_query
query_all(const char *rid)
{
	struct store_query	q;

	memset(&q, 0, sizeof q);
	q.rid = rid;
	q.from = q.to = -1;
	q.after_span = q.after_seq = -1;
	q.limit = 100;
	return q;
}

/* Run q and check the seqs it yields, in order. */
static void
expect_seqs(struct store *s, const struct store_query *q,
    const int64_t *want, size_t nwant)
{
	struct seen	sn;
	size_t		i;

	memset(&sn, 0, sizeof sn);
	assert_int_equal(store_annotations(s, q, seen_cb, &sn), STORE_OK);
	if (sn.n != nwant) {
		for (i = 0; i < sn.n; i++)
			print_message("got seq %lld span %lld\n",
			    (long long)sn.seq[i], (long long)sn.span[i]);
	}
	assert_int_equal(sn.n, nwant);
	for (i = 0; i < nwant; i++)
		assert_int_equal(sn.seq[i], want[i]);
}

/* Run q restricted to the time query [from, to] and check the seqs. */
static void
expect_time(struct store *s, const char *rid, int64_t from, int64_t to,
    const int64_t *want, size_t nwant)
{
	struct store_query	q = query_all(rid);

	q.from = from;
	q.to = to;
	expect_seqs(s, &q, want, nwant);
}

static int
count_cb(const struct store_statement *ss, void *arg)
{
	int	*calls = arg;

	(*calls)++;
	return 0;
}

#define NITEMS(a)	(sizeof (a) / sizeof (a)[0])

/* Paths of a temporary database and the directory holding it. */
struct tmpdb {
	char	dir[64];
	char	path[128];
};

static void
tmpdb_make(struct tmpdb *t)
{
	snprintf(t->dir, sizeof t->dir, "/tmp/test_store.XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof t->path, "%s/gloss.db", t->dir);
}

static void
tmpdb_remove(struct tmpdb *t)
{
	char	p[160];

	unlink(t->path);
	snprintf(p, sizeof p, "%s-wal", t->path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", t->path);
	unlink(p);
	assert_int_equal(rmdir(t->dir), 0);
}

/* The big-endian user_version at offset 60 of the database header. */
static uint32_t
header_user_version(const char *path)
{
	unsigned char	b[4];
	int		fd;

	assert_true((fd = open(path, O_RDONLY)) != -1);
	assert_int_equal(pread(fd, b, 4, 60), 4);
	close(fd);
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
}

static void
test_open_migrates(void **state)
{
	struct ctx		*c = *state;
	struct store_record	 r;
	int			 calls = 0;

	assert_true(nmigrations >= 1);
	assert_int_equal(migrations[0].version, 1);
	assert_int_equal(store_user_version(c->store), newest_version());
	assert_int_equal(store_user_version(c->store), (int)nmigrations);
	assert_int_equal(store_count(c->store), 0);

	assert_int_equal(store_log(c->store, 0, 100, count_cb, &calls),
	    STORE_OK);
	assert_int_equal(calls, 0);
	assert_int_equal(store_record(c->store, "nope", &r), STORE_NOTFOUND);
	assert_null(r.title);
	assert_null(r.talks);
	assert_int_equal(r.ntalks, 0);
	store_record_clear(&r);
}

static void
test_open_bad_path(void **state)
{
	const char	*errstr = NULL;

	assert_null(store_open("/nonexistent-gloss-dir/sub/gloss.db",
	    &errstr));
	assert_non_null(errstr);
	assert_true(strncmp(errstr, "cannot open ", 12) == 0);
}

static void
test_reopen_file(void **state)
{
	struct ctx		*c = *state;
	struct tmpdb		 t;
	struct store		*s;
	struct store_record	 r;
	const char		*errstr = NULL;
	char			 wal[160];
	int			 i;

	tmpdb_make(&t);
	s = store_open(t.path, &errstr);
	assert_non_null(s);
	assert_int_equal(add_record(s, c->curator, "talks-2024"), 1);
	/* WAL mode: the commit went to the -wal file. */
	snprintf(wal, sizeof wal, "%s-wal", t.path);
	assert_int_equal(access(wal, F_OK), 0);
	store_close(s);
	assert_int_equal(header_user_version(t.path), newest_version());

	/* Reopening applies nothing twice and keeps the data. */
	for (i = 0; i < 2; i++) {
		s = store_open(t.path, &errstr);
		if (s == NULL)
			fail_msg("reopen: %s", errstr);
		assert_int_equal(store_user_version(s), newest_version());
		assert_int_equal(store_count(s), 1);
		assert_int_equal(store_record(s, "talks-2024", &r), STORE_OK);
		assert_int_equal(r.ntalks, 3);
		store_record_clear(&r);
		store_close(s);
	}
	assert_int_equal(header_user_version(t.path), newest_version());
	tmpdb_remove(&t);
}

static void
test_newer_schema_refused(void **state)
{
	struct tmpdb	 t;
	struct store	*s;
	const char	*errstr = NULL;
	char		 want[128];
	unsigned char	 b[4];
	uint32_t	 v;
	int		 fd;

	tmpdb_make(&t);
	s = store_open(t.path, &errstr);
	assert_non_null(s);
	store_close(s);

	/* As if a newer glossd had migrated the file. */
	v = (uint32_t)newest_version() + 1;
	b[0] = (unsigned char)(v >> 24);
	b[1] = (unsigned char)(v >> 16);
	b[2] = (unsigned char)(v >> 8);
	b[3] = (unsigned char)v;
	assert_true((fd = open(t.path, O_WRONLY)) != -1);
	assert_int_equal(pwrite(fd, b, 4, 60), 4);
	close(fd);

	assert_null(store_open(t.path, &errstr));
	snprintf(want, sizeof want,
	    "database schema version %d is newer than this glossd (%d)",
	    newest_version() + 1, newest_version());
	assert_string_equal(errstr, want);
	/* Refused untouched. */
	assert_int_equal(header_user_version(t.path), v);
	tmpdb_remove(&t);
}

static int
record_cb(const struct store_record *r, void *arg)
{
	struct seen	*sn = arg;
	size_t		 i = sn->n++;

	assert_true(i < MAX_SEEN);
	assert_null(r->talks);
	assert_string_equal(r->title, "Test record");
	assert_null(r->event);
	assert_int_equal(r->duration, FIXTURE_DURATION);
	assert_int_equal(strlen(r->id), GLOSS_ID_LEN);
	assert_true(strlen(r->rid) < sizeof sn->kind[i]);
	strcpy(sn->kind[i], r->rid);		/* reuse: the rid */
	sn->talk[i] = (int)r->ntalks;
	sn->span[i] = r->annotations;
	if (sn->stop_after > 0 && sn->n == (size_t)sn->stop_after)
		return -1;
	return 0;
}

static void
test_record_talks(void **state)
{
	struct ctx		*c = *state;
	struct statement	*st;
	struct store_record	 r;
	struct seen		 sn;
	int64_t			 seq = -1;

	st = fixture_record(c->curator, "zeta");
	assert_int_equal(append(c->store, c->curator, st, NULL, &seq),
	    STORE_OK);
	assert_int_equal(seq, 1);

	assert_int_equal(store_record(c->store, "zeta", &r), STORE_OK);
	assert_string_equal(r.rid, "zeta");
	assert_string_equal(r.id, st->id);
	assert_string_equal(r.title, "Test record");
	assert_null(r.event);
	assert_int_equal(r.duration, 600000);
	assert_int_equal(r.annotations, 0);
	assert_int_equal(r.ntalks, 3);
	assert_int_equal(r.talks[0].n, 1);
	assert_int_equal(r.talks[0].start, 0);
	assert_int_equal(r.talks[0].end, 60000);
	assert_string_equal(r.talks[0].speaker, "Ada Lovelace");
	assert_string_equal(r.talks[0].title, "Opening remarks");
	assert_int_equal(r.talks[1].n, 2);
	assert_int_equal(r.talks[1].start, 60000);
	assert_int_equal(r.talks[1].end, 300000);
	assert_string_equal(r.talks[1].speaker, "Grace Hopper");
	assert_int_equal(r.talks[2].n, 3);
	assert_int_equal(r.talks[2].start, 300000);
	assert_int_equal(r.talks[2].end, 600000);	/* the duration */
	assert_null(r.talks[2].speaker);
	assert_string_equal(r.talks[2].title, "Panel");
	store_record_clear(&r);
	assert_null(r.title);
	assert_null(r.talks);
	assert_int_equal(r.ntalks, 0);
	store_record_clear(&r);			/* twice is fine */
	store_record_clear(NULL);
	stmt_free(st);

	/* The list is ordered by rid, not by arrival. */
	assert_int_equal(add_record(c->store, c->curator, "alpha"), 2);
	memset(&sn, 0, sizeof sn);
	assert_int_equal(store_records(c->store, record_cb, &sn), STORE_OK);
	assert_int_equal(sn.n, 2);
	assert_string_equal(sn.kind[0], "alpha");
	assert_string_equal(sn.kind[1], "zeta");
	assert_int_equal(sn.talk[0], 3);
	assert_int_equal(sn.talk[1], 3);

	memset(&sn, 0, sizeof sn);
	sn.stop_after = 1;
	assert_int_equal(store_records(c->store, record_cb, &sn), STORE_OK);
	assert_int_equal(sn.n, 1);
}

static void
test_duplicate_id(void **state)
{
	struct ctx		*c = *state;
	struct statement	*st;
	struct store_placement	 pl = { .talk = 1, .span_start = 10000,
	    .span_end = 10001 };
	struct store_record	 r;
	int64_t			 seq = -1, seq2 = -1;

	st = fixture_record(c->curator, "dup");
	assert_int_equal(append(c->store, c->curator, st, NULL, &seq),
	    STORE_OK);
	assert_int_equal(append(c->store, c->curator, st, NULL, &seq2),
	    STORE_EXISTS);
	assert_int_equal(seq2, seq);
	assert_int_equal(store_count(c->store), 1);
	stmt_free(st);

	st = fixture_annotation(c->curator, "dup", "comment", 1, 10000, -1,
	    "said twice");
	assert_int_equal(append(c->store, c->curator, st, &pl, &seq),
	    STORE_OK);
	assert_int_equal(seq, 2);
	seq2 = -1;
	assert_int_equal(append(c->store, c->curator, st, &pl, &seq2),
	    STORE_EXISTS);
	assert_int_equal(seq2, 2);
	assert_int_equal(store_count(c->store), 2);
	stmt_free(st);

	/* The view was not touched by the second try either. */
	assert_int_equal(store_record(c->store, "dup", &r), STORE_OK);
	assert_int_equal(r.annotations, 1);
	store_record_clear(&r);

	/* The next append gets the next seq: nothing was consumed. */
	assert_int_equal(add_record(c->store, c->curator, "after-dup"), 3);
}

static int
statement_copy_cb(const struct store_statement *ss, void *arg)
{
	struct store_statement	*out = arg;

	out->seq = ss->seq;
	out->canonical_len = ss->canonical_len;
	return 0;
}

static void
test_record_conflict(void **state)
{
	struct ctx		*c = *state;
	struct statement	*st1, *st2;
	struct store_record	 r;
	struct store_statement	 got;
	int64_t			 seq = -1;

	st1 = fixture_record(c->curator, "taken");
	assert_int_equal(append(c->store, c->curator, st1, NULL, &seq),
	    STORE_OK);
	/* Another key, so another statement for the same rid. */
	st2 = fixture_record(c->other, "taken");
	assert_string_not_equal(st1->id, st2->id);
	seq = -1;
	assert_int_equal(append(c->store, c->other, st2, NULL, &seq),
	    STORE_CONFLICT);
	assert_int_equal(seq, -1);

	/* Rolled back: the log row is gone, the view is the first's. */
	assert_int_equal(store_count(c->store), 1);
	assert_int_equal(store_statement(c->store, st2->id,
	    statement_copy_cb, &got), STORE_NOTFOUND);
	assert_int_equal(store_statement(c->store, st1->id,
	    statement_copy_cb, &got), STORE_OK);
	assert_int_equal(got.seq, 1);
	assert_int_equal(store_record(c->store, "taken", &r), STORE_OK);
	assert_string_equal(r.id, st1->id);
	assert_int_equal(r.ntalks, 3);
	store_record_clear(&r);

	/* And the seq the refused append had taken is free again. */
	assert_int_equal(add_record(c->store, c->other, "free"), 2);
	stmt_free(st1);
	stmt_free(st2);
}

static void
test_annotation_unknown_record(void **state)
{
	struct ctx		*c = *state;
	struct statement	*st;
	struct store_placement	 pl = { .talk = 0, .span_start = 0,
	    .span_end = 1 };
	struct store_statement	 got;
	int64_t			 seq = -1;

	add_record(c->store, c->curator, "known");
	st = fixture_annotation(c->curator, "unknown", "comment", 0, -1, -1,
	    "on nothing");
	assert_int_equal(append(c->store, c->curator, st, &pl, &seq),
	    STORE_NOTFOUND);
	assert_int_equal(seq, -1);
	assert_int_equal(store_count(c->store), 1);
	assert_int_equal(store_statement(c->store, st->id, statement_copy_cb,
	    &got), STORE_NOTFOUND);
	stmt_free(st);
}

/*
 * The record "rec" of fixture_record: talks [0, 60000), [60000, 300000),
 * [300000, 600000).  The annotations, as seqs 2..7:
 *   A 2  talk 1  at 10000-20000   [10000, 20000)   comment   curator
 *   B 3  talk 2  at 60000         [60000, 60001)   critique  other
 *   C 4  talk 2  whole talk       [60000, 300000)  comment   curator
 *   D 5  record  whole record     [0, 600000)      comment   other
 *   E 6  talk 3  at 300000-400000 [300000, 400000) reading   curator
 *   F 7  talk 1  at 20000-30000   [20000, 30000)   critique  curator
 */
static void
add_six(struct ctx *c, char ids[6][GLOSS_ID_LEN + 1])
{
	assert_int_equal(add_record(c->store, c->curator, "rec"), 1);
	assert_int_equal(add_annotation(c->store, c->curator, "rec",
	    "comment", 1, 10000, 20000, 10000, 20000, "A", ids[0]), 2);
	assert_int_equal(add_annotation(c->store, c->other, "rec",
	    "critique", 2, 60000, -1, 60000, 60001, "B", ids[1]), 3);
	assert_int_equal(add_annotation(c->store, c->curator, "rec",
	    "comment", 2, -1, -1, 60000, 300000, "C", ids[2]), 4);
	assert_int_equal(add_annotation(c->store, c->other, "rec",
	    "comment", 0, -1, -1, 0, 600000, "D", ids[3]), 5);
	assert_int_equal(add_annotation(c->store, c->curator, "rec",
	    "reading", 3, 300000, 400000, 300000, 400000, "E", ids[4]), 6);
	assert_int_equal(add_annotation(c->store, c->curator, "rec",
	    "critique", 1, 20000, 30000, 20000, 30000, "F", ids[5]), 7);
}

static void
test_annotations_unfiltered(void **state)
{
	struct ctx		*c = *state;
	struct store_query	 q = query_all("rec");
	struct seen		 sn;
	char			 ids[6][GLOSS_ID_LEN + 1];
	static const int64_t	 all[] = { 5, 2, 7, 3, 4, 6 };

	add_six(c, ids);
	/* Whole-record annotations are listed when no time is asked. */
	expect_seqs(c->store, &q, all, NITEMS(all));

	memset(&sn, 0, sizeof sn);
	assert_int_equal(store_annotations(c->store, &q, seen_cb, &sn),
	    STORE_OK);
	/* D: the whole record, no "at". */
	assert_string_equal(sn.id[0], ids[3]);
	assert_int_equal(sn.talk[0], 0);
	assert_int_equal(sn.at_start[0], -1);
	assert_int_equal(sn.at_end[0], -1);
	/* A: a range. */
	assert_string_equal(sn.id[1], ids[0]);
	assert_int_equal(sn.talk[1], 1);
	assert_int_equal(sn.at_start[1], 10000);
	assert_int_equal(sn.at_end[1], 20000);
	assert_string_equal(sn.links[1], "");
	/* B: a point. */
	assert_int_equal(sn.at_start[3], 60000);
	assert_int_equal(sn.at_end[3], -1);
	assert_string_equal(sn.kind[3], "critique");
	/* E: a reading, its links as JCS text. */
	assert_string_equal(sn.kind[5], "reading");
	assert_string_equal(sn.links[5],
	    "[{\"title\":\"A paper\",\"url\":\"https://example.org/paper\"}]");

	/* Another record's list is its own; an unknown record's is empty. */
	add_record(c->store, c->curator, "rec2");
	q = query_all("rec2");
	expect_seqs(c->store, &q, NULL, 0);
	q = query_all("nope");
	expect_seqs(c->store, &q, NULL, 0);

	/* limit <= 0 lists nothing; a callback can stop the walk. */
	q = query_all("rec");
	q.limit = 0;
	expect_seqs(c->store, &q, NULL, 0);
	q.limit = 100;
	memset(&sn, 0, sizeof sn);
	sn.stop_after = 2;
	assert_int_equal(store_annotations(c->store, &q, seen_cb, &sn),
	    STORE_OK);
	assert_int_equal(sn.n, 2);
}

static void
test_annotations_time(void **state)
{
	struct ctx		*c = *state;
	char			 ids[6][GLOSS_ID_LEN + 1];
	static const int64_t	 fbc[] = { 7, 3, 4 }, a[] = { 2 },
				 bc[] = { 3, 4 }, cc[] = { 4 }, e[] = { 6 },
				 afbc[] = { 2, 7, 3, 4 };

	add_six(c, ids);
	/*
	 * [20000, 60000]: A ends exactly at from (half-open: excluded); F
	 * starts at from; B is a point exactly at to (included: to is
	 * inclusive); C starts at to; D is the whole record (no time).
	 */
	expect_time(c->store, "rec", 20000, 60000, fbc, NITEMS(fbc));
	/* Only D covers 0, and D has no time. */
	expect_time(c->store, "rec", 0, 0, NULL, 0);
	expect_time(c->store, "rec", 0, 9999, NULL, 0);
	expect_time(c->store, "rec", 19999, 19999, a, NITEMS(a));
	expect_time(c->store, "rec", 20000, 20000, (const int64_t []){ 7 }, 1);
	expect_time(c->store, "rec", 60000, 60000, bc, NITEMS(bc));
	/* B is [60000, 60001): over at 60001. */
	expect_time(c->store, "rec", 60001, 60001, cc, NITEMS(cc));
	expect_time(c->store, "rec", 299999, 299999, cc, NITEMS(cc));
	expect_time(c->store, "rec", 300000, 300000, e, NITEMS(e));
	expect_time(c->store, "rec", 399999, INT64_MAX, e, NITEMS(e));
	expect_time(c->store, "rec", 400000, INT64_MAX, NULL, 0);
	expect_time(c->store, "rec", 0, 60000, afbc, NITEMS(afbc));
}

static void
test_annotations_filters(void **state)
{
	struct ctx		*c = *state;
	struct store_query	 q;
	char			 ids[6][GLOSS_ID_LEN + 1];
	static const int64_t	 t1[] = { 2, 7 }, t2[] = { 3, 4 }, t3[] = { 6 },
				 crit[] = { 7, 3 }, oth[] = { 5, 3 },
				 oth_crit[] = { 3 }, cur_com[] = { 2, 4 },
				 t2_late[] = { 4 }, read[] = { 6 };

	add_six(c, ids);
	q = query_all("rec");
	q.talk = 1;
	expect_seqs(c->store, &q, t1, NITEMS(t1));
	q.talk = 2;
	expect_seqs(c->store, &q, t2, NITEMS(t2));
	q.talk = 3;
	expect_seqs(c->store, &q, t3, NITEMS(t3));
	q.talk = 4;
	expect_seqs(c->store, &q, NULL, 0);
	/* Talk and time together. */
	q.talk = 2;
	q.from = 60001;
	q.to = INT64_MAX;
	expect_seqs(c->store, &q, t2_late, NITEMS(t2_late));

	q = query_all("rec");
	q.kind = "critique";
	expect_seqs(c->store, &q, crit, NITEMS(crit));
	q.kind = "reading";
	expect_seqs(c->store, &q, read, NITEMS(read));
	q.kind = "nonsense";
	expect_seqs(c->store, &q, NULL, 0);

	q = query_all("rec");
	q.author = c->other->pubkey;
	expect_seqs(c->store, &q, oth, NITEMS(oth));
	q.kind = "critique";
	expect_seqs(c->store, &q, oth_crit, NITEMS(oth_crit));
	q.author = c->curator->pubkey;
	q.kind = "comment";
	expect_seqs(c->store, &q, cur_com, NITEMS(cur_com));
}

static void
test_annotations_pages(void **state)
{
	struct ctx		*c = *state;
	struct store_query	 q;
	struct seen		 all, page;
	char			 ids[6][GLOSS_ID_LEN + 1], text[32];
	size_t			 i, total = 0, pages = 0;
	int			 k;

	add_six(c, ids);
	/* Three more at 60000, so equal span_starts straddle pages. */
	for (k = 0; k < 3; k++) {
		snprintf(text, sizeof text, "also at one minute %d", k);
		add_annotation(c->store, c->curator, "rec", "comment", 2,
		    60000, -1, 60000, 60001, text, NULL);
	}
	q = query_all("rec");
	memset(&all, 0, sizeof all);
	assert_int_equal(store_annotations(c->store, &q, seen_cb, &all),
	    STORE_OK);
	assert_int_equal(all.n, 9);
	for (i = 1; i < all.n; i++)
		assert_true(all.span[i - 1] < all.span[i] ||
		    (all.span[i - 1] == all.span[i] &&
		    all.seq[i - 1] < all.seq[i]));

	q.limit = 3;
	for (;;) {
		memset(&page, 0, sizeof page);
		assert_int_equal(store_annotations(c->store, &q, seen_cb,
		    &page), STORE_OK);
		assert_true(page.n <= 3);
		if (page.n == 0)
			break;
		pages++;
		for (i = 0; i < page.n; i++) {
			assert_true(total < all.n);
			assert_int_equal(page.seq[i], all.seq[total]);
			assert_int_equal(page.span[i], all.span[total]);
			total++;
		}
		q.after_span = page.span[page.n - 1];
		q.after_seq = page.seq[page.n - 1];
	}
	assert_int_equal(pages, 3);
	assert_int_equal(total, all.n);

	/* Pages with a time filter: [60000, 60000] holds B, C and three. */
	q = query_all("rec");
	q.from = q.to = 60000;
	q.limit = 2;
	total = 0;
	for (pages = 0; pages < 10; pages++) {
		memset(&page, 0, sizeof page);
		assert_int_equal(store_annotations(c->store, &q, seen_cb,
		    &page), STORE_OK);
		if (page.n == 0)
			break;
		for (i = 0; i < page.n; i++)
			assert_int_equal(page.span[i], 60000);
		total += page.n;
		q.after_span = page.span[page.n - 1];
		q.after_seq = page.seq[page.n - 1];
	}
	assert_int_equal(pages, 3);
	assert_int_equal(total, 5);
}

struct log_seen {
	size_t	 n;
	int	 stop_after;
	int64_t	 seq[MAX_SEEN];
	char	 type[MAX_SEEN][16];
};

static int
log_cb(const struct store_statement *ss, void *arg)
{
	struct log_seen	*ls = arg;

	assert_true(ls->n < MAX_SEEN);
	assert_true(strlen(ss->type) < sizeof ls->type[0]);
	assert_int_equal(strlen(ss->id), GLOSS_ID_LEN);
	assert_int_equal(ss->received, 1700000000);
	assert_int_equal(ss->canonical[ss->canonical_len], '\0');
	ls->seq[ls->n] = ss->seq;
	strcpy(ls->type[ls->n], ss->type);
	ls->n++;
	if (ls->stop_after > 0 && ls->n == (size_t)ls->stop_after)
		return -1;
	return 0;
}

static void
test_log(void **state)
{
	struct ctx	*c = *state;
	struct log_seen	 ls;
	char		 ids[6][GLOSS_ID_LEN + 1];
	size_t		 i;

	add_six(c, ids);
	assert_int_equal(store_count(c->store), 7);

	memset(&ls, 0, sizeof ls);
	assert_int_equal(store_log(c->store, 0, 100, log_cb, &ls), STORE_OK);
	assert_int_equal(ls.n, 7);
	for (i = 0; i < ls.n; i++)
		assert_int_equal(ls.seq[i], (int64_t)i + 1);
	assert_string_equal(ls.type[0], "record");
	assert_string_equal(ls.type[1], "annotation");

	memset(&ls, 0, sizeof ls);
	assert_int_equal(store_log(c->store, 2, 2, log_cb, &ls), STORE_OK);
	assert_int_equal(ls.n, 2);
	assert_int_equal(ls.seq[0], 3);
	assert_int_equal(ls.seq[1], 4);

	memset(&ls, 0, sizeof ls);
	assert_int_equal(store_log(c->store, 6, 100, log_cb, &ls), STORE_OK);
	assert_int_equal(ls.n, 1);
	assert_int_equal(ls.seq[0], 7);

	memset(&ls, 0, sizeof ls);
	assert_int_equal(store_log(c->store, 7, 100, log_cb, &ls), STORE_OK);
	assert_int_equal(ls.n, 0);

	memset(&ls, 0, sizeof ls);
	assert_int_equal(store_log(c->store, 0, 0, log_cb, &ls), STORE_OK);
	assert_int_equal(ls.n, 0);

	memset(&ls, 0, sizeof ls);
	ls.stop_after = 1;
	assert_int_equal(store_log(c->store, 0, 100, log_cb, &ls), STORE_OK);
	assert_int_equal(ls.n, 1);
	assert_int_equal(ls.seq[0], 1);

	/* Stopping left nothing half-done: the next walk starts afresh. */
	memset(&ls, 0, sizeof ls);
	assert_int_equal(store_log(c->store, 0, 3, log_cb, &ls), STORE_OK);
	assert_int_equal(ls.n, 3);
}

struct roundtrip {
	int	 calls;
	char	*canonical;
	size_t	 canonical_len;
	char	*minisig;
	char	 id[GLOSS_ID_LEN + 1];
	char	 type[16];
	char	 author[GLOSS_PUBKEY_LEN + 1];
	int64_t	 seq;
	int64_t	 received;
};

static int
roundtrip_cb(const struct store_statement *ss, void *arg)
{
	struct roundtrip	*rt = arg;

	rt->calls++;
	rt->seq = ss->seq;
	rt->received = ss->received;
	rt->canonical = xmalloc(ss->canonical_len + 1);
	memcpy(rt->canonical, ss->canonical, ss->canonical_len + 1);
	rt->canonical_len = ss->canonical_len;
	rt->minisig = xstrdup(ss->minisig);
	assert_true(strlen(ss->id) < sizeof rt->id);
	strcpy(rt->id, ss->id);
	assert_true(strlen(ss->type) < sizeof rt->type);
	strcpy(rt->type, ss->type);
	assert_true(strlen(ss->author) < sizeof rt->author);
	strcpy(rt->author, ss->author);
	return -1;			/* ignored for a single statement */
}

static int
text_cb(const struct store_annotation *a, void *arg)
{
	const struct statement	*st = arg;

	assert_int_equal(a->text_len, st->u.annotation.text_len);
	assert_memory_equal(a->text, st->u.annotation.text, a->text_len);
	assert_int_equal(a->text[a->text_len], '\0');
	assert_string_equal(a->created, st->created_text);
	assert_string_equal(a->author, st->author);
	assert_string_equal(a->rid, "rec");
	return 0;
}

static void
test_canonical_roundtrip(void **state)
{
	struct ctx		*c = *state;
	struct statement	*st, *back;
	struct store_placement	 pl = { .talk = 1, .span_start = 30000,
	    .span_end = 30001 };
	struct store_query	 q;
	struct roundtrip	 rt;
	struct jcs_err		 err;
	const char		*code = NULL;
	char			*sig, *message = NULL;
	int64_t			 seq = -1;
	json_t			*root;
	static const char	 text[] = "Z\xc3\xbcrich \xe2\x80\x94 "
	    "na\xc3\xafve caf\xc3\xa9, \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e "
	    "\xf0\x9f\x8e\x99 \"quoted\" back\\slash\n\tsecond line";

	add_record(c->store, c->curator, "rec");
	st = fixture_annotation(c->other, "rec", "comment", 1, 30000, -1,
	    text);
	sig = fixture_sign(c->other, st);
	assert_int_equal(store_append(c->store, st, sig, 1234567890, &pl,
	    &seq), STORE_OK);
	assert_int_equal(seq, 2);

	memset(&rt, 0, sizeof rt);
	assert_int_equal(store_statement(c->store, st->id, roundtrip_cb, &rt),
	    STORE_OK);
	assert_int_equal(rt.calls, 1);
	assert_int_equal(rt.seq, 2);
	assert_int_equal(rt.received, 1234567890);
	assert_string_equal(rt.id, st->id);
	assert_string_equal(rt.type, "annotation");
	assert_string_equal(rt.author, c->other->pubkey);
	assert_int_equal(rt.canonical_len, st->canonical_len);
	assert_memory_equal(rt.canonical, st->canonical, st->canonical_len);
	assert_string_equal(rt.minisig, sig);

	/* The stored bytes are S: they hash to the id and verify. */
	root = jcs_parse(rt.canonical, rt.canonical_len, &err);
	assert_non_null(root);
	back = stmt_from_json(root, &stmt_default_limits, &code, &message);
	assert_non_null(back);
	assert_string_equal(back->id, st->id);
	assert_int_equal(stmt_verify(back, rt.minisig, strlen(rt.minisig),
	    &code, &message), 0);

	/* The listing returns the text byte for byte too. */
	q = query_all("rec");
	assert_int_equal(store_annotations(c->store, &q, text_cb, st),
	    STORE_OK);

	assert_int_equal(store_statement(c->store,
	    "0000000000000000000000000000000000000000000000000000000000000000",
	    roundtrip_cb, &rt), STORE_NOTFOUND);
	assert_int_equal(rt.calls, 1);

	stmt_free(back);
	stmt_free(st);
	free(sig);
	free(rt.canonical);
	free(rt.minisig);
}

static void
test_reply_to(void **state)
{
	struct ctx		*c = *state;
	struct statement	*st;
	struct store_placement	 pl = { .talk = 0, .span_start = 0,
	    .span_end = 600000 };
	struct store_query	 q;
	struct seen		 sn;
	char			 parent[GLOSS_ID_LEN + 1], created[21];
	int64_t			 seq = -1;

	add_record(c->store, c->curator, "rec");
	add_annotation(c->store, c->curator, "rec", "comment", 0, -1, -1,
	    0, 600000, "parent", parent);
	timefmt_rfc3339(time(NULL), created);
	st = fixture_statement(json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, "
	    "s:s, s:s}", "v", 1, "type", "annotation", "author",
	    c->other->pubkey, "created", created, "record", "rec", "kind",
	    "comment", "text", "a reply", "reply_to", parent));
	assert_int_equal(append(c->store, c->other, st, &pl, &seq), STORE_OK);

	q = query_all("rec");
	memset(&sn, 0, sizeof sn);
	assert_int_equal(store_annotations(c->store, &q, seen_cb, &sn),
	    STORE_OK);
	assert_int_equal(sn.n, 2);
	assert_string_equal(sn.reply_to[0], "");
	assert_string_equal(sn.id[1], st->id);
	assert_string_equal(sn.reply_to[1], parent);
	stmt_free(st);
}

static int
rid_cb(const struct store_annotation *a, void *arg)
{
	snprintf(arg, GLOSS_RID_MAX + 1, "%s", a->rid);
	return 0;
}

static void
test_annotation_lookup(void **state)
{
	struct ctx		*c = *state;
	struct statement	*rec;
	char			 id[GLOSS_ID_LEN + 1], rid[GLOSS_RID_MAX + 1];
	int64_t			 seq = -1;

	rec = fixture_record(c->curator, "rec");
	assert_int_equal(append(c->store, c->curator, rec, NULL, &seq),
	    STORE_OK);
	add_annotation(c->store, c->curator, "rec", "comment", 0, -1, -1,
	    0, 600000, "where am I", id);

	assert_int_equal(store_annotation(c->store, id, rid_cb, rid),
	    STORE_OK);
	assert_string_equal(rid, "rec");
	/* A statement that is not an annotation, and no statement. */
	assert_int_equal(store_annotation(c->store, rec->id, rid_cb, rid),
	    STORE_NOTFOUND);
	assert_int_equal(store_annotation(c->store,
	    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	    rid_cb, rid), STORE_NOTFOUND);
	stmt_free(rec);
}

static void
test_annotation_counter(void **state)
{
	struct ctx		*c = *state;
	struct store_record	 r;
	struct seen		 sn;
	char			 text[32];
	int			 k;

	add_record(c->store, c->curator, "busy");
	add_record(c->store, c->curator, "quiet");
	for (k = 0; k < 3; k++) {
		snprintf(text, sizeof text, "comment %d", k);
		add_annotation(c->store, c->other, "busy", "comment", 0, -1,
		    -1, 0, 600000, text, NULL);
	}
	add_annotation(c->store, c->other, "quiet", "comment", 0, -1, -1,
	    0, 600000, "just one", NULL);

	assert_int_equal(store_record(c->store, "busy", &r), STORE_OK);
	assert_int_equal(r.annotations, 3);
	store_record_clear(&r);
	assert_int_equal(store_record(c->store, "quiet", &r), STORE_OK);
	assert_int_equal(r.annotations, 1);
	store_record_clear(&r);

	memset(&sn, 0, sizeof sn);
	assert_int_equal(store_records(c->store, record_cb, &sn), STORE_OK);
	assert_int_equal(sn.n, 2);
	assert_string_equal(sn.kind[0], "busy");
	assert_int_equal(sn.span[0], 3);
	assert_string_equal(sn.kind[1], "quiet");
	assert_int_equal(sn.span[1], 1);
	assert_int_equal(store_count(c->store), 6);
}

/*
 * Another process holding the write lock (a backup, the sqlite3 shell)
 * makes an append STORE_BUSY, a 503, after the short busy timeout, not a
 * stall or an error; reads go on; the store works once the lock is gone.
 */
static void
test_busy(void **state)
{
	struct ctx		*c = *state;
	struct tmpdb		 t;
	struct store		*s;
	struct statement	*st;
	sqlite3			*db;
	const char		*errstr = NULL;
	int64_t			 seq = -1;

	tmpdb_make(&t);
	s = store_open(t.path, &errstr);
	assert_non_null(s);
	add_record(s, c->curator, "first");

	assert_int_equal(sqlite3_open(t.path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL,
	    NULL), SQLITE_OK);
	st = fixture_record(c->curator, "second");
	assert_int_equal(append(s, c->curator, st, NULL, &seq), STORE_BUSY);
	assert_int_equal(seq, -1);
	assert_int_equal(store_count(s), 1);
	assert_int_equal(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);

	assert_int_equal(append(s, c->curator, st, NULL, &seq), STORE_OK);
	assert_int_equal(seq, 2);
	stmt_free(st);
	store_close(s);
	tmpdb_remove(&t);
}

static void
test_close_null(void **state)
{
	store_close(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_migrates, setup,
		    teardown),
		cmocka_unit_test(test_open_bad_path),
		cmocka_unit_test_setup_teardown(test_reopen_file, setup,
		    teardown),
		cmocka_unit_test(test_newer_schema_refused),
		cmocka_unit_test_setup_teardown(test_record_talks, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_id, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_record_conflict, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_annotation_unknown_record,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_annotations_unfiltered,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_annotations_time, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_annotations_filters,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_annotations_pages, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_log, setup, teardown),
		cmocka_unit_test_setup_teardown(test_canonical_roundtrip,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_to, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_annotation_lookup, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_annotation_counter, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_busy, setup, teardown),
		cmocka_unit_test(test_close_null),
	};

	return cmocka_run_group_tests_name("store", tests, fixture_group_setup,
	    fixture_group_teardown);
}
