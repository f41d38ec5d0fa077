/*
 * test_link.c: the links readers post, their identity and their refusals.
 *
 * Grouping and counting rest on one key per target, so each accepted form
 * is pinned to an exact key and href, the ways of posting one paper or
 * page are checked to meet on one key, and every refusal has a case with
 * the words the user will read.  Punycode forms were computed with
 * Python's "idna" codec.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "gloss.h"

struct accept_case {
	const char	*in;
	enum link_type	 type;
	const char	*key;
	const char	*href;
};

struct refuse_case {
	const char	*in;
	const char	*err;		/* a substring of the sentence */
};

#define ARXIV_KEY	"arxiv:2304.08485"
#define ARXIV_HREF	"https://arxiv.org/abs/2304.08485"
#define CHI_KEY		"doi:10.1145/3290605.3300233"
#define CHI_HREF	"https://doi.org/10.1145/3290605.3300233"

static const struct accept_case accepted[] = {
	/* One arXiv paper, posted every way. */
	{ "https://arxiv.org/abs/2304.08485", LINK_ARXIV, ARXIV_KEY,
	    ARXIV_HREF },
	{ "https://arxiv.org/abs/2304.08485v1", LINK_ARXIV, ARXIV_KEY,
	    ARXIV_HREF },
	{ "https://arxiv.org/pdf/2304.08485v2", LINK_ARXIV, ARXIV_KEY,
	    ARXIV_HREF },
	{ "https://arxiv.org/pdf/2304.08485", LINK_ARXIV, ARXIV_KEY,
	    ARXIV_HREF },
	{ "https://www.arxiv.org/pdf/2304.08485.pdf", LINK_ARXIV, ARXIV_KEY,
	    ARXIV_HREF },
	{ "https://arxiv.org/pdf/2304.08485v2.pdf", LINK_ARXIV, ARXIV_KEY,
	    ARXIV_HREF },
	{ "https://arxiv.org/html/2304.08485v2", LINK_ARXIV, ARXIV_KEY,
	    ARXIV_HREF },
	{ "http://export.arxiv.org/abs/2304.08485v1?context=cs#x", LINK_ARXIV,
	    ARXIV_KEY, ARXIV_HREF },
	{ "HTTPS://ArXiv.Org:443/abs/2304.08485", LINK_ARXIV, ARXIV_KEY,
	    ARXIV_HREF },
	{ "arXiv:2304.08485", LINK_ARXIV, ARXIV_KEY, ARXIV_HREF },
	{ "arxiv:2304.08485v2", LINK_ARXIV, ARXIV_KEY, ARXIV_HREF },
	{ "ARXIV:2304.08485v12", LINK_ARXIV, ARXIV_KEY, ARXIV_HREF },
	{ "https://doi.org/10.48550/arXiv.2304.08485", LINK_ARXIV, ARXIV_KEY,
	    ARXIV_HREF },
	{ "doi:10.48550/ARXIV.2304.08485", LINK_ARXIV, ARXIV_KEY,
	    ARXIV_HREF },
	/* Four-digit and old-style identifiers. */
	{ "arXiv:0704.0001", LINK_ARXIV, "arxiv:0704.0001",
	    "https://arxiv.org/abs/0704.0001" },
	{ "https://arxiv.org/abs/hep-th/9901001", LINK_ARXIV,
	    "arxiv:hep-th/9901001", "https://arxiv.org/abs/hep-th/9901001" },
	{ "https://arxiv.org/pdf/hep-th/9901001v3.pdf", LINK_ARXIV,
	    "arxiv:hep-th/9901001", "https://arxiv.org/abs/hep-th/9901001" },
	{ "arXiv:cs/0112017", LINK_ARXIV, "arxiv:cs/0112017",
	    "https://arxiv.org/abs/cs/0112017" },
	{ "arXiv:math.GT/0309136", LINK_ARXIV, "arxiv:math/0309136",
	    "https://arxiv.org/abs/math/0309136" },
	{ "https://arxiv.org/abs/math/0309136v2", LINK_ARXIV,
	    "arxiv:math/0309136", "https://arxiv.org/abs/math/0309136" },
	{ "https://doi.org/10.48550/arXiv.hep-th/9901001", LINK_ARXIV,
	    "arxiv:hep-th/9901001", "https://arxiv.org/abs/hep-th/9901001" },
	/* arxiv.org pages that are not a paper are pages. */
	{ "https://arxiv.org/list/cs.CV/recent", LINK_URL,
	    "https://arxiv.org/list/cs.CV/recent",
	    "https://arxiv.org/list/cs.CV/recent" },
	{ "https://arxiv.org/abs/", LINK_URL, "https://arxiv.org/abs/",
	    "https://arxiv.org/abs/" },
	{ "https://arxiv.org:8443/abs/2304.08485", LINK_URL,
	    "https://arxiv.org:8443/abs/2304.08485",
	    "https://arxiv.org:8443/abs/2304.08485" },

	/* One DOI, posted every way. */
	{ "doi:10.1145/3290605.3300233", LINK_DOI, CHI_KEY, CHI_HREF },
	{ "DOI:10.1145/3290605.3300233", LINK_DOI, CHI_KEY, CHI_HREF },
	{ "https://doi.org/10.1145/3290605.3300233", LINK_DOI, CHI_KEY,
	    CHI_HREF },
	{ "http://dx.doi.org/10.1145/3290605.3300233", LINK_DOI, CHI_KEY,
	    CHI_HREF },
	{ "https://www.doi.org/10.1145/3290605.3300233?x=1#y", LINK_DOI,
	    CHI_KEY, CHI_HREF },
	{ "https://doi.org/10.1145%2F3290605.3300233", LINK_DOI, CHI_KEY,
	    CHI_HREF },
	/* DOIs ignore case: one key, the posted case in the href. */
	{ "doi:10.1000/ABC.Def", LINK_DOI, "doi:10.1000/abc.def",
	    "https://doi.org/10.1000/ABC.Def" },
	{ "https://doi.org/10.1000/abc.def", LINK_DOI, "doi:10.1000/abc.def",
	    "https://doi.org/10.1000/abc.def" },
	/* Escapes decoded; the href escapes what it must. */
	{ "https://doi.org/10.1002/%28SICI%291097-4636%28199806%2940%3A3"
	    "%3C423%3A%3AAID-JBM12%3E3.0.CO%3B2-O", LINK_DOI,
	    "doi:10.1002/(sici)1097-4636(199806)40:3<423::aid-jbm12>3.0.co;2-o",
	    "https://doi.org/10.1002/(SICI)1097-4636(199806)40:3%3C423::"
	    "AID-JBM12%3E3.0.CO;2-O" },
	{ "doi:10.1000/a#b", LINK_DOI, "doi:10.1000/a#b",
	    "https://doi.org/10.1000/a%23b" },
	{ "https://doi.org/10.1000/a%23b", LINK_DOI, "doi:10.1000/a#b",
	    "https://doi.org/10.1000/a%23b" },
	{ "doi:10.1000.10/123", LINK_DOI, "doi:10.1000.10/123",
	    "https://doi.org/10.1000.10/123" },
	{ "doi:10.123456789/x", LINK_DOI, "doi:10.123456789/x",
	    "https://doi.org/10.123456789/x" },
	/* doi.org pages that are not a DOI are pages. */
	{ "https://doi.org/", LINK_URL, "https://doi.org/",
	    "https://doi.org/" },
	{ "https://doi.org/help", LINK_URL, "https://doi.org/help",
	    "https://doi.org/help" },

	/* Pages: http and https are one key, the href keeps the scheme. */
	{ "https://example.com/a", LINK_URL, "https://example.com/a",
	    "https://example.com/a" },
	{ "http://example.com/a", LINK_URL, "https://example.com/a",
	    "http://example.com/a" },
	{ "HTTP://Example.COM./Path", LINK_URL, "https://example.com/Path",
	    "http://example.com/Path" },
	{ "https://example.com", LINK_URL, "https://example.com/",
	    "https://example.com/" },
	/* Default ports go, others stay. */
	{ "https://example.com:443/x", LINK_URL, "https://example.com/x",
	    "https://example.com/x" },
	{ "http://example.com:80/x", LINK_URL, "https://example.com/x",
	    "http://example.com/x" },
	{ "https://example.com:8443/x", LINK_URL, "https://example.com:8443/x",
	    "https://example.com:8443/x" },
	{ "http://example.com:443/", LINK_URL, "https://example.com:443/",
	    "http://example.com:443/" },
	{ "https://example.com:65535/", LINK_URL,
	    "https://example.com:65535/", "https://example.com:65535/" },
	/* Fragments and tracking parameters go, the rest stays in order. */
	{ "https://example.com/a#section-2", LINK_URL, "https://example.com/a",
	    "https://example.com/a" },
	{ "https://example.com/?a=1&utm_source=x&b=2&fbclid=y&c&gclid=z#f",
	    LINK_URL, "https://example.com/?a=1&b=2&c",
	    "https://example.com/?a=1&b=2&c" },
	{ "https://example.com/p?utm_medium=social&utm_campaign=x&"
	    "utm_whatever=1&msclkid=2&mc_eid=3&_ga=4&si=5", LINK_URL,
	    "https://example.com/p?si=5", "https://example.com/p?si=5" },
	{ "https://example.com?utm_source=x", LINK_URL,
	    "https://example.com/", "https://example.com/" },
	{ "https://example.com/a?b=c&&d=e&", LINK_URL,
	    "https://example.com/a?b=c&d=e", "https://example.com/a?b=c&d=e" },
	{ "https://example.com/?", LINK_URL, "https://example.com/",
	    "https://example.com/" },
	{ "https://example.com/?a=1%26utm_source%3Dx", LINK_URL,
	    "https://example.com/?a=1%26utm_source%3Dx",
	    "https://example.com/?a=1%26utm_source%3Dx" },
	{ "https://example.com/?UTM_SOURCE=x", LINK_URL,
	    "https://example.com/?UTM_SOURCE=x",
	    "https://example.com/?UTM_SOURCE=x" },
	/* Dot segments. */
	{ "https://example.com/a/b/../c/./d", LINK_URL,
	    "https://example.com/a/c/d", "https://example.com/a/c/d" },
	{ "https://example.com/a/%2e%2E/b", LINK_URL, "https://example.com/b",
	    "https://example.com/b" },
	{ "https://example.com/../../x", LINK_URL, "https://example.com/x",
	    "https://example.com/x" },
	{ "https://example.com/a/b/..", LINK_URL, "https://example.com/a/",
	    "https://example.com/a/" },
	{ "https://example.com/a/b/.", LINK_URL, "https://example.com/a/b/",
	    "https://example.com/a/b/" },
	{ "https://example.com/a//b/...", LINK_URL,
	    "https://example.com/a//b/...", "https://example.com/a//b/..." },
	/* Escapes: unreserved decoded, the rest upper case, raw bytes
	 * escaped; the path keeps its case. */
	{ "https://example.com/%7euser/%2fa%c3%A9?q=%41%2b", LINK_URL,
	    "https://example.com/~user/%2Fa%C3%A9?q=A%2B",
	    "https://example.com/~user/%2Fa%C3%A9?q=A%2B" },
	{ "https://example.com/caf\xc3\xa9?q=\xe6\x97\xa5", LINK_URL,
	    "https://example.com/caf%C3%A9?q=%E6%97%A5",
	    "https://example.com/caf%C3%A9?q=%E6%97%A5" },
	{ "https://example.com/a\"b<c>{|}\\^`[]", LINK_URL,
	    "https://example.com/a%22b%3Cc%3E%7B%7C%7D%5C%5E%60%5B%5D",
	    "https://example.com/a%22b%3Cc%3E%7B%7C%7D%5C%5E%60%5B%5D" },
	{ "https://example.com/A/B?C=D", LINK_URL,
	    "https://example.com/A/B?C=D", "https://example.com/A/B?C=D" },
	/* Hosts. */
	{ "https://xn--bcher-kva.example/", LINK_URL,
	    "https://xn--bcher-kva.example/",
	    "https://xn--bcher-kva.example/" },
	{ "https://XN--BCHER-KVA.Example/", LINK_URL,
	    "https://xn--bcher-kva.example/",
	    "https://xn--bcher-kva.example/" },
	{ "https://my_host.example.com/", LINK_URL,
	    "https://my_host.example.com/", "https://my_host.example.com/" },
	{ "https://192.0.2.1/", LINK_URL, "https://192.0.2.1/",
	    "https://192.0.2.1/" },
	{ "http://0x7f.example.com/", LINK_URL, "https://0x7f.example.com/",
	    "http://0x7f.example.com/" },
	{ "https://123.example/", LINK_URL, "https://123.example/",
	    "https://123.example/" },
	{ "http://[::1]:8080/", LINK_URL, "https://[::1]:8080/",
	    "http://[::1]:8080/" },
	{ "https://[2001:DB8::1]/", LINK_URL, "https://[2001:db8::1]/",
	    "https://[2001:db8::1]/" },
	{ "https://[::ffff:192.0.2.1]:443/", LINK_URL,
	    "https://[::ffff:192.0.2.1]/", "https://[::ffff:192.0.2.1]/" },
};

#define LABEL10	"aaaaaaaaaa"
#define LABEL60	LABEL10 LABEL10 LABEL10 LABEL10 LABEL10 LABEL10
#define LABEL70	LABEL60 LABEL10

static const struct refuse_case refused[] = {
	/* Schemes and shapes. */
	{ "javascript:alert(1)", "only http, https, doi: and arXiv:" },
	{ "JavaScript:alert(1)", "only http, https, doi: and arXiv:" },
	{ "file:///etc/passwd", "only http, https, doi: and arXiv:" },
	{ "data:text/html,<script>alert(1)</script>", "only http, https" },
	{ "ftp://example.com/", "only http, https, doi: and arXiv:" },
	{ "mailto:a@example.com", "only http, https, doi: and arXiv:" },
	{ "/relative/path", "only http, https, doi: and arXiv:" },
	{ "example.com", "only http, https, doi: and arXiv:" },
	{ "//example.com/", "only http, https, doi: and arXiv:" },
	{ "https:/example.com", "only http, https, doi: and arXiv:" },
	{ "httpx://example.com", "only http, https, doi: and arXiv:" },
	/* Blanks and control characters. */
	{ "https://example.com/a b", "spaces or control characters" },
	{ "https://example.com/\ta", "spaces or control characters" },
	{ "https://example.com/\n", "spaces or control characters" },
	{ "https://example.com/\r\n", "spaces or control characters" },
	{ " https://example.com/", "spaces or control characters" },
	{ "https://example.com/\x01", "spaces or control characters" },
	{ "https://example.com/\x7f", "spaces or control characters" },
	{ "java\tscript:alert(1)", "spaces or control characters" },
	/* Credentials. */
	{ "https://user@example.com/", "credentials (user:password@)" },
	{ "https://user:pw@example.com/", "credentials (user:password@)" },
	{ "https://example.com@evil.example/", "credentials" },
	{ "https://@example.com/", "credentials" },
	{ "https://example.com\\@evil.example/", "credentials" },
	/* Hosts. */
	{ "https:///path", "must name a host" },
	{ "https://", "must name a host" },
	{ "http://:80/", "must name a host" },
	{ "https://./", "must name a host" },
	{ "https://?q=1", "must name a host" },
	{ "https://exa%6Dple.com/", "may not be percent-encoded" },
	{ "https://exa!mple.com/", "letters, digits, '-', '.' and '_'" },
	{ "https://a\\b.example/", "letters, digits, '-', '.' and '_'" },
	{ "https://a..b.example/", "empty label" },
	{ "https://.example.com/", "empty label" },
	{ "https://" LABEL70 ".example/", "longer than 63 characters" },
	{ "https://" LABEL60 "." LABEL60 "." LABEL60 "." LABEL60 "." LABEL60
	    "/", "longer than 253 characters" },
	{ "https://[::1/", "IPv6" },
	{ "https://[::1]x/", "IPv6" },
	{ "https://[]/", "IPv6" },
	{ "https://[1.2.3.4]/", "IPv6" },
	{ "https://[fe80::1%25eth0]/", "IPv6" },
	{ "https://[::g]/", "IPv6" },
	/* Numbers that reach addresses the reader does not see. */
	{ "http://0x7f.1/", "dotted quad" },
	{ "http://2130706433/", "dotted quad" },
	{ "http://127.1/", "dotted quad" },
	{ "http://0x7f000001/", "dotted quad" },
	{ "http://0X7F.0.0.1/", "dotted quad" },
	{ "http://127.0.0.01/", "dotted quad" },
	{ "http://0177.0.0.1/", "dotted quad" },
	{ "http://256.0.0.1/", "dotted quad" },
	{ "http://1.2.3.4.5/", "dotted quad" },
	{ "http://example.0x1/", "dotted quad" },
	/* International names show what they really are. */
	{ "https://\xd1\x80\xd0\xb0\xd1\x83\xd1\x80\xd0\xb0l.com/",
	    "xn--l-7sba6dbr.com" },		/* "раураl", Latin l */
	{ "https://\xd1\x80\xd0\xb0\xd1\x83\xd1\x80\xd0\xb0\xd3\x8f.com/",
	    "xn--80aa0cbo65f.com" },		/* all Cyrillic */
	{ "https://b\xc3\xbc" "cher.example/", "xn--bcher-kva.example" },
	{ "https://B\xc3\xbc" "cher.example/", "xn--bcher-kva.example" },
	{ "https://m\xc3\xbcnchen.de:8080/", "xn--mnchen-3ya.de" },
	{ "https://\xe4\xbe\x8b\xe3\x81\x88."
	    "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88/",
	    "xn--r8jz45g.xn--zckzah" },		/* 例え.テスト */
	{ "https://ex\xc3" "ample.com/", "not valid UTF-8" },
	{ "https://ex\xc0\xaf" "ample.com/", "not valid UTF-8" }, /* overlong */
	{ "https://ex\xed\xa0\x80.com/", "not valid UTF-8" },	/* surrogate */
	/* Ports. */
	{ "https://example.com:0/", "port must be a number from 1 to 65535" },
	{ "https://example.com:65536/", "from 1 to 65535" },
	{ "https://example.com:8o/", "from 1 to 65535" },
	{ "https://example.com:/", "from 1 to 65535" },
	{ "https://example.com:-1/", "from 1 to 65535" },
	{ "https://example.com:99999999999999999999/", "from 1 to 65535" },
	{ "https://example.com:80:80/", "from 1 to 65535" },
	/* Escapes. */
	{ "https://example.com/%zz", "'%' must be followed by two hex digits" },
	{ "https://example.com/%4", "two hex digits" },
	{ "https://example.com/?q=%", "two hex digits" },
	{ "https://example.com/a%g1", "two hex digits" },
	/* arXiv. */
	{ "arXiv:", "arXiv identifier must look like" },
	{ "arXiv:2304.084", "arXiv identifier" },
	{ "arXiv:2304.084851", "arXiv identifier" },
	{ "arXiv:230.08485", "arXiv identifier" },
	{ "arXiv:2304.08485v", "arXiv identifier" },
	{ "arXiv:2304.08485v0", "arXiv identifier" },
	{ "arXiv:2304.08485.pdf", "arXiv identifier" },
	{ "arXiv:hep-th/990100", "arXiv identifier" },
	{ "arXiv:HEP-TH/9901001", "arXiv identifier" },
	{ "arXiv:-th/9901001", "arXiv identifier" },
	{ "arXiv:math./0309136", "arXiv identifier" },
	{ "arxiv:https://arxiv.org/abs/2304.08485", "arXiv identifier" },
	/* DOI. */
	{ "doi:", "a DOI must be" },
	{ "doi:10.123/x", "a DOI must be" },
	{ "doi:10.1234567890/x", "a DOI must be" },
	{ "doi:10.1234/", "a DOI must be" },
	{ "doi:10.1234", "a DOI must be" },
	{ "doi:11.1234/x", "a DOI must be" },
	{ "doi:10.1234./x", "a DOI must be" },
	{ "doi:10.1234/a%20b", "a DOI must be" },
	{ "doi:10.1234/x%zz", "a DOI must be" },
	{ "doi:10.1234/\xff", "a DOI must be" },
	/* Decoded, a DOI holds nothing a terminal could be fooled by. */
	{ "doi:10.1234/%E2%80%AEevil", "a DOI must be" },
	{ "doi:10.1234/a%C2%9B31m", "a DOI must be" },
};

/* Parse s (a C string) and check the outcome against one table row. */
static void
check_accept(const struct accept_case *c)
{
	struct link	l;
	char		err[256];

	if (link_parse(c->in, strlen(c->in), &l, err, sizeof err) != 0)
		fail_msg("\"%s\" refused: %s", c->in, err);
	if (l.type != c->type)
		fail_msg("\"%s\" is %s, want %s", c->in,
		    link_type_name(l.type), link_type_name(c->type));
	if (strcmp(l.key, c->key) != 0)
		fail_msg("\"%s\" key \"%s\", want \"%s\"", c->in, l.key,
		    c->key);
	if (strcmp(l.href, c->href) != 0)
		fail_msg("\"%s\" href \"%s\", want \"%s\"", c->in, l.href,
		    c->href);
	assert_string_equal(err, "");
	link_clear(&l);
}

static void
test_accepts(void **state)
{
	size_t	i;

	for (i = 0; i < sizeof accepted / sizeof accepted[0]; i++)
		check_accept(&accepted[i]);
}

static void
test_refuses(void **state)
{
	struct link	l;
	char		err[256];
	size_t		i;

	for (i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		memset(err, 'x', sizeof err);
		if (link_parse(refused[i].in, strlen(refused[i].in), &l, err,
		    sizeof err) == 0)
			fail_msg("\"%s\" accepted as %s", refused[i].in, l.key);
		if (strstr(err, refused[i].err) == NULL)
			fail_msg("\"%s\": \"%s\" does not say \"%s\"",
			    refused[i].in, err, refused[i].err);
		assert_null(l.key);		/* nothing to free */
		assert_null(l.href);
	}
}

/* The ways of posting one target meet on one key. */
static void
test_same_key(void **state)
{
	static const struct {
		const char	*key;
		const char	*in[6];
	} groups[] = {
		{ ARXIV_KEY, { "https://arxiv.org/abs/2304.08485",
		    "https://arxiv.org/pdf/2304.08485v2", "arXiv:2304.08485",
		    "https://doi.org/10.48550/arXiv.2304.08485",
		    "doi:10.48550/arxiv.2304.08485", NULL } },
		{ CHI_KEY, { "doi:10.1145/3290605.3300233",
		    "https://doi.org/10.1145/3290605.3300233",
		    "http://dx.doi.org/10.1145/3290605.3300233", NULL } },
		{ "doi:10.1000/abc.def", { "doi:10.1000/ABC.DEF",
		    "doi:10.1000/abc.def", "https://doi.org/10.1000/Abc.Def",
		    NULL } },
		{ "https://example.com/a?b=1", { "http://example.com/a?b=1",
		    "https://EXAMPLE.com:443/a?b=1#top",
		    "http://example.com:80/./a?utm_source=x&b=1&fbclid=2",
		    "https://example.com./x/../%61?b=1", NULL } },
	};
	struct link	 l;
	char		 err[256];
	size_t		 i, j;

	for (i = 0; i < sizeof groups / sizeof groups[0]; i++) {
		for (j = 0; groups[i].in[j] != NULL; j++) {
			if (link_parse(groups[i].in[j],
			    strlen(groups[i].in[j]), &l, err, sizeof err) != 0)
				fail_msg("\"%s\" refused: %s", groups[i].in[j],
				    err);
			if (strcmp(l.key, groups[i].key) != 0)
				fail_msg("\"%s\" key \"%s\", want \"%s\"",
				    groups[i].in[j], l.key, groups[i].key);
			link_clear(&l);
		}
	}
}

/* Empty, and len is honoured: nothing past it is read. */
static void
test_length(void **state)
{
	static const char	 text[] = "https://example.com/abc def";
	struct link		 l;
	char			 err[128];

	assert_int_equal(link_parse("", 0, &l, err, sizeof err), -1);
	assert_string_equal(err, "a link may not be empty");
	assert_int_equal(link_parse(text, 0, &l, err, sizeof err), -1);

	assert_int_equal(link_parse(text, 21, &l, err, sizeof err), 0);
	assert_string_equal(l.key, "https://example.com/a");
	link_clear(&l);
	assert_int_equal(link_parse(text, 23, &l, err, sizeof err), 0);
	assert_string_equal(l.key, "https://example.com/abc");
	link_clear(&l);
	assert_int_equal(link_parse(text, sizeof text - 1, &l, err,
	    sizeof err), -1);

	/* A NUL inside len is a control character, not an end. */
	assert_int_equal(link_parse("https://example.com/\0x", 22, &l, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "control characters"));

	/* "arXiv:2304.08485" cut to "arXiv:2304.084", three digits. */
	assert_int_equal(link_parse("arXiv:2304.08485", 14, &l, err,
	    sizeof err), -1);
	assert_int_equal(link_parse("arXiv:2304.08485", 16, &l, err,
	    sizeof err), 0);
	link_clear(&l);
}

/* err is always terminated, cut to errlen, and may be absent. */
static void
test_error_buffer(void **state)
{
	struct link	l;
	char		err[16];

	memset(err, 'x', sizeof err);
	assert_int_equal(link_parse("ftp://a/", 8, &l, err, 8), -1);
	assert_string_equal(err, "only ht");
	assert_true(err[8] == 'x');
	assert_int_equal(link_parse("ftp://a/", 8, &l, err, 1), -1);
	assert_string_equal(err, "");
	assert_int_equal(link_parse("ftp://a/", 8, &l, NULL, 0), -1);
	assert_int_equal(link_parse("https://a/", 10, &l, NULL, 0), 0);
	link_clear(&l);

	/* Success leaves an empty sentence. */
	memset(err, 'x', sizeof err);
	assert_int_equal(link_parse("https://a/", 10, &l, err, sizeof err), 0);
	assert_string_equal(err, "");
	link_clear(&l);
}

static void
test_clear(void **state)
{
	struct link	l;
	char		err[128];

	assert_int_equal(link_parse("arXiv:2304.08485", 16, &l, err,
	    sizeof err), 0);
	assert_int_equal(l.type, LINK_ARXIV);
	link_clear(&l);
	assert_null(l.key);
	assert_null(l.href);
	assert_int_equal(l.type, LINK_URL);
	link_clear(&l);			/* twice is harmless */
	link_clear(NULL);

	/* A refusal leaves nothing to free but may be cleared anyway. */
	assert_int_equal(link_parse("file:///", 8, &l, err, sizeof err), -1);
	assert_null(l.key);
	link_clear(&l);
}

static void
test_type_name(void **state)
{
	assert_string_equal(link_type_name(LINK_URL), "url");
	assert_string_equal(link_type_name(LINK_ARXIV), "arxiv");
	assert_string_equal(link_type_name(LINK_DOI), "doi");
	assert_string_equal(link_type_name((enum link_type)3), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepts),
		cmocka_unit_test(test_refuses),
		cmocka_unit_test(test_same_key),
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_error_buffer),
		cmocka_unit_test(test_clear),
		cmocka_unit_test(test_type_name),
	};

	return (cmocka_run_group_tests_name("link", tests, NULL, NULL));
}
