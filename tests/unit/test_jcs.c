/*
 * test_jcs.c: unit tests for the strict parser and the RFC 8785 writer.
 *
 * Statement ids and signatures depend on these bytes, so the tests pin
 * the RFC examples that fit the profile, the exact escaping, and the
 * exact error code for every kind of input the profile refuses.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gloss.h"

/* A string literal and its length, embedded NULs included. */
#define LIT(s)	(s), (sizeof(s) - 1)

/* The message is one line of printable ASCII, whatever the input held. */
static void
assert_clean_message(const struct jcs_err *err)
{
	const char	*p;

	assert_true(err->message[0] != '\0');
	for (p = err->message; *p != '\0'; p++)
		assert_true(*p >= 0x20 && *p < 0x7f);
}

/* Parse text, serialize it, and compare with the expected canonical bytes. */
static void
check_canon(const char *in, size_t inlen, const char *want, size_t wantlen)
{
	struct jcs_err	 err;
	struct buf	 out;
	json_t		*v;

	err.code = JCS__MAX;
	v = jcs_parse(in, inlen, &err);
	if (v == NULL)
		fail_msg("parse failed: %s (%s)", err.message,
		    jcs_error_code(err.code));
	assert_int_equal(err.code, JCS_OK);
	buf_init(&out);
	assert_int_equal(jcs_serialize(v, &out, &err), 0);
	assert_int_equal(err.code, JCS_OK);
	assert_int_equal(out.len, wantlen);
	assert_memory_equal(out.data, want, wantlen);
	json_decref(v);
	buf_free(&out);
}

/* Parse text and expect NULL with the given code; return the offset. */
static size_t
check_error(const char *in, size_t len, enum jcs_error code)
{
	struct jcs_err	 err;
	json_t		*v;

	memset(&err, 0, sizeof err);
	v = jcs_parse(in, len, &err);
	if (v != NULL) {
		json_decref(v);
		fail_msg("parse of %zu bytes succeeded, wanted %s", len,
		    jcs_error_code(code));
	}
	if (err.code != code)
		fail_msg("got %s (%s), wanted %s", jcs_error_code(err.code),
		    err.message, jcs_error_code(code));
	assert_clean_message(&err);
	assert_true(err.offset <= len);
	return (err.offset);
}

/* Serialize v and expect failure with the given code. */
static void
check_serialize_error(json_t *v, enum jcs_error code)
{
	struct jcs_err	err;
	struct buf	out;

	memset(&err, 0, sizeof err);
	buf_init(&out);
	assert_int_equal(jcs_serialize(v, &out, &err), -1);
	if (err.code != code)
		fail_msg("got %s (%s), wanted %s", jcs_error_code(err.code),
		    err.message, jcs_error_code(code));
	assert_clean_message(&err);
	buf_free(&out);
}

/* RFC 8785 section 3.2.3, restricted to ASCII names and integer values. */
static void
test_rfc8785_sorting(void **state)
{
	static const char in[] =
	    "{\n"
	    "  \"\\u20ac\": 1,\n"
	    "  \"\\r\": 2,\n"
	    "  \"1\": 3\n"
	    "}";
	static const char ascii_in[] =
	    "{\n"
	    "  \"\\r\": 2,\n"
	    "  \"1\": 3,\n"
	    "  \"a\": 4, \"B\": 5, \"_\": 6, \"~\": 7, \"\": 8,\n"
	    "  \"10\": 9, \"9\": 10, \"aa\": 11, \"A\": 12\n"
	    "}";
	static const char want[] =
	    "{\"\":8,\"\\r\":2,\"1\":3,\"10\":9,\"9\":10,\"A\":12,\"B\":5,"
	    "\"_\":6,\"a\":4,\"aa\":11,\"~\":7}";

	/* The RFC's non-ASCII names are outside the profile. */
	assert_int_equal(check_error(LIT(in), JCS_E_NAME), 5);
	check_canon(LIT(ascii_in), LIT(want));
}

/* RFC 8785 section 3.2.2 (the "string" and "literals" members). */
static void
test_rfc8785_string_example(void **state)
{
	static const char in[] =
	    "{\n"
	    "  \"numbers\": [333333333, 4, 2, 0],\n"
	    "  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c"
	    "\\\\\\\"\\/\",\n"
	    "  \"literals\": [null, true, false]\n"
	    "}";
	static const char want[] =
	    "{\"literals\":[null,true,false],\"numbers\":[333333333,4,2,0],"
	    "\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";
	static const char rfc_numbers[] =
	    "{\"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, "
	    "0.000000000000000000000000001]}";

	check_canon(LIT(in), LIT(want));
	check_canon(LIT("\"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c"
	    "\\\\\\\"\\/\""),
	    LIT("\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\""));
	/* The RFC's own numbers are floats: refused at the first '.'. */
	assert_int_equal(check_error(LIT(rfc_numbers), JCS_E_NUMBER), 22);
}

static void
test_roundtrip_whitespace(void **state)
{
	check_canon(LIT(" \t\r\n{ \"b\" : 1 ,\n\t\"a\"\r: [ 1 , 2 ,3 ] } \n"),
	    LIT("{\"a\":[1,2,3],\"b\":1}"));
	check_canon(LIT("[ ]"), LIT("[]"));
	check_canon(LIT("{ }"), LIT("{}"));
	check_canon(LIT("\t\"x y\"\n"), LIT("\"x y\""));
	check_canon(LIT(" 0 "), LIT("0"));
	check_canon(LIT("true"), LIT("true"));
	check_canon(LIT("[false ,null,true]"), LIT("[false,null,true]"));
	check_canon(LIT("9007199254740991"), LIT("9007199254740991"));
	check_canon(LIT("{\"v\":1,\"type\":\"annotation\",\"text\":"
	    "\"caf\xc3\xa9 \\u00e9\",\"at\":{\"start\":4140000,\"end\":"
	    "4320000}}"),
	    LIT("{\"at\":{\"end\":4320000,\"start\":4140000},\"text\":"
	    "\"caf\xc3\xa9 \xc3\xa9\",\"type\":\"annotation\",\"v\":1}"));
}

static void
test_nested_sorted(void **state)
{
	check_canon(LIT("{\"z\":{\"y\":[{\"b\":2,\"a\":1},{\"d\":{\"f\":0,"
	    "\"e\":[]}}],\"x\":{}},\"a\":[[{\"c\":3,\"b\":2}]]}"),
	    LIT("{\"a\":[[{\"b\":2,\"c\":3}]],\"z\":{\"x\":{},\"y\":"
	    "[{\"a\":1,\"b\":2},{\"d\":{\"e\":[],\"f\":0}}]}}"));
}

/* Every control character goes out as the RFC's short or \u00xx form. */
static void
test_control_escapes(void **state)
{
	static const char *const want[32] = {
		"\\u0000", "\\u0001", "\\u0002", "\\u0003",
		"\\u0004", "\\u0005", "\\u0006", "\\u0007",
		"\\b", "\\t", "\\n", "\\u000b",
		"\\f", "\\r", "\\u000e", "\\u000f",
		"\\u0010", "\\u0011", "\\u0012", "\\u0013",
		"\\u0014", "\\u0015", "\\u0016", "\\u0017",
		"\\u0018", "\\u0019", "\\u001a", "\\u001b",
		"\\u001c", "\\u001d", "\\u001e", "\\u001f",
	};
	struct buf	 out;
	char		 in[16], expect[16];
	unsigned int	 c;
	int		 n;

	buf_init(&out);
	for (c = 0; c < 32; c++) {
		/* Written directly. */
		buf_reset(&out);
		in[0] = (char)c;
		jcs_write_string(&out, in, 1);
		n = snprintf(expect, sizeof expect, "\"%s\"", want[c]);
		assert_int_equal(out.len, (size_t)n);
		assert_memory_equal(out.data, expect, (size_t)n);

		/* And parsed from an uppercase escape, then re-serialized. */
		n = snprintf(in, sizeof in, "\"\\u%04X\"", c);
		check_canon(in, (size_t)n, expect, strlen(expect));
	}
	buf_reset(&out);
	jcs_write_string(&out, LIT("a\"b\\c/d"));
	assert_string_equal(out.data, "\"a\\\"b\\\\c/d\"");
	buf_free(&out);
}

/* Runs of safe bytes around escapes, and the empty string. */
static void
test_write_string_runs(void **state)
{
	struct buf	out;

	buf_init(&out);
	jcs_write_string(&out, "", 0);
	assert_string_equal(out.data, "\"\"");
	buf_reset(&out);
	jcs_write_string(&out, LIT("\nstart middle\tend\x1f"));
	assert_string_equal(out.data, "\"\\nstart middle\\tend\\u001f\"");
	buf_reset(&out);
	jcs_write_string(&out, LIT("plain text \xe2\x82\xac only"));
	assert_string_equal(out.data, "\"plain text \xe2\x82\xac only\"");
	buf_free(&out);
}

/* U+2028, U+2029, U+007F and non-ASCII are written as raw UTF-8. */
static void
test_raw_unicode(void **state)
{
	check_canon(LIT("\"\\u2028\\u2029\\u007f\\u0080\\u00FF\""),
	    LIT("\"\xe2\x80\xa8\xe2\x80\xa9\x7f\xc2\x80\xc3\xbf\""));
	check_canon(LIT("\"\xe2\x80\xa8\xe2\x80\xa9\x7f\""),
	    LIT("\"\xe2\x80\xa8\xe2\x80\xa9\x7f\""));
	check_canon(LIT("\"\\uffff\\ufeff\""),
	    LIT("\"\xef\xbf\xbf\xef\xbb\xbf\""));
}

/* A surrogate pair escape decodes to the astral code point. */
static void
test_astral_pairs(void **state)
{
	struct jcs_err	 err;
	json_t		*v;

	check_canon(LIT("\"\\ud83d\\ude00\""), LIT("\"\xf0\x9f\x98\x80\""));
	check_canon(LIT("\"\\uD83D\\uDE00x\""), LIT("\"\xf0\x9f\x98\x80x\""));
	check_canon(LIT("\"\\ud800\\udc00\\udbff\\udfff\""),
	    LIT("\"\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\""));
	check_canon(LIT("\"\xf0\x9f\x98\x80\""), LIT("\"\xf0\x9f\x98\x80\""));

	v = jcs_parse(LIT("\"\\ud83d\\ude00\""), &err);
	assert_non_null(v);
	assert_int_equal(json_string_length(v), 4);
	assert_memory_equal(json_string_value(v), "\xf0\x9f\x98\x80", 4);
	json_decref(v);
}

static void
test_lone_surrogates(void **state)
{
	assert_int_equal(check_error(LIT("\"\\ud83d\""), JCS_E_SURROGATE), 1);
	assert_int_equal(check_error(LIT("\"\\ude00\""), JCS_E_SURROGATE), 1);
	assert_int_equal(check_error(LIT("\"ab\\ude00\\ud83d\""),
	    JCS_E_SURROGATE), 3);
	check_error(LIT("\"\\ud83dx\""), JCS_E_SURROGATE);
	check_error(LIT("\"\\ud83d\\u0041\""), JCS_E_SURROGATE);
	check_error(LIT("\"\\ud83d\\ud83d\""), JCS_E_SURROGATE);
	check_error(LIT("\"\\ud83d\\n\""), JCS_E_SURROGATE);
	check_error(LIT("\"\\ud83d"), JCS_E_SURROGATE);
	check_error(LIT("[\"ok\",{\"k\":\"\\udfff\"}]"), JCS_E_SURROGATE);
}

static void
test_malformed(void **state)
{
	static const struct {
		const char	*text;
		size_t		 offset;
	} cases[] = {
		{ "[1,2,]", 5 },		/* trailing comma */
		{ "{\"a\":1,}", 7 },
		{ "{\"a\" 1}", 5 },		/* missing colon */
		{ "{'a':1}", 1 },		/* single quotes */
		{ "['a']", 1 },
		{ "{\"a\":1} x", 8 },		/* trailing garbage */
		{ "1 2", 2 },
		{ "[1]]", 3 },
		{ "", 0 },			/* empty input */
		{ "   \n", 4 },
		{ "\"a\x01" "b\"", 2 },		/* bare control char */
		{ "\"tab\there\"", 4 },
		{ "\"\\x41\"", 1 },		/* bad escape */
		{ "\"\\$\"", 1 },
		{ "\"\\u12G4\"", 1 },
		{ "\"\\u12\"", 1 },
		{ "\"abc", 4 },			/* unterminated */
		{ "\"abc\\", 5 },
		{ "[1", 2 },
		{ "{\"a\":", 5 },
		{ "{", 1 },
		{ "{1:2}", 1 },
		{ "tru", 0 },
		{ "True", 0 },
		{ "nul", 0 },
		{ "nulls", 4 },
		{ "01", 0 },			/* leading zero */
		{ "[00]", 1 },
		{ "-01", 1 },
		{ "-", 1 },
		{ "1.", 2 },
		{ "1e", 2 },
		{ ".5", 0 },
		{ "+1", 0 },
		{ "\f1", 0 },			/* not JSON whitespace */
		{ "\v1", 0 },
		{ "[1,\xc2\xa0" "2]", 3 },	/* NBSP is not either */
		{ "\xc3\xa9", 0 },		/* valid UTF-8, not a value */
		{ "[1,,2]", 3 },
		{ "[,]", 1 },
	};
	size_t	i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (check_error(cases[i].text, strlen(cases[i].text),
		    JCS_E_SYNTAX) != cases[i].offset)
			fail_msg("case %zu: wrong offset", i);
	}
	/* An embedded NUL is not whitespace either. */
	check_error(LIT("1\0"), JCS_E_SYNTAX);
	check_error(LIT("\"a\0b\""), JCS_E_SYNTAX);
	check_error(LIT("\"\\\0\""), JCS_E_SYNTAX);	/* backslash NUL */
	/* A NULL pointer with length 0 is just empty input. */
	check_error(NULL, 0, JCS_E_SYNTAX);
}

static void
test_duplicates(void **state)
{
	struct jcs_err	 err;
	json_t		*v;

	v = jcs_parse(LIT("{\"text\":1,\"v\":2,\"text\":3}"), &err);
	assert_null(v);
	assert_int_equal(err.code, JCS_E_DUPLICATE);
	assert_int_equal(err.offset, 16);
	assert_string_equal(err.message,
	    "duplicate member \"text\" at byte 16");

	check_error(LIT("{\"a\":{\"b\":1,\"b\":1}}"), JCS_E_DUPLICATE);
	check_error(LIT("[{\"a\":1},{\"x\":[{\"k\":0,\"k\":0}]}]"),
	    JCS_E_DUPLICATE);
	/* The same member decoded from different escapes is a duplicate. */
	check_error(LIT("{\"ab\":1,\"a\\u0062\":2}"), JCS_E_DUPLICATE);
	check_error(LIT("{\"\":1,\"\":2}"), JCS_E_DUPLICATE);

	/* Non-printable names are left out of the message. */
	v = jcs_parse(LIT("{\"\\n\":1,\"\\n\":2}"), &err);
	assert_null(v);
	assert_int_equal(err.code, JCS_E_DUPLICATE);
	assert_string_equal(err.message, "duplicate member at byte 8");

	/* The same name in sibling objects is fine. */
	check_canon(LIT("[{\"a\":1},{\"a\":2}]"), LIT("[{\"a\":1},{\"a\":2}]"));
}

static void
test_not_integers(void **state)
{
	assert_int_equal(check_error(LIT("1.0"), JCS_E_NUMBER), 1);
	assert_int_equal(check_error(LIT("1e5"), JCS_E_NUMBER), 1);
	assert_int_equal(check_error(LIT("1E5"), JCS_E_NUMBER), 1);
	assert_int_equal(check_error(LIT("1e+5"), JCS_E_NUMBER), 1);
	assert_int_equal(check_error(LIT("0.5"), JCS_E_NUMBER), 1);
	assert_int_equal(check_error(LIT("-1"), JCS_E_NUMBER), 0);
	assert_int_equal(check_error(LIT("-0"), JCS_E_NUMBER), 0);
	assert_int_equal(check_error(LIT("[0, -0.0]"), JCS_E_NUMBER), 4);
	assert_int_equal(check_error(LIT("{\"at\":{\"start\":1.5}}"),
	    JCS_E_NUMBER), 16);
	/* Not an integer wins over too large. */
	check_error(LIT("99999999999999999999.5"), JCS_E_NUMBER);
}

static void
test_integer_range(void **state)
{
	struct jcs_err	 err;
	json_t		*v;

	v = jcs_parse(LIT("9007199254740991"), &err);
	assert_non_null(v);
	assert_true(json_is_integer(v));
	assert_true(json_integer_value(v) == GLOSS_MAX_SAFE_INT);
	json_decref(v);

	assert_int_equal(check_error(LIT("9007199254740992"), JCS_E_RANGE), 0);
	assert_int_equal(check_error(LIT("[9007199254740993]"), JCS_E_RANGE),
	    1);
	check_error(LIT("18446744073709551616"), JCS_E_RANGE);
	check_error(LIT("123456789012345678901234567890"), JCS_E_RANGE);
	check_error(LIT("{\"n\":90071992547409910}"), JCS_E_RANGE);
	check_canon(LIT("[0,1,10,900719925474099]"),
	    LIT("[0,1,10,900719925474099]"));
}

static void
test_invalid_utf8(void **state)
{
	static const struct {
		const char	*bytes;
		size_t		 len;
	} bad[] = {
		{ LIT("\xc0\x80") },		/* overlong NUL */
		{ LIT("\xc1\xbf") },		/* overlong */
		{ LIT("\xe0\x80\xaf") },	/* overlong '/' */
		{ LIT("\xf0\x80\x80\xaf") },	/* overlong */
		{ LIT("\xed\xa0\x80") },	/* encoded surrogate U+D800 */
		{ LIT("\xed\xbf\xbf") },	/* encoded surrogate U+DFFF */
		{ LIT("\xf4\x90\x80\x80") },	/* above U+10FFFF */
		{ LIT("\xf5\x80\x80\x80") },
		{ LIT("\xff") },
		{ LIT("\xe2\x82") },		/* truncated */
		{ LIT("\xf0\x9f\x98") },
		{ LIT("\x80") },		/* stray continuation */
		{ LIT("\xc3\x28") },		/* bad continuation */
	};
	char	text[32];
	size_t	i, n;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(jcs_utf8_valid(bad[i].bytes, bad[i].len), 0);

		/* In a string value: offset of the bad sequence. */
		text[0] = '"';
		text[1] = 'x';
		memcpy(text + 2, bad[i].bytes, bad[i].len);
		text[2 + bad[i].len] = '"';
		n = 3 + bad[i].len;
		if (check_error(text, n, JCS_E_UTF8) != 2)
			fail_msg("case %zu in a string: wrong offset", i);

		/* Outside any string. */
		text[0] = '[';
		text[1] = '1';
		text[2] = ',';
		memcpy(text + 3, bad[i].bytes, bad[i].len);
		text[3 + bad[i].len] = ']';
		n = 4 + bad[i].len;
		if (check_error(text, n, JCS_E_UTF8) != 3)
			fail_msg("case %zu outside a string: wrong offset", i);

		/* At the very end, after a complete value. */
		text[0] = '1';
		text[1] = ' ';
		memcpy(text + 2, bad[i].bytes, bad[i].len);
		n = 2 + bad[i].len;
		check_error(text, n, JCS_E_UTF8);

		/* In a member name (checked before ASCII-ness). */
		memcpy(text, "{\"", 2);
		memcpy(text + 2, bad[i].bytes, bad[i].len);
		memcpy(text + 2 + bad[i].len, "\":1}", 4);
		n = 6 + bad[i].len;
		check_error(text, n, JCS_E_UTF8);
	}
	check_error(LIT("\"\xe2\x82"), JCS_E_UTF8);	/* cut by the end */
}

static void
test_utf8_valid(void **state)
{
	assert_int_equal(jcs_utf8_valid("", 0), 1);
	assert_int_equal(jcs_utf8_valid(LIT("plain")), 1);
	assert_int_equal(jcs_utf8_valid(LIT("a\0b")), 1);
	assert_int_equal(jcs_utf8_valid(LIT("\xc2\x80\xdf\xbf")), 1);
	assert_int_equal(jcs_utf8_valid(LIT("\xe0\xa0\x80\xed\x9f\xbf")), 1);
	assert_int_equal(jcs_utf8_valid(LIT("\xee\x80\x80\xef\xbf\xbf")), 1);
	assert_int_equal(jcs_utf8_valid(LIT("\xf0\x90\x80\x80")), 1);
	assert_int_equal(jcs_utf8_valid(LIT("\xf4\x8f\xbf\xbf")), 1);
	/* The length bounds the check: a cut sequence is invalid. */
	assert_int_equal(jcs_utf8_valid("\xe2\x82\xac", 2), 0);
	assert_int_equal(jcs_utf8_valid("\xe2\x82\xac", 3), 1);
}

/* jcs_utf8_cut keeps whole characters: at most max bytes, never less
 * than the characters before the cut. */
static void
test_utf8_cut(void **state)
{
	/* "a", U+00E9 (2 bytes), U+20AC (3), U+1F600 (4): 10 bytes. */
	static const char	s[] = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";

	assert_int_equal(jcs_utf8_cut(s, 10, 10), 10);	/* fits */
	assert_int_equal(jcs_utf8_cut(s, 10, 64), 10);
	assert_int_equal(jcs_utf8_cut(s, 10, 9), 6);	/* inside U+1F600 */
	assert_int_equal(jcs_utf8_cut(s, 10, 7), 6);
	assert_int_equal(jcs_utf8_cut(s, 10, 6), 6);	/* at a boundary */
	assert_int_equal(jcs_utf8_cut(s, 10, 5), 3);	/* inside U+20AC */
	assert_int_equal(jcs_utf8_cut(s, 10, 2), 1);	/* inside U+00E9 */
	assert_int_equal(jcs_utf8_cut(s, 10, 1), 1);
	assert_int_equal(jcs_utf8_cut(s, 10, 0), 0);
	assert_int_equal(jcs_utf8_cut("", 0, 0), 0);
}

static void
test_member_names(void **state)
{
	assert_int_equal(check_error(LIT("{\"caf\xc3\xa9\":1}"), JCS_E_NAME),
	    5);
	assert_int_equal(check_error(LIT("{\"a\":{\"\\u00e9\":1}}"),
	    JCS_E_NAME), 7);
	check_error(LIT("{\"\\ud83d\\ude00\":1}"), JCS_E_NAME);
	assert_int_equal(check_error(LIT("{\"a\\u0000\":1}"), JCS_E_NAME), 3);
	/* Escaped ASCII, control characters and the empty name are fine. */
	check_canon(LIT("{\"\\u0041\\n\":1,\"\":2,\"\\/\":3}"),
	    LIT("{\"\":2,\"/\":3,\"A\\n\":1}"));
}

/* Build depth levels of nesting: "[[...0...]]" or objects. */
static char *
nested(int depth, int objects)
{
	struct buf	b;
	int		i;

	buf_init(&b);
	for (i = 0; i < depth; i++)
		buf_puts(&b, objects && i % 2 ? "{\"k\":" : "[");
	buf_putc(&b, '0');
	for (i = depth - 1; i >= 0; i--)
		buf_putc(&b, objects && i % 2 ? '}' : ']');
	return (buf_take(&b));
}

static void
test_depth(void **state)
{
	char	*s;

	s = nested(JCS_MAX_DEPTH, 0);
	check_canon(s, strlen(s), s, strlen(s));
	free(s);
	s = nested(JCS_MAX_DEPTH, 1);
	check_canon(s, strlen(s), s, strlen(s));
	free(s);

	s = nested(JCS_MAX_DEPTH + 1, 0);
	assert_int_equal(check_error(s, strlen(s), JCS_E_DEPTH),
	    JCS_MAX_DEPTH);
	free(s);
	s = nested(JCS_MAX_DEPTH + 1, 1);
	check_error(s, strlen(s), JCS_E_DEPTH);
	free(s);
	/* Far deeper input fails the same way, without deep recursion. */
	s = nested(100000, 0);
	check_error(s, strlen(s), JCS_E_DEPTH);
	free(s);
}

/* \u0000 is a character like any other in a value. */
static void
test_nul_in_value(void **state)
{
	struct jcs_err	 err;
	json_t		*v, *t;

	v = jcs_parse(LIT("{\"text\":\"a\\u0000b\"}"), &err);
	assert_non_null(v);
	t = json_object_get(v, "text");
	assert_non_null(t);
	assert_int_equal(json_string_length(t), 3);
	assert_memory_equal(json_string_value(t), "a\0b", 3);
	json_decref(v);
	check_canon(LIT("[\"\\u0000\"]"), LIT("[\"\\u0000\"]"));
}

static void
test_success_resets_err(void **state)
{
	struct jcs_err	 err;
	json_t		*v;

	err.code = JCS_E_DEPTH;
	err.offset = 99;
	strcpy(err.message, "stale");
	v = jcs_parse(LIT("{}"), &err);
	assert_non_null(v);
	assert_int_equal(err.code, JCS_OK);
	assert_int_equal(err.offset, 0);
	json_decref(v);

	/* err is optional. */
	v = jcs_parse(LIT("[1]"), NULL);
	assert_non_null(v);
	json_decref(v);
	assert_null(jcs_parse(LIT("[1"), NULL));
}

static void
test_messages_never_echo_control(void **state)
{
	struct jcs_err	 err;

	assert_null(jcs_parse(LIT("[\x1b[31m]"), &err));
	assert_int_equal(err.code, JCS_E_SYNTAX);
	assert_clean_message(&err);
	assert_null(jcs_parse(LIT("\x7f"), &err));
	assert_clean_message(&err);
	assert_null(jcs_parse(LIT("{\"\\u001b[2J\":1,\"\\u001b[2J\":1}"),
	    &err));
	assert_int_equal(err.code, JCS_E_DUPLICATE);
	assert_null(strchr(err.message, '['));
	assert_clean_message(&err);
}

static void
test_serialize_refuses(void **state)
{
	json_t	*o;

	o = json_real(1.0);
	check_serialize_error(o, JCS_E_NUMBER);
	json_decref(o);

	o = json_integer(-1);
	check_serialize_error(o, JCS_E_NUMBER);
	json_decref(o);

	o = json_integer(GLOSS_MAX_SAFE_INT + 1);
	check_serialize_error(o, JCS_E_RANGE);
	json_decref(o);

	o = json_object();
	json_object_set_new(o, "caf\xc3\xa9", json_integer(1));
	check_serialize_error(o, JCS_E_NAME);
	json_decref(o);

	/* Invalid UTF-8 can only get in through the _nocheck calls. */
	o = json_pack("{s:[o]}", "text",
	    json_stringn_nocheck("\xed\xa0\x80", 3));
	assert_non_null(o);
	check_serialize_error(o, JCS_E_UTF8);
	json_decref(o);

	o = json_object();
	json_object_set_new_nocheck(o, "\xff", json_integer(1));
	check_serialize_error(o, JCS_E_NAME);
	json_decref(o);

#if JANSSON_VERSION_HEX >= 0x020e00
	o = json_object();
	json_object_setn_new_nocheck(o, "a\0b", 3, json_integer(1));
	check_serialize_error(o, JCS_E_NAME);
	json_decref(o);
#endif
}

static void
test_serialize_error_path(void **state)
{
	struct jcs_err	 err;
	struct buf	 out;
	json_t		*o;

	o = json_pack("{s:{s:[i,f]}}", "at", "links", 1, 2.5);
	assert_non_null(o);
	buf_init(&out);
	assert_int_equal(jcs_serialize(o, &out, &err), -1);
	assert_int_equal(err.code, JCS_E_NUMBER);
	assert_non_null(strstr(err.message, "/at/links/1"));
	json_decref(o);
	buf_free(&out);
}

static void
test_serialize_depth(void **state)
{
	struct buf	 out;
	json_t		*root, *a, *inner;
	int		 i;

	/* 32 arrays deep is fine, 33 is not. */
	root = json_array();
	a = root;
	for (i = 1; i < JCS_MAX_DEPTH; i++) {
		inner = json_array();
		json_array_append_new(a, inner);
		a = inner;
	}
	buf_init(&out);
	assert_int_equal(jcs_serialize(root, &out, NULL), 0);
	assert_int_equal(out.len, 2 * JCS_MAX_DEPTH);
	buf_free(&out);
	json_array_append_new(a, json_object());
	check_serialize_error(root, JCS_E_DEPTH);
	json_decref(root);
}

static void
test_serialize_built_values(void **state)
{
	struct jcs_err	 err;
	struct buf	 out;
	json_t		*o;

	o = json_pack("{s:i,s:s,s:b,s:n,s:[i,I],s:{}}", "v", 1, "type",
	    "annotation", "ok", 1, "none", "list", 3,
	    (json_int_t)GLOSS_MAX_SAFE_INT,
	    "empty");
	assert_non_null(o);
	buf_init(&out);
	buf_puts(&out, "prefix:");	/* serialize appends */
	assert_int_equal(jcs_serialize(o, &out, &err), 0);
	assert_string_equal(out.data, "prefix:{\"empty\":{},\"list\":[3,"
	    "9007199254740991],\"none\":null,\"ok\":true,\"type\":"
	    "\"annotation\",\"v\":1}");
	json_decref(o);
	buf_free(&out);
}

static void
test_error_codes(void **state)
{
	assert_string_equal(jcs_error_code(JCS_OK), "ok");
	assert_string_equal(jcs_error_code(JCS_E_SYNTAX), "malformed_json");
	assert_string_equal(jcs_error_code(JCS_E_UTF8), "invalid_utf8");
	assert_string_equal(jcs_error_code(JCS_E_DUPLICATE),
	    "duplicate_member");
	assert_string_equal(jcs_error_code(JCS_E_NUMBER),
	    "number_not_integer");
	assert_string_equal(jcs_error_code(JCS_E_RANGE),
	    "integer_out_of_range");
	assert_string_equal(jcs_error_code(JCS_E_SURROGATE),
	    "lone_surrogate");
	assert_string_equal(jcs_error_code(JCS_E_NAME),
	    "invalid_member_name");
	assert_string_equal(jcs_error_code(JCS_E_DEPTH), "too_deep");
	assert_string_equal(jcs_error_code(JCS__MAX), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc8785_sorting),
		cmocka_unit_test(test_rfc8785_string_example),
		cmocka_unit_test(test_roundtrip_whitespace),
		cmocka_unit_test(test_nested_sorted),
		cmocka_unit_test(test_control_escapes),
		cmocka_unit_test(test_write_string_runs),
		cmocka_unit_test(test_raw_unicode),
		cmocka_unit_test(test_astral_pairs),
		cmocka_unit_test(test_lone_surrogates),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_not_integers),
		cmocka_unit_test(test_integer_range),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_utf8_cut),
		cmocka_unit_test(test_member_names),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_nul_in_value),
		cmocka_unit_test(test_success_resets_err),
		cmocka_unit_test(test_messages_never_echo_control),
		cmocka_unit_test(test_serialize_refuses),
		cmocka_unit_test(test_serialize_error_path),
		cmocka_unit_test(test_serialize_depth),
		cmocka_unit_test(test_serialize_built_values),
		cmocka_unit_test(test_error_codes),
	};

	return (cmocka_run_group_tests_name("jcs", tests, NULL, NULL));
}
