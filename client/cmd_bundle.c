/*
 * cmd_bundle.c: a record's commentary as a directory anyone can verify
 * offline: gloss export RID -o DIR writes it, gloss verify-bundle DIR
 * checks it (gloss import DIR loads it elsewhere, in cmd_import.c).
 *
 * The format asks nothing of its reader but sha256sum and the stock
 * minisign: SHA256SUMS is sha256sum -c's own input, and STATEMENTS lists
 * each statement's id, type and author key id in log order, so
 *
 *	sha256sum -c SHA256SUMS
 *	while read id type key; do minisign -Vm $id.json -p $key.pub; done \
 *	    < STATEMENTS
 *
 * verifies all of it.  Every file name in a bundle is made here from ids
 * and key ids (hex), never taken from the server's words.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"

#define BUNDLE_FILE_MAX		(1024 * 1024)
#define BUNDLE_LIST_MAX		(256 * 1024 * 1024)

static const char bundle_readme[] =
    "A gloss bundle: every statement about one record, each signed by its\n"
    "author with minisign.  To verify it with nothing but sha256sum and\n"
    "minisign:\n"
    "\n"
    "    sha256sum -c SHA256SUMS\n"
    "    while read id type key; do\n"
    "        minisign -Vm \"$id.json\" -p \"$key.pub\" || echo \"BAD $id\"\n"
    "    done < STATEMENTS\n"
    "\n"
    "STATEMENTS lists the statements in the order the server accepted\n"
    "them; each trusted comment must read \"gloss/1 id=<id>\", and each\n"
    "<id> is the SHA-256 of <id>.json.  gloss verify-bundle does all of\n"
    "this; gloss import loads the bundle into another glossd.\n";

struct bundle_out {
	const char	*dir;
	struct buf	 sums;		/* SHA256SUMS */
	struct buf	 list;		/* STATEMENTS */
	json_t		*keys;		/* key ids written */
	int64_t		 n;
};

/* Write dir/name and add its line to SHA256SUMS. */
static int
bundle_write(struct bundle_out *b, const char *name, const void *data,
    size_t len)
{
	char	*path, hex[GLOSS_ID_LEN + 1];
	int	 rc;

	xasprintf(&path, "%s/%s", b->dir, name);
	rc = file_write(path, data, len, 0644);
	free(path);
	stmt_sha256_hex(data, len, hex);
	buf_printf(&b->sums, "%s  %s\n", hex, name);
	return rc;
}

/* One verified statement: ID.json, ID.json.minisig, its author's .pub. */
static int
bundle_statement(struct bundle_out *b, const struct verified *v)
{
	char	name[GLOSS_ID_LEN + 32], hex[17], *pub;
	int	rc = 0;

	minisig_keyid(&v->st->key, hex);
	snprintf(name, sizeof name, "%s.json", v->st->id);
	if (bundle_write(b, name, v->canonical, v->canonical_len) == -1)
		return -1;
	snprintf(name, sizeof name, "%s.json.minisig", v->st->id);
	if (bundle_write(b, name, v->minisig, strlen(v->minisig)) == -1)
		return -1;
	if (json_object_get(b->keys, hex) == NULL) {
		json_object_set_new(b->keys, hex, json_true());
		pub = minisig_pubkey_file(&v->st->key);
		snprintf(name, sizeof name, "%s.pub", hex);
		rc = bundle_write(b, name, pub, strlen(pub));
		free(pub);
	}
	buf_printf(&b->list, "%s %s %s\n", v->st->id,
	    stmt_type_name(v->st->type), hex);
	b->n++;
	return rc;
}

/* A directory to write a bundle into: new, or empty. */
static int
bundle_dir(const char *dir)
{
	struct dirent	*de;
	DIR		*d;
	int		 empty = 1;

	if (file_mkdirs(dir, 0755, NULL) == -1)
		return -1;
	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "gloss: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while (empty && (de = readdir(d)) != NULL)
		empty = strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0;
	closedir(d);
	if (!empty)
		fprintf(stderr, "gloss: %s is not empty\n", dir);
	return empty ? 0 : -1;
}

/*
 * Verify every line of a bundle as verify-log does, into *vs (*n of
 * them).  Returns the number of lines that do not verify, each reported.
 */
static int
bundle_verify_lines(const struct buf *body, struct verified **vs,
    size_t *n)
{
	const char	*p = body->data, *end = body->data + body->len, *nl;
	int64_t		 seq;
	int		 failed = 0;

	*vs = NULL;
	*n = 0;
	for (; p != NULL && p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		*vs = xreallocarray(*vs, *n + 1, sizeof **vs);
		memset(&(*vs)[*n], 0, sizeof **vs);
		if (verify_line(p, nl - p, &(*vs)[*n], &seq) == -1) {
			verified_clear(&(*vs)[*n]);
			failed++;
		} else
			(*n)++;
	}
	return failed;
}

/* bundle.json, README, STATEMENTS, then SHA256SUMS over all of it. */
static int
bundle_finish(struct bundle_out *b, const char *rid, const char *server)
{
	json_t	*meta;
	char	*text, *path;
	int	 rc = 0;

	meta = json_pack("{s:s, s:s, s:s, s:I}", "format", "gloss-bundle/1",
	    "record", rid, "source", server, "statements", (json_int_t)b->n);
	text = json_dumps(meta, JSON_SORT_KEYS | JSON_INDENT(2));
	json_decref(meta);
	if (bundle_write(b, "bundle.json", text, strlen(text)) == -1 ||
	    bundle_write(b, "README", bundle_readme,
	    sizeof bundle_readme - 1) == -1 ||
	    bundle_write(b, "STATEMENTS", b->list.data, b->list.len) == -1)
		rc = -1;
	free(text);
	xasprintf(&path, "%s/SHA256SUMS", b->dir);
	if (rc == 0 &&
	    file_write(path, b->sums.data, b->sums.len, 0644) == -1)
		rc = -1;
	free(path);
	return rc;
}

/*
 * gloss export RID -o DIR: fetch the record's bundle and verify all of it
 * before writing anything, so DIR holds a whole bundle or nothing new.
 */
int
bundle_export(struct client *c, const char *rid, const char *dir)
{
	struct bundle_out	 b;
	struct net_response	 resp;
	struct verified		*vs;
	char			*path, *e;
	size_t			 n, i;
	int			 rc, failed;

	e = net_escape(rid);
	xasprintf(&path, "/v1/records/%s/bundle", e);
	free(e);
	rc = net_request(c, "GET", path, NULL, 0, &resp);
	free(path);
	if (rc == -1)
		return EXIT_USAGE;
	if (resp.status != 200) {
		rc = net_refused(&resp);
		net_response_clear(&resp);
		return rc;
	}
	failed = bundle_verify_lines(&resp.body, &vs, &n);
	net_response_clear(&resp);
	memset(&b, 0, sizeof b);
	b.dir = dir;
	buf_init(&b.sums);
	buf_init(&b.list);
	b.keys = json_object();
	if (failed > 0) {
		fprintf(stderr, "gloss: %d statement%s of %s did not verify; "
		    "nothing was written\n", failed, failed == 1 ? "" : "s",
		    rid);
		rc = EXIT_REFUSED;
	} else if (bundle_dir(dir) == -1)
		rc = EXIT_USAGE;
	else {
		for (i = 0; rc == EXIT_OK && i < n; i++)
			if (bundle_statement(&b, &vs[i]) == -1)
				rc = EXIT_USAGE;
		if (rc == EXIT_OK && bundle_finish(&b, rid, c->server) == -1)
			rc = EXIT_USAGE;
	}
	if (rc == EXIT_OK)
		printf("%s: %lld statements of %s\n", dir, (long long)b.n,
		    rid);
	for (i = 0; i < n; i++)
		verified_clear(&vs[i]);
	free(vs);
	buf_free(&b.sums);
	buf_free(&b.list);
	json_decref(b.keys);
	return rc;
}

/*
 * A name a bundle may hold: the ones export writes, made of ids and key
 * ids, so none can reach outside the directory or a terminal's escapes.
 */
static int
bundle_name_ok(const char *name)
{
	static const char *const fixed[] = { "bundle.json", "README",
	    "STATEMENTS" };
	size_t	i, len = strlen(name);

	for (i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
		if (strcmp(name, fixed[i]) == 0)
			return 1;
	}
	if (len == 16 + 4 && strcmp(name + 16, ".pub") == 0)
		return strspn(name, "0123456789ABCDEF") == 16;
	if (strspn(name, "0123456789abcdef") != GLOSS_ID_LEN)
		return 0;
	return strcmp(name + GLOSS_ID_LEN, ".json") == 0 ||
	    strcmp(name + GLOSS_ID_LEN, ".json.minisig") == 0;
}

/*
 * dir/name's bytes (at most max), or NULL after saying why: a regular
 * file only, so a link cannot lead out of the bundle nor a FIFO hang it.
 */
static char *
bundle_read(const char *dir, const char *name, size_t max, size_t *len)
{
	struct stat	 sb;
	char		*path, *data = NULL;

	xasprintf(&path, "%s/%s", dir, name);
	if (lstat(path, &sb) == -1)
		fprintf(stderr, "gloss: %s: %s\n", path, strerror(errno));
	else if (!S_ISREG(sb.st_mode))
		fprintf(stderr, "gloss: %s: not a regular file\n", path);
	else
		data = file_read(path, max, len);
	free(path);
	return data;
}

/*
 * Check every line of SHA256SUMS; the names it lists go into ok, true
 * with a good sum, false with a bad one (reported here).  Returns the
 * number of failures.
 */
static int
bundle_check_sums(const char *dir, json_t *ok)
{
	char	*sums, *line, *next, *data, hex[GLOSS_ID_LEN + 1];
	size_t	 len;
	int	 failed = 0;

	if ((sums = bundle_read(dir, "SHA256SUMS", BUNDLE_LIST_MAX, &len)) ==
	    NULL)
		return 1;
	for (line = sums; *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) == NULL)
			next = line + strlen(line);
		else
			*next++ = '\0';
		if (strlen(line) < GLOSS_ID_LEN + 3 ||
		    strncmp(line + GLOSS_ID_LEN, "  ", 2) != 0 ||
		    !bundle_name_ok(line + GLOSS_ID_LEN + 2)) {
			fprintf(stderr, "gloss: SHA256SUMS: a bad line\n");
			failed++;
			continue;
		}
		line[GLOSS_ID_LEN] = '\0';
		if ((data = bundle_read(dir, line + GLOSS_ID_LEN + 2,
		    BUNDLE_LIST_MAX, &len)) == NULL) {
			json_object_set_new(ok, line + GLOSS_ID_LEN + 2,
			    json_false());
			failed++;
			continue;
		}
		stmt_sha256_hex(data, len, hex);
		free(data);
		if (strcmp(hex, line) != 0) {
			fprintf(stderr, "gloss: %s: its SHA-256 is not the "
			    "one SHA256SUMS gives\n", line + GLOSS_ID_LEN + 2);
			failed++;
		}
		json_object_set_new(ok, line + GLOSS_ID_LEN + 2,
		    json_boolean(strcmp(hex, line) == 0));
	}
	free(sums);
	return failed;
}

/*
 * The file name of dir as SHA256SUMS vouched for it, or NULL.  A name
 * listed with a bad sum was reported (and counted) there; one not
 * listed, or unreadable now, is here, in *failed.
 */
static char *
bundle_vouched(const char *dir, json_t *ok, const char *name, size_t *len,
    int *failed)
{
	json_t	*sum = json_object_get(ok, name);
	char	*data = NULL;

	if (sum == NULL)
		fprintf(stderr, "gloss: %s is not listed in SHA256SUMS\n",
		    name);
	if (json_is_true(sum) &&
	    (data = bundle_read(dir, name, BUNDLE_FILE_MAX, len)) != NULL)
		return data;
	if (sum == NULL || json_is_true(sum))
		(*failed)++;
	return NULL;
}

/*
 * Failures of one STATEMENTS line: "ID TYPE KEYID", each reported once:
 * a statement whose files (its key's too) failed their sums adds none
 * of its own.
 */
static int
bundle_check_statement(const char *dir, json_t *ok, const char *id,
    const char *type, const char *keyid, struct bundle_walk *walk)
{
	struct minisig_pubkey	 pk;
	struct verified		 v;
	const char		*errstr, *key;
	char			 name[GLOSS_ID_LEN + 32], hex[17], *pub;
	size_t			 len;
	int			 failed = 0, good;

	memset(&v, 0, sizeof v);
	snprintf(name, sizeof name, "%s.json", id);
	v.canonical = bundle_vouched(dir, ok, name, &v.canonical_len,
	    &failed);
	snprintf(name, sizeof name, "%s.json.minisig", id);
	v.minisig = bundle_vouched(dir, ok, name, &len, &failed);
	good = v.canonical != NULL && v.minisig != NULL;
	if (good && verify_bytes(&v, id) == -1) {
		fprintf(stderr, "gloss: %s.json does not verify\n", id);
		good = 0;
		failed++;
	}
	if (good && strcmp(stmt_type_name(v.st->type), type) != 0) {
		fprintf(stderr, "gloss: %s: STATEMENTS says %s, it is a %s\n",
		    id, type, stmt_type_name(v.st->type));
		good = 0;
		failed++;
	}
	snprintf(name, sizeof name, "%s.pub", keyid);
	pub = bundle_vouched(dir, ok, name, &len, &failed);
	key = pub != NULL ? strchr(pub, '\n') : NULL;
	if (pub == NULL)
		good = 0;
	else if (key == NULL || minisig_pubkey_parse(key + 1, strcspn(key + 1,
	    "\r\n"), &pk, &errstr) == -1) {
		fprintf(stderr, "gloss: %s: %s holds no public key\n", id, name);
		good = 0;
		failed++;
	} else if (good) {
		minisig_keyid(&v.st->key, hex);
		if (strcmp(hex, keyid) != 0 || memcmp(&pk, &v.st->key,
		    sizeof pk) != 0) {
			fprintf(stderr, "gloss: %s: signed by %s, not by the "
			    "key in %s\n", id, hex, name);
			good = 0;
			failed++;
		}
	}
	if (good && walk != NULL && walk->cb(&v, walk->arg) != 0) {
		good = 0;
		failed++;
	}
	/* What follows may depend on it: a walk ends at the first failure. */
	if (!good && walk != NULL)
		walk->stopped = 1;
	free(pub);
	verified_clear(&v);
	return failed;
}

/*
 * Check the bundle in dir: every sum, every statement, every key; walk,
 * when not NULL, is called for each good statement in log order, and the
 * first statement that fails (or that walk fails on) stops the check.
 * Returns the number of failures (each reported on stderr) and the
 * statements seen in *n.
 */
int
bundle_check(const char *dir, struct bundle_walk *walk, int64_t *n)
{
	json_t	*ok = json_object();
	char	*list, *line, *next, id[GLOSS_ID_LEN + 1], type[32], keyid[17];
	size_t	 len;
	int	 failed;

	*n = 0;
	failed = bundle_check_sums(dir, ok);
	if (!json_is_true(json_object_get(ok, "STATEMENTS")) ||
	    (list = bundle_read(dir, "STATEMENTS", BUNDLE_LIST_MAX, &len)) ==
	    NULL) {
		fprintf(stderr, "gloss: %s: no good STATEMENTS\n", dir);
		json_decref(ok);
		return failed + 1;
	}
	for (line = list; *line != '\0' && (walk == NULL || !walk->stopped);
	    line = next) {
		if ((next = strchr(line, '\n')) == NULL)
			next = line + strlen(line);
		else
			*next++ = '\0';
		(*n)++;
		if (sscanf(line, "%64[0-9a-f] %31[a-z-] %16[0-9A-F]", id, type,
		    keyid) != 3 || !stmt_id_valid(id)) {
			fprintf(stderr, "gloss: STATEMENTS: a bad line\n");
			failed++;
			continue;
		}
		failed += bundle_check_statement(dir, ok, id, type, keyid,
		    walk);
	}
	free(list);
	json_decref(ok);
	return failed;
}

/* gloss verify-bundle DIR */
int
cmd_verify_bundle(struct client *c, int argc, char **argv)
{
	int64_t	n;
	int	failed;

	if (cmd_operands(c, argc, argv, "DIR", 0) == -1)
		return cmd_usage("verify-bundle");
	failed = bundle_check(argv[optind], NULL, &n);
	if (c->json)
		printf("{\"valid\":%s,\"statements\":%lld,\"problems\":%d}\n",
		    failed > 0 ? "false" : "true", (long long)n, failed);
	if (failed > 0) {
		fprintf(stderr, "gloss: %s: %d problem%s in %lld statements\n",
		    argv[optind], failed, failed == 1 ? "" : "s",
		    (long long)n);
		return EXIT_REFUSED;
	}
	if (!c->json)
		printf("valid: %lld statements in %s\n", (long long)n,
		    argv[optind]);
	return EXIT_OK;
}
