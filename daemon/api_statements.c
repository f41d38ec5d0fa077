/*
 * api_statements.c: accepting signed statements and serving them back.
 *
 * A POST runs the whole chain DESIGN.md §2 fixes, cheapest refusal first:
 * strict JSON, the wire shape, the statement's own rules, its signature,
 * then the policies that need the clock or the store.  Nothing is written
 * until everything has passed, and then in one transaction.
 */

#include <stdlib.h>
#include <string.h>

#include "glossd.h"
#include "ratelimit.h"

void
api_store_error(struct http_response *resp, enum store_rc rc)
{
	if (rc == STORE_BUSY)
		http_error(resp, 503, "busy", "the database is busy; retry");
	else if (rc == STORE_SLOW)
		http_error(resp, 503, "too_slow", "the query ran past the "
		    "server's query_ms; narrow it (a talk, a time range, "
		    "rarer words, a smaller page)");
	else if (rc == STORE_DISK)
		http_error(resp, 503, "disk_failed", "the disk did not "
		    "confirm a write, and the server is stopping; a statement "
		    "just posted may have been stored: posting it again is "
		    "safe");
	else
		http_error(resp, 500, "internal_error",
		    "the server failed; nothing was changed");
}

/* Note what a POST stored now (201) or had stored before (200). */
static void
api_posted(struct api_posted *p, int status, const char *id,
    const struct statement *st, int64_t seq)
{
	p->status = status;
	snprintf(p->id, sizeof p->id, "%s", id);
	p->type = stmt_type_name(st->type);
	p->seq = seq;
}

/* The /v1 answer to an accepted (201) or repeated (200) statement. */
static void
api_accepted(struct http_response *resp, const struct api_posted *p)
{
	http_json(resp, p->status);
	snprintf(resp->location, sizeof resp->location, "/v1/statements/%s",
	    p->id);
	buf_printf(&resp->body, "{\"id\":\"%s\",\"seq\":%lld,\"type\":\"%s\","
	    "\"url\":\"%s\"", p->id, (long long)p->seq, p->type,
	    resp->location);
	if (p->annotation[0] != '\0')
		buf_printf(&resp->body, ",\"status\":\"%s\"",
		    p->annotation);
	buf_puts(&resp->body, "}\n");
}

/* The parts of the wire form {"statement":{...},"minisig":"..."}. */
static int
api_wire_parts(json_t *wire, json_t **stmt, const char **minisig,
    size_t *minisig_len)
{
	json_t	*sig;

	*stmt = json_object_get(wire, "statement");
	sig = json_object_get(wire, "minisig");
	if (!json_is_object(wire) || json_object_size(wire) != 2 ||
	    !json_is_object(*stmt) || !json_is_string(sig))
		return -1;
	*minisig = json_string_value(sig);
	*minisig_len = json_string_length(sig);
	return 0;
}

/* The wire form, strictly, or 400. */
static int
api_wire(struct http_response *resp, json_t *wire, json_t **stmt,
    const char **minisig, size_t *minisig_len)
{
	if (api_wire_parts(wire, stmt, minisig, minisig_len) == 0)
		return 0;
	http_error(resp, 400, "malformed_request", "the body must be "
	    "{\"statement\": {...}, \"minisig\": \"...\"}");
	return -1;
}

/*
 * Whether body is a wire form whose statement's signature verifies, the
 * question a verifier thread answers ahead of the POST chain
 * (verifier.c).  It shares nothing with the loop: no limits (the chain
 * applies them), no store, no logging.
 */
int
api_wire_verifies(const char *body, size_t len)
{
	struct statement	*st;
	struct jcs_err		 err;
	json_t			*wire, *stmt;
	const char		*minisig, *code;
	char			*message = NULL;
	size_t			 minisig_len;
	int			 ok = 0;

	if ((wire = jcs_parse(body, len, &err)) == NULL)
		return 0;
	if (api_wire_parts(wire, &stmt, &minisig, &minisig_len) == 0 &&
	    (st = stmt_from_json(json_incref(stmt), NULL, &code,
	    &message)) != NULL) {
		ok = stmt_verify(st, minisig, minisig_len, &code,
		    &message) == 0;
		stmt_free(st);
	}
	free(message);
	json_decref(wire);
	return ok;
}

/* Answer a policy refusal and free its message; returns -1. */
int
api_refuse(struct http_response *resp, struct policy_verdict *v)
{
	http_error(resp, v->status, v->code, "%s", v->message);
	policy_verdict_clear(v);
	return -1;
}

/*
 * Record-level checks for an annotation; fills the placement.  A reply's
 * parent must be one it may act on (api_may_act, replay when not live).
 */
static int
api_check_annotation(struct glossd *gd, struct http_response *resp,
    const struct statement *st, struct store_placement *place, int live)
{
	const struct stmt_annotation	*a = &st->u.annotation;
	struct store_record		 rec;
	struct policy_verdict		 v = { 0 };
	struct api_target		 parent;
	enum store_rc			 rc;
	int				 ok;

	memset(&rec, 0, sizeof rec);
	if ((rc = store_record(gd->store, a->record, &rec)) != STORE_OK) {
		if (rc != STORE_NOTFOUND)
			api_store_error(resp, rc);
		else
			http_error(resp, 422, "unknown_record",
			    "there is no record %s", a->record);
		return -1;
	}
	ok = policy_annotation(&rec, a, place, &v);
	snprintf(place->rid, sizeof place->rid, "%s", a->record);
	store_record_clear(&rec);
	if (ok == -1)
		return api_refuse(resp, &v);
	if (a->reply_to == NULL)
		return 0;
	if (api_target(gd, resp, a->reply_to, "reply_to", &parent) == -1)
		return -1;
	if (strcmp(parent.rid, a->record) != 0) {
		http_error(resp, 422, "unknown_reply_to", "reply_to names no "
		    "annotation of record %s", a->record);
		return -1;
	}
	if (!api_may_act(&parent, !live)) {
		/* To a key that may not see it, it does not exist. */
		if (!parent.retracted && !api_may_see(gd, &parent, st))
			return api_not_visible(gd, resp, &parent, st);
		http_error(resp, 422, parent.retracted ? "reply_to_retracted" :
		    "reply_to_hidden", "the annotation replied to is %s",
		    parent.status);
		return -1;
	}
	/* A reply that names no place of its own sits where its parent does. */
	if (a->talk == 0 && a->at_start == -1) {
		place->talk = parent.place.talk;
		place->span_start = parent.place.span_start;
		place->span_end = parent.place.span_end;
	}
	return 0;
}

static int
api_seq_cb(const struct store_statement *row, void *arg)
{
	*(int64_t *)arg = row->seq;
	return 0;
}

/*
 * Where a POST comes from, which decides what it is exempt from
 * (enum api_origin).  A request signed by an importer or a curator key
 * (DESIGN.md §3) replays statements another glossd accepted, as the
 * mirror's do: their created time is past, and the rate limits are for
 * live clients.  The signed URI carries ?body=<SHA-256 of the body>, so
 * a captured header cannot carry another body.  Returns the origin, or
 * -1 with 401/403 in resp for a bad or foreign signature.
 */
static int
api_importer(struct glossd *gd, struct http_request *req,
    struct http_response *resp)
{
	struct minisig_pubkey	 key;
	const char		*errstr, *hash = http_query(req, "body");
	char			 want[GLOSS_ID_LEN + 1];

	if (req->replay)
		return ORIGIN_MIRROR;
	if (req->authz == NULL)
		return ORIGIN_LIVE;
	stmt_sha256_hex(req->body, req->body_len, want);
	if (hash == NULL || strcmp(hash, want) != 0) {
		http_error(resp, 401, "bad_request_signature", "a signed POST "
		    "names the SHA-256 of its body in ?body=");
		return -1;
	}
	if (reqsig_verify(req->authz, "POST", req->target != NULL ?
	    req->target : "", req->now, REQSIG_WINDOW, &key, &errstr) == -1) {
		http_error(resp, 401, "bad_request_signature", "%s", errstr);
		return -1;
	}
	if (config_has_key(&gd->cfg.importers, &key))
		return ORIGIN_IMPORTER;
	if (config_has_key(&gd->cfg.curators, &key))
		return ORIGIN_CURATOR;
	http_error(resp, 403, "not_importer", "that key may not import "
	    "statements here");
	return -1;
}

/*
 * The body as strict JSON, parsed once per request: the precheck and the
 * chain both read it.  Borrowed (http_request_clear frees it); NULL with
 * *err when it does not parse.
 */
static json_t *
api_body(struct http_request *req, struct jcs_err *err)
{
	if (req->parsed == NULL)
		req->parsed = jcs_parse(req->body, req->body_len, err);
	return req->parsed;
}

/*
 * Whether key, a live statement's author, has spent its rate: then the
 * POST is refused (429 in resp) before its signature is verified.  Only a
 * verified statement spends a token (in api_check_posting), so nobody
 * can spend another key's.
 */
static int
api_key_spent(struct glossd *gd, struct http_request *req,
    struct http_response *resp, int origin, const struct minisig_pubkey *key)
{
	char	author[GLOSS_PUBKEY_LEN + 1];
	int64_t	wait;

	if (origin != ORIGIN_LIVE || gd->rl_key == NULL ||
	    config_has_key(&gd->cfg.moderators, key))
		return 0;
	minisig_pubkey_format(key, author);
	if ((wait = ratelimit_peek(gd->rl_key, author, req->now_ms)) <= 0)
		return 0;
	http_rate_limited(resp, wait, "that key posts too fast");
	return 1;
}

/*
 * What the loop checks of a POST before a verifier thread gets its body
 * (verifier.c): the door (api_post_admit) and, if the body names its
 * author, whether that key has spent its rate, so a flood from one key
 * costs no signature check on any core.  Whatever else is wrong with the
 * body is left to the chain.  Returns 0 to go on, or -1 with the refusal
 * in resp.
 */
int
api_post_precheck(struct glossd *gd, struct http_request *req,
    struct http_response *resp)
{
	struct minisig_pubkey	 key;
	struct jcs_err		 err;
	json_t			*body, *author;
	const char		*errstr;
	int			 origin;

	if ((origin = api_post_admit(gd, req, resp)) == -1)
		return -1;
	if (origin != ORIGIN_LIVE || gd->rl_key == NULL ||
	    (body = api_body(req, &err)) == NULL)
		return 0;
	author = json_object_get(json_object_get(body, "statement"),
	    "author");
	if (json_is_string(author) && minisig_pubkey_parse(
	    json_string_value(author), json_string_length(author), &key,
	    &errstr) == 0 && api_key_spent(gd, req, resp, origin, &key))
		return -1;
	return 0;
}

/*
 * The statement a POST carries, verified: the wire form is the body
 * itself, or with member set that member of the body (a W3C annotation
 * carries it so; without it the body is unsigned, 401); with rid set only
 * an annotation of that record is taken.  A live key that has spent its
 * rate is refused before the costly verification.  Returns the statement
 * and its minisig (borrowed from *body, which the caller frees), or NULL
 * with the refusal in resp.
 */
static struct statement *
api_post_verified(struct glossd *gd, struct http_request *req,
    struct http_response *resp, const char *member, const char *rid,
    int origin, json_t **body, const char **minisig)
{
	struct statement	*st;
	struct jcs_err		 err;
	json_t			*wire, *stmt;
	const char		*code;
	char			*message;
	size_t			 minisig_len;

	if ((*body = json_incref(api_body(req, &err))) == NULL) {
		http_error(resp, err.code == JCS_E_SYNTAX ||
		    err.code == JCS_E_UTF8 ? 400 : 422,
		    jcs_error_code(err.code), "%s", err.message);
		return NULL;
	}
	wire = member == NULL ? *body : json_object_get(*body, member);
	if (wire == NULL && json_is_object(*body)) {
		http_error(resp, 401, "signature_required", "only signed "
		    "annotations are taken: sign a gloss statement with `gloss "
		    "post` or see docs/api.md: put {statement, minisig} in the "
		    "\"%s\" member", member);
		return NULL;
	}
	if (api_wire(resp, wire, &stmt, minisig, &minisig_len) == -1)
		return NULL;
	st = stmt_from_json(json_incref(stmt), &gd->cfg.limits.stmt, &code,
	    &message);
	if (st == NULL) {
		http_error(resp, 422, code, "%s", message);
		free(message);
		return NULL;
	}
	if (rid != NULL && (st->type != STMT_ANNOTATION ||
	    strcmp(st->u.annotation.record, rid) != 0)) {
		http_error(resp, 422, "wrong_container", "this container takes "
		    "the annotations of record %s only", rid);
		goto fail;
	}
	if (api_key_spent(gd, req, resp, origin, &st->key))
		goto fail;
	/* A verifier thread checked these very bytes (verifier.c). */
	if (member == NULL && req->verified)
		return st;
	if (stmt_verify(st, *minisig, minisig_len, &code, &message) == -1) {
		http_error(resp, strcmp(code, "malformed_signature") == 0 ?
		    400 : 401, code, "%s", message);
		free(message);
		goto fail;
	}
	return st;
fail:
	stmt_free(st);
	return NULL;
}

/*
 * The door of every POST, before its body is even parsed: a mirror takes
 * none, a signed one must come from an importer or a curator, and a live
 * one spends its address's write rate.  Decided once per request (the
 * verifier asks before its thread runs, api_post after).  Returns the
 * origin, or -1 with the refusal in resp.
 */
int
api_post_admit(struct glossd *gd, struct http_request *req,
    struct http_response *resp)
{
	int64_t	wait;

	if (req->admitted)
		return req->origin;
	if (gd->cfg.mirror != NULL && !req->replay) {
		http_error(resp, 403, "read_only", "this glossd mirrors %s: "
		    "post there", gd->cfg.mirror);
		return -1;
	}
	if ((req->origin = api_importer(gd, req, resp)) == -1)
		return -1;
	if (req->origin == ORIGIN_LIVE && gd->rl_ip_writes != NULL &&
	    (wait = ratelimit_take(gd->rl_ip_writes, req->client,
	    req->now_ms)) > 0) {
		http_rate_limited(resp, wait, "too many writes from that "
		    "address");
		return -1;
	}
	req->admitted = 1;
	return req->origin;
}

/*
 * Run a POST through the whole chain (the top of this file) and store what
 * passes: who may post here at all, the statement (api_post_verified),
 * then the rules that need the clock or the store.  member and rid as
 * api_post_verified takes them.  Returns 0 with p filled (201: stored
 * now; 200: stored before, p->id naming what stands), or -1 with the
 * refusal in resp.
 */
int
api_post(struct glossd *gd, struct http_request *req,
    struct http_response *resp, const char *member, const char *rid,
    struct api_posted *p)
{
	struct statement	*st;
	struct store_placement	 place = { 0 };
	struct policy_verdict	 v = { 0 };
	struct api_fold		 fold;
	char			 existing[GLOSS_ID_LEN + 1];
	json_t			*body = NULL;
	const char		*minisig;
	int64_t			 seq;
	enum store_rc		 rc;
	int			 origin, done = -1;

	memset(p, 0, sizeof *p);
	memset(&fold, 0, sizeof fold);
	if ((origin = api_post_admit(gd, req, resp)) == -1)
		return -1;
	if ((st = api_post_verified(gd, req, resp, member, rid, origin, &body,
	    &minisig)) == NULL)
		goto out;
	rc = store_statement(gd->store, st->id, api_seq_cb, &seq);
	if (rc == STORE_OK) {
		api_posted(p, 200, st->id, st, seq);
		done = 0;
		goto out;
	}
	if (rc != STORE_NOTFOUND) {
		api_store_error(resp, rc);
		goto out;
	}
	if (origin == ORIGIN_LIVE && policy_created(st->created, req->now,
	    gd->cfg.limits.skew, &v) == -1) {
		api_refuse(resp, &v);
		goto out;
	}
	switch (st->type) {
	case STMT_RECORD:
		/* A curator may vouch for another glossd's curator. */
		if (origin < ORIGIN_CURATOR &&
		    policy_record(&gd->cfg, st, &v) == -1) {
			api_refuse(resp, &v);
			goto out;
		}
		break;
	case STMT_ANNOTATION:
		if (api_check_annotation(gd, resp, st, &place,
		    origin == ORIGIN_LIVE) == -1)
			goto out;
		break;
	default:
		switch (api_check_conversation(gd, resp, st, &place, &fold,
		    existing, origin)) {
		case -1:
			goto out;
		case 1:
			if ((rc = store_statement(gd->store, existing,
			    api_seq_cb, &seq)) != STORE_OK)
				api_store_error(resp, rc);
			else {
				api_posted(p, 200, existing, st, seq);
				done = 0;
			}
			goto out;
		}
		break;
	}
	if (api_check_posting(gd, req, resp, st, origin != ORIGIN_LIVE,
	    &place) == -1)
		goto out;
	rc = store_append(gd->store, st, minisig, req->now, &place, &seq);
	switch (rc) {
	case STORE_OK:
		api_posted(p, 201, st->id, st, seq);
		/* An annotation the public does not see says so. */
		if (place.status[0] != '\0' &&
		    strcmp(place.status, "visible") != 0)
			snprintf(p->annotation, sizeof p->annotation,
			    "%s", place.status);
		done = 0;
		break;
	case STORE_EXISTS:
		api_posted(p, 200, st->id, st, seq);
		done = 0;
		break;
	case STORE_CONFLICT:
		http_error(resp, 409, "record_exists", "a record with id %s "
		    "already exists", st->u.record.rid);
		break;
	default:
		api_store_error(resp, rc);
		break;
	}
out:
	api_fold_free(&fold);
	stmt_free(st);
	json_decref(body);
	return done;
}

/* POST /v1/statements */
void
api_post_statement(struct glossd *gd, struct http_request *req,
    struct http_response *resp)
{
	struct api_posted	p;

	if (api_post(gd, req, resp, NULL, NULL, &p) == 0)
		api_accepted(resp, &p);
}

enum api_form {
	FORM_FULL,
	FORM_CANONICAL,
	FORM_MINISIG,
};

struct api_statement_ctx {
	struct http_response	*resp;
	enum api_form		 form;
};

static int
api_statement_cb(const struct store_statement *row, void *arg)
{
	struct api_statement_ctx	*ctx = arg;
	struct buf			*b = &ctx->resp->body;
	char				 received[21];

	switch (ctx->form) {
	case FORM_CANONICAL:
		buf_add(b, row->canonical, row->canonical_len);
		break;
	case FORM_MINISIG:
		ctx->resp->content_type = "text/plain; charset=utf-8";
		buf_puts(b, row->minisig);
		break;
	case FORM_FULL:
		timefmt_rfc3339((time_t)row->received, received);
		buf_printf(b, "{\"id\":\"%s\",\"seq\":%lld,\"type\":\"%s\","
		    "\"author\":\"%s\",\"received\":\"%s\",\"status\":"
		    "\"accepted\",\"statement\":", row->id,
		    (long long)row->seq, row->type, row->author, received);
		buf_add(b, row->canonical, row->canonical_len);
		buf_puts(b, ",\"minisig\":");
		jcs_write_string(b, row->minisig, strlen(row->minisig));
		buf_puts(b, "}\n");
		break;
	}
	return 0;
}

struct api_ids {
	struct buf	*body;
	int		 n;
};

/*
 * One id of the answer.  An annotation or a revision also gives the first
 * API_IDS_TEXT bytes of its text, so that a person can tell the
 * statements apart; only those two types are parsed, so a large record
 * costs nothing.
 */
static int
api_ids_cb(const struct store_statement *row, void *arg)
{
	struct api_ids	*ids = arg;
	struct jcs_err	 err;
	json_t		*root = NULL, *text;

	if (ids->n++ == API_IDS_MAX)
		return -1;	/* one more than the answer holds: "more" */
	buf_printf(ids->body, "%s{\"id\":\"%s\",\"seq\":%lld,\"type\":\"%s\","
	    "\"author\":\"%s\"", ids->n > 1 ? "," : "", row->id,
	    (long long)row->seq, row->type, row->author);
	if ((strcmp(row->type, "annotation") == 0 ||
	    strcmp(row->type, "revision") == 0) &&
	    (root = jcs_parse(row->canonical, row->canonical_len, &err)) !=
	    NULL && json_is_string(text = json_object_get(root, "text"))) {
		buf_puts(ids->body, ",\"text\":");
		jcs_write_string(ids->body, json_string_value(text),
		    jcs_utf8_cut(json_string_value(text),
		    json_string_length(text), API_IDS_TEXT));
	}
	json_decref(root);
	buf_puts(ids->body, "}");
	return 0;
}

/*
 * GET /v1/ids/{prefix}: the statements whose ids begin with prefix, so
 * that a person may type an id's first digits, as with git's objects.
 * Every statement is in the public log, so this tells nothing new.
 */
void
api_get_ids(struct glossd *gd, struct http_request *req,
    struct http_response *resp)
{
	const char	*prefix = http_param(req, "prefix");
	size_t		 len = strlen(prefix);
	struct api_ids	 ids = { &resp->body, 0 };
	enum store_rc	 rc;

	if (len < API_PREFIX_MIN || len > GLOSS_ID_LEN ||
	    strspn(prefix, "0123456789abcdef") != len) {
		http_error(resp, 400, "bad_prefix", "an id's prefix is 4 to "
		    "64 lowercase hex digits");
		return;
	}
	http_json(resp, 200);
	buf_printf(&resp->body, "{\"prefix\":\"%s\",\"ids\":[", prefix);
	if ((rc = store_ids(gd->store, prefix, API_IDS_MAX + 1, api_ids_cb,
	    &ids)) != STORE_OK) {
		api_store_error(resp, rc);
		return;
	}
	buf_printf(&resp->body, "],\"more\":%s}\n",
	    ids.n > API_IDS_MAX ? "true" : "false");
}

/* GET /v1/statements/{id}[.json|.minisig] */
void
api_get_statement(struct glossd *gd, struct http_request *req,
    struct http_response *resp)
{
	struct api_statement_ctx	 ctx = { resp, FORM_FULL };
	const char			*param = http_param(req, "id");
	char				 id[GLOSS_ID_LEN + 1];
	enum store_rc			 rc;

	if (strlen(param) > GLOSS_ID_LEN) {
		if (strcmp(param + GLOSS_ID_LEN, ".json") == 0)
			ctx.form = FORM_CANONICAL;
		else if (strcmp(param + GLOSS_ID_LEN, ".minisig") == 0)
			ctx.form = FORM_MINISIG;
		else
			goto notfound;
	}
	if (strlen(param) < GLOSS_ID_LEN)
		goto notfound;
	memcpy(id, param, GLOSS_ID_LEN);
	id[GLOSS_ID_LEN] = '\0';
	if (!stmt_id_valid(id))
		goto notfound;
	http_json(resp, 200);
	rc = store_statement(gd->store, id, api_statement_cb, &ctx);
	if (rc == STORE_NOTFOUND)
		goto notfound;
	if (rc != STORE_OK)
		api_store_error(resp, rc);
	return;
notfound:
	http_error(resp, 404, "not_found", "no statement has that id");
}
