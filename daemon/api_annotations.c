/*
 * api_annotations.c: one annotation, its edit history and its thread.
 *
 * Every place that shows an annotation (listings, search, threads, this
 * file's GETs) writes it with api_annotation_json, so a client parses one
 * shape everywhere.  A retracted annotation is gone from everything public
 * but its statements: its GET answers 410 with the retraction.
 */

#include <stdlib.h>
#include <string.h>

#include "glossd.h"

/* Append ,"name":"value" (JSON-escaped), or ,"name":null for NULL. */
void
api_member(struct buf *b, const char *name, const char *value)
{
	buf_printf(b, ",\"%s\":", name);
	if (value == NULL)
		buf_puts(b, "null");
	else
		jcs_write_string(b, value, strlen(value));
}

/* a as a JSON object, without a trailing newline. */
void
api_annotation_json(struct buf *b, const struct store_annotation *a)
{
	buf_printf(b, "{\"id\":\"%s\",\"seq\":%lld,\"record\":", a->id,
	    (long long)a->seq);
	jcs_write_string(b, a->rid, strlen(a->rid));
	buf_printf(b, ",\"kind\":\"%s\",\"author\":\"%s\",\"created\":\"%s\"",
	    a->kind, a->author, a->created);
	api_member(b, "name", a->name);
	if (a->talk > 0)
		buf_printf(b, ",\"talk\":%d", a->talk);
	else
		buf_puts(b, ",\"talk\":null");
	if (a->at_start >= 0) {
		buf_printf(b, ",\"at\":{\"start\":%lld", (long long)a->at_start);
		if (a->at_end >= 0)
			buf_printf(b, ",\"end\":%lld", (long long)a->at_end);
		buf_putc(b, '}');
	}
	buf_puts(b, ",\"text\":");
	jcs_write_string(b, a->text, a->text_len);
	buf_puts(b, ",\"links\":");
	buf_puts(b, a->links != NULL ? a->links : "[]");
	api_member(b, "reply_to", a->reply_to);
	api_member(b, "root", a->root);
	buf_printf(b, ",\"revisions\":%lld,\"replies\":%lld,"
	    "\"endorsements\":%lld", (long long)a->revisions,
	    (long long)a->replies, (long long)a->endorsements);
	api_member(b, "status", a->status);
	/* Listings show visible ones; the queue only those flags hid. */
	if (strcmp(a->status, "hidden") == 0 ||
	    strcmp(a->status, "rejected") == 0)
		api_member(b, "reason", a->reason);
	if (a->snippet != NULL)
		api_member(b, "snippet", a->snippet);
	buf_putc(b, '}');
}

/*
 * A stored statement as {"id","seq","statement":S[,"minisig"]}, S being
 * its exact canonical bytes.
 */
void
api_statement_json(struct buf *b, const struct store_statement *row,
    int with_minisig)
{
	buf_printf(b, "{\"id\":\"%s\",\"seq\":%lld,\"statement\":", row->id,
	    (long long)row->seq);
	buf_add(b, row->canonical, row->canonical_len);
	if (with_minisig) {
		buf_puts(b, ",\"minisig\":");
		jcs_write_string(b, row->minisig, strlen(row->minisig));
	}
	buf_putc(b, '}');
}

struct api_one {
	struct buf	*body;
	char		 retraction[GLOSS_ID_LEN + 1];
	char		 root[GLOSS_ID_LEN + 1];
	char		 author[GLOSS_PUBKEY_LEN + 1];
	int		 retracted;
	int		 hidden;	/* pending, hidden or rejected */
};

static int
api_one_cb(const struct store_annotation *a, void *arg)
{
	struct api_one	*one = arg;

	snprintf(one->root, sizeof one->root, "%s", a->root);
	snprintf(one->author, sizeof one->author, "%s", a->author);
	if (a->retraction != NULL) {
		one->retracted = 1;
		snprintf(one->retraction, sizeof one->retraction, "%s",
		    a->retraction);
		return 0;
	}
	one->hidden = strcmp(a->status, "visible") != 0;
	api_annotation_json(one->body, a);
	buf_putc(one->body, '\n');
	return 0;
}

static int
api_retraction_cb(const struct store_statement *row, void *arg)
{
	struct buf	*b = arg;

	buf_puts(b, ",\"retraction\":");
	api_statement_json(b, row, 1);
	buf_puts(b, "}\n");
	return 0;
}

/*
 * Whether req, signed, may read one, an annotation that is not visible:
 * its signer is a moderator or its author.
 */
static int
api_may_read(struct glossd *gd, struct http_request *req,
    struct http_response *resp, const struct api_one *one)
{
	struct minisig_pubkey	key;
	char			signer[GLOSS_PUBKEY_LEN + 1];

	if (req->authz == NULL ||
	    auth_check(gd, req, resp, NULL, NULL, &key) == -1)
		return 0;
	minisig_pubkey_format(&key, signer);
	return config_has_key(&gd->cfg.moderators, &key) ||
	    strcmp(signer, one->author) == 0;
}

/*
 * Look up the :id annotation for a GET: 0 with one filled (its JSON in
 * resp), or -1 with 404 / 410 (and the retraction) in resp; a retracted
 * one is 0 too when retracted_ok (its thread goes on without it).  A
 * pending, hidden or rejected annotation is shown only to a request
 * signed by a moderator or by its author; to anyone else it does not
 * exist.
 */
static int
api_find(struct glossd *gd, struct http_request *req,
    struct http_response *resp, struct api_one *one, int retracted_ok)
{
	const char		*id = http_param(req, "id");
	char			 what[GLOSS_ID_LEN + 32];
	enum store_rc		 rc;

	memset(one, 0, sizeof *one);
	one->body = &resp->body;
	http_json(resp, 200);
	rc = stmt_id_valid(id) ? store_annotation(gd->store, id, api_one_cb,
	    one) : STORE_NOTFOUND;
	if (rc == STORE_OK && one->hidden && !api_may_read(gd, req, resp,
	    one))
		rc = STORE_NOTFOUND;
	if (rc == STORE_NOTFOUND) {
		/* Another statement's id: say which (the log is public). */
		if (!one->hidden && api_what_is(gd, id, what,
		    sizeof what) != -1)
			http_error(resp, 404, "not_found", "no annotation has "
			    "that id: it is %s", what);
		else
			http_error(resp, 404, "not_found", "no visible "
			    "annotation has that id");
		return -1;
	}
	if (rc != STORE_OK) {
		api_store_error(resp, rc);
		return -1;
	}
	if (!one->retracted || retracted_ok)
		return 0;
	http_error(resp, 410, "retracted", "its author retracted this "
	    "annotation");
	/* The error object, then the retraction beside it. */
	resp->body.len -= 2;
	resp->body.data[resp->body.len] = '\0';
	if ((rc = store_statement(gd->store, one->retraction,
	    api_retraction_cb, &resp->body)) != STORE_OK)
		api_store_error(resp, rc);
	return -1;
}

/* GET /v1/annotations/{id} */
void
api_get_annotation(struct glossd *gd, struct http_request *req,
    struct http_response *resp)
{
	struct api_one	one;

	(void)api_find(gd, req, resp, &one, 0);
}

struct api_list {
	struct buf	*body;
	int		 n;
};

static int
api_revision_cb(const struct store_statement *row, void *arg)
{
	struct api_list	*l = arg;

	if (l->n++ > 0)
		buf_putc(l->body, ',');
	api_statement_json(l->body, row, 0);
	return 0;
}

/*
 * GET /v1/annotations/{id}/revisions: the original statement and every
 * revision, in chain order.
 */
void
api_get_revisions(struct glossd *gd, struct http_request *req,
    struct http_response *resp)
{
	struct api_one	 one;
	struct api_list	 l = { &resp->body, 0 };
	const char	*id = http_param(req, "id");
	enum store_rc	 rc;

	if (api_find(gd, req, resp, &one, 0) == -1)
		return;
	buf_reset(&resp->body);
	buf_printf(&resp->body, "{\"annotation\":\"%s\",\"revisions\":[", id);
	rc = store_statement(gd->store, id, api_revision_cb, &l);
	if (rc == STORE_OK)
		rc = store_revisions(gd->store, id, api_revision_cb, &l);
	if (rc != STORE_OK) {
		api_store_error(resp, rc);
		return;
	}
	buf_puts(&resp->body, "]}\n");
}

/* A thread, gathered in arrival order so parents come before replies. */
struct api_node {
	char		*json;		/* the annotation, or a placeholder */
	char		 id[GLOSS_ID_LEN + 1];
	char		 parent[GLOSS_ID_LEN + 1];
	size_t		*children;
	size_t		 nchildren;
};
struct api_thread {
	struct api_node	*nodes;
	size_t		 n;
	int		 truncated;	/* more than API_THREAD_MAX */
};

static int
api_thread_cb(const struct store_annotation *a, void *arg)
{
	struct api_thread	*t = arg;
	struct api_node		*node;
	struct buf		 b;
	size_t			 i;

	if (t->n == API_THREAD_MAX) {
		t->truncated = 1;
		return -1;
	}
	t->nodes = xreallocarray(t->nodes, t->n + 1, sizeof *t->nodes);
	node = &t->nodes[t->n];
	memset(node, 0, sizeof *node);
	snprintf(node->id, sizeof node->id, "%s", a->id);
	snprintf(node->parent, sizeof node->parent, "%s",
	    a->reply_to != NULL ? a->reply_to : "");
	buf_init(&b);
	if (strcmp(a->status, "visible") != 0)
		buf_printf(&b, "{\"id\":\"%s\",\"status\":\"%s\"", a->id,
		    a->status);
	else {
		api_annotation_json(&b, a);
		b.data[--b.len] = '\0';	/* reopen it for "thread" */
	}
	node->json = buf_take(&b);
	for (i = 0; i < t->n; i++) {
		if (strcmp(t->nodes[i].id, node->parent) == 0) {
			t->nodes[i].children = xreallocarray(
			    t->nodes[i].children, t->nodes[i].nchildren + 1,
			    sizeof *t->nodes[i].children);
			t->nodes[i].children[t->nodes[i].nchildren++] = t->n;
			break;
		}
	}
	t->n++;
	return 0;
}

static void
api_thread_write(struct buf *b, const struct api_thread *t, size_t i)
{
	const struct api_node	*node = &t->nodes[i];
	size_t			 c;

	buf_puts(b, node->json);
	buf_puts(b, ",\"thread\":[");
	for (c = 0; c < node->nchildren; c++) {
		if (c > 0)
			buf_putc(b, ',');
		api_thread_write(b, t, node->children[c]);
	}
	buf_puts(b, "]}");
}

/*
 * GET /v1/annotations/{id}/thread: the whole thread id belongs to, from
 * its top annotation, each with its replies nested in "thread".
 * Annotations the public may not see (retracted, pending, hidden,
 * rejected) stay as placeholders with their status, so the tree keeps
 * its shape.
 */
void
api_get_thread(struct glossd *gd, struct http_request *req,
    struct http_response *resp)
{
	struct api_one		one;
	struct api_thread	t = { NULL, 0, 0 };
	enum store_rc		rc;
	size_t			i;

	if (api_find(gd, req, resp, &one, 1) == -1)
		return;
	buf_reset(&resp->body);
	rc = store_thread(gd->store, one.root, API_THREAD_MAX + 1,
	    api_thread_cb, &t);
	if (rc != STORE_OK)
		api_store_error(resp, rc);
	else if (t.n == 0)
		api_store_error(resp, STORE_ERROR);
	else {
		buf_printf(&resp->body, "{\"root\":\"%s\",\"annotations\":%zu,"
		    "\"truncated\":%s,\"tree\":", one.root, t.n,
		    t.truncated ? "true" : "false");
		api_thread_write(&resp->body, &t, 0);
		buf_puts(&resp->body, "}\n");
	}
	for (i = 0; i < t.n; i++) {
		free(t.nodes[i].json);
		free(t.nodes[i].children);
	}
	free(t.nodes);
}

/*
 * Call cb with where each follow-up link of a is fetched (link.c's href:
 * a DOI or an arXiv id becomes its https URL, a URL is written as a URL
 * must be) and its title, NULL if none.  A link that no longer parses
 * (accepted under older rules) is passed over.
 */
void
api_links_foreach(const struct store_annotation *a,
    void (*cb)(const char *, const char *, void *), void *arg)
{
	struct jcs_err	 err;
	struct link	 l;
	json_t		*links, *item;
	const char	*url;
	size_t		 i;

	if (a->links == NULL)
		return;
	if ((links = jcs_parse(a->links, strlen(a->links), &err)) == NULL) {
		log_warnx("annotation %s: links: %s", a->id, err.message);
		return;
	}
	json_array_foreach(links, i, item) {
		url = json_string_value(json_object_get(item, "url"));
		if (url == NULL ||
		    link_parse(url, strlen(url), &l, NULL, 0) == -1)
			continue;
		cb(l.href, json_string_value(json_object_get(item, "title")),
		    arg);
		link_clear(&l);
	}
	json_decref(links);
}
