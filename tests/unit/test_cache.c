/*
 * test_cache.c: the answers glossd keeps between writes.
 *
 * A kept answer must come back byte for byte for the same URI at the
 * same generation and never at another, and only plain, small answers are
 * kept at all.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "glossd.h"

static void
answer(struct http_response *resp, int status, const char *body)
{
	http_response_init(resp);
	http_json(resp, status);
	buf_puts(&resp->body, body);
}

static void
test_hit_and_miss(void **state)
{
	struct cache		*c = cache_new();
	struct http_response	 in, out;
	char			 etag[HTTP_ETAG_LEN];

	answer(&in, 200, "{\"a\":1}\n");
	assert_int_equal(cache_put(c, "/v1/records", 7, &in, etag), 0);
	/* The ETag is the start of the body's SHA-256, quoted. */
	assert_string_equal(etag, "\"e346432021b04179518d9614f3560ccd\"");
	memset(etag, 0, sizeof etag);
	http_response_init(&out);
	buf_puts(&out.body, "left over");
	assert_int_equal(cache_get(c, "/v1/records", 7, &out, etag), 0);
	assert_int_equal(etag[0], '"');
	assert_int_equal(strlen(etag), HTTP_ETAG_LEN - 1);
	assert_int_equal(out.status, 200);
	assert_string_equal(out.content_type, in.content_type);
	assert_int_equal(out.body.len, in.body.len);
	assert_memory_equal(out.body.data, in.body.data, in.body.len);
	/* Another generation, another URI: a miss. */
	assert_int_equal(cache_get(c, "/v1/records", 8, &out, etag), -1);
	assert_int_equal(cache_get(c, "/v1/records?x=1", 7, &out, etag), -1);
	assert_int_equal(cache_get(c, "/v1/record", 7, &out, etag), -1);
	/* A newer answer replaces it. */
	http_response_clear(&in);
	answer(&in, 200, "{\"a\":2}\n");
	cache_put(c, "/v1/records", 8, &in, etag);
	assert_int_equal(cache_get(c, "/v1/records", 7, &out, etag), -1);
	assert_int_equal(cache_get(c, "/v1/records", 8, &out, etag), 0);
	assert_memory_equal(out.body.data, "{\"a\":2}\n", 8);
	cache_clear(c);
	assert_int_equal(cache_get(c, "/v1/records", 8, &out, etag), -1);
	http_response_clear(&in);
	http_response_clear(&out);
	cache_free(c);
}

/* Errors, answers with headers of their own and big ones are not kept. */
static void
test_not_kept(void **state)
{
	struct cache		*c = cache_new();
	struct http_response	 in, out;
	char			 etag[HTTP_ETAG_LEN];
	size_t			 i;

	http_response_init(&out);
	answer(&in, 404, "{}");
	cache_put(c, "/a", 1, &in, etag);
	assert_int_equal(cache_get(c, "/a", 1, &out, etag), -1);
	http_response_clear(&in);

	answer(&in, 200, "{}");
	http_header(&in, "ETag", "\"x\"");
	cache_put(c, "/b", 1, &in, etag);
	assert_int_equal(cache_get(c, "/b", 1, &out, etag), -1);
	http_response_clear(&in);

	answer(&in, 200, "{}");
	snprintf(in.location, sizeof in.location, "/v1/statements/x");
	cache_put(c, "/c", 1, &in, etag);
	assert_int_equal(cache_get(c, "/c", 1, &out, etag), -1);
	http_response_clear(&in);

	/* 256 KiB is kept, one byte more is not. */
	answer(&in, 200, "");
	for (i = 0; i < 256 * 1024; i++)
		buf_putc(&in.body, 'x');
	cache_put(c, "/d", 1, &in, etag);
	assert_int_equal(cache_get(c, "/d", 1, &out, etag), 0);
	assert_int_equal(out.body.len, 256 * 1024);
	buf_putc(&in.body, 'x');
	cache_put(c, "/e", 1, &in, etag);
	assert_int_equal(cache_get(c, "/e", 1, &out, etag), -1);
	http_response_clear(&in);
	http_response_clear(&out);
	cache_free(c);
}

/* All kept answers together stay under 32 MiB. */
static void
test_total_bound(void **state)
{
	struct cache		*c = cache_new();
	struct http_response	 in, out;
	char			 etag[HTTP_ETAG_LEN];
	char			 key[32];
	size_t			 i, kept = 0;

	answer(&in, 200, "");
	for (i = 0; i < 256 * 1024; i++)
		buf_putc(&in.body, 'y');
	http_response_init(&out);
	for (i = 0; i < 512; i++) {
		snprintf(key, sizeof key, "/k/%zu", i);
		cache_put(c, key, 1, &in, etag);
	}
	for (i = 0; i < 512; i++) {
		snprintf(key, sizeof key, "/k/%zu", i);
		kept += cache_get(c, key, 1, &out, etag) == 0;
	}
	assert_true(kept > 0);
	assert_true(kept <= 128);
	http_response_clear(&in);
	http_response_clear(&out);
	cache_free(c);
	cache_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hit_and_miss),
		cmocka_unit_test(test_not_kept),
		cmocka_unit_test(test_total_bound),
	};

	return (cmocka_run_group_tests_name("cache", tests, NULL, NULL));
}
