/*
 * test_auth.c: unit tests for daemon/auth.c.
 *
 * The moderation queue and an author's pending annotations are the only
 * reads that are not public, and auth_check alone guards them: a signed
 * request must be fresh, by an allowed key, over this very method and
 * URI, and used once.  Each case here builds the request as http.c does
 * (the Authorization header, the request URI as sent, the method, the
 * clock) with headers from the real reqsig_sign and real keys, and checks
 * the status and the code of every refusal.  The replay memory is tested
 * over simulated time, with no sleeping.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "glossd.h"
#include "fixtures.h"

#define NOW		((time_t)1790000000)
#define QUEUE		"/v1/moderation/queue"
#define SEEN_MAX	4096	/* auth.c's AUTH_SEEN_MAX */

struct ctx {
	struct glossd		gd;
	struct http_request	req;
	struct http_response	resp;
	struct minisig_pubkey	key;	/* the signer auth_check saw */
	char			*authz;	/* the last header made */
};

/* The moderators are key_curator and key_third; key_other is not one. */
static int
setup(void **state)
{
	struct ctx	*c;

	c = xcalloc(1, sizeof *c);
	config_defaults(&c->gd.cfg);
	c->gd.cfg.moderators.keys = xcalloc(2,
	    sizeof *c->gd.cfg.moderators.keys);
	c->gd.cfg.moderators.keys[0] = key_curator->pk;
	c->gd.cfg.moderators.keys[1] = key_third->pk;
	c->gd.cfg.moderators.n = 2;
	c->gd.auth = auth_new();
	http_response_init(&c->resp);
	*state = c;
	return 0;
}

static int
teardown(void **state)
{
	struct ctx	*c = *state;

	http_response_clear(&c->resp);
	free(c->authz);
	auth_free(c->gd.auth);
	config_clear(&c->gd.cfg);
	free(c);
	return 0;
}

/* A header by k over method and target at ts (kept until the next one). */
static const char *
sign(struct ctx *c, const struct fixture_key *k, const char *method,
    const char *target, time_t ts)
{
	free(c->authz);
	c->authz = reqsig_sign(k->sk, method, target, ts);
	assert_non_null(c->authz);
	return c->authz;
}

/*
 * auth_check for a GET of target with authz (NULL: none) at now, against
 * allowed (NULL: any key).  Returns its value; the answer is in c->resp.
 */
static int
check(struct ctx *c, const char *target, const char *authz, time_t now,
    const struct config_keys *allowed)
{
	memset(&c->req, 0, sizeof c->req);
	http_response_clear(&c->resp);
	http_response_init(&c->resp);
	memset(&c->key, 0, sizeof c->key);
	c->req.method = HTTP_GET;
	c->req.path = target;
	c->req.target = target;
	c->req.authz = authz;
	c->req.now = now;
	return auth_check(&c->gd, &c->req, &c->resp, allowed, "not_moderator",
	    &c->key);
}

/* The last check passed, signed by k, and left the response alone. */
static void
passed(struct ctx *c, int rc, const struct fixture_key *k)
{
	if (rc != 0)
		fail_msg("refused: %d %s", c->resp.status,
		    c->resp.body.data != NULL ? c->resp.body.data : "");
	assert_int_equal(c->resp.status, 200);
	assert_int_equal(c->resp.body.len, 0);
	assert_memory_equal(&c->key, &k->pk, sizeof k->pk);
}

/* The last check was refused with status and code, in the error shape. */
static void
refused(struct ctx *c, int rc, int status, const char *code)
{
	json_t		*j, *e;
	json_error_t	 err;
	int		 ok;

	assert_int_equal(rc, -1);
	if (c->resp.status != status)
		fail_msg("status %d, wanted %d: %s", c->resp.status, status,
		    c->resp.body.data != NULL ? c->resp.body.data : "");
	j = json_loadb(c->resp.body.data, c->resp.body.len, 0, &err);
	e = json_object_get(j, "error");
	ok = json_is_string(json_object_get(e, "message")) &&
	    json_is_string(json_object_get(e, "code")) &&
	    strcmp(json_string_value(json_object_get(e, "code")), code) == 0;
	json_decref(j);
	if (!ok)
		fail_msg("wanted code %s: %s", code, c->resp.body.data);
}

/* A fresh GET signed by a moderator passes and names its signer. */
static void
test_auth_moderator(void **state)
{
	struct ctx	*c = *state;
	const char	*h;

	h = sign(c, key_curator, "GET", QUEUE, NOW);
	passed(c, check(c, QUEUE, h, NOW, &c->gd.cfg.moderators),
	    key_curator);
	/* The second moderator, with a query in the signed URI. */
	h = sign(c, key_third, "GET", QUEUE "?record=rec&limit=5", NOW);
	passed(c, check(c, QUEUE "?record=rec&limit=5", h, NOW,
	    &c->gd.cfg.moderators), key_third);
}

static void
test_auth_no_header(void **state)
{
	struct ctx	*c = *state;

	refused(c, check(c, QUEUE, NULL, NOW, &c->gd.cfg.moderators), 401,
	    "auth_required");
	/* Not even for the reads any key may make. */
	refused(c, check(c, QUEUE, NULL, NOW, NULL), 401, "auth_required");
}

/* ts within REQSIG_WINDOW either side passes; one second more does not. */
static void
test_auth_window(void **state)
{
	struct ctx	*c = *state;
	const char	*h;

	h = sign(c, key_curator, "GET", QUEUE, NOW - REQSIG_WINDOW - 1);
	refused(c, check(c, QUEUE, h, NOW, &c->gd.cfg.moderators), 401,
	    "bad_request_signature");
	h = sign(c, key_curator, "GET", QUEUE, NOW + REQSIG_WINDOW + 1);
	refused(c, check(c, QUEUE, h, NOW, &c->gd.cfg.moderators), 401,
	    "bad_request_signature");
	h = sign(c, key_curator, "GET", QUEUE, NOW - REQSIG_WINDOW);
	passed(c, check(c, QUEUE, h, NOW, &c->gd.cfg.moderators),
	    key_curator);
	h = sign(c, key_curator, "GET", QUEUE, NOW + REQSIG_WINDOW);
	passed(c, check(c, QUEUE, h, NOW, &c->gd.cfg.moderators),
	    key_curator);
}

/* A good signature by a key that is not a moderator. */
static void
test_auth_not_moderator(void **state)
{
	struct ctx		*c = *state;
	struct fixture_key	*k;
	const char		*h;
	int			 rc;

	h = sign(c, key_other, "GET", QUEUE, NOW);
	refused(c, check(c, QUEUE, h, NOW, &c->gd.cfg.moderators), 403,
	    "not_moderator");
	/* No moderators at all: nobody. */
	k = fixture_key_new();
	h = sign(c, k, "GET", QUEUE, NOW);
	c->gd.cfg.moderators.n = 0;
	rc = check(c, QUEUE, h, NOW, &c->gd.cfg.moderators);
	c->gd.cfg.moderators.n = 2;
	fixture_key_free(k);
	refused(c, rc, 403, "not_moderator");
}

/* The same header twice: the second is a replay, even a second later. */
static void
test_auth_replay(void **state)
{
	struct ctx	*c = *state;
	const char	*h;

	h = sign(c, key_curator, "GET", QUEUE, NOW);
	passed(c, check(c, QUEUE, h, NOW, &c->gd.cfg.moderators),
	    key_curator);
	refused(c, check(c, QUEUE, h, NOW, &c->gd.cfg.moderators), 401,
	    "replayed_request");
	refused(c, check(c, QUEUE, h, NOW + 1, &c->gd.cfg.moderators), 401,
	    "replayed_request");
	/* Up to the end of its window, and for author reads too. */
	refused(c, check(c, QUEUE, h, NOW + REQSIG_WINDOW, NULL), 401,
	    "replayed_request");
	/* A new signature of the same request a second later is fine. */
	h = sign(c, key_curator, "GET", QUEUE, NOW + 1);
	passed(c, check(c, QUEUE, h, NOW + 1, &c->gd.cfg.moderators),
	    key_curator);

	/*
	 * Signed as far ahead as the window allows, it stays good until
	 * NOW + 2 * REQSIG_WINDOW: it must be remembered that long.
	 */
	h = sign(c, key_third, "GET", QUEUE, NOW + REQSIG_WINDOW);
	passed(c, check(c, QUEUE, h, NOW, &c->gd.cfg.moderators), key_third);
	refused(c, check(c, QUEUE, h, NOW + 2 * REQSIG_WINDOW,
	    &c->gd.cfg.moderators), 401, "replayed_request");
	refused(c, check(c, QUEUE, h, NOW + 2 * REQSIG_WINDOW + 1,
	    &c->gd.cfg.moderators), 401, "bad_request_signature");
}

/* A signature over another path, query or method does not carry over. */
static void
test_auth_other_request(void **state)
{
	struct ctx	*c = *state;
	const char	*h;

	h = sign(c, key_curator, "GET", "/v1/moderation/flags", NOW);
	refused(c, check(c, QUEUE, h, NOW, &c->gd.cfg.moderators), 401,
	    "bad_request_signature");
	h = sign(c, key_curator, "GET", QUEUE, NOW);
	refused(c, check(c, QUEUE "?record=rec", h, NOW,
	    &c->gd.cfg.moderators), 401, "bad_request_signature");
	h = sign(c, key_curator, "POST", QUEUE, NOW);
	refused(c, check(c, QUEUE, h, NOW, &c->gd.cfg.moderators), 401,
	    "bad_request_signature");
	/* Not a Gloss header at all. */
	refused(c, check(c, QUEUE, "Bearer abc", NOW, &c->gd.cfg.moderators),
	    401, "bad_request_signature");
	/* Refused signatures were not remembered: the right one passes. */
	h = sign(c, key_curator, "GET", QUEUE, NOW);
	passed(c, check(c, QUEUE, h, NOW, &c->gd.cfg.moderators),
	    key_curator);
}

/* allowed NULL: any key that signs well (an author's own reads). */
static void
test_auth_any_key(void **state)
{
	struct ctx		*c = *state;
	struct fixture_key	*k;
	const char		*h;
	int			 rc;

	h = sign(c, key_other, "GET", "/v1/keys/x/annotations", NOW);
	passed(c, check(c, "/v1/keys/x/annotations", h, NOW, NULL),
	    key_other);
	k = fixture_key_new();
	h = sign(c, k, "GET", "/v1/keys/x/annotations", NOW);
	rc = check(c, "/v1/keys/x/annotations", h, NOW, NULL);
	if (rc == 0 && memcmp(&c->key, &k->pk, sizeof k->pk) != 0)
		rc = -2;
	fixture_key_free(k);
	assert_int_equal(rc, 0);
	/* Still fresh and used once. */
	h = sign(c, key_other, "GET", "/v1/keys/x/annotations",
	    NOW - REQSIG_WINDOW - 1);
	refused(c, check(c, "/v1/keys/x/annotations", h, NOW, NULL), 401,
	    "bad_request_signature");
}

/*
 * The replay memory forgets what expired: more distinct headers than it
 * holds at once, spread over simulated time, all pass; and a memory
 * nearly full at one time is empty again once those have expired.
 */
static void
test_auth_memory_forgets(void **state)
{
	struct ctx	*c = *state;
	char		 target[64];
	time_t		 now;
	int		 i, rc;

	/* 5000 requests a second apart: about 600 are ever unexpired. */
	for (i = 0; i < 5000; i++) {
		now = NOW + i;
		snprintf(target, sizeof target, QUEUE "?after=%d", i);
		rc = check(c, target, sign(c, key_curator, "GET", target,
		    now), now, &c->gd.cfg.moderators);
		if (rc != 0)
			fail_msg("request %d refused: %s", i,
			    c->resp.body.data);
	}
	/* Nearly full at one moment, then all of it again later. */
	now = NOW + 100000;
	for (i = 0; i < SEEN_MAX - 10; i++) {
		snprintf(target, sizeof target, QUEUE "?after=%d", i);
		rc = check(c, target, sign(c, key_third, "GET", target, now),
		    now, &c->gd.cfg.moderators);
		if (rc != 0)
			fail_msg("burst 1 request %d refused: %s", i,
			    c->resp.body.data);
	}
	now += 2 * REQSIG_WINDOW + 1;
	for (i = 0; i < SEEN_MAX - 10; i++) {
		snprintf(target, sizeof target, QUEUE "?after=%d", i);
		rc = check(c, target, sign(c, key_third, "GET", target, now),
		    now, &c->gd.cfg.moderators);
		if (rc != 0)
			fail_msg("burst 2 request %d refused: %s", i,
			    c->resp.body.data);
	}
}

/*
 * Signatures by keys that may not read the queue must not use up the
 * memory moderators need: a flood of well-signed requests by a key
 * anyone can make (each refused 403) must not lock the moderators out.
 */
static void
test_auth_memory_not_for_strangers(void **state)
{
	struct ctx	*c = *state;
	char		 target[64];
	const char	*h;
	int		 i;

	for (i = 0; i < SEEN_MAX; i++) {
		snprintf(target, sizeof target, QUEUE "?after=%d", i);
		refused(c, check(c, target, sign(c, key_other, "GET", target,
		    NOW), NOW, &c->gd.cfg.moderators), 403, "not_moderator");
	}
	h = sign(c, key_curator, "GET", QUEUE, NOW);
	passed(c, check(c, QUEUE, h, NOW, &c->gd.cfg.moderators),
	    key_curator);
}

/*
 * Nor may one key's own reads (any key may list its own annotations)
 * use up the memory every other key's signatures need: a key anyone can
 * make, reading its own list as fast as it may, must not lock out a
 * moderator or another author.
 */
static void
test_auth_memory_not_for_one_key(void **state)
{
	struct ctx	*c = *state;
	char		 target[64];
	const char	*h;
	int		 i;

	for (i = 0; i < SEEN_MAX; i++) {
		snprintf(target, sizeof target, "/v1/keys/k/annotations"
		    "?after=%d", i);
		passed(c, check(c, target, sign(c, key_other, "GET", target,
		    NOW), NOW, NULL), key_other);
	}
	h = sign(c, key_curator, "GET", QUEUE, NOW);
	passed(c, check(c, QUEUE, h, NOW, &c->gd.cfg.moderators),
	    key_curator);
}

int
main(void)
{
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_auth_moderator),
		T(test_auth_no_header),
		T(test_auth_window),
		T(test_auth_not_moderator),
		T(test_auth_replay),
		T(test_auth_other_request),
		T(test_auth_any_key),
		T(test_auth_memory_forgets),
		T(test_auth_memory_not_for_strangers),
		T(test_auth_memory_not_for_one_key),
	};
#undef T

	return cmocka_run_group_tests_name("auth", tests, fixture_group_setup,
	    fixture_group_teardown);
}
