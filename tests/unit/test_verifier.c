/*
 * test_verifier.c: signatures checked on worker threads.
 *
 * A worker must say yes only for a wire form whose statement's signature
 * verifies, answer every job exactly once on the loop's thread, and
 * answer the jobs still queued when it is freed.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "glossd.h"
#include "faultsys.h"
#include "fixtures.h"

#define NJOBS	64

struct answers {
	struct event_base	*base;
	pthread_t		 loop;		/* the thread callbacks must run on */
	int			 verdict[NJOBS];	/* -1: not answered yet */
	int			 count;
};

struct job {
	struct answers	*a;
	int		 i;
};

static void
done_cb(void *arg, int verified)
{
	struct job	*j = arg;

	assert_true(pthread_equal(pthread_self(), j->a->loop));
	assert_int_equal(j->a->verdict[j->i], -1);	/* exactly once */
	j->a->verdict[j->i] = verified;
	if (++j->a->count == NJOBS)
		event_base_loopbreak(j->a->base);
}

/* Wire bodies: even jobs good, odd ones each broken in its own way. */
static char *
body_for(int i)
{
	struct statement	*st;
	char			*wire, *p;

	st = fixture_annotation(key_curator, "rec", "comment", 1, 1000, -1,
	    i % 4 == 1 ? "tampered after signing" : "checked on a worker");
	wire = fixture_wire(i % 4 == 3 ? key_other :
	    key_curator, st);
	stmt_free(st);
	switch (i % 8) {
	case 1:			/* a byte of the text changed */
		p = strstr(wire, "tampered");
		*p = 'T';
		break;
	case 3:			/* signed by another key than the author */
		break;
	case 5:			/* not JSON */
		wire[0] = '[';
		break;
	case 7:			/* a third member */
		p = strrchr(wire, '}');
		*p = '\0';
		p = wire;
		if (asprintf(&wire, "%s,\"x\":1}", p) == -1)
			fail();
		free(p);
		break;
	}
	return wire;
}

/*
 * Start nthreads workers on a fresh loop and submit the NJOBS bodies,
 * each also checked here by the same function the workers run.
 */
static struct verifier *
submit_all(struct answers *a, struct job *jobs, int nthreads)
{
	struct verifier	*v;
	char		*body;
	int		 i;

	memset(a, 0, sizeof *a);
	a->base = event_base_new();
	a->loop = pthread_self();
	v = verifier_new(a->base, nthreads);
	assert_non_null(v);
	for (i = 0; i < NJOBS; i++) {
		a->verdict[i] = -1;
		jobs[i].a = a;
		jobs[i].i = i;
		body = body_for(i);
		assert_int_equal(api_wire_verifies(body, strlen(body)),
		    i % 2 == 0);
		verifier_submit(v, body, strlen(body), done_cb, &jobs[i]);
		/* The worker has its own copy. */
		memset(body, 'x', strlen(body));
		free(body);
	}
	return v;
}

/* Every job answered once, good bodies yes and broken ones no. */
static void
check_all(struct answers *a)
{
	int	i;

	assert_int_equal(a->count, NJOBS);
	for (i = 0; i < NJOBS; i++)
		assert_int_equal(a->verdict[i], i % 2 == 0);
	event_base_free(a->base);
}

static void
test_verdicts(void **state)
{
	struct answers	 a;
	struct job	 jobs[NJOBS];
	struct verifier	*v;

	v = submit_all(&a, jobs, 2);
	assert_null(verifier_new(a.base, 0));	/* none: the loop checks */
	event_base_dispatch(a.base);
	verifier_free(v);
	check_all(&a);
}

/*
 * Short of threads, a verifier runs with those it could start, and
 * with none, or no pipe to wake the loop, there is no verifier: the
 * loop checks signatures itself (http.c).
 */
static void
test_short_of_threads(void **state)
{
	struct answers	 a;
	struct job	 jobs[NJOBS];
	struct verifier	*v;

	faultsys_fail(FAULTSYS_THREAD, 1);	/* the second and third fail */
	v = submit_all(&a, jobs, 3);		/* not NULL: one runs */
	faultsys_clear();
	event_base_dispatch(a.base);
	verifier_free(v);
	check_all(&a);

	a.base = event_base_new();
	faultsys_fail(FAULTSYS_THREAD, 0);
	assert_null(verifier_new(a.base, 2));
	faultsys_clear();
	faultsys_fail(FAULTSYS_PIPE, 0);
	assert_null(verifier_new(a.base, 2));
	faultsys_clear();
	event_base_free(a.base);
}

/* Freeing a verifier answers what it still holds, once each. */
static void
test_free_answers_all(void **state)
{
	struct answers	 a;
	struct job	 jobs[NJOBS];

	verifier_free(submit_all(&a, jobs, 1));	/* no loop ran */
	check_all(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_short_of_threads),
		cmocka_unit_test(test_free_answers_all),
	};

	return cmocka_run_group_tests(tests, fixture_group_setup,
	    fixture_group_teardown);
}
