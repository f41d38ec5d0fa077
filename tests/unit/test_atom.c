/*
 * test_atom.c: unit tests for daemon/api_atom.c, the Atom feeds.
 *
 * A feed carries what users wrote into other people's feed readers, so
 * the escaping is tested hardest: every character that could open markup
 * and every character XML 1.0 forbids, on exact vectors and on random
 * bytes.  The entry mapping is pinned on hand-made rows (every element of
 * one whole entry, then each rule on its own), and the handler runs
 * through http_dispatch on a ":memory:" store filled by real signed
 * statements posted the way clients post them, for the order, the
 * filters, revisions, retractions and the errors.  The end-to-end test
 * (tests/e2e/130-atom.sh) parses real feeds and checks them against the
 * Atom schema.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "glossd.h"
#include "fixtures.h"

#define BASE		"https://gloss.example"
#define T0		((time_t)1790000000)	/* 2026-09-21T13:33:20Z */
#define FFFD		"\xef\xbf\xbd"
#define HOSTILE		"<script>alert(1)</script> & \"quotes\" ]]> 'x'"
#define HOSTILE_XML	"&lt;script&gt;alert(1)&lt;/script&gt; &amp; " \
			"&quot;quotes&quot; ]]&gt; &apos;x&apos;"

/* --- Escaping ----------------------------------------------------------- */

/* s[0..len) escaped, for free(). */
static char *
escaped(const char *s, size_t len)
{
	struct buf	b;

	buf_init(&b);
	api_xml_escape(&b, s, len);
	buf_putc(&b, '\0');
	return buf_take(&b);
}

#define ESCAPES(in, want) do {						\
	char *got_ = escaped((in), sizeof (in) - 1);			\
	assert_string_equal(got_, (want));				\
	free(got_);							\
} while (0)

static void
test_escape_markup(void **state)
{
	ESCAPES("", "");
	ESCAPES("plain text, 1:09:29", "plain text, 1:09:29");
	ESCAPES("&<>\"'", "&amp;&lt;&gt;&quot;&apos;");
	ESCAPES(HOSTILE, HOSTILE_XML);
	ESCAPES("]]>", "]]&gt;");
	ESCAPES("<![CDATA[x]]>", "&lt;![CDATA[x]]&gt;");
	ESCAPES("&amp; stays text", "&amp;amp; stays text");
	ESCAPES("&#60; &#x3c; &lt;", "&amp;#60; &amp;#x3c; &amp;lt;");
	ESCAPES("<!--c--><?pi?>", "&lt;!--c--&gt;&lt;?pi?&gt;");
	ESCAPES("a=\"1\" b='2'", "a=&quot;1&quot; b=&apos;2&apos;");
}

/* Tab, newline and CR survive attribute normalization and CRLF folding. */
static void
test_escape_whitespace(void **state)
{
	ESCAPES("a\tb\nc\rd\r\ne", "a&#9;b&#10;c&#13;d&#13;&#10;e");
	ESCAPES(" leading and trailing ", " leading and trailing ");
}

/* C0 controls but tab, LF, CR are not XML 1.0 characters. */
static void
test_escape_controls(void **state)
{
	char	in[2], *got;
	int	c;

	for (c = 0; c < 0x20; c++) {
		if (c == '\t' || c == '\n' || c == '\r')
			continue;
		in[0] = (char)c;
		got = escaped(in, 1);
		if (strcmp(got, FFFD) != 0)
			fail_msg("control 0x%02x escaped to \"%s\"", c, got);
		free(got);
	}
	/* A NUL does not end the text: len does. */
	ESCAPES("a\0b", "a" FFFD "b");
	ESCAPES("\x1b[31mred", FFFD "[31mred");
	/* DEL and C1 controls are XML 1.0 characters: kept. */
	ESCAPES("\x7f", "\x7f");
	ESCAPES("\xc2\x85\xc2\x9f", "\xc2\x85\xc2\x9f");
}

/* The two BMP noncharacters XML excludes go; others are characters. */
static void
test_escape_nonchars(void **state)
{
	ESCAPES("\xef\xbf\xbe", FFFD);			/* U+FFFE */
	ESCAPES("\xef\xbf\xbf", FFFD);			/* U+FFFF */
	ESCAPES("x\xef\xbf\xbey\xef\xbf\xbfz", "x" FFFD "y" FFFD "z");
	ESCAPES("\xef\xbf\xbd", FFFD);			/* U+FFFD itself */
	ESCAPES("\xef\xb7\x90", "\xef\xb7\x90");	/* U+FDD0 */
	ESCAPES("\xed\x9f\xbf", "\xed\x9f\xbf");	/* U+D7FF */
	ESCAPES("\xee\x80\x80", "\xee\x80\x80");	/* U+E000 */
	ESCAPES("\xf0\x90\x80\x80", "\xf0\x90\x80\x80");	/* U+10000 */
	ESCAPES("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf");	/* U+10FFFF */
	ESCAPES("\xf0\x9f\x98\x80 é — ü", "\xf0\x9f\x98\x80 é — ü");
	/* Bidi controls are characters; names carry a fingerprint. */
	ESCAPES("\xe2\x80\xae", "\xe2\x80\xae");
}

/* Statements are valid UTF-8; should a byte not be, it is U+FFFD. */
static void
test_escape_invalid_utf8(void **state)
{
	ESCAPES("\xed\xa0\x80", FFFD FFFD FFFD);	/* lone U+D800 */
	ESCAPES("\xed\xbf\xbf", FFFD FFFD FFFD);	/* lone U+DFFF */
	ESCAPES("\xed\xa0\xbd\xed\xb8\x80",		/* a CESU pair */
	    FFFD FFFD FFFD FFFD FFFD FFFD);
	ESCAPES("\xc0\xbc", FFFD FFFD);			/* overlong '<' */
	ESCAPES("\xe0\x80\xbc", FFFD FFFD FFFD);	/* overlong '<' */
	ESCAPES("\xf0\x80\x80\xbc", FFFD FFFD FFFD FFFD);
	ESCAPES("\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD);	/* > 10FFFF */
	ESCAPES("\xf5\xff\xfe", FFFD FFFD FFFD);
	ESCAPES("\x80<", FFFD "&lt;");			/* stray continuation */
	ESCAPES("a\xe2\x80", "a" FFFD FFFD);		/* cut short */
	ESCAPES("\xe2\x80<", FFFD FFFD "&lt;");		/* cut by markup */
	ESCAPES("\xc3(", FFFD "(");
}

/*
 * What any escaped text must be: valid UTF-8 made of XML characters,
 * with no markup character but '&' starting a reference it wrote.
 */
static void
check_xml_text(const char *s, size_t len)
{
	static const char *const refs[] = { "&amp;", "&lt;", "&gt;",
	    "&quot;", "&apos;", "&#9;", "&#10;", "&#13;" };
	size_t	i, r;

	if (!jcs_utf8_valid(s, len))
		fail_msg("escaped text is not valid UTF-8");
	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c < 0x20 || c == '<' || c == '>' || c == '"' ||
		    c == '\'')
			fail_msg("byte 0x%02x at %zu in escaped text", c, i);
		if (c == 0xef && i + 2 < len && (unsigned char)s[i + 1] ==
		    0xbf && ((unsigned char)s[i + 2] & 0xfe) == 0xbe)
			fail_msg("U+FFFE or U+FFFF at %zu", i);
		if (c != '&')
			continue;
		for (r = 0; r < sizeof refs / sizeof refs[0]; r++) {
			if (strncmp(s + i, refs[r], strlen(refs[r])) == 0)
				break;
		}
		if (r == sizeof refs / sizeof refs[0])
			fail_msg("'&' at %zu starts no reference", i);
	}
}

/* Random bytes, biased to the interesting ones, always give XML text. */
static void
test_escape_random(void **state)
{
	static const unsigned char pool[] = { '&', '<', '>', '"', '\'', ']',
	    '\0', '\t', '\n', '\r', 0x01, 0x1f, 0x7f, 0x80, 0xbf, 0xbe, 0xc0,
	    0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 'a' };
	unsigned char	 in[64];
	uint32_t	 x = 2463534242u;	/* xorshift32, fixed seed */
	struct buf	 b;
	size_t		 i, len;
	int		 round;

	for (round = 0; round < 20000; round++) {
		len = round % sizeof in;
		for (i = 0; i < len; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			in[i] = x & 1 ? pool[(x >> 1) % sizeof pool] :
			    (unsigned char)(x >> 8);
		}
		buf_init(&b);
		api_xml_escape(&b, (const char *)in, len);
		check_xml_text(b.data != NULL ? b.data : "", b.len);
		buf_free(&b);
	}
}

/* Valid UTF-8 of XML characters comes back unchanged but for markup. */
static void
test_escape_identity(void **state)
{
	static const char text[] = "Ünïcödé — 日本語 — \xf0\x9f\x8e\xa5 "
	    "1:09:29-1:12:00 (100%) #t=1 ~/path?q=1;x";
	char	*got;

	got = escaped(text, sizeof text - 1);
	assert_string_equal(got, text);
	free(got);
}

/* --- The entry mapping -------------------------------------------------- */

#define ID_A	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define ID_B	"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" \
		"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

/* The store's record row owns its strings, so they are arrays here. */
static char ada[] = "Ada", grace[] = "Grace", opening[] = "Opening";
static char panel[] = "Panel <live> & Q&A", compilers[] = "Compilers";
static char title[] = "Test \"record\"";
static struct store_talk talks[] = {
	{ 1, 0, 60000, ada, opening },
	{ 2, 60000, 4169000, NULL, panel },
	{ 3, 4169000, 6000000, grace, compilers },
};
static struct store_record rec = {
	.rid = "rec", .id = ID_B, .title = title,
	.duration = 6000000, .talks = talks, .ntalks = 3,
};

/* A timed critique on talk 2 with a name, a revision and two links. */
static struct store_annotation
row(void)
{
	struct store_annotation	a;

	memset(&a, 0, sizeof a);
	a.seq = 7;
	a.id = ID_A;
	a.rid = "rec";
	a.kind = "critique";
	a.author = key_other->pubkey;
	a.created = "2026-11-26T15:04:05Z";
	a.updated = "2026-11-27T08:00:00Z";
	a.talk = 2;
	a.at_start = 4169000;
	a.at_end = -1;
	a.span_start = 4169000;
	a.span_end = 4169001;
	a.text = HOSTILE "\nline two";
	a.text_len = strlen(a.text);
	a.links = "[{\"title\":\"A & B <paper>\",\"url\":"
	    "\"https://example.org/p?a=1&b=2\"},"
	    "{\"url\":\"arxiv:2304.08485\"}]";
	a.status = "visible";
	a.root = ID_A;
	a.name = "Ann <Example>";
	return a;
}

/* a as api_atom_entry writes it under base, for free(). */
static char *
entry(const char *base, const struct store_annotation *a)
{
	struct buf	b;

	buf_init(&b);
	api_atom_entry(&b, base, &rec, a);
	return buf_take(&b);
}

/* The fingerprint gloss prints for a key: 8 hex digits of its key id. */
static void
fingerprint(const struct fixture_key *k, char out[9])
{
	char	keyid[17];

	minisig_keyid(&k->pk, keyid);
	memcpy(out, keyid, 8);
	out[8] = '\0';
}

/* k's GET /v1/keys URI, percent-escaped, under BASE; for free(). */
static char *
key_uri(const struct fixture_key *k)
{
	struct buf	 b;
	const char	*p;

	buf_init(&b);
	buf_puts(&b, BASE "/v1/keys/");
	for (p = k->pubkey; *p != '\0'; p++) {
		if (*p == '+')
			buf_puts(&b, "%2B");
		else if (*p == '/')
			buf_puts(&b, "%2F");
		else
			buf_putc(&b, *p);
	}
	return buf_take(&b);
}

/* Every element of one entry, byte for byte. */
static void
test_entry_whole(void **state)
{
	struct store_annotation	 a = row();
	char			*got, *want, *uri, fp[9];

	fingerprint(key_other, fp);
	uri = key_uri(key_other);
	xasprintf(&want,
	    "<entry>\n"
	    "<id>" BASE "/annotations/rec/" ID_A "</id>\n"
	    "<title>Critique at 01:09:29 — Panel &lt;live&gt; &amp; Q&amp;A"
	    "</title>\n"
	    "<published>2026-11-26T15:04:05Z</published>\n"
	    "<updated>2026-11-27T08:00:00Z</updated>\n"
	    "<author>\n<name>Ann &lt;Example&gt; (%s)</name>\n"
	    "<uri>%s</uri>\n</author>\n"
	    "<category term=\"critique\"/>\n"
	    "<link rel=\"alternate\" href=\"" BASE
	    "/v1/records/rec#t=01:09:29\"/>\n"
	    "<link rel=\"related\" href=\"https://example.org/p?a=1&amp;b=2\""
	    " title=\"A &amp; B &lt;paper&gt;\"/>\n"
	    "<link rel=\"related\" href=\"https://arxiv.org/abs/2304.08485\""
	    "/>\n"
	    "<content type=\"text\">" HOSTILE_XML "&#10;line two</content>\n"
	    "</entry>\n", fp, uri);
	got = entry(BASE, &a);
	assert_string_equal(got, want);
	free(got);
	free(want);
	free(uri);
}

/* A talk without a time links to the talk's start. */
static void
test_entry_talk(void **state)
{
	struct store_annotation	 a = row();
	char			*got;

	a.kind = "comment";
	a.talk = 3;
	a.at_start = -1;
	a.span_start = 4169000;
	a.span_end = 6000000;
	got = entry(BASE, &a);
	assert_non_null(strstr(got, "<title>Comment on talk 3 — Compilers"
	    "</title>\n"));
	assert_non_null(strstr(got, "<link rel=\"alternate\" href=\"" BASE
	    "/v1/records/rec#t=01:09:29\"/>\n"));
	assert_non_null(strstr(got, "<category term=\"comment\"/>"));
	free(got);
}

/* The whole record: its title, and no time in the link. */
static void
test_entry_record(void **state)
{
	struct store_annotation	 a = row();
	char			*got;

	a.kind = "reading";
	a.talk = 0;
	a.at_start = -1;
	a.span_start = 0;
	a.span_end = 6000000;
	got = entry(BASE, &a);
	assert_non_null(strstr(got, "<title>Reading on the whole record — "
	    "Test &quot;record&quot;</title>\n"));
	assert_non_null(strstr(got, "<link rel=\"alternate\" href=\"" BASE
	    "/v1/records/rec\"/>\n"));
	free(got);
}

/* A range links to start,end; milliseconds are kept. */
static void
test_entry_range(void **state)
{
	struct store_annotation	 a = row();
	char			*got;

	a.at_start = 4169500;
	a.at_end = 4320000;
	got = entry(BASE, &a);
	assert_non_null(strstr(got, "<title>Critique at 01:09:29.500 — "));
	assert_non_null(strstr(got, "href=\"" BASE
	    "/v1/records/rec#t=01:09:29.500,01:12:00\"/>"));
	free(got);
}

/* A reply says so, names its parent (RFC 4685) and sits at its place. */
static void
test_entry_reply(void **state)
{
	struct store_annotation	 a = row();
	char			*got;

	a.kind = "comment";
	a.reply_to = ID_B;
	a.at_start = -1;
	a.links = NULL;
	got = entry(BASE, &a);
	assert_non_null(strstr(got, "<title>Reply on talk 2 — Panel "));
	assert_non_null(strstr(got, "<thr:in-reply-to ref=\"" BASE
	    "/annotations/rec/" ID_B "\"/>\n"));
	assert_non_null(strstr(got, "#t=01:09:29\"/>"));
	assert_null(strstr(got, "rel=\"related\""));
	free(got);
}

/* No profile: the fingerprint alone; no revision: updated is created. */
static void
test_entry_author_dates(void **state)
{
	struct store_annotation	 a = row();
	char			*got, name[64], fp[9];

	a.name = NULL;
	a.updated = NULL;
	fingerprint(key_other, fp);
	snprintf(name, sizeof name, "<name>key %s</name>", fp);
	got = entry(BASE, &a);
	assert_non_null(strstr(got, name));
	assert_non_null(strstr(got,
	    "<updated>2026-11-26T15:04:05Z</updated>"));
	assert_non_null(strstr(got,
	    "<published>2026-11-26T15:04:05Z</published>"));
	free(got);
}

/* A base_url with '&' is escaped wherever it goes. */
static void
test_entry_base_escaped(void **state)
{
	struct store_annotation	 a = row();
	char			*got;

	a.reply_to = ID_B;
	got = entry("https://h.example/g?x=1&y=2", &a);
	assert_non_null(strstr(got, "<id>https://h.example/g?x=1&amp;y=2"
	    "/annotations/rec/" ID_A "</id>"));
	assert_non_null(strstr(got, "<uri>https://h.example/g?x=1&amp;y=2"
	    "/v1/keys/"));
	assert_non_null(strstr(got, "ref=\"https://h.example/g?x=1&amp;y=2"
	    "/annotations/rec/"));
	assert_non_null(strstr(got, "href=\"https://h.example/g?x=1&amp;y=2"
	    "/v1/records/rec#t="));
	free(got);
}

/* Links the store could not have kept are left out, not fatal. */
static void
test_entry_bad_links(void **state)
{
	struct store_annotation	 a = row();
	char			*got;

	a.links = "[{\"url\":\"ftp://x\"},{\"title\":\"no url\"},"
	    "{\"url\":\"https://ok.example/\"}]";
	got = entry(BASE, &a);
	assert_null(strstr(got, "ftp:"));
	assert_non_null(strstr(got, "<link rel=\"related\" "
	    "href=\"https://ok.example/\"/>"));
	free(got);
	a.links = "not json";
	got = entry(BASE, &a);
	assert_null(strstr(got, "rel=\"related\""));
	assert_non_null(strstr(got, "</entry>\n"));
	free(got);
}

/* --- The handler -------------------------------------------------------- */

#define NST	80

struct ctx {
	struct glossd		 gd;
	struct http_request	 req;
	struct http_response	 resp;
	char			*path;
	struct statement	*st[NST];	/* freed by teardown */
	size_t			 nst;
};

static void
call_clear(struct ctx *c)
{
	http_request_clear(&c->req);
	http_response_clear(&c->resp);
	free(c->path);
	c->path = NULL;
}

/* Run target ("path?query") with body through http_dispatch at now. */
static void
dispatch(struct ctx *c, enum http_method method, const char *target,
    const char *body, time_t now)
{
	const char	*q = strchr(target, '?');

	call_clear(c);
	memset(&c->req, 0, sizeof c->req);
	http_response_init(&c->resp);
	c->path = q != NULL ? xstrndup(target, q - target) : xstrdup(target);
	c->req.method = method;
	c->req.path = c->path;
	c->req.target = target;
	c->req.body = body != NULL ? body : "";
	c->req.body_len = strlen(c->req.body);
	c->req.now = now;
	if (q != NULL && http_parse_query(q + 1, &c->req) == -1)
		fail_msg("the query of %s does not parse", target);
	http_dispatch(&c->gd, &c->req, &c->resp);
}

/* A statement of type by k at T0 + dt with extra members; kept. */
static struct statement *
dated(struct ctx *c, const struct fixture_key *k, const char *type,
    int dt, json_t *extra)
{
	assert_true(c->nst < NST);
	return c->st[c->nst++] = fixture_dated(k, type, T0 + dt, extra);
}

/* Post st by k, dated dt, which must be stored. */
static void
post(struct ctx *c, const struct fixture_key *k, const struct statement *st,
    int dt)
{
	char	*wire = fixture_wire(k, st);

	dispatch(c, HTTP_POST, "/v1/statements", wire, T0 + dt);
	free(wire);
	if (c->resp.status != 201)
		fail_msg("post %s: %d %s", st->id, c->resp.status,
		    c->resp.body.data);
}

/* A statement of type by k at T0 + dt, posted; returns it. */
static struct statement *
posted(struct ctx *c, const struct fixture_key *k, const char *type,
    int dt, json_t *extra)
{
	struct statement	*st = dated(c, k, type, dt, extra);

	post(c, k, st, dt);
	return st;
}

/*
 * A record with three talks (at 0, 1:00 and 1:09:29 of 1:40:00) signed
 * by the curator at T0, and the profile of key_other.
 */
static int
setup(void **state)
{
	struct ctx	*c;
	const char	*errstr;

	c = xcalloc(1, sizeof *c);
	config_defaults(&c->gd.cfg);
	c->gd.cfg.base_url = xstrdup(BASE);
	c->gd.cfg.curators.keys = xcalloc(1, sizeof *c->gd.cfg.curators.keys);
	c->gd.cfg.curators.keys[0] = key_curator->pk;
	c->gd.cfg.curators.n = 1;
	if ((c->gd.store = store_open(":memory:", &errstr)) == NULL) {
		fprintf(stderr, "store_open: %s\n", errstr);
		config_clear(&c->gd.cfg);
		free(c);
		return -1;
	}
	http_response_init(&c->resp);
	*state = c;
	posted(c, key_curator, "record", 0, json_pack("{s:s, s:s, s:I, "
	    "s:[{s:I, s:s, s:s}, {s:I, s:s}, {s:I, s:s, s:s}]}",
	    "record", "rec", "title", "Talks & <more>",
	    "duration", (json_int_t)6000000, "talks",
	    "start", (json_int_t)0, "speaker", "Ada", "title", "Opening",
	    "start", (json_int_t)60000, "title", "Panel",
	    "start", (json_int_t)4169000, "speaker", "Grace",
	    "title", "Compilers"));
	posted(c, key_other, "profile", 1, json_pack("{s:s}", "name",
	    "Ann <Example>"));
	return 0;
}

static int
teardown(void **state)
{
	struct ctx	*c = *state;
	size_t		 i;

	call_clear(c);
	for (i = 0; i < c->nst; i++)
		stmt_free(c->st[i]);
	store_close(c->gd.store);
	config_clear(&c->gd.cfg);
	free(c);
	return 0;
}

/* An annotation on "rec" by k at T0 + dt with kind, text and extra. */
static struct statement *
ann(struct ctx *c, const struct fixture_key *k, int dt, const char *kind,
    const char *text, json_t *extra)
{
	json_t	*m = json_pack("{s:s, s:s, s:s}", "record", "rec", "kind",
	    kind, "text", text);

	assert_int_equal(json_object_update(m, extra), 0);
	json_decref(extra);
	return posted(c, k, "annotation", dt, m);
}

/* GET the feed with query (may be ""), which must answer 200 Atom. */
static const char *
feed(struct ctx *c, const char *query)
{
	char	target[256];

	snprintf(target, sizeof target, "/v1/records/rec/feed.atom%s", query);
	dispatch(c, HTTP_GET, target, NULL, T0 + 1000);
	if (c->resp.status != 200)
		fail_msg("%s: %d %s", target, c->resp.status,
		    c->resp.body.data);
	assert_string_equal(c->resp.content_type,
	    "application/atom+xml; charset=utf-8");
	return c->resp.body.data;
}

static size_t
count_entries(const char *xml)
{
	size_t	n = 0;

	while ((xml = strstr(xml, "<entry>")) != NULL) {
		n++;
		xml++;
	}
	return n;
}

/* The ids of want[0..n) are the feed's entries, in that order. */
static void
check_entries(const char *xml, struct statement **want, size_t n)
{
	const char	*p = xml, *at;
	char		 id[128];
	size_t		 i, count = count_entries(xml);

	if (count != n)
		fail_msg("%zu entries, wanted %zu:\n%s", count, n, xml);
	for (i = 0; i < n; i++) {
		snprintf(id, sizeof id, "<id>" BASE "/annotations/rec/%s</id>",
		    want[i]->id);
		if ((at = strstr(p, id)) == NULL)
			fail_msg("entry %zu is not %s:\n%s", i, want[i]->id,
			    xml);
		p = at;
	}
}

/* The text between "<tag>" and "</tag>" after from, for free(). */
static char *
element(const char *from, const char *tag)
{
	char		 open[32], close[32];
	const char	*s, *e;

	snprintf(open, sizeof open, "<%s>", tag);
	snprintf(close, sizeof close, "</%s>", tag);
	if ((s = strstr(from, open)) == NULL ||
	    (e = strstr(s, close)) == NULL)
		fail_msg("no <%s> in %s", tag, from);
	s += strlen(open);
	return xstrndup(s, e - s);
}

#define ELEMENT_IS(from, tag, want) do {				\
	char *got_ = element((from), (tag));				\
	assert_string_equal(got_, (want));				\
	free(got_);							\
} while (0)

/*
 * a1 comment on talk 1          T0+10, revised at T0+80
 * a2 critique at 1:30 (talk 2)  T0+20
 * a3 reading on talk 3, a range T0+30
 * a4 comment on the record      T0+40 by the third key
 * a5 reply to a2 (so on talk 2) T0+50
 * a6 comment, retracted         T0+60, retracted at T0+70
 */
static void
seed(struct ctx *c, struct statement **a)
{
	a[0] = ann(c, key_other, 10, "comment", "a1 first", json_pack(
	    "{s:i}", "talk", 1));
	a[1] = ann(c, key_other, 20, "critique", HOSTILE, json_pack(
	    "{s:{s:I}}", "at", "start", (json_int_t)90000));
	a[2] = ann(c, key_other, 30, "reading", "a3 read", json_pack(
	    "{s:i, s:{s:I, s:I}, s:[{s:s, s:s}]}", "talk", 3, "at",
	    "start", (json_int_t)4169000, "end", (json_int_t)4320000,
	    "links", "url", "https://example.org/p?a=1&b=2", "title",
	    "A & B"));
	a[3] = ann(c, key_third, 40, "comment", "a4 record", json_object());
	a[4] = ann(c, key_other, 50, "comment", "a5 reply", json_pack(
	    "{s:s}", "reply_to", a[1]->id));
	a[5] = ann(c, key_other, 60, "comment", "a6 gone", json_object());
	posted(c, key_other, "retraction", 70, json_pack("{s:s}", "of",
	    a[5]->id));
	posted(c, key_other, "revision", 80, json_pack("{s:s, s:s}", "of",
	    a[0]->id, "text", "a1 revised"));
}

/* Newest first by updated; a revision counts, a retraction is gone. */
static void
test_feed_order(void **state)
{
	struct ctx		*c = *state;
	struct statement	*a[6];
	struct statement	*want[5];
	const char		*xml;
	char			 t[21];

	seed(c, a);
	want[0] = a[0];
	want[1] = a[4];
	want[2] = a[3];
	want[3] = a[2];
	want[4] = a[1];
	xml = feed(c, "");
	check_entries(xml, want, 5);
	assert_null(strstr(xml, a[5]->id));
	assert_null(strstr(xml, "a6 gone"));
	assert_null(strstr(xml, "a1 first"));
	assert_non_null(strstr(xml, "<content type=\"text\">a1 revised"));
	assert_non_null(strstr(xml, "<content type=\"text\">" HOSTILE_XML
	    "</content>"));
	/* The feed's updated is the revision's; the entry keeps published. */
	timefmt_rfc3339(T0 + 80, t);
	ELEMENT_IS(xml, "updated", t);
	ELEMENT_IS(strstr(xml, "<entry>"), "updated", t);
	timefmt_rfc3339(T0 + 10, t);
	ELEMENT_IS(strstr(xml, "<entry>"), "published", t);
	assert_non_null(strstr(xml, "<name>Ann &lt;Example&gt; ("));
	assert_true(strncmp(xml, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\"", 60) == 0);
	assert_non_null(strstr(xml, "</entry>\n</feed>\n"));
}

/* The feed's own elements: id, self, title, author, alternate. */
static void
test_feed_head(void **state)
{
	struct ctx	*c = *state;
	const char	*xml;
	char		 name[64], fp[9];

	xml = feed(c, "");
	ELEMENT_IS(xml, "id", BASE "/v1/records/rec/feed.atom");
	assert_non_null(strstr(xml, "<link rel=\"self\" href=\"" BASE
	    "/v1/records/rec/feed.atom\" type=\"application/atom+xml\"/>"));
	assert_non_null(strstr(xml, "<link rel=\"alternate\" href=\"" BASE
	    "/v1/records/rec\"/>"));
	ELEMENT_IS(xml, "title", "Talks &amp; &lt;more&gt;");
	fingerprint(key_curator, fp);
	snprintf(name, sizeof name, "<author>\n<name>key %s</name>", fp);
	assert_non_null(strstr(xml, name));
	assert_non_null(strstr(xml, "<generator version=\"" GLOSS_VERSION
	    "\">glossd</generator>"));
	assert_null(strstr(xml, "<entry>"));
}

/* An empty feed is dated by its record. */
static void
test_feed_empty(void **state)
{
	struct ctx	*c = *state;
	char		 t[21];

	timefmt_rfc3339(T0, t);
	ELEMENT_IS(feed(c, "?kind=critique"), "updated", t);
}

/* talk and kind filter; the id names them in one order, once each. */
static void
test_feed_filters(void **state)
{
	struct ctx		*c = *state;
	struct statement	*a[6], *want[2];
	const char		*xml;

	seed(c, a);
	want[0] = a[4];
	want[1] = a[1];
	xml = feed(c, "?talk=2");
	check_entries(xml, want, 2);
	ELEMENT_IS(xml, "id", BASE "/v1/records/rec/feed.atom?talk=2");
	ELEMENT_IS(xml, "title", "Talks &amp; &lt;more&gt; — talk 2: Panel");
	assert_non_null(strstr(xml, "<link rel=\"alternate\" href=\"" BASE
	    "/v1/records/rec#t=00:01:00\"/>"));

	xml = feed(c, "?kind=critique&talk=02&limit=5");
	check_entries(xml, &a[1], 1);
	ELEMENT_IS(xml, "id", BASE
	    "/v1/records/rec/feed.atom?talk=2&amp;kind=critique");
	ELEMENT_IS(xml, "title",
	    "Talks &amp; &lt;more&gt; — talk 2: Panel — critiques");

	xml = feed(c, "?kind=reading");
	check_entries(xml, &a[2], 1);
	ELEMENT_IS(xml, "id", BASE "/v1/records/rec/feed.atom?kind=reading");
	assert_non_null(strstr(xml, "<link rel=\"related\" "
	    "href=\"https://example.org/p?a=1&amp;b=2\" "
	    "title=\"A &amp; B\"/>"));
	assert_non_null(strstr(xml, "#t=01:09:29,01:12:00\"/>"));

	xml = feed(c, "?talk=1");
	check_entries(xml, &a[0], 1);
}

/* limit: the newest that many, 50 by default, page_max at most. */
static void
test_feed_limit(void **state)
{
	struct ctx		*c = *state;
	struct statement	*a[6], *want[2];
	int			 i;

	seed(c, a);
	want[0] = a[0];
	want[1] = a[4];
	check_entries(feed(c, "?limit=2"), want, 2);
	for (i = 0; i < 50; i++)
		ann(c, key_third, 100 + i, "comment", "more", json_object());
	assert_int_equal(count_entries(feed(c, "")), 50);
	assert_int_equal(count_entries(feed(c, "?limit=500")), 55);
	c->gd.cfg.limits.page_max = 3;
	assert_int_equal(count_entries(feed(c, "")), 3);
	assert_int_equal(count_entries(feed(c, "?limit=3")), 3);
	dispatch(c, HTTP_GET, "/v1/records/rec/feed.atom?limit=4", NULL, T0);
	assert_int_equal(c->resp.status, 400);
}

/* Bad filters and unknown records get the JSON errors. */
static void
test_feed_errors(void **state)
{
	static const struct {
		const char	*target;
		int		 status;
		const char	*code;
	} bad[] = {
		{ "/v1/records/rec/feed.atom?talk=0", 400, "bad_query" },
		{ "/v1/records/rec/feed.atom?talk=4", 400, "bad_query" },
		{ "/v1/records/rec/feed.atom?talk=x", 400, "bad_query" },
		{ "/v1/records/rec/feed.atom?talk=", 400, "bad_query" },
		{ "/v1/records/rec/feed.atom?kind=bogus", 400, "bad_query" },
		{ "/v1/records/rec/feed.atom?kind=", 400, "bad_query" },
		{ "/v1/records/rec/feed.atom?limit=0", 400, "bad_query" },
		{ "/v1/records/rec/feed.atom?limit=501", 400, "bad_query" },
		{ "/v1/records/nope/feed.atom", 404, "unknown_record" },
		{ "/v1/records/NOPE/feed.atom", 404, "unknown_record" },
		{ "/v1/records/rec/feed.rss", 404, "not_found" },
	};
	struct ctx	*c = *state;
	char		 code[64];
	size_t		 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		dispatch(c, HTTP_GET, bad[i].target, NULL, T0);
		snprintf(code, sizeof code, "\"code\":\"%s\"", bad[i].code);
		if (c->resp.status != bad[i].status ||
		    strstr(c->resp.body.data, code) == NULL)
			fail_msg("%s: %d %s", bad[i].target, c->resp.status,
			    c->resp.body.data);
		assert_string_equal(c->resp.content_type,
		    "application/json; charset=utf-8");
	}
	dispatch(c, HTTP_POST, "/v1/records/rec/feed.atom", "{}", T0);
	assert_int_equal(c->resp.status, 405);
}

int
main(void)
{
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_markup),
		cmocka_unit_test(test_escape_whitespace),
		cmocka_unit_test(test_escape_controls),
		cmocka_unit_test(test_escape_nonchars),
		cmocka_unit_test(test_escape_invalid_utf8),
		cmocka_unit_test(test_escape_random),
		cmocka_unit_test(test_escape_identity),
		cmocka_unit_test(test_entry_whole),
		cmocka_unit_test(test_entry_talk),
		cmocka_unit_test(test_entry_record),
		cmocka_unit_test(test_entry_range),
		cmocka_unit_test(test_entry_reply),
		cmocka_unit_test(test_entry_author_dates),
		cmocka_unit_test(test_entry_base_escaped),
		cmocka_unit_test(test_entry_bad_links),
		T(test_feed_order),
		T(test_feed_head),
		T(test_feed_empty),
		T(test_feed_filters),
		T(test_feed_limit),
		T(test_feed_errors),
	};
#undef T

	return cmocka_run_group_tests_name("atom", tests, fixture_group_setup,
	    fixture_group_teardown);
}
