/*
 * test_linkcheck.c: which addresses gloss links check refuses to reach
 * without --allow-private (client/linkcheck.c).
 *
 * The end-to-end test (110-linkcheck.sh) can only serve links from
 * 127.0.0.1; every other block, and every IPv6 form that carries an IPv4
 * address, is checked here, one address inside each edge and one just
 * past it.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <string.h>

#include "linkcheck.h"

/* linkcheck_private of the numeric address text. */
static int
private(const char *text)
{
	struct sockaddr_in	sin;
	struct sockaddr_in6	sin6;

	memset(&sin, 0, sizeof sin);
	memset(&sin6, 0, sizeof sin6);
	if (inet_pton(AF_INET, text, &sin.sin_addr) == 1) {
		sin.sin_family = AF_INET;
		return linkcheck_private((struct sockaddr *)&sin);
	}
	assert_int_equal(inet_pton(AF_INET6, text, &sin6.sin6_addr), 1);
	sin6.sin6_family = AF_INET6;
	return linkcheck_private((struct sockaddr *)&sin6);
}

static const char *const private_v4[] = {
	"0.0.0.0", "0.255.255.255", "10.0.0.0", "10.255.255.255",
	"127.0.0.1", "100.64.0.0", "100.127.255.255", "169.254.169.254",
	"172.16.0.0", "172.31.255.255", "192.0.0.0", "192.0.0.255",
	"192.168.0.1", "192.168.255.255", "198.18.0.0", "198.19.255.255",
	"224.0.0.1", "239.255.255.255", "240.0.0.0", "255.255.255.255",
};

/* Just past each block's edges. */
static const char *const public_v4[] = {
	"1.0.0.0", "9.255.255.255", "11.0.0.0", "126.255.255.255",
	"128.0.0.0", "100.63.255.255", "100.128.0.0", "169.253.255.255",
	"169.255.0.0", "172.15.255.255", "172.32.0.0", "191.255.255.255",
	"192.0.1.0", "192.167.255.255", "192.169.0.0", "198.17.255.255",
	"198.20.0.0", "223.255.255.255", "93.184.215.14",
};

static void
test_v4(void **state)
{
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof private_v4 / sizeof private_v4[0]; i++)
		if (!private(private_v4[i]))
			fail_msg("%s should be private", private_v4[i]);
	for (i = 0; i < sizeof public_v4 / sizeof public_v4[0]; i++)
		if (private(public_v4[i]))
			fail_msg("%s should be public", public_v4[i]);
}

static void
test_v6(void **state)
{
	(void)state;
	assert_true(private("::"));
	assert_true(private("::1"));
	assert_true(private("fe80::1"));
	assert_true(private("febf:ffff::1"));
	assert_true(private("fec0::1"));		/* site-local */
	assert_true(private("fc00::1"));
	assert_true(private("fdff:ffff::1"));
	assert_true(private("ff02::1"));
	assert_false(private("fe7f:ffff::1"));
	assert_false(private("fbff:ffff::1"));
	assert_false(private("2606:4700::1111"));
	assert_false(private("2001:db8::1"));
}

/* An IPv4 address inside an IPv6 one is judged as itself. */
static void
test_v4_in_v6(void **state)
{
	(void)state;
	assert_true(private("::ffff:127.0.0.1"));
	assert_true(private("::ffff:169.254.169.254"));
	assert_false(private("::ffff:93.184.215.14"));
	assert_true(private("::10.0.0.1"));		/* compatible */
	assert_false(private("::93.184.215.14"));
	assert_true(private("64:ff9b::10.1.2.3"));	/* NAT64 */
	assert_true(private("64:ff9b::192.168.1.1"));
	assert_true(private("64:ff9b::127.0.0.1"));
	assert_false(private("64:ff9b::93.184.215.14"));
	assert_false(private("64:ff9a::10.1.2.3"));
	assert_true(private("64:ff9b:1::5db8:d70e"));	/* local-use */
	assert_true(private("64:ff9b:1:ffff::1"));
	assert_false(private("64:ff9b:2::1"));
	assert_true(private("2002:a00:1::1"));		/* 6to4 of 10.0.0.1 */
	assert_true(private("2002:c0a8:101::1"));	/* of 192.168.1.1 */
	assert_false(private("2002:5db8:d70e::1"));	/* of 93.184.215.14 */
}

/* Neither IPv4 nor IPv6: nothing to connect to, so never asked. */
static void
test_other_family(void **state)
{
	struct sockaddr	sa;

	(void)state;
	memset(&sa, 0, sizeof sa);
	sa.sa_family = AF_UNIX;
	assert_true(linkcheck_private(&sa));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v4),
		cmocka_unit_test(test_v6),
		cmocka_unit_test(test_v4_in_v6),
		cmocka_unit_test(test_other_family),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
