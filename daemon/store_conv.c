/*
 * store_conv.c: annotations and the conversation around them in SQLite.
 *
 * The second half of the store (see store_int.h): an annotation's row,
 * the revisions that amend it, its retraction, endorsements, the profiles
 * that name its author, threads and full-text search.  Counters and the
 * search index follow these rows by triggers (migrations/0002), so the
 * code here only writes the rows themselves.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/*
 * The annotation's view row for st, appended as seq, placed by pl (and
 * pending or visible as pl says; triggers count the visible ones).
 * STORE_NOTFOUND if the record does not exist.
 */
enum store_rc
store_append_annotation(struct store *s, const struct statement *st,
    const struct store_placement *pl, int64_t seq)
{
	const struct stmt_annotation	*a = &st->u.annotation;
	const enum store_sql		 q = SQL_ANNOTATION_INSERT;
	json_t				*links;
	struct buf			 lb;
	struct jcs_err			 err;
	enum store_rc			 rc;
	int				 row;

	if (pl == NULL) {
		log_warnx("store: annotation %s without a placement", st->id);
		return STORE_ERROR;
	}
	if ((rc = store_record_exists(s, a->record)) != STORE_OK)
		return rc;

	buf_init(&lb);
	if ((links = json_object_get(st->root, "links")) != NULL &&
	    jcs_serialize(links, &lb, &err) == -1) {
		log_warnx("store: annotation %s: links: %s", st->id,
		    err.message);
		buf_free(&lb);
		return STORE_ERROR;
	}
	store_bind_int(s, q, 1, seq);
	store_bind_str(s, q, 2, st->id);
	store_bind_str(s, q, 3, a->record);
	store_bind_str(s, q, 4, stmt_kind_name(a->kind));
	store_bind_str(s, q, 5, st->author);
	store_bind_str(s, q, 6, st->created_text);
	store_bind_int(s, q, 7, pl->talk);
	store_bind_opt(s, q, 8, a->at_start);
	store_bind_opt(s, q, 9, a->at_end);
	store_bind_int(s, q, 10, pl->span_start);
	store_bind_int(s, q, 11, pl->span_end);
	store_bind_text(s, q, 12, a->text, a->text_len);
	store_bind_text(s, q, 13, links != NULL ? lb.data : NULL, lb.len);
	store_bind_str(s, q, 14, a->reply_to);
	store_bind_str(s, q, 15, pl->pending ? "pending" : "visible");
	rc = store_step(s, q, &row);
	store_reset(s, q);
	buf_free(&lb);
	return rc;
}


/*
 * The view rows of a conversation statement appended as seq: a revision's
 * row and the annotation's new state (pl, folded from the whole chain by
 * the caller), a retraction of an annotation or of an endorsement, an
 * endorsement given or taken back, a profile.  STORE_NOTFOUND when the
 * statement acts on nothing (the caller checked; a race cannot happen in
 * one transaction, so that means a damaged database).
 */
enum store_rc
store_append_conversation(struct store *s, const struct statement *st,
    const struct store_placement *pl, int64_t seq, int64_t received)
{
	const struct stmt_annotation	*a = &st->u.annotation;
	const struct stmt_endorse	*e = &st->u.endorse;
	const struct stmt_profile	*p = &st->u.profile;
	enum store_sql			 q;
	enum store_rc			 rc;

	switch (st->type) {
	case STMT_REVISION:
		if (pl == NULL)
			return STORE_ERROR;
		q = SQL_REVISION_INSERT;
		store_bind_int(s, q, 1, seq);
		store_bind_str(s, q, 2, st->id);
		store_bind_str(s, q, 3, a->of);
		store_bind_str(s, q, 4, st->created_text);
		if ((rc = store_changed(s, q)) != STORE_OK)
			return rc;
		q = SQL_ANNOTATION_REVISE;
		store_bind_str(s, q, 1, a->of);
		store_bind_str(s, q, 2, stmt_kind_name(pl->kind));
		store_bind_int(s, q, 3, pl->talk);
		store_bind_opt(s, q, 4, pl->at_start);
		store_bind_opt(s, q, 5, pl->at_end);
		store_bind_int(s, q, 6, pl->span_start);
		store_bind_int(s, q, 7, pl->span_end);
		store_bind_text(s, q, 8, pl->text, pl->text_len);
		store_bind_str(s, q, 9, pl->links);
		store_bind_int(s, q, 10, pl->pending);
		return store_changed(s, q);
	case STMT_RETRACTION:
		q = SQL_ANNOTATION_RETRACT;
		store_bind_str(s, q, 1, st->u.retraction.of);
		store_bind_str(s, q, 2, st->id);
		if ((rc = store_changed(s, q)) != STORE_NOTFOUND)
			return rc;
		store_bind_str(s, SQL_ENDORSE_RETRACT, 1, st->u.retraction.of);
		return store_changed(s, SQL_ENDORSE_RETRACT);
	case STMT_ENDORSE:
		q = SQL_ENDORSE_INSERT;
		store_bind_str(s, q, 1, e->subject);
		store_bind_str(s, q, 2, st->author);
		store_bind_str(s, q, 3, st->id);
		return store_changed(s, q);
	case STMT_UNENDORSE:
		q = SQL_ENDORSE_DELETE;
		store_bind_str(s, q, 1, e->subject);
		store_bind_str(s, q, 2, st->author);
		return store_changed(s, q);
	case STMT_FLAG:
	case STMT_MODERATION:
		return store_append_moderation(s, st, pl, seq, received);
	case STMT_LINK_REVIEW:
		return store_append_link_review(s, st, seq);
	case STMT_PROFILE:
		/* An older profile than the current one changes nothing. */
		q = SQL_PROFILE;
		store_bind_str(s, q, 1, st->author);
		store_bind_str(s, q, 2, p->name);
		store_bind_str(s, q, 3, p->url);
		store_bind_str(s, q, 4, p->about);
		store_bind_str(s, q, 5, st->id);
		store_bind_str(s, q, 6, st->created_text);
		rc = store_changed(s, q);
		return rc == STORE_NOTFOUND ? STORE_OK : rc;
	default:
		log_warnx("store: statement type %d has no view", st->type);
		return STORE_ERROR;
	}
}

/*
 * Call cb for each row statement q yields (its columns are
 * ANNOTATION_COLUMNS, then for SQL_SEARCH the snippet, for SQL_QUEUE the
 * author's history and the flag reasons, for SQL_FEED when it was last
 * updated), then reset q.
 * A cb returning -1 stops the walk; that is still STORE_OK.
 */
enum store_rc
store_annotation_rows(struct store *s, enum store_sql q,
    store_annotation_cb cb, void *arg)
{
	struct store_annotation	a;
	enum store_rc		rc;
	int			row;

	while ((rc = store_step(s, q, &row)) == STORE_OK && row) {
		memset(&a, 0, sizeof a);
		a.seq = store_int(s, q, 0);
		a.id = store_text(s, q, 1);
		a.rid = store_text(s, q, 2);
		a.kind = store_text(s, q, 3);
		a.author = store_text(s, q, 4);
		a.created = store_text(s, q, 5);
		a.talk = (int)store_int(s, q, 6);
		a.at_start = store_opt(s, q, 7);
		a.at_end = store_opt(s, q, 8);
		a.span_start = store_int(s, q, 9);
		a.span_end = store_int(s, q, 10);
		a.text = store_text(s, q, 11);
		a.text_len = (size_t)sqlite3_column_bytes(s->stmts[q], 11);
		a.links = store_text(s, q, 12);
		a.reply_to = store_text(s, q, 13);
		a.status = store_text(s, q, 14);
		a.root = store_text(s, q, 15);
		a.revisions = store_int(s, q, 16);
		a.replies = store_int(s, q, 17);
		a.endorsements = store_int(s, q, 18);
		a.retraction = store_text(s, q, 19);
		a.name = store_text(s, q, 20);
		if (q == SQL_SEARCH)
			a.snippet = store_text(s, q, 21);
		if (q == SQL_FEED)
			a.updated = store_text(s, q, 21);
		if (q == SQL_ANNOTATION || q == SQL_MINE)
			a.reason = store_text(s, q, 21);
		if (q == SQL_QUEUE) {
			a.approved = store_int(s, q, 21);
			a.rejected = store_int(s, q, 22);
			a.first_received = store_int(s, q, 23);
			a.flags = store_text(s, q, 24);
		}
		if (cb(&a, arg) == -1)
			break;
	}
	store_reset(s, q);
	return rc;
}

/*
 * Where talk of rid lies in the listing index: its annotations start in
 * [*lo, *hi) (migrations/0014), the whole record for talk 0, nothing for
 * a talk that does not exist.
 */
static enum store_rc
store_talk_range(struct store *s, const char *rid, int talk, int64_t *lo,
    int64_t *hi)
{
	enum store_rc	rc;
	int		row;

	*lo = 0;
	*hi = INT64_MAX;
	if (talk == 0)
		return STORE_OK;
	*hi = 0;
	store_bind_str(s, SQL_TALK_SPAN, 1, rid);
	store_bind_int(s, SQL_TALK_SPAN, 2, talk);
	if ((rc = store_step(s, SQL_TALK_SPAN, &row)) == STORE_OK && row) {
		*lo = store_int(s, SQL_TALK_SPAN, 0);
		*hi = store_int(s, SQL_TALK_SPAN, 1);
	}
	store_reset(s, SQL_TALK_SPAN);
	return rc;
}

/*
 * Call cb for each visible annotation of q->rid that passes q's filters,
 * in (span_start, seq) order from just after the cursor (q->after_span,
 * q->after_seq), at most q->limit rows (none when limit <= 0).  Filters:
 * q->talk > 0 that talk; q->from >= 0 a time query, rows on a talk (not
 * the whole record) whose span [span_start, span_end) overlaps
 * [q->from, q->to], q->to included (the caller sets to, INT64_MAX for
 * "to the end"); q->kind and q->author when not NULL.  Pointers are
 * borrowed for the call.  A cb returning -1 stops the walk; that is still
 * STORE_OK.  Callbacks must not call into the store.
 */
enum store_rc
store_annotations(struct store *s, const struct store_query *qr,
    store_annotation_cb cb, void *arg)
{
	const enum store_sql	 q = SQL_ANNOTATIONS;
	int			 timed = qr->from >= 0;
	int64_t			 lo, hi, span, seq, to;
	enum store_rc		 rc;

	if (qr->limit <= 0)
		return STORE_OK;
	if ((rc = store_talk_range(s, qr->rid, qr->talk > 0 ? qr->talk : 0,
	    &lo, &hi)) != STORE_OK)
		return rc;
	/* The range starts at the cursor or the talk, whichever is later. */
	span = qr->after_span < lo ? lo : qr->after_span;
	seq = qr->after_span < lo ? -1 : qr->after_seq;
	to = timed ? qr->to : INT64_MAX;
	if (to > hi - 1)
		to = hi - 1;
	store_bind_str(s, q, 1, qr->rid);
	store_bind_int(s, q, 2, span);
	store_bind_int(s, q, 3, seq);
	store_bind_int(s, q, 4, to);
	store_bind_int(s, q, 5, timed ? qr->from : -1);
	store_bind_int(s, q, 6, timed);
	store_bind_int(s, q, 7, qr->talk > 0 ? qr->talk : 0);
	store_bind_str(s, q, 8, qr->kind);
	store_bind_str(s, q, 9, qr->author);
	store_bind_int(s, q, 10, qr->limit);
	return store_annotation_rows(s, q, cb, arg);
}

/*
 * The ids of rid's visible annotations on talk (0: all talks) in the
 * listing's order, (span_start, seq), from the offset-th on: at most max
 * into ids, how many in *n.  For pages by offset (W3C containers), which
 * cost an index walk to the offset, not a read of every row before it.
 */
enum store_rc
store_listing_page(struct store *s, const char *rid, int talk,
    int64_t offset, int max, char (*ids)[GLOSS_ID_LEN + 1], int *n)
{
	const enum store_sql	 q = SQL_LISTING_PAGE;
	enum store_rc		 rc;
	int64_t			 lo, hi;
	int			 row;

	*n = 0;
	if ((rc = store_talk_range(s, rid, talk, &lo, &hi)) != STORE_OK)
		return rc;
	store_bind_str(s, q, 1, rid);
	store_bind_int(s, q, 2, max);
	store_bind_int(s, q, 3, offset);
	store_bind_int(s, q, 4, talk);
	store_bind_int(s, q, 5, lo);
	store_bind_int(s, q, 6, hi);
	while (*n < max && (rc = store_step(s, q, &row)) == STORE_OK && row) {
		snprintf(ids[*n], GLOSS_ID_LEN + 1, "%s", store_text(s, q, 0));
		(*n)++;
	}
	store_reset(s, q);
	return rc;
}

/* How many visible annotations talk of rid has, into *n. */
enum store_rc
store_talk_count(struct store *s, const char *rid, int talk, int64_t *n)
{
	enum store_rc	rc;
	int64_t		lo, hi;
	int		row;

	*n = 0;
	if ((rc = store_talk_range(s, rid, talk, &lo, &hi)) != STORE_OK)
		return rc;
	store_bind_str(s, SQL_TALK_COUNT, 1, rid);
	store_bind_int(s, SQL_TALK_COUNT, 2, talk);
	store_bind_int(s, SQL_TALK_COUNT, 3, lo);
	store_bind_int(s, SQL_TALK_COUNT, 4, hi);
	if ((rc = store_step(s, SQL_TALK_COUNT, &row)) == STORE_OK && row)
		*n = store_int(s, SQL_TALK_COUNT, 0);
	store_reset(s, SQL_TALK_COUNT);
	return rc;
}

/*
 * Call cb for each visible annotation of q->rid, on talk q->talk (0 any)
 * and of kind q->kind (NULL any), newest first by updated (then by seq),
 * at most q->limit.  The other members of q are not used.  Walks as
 * store_annotations does.
 */
enum store_rc
store_feed(struct store *s, const struct store_query *qr,
    store_annotation_cb cb, void *arg)
{
	store_bind_str(s, SQL_FEED, 1, qr->rid);
	store_bind_int(s, SQL_FEED, 2, qr->talk);
	store_bind_str(s, SQL_FEED, 3, qr->kind);
	store_bind_int(s, SQL_FEED, 4, qr->limit);
	return store_annotation_rows(s, SQL_FEED, cb, arg);
}

struct store_found {
	store_annotation_cb	 cb;
	void			*arg;
	int			 found;
};

static int
store_found_cb(const struct store_annotation *a, void *arg)
{
	struct store_found	*f = arg;

	f->found = 1;
	return f->cb(a, f->arg);
}

/*
 * Call cb once with annotation id in its current state, whatever its
 * status.  STORE_NOTFOUND if no annotation has that id.
 */
enum store_rc
store_annotation(struct store *s, const char *id, store_annotation_cb cb,
    void *arg)
{
	struct store_found	f = { cb, arg, 0 };
	enum store_rc		rc;

	store_bind_str(s, SQL_ANNOTATION, 1, id);
	rc = store_annotation_rows(s, SQL_ANNOTATION, store_found_cb, &f);
	return rc == STORE_OK && !f.found ? STORE_NOTFOUND : rc;
}

/*
 * Call cb for each annotation of the thread whose top annotation is root,
 * in arrival order (a reply always after its parent), at most limit.
 */
enum store_rc
store_thread(struct store *s, const char *root, int limit,
    store_annotation_cb cb, void *arg)
{
	store_bind_str(s, SQL_THREAD, 1, root);
	store_bind_int(s, SQL_THREAD, 2, limit);
	return store_annotation_rows(s, SQL_THREAD, cb, arg);
}

/*
 * Call cb for each visible annotation matching q->match (an FTS5 query:
 * the caller makes user input safe), best first, with a snippet.
 */
enum store_rc
store_search(struct store *s, const struct store_search *q,
    store_annotation_cb cb, void *arg)
{
	enum store_rc	rc;

	if ((rc = store_search_ready(s)) != STORE_OK)
		return rc;
	store_bind_str(s, SQL_SEARCH, 1, q->match);
	store_bind_str(s, SQL_SEARCH, 2, q->rid);
	store_bind_str(s, SQL_SEARCH, 3, q->kind);
	store_bind_int(s, SQL_SEARCH, 4, q->limit);
	store_bind_int(s, SQL_SEARCH, 5, q->offset);
	return store_annotation_rows(s, SQL_SEARCH, cb, arg);
}

/*
 * Call cb with the log row of each revision of annotation of, in chain
 * order (created, then id).
 */
enum store_rc
store_revisions(struct store *s, const char *of, store_statement_cb cb,
    void *arg)
{
	store_bind_str(s, SQL_REVISIONS, 1, of);
	return store_statement_rows(s, SQL_REVISIONS, cb, arg);
}

/*
 * The id of author's endorsement of subject into id; STORE_NOTFOUND if
 * there is none.
 */
enum store_rc
store_endorsement(struct store *s, const char *subject, const char *author,
    char id[GLOSS_ID_LEN + 1])
{
	enum store_rc	rc;
	int		row;

	id[0] = '\0';
	store_bind_str(s, SQL_ENDORSEMENT, 1, subject);
	store_bind_str(s, SQL_ENDORSEMENT, 2, author);
	if ((rc = store_step(s, SQL_ENDORSEMENT, &row)) == STORE_OK) {
		if (!row)
			rc = STORE_NOTFOUND;
		else if (store_copy(id, GLOSS_ID_LEN + 1,
		    store_text(s, SQL_ENDORSEMENT, 0)) == -1)
			rc = STORE_ERROR;
	}
	store_reset(s, SQL_ENDORSEMENT);
	return rc;
}

/* Call cb once with key; STORE_NOTFOUND if it never signed anything. */
enum store_rc
store_key(struct store *s, const char *key, store_key_cb cb, void *arg)
{
	struct store_key	k;
	enum store_rc		rc;
	int			row;

	store_bind_str(s, SQL_KEY, 1, key);
	if ((rc = store_step(s, SQL_KEY, &row)) == STORE_OK) {
		if (!row)
			rc = STORE_NOTFOUND;
		else {
			memset(&k, 0, sizeof k);
			k.key = store_text(s, SQL_KEY, 0);
			k.first_received = store_int(s, SQL_KEY, 1);
			k.statements = store_int(s, SQL_KEY, 2);
			k.name = store_text(s, SQL_KEY, 3);
			k.url = store_text(s, SQL_KEY, 4);
			k.about = store_text(s, SQL_KEY, 5);
			k.profile = store_text(s, SQL_KEY, 6);
			k.annotations = store_int(s, SQL_KEY, 7);
			k.state = store_text(s, SQL_KEY, 8);
			(void)cb(&k, arg);
		}
	}
	store_reset(s, SQL_KEY);
	return rc;
}
