/*
 * link.c: follow-up links as people post them, reduced to one identity.
 *
 * The same paper arrives as an arxiv.org/abs/ link, a /pdf/...v2 link,
 * "arXiv:..." or its DOI, and the same page with a default port, a
 * fragment or utm_ tags.  To count and group them, each link gets a key
 * that is equal when the target is, and an href to fetch.  The posted
 * text stays in the signed statement and key and href are a view of it,
 * so a better rule here only means recomputing them (LINK_NORM_VERSION).
 * What a link could use to mislead a reader (other schemes, credentials,
 * numeric-host tricks, look-alike international names) is refused here,
 * with a sentence saying why, so client and daemon refuse the same links.
 */

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gloss.h"

#define LINK_LABEL_MAX	63
#define LINK_HOST_MAX	253
#define LINK_PORT_MAX	65535

#define LINK_ALPHA	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
#define LINK_LOWER	"abcdefghijklmnopqrstuvwxyz"
#define LINK_DIGIT	"0123456789"
#define LINK_UNRESERVED	LINK_ALPHA LINK_DIGIT "-._~"
#define LINK_PCHAR	LINK_UNRESERVED "!$&'()*+,;=:@/?"	/* unescaped */
#define LINK_DOICHAR	LINK_UNRESERVED "/;:()"		/* kept in hrefs */
#define LINK_HOSTCHAR	LINK_ALPHA LINK_DIGIT "-._"
#define LINK_IPV6CHAR	LINK_DIGIT "abcdefABCDEF:."
#define LINK_ARCHIVE	LINK_LOWER "-"			/* hep-th/... */
#define ARXIV_DOI	"10.48550/arxiv."

#ifndef nitems
#define nitems(a)	(sizeof (a) / sizeof (a)[0])
#endif

#define PUNY_BASE	36	/* RFC 3492 section 5 */
#define PUNY_TMIN	1
#define PUNY_TMAX	26
#define PUNY_SKEW	38
#define PUNY_DAMP	700
#define PUNY_BIAS	72
#define PUNY_N		128

/* An http(s) URL taken apart, each piece normalized. */
struct link_url {
	int		 https;		/* the posted scheme */
	struct buf	 host;		/* host, ":port" unless the default */
	struct buf	 path;		/* dot segments resolved */
	struct buf	 query;		/* "?..." without tracking, or empty */
	const char	*rawpath;	/* as posted, for a DOI */
	size_t		 rawpathlen;
};

static const char *link_type_names[] = { "url", "arxiv", "doi" };

/* Query parameters that only say where a click came from, with utm_*. */
static const char *link_tracking_params[] = {
	"fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid",
	"mc_cid", "mc_eid", "igshid", "yclid", "twclid", "_hsenc", "_hsmi",
	"mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "rb_clickid",
	"s_cid", "ref_src", "_ga", "_gl",
};
static const char *link_arxiv_hosts[] = {
	"arxiv.org", "www.arxiv.org", "export.arxiv.org",
};
static const char *link_doi_hosts[] = {
	"doi.org", "dx.doi.org", "www.doi.org",
};

static int	link_fail(char **, const char *, ...) GLOSS_PRINTF(2, 3);

/* Set *cause to a sentence for the user (the caller frees it); -1. */
static int
link_fail(char **cause, const char *fmt, ...)
{
	struct buf	b;
	va_list		ap;

	buf_init(&b);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	*cause = buf_take(&b);
	return (-1);
}

/* Whether byte c is in set; never for NUL. */
static int
link_in(int c, const char *set)
{
	return (c != '\0' && strchr(set, c) != NULL);
}

/* How many of the n bytes at s, from the start, are in set. */
static size_t
link_span(const char *s, size_t n, const char *set)
{
	size_t	i;

	for (i = 0; i < n && link_in((unsigned char)s[i], set); i++)
		/* nothing */;
	return (i);
}

/* ASCII lower case, whatever the locale. */
static int
link_lower(int c)
{
	return (c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

/* Append the n bytes at s to b with ASCII letters lower-cased. */
static void
link_add_lower(struct buf *b, const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		buf_putc(b, (char)link_lower((unsigned char)s[i]));
}

/* Whether the n bytes at s start with prefix (lower case), in any case. */
static int
link_prefix(const char *s, size_t n, const char *prefix)
{
	size_t	i;

	for (i = 0; prefix[i] != '\0'; i++) {
		if (i == n || link_lower((unsigned char)s[i]) != prefix[i])
			return (0);
	}
	return (1);
}

/* Whether the n bytes at s hold a space or a control character. */
static int
link_blank(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f)
			return (1);
	}
	return (0);
}

/*
 * Whether the n bytes at s are all printable ASCII: what a DOI is made of
 * in practice, and nothing a terminal or a reader could be fooled by
 * (C1 controls, bidirectional overrides) once its escapes are decoded.
 */
static int
link_ascii_printable(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return (0);
	}
	return (1);
}

/* The byte the "%XX" at s (n bytes left) stands for, or -1. */
static int
link_unescape(const char *s, size_t n)
{
	static const char	hex[] = "0123456789abcdef";
	int			hi, lo;

	if (n < 3 || !link_in(hi = link_lower((unsigned char)s[1]), hex) ||
	    !link_in(lo = link_lower((unsigned char)s[2]), hex))
		return (-1);
	return (((int)(strchr(hex, hi) - hex) << 4) |
	    (int)(strchr(hex, lo) - hex));
}

/*
 * Append the n bytes at s to out, decoding every escape if decode is set,
 * else normalizing them (RFC 3986 6.2.2.2): an escaped unreserved byte is
 * decoded, other escapes get upper-case hex, and bytes a URL may not hold
 * as they are (non-ASCII, '"', '<', '\\', ...) are escaped.  Returns -1
 * for a '%' without two hex digits.
 */
static int
link_escapes(const char *s, size_t n, int decode, struct buf *out)
{
	size_t	i;
	int	c, escaped;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if ((escaped = c == '%')) {
			if ((c = link_unescape(s + i, n - i)) == -1)
				return (-1);
			i += 2;
		}
		if (decode ||
		    link_in(c, escaped ? LINK_UNRESERVED : LINK_PCHAR))
			buf_putc(out, (char)c);
		else
			buf_printf(out, "%%%02X", (unsigned int)c);
	}
	return (0);
}

/*
 * Append path (n > 0 bytes, starting with '/') to out with its "." and
 * ".." segments resolved, as RFC 3986 5.2.4 does for an absolute path.
 */
static void
link_dot_segments(const char *path, size_t n, struct buf *out)
{
	const char	*seg = path + 1, *end = path + n, *next;
	char		*slash;
	size_t		 len;
	int		 dots;

	for (;; seg = next + 1) {
		if ((next = memchr(seg, '/', (size_t)(end - seg))) == NULL)
			next = end;
		len = (size_t)(next - seg);
		dots = (len == 1 || len == 2) && memcmp(seg, "..", len) == 0;
		if (!dots) {
			buf_putc(out, '/');
			buf_add(out, seg, len);
		} else if (len == 2 && out->len > 0) {
			slash = memrchr(out->data, '/', out->len);
			out->len = (size_t)(slash - out->data);
			out->data[out->len] = '\0';
		}
		if (next == end)
			break;
	}
	if (dots)
		buf_putc(out, '/');	/* "/a/b/.." is "/a/" */
}

/* Whether the n bytes at s are one of the strings in list. */
static int
link_listed(const char *s, size_t n, const char **list, size_t nlist)
{
	size_t	i;

	for (i = 0; i < nlist; i++) {
		if (strlen(list[i]) == n && memcmp(list[i], s, n) == 0)
			return (1);
	}
	return (0);
}

/* Whether the query parameter named name (n bytes) only tracks clicks. */
static int
link_tracking(const char *name, size_t n)
{
	return ((n >= 4 && memcmp(name, "utm_", 4) == 0) ||
	    link_listed(name, n, link_tracking_params,
	    nitems(link_tracking_params)));
}

/* Append "?" and the query q (n bytes) but empty and tracking parameters. */
static void
link_query(const char *q, size_t n, struct buf *out)
{
	const char	*p = q, *end = q + n, *amp, *eq;

	while (p < end) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		if ((eq = memchr(p, '=', (size_t)(amp - p))) == NULL)
			eq = amp;
		if (amp > p && !link_tracking(p, (size_t)(eq - p))) {
			buf_putc(out, out->len > 0 ? '&' : '?');
			buf_add(out, p, (size_t)(amp - p));
		}
		p = amp < end ? amp + 1 : end;
	}
}

/* The bias adaptation of RFC 3492 6.1. */
static uint32_t
puny_adapt(uint32_t delta, uint32_t npoints, int first)
{
	uint32_t	k = 0;

	delta = first ? delta / PUNY_DAMP : delta / 2;
	delta += delta / npoints;
	for (; delta > (PUNY_BASE - PUNY_TMIN) * PUNY_TMAX / 2; k += PUNY_BASE)
		delta /= PUNY_BASE - PUNY_TMIN;
	return (k + (PUNY_BASE - PUNY_TMIN + 1) * delta / (delta + PUNY_SKEW));
}

/*
 * Append the "xn--" form (RFC 3492 6.3) of a host label of n bytes of
 * UTF-8.  Refuses invalid UTF-8, and labels of more than 63 characters,
 * which no form of them fits; with so few code points no sum can overflow.
 */
static int
link_punycode(const char *s, size_t n, struct buf *out, char **cause)
{
	static const char	digits[] = LINK_LOWER LINK_DIGIT;
	uint32_t		cp[LINK_LABEL_MAX], c, m, code = PUNY_N;
	uint32_t		delta = 0, bias = PUNY_BIAS, h, b = 0, q, k, t;
	size_t			i, j, len, ncp = 0;

	if (!jcs_utf8_valid(s, n))
		return (link_fail(cause, "a host is not valid UTF-8"));
	for (i = 0; i < n; i += len) {
		c = (unsigned char)s[i];
		len = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
		c &= 0x7fU >> (len - 1 + (len > 1));
		for (j = 1; j < len; j++)
			c = (c << 6) | ((unsigned char)s[i + j] & 0x3f);
		if (ncp == LINK_LABEL_MAX)
			return (link_fail(cause, "a host label may not be "
			    "longer than 63 characters"));
		cp[ncp++] = c < 0x80 ? (uint32_t)link_lower((int)c) : c;
	}
	buf_puts(out, "xn--");
	for (i = 0; i < ncp; i++) {
		if (cp[i] < 0x80) {
			buf_putc(out, (char)cp[i]);
			b++;
		}
	}
	if (b > 0)
		buf_putc(out, '-');
	for (h = b; h < ncp; code++, delta++) {
		for (m = UINT32_MAX, i = 0; i < ncp; i++)
			m = cp[i] >= code && cp[i] < m ? cp[i] : m;
		delta += (m - code) * (h + 1);
		code = m;
		for (i = 0; i < ncp; i++) {
			if (cp[i] < code)
				delta++;
			if (cp[i] != code)
				continue;
			for (q = delta, k = PUNY_BASE;; k += PUNY_BASE) {
				if (k <= bias)
					t = PUNY_TMIN;
				else if (k >= bias + PUNY_TMAX)
					t = PUNY_TMAX;
				else
					t = k - bias;
				if (q < t)
					break;
				buf_putc(out,
				    digits[t + (q - t) % (PUNY_BASE - t)]);
				q = (q - t) / (PUNY_BASE - t);
			}
			buf_putc(out, digits[q]);
			bias = puny_adapt(delta, h + 1, h == b);
			delta = 0;
			h++;
		}
	}
	return (0);
}

/*
 * Append host h (n > 0 bytes, no trailing dot) to out label by label, in
 * lower case and international labels in their xn-- form, which sets *idn.
 */
static int
link_labels(const char *h, size_t n, struct buf *out, int *idn,
    char **cause)
{
	const char	*label, *dot, *end = h + n;
	size_t		 len;

	for (label = h;; label = dot + 1) {
		if ((dot = memchr(label, '.', (size_t)(end - label))) == NULL)
			dot = end;
		if ((len = (size_t)(dot - label)) == 0)
			return (link_fail(cause, "a host may not have an empty "
			    "label (\"..\")"));
		if (out->len > 0)
			buf_putc(out, '.');
		if (link_span(label, len, LINK_HOSTCHAR) != len) {
			*idn = 1;
			if (link_punycode(label, len, out, cause) == -1)
				return (-1);
		} else if (len > LINK_LABEL_MAX)
			return (link_fail(cause, "a host label may not be "
			    "longer than 63 characters"));
		else
			link_add_lower(out, label, len);
		if (dot == end)
			return (0);
	}
}

/*
 * Whether host h (n bytes, lower case, NUL-terminated) ends in a number,
 * decimal or 0x hex, so that browsers read all of it as an IPv4 address
 * ("127.1", "0x7f.1", "2130706433"), yet is not a plain dotted quad.
 */
static int
link_ip_trick(const char *h, size_t n)
{
	const char	*last = memrchr(h, '.', n);
	size_t		 i = 0, len, part;

	last = last == NULL ? h : last + 1;
	len = n - (size_t)(last - h);
	if (len >= 2 && last[0] == '0' && last[1] == 'x' ?
	    link_span(last + 2, len - 2, LINK_DIGIT "abcdef") != len - 2 :
	    link_span(last, len, LINK_DIGIT) != len)
		return (0);
	for (part = 0; part < 4; part++, i += len) {
		if (part > 0 && (i == n || h[i++] != '.'))
			return (1);
		len = link_span(h + i, n - i, LINK_DIGIT);
		if (len == 0 || len > 3 || (len > 1 && h[i] == '0') ||
		    strtol(h + i, NULL, 10) > 255)
			return (1);
	}
	return (i != n);
}

/*
 * Check that the n bytes at h name a host, and append it to out in lower
 * case without a trailing dot.  An international name is refused showing
 * its xn-- form, which is what a look-alike really is.
 */
static int
link_host(const char *h, size_t n, struct buf *out, char **cause)
{
	size_t	i;
	int	idn = 0;

	if (memchr(h, '%', n) != NULL)
		return (link_fail(cause, "a host may not be percent-encoded"));
	if (n > 0 && h[n - 1] == '.')
		n--;
	if (n == 0)
		return (link_fail(cause, "a link must name a host"));
	for (i = 0; i < n; i++) {
		if ((unsigned char)h[i] < 0x80 && !link_in(h[i], LINK_HOSTCHAR))
			return (link_fail(cause, "a host may only contain "
			    "letters, digits, '-', '.' and '_'"));
	}
	if (link_labels(h, n, out, &idn, cause) == -1)
		return (-1);
	if (idn)
		return (link_fail(cause, "international host names are not "
		    "accepted; this one is really %s", out->data));
	if (out->len > LINK_HOST_MAX)
		return (link_fail(cause, "a host may not be longer than 253 "
		    "characters"));
	if (link_ip_trick(out->data, out->len))
		return (link_fail(cause, "a numeric host must be a dotted quad "
		    "such as 192.0.2.1"));
	return (0);
}

/* Append ":port" for the n bytes at p, unless it is the default. */
static int
link_port(const char *p, size_t n, int https, struct buf *out,
    char **cause)
{
	unsigned int	port = 0;
	size_t		i;

	for (i = 0; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
		if ((port = port * 10 + (unsigned int)(p[i] - '0')) >
		    LINK_PORT_MAX)
			break;
	}
	if (n == 0 || i != n || port == 0)
		return (link_fail(cause, "a port must be a number from 1 to "
		    "65535"));
	if (port != (https ? 443U : 80U))
		buf_printf(out, ":%u", port);
	return (0);
}

/* Check the authority a (n bytes): "host", "[v6]", either with ":port". */
static int
link_authority(const char *a, size_t n, struct link_url *u, char **cause)
{
	const char	*end = a + n, *colon, *close;

	if (memchr(a, '@', n) != NULL)
		return (link_fail(cause, "a link may not carry credentials "
		    "(user:password@)"));
	if (n == 0 || a[0] != '[') {
		if ((colon = memchr(a, ':', n)) == NULL)
			colon = end;
		if (link_host(a, (size_t)(colon - a), &u->host, cause) == -1)
			return (-1);
	} else {
		close = a + 1 + link_span(a + 1, n - 1, LINK_IPV6CHAR);
		colon = close < end ? close + 1 : end;
		if (close == end || *close != ']' ||
		    memchr(a, ':', (size_t)(close - a)) == NULL ||
		    (colon != end && *colon != ':'))
			return (link_fail(cause, "an IPv6 address must be "
			    "hex digits, ':' and '.' inside '[' and ']'"));
		link_add_lower(&u->host, a, (size_t)(colon - a));
	}
	if (colon != end && link_port(colon + 1, (size_t)(end - colon) - 1,
	    u->https, &u->host, cause) == -1)
		return (-1);
	return (0);
}

/*
 * Take apart what follows "http://" or "https://" (n bytes at s) into u,
 * normalizing each piece.  The fragment is dropped unread.
 */
static int
link_url_parse(const char *s, size_t n, struct link_url *u, char **cause)
{
	const char	*path, *query, *hash;
	struct buf	 tmp;
	int		 rc = -1;

	if ((hash = memchr(s, '#', n)) == NULL)
		hash = s + n;
	for (path = s; path < hash && *path != '/' && *path != '?'; path++)
		/* nothing */;
	if ((query = memchr(path, '?', (size_t)(hash - path))) == NULL)
		query = hash;
	if (link_authority(s, (size_t)(path - s), u, cause) == -1)
		return (-1);
	u->rawpath = path;
	u->rawpathlen = (size_t)(query - path);

	buf_init(&tmp);
	if (link_escapes(path, (size_t)(query - path), 0, &tmp) == -1)
		goto out;
	if (tmp.len == 0)
		buf_putc(&tmp, '/');
	link_dot_segments(tmp.data, tmp.len, &u->path);
	buf_reset(&tmp);
	if (query < hash && link_escapes(query + 1,
	    (size_t)(hash - query) - 1, 0, &tmp) == -1)
		goto out;
	if (tmp.len > 0)
		link_query(tmp.data, tmp.len, &u->query);
	rc = 0;
out:
	if (rc == -1)
		link_fail(cause, "'%%' must be followed by two hex digits");
	buf_free(&tmp);
	return (rc);
}

/*
 * Whether the n bytes at s are exactly an arXiv identifier, with an
 * optional version: "2304.08485", "2304.08485v2", "hep-th/9901001",
 * "math.GT/0309136v1".  Puts in id the form arXiv prefers, without the
 * version and without an old-style subject class ("math/0309136").
 */
static int
link_arxiv_id(const char *s, size_t n, struct buf *id)
{
	size_t	i, len;

	buf_reset(id);
	if ((i = link_span(s, n, LINK_DIGIT)) == 4 && i < n && s[i] == '.') {
		len = link_span(s + 5, n - 5, LINK_DIGIT);
		if (len != 4 && len != 5)
			return (-1);
		buf_add(id, s, i = 5 + len);
	} else {
		if ((i = link_span(s, n, LINK_ARCHIVE)) == 0 || s[0] == '-')
			return (-1);
		buf_add(id, s, i);
		if (i < n && s[i] == '.') {
			if ((len = link_span(s + i + 1, n - i - 1,
			    LINK_ALPHA)) == 0)
				return (-1);
			i += 1 + len;
		}
		if (i == n || s[i] != '/' ||
		    link_span(s + i + 1, n - i - 1, LINK_DIGIT) != 7)
			return (-1);
		buf_add(id, s + i, 8);
		i += 8;
	}
	if (i + 1 < n && s[i] == 'v' && s[i + 1] >= '1' && s[i + 1] <= '9')
		i += 1 + link_span(s + i + 1, n - i - 1, LINK_DIGIT);
	return (i == n ? 0 : -1);
}

/* Fill out with the arXiv paper whose identifier is the n bytes at s. */
static int
link_set_arxiv(struct link *out, const char *s, size_t n)
{
	struct buf	id;
	int		rc;

	buf_init(&id);
	if ((rc = link_arxiv_id(s, n, &id)) == 0) {
		out->type = LINK_ARXIV;
		xasprintf(&out->key, "arxiv:%s", id.data);
		xasprintf(&out->href, "https://arxiv.org/abs/%s", id.data);
	}
	buf_free(&id);
	return (rc);
}

/*
 * Fill out with the paper a URL on arxiv.org names, or return -1: /abs/ID,
 * /html/ID or /pdf/ID, with a version or not, /pdf/ with ".pdf" or not.
 */
static int
link_arxiv_url(const struct link_url *u, struct link *out)
{
	const char	*path = u->path.data;
	size_t		 n = u->path.len;

	if (!link_listed(u->host.data, u->host.len, link_arxiv_hosts,
	    nitems(link_arxiv_hosts)))
		return (-1);
	if (n > 5 && memcmp(path, "/abs/", 5) == 0)
		return (link_set_arxiv(out, path + 5, n - 5));
	if (n > 6 && memcmp(path, "/html/", 6) == 0)
		return (link_set_arxiv(out, path + 6, n - 6));
	if (n <= 5 || memcmp(path, "/pdf/", 5) != 0)
		return (-1);
	if (n > 9 && memcmp(path + n - 4, ".pdf", 4) == 0)
		n -= 4;
	return (link_set_arxiv(out, path + 5, n - 5));
}

/*
 * Whether the n bytes at s are a DOI: "10.", a registrant code of 4 to 9
 * digits with optional ".digits" parts, '/', and a non-empty suffix of
 * UTF-8 without blanks or control characters.
 */
static int
link_doi_valid(const char *s, size_t n)
{
	size_t	i = 3, len;

	if (!link_prefix(s, n, "10."))
		return (0);
	len = link_span(s + i, n - i, LINK_DIGIT);
	if (len < 4 || len > 9)
		return (0);
	for (i += len; i < n && s[i] == '.'; i += 1 + len) {
		if ((len = link_span(s + i + 1, n - i - 1, LINK_DIGIT)) == 0)
			return (0);
	}
	return (i + 1 < n && s[i] == '/' && link_ascii_printable(s, n));
}

/*
 * Fill out with the DOI escaped in the n bytes at s, or return -1 if they
 * are not one.  DOIs ignore case, so the key is in lower case while the
 * href keeps the posted case.  arXiv's DOIs (10.48550/arXiv.ID) are the
 * arXiv paper.
 */
static int
link_set_doi(struct link *out, const char *s, size_t n)
{
	struct buf	doi, b;
	size_t		i, skip = strlen(ARXIV_DOI);
	int		rc = -1;

	buf_init(&doi);
	buf_init(&b);
	if (link_escapes(s, n, 1, &doi) == -1 ||
	    !link_doi_valid(doi.data, doi.len))
		goto out;
	link_add_lower(&b, doi.data, doi.len);
	rc = 0;
	if (link_prefix(b.data, b.len, ARXIV_DOI) &&
	    link_set_arxiv(out, b.data + skip, b.len - skip) == 0)
		goto out;
	out->type = LINK_DOI;
	xasprintf(&out->key, "doi:%s", b.data);
	buf_reset(&b);
	buf_puts(&b, "https://doi.org/");
	for (i = 0; i < doi.len; i++) {
		if (link_in((unsigned char)doi.data[i], LINK_DOICHAR))
			buf_putc(&b, doi.data[i]);
		else
			buf_printf(&b, "%%%02X", (unsigned char)doi.data[i]);
	}
	out->href = buf_take(&b);
out:
	buf_free(&doi);
	buf_free(&b);
	return (rc);
}

/* Fill out with the DOI in the path of a URL on doi.org, or -1. */
static int
link_doi_url(const struct link_url *u, struct link *out)
{
	if (!link_listed(u->host.data, u->host.len, link_doi_hosts,
	    nitems(link_doi_hosts)) || u->rawpathlen < 2)
		return (-1);
	return (link_set_doi(out, u->rawpath + 1, u->rawpathlen - 1));
}

/*
 * An http(s) link, s (n bytes) being what follows the scheme: a paper on
 * arxiv.org or doi.org becomes that paper, anything else is a page.
 */
static int
link_http(const char *s, size_t n, int https, struct link *out,
    char **cause)
{
	struct link_url	u;
	int		rc;

	u.https = https;
	buf_init(&u.host);
	buf_init(&u.path);
	buf_init(&u.query);
	if ((rc = link_url_parse(s, n, &u, cause)) == 0 &&
	    link_arxiv_url(&u, out) == -1 && link_doi_url(&u, out) == -1) {
		out->type = LINK_URL;
		xasprintf(&out->key, "https://%s%s%s", u.host.data,
		    u.path.data, u.query.len > 0 ? u.query.data : "");
		if (https)
			out->href = xstrdup(out->key);
		else
			xasprintf(&out->href, "http://%s", out->key + 8);
	}
	buf_free(&u.host);
	buf_free(&u.path);
	buf_free(&u.query);
	return (rc);
}

/*
 * Parse the link url (len bytes, read no further) as posted.  Returns 0
 * with out's type, key and href set (free them with link_clear), or -1
 * with out zeroed and a sentence for the user in err (errlen bytes,
 * always NUL-terminated, truncated to fit; untouched if errlen is 0).
 */
int
link_parse(const char *url, size_t len, struct link *out, char *err,
    size_t errlen)
{
	char	*cause = NULL;
	int	 rc;

	memset(out, 0, sizeof *out);
	if (len == 0)
		rc = link_fail(&cause, "a link may not be empty");
	else if (link_blank(url, len))
		rc = link_fail(&cause, "a link may not contain spaces or "
		    "control characters");
	else if (link_prefix(url, len, "http://"))
		rc = link_http(url + 7, len - 7, 0, out, &cause);
	else if (link_prefix(url, len, "https://"))
		rc = link_http(url + 8, len - 8, 1, out, &cause);
	else if (link_prefix(url, len, "doi:")) {
		if ((rc = link_set_doi(out, url + 4, len - 4)) == -1)
			link_fail(&cause, "a DOI must be \"10.\", a registrant "
			    "code of 4 to 9 digits, '/' and a suffix, like "
			    "doi:10.1145/3290605.3300233");
	} else if (link_prefix(url, len, "arxiv:")) {
		if ((rc = link_set_arxiv(out, url + 6, len - 6)) == -1)
			link_fail(&cause, "an arXiv identifier must look like "
			    "2304.08485, 2304.08485v2 or hep-th/9901001");
	} else
		rc = link_fail(&cause, "only http, https, doi: and arXiv: "
		    "links are accepted");
	if (errlen > 0)
		snprintf(err, errlen, "%s", rc == -1 ? cause : "");
	free(cause);
	return (rc);
}

/* Free l's strings and zero it; link_clear(NULL) does nothing. */
void
link_clear(struct link *l)
{
	if (l == NULL)
		return;
	free(l->key);
	free(l->href);
	memset(l, 0, sizeof *l);
}

const char *
link_type_name(enum link_type type)
{
	if ((unsigned int)type >= nitems(link_type_names))
		return ("unknown");
	return (link_type_names[type]);
}
