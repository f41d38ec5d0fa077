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

#define READING_SERIES_MAX	5	/* times or talks before "and N more" */
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

/* What a review status adds to each format; others are shown as is. */
struct reading_status {
	const char	*name;
	const char	*replaced;	/* Markdown, before the replacement */
	int		 noted;		/* BibTeX: "link reported <name>" */
};
static const struct reading_status reading_statuses[] = {
	{ "moved", "moved to", 1 },
	{ "duplicate", "duplicate of", 0 },
	{ "broken", NULL, 1 },
	{ "paywalled", NULL, 1 },
};

/* Citations of one entry, as the notes summarise them. */
struct reading_cites {
	size_t	 n;		/* citations, listed or not */
	int64_t	*times;		/* distinct seconds, ascending */
	size_t	 ntimes;
	int64_t	*talks;		/* distinct talks, ascending */
	size_t	 ntalks;
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

/* The entry for a status, or NULL (unreviewed, ok, relevant, ...). */
static const struct reading_status *
reading_status(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof reading_statuses / sizeof reading_statuses[0];
	    i++) {
		if (strcmp(name, reading_statuses[i].name) == 0)
			return (&reading_statuses[i]);
	}
	return (NULL);
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

static int
reading_cmp(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x < y ? -1 : x > y);
}

/* Sort v and drop repeats; returns how many distinct values are left. */
static size_t
reading_distinct(int64_t *v, size_t n)
{
	size_t	i, k = 0;

	qsort(v, n, sizeof *v, reading_cmp);
	for (i = 0; i < n; i++) {
		if (k == 0 || v[i] != v[k - 1])
			v[k++] = v[i];
	}
	return (k);
}

/*
 * Gather the times (from at.start, in ms) and talks an entry's citations
 * name.  Release with reading_cites_clear.
 */
static void
reading_cites_get(const json_t *e, struct reading_cites *rc)
{
	const json_t	*cites, *c, *start;
	size_t		 i;
	json_int_t	 talk;

	cites = json_object_get(e, "citations");
	rc->times = xcalloc(json_array_size(cites) + 1, sizeof *rc->times);
	rc->talks = xcalloc(json_array_size(cites) + 1, sizeof *rc->talks);
	/* "cited" counts them all; at most the first 50 are listed. */
	rc->n = json_is_integer(json_object_get(e, "cited")) ?
	    (size_t)json_integer_value(json_object_get(e, "cited")) :
	    json_array_size(cites);
	rc->ntimes = rc->ntalks = 0;
	json_array_foreach(cites, i, c) {
		start = json_object_get(json_object_get(c, "at"), "start");
		if (json_is_integer(start) && json_integer_value(start) >= 0)
			rc->times[rc->ntimes++] = json_integer_value(start) /
			    1000;
		talk = json_integer_value(json_object_get(c, "talk"));
		if (talk > 0)
			rc->talks[rc->ntalks++] = talk;
	}
	rc->ntimes = reading_distinct(rc->times, rc->ntimes);
	rc->ntalks = reading_distinct(rc->talks, rc->ntalks);
}

static void
reading_cites_clear(struct reading_cites *rc)
{
	free(rc->times);
	free(rc->talks);
}

/*
 * Append up to READING_SERIES_MAX values, comma-separated, as H:MM:SS
 * (clock) or as numbers, then "and N more" for the rest.
 */
static void
reading_series(struct buf *out, const int64_t *v, size_t n, int clock)
{
	size_t	i;

	for (i = 0; i < n && i < READING_SERIES_MAX; i++) {
		if (i > 0)
			buf_puts(out, ", ");
		if (clock)
			buf_printf(out, "%lld:%02lld:%02lld",
			    (long long)(v[i] / 3600), (long long)(v[i] / 60 % 60),
			    (long long)(v[i] % 60));
		else
			buf_printf(out, "%lld", (long long)v[i]);
	}
	if (n > READING_SERIES_MAX)
		buf_printf(out, " and %zu more", n - READING_SERIES_MAX);
}

/* " at 1:09:29, 1:12:00" when the citations carry times. */
static void
reading_cited_at(struct buf *out, const struct reading_cites *rc)
{
	if (rc->ntimes == 0)
		return;
	buf_puts(out, " at ");
	reading_series(out, rc->times, rc->ntimes, 1);
}

/* " in talk 5" or " in talks 5, 6" when the citations name talks. */
static void
reading_cited_in(struct buf *out, const struct reading_cites *rc)
{
	if (rc->ntalks == 0)
		return;
	buf_puts(out, rc->ntalks == 1 ? " in talk " : " in talks ");
	reading_series(out, rc->talks, rc->ntalks, 0);
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
	struct reading_cites		 rc;
	const struct reading_status	*st;
	const char			*title = reading_title(doc);
	json_int_t			 n;

	reading_cites_get(e, &rc);
	buf_puts(out, "Cited");
	reading_cited_at(out, &rc);
	reading_cited_in(out, &rc);
	buf_puts(out, rc.ntalks > 0 ? " of " : " in ");
	bib_text(out, title, strlen(title));
	if ((n = json_integer_value(json_object_get(e, "endorsements"))) > 0) {
		buf_puts(out, "; ");
		reading_count(out, n, "endorsement");
	}
	st = reading_status(reading_text(e, "status"));
	if (st != NULL && st->noted)
		buf_printf(out, "; link reported %s", st->name);
	reading_cites_clear(&rc);
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

/* [text](<href>): the destination in angle brackets, percent-encoded. */
static void
md_link(struct buf *out, const char *text, const char *href)
{
	buf_putc(out, '[');
	md_text(out, text);
	buf_puts(out, "](<");
	reading_url(out, href);
	buf_puts(out, ">)");
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
	const struct reading_status	*st;
	const char			*status, *repl;

	status = reading_text(e, "status");
	if (*status == '\0' || strcmp(status, "unreviewed") == 0)
		return;
	md_part(out, n);
	st = reading_status(status);
	repl = reading_string(e, "replacement");
	if (st != NULL && st->replaced != NULL && repl != NULL) {
		buf_printf(out, "%s ", st->replaced);
		md_link(out, repl, repl);
	} else
		md_text(out, status);
}

static void
md_entry(struct buf *out, const json_t *doc, const json_t *e)
{
	const struct reading_scheme	*sc;
	struct reading_cites		 rc;
	const char			*id = NULL, *title, *href;
	json_int_t			 endorsements;
	int				 n = 0;

	href = reading_href(e);
	title = reading_string(e, "title");
	buf_puts(out, "- ");
	md_link(out, title == NULL || *title == '\0' ? href : title, href);
	if ((sc = reading_scheme(e, &id)) != NULL) {
		md_part(out, &n);
		buf_puts(out, sc->label);
		md_text(out, id);
	}
	reading_cites_get(e, &rc);
	if (rc.n > 0) {
		md_part(out, &n);
		buf_printf(out, "cited %zu×", rc.n);
		reading_cited_at(out, &rc);
		if (json_object_get(doc, "talk") == NULL)
			reading_cited_in(out, &rc);
	}
	reading_cites_clear(&rc);
	endorsements = json_integer_value(json_object_get(e, "endorsements"));
	if (endorsements > 0) {
		md_part(out, &n);
		reading_count(out, endorsements, "endorsement");
	}
	md_status(out, e, &n);
	buf_putc(out, '\n');
}

/*
 * Append doc as Markdown: a heading, then one list item per entry in the
 * document's order (or a sentence saying there is none).
 */
void
reading_markdown(const json_t *doc, struct buf *out)
{
	const json_t	*entries, *e, *talk;
	size_t		 i;

	buf_puts(out, "# Reading list: ");
	md_text(out, reading_title(doc));
	if ((talk = json_object_get(doc, "talk")) != NULL)
		buf_printf(out, " — talk %lld", (long long)json_integer_value(
		    talk));
	buf_puts(out, "\n\n");
	entries = json_object_get(doc, "entries");
	if (json_array_size(entries) == 0)
		buf_puts(out, "No follow-up reading yet.\n");
	json_array_foreach(entries, i, e)
		md_entry(out, doc, e);
}
