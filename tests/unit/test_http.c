/*
 * test_http.c: unit tests for the socket-free half of daemon/http.c.
 *
 * Everything a client sends reaches a handler through the router, the
 * query parser and http_query_int, and every refusal leaves through
 * http_error, so those decide which handler runs, what it is told and what
 * shape the client gets back.  They are pure functions over plain structs,
 * so they are tested here without evhttp: exact matches and near misses
 * for routes, decoding and every malformed escape for queries, both edges
 * of every integer range, and the one error body byte for byte.  Requests
 * and responses are always cleared, so ASan's leak check covers them.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glossd.h"

static int
group_setup(void **state)
{
	log_init("test_http", 0, 1);
	return 0;
}

static void
req_init(struct http_request *req, enum http_method method,
    const char *path)
{
	memset(req, 0, sizeof *req);
	req->method = method;
	req->path = path;
	req->body = "";
}

/* Parse q into a fresh request; returns http_parse_query's value. */
static int
query(struct http_request *req, const char *q)
{
	req_init(req, HTTP_GET, "/");
	return http_parse_query(q, req);
}

/* q must be refused by http_parse_query. */
static void
query_refused(const char *q)
{
	struct http_request	req;
	int			rc;

	rc = query(&req, q);
	http_request_clear(&req);
	if (rc != -1)
		fail_msg("query \"%s\" accepted", q);
}

static void
test_route_match_params(void **state)
{
	struct http_request	req;

	req_init(&req, HTTP_GET, "/v1/records/cvpr-2024.x_1/annotations");
	assert_int_equal(http_route_match("/v1/records/:rid/annotations",
	    req.path, &req), 1);
	assert_int_equal(req.nparams, 1);
	assert_string_equal(req.params[0].key, "rid");
	assert_string_equal(req.params[0].value, "cvpr-2024.x_1");
	assert_string_equal(http_param(&req, "rid"), "cvpr-2024.x_1");
	assert_null(http_param(&req, "id"));
	http_request_clear(&req);
	assert_int_equal(req.nparams, 0);

	/* Two captures, and a capture holding dots (the .json forms). */
	req_init(&req, HTTP_GET, "/a/one/b/two.json");
	assert_int_equal(http_route_match("/a/:x/b/:y", req.path, &req), 1);
	assert_int_equal(req.nparams, 2);
	assert_string_equal(http_param(&req, "x"), "one");
	assert_string_equal(http_param(&req, "y"), "two.json");
	http_request_clear(&req);

	/* A pattern without captures matches itself and captures nothing. */
	req_init(&req, HTTP_GET, "/healthz");
	assert_int_equal(http_route_match("/healthz", req.path, &req), 1);
	assert_int_equal(req.nparams, 0);
	http_request_clear(&req);
}

/* route must not match path, and must leave no captures behind. */
static void
no_match(const char *pattern, const char *path)
{
	struct http_request	req;
	int			rc;
	size_t			n;

	req_init(&req, HTTP_GET, path);
	rc = http_route_match(pattern, path, &req);
	n = req.nparams;
	http_request_clear(&req);
	if (rc != 0 || n != 0)
		fail_msg("\"%s\" against \"%s\": %d with %zu captures",
		    pattern, path, rc, n);
}

static void
test_route_match_literal_mismatch(void **state)
{
	no_match("/v1/records", "/v1/recordz");
	no_match("/v1/records", "/v2/records");
	no_match("/v1/records", "/v1/rec");
	no_match("/v1/rec", "/v1/records");
	no_match("/v1/records", "/V1/records");
	no_match("/healthz", "/");
	no_match("/healthz", "");
	no_match("/healthz", "healthz");
	/* A capture matched before a literal mismatch is dropped again. */
	no_match("/v1/records/:rid/annotations", "/v1/records/x/notations");
}

static void
test_route_match_trailing_slash(void **state)
{
	no_match("/v1/records", "/v1/records/");
	no_match("/healthz", "/healthz/");
	no_match("/v1/records/:rid", "/v1/records/x/");
	no_match("/v1/records/:rid/annotations",
	    "/v1/records/x/annotations/");
}

static void
test_route_match_extra_segments(void **state)
{
	no_match("/v1/records/:rid", "/v1/records/x/annotations");
	no_match("/v1/records/:rid", "/v1/records/x/y");
	no_match("/v1/records", "/v1/records/x");
	no_match("/v1/log", "/v1/log/1");
	/* And too few. */
	no_match("/v1/records/:rid/annotations", "/v1/records/x");
}

static void
test_route_match_empty_param(void **state)
{
	no_match("/v1/records/:rid", "/v1/records/");
	no_match("/v1/records/:rid/annotations", "/v1/records//annotations");
	no_match("/v1/statements/:id", "/v1/statements//");
}

/* A failed match drops only its own captures, not earlier ones. */
static void
test_route_match_keeps_earlier(void **state)
{
	struct http_request	req;

	req_init(&req, HTTP_GET, "/a/1");
	assert_int_equal(http_route_match("/a/:x", "/a/1", &req), 1);
	assert_int_equal(http_route_match("/b/:y/c", "/b/2/d", &req), 0);
	assert_int_equal(req.nparams, 1);
	assert_string_equal(http_param(&req, "x"), "1");
	assert_null(http_param(&req, "y"));
	http_request_clear(&req);
}

/* More captures than HTTP_MAX_PARAMS: no match, nothing kept. */
static void
test_route_match_too_many_params(void **state)
{
	struct http_request	req;

	req_init(&req, HTTP_GET, "/1/2/3/4");
	assert_int_equal(http_route_match("/:a/:b/:c/:d", req.path, &req), 1);
	assert_int_equal(req.nparams, HTTP_MAX_PARAMS);
	http_request_clear(&req);
	no_match("/:a/:b/:c/:d/:e", "/1/2/3/4/5");
}

/* Find the route for method and path; checks *allowed against want. */
static const struct http_route *
find(enum http_method method, const char *path, struct http_request *req,
    int want_allowed)
{
	const struct http_route	*r;
	int			 allowed = -1;

	req_init(req, method, path);
	r = http_route_find(method, path, req, &allowed);
	if (allowed != want_allowed)
		fail_msg("%s: allowed %d, wanted %d", path, allowed,
		    want_allowed);
	return r;
}

static void
test_route_find_found(void **state)
{
	const struct http_route	*r;
	struct http_request	 req;

	r = find(HTTP_POST, "/v1/statements", &req, 0);
	assert_non_null(r);
	assert_ptr_equal(r->handler, api_post_statement);
	http_request_clear(&req);

	r = find(HTTP_GET, "/v1/statements/abc.json", &req, 0);
	assert_non_null(r);
	assert_ptr_equal(r->handler, api_get_statement);
	assert_string_equal(http_param(&req, "id"), "abc.json");
	http_request_clear(&req);

	r = find(HTTP_GET, "/v1/records", &req, 0);
	assert_non_null(r);
	assert_ptr_equal(r->handler, api_get_records);
	http_request_clear(&req);

	r = find(HTTP_GET, "/v1/records/rec-1", &req, 0);
	assert_non_null(r);
	assert_ptr_equal(r->handler, api_get_record);
	assert_string_equal(http_param(&req, "rid"), "rec-1");
	http_request_clear(&req);

	r = find(HTTP_GET, "/v1/records/rec-1/annotations", &req, 0);
	assert_non_null(r);
	assert_ptr_equal(r->handler, api_get_annotations);
	assert_int_equal(req.nparams, 1);
	assert_string_equal(http_param(&req, "rid"), "rec-1");
	http_request_clear(&req);

	r = find(HTTP_GET, "/v1/log", &req, 0);
	assert_non_null(r);
	assert_ptr_equal(r->handler, api_get_log);
	http_request_clear(&req);

	r = find(HTTP_GET, "/healthz", &req, 0);
	assert_non_null(r);
	assert_ptr_equal(r->handler, api_get_healthz);
	http_request_clear(&req);
}

static void
test_route_find_head(void **state)
{
	const struct http_route	*r;
	struct http_request	 req;

	/* HEAD is served by the GET routes... */
	r = find(HTTP_HEAD, "/healthz", &req, 0);
	assert_non_null(r);
	assert_ptr_equal(r->handler, api_get_healthz);
	http_request_clear(&req);
	r = find(HTTP_HEAD, "/v1/records/x", &req, 0);
	assert_non_null(r);
	assert_ptr_equal(r->handler, api_get_record);
	assert_string_equal(http_param(&req, "rid"), "x");
	http_request_clear(&req);

	/* ...and only by them. */
	r = find(HTTP_HEAD, "/v1/statements", &req, 1);
	assert_null(r);
	http_request_clear(&req);
}

static void
test_route_find_405(void **state)
{
	struct http_request	req;

	assert_null(find(HTTP_GET, "/v1/statements", &req, 1));
	assert_int_equal(req.nparams, 0);
	http_request_clear(&req);
	assert_null(find(HTTP_POST, "/v1/records", &req, 1));
	http_request_clear(&req);
	assert_null(find(HTTP_POST, "/v1/records/x/annotations", &req, 1));
	assert_int_equal(req.nparams, 0);
	http_request_clear(&req);
	assert_null(find(HTTP_POST, "/healthz", &req, 1));
	http_request_clear(&req);
	assert_null(find(HTTP_POST, "/v1/statements/x", &req, 1));
	assert_int_equal(req.nparams, 0);
	http_request_clear(&req);
}

static void
test_route_find_404(void **state)
{
	struct http_request	req;

	assert_null(find(HTTP_GET, "/nope", &req, 0));
	http_request_clear(&req);
	assert_null(find(HTTP_GET, "/", &req, 0));
	http_request_clear(&req);
	assert_null(find(HTTP_GET, "/v1/records/", &req, 0));
	assert_int_equal(req.nparams, 0);
	http_request_clear(&req);
	assert_null(find(HTTP_POST, "/v1/statements/", &req, 0));
	http_request_clear(&req);
	assert_null(find(HTTP_GET, "/v1/records/x/annotations/y", &req, 0));
	assert_int_equal(req.nparams, 0);
	http_request_clear(&req);
	assert_null(find(HTTP_GET, "/healthz/", &req, 0));
	http_request_clear(&req);
}

/* The route of method and path must be handler, with param = value. */
static void
found(enum http_method method, const char *path, http_handler handler,
    const char *param, const char *value)
{
	const struct http_route	*r;
	struct http_request	 req;
	const char		*got;
	int			 allowed;

	/* Other methods' routes may come first: allowed is not checked. */
	req_init(&req, method, path);
	r = http_route_find(method, path, &req, &allowed);
	if (r == NULL || r->handler != handler) {
		http_request_clear(&req);
		fail_msg("%s %s: not the expected handler", method ==
		    HTTP_OPTIONS ? "OPTIONS" : "GET/HEAD/POST", path);
	}
	got = param != NULL ? http_param(&req, param) : NULL;
	if (param != NULL && (got == NULL || strcmp(got, value) != 0)) {
		http_request_clear(&req);
		fail_msg("%s: :%s is not %s", path, param, value);
	}
	http_request_clear(&req);
}

/*
 * The W3C routes: a container ends in '/', GET (so HEAD), POST on the
 * record's container only, OPTIONS everywhere; and a talk's v1 IRI.
 */
static void
test_route_find_w3c(void **state)
{
	struct http_request	req;

	found(HTTP_GET, "/annotations/rec/", api_w3c_get_container, "rid",
	    "rec");
	found(HTTP_HEAD, "/annotations/rec/", api_w3c_get_container, "rid",
	    "rec");
	found(HTTP_POST, "/annotations/rec/", api_w3c_post, "rid", "rec");
	found(HTTP_OPTIONS, "/annotations/rec/", api_w3c_options, "rid",
	    "rec");
	found(HTTP_GET, "/annotations/rec/talks/5/", api_w3c_get_container,
	    "n", "5");
	found(HTTP_OPTIONS, "/annotations/rec/talks/5/", api_w3c_options,
	    "n", "5");
	found(HTTP_GET, "/annotations/rec/abc", api_w3c_get_annotation, "id",
	    "abc");
	found(HTTP_HEAD, "/annotations/rec/abc", api_w3c_get_annotation,
	    "id", "abc");
	found(HTTP_OPTIONS, "/annotations/rec/abc", api_w3c_options, "id",
	    "abc");
	found(HTTP_GET, "/v1/records/rec/talks/2", api_get_talk, "n", "2");

	/* Read-only: no POST to a talk's container or an annotation. */
	assert_null(find(HTTP_POST, "/annotations/rec/talks/5/", &req, 1));
	http_request_clear(&req);
	assert_null(find(HTTP_POST, "/annotations/rec/abc", &req, 1));
	http_request_clear(&req);
	/* OPTIONS is only where the W3C routes are. */
	assert_null(find(HTTP_OPTIONS, "/v1/records", &req, 1));
	http_request_clear(&req);
	/* A container without its '/', or a talk's: no such resource. */
	assert_null(find(HTTP_GET, "/annotations/rec", &req, 0));
	http_request_clear(&req);
	assert_null(find(HTTP_GET, "/annotations/rec/talks/5", &req, 0));
	http_request_clear(&req);
	assert_null(find(HTTP_GET, "/annotations/", &req, 0));
	http_request_clear(&req);
}

/*
 * Looking a path up under the wrong method must not cost the request its
 * query: a route table with two methods on one path (the POST first) would
 * otherwise hand the GET handler an empty query.
 */
static void
test_route_find_keeps_query(void **state)
{
	struct http_request	req;
	int			allowed = 0;

	req_init(&req, HTTP_GET, "/v1/statements");
	assert_int_equal(http_parse_query("after=5", &req), 0);
	assert_null(http_route_find(HTTP_GET, req.path, &req, &allowed));
	assert_int_equal(allowed, 1);
	if (http_query(&req, "after") == NULL) {
		http_request_clear(&req);
		fail_msg("the 405 lookup dropped the query");
	}
	assert_string_equal(http_query(&req, "after"), "5");
	http_request_clear(&req);
}

static void
test_query_decoding(void **state)
{
	struct http_request	req;

	assert_int_equal(query(&req, "a=1&b=hello+world&c=%41%42%2b%2B"
	    "&d=%c3%A9t%C3%A9&e=a%20b%26c%3Dd"), 0);
	assert_int_equal(req.nquery, 5);
	assert_string_equal(http_query(&req, "a"), "1");
	assert_string_equal(http_query(&req, "b"), "hello world");
	assert_string_equal(http_query(&req, "c"), "AB++");
	assert_string_equal(http_query(&req, "d"), "\xc3\xa9t\xc3\xa9");
	assert_string_equal(http_query(&req, "e"), "a b&c=d");
	assert_null(http_query(&req, "f"));
	http_request_clear(&req);
	assert_int_equal(req.nquery, 0);

	/* Keys are decoded too. */
	assert_int_equal(query(&req, "%6bey+1=v"), 0);
	assert_string_equal(http_query(&req, "key 1"), "v");
	http_request_clear(&req);

	/* Only the first '=' splits. */
	assert_int_equal(query(&req, "a=1=2"), 0);
	assert_string_equal(http_query(&req, "a"), "1=2");
	http_request_clear(&req);
}

static void
test_query_empty(void **state)
{
	struct http_request	req;

	assert_int_equal(query(&req, NULL), 0);
	assert_int_equal(req.nquery, 0);
	assert_int_equal(query(&req, ""), 0);
	assert_int_equal(req.nquery, 0);
	assert_int_equal(query(&req, "&&&"), 0);
	assert_int_equal(req.nquery, 0);
	http_request_clear(&req);

	/* Empty pieces between '&' are skipped. */
	assert_int_equal(query(&req, "a=1&&b=2&"), 0);
	assert_int_equal(req.nquery, 2);
	assert_string_equal(http_query(&req, "a"), "1");
	assert_string_equal(http_query(&req, "b"), "2");
	http_request_clear(&req);
	assert_int_equal(query(&req, "&a=1"), 0);
	assert_int_equal(req.nquery, 1);
	http_request_clear(&req);

	/* A key without '=' and a key with '=' but nothing after it. */
	assert_int_equal(query(&req, "flag&x=&y=1"), 0);
	assert_int_equal(req.nquery, 3);
	assert_string_equal(http_query(&req, "flag"), "");
	assert_string_equal(http_query(&req, "x"), "");
	assert_string_equal(http_query(&req, "y"), "1");
	http_request_clear(&req);
}

static void
test_query_duplicate(void **state)
{
	query_refused("a=1&a=2");
	query_refused("a=1&b=2&a=1");
	query_refused("a&a");
	/* The same key once decoded. */
	query_refused("a=1&%61=2");
	query_refused("a+b=1&a%20b=2");
}

static void
test_query_nul(void **state)
{
	query_refused("a=%00");
	query_refused("a=x%00y");
	query_refused("%00=1");
	query_refused("a%00b=1");
}

static void
test_query_bad_utf8(void **state)
{
	struct http_request	req;

	query_refused("a=%ff");
	query_refused("a=%c3");		/* truncated sequence */
	query_refused("a=%c3%28");	/* bad continuation */
	query_refused("a=%c0%af");	/* overlong '/' */
	query_refused("a=%ed%a0%80");	/* UTF-16 surrogate */
	query_refused("a=%f4%90%80%80");	/* past U+10FFFF */
	query_refused("%ff=1");
	query_refused("a=\xff");	/* raw, not escaped */

	/* The largest code point is fine. */
	assert_int_equal(query(&req, "a=%f4%8f%bf%bf"), 0);
	assert_string_equal(http_query(&req, "a"), "\xf4\x8f\xbf\xbf");
	http_request_clear(&req);
}

static void
test_query_bad_escape(void **state)
{
	query_refused("a=%zz");
	query_refused("a=%4");
	query_refused("a=%");
	query_refused("a=%4g");
	query_refused("a=%g4");
	query_refused("a=%%41");
	query_refused("%4=1");
	query_refused("%=1");
	query_refused("a=%4&b=1");
	query_refused("a=1&b=%");
}

static void
test_query_too_many(void **state)
{
	struct http_request	 req;
	struct buf		 q;
	int			 i;

	buf_init(&q);
	for (i = 0; i < HTTP_MAX_QUERY; i++)
		buf_printf(&q, "%sk%d=%d", i > 0 ? "&" : "", i, i);
	assert_int_equal(query(&req, q.data), 0);
	assert_int_equal(req.nquery, HTTP_MAX_QUERY);
	assert_string_equal(http_query(&req, "k15"), "15");
	http_request_clear(&req);

	buf_printf(&q, "&k%d=%d", HTTP_MAX_QUERY, HTTP_MAX_QUERY);
	assert_int_equal(query(&req, q.data), -1);
	assert_true(req.nquery <= HTTP_MAX_QUERY);
	http_request_clear(&req);

	/* Empty pieces do not count. */
	buf_reset(&q);
	for (i = 0; i < HTTP_MAX_QUERY; i++)
		buf_printf(&q, "&&k%d=%d", i, i);
	assert_int_equal(query(&req, q.data), 0);
	assert_int_equal(req.nquery, HTTP_MAX_QUERY);
	http_request_clear(&req);
	buf_free(&q);
}

/*
 * http_query_int on the query q for key "n" in [min, max].  Returns its
 * value; *out starts as 777 and *status is the response's status.
 */
static int
qint(const char *q, int64_t min, int64_t max, int64_t *out, int *status)
{
	struct http_request	 req;
	struct http_response	 resp;
	int			 rc, bad = 0;

	if (query(&req, q) != 0) {
		http_request_clear(&req);
		fail_msg("query \"%s\" refused", q);
	}
	http_response_init(&resp);
	*out = 777;
	rc = http_query_int(&resp, &req, "n", min, max, out);
	*status = resp.status;
	/* A refusal is the standard 400 naming the key; else no body. */
	if (rc == -1)
		bad = resp.body.data == NULL ||
		    strstr(resp.body.data, "\"bad_query\"") == NULL ||
		    strstr(resp.body.data, "n must be") == NULL;
	else
		bad = resp.body.len != 0;
	if (bad)
		print_error("query \"%s\": body %s\n", q,
		    resp.body.data != NULL ? resp.body.data : "empty");
	http_response_clear(&resp);
	http_request_clear(&req);
	if (bad)
		fail();
	return rc;
}

/* q must give v for key n in [min, max]. */
static void
qint_ok(const char *q, int64_t min, int64_t max, int64_t v)
{
	int64_t	out;
	int	status;

	if (qint(q, min, max, &out, &status) != 0 || out != v)
		fail_msg("\"%s\" in [%lld, %lld]: status %d, value %lld, "
		    "wanted %lld", q, (long long)min, (long long)max, status,
		    (long long)out, (long long)v);
}

/* q must be refused with 400, leaving the value alone. */
static void
qint_refused(const char *q, int64_t min, int64_t max)
{
	int64_t	out;
	int	status;

	if (qint(q, min, max, &out, &status) != -1 || status != 400 ||
	    out != 777)
		fail_msg("\"%s\" in [%lld, %lld]: not refused (status %d, "
		    "value %lld)", q, (long long)min, (long long)max, status,
		    (long long)out);
}

static void
test_query_int_absent(void **state)
{
	/* Absent: 0 and the value untouched (777). */
	qint_ok("", 1, 10, 777);
	qint_ok("m=5", 1, 10, 777);
	qint_ok("N=5", 1, 10, 777);
}

static void
test_query_int_bounds(void **state)
{
	qint_ok("n=5", 1, 10, 5);
	qint_ok("n=1", 1, 10, 1);
	qint_ok("n=10", 1, 10, 10);
	qint_refused("n=0", 1, 10);
	qint_refused("n=11", 1, 10);

	qint_ok("n=500", 1, 500, 500);
	qint_refused("n=501", 1, 500);
	qint_refused("n=0", 1, 500);
	qint_refused("n=1000", 1, 500);

	qint_ok("n=0", 0, GLOSS_MAX_SAFE_INT, 0);
	qint_ok("n=9007199254740991", 0, GLOSS_MAX_SAFE_INT,
	    GLOSS_MAX_SAFE_INT);
	qint_refused("n=9007199254740992", 0, GLOSS_MAX_SAFE_INT);

	qint_ok("n=9223372036854775807", 0, INT64_MAX, INT64_MAX);
	qint_refused("n=9223372036854775808", 0, INT64_MAX);

	qint_ok("n=007", 1, 10, 7);
	qint_ok("n=0010", 1, 10, 10);
	qint_refused("n=0011", 1, 10);
}

/*
 * Ranges whose maximum is a single digit (a record's talks, a small
 * page_max): one past the maximum is refused like any other.
 */
static void
test_query_int_small_max(void **state)
{
	qint_ok("n=3", 1, 3, 3);
	qint_refused("n=4", 1, 3);
	qint_refused("n=9", 1, 3);
	qint_refused("n=10", 1, 3);
	qint_ok("n=0", 0, 0, 0);
	qint_refused("n=1", 0, 0);
	qint_refused("n=04", 1, 3);
}

static void
test_query_int_not_digits(void **state)
{
	qint_refused("n=", 0, 100);
	qint_refused("n", 0, 100);
	qint_refused("n=abc", 0, 100);
	qint_refused("n=1a", 0, 100);
	qint_refused("n=a1", 0, 100);
	qint_refused("n=-1", 0, 100);
	qint_refused("n=%2B1", 0, 100);	/* "+1" */
	qint_refused("n=+1", 0, 100);	/* " 1" */
	qint_refused("n=1+", 0, 100);	/* "1 " */
	qint_refused("n=1.0", 0, 100);
	qint_refused("n=0x1", 0, 100);
	qint_refused("n=1e2", 0, 100);
}

static void
test_query_int_overflow(void **state)
{
	qint_refused("n=123456789012345678901234567890", 0, INT64_MAX);
	qint_refused("n=123456789012345678901234567890", 0,
	    GLOSS_MAX_SAFE_INT);
	qint_refused("n=99999999999999999999", 0, INT64_MAX);
	qint_refused("n=18446744073709551617", 0, INT64_MAX);
}

static void
test_response_init(void **state)
{
	struct http_response	resp;

	memset(&resp, 0xa5, sizeof resp);
	http_response_init(&resp);
	assert_int_equal(resp.status, 200);
	assert_string_equal(resp.content_type,
	    "application/json; charset=utf-8");
	assert_string_equal(resp.location, "");
	assert_int_equal(resp.body.len, 0);
	http_json(&resp, 201);
	assert_int_equal(resp.status, 201);
	http_response_clear(&resp);
}

static void
test_error_shape(void **state)
{
	struct http_response	resp;

	http_response_init(&resp);
	/* Whatever was there goes: body, type and Location. */
	buf_puts(&resp.body, "{\"id\":\"partial\"");
	resp.content_type = "text/plain; charset=utf-8";
	snprintf(resp.location, sizeof resp.location, "/v1/statements/x");
	http_error(&resp, 404, "not_found", "no such %s (%d)", "thing", 7);
	assert_int_equal(resp.status, 404);
	assert_string_equal(resp.content_type,
	    "application/json; charset=utf-8");
	assert_string_equal(resp.location, "");
	assert_string_equal(resp.body.data,
	    "{\"error\":{\"code\":\"not_found\",\"message\":"
	    "\"no such thing (7)\"}}\n");
	assert_int_equal(resp.body.len, strlen(resp.body.data));
	http_response_clear(&resp);
}

static void
test_error_escaping(void **state)
{
	struct http_response	 resp;
	json_t			*root;
	json_error_t		 jerr;
	const char		*msg = "say \"hi\" \\ tab\there\nnl\r\x01\x1f"
				    "\x7f caf\xc3\xa9";

	http_response_init(&resp);
	http_error(&resp, 422, "bad_thing", "%s", msg);
	assert_int_equal(resp.status, 422);
	assert_string_equal(resp.body.data,
	    "{\"error\":{\"code\":\"bad_thing\",\"message\":"
	    "\"say \\\"hi\\\" \\\\ tab\\there\\nnl\\r\\u0001\\u001f"
	    "\x7f caf\xc3\xa9\"}}\n");

	/* And it is JSON that gives the message back. */
	root = json_loads(resp.body.data, 0, &jerr);
	assert_non_null(root);
	assert_string_equal(json_string_value(json_object_get(
	    json_object_get(root, "error"), "message")), msg);
	assert_string_equal(json_string_value(json_object_get(
	    json_object_get(root, "error"), "code")), "bad_thing");
	assert_int_equal(json_object_size(root), 1);
	assert_int_equal(json_object_size(json_object_get(root, "error")), 2);
	json_decref(root);
	http_response_clear(&resp);
}

/*
 * Extra headers: kept in order, freed with the response, dropped by an
 * error (they described the answer it replaces), and never one whose
 * value could split the header or start another.
 */
static void
test_response_headers(void **state)
{
	struct http_response	resp;
	int			i;

	http_response_init(&resp);
	assert_int_equal(resp.nheaders, 0);
	http_header(&resp, "ETag", "\"%s\"", "abc");
	http_header(&resp, "Vary", "Accept, Prefer");
	assert_int_equal(resp.nheaders, 2);
	assert_string_equal(resp.headers[0].name, "ETag");
	assert_string_equal(resp.headers[0].value, "\"abc\"");
	assert_string_equal(resp.headers[1].name, "Vary");
	assert_string_equal(resp.headers[1].value, "Accept, Prefer");

	http_header(&resp, "Location", "http://x/%s", "a\r\nSet-Cookie: x=1");
	http_header(&resp, "Location", "%s", "a\nb");
	http_header(&resp, "Location", "%s", "tab\there");
	http_header(&resp, "Location", "%s", "nul\x01");
	http_header(&resp, "Location", "%s", "del\x7f");
	assert_int_equal(resp.nheaders, 2);

	http_error(&resp, 404, "not_found", "no such thing");
	assert_int_equal(resp.nheaders, 0);

	/* Room for exactly HTTP_MAX_HEADERS; the rest are freed on clear. */
	for (i = 0; i < HTTP_MAX_HEADERS; i++)
		http_header(&resp, "X-N", "%d", i);
	assert_int_equal(resp.nheaders, HTTP_MAX_HEADERS);
	assert_string_equal(resp.headers[HTTP_MAX_HEADERS - 1].value, "11");
	http_response_clear(&resp);
	assert_int_equal(resp.nheaders, 0);
}

static void
test_dispatch_other_method(void **state)
{
	struct http_request	req;
	struct http_response	resp;

	/* Even on a path that exists: the method decides first. */
	req_init(&req, HTTP_OTHER, "/healthz");
	http_response_init(&resp);
	http_dispatch(NULL, &req, &resp);
	assert_int_equal(resp.status, 405);
	assert_non_null(strstr(resp.body.data,
	    "{\"error\":{\"code\":\"method_not_allowed\",\"message\":"));
	http_response_clear(&resp);
	http_request_clear(&req);
}

static void
test_dispatch_404_405(void **state)
{
	struct http_request	req;
	struct http_response	resp;

	req_init(&req, HTTP_GET, "/v2/anything");
	http_response_init(&resp);
	http_dispatch(NULL, &req, &resp);
	assert_int_equal(resp.status, 404);
	assert_string_equal(resp.body.data, "{\"error\":{\"code\":"
	    "\"not_found\",\"message\":\"no such resource\"}}\n");
	http_response_clear(&resp);
	http_request_clear(&req);

	req_init(&req, HTTP_POST, "/v1/records/x");
	http_response_init(&resp);
	http_dispatch(NULL, &req, &resp);
	assert_int_equal(resp.status, 405);
	assert_string_equal(resp.body.data, "{\"error\":{\"code\":"
	    "\"method_not_allowed\",\"message\":"
	    "\"POST is not allowed here\"}}\n");
	assert_int_equal(req.nparams, 0);
	http_response_clear(&resp);
	http_request_clear(&req);

	req_init(&req, HTTP_HEAD, "/v1/statements");
	http_response_init(&resp);
	http_dispatch(NULL, &req, &resp);
	assert_int_equal(resp.status, 405);
	assert_non_null(strstr(resp.body.data, "HEAD is not allowed"));
	http_response_clear(&resp);
	http_request_clear(&req);

	/* OPTIONS is a method now, served on the W3C routes only. */
	req_init(&req, HTTP_OPTIONS, "/healthz");
	http_response_init(&resp);
	http_dispatch(NULL, &req, &resp);
	assert_int_equal(resp.status, 405);
	assert_non_null(strstr(resp.body.data, "OPTIONS is not allowed"));
	http_response_clear(&resp);
	http_request_clear(&req);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_match_params),
		cmocka_unit_test(test_route_match_literal_mismatch),
		cmocka_unit_test(test_route_match_trailing_slash),
		cmocka_unit_test(test_route_match_extra_segments),
		cmocka_unit_test(test_route_match_empty_param),
		cmocka_unit_test(test_route_match_keeps_earlier),
		cmocka_unit_test(test_route_match_too_many_params),
		cmocka_unit_test(test_route_find_found),
		cmocka_unit_test(test_route_find_head),
		cmocka_unit_test(test_route_find_405),
		cmocka_unit_test(test_route_find_404),
		cmocka_unit_test(test_route_find_keeps_query),
		cmocka_unit_test(test_route_find_w3c),
		cmocka_unit_test(test_query_decoding),
		cmocka_unit_test(test_query_empty),
		cmocka_unit_test(test_query_duplicate),
		cmocka_unit_test(test_query_nul),
		cmocka_unit_test(test_query_bad_utf8),
		cmocka_unit_test(test_query_bad_escape),
		cmocka_unit_test(test_query_too_many),
		cmocka_unit_test(test_query_int_absent),
		cmocka_unit_test(test_query_int_bounds),
		cmocka_unit_test(test_query_int_small_max),
		cmocka_unit_test(test_query_int_not_digits),
		cmocka_unit_test(test_query_int_overflow),
		cmocka_unit_test(test_response_init),
		cmocka_unit_test(test_error_shape),
		cmocka_unit_test(test_error_escaping),
		cmocka_unit_test(test_response_headers),
		cmocka_unit_test(test_dispatch_other_method),
		cmocka_unit_test(test_dispatch_404_405),
	};

	return cmocka_run_group_tests_name("http", tests, group_setup, NULL);
}
