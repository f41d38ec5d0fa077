/*
 * auth.c: who is asking, for the reads that are not public.
 *
 * Moderators (the queue, the flags) and authors (their own pending
 * annotations) sign their requests (reqsig.c).  A signature is good for
 * REQSIG_WINDOW seconds either side of its time and only once: each one
 * seen is remembered until it expires, so a captured request cannot be
 * sent again.
 */

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "glossd.h"

#define AUTH_SEEN_MAX	4096	/* signatures remembered at most */

struct auth_seen {
	unsigned char	hash[16];	/* of the whole header */
	time_t		expires;
};

struct auth {
	struct auth_seen	*seen;
	size_t			 n;
};

struct auth *
auth_new(void)
{
	struct auth	*a = xcalloc(1, sizeof *a);

	a->seen = xcalloc(AUTH_SEEN_MAX, sizeof *a->seen);
	return a;
}

void
auth_free(struct auth *a)
{
	if (a == NULL)
		return;
	free(a->seen);
	free(a);
}

/*
 * Remember header until it expires; -1 if it was seen before (a replay)
 * or too many unexpired ones are held (refuse rather than forget one).
 */
static int
auth_remember(struct auth *a, const char *header, time_t now)
{
	unsigned char	hash[16];
	size_t		i;

	crypto_generichash(hash, sizeof hash, (const unsigned char *)header,
	    strlen(header), NULL, 0);
	for (i = 0; i < a->n; ) {
		if (a->seen[i].expires < now) {
			a->seen[i] = a->seen[--a->n];
			continue;
		}
		if (memcmp(a->seen[i].hash, hash, sizeof hash) == 0)
			return -1;
		i++;
	}
	if (a->n == AUTH_SEEN_MAX)
		return -1;
	memcpy(a->seen[a->n].hash, hash, sizeof hash);
	a->seen[a->n].expires = now + 2 * REQSIG_WINDOW;
	a->n++;
	return 0;
}

/*
 * Check req's signature: fresh, not replayed, by a key in allowed (NULL:
 * any key, for an author's own reads).  Returns 0 with the signer in *key,
 * or -1 with 401/403 in resp.
 */
int
auth_check(struct glossd *gd, struct http_request *req,
    struct http_response *resp, const struct config_keys *allowed,
    struct minisig_pubkey *key)
{
	const char	*errstr;

	if (req->authz == NULL) {
		http_error(resp, 401, "auth_required", "sign this request: "
		    "Authorization: Gloss key=, ts=, sig=");
		return -1;
	}
	if (reqsig_verify(req->authz, req->method == HTTP_POST ? "POST" :
	    "GET", req->target != NULL ? req->target : "", req->now,
	    REQSIG_WINDOW, key, &errstr) == -1) {
		http_error(resp, 401, "bad_request_signature", "%s", errstr);
		return -1;
	}
	if (auth_remember(gd->auth, req->authz, req->now) == -1) {
		http_error(resp, 401, "replayed_request", "that signed request "
		    "was already used; sign a new one");
		return -1;
	}
	if (allowed != NULL && !config_has_key(allowed, key)) {
		http_error(resp, 403, "not_moderator", "that key is not a "
		    "moderator here");
		return -1;
	}
	return 0;
}
