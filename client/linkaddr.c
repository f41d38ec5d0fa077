/*
 * linkaddr.c: which addresses gloss links check may connect to.
 *
 * A link in somebody else's record must not make the reviewer's machine
 * probe its own network, so the checker asks no host whose address is
 * the machine's own, its network's, link-local (cloud metadata),
 * multicast or reserved (docs/design.md §3.2).  The judgement is a pure
 * function of the address, kept apart from the checker's event loop so
 * that every block can be tested at its edges (test_linkaddr.c).
 */

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdint.h>
#include <string.h>

#include "linkcheck.h"

/* Whether the IPv4 address v4 (host order) is one linkcheck_private means. */
static int
private_v4(uint32_t v4)
{
	return (v4 >> 24) == 0 || (v4 >> 24) == 10 || (v4 >> 24) == 127 ||
	    (v4 >> 22) == (100u << 2 | 1) ||		/* 100.64/10 */
	    (v4 >> 16) == (169u << 8 | 254) ||		/* 169.254/16 */
	    (v4 >> 20) == (172u << 4 | 1) ||		/* 172.16/12 */
	    (v4 >> 8) == (192u << 16) ||			/* 192.0.0/24 */
	    (v4 >> 16) == (192u << 8 | 168) ||		/* 192.168/16 */
	    (v4 >> 17) == (198u << 7 | 9) ||		/* 198.18/15 */
	    (v4 >> 28) >= 14;				/* 224/4, 240/4 */
}

/* The IPv4 address in the four bytes at p, in host order. */
static uint32_t
v4_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/*
 * Whether sa is an address the checker must not reach without
 * --allow-private.  An IPv6 address that carries an IPv4 one (mapped,
 * compatible, SIIT's translated ::ffff:0:0/96, NAT64's well-known
 * prefix, 6to4) is judged by the IPv4 address, as that is where a
 * translator or relay takes it; NAT64's local-use prefix
 * (64:ff9b:1::/48) is the network's own translator, so private whatever
 * it carries.
 */
int
linkcheck_private(const struct sockaddr *sa)
{
	static const uint8_t	 nat64[12] = { 0, 0x64, 0xff, 0x9b };
	static const uint8_t	 siit[12] = { [8] = 0xff, [9] = 0xff };
	const struct in6_addr	*in6;
	const uint8_t		*a;

	if (sa->sa_family == AF_INET)
		return private_v4(ntohl(((const struct sockaddr_in *)
		    (const void *)sa)->sin_addr.s_addr));
	if (sa->sa_family != AF_INET6)
		return 1;
	in6 = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
	a = in6->s6_addr;
	if (IN6_IS_ADDR_UNSPECIFIED(in6) || IN6_IS_ADDR_LOOPBACK(in6))
		return 1;
	if (IN6_IS_ADDR_V4MAPPED(in6) || IN6_IS_ADDR_V4COMPAT(in6) ||
	    memcmp(a, siit, sizeof siit) == 0 ||
	    memcmp(a, nat64, sizeof nat64) == 0)
		return private_v4(v4_at(a + 12));
	if (a[0] == 0x20 && a[1] == 0x02)		/* 2002::/16, 6to4 */
		return private_v4(v4_at(a + 2));
	return (memcmp(a, nat64, 4) == 0 && a[4] == 0 && a[5] == 1) ||
	    IN6_IS_ADDR_LINKLOCAL(in6) ||
	    IN6_IS_ADDR_SITELOCAL(in6) ||
	    IN6_IS_ADDR_MULTICAST(in6) ||
	    (a[0] & 0xfe) == 0xfc;			/* fc00::/7, ULA */
}
