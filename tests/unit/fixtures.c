/*
 * fixtures.c: real signed statements for unit tests.
 *
 * Every statement here is built as JSON and run through stmt_from_json,
 * the path a posted statement takes, so tests exercise what the parser
 * really produces.  The caller must have called sodium_init().
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "gloss.h"
#include "fixtures.h"

/*
 * A fresh key pair.  Fails the test if key generation fails.  Free with
 * fixture_key_free.
 */
struct fixture_key *
fixture_key_new(void)
{
	struct fixture_key	*k;

	k = xcalloc(1, sizeof *k);
	if ((k->sk = minisig_keygen(&k->pk)) == NULL) {
		free(k);
		fail_msg("fixture: minisig_keygen failed");
		return NULL;
	}
	minisig_pubkey_format(&k->pk, k->pubkey);
	return k;
}

/* Free k and wipe its secret key.  NULL is a no-op. */
void
fixture_key_free(struct fixture_key *k)
{
	if (k == NULL)
		return;
	minisig_seckey_free(k->sk);
	free(k);
}

/*
 * Run root (ownership taken, as stmt_from_json does) through
 * stmt_from_json with the default limits.  Returns the statement for
 * stmt_free; a refusal fails the test with the parser's code and message.
 */
struct statement *
fixture_statement(json_t *root)
{
	struct statement	*st;
	const char		*code = NULL;
	char			*message = NULL, text[512];

	if (root == NULL) {
		fail_msg("fixture: json_pack failed (a bug in the fixture)");
		return NULL;
	}
	st = stmt_from_json(root, &stmt_default_limits, &code, &message);
	if (st == NULL) {
		snprintf(text, sizeof text, "%s: %s",
		    code != NULL ? code : "?",
		    message != NULL ? message : "?");
		free(message);
		fail_msg("fixture: stmt_from_json refused the statement: %s",
		    text);
	}
	return st;
}

/*
 * A record statement by k for rid: "Test record", 10 minutes, three talks
 * starting at 0, 1:00 and 5:00; the third has no speaker (a panel), so
 * talks end at 60000, 300000 and 600000 ms.  created is now.
 */
struct statement *
fixture_record(const struct fixture_key *k, const char *rid)
{
	char	created[21];

	timefmt_rfc3339(time(NULL), created);
	return fixture_statement(json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, "
	    "s:I, s:[{s:I, s:s, s:s}, {s:I, s:s, s:s}, {s:I, s:s}]}",
	    "v", 1,
	    "type", "record",
	    "author", k->pubkey,
	    "created", created,
	    "record", rid,
	    "title", "Test record",
	    "duration", (json_int_t)FIXTURE_DURATION,
	    "talks",
		"start", (json_int_t)0, "speaker", "Ada Lovelace",
		"title", "Opening remarks",
		"start", (json_int_t)60000, "speaker", "Grace Hopper",
		"title", "Compilers for everyone",
		"start", (json_int_t)300000, "title", "Panel"));
}

/*
 * An annotation by k on rid of the given kind ("comment", "critique",
 * "reading"; a reading gets one link, as it must) with text, about talk
 * (0: none) at at_start..at_end (-1: none).  created is now.
 */
struct statement *
fixture_annotation(const struct fixture_key *k, const char *rid,
    const char *kind, int talk, int64_t at_start, int64_t at_end,
    const char *text)
{
	json_t	*root, *at;
	char	 created[21];

	timefmt_rfc3339(time(NULL), created);
	root = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s}",
	    "v", 1,
	    "type", "annotation",
	    "author", k->pubkey,
	    "created", created,
	    "record", rid,
	    "kind", kind,
	    "text", text);
	if (root == NULL) {
		fail_msg("fixture: json_pack failed (a bug in the fixture)");
		return NULL;
	}
	if (talk > 0)
		json_object_set_new(root, "talk", json_integer(talk));
	if (at_start >= 0) {
		at = json_pack("{s:I}", "start", (json_int_t)at_start);
		if (at_end >= 0)
			json_object_set_new(at, "end",
			    json_integer((json_int_t)at_end));
		json_object_set_new(root, "at", at);
	}
	if (strcmp(kind, "reading") == 0)
		json_object_set_new(root, "links", json_pack("[{s:s, s:s}]",
		    "url", "https://example.org/paper", "title", "A paper"));
	return fixture_statement(root);
}

/* The minisig text of st by k, for free(). */
char *
fixture_sign(const struct fixture_key *k, const struct statement *st)
{
	char	*sig;

	if ((sig = stmt_sign(st, k->sk)) == NULL)
		fail_msg("fixture: stmt_sign failed");
	return sig;
}

/*
 * A statement of type by k created at t, with the members of extra
 * (stolen) besides v, type, author and created.  For stmt_free.
 */
struct statement *
fixture_dated(const struct fixture_key *k, const char *type, time_t t,
    json_t *extra)
{
	json_t	*root;
	char	 created[21];

	timefmt_rfc3339(t, created);
	root = json_pack("{s:i, s:s, s:s, s:s}", "v", 1, "type", type,
	    "author", k->pubkey, "created", created);
	if (root == NULL || extra == NULL ||
	    json_object_update(root, extra) == -1) {
		json_decref(root);
		json_decref(extra);
		fail_msg("fixture: json_pack failed (a bug in the fixture)");
		return NULL;
	}
	json_decref(extra);
	return fixture_statement(root);
}

/*
 * The body that posts st signed by k, {"statement":S,"minisig":"..."},
 * for free().
 */
char *
fixture_wire(const struct fixture_key *k, const struct statement *st)
{
	struct buf	 b;
	char		*sig = fixture_sign(k, st);

	buf_init(&b);
	buf_puts(&b, "{\"statement\":");
	buf_add(&b, st->canonical, st->canonical_len);
	buf_puts(&b, ",\"minisig\":");
	jcs_write_string(&b, sig, strlen(sig));
	buf_putc(&b, '}');
	free(sig);
	return buf_take(&b);
}

struct fixture_key	*key_curator, *key_other, *key_third;

/*
 * A new key whose base64 holds a '/' or a '+', which a URI naming it must
 * escape: one key in six has neither.
 */
struct fixture_key *
fixture_key_escaped(void)
{
	struct fixture_key	*k = NULL;

	do {
		fixture_key_free(k);
		k = fixture_key_new();
	} while (strpbrk(k->pubkey, "/+") == NULL);
	return k;
}

/* cmocka group setup: libsodium, quiet logs, and the three keys. */
int
fixture_group_setup(void **state)
{
	if (sodium_init() < 0)
		return -1;
	log_init("test", 0, 1);
	key_curator = fixture_key_new();
	key_other = fixture_key_escaped();	/* its URIs escape it */
	key_third = fixture_key_new();
	return 0;
}

int
fixture_group_teardown(void **state)
{
	fixture_key_free(key_curator);
	fixture_key_free(key_other);
	fixture_key_free(key_third);
	return 0;
}
