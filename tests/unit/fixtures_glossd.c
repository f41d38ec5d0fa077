/*
 * fixtures_glossd.c: a glossd under test, driven through its router.
 *
 * See fixtures_glossd.h.  Requests go through http_dispatch as http.c
 * sends them: the path split from its query, the query parsed by
 * http_parse_query, the headers a test names set where http.c sets them.
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

#include "fixtures_glossd.h"

/*
 * A glossd with an empty ":memory:" store, key_curator as its curator
 * and FIXTURE_BASE as its base URL; NULL if the store does not open.
 * Free with fixture_glossd_free.
 */
struct fixture_glossd *
fixture_glossd_new(void)
{
	struct fixture_glossd	*g;
	const char		*errstr;

	g = xcalloc(1, sizeof *g);
	config_defaults(&g->gd.cfg);
	g->gd.cfg.base_url = xstrdup(FIXTURE_BASE);
	g->gd.cfg.curators.keys = xcalloc(1, sizeof *g->gd.cfg.curators.keys);
	g->gd.cfg.curators.keys[0] = key_curator->pk;
	g->gd.cfg.curators.n = 1;
	if ((g->gd.store = store_open(":memory:", &errstr)) == NULL) {
		fprintf(stderr, "store_open: %s\n", errstr);
		config_clear(&g->gd.cfg);
		free(g);
		return NULL;
	}
	g->gd.started = time(NULL);
	return g;
}

static void
fixture_call_clear(struct fixture_glossd *g)
{
	if (!g->active)
		return;
	http_request_clear(&g->req);
	http_response_clear(&g->resp);
	free(g->path);
	free(g->target);
	g->path = g->target = NULL;
	g->active = 0;
}

/* Free g and all it kept.  NULL is a no-op. */
void
fixture_glossd_free(struct fixture_glossd *g)
{
	size_t	i;

	if (g == NULL)
		return;
	fixture_call_clear(g);
	for (i = 0; i < g->nmems; i++)
		free(g->mems[i]);
	for (i = 0; i < g->njsons; i++)
		json_decref(g->jsons[i]);
	for (i = 0; i < g->nsts; i++)
		stmt_free(g->sts[i]);
	free(g->mems);
	free(g->jsons);
	free(g->sts);
	store_close(g->gd.store);
	config_clear(&g->gd.cfg);
	free(g);
}

/* Keep p (malloc'd) until g is freed; returns p. */
void *
fixture_keep(struct fixture_glossd *g, void *p)
{
	g->mems = xreallocarray(g->mems, g->nmems + 1, sizeof *g->mems);
	g->mems[g->nmems++] = p;
	return p;
}

json_t *
fixture_keep_json(struct fixture_glossd *g, json_t *j)
{
	g->jsons = xreallocarray(g->jsons, g->njsons + 1, sizeof *g->jsons);
	g->jsons[g->njsons++] = j;
	return j;
}

struct statement *
fixture_keep_st(struct fixture_glossd *g, struct statement *st)
{
	g->sts = xreallocarray(g->sts, g->nsts + 1, sizeof *g->sts);
	g->sts[g->nsts++] = st;
	return st;
}

/*
 * Send one request: target is the path with an optional "?query",
 * body[0..len) the body, h the headers (NULL: none).  The answer stays in
 * g->resp until the next request.
 */
void
fixture_dispatch(struct fixture_glossd *g, enum http_method method,
    const char *target, const char *body, size_t len,
    const struct fixture_headers *h)
{
	const char	*q;

	fixture_call_clear(g);
	memset(&g->req, 0, sizeof g->req);
	http_response_init(&g->resp);
	g->active = 1;
	g->target = xstrdup(target);
	if ((q = strchr(target, '?')) != NULL)
		g->path = xstrndup(target, q - target);
	else
		g->path = xstrdup(target);
	g->req.method = method;
	g->req.path = g->path;
	g->req.target = g->target;
	g->req.body = body != NULL ? body : "";
	g->req.body_len = len;
	g->req.now = time(NULL);
	if (h != NULL) {
		g->req.accept = h->accept;
		g->req.prefer = h->prefer;
		g->req.if_none_match = h->if_none_match;
		g->req.authz = h->authz;
	}
	if (q != NULL && http_parse_query(q + 1, &g->req) == -1)
		fail_msg("the query of %s does not parse", target);
	http_dispatch(&g->gd, &g->req, &g->resp);
}

const char *
fixture_body(struct fixture_glossd *g)
{
	return g->resp.body.data != NULL ? g->resp.body.data : "";
}

/* The answer must have status. */
void
fixture_status(struct fixture_glossd *g, int status)
{
	if (g->resp.status != status)
		fail_msg("%s: status %d, wanted %d; body: %s", g->target,
		    g->resp.status, status, fixture_body(g));
}

/* The answer's body as JSON (kept). */
json_t *
fixture_json(struct fixture_glossd *g)
{
	json_t		*j;
	json_error_t	 err;

	j = json_loadb(fixture_body(g), g->resp.body.len, 0, &err);
	if (j == NULL)
		fail_msg("%s: body is not JSON (%s): %s", g->target, err.text,
		    fixture_body(g));
	return fixture_keep_json(g, j);
}

/* The answer must be the one error shape with status and code. */
void
fixture_error(struct fixture_glossd *g, int status, const char *code)
{
	json_t		*e;
	const char	*got;

	fixture_status(g, status);
	e = json_object_get(fixture_json(g), "error");
	got = json_string_value(json_object_get(e, "code"));
	if (json_object_size(e) != 2 || got == NULL ||
	    !json_is_string(json_object_get(e, "message")))
		fail_msg("%s: not the error shape: %s", g->target,
		    fixture_body(g));
	if (strcmp(got, code) != 0)
		fail_msg("%s: code %s, wanted %s", g->target, got, code);
	assert_string_equal(g->resp.content_type,
	    "application/json; charset=utf-8");
}

/* The answer's extra header name (the first one), or NULL. */
const char *
fixture_header(const struct fixture_glossd *g, const char *name)
{
	size_t	i;

	for (i = 0; i < g->resp.nheaders; i++) {
		if (strcasecmp(g->resp.headers[i].name, name) == 0)
			return g->resp.headers[i].value;
	}
	return NULL;
}

/* POST st signed by k to /v1/statements; it must be stored.  Its seq. */
int64_t
fixture_post(struct fixture_glossd *g, const struct fixture_key *k,
    const struct statement *st)
{
	char	*body = fixture_keep(g, fixture_wire(k, st));

	fixture_dispatch(g, HTTP_POST, "/v1/statements", body, strlen(body),
	    NULL);
	fixture_status(g, 201);
	return json_integer_value(json_object_get(fixture_json(g), "seq"));
}
