/*
 * http.c: the only file that sees libevent's evhttp.
 *
 * It turns each evhttp request into a plain struct http_request, checks the
 * limits where input enters, finds the handler in one route table, and
 * sends whatever struct http_response the handler filled.  Every error body,
 * ours or a handler's, is written by http_error, so clients always get the
 * same JSON shape.
 *
 * Group commit (docs/design.md §8): the statements POSTs store in one
 * turn of the event loop share a transaction (store_group), which
 * commits at the end of the turn; the store's syncer thread then makes
 * it durable while the loop goes on (store_sync.c).  Every answer that
 * could show a commit not yet on disk is held here until it is: the
 * POSTs' 201s, and any read made meanwhile (a request that only reads
 * commits the open group first).  So a 201 still means on disk, and
 * nobody sees a statement before it is durable.  Before all that, a
 * POST's signature is checked on a verifier thread (verifier.c) while
 * the loop serves other requests.
 */

#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "glossd.h"
#include "ratelimit.h"

/*
 * evhttp answers a body over its own cap with an HTML 413 we cannot
 * replace (libevent 2.1 has no error callback), so its cap sits well above
 * the configured limit and the configured limit is enforced here, with a
 * JSON body.
 */
#define HTTP_HARD_BODY_FACTOR	4
#define HTTP_GROUP_MAX		128	/* answers held for one commit */

/* After a failed sync, time for the answers to go out before stopping. */
static const struct timeval http_drain = { 0, 500000 };

/* An answer held until what it could show is on disk. */
struct http_held {
	TAILQ_ENTRY(http_held)	 entry;
	uint64_t		 generation;	/* 0: the open group's */
	struct evhttp_request	*ev;
	enum http_method	 method;
	struct http_response	 resp;
	struct timespec		 t0;
	char			 client[64];
};

struct http_server {
	struct glossd			*gd;
	struct event_base		*base;
	struct evhttp			*http;
	struct evhttp_bound_socket	*sock;
	struct event			*commit;	/* at the turn's end */
	struct verifier			*verifier;	/* NULL: the loop */
							/* verifies */
	TAILQ_HEAD(, http_held)		 held;		/* the open group's */
	size_t				 nheld;
	TAILQ_HEAD(, http_held)		 syncing;	/* as held */
	struct event			*durable;	/* the syncer moved on */
};

static const struct http_route http_routes[] = {
	{ HTTP_POST, "/v1/statements", api_post_statement, 0 },
	{ HTTP_GET, "/v1/statements/:id", api_get_statement, 1 },
	{ HTTP_GET, "/v1/ids/:prefix", api_get_ids, 1 },
	{ HTTP_GET, "/v1/records", api_get_records, 1 },
	{ HTTP_GET, "/v1/records/:rid", api_get_record, 1 },
	{ HTTP_GET, "/v1/records/:rid/annotations", api_get_annotations, 1 },
	{ HTTP_GET, "/v1/records/:rid/reading", api_get_reading, 1 },
	{ HTTP_GET, "/v1/records/:rid/talks/:n", api_get_talk, 1 },
	{ HTTP_GET, "/v1/records/:rid/feed.atom", api_get_feed, 1 },
	{ HTTP_GET, "/v1/records/:rid/bundle", api_get_bundle, 1 },
	{ HTTP_GET, "/v1/annotations/:id", api_get_annotation, 1 },
	{ HTTP_GET, "/v1/annotations/:id/revisions", api_get_revisions, 1 },
	{ HTTP_GET, "/v1/annotations/:id/thread", api_get_thread, 1 },
	{ HTTP_GET, "/v1/keys/:key", api_get_key, 1 },
	{ HTTP_GET, "/v1/keys/:key/annotations", api_get_mine, 0 },
	{ HTTP_GET, "/v1/annotations/:id/moderation", api_get_moderation, 1 },
	{ HTTP_GET, "/v1/moderation/queue", api_get_queue, 0 },
	{ HTTP_GET, "/v1/moderation/flags", api_get_flags, 0 },
	{ HTTP_GET, "/v1/moderation/log", api_get_modlog, 1 },
	{ HTTP_GET, "/v1/search", api_get_search, 1 },
	{ HTTP_GET, "/v1/log", api_get_log, 1 },
	{ HTTP_GET, "/v1/mirror", api_get_mirror, 0 },
	{ HTTP_GET, "/healthz", api_get_healthz, 0 },
	{ HTTP_GET, "/annotations/:rid/", api_w3c_get_container, 0 },
	{ HTTP_POST, "/annotations/:rid/", api_w3c_post, 0 },
	{ HTTP_OPTIONS, "/annotations/:rid/", api_w3c_options, 0 },
	{ HTTP_GET, "/annotations/:rid/talks/:n/", api_w3c_get_container, 0 },
	{ HTTP_OPTIONS, "/annotations/:rid/talks/:n/", api_w3c_options, 0 },
	{ HTTP_GET, "/annotations/:rid/:id", api_w3c_get_annotation, 0 },
	{ HTTP_OPTIONS, "/annotations/:rid/:id", api_w3c_options, 0 },
};

static const char *http_method_names[] = {
	[HTTP_GET] = "GET",
	[HTTP_HEAD] = "HEAD",
	[HTTP_POST] = "POST",
	[HTTP_OPTIONS] = "OPTIONS",
	[HTTP_OTHER] = "?",
};

void
http_response_init(struct http_response *resp)
{
	memset(resp, 0, sizeof *resp);
	resp->status = 200;
	resp->content_type = "application/json; charset=utf-8";
	buf_init(&resp->body);
}

/* Drop the extra headers. */
static void
http_headers_clear(struct http_response *resp)
{
	while (resp->nheaders > 0)
		free(resp->headers[--resp->nheaders].value);
}

void
http_response_clear(struct http_response *resp)
{
	http_body_reset(resp);
	buf_free(&resp->body);
	http_headers_clear(resp);
}

/* Empty resp's body, wherever it is. */
void
http_body_reset(struct http_response *resp)
{
	buf_reset(&resp->body);
	if (resp->pages != NULL) {
		evbuffer_free(resp->pages);
		resp->pages = NULL;
	}
}

size_t
http_body_len(const struct http_response *resp)
{
	return resp->pages != NULL ? evbuffer_get_length(resp->pages) :
	    resp->body.len;
}

/*
 * Add header name (a literal) with a printf-built value to resp.  Values
 * are built from glossd's own data, never from what a client sent; one
 * holding a control character (which could split the header) is dropped
 * and logged.  The number of headers is fixed by the handlers' code, so
 * running out of room is a bug.
 */
void
http_header(struct http_response *resp, const char *name, const char *fmt,
    ...)
{
	va_list	 ap;
	char	*value;
	size_t	 i;

	if (resp->nheaders == HTTP_MAX_HEADERS)
		fatalx("http: more than %d headers", HTTP_MAX_HEADERS);
	va_start(ap, fmt);
	if (vasprintf(&value, fmt, ap) == -1)
		fatalx("http: out of memory");
	va_end(ap);
	for (i = 0; value[i] != '\0'; i++) {
		if ((unsigned char)value[i] < 0x20 || value[i] == 0x7f) {
			log_warnx("http: %s holds a control character; not "
			    "sent", name);
			free(value);
			return;
		}
	}
	resp->headers[resp->nheaders].name = name;
	resp->headers[resp->nheaders].value = value;
	resp->nheaders++;
}

void
http_request_clear(struct http_request *req)
{
	size_t	i;

	for (i = 0; i < req->nparams; i++) {
		free(req->params[i].key);
		free(req->params[i].value);
	}
	for (i = 0; i < req->nquery; i++) {
		free(req->query[i].key);
		free(req->query[i].value);
	}
	req->nparams = req->nquery = 0;
	json_decref(req->parsed);
	req->parsed = NULL;
}

/* 429 with Retry-After: wait_ms rounded up to whole seconds. */
void
http_rate_limited(struct http_response *resp, int64_t wait_ms,
    const char *what)
{
	int	secs = (int)((wait_ms + 999) / 1000);

	http_error(resp, 429, "rate_limited", "%s: retry in %d second%s",
	    what, secs, secs == 1 ? "" : "s");
	resp->retry_after = secs;
}

/* Set the status and the JSON content type; the body is the caller's. */
void
http_json(struct http_response *resp, int status)
{
	resp->status = status;
	resp->content_type = "application/json; charset=utf-8";
}

/*
 * Replace the response with the one error shape:
 * {"error":{"code":"snake_case","message":"one sentence"}}, dropping
 * Location, Retry-After and the extra headers a handler had added.
 */
void
http_error(struct http_response *resp, int status, const char *code,
    const char *fmt, ...)
{
	va_list	ap;
	char	msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	buf_reset(&resp->body);
	resp->location[0] = '\0';
	resp->retry_after = 0;
	http_headers_clear(resp);
	http_json(resp, status);
	buf_puts(&resp->body, "{\"error\":{\"code\":");
	jcs_write_string(&resp->body, code, strlen(code));
	buf_puts(&resp->body, ",\"message\":");
	jcs_write_string(&resp->body, msg, strlen(msg));
	buf_puts(&resp->body, "}}\n");
}

static const char *
http_kv_get(const struct http_kv *kv, size_t n, const char *key)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strcmp(kv[i].key, key) == 0)
			return kv[i].value;
	}
	return NULL;
}

const char *
http_param(const struct http_request *req, const char *key)
{
	return http_kv_get(req->params, req->nparams, key);
}

const char *
http_query(const struct http_request *req, const char *key)
{
	return http_kv_get(req->query, req->nquery, key);
}

/*
 * The query parameter key as an integer in [min, max], left as is when
 * absent.  Returns -1 with a 400 in resp when it is not such a number.
 */
int
http_query_int(struct http_response *resp, const struct http_request *req,
    const char *key, int64_t min, int64_t max, int64_t *out)
{
	const char	*s = http_query(req, key);
	int64_t		 n = 0;

	if (s == NULL)
		return 0;
	if (*s == '\0')
		goto bad;
	for (; *s != '\0'; s++) {
		/* n * 10 cannot overflow once n <= max / 10. */
		if (*s < '0' || *s > '9' || n > max / 10 ||
		    n * 10 > max - (*s - '0'))
			goto bad;
		n = n * 10 + (*s - '0');
	}
	if (n < min)
		goto bad;
	*out = n;
	return 0;
bad:
	http_error(resp, 400, "bad_query", "%s must be a whole number from "
	    "%lld to %lld", key, (long long)min, (long long)max);
	return -1;
}

static int
http_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Percent-decode s[0..len) into a new string, and '+' to a space when
 * plus (query strings); NULL if the result would hold NUL or invalid UTF-8.
 */
static char *
http_decode(const char *s, size_t len, int plus)
{
	char	*out = xmalloc(len + 1), *o = out;
	size_t	 i;
	int	 hi, lo;

	for (i = 0; i < len; i++) {
		if (s[i] == '+' && plus)
			*o++ = ' ';
		else if (s[i] != '%')
			*o++ = s[i];
		else {
			if (i + 2 >= len)
				goto fail;
			if ((hi = http_hexval(s[i + 1])) == -1 ||
			    (lo = http_hexval(s[i + 2])) == -1)
				goto fail;
			if (hi == 0 && lo == 0)
				goto fail;
			*o++ = (char)(hi << 4 | lo);
			i += 2;
		}
	}
	*o = '\0';
	if (!jcs_utf8_valid(out, o - out))
		goto fail;
	return out;
fail:
	free(out);
	return NULL;
}

/* Drop the path parameters captured after the first n. */
static void
http_params_truncate(struct http_request *req, size_t n)
{
	while (req->nparams > n) {
		req->nparams--;
		free(req->params[req->nparams].key);
		free(req->params[req->nparams].value);
	}
}

/*
 * Match path, still percent-encoded, against a pattern whose ":name"
 * segments capture, adding the decoded captures to req->params (so a
 * parameter may hold an encoded '/', as public keys do).  Returns 1 on a
 * match, 0 otherwise (with no captures left behind).
 */
int
http_route_match(const char *pattern, const char *path,
    struct http_request *req)
{
	const char	*p = pattern, *s = path, *pe, *se;
	char		*value;
	size_t		 nparams = req->nparams;

	while (*p != '\0' && *s != '\0') {
		if (*p != '/' || *s != '/')
			break;
		p++;
		s++;
		pe = strchrnul(p, '/');
		se = strchrnul(s, '/');
		if (*p == ':') {
			if (se == s || req->nparams == HTTP_MAX_PARAMS ||
			    (value = http_decode(s, se - s, 0)) == NULL)
				break;
			req->params[req->nparams].key = xstrndup(p + 1,
			    pe - p - 1);
			req->params[req->nparams].value = value;
			req->nparams++;
		} else if (pe - p != se - s || memcmp(p, s, pe - p) != 0)
			break;
		p = pe;
		s = se;
	}
	if (*p == '\0' && *s == '\0')
		return 1;
	http_params_truncate(req, nparams);
	return 0;
}

/*
 * The route for method and path.  NULL with *allowed set when the path
 * exists under another method (405), NULL with *allowed 0 if none (404).
 */
const struct http_route *
http_route_find(enum http_method method, const char *path,
    struct http_request *req, int *allowed)
{
	const struct http_route	*r;
	size_t			 i;
	enum http_method	 m = method == HTTP_HEAD ? HTTP_GET : method;

	*allowed = 0;
	for (i = 0; i < sizeof http_routes / sizeof http_routes[0]; i++) {
		r = &http_routes[i];
		if (!http_route_match(r->pattern, path, req))
			continue;
		if (r->method == m)
			return r;
		*allowed = 1;
		http_params_truncate(req, 0);
	}
	return NULL;
}

/*
 * Split a query string into req->query.  Returns -1 if it is malformed
 * (bad escapes, NUL, invalid UTF-8, a key given twice, too many keys).
 */
int
http_parse_query(const char *q, struct http_request *req)
{
	const char	*p = q, *amp, *eq;
	char		*key, *value;

	while (q != NULL && *p != '\0') {
		amp = strchrnul(p, '&');
		if (amp != p) {
			eq = memchr(p, '=', amp - p);
			if (eq == NULL)
				eq = amp;
			key = http_decode(p, eq - p, 1);
			value = http_decode(eq < amp ? eq + 1 : amp,
			    eq < amp ? (size_t)(amp - eq - 1) : 0, 1);
			if (key == NULL || value == NULL ||
			    req->nquery == HTTP_MAX_QUERY ||
			    http_query(req, key) != NULL) {
				free(key);
				free(value);
				return -1;
			}
			req->query[req->nquery].key = key;
			req->query[req->nquery].value = value;
			req->nquery++;
		}
		p = *amp == '\0' ? amp : amp + 1;
	}
	return 0;
}

/* Whether one entity-tag of an If-None-Match list is etag (weakly). */
static int
http_etag_match(const char *list, const char *etag)
{
	const char	*p = list, *q;
	size_t		 len = strlen(etag);

	for (;;) {
		p += strspn(p, " \t,");
		if (*p == '*')
			return 1;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (*p != '"' || (q = strchr(p + 1, '"')) == NULL)
			return 0;
		if ((size_t)(q + 1 - p) == len && memcmp(p, etag, len) == 0)
			return 1;
		p = q + 1;
	}
}

/* The strong ETag of body: the start of its SHA-256, quoted. */
void
http_etag_of(const struct buf *body, char etag[HTTP_ETAG_LEN])
{
	char	hash[GLOSS_ID_LEN + 1];

	stmt_sha256_hex(body->data, body->len, hash);
	snprintf(etag, HTTP_ETAG_LEN, "\"%.32s\"", hash);
}

/*
 * Tag resp with etag (NULL: its body's) and, when a GET's If-None-Match
 * names it, answer 304 without the body.
 */
void
http_etag(const struct http_request *req, struct http_response *resp,
    const char *etag)
{
	char	own[HTTP_ETAG_LEN];

	if (etag == NULL) {
		http_etag_of(&resp->body, own);
		etag = own;
	}
	http_header(resp, "ETag", "%s", etag);
	if (req->method != HTTP_POST && req->if_none_match != NULL &&
	    http_etag_match(req->if_none_match, etag)) {
		resp->status = 304;
		resp->content_type = NULL;
		http_body_reset(resp);
	}
}

/*
 * A public read, answered from cache.c while no write is on disk that
 * the kept answer does not show, with an ETag so a client that has it
 * gets 304.  An answer the disk has goes out at once, even while later
 * commits wait for their sync (http_answer).
 */
static void
http_cached(struct glossd *gd, const struct http_route *r,
    struct http_request *req, struct http_response *resp)
{
	uint64_t	newest = store_generation(gd->store), oldest;
	char		etag[HTTP_ETAG_LEN];

	if (store_durable(gd->store, 0, &oldest) == -1)
		oldest = newest;
	if (cache_get(gd->cache, req->target, oldest, newest, resp,
	    etag) == -1) {
		r->handler(gd, req, resp);
		if (cache_put(gd->cache, req->target, newest, resp,
		    etag) == -1)
			return;
	}
	http_etag(req, resp, etag);
}

/* Route req and run its handler, or fill resp with 404/405. */
void
http_dispatch(struct glossd *gd, struct http_request *req,
    struct http_response *resp)
{
	const struct http_route	*r;
	int			 allowed;

	if (req->method == HTTP_OTHER) {
		http_error(resp, 405, "method_not_allowed",
		    "only GET, HEAD, POST and OPTIONS are served");
		return;
	}
	if ((r = http_route_find(req->method, req->path, req,
	    &allowed)) == NULL) {
		if (allowed)
			http_error(resp, 405, "method_not_allowed",
			    "%s is not allowed here",
			    http_method_names[req->method]);
		else
			http_error(resp, 404, "not_found",
			    "no such resource");
		return;
	}
	/* A read may not hold the loop past query_ms (STORE_SLOW). */
	if ((req->method == HTTP_GET || req->method == HTTP_HEAD) &&
	    gd->cfg.limits.query_ms > 0)
		store_deadline(gd->store, store_clock_ms() +
		    gd->cfg.limits.query_ms);
	if (r->cached && gd->cache != NULL && req->authz == NULL &&
	    req->target != NULL)
		http_cached(gd, r, req, resp);
	else
		r->handler(gd, req, resp);
	store_deadline(gd->store, 0);
}

static enum http_method
http_method_of(struct evhttp_request *ev)
{
	switch (evhttp_request_get_command(ev)) {
	case EVHTTP_REQ_GET:
		return HTTP_GET;
	case EVHTTP_REQ_HEAD:
		return HTTP_HEAD;
	case EVHTTP_REQ_POST:
		return HTTP_POST;
	case EVHTTP_REQ_OPTIONS:
		return HTTP_OPTIONS;
	default:
		return HTTP_OTHER;
	}
}

/*
 * The client's address: the peer's, or with a trusted proxy in front the
 * last address its X-Forwarded-For names (the one the proxy saw).
 */
static void
http_client(struct http_server *srv, struct evhttp_request *ev,
    struct http_request *req)
{
	struct evhttp_connection	*evcon;
	const char			*proxy = srv->gd->cfg.trusted_proxy;
	const char			*xff, *last;
	char				*peer = NULL;
	ev_uint16_t			 port;

	if ((evcon = evhttp_request_get_connection(ev)) != NULL)
		evhttp_connection_get_peer(evcon, &peer, &port);
	snprintf(req->client, sizeof req->client, "%s",
	    peer != NULL ? peer : "-");
	if (proxy == NULL || peer == NULL || strcmp(peer, proxy) != 0 ||
	    (xff = evhttp_find_header(evhttp_request_get_input_headers(ev),
	    "X-Forwarded-For")) == NULL)
		return;
	last = strrchr(xff, ',');
	last = last != NULL ? last + 1 : xff;
	while (*last == ' ')
		last++;
	if (*last != '\0')
		snprintf(req->client, sizeof req->client, "%.*s",
		    (int)strcspn(last, " "), last);
}

/* Whether a Content-Type names JSON: application/json or JSON-LD. */
static int
http_json_type(const char *ctype)
{
	static const char *const types[] = { "application/json",
	    "application/ld+json" };
	size_t			 i, len;

	for (i = 0; i < sizeof types / sizeof types[0]; i++) {
		len = strlen(types[i]);
		if (strncasecmp(ctype, types[i], len) == 0 &&
		    strchr("; \t", ctype[len]) != NULL)
			return 1;
	}
	return 0;
}

/*
 * Fill req from ev, checking what arrives against the limits.  Returns 0,
 * or -1 with the error already in resp.
 */
static int
http_read_request(struct http_server *srv, struct evhttp_request *ev,
    struct http_request *req, struct http_response *resp)
{
	const struct config_limits	*lim = &srv->gd->cfg.limits;
	const struct evhttp_uri		*uri = evhttp_request_get_evhttp_uri(ev);
	struct evbuffer			*in = evhttp_request_get_input_buffer(ev);
	struct evkeyvalq		*hdrs = evhttp_request_get_input_headers(ev);
	const char			*path, *ctype;
	size_t				 len;

	req->method = http_method_of(ev);
	http_client(srv, ev, req);
	req->now = time(NULL);
	req->now_ms = store_clock_ms();
	req->accept = evhttp_find_header(hdrs, "Accept");
	req->authz = evhttp_find_header(hdrs, "Authorization");
	req->prefer = evhttp_find_header(hdrs, "Prefer");
	req->if_none_match = evhttp_find_header(hdrs, "If-None-Match");
	req->target = evhttp_request_get_uri(ev);
	path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	if (path == NULL || *path != '/') {
		http_error(resp, 400, "bad_request", "the request path is "
		    "not valid");
		return -1;
	}
	req->path = path;
	if (http_parse_query(evhttp_uri_get_query(uri), req) == -1) {
		http_error(resp, 400, "bad_query", "the query string is "
		    "malformed or repeats a parameter");
		return -1;
	}
	len = evbuffer_get_length(in);
	if (len > lim->max_body) {
		http_error(resp, 413, "body_too_large",
		    "the request body is %zu bytes, over the limit of %zu",
		    len, lim->max_body);
		return -1;
	}
	if (req->method == HTTP_POST) {
		ctype = evhttp_find_header(hdrs, "Content-Type");
		if (ctype != NULL && !http_json_type(ctype)) {
			http_error(resp, 415, "unsupported_media_type",
			    "send application/json or application/ld+json");
			return -1;
		}
	}
	req->body = (const char *)evbuffer_pullup(in, -1);
	req->body_len = len;
	if (req->body == NULL)
		req->body = "";
	return 0;
}

/* Reads per client address; writes are counted by the POST handler. */
static int
http_read_allowed(struct glossd *gd, struct http_request *req,
    struct http_response *resp)
{
	int64_t	wait;

	if (req->method == HTTP_POST || gd->rl_ip_reads == NULL ||
	    (wait = ratelimit_take(gd->rl_ip_reads, req->client,
	    req->now_ms)) == 0)
		return 1;
	http_rate_limited(resp, wait, "too many requests from that address");
	return 0;
}

/* Reason phrases libevent 2.1 does not know ("Client Error" otherwise). */
static const char *
http_phrase(int status)
{
	switch (status) {
	case 409:
		return "Conflict";
	case 410:
		return "Gone";
	case 422:
		return "Unprocessable Entity";
	case 429:
		return "Too Many Requests";
	default:
		return NULL;
	}
}

/* evbuffer_add_reference's cleanup: the body's memory, handed over. */
static void
http_body_free(const void *data, size_t len, void *arg)
{
	free(arg);
}

/*
 * Send resp; a HEAD gets the headers a GET would, without the body.  The
 * body goes to libevent as it is, its memory or its pages, not copied:
 * resp's body is left empty.
 */
static void
http_send(struct evhttp_request *ev, enum http_method method,
    struct http_response *resp)
{
	struct evkeyvalq	*out = evhttp_request_get_output_headers(ev);
	struct evbuffer		*body;
	char			 len[32];
	size_t			 i;

	if (resp->content_type != NULL)
		evhttp_add_header(out, "Content-Type", resp->content_type);
	evhttp_add_header(out, "X-Content-Type-Options", "nosniff");
	for (i = 0; i < resp->nheaders; i++)
		evhttp_add_header(out, resp->headers[i].name,
		    resp->headers[i].value);
	if (resp->location[0] != '\0')
		evhttp_add_header(out, "Location", resp->location);
	if (resp->retry_after > 0) {
		snprintf(len, sizeof len, "%d", resp->retry_after);
		evhttp_add_header(out, "Retry-After", len);
	}
	if (method == HTTP_HEAD) {
		/* A 304 has no length of its own to tell. */
		if (resp->status != 304) {
			snprintf(len, sizeof len, "%zu", http_body_len(resp));
			evhttp_add_header(out, "Content-Length", len);
		}
		evhttp_send_reply(ev, resp->status, http_phrase(resp->status),
		    NULL);
		return;
	}
	if (resp->pages != NULL) {
		body = resp->pages;
		resp->pages = NULL;
	} else if ((body = evbuffer_new()) != NULL && resp->body.len > 0) {
		if (evbuffer_add_reference(body, resp->body.data,
		    resp->body.len, http_body_free, resp->body.data) == -1) {
			evbuffer_free(body);
			body = NULL;
		} else
			buf_init(&resp->body);	/* libevent's now */
	}
	if (body == NULL) {
		log_warnx("http: out of memory for a response");
		evhttp_send_error(ev, 503, NULL);
		return;
	}
	evhttp_send_reply(ev, resp->status, http_phrase(resp->status), body);
	evbuffer_free(body);
}

/* The raw request URI for the log, with anything unprintable as '?'. */
static void
http_log_uri(struct evhttp_request *ev, char *out, size_t len)
{
	const char	*uri = evhttp_request_get_uri(ev);
	size_t		 i;

	if (uri == NULL)
		uri = "-";
	for (i = 0; i + 1 < len && uri[i] != '\0'; i++)
		out[i] = uri[i] > 0x20 && uri[i] < 0x7f ? uri[i] : '?';
	out[i] = '\0';
}

/* Send resp and log the exchange, timed from t0. */
static void
http_finish(struct evhttp_request *ev, enum http_method method,
    const char *client, const struct timespec *t0,
    struct http_response *resp)
{
	struct timespec	 t1;
	char		 uri[256];
	size_t		 len = http_body_len(resp);	/* http_send takes it */
	long		 ms;

	http_send(ev, method, resp);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0->tv_sec) * 1000 +
	    (t1.tv_nsec - t0->tv_nsec) / 1000000;
	http_log_uri(ev, uri, sizeof uri);
	log_info("%s %s %s %d %zu %ldms", client, http_method_names[method],
	    uri, resp->status, len, ms);
}

/* Make resp the error answer for rc instead of what it held. */
static void
http_store_error(struct http_response *resp, enum store_rc rc)
{
	http_response_clear(resp);
	http_response_init(resp);
	api_store_error(resp, rc);
}

/* Send a held answer (as it is, or as the error for rc) and free it. */
static void
http_release(struct http_held *h, enum store_rc rc)
{
	if (rc != STORE_OK)
		http_store_error(&h->resp, rc);
	http_finish(h->ev, h->method, h->client, &h->t0, &h->resp);
	http_response_clear(&h->resp);
	free(h);
}

/*
 * Send every answer whose generation is on disk.  Answers are held in
 * the order of their generations but for kept answers, which may show
 * an older one than those ahead of them, so the whole list is looked
 * through: a kept answer goes out with the sync that has its generation,
 * not with those of the answers ahead of it.  Once a sync has failed
 * nothing more will be: every other answer held gets 503 disk_failed,
 * and the loop stops once they have gone out (docs/design.md §5), so
 * that glossd exits and SQLite recovers what reached the disk when it
 * starts again.
 */
static void
http_send_durable(struct http_server *srv, int wait)
{
	struct http_held	*h, *next;
	uint64_t		 durable;
	int			 failed;

	failed = store_durable(srv->gd->store, wait, &durable) == -1;
	if (failed && !srv->gd->disk_failed) {
		log_warn("the WAL cannot be made durable; stopping");
		srv->gd->disk_failed = 1;
		event_base_loopexit(srv->base, &http_drain);
	}
	for (h = TAILQ_FIRST(&srv->syncing); h != NULL; h = next) {
		next = TAILQ_NEXT(h, entry);
		if (h->generation > durable && !failed)
			continue;
		TAILQ_REMOVE(&srv->syncing, h, entry);
		http_release(h, h->generation <= durable ? STORE_OK :
		    STORE_DISK);
	}
}

/*
 * Commit the open group.  Its answers then wait with the others for the
 * disk (http_send_durable), or, if the commit failed, go now as errors:
 * nothing of the group was kept, so a retry is safe.
 */
static void
http_commit(struct http_server *srv)
{
	struct http_held	*h;
	enum store_rc		 rc;

	rc = store_commit(srv->gd->store);
	while ((h = TAILQ_FIRST(&srv->held)) != NULL) {
		TAILQ_REMOVE(&srv->held, h, entry);
		if (rc != STORE_OK)
			http_release(h, rc);
		else {
			h->generation = store_generation(srv->gd->store);
			TAILQ_INSERT_TAIL(&srv->syncing, h, entry);
		}
	}
	srv->nheld = 0;
	http_send_durable(srv, 0);
}

/*
 * At the turn's end: commit the open group, unless the syncer is still
 * at the last commit; then the group grows until it is done
 * (http_durable_cb), and one commit and one sync cover more POSTs.  A
 * read, or a group of HTTP_GROUP_MAX, commits it at once all the same.
 */
static void
http_commit_cb(evutil_socket_t fd, short events, void *arg)
{
	struct http_server	*srv = arg;
	uint64_t		 durable;

	if (store_durable(srv->gd->store, 0, &durable) == 0 &&
	    durable < store_generation(srv->gd->store))
		return;
	http_commit(srv);
}

/* The syncer moved on: send what is durable, commit what waited. */
static void
http_durable_cb(evutil_socket_t fd, short events, void *arg)
{
	struct http_server	*srv = arg;
	char			 buf[64];

	while (read(fd, buf, sizeof buf) > 0)
		;
	http_send_durable(srv, 0);
	if (srv->nheld > 0 || store_uncommitted(srv->gd->store))
		http_commit(srv);
}

/*
 * Hold resp (taken over; resp is left empty): until the open group
 * commits, once the loop has run this turn's other callbacks (or now if
 * the group is full), if generation is 0; else until the disk has that
 * generation.
 */
static void
http_hold(struct http_server *srv, struct evhttp_request *ev,
    const struct http_request *req, const struct timespec *t0,
    struct http_response *resp, uint64_t generation)
{
	struct http_held	*h;

	h = xcalloc(1, sizeof *h);
	h->ev = ev;
	h->method = req->method;
	h->resp = *resp;
	h->t0 = *t0;
	h->generation = generation;
	snprintf(h->client, sizeof h->client, "%s", req->client);
	http_response_init(resp);
	if (generation != 0) {
		TAILQ_INSERT_TAIL(&srv->syncing, h, entry);
		return;
	}
	TAILQ_INSERT_TAIL(&srv->held, h, entry);
	if (++srv->nheld >= HTTP_GROUP_MAX)
		http_commit(srv);
	else
		event_active(srv->commit, 0, 0);
}

/*
 * Send resp, or hold it while what it could show is not on disk: the
 * open group, or a commit the syncer has not reached yet (a kept
 * answer shows its own generation, not the store's).  After a failed
 * sync every answer is 503 disk_failed.  Then let go of req and resp.
 */
static void
http_answer(struct http_server *srv, struct evhttp_request *ev,
    struct http_request *req, const struct timespec *t0,
    struct http_response *resp)
{
	struct store	*store = srv->gd->store;
	uint64_t	 shows, durable;

	shows = resp->generation != 0 ? resp->generation :
	    store_generation(store);
	if (resp->generation == 0 && store_uncommitted(store))
		http_hold(srv, ev, req, t0, resp, 0);
	else if (srv->gd->disk_failed) {
		http_store_error(resp, STORE_DISK);
		http_finish(ev, req->method, req->client, t0, resp);
	} else if (store_durable(store, 0, &durable) == -1 || durable < shows)
		http_hold(srv, ev, req, t0, resp, shows);
	else
		http_finish(ev, req->method, req->client, t0, resp);
	http_request_clear(req);
	http_response_clear(resp);
}

/* A POST whose body a verifier thread is checking. */
struct http_verifying {
	struct http_server	*srv;
	struct evhttp_request	*ev;
	struct http_request	 req;
	struct timespec		 t0;
};

static void
http_verified_cb(void *arg, int verified)
{
	struct http_verifying	*w = arg;
	struct http_response	 resp;

	http_response_init(&resp);
	w->req.verified = verified;
	http_dispatch(w->srv->gd, &w->req, &resp);
	http_answer(w->srv, w->ev, &w->req, &w->t0, &resp);
	free(w);
}

/*
 * Hand an admitted POST to a verifier thread (req is taken over); the
 * chain runs in http_verified_cb once the signature has been checked.
 */
static void
http_verify(struct http_server *srv, struct evhttp_request *ev,
    struct http_request *req, const struct timespec *t0)
{
	struct http_verifying	*w;

	w = xcalloc(1, sizeof *w);
	w->srv = srv;
	w->ev = ev;
	w->req = *req;
	w->t0 = *t0;
	verifier_submit(srv->verifier, w->req.body, w->req.body_len,
	    http_verified_cb, w);
}

static void
http_request_cb(struct evhttp_request *ev, void *arg)
{
	struct http_server	*srv = arg;
	struct http_request	 req;
	struct http_response	 resp;
	struct timespec		 t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&req, 0, sizeof req);
	http_response_init(&resp);
	if (http_read_request(srv, ev, &req, &resp) == 0 &&
	    http_read_allowed(srv->gd, &req, &resp)) {
		if (req.method != HTTP_POST) {
			if (store_uncommitted(srv->gd->store))
				http_commit(srv);
			http_dispatch(srv->gd, &req, &resp);
		} else if (srv->verifier == NULL)
			http_dispatch(srv->gd, &req, &resp);
		else if (api_post_precheck(srv->gd, &req, &resp) != -1) {
			http_verify(srv, ev, &req, &t0);
			http_response_clear(&resp);
			return;
		}
	}
	http_answer(srv, ev, &req, &t0, &resp);
}

/*
 * Give libevent the configured limits it enforces itself: at start-up,
 * and again after a SIGHUP (for connections opened from then on).
 */
void
http_limits(struct http_server *srv)
{
	const struct config_limits	*lim = &srv->gd->cfg.limits;

	evhttp_set_max_headers_size(srv->http, lim->max_headers);
	evhttp_set_max_body_size(srv->http,
	    lim->max_body * HTTP_HARD_BODY_FACTOR);
	evhttp_set_timeout(srv->http, lim->timeout);
}

/*
 * Listen on addr:port (port 0 picks a free one, returned in *bound) and
 * serve requests on base.  NULL with *errstr on failure.
 */
struct http_server *
http_start(struct glossd *gd, struct event_base *base, const char *addr,
    int port, int *bound, const char **errstr)
{
	struct http_server	*srv;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = sizeof ss;
	evutil_socket_t		 fd;
	int			 one = 1;

	srv = xcalloc(1, sizeof *srv);
	srv->gd = gd;
	srv->base = base;
	TAILQ_INIT(&srv->held);
	TAILQ_INIT(&srv->syncing);
	if (store_sync_fd(gd->store) != -1 && ((srv->durable = event_new(base,
	    store_sync_fd(gd->store), EV_READ | EV_PERSIST, http_durable_cb,
	    srv)) == NULL || event_add(srv->durable, NULL) == -1)) {
		*errstr = "cannot watch the database's syncer";
		goto fail;
	}
	if ((srv->commit = event_new(base, -1, 0, http_commit_cb,
	    srv)) == NULL) {
		*errstr = "cannot create the commit event";
		goto fail;
	}
	store_group(gd->store, 1);
	/* One verifier thread per core but the loop's. */
	srv->verifier = verifier_new(base,
	    (int)sysconf(_SC_NPROCESSORS_ONLN) - 1);
	if ((srv->http = evhttp_new(base)) == NULL) {
		*errstr = "cannot create the HTTP server";
		goto fail;
	}
	evhttp_set_allowed_methods(srv->http, EVHTTP_REQ_GET |
	    EVHTTP_REQ_POST | EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT |
	    EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE |
	    EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH);
	http_limits(srv);
	/* An empty answer (OPTIONS, 304) carries no type, not text/html. */
	evhttp_set_default_content_type(srv->http, NULL);
	evhttp_set_gencb(srv->http, http_request_cb, srv);
	srv->sock = evhttp_bind_socket_with_handle(srv->http, addr,
	    (ev_uint16_t)port);
	if (srv->sock == NULL) {
		*errstr = strerror(errno);
		goto fail;
	}
	fd = evhttp_bound_socket_get_fd(srv->sock);
	/*
	 * An answer often leaves in two writes (headers, then a file's
	 * pages): without TCP_NODELAY the second waits for the client's
	 * delayed ACK.  Linux gives every accepted socket the listening
	 * socket's setting, so it is set once, here; answers are only
	 * slower without it.
	 */
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == -1)
		log_warn("TCP_NODELAY");
	if (getsockname(fd, (struct sockaddr *)&ss, &sslen) == -1) {
		*errstr = strerror(errno);
		goto fail;
	}
	if (ss.ss_family == AF_INET)
		*bound = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	else
		*bound = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return srv;

fail:
	http_stop(srv);
	return NULL;
}

void
http_stop(struct http_server *srv)
{
	if (srv == NULL)
		return;
	verifier_free(srv->verifier);	/* runs the POSTs it still held */
	http_commit(srv);
	http_send_durable(srv, 1);
	store_group(srv->gd->store, 0);
	if (srv->commit != NULL)
		event_free(srv->commit);
	if (srv->durable != NULL)
		event_free(srv->durable);
	if (srv->http != NULL)
		evhttp_free(srv->http);
	free(srv);
}
