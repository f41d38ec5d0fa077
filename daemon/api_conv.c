/*
 * api_conv.c: the rules for statements that act on an annotation or a key.
 *
 * A revision, retraction, endorsement or profile is only valid against
 * what is already stored: the annotation must exist, be its author's to
 * revise or retract, still be visible.  A revision's effect depends on the
 * whole chain, so the annotation's new state is folded here from the
 * original and every revision in (created, id) order, and the result must
 * pass the same record checks a new annotation does.
 */

#include <stdlib.h>
#include <string.h>

#include "glossd.h"

static int
api_target_cb(const struct store_annotation *a, void *arg)
{
	struct api_target	*t = arg;

	snprintf(t->id, sizeof t->id, "%s", a->id);
	snprintf(t->rid, sizeof t->rid, "%s", a->rid);
	snprintf(t->author, sizeof t->author, "%s", a->author);
	snprintf(t->root, sizeof t->root, "%s", a->root);
	snprintf(t->status, sizeof t->status, "%s", a->status);
	t->retracted = strcmp(a->status, "retracted") == 0;
	t->visible = strcmp(a->status, "visible") == 0;
	t->place.talk = a->talk;
	t->place.span_start = a->span_start;
	t->place.span_end = a->span_end;
	return 0;
}

/*
 * Find the annotation id that member names.  Returns 0, or -1 with the
 * answer in resp: 422 unknown_annotation (or revision_of_revision when
 * id is a revision) or a store error.
 */
int
api_target(struct glossd *gd, struct http_response *resp, const char *id,
    const char *member, struct api_target *t)
{
	char		 what[GLOSS_ID_LEN + 32];
	enum store_rc	 rc;

	memset(t, 0, sizeof *t);
	rc = store_annotation(gd->store, id, api_target_cb, t);
	if (rc == STORE_OK)
		return 0;
	if (rc != STORE_NOTFOUND) {
		api_store_error(resp, rc);
		return -1;
	}
	if (api_what_is(gd, id, what, sizeof what) == 1)
		http_error(resp, 422, "revision_of_revision", "%s names %s: "
		    "name the annotation itself", member, what);
	else
		http_error(resp, 422, "unknown_annotation", "%s names no "
		    "annotation", member);
	return -1;
}

struct api_what {
	struct buf	 text;
	int		 revision;
};

static int
api_what_cb(const struct store_statement *row, void *arg)
{
	struct api_what		*w = arg;
	struct statement	*st;

	if (strcmp(row->type, "revision") == 0 &&
	    (st = api_stored_statement(row)) != NULL) {
		buf_printf(&w->text, "a revision of %s", st->u.annotation.of);
		w->revision = 1;
		stmt_free(st);
	} else
		buf_printf(&w->text, "a statement of type %s", row->type);
	return 0;
}

/*
 * What the statement id is, for a message about an id that names no
 * annotation, in out: "a revision of ID", or "a statement of type TYPE".
 * 1 for a revision, 0 for another statement, -1 if it names no statement
 * either.  Every statement is public in the log, so this tells nothing
 * new.
 */
int
api_what_is(struct glossd *gd, const char *id, char *out, size_t len)
{
	struct api_what	w = { .revision = 0 };
	int		rc = -1;

	buf_init(&w.text);
	if (stmt_id_valid(id) && store_statement(gd->store, id, api_what_cb,
	    &w) == STORE_OK && w.text.len > 0) {
		snprintf(out, len, "%s", w.text.data);
		rc = w.revision;
	}
	buf_free(&w.text);
	return rc;
}

int
api_type_cb(const struct store_statement *row, void *arg)
{
	struct api_type	*t = arg;

	snprintf(t->type, sizeof t->type, "%s", row->type);
	snprintf(t->author, sizeof t->author, "%s", row->author);
	return 0;
}

/*
 * A stored statement as a struct statement again, or NULL (logged) if
 * its bytes no longer parse: the log was damaged behind glossd's back.
 */
struct statement *
api_stored_statement(const struct store_statement *row)
{
	struct statement	*st;
	struct jcs_err		 err;
	json_t			*root;
	const char		*code;
	char			*message;

	if ((root = jcs_parse(row->canonical, row->canonical_len, &err)) !=
	    NULL && (st = stmt_from_json(root, NULL, &code, &message)) !=
	    NULL)
		return st;
	log_warnx("stored statement %s no longer parses", row->id);
	if (root != NULL)
		free(message);
	return NULL;
}

static int
api_chain_cb(const struct store_statement *row, void *arg)
{
	struct api_chain	*c = arg;
	struct statement	*st;

	if ((st = api_stored_statement(row)) == NULL) {
		c->failed = 1;
		return -1;
	}
	c->st = xreallocarray(c->st, c->n + 1, sizeof *c->st);
	c->st[c->n++] = st;
	return 0;
}

static void
api_chain_free(struct api_chain *c)
{
	size_t	i;

	for (i = 0; i < c->n; i++)
		stmt_free(c->st[i]);
	free(c->st);
}

/* Chain order: created, then id. */
static int
api_chain_cmp(const void *a, const void *b)
{
	const struct statement	*x = *(const struct statement *const *)a;
	const struct statement	*y = *(const struct statement *const *)b;
	int			 c;

	if ((c = strcmp(x->created_text, y->created_text)) != 0)
		return c;
	return strcmp(x->id, y->id);
}

void
api_fold_free(struct api_fold *f)
{
	api_chain_free(&f->chain);
	free(f->links);
	memset(f, 0, sizeof *f);
}

/* One state of a chain: a reading keeps a link, times fit the record. */
static int
api_fold_check(struct http_response *resp, const struct store_record *rec,
    const struct stmt_annotation *state, struct store_placement *place)
{
	struct policy_verdict	v = { 0 };

	if (state->kind == KIND_READING && state->nlinks == 0) {
		http_error(resp, 422, "invalid_statement", "a reading needs "
		    "at least one link");
		return -1;
	}
	if (policy_annotation(rec, state, place, &v) == -1)
		return api_refuse(resp, &v);
	return 0;
}

/*
 * Whether two folded states of an annotation are the same: text, kind,
 * talk, time and links (those of the statements la and lb that last set
 * them).
 */
static int
api_fold_same(const struct stmt_annotation *a, const struct statement *la,
    const struct stmt_annotation *b, const struct statement *lb)
{
	return a->text_len == b->text_len &&
	    memcmp(a->text, b->text, a->text_len) == 0 && a->kind == b->kind &&
	    a->talk == b->talk && a->at_start == b->at_start &&
	    a->at_end == b->at_end && a->nlinks == b->nlinks &&
	    (a->nlinks == 0 || json_equal(json_object_get(la->root, "links"),
	    json_object_get(lb->root, "links")));
}

/*
 * Fold the chain of annotation t, with the new revision rev among the
 * stored ones, into its new state and place it against the record.  A
 * live revision that comes last and changes nothing is refused (409
 * no_change), as a decision that changes nothing is: it would only mark
 * the annotation edited.  The placement borrows from f and rev: free f
 * with api_fold_free only after the placement is used.  Returns 0 or -1
 * with the refusal in resp.
 */
static int
api_fold(struct glossd *gd, struct http_response *resp,
    const struct api_target *t, const struct statement *rev,
    struct store_placement *place, struct api_fold *f, int live)
{
	const struct statement	**order, *linked, *linked_before = NULL;
	struct stmt_annotation	  state, before;
	const struct stmt_annotation *r;
	struct store_record	  rec;
	struct buf		  b;
	struct jcs_err		  err;
	enum store_rc		  rc;
	size_t			  i, n;
	int			  bad = 0;

	memset(&rec, 0, sizeof rec);
	memset(&before, 0, sizeof before);
	rc = store_statement(gd->store, t->id, api_chain_cb, &f->chain);
	if (rc == STORE_OK)
		rc = store_revisions(gd->store, t->id, api_chain_cb, &f->chain);
	if (rc != STORE_OK || f->chain.failed || f->chain.n == 0) {
		api_store_error(resp, rc == STORE_OK ? STORE_ERROR : rc);
		return -1;
	}
	n = f->chain.n;			/* the stored revisions and rev */
	order = xcalloc(n, sizeof *order);
	for (i = 1; i < f->chain.n; i++)
		order[i - 1] = f->chain.st[i];
	order[n - 1] = rev;
	qsort(order, n, sizeof *order, api_chain_cmp);

	if ((rc = store_record(gd->store, t->rid, &rec)) != STORE_OK) {
		free(order);
		api_store_error(resp, rc == STORE_NOTFOUND ? STORE_ERROR : rc);
		return -1;
	}
	/*
	 * The state rev itself leaves (its own effect, wherever it sorts)
	 * and the state at the end of the chain must both be valid.
	 */
	state = f->chain.st[0]->u.annotation;
	linked = f->chain.st[0];
	for (i = 0; i < n && !bad; i++) {
		r = &order[i]->u.annotation;
		if (order[i] == rev && i == n - 1) {
			before = state;
			linked_before = linked;
		}
		state.text = r->text;
		state.text_len = r->text_len;
		if (r->has_kind)
			state.kind = r->kind;
		if (r->talk != 0)
			state.talk = r->talk;
		if (r->at_start != -1) {
			state.at_start = r->at_start;
			state.at_end = r->at_end;
		}
		if (r->has_links) {
			state.nlinks = r->nlinks;
			linked = order[i];
		}
		if (order[i] == rev || i == n - 1)
			bad = api_fold_check(resp, &rec, &state, place) == -1;
	}
	free(order);
	store_record_clear(&rec);
	if (bad)
		return -1;
	if (live && linked_before != NULL &&
	    api_fold_same(&before, linked_before, &state, linked)) {
		http_error(resp, 409, "no_change", "the revision changes "
		    "nothing: its text, kind, place and links are the "
		    "annotation's now");
		return -1;
	}
	if (state.nlinks > 0) {
		buf_init(&b);
		if (jcs_serialize(json_object_get(linked->root, "links"), &b,
		    &err) == -1) {
			buf_free(&b);
			api_store_error(resp, STORE_ERROR);
			return -1;
		}
		f->links = buf_take(&b);
	}
	/* A reply placed by its parent stays there. */
	if (state.reply_to != NULL && state.talk == 0 && state.at_start == -1) {
		place->talk = t->place.talk;
		place->span_start = t->place.span_start;
		place->span_end = t->place.span_end;
	}
	snprintf(place->rid, sizeof place->rid, "%s", t->rid);
	snprintf(place->status, sizeof place->status, "%s", t->status);
	place->kind = state.kind;
	place->at_start = state.at_start;
	place->at_end = state.at_end;
	place->text = state.text;
	place->text_len = state.text_len;
	place->links = f->links;
	return 0;
}

static int
api_not_author(struct http_response *resp, const char *what)
{
	http_error(resp, 403, "not_author", "only the author may %s", what);
	return -1;
}

static int
api_retracted(struct http_response *resp)
{
	http_error(resp, 409, "retracted", "that annotation was retracted");
	return -1;
}

/*
 * Whether st's key may know how t, an annotation the public cannot see,
 * stands: its author's or a moderator's, as for a read (api_find).
 */
int
api_may_see(struct glossd *gd, const struct api_target *t,
    const struct statement *st)
{
	return strcmp(t->author, st->author) == 0 ||
	    config_has_key(&gd->cfg.moderators, &st->key);
}

/*
 * Whether a statement may act on annotation t (reply to it, endorse,
 * flag or review a link of it): a visible one; on a replay, any that is
 * not retracted.  Whether an annotation waits or is hidden follows the
 * moderation settings of the glossd that holds it, and a replay brings
 * what its source took under its own (design 3.1); a retraction is in the
 * log itself.
 */
int
api_may_act(const struct api_target *t, int replay)
{
	return t->visible || (replay && !t->retracted);
}

/*
 * Refuse st acting on t, an annotation the public cannot see: its author
 * and moderators are told its status (409 not_visible); for any other key
 * it does not exist, as for a read (404, api_find).  A retraction is
 * public: 409 retracted.
 */
int
api_not_visible(struct glossd *gd, struct http_response *resp,
    const struct api_target *t, const struct statement *st)
{
	if (t->retracted)
		return api_retracted(resp);
	if (api_may_see(gd, t, st))
		http_error(resp, 409, "not_visible", "that annotation is %s",
		    t->status);
	else
		http_error(resp, 404, "not_found", "no visible annotation "
		    "has that id");
	return -1;
}

/* A retraction: of an annotation, or of an endorsement, by its author. */
static int
api_check_retraction(struct glossd *gd, struct http_response *resp,
    const struct statement *st)
{
	const char		*of = st->u.retraction.of;
	struct api_target	 t;
	struct api_type		 type = { "", "" };
	struct api_chain	 chain = { NULL, 0, 0 };
	char			 id[GLOSS_ID_LEN + 1];
	enum store_rc		 rc;
	int			 ok = -1;

	rc = store_statement(gd->store, of, api_type_cb, &type);
	if (rc == STORE_NOTFOUND) {
		http_error(resp, 422, "unknown_statement", "of names no "
		    "statement");
		return -1;
	}
	if (rc != STORE_OK) {
		api_store_error(resp, rc);
		return -1;
	}
	if (strcmp(type.author, st->author) != 0)
		return api_not_author(resp, "retract a statement");
	if (strcmp(type.type, "annotation") == 0) {
		if (api_target(gd, resp, of, "of", &t) == -1)
			return -1;
		return t.retracted ? api_retracted(resp) : 0;
	}
	if (strcmp(type.type, "endorse") != 0) {
		http_error(resp, 422, "not_retractable", "only annotations "
		    "and endorsements can be retracted");
		return -1;
	}
	/* The endorsement must still stand: find its subject. */
	if ((rc = store_statement(gd->store, of, api_chain_cb, &chain)) !=
	    STORE_OK || chain.failed) {
		api_store_error(resp, rc == STORE_OK ? STORE_ERROR : rc);
		goto out;
	}
	rc = store_endorsement(gd->store, chain.st[0]->u.endorse.subject,
	    st->author, id);
	if (rc == STORE_OK && strcmp(id, of) == 0)
		ok = 0;
	else if (rc == STORE_OK || rc == STORE_NOTFOUND)
		http_error(resp, 409, "not_endorsed", "that endorsement was "
		    "already taken back");
	else
		api_store_error(resp, rc);
out:
	api_chain_free(&chain);
	return ok;
}

/*
 * An endorsement or its withdrawal, of an annotation it may act on
 * (api_may_act, replay when not live); live (ORIGIN_LIVE) holds an
 * endorsement to policy_judge.  A second endorsement of the same
 * annotation by the same key answers 1 with the first one's id in
 * existing: nothing is stored.
 */
static int
api_check_endorse(struct glossd *gd, struct http_response *resp,
    const struct statement *st, char existing[GLOSS_ID_LEN + 1], int live)
{
	const char		*subject = st->u.endorse.subject;
	struct api_target	 t;
	struct policy_verdict	 v = { 0 };
	enum store_rc		 rc;

	if (api_target(gd, resp, subject, "subject", &t) == -1)
		return -1;
	if (policy_judge(st, t.author, live, &v) == -1)
		return api_refuse(resp, &v);
	rc = store_endorsement(gd->store, subject, st->author, existing);
	if (rc != STORE_OK && rc != STORE_NOTFOUND) {
		api_store_error(resp, rc);
		return -1;
	}
	if (st->type == STMT_UNENDORSE) {
		if (rc == STORE_OK)
			return 0;
		http_error(resp, 409, "not_endorsed", "that key does not "
		    "endorse that annotation");
		return -1;
	}
	if (!api_may_act(&t, !live))
		return api_not_visible(gd, resp, &t, st);
	return rc == STORE_OK ? 1 : 0;
}

/*
 * A profile: live, its name is held to stmt_name_fault's rules, which a
 * replayed log's older names may break.
 */
static int
api_check_profile(struct http_response *resp, const struct statement *st,
    int live)
{
	const char	*fault = live ? stmt_name_fault(st->u.profile.name) :
			    NULL;

	if (fault == NULL)
		return 0;
	http_error(resp, 422, "invalid_statement", "%s", fault);
	return -1;
}

/*
 * Check a revision, retraction, endorse, unendorse or profile against
 * what is stored, filling place (and f, for a revision); origin (enum
 * api_origin) says what the POST is exempt from.  Returns 0 to store it,
 * 1 when it is a repeat that changes nothing (the id it repeats in
 * existing), -1 with the refusal in resp.
 */
int
api_check_conversation(struct glossd *gd, struct http_response *resp,
    const struct statement *st, struct store_placement *place,
    struct api_fold *f, char existing[GLOSS_ID_LEN + 1], int origin)
{
	struct api_target	t;

	switch (st->type) {
	case STMT_REVISION:
		if (api_target(gd, resp, st->u.annotation.of, "of", &t) == -1)
			return -1;
		if (strcmp(t.author, st->author) != 0)
			return api_not_author(resp, "revise an annotation");
		if (t.retracted)
			return api_retracted(resp);
		return api_fold(gd, resp, &t, st, place, f,
		    origin == ORIGIN_LIVE);
	case STMT_RETRACTION:
		return api_check_retraction(gd, resp, st);
	case STMT_ENDORSE:
	case STMT_UNENDORSE:
		return api_check_endorse(gd, resp, st, existing,
		    origin == ORIGIN_LIVE);
	case STMT_PROFILE:
		return api_check_profile(resp, st, origin == ORIGIN_LIVE);
	case STMT_FLAG:
	case STMT_MODERATION:
		return api_check_moderation(gd, resp, st, place, existing,
		    origin);
	case STMT_LINK_REVIEW:
		return api_check_link_review(gd, resp, st,
		    origin != ORIGIN_LIVE);
	default:
		http_error(resp, 422, "unsupported_type", "that statement type "
		    "is not accepted");
		return -1;
	}
}
