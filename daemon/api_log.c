/*
 * api_log.c: the statement log as NDJSON, and the health check.
 *
 * /v1/log is the export and mirror feed: every accepted statement in the
 * order it was accepted, with its canonical bytes and minisig exactly as
 * stored, so a follower can verify each line on its own.
 */

#include <string.h>

#include "glossd.h"

#define API_LOG_DEFAULT	100

/* row as one /v1/log line; a store_statement_cb with a struct buf. */
int
api_log_line(const struct store_statement *row, void *arg)
{
	struct buf	*b = arg;
	char		 received[21];

	timefmt_rfc3339((time_t)row->received, received);
	buf_printf(b, "{\"seq\":%lld,\"id\":\"%s\",\"received\":\"%s\","
	    "\"statement\":", (long long)row->seq, row->id, received);
	buf_add(b, row->canonical, row->canonical_len);
	buf_puts(b, ",\"minisig\":");
	jcs_write_string(b, row->minisig, strlen(row->minisig));
	buf_puts(b, "}\n");
	return 0;
}

/* GET /v1/log?after=SEQ&limit=N */
void
api_get_log(struct glossd *gd, struct http_request *req,
    struct http_response *resp)
{
	int64_t		after = 0, limit;
	enum store_rc	rc;

	limit = API_LOG_DEFAULT < gd->cfg.limits.page_max ? API_LOG_DEFAULT :
	    gd->cfg.limits.page_max;
	if (http_query_int(resp, req, "after", 0, GLOSS_MAX_SAFE_INT,
	    &after) == -1 ||
	    http_query_int(resp, req, "limit", 1, gd->cfg.limits.page_max,
	    &limit) == -1)
		return;
	http_json(resp, 200);
	resp->content_type = "application/x-ndjson; charset=utf-8";
	if ((rc = store_log(gd->store, after, (int)limit, api_log_line,
	    &resp->body)) != STORE_OK)
		api_store_error(resp, rc);
}

/* GET /healthz */
void
api_get_healthz(struct glossd *gd, struct http_request *req,
    struct http_response *resp)
{
	http_json(resp, 200);
	buf_printf(&resp->body, "{\"status\":\"ok\",\"version\":\"%s\","
	    "\"schema\":%d,\"statements\":%lld,\"uptime\":%lld}\n",
	    GLOSS_VERSION, store_user_version(gd->store),
	    (long long)store_count(gd->store),
	    (long long)(req->now - gd->started));
}
