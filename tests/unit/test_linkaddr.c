/*
 * test_linkaddr.c: which addresses gloss links check refuses to reach
 * without --allow-private (client/linkaddr.c).
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

struct addr_case {
	const char	*text;
	int		 private;
};

#define CHECK(cases)	check(cases, sizeof cases / sizeof cases[0])

static void
check(const struct addr_case *c, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (private(c[i].text) != c[i].private)
			fail_msg("%s should be %s", c[i].text,
			    c[i].private ? "private" : "public");
}

/* Each block's edges, and the addresses just past them. */
static void
test_v4(void **state)
{
	static const struct addr_case	cases[] = {
		{ "0.0.0.0", 1 }, { "0.255.255.255", 1 }, { "1.0.0.0", 0 },
		{ "9.255.255.255", 0 }, { "10.0.0.0", 1 },
		{ "10.255.255.255", 1 }, { "11.0.0.0", 0 },
		{ "126.255.255.255", 0 }, { "127.0.0.1", 1 },
		{ "128.0.0.0", 0 }, { "100.63.255.255", 0 },
		{ "100.64.0.0", 1 }, { "100.127.255.255", 1 },
		{ "100.128.0.0", 0 }, { "169.253.255.255", 0 },
		{ "169.254.169.254", 1 }, { "169.255.0.0", 0 },
		{ "172.15.255.255", 0 }, { "172.16.0.0", 1 },
		{ "172.31.255.255", 1 }, { "172.32.0.0", 0 },
		{ "191.255.255.255", 0 }, { "192.0.0.0", 1 },
		{ "192.0.0.255", 1 }, { "192.0.1.0", 0 },
		{ "192.167.255.255", 0 }, { "192.168.0.1", 1 },
		{ "192.168.255.255", 1 }, { "192.169.0.0", 0 },
		{ "198.17.255.255", 0 }, { "198.18.0.0", 1 },
		{ "198.19.255.255", 1 }, { "198.20.0.0", 0 },
		{ "223.255.255.255", 0 }, { "224.0.0.1", 1 },
		{ "239.255.255.255", 1 }, { "240.0.0.0", 1 },
		{ "255.255.255.255", 1 }, { "93.184.215.14", 0 },
	};

	(void)state;
	CHECK(cases);
}

static void
test_v6(void **state)
{
	static const struct addr_case	cases[] = {
		{ "::", 1 }, { "::1", 1 }, { "fe7f:ffff::1", 0 },
		{ "fe80::1", 1 }, { "febf:ffff::1", 1 },
		{ "fec0::1", 1 },			/* site-local */
		{ "fbff:ffff::1", 0 }, { "fc00::1", 1 }, { "fdff:ffff::1", 1 },
		{ "ff02::1", 1 }, { "2606:4700::1111", 0 },
		{ "2001:db8::1", 0 },
	};

	(void)state;
	CHECK(cases);
}

/* An IPv4 address inside an IPv6 one is judged as itself. */
static void
test_v4_in_v6(void **state)
{
	static const struct addr_case	cases[] = {
		{ "::ffff:127.0.0.1", 1 }, { "::ffff:169.254.169.254", 1 },
		{ "::ffff:93.184.215.14", 0 },
		{ "::10.0.0.1", 1 }, { "::93.184.215.14", 0 },	/* compatible */
		{ "::ffff:0:10.0.0.1", 1 },		/* SIIT, translated */
		{ "::ffff:0:93.184.215.14", 0 },
		{ "64:ff9b::10.1.2.3", 1 }, { "64:ff9b::192.168.1.1", 1 },
		{ "64:ff9b::127.0.0.1", 1 }, { "64:ff9b::93.184.215.14", 0 },
		{ "64:ff9a::10.1.2.3", 0 },
		{ "64:ff9b:1::5db8:d70e", 1 },		/* NAT64, local use */
		{ "64:ff9b:1:ffff::1", 1 }, { "64:ff9b:2::1", 0 },
		{ "2002:a00:1::1", 1 },			/* 6to4 of 10.0.0.1 */
		{ "2002:c0a8:101::1", 1 },		/* of 192.168.1.1 */
		{ "2002:5db8:d70e::1", 0 },		/* of 93.184.215.14 */
	};

	(void)state;
	CHECK(cases);
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
