/*
 * cmd_import.c: gloss import-log, replaying one glossd's log into another.
 *
 * Every statement is sent exactly as the source stored it, so the target
 * checks every signature again; the requests are signed with the user's
 * key, which the target must list as an importer, because statements
 * from the past would otherwise be refused as replays.  Replaying a log
 * into an empty glossd rebuilds every view from the log alone.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"

/*
 * POST one /v1/log line to the target.  Returns 0 (accepted or already
 * there), or an exit code after a message.
 */
struct import_ctx {
	struct client	*target;
	int64_t		 added;		/* new there, not repeats */
};

static int
import_line(const char *line, size_t len, int64_t *seq, void *arg)
{
	struct import_ctx	*ctx = arg;
	struct client		*c = ctx->target;
	struct net_response	 resp;
	struct jcs_err		 err;
	struct buf		 body;
	json_t			*root, *st;
	const char		*minisig;
	int			 rc = EXIT_OK;

	if ((root = jcs_parse(line, len, &err)) == NULL ||
	    (st = json_object_get(root, "statement")) == NULL ||
	    (minisig = json_string_value(json_object_get(root,
	    "minisig"))) == NULL) {
		fprintf(stderr, "gloss: the source sent a bad log line: %s\n",
		    root == NULL ? err.message : "no statement or minisig");
		json_decref(root);
		return EXIT_USAGE;
	}
	*seq = json_integer_value(json_object_get(root, "seq"));
	buf_init(&body);
	buf_puts(&body, "{\"statement\":");
	if (jcs_serialize(st, &body, &err) == -1) {
		fprintf(stderr, "gloss: log line %lld: %s\n", (long long)*seq,
		    err.message);
		rc = EXIT_USAGE;
		goto out;
	}
	buf_puts(&body, ",\"minisig\":");
	jcs_write_string(&body, minisig, strlen(minisig));
	buf_putc(&body, '}');
	if (net_request(c, "POST", "/v1/statements", body.data, body.len,
	    &resp) == -1)
		rc = EXIT_USAGE;
	else if (resp.status != 200 && resp.status != 201) {
		fprintf(stderr, "gloss: log line %lld refused:\n",
		    (long long)*seq);
		rc = net_refused(&resp);
	} else
		ctx->added += resp.status == 201;
	net_response_clear(&resp);
out:
	buf_free(&body);
	json_decref(root);
	return rc;
}

int
cmd_import_log(struct client *c, int argc, char **argv)
{
	struct import_ctx	 ctx = { c, 0 };
	struct minisig_seckey	*sk;
	struct minisig_pubkey	 pk;
	struct client		 src;
	int64_t			 after, n = 0;
	int			 rc;

	if (cmd_after(argc, argv, &after) != 1)
		return cmd_usage("import-log");
	if ((sk = keys_load_secret(c, &pk)) == NULL)
		return EXIT_USAGE;
	c->signer = sk;
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
	return rc;
}
