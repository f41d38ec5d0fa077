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

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
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
#include "store_int.h"		/* store_ckpt_due; s->db for a PRAGMA */
#include "fixtures.h"
#include "faultsys.h"
#include "faultvfs.h"

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

/* Migration version is embedded, in its place, under name. */
static void
expect_migration(int version, const char *name)
{
	assert_true(nmigrations >= (size_t)version);
	assert_int_equal(migrations[version - 1].version, version);
	assert_string_equal(migrations[version - 1].name, name);
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

/*
 * Group commit: appends of a group share one transaction, each undone
 * alone when refused; nobody else sees any of them, and the generation
 * does not move, until store_commit.
 */
static void
test_group_commit(void **state)
{
	struct ctx		*c = *state;
	struct tmpdb		 t;
	struct store		*s, *other;
	struct statement	*st;
	const char		*errstr = NULL;
	uint64_t		 gen;
	int64_t			 seq = -1;

	tmpdb_make(&t);
	s = store_open(t.path, &errstr);
	other = store_open(t.path, &errstr);
	assert_non_null(s);
	assert_non_null(other);
	store_group(s, 1);
	assert_int_equal(store_uncommitted(s), 0);
	assert_int_equal(store_commit(s), STORE_OK);	/* none open: a no-op */
	gen = store_generation(s);

	assert_int_equal(add_record(s, c->curator, "grouped"), 1);
	assert_int_equal(store_uncommitted(s), 1);
	st = fixture_record(c->curator, "grouped");
	assert_int_equal(append(s, c->curator, st, NULL, &seq), STORE_EXISTS);
	assert_int_equal(seq, 1);
	stmt_free(st);
	/* A refused append is undone alone: the group keeps the record. */
	st = fixture_record(c->other, "grouped");
	assert_int_equal(append(s, c->other, st, NULL, &seq),
	    STORE_CONFLICT);
	stmt_free(st);
	add_annotation(s, c->curator, "grouped", "comment", 1, 10000, -1,
	    10000, 10001, "in the group", NULL);
	assert_int_equal(store_count(s), 2);
	assert_int_equal(store_count(other), 0);
	assert_int_equal(store_generation(s), gen);

	assert_int_equal(store_commit(s), STORE_OK);
	assert_int_equal(store_uncommitted(s), 0);
	assert_int_equal(store_generation(s), gen + 1);
	assert_int_equal(store_count(other), 2);

	/* Without the group every append commits by itself again. */
	store_group(s, 0);
	assert_int_equal(add_record(s, c->curator, "alone"), 3);
	assert_int_equal(store_uncommitted(s), 0);
	assert_int_equal(store_count(other), 3);
	assert_int_equal(store_generation(s), gen + 2);
	store_close(other);
	store_close(s);
	tmpdb_remove(&t);
}

/* The size of the file at path. */
static off_t
file_size(const char *path)
{
	struct stat	sb;

	assert_int_equal(stat(path, &sb), 0);
	return sb.st_size;
}

/* Frames in a WAL file: a 32-byte header, then 24 bytes and a page each. */
#define WAL_FRAMES(path)	((file_size(path) - 32) / (4096 + 24))

/*
 * When the WAL is copied: once per step, not at every commit past it; at
 * every commit in the last step before the hard bound; and from the
 * first step again once the WAL has started over.
 */
static void
test_ckpt_steps(void **state)
{
	struct store_ckpt_steps	p = { .step = 100, .hard = 400, .next = 100 };
	static const struct {
		int	frames;
		int	due;
	} commits[] = {
		/* below the first step, at it, then a step past 104 */
		{ 8, 0 }, { 99, 0 }, { 104, 1 }, { 112, 0 }, { 203, 0 },
		{ 204, 1 }, { 299, 0 },
		/* the last step, then the writer's turn at 400 */
		{ 300, 1 }, { 301, 1 }, { 399, 1 }, { 400, 1 }, { 410, 1 },
		/* the WAL started over */
		{ 9, 0 }, { 99, 0 }, { 100, 1 },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < NITEMS(commits); i++) {
		if (store_ckpt_due(&p, commits[i].frames) != commits[i].due)
			fail_msg("%d frames: due should be %d",
			    commits[i].frames, commits[i].due);
	}
}

/* How many descriptors this process has open. */
static int
open_fds(void)
{
	DIR		*d;
	struct dirent	*e;
	int		 n = 0;

	assert_non_null(d = opendir("/proc/self/fd"));
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d);
	closedir(d);
	return n;
}

/* The one integer sql selects on db. */
static int64_t
db_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*q;
	int64_t		 v;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return v;
}

/* The one integer sql selects on a plain connection to path. */
static int64_t
raw_int(const char *path, const char *sql)
{
	sqlite3		*db;
	int64_t		 v;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	v = db_int(db, sql);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	return v;
}

/* VACUUM the closed database at path: no free pages, so writes grow it. */
static void
vacuum(const char *path)
{
	sqlite3	*db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "VACUUM", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/*
 * With the checkpointer, the loop's connection leaves the WAL to a
 * thread, woken each time the WAL has grown by a step (the database file
 * grows only when that thread has copied it), and copies it itself from
 * the hard bound, so the WAL never grows much past it; nothing is lost
 * either way.  Without a thread to be had, SQLite checkpoints as it
 * always does.
 */
static void
test_checkpointer(void **state)
{
	struct ctx	*c = *state;
	struct tmpdb	 t;
	struct store	*s;
	const char	*errstr = NULL;
	char		 wal[160], rid[32];
	off_t		 before, most = 0;
	int		 i, fds;

	tmpdb_make(&t);
	snprintf(wal, sizeof wal, "%s-wal", t.path);
	s = store_open(t.path, &errstr);
	assert_non_null(s);
	/*
	 * The migrations wrote more frames than the bound, and the WAL file
	 * keeps its longest length (the last close removes it); the indexes
	 * they rebuilt left free pages, which appends would take before the
	 * file grows (VACUUM returns them).
	 */
	store_close(s);
	vacuum(t.path);
	s = store_open(t.path, &errstr);
	assert_non_null(s);
	assert_true(file_size(wal) <= 0);
	assert_int_equal(store_checkpointer(s, 100, 400), 0);
	before = file_size(t.path);
	/* Below a step nothing is copied (a record is about 8 frames)... */
	for (i = 0; WAL_FRAMES(wal) < 100 - 16; i++) {
		snprintf(rid, sizeof rid, "ckpt-%d", i);
		add_record(s, c->curator, rid);
	}
	assert_true(file_size(t.path) == before);
	/* ...and the commit past it has the thread copy the WAL. */
	for (; WAL_FRAMES(wal) < 100; i++) {
		snprintf(rid, sizeof rid, "ckpt-%d", i);
		add_record(s, c->curator, rid);
	}
	store_checkpointer_stop(s);	/* after the last checkpoint asked */
	assert_true(file_size(t.path) > before);
	store_close(s);			/* the WAL file back to nothing */
	s = store_open(t.path, &errstr);
	assert_non_null(s);

	assert_int_equal(store_checkpointer(s, 8, 40), 0);
	for (; i < 60; i++) {
		snprintf(rid, sizeof rid, "ckpt-%d", i);
		add_record(s, c->curator, rid);
		if (file_size(wal) > most)
			most = file_size(wal);
	}
	/*
	 * Hundreds of frames written, never over 50 (a quarter past 40, where
	 * the writer waits for the thread) and one record's frames at once,
	 * however the threads are scheduled.
	 */
	assert_true(most <= 32 + 80 * (4096 + 24));
	assert_int_equal(store_count(s), 60);
	store_close(s);			/* stops the thread itself */
	fds = open_fds();
	s = store_open(t.path, &errstr);
	assert_non_null(s);
	assert_int_equal(store_count(s), 60);

	/*
	 * No thread to be had: no checkpointer, and SQLite copies the WAL
	 * itself from 1000 frames, as before.  The connection it had opened
	 * is closed, though SQLite keeps its descriptor on the database
	 * until the store's own is closed (it holds locks on the file).
	 */
	faultsys_fail(FAULTSYS_THREAD, 0);
	assert_int_equal(store_checkpointer(s, 8, 40), -1);
	faultsys_clear();
	before = file_size(t.path);
	for (; file_size(t.path) == before && i < 400; i++) {
		snprintf(rid, sizeof rid, "ckpt-%d", i);
		add_record(s, c->curator, rid);
	}
	assert_true(file_size(t.path) > before);
	assert_true(WAL_FRAMES(wal) >= 1000 && WAL_FRAMES(wal) <= 1000 + 16);
	store_close(s);
	assert_int_equal(open_fds(), fds);
	tmpdb_remove(&t);

	/* In memory there is nothing to copy. */
	s = store_open(":memory:", &errstr);
	assert_non_null(s);
	assert_int_equal(store_checkpointer(s, 8, 40), -1);
	store_close(s);
}

/* The store on path, opened, holding count statements. */
static struct store *
opened(const char *path, int64_t count)
{
	struct store	*s;
	const char	*errstr = NULL;

	s = store_open(path, &errstr);
	assert_non_null(s);
	assert_int_equal(store_count(s), count);
	return s;
}

/* s closed and opened again on path, holding count statements. */
static struct store *
reopened(struct store *s, const char *path, int64_t count)
{
	store_close(s);
	return opened(path, count);
}

/* SQLite finds the database at path whole. */
static void
intact(const char *path)
{
	assert_int_equal(raw_int(path, "SELECT count(*) FROM"
	    " pragma_integrity_check WHERE integrity_check = 'ok'"), 1);
}

/*
 * s closed, and the store on path opened again holding count statements,
 * closed; SQLite finds the file whole.
 */
static void
recovered(struct store *s, const char *path, int64_t count)
{
	store_close(reopened(s, path, count));
	intact(path);
}

/*
 * Annotations of 2000 bytes, enough for the checkpointing thread to copy
 * a step of frames into the database of t (vacuumed, so that every page
 * it writes past the free ones grows the file), with the calls of
 * faultsys kind fail refused once the record is in (-1: none).  How
 * much the file grew in *grown, the calls in *calls, the statements
 * stored in *count; returns the store, the thread stopped.
 */
static struct store *
paced_copy(struct ctx *c, struct tmpdb *t, int fail, off_t *grown,
    int *calls, int64_t *count)
{
	struct store	*s;
	const char	*errstr = NULL;
	char		 wal[160], rid[32], text[2001], num[16];
	off_t		 before;
	int		 i, n0;

	snprintf(wal, sizeof wal, "%s-wal", t->path);
	vacuum(t->path);
	s = store_open(t->path, &errstr);
	assert_non_null(s);
	snprintf(rid, sizeof rid, "pace-%d", fail + 1);
	add_record(s, c->curator, rid);
	memset(text, 'x', sizeof text - 1);
	text[sizeof text - 1] = '\0';
	assert_int_equal(store_syncer(s), 0);	/* as glossd: syncer first */
	assert_int_equal(store_checkpointer(s, 3000, 12000), 0);
	if (fail != -1)
		faultsys_fail(fail, 0);
	n0 = faultsys_calls(FAULTSYS_WRITEBACK);
	before = file_size(t->path);
	for (i = 0; WAL_FRAMES(wal) < 3000; i++) {
		snprintf(num, sizeof num, "%08d", i);
		memcpy(text, num, 8);		/* no two alike */
		add_annotation(s, c->curator, rid, "comment", 0, -1, -1, 0,
		    60, text, NULL);
	}
	store_checkpointer_stop(s);	/* after the last checkpoint asked */
	faultsys_clear();
	*grown = file_size(t->path) - before;
	*calls = faultsys_calls(FAULTSYS_WRITEBACK) - n0;
	*count = store_count(s);
	return s;
}

/*
 * After a paced_copy whose checkpoint failed for good: the loop hears of
 * it as of a failed sync (store_durable), nothing more is appended, and
 * recovery, after the store is closed, has all count statements.
 */
static void
paced_failed(struct ctx *c, struct tmpdb *t, struct store *s, int64_t count)
{
	struct statement	*st;
	uint64_t		 durable;
	int64_t			 seq;

	errno = 0;
	assert_int_equal(store_durable(s, 1, &durable), -1);
	assert_int_equal(errno, EIO);
	st = fixture_record(c->curator, "refused");
	assert_int_equal(append(s, c->curator, st, NULL, &seq), STORE_DISK);
	stmt_free(st);
	recovered(s, t->path, count);	/* the WAL left to recovery */
}

/*
 * The checkpointing thread has the kernel write the database's pages
 * each 256 KiB it copies (store_pace.c), not all at once later.  When
 * the kernel reports a write lost, that is final, as a failed sync of
 * the WAL is: the checkpoint stops there, nothing more is committed or
 * copied, the loop hears of it as of a failed sync (store_durable), and
 * recovery has everything from the WAL.  So is a checkpoint whose own
 * sync fails (here the WAL's, before it copies anything).  The
 * descriptor the pacing uses is closed with the store.
 */
static void
test_checkpointer_paced(void **state)
{
	struct ctx		*c = *state;
	struct tmpdb		 t;
	struct store		*s;
	const char		*errstr = NULL;
	off_t			 grown;
	uint64_t		 durable;
	int64_t			 count;
	int			 calls, fds;

	if (store_pace_vfs() == NULL)
		skip();			/* no sync_file_range here */
	tmpdb_make(&t);
	s = store_open(t.path, &errstr);	/* the migrations */
	assert_non_null(s);
	store_close(s);
	fds = open_fds();
	s = paced_copy(c, &t, -1, &grown, &calls, &count);
	assert_int_equal(store_durable(s, 1, &durable), 0);
	assert_true(durable == store_generation(s));
	store_close(s);
	assert_true(grown >= 4 * 256 * 1024);
	assert_true(calls >= grown / (256 * 1024));
	assert_int_equal(open_fds(), fds);

	s = paced_copy(c, &t, FAULTSYS_WRITEBACK, &grown, &calls, &count);
	assert_int_equal(calls, 1);	/* and the checkpoint stopped */
	assert_true(grown <= 256 * 1024);
	paced_failed(c, &t, s, count);
	assert_int_equal(open_fds(), fds);

	s = paced_copy(c, &t, FAULTSYS_FSYNC, &grown, &calls, &count);
	assert_int_equal(calls, 0);	/* nothing copied */
	assert_int_equal(grown, 0);
	paced_failed(c, &t, s, count);
	assert_int_equal(open_fds(), fds);
	tmpdb_remove(&t);
}

/* The loop's connection's synchronous PRAGMA: 1 NORMAL, 2 FULL. */
static int
synchronous(struct store *s)
{
	sqlite3_stmt	*q;
	int		 mode;

	assert_int_equal(sqlite3_prepare_v2(s->db, "PRAGMA synchronous", -1,
	    &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	mode = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	return mode;
}

/* No syncer: SQLite syncs each COMMIT, so every one is durable. */
static void
assert_sqlite_syncs(struct store *s)
{
	uint64_t	durable;

	assert_int_equal(synchronous(s), 2);
	assert_int_equal(store_sync_fd(s), -1);
	assert_int_equal(store_durable(s, 0, &durable), 0);
	assert_int_equal(durable, store_generation(s));
}

/*
 * With the syncer, the loop's connection commits without syncing and a
 * thread syncs the WAL: store_durable catches up with every generation
 * committed, saying so on its descriptor, and stopping it gives SQLite
 * its syncs back.  Without it (no WAL, thread or pipe to be had, or in
 * memory) every commit is durable when it returns, and nothing of the
 * attempt is left open.
 */
static void
test_syncer(void **state)
{
	struct ctx	*c = *state;
	struct tmpdb	 t;
	struct store	*s;
	struct pollfd	 pfd;
	const char	*errstr = NULL;
	uint64_t	 durable;
	char		 rid[32], wal[PATH_MAX];
	int		 i, fds;

	tmpdb_make(&t);
	s = store_open(t.path, &errstr);
	assert_non_null(s);
	assert_sqlite_syncs(s);

	assert_int_equal(store_syncer(s), 0);
	assert_int_equal(synchronous(s), 1);
	pfd.fd = store_sync_fd(s);
	pfd.events = POLLIN;
	assert_true(pfd.fd != -1);
	assert_int_equal(poll(&pfd, 1, 0), 0);	/* nothing synced yet */
	store_group(s, 1);
	for (i = 0; i < 5; i++) {
		snprintf(rid, sizeof rid, "synced-%d", i);
		add_record(s, c->curator, rid);
		assert_int_equal(store_commit(s), STORE_OK);
	}
	assert_int_equal(store_durable(s, 1, &durable), 0);
	assert_int_equal(durable, store_generation(s));
	assert_int_equal(poll(&pfd, 1, 0), 1);	/* and said so */
	assert_int_equal(store_durable(s, 0, &durable), 0);
	assert_int_equal(durable, store_generation(s));

	/* The last commit is synced before the thread stops. */
	add_record(s, c->curator, "synced-last");
	assert_int_equal(store_commit(s), STORE_OK);
	store_syncer_stop(s);
	assert_sqlite_syncs(s);
	s = reopened(s, t.path, 6);

	/* No WAL to open: no syncer, and SQLite syncs each COMMIT again. */
	snprintf(wal, sizeof wal, "%s-wal", t.path);
	assert_int_equal(unlink(wal), 0);
	assert_int_equal(store_syncer(s), -1);
	store_group(s, 1);
	add_record(s, c->curator, "synced-by-sqlite");
	assert_int_equal(store_commit(s), STORE_OK);
	assert_sqlite_syncs(s);
	s = reopened(s, t.path, 7);

	/* No thread, or no pipe, to be had: the same. */
	for (i = FAULTSYS_THREAD; i <= FAULTSYS_PIPE; i++) {
		fds = open_fds();
		faultsys_fail(i, 0);
		assert_int_equal(store_syncer(s), -1);
		faultsys_clear();
		assert_int_equal(open_fds(), fds);
		store_group(s, 1);
		snprintf(rid, sizeof rid, "no-syncer-%d", i);
		add_record(s, c->curator, rid);
		assert_int_equal(store_commit(s), STORE_OK);
		assert_sqlite_syncs(s);
	}
	store_close(reopened(s, t.path, 9));
	tmpdb_remove(&t);

	/* In memory there is nothing to sync. */
	s = store_open(":memory:", &errstr);
	assert_non_null(s);
	assert_int_equal(store_syncer(s), -1);
	assert_int_equal(synchronous(s), 2);
	store_close(s);
}

/*
 * The one descriptor the syncer opened on the WAL at path: read-only,
 * where SQLite's own is read-write.
 */
static int
syncer_fd(const char *path)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 want, sb;
	int		 fd, found = -1, n = 0;

	assert_int_equal(stat(path, &want), 0);
	assert_non_null(d = opendir("/proc/self/fd"));
	while ((e = readdir(d)) != NULL) {
		fd = atoi(e->d_name);
		if (e->d_name[0] == '.' || fd == dirfd(d) ||
		    fstat(fd, &sb) == -1)
			continue;
		if (sb.st_dev == want.st_dev && sb.st_ino == want.st_ino &&
		    (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDONLY) {
			found = fd;
			n++;
		}
	}
	closedir(d);
	assert_int_equal(n, 1);
	return found;
}

/*
 * A write the disk lost, said by another thread than the syncer's
 * (store_disk_failed: the checkpointer's), is final as a failed sync is,
 * and the loop is told on the syncer's descriptor at once, not at its
 * next commit; the first failure is the one kept.
 */
static void
test_disk_failed(void **state)
{
	struct ctx		*c = *state;
	struct tmpdb		 t;
	struct store		*s;
	struct statement	*st;
	struct pollfd		 pfd;
	const char		*errstr = NULL;
	char			 buf[64];
	uint64_t		 durable;
	int64_t			 seq;

	tmpdb_make(&t);
	s = store_open(t.path, &errstr);
	assert_non_null(s);
	assert_int_equal(store_syncer(s), 0);
	add_record(s, c->curator, "kept");
	assert_int_equal(store_durable(s, 1, &durable), 0);
	while (read(store_sync_fd(s), buf, sizeof buf) > 0)
		;			/* what the sync said */
	pfd.fd = store_sync_fd(s);
	pfd.events = POLLIN;
	assert_int_equal(poll(&pfd, 1, 0), 0);

	store_disk_failed(s, EIO, "test: lost");
	assert_int_equal(poll(&pfd, 1, 0), 1);
	store_disk_failed(s, ENOSPC, "test: lost again");
	errno = 0;
	assert_int_equal(store_durable(s, 1, &durable), -1);
	assert_int_equal(errno, EIO);
	st = fixture_record(c->curator, "refused");
	assert_int_equal(append(s, c->curator, st, NULL, &seq), STORE_DISK);
	stmt_free(st);
	store_close(s);
	store_close(opened(t.path, 1));	/* recovery has the record */
	tmpdb_remove(&t);
}

/*
 * A failed sync is final: the failure is said on the descriptor, the
 * commit it covered is never durable, nothing more is appended or
 * committed (STORE_DISK), and closing leaves the WAL to recovery instead
 * of copying it into the database, though a checkpointer runs.  Here
 * the syncer's descriptor is made a pipe, on which fdatasync fails with
 * EINVAL.
 */
static void
test_syncer_fails(void **state)
{
	struct ctx		*c = *state;
	struct tmpdb		 t;
	struct store		*s;
	struct statement	*st;
	struct pollfd		 pfd;
	struct stat		 sb;
	const char		*errstr = NULL;
	char			 wal[PATH_MAX], buf[64];
	uint64_t		 durable, before;
	int64_t			 seq;
	int			 p[2];

	tmpdb_make(&t);
	snprintf(wal, sizeof wal, "%s-wal", t.path);
	s = store_open(t.path, &errstr);
	assert_non_null(s);
	assert_int_equal(store_checkpointer(s, 8, 40), 0);
	assert_int_equal(store_syncer(s), 0);
	store_group(s, 1);
	add_record(s, c->curator, "kept");
	assert_int_equal(store_commit(s), STORE_OK);
	assert_int_equal(store_durable(s, 1, &durable), 0);
	before = durable;
	while (read(store_sync_fd(s), buf, sizeof buf) > 0)
		;			/* what the first sync said */

	assert_int_equal(pipe(p), 0);
	assert_true(dup2(p[0], syncer_fd(wal)) != -1);
	add_record(s, c->curator, "in-doubt");
	assert_int_equal(store_commit(s), STORE_OK);	/* written, unsynced */
	errno = 0;
	assert_int_equal(store_durable(s, 1, &durable), -1);
	assert_int_equal(errno, EINVAL);
	assert_true(durable == before);
	pfd.fd = store_sync_fd(s);
	pfd.events = POLLIN;
	assert_int_equal(poll(&pfd, 1, 0), 1);

	st = fixture_record(c->curator, "refused");
	assert_int_equal(append(s, c->curator, st, NULL, &seq), STORE_DISK);
	stmt_free(st);
	assert_int_equal(store_uncommitted(s), 0);
	store_close(s);
	assert_int_equal(stat(wal, &sb), 0);	/* not checkpointed away */
	close(p[0]);
	close(p[1]);

	/* Recovery has what reached the WAL: here, both records. */
	store_close(opened(t.path, 2));
	tmpdb_remove(&t);
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
	char			 page_ids[4][GLOSS_ID_LEN + 1];
	const char		*talk2[MAX_SEEN];
	size_t			 i, total = 0, pages = 0;
	int64_t			 count;
	int			 k, n;

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

	/* Pages by offset (W3C containers) follow the same order. */
	for (k = 0; k <= 9; k += 4) {
		n = -1;
		assert_int_equal(store_listing_page(c->store, "rec", 0, k, 4,
		    page_ids, &n), STORE_OK);
		assert_int_equal(n, k + 4 <= 9 ? 4 : 9 - k);
		for (i = 0; i < (size_t)n; i++)
			assert_string_equal(page_ids[i], all.id[k + i]);
	}
	assert_int_equal(store_listing_page(c->store, "rec", 0, 9, 4,
	    page_ids, &n), STORE_OK);
	assert_int_equal(n, 0);

	/* Talk 2 holds B, C and the three: its count and its second page. */
	assert_int_equal(store_talk_count(c->store, "rec", 2, &count),
	    STORE_OK);
	assert_int_equal(count, 5);
	assert_int_equal(store_talk_count(c->store, "rec", 9, &count),
	    STORE_OK);
	assert_int_equal(count, 0);
	assert_int_equal(store_listing_page(c->store, "rec", 2, 2, 2,
	    page_ids, &n), STORE_OK);
	assert_int_equal(n, 2);
	for (i = 0, k = 0; i < all.n; i++) {
		if (all.talk[i] == 2)
			talk2[k++] = all.id[i];
	}
	assert_int_equal(k, 5);
	assert_string_equal(page_ids[0], talk2[2]);
	assert_string_equal(page_ids[1], talk2[3]);
}

/*
 * Migration 0014: a talk's listing is a range of the record's, since
 * policy_annotation places each annotation of a talk inside it.  On a
 * record whose first talk starts at 0 (where the whole record's
 * annotations start too) and whose second is empty (the third starts
 * with it), with annotations placed by policy as glossd places them,
 * each talk's listing, count and pages by offset are the record's
 * listing filtered by talk, in the same order, and so are its pages by
 * cursor and a time query on it.
 */
static void
test_talk_listing_ranges(void **state)
{
	struct ctx		*c = *state;
	struct statement	*st;
	struct store_record	 rec;
	struct store_placement	 pl;
	struct policy_verdict	 v;
	struct store_query	 q;
	struct seen		 all, one, page;
	char			 created[21], text[32];
	char			 ids[4][GLOSS_ID_LEN + 1];
	size_t			 i, k, want;
	int64_t			 seq, count;
	int			 talk, n, off;
	static const struct {
		int	talk;
		int64_t	at_start, at_end;
	} put[] = {
		{ 3, -1, -1 }, { 0, -1, -1 }, { 1, -1, -1 }, { 1, 0, -1 },
		{ 0, 99999, -1 }, { 2, -1, -1 }, { 0, 100000, -1 },
		{ 0, -1, -1 }, { 0, 90000, 300000 }, { 3, 100000, 250000 },
		{ 4, 399999, -1 }, { 0, 250000, -1 }, { 1, -1, -1 },
		{ 2, -1, -1 }, { 0, -1, -1 }, { 3, -1, -1 }, { 0, 0, -1 },
	};

	timefmt_rfc3339(time(NULL), created);
	st = fixture_statement(json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, "
	    "s:I, s:[{s:I, s:s}, {s:I, s:s}, {s:I, s:s}, {s:I, s:s}]}",
	    "v", 1, "type", "record", "author", c->curator->pubkey,
	    "created", created, "record", "ranges", "title", "Ranges",
	    "duration", (json_int_t)400000, "talks",
	    "start", (json_int_t)0, "title", "First",
	    "start", (json_int_t)100000, "title", "Empty",
	    "start", (json_int_t)100000, "title", "Third",
	    "start", (json_int_t)250000, "title", "Last"));
	assert_int_equal(append(c->store, c->curator, st, NULL, &seq),
	    STORE_OK);
	stmt_free(st);
	assert_int_equal(store_record(c->store, "ranges", &rec), STORE_OK);
	for (i = 0; i < NITEMS(put); i++) {
		snprintf(text, sizeof text, "placed %zu", i);
		st = fixture_annotation(i % 2 ? c->other : c->curator,
		    "ranges", "comment", put[i].talk, put[i].at_start,
		    put[i].at_end, text);
		memset(&v, 0, sizeof v);
		assert_int_equal(policy_annotation(&rec, &st->u.annotation,
		    &pl, &v), 0);
		assert_int_equal(append(c->store, i % 2 ? c->other :
		    c->curator, st, &pl, &seq), STORE_OK);
		stmt_free(st);
	}
	store_record_clear(&rec);

	q = query_all("ranges");
	memset(&all, 0, sizeof all);
	assert_int_equal(store_annotations(c->store, &q, seen_cb, &all),
	    STORE_OK);
	assert_int_equal(all.n, NITEMS(put));
	for (talk = 1; talk <= 5; talk++) {
		q = query_all("ranges");
		q.talk = talk;
		memset(&one, 0, sizeof one);
		assert_int_equal(store_annotations(c->store, &q, seen_cb,
		    &one), STORE_OK);
		for (i = 0, k = 0; i < all.n; i++) {
			if (all.talk[i] != talk)
				continue;
			assert_true(k < one.n);
			assert_string_equal(one.id[k], all.id[i]);
			k++;
		}
		assert_int_equal(one.n, k);
		want = k;
		/* Every talk but the one that does not exist has some. */
		assert_true(talk == 5 ? want == 0 : want >= 2);
		assert_int_equal(store_talk_count(c->store, "ranges", talk,
		    &count), STORE_OK);
		assert_int_equal(count, (int64_t)want);

		/* One at a time by cursor. */
		q.limit = 1;
		for (k = 0;; k++) {
			memset(&page, 0, sizeof page);
			assert_int_equal(store_annotations(c->store, &q,
			    seen_cb, &page), STORE_OK);
			if (page.n == 0)
				break;
			assert_true(k < want);
			assert_string_equal(page.id[0], one.id[k]);
			q.after_span = page.span[0];
			q.after_seq = page.seq[0];
		}
		assert_int_equal(k, want);

		/* By offset, two at a time. */
		for (off = 0; off <= (int)want; off += 2) {
			assert_int_equal(store_listing_page(c->store, "ranges",
			    talk, off, 2, ids, &n), STORE_OK);
			assert_int_equal(n, off + 2 <= (int)want ? 2 :
			    (int)want - off);
			for (k = 0; k < (size_t)n; k++)
				assert_string_equal(ids[k], one.id[off + k]);
		}
	}

	/* A time query on talk 3: what overlaps 100000 and starts in it. */
	q = query_all("ranges");
	q.talk = 3;
	q.from = q.to = 100000;
	memset(&one, 0, sizeof one);
	assert_int_equal(store_annotations(c->store, &q, seen_cb, &one),
	    STORE_OK);
	assert_int_equal(one.n, 4);
	for (i = 0; i < one.n; i++) {
		assert_int_equal(one.talk[i], 3);
		assert_int_equal(one.span[i], 100000);
	}
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

/*
 * Conversations (migration 0002): revisions, retractions, endorsements,
 * profiles, keys, threads and search.  Statements are built as JSON with
 * the created time each test needs and run through stmt_from_json (as
 * fixture_statement does); whatever a test allocates is kept here and
 * freed by teardown_conv, so a failing assertion reports only itself.
 */
static struct statement	**conv_sts;
static size_t		  conv_nsts;

static struct statement *
conv_keep(struct statement *st)
{
	conv_sts = xreallocarray(conv_sts, conv_nsts + 1, sizeof *conv_sts);
	conv_sts[conv_nsts++] = st;
	return st;
}

static int
teardown_conv(void **state)
{
	size_t	i;

	for (i = 0; i < conv_nsts; i++)
		stmt_free(conv_sts[i]);
	free(conv_sts);
	conv_sts = NULL;
	conv_nsts = 0;
	return teardown(state);
}

/*
 * A statement of type by k, created at created (RFC 3339), with the
 * members of extra (stolen) besides v, type, author and created.
 */
static struct statement *
conv_st(const struct fixture_key *k, const char *type, const char *created,
    json_t *extra)
{
	json_t	*root;

	assert_non_null(extra);
	root = json_pack("{s:i, s:s, s:s, s:s}", "v", 1, "type", type,
	    "author", k->pubkey, "created", created);
	assert_non_null(root);
	assert_int_equal(json_object_update(root, extra), 0);
	json_decref(extra);
	return conv_keep(fixture_statement(root));
}

/* Sign st with k and append it received at received. */
static enum store_rc
append_at(struct store *s, const struct fixture_key *k,
    const struct statement *st, const struct store_placement *pl,
    int64_t received, int64_t *seq)
{
	enum store_rc	 rc;
	char		*sig;

	sig = fixture_sign(k, st);
	rc = store_append(s, st, sig, received, pl, seq);
	free(sig);
	return rc;
}

/* Append st, which must be accepted; returns its seq. */
static int64_t
must_append(struct ctx *c, const struct fixture_key *k,
    const struct statement *st, const struct store_placement *pl)
{
	int64_t	seq = -1;

	assert_int_equal(append(c->store, k, st, pl, &seq), STORE_OK);
	return seq;
}

/*
 * Append st, which must fail with rc (STORE_OK: any failure) and leave
 * the log as it was.
 */
static void
must_fail(struct ctx *c, const struct fixture_key *k,
    const struct statement *st, const struct store_placement *pl,
    enum store_rc want)
{
	int64_t		before = store_count(c->store), seq = -1;
	enum store_rc	rc;

	rc = append(c->store, k, st, pl, &seq);
	if (want == STORE_OK)
		assert_int_not_equal(rc, STORE_OK);
	else
		assert_int_equal(rc, want);
	if (want != STORE_EXISTS)
		assert_int_equal(seq, -1);
	assert_int_equal(store_count(c->store), before);
}

/* An annotation by k on rid, created at created, with extra members. */
static struct statement *
conv_annotation(const struct fixture_key *k, const char *rid,
    const char *created, const char *text, json_t *extra)
{
	json_t	*m;

	m = json_pack("{s:s, s:s, s:s}", "record", rid, "kind", "comment",
	    "text", text);
	assert_non_null(m);
	if (extra != NULL) {
		assert_int_equal(json_object_update(m, extra), 0);
		json_decref(extra);
	}
	return conv_st(k, "annotation", created, m);
}

/* An annotation's whole current state, copied out of the borrowed row. */
struct one {
	int	 found;
	int64_t	 seq;
	char	 id[GLOSS_ID_LEN + 1];
	char	 kind[16];
	char	 author[GLOSS_PUBKEY_LEN + 1];
	int	 talk;
	int64_t	 at_start, at_end, span_start, span_end;
	char	 text[256];
	char	 links[256];		/* "" when NULL */
	char	 reply_to[GLOSS_ID_LEN + 1];
	char	 status[16];
	char	 root[GLOSS_ID_LEN + 1];
	int64_t	 revisions, replies, endorsements;
	char	 retraction[GLOSS_ID_LEN + 1];
	char	 name[300];		/* "" when NULL */
	int	 has_name;
};

static void
copy_str(char *dst, size_t len, const char *src)
{
	if (src == NULL) {
		dst[0] = '\0';
		return;
	}
	assert_true(strlen(src) < len);
	memcpy(dst, src, strlen(src) + 1);
}

static int
one_cb(const struct store_annotation *a, void *arg)
{
	struct one	*o = arg;

	memset(o, 0, sizeof *o);
	o->found = 1;
	o->seq = a->seq;
	copy_str(o->id, sizeof o->id, a->id);
	copy_str(o->kind, sizeof o->kind, a->kind);
	copy_str(o->author, sizeof o->author, a->author);
	o->talk = a->talk;
	o->at_start = a->at_start;
	o->at_end = a->at_end;
	o->span_start = a->span_start;
	o->span_end = a->span_end;
	assert_int_equal(a->text_len, strlen(a->text));
	copy_str(o->text, sizeof o->text, a->text);
	copy_str(o->links, sizeof o->links, a->links);
	copy_str(o->reply_to, sizeof o->reply_to, a->reply_to);
	copy_str(o->status, sizeof o->status, a->status);
	copy_str(o->root, sizeof o->root, a->root);
	o->revisions = a->revisions;
	o->replies = a->replies;
	o->endorsements = a->endorsements;
	copy_str(o->retraction, sizeof o->retraction, a->retraction);
	copy_str(o->name, sizeof o->name, a->name);
	o->has_name = a->name != NULL;
	return 0;
}

/* Annotation id as store_annotation shows it; it must exist. */
static struct one
get_one(struct ctx *c, const char *id)
{
	struct one	o;

	memset(&o, 0, sizeof o);
	assert_int_equal(store_annotation(c->store, id, one_cb, &o),
	    STORE_OK);
	assert_true(o.found);
	return o;
}

static int64_t
record_count(struct ctx *c, const char *rid)
{
	struct store_record	r;
	int64_t			n;

	assert_int_equal(store_record(c->store, rid, &r), STORE_OK);
	n = r.annotations;
	store_record_clear(&r);
	return n;
}

/* The ids a walk of statements yields, in order. */
struct ids {
	size_t	n;
	char	id[MAX_SEEN][GLOSS_ID_LEN + 1];
	char	type[MAX_SEEN][16];
};

static int
ids_cb(const struct store_statement *ss, void *arg)
{
	struct ids	*l = arg;

	assert_true(l->n < MAX_SEEN);
	copy_str(l->id[l->n], sizeof l->id[l->n], ss->id);
	copy_str(l->type[l->n], sizeof l->type[l->n], ss->type);
	l->n++;
	return 0;
}

/* The ids an annotation walk (thread, search) yields, in order. */
struct found {
	size_t	n;
	char	id[MAX_SEEN][GLOSS_ID_LEN + 1];
	char	root[MAX_SEEN][GLOSS_ID_LEN + 1];
	char	snippet[MAX_SEEN][256];
	char	status[MAX_SEEN][16];
};

static int
found_cb(const struct store_annotation *a, void *arg)
{
	struct found	*f = arg;

	assert_true(f->n < MAX_SEEN);
	copy_str(f->id[f->n], sizeof f->id[f->n], a->id);
	copy_str(f->root[f->n], sizeof f->root[f->n], a->root);
	copy_str(f->snippet[f->n], sizeof f->snippet[f->n], a->snippet);
	copy_str(f->status[f->n], sizeof f->status[f->n], a->status);
	f->n++;
	return 0;
}

/* store_search for match (an FTS5 query) with filters; returns count. */
static size_t
search(struct ctx *c, const char *match, const char *rid, const char *kind,
    int limit, int offset, struct found *f)
{
	struct store_search	q = { match, rid, kind, limit, offset };

	memset(f, 0, sizeof *f);
	assert_int_equal(store_search(c->store, &q, found_cb, f), STORE_OK);
	return f->n;
}

/* store_thread of root, at most limit, into f; returns how many. */
static size_t
thread(struct ctx *c, const char *root, int limit, struct found *f)
{
	memset(f, 0, sizeof *f);
	assert_int_equal(store_thread(c->store, root, limit, found_cb, f),
	    STORE_OK);
	return f->n;
}

/* Whether a walk found id. */
static int
found_has(const struct found *f, const char *id)
{
	size_t	i;

	for (i = 0; i < f->n; i++) {
		if (strcmp(f->id[i], id) == 0)
			return 1;
	}
	return 0;
}

/* A key as store_key shows it. */
struct keyrow {
	int	found;
	char	key[GLOSS_PUBKEY_LEN + 1];
	int64_t	first_received, statements, annotations;
	char	name[300], url[128], about[1100], profile[GLOSS_ID_LEN + 1];
	int	has_name, has_url, has_about;
};

static int
key_cb(const struct store_key *k, void *arg)
{
	struct keyrow	*r = arg;

	memset(r, 0, sizeof *r);
	r->found = 1;
	copy_str(r->key, sizeof r->key, k->key);
	r->first_received = k->first_received;
	r->statements = k->statements;
	r->annotations = k->annotations;
	copy_str(r->name, sizeof r->name, k->name);
	copy_str(r->url, sizeof r->url, k->url);
	copy_str(r->about, sizeof r->about, k->about);
	copy_str(r->profile, sizeof r->profile, k->profile);
	r->has_name = k->name != NULL;
	r->has_url = k->url != NULL;
	r->has_about = k->about != NULL;
	return 0;
}

static struct keyrow
get_key(struct ctx *c, const char *key)
{
	struct keyrow	r;

	memset(&r, 0, sizeof r);
	assert_int_equal(store_key(c->store, key, key_cb, &r), STORE_OK);
	assert_true(r.found);
	return r;
}

/* An id no statement has. */
#define NO_ID	"00000000000000000000000000000000"			\
		"00000000000000000000000000000000"

/* A placement over the whole record. */
#define WHOLE	{ .span_start = 0, .span_end = FIXTURE_DURATION }

#define C_2026(mmdd)	"2026-" mmdd "T12:00:00Z"

/* A fresh store is at schema 2, with 0002's tables, triggers and FTS. */
static void
test_conv_schema(void **state)
{
	struct tmpdb	 t;
	struct store	*s;
	sqlite3		*db;
	sqlite3_stmt	*q;
	const char	*errstr = NULL;
	static const char *const names[] = { "revisions", "endorsements",
	    "keys", "annotations_fts", "annotations_fts_source",
	    /* 0007 replaced annotations_root and annotations_author */
	    "endorsements_count_insert", "endorsements_count_delete",
	    "keys_seen", "annotations_fts_insert", "annotations_fts_update",
	    /* 0003 replaced 0002's counting triggers with these */
	    "annotations_counted", "annotations_unshown",
	    "annotations_shown" };
	size_t		 i;

	expect_migration(2, "conversations");
	assert_int_equal(store_user_version(((struct ctx *)*state)->store),
	    newest_version());

	tmpdb_make(&t);
	s = store_open(t.path, &errstr);
	assert_non_null(s);
	assert_int_equal(store_user_version(s), newest_version());
	store_close(s);
	assert_int_equal(header_user_version(t.path), newest_version());

	assert_int_equal(sqlite3_open(t.path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM "
	    "sqlite_master WHERE name = ?1", -1, &q, NULL), SQLITE_OK);
	for (i = 0; i < NITEMS(names); i++) {
		sqlite3_bind_text(q, 1, names[i], -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(q), SQLITE_ROW);
		if (sqlite3_column_int(q, 0) != 1)
			fail_msg("%s is not in the schema", names[i]);
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	tmpdb_remove(&t);
}

/* Apply migrations from+1..to to db, as an older glossd did. */
static void
raw_migrate(sqlite3 *db, int from, int to)
{
	char	 sql[64];
	int	 i;

	assert_true(from >= 0 && from < to && to <= (int)nmigrations);
	for (i = from; i < to; i++) {
		if (sqlite3_exec(db, migrations[i].sql, NULL, NULL, NULL) !=
		    SQLITE_OK)
			fail_msg("migration %d: %s", i + 1, sqlite3_errmsg(db));
	}
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", to);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
}

/*
 * A new database at t (made here) holding migrations 1..version only, as
 * an older glossd left it, open on a plain connection: no link functions,
 * so only what needs none may be touched through it.
 */
static sqlite3 *
raw_db_at(struct tmpdb *t, int version)
{
	sqlite3	*db;

	tmpdb_make(t);
	assert_int_equal(sqlite3_open(t->path, &db), SQLITE_OK);
	raw_migrate(db, 0, version);
	return db;
}

/*
 * The log rows of sts[0..n) as seq 1..n, received 10 s apart from
 * 1700000000, on a plain connection (raw_db_at).
 */
static void
raw_statements(sqlite3 *db, struct statement *const *sts, size_t n)
{
	sqlite3_stmt	*q;
	size_t		 i;

	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO statements "
	    "(seq, id, type, author, created, canonical, minisig, received) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'sig', ?7)", -1, &q, NULL),
	    SQLITE_OK);
	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(q, 1, (int64_t)i + 1);
		sqlite3_bind_text(q, 2, sts[i]->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 3, stmt_type_name(sts[i]->type), -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(q, 4, sts[i]->author, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 5, sts[i]->created_text, -1,
		    SQLITE_STATIC);
		sqlite3_bind_blob(q, 6, sts[i]->canonical,
		    (int)sts[i]->canonical_len, SQLITE_STATIC);
		sqlite3_bind_int64(q, 7, 1700000000 + (int64_t)i * 10);
		assert_int_equal(sqlite3_step(q), SQLITE_DONE);
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
}

/* Record rec of 600 s at the log's seq 1, counting n annotations. */
static void
raw_record(sqlite3 *db, int n)
{
	char	*sql;

	xasprintf(&sql, "INSERT INTO records (rid, seq, title, duration, "
	    "annotations) VALUES ('rec', 1, 'Test record', 600000, %d)", n);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	free(sql);
}

/*
 * A database at schema 1 with a thread in it is brought to 2 with its
 * derived columns filled: roots, reply counts, keys, the search index.
 */
static void
test_conv_migrate_from_1(void **state)
{
	struct ctx		*c = *state;
	struct tmpdb		 t;
	struct store		*s;
	struct statement	*rec, *a, *b, *d;
	struct found		 f;
	sqlite3			*db;
	const char		*errstr = NULL;
	char			*sql;
	struct statement	*all[4];

	rec = conv_keep(fixture_record(c->curator, "rec"));
	a = conv_annotation(c->curator, "rec", C_2026("01-01"),
	    "aardvark root", NULL);
	b = conv_annotation(c->other, "rec", C_2026("01-02"), "badger reply",
	    json_pack("{s:s}", "reply_to", a->id));
	d = conv_annotation(c->other, "rec", C_2026("01-03"), "dingo deeper",
	    json_pack("{s:s}", "reply_to", b->id));
	all[0] = rec;
	all[1] = a;
	all[2] = b;
	all[3] = d;

	db = raw_db_at(&t, 1);
	raw_statements(db, all, NITEMS(all));
	raw_record(db, 3);
	xasprintf(&sql, "INSERT INTO annotations (seq, id, rid, kind, "
	    "author, created, span_start, span_end, text, reply_to) VALUES "
	    "(2, '%s', 'rec', 'comment', '%s', '%s', 0, 600000, "
	    "'aardvark root', NULL),"
	    "(3, '%s', 'rec', 'comment', '%s', '%s', 0, 600000, "
	    "'badger reply', '%s'),"
	    "(4, '%s', 'rec', 'comment', '%s', '%s', 0, 600000, "
	    "'dingo deeper', '%s');",
	    a->id, a->author, a->created_text,
	    b->id, b->author, b->created_text, a->id,
	    d->id, d->author, d->created_text, b->id);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	free(sql);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);

	s = store_open(t.path, &errstr);
	if (s == NULL)
		fail_msg("store_open: %s", errstr);
	assert_int_equal(store_user_version(s), newest_version());
	/* The helpers read c->store; teardown closes whichever is there. */
	store_close(c->store);
	c->store = s;

	{
		struct one	oa = get_one(c, a->id);
		struct one	ob = get_one(c, b->id);
		struct one	od = get_one(c, d->id);
		struct keyrow	kc = get_key(c, c->curator->pubkey);
		struct keyrow	ko = get_key(c, c->other->pubkey);

		assert_string_equal(oa.root, a->id);
		assert_string_equal(ob.root, a->id);
		assert_string_equal(od.root, a->id);
		assert_int_equal(oa.replies, 1);
		assert_int_equal(ob.replies, 1);
		assert_int_equal(od.replies, 0);
		assert_int_equal(oa.revisions, 0);
		assert_int_equal(oa.endorsements, 0);
		assert_string_equal(oa.retraction, "");
		assert_int_equal(kc.statements, 2);
		assert_int_equal(kc.first_received, 1700000000);
		assert_int_equal(kc.annotations, 1);
		assert_int_equal(ko.statements, 2);
		assert_int_equal(ko.first_received, 1700000020);
		assert_int_equal(ko.annotations, 2);
	}
	assert_int_equal(thread(c, a->id, 10, &f), 3);
	assert_string_equal(f.id[0], a->id);
	assert_string_equal(f.id[2], d->id);
	assert_int_equal(search(c, "\"badger\"", NULL, NULL, 10, 0, &f), 1);
	assert_string_equal(f.id[0], b->id);
	assert_int_equal(search(c, "\"dingo\"", NULL, NULL, 10, 0, &f), 1);

	/* The migrated store goes on like a new one: a reply to d. */
	{
		struct statement	*e;
		struct store_placement	 pl = { .span_start = 0,
		    .span_end = 600000 };

		e = conv_annotation(c->curator, "rec", C_2026("01-04"),
		    "echidna", json_pack("{s:s}", "reply_to", d->id));
		assert_int_equal(must_append(c, c->curator, e, &pl), 5);
		assert_string_equal(get_one(c, e->id).root, a->id);
		assert_int_equal(get_one(c, d->id).replies, 1);
		assert_int_equal(get_key(c, c->curator->pubkey).statements, 3);
	}
	store_close(s);
	c->store = NULL;
	tmpdb_remove(&t);
}

/*
 * A revision's row, and the annotation's current state replaced by the
 * placement the caller folded: text, kind, talk, at, span and links.
 */
static void
test_conv_revision_state(void **state)
{
	struct ctx		*c = *state;
	struct statement	*a, *r;
	struct store_placement	 pa = { .talk = 1, .span_start = 0,
	    .span_end = 60000 };
	struct store_placement	 pr;
	struct store_query	 q;
	struct seen		 sn;
	struct ids		 l;
	struct one		 o;
	static const char	 links[] = "[{\"title\":\"Erratum\","
				    "\"url\":\"https://example.org/erratum\"}]";

	add_record(c->store, c->curator, "rec");
	a = conv_annotation(c->other, "rec", C_2026("01-01"), "original text",
	    json_pack("{s:i}", "talk", 1));
	must_append(c, c->other, a, &pa);
	o = get_one(c, a->id);
	assert_string_equal(o.text, "original text");
	assert_int_equal(o.revisions, 0);

	r = conv_st(c->other, "revision", C_2026("01-02"), json_pack(
	    "{s:s, s:s, s:s, s:{s:i}, s:[{s:s, s:s}]}", "of", a->id,
	    "text", "revised text", "kind", "critique", "at", "start", 90000,
	    "links", "url", "https://example.org/erratum", "title",
	    "Erratum"));
	memset(&pr, 0, sizeof pr);
	pr.talk = 2;
	pr.span_start = 90000;
	pr.span_end = 90001;
	pr.kind = KIND_CRITIQUE;
	pr.at_start = 90000;
	pr.at_end = -1;
	pr.text = r->u.annotation.text;
	pr.text_len = r->u.annotation.text_len;
	pr.links = links;
	assert_int_equal(must_append(c, c->other, r, &pr), 3);

	o = get_one(c, a->id);
	/* Still the original's row. */
	assert_int_equal(o.seq, 2);
	assert_string_equal(o.id, a->id);
	assert_string_equal(o.text, "revised text");
	assert_string_equal(o.kind, "critique");
	assert_int_equal(o.talk, 2);
	assert_int_equal(o.at_start, 90000);
	assert_int_equal(o.at_end, -1);
	assert_int_equal(o.span_start, 90000);
	assert_int_equal(o.span_end, 90001);
	assert_string_equal(o.links, links);
	assert_int_equal(o.revisions, 1);
	assert_string_equal(o.status, "visible");
	assert_string_equal(o.reply_to, "");

	/* The revision is in the log and in the chain, not an annotation. */
	assert_int_equal(store_annotation(c->store, r->id, one_cb, &o),
	    STORE_NOTFOUND);
	memset(&l, 0, sizeof l);
	assert_int_equal(store_revisions(c->store, a->id, ids_cb, &l),
	    STORE_OK);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.id[0], r->id);
	assert_string_equal(l.type[0], "revision");
	assert_int_equal(store_count(c->store), 3);
	assert_int_equal(record_count(c, "rec"), 1);

	/* Listings read the new state: talk 2 at 1:30 now. */
	q = query_all("rec");
	q.talk = 2;
	memset(&sn, 0, sizeof sn);
	assert_int_equal(store_annotations(c->store, &q, seen_cb, &sn),
	    STORE_OK);
	assert_int_equal(sn.n, 1);
	assert_int_equal(sn.span[0], 90000);
	assert_string_equal(sn.kind[0], "critique");
	q.talk = 1;
	expect_seqs(c->store, &q, NULL, 0);

	/* A second revision without links clears them (pl.links NULL). */
	r = conv_st(c->other, "revision", C_2026("01-03"), json_pack(
	    "{s:s, s:s, s:[]}", "of", a->id, "text", "third", "links"));
	pr.links = NULL;
	pr.text = r->u.annotation.text;
	pr.text_len = r->u.annotation.text_len;
	must_append(c, c->other, r, &pr);
	o = get_one(c, a->id);
	assert_string_equal(o.text, "third");
	assert_string_equal(o.links, "");
	assert_int_equal(o.revisions, 2);

	/* A revision without a placement, or of no annotation: nothing. */
	r = conv_st(c->other, "revision", C_2026("01-04"), json_pack(
	    "{s:s, s:s}", "of", a->id, "text", "no placement"));
	must_fail(c, c->other, r, NULL, STORE_ERROR);
	r = conv_st(c->other, "revision", C_2026("01-04"), json_pack(
	    "{s:s, s:s}", "of", NO_ID, "text", "of nothing"));
	pr.text = r->u.annotation.text;
	pr.text_len = r->u.annotation.text_len;
	must_fail(c, c->other, r, &pr, STORE_OK);
	assert_int_equal(get_one(c, a->id).revisions, 2);
}

/* Revisions read back in chain order, (created, id), not arrival. */
static void
test_conv_revisions_order(void **state)
{
	struct ctx		*c = *state;
	struct statement	*a, *r3, *r1, *r2, *t1, *t2, *lo, *hi;
	struct store_placement	 pa = WHOLE;
	struct store_placement	 pr;
	struct ids		 l;
	int			 calls = 0;

	add_record(c->store, c->curator, "rec");
	a = conv_annotation(c->other, "rec", C_2026("01-01"), "v0", NULL);
	must_append(c, c->other, a, &pa);
	assert_int_equal(store_revisions(c->store, a->id, ids_cb,
	    memset(&l, 0, sizeof l)), STORE_OK);
	assert_int_equal(l.n, 0);

	r3 = conv_st(c->other, "revision", C_2026("01-04"), json_pack(
	    "{s:s, s:s}", "of", a->id, "text", "v3"));
	r1 = conv_st(c->other, "revision", C_2026("01-02"), json_pack(
	    "{s:s, s:s}", "of", a->id, "text", "v1"));
	r2 = conv_st(c->other, "revision", C_2026("01-03"), json_pack(
	    "{s:s, s:s}", "of", a->id, "text", "v2"));
	/* Two with the same created: the id decides. */
	t1 = conv_st(c->other, "revision", C_2026("01-03"), json_pack(
	    "{s:s, s:s}", "of", a->id, "text", "tie one"));
	t2 = conv_st(c->other, "revision", C_2026("01-03"), json_pack(
	    "{s:s, s:s}", "of", a->id, "text", "tie two"));
	lo = strcmp(t1->id, t2->id) < 0 ? t1 : t2;
	hi = lo == t1 ? t2 : t1;
	/* r2 sorts against the ties by id too. */

	memset(&pr, 0, sizeof pr);
	pr.span_start = 0;
	pr.span_end = 600000;
	pr.at_start = pr.at_end = -1;
	pr.text = "folded";
	pr.text_len = 6;
	must_append(c, c->other, r3, &pr);
	must_append(c, c->other, hi, &pr);
	must_append(c, c->other, r1, &pr);
	must_append(c, c->other, lo, &pr);
	must_append(c, c->other, r2, &pr);

	memset(&l, 0, sizeof l);
	assert_int_equal(store_revisions(c->store, a->id, ids_cb, &l),
	    STORE_OK);
	assert_int_equal(l.n, 5);
	assert_string_equal(l.id[0], r1->id);
	/* r2, lo and hi share 01-03: by id. */
	{
		const char	*mid[3] = { r2->id, lo->id, hi->id }, *tmp;
		int		 i, j;

		for (i = 0; i < 3; i++)
			for (j = i + 1; j < 3; j++)
				if (strcmp(mid[j], mid[i]) < 0) {
					tmp = mid[i];
					mid[i] = mid[j];
					mid[j] = tmp;
				}
		assert_string_equal(l.id[1], mid[0]);
		assert_string_equal(l.id[2], mid[1]);
		assert_string_equal(l.id[3], mid[2]);
	}
	assert_string_equal(l.id[4], r3->id);
	assert_int_equal(get_one(c, a->id).revisions, 5);

	/* Another annotation's chain is its own; an unknown one is empty. */
	assert_int_equal(store_revisions(c->store, NO_ID, count_cb,
	    &calls), STORE_OK);
	assert_int_equal(calls, 0);
}

/*
 * A retraction hides the annotation (status, listing, search), keeps its
 * row and its statements, and takes it out of the counters.
 */
static void
test_conv_retraction(void **state)
{
	struct ctx		*c = *state;
	struct statement	*p, *r, *x, *x2;
	struct store_placement	 pl = WHOLE;
	struct store_query	 q;
	struct found		 f;
	struct store_statement	 got;
	struct one		 o;
	int64_t			 pseq;

	add_record(c->store, c->curator, "rec");
	p = conv_annotation(c->other, "rec", C_2026("01-01"),
	    "parent platypus", NULL);
	pseq = must_append(c, c->other, p, &pl);
	r = conv_annotation(c->curator, "rec", C_2026("01-02"),
	    "reply quokka", json_pack("{s:s}", "reply_to", p->id));
	must_append(c, c->curator, r, &pl);
	assert_int_equal(get_one(c, p->id).replies, 1);
	assert_int_equal(record_count(c, "rec"), 2);
	assert_int_equal(search(c, "\"quokka\"", NULL, NULL, 10, 0, &f), 1);

	x = conv_st(c->curator, "retraction", C_2026("01-03"), json_pack(
	    "{s:s, s:s}", "of", r->id, "reason", "wrong talk"));
	must_append(c, c->curator, x, NULL);

	o = get_one(c, r->id);
	assert_string_equal(o.status, "retracted");
	assert_string_equal(o.retraction, x->id);
	assert_string_equal(o.text, "reply quokka");	/* kept */
	assert_int_equal(get_one(c, p->id).replies, 0);
	assert_int_equal(record_count(c, "rec"), 1);
	q = query_all("rec");
	expect_seqs(c->store, &q, &pseq, 1);
	assert_int_equal(search(c, "\"quokka\"", NULL, NULL, 10, 0, &f), 0);
	assert_int_equal(search(c, "\"platypus\"", NULL, NULL, 10, 0, &f),
	    1);
	/* Its statement and the retraction stay in the log. */
	assert_int_equal(store_statement(c->store, r->id, statement_copy_cb,
	    &got), STORE_OK);
	assert_int_equal(store_statement(c->store, x->id, statement_copy_cb,
	    &got), STORE_OK);
	assert_int_equal(store_count(c->store), 4);
	assert_int_equal(get_key(c, c->curator->pubkey).annotations, 0);

	/* A second retraction of it changes nothing and is not stored. */
	x2 = conv_st(c->curator, "retraction", C_2026("01-04"), json_pack(
	    "{s:s}", "of", r->id));
	must_fail(c, c->curator, x2, NULL, STORE_NOTFOUND);
	assert_string_equal(get_one(c, r->id).retraction, x->id);
	assert_int_equal(record_count(c, "rec"), 1);

	/* The parent too: the record has nothing visible left. */
	x = conv_st(c->other, "retraction", C_2026("01-05"), json_pack(
	    "{s:s}", "of", p->id));
	must_append(c, c->other, x, NULL);
	assert_int_equal(record_count(c, "rec"), 0);
	expect_seqs(c->store, &q, NULL, 0);
	assert_int_equal(search(c, "\"platypus\"", NULL, NULL, 10, 0, &f),
	    0);
	/* A retraction of nothing is not stored. */
	x = conv_st(c->other, "retraction", C_2026("01-06"), json_pack(
	    "{s:s}", "of", NO_ID));
	must_fail(c, c->other, x, NULL, STORE_NOTFOUND);
}

/* One endorsement per key per annotation, counted by trigger. */
static void
test_conv_endorsements(void **state)
{
	struct ctx		*c = *state;
	struct statement	*a, *e1, *e2, *dup, *un, *x;
	struct store_placement	 pl = WHOLE;
	char			 id[GLOSS_ID_LEN + 1];

	add_record(c->store, c->curator, "rec");
	a = conv_annotation(c->curator, "rec", C_2026("01-01"), "endorse me",
	    NULL);
	must_append(c, c->curator, a, &pl);
	assert_int_equal(store_endorsement(c->store, a->id,
	    c->other->pubkey, id), STORE_NOTFOUND);
	assert_string_equal(id, "");

	e1 = conv_st(c->other, "endorse", C_2026("01-02"), json_pack("{s:s}",
	    "subject", a->id));
	must_append(c, c->other, e1, NULL);
	assert_int_equal(get_one(c, a->id).endorsements, 1);
	assert_int_equal(store_endorsement(c->store, a->id,
	    c->other->pubkey, id), STORE_OK);
	assert_string_equal(id, e1->id);

	e2 = conv_st(key_third, "endorse", C_2026("01-02"), json_pack(
	    "{s:s}", "subject", a->id));
	must_append(c, key_third, e2, NULL);
	assert_int_equal(get_one(c, a->id).endorsements, 2);

	/* The same key again: the primary key refuses it, nothing stored. */
	dup = conv_st(c->other, "endorse", C_2026("01-03"), json_pack(
	    "{s:s}", "subject", a->id));
	must_fail(c, c->other, dup, NULL, STORE_ERROR);
	assert_int_equal(get_one(c, a->id).endorsements, 2);
	assert_int_equal(store_endorsement(c->store, a->id,
	    c->other->pubkey, id), STORE_OK);
	assert_string_equal(id, e1->id);

	/* Unendorse: the row goes, the count follows. */
	un = conv_st(key_third, "unendorse", C_2026("01-04"), json_pack(
	    "{s:s}", "subject", a->id));
	must_append(c, key_third, un, NULL);
	assert_int_equal(get_one(c, a->id).endorsements, 1);
	assert_int_equal(store_endorsement(c->store, a->id,
	    key_third->pubkey, id), STORE_NOTFOUND);
	/* Twice: nothing to take back, nothing stored. */
	un = conv_st(key_third, "unendorse", C_2026("01-05"), json_pack(
	    "{s:s}", "subject", a->id));
	must_fail(c, key_third, un, NULL, STORE_NOTFOUND);

	/* A retraction of the endorse statement removes it as well. */
	x = conv_st(c->other, "retraction", C_2026("01-06"), json_pack(
	    "{s:s}", "of", e1->id));
	must_append(c, c->other, x, NULL);
	assert_int_equal(get_one(c, a->id).endorsements, 0);
	assert_int_equal(store_endorsement(c->store, a->id,
	    c->other->pubkey, id), STORE_NOTFOUND);
	assert_string_equal(get_one(c, a->id).status, "visible");
	/* And the key may endorse again. */
	must_append(c, c->other, dup, NULL);
	assert_int_equal(get_one(c, a->id).endorsements, 1);

	/* An endorsement of no annotation is not stored. */
	e1 = conv_st(key_third, "endorse", C_2026("01-07"), json_pack(
	    "{s:s}", "subject", NO_ID));
	must_fail(c, key_third, e1, NULL, STORE_OK);
}

/*
 * The latest profile of a key wins, by (created, id): an older one that
 * arrives later changes nothing; a profile replaces the whole of the
 * previous one.
 */
static void
test_conv_profiles(void **state)
{
	struct ctx		*c = *state;
	struct statement	*p1, *p2, *p0, *t1, *t2, *lo, *hi, *p3, *a;
	struct store_placement	 pl = WHOLE;
	struct keyrow		 k;
	struct one		 o;

	add_record(c->store, c->curator, "rec");
	a = conv_annotation(c->other, "rec", C_2026("01-01"), "by other",
	    NULL);
	must_append(c, c->other, a, &pl);
	k = get_key(c, c->other->pubkey);
	assert_false(k.has_name);
	assert_string_equal(k.profile, "");
	assert_false(get_one(c, a->id).has_name);

	p1 = conv_st(c->other, "profile", C_2026("02-01"), json_pack(
	    "{s:s, s:s, s:s}", "name", "One", "url", "https://one.example/",
	    "about", "first"));
	must_append(c, c->other, p1, NULL);
	k = get_key(c, c->other->pubkey);
	assert_string_equal(k.name, "One");
	assert_string_equal(k.url, "https://one.example/");
	assert_string_equal(k.about, "first");
	assert_string_equal(k.profile, p1->id);
	o = get_one(c, a->id);
	assert_true(o.has_name);
	assert_string_equal(o.name, "One");

	/* Newer: replaces all of it, url and about included. */
	p2 = conv_st(c->other, "profile", C_2026("03-01"), json_pack(
	    "{s:s}", "name", "Two"));
	must_append(c, c->other, p2, NULL);
	k = get_key(c, c->other->pubkey);
	assert_string_equal(k.name, "Two");
	assert_false(k.has_url);
	assert_false(k.has_about);
	assert_string_equal(k.profile, p2->id);

	/* Older, arriving later: stored, changes nothing. */
	p0 = conv_st(c->other, "profile", C_2026("01-15"), json_pack(
	    "{s:s}", "name", "Zero"));
	must_append(c, c->other, p0, NULL);
	k = get_key(c, c->other->pubkey);
	assert_string_equal(k.name, "Two");
	assert_string_equal(k.profile, p2->id);
	assert_int_equal(k.statements, 4);
	assert_string_equal(get_one(c, a->id).name, "Two");

	/* The same created: the greater id wins, whatever the order. */
	t1 = conv_st(c->other, "profile", C_2026("04-01"), json_pack(
	    "{s:s}", "name", "Tie A"));
	t2 = conv_st(c->other, "profile", C_2026("04-01"), json_pack(
	    "{s:s}", "name", "Tie B"));
	lo = strcmp(t1->id, t2->id) < 0 ? t1 : t2;
	hi = lo == t1 ? t2 : t1;
	must_append(c, c->other, hi, NULL);
	must_append(c, c->other, lo, NULL);
	k = get_key(c, c->other->pubkey);
	assert_string_equal(k.profile, hi->id);
	assert_string_equal(k.name, hi->u.profile.name);

	/* Another key's profile is its own. */
	p3 = conv_st(key_third, "profile", C_2026("01-01"), json_pack(
	    "{s:s}", "name", "Third"));
	must_append(c, key_third, p3, NULL);
	assert_string_equal(get_key(c, key_third->pubkey).name, "Third");
	assert_string_equal(get_key(c, c->other->pubkey).name,
	    hi->u.profile.name);
}

/* keys: first seen, statements signed, visible annotations. */
static void
test_conv_keys(void **state)
{
	struct ctx		*c = *state;
	struct statement	*rec, *a1, *a2, *x;
	struct store_placement	 pl = WHOLE;
	struct keyrow		 k, r;
	int64_t			 seq;

	assert_int_equal(store_key(c->store, c->curator->pubkey, key_cb, &k),
	    STORE_NOTFOUND);
	rec = conv_keep(fixture_record(c->curator, "rec"));
	assert_int_equal(append_at(c->store, c->curator, rec, NULL,
	    1800000000, &seq), STORE_OK);
	k = get_key(c, c->curator->pubkey);
	assert_string_equal(k.key, c->curator->pubkey);
	assert_int_equal(k.first_received, 1800000000);
	assert_int_equal(k.statements, 1);
	assert_int_equal(k.annotations, 0);
	assert_false(k.has_name);

	a1 = conv_annotation(c->other, "rec", C_2026("01-01"), "one", NULL);
	a2 = conv_annotation(c->other, "rec", C_2026("01-02"), "two", NULL);
	assert_int_equal(append_at(c->store, c->other, a1, &pl, 1800000100,
	    &seq), STORE_OK);
	/* Received earlier than the first: the first stays first seen. */
	assert_int_equal(append_at(c->store, c->other, a2, &pl, 1800000050,
	    &seq), STORE_OK);
	r = get_key(c, c->other->pubkey);
	assert_int_equal(r.first_received, 1800000100);
	assert_int_equal(r.statements, 2);
	assert_int_equal(r.annotations, 2);
	/* The curator's row did not move. */
	k = get_key(c, c->curator->pubkey);
	assert_int_equal(k.statements, 1);
	assert_int_equal(k.first_received, 1800000000);

	/* A retraction is a statement, and hides an annotation. */
	x = conv_st(c->other, "retraction", C_2026("01-03"), json_pack(
	    "{s:s}", "of", a1->id));
	assert_int_equal(append_at(c->store, c->other, x, NULL, 1800000200,
	    &seq), STORE_OK);
	r = get_key(c, c->other->pubkey);
	assert_int_equal(r.statements, 3);
	assert_int_equal(r.annotations, 1);

	/* A failed append counts nothing. */
	must_fail(c, c->other, x, NULL, STORE_EXISTS);
	assert_int_equal(get_key(c, c->other->pubkey).statements, 3);

	/* A key that signed nothing, and a string that is no key. */
	assert_int_equal(store_key(c->store, key_third->pubkey, key_cb, &k),
	    STORE_NOTFOUND);
	assert_int_equal(store_key(c->store, "nope", key_cb, &k),
	    STORE_NOTFOUND);
}

/* A thread: its top annotation, then every reply, in arrival order. */
static void
test_conv_thread(void **state)
{
	struct ctx		*c = *state;
	struct statement	*a, *b, *cc, *d, *e, *x;
	struct store_placement	 pl = WHOLE;
	struct found		 f;

	add_record(c->store, c->curator, "rec");
	a = conv_annotation(c->curator, "rec", C_2026("01-01"), "A top",
	    NULL);
	must_append(c, c->curator, a, &pl);
	e = conv_annotation(c->other, "rec", C_2026("01-01"), "E elsewhere",
	    NULL);
	must_append(c, c->other, e, &pl);
	b = conv_annotation(c->other, "rec", C_2026("01-02"), "B reply",
	    json_pack("{s:s}", "reply_to", a->id));
	must_append(c, c->other, b, &pl);
	cc = conv_annotation(key_third, "rec", C_2026("01-03"),
	    "C reply to reply", json_pack("{s:s}", "reply_to", b->id));
	must_append(c, key_third, cc, &pl);
	d = conv_annotation(key_third, "rec", C_2026("01-04"), "D reply",
	    json_pack("{s:s}", "reply_to", a->id));
	must_append(c, key_third, d, &pl);

	/* root: the top annotation, for replies of replies too. */
	assert_string_equal(get_one(c, a->id).root, a->id);
	assert_string_equal(get_one(c, b->id).root, a->id);
	assert_string_equal(get_one(c, cc->id).root, a->id);
	assert_string_equal(get_one(c, d->id).root, a->id);
	assert_string_equal(get_one(c, e->id).root, e->id);
	assert_string_equal(get_one(c, cc->id).reply_to, b->id);
	assert_int_equal(get_one(c, a->id).replies, 2);
	assert_int_equal(get_one(c, b->id).replies, 1);
	assert_int_equal(get_one(c, cc->id).replies, 0);

	assert_int_equal(thread(c, a->id, 100, &f), 4);
	assert_string_equal(f.id[0], a->id);
	assert_string_equal(f.id[1], b->id);
	assert_string_equal(f.id[2], cc->id);
	assert_string_equal(f.id[3], d->id);

	/* At most limit. */
	assert_int_equal(thread(c, a->id, 2, &f), 2);
	assert_string_equal(f.id[1], b->id);

	/* A thread of one; a reply's id is not a root; no such root. */
	assert_int_equal(thread(c, e->id, 100, &f), 1);
	assert_int_equal(thread(c, b->id, 100, &f), 0);
	assert_int_equal(thread(c, NO_ID, 100, &f), 0);

	/* A retracted reply stays in its thread, retracted. */
	x = conv_st(c->other, "retraction", C_2026("01-05"), json_pack(
	    "{s:s}", "of", b->id));
	must_append(c, c->other, x, NULL);
	assert_int_equal(thread(c, a->id, 100, &f), 4);
	assert_string_equal(f.status[1], "retracted");
	assert_string_equal(f.status[2], "visible");
	assert_int_equal(get_one(c, a->id).replies, 1);
}

/*
 * Search: the current text and link titles of visible annotations, with
 * record and kind filters, limit and offset, and a snippet.
 */
static void
test_conv_search(void **state)
{
	struct ctx		*c = *state;
	struct statement	*z, *l, *k, *o, *r;
	struct store_placement	 pl = WHOLE;
	struct store_placement	 pr;
	struct found		 f, g;
	size_t			 i;
	char			 text[64];

	add_record(c->store, c->curator, "rec");
	add_record(c->store, c->curator, "rec2");
	z = conv_annotation(c->other, "rec", C_2026("01-01"),
	    "the zebra crossing common", NULL);
	must_append(c, c->other, z, &pl);
	l = conv_annotation(c->other, "rec", C_2026("01-02"),
	    "see the paper common", json_pack("{s:s, s:[{s:s, s:s}]}",
	    "kind", "reading", "links", "url", "https://q.example/",
	    "title", "Quokka habitats"));
	must_append(c, c->other, l, &pl);
	k = conv_annotation(c->curator, "rec", C_2026("01-03"),
	    "critical common remark", json_pack("{s:s}", "kind",
	    "critique"));
	must_append(c, c->curator, k, &pl);
	o = conv_annotation(c->curator, "rec2", C_2026("01-04"),
	    "zebra in another record", NULL);
	must_append(c, c->curator, o, &pl);

	assert_int_equal(search(c, "\"zebra\"", NULL, NULL, 10, 0, &f), 2);
	assert_true(found_has(&f, z->id));
	assert_true(found_has(&f, o->id));
	assert_non_null(strstr(f.snippet[0], "[zebra]"));
	/* rid filter. */
	assert_int_equal(search(c, "\"zebra\"", "rec", NULL, 10, 0, &f), 1);
	assert_string_equal(f.id[0], z->id);
	assert_int_equal(search(c, "\"zebra\"", "rec2", NULL, 10, 0, &f),
	    1);
	assert_string_equal(f.id[0], o->id);
	assert_int_equal(search(c, "\"zebra\"", "nope", NULL, 10, 0, &f),
	    0);
	/* Link titles, not URLs. */
	assert_int_equal(search(c, "\"quokka\"", NULL, NULL, 10, 0, &f), 1);
	assert_string_equal(f.id[0], l->id);
	assert_int_equal(search(c, "\"habitat\"*", NULL, NULL, 10, 0, &f),
	    1);
	/* kind filter. */
	assert_int_equal(search(c, "\"common\"", NULL, NULL, 10, 0, &f), 3);
	assert_int_equal(search(c, "\"common\"", NULL, "critique", 10, 0,
	    &f), 1);
	assert_string_equal(f.id[0], k->id);
	assert_int_equal(search(c, "\"common\"", NULL, "reading", 10, 0,
	    &f), 1);
	assert_string_equal(f.id[0], l->id);
	assert_int_equal(search(c, "\"common\"", "rec2", NULL, 10, 0, &f),
	    0);
	/* limit and offset page through one ranking. */
	assert_int_equal(search(c, "\"common\"", NULL, NULL, 10, 0, &g), 3);
	assert_int_equal(search(c, "\"common\"", NULL, NULL, 2, 0, &f), 2);
	assert_string_equal(f.id[0], g.id[0]);
	assert_string_equal(f.id[1], g.id[1]);
	assert_int_equal(search(c, "\"common\"", NULL, NULL, 2, 2, &f), 1);
	assert_string_equal(f.id[0], g.id[2]);
	assert_int_equal(search(c, "\"common\"", NULL, NULL, 2, 3, &f), 0);
	assert_int_equal(search(c, "\"common\"", NULL, NULL, 0, 0, &f), 0);

	/* After a revision: the new words, not the superseded ones. */
	r = conv_st(c->other, "revision", C_2026("02-01"), json_pack(
	    "{s:s, s:s}", "of", z->id, "text", "the yak crossing"));
	memset(&pr, 0, sizeof pr);
	pr.span_start = 0;
	pr.span_end = 600000;
	pr.at_start = pr.at_end = -1;
	pr.text = r->u.annotation.text;
	pr.text_len = r->u.annotation.text_len;
	must_append(c, c->other, r, &pr);
	assert_int_equal(search(c, "\"yak\"", NULL, NULL, 10, 0, &f), 1);
	assert_string_equal(f.id[0], z->id);
	assert_int_equal(search(c, "\"zebra\"", "rec", NULL, 10, 0, &f), 0);
	assert_int_equal(search(c, "\"common\"", "rec", NULL, 10, 0, &f), 2);
	/* A revision of the links: the new title, not the old one. */
	r = conv_st(c->other, "revision", C_2026("02-02"), json_pack(
	    "{s:s, s:s, s:[{s:s, s:s}]}", "of", l->id, "text",
	    "see the paper common", "links", "url", "https://w.example/",
	    "title", "Wombat burrows"));
	pr.kind = KIND_READING;
	pr.text = r->u.annotation.text;
	pr.text_len = r->u.annotation.text_len;
	pr.links = "[{\"title\":\"Wombat burrows\","
	    "\"url\":\"https://w.example/\"}]";
	must_append(c, c->other, r, &pr);
	assert_int_equal(search(c, "\"wombat\"", NULL, NULL, 10, 0, &f), 1);
	assert_string_equal(f.id[0], l->id);
	assert_int_equal(search(c, "\"quokka\"", NULL, NULL, 10, 0, &f), 0);

	/* Many matches: offset walks them all once. */
	for (i = 0; i < 7; i++) {
		snprintf(text, sizeof text, "many marmot %zu", i);
		must_append(c, c->curator, conv_annotation(c->curator, "rec",
		    C_2026("03-01"), text, NULL), &pl);
	}
	assert_int_equal(search(c, "\"marmot\"", NULL, NULL, 3, 0, &f), 3);
	assert_int_equal(search(c, "\"marmot\"", NULL, NULL, 3, 3, &g), 3);
	for (i = 0; i < 3; i++)
		assert_false(found_has(&f, g.id[i]));
	assert_int_equal(search(c, "\"marmot\"", NULL, NULL, 3, 6, &g), 1);
	assert_false(found_has(&f, g.id[0]));
}

/*
 * Moderation (migration 0003): key states, flags, decisions, locks, the
 * queue and an author's own list.  The store does what it is told (the
 * API decided before), so these tests append decisions directly and
 * check their effects, above all that every counter follows visibility.
 */

/* Keys made by a test, freed by teardown_mod. */
static struct fixture_key	*mod_fresh, *mod_fresh_moderator;

static int
teardown_mod(void **state)
{
	fixture_key_free(mod_fresh);
	fixture_key_free(mod_fresh_moderator);
	mod_fresh = mod_fresh_moderator = NULL;
	return teardown_conv(state);
}

/* A created time one second after the last, so no two ids collide. */
static const char *
mod_created(void)
{
	static char	created[21];
	static int	tick;

	timefmt_rfc3339((time_t)1790000000 + tick++, created);
	return created;
}

/* A comment by k on rid, pending or visible, maybe a reply; appended. */
static struct statement *
mod_ann(struct ctx *c, const struct fixture_key *k, const char *rid,
    const char *text, int pending, const char *reply_to)
{
	struct store_placement	 pl = WHOLE;
	struct statement	*st;

	pl.pending = pending;
	st = conv_annotation(k, rid, mod_created(), text, reply_to != NULL ?
	    json_pack("{s:s}", "reply_to", reply_to) : NULL);
	must_append(c, k, st, &pl);
	return st;
}

/* A decision by k (the store does not check who), appended. */
static struct statement *
mod_decide(struct ctx *c, const struct fixture_key *k, const char *action,
    const char *subject, int talk, const char *reason)
{
	struct statement	*st;
	json_t			*m;

	m = json_pack("{s:s, s:s}", "action", action, "subject", subject);
	assert_non_null(m);
	if (talk > 0)
		json_object_set_new(m, "talk", json_integer(talk));
	if (reason != NULL)
		json_object_set_new(m, "reason", json_string(reason));
	st = conv_st(k, "moderation", mod_created(), m);
	must_append(c, k, st, NULL);
	return st;
}

/* A flag by k on subject, hiding it when hide says the limit is met. */
static struct statement *
mod_flag_st(const struct fixture_key *k, const char *subject,
    const char *reason, const char *note)
{
	json_t	*m;

	m = json_pack("{s:s, s:s}", "subject", subject, "reason", reason);
	assert_non_null(m);
	if (note != NULL)
		json_object_set_new(m, "note", json_string(note));
	return conv_st(k, "flag", mod_created(), m);
}

static struct statement *
mod_flag(struct ctx *c, const struct fixture_key *k, const char *subject,
    const char *reason, const char *note, int hide)
{
	struct store_placement	 pl = { .hide = hide };
	struct statement	*st;

	st = mod_flag_st(k, subject, reason, note);
	must_append(c, k, st, &pl);
	return st;
}

static int
mod_seq_cb(const struct store_statement *ss, void *arg)
{
	*(int64_t *)arg = ss->seq;
	return 0;
}

static const char *
mod_state(struct ctx *c, const char *key)
{
	static char	state[16];

	assert_int_equal(store_key_state(c->store, key, state), STORE_OK);
	return state;
}

/*
 * Whether talk of rid is closed (by its own lock or the record's).  A
 * record no test locks ("open") must answer -1, "nothing closes it".
 */
static int
mod_locked(struct ctx *c, const char *rid, int talk)
{
	int	closing = -2, exact = -2;

	assert_int_equal(store_locked(c->store, "open", talk, &closing,
	    &exact), STORE_OK);
	assert_int_equal(closing, -1);
	assert_int_equal(exact, 0);
	assert_int_equal(store_locked(c->store, rid, talk, &closing, &exact),
	    STORE_OK);
	assert_int_not_equal(closing, -2);
	return closing != -1;
}

/* What store_queue or store_mine yields, copied out. */
struct queued {
	size_t	n;
	int64_t	seq[MAX_SEEN];
	char	id[MAX_SEEN][GLOSS_ID_LEN + 1];
	char	status[MAX_SEEN][16];
	char	flags[MAX_SEEN][128];		/* "" when NULL */
	int	has_flags[MAX_SEEN];
	int64_t	approved[MAX_SEEN], rejected[MAX_SEEN], first[MAX_SEEN];
};

static int
queued_cb(const struct store_annotation *a, void *arg)
{
	struct queued	*q = arg;

	assert_true(q->n < MAX_SEEN);
	q->seq[q->n] = a->seq;
	copy_str(q->id[q->n], sizeof q->id[q->n], a->id);
	copy_str(q->status[q->n], sizeof q->status[q->n], a->status);
	copy_str(q->flags[q->n], sizeof q->flags[q->n], a->flags);
	q->has_flags[q->n] = a->flags != NULL;
	q->approved[q->n] = a->approved;
	q->rejected[q->n] = a->rejected;
	q->first[q->n] = a->first_received;
	q->n++;
	return 0;
}

static size_t
queue(struct ctx *c, const char *rid, struct queued *q)
{
	memset(q, 0, sizeof *q);
	assert_int_equal(store_queue(c->store, rid, 0, 100, queued_cb, q),
	    STORE_OK);
	return q->n;
}

static size_t
mine(struct ctx *c, const char *key, int64_t after, int limit,
    struct queued *q)
{
	memset(q, 0, sizeof *q);
	assert_int_equal(store_mine(c->store, key, after, limit, queued_cb,
	    q), STORE_OK);
	return q->n;
}

/* How many visible annotations of rid the listing shows. */
static size_t
listed(struct ctx *c, const char *rid)
{
	struct store_query	q = query_all(rid);
	struct seen		sn;

	memset(&sn, 0, sizeof sn);
	assert_int_equal(store_annotations(c->store, &q, seen_cb, &sn),
	    STORE_OK);
	return sn.n;
}

/*
 * A new database at t (made here) brought to the newest schema by
 * store_open, then open on a plain connection.
 */
static sqlite3 *
newest_raw_db(struct tmpdb *t)
{
	struct store	*s;
	sqlite3		*db;
	const char	*errstr = NULL;

	tmpdb_make(t);
	if ((s = store_open(t->path, &errstr)) == NULL)
		fail_msg("store_open: %s", errstr);
	assert_int_equal(store_user_version(s), newest_version());
	store_close(s);
	assert_int_equal(sqlite3_open(t->path, &db), SQLITE_OK);
	return db;
}

/* Migration 0003 is applied and its objects are there. */
static void
test_mod_schema(void **state)
{
	struct tmpdb	 t;
	sqlite3		*db;
	sqlite3_stmt	*q;
	static const char *const names[] = { "flags", "decisions", "locks",
	    "annotations_queue", "annotations_mine", "flags_seq",
	    "decisions_subject", "annotations_counted",
	    "annotations_unshown", "annotations_shown" };
	static const char *const gone[] = { "annotations_reply",
	    "annotations_retracted" };
	static const struct {
		const char	*table;
		const char	*column;
	} columns[] = {
		{ "keys", "state" }, { "keys", "approved" },
		{ "keys", "rejected" }, { "annotations", "flagged" },
	};
	size_t		 i;

	expect_migration(3, "moderation");

	db = newest_raw_db(&t);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM "
	    "sqlite_master WHERE name = ?1", -1, &q, NULL), SQLITE_OK);
	for (i = 0; i < NITEMS(names); i++) {
		sqlite3_bind_text(q, 1, names[i], -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(q), SQLITE_ROW);
		if (sqlite3_column_int(q, 0) != 1)
			fail_msg("%s is not in the schema", names[i]);
		sqlite3_reset(q);
	}
	for (i = 0; i < NITEMS(gone); i++) {
		sqlite3_bind_text(q, 1, gone[i], -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(q), SQLITE_ROW);
		if (sqlite3_column_int(q, 0) != 0)
			fail_msg("%s is still in the schema", gone[i]);
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM "
	    "pragma_table_info(?1) WHERE name = ?2", -1, &q, NULL),
	    SQLITE_OK);
	for (i = 0; i < NITEMS(columns); i++) {
		sqlite3_bind_text(q, 1, columns[i].table, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, columns[i].column, -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(q), SQLITE_ROW);
		if (sqlite3_column_int(q, 0) != 1)
			fail_msg("%s.%s is missing", columns[i].table,
			    columns[i].column);
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	tmpdb_remove(&t);
}

/* Index name of db has exactly the columns cols, in order. */
static void
expect_index(sqlite3 *db, const char *name, const char *const *cols,
    size_t ncols)
{
	sqlite3_stmt	*q;
	size_t		 i;

	assert_int_equal(sqlite3_prepare_v2(db, "SELECT name FROM "
	    "pragma_index_info(?1) ORDER BY seqno", -1, &q, NULL), SQLITE_OK);
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	for (i = 0; i < ncols; i++) {
		assert_int_equal(sqlite3_step(q), SQLITE_ROW);
		assert_string_equal(sqlite3_column_text(q, 0), cols[i]);
	}
	assert_int_equal(sqlite3_step(q), SQLITE_DONE);
	sqlite3_finalize(q);
}

/*
 * Migration 0007: one author index whose columns serve both its queries,
 * and a thread index holding replies only; 0009: span_end in the listing
 * indexes, for the overlap test; 0010: the feed's order; 0014: one
 * listing index, ending with the talk, in place of two.
 */
static void
test_index_migrations_schema(void **state)
{
	struct tmpdb	 t;
	sqlite3		*db;
	sqlite3_stmt	*q;
	static const char *const mine[] = { "author_no", "author", "seq",
	    "status" };
	static const char *const listing[] = { "rid", "status",
	    "span_start", "seq", "span_end", "talk" };
	static const char *const feed[] = { "rid", "status", "updated",
	    "seq" };

	expect_migration(7, "random_indexes");
	expect_migration(9, "span_end_indexed");
	expect_migration(10, "feed_order");
	expect_migration(14, "one_listing");

	db = newest_raw_db(&t);
	expect_index(db, "annotations_mine", mine, NITEMS(mine));
	expect_index(db, "annotations_listing", listing, NITEMS(listing));
	expect_index(db, "annotations_feed", feed, NITEMS(feed));

	/* The replies' index is partial; those replaced are gone. */
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT name, \"partial\" "
	    "FROM pragma_index_list('annotations') WHERE name IN "
	    "('annotations_replies', 'annotations_root', "
	    "'annotations_author', 'annotations_talk_listing')", -1, &q,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal(sqlite3_column_text(q, 0), "annotations_replies");
	assert_int_equal(sqlite3_column_int(q, 1), 1);
	assert_int_equal(sqlite3_step(q), SQLITE_DONE);
	sqlite3_finalize(q);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	tmpdb_remove(&t);
}

/*
 * No statement glossd prepares walks a whole table (migrations/0001:
 * "no request path scans a table") but those listed in may_scan, each
 * with the table's name in its plan and why it may; and each statement
 * in must_use finds its rows through the index named, not through
 * another that SQLite would fall back on (an author's page through the
 * queue's index walks every visible annotation, without a SCAN in the
 * plan).  SQLite's plans, not timings: an index a query stops using
 * fails here, not at 1M annotations.  Virtual tables (FTS5's MATCH,
 * json_each) plan their own scans.  Plans leave out trigger programs;
 * test_annotation_ids_migrate counts their steps instead.
 */
static void
test_plans_scan_nothing(void **state)
{
	struct ctx		*c = *state;
	struct store		*s = c->store;
	sqlite3_stmt		*q;
	const char		*detail, *allowed;
	char			 sql[8192], scanned[64];
	int			 i, n, scans, used, by_seq;
	/*
	 * An annotation by its id: its seq through the log's index (0012),
	 * then its row by that seq, not a range of another index.
	 */
	static const char *const by_id = "statements_1 (id=?)";
	/* A listing, of a record or one talk: a range of the times (0014). */
	static const char *const listing = "annotations_listing (rid=? AND "
	    "status=? AND span_start>? AND span_start<?)";
	static const char *const must_use[SQL__MAX] = {
		[SQL_STATEMENT_SEQ] = "statements USING COVERING INDEX "
		    "sqlite_autoindex_statements_1 (id=?)",
		[SQL_STATEMENT] = "statements USING INDEX "
		    "sqlite_autoindex_statements_1 (id=?)",
		[SQL_IDS] = "statements USING INDEX "
		    "sqlite_autoindex_statements_1 (id>? AND id<?)",
		[SQL_LOG] = "statements USING INTEGER PRIMARY KEY (rowid>?)",
		[SQL_TALK_SPAN] = "talks USING PRIMARY KEY (rid=? AND n=?)",
		[SQL_ANNOTATIONS] = listing,
		[SQL_LISTING_PAGE] = listing,
		[SQL_TALK_COUNT] = "COVERING INDEX annotations_listing (rid=? "
		    "AND status=? AND span_start>? AND span_start<?)",
		[SQL_FEED] = "annotations_feed (rid=? AND status=?",
		[SQL_THREAD] = "annotations_replies (root=?)",
		[SQL_MINE] = "annotations_mine (author_no=? AND author=? AND "
		    "seq>?)",
		[SQL_KEY] = "annotations_mine (author_no=? AND author=?)",
		[SQL_BAN_HIDE] = "annotations_mine (author_no=? AND author=?)",
		[SQL_QUEUE] = "annotations_queue (status=? AND seq>?)",
		[SQL_FLAGS] = "flags_seq (seq>?)",
		[SQL_FLAGS_OF] = "f USING PRIMARY KEY (subject=?)",
		[SQL_DECISIONS] = "d USING INTEGER PRIMARY KEY (rowid>?)",
		[SQL_REVISIONS] = "revisions_of (of=?)",
		[SQL_CITATIONS] = "links_reading (rid=?)",
		[SQL_LINK_REVIEWS] = "link_reviews_reading (rid=?)",
		[SQL_ANNOTATION] = by_id,
		[SQL_ANNOTATION_INSERT] = by_id,
		[SQL_ANNOTATION_REVISE] = by_id,
		[SQL_ANNOTATION_RETRACT] = by_id,
		[SQL_ENDORSE_RETRACT] = "endorsements_1 (id=?)",
		[SQL_SET_STATUS] = by_id,
		[SQL_SHOWN_AGAIN] = by_id,
		[SQL_FLAG_HIDE] = by_id,
		[SQL_KEY_APPROVED] = by_id,
		[SQL_KEY_REJECTED] = by_id,
		[SQL_LINK_REVIEW_INSERT] = by_id,
		[SQL_CITES] = by_id,
	};
	static const char *const may_scan[SQL__MAX] = {
		[SQL_RECORDS] = "r",		/* every record, listed */
		[SQL_SEARCH_PENDING] = "search_pending", /* one batch */
		[SQL_SEARCH_INDEXED] = "search_pending",
		[SQL_LINK_NORM] = "link_norm",	/* one row */
		[SQL_LINK_NORM_SET] = "link_norm",
		/* Start-up, once per link normalization: every row. */
		[SQL_LINKS_CLEAR] = "links",
		[SQL_LINKS_FILL] = "a",
		[SQL_LINK_REVIEWS_REKEY] = "link_reviews",
		[SQL_LINK_REVIEWS_CURRENT] = "r",
		[SQL_FLAGS_OF] = "(subquery-2)",	/* its LIMIT's rows */
	};

	scans = 0;
	for (i = 0; i < SQL__MAX; i++) {
		n = snprintf(sql, sizeof sql, "EXPLAIN QUERY PLAN %s",
		    sqlite3_sql(s->stmts[i]));
		assert_true(n > 0 && (size_t)n < sizeof sql);
		assert_int_equal(sqlite3_prepare_v2(s->db, sql, -1, &q, NULL),
		    SQLITE_OK);
		used = must_use[i] == NULL;
		by_seq = must_use[i] == NULL ||
		    strcmp(must_use[i], by_id) != 0;
		while (sqlite3_step(q) == SQLITE_ROW) {
			detail = (const char *)sqlite3_column_text(q, 3);
			if (!used && strstr(detail, must_use[i]) != NULL)
				used = 1;
			if (!by_seq && strstr(detail,
			    "USING INTEGER PRIMARY KEY (rowid=?)") != NULL)
				by_seq = 1;
			if (strncmp(detail, "SCAN ", 5) != 0 ||
			    strstr(detail, "VIRTUAL TABLE") != NULL)
				continue;
			n = sscanf(detail + 5, "%63s", scanned);
			assert_int_equal(n, 1);
			allowed = may_scan[i];
			if (allowed == NULL || strcmp(allowed, scanned) != 0)
				fail_msg("statement %d scans: %s\n%s", i,
				    detail, sqlite3_sql(s->stmts[i]));
			scans++;
		}
		sqlite3_finalize(q);
		if (!used || !by_seq)
			fail_msg("statement %d does not use %s:\n%s", i,
			    !used ? must_use[i] : "the row by its seq",
			    sqlite3_sql(s->stmts[i]));
	}
	/* Each listed scan is still there: the list holds no stale entry. */
	for (i = n = 0; i < SQL__MAX; i++)
		n += may_scan[i] != NULL;
	assert_int_equal(scans, n);
}

/* Count the annotations a walk yields into *(size_t *)arg. */
static int
annotation_count_cb(const struct store_annotation *a, void *arg)
{
	(*(size_t *)arg)++;
	return 0;
}

/*
 * A statement still running at the store's deadline stops with
 * STORE_SLOW; without the deadline, or with one ahead, the same calls
 * succeed.  The search index's batch, a write, runs before a search
 * whatever the deadline, so it is never stopped halfway.
 */
static void
test_deadline(void **state)
{
	struct ctx		*c = *state;
	struct store_query	 q = query_all("rec");
	struct store_search	 sq = { "dingo", NULL, NULL, 20, 0 };
	struct found		 f;
	size_t			 n;
	char			 text[32];
	int			 i;

	add_record(c->store, c->curator, "rec");
	for (i = 0; i < 100; i++) {
		snprintf(text, sizeof text, "dingo %d", i);
		add_annotation(c->store, c->curator, "rec", "comment", 1,
		    i * 1000, -1, i * 1000, i * 1000 + 1, text, NULL);
	}

	store_deadline(c->store, 1);		/* long past */
	n = 0;
	assert_int_equal(store_annotations(c->store, &q,
	    annotation_count_cb, &n),
	    STORE_SLOW);
	n = 0;
	assert_int_equal(store_search(c->store, &sq, annotation_count_cb, &n),
	    STORE_SLOW);

	store_deadline(c->store, store_clock_ms() + 60 * 1000);
	n = 0;
	assert_int_equal(store_annotations(c->store, &q,
	    annotation_count_cb, &n),
	    STORE_OK);
	assert_int_equal(n, 100);
	store_deadline(c->store, 0);
	n = 0;
	assert_int_equal(store_search(c->store, &sq, annotation_count_cb, &n),
	    STORE_OK);
	assert_int_equal(n, 20);
	assert_int_equal(search(c, "\"dingo 99\"", NULL, NULL, 5, 0, &f), 1);
}

/*
 * A pending annotation counts nowhere (the record, its parent's
 * replies, its author's visible ones, search) until approved; hiding
 * takes it out of every count and restoring puts it back.
 */
static void
test_mod_counters(void **state)
{
	struct ctx		*c = *state;
	struct statement	*p, *r, *q;
	struct found		 f;

	add_record(c->store, c->curator, "rec");
	p = mod_ann(c, c->other, "rec", "the parent", 0, NULL);
	assert_int_equal(record_count(c, "rec"), 1);

	r = mod_ann(c, key_third, "rec", "a waiting wombat", 1, p->id);
	assert_string_equal(get_one(c, r->id).status, "pending");
	assert_int_equal(record_count(c, "rec"), 1);
	assert_int_equal(get_one(c, p->id).replies, 0);
	assert_int_equal(get_key(c, key_third->pubkey).annotations, 0);
	assert_int_equal(listed(c, "rec"), 1);
	assert_int_equal(search(c, "\"wombat\"", NULL, NULL, 10, 0, &f), 0);

	mod_decide(c, c->curator, "approve", r->id, 0, NULL);
	assert_string_equal(get_one(c, r->id).status, "visible");
	assert_int_equal(record_count(c, "rec"), 2);
	assert_int_equal(get_one(c, p->id).replies, 1);
	assert_int_equal(get_key(c, key_third->pubkey).annotations, 1);
	assert_int_equal(listed(c, "rec"), 2);
	assert_int_equal(search(c, "\"wombat\"", NULL, NULL, 10, 0, &f), 1);

	mod_decide(c, c->curator, "hide", r->id, 0, "rude");
	assert_string_equal(get_one(c, r->id).status, "hidden");
	assert_int_equal(record_count(c, "rec"), 1);
	assert_int_equal(get_one(c, p->id).replies, 0);
	assert_int_equal(get_key(c, key_third->pubkey).annotations, 0);
	assert_int_equal(listed(c, "rec"), 1);
	assert_int_equal(search(c, "\"wombat\"", NULL, NULL, 10, 0, &f), 0);

	mod_decide(c, c->curator, "restore", r->id, 0, NULL);
	assert_string_equal(get_one(c, r->id).status, "visible");
	assert_int_equal(record_count(c, "rec"), 2);
	assert_int_equal(get_one(c, p->id).replies, 1);
	assert_int_equal(search(c, "\"wombat\"", NULL, NULL, 10, 0, &f), 1);

	mod_decide(c, c->curator, "reject", r->id, 0, "off-topic");
	assert_string_equal(get_one(c, r->id).status, "rejected");
	assert_int_equal(record_count(c, "rec"), 1);
	assert_int_equal(get_one(c, p->id).replies, 0);

	mod_decide(c, c->curator, "restore", r->id, 0, NULL);
	assert_int_equal(record_count(c, "rec"), 2);
	assert_int_equal(get_one(c, p->id).replies, 1);

	/* Hidden while pending: no count moves, either way. */
	q = mod_ann(c, c->other, "rec", "second thoughts", 1, NULL);
	mod_decide(c, c->curator, "hide", q->id, 0, "dup");
	assert_int_equal(record_count(c, "rec"), 2);
	mod_decide(c, c->curator, "approve", q->id, 0, NULL);
	assert_int_equal(record_count(c, "rec"), 3);

	/* A retraction of a visible reply still uncounts it. */
	must_append(c, key_third, conv_st(key_third, "retraction",
	    mod_created(), json_pack("{s:s}", "of", r->id)), NULL);
	assert_int_equal(record_count(c, "rec"), 2);
	assert_int_equal(get_one(c, p->id).replies, 0);
	assert_int_equal(listed(c, "rec"), 2);
}

/*
 * A ban hides the key's visible and pending annotations and leaves
 * others' alone; unban lets it post again but shows nothing again.  A
 * key can be banned before it signs anything.
 */
static void
test_mod_ban(void **state)
{
	struct ctx		*c = *state;
	struct statement	*v, *p, *h, *x, *rj;
	struct queued		 q;
	struct keyrow		 kr;

	add_record(c->store, c->curator, "rec");
	v = mod_ann(c, c->other, "rec", "visible one", 0, NULL);
	p = mod_ann(c, c->other, "rec", "pending one", 1, NULL);
	h = mod_ann(c, c->other, "rec", "hidden one", 0, NULL);
	rj = mod_ann(c, c->other, "rec", "rejected one", 1, NULL);
	x = mod_ann(c, key_third, "rec", "someone else", 0, NULL);
	mod_decide(c, c->curator, "hide", h->id, 0, "x");
	mod_decide(c, c->curator, "reject", rj->id, 0, "x");
	assert_int_equal(record_count(c, "rec"), 2);
	assert_string_equal(mod_state(c, c->other->pubkey), "new");

	mod_decide(c, c->curator, "ban", c->other->pubkey, 0, "spam run");
	assert_string_equal(mod_state(c, c->other->pubkey), "banned");
	assert_string_equal(get_one(c, v->id).status, "hidden");
	assert_string_equal(get_one(c, p->id).status, "hidden");
	assert_string_equal(get_one(c, h->id).status, "hidden");
	assert_string_equal(get_one(c, rj->id).status, "rejected");
	assert_string_equal(get_one(c, x->id).status, "visible");
	assert_int_equal(record_count(c, "rec"), 1);
	assert_int_equal(listed(c, "rec"), 1);
	/* Hidden by a ban is not "flagged": the queue does not fill up. */
	assert_int_equal(queue(c, NULL, &q), 0);
	assert_string_equal(mod_state(c, key_third->pubkey), "new");

	mod_decide(c, c->curator, "unban", c->other->pubkey, 0, NULL);
	assert_string_equal(mod_state(c, c->other->pubkey), "new");
	assert_string_equal(get_one(c, v->id).status, "hidden");
	assert_string_equal(get_one(c, p->id).status, "hidden");
	assert_int_equal(record_count(c, "rec"), 1);

	/* A key no statement names yet. */
	mod_fresh = fixture_key_new();
	assert_string_equal(mod_state(c, mod_fresh->pubkey), "new");
	mod_decide(c, c->curator, "ban", mod_fresh->pubkey, 0, "known bad");
	assert_string_equal(mod_state(c, mod_fresh->pubkey), "banned");
	kr = get_key(c, mod_fresh->pubkey);
	assert_int_equal(kr.statements, 0);
	assert_int_equal(kr.annotations, 0);
	mod_decide(c, c->curator, "unban", mod_fresh->pubkey, 0, NULL);
	mod_decide(c, c->curator, "trust", mod_fresh->pubkey, 0, NULL);
	assert_string_equal(mod_state(c, mod_fresh->pubkey), "trusted");
	/* Its first statement does not reset its state. */
	mod_ann(c, mod_fresh, "rec", "hello", 0, NULL);
	assert_string_equal(mod_state(c, mod_fresh->pubkey), "trusted");
	assert_int_equal(get_key(c, mod_fresh->pubkey).statements, 1);
}

/*
 * Approving a new key's annotation makes the key trusted and counts the
 * approval; a rejection counts too; the queue shows both with the key's
 * first time seen.  An approval does not lift a ban.
 */
static void
test_mod_approve_trust(void **state)
{
	struct ctx		*c = *state;
	struct statement	*a1, *a2, *a3, *a4;
	struct queued		 q;

	add_record(c->store, c->curator, "rec");
	a1 = mod_ann(c, key_third, "rec", "first", 1, NULL);
	a2 = mod_ann(c, key_third, "rec", "second", 1, NULL);
	assert_int_equal(queue(c, NULL, &q), 2);
	assert_string_equal(q.id[0], a1->id);
	assert_string_equal(q.id[1], a2->id);
	assert_string_equal(q.status[0], "pending");
	assert_int_equal(q.approved[0], 0);
	assert_int_equal(q.rejected[0], 0);
	assert_int_equal(q.first[0], 1700000000);
	assert_false(q.has_flags[0]);
	assert_string_equal(mod_state(c, key_third->pubkey), "new");

	mod_decide(c, c->curator, "approve", a1->id, 0, NULL);
	assert_string_equal(mod_state(c, key_third->pubkey), "trusted");
	assert_int_equal(queue(c, NULL, &q), 1);
	assert_string_equal(q.id[0], a2->id);
	assert_int_equal(q.approved[0], 1);
	assert_int_equal(q.rejected[0], 0);
	/* The moderator's own history is not touched. */
	assert_string_equal(mod_state(c, c->curator->pubkey), "new");

	mod_decide(c, c->curator, "reject", a2->id, 0, "spam");
	assert_string_equal(get_one(c, a2->id).status, "rejected");
	assert_int_equal(queue(c, NULL, &q), 0);
	/* Still trusted: a rejection does not take trust away. */
	assert_string_equal(mod_state(c, key_third->pubkey), "trusted");
	a3 = mod_ann(c, key_third, "rec", "third", 1, NULL);
	assert_int_equal(queue(c, NULL, &q), 1);
	assert_string_equal(q.id[0], a3->id);
	assert_int_equal(q.approved[0], 1);
	assert_int_equal(q.rejected[0], 1);

	/* Banned: an approval shows the annotation but keeps the ban. */
	mod_decide(c, c->curator, "ban", key_third->pubkey, 0, "x");
	assert_string_equal(get_one(c, a3->id).status, "hidden");
	mod_decide(c, c->curator, "approve", a3->id, 0, NULL);
	assert_string_equal(get_one(c, a3->id).status, "visible");
	assert_string_equal(mod_state(c, key_third->pubkey), "banned");
	a4 = mod_ann(c, key_third, "rec", "fourth", 1, NULL);
	assert_int_equal(queue(c, NULL, &q), 1);
	assert_string_equal(q.id[0], a4->id);
	assert_int_equal(q.approved[0], 2);
	assert_int_equal(q.rejected[0], 1);
	/* The queue of another record is empty. */
	add_record(c->store, c->curator, "other");
	assert_int_equal(queue(c, "other", &q), 0);
	assert_int_equal(queue(c, "rec", &q), 1);
}

struct flagrows {
	size_t	n;
	char	id[MAX_SEEN][GLOSS_ID_LEN + 1];
	char	subject[MAX_SEEN][GLOSS_ID_LEN + 1];
	char	author[MAX_SEEN][GLOSS_PUBKEY_LEN + 1];
	char	reason[MAX_SEEN][16];
	char	note[MAX_SEEN][64];
	int	has_note[MAX_SEEN];
	char	status[MAX_SEEN][16];
	int64_t	seq[MAX_SEEN];
};

static int
flagrows_cb(const struct store_flag *fl, void *arg)
{
	struct flagrows	*r = arg;

	assert_true(r->n < MAX_SEEN);
	copy_str(r->id[r->n], sizeof r->id[r->n], fl->id);
	copy_str(r->subject[r->n], sizeof r->subject[r->n], fl->subject);
	copy_str(r->author[r->n], sizeof r->author[r->n], fl->author);
	copy_str(r->reason[r->n], sizeof r->reason[r->n], fl->reason);
	copy_str(r->note[r->n], sizeof r->note[r->n], fl->note);
	r->has_note[r->n] = fl->note != NULL;
	copy_str(r->status[r->n], sizeof r->status[r->n], fl->status);
	r->seq[r->n] = fl->seq;
	r->n++;
	return 0;
}

struct flaggers {
	size_t	n;
	char	author[MAX_SEEN][GLOSS_PUBKEY_LEN + 1];
	char	state[MAX_SEEN][16];
};

static int
flaggers_cb(const char *author, const char *state, void *arg)
{
	struct flaggers	*f = arg;

	assert_true(f->n < MAX_SEEN);
	copy_str(f->author[f->n], sizeof f->author[f->n], author);
	copy_str(f->state[f->n], sizeof f->state[f->n], state);
	f->n++;
	return 0;
}

/* The state flaggers gives key, or NULL if it did not flag. */
static const char *
flagger_state(const struct flaggers *f, const char *key)
{
	size_t	i;

	for (i = 0; i < f->n; i++) {
		if (strcmp(f->author[i], key) == 0)
			return f->state[i];
	}
	return NULL;
}

/*
 * Flags are stored one per key and subject; a flag that reaches the
 * limit (pl.hide) hides its subject as flagged, which puts it in the
 * queue with the reasons; an approval clears that.
 */
static void
test_mod_flags(void **state)
{
	struct ctx		*c = *state;
	struct statement	*t, *u, *f1, *f2, *again;
	struct flagrows		 fr;
	struct flaggers		 fg;
	struct queued		 q;
	char			 id[GLOSS_ID_LEN + 1];
	int64_t			 seq;

	add_record(c->store, c->curator, "rec");
	t = mod_ann(c, c->other, "rec", "flag me", 0, NULL);
	u = mod_ann(c, c->other, "rec", "still pending", 1, NULL);
	assert_int_equal(store_flag(c->store, t->id, key_third->pubkey, id),
	    STORE_NOTFOUND);
	memset(&fg, 0, sizeof fg);
	assert_int_equal(store_flaggers(c->store, t->id, flaggers_cb, &fg),
	    STORE_OK);
	assert_int_equal(fg.n, 0);

	f1 = mod_flag(c, key_third, t->id, "spam", NULL, 0);
	assert_string_equal(get_one(c, t->id).status, "visible");
	assert_int_equal(record_count(c, "rec"), 1);
	assert_int_equal(store_flag(c->store, t->id, key_third->pubkey, id),
	    STORE_OK);
	assert_string_equal(id, f1->id);
	assert_int_equal(queue(c, NULL, &q), 1);	/* only u */
	assert_string_equal(q.id[0], u->id);

	mod_decide(c, c->curator, "trust", key_third->pubkey, 0, NULL);
	f2 = mod_flag(c, c->curator, t->id, "abuse", "see 1:02", 1);
	assert_string_equal(get_one(c, t->id).status, "hidden");
	assert_int_equal(record_count(c, "rec"), 0);
	assert_int_equal(listed(c, "rec"), 0);
	memset(&fg, 0, sizeof fg);
	assert_int_equal(store_flaggers(c->store, t->id, flaggers_cb, &fg),
	    STORE_OK);
	assert_int_equal(fg.n, 2);
	assert_string_equal(flagger_state(&fg, key_third->pubkey), "trusted");
	assert_string_equal(flagger_state(&fg, c->curator->pubkey), "new");

	/* In the queue, in seq order, with both reasons. */
	assert_int_equal(queue(c, NULL, &q), 2);
	assert_string_equal(q.id[0], t->id);
	assert_string_equal(q.status[0], "hidden");
	assert_true(strcmp(q.flags[0], "spam,abuse") == 0 ||
	    strcmp(q.flags[0], "abuse,spam") == 0);
	assert_string_equal(q.id[1], u->id);
	assert_false(q.has_flags[1]);

	/* The flag list: in order, with notes and the subject's status. */
	memset(&fr, 0, sizeof fr);
	assert_int_equal(store_flags(c->store, 0, 100, flagrows_cb, &fr),
	    STORE_OK);
	assert_int_equal(fr.n, 2);
	assert_string_equal(fr.id[0], f1->id);
	assert_string_equal(fr.subject[0], t->id);
	assert_string_equal(fr.author[0], key_third->pubkey);
	assert_string_equal(fr.reason[0], "spam");
	assert_false(fr.has_note[0]);
	assert_string_equal(fr.status[0], "hidden");
	assert_string_equal(fr.id[1], f2->id);
	assert_string_equal(fr.reason[1], "abuse");
	assert_string_equal(fr.note[1], "see 1:02");
	assert_true(fr.seq[0] < fr.seq[1]);
	seq = fr.seq[0];
	memset(&fr, 0, sizeof fr);
	assert_int_equal(store_flags(c->store, seq, 100, flagrows_cb, &fr),
	    STORE_OK);
	assert_int_equal(fr.n, 1);
	assert_string_equal(fr.id[0], f2->id);
	memset(&fr, 0, sizeof fr);
	assert_int_equal(store_flags(c->store, 0, 1, flagrows_cb, &fr),
	    STORE_OK);
	assert_int_equal(fr.n, 1);
	assert_string_equal(fr.id[0], f1->id);

	/* A second flag by the same key on the same subject: nothing. */
	again = mod_flag_st(key_third, t->id, "other", NULL);
	must_fail(c, key_third, again, &(struct store_placement){ .hide = 1 },
	    STORE_OK);

	/* The limit reached on a pending annotation: it stays pending. */
	mod_flag(c, key_third, u->id, "spam", NULL, 1);
	assert_string_equal(get_one(c, u->id).status, "pending");
	assert_int_equal(queue(c, NULL, &q), 2);

	/* Approved after review: visible, counted, out of the queue. */
	mod_decide(c, c->curator, "approve", t->id, 0, NULL);
	assert_string_equal(get_one(c, t->id).status, "visible");
	assert_int_equal(record_count(c, "rec"), 1);
	assert_int_equal(queue(c, NULL, &q), 1);
	assert_string_equal(q.id[0], u->id);
	/* A hide by a moderator is not "flagged": not in the queue. */
	mod_decide(c, c->curator, "hide", t->id, 0, "x");
	assert_int_equal(queue(c, NULL, &q), 1);
}

/* Decisions by subject and all of them, in log order, paged. */
static void
test_mod_decisions(void **state)
{
	struct ctx		*c = *state;
	struct statement	*a, *b, *d[5];
	struct ids		 l;
	int64_t			 seq;
	size_t			 i;

	add_record(c->store, c->curator, "rec");
	a = mod_ann(c, c->other, "rec", "a", 0, NULL);
	b = mod_ann(c, c->other, "rec", "b", 0, NULL);
	d[0] = mod_decide(c, c->curator, "hide", a->id, 0, "x");
	mod_flag(c, key_third, b->id, "spam", NULL, 0);
	d[1] = mod_decide(c, c->curator, "hide", b->id, 0, "y");
	d[2] = mod_decide(c, c->curator, "restore", a->id, 0, NULL);
	d[3] = mod_decide(c, c->curator, "ban", key_third->pubkey, 0, "z");
	d[4] = mod_decide(c, c->curator, "lock", "rec", 2, NULL);

	memset(&l, 0, sizeof l);
	assert_int_equal(store_decisions(c->store, NULL, 0, 100, ids_cb, &l),
	    STORE_OK);
	assert_int_equal(l.n, 5);
	for (i = 0; i < 5; i++) {
		assert_string_equal(l.id[i], d[i]->id);
		assert_string_equal(l.type[i], "moderation");
	}
	memset(&l, 0, sizeof l);
	assert_int_equal(store_decisions(c->store, a->id, 0, 100, ids_cb,
	    &l), STORE_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.id[0], d[0]->id);
	assert_string_equal(l.id[1], d[2]->id);
	memset(&l, 0, sizeof l);
	assert_int_equal(store_decisions(c->store, b->id, 0, 100, ids_cb,
	    &l), STORE_OK);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.id[0], d[1]->id);
	memset(&l, 0, sizeof l);
	assert_int_equal(store_decisions(c->store, key_third->pubkey, 0, 100,
	    ids_cb, &l), STORE_OK);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.id[0], d[3]->id);
	memset(&l, 0, sizeof l);
	assert_int_equal(store_decisions(c->store, "rec", 0, 100, ids_cb,
	    &l), STORE_OK);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.id[0], d[4]->id);
	memset(&l, 0, sizeof l);
	assert_int_equal(store_decisions(c->store, NO_ID, 0, 100, ids_cb,
	    &l), STORE_OK);
	assert_int_equal(l.n, 0);

	/* Pages: after a seq, at most limit. */
	assert_int_equal(store_statement(c->store, d[0]->id, mod_seq_cb,
	    &seq), STORE_OK);
	memset(&l, 0, sizeof l);
	assert_int_equal(store_decisions(c->store, a->id, seq, 100, ids_cb,
	    &l), STORE_OK);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.id[0], d[2]->id);
	memset(&l, 0, sizeof l);
	assert_int_equal(store_decisions(c->store, NULL, seq, 2, ids_cb, &l),
	    STORE_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.id[0], d[1]->id);
	assert_string_equal(l.id[1], d[2]->id);
}

/* A lock of the record (talk 0) covers its talks; a talk's, only it. */
static void
test_mod_locks(void **state)
{
	struct ctx	*c = *state;
	int		 t;

	add_record(c->store, c->curator, "rec");
	add_record(c->store, c->curator, "other");
	add_record(c->store, c->curator, "open");
	for (t = 0; t <= 3; t++)
		assert_false(mod_locked(c, "rec", t));

	mod_decide(c, c->curator, "lock", "rec", 0, NULL);
	for (t = 0; t <= 3; t++)
		assert_true(mod_locked(c, "rec", t));
	assert_false(mod_locked(c, "other", 0));
	assert_false(mod_locked(c, "other", 2));
	mod_decide(c, c->curator, "unlock", "rec", 0, NULL);
	for (t = 0; t <= 3; t++)
		assert_false(mod_locked(c, "rec", t));

	mod_decide(c, c->curator, "lock", "rec", 2, NULL);
	assert_true(mod_locked(c, "rec", 2));
	assert_false(mod_locked(c, "rec", 0));
	assert_false(mod_locked(c, "rec", 1));
	assert_false(mod_locked(c, "rec", 3));
	assert_false(mod_locked(c, "other", 2));
	/* Locked again: still locked, the later decision stored. */
	mod_decide(c, c->curator, "lock", "rec", 2, "again");
	assert_true(mod_locked(c, "rec", 2));
	mod_decide(c, c->curator, "unlock", "rec", 2, NULL);
	assert_false(mod_locked(c, "rec", 2));
	/* An unlock of what is not locked is stored and changes nothing. */
	mod_decide(c, c->curator, "unlock", "rec", 2, "again");
	assert_false(mod_locked(c, "rec", 2));
	/* An unknown record cannot be locked. */
	must_fail(c, c->curator, conv_st(c->curator, "moderation",
	    mod_created(), json_pack("{s:s, s:s}", "action", "lock",
	    "subject", "nope")), NULL, STORE_OK);
	assert_false(mod_locked(c, "nope", 0));
}

/* An author's own list: every status, in order, paged. */
static void
test_mod_mine(void **state)
{
	struct ctx		*c = *state;
	struct statement	*a[5], *x;
	struct queued		 q;
	static const char *const want[] = { "visible", "pending", "hidden",
	    "rejected", "retracted" };
	size_t			 i;

	add_record(c->store, c->curator, "rec");
	a[0] = mod_ann(c, c->other, "rec", "shown", 0, NULL);
	a[1] = mod_ann(c, c->other, "rec", "waiting", 1, NULL);
	a[2] = mod_ann(c, c->other, "rec", "hidden", 0, NULL);
	a[3] = mod_ann(c, c->other, "rec", "rejected", 1, NULL);
	x = mod_ann(c, key_third, "rec", "not mine", 0, NULL);
	a[4] = mod_ann(c, c->other, "rec", "retracted", 0, NULL);
	mod_decide(c, c->curator, "hide", a[2]->id, 0, "x");
	mod_decide(c, c->curator, "reject", a[3]->id, 0, "x");
	must_append(c, c->other, conv_st(c->other, "retraction",
	    mod_created(), json_pack("{s:s}", "of", a[4]->id)), NULL);

	assert_int_equal(mine(c, c->other->pubkey, 0, 100, &q), 5);
	for (i = 0; i < 5; i++) {
		assert_string_equal(q.id[i], a[i]->id);
		assert_string_equal(q.status[i], want[i]);
		if (i > 0)
			assert_true(q.seq[i - 1] < q.seq[i]);
	}
	assert_int_equal(mine(c, key_third->pubkey, 0, 100, &q), 1);
	assert_string_equal(q.id[0], x->id);
	assert_int_equal(mine(c, c->curator->pubkey, 0, 100, &q), 0);
	/* Pages. */
	assert_int_equal(mine(c, c->other->pubkey, 0, 100, &q), 5);
	assert_int_equal(mine(c, c->other->pubkey, q.seq[1], 2, &q), 2);
	assert_string_equal(q.id[0], a[2]->id);
	assert_string_equal(q.id[1], a[3]->id);
}

/*
 * Two keys with one number (0013): a key banned before it signs takes the
 * decision's seq as its first, and so does the moderator whose first
 * statement that decision is.  Each key's list, count and ban stay its
 * own.
 */
static void
test_mod_author_numbers(void **state)
{
	struct ctx		*c = *state;
	const struct fixture_key *m, *k;
	struct statement	*a, *b;
	struct queued		 q;
	char			*sql;

	add_record(c->store, c->curator, "rec");
	m = mod_fresh_moderator = fixture_key_new();
	k = mod_fresh = fixture_key_new();
	mod_decide(c, m, "ban", k->pubkey, 0, "known bad");
	xasprintf(&sql, "SELECT count(DISTINCT first_seq) FROM keys "
	    "WHERE key IN ('%s', '%s')", m->pubkey, k->pubkey);
	assert_int_equal(db_int(c->store->db, sql), 1);
	free(sql);

	mod_decide(c, m, "unban", k->pubkey, 0, NULL);
	a = mod_ann(c, k, "rec", "the key's own", 0, NULL);
	b = mod_ann(c, m, "rec", "the moderator's own", 0, NULL);
	assert_int_equal(mine(c, k->pubkey, 0, 100, &q), 1);
	assert_string_equal(q.id[0], a->id);
	assert_int_equal(mine(c, m->pubkey, 0, 100, &q), 1);
	assert_string_equal(q.id[0], b->id);
	assert_int_equal(get_key(c, k->pubkey).annotations, 1);
	assert_int_equal(get_key(c, m->pubkey).annotations, 1);

	mod_decide(c, m, "ban", k->pubkey, 0, "again");
	assert_string_equal(get_one(c, a->id).status, "hidden");
	assert_string_equal(get_one(c, b->id).status, "visible");
	assert_int_equal(get_key(c, k->pubkey).annotations, 0);
	assert_int_equal(get_key(c, m->pubkey).annotations, 1);
}

/*
 * Follow-up reading (migration 0005): the links view the triggers keep
 * from every annotation's current links, store_cites, link reviews with
 * one current row per (record, key, author, checked), and store_open
 * recomputing what link.c derives when its LINK_NORM_VERSION is not the
 * one the stored keys were made with.  Statements come from conv_st and
 * are appended as the API would, created times from mod_created.
 */

#define ARXIV_KEY	"arxiv:2304.08485"
#define ARXIV_HREF	"https://arxiv.org/abs/2304.08485"
#define CHI_KEY		"doi:10.1145/3290605.3300233"
#define CHI_HREF	"https://doi.org/10.1145/3290605.3300233"
#define PAGE_KEY	"https://example.org/a"

/* The URLs of one paper, one DOI and one page as people post them. */
#define ARXIV_ABS	"https://arxiv.org/abs/2304.08485"
#define ARXIV_PDF	"http://arxiv.org/pdf/2304.08485v2"
#define CHI_DOI		"doi:10.1145/3290605.3300233"
#define PAGE_URL	"https://Example.org:443/a?utm_source=x#f"

/* store_citations' rows, copied out of the borrowed ones. */
struct cites {
	size_t	n;
	char	key[MAX_SEEN][128];
	char	type[MAX_SEEN][16];
	char	href[MAX_SEEN][128];
	char	url[MAX_SEEN][128];
	char	title[MAX_SEEN][128];		/* "" when NULL */
	int	has_title[MAX_SEEN];
	char	annotation[MAX_SEEN][GLOSS_ID_LEN + 1];
	char	kind[MAX_SEEN][16];
	char	author[MAX_SEEN][GLOSS_PUBKEY_LEN + 1];
	int	talk[MAX_SEEN];
	int64_t	at_start[MAX_SEEN], at_end[MAX_SEEN];
	int64_t	endorsements[MAX_SEEN], seq[MAX_SEEN];
};

static int
cites_cb(const struct store_citation *ci, void *arg)
{
	struct cites	*cs = arg;
	size_t		 i = cs->n;

	assert_true(i < MAX_SEEN);
	copy_str(cs->key[i], sizeof cs->key[i], ci->key);
	copy_str(cs->type[i], sizeof cs->type[i], ci->type);
	copy_str(cs->href[i], sizeof cs->href[i], ci->href);
	copy_str(cs->url[i], sizeof cs->url[i], ci->url);
	copy_str(cs->title[i], sizeof cs->title[i], ci->title);
	cs->has_title[i] = ci->title != NULL;
	copy_str(cs->annotation[i], sizeof cs->annotation[i], ci->annotation);
	copy_str(cs->kind[i], sizeof cs->kind[i], ci->kind);
	copy_str(cs->author[i], sizeof cs->author[i], ci->author);
	cs->talk[i] = ci->talk;
	cs->at_start[i] = ci->at_start;
	cs->at_end[i] = ci->at_end;
	cs->endorsements[i] = ci->endorsements;
	cs->seq[i] = ci->seq;
	cs->n++;
	return 0;
}

/* The citations of rid (of talk, unless 0); returns how many. */
static size_t
citations(struct ctx *c, const char *rid, int talk, struct cites *cs)
{
	memset(cs, 0, sizeof *cs);
	assert_int_equal(store_citations(c->store, rid, talk, cites_cb, cs),
	    STORE_OK);
	return cs->n;
}

/* Row i of cs must be the link url (title NULL: none) of annotation. */
static void
expect_cite(const struct cites *cs, size_t i, const char *key,
    const char *type, const char *href, const char *url, const char *title,
    const char *annotation)
{
	assert_true(i < cs->n);
	assert_string_equal(cs->key[i], key);
	assert_string_equal(cs->type[i], type);
	assert_string_equal(cs->href[i], href);
	assert_string_equal(cs->url[i], url);
	assert_int_equal(cs->has_title[i], title != NULL);
	if (title != NULL)
		assert_string_equal(cs->title[i], title);
	assert_string_equal(cs->annotation[i], annotation);
}

/* store_link_reviews' rows, copied out. */
struct review_rows {
	size_t	n;
	char	key[MAX_SEEN][128];
	char	id[MAX_SEEN][GLOSS_ID_LEN + 1];
	char	subject[MAX_SEEN][GLOSS_ID_LEN + 1];
	char	url[MAX_SEEN][128];
	char	author[MAX_SEEN][GLOSS_PUBKEY_LEN + 1];
	char	created[MAX_SEEN][21];
	char	verdict[MAX_SEEN][16];
	char	note[MAX_SEEN][128];		/* "" when NULL, and so on */
	char	replacement[MAX_SEEN][128];
	int	has_note[MAX_SEEN], has_replacement[MAX_SEEN];
	int	checked[MAX_SEEN];
	int64_t	status[MAX_SEEN];
	char	final[MAX_SEEN][128];
	char	error[MAX_SEEN][128];
	int	has_final[MAX_SEEN], has_error[MAX_SEEN];
};

static int
reviews_cb(const struct store_link_review *rv, void *arg)
{
	struct review_rows	*r = arg;
	size_t			 i = r->n;

	assert_true(i < MAX_SEEN);
	copy_str(r->key[i], sizeof r->key[i], rv->key);
	copy_str(r->id[i], sizeof r->id[i], rv->id);
	copy_str(r->subject[i], sizeof r->subject[i], rv->subject);
	copy_str(r->url[i], sizeof r->url[i], rv->url);
	copy_str(r->author[i], sizeof r->author[i], rv->author);
	copy_str(r->created[i], sizeof r->created[i], rv->created);
	copy_str(r->verdict[i], sizeof r->verdict[i], rv->verdict);
	copy_str(r->note[i], sizeof r->note[i], rv->note);
	copy_str(r->replacement[i], sizeof r->replacement[i],
	    rv->replacement);
	r->has_note[i] = rv->note != NULL;
	r->has_replacement[i] = rv->replacement != NULL;
	r->checked[i] = rv->checked;
	r->status[i] = rv->status;
	copy_str(r->final[i], sizeof r->final[i], rv->final);
	copy_str(r->error[i], sizeof r->error[i], rv->error);
	r->has_final[i] = rv->final != NULL;
	r->has_error[i] = rv->error != NULL;
	r->n++;
	return 0;
}

/* The current reviews of rid's links; returns how many. */
static size_t
reviews(struct ctx *c, const char *rid, struct review_rows *r)
{
	memset(r, 0, sizeof *r);
	assert_int_equal(store_link_reviews(c->store, rid, reviews_cb, r),
	    STORE_OK);
	return r->n;
}

/* The current reviews of rid must be exactly want[0..n), in order. */
static void
expect_reviews(struct ctx *c, const char *rid,
    const struct statement *const *want, size_t n)
{
	struct review_rows	r;
	size_t			i;

	if (reviews(c, rid, &r) != n) {
		for (i = 0; i < r.n; i++)
			print_message("current: %s %s %s %s\n", r.key[i],
			    r.created[i], r.verdict[i], r.id[i]);
		fail_msg("%zu current reviews, wanted %zu", r.n, n);
	}
	for (i = 0; i < n; i++) {
		if (strcmp(r.id[i], want[i]->id) != 0)
			fail_msg("review %zu is %s (%s), wanted %s", i,
			    r.id[i], r.verdict[i], want[i]->id);
	}
}

/* Where the fixture record's talk n (0: the whole record) lies. */
static struct store_placement
talk_place(int talk)
{
	static const int64_t	 start[] = { 0, 0, 60000, 300000 };
	static const int64_t	 end[] = { FIXTURE_DURATION, 60000, 300000,
				    FIXTURE_DURATION };
	struct store_placement	 pl;

	assert_true(talk >= 0 && talk <= 3);
	memset(&pl, 0, sizeof pl);
	pl.talk = talk;
	pl.span_start = start[talk];
	pl.span_end = end[talk];
	pl.at_start = pl.at_end = -1;
	return pl;
}

/*
 * An annotation of kind by k on rid about talk (0: none) citing links (a
 * JSON array, stolen), appended visible or pending.
 */
static struct statement *
cite_ann(struct ctx *c, const struct fixture_key *k, const char *rid,
    const char *kind, int talk, int pending, json_t *links)
{
	struct store_placement	 pl = talk_place(talk);
	struct statement	*st;
	json_t			*m;

	m = json_pack("{s:s, s:o}", "kind", kind, "links", links);
	assert_non_null(m);
	if (talk > 0)
		json_object_set_new(m, "talk", json_integer(talk));
	st = conv_annotation(k, rid, mod_created(), "cites", m);
	pl.pending = pending;
	must_append(c, k, st, &pl);
	return st;
}

/*
 * A revision of a by its author k that cites links (stolen) instead,
 * appended with the placement the API folds: a's kind, talk 0.
 */
static struct statement *
cite_revise(struct ctx *c, const struct fixture_key *k,
    const struct statement *a, json_t *links)
{
	struct store_placement	 pl = talk_place(0);
	struct statement	*r;
	struct jcs_err		 err;
	struct buf		 b;

	r = conv_st(k, "revision", mod_created(), json_pack("{s:s, s:s, "
	    "s:o}", "of", a->id, "text", "revised", "links", links));
	buf_init(&b);
	assert_int_equal(jcs_serialize(json_object_get(r->root, "links"), &b,
	    &err), 0);
	pl.kind = a->u.annotation.kind;
	pl.text = r->u.annotation.text;
	pl.text_len = r->u.annotation.text_len;
	pl.links = b.data;
	must_append(c, k, r, &pl);
	buf_free(&b);
	return r;
}

/*
 * A link review by k of url in annotation subject, created at created
 * (NULL: the next mod_created), with extra members (or NULL); not
 * appended.
 */
static struct statement *
review_st(const struct fixture_key *k, const char *created,
    const char *subject, const char *url, const char *verdict,
    json_t *extra)
{
	json_t	*m;

	m = json_pack("{s:s, s:s, s:s}", "subject", subject, "url", url,
	    "verdict", verdict);
	assert_non_null(m);
	if (extra != NULL) {
		assert_int_equal(json_object_update(m, extra), 0);
		json_decref(extra);
	}
	return conv_st(k, "link-review", created != NULL ? created :
	    mod_created(), m);
}

/* The same, appended. */
static struct statement *
review(struct ctx *c, const struct fixture_key *k, const char *created,
    const char *subject, const char *url, const char *verdict,
    json_t *extra)
{
	struct statement	*st;

	st = review_st(k, created, subject, url, verdict, extra);
	must_append(c, k, st, NULL);
	return st;
}

/* The four forms of three targets, with two titles. */
static json_t *
four_links(void)
{
	return json_pack("[{s:s, s:s}, {s:s}, {s:s, s:s}, {s:s, s:s}]",
	    "url", ARXIV_ABS, "title", "Visual Instruction Tuning",
	    "url", ARXIV_PDF,
	    "url", CHI_DOI, "title", "Guidelines for Human-AI Interaction",
	    "url", PAGE_URL, "title", "A page");
}

/*
 * The links view: each link of each visible annotation, normalized, in
 * key order; it follows revisions, retractions, every status change and
 * the talk filter.
 */
static void
test_links_citations(void **state)
{
	struct ctx		*c = *state;
	struct statement	*a, *b, *d;
	struct store_placement	 pl;
	struct cites		 cs;
	size_t			 i;

	add_record(c->store, c->curator, "rec");
	add_record(c->store, c->curator, "rec2");
	assert_int_equal(citations(c, "rec", 0, &cs), 0);

	a = cite_ann(c, c->other, "rec", "reading", 1, 0, four_links());
	assert_int_equal(citations(c, "rec", 0, &cs), 4);
	/* Key order: arxiv: < doi: < https:, then the annotation's order. */
	expect_cite(&cs, 0, ARXIV_KEY, "arxiv", ARXIV_HREF, ARXIV_ABS,
	    "Visual Instruction Tuning", a->id);
	expect_cite(&cs, 1, ARXIV_KEY, "arxiv", ARXIV_HREF, ARXIV_PDF, NULL,
	    a->id);
	expect_cite(&cs, 2, CHI_KEY, "doi", CHI_HREF, CHI_DOI,
	    "Guidelines for Human-AI Interaction", a->id);
	expect_cite(&cs, 3, PAGE_KEY, "url", PAGE_KEY, PAGE_URL, "A page",
	    a->id);
	for (i = 0; i < 4; i++) {
		assert_string_equal(cs.kind[i], "reading");
		assert_string_equal(cs.author[i], c->other->pubkey);
		assert_int_equal(cs.talk[i], 1);
		assert_int_equal(cs.at_start[i], -1);
		assert_int_equal(cs.at_end[i], -1);
		assert_int_equal(cs.endorsements[i], 0);
		assert_int_equal(cs.seq[i], 3);
	}

	/* The same paper another way, at 1:30: a row with its key. */
	b = conv_annotation(c->curator, "rec", mod_created(), "at 1:30",
	    json_pack("{s:s, s:i, s:{s:i}, s:[{s:s, s:s}]}", "kind",
	    "critique", "talk", 2, "at", "start", 90000, "links", "url",
	    "arXiv:2304.08485v1", "title", "LLaVA"));
	pl = talk_place(2);
	must_append(c, c->curator, b, &pl);
	must_append(c, c->other, conv_st(c->other, "endorse", mod_created(),
	    json_pack("{s:s}", "subject", b->id)), NULL);
	assert_int_equal(citations(c, "rec", 0, &cs), 5);
	expect_cite(&cs, 0, ARXIV_KEY, "arxiv", ARXIV_HREF, ARXIV_ABS,
	    "Visual Instruction Tuning", a->id);
	expect_cite(&cs, 1, ARXIV_KEY, "arxiv", ARXIV_HREF, ARXIV_PDF, NULL,
	    a->id);
	expect_cite(&cs, 2, ARXIV_KEY, "arxiv", ARXIV_HREF,
	    "arXiv:2304.08485v1", "LLaVA", b->id);
	assert_string_equal(cs.kind[2], "critique");
	assert_string_equal(cs.author[2], c->curator->pubkey);
	assert_int_equal(cs.talk[2], 2);
	assert_int_equal(cs.at_start[2], 90000);
	assert_int_equal(cs.at_end[2], -1);
	assert_int_equal(cs.endorsements[2], 1);
	assert_int_equal(cs.seq[2], 4);
	expect_cite(&cs, 3, CHI_KEY, "doi", CHI_HREF, CHI_DOI,
	    "Guidelines for Human-AI Interaction", a->id);
	expect_cite(&cs, 4, PAGE_KEY, "url", PAGE_KEY, PAGE_URL, "A page",
	    a->id);

	/* The talk filter, and another record's links stay its own. */
	assert_int_equal(citations(c, "rec", 2, &cs), 1);
	expect_cite(&cs, 0, ARXIV_KEY, "arxiv", ARXIV_HREF,
	    "arXiv:2304.08485v1", "LLaVA", b->id);
	assert_int_equal(citations(c, "rec", 1, &cs), 4);
	for (i = 0; i < 4; i++)
		assert_string_equal(cs.annotation[i], a->id);
	assert_int_equal(citations(c, "rec", 3, &cs), 0);
	d = cite_ann(c, c->other, "rec2", "comment", 0, 0, json_pack(
	    "[{s:s}]", "url", CHI_DOI));
	assert_int_equal(citations(c, "rec2", 0, &cs), 1);
	expect_cite(&cs, 0, CHI_KEY, "doi", CHI_HREF, CHI_DOI, NULL, d->id);
	assert_int_equal(cs.talk[0], 0);
	assert_int_equal(citations(c, "rec", 0, &cs), 5);
	assert_int_equal(citations(c, "nope", 0, &cs), 0);

	/*
	 * A revision that drops the DOI and the page for another page:
	 * a's old rows are gone, its new ones in, b's untouched.
	 */
	cite_revise(c, c->other, a, json_pack("[{s:s}, {s:s, s:s}]",
	    "url", "https://example.net/new?fbclid=1", "url", ARXIV_PDF,
	    "title", "v2"));
	assert_int_equal(citations(c, "rec", 0, &cs), 3);
	expect_cite(&cs, 0, ARXIV_KEY, "arxiv", ARXIV_HREF, ARXIV_PDF, "v2",
	    a->id);
	expect_cite(&cs, 1, ARXIV_KEY, "arxiv", ARXIV_HREF,
	    "arXiv:2304.08485v1", "LLaVA", b->id);
	expect_cite(&cs, 2, "https://example.net/new", "url",
	    "https://example.net/new", "https://example.net/new?fbclid=1",
	    NULL, a->id);
	for (i = 0; i < cs.n; i++)
		assert_string_not_equal(cs.key[i], CHI_KEY);
	/* The revision placed a on the whole record. */
	assert_int_equal(cs.talk[0], 0);
	assert_int_equal(citations(c, "rec", 1, &cs), 0);
	/* Revised to no links at all: none of a's rows is left. */
	cite_revise(c, c->other, a, json_pack("[]"));
	assert_int_equal(citations(c, "rec", 0, &cs), 1);
	assert_string_equal(cs.annotation[0], b->id);
	cite_revise(c, c->other, a, json_pack("[{s:s}]", "url", PAGE_URL));
	assert_int_equal(citations(c, "rec", 0, &cs), 2);
	expect_cite(&cs, 1, PAGE_KEY, "url", PAGE_KEY, PAGE_URL, NULL, a->id);

	/* Hidden, then restored: out of the list and back. */
	mod_decide(c, c->curator, "hide", a->id, 0, "off-topic");
	assert_int_equal(citations(c, "rec", 0, &cs), 1);
	assert_string_equal(cs.annotation[0], b->id);
	mod_decide(c, c->curator, "restore", a->id, 0, NULL);
	assert_int_equal(citations(c, "rec", 0, &cs), 2);
	/* Pending is not visible either, until approved. */
	d = cite_ann(c, key_third, "rec", "reading", 3, 1, json_pack("[{s:s}]",
	    "url", "https://doi.org/10.1145/3290605.3300233"));
	assert_int_equal(citations(c, "rec", 0, &cs), 2);
	assert_int_equal(citations(c, "rec", 3, &cs), 0);
	mod_decide(c, c->curator, "approve", d->id, 0, NULL);
	assert_int_equal(citations(c, "rec", 3, &cs), 1);
	expect_cite(&cs, 0, CHI_KEY, "doi", CHI_HREF,
	    "https://doi.org/10.1145/3290605.3300233", NULL, d->id);
	/* Retracted: gone for good. */
	must_append(c, c->curator, conv_st(c->curator, "retraction",
	    mod_created(), json_pack("{s:s}", "of", b->id)), NULL);
	assert_int_equal(citations(c, "rec", 0, &cs), 2);
	expect_cite(&cs, 0, CHI_KEY, "doi", CHI_HREF,
	    "https://doi.org/10.1145/3290605.3300233", NULL, d->id);
	expect_cite(&cs, 1, PAGE_KEY, "url", PAGE_KEY, PAGE_URL, NULL, a->id);
	assert_int_equal(citations(c, "rec", 2, &cs), 0);
}

/* store_cites: by key, of the annotation's current links only. */
static void
test_links_cites(void **state)
{
	struct ctx		*c = *state;
	struct statement	*a, *b;

	add_record(c->store, c->curator, "rec");
	a = cite_ann(c, c->other, "rec", "reading", 0, 0, four_links());
	b = cite_ann(c, key_third, "rec", "comment", 0, 0, json_pack(
	    "[{s:s}]", "url", "arXiv:2304.08485"));

	/* Every form of each link, as posted or written another way. */
	assert_int_equal(store_cites(c->store, a->id, ARXIV_ABS), STORE_OK);
	assert_int_equal(store_cites(c->store, a->id, ARXIV_PDF), STORE_OK);
	assert_int_equal(store_cites(c->store, a->id,
	    "https://export.arxiv.org/abs/2304.08485v7"), STORE_OK);
	assert_int_equal(store_cites(c->store, a->id, CHI_DOI), STORE_OK);
	assert_int_equal(store_cites(c->store, a->id,
	    "http://dx.doi.org/10.1145/3290605.3300233"), STORE_OK);
	assert_int_equal(store_cites(c->store, a->id, PAGE_URL), STORE_OK);
	assert_int_equal(store_cites(c->store, a->id,
	    "http://example.org/a"), STORE_OK);
	assert_int_equal(store_cites(c->store, b->id, ARXIV_ABS), STORE_OK);

	/* Not its links, not a link, not an annotation. */
	assert_int_equal(store_cites(c->store, b->id, CHI_DOI),
	    STORE_NOTFOUND);
	assert_int_equal(store_cites(c->store, a->id,
	    "https://arxiv.org/abs/2304.08486"), STORE_NOTFOUND);
	assert_int_equal(store_cites(c->store, a->id,
	    "https://example.org/a?page=2"), STORE_NOTFOUND);
	assert_int_equal(store_cites(c->store, a->id,
	    "https://example.org:8443/a"), STORE_NOTFOUND);
	assert_int_equal(store_cites(c->store, a->id, "ftp://example.org/a"),
	    STORE_NOTFOUND);
	assert_int_equal(store_cites(c->store, a->id, ""), STORE_NOTFOUND);
	assert_int_equal(store_cites(c->store, NO_ID, ARXIV_ABS),
	    STORE_NOTFOUND);
	/* A record's id is not an annotation's. */
	assert_int_equal(store_cites(c->store, "rec", ARXIV_ABS),
	    STORE_NOTFOUND);

	/* After a revision only the new links count. */
	cite_revise(c, c->other, a, json_pack("[{s:s}]", "url", CHI_DOI));
	assert_int_equal(store_cites(c->store, a->id, CHI_HREF), STORE_OK);
	assert_int_equal(store_cites(c->store, a->id, ARXIV_ABS),
	    STORE_NOTFOUND);
	assert_int_equal(store_cites(c->store, a->id, PAGE_URL),
	    STORE_NOTFOUND);
	assert_int_equal(store_cites(c->store, b->id, ARXIV_PDF), STORE_OK);
}

/*
 * Link reviews: the latest (created, id) of each (record, key, author,
 * checked) is the one current row, however they arrive.
 */
static void
test_links_reviews_current(void **state)
{
	struct ctx		*c = *state;
	struct statement	*a, *b, *late, *third, *chk1, *chk2;
	struct statement	*viab, *doi, *t1, *t2, *lo, *hi, *x;
	struct review_rows	 r;

	add_record(c->store, c->curator, "rec");
	a = cite_ann(c, c->curator, "rec", "reading", 0, 0, four_links());
	b = cite_ann(c, key_third, "rec", "comment", 0, 0, json_pack(
	    "[{s:s}]", "url", "arXiv:2304.08485"));
	assert_int_equal(reviews(c, "rec", &r), 0);

	/* The later one first, then an earlier one: the later stays. */
	late = review(c, c->other, C_2026("01-05"), a->id, ARXIV_PDF, "ok",
	    json_pack("{s:s}", "note", "the paper"));
	assert_int_equal(reviews(c, "rec", &r), 1);
	assert_string_equal(r.key[0], ARXIV_KEY);
	assert_string_equal(r.id[0], late->id);
	assert_string_equal(r.subject[0], a->id);
	assert_string_equal(r.url[0], ARXIV_PDF);
	assert_string_equal(r.author[0], c->other->pubkey);
	assert_string_equal(r.created[0], C_2026("01-05"));
	assert_string_equal(r.verdict[0], "ok");
	assert_string_equal(r.note[0], "the paper");
	assert_false(r.has_replacement[0]);
	assert_false(r.checked[0]);
	assert_int_equal(r.status[0], -1);
	assert_false(r.has_final[0]);
	assert_false(r.has_error[0]);
	review(c, c->other, C_2026("01-02"), a->id, ARXIV_ABS,
	    "irrelevant", NULL);
	expect_reviews(c, "rec", (const struct statement *[]){ late }, 1);
	/* Stored all the same. */
	assert_int_equal(store_count(c->store), 5);

	/* Another author keeps a current review of its own; key order,
	 * then oldest first. */
	third = review(c, key_third, C_2026("01-03"), a->id,
	    "arXiv:2304.08485", "relevant", NULL);
	expect_reviews(c, "rec", (const struct statement *[]){ third, late },
	    2);

	/* A check and a verdict by one key are both current. */
	chk1 = review(c, c->other, C_2026("01-04"), a->id, ARXIV_ABS, "ok",
	    json_pack("{s:{s:i, s:s}}", "check", "status", 200, "final",
	    "https://arxiv.org/abs/2304.08485v2"));
	expect_reviews(c, "rec", (const struct statement *[]){ third, chk1,
	    late }, 3);
	assert_int_equal(reviews(c, "rec", &r), 3);
	assert_true(r.checked[1]);
	assert_int_equal(r.status[1], 200);
	assert_string_equal(r.final[1], "https://arxiv.org/abs/2304.08485v2");
	assert_false(r.has_error[1]);
	assert_false(r.has_note[1]);
	/* A later check replaces the check, not the verdict. */
	chk2 = review(c, c->other, C_2026("01-06"), a->id, ARXIV_ABS,
	    "broken", json_pack("{s:{s:i, s:s}}", "check", "status", 0,
	    "error", "connection refused"));
	expect_reviews(c, "rec", (const struct statement *[]){ third, late,
	    chk2 }, 3);
	assert_int_equal(reviews(c, "rec", &r), 3);
	assert_true(r.checked[2]);
	assert_int_equal(r.status[2], 0);
	assert_string_equal(r.error[2], "connection refused");
	assert_false(r.has_final[2]);
	assert_false(r.checked[1]);

	/* Through another annotation citing the same key: one group. */
	viab = review(c, key_third, C_2026("01-07"), b->id, ARXIV_ABS, "spam",
	    NULL);
	expect_reviews(c, "rec", (const struct statement *[]){ late, chk2,
	    viab }, 3);
	assert_int_equal(reviews(c, "rec", &r), 3);
	assert_string_equal(r.subject[2], b->id);
	assert_string_equal(r.key[2], ARXIV_KEY);
	/* ... where an older one arriving late changes nothing. */
	review(c, c->other, C_2026("01-01"), b->id, ARXIV_ABS, "spam",
	    NULL);
	expect_reviews(c, "rec", (const struct statement *[]){ late, chk2,
	    viab }, 3);

	/* Another key of the same annotation is another group. */
	doi = review(c, c->other, C_2026("01-01"), a->id,
	    "https://doi.org/10.1145/3290605.3300233", "moved", json_pack(
	    "{s:s}", "replacement", "https://dl.acm.org/doi/10.1145/x"));
	expect_reviews(c, "rec", (const struct statement *[]){ late, chk2,
	    viab, doi }, 4);
	assert_int_equal(reviews(c, "rec", &r), 4);
	assert_string_equal(r.key[3], CHI_KEY);
	assert_string_equal(r.replacement[3],
	    "https://dl.acm.org/doi/10.1145/x");

	/* The same created: the greater id wins, appended first or last. */
	t1 = review_st(c->curator, C_2026("02-01"), a->id, PAGE_URL, "ok",
	    json_pack("{s:s}", "note", "one"));
	t2 = review_st(c->curator, C_2026("02-01"), a->id, PAGE_URL, "broken",
	    json_pack("{s:s}", "note", "two"));
	lo = strcmp(t1->id, t2->id) < 0 ? t1 : t2;
	hi = lo == t1 ? t2 : t1;
	must_append(c, c->curator, hi, NULL);
	must_append(c, c->curator, lo, NULL);
	expect_reviews(c, "rec", (const struct statement *[]){ late, chk2,
	    viab, doi, hi }, 5);
	assert_int_equal(reviews(c, "rec", &r), 5);
	assert_string_equal(r.key[4], PAGE_KEY);

	/* Reviews of another record's links are not this one's. */
	add_record(c->store, c->curator, "rec2");
	x = cite_ann(c, c->other, "rec2", "comment", 0, 0, json_pack("[{s:s}]",
	    "url", ARXIV_ABS));
	review(c, c->other, C_2026("12-01"), x->id, ARXIV_ABS, "spam", NULL);
	assert_int_equal(reviews(c, "rec2", &r), 1);
	assert_string_equal(r.subject[0], x->id);
	expect_reviews(c, "rec", (const struct statement *[]){ late, chk2,
	    viab, doi, hi }, 5);
	assert_int_equal(reviews(c, "nope", &r), 0);
}

/* A review of nothing stores nothing: its record is its subject's. */
static void
test_links_review_unknown(void **state)
{
	struct ctx	*c = *state;

	add_record(c->store, c->curator, "rec");
	must_fail(c, c->other, review_st(c->other, NULL, NO_ID, ARXIV_ABS,
	    "ok", NULL), NULL, STORE_OK);
	assert_int_equal(store_count(c->store), 1);
}

/* Open path, which must open; the store goes into c. */
static void
reopen(struct ctx *c, const char *path)
{
	struct store	*s;
	const char	*errstr = NULL;

	store_close(c->store);
	c->store = NULL;
	if ((s = store_open(path, &errstr)) == NULL)
		fail_msg("store_open: %s", errstr);
	c->store = s;
}

/* Run sql on a plain connection to path (no link functions there). */
static void
raw_exec(const char *path, const char *sql)
{
	sqlite3	*db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

#define PENDING		"SELECT count(*) FROM search_pending"
#define INDEXED(word)	"SELECT count(*) FROM annotations_fts WHERE " \
			"annotations_fts MATCH '" word "'"

/*
 * Migration 0008: annotations wait for the search index until a commit
 * finds STORE_SEARCH_BATCH of them, alone or in a group, or a search
 * comes; a search finds every committed one either way, and one hidden
 * while it waits is never indexed.
 */
static void
test_search_batches(void **state)
{
	struct ctx		*c = *state;
	struct tmpdb		 t;
	struct store_placement	 pl = WHOLE;
	struct statement	*st, *hidden;
	struct found		 f;
	char			 text[64], created[32];
	struct store_search	 sq = { "narwhal", NULL, NULL, 10, 0 };
	enum store_rc		 rc;
	int			 i;

	tmpdb_make(&t);
	reopen(c, t.path);
	add_record(c->store, c->curator, "rec");
	for (i = 0; i < 3; i++) {
		snprintf(text, sizeof text, "walrus %d", i);
		must_append(c, c->curator, conv_annotation(c->curator, "rec",
		    C_2026("01-01"), text, NULL), &pl);
	}
	hidden = conv_annotation(c->other, "rec", C_2026("01-02"),
	    "walrus hidden", NULL);
	must_append(c, c->other, hidden, &pl);
	mod_decide(c, c->curator, "hide", hidden->id, 0, "x");
	assert_int_equal(raw_int(t.path, PENDING), 4);
	assert_int_equal(raw_int(t.path, INDEXED("walrus")), 0);

	/* A search indexes what waits first. */
	assert_int_equal(search(c, "walrus", NULL, NULL, 10, 0, &f), 3);
	assert_false(found_has(&f, hidden->id));
	assert_int_equal(raw_int(t.path, PENDING), 0);
	assert_int_equal(raw_int(t.path, INDEXED("walrus")), 3);

	/* A group one short of a batch commits without indexing... */
	store_group(c->store, 1);
	for (i = 0; i < STORE_SEARCH_BATCH - 1; i++) {
		snprintf(text, sizeof text, "narwhal %d", i);
		snprintf(created, sizeof created, "2026-02-01T12:%02d:%02dZ",
		    i / 60, i % 60);
		st = conv_annotation(c->curator, "rec", created, text, NULL);
		must_append(c, c->curator, st, &pl);
	}
	assert_int_equal(store_commit(c->store), STORE_OK);
	store_group(c->store, 0);
	assert_int_equal(raw_int(t.path, PENDING), STORE_SEARCH_BATCH - 1);
	assert_int_equal(raw_int(t.path, INDEXED("narwhal")), 0);

	/* ...and the commit that finds a whole batch indexes it. */
	must_append(c, c->other, conv_annotation(c->other, "rec",
	    C_2026("02-02"), "narwhal last", NULL), &pl);
	assert_int_equal(raw_int(t.path, PENDING), 0);
	assert_int_equal(raw_int(t.path, INDEXED("narwhal")),
	    STORE_SEARCH_BATCH);
	assert_int_equal(search(c, "narwhal", NULL, NULL, 10, 0, &f), 10);

	/* A spent deadline may stop the search, never its batch. */
	store_group(c->store, 1);
	for (i = 0; i < STORE_SEARCH_BATCH - 1; i++) {
		snprintf(text, sizeof text, "narwhal spent %d", i);
		snprintf(created, sizeof created, "2026-02-03T12:%02d:%02dZ",
		    i / 60, i % 60);
		must_append(c, c->other, conv_annotation(c->other, "rec",
		    created, text, NULL), &pl);
	}
	assert_int_equal(store_commit(c->store), STORE_OK);
	store_group(c->store, 0);
	assert_int_equal(raw_int(t.path, PENDING), STORE_SEARCH_BATCH - 1);
	store_deadline(c->store, 1);
	memset(&f, 0, sizeof f);
	rc = store_search(c->store, &sq, found_cb, &f);
	store_deadline(c->store, 0);
	assert_true(rc == STORE_OK || rc == STORE_SLOW);
	assert_int_equal(raw_int(t.path, PENDING), 0);
	assert_int_equal(raw_int(t.path, INDEXED("spent")),
	    STORE_SEARCH_BATCH - 1);
	tmpdb_remove(&t);
}

#define SEGMENTS	"SELECT count(DISTINCT segid) FROM annotations_fts_idx"
#define AUTOMERGE	"SELECT v FROM annotations_fts_config " \
			"WHERE k = 'automerge'"

/*
 * Migration 0011: FTS5 merges nothing by itself; each batch's commit
 * merges the index as far as its text calls for, which keeps the
 * segments about as few as FTS5's own merging did: 3 after 60 batches
 * here.  Without it they are 15, a segment per batch up to FTS5's
 * crisis merge at 16.
 */
static void
test_search_merge(void **state)
{
	struct ctx		*c = *state;
	struct tmpdb		 t;
	struct store_placement	 pl = WHOLE;
	struct found		 f;
	char			 text[128], created[32];
	int			 i;

	tmpdb_make(&t);
	reopen(c, t.path);
	assert_int_equal(raw_int(t.path, AUTOMERGE), 0);
	add_record(c->store, c->curator, "rec");
	store_group(c->store, 1);
	for (i = 0; i < 60 * STORE_SEARCH_BATCH; i++) {
		snprintf(text, sizeof text, "beluga%d orca%d krill%d seal",
		    i, i * 7 % 1999, i % 97);
		snprintf(created, sizeof created, "2026-03-%02dT%02d:%02d:00Z",
		    1 + i / 1440, i / 60 % 24, i % 60);
		must_append(c, c->curator, conv_annotation(c->curator, "rec",
		    created, text, NULL), &pl);
		if ((i + 1) % STORE_SEARCH_BATCH == 0)
			assert_int_equal(store_commit(c->store), STORE_OK);
	}
	store_group(c->store, 0);
	assert_int_equal(raw_int(t.path, PENDING), 0);
	assert_in_range(raw_int(t.path, SEGMENTS), 1, 6);
	assert_int_equal(raw_int(t.path, INDEXED("seal")),
	    60 * STORE_SEARCH_BATCH);
	assert_int_equal(search(c, "beluga1919", NULL, NULL, 10, 0, &f), 1);
	tmpdb_remove(&t);
}

/*
 * The loop's connection writes a commit's WAL frames in one call per
 * 96 KiB, not two per frame (store_walbuf.c), and before the commit
 * returns: another connection reads every committed statement at once.
 * A write the disk refuses fails its commit alone: nothing committed
 * before is lost, and the next commit goes through.
 */
static void
test_walbuf(void **state)
{
	struct ctx		*c = *state;
	struct tmpdb		 t;
	struct store		*s;
	struct statement	*st;
	struct store_placement	 pl = { .talk = 1, .span_start = 30000,
	    .span_end = 30001 };
	const char		*errstr = NULL;
	char			 wal[160], text[32];
	off_t			 w0, bytes;
	int64_t			 seq;
	int			 n0, i;

	tmpdb_make(&t);
	snprintf(wal, sizeof wal, "%s-wal", t.path);
	s = store_open(t.path, &errstr);
	assert_non_null(s);
	store_close(s);			/* the migrations' WAL, gone */
	vacuum(t.path);
	s = store_open(t.path, &errstr);
	assert_non_null(s);
	add_record(s, c->curator, "walbuf");

	w0 = file_size(wal);
	n0 = faultsys_calls(FAULTSYS_PWRITE);
	add_annotation(s, c->curator, "walbuf", "comment", 1, 10000, -1,
	    10000, 10001, "one commit", NULL);
	assert_true(WAL_FRAMES(wal) - (w0 - 32) / (4096 + 24) >= 3);
	assert_int_equal(faultsys_calls(FAULTSYS_PWRITE) - n0, 1);
	assert_int_equal(raw_int(t.path, "SELECT count(*) FROM statements"),
	    2);

	/* A group of forty: one call per 96 KiB of frames, or about. */
	store_group(s, 1);
	w0 = file_size(wal);
	n0 = faultsys_calls(FAULTSYS_PWRITE);
	for (i = 0; i < 40; i++) {
		snprintf(text, sizeof text, "in a big group, %d", i);
		add_annotation(s, c->other, "walbuf", "comment", 1,
		    20000 + i, -1, 20000 + i, 20001 + i, text, NULL);
	}
	assert_int_equal(store_commit(s), STORE_OK);
	bytes = file_size(wal) - w0;
	assert_true(bytes > 96 * 1024);
	assert_true(faultsys_calls(FAULTSYS_PWRITE) - n0 <=
	    bytes / (96 * 1024) + 2);
	assert_int_equal(raw_int(t.path, "SELECT count(*) FROM statements"),
	    42);
	store_group(s, 0);

	/* Refused at the disk: that commit fails, and only it. */
	faultsys_fail(FAULTSYS_PWRITE, 0);
	st = fixture_annotation(c->curator, "walbuf", "comment", 1, 30000,
	    -1, "refused at the disk");
	assert_int_equal(append(s, c->curator, st, &pl, &seq), STORE_ERROR);
	stmt_free(st);
	faultsys_clear();
	assert_int_equal(store_count(s), 42);
	add_annotation(s, c->curator, "walbuf", "comment", 1, 40000, -1,
	    40000, 40001, "after the refusal", NULL);
	recovered(s, t.path, 43);
	assert_int_equal(raw_int(t.path, "SELECT count(*) FROM annotations"
	    " WHERE text = 'refused at the disk'"), 0);
	tmpdb_remove(&t);
}

/*
 * What a WAL hook leaves gathered in the WAL file: a frame header of no
 * commit at its end, written through the connection's own file (with
 * pwrite64 refused first, if fail).  SQLite calls the hook after its
 * last write of a commit, so the bytes are there when the COMMIT
 * returns, as a way of writing a WAL that store_walbuf.c does not know
 * would leave them.
 */
struct leftover {
	int	fail;
	int	rc;
};

static int
leftover_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
	struct leftover		*l = arg;
	sqlite3_file		*f = NULL;
	sqlite3_int64		 size;
	const unsigned char	 header[24] = { 0 };

	assert_int_equal(sqlite3_file_control(db, name,
	    SQLITE_FCNTL_JOURNAL_POINTER, &f), SQLITE_OK);
	assert_int_equal(f->pMethods->xFileSize(f, &size), SQLITE_OK);
	if (l->fail)
		faultsys_fail(FAULTSYS_PWRITE, 0);
	l->rc = f->pMethods->xWrite(f, header, sizeof header, size);
	return SQLITE_OK;
}

/*
 * Whatever is left gathered after a COMMIT reaches the file before the
 * commit is reported (store_walbuf_committed), and is counted; a disk
 * that refuses it fails the store for good, as a lost write does.
 */
static void
test_walbuf_left(void **state)
{
	struct ctx		*c = *state;
	struct leftover		 l = { 0, -1 };
	struct statement	*st;
	struct tmpdb		 t;
	struct store		*s;
	const char		*errstr = NULL;
	char			 wal[160];
	uint64_t		 durable;
	off_t			 size;
	struct store_placement	 pl = { .talk = 1, .span_start = 20000,
	    .span_end = 20001 };
	int64_t			 seq;

	tmpdb_make(&t);
	snprintf(wal, sizeof wal, "%s-wal", t.path);
	s = store_open(t.path, &errstr);
	assert_non_null(s);
	add_record(s, c->curator, "left");
	sqlite3_wal_hook(s->db, leftover_hook, &l);
	add_annotation(s, c->curator, "left", "comment", 1, 10000, -1,
	    10000, 10001, "a commit with bytes left after it", NULL);
	assert_int_equal(l.rc, SQLITE_OK);
	assert_int_equal(s->wal_left, 24);
	size = file_size(wal);
	assert_int_equal((size - 32) % (4096 + 24), 24);

	l.fail = 1;
	st = fixture_annotation(c->curator, "left", "comment", 1, 20000, -1,
	    "the bytes left after it are refused");
	assert_int_equal(append(s, c->curator, st, &pl, &seq), STORE_DISK);
	stmt_free(st);
	faultsys_clear();
	assert_int_equal(s->wal_left, 48);
	errno = 0;
	assert_int_equal(store_durable(s, 0, &durable), -1);
	assert_int_equal(errno, EIO);
	sqlite3_wal_hook(s->db, NULL, NULL);
	store_close(s);
	tmpdb_remove(&t);
}

/* Copy the file from to to, as it is in the kernel's cache now. */
static void
copy_file(const char *from, const char *to)
{
	char	buf[65536];
	ssize_t	n;
	int	in, out;

	assert_true((in = open(from, O_RDONLY)) != -1);
	assert_true((out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600)) !=
	    -1);
	while ((n = read(in, buf, sizeof buf)) > 0)
		assert_int_equal(write(out, buf, (size_t)n), n);
	assert_int_equal(n, 0);
	close(in);
	close(out);
}

/*
 * Copy the database at path and its WAL to copy, as a kill -9 leaves
 * them, which must hold count statements and be whole.
 */
static void
crash_copy(const char *path, const char *copy, int64_t count)
{
	char	from[192], to[192];

	copy_file(path, copy);
	snprintf(from, sizeof from, "%s-wal", path);
	snprintf(to, sizeof to, "%s-wal", copy);
	copy_file(from, to);
	assert_int_equal(raw_int(copy, "SELECT count(*) FROM statements"),
	    count);
	intact(copy);
}

/* Remove what crash_copy made, and what opening it made. */
static void
crash_copy_remove(const char *copy)
{
	char	name[192];

	unlink(copy);
	snprintf(name, sizeof name, "%s-wal", copy);
	unlink(name);
	snprintf(name, sizeof name, "%s-shm", copy);
	unlink(name);
}

/*
 * A group that outgrows the page cache has SQLite write pages into the
 * WAL early and, at the commit, rewrite them and their headers in place
 * (walRewriteChecksums): the commit's last write is then a header
 * rewritten, not a frame appended.  With glossd's syncer and
 * checkpointer, every commit's bytes are still in the file when
 * store_commit returns, nothing being left for store_walbuf_committed to
 * write: the files as a kill -9 leaves them then hold every statement,
 * and so do they after a one-page commit that follows the spill and a
 * checkpoint by another connection.
 */
static void
test_walbuf_spill(void **state)
{
	struct ctx	*c = *state;
	struct tmpdb	 t;
	struct store	*s;
	const char	*errstr = NULL;
	char		 copy[96], text[1200];
	int		 i;

	tmpdb_make(&t);
	snprintf(copy, sizeof copy, "%s/crash.db", t.dir);
	s = store_open(t.path, &errstr);
	assert_non_null(s);
	assert_int_equal(store_syncer(s), 0);		/* as glossd */
	assert_int_equal(store_checkpointer(s, 4000, 16000), 0);
	assert_int_equal(sqlite3_exec(s->db, "PRAGMA cache_size = 20", NULL,
	    NULL, NULL), SQLITE_OK);
	add_record(s, c->curator, "spill");
	store_group(s, 1);
	for (i = 0; i < 100; i++) {
		snprintf(text, sizeof text, "%d %0900d", i, i);
		add_annotation(s, c->other, "spill", "comment", 1,
		    20000 + i, -1, 20000 + i, 20001 + i, text, NULL);
	}
	assert_int_equal(store_commit(s), STORE_OK);
	store_group(s, 0);
	add_annotation(s, c->curator, "spill", "comment", 2, 700000, -1,
	    700000, 700001, "one page after the spill", NULL);
	assert_int_equal(s->wal_left, 0);
	/* Another connection copies what the WAL holds: 0, not busy. */
	assert_int_equal(raw_int(t.path, "PRAGMA wal_checkpoint(PASSIVE)"),
	    0);
	crash_copy(t.path, copy, 102);
	assert_int_equal(raw_int(copy, "SELECT count(*) FROM annotations"
	    " WHERE text = 'one page after the spill'"), 1);
	store_close(s);
	crash_copy_remove(copy);
	tmpdb_remove(&t);
}

/*
 * psow=0 in a file: URI (Debian's SQLite reads URIs in any path) has
 * SQLite pad each FULL commit to a sector boundary with copies of its
 * commit frame, splitting the frame that crosses the boundary and
 * syncing between its halves.  Those writes go through at once, not
 * gathered (store_walbuf.c), and the files as a kill -9 leaves them
 * hold every commit.
 */
static void
test_walbuf_psow(void **state)
{
	struct ctx	*c = *state;
	struct tmpdb	 t;
	struct store	*s;
	const char	*errstr = NULL;
	char		 uri[192], copy[96], text[32];
	int		 i, n0;

	/* SQLite reads a URI in any path only if built to (Debian's is). */
	if (!sqlite3_compileoption_used("USE_URI")) {
		skip();
		return;
	}
	tmpdb_make(&t);
	snprintf(uri, sizeof uri, "file:%s?psow=0", t.path);
	snprintf(copy, sizeof copy, "%s/crash.db", t.dir);
	s = store_open(uri, &errstr);
	assert_non_null(s);
	add_record(s, c->curator, "psow");
	n0 = faultsys_calls(FAULTSYS_PWRITE);
	for (i = 0; i < 10; i++) {
		snprintf(text, sizeof text, "padded, %d", i);
		add_annotation(s, c->other, "psow", "comment", 1, 10000 + i,
		    -1, 10000 + i, 10001 + i, text, NULL);
	}
	/* One write a commit were it all gathered (test_walbuf). */
	assert_true(faultsys_calls(FAULTSYS_PWRITE) - n0 > 10);
	assert_int_equal(s->wal_left, 0);
	crash_copy(t.path, copy, 11);
	store_close(s);
	crash_copy_remove(copy);
	tmpdb_remove(&t);
}

/*
 * A group whose COMMIT cannot reach the disk (its fsync fails) keeps
 * none of its appends and all that was committed before it; the store
 * takes appends again at once, and a reopened database holds exactly
 * what was committed.
 */
static void
test_group_commit_fails(void **state)
{
	struct ctx	*c = *state;
	struct tmpdb	 t;
	struct store	*s;
	const char	*errstr = NULL;
	uint64_t	 gen;

	faultvfs_install();
	tmpdb_make(&t);
	s = store_open(t.path, &errstr);
	assert_non_null(s);
	store_group(s, 1);
	assert_int_equal(add_record(s, c->curator, "kept"), 1);
	assert_int_equal(store_commit(s), STORE_OK);
	gen = store_generation(s);

	add_annotation(s, c->curator, "kept", "comment", 1, 10000, -1,
	    10000, 10001, "lost with its group", NULL);
	add_annotation(s, c->other, "kept", "critique", 1, 20000, -1,
	    20000, 20001, "lost as well", NULL);
	faultvfs_fail(FAULTVFS_SYNC);
	assert_int_equal(store_commit(s), STORE_ERROR);
	faultvfs_fail(0);
	assert_int_equal(store_uncommitted(s), 0);
	assert_int_equal(store_count(s), 1);
	assert_int_equal(store_generation(s), gen);

	/* The next append takes the seq the lost group had freed. */
	assert_int_equal(add_annotation(s, c->curator, "kept", "comment", 1,
	    30000, -1, 30000, 30001, "after the failure", NULL), 2);
	assert_int_equal(store_commit(s), STORE_OK);
	recovered(s, t.path, 2);
	assert_int_equal(raw_int(t.path, "SELECT count(*) FROM annotations"
	    " WHERE text LIKE 'lost%'"), 0);
	faultvfs_remove();
	tmpdb_remove(&t);
}

/*
 * An append whose error makes SQLite roll the whole open transaction back
 * by itself (a read error) takes the group's earlier appends with it: the
 * group refuses appends until store_commit has reported the loss, and the
 * store takes appends again after it.
 */
static void
test_group_lost_midway(void **state)
{
	struct ctx		*c = *state;
	struct tmpdb		 t;
	struct store		*s;
	struct statement	*st;
	struct store_placement	 pl = { .talk = 1, .span_start = 10000,
	    .span_end = 10001 };
	const char		*errstr = NULL;
	int64_t			 seq = -1;

	faultvfs_install();
	tmpdb_make(&t);
	s = store_open(t.path, &errstr);
	assert_non_null(s);
	assert_int_equal(add_record(s, c->curator, "kept"), 1);
	store_close(s);

	/* Reopened, nothing of the annotations' tables is in its cache. */
	s = store_open(t.path, &errstr);
	assert_non_null(s);
	store_group(s, 1);
	assert_int_equal(add_record(s, c->curator, "lost"), 2);
	st = fixture_annotation(c->curator, "kept", "comment", 1, 10000, -1,
	    "read from a failing disk");
	faultvfs_fail(FAULTVFS_READ);
	assert_int_equal(append(s, c->curator, st, &pl, &seq), STORE_ERROR);
	faultvfs_fail(0);
	assert_int_equal(store_uncommitted(s), 1);
	/* Until the loss is reported, the group takes nothing more. */
	assert_int_equal(append(s, c->curator, st, &pl, &seq), STORE_ERROR);
	stmt_free(st);
	assert_int_equal(store_commit(s), STORE_ERROR);
	assert_int_equal(store_uncommitted(s), 0);
	assert_int_equal(store_count(s), 1);

	assert_int_equal(add_record(s, c->curator, "after"), 2);
	assert_int_equal(store_commit(s), STORE_OK);
	store_close(s);
	assert_int_equal(raw_int(t.path, "SELECT count(*) FROM records"
	    " WHERE rid = 'lost'"), 0);
	faultvfs_remove();
	tmpdb_remove(&t);
}

/* The citations and current reviews as they must be before and after. */
static void
expect_renormalized(struct ctx *c, const struct statement *a,
    const struct statement *b, const struct statement *late,
    const struct statement *chk, const struct statement *third)
{
	struct cites	cs;

	assert_int_equal(citations(c, "rec", 0, &cs), 5);
	expect_cite(&cs, 0, ARXIV_KEY, "arxiv", ARXIV_HREF, ARXIV_ABS,
	    "Visual Instruction Tuning", a->id);
	expect_cite(&cs, 1, ARXIV_KEY, "arxiv", ARXIV_HREF, ARXIV_PDF, NULL,
	    a->id);
	expect_cite(&cs, 2, ARXIV_KEY, "arxiv", ARXIV_HREF,
	    "arXiv:2304.08485", NULL, b->id);
	expect_cite(&cs, 3, CHI_KEY, "doi", CHI_HREF, CHI_DOI,
	    "Guidelines for Human-AI Interaction", a->id);
	expect_cite(&cs, 4, PAGE_KEY, "url", PAGE_KEY, PAGE_URL, "A page",
	    a->id);
	assert_int_equal(cs.talk[2], 2);
	/* Key order, then oldest first: the check is older than late. */
	expect_reviews(c, "rec", (const struct statement *[]){ chk, late,
	    third }, 3);
	assert_int_equal(store_cites(c->store, b->id, ARXIV_PDF), STORE_OK);
}

/*
 * Derived link data gone stale behind the store's back (as a new
 * LINK_NORM_VERSION makes it) is recomputed by store_open from the
 * posted URLs when, and only when, link_norm's version is not
 * LINK_NORM_VERSION.
 */
static void
test_links_renormalize(void **state)
{
	struct ctx		*c = *state;
	struct tmpdb		 t;
	struct statement	*a, *b, *late, *chk, *third;
	struct cites		 cs;
	struct review_rows	 r;
	char			 sql[128];

	tmpdb_make(&t);
	reopen(c, t.path);
	assert_int_equal(raw_int(t.path, "SELECT version FROM link_norm"),
	    LINK_NORM_VERSION);
	add_record(c->store, c->curator, "rec");
	a = cite_ann(c, c->other, "rec", "reading", 0, 0, four_links());
	b = cite_ann(c, key_third, "rec", "comment", 2, 0, json_pack("[{s:s}]",
	    "url", "arXiv:2304.08485"));
	review(c, c->curator, C_2026("01-01"), a->id, ARXIV_ABS, "ok", NULL);
	late = review(c, c->curator, C_2026("01-03"), b->id, ARXIV_PDF,
	    "irrelevant", NULL);
	chk = review(c, c->curator, C_2026("01-02"), a->id, ARXIV_ABS, "ok",
	    json_pack("{s:{s:i}}", "check", "status", 200));
	third = review(c, key_third, C_2026("01-04"), a->id, PAGE_URL,
	    "relevant", NULL);
	expect_renormalized(c, a, b, late, chk, third);
	store_close(c->store);
	c->store = NULL;
	/* One link_norm row, at the version this binary computes. */
	assert_int_equal(raw_int(t.path, "SELECT count(*) FROM link_norm"),
	    1);
	assert_int_equal(raw_int(t.path, "SELECT version FROM link_norm"),
	    LINK_NORM_VERSION);

	/* At the current version a damaged view is trusted as it is... */
	raw_exec(t.path, "DELETE FROM links");
	reopen(c, t.path);
	assert_int_equal(citations(c, "rec", 0, &cs), 0);
	store_close(c->store);
	c->store = NULL;

	/* ... and at another one every derived part is recomputed. */
	raw_exec(t.path, "UPDATE link_norm SET version = 0; "
	    "UPDATE link_reviews SET key = 'garbage', current = 1");
	assert_int_equal(raw_int(t.path, "SELECT count(*) FROM link_reviews "
	    "WHERE current = 1"), 4);
	reopen(c, t.path);
	expect_renormalized(c, a, b, late, chk, third);
	assert_int_equal(reviews(c, "rec", &r), 3);
	assert_string_equal(r.key[0], ARXIV_KEY);
	assert_string_equal(r.key[2], PAGE_KEY);
	store_close(c->store);
	c->store = NULL;
	assert_int_equal(raw_int(t.path, "SELECT version FROM link_norm"),
	    LINK_NORM_VERSION);
	assert_int_equal(raw_int(t.path, "SELECT count(*) FROM link_reviews "
	    "WHERE key = 'garbage'"), 0);

	/* Rows that should not be there go too: a newer version number. */
	snprintf(sql, sizeof sql, "UPDATE link_norm SET version = %d; "
	    "INSERT INTO links SELECT aseq, pos + 10, rid, 'stale', type, "
	    "href, url, title FROM links", LINK_NORM_VERSION + 1);
	raw_exec(t.path, sql);
	assert_int_equal(raw_int(t.path, "SELECT count(*) FROM links"), 10);
	reopen(c, t.path);
	expect_renormalized(c, a, b, late, chk, third);

	/* The recomputed store goes on: a review appended now is current. */
	late = review(c, c->curator, C_2026("01-09"), a->id, ARXIV_ABS,
	    "relevant", NULL);
	expect_renormalized(c, a, b, late, chk, third);
	store_close(c->store);
	c->store = NULL;
	tmpdb_remove(&t);
}

/*
 * A database at schema 4, with annotations whose links were stored
 * before migration 0005, gets its links view filled when it is opened.
 */
static void
test_links_migrate_from_4(void **state)
{
	struct ctx		*c = *state;
	struct tmpdb		 t;
	struct statement	*rec, *a, *b, *d, *e, *all[5], *rv;
	struct cites		 cs;
	struct review_rows	 r;
	sqlite3			*db;
	sqlite3_stmt		*q;
	struct buf		 lb;
	struct jcs_err		 err;
	size_t			 i;

	rec = conv_keep(fixture_record(c->curator, "rec"));
	a = conv_annotation(c->other, "rec", C_2026("01-01"), "four links",
	    json_pack("{s:s, s:o}", "kind", "reading", "links",
	    four_links()));
	b = conv_annotation(key_third, "rec", C_2026("01-02"), "one link",
	    json_pack("{s:[{s:s, s:s}]}", "links", "url", "arXiv:2304.08485",
	    "title", "LLaVA"));
	d = conv_annotation(key_third, "rec", C_2026("01-03"), "no links",
	    NULL);
	e = conv_annotation(c->other, "rec", C_2026("01-04"), "old rules",
	    json_pack("{s:[{s:s}]}", "links", "url",
	    "https://example.net/kept"));
	all[0] = rec;
	all[1] = a;
	all[2] = b;
	all[3] = d;
	all[4] = e;

	db = raw_db_at(&t, 4);
	raw_statements(db, all, NITEMS(all));
	raw_record(db, 0);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO annotations "
	    "(seq, id, rid, kind, author, created, span_start, span_end, "
	    "text, links, root) VALUES (?1, ?2, 'rec', ?3, ?4, ?5, 0, 600000, "
	    "?6, ?7, ?2)", -1, &q, NULL), SQLITE_OK);
	for (i = 1; i < NITEMS(all); i++) {
		buf_init(&lb);
		if (all[i] == e)	/* one URL older rules let through */
			buf_puts(&lb, "[{\"url\":\"ftp://example.org/old\"},"
			    "{\"url\":\"https://example.net/kept\"}]");
		else if (json_object_get(all[i]->root, "links") != NULL)
			assert_int_equal(jcs_serialize(json_object_get(
			    all[i]->root, "links"), &lb, &err), 0);
		sqlite3_bind_int64(q, 1, (int64_t)i + 1);
		sqlite3_bind_text(q, 2, all[i]->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 3,
		    stmt_kind_name(all[i]->u.annotation.kind), -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(q, 4, all[i]->author, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 5, all[i]->created_text, -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(q, 6, all[i]->u.annotation.text,
		    (int)all[i]->u.annotation.text_len, SQLITE_STATIC);
		if (lb.len > 0)
			sqlite3_bind_text(q, 7, lb.data, (int)lb.len,
			    SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(q, 7);
		assert_int_equal(sqlite3_step(q), SQLITE_DONE);
		sqlite3_reset(q);
		buf_free(&lb);
	}
	sqlite3_finalize(q);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);

	reopen(c, t.path);
	assert_int_equal(store_user_version(c->store), newest_version());
	assert_int_equal(citations(c, "rec", 0, &cs), 6);
	expect_cite(&cs, 0, ARXIV_KEY, "arxiv", ARXIV_HREF, ARXIV_ABS,
	    "Visual Instruction Tuning", a->id);
	expect_cite(&cs, 1, ARXIV_KEY, "arxiv", ARXIV_HREF, ARXIV_PDF, NULL,
	    a->id);
	expect_cite(&cs, 2, ARXIV_KEY, "arxiv", ARXIV_HREF,
	    "arXiv:2304.08485", "LLaVA", b->id);
	expect_cite(&cs, 3, CHI_KEY, "doi", CHI_HREF, CHI_DOI,
	    "Guidelines for Human-AI Interaction", a->id);
	/* The ftp link has no row; the one after it keeps its place. */
	expect_cite(&cs, 4, "https://example.net/kept", "url",
	    "https://example.net/kept", "https://example.net/kept", NULL,
	    e->id);
	expect_cite(&cs, 5, PAGE_KEY, "url", PAGE_KEY, PAGE_URL, "A page",
	    a->id);
	assert_string_equal(cs.kind[0], "reading");
	assert_string_equal(cs.kind[2], "comment");
	assert_int_equal(cs.seq[2], 3);
	assert_int_equal(raw_int(t.path, "SELECT pos FROM links WHERE url = "
	    "'https://example.net/kept'"), 1);
	assert_int_equal(store_cites(c->store, e->id,
	    "ftp://example.org/old"), STORE_NOTFOUND);
	assert_int_equal(store_cites(c->store, a->id, "arXiv:2304.08485"),
	    STORE_OK);

	/* The migrated store takes reviews and annotations like a new one. */
	rv = review(c, c->curator, NULL, b->id, ARXIV_ABS, "relevant", NULL);
	assert_int_equal(reviews(c, "rec", &r), 1);
	assert_string_equal(r.id[0], rv->id);
	assert_string_equal(r.key[0], ARXIV_KEY);
	cite_ann(c, c->curator, "rec", "comment", 3, 0, json_pack("[{s:s}]",
	    "url", CHI_HREF));
	assert_int_equal(citations(c, "rec", 3, &cs), 1);
	assert_string_equal(cs.key[0], CHI_KEY);
	store_close(c->store);
	c->store = NULL;
	assert_int_equal(raw_int(t.path, "SELECT version FROM link_norm"),
	    LINK_NORM_VERSION);
	tmpdb_remove(&t);
	(void)d;
}

/*
 * Migration 0010 sets each annotation's updated from its revisions, so in
 * an older database (at 4: rows on a plain connection need no link
 * functions before 0005) a revised old annotation leads the feed.
 */
static void
test_feed_migrate(void **state)
{
	struct ctx		*c = *state;
	struct tmpdb		 t;
	struct statement	*all[4], *old, *new;
	struct store_query	 q = query_all("rec");
	struct found		 f;
	sqlite3			*db;
	char			*sql;

	all[0] = conv_keep(fixture_record(c->curator, "rec"));
	all[1] = old = conv_annotation(c->curator, "rec", C_2026("01-01"),
	    "old", NULL);
	all[2] = new = conv_annotation(c->other, "rec", C_2026("01-02"),
	    "new", NULL);
	all[3] = conv_st(c->curator, "revision", C_2026("01-03"),
	    json_pack("{s:s, s:s}", "of", old->id, "text", "old, revised"));

	db = raw_db_at(&t, 4);
	raw_statements(db, all, NITEMS(all));
	raw_record(db, 2);
	xasprintf(&sql, "INSERT INTO annotations (seq, id, rid, kind, "
	    "author, created, span_start, span_end, text, root, revisions) "
	    "VALUES "
	    "(2, '%s', 'rec', 'comment', '%s', '%s', 0, 600000, "
	    "'old, revised', '%s', 1),"
	    "(3, '%s', 'rec', 'comment', '%s', '%s', 0, 600000, 'new', '%s', "
	    "0);"
	    "INSERT INTO revisions (seq, id, of, created) VALUES "
	    "(4, '%s', '%s', '%s');",
	    old->id, old->author, old->created_text, old->id,
	    new->id, new->author, new->created_text, new->id,
	    all[3]->id, old->id, all[3]->created_text);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	free(sql);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);

	reopen(c, t.path);
	memset(&f, 0, sizeof f);
	assert_int_equal(store_feed(c->store, &q, found_cb, &f), STORE_OK);
	assert_int_equal(f.n, 2);
	assert_string_equal(f.id[0], old->id);
	assert_string_equal(f.id[1], new->id);
	tmpdb_remove(&t);
}

/*
 * A database at 11 with a thread, an endorsement, a revision and a flag
 * in it: migration 0012 drops the annotations' own index of ids, and
 * every count, the thread, the flag list and the triggers that find an
 * annotation by its id (now through the log) still hold, before and
 * after new statements.
 */
static void
test_annotation_ids_migrate(void **state)
{
	struct ctx		*c = *state;
	struct tmpdb		 t;
	struct statement	*all[6], *a, *b, *d, *r;
	struct store_placement	 pl = WHOLE, pr = WHOLE;
	struct flagrows		 fr;
	struct found		 f;
	sqlite3			*db;
	char			*sql;
	size_t			 i;
	/* The statements whose triggers 0012 rewrote, run below. */
	static const int	 written[] = { SQL_ANNOTATION_INSERT,
	    SQL_ENDORSE_INSERT, SQL_ENDORSE_DELETE, SQL_REVISION_INSERT,
	    SQL_ANNOTATION_REVISE, SQL_ANNOTATION_RETRACT };

	expect_migration(12, "annotation_ids");
	all[0] = conv_keep(fixture_record(c->curator, "rec"));
	all[1] = a = conv_annotation(c->curator, "rec", C_2026("01-01"),
	    "a, revised", NULL);
	all[2] = b = conv_annotation(c->other, "rec", C_2026("01-02"),
	    "b replies", json_pack("{s:s}", "reply_to", a->id));
	all[3] = conv_st(c->other, "endorse", C_2026("01-03"),
	    json_pack("{s:s}", "subject", a->id));
	all[4] = conv_st(c->curator, "revision", C_2026("01-04"),
	    json_pack("{s:s, s:s}", "of", a->id, "text", "a, revised"));
	all[5] = mod_flag_st(c->curator, b->id, "spam", NULL);

	db = raw_db_at(&t, 11);
	/* 0005's triggers on annotations name the link functions. */
	assert_int_equal(store_links_functions(db), 0);
	raw_statements(db, all, NITEMS(all));
	raw_record(db, 0);
	xasprintf(&sql, "INSERT INTO annotations (seq, id, rid, kind, author, "
	    "created, span_start, span_end, text, reply_to, root, revisions, "
	    "updated) VALUES "
	    "(2, '%s', 'rec', 'comment', '%s', '%s', 0, 600000, 'a, revised', "
	    "NULL, '%s', 3, '%s'),"
	    "(3, '%s', 'rec', 'comment', '%s', '%s', 0, 600000, 'b replies', "
	    "'%s', '%s', 0, '%s');"
	    "INSERT INTO endorsements (subject, author, id) "
	    "VALUES ('%s', '%s', '%s');"
	    "INSERT INTO revisions (seq, id, of, created) "
	    "VALUES (5, '%s', '%s', '%s');"
	    "INSERT INTO flags (subject, author, id, seq, reason) "
	    "VALUES ('%s', '%s', '%s', 6, 'spam');",
	    a->id, a->author, a->created_text, a->id, a->created_text,
	    b->id, b->author, b->created_text, a->id, a->id, b->created_text,
	    a->id, all[3]->author, all[3]->id,
	    all[4]->id, a->id, all[4]->created_text,
	    b->id, all[5]->author, all[5]->id);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	free(sql);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);

	reopen(c, t.path);
	assert_int_equal(store_user_version(c->store), newest_version());
	assert_int_equal(raw_int(t.path, "SELECT count(*) FROM "
	    "pragma_index_list('annotations') WHERE \"unique\""), 0);
	assert_int_equal(raw_int(t.path, "SELECT count(*) FROM "
	    "pragma_foreign_key_list('revisions') WHERE \"table\" = "
	    "'statements' AND \"from\" = 'of'"), 1);
	assert_int_equal(raw_int(t.path, "SELECT count(*) FROM "
	    "pragma_foreign_key_list('endorsements') WHERE \"table\" = "
	    "'statements' AND \"from\" = 'subject'"), 1);
	assert_int_equal(raw_int(t.path, "SELECT count(*) FROM "
	    "pragma_foreign_key_list('flags') WHERE \"table\" = "
	    "'statements' AND \"from\" = 'subject'"), 1);
	assert_int_equal(raw_int(t.path, "SELECT count(*) FROM "
	    "pragma_foreign_key_check"), 0);
	intact(t.path);

	/* Foreign keys are enforced again once the migrations are done. */
	assert_int_equal(db_int(c->store->db, "PRAGMA foreign_keys"), 1);

	/* What 0011's triggers kept, kept, each column in its place. */
	assert_int_equal(get_one(c, a->id).replies, 1);
	assert_int_equal(get_one(c, a->id).endorsements, 1);
	assert_int_equal(get_one(c, a->id).revisions, 3);
	assert_string_equal(get_one(c, a->id).text, "a, revised");
	assert_string_equal(get_one(c, b->id).root, a->id);
	assert_string_equal(get_one(c, b->id).reply_to, a->id);
	assert_int_equal(thread(c, a->id, 10, &f), 2);
	assert_string_equal(f.id[1], b->id);
	memset(&fr, 0, sizeof fr);
	assert_int_equal(store_flags(c->store, 0, 10, flagrows_cb, &fr),
	    STORE_OK);
	assert_int_equal(fr.n, 1);
	assert_string_equal(fr.subject[0], b->id);
	assert_string_equal(fr.status[0], "visible");

	/* 0012's triggers find the annotation through the log. */
	d = conv_annotation(key_third, "rec", C_2026("01-05"), "d replies",
	    json_pack("{s:s}", "reply_to", a->id));
	must_append(c, key_third, d, &pl);
	assert_int_equal(get_one(c, a->id).replies, 2);
	assert_string_equal(get_one(c, d->id).root, a->id);
	must_append(c, key_third, conv_st(key_third, "endorse",
	    C_2026("01-06"), json_pack("{s:s}", "subject", a->id)), NULL);
	assert_int_equal(get_one(c, a->id).endorsements, 2);
	must_append(c, c->other, conv_st(c->other, "unendorse",
	    C_2026("01-07"), json_pack("{s:s}", "subject", a->id)), NULL);
	assert_int_equal(get_one(c, a->id).endorsements, 1);
	r = conv_st(c->curator, "revision", C_2026("01-08"), json_pack(
	    "{s:s, s:s}", "of", a->id, "text", "a, again"));
	pr.text = r->u.annotation.text;
	pr.text_len = r->u.annotation.text_len;
	must_append(c, c->curator, r, &pr);
	assert_int_equal(get_one(c, a->id).revisions, 4);
	assert_string_equal(get_one(c, a->id).text, "a, again");
	/* A retracted reply leaves its parent's count (annotations_unshown). */
	must_append(c, key_third, conv_st(key_third, "retraction",
	    C_2026("01-09"), json_pack("{s:s}", "of", d->id)), NULL);
	assert_int_equal(get_one(c, a->id).replies, 1);

	/* Nor do they walk the table (trigger programs count here too). */
	for (i = 0; i < NITEMS(written); i++)
		if (sqlite3_stmt_status(c->store->stmts[written[i]],
		    SQLITE_STMTSTATUS_FULLSCAN_STEP, 0) != 0)
			fail_msg("statement %d walked a table", written[i]);
	tmpdb_remove(&t);
}

/*
 * A database at 12 with annotations by two keys: migration 0013 numbers
 * each by its author's first statement, and an author's list, count and
 * ban find them, and the annotations that come after, by that number.
 */
static void
test_author_numbers_migrate(void **state)
{
	struct ctx		*c = *state;
	struct tmpdb		 t;
	struct statement	*all[3], *a, *b, *d;
	struct store_placement	 pl = WHOLE;
	struct queued		 q;
	sqlite3			*db;
	char			*sql;

	expect_migration(13, "author_numbers");
	all[0] = conv_keep(fixture_record(c->curator, "rec"));
	all[1] = a = conv_annotation(c->other, "rec", C_2026("01-01"),
	    "by the other", NULL);
	all[2] = b = conv_annotation(c->curator, "rec", C_2026("01-02"),
	    "by the curator", NULL);

	/* 0012 rebuilds annotations, whose triggers name the link functions. */
	db = raw_db_at(&t, 11);
	assert_int_equal(store_links_functions(db), 0);
	raw_migrate(db, 11, 12);
	raw_statements(db, all, NITEMS(all));
	raw_record(db, 2);
	xasprintf(&sql, "INSERT INTO annotations (seq, id, rid, kind, author, "
	    "created, span_start, span_end, text, root, updated) VALUES "
	    "(2, '%s', 'rec', 'comment', '%s', '%s', 0, 600000, "
	    "'by the other', '%s', '%s'),"
	    "(3, '%s', 'rec', 'comment', '%s', '%s', 0, 600000, "
	    "'by the curator', '%s', '%s');",
	    a->id, a->author, a->created_text, a->id, a->created_text,
	    b->id, b->author, b->created_text, b->id, b->created_text);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	free(sql);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);

	reopen(c, t.path);
	assert_int_equal(store_user_version(c->store), newest_version());
	/* The curator's first statement is the record (1), the other's 2. */
	assert_int_equal(raw_int(t.path, "SELECT author_no FROM annotations "
	    "WHERE seq = 2"), 2);
	assert_int_equal(raw_int(t.path, "SELECT author_no FROM annotations "
	    "WHERE seq = 3"), 1);
	assert_int_equal(mine(c, c->other->pubkey, 0, 100, &q), 1);
	assert_string_equal(q.id[0], a->id);
	assert_int_equal(get_key(c, c->curator->pubkey).annotations, 1);

	d = conv_annotation(c->other, "rec", C_2026("01-03"), "after", NULL);
	must_append(c, c->other, d, &pl);
	assert_int_equal(mine(c, c->other->pubkey, 0, 100, &q), 2);
	assert_string_equal(q.id[1], d->id);
	assert_int_equal(get_key(c, c->other->pubkey).annotations, 2);
	mod_decide(c, c->curator, "ban", c->other->pubkey, 0, "x");
	assert_string_equal(get_one(c, a->id).status, "hidden");
	assert_string_equal(get_one(c, d->id).status, "hidden");
	assert_string_equal(get_one(c, b->id).status, "visible");
	tmpdb_remove(&t);
}

/*
 * Migration 0015: a database kept from before d4f7c0d holds flagged = 0
 * where a moderator showed an annotation again after a hide or a reject;
 * the migration marks it as glossd now would (-1), and leaves those no
 * decision showed again.  The state is made by decisions, then the old
 * rule's 0 is written back and the database set to 14.
 */
static void
test_shown_again_migrate(void **state)
{
	struct ctx		*c = *state;
	struct tmpdb		 t;
	struct statement	*ann[5];
	struct store_placement	 pl = WHOLE;
	char			 sql[160];
	size_t			 i;
	static const int64_t	 want[] = { -1, -1, -1, 0, 0 };

	expect_migration(15, "shown_again");
	tmpdb_make(&t);
	reopen(c, t.path);
	must_append(c, c->curator, conv_keep(fixture_record(c->curator,
	    "rec")), NULL);
	for (i = 0; i < NITEMS(ann); i++) {
		snprintf(sql, sizeof sql, "annotation %zu", i);
		ann[i] = conv_annotation(c->other, "rec", C_2026("01-01"),
		    sql, NULL);
		pl.pending = i == 3;
		must_append(c, c->other, ann[i], &pl);
	}
	/* 0: rejected, then restored; 1: hidden, then approved. */
	mod_decide(c, c->curator, "reject", ann[0]->id, 0, "x");
	mod_decide(c, c->curator, "restore", ann[0]->id, 0, NULL);
	mod_decide(c, c->curator, "hide", ann[1]->id, 0, "x");
	mod_decide(c, c->curator, "approve", ann[1]->id, 0, NULL);
	/* 2: hidden, restored, hidden, restored again. */
	mod_decide(c, c->curator, "hide", ann[2]->id, 0, "x");
	mod_decide(c, c->curator, "restore", ann[2]->id, 0, NULL);
	mod_decide(c, c->curator, "hide", ann[2]->id, 0, "x");
	mod_decide(c, c->curator, "restore", ann[2]->id, 0, NULL);
	/* 3: a first post, approved; 4: never decided on. */
	mod_decide(c, c->curator, "approve", ann[3]->id, 0, NULL);
	for (i = 0; i < NITEMS(ann); i++)
		assert_string_equal(get_one(c, ann[i]->id).status, "visible");
	store_close(c->store);
	c->store = NULL;
	raw_exec(t.path, "UPDATE annotations SET flagged = 0; "
	    "PRAGMA user_version = 14");

	reopen(c, t.path);
	assert_int_equal(store_user_version(c->store), newest_version());
	for (i = 0; i < NITEMS(ann); i++) {
		snprintf(sql, sizeof sql, "SELECT flagged FROM annotations "
		    "WHERE id = '%s'", ann[i]->id);
		if (raw_int(t.path, sql) != want[i])
			fail_msg("annotation %zu: flagged %lld, wanted %lld",
			    i, (long long)raw_int(t.path, sql),
			    (long long)want[i]);
	}
	tmpdb_remove(&t);
}

/*
 * A migration that leaves a row whose foreign key names nothing is not
 * committed: at 11, a flag on no statement (a plain connection enforces
 * no keys) stops 0012, and the database stays at 11.
 */
static void
test_migration_fk_checked(void **state)
{
	struct ctx		*c = *state;
	struct tmpdb		 t;
	struct statement	*all[2];
	sqlite3			*db;
	const char		*errstr = NULL;
	char			*sql;

	all[0] = conv_keep(fixture_record(c->curator, "rec"));
	all[1] = mod_flag_st(c->curator, NO_ID, "spam", NULL);
	db = raw_db_at(&t, 11);
	raw_statements(db, all, NITEMS(all));
	raw_record(db, 0);
	xasprintf(&sql, "INSERT INTO flags (subject, author, id, seq, reason) "
	    "VALUES ('%s', '%s', '%s', 2, 'spam');", NO_ID, all[1]->author,
	    all[1]->id);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	free(sql);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);

	assert_null(store_open(t.path, &errstr));
	assert_non_null(strstr(errstr, "0012_annotation_ids: a row of flags "
	    "names no row of statements"));
	assert_int_equal(header_user_version(t.path), 11);
	tmpdb_remove(&t);
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
		cmocka_unit_test_setup_teardown(test_group_commit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_walbuf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walbuf_spill, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_walbuf_psow, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_walbuf_left, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_group_commit_fails, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_group_lost_midway, setup,
		    teardown),
		cmocka_unit_test(test_ckpt_steps),
		cmocka_unit_test_setup_teardown(test_syncer, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_syncer_fails, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_disk_failed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_checkpointer, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_checkpointer_paced, setup,
		    teardown),
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
		cmocka_unit_test_setup_teardown(test_talk_listing_ranges, setup,
		    teardown),
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
		cmocka_unit_test_setup_teardown(test_conv_schema, setup,
		    teardown_conv),
		cmocka_unit_test_setup_teardown(test_conv_migrate_from_1, setup,
		    teardown_conv),
		cmocka_unit_test_setup_teardown(test_conv_revision_state, setup,
		    teardown_conv),
		cmocka_unit_test_setup_teardown(test_conv_revisions_order,
		    setup, teardown_conv),
		cmocka_unit_test_setup_teardown(test_conv_retraction, setup,
		    teardown_conv),
		cmocka_unit_test_setup_teardown(test_conv_endorsements, setup,
		    teardown_conv),
		cmocka_unit_test_setup_teardown(test_conv_profiles, setup,
		    teardown_conv),
		cmocka_unit_test_setup_teardown(test_conv_keys, setup,
		    teardown_conv),
		cmocka_unit_test_setup_teardown(test_conv_thread, setup,
		    teardown_conv),
		cmocka_unit_test_setup_teardown(test_conv_search, setup,
		    teardown_conv),
		cmocka_unit_test_setup_teardown(test_search_batches, setup,
		    teardown_mod),
		cmocka_unit_test_setup_teardown(test_search_merge, setup,
		    teardown_mod),
		cmocka_unit_test_setup_teardown(test_deadline, setup,
		    teardown_mod),
		cmocka_unit_test_setup_teardown(test_mod_schema, setup,
		    teardown_mod),
		cmocka_unit_test(test_index_migrations_schema),
		cmocka_unit_test_setup_teardown(test_plans_scan_nothing, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_mod_counters, setup,
		    teardown_mod),
		cmocka_unit_test_setup_teardown(test_mod_ban, setup,
		    teardown_mod),
		cmocka_unit_test_setup_teardown(test_mod_approve_trust, setup,
		    teardown_mod),
		cmocka_unit_test_setup_teardown(test_mod_flags, setup,
		    teardown_mod),
		cmocka_unit_test_setup_teardown(test_mod_decisions, setup,
		    teardown_mod),
		cmocka_unit_test_setup_teardown(test_mod_locks, setup,
		    teardown_mod),
		cmocka_unit_test_setup_teardown(test_mod_mine, setup,
		    teardown_mod),
		cmocka_unit_test_setup_teardown(test_mod_author_numbers, setup,
		    teardown_mod),
		cmocka_unit_test_setup_teardown(test_links_citations, setup,
		    teardown_conv),
		cmocka_unit_test_setup_teardown(test_links_cites, setup,
		    teardown_conv),
		cmocka_unit_test_setup_teardown(test_links_reviews_current,
		    setup, teardown_conv),
		cmocka_unit_test_setup_teardown(test_links_review_unknown,
		    setup, teardown_conv),
		cmocka_unit_test_setup_teardown(test_links_renormalize, setup,
		    teardown_conv),
		cmocka_unit_test_setup_teardown(test_links_migrate_from_4,
		    setup, teardown_conv),
		cmocka_unit_test_setup_teardown(test_feed_migrate, setup,
		    teardown_conv),
		cmocka_unit_test_setup_teardown(test_annotation_ids_migrate,
		    setup, teardown_mod),
		cmocka_unit_test_setup_teardown(test_shown_again_migrate,
		    setup, teardown_conv),
		cmocka_unit_test_setup_teardown(test_author_numbers_migrate,
		    setup, teardown_mod),
		cmocka_unit_test_setup_teardown(test_migration_fk_checked,
		    setup, teardown_mod),
	};

	return cmocka_run_group_tests_name("store", tests, fixture_group_setup,
	    fixture_group_teardown);
}
