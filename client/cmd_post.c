/*
 * cmd_post.c: gloss post, and its shortcuts comment, critique, reading.
 *
 * The statement is built, validated and canonicalized by the same code the
 * daemon runs (stmt_from_json), signed here with the user's key, and sent
 * as {"statement": S, "minisig": "..."}, S being the exact canonical bytes.
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"

#define POST_TEXT_MAX	(1024 * 1024)

/*
 * The id the server answered with: a repeat (an endorsement given twice)
 * answers with the statement it repeats, which is the one that counts.
 * A repeat (200, not 201) changed nothing, which the user is told: the
 * same command twice in one second makes the same statement.
 */
static void
post_answer_id(const struct net_response *resp, const char *sent,
    char id[GLOSS_ID_LEN + 1])
{
	json_t		*root;
	const char	*got, *status;

	root = json_loadb(resp->body.data, resp->body.len, 0, NULL);
	got = json_string_value(json_object_get(root, "id"));
	snprintf(id, GLOSS_ID_LEN + 1, "%s", got != NULL &&
	    stmt_id_valid(got) ? got : sent);
	if ((status = json_string_value(json_object_get(root, "status"))) ==
	    NULL)
		status = "visible";
	if (resp->status == 200)
		fprintf(stderr, "gloss: nothing changed: the server already "
		    "has %s (the same statement, or one it repeats, sent "
		    "before)\n", strcmp(id, sent) == 0 ? "this statement" :
		    "an equivalent statement");
	else if (strcmp(status, "pending") == 0)
		fprintf(stderr, "gloss: held for review: it is listed once "
		    "a moderator approves it\n");
	else if (strcmp(status, "hidden") == 0 ||
	    strcmp(status, "rejected") == 0)
		fprintf(stderr, "gloss: stored; the annotation stays %s: a "
		    "moderator decides whether it is shown\n", status);
	json_decref(root);
}

/*
 * Whether resp, a 429 with a Retry-After, is to be waited out, as the
 * c->rate_wait seconds left allow: then wait, after saying so, and
 * count the wait against them.
 */
static int
post_wait(struct client *c, const struct net_response *resp)
{
	if (resp->retry_after == 0 || resp->retry_after > c->rate_wait)
		return 0;
	fprintf(stderr, "gloss: the server asks to wait %d second%s\n",
	    resp->retry_after, resp->retry_after == 1 ? "" : "s");
	c->rate_wait -= resp->retry_after;
	sleep(resp->retry_after);
	return 1;
}

/*
 * Validate, sign and POST root (ownership taken); a 429 is waited out
 * and the post tried again while c->rate_wait allows.  On success the
 * new statement's id is in id and 0 is returned; otherwise an exit code
 * after a message.
 */
int
post_statement(struct client *c, json_t *root, const struct minisig_seckey *sk,
    char id[GLOSS_ID_LEN + 1])
{
	struct statement	*st;
	struct net_response	 resp;
	const char		*code;
	char			*message, *sig;
	int			 rc;

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
	while ((rc = post_wire(c, st->canonical, st->canonical_len, sig,
	    &resp)) == 0 && post_wait(c, &resp))
		net_response_clear(&resp);
	if (rc == -1)
		rc = EXIT_USAGE;
	else if (resp.status != 200 && resp.status != 201)
		rc = net_refused(&resp);
	else
		post_answer_id(&resp, st->id, id);
	net_response_clear(&resp);
	free(sig);
	stmt_free(st);
	return rc;
}

/*
 * POST canonical bytes and their minisig to /v1/statements in the wire
 * form; resp as net_request fills it.  Returns net_request's result.
 */
int
post_wire(struct client *c, const char *canonical, size_t len,
    const char *minisig, struct net_response *resp)
{
	struct buf	body;
	int		rc;

	buf_init(&body);
	logline_wire(canonical, len, minisig, &body);
	rc = net_request(c, "POST", "/v1/statements", body.data, body.len,
	    resp);
	buf_free(&body);
	return rc;
}

/* A fresh "created" for a statement by pk (keys_created). */
json_t *
post_created(const struct minisig_pubkey *pk)
{
	char	now[21];

	timefmt_rfc3339(keys_created(pk), now);
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
	char		*range, *p;
	json_t		*rec, *t;
	int64_t		 base = 0;
	int		 rc, relative = *spec == '+';

	if (relative) {
		if (talk == 0) {
			fprintf(stderr, "gloss: --at +T needs --talk N\n");
			return EXIT_USAGE;
		}
		if ((rec = net_get_at(c, "/v1/records/", rid, "", &rc)) ==
		    NULL)
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

/*
 * Let the user write the text in $VISUAL or $EDITOR, starting from
 * initial; its length in *lenp.  NULL after a message if there is no
 * editor or it fails.
 */
static char *
post_editor(const char *initial, size_t *lenp)
{
	const char	*editor = getenv("VISUAL");
	char		 path[] = "/tmp/gloss-edit.XXXXXX", *cmd, *text;
	int		 fd, rc;

	if (editor == NULL || *editor == '\0')
		editor = getenv("EDITOR");
	if (editor == NULL || *editor == '\0') {
		fprintf(stderr, "gloss: no text: use -m TEXT, -F FILE, or set "
		    "EDITOR\n");
		return NULL;
	}
	if ((fd = mkstemp(path)) == -1 || write(fd, initial,
	    strlen(initial)) != (ssize_t)strlen(initial) || close(fd) == -1) {
		fprintf(stderr, "gloss: %s: %s\n", path, strerror(errno));
		if (fd != -1)
			unlink(path);
		return NULL;
	}
	xasprintf(&cmd, "%s '%s'", editor, path);
	rc = system(cmd);
	free(cmd);
	text = rc == 0 ? file_read(path, POST_TEXT_MAX, lenp) : NULL;
	unlink(path);
	if (rc != 0)
		fprintf(stderr, "gloss: the editor failed; nothing was sent\n");
	return text;
}

/*
 * s with each CR LF line end made LF, in place, as git reads a text file
 * from another system: a CR alone stays, for the statement's check.
 */
static void
post_unix_lines(char *s)
{
	char	*to = s;

	for (; *s != '\0'; s++) {
		if (s[0] != '\r' || s[1] != '\n')
			*to++ = *s;
	}
	*to = '\0';
}

/* How many newlines (CR or LF) end s. */
static size_t
post_trailing(const char *s)
{
	size_t	len = strlen(s), n = 0;

	while (n < len && (s[len - n - 1] == '\n' || s[len - n - 1] == '\r'))
		n++;
	return n;
}

/* text, or NULL (freed) after saying so if it is empty. */
static char *
post_nonempty(char *text)
{
	if (*text != '\0')
		return text;
	fprintf(stderr, "gloss: the text is empty\n");
	free(text);
	return NULL;
}

/*
 * The text from -m, -F FILE, stdin when it is not a terminal, or else the
 * editor (edit only, starting from the current text); what is read has
 * its CR LF line ends made LF.  With keep (an edit of the place, kind or
 * links), nothing on stdin keeps the current text.
 */
static char *
post_text(const char *message, const char *file, const char *current,
    int keep)
{
	char	*text;
	size_t	 len;

	if (message != NULL)
		return post_nonempty(xstrdup(message));
	if (file == NULL && isatty(STDIN_FILENO)) {
		if (current == NULL) {
			fprintf(stderr, "gloss: no text: use -m TEXT, -F FILE "
			    "or pipe it in\n");
			return NULL;
		}
		if ((text = post_editor(current, &len)) == NULL)
			return NULL;
		file = "the editor's text";
	} else if ((text = file_read(file != NULL ? file : "-",
	    POST_TEXT_MAX, &len)) == NULL)
		return NULL;
	if (strlen(text) != len) {
		fprintf(stderr, "gloss: %s: the text holds a NUL byte\n",
		    file != NULL ? file : "stdin");
		free(text);
		return NULL;
	}
	post_unix_lines(text);
	text[strlen(text) - post_trailing(text)] = '\0';
	if (*text == '\0' && file == NULL && keep && current != NULL) {
		free(text);
		return xstrdup(current);
	}
	return post_nonempty(text);
}

/*
 * Complete root as a statement of type by the key pk (v, type, author,
 * created), sign it with sk and post it; id gets its id.  Takes root.
 */
int
post_as(struct client *c, const char *type, json_t *root,
    const struct minisig_seckey *sk, const struct minisig_pubkey *pk,
    char id[GLOSS_ID_LEN + 1])
{
	char	author[GLOSS_PUBKEY_LEN + 1];

	minisig_pubkey_format(pk, author);
	json_object_set_new(root, "v", json_integer(1));
	json_object_set_new(root, "type", json_string(type));
	json_object_set_new(root, "author", json_string(author));
	json_object_set_new(root, "created", post_created(pk));
	return post_statement(c, root, sk, id);
}

/* post_as by the user's key; print the new statement's id. */
int
post_signed(struct client *c, const char *type, json_t *root)
{
	struct minisig_seckey	*sk;
	struct minisig_pubkey	 pk;
	char			 id[GLOSS_ID_LEN + 1];
	int			 rc;

	if ((sk = keys_load_secret(c, &pk)) == NULL) {
		json_decref(root);
		return EXIT_USAGE;
	}
	if ((rc = post_as(c, type, root, sk, &pk, id)) == EXIT_OK)
		printf(c->json ? "{\"id\":\"%s\"}\n" : "%s\n", id);
	minisig_seckey_free(sk);
	return rc;
}

enum post_mode {
	POST_ANNOTATION,	/* operand: a record id */
	POST_REPLY,		/* operand: the annotation replied to */
	POST_EDIT,		/* operand: the annotation revised */
};

struct post_args {
	const char	*kind;
	const char	*at;
	const char	*message;
	char		*joined;	/* two or more -m, as message */
	const char	*file;
	char		*reply;
	long		 talk;
	json_t		*links;
	int		 no_links;	/* an edit that removes them */
};

/* What is wrong with the options given together, or NULL. */
static const char *
post_conflict(const struct post_args *pa, enum post_mode mode)
{
	if (pa->message != NULL && pa->file != NULL)
		return "-m and -F cannot both be given";
	if (mode == POST_ANNOTATION && pa->kind == NULL)
		return "--kind is required";
	if (mode != POST_ANNOTATION && pa->reply != NULL)
		return "--reply-to is for new annotations";
	if (mode != POST_EDIT && pa->no_links)
		return "--no-links is for gloss edit";
	if (pa->no_links && json_array_size(pa->links) > 0)
		return "--no-links and --link cannot both be given";
	return NULL;
}

/* Whether an edit changes more than the text. */
static int
post_edits_more(const struct post_args *pa)
{
	return pa->kind != NULL || pa->talk != 0 || pa->at != NULL ||
	    json_array_size(pa->links) > 0 || pa->no_links;
}

/*
 * The options of post_run into pa, whose kind the command may have set;
 * -1 on a usage error, after saying what it is when more than the usage
 * line can tell.
 */
static int
post_options(struct client *c, int argc, char **argv, struct post_args *pa,
    enum post_mode mode)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, 'K' },
		{ "talk", required_argument, NULL, 't' },
		{ "at", required_argument, NULL, 'a' },
		{ "link", required_argument, NULL, 'l' },
		{ "title", required_argument, NULL, 'T' },
		{ "no-links", no_argument, NULL, 'L' },
		{ "reply-to", required_argument, NULL, 'r' },
		{ "message", required_argument, NULL, 'm' },
		{ "file", required_argument, NULL, 'F' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*errstr = NULL;
	char		*joined;
	json_t		*last = NULL;
	int		 ch, preset = pa->kind != NULL;

	while ((ch = cmd_getopt(argc, argv, "m:F:", opts)) != -1) {
		switch (ch) {
		case 'K':
			if (preset)
				errstr = "--kind is for gloss post";
			else if (cmd_kind(optarg) == -1)
				return -1;
			pa->kind = optarg;
			break;
		case 't':
			if ((pa->talk = cmd_number("--talk", optarg, 1,
			    1000)) == -1)
				return -1;
			break;
		case 'a':
			pa->at = optarg;
			break;
		case 'l':
			last = json_pack("{s:s}", "url", optarg);
			json_array_append_new(pa->links, last);
			break;
		case 'T':
			if (last == NULL)
				errstr = "--title follows the --link it names";
			else
				json_object_set_new(last, "title",
				    json_string(optarg));
			break;
		case 'L':
			pa->no_links = 1;
			break;
		case 'r':
			pa->reply = optarg;
			break;
		case 'm':
			/* Each -m a paragraph, as git commit takes them. */
			if (pa->message != NULL) {
				/* The message may be the last join: free after. */
				xasprintf(&joined, "%s\n\n%s", pa->message,
				    optarg);
				free(pa->joined);
				pa->message = pa->joined = joined;
			} else
				pa->message = optarg;
			break;
		case 'F':
			pa->file = optarg;
			break;
		case 'j':
			c->json = 1;
			break;
		default:
			return -1;
		}
		if (errstr != NULL)
			break;
	}
	if (errstr == NULL && cmd_arity(argc, argv, mode == POST_ANNOTATION ?
	    "RID" : "ID", 0) == -1) {
		if (argc - optind > 1 && pa->message == NULL &&
		    pa->file == NULL)
			cmd_error("a text goes after -m, or comes from -F or "
			    "standard input");
		return -1;
	}
	if (errstr == NULL)
		errstr = post_conflict(pa, mode);
	if (errstr == NULL && pa->reply != NULL && !cmd_id_form(pa->reply)) {
		cmd_error("--reply-to takes a statement id, not \"%s\": "
		    CMD_ID_FORM, cmd_word(pa->reply));
		return -1;
	}
	if (errstr != NULL) {
		cmd_error("%s", errstr);
		return -1;
	}
	return 0;
}

/*
 * post, comment, critique, reading, reply and edit: one set of options,
 * three kinds of operand.
 */
static int
post_run(struct client *c, int argc, char **argv, const char *kind,
    enum post_mode mode)
{
	struct post_args	 pa = { .kind = kind };
	const char		*cmd = argv[0], *rid, *current = NULL;
	char			*text = NULL;
	json_t			*root = NULL, *target = NULL;
	int64_t			 start, stop;
	int			 rc = EXIT_USAGE, talk = 0;

	pa.links = json_array();
	if (post_options(c, argc, argv, &pa, mode) == -1) {
		rc = cmd_usage(cmd);
		goto out;
	}
	if ((mode != POST_ANNOTATION &&
	    (rc = cmd_statement_id(c, &argv[optind])) != EXIT_OK) ||
	    (pa.reply != NULL &&
	    (rc = cmd_statement_id(c, &pa.reply)) != EXIT_OK))
		goto out;
	rc = EXIT_USAGE;
	rid = argv[optind];
	/*
	 * A reply takes its parent's record; an edit needs the annotation
	 * only to start the editor from its text, to keep its text when
	 * none is given, or to place a "+T" in its talk; its author reads
	 * it even while it waits (net_get_own_at).  An edit of anything
	 * else is left to the daemon, whose refusal says exactly what is
	 * wrong.
	 */
	if (mode == POST_REPLY || (mode == POST_EDIT && ((pa.message == NULL &&
	    pa.file == NULL) || (pa.at != NULL && *pa.at == '+')))) {
		if ((target = (mode == POST_EDIT ? net_get_own_at :
		    net_get_at)(c, "/v1/annotations/", argv[optind], "",
		    &rc)) == NULL)
			goto out;
		rid = json_string_value(json_object_get(target, "record"));
		current = json_string_value(json_object_get(target, "text"));
		if (mode == POST_EDIT && pa.talk == 0)
			talk = (int)json_integer_value(json_object_get(target,
			    "talk"));
		rc = EXIT_USAGE;
	}
	if ((text = post_text(pa.message, pa.file, mode == POST_EDIT ?
	    current : NULL, mode == POST_EDIT && post_edits_more(&pa))) ==
	    NULL)
		goto out;
	/*
	 * Saved unchanged in the editor (whose trailing newlines are
	 * dropped, so the current text's are too), no other change asked.
	 */
	if (mode == POST_EDIT && current != NULL && !post_edits_more(&pa) &&
	    strlen(text) == strlen(current) - post_trailing(current) &&
	    strncmp(text, current, strlen(text)) == 0) {
		fprintf(stderr, "gloss: the text is unchanged; nothing was "
		    "sent\n");
		rc = EXIT_REFUSED;
		goto out;
	}
	root = json_pack("{s:s}", "text", text);
	if (root == NULL || (rid == NULL && mode != POST_EDIT)) {
		fprintf(stderr, "gloss: the text is not valid UTF-8\n");
		goto out;
	}
	switch (mode) {
	case POST_ANNOTATION:
	case POST_REPLY:
		json_object_set_new(root, "record", json_string(rid));
		json_object_set_new(root, "kind", json_string(pa.kind != NULL ?
		    pa.kind : "comment"));
		if (mode == POST_REPLY)
			pa.reply = argv[optind];
		if (pa.reply != NULL)
			json_object_set_new(root, "reply_to",
			    json_string(pa.reply));
		break;
	case POST_EDIT:
		json_object_set_new(root, "of", json_string(argv[optind]));
		if (pa.kind != NULL)
			json_object_set_new(root, "kind",
			    json_string(pa.kind));
		break;
	}
	if (pa.talk != 0)
		json_object_set_new(root, "talk", json_integer(pa.talk));
	if (json_array_size(pa.links) > 0 || pa.no_links)
		json_object_set(root, "links", pa.links);
	if (pa.at != NULL) {
		if ((rc = post_resolve_at(c, rid, pa.at, pa.talk != 0 ?
		    (int)pa.talk : talk, &start, &stop)) != EXIT_OK)
			goto out;
		json_object_set_new(root, "at", stop == -1 ?
		    json_pack("{s:I}", "start", (json_int_t)start) :
		    json_pack("{s:I,s:I}", "start", (json_int_t)start, "end",
		    (json_int_t)stop));
	}
	rc = post_signed(c, mode == POST_EDIT ? "revision" : "annotation",
	    root);
	root = NULL;
out:
	json_decref(root);
	json_decref(target);
	json_decref(pa.links);
	free(pa.joined);
	free(text);
	return rc;
}

int
cmd_post(struct client *c, int argc, char **argv)
{
	return post_run(c, argc, argv, NULL, POST_ANNOTATION);
}

int
cmd_comment(struct client *c, int argc, char **argv)
{
	return post_run(c, argc, argv, "comment", POST_ANNOTATION);
}

int
cmd_critique(struct client *c, int argc, char **argv)
{
	return post_run(c, argc, argv, "critique", POST_ANNOTATION);
}

/* With a --link, gloss reading posts one; without, it lists them. */
int
cmd_reading(struct client *c, int argc, char **argv)
{
	int	i, text = 0;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (strncmp(argv[i], "--link", 6) == 0 &&
		    (argv[i][6] == '\0' || argv[i][6] == '='))
			return post_run(c, argc, argv, "reading",
			    POST_ANNOTATION);
		if (strncmp(argv[i], "-m", 2) == 0 ||
		    strncmp(argv[i], "-F", 2) == 0 ||
		    strncmp(argv[i], "--message", 9) == 0 ||
		    strncmp(argv[i], "--file", 6) == 0)
			text = 1;
	}
	if (text) {
		fprintf(stderr, "gloss: a reading needs at least one --link; "
		    "without one, reading lists them\n");
		return EXIT_USAGE;
	}
	return reading_list(c, argc, argv);
}

int
cmd_reply(struct client *c, int argc, char **argv)
{
	return post_run(c, argc, argv, NULL, POST_REPLY);
}

int
cmd_edit(struct client *c, int argc, char **argv)
{
	return post_run(c, argc, argv, NULL, POST_EDIT);
}
