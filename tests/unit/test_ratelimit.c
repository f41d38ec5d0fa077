/*
 * test_ratelimit.c: unit tests for daemon/ratelimit.c.
 *
 * A rate limit that admits one request too many or too few, drifts over an
 * hour, or forgets a flooding key when a crowd of new addresses arrives is
 * worse than none, because operators trust the number they configured.  So
 * each case counts admissions to the exact request and checks each refusal's
 * wait to the exact millisecond, one millisecond either side of every edge.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "ratelimit.h"

#define T0	1000000		/* a start time well away from zero */

static const struct ratelimit_rule per_minute_10 = { 10, 60000, 10 };

static int
group_setup(void **state)
{
	if (sodium_init() < 0)
		return -1;
	return 0;
}

/* The table a test has open, freed by teardown if an assertion fails. */
static struct ratelimit	*open_table;

static int
teardown(void **state)
{
	ratelimit_free(open_table);
	open_table = NULL;
	return 0;
}

static struct ratelimit *
table(const struct ratelimit_rule *rule, size_t max)
{
	assert_null(open_table);
	open_table = ratelimit_new(rule, max);
	assert_non_null(open_table);
	return open_table;
}

static void
done(struct ratelimit *rl)
{
	assert_ptr_equal(rl, open_table);
	ratelimit_free(rl);
	open_table = NULL;
}

/* Take n tokens for key at now, asserting that every one is granted. */
static void
take_ok(struct ratelimit *rl, const char *key, int64_t now, unsigned n)
{
	unsigned	i;

	for (i = 0; i < n; i++)
		assert_int_equal(ratelimit_take(rl, key, now), 0);
}

static void
test_rule_check(void **state)
{
	static const struct {
		struct ratelimit_rule	rule;
		const char		*err;
	} bad[] = {
		{ { 0, 1000, 1 }, "rate must be at least 1" },
		{ { 1, 0, 1 }, "period must be at least 1 ms" },
		{ { 1, 1000, 0 }, "burst must be at least 1" },
		{ { 1, 1U << 31, 1U << 31 },
		    "burst times period is too large" },
	};
	struct ratelimit_rule	 edge = { 1, 1U << 30, 1U << 31 };
	const char		*errstr;
	size_t			 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		errstr = NULL;
		assert_int_equal(ratelimit_rule_check(&bad[i].rule, &errstr),
		    -1);
		assert_string_equal(errstr, bad[i].err);
		assert_null(ratelimit_new(&bad[i].rule, 10));
	}
	/* burst * per_ms == RATELIMIT_SCALED_MAX exactly: accepted. */
	assert_int_equal(ratelimit_rule_check(&edge, &errstr), 0);
	edge.burst++;
	assert_int_equal(ratelimit_rule_check(&edge, &errstr), -1);

	assert_int_equal(ratelimit_rule_check(&per_minute_10, &errstr), 0);
	assert_null(ratelimit_new(&per_minute_10, 0));
	assert_null(ratelimit_new(&per_minute_10,
	    (size_t)RATELIMIT_ENTRIES_MAX + 1));
	ratelimit_free(NULL);
}

/* Exactly burst pass at once; the next waits T, and refusals cost nothing. */
static void
test_burst_then_refused(void **state)
{
	struct ratelimit	*rl = table(&per_minute_10, 100);
	int			 i;

	take_ok(rl, "RWkey", T0, 10);
	for (i = 0; i < 5; i++)
		assert_int_equal(ratelimit_take(rl, "RWkey", T0), 6000);
	assert_int_equal(ratelimit_take(rl, "RWkey", T0 + 2000), 4000);
	assert_int_equal(ratelimit_size(rl), 1);
	done(rl);
}

/* One token comes back after exactly T: refused 1 ms before, then one. */
static void
test_recovery_exact(void **state)
{
	struct ratelimit	*rl = table(&per_minute_10, 100);

	take_ok(rl, "k", T0, 10);
	assert_int_equal(ratelimit_take(rl, "k", T0 + 5999), 1);
	assert_int_equal(ratelimit_take(rl, "k", T0 + 6000), 0);
	assert_int_equal(ratelimit_take(rl, "k", T0 + 6000), 6000);

	/* A full period idle refills the whole burst, and no more. */
	take_ok(rl, "k", T0 + 6000 + 60000, 10);
	assert_int_equal(ratelimit_take(rl, "k", T0 + 6000 + 60000), 6000);
	done(rl);
}

/* T = 1000/7 ms is no whole number: waits round up, nothing drifts. */
static void
test_fractional_period(void **state)
{
	static const struct ratelimit_rule	seven = { 7, 1000, 7 };
	static const struct ratelimit_rule	three = { 3, 1000, 1 };
	static const struct ratelimit_rule	three2 = { 3, 1000, 2 };
	struct ratelimit			*rl;

	rl = table(&seven, 10);
	take_ok(rl, "k", T0, 7);
	assert_int_equal(ratelimit_take(rl, "k", T0), 143);
	assert_int_equal(ratelimit_take(rl, "k", T0 + 142), 1);
	assert_int_equal(ratelimit_take(rl, "k", T0 + 143), 0);
	/* The next token is due at 2000/7 = 285.7 ms. */
	assert_int_equal(ratelimit_take(rl, "k", T0 + 143), 143);
	assert_int_equal(ratelimit_take(rl, "k", T0 + 285), 1);
	assert_int_equal(ratelimit_take(rl, "k", T0 + 286), 0);
	done(rl);

	/*
	 * Three a second, none saved: a token nobody takes when it is due
	 * is lost, as in any bucket of one.  At 0 the bucket empties; the
	 * next token is due at 333.3, so 333 is refused and 334 takes it;
	 * then 667.3, so 667 waits and 668 passes, 334 ms apart.
	 */
	rl = table(&three, 10);
	assert_int_equal(ratelimit_take(rl, "k", T0), 0);
	assert_int_equal(ratelimit_take(rl, "k", T0 + 333), 1);
	assert_int_equal(ratelimit_take(rl, "k", T0 + 334), 0);
	assert_int_equal(ratelimit_take(rl, "k", T0 + 667), 1);
	assert_int_equal(ratelimit_take(rl, "k", T0 + 668), 0);
	assert_int_equal(ratelimit_take(rl, "k", T0 + 668), 334);
	done(rl);

	/* With two saved nothing is lost: 0, 0, 333.3, 666.7, 1000. */
	rl = table(&three2, 10);
	take_ok(rl, "k", T0, 2);
	assert_int_equal(ratelimit_take(rl, "k", T0 + 333), 1);
	assert_int_equal(ratelimit_take(rl, "k", T0 + 334), 0);
	assert_int_equal(ratelimit_take(rl, "k", T0 + 666), 1);
	assert_int_equal(ratelimit_take(rl, "k", T0 + 667), 0);
	assert_int_equal(ratelimit_take(rl, "k", T0 + 999), 1);
	assert_int_equal(ratelimit_take(rl, "k", T0 + 1000), 0);
	done(rl);
}

/*
 * Hammer a key at every tick of a long simulated period: after the first
 * window (which also spends the saved burst) every window admits exactly
 * rate, never rate - 1 or rate + 1.
 */
static void
steady(const struct ratelimit_rule *rule, int64_t tick, int windows)
{
	struct ratelimit	*rl = table(rule, 10);
	int64_t			 t;
	int			 w, admitted, total = 0;

	for (w = 0; w < windows; w++) {
		admitted = 0;
		for (t = 0; t < rule->per_ms; t += tick) {
			if (ratelimit_take(rl, "k",
			    T0 + (int64_t)w * rule->per_ms + t) == 0)
				admitted++;
		}
		if (w > 0)
			assert_int_equal(admitted, rule->rate);
		else
			assert_true(admitted >= (int)rule->burst);
		total += admitted;
	}
	/* Over the whole run: the burst plus rate per period elapsed. */
	assert_true(total <= (int)(rule->burst + rule->rate * windows));
	assert_true(total >= (int)(rule->burst + rule->rate * (windows - 1)));
	done(rl);
}

static void
test_steady_rate(void **state)
{
	static const struct ratelimit_rule	seven = { 7, 1000, 7 };
	static const struct ratelimit_rule	three = { 3, 1000, 2 };

	steady(&per_minute_10, 100, 60);	/* an hour, every 100 ms */
	steady(&seven, 1, 200);			/* 200 s, every ms */
	steady(&three, 1, 200);
}

static void
test_independent_keys(void **state)
{
	struct ratelimit	*rl = table(&per_minute_10, 100);

	take_ok(rl, "RWalice", T0, 10);
	assert_int_equal(ratelimit_take(rl, "RWalice", T0), 6000);
	take_ok(rl, "RWbob", T0 + 10, 10);
	assert_int_equal(ratelimit_take(rl, "RWbob", T0 + 10), 6000);
	assert_int_equal(ratelimit_take(rl, "RWalice", T0 + 10), 5990);
	take_ok(rl, "192.0.2.1", T0 + 10, 10);
	take_ok(rl, "2001:db8::1", T0 + 10, 10);
	assert_int_equal(ratelimit_size(rl), 4);
	done(rl);
}

/* Keys of any length; ones differing only in the last byte stay apart. */
static void
test_long_keys(void **state)
{
	static const struct ratelimit_rule	one = { 1, 1000, 1 };
	struct ratelimit			*rl = table(&one, 10);
	char					 a[1001], b[1001];

	memset(a, 'x', sizeof a - 1);
	a[sizeof a - 1] = '\0';
	memcpy(b, a, sizeof b);
	b[sizeof b - 2] = 'y';

	assert_int_equal(ratelimit_take(rl, a, T0), 0);
	assert_int_equal(ratelimit_take(rl, a, T0), 1000);
	assert_int_equal(ratelimit_take(rl, b, T0), 0);
	assert_int_equal(ratelimit_take(rl, b, T0), 1000);
	assert_int_equal(ratelimit_take(rl, "", T0), 0);
	assert_int_equal(ratelimit_take(rl, "", T0), 1000);
	assert_int_equal(ratelimit_size(rl), 3);
	done(rl);
}

static void
test_rules(void **state)
{
	static const struct ratelimit_rule	writes = { 60, 60000, 60 };
	static const struct ratelimit_rule	one = { 1, 1000, 1 };
	static const struct ratelimit_rule	burst3 = { 10, 60000, 3 };
	static const struct ratelimit_rule	saved = { 1, 1000, 5 };
	static const struct ratelimit_rule	fast = { 1000, 1, 1000 };
	struct ratelimit			*rl;

	rl = table(&writes, 10);
	take_ok(rl, "198.51.100.7", T0, 60);
	assert_int_equal(ratelimit_take(rl, "198.51.100.7", T0), 1000);
	assert_int_equal(ratelimit_take(rl, "198.51.100.7", T0 + 999), 1);
	assert_int_equal(ratelimit_take(rl, "198.51.100.7", T0 + 1000), 0);
	done(rl);

	rl = table(&one, 10);
	assert_int_equal(ratelimit_take(rl, "k", T0), 0);
	assert_int_equal(ratelimit_take(rl, "k", T0), 1000);
	assert_int_equal(ratelimit_take(rl, "k", T0 + 999), 1);
	assert_int_equal(ratelimit_take(rl, "k", T0 + 1000), 0);
	assert_int_equal(ratelimit_take(rl, "k", T0 + 1000), 1000);
	done(rl);

	/* burst below rate: 3 at once, then one every 6 s. */
	rl = table(&burst3, 10);
	take_ok(rl, "k", T0, 3);
	assert_int_equal(ratelimit_take(rl, "k", T0), 6000);
	done(rl);

	/* burst above rate: 5 saved up, 1 a second after. */
	rl = table(&saved, 10);
	take_ok(rl, "k", T0, 5);
	assert_int_equal(ratelimit_take(rl, "k", T0), 1000);
	assert_int_equal(ratelimit_take(rl, "k", T0 + 1000), 0);
	assert_int_equal(ratelimit_take(rl, "k", T0 + 1000), 1000);
	done(rl);

	/* Several tokens per millisecond. */
	rl = table(&fast, 10);
	take_ok(rl, "k", T0, 1000);
	assert_int_equal(ratelimit_take(rl, "k", T0), 1);
	take_ok(rl, "k", T0 + 1, 1000);
	assert_int_equal(ratelimit_take(rl, "k", T0 + 1), 1);
	done(rl);
}

/* An earlier now_ms counts as no time passed, for old and new keys. */
static void
test_time_backwards(void **state)
{
	struct ratelimit	*rl = table(&per_minute_10, 100);

	take_ok(rl, "k", T0, 10);
	assert_int_equal(ratelimit_take(rl, "k", T0 - 5000), 6000);
	assert_int_equal(ratelimit_take(rl, "k", 0), 6000);
	assert_int_equal(ratelimit_take(rl, "k", INT64_MIN), 6000);
	assert_int_equal(ratelimit_take(rl, "k", T0 + 5999), 1);
	/* The clock stays at T0 + 5999 however far it falls back. */
	assert_int_equal(ratelimit_take(rl, "k", T0), 1);

	/* A new key seen "in the past" starts from the latest time. */
	take_ok(rl, "new", T0 - 100000, 10);
	assert_int_equal(ratelimit_take(rl, "new", T0 - 100000), 6000);
	assert_int_equal(ratelimit_take(rl, "new", T0 + 5999 + 5999), 1);
	assert_int_equal(ratelimit_take(rl, "new", T0 + 5999 + 6000), 0);
	assert_int_equal(ratelimit_take(rl, "k", T0 + 6000), 0);
	done(rl);
}

/* Times near and past INT64_MAX / 2, and the longest T, stay exact. */
static void
test_huge_now(void **state)
{
	static const struct ratelimit_rule	 slow = { 1, UINT32_MAX, 3 };
	struct ratelimit			*rl;
	int64_t					 big;

	big = RATELIMIT_NOW_MAX - 10000;
	rl = table(&per_minute_10, 100);
	take_ok(rl, "k", big, 10);
	assert_int_equal(ratelimit_take(rl, "k", big), 6000);
	assert_int_equal(ratelimit_take(rl, "k", big + 5999), 1);
	assert_int_equal(ratelimit_take(rl, "k", big + 6000), 0);
	/* Past RATELIMIT_NOW_MAX (big + 10000) the clock stops there. */
	assert_int_equal(ratelimit_take(rl, "k", INT64_MAX), 2000);
	assert_int_equal(ratelimit_take(rl, "k", INT64_MAX), 2000);
	take_ok(rl, "other", INT64_MAX, 10);
	assert_int_equal(ratelimit_take(rl, "other", INT64_MAX), 6000);
	done(rl);

	/* Starting at INT64_MIN: clamped, and time still moves forward. */
	rl = table(&per_minute_10, 100);
	take_ok(rl, "k", INT64_MIN, 10);
	assert_int_equal(ratelimit_take(rl, "k", INT64_MIN), 6000);
	assert_int_equal(ratelimit_take(rl, "k", -RATELIMIT_NOW_MAX + 5999),
	    1);
	assert_int_equal(ratelimit_take(rl, "k", -RATELIMIT_NOW_MAX + 6000),
	    0);
	done(rl);

	/* T of 2^32 - 1 ms, three saved, on top of a clock at 2^62. */
	rl = table(&slow, 10);
	take_ok(rl, "k", INT64_MAX, 3);
	assert_int_equal(ratelimit_take(rl, "k", INT64_MAX), UINT32_MAX);
	assert_int_equal(ratelimit_take(rl, "k", big), UINT32_MAX);
	done(rl);
}

/*
 * A flood of ten times max_entries new addresses, one request each, never
 * grows the table past max_entries and never costs a key that owes more
 * than one token its state: it keeps being refused, with the same wait.
 */
static void
test_flood_keeps_busy_key(void **state)
{
	struct ratelimit	*rl = table(&per_minute_10, 100);
	char			 ip[32];
	int			 i;

	take_ok(rl, "RWbusy", T0, 10);
	assert_int_equal(ratelimit_take(rl, "RWbusy", T0), 6000);
	for (i = 0; i < 1000; i++) {
		snprintf(ip, sizeof ip, "10.%d.%d.%d", i >> 16, (i >> 8) & 255,
		    i & 255);
		assert_int_equal(ratelimit_take(rl, ip, T0 + i), 0);
		assert_true(ratelimit_size(rl) <= 100);
	}
	assert_int_equal(ratelimit_size(rl), 100);
	/* Not forgotten: still owes 10 tokens less 1000 ms of refill. */
	assert_int_equal(ratelimit_take(rl, "RWbusy", T0 + 1000), 5000);
	assert_int_equal(ratelimit_take(rl, "RWbusy", T0 + 5999), 1);
	assert_int_equal(ratelimit_take(rl, "RWbusy", T0 + 6000), 0);
	assert_int_equal(ratelimit_take(rl, "RWbusy", T0 + 6000), 6000);
	done(rl);
}

/* When full, the key nearest a full bucket goes, and only that one. */
static void
test_evicts_least_owed(void **state)
{
	static const struct ratelimit_rule	rule = { 1, 1000, 3 };
	struct ratelimit			*rl = table(&rule, 3);

	take_ok(rl, "a", T0, 3);	/* owes 3 */
	take_ok(rl, "b", T0, 1);	/* owes 1 */
	take_ok(rl, "c", T0, 2);	/* owes 2 */
	take_ok(rl, "d", T0, 1);	/* full: "b" goes */
	assert_int_equal(ratelimit_size(rl), 3);

	assert_int_equal(ratelimit_take(rl, "a", T0), 1000);
	take_ok(rl, "c", T0, 1);
	assert_int_equal(ratelimit_take(rl, "c", T0), 1000);
	/* "b" is new again (three tokens, not two), and "d" makes room. */
	take_ok(rl, "b", T0, 3);
	assert_int_equal(ratelimit_take(rl, "b", T0), 1000);
	assert_int_equal(ratelimit_size(rl), 3);
	assert_int_equal(ratelimit_take(rl, "a", T0), 1000);
	assert_int_equal(ratelimit_take(rl, "c", T0), 1000);
	done(rl);
}

/*
 * Idle keys (bucket full again) are dropped a few per call, and only they:
 * the table shrinks back without a full sweep, and a full table makes room
 * from them before evicting anyone.
 */
static void
test_idle_swept(void **state)
{
	static const struct ratelimit_rule	rule = { 1, 1000, 1 };
	struct ratelimit			*rl = table(&rule, 100);
	char					 key[16];
	int					 i;

	for (i = 0; i < 99; i++) {
		snprintf(key, sizeof key, "k%d", i);
		take_ok(rl, key, T0, 1);
	}
	take_ok(rl, "busy", T0 + 500, 1);
	assert_int_equal(ratelimit_size(rl), 100);

	/* At T0 + 1000 the 99 are idle; "busy" still owes until T0 + 1500. */
	take_ok(rl, "new", T0 + 1000, 1);
	assert_int_equal(ratelimit_size(rl), 99);
	for (i = 0; i < 60; i++)
		ratelimit_take(rl, "new", T0 + 1000);
	assert_int_equal(ratelimit_size(rl), 2);
	assert_int_equal(ratelimit_take(rl, "busy", T0 + 1000), 500);
	assert_int_equal(ratelimit_take(rl, "new", T0 + 1000), 1000);
	done(rl);
}

/*
 * Against a model: a small full table under thousands of random takes
 * must always forget exactly the key with the earliest TAT.  The run is
 * shorter than T, so no key goes idle and no two TATs tie, and the order
 * of every eviction is known.
 */
static void
test_eviction_model(void **state)
{
	static const struct ratelimit_rule	rule = { 1, 1000000, 5 };
	struct ratelimit			*rl = table(&rule, 8);
	int64_t					 tat[30], now, next, want;
	uint32_t				 seed = 12345;
	char					 key[8];
	int					 i, k, j, n = 0, min;

	for (k = 0; k < 30; k++)
		tat[k] = -1;			/* not in the table */
	for (i = 0; i < 5000; i++) {
		seed = seed * 1103515245 + 12345;
		k = (seed >> 16) % 30;
		now = T0 + i;
		if (tat[k] == -1) {
			if (n == 8) {
				for (min = -1, j = 0; j < 30; j++) {
					if (tat[j] != -1 && (min == -1 ||
					    tat[j] < tat[min]))
						min = j;
				}
				tat[min] = -1;
				n--;
			}
			tat[k] = now;
			n++;
		}
		next = (tat[k] > now ? tat[k] : now) + rule.per_ms;
		want = next - now - (int64_t)rule.burst * rule.per_ms;
		if (want <= 0) {
			want = 0;
			tat[k] = next;
		}
		snprintf(key, sizeof key, "m%d", k);
		assert_int_equal(ratelimit_take(rl, key, now), want);
		assert_int_equal(ratelimit_size(rl), n);
	}
	done(rl);
}

/* Thousands of keys: the table grows and rehashes without losing any. */
static void
test_growth_keeps_state(void **state)
{
	static const struct ratelimit_rule	rule = { 1, 60000, 1 };
	struct ratelimit			*rl = table(&rule, 5000);
	char					 key[16];
	int					 i;

	for (i = 0; i < 3000; i++) {
		snprintf(key, sizeof key, "key%d", i);
		assert_int_equal(ratelimit_take(rl, key, T0 + i), 0);
	}
	assert_int_equal(ratelimit_size(rl), 3000);
	for (i = 0; i < 3000; i++) {
		snprintf(key, sizeof key, "key%d", i);
		assert_int_equal(ratelimit_take(rl, key, T0 + 3000),
		    60000 + i - 3000);
	}
	assert_int_equal(ratelimit_size(rl), 3000);
	done(rl);
}

/* Peeking takes nothing and remembers no new key. */
static void
test_peek(void **state)
{
	const struct ratelimit_rule	 rule = { 2, 60000, 2 };
	struct ratelimit		*rl = table(&rule, 16);

	assert_int_equal(ratelimit_peek(rl, "k", 1000), 0);
	assert_int_equal(ratelimit_size(rl), 0);
	assert_int_equal(ratelimit_take(rl, "k", 1000), 0);
	assert_int_equal(ratelimit_peek(rl, "k", 1000), 0);
	assert_int_equal(ratelimit_peek(rl, "k", 1000), 0);
	assert_int_equal(ratelimit_take(rl, "k", 1000), 0);
	/* Spent: peek says how long, and takes nothing meanwhile. */
	assert_int_equal(ratelimit_peek(rl, "k", 1000), 30000);
	assert_int_equal(ratelimit_peek(rl, "k", 1000), 30000);
	assert_int_equal(ratelimit_take(rl, "k", 1000), 30000);
	assert_int_equal(ratelimit_peek(rl, "k", 31000), 0);
	assert_int_equal(ratelimit_take(rl, "k", 31000), 0);
	assert_int_equal(ratelimit_peek(rl, "k", 31000), 30000);
	done(rl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_rule_check, teardown),
		cmocka_unit_test_teardown(test_peek, teardown),
		cmocka_unit_test_teardown(test_burst_then_refused, teardown),
		cmocka_unit_test_teardown(test_recovery_exact, teardown),
		cmocka_unit_test_teardown(test_fractional_period, teardown),
		cmocka_unit_test_teardown(test_steady_rate, teardown),
		cmocka_unit_test_teardown(test_independent_keys, teardown),
		cmocka_unit_test_teardown(test_long_keys, teardown),
		cmocka_unit_test_teardown(test_rules, teardown),
		cmocka_unit_test_teardown(test_time_backwards, teardown),
		cmocka_unit_test_teardown(test_huge_now, teardown),
		cmocka_unit_test_teardown(test_flood_keeps_busy_key, teardown),
		cmocka_unit_test_teardown(test_evicts_least_owed, teardown),
		cmocka_unit_test_teardown(test_idle_swept, teardown),
		cmocka_unit_test_teardown(test_eviction_model, teardown),
		cmocka_unit_test_teardown(test_growth_keeps_state, teardown),
	};

	return cmocka_run_group_tests_name("ratelimit", tests, group_setup,
	    NULL);
}
