/*
 * test_api.c: unit tests for the handlers in daemon/api_*.c.
 *
 * The handlers are where DESIGN.md's promises are kept or broken: a
 * statement is stored only after strict JSON, the wire shape, the
 * statement's rules, both signatures, the trusted comment, the clock and
 * the record all pass, and every refusal has its documented status and
 * code.  So each request here goes through http_dispatch exactly as
 * http.c sends it, into a real struct glossd with a ":memory:" store built
 * by the real migrations, with statements signed by real keys (fixtures.c);
 * every refusal is checked for its status, its code, the one error shape,
 * and for having stored nothing.  Everything a test allocates is tracked in
 * its context and freed by the teardown, so a failing assertion does not
 * turn into a leak report as well.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "glossd.h"
#include "ratelimit.h"
#include "fixtures.h"

#define T0		((time_t)1790000000)	/* a fixed created time */
#define NANN		5

struct ctx {
	struct glossd		  gd;

	/* The request in flight and its answer, cleared by the next call. */
	struct http_request	  req;
	struct http_response	  resp;
	char			 *path;
	char			 *target;	/* path?query, for messages */
	int			  active;

	/* Whatever a test made, freed by teardown. */
	struct statement	**sts;
	size_t			  nsts;
	void			**mems;
	size_t			  nmems;
	json_t			**jsons;
	size_t			  njsons;

	struct statement	 *record;	/* "rec", posted by setup */
	const char		 *record_sig;	/* its minisig */
	struct statement	 *ann[NANN];	/* posted by seed() */
};

static struct statement *
keep_st(struct ctx *c, struct statement *st)
{
	c->sts = xreallocarray(c->sts, c->nsts + 1, sizeof *c->sts);
	c->sts[c->nsts++] = st;
	return st;
}

static void *
keep_mem(struct ctx *c, void *p)
{
	c->mems = xreallocarray(c->mems, c->nmems + 1, sizeof *c->mems);
	c->mems[c->nmems++] = p;
	return p;
}

static json_t *
keep_json(struct ctx *c, json_t *j)
{
	c->jsons = xreallocarray(c->jsons, c->njsons + 1, sizeof *c->jsons);
	c->jsons[c->njsons++] = j;
	return j;
}

static void
call_clear(struct ctx *c)
{
	if (!c->active)
		return;
	http_request_clear(&c->req);
	http_response_clear(&c->resp);
	free(c->path);
	free(c->target);
	c->path = c->target = NULL;
	c->active = 0;
}

/*
 * Run one request through http_dispatch as http.c would: target is the
 * path with an optional "?query", text[0..len) the body.  The answer stays
 * in c->resp until the next request.
 */
static void
request(struct ctx *c, enum http_method method, const char *target,
    const char *text, size_t len, time_t now)
{
	const char	*q;

	call_clear(c);
	memset(&c->req, 0, sizeof c->req);
	http_response_init(&c->resp);
	c->active = 1;
	c->target = xstrdup(target);
	if ((q = strchr(target, '?')) != NULL)
		c->path = xstrndup(target, q - target);
	else
		c->path = xstrdup(target);
	c->req.method = method;
	c->req.path = c->path;
	c->req.body = text != NULL ? text : "";
	c->req.body_len = len;
	c->req.now = now;
	if (q != NULL && http_parse_query(q + 1, &c->req) == -1)
		fail_msg("the query of %s does not parse", target);
	http_dispatch(&c->gd, &c->req, &c->resp);
}

static void
get(struct ctx *c, const char *target)
{
	request(c, HTTP_GET, target, NULL, 0, time(NULL));
}

/* GET with a printf-built target. */
static void GLOSS_PRINTF(2, 3)
getf(struct ctx *c, const char *fmt, ...)
{
	va_list	 ap;
	char	*target;

	va_start(ap, fmt);
	if (vasprintf(&target, fmt, ap) == -1)
		fail_msg("out of memory");
	va_end(ap);
	keep_mem(c, target);
	get(c, target);
}

static const char *
body(struct ctx *c)
{
	return c->resp.body.data != NULL ? c->resp.body.data : "";
}

static void
check_status(struct ctx *c, int status)
{
	if (c->resp.status != status)
		fail_msg("%s: status %d, wanted %d; body: %s", c->target,
		    c->resp.status, status, body(c));
}

/* The response body as JSON (freed by teardown). */
static json_t *
body_json(struct ctx *c)
{
	json_t		*j;
	json_error_t	 err;

	j = json_loadb(body(c), c->resp.body.len, 0, &err);
	if (j == NULL)
		fail_msg("%s: body is not JSON (%s): %s", c->target, err.text,
		    body(c));
	return keep_json(c, j);
}

/* The answer must be the one error shape with status and code. */
static void
check_error(struct ctx *c, int status, const char *code)
{
	json_t	*j, *e;

	check_status(c, status);
	j = body_json(c);
	e = json_object_get(j, "error");
	if (!json_is_object(j) || json_object_size(j) != 1 ||
	    !json_is_object(e) || json_object_size(e) != 2 ||
	    !json_is_string(json_object_get(e, "message")) ||
	    !json_is_string(json_object_get(e, "code")))
		fail_msg("%s: not the error shape: %s", c->target, body(c));
	if (strcmp(json_string_value(json_object_get(e, "code")), code) != 0)
		fail_msg("%s: code %s, wanted %s: %s", c->target,
		    json_string_value(json_object_get(e, "code")), code,
		    body(c));
	assert_string_equal(c->resp.content_type,
	    "application/json; charset=utf-8");
	assert_string_equal(c->resp.location, "");
}

/* The wire form {"statement":S,"minisig":"..."} (freed by teardown). */
static char *
wire(struct ctx *c, const char *stmt, size_t len, const char *minisig)
{
	struct buf	b;

	buf_init(&b);
	buf_puts(&b, "{\"statement\":");
	buf_add(&b, stmt, len);
	buf_puts(&b, ",\"minisig\":");
	jcs_write_string(&b, minisig, strlen(minisig));
	buf_putc(&b, '}');
	return keep_mem(c, buf_take(&b));
}

/* POST body (a C string) at now. */
static void
post(struct ctx *c, const char *text, time_t now)
{
	request(c, HTTP_POST, "/v1/statements", text, strlen(text), now);
}

/* POST st with sig (a minisig text) at now. */
static void
post_sig(struct ctx *c, const struct statement *st, const char *sig,
    time_t now)
{
	post(c, wire(c, st->canonical, st->canonical_len, sig), now);
}

/* POST st signed by k at now. */
static void
post_st(struct ctx *c, const struct fixture_key *k,
    const struct statement *st, time_t now)
{
	post_sig(c, st, keep_mem(c, fixture_sign(k, st)), now);
}

/*
 * POST text at now; it must be refused with status and code and leave the
 * log as it was.
 */
static void
refused(struct ctx *c, const char *text, time_t now, int status,
    const char *code)
{
	int64_t	before = store_count(c->gd.store);

	post(c, text, now);
	check_error(c, status, code);
	assert_int_equal(store_count(c->gd.store), before);
}

/* POST st signed by k now; it must be refused (see refused()). */
static void
refused_st(struct ctx *c, const struct fixture_key *k,
    const struct statement *st, int status, const char *code)
{
	refused(c, wire(c, st->canonical, st->canonical_len,
	    keep_mem(c, fixture_sign(k, st))), time(NULL), status, code);
}

/*
 * Check the answer to a POST accepting st with status (201 or 200):
 * Location and the body's id, type and url.  Returns the body's seq.
 */
static int64_t
check_accepted(struct ctx *c, const struct statement *st, int status)
{
	json_t	*j;
	char	 url[128];

	check_status(c, status);
	snprintf(url, sizeof url, "/v1/statements/%s", st->id);
	assert_string_equal(c->resp.location, url);
	j = body_json(c);
	assert_string_equal(json_string_value(json_object_get(j, "id")),
	    st->id);
	assert_string_equal(json_string_value(json_object_get(j, "type")),
	    stmt_type_name(st->type));
	assert_string_equal(json_string_value(json_object_get(j, "url")),
	    url);
	assert_true(json_is_integer(json_object_get(j, "seq")));
	return json_integer_value(json_object_get(j, "seq"));
}

/* POST st signed by k at now; it must be stored (201).  Returns seq. */
static int64_t
accepted_at(struct ctx *c, const struct fixture_key *k,
    const struct statement *st, time_t now)
{
	int64_t	before = store_count(c->gd.store), seq;

	post_st(c, k, st, now);
	seq = check_accepted(c, st, 201);
	assert_int_equal(store_count(c->gd.store), before + 1);
	assert_int_equal(seq, before + 1);
	return seq;
}

static int64_t
accepted(struct ctx *c, const struct fixture_key *k,
    const struct statement *st)
{
	return accepted_at(c, k, st, time(NULL));
}

/*
 * st with member set to value (removed when value is NULL), run through
 * stmt_from_json without limits as the client does.
 */
static struct statement *
rebuild(struct ctx *c, const struct statement *st, const char *member,
    json_t *value)
{
	struct statement	*out;
	json_t			*root = json_deep_copy(st->root);
	const char		*code = NULL;
	char			*message = NULL, text[256];

	if (value == NULL)
		json_object_del(root, member);
	else
		json_object_set_new(root, member, value);
	if ((out = stmt_from_json(root, NULL, &code, &message)) == NULL) {
		snprintf(text, sizeof text, "%s: %s", code, message);
		free(message);
		fail_msg("rebuild refused: %s", text);
	}
	return keep_st(c, out);
}

/* s with its only occurrence of from replaced by to (freed by teardown). */
static char *
replace(struct ctx *c, const char *s, const char *from, const char *to)
{
	const char	*at = strstr(s, from);
	char		*out;

	if (at == NULL || strstr(at + 1, from) != NULL)
		fail_msg("\"%s\" is not in \"%s\" exactly once", from, s);
	xasprintf(&out, "%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
	return keep_mem(c, out);
}

/* s with '+', '/' and '=' percent-escaped for a query value. */
static char *
escape(struct ctx *c, const char *s)
{
	struct buf	b;

	buf_init(&b);
	for (; *s != '\0'; s++) {
		if (*s == '+' || *s == '/' || *s == '=' || *s == '&')
			buf_printf(&b, "%%%02X", (unsigned char)*s);
		else
			buf_putc(&b, *s);
	}
	return keep_mem(c, buf_take(&b));
}

/* Add k to the configured key list ks (config_clear frees it). */
static void
keys_add(struct config_keys *ks, const struct fixture_key *k)
{
	ks->keys = xreallocarray(ks->keys, ks->n + 1, sizeof *ks->keys);
	ks->keys[ks->n++] = k->pk;
}

static int
setup_empty(void **state)
{
	struct ctx	*c;
	const char	*errstr;

	c = xcalloc(1, sizeof *c);
	config_defaults(&c->gd.cfg);
	keys_add(&c->gd.cfg.curators, key_curator);
	if ((c->gd.store = store_open(":memory:", &errstr)) == NULL) {
		fprintf(stderr, "store_open: %s\n", errstr);
		config_clear(&c->gd.cfg);
		free(c);
		return -1;
	}
	c->gd.started = time(NULL) - 42;
	*state = c;
	return 0;
}

static int
teardown(void **state)
{
	struct ctx	*c = *state;
	size_t		 i;

	call_clear(c);
	for (i = 0; i < c->nsts; i++)
		stmt_free(c->sts[i]);
	for (i = 0; i < c->nmems; i++)
		free(c->mems[i]);
	for (i = 0; i < c->njsons; i++)
		json_decref(c->jsons[i]);
	free(c->sts);
	free(c->mems);
	free(c->jsons);
	store_close(c->gd.store);
	config_clear(&c->gd.cfg);
	free(c);
	return 0;
}

/* An empty store plus record "rec" by the curator (three talks). */
static int
setup(void **state)
{
	struct ctx	*c;
	const char	*sig = NULL, *text;
	int		 rc = -1;

	if (setup_empty(state) == -1)
		return -1;
	c = *state;
	c->record = keep_st(c, fixture_record(key_curator, "rec"));
	sig = keep_mem(c, fixture_sign(key_curator, c->record));
	c->record_sig = sig;
	text = wire(c, c->record->canonical, c->record->canonical_len, sig);
	post(c, text, time(NULL));
	if (c->resp.status == 201)
		rc = 0;
	else
		fprintf(stderr, "setup: record refused: %s\n", body(c));
	call_clear(c);
	if (rc == -1)
		teardown(state);
	return rc;
}

/*
 * Five annotations on "rec", posted in this order (seq 2..6):
 * a1 comment on talk 1, [0, 60000)
 * a2 critique at 1:30, derived talk 2, [90000, 90001)
 * a3 reading on talk 3 at 400000-500000
 * a4 comment on the whole record by the third key, [0, 600000)
 * a5 comment at 30000-70000, derived talk 1
 * so the listing order (span_start, seq) is a1 a4 a5 a2 a3.
 */
static void
seed(struct ctx *c)
{
	size_t	i;

	c->ann[0] = fixture_annotation(key_other, "rec", "comment", 1, -1,
	    -1, "a1 on talk one");
	c->ann[1] = fixture_annotation(key_other, "rec", "critique", 0,
	    90000, -1, "a2 at a point");
	c->ann[2] = fixture_annotation(key_other, "rec", "reading", 3,
	    400000, 500000, "a3 some reading");
	c->ann[3] = fixture_annotation(key_third, "rec", "comment", 0, -1,
	    -1, "a4 on the whole record");
	c->ann[4] = fixture_annotation(key_other, "rec", "comment", 0,
	    30000, 70000, "a5 across two talks");
	for (i = 0; i < NANN; i++)
		keep_st(c, c->ann[i]);
	for (i = 0; i < NANN; i++)
		accepted(c, i == 3 ? key_third : key_other, c->ann[i]);
}

/*
 * The listing in c->resp must hold exactly the annotations want[0..n)
 * (indexes into c->ann), in order.  Returns "next" (NULL when null).
 */
static const char *
check_listing(struct ctx *c, const int *want, size_t n)
{
	json_t		*j, *list, *next;
	const char	*id;
	size_t		 i;

	check_status(c, 200);
	j = body_json(c);
	assert_string_equal(json_string_value(json_object_get(j, "record")),
	    "rec");
	list = json_object_get(j, "annotations");
	assert_true(json_is_array(list));
	if (json_array_size(list) != n)
		fail_msg("%s: %zu annotations, wanted %zu: %s", c->target,
		    json_array_size(list), n, body(c));
	for (i = 0; i < n; i++) {
		id = json_string_value(json_object_get(json_array_get(list,
		    i), "id"));
		assert_non_null(id);
		if (strcmp(id, c->ann[want[i]]->id) != 0)
			fail_msg("%s: item %zu is not a%d: %s", c->target, i,
			    want[i] + 1, body(c));
	}
	next = json_object_get(j, "next");
	if (json_is_null(next))
		return NULL;
	assert_true(json_is_string(next));
	return json_string_value(next);
}

/* GET target and check the listing (see check_listing). */
#define LISTING(c, target, ...) do {					\
	static const int want_[] = { __VA_ARGS__ };			\
	get((c), (target));						\
	check_listing((c), want_, sizeof want_ / sizeof want_[0]);	\
} while (0)

static void
check_empty_listing(struct ctx *c, const char *target)
{
	get(c, target);
	assert_null(check_listing(c, NULL, 0));
}

static void
test_record_by_curator(void **state)
{
	struct ctx		*c = *state;
	struct statement	*st;
	int64_t			 seq;

	st = keep_st(c, fixture_record(key_curator, "talks-2026"));
	seq = accepted(c, key_curator, st);
	assert_int_equal(seq, 1);
	assert_int_equal(store_count(c->gd.store), 1);
}

static void
test_record_idempotent(void **state)
{
	struct ctx		*c = *state;
	struct statement	*st;
	const char		*text;
	int64_t			 seq;

	st = keep_st(c, fixture_record(key_curator, "again"));
	text = wire(c, st->canonical, st->canonical_len,
	    keep_mem(c, fixture_sign(key_curator, st)));
	post(c, text, time(NULL));
	seq = check_accepted(c, st, 201);
	assert_int_equal(store_count(c->gd.store), 1);

	/* The same body again: 200, the same id and seq, nothing added. */
	post(c, text, time(NULL));
	assert_int_equal(check_accepted(c, st, 200), seq);
	assert_int_equal(store_count(c->gd.store), 1);

	/* Even once its created time has left the clock window. */
	post(c, text, time(NULL) + 86400);
	assert_int_equal(check_accepted(c, st, 200), seq);
	assert_int_equal(store_count(c->gd.store), 1);
}

static void
test_record_not_curator(void **state)
{
	struct ctx		*c = *state;
	struct statement	*st;

	st = keep_st(c, fixture_record(key_other, "mine"));
	refused_st(c, key_other, st, 403, "not_curator");
	assert_int_equal(store_count(c->gd.store), 0);
	get(c, "/v1/records/mine");
	check_error(c, 404, "unknown_record");
}

static void
test_record_exists(void **state)
{
	struct ctx		*c = *state;
	struct statement	*st;

	/* Another statement for a rid that is taken. */
	st = rebuild(c, c->record, "title", json_string("Another title"));
	refused_st(c, key_curator, st, 409, "record_exists");
}

static void
test_annotation_created(void **state)
{
	struct ctx		*c = *state;
	struct statement	*st;
	json_t			*j;

	st = keep_st(c, fixture_annotation(key_other, "rec", "comment", 2,
	    90000, 95000, "a fine point"));
	assert_int_equal(accepted(c, key_other, st), 2);

	get(c, "/v1/records/rec");
	check_status(c, 200);
	j = body_json(c);
	assert_int_equal(json_integer_value(json_object_get(j,
	    "annotations")), 1);
}

static void
test_get_statement(void **state)
{
	struct ctx		*c = *state;
	struct statement	*st;
	const char		*sig;
	json_t			*j, *inner;
	json_error_t		 err;
	char			 received[21];
	time_t			 now = time(NULL);

	st = keep_st(c, fixture_annotation(key_other, "rec", "critique", 0,
	    1000, -1, "caf\xc3\xa9 \"quoted\"\nsecond line"));
	sig = keep_mem(c, fixture_sign(key_other, st));
	post_sig(c, st, sig, now);
	check_accepted(c, st, 201);
	timefmt_rfc3339(now, received);

	getf(c, "/v1/statements/%s", st->id);
	check_status(c, 200);
	assert_string_equal(c->resp.content_type,
	    "application/json; charset=utf-8");
	j = body_json(c);
	assert_string_equal(json_string_value(json_object_get(j, "id")),
	    st->id);
	assert_int_equal(json_integer_value(json_object_get(j, "seq")), 2);
	assert_string_equal(json_string_value(json_object_get(j, "type")),
	    "annotation");
	assert_string_equal(json_string_value(json_object_get(j, "author")),
	    key_other->pubkey);
	assert_string_equal(json_string_value(json_object_get(j,
	    "received")), received);
	assert_string_equal(json_string_value(json_object_get(j, "status")),
	    "accepted");
	assert_string_equal(json_string_value(json_object_get(j, "minisig")),
	    sig);
	inner = json_object_get(j, "statement");
	assert_true(json_is_object(inner));
	assert_true(json_equal(inner, st->root));
	/* The statement is embedded as S itself, not re-serialized. */
	assert_non_null(strstr(body(c), st->canonical));

	/* .json is exactly S. */
	getf(c, "/v1/statements/%s.json", st->id);
	check_status(c, 200);
	assert_int_equal(c->resp.body.len, st->canonical_len);
	assert_memory_equal(c->resp.body.data, st->canonical,
	    st->canonical_len);
	j = keep_json(c, json_loadb(body(c), c->resp.body.len, 0, &err));
	assert_non_null(j);

	/* .minisig is the minisig text, verbatim. */
	getf(c, "/v1/statements/%s.minisig", st->id);
	check_status(c, 200);
	assert_string_equal(c->resp.content_type, "text/plain; charset=utf-8");
	assert_int_equal(c->resp.body.len, strlen(sig));
	assert_string_equal(body(c), sig);

	/* HEAD is served like GET. */
	request(c, HTTP_HEAD, replace(c, "/v1/statements/ID", "ID", st->id),
	    NULL, 0, now);
	check_status(c, 200);
}

static void
test_get_statement_not_found(void **state)
{
	struct ctx	*c = *state;
	char		 upper[GLOSS_ID_LEN + 1];
	size_t		 i;

	/* A well-formed id nobody stored. */
	getf(c, "/v1/statements/%064d", 0);
	check_error(c, 404, "not_found");
	getf(c, "/v1/statements/%064d.json", 7);
	check_error(c, 404, "not_found");
	getf(c, "/v1/statements/%064d.minisig", 7);
	check_error(c, 404, "not_found");

	/* Ids that are not ids, including the stored one misspelt. */
	get(c, "/v1/statements/xyz");
	check_error(c, 404, "not_found");
	getf(c, "/v1/statements/%.63s", c->record->id);
	check_error(c, 404, "not_found");
	getf(c, "/v1/statements/%sa", c->record->id);
	check_error(c, 404, "not_found");
	getf(c, "/v1/statements/%s.txt", c->record->id);
	check_error(c, 404, "not_found");
	getf(c, "/v1/statements/%s.json.json", c->record->id);
	check_error(c, 404, "not_found");
	getf(c, "/v1/statements/%s.", c->record->id);
	check_error(c, 404, "not_found");
	getf(c, "/v1/statements/%.63sg", c->record->id);
	check_error(c, 404, "not_found");
	for (i = 0; i < GLOSS_ID_LEN; i++)
		upper[i] = c->record->id[i] >= 'a' && c->record->id[i] <= 'f' ?
		    c->record->id[i] - 'a' + 'A' : c->record->id[i];
	upper[GLOSS_ID_LEN] = '\0';
	getf(c, "/v1/statements/%s", upper);
	check_error(c, 404, "not_found");

	/* The stored one is there. */
	getf(c, "/v1/statements/%s", c->record->id);
	check_status(c, 200);
}

/*
 * API_IDS_MAX + 1 annotations whose ids begin with the same four hex
 * digits, found among fresh ones (about 20,000 tries; none is posted),
 * into out; their prefix into prefix.
 */
static void
same_prefix(struct ctx *c, struct statement **out, char prefix[5])
{
	struct statement	*st = NULL, **seen;
	char			 text[32], first[5];
	unsigned long		 h = 0;
	size_t			 n, i, tries;

	seen = xcalloc(65536 * (API_IDS_MAX + 1), sizeof *seen);
	for (tries = 0; tries < 1000000; tries++) {
		snprintf(text, sizeof text, "try %zu", tries);
		st = fixture_annotation(key_other, "rec", "comment", 0, -1,
		    -1, text);
		snprintf(first, sizeof first, "%.4s", st->id);
		h = strtoul(first, NULL, 16);
		for (n = 0; seen[h * (API_IDS_MAX + 1) + n] != NULL; n++)
			;
		seen[h * (API_IDS_MAX + 1) + n] = st;
		if (n == API_IDS_MAX)
			break;
	}
	assert_true(tries < 1000000);
	snprintf(prefix, 5, "%.4s", st->id);
	for (i = 0; i < 65536 * (API_IDS_MAX + 1); i++) {
		if (seen[i] == NULL)
			continue;
		if (i / (API_IDS_MAX + 1) == h)
			out[i % (API_IDS_MAX + 1)] = keep_st(c, seen[i]);
		else
			stmt_free(seen[i]);
	}
	free(seen);
}

/*
 * GET /v1/ids/{prefix}: the statements whose ids begin with prefix, in
 * id order, at most API_IDS_MAX and "more" past them; a prefix of 4 to
 * 64 lowercase hex digits, else 400.
 */
static void
test_get_ids(void **state)
{
	struct ctx		*c = *state;
	struct statement	*st[API_IDS_MAX + 1];
	json_t			*j, *ids;
	char			 prefix[5], none[13];
	size_t			 i;

	getf(c, "/v1/ids/%.4s", c->record->id);
	check_status(c, 200);
	j = body_json(c);
	assert_int_equal(strncmp(json_string_value(json_object_get(j,
	    "prefix")), c->record->id, 4), 0);
	ids = json_object_get(j, "ids");
	assert_int_equal(json_array_size(ids), 1);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(ids, 0), "id")), c->record->id);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(ids, 0), "type")), "record");
	assert_true(json_is_false(json_object_get(j, "more")));
	getf(c, "/v1/ids/%s", c->record->id);
	check_status(c, 200);
	assert_int_equal(json_array_size(json_object_get(body_json(c),
	    "ids")), 1);

	/* No statement begins so: an empty answer, not an error. */
	snprintf(none, sizeof none, "%.11s%c", c->record->id,
	    c->record->id[11] == '0' ? '1' : '0');
	getf(c, "/v1/ids/%s", none);
	check_status(c, 200);
	assert_int_equal(json_array_size(json_object_get(body_json(c),
	    "ids")), 0);

	/* API_IDS_MAX of one prefix in an answer, then "more". */
	same_prefix(c, st, prefix);
	for (i = 0; i < API_IDS_MAX; i++)
		accepted(c, key_other, st[i]);
	getf(c, "/v1/ids/%s", prefix);
	check_status(c, 200);
	j = body_json(c);
	ids = json_object_get(j, "ids");
	assert_int_equal(json_array_size(ids), API_IDS_MAX);
	for (i = 1; i < API_IDS_MAX; i++)
		assert_true(strcmp(json_string_value(json_object_get(
		    json_array_get(ids, i - 1), "id")), json_string_value(
		    json_object_get(json_array_get(ids, i), "id"))) < 0);
	assert_true(json_is_false(json_object_get(j, "more")));
	accepted(c, key_other, st[API_IDS_MAX]);
	getf(c, "/v1/ids/%s", prefix);
	check_status(c, 200);
	j = body_json(c);
	assert_int_equal(json_array_size(json_object_get(j, "ids")),
	    API_IDS_MAX);
	assert_true(json_is_true(json_object_get(j, "more")));

	/* Not a prefix of an id. */
	getf(c, "/v1/ids/%.3s", c->record->id);
	check_error(c, 400, "bad_prefix");
	getf(c, "/v1/ids/%s0", c->record->id);
	check_error(c, 400, "bad_prefix");
	get(c, "/v1/ids/ABCD");
	check_error(c, 400, "bad_prefix");
	get(c, "/v1/ids/abcg");
	check_error(c, 400, "bad_prefix");
}

static void
test_get_records(void **state)
{
	struct ctx		*c = *state;
	struct statement	*alpha;
	json_t			*j, *list, *r;

	get(c, "/v1/records");
	check_status(c, 200);
	assert_string_equal(body(c), "{\"records\":[]}\n");

	c->record = keep_st(c, fixture_record(key_curator, "rec"));
	accepted(c, key_curator, c->record);
	alpha = keep_st(c, fixture_record(key_curator, "alpha"));
	accepted(c, key_curator, alpha);
	accepted(c, key_other, keep_st(c, fixture_annotation(key_other,
	    "rec", "comment", 0, -1, -1, "counted")));

	get(c, "/v1/records");
	check_status(c, 200);
	j = body_json(c);
	list = json_object_get(j, "records");
	assert_int_equal(json_array_size(list), 2);
	/* Ordered by rid. */
	r = json_array_get(list, 0);
	assert_string_equal(json_string_value(json_object_get(r, "id")),
	    "alpha");
	assert_string_equal(json_string_value(json_object_get(r,
	    "statement")), alpha->id);
	assert_int_equal(json_integer_value(json_object_get(r,
	    "annotations")), 0);
	r = json_array_get(list, 1);
	assert_string_equal(json_string_value(json_object_get(r, "id")),
	    "rec");
	assert_string_equal(json_string_value(json_object_get(r,
	    "statement")), c->record->id);
	assert_string_equal(json_string_value(json_object_get(r, "title")),
	    "Test record");
	assert_true(json_is_null(json_object_get(r, "event")));
	assert_int_equal(json_integer_value(json_object_get(r, "duration")),
	    FIXTURE_DURATION);
	assert_int_equal(json_integer_value(json_object_get(r,
	    "annotations")), 1);
	assert_int_equal(json_integer_value(json_object_get(r, "talks")), 3);
}

static void
test_get_record(void **state)
{
	struct ctx	*c = *state;
	json_t		*j, *talks, *t;
	static const struct {
		int64_t		 start, end;
		const char	*speaker, *title;
	} want[] = {
		{ 0, 60000, "Ada Lovelace", "Opening remarks" },
		{ 60000, 300000, "Grace Hopper", "Compilers for everyone" },
		{ 300000, 600000, NULL, "Panel" },
	};
	size_t		 i;

	get(c, "/v1/records/rec");
	check_status(c, 200);
	j = body_json(c);
	assert_string_equal(json_string_value(json_object_get(j, "id")),
	    "rec");
	assert_string_equal(json_string_value(json_object_get(j,
	    "statement")), c->record->id);
	assert_string_equal(json_string_value(json_object_get(j, "title")),
	    "Test record");
	assert_int_equal(json_integer_value(json_object_get(j, "duration")),
	    FIXTURE_DURATION);
	assert_int_equal(json_integer_value(json_object_get(j,
	    "annotations")), 0);
	talks = json_object_get(j, "talks");
	assert_int_equal(json_array_size(talks), 3);
	for (i = 0; i < 3; i++) {
		t = json_array_get(talks, i);
		assert_int_equal(json_integer_value(json_object_get(t, "n")),
		    i + 1);
		/* Each talk ends where the next starts, the last at the end. */
		assert_int_equal(json_integer_value(json_object_get(t,
		    "start")), want[i].start);
		assert_int_equal(json_integer_value(json_object_get(t,
		    "end")), want[i].end);
		if (want[i].speaker == NULL)
			assert_true(json_is_null(json_object_get(t,
			    "speaker")));
		else
			assert_string_equal(json_string_value(
			    json_object_get(t, "speaker")), want[i].speaker);
		assert_string_equal(json_string_value(json_object_get(t,
		    "title")), want[i].title);
	}

	get(c, "/v1/records/nope");
	check_error(c, 404, "unknown_record");
	get(c, "/v1/records/REC");
	check_error(c, 404, "unknown_record");
	get(c, "/v1/records/-rec");
	check_error(c, 404, "unknown_record");
	get(c, "/v1/records/nope/annotations");
	check_error(c, 404, "unknown_record");
}

static void
test_annotations_unfiltered(void **state)
{
	struct ctx	*c = *state;
	json_t		*j, *list, *a;

	seed(c);
	get(c, "/v1/records/rec/annotations");
	assert_null(check_listing(c, (const int []){ 0, 3, 4, 1, 2 }, 5));

	j = body_json(c);
	list = json_object_get(j, "annotations");
	/* a1: talk 1 without a time. */
	a = json_array_get(list, 0);
	assert_string_equal(json_string_value(json_object_get(a, "kind")),
	    "comment");
	assert_string_equal(json_string_value(json_object_get(a, "author")),
	    key_other->pubkey);
	assert_string_equal(json_string_value(json_object_get(a, "created")),
	    c->ann[0]->created_text);
	assert_int_equal(json_integer_value(json_object_get(a, "talk")), 1);
	assert_null(json_object_get(a, "at"));
	assert_string_equal(json_string_value(json_object_get(a, "text")),
	    "a1 on talk one");
	assert_int_equal(json_array_size(json_object_get(a, "links")), 0);
	assert_true(json_is_null(json_object_get(a, "reply_to")));
	assert_string_equal(json_string_value(json_object_get(a, "status")),
	    "visible");
	assert_int_equal(json_integer_value(json_object_get(a, "seq")), 2);
	/* a4: the whole record, so no talk. */
	a = json_array_get(list, 1);
	assert_true(json_is_null(json_object_get(a, "talk")));
	assert_string_equal(json_string_value(json_object_get(a, "author")),
	    key_third->pubkey);
	/* a2: a point, derived talk 2, no end. */
	a = json_array_get(list, 3);
	assert_int_equal(json_integer_value(json_object_get(a, "talk")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(
	    a, "at"), "start")), 90000);
	assert_null(json_object_get(json_object_get(a, "at"), "end"));
	/* a3: a reading with its link and a range. */
	a = json_array_get(list, 4);
	assert_string_equal(json_string_value(json_object_get(a, "kind")),
	    "reading");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(
	    a, "at"), "end")), 500000);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(json_object_get(a, "links"), 0), "url")),
	    "https://example.org/paper");

	get(c, "/v1/records/rec");
	check_status(c, 200);
	assert_int_equal(json_integer_value(json_object_get(body_json(c),
	    "annotations")), 5);
}

static void
test_annotations_filters(void **state)
{
	struct ctx	*c = *state;
	const char	*other, *third;

	seed(c);
	other = escape(c, key_other->pubkey);
	third = escape(c, key_third->pubkey);

	/* talk: explicit or derived. */
	LISTING(c, "/v1/records/rec/annotations?talk=1", 0, 4);
	LISTING(c, "/v1/records/rec/annotations?talk=2", 1);
	LISTING(c, "/v1/records/rec/annotations?talk=3", 2);

	/* Time: overlap with [from, to], whole-record ones left out. */
	LISTING(c, "/v1/records/rec/annotations?from=65000&to=65000", 4);
	LISTING(c, "/v1/records/rec/annotations?from=60000&to=60000", 4);
	LISTING(c, "/v1/records/rec/annotations?from=90000", 1);
	LISTING(c, "/v1/records/rec/annotations?to=10", 0);
	LISTING(c, "/v1/records/rec/annotations?from=0&to=600000",
	    0, 4, 1, 2);
	LISTING(c, "/v1/records/rec/annotations?from=499999", 2);
	check_empty_listing(c, "/v1/records/rec/annotations?from=500000");
	check_empty_listing(c,
	    "/v1/records/rec/annotations?from=200000&to=300000");

	/* kind and author. */
	LISTING(c, "/v1/records/rec/annotations?kind=reading", 2);
	LISTING(c, "/v1/records/rec/annotations?kind=critique", 1);
	LISTING(c, "/v1/records/rec/annotations?kind=comment", 0, 3, 4);
	getf(c, "/v1/records/rec/annotations?author=%s", third);
	check_listing(c, (const int []){ 3 }, 1);
	getf(c, "/v1/records/rec/annotations?author=%s", other);
	check_listing(c, (const int []){ 0, 4, 1, 2 }, 4);
	getf(c, "/v1/records/rec/annotations?author=%s&kind=critique",
	    third);
	check_listing(c, NULL, 0);

	/* Together. */
	getf(c, "/v1/records/rec/annotations?talk=1&kind=comment&author=%s"
	    "&from=0&to=59999", other);
	check_listing(c, (const int []){ 0, 4 }, 2);

	/* limit: the first page, with a cursor to the rest. */
	get(c, "/v1/records/rec/annotations?limit=1");
	assert_non_null(check_listing(c, (const int []){ 0 }, 1));
	get(c, "/v1/records/rec/annotations?limit=5");
	assert_null(check_listing(c, (const int []){ 0, 3, 4, 1, 2 }, 5));
}

static void
test_annotations_pages(void **state)
{
	struct ctx	*c = *state;
	const char	*next;

	seed(c);
	get(c, "/v1/records/rec/annotations?limit=2");
	next = check_listing(c, (const int []){ 0, 3 }, 2);
	assert_non_null(next);
	getf(c, "/v1/records/rec/annotations?limit=2&after=%s", next);
	next = check_listing(c, (const int []){ 4, 1 }, 2);
	assert_non_null(next);
	getf(c, "/v1/records/rec/annotations?limit=2&after=%s", next);
	next = check_listing(c, (const int []){ 2 }, 1);
	assert_null(next);

	/* Pages of a filtered listing keep the filter. */
	get(c, "/v1/records/rec/annotations?kind=comment&limit=1");
	next = check_listing(c, (const int []){ 0 }, 1);
	assert_non_null(next);
	getf(c, "/v1/records/rec/annotations?kind=comment&limit=1&after=%s",
	    next);
	next = check_listing(c, (const int []){ 3 }, 1);
	assert_non_null(next);
	getf(c, "/v1/records/rec/annotations?kind=comment&limit=1&after=%s",
	    next);
	assert_null(check_listing(c, (const int []){ 4 }, 1));

	/* A cursor from the start lists everything. */
	get(c, "/v1/records/rec/annotations?after=0.0");
	check_listing(c, (const int []){ 0, 3, 4, 1, 2 }, 5);
}

static void
test_annotations_bad_query(void **state)
{
	static const char *queries[] = {
		"talk=0", "talk=x", "talk=", "talk=-1", "talk=1001",
		"from=-1", "from=abc", "to=1.5", "from=5&to=4",
		"from=9007199254740992",
		"limit=0", "limit=501", "limit=x", "limit=",
		"kind=bogus", "kind=Comment", "kind=",
		"author=RWnotakey", "author=",
		"after=x", "after=5", "after=5.", "after=.5", "after=-1.2",
		"after=1.-2", "after=1.2.3", "after=",
	};
	struct ctx	*c = *state;
	size_t		 i;

	for (i = 0; i < sizeof queries / sizeof queries[0]; i++) {
		getf(c, "/v1/records/rec/annotations?%s", queries[i]);
		check_error(c, 400, "bad_query");
	}
	/* An unknown record is a 404 before the query is looked at. */
	get(c, "/v1/records/nope/annotations?talk=x");
	check_error(c, 404, "unknown_record");
}

/* talk=N for a record with N - 1 talks is a bad query, not empty. */
static void
test_annotations_talk_one_past(void **state)
{
	struct ctx	*c = *state;

	get(c, "/v1/records/rec/annotations?talk=3");
	check_status(c, 200);
	get(c, "/v1/records/rec/annotations?talk=4");
	check_error(c, 400, "bad_query");
}

/* limit one past a small configured page_max is a bad query. */
static void
test_annotations_limit_one_past(void **state)
{
	struct ctx	*c = *state;

	c->gd.cfg.limits.page_max = 5;
	get(c, "/v1/records/rec/annotations?limit=5");
	check_status(c, 200);
	get(c, "/v1/records/rec/annotations?limit=6");
	check_error(c, 400, "bad_query");
}

/*
 * The NDJSON lines of the log in c->resp, checked against sts[0..n) and
 * their minisigs sigs[0..n), the first with seq first_seq.
 */
static void
check_log(struct ctx *c, struct statement **sts, const char **sigs,
    int64_t first_seq, size_t n)
{
	const char	*p = body(c), *nl;
	json_t		*j;
	json_error_t	 err;
	size_t		 i;

	check_status(c, 200);
	assert_string_equal(c->resp.content_type,
	    "application/x-ndjson; charset=utf-8");
	for (i = 0; i < n; i++) {
		if ((nl = strchr(p, '\n')) == NULL)
			fail_msg("line %zu of the log is missing: %s", i + 1,
			    body(c));
		j = keep_json(c, json_loads(keep_mem(c, xstrndup(p, nl - p)), 0,
		    &err));
		if (j == NULL)
			fail_msg("line %zu is not JSON: %s", i + 1, err.text);
		assert_int_equal(json_integer_value(json_object_get(j,
		    "seq")), first_seq + (int64_t)i);
		assert_string_equal(json_string_value(json_object_get(j,
		    "id")), sts[i]->id);
		assert_true(json_equal(json_object_get(j, "statement"),
		    sts[i]->root));
		assert_string_equal(json_string_value(json_object_get(j,
		    "minisig")), sigs[i]);
		assert_true(json_is_string(json_object_get(j, "received")));
		/* The line carries S byte for byte. */
		assert_non_null(memmem(p, nl - p, sts[i]->canonical,
		    sts[i]->canonical_len));
		p = nl + 1;
	}
	assert_string_equal(p, "");
}

static void
test_log(void **state)
{
	struct ctx		*c = *state;
	struct statement	*sts[3];
	const char		*sigs[3];
	size_t			 i;

	sts[0] = c->record;
	sts[1] = keep_st(c, fixture_annotation(key_other, "rec", "comment",
	    1, -1, -1, "log one"));
	sts[2] = keep_st(c, fixture_annotation(key_third, "rec", "critique",
	    0, 1000, 2000, "log two"));
	sigs[0] = c->record_sig;
	for (i = 1; i < 3; i++) {
		sigs[i] = keep_mem(c, fixture_sign(i == 1 ? key_other :
		    key_third, sts[i]));
		post_sig(c, sts[i], sigs[i], time(NULL));
		check_accepted(c, sts[i], 201);
	}

	get(c, "/v1/log");
	check_log(c, sts, sigs, 1, 3);
	get(c, "/v1/log?after=1&limit=1");
	check_log(c, sts + 1, sigs + 1, 2, 1);
	get(c, "/v1/log?after=1");
	check_log(c, sts + 1, sigs + 1, 2, 2);
	get(c, "/v1/log?limit=2");
	check_log(c, sts, sigs, 1, 2);
	get(c, "/v1/log?after=3");
	check_log(c, NULL, NULL, 0, 0);
	assert_int_equal(c->resp.body.len, 0);
	get(c, "/v1/log?after=9007199254740991");
	check_log(c, NULL, NULL, 0, 0);

	get(c, "/v1/log?after=-1");
	check_error(c, 400, "bad_query");
	get(c, "/v1/log?after=x");
	check_error(c, 400, "bad_query");
	get(c, "/v1/log?after=9007199254740992");
	check_error(c, 400, "bad_query");
	get(c, "/v1/log?limit=0");
	check_error(c, 400, "bad_query");
	get(c, "/v1/log?limit=501");
	check_error(c, 400, "bad_query");
	get(c, "/v1/log?limit=500");
	check_log(c, sts, sigs, 1, 3);
}

static void
test_healthz(void **state)
{
	struct ctx	*c = *state;
	json_t		*j;
	time_t		 now = time(NULL);

	request(c, HTTP_GET, "/healthz", NULL, 0, now);
	check_status(c, 200);
	j = body_json(c);
	assert_string_equal(json_string_value(json_object_get(j, "status")),
	    "ok");
	assert_string_equal(json_string_value(json_object_get(j, "version")),
	    GLOSS_VERSION);
	assert_int_equal(json_integer_value(json_object_get(j, "schema")),
	    migrations[nmigrations - 1].version);
	assert_int_equal(json_integer_value(json_object_get(j,
	    "statements")), 1);
	assert_int_equal(json_integer_value(json_object_get(j, "uptime")),
	    now - c->gd.started);

	request(c, HTTP_HEAD, "/healthz", NULL, 0, now);
	check_status(c, 200);
	request(c, HTTP_POST, "/healthz", "{}", 2, now);
	check_error(c, 405, "method_not_allowed");
}

/* A valid annotation's S, with its minisig in *sig, for tampering with. */
static const char *
good_annotation(struct ctx *c, int talk, const char *text,
    const char **sig)
{
	struct statement	*st;

	st = keep_st(c, fixture_annotation(key_other, "rec", "comment", talk,
	    -1, -1, text));
	*sig = keep_mem(c, fixture_sign(key_other, st));
	return st->canonical;
}

static void
test_bad_json(void **state)
{
	struct ctx	*c = *state;
	const char	*s, *sig, *good, *text;
	char		*t;

	s = good_annotation(c, 1, "XTEXTX", &sig);
	good = wire(c, s, strlen(s), sig);

	/* Not JSON at all, or not all of it. */
	refused(c, "", time(NULL), 400, "malformed_json");
	refused(c, "{", time(NULL), 400, "malformed_json");
	refused(c, "statement", time(NULL), 400, "malformed_json");
	refused(c, "{\"statement\":", time(NULL), 400, "malformed_json");
	xasprintf(&t, "%.*s", (int)strlen(good) - 1, good);
	refused(c, keep_mem(c, t), time(NULL), 400, "malformed_json");
	xasprintf(&t, "%s}", good);
	refused(c, keep_mem(c, t), time(NULL), 400, "malformed_json");
	refused(c, replace(c, good, "\"minisig\"", "'minisig'"), time(NULL),
	    400, "malformed_json");

	/* Invalid UTF-8 inside a string. */
	text = replace(c, s, "XTEXTX", "\xc3\x28");
	refused(c, wire(c, text, strlen(text), sig), time(NULL), 400,
	    "invalid_utf8");
	text = replace(c, s, "XTEXTX", "\xff");
	refused(c, wire(c, text, strlen(text), sig), time(NULL), 400,
	    "invalid_utf8");
}

static void
test_duplicate_member(void **state)
{
	struct ctx	*c = *state;
	const char	*s, *sig, *text;

	char		*t;

	s = good_annotation(c, 1, "dup", &sig);
	text = replace(c, s, "\"v\":1}", "\"v\":1,\"v\":1}");
	refused(c, wire(c, text, strlen(text), sig), time(NULL), 422,
	    "duplicate_member");
	/* In the wire object itself. */
	xasprintf(&t, "{\"statement\":%s,\"statement\":%s,\"minisig\":\"x\"}",
	    s, s);
	refused(c, keep_mem(c, t), time(NULL), 422, "duplicate_member");
}

static void
test_number_not_integer(void **state)
{
	static const char *forms[] = { "1.0", "1e0", "1E0", "10e-1", "1.5" };
	struct ctx	*c = *state;
	const char	*s, *sig, *text;
	char		 to[32];
	size_t		 i;

	s = good_annotation(c, 2, "float", &sig);
	for (i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		snprintf(to, sizeof to, "\"talk\":%s,", forms[i]);
		text = replace(c, s, "\"talk\":2,", to);
		refused(c, wire(c, text, strlen(text), sig), time(NULL), 422,
		    "number_not_integer");
	}
	/* Negative numbers are outside the profile too. */
	text = replace(c, s, "\"talk\":2,", "\"talk\":-2,");
	refused(c, wire(c, text, strlen(text), sig), time(NULL), 422,
	    "number_not_integer");
}

static void
test_integer_out_of_range(void **state)
{
	struct ctx	*c = *state;
	const char	*s, *sig, *text;

	s = good_annotation(c, 2, "big", &sig);
	text = replace(c, s, "\"talk\":2,", "\"talk\":9007199254740992,");
	refused(c, wire(c, text, strlen(text), sig), time(NULL), 422,
	    "integer_out_of_range");
	text = replace(c, s, "\"talk\":2,",
	    "\"talk\":123456789012345678901234567890,");
	refused(c, wire(c, text, strlen(text), sig), time(NULL), 422,
	    "integer_out_of_range");
	/* 2^53 - 1 is JSON the profile takes; the talk rule refuses it. */
	text = replace(c, s, "\"talk\":2,", "\"talk\":9007199254740991,");
	refused(c, wire(c, text, strlen(text), sig), time(NULL), 422,
	    "invalid_statement");
}

static void
test_malformed_request(void **state)
{
	struct ctx	*c = *state;
	const char	*s, *sig, *good;
	char		*t;

	s = good_annotation(c, 1, "shape", &sig);
	good = wire(c, s, strlen(s), sig);

	xasprintf(&t, "{\"statement\":%s}", s);
	refused(c, keep_mem(c, t), time(NULL), 400, "malformed_request");
	xasprintf(&t, "{\"minisig\":\"x\"}");
	refused(c, keep_mem(c, t), time(NULL), 400, "malformed_request");
	xasprintf(&t, "%.*s,\"extra\":1}", (int)strlen(good) - 1, good);
	refused(c, keep_mem(c, t), time(NULL), 400, "malformed_request");
	refused(c, replace(c, good, "\"statement\":", "\"stmt\":"),
	    time(NULL), 400, "malformed_request");
	xasprintf(&t, "{\"statement\":[%s],\"minisig\":\"x\"}", s);
	refused(c, keep_mem(c, t), time(NULL), 400, "malformed_request");
	xasprintf(&t, "{\"statement\":\"%s\",\"minisig\":\"x\"}", "text");
	refused(c, keep_mem(c, t), time(NULL), 400, "malformed_request");
	xasprintf(&t, "{\"statement\":%s,\"minisig\":null}", s);
	refused(c, keep_mem(c, t), time(NULL), 400, "malformed_request");
	xasprintf(&t, "{\"statement\":%s,\"minisig\":[\"x\"]}", s);
	refused(c, keep_mem(c, t), time(NULL), 400, "malformed_request");
	xasprintf(&t, "[%s]", s);
	refused(c, keep_mem(c, t), time(NULL), 400, "malformed_request");
	refused(c, "\"just a string\"", time(NULL), 400, "malformed_request");
	refused(c, "{}", time(NULL), 400, "malformed_request");

	/* A minisig that is not one is a malformed signature: 400. */
	refused(c, wire(c, s, strlen(s), "not a minisig"), time(NULL), 400,
	    "malformed_signature");
}

static void
test_bad_signature(void **state)
{
	struct ctx		*c = *state;
	struct statement	*one, *two;

	one = keep_st(c, fixture_annotation(key_other, "rec", "comment", 0,
	    -1, -1, "one"));
	two = keep_st(c, fixture_annotation(key_other, "rec", "comment", 0,
	    -1, -1, "two"));
	/* two with the minisig of one: same key, other bytes. */
	refused(c, wire(c, two->canonical, two->canonical_len,
	    keep_mem(c, fixture_sign(key_other, one))), time(NULL), 401,
	    "bad_signature");
}

static void
test_key_mismatch(void **state)
{
	struct ctx		*c = *state;
	struct statement	*st;

	/* Authored by one key, signed (correctly) by another. */
	st = keep_st(c, fixture_annotation(key_other, "rec", "comment", 0,
	    -1, -1, "not mine"));
	refused(c, wire(c, st->canonical, st->canonical_len,
	    keep_mem(c, fixture_sign(key_third, st))), time(NULL), 401,
	    "key_mismatch");
}

/* sig with its algorithm rewritten from "ED" to legacy "Ed". */
static char *
legacy(struct ctx *c, const char *sig)
{
	uint8_t		 bin[74];
	char		 b64[sodium_base64_ENCODED_LEN(sizeof bin,
			    sodium_base64_VARIANT_ORIGINAL)];
	const char	*l2, *e2;
	char		*out;
	size_t		 binlen = 0;

	l2 = strchr(sig, '\n') + 1;
	e2 = strchr(l2, '\n');
	assert_int_equal(sodium_base642bin(bin, sizeof bin, l2, e2 - l2,
	    NULL, &binlen, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	assert_int_equal(binlen, sizeof bin);
	assert_memory_equal(bin, "ED", 2);
	bin[1] = 'd';
	sodium_bin2base64(b64, sizeof b64, bin, sizeof bin,
	    sodium_base64_VARIANT_ORIGINAL);
	xasprintf(&out, "%.*s%s%s", (int)(l2 - sig), sig, b64, e2);
	return keep_mem(c, out);
}

static void
test_legacy_signature(void **state)
{
	struct ctx		*c = *state;
	struct statement	*st;
	const char		*sig, *old;

	st = keep_st(c, fixture_annotation(key_other, "rec", "comment", 0,
	    -1, -1, "legacy"));
	sig = keep_mem(c, fixture_sign(key_other, st));
	old = legacy(c, sig);
	assert_string_not_equal(old, sig);
	refused(c, wire(c, st->canonical, st->canonical_len, old), time(NULL),
	    401, "legacy_signature_algorithm");
	/* The untouched one goes through. */
	post_sig(c, st, sig, time(NULL));
	check_accepted(c, st, 201);
}

static void
test_bad_trusted_comment(void **state)
{
	struct ctx		*c = *state;
	struct statement	*st;
	char			 trusted[128];

	st = keep_st(c, fixture_annotation(key_other, "rec", "comment", 0,
	    -1, -1, "trusted"));
	/* Properly signed, but naming another statement's id. */
	stmt_trusted_comment(c->record->id, trusted, sizeof trusted);
	refused(c, wire(c, st->canonical, st->canonical_len,
	    keep_mem(c, minisig_sign(key_other->sk, st->canonical,
	    st->canonical_len, trusted, NULL))), time(NULL), 401,
	    "bad_trusted_comment");
	/* Or another form of its own id. */
	snprintf(trusted, sizeof trusted, "gloss/1 id=%s ", st->id);
	refused(c, wire(c, st->canonical, st->canonical_len,
	    keep_mem(c, minisig_sign(key_other->sk, st->canonical,
	    st->canonical_len, trusted, NULL))), time(NULL), 401,
	    "bad_trusted_comment");
	snprintf(trusted, sizeof trusted, "%s", st->id);
	refused(c, wire(c, st->canonical, st->canonical_len,
	    keep_mem(c, minisig_sign(key_other->sk, st->canonical,
	    st->canonical_len, trusted, NULL))), time(NULL), 401,
	    "bad_trusted_comment");
}

static void
test_unknown_record(void **state)
{
	struct ctx	*c = *state;

	refused_st(c, key_other, keep_st(c, fixture_annotation(key_other,
	    "nope", "comment", 0, -1, -1, "where")), 422, "unknown_record");
}

static void
test_talk_out_of_range(void **state)
{
	struct ctx	*c = *state;

	refused_st(c, key_other, keep_st(c, fixture_annotation(key_other,
	    "rec", "comment", 4, -1, -1, "talk four")), 422,
	    "talk_out_of_range");
	accepted(c, key_other, keep_st(c, fixture_annotation(key_other,
	    "rec", "comment", 3, -1, -1, "talk three")));
}

static void
test_time_outside(void **state)
{
	struct ctx	*c = *state;

	refused_st(c, key_other, keep_st(c, fixture_annotation(key_other,
	    "rec", "comment", 0, FIXTURE_DURATION, -1, "at the end")), 422,
	    "time_outside_record");
	refused_st(c, key_other, keep_st(c, fixture_annotation(key_other,
	    "rec", "comment", 0, 500000, FIXTURE_DURATION + 1, "past it")),
	    422, "time_outside_record");
	refused_st(c, key_other, keep_st(c, fixture_annotation(key_other,
	    "rec", "comment", 1, 60000, -1, "talk two's start")), 422,
	    "time_outside_talk");
	refused_st(c, key_other, keep_st(c, fixture_annotation(key_other,
	    "rec", "comment", 2, 59999, 61000, "straddling")), 422,
	    "time_outside_talk");

	/* The edges that are inside. */
	accepted(c, key_other, keep_st(c, fixture_annotation(key_other,
	    "rec", "comment", 0, 500000, FIXTURE_DURATION, "to the end")));
	accepted(c, key_other, keep_st(c, fixture_annotation(key_other,
	    "rec", "comment", 1, 59999, -1, "talk one's last ms")));
	accepted(c, key_other, keep_st(c, fixture_annotation(key_other,
	    "rec", "comment", 2, 200000, 300000, "to talk two's end")));
}

static void
test_bad_time_range(void **state)
{
	struct ctx		*c = *state;
	struct statement	*st;
	const char		*sig, *text;

	st = keep_st(c, fixture_annotation(key_other, "rec", "comment", 0,
	    5000, 6000, "range"));
	sig = keep_mem(c, fixture_sign(key_other, st));
	text = replace(c, st->canonical, "\"at\":{\"end\":6000,",
	    "\"at\":{\"end\":5000,");
	refused(c, wire(c, text, strlen(text), sig), time(NULL), 422,
	    "bad_time_range");
	text = replace(c, st->canonical, "\"at\":{\"end\":6000,",
	    "\"at\":{\"end\":4999,");
	refused(c, wire(c, text, strlen(text), sig), time(NULL), 422,
	    "bad_time_range");
	text = replace(c, st->canonical, "\"at\":{\"end\":6000,",
	    "\"at\":{\"end\":0,");
	refused(c, wire(c, text, strlen(text), sig), time(NULL), 422,
	    "bad_time_range");
	post_sig(c, st, sig, time(NULL));
	check_accepted(c, st, 201);
}

static void
test_text_too_long(void **state)
{
	struct ctx	*c = *state;
	char		 text[200];
	size_t		 i;

	c->gd.cfg.limits.stmt.max_text = 64;
	memset(text, 'x', 65);
	text[65] = '\0';
	refused_st(c, key_other, keep_st(c, fixture_annotation(key_other,
	    "rec", "comment", 0, -1, -1, text)), 422, "text_too_long");
	text[64] = '\0';
	accepted(c, key_other, keep_st(c, fixture_annotation(key_other,
	    "rec", "comment", 0, -1, -1, text)));

	/* The limit is in bytes: 32 two-byte characters fit, one more not. */
	for (i = 0; i < 32; i++)
		memcpy(text + 2 * i, "\xc3\xa9", 2);
	text[64] = '\0';
	accepted(c, key_other, keep_st(c, fixture_annotation(key_other,
	    "rec", "comment", 0, -1, -1, text)));
	text[64] = 'y';
	text[65] = '\0';
	refused_st(c, key_other, keep_st(c, fixture_annotation(key_other,
	    "rec", "comment", 0, -1, -1, text)), 422, "text_too_long");
}

/* A links array of n distinct links, each url len bytes (>= 24). */
static json_t *
links(size_t n, size_t len)
{
	json_t	*a = json_array();
	char	 url[256];
	size_t	 i;

	for (i = 0; i < n; i++) {
		snprintf(url, sizeof url, "https://example.org/%04zu", i);
		while (strlen(url) < len && strlen(url) < sizeof url - 1)
			strcat(url, "x");
		json_array_append_new(a, json_pack("{s:s}", "url", url));
	}
	return a;
}

static void
test_too_many_links(void **state)
{
	struct ctx		*c = *state;
	struct statement	*base;
	size_t			 max = c->gd.cfg.limits.stmt.max_links;

	base = keep_st(c, fixture_annotation(key_other, "rec", "reading", 0,
	    -1, -1, "links"));
	refused_st(c, key_other, rebuild(c, base, "links", links(max + 1,
	    24)), 422, "too_many_links");
	accepted(c, key_other, rebuild(c, base, "links", links(max, 24)));

	/* And one past the URL length limit. */
	c->gd.cfg.limits.stmt.max_url = 32;
	refused_st(c, key_other, rebuild(c, base, "links", links(1, 33)),
	    422, "url_too_long");
	accepted(c, key_other, rebuild(c, base, "links", links(1, 32)));
}

static void
test_clock_skew(void **state)
{
	struct ctx		*c = *state;
	struct statement	*base, *st;
	char			 created[21];
	int			 skew = c->gd.cfg.limits.skew;
	int64_t			 before;

	base = keep_st(c, fixture_annotation(key_other, "rec", "comment", 0,
	    -1, -1, "on time"));
	timefmt_rfc3339(T0, created);
	st = rebuild(c, base, "created", json_string(created));

	before = store_count(c->gd.store);
	post_st(c, key_other, st, T0 + skew + 1);
	check_error(c, 422, "clock_skew");
	post_st(c, key_other, st, T0 - skew - 1);
	check_error(c, 422, "clock_skew");
	assert_int_equal(store_count(c->gd.store), before);
	accepted_at(c, key_other, st, T0 + skew);

	st = rebuild(c, base, "text", json_string("early"));
	st = rebuild(c, st, "created", json_string(created));
	accepted_at(c, key_other, st, T0 - skew);
}

static void
test_reply_to(void **state)
{
	struct ctx		*c = *state;
	struct statement	*parent, *rec2, *elsewhere, *base;
	char			 unknown[GLOSS_ID_LEN + 1];

	parent = keep_st(c, fixture_annotation(key_other, "rec", "comment",
	    0, -1, -1, "parent"));
	accepted(c, key_other, parent);
	rec2 = keep_st(c, fixture_record(key_curator, "rec2"));
	accepted(c, key_curator, rec2);
	elsewhere = keep_st(c, fixture_annotation(key_other, "rec2",
	    "comment", 0, -1, -1, "on rec2"));
	accepted(c, key_other, elsewhere);
	base = keep_st(c, fixture_annotation(key_third, "rec", "critique",
	    0, -1, -1, "a reply"));

	memset(unknown, 'a', GLOSS_ID_LEN);
	unknown[GLOSS_ID_LEN] = '\0';
	refused_st(c, key_third, rebuild(c, base, "reply_to",
	    json_string(unknown)), 422, "unknown_annotation");
	/* A statement that is not an annotation. */
	refused_st(c, key_third, rebuild(c, base, "reply_to",
	    json_string(c->record->id)), 422, "unknown_annotation");
	/* An annotation of another record. */
	refused_st(c, key_third, rebuild(c, base, "reply_to",
	    json_string(elsewhere->id)), 422, "unknown_reply_to");

	accepted(c, key_third, rebuild(c, base, "reply_to",
	    json_string(parent->id)));
}

static void
test_invalid_statement(void **state)
{
	struct ctx		*c = *state;
	struct statement	*st;
	const char		*s, *sig;

	st = keep_st(c, fixture_annotation(key_other, "rec", "comment", 0,
	    -1, -1, "XX"));
	sig = keep_mem(c, fixture_sign(key_other, st));
	s = replace(c, st->canonical, "\"type\":\"annotation\"",
	    "\"type\":\"link-review\"");
	refused(c, wire(c, s, strlen(s), sig), time(NULL), 422,
	    "invalid_statement");
	s = replace(c, st->canonical, "\"text\":\"XX\",", "");
	refused(c, wire(c, s, strlen(s), sig), time(NULL), 422,
	    "invalid_statement");
	s = replace(c, st->canonical, "\"v\":1}", "\"v\":1,\"w\":1}");
	refused(c, wire(c, s, strlen(s), sig), time(NULL), 422,
	    "invalid_statement");
}

/*
 * Conversations (issue 3): the rules of api_conv.c, the annotation,
 * revision, thread, key and search GETs, and importer requests.  Every
 * statement below is built as JSON with the created time it needs and
 * run through stmt_from_json as fixture_statement does.
 */

/* An id no statement has. */
#define NO_ID	"00000000000000000000000000000000"			\
		"00000000000000000000000000000000"

/* A key whose base64 holds both '/' and '+', freed by teardown_conv. */
static struct fixture_key	*slash_key;

static int
teardown_conv(void **state)
{
	fixture_key_free(slash_key);
	slash_key = NULL;
	return teardown(state);
}

/* The RFC 3339 text of t (freed by teardown). */
static const char *
created_at(struct ctx *c, time_t t)
{
	char	*s = xmalloc(21);

	timefmt_rfc3339(t, s);
	return keep_mem(c, s);
}

/*
 * A statement of type by k created at t, with the members of extra
 * (stolen) besides v, type, author and created (freed by teardown).
 */
static struct statement *
conv_st(struct ctx *c, const struct fixture_key *k, const char *type,
    time_t t, json_t *extra)
{
	json_t	*root;

	assert_non_null(extra);
	root = json_pack("{s:i, s:s, s:s, s:s}", "v", 1, "type", type,
	    "author", k->pubkey, "created", created_at(c, t));
	assert_non_null(root);
	assert_int_equal(json_object_update(root, extra), 0);
	json_decref(extra);
	return keep_st(c, fixture_statement(root));
}

/* A comment by k on "rec" created at t, with extra members (or NULL). */
static struct statement *
conv_ann(struct ctx *c, const struct fixture_key *k, time_t t,
    const char *text, json_t *extra)
{
	json_t	*m;

	m = json_pack("{s:s, s:s, s:s}", "record", "rec", "kind", "comment",
	    "text", text);
	assert_non_null(m);
	if (extra != NULL) {
		assert_int_equal(json_object_update(m, extra), 0);
		json_decref(extra);
	}
	return conv_st(c, k, "annotation", t, m);
}

/* A revision of id by k at t: text, and extra members (or NULL). */
static struct statement *
conv_rev(struct ctx *c, const struct fixture_key *k, time_t t,
    const char *of, const char *text, json_t *extra)
{
	json_t	*m;

	m = json_pack("{s:s, s:s}", "of", of, "text", text);
	assert_non_null(m);
	if (extra != NULL) {
		assert_int_equal(json_object_update(m, extra), 0);
		json_decref(extra);
	}
	return conv_st(c, k, "revision", t, m);
}

static struct statement *
conv_retract(struct ctx *c, const struct fixture_key *k, time_t t,
    const char *of, const char *reason)
{
	json_t	*m = json_pack("{s:s}", "of", of);

	if (reason != NULL)
		json_object_set_new(m, "reason", json_string(reason));
	return conv_st(c, k, "retraction", t, m);
}

static struct statement *
conv_endorse(struct ctx *c, const struct fixture_key *k, time_t t,
    const char *type, const char *subject)
{
	return conv_st(c, k, type, t, json_pack("{s:s}", "subject",
	    subject));
}

/* GET target, which must answer 200 with JSON. */
static json_t *
get_ok(struct ctx *c, const char *target)
{
	get(c, target);
	check_status(c, 200);
	return body_json(c);
}

/* GET /v1/annotations/{id}, which must answer 200. */
static json_t *
get_annotation(struct ctx *c, const char *id)
{
	return get_ok(c, replace(c, "/v1/annotations/ID", "ID", id));
}

static const char *
jstr(json_t *j, const char *name)
{
	json_t	*v = json_object_get(j, name);

	if (!json_is_string(v))
		fail_msg("member %s is not a string", name);
	return json_string_value(v);
}

static json_int_t
jint(json_t *j, const char *name)
{
	json_t	*v = json_object_get(j, name);

	if (!json_is_integer(v))
		fail_msg("member %s is not an integer", name);
	return json_integer_value(v);
}

/* A revision by another key is refused and changes nothing. */
static void
test_conv_revision_not_author(void **state)
{
	struct ctx		*c = *state;
	struct statement	*a;
	time_t			 now = time(NULL);

	a = conv_ann(c, key_other, now, "mine", NULL);
	accepted(c, key_other, a);
	refused_st(c, key_third, conv_rev(c, key_third, now, a->id,
	    "hijacked", NULL), 403, "not_author");
	/* Not even by a curator. */
	refused_st(c, key_curator, conv_rev(c, key_curator, now, a->id,
	    "curated", NULL), 403, "not_author");
	assert_string_equal(jstr(get_annotation(c, a->id), "text"), "mine");
	assert_int_equal(jint(get_annotation(c, a->id), "revisions"), 0);
}

/* Always revise the original: a revision's id is refused as "of". */
static void
test_conv_revision_of_revision(void **state)
{
	struct ctx		*c = *state;
	struct statement	*a, *r;
	time_t			 now = time(NULL);

	a = conv_ann(c, key_other, now, "v0", NULL);
	accepted(c, key_other, a);
	r = conv_rev(c, key_other, now, a->id, "v1", NULL);
	accepted(c, key_other, r);
	refused_st(c, key_other, conv_rev(c, key_other, now + 1, r->id, "v2",
	    NULL), 422, "revision_of_revision");
	/* Naming the annotation to revise instead. */
	assert_non_null(strstr(body(c), a->id));
	assert_string_equal(jstr(get_annotation(c, a->id), "text"), "v1");
	/* A revision is not an annotation to GET either: it says whose. */
	getf(c, "/v1/annotations/%s", r->id);
	check_error(c, 404, "not_found");
	assert_non_null(strstr(body(c), "it is a revision of"));
	assert_non_null(strstr(body(c), a->id));
	getf(c, "/v1/annotations/%s/thread", c->record->id);
	check_error(c, 404, "not_found");
	assert_non_null(strstr(body(c), "it is a statement of type record"));
	getf(c, "/v1/annotations/%064d", 0);
	check_error(c, 404, "not_found");
	assert_non_null(strstr(body(c), "no visible annotation has that id"));
}

static void
test_conv_revision_unknown(void **state)
{
	struct ctx		*c = *state;
	time_t			 now = time(NULL);

	refused_st(c, key_other, conv_rev(c, key_other, now, NO_ID, "x",
	    NULL), 422, "unknown_annotation");
	/* A statement that is not an annotation. */
	refused_st(c, key_curator, conv_rev(c, key_curator, now,
	    c->record->id, "x", NULL), 422, "unknown_annotation");
}

static void
test_conv_revision_retracted(void **state)
{
	struct ctx		*c = *state;
	struct statement	*a;
	time_t			 now = time(NULL);

	a = conv_ann(c, key_other, now, "soon gone", NULL);
	accepted(c, key_other, a);
	accepted(c, key_other, conv_retract(c, key_other, now, a->id, NULL));
	refused_st(c, key_other, conv_rev(c, key_other, now + 1, a->id,
	    "too late", NULL), 409, "retracted");
	/* Another key is still told it is not theirs first. */
	refused_st(c, key_third, conv_rev(c, key_third, now + 1, a->id,
	    "not mine", NULL), 403, "not_author");
}

/*
 * A chain of three revisions arriving out of order reads back in
 * (created, id) order: the current text is the latest-created one's,
 * whatever arrived last, and members a later revision leaves out keep
 * what earlier ones set.
 */
static void
test_conv_revision_chain_order(void **state)
{
	struct ctx		*c = *state;
	struct statement	*a, *r1, *r2, *r3, *t1, *t2, *hi;
	json_t			*j, *list;
	time_t			 now = time(NULL);

	a = conv_ann(c, key_other, now - 40, "v0", NULL);
	accepted(c, key_other, a);
	r1 = conv_rev(c, key_other, now - 30, a->id, "v1",
	    json_pack("{s:s}", "kind", "critique"));
	r2 = conv_rev(c, key_other, now - 20, a->id, "v2",
	    json_pack("{s:i}", "talk", 2));
	r3 = conv_rev(c, key_other, now - 10, a->id, "v3", NULL);

	accepted(c, key_other, r3);
	j = get_annotation(c, a->id);
	assert_string_equal(jstr(j, "text"), "v3");
	assert_string_equal(jstr(j, "kind"), "comment");
	accepted(c, key_other, r1);
	j = get_annotation(c, a->id);
	assert_string_equal(jstr(j, "text"), "v3");
	assert_string_equal(jstr(j, "kind"), "critique");
	accepted(c, key_other, r2);
	j = get_annotation(c, a->id);
	assert_string_equal(jstr(j, "text"), "v3");
	assert_string_equal(jstr(j, "kind"), "critique");
	assert_int_equal(jint(j, "talk"), 2);
	assert_int_equal(jint(j, "revisions"), 3);
	assert_string_equal(jstr(j, "id"), a->id);

	/* The history: the original, then the chain in order. */
	getf(c, "/v1/annotations/%s/revisions", a->id);
	check_status(c, 200);
	j = body_json(c);
	assert_string_equal(jstr(j, "annotation"), a->id);
	list = json_object_get(j, "revisions");
	assert_int_equal(json_array_size(list), 4);
	assert_string_equal(jstr(json_array_get(list, 0), "id"), a->id);
	assert_string_equal(jstr(json_array_get(list, 1), "id"), r1->id);
	assert_string_equal(jstr(json_array_get(list, 2), "id"), r2->id);
	assert_string_equal(jstr(json_array_get(list, 3), "id"), r3->id);
	assert_true(json_equal(json_object_get(json_array_get(list, 1),
	    "statement"), r1->root));
	assert_true(json_equal(json_object_get(json_array_get(list, 0),
	    "statement"), a->root));

	/* Two with the same created: the greater id is the later. */
	t1 = conv_rev(c, key_other, now - 5, a->id, "tie one", NULL);
	t2 = conv_rev(c, key_other, now - 5, a->id, "tie two", NULL);
	hi = strcmp(t1->id, t2->id) > 0 ? t1 : t2;
	accepted(c, key_other, hi);
	accepted(c, key_other, hi == t1 ? t2 : t1);
	j = get_annotation(c, a->id);
	assert_string_equal(jstr(j, "text"), hi->u.annotation.text);
	assert_int_equal(jint(j, "revisions"), 5);
}

/* The folded state must still fit the record. */
static void
test_conv_revision_outside_talk(void **state)
{
	struct ctx		*c = *state;
	struct statement	*a, *b;
	time_t			 now = time(NULL);

	/* On talk 1, [0, 60000). */
	a = conv_ann(c, key_other, now, "on talk one",
	    json_pack("{s:i}", "talk", 1));
	accepted(c, key_other, a);
	refused_st(c, key_other, conv_rev(c, key_other, now, a->id, "later",
	    json_pack("{s:{s:i}}", "at", "start", 90000)), 422,
	    "time_outside_talk");
	refused_st(c, key_other, conv_rev(c, key_other, now, a->id, "later",
	    json_pack("{s:{s:i, s:i}}", "at", "start", 50000, "end",
	    70000)), 422, "time_outside_talk");
	refused_st(c, key_other, conv_rev(c, key_other, now, a->id, "nowhere",
	    json_pack("{s:i}", "talk", 4)), 422, "talk_out_of_range");
	refused_st(c, key_other, conv_rev(c, key_other, now, a->id, "past",
	    json_pack("{s:i, s:{s:i}}", "talk", 3, "at", "start", 600000)),
	    422, "time_outside_record");
	/* Moving talk and time together is fine. */
	accepted(c, key_other, conv_rev(c, key_other, now, a->id, "moved",
	    json_pack("{s:i, s:{s:i}}", "talk", 2, "at", "start", 90000)));
	assert_int_equal(jint(get_annotation(c, a->id), "talk"), 2);

	/* A timed annotation moved to a talk its time is not in. */
	b = conv_ann(c, key_other, now, "at 1:30",
	    json_pack("{s:{s:i}}", "at", "start", 90000));
	accepted(c, key_other, b);
	refused_st(c, key_other, conv_rev(c, key_other, now, b->id, "talk 3",
	    json_pack("{s:i}", "talk", 3)), 422, "time_outside_talk");
	assert_int_equal(jint(get_annotation(c, b->id), "revisions"), 0);
}

/* A reading keeps at least one link across its chain. */
static void
test_conv_revision_reading_links(void **state)
{
	struct ctx		*c = *state;
	struct statement	*a, *b;
	json_t			*j;
	time_t			 now = time(NULL);

	a = keep_st(c, fixture_annotation(key_other, "rec", "reading", 0, -1,
	    -1, "read this"));
	accepted(c, key_other, a);
	refused_st(c, key_other, conv_rev(c, key_other, now, a->id, "no links",
	    json_pack("{s:[]}", "links")), 422, "invalid_statement");
	/* Text only: the links stay. */
	accepted(c, key_other, conv_rev(c, key_other, now, a->id, "still",
	    NULL));
	j = get_annotation(c, a->id);
	assert_int_equal(json_array_size(json_object_get(j, "links")), 1);
	/* A reading no more may drop them. */
	accepted(c, key_other, conv_rev(c, key_other, now + 1, a->id,
	    "a comment now", json_pack("{s:s, s:[]}", "kind", "comment",
	    "links")));
	j = get_annotation(c, a->id);
	assert_string_equal(jstr(j, "kind"), "comment");
	assert_int_equal(json_array_size(json_object_get(j, "links")), 0);

	/* A comment made a reading needs a link somewhere in the chain. */
	b = conv_ann(c, key_other, now, "plain", NULL);
	accepted(c, key_other, b);
	refused_st(c, key_other, conv_rev(c, key_other, now, b->id, "reading",
	    json_pack("{s:s}", "kind", "reading")), 422, "invalid_statement");
	accepted(c, key_other, conv_rev(c, key_other, now, b->id, "reading",
	    json_pack("{s:s, s:[{s:s}]}", "kind", "reading", "links", "url",
	    "https://example.org/x")));
	j = get_annotation(c, b->id);
	assert_string_equal(jstr(j, "kind"), "reading");
	assert_string_equal(jstr(json_array_get(json_object_get(j, "links"),
	    0), "url"), "https://example.org/x");
}

/* Retractions: by the author, of an annotation or endorsement, once. */
static void
test_conv_retraction_rules(void **state)
{
	struct ctx		*c = *state;
	struct statement	*a, *r, *x, *p;
	time_t			 now = time(NULL);
	int64_t			 seq;

	a = conv_ann(c, key_other, now, "retract me", NULL);
	accepted(c, key_other, a);
	refused_st(c, key_third, conv_retract(c, key_third, now, a->id, NULL),
	    403, "not_author");
	/* A record statement, by its author. */
	refused_st(c, key_curator, conv_retract(c, key_curator, now,
	    c->record->id, NULL), 422, "not_retractable");
	/* A revision, a profile. */
	r = conv_rev(c, key_other, now, a->id, "revised", NULL);
	accepted(c, key_other, r);
	refused_st(c, key_other, conv_retract(c, key_other, now, r->id, NULL),
	    422, "not_retractable");
	p = conv_st(c, key_other, "profile", now, json_pack("{s:s}", "name",
	    "Other"));
	accepted(c, key_other, p);
	refused_st(c, key_other, conv_retract(c, key_other, now, p->id, NULL),
	    422, "not_retractable");
	/* Nothing. */
	refused_st(c, key_other, conv_retract(c, key_other, now, NO_ID, NULL),
	    422, "unknown_statement");

	x = conv_retract(c, key_other, now, a->id, "changed my mind");
	seq = accepted(c, key_other, x);
	/* The same retraction again is the stored one. */
	post_st(c, key_other, x, time(NULL));
	assert_int_equal(check_accepted(c, x, 200), seq);
	/* Another one: already retracted. */
	refused_st(c, key_other, conv_retract(c, key_other, now, a->id,
	    "twice"), 409, "retracted");
	refused_st(c, key_other, conv_retract(c, key_other, now + 1, a->id,
	    NULL), 409, "retracted");
	/* A retraction of the retraction is not a thing. */
	refused_st(c, key_other, conv_retract(c, key_other, now, x->id, NULL),
	    422, "not_retractable");
}

/*
 * A retracted annotation answers 410 with its retraction, is gone from
 * listings, search and counts, and its statements still verify.
 */
static void
test_conv_retracted_gone(void **state)
{
	struct ctx		*c = *state;
	struct statement	*a, *keep, *x, *back;
	json_t			*j, *e, *rj, *inner;
	const char		*code, *sig;
	char			*message;
	time_t			 now = time(NULL);

	a = conv_ann(c, key_other, now, "ephemeral wombat", NULL);
	accepted(c, key_other, a);
	keep = conv_ann(c, key_other, now, "lasting wombat", NULL);
	accepted(c, key_other, keep);
	x = conv_retract(c, key_other, now, a->id, "wrong");
	accepted(c, key_other, x);

	getf(c, "/v1/annotations/%s", a->id);
	check_status(c, 410);
	j = body_json(c);
	e = json_object_get(j, "error");
	assert_string_equal(jstr(e, "code"), "retracted");
	assert_true(json_is_string(json_object_get(e, "message")));
	rj = json_object_get(j, "retraction");
	assert_true(json_is_object(rj));
	assert_string_equal(jstr(rj, "id"), x->id);
	assert_true(json_is_integer(json_object_get(rj, "seq")));
	inner = json_object_get(rj, "statement");
	assert_true(json_equal(inner, x->root));
	assert_string_equal(jstr(inner, "of"), a->id);
	/* The retraction in the answer verifies. */
	sig = jstr(rj, "minisig");
	back = keep_st(c, fixture_statement(json_deep_copy(inner)));
	assert_string_equal(back->id, x->id);
	if (stmt_verify(back, sig, strlen(sig), &code, &message) != 0) {
		keep_mem(c, message);
		fail_msg("the retraction does not verify: %s", message);
	}

	/* Its history is gone too; its thread stays, with it a stub. */
	getf(c, "/v1/annotations/%s/revisions", a->id);
	check_status(c, 410);
	getf(c, "/v1/annotations/%s/thread", a->id);
	check_status(c, 200);
	j = json_object_get(body_json(c), "tree");
	assert_string_equal(jstr(j, "status"), "retracted");
	assert_null(json_object_get(j, "text"));

	/* Listings, counts, search. */
	get(c, "/v1/records/rec/annotations");
	check_status(c, 200);
	j = body_json(c);
	assert_int_equal(json_array_size(json_object_get(j, "annotations")),
	    1);
	assert_string_equal(jstr(json_array_get(json_object_get(j,
	    "annotations"), 0), "id"), keep->id);
	assert_int_equal(jint(get_ok(c, "/v1/records/rec"), "annotations"), 1);
	j = get_ok(c, "/v1/search?q=wombat");
	assert_int_equal(json_array_size(json_object_get(j, "results")), 1);
	assert_string_equal(jstr(json_array_get(json_object_get(j, "results"),
	    0), "id"), keep->id);
	j = get_ok(c, "/v1/search?q=ephemeral");
	assert_int_equal(json_array_size(json_object_get(j, "results")), 0);

	/* Both statements stay in the log. */
	get(c, "/v1/log");
	check_status(c, 200);
	assert_non_null(strstr(body(c), a->id));
	assert_non_null(strstr(body(c), x->id));

	/* The annotation's own statement is still served, and verifies. */
	getf(c, "/v1/statements/%s", a->id);
	check_status(c, 200);
	j = body_json(c);
	assert_true(json_equal(json_object_get(j, "statement"), a->root));
	sig = jstr(j, "minisig");
	if (stmt_verify(a, sig, strlen(sig), &code, &message) != 0) {
		keep_mem(c, message);
		fail_msg("the retracted annotation does not verify: %s",
		    message);
	}
}

/* Replies: not to a retracted annotation; placed by their parent. */
static void
test_conv_reply_rules(void **state)
{
	struct ctx		*c = *state;
	struct statement	*p, *gone, *r, *own;
	json_t			*j, *list;
	time_t			 now = time(NULL);

	/* Parent on talk 2 at 1:30-1:35. */
	p = conv_ann(c, key_other, now, "parent",
	    json_pack("{s:i, s:{s:i, s:i}}", "talk", 2, "at", "start", 90000,
	    "end", 95000));
	accepted(c, key_other, p);
	gone = conv_ann(c, key_other, now, "gone", NULL);
	accepted(c, key_other, gone);
	accepted(c, key_other, conv_retract(c, key_other, now, gone->id,
	    NULL));

	refused_st(c, key_third, conv_ann(c, key_third, now, "too late",
	    json_pack("{s:s}", "reply_to", gone->id)), 422,
	    "reply_to_retracted");
	refused_st(c, key_third, conv_ann(c, key_third, now, "to nothing",
	    json_pack("{s:s}", "reply_to", NO_ID)), 422,
	    "unknown_annotation");

	/* No place of its own: the parent's talk and span. */
	r = conv_ann(c, key_third, now, "a reply",
	    json_pack("{s:s}", "reply_to", p->id));
	accepted(c, key_third, r);
	j = get_annotation(c, r->id);
	assert_int_equal(jint(j, "talk"), 2);
	assert_null(json_object_get(j, "at"));
	assert_string_equal(jstr(j, "reply_to"), p->id);
	assert_string_equal(jstr(j, "root"), p->id);
	assert_int_equal(jint(get_annotation(c, p->id), "replies"), 1);
	/* Listed with its parent, by talk and by time. */
	get(c, "/v1/records/rec/annotations?talk=2");
	check_status(c, 200);
	list = json_object_get(body_json(c), "annotations");
	assert_int_equal(json_array_size(list), 2);
	get(c, "/v1/records/rec/annotations?from=92000&to=92000");
	check_status(c, 200);
	list = json_object_get(body_json(c), "annotations");
	assert_int_equal(json_array_size(list), 2);
	assert_string_equal(jstr(json_array_get(list, 0), "id"), p->id);
	assert_string_equal(jstr(json_array_get(list, 1), "id"), r->id);

	/* A place of its own is its own. */
	own = conv_ann(c, key_third, now, "on talk 3",
	    json_pack("{s:s, s:i}", "reply_to", p->id, "talk", 3));
	accepted(c, key_third, own);
	assert_int_equal(jint(get_annotation(c, own->id), "talk"), 3);
	assert_int_equal(jint(get_annotation(c, p->id), "replies"), 2);

	/* A revision of the reply that names no place keeps it there. */
	accepted(c, key_third, conv_rev(c, key_third, now, r->id,
	    "a better reply", NULL));
	j = get_annotation(c, r->id);
	assert_string_equal(jstr(j, "text"), "a better reply");
	assert_int_equal(jint(j, "talk"), 2);
	get(c, "/v1/records/rec/annotations?from=92000&to=92000");
	check_status(c, 200);
	list = json_object_get(body_json(c), "annotations");
	assert_int_equal(json_array_size(list), 2);
}

/* Endorsements: one per key; unendorse and retraction take it back. */
static void
test_conv_endorse(void **state)
{
	struct ctx		*c = *state;
	struct statement	*a, *e1, *e2, *gone;
	json_t			*j;
	time_t			 now = time(NULL);
	int64_t			 seq, before;

	a = conv_ann(c, key_other, now, "endorse me", NULL);
	accepted(c, key_other, a);
	e1 = conv_endorse(c, key_third, now - 1, "endorse", a->id);
	seq = accepted(c, key_third, e1);
	assert_int_equal(jint(get_annotation(c, a->id), "endorsements"), 1);
	/* Counts appear in listings. */
	get(c, "/v1/records/rec/annotations");
	check_status(c, 200);
	assert_int_equal(jint(json_array_get(json_object_get(body_json(c),
	    "annotations"), 0), "endorsements"), 1);

	/* A second endorse: the first one's id, nothing stored. */
	e2 = conv_endorse(c, key_third, now, "endorse", a->id);
	before = store_count(c->gd.store);
	post_st(c, key_third, e2, time(NULL));
	check_status(c, 200);
	j = body_json(c);
	assert_string_equal(jstr(j, "id"), e1->id);
	assert_int_equal(jint(j, "seq"), seq);
	assert_string_equal(jstr(j, "type"), "endorse");
	assert_string_equal(c->resp.location,
	    replace(c, "/v1/statements/ID", "ID", e1->id));
	assert_int_equal(store_count(c->gd.store), before);
	getf(c, "/v1/statements/%s", e2->id);
	check_error(c, 404, "not_found");
	assert_int_equal(jint(get_annotation(c, a->id), "endorsements"), 1);

	/* Unendorse by a key that does not endorse it. */
	refused_st(c, key_curator, conv_endorse(c, key_curator, now,
	    "unendorse", a->id), 409, "not_endorsed");
	/* Of nothing. */
	refused_st(c, key_third, conv_endorse(c, key_third, now, "endorse",
	    NO_ID), 422, "unknown_annotation");
	refused_st(c, key_third, conv_endorse(c, key_third, now, "unendorse",
	    NO_ID), 422, "unknown_annotation");

	accepted(c, key_third, conv_endorse(c, key_third, now, "unendorse",
	    a->id));
	assert_int_equal(jint(get_annotation(c, a->id), "endorsements"), 0);
	refused_st(c, key_third, conv_endorse(c, key_third, now + 1,
	    "unendorse", a->id), 409, "not_endorsed");
	/* Endorsing again is a new endorsement. */
	accepted(c, key_third, e2);
	assert_int_equal(jint(get_annotation(c, a->id), "endorsements"), 1);

	/* Retracting the endorse statement takes it back; once. */
	refused_st(c, key_other, conv_retract(c, key_other, now, e2->id,
	    NULL), 403, "not_author");
	accepted(c, key_third, conv_retract(c, key_third, now, e2->id, NULL));
	assert_int_equal(jint(get_annotation(c, a->id), "endorsements"), 0);
	refused_st(c, key_third, conv_retract(c, key_third, now, e2->id,
	    "again"), 409, "not_endorsed");
	/* An old endorse statement, superseded, cannot be retracted. */
	refused_st(c, key_third, conv_retract(c, key_third, now, e1->id,
	    NULL), 409, "not_endorsed");

	/* A retracted annotation takes no new endorsements. */
	gone = conv_ann(c, key_other, now, "gone", NULL);
	accepted(c, key_other, gone);
	accepted(c, key_other, conv_retract(c, key_other, now, gone->id,
	    NULL));
	refused_st(c, key_third, conv_endorse(c, key_third, now, "endorse",
	    gone->id), 409, "retracted");
}

/* GET /v1/annotations/{id}/thread: the whole tree, from any member. */
static void
test_conv_thread(void **state)
{
	struct ctx		*c = *state;
	struct statement	*a, *b, *cc, *d;
	json_t			*j, *tree, *kids, *bk;
	time_t			 now = time(NULL);

	a = conv_ann(c, key_other, now, "level one", NULL);
	accepted(c, key_other, a);
	b = conv_ann(c, key_third, now, "level two",
	    json_pack("{s:s}", "reply_to", a->id));
	accepted(c, key_third, b);
	cc = conv_ann(c, key_other, now, "level three",
	    json_pack("{s:s}", "reply_to", b->id));
	accepted(c, key_other, cc);
	d = conv_ann(c, key_curator, now, "level two again",
	    json_pack("{s:s}", "reply_to", a->id));
	accepted(c, key_curator, d);

	getf(c, "/v1/annotations/%s/thread", cc->id);
	check_status(c, 200);
	j = body_json(c);
	assert_string_equal(jstr(j, "root"), a->id);
	assert_int_equal(jint(j, "annotations"), 4);
	tree = json_object_get(j, "tree");
	assert_string_equal(jstr(tree, "id"), a->id);
	assert_string_equal(jstr(tree, "text"), "level one");
	kids = json_object_get(tree, "thread");
	assert_int_equal(json_array_size(kids), 2);
	bk = json_array_get(kids, 0);
	assert_string_equal(jstr(bk, "id"), b->id);
	assert_string_equal(jstr(json_array_get(kids, 1), "id"), d->id);
	assert_int_equal(json_array_size(json_object_get(json_array_get(kids,
	    1), "thread")), 0);
	assert_int_equal(json_array_size(json_object_get(bk, "thread")), 1);
	assert_string_equal(jstr(json_array_get(json_object_get(bk, "thread"),
	    0), "id"), cc->id);
	assert_string_equal(jstr(json_array_get(json_object_get(bk, "thread"),
	    0), "root"), a->id);

	/* The same from the root. */
	getf(c, "/v1/annotations/%s/thread", a->id);
	check_status(c, 200);
	assert_true(json_equal(json_object_get(body_json(c), "tree"), tree));

	/* A retracted middle stays as a stub holding its replies. */
	accepted(c, key_third, conv_retract(c, key_third, now, b->id, NULL));
	getf(c, "/v1/annotations/%s/thread", a->id);
	check_status(c, 200);
	j = body_json(c);
	bk = json_array_get(json_object_get(json_object_get(j, "tree"),
	    "thread"), 0);
	assert_string_equal(jstr(bk, "id"), b->id);
	assert_string_equal(jstr(bk, "status"), "retracted");
	assert_null(json_object_get(bk, "text"));
	assert_string_equal(jstr(json_array_get(json_object_get(bk, "thread"),
	    0), "id"), cc->id);
	assert_int_equal(jint(get_annotation(c, a->id), "replies"), 1);

	/* Unknown and malformed ids. */
	getf(c, "/v1/annotations/%s/thread", NO_ID);
	check_error(c, 404, "not_found");
	get(c, "/v1/annotations/xyz/thread");
	check_error(c, 404, "not_found");
}

/*
 * A thread answer holds at most API_THREAD_MAX annotations, the first to
 * arrive: a thread of exactly that many is whole, one more is truncated.
 */
static void
test_conv_thread_limit(void **state)
{
	struct ctx		*c = *state;
	struct statement	*root;
	json_t			*j, *reply;
	time_t			 now = time(NULL);
	char			 text[32];
	int			 i;

	root = conv_ann(c, key_other, now, "the top", NULL);
	accepted(c, key_other, root);
	for (i = 1; i <= API_THREAD_MAX; i++) {
		if (i == API_THREAD_MAX) {
			getf(c, "/v1/annotations/%s/thread", root->id);
			check_status(c, 200);
			j = body_json(c);
			assert_int_equal(jint(j, "annotations"),
			    API_THREAD_MAX);
			assert_false(json_is_true(json_object_get(j,
			    "truncated")));
			assert_int_equal(json_array_size(json_object_get(
			    json_object_get(j, "tree"), "thread")),
			    API_THREAD_MAX - 1);
		}
		snprintf(text, sizeof text, "reply %d", i);
		reply = json_pack("{s:s}", "reply_to", root->id);
		accepted(c, i % 2 ? key_third : key_curator,
		    conv_ann(c, i % 2 ? key_third : key_curator, now, text,
		    reply));
	}
	getf(c, "/v1/annotations/%s/thread", root->id);
	check_status(c, 200);
	j = body_json(c);
	assert_int_equal(jint(j, "annotations"), API_THREAD_MAX);
	assert_true(json_is_true(json_object_get(j, "truncated")));
	reply = json_object_get(json_object_get(j, "tree"), "thread");
	assert_int_equal(json_array_size(reply), API_THREAD_MAX - 1);
	snprintf(text, sizeof text, "reply %d", API_THREAD_MAX - 1);
	assert_string_equal(jstr(json_array_get(reply, API_THREAD_MAX - 2),
	    "text"), text);
}

/*
 * POST the statement text s (as it is: not run through stmt_from_json),
 * signed by k over exactly those bytes; it must be refused.
 */
static void
refused_raw(struct ctx *c, const struct fixture_key *k, const char *s,
    int status, const char *code)
{
	char	id[GLOSS_ID_LEN + 1], trusted[128], *sig;

	stmt_sha256_hex(s, strlen(s), id);
	stmt_trusted_comment(id, trusted, sizeof trusted);
	sig = keep_mem(c, minisig_sign(k->sk, s, strlen(s), trusted, NULL));
	assert_non_null(sig);
	refused(c, wire(c, s, strlen(s), sig), time(NULL), status, code);
}

/*
 * base64 in a path: '/' and (when plus) '+' percent-encoded, in upper or
 * lower case hex (freed by teardown).
 */
static char *
path_escape(struct ctx *c, const char *s, int lower, int plus)
{
	struct buf	b;

	buf_init(&b);
	for (; *s != '\0'; s++) {
		if (*s == '/' || (plus && *s == '+'))
			buf_printf(&b, lower ? "%%%02x" : "%%%02X",
			    (unsigned char)*s);
		else
			buf_putc(&b, *s);
	}
	return keep_mem(c, buf_take(&b));
}

/* GET /v1/keys/{key}: profile, counts, first seen. */
static void
test_conv_keys(void **state)
{
	struct ctx		*c = *state;
	struct fixture_key	*k;
	struct statement	*a, *p;
	json_t			*j;
	char			 keyid[17];
	time_t			 now = time(NULL);
	int			 tries;

	for (tries = 0; tries < 500; tries++) {
		k = fixture_key_new();
		if (strchr(k->pubkey, '/') != NULL &&
		    strchr(k->pubkey, '+') != NULL)
			break;
		fixture_key_free(k);
		k = NULL;
	}
	assert_non_null(k);
	slash_key = k;

	a = conv_ann(c, k, now, "keyed", NULL);
	accepted(c, k, a);
	p = conv_st(c, k, "profile", now, json_pack("{s:s, s:s, s:s}",
	    "name", "Ada \xc3\x89. Lovelace", "url", "https://ada.example/",
	    "about", "Notes on the engine."));
	accepted(c, k, p);

	getf(c, "/v1/keys/%s", path_escape(c, k->pubkey, 0, 1));
	check_status(c, 200);
	j = body_json(c);
	assert_string_equal(jstr(j, "key"), k->pubkey);
	minisig_keyid(&k->pk, keyid);
	assert_string_equal(jstr(j, "keyid"), keyid);
	assert_string_equal(jstr(j, "name"), "Ada \xc3\x89. Lovelace");
	assert_string_equal(jstr(j, "url"), "https://ada.example/");
	assert_string_equal(jstr(j, "about"), "Notes on the engine.");
	assert_string_equal(jstr(j, "profile"), p->id);
	assert_int_equal(jint(j, "statements"), 2);
	assert_int_equal(jint(j, "annotations"), 1);
	assert_true(json_is_string(json_object_get(j, "first_seen")));
	assert_int_equal(strlen(jstr(j, "first_seen")), 20);

	/* Lower-case escapes, and a raw '+' (no '+' to space in a path). */
	getf(c, "/v1/keys/%s", path_escape(c, k->pubkey, 1, 1));
	check_status(c, 200);
	assert_string_equal(jstr(body_json(c), "key"), k->pubkey);
	getf(c, "/v1/keys/%s", path_escape(c, k->pubkey, 0, 0));
	check_status(c, 200);
	assert_string_equal(jstr(body_json(c), "key"), k->pubkey);

	/* The name shows beside the author in listings. */
	j = get_annotation(c, a->id);
	assert_string_equal(jstr(j, "name"), "Ada \xc3\x89. Lovelace");
	assert_string_equal(jstr(j, "author"), k->pubkey);

	/* A key without a profile: null name. */
	getf(c, "/v1/keys/%s", path_escape(c, key_curator->pubkey, 0, 1));
	check_status(c, 200);
	j = body_json(c);
	assert_true(json_is_null(json_object_get(j, "name")));
	assert_true(json_is_null(json_object_get(j, "profile")));
	assert_int_equal(jint(j, "statements"), 1);
	assert_int_equal(jint(j, "annotations"), 0);

	/* A valid key that signed nothing; something that is no key. */
	getf(c, "/v1/keys/%s", path_escape(c, key_third->pubkey, 0, 1));
	check_error(c, 404, "not_found");
	get(c, "/v1/keys/RWnotakey");
	check_error(c, 404, "not_found");
	/* Unescaped, the '/' splits the path: no such route. */
	getf(c, "/v1/keys/%s", k->pubkey);
	check_error(c, 404, "not_found");

	/*
	 * Hostile profiles (which the client would not sign: made by hand
	 * from a good one, signed as they are) are refused, change nothing.
	 */
	p = conv_st(c, k, "profile", now + 1, json_pack("{s:s}", "name",
	    "NAME"));
	refused_raw(c, k, replace(c, p->canonical, "\"NAME\"",
	    "\"\xe2\x80\xae" "ecalevoL\""), 422, "invalid_statement");
	refused_raw(c, k, replace(c, p->canonical, "\"NAME\"",
	    "\"\xe2\x81\xa6" "Ada\xe2\x81\xa9\""), 422,
	    "invalid_statement");
	refused_raw(c, k, replace(c, p->canonical, "\"NAME\"",
	    "\"Ada\\u001b[2J\""), 422, "invalid_statement");
	refused_raw(c, k, replace(c, p->canonical, "\"NAME\"",
	    "\"Ada\\nLovelace\""), 422, "invalid_statement");
	refused_raw(c, k, replace(c, p->canonical, "\"NAME\"",
	    "\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\""), 422, "invalid_statement");
	getf(c, "/v1/keys/%s", path_escape(c, k->pubkey, 0, 1));
	check_status(c, 200);
	assert_string_equal(jstr(body_json(c), "name"),
	    "Ada \xc3\x89. Lovelace");
}

/* A search URL for q, escaped for a query string (freed by teardown). */
static const char *
search_url(struct ctx *c, const char *q, const char *rest)
{
	struct buf	b;

	buf_init(&b);
	buf_puts(&b, "/v1/search?q=");
	for (; *q != '\0'; q++) {
		if ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
		    (*q >= '0' && *q <= '9'))
			buf_putc(&b, *q);
		else
			buf_printf(&b, "%%%02X", (unsigned char)*q);
	}
	if (rest != NULL)
		buf_puts(&b, rest);
	return keep_mem(c, buf_take(&b));
}

/* GET /v1/search: bad queries, FTS syntax, filters and paging. */
static void
test_conv_search(void **state)
{
	static const char *const hostile[] = {
		"\"a\" OR b* NEAR( -x ^y",
		"*", "**", "-*", "\"", "\"\"", "\"*", "(", ")", "()", ":",
		"text:zebra", "titles:zebra", "{text titles}: zebra",
		"zebra AND", "NOT zebra", "zebra OR", "NEAR(zebra yak, 2)",
		"^", "+", "'", "\\", "zebra\"", "ze\"bra", "zebra*", "z*",
		"a\"*", "rank:x", "col:*", "\xc3\xa9*", "- - -", "' OR 1=1 --",
	};
	struct ctx		*c = *state;
	struct statement	*z, *r;
	json_t			*j, *res;
	char			 words[512], text[64];
	size_t			 i;
	time_t			 now = time(NULL);
	const char		*next;

	z = conv_ann(c, key_other, now, "the zebra crossing", NULL);
	accepted(c, key_other, z);
	accepted(c, key_other, conv_ann(c, key_other, now, "a critique",
	    json_pack("{s:s, s:[{s:s, s:s}]}", "kind", "reading", "links",
	    "url", "https://q.example/", "title", "Quokka habitats")));

	/* q: missing, empty, blank, 17 words, 257 bytes. */
	get(c, "/v1/search");
	check_error(c, 400, "bad_query");
	get(c, "/v1/search?q=");
	check_error(c, 400, "bad_query");
	get(c, "/v1/search?q=%20%20%09");
	check_error(c, 400, "bad_query");
	words[0] = '\0';
	for (i = 0; i < 17; i++)
		strcat(words, i == 0 ? "w" : " w");
	get(c, search_url(c, words, NULL));
	check_error(c, 400, "bad_query");
	words[strlen(words) - 2] = '\0';	/* 16 words */
	get(c, search_url(c, words, NULL));
	check_status(c, 200);
	memset(words, 'z', 257);
	words[257] = '\0';
	get(c, search_url(c, words, NULL));
	check_error(c, 400, "bad_query");
	words[256] = '\0';
	get(c, search_url(c, words, NULL));
	check_status(c, 200);

	/* FTS5 syntax in q is text, never a 500. */
	for (i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
		get(c, search_url(c, hostile[i], NULL));
		if (c->resp.status != 200 && c->resp.status != 400)
			fail_msg("q=%s: status %d: %s", hostile[i],
			    c->resp.status, body(c));
		if (c->resp.status == 200)
			assert_true(json_is_array(json_object_get(body_json(c),
			    "results")));
	}
	/* Operators are words: OR is not a disjunction. */
	j = get_ok(c, search_url(c, "zebra OR quokka", NULL));
	assert_int_equal(json_array_size(json_object_get(j, "results")), 0);
	j = get_ok(c, search_url(c, "zebra crossing", NULL));
	assert_int_equal(json_array_size(json_object_get(j, "results")), 1);
	j = get_ok(c, search_url(c, "zeb*", NULL));
	res = json_object_get(j, "results");
	assert_int_equal(json_array_size(res), 1);
	assert_string_equal(jstr(json_array_get(res, 0), "id"), z->id);
	assert_non_null(strstr(jstr(json_array_get(res, 0), "snippet"),
	    "[zebra]"));
	/* Link titles. */
	j = get_ok(c, search_url(c, "quokka", NULL));
	assert_int_equal(json_array_size(json_object_get(j, "results")), 1);

	/* Filters. */
	j = get_ok(c, search_url(c, "quokka", "&kind=reading"));
	assert_int_equal(json_array_size(json_object_get(j, "results")), 1);
	j = get_ok(c, search_url(c, "quokka", "&kind=comment"));
	assert_int_equal(json_array_size(json_object_get(j, "results")), 0);
	j = get_ok(c, search_url(c, "quokka", "&record=rec"));
	assert_int_equal(json_array_size(json_object_get(j, "results")), 1);
	accepted(c, key_curator, keep_st(c, fixture_record(key_curator,
	    "other")));
	j = get_ok(c, search_url(c, "quokka", "&record=other"));
	assert_int_equal(json_array_size(json_object_get(j, "results")), 0);
	/* A record that is not here is said to be so, not found empty. */
	get(c, search_url(c, "quokka", "&record=otter"));
	check_error(c, 404, "unknown_record");
	get(c, search_url(c, "quokka", "&kind=flag"));
	check_error(c, 400, "bad_query");
	get(c, search_url(c, "quokka", "&record=Not%20a%20rid"));
	check_error(c, 400, "bad_query");
	get(c, search_url(c, "quokka", "&limit=0"));
	check_error(c, 400, "bad_query");
	get(c, search_url(c, "quokka", "&limit=501"));
	check_error(c, 400, "bad_query");
	get(c, search_url(c, "quokka", "&after=-1"));
	check_error(c, 400, "bad_query");
	get(c, search_url(c, "quokka", "&after=10001"));
	check_error(c, 400, "bad_query");

	/* After a revision: the new words only. */
	r = conv_rev(c, key_other, now, z->id, "the yak crossing", NULL);
	accepted(c, key_other, r);
	j = get_ok(c, search_url(c, "zebra", NULL));
	assert_int_equal(json_array_size(json_object_get(j, "results")), 0);
	j = get_ok(c, search_url(c, "yak", NULL));
	assert_int_equal(json_array_size(json_object_get(j, "results")), 1);

	/* Paging: 5 matches, 2 at a time. */
	for (i = 0; i < 5; i++) {
		snprintf(text, sizeof text, "marmot number %zu", i);
		accepted(c, key_third, conv_ann(c, key_third, now, text,
		    NULL));
	}
	j = get_ok(c, search_url(c, "marmot", "&limit=2"));
	assert_int_equal(json_array_size(json_object_get(j, "results")), 2);
	next = jstr(j, "next");
	assert_string_equal(next, "2");
	j = get_ok(c, search_url(c, "marmot", "&limit=2&after=2"));
	assert_int_equal(json_array_size(json_object_get(j, "results")), 2);
	assert_string_equal(jstr(j, "next"), "4");
	j = get_ok(c, search_url(c, "marmot", "&limit=2&after=4"));
	assert_int_equal(json_array_size(json_object_get(j, "results")), 1);
	assert_true(json_is_null(json_object_get(j, "next")));
	j = get_ok(c, search_url(c, "marmot", "&limit=5"));
	assert_int_equal(json_array_size(json_object_get(j, "results")), 5);
	assert_true(json_is_null(json_object_get(j, "next")));
	j = get_ok(c, search_url(c, "marmot", "&after=9"));
	assert_int_equal(json_array_size(json_object_get(j, "results")), 0);
}

/*
 * POST text with an Authorization header (NULL: none) to target, the
 * request URI with its query, the way http.c fills a request that
 * carries a signature.
 */
static void
post_authz(struct ctx *c, const char *text, time_t now, const char *authz,
    const char *target)
{
	const char	*q;

	call_clear(c);
	memset(&c->req, 0, sizeof c->req);
	http_response_init(&c->resp);
	c->active = 1;
	c->target = xstrdup(target != NULL ? target : "(no target)");
	c->path = xstrdup("/v1/statements");
	c->req.method = HTTP_POST;
	c->req.path = c->path;
	c->req.target = target != NULL ? c->target : NULL;
	c->req.authz = authz;
	c->req.body = text;
	c->req.body_len = strlen(text);
	c->req.now = now;
	if (target != NULL && (q = strchr(target, '?')) != NULL &&
	    http_parse_query(q + 1, &c->req) == -1)
		fail_msg("the query of %s does not parse", target);
	http_dispatch(&c->gd, &c->req, &c->resp);
}

/* How post_imported spoils an importer request, if it does. */
enum spoil {
	SPOIL_NONE,
	SPOIL_PATH,		/* signs another path */
	SPOIL_QUERY,		/* signs an added query parameter */
	SPOIL_NO_HASH,		/* no ?body= at all, signed as sent */
	SPOIL_UNSIGNED_HASH,	/* ?body= sent but left out of the signature */
	SPOIL_OTHER_BODY,	/* header and URI made for another body */
	SPOIL_UPPER_HASH,	/* the hash in upper case, signed as sent */
};

/*
 * POST st, signed by k, as an import: the request URI names the SHA-256
 * of the body in ?body=, and an Authorization header by signer (NULL:
 * none) signs method and that URI at ts, unless spoil says otherwise.
 */
static void
post_imported(struct ctx *c, const struct fixture_key *k,
    const struct statement *st, const struct fixture_key *signer,
    const char *method, enum spoil spoil, time_t ts, time_t now)
{
	const char	*text, *target, *signed_target, *authz = NULL;
	char		 hash[GLOSS_ID_LEN + 1], *p;

	text = wire(c, st->canonical, st->canonical_len,
	    keep_mem(c, fixture_sign(k, st)));
	if (spoil == SPOIL_OTHER_BODY)
		stmt_sha256_hex("{}", 2, hash);
	else
		stmt_sha256_hex(text, strlen(text), hash);
	if (spoil == SPOIL_UPPER_HASH)
		for (p = hash; *p != '\0'; p++)
			if (*p >= 'a' && *p <= 'f')
				*p = *p - 'a' + 'A';
	xasprintf(&p, "/v1/statements?body=%s", hash);
	target = keep_mem(c, p);
	signed_target = target;
	switch (spoil) {
	case SPOIL_PATH:
		signed_target = replace(c, target, "statements", "statementz");
		break;
	case SPOIL_QUERY:
		xasprintf(&p, "%s&x=1", target);
		signed_target = keep_mem(c, p);
		break;
	case SPOIL_NO_HASH:
		target = signed_target = "/v1/statements";
		break;
	case SPOIL_UNSIGNED_HASH:
		signed_target = "/v1/statements";
		break;
	default:
		break;
	}
	if (signer != NULL)
		authz = keep_mem(c, reqsig_sign(signer->sk, method,
		    signed_target, ts));
	post_authz(c, text, now, authz, target);
}

/* An importer key replays old statements and others' records. */
static void
test_conv_importer(void **state)
{
	struct ctx		*c = *state;
	struct statement	*old, *rec, *recnow, *oldrev;
	time_t			 now = time(NULL), then;
	int64_t			 before;

	assert_int_equal(timefmt_parse_rfc3339("2020-01-02T03:04:05Z", &then),
	    0);
	keys_add(&c->gd.cfg.importers, key_third);

	old = conv_ann(c, key_other, then, "said in 2020", NULL);
	rec = keep_st(c, fixture_statement(json_pack("{s:i, s:s, s:s, s:s, "
	    "s:s, s:s, s:I, s:[{s:I, s:s}]}", "v", 1, "type", "record",
	    "author", key_other->pubkey, "created", created_at(c, then),
	    "record", "imported", "title", "Imported", "duration",
	    (json_int_t)60000, "talks", "start", (json_int_t)0, "title",
	    "All")));
	recnow = rebuild(c, rec, "created", json_string(created_at(c, now)));
	recnow = rebuild(c, recnow, "record", json_string("imported-now"));

	/* Unsigned: the clock and the curator rule apply. */
	before = store_count(c->gd.store);
	post_imported(c, key_other, old, NULL, NULL, SPOIL_NONE, 0, now);
	check_error(c, 422, "clock_skew");
	post_imported(c, key_other, recnow, NULL, NULL, SPOIL_NONE, 0, now);
	check_error(c, 403, "not_curator");
	/* Signed by a key that is not an importer. */
	post_imported(c, key_other, old, key_other, "POST", SPOIL_NONE, now,
	    now);
	check_error(c, 403, "not_importer");
	/* Bad signatures: another path, query, method, time; garbage. */
	post_imported(c, key_other, old, key_third, "POST", SPOIL_PATH, now,
	    now);
	check_error(c, 401, "bad_request_signature");
	post_imported(c, key_other, old, key_third, "POST", SPOIL_QUERY, now,
	    now);
	check_error(c, 401, "bad_request_signature");
	post_imported(c, key_other, old, key_third, "GET", SPOIL_NONE, now,
	    now);
	check_error(c, 401, "bad_request_signature");
	post_imported(c, key_other, old, key_third, "POST", SPOIL_NONE,
	    now - REQSIG_WINDOW - 1, now);
	check_error(c, 401, "bad_request_signature");
	post_imported(c, key_other, old, key_third, "POST", SPOIL_NONE,
	    now + REQSIG_WINDOW + 1, now);
	check_error(c, 401, "bad_request_signature");
	post_authz(c, wire(c, old->canonical, old->canonical_len,
	    keep_mem(c, fixture_sign(key_other, old))), now,
	    "Bearer abc", "/v1/statements");
	check_error(c, 401, "bad_request_signature");
	/* No request URI to check the signature against. */
	post_authz(c, wire(c, old->canonical, old->canonical_len,
	    keep_mem(c, fixture_sign(key_other, old))), now,
	    keep_mem(c, reqsig_sign(key_third->sk, "POST", "/v1/statements",
	    now)), NULL);
	check_error(c, 401, "bad_request_signature");
	/* The body is bound: named, signed, and the one sent. */
	post_imported(c, key_other, old, key_third, "POST", SPOIL_NO_HASH,
	    now, now);
	check_error(c, 401, "bad_request_signature");
	post_imported(c, key_other, old, key_third, "POST",
	    SPOIL_UNSIGNED_HASH, now, now);
	check_error(c, 401, "bad_request_signature");
	post_imported(c, key_other, old, key_third, "POST", SPOIL_OTHER_BODY,
	    now, now);
	check_error(c, 401, "bad_request_signature");
	post_imported(c, key_other, old, key_third, "POST", SPOIL_UPPER_HASH,
	    now, now);
	check_error(c, 401, "bad_request_signature");
	assert_int_equal(store_count(c->gd.store), before);

	/* By the importer: accepted. */
	post_imported(c, key_other, old, key_third, "POST", SPOIL_NONE, now,
	    now);
	check_accepted(c, old, 201);
	post_imported(c, key_other, rec, key_third, "POST", SPOIL_NONE,
	    now - REQSIG_WINDOW, now);
	check_accepted(c, rec, 201);
	assert_int_equal(jint(get_ok(c, "/v1/records/imported"), "duration"),
	    60000);
	/* An old revision of the old annotation, in order. */
	oldrev = conv_rev(c, key_other, then + 60, old->id, "revised in 2020",
	    NULL);
	post_imported(c, key_other, oldrev, key_third, "POST", SPOIL_NONE,
	    now + REQSIG_WINDOW, now);
	check_accepted(c, oldrev, 201);
	assert_string_equal(jstr(get_annotation(c, old->id), "text"),
	    "revised in 2020");
	assert_int_equal(store_count(c->gd.store), before + 3);
	/* Import of what is stored answers 200. */
	post_imported(c, key_other, old, key_third, "POST", SPOIL_NONE, now,
	    now);
	check_accepted(c, old, 200);
	/* An importer's signature does not exempt the statement's own. */
	post_authz(c, wire(c, old->canonical, old->canonical_len,
	    keep_mem(c, fixture_sign(key_third, old))), now, NULL,
	    "/v1/statements");
	check_error(c, 401, "key_mismatch");
	/* A curator may import too (gloss import of a bundle). */
	old = conv_ann(c, key_other, then, "also said in 2020", NULL);
	post_imported(c, key_other, old, key_curator, "POST", SPOIL_NONE, now,
	    now);
	check_accepted(c, old, 201);
}

/*
 * A key may not endorse or flag its own annotation live, but a replay
 * brings such statements from an older log, and the endorsement stored
 * so may still be taken back.
 */
static void
test_conv_own_annotation(void **state)
{
	struct ctx		*c = *state;
	struct statement	*a, *e, *f;
	time_t			 now = time(NULL);
	int64_t			 before;

	a = conv_ann(c, key_other, now, "my own", NULL);
	accepted(c, key_other, a);
	e = conv_endorse(c, key_other, now, "endorse", a->id);
	f = conv_st(c, key_other, "flag", now, json_pack("{s:s, s:s}",
	    "subject", a->id, "reason", "spam"));
	before = store_count(c->gd.store);
	refused_st(c, key_other, e, 403, "own_annotation");
	refused_st(c, key_other, f, 403, "own_annotation");
	assert_int_equal(store_count(c->gd.store), before);
	/* Another key may. */
	accepted(c, key_third, conv_endorse(c, key_third, now, "endorse",
	    a->id));

	keys_add(&c->gd.cfg.importers, key_curator);
	post_imported(c, key_other, e, key_curator, "POST", SPOIL_NONE, now,
	    now);
	check_accepted(c, e, 201);
	post_imported(c, key_other, f, key_curator, "POST", SPOIL_NONE, now,
	    now);
	check_accepted(c, f, 201);
	assert_int_equal(jint(get_annotation(c, a->id), "endorsements"), 2);
	accepted(c, key_other, conv_endorse(c, key_other, now, "unendorse",
	    a->id));
	assert_int_equal(jint(get_annotation(c, a->id), "endorsements"), 1);
}

/*
 * A live revision that changes nothing (text, kind, talk, time and links
 * as they are) is refused, 409 no_change, whatever members it repeats; a
 * replayed one is stored, as its source took it.
 */
static void
test_conv_revision_no_change(void **state)
{
	struct ctx		*c = *state;
	struct statement	*a, *same;
	time_t			 now = time(NULL);
	int64_t			 before;

	a = conv_ann(c, key_other, now - 60, "as it is", json_pack("{s:i}",
	    "talk", 1));
	accepted(c, key_other, a);
	before = store_count(c->gd.store);
	refused_st(c, key_other, conv_rev(c, key_other, now - 50, a->id,
	    "as it is", NULL), 409, "no_change");
	refused_st(c, key_other, conv_rev(c, key_other, now - 50, a->id,
	    "as it is", json_pack("{s:s, s:i, s:[]}", "kind", "comment",
	    "talk", 1, "links")), 409, "no_change");
	assert_int_equal(store_count(c->gd.store), before);
	/* Any one member changed is a revision. */
	accepted(c, key_other, conv_rev(c, key_other, now - 40, a->id,
	    "as it is", json_pack("{s:[{s:s}]}", "links", "url",
	    "https://example.org/x")));
	refused_st(c, key_other, conv_rev(c, key_other, now - 30, a->id,
	    "as it is", json_pack("{s:[{s:s}]}", "links", "url",
	    "https://example.org/x")), 409, "no_change");
	accepted(c, key_other, conv_rev(c, key_other, now - 30, a->id,
	    "as it is", json_pack("{s:s}", "kind", "critique")));
	/* Replayed, it is stored. */
	keys_add(&c->gd.cfg.importers, key_curator);
	same = conv_rev(c, key_other, now - 20, a->id, "as it is", NULL);
	post_imported(c, key_other, same, key_curator, "POST", SPOIL_NONE,
	    now, now);
	check_accepted(c, same, 201);
	assert_int_equal(jint(get_annotation(c, a->id), "revisions"), 3);
}

/*
 * A revision arriving out of order is checked where it sorts in the
 * chain, not only at the end: the state it leaves there must fit the
 * record too, and so must the final state.
 */
static void
test_conv_revision_own_state(void **state)
{
	struct ctx		*c = *state;
	struct statement	*a, *late;
	json_t			*j;
	time_t			 now = time(NULL);

	/* On talk 1 [0, 60000); a later revision moves it to talk 2. */
	a = conv_ann(c, key_other, now - 60, "on talk one",
	    json_pack("{s:i}", "talk", 1));
	accepted(c, key_other, a);
	late = conv_rev(c, key_other, now - 10, a->id, "moved",
	    json_pack("{s:i, s:{s:i}}", "talk", 2, "at", "start", 90000));
	accepted(c, key_other, late);

	/*
	 * Created before "late": at 1:30 on talk 1 (outside it) where it
	 * sorts, although "late" would put the end state right.
	 */
	refused_st(c, key_other, conv_rev(c, key_other, now - 30, a->id,
	    "early", json_pack("{s:{s:i}}", "at", "start", 90000)), 422,
	    "time_outside_talk");
	/* Valid where it sorts, and the end state is "late"'s. */
	accepted(c, key_other, conv_rev(c, key_other, now - 30, a->id,
	    "early", json_pack("{s:{s:i}}", "at", "start", 30000)));
	j = get_annotation(c, a->id);
	assert_string_equal(jstr(j, "text"), "moved");
	assert_int_equal(jint(j, "talk"), 2);
	assert_int_equal(jint(json_object_get(j, "at"), "start"), 90000);
	assert_int_equal(jint(j, "revisions"), 2);
	/*
	 * Valid where it sorts, but a later stored revision (which drops
	 * the links) leaves a reading without links at the end.
	 */
	accepted(c, key_other, conv_rev(c, key_other, now - 5, a->id,
	    "no links", json_pack("{s:[]}", "links")));
	refused_st(c, key_other, conv_rev(c, key_other, now - 20, a->id,
	    "a reading", json_pack("{s:s, s:[{s:s}]}", "kind", "reading",
	    "links", "url", "https://example.org/r")), 422,
	    "invalid_statement");
	/* The same after it is fine. */
	accepted(c, key_other, conv_rev(c, key_other, now - 1, a->id,
	    "a reading", json_pack("{s:s, s:[{s:s}]}", "kind", "reading",
	    "links", "url", "https://example.org/r")));
	j = get_annotation(c, a->id);
	assert_string_equal(jstr(j, "kind"), "reading");
	assert_int_equal(jint(j, "revisions"), 4);
}

/*
 * Moderation (issue 4): pre-moderation, decisions and their allowed
 * transitions, bans, locks, flags, per-key rate limits, and the reads
 * moderators and authors sign.  The daemon here has the replay memory
 * auth_check needs and one moderator key, mod_key; tests that need more
 * keys make them with mod_key_new.  Requests go through http_dispatch
 * with the fields http.c fills for them: the request URI, the
 * Authorization header and the monotonic clock.
 */

#define MOD_KEYS_MAX	32

static struct fixture_key	*mod_key;		/* the moderator */
static struct fixture_key	*mod_keys[MOD_KEYS_MAX];
static size_t			 mod_nkeys;
static int			 mod_tick;
static int			 mod_sigs;	/* signed requests made */

/* A new key, freed by teardown_mod. */
static struct fixture_key *
mod_key_new(void)
{
	assert_true(mod_nkeys < MOD_KEYS_MAX);
	mod_keys[mod_nkeys] = fixture_key_new();
	return mod_keys[mod_nkeys++];
}

/* setup's record "rec", moderation none, mod_key the only moderator. */
static int
setup_mod(void **state)
{
	struct ctx	*c;

	if (setup(state) == -1)
		return -1;
	c = *state;
	mod_nkeys = 0;
	mod_tick = 0;
	mod_sigs = 0;
	mod_key = mod_key_new();
	c->gd.auth = auth_new();
	keys_add(&c->gd.cfg.moderators, mod_key);
	return 0;
}

static int
teardown_mod(void **state)
{
	struct ctx	*c = *state;
	size_t		 i;

	call_clear(c);
	auth_free(c->gd.auth);
	ratelimit_free(c->gd.rl_key);
	c->gd.auth = NULL;
	c->gd.rl_key = NULL;
	for (i = 0; i < mod_nkeys; i++)
		fixture_key_free(mod_keys[i]);
	mod_nkeys = 0;
	mod_key = NULL;
	return teardown(state);
}

/*
 * Run one request as http.c fills it: target (path and query) is also
 * the request URI, authz the Authorization header (NULL: none), now_ms
 * the monotonic clock.
 */
static void
mod_request(struct ctx *c, enum http_method method, const char *target,
    const char *text, time_t now, int64_t now_ms, const char *authz)
{
	const char	*q;

	call_clear(c);
	memset(&c->req, 0, sizeof c->req);
	http_response_init(&c->resp);
	c->active = 1;
	c->target = xstrdup(target);
	if ((q = strchr(target, '?')) != NULL)
		c->path = xstrndup(target, q - target);
	else
		c->path = xstrdup(target);
	c->req.method = method;
	c->req.path = c->path;
	c->req.target = c->target;
	c->req.authz = authz;
	c->req.body = text != NULL ? text : "";
	c->req.body_len = text != NULL ? strlen(text) : 0;
	c->req.now = now;
	c->req.now_ms = now_ms;
	snprintf(c->req.client, sizeof c->req.client, "192.0.2.1");
	if (q != NULL && http_parse_query(q + 1, &c->req) == -1)
		fail_msg("the query of %s does not parse", target);
	http_dispatch(&c->gd, &c->req, &c->resp);
}

/*
 * GET target signed by k (NULL: unsigned) now.  A signature is the same
 * for the same request in the same second, and a second one would be a
 * replay, so each is made a second earlier than the one before.
 */
static void
get_signed(struct ctx *c, const struct fixture_key *k, const char *target)
{
	time_t		 now = time(NULL);
	const char	*authz = NULL;

	assert_true(mod_sigs < REQSIG_WINDOW);
	if (k != NULL)
		authz = keep_mem(c, reqsig_sign(k->sk, "GET", target,
		    now - mod_sigs++));
	mod_request(c, HTTP_GET, target, NULL, now, 0, authz);
}

/* GET target signed by k, which must answer 200 with JSON. */
static json_t *
get_signed_ok(struct ctx *c, const struct fixture_key *k, const char *target)
{
	get_signed(c, k, target);
	check_status(c, 200);
	return body_json(c);
}

/* POST st signed by k at now_ms on the monotonic clock. */
static void
post_ms(struct ctx *c, const struct fixture_key *k,
    const struct statement *st, int64_t now_ms)
{
	mod_request(c, HTTP_POST, "/v1/statements", wire(c, st->canonical,
	    st->canonical_len, keep_mem(c, fixture_sign(k, st))), time(NULL),
	    now_ms, NULL);
}

/* A created time no earlier statement of this test has used. */
static time_t
mod_time(void)
{
	return time(NULL) - 300 + mod_tick++;
}

/* A comment by k on "rec" with text and extra members (or NULL). */
static struct statement *
mod_ann(struct ctx *c, const struct fixture_key *k, const char *text,
    json_t *extra)
{
	return conv_ann(c, k, mod_time(), text, extra);
}

/* A decision by k; talk 0 and reason NULL leave them out. */
static struct statement *
mod_st(struct ctx *c, const struct fixture_key *k, const char *action,
    const char *subject, int talk, const char *reason)
{
	json_t	*m;

	m = json_pack("{s:s, s:s}", "action", action, "subject", subject);
	assert_non_null(m);
	if (talk > 0)
		json_object_set_new(m, "talk", json_integer(talk));
	if (reason != NULL)
		json_object_set_new(m, "reason", json_string(reason));
	return conv_st(c, k, "moderation", mod_time(), m);
}

/* A decision by the moderator that must be stored. */
static struct statement *
decide(struct ctx *c, const char *action, const char *subject, int talk,
    const char *reason)
{
	struct statement	*st;

	st = mod_st(c, mod_key, action, subject, talk, reason);
	accepted(c, mod_key, st);
	return st;
}

/* A decision by the moderator that must be refused with status, code. */
static void
decide_refused(struct ctx *c, const char *action, const char *subject,
    int talk, const char *reason, int status, const char *code)
{
	refused_st(c, mod_key, mod_st(c, mod_key, action, subject, talk,
	    reason), status, code);
}

static struct statement *
mod_flag_st(struct ctx *c, const struct fixture_key *k, const char *subject,
    const char *reason)
{
	return conv_st(c, k, "flag", mod_time(), json_pack("{s:s, s:s}",
	    "subject", subject, "reason", reason));
}

static int
ann_status_cb(const struct store_annotation *a, void *arg)
{
	snprintf(arg, 16, "%s", a->status);
	return 0;
}

/*
 * Annotation id's status as stored (the public GET need not show one
 * that is not visible), copied into c's memory.
 */
static const char *
ann_status(struct ctx *c, const char *id)
{
	char	*status = keep_mem(c, xcalloc(1, 16));

	assert_int_equal(store_annotation(c->gd.store, id, ann_status_cb,
	    status), STORE_OK);
	return status;
}

/* Whether the public listing of "rec" holds id. */
static int
ann_listed(struct ctx *c, const char *id)
{
	json_t	*list;
	size_t	 i;

	list = json_object_get(get_ok(c, "/v1/records/rec/annotations"),
	    "annotations");
	assert_true(json_is_array(list));
	for (i = 0; i < json_array_size(list); i++) {
		if (strcmp(jstr(json_array_get(list, i), "id"), id) == 0)
			return 1;
	}
	return 0;
}

/* The visible count of "rec". */
static json_int_t
rec_count(struct ctx *c)
{
	return jint(get_ok(c, "/v1/records/rec"), "annotations");
}

/* The moderator's queue (of target), as an array. */
static json_t *
mod_queue(struct ctx *c, const char *target)
{
	json_t	*j, *q;

	j = get_signed_ok(c, mod_key, target);
	q = json_object_get(j, "queue");
	assert_true(json_is_array(q));
	assert_true(json_is_null(json_object_get(j, "next")));
	return q;
}

/* The id of item i of a queue. */
static const char *
queued_id(json_t *q, size_t i)
{
	return jstr(json_object_get(json_array_get(q, i), "annotation"), "id");
}

/*
 * moderation = first: a new key's annotation waits, out of every public
 * listing and count, in the moderators' queue; once a moderator
 * approves it the key is trusted and posts at once.
 */
static void
test_mod_first(void **state)
{
	struct ctx		*c = *state;
	struct statement	*a, *b, *m, *w;
	json_t			*q, *item, *hist, *flags;

	c->gd.cfg.moderation = MODERATION_FIRST;
	a = mod_ann(c, key_other, "my first words", NULL);
	accepted(c, key_other, a);
	assert_false(ann_listed(c, a->id));
	assert_int_equal(rec_count(c), 0);
	assert_string_equal(ann_status(c, a->id), "pending");

	/* The queue: moderators only, signed. */
	get_signed(c, NULL, "/v1/moderation/queue");
	check_error(c, 401, "auth_required");
	get_signed(c, key_other, "/v1/moderation/queue");
	check_error(c, 403, "not_moderator");
	get_signed(c, key_curator, "/v1/moderation/queue");
	check_error(c, 403, "not_moderator");
	q = mod_queue(c, "/v1/moderation/queue");
	assert_int_equal(json_array_size(q), 1);
	item = json_array_get(q, 0);
	assert_string_equal(queued_id(q, 0), a->id);
	assert_string_equal(jstr(json_object_get(item, "annotation"),
	    "status"), "pending");
	assert_true(json_is_null(json_object_get(item, "flags")));
	flags = json_object_get(item, "flag_list");
	assert_true(json_is_array(flags) && json_array_size(flags) == 0);
	hist = json_object_get(item, "author_history");
	assert_int_equal(jint(hist, "approved"), 0);
	assert_int_equal(jint(hist, "rejected"), 0);
	assert_int_equal(strlen(jstr(hist, "first_seen")), 20);
	assert_int_equal(json_array_size(mod_queue(c,
	    "/v1/moderation/queue?record=rec")), 1);
	/*
	 * A record that does not exist says so; one with nothing waiting
	 * answers an empty queue.
	 */
	get_signed(c, mod_key, "/v1/moderation/queue?record=other");
	check_error(c, 404, "unknown_record");
	accepted(c, key_curator, keep_st(c, fixture_record(key_curator,
	    "other")));
	assert_int_equal(json_array_size(mod_queue(c,
	    "/v1/moderation/queue?record=other")), 0);
	get_signed(c, mod_key, "/v1/moderation/queue?record=Bad%20id");
	check_error(c, 400, "bad_query");

	/* A moderator never waits. */
	m = mod_ann(c, mod_key, "from the moderator", NULL);
	accepted(c, mod_key, m);
	assert_true(ann_listed(c, m->id));

	/* Approved: shown and counted; the key's next post is at once. */
	decide(c, "approve", a->id, 0, NULL);
	assert_true(ann_listed(c, a->id));
	assert_string_equal(ann_status(c, a->id), "visible");
	assert_int_equal(rec_count(c), 2);
	assert_int_equal(json_array_size(mod_queue(c,
	    "/v1/moderation/queue")), 0);
	b = mod_ann(c, key_other, "my second words", NULL);
	accepted(c, key_other, b);
	assert_true(ann_listed(c, b->id));
	assert_int_equal(rec_count(c), 3);

	/* Another new key still waits, and its history shows in the queue. */
	w = mod_ann(c, key_third, "someone new", NULL);
	accepted(c, key_third, w);
	assert_false(ann_listed(c, w->id));
	q = mod_queue(c, "/v1/moderation/queue");
	assert_int_equal(json_array_size(q), 1);
	assert_string_equal(queued_id(q, 0), w->id);
	/* Trusted by decision: posts at once; what waits still waits. */
	decide(c, "trust", key_third->pubkey, 0, NULL);
	b = mod_ann(c, key_third, "trusted now", NULL);
	accepted(c, key_third, b);
	assert_true(ann_listed(c, b->id));
	assert_string_equal(ann_status(c, w->id), "pending");
}

/* moderation = all: every key but a moderator's waits, trusted or not. */
static void
test_mod_all(void **state)
{
	struct ctx		*c = *state;
	struct statement	*a, *b, *m, *t;
	struct config_record_mode *rm;

	c->gd.cfg.moderation = MODERATION_ALL;
	a = mod_ann(c, key_other, "one", NULL);
	accepted(c, key_other, a);
	assert_false(ann_listed(c, a->id));
	decide(c, "approve", a->id, 0, NULL);
	assert_true(ann_listed(c, a->id));
	b = mod_ann(c, key_other, "two", NULL);
	accepted(c, key_other, b);
	assert_false(ann_listed(c, b->id));
	assert_string_equal(ann_status(c, b->id), "pending");
	decide(c, "trust", key_third->pubkey, 0, NULL);
	t = mod_ann(c, key_third, "trusted, still waits", NULL);
	accepted(c, key_third, t);
	assert_string_equal(ann_status(c, t->id), "pending");
	m = mod_ann(c, mod_key, "moderator", NULL);
	accepted(c, mod_key, m);
	assert_string_equal(ann_status(c, m->id), "visible");
	assert_int_equal(rec_count(c), 2);

	/* A record's own mode wins over the daemon's, both ways. */
	rm = c->gd.cfg.record_modes = xcalloc(1, sizeof *rm);
	c->gd.cfg.nrecord_modes = 1;
	snprintf(rm->rid, sizeof rm->rid, "rec");
	rm->mode = MODERATION_NONE;
	t = mod_ann(c, key_other, "open record", NULL);
	accepted(c, key_other, t);
	assert_string_equal(ann_status(c, t->id), "visible");
	c->gd.cfg.moderation = MODERATION_NONE;
	rm->mode = MODERATION_ALL;
	t = mod_ann(c, key_other, "strict record", NULL);
	accepted(c, key_other, t);
	assert_string_equal(ann_status(c, t->id), "pending");
}

/* Every action by a key that is not a moderator: 403, nothing stored. */
static void
test_mod_not_moderator(void **state)
{
	struct ctx		*c = *state;
	struct statement	*t, *p, *st;
	static const struct {
		const char	*action;
		int		 subject;	/* 0 visible, 1 pending, */
						/* 2 key, 3 record */
	} acts[] = {
		{ "approve", 1 }, { "reject", 1 }, { "hide", 0 },
		{ "restore", 0 }, { "ban", 2 }, { "unban", 2 }, { "trust", 2 },
		{ "lock", 3 }, { "unlock", 3 },
	};
	const char		*subject;
	size_t			 i;

	t = mod_ann(c, key_third, "visible", NULL);
	accepted(c, key_third, t);
	c->gd.cfg.moderation = MODERATION_FIRST;
	p = mod_ann(c, key_other, "pending", NULL);
	accepted(c, key_other, p);
	c->gd.cfg.moderation = MODERATION_NONE;
	for (i = 0; i < sizeof acts / sizeof acts[0]; i++) {
		subject = acts[i].subject == 0 ? t->id : acts[i].subject == 1 ?
		    p->id : acts[i].subject == 2 ? key_third->pubkey : "rec";
		st = mod_st(c, key_other, acts[i].action, subject, 0, "why");
		refused_st(c, key_other, st, 403, "not_moderator");
		/* Nor by the record's curator. */
		st = mod_st(c, key_curator, acts[i].action, subject, 0, "why");
		refused_st(c, key_curator, st, 403, "not_moderator");
	}
	/* Nothing changed: statuses, the lock, the key. */
	assert_string_equal(ann_status(c, t->id), "visible");
	assert_string_equal(ann_status(c, p->id), "pending");
	accepted(c, key_third, mod_ann(c, key_third, "still open", NULL));
	decide(c, "trust", key_third->pubkey, 0, NULL);
	decide(c, "approve", p->id, 0, NULL);
}

/* Every decision that would change nothing: 409 no_change. */
static void
test_mod_no_change(void **state)
{
	struct ctx		*c = *state;
	struct statement	*a, *p, *r;

	c->gd.cfg.moderation = MODERATION_FIRST;
	a = mod_ann(c, key_other, "subject of it all", NULL);
	accepted(c, key_other, a);
	p = mod_ann(c, key_third, "waits", NULL);
	accepted(c, key_third, p);

	/* pending: restore no; approve yes. */
	decide_refused(c, "restore", a->id, 0, NULL, 409, "no_change");
	decide(c, "approve", a->id, 0, NULL);
	/* visible: approve and restore no; hide yes. */
	decide_refused(c, "approve", a->id, 0, NULL, 409, "no_change");
	decide_refused(c, "restore", a->id, 0, NULL, 409, "no_change");
	decide(c, "hide", a->id, 0, "rude");
	/* hidden: hide no; restore yes. */
	decide_refused(c, "hide", a->id, 0, "again", 409, "no_change");
	decide(c, "restore", a->id, 0, NULL);
	/* rejected (from visible): reject, approve, hide no; restore yes. */
	decide(c, "reject", a->id, 0, "spam");
	decide_refused(c, "reject", a->id, 0, "again", 409, "no_change");
	decide_refused(c, "approve", a->id, 0, NULL, 409, "no_change");
	decide_refused(c, "hide", a->id, 0, "again", 409, "no_change");
	decide(c, "restore", a->id, 0, NULL);
	assert_string_equal(ann_status(c, a->id), "visible");
	/* The other ways in: pending to hidden to approved; to rejected. */
	decide(c, "hide", p->id, 0, "wait");
	decide(c, "approve", p->id, 0, NULL);
	decide(c, "reject", p->id, 0, "no");
	assert_string_equal(ann_status(c, p->id), "rejected");
	/*
	 * A reply to it: its author is told how it stands; any other key,
	 * as by a read, that there is no such visible annotation.
	 */
	refused_st(c, key_third, mod_ann(c, key_third, "my own reply",
	    json_pack("{s:s}", "reply_to", p->id)), 422, "reply_to_hidden");
	refused_st(c, key_other, mod_ann(c, key_other, "a stranger's reply",
	    json_pack("{s:s}", "reply_to", p->id)), 404, "not_found");

	/* Retracted: nothing more to decide. */
	r = mod_ann(c, key_other, "to be retracted", NULL);
	accepted(c, key_other, r);
	accepted(c, key_other, conv_retract(c, key_other, mod_time(), r->id,
	    NULL));
	decide_refused(c, "hide", r->id, 0, "x", 409, "retracted");
	decide_refused(c, "approve", r->id, 0, NULL, 409, "retracted");
	decide_refused(c, "approve", NO_ID, 0, NULL, 422,
	    "unknown_annotation");

	/* Keys. */
	decide_refused(c, "trust", key_other->pubkey, 0, NULL, 409,
	    "no_change");
	decide_refused(c, "unban", key_third->pubkey, 0, NULL, 409,
	    "no_change");
	decide(c, "ban", key_third->pubkey, 0, "spam");
	decide_refused(c, "ban", key_third->pubkey, 0, "again", 409,
	    "no_change");
	decide_refused(c, "trust", key_third->pubkey, 0, NULL, 409,
	    "no_change");
	decide(c, "unban", key_third->pubkey, 0, NULL);
	decide_refused(c, "unban", key_third->pubkey, 0, "again", 409,
	    "no_change");
	decide(c, "trust", key_third->pubkey, 0, NULL);
	decide_refused(c, "trust", key_third->pubkey, 0, "again", 409,
	    "no_change");

	/* Locks of the record and of a talk. */
	decide_refused(c, "unlock", "rec", 0, NULL, 409, "no_change");
	decide(c, "lock", "rec", 0, NULL);
	decide_refused(c, "lock", "rec", 0, "again", 409, "no_change");
	decide(c, "unlock", "rec", 0, NULL);
	decide_refused(c, "unlock", "rec", 0, "again", 409, "no_change");
	decide_refused(c, "unlock", "rec", 2, NULL, 409, "no_change");
	decide(c, "lock", "rec", 2, NULL);
	decide_refused(c, "lock", "rec", 2, "again", 409, "no_change");
	decide(c, "unlock", "rec", 2, NULL);
	decide_refused(c, "unlock", "rec", 2, "again", 409, "no_change");
	decide_refused(c, "lock", "rec", 4, NULL, 422, "talk_out_of_range");
	decide_refused(c, "lock", "nope", 0, NULL, 422, "unknown_record");
}

/*
 * A record lock and a talk lock of the same record.  Unlocking a talk
 * nobody locked changes nothing, even with the record locked, and is
 * refused like every decision that changes nothing.  Whether a talk may
 * be locked under a record lock is the daemon's choice; if it may, that
 * lock is real: it can be undone while the record lock stands, and it
 * outlives the record's.
 */
static void
test_mod_unlock_talk_under_record_lock(void **state)
{
	struct ctx		*c = *state;
	struct statement	*st;

	decide(c, "lock", "rec", 0, NULL);
	decide_refused(c, "unlock", "rec", 2, NULL, 409, "no_change");

	st = mod_st(c, mod_key, "lock", "rec", 2, NULL);
	post_st(c, mod_key, st, time(NULL));
	if (c->resp.status == 409) {
		check_error(c, 409, "no_change");
		decide(c, "unlock", "rec", 0, NULL);
		accepted(c, key_other, mod_ann(c, key_other, "on two",
		    json_pack("{s:i}", "talk", 2)));
		return;
	}
	check_accepted(c, st, 201);
	decide(c, "unlock", "rec", 2, NULL);
	decide(c, "lock", "rec", 2, "again");
	decide(c, "unlock", "rec", 0, NULL);
	refused_st(c, key_other, mod_ann(c, key_other, "on two", json_pack(
	    "{s:i}", "talk", 2)), 403, "locked");
	accepted(c, key_other, mod_ann(c, key_other, "on one", json_pack(
	    "{s:i}", "talk", 1)));
}

/* A banned key posts nothing, whatever the type, until unbanned. */
static void
test_mod_banned(void **state)
{
	struct ctx		*c = *state;
	struct statement	*a, *h, *t, *t2, *st;

	a = mod_ann(c, key_other, "before the ban", NULL);
	accepted(c, key_other, a);
	h = mod_ann(c, key_other, "stays hidden", NULL);
	accepted(c, key_other, h);
	t = mod_ann(c, key_third, "endorsed", NULL);
	accepted(c, key_third, t);
	t2 = mod_ann(c, key_third, "not yet endorsed", NULL);
	accepted(c, key_third, t2);
	accepted(c, key_other, conv_endorse(c, key_other, mod_time(),
	    "endorse", t->id));
	assert_int_equal(rec_count(c), 4);

	decide(c, "ban", key_other->pubkey, 0, "spam run");
	assert_string_equal(ann_status(c, a->id), "hidden");
	assert_string_equal(ann_status(c, h->id), "hidden");
	assert_false(ann_listed(c, a->id));
	assert_int_equal(rec_count(c), 2);
	/* Restored one by one: a is visible again, so acting on it is valid. */
	decide(c, "restore", a->id, 0, NULL);
	assert_string_equal(ann_status(c, a->id), "visible");

	refused_st(c, key_other, mod_ann(c, key_other, "new", NULL), 403,
	    "key_banned");
	refused_st(c, key_other, conv_rev(c, key_other, mod_time(), a->id,
	    "revised", NULL), 403, "key_banned");
	refused_st(c, key_other, conv_retract(c, key_other, mod_time(),
	    a->id, NULL), 403, "key_banned");
	refused_st(c, key_other, conv_endorse(c, key_other, mod_time(),
	    "endorse", t2->id), 403, "key_banned");
	refused_st(c, key_other, conv_endorse(c, key_other, mod_time(),
	    "unendorse", t->id), 403, "key_banned");
	refused_st(c, key_other, conv_st(c, key_other, "profile", mod_time(),
	    json_pack("{s:s}", "name", "Spammer")), 403, "key_banned");
	refused_st(c, key_other, mod_flag_st(c, key_other, t->id, "spam"),
	    403, "key_banned");
	/* The configuration's roles are not a moderator's to take away. */
	decide_refused(c, "ban", key_curator->pubkey, 0, "compromised", 403,
	    "has_role");
	decide_refused(c, "ban", mod_key->pubkey, 0, "self", 403, "has_role");
	st = keep_st(c, fixture_record(key_curator, "rec2"));
	accepted(c, key_curator, st);

	/* Unbanned: posts again; what the ban hid stays hidden. */
	decide(c, "unban", key_other->pubkey, 0, NULL);
	accepted(c, key_other, mod_ann(c, key_other, "back", NULL));
	assert_string_equal(ann_status(c, h->id), "hidden");
	assert_string_equal(ann_status(c, a->id), "visible");
}

/* A locked record or talk takes no new annotations, moderators' either. */
static void
test_mod_locked(void **state)
{
	struct ctx		*c = *state;
	struct statement	*parent;

	parent = mod_ann(c, key_other, "on talk two", json_pack("{s:i}",
	    "talk", 2));
	accepted(c, key_other, parent);

	decide(c, "lock", "rec", 0, "closed");
	refused_st(c, key_other, mod_ann(c, key_other, "late", json_pack(
	    "{s:i}", "talk", 1)), 403, "locked");
	refused_st(c, key_other, mod_ann(c, key_other, "late", NULL), 403,
	    "locked");
	refused_st(c, mod_key, mod_ann(c, mod_key, "late", NULL), 403,
	    "locked");
	decide(c, "unlock", "rec", 0, NULL);
	accepted(c, key_other, mod_ann(c, key_other, "open again", NULL));

	decide(c, "lock", "rec", 2, NULL);
	refused_st(c, key_other, mod_ann(c, key_other, "on two", json_pack(
	    "{s:i}", "talk", 2)), 403, "locked");
	assert_non_null(strstr(body(c), "talk"));
	/* At 1:30 with no talk: talk 2 by its time. */
	refused_st(c, key_other, mod_ann(c, key_other, "at 1:30", json_pack(
	    "{s:{s:i}}", "at", "start", 90000)), 403, "locked");
	/* A reply with no place of its own sits on its parent's talk. */
	refused_st(c, key_other, mod_ann(c, key_other, "a reply", json_pack(
	    "{s:s}", "reply_to", parent->id)), 403, "locked");
	accepted(c, key_other, mod_ann(c, key_other, "on one", json_pack(
	    "{s:i}", "talk", 1)));
	accepted(c, key_other, mod_ann(c, key_other, "whole record", NULL));
	accepted(c, key_other, mod_ann(c, key_other, "on three", json_pack(
	    "{s:i}", "talk", 3)));
	decide(c, "unlock", "rec", 2, NULL);
	accepted(c, key_other, mod_ann(c, key_other, "on two", json_pack(
	    "{s:i}", "talk", 2)));
}

/*
 * The refusal says what is closed: an annotation on an open talk of a
 * locked record is refused because of the record, and says so.
 */
static void
test_mod_locked_message(void **state)
{
	struct ctx	*c = *state;

	decide(c, "lock", "rec", 0, "closed");
	refused_st(c, key_other, mod_ann(c, key_other, "on the record",
	    NULL), 403, "locked");
	assert_non_null(strstr(body(c), "record"));
	refused_st(c, key_other, mod_ann(c, key_other, "on talk one",
	    json_pack("{s:i}", "talk", 1)), 403, "locked");
	if (strstr(body(c), "record") == NULL)
		fail_msg("the record is locked, the answer says: %s",
		    body(c));
}

/*
 * Flags from trusted keys and moderators hide an annotation at the
 * threshold; new keys' flags do not count; a key's second flag is the
 * first one again.
 */
static void
test_mod_flags(void **state)
{
	struct ctx		*c = *state;
	struct fixture_key	*tr1, *tr2, *u[3];
	struct statement	*t, *f1, *t2;
	json_t			*q, *flags;
	int64_t			 before;
	size_t			 i;

	tr1 = mod_key_new();
	tr2 = mod_key_new();
	for (i = 0; i < 3; i++)
		u[i] = mod_key_new();
	decide(c, "trust", tr1->pubkey, 0, NULL);
	decide(c, "trust", tr2->pubkey, 0, NULL);
	t = mod_ann(c, key_other, "contested", NULL);
	accepted(c, key_other, t);

	/* Three new keys: nothing. */
	for (i = 0; i < 3; i++)
		accepted(c, u[i], mod_flag_st(c, u[i], t->id, "spam"));
	assert_string_equal(ann_status(c, t->id), "visible");
	/* The moderator and one trusted key: two. */
	accepted(c, mod_key, mod_flag_st(c, mod_key, t->id, "abuse"));
	f1 = conv_st(c, tr1, "flag", mod_time(), json_pack("{s:s, s:s, s:s}",
	    "subject", t->id, "reason", "off-topic", "note",
	    "Not about this talk."));
	accepted(c, tr1, f1);
	assert_string_equal(ann_status(c, t->id), "visible");
	/* tr1 again, for another reason: the first flag, nothing stored. */
	before = store_count(c->gd.store);
	post_st(c, tr1, mod_flag_st(c, tr1, t->id, "incorrect"), time(NULL));
	check_status(c, 200);
	assert_string_equal(jstr(body_json(c), "id"), f1->id);
	assert_string_equal(jstr(body_json(c), "type"), "flag");
	assert_int_equal(store_count(c->gd.store), before);
	assert_string_equal(ann_status(c, t->id), "visible");
	/* The second trusted key: three, hidden for review. */
	accepted(c, tr2, mod_flag_st(c, tr2, t->id, "spam"));
	assert_string_equal(ann_status(c, t->id), "hidden");
	assert_false(ann_listed(c, t->id));
	assert_int_equal(rec_count(c), 0);
	q = mod_queue(c, "/v1/moderation/queue");
	assert_int_equal(json_array_size(q), 1);
	assert_string_equal(queued_id(q, 0), t->id);
	assert_non_null(strstr(jstr(json_array_get(q, 0), "flags"),
	    "off-topic"));
	/* Each flag with its note, oldest first. */
	flags = json_object_get(json_array_get(q, 0), "flag_list");
	assert_int_equal(json_array_size(flags), 6);
	assert_string_equal(jstr(json_array_get(flags, 0), "reason"), "spam");
	assert_true(json_is_null(json_object_get(json_array_get(flags, 0),
	    "note")));
	assert_string_equal(jstr(json_array_get(flags, 4), "id"), f1->id);
	assert_string_equal(jstr(json_array_get(flags, 4), "note"),
	    "Not about this talk.");
	/*
	 * Hidden: no more flags.  A moderator is told why; any other key,
	 * as for a read, that there is no such visible annotation.
	 */
	refused_st(c, mod_key, mod_flag_st(c, mod_key, t->id, "other"), 409,
	    "not_visible");
	refused_st(c, u[0], mod_flag_st(c, u[0], t->id, "other"), 404,
	    "not_found");
	refused_st(c, u[0], mod_flag_st(c, u[0], NO_ID, "other"),
	    422, "unknown_annotation");

	/* The flag list, for moderators only. */
	get_signed(c, key_other, "/v1/moderation/flags");
	check_error(c, 403, "not_moderator");
	get_signed(c, NULL, "/v1/moderation/flags");
	check_error(c, 401, "auth_required");
	flags = json_object_get(get_signed_ok(c, mod_key,
	    "/v1/moderation/flags"), "flags");
	assert_int_equal(json_array_size(flags), 6);
	assert_string_equal(jstr(json_array_get(flags, 4), "id"), f1->id);
	assert_string_equal(jstr(json_array_get(flags, 4), "status"),
	    "hidden");

	/* A threshold of 1: one trusted flag hides, one new key's does not. */
	c->gd.cfg.flag_threshold = 1;
	t2 = mod_ann(c, key_other, "second", NULL);
	accepted(c, key_other, t2);
	accepted(c, u[1], mod_flag_st(c, u[1], t2->id, "spam"));
	assert_string_equal(ann_status(c, t2->id), "visible");
	accepted(c, tr1, mod_flag_st(c, tr1, t2->id, "spam"));
	assert_string_equal(ann_status(c, t2->id), "hidden");
}

/*
 * The queue carries an annotation's first API_QUEUE_FLAGS flags, oldest
 * first, so that an annotation flagged by a crowd keeps its answer
 * small: one flag more is left out there, and GET /v1/moderation/flags
 * still lists it.
 */
static void
test_mod_queue_flags_capped(void **state)
{
	struct ctx		*c = *state;
	struct fixture_key	*u;
	struct statement	*t, *f[API_QUEUE_FLAGS + 1];
	json_t			*flags;
	size_t			 i;

	t = mod_ann(c, key_other, "flagged by a crowd", NULL);
	accepted(c, key_other, t);
	/* New keys' flags, then three trusted ones: hidden at the last. */
	for (i = 0; i <= API_QUEUE_FLAGS; i++) {
		u = mod_key_new();
		if (i > API_QUEUE_FLAGS - 3)
			decide(c, "trust", u->pubkey, 0, NULL);
		f[i] = mod_flag_st(c, u, t->id, "spam");
		accepted(c, u, f[i]);
	}
	assert_string_equal(ann_status(c, t->id), "hidden");
	flags = json_object_get(json_array_get(mod_queue(c,
	    "/v1/moderation/queue"), 0), "flag_list");
	/* The last ones, in order: the trusted flags that hid it are in. */
	assert_int_equal(json_array_size(flags), API_QUEUE_FLAGS);
	assert_string_equal(jstr(json_array_get(flags, 0), "id"), f[1]->id);
	assert_string_equal(jstr(json_array_get(flags, API_QUEUE_FLAGS - 1),
	    "id"), f[API_QUEUE_FLAGS]->id);
	flags = json_object_get(get_signed_ok(c, mod_key,
	    "/v1/moderation/flags"), "flags");
	assert_int_equal(json_array_size(flags), API_QUEUE_FLAGS + 1);
}

/*
 * Once a moderator has reviewed flagged annotation and restored it, a
 * flag from a new key (which does not count) must not hide it again.
 */
static void
test_mod_flag_after_restore(void **state)
{
	struct ctx		*c = *state;
	struct fixture_key	*tr[3], *stranger;
	struct statement	*t;
	size_t			 i;

	t = mod_ann(c, key_other, "reviewed and fine", NULL);
	accepted(c, key_other, t);
	for (i = 0; i < 3; i++) {
		tr[i] = mod_key_new();
		decide(c, "trust", tr[i]->pubkey, 0, NULL);
		accepted(c, tr[i], mod_flag_st(c, tr[i], t->id, "spam"));
	}
	assert_string_equal(ann_status(c, t->id), "hidden");
	decide(c, "restore", t->id, 0, NULL);
	assert_string_equal(ann_status(c, t->id), "visible");

	stranger = mod_key_new();
	accepted(c, stranger, mod_flag_st(c, stranger, t->id, "spam"));
	assert_string_equal(ann_status(c, t->id), "visible");
}

/*
 * POST st signed by signer, not its author, at now_ms: the chain must
 * refuse it with status and code; then api_post_precheck, the loop's look
 * before a verifier thread, must return want on the same request.
 */
static void
forged_precheck(struct ctx *c, const struct statement *st,
    const struct fixture_key *signer, int64_t now_ms, int status,
    const char *code, int want)
{
	mod_request(c, HTTP_POST, "/v1/statements", wire(c, st->canonical,
	    st->canonical_len, keep_mem(c, fixture_sign(signer, st))),
	    time(NULL), now_ms, NULL);
	check_error(c, status, code);
	c->req.admitted = 0;
	http_response_clear(&c->resp);
	http_response_init(&c->resp);
	assert_int_equal(api_post_precheck(&c->gd, &c->req, &c->resp), want);
}

/*
 * A key posts at most its rate: the (N+1)th statement at one moment is
 * 429 with Retry-After, one more passes per 60000/N ms; others' keys
 * and importers are not held back.
 */
static void
test_mod_rate_limit(void **state)
{
	struct ctx			*c = *state;
	const struct ratelimit_rule	 rule = { 3, 60000, 3 };
	struct statement		*st, *old;
	int64_t				 now_ms = 5000000, before;
	char				 text[32];
	int				 i;

	c->gd.rl_key = ratelimit_new(&rule, 1024);
	assert_non_null(c->gd.rl_key);
	for (i = 0; i < 3; i++) {
		st = mod_ann(c, key_other, "quick", NULL);
		post_ms(c, key_other, st, now_ms);
		check_accepted(c, st, 201);
	}
	before = store_count(c->gd.store);
	post_ms(c, key_other, mod_ann(c, key_other, "too quick", NULL),
	    now_ms);
	check_error(c, 429, "rate_limited");
	if (c->resp.retry_after < 1 || c->resp.retry_after > 60)
		fail_msg("Retry-After %d", c->resp.retry_after);
	assert_int_equal(c->resp.retry_after, 20);
	/* Any type counts. */
	post_ms(c, key_other, conv_st(c, key_other, "profile", mod_time(),
	    json_pack("{s:s}", "name", "Quick")), now_ms + 19999);
	check_error(c, 429, "rate_limited");
	assert_int_equal(store_count(c->gd.store), before);
	/* Another key is not held back. */
	st = mod_ann(c, key_third, "meanwhile", NULL);
	post_ms(c, key_third, st, now_ms);
	check_accepted(c, st, 201);

	/* 60000 / 3 ms later: exactly one more. */
	st = mod_ann(c, key_other, "later", NULL);
	post_ms(c, key_other, st, now_ms + 20000);
	check_accepted(c, st, 201);
	post_ms(c, key_other, mod_ann(c, key_other, "again", NULL),
	    now_ms + 20000);
	check_error(c, 429, "rate_limited");

	/*
	 * What the loop checks before a verifier thread gets a body
	 * (api_post_precheck) refuses a spent key's, even one whose
	 * signature is forged, and lets another key's through.
	 */
	forged_precheck(c, mod_ann(c, key_other, "forged", NULL), key_third,
	    now_ms + 20000, 429, "rate_limited", -1);
	assert_int_equal(c->resp.status, 429);
	forged_precheck(c, mod_ann(c, key_third, "not spent", NULL),
	    key_other, now_ms + 20000, 401, "key_mismatch", 0);

	/* An importer replays as fast as it likes, moderation included. */
	keys_add(&c->gd.cfg.importers, key_curator);
	for (i = 0; i < 4; i++) {
		snprintf(text, sizeof text, "imported %d", i);
		st = mod_ann(c, key_other, text, NULL);
		post_imported(c, key_other, st, key_curator, "POST",
		    SPOIL_NONE, time(NULL), time(NULL));
		check_accepted(c, st, 201);
	}
	old = mod_st(c, key_other, "hide", st->id, 0, "replayed");
	post_imported(c, key_other, old, key_curator, "POST", SPOIL_NONE,
	    time(NULL), time(NULL));
	check_accepted(c, old, 201);
	assert_string_equal(ann_status(c, st->id), "hidden");
	/*
	 * Not so when posted directly (by a key with tokens left: a spent
	 * key is refused 429 before anything else is checked).
	 */
	refused_st(c, key_third, mod_st(c, key_third, "restore", st->id, 0,
	    NULL), 403, "not_moderator");
}

/* Whether st, as the log shows it, is the statement and verifies. */
static void
check_decision(json_t *item, const struct statement *want)
{
	struct statement	*st;
	struct buf		 b;
	struct jcs_err		 err;
	const char		*code = NULL, *minisig;
	char			*message = NULL;
	int			 ok;

	assert_string_equal(jstr(item, "id"), want->id);
	buf_init(&b);
	assert_int_equal(jcs_serialize(json_object_get(item, "statement"), &b,
	    &err), 0);
	assert_int_equal(b.len, want->canonical_len);
	assert_memory_equal(b.data, want->canonical, b.len);
	buf_free(&b);
	st = stmt_from_json(json_incref(json_object_get(item, "statement")),
	    NULL, &code, &message);
	assert_non_null(st);
	minisig = jstr(item, "minisig");
	ok = stmt_verify(st, minisig, strlen(minisig), &code, &message);
	free(message);
	stmt_free(st);
	assert_int_equal(ok, 0);
}

/* GET /v1/moderation/log and an annotation's decisions: public, signed. */
static void
test_mod_log(void **state)
{
	struct ctx		*c = *state;
	struct statement	*a, *b, *d[3];
	json_t			*j, *list;
	const char		*next;
	char			*target;

	c->gd.cfg.moderation = MODERATION_FIRST;
	a = mod_ann(c, key_other, "decided", NULL);
	accepted(c, key_other, a);
	b = mod_ann(c, key_other, "undecided", NULL);
	accepted(c, key_other, b);
	d[0] = decide(c, "approve", a->id, 0, NULL);
	accepted(c, key_third, mod_flag_st(c, key_third, a->id, "spam"));
	d[1] = decide(c, "hide", a->id, 0, "on second thought");
	d[2] = decide(c, "ban", key_third->pubkey, 0, "flag spam");

	j = get_ok(c, "/v1/moderation/log");
	list = json_object_get(j, "decisions");
	assert_int_equal(json_array_size(list), 3);
	check_decision(json_array_get(list, 0), d[0]);
	check_decision(json_array_get(list, 1), d[1]);
	check_decision(json_array_get(list, 2), d[2]);
	assert_true(json_is_null(json_object_get(j, "next")));

	/* Pages. */
	j = get_ok(c, "/v1/moderation/log?limit=2");
	list = json_object_get(j, "decisions");
	assert_int_equal(json_array_size(list), 2);
	next = jstr(j, "next");
	assert_int_equal(strtoll(next, NULL, 10),
	    jint(json_array_get(list, 1), "seq"));
	xasprintf(&target, "/v1/moderation/log?after=%s", next);
	j = get_ok(c, keep_mem(c, target));
	list = json_object_get(j, "decisions");
	assert_int_equal(json_array_size(list), 1);
	check_decision(json_array_get(list, 0), d[2]);
	get(c, "/v1/moderation/log?limit=0");
	check_error(c, 400, "bad_query");

	/* One annotation's decisions. */
	j = get_ok(c, replace(c, "/v1/annotations/ID/moderation", "ID",
	    a->id));
	list = json_object_get(j, "decisions");
	assert_int_equal(json_array_size(list), 2);
	check_decision(json_array_get(list, 0), d[0]);
	check_decision(json_array_get(list, 1), d[1]);
	j = get_ok(c, replace(c, "/v1/annotations/ID/moderation", "ID",
	    b->id));
	assert_int_equal(json_array_size(json_object_get(j, "decisions")), 0);
	get(c, "/v1/annotations/nope/moderation");
	check_error(c, 404, "not_found");
}

/*
 * A thread is a public listing too: a reply that is hidden or waits for
 * review must not show its text there (a stub, as for a retracted one,
 * or nothing).
 */
static void
test_mod_thread(void **state)
{
	struct ctx		*c = *state;
	struct statement	*p, *h, *w;

	p = mod_ann(c, key_third, "the parent", NULL);
	accepted(c, key_third, p);
	h = mod_ann(c, key_other, "an abusive reply", json_pack("{s:s}",
	    "reply_to", p->id));
	accepted(c, key_other, h);
	decide(c, "hide", h->id, 0, "abuse");
	c->gd.cfg.moderation = MODERATION_FIRST;
	w = mod_ann(c, mod_key_new(), "a reply under review", json_pack(
	    "{s:s}", "reply_to", p->id));
	accepted(c, mod_keys[mod_nkeys - 1], w);
	assert_int_equal(jint(get_annotation(c, p->id), "replies"), 0);

	get_ok(c, replace(c, "/v1/annotations/ID/thread", "ID", p->id));
	if (strstr(body(c), "an abusive reply") != NULL)
		fail_msg("the text of a hidden reply is in the thread");
	if (strstr(body(c), "a reply under review") != NULL)
		fail_msg("the text of a pending reply is in the thread");
}

/*
 * GET /v1/keys/{key}/annotations: every status, for that key's own
 * signature only.
 */
static void
test_mod_mine(void **state)
{
	struct ctx		*c = *state;
	struct statement	*a, *b, *v;
	const char		*target, *authz;
	json_t			*list;
	time_t			 now = time(NULL);

	c->gd.cfg.moderation = MODERATION_FIRST;
	a = mod_ann(c, key_other, "waiting", NULL);
	accepted(c, key_other, a);
	b = mod_ann(c, key_other, "hidden", NULL);
	accepted(c, key_other, b);
	decide(c, "hide", b->id, 0, "x");
	v = mod_ann(c, key_third, "not mine", NULL);
	accepted(c, key_third, v);

	target = replace(c, "/v1/keys/KEY/annotations", "KEY",
	    path_escape(c, key_other->pubkey, 0, 1));
	list = json_object_get(get_signed_ok(c, key_other, target),
	    "annotations");
	assert_int_equal(json_array_size(list), 2);
	assert_string_equal(jstr(json_array_get(list, 0), "id"), a->id);
	assert_string_equal(jstr(json_array_get(list, 0), "status"),
	    "pending");
	assert_string_equal(jstr(json_array_get(list, 1), "id"), b->id);
	assert_string_equal(jstr(json_array_get(list, 1), "status"),
	    "hidden");

	get_signed(c, key_third, target);
	check_error(c, 403, "not_author");
	get_signed(c, mod_key, target);
	check_error(c, 403, "not_author");
	get_signed(c, NULL, target);
	check_error(c, 401, "auth_required");
	mod_request(c, HTTP_GET, target, NULL, now, 0, keep_mem(c,
	    reqsig_sign(key_other->sk, "GET", target, now - REQSIG_WINDOW -
	    1)));
	check_error(c, 401, "bad_request_signature");
	/* A signature over another key's list does not carry over. */
	mod_request(c, HTTP_GET, target, NULL, now, 0, keep_mem(c,
	    reqsig_sign(key_other->sk, "GET", replace(c,
	    "/v1/keys/KEY/annotations", "KEY", path_escape(c,
	    key_third->pubkey, 0, 1)), now)));
	check_error(c, 401, "bad_request_signature");
	/* Used once (get_signed signs at now and earlier: this is later). */
	authz = keep_mem(c, reqsig_sign(key_other->sk, "GET", target,
	    now + 1));
	mod_request(c, HTTP_GET, target, NULL, now, 0, authz);
	check_status(c, 200);
	mod_request(c, HTTP_GET, target, NULL, now, 0, authz);
	check_error(c, 401, "replayed_request");
	get_signed(c, key_other, "/v1/keys/RWnotakey/annotations");
	check_error(c, 404, "not_found");
}

/*
 * Follow-up reading (issue 5).  A link review names a visible annotation
 * and one of its links, in any form with the same key; GET
 * /v1/records/{rid}/reading lists one entry per key, its status decided
 * by reviewer keys alone, ranked, filtered and paged, as JSON, BibTeX or
 * Markdown.  These run under setup_mod (a moderator, to hide, approve and
 * ban) with created times from mod_time; a reviewer is a key made by
 * reviewer_new, as a "reviewer =" line would make it.
 */

#define ARXIV_KEY	"arxiv:2304.08485"
#define ARXIV_HREF	"https://arxiv.org/abs/2304.08485"
#define CHI_KEY		"doi:10.1145/3290605.3300233"
#define CHI_HREF	"https://doi.org/10.1145/3290605.3300233"
#define PAGE_KEY	"https://example.org/a"

#define ARXIV_ABS	"https://arxiv.org/abs/2304.08485"
#define ARXIV_PDF	"http://arxiv.org/pdf/2304.08485v2"
#define CHI_DOI		"doi:10.1145/3290605.3300233"
#define PAGE_URL	"https://Example.org:443/a?utm_source=x#f"

/* A new key that is a reviewer in c's config (freed by teardown_mod). */
static struct fixture_key *
reviewer_new(struct ctx *c)
{
	struct fixture_key	*k = mod_key_new();

	keys_add(&c->gd.cfg.reviewers, k);
	return k;
}

/* An annotation of kind by k about talk (0: none) citing links (stolen). */
static struct statement *
cite_ann(struct ctx *c, const struct fixture_key *k, const char *kind,
    int talk, json_t *links)
{
	json_t	*m;

	m = json_pack("{s:s, s:o}", "kind", kind, "links", links);
	assert_non_null(m);
	if (talk > 0)
		json_object_set_new(m, "talk", json_integer(talk));
	return mod_ann(c, k, "cites", m);
}

/* The same with one link, stored. */
static struct statement *
cite_one(struct ctx *c, const struct fixture_key *k, const char *url)
{
	struct statement	*st;

	st = cite_ann(c, k, "comment", 0, json_pack("[{s:s}]", "url", url));
	accepted(c, k, st);
	return st;
}

/* A link review by k of url in subject, extra members or NULL. */
static struct statement *
review_st(struct ctx *c, const struct fixture_key *k, const char *subject,
    const char *url, const char *verdict, json_t *extra)
{
	json_t	*m;

	m = json_pack("{s:s, s:s, s:s}", "subject", subject, "url", url,
	    "verdict", verdict);
	assert_non_null(m);
	if (extra != NULL) {
		assert_int_equal(json_object_update(m, extra), 0);
		json_decref(extra);
	}
	return conv_st(c, k, "link-review", mod_time(), m);
}

/* The same, which must be stored. */
static struct statement *
review(struct ctx *c, const struct fixture_key *k, const char *subject,
    const char *url, const char *verdict, json_t *extra)
{
	struct statement	*st;

	st = review_st(c, k, subject, url, verdict, extra);
	accepted(c, k, st);
	return st;
}

/* GET rec's reading list with query (NULL: none): 200 and JSON. */
static json_t *
reading(struct ctx *c, const char *query)
{
	json_t	*j;

	getf(c, "/v1/records/rec/reading%s%s", query != NULL ? "?" : "",
	    query != NULL ? query : "");
	check_status(c, 200);
	assert_string_equal(c->resp.content_type,
	    "application/json; charset=utf-8");
	j = body_json(c);
	assert_true(json_is_array(json_object_get(j, "entries")));
	return j;
}

/* The keys of a list's entries in order, one space apart. */
static const char *
reading_keys(struct ctx *c, json_t *doc)
{
	struct buf	 b;
	json_t		*e;
	size_t		 i;

	buf_init(&b);
	json_array_foreach(json_object_get(doc, "entries"), i, e)
		buf_printf(&b, "%s%s", i > 0 ? " " : "", jstr(e, "key"));
	return keep_mem(c, buf_take(&b));
}

/* The entry with key, which must be listed. */
static json_t *
reading_entry(json_t *doc, const char *key)
{
	json_t	*e;
	size_t	 i;

	json_array_foreach(json_object_get(doc, "entries"), i, e) {
		if (strcmp(jstr(e, "key"), key) == 0)
			return e;
	}
	fail_msg("no entry %s", key);
	return NULL;
}

/* How many verdicts entry e counts as v (0 when none). */
static json_int_t
reviews_of(json_t *e, const char *v)
{
	json_t	*n = json_object_get(json_object_get(e, "reviews"), v);

	return n != NULL ? json_integer_value(n) : 0;
}

/*
 * A link review: stored for a link of a visible annotation, in any form
 * with its key; refused for a link it does not cite, a subject that is
 * no visible annotation, and a banned key; a repeat is a 200.
 */
static void
test_reading_review_post(void **state)
{
	struct ctx		*c = *state;
	struct statement	*a, *b, *h, *p, *r, *rv, *late;
	json_t			*j, *e;
	int64_t			 seq, before;

	a = cite_ann(c, key_other, "reading", 0, json_pack("[{s:s, s:s}, "
	    "{s:s}]", "url", ARXIV_ABS, "title", "Visual Instruction Tuning",
	    "url", CHI_DOI));
	accepted(c, key_other, a);
	r = review_st(c, key_third, a->id, ARXIV_PDF, "ok", json_pack(
	    "{s:s}", "note", "the paper"));
	seq = accepted(c, key_third, r);
	/* The exact statement again: 200 with its seq, nothing stored. */
	before = store_count(c->gd.store);
	post_st(c, key_third, r, time(NULL));
	assert_int_equal(check_accepted(c, r, 200), seq);
	assert_int_equal(store_count(c->gd.store), before);
	/* The DOI as a doi.org URL, by the author of the annotation. */
	review(c, key_other, a->id,
	    "https://dx.doi.org/10.1145/3290605.3300233", "paywalled", NULL);
	j = reading(c, NULL);
	e = reading_entry(j, ARXIV_KEY);
	assert_int_equal(reviews_of(e, "ok"), 1);
	assert_string_equal(jstr(json_array_get(json_object_get(e,
	    "verdicts"), 0), "id"), r->id);
	assert_string_equal(jstr(json_array_get(json_object_get(e,
	    "verdicts"), 0), "note"), "the paper");
	assert_int_equal(reviews_of(reading_entry(j, CHI_KEY), "paywalled"),
	    1);

	/* Links the annotation does not cite. */
	refused_st(c, key_third, review_st(c, key_third, a->id,
	    "https://arxiv.org/abs/2304.08486", "ok", NULL), 422,
	    "link_not_cited");
	refused_st(c, key_third, review_st(c, key_third, a->id,
	    "https://example.org/", "ok", NULL), 422, "link_not_cited");
	b = cite_ann(c, key_third, "comment", 0, json_pack("[{s:s}]", "url",
	    PAGE_URL));
	accepted(c, key_third, b);
	refused_st(c, key_other, review_st(c, key_other, a->id,
	    "http://example.org/a", "ok", NULL), 422, "link_not_cited");
	accepted(c, key_other, review_st(c, key_other, b->id,
	    "http://example.org/a", "ok", NULL));

	/* Subjects that are no annotation. */
	refused_st(c, key_third, review_st(c, key_third, NO_ID, ARXIV_ABS,
	    "ok", NULL), 422, "unknown_annotation");
	refused_st(c, key_third, review_st(c, key_third, r->id, ARXIV_ABS,
	    "ok", NULL), 422, "unknown_annotation");
	rv = conv_rev(c, key_other, mod_time(), a->id, "revised", NULL);
	accepted(c, key_other, rv);
	refused_st(c, key_third, review_st(c, key_third, rv->id, ARXIV_ABS,
	    "ok", NULL), 422, "revision_of_revision");
	/* The revision kept a's links (none named): still cited. */
	accepted(c, key_third, review_st(c, key_third, a->id, ARXIV_ABS,
	    "relevant", NULL));

	/*
	 * Retracted: 409; hidden, pending: 409 to the author, 404 (as for a
	 * read) to another key.
	 */
	accepted(c, key_third, conv_retract(c, key_third, mod_time(), b->id,
	    NULL));
	refused_st(c, key_other, review_st(c, key_other, b->id, PAGE_URL,
	    "ok", NULL), 409, "retracted");
	h = cite_ann(c, key_third, "comment", 0, json_pack("[{s:s}]", "url",
	    "https://example.org/hidden"));
	accepted(c, key_third, h);
	decide(c, "hide", h->id, 0, "off-topic");
	refused_st(c, key_other, review_st(c, key_other, h->id,
	    "https://example.org/hidden", "ok", NULL), 404, "not_found");
	refused_st(c, key_third, review_st(c, key_third, h->id,
	    "https://example.org/hidden", "ok", NULL), 409, "not_visible");
	c->gd.cfg.moderation = MODERATION_ALL;
	p = cite_ann(c, key_third, "comment", 0, json_pack("[{s:s}]", "url",
	    "https://example.org/pending"));
	accepted(c, key_third, p);
	c->gd.cfg.moderation = MODERATION_NONE;
	assert_string_equal(ann_status(c, p->id), "pending");
	late = review_st(c, key_other, p->id, "https://example.org/pending",
	    "ok", NULL);
	refused_st(c, key_other, late, 404, "not_found");
	/* Approved, the same statement is stored. */
	decide(c, "approve", p->id, 0, NULL);
	accepted(c, key_other, late);

	/* A banned key reviews nothing. */
	decide(c, "ban", key_third->pubkey, 0, "spam run");
	refused_st(c, key_third, review_st(c, key_third, a->id, ARXIV_ABS,
	    "spam", NULL), 403, "key_banned");
	j = reading(c, NULL);
	assert_int_equal(reviews_of(reading_entry(j, ARXIV_KEY), "spam"), 0);
}

/*
 * The list's shape: one entry per key however many annotations of
 * whatever kind cite it, each citation once per annotation, the title
 * most citations give; it follows endorsements, retractions, hiding and
 * the talk filter.
 */
static void
test_reading_shape(void **state)
{
	struct ctx		*c = *state;
	struct statement	*a1, *a2, *a3, *a4;
	json_t			*j, *e, *ci, *at;

	/* a1 cites the paper twice: its first title is its only one. */
	a1 = mod_ann(c, key_other, "a1", json_pack("{s:s, s:i, s:{s:i, s:i}, "
	    "s:[{s:s, s:s}, {s:s, s:s}]}", "kind", "reading", "talk", 1, "at",
	    "start", 30000, "end", 40000, "links", "url", ARXIV_ABS, "title",
	    "Visual Instruction Tuning", "url", ARXIV_PDF, "title", "LLaVA"));
	accepted(c, key_other, a1);
	a2 = cite_ann(c, key_third, "critique", 2, json_pack("[{s:s, s:s}, "
	    "{s:s}]", "url", "arXiv:2304.08485", "title", "LLaVA", "url",
	    CHI_DOI));
	accepted(c, key_third, a2);
	a3 = cite_ann(c, key_other, "comment", 0, json_pack("[{s:s, s:s}]",
	    "url", PAGE_URL, "title", "A page"));
	accepted(c, key_other, a3);

	j = reading(c, NULL);
	assert_int_equal(json_object_size(j), 5);
	assert_string_equal(jstr(j, "record"), "rec");
	assert_string_equal(jstr(j, "title"), "Test record");
	assert_null(json_object_get(j, "talk"));
	assert_int_equal(jint(j, "total"), 3);
	assert_int_equal(jint(j, "offset"), 0);
	/* Unreviewed alike: more citations first, then first cited. */
	assert_string_equal(reading_keys(c, j),
	    ARXIV_KEY " " CHI_KEY " " PAGE_KEY);

	e = reading_entry(j, ARXIV_KEY);
	assert_int_equal(json_object_size(e), 12);
	assert_string_equal(jstr(e, "type"), "arxiv");
	assert_string_equal(jstr(e, "href"), ARXIV_HREF);
	assert_string_equal(jstr(e, "url"), ARXIV_ABS);
	/* One title each way (a1's second does not count): the earliest. */
	assert_string_equal(jstr(e, "title"), "Visual Instruction Tuning");
	assert_string_equal(jstr(e, "status"), "unreviewed");
	assert_int_equal(jint(e, "endorsements"), 0);
	assert_int_equal(jint(e, "cited"), 2);
	assert_true(json_is_object(json_object_get(e, "reviews")));
	assert_int_equal(json_object_size(json_object_get(e, "reviews")), 0);
	assert_true(json_is_array(json_object_get(e, "verdicts")));
	assert_int_equal(json_array_size(json_object_get(e, "verdicts")), 0);
	assert_true(json_is_null(json_object_get(e, "check")));
	assert_int_equal(json_array_size(json_object_get(e, "citations")), 2);
	ci = json_array_get(json_object_get(e, "citations"), 0);
	assert_int_equal(json_object_size(ci), 7);
	assert_string_equal(jstr(ci, "annotation"), a1->id);
	assert_string_equal(jstr(ci, "kind"), "reading");
	assert_int_equal(jint(ci, "talk"), 1);
	assert_string_equal(jstr(ci, "url"), ARXIV_ABS);
	assert_string_equal(jstr(ci, "title"), "Visual Instruction Tuning");
	assert_string_equal(jstr(ci, "author"), key_other->pubkey);
	at = json_object_get(ci, "at");
	assert_int_equal(json_object_size(at), 2);
	assert_int_equal(jint(at, "start"), 30000);
	assert_int_equal(jint(at, "end"), 40000);
	ci = json_array_get(json_object_get(e, "citations"), 1);
	assert_int_equal(json_object_size(ci), 6);
	assert_string_equal(jstr(ci, "annotation"), a2->id);
	assert_string_equal(jstr(ci, "kind"), "critique");
	assert_int_equal(jint(ci, "talk"), 2);
	assert_string_equal(jstr(ci, "url"), "arXiv:2304.08485");
	assert_string_equal(jstr(ci, "author"), key_third->pubkey);
	assert_null(json_object_get(ci, "at"));

	e = reading_entry(j, CHI_KEY);
	assert_string_equal(jstr(e, "type"), "doi");
	assert_string_equal(jstr(e, "href"), CHI_HREF);
	assert_string_equal(jstr(e, "url"), CHI_DOI);
	assert_true(json_is_null(json_object_get(e, "title")));
	assert_int_equal(jint(e, "cited"), 1);
	assert_true(json_is_null(json_object_get(json_array_get(
	    json_object_get(e, "citations"), 0), "title")));
	e = reading_entry(j, PAGE_KEY);
	assert_string_equal(jstr(e, "type"), "url");
	assert_string_equal(jstr(e, "href"), PAGE_KEY);
	assert_string_equal(jstr(e, "url"), PAGE_URL);
	assert_string_equal(jstr(e, "title"), "A page");
	assert_string_equal(jstr(json_array_get(json_object_get(e,
	    "citations"), 0), "annotation"), a3->id);

	/* One talk's list. */
	j = reading(c, "talk=2");
	assert_int_equal(jint(j, "talk"), 2);
	assert_int_equal(jint(j, "total"), 2);
	assert_string_equal(reading_keys(c, j), ARXIV_KEY " " CHI_KEY);
	e = reading_entry(j, ARXIV_KEY);
	assert_int_equal(jint(e, "cited"), 1);
	assert_string_equal(jstr(e, "url"), "arXiv:2304.08485");
	assert_string_equal(jstr(e, "title"), "LLaVA");

	/* A second "LLaVA" makes it the title most citations give. */
	a4 = cite_ann(c, key_curator, "reading", 0, json_pack("[{s:s, s:s}]",
	    "url", "https://arxiv.org/abs/2304.08485v1", "title", "LLaVA"));
	accepted(c, key_curator, a4);
	e = reading_entry(reading(c, NULL), ARXIV_KEY);
	assert_int_equal(jint(e, "cited"), 3);
	assert_string_equal(jstr(e, "title"), "LLaVA");

	/* Endorsements of the citing annotations count before citations. */
	accepted(c, key_third, conv_endorse(c, key_third, mod_time(),
	    "endorse", a3->id));
	accepted(c, key_curator, conv_endorse(c, key_curator, mod_time(),
	    "endorse", a3->id));
	j = reading(c, NULL);
	assert_int_equal(jint(reading_entry(j, PAGE_KEY), "endorsements"), 2);
	assert_string_equal(reading_keys(c, j),
	    PAGE_KEY " " ARXIV_KEY " " CHI_KEY);

	/* A retracted annotation cites nothing any more. */
	accepted(c, key_third, conv_retract(c, key_third, mod_time(), a2->id,
	    NULL));
	j = reading(c, NULL);
	assert_int_equal(jint(j, "total"), 2);
	assert_string_equal(reading_keys(c, j), PAGE_KEY " " ARXIV_KEY);
	assert_int_equal(jint(reading_entry(j, ARXIV_KEY), "cited"), 2);
	/* Nor does a hidden one. */
	decide(c, "hide", a4->id, 0, "off-topic");
	e = reading_entry(reading(c, NULL), ARXIV_KEY);
	assert_int_equal(jint(e, "cited"), 1);
	assert_string_equal(jstr(e, "title"), "Visual Instruction Tuning");
}

/*
 * Ranking and the status filter: reviewers' word first (good, then
 * unreviewed, then broken; irrelevant, duplicate and spam left out by
 * default), then everybody's verdicts, endorsements, citations and the
 * first citation.  Only a reviewer key's verdict is an entry's status.
 */
static void
test_reading_rank(void **state)
{
	struct ctx		*c = *state;
	struct fixture_key	*rev = reviewer_new(c);
	struct statement	*ok, *score, *endorsed, *neg, *broken, *irr;
	struct statement	*spam, *dup, *third_spam, *rev_ok;
	json_t			*j, *e, *v;

#define U(x)	"https://example.org/" x
	ok = cite_one(c, key_other, U("ok"));
	score = cite_one(c, key_other, U("score"));
	endorsed = cite_one(c, key_other, U("endorsed"));
	/* Posted first, sorted last: first cited, not key order, decides. */
	cite_one(c, key_other, U("z-first"));
	cite_one(c, key_other, U("a-later"));
	/* Cited after those, but twice. */
	cite_one(c, key_other, U("cited"));
	neg = cite_one(c, key_other, U("neg"));
	broken = cite_one(c, key_other, U("broken"));
	irr = cite_one(c, key_other, U("irrelevant"));
	spam = cite_one(c, key_other, U("spam"));
	dup = cite_one(c, key_other, U("dup"));
	cite_one(c, key_third, U("cited"));

	/* The reviewer changes its mind; somebody else says spam. */
	review(c, rev, ok->id, U("ok"), "spam", NULL);
	third_spam = review(c, key_third, ok->id, U("ok"), "spam", NULL);
	rev_ok = review(c, rev, ok->id, U("ok"), "ok", NULL);
	/* Two say relevant and a moderator says spam: not a status. */
	review(c, key_third, score->id, U("score"), "relevant", NULL);
	review(c, key_curator, score->id, U("score"), "relevant", NULL);
	review(c, mod_key, score->id, U("score"), "spam", NULL);
	accepted(c, key_third, conv_endorse(c, key_third, mod_time(),
	    "endorse", endorsed->id));
	accepted(c, key_curator, conv_endorse(c, key_curator, mod_time(),
	    "endorse", endorsed->id));
	review(c, key_third, neg->id, U("neg"), "broken", NULL);
	review(c, rev, broken->id, U("broken"), "broken", NULL);
	review(c, rev, irr->id, U("irrelevant"), "irrelevant", NULL);
	review(c, rev, spam->id, U("spam"), "spam", NULL);
	review(c, rev, dup->id, U("dup"), "duplicate", json_pack("{s:s}",
	    "replacement", U("ok")));

	j = reading(c, NULL);
	assert_int_equal(jint(j, "total"), 8);
	assert_string_equal(reading_keys(c, j), U("ok") " " U("score") " "
	    U("endorsed") " " U("cited") " " U("z-first") " " U("a-later")
	    " " U("neg") " " U("broken"));

	e = reading_entry(j, U("ok"));
	assert_string_equal(jstr(e, "status"), "ok");
	assert_int_equal(json_object_size(json_object_get(e, "reviews")), 2);
	assert_int_equal(reviews_of(e, "ok"), 1);
	assert_int_equal(reviews_of(e, "spam"), 1);
	v = json_object_get(e, "verdicts");
	assert_int_equal(json_array_size(v), 2);
	assert_string_equal(jstr(json_array_get(v, 0), "id"), third_spam->id);
	assert_false(json_is_true(json_object_get(json_array_get(v, 0),
	    "authoritative")));
	assert_string_equal(jstr(json_array_get(v, 1), "id"), rev_ok->id);
	assert_true(json_is_true(json_object_get(json_array_get(v, 1),
	    "authoritative")));
	assert_string_equal(jstr(json_array_get(v, 1), "verdict"), "ok");
	assert_string_equal(jstr(json_array_get(v, 1), "author"), rev->pubkey);
	assert_string_equal(jstr(json_array_get(v, 1), "annotation"), ok->id);
	assert_string_equal(jstr(json_array_get(v, 1), "created"),
	    rev_ok->created_text);
	assert_null(json_object_get(e, "replacement"));
	e = reading_entry(j, U("score"));
	assert_string_equal(jstr(e, "status"), "unreviewed");
	assert_int_equal(reviews_of(e, "relevant"), 2);
	assert_int_equal(reviews_of(e, "spam"), 1);
	assert_int_equal(jint(reading_entry(j, U("endorsed")),
	    "endorsements"), 2);
	assert_int_equal(jint(reading_entry(j, U("cited")), "cited"), 2);
	assert_string_equal(jstr(reading_entry(j, U("neg")), "status"),
	    "unreviewed");
	assert_string_equal(jstr(reading_entry(j, U("broken")), "status"),
	    "broken");

	/* Everything, the left-out ones last, in the order first cited. */
	j = reading(c, "status=all");
	assert_int_equal(jint(j, "total"), 11);
	assert_string_equal(reading_keys(c, j), U("ok") " " U("score") " "
	    U("endorsed") " " U("cited") " " U("z-first") " " U("a-later")
	    " " U("neg") " " U("broken") " " U("irrelevant") " " U("spam")
	    " " U("dup"));
	e = reading_entry(j, U("dup"));
	assert_string_equal(jstr(e, "status"), "duplicate");
	assert_string_equal(jstr(e, "replacement"), U("ok"));

	j = reading(c, "status=unreviewed");
	assert_int_equal(jint(j, "total"), 6);
	assert_string_equal(reading_keys(c, j), U("score") " " U("endorsed")
	    " " U("cited") " " U("z-first") " " U("a-later") " " U("neg"));
	j = reading(c, "status=reviewed");
	assert_int_equal(jint(j, "total"), 5);
	assert_string_equal(reading_keys(c, j), U("ok") " " U("broken") " "
	    U("irrelevant") " " U("spam") " " U("dup"));
	j = reading(c, "status=ok");
	assert_string_equal(reading_keys(c, j), U("ok"));
	/* Relevant, by non-reviewers only: no entry has that status. */
	j = reading(c, "status=relevant");
	assert_int_equal(jint(j, "total"), 0);
	j = reading(c, "status=spam");
	assert_string_equal(reading_keys(c, j), U("spam"));
	j = reading(c, "status=broken");
	assert_string_equal(reading_keys(c, j), U("broken"));
	j = reading(c, "status=duplicate");
	assert_string_equal(reading_keys(c, j), U("dup"));
	j = reading(c, "status=paywalled");
	assert_int_equal(jint(j, "total"), 0);

	/*
	 * A reviewer's later word brings it back, among the good ones and
	 * before ok, whose score the other key's spam brings to 0.
	 */
	review(c, rev, spam->id, U("spam"), "paywalled", NULL);
	j = reading(c, NULL);
	assert_int_equal(jint(j, "total"), 9);
	assert_string_equal(jstr(reading_entry(j, U("spam")), "status"),
	    "paywalled");
	assert_string_equal(reading_keys(c, j), U("spam") " " U("ok") " "
	    U("score") " " U("endorsed") " " U("cited") " " U("z-first") " "
	    U("a-later") " " U("neg") " " U("broken"));

	/* Of two reviewers the later decides, replacement and all. */
	review(c, reviewer_new(c), dup->id, U("dup"), "irrelevant", NULL);
	j = reading(c, "status=all");
	e = reading_entry(j, U("dup"));
	assert_string_equal(jstr(e, "status"), "irrelevant");
	assert_null(json_object_get(e, "replacement"));
	assert_int_equal(reviews_of(e, "duplicate"), 1);
	assert_int_equal(reviews_of(e, "irrelevant"), 1);
	assert_int_equal(jint(reading(c, "status=duplicate"), "total"), 0);
#undef U
}

/*
 * A link check (a review with "check") is shown under "check", the
 * latest of any key; it is no verdict, so it neither sets the status
 * nor counts in "reviews" or the ranking, and a key's check and its
 * verdict do not replace each other.
 */
static void
test_reading_check(void **state)
{
	struct ctx		*c = *state;
	struct fixture_key	*rev = reviewer_new(c);
	struct statement	*a, *c1, *c2, *c3, *h;
	json_t			*j, *e, *chk;

	a = cite_ann(c, key_other, "reading", 0, json_pack("[{s:s, s:s}]",
	    "url", ARXIV_ABS, "title", "Visual Instruction Tuning"));
	accepted(c, key_other, a);
	cite_one(c, key_other, PAGE_URL);

	c1 = review(c, key_third, a->id, ARXIV_PDF, "ok", json_pack(
	    "{s:{s:i, s:s}}", "check", "status", 200, "final",
	    "https://arxiv.org/abs/2304.08485v2"));
	e = reading_entry(reading(c, NULL), ARXIV_KEY);
	chk = json_object_get(e, "check");
	assert_true(json_is_object(chk));
	assert_string_equal(jstr(chk, "id"), c1->id);
	assert_string_equal(jstr(chk, "author"), key_third->pubkey);
	assert_string_equal(jstr(chk, "verdict"), "ok");
	assert_string_equal(jstr(chk, "annotation"), a->id);
	assert_string_equal(jstr(chk, "created"), c1->created_text);
	assert_int_equal(jint(chk, "status"), 200);
	assert_string_equal(jstr(chk, "final"),
	    "https://arxiv.org/abs/2304.08485v2");
	assert_null(json_object_get(chk, "error"));
	assert_true(json_is_false(json_object_get(chk, "authoritative")));
	assert_int_equal(json_object_size(json_object_get(e, "reviews")), 0);
	assert_int_equal(json_array_size(json_object_get(e, "verdicts")), 0);
	assert_string_equal(jstr(e, "status"), "unreviewed");

	/* A reviewer's failed check: shown, the latest, still no status. */
	c2 = review(c, rev, a->id, ARXIV_ABS, "broken", json_pack(
	    "{s:{s:i, s:s}}", "check", "status", 404, "error", "not found"));
	j = reading(c, NULL);
	e = reading_entry(j, ARXIV_KEY);
	chk = json_object_get(e, "check");
	assert_string_equal(jstr(chk, "id"), c2->id);
	assert_int_equal(jint(chk, "status"), 404);
	assert_string_equal(jstr(chk, "error"), "not found");
	assert_null(json_object_get(chk, "final"));
	assert_true(json_is_true(json_object_get(chk, "authoritative")));
	assert_string_equal(jstr(e, "status"), "unreviewed");
	assert_int_equal(json_object_size(json_object_get(e, "reviews")), 0);
	/* Not broken for the default list, nor below the page it outranks. */
	assert_string_equal(reading_keys(c, j), ARXIV_KEY " " PAGE_KEY);
	assert_int_equal(jint(reading(c, "status=broken"), "total"), 0);

	/* A verdict by the first checker is counted; the check stays. */
	h = review(c, key_third, a->id, ARXIV_ABS, "relevant", NULL);
	e = reading_entry(reading(c, NULL), ARXIV_KEY);
	assert_int_equal(reviews_of(e, "relevant"), 1);
	assert_int_equal(json_array_size(json_object_get(e, "verdicts")), 1);
	assert_string_equal(jstr(json_array_get(json_object_get(e,
	    "verdicts"), 0), "id"), h->id);
	assert_string_equal(jstr(json_object_get(e, "check"), "id"), c2->id);
	/* Its next check replaces its check and the reviewer's as latest. */
	c3 = review(c, key_third, a->id, ARXIV_ABS, "moved", json_pack(
	    "{s:s, s:{s:i, s:s}}", "replacement",
	    "https://arxiv.org/abs/2304.08485v3", "check", "status", 301,
	    "final", "https://arxiv.org/abs/2304.08485v3"));
	e = reading_entry(reading(c, NULL), ARXIV_KEY);
	chk = json_object_get(e, "check");
	assert_string_equal(jstr(chk, "id"), c3->id);
	assert_string_equal(jstr(chk, "verdict"), "moved");
	assert_string_equal(jstr(chk, "replacement"),
	    "https://arxiv.org/abs/2304.08485v3");
	assert_null(json_object_get(e, "replacement"));
	assert_int_equal(reviews_of(e, "relevant"), 1);
	assert_int_equal(reviews_of(e, "moved"), 0);
	assert_string_equal(jstr(e, "status"), "unreviewed");
}

/* limit and offset page the filtered, ranked list; total counts it. */
static void
test_reading_pages(void **state)
{
	struct ctx		*c = *state;
	struct fixture_key	*rev = reviewer_new(c);
	struct statement	*u3;
	json_t			*j;

#define U(x)	"https://example.org/u" x
	cite_one(c, key_other, U("1"));
	cite_one(c, key_other, U("2"));
	u3 = cite_one(c, key_other, U("3"));
	cite_one(c, key_other, U("4"));
	cite_one(c, key_other, U("5"));

	j = reading(c, "limit=2");
	assert_int_equal(jint(j, "total"), 5);
	assert_int_equal(jint(j, "offset"), 0);
	assert_string_equal(reading_keys(c, j), U("1") " " U("2"));
	j = reading(c, "limit=2&offset=2");
	assert_int_equal(jint(j, "total"), 5);
	assert_int_equal(jint(j, "offset"), 2);
	assert_string_equal(reading_keys(c, j), U("3") " " U("4"));
	j = reading(c, "offset=4&limit=2");
	assert_string_equal(reading_keys(c, j), U("5"));
	j = reading(c, "offset=5");
	assert_int_equal(jint(j, "total"), 5);
	assert_int_equal(jint(j, "offset"), 5);
	assert_string_equal(reading_keys(c, j), "");
	j = reading(c, "offset=100000");
	assert_int_equal(jint(j, "total"), 5);
	assert_string_equal(reading_keys(c, j), "");

	/* Pages of the filtered list: spam is not counted or skipped to. */
	review(c, rev, u3->id, U("3"), "spam", NULL);
	j = reading(c, "offset=2&limit=1");
	assert_int_equal(jint(j, "total"), 4);
	assert_string_equal(reading_keys(c, j), U("4"));
	j = reading(c, "status=all&offset=4");
	assert_int_equal(jint(j, "total"), 5);
	assert_string_equal(reading_keys(c, j), U("3"));
	j = reading(c, "status=unreviewed&limit=1&offset=3");
	assert_int_equal(jint(j, "total"), 4);
	assert_string_equal(reading_keys(c, j), U("5"));

	/* Without limit, a page is page_max entries. */
	c->gd.cfg.limits.page_max = 3;
	j = reading(c, NULL);
	assert_int_equal(jint(j, "total"), 4);
	assert_string_equal(reading_keys(c, j), U("1") " " U("2") " "
	    U("4"));
	j = reading(c, "limit=3&offset=3");
	assert_string_equal(reading_keys(c, j), U("5"));
	get(c, "/v1/records/rec/reading?limit=4");
	check_error(c, 400, "bad_query");
#undef U
}

/* The string s occurs in the body n times. */
static void
body_has(struct ctx *c, const char *s, int n)
{
	const char	*p = body(c);
	int		 found = 0;

	while ((p = strstr(p, s)) != NULL) {
		found++;
		p += strlen(s);
	}
	if (found != n)
		fail_msg("%s: \"%s\" %d times, wanted %d: %s", c->target, s,
		    found, n, body(c));
}

/* ?format= renders the same list as BibTeX or Markdown. */
static void
test_reading_formats(void **state)
{
	struct ctx		*c = *state;
	struct statement	*a;

	a = cite_ann(c, key_other, "reading", 2, json_pack("[{s:s, s:s}, "
	    "{s:s}]", "url", ARXIV_ABS, "title", "Visual Instruction Tuning",
	    "url", CHI_DOI));
	accepted(c, key_other, a);

	get(c, "/v1/records/rec/reading?format=bibtex");
	check_status(c, 200);
	assert_string_equal(c->resp.content_type,
	    "application/x-bibtex; charset=utf-8");
	assert_int_equal(strncmp(body(c), "% Reading list for Test record "
	    "(rec), from gloss\n", 45), 0);
	body_has(c, "@misc{", 2);
	body_has(c, "@misc{arXiv:2304.08485,\n", 1);
	body_has(c, "  title = {Visual Instruction Tuning},\n", 1);
	body_has(c, "  eprint = {2304.08485},\n", 1);
	body_has(c, "  archivePrefix = {arXiv},\n", 1);
	body_has(c, "  doi = {10.1145/3290605.3300233},\n", 1);
	body_has(c, "  url = {" CHI_HREF "},\n", 1);
	get(c, "/v1/records/rec/reading?format=bibtex&talk=2");
	check_status(c, 200);
	assert_int_equal(strncmp(body(c), "% Reading list for Test record "
	    "(rec), talk 2, from gloss\n", 53), 0);
	body_has(c, "@misc{", 2);

	get(c, "/v1/records/rec/reading?format=markdown&talk=2");
	check_status(c, 200);
	assert_string_equal(c->resp.content_type,
	    "text/markdown; charset=utf-8");
	assert_int_equal(strncmp(body(c), "# Reading list: Test record — "
	    "talk 2\n\n", 38), 0);
	body_has(c, "\n- ", 2);
	body_has(c, "- [Visual Instruction Tuning](<" ARXIV_HREF ">)", 1);
	body_has(c, "(<" CHI_HREF ">)", 1);
	/* The filter applies before rendering. */
	get(c, "/v1/records/rec/reading?format=markdown&status=spam");
	check_status(c, 200);
	body_has(c, "No follow-up reading yet.", 1);

	/* json is the default, and may be asked for. */
	assert_int_equal(jint(reading(c, "format=json"), "total"), 2);
}

/* Each query one past its edge is a 400; an unknown record a 404. */
static void
test_reading_bad_query(void **state)
{
	static const char *bad[] = {
		"talk=0", "talk=4", "talk=-1", "talk=x", "talk=",
		"limit=0", "limit=501", "limit=-1", "limit=x", "limit=",
		"offset=100001", "offset=-1", "offset=x", "offset=",
		"status=bogus", "status=", "status=OK", "status=Unreviewed",
		"status=ok,spam",
		"format=pdf", "format=", "format=JSON", "format=bib",
	};
	static const char *good[] = {
		"talk=1", "talk=3", "limit=1", "limit=500", "offset=0",
		"offset=100000", "status=all", "status=unreviewed",
		"status=reviewed", "status=ok", "status=relevant",
		"status=irrelevant", "status=broken", "status=moved",
		"status=paywalled", "status=duplicate", "status=spam",
		"format=json",
	};
	struct ctx	*c = *state;
	size_t		 i;

	/* One link on every talk (see test_reading_empty). */
	for (i = 1; i <= 3; i++)
		accepted(c, key_other, cite_ann(c, key_other, "comment",
		    (int)i, json_pack("[{s:s}]", "url", ARXIV_ABS)));
	assert_int_equal(c->gd.cfg.limits.page_max, 500);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		getf(c, "/v1/records/rec/reading?%s", bad[i]);
		check_error(c, 400, "bad_query");
	}
	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		reading(c, good[i]);
	c->gd.cfg.limits.page_max = 5;
	reading(c, "limit=5");
	get(c, "/v1/records/rec/reading?limit=6");
	check_error(c, 400, "bad_query");

	get(c, "/v1/records/nope/reading");
	check_error(c, 404, "unknown_record");
	get(c, "/v1/records/nope/reading?talk=x&format=pdf");
	check_error(c, 404, "unknown_record");
}

/*
 * An empty reading list, of a record or of a talk without links (once
 * qsort and bsearch were handed a NULL array for it, which a sanitizer
 * build aborts on).
 */
static void
test_reading_empty(void **state)
{
	struct ctx		*c = *state;
	struct statement	*a;
	json_t			*j;

	j = reading(c, NULL);
	assert_int_equal(json_object_size(j), 5);
	assert_int_equal(jint(j, "total"), 0);
	assert_int_equal(jint(j, "offset"), 0);
	assert_string_equal(reading_keys(c, j), "");
	getf(c, "/v1/records/rec/reading?format=markdown");
	check_status(c, 200);
	assert_string_equal(body(c), "# Reading list: Test record\n\n"
	    "No follow-up reading yet.\n");
	getf(c, "/v1/records/rec/reading?format=bibtex");
	check_status(c, 200);
	assert_string_equal(body(c), "% Reading list for Test record (rec), "
	    "from gloss\n");
	/* A talk without links, in a record that has some, and reviews. */
	a = cite_ann(c, key_other, "comment", 1, json_pack("[{s:s}]", "url",
	    ARXIV_ABS));
	accepted(c, key_other, a);
	j = reading(c, "talk=3");
	assert_int_equal(jint(j, "talk"), 3);
	assert_int_equal(jint(j, "total"), 0);
	review(c, key_third, a->id, ARXIV_ABS, "ok", NULL);
	assert_int_equal(jint(reading(c, "talk=3"), "total"), 0);
	assert_int_equal(jint(reading(c, "talk=1"), "total"), 1);
}

/* k's st replayed by an importer (key_curator), which must store it. */
static void
replayed(struct ctx *c, const struct fixture_key *k,
    const struct statement *st)
{
	post_imported(c, k, st, key_curator, "POST", SPOIL_NONE, time(NULL),
	    time(NULL));
	check_accepted(c, st, 201);
}

/*
 * A log written while its glossd's moderation settings changed replays
 * into a glossd with either setting, where an annotation may wait or show
 * when it did not at the source: a reply, endorsement, flag or link
 * review of one that waits here is stored as the source took it, and a
 * decision takes an annotation to the status it names, changing nothing
 * when it has that status.  Live posts are still held to the statuses
 * here.
 */
static void
test_mod_replay_settings(void **state)
{
	struct ctx		*c = *state;
	struct fixture_key	*fourth = mod_key_new(), *fifth = mod_key_new();
	struct statement	*a, *b, *r;
	json_t			*j;
	char			 kstate[16];

	keys_add(&c->gd.cfg.importers, key_curator);

	/* Visible at the source (moderation none), waiting here (first). */
	c->gd.cfg.moderation = MODERATION_FIRST;
	a = cite_ann(c, key_other, "reading", 0, json_pack("[{s:s}]", "url",
	    ARXIV_ABS));
	replayed(c, key_other, a);
	assert_string_equal(ann_status(c, a->id), "pending");
	refused_st(c, key_third, conv_endorse(c, key_third, mod_time(),
	    "endorse", a->id), 404, "not_found");
	refused_st(c, key_third, mod_ann(c, key_third, "live reply",
	    json_pack("{s:s}", "reply_to", a->id)), 404, "not_found");
	replayed(c, key_third, conv_endorse(c, key_third, mod_time(),
	    "endorse", a->id));
	r = mod_ann(c, key_third, "a reply", json_pack("{s:s}", "reply_to",
	    a->id));
	replayed(c, key_third, r);
	replayed(c, fourth, mod_flag_st(c, fourth, a->id, "spam"));
	replayed(c, fourth, review_st(c, fourth, a->id, ARXIV_ABS, "ok",
	    NULL));
	assert_string_equal(ann_status(c, a->id), "pending");
	/* Its moderator here shows it and the reply, which waited too. */
	decide(c, "approve", a->id, 0, NULL);
	assert_string_equal(ann_status(c, r->id), "pending");
	decide(c, "approve", r->id, 0, NULL);
	j = get_annotation(c, a->id);
	assert_int_equal(jint(j, "endorsements"), 1);
	assert_int_equal(jint(j, "replies"), 1);

	/* Waiting at the source (first) and approved; visible here (none). */
	c->gd.cfg.moderation = MODERATION_NONE;
	b = mod_ann(c, fifth, "approved there", NULL);
	replayed(c, fifth, b);
	assert_string_equal(ann_status(c, b->id), "visible");
	replayed(c, mod_key, mod_st(c, mod_key, "approve", b->id, 0, NULL));
	assert_string_equal(ann_status(c, b->id), "visible");
	assert_int_equal(store_key_state(c->gd.store, fifth->pubkey, kstate),
	    STORE_OK);
	assert_string_equal(kstate, "trusted");
	decide_refused(c, "approve", b->id, 0, NULL, 409, "no_change");
	/*
	 * Hidden by one flag there, restored; not hidden here.  The restore
	 * shows it again all the same: flags no longer hide it
	 * (test_mod_replay_restore).
	 */
	replayed(c, mod_key, mod_st(c, mod_key, "restore", b->id, 0, NULL));
	assert_string_equal(ann_status(c, b->id), "visible");
	c->gd.cfg.flag_threshold = 1;
	accepted(c, mod_key, mod_flag_st(c, mod_key, b->id, "spam"));
	assert_string_equal(ann_status(c, b->id), "visible");
	/* A replayed reject of what is rejected here changes nothing. */
	decide(c, "reject", b->id, 0, "spam");
	replayed(c, mod_key, mod_st(c, mod_key, "reject", b->id, 0, "spam"));
	assert_string_equal(ann_status(c, b->id), "rejected");
}

/*
 * A replayed restore shows an annotation again whatever its status here,
 * as every restore does (design 8, 62): flags no longer hide it.  Here
 * flags at the source hid it and a moderator restored it, where it
 * waited (moderation first here, none there) or where those flags did
 * not reach the threshold; the next trusted flag must not hide it here
 * while the source keeps showing it.
 */
/*
 * The source's story replayed here: text posted, flagged by two trusted
 * keys of tr (which hid it there), restored by a moderator; status is
 * what it must be here before the restore.  Then a live flag by tr[2]
 * must not hide it.
 */
static void
replay_restored(struct ctx *c, struct fixture_key **tr, const char *text,
    const char *status)
{
	struct statement	*a;

	a = mod_ann(c, key_other, text, NULL);
	replayed(c, key_other, a);
	replayed(c, tr[0], mod_flag_st(c, tr[0], a->id, "spam"));
	replayed(c, tr[1], mod_flag_st(c, tr[1], a->id, "spam"));
	assert_string_equal(ann_status(c, a->id), status);
	replayed(c, mod_key, mod_st(c, mod_key, "restore", a->id, 0, NULL));
	assert_string_equal(ann_status(c, a->id), "visible");
	accepted(c, tr[2], mod_flag_st(c, tr[2], a->id, "spam"));
	assert_string_equal(ann_status(c, a->id), "visible");
}

static void
test_mod_replay_restore(void **state)
{
	struct ctx		*c = *state;
	struct fixture_key	*tr[3];
	size_t			 i;

	keys_add(&c->gd.cfg.importers, key_curator);
	for (i = 0; i < 3; i++) {
		tr[i] = mod_key_new();
		replayed(c, mod_key, mod_st(c, mod_key, "trust", tr[i]->pubkey,
		    0, NULL));
	}
	/* Waiting here when the two flags that hid it there came. */
	c->gd.cfg.flag_threshold = 2;
	c->gd.cfg.moderation = MODERATION_FIRST;
	replay_restored(c, tr, "hidden there, waiting here", "pending");
	/* Visible here, where the threshold is 3: restored all the same. */
	c->gd.cfg.moderation = MODERATION_NONE;
	c->gd.cfg.flag_threshold = 3;
	replay_restored(c, tr, "hidden there, shown here", "visible");
}

int
main(void)
{
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
#define TE(f)	cmocka_unit_test_setup_teardown(f, setup_empty, teardown)
#define TC(f)	cmocka_unit_test_setup_teardown(f, setup, teardown_conv)
#define TM(f)	cmocka_unit_test_setup_teardown(f, setup_mod, teardown_mod)
	const struct CMUnitTest tests[] = {
		TE(test_record_by_curator),
		TE(test_record_idempotent),
		TE(test_record_not_curator),
		T(test_record_exists),
		T(test_annotation_created),
		T(test_get_statement),
		T(test_get_statement_not_found),
		T(test_get_ids),
		TE(test_get_records),
		T(test_get_record),
		T(test_annotations_unfiltered),
		T(test_annotations_filters),
		T(test_annotations_pages),
		T(test_annotations_bad_query),
		T(test_annotations_talk_one_past),
		T(test_annotations_limit_one_past),
		T(test_log),
		T(test_healthz),
		T(test_bad_json),
		T(test_duplicate_member),
		T(test_number_not_integer),
		T(test_integer_out_of_range),
		T(test_malformed_request),
		T(test_bad_signature),
		T(test_key_mismatch),
		T(test_legacy_signature),
		T(test_bad_trusted_comment),
		T(test_unknown_record),
		T(test_talk_out_of_range),
		T(test_time_outside),
		T(test_bad_time_range),
		T(test_text_too_long),
		T(test_too_many_links),
		T(test_clock_skew),
		T(test_reply_to),
		T(test_invalid_statement),
		TC(test_conv_revision_not_author),
		TC(test_conv_revision_of_revision),
		TC(test_conv_revision_unknown),
		TC(test_conv_revision_retracted),
		TC(test_conv_revision_chain_order),
		TC(test_conv_revision_outside_talk),
		TC(test_conv_revision_reading_links),
		TC(test_conv_retraction_rules),
		TC(test_conv_retracted_gone),
		TC(test_conv_reply_rules),
		TC(test_conv_endorse),
		TC(test_conv_thread),
		TC(test_conv_thread_limit),
		TC(test_conv_keys),
		TC(test_conv_search),
		TC(test_conv_importer),
		TC(test_conv_own_annotation),
		TC(test_conv_revision_own_state),
		TC(test_conv_revision_no_change),
		TM(test_mod_first),
		TM(test_mod_all),
		TM(test_mod_not_moderator),
		TM(test_mod_no_change),
		TM(test_mod_unlock_talk_under_record_lock),
		TM(test_mod_banned),
		TM(test_mod_locked),
		TM(test_mod_locked_message),
		TM(test_mod_flags),
		TM(test_mod_queue_flags_capped),
		TM(test_mod_flag_after_restore),
		TM(test_mod_rate_limit),
		TM(test_mod_log),
		TM(test_mod_thread),
		TM(test_mod_mine),
		TM(test_reading_review_post),
		TM(test_reading_shape),
		TM(test_reading_rank),
		TM(test_reading_check),
		TM(test_reading_pages),
		TM(test_reading_formats),
		TM(test_reading_bad_query),
		TM(test_reading_empty),
		TM(test_mod_replay_settings),
		TM(test_mod_replay_restore),
	};
#undef T
#undef TE
#undef TC
#undef TM

	return cmocka_run_group_tests_name("api", tests, fixture_group_setup,
	    fixture_group_teardown);
}
