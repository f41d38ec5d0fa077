/*
 * cmd_mod.c: moderation from the terminal: gloss mod ..., gloss flag and
 * gloss mine.
 *
 * Every decision is a signed moderation statement, like any other write.
 * The queue, the flags and "mine" are reads only their owners may make, so
 * those requests are signed too (the daemon refuses a replayed one).  On a
 * terminal, gloss mod queue walks the queue one item at a time: one key
 * press decides.
 */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"

struct mod_action {
	const char	*name;
	const char	*operand;	/* what the subject is */
	int		 key;		/* its key in the walk, 0 if none */
	int		 reason;	/* needs one; the walk asks for it */
	const char	*doing;		/* said of a KEY given by an id */
};

static const struct mod_action mod_actions[] = {
	{ "approve", "ID", 'a', 0, NULL },
	{ "reject", "ID", 'r', 1, NULL },
	{ "hide", "ID", 'h', 1, NULL },
	{ "restore", "ID", 0, 0, NULL },
	{ "ban", "KEY", 'b', 1, "banning" },
	{ "unban", "KEY", 0, 0, "unbanning" },
	{ "trust", "KEY", 0, 0, "trusting" },
	{ "lock", "RID", 0, 0, NULL },
	{ "unlock", "RID", 0, 0, NULL },
};
#define MOD_NACTIONS	(sizeof mod_actions / sizeof mod_actions[0])

/* Sign and post one decision. */
static int
mod_decide(struct client *c, const char *action, const char *subject,
    int talk, const char *reason)
{
	json_t	*root;

	root = json_pack("{s:s,s:s}", "action", action, "subject", subject);
	if (talk > 0)
		json_object_set_new(root, "talk", json_integer(talk));
	if (reason != NULL)
		json_object_set_new(root, "reason", json_string(reason));
	return post_signed(c, "moderation", root);
}

/*
 * GET path, every page of member (net_get_pages), signed by the user's
 * key (the queue, mine).  NULL with *rc after a message.
 */
static json_t *
mod_signed_get(struct client *c, const char *path, const char *member,
    int *rc)
{
	struct minisig_seckey	*sk;
	struct minisig_pubkey	 pk;
	json_t			*root;

	if ((sk = keys_load_secret(c, &pk)) == NULL) {
		*rc = EXIT_USAGE;
		return NULL;
	}
	c->signer = sk;
	root = net_get_pages(c, path, member, 0, rc);
	c->signer = NULL;
	minisig_seckey_free(sk);
	return root;
}

/*
 * One flag of a queued annotation: its reason, whose it is (the key id
 * list prints), and its note if any.
 */
static void
mod_show_flag(json_t *flag)
{
	const char	*reason = json_string_value(json_object_get(flag,
			    "reason"));
	const char	*author = json_string_value(json_object_get(flag,
			    "author"));
	const char	*note = json_string_value(json_object_get(flag,
			    "note"));
	char		 fp[10];

	fputs("      flagged ", stdout);
	if (reason != NULL)
		out_text(stdout, reason, strlen(reason), NULL);
	if (author != NULL) {
		out_fingerprint(author, fp);
		printf(" by %s", fp);
	}
	if (note != NULL)
		out_field(stdout, ": ", note);
	else
		fputc('\n', stdout);
}

/*
 * One queued item.  decided, in the walk, holds for each author key the
 * approvals and rejections the walk has signed so far, [approved,
 * rejected], which the author's history, read with the queue before the
 * walk began, does not count yet; NULL outside the walk.
 */
static void
mod_show_item(struct client *c, json_t *item, json_t *decided)
{
	json_t		*a = json_object_get(item, "annotation");
	json_t		*h = json_object_get(item, "author_history");
	json_t		*flag, *more;
	const char	*reasons, *author;
	size_t		 i, n;

	printf("%s%s%s  %s\n", out_color(c, "\033[1m"),
	    json_string_value(json_object_get(a, "record")),
	    out_color(c, "\033[0m"),
	    json_string_value(json_object_get(a, "status")));
	out_entry(c, a, "");
	json_array_foreach(json_object_get(item, "flag_list"), i, flag)
		mod_show_flag(flag);
	/* "flags" has every flag's reason, the list only the last few. */
	if ((reasons = json_string_value(json_object_get(item, "flags"))) !=
	    NULL) {
		for (n = 1; *reasons != '\0'; reasons++)
			n += *reasons == ',';
		if (n > i)
			printf("      and %zu earlier flag%s\n", n - i,
			    n - i == 1 ? "" : "s");
	}
	author = json_string_value(json_object_get(a, "author"));
	more = author != NULL ? json_object_get(decided, author) : NULL;
	printf("      author: first seen %s, %lld approved, %lld rejected\n",
	    json_string_value(json_object_get(h, "first_seen")),
	    (long long)(json_integer_value(json_object_get(h, "approved")) +
	    json_integer_value(json_array_get(more, 0))),
	    (long long)(json_integer_value(json_object_get(h, "rejected")) +
	    json_integer_value(json_array_get(more, 1))));
}

/* Count a decision of the walk about an annotation of author's. */
static void
mod_count_decision(json_t *decided, const char *author, const char *action)
{
	json_t	*counts;
	size_t	 i;

	if (strcmp(action, "approve") == 0)
		i = 0;
	else if (strcmp(action, "reject") == 0)
		i = 1;
	else
		return;
	if ((counts = json_object_get(decided, author)) == NULL) {
		counts = json_pack("[ii]", 0, 0);
		json_object_set_new(decided, author, counts);
	}
	json_array_set_new(counts, i,
	    json_integer(json_integer_value(json_array_get(counts, i)) + 1));
}

/*
 * What key ch decides about annotation a in the walk, as gloss mod
 * ACTION does: about a itself, counted in decided (mod_show_item), or (a
 * ban) about its author's key, who is then added to banned.  EXIT_OK
 * also when ch decides nothing or no reason was given: a is skipped.
 */
static int
mod_walk_decide(struct client *c, FILE *tty, json_t *a, int ch,
    json_t *banned, json_t *decided)
{
	const struct mod_action	*act;
	const char		*subject, *author;
	char			*reason = NULL;
	size_t			 i;
	int			 rc;

	for (i = 0; i < MOD_NACTIONS; i++) {
		if (mod_actions[i].key != 0 && mod_actions[i].key == ch)
			break;
	}
	if (i == MOD_NACTIONS)
		return EXIT_OK;
	act = &mod_actions[i];
	subject = json_string_value(json_object_get(a,
	    strcmp(act->operand, "KEY") == 0 ? "author" : "id"));
	if (subject == NULL)
		return EXIT_OK;
	if (act->reason && (reason = tty_line(tty, "Reason")) == NULL) {
		printf("a reason is needed; skipped\n");
		return EXIT_OK;
	}
	rc = mod_decide(c, act->name, subject, 0, reason);
	free(reason);
	if (rc == EXIT_OK && strcmp(act->name, "ban") == 0)
		json_object_set_new(banned, subject, json_true());
	else if (rc == EXIT_OK && (author = json_string_value(
	    json_object_get(a, "author"))) != NULL)
		mod_count_decision(decided, author, act->name);
	return rc;
}

/*
 * Walk the queue on the terminal: a, r, h, b, s or q for each item.  Keys
 * come from /dev/tty opened for reading only (a stream that is read and
 * written may drop what it read ahead); prompts go to stdout, a terminal.
 * A ban hid its author's other annotations (they left the queue), so the
 * walk passes over them; an approval or a rejection counts in the
 * author's history shown with the author's next items.
 */
static int
mod_walk(struct client *c, json_t *queue)
{
	json_t		*item, *a, *banned, *decided;
	const char	*author;
	FILE		*tty;
	size_t		 i;
	int		 ch, rc = EXIT_OK;

	if ((tty = fopen("/dev/tty", "r")) == NULL)
		return EXIT_USAGE;
	banned = json_object();
	decided = json_object();
	json_array_foreach(queue, i, item) {
		a = json_object_get(item, "annotation");
		author = json_string_value(json_object_get(a, "author"));
		if (author != NULL && json_object_get(banned, author) != NULL) {
			out_field(stdout, "skipped, its author is banned: ",
			    json_string_value(json_object_get(a, "id")));
			continue;
		}
		mod_show_item(c, item, decided);
		printf("[a]pprove [r]eject [h]ide [b]an author [s]kip "
		    "[q]uit? ");
		fflush(stdout);
		ch = tty_keypress(tty);
		putchar('\n');
		if (ch == 'q' || ch == EOF)
			break;
		if ((rc = mod_walk_decide(c, tty, a, ch, banned, decided)) !=
		    EXIT_OK)
			break;
	}
	json_decref(decided);
	json_decref(banned);
	fclose(tty);
	return rc;
}

static int
mod_queue(struct client *c, int argc, char **argv)
{
	struct buf	 path;
	json_t		*root, *queue, *item;
	size_t		 i;
	int		 rc;

	if (cmd_operands(c, argc, argv, "RID", 1) == -1)
		return cmd_usage("mod");
	buf_init(&path);
	buf_puts(&path, "/v1/moderation/queue");
	net_query(&path, "record", optind < argc ? argv[optind] : NULL);
	root = mod_signed_get(c, path.data, "queue", &rc);
	buf_free(&path);
	if (root == NULL)
		return rc;
	rc = EXIT_OK;
	queue = json_object_get(root, "queue");
	if (c->json)
		out_json(root);
	else if (json_array_size(queue) == 0)
		fprintf(stderr, "gloss: the queue is empty\n");
	else if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		rc = mod_walk(c, queue);
	else
		json_array_foreach(queue, i, item)
			mod_show_item(c, item, NULL);
	json_decref(root);
	return rc;
}

/*
 * The profile name of key, a moderator's (few sign decisions), asked of
 * the server once and kept in names; NULL for none, or with *rc on a
 * failure after its message.
 */
static const char *
mod_name(struct client *c, json_t *names, const char *key, int *rc)
{
	json_t	*k, *name;

	if ((name = json_object_get(names, key)) == NULL) {
		if ((k = net_get_at(c, "/v1/keys/", key, "", rc)) == NULL)
			return NULL;
		name = json_object_get(k, "name");
		json_object_set(names, key, name != NULL ? name : json_null());
		json_decref(k);
		name = json_object_get(names, key);
	}
	*rc = EXIT_OK;
	return json_string_value(name);
}

static int
mod_log(struct client *c, int argc, char **argv)
{
	struct minisig_pubkey	 pk;
	json_t			*root, *d, *st, *names;
	const char		*reason, *author, *name, *subject;
	char			 fp[10];
	size_t			 i;
	int			 rc;

	if (cmd_operands(c, argc, argv, "", 0) == -1)
		return cmd_usage("mod");
	if ((root = net_get_pages(c, "/v1/moderation/log", "decisions", 0,
	    &rc)) == NULL)
		return rc;
	rc = EXIT_OK;
	if (c->json)
		out_json(root);
	names = json_object();
	json_array_foreach(c->json ? NULL : json_object_get(root,
	    "decisions"), i, d) {
		st = json_object_get(d, "statement");
		author = json_string_value(json_object_get(st, "author"));
		name = mod_name(c, names, author != NULL ? author : "", &rc);
		if (rc != EXIT_OK)
			break;
		printf("%s  %-8s ", json_string_value(json_object_get(st,
		    "created")), json_string_value(json_object_get(st,
		    "action")));
		if (json_is_integer(json_object_get(st, "talk")))
			printf("talk %lld of ", (long long)json_integer_value(
			    json_object_get(st, "talk")));
		subject = json_string_value(json_object_get(st, "subject"));
		/*
		 * A key (ban, unban, trust) also by its fingerprint, as
		 * listings and the queue show its author.
		 */
		if (subject != NULL && minisig_pubkey_parse(subject,
		    strlen(subject), &pk, NULL) == 0) {
			out_fingerprint(subject, fp);
			printf("%s  (key %s)\n", subject, fp);
		} else
			out_field(stdout, "", subject);
		printf("    by ");
		out_who(c, stdout, author, name);
		if ((reason = json_string_value(json_object_get(st,
		    "reason"))) != NULL)
			out_field(stdout, ": ", reason);
		else
			fputc('\n', stdout);
	}
	json_decref(names);
	json_decref(root);
	return rc;
}

/* An action gloss mod does not have: say so, naming those it has. */
static int
mod_unknown(const char *action)
{
	struct buf	 valid;
	size_t		 i, n = MOD_NACTIONS;
	int		 rc;

	buf_init(&valid);
	buf_puts(&valid, "queue, log");
	for (i = 0; i < n; i++)
		buf_printf(&valid, "%s%s", i + 1 < n ? ", " : " or ",
		    mod_actions[i].name);
	rc = cmd_misuse("unknown action \"%s\" (%s)", cmd_word(action),
	    valid.data);
	buf_free(&valid);
	return rc;
}

/*
 * gloss mod ACTION SUBJECT [--reason R] [--talk N].  A KEY may be given
 * by the id of a statement its key signed (cmd_public_key); a missing
 * reason is said before that id is looked up.
 */
static int
mod_action(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ "talk", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	const struct mod_action	*act;
	const char		*reason = NULL;
	long			 talk = 0;
	size_t			 i;
	int			 ch, rc = EXIT_OK;

	for (i = 0; i < MOD_NACTIONS; i++) {
		if (strcmp(argv[0], mod_actions[i].name) == 0)
			break;
	}
	if (i == MOD_NACTIONS)
		return mod_unknown(argv[0]);
	act = &mod_actions[i];
	while ((ch = cmd_getopt(argc, argv, "", opts)) != -1) {
		switch (ch) {
		case 'r':
			reason = optarg;
			break;
		case 't':
			if (strcmp(act->operand, "RID") != 0)
				return cmd_misuse("--talk is for lock and "
				    "unlock");
			if ((talk = cmd_number("--talk", optarg, 1,
			    1000)) == -1)
				return cmd_usage("mod");
			break;
		case 'j':
			c->json = 1;
			break;
		default:
			return cmd_usage("mod");
		}
	}
	if (cmd_arity(argc, argv, act->operand, 0) == -1)
		return cmd_usage("mod");
	if (act->reason && reason == NULL)
		return cmd_misuse("%s needs a reason", act->name);
	if (strcmp(act->operand, "ID") == 0)
		rc = cmd_statement_id(c, &argv[optind]);
	else if (strcmp(act->operand, "KEY") == 0)
		rc = cmd_public_key(c, &argv[optind], act->doing, NULL);
	if (rc != EXIT_OK)
		return rc;
	return mod_decide(c, act->name, argv[optind], (int)talk, reason);
}

int
cmd_mod(struct client *c, int argc, char **argv)
{
	if (argc < 2)
		return cmd_misuse("missing action");
	optind = 0;
	if (strcmp(argv[1], "queue") == 0)
		return mod_queue(c, argc - 1, argv + 1);
	if (strcmp(argv[1], "log") == 0)
		return mod_log(c, argc - 1, argv + 1);
	return mod_action(c, argc - 1, argv + 1);
}

int
cmd_flag(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ "note", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*reason = NULL, *note = NULL;
	json_t		*root;
	int		 ch, rc;

	while ((ch = cmd_getopt(argc, argv, "", opts)) != -1) {
		if (ch == 'r' && cmd_one_of("--reason", optarg,
		    stmt_flag_reason_valid(optarg),
		    stmt_flag_reason_list()) == -1)
			return cmd_usage("flag");
		if (ch == 'r')
			reason = optarg;
		else if (ch == 'n')
			note = optarg;
		else if (ch == 'j')
			c->json = 1;
		else
			return cmd_usage("flag");
	}
	if (cmd_arity(argc, argv, "ID", 0) == -1)
		return cmd_usage("flag");
	if (reason == NULL)
		return cmd_misuse("--reason is required");
	if ((rc = cmd_statement_id(c, &argv[optind])) != EXIT_OK)
		return rc;
	root = json_pack("{s:s,s:s}", "subject", argv[optind], "reason",
	    reason);
	if (note != NULL)
		json_object_set_new(root, "note", json_string(note));
	return post_signed(c, "flag", root);
}

/* gloss mine: the user's own annotations, pending ones included. */
int
cmd_mine(struct client *c, int argc, char **argv)
{
	struct minisig_seckey	*sk;
	struct minisig_pubkey	 pk;
	json_t			*root, *a;
	char			 key[GLOSS_PUBKEY_LEN + 1], *path, *e;
	size_t			 i;
	int			 rc;

	if (cmd_operands(c, argc, argv, "", 0) == -1)
		return cmd_usage("mine");
	if ((sk = keys_load_secret(c, &pk)) == NULL)
		return EXIT_USAGE;
	minisig_seckey_free(sk);
	minisig_pubkey_format(&pk, key);
	e = net_escape(key);
	xasprintf(&path, "/v1/keys/%s/annotations", e);
	free(e);
	root = mod_signed_get(c, path, "annotations", &rc);
	free(path);
	if (root == NULL)
		return rc;
	if (c->json)
		out_json(root);
	else if (json_array_size(json_object_get(root, "annotations")) == 0)
		fprintf(stderr, "gloss: this key has no annotations here\n");
	json_array_foreach(c->json ? NULL : json_object_get(root,
	    "annotations"), i, a) {
		printf("%s  ", json_string_value(json_object_get(a,
		    "record")));
		out_status(stdout, a);
		fputc('\n', stdout);
		out_entry(c, a, "");
	}
	json_decref(root);
	return EXIT_OK;
}
