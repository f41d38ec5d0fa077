/*
 * cmd_import.c: gloss import-log, replaying one glossd's log into another.
 *
 * Every statement is sent exactly as the source stored it, so the target
 * checks every signature again; the requests are signed with the user's
 * key, which the target must list as an importer, because statements
 * from the past would otherwise be refused as replays.  Replaying a log
 * into an empty glossd rebuilds every view from the log alone.
 */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"

/*
 * POST one /v1/log line to the target.  Returns 0 (accepted or already
 * there), or an exit code after a message.
 */
static int
import_line(struct client *c, const char *line, size_t len, int64_t *seq,
    int64_t *added)
{
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
		*added += resp.status == 201;
	net_response_clear(&resp);
out:
	buf_free(&body);
	json_decref(root);
	return rc;
}

int
cmd_import_log(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "after", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	struct minisig_seckey	*sk;
	struct minisig_pubkey	 pk;
	struct client		 src;
	struct net_response	 resp;
	char			*path, *p, *nl, *end;
	int64_t			 after = 0, seq, n = 0, added = 0;
	int			 ch, rc = EXIT_OK, lines;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 'a')
			return cmd_usage("import-log");
		after = strtoll(optarg, &end, 10);
		if (*optarg == '\0' || *end != '\0' || after < 0)
			return cmd_usage("import-log");
	}
	if (optind + 1 != argc)
		return cmd_usage("import-log");
	if ((sk = keys_load_secret(c, &pk)) == NULL)
		return EXIT_USAGE;
	c->signer = sk;
	memset(&src, 0, sizeof src);
	src.server = argv[optind];
	do {
		xasprintf(&path, "/v1/log?after=%lld", (long long)after);
		if (net_request(&src, "GET", path, NULL, 0, &resp) == -1)
			rc = EXIT_USAGE;
		else if (resp.status != 200)
			rc = net_refused(&resp);
		free(path);
		lines = 0;
		for (p = resp.body.data; rc == EXIT_OK && p != NULL &&
		    p < resp.body.data + resp.body.len; p = nl + 1) {
			if ((nl = memchr(p, '\n', resp.body.data +
			    resp.body.len - p)) == NULL)
				nl = resp.body.data + resp.body.len;
			if ((rc = import_line(c, p, nl - p, &seq,
			    &added)) == EXIT_OK) {
				after = seq;
				lines++;
				n++;
			}
		}
		net_response_clear(&resp);
	} while (rc == EXIT_OK && lines > 0);
	net_close(&src);
	c->signer = NULL;
	minisig_seckey_free(sk);
	if (rc == EXIT_OK)
		fprintf(stderr, "read %lld statements up to seq %lld, %lld "
		    "of them new here\n", (long long)n, (long long)after,
		    (long long)added);
	return rc;
}
