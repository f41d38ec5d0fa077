/*
 * w3c_jsonld.c: one annotation, or one moderation decision, as a W3C Web
 * Annotation (Data Model, 2017) in JSON-LD.
 *
 * The mapping lives apart from the protocol (api_w3c.c) because every
 * answer that shows an annotation, alone, in a container's page or as a
 * POST's answer, must show the same document: this file writes it from
 * the store's views and the statement's log row, and decides what the
 * public may see of it.  The "gloss" extension member carries what
 * verifies it with nothing but minisign.
 */

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "glossd.h"

/* A statement's log row, copied (the store's rows are borrowed). */
struct w3c_stmt {
	char			 type[16];
	char			 author[GLOSS_PUBKEY_LEN + 1];
	char			*minisig;
	struct statement	*decision;	/* a moderation statement */
	int			 damaged;	/* it no longer parses */
};

/* Writing one annotation from inside the store's walk. */
struct w3c_ann {
	const struct w3c	*w;
	struct buf		*b;
	const struct w3c_stmt	*st;
	char			 modified[21];	/* latest revision, or "" */
	int			 any;		/* whatever its status */
	enum w3c_found		 found;
};

/* A motivation for each kind of annotation. */
static const char *const w3c_motivations[KIND__MAX] = {
	[KIND_COMMENT] = "commenting",
	[KIND_CRITIQUE] = "assessing",
	[KIND_READING] = "linking",
};

static const char *
w3c_motivation(const char *kind)
{
	enum stmt_kind	k;

	if (stmt_kind_from_name(kind, &k) == -1)
		return "commenting";
	return w3c_motivations[k];
}

/* Append base_url, then fmt, as a JSON string. */
void
w3c_iri(struct buf *b, const struct w3c *w, const char *fmt, ...)
{
	struct buf	iri;
	va_list		ap;

	buf_init(&iri);
	buf_puts(&iri, w->base);
	va_start(ap, fmt);
	buf_vprintf(&iri, fmt, ap);
	va_end(ap);
	jcs_write_string(b, iri.data, iri.len);
	buf_free(&iri);
}

/* The record's IRI, or with talk > 0 that talk's: what annotations target. */
static void
w3c_record_iri(struct buf *b, const struct w3c *w, int talk)
{
	if (talk > 0)
		w3c_iri(b, w, "/v1/records/%s/talks/%d", w->rid, talk);
	else
		w3c_iri(b, w, "/v1/records/%s", w->rid);
}

/*
 * Milliseconds as Media Fragments NPT seconds: "4169.5", "4169",
 * "0.001".  out should hold 32 bytes.
 */
void
w3c_npt(int64_t ms, char *out, size_t len)
{
	int	n;

	n = snprintf(out, len, "%lld.%03lld", (long long)(ms / 1000),
	    (long long)(ms % 1000));
	if (n < 2 || (size_t)n >= len)
		return;
	while (out[n - 1] == '0')
		out[--n] = '\0';
	if (out[n - 1] == '.')
		out[--n] = '\0';
}

/* An Annotation's first members: @context, id, type, motivation. */
static void
w3c_head(struct buf *b, const struct w3c *w, const char *id,
    const char *motivation)
{
	buf_puts(b, "{\"@context\":\"" W3C_CONTEXT "\",\"id\":");
	w3c_iri(b, w, W3C_ANNOTATION_PATH, w->rid, id);
	buf_printf(b, ",\"type\":\"Annotation\",\"motivation\":\"%s\"",
	    motivation);
}

/*
 * ,"creator":{...}: the key as a Person at its /v1/keys IRI (the key
 * escaped but for RFC 3986's unreserved characters), with its profile
 * name when it has one.
 */
static void
w3c_creator(struct buf *b, const struct w3c *w, const char *key,
    const char *name)
{
	struct buf	 path;
	const char	*p;

	buf_init(&path);
	for (p = key; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL)
			buf_putc(&path, *p);
		else
			buf_printf(&path, "%%%02X", (unsigned char)*p);
	}
	buf_puts(b, ",\"creator\":{\"id\":");
	w3c_iri(b, w, "/v1/keys/%s", path.data);
	buf_puts(b, ",\"type\":\"Person\"");
	if (name != NULL)
		api_member(b, "name", name);
	api_member(b, "key", key);
	buf_putc(b, '}');
	buf_free(&path);
}

/* A TextualBody; purpose (a motivation) or NULL. */
static void
w3c_text(struct buf *b, const char *text, size_t len, const char *purpose)
{
	buf_puts(b, "{\"type\":\"TextualBody\",\"value\":");
	jcs_write_string(b, text, len);
	buf_puts(b, ",\"format\":\"text/plain\"");
	if (purpose != NULL)
		buf_printf(b, ",\"purpose\":\"%s\"", purpose);
	buf_putc(b, '}');
}

/*
 * One more body per follow-up link: an External Web Resource at where it
 * is fetched (a DOI or arXiv id as its https URL), its title as
 * rdfs:label ("title" is not a term of the annotation context).
 */
static void
w3c_link_cb(const char *href, const char *title, void *arg)
{
	struct buf	*b = arg;

	buf_puts(b, ",{\"id\":");
	jcs_write_string(b, href, strlen(href));
	buf_puts(b, ",\"type\":\"Text\"");
	if (title != NULL)
		api_member(b, "label", title);
	buf_putc(b, '}');
}

/*
 * Where in the record an annotation is: for a time range the recording
 * (the record) with a Media Fragments selector, scoped to its talk; else
 * the talk or the whole record.
 */
static void
w3c_place(struct buf *b, const struct w3c *w,
    const struct store_annotation *a)
{
	char	t[32];

	if (a->at_start < 0) {
		w3c_record_iri(b, w, a->talk);
		return;
	}
	buf_puts(b, "{\"type\":\"SpecificResource\",\"source\":");
	w3c_record_iri(b, w, 0);
	if (a->talk > 0) {
		buf_puts(b, ",\"scope\":");
		w3c_record_iri(b, w, a->talk);
	}
	w3c_npt(a->at_start, t, sizeof t);
	buf_printf(b, ",\"selector\":{\"type\":\"FragmentSelector\","
	    "\"conformsTo\":\"http://www.w3.org/TR/media-frags/\","
	    "\"value\":\"t=npt:%s", t);
	if (a->at_end >= 0) {
		w3c_npt(a->at_end, t, sizeof t);
		buf_printf(b, ",%s", t);
	}
	buf_puts(b, "\"}}");
}

/*
 * What an annotation is about: its place, or for a reply the annotation
 * replied to, and the moment too if the reply names one of its own.  (A
 * reply's talk alone is not shown: it may be its parent's, inherited.)
 */
static void
w3c_target(struct buf *b, const struct w3c *w,
    const struct store_annotation *a)
{
	if (a->reply_to == NULL) {
		w3c_place(b, w, a);
		return;
	}
	if (a->at_start < 0) {
		w3c_iri(b, w, W3C_ANNOTATION_PATH, w->rid, a->reply_to);
		return;
	}
	buf_putc(b, '[');
	w3c_iri(b, w, W3C_ANNOTATION_PATH, w->rid, a->reply_to);
	buf_putc(b, ',');
	w3c_place(b, w, a);
	buf_putc(b, ']');
}

/*
 * ,"gloss":{...}, the extension member: what verifies the statement with
 * nothing but minisign (its id, its author's key, its signature, where
 * its exact bytes are), and for an annotation its status and, once
 * revised, where its signed revisions are listed.
 */
static void
w3c_signature(struct buf *b, const struct w3c *w, const char *id,
    const struct w3c_stmt *st, const char *status, int revised)
{
	buf_printf(b, ",\"gloss\":{\"statement\":\"%s\"", id);
	api_member(b, "key", st->author);
	api_member(b, "minisig", st->minisig);
	buf_puts(b, ",\"json\":");
	w3c_iri(b, w, "/v1/statements/%s.json", id);
	if (status != NULL)
		api_member(b, "status", status);
	if (revised) {
		buf_puts(b, ",\"revisions\":");
		w3c_iri(b, w, "/v1/annotations/%s/revisions", id);
	}
	buf_putc(b, '}');
}

static int
w3c_stmt_cb(const struct store_statement *row, void *arg)
{
	struct w3c_stmt	*st = arg;

	snprintf(st->type, sizeof st->type, "%s", row->type);
	snprintf(st->author, sizeof st->author, "%s", row->author);
	st->minisig = xstrdup(row->minisig);
	if (strcmp(row->type, "moderation") == 0 &&
	    (st->decision = api_stored_statement(row)) == NULL)
		st->damaged = 1;
	return 0;
}

/* Revisions come in chain order, (created, id): the last is the latest. */
static int
w3c_modified_cb(const struct store_statement *row, void *arg)
{
	char			*modified = arg;
	struct statement	*st = api_stored_statement(row);

	snprintf(modified, 21, "%s", st != NULL ? st->created_text : "");
	stmt_free(st);
	return 0;
}

static int
w3c_annotation_cb(const struct store_annotation *a, void *arg)
{
	struct w3c_ann	*x = arg;
	struct buf	*b = x->b;
	const char	*motivation = w3c_motivation(a->kind);

	if (strcmp(a->rid, x->w->rid) != 0)
		return 0;
	if (a->retraction != NULL) {
		x->found = W3C_GONE;
		return 0;
	}
	if (!x->any && strcmp(a->status, "visible") != 0)
		return 0;
	w3c_head(b, x->w, a->id, a->reply_to != NULL ? "replying" :
	    motivation);
	w3c_creator(b, x->w, a->author, a->name);
	api_member(b, "created", a->created);
	/* Never before created (§2.1's skew): the form orders as times. */
	if (x->modified[0] != '\0')
		api_member(b, "modified", strcmp(x->modified, a->created) > 0 ?
		    x->modified : a->created);
	/* A reply's body keeps the kind that its motivation does not. */
	buf_puts(b, ",\"body\":[");
	w3c_text(b, a->text, a->text_len, a->reply_to != NULL ? motivation :
	    NULL);
	api_links_foreach(a, w3c_link_cb, b);
	buf_puts(b, "],\"target\":");
	w3c_target(b, x->w, a);
	w3c_signature(b, x->w, a->id, x->st, a->status, a->revisions > 0);
	buf_putc(b, '}');
	x->found = W3C_SHOWN;
	return 0;
}

static int
w3c_rid_cb(const struct store_annotation *a, void *arg)
{
	snprintf(arg, GLOSS_RID_MAX + 1, "%s", a->rid);
	return 0;
}

static int
w3c_name_cb(const struct store_key *k, void *arg)
{
	if (k->name != NULL)
		*(char **)arg = xstrdup(k->name);
	return 0;
}

/* Whether a moderation action decides on an annotation. */
static int
w3c_on_annotation(enum stmt_action action)
{
	switch (action) {
	case ACTION_APPROVE:
	case ACTION_REJECT:
	case ACTION_HIDE:
	case ACTION_RESTORE:
		return 1;
	default:
		return 0;
	}
}

/*
 * A moderation decision on an annotation of w's record: an Annotation
 * motivated by moderating, whose body is the action and its reason and
 * whose target is the annotation decided on.  Decisions on keys and
 * records (ban, lock, ...) have no W3C view.
 */
static enum store_rc
w3c_decision(const struct w3c *w, struct buf *b, const char *id,
    const struct w3c_stmt *st, enum w3c_found *found)
{
	const struct stmt_moderation	*m;
	const char			*subject, *reason;
	char				 rid[GLOSS_RID_MAX + 1] = "";
	char				*name = NULL, *text;
	enum store_rc			 rc = STORE_OK;

	if (st->damaged)
		return STORE_ERROR;
	m = &st->decision->u.moderation;
	subject = m->subject;
	reason = m->reason;
	if (!w3c_on_annotation(m->action))
		goto out;
	rc = store_annotation(w->gd->store, subject, w3c_rid_cb, rid);
	if (rc == STORE_NOTFOUND || (rc == STORE_OK &&
	    strcmp(rid, w->rid) != 0)) {
		rc = STORE_OK;
		goto out;
	}
	if (rc != STORE_OK || ((rc = store_key(w->gd->store, st->author,
	    w3c_name_cb, &name)) != STORE_OK && rc != STORE_NOTFOUND))
		goto out;
	rc = STORE_OK;
	w3c_head(b, w, id, "moderating");
	w3c_creator(b, w, st->author, name);
	api_member(b, "created", st->decision->created_text);
	xasprintf(&text, "%s%s%s", stmt_action_name(m->action),
	    reason != NULL ? ": " : "", reason != NULL ? reason : "");
	buf_puts(b, ",\"body\":[");
	w3c_text(b, text, strlen(text), NULL);
	free(text);
	buf_puts(b, "],\"target\":");
	w3c_iri(b, w, W3C_ANNOTATION_PATH, w->rid, subject);
	w3c_signature(b, w, id, st, NULL, 0);
	buf_putc(b, '}');
	*found = W3C_SHOWN;
out:
	free(name);
	return rc;
}

/*
 * Write the JSON-LD of statement id, if it is one of w's record, to b:
 * an annotation that is visible (with any, in whatever state short of
 * retracted: a POST's answer), or a moderation decision on one.  Returns
 * the store's error, or STORE_OK with *found set.
 */
enum store_rc
w3c_write(const struct w3c *w, struct buf *b, const char *id, int any,
    enum w3c_found *found)
{
	struct w3c_stmt	st;
	struct w3c_ann	x;
	enum store_rc	rc;

	memset(&st, 0, sizeof st);
	*found = W3C_HIDDEN;
	if ((rc = store_statement(w->gd->store, id, w3c_stmt_cb,
	    &st)) != STORE_OK)
		return rc == STORE_NOTFOUND ? STORE_OK : rc;
	if (strcmp(st.type, "moderation") == 0)
		rc = w3c_decision(w, b, id, &st, found);
	else if (strcmp(st.type, "annotation") == 0) {
		memset(&x, 0, sizeof x);
		x.w = w;
		x.b = b;
		x.st = &st;
		x.any = any;
		rc = store_revisions(w->gd->store, id, w3c_modified_cb,
		    x.modified);
		if (rc == STORE_OK)
			rc = store_annotation(w->gd->store, id,
			    w3c_annotation_cb, &x);
		*found = x.found;
	}
	free(st.minisig);
	stmt_free(st.decision);
	return rc;
}

