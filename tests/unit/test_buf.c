/*
 * test_buf.c: unit tests for the growable buffer in common/buf.c.
 *
 * Everything that builds canonical bytes or HTTP bodies appends to a
 * struct buf, so growth, NUL termination and ownership hand-off must hold
 * exactly as gloss.h promises.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "gloss.h"

/* The invariants every non-empty buffer keeps. */
static void
assert_buf_sane(const struct buf *b)
{
	assert_non_null(b->data);
	assert_true(b->cap > b->len);
	assert_int_equal(b->data[b->len], '\0');
}

static void
test_init_empty(void **state)
{
	struct buf	b;

	buf_init(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	buf_free(&b);
	assert_null(b.data);
	buf_free(&b);			/* twice is fine */
	buf_free(NULL);			/* and NULL is a no-op */
}

static void
test_growth_many_appends(void **state)
{
	struct buf	b;
	size_t		i, oldcap, grows = 0;
	char		c;

	buf_init(&b);
	for (i = 0; i < 20000; i++) {
		oldcap = b.cap;
		c = (char)('a' + i % 26);
		if (i % 2 == 0)
			buf_add(&b, &c, 1);
		else
			buf_putc(&b, c);
		assert_buf_sane(&b);
		if (b.cap != oldcap) {
			grows++;
			/* Doubling: at least twice the old capacity. */
			if (oldcap != 0)
				assert_true(b.cap >= 2 * oldcap);
		}
	}
	assert_int_equal(b.len, 20000);
	assert_true(grows <= 12);
	for (i = 0; i < 20000; i++)
		assert_int_equal(b.data[i], 'a' + i % 26);
	buf_free(&b);
}

static void
test_add_large_and_binary(void **state)
{
	struct buf	 b;
	char		*big;
	size_t		 n = 100000;

	big = malloc(n);
	assert_non_null(big);
	memset(big, 'x', n);
	big[10] = '\0';		/* embedded NUL is data, not an end */

	buf_init(&b);
	buf_puts(&b, "head:");
	buf_add(&b, big, n);
	assert_buf_sane(&b);
	assert_int_equal(b.len, 5 + n);
	assert_memory_equal(b.data, "head:", 5);
	assert_memory_equal(b.data + 5, big, n);
	buf_add(&b, "ignored", 0);
	assert_int_equal(b.len, 5 + n);
	free(big);
	buf_free(&b);
}

static void
test_puts_putc(void **state)
{
	struct buf	b;

	buf_init(&b);
	buf_puts(&b, "");
	assert_int_equal(b.len, 0);
	buf_puts(&b, "hello");
	buf_putc(&b, ',');
	buf_putc(&b, ' ');
	buf_puts(&b, "world");
	assert_buf_sane(&b);
	assert_string_equal(b.data, "hello, world");
	assert_int_equal(b.len, strlen("hello, world"));
	buf_free(&b);
}

static void
test_printf(void **state)
{
	struct buf	 b;
	char		 want[600];
	char		 long_arg[300];

	buf_init(&b);
	buf_printf(&b, "%d-%s", 42, "x");
	assert_buf_sane(&b);
	assert_string_equal(b.data, "42-x");

	/* Longer than the spare room: must grow and format again. */
	memset(long_arg, 'y', sizeof long_arg - 1);
	long_arg[sizeof long_arg - 1] = '\0';
	buf_printf(&b, "[%s|%zu]", long_arg, (size_t)7);
	snprintf(want, sizeof want, "42-x[%s|7]", long_arg);
	assert_buf_sane(&b);
	assert_string_equal(b.data, want);
	assert_int_equal(b.len, strlen(want));

	/* Empty output leaves the contents alone. */
	buf_printf(&b, "%s", "");
	assert_string_equal(b.data, want);
	buf_free(&b);
}

static void
test_printf_into_empty(void **state)
{
	struct buf	b;

	buf_init(&b);
	buf_printf(&b, "%s", "");
	assert_int_equal(b.len, 0);
	buf_printf(&b, "%05u", 17u);
	assert_buf_sane(&b);
	assert_string_equal(b.data, "00017");
	buf_free(&b);
}

static void
test_reset_keeps_memory(void **state)
{
	struct buf	 b;
	char		*before;
	size_t		 cap;

	buf_init(&b);
	buf_puts(&b, "some text");
	before = b.data;
	cap = b.cap;
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_ptr_equal(b.data, before);
	assert_int_equal(b.cap, cap);
	assert_string_equal(b.data, "");
	buf_puts(&b, "new");
	assert_string_equal(b.data, "new");
	buf_free(&b);

	buf_init(&b);
	buf_reset(&b);			/* nothing allocated yet */
	assert_null(b.data);
	assert_int_equal(b.len, 0);
}

static void
test_take_empty(void **state)
{
	struct buf	 b;
	char		*s;

	buf_init(&b);
	s = buf_take(&b);
	assert_non_null(s);
	assert_string_equal(s, "");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	free(s);

	/* Reset to empty after use: still a real, freeable "". */
	buf_puts(&b, "abc");
	buf_reset(&b);
	s = buf_take(&b);
	assert_string_equal(s, "");
	free(s);
}

static void
test_take_hands_over(void **state)
{
	struct buf	 b;
	char		*s, *data;

	buf_init(&b);
	buf_printf(&b, "id=%s", "abc");
	data = b.data;
	s = buf_take(&b);
	assert_ptr_equal(s, data);
	assert_string_equal(s, "id=abc");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);

	/* The buffer is usable again and independent of s. */
	buf_puts(&b, "again");
	assert_string_equal(b.data, "again");
	assert_string_equal(s, "id=abc");
	free(s);
	buf_free(&b);
}

static void
vprintf_helper(struct buf *b, const char *fmt, ...) GLOSS_PRINTF(2, 3);

static void
vprintf_helper(struct buf *b, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

static void
test_vprintf(void **state)
{
	struct buf	b;
	int		i;

	buf_init(&b);
	for (i = 0; i < 100; i++)
		vprintf_helper(&b, "%02d,", i);
	assert_buf_sane(&b);
	assert_int_equal(b.len, 300);
	assert_memory_equal(b.data, "00,01,02,", 9);
	assert_string_equal(b.data + 291, "97,98,99,");
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_empty),
		cmocka_unit_test(test_growth_many_appends),
		cmocka_unit_test(test_add_large_and_binary),
		cmocka_unit_test(test_puts_putc),
		cmocka_unit_test(test_printf),
		cmocka_unit_test(test_printf_into_empty),
		cmocka_unit_test(test_reset_keeps_memory),
		cmocka_unit_test(test_take_empty),
		cmocka_unit_test(test_take_hands_over),
		cmocka_unit_test(test_vprintf),
	};

	return (cmocka_run_group_tests_name("buf", tests, NULL, NULL));
}
