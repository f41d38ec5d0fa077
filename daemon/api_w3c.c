/*
 * api_w3c.c: the W3C Web Annotation views (Data Model and Protocol, 2017)
 * of the annotations.
 *
 * Web Annotation clients, archives and tools speak JSON-LD over LDP
 * containers, not gloss's /v1 API, so this file shows them the same views
 * in their terms: each record is a container at /annotations/{rid}/ (each
 * talk a read-only one at /annotations/{rid}/talks/{n}/), each visible
 * annotation, and each moderation decision about one, an Annotation at
 * /annotations/{rid}/{statement id} (whose JSON-LD w3c_jsonld.c writes).
 * This file is the protocol: containers and their pages, Prefer, content
 * negotiation, ETags, OPTIONS and CORS.  Nothing here is stored or
 * cached: it is a projection of the views.  A POST is taken only as the
 * wrapper of a
 * signed gloss statement, which goes through the very chain POST
 * /v1/statements runs (api_post), so this door lets in nothing the other
 * refuses.
 */

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "glossd.h"

#define W3C_TYPE	"application/ld+json; profile=\"" W3C_CONTEXT "\""
#define W3C_LDP		"http://www.w3.org/ns/ldp#"
#define W3C_OA		"http://www.w3.org/ns/oa#"
#define W3C_PROTOCOL	"http://www.w3.org/TR/annotation-protocol/"
#define W3C_PAGE_DEFAULT 100		/* annotations per page */
#define W3C_MAX_AGE	86400		/* seconds a preflight holds */

#define W3C_ALLOW_READ	"GET, HEAD, OPTIONS"
#define W3C_ALLOW_POST	"GET, HEAD, OPTIONS, POST"

/* How many annotations the container holds, and the ids on one page. */
struct w3c_walk {
	int64_t		  from;		/* the page's first row */
	int64_t		  total;
	int		  n;		/* ids on the page */
	char		(*ids)[GLOSS_ID_LEN + 1];
};

/* w set up for rid, with the default page size. */
static void
w3c_init(struct w3c *w, struct glossd *gd, const char *rid)
{
	memset(w, 0, sizeof *w);
	w->gd = gd;
	w->base = gd->cfg.base_url;
	w->rid = rid;
	w->limit_default = W3C_PAGE_DEFAULT < gd->cfg.limits.page_max ?
	    W3C_PAGE_DEFAULT : gd->cfg.limits.page_max;
	w->limit = w->limit_default;
}

/*
 * The container's IRI with the query naming what was returned: ?iris=0|1,
 * &limit=N when not the default, &page=N for a page (page -1: the
 * container itself).  Raw text, for a header.
 */
static void
w3c_container_iri(struct buf *b, const struct w3c *w, int64_t page)
{
	buf_printf(b, "%s/annotations/%s/", w->base, w->rid);
	if (w->talk > 0)
		buf_printf(b, "talks/%d/", w->talk);
	buf_printf(b, "?iris=%d", w->iris);
	if (w->limit != w->limit_default)
		buf_printf(b, "&limit=%d", w->limit);
	if (page >= 0)
		buf_printf(b, "&page=%lld", (long long)page);
}

/* The same as a JSON string. */
static void
w3c_container_json(struct buf *b, const struct w3c *w, int64_t page)
{
	struct buf	iri;

	buf_init(&iri);
	w3c_container_iri(&iri, w, page);
	jcs_write_string(b, iri.data, iri.len);
	buf_free(&iri);
}

static void
w3c_ld(struct http_response *resp, int status)
{
	resp->status = status;
	resp->content_type = W3C_TYPE;
}

/*
 * Let a page on any origin read the answer (it is public, and nothing
 * here takes a cookie), with the headers the protocol's clients read; a
 * preflight (allow: the route's methods) also learns what it may send.
 */
static void
w3c_cors(struct http_response *resp, const char *allow)
{
	http_header(resp, "Access-Control-Allow-Origin", "*");
	http_header(resp, "Access-Control-Expose-Headers", "ETag, Link, "
	    "Location, Allow, Content-Location, Vary, Preference-Applied, "
	    "Accept-Post");
	if (allow == NULL)
		return;
	http_header(resp, "Access-Control-Allow-Methods", "%s", allow);
	http_header(resp, "Access-Control-Allow-Headers", "Accept, "
	    "Content-Type, Prefer, If-None-Match, If-Match, Authorization");
	http_header(resp, "Access-Control-Max-Age", "%d", W3C_MAX_AGE);
}

/* The methods of the route req matched: only a record's container posts. */
static const char *
w3c_allow(const struct http_request *req)
{
	if (http_param(req, "id") == NULL && http_param(req, "n") == NULL)
		return W3C_ALLOW_POST;
	return W3C_ALLOW_READ;
}

/*
 * Answer a lookup of one annotation: with status and the protocol's
 * headers when shown, else 404 / 410 (or the store's error).
 */
static void
w3c_answer(const struct w3c *w, struct http_request *req,
    struct http_response *resp, enum store_rc rc, enum w3c_found found,
    int status, const char *id)
{
	if (rc != STORE_OK)
		api_store_error(resp, rc);
	else if (found == W3C_GONE)
		http_error(resp, 410, "retracted", "its author retracted this "
		    "annotation");
	else if (found == W3C_HIDDEN)
		http_error(resp, 404, "not_found", "no annotation has that "
		    "IRI");
	else {
		buf_putc(&resp->body, '\n');
		w3c_ld(resp, status);
		http_header(resp, "Link", "<" W3C_LDP "Resource>; "
		    "rel=\"type\", <" W3C_OA "Annotation>; rel=\"type\"");
		http_header(resp, "Allow", W3C_ALLOW_READ);
		http_header(resp, "Vary", "Accept");
		if (req->method == HTTP_POST)
			http_header(resp, "Location", "%s"
			    W3C_ANNOTATION_PATH, w->base, w->rid, id);
		http_etag(req, resp, NULL);
	}
}

/* Whether the request's Accept takes JSON-LD; else a 406 in resp. */
static int
w3c_acceptable(const struct http_request *req, struct http_response *resp)
{
	if (api_w3c_acceptable(req->accept))
		return 1;
	http_error(resp, 406, "not_acceptable", "annotations are served as "
	    "%s (or application/json)", W3C_TYPE);
	return 0;
}

/* GET /annotations/{rid}/{id}: an annotation or a decision on one. */
void
api_w3c_get_annotation(struct glossd *gd, struct http_request *req,
    struct http_response *resp)
{
	struct w3c	 w;
	const char	*rid = http_param(req, "rid");
	const char	*id = http_param(req, "id");
	enum w3c_found	 found = W3C_HIDDEN;
	enum store_rc	 rc = STORE_OK;

	if (w3c_acceptable(req, resp)) {
		w3c_init(&w, gd, rid);
		if (stmt_rid_valid(rid) && stmt_id_valid(id))
			rc = w3c_write(&w, &resp->body, id, 0, &found);
		w3c_answer(&w, req, resp, rc, found, 200, id);
	}
	w3c_cors(resp, NULL);
}

/* The last page's number; an empty container has one empty page. */
static int64_t
w3c_last(const struct w3c *w, int64_t total)
{
	return total == 0 ? 0 : (total - 1) / w->limit;
}

/*
 * Count w's container (a record's count is kept by triggers; a talk's is
 * counted in its index) and, for a page that exists (-1: none), note its
 * ids in the listing's order, (span_start, seq).  Pages are offsets into
 * it; reaching one walks the index, not the rows before it.
 */
static enum store_rc
w3c_walk(const struct w3c *w, const struct store_record *rec, int64_t page,
    struct w3c_walk *wk)
{
	enum store_rc	rc;

	if (w->talk == 0)
		wk->total = rec->annotations;
	else if ((rc = store_talk_count(w->gd->store, w->rid, w->talk,
	    &wk->total)) != STORE_OK)
		return rc;
	if (page < 0 || page > w3c_last(w, wk->total))
		return STORE_OK;
	wk->from = page * w->limit;
	wk->ids = xcalloc(w->limit, sizeof *wk->ids);
	return store_listing_page(w->gd->store, w->rid, w->talk, wk->from,
	    w->limit, wk->ids, &wk->n);
}

/*
 * An AnnotationPage of w's container: standalone (with its @context, the
 * container it is part of and its total) or embedded as the first.
 */
static enum store_rc
w3c_page(const struct w3c *w, struct buf *b, int64_t page,
    const struct w3c_walk *wk, int standalone)
{
	int		i;
	enum w3c_found	found;
	enum store_rc	rc;

	buf_puts(b, standalone ? "{\"@context\":\"" W3C_CONTEXT "\",\"id\":" :
	    "{\"id\":");
	w3c_container_json(b, w, page);
	buf_puts(b, ",\"type\":\"AnnotationPage\"");
	if (standalone) {
		buf_puts(b, ",\"partOf\":");
		w3c_container_json(b, w, -1);
		buf_printf(b, ",\"total\":%lld", (long long)wk->total);
	}
	buf_printf(b, ",\"startIndex\":%lld", (long long)wk->from);
	if (page > 0) {
		buf_puts(b, ",\"prev\":");
		w3c_container_json(b, w, page - 1);
	}
	if (page < w3c_last(w, wk->total)) {
		buf_puts(b, ",\"next\":");
		w3c_container_json(b, w, page + 1);
	}
	buf_puts(b, ",\"items\":[");
	for (i = 0; i < wk->n; i++) {
		if (i > 0)
			buf_putc(b, ',');
		if (w->iris) {
			w3c_iri(b, w, W3C_ANNOTATION_PATH, w->rid,
			    wk->ids[i]);
			continue;
		}
		rc = w3c_write(w, b, wk->ids[i], 0, &found);
		if (rc == STORE_OK && found != W3C_SHOWN) {
			log_warnx("w3c: annotation %s left the listing",
			    wk->ids[i]);
			rc = STORE_ERROR;
		}
		if (rc != STORE_OK)
			return rc;
	}
	buf_puts(b, "]}");
	return STORE_OK;
}

/*
 * The container: an LDP BasicContainer and AnnotationCollection, with
 * its first page embedded unless minimal.
 */
static enum store_rc
w3c_container(const struct w3c *w, struct buf *b,
    const struct store_record *rec, int minimal, const struct w3c_walk *wk)
{
	struct buf		 label;
	const struct store_talk	*t;
	enum store_rc		 rc;

	buf_puts(b, "{\"@context\":[\"" W3C_CONTEXT "\","
	    "\"http://www.w3.org/ns/ldp.jsonld\"],\"id\":");
	w3c_container_json(b, w, -1);
	buf_puts(b, ",\"type\":[\"BasicContainer\",\"AnnotationCollection\"]");
	buf_init(&label);
	buf_puts(&label, rec->title);
	if (w->talk > 0) {
		t = &rec->talks[w->talk - 1];
		buf_printf(&label, ", talk %d: %s", t->n, t->title);
	}
	api_member(b, "label", label.data);
	buf_free(&label);
	buf_printf(b, ",\"total\":%lld,\"first\":", (long long)wk->total);
	if (minimal)
		w3c_container_json(b, w, 0);
	else if ((rc = w3c_page(w, b, 0, wk, 0)) != STORE_OK)
		return rc;
	buf_puts(b, ",\"last\":");
	w3c_container_json(b, w, w3c_last(w, wk->total));
	buf_putc(b, '}');
	return STORE_OK;
}

/*
 * Set w up for a GET of the :rid record's container, or the :n talk's:
 * ?iris= (else Prefer) picks items as IRIs or descriptions, ?limit= the
 * page size, ?page= a page (*page, -1 for the container).  Returns 1 if
 * the answer follows prefer (a container whose items, if it shows any,
 * are in the form prefer asked for), 0 if not, or -1 with 406, 404 or
 * 400 in resp.
 */
static int
w3c_view(struct glossd *gd, struct http_request *req,
    struct http_response *resp, int prefer, struct store_record *rec,
    struct w3c *w, int64_t *page)
{
	int64_t	iris = -1, limit;
	int	form = prefer & (PREFER_IRIS | PREFER_DESCRIPTIONS);

	*page = -1;
	if (!w3c_acceptable(req, resp) ||
	    api_find_record(gd, req, resp, rec) == -1)
		return -1;
	w3c_init(w, gd, rec->rid);
	if (http_param(req, "n") != NULL &&
	    (w->talk = api_find_talk(req, resp, rec)) == -1)
		return -1;
	limit = w->limit;
	if (http_query_int(resp, req, "iris", 0, 1, &iris) == -1 ||
	    http_query_int(resp, req, "limit", 1, gd->cfg.limits.page_max,
	    &limit) == -1 ||
	    http_query_int(resp, req, "page", 0, INT_MAX, page) == -1)
		return -1;
	w->limit = (int)limit;
	w->iris = iris != -1 ? (int)iris : *page < 0 && form == PREFER_IRIS;
	if (*page >= 0 || prefer == 0)
		return 0;
	return (prefer & PREFER_MINIMAL) || w->iris == (form == PREFER_IRIS);
}

/*
 * GET /annotations/{rid}/ and /annotations/{rid}/talks/{n}/: the
 * container, or with ?page= one of its pages.
 */
void
api_w3c_get_container(struct glossd *gd, struct http_request *req,
    struct http_response *resp)
{
	struct store_record	 rec;
	struct w3c		 w;
	struct w3c_walk		 wk;
	struct buf		 iri;
	int			 prefer = api_w3c_prefer(req->prefer);
	int64_t			 page;
	int			 applied;
	enum store_rc		 rc;

	memset(&rec, 0, sizeof rec);
	memset(&wk, 0, sizeof wk);
	if ((applied = w3c_view(gd, req, resp, prefer, &rec, &w,
	    &page)) == -1)
		goto out;
	if ((rc = w3c_walk(&w, &rec, page < 0 && !(prefer & PREFER_MINIMAL) ?
	    0 : page, &wk)) == STORE_OK && page > w3c_last(&w, wk.total)) {
		http_error(resp, 404, "no_such_page", "the container has "
		    "pages 0 to %lld", (long long)w3c_last(&w, wk.total));
		goto out;
	}
	if (rc == STORE_OK)
		rc = page >= 0 ? w3c_page(&w, &resp->body, page, &wk, 1) :
		    w3c_container(&w, &resp->body, &rec,
		    prefer & PREFER_MINIMAL, &wk);
	if (rc != STORE_OK) {
		api_store_error(resp, rc);
		goto out;
	}
	buf_putc(&resp->body, '\n');
	w3c_ld(resp, 200);
	if (page < 0)
		http_header(resp, "Link", "<" W3C_LDP "BasicContainer>; "
		    "rel=\"type\", <" W3C_PROTOCOL ">; rel=\"" W3C_LDP
		    "constrainedBy\"");
	http_header(resp, "Allow", "%s", w3c_allow(req));
	if (w.talk == 0)
		http_header(resp, "Accept-Post", W3C_TYPE);
	http_header(resp, "Vary", "Accept, Prefer");
	buf_init(&iri);
	w3c_container_iri(&iri, &w, page);
	http_header(resp, "Content-Location", "%s", iri.data);
	buf_free(&iri);
	if (applied)
		http_header(resp, "Preference-Applied",
		    "return=representation");
	http_etag(req, resp, NULL);
out:
	free(wk.ids);
	store_record_clear(&rec);
	w3c_cors(resp, NULL);
}

/*
 * POST /annotations/{rid}/: a W3C annotation carrying a signed gloss
 * statement in its "gloss" member, exactly as POST /v1/statements takes
 * it; the statement must be an annotation of rid.  The rest of the
 * document is not read: the annotation is what its author signed.  201
 * (200 if it was stored before) with Location and its JSON-LD.
 */
void
api_w3c_post(struct glossd *gd, struct http_request *req,
    struct http_response *resp)
{
	struct store_record	rec;
	struct api_posted	p;
	struct w3c		w;
	enum w3c_found		found;
	enum store_rc		rc;

	if (api_find_record(gd, req, resp, &rec) == 0 &&
	    api_post(gd, req, resp, "gloss", rec.rid, &p) == 0) {
		w3c_init(&w, gd, rec.rid);
		rc = w3c_write(&w, &resp->body, p.id, 1, &found);
		w3c_answer(&w, req, resp, rc, found, p.status, p.id);
	}
	store_record_clear(&rec);
	w3c_cors(resp, NULL);
}

/* OPTIONS on every W3C route: its methods, and CORS for a preflight. */
void
api_w3c_options(struct glossd *gd, struct http_request *req,
    struct http_response *resp)
{
	const char	*allow = w3c_allow(req);

	resp->status = 200;
	resp->content_type = NULL;
	http_header(resp, "Allow", "%s", allow);
	if (strcmp(allow, W3C_ALLOW_POST) == 0)
		http_header(resp, "Accept-Post", W3C_TYPE);
	w3c_cors(resp, allow);
}

/* The tchar run at *p (RFC 9110 §5.6.2), *p moved past it; its length. */
static size_t
w3c_token(const char **p)
{
	size_t	n;

	n = strspn(*p, "!#$%&'*+-.^_`|~0123456789"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
	*p += n;
	return n;
}

/*
 * An optional "= value" at *p, value a token or a quoted string,
 * unquoted into out (cut at len - 1 bytes; "" when absent).  Returns -1
 * if malformed.
 */
static int
w3c_value(const char **p, char *out, size_t len)
{
	const char	*s = *p + strspn(*p, " \t"), *v;
	size_t		 n = 0;

	out[0] = '\0';
	if (*s != '=')
		return 0;
	s += 1 + strspn(s + 1, " \t");
	if (*s != '"') {
		v = s;
		n = w3c_token(&s);
		snprintf(out, len, "%.*s", (int)n, v);
		*p = s;
		return 0;
	}
	for (s++; *s != '"'; s++) {
		if (*s == '\\' && s[1] != '\0')
			s++;
		if (*s == '\0')
			return -1;
		if (n + 1 < len)
			out[n++] = *s;
	}
	out[n] = '\0';
	*p = s + 1;
	return 0;
}

/*
 * The next ";name=value" parameter of a header element at *p (leading
 * blanks skipped): 1 with name (n bytes, borrowed) and value filled, 0
 * when the element has no more, -1 when it does not parse.
 */
static int
w3c_param(const char **p, const char **name, size_t *n, char *value,
    size_t len)
{
	*p += strspn(*p, " \t");
	if (**p != ';')
		return 0;
	++*p;
	*p += strspn(*p, " \t");
	*name = *p;
	if ((*n = w3c_token(p)) == 0 || w3c_value(p, value, len) == -1)
		return -1;
	return 1;
}

/* The flags for the space-separated IRIs of an include parameter. */
static int
w3c_includes(const char *list)
{
	static const struct {
		const char	*iri;
		int		 flag;
	} prefs[] = {
		{ W3C_LDP "PreferMinimalContainer", PREFER_MINIMAL },
		{ W3C_OA "PreferContainedIRIs", PREFER_IRIS },
		{ W3C_OA "PreferContainedDescriptions", PREFER_DESCRIPTIONS },
	};
	const char	*p = list;
	size_t		 i, n;
	int		 flags = 0;

	for (p += strspn(p, " "); *p != '\0'; p += n + strspn(p + n, " ")) {
		n = strcspn(p, " ");
		for (i = 0; i < sizeof prefs / sizeof prefs[0]; i++) {
			if (strlen(prefs[i].iri) == n &&
			    memcmp(p, prefs[i].iri, n) == 0)
				flags |= prefs[i].flag;
		}
	}
	return flags;
}

/*
 * What a Prefer header (RFC 7240) asks of a container: the include IRIs
 * of its return=representation preference that the protocol defines, as
 * enum api_prefer flags.  0 when it has none, or is malformed.
 */
int
api_w3c_prefer(const char *h)
{
	const char	*p = h, *name;
	char		 value[512];
	size_t		 n;
	int		 flags = 0, ours, rc;

	if (h == NULL)
		return 0;
	for (;;) {
		p += strspn(p, " \t");
		name = p;
		n = w3c_token(&p);
		if (n == 0 || w3c_value(&p, value, sizeof value) == -1)
			return 0;
		ours = n == 6 && strncasecmp(name, "return", 6) == 0 &&
		    strcmp(value, "representation") == 0;
		while ((rc = w3c_param(&p, &name, &n, value,
		    sizeof value)) == 1) {
			if (ours && n == 7 && strncasecmp(name, "include",
			    7) == 0)
				flags |= w3c_includes(value);
		}
		if (rc == -1)
			return 0;
		if (*p == '\0')
			return flags;
		if (*p++ != ',')
			return 0;
	}
}

/*
 * Whether an Accept header lets us answer JSON-LD: absent, or naming
 * application/ld+json (any profile), application/json or a wildcard
 * that covers them, without q=0.  One we cannot parse rules nothing out.
 */
int
api_w3c_acceptable(const char *h)
{
	static const char *const ranges[] = { "*/*", "application/*",
	    "application/json", "application/ld+json" };
	const char	*p = h, *range, *name;
	char		 value[32];
	size_t		 i, n, len;
	int		 zero, rc;

	if (h == NULL || h[strspn(h, " \t")] == '\0')
		return 1;
	for (;;) {
		p += strspn(p, " \t");
		range = p;
		if (w3c_token(&p) == 0 || *p++ != '/' || w3c_token(&p) == 0)
			return 1;
		len = p - range;
		zero = 0;
		while ((rc = w3c_param(&p, &name, &n, value,
		    sizeof value)) == 1) {
			/* q=0, 0., 0.0, 0.00 or 0.000: not acceptable. */
			if (n == 1 && (*name == 'q' || *name == 'Q'))
				zero = value[0] == '0' && (value[1] == '\0' ||
				    (value[1] == '.' && value[2 +
				    strspn(value + 2, "0")] == '\0'));
		}
		if (rc == -1)
			return 1;
		for (i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
			if (!zero && strlen(ranges[i]) == len &&
			    strncasecmp(range, ranges[i], len) == 0)
				return 1;
		}
		if (*p == '\0')
			return 0;
		if (*p++ != ',')
			return 1;
	}
}
