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

static int
setup_empty(void **state)
{
	struct ctx	*c;
	const char	*errstr;

	c = xcalloc(1, sizeof *c);
	config_defaults(&c->gd.cfg);
	c->gd.cfg.curators.keys = xcalloc(1, sizeof *c->gd.cfg.curators.keys);
	c->gd.cfg.curators.keys[0] = key_curator->pk;
	c->gd.cfg.curators.n = 1;
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
	    "\"type\":\"flag\"");
	refused(c, wire(c, s, strlen(s), sig), time(NULL), 422,
	    "unsupported_type");
	s = replace(c, st->canonical, "\"text\":\"XX\",", "");
	refused(c, wire(c, s, strlen(s), sig), time(NULL), 422,
	    "invalid_statement");
	s = replace(c, st->canonical, "\"v\":1}", "\"v\":1,\"w\":1}");
	refused(c, wire(c, s, strlen(s), sig), time(NULL), 422,
	    "invalid_statement");
}

int
main(void)
{
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
#define TE(f)	cmocka_unit_test_setup_teardown(f, setup_empty, teardown)
	const struct CMUnitTest tests[] = {
		TE(test_record_by_curator),
		TE(test_record_idempotent),
		TE(test_record_not_curator),
		T(test_record_exists),
		T(test_annotation_created),
		T(test_get_statement),
		T(test_get_statement_not_found),
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
	};
#undef T
#undef TE

	return cmocka_run_group_tests_name("api", tests, fixture_group_setup,
	    fixture_group_teardown);
}
