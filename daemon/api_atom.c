/*
 * api_atom.c: Atom 1.0 feeds (RFC 4287) of a record's commentary.
 *
 * People follow discussions in the feed readers they already use, so a
 * record, one talk of it, or one kind of annotation on either is a feed:
 * GET /v1/records/{rid}/feed.atom?talk=N&kind=K&limit=N (all optional),
 * its visible annotations newest first, each as it reads after its
 * revisions.
 *
 * Everything a feed holds that came from a statement or the config is
 * written through api_xml_escape, the one way text enters the XML here,
 * so what users wrote can never become markup (content is type="text",
 * never "html"), and characters XML 1.0 cannot carry become U+FFFD.
 *
 * Ids are absolute IRIs under base_url, built from the record, the filters
 * and the statement ids, so they stay the same across restarts and on
 * every glossd that shares base_url: a feed's id is its URL with the
 * filters in one order, an entry's is the annotation's IRI,
 * {base}/annotations/{rid}/{id}, as the W3C views name it.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "glossd.h"

#define API_ATOM_TYPE		"application/atom+xml; charset=utf-8"
#define API_ATOM_DEFAULT	50	/* entries without ?limit= */

/* How titles speak of each kind, by enum stmt_kind. */
static const struct {
	const char	*entry;		/* "Critique at 01:09:29 — ..." */
	const char	*feed;		/* "... — critiques" */
} api_atom_kinds[KIND__MAX] = {
	[KIND_COMMENT] = { "Comment", "comments" },
	[KIND_CRITIQUE] = { "Critique", "critiques" },
	[KIND_READING] = { "Reading", "reading" },
};

/* A feed while it is written; see api_get_feed. */
struct api_feed {
	const char		*base;
	const struct store_record *rec;
	struct store_query	 q;
	char			 curator[GLOSS_PUBKEY_LEN + 1];
	char			*curator_name;		/* NULL if none */
	char			 created[21];		/* the record's */
	char			 updated[21];		/* the newest entry's */
	struct buf		 entries;
};

/*
 * The code point at p[0..len), len > 0, in *cp; returns its length in
 * bytes.  A byte that does not start a valid UTF-8 sequence (overlong,
 * surrogate, past U+10FFFF, cut short) is returned alone as UINT32_MAX,
 * which is no character.
 */
static size_t
api_utf8(const unsigned char *p, size_t len, uint32_t *cp)
{
	size_t	n = jcs_utf8_len(p, len), i;

	if (n == 0) {
		*cp = UINT32_MAX;
		return 1;
	}
	*cp = n == 1 ? p[0] : p[0] & (0xff >> (n + 1));
	for (i = 1; i < n; i++)
		*cp = *cp << 6 | (p[i] & 0x3f);
	return n;
}

/* Whether XML 1.0 allows c in a document (its Char production). */
static int
api_xml_char(uint32_t c)
{
	return c == 0x9 || c == 0xa || c == 0xd ||
	    (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) ||
	    (c >= 0x10000 && c <= 0x10ffff);
}

/*
 * Append s[0..len) as XML character data, fit for element content and
 * for attribute values in either quote: & < > " ' escaped, tab, newline
 * and carriage return as character references (an attribute would turn
 * them into spaces, a parser CR into LF), and every character XML 1.0
 * forbids (C0 controls, U+FFFE, U+FFFF) or invalid UTF-8 byte as U+FFFD.
 */
void
api_xml_escape(struct buf *b, const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 c;
	size_t			 i, n;

	for (i = 0; i < len; i += n) {
		n = api_utf8(p + i, len - i, &c);
		switch (c) {
		case '&':
			buf_puts(b, "&amp;");
			break;
		case '<':
			buf_puts(b, "&lt;");
			break;
		case '>':
			buf_puts(b, "&gt;");
			break;
		case '"':
			buf_puts(b, "&quot;");
			break;
		case '\'':
			buf_puts(b, "&apos;");
			break;
		case '\t':
		case '\n':
		case '\r':
			buf_printf(b, "&#%u;", (unsigned)c);
			break;
		default:
			if (api_xml_char(c))
				buf_add(b, p + i, n);
			else
				buf_puts(b, "\xef\xbf\xbd");
		}
	}
}

/* Append <name>text</name> and a newline. */
static void
api_atom_element(struct buf *b, const char *name, const char *text)
{
	buf_printf(b, "<%s>", name);
	api_xml_escape(b, text, strlen(text));
	buf_printf(b, "</%s>\n", name);
}

/* Append <link rel= href=[ type=][ title=]/>; type, title may be NULL. */
static void
api_atom_link(struct buf *b, const char *rel, const char *href,
    const char *type, const char *title)
{
	buf_printf(b, "<link rel=\"%s\" href=\"", rel);
	api_xml_escape(b, href, strlen(href));
	if (type != NULL)
		buf_printf(b, "\" type=\"%s", type);
	if (title != NULL) {
		buf_puts(b, "\" title=\"");
		api_xml_escape(b, title, strlen(title));
	}
	buf_puts(b, "\"/>\n");
}

static const char *
api_atom_kind(const char *kind, int feed)
{
	enum stmt_kind	k;

	if (stmt_kind_from_name(kind, &k) == -1)
		return kind;
	return feed ? api_atom_kinds[k].feed : api_atom_kinds[k].entry;
}

/* The title of talk n of rec, or the record's if n is no talk. */
static const char *
api_atom_about(const struct store_record *rec, int n)
{
	if (n > 0 && (size_t)n <= rec->ntalks)
		return rec->talks[n - 1].title;
	return rec->title;
}

/*
 * Set u to the place in rec a link takes a reader to: the record, with a
 * media fragment (#t=01:09:29 or #t=01:09:29,01:12:00) when start >= 0.
 */
static void
api_atom_place(struct buf *u, const char *base, const char *rid,
    int64_t start, int64_t end)
{
	char	t[32];

	buf_reset(u);
	buf_printf(u, "%s/v1/records/%s", base, rid);
	if (start < 0)
		return;
	timefmt_format(start, t, sizeof t);
	buf_printf(u, "#t=%s", t);
	if (end >= 0) {
		timefmt_format(end, t, sizeof t);
		buf_printf(u, ",%s", t);
	}
}

/* Set u to the IRI of annotation id of record rid, as the W3C views. */
static void
api_atom_iri(struct buf *u, const char *base, const char *rid,
    const char *id)
{
	buf_reset(u);
	buf_printf(u, "%s" W3C_ANNOTATION_PATH, base, rid, id);
}

/*
 * Append the author key as an Atom person: its profile name beside the
 * key's fingerprint, never the name alone (as gloss prints it), and the
 * URI of its GET /v1/keys page, which holds the whole key.
 */
static void
api_atom_author(struct buf *b, const char *base, const char *key,
    const char *name)
{
	struct minisig_pubkey	 pk;
	struct buf		 u;
	const char		*errstr, *p;
	char			 keyid[17] = "?";

	if (minisig_pubkey_parse(key, strlen(key), &pk, &errstr) == 0)
		minisig_keyid(&pk, keyid);
	keyid[8] = '\0';
	buf_init(&u);
	if (name != NULL)
		buf_printf(&u, "%s (%s)", name, keyid);
	else
		buf_printf(&u, "key %s", keyid);
	buf_puts(b, "<author>\n");
	api_atom_element(b, "name", u.data);
	buf_reset(&u);
	buf_printf(&u, "%s/v1/keys/", base);
	for (p = key; *p != '\0'; p++) {
		if (*p == '+' || *p == '/' || *p == '=')
			buf_printf(&u, "%%%02X", (unsigned char)*p);
		else
			buf_putc(&u, *p);
	}
	api_atom_element(b, "uri", u.data);
	buf_puts(b, "</author>\n");
	buf_free(&u);
}

/* Append a title for a: what, where, and the talk or record it is on. */
static void
api_atom_title(struct buf *b, const struct store_record *rec,
    const struct store_annotation *a)
{
	struct buf	 t;
	const char	*what;
	char		 at[32];

	what = a->reply_to != NULL ? "Reply" : api_atom_kind(a->kind, 0);
	buf_init(&t);
	if (a->at_start >= 0) {
		timefmt_format(a->at_start, at, sizeof at);
		buf_printf(&t, "%s at %s", what, at);
	} else if (a->talk > 0)
		buf_printf(&t, "%s on talk %d", what, a->talk);
	else
		buf_printf(&t, "%s on the whole record", what);
	buf_printf(&t, " — %s", api_atom_about(rec, a->talk));
	api_atom_element(b, "title", t.data);
	buf_free(&t);
}

static void
api_atom_related_cb(const char *href, const char *title, void *arg)
{
	api_atom_link(arg, "related", href, NULL, title);
}

/*
 * Append a as an atom:entry of rec's feed, its absolute IRIs under base:
 * id, title, published (created), updated (the later of created and its
 * last revision's, when the row has it), author, category (its kind), an
 * alternate link to its time-coded place, related links, the parent of a
 * reply (RFC 4685) and its text as type="text" content.
 */
void
api_atom_entry(struct buf *b, const char *base, const struct store_record *rec,
    const struct store_annotation *a)
{
	struct buf	u;
	int64_t		start = a->at_start, end = a->at_end;

	buf_init(&u);
	buf_puts(b, "<entry>\n");
	api_atom_iri(&u, base, a->rid, a->id);
	api_atom_element(b, "id", u.data);
	api_atom_title(b, rec, a);
	api_atom_element(b, "published", a->created);
	api_atom_element(b, "updated", a->updated != NULL ? a->updated :
	    a->created);
	api_atom_author(b, base, a->author, a->name);
	buf_puts(b, "<category term=\"");
	api_xml_escape(b, a->kind, strlen(a->kind));
	buf_puts(b, "\"/>\n");
	/* Without a time of its own, a talk's (or a reply's parent's). */
	if (start < 0 && a->talk > 0)
		start = a->span_start;
	api_atom_place(&u, base, a->rid, start, end);
	api_atom_link(b, "alternate", u.data, NULL, NULL);
	api_links_foreach(a, api_atom_related_cb, b);
	if (a->reply_to != NULL) {
		api_atom_iri(&u, base, a->rid, a->reply_to);
		buf_puts(b, "<thr:in-reply-to ref=\"");
		api_xml_escape(b, u.data, u.len);
		buf_puts(b, "\"/>\n");
	}
	buf_puts(b, "<content type=\"text\">");
	api_xml_escape(b, a->text, a->text_len);
	buf_puts(b, "</content>\n</entry>\n");
	buf_free(&u);
}

static int
api_feed_entry_cb(const struct store_annotation *a, void *arg)
{
	struct api_feed	*f = arg;

	if (f->entries.len == 0)
		snprintf(f->updated, sizeof f->updated, "%s", a->updated);
	api_atom_entry(&f->entries, f->base, f->rec, a);
	return 0;
}

/* The filters of ?talk=&kind=&limit=; -1 with a 400 in resp. */
static int
api_feed_query(struct glossd *gd, struct http_request *req,
    struct http_response *resp, struct api_feed *f)
{
	const char	*s;
	enum stmt_kind	 kind;
	int64_t		 n = 0;

	f->q.rid = f->rec->rid;
	if (http_query_int(resp, req, "talk", 1, (int64_t)f->rec->ntalks,
	    &n) == -1)
		return -1;
	f->q.talk = (int)n;
	n = API_ATOM_DEFAULT < gd->cfg.limits.page_max ? API_ATOM_DEFAULT :
	    gd->cfg.limits.page_max;
	if (http_query_int(resp, req, "limit", 1, gd->cfg.limits.page_max,
	    &n) == -1)
		return -1;
	f->q.limit = (int)n;
	if ((s = http_query(req, "kind")) != NULL) {
		if (stmt_kind_from_name(s, &kind) == -1) {
			http_error(resp, 400, "bad_query", "kind must be %s",
			    stmt_kind_list());
			return -1;
		}
		f->q.kind = stmt_kind_name(kind);
	}
	return 0;
}

static int
api_feed_record_cb(const struct store_statement *row, void *arg)
{
	struct api_feed		*f = arg;
	struct statement	*st;

	snprintf(f->curator, sizeof f->curator, "%s", row->author);
	if ((st = api_stored_statement(row)) == NULL)
		return -1;
	snprintf(f->created, sizeof f->created, "%s", st->created_text);
	stmt_free(st);
	return 0;
}

static int
api_feed_curator_cb(const struct store_key *k, void *arg)
{
	struct api_feed	*f = arg;

	if (k->name != NULL)
		f->curator_name = xstrdup(k->name);
	return 0;
}

/*
 * Who signed the record (the feed's author, which RFC 4287 wants when a
 * feed has no entries) and when.  -1 with a 5xx in resp.
 */
static int
api_feed_curator(struct glossd *gd, struct http_response *resp,
    struct api_feed *f)
{
	enum store_rc	rc;

	rc = store_statement(gd->store, f->rec->id, api_feed_record_cb, f);
	if (rc == STORE_OK && strlen(f->created) != 20)
		rc = STORE_ERROR;
	if (rc == STORE_OK &&
	    (rc = store_key(gd->store, f->curator, api_feed_curator_cb,
	    f)) == STORE_NOTFOUND)
		rc = STORE_OK;
	if (rc != STORE_OK) {
		api_store_error(resp, rc);
		return -1;
	}
	return 0;
}

/* Set u to the feed's URL: its id and rel="self", filters in one order. */
static void
api_feed_self(struct buf *u, const struct api_feed *f)
{
	buf_reset(u);
	buf_printf(u, "%s/v1/records/%s/feed.atom", f->base, f->rec->rid);
	if (f->q.talk > 0)
		buf_printf(u, "?talk=%d", f->q.talk);
	if (f->q.kind != NULL)
		buf_printf(u, "%ckind=%s", f->q.talk > 0 ? '&' : '?',
		    f->q.kind);
}

/* Append the XML declaration and the feed's own elements. */
static void
api_feed_head(struct buf *b, const struct api_feed *f)
{
	const struct store_talk	*talk = NULL;
	struct buf		 u;

	if (f->q.talk > 0)
		talk = &f->rec->talks[f->q.talk - 1];
	buf_init(&u);
	buf_puts(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\" "
	    "xmlns:thr=\"http://purl.org/syndication/thread/1.0\">\n");
	api_feed_self(&u, f);
	api_atom_element(b, "id", u.data);
	api_atom_link(b, "self", u.data, "application/atom+xml", NULL);
	buf_reset(&u);
	buf_puts(&u, f->rec->title);
	if (talk != NULL)
		buf_printf(&u, " — talk %d: %s", talk->n, talk->title);
	if (f->q.kind != NULL)
		buf_printf(&u, " — %s", api_atom_kind(f->q.kind, 1));
	api_atom_element(b, "title", u.data);
	api_atom_element(b, "updated", f->updated[0] != '\0' ? f->updated :
	    f->created);
	api_atom_author(b, f->base, f->curator, f->curator_name);
	api_atom_place(&u, f->base, f->rec->rid,
	    talk != NULL ? talk->start : -1, -1);
	api_atom_link(b, "alternate", u.data, NULL, NULL);
	buf_puts(b, "<generator version=\"" GLOSS_VERSION "\">glossd"
	    "</generator>\n");
	buf_free(&u);
}

/*
 * GET /v1/records/{rid}/feed.atom?talk=&kind=&limit=: the record's
 * visible annotations (on talk N, of kind K) as an Atom feed, newest
 * first, at most limit (50 or page_max by default).  Errors are JSON,
 * as everywhere: 404 for an unknown record, 400 for a bad filter.
 * base_url is always set once glossd listens (glossd_base_url).
 */
void
api_get_feed(struct glossd *gd, struct http_request *req,
    struct http_response *resp)
{
	struct store_record	rec;
	struct api_feed		f;
	enum store_rc		rc;

	if (api_find_record(gd, req, resp, &rec) == -1)
		return;
	memset(&f, 0, sizeof f);
	f.base = gd->cfg.base_url;
	f.rec = &rec;
	buf_init(&f.entries);
	if (api_feed_query(gd, req, resp, &f) == -1 ||
	    api_feed_curator(gd, resp, &f) == -1)
		goto out;
	if ((rc = store_feed(gd->store, &f.q, api_feed_entry_cb,
	    &f)) != STORE_OK) {
		api_store_error(resp, rc);
		goto out;
	}
	resp->status = 200;
	resp->content_type = API_ATOM_TYPE;
	api_feed_head(&resp->body, &f);
	if (f.entries.len > 0)
		buf_add(&resp->body, f.entries.data, f.entries.len);
	buf_puts(&resp->body, "</feed>\n");
out:
	buf_free(&f.entries);
	free(f.curator_name);
	store_record_clear(&rec);
}
