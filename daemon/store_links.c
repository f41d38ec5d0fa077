/*
 * store_links.c: follow-up links and their reviews in SQLite.
 *
 * A link's identity (arxiv:ID, doi:..., the normalized URL) is derived
 * from the URL as posted by common/link.c, never signed, so it can
 * improve.  SQLite calls link.c itself (gloss_link_key, _type, _href):
 * the triggers of migrations/0005 then keep the "links" view in step with
 * every annotation and revision without a line of C per path, and when
 * LINK_NORM_VERSION moves on, store_open recomputes every key from the
 * posted URLs in one transaction.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

enum store_link_part {
	LINK_PART_KEY,
	LINK_PART_TYPE,
	LINK_PART_HREF,
};

/* gloss_link_key(url) and friends: NULL for what link.c refuses. */
static void
store_link_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	enum store_link_part	 part;
	struct link		 link;
	const char		*url, *out = NULL;
	char			 err[256];

	part = (enum store_link_part)(intptr_t)sqlite3_user_data(ctx);
	if (argc != 1 || sqlite3_value_type(argv[0]) != SQLITE_TEXT ||
	    (url = (const char *)sqlite3_value_text(argv[0])) == NULL ||
	    link_parse(url, (size_t)sqlite3_value_bytes(argv[0]), &link, err,
	    sizeof err) == -1) {
		sqlite3_result_null(ctx);
		return;
	}
	switch (part) {
	case LINK_PART_KEY:
		out = link.key;
		break;
	case LINK_PART_TYPE:
		out = link_type_name(link.type);
		break;
	case LINK_PART_HREF:
		out = link.href;
		break;
	}
	sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
	link_clear(&link);
}

/* Register the link functions on db; -1 with SQLite's error. */
int
store_links_functions(sqlite3 *db)
{
	static const struct {
		const char		*name;
		enum store_link_part	 part;
	} fns[] = {
		{ "gloss_link_key", LINK_PART_KEY },
		{ "gloss_link_type", LINK_PART_TYPE },
		{ "gloss_link_href", LINK_PART_HREF },
	};
	size_t	i;

	for (i = 0; i < sizeof fns / sizeof fns[0]; i++) {
		if (sqlite3_create_function(db, fns[i].name, 1, SQLITE_UTF8 |
		    SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
		    (void *)(intptr_t)fns[i].part, store_link_fn, NULL,
		    NULL) != SQLITE_OK)
			return -1;
	}
	return 0;
}

/*
 * Recompute every derived link key when they were made by another
 * LINK_NORM_VERSION (migration 0005 starts at 0, so this also fills the
 * view for annotations stored before it).
 */
enum store_rc
store_links_renormalize(struct store *s)
{
	static const enum store_sql steps[] = { SQL_LINKS_CLEAR,
	    SQL_LINKS_FILL, SQL_LINK_REVIEWS_REKEY, SQL_LINK_REVIEWS_CURRENT };
	enum store_rc	rc;
	size_t		i;
	int		row;
	int64_t		version = -1;

	rc = store_step(s, SQL_LINK_NORM, &row);
	if (rc == STORE_OK && row)
		version = store_int(s, SQL_LINK_NORM, 0);
	store_reset(s, SQL_LINK_NORM);
	if (rc != STORE_OK || version == LINK_NORM_VERSION)
		return rc;
	if ((rc = store_run(s, SQL_BEGIN)) != STORE_OK)
		return rc;
	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		if ((rc = store_run(s, steps[i])) != STORE_OK)
			goto fail;
	}
	store_bind_int(s, SQL_LINK_NORM_SET, 1, LINK_NORM_VERSION);
	if ((rc = store_run(s, SQL_LINK_NORM_SET)) != STORE_OK ||
	    (rc = store_run(s, SQL_COMMIT)) != STORE_OK)
		goto fail;
	log_info("store: link keys recomputed (normalization %d, was %lld)",
	    LINK_NORM_VERSION, (long long)version);
	return STORE_OK;
fail:
	store_rollback(s);
	return rc;
}

/* The view row of a link-review statement appended as seq. */
enum store_rc
store_append_link_review(struct store *s, const struct statement *st,
    int64_t seq)
{
	const struct stmt_link_review	*r = &st->u.link_review;
	const enum store_sql		 q = SQL_LINK_REVIEW_INSERT;

	store_bind_int(s, q, 1, seq);
	store_bind_str(s, q, 2, st->id);
	store_bind_str(s, q, 3, r->subject);
	store_bind_str(s, q, 4, r->url);
	store_bind_str(s, q, 5, st->author);
	store_bind_str(s, q, 6, st->created_text);
	store_bind_str(s, q, 7, stmt_verdict_name(r->verdict));
	store_bind_str(s, q, 8, r->note);
	store_bind_str(s, q, 9, r->replacement);
	store_bind_int(s, q, 10, r->checked);
	store_bind_opt(s, q, 11, r->checked ? r->check_status : -1);
	store_bind_str(s, q, 12, r->check_final);
	store_bind_str(s, q, 13, r->check_error);
	return store_changed(s, q);
}

/* STORE_OK when annotation id cites url (by key), else STORE_NOTFOUND. */
enum store_rc
store_cites(struct store *s, const char *id, const char *url)
{
	enum store_rc	rc;
	int		row;

	store_bind_str(s, SQL_CITES, 1, id);
	store_bind_str(s, SQL_CITES, 2, url);
	if ((rc = store_step(s, SQL_CITES, &row)) == STORE_OK && !row)
		rc = STORE_NOTFOUND;
	store_reset(s, SQL_CITES);
	return rc;
}

/*
 * Call cb for every link of rid's visible annotations (of talk, unless 0)
 * in key order, then by annotation; a cb returning -1 stops the walk.
 */
enum store_rc
store_citations(struct store *s, const char *rid, int talk,
    store_citation_cb cb, void *arg)
{
	const enum store_sql	q = SQL_CITATIONS;
	struct store_citation	c;
	enum store_rc		rc;
	int			row;

	store_bind_str(s, q, 1, rid);
	store_bind_int(s, q, 2, talk);
	while ((rc = store_step(s, q, &row)) == STORE_OK && row) {
		c.key = store_text(s, q, 0);
		c.type = store_text(s, q, 1);
		c.href = store_text(s, q, 2);
		c.url = store_text(s, q, 3);
		c.title = store_text(s, q, 4);
		c.annotation = store_text(s, q, 5);
		c.kind = store_text(s, q, 6);
		c.author = store_text(s, q, 7);
		c.talk = (int)store_int(s, q, 8);
		c.at_start = store_opt(s, q, 9);
		c.at_end = store_opt(s, q, 10);
		c.endorsements = store_int(s, q, 11);
		c.seq = store_int(s, q, 12);
		if (cb(&c, arg) == -1)
			break;
	}
	store_reset(s, q);
	return rc;
}

/*
 * Call cb for every current review of rid's links, in key order, then
 * oldest first; a cb returning -1 stops the walk.
 */
enum store_rc
store_link_reviews(struct store *s, const char *rid,
    store_link_review_cb cb, void *arg)
{
	const enum store_sql	 q = SQL_LINK_REVIEWS;
	struct store_link_review r;
	enum store_rc		 rc;
	int			 row;

	store_bind_str(s, q, 1, rid);
	while ((rc = store_step(s, q, &row)) == STORE_OK && row) {
		r.key = store_text(s, q, 0);
		r.id = store_text(s, q, 1);
		r.subject = store_text(s, q, 2);
		r.url = store_text(s, q, 3);
		r.author = store_text(s, q, 4);
		r.created = store_text(s, q, 5);
		r.verdict = store_text(s, q, 6);
		r.note = store_text(s, q, 7);
		r.replacement = store_text(s, q, 8);
		r.checked = (int)store_int(s, q, 9);
		r.status = store_opt(s, q, 10);
		r.final = store_text(s, q, 11);
		r.error = store_text(s, q, 12);
		if (cb(&r, arg) == -1)
			break;
	}
	store_reset(s, q);
	return rc;
}
