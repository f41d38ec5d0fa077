/*
 * cmd_list.c: gloss list, the timeline of a record's annotations.
 *
 * It follows the server's keyset cursor to the end (or to --limit), so
 * the output is the whole answer whatever the server's page size.
 * People get annotations grouped under their talk; --json gets one
 * stable document for scripts.
 */

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "client.h"

struct list_args {
	const char	*rid;
	long		 talk;		/* 0: any */
	const char	*at;
	const char	*kind;
	const char	*author;
	const char	*keyid;		/* --author as 8 to 16 hex digits */
	long		 limit;		/* 0: everything */
	int64_t		 from;		/* --at, resolved by list_query */
	int64_t		 to;		/* from for a moment */
};

/* The query string for the listing; an exit code if --at is bad. */
static int
list_query(struct client *c, struct list_args *a, struct buf *q)
{
	char		 n[32];
	int		 rc;

	snprintf(n, sizeof n, "%ld", a->talk);
	net_query(q, "talk", a->talk > 0 ? n : NULL);
	net_query(q, "kind", a->kind);
	if (a->keyid == NULL)
		net_query(q, "author", a->author);
	if (a->at == NULL)
		return EXIT_OK;
	rc = post_resolve_at(c, a->rid, a->at, a->talk, &a->from, &a->to);
	if (rc != EXIT_OK)
		return rc;
	if (a->to == -1)
		a->to = a->from;	/* a moment */
	snprintf(n, sizeof n, "%lld", (long long)a->from);
	net_query(q, "from", n);
	snprintf(n, sizeof n, "%lld", (long long)a->to);
	net_query(q, "to", n);
	return EXIT_OK;
}

/*
 * Whether --at lies in the recording, and in --talk's span if given
 * (the server checks the talk itself): anywhere else the listing would
 * be empty, and would not say that the time or talk was mistyped.
 */
static int
list_at_inside(const struct list_args *a, json_t *rec)
{
	json_t		*t = NULL, *talk;
	int64_t		 start = 0, end;
	size_t		 i;
	char		 s[32], e[32], n[80] = "";

	if (a->at == NULL)
		return 1;
	end = json_integer_value(json_object_get(rec, "duration"));
	json_array_foreach(a->talk > 0 ? json_object_get(rec, "talks") :
	    NULL, i, talk) {
		if (json_integer_value(json_object_get(talk, "n")) == a->talk)
			t = talk;
	}
	if (t != NULL) {
		start = json_integer_value(json_object_get(t, "start"));
		end = json_integer_value(json_object_get(t, "end"));
		if (end == start)
			end++;		/* an empty talk holds its moment */
	}
	if (a->from < end && a->to >= start)
		return 1;
	timefmt_format(start, s, sizeof s);
	timefmt_format(end, e, sizeof e);
	if (t != NULL)
		snprintf(n, sizeof n, " %ld, which starts at %s and", a->talk,
		    s);
	fprintf(stderr, "gloss: --at %s is outside %s%s ends at %s\n",
	    cmd_word(a->at), t != NULL ? "talk" : "the recording, which", n,
	    e);
	return 0;
}

static void
list_talk_header(struct client *c, json_t *rec, json_int_t n)
{
	json_t		*t = json_array_get(json_object_get(rec, "talks"),
			    n - 1);
	const char	*speaker, *title;
	char		 start[32], end[32];

	if (t == NULL) {
		printf("%sWhole record%s\n", out_color(c, "\033[1;33m"),
		    out_color(c, "\033[0m"));
		return;
	}
	timefmt_format(json_integer_value(json_object_get(t, "start")), start,
	    sizeof start);
	timefmt_format(json_integer_value(json_object_get(t, "end")), end,
	    sizeof end);
	speaker = json_string_value(json_object_get(t, "speaker"));
	title = json_string_value(json_object_get(t, "title"));
	printf("%sTalk %lld  %s-%s  ", out_color(c, "\033[1;33m"),
	    (long long)n, start, end);
	if (speaker != NULL) {
		out_text(stdout, speaker, strlen(speaker), NULL);
		fputs(": ", stdout);
	}
	if (title != NULL)
		out_text(stdout, title, strlen(title), NULL);
	printf("%s\n", out_color(c, "\033[0m"));
}

/*
 * s as the start of a key id, the 8 hex digits gloss prints beside a
 * name or the 16 minisign prints, or NULL if it is not one.
 */
static const char *
list_keyid(const char *s)
{
	size_t	n = strspn(s, "0123456789abcdefABCDEF");

	return s[n] == '\0' && n >= 8 && n <= 16 ? s : NULL;
}

/*
 * Whether s, the value of --author, is a whole public key or a key id
 * (list_keyid): 0, or -1 after saying what it must be, before the server
 * is asked.
 */
static int
list_author(const char *s)
{
	struct minisig_pubkey	 pk;
	const char		*errstr;

	if (list_keyid(s) != NULL ||
	    minisig_pubkey_parse(s, strlen(s), &pk, &errstr) == 0)
		return 0;
	cmd_error("--author needs a whole public key (RW..., %d characters) "
	    "or its key id (8 to 16 hex digits), not \"%s\"",
	    GLOSS_PUBKEY_LEN, cmd_word(s));
	return -1;
}

/*
 * Keep the annotations of all whose author's key id starts with keyid,
 * at most limit (0: all).  The server knows keys whole, so a listing by
 * a key id is read whole and chosen from here.
 */
static void
list_keep_keyid(json_t *all, const char *keyid, long limit)
{
	json_t		*a;
	const char	*author;
	char		 id[17];
	size_t		 i = 0;

	while ((a = json_array_get(all, i)) != NULL) {
		author = json_string_value(json_object_get(a, "author"));
		out_keyid(author != NULL ? author : "", id);
		if (strncasecmp(id, keyid, strlen(keyid)) == 0 &&
		    (limit == 0 || i < (size_t)limit))
			i++;
		else
			json_array_remove(all, i);
	}
}

/* Fetch pages into one array, up to limit (0: all); NULL with *rc. */
static json_t *
list_fetch(struct client *c, const char *rid, const char *query, long limit,
    int *rc)
{
	json_t	*root, *all;
	char	*path, *erid = net_escape(rid);

	xasprintf(&path, "/v1/records/%s/annotations%s", erid, query);
	free(erid);
	root = net_get_pages(c, path, "annotations", (size_t)limit, rc);
	free(path);
	if (root == NULL)
		return NULL;
	all = json_incref(json_object_get(root, "annotations"));
	json_decref(root);
	while (all != NULL && limit > 0 && json_array_size(all) > (size_t)limit)
		json_array_remove(all, json_array_size(all) - 1);
	return all;
}

int
cmd_list(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "talk", required_argument, NULL, 't' },
		{ "at", required_argument, NULL, 'a' },
		{ "kind", required_argument, NULL, 'K' },
		{ "author", required_argument, NULL, 'A' },
		{ "limit", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct list_args	 a;
	struct buf		 q;
	json_t			*rec = NULL, *all = NULL, *item, *out;
	json_int_t		 talk, shown = -1;
	size_t			 i;
	int			 ch, rc = EXIT_USAGE;

	memset(&a, 0, sizeof a);
	while ((ch = cmd_getopt(argc, argv, "", opts)) != -1) {
		switch (ch) {
		case 't':
			if ((a.talk = cmd_number("--talk", optarg, 1,
			    1000)) == -1)
				return cmd_usage("list");
			break;
		case 'a':
			a.at = optarg;
			break;
		case 'K':
			if (cmd_kind(optarg) == -1)
				return cmd_usage("list");
			a.kind = optarg;
			break;
		case 'A':
			if (list_author(optarg) == -1)
				return cmd_usage("list");
			a.author = optarg;
			a.keyid = list_keyid(optarg);
			break;
		case 'n':
			if ((a.limit = cmd_number("--limit", optarg, 1,
			    LONG_MAX)) == -1)
				return cmd_usage("list");
			break;
		case 'j':
			c->json = 1;
			break;
		default:
			return cmd_usage("list");
		}
	}
	if (cmd_arity(argc, argv, "RID", 0) == -1)
		return cmd_usage("list");
	a.rid = argv[optind];
	buf_init(&q);
	if ((rc = list_query(c, &a, &q)) != EXIT_OK)
		goto out;
	rc = EXIT_USAGE;
	rec = net_get_at(c, "/v1/records/", a.rid, "", &rc);
	if (rec != NULL && !list_at_inside(&a, rec)) {
		rc = EXIT_USAGE;
		goto out;
	}
	if (rec == NULL || (all = list_fetch(c, a.rid,
	    q.len > 0 ? q.data : "", a.keyid != NULL ? 0 : a.limit, &rc)) ==
	    NULL)
		goto out;
	if (a.keyid != NULL)
		list_keep_keyid(all, a.keyid, a.limit);
	rc = EXIT_OK;
	if (c->json) {
		out = json_pack("{s:s,s:O}", "record", a.rid, "annotations",
		    all);
		out_json(out);
		json_decref(out);
		goto out;
	}
	if (json_array_size(all) == 0)
		fprintf(stderr, "gloss: no annotations match\n");
	json_array_foreach(all, i, item) {
		talk = json_integer_value(json_object_get(item, "talk"));
		if (talk != shown)
			list_talk_header(c, rec, talk);
		shown = talk;
		out_entry(c, item, "");
	}
out:
	buf_free(&q);
	json_decref(rec);
	json_decref(all);
	return rc;
}

/*
 * How annotation id stands, for gloss show: its answer from
 * GET /v1/annotations/id (signed as net_get_own, so its author and
 * moderators see one that is not visible), with *status 200 or 410
 * (retracted); NULL with *status 404 when it is not visible to this
 * user, or NULL with *status 0 and *rc after a message.
 */
static json_t *
show_annotation(struct client *c, const char *id, int *status, int *rc)
{
	struct net_response	 resp;
	json_t			*root = NULL;
	char			*path;

	*status = 0;
	xasprintf(&path, "/v1/annotations/%s", id);
	if (net_get_own(c, path, &resp) == -1)
		*rc = EXIT_USAGE;
	else if (resp.status != 200 && resp.status != 404 &&
	    resp.status != 410)
		*rc = net_refused(&resp);
	else if (resp.status != 404 && (root = json_loadb(resp.body.data,
	    resp.body.len, 0, NULL)) == NULL) {
		fprintf(stderr, "gloss: the server sent invalid JSON\n");
		*rc = EXIT_USAGE;
	} else
		*status = resp.status;
	net_response_clear(&resp);
	free(path);
	return root;
}

/*
 * The lines gloss show ends an annotation with, from its answer ann
 * (show_annotation's, with status): how it stands when it is not plainly
 * visible (retracted with its retraction's reason; pending, hidden or
 * rejected with the moderator's reason for those who may see that; not
 * visible for anyone else), and whether it was edited since.
 */
static void
show_standing(const char *id, json_t *ann, int status)
{
	json_t		*a = NULL;
	const char	*reason, *state;
	json_int_t	 revisions;

	if (status == 404)
		printf("status   not visible: pending, hidden or rejected, "
		    "which only its author and moderators may see\n");
	else if (status == 410) {
		reason = json_string_value(json_object_get(json_object_get(
		    json_object_get(ann, "retraction"), "statement"),
		    "reason"));
		a = json_pack("{s:s,s:s?}", "status", "retracted", "reason",
		    reason);
	} else if ((state = json_string_value(json_object_get(ann,
	    "status"))) == NULL || strcmp(state, "visible") != 0)
		a = json_incref(ann);
	if (a != NULL) {
		fputs("status   ", stdout);
		out_status(stdout, a);
		fputc('\n', stdout);
	}
	json_decref(a);
	revisions = json_integer_value(json_object_get(ann, "revisions"));
	if (status == 200 && revisions > 0)
		printf("edited   %lld time%s since: the text above is the "
		    "first; gloss history %.12s shows each\n",
		    (long long)revisions, revisions == 1 ? "" : "s", id);
}

int
cmd_show(struct client *c, int argc, char **argv)
{
	json_t		*root, *st, *ann = NULL;
	const char	*author, *type, *name = NULL;
	char		 fp[10];
	int		 rc, status = 0;

	if ((rc = cmd_id_operand(c, argc, argv)) != EXIT_OK)
		return rc;
	root = net_get_at(c, "/v1/statements/", argv[optind], "", &rc);
	if (root == NULL)
		return rc;
	if (c->json) {
		out_json(root);
		json_decref(root);
		return EXIT_OK;
	}
	type = json_string_value(json_object_get(root, "type"));
	if (type != NULL && strcmp(type, "annotation") == 0) {
		ann = show_annotation(c, argv[optind], &status, &rc);
		if (status == 0) {
			json_decref(root);
			return rc;
		}
		if (status == 200)
			name = json_string_value(json_object_get(ann, "name"));
	}
	st = json_object_get(root, "statement");
	author = json_string_value(json_object_get(st, "author"));
	out_fingerprint(author != NULL ? author : "", fp);
	printf("%s %s\n", type != NULL ? type : "?",
	    json_string_value(json_object_get(root, "id")));
	printf("author   %s (key %s)\n", author != NULL ? author : "?", fp);
	printf("created  %s, received %s\n",
	    json_string_value(json_object_get(st, "created")),
	    json_string_value(json_object_get(root, "received")));
	if (json_is_string(json_object_get(st, "record")))
		out_field(stdout, "record   ", json_string_value(
		    json_object_get(st, "record")));
	/* What a revision, retraction, endorsement, flag or decision is about. */
	if (json_is_string(json_object_get(st, "of")))
		out_field(stdout, "of       ", json_string_value(
		    json_object_get(st, "of")));
	if (json_is_string(json_object_get(st, "subject")))
		out_field(stdout, "subject  ", json_string_value(
		    json_object_get(st, "subject")));
	if (json_object_get(st, "kind") != NULL) {
		/* The author's profile name, as a listing shows it. */
		json_object_set(st, "id", json_object_get(root, "id"));
		if (name != NULL)
			json_object_set_new(st, "name", json_string(name));
		out_entry(c, st, "");
	}
	if (status != 0)
		show_standing(json_string_value(json_object_get(root, "id")),
		    ann, status);
	json_decref(ann);
	json_decref(root);
	return EXIT_OK;
}
