/*
 * api_mod.c: moderation: who may post and whether it waits, flags,
 * decisions, and the reads moderators and authors work from.
 *
 * Every decision is a signed statement.  A live one is checked here
 * against the state it changes (approving something already visible is
 * refused, not ignored), so the log holds only decisions that took
 * effect and replays to the same state under the same moderation
 * settings; a replayed one about an annotation applies from whatever
 * status this glossd's settings gave it (design 3.1).  The queue and the
 * flag list are for moderators' signed requests only; the decisions
 * themselves are public.
 */

#include <stdlib.h>
#include <string.h>

#include "glossd.h"
#include "ratelimit.h"

#define API_MOD_PAGE	100

static int
api_no_change(struct http_response *resp, const char *what)
{
	http_error(resp, 409, "no_change", "%s", what);
	return -1;
}

/*
 * The checks every statement passes after its own: a banned key posts
 * nothing; an annotation or a revision needs an open record and talk,
 * and waits for review when the record's moderation says so; a key posts
 * at most its rate (moderators and imports aside).  Returns 0, or -1 with
 * the refusal in resp.
 */
int
api_check_posting(struct glossd *gd, struct http_request *req,
    struct http_response *resp, const struct statement *st, int import,
    struct store_placement *place)
{
	enum config_moderation	 mode;
	enum store_rc		 rc;
	char			 state[16];
	int64_t			 wait;
	int			 closing, exact, moderator;

	if ((rc = store_key_state(gd->store, st->author, state)) != STORE_OK) {
		api_store_error(resp, rc);
		return -1;
	}
	/*
	 * The configuration outranks a ban: a key it lists for a role was
	 * banned before it was listed (a live ban of one is refused).
	 */
	if (strcmp(state, "banned") == 0 &&
	    config_role(&gd->cfg, st->author) == NULL) {
		http_error(resp, 403, "key_banned", "that key is banned here");
		return -1;
	}
	/* A revision is new text: it meets the same locks and review. */
	if (st->type == STMT_ANNOTATION || st->type == STMT_REVISION) {
		rc = store_locked(gd->store, place->rid, place->talk, &closing,
		    &exact);
		if (rc != STORE_OK) {
			api_store_error(resp, rc);
			return -1;
		}
		if (closing != -1) {
			http_error(resp, 403, "locked", "%s is closed to new "
			    "annotations%s", closing > 0 ? "that talk" :
			    "the record", st->type == STMT_REVISION ?
			    " and to edits" : "");
			return -1;
		}
		mode = config_moderation(&gd->cfg, place->rid);
		moderator = config_has_key(&gd->cfg.moderators, &st->key);
		/*
		 * Held, a revision takes a visible annotation back to
		 * review; a pending, hidden or rejected one keeps its status.
		 */
		if (st->type == STMT_ANNOTATION)
			snprintf(place->status, sizeof place->status,
			    "visible");
		place->pending = strcmp(place->status, "visible") == 0 &&
		    !moderator && (mode == MODERATION_ALL ||
		    (mode == MODERATION_FIRST &&
		    strcmp(state, "trusted") != 0));
		if (place->pending)
			snprintf(place->status, sizeof place->status,
			    "pending");
	}
	/*
	 * Last, so a refusal above costs the key nothing; moderators work
	 * through queues at their own pace.
	 */
	if (!import && gd->rl_key != NULL &&
	    !config_has_key(&gd->cfg.moderators, &st->key) &&
	    (wait = ratelimit_take(
	    gd->rl_key, st->author, req->now_ms)) > 0) {
		http_rate_limited(resp, wait, "that key posts too fast");
		return -1;
	}
	return 0;
}

struct api_flagcount {
	const struct config_keys *moderators;
	int			  trusted;
};

static int
api_flagger_cb(const char *author, const char *state, void *arg)
{
	struct api_flagcount	*fc = arg;

	if (strcmp(state, "trusted") == 0 ||
	    config_has_author(fc->moderators, author))
		fc->trusted++;
	return 0;
}

/*
 * A flag: on an annotation it may act on (api_may_act), once per key (a
 * repeat answers 1 with the first flag's id); live (ORIGIN_LIVE) holds it
 * to policy_judge.  Flags from trusted keys and moderators hide a visible
 * annotation for review at flag_threshold, when one of them is the new
 * flag: a flag that does not count never hides it.
 */
static int
api_check_flag(struct glossd *gd, struct http_response *resp,
    const struct statement *st, struct store_placement *place,
    char existing[GLOSS_ID_LEN + 1], int live)
{
	struct api_flagcount	 fc = { &gd->cfg.moderators, 0 };
	struct api_target	 t;
	struct policy_verdict	 v = { 0 };
	enum store_rc		 rc;
	char			 state[16];
	int			 before;

	if (api_target(gd, resp, st->u.flag.subject, "subject", &t) == -1)
		return -1;
	if (policy_judge(st, t.author, live, &v) == -1)
		return api_refuse(resp, &v);
	if (!api_may_act(&t, !live))
		return api_not_visible(gd, resp, &t, st);
	rc = store_flag(gd->store, t.id, st->author, existing);
	if (rc == STORE_OK)
		return 1;
	if (rc == STORE_NOTFOUND)
		rc = store_flaggers(gd->store, t.id, api_flagger_cb, &fc);
	if (rc == STORE_OK)
		rc = store_key_state(gd->store, st->author, state);
	if (rc != STORE_OK) {
		api_store_error(resp, rc);
		return -1;
	}
	before = fc.trusted;
	api_flagger_cb(st->author, state, &fc);
	place->hide = fc.trusted > before &&
	    fc.trusted >= gd->cfg.flag_threshold;
	return 0;
}

/* Whether status is one of the words in list. */
static int
api_status_in(const char *status, const char *const *list)
{
	for (; *list != NULL; list++) {
		if (strcmp(status, *list) == 0)
			return 1;
	}
	return 0;
}

/*
 * A decision about an annotation: live, only from the states it can
 * change.  A replay applies it as its source took it, from whatever
 * status the annotation has here, which this glossd's moderation settings
 * decide (api_may_act): to the status it names, or to no effect.
 */
static int
api_check_decision(struct glossd *gd, struct http_response *resp,
    const struct statement *st, int live)
{
	const struct stmt_moderation	*m = &st->u.moderation;
	static const char *const from[ACTION__MAX][4] = {
		[ACTION_APPROVE] = { "pending", "hidden", NULL },
		[ACTION_REJECT] = { "pending", "hidden", "visible", NULL },
		[ACTION_HIDE] = { "visible", "pending", NULL },
		[ACTION_RESTORE] = { "hidden", "rejected", NULL },
	};
	struct api_target	t;

	if (api_target(gd, resp, m->subject, "subject", &t) == -1)
		return -1;
	if (t.retracted)
		return api_not_visible(gd, resp, &t, st);
	if (live && !api_status_in(t.status, from[m->action])) {
		http_error(resp, 409, "no_change", "cannot %s an annotation "
		    "that is %s", stmt_action_name(m->action), t.status);
		return -1;
	}
	return 0;
}

/*
 * A decision about a key or a record's lock; live (ORIGIN_LIVE) may not
 * ban a key the configuration lists for a role.
 */
static int
api_check_subject(struct glossd *gd, struct http_response *resp,
    const struct stmt_moderation *m, int live)
{
	struct store_record	rec;
	char			state[16];
	const char		*role;
	enum store_rc		rc;
	int			closing, exact = 0;

	if (m->action == ACTION_LOCK || m->action == ACTION_UNLOCK) {
		memset(&rec, 0, sizeof rec);
		if ((rc = store_record(gd->store, m->subject, &rec)) ==
		    STORE_NOTFOUND) {
			http_error(resp, 422, "unknown_record", "there is no "
			    "record %s", m->subject);
			return -1;
		}
		if (rc == STORE_OK && (size_t)m->talk > rec.ntalks)
			http_error(resp, 422, "talk_out_of_range", "record %s "
			    "has %zu talks", m->subject, rec.ntalks);
		else if (rc == STORE_OK)
			rc = store_locked(gd->store, m->subject, m->talk,
			    &closing, &exact);
		store_record_clear(&rec);
		if (resp->status == 422)
			return -1;
		if (rc != STORE_OK) {
			api_store_error(resp, rc);
			return -1;
		}
		/* Exactly this record or talk, not what contains it. */
		if (exact == (m->action == ACTION_LOCK))
			return api_no_change(resp, exact ? "already locked" :
			    "not locked");
		return 0;
	}
	if (live && m->action == ACTION_BAN &&
	    (role = config_role(&gd->cfg, m->subject)) != NULL) {
		http_error(resp, 403, "has_role", "that key is a %s here: "
		    "only the configuration takes a role away", role);
		return -1;
	}
	if ((rc = store_key_state(gd->store, m->subject, state)) != STORE_OK) {
		api_store_error(resp, rc);
		return -1;
	}
	if (m->action == ACTION_BAN && strcmp(state, "banned") == 0)
		return api_no_change(resp, "that key is already banned");
	if (m->action == ACTION_UNBAN && strcmp(state, "banned") != 0)
		return api_no_change(resp, "that key is not banned");
	if (m->action == ACTION_TRUST && strcmp(state, "new") != 0)
		return api_no_change(resp, strcmp(state, "banned") == 0 ?
		    "unban that key first" : "that key is already trusted");
	return 0;
}

/*
 * A flag or a moderation decision, against the stored state; origin
 * (enum api_origin): an importer's replay takes a decision from a key
 * this glossd does not list as a moderator.  Returns 0 to store it, 1 for
 * a repeated flag (its id in existing), -1 refused.
 */
int
api_check_moderation(struct glossd *gd, struct http_response *resp,
    const struct statement *st, struct store_placement *place,
    char existing[GLOSS_ID_LEN + 1], int origin)
{
	const struct stmt_moderation	*m = &st->u.moderation;

	if (st->type == STMT_FLAG)
		return api_check_flag(gd, resp, st, place, existing,
		    origin == ORIGIN_LIVE);
	if (origin != ORIGIN_IMPORTER &&
	    !config_has_key(&gd->cfg.moderators, &st->key)) {
		http_error(resp, 403, "not_moderator", "only moderator keys "
		    "may decide");
		return -1;
	}
	switch (m->action) {
	case ACTION_APPROVE:
	case ACTION_REJECT:
	case ACTION_HIDE:
	case ACTION_RESTORE:
		return api_check_decision(gd, resp, st,
		    origin == ORIGIN_LIVE);
	default:
		return api_check_subject(gd, resp, m, origin == ORIGIN_LIVE);
	}
}

struct api_page {
	struct buf	*body;
	int		 limit;
	int		 n;
	int64_t		 last;
};

/* Start a page entry: a comma after the first; -1 once limit is reached. */
static int
api_page_item(struct api_page *p, int64_t seq)
{
	if (p->n == p->limit) {
		p->n++;			/* one more: there is a next page */
		return -1;
	}
	if (p->n++ > 0)
		buf_putc(p->body, ',');
	p->last = seq;
	return 0;
}

/* Open a page's answer: {"member":[ */
static void
api_page_begin(struct http_response *resp, const char *member)
{
	http_json(resp, 200);
	buf_printf(&resp->body, "{\"%s\":[", member);
}

/* Close it with its "next" cursor, or answer the store's failure. */
static void
api_page_end(struct http_response *resp, struct api_page *p,
    enum store_rc rc)
{
	if (rc != STORE_OK) {
		api_store_error(resp, rc);
		return;
	}
	buf_puts(p->body, "],\"next\":");
	if (p->n > p->limit)
		buf_printf(p->body, "\"%lld\"", (long long)p->last);
	else
		buf_puts(p->body, "null");
	buf_puts(p->body, "}\n");
}

/* ?after= and ?limit=; -1 with 400 in resp. */
static int
api_page_args(struct glossd *gd, struct http_request *req,
    struct http_response *resp, struct api_page *p, int64_t *after)
{
	int64_t	limit;

	limit = API_MOD_PAGE < gd->cfg.limits.page_max ? API_MOD_PAGE :
	    gd->cfg.limits.page_max;
	*after = 0;
	if (http_query_int(resp, req, "after", 0, GLOSS_MAX_SAFE_INT,
	    after) == -1 || http_query_int(resp, req, "limit", 1,
	    gd->cfg.limits.page_max, &limit) == -1)
		return -1;
	p->body = &resp->body;
	p->limit = (int)limit;
	return 0;
}

/* A flag as the flag list and the queue show it. */
static int
api_flag_cb(const struct store_flag *f, void *arg)
{
	struct api_page	*p = arg;

	if (api_page_item(p, f->seq) == -1)
		return -1;
	buf_printf(p->body, "{\"id\":\"%s\",\"seq\":%lld,\"subject\":\"%s\","
	    "\"author\":\"%s\",\"reason\":\"%s\"", f->id, (long long)f->seq,
	    f->subject, f->author, f->reason);
	api_member(p->body, "note", f->note);
	api_member(p->body, "status", f->status);
	buf_putc(p->body, '}');
	return 0;
}

struct api_queue {
	struct api_page	 page;
	struct store	*store;
	enum store_rc	 rc;		/* of reading an item's flags */
};

/*
 * A queued annotation with its flags (their notes are what a moderator
 * reads them for): its first API_QUEUE_FLAGS, read while the queue's
 * own statement is still stepping.
 */
static int
api_queue_cb(const struct store_annotation *a, void *arg)
{
	struct api_queue	*q = arg;
	struct buf		*body = q->page.body;
	struct api_page		 flags = { .body = body,
				    .limit = API_QUEUE_FLAGS };
	char			 first[21];

	if (api_page_item(&q->page, a->seq) == -1)
		return -1;
	timefmt_rfc3339((time_t)a->first_received, first);
	buf_puts(body, "{\"annotation\":");
	api_annotation_json(body, a);
	api_member(body, "flags", a->flags);
	buf_puts(body, ",\"flag_list\":[");
	q->rc = store_flags_of(q->store, a->id, API_QUEUE_FLAGS, api_flag_cb,
	    &flags);
	if (q->rc != STORE_OK)
		return -1;
	buf_printf(body, "],\"author_history\":{\"first_seen\":\"%s\","
	    "\"approved\":%lld,\"rejected\":%lld}}", first,
	    (long long)a->approved, (long long)a->rejected);
	return 0;
}

/* GET /v1/moderation/queue?record=&after=&limit= (moderators) */
void
api_get_queue(struct glossd *gd, struct http_request *req,
    struct http_response *resp)
{
	struct minisig_pubkey	 key;
	struct api_queue	 q = { .store = gd->store, .rc = STORE_OK };
	const char		*rid = http_query(req, "record");
	int64_t			 after;
	enum store_rc		 rc;

	if (auth_check(gd, req, resp, &gd->cfg.moderators, "not_moderator",
	    &key) == -1 ||
	    api_page_args(gd, req, resp, &q.page, &after) == -1)
		return;
	if (rid != NULL && !stmt_rid_valid(rid)) {
		http_error(resp, 400, "bad_query", "record is not a record id");
		return;
	}
	if (rid != NULL && api_record_known(gd, rid, resp) == -1)
		return;
	api_page_begin(resp, "queue");
	rc = store_queue(gd->store, rid, after, q.page.limit + 1,
	    api_queue_cb, &q);
	api_page_end(resp, &q.page, rc != STORE_OK ? rc : q.rc);
}

/* GET /v1/moderation/flags?after=&limit= (moderators) */
void
api_get_flags(struct glossd *gd, struct http_request *req,
    struct http_response *resp)
{
	struct minisig_pubkey	 key;
	struct api_page		 p = { 0 };
	int64_t			 after;
	enum store_rc		 rc;

	if (auth_check(gd, req, resp, &gd->cfg.moderators, "not_moderator",
	    &key) == -1 ||
	    api_page_args(gd, req, resp, &p, &after) == -1)
		return;
	api_page_begin(resp, "flags");
	rc = store_flags(gd->store, after, p.limit + 1, api_flag_cb,
	    &p);
	api_page_end(resp, &p, rc);
}

static int
api_decision_cb(const struct store_statement *row, void *arg)
{
	struct api_page	*p = arg;

	if (api_page_item(p, row->seq) == -1)
		return -1;
	api_statement_json(p->body, row, 1);
	return 0;
}

/* The decisions about subject (NULL: all), as a page. */
static void
api_decisions(struct glossd *gd, struct http_request *req,
    struct http_response *resp, const char *subject)
{
	struct api_page	p = { 0 };
	int64_t		after;
	enum store_rc	rc;

	if (api_page_args(gd, req, resp, &p, &after) == -1)
		return;
	api_page_begin(resp, "decisions");
	rc = store_decisions(gd->store, subject, after, p.limit + 1,
	    api_decision_cb, &p);
	api_page_end(resp, &p, rc);
}

/* GET /v1/moderation/log?after=&limit=: every decision, signed. */
void
api_get_modlog(struct glossd *gd, struct http_request *req,
    struct http_response *resp)
{
	api_decisions(gd, req, resp, NULL);
}

/* GET /v1/annotations/{id}/moderation: the decisions about one. */
void
api_get_moderation(struct glossd *gd, struct http_request *req,
    struct http_response *resp)
{
	const char	*id = http_param(req, "id");

	if (!stmt_id_valid(id)) {
		http_error(resp, 404, "not_found", "no annotation has that id");
		return;
	}
	api_decisions(gd, req, resp, id);
}

static int
api_mine_cb(const struct store_annotation *a, void *arg)
{
	struct api_page	*p = arg;

	if (api_page_item(p, a->seq) == -1)
		return -1;
	api_annotation_json(p->body, a);
	return 0;
}

/*
 * GET /v1/keys/{key}/annotations: every annotation of key whatever its
 * status, for that key's own signed request only.
 */
void
api_get_mine(struct glossd *gd, struct http_request *req,
    struct http_response *resp)
{
	struct minisig_pubkey	 key, signer;
	struct config_keys	 self = { &key, 1 };	/* only it may read */
	struct api_page		 p = { 0 };
	const char		*k = http_param(req, "key"), *errstr;
	int64_t			 after;
	enum store_rc		 rc;

	if (minisig_pubkey_parse(k, strlen(k), &key, &errstr) == -1) {
		http_error(resp, 404, "not_found", "that is not a public key");
		return;
	}
	if (auth_check(gd, req, resp, &self, "not_author", &signer) == -1)
		return;
	if (api_page_args(gd, req, resp, &p, &after) == -1)
		return;
	api_page_begin(resp, "annotations");
	rc = store_mine(gd->store, k, after, p.limit + 1, api_mine_cb,
	    &p);
	api_page_end(resp, &p, rc);
}
