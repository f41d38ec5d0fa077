/*
 * cmd_import.c: gloss import-log, replaying one glossd's log into another,
 * and gloss import, loading a bundle.
 *
 * Every statement is checked here first and sent exactly as it was
 * signed, so the target checks every signature again; the requests are
 * signed with the user's key, which the target must list as a curator or
 * importer, because statements from the past would otherwise be refused
 * as replays.  Replaying a log into an empty glossd rebuilds every view
 * from the log alone.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"

struct import_ctx {
	struct client	*target;
	int64_t		 added;		/* new there, not repeats */
	int		 rc;		/* the last POST's exit code */
};

/*
 * POST one verified statement to the target, its bytes exactly as they
 * were signed.  Returns EXIT_OK (accepted or already there), or the exit
 * code after a message (kept in ctx->rc).
 */
static int
import_post(const struct verified *v, void *arg)
{
	struct import_ctx	*ctx = arg;
	struct net_response	 resp;
	int			 rc = EXIT_OK;

	if (post_wire(ctx->target, v->canonical, v->canonical_len,
	    v->minisig, &resp) == -1)
		rc = EXIT_USAGE;
	else if (resp.status != 200 && resp.status != 201) {
		fprintf(stderr, "gloss: %s %s refused:\n",
		    stmt_type_name(v->st->type), v->st->id);
		rc = net_refused(&resp);
	} else
		ctx->added += resp.status == 201;
	net_response_clear(&resp);
	return ctx->rc = rc;
}

/* One /v1/log line of the source, checked, then posted. */
static int
import_line(const char *line, size_t len, int64_t *seq, void *arg)
{
	struct verified	v;
	int		rc = EXIT_REFUSED;

	memset(&v, 0, sizeof v);
	if (verify_line(line, len, &v, seq) == 0)
		rc = import_post(&v, arg);
	verified_clear(&v);
	return rc;
}

/* Sign requests with the user's key: the target must know it. */
static struct minisig_seckey *
import_signer(struct client *c)
{
	struct minisig_seckey	*sk;
	struct minisig_pubkey	 pk;

	sk = keys_load_secret(c, &pk);
	c->signer = sk;
	return sk;
}

int
cmd_import_log(struct client *c, int argc, char **argv)
{
	struct import_ctx	 ctx = { c, 0, EXIT_OK };
	struct minisig_seckey	*sk;
	struct client		 src;
	int64_t			 after, n = 0;
	int			 rc;

	if (cmd_after(argc, argv, &after, NULL, "SOURCE-URL") == -1)
		return cmd_usage("import-log");
	if ((sk = import_signer(c)) == NULL)
		return EXIT_USAGE;
	memset(&src, 0, sizeof src);
	src.server = argv[optind];
	rc = net_log_walk(&src, &after, &n, import_line, &ctx);
	net_close(&src);
	c->signer = NULL;
	minisig_seckey_free(sk);
	if (rc == EXIT_OK)
		fprintf(stderr, "read %lld statements up to seq %lld, %lld "
		    "of them new here\n", (long long)n, (long long)after,
		    (long long)ctx.added);
	else
		fprintf(stderr, "gloss: stopped after seq %lld (%lld new "
		    "here); resume with --after %lld\n", (long long)after,
		    (long long)ctx.added, (long long)after);
	return rc;
}

/*
 * gloss import DIR: load a bundle (gloss export RID -o DIR) into the
 * server, in log order, after checking all of it: a bundle with one bad
 * file sends nothing.  The target checks every signature again and keeps
 * each statement's created time because the request is signed by a key
 * it lists as a curator or importer.
 */
int
cmd_import(struct client *c, int argc, char **argv)
{
	struct import_ctx	 ctx = { c, 0, EXIT_OK };
	struct bundle_walk	 walk = { import_post, &ctx, 0 };
	struct minisig_seckey	*sk;
	int64_t			 n;
	int			 failed;

	if (cmd_operands(c, argc, argv, "DIR", 0) == -1)
		return cmd_usage("import");
	if ((failed = bundle_check(argv[optind], NULL, &n)) > 0) {
		fprintf(stderr, "gloss: %s: %d problem%s; nothing was sent\n",
		    argv[optind], failed, failed == 1 ? "" : "s");
		return EXIT_REFUSED;
	}
	if ((sk = import_signer(c)) == NULL)
		return EXIT_USAGE;
	failed = bundle_check(argv[optind], &walk, &n);
	c->signer = NULL;
	minisig_seckey_free(sk);
	if (failed > 0)
		return ctx.rc != EXIT_OK ? ctx.rc : EXIT_REFUSED;
	if (c->json)
		printf("{\"statements\":%lld,\"new\":%lld}\n", (long long)n,
		    (long long)ctx.added);
	fprintf(stderr, "imported %lld statements from %s, %lld of them new "
	    "here\n", (long long)n, argv[optind], (long long)ctx.added);
	return EXIT_OK;
}
