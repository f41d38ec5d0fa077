/*
 * cmd_conv.c: the conversation around annotations: gloss retract,
 * endorse, unendorse, profile, whois, history, thread and search.
 *
 * The writing commands are one small statement each, signed and sent by
 * post_signed; the reading ones print what the daemon keeps, names always
 * beside a key fingerprint so a name alone cannot pass for someone else.
 */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"

int
cmd_retract(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*reason = NULL;
	json_t		*root;
	int		 ch, rc;

	while ((ch = cmd_getopt(argc, argv, "", opts)) != -1) {
		if (ch == 'r')
			reason = optarg;
		else if (ch == 'j')
			c->json = 1;
		else
			return cmd_usage("retract");
	}
	if (cmd_arity(argc, argv, "ID", 0) == -1)
		return cmd_usage("retract");
	if ((rc = cmd_statement_id(c, &argv[optind])) != EXIT_OK)
		return rc;
	root = json_pack("{s:s}", "of", argv[optind]);
	if (reason != NULL)
		json_object_set_new(root, "reason", json_string(reason));
	return post_signed(c, "retraction", root);
}

static int
conv_endorse(struct client *c, int argc, char **argv, const char *type)
{
	int	rc;

	if ((rc = cmd_id_operand(c, argc, argv)) != EXIT_OK)
		return rc;
	return post_signed(c, type, json_pack("{s:s}", "subject",
	    argv[optind]));
}

int
cmd_endorse(struct client *c, int argc, char **argv)
{
	return conv_endorse(c, argc, argv, "endorse");
}

int
cmd_unendorse(struct client *c, int argc, char **argv)
{
	return conv_endorse(c, argc, argv, "unendorse");
}

int
cmd_profile(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "url", required_argument, NULL, 'u' },
		{ "about", required_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	json_t		*root;
	const char	*name, *fault;
	int		 ch;

	if (argc < 2)
		return cmd_misuse("missing action");
	if (strcmp(argv[1], "set") != 0)
		return cmd_misuse("unknown action \"%s\"",
		    cmd_word(argv[1]));
	root = json_object();
	argc--;
	argv++;
	while ((ch = cmd_getopt(argc, argv, "", opts)) != -1) {
		switch (ch) {
		case 'n':
			json_object_set_new(root, "name", json_string(optarg));
			break;
		case 'u':
			json_object_set_new(root, "url", json_string(optarg));
			break;
		case 'a':
			json_object_set_new(root, "about", json_string(optarg));
			break;
		case 'j':
			c->json = 1;
			break;
		default:
			json_decref(root);
			return cmd_usage("profile");
		}
	}
	if (cmd_arity(argc, argv, "", 0) == -1) {
		json_decref(root);
		return cmd_usage("profile");
	}
	if ((name = json_string_value(json_object_get(root, "name"))) ==
	    NULL) {
		json_decref(root);
		return cmd_misuse("--name is required");
	}
	if ((fault = stmt_name_fault(name)) != NULL) {
		json_decref(root);
		cmd_error("%s", fault);
		return EXIT_USAGE;
	}
	return post_signed(c, "profile", root);
}

int
cmd_whois(struct client *c, int argc, char **argv)
{
	json_t		*k;
	const char	*v;
	int		 rc;

	if (cmd_operands(c, argc, argv, "KEY", 0) == -1)
		return cmd_usage("whois");
	/* An id's author comes with what the server says of the key. */
	if ((rc = cmd_public_key(c, &argv[optind], "looking up", &k)) !=
	    EXIT_OK)
		return rc;
	if (k == NULL && (k = net_get_at(c, "/v1/keys/", argv[optind], "",
	    &rc)) == NULL)
		return rc;
	if (c->json)
		out_json(k);
	else {
		out_who(c, stdout, json_string_value(json_object_get(k, "key")),
		    json_string_value(json_object_get(k, "name")));
		printf("\n  key id      %s\n  first seen  %s\n  statements  "
		    "%lld\n  annotations %lld\n",
		    json_string_value(json_object_get(k, "keyid")),
		    json_string_value(json_object_get(k, "first_seen")),
		    (long long)json_integer_value(json_object_get(k,
		    "statements")), (long long)json_integer_value(
		    json_object_get(k, "annotations")));
		/* new, trusted or banned: what a moderator asks first. */
		if ((v = json_string_value(json_object_get(k, "state"))) !=
		    NULL)
			out_field(stdout, "  state       ", v);
		if ((v = json_string_value(json_object_get(k, "url"))) != NULL)
			out_field(stdout, "  url         ", v);
		if ((v = json_string_value(json_object_get(k, "about"))) !=
		    NULL)
			out_field(stdout, "  about       ", v);
	}
	json_decref(k);
	return EXIT_OK;
}

/*
 * One version of an annotation for history: when it was written and its
 * id, then what it sets, all of it for the original and, for a revision,
 * what it changes (a member it leaves out keeps its value: api.md,
 * Folding), with the text below.  place holds the talk and time the
 * versions before set, folded the same way: a revision that gives a talk
 * alone keeps the time, so its place is not the whole talk.
 */
static void
conv_version(struct client *c, json_t *rev, int original, json_t *place)
{
	json_t		*st = json_object_get(rev, "statement");
	json_t		*links = json_object_get(st, "links");
	json_t		*v;
	const char	*kind = json_string_value(json_object_get(st, "kind"));
	const char	*members[] = { "talk", "at" };
	char		 when[64];
	size_t		 i;
	int		 placed;

	printf("%s%s %s%s  %s\n", out_color(c, "\033[1m"),
	    original ? "original" : "revision",
	    json_string_value(json_object_get(st, "created")),
	    out_color(c, "\033[0m"),
	    json_string_value(json_object_get(rev, "id")));
	placed = original || json_object_get(st, "at") != NULL ||
	    json_object_get(st, "talk") != NULL;
	for (i = 0; i < sizeof members / sizeof members[0]; i++) {
		if ((v = json_object_get(st, members[i])) != NULL)
			json_object_set(place, members[i], v);
	}
	if (kind != NULL || placed) {
		/* The original's place may be its parent's: "(reply)". */
		out_when(original ? st : place, when, sizeof when);
		printf("    %s%s%s%s%s\n", out_color(c, "\033[36m"),
		    kind != NULL ? kind : "", out_color(c, "\033[0m"),
		    kind != NULL && placed ? "  " : "", placed ? when : "");
	}
	out_body(st, "    ");
	if (!original && json_is_array(links) && json_array_size(links) == 0)
		printf("    -> no links\n");
}

int
cmd_history(struct client *c, int argc, char **argv)
{
	json_t		*h, *rev, *place;
	size_t		 i;
	int		 rc;

	if ((rc = cmd_id_operand(c, argc, argv)) != EXIT_OK)
		return rc;
	h = net_get_own_at(c, "/v1/annotations/", argv[optind],
	    "/revisions", &rc);
	if (h == NULL)
		return rc;
	if (c->json)
		out_json(h);
	place = json_object();
	json_array_foreach(c->json ? NULL : json_object_get(h, "revisions"),
	    i, rev)
		conv_version(c, rev, i == 0, place);
	json_decref(place);
	json_decref(h);
	return EXIT_OK;
}

/* One node of a thread and its replies, indented by depth. */
static void
conv_tree(struct client *c, json_t *node, int depth)
{
	json_t	*child;
	size_t	 i;
	char	 indent[64];

	snprintf(indent, sizeof indent, "%*s", depth > 20 ? 40 : depth * 2,
	    "");
	if (json_object_get(node, "text") == NULL)
		printf("%s  (%s) %s\n", indent,
		    json_string_value(json_object_get(node, "status")),
		    json_string_value(json_object_get(node, "id")));
	else
		out_entry(c, node, indent);
	json_array_foreach(json_object_get(node, "thread"), i, child)
		conv_tree(c, child, depth + 1);
}

int
cmd_thread(struct client *c, int argc, char **argv)
{
	json_t	*t;
	int	 rc;

	if ((rc = cmd_id_operand(c, argc, argv)) != EXIT_OK)
		return rc;
	t = net_get_own_at(c, "/v1/annotations/", argv[optind], "/thread",
	    &rc);
	if (t == NULL)
		return rc;
	if (c->json)
		out_json(t);
	else {
		conv_tree(c, json_object_get(t, "tree"), 0);
		/* The server answers a thread's first annotations only. */
		if (json_is_true(json_object_get(t, "truncated")))
			fprintf(stderr, "gloss: the thread has more than these "
			    "%lld annotations, the first to arrive; the others "
			    "are not shown\n", (long long)json_integer_value(
			    json_object_get(t, "annotations")));
	}
	json_decref(t);
	return EXIT_OK;
}

int
cmd_search(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, 'K' },
		{ "limit", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*kind = NULL, *limit = NULL, *snippet;
	struct buf	 q;
	json_t		*r, *item;
	size_t		 i;
	int		 ch, rc;

	while ((ch = cmd_getopt(argc, argv, "", opts)) != -1) {
		switch (ch) {
		case 'K':
			if (cmd_kind(optarg) == -1)
				return cmd_usage("search");
			kind = optarg;
			break;
		case 'n':
			limit = optarg;
			break;
		case 'j':
			c->json = 1;
			break;
		default:
			return cmd_usage("search");
		}
	}
	if (cmd_arity(argc, argv, "QUERY RID", 1) == -1)
		return cmd_usage("search");
	if (!search_query_valid(argv[optind]))
		return cmd_misuse("the query must hold 1 to %d words, at most "
		    "%d bytes", SEARCH_WORDS_MAX, SEARCH_QUERY_MAX);
	buf_init(&q);
	buf_puts(&q, "/v1/search");
	net_query(&q, "q", argv[optind]);
	net_query(&q, "record", optind + 2 == argc ? argv[optind + 1] : NULL);
	net_query(&q, "kind", kind);
	net_query(&q, "limit", limit);
	r = net_get_json(c, q.data, &rc);
	buf_free(&q);
	if (r == NULL)
		return rc;
	if (c->json)
		out_json(r);
	else if (json_array_size(json_object_get(r, "results")) == 0)
		fprintf(stderr, "gloss: nothing matches\n");
	json_array_foreach(c->json ? NULL : json_object_get(r, "results"), i,
	    item) {
		out_field(stdout, "", json_string_value(json_object_get(item,
		    "record")));
		out_entry(c, item, "");
		if ((snippet = json_string_value(json_object_get(item,
		    "snippet"))) != NULL)
			out_field(stdout, "      match: ", snippet);
	}
	/* One page only: say that it is not all, after it. */
	if (!c->json && json_is_string(json_object_get(r, "next")))
		fprintf(stderr, "gloss: more match than the %zu shown; --limit "
		    "N shows the first N (the server's page_max at most)\n",
		    json_array_size(json_object_get(r, "results")));
	json_decref(r);
	return EXIT_OK;
}
