/*
 * test_reqsig.c: unit tests for common/reqsig.c.
 *
 * A signed request is how an importer key proves who sends a replay, so
 * the Authorization header must verify only for exactly the method,
 * target and time it was made for, only within REQSIG_WINDOW seconds of
 * that time, and only in its one documented shape:
 *
 *	Gloss key=<RW...>, ts=<unix>, sig=<base64 of 64 bytes>
 *
 * These tests sign with real keys (and one fixed seed, to check the
 * signed bytes against the documented message independently), change
 * each signed field in turn, walk the edges of the window, and feed the
 * parser every malformed shape we could think of; each refusal must come
 * with a reason in errstr.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "gloss.h"

#define T0		((time_t)1790000000)
#define T0_TEXT		"1790000000"
#define METHOD		"POST"
#define TARGET		"/v1/statements"
#define SIG_B64_LEN	88	/* base64 of 64 bytes, padded */

static struct minisig_seckey	*key_a, *key_b;
static struct minisig_pubkey	 pk_a, pk_b;
static char			 pub_a[GLOSS_PUBKEY_LEN + 1];
static char			 pub_b[GLOSS_PUBKEY_LEN + 1];

/*
 * What a test allocates, freed by free_kept after it (so a failing
 * assertion does not also report leaks).
 */
static void	**kept;
static size_t	  nkept;

static void *
keep(void *p)
{
	kept = xreallocarray(kept, nkept + 1, sizeof *kept);
	kept[nkept++] = p;
	return p;
}

static int
free_kept(void **state)
{
	size_t	i;

	for (i = 0; i < nkept; i++)
		free(kept[i]);
	free(kept);
	kept = NULL;
	nkept = 0;
	return 0;
}

#define ACCEPTS(h, m, t, now)						\
	accepts_at((h), (m), (t), (now), __LINE__)
#define REFUSES(h, m, t, now, why)					\
	refuses_at((h), (m), (t), (now), (why), __LINE__)

/* header must verify for method, target at now, signed by key A. */
static void
accepts_at(const char *header, const char *method, const char *target,
    time_t now, int line)
{
	struct minisig_pubkey	 pk;
	const char		*errstr = NULL;

	memset(&pk, 0, sizeof pk);
	if (reqsig_verify(header, method, target, now, REQSIG_WINDOW, &pk,
	    &errstr) != 0)
		fail_msg("line %d: refused (%s): %s", line,
		    errstr != NULL ? errstr : "no errstr", header);
	if (memcmp(&pk, &pk_a, sizeof pk) != 0)
		fail_msg("line %d: verified, but not as key A: %s", line,
		    header);
}

/*
 * header must be refused with a non-empty errstr; if why is not NULL the
 * errstr must contain it (so a tampered field fails for the right reason).
 */
static void
refuses_at(const char *header, const char *method, const char *target,
    time_t now, const char *why, int line)
{
	struct minisig_pubkey	 pk;
	const char		*errstr = NULL;
	int			 rc;

	rc = reqsig_verify(header, method, target, now, REQSIG_WINDOW, &pk,
	    &errstr);
	if (rc != -1)
		fail_msg("line %d: accepted (%d): \"%s\"", line, rc, header);
	if (errstr == NULL || *errstr == '\0')
		fail_msg("line %d: refused without a reason: \"%s\"", line,
		    header);
	if (why != NULL && strstr(errstr, why) == NULL)
		fail_msg("line %d: refused with \"%s\", wanted \"%s\": \"%s\"",
		    line, errstr, why, header);
}

/* A header by A for METHOD TARGET at T0 (freed after the test). */
static char *
good_header(void)
{
	char	*h;

	h = reqsig_sign(key_a, METHOD, TARGET, T0);
	assert_non_null(h);
	return keep(h);
}

/* The sig= value of header (borrowed). */
static const char *
sig_of(const char *header)
{
	const char	*p = strstr(header, ", sig=");

	assert_non_null(p);
	return p + 6;
}

/* The printf-built string (freed after the test). */
static char * GLOSS_PRINTF(1, 2)
fmt(const char *f, ...)
{
	struct buf	 b;
	va_list		 ap;

	buf_init(&b);
	va_start(ap, f);
	buf_vprintf(&b, f, ap);
	va_end(ap);
	return keep(buf_take(&b));
}

/* Refuse "Gloss " + the printf-built rest for METHOD TARGET at T0. */
#define REFUSE_FMT(why, ...)						\
	REFUSES(fmt("Gloss " __VA_ARGS__), METHOD, TARGET, T0, (why))

/* A string of n copies of c (freed after the test). */
static char *
repeat(char c, size_t n)
{
	char	*s = xmalloc(n + 1);

	memset(s, c, n);
	s[n] = '\0';
	return keep(s);
}

/* The base64 (original, padded) of n bytes of value v (freed after). */
static char *
b64_bytes(unsigned char v, size_t n)
{
	unsigned char	*bin = xmalloc(n);
	size_t		 len = sodium_base64_ENCODED_LEN(n,
			    sodium_base64_VARIANT_ORIGINAL);
	char		*out = xmalloc(len);

	memset(bin, v, n);
	sodium_bin2base64(out, len, bin, n, sodium_base64_VARIANT_ORIGINAL);
	free(bin);
	return keep(out);
}

static int
setup(void **state)
{
	if (sodium_init() < 0)
		return -1;
	if ((key_a = minisig_keygen(&pk_a)) == NULL ||
	    (key_b = minisig_keygen(&pk_b)) == NULL)
		return -1;
	minisig_pubkey_format(&pk_a, pub_a);
	minisig_pubkey_format(&pk_b, pub_b);
	return 0;
}

static int
teardown(void **state)
{
	minisig_seckey_free(key_a);
	minisig_seckey_free(key_b);
	return 0;
}

/* Sign, then verify: the signer's key comes back. */
static void
test_roundtrip(void **state)
{
	struct minisig_pubkey	 pk;
	const char		*errstr = NULL;
	char			*h;

	h = good_header();
	memset(&pk, 0, sizeof pk);
	assert_int_equal(reqsig_verify(h, METHOD, TARGET, T0, REQSIG_WINDOW,
	    &pk, &errstr), 0);
	assert_memory_equal(&pk, &pk_a, sizeof pk);

	/* A GET with a query, and key B. */
	h = keep(reqsig_sign(key_b, "GET", "/v1/log?after=5&limit=100", T0));
	memset(&pk, 0, sizeof pk);
	assert_int_equal(reqsig_verify(h, "GET", "/v1/log?after=5&limit=100",
	    T0, REQSIG_WINDOW, &pk, &errstr), 0);
	assert_memory_equal(&pk, &pk_b, sizeof pk);

	/* ts 0 is a unix time like any other (with a window around it). */
	h = keep(reqsig_sign(key_a, METHOD, TARGET, 0));
	assert_non_null(strstr(h, ", ts=0, "));
	ACCEPTS(h, METHOD, TARGET, 0);
	ACCEPTS(h, METHOD, TARGET, REQSIG_WINDOW);

	/* A percent-encoded target is signed as sent. */
	h = keep(reqsig_sign(key_a, "GET", "/v1/keys/RW%2Fa%2Bb", T0));
	ACCEPTS(h, "GET", "/v1/keys/RW%2Fa%2Bb", T0);
	REFUSES(h, "GET", "/v1/keys/RW/a+b", T0, "does not verify");
}

/* Gloss key=<A's key>, ts=<T0>, sig=<88 characters, 64 bytes>. */
static void
test_header_format(void **state)
{
	unsigned char	 bin[64];
	const char	*sig;
	char		*h, *prefix;
	size_t		 len = 0;

	h = good_header();
	prefix = fmt("Gloss key=%s, ts=" T0_TEXT ", sig=", pub_a);
	assert_int_equal(strncmp(h, prefix, strlen(prefix)), 0);
	sig = h + strlen(prefix);
	assert_int_equal(strlen(sig), SIG_B64_LEN);
	assert_int_equal(strspn(sig, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/"), SIG_B64_LEN - 2);
	assert_string_equal(sig + SIG_B64_LEN - 2, "==");
	assert_int_equal(sodium_base642bin(bin, sizeof bin, sig, strlen(sig),
	    NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	assert_int_equal(len, 64);
	assert_null(strchr(h, '\n'));
	assert_null(strchr(h, '\r'));
}

/*
 * The signed bytes are exactly "gloss-req/1\n<METHOD>\n<target>\n<ts>":
 * a key from a fixed seed signs, and the signature is checked against
 * that message with libsodium directly (Ed25519 is deterministic, so the
 * header is also compared byte for byte).
 */
static void
test_signed_message(void **state)
{
	static const char	 msg[] =
	    "gloss-req/1\nPOST\n/v1/statements?x=1\n" T0_TEXT;
	struct minisig_seckey	*sk;
	struct minisig_pubkey	 pk;
	unsigned char		 seed[crypto_sign_SEEDBYTES], bin[64];
	unsigned char		 pkbin[crypto_sign_PUBLICKEYBYTES];
	char			 b64[SIG_B64_LEN + 1];
	char			 key[GLOSS_PUBKEY_LEN + 1];
	char			*h;
	size_t			 i, len = 0;
	int			 sig_ok, same;

	sk = sodium_malloc(sizeof *sk);
	assert_non_null(sk);
	for (i = 0; i < sizeof seed; i++)
		seed[i] = (unsigned char)i;
	for (i = 0; i < sizeof sk->keynum; i++)
		sk->keynum[i] = (uint8_t)(0xa0 + i);
	crypto_sign_seed_keypair(pkbin, sk->sk, seed);
	minisig_seckey_pubkey(sk, &pk);
	minisig_pubkey_format(&pk, key);
	h = keep(reqsig_sign(sk, "POST", "/v1/statements?x=1", T0));
	crypto_sign_detached(bin, NULL, (const unsigned char *)msg,
	    strlen(msg), sk->sk);
	minisig_seckey_free(sk);

	assert_memory_equal(pk.pk, pkbin, sizeof pkbin);
	sodium_bin2base64(b64, sizeof b64, bin, sizeof bin,
	    sodium_base64_VARIANT_ORIGINAL);
	same = strcmp(h, fmt("Gloss key=%s, ts=" T0_TEXT ", sig=%s", key,
	    b64)) == 0;
	sig_ok = sodium_base642bin(bin, sizeof bin, sig_of(h),
	    strlen(sig_of(h)), NULL, &len, NULL,
	    sodium_base64_VARIANT_ORIGINAL) == 0 && len == 64 &&
	    crypto_sign_verify_detached(bin, (const unsigned char *)msg,
	    strlen(msg), pkbin) == 0;
	assert_true(sig_ok);
	assert_true(same);
}

/* Every signed field changed in turn: the signature no longer holds. */
static void
test_tampered(void **state)
{
	const char	*sig, *sig_b;
	char		*h, *flipped;

	h = good_header();
	ACCEPTS(h, METHOD, TARGET, T0);

	/* Method. */
	REFUSES(h, "GET", TARGET, T0, "does not verify");
	REFUSES(h, "post", TARGET, T0, "does not verify");
	/* Target: path, an added query, a trailing slash, nothing. */
	REFUSES(h, METHOD, "/v1/statement", T0, "does not verify");
	REFUSES(h, METHOD, "/v1/records", T0, "does not verify");
	REFUSES(h, METHOD, TARGET "?x=1", T0, "does not verify");
	REFUSES(h, METHOD, TARGET "/", T0, "does not verify");
	REFUSES(h, METHOD, "", T0, "does not verify");

	/* The query is signed too. */
	h = keep(reqsig_sign(key_a, "GET", "/v1/log?after=5", T0));
	ACCEPTS(h, "GET", "/v1/log?after=5", T0);
	REFUSES(h, "GET", "/v1/log?after=6", T0, "does not verify");
	REFUSES(h, "GET", "/v1/log", T0, "does not verify");
	REFUSES(h, "GET", "/v1/log?after=5&limit=1", T0, "does not verify");

	sig = sig_of(good_header());

	/* ts, still inside the window. */
	REFUSE_FMT("does not verify", "key=%s, ts=%lld, sig=%s", pub_a,
	    (long long)T0 + 1, sig);
	REFUSE_FMT("does not verify", "key=%s, ts=%lld, sig=%s", pub_a,
	    (long long)T0 - 1, sig);

	/* key: another valid key. */
	REFUSE_FMT("does not verify", "key=%s, ts=" T0_TEXT ", sig=%s", pub_b,
	    sig);

	/* sig: one character flipped, first, middle, last data character. */
	flipped = fmt("%s", sig);
	flipped[0] = flipped[0] == 'A' ? 'B' : 'A';
	REFUSE_FMT("does not verify", "key=%s, ts=" T0_TEXT ", sig=%s", pub_a,
	    flipped);
	flipped = fmt("%s", sig);
	flipped[40] = flipped[40] == 'x' ? 'y' : 'x';
	REFUSE_FMT("does not verify", "key=%s, ts=" T0_TEXT ", sig=%s", pub_a,
	    flipped);
	/* 64 bytes end in "==": [85] holds the last 4 bits of data. */
	flipped = fmt("%s", sig);
	assert_string_equal(flipped + 86, "==");
	flipped[85] = flipped[85] == 'A' ? 'Q' : 'A';
	REFUSE_FMT(NULL, "key=%s, ts=" T0_TEXT ", sig=%s", pub_a, flipped);

	/* B's signature under A's key. */
	sig_b = sig_of(keep(reqsig_sign(key_b, METHOD, TARGET, T0)));
	REFUSE_FMT("does not verify", "key=%s, ts=" T0_TEXT ", sig=%s", pub_a,
	    sig_b);
}

/* ts exactly REQSIG_WINDOW from now either way is good; one more is not. */
static void
test_window(void **state)
{
	struct minisig_pubkey	 pk;
	const char		*errstr;
	char			*h;

	h = good_header();
	ACCEPTS(h, METHOD, TARGET, T0);
	ACCEPTS(h, METHOD, TARGET, T0 + REQSIG_WINDOW);
	ACCEPTS(h, METHOD, TARGET, T0 - REQSIG_WINDOW);
	REFUSES(h, METHOD, TARGET, T0 + REQSIG_WINDOW + 1, "too old");
	REFUSES(h, METHOD, TARGET, T0 - REQSIG_WINDOW - 1, "too new");
	REFUSES(h, METHOD, TARGET, T0 + 86400, NULL);
	REFUSES(h, METHOD, TARGET, 0, NULL);

	/* The window is the caller's: 0 means this very second. */
	errstr = NULL;
	assert_int_equal(reqsig_verify(h, METHOD, TARGET, T0, 0, &pk,
	    &errstr), 0);
	errstr = NULL;
	assert_int_equal(reqsig_verify(h, METHOD, TARGET, T0 + 1, 0, &pk,
	    &errstr), -1);
	assert_non_null(errstr);
}

/* The shape is fixed: scheme, three fields in order, ", " between. */
static void
test_malformed_shape(void **state)
{
	const char	*sig;
	char		*h;

	h = good_header();
	sig = sig_of(h);

	REFUSES("", METHOD, TARGET, T0, NULL);
	REFUSES("Gloss", METHOD, TARGET, T0, NULL);
	REFUSES("Gloss ", METHOD, TARGET, T0, NULL);
	REFUSES(h + 1, METHOD, TARGET, T0, NULL);	/* "loss key=..." */
	REFUSES(h + strlen("Gloss "), METHOD, TARGET, T0, NULL);

	/* Another scheme, or a misspelt one. */
	REFUSES(fmt("Bearer key=%s, ts=" T0_TEXT ", sig=%s", pub_a, sig),
	    METHOD, TARGET, T0, NULL);
	REFUSES(fmt("Bearer %s", sig), METHOD, TARGET, T0, NULL);
	REFUSES(fmt("Gloss  key=%s, ts=" T0_TEXT ", sig=%s", pub_a, sig),
	    METHOD, TARGET, T0, NULL);
	REFUSES(fmt("Glossy key=%s, ts=" T0_TEXT ", sig=%s", pub_a, sig),
	    METHOD, TARGET, T0, NULL);
	REFUSES(fmt("Gloss\tkey=%s, ts=" T0_TEXT ", sig=%s", pub_a, sig),
	    METHOD, TARGET, T0, NULL);

	/* A field missing. */
	REFUSE_FMT(NULL, "ts=" T0_TEXT ", sig=%s", sig);
	REFUSE_FMT(NULL, "key=%s, sig=%s", pub_a, sig);
	REFUSE_FMT(NULL, "key=%s, ts=" T0_TEXT, pub_a);
	REFUSE_FMT(NULL, "key=%s, ts=" T0_TEXT ", ", pub_a);
	REFUSE_FMT(NULL, "key=%s", pub_a);

	/* Fields out of order. */
	REFUSE_FMT(NULL, "ts=" T0_TEXT ", key=%s, sig=%s", pub_a, sig);
	REFUSE_FMT(NULL, "key=%s, sig=%s, ts=" T0_TEXT, pub_a, sig);
	REFUSE_FMT(NULL, "sig=%s, ts=" T0_TEXT ", key=%s", sig, pub_a);

	/* A field twice, an extra field at the end or in the middle. */
	REFUSE_FMT(NULL, "key=%s, key=%s, ts=" T0_TEXT ", sig=%s", pub_a,
	    pub_a, sig);
	REFUSE_FMT(NULL, "key=%s, ts=" T0_TEXT ", sig=%s, sig=%s", pub_a,
	    sig, sig);
	REFUSE_FMT(NULL, "key=%s, ts=" T0_TEXT ", sig=%s, x=1", pub_a, sig);
	REFUSE_FMT(NULL, "key=%s, x=1, ts=" T0_TEXT ", sig=%s", pub_a, sig);
	REFUSE_FMT(NULL, "key=%s, ts=" T0_TEXT ", nonce=1, sig=%s", pub_a,
	    sig);

	/* Separators: none, no space, two spaces, ';', around '='. */
	REFUSE_FMT(NULL, "key=%s ts=" T0_TEXT " sig=%s", pub_a, sig);
	REFUSE_FMT(NULL, "key=%s,ts=" T0_TEXT ",sig=%s", pub_a, sig);
	REFUSE_FMT(NULL, "key=%s, ts=" T0_TEXT ",sig=%s", pub_a, sig);
	REFUSE_FMT(NULL, "key=%s,  ts=" T0_TEXT ", sig=%s", pub_a, sig);
	REFUSE_FMT(NULL, "key=%s; ts=" T0_TEXT "; sig=%s", pub_a, sig);
	REFUSE_FMT(NULL, "key=%s, ts=" T0_TEXT ", sig=%s,", pub_a, sig);
	REFUSE_FMT(NULL, "key=%s, ts=" T0_TEXT ", sig=%s ", pub_a, sig);
	REFUSE_FMT(NULL, "key = %s, ts=" T0_TEXT ", sig=%s", pub_a, sig);
	REFUSE_FMT(NULL, "key=%s, ts =" T0_TEXT ", sig=%s", pub_a, sig);
	REFUSE_FMT(NULL, "Key=%s, ts=" T0_TEXT ", sig=%s", pub_a, sig);
	REFUSE_FMT(NULL, "keys=%s, ts=" T0_TEXT ", sig=%s", pub_a, sig);
	REFUSE_FMT(NULL, "key=\"%s\", ts=" T0_TEXT ", sig=%s", pub_a, sig);
	REFUSE_FMT(NULL, "key=%s, ts=\"" T0_TEXT "\", sig=%s", pub_a, sig);

	/* Empty values. */
	REFUSE_FMT(NULL, "key=, ts=" T0_TEXT ", sig=%s", sig);
	REFUSE_FMT(NULL, "key=%s, ts=, sig=%s", pub_a, sig);
	REFUSE_FMT(NULL, "key=%s, ts=" T0_TEXT ", sig=", pub_a);
	REFUSE_FMT(NULL, "key=, ts=, sig=");
	REFUSE_FMT(NULL, "key, ts, sig");
}

/*
 * A separator after the last field is not the documented shape either:
 * "sig=..., " must not read as a complete header.
 */
static void
test_malformed_trailing_separator(void **state)
{
	const char	*sig = sig_of(good_header());

	REFUSE_FMT(NULL, "key=%s, ts=" T0_TEXT ", sig=%s, ", pub_a, sig);
}

/* Values that are not what their field holds. */
static void
test_malformed_values(void **state)
{
	const char	*sig;
	char		*s;
	size_t		 i;

	sig = sig_of(good_header());

	/* ts: not a number, negative, overflowing, overlong. */
	REFUSE_FMT(NULL, "key=%s, ts=abc, sig=%s", pub_a, sig);
	REFUSE_FMT(NULL, "key=%s, ts=" T0_TEXT "x, sig=%s", pub_a, sig);
	REFUSE_FMT(NULL, "key=%s, ts=" T0_TEXT " , sig=%s", pub_a, sig);
	REFUSE_FMT(NULL, "key=%s, ts=" T0_TEXT ".0, sig=%s", pub_a, sig);
	REFUSE_FMT(NULL, "key=%s, ts=0x6AB0E780, sig=%s", pub_a, sig);
	REFUSE_FMT(NULL, "key=%s, ts=1e9, sig=%s", pub_a, sig);
	REFUSE_FMT("unix time", "key=%s, ts=-1, sig=%s", pub_a, sig);
	REFUSE_FMT("unix time", "key=%s, ts=-" T0_TEXT ", sig=%s", pub_a,
	    sig);
	REFUSE_FMT(NULL, "key=%s, ts=99999999999999999999, sig=%s", pub_a,
	    sig);
	REFUSE_FMT(NULL, "key=%s, ts=9223372036854775807, sig=%s", pub_a,
	    sig);
	REFUSE_FMT(NULL, "key=%s, ts=-9223372036854775808, sig=%s", pub_a,
	    sig);
	REFUSE_FMT(NULL, "key=%s, ts=%s, sig=%s", pub_a, repeat('1', 4096),
	    sig);

	/* key: not a key, one character short or long, overlong. */
	REFUSE_FMT(NULL, "key=RWnotakey, ts=" T0_TEXT ", sig=%s", sig);
	REFUSE_FMT(NULL, "key=%.55s, ts=" T0_TEXT ", sig=%s", pub_a, sig);
	REFUSE_FMT(NULL, "key=%sA, ts=" T0_TEXT ", sig=%s", pub_a, sig);
	REFUSE_FMT(NULL, "key=%s, ts=" T0_TEXT ", sig=%s", repeat('A', 57),
	    sig);
	REFUSE_FMT(NULL, "key=%s, ts=" T0_TEXT ", sig=%s", repeat('A', 4096),
	    sig);
	/* 56 base64 characters that are not an Ed25519 minisign key. */
	REFUSE_FMT(NULL, "key=%s, ts=" T0_TEXT ", sig=%s",
	    repeat('A', GLOSS_PUBKEY_LEN), sig);
	/* 56 characters, not base64. */
	REFUSE_FMT(NULL, "key=%s, ts=" T0_TEXT ", sig=%s",
	    repeat('!', GLOSS_PUBKEY_LEN), sig);

	/* sig: not base64, the wrong length, unpadded, overlong. */
	REFUSE_FMT("sig", "key=%s, ts=" T0_TEXT ", sig=%s", pub_a,
	    repeat('!', SIG_B64_LEN));
	REFUSE_FMT("sig", "key=%s, ts=" T0_TEXT ", sig=%s", pub_a,
	    b64_bytes(0x55, 63));
	REFUSE_FMT(NULL, "key=%s, ts=" T0_TEXT ", sig=%s", pub_a,
	    b64_bytes(0x55, 65));
	REFUSE_FMT("sig", "key=%s, ts=" T0_TEXT ", sig=%s", pub_a,
	    b64_bytes(0x55, 32));
	REFUSE_FMT(NULL, "key=%s, ts=" T0_TEXT ", sig=%.86s", pub_a, sig);
	REFUSE_FMT(NULL, "key=%s, ts=" T0_TEXT ", sig=%sAAAA", pub_a, sig);
	REFUSE_FMT(NULL, "key=%s, ts=" T0_TEXT ", sig=%s=", pub_a, sig);
	REFUSE_FMT(NULL, "key=%s, ts=" T0_TEXT ", sig=%s", pub_a,
	    repeat('A', 4096));
	/* URL-safe base64 is another alphabet. */
	s = b64_bytes(0xfb, 64);
	assert_non_null(strchr(s, '/'));
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '+')
			s[i] = '-';
		else if (s[i] == '/')
			s[i] = '_';
	}
	REFUSE_FMT("sig", "key=%s, ts=" T0_TEXT ", sig=%s", pub_a, s);
}

/*
 * ts is "<unix>": decimal digits as reqsig_sign writes them.  Forms that
 * strtoll also reads (a sign, leading blanks, leading zeros) are not
 * that, even though the signature, over the number re-printed, checks.
 */
static void
test_malformed_ts_form(void **state)
{
	const char	*sig = sig_of(good_header());

	REFUSE_FMT(NULL, "key=%s, ts=+" T0_TEXT ", sig=%s", pub_a, sig);
	REFUSE_FMT(NULL, "key=%s, ts= " T0_TEXT ", sig=%s", pub_a, sig);
	REFUSE_FMT(NULL, "key=%s, ts=\t" T0_TEXT ", sig=%s", pub_a, sig);
	REFUSE_FMT(NULL, "key=%s, ts=0" T0_TEXT ", sig=%s", pub_a, sig);
}

int
main(void)
{
#define T(f)	cmocka_unit_test_teardown(f, free_kept)
	const struct CMUnitTest tests[] = {
		T(test_roundtrip),
		T(test_header_format),
		T(test_signed_message),
		T(test_tampered),
		T(test_window),
		T(test_malformed_shape),
		T(test_malformed_trailing_separator),
		T(test_malformed_values),
		T(test_malformed_ts_form),
	};
#undef T

	return cmocka_run_group_tests_name("reqsig", tests, setup, teardown);
}
