/*
 * net.c: talking to glossd over HTTP with libevent's evhttp client.
 *
 * The client is a one-shot program, so requests are synchronous: each one
 * runs the event loop until its answer arrives.  One connection is kept for
 * the whole run, so commands that page through a listing reuse it.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include <sodium.h>

#include "client.h"

#define NET_TIMEOUT	30	/* seconds */
#define NET_BODY_MAX	(64 * 1024 * 1024)
#define NET_RETRY_MAX	86400	/* seconds a Retry-After may say */

struct net_call {
	struct net_response	*resp;
	int			 done;
	int			 failed;
};

static int
net_connect(struct client *c)
{
	struct evhttp_uri	*uri;
	const char		*scheme, *host, *path, *why = NULL;

	if (c->conn != NULL)
		return 0;
	if ((uri = evhttp_uri_parse(c->server)) == NULL) {
		fprintf(stderr, "gloss: server %s is not a URL of the form "
		    "http://HOST[:PORT] (PORT from 1 to 65535)\n", c->server);
		return -1;
	}
	path = evhttp_uri_get_path(uri);
	if ((scheme = evhttp_uri_get_scheme(uri)) == NULL ||
	    strcmp(scheme, "http") != 0 ||
	    (host = evhttp_uri_get_host(uri)) == NULL || *host == '\0')
		why = "is not an http:// URL";
	else if (evhttp_uri_get_port(uri) == 0)
		why = "has port 0";
	else if ((path != NULL && *path != '\0' && strcmp(path, "/") != 0) ||
	    evhttp_uri_get_query(uri) != NULL ||
	    evhttp_uri_get_fragment(uri) != NULL)
		why = "has a path, query or fragment: glossd answers at "
		    "the root, http://HOST[:PORT]";
	if (why != NULL) {
		fprintf(stderr, "gloss: server %s %s\n", c->server, why);
		evhttp_uri_free(uri);
		return -1;
	}
	c->host = xstrdup(host);
	c->port = evhttp_uri_get_port(uri);
	if (c->port == -1)
		c->port = 80;
	evhttp_uri_free(uri);
	if ((c->base = event_base_new()) == NULL ||
	    (c->conn = evhttp_connection_base_new(c->base, NULL, c->host,
	    (unsigned short)c->port)) == NULL) {
		fprintf(stderr, "gloss: cannot set up a connection\n");
		return -1;
	}
	evhttp_connection_set_timeout(c->conn, NET_TIMEOUT);
	evhttp_connection_set_max_body_size(c->conn, NET_BODY_MAX);
	return 0;
}

void
net_close(struct client *c)
{
	if (c->conn != NULL)
		evhttp_connection_free(c->conn);
	if (c->base != NULL)
		event_base_free(c->base);
	free(c->host);
	c->conn = NULL;
	c->base = NULL;
	c->host = NULL;
}

static void
net_done_cb(struct evhttp_request *req, void *arg)
{
	struct net_call	*call = arg;
	struct evbuffer	*in;
	const char	*retry;
	char		*end;
	long		 secs;
	size_t		 len;

	call->done = 1;
	if (req == NULL || evhttp_request_get_response_code(req) == 0) {
		call->failed = 1;
		return;
	}
	call->resp->status = evhttp_request_get_response_code(req);
	/* In seconds: glossd never sends a date there. */
	retry = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Retry-After");
	if (call->resp->status == 429 && retry != NULL) {
		secs = strtol(retry, &end, 10);
		if (end != retry && *end == '\0' && secs > 0 &&
		    secs <= NET_RETRY_MAX)
			call->resp->retry_after = (int)secs;
	}
	in = evhttp_request_get_input_buffer(req);
	len = evbuffer_get_length(in);
	buf_add(&call->resp->body, evbuffer_pullup(in, -1), len);
}

void
net_response_clear(struct net_response *resp)
{
	buf_free(&resp->body);
}

/*
 * Send method path with an optional JSON body and wait for the answer.
 * Returns 0 with resp filled (whatever the status), or -1 after printing
 * why no answer came.  resp is always initialised.
 */
int
net_request(struct client *c, const char *method, const char *path,
    const char *body, size_t len, struct net_response *resp)
{
	struct evhttp_request	*req;
	struct evkeyvalq	*hdrs;
	struct net_call		 call = { resp, 0, 0 };
	enum evhttp_cmd_type	 type;
	char			*authz, *target = NULL, hash[GLOSS_ID_LEN + 1];
	unsigned char		 nonce[16];
	int			 rc;

	memset(resp, 0, sizeof *resp);
	buf_init(&resp->body);
	if (net_connect(c) == -1)
		return -1;
	type = strcmp(method, "POST") == 0 ? EVHTTP_REQ_POST : EVHTTP_REQ_GET;
	if ((req = evhttp_request_new(net_done_cb, &call)) == NULL)
		return -1;
	hdrs = evhttp_request_get_output_headers(req);
	evhttp_add_header(hdrs, "Host", c->host);
	evhttp_add_header(hdrs, "Accept", "application/json");
	evhttp_add_header(hdrs, "User-Agent", "gloss/" GLOSS_VERSION);
	if (c->signer != NULL) {
		/*
		 * The body's hash joins the signed URI, binding the two; a
		 * read gets a nonce instead, as the daemon takes each signed
		 * read once and two in one second would otherwise be equal.
		 */
		if (body != NULL)
			stmt_sha256_hex(body, len, hash);
		else {
			randombytes_buf(nonce, sizeof nonce);
			sodium_bin2hex(hash, sizeof hash, nonce, sizeof nonce);
		}
		xasprintf(&target, "%s%c%s=%s", path, strchr(path, '?') !=
		    NULL ? '&' : '?', body != NULL ? "body" : "nonce", hash);
		authz = reqsig_sign(c->signer, method, target, time(NULL));
		evhttp_add_header(hdrs, "Authorization", authz);
		free(authz);
		path = target;
	}
	if (body != NULL) {
		evhttp_add_header(hdrs, "Content-Type", "application/json");
		evbuffer_add(evhttp_request_get_output_buffer(req), body, len);
	}
	rc = evhttp_make_request(c->conn, req, type, path);
	free(target);
	if (rc == -1) {
		fprintf(stderr, "gloss: cannot send to %s\n", c->server);
		return -1;
	}
	while (!call.done)
		event_base_loop(c->base, EVLOOP_ONCE);
	if (call.failed) {
		fprintf(stderr, "gloss: no answer from %s (is glossd "
		    "running?)\n", c->server);
		return -1;
	}
	return 0;
}

/*
 * Report a refusal from the server on stderr from its JSON error body.
 * Returns the exit code: 1 for a 4xx refusal, 2 for anything else.
 */
int
net_refused(const struct net_response *resp)
{
	json_t		*root, *err;
	const char	*code = NULL, *msg = NULL;

	root = json_loadb(resp->body.data != NULL ? resp->body.data : "",
	    resp->body.len, 0, NULL);
	err = json_object_get(root, "error");
	code = json_string_value(json_object_get(err, "code"));
	msg = json_string_value(json_object_get(err, "message"));
	if (msg != NULL) {
		fputs("gloss: ", stderr);
		out_text(stderr, msg, strlen(msg), NULL);
		fprintf(stderr, " (%d %s)\n", resp->status,
		    code != NULL ? code : "");
	} else
		fprintf(stderr, "gloss: the server answered %d\n",
		    resp->status);
	json_decref(root);
	return resp->status >= 400 && resp->status < 500 ? EXIT_REFUSED :
	    EXIT_USAGE;
}

/*
 * GET path as one who may hold a key: the public answer or, when it is
 * 404 and the user has a key, the answer to the request signed by it,
 * which glossd gives an annotation's author and moderators for one that
 * is pending, hidden or rejected (show, history, thread); the public 404
 * when the key cannot be opened (its passphrase is asked on a terminal,
 * taken from GLOSS_PASSPHRASE, else it is said why).  0 with resp
 * filled, or -1 after a message; resp is always initialised.
 */
int
net_get_own(struct client *c, const char *path, struct net_response *resp)
{
	struct minisig_seckey	*sk;
	struct minisig_pubkey	 pk;
	char			*keyfile = keys_secret_path(c);
	int			 rc;

	rc = net_request(c, "GET", path, NULL, 0, resp);
	/* A key that cannot be opened (no passphrase here) leaves the 404. */
	if (rc == 0 && resp->status == 404 && access(keyfile, F_OK) == 0 &&
	    (sk = keys_load_secret(c, &pk)) != NULL) {
		net_response_clear(resp);
		c->signer = sk;
		rc = net_request(c, "GET", path, NULL, 0, resp);
		c->signer = NULL;
		minisig_seckey_free(sk);
	}
	free(keyfile);
	return rc;
}

/*
 * GET path, signed as net_get_own when own, and parse the JSON answer.
 * NULL with *exitcode set (after reporting) on any failure.
 */
static json_t *
net_json(struct client *c, const char *path, int own, int *exitcode)
{
	struct net_response	 resp;
	json_t			*root = NULL;
	json_error_t		 jerr;

	*exitcode = EXIT_USAGE;
	if ((own ? net_get_own(c, path, &resp) : net_request(c, "GET", path,
	    NULL, 0, &resp)) == -1)
		goto out;
	if (resp.status != 200) {
		*exitcode = net_refused(&resp);
		goto out;
	}
	root = json_loadb(resp.body.data, resp.body.len, 0, &jerr);
	if (root == NULL)
		fprintf(stderr, "gloss: the server sent invalid JSON: %s\n",
		    jerr.text);
out:
	net_response_clear(&resp);
	return root;
}

/* GET path and parse the JSON answer, as net_json. */
json_t *
net_get_json(struct client *c, const char *path, int *exitcode)
{
	return net_json(c, path, 0, exitcode);
}

/*
 * GET path, a paged answer ({"MEMBER":[...],"next":CURSOR}), and the
 * pages after it (?after=CURSOR) until one has no next or limit items
 * (0: no limit) are in: the first page's answer, its MEMBER holding
 * every page's items and its next the last page's.  NULL with *exitcode
 * after a message.
 */
json_t *
net_get_pages(struct client *c, const char *path, const char *member,
    size_t limit, int *exitcode)
{
	json_t		*root, *page, *items;
	const char	*next;
	char		*target, *e, *last = NULL;

	if ((root = net_get_json(c, path, exitcode)) == NULL)
		return NULL;
	items = json_object_get(root, member);
	while ((next = json_string_value(json_object_get(root, "next"))) !=
	    NULL && (limit == 0 || json_array_size(items) < limit)) {
		/* A server whose pages do not move on would be read forever. */
		if (last != NULL && strcmp(last, next) == 0) {
			fprintf(stderr, "gloss: the server gave the same page "
			    "again (after=%s)\n", last);
			*exitcode = EXIT_USAGE;
			goto fail;
		}
		free(last);
		last = xstrdup(next);
		e = net_escape(next);
		xasprintf(&target, "%s%cafter=%s", path,
		    strchr(path, '?') != NULL ? '&' : '?', e);
		free(e);
		page = net_get_json(c, target, exitcode);
		free(target);
		if (page == NULL)
			goto fail;
		json_array_extend(items, json_object_get(page, member));
		json_object_set(root, "next", json_object_get(page, "next"));
		json_decref(page);
	}
	free(last);
	return root;
fail:
	free(last);
	json_decref(root);
	return NULL;
}

/*
 * Append key=value (value percent-encoded) to the query in q, with '?'
 * or '&' as needed; a NULL value adds nothing.
 */
void
net_query(struct buf *q, const char *key, const char *value)
{
	char	*e;

	if (value == NULL)
		return;
	e = net_escape(value);
	buf_printf(q, "%c%s=%s", q->len == 0 || memchr(q->data, '?',
	    q->len) == NULL ? '?' : '&', key, e);
	free(e);
}

/*
 * GET prefix + operand (percent-encoded) + suffix as JSON, the way every
 * command names one thing, signed as net_get_own when own; NULL with
 * *exitcode as net_json.
 */
static json_t *
net_json_at(struct client *c, const char *prefix, const char *operand,
    const char *suffix, int own, int *exitcode)
{
	char	*path, *e = net_escape(operand);
	json_t	*root;

	xasprintf(&path, "%s%s%s", prefix, e, suffix);
	root = net_json(c, path, own, exitcode);
	free(path);
	free(e);
	return root;
}

/* The public answer about one thing, as net_json_at. */
json_t *
net_get_at(struct client *c, const char *prefix, const char *operand,
    const char *suffix, int *exitcode)
{
	return net_json_at(c, prefix, operand, suffix, 0, exitcode);
}

/*
 * The answer about one thing its author or a moderator may be shown
 * though the public is not (net_get_own), as net_json_at.
 */
json_t *
net_get_own_at(struct client *c, const char *prefix, const char *operand,
    const char *suffix, int *exitcode)
{
	return net_json_at(c, prefix, operand, suffix, 1, exitcode);
}

/*
 * Walk src's /v1/log from after to its end, calling line_cb(line, len,
 * &seq, arg) for each NDJSON line; line_cb returns EXIT_OK with the line's
 * seq, or an exit code that stops the walk.  On return *after is the last
 * seq walked and *n how many lines were.  Returns an exit code.
 */
int
net_log_walk(struct client *src, int64_t *after, int64_t *n,
    int (*line_cb)(const char *, size_t, int64_t *, void *), void *arg)
{
	struct net_response	 resp;
	char			*path, *p, *nl, *end;
	int64_t			 seq;
	int			 rc = EXIT_OK, lines;

	do {
		xasprintf(&path, "/v1/log?after=%lld", (long long)*after);
		if (net_request(src, "GET", path, NULL, 0, &resp) == -1)
			rc = EXIT_USAGE;
		else if (resp.status != 200)
			rc = net_refused(&resp);
		free(path);
		lines = 0;
		end = resp.body.data + resp.body.len;
		for (p = resp.body.data; rc == EXIT_OK && p != NULL && p < end;
		    p = nl + 1) {
			if ((nl = memchr(p, '\n', end - p)) == NULL)
				nl = end;
			if ((rc = line_cb(p, nl - p, &seq, arg)) == EXIT_OK) {
				*after = seq;
				lines++;
				(*n)++;
			}
		}
		net_response_clear(&resp);
	} while (rc == EXIT_OK && lines > 0);
	return rc;
}

/* Percent-encode s for a path segment or query value; caller frees. */
char *
net_escape(const char *s)
{
	char	*e = evhttp_uriencode(s, -1, 0), *copy;

	if (e == NULL)
		fatalx("out of memory");
	copy = xstrdup(e);
	free(e);
	return copy;
}
