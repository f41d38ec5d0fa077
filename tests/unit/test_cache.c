/*
 * test_cache.c: the answers glossd keeps between writes.
 *
 * A kept answer must come back byte for byte for the same URI at the
 * same generation and never at another, and only plain, small answers are
 * kept at all.  A big one is kept in a file and comes back as its pages:
 * those are read here the way glossd sends them, written to a socket.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/resource.h>
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>

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
	assert_int_equal(cache_get(c, "/v1/records", 7, 7, &out, etag), 0);
	assert_int_equal(etag[0], '"');
	assert_int_equal(strlen(etag), HTTP_ETAG_LEN - 1);
	assert_int_equal(out.status, 200);
	assert_string_equal(out.content_type, in.content_type);
	assert_int_equal(out.body.len, in.body.len);
	assert_memory_equal(out.body.data, in.body.data, in.body.len);
	assert_int_equal(out.generation, 7);
	/* Another generation, another URI: a miss. */
	assert_int_equal(cache_get(c, "/v1/records", 8, 8, &out, etag), -1);
	assert_int_equal(cache_get(c, "/v1/records?x=1", 7, 7, &out, etag), -1);
	assert_int_equal(cache_get(c, "/v1/record", 7, 7, &out, etag), -1);
	/*
	 * Asked for any generation from the one on disk (oldest) to the
	 * store's (newest): kept at 7, it is served from 7 to 7 or more, and
	 * says it shows 7; not once 8 is on disk, nor before 7 was made.
	 */
	out.generation = 0;
	assert_int_equal(cache_get(c, "/v1/records", 7, 9, &out, etag), 0);
	assert_int_equal(out.generation, 7);
	assert_int_equal(cache_get(c, "/v1/records", 5, 9, &out, etag), 0);
	assert_int_equal(cache_get(c, "/v1/records", 8, 9, &out, etag), -1);
	assert_int_equal(cache_get(c, "/v1/records", 5, 6, &out, etag), -1);
	/* A newer answer replaces it. */
	http_response_clear(&in);
	answer(&in, 200, "{\"a\":2}\n");
	cache_put(c, "/v1/records", 8, &in, etag);
	assert_int_equal(cache_get(c, "/v1/records", 7, 7, &out, etag), -1);
	assert_int_equal(cache_get(c, "/v1/records", 8, 8, &out, etag), 0);
	assert_memory_equal(out.body.data, "{\"a\":2}\n", 8);
	cache_clear(c);
	assert_int_equal(cache_get(c, "/v1/records", 8, 8, &out, etag), -1);
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
	assert_int_equal(cache_get(c, "/a", 1, 1, &out, etag), -1);
	http_response_clear(&in);

	answer(&in, 200, "{}");
	http_header(&in, "ETag", "\"x\"");
	cache_put(c, "/b", 1, &in, etag);
	assert_int_equal(cache_get(c, "/b", 1, 1, &out, etag), -1);
	http_response_clear(&in);

	answer(&in, 200, "{}");
	snprintf(in.location, sizeof in.location, "/v1/statements/x");
	cache_put(c, "/c", 1, &in, etag);
	assert_int_equal(cache_get(c, "/c", 1, 1, &out, etag), -1);
	http_response_clear(&in);

	/* 256 KiB is kept, one byte more is not. */
	answer(&in, 200, "");
	for (i = 0; i < 256 * 1024; i++)
		buf_putc(&in.body, 'x');
	cache_put(c, "/d", 1, &in, etag);
	assert_int_equal(cache_get(c, "/d", 1, 1, &out, etag), 0);
	assert_int_equal(http_body_len(&out), 256 * 1024);
	buf_putc(&in.body, 'x');
	cache_put(c, "/e", 1, &in, etag);
	assert_int_equal(cache_get(c, "/e", 1, 1, &out, etag), -1);
	http_response_clear(&in);
	http_response_clear(&out);
	cache_free(c);
}

/* Keep in as the answer for n URIs, prefix/0 to prefix/n-1. */
static void
put_many(struct cache *c, const char *prefix, size_t n,
    const struct http_response *in)
{
	char	key[32], etag[HTTP_ETAG_LEN];
	size_t	i;

	for (i = 0; i < n; i++) {
		snprintf(key, sizeof key, "%s/%zu", prefix, i);
		cache_put(c, key, 1, in, etag);
	}
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
	put_many(c, "/k", 512, &in);
	for (i = 0; i < 512; i++) {
		snprintf(key, sizeof key, "/k/%zu", i);
		kept += cache_get(c, key, 1, 1, &out, etag) == 0;
	}
	assert_true(kept > 0);
	assert_true(kept <= 128);
	http_response_clear(&in);
	http_response_clear(&out);
	cache_free(c);
	cache_free(NULL);
}

/* An answer of len bytes, each byte from its position and seed. */
static void
answer_of(struct http_response *resp, size_t len, unsigned seed)
{
	size_t	i;

	answer(resp, 200, "");
	for (i = 0; i < len; i++)
		buf_putc(&resp->body, (char)('a' + (i * 7 + seed) % 26));
}

/*
 * Check that out holds want's bytes as pages, by writing them to a
 * socket as glossd does, which empties them.
 */
static void
assert_pages(struct http_response *out, const struct buf *want)
{
	char	*got = malloc(want->len);
	size_t	 off = 0;
	ssize_t	 n;
	int	 sv[2];

	assert_non_null(got);
	assert_non_null(out->pages);
	assert_int_equal(out->body.len, 0);
	assert_int_equal(http_body_len(out), want->len);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	while (off < want->len) {
		if (evbuffer_get_length(out->pages) > 0)
			assert_true(evbuffer_write(out->pages, sv[0]) > 0);
		n = read(sv[1], got + off, want->len - off);
		assert_true(n > 0);
		off += (size_t)n;
	}
	assert_int_equal(evbuffer_get_length(out->pages), 0);
	assert_memory_equal(got, want->data, want->len);
	close(sv[0]);
	close(sv[1]);
	free(got);
}

/*
 * From 16 KiB an answer is kept in a file and comes back as its pages,
 * which stay readable after the slot has moved on; below, in the heap.
 */
static void
test_file(void **state)
{
	struct cache		*c = cache_new();
	struct http_response	 in, out, held;
	char			 etag[HTTP_ETAG_LEN], etag2[HTTP_ETAG_LEN];

	http_response_init(&out);
	answer_of(&in, CACHE_FILE_MIN - 1, 0);
	assert_int_equal(cache_put(c, "/small", 1, &in, etag), 0);
	assert_int_equal(cache_get(c, "/small", 1, 1, &out, etag), 0);
	assert_null(out.pages);
	assert_int_equal(out.body.len, CACHE_FILE_MIN - 1);
	assert_memory_equal(out.body.data, in.body.data, in.body.len);
	http_response_clear(&in);

	answer_of(&in, CACHE_FILE_MIN, 1);
	assert_int_equal(cache_put(c, "/big", 1, &in, etag), 0);
	assert_int_equal(cache_get(c, "/big", 1, 1, &out, etag2), 0);
	assert_string_equal(etag2, etag);
	assert_int_equal(out.status, 200);
	assert_pages(&out, &in.body);
	/* Twice: each hit has pages of its own. */
	assert_int_equal(cache_get(c, "/big", 1, 1, &out, etag), 0);
	assert_pages(&out, &in.body);

	/* An answer being sent outlives a newer one in its slot, and all. */
	http_response_init(&held);
	assert_int_equal(cache_get(c, "/big", 1, 1, &held, etag), 0);
	http_response_clear(&in);
	answer_of(&in, 2 * CACHE_FILE_MIN, 2);
	assert_int_equal(cache_put(c, "/big", 2, &in, etag), 0);
	assert_int_equal(cache_get(c, "/big", 2, 2, &out, etag), 0);
	assert_pages(&out, &in.body);
	cache_free(c);
	http_response_clear(&in);
	answer_of(&in, CACHE_FILE_MIN, 1);
	assert_pages(&held, &in.body);

	/* A reset or a clear lets them go. */
	c = cache_new();
	cache_put(c, "/big", 1, &in, etag);
	assert_int_equal(cache_get(c, "/big", 1, 1, &out, etag), 0);
	http_body_reset(&out);
	assert_null(out.pages);
	assert_int_equal(http_body_len(&out), 0);
	assert_int_equal(cache_get(c, "/big", 1, 1, &out, etag), 0);
	http_response_clear(&held);
	http_response_clear(&in);
	http_response_clear(&out);
	cache_free(c);
}

/*
 * The cache holds at most 64 files; past them, and when no descriptor
 * is left, big answers are kept in the heap instead.
 */
static void
test_file_bound(void **state)
{
	struct cache		*c = cache_new();
	struct http_response	 in, out;
	struct rlimit		 was, low;
	char			 etag[HTTP_ETAG_LEN];
	char			 key[32];
	size_t			 i, files = 0, heap = 0;
	int			 fd;

	answer_of(&in, CACHE_FILE_MIN, 3);
	http_response_init(&out);
	put_many(c, "/f", 200, &in);
	for (i = 0; i < 200; i++) {
		snprintf(key, sizeof key, "/f/%zu", i);
		if (cache_get(c, key, 1, 1, &out, etag) == -1)
			continue;
		if (out.pages != NULL)
			files++;
		else {
			assert_memory_equal(out.body.data, in.body.data,
			    in.body.len);
			heap++;
		}
	}
	assert_int_equal(files, CACHE_FILES_MAX);
	assert_true(heap > 0);
	cache_free(c);

	/* Every descriptor under the limit taken: memfd_create fails. */
	c = cache_new();
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &was), 0);
	assert_true((fd = dup(0)) != -1);
	close(fd);
	low = was;
	low.rlim_cur = (rlim_t)fd;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	assert_int_equal(cache_put(c, "/nofd", 1, &in, etag), 0);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &was), 0);
	assert_int_equal(cache_get(c, "/nofd", 1, 1, &out, etag), 0);
	assert_null(out.pages);
	assert_int_equal(out.body.len, in.body.len);
	assert_memory_equal(out.body.data, in.body.data, in.body.len);
	http_response_clear(&in);
	http_response_clear(&out);
	cache_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hit_and_miss),
		cmocka_unit_test(test_not_kept),
		cmocka_unit_test(test_total_bound),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_file_bound),
	};

	return (cmocka_run_group_tests_name("cache", tests, NULL, NULL));
}
