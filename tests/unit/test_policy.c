/*
 * test_policy.c: unit tests for daemon/policy.c.
 *
 * policy.c holds the rules a correctly signed statement must still pass:
 * the clock window for live posts, who may create records, and where an
 * annotation sits in its record.  Those are all boundaries (a skew of
 * exactly the limit, a time exactly at a talk's end, half-open spans), so
 * each rule is tried at its edge and one past it, against hand-built
 * records whose talks we control exactly, and every refusal's status,
 * code and message are checked and its message freed.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "glossd.h"
#include "fixtures.h"

#define NOW	((time_t)1790000000)
#define SKEW	600

/*
 * The record every annotation test uses, as store_record returns it: ten
 * minutes, talk 1 [0, 1:00), talk 2 [1:00, 5:00), talk 3 [5:00, 10:00).
 */
static struct store_talk	rec_talks[] = {
	{ 1, 0, 60000, NULL, NULL },
	{ 2, 60000, 300000, NULL, NULL },
	{ 3, 300000, 600000, NULL, NULL },
};
static struct store_record	rec = {
	.rid = "rec",
	.duration = 600000,
	.talks = rec_talks,
	.ntalks = 3,
};

/* A record whose first talk starts after the recording does: 0:10. */
static struct store_talk	late_talks[] = {
	{ 1, 10000, 20000, NULL, NULL },
	{ 2, 20000, 30000, NULL, NULL },
};
static struct store_record	late = {
	.rid = "late",
	.duration = 30000,
	.talks = late_talks,
	.ntalks = 2,
};

/*
 * Talks 2 and 3 start together, so talk 2 is empty: [5000, 5000), which
 * an annotation of the whole talk places at [5000, 5001).
 */
static struct store_talk	same_talks[] = {
	{ 1, 0, 5000, NULL, NULL },
	{ 2, 5000, 5000, NULL, NULL },
	{ 3, 5000, 10000, NULL, NULL },
};
static struct store_record	same = {
	.rid = "same",
	.duration = 10000,
	.talks = same_talks,
	.ntalks = 3,
};

/* An annotation as stmt_from_json leaves it: talk, at (-1: absent). */
static struct stmt_annotation
ann(int talk, int64_t at_start, int64_t at_end)
{
	struct stmt_annotation	a;

	memset(&a, 0, sizeof a);
	a.record = "rec";
	a.kind = KIND_COMMENT;
	a.talk = talk;
	a.at_start = at_start;
	a.at_end = at_end;
	a.text = "text";
	a.text_len = 4;
	return a;
}

/* Check rc and v are an acceptance: 0 and nothing allocated. */
static void
check_accepted(int rc, struct policy_verdict *v)
{
	if (rc != 0) {
		print_error("refused: %d %s: %s\n", v->status,
		    v->code != NULL ? v->code : "?",
		    v->message != NULL ? v->message : "?");
		policy_verdict_clear(v);
		fail();
	}
	assert_null(v->message);
	assert_null(v->code);
}

/*
 * Check rc and v are a refusal with status and code and a message; then
 * clear v and check it is cleared.
 */
static void
check_refused(int rc, struct policy_verdict *v, int status,
    const char *code)
{
	assert_int_equal(rc, -1);
	assert_int_equal(v->status, status);
	assert_non_null(v->code);
	assert_string_equal(v->code, code);
	assert_non_null(v->message);
	assert_true(strlen(v->message) > 0);
	policy_verdict_clear(v);
	assert_null(v->message);
	assert_null(v->code);
	assert_int_equal(v->status, 0);
}

/* policy_annotation on r that must be accepted with this placement. */
static void
placed(const struct store_record *r, int talk, int64_t at_start,
    int64_t at_end, int want_talk, int64_t want_start, int64_t want_end)
{
	struct stmt_annotation	a = ann(talk, at_start, at_end);
	struct store_placement	p;
	struct policy_verdict	v = { 0 };

	memset(&p, 0xa5, sizeof p);
	check_accepted(policy_annotation(r, &a, &p, &v), &v);
	if (p.talk != want_talk || p.span_start != want_start ||
	    p.span_end != want_end) {
		print_error("talk %d at %lld..%lld on %s: placed on talk %d "
		    "[%lld, %lld), wanted talk %d [%lld, %lld)\n", talk,
		    (long long)at_start, (long long)at_end, r->rid, p.talk,
		    (long long)p.span_start, (long long)p.span_end, want_talk,
		    (long long)want_start, (long long)want_end);
		fail();
	}
}

/* policy_annotation on r that must be refused with 422 and code. */
static void
refused(const struct store_record *r, int talk, int64_t at_start,
    int64_t at_end, const char *code)
{
	struct stmt_annotation	a = ann(talk, at_start, at_end);
	struct store_placement	p;
	struct policy_verdict	v = { 0 };

	check_refused(policy_annotation(r, &a, &p, &v), &v, 422, code);
}

static void
test_created_window(void **state)
{
	struct policy_verdict	v = { 0 };

	check_accepted(policy_created(NOW, NOW, SKEW, &v), &v);
	check_accepted(policy_created(NOW + SKEW, NOW, SKEW, &v), &v);
	check_accepted(policy_created(NOW - SKEW, NOW, SKEW, &v), &v);
	check_refused(policy_created(NOW + SKEW + 1, NOW, SKEW, &v), &v,
	    422, "clock_skew");
	check_refused(policy_created(NOW - SKEW - 1, NOW, SKEW, &v), &v,
	    422, "clock_skew");
	/* Replays from long ago are refused too. */
	check_refused(policy_created(0, NOW, SKEW, &v), &v, 422,
	    "clock_skew");
}

static void
test_created_zero_skew(void **state)
{
	struct policy_verdict	v = { 0 };

	check_accepted(policy_created(NOW, NOW, 0, &v), &v);
	check_refused(policy_created(NOW + 1, NOW, 0, &v), &v, 422,
	    "clock_skew");
	check_refused(policy_created(NOW - 1, NOW, 0, &v), &v, 422,
	    "clock_skew");
}

/* The message says how far off the clock is and what the limit is. */
static void
test_created_message(void **state)
{
	struct policy_verdict	v = { 0 };

	assert_int_equal(policy_created(NOW + SKEW + 1, NOW, SKEW, &v), -1);
	assert_non_null(v.message);
	assert_non_null(strstr(v.message, "601"));
	assert_non_null(strstr(v.message, "600"));
	policy_verdict_clear(&v);
	assert_int_equal(policy_created(NOW - 700, NOW, SKEW, &v), -1);
	assert_non_null(strstr(v.message, "-700"));
	policy_verdict_clear(&v);
}

static void
test_record_curator(void **state)
{
	struct config		 cfg;
	struct statement	*by_curator, *by_other;
	struct policy_verdict	 v = { 0 };

	config_defaults(&cfg);
	cfg.curators.keys = xcalloc(1, sizeof *cfg.curators.keys);
	cfg.curators.keys[0] = key_curator->pk;
	cfg.curators.n = 1;
	by_curator = fixture_record(key_curator, "rec");
	by_other = fixture_record(key_other, "rec");

	check_accepted(policy_record(&cfg, by_curator, &v), &v);
	check_refused(policy_record(&cfg, by_other, &v), &v, 403,
	    "not_curator");

	/* With no curators configured nobody may create records. */
	free(cfg.curators.keys);
	cfg.curators.keys = NULL;
	cfg.curators.n = 0;
	check_refused(policy_record(&cfg, by_curator, &v), &v, 403,
	    "not_curator");

	stmt_free(by_curator);
	stmt_free(by_other);
	config_clear(&cfg);
}

static void
test_whole_record(void **state)
{
	/* Neither talk nor time: the whole record, [0, duration). */
	placed(&rec, 0, -1, -1, 0, 0, 600000);
	placed(&late, 0, -1, -1, 0, 0, 30000);
}

static void
test_talk_span(void **state)
{
	placed(&rec, 1, -1, -1, 1, 0, 60000);
	placed(&rec, 2, -1, -1, 2, 60000, 300000);
	placed(&rec, 3, -1, -1, 3, 300000, 600000);
	placed(&late, 1, -1, -1, 1, 10000, 20000);
	/* An empty talk is still a talk, a moment long like a point. */
	placed(&same, 2, -1, -1, 2, 5000, 5001);
}

static void
test_talk_out_of_range(void **state)
{
	struct stmt_annotation	a = ann(4, -1, -1);
	struct store_placement	p;
	struct policy_verdict	v = { 0 };

	refused(&rec, 4, -1, -1, "talk_out_of_range");
	refused(&rec, 1000, -1, -1, "talk_out_of_range");
	refused(&late, 3, -1, -1, "talk_out_of_range");
	/* With a time too: the talk is checked first. */
	refused(&rec, 4, 1000, -1, "talk_out_of_range");
	refused(&rec, 4, 700000, -1, "talk_out_of_range");

	/* The message names the record and its number of talks. */
	assert_int_equal(policy_annotation(&rec, &a, &p, &v), -1);
	assert_non_null(strstr(v.message, "rec"));
	assert_non_null(strstr(v.message, "3 talks"));
	policy_verdict_clear(&v);
}

static void
test_time_in_record(void **state)
{
	/* Points: the last millisecond is inside, the duration is not. */
	placed(&rec, 0, 0, -1, 1, 0, 1);
	placed(&rec, 0, 599999, -1, 3, 599999, 600000);
	refused(&rec, 0, 600000, -1, "time_outside_record");
	refused(&rec, 0, 600001, -1, "time_outside_record");
	refused(&rec, 0, GLOSS_MAX_SAFE_INT, -1, "time_outside_record");

	/* Ranges are half-open: ending at the duration is inside. */
	placed(&rec, 0, 500000, 600000, 3, 500000, 600000);
	placed(&rec, 0, 0, 600000, 1, 0, 600000);
	refused(&rec, 0, 500000, 600001, "time_outside_record");
	refused(&rec, 0, 600000, 600001, "time_outside_record");

	/* With an explicit talk the record's end still applies first. */
	refused(&rec, 3, 500000, 600001, "time_outside_record");
	refused(&rec, 3, 600000, -1, "time_outside_record");
}

static void
test_time_in_talk(void **state)
{
	/* Talk 2 is [60000, 300000). */
	placed(&rec, 2, 60000, -1, 2, 60000, 60001);
	placed(&rec, 2, 299999, -1, 2, 299999, 300000);
	refused(&rec, 2, 300000, -1, "time_outside_talk");
	refused(&rec, 2, 59999, -1, "time_outside_talk");
	refused(&rec, 2, 0, -1, "time_outside_talk");

	/* A range ending exactly at the talk's end is inside. */
	placed(&rec, 2, 200000, 300000, 2, 200000, 300000);
	placed(&rec, 2, 60000, 300000, 2, 60000, 300000);
	refused(&rec, 2, 200000, 300001, "time_outside_talk");
	refused(&rec, 2, 59999, 61000, "time_outside_talk");

	/* The first and the last talk, at their edges. */
	placed(&rec, 1, 0, -1, 1, 0, 1);
	placed(&rec, 1, 59999, -1, 1, 59999, 60000);
	refused(&rec, 1, 60000, -1, "time_outside_talk");
	placed(&rec, 3, 300000, 600000, 3, 300000, 600000);
	refused(&rec, 3, 299999, -1, "time_outside_talk");

	/* A time in an empty talk: [5000, 5001) is not in [5000, 5000). */
	refused(&same, 2, 5000, -1, "time_outside_talk");
}

static void
test_time_in_talk_message(void **state)
{
	struct stmt_annotation	a = ann(2, 300000, -1);
	struct store_placement	p;
	struct policy_verdict	v = { 0 };

	assert_int_equal(policy_annotation(&rec, &a, &p, &v), -1);
	assert_string_equal(v.code, "time_outside_talk");
	assert_string_equal(v.message, "00:05:00 lies outside talk 2, which "
	    "starts at 00:01:00 and ends at 00:05:00");
	policy_verdict_clear(&v);

	a = ann(0, 600000, -1);
	assert_int_equal(policy_annotation(&rec, &a, &p, &v), -1);
	assert_string_equal(v.message, "00:10:00 is past the end of the "
	    "recording, which ends at 00:10:00");
	policy_verdict_clear(&v);

	/* A range whose end lies outside names its end, not its start. */
	a = ann(2, 200000, 300001);
	assert_int_equal(policy_annotation(&rec, &a, &p, &v), -1);
	assert_string_equal(v.code, "time_outside_talk");
	assert_non_null(strstr(v.message, "00:05:00.001 lies outside"));
	policy_verdict_clear(&v);

	/* One whose start does names its start. */
	a = ann(2, 59999, 61000);
	assert_int_equal(policy_annotation(&rec, &a, &p, &v), -1);
	assert_non_null(strstr(v.message, "00:00:59.999 lies outside"));
	policy_verdict_clear(&v);
}

static void
test_derived_talk(void **state)
{
	/* A time without a talk sits in the talk it falls in. */
	placed(&rec, 0, 0, -1, 1, 0, 1);
	placed(&rec, 0, 59999, -1, 1, 59999, 60000);
	placed(&rec, 0, 60000, -1, 2, 60000, 60001);
	placed(&rec, 0, 299999, -1, 2, 299999, 300000);
	placed(&rec, 0, 300000, -1, 3, 300000, 300001);
	/* A range belongs to the talk its start is in, and keeps its span. */
	placed(&rec, 0, 30000, 70000, 1, 30000, 70000);
	placed(&rec, 0, 250000, 350000, 2, 250000, 350000);
}

static void
test_derived_before_first_talk(void **state)
{
	/* Before the first talk starts there is no talk: 0. */
	placed(&late, 0, 0, -1, 0, 0, 1);
	placed(&late, 0, 9999, -1, 0, 9999, 10000);
	placed(&late, 0, 5000, 15000, 0, 5000, 15000);
	placed(&late, 0, 10000, -1, 1, 10000, 10001);
	placed(&late, 0, 29999, -1, 2, 29999, 30000);
}

static void
test_derived_same_start(void **state)
{
	/* Talks 2 and 3 start at 5000; talk 2 is empty, so 3 holds it. */
	placed(&same, 0, 4999, -1, 1, 4999, 5000);
	placed(&same, 0, 5000, -1, 3, 5000, 5001);
	placed(&same, 0, 9999, -1, 3, 9999, 10000);
	placed(&same, 3, 5000, 10000, 3, 5000, 10000);
}

/* An annotation straight from the parser sits where the policy says. */
static void
test_parsed_annotation(void **state)
{
	struct statement	*st;
	struct store_placement	 p;
	struct policy_verdict	 v = { 0 };

	st = fixture_annotation(key_other, "rec", "comment", 2, 60000, 90000,
	    "from the parser");
	check_accepted(policy_annotation(&rec, &st->u.annotation, &p, &v),
	    &v);
	assert_int_equal(p.talk, 2);
	assert_int_equal(p.span_start, 60000);
	assert_int_equal(p.span_end, 90000);
	stmt_free(st);

	st = fixture_annotation(key_other, "rec", "critique", 0, 123456, -1,
	    "a point");
	check_accepted(policy_annotation(&rec, &st->u.annotation, &p, &v),
	    &v);
	assert_int_equal(p.talk, 2);
	assert_int_equal(p.span_start, 123456);
	assert_int_equal(p.span_end, 123457);
	stmt_free(st);

	st = fixture_annotation(key_other, "rec", "comment", 1, 60000, -1,
	    "past talk 1");
	check_refused(policy_annotation(&rec, &st->u.annotation, &p, &v),
	    &v, 422, "time_outside_talk");
	stmt_free(st);
}

/* A live endorsement or flag of one's own annotation is refused. */
static void
test_judge_own(void **state)
{
	struct statement	*st;
	struct policy_verdict	 v = { 0 };
	const char		*types[] = { "endorse", "flag", "unendorse" };
	json_t			*root;
	size_t			 i;

	for (i = 0; i < sizeof types / sizeof types[0]; i++) {
		root = json_pack("{s:i, s:s, s:s, s:s, s:s}", "v", 1, "type",
		    types[i], "author", key_other->pubkey, "created",
		    "2026-11-26T16:58:36Z", "subject", "c3ea04507787e9f4b2a5cb"
		    "68b4a26ddca3b62be678de4868b4a18fcc84735517");
		if (strcmp(types[i], "flag") == 0)
			json_object_set_new(root, "reason",
			    json_string("spam"));
		st = fixture_statement(root);
		check_accepted(policy_judge(st, key_curator->pubkey, 1, &v),
		    &v);
		/* A replay brings what an older log holds. */
		check_accepted(policy_judge(st, key_other->pubkey, 0, &v),
		    &v);
		if (strcmp(types[i], "unendorse") == 0)
			check_accepted(policy_judge(st, key_other->pubkey, 1,
			    &v), &v);
		else {
			assert_int_equal(policy_judge(st, key_other->pubkey, 1,
			    &v), -1);
			assert_non_null(strstr(v.message, types[i]));
			check_refused(-1, &v, 403, "own_annotation");
		}
		stmt_free(st);
	}
}

static void
test_verdict_clear_empty(void **state)
{
	struct policy_verdict	v = { 0 };

	/* Clearing a verdict that holds nothing is harmless. */
	policy_verdict_clear(&v);
	assert_null(v.message);
	policy_verdict_clear(&v);
	assert_int_equal(v.status, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_created_window),
		cmocka_unit_test(test_created_zero_skew),
		cmocka_unit_test(test_created_message),
		cmocka_unit_test(test_record_curator),
		cmocka_unit_test(test_whole_record),
		cmocka_unit_test(test_talk_span),
		cmocka_unit_test(test_talk_out_of_range),
		cmocka_unit_test(test_time_in_record),
		cmocka_unit_test(test_time_in_talk),
		cmocka_unit_test(test_time_in_talk_message),
		cmocka_unit_test(test_derived_talk),
		cmocka_unit_test(test_derived_before_first_talk),
		cmocka_unit_test(test_derived_same_start),
		cmocka_unit_test(test_parsed_annotation),
		cmocka_unit_test(test_judge_own),
		cmocka_unit_test(test_verdict_clear_empty),
	};

	return cmocka_run_group_tests_name("policy", tests, fixture_group_setup,
	    fixture_group_teardown);
}
