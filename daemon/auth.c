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

#define AUTH_SEEN_MAX	65536	/* signatures remembered at most */

struct auth_seen {
	unsigned char	hash[16];	/* of the whole header */
	time_t		expires;
};

/*
 * A ring: entries arrive in the order they expire, so when it is full the
 * one overwritten is the oldest, the first to expire anyway.  Only
 * requests that passed every check are remembered, so a stranger's
 * signatures cannot crowd out a moderator's.
 */
struct auth {
	struct auth_seen	*seen;
	size_t			 next;
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

/* Whether header was seen, unexpired, before; remember it if not. */
static int
auth_replayed(struct auth *a, const char *header, time_t now)
{
	unsigned char	hash[16];
	size_t		i;

	crypto_generichash(hash, sizeof hash, (const unsigned char *)header,
	    strlen(header), NULL, 0);
	for (i = 0; i < AUTH_SEEN_MAX; i++) {
		if (a->seen[i].expires >= now &&
		    memcmp(a->seen[i].hash, hash, sizeof hash) == 0)
			return 1;
	}
	memcpy(a->seen[a->next].hash, hash, sizeof hash);
	a->seen[a->next].expires = now + 2 * REQSIG_WINDOW;
	a->next = (a->next + 1) % AUTH_SEEN_MAX;
	return 0;
}

/*
 * Check req's signature: fresh, by a key in allowed (NULL: any key), not
 * replayed; what is the error code when the key is not allowed.  Returns
 * 0 with the signer in *key, or -1 with 401/403 in resp.
 */
int
auth_check(struct glossd *gd, struct http_request *req,
    struct http_response *resp, const struct config_keys *allowed,
    const char *what, struct minisig_pubkey *key)
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
	if (allowed != NULL && !config_has_key(allowed, key)) {
		http_error(resp, 403, what, "that key may not read this");
		return -1;
	}
	if (auth_replayed(gd->auth, req->authz, req->now)) {
		http_error(resp, 401, "replayed_request", "that signed request "
		    "was already used; sign a new one");
		return -1;
	}
	return 0;
}
