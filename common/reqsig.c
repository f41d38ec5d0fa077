/*
 * reqsig.c: signed requests, DESIGN.md §3.
 *
 *	Authorization: Gloss key=<RW...>, ts=<unix>, sig=<base64>
 *
 * sig is Ed25519 by key over "gloss-req/1\n<METHOD>\n<path?query>\n<ts>".
 * The client signs, the daemon verifies; both build the signed bytes here
 * so they cannot disagree.  A signature is good for a few minutes around
 * its ts, which bounds how long a captured header can be replayed.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "gloss.h"

#define REQSIG_PREFIX	"Gloss "

static char *
reqsig_message(const char *method, const char *target, long long ts)
{
	char	*msg;

	xasprintf(&msg, "gloss-req/1\n%s\n%s\n%lld", method, target, ts);
	return msg;
}

/*
 * The Authorization header value signing method and target (the request
 * URI, path and query as sent) at time ts.  Caller frees.
 */
char *
reqsig_sign(const struct minisig_seckey *sk, const char *method,
    const char *target, time_t ts)
{
	struct minisig_pubkey	 pk;
	unsigned char		 sig[crypto_sign_BYTES];
	char			 key[GLOSS_PUBKEY_LEN + 1], *msg, *header;
	char			 b64[sodium_base64_ENCODED_LEN(crypto_sign_BYTES,
				    sodium_base64_VARIANT_ORIGINAL)];

	msg = reqsig_message(method, target, (long long)ts);
	crypto_sign_detached(sig, NULL, (const unsigned char *)msg,
	    strlen(msg), sk->sk);
	free(msg);
	sodium_bin2base64(b64, sizeof b64, sig, sizeof sig,
	    sodium_base64_VARIANT_ORIGINAL);
	minisig_seckey_pubkey(sk, &pk);
	minisig_pubkey_format(&pk, key);
	xasprintf(&header, REQSIG_PREFIX "key=%s, ts=%lld, sig=%s", key,
	    (long long)ts, b64);
	return header;
}

/*
 * Copy the value of "name=" at *p into out: up to ", " (which must follow
 * unless last), or to the end of the header (which last must reach).
 */
static int
reqsig_field(const char **p, const char *name, char *out, size_t outlen,
    int last)
{
	size_t	nlen = strlen(name), vlen;

	if (strncmp(*p, name, nlen) != 0 || (*p)[nlen] != '=')
		return -1;
	*p += nlen + 1;
	vlen = strcspn(*p, ",");
	if (vlen == 0 || vlen >= outlen)
		return -1;
	memcpy(out, *p, vlen);
	out[vlen] = '\0';
	*p += vlen;
	if (last)
		return **p == '\0' ? 0 : -1;
	if ((*p)[0] != ',' || (*p)[1] != ' ')
		return -1;
	*p += 2;
	return 0;
}

/*
 * Check header against method and target at time now: well formed, ts
 * within window seconds, signature good.  Returns 0 with the signer in
 * *pk, or -1 with *errstr a static sentence.
 */
int
reqsig_verify(const char *header, const char *method, const char *target,
    time_t now, int window, struct minisig_pubkey *pk, const char **errstr)
{
	unsigned char	 sig[crypto_sign_BYTES];
	char		 key[GLOSS_PUBKEY_LEN + 2], ts[24], b64[128], *end;
	char		*msg;
	const char	*p = header;
	size_t		 siglen;
	long long	 t;
	int		 ok;

	*errstr = "the Authorization header is not Gloss key=, ts=, sig=";
	if (strncmp(p, REQSIG_PREFIX, strlen(REQSIG_PREFIX)) != 0)
		return -1;
	p += strlen(REQSIG_PREFIX);
	if (reqsig_field(&p, "key", key, sizeof key, 0) == -1 ||
	    reqsig_field(&p, "ts", ts, sizeof ts, 0) == -1 ||
	    reqsig_field(&p, "sig", b64, sizeof b64, 1) == -1)
		return -1;
	if (minisig_pubkey_parse(key, strlen(key), pk, errstr) == -1)
		return -1;
	/* Plain digits, no sign, no leading zero: one spelling per time. */
	if (strspn(ts, "0123456789") != strlen(ts) ||
	    (ts[0] == '0' && ts[1] != '\0')) {
		*errstr = "ts is not a unix time";
		return -1;
	}
	t = strtoll(ts, &end, 10);
	if (t > (long long)now + window || t < (long long)now - window) {
		*errstr = "the request signature is too old or too new";
		return -1;
	}
	if (sodium_base642bin(sig, sizeof sig, b64, strlen(b64), NULL,
	    &siglen, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    siglen != sizeof sig) {
		*errstr = "sig is not base64 of 64 bytes";
		return -1;
	}
	msg = reqsig_message(method, target, t);
	ok = crypto_sign_verify_detached(sig, (const unsigned char *)msg,
	    strlen(msg), pk->pk) == 0;
	free(msg);
	if (!ok) {
		*errstr = "the request signature does not verify";
		return -1;
	}
	return 0;
}
