/*
 * jcs.c: strict JSON parsing and RFC 8785 canonical serialization.
 *
 * A statement's id and signature cover its canonical bytes, so the client
 * and the daemon must turn the same JSON into the same bytes, and anyone
 * with an off-the-shelf JCS library must get them too.  That only works
 * for a profile where JCS has no corner cases: ASCII member names (byte
 * order is then UTF-16 order), valid UTF-8, integers 0..2^53-1, no
 * duplicates.  jansson's own parser is too lenient for that (it accepts
 * floats, negative numbers, lone surrogate escapes and would lose the
 * difference between 1 and 1.0), so this file has its own small
 * recursive-descent parser that refuses, with a precise error, anything
 * outside the profile instead of normalizing it.  It builds ordinary
 * jansson values so the rest of the code can use jansson's accessors.
 */

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gloss.h"

struct jcs_parser {
	const unsigned char	*in;
	size_t			 len;
	size_t			 pos;
	struct buf		 scratch;	/* decoded escaped strings */
	struct jcs_err		*err;
};

struct jcs_member {
	const char	*name;
	json_t		*value;
};

struct jcs_writer {
	struct buf	*out;
	struct jcs_err	*err;
	struct {
		const char	*name;	/* NULL: array element */
		size_t		 index;
	} path[JCS_MAX_DEPTH];
};

static const char *const jcs_error_codes[JCS__MAX] = {
	[JCS_OK] = "ok",
	[JCS_E_SYNTAX] = "malformed_json",
	[JCS_E_UTF8] = "invalid_utf8",
	[JCS_E_DUPLICATE] = "duplicate_member",
	[JCS_E_NUMBER] = "number_not_integer",
	[JCS_E_RANGE] = "integer_out_of_range",
	[JCS_E_SURROGATE] = "lone_surrogate",
	[JCS_E_NAME] = "invalid_member_name",
	[JCS_E_DEPTH] = "too_deep",
};

/*
 * How jcs_write_string writes each byte: 0 raw, 'u' as \u00xx, anything
 * else as a backslash followed by that character.
 */
static const char jcs_escapes[256] = {
	'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',		/* 0x00 */
	'b', 't', 'n', 'u', 'f', 'r', 'u', 'u',		/* 0x08 */
	'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',		/* 0x10 */
	'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',		/* 0x18 */
	['"'] = '"',
	['\\'] = '\\',
};

static void	jcs_fail(struct jcs_err *, enum jcs_error, size_t,
		    const char *, ...) GLOSS_PRINTF(4, 5);
static json_t	*parse_value(struct jcs_parser *, int);
static int	 write_value(struct jcs_writer *, const json_t *, int);

/* Fill err (when not NULL) with a code, an offset and a formatted message. */
static void
jcs_fail(struct jcs_err *err, enum jcs_error code, size_t offset,
    const char *fmt, ...)
{
	va_list	ap;

	if (err == NULL)
		return;
	err->code = code;
	err->offset = offset;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
}

/* jansson could not allocate: treat it like xmalloc does. */
static void
jcs_oom(void)
{
	static const char msg[] = "gloss: out of memory\n";

	fwrite(msg, 1, sizeof msg - 1, stderr);
	abort();
}

/*
 * Length of the well-formed UTF-8 sequence at p (1 to 4), or 0 if the
 * bytes there are not one: a stray continuation byte, an overlong form, a
 * UTF-16 surrogate (U+D800..U+DFFF), a code point above U+10FFFF or a
 * sequence cut short by the end of the input (RFC 3629 section 4).
 */
size_t
jcs_utf8_len(const unsigned char *p, size_t avail)
{
	unsigned char	c = p[0], lo = 0x80, hi = 0xbf;

	if (c < 0x80)
		return (1);
	if (c < 0xc2)
		return (0);
	if (c < 0xe0) {
		if (avail < 2 || p[1] < 0x80 || p[1] > 0xbf)
			return (0);
		return (2);
	}
	if (c < 0xf0) {
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
		if (avail < 3 || p[1] < lo || p[1] > hi ||
		    p[2] < 0x80 || p[2] > 0xbf)
			return (0);
		return (3);
	}
	if (c < 0xf5) {
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
		if (avail < 4 || p[1] < lo || p[1] > hi ||
		    p[2] < 0x80 || p[2] > 0xbf || p[3] < 0x80 || p[3] > 0xbf)
			return (0);
		return (4);
	}
	return (0);
}

/* Return 1 if s is well-formed UTF-8 (NUL bytes allowed), else 0. */
int
jcs_utf8_valid(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, n;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = jcs_utf8_len(p + i, len - i)) == 0)
			return (0);
		i += n;
	}
	return (1);
}

const char *
jcs_error_code(enum jcs_error code)
{
	if ((unsigned int)code >= JCS__MAX)
		return ("unknown");
	return (jcs_error_codes[code]);
}

/*
 * Whether a member name may be quoted in an error message: short and
 * printable ASCII without quotes or backslashes, so the message is still
 * one clean line whatever the input held.
 */
static int
printable_name(const char *s, size_t len)
{
	size_t	i;

	if (len > 64)
		return (0);
	for (i = 0; i < len; i++) {
		if (s[i] < 0x20 || s[i] > 0x7e || s[i] == '"' || s[i] == '\\')
			return (0);
	}
	return (1);
}

static void
skip_space(struct jcs_parser *jp)
{
	unsigned char	c;

	while (jp->pos < jp->len) {
		c = jp->in[jp->pos];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		jp->pos++;
	}
}

/*
 * Report the byte at the current position as unexpected where "expected"
 * should have been.  A byte that starts no valid UTF-8 sequence is an
 * encoding error rather than a syntax error.
 */
static void
unexpected(struct jcs_parser *jp, const char *expected)
{
	unsigned char	c;
	size_t		at = jp->pos;

	if (at >= jp->len) {
		jcs_fail(jp->err, JCS_E_SYNTAX, at,
		    "unexpected end of input at byte %zu, expected %s", at,
		    expected);
		return;
	}
	c = jp->in[at];
	if (c >= 0x80 && jcs_utf8_len(jp->in + at, jp->len - at) == 0)
		jcs_fail(jp->err, JCS_E_UTF8, at,
		    "invalid UTF-8 at byte %zu", at);
	else if (c >= 0x80)
		jcs_fail(jp->err, JCS_E_SYNTAX, at,
		    "unexpected non-ASCII character at byte %zu, expected %s",
		    at, expected);
	else if (c >= 0x20 && c < 0x7f)
		jcs_fail(jp->err, JCS_E_SYNTAX, at,
		    "unexpected '%c' at byte %zu, expected %s", c, at,
		    expected);
	else
		jcs_fail(jp->err, JCS_E_SYNTAX, at,
		    "unexpected byte 0x%02x at byte %zu, expected %s", c, at,
		    expected);
}

/* Decode four hex digits at p into *v; return -1 if they are not. */
static int
hex4(const unsigned char *p, unsigned int *v)
{
	unsigned int	c, d;
	int		i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		c = p[i];
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return (-1);
		*v = (*v << 4) | d;
	}
	return (0);
}

/* Write code point cp (at most U+10FFFF, not a surrogate) as UTF-8. */
static size_t
utf8_encode(unsigned int cp, unsigned char u[4])
{
	if (cp < 0x80) {
		u[0] = cp;
		return (1);
	}
	if (cp < 0x800) {
		u[0] = 0xc0 | (cp >> 6);
		u[1] = 0x80 | (cp & 0x3f);
		return (2);
	}
	if (cp < 0x10000) {
		u[0] = 0xe0 | (cp >> 12);
		u[1] = 0x80 | ((cp >> 6) & 0x3f);
		u[2] = 0x80 | (cp & 0x3f);
		return (3);
	}
	u[0] = 0xf0 | (cp >> 18);
	u[1] = 0x80 | ((cp >> 12) & 0x3f);
	u[2] = 0x80 | ((cp >> 6) & 0x3f);
	u[3] = 0x80 | (cp & 0x3f);
	return (4);
}

/*
 * Decode the escape whose backslash is at jp->pos into jp->scratch and
 * move past it.  A \u escape must not be half of a surrogate pair on its
 * own, and in a member name (name != 0) must be ASCII other than NUL.
 * Returns 0, or -1 with jp->err filled.
 */
static int
parse_escape(struct jcs_parser *jp, int name)
{
	static const char	 from[] = "\"\\/bfnrt";
	static const char	 to[] = "\"\\/\b\f\n\r\t";
	const unsigned char	*in = jp->in;
	const char		*e;
	size_t			 esc = jp->pos, pos = jp->pos + 2;
	unsigned int		 cp, lo;
	unsigned char		 u[4];

	if (in[esc + 1] != 'u') {
		if (in[esc + 1] == '\0' ||
		    (e = strchr(from, in[esc + 1])) == NULL) {
			jcs_fail(jp->err, JCS_E_SYNTAX, esc,
			    "invalid escape sequence at byte %zu", esc);
			return (-1);
		}
		buf_putc(&jp->scratch, to[e - from]);
		jp->pos = pos;
		return (0);
	}
	if (jp->len - pos < 4 || hex4(in + pos, &cp) != 0) {
		jcs_fail(jp->err, JCS_E_SYNTAX, esc,
		    "invalid \\u escape at byte %zu", esc);
		return (-1);
	}
	pos += 4;
	if (cp >= 0xdc00 && cp <= 0xdfff) {
		jcs_fail(jp->err, JCS_E_SURROGATE, esc,
		    "low surrogate escape without a high one at byte %zu",
		    esc);
		return (-1);
	}
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (jp->len - pos < 6 || in[pos] != '\\' ||
		    in[pos + 1] != 'u' || hex4(in + pos + 2, &lo) != 0 ||
		    lo < 0xdc00 || lo > 0xdfff) {
			jcs_fail(jp->err, JCS_E_SURROGATE, esc,
			    "high surrogate escape without a low one at "
			    "byte %zu", esc);
			return (-1);
		}
		pos += 6;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	if (name && (cp == 0 || cp >= 0x80)) {
		jcs_fail(jp->err, JCS_E_NAME, esc,
		    "member name escape at byte %zu is not ASCII or is NUL",
		    esc);
		return (-1);
	}
	buf_add(&jp->scratch, u, utf8_encode(cp, u));
	jp->pos = pos;
	return (0);
}

/*
 * Parse the string literal at the current position (which holds '"').
 * On success *s and *len give the decoded bytes: a pointer into the input
 * when there were no escapes, else into jp->scratch, valid until the next
 * parse_string call.  Member names (name != 0) must be ASCII without NUL.
 * Returns 0, or -1 with jp->err filled.
 */
static int
parse_string(struct jcs_parser *jp, int name, const char **s, size_t *len)
{
	const unsigned char	*in = jp->in;
	size_t			 open = jp->pos, start, run, pos, n;
	unsigned char		 c;
	int			 escaped = 0;

	start = run = pos = open + 1;
	for (;;) {
		if (pos >= jp->len || (in[pos] == '\\' && pos + 1 >= jp->len)) {
			jcs_fail(jp->err, JCS_E_SYNTAX, jp->len,
			    "string starting at byte %zu is not terminated",
			    open);
			return (-1);
		}
		c = in[pos];
		if (c == '"')
			break;
		if (c == '\\') {
			/* Flush the raw run before the escape, then decode. */
			if (!escaped) {
				buf_reset(&jp->scratch);
				escaped = 1;
			}
			buf_add(&jp->scratch, in + run, pos - run);
			jp->pos = pos;
			if (parse_escape(jp, name) != 0)
				return (-1);
			run = pos = jp->pos;
		} else if (c < 0x20) {
			jcs_fail(jp->err, JCS_E_SYNTAX, pos,
			    "unescaped control character 0x%02x in a string "
			    "at byte %zu", c, pos);
			return (-1);
		} else if (c < 0x80)
			pos++;
		else if ((n = jcs_utf8_len(in + pos, jp->len - pos)) == 0) {
			jcs_fail(jp->err, JCS_E_UTF8, pos,
			    "invalid UTF-8 at byte %zu", pos);
			return (-1);
		} else if (name) {
			jcs_fail(jp->err, JCS_E_NAME, pos,
			    "non-ASCII character in a member name at byte %zu",
			    pos);
			return (-1);
		} else
			pos += n;
	}

	if (escaped) {
		buf_add(&jp->scratch, in + run, pos - run);
		*s = jp->scratch.len == 0 ? "" : jp->scratch.data;
		*len = jp->scratch.len;
	} else {
		*s = (const char *)in + start;
		*len = pos - start;
	}
	jp->pos = pos + 1;
	return (0);
}

/*
 * Parse the number at the current position.  The whole RFC 8259 number
 * is scanned first, so malformed numbers are syntax errors and
 * well-formed ones outside the profile (negative, fraction, exponent) get
 * their own code.  Magnitude is checked digit by digit, before it could
 * overflow.
 */
static json_t *
parse_number(struct jcs_parser *jp)
{
	const unsigned char	*in = jp->in;
	size_t			 start = jp->pos, pos = jp->pos, digits;
	size_t			 frac = 0, exp = 0;
	uint64_t		 v = 0, d;
	int			 minus = 0;

	if (in[pos] == '-') {
		minus = 1;
		pos++;
	}
	if (pos >= jp->len || in[pos] < '0' || in[pos] > '9') {
		jcs_fail(jp->err, JCS_E_SYNTAX, pos,
		    "'-' at byte %zu is not followed by a digit", start);
		return (NULL);
	}
	digits = pos;
	if (in[pos] == '0') {
		pos++;
		if (pos < jp->len && in[pos] >= '0' && in[pos] <= '9') {
			jcs_fail(jp->err, JCS_E_SYNTAX, digits,
			    "number with a leading zero at byte %zu", digits);
			return (NULL);
		}
	} else {
		while (pos < jp->len && in[pos] >= '0' && in[pos] <= '9')
			pos++;
	}
	jp->pos = pos;			/* end of the integer part */
	if (pos < jp->len && in[pos] == '.') {
		frac = pos++;
		if (pos >= jp->len || in[pos] < '0' || in[pos] > '9') {
			jcs_fail(jp->err, JCS_E_SYNTAX, pos,
			    "fraction at byte %zu has no digits", frac);
			return (NULL);
		}
		while (pos < jp->len && in[pos] >= '0' && in[pos] <= '9')
			pos++;
	}
	if (pos < jp->len && (in[pos] == 'e' || in[pos] == 'E')) {
		exp = pos++;
		if (pos < jp->len && (in[pos] == '+' || in[pos] == '-'))
			pos++;
		if (pos >= jp->len || in[pos] < '0' || in[pos] > '9') {
			jcs_fail(jp->err, JCS_E_SYNTAX, pos,
			    "exponent at byte %zu has no digits", exp);
			return (NULL);
		}
	}
	if (minus) {
		jcs_fail(jp->err, JCS_E_NUMBER, start,
		    "negative number at byte %zu: only integers "
		    "0..2^53-1 are allowed", start);
		return (NULL);
	}
	if (frac != 0) {
		jcs_fail(jp->err, JCS_E_NUMBER, frac,
		    "number with a fraction at byte %zu: only integers "
		    "are allowed", frac);
		return (NULL);
	}
	if (exp != 0) {
		jcs_fail(jp->err, JCS_E_NUMBER, exp,
		    "number with an exponent at byte %zu: only integers "
		    "are allowed", exp);
		return (NULL);
	}

	for (pos = digits; pos < jp->pos; pos++) {
		d = in[pos] - '0';
		if (v > ((uint64_t)GLOSS_MAX_SAFE_INT - d) / 10) {
			jcs_fail(jp->err, JCS_E_RANGE, start,
			    "integer at byte %zu is above 2^53-1", start);
			return (NULL);
		}
		v = v * 10 + d;
	}
	return (json_integer((json_int_t)v));
}

/* Parse true, false or null at the current position. */
static json_t *
parse_literal(struct jcs_parser *jp)
{
	static const struct {
		const char	*text;
		size_t		 len;
		json_type	 type;
	} literals[] = {
		{ "true", 4, JSON_TRUE },
		{ "false", 5, JSON_FALSE },
		{ "null", 4, JSON_NULL },
	};
	size_t	i, avail = jp->len - jp->pos;

	for (i = 0; i < sizeof literals / sizeof literals[0]; i++) {
		if (avail < literals[i].len ||
		    memcmp(jp->in + jp->pos, literals[i].text,
		    literals[i].len) != 0)
			continue;
		jp->pos += literals[i].len;
		switch (literals[i].type) {
		case JSON_TRUE:
			return (json_true());
		case JSON_FALSE:
			return (json_false());
		default:
			return (json_null());
		}
	}
	jcs_fail(jp->err, JCS_E_SYNTAX, jp->pos,
	    "invalid literal at byte %zu", jp->pos);
	return (NULL);
}

/* Parse the array at the current position ('['); depth counts it. */
static json_t *
parse_array(struct jcs_parser *jp, int depth)
{
	json_t	*a, *v;

	if ((a = json_array()) == NULL)
		jcs_oom();
	jp->pos++;
	skip_space(jp);
	if (jp->pos < jp->len && jp->in[jp->pos] == ']') {
		jp->pos++;
		return (a);
	}
	for (;;) {
		if ((v = parse_value(jp, depth)) == NULL)
			goto fail;
		if (json_array_append_new(a, v) != 0)
			jcs_oom();
		skip_space(jp);
		if (jp->pos < jp->len && jp->in[jp->pos] == ',') {
			jp->pos++;
			skip_space(jp);
			continue;
		}
		if (jp->pos < jp->len && jp->in[jp->pos] == ']') {
			jp->pos++;
			return (a);
		}
		unexpected(jp, "',' or ']'");
		goto fail;
	}
fail:
	json_decref(a);
	return (NULL);
}

/* Parse the object at the current position ('{'); depth counts it. */
static json_t *
parse_object(struct jcs_parser *jp, int depth)
{
	json_t		*o, *v;
	const char	*s;
	char		*name = NULL;
	size_t		 len, at;

	if ((o = json_object()) == NULL)
		jcs_oom();
	jp->pos++;
	skip_space(jp);
	if (jp->pos < jp->len && jp->in[jp->pos] == '}') {
		jp->pos++;
		return (o);
	}
	for (;;) {
		if (jp->pos >= jp->len || jp->in[jp->pos] != '"') {
			unexpected(jp, "a member name");
			goto fail;
		}
		at = jp->pos;
		if (parse_string(jp, 1, &s, &len) != 0)
			goto fail;
		name = xstrndup(s, len);	/* no NUL inside: checked */
		if (json_object_get(o, name) != NULL) {
			if (printable_name(name, len))
				jcs_fail(jp->err, JCS_E_DUPLICATE, at,
				    "duplicate member \"%s\" at byte %zu",
				    name, at);
			else
				jcs_fail(jp->err, JCS_E_DUPLICATE, at,
				    "duplicate member at byte %zu", at);
			goto fail;
		}
		skip_space(jp);
		if (jp->pos >= jp->len || jp->in[jp->pos] != ':') {
			unexpected(jp, "':'");
			goto fail;
		}
		jp->pos++;
		skip_space(jp);
		if ((v = parse_value(jp, depth)) == NULL)
			goto fail;
		if (json_object_set_new_nocheck(o, name, v) != 0)
			jcs_oom();
		free(name);
		name = NULL;
		skip_space(jp);
		if (jp->pos < jp->len && jp->in[jp->pos] == ',') {
			jp->pos++;
			skip_space(jp);
			continue;
		}
		if (jp->pos < jp->len && jp->in[jp->pos] == '}') {
			jp->pos++;
			return (o);
		}
		unexpected(jp, "',' or '}'");
		goto fail;
	}
fail:
	free(name);
	json_decref(o);
	return (NULL);
}

/*
 * Parse one value at the current position.  depth is the number of
 * containers already open around it; opening one more than
 * JCS_MAX_DEPTH is refused, which also bounds the recursion.
 */
static json_t *
parse_value(struct jcs_parser *jp, int depth)
{
	const char	*s;
	size_t		 len;
	json_t		*v;
	unsigned char	 c;

	if (jp->pos >= jp->len) {
		unexpected(jp, "a value");
		return (NULL);
	}
	c = jp->in[jp->pos];
	if ((c == '[' || c == '{') && depth >= JCS_MAX_DEPTH) {
		jcs_fail(jp->err, JCS_E_DEPTH, jp->pos,
		    "nesting deeper than %d levels at byte %zu",
		    JCS_MAX_DEPTH, jp->pos);
		return (NULL);
	}
	switch (c) {
	case '{':
		return (parse_object(jp, depth + 1));
	case '[':
		return (parse_array(jp, depth + 1));
	case '"':
		if (parse_string(jp, 0, &s, &len) != 0)
			return (NULL);
		/* Validated above, so skip jansson's second UTF-8 pass. */
		if ((v = json_stringn_nocheck(s, len)) == NULL)
			jcs_oom();
		return (v);
	case 't':
	case 'f':
	case 'n':
		return (parse_literal(jp));
	default:
		if (c == '-' || (c >= '0' && c <= '9'))
			return (parse_number(jp));
		unexpected(jp, "a value");
		return (NULL);
	}
}

/*
 * Parse text[0..len) as exactly one JSON value of the profile, with only
 * JSON whitespace around it.  Returns a new reference the caller must
 * json_decref, or NULL with err filled: code, byte offset of the
 * offending byte, and a one-line message that never echoes input bytes
 * other than printable ASCII.  err may be NULL.
 */
json_t *
jcs_parse(const char *text, size_t len, struct jcs_err *err)
{
	struct jcs_parser	 jp;
	json_t			*v;

	jp.in = (const unsigned char *)text;
	jp.len = len;
	jp.pos = 0;
	jp.err = err;
	buf_init(&jp.scratch);

	skip_space(&jp);
	if ((v = parse_value(&jp, 0)) != NULL) {
		skip_space(&jp);
		if (jp.pos != jp.len) {
			unexpected(&jp, "end of input");
			json_decref(v);
			v = NULL;
		}
	}
	buf_free(&jp.scratch);
	if (v != NULL)
		jcs_fail(err, JCS_OK, 0, "%s", "");
	return (v);
}

/*
 * How much of s[0..len), valid UTF-8, to keep to hold at most max bytes
 * without splitting a character: len itself if it fits.
 */
size_t
jcs_utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

/*
 * Append a JSON string literal for s[0..len), which must be valid UTF-8,
 * escaping only what the profile escapes.  Runs of bytes that need no
 * escape are copied with one buf_add each.
 */
void
jcs_write_string(struct buf *out, const char *s, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, run = 0;
	char			 e, u[6];

	buf_putc(out, '"');
	for (i = 0; i < len; i++) {
		if ((e = jcs_escapes[p[i]]) == 0)
			continue;
		buf_add(out, p + run, i - run);
		u[0] = '\\';
		if (e == 'u') {
			u[1] = 'u';
			u[2] = '0';
			u[3] = '0';
			u[4] = hex[p[i] >> 4];
			u[5] = hex[p[i] & 0xf];
			buf_add(out, u, 6);
		} else {
			u[1] = e;
			buf_add(out, u, 2);
		}
		run = i + 1;
	}
	if (len > run)
		buf_add(out, p + run, len - run);
	buf_putc(out, '"');
}

/*
 * Fill w->err for a value at the given depth, naming where it is as a
 * JSON Pointer ("/links/0/url").  Member names that are not printable
 * ASCII show as "?".
 */
static void
writer_fail(struct jcs_writer *w, int depth, enum jcs_error code,
    const char *what)
{
	struct buf	 path;
	const char	*name;
	int		 i;

	if (depth == 0) {
		jcs_fail(w->err, code, 0, "%s at the top level", what);
		return;
	}
	buf_init(&path);
	for (i = 0; i < depth; i++) {
		name = w->path[i].name;
		if (name == NULL) {
			buf_printf(&path, "/%zu", w->path[i].index);
			continue;
		}
		buf_putc(&path, '/');
		if (!printable_name(name, strlen(name))) {
			buf_putc(&path, '?');
			continue;
		}
		for (; *name != '\0'; name++) {
			if (*name == '~')
				buf_puts(&path, "~0");
			else if (*name == '/')
				buf_puts(&path, "~1");
			else
				buf_putc(&path, *name);
		}
	}
	if (path.len > 80)
		jcs_fail(w->err, code, 0, "%s at %.77s...", what, path.data);
	else
		jcs_fail(w->err, code, 0, "%s at %s", what, path.data);
	buf_free(&path);
}

static int
member_cmp(const void *a, const void *b)
{
	const struct jcs_member	*ma = a, *mb = b;

	return (strcmp(ma->name, mb->name));
}

/* Write an array whose elements sit at the given depth. */
static int
write_array(struct jcs_writer *w, const json_t *a, int depth)
{
	size_t	i, n = json_array_size(a);

	buf_putc(w->out, '[');
	for (i = 0; i < n; i++) {
		if (i != 0)
			buf_putc(w->out, ',');
		w->path[depth - 1].name = NULL;
		w->path[depth - 1].index = i;
		if (write_value(w, json_array_get(a, i), depth) != 0)
			return (-1);
	}
	buf_putc(w->out, ']');
	return (0);
}

/*
 * Write an object whose members sit at the given depth, sorted by name.
 * Names are checked to be ASCII without NUL, where byte order (strcmp)
 * equals the UTF-16 order RFC 8785 asks for.
 */
static int
write_object(struct jcs_writer *w, const json_t *o, int depth)
{
	struct jcs_member	*m;
	json_t			*mo;
	void			*it;
	const unsigned char	*p;
	size_t			 i, n, len;
	int			 rc = -1;

	/* jansson's iterators take json_t * but do not modify it. */
	memcpy(&mo, &o, sizeof mo);
	n = json_object_size(o);
	m = xreallocarray(NULL, n == 0 ? 1 : n, sizeof *m);
	for (i = 0, it = json_object_iter(mo); it != NULL && i < n;
	    it = json_object_iter_next(mo, it), i++) {
		m[i].name = json_object_iter_key(it);
		m[i].value = json_object_iter_value(it);
#if JANSSON_VERSION_HEX >= 0x020e00
		len = json_object_iter_key_len(it);
#else
		len = strlen(m[i].name);
#endif
		for (p = (const unsigned char *)m[i].name;
		    len > 0 && *p != '\0' && *p < 0x80; p++)
			len--;
		if (len != 0) {
			w->path[depth - 1].name = m[i].name;
			writer_fail(w, depth, JCS_E_NAME, "member name that is "
			    "not ASCII or holds NUL");
			goto out;
		}
	}
	n = i;
	qsort(m, n, sizeof *m, member_cmp);

	buf_putc(w->out, '{');
	for (i = 0; i < n; i++) {
		if (i != 0)
			buf_putc(w->out, ',');
		jcs_write_string(w->out, m[i].name, strlen(m[i].name));
		buf_putc(w->out, ':');
		w->path[depth - 1].name = m[i].name;
		if (write_value(w, m[i].value, depth) != 0)
			goto out;
	}
	buf_putc(w->out, '}');
	rc = 0;
out:
	free(m);
	return (rc);
}

/* Write one value that has depth containers around it. */
static int
write_value(struct jcs_writer *w, const json_t *v, int depth)
{
	const char	*s;
	json_int_t	 i;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
	case JSON_ARRAY:
		if (depth >= JCS_MAX_DEPTH) {
			writer_fail(w, depth, JCS_E_DEPTH, "nesting deeper "
			    "than 32 levels");
			return (-1);
		}
		if (json_is_object(v))
			return (write_object(w, v, depth + 1));
		return (write_array(w, v, depth + 1));
	case JSON_STRING:
		s = json_string_value(v);
		if (!jcs_utf8_valid(s, json_string_length(v))) {
			writer_fail(w, depth, JCS_E_UTF8, "invalid UTF-8 "
			    "in a string");
			return (-1);
		}
		jcs_write_string(w->out, s, json_string_length(v));
		return (0);
	case JSON_INTEGER:
		i = json_integer_value(v);
		if (i < 0) {
			writer_fail(w, depth, JCS_E_NUMBER, "negative "
			    "integer");
			return (-1);
		}
		if (i > GLOSS_MAX_SAFE_INT) {
			writer_fail(w, depth, JCS_E_RANGE, "integer above "
			    "2^53-1");
			return (-1);
		}
		buf_printf(w->out, "%lld", (long long)i);
		return (0);
	case JSON_REAL:
		writer_fail(w, depth, JCS_E_NUMBER, "real number (only "
		    "integers are allowed)");
		return (-1);
	case JSON_TRUE:
		buf_add(w->out, "true", 4);
		return (0);
	case JSON_FALSE:
		buf_add(w->out, "false", 5);
		return (0);
	case JSON_NULL:
		buf_add(w->out, "null", 4);
		return (0);
	}
	writer_fail(w, depth, JCS_E_SYNTAX, "unknown JSON value type");
	return (-1);
}

/*
 * Append the RFC 8785 canonical bytes of v to out.  Returns 0, or -1 with
 * err filled (offset is 0; the message names the offending value by JSON
 * Pointer) when v holds anything outside the profile.  On failure out
 * may hold partial output: callers reset or discard it.  err may be NULL.
 */
int
jcs_serialize(const json_t *v, struct buf *out, struct jcs_err *err)
{
	struct jcs_writer	w;

	w.out = out;
	w.err = err;
	if (v == NULL) {
		jcs_fail(err, JCS_E_SYNTAX, 0, "no value to serialize");
		return (-1);
	}
	if (write_value(&w, v, 0) != 0)
		return (-1);
	jcs_fail(err, JCS_OK, 0, "%s", "");
	return (0);
}
