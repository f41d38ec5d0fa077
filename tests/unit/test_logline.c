/*
 * test_logline.c: taking a /v1/log line apart without trusting it.
 *
 * The statement's bytes must be exactly those served, even when the
 * statement's own text holds what looks like the markers around it, and
 * anything that is not a whole {seq, id, statement, minisig} line is
 * refused.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "gloss.h"

#define ID	"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define S	"{\"text\":\"a \\\"statement\\\":, then ,"	\
		"\\\"minisig\\\": in text\","			\
		"\"type\":\"annotation\",\"v\":1}"
#define SIG	"untrusted comment: x\\nRUQ=\\ntrusted comment: gloss/1 id=" \
		ID "\\nAAAA\\n"

static void
test_parse(void **state)
{
	static const char line[] = "{\"seq\":42,\"id\":\"" ID "\","
	    "\"received\":\"2026-11-26T15:04:05Z\",\"statement\":" S
	    ",\"minisig\":\"" SIG "\"}";
	struct logline	 ll;
	const char	*errstr;

	assert_int_equal(logline_parse(line, sizeof line - 1, &ll, &errstr),
	    0);
	assert_int_equal(ll.seq, 42);
	assert_string_equal(ll.id, ID);
	assert_int_equal(ll.canonical_len, strlen(S));
	assert_memory_equal(ll.canonical, S, strlen(S));
	assert_ptr_equal(ll.canonical, strstr(line, S));
	assert_string_equal(ll.minisig, "untrusted comment: x\nRUQ=\n"
	    "trusted comment: gloss/1 id=" ID "\nAAAA\n");
	logline_clear(&ll);
	assert_null(ll.minisig);
	assert_int_equal(ll.seq, 0);
}

static void
test_refuse(void **state)
{
	static const char *const bad[] = {
		"",
		"not json",
		"[]",
		"{\"seq\":1,\"id\":\"" ID "\",\"statement\":{}}",
		"{\"id\":\"" ID "\",\"statement\":{},\"minisig\":\"x\"}",
		"{\"seq\":\"1\",\"id\":\"" ID "\",\"statement\":{},"
		    "\"minisig\":\"x\"}",
		"{\"seq\":1,\"id\":\"nope\",\"statement\":{},\"minisig\":\"x\"}",
		"{\"seq\":1,\"id\":\"" ID "\",\"minisig\":\"x\"}",
		"{\"seq\":1,\"id\":\"" ID "\",\"statement\":{},\"minisig\":1}",
		"{\"seq\":1,\"id\":\"" ID "\",\"statement\":{},\"minisig\":\"x\"",
		"{\"seq\":1,\"seq\":2,\"id\":\"" ID "\",\"statement\":{},"
		    "\"minisig\":\"x\"}",
	};
	struct logline	 ll;
	const char	*errstr;
	size_t		 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		errstr = NULL;
		assert_int_equal(logline_parse(bad[i], strlen(bad[i]), &ll,
		    &errstr), -1);
		assert_non_null(errstr);
		assert_null(ll.minisig);
	}
}

/* The length bounds the line: bytes past it are never read. */
static void
test_length(void **state)
{
	static const char line[] = "{\"seq\":1,\"id\":\"" ID "\","
	    "\"statement\":{},\"minisig\":\"x\"}GARBAGE";
	struct logline	 ll;
	const char	*errstr;

	assert_int_equal(logline_parse(line, sizeof line - 1 - 7, &ll,
	    &errstr), 0);
	assert_int_equal(ll.canonical_len, 2);
	logline_clear(&ll);
	assert_int_equal(logline_parse(line, sizeof line - 1 - 8, &ll,
	    &errstr), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_refuse),
		cmocka_unit_test(test_length),
	};

	return (cmocka_run_group_tests_name("logline", tests, NULL, NULL));
}
