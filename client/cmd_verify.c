/*
 * cmd_verify.c: gloss verify and gloss export.
 *
 * Verification never trusts the server: it takes the exact bytes S and the
 * minisig, checks that S is canonical, that its SHA-256 is the id asked
 * for, and that the author's key signed it with the trusted comment naming
 * that id.  Export writes the same three files minisign -V needs.
 */

#include <sys/stat.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"

#define VERIFY_FILE_MAX	(1024 * 1024)

void
verified_clear(struct verified *v)
{
	free(v->canonical);
	free(v->minisig);
	stmt_free(v->st);
	memset(v, 0, sizeof *v);
}

/*
 * Check v->canonical and v->minisig; id, when not NULL, is the id they
 * must carry.  Returns 0, or -1 after saying why on stderr.
 */
int
verify_bytes(struct verified *v, const char *id)
{
	struct jcs_err	 err;
	json_t		*root;
	const char	*code;
	char		*message;

	if ((root = jcs_parse(v->canonical, v->canonical_len, &err)) == NULL) {
		fprintf(stderr, "gloss: invalid: %s\n", err.message);
		return -1;
	}
	if ((v->st = stmt_from_json(root, NULL, &code, &message)) == NULL) {
		fprintf(stderr, "gloss: invalid: %s\n", message);
		free(message);
		return -1;
	}
	if (v->st->canonical_len != v->canonical_len ||
	    memcmp(v->st->canonical, v->canonical, v->canonical_len) != 0) {
		fprintf(stderr, "gloss: invalid: the statement is not in "
		    "canonical form\n");
		return -1;
	}
	if (id != NULL && strcmp(v->st->id, id) != 0) {
		fprintf(stderr, "gloss: invalid: the statement's bytes hash "
		    "to %s, not %s\n", v->st->id, id);
		return -1;
	}
	if (stmt_verify(v->st, v->minisig, strlen(v->minisig), &code,
	    &message) == -1) {
		fprintf(stderr, "gloss: invalid: %s (%s)\n", message, code);
		free(message);
		return -1;
	}
	return 0;
}

/* GET path into *out; exit code on failure. */
static int
verify_fetch(struct client *c, const char *path, char **out, size_t *len)
{
	struct net_response	resp;
	int			rc = EXIT_OK;

	if (net_request(c, "GET", path, NULL, 0, &resp) == -1)
		rc = EXIT_USAGE;
	else if (resp.status != 200)
		rc = net_refused(&resp);
	else {
		if (len != NULL)
			*len = resp.body.len;
		buf_add(&resp.body, "", 0);
		*out = buf_take(&resp.body);
	}
	net_response_clear(&resp);
	return rc;
}

/*
 * Fetch statement id's exact bytes and minisig from the server into v and
 * check them (verify_bytes): what the statement says is then its
 * author's, not the server's.  An exit status, after saying why.
 */
int
verify_statement(struct client *c, const char *id, struct verified *v)
{
	char	*path;
	int	 rc;

	xasprintf(&path, "/v1/statements/%s.json", id);
	rc = verify_fetch(c, path, &v->canonical, &v->canonical_len);
	free(path);
	if (rc != EXIT_OK)
		return rc;
	xasprintf(&path, "/v1/statements/%s.minisig", id);
	rc = verify_fetch(c, path, &v->minisig, NULL);
	free(path);
	if (rc != EXIT_OK)
		return rc;
	return verify_bytes(v, id) == 0 ? EXIT_OK : EXIT_REFUSED;
}

/*
 * Fetch a statement's exact bytes and minisig from the server and check;
 * *arg is its id, or the first digits of it (cmd_statement_id).
 */
static int
verify_remote(struct client *c, char **arg, struct verified *v)
{
	int	rc;

	if (!cmd_id_form(*arg)) {
		cmd_error("\"%s\" is neither a file nor a statement id",
		    cmd_word(*arg));
		return EXIT_USAGE;
	}
	if ((rc = cmd_statement_id(c, arg)) != EXIT_OK)
		return rc;
	return verify_statement(c, *arg, v);
}

/* FILE with FILE.minisig beside it. */
static int
verify_local(const char *file, struct verified *v)
{
	char	*sigpath;
	size_t	 len;

	xasprintf(&sigpath, "%s.minisig", file);
	v->canonical = file_read(file, VERIFY_FILE_MAX, &v->canonical_len);
	v->minisig = file_read(sigpath, VERIFY_FILE_MAX, &len);
	free(sigpath);
	if (v->canonical == NULL || v->minisig == NULL)
		return EXIT_USAGE;
	return verify_bytes(v, NULL) == 0 ? EXIT_OK : EXIT_REFUSED;
}

static void
verify_report(struct client *c, const struct verified *v)
{
	char	hex[17];

	minisig_keyid(&v->st->key, hex);
	if (c->json)
		printf("{\"valid\":true,\"id\":\"%s\",\"type\":\"%s\","
		    "\"author\":\"%s\"}\n", v->st->id,
		    stmt_type_name(v->st->type), v->st->author);
	else
		printf("valid: %s %s signed by %s (key id %s)\n",
		    stmt_type_name(v->st->type), v->st->id, v->st->author, hex);
}

int
cmd_verify(struct client *c, int argc, char **argv)
{
	struct verified	 v;
	struct stat	 sb;
	int		 rc;

	if (cmd_operands(c, argc, argv, "ID|FILE", 0) == -1)
		return cmd_usage("verify");
	if (stat(argv[optind], &sb) == 0 && S_ISDIR(sb.st_mode))
		return cmd_misuse("\"%s\" is a directory: gloss verify-bundle "
		    "checks a bundle", cmd_word(argv[optind]));
	memset(&v, 0, sizeof v);
	if (access(argv[optind], F_OK) == 0)
		rc = verify_local(argv[optind], &v);
	else
		rc = verify_remote(c, &argv[optind], &v);
	if (rc == EXIT_OK)
		verify_report(c, &v);
	verified_clear(&v);
	return rc;
}

/*
 * Whether the server has a record named rid: 1, 0 when it answers that
 * it has none, or -1 with *rc after saying why.
 */
static int
export_has_record(struct client *c, const char *rid, int *rc)
{
	struct net_response	 resp;
	char			*path, *e = net_escape(rid);
	int			 has;

	xasprintf(&path, "/v1/records/%s", e);
	free(e);
	has = net_request(c, "GET", path, NULL, 0, &resp);
	free(path);
	if (has == -1) {
		*rc = EXIT_USAGE;
		return -1;
	}
	if (resp.status == 200 || resp.status == 404)
		has = resp.status == 200;
	else {
		*rc = net_refused(&resp);	/* a 429 or a 5xx: neither */
		has = -1;
	}
	net_response_clear(&resp);
	return has;
}

/*
 * gloss export ID|RID -o DIR: a whole statement id names a statement; a
 * record's id, a record, which it stays when it could also be the first
 * digits of a statement's id; those digits otherwise (cmd_statement_id).
 */
int
cmd_export(struct client *c, int argc, char **argv)
{
	struct verified	 v;
	const char	*dir = NULL;
	char		*path[3], *pub = NULL, hex[17];
	const char	*data[3];
	size_t		 len[3], i;
	int		 ch, rc, record;

	while ((ch = cmd_getopt(argc, argv, "o:", NULL)) != -1) {
		if (ch != 'o')
			return cmd_usage("export");
		dir = optarg;
	}
	if (cmd_arity(argc, argv, "ID|RID", 0) == -1)
		return cmd_usage("export");
	if (dir == NULL)
		return cmd_misuse("-o is required");
	if (!stmt_id_valid(argv[optind]) && stmt_rid_valid(argv[optind])) {
		record = !cmd_id_form(argv[optind]) ? 1 :
		    export_has_record(c, argv[optind], &rc);
		if (record == -1)
			return rc;
		if (record == 1)
			return bundle_export(c, argv[optind], dir);
	}
	memset(&v, 0, sizeof v);
	memset(path, 0, sizeof path);
	if ((rc = verify_remote(c, &argv[optind], &v)) != EXIT_OK)
		goto out;
	rc = EXIT_USAGE;
	if (file_mkdirs(dir, 0755, NULL) == -1)
		goto out;
	minisig_keyid(&v.st->key, hex);
	pub = minisig_pubkey_file(&v.st->key);
	xasprintf(&path[0], "%s/%s.json", dir, v.st->id);
	xasprintf(&path[1], "%s/%s.json.minisig", dir, v.st->id);
	xasprintf(&path[2], "%s/%s.pub", dir, hex);
	data[0] = v.canonical;
	len[0] = v.canonical_len;
	data[1] = v.minisig;
	len[1] = strlen(v.minisig);
	data[2] = pub;
	len[2] = strlen(pub);
	for (i = 0; i < 3; i++) {
		if (file_write(path[i], data[i], len[i], 0644) == -1)
			goto out;
	}
	for (i = 0; i < 3; i++)
		printf("%s\n", path[i]);
	rc = EXIT_OK;
out:
	for (i = 0; i < 3; i++)
		free(path[i]);
	free(pub);
	verified_clear(&v);
	return rc;
}

/*
 * Take one /v1/log line apart into v (logline.c) and check its bytes
 * against the line's id; *seq is the line's.  Returns 0, or -1 after
 * saying why.
 */
int
verify_line(const char *line, size_t len, struct verified *v, int64_t *seq)
{
	struct logline	 ll;
	const char	*errstr;
	int		 rc = -1;

	if (logline_parse(line, len, &ll, &errstr) == -1) {
		fprintf(stderr, "gloss: invalid: %s\n", errstr);
		return -1;
	}
	*seq = ll.seq;
	v->canonical = xstrndup(ll.canonical, ll.canonical_len);
	v->canonical_len = ll.canonical_len;
	v->minisig = ll.minisig;
	ll.minisig = NULL;
	if (verify_bytes(v, ll.id) == -1)
		fprintf(stderr, "gloss: log line seq %lld does not verify\n",
		    (long long)*seq);
	else
		rc = 0;
	logline_clear(&ll);
	return rc;
}

/* The line verify-log's walk stopped at, if one did not verify. */
struct verify_failure {
	int	 failed;
	int64_t	 seq;		/* -1 for a line without one */
};

/* One line of verify-log's walk. */
static int
verify_log_line(const char *line, size_t len, int64_t *seq, void *arg)
{
	struct verify_failure	*vf = arg;
	struct verified		 v;

	memset(&v, 0, sizeof v);
	*seq = -1;
	if (verify_line(line, len, &v, seq) == -1) {
		vf->failed = 1;
		vf->seq = *seq;
	}
	verified_clear(&v);
	return vf->failed ? EXIT_REFUSED : EXIT_OK;
}

/*
 * Where the log ends, as /healthz tells it (its "statements" is the last
 * seq), for a walk that found nothing after its start; -1 when the server
 * does not say.  Quietly: the walk's answer stands either way.
 */
static int64_t
verify_log_end(struct client *c)
{
	struct net_response	 resp;
	json_t			*h, *last;
	int64_t			 end = -1;

	if (net_request(c, "GET", "/healthz", NULL, 0, &resp) == 0 &&
	    resp.status == 200 && (h = json_loadb(resp.body.data,
	    resp.body.len, 0, NULL)) != NULL) {
		if (json_is_integer(last = json_object_get(h, "statements")))
			end = json_integer_value(last);
		json_decref(h);
	}
	net_response_clear(&resp);
	return end;
}

/*
 * gloss verify-log [--after SEQ] [--json]: fetch the whole log and check
 * every statement in it, offline from the server's word.  With --json, the
 * outcome of a walk that ran to its end or to a line that does not verify
 * is an object: valid, the statements verified, the seq walked after and
 * up to, and the failed line's seq (null if it has none).
 */
int
cmd_verify_log(struct client *c, int argc, char **argv)
{
	struct verify_failure	 vf = { 0, -1 };
	json_t			*root;
	int64_t			 after, up_to, end, n = 0;
	int			 rc;

	if (cmd_after(argc, argv, &after, &c->json, "") == -1)
		return cmd_usage("verify-log");
	up_to = after;
	rc = net_log_walk(c, &up_to, &n, verify_log_line, &vf);
	/* Nothing after the start: say where the log ends, if it is told. */
	end = rc == EXIT_OK && n == 0 ? verify_log_end(c) : -1;
	if (c->json && (rc == EXIT_OK || vf.failed)) {
		root = json_pack("{s:b,s:I,s:I,s:I}", "valid", !vf.failed,
		    "statements", (json_int_t)n, "after", (json_int_t)after,
		    "up_to", (json_int_t)up_to);
		if (vf.failed)
			json_object_set_new(root, "failed_seq", vf.seq >= 0 ?
			    json_integer(vf.seq) : json_null());
		if (end != -1)
			json_object_set_new(root, "log_ends_at",
			    json_integer(end));
		out_json(root);
		json_decref(root);
	} else if (rc == EXIT_OK && n > 0)
		printf("valid: %lld statements, up to seq %lld\n",
		    (long long)n, (long long)up_to);
	else if (rc == EXIT_OK) {
		printf("valid: 0 statements: nothing follows seq %lld",
		    (long long)after);
		if (end != -1)
			printf(", the log ends at seq %lld", (long long)end);
		putchar('\n');
	}
	return rc;
}
