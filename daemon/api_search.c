/*
 * api_search.c: full-text search, and what is known about a key.
 *
 * Search words come from anyone, so they never reach FTS5's query syntax:
 * each word becomes a quoted phrase (a trailing '*' stays a prefix match),
 * and the words must all match.  Results are ranked (bm25), so the cursor
 * is an offset into the ranking.
 */

#include <stdlib.h>
#include <string.h>

#include "glossd.h"

#define API_SEARCH_DEFAULT	20
#define API_SEARCH_OFFSET_MAX	10000

/* The FTS5 query for the words of q (search_query_valid): "w1" "w2"* ... */
static void
api_fts_query(const char *q, struct buf *out)
{
	const char	*p = q, *end;
	size_t		 words = 0, len;
	int		 prefix;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		end = p + strcspn(p, " \t");
		len = (size_t)(end - p);
		prefix = len > 1 && p[len - 1] == '*';
		if (prefix)
			len--;
		buf_puts(out, words++ > 0 ? " \"" : "\"");
		for (; len > 0; p++, len--) {
			if (*p == '"')
				buf_putc(out, '"');
			buf_putc(out, *p);
		}
		buf_puts(out, prefix ? "\"*" : "\"");
		p = end;
	}
}

struct api_results {
	struct buf	*body;
	int		 limit;
	int		 n;
};

static int
api_result_cb(const struct store_annotation *a, void *arg)
{
	struct api_results	*r = arg;

	if (r->n == r->limit) {
		r->n++;			/* one more: there is a next page */
		return -1;
	}
	if (r->n++ > 0)
		buf_putc(r->body, ',');
	api_annotation_json(r->body, a);
	return 0;
}

/* GET /v1/search?q=&record=&kind=&limit=&after= */
void
api_get_search(struct glossd *gd, struct http_request *req,
    struct http_response *resp)
{
	struct store_search	 s;
	struct api_results	 r = { &resp->body, 0, 0 };
	struct buf		 match;
	const char		*q = http_query(req, "q"), *v;
	enum stmt_kind		 kind;
	int64_t			 limit, after = 0;
	enum store_rc		 rc;

	memset(&s, 0, sizeof s);
	buf_init(&match);
	if (q == NULL || !search_query_valid(q)) {
		http_error(resp, 400, "bad_query", "q must hold 1 to %d words, "
		    "at most %d bytes", SEARCH_WORDS_MAX, SEARCH_QUERY_MAX);
		goto out;
	}
	api_fts_query(q, &match);
	limit = API_SEARCH_DEFAULT < gd->cfg.limits.page_max ?
	    API_SEARCH_DEFAULT : gd->cfg.limits.page_max;
	if (http_query_int(resp, req, "limit", 1, gd->cfg.limits.page_max,
	    &limit) == -1 || http_query_int(resp, req, "after", 0,
	    API_SEARCH_OFFSET_MAX, &after) == -1)
		goto out;
	if ((v = http_query(req, "kind")) != NULL) {
		if (stmt_kind_from_name(v, &kind) == -1) {
			http_error(resp, 400, "bad_query", "kind must be %s",
			    stmt_kind_list());
			goto out;
		}
		s.kind = stmt_kind_name(kind);
	}
	if ((v = http_query(req, "record")) != NULL) {
		if (!stmt_rid_valid(v)) {
			http_error(resp, 400, "bad_query", "record is not a "
			    "record id");
			goto out;
		}
		if (api_record_known(gd, v, resp) == -1)
			goto out;
		s.rid = v;
	}
	s.match = match.data;
	s.limit = (int)limit + 1;
	s.offset = (int)after;
	r.limit = (int)limit;
	http_json(resp, 200);
	buf_puts(&resp->body, "{\"results\":[");
	if ((rc = store_search(gd->store, &s, api_result_cb, &r)) !=
	    STORE_OK) {
		api_store_error(resp, rc);
		goto out;
	}
	buf_puts(&resp->body, "],\"next\":");
	if (r.n > r.limit && after + limit <= API_SEARCH_OFFSET_MAX)
		buf_printf(&resp->body, "\"%lld\"", (long long)(after + limit));
	else
		buf_puts(&resp->body, "null");
	buf_puts(&resp->body, "}\n");
out:
	buf_free(&match);
}

struct api_key {
	struct buf		*body;
	struct minisig_pubkey	 pk;
};

static int
api_key_cb(const struct store_key *k, void *arg)
{
	struct api_key	*ak = arg;
	struct buf	*b = ak->body;
	char		 first[21], keyid[17];

	timefmt_rfc3339((time_t)k->first_received, first);
	minisig_keyid(&ak->pk, keyid);
	buf_printf(b, "{\"key\":\"%s\",\"keyid\":\"%s\"", k->key, keyid);
	api_member(b, "name", k->name);
	api_member(b, "url", k->url);
	api_member(b, "about", k->about);
	api_member(b, "profile", k->profile);
	api_member(b, "state", k->state);
	buf_printf(b, ",\"first_seen\":\"%s\",\"statements\":%lld,"
	    "\"annotations\":%lld}\n", first, (long long)k->statements,
	    (long long)k->annotations);
	return 0;
}

/* GET /v1/keys/{key}: a key's profile, counts and first appearance. */
void
api_get_key(struct glossd *gd, struct http_request *req,
    struct http_response *resp)
{
	struct api_key	 ak = { &resp->body, { { 0 }, { 0 } } };
	const char	*key = http_param(req, "key"), *errstr;
	enum store_rc	 rc;

	if (minisig_pubkey_parse(key, strlen(key), &ak.pk, &errstr) == -1) {
		http_error(resp, 404, "not_found", "that is not a public key");
		return;
	}
	http_json(resp, 200);
	rc = store_key(gd->store, key, api_key_cb, &ak);
	if (rc == STORE_NOTFOUND)
		http_error(resp, 404, "not_found", "that key has signed "
		    "nothing here");
	else if (rc != STORE_OK)
		api_store_error(resp, rc);
}
