/*
 * test_timefmt.c: the time syntax users type and the timestamps statements
 * carry.
 *
 * Client and daemon must agree on every string, so each accepted form is
 * pinned to an exact millisecond value and each refusal has a case, with
 * one case just past every edge.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <time.h>

#include "gloss.h"

#define HOUR	3600000LL
#define MINUTE	60000LL
#define SECOND	1000LL

struct accept_case {
	const char	*text;
	int64_t		 ms;
};

static const struct accept_case accepted[] = {
	{ "1:09:29", 1 * HOUR + 9 * MINUTE + 29 * SECOND },
	{ "01:09:29", 4169000 },
	{ "01:09:29.5", 4169500 },
	{ "01:09:29.05", 4169050 },
	{ "01:09:29.123", 4169123 },
	{ "0:00:00", 0 },
	{ "00:00:00.000", 0 },
	{ "10:00:00", 10 * HOUR },
	{ "100:00:00", 100 * HOUR },
	{ "1000:00:00", 1000 * HOUR },		/* the cap itself */
	{ "999:59:59.999", 1000 * HOUR - 1 },
	{ "9:59", 9 * MINUTE + 59 * SECOND },
	{ "09:59", 9 * MINUTE + 59 * SECOND },
	{ "0:05", 5 * SECOND },
	{ "69:29", 69 * MINUTE + 29 * SECOND },
	{ "69:29.5", 69 * MINUTE + 29 * SECOND + 500 },
	{ "60000:00", 1000 * HOUR },
	{ "00:59", 59 * SECOND },
	{ "00:00:59", 59 * SECOND },
	{ "01:59:00", HOUR + 59 * MINUTE },
	{ "90", 90 * SECOND },
	{ "90.5", 90500 },
	{ "0", 0 },
	{ "5", 5 * SECOND },
	{ "4169", 4169 * SECOND },
	{ "4169.1", 4169100 },
	{ "3600000", 1000 * HOUR },
	{ "0.001", 1 },
	{ "0.05", 50 },
	{ "0.999", 999 },
	{ "0003:00:00", 3 * HOUR },
};

static const char *rejected[] = {
	"",			/* empty */
	"+1:00",		/* signs */
	"-1:00",
	"1:-1",
	" 1:00",		/* spaces */
	"1:00 ",
	"1 :00",
	"1: 00",
	"\t90",
	"1:0a",			/* letters */
	"abc",
	"1h",
	"90s",
	"1:00x",		/* trailing junk */
	"1:00:00:00",		/* too many parts */
	"1:00:00.",		/* empty fraction */
	"1:00:00.1234",		/* four fraction digits */
	"90.1234",
	"1:00.5.5",
	".5",			/* no seconds before the fraction */
	"1:",			/* empty fields */
	":30",
	"1::00",
	"1:00:",
	"1:60",			/* seconds past 59 */
	"1:00:60",
	"1:99",
	"1:5",			/* seconds not two digits */
	"1:005",
	"1:00:5",
	"1:60:00",		/* minutes past 59 under an hour */
	"1:5:00",		/* minutes not two digits under an hour */
	"1:005:00",
	"1000:00:00.001",	/* one past the cap */
	"1000:00:01",
	"60000:01",
	"3600001",
	"99999999999",		/* more digits than any field may have */
	"99999999999:00:00",
	"1,5",
	"1:00\n",
	"\xc2\xb9:00",		/* superscript one is not a digit */
};

static void
test_parse_accepts(void **state)
{
	const char	*errstr;
	int64_t		 ms;
	size_t		 i;

	for (i = 0; i < sizeof accepted / sizeof accepted[0]; i++) {
		ms = -2;
		errstr = NULL;
		if (timefmt_parse(accepted[i].text, &ms, &errstr) != 0)
			fail_msg("\"%s\" refused: %s", accepted[i].text,
			    errstr);
		if (ms != accepted[i].ms)
			fail_msg("\"%s\" = %lld, want %lld", accepted[i].text,
			    (long long)ms, (long long)accepted[i].ms);
	}
}

static void
test_parse_rejects(void **state)
{
	const char	*errstr;
	int64_t		 ms;
	size_t		 i;

	for (i = 0; i < sizeof rejected / sizeof rejected[0]; i++) {
		ms = 12345;
		errstr = NULL;
		if (timefmt_parse(rejected[i], &ms, &errstr) == 0)
			fail_msg("\"%s\" accepted as %lld", rejected[i],
			    (long long)ms);
		assert_non_null(errstr);
		assert_true(strlen(errstr) > 0);
		assert_int_equal(ms, 12345);	/* untouched on failure */
	}
	assert_int_equal(timefmt_parse(NULL, &ms, &errstr), -1);
}

/* The edges, one on each side, with the sentence the user will see. */
static void
test_parse_edges(void **state)
{
	const char	*errstr;
	int64_t		 ms;

	assert_int_equal(timefmt_parse("0:59", &ms, &errstr), 0);
	assert_int_equal(ms, 59000);
	assert_int_equal(timefmt_parse("0:60", &ms, &errstr), -1);
	assert_string_equal(errstr, "seconds must be two digits, 00 to 59");

	assert_int_equal(timefmt_parse("1:59:00", &ms, &errstr), 0);
	assert_int_equal(timefmt_parse("1:60:00", &ms, &errstr), -1);
	assert_string_equal(errstr,
	    "minutes must be two digits, 00 to 59, after an hour");

	assert_int_equal(timefmt_parse("1.123", &ms, &errstr), 0);
	assert_int_equal(ms, 1123);
	assert_int_equal(timefmt_parse("1.1234", &ms, &errstr), -1);
	assert_string_equal(errstr,
	    "fraction of a second has more than three digits");

	assert_int_equal(timefmt_parse("1000:00:00", &ms, &errstr), 0);
	assert_int_equal(ms, 3600000000LL);
	assert_int_equal(timefmt_parse("1000:00:00.001", &ms, &errstr), -1);
	assert_string_equal(errstr, "time is more than 1000 hours");

	assert_int_equal(timefmt_parse("", &ms, &errstr), -1);
	assert_string_equal(errstr, "time is empty");
	assert_int_equal(timefmt_parse("1:00x", &ms, &errstr), -1);
	assert_string_equal(errstr, "time has an unexpected character");
}

static void
test_parse_range(void **state)
{
	const char	*errstr;
	int64_t		 start, end;

	assert_int_equal(timefmt_parse_range("-1:09:29", &start, &end,
	    &errstr), -1);
	assert_string_equal(errstr, "negative times are not accepted: a time "
	    "counts from the start, like 1:09:29");
	assert_int_equal(timefmt_parse_range("1:00--0:30", &start, &end,
	    &errstr), -1);
	assert_string_equal(errstr, "negative times are not accepted: a time "
	    "counts from the start, like 1:09:29");

	assert_int_equal(timefmt_parse_range("1:09:29", &start, &end,
	    &errstr), 0);
	assert_int_equal(start, 4169000);
	assert_int_equal(end, -1);

	assert_int_equal(timefmt_parse_range("1:09:29-1:12:00", &start, &end,
	    &errstr), 0);
	assert_int_equal(start, 4169000);
	assert_int_equal(end, 4320000);

	assert_int_equal(timefmt_parse_range("69:29.5-69:29.501", &start,
	    &end, &errstr), 0);
	assert_int_equal(start, 4169500);
	assert_int_equal(end, 4169501);

	assert_int_equal(timefmt_parse_range("0-1", &start, &end, &errstr),
	    0);
	assert_int_equal(start, 0);
	assert_int_equal(end, 1000);

	start = end = 7;
	assert_int_equal(timefmt_parse_range("1:12:00-1:09:29", &start, &end,
	    &errstr), -1);
	assert_string_equal(errstr, "range must end after it starts");
	assert_int_equal(timefmt_parse_range("1:00-1:00", &start, &end,
	    &errstr), -1);
	assert_string_equal(errstr, "range must end after it starts");
	assert_int_equal(start, 7);
	assert_int_equal(end, 7);

	assert_int_equal(timefmt_parse_range("", &start, &end, &errstr), -1);
	assert_int_equal(timefmt_parse_range("-", &start, &end, &errstr), -1);
	assert_int_equal(timefmt_parse_range("1:00-", &start, &end, &errstr),
	    -1);
	assert_int_equal(timefmt_parse_range("-1:00", &start, &end, &errstr),
	    -1);
	assert_int_equal(timefmt_parse_range("1:00--2:00", &start, &end,
	    &errstr), -1);
	assert_int_equal(timefmt_parse_range("1:00-2:00-3:00", &start, &end,
	    &errstr), -1);
	assert_int_equal(timefmt_parse_range("1:00 - 2:00", &start, &end,
	    &errstr), -1);
	assert_int_equal(timefmt_parse_range("1:00-2:60", &start, &end,
	    &errstr), -1);
	assert_string_equal(errstr, "seconds must be two digits, 00 to 59");
	assert_int_equal(start, 7);
	assert_int_equal(end, 7);
}

static void
test_format(void **state)
{
	char	buf[32];

	timefmt_format(0, buf, sizeof buf);
	assert_string_equal(buf, "00:00:00");
	timefmt_format(4169000, buf, sizeof buf);
	assert_string_equal(buf, "01:09:29");
	timefmt_format(4169500, buf, sizeof buf);
	assert_string_equal(buf, "01:09:29.500");
	timefmt_format(4169050, buf, sizeof buf);
	assert_string_equal(buf, "01:09:29.050");
	timefmt_format(1, buf, sizeof buf);
	assert_string_equal(buf, "00:00:00.001");
	timefmt_format(59999, buf, sizeof buf);
	assert_string_equal(buf, "00:00:59.999");
	timefmt_format(278 * MINUTE, buf, sizeof buf);
	assert_string_equal(buf, "04:38:00");
	timefmt_format(100 * HOUR, buf, sizeof buf);
	assert_string_equal(buf, "100:00:00");
	timefmt_format(1000 * HOUR - 1, buf, sizeof buf);
	assert_string_equal(buf, "999:59:59.999");
	timefmt_format(-1500, buf, sizeof buf);
	assert_string_equal(buf, "-00:00:01.500");
	timefmt_format(INT64_MIN, buf, sizeof buf);
	assert_true(buf[0] == '-');

	/* Truncation is safe and terminated. */
	memset(buf, 'x', sizeof buf);
	timefmt_format(4169500, buf, 6);
	assert_string_equal(buf, "01:09");
	assert_true(buf[6] == 'x');
	timefmt_format(4169500, buf, 0);
	assert_true(buf[0] == '0');
}

/* format(parse(s)) gives the canonical spelling; parse(format(ms)) == ms. */
static void
test_format_round_trip(void **state)
{
	static const struct {
		const char	*in;
		const char	*out;
	} spell[] = {
		{ "1:09:29", "01:09:29" },
		{ "69:29", "01:09:29" },
		{ "4169", "01:09:29" },
		{ "01:09:29.5", "01:09:29.500" },
		{ "0.05", "00:00:00.050" },
		{ "1000:00:00", "1000:00:00" },
	};
	static const int64_t values[] = {
		0, 1, 999, 1000, 59999, 60000, 4169000, 4169500, 4169123,
		HOUR - 1, HOUR, 99 * HOUR + 59 * MINUTE + 59 * SECOND + 999,
		100 * HOUR, 1000 * HOUR,
	};
	const char	*errstr;
	char		 buf[32];
	int64_t		 ms;
	size_t		 i;

	for (i = 0; i < sizeof spell / sizeof spell[0]; i++) {
		assert_int_equal(timefmt_parse(spell[i].in, &ms, &errstr), 0);
		timefmt_format(ms, buf, sizeof buf);
		assert_string_equal(buf, spell[i].out);
	}
	for (i = 0; i < sizeof values / sizeof values[0]; i++) {
		timefmt_format(values[i], buf, sizeof buf);
		if (timefmt_parse(buf, &ms, &errstr) != 0)
			fail_msg("\"%s\" refused: %s", buf, errstr);
		assert_int_equal(ms, values[i]);
	}
}

static void
test_rfc3339(void **state)
{
	static const struct {
		time_t		 t;
		const char	*text;
	} known[] = {
		{ 0, "1970-01-01T00:00:00Z" },
		{ 1795705445, "2026-11-26T15:04:05Z" },
		{ 951782400, "2000-02-29T00:00:00Z" },
		{ 1709164800, "2024-02-29T00:00:00Z" },
		{ 1767225599, "2025-12-31T23:59:59Z" },
		{ -1, "1969-12-31T23:59:59Z" },
		{ 253402300799LL, "9999-12-31T23:59:59Z" },
	};
	char	out[21];
	time_t	t;
	size_t	i;

	for (i = 0; i < sizeof known / sizeof known[0]; i++) {
		timefmt_rfc3339(known[i].t, out);
		assert_string_equal(out, known[i].text);
		t = 42;
		assert_int_equal(timefmt_parse_rfc3339(known[i].text, &t), 0);
		assert_int_equal(t, known[i].t);
	}

	/* Round trip through now. */
	t = time(NULL);
	timefmt_rfc3339(t, out);
	assert_int_equal(strlen(out), 20);
	{
		time_t	back;

		assert_int_equal(timefmt_parse_rfc3339(out, &back), 0);
		assert_int_equal(back, t);
	}

	/* A year with five digits has no such form. */
	timefmt_rfc3339(253402300800LL, out);
	assert_string_equal(out, "");
}

static void
test_rfc3339_rejects(void **state)
{
	static const char *bad[] = {
		"",
		"2026-11-26T15:04:05",		/* no Z */
		"2026-11-26T15:04:05Z ",	/* trailing space */
		" 2026-11-26T15:04:05Z",
		"2026-11-26t15:04:05Z",		/* lowercase t */
		"2026-11-26T15:04:05z",		/* lowercase z */
		"2026-11-26 15:04:05Z",
		"2026-11-26T15:04:05+00:00",	/* offsets */
		"2026-11-26T15:04:05+0000",
		"2026-11-26T15:04:05.5Z",	/* fractions */
		"2026-11-26T15:04:05.000Z",
		"2026-11-26T15:04Z",
		"26-11-26T15:04:05Z",
		"2026/11/26T15:04:05Z",
		"2026-11-26T15-04-05Z",
		"2026-1a-26T15:04:05Z",
		"+026-11-26T15:04:05Z",
		"2026-00-26T15:04:05Z",		/* month 0 and 13 */
		"2026-13-26T15:04:05Z",
		"2026-11-00T15:04:05Z",		/* day 0 */
		"2026-11-31T15:04:05Z",		/* November has 30 days */
		"2026-02-29T15:04:05Z",		/* not a leap year */
		"1900-02-29T00:00:00Z",		/* century, not a leap year */
		"2024-02-30T00:00:00Z",		/* Feb 30 */
		"2026-11-26T24:00:00Z",		/* hour 24 */
		"2026-11-26T15:60:05Z",		/* minute 60 */
		"2016-12-31T23:59:60Z",		/* leap second */
		"2026-11-26T15:04:05ZZ",
	};
	time_t	t;
	size_t	i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		t = 42;
		if (timefmt_parse_rfc3339(bad[i], &t) == 0)
			fail_msg("\"%s\" accepted", bad[i]);
		assert_int_equal(t, 42);
	}
	assert_int_equal(timefmt_parse_rfc3339(NULL, &t), -1);

	/* One inside each date edge. */
	assert_int_equal(timefmt_parse_rfc3339("2026-11-30T23:59:59Z", &t), 0);
	assert_int_equal(timefmt_parse_rfc3339("2000-02-29T00:00:00Z", &t), 0);
	assert_int_equal(timefmt_parse_rfc3339("2026-12-31T00:00:00Z", &t), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_accepts),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_parse_edges),
		cmocka_unit_test(test_parse_range),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_rfc3339),
		cmocka_unit_test(test_rfc3339_rejects),
	};

	return (cmocka_run_group_tests_name("timefmt", tests, NULL, NULL));
}
