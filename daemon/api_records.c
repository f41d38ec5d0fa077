/*
 * api_records.c: records, their talks, and the annotations on them.
 *
 * Listings are written straight from the store's rows into the response
 * buffer: no JSON tree is built per request and no stored statement is
 * parsed again.
 */

#include <stdlib.h>
#include <string.h>

#include "glossd.h"

#define API_PAGE_DEFAULT	100

static void
api_record_head(struct buf *b, const struct store_record *rec)
{
	buf_puts(b, "{\"id\":");
	jcs_write_string(b, rec->rid, strlen(rec->rid));
	buf_printf(b, ",\"statement\":\"%s\"", rec->id);
	api_member(b, "title", rec->title);
	api_member(b, "event", rec->event);
	buf_printf(b, ",\"duration\":%lld,\"annotations\":%lld",
	    (long long)rec->duration, (long long)rec->annotations);
}

static int
api_records_cb(const struct store_record *rec, void *arg)
{
	struct buf	*b = arg;

	if (b->data[b->len - 1] == '}')
		buf_putc(b, ',');
	api_record_head(b, rec);
	buf_printf(b, ",\"talks\":%zu}", rec->ntalks);
	return 0;
}

/* GET /v1/records */
void
api_get_records(struct glossd *gd, struct http_request *req,
    struct http_response *resp)
{
	enum store_rc	rc;

	http_json(resp, 200);
	buf_puts(&resp->body, "{\"records\":[");
	if ((rc = store_records(gd->store, api_records_cb,
	    &resp->body)) != STORE_OK) {
		api_store_error(resp, rc);
		return;
	}
	buf_puts(&resp->body, "]}\n");
}

/* The record named by the :rid parameter, or -1 with 404/5xx in resp. */
int
api_find_record(struct glossd *gd, struct http_request *req,
    struct http_response *resp, struct store_record *rec)
{
	return api_record_named(gd, http_param(req, "rid"), resp, rec);
}

/* 0 for STORE_OK, else -1 with 404 unknown_record or 5xx in resp. */
static int
api_record_answer(struct http_response *resp, enum store_rc rc)
{
	if (rc == STORE_NOTFOUND)
		http_error(resp, 404, "unknown_record", "there is no such "
		    "record");
	else if (rc != STORE_OK)
		api_store_error(resp, rc);
	return rc == STORE_OK ? 0 : -1;
}

/* The record rid (NULL: none), or -1 with 404/5xx in resp. */
int
api_record_named(struct glossd *gd, const char *rid,
    struct http_response *resp, struct store_record *rec)
{
	memset(rec, 0, sizeof *rec);
	return api_record_answer(resp, !stmt_rid_valid(rid) ? STORE_NOTFOUND :
	    store_record(gd->store, rid, rec));
}

/*
 * Whether record rid exists, as api_record_named says, for a filter that
 * would find nothing and not say why: one row, not the record and talks.
 */
int
api_record_known(struct glossd *gd, const char *rid,
    struct http_response *resp)
{
	return api_record_answer(resp, !stmt_rid_valid(rid) ? STORE_NOTFOUND :
	    store_record_exists(gd->store, rid));
}

/*
 * The talk named by the :n parameter of rec (1-based), or -1 with 404 in
 * resp.
 */
int
api_find_talk(struct http_request *req, struct http_response *resp,
    const struct store_record *rec)
{
	const char	*s = http_param(req, "n");
	int		 n = 0;

	/* Digits, no leading zero; stop once past the last talk. */
	if (*s != '0')
		for (; *s >= '0' && *s <= '9' && n <= (int)rec->ntalks; s++)
			n = n * 10 + (*s - '0');
	if (*s != '\0' || n < 1 || n > (int)rec->ntalks) {
		http_error(resp, 404, "unknown_talk", "record %s has no such "
		    "talk", rec->rid);
		return -1;
	}
	return n;
}

static void
api_talk_json(struct buf *b, const struct store_talk *t)
{
	buf_printf(b, "{\"n\":%d,\"start\":%lld,\"end\":%lld", t->n,
	    (long long)t->start, (long long)t->end);
	api_member(b, "speaker", t->speaker);
	api_member(b, "title", t->title);
	buf_putc(b, '}');
}

/* One lock of a record for GET /v1/records/{rid}: talk null, the whole. */
static int
api_lock_cb(int talk, const char *decision, void *arg)
{
	struct buf	*b = arg;

	if (b->data[b->len - 1] == '}')
		buf_putc(b, ',');
	if (talk > 0)
		buf_printf(b, "{\"talk\":%d", talk);
	else
		buf_puts(b, "{\"talk\":null");
	buf_printf(b, ",\"decision\":\"%s\"}", decision);
	return 0;
}

/* GET /v1/records/{rid} */
void
api_get_record(struct glossd *gd, struct http_request *req,
    struct http_response *resp)
{
	struct store_record	 rec;
	struct buf		*b = &resp->body;
	size_t			 i;
	enum store_rc		 rc;

	if (api_find_record(gd, req, resp, &rec) == -1)
		return;
	http_json(resp, 200);
	api_record_head(b, &rec);
	buf_puts(b, ",\"talks\":[");
	for (i = 0; i < rec.ntalks; i++) {
		if (i > 0)
			buf_putc(b, ',');
		api_talk_json(b, &rec.talks[i]);
	}
	buf_puts(b, "],\"locks\":[");
	rc = store_locks(gd->store, rec.rid, api_lock_cb, b);
	buf_puts(b, "]}\n");
	if (rc != STORE_OK)
		api_store_error(resp, rc);
	store_record_clear(&rec);
}

/*
 * GET /v1/records/{rid}/talks/{n}: one talk, what the W3C annotations on
 * it name as their target.
 */
void
api_get_talk(struct glossd *gd, struct http_request *req,
    struct http_response *resp)
{
	struct store_record	rec;
	int			n;

	if (api_find_record(gd, req, resp, &rec) == -1)
		return;
	if ((n = api_find_talk(req, resp, &rec)) != -1) {
		http_json(resp, 200);
		buf_puts(&resp->body, "{\"record\":");
		jcs_write_string(&resp->body, rec.rid, strlen(rec.rid));
		buf_puts(&resp->body, ",\"talk\":");
		api_talk_json(&resp->body, &rec.talks[n - 1]);
		buf_puts(&resp->body, "}\n");
	}
	store_record_clear(&rec);
}

struct api_list_ctx {
	struct buf	*body;
	int		 limit;
	int		 rows;
	int64_t		 last_span;
	int64_t		 last_seq;
};

static int
api_annotation_cb(const struct store_annotation *a, void *arg)
{
	struct api_list_ctx	*ctx = arg;
	struct buf		*b = ctx->body;

	if (ctx->rows == ctx->limit) {
		ctx->rows++;		/* one more exists: there is a next */
		return -1;
	}
	if (ctx->rows > 0)
		buf_putc(b, ',');
	api_annotation_json(b, a);
	ctx->rows++;
	ctx->last_span = a->span_start;
	ctx->last_seq = a->seq;
	return 0;
}

/* Parse "span.seq" as produced in "next"; -1 if malformed. */
static int
api_cursor(const char *s, int64_t *span, int64_t *seq)
{
	char	*end;
	long long a, b;

	a = strtoll(s, &end, 10);
	if (end == s || *end != '.' || a < 0)
		return -1;
	s = end + 1;
	b = strtoll(s, &end, 10);
	if (end == s || *end != '\0' || b < 0)
		return -1;
	*span = a;
	*seq = b;
	return 0;
}

static int
api_list_query(struct glossd *gd, struct http_request *req,
    struct http_response *resp, const struct store_record *rec,
    struct store_query *q)
{
	const char	*s;
	int64_t		 n;

	q->rid = rec->rid;
	q->from = q->to = -1;
	q->after_span = -1;
	q->limit = API_PAGE_DEFAULT < gd->cfg.limits.page_max ?
	    API_PAGE_DEFAULT : gd->cfg.limits.page_max;
	n = 0;
	if (http_query_int(resp, req, "talk", 1, (int64_t)rec->ntalks,
	    &n) == -1)
		return -1;
	q->talk = (int)n;
	if (http_query_int(resp, req, "from", 0, GLOSS_MAX_SAFE_INT,
	    &q->from) == -1 ||
	    http_query_int(resp, req, "to", 0, GLOSS_MAX_SAFE_INT,
	    &q->to) == -1)
		return -1;
	if (q->from == -1 && q->to != -1)
		q->from = 0;
	else if (q->from != -1 && q->to == -1)
		q->to = q->from;
	if (q->to < q->from) {
		http_error(resp, 400, "bad_query", "to must not be before from");
		return -1;
	}
	n = q->limit;
	if (http_query_int(resp, req, "limit", 1, gd->cfg.limits.page_max,
	    &n) == -1)
		return -1;
	q->limit = (int)n;
	if ((s = http_query(req, "kind")) != NULL) {
		enum stmt_kind kind;

		if (stmt_kind_from_name(s, &kind) == -1) {
			http_error(resp, 400, "bad_query", "kind must be %s",
			    stmt_kind_list());
			return -1;
		}
		q->kind = stmt_kind_name(kind);
	}
	if ((s = http_query(req, "author")) != NULL) {
		struct minisig_pubkey	 key;
		const char		*errstr;

		if (minisig_pubkey_parse(s, strlen(s), &key, &errstr) == -1) {
			http_error(resp, 400, "bad_query", "author must be a "
			    "public key: %s", errstr);
			return -1;
		}
		q->author = s;
	}
	if ((s = http_query(req, "after")) != NULL &&
	    api_cursor(s, &q->after_span, &q->after_seq) == -1) {
		http_error(resp, 400, "bad_query", "after must be a cursor "
		    "from a previous page's \"next\"");
		return -1;
	}
	return 0;
}

/*
 * GET /v1/records/{rid}/annotations
 *     ?talk=&from=&to=&kind=&author=&limit=&after=
 */
void
api_get_annotations(struct glossd *gd, struct http_request *req,
    struct http_response *resp)
{
	struct store_record	rec;
	struct store_query	q;
	struct api_list_ctx	ctx = { .body = &resp->body };
	enum store_rc		rc;

	if (api_find_record(gd, req, resp, &rec) == -1)
		return;
	memset(&q, 0, sizeof q);
	if (api_list_query(gd, req, resp, &rec, &q) == -1)
		goto out;
	ctx.limit = q.limit;
	q.limit++;
	http_json(resp, 200);
	buf_puts(&resp->body, "{\"record\":");
	jcs_write_string(&resp->body, rec.rid, strlen(rec.rid));
	buf_puts(&resp->body, ",\"annotations\":[");
	if ((rc = store_annotations(gd->store, &q, api_annotation_cb,
	    &ctx)) != STORE_OK) {
		api_store_error(resp, rc);
		goto out;
	}
	buf_puts(&resp->body, "],\"next\":");
	if (ctx.rows > ctx.limit)
		buf_printf(&resp->body, "\"%lld.%lld\"",
		    (long long)ctx.last_span, (long long)ctx.last_seq);
	else
		buf_puts(&resp->body, "null");
	buf_puts(&resp->body, "}\n");
out:
	store_record_clear(&rec);
}
