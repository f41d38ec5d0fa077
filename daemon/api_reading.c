/*
 * api_reading.c: a record's reading list, and the rules for link reviews.
 *
 * The list is one entry per normalized link (store_links.c), however many
 * visible annotations cite it and however each wrote it.  An entry's
 * status is the latest verdict of a reviewer key (the config's
 * "reviewer"); everybody's current verdicts are counted too, and the
 * latest link check is shown apart, since a machine that saw a 200 has
 * not judged the link relevant.  Entries are ranked by what reviewers
 * said, then by everybody's verdicts, endorsements and citations, so the
 * best reading comes first; what reviewers called irrelevant, duplicate
 * or spam is left out unless asked for.
 *
 * The list is built as a jansson document, which reading_fmt.c also
 * renders as BibTeX and Markdown.
 */

#include <stdlib.h>
#include <string.h>

#include "glossd.h"

#define API_READING_CITATIONS	50	/* listed per entry; "cited" counts */
#define API_READING_OFFSET_MAX	100000

/* An entry while the list is built; obj is what the answer shows. */
struct api_entry {
	char		*key;
	json_t		*obj;
	json_t		*citations;
	json_t		*verdicts;
	json_t		*reviews;
	const char	*last_annotation;	/* borrowed from citations */
	enum stmt_verdict status;
	int		 reviewed;		/* status is a verdict */
	int64_t		 score;			/* everybody's verdicts */
	int64_t		 endorsements;
	int64_t		 cited;
	int64_t		 first_seq;
};

struct api_reading {
	struct glossd		*gd;
	struct api_entry	*entries;
	size_t			 n;
	enum store_rc		 rc;
};

static json_t *
api_str_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

/* How a verdict ranks an entry: good, unknown, broken, left out. */
static int
api_verdict_tier(enum stmt_verdict v)
{
	switch (v) {
	case VERDICT_OK:
	case VERDICT_RELEVANT:
	case VERDICT_MOVED:
	case VERDICT_PAYWALLED:
		return 3;
	case VERDICT_BROKEN:
		return 1;
	default:
		return 0;
	}
}

static int
api_entry_tier(const struct api_entry *e)
{
	return e->reviewed ? api_verdict_tier(e->status) : 2;
}

static int
api_citation_cb(const struct store_citation *c, void *arg)
{
	struct api_reading	*r = arg;
	struct api_entry	*e = r->n > 0 ? &r->entries[r->n - 1] : NULL;
	json_t			*cite, *at;

	if (e == NULL || strcmp(e->key, c->key) != 0) {
		r->entries = xreallocarray(r->entries, r->n + 1,
		    sizeof *r->entries);
		e = &r->entries[r->n++];
		memset(e, 0, sizeof *e);
		e->key = xstrdup(c->key);
		e->citations = json_array();
		e->verdicts = json_array();
		e->reviews = json_object();
		e->first_seq = c->seq;
		e->obj = json_pack("{s:s, s:s, s:s, s:s}", "key", c->key,
		    "type", c->type, "href", c->href, "url", c->url);
	}
	/* One annotation citing a link twice cites it once. */
	if (e->last_annotation != NULL &&
	    strcmp(e->last_annotation, c->annotation) == 0)
		return 0;
	e->cited++;
	e->endorsements += c->endorsements;
	cite = json_pack("{s:s, s:s, s:o, s:s, s:o, s:s}", "annotation",
	    c->annotation, "kind", c->kind, "talk", c->talk > 0 ?
	    json_integer(c->talk) : json_null(), "url", c->url, "title",
	    api_str_or_null(c->title), "author", c->author);
	if (c->at_start != -1) {
		at = json_pack("{s:I}", "start", (json_int_t)c->at_start);
		if (c->at_end != -1)
			json_object_set_new(at, "end",
			    json_integer(c->at_end));
		json_object_set_new(cite, "at", at);
	}
	json_array_append_new(e->citations, cite);
	e->last_annotation = json_string_value(json_object_get(cite,
	    "annotation"));
	return 0;
}

static int
api_entry_key_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct api_entry *)elem)->key);
}

/* Reviews come oldest first, so the last one seen is the latest. */
static int
api_review_cb(const struct store_link_review *rv, void *arg)
{
	struct api_reading	*r = arg;
	struct api_entry	*e;
	enum stmt_verdict	 v;
	json_t			*obj, *count;
	int			 authoritative;

	/* bsearch and qsort take no NULL array, even an empty one. */
	e = r->n == 0 ? NULL : bsearch(rv->key, r->entries, r->n,
	    sizeof *r->entries, api_entry_key_cmp);
	if (e == NULL || stmt_verdict_from_name(rv->verdict, &v) == -1)
		return 0;	/* cited only where this list does not look */
	authoritative = config_has_author(&r->gd->cfg.reviewers,
	    rv->author);
	obj = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "id", rv->id,
	    "author", rv->author, "created", rv->created, "verdict",
	    rv->verdict, "annotation", rv->subject, "authoritative",
	    authoritative);
	if (rv->note != NULL)
		json_object_set_new(obj, "note", json_string(rv->note));
	if (rv->replacement != NULL)
		json_object_set_new(obj, "replacement",
		    json_string(rv->replacement));
	if (rv->checked) {
		json_object_set_new(obj, "status", json_integer(rv->status));
		if (rv->final != NULL)
			json_object_set_new(obj, "final",
			    json_string(rv->final));
		if (rv->error != NULL)
			json_object_set_new(obj, "error",
			    json_string(rv->error));
		json_object_set_new(e->obj, "check", obj);
		return 0;
	}
	json_array_append_new(e->verdicts, obj);
	count = json_object_get(e->reviews, rv->verdict);
	json_object_set_new(e->reviews, rv->verdict, json_integer(
	    (count != NULL ? json_integer_value(count) : 0) + 1));
	e->score += api_verdict_tier(v) >= 2 ? 1 : -1;
	if (authoritative) {
		e->reviewed = 1;
		e->status = v;
		json_object_del(e->obj, "replacement");
		if (rv->replacement != NULL)
			json_object_set_new(e->obj, "replacement",
			    json_string(rv->replacement));
	}
	return 0;
}

/* The title most citations give; the earliest among equals. */
static json_t *
api_best_title(json_t *citations)
{
	json_t		*c, *d, *best = NULL;
	const char	*t;
	size_t		 i, j, n, most = 0;

	json_array_foreach(citations, i, c) {
		if ((t = json_string_value(json_object_get(c, "title"))) ==
		    NULL)
			continue;
		n = 0;
		json_array_foreach(citations, j, d) {
			if (j >= API_READING_CITATIONS)
				break;
			if (json_equal(json_object_get(d, "title"),
			    json_object_get(c, "title")))
				n++;
		}
		if (n > most) {
			most = n;
			best = json_object_get(c, "title");
		}
		if (i + 1 >= API_READING_CITATIONS)
			break;
	}
	return best != NULL ? json_incref(best) : json_null();
}

/* Best first: reviewers' word, everybody's, endorsements, citations. */
static int
api_entry_rank_cmp(const void *a, const void *b)
{
	const struct api_entry	*x = a, *y = b;

	if (api_entry_tier(x) != api_entry_tier(y))
		return api_entry_tier(y) - api_entry_tier(x);
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	if (x->endorsements != y->endorsements)
		return x->endorsements < y->endorsements ? 1 : -1;
	if (x->cited != y->cited)
		return x->cited < y->cited ? 1 : -1;
	if (x->first_seq != y->first_seq)
		return x->first_seq < y->first_seq ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* Fill in what the walks gathered; the entry's obj is then complete. */
static void
api_entry_finish(struct api_entry *e)
{
	json_t	*listed;

	json_object_set_new(e->obj, "title", api_best_title(e->citations));
	json_object_set_new(e->obj, "status", json_string(e->reviewed ?
	    stmt_verdict_name(e->status) : "unreviewed"));
	json_object_set_new(e->obj, "endorsements",
	    json_integer(e->endorsements));
	json_object_set_new(e->obj, "cited", json_integer(e->cited));
	listed = json_array();
	json_array_extend(listed, e->citations);
	while (json_array_size(listed) > API_READING_CITATIONS)
		json_array_remove(listed, API_READING_CITATIONS);
	json_object_set_new(e->obj, "citations", listed);
	json_object_set(e->obj, "reviews", e->reviews);
	json_object_set(e->obj, "verdicts", e->verdicts);
	if (json_object_get(e->obj, "check") == NULL)
		json_object_set_new(e->obj, "check", json_null());
}

static void
api_entries_free(struct api_reading *r)
{
	size_t	i;

	for (i = 0; i < r->n; i++) {
		free(r->entries[i].key);
		json_decref(r->entries[i].obj);
		json_decref(r->entries[i].citations);
		json_decref(r->entries[i].verdicts);
		json_decref(r->entries[i].reviews);
	}
	free(r->entries);
}

/*
 * Whether e passes ?status=: all, unreviewed, reviewed or a verdict; by
 * default everything but what reviewers left out.
 */
static int
api_status_match(const struct api_entry *e, const char *status)
{
	if (status == NULL)
		return api_entry_tier(e) > 0;
	if (strcmp(status, "all") == 0)
		return 1;
	if (strcmp(status, "unreviewed") == 0)
		return !e->reviewed;
	if (strcmp(status, "reviewed") == 0)
		return e->reviewed;
	return e->reviewed && strcmp(status, stmt_verdict_name(e->status)) ==
	    0;
}

/* GET /v1/records/{rid}/reading?talk=&status=&format=&limit=&offset= */
void
api_get_reading(struct glossd *gd, struct http_request *req,
    struct http_response *resp)
{
	struct api_reading	 r = { .gd = gd };
	struct store_record	 rec;
	const char		*status = http_query(req, "status");
	const char		*format = http_query(req, "format");
	json_t			*doc, *list;
	char			*text;
	int64_t			 talk = 0, limit, offset = 0, total = 0;
	size_t			 i;

	if (api_find_record(gd, req, resp, &rec) == -1)
		return;
	limit = gd->cfg.limits.page_max;
	if (http_query_int(resp, req, "talk", 1, (int64_t)rec.ntalks,
	    &talk) == -1 || http_query_int(resp, req, "limit", 1,
	    gd->cfg.limits.page_max, &limit) == -1 || http_query_int(resp,
	    req, "offset", 0, API_READING_OFFSET_MAX, &offset) == -1)
		goto out;
	if (status != NULL && !stmt_reading_status_valid(status)) {
		http_error(resp, 400, "bad_query", "status must be %s",
		    stmt_reading_status_list());
		goto out;
	}
	if (format != NULL && !stmt_reading_format_valid(format)) {
		http_error(resp, 400, "bad_query", "format must be %s",
		    stmt_reading_format_list());
		goto out;
	}
	if ((r.rc = store_citations(gd->store, rec.rid, (int)talk,
	    api_citation_cb, &r)) != STORE_OK ||
	    (r.rc = store_link_reviews(gd->store, rec.rid, api_review_cb,
	    &r)) != STORE_OK) {
		api_store_error(resp, r.rc);
		goto out;
	}
	/* An export is the whole list unless a page was asked for. */
	if (format != NULL && strcmp(format, "json") != 0 &&
	    http_query(req, "limit") == NULL)
		limit = (int64_t)r.n;
	for (i = 0; i < r.n; i++)
		api_entry_finish(&r.entries[i]);
	if (r.n > 0)
		qsort(r.entries, r.n, sizeof *r.entries, api_entry_rank_cmp);

	list = json_array();
	for (i = 0; i < r.n; i++) {
		if (!api_status_match(&r.entries[i], status))
			continue;
		if (total >= offset && total < offset + limit)
			json_array_append(list, r.entries[i].obj);
		total++;
	}
	doc = json_pack("{s:s, s:s}", "record", rec.rid, "title", rec.title);
	if (talk > 0) {
		json_object_set_new(doc, "talk", json_integer(talk));
		if (rec.talks[talk - 1].speaker != NULL)
			json_object_set_new(doc, "talk_speaker", json_string(
			    rec.talks[talk - 1].speaker));
		json_object_set_new(doc, "talk_title",
		    json_string(rec.talks[talk - 1].title));
	}
	json_object_set_new(doc, "total", json_integer(total));
	json_object_set_new(doc, "offset", json_integer(offset));
	json_object_set_new(doc, "entries", list);

	http_json(resp, 200);
	if (format != NULL && strcmp(format, "bibtex") == 0) {
		resp->content_type = "application/x-bibtex; charset=utf-8";
		reading_bibtex(doc, &resp->body);
	} else if (format != NULL && strcmp(format, "markdown") == 0) {
		resp->content_type = "text/markdown; charset=utf-8";
		reading_markdown(doc, &resp->body);
	} else {
		text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
		buf_puts(&resp->body, text);
		buf_putc(&resp->body, '\n');
		free(text);
	}
	json_decref(doc);
out:
	api_entries_free(&r);
	store_record_clear(&rec);
}

/*
 * A link review names an annotation it may act on (api_may_act, replay
 * as it says) and one of its links (by key, so the http form of an https
 * link will do).
 */
int
api_check_link_review(struct glossd *gd, struct http_response *resp,
    const struct statement *st, int replay)
{
	const struct stmt_link_review	*lr = &st->u.link_review;
	struct api_target		 t;
	enum store_rc			 rc;

	if (api_target(gd, resp, lr->subject, "subject", &t) == -1)
		return -1;
	if (!api_may_act(&t, replay))
		return api_not_visible(gd, resp, &t, st);
	if ((rc = store_cites(gd->store, lr->subject, lr->url)) == STORE_OK)
		return 0;
	if (rc == STORE_NOTFOUND)
		http_error(resp, 422, "link_not_cited", "that annotation does "
		    "not cite that link");
	else
		api_store_error(resp, rc);
	return -1;
}
