/*
 * store_mod.c: moderation in SQLite: flags, decisions, key states, locks,
 * and the queue moderators work through.
 *
 * The third file of the store (see store_int.h).  A decision's effect is
 * written here in the same transaction as the decision itself, and the
 * visibility triggers of migrations/0003 keep every count in step, so the
 * state after replaying the log is the state before it.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* Bind the first parameter and step: a write of one subject. */
static enum store_rc
store_one(struct store *s, enum store_sql q, const char *subject)
{
	store_bind_str(s, q, 1, subject);
	return store_changed(s, q);
}

/* An annotation's status; a replay may find it set already. */
static enum store_rc
store_set_status(struct store *s, const char *id, const char *status)
{
	enum store_rc	rc;

	store_bind_str(s, SQL_SET_STATUS, 1, id);
	store_bind_str(s, SQL_SET_STATUS, 2, status);
	rc = store_changed(s, SQL_SET_STATUS);
	return rc == STORE_NOTFOUND ? STORE_OK : rc;
}

static enum store_rc
store_set_key_state(struct store *s, const char *key, const char *state,
    int64_t seq, int64_t received)
{
	store_bind_str(s, SQL_KEY_SET_STATE, 1, key);
	store_bind_str(s, SQL_KEY_SET_STATE, 2, state);
	store_bind_int(s, SQL_KEY_SET_STATE, 3, seq);
	store_bind_int(s, SQL_KEY_SET_STATE, 4, received);
	return store_changed(s, SQL_KEY_SET_STATE);
}

/* What a decision does to its subject, after the caller checked it. */
static enum store_rc
store_decide(struct store *s, const struct statement *st, int64_t seq,
    int64_t received)
{
	const struct stmt_moderation	*m = &st->u.moderation;
	enum store_rc			 rc;

	switch (m->action) {
	case ACTION_APPROVE:
		if ((rc = store_set_status(s, m->subject, "visible")) !=
		    STORE_OK)
			return rc;
		return store_one(s, SQL_KEY_APPROVED, m->subject);
	case ACTION_REJECT:
		if ((rc = store_set_status(s, m->subject, "rejected")) !=
		    STORE_OK)
			return rc;
		return store_one(s, SQL_KEY_REJECTED, m->subject);
	case ACTION_HIDE:
		return store_set_status(s, m->subject, "hidden");
	case ACTION_RESTORE:
		/* Shown again, even from a status only a replay meets. */
		if ((rc = store_set_status(s, m->subject, "visible")) !=
		    STORE_OK)
			return rc;
		rc = store_one(s, SQL_SHOWN_AGAIN, m->subject);
		return rc == STORE_NOTFOUND ? STORE_OK : rc;
	case ACTION_BAN:
		if ((rc = store_set_key_state(s, m->subject, "banned", seq,
		    received)) != STORE_OK)
			return rc;
		rc = store_one(s, SQL_BAN_HIDE, m->subject);
		return rc == STORE_NOTFOUND ? STORE_OK : rc;
	case ACTION_UNBAN:
		return store_set_key_state(s, m->subject, "new", seq,
		    received);
	case ACTION_TRUST:
		return store_set_key_state(s, m->subject, "trusted", seq,
		    received);
	case ACTION_LOCK:
		store_bind_str(s, SQL_LOCK, 1, m->subject);
		store_bind_int(s, SQL_LOCK, 2, m->talk);
		store_bind_str(s, SQL_LOCK, 3, st->id);
		return store_changed(s, SQL_LOCK);
	case ACTION_UNLOCK:
		store_bind_str(s, SQL_UNLOCK, 1, m->subject);
		store_bind_int(s, SQL_UNLOCK, 2, m->talk);
		rc = store_changed(s, SQL_UNLOCK);
		return rc == STORE_NOTFOUND ? STORE_OK : rc;
	default:
		return STORE_ERROR;
	}
}

/*
 * The view rows of a flag (and the subject hidden when pl->hide says the
 * flags reach the limit) or of a moderation decision and its effect.
 */
enum store_rc
store_append_moderation(struct store *s, const struct statement *st,
    const struct store_placement *pl, int64_t seq, int64_t received)
{
	const struct stmt_flag		*f = &st->u.flag;
	const struct stmt_moderation	*m = &st->u.moderation;
	const enum store_sql		 q = st->type == STMT_FLAG ?
					    SQL_FLAG_INSERT :
					    SQL_DECISION_INSERT;
	enum store_rc			 rc;

	if (st->type == STMT_FLAG) {
		store_bind_str(s, q, 1, f->subject);
		store_bind_str(s, q, 2, st->author);
		store_bind_str(s, q, 3, st->id);
		store_bind_int(s, q, 4, seq);
		store_bind_str(s, q, 5, f->reason);
		store_bind_str(s, q, 6, f->note);
		if ((rc = store_changed(s, q)) != STORE_OK ||
		    pl == NULL || !pl->hide)
			return rc;
		rc = store_one(s, SQL_FLAG_HIDE, f->subject);
		return rc == STORE_NOTFOUND ? STORE_OK : rc;
	}
	store_bind_int(s, q, 1, seq);
	store_bind_str(s, q, 2, st->id);
	store_bind_str(s, q, 3, stmt_action_name(m->action));
	store_bind_str(s, q, 4, m->subject);
	store_bind_int(s, q, 5, m->talk);
	store_bind_str(s, q, 6, m->reason);
	store_bind_str(s, q, 7, st->author);
	if ((rc = store_changed(s, q)) != STORE_OK)
		return rc;
	return store_decide(s, st, seq, received);
}

/* A key's state (new, trusted, banned); "new" for a key never seen. */
enum store_rc
store_key_state(struct store *s, const char *key, char state[16])
{
	enum store_rc	rc;
	int		row;

	snprintf(state, 16, "new");
	store_bind_str(s, SQL_KEY_STATE, 1, key);
	if ((rc = store_step(s, SQL_KEY_STATE, &row)) == STORE_OK && row)
		snprintf(state, 16, "%s", store_text(s, SQL_KEY_STATE, 0));
	store_reset(s, SQL_KEY_STATE);
	return rc;
}

/*
 * What closes talk of record rid: *closing 0 when the whole record is
 * locked, the talk when only it is, -1 when neither is; *exact whether
 * that very talk (or, for talk 0, the record) has a lock of its own.
 */
enum store_rc
store_locked(struct store *s, const char *rid, int talk, int *closing,
    int *exact)
{
	enum store_rc	rc;
	int		row;

	store_bind_str(s, SQL_LOCKED, 1, rid);
	store_bind_int(s, SQL_LOCKED, 2, talk);
	rc = store_step(s, SQL_LOCKED, &row);
	*closing = rc == STORE_OK && row ? (int)store_opt(s, SQL_LOCKED, 0) :
	    -1;
	*exact = rc == STORE_OK && row && store_int(s, SQL_LOCKED, 1) == 1;
	store_reset(s, SQL_LOCKED);
	return rc;
}

/*
 * Call cb(talk, decision id, arg) for each lock on record rid, the whole
 * record (talk 0) first, then its talks in order; the id is borrowed for
 * the call.  A cb returning -1 stops the walk.
 */
enum store_rc
store_locks(struct store *s, const char *rid, store_lock_cb cb, void *arg)
{
	enum store_rc	rc;
	int		row;

	store_bind_str(s, SQL_LOCKS, 1, rid);
	while ((rc = store_step(s, SQL_LOCKS, &row)) == STORE_OK && row) {
		if (cb((int)store_int(s, SQL_LOCKS, 0),
		    store_text(s, SQL_LOCKS, 1), arg) == -1)
			break;
	}
	store_reset(s, SQL_LOCKS);
	return rc;
}

/* The id of author's flag on subject; STORE_NOTFOUND if none. */
enum store_rc
store_flag(struct store *s, const char *subject, const char *author,
    char id[GLOSS_ID_LEN + 1])
{
	enum store_rc	rc;
	int		row;

	id[0] = '\0';
	store_bind_str(s, SQL_FLAG, 1, subject);
	store_bind_str(s, SQL_FLAG, 2, author);
	if ((rc = store_step(s, SQL_FLAG, &row)) == STORE_OK) {
		if (!row)
			rc = STORE_NOTFOUND;
		else if (store_copy(id, GLOSS_ID_LEN + 1,
		    store_text(s, SQL_FLAG, 0)) == -1)
			rc = STORE_ERROR;
	}
	store_reset(s, SQL_FLAG);
	return rc;
}

/* Call cb(author, state, arg) for each key that flagged subject. */
enum store_rc
store_flaggers(struct store *s, const char *subject, store_flagger_cb cb,
    void *arg)
{
	enum store_rc	rc;
	int		row;

	store_bind_str(s, SQL_FLAGGERS, 1, subject);
	while ((rc = store_step(s, SQL_FLAGGERS, &row)) == STORE_OK && row) {
		if (cb(store_text(s, SQL_FLAGGERS, 0),
		    store_text(s, SQL_FLAGGERS, 1), arg) == -1)
			break;
	}
	store_reset(s, SQL_FLAGGERS);
	return rc;
}

/* Call cb for each flag q yields (its parameters bound), then reset q. */
static enum store_rc
store_flag_rows(struct store *s, enum store_sql q, store_flag_cb cb,
    void *arg)
{
	struct store_flag	f;
	enum store_rc		rc;
	int			row;

	while ((rc = store_step(s, q, &row)) == STORE_OK && row) {
		f.id = store_text(s, q, 0);
		f.subject = store_text(s, q, 1);
		f.author = store_text(s, q, 2);
		f.reason = store_text(s, q, 3);
		f.note = store_text(s, q, 4);
		f.seq = store_int(s, q, 5);
		f.status = store_text(s, q, 6);
		if (cb(&f, arg) == -1)
			break;
	}
	store_reset(s, q);
	return rc;
}

/* Call cb for each flag with seq > after, in order, at most limit. */
enum store_rc
store_flags(struct store *s, int64_t after, int limit, store_flag_cb cb,
    void *arg)
{
	store_bind_int(s, SQL_FLAGS, 1, after);
	store_bind_int(s, SQL_FLAGS, 2, limit);
	return store_flag_rows(s, SQL_FLAGS, cb, arg);
}

/* Call cb for each of the first limit flags on subject, in order. */
enum store_rc
store_flags_of(struct store *s, const char *subject, int limit,
    store_flag_cb cb, void *arg)
{
	store_bind_str(s, SQL_FLAGS_OF, 1, subject);
	store_bind_int(s, SQL_FLAGS_OF, 2, limit);
	return store_flag_rows(s, SQL_FLAGS_OF, cb, arg);
}

/*
 * Call cb for each annotation waiting for a moderator (pending, or hidden
 * by flags), of rid (NULL: every record), oldest first after seq after.
 */
enum store_rc
store_queue(struct store *s, const char *rid, int64_t after, int limit,
    store_annotation_cb cb, void *arg)
{
	store_bind_str(s, SQL_QUEUE, 1, rid);
	store_bind_int(s, SQL_QUEUE, 2, after);
	store_bind_int(s, SQL_QUEUE, 3, limit);
	return store_annotation_rows(s, SQL_QUEUE, cb, arg);
}

/*
 * Call cb with the log row of each moderation decision about subject
 * (NULL: all of them), in order, after seq after, at most limit.
 */
enum store_rc
store_decisions(struct store *s, const char *subject, int64_t after,
    int limit, store_statement_cb cb, void *arg)
{
	store_bind_str(s, SQL_DECISIONS, 1, subject);
	store_bind_int(s, SQL_DECISIONS, 2, after);
	store_bind_int(s, SQL_DECISIONS, 3, limit);
	return store_statement_rows(s, SQL_DECISIONS, cb, arg);
}

/* Call cb for each of author's annotations, whatever its status. */
enum store_rc
store_mine(struct store *s, const char *author, int64_t after, int limit,
    store_annotation_cb cb, void *arg)
{
	store_bind_str(s, SQL_MINE, 1, author);
	store_bind_int(s, SQL_MINE, 2, after);
	store_bind_int(s, SQL_MINE, 3, limit);
	return store_annotation_rows(s, SQL_MINE, cb, arg);
}
