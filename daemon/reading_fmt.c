/*
 * reading_fmt.c: a record's reading list as BibTeX and as Markdown.
 *
 * GET /v1/records/{rid}/reading builds the list as a JSON document; these
 * render that same document for people who paste it into a paper or a
 * page.  Every string in it came from someone posting a link, so nothing
 * is written raw: text is escaped for LaTeX or Markdown, URLs are
 * percent-encoded wherever a byte could end the field or the link, and
 * BibTeX keys are rebuilt from a small alphabet and kept unique.  A hostile
 * title can change what an entry says, never where it ends.
 */

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "glossd.h"

#define READING_HASH_LEN	8	/* hex digits in a URL's BibTeX key */

/* A typed link: how its key starts and how each format names it. */
struct reading_scheme {
	const char	*type;		/* "type" in the document */
	const char	*prefix;	/* of its "key" */
	const char	*label;		/* Markdown, and BibTeX keys */
	const char	*field;		/* BibTeX field for the identifier */
	const char	*extra;		/* a further BibTeX field, or NULL */
};
static const struct reading_scheme reading_schemes[] = {
	{ "arxiv", "arxiv:", "arXiv:", "eprint", "archivePrefix = {arXiv}" },
	{ "doi", "doi:", "doi:", "doi", NULL },
};

/* The review statuses a BibTeX note reports: "link reported <name>". */
static const char *const reading_noted[] = {
	"moved", "broken", "paywalled",
};

/* The BibTeX keys written so far. */
struct bib_keys {
	char	**v;
	size_t	  n;
};

/*
 * How BibTeX text writes each byte it must not pass through: LaTeX's
 * specials as commands whose braces balance, so that no title can close
 * its field (BibTeX counts "\}" as a closing brace).
 */
static const char *const bib_escapes[256] = {
	['\\'] = "\\textbackslash{}",
	['{'] = "\\textbraceleft{}",
	['}'] = "\\textbraceright{}",
	['%'] = "\\%",
	['&'] = "\\&",
	['#'] = "\\#",
	['$'] = "\\$",
	['_'] = "\\_",
	['^'] = "\\^{}",
	['~'] = "\\~{}",
	['<'] = "\\textless{}",
	['>'] = "\\textgreater{}",
	['|'] = "\\textbar{}",
};

static const char *
reading_string(const json_t *o, const char *name)
{
	return (json_string_value(json_object_get(o, name)));
}

/* A string member, or "" when it is absent or not a string. */
static const char *
reading_text(const json_t *o, const char *name)
{
	const char	*s = reading_string(o, name);

	return (s == NULL ? "" : s);
}

/* The record's title, or its id when it has none. */
static const char *
reading_title(const json_t *doc)
{
	const char	*s = reading_string(doc, "title");

	return (s == NULL || *s == '\0' ? reading_text(doc, "record") : s);
}

/* Where an entry points: its href, else the URL as posted. */
static const char *
reading_href(const json_t *e)
{
	const char	*s = reading_string(e, "href");

	return (s == NULL ? reading_text(e, "url") : s);
}

/*
 * The scheme of a typed entry, with *id set to the identifier after its
 * key's prefix; NULL for a plain URL (or a key that does not match).
 */
static const struct reading_scheme *
reading_scheme(const json_t *e, const char **id)
{
	const struct reading_scheme	*sc;
	const char			*type, *key;
	size_t				 i;

	type = reading_text(e, "type");
	key = reading_text(e, "key");
	for (i = 0; i < sizeof reading_schemes / sizeof reading_schemes[0];
	    i++) {
		sc = &reading_schemes[i];
		if (strcmp(type, sc->type) == 0 &&
		    strncmp(key, sc->prefix, strlen(sc->prefix)) == 0) {
			*id = key + strlen(sc->prefix);
			return (sc);
		}
	}
	return (NULL);
}

/* Whether a BibTeX note reports status (not unreviewed, ok, ...). */
static int
reading_is_noted(const char *status)
{
	size_t	i;

	for (i = 0; i < sizeof reading_noted / sizeof reading_noted[0]; i++) {
		if (strcmp(status, reading_noted[i]) == 0)
			return (1);
	}
	return (0);
}

/* Control characters, line ends included, become spaces in any text. */
static int
reading_control(unsigned char c)
{
	return (c < 0x20 || c == 0x7f);
}

/*
 * Append a URL (or an identifier) so that it stays one token in both
 * formats: bytes that could end a BibTeX field or a Markdown <link>, or
 * start an escape in either, are percent-encoded; '%' itself is kept so
 * an encoded URL is not encoded twice.
 */
static void
reading_url(struct buf *out, const char *s)
{
	unsigned char	c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (c == ' ' || reading_control(c) ||
		    strchr("\"<>\\{}", c) != NULL)
			buf_printf(out, "%%%02X", c);
		else
			buf_putc(out, (char)c);
	}
}

/* "3 endorsements", "1 endorsement". */
static void
reading_count(struct buf *out, json_int_t n, const char *noun)
{
	buf_printf(out, "%lld %s%s", (long long)n, noun, n == 1 ? "" : "s");
}

/* Append s[0..len) as LaTeX text inside a BibTeX field. */
static void
bib_text(struct buf *out, const char *s, size_t len)
{
	unsigned char	c;

	for (; len > 0; s++, len--) {
		c = (unsigned char)*s;
		if (reading_control(c))
			buf_putc(out, ' ');
		else if (bib_escapes[c] != NULL)
			buf_puts(out, bib_escapes[c]);
		else
			buf_putc(out, (char)c);
	}
}

/*
 * Append s to a '%' comment line.  BibTeX starts an entry at any '@'
 * outside one, even in a comment, so '@' is written "(at)".
 */
static void
bib_comment(struct buf *out, const char *s)
{
	const char	*at;

	while ((at = strchr(s, '@')) != NULL) {
		bib_text(out, s, (size_t)(at - s));
		buf_puts(out, "(at)");
		s = at + 1;
	}
	bib_text(out, s, strlen(s));
}

/* Append s keeping only what a key may hold: [A-Za-z0-9:_.-]. */
static void
bib_key_chars(struct buf *out, const char *s, size_t len)
{
	for (; len > 0; s++, len--) {
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789:_.-", *s) != NULL)
			buf_putc(out, *s);
		else
			buf_putc(out, '_');
	}
}

/* BibTeX compares keys without regard to case. */
static int
bib_key_taken(const struct bib_keys *keys, const char *key)
{
	size_t	i;

	for (i = 0; i < keys->n; i++) {
		if (strcasecmp(keys->v[i], key) == 0)
			return (1);
	}
	return (0);
}

/*
 * Append the key for an entry and remember it.  Typed links use their
 * identifier ("arXiv:2304.08485"); URLs their host and a hash of the key,
 * so a key does not change when the ranking does.  A key already taken
 * gets "a", "b", ... "z", "aa", ... until it is unique.
 */
static void
bib_key(struct buf *out, struct bib_keys *keys, const json_t *e,
    const struct reading_scheme *sc, const char *id)
{
	struct buf	 base;
	const char	*key = reading_text(e, "key"), *host;
	char		 hash[GLOSS_ID_LEN + 1], suffix[16], *s;
	size_t		 n, i, v;

	buf_init(&base);
	if (sc != NULL) {
		buf_puts(&base, sc->label);
		bib_key_chars(&base, id, strlen(id));
	} else {
		host = strstr(key, "://");
		host = host == NULL ? "" : host + 3;
		n = strcspn(host, "/?#");
		if (n == 0)
			buf_puts(&base, "url");
		bib_key_chars(&base, host, n);
		stmt_sha256_hex(key, strlen(key), hash);
		buf_printf(&base, "-%.*s", READING_HASH_LEN, hash);
	}
	for (n = 0;; n++) {
		i = sizeof suffix - 1;
		suffix[i] = '\0';
		for (v = n; v > 0; v = (v - 1) / 26)
			suffix[--i] = (char)('a' + (v - 1) % 26);
		xasprintf(&s, "%s%s", base.data, suffix + i);
		if (!bib_key_taken(keys, s))
			break;
		free(s);
	}
	keys->v = xreallocarray(keys->v, keys->n + 1, sizeof *keys->v);
	keys->v[keys->n++] = s;
	buf_puts(out, s);
	buf_free(&base);
}

/*
 * The note: one sentence on where the link was cited, how often it was
 * endorsed and what a review found wrong with it.
 */
static void
bib_note(struct buf *out, const json_t *doc, const json_t *e)
{
	struct citing	 ct;
	const char	*title = reading_title(doc), *status, *words, *repl;
	json_int_t	 n;

	citing_get(e, &ct);
	buf_puts(out, "Cited");
	citing_at(out, &ct);
	citing_in(out, &ct);
	buf_puts(out, ct.ntalks > 0 ? " of " : " in ");
	bib_text(out, title, strlen(title));
	if ((n = json_integer_value(json_object_get(e, "endorsements"))) > 0) {
		buf_puts(out, "; ");
		reading_count(out, n, "endorsement");
	}
	status = reading_text(e, "status");
	if (reading_is_noted(status)) {
		/* Where a moved link went, as Markdown has it. */
		buf_puts(out, "; link reported ");
		words = citing_replaced(status);
		repl = reading_string(e, "replacement");
		if (words != NULL && repl != NULL) {
			buf_printf(out, "%s ", words);
			bib_text(out, repl, strlen(repl));
		} else
			buf_puts(out, status);
	}
	citing_clear(&ct);
}

static void
bib_entry(struct buf *out, struct bib_keys *keys, const json_t *doc,
    const json_t *e)
{
	const struct reading_scheme	*sc;
	const char			*id = NULL, *title;

	sc = reading_scheme(e, &id);
	buf_puts(out, "\n@misc{");
	bib_key(out, keys, e, sc, id);
	buf_puts(out, ",\n");
	if ((title = reading_string(e, "title")) != NULL && *title != '\0') {
		buf_puts(out, "  title = {");
		bib_text(out, title, strlen(title));
		buf_puts(out, "},\n");
	}
	if (sc != NULL) {
		buf_printf(out, "  %s = {", sc->field);
		reading_url(out, id);
		buf_puts(out, "},\n");
		if (sc->extra != NULL)
			buf_printf(out, "  %s,\n", sc->extra);
	}
	buf_puts(out, "  url = {");
	reading_url(out, reading_href(e));
	buf_puts(out, "},\n  note = {");
	bib_note(out, doc, e);
	buf_puts(out, "}\n}\n");
}

/*
 * Append doc as BibTeX: a '%' line naming the record, then one @misc per
 * entry in the document's order.
 */
void
reading_bibtex(const json_t *doc, struct buf *out)
{
	struct bib_keys	 keys = { NULL, 0 };
	const json_t	*entries, *e, *talk;
	size_t		 i;

	buf_puts(out, "% Reading list for ");
	bib_comment(out, reading_title(doc));
	buf_puts(out, " (");
	bib_comment(out, reading_text(doc, "record"));
	buf_putc(out, ')');
	if ((talk = json_object_get(doc, "talk")) != NULL)
		buf_printf(out, ", talk %lld", (long long)json_integer_value(
		    talk));
	buf_puts(out, ", from gloss\n");
	entries = json_object_get(doc, "entries");
	json_array_foreach(entries, i, e)
		bib_entry(out, &keys, doc, e);
	for (i = 0; i < keys.n; i++)
		free(keys.v[i]);
	free(keys.v);
}

/*
 * Append s as Markdown text: every ASCII punctuation character is
 * backslash-escaped, which CommonMark allows for all of them, so no
 * title can open emphasis, code, HTML or a link, or close one early.
 */
static void
md_text(struct buf *out, const char *s)
{
	unsigned char	c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (reading_control(c)) {
			buf_putc(out, ' ');
			continue;
		}
		if (strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c) != NULL)
			buf_putc(out, '\\');
		buf_putc(out, (char)c);
	}
}

/*
 * [text](<href>): the destination in angle brackets, percent-encoded;
 * prefix, one of our own labels or NULL, goes before the text unescaped.
 */
static void
md_link(struct buf *out, const char *prefix, const char *text,
    const char *href)
{
	buf_putc(out, '[');
	if (prefix != NULL)
		buf_puts(out, prefix);
	md_text(out, text);
	buf_puts(out, "](<");
	reading_url(out, href);
	buf_puts(out, ">)");
}

/*
 * An untitled link: <href>, which Markdown shows as the URL itself,
 * unescaped.  Only an http(s) URL can be one (reading_url leaves it no
 * space, '<' or '>'), so nothing else can pass for an HTML tag.
 */
static void
md_bare_link(struct buf *out, const char *href)
{
	if (strncmp(href, "http://", 7) != 0 &&
	    strncmp(href, "https://", 8) != 0) {
		md_link(out, NULL, href, href);
		return;
	}
	buf_putc(out, '<');
	reading_url(out, href);
	buf_putc(out, '>');
}

/* The separator before the n-th part after the link. */
static void
md_part(struct buf *out, int *n)
{
	buf_puts(out, (*n)++ == 0 ? " — " : " · ");
}

/*
 * The status part, or nothing while unreviewed; a moved or duplicate link
 * with a replacement links to it.
 */
static void
md_status(struct buf *out, const json_t *e, int *n)
{
	const char	*status, *repl, *words;

	status = reading_text(e, "status");
	if (*status == '\0' || strcmp(status, "unreviewed") == 0)
		return;
	md_part(out, n);
	words = citing_replaced(status);
	repl = reading_string(e, "replacement");
	if (words != NULL && repl != NULL) {
		buf_printf(out, "%s ", words);
		md_bare_link(out, repl);
	} else
		md_text(out, status);
}

static void
md_entry(struct buf *out, const json_t *doc, const json_t *e)
{
	const struct reading_scheme	*sc;
	struct citing			 ct;
	const char			*id = NULL, *title, *href;
	json_int_t			 endorsements;
	int				 n = 0;

	href = reading_href(e);
	title = reading_string(e, "title");
	sc = reading_scheme(e, &id);
	buf_puts(out, "- ");
	/* Untitled, a paper goes by its identifier, a page by its URL. */
	if (title != NULL && *title != '\0') {
		md_link(out, NULL, title, href);
		if (sc != NULL) {
			md_part(out, &n);
			buf_puts(out, sc->label);
			md_text(out, id);
		}
	} else if (sc != NULL)
		md_link(out, sc->label, id, href);
	else
		md_bare_link(out, href);
	citing_get(e, &ct);
	if (ct.n > 0) {
		md_part(out, &n);
		buf_printf(out, "cited %zu×", ct.n);
		citing_at(out, &ct);
		if (json_object_get(doc, "talk") == NULL)
			citing_in(out, &ct);
	}
	citing_clear(&ct);
	endorsements = json_integer_value(json_object_get(e, "endorsements"));
	if (endorsements > 0) {
		md_part(out, &n);
		reading_count(out, endorsements, "endorsement");
	}
	md_status(out, e, &n);
	buf_putc(out, '\n');
}

/*
 * Append doc as Markdown: a heading naming the record, and the talk as
 * gloss list names it ("talk 5, Speaker: Title") when the list is of one,
 * then one list item per entry in the document's order (or a sentence
 * saying there is none).
 */
void
reading_markdown(const json_t *doc, struct buf *out)
{
	const json_t	*entries, *e, *talk;
	const char	*speaker = reading_string(doc, "talk_speaker");
	const char	*title = reading_string(doc, "talk_title");
	size_t		 i;

	buf_puts(out, "# Reading list: ");
	md_text(out, reading_title(doc));
	if ((talk = json_object_get(doc, "talk")) != NULL)
		buf_printf(out, " — talk %lld", (long long)json_integer_value(
		    talk));
	if (talk != NULL && title != NULL) {
		buf_puts(out, ", ");
		if (speaker != NULL) {
			md_text(out, speaker);
			buf_puts(out, ": ");
		}
		md_text(out, title);
	}
	buf_puts(out, "\n\n");
	entries = json_object_get(doc, "entries");
	if (json_array_size(entries) == 0)
		buf_puts(out, "No follow-up reading yet.\n");
	json_array_foreach(entries, i, e)
		md_entry(out, doc, e);
}
