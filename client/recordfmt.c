/*
 * recordfmt.c: read the record text format into a struct recordfmt.
 *
 * Records arrive as text exported from elsewhere (the .txt files under
 * records/ in the shared folder are real ones): a title line, an
 * "Event: ... · Duration: ..." line, then sections under header lines.
 * Those exports are written by people and tools we do not control, so the
 * layout is read tolerantly (CRLF, a BOM, odd spacing around separators,
 * blank lines, missing sections and descriptions, a "Talks (N)" count
 * that is wrong).  What a signed record statement depends on is checked
 * strictly, because a record cannot be fixed once curators have signed it
 * and people have annotated it: the text must be UTF-8, and there must be
 * a title, a duration and talks whose start times are ordered and inside
 * the recording.  Every refusal names the line it is about.
 *
 * Rules worth knowing when writing a record by hand:
 * - the first non-empty line is the title;
 * - "Event:" and "Duration:" are read from the lines between the title and
 *   the first section header, as fields separated by U+00B7 MIDDLE DOT;
 * - in "Talks", a line whose first word starts with a digit and holds a
 *   ':' is a talk and its time must parse; any other line describes the
 *   talk above it;
 * - "Speaker: Title" splits at the first ": ", so a talk with no speaker
 *   must not have ": " in its title.
 */

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gloss.h"
#include "recordfmt.h"

#define RECORDFMT_MAX_MS	(1000LL * 3600 * 1000)	/* as timefmt.c */
#define RECORDFMT_MAX_NUMBER	7	/* digits in a duration number */

enum recordfmt_section {
	RECORDFMT_PREAMBLE,	/* after the title, before any header */
	RECORDFMT_ABSTRACT,
	RECORDFMT_SPEAKERS,
	RECORDFMT_TALKS,
	RECORDFMT_TAKEAWAYS,
	RECORDFMT_MENTIONED,
	RECORDFMT_TOPICS,
	RECORDFMT_NOTES,
};

/* Header lines, compared without case, a trailing ':' or a "(N)" count. */
static const struct {
	const char		*name;
	enum recordfmt_section	 section;
} recordfmt_headers[] = {
	{ "abstract", RECORDFMT_ABSTRACT },
	{ "speakers", RECORDFMT_SPEAKERS },
	{ "talks", RECORDFMT_TALKS },
	{ "key takeaways", RECORDFMT_TAKEAWAYS },
	{ "methods / models / datasets mentioned", RECORDFMT_MENTIONED },
	{ "topics", RECORDFMT_TOPICS },
	{ "notes", RECORDFMT_NOTES },
};

/* Duration units, in the order they must appear ("1 h 38 min"). */
static const struct {
	const char	*name;
	int		 rank;
	int64_t		 ms;
} recordfmt_units[] = {
	{ "h", 1, 3600000 }, { "hr", 1, 3600000 }, { "hrs", 1, 3600000 },
	{ "hour", 1, 3600000 }, { "hours", 1, 3600000 },
	{ "m", 2, 60000 }, { "min", 2, 60000 }, { "mins", 2, 60000 },
	{ "minute", 2, 60000 }, { "minutes", 2, 60000 },
	{ "s", 3, 1000 }, { "sec", 3, 1000 }, { "secs", 3, 1000 },
	{ "second", 3, 1000 }, { "seconds", 3, 1000 },
};

/* A piece of the input, not NUL-terminated. */
struct recordfmt_span {
	const char	*p;
	size_t		 len;
};

struct recordfmt_parser {
	struct recordfmt	*r;
	enum recordfmt_section	 section;
	size_t			 lineno;
	size_t			 speakers_cap;
	size_t			 talks_cap;
	size_t			 takeaways_cap;
	size_t			 topics_cap;
	struct buf		 abstract;
	struct buf		 mentioned;
	struct buf		 notes;
	char			*cause;
};

static int	recordfmt_error(struct recordfmt_parser *, const char *, ...)
		    GLOSS_PRINTF(2, 3);

/* Length of the blank character at p (space, tab, U+00A0), or 0. */
static size_t
span_space(const char *p, const char *end)
{
	if (p >= end)
		return (0);
	if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\v' || *p == '\f')
		return (1);
	if (end - p >= 2 && p[0] == '\xc2' && p[1] == '\xa0')
		return (2);
	return (0);
}

/* Drop blanks at both ends of s. */
static void
span_trim(struct recordfmt_span *s)
{
	const char	*end = s->p + s->len;
	size_t		 n;

	while ((n = span_space(s->p, end)) != 0) {
		s->p += n;
		s->len -= n;
	}
	for (;;) {
		if (s->len >= 1 && span_space(s->p + s->len - 1, end) == 1)
			s->len -= 1;
		else if (s->len >= 2 && span_space(s->p + s->len - 2, end) == 2)
			s->len -= 2;
		else
			break;
	}
}

/* Length of an em dash (U+2014) or en dash (U+2013) at p, or 0. */
static size_t
span_dash(const char *p, const char *end)
{
	if (end - p >= 3 && p[0] == '\xe2' && p[1] == '\x80' &&
	    (p[2] == '\x93' || p[2] == '\x94'))
		return (3);
	return (0);
}

/* Does s start with prefix, ignoring ASCII case? */
static int
span_prefix(struct recordfmt_span s, const char *prefix)
{
	size_t	n = strlen(prefix);

	return (s.len >= n && strncasecmp(s.p, prefix, n) == 0);
}

/* Is s exactly name, ignoring ASCII case? */
static int
span_equal(struct recordfmt_span s, const char *name)
{
	return (s.len == strlen(name) && strncasecmp(s.p, name, s.len) == 0);
}

/* A NUL-terminated copy of s, owned by the caller. */
static char *
span_dup(struct recordfmt_span s)
{
	return (xstrndup(s.p, s.len));
}

/*
 * If s starts with a list bullet ("-", "*" or U+2022, then a blank or the
 * end), drop it and the blanks after it.
 */
static void
span_strip_bullet(struct recordfmt_span *s)
{
	const char	*end = s->p + s->len;
	size_t		 n;

	if (s->len >= 1 && (s->p[0] == '-' || s->p[0] == '*'))
		n = 1;
	else if (s->len >= 3 && memcmp(s->p, "\xe2\x80\xa2", 3) == 0)
		n = 3;
	else
		return;
	if (s->p + n != end && span_space(s->p + n, end) == 0)
		return;
	s->p += n;
	s->len -= n;
	span_trim(s);
}

/*
 * Split s at its first dash separator: an em or en dash, or a '-' with a
 * blank before it and a blank (or the end) after it, so "Yuan-Hong Liao"
 * stays whole.  Fills both trimmed halves and returns 1, or returns 0 when
 * there is no separator.
 */
static int
span_split_dash(struct recordfmt_span s, struct recordfmt_span *head,
    struct recordfmt_span *tail)
{
	const char	*end = s.p + s.len;
	size_t		 i, n;

	for (i = 0; i < s.len; i++) {
		if ((n = span_dash(s.p + i, end)) == 0) {
			if (s.p[i] != '-' || i == 0 ||
			    (s.p[i - 1] != ' ' && s.p[i - 1] != '\t'))
				continue;
			if (i + 1 != s.len && span_space(s.p + i + 1, end) == 0)
				continue;
			n = 1;
		}
		head->p = s.p;
		head->len = i;
		tail->p = s.p + i + n;
		tail->len = s.len - i - n;
		span_trim(head);
		span_trim(tail);
		return (1);
	}
	return (0);
}

/*
 * Take the next U+00B7-separated field of *rest into *field (trimmed) and
 * advance *rest past it.  Returns 0 once *rest is used up.
 */
static int
span_next_field(struct recordfmt_span *rest, struct recordfmt_span *field)
{
	size_t	i;

	if (rest->p == NULL)
		return (0);
	for (i = 0; i + 1 < rest->len; i++) {
		if (rest->p[i] == '\xc2' && rest->p[i + 1] == '\xb7')
			break;
	}
	field->p = rest->p;
	if (i + 1 < rest->len) {
		field->len = i;
		rest->p += i + 2;
		rest->len -= i + 2;
	} else {
		field->len = rest->len;
		rest->p = NULL;
		rest->len = 0;
	}
	span_trim(field);
	return (1);
}

/* Grow an array by doubling when n has reached *cap. */
static void *
recordfmt_grow(void *array, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return (array);
	*cap = *cap == 0 ? 8 : *cap * 2;
	return (xreallocarray(array, *cap, size));
}

/* Set the parser's cause to "line N: " and the message; returns -1. */
static int
recordfmt_error(struct recordfmt_parser *ps, const char *fmt, ...)
{
	struct buf	b;
	va_list		ap;

	buf_init(&b);
	buf_printf(&b, "line %zu: ", ps->lineno);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	free(ps->cause);
	ps->cause = buf_take(&b);
	return (-1);
}

/*
 * If line is a section header, store its section and return 1.  A
 * trailing ':' and a "(N)" count are allowed and the count is ignored:
 * the talks listed are what counts.
 */
static int
recordfmt_header(struct recordfmt_span line, enum recordfmt_section *section)
{
	struct recordfmt_span	name = line;
	size_t			open, i;

	if (name.len > 0 && name.p[name.len - 1] == ':')
		name.len--;
	if (name.len > 0 && name.p[name.len - 1] == ')') {
		for (open = name.len - 1; open > 0; open--) {
			if (name.p[open - 1] == '(')
				break;
		}
		if (open == 0 || open == name.len - 1)
			return (0);
		for (i = open; i < name.len - 1; i++) {
			if (name.p[i] < '0' || name.p[i] > '9')
				return (0);
		}
		name.len = open - 1;
	}
	span_trim(&name);
	for (i = 0; i < sizeof recordfmt_headers /
	    sizeof recordfmt_headers[0]; i++) {
		if (span_equal(name, recordfmt_headers[i].name)) {
			*section = recordfmt_headers[i].section;
			return (1);
		}
	}
	return (0);
}

/*
 * Parse a duration: "278 min", "4 h 38 min", "1 hour", "90 s" (numbers with
 * units, largest unit first, each at most once) or "4:38:00".  Returns 0
 * and sets *ms, or -1.
 */
static int
recordfmt_duration(struct recordfmt_span s, int64_t *ms)
{
	const char		*p = s.p, *end = s.p + s.len, *errstr;
	struct recordfmt_span	 word;
	char			*text;
	int64_t			 total = 0, n;
	size_t			 digits, i;
	int			 rank = 0, rc;

	if (memchr(s.p, ':', s.len) != NULL) {
		text = span_dup(s);
		rc = timefmt_parse(text, ms, &errstr);
		free(text);
		return (rc);
	}
	while (p < end) {
		n = 0;
		for (digits = 0; p < end && *p >= '0' && *p <= '9'; p++) {
			if (++digits > RECORDFMT_MAX_NUMBER)
				return (-1);
			n = n * 10 + (*p - '0');
		}
		if (digits == 0)
			return (-1);
		while (span_space(p, end) != 0)
			p += span_space(p, end);
		word.p = p;
		while (p < end && ((*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z')))
			p++;
		word.len = (size_t)(p - word.p);
		for (i = 0; i < sizeof recordfmt_units /
		    sizeof recordfmt_units[0]; i++) {
			if (span_equal(word, recordfmt_units[i].name))
				break;
		}
		if (i == sizeof recordfmt_units / sizeof recordfmt_units[0] ||
		    recordfmt_units[i].rank <= rank)
			return (-1);
		rank = recordfmt_units[i].rank;
		total += n * recordfmt_units[i].ms;
		while (span_space(p, end) != 0)
			p += span_space(p, end);
	}
	if (rank == 0 || total > RECORDFMT_MAX_MS)
		return (-1);
	*ms = total;
	return (0);
}

/*
 * A line between the title and the first header.  Reads its "Event:" and
 * "Duration:" fields; other fields ("▶ Watch on YouTube") and other lines
 * are ignored.  Returns 0 or -1 with the cause set.
 */
static int
recordfmt_meta(struct recordfmt_parser *ps, struct recordfmt_span line)
{
	struct recordfmt	*r = ps->r;
	struct recordfmt_span	 rest = line, field;
	char			*text;

	while (span_next_field(&rest, &field)) {
		if (span_prefix(field, "event:")) {
			if (r->event != NULL)
				return (recordfmt_error(ps,
				    "\"Event:\" is given twice"));
			field.p += 6;
			field.len -= 6;
			span_trim(&field);
			if (field.len != 0)
				r->event = span_dup(field);
		} else if (span_prefix(field, "duration:")) {
			if (r->duration != 0)
				return (recordfmt_error(ps,
				    "\"Duration:\" is given twice"));
			field.p += 9;
			field.len -= 9;
			span_trim(&field);
			if (recordfmt_duration(field, &r->duration) != 0) {
				text = span_dup(field);
				recordfmt_error(ps, "duration \"%s\" is not "
				    "N min, N h M min or H:MM:SS", text);
				free(text);
				return (-1);
			}
			if (r->duration == 0)
				return (recordfmt_error(ps,
				    "duration must be more than zero"));
		}
	}
	return (0);
}

/* "- Name — Affiliation", the affiliation optional. */
static int
recordfmt_speaker(struct recordfmt_parser *ps, struct recordfmt_span line)
{
	struct recordfmt		*r = ps->r;
	struct recordfmt_speaker	*sp;
	struct recordfmt_span		 name, affiliation;

	span_strip_bullet(&line);
	if (line.len == 0)
		return (0);
	if (!span_split_dash(line, &name, &affiliation)) {
		name = line;
		affiliation.len = 0;
	}
	if (name.len == 0)
		return (recordfmt_error(ps, "speaker has no name"));
	r->speakers = recordfmt_grow(r->speakers, r->nspeakers,
	    &ps->speakers_cap, sizeof *r->speakers);
	sp = &r->speakers[r->nspeakers++];
	sp->name = span_dup(name);
	sp->affiliation = affiliation.len == 0 ? NULL : span_dup(affiliation);
	return (0);
}

/* Add a line of free text, separating lines with "\n". */
static void
recordfmt_text(struct buf *b, struct recordfmt_span line)
{
	if (b->len != 0)
		buf_putc(b, '\n');
	buf_add(b, line.p, line.len);
}

/*
 * A line in "Talks": either "- HH:MM:SS — [Speaker: ]Title" or the
 * description of the talk above.  Checks the order of starts and, when
 * the duration is known (it comes before every section), that each start
 * is inside the recording.
 */
static int
recordfmt_talk(struct recordfmt_parser *ps, struct recordfmt_span line)
{
	struct recordfmt	*r = ps->r;
	struct recordfmt_talk	*t, *prev;
	struct recordfmt_span	 word, rest, speaker, title;
	struct buf		 more;
	const char		*end, *errstr;
	char			*text, at[32], limit[32];
	int64_t			 start;
	size_t			 i, n;

	span_strip_bullet(&line);
	if (line.len == 0)
		return (0);
	end = line.p + line.len;
	word.p = line.p;
	word.len = 0;
	while (word.p + word.len < end &&
	    span_space(word.p + word.len, end) == 0 &&
	    span_dash(word.p + word.len, end) == 0)
		word.len++;
	prev = r->ntalks == 0 ? NULL : &r->talks[r->ntalks - 1];

	if (word.len == 0 || word.p[0] < '0' || word.p[0] > '9' ||
	    memchr(word.p, ':', word.len) == NULL) {
		/* Not a talk: the description of the one above. */
		if (prev == NULL)
			return (recordfmt_error(ps, "expected a talk "
			    "(\"- HH:MM:SS — Title\") before this line"));
		if (prev->description == NULL) {
			prev->description = span_dup(line);
			return (0);
		}
		buf_init(&more);
		buf_puts(&more, prev->description);
		recordfmt_text(&more, line);
		free(prev->description);
		prev->description = buf_take(&more);
		return (0);
	}

	text = span_dup(word);
	if (timefmt_parse(text, &start, &errstr) != 0) {
		recordfmt_error(ps, "talk time \"%s\" is not a time (%s)",
		    text, errstr);
		free(text);
		return (-1);
	}
	free(text);
	timefmt_format(start, at, sizeof at);
	if (prev != NULL && start < prev->start) {
		timefmt_format(prev->start, limit, sizeof limit);
		return (recordfmt_error(ps, "talk starts at %s, before the "
		    "talk above it (%s)", at, limit));
	}
	if (r->duration != 0 && start >= r->duration) {
		timefmt_format(r->duration, limit, sizeof limit);
		return (recordfmt_error(ps, "talk starts at %s, not before "
		    "the end of the recording (%s)", at, limit));
	}

	/* Skip the separator: blanks, then one em/en dash or '-'. */
	rest.p = word.p + word.len;
	rest.len = (size_t)(end - rest.p);
	span_trim(&rest);
	if ((n = span_dash(rest.p, end)) == 0 && rest.len > 0 &&
	    rest.p[0] == '-')
		n = 1;
	rest.p += n;
	rest.len -= n;
	span_trim(&rest);
	if (rest.len == 0)
		return (recordfmt_error(ps, "talk at %s has no title", at));

	/* "Speaker: Title" splits at the first ':' followed by a blank. */
	speaker.len = 0;
	title = rest;
	for (i = 0; i + 1 < rest.len; i++) {
		if (rest.p[i] == ':' && span_space(rest.p + i + 1, end) != 0) {
			speaker.p = rest.p;
			speaker.len = i;
			title.p = rest.p + i + 1;
			title.len = rest.len - i - 1;
			span_trim(&speaker);
			span_trim(&title);
			break;
		}
	}

	r->talks = recordfmt_grow(r->talks, r->ntalks, &ps->talks_cap,
	    sizeof *r->talks);
	t = &r->talks[r->ntalks++];
	t->start = start;
	t->speaker = speaker.len == 0 ? NULL : span_dup(speaker);
	t->title = span_dup(title);
	t->description = NULL;
	return (0);
}

/* Items separated by U+00B7; a line may also be a bulleted item. */
static void
recordfmt_topics(struct recordfmt_parser *ps, struct recordfmt_span line)
{
	struct recordfmt	*r = ps->r;
	struct recordfmt_span	 field;

	span_strip_bullet(&line);
	while (span_next_field(&line, &field)) {
		if (field.len == 0)
			continue;
		r->topics = recordfmt_grow(r->topics, r->ntopics,
		    &ps->topics_cap, sizeof *r->topics);
		r->topics[r->ntopics++] = span_dup(field);
	}
}

/*
 * Read one raw line (without its '\n').  Returns 0 or -1 with the cause
 * set.
 */
static int
recordfmt_line(struct recordfmt_parser *ps, struct recordfmt_span line)
{
	struct recordfmt	*r = ps->r;
	enum recordfmt_section	 section;

	if (memchr(line.p, '\0', line.len) != NULL)
		return (recordfmt_error(ps, "the line holds a NUL byte"));
	if (!jcs_utf8_valid(line.p, line.len))
		return (recordfmt_error(ps, "the line is not valid UTF-8"));
	span_trim(&line);
	if (line.len == 0)
		return (0);

	if (r->title == NULL) {
		if (recordfmt_header(line, &section))
			return (recordfmt_error(ps, "the record has no title "
			    "(the first line is a section header)"));
		if (span_prefix(line, "event:") ||
		    span_prefix(line, "duration:"))
			return (recordfmt_error(ps, "the record has no title "
			    "(the first line is the Event/Duration line)"));
		r->title = span_dup(line);
		ps->section = RECORDFMT_PREAMBLE;
		return (0);
	}
	if (recordfmt_header(line, &section)) {
		ps->section = section;
		return (0);
	}

	switch (ps->section) {
	case RECORDFMT_PREAMBLE:
		return (recordfmt_meta(ps, line));
	case RECORDFMT_ABSTRACT:
		recordfmt_text(&ps->abstract, line);
		break;
	case RECORDFMT_SPEAKERS:
		return (recordfmt_speaker(ps, line));
	case RECORDFMT_TALKS:
		return (recordfmt_talk(ps, line));
	case RECORDFMT_TAKEAWAYS:
		span_strip_bullet(&line);
		if (line.len == 0)
			break;
		r->takeaways = recordfmt_grow(r->takeaways, r->ntakeaways,
		    &ps->takeaways_cap, sizeof *r->takeaways);
		r->takeaways[r->ntakeaways++] = span_dup(line);
		break;
	case RECORDFMT_MENTIONED:
		recordfmt_text(&ps->mentioned, line);
		break;
	case RECORDFMT_TOPICS:
		recordfmt_topics(ps, line);
		break;
	case RECORDFMT_NOTES:
		recordfmt_text(&ps->notes, line);
		break;
	}
	return (0);
}

/*
 * Parse len bytes of record text (need not be NUL-terminated; a leading
 * UTF-8 BOM is skipped) into *out.  Returns 0 with *out filled (release it
 * with recordfmt_free), or -1 with *out zeroed and *cause set to a
 * malloc'd sentence, usually starting "line N: ", that the caller frees.
 */
int
recordfmt_parse(const char *text, size_t len, struct recordfmt *out,
    char **cause)
{
	struct recordfmt_parser	 ps;
	struct recordfmt_span	 line;
	const char		*p, *end, *nl;

	memset(out, 0, sizeof *out);
	memset(&ps, 0, sizeof ps);
	ps.r = out;
	buf_init(&ps.abstract);
	buf_init(&ps.mentioned);
	buf_init(&ps.notes);

	if (text == NULL)
		text = "";
	p = text;
	end = text + len;
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end) {
		line.p = p;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		line.len = (size_t)(nl - p);
		p = nl == end ? end : nl + 1;
		ps.lineno++;
		if (recordfmt_line(&ps, line) != 0)
			goto fail;
	}

	if (out->title == NULL) {
		xasprintf(&ps.cause, "the record is empty");
		goto fail;
	}
	if (out->duration == 0) {
		xasprintf(&ps.cause, "the record has no duration: expected "
		    "\"Event: NAME · Duration: N min\" after the title");
		goto fail;
	}
	if (out->ntalks == 0) {
		xasprintf(&ps.cause, "the record lists no talks: expected "
		    "\"- HH:MM:SS — Title\" lines under \"Talks\"");
		goto fail;
	}
	out->abstract = buf_take(&ps.abstract);
	out->mentioned = buf_take(&ps.mentioned);
	out->notes = buf_take(&ps.notes);
	return (0);

fail:
	buf_free(&ps.abstract);
	buf_free(&ps.mentioned);
	buf_free(&ps.notes);
	recordfmt_free(out);
	*cause = ps.cause;
	return (-1);
}

/* Release everything r owns and leave it zeroed; NULL is a no-op. */
void
recordfmt_free(struct recordfmt *r)
{
	size_t	i;

	if (r == NULL)
		return;
	free(r->title);
	free(r->event);
	free(r->abstract);
	for (i = 0; i < r->nspeakers; i++) {
		free(r->speakers[i].name);
		free(r->speakers[i].affiliation);
	}
	free(r->speakers);
	for (i = 0; i < r->ntalks; i++) {
		free(r->talks[i].speaker);
		free(r->talks[i].title);
		free(r->talks[i].description);
	}
	free(r->talks);
	for (i = 0; i < r->ntakeaways; i++)
		free(r->takeaways[i]);
	free(r->takeaways);
	free(r->mentioned);
	for (i = 0; i < r->ntopics; i++)
		free(r->topics[i]);
	free(r->topics);
	free(r->notes);
	memset(r, 0, sizeof *r);
}

/*
 * Make a record id from a file name: the base name without its extension,
 * lower-cased, every character outside [a-z0-9._-] (a whole UTF-8
 * sequence counts as one) turned into '-', leading characters other than
 * [a-z0-9] dropped, at most GLOSS_RID_MAX bytes.  Returns a malloc'd id,
 * or NULL if nothing usable remains.
 */
char *
recordfmt_default_id(const char *path)
{
	const char	*base, *end, *p, *dot = NULL;
	char		*id;
	size_t		 n = 0;
	char		 c;

	if (path == NULL)
		return (NULL);
	end = path + strlen(path);
	while (end > path && end[-1] == '/')
		end--;
	for (base = end; base > path && base[-1] != '/'; base--)
		continue;
	for (p = base + 1; p < end; p++) {
		if (*p == '.')
			dot = p;
	}
	if (dot != NULL)
		end = dot;

	id = xmalloc(GLOSS_RID_MAX + 1);
	for (p = base; p < end && n < GLOSS_RID_MAX; p++) {
		if (((unsigned char)*p & 0xc0) == 0x80)
			continue;	/* inside a UTF-8 sequence */
		c = *p;
		if (c >= 'A' && c <= 'Z')
			c = c - 'A' + 'a';
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			id[n++] = c;
		else if (n != 0)
			id[n++] = (c == '.' || c == '_' || c == '-') ? c : '-';
	}
	if (n == 0) {
		free(id);
		return (NULL);
	}
	id[n] = '\0';
	return (id);
}
