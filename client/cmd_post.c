/*
 * cmd_post.c: gloss post, and its shortcuts comment, critique, reading.
 *
 * The statement is built, validated and canonicalized by the same code the
 * daemon runs (stmt_from_json), signed here with the user's key, and sent
 * as {"statement": S, "minisig": "..."}, S being the exact canonical bytes.
 */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"

#define POST_TEXT_MAX	(1024 * 1024)

/*
 * Validate, sign and POST root (ownership taken).  On success the new
 * statement's id is in id and 0 is returned; otherwise an exit code after
 * a message.
 */
int
post_statement(struct client *c, json_t *root, const struct minisig_seckey *sk,
    char id[GLOSS_ID_LEN + 1])
{
	struct statement	*st;
	struct net_response	 resp;
	struct buf		 body;
	const char		*code;
	char			*message, *sig;
	int			 rc = EXIT_OK;

	if ((st = stmt_from_json(root, NULL, &code, &message)) == NULL) {
		fprintf(stderr, "gloss: %s\n", message);
		free(message);
		return EXIT_USAGE;
	}
	if ((sig = stmt_sign(st, sk)) == NULL) {
		fprintf(stderr, "gloss: signing failed\n");
		stmt_free(st);
		return EXIT_USAGE;
	}
	buf_init(&body);
	buf_puts(&body, "{\"statement\":");
	buf_add(&body, st->canonical, st->canonical_len);
	buf_puts(&body, ",\"minisig\":");
	jcs_write_string(&body, sig, strlen(sig));
	buf_putc(&body, '}');
	if (net_request(c, "POST", "/v1/statements", body.data, body.len,
	    &resp) == -1)
		rc = EXIT_USAGE;
	else if (resp.status != 200 && resp.status != 201)
		rc = net_refused(&resp);
	else
		memcpy(id, st->id, GLOSS_ID_LEN + 1);
	net_response_clear(&resp);
	buf_free(&body);
	free(sig);
	stmt_free(st);
	return rc;
}

/* The current time as RFC 3339, for "created". */
static json_t *
post_created(void)
{
	char	now[21];

	timefmt_rfc3339(time(NULL), now);
	return json_string(now);
}

/*
 * Turn an --at argument into milliseconds into the recording (*end -1 for
 * a moment).  "+T" or "+T-T" is relative to the start of talk, fetched
 * from the server.  Returns EXIT_OK or an exit code after a message.
 */
int
post_resolve_at(struct client *c, const char *rid, const char *spec,
    int talk, int64_t *start, int64_t *end)
{
	const char	*errstr;
	char		*path, *erid, *range, *p;
	json_t		*rec, *t;
	int64_t		 base = 0;
	int		 rc, relative = *spec == '+';

	if (relative) {
		if (talk == 0) {
			fprintf(stderr, "gloss: --at +T needs --talk N\n");
			return EXIT_USAGE;
		}
		erid = net_escape(rid);
		xasprintf(&path, "/v1/records/%s", erid);
		free(erid);
		rec = net_get_json(c, path, &rc);
		free(path);
		if (rec == NULL)
			return rc;
		t = json_array_get(json_object_get(rec, "talks"), talk - 1);
		rc = t != NULL ? EXIT_OK : EXIT_REFUSED;
		base = json_integer_value(json_object_get(t, "start"));
		json_decref(rec);
		if (rc != EXIT_OK) {
			fprintf(stderr, "gloss: record %s has no talk %d\n",
			    rid, talk);
			return rc;
		}
		spec++;
	}
	/* "+4:00-+5:30": both ends are relative once the first is. */
	range = xstrdup(spec);
	if (relative && (p = strstr(range, "-+")) != NULL)
		memmove(p + 1, p + 2, strlen(p + 2) + 1);
	rc = timefmt_parse_range(range, start, end, &errstr);
	free(range);
	if (rc == -1) {
		fprintf(stderr, "gloss: --at %s: %s\n", spec, errstr);
		return EXIT_USAGE;
	}
	*start += base;
	if (*end != -1)
		*end += base;
	return EXIT_OK;
}

/* The text from -m, -F FILE, or stdin when it is not a terminal. */
static char *
post_text(const char *message, const char *file)
{
	char	*text;
	size_t	 len;

	if (message != NULL)
		return xstrdup(message);
	if (file == NULL) {
		if (isatty(STDIN_FILENO)) {
			fprintf(stderr, "gloss: no text: use -m TEXT, -F FILE "
			    "or pipe it in\n");
			return NULL;
		}
		file = "-";
	}
	if ((text = file_read(file, POST_TEXT_MAX, &len)) == NULL)
		return NULL;
	if (strlen(text) != len) {
		fprintf(stderr, "gloss: %s: the text holds a NUL byte\n", file);
		free(text);
		return NULL;
	}
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		text[--len] = '\0';
	return text;
}

static int
post_run(struct client *c, int argc, char **argv, const char *kind)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, 'K' },
		{ "talk", required_argument, NULL, 't' },
		{ "at", required_argument, NULL, 'a' },
		{ "link", required_argument, NULL, 'l' },
		{ "title", required_argument, NULL, 'T' },
		{ "reply-to", required_argument, NULL, 'r' },
		{ "message", required_argument, NULL, 'm' },
		{ "file", required_argument, NULL, 'F' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct minisig_seckey	*sk = NULL;
	struct minisig_pubkey	 pk;
	const char		*cmd = argv[0], *at = NULL, *message = NULL;
	const char		*file = NULL, *reply = NULL, *errstr = NULL;
	char			 author[GLOSS_PUBKEY_LEN + 1];
	char			 id[GLOSS_ID_LEN + 1], *text = NULL, *end;
	json_t			*root, *links = json_array(), *last = NULL;
	long			 talk = 0;
	int64_t			 start, stop;
	int			 ch, rc = EXIT_USAGE, preset = kind != NULL;

	while ((ch = getopt_long(argc, argv, "m:F:", opts, NULL)) != -1) {
		switch (ch) {
		case 'K':
			if (preset)
				errstr = "--kind is for gloss post";
			kind = optarg;
			break;
		case 't':
			talk = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || talk < 1 ||
			    talk > 1000)
				errstr = "--talk takes a talk number";
			break;
		case 'a':
			at = optarg;
			break;
		case 'l':
			last = json_pack("{s:s}", "url", optarg);
			json_array_append_new(links, last);
			break;
		case 'T':
			if (last == NULL)
				errstr = "--title follows the --link it names";
			else
				json_object_set_new(last, "title",
				    json_string(optarg));
			break;
		case 'r':
			reply = optarg;
			break;
		case 'm':
			message = optarg;
			break;
		case 'F':
			file = optarg;
			break;
		case 'j':
			c->json = 1;
			break;
		default:
			goto usage;
		}
		if (errstr != NULL) {
			fprintf(stderr, "gloss: %s\n", errstr);
			goto usage;
		}
	}
	if (optind + 1 != argc || kind == NULL || (message && file))
		goto usage;
	if ((text = post_text(message, file)) == NULL)
		goto out;
	if ((sk = keys_load_secret(c, &pk)) == NULL)
		goto out;
	minisig_pubkey_format(&pk, author);
	root = json_pack("{s:i,s:s,s:s,s:o,s:s,s:s,s:s}", "v", 1, "type",
	    "annotation", "author", author, "created", post_created(),
	    "record", argv[optind], "kind", kind, "text", text);
	if (root == NULL) {
		fprintf(stderr, "gloss: the text is not valid UTF-8\n");
		goto out;
	}
	if (talk != 0)
		json_object_set_new(root, "talk", json_integer(talk));
	if (json_array_size(links) > 0)
		json_object_set(root, "links", links);
	if (reply != NULL)
		json_object_set_new(root, "reply_to", json_string(reply));
	if (at != NULL) {
		if ((rc = post_resolve_at(c, argv[optind], at, (int)talk,
		    &start, &stop)) != EXIT_OK) {
			json_decref(root);
			goto out;
		}
		json_object_set_new(root, "at", stop == -1 ?
		    json_pack("{s:I}", "start", (json_int_t)start) :
		    json_pack("{s:I,s:I}", "start", (json_int_t)start, "end",
		    (json_int_t)stop));
	}
	if ((rc = post_statement(c, root, sk, id)) == EXIT_OK)
		printf(c->json ? "{\"id\":\"%s\"}\n" : "%s\n", id);
	goto out;
usage:
	rc = cmd_usage(cmd);
out:
	minisig_seckey_free(sk);
	json_decref(links);
	free(text);
	return rc;
}

int
cmd_post(struct client *c, int argc, char **argv)
{
	return post_run(c, argc, argv, NULL);
}

int
cmd_comment(struct client *c, int argc, char **argv)
{
	return post_run(c, argc, argv, "comment");
}

int
cmd_critique(struct client *c, int argc, char **argv)
{
	return post_run(c, argc, argv, "critique");
}

int
cmd_reading(struct client *c, int argc, char **argv)
{
	return post_run(c, argc, argv, "reading");
}
