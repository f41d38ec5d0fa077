/*
 * test_citing.c: the words every form of a reading list uses for where
 * a link was cited (common/citing.c).
 *
 * gloss's text and the daemon's Markdown and BibTeX print these same
 * words, so each is pinned here on entries built as the reading
 * document holds them: times in milliseconds in any order and repeated,
 * talks repeated, a citation of the whole record beside talk ones, one
 * timed before any talk, and one past every "and N more".
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "gloss.h"

/* An entry with cited set (or not, if -1) and no citations yet. */
static json_t *
entry_new(json_int_t cited)
{
	json_t	*e = json_pack("{s:[]}", "citations");

	if (cited >= 0)
		json_object_set_new(e, "cited", json_integer(cited));
	return (e);
}

/* A citation in talk (0: none) at start ms (-1: no time). */
static void
cite(json_t *e, int talk, int64_t start)
{
	json_t	*c = json_object();

	json_object_set_new(c, "talk", talk > 0 ? json_integer(talk) :
	    json_null());
	if (start >= 0)
		json_object_set_new(c, "at", json_pack("{s:I}", "start",
		    (json_int_t)start));
	json_array_append_new(json_object_get(e, "citations"), c);
}

/* citing_at then citing_in of e, in a static buffer. */
static const char *
words(json_t *e)
{
	static char	 out[512];
	struct citing	 ct;
	struct buf	 b;

	citing_get(e, &ct);
	buf_init(&b);
	citing_at(&b, &ct);
	citing_in(&b, &ct);
	snprintf(out, sizeof out, "%s", b.len > 0 ? b.data : "");
	buf_free(&b);
	citing_clear(&ct);
	return (out);
}

/* Times become distinct whole seconds, ascending; talks likewise. */
static void
test_gather(void **state)
{
	struct citing	 ct;
	json_t		*e = entry_new(-1);

	cite(e, 5, 4320999);
	cite(e, 5, 4169000);
	cite(e, 2, 4320000);		/* the same second as the first */
	cite(e, 0, 60000);		/* before the first talk: timed */
	citing_get(e, &ct);
	assert_int_equal(ct.n, 4);	/* no "cited": the listed ones */
	assert_int_equal(ct.ntimes, 3);
	assert_int_equal(ct.times[0], 60);
	assert_int_equal(ct.times[1], 4169);
	assert_int_equal(ct.times[2], 4320);
	assert_int_equal(ct.ntalks, 2);
	assert_int_equal(ct.talks[0], 2);
	assert_int_equal(ct.talks[1], 5);
	assert_false(ct.whole);		/* a timed citation is not */
	citing_clear(&ct);
	assert_null(ct.times);
	json_decref(e);

	e = entry_new(-3);		/* not a count: the listed ones */
	cite(e, 1, 1000);
	citing_get(e, &ct);
	assert_int_equal(ct.n, 1);
	citing_clear(&ct);
	json_decref(e);

	e = entry_new(70);		/* more than the 50 listed */
	cite(e, 0, -1);
	citing_get(e, &ct);
	assert_int_equal(ct.n, 70);
	assert_int_equal(ct.ntimes, 0);
	assert_int_equal(ct.ntalks, 0);
	assert_true(ct.whole);
	citing_clear(&ct);
	json_decref(e);
}

static void
test_words(void **state)
{
	json_t	*e;
	int	 i;

	e = entry_new(1);
	assert_string_equal(words(e), "");
	cite(e, 0, -1);			/* the whole record alone: no place */
	assert_string_equal(words(e), "");
	json_decref(e);

	e = entry_new(3);
	cite(e, 5, 9000000);
	cite(e, 5, 4169000);
	assert_string_equal(words(e), " at 01:09:29, 02:30:00 in talk 5");
	cite(e, 0, -1);
	assert_string_equal(words(e),
	    " at 01:09:29, 02:30:00 in talk 5 and the whole record");
	cite(e, 3, -1);			/* of the whole of talk 3 */
	assert_string_equal(words(e), " at 01:09:29, 02:30:00 and a whole "
	    "talk in talks 3, 5 and the whole record");
	json_decref(e);

	/* Two in one talk, one timed: not both at that time. */
	e = entry_new(2);
	cite(e, 2, 900000);
	cite(e, 2, -1);
	assert_string_equal(words(e), " at 00:15:00 and the whole talk in "
	    "talk 2");
	json_decref(e);
	e = entry_new(1);
	cite(e, 2, -1);			/* untimed alone: the talk says it */
	assert_string_equal(words(e), " in talk 2");
	json_decref(e);

	/* Five of each are named; the sixth is one past the edge. */
	e = entry_new(6);
	for (i = 1; i <= 5; i++)
		cite(e, i, 1000LL * i);
	assert_string_equal(words(e), " at 00:00:01, 00:00:02, 00:00:03, "
	    "00:00:04, 00:00:05 in talks 1, 2, 3, 4, 5");
	cite(e, 6, 6000);
	cite(e, 0, -1);
	assert_string_equal(words(e), " at 00:00:01, 00:00:02, 00:00:03, "
	    "00:00:04, 00:00:05 and 1 more in talks 1, 2, 3, 4, 5 and 1 more, "
	    "and the whole record");
	json_decref(e);

	e = entry_new(1);
	cite(e, 1, 1000LL * (100 * 3600 + 2 * 60 + 3));
	assert_string_equal(words(e), " at 100:02:03 in talk 1");
	json_decref(e);
}

static void
test_replaced(void **state)
{
	assert_string_equal(citing_replaced("moved"), "moved to");
	assert_string_equal(citing_replaced("duplicate"), "duplicate of");
	assert_null(citing_replaced("broken"));
	assert_null(citing_replaced("unreviewed"));
	assert_null(citing_replaced(""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gather),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_replaced),
	};

	return (cmocka_run_group_tests_name("citing", tests, NULL, NULL));
}
