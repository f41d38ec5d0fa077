/*
 * api_bundle.c: every statement about one record, as /v1/log lines.
 *
 * A bundle is what another glossd, or anyone with sha256sum and minisign,
 * needs to rebuild a record's commentary: the record, its annotations and
 * everything said about them (revisions, retractions, endorsements, flags,
 * link reviews, moderation decisions, locks), and the profiles of and
 * decisions about the keys that said it, so the listings read the same.
 *
 * What a statement is about is only known from the statements before it
 * (a revision names an annotation, a retraction may name an endorsement),
 * so the log is read twice in order: once to learn the record's
 * statements and authors, once to write them with the profiles and key
 * decisions, in log order.  That reads the whole log; a record-keyed
 * index would be the next step if bundles of very large logs matter.
 */

#include <stdlib.h>
#include <string.h>

#include "glossd.h"

#define API_BUNDLE_PAGE	1000

struct api_bundle {
	const char	*rid;
	json_t		*about;		/* statement ids about the record */
	json_t		*authors;	/* keys that wrote one of them */
	struct buf	*out;
	int		(*step)(struct api_bundle *,
			    const struct store_statement *);
	int64_t		 after;
	int		 rows;
	int		 failed;
};

static int
api_bundle_has(json_t *set, const char *key)
{
	return key != NULL && json_object_get(set, key) != NULL;
}

/* Whether st is about the record, given what came before it. */
static int
api_bundle_about(const struct api_bundle *b, const struct statement *st)
{
	const struct stmt_moderation	*m = &st->u.moderation;

	switch (st->type) {
	case STMT_RECORD:
		return strcmp(st->u.record.rid, b->rid) == 0;
	case STMT_ANNOTATION:
		return strcmp(st->u.annotation.record, b->rid) == 0;
	case STMT_REVISION:
		return api_bundle_has(b->about, st->u.annotation.of);
	case STMT_RETRACTION:
		return api_bundle_has(b->about, st->u.retraction.of);
	case STMT_ENDORSE:
	case STMT_UNENDORSE:
		return api_bundle_has(b->about, st->u.endorse.subject);
	case STMT_FLAG:
		return api_bundle_has(b->about, st->u.flag.subject);
	case STMT_LINK_REVIEW:
		return api_bundle_has(b->about, st->u.link_review.subject);
	case STMT_MODERATION:
		if (m->action == ACTION_LOCK || m->action == ACTION_UNLOCK)
			return strcmp(m->subject, b->rid) == 0;
		return api_bundle_has(b->about, m->subject);
	default:
		return 0;
	}
}

/* A decision about a key (ban, unban, trust) of the author set. */
static int
api_bundle_about_author(const struct api_bundle *b,
    const struct statement *st)
{
	return st->type == STMT_MODERATION &&
	    (st->u.moderation.action == ACTION_BAN ||
	    st->u.moderation.action == ACTION_UNBAN ||
	    st->u.moderation.action == ACTION_TRUST) &&
	    api_bundle_has(b->authors, st->u.moderation.subject);
}

/* First pass: learn the record's statements and their authors. */
static int
api_bundle_learn(struct api_bundle *b, const struct store_statement *row)
{
	struct statement	*st;

	if (strcmp(row->type, "profile") == 0)
		return 0;		/* about a key, never a record */
	if ((st = api_stored_statement(row)) == NULL)
		return -1;
	if (api_bundle_about(b, st)) {
		json_object_set_new(b->about, st->id, json_true());
		json_object_set_new(b->authors, st->author, json_true());
	}
	stmt_free(st);
	return 0;
}

/*
 * Second pass: write them in log order, with their authors' profiles
 * and the decisions about those keys; only decisions need parsing.
 */
static int
api_bundle_write(struct api_bundle *b, const struct store_statement *row)
{
	struct statement	*st;

	if (api_bundle_has(b->about, row->id) ||
	    (strcmp(row->type, "profile") == 0 &&
	    api_bundle_has(b->authors, row->author)))
		return api_log_line(row, b->out);
	if (strcmp(row->type, "moderation") != 0)
		return 0;
	if ((st = api_stored_statement(row)) == NULL)
		return -1;
	if (api_bundle_about_author(b, st))
		api_log_line(row, b->out);
	stmt_free(st);
	return 0;
}

/* Each row of a page: note where the page got to, then the pass's step. */
static int
api_bundle_row_cb(const struct store_statement *row, void *arg)
{
	struct api_bundle	*b = arg;

	b->after = row->seq;
	b->rows++;
	if (b->step(b, row) == -1) {
		b->failed = 1;
		return -1;
	}
	return 0;
}

/* One pass of step over the whole log, a page at a time. */
static enum store_rc
api_bundle_pass(struct glossd *gd, struct api_bundle *b,
    int (*step)(struct api_bundle *, const struct store_statement *))
{
	enum store_rc	rc;

	b->step = step;
	b->after = 0;
	do {
		b->rows = 0;
		rc = store_log(gd->store, b->after, API_BUNDLE_PAGE,
		    api_bundle_row_cb, b);
	} while (rc == STORE_OK && !b->failed && b->rows == API_BUNDLE_PAGE);
	return b->failed ? STORE_ERROR : rc;
}

/* GET /v1/records/{rid}/bundle */
void
api_get_bundle(struct glossd *gd, struct http_request *req,
    struct http_response *resp)
{
	struct api_bundle	 b;
	struct store_record	 rec;
	enum store_rc		 rc;

	if (api_find_record(gd, req, resp, &rec) == -1)
		return;
	memset(&b, 0, sizeof b);
	b.rid = rec.rid;
	b.about = json_object();
	b.authors = json_object();
	http_json(resp, 200);
	resp->content_type = "application/x-ndjson; charset=utf-8";
	b.out = &resp->body;
	if ((rc = api_bundle_pass(gd, &b, api_bundle_learn)) == STORE_OK)
		rc = api_bundle_pass(gd, &b, api_bundle_write);
	if (rc != STORE_OK)
		api_store_error(resp, rc);
	json_decref(b.about);
	json_decref(b.authors);
	store_record_clear(&rec);
}
