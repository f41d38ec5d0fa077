/*
 * statement.c: what a statement is, per type, and how it is signed.
 *
 * The daemon and the client both run every statement through
 * stmt_from_json, so a statement the client signs is exactly one the daemon
 * accepts (limits aside, which are the daemon's to set).  Validation is
 * table-driven: each type lists the members it allows, so an unknown member
 * is refused instead of being silently signed and ignored.
 */

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "gloss.h"

#define STMT_TITLE_MAX		512
#define STMT_FIELD_MAX		8192
#define STMT_TALKS_MAX		1000
#define STMT_LIST_MAX		200
#define STMT_ABOUT_MAX		1024	/* a profile's about, a reason */
#define STMT_CHECK_ERROR	200	/* what a link check ran into */

const struct stmt_limits stmt_default_limits = {
	.max_text = 16384,
	.max_links = 16,
	.max_url = 2048,
};

static const char *stmt_type_names[STMT__MAX] = {
	[STMT_RECORD] = "record",
	[STMT_ANNOTATION] = "annotation",
	[STMT_REVISION] = "revision",
	[STMT_RETRACTION] = "retraction",
	[STMT_ENDORSE] = "endorse",
	[STMT_UNENDORSE] = "unendorse",
	[STMT_PROFILE] = "profile",
	[STMT_FLAG] = "flag",
	[STMT_MODERATION] = "moderation",
	[STMT_LINK_REVIEW] = "link-review",
};

static const char *stmt_action_names[ACTION__MAX] = {
	[ACTION_APPROVE] = "approve",
	[ACTION_REJECT] = "reject",
	[ACTION_HIDE] = "hide",
	[ACTION_RESTORE] = "restore",
	[ACTION_BAN] = "ban",
	[ACTION_UNBAN] = "unban",
	[ACTION_TRUST] = "trust",
	[ACTION_LOCK] = "lock",
	[ACTION_UNLOCK] = "unlock",
};

static const char *stmt_verdict_names[VERDICT__MAX] = {
	[VERDICT_OK] = "ok",
	[VERDICT_RELEVANT] = "relevant",
	[VERDICT_IRRELEVANT] = "irrelevant",
	[VERDICT_BROKEN] = "broken",
	[VERDICT_MOVED] = "moved",
	[VERDICT_PAYWALLED] = "paywalled",
	[VERDICT_DUPLICATE] = "duplicate",
	[VERDICT_SPAM] = "spam",
};

static const char *stmt_flag_reasons[] = {
	"spam", "abuse", "off-topic", "incorrect", "broken-link", "other"
};
#define STMT_FLAG_REASONS \
	(int)(sizeof stmt_flag_reasons / sizeof stmt_flag_reasons[0])

static const char *stmt_kind_names[KIND__MAX] = {
	[KIND_COMMENT] = "comment",
	[KIND_CRITIQUE] = "critique",
	[KIND_READING] = "reading",
};

/* What a reading list may be asked for by status, besides a verdict. */
static const char *stmt_reading_statuses[] = {
	"all", "unreviewed", "reviewed"
};
#define STMT_READING_STATUSES \
	(int)(sizeof stmt_reading_statuses / sizeof stmt_reading_statuses[0])

/* The forms a reading list is given in (?format=). */
static const char *stmt_reading_formats[] = {
	"json", "bibtex", "markdown"
};
#define STMT_READING_FORMATS \
	(int)(sizeof stmt_reading_formats / sizeof stmt_reading_formats[0])

/* Members each type may carry, besides v, type, author and created. */
static const char *stmt_members[STMT__MAX][16] = {
	[STMT_RECORD] = { "record", "title", "event", "duration", "talks",
	    "abstract", "speakers", "takeaways", "mentioned", "topics",
	    "notes", NULL },
	[STMT_ANNOTATION] = { "record", "kind", "talk", "at", "text",
	    "links", "reply_to", NULL },
	[STMT_REVISION] = { "of", "kind", "talk", "at", "text", "links",
	    NULL },
	[STMT_RETRACTION] = { "of", "reason", NULL },
	[STMT_ENDORSE] = { "subject", NULL },
	[STMT_UNENDORSE] = { "subject", NULL },
	[STMT_PROFILE] = { "name", "url", "about", NULL },
	[STMT_FLAG] = { "subject", "reason", "note", NULL },
	[STMT_MODERATION] = { "action", "subject", "talk", "reason", NULL },
	[STMT_LINK_REVIEW] = { "subject", "url", "verdict", "note",
	    "replacement", "check", NULL },
};

struct stmt_ctx {
	const struct stmt_limits *limits;
	const char		 *code;
	char			 *message;
};

static int GLOSS_PRINTF(3, 4)
stmt_fail(struct stmt_ctx *ctx, const char *code, const char *fmt, ...)
{
	va_list	ap;

	if (ctx->message != NULL)
		return -1;
	ctx->code = code;
	va_start(ap, fmt);
	if (vasprintf(&ctx->message, fmt, ap) == -1)
		ctx->message = xstrdup("invalid statement");
	va_end(ap);
	return -1;
}

const char *
stmt_type_name(enum stmt_type type)
{
	return stmt_type_names[type];
}

const char *
stmt_kind_name(enum stmt_kind kind)
{
	return stmt_kind_names[kind];
}

const char *
stmt_action_name(enum stmt_action action)
{
	return stmt_action_names[action];
}

const char *
stmt_verdict_name(enum stmt_verdict verdict)
{
	return stmt_verdict_names[verdict];
}

/* Whether a review with verdict may name a replacement URL. */
int
stmt_verdict_replaces(enum stmt_verdict verdict)
{
	return verdict == VERDICT_MOVED || verdict == VERDICT_DUPLICATE;
}

/* The index of name in names[0..n), or -1. */
static int
stmt_lookup(const char *const *names, int n, const char *name)
{
	int	i;

	for (i = 0; i < n; i++) {
		if (strcmp(name, names[i]) == 0)
			return i;
	}
	return -1;
}

int
stmt_action_from_name(const char *name, enum stmt_action *action)
{
	int	i;

	if ((i = stmt_lookup(stmt_action_names, ACTION__MAX, name)) == -1)
		return -1;
	*action = i;
	return 0;
}

int
stmt_kind_from_name(const char *name, enum stmt_kind *kind)
{
	int	i;

	if ((i = stmt_lookup(stmt_kind_names, KIND__MAX, name)) == -1)
		return -1;
	*kind = i;
	return 0;
}

int
stmt_verdict_from_name(const char *name, enum stmt_verdict *verdict)
{
	int	i;

	if ((i = stmt_lookup(stmt_verdict_names, VERDICT__MAX, name)) == -1)
		return -1;
	*verdict = i;
	return 0;
}

/*
 * Whether status is one a reading list may be asked for (?status=):
 * all, unreviewed, reviewed or a verdict's name.
 */
int
stmt_reading_status_valid(const char *status)
{
	return stmt_lookup(stmt_reading_statuses, STMT_READING_STATUSES,
	    status) != -1 ||
	    stmt_lookup(stmt_verdict_names, VERDICT__MAX, status) != -1;
}

/* Whether format is one a reading list is given in (?format=). */
int
stmt_reading_format_valid(const char *format)
{
	return stmt_lookup(stmt_reading_formats, STMT_READING_FORMATS,
	    format) != -1;
}

/*
 * Append names[0..n) to text, a string in a buffer of size bytes, as a
 * message lists them: "a, b or c" if they end the list (last), "a, b, c"
 * if more follow.  Returns text.  The *_list functions below fill their
 * text once, on first use, from one thread: glossd's loop (statements are
 * parsed there, not by the verifiers) or the client.
 */
static const char *
stmt_names_text(char *text, size_t size, const char *const *names, int n,
    int last)
{
	size_t	len = strlen(text);
	int	i;

	for (i = 0; i < n && len < size; i++) {
		snprintf(text + len, size - len, "%s%s", len == 0 ? "" :
		    last && i == n - 1 ? " or " : ", ", names[i]);
		len += strlen(text + len);
	}
	return text;
}

/* names[0..n) as a message lists them, in text (static) filled once. */
static const char *
stmt_names_list(char *text, size_t size, const char *const *names, int n)
{
	if (text[0] == '\0')
		stmt_names_text(text, size, names, n, 1);
	return text;
}

/* The kinds, for a message: "comment, critique or reading". */
const char *
stmt_kind_list(void)
{
	static char	text[64];

	return stmt_names_list(text, sizeof text, stmt_kind_names, KIND__MAX);
}

/* The verdicts, for a message: "ok, relevant, ... or spam". */
const char *
stmt_verdict_list(void)
{
	static char	text[96];

	return stmt_names_list(text, sizeof text, stmt_verdict_names,
	    VERDICT__MAX);
}

/* Whether reason is one a flag may give. */
int
stmt_flag_reason_valid(const char *reason)
{
	return stmt_lookup(stmt_flag_reasons, STMT_FLAG_REASONS, reason) != -1;
}

/* The reasons of a flag, for a message: "spam, abuse, ... or other". */
const char *
stmt_flag_reason_list(void)
{
	static char	text[96];

	return stmt_names_list(text, sizeof text, stmt_flag_reasons,
	    STMT_FLAG_REASONS);
}

/* What stmt_reading_status_valid takes, for a message: "all, ... or spam". */
const char *
stmt_reading_status_list(void)
{
	static char	text[160];

	if (text[0] == '\0') {
		stmt_names_text(text, sizeof text, stmt_reading_statuses,
		    STMT_READING_STATUSES, 0);
		stmt_names_text(text, sizeof text, stmt_verdict_names,
		    VERDICT__MAX, 1);
	}
	return text;
}

/* The reading list's forms, for a message: "json, bibtex or markdown". */
const char *
stmt_reading_format_list(void)
{
	static char	text[32];

	return stmt_names_list(text, sizeof text, stmt_reading_formats,
	    STMT_READING_FORMATS);
}

int
stmt_rid_valid(const char *rid)
{
	size_t	i, len = strlen(rid);

	if (len == 0 || len > GLOSS_RID_MAX)
		return 0;
	if (!islower((unsigned char)rid[0]) && !isdigit((unsigned char)rid[0]))
		return 0;
	for (i = 0; i < len; i++) {
		if (!islower((unsigned char)rid[i]) &&
		    !isdigit((unsigned char)rid[i]) &&
		    strchr("._-", rid[i]) == NULL)
			return 0;
	}
	return 1;
}

int
stmt_id_valid(const char *id)
{
	size_t	i;

	for (i = 0; i < GLOSS_ID_LEN; i++) {
		if (!isdigit((unsigned char)id[i]) &&
		    (id[i] < 'a' || id[i] > 'f'))
			return 0;
	}
	return id[GLOSS_ID_LEN] == '\0';
}

void
stmt_sha256_hex(const void *data, size_t len, char out[GLOSS_ID_LEN + 1])
{
	unsigned char	hash[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(hash, data, len);
	sodium_bin2hex(out, GLOSS_ID_LEN + 1, hash, sizeof hash);
}

void
stmt_trusted_comment(const char *id, char *out, size_t len)
{
	snprintf(out, len, "gloss/1 id=%s", id);
}

/*
 * Plain text: valid UTF-8 (guaranteed by the parser) without C0 or C1
 * control characters other than tab and newline, which would let a comment
 * rewrite a reader's terminal.  C1 (U+0080..U+009F) is C2 80..C2 9F.
 * Returns -1 if it is, else the first control character's code point,
 * with *at its byte offset.
 */
static int
stmt_plain_text(const char *s, size_t len, int multiline, size_t *at)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		*at = i;
		if (c == '\n' || c == '\t') {
			if (!multiline)
				return c;
		} else if (c < 0x20 || c == 0x7f)
			return c;
		else if (c == 0xc2 && i + 1 < len &&
		    (unsigned char)s[i + 1] <= 0x9f)
			return (unsigned char)s[i + 1];
	}
	return -1;
}

/*
 * Refuse member name for holding control character cp at byte at of s:
 * which character, and where, as line and column (in characters) of a
 * text that has lines.
 */
static void
stmt_fail_control(struct stmt_ctx *ctx, const char *name, const char *s,
    size_t at, int cp, int multiline)
{
	size_t	i, line = 1, column = 1;

	for (i = 0; i < at; i++) {
		if (s[i] == '\n') {
			line++;
			column = 1;
		} else if (((unsigned char)s[i] & 0xc0) != 0x80)
			column++;	/* not a UTF-8 continuation byte */
	}
	if (multiline)
		stmt_fail(ctx, "invalid_statement", "member \"%s\" holds a "
		    "control character, U+%04X, at line %zu, column %zu",
		    name, (unsigned)cp, line, column);
	else
		stmt_fail(ctx, "invalid_statement", "member \"%s\" holds a "
		    "control character, U+%04X, at character %zu", name,
		    (unsigned)cp, column);
}

/*
 * Fetch member name of obj as a string of 1..max bytes.  Returns the
 * string, NULL (and records an error) if absent and required or not a
 * valid string.  *present is set when the member exists.
 */
static const char *
stmt_string(struct stmt_ctx *ctx, json_t *obj, const char *name, int required,
    size_t max, int multiline, size_t *lenp)
{
	json_t		*v = json_object_get(obj, name);
	const char	*s;
	size_t		 len, at;
	int		 cp;

	if (v == NULL) {
		if (required)
			stmt_fail(ctx, "invalid_statement",
			    "member \"%s\" is required", name);
		return NULL;
	}
	if (!json_is_string(v)) {
		stmt_fail(ctx, "invalid_statement",
		    "member \"%s\" must be a string", name);
		return NULL;
	}
	s = json_string_value(v);
	len = json_string_length(v);
	if (len == 0) {
		stmt_fail(ctx, "invalid_statement",
		    "member \"%s\" must not be empty", name);
		return NULL;
	}
	if (max != 0 && len > max) {
		stmt_fail(ctx, strcmp(name, "text") == 0 ? "text_too_long" :
		    "invalid_statement",
		    "member \"%s\" is %zu bytes, over the limit of %zu", name,
		    len, max);
		return NULL;
	}
	if ((cp = stmt_plain_text(s, len, multiline, &at)) != -1) {
		stmt_fail_control(ctx, name, s, at, cp, multiline);
		return NULL;
	}
	if (lenp != NULL)
		*lenp = len;
	return s;
}

/* An integer member within [min, max]; -1 (with error) if absent/invalid. */
static int
stmt_integer(struct stmt_ctx *ctx, json_t *obj, const char *name,
    int64_t min, int64_t max, int64_t *out)
{
	json_t	*v = json_object_get(obj, name);

	if (v == NULL || !json_is_integer(v))
		return stmt_fail(ctx, "invalid_statement",
		    "member \"%s\" must be an integer", name);
	*out = json_integer_value(v);
	if (*out < min || *out > max)
		return stmt_fail(ctx, "invalid_statement",
		    "member \"%s\" must be between %lld and %lld", name,
		    (long long)min, (long long)max);
	return 0;
}

static int
stmt_only_members(struct stmt_ctx *ctx, json_t *obj, const char *what,
    const char *const *allowed)
{
	const char	*key;
	json_t		*v;
	size_t		 i;

	json_object_foreach(obj, key, v) {
		for (i = 0; allowed[i] != NULL; i++) {
			if (strcmp(key, allowed[i]) == 0)
				break;
		}
		if (allowed[i] == NULL)
			return stmt_fail(ctx, "invalid_statement",
			    "%s has an unknown member \"%.64s\"", what, key);
	}
	return 0;
}

/*
 * A link must parse as link.c says (http, https, doi: or arXiv:, nothing
 * that could deceive); web_only also refuses the typed identifiers, for a
 * profile's home page.
 */
static int
stmt_url(struct stmt_ctx *ctx, const char *url, size_t len, int web_only)
{
	struct link	link;
	char		err[256];

	if (ctx->limits != NULL && len > ctx->limits->max_url)
		return stmt_fail(ctx, "url_too_long",
		    "a link is %zu bytes, over the limit of %zu", len,
		    ctx->limits->max_url);
	if (link_parse(url, len, &link, err, sizeof err) == -1)
		return stmt_fail(ctx, "invalid_link", "%s", err);
	if (web_only && (strncasecmp(url, "http://", 7) != 0 &&
	    strncasecmp(url, "https://", 8) != 0)) {
		link_clear(&link);
		return stmt_fail(ctx, "invalid_link",
		    "a home page must be an http or https URL");
	}
	link_clear(&link);
	return 0;
}

static int
stmt_links(struct stmt_ctx *ctx, struct statement *st, json_t *links)
{
	static const char *const allowed[] = { "url", "title", NULL };
	struct stmt_annotation	*a = &st->u.annotation;
	json_t			*link;
	size_t			 i, len;

	if (!json_is_array(links))
		return stmt_fail(ctx, "invalid_statement",
		    "member \"links\" must be an array");
	a->nlinks = json_array_size(links);
	if (ctx->limits != NULL && a->nlinks > ctx->limits->max_links)
		return stmt_fail(ctx, "too_many_links",
		    "%zu links, over the limit of %zu", a->nlinks,
		    ctx->limits->max_links);
	if (a->nlinks == 0)
		return 0;
	a->links = xcalloc(a->nlinks, sizeof *a->links);
	json_array_foreach(links, i, link) {
		if (!json_is_object(link))
			return stmt_fail(ctx, "invalid_statement",
			    "each link must be an object");
		if (stmt_only_members(ctx, link, "a link", allowed) == -1)
			return -1;
		a->links[i].url = stmt_string(ctx, link, "url", 1, 0, 0, &len);
		if (a->links[i].url == NULL ||
		    stmt_url(ctx, a->links[i].url, len, 0) == -1)
			return -1;
		a->links[i].title = stmt_string(ctx, link, "title", 0,
		    STMT_TITLE_MAX, 0, NULL);
		if (ctx->message != NULL)
			return -1;
	}
	return 0;
}

static int
stmt_at(struct stmt_ctx *ctx, struct statement *st, json_t *at)
{
	static const char *const allowed[] = { "start", "end", NULL };
	struct stmt_annotation	*a = &st->u.annotation;

	if (!json_is_object(at))
		return stmt_fail(ctx, "invalid_statement",
		    "member \"at\" must be an object");
	if (stmt_only_members(ctx, at, "\"at\"", allowed) == -1 ||
	    stmt_integer(ctx, at, "start", 0, GLOSS_MAX_SAFE_INT,
	    &a->at_start) == -1)
		return -1;
	if (json_object_get(at, "end") != NULL) {
		if (stmt_integer(ctx, at, "end", 0, GLOSS_MAX_SAFE_INT,
		    &a->at_end) == -1)
			return -1;
		if (a->at_end <= a->at_start)
			return stmt_fail(ctx, "bad_time_range",
			    "a time range must end after it starts");
	}
	return 0;
}

/* A member naming a statement by id; NULL (with an error if required). */
static const char *
stmt_ref(struct stmt_ctx *ctx, json_t *root, const char *name, int required)
{
	const char	*id;

	id = stmt_string(ctx, root, name, required, GLOSS_ID_LEN, 0, NULL);
	if (id != NULL && !stmt_id_valid(id)) {
		stmt_fail(ctx, "invalid_statement",
		    "member \"%s\" is not a statement id", name);
		return NULL;
	}
	return id;
}

/*
 * An annotation, or a revision: the same members, except that a revision
 * names its annotation in "of" instead of a record and may leave out the
 * kind (what it leaves out stays as it was).
 */
static int
stmt_annotation(struct stmt_ctx *ctx, struct statement *st)
{
	struct stmt_annotation	*a = &st->u.annotation;
	const char		*kind;
	json_t			*v;
	int64_t			 talk;
	int			 revision = st->type == STMT_REVISION;

	a->at_start = a->at_end = -1;
	if (revision) {
		if ((a->of = stmt_ref(ctx, st->root, "of", 1)) == NULL)
			return -1;
	} else {
		a->record = stmt_string(ctx, st->root, "record", 1,
		    GLOSS_RID_MAX, 0, NULL);
		if (a->record == NULL)
			return -1;
		if (!stmt_rid_valid(a->record))
			return stmt_fail(ctx, "invalid_statement",
			    "member \"record\" is not a record id");
	}
	kind = stmt_string(ctx, st->root, "kind", !revision, 16, 0, NULL);
	if (ctx->message != NULL)
		return -1;
	if ((a->has_kind = kind != NULL) &&
	    stmt_kind_from_name(kind, &a->kind) == -1)
		return stmt_fail(ctx, "invalid_statement",
		    "kind must be %s", stmt_kind_list());
	if (json_object_get(st->root, "talk") != NULL) {
		if (stmt_integer(ctx, st->root, "talk", 1, STMT_TALKS_MAX,
		    &talk) == -1)
			return -1;
		a->talk = (int)talk;
	}
	if ((v = json_object_get(st->root, "at")) != NULL &&
	    stmt_at(ctx, st, v) == -1)
		return -1;
	a->text = stmt_string(ctx, st->root, "text", 1,
	    ctx->limits != NULL ? ctx->limits->max_text : 0, 1, &a->text_len);
	if (a->text == NULL)
		return -1;
	if ((v = json_object_get(st->root, "links")) != NULL) {
		a->has_links = 1;
		if (stmt_links(ctx, st, v) == -1)
			return -1;
	}
	/* A revision's links may be elsewhere in its chain. */
	if (!revision && a->kind == KIND_READING && a->nlinks == 0)
		return stmt_fail(ctx, "invalid_statement",
		    "a reading needs at least one link");
	a->reply_to = stmt_ref(ctx, st->root, "reply_to", 0);
	return ctx->message != NULL ? -1 : 0;
}

static int
stmt_retraction(struct stmt_ctx *ctx, struct statement *st)
{
	struct stmt_retraction	*r = &st->u.retraction;

	if ((r->of = stmt_ref(ctx, st->root, "of", 1)) == NULL)
		return -1;
	r->reason = stmt_string(ctx, st->root, "reason", 0, STMT_ABOUT_MAX, 1,
	    NULL);
	return ctx->message != NULL ? -1 : 0;
}

static int
stmt_endorse(struct stmt_ctx *ctx, struct statement *st)
{
	st->u.endorse.subject = stmt_ref(ctx, st->root, "subject", 1);
	return st->u.endorse.subject == NULL ? -1 : 0;
}

/*
 * Bidirectional controls: overrides and isolates (U+202A..U+202E,
 * U+2066..U+2069) and marks (U+200E, U+200F, U+061C), which could make a
 * name read as someone else's.
 */
static int
stmt_has_bidi(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		if (p[0] == 0xd8 && p[1] == 0x9c)
			return 1;
		if (p[0] != 0xe2 || p[1] == '\0' || p[2] == '\0')
			continue;
		if ((p[1] == 0x80 && (p[2] == 0x8e || p[2] == 0x8f ||
		    (p[2] >= 0xaa && p[2] <= 0xae))) ||
		    (p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9))
			return 1;
	}
	return 0;
}

/*
 * Characters that show nothing: blanks (U+0020, U+00A0, U+2000..U+200A,
 * U+202F, U+205F, U+3000), the soft hyphen, the zero-width ones and
 * joiners (U+034F, U+180E, U+200B..U+200D, U+2060..U+2064, U+FEFF), the
 * Braille blank (U+2800) and the Hangul fillers.  A name of these alone
 * names no one.
 */
static const struct {
	unsigned int	 lo, hi;
} stmt_invisible[] = {
	{ 0x0020, 0x0020 }, { 0x00a0, 0x00a0 }, { 0x00ad, 0x00ad },
	{ 0x034f, 0x034f }, { 0x115f, 0x1160 }, { 0x180e, 0x180e },
	{ 0x2000, 0x200d }, { 0x202f, 0x202f }, { 0x205f, 0x2064 },
	{ 0x2800, 0x2800 }, { 0x3000, 0x3000 }, { 0x3164, 0x3164 },
	{ 0xfeff, 0xfeff },
	{ 0xffa0, 0xffa0 },
};

/* The code point at *p in a UTF-8 string, moving *p past it. */
static unsigned int
stmt_next_char(const unsigned char **p)
{
	const unsigned char	*q = *p;
	unsigned int		 cp;
	size_t			 i, n;

	n = *q < 0x80 ? 1 : *q < 0xe0 ? 2 : *q < 0xf0 ? 3 : 4;
	cp = n == 1 ? *q : *q & (0x7f >> n);
	for (i = 1; i < n && q[i] != '\0'; i++)
		cp = cp << 6 | (q[i] & 0x3f);
	*p = q + i;
	return cp;
}

static int
stmt_is_invisible(unsigned int cp)
{
	size_t	i;

	for (i = 0; i < sizeof stmt_invisible / sizeof stmt_invisible[0]; i++)
		if (cp >= stmt_invisible[i].lo && cp <= stmt_invisible[i].hi)
			return 1;
	return 0;
}

/* Whether the UTF-8 string s shows at least one character. */
static int
stmt_visible(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;

	while (*p != '\0') {
		if (!stmt_is_invisible(stmt_next_char(&p)))
			return 1;
	}
	return 0;
}

/*
 * The ASCII a person would read code point cp as, where a key id's look
 * is concerned: the fullwidth, small, superscript and subscript
 * parentheses as "(" and ")", the fullwidth digits and letters A to F as
 * theirs; 0 for what shows nothing; 1 for anything else that is not
 * ASCII.
 */
static int
stmt_keyid_char(unsigned int cp)
{
	if (stmt_is_invisible(cp))
		return 0;
	if (cp == 0xff08 || cp == 0xfe59 || cp == 0x207d || cp == 0x208d)
		return '(';
	if (cp == 0xff09 || cp == 0xfe5a || cp == 0x207e || cp == 0x208e)
		return ')';
	if (cp >= 0xff10 && cp <= 0xff19)
		return '0' + (cp - 0xff10);
	if (cp >= 0xff21 && cp <= 0xff26)
		return 'A' + (cp - 0xff21);
	if (cp >= 0xff41 && cp <= 0xff46)
		return 'a' + (cp - 0xff41);
	return cp < 0x80 ? (int)cp : 1;
}

/*
 * Whether s holds a key id's look in parentheses: 8 to 16 hex digits,
 * of either case, as gloss prints a name's fingerprint beside it; read
 * as a person would (stmt_keyid_char), so blanks, invisible characters
 * and fullwidth forms do not hide one.
 */
static int
stmt_has_keyid(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	char			 seen[4 * GLOSS_NAME_MAX + 1];
	size_t			 len = 0, n;
	const char		*q;
	int			 ch;

	while (*p != '\0' && len < sizeof seen - 1) {
		if ((ch = stmt_keyid_char(stmt_next_char(&p))) != 0)
			seen[len++] = (char)ch;
	}
	seen[len] = '\0';
	for (q = seen; (q = strchr(q, '(')) != NULL; ) {
		q++;
		n = strspn(q, "0123456789abcdefABCDEF");
		if (n >= 8 && n <= 16 && q[n] == ')')
			return 1;
	}
	return 0;
}

/*
 * What is wrong with a new profile's name for a person, or NULL: one
 * that shows nothing, or that carries a key id of its own beside which
 * gloss's fingerprint would read as someone else's.  Names stored before
 * these rules stay valid, so only a new post is held to them.
 */
const char *
stmt_name_fault(const char *name)
{
	if (!stmt_visible(name))
		return "a name must show at least one character, not only "
		    "spaces or invisible ones";
	if (stmt_has_keyid(name))
		return "a name may not hold a key id in parentheses, as "
		    "gloss prints one beside every name";
	return NULL;
}

/* Characters, not bytes: UTF-8 continuation bytes are not counted. */
static size_t
stmt_chars(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static int
stmt_flag(struct stmt_ctx *ctx, struct statement *st)
{
	struct stmt_flag	*f = &st->u.flag;

	if ((f->subject = stmt_ref(ctx, st->root, "subject", 1)) == NULL ||
	    (f->reason = stmt_string(ctx, st->root, "reason", 1, 32, 0,
	    NULL)) == NULL)
		return -1;
	if (!stmt_flag_reason_valid(f->reason))
		return stmt_fail(ctx, "invalid_statement", "reason must be %s",
		    stmt_flag_reason_list());
	f->note = stmt_string(ctx, st->root, "note", 0, STMT_ABOUT_MAX, 1,
	    NULL);
	return ctx->message != NULL ? -1 : 0;
}

/*
 * A moderator's decision: its subject is an annotation id (approve,
 * reject, hide, restore), a public key (ban, unban, trust) or a record id
 * with an optional talk (lock, unlock); reject, hide and ban give a reason.
 */
static int
stmt_moderation(struct stmt_ctx *ctx, struct statement *st)
{
	struct stmt_moderation	*m = &st->u.moderation;
	struct minisig_pubkey	 pk;
	const char		*action, *errstr;
	int64_t			 talk;

	if ((action = stmt_string(ctx, st->root, "action", 1, 16, 0,
	    NULL)) == NULL)
		return -1;
	if (stmt_action_from_name(action, &m->action) == -1)
		return stmt_fail(ctx, "invalid_statement", "action must be "
		    "approve, reject, hide, restore, ban, unban, trust, lock "
		    "or unlock");
	m->reason = stmt_string(ctx, st->root, "reason", 0, STMT_ABOUT_MAX, 1,
	    NULL);
	if (ctx->message != NULL)
		return -1;
	if (m->reason == NULL && (m->action == ACTION_REJECT ||
	    m->action == ACTION_HIDE || m->action == ACTION_BAN))
		return stmt_fail(ctx, "invalid_statement", "%s needs a reason",
		    action);
	switch (m->action) {
	case ACTION_BAN:
	case ACTION_UNBAN:
	case ACTION_TRUST:
		m->subject = stmt_string(ctx, st->root, "subject", 1,
		    GLOSS_PUBKEY_LEN, 0, NULL);
		if (m->subject == NULL)
			return -1;
		if (minisig_pubkey_parse(m->subject, strlen(m->subject), &pk,
		    &errstr) == -1)
			return stmt_fail(ctx, "invalid_statement", "%s needs a "
			    "public key as its subject", action);
		break;
	case ACTION_LOCK:
	case ACTION_UNLOCK:
		m->subject = stmt_string(ctx, st->root, "subject", 1,
		    GLOSS_RID_MAX, 0, NULL);
		if (m->subject == NULL)
			return -1;
		if (!stmt_rid_valid(m->subject))
			return stmt_fail(ctx, "invalid_statement", "%s needs a "
			    "record id as its subject", action);
		if (json_object_get(st->root, "talk") != NULL) {
			if (stmt_integer(ctx, st->root, "talk", 1,
			    STMT_TALKS_MAX, &talk) == -1)
				return -1;
			m->talk = (int)talk;
		}
		return 0;
	default:
		if ((m->subject = stmt_ref(ctx, st->root, "subject", 1)) ==
		    NULL)
			return -1;
		break;
	}
	if (json_object_get(st->root, "talk") != NULL)
		return stmt_fail(ctx, "invalid_statement", "only lock and "
		    "unlock name a talk");
	return 0;
}

/*
 * What a link checker found: the final HTTP status (0 when none came),
 * the URL it ended at and what went wrong.  Only a verdict a check can
 * reach (ok, moved, broken) carries one.
 */
static int
stmt_check(struct stmt_ctx *ctx, struct statement *st, json_t *check)
{
	static const char *const allowed[] = { "status", "final", "error",
	    NULL };
	struct stmt_link_review	*r = &st->u.link_review;
	size_t			 len;

	if (!json_is_object(check))
		return stmt_fail(ctx, "invalid_statement",
		    "member \"check\" must be an object");
	if (r->verdict != VERDICT_OK && r->verdict != VERDICT_MOVED &&
	    r->verdict != VERDICT_BROKEN)
		return stmt_fail(ctx, "invalid_statement",
		    "only ok, moved and broken come from a check");
	if (stmt_only_members(ctx, check, "\"check\"", allowed) == -1 ||
	    stmt_integer(ctx, check, "status", 0, 999, &r->check_status) == -1)
		return -1;
	r->checked = 1;
	r->check_final = stmt_string(ctx, check, "final", 0, 0, 0, &len);
	if (r->check_final != NULL &&
	    stmt_url(ctx, r->check_final, len, 0) == -1)
		return -1;
	r->check_error = stmt_string(ctx, check, "error", 0, STMT_CHECK_ERROR,
	    0, NULL);
	return ctx->message != NULL ? -1 : 0;
}

/*
 * A verdict on one link of an annotation.  The daemon checks that the
 * link is the annotation's; here only the shape.
 */
static int
stmt_link_review(struct stmt_ctx *ctx, struct statement *st)
{
	struct stmt_link_review	*r = &st->u.link_review;
	const char		*verdict;
	json_t			*check;
	size_t			 len;

	if ((r->subject = stmt_ref(ctx, st->root, "subject", 1)) == NULL ||
	    (r->url = stmt_string(ctx, st->root, "url", 1, 0, 0, &len)) ==
	    NULL || stmt_url(ctx, r->url, len, 0) == -1 ||
	    (verdict = stmt_string(ctx, st->root, "verdict", 1, 16, 0,
	    NULL)) == NULL)
		return -1;
	if (stmt_verdict_from_name(verdict, &r->verdict) == -1)
		return stmt_fail(ctx, "invalid_statement", "verdict must be %s",
		    stmt_verdict_list());
	r->note = stmt_string(ctx, st->root, "note", 0, STMT_ABOUT_MAX, 1,
	    NULL);
	r->replacement = stmt_string(ctx, st->root, "replacement", 0, 0, 0,
	    &len);
	if (ctx->message != NULL)
		return -1;
	if (r->replacement != NULL) {
		if (!stmt_verdict_replaces(r->verdict))
			return stmt_fail(ctx, "invalid_statement",
			    "only moved and duplicate name a replacement");
		if (stmt_url(ctx, r->replacement, len, 0) == -1)
			return -1;
	}
	if ((check = json_object_get(st->root, "check")) != NULL)
		return stmt_check(ctx, st, check);
	return 0;
}

static int
stmt_profile(struct stmt_ctx *ctx, struct statement *st)
{
	struct stmt_profile	*p = &st->u.profile;
	json_t			*name = json_object_get(st->root, "name");

	if (json_is_string(name) && json_string_length(name) == 0)
		return stmt_fail(ctx, "invalid_statement",
		    "a profile needs a name of 1 to %d characters",
		    GLOSS_NAME_MAX);
	p->name = stmt_string(ctx, st->root, "name", 1, 4 * GLOSS_NAME_MAX, 0,
	    NULL);
	if (p->name == NULL)
		return -1;
	if (stmt_chars(p->name) > GLOSS_NAME_MAX)
		return stmt_fail(ctx, "invalid_statement",
		    "a name is at most %d characters", GLOSS_NAME_MAX);
	if (stmt_has_bidi(p->name))
		return stmt_fail(ctx, "invalid_statement",
		    "a name may not hold characters that change the "
		    "direction of text (bidirectional marks, isolates or "
		    "overrides, such as U+200F or U+202E)");
	p->url = stmt_string(ctx, st->root, "url", 0, 0, 0, NULL);
	if (p->url != NULL && stmt_url(ctx, p->url, strlen(p->url), 1) == -1)
		return -1;
	p->about = stmt_string(ctx, st->root, "about", 0, STMT_ABOUT_MAX, 1,
	    NULL);
	return ctx->message != NULL ? -1 : 0;
}

/* An optional array of at most STMT_LIST_MAX strings, or of objects. */
static int
stmt_string_list(struct stmt_ctx *ctx, json_t *root, const char *name)
{
	json_t	*list = json_object_get(root, name), *item;
	size_t	 i, at;

	if (list == NULL)
		return 0;
	if (!json_is_array(list) || json_array_size(list) > STMT_LIST_MAX)
		return stmt_fail(ctx, "invalid_statement",
		    "member \"%s\" must be an array of at most %d strings",
		    name, STMT_LIST_MAX);
	json_array_foreach(list, i, item) {
		if (!json_is_string(item) || json_string_length(item) == 0 ||
		    json_string_length(item) > STMT_FIELD_MAX ||
		    stmt_plain_text(json_string_value(item),
		    json_string_length(item), 0, &at) != -1)
			return stmt_fail(ctx, "invalid_statement",
			    "member \"%s\" must hold non-empty plain strings",
			    name);
	}
	return 0;
}

static int
stmt_speakers(struct stmt_ctx *ctx, json_t *root)
{
	static const char *const allowed[] = { "name", "affiliation", NULL };
	json_t	*list = json_object_get(root, "speakers"), *item;
	size_t	 i;

	if (list == NULL)
		return 0;
	if (!json_is_array(list) || json_array_size(list) > STMT_LIST_MAX)
		return stmt_fail(ctx, "invalid_statement",
		    "member \"speakers\" must be an array");
	json_array_foreach(list, i, item) {
		if (!json_is_object(item))
			return stmt_fail(ctx, "invalid_statement",
			    "each speaker must be an object");
		if (stmt_only_members(ctx, item, "a speaker", allowed) == -1 ||
		    stmt_string(ctx, item, "name", 1, STMT_TITLE_MAX, 0,
		    NULL) == NULL)
			return -1;
		stmt_string(ctx, item, "affiliation", 0, STMT_TITLE_MAX, 0,
		    NULL);
		if (ctx->message != NULL)
			return -1;
	}
	return 0;
}

static int
stmt_talks(struct stmt_ctx *ctx, struct statement *st, json_t *talks)
{
	static const char *const allowed[] = { "start", "speaker", "title",
	    "description", NULL };
	struct stmt_record	*r = &st->u.record;
	struct stmt_talk	*t;
	json_t			*item;
	size_t			 i;

	if (!json_is_array(talks) || json_array_size(talks) == 0 ||
	    json_array_size(talks) > STMT_TALKS_MAX)
		return stmt_fail(ctx, "invalid_statement",
		    "member \"talks\" must be an array of 1 to %d talks",
		    STMT_TALKS_MAX);
	r->ntalks = json_array_size(talks);
	r->talks = xcalloc(r->ntalks, sizeof *r->talks);
	json_array_foreach(talks, i, item) {
		t = &r->talks[i];
		if (!json_is_object(item))
			return stmt_fail(ctx, "invalid_statement",
			    "each talk must be an object");
		if (stmt_only_members(ctx, item, "a talk", allowed) == -1 ||
		    stmt_integer(ctx, item, "start", 0, r->duration - 1,
		    &t->start) == -1)
			return -1;
		if (i > 0 && t->start < r->talks[i - 1].start)
			return stmt_fail(ctx, "invalid_statement",
			    "talk %zu starts before talk %zu", i + 1, i);
		t->title = stmt_string(ctx, item, "title", 1, STMT_TITLE_MAX,
		    0, NULL);
		t->speaker = stmt_string(ctx, item, "speaker", 0,
		    STMT_TITLE_MAX, 0, NULL);
		t->description = stmt_string(ctx, item, "description", 0,
		    STMT_FIELD_MAX, 1, NULL);
		if (ctx->message != NULL)
			return -1;
	}
	return 0;
}

static int
stmt_record(struct stmt_ctx *ctx, struct statement *st)
{
	struct stmt_record	*r = &st->u.record;
	json_t			*talks;

	r->rid = stmt_string(ctx, st->root, "record", 1, GLOSS_RID_MAX, 0,
	    NULL);
	if (r->rid == NULL)
		return -1;
	if (!stmt_rid_valid(r->rid))
		return stmt_fail(ctx, "invalid_statement",
		    "record ids are 1 to 64 of a-z, 0-9, '.', '_' and '-'");
	r->title = stmt_string(ctx, st->root, "title", 1, STMT_TITLE_MAX, 0,
	    NULL);
	r->event = stmt_string(ctx, st->root, "event", 0, STMT_TITLE_MAX, 0,
	    NULL);
	if (ctx->message != NULL ||
	    stmt_integer(ctx, st->root, "duration", 1, GLOSS_MAX_SAFE_INT,
	    &r->duration) == -1)
		return -1;
	if ((talks = json_object_get(st->root, "talks")) == NULL)
		return stmt_fail(ctx, "invalid_statement",
		    "member \"talks\" is required");
	if (stmt_talks(ctx, st, talks) == -1 ||
	    stmt_speakers(ctx, st->root) == -1 ||
	    stmt_string_list(ctx, st->root, "takeaways") == -1 ||
	    stmt_string_list(ctx, st->root, "topics") == -1)
		return -1;
	stmt_string(ctx, st->root, "abstract", 0, STMT_FIELD_MAX, 1, NULL);
	stmt_string(ctx, st->root, "mentioned", 0, STMT_FIELD_MAX, 0, NULL);
	stmt_string(ctx, st->root, "notes", 0, STMT_FIELD_MAX, 1, NULL);
	return ctx->message != NULL ? -1 : 0;
}

static int
stmt_type(struct stmt_ctx *ctx, struct statement *st)
{
	const char	*name;
	int		 i;

	if ((name = stmt_string(ctx, st->root, "type", 1, 32, 0, NULL)) == NULL)
		return -1;
	if ((i = stmt_lookup(stmt_type_names, STMT__MAX, name)) == -1)
		return stmt_fail(ctx, "invalid_statement",
		    "unknown statement type");
	st->type = i;
	return 0;
}

static int
stmt_common(struct stmt_ctx *ctx, struct statement *st)
{
	static const char *const base[] = { "v", "type", "author", "created" };
	const char	*allowed[32];
	const char	*s, *errstr;
	size_t		 i, n = 0;
	int64_t		 v;

	if (!json_is_object(st->root))
		return stmt_fail(ctx, "invalid_statement",
		    "a statement must be a JSON object");
	if (stmt_integer(ctx, st->root, "v", 1, 1, &v) == -1 ||
	    stmt_type(ctx, st) == -1)
		return -1;
	for (i = 0; i < sizeof base / sizeof base[0]; i++)
		allowed[n++] = base[i];
	for (i = 0; stmt_members[st->type][i] != NULL; i++)
		allowed[n++] = stmt_members[st->type][i];
	allowed[n] = NULL;
	if (stmt_only_members(ctx, st->root, "the statement", allowed) == -1)
		return -1;
	if ((s = stmt_string(ctx, st->root, "author", 1, GLOSS_PUBKEY_LEN, 0,
	    NULL)) == NULL)
		return -1;
	if (minisig_pubkey_parse(s, strlen(s), &st->key, &errstr) == -1)
		return stmt_fail(ctx, "invalid_statement",
		    "member \"author\" is not a minisign public key: %s",
		    errstr);
	minisig_pubkey_format(&st->key, st->author);
	if ((s = stmt_string(ctx, st->root, "created", 1, 20, 0, NULL)) == NULL)
		return -1;
	if (timefmt_parse_rfc3339(s, &st->created) == -1)
		return stmt_fail(ctx, "invalid_statement",
		    "member \"created\" must be UTC like 2026-11-26T15:04:05Z");
	memcpy(st->created_text, s, sizeof st->created_text);
	return 0;
}

/*
 * Validate root as a statement and compute its canonical bytes and id.
 * Takes ownership of root whatever happens.  limits NULL skips the
 * size limits (the client leaves them to the server).  On failure returns
 * NULL with *code a stable snake_case code and *message a malloc'd human
 * sentence for the caller to free.
 */
struct statement *
stmt_from_json(json_t *root, const struct stmt_limits *limits,
    const char **code, char **message)
{
	struct stmt_ctx		 ctx = { .limits = limits };
	struct statement	*st;
	struct buf		 out;
	struct jcs_err		 err;
	int			 rc;

	st = xcalloc(1, sizeof *st);
	st->root = root;
	if (stmt_common(&ctx, st) == -1)
		goto fail;
	switch (st->type) {
	case STMT_RECORD:
		rc = stmt_record(&ctx, st);
		break;
	case STMT_ANNOTATION:
	case STMT_REVISION:
		rc = stmt_annotation(&ctx, st);
		break;
	case STMT_RETRACTION:
		rc = stmt_retraction(&ctx, st);
		break;
	case STMT_ENDORSE:
	case STMT_UNENDORSE:
		rc = stmt_endorse(&ctx, st);
		break;
	case STMT_PROFILE:
		rc = stmt_profile(&ctx, st);
		break;
	case STMT_FLAG:
		rc = stmt_flag(&ctx, st);
		break;
	case STMT_MODERATION:
		rc = stmt_moderation(&ctx, st);
		break;
	case STMT_LINK_REVIEW:
		rc = stmt_link_review(&ctx, st);
		break;
	default:
		rc = stmt_fail(&ctx, "invalid_statement", "unknown type");
		break;
	}
	if (rc == -1)
		goto fail;
	buf_init(&out);
	if (jcs_serialize(st->root, &out, &err) == -1) {
		buf_free(&out);
		stmt_fail(&ctx, jcs_error_code(err.code), "%s", err.message);
		goto fail;
	}
	st->canonical_len = out.len;
	st->canonical = buf_take(&out);
	stmt_sha256_hex(st->canonical, st->canonical_len, st->id);
	return st;

fail:
	*code = ctx.code;
	*message = ctx.message;
	stmt_free(st);
	return NULL;
}

void
stmt_free(struct statement *st)
{
	if (st == NULL)
		return;
	switch (st->type) {
	case STMT_RECORD:
		free(st->u.record.talks);
		break;
	case STMT_ANNOTATION:
	case STMT_REVISION:
		free(st->u.annotation.links);
		break;
	default:
		break;
	}
	free(st->canonical);
	json_decref(st->root);
	free(st);
}

/* The 4-line minisig text for st's canonical bytes; caller frees. */
char *
stmt_sign(const struct statement *st, const struct minisig_seckey *sk)
{
	char	trusted[128];

	stmt_trusted_comment(st->id, trusted, sizeof trusted);
	return minisig_sign(sk, st->canonical, st->canonical_len, trusted,
	    NULL);
}

/*
 * Check that text is a valid minisig by st's author over st's canonical
 * bytes with the trusted comment naming st's id.  Returns 0, or -1 with
 * *code and a malloc'd *message.
 */
int
stmt_verify(const struct statement *st, const char *text, size_t len,
    const char **code, char **message)
{
	struct minisig		 sig;
	enum minisig_status	 status;
	const char		*errstr = "invalid";
	char			 trusted[128];

	status = minisig_parse(text, len, &sig, &errstr);
	if (status != MINISIG_OK) {
		*code = minisig_status_string(status);
		xasprintf(message, "the minisig is not usable: %s", errstr);
		return -1;
	}
	status = minisig_verify(&sig, &st->key, st->canonical,
	    st->canonical_len);
	if (status != MINISIG_OK) {
		*code = minisig_status_string(status);
		switch (status) {
		case MINISIG_E_KEY_MISMATCH:
			*message = xstrdup("the minisig was made by another "
			    "key than the statement's author");
			break;
		case MINISIG_E_GLOBAL:
			*message = xstrdup("the signature over the trusted "
			    "comment does not match");
			break;
		default:
			*message = xstrdup("the signature does not match the "
			    "statement's canonical bytes");
			break;
		}
		return -1;
	}
	stmt_trusted_comment(st->id, trusted, sizeof trusted);
	if (strcmp(sig.trusted, trusted) != 0) {
		*code = "bad_trusted_comment";
		xasprintf(message, "the trusted comment must be \"%s\"",
		    trusted);
		return -1;
	}
	return 0;
}
