/*
 * cmd_reading.c: follow-up reading from the terminal: gloss reading RID
 * (the reading list, or its BibTeX or Markdown export), gloss review-link
 * and gloss review.
 *
 * The daemon does the work (de-duplication, ranking, the exports); these
 * commands ask and show.  gloss review walks the unreviewed links one at
 * a time on a terminal, showing each link with the annotations that cite
 * it and its last check, and one key press signs a verdict.
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"

/* The verdicts and the key that gives each in gloss review. */
static const struct {
	int			 key;
	enum stmt_verdict	 verdict;
} review_keys[] = {
	{ 'o', VERDICT_OK }, { 'r', VERDICT_RELEVANT },
	{ 'i', VERDICT_IRRELEVANT }, { 'b', VERDICT_BROKEN },
	{ 'm', VERDICT_MOVED }, { 'p', VERDICT_PAYWALLED },
	{ 'd', VERDICT_DUPLICATE }, { 'x', VERDICT_SPAM },
};

struct reading_args {
	long		 talk;
	const char	*format;
	const char	*status;
};

/* --talk, --format, --status and --json; -1 on a usage error. */
static int
reading_options(struct client *c, int argc, char **argv,
    struct reading_args *ra, int formats)
{
	static const struct option opts[] = {
		{ "talk", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'f' },
		{ "status", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	int	ch;

	while ((ch = cmd_getopt(argc, argv, "", opts)) != -1) {
		switch (ch) {
		case 't':
			if ((ra->talk = cmd_number("--talk", optarg, 1,
			    1000)) == -1)
				return -1;
			break;
		case 'f':
			if (!formats) {
				cmd_error("--format is for gloss reading");
				return -1;
			}
			if (cmd_one_of("--format", optarg,
			    stmt_reading_format_valid(optarg),
			    stmt_reading_format_list()) == -1)
				return -1;
			ra->format = optarg;
			break;
		case 's':
			if (cmd_one_of("--status", optarg,
			    stmt_reading_status_valid(optarg),
			    stmt_reading_status_list()) == -1)
				return -1;
			ra->status = optarg;
			break;
		case 'j':
			c->json = 1;
			break;
		default:
			return -1;
		}
	}
	return cmd_arity(argc, argv, "RID", 0);
}

/* The path of a page of rid's reading list, from offset. */
static char *
reading_path(const char *rid, long talk, const char *status,
    const char *format, size_t offset)
{
	struct buf	 path;
	char		*e = net_escape(rid), n[32];

	buf_init(&path);
	buf_printf(&path, "/v1/records/%s/reading", e);
	free(e);
	if (talk > 0) {
		snprintf(n, sizeof n, "%ld", talk);
		net_query(&path, "talk", n);
	}
	net_query(&path, "status", status);
	net_query(&path, "format", format);
	if (offset > 0) {
		snprintf(n, sizeof n, "%zu", offset);
		net_query(&path, "offset", n);
	}
	return buf_take(&path);
}

/*
 * Every entry of rid's reading list (of one talk if talk > 0, with
 * status, NULL for the default), page by page up to the total; NULL with
 * *rc after a message.
 */
json_t *
reading_entries(struct client *c, const char *rid, long talk,
    const char *status, int *rc)
{
	json_t		*all = json_array(), *page, *entries;
	json_int_t	 total;
	size_t		 got;
	char		*path;

	do {
		path = reading_path(rid, talk, status, NULL,
		    json_array_size(all));
		page = net_get_json(c, path, rc);
		free(path);
		if (page == NULL) {
			json_decref(all);
			return NULL;
		}
		entries = json_object_get(page, "entries");
		got = json_array_size(entries);
		json_array_extend(all, entries);
		total = json_integer_value(json_object_get(page, "total"));
		json_decref(page);
	} while (got > 0 && (json_int_t)json_array_size(all) < total);
	return all;
}

/* Member name of o as a string, "" when it is not one. */
static const char *
reading_str(json_t *o, const char *name)
{
	const char	*s = json_string_value(json_object_get(o, name));

	return s != NULL ? s : "";
}

/* s as out_text writes it: no control or bidi character reaches the tty. */
static void
reading_put(const char *s)
{
	out_text(stdout, s, strlen(s), NULL);
}

/*
 * ", checked VERDICT" and what the check found: where a moved link went,
 * as a moved verdict's replacement is worded, else what went wrong, which
 * says more than the status it came with (a redirect loop's 302), else
 * the status.
 */
static void
reading_show_check(json_t *check)
{
	const char	*verdict = reading_str(check, "verdict");
	const char	*error = reading_str(check, "error"), *repl, *words;
	json_int_t	 status;

	status = json_integer_value(json_object_get(check, "status"));
	repl = json_string_value(json_object_get(check, "replacement"));
	words = repl != NULL ? citing_replaced(verdict) : NULL;
	printf(", checked ");
	if (words != NULL) {
		printf("%s ", words);
		reading_put(repl);
	} else
		reading_put(verdict);
	if (*error != '\0') {
		printf(" (");
		reading_put(error);
		printf(")");
	} else if (status > 0 && words == NULL)
		printf(" (%lld)", (long long)status);
}

static void
reading_show_entry(struct client *c, json_t *e, size_t rank)
{
	const char	*status = reading_str(e, "status");
	const char	*v, *words;
	json_t		*reviews = json_object_get(e, "reviews"), *n;
	json_t		*check = json_object_get(e, "check");
	struct citing	 ct;
	struct buf	 where;

	printf("%3zu. %s", rank, out_color(c, "\033[1m"));
	reading_put(json_is_string(json_object_get(e, "title")) ?
	    reading_str(e, "title") : reading_str(e, "url"));
	printf("%s  %s", out_color(c, "\033[0m"), out_color(c,
	    strcmp(status, "unreviewed") == 0 ? "\033[2m" : "\033[32m"));
	reading_put(status);
	printf("%s\n     ", out_color(c, "\033[0m"));
	if (strcmp(reading_str(e, "type"), "url") != 0) {
		reading_put(reading_str(e, "key"));
		printf("  ");
	}
	reading_put(reading_str(e, "href"));
	fputc('\n', stdout);
	citing_get(e, &ct);
	buf_init(&where);
	citing_at(&where, &ct);
	citing_in(&where, &ct);
	printf("     cited %zu%s", ct.n, where.len > 0 ? where.data : "");
	buf_free(&where);
	citing_clear(&ct);
	n = json_object_get(e, "endorsements");
	if (json_integer_value(n) > 0)
		printf(", %lld endorsement%s", (long long)json_integer_value(n),
		    json_integer_value(n) == 1 ? "" : "s");
	json_object_foreach(reviews, v, n) {
		printf(", ");
		reading_put(v);
		printf(" %lld", (long long)json_integer_value(n));
	}
	if (json_is_object(check))
		reading_show_check(check);
	fputc('\n', stdout);
	if ((v = json_string_value(json_object_get(e, "replacement"))) !=
	    NULL && (words = citing_replaced(status)) != NULL) {
		printf("     %s ", words);
		out_field(stdout, "", v);
	}
}

/*
 * Print the server's document for rid's reading list as ra asks (its
 * export in ra->format, else the JSON page) as it comes: exactly its
 * bytes into a file, nothing raw to a terminal.  Returns an exit code.
 */
static int
reading_document(struct client *c, const char *rid,
    const struct reading_args *ra)
{
	struct net_response	 resp;
	char			*path;
	int			 rc;

	path = reading_path(rid, ra->talk, ra->status, ra->format, 0);
	rc = net_request(c, "GET", path, NULL, 0, &resp);
	free(path);
	if (rc == -1)
		return EXIT_USAGE;
	rc = resp.status == 200 ? EXIT_OK : net_refused(&resp);
	/* A whole document: its lines are its own (out_text's ""). */
	if (rc == EXIT_OK && isatty(STDOUT_FILENO))
		out_text(stdout, resp.body.data, resp.body.len, "");
	else if (rc == EXIT_OK)
		fwrite(resp.body.data, 1, resp.body.len, stdout);
	net_response_clear(&resp);
	return rc;
}

/*
 * gloss reading RID [--talk N] [--status S] [--format F]: bibtex and
 * markdown are the daemon's exports, printed as they come; json is the
 * answer as it comes; otherwise one ranked entry after another.
 */
int
reading_list(struct client *c, int argc, char **argv)
{
	struct reading_args	 ra = { 0, NULL, NULL };
	json_t			*entries, *e;
	size_t			 i;
	int			 rc;

	if (reading_options(c, argc, argv, &ra, 1) == -1)
		return cmd_usage("reading");
	if (ra.format != NULL || c->json)
		return reading_document(c, argv[optind], &ra);
	if ((entries = reading_entries(c, argv[optind], ra.talk, ra.status,
	    &rc)) == NULL)
		return rc;
	if (json_array_size(entries) == 0 && ra.status != NULL)
		fprintf(stderr, "gloss: no follow-up reading of status %s\n",
		    cmd_word(ra.status));
	else if (json_array_size(entries) == 0)
		fprintf(stderr, "gloss: no follow-up reading yet\n");
	json_array_foreach(entries, i, e)
		reading_show_entry(c, e, i + 1);
	json_decref(entries);
	return EXIT_OK;
}

/*
 * The annotation that first cited entry e, which a review names, and the
 * URL as it wrote it, borrowed from e (either may be NULL to skip).
 * Returns 0, or -1 if the server sent an entry without a citation.
 */
int
reading_citation(json_t *e, const char **id, const char **url)
{
	json_t	*cite = json_array_get(json_object_get(e, "citations"), 0);
	json_t	*a = json_object_get(cite, "annotation");
	json_t	*u = json_object_get(cite, "url");

	if (!json_is_string(a) || !json_is_string(u))
		return -1;
	if (id != NULL)
		*id = json_string_value(a);
	if (url != NULL)
		*url = json_string_value(u);
	return 0;
}

/* A verdict on url as annotation id cites it, to be signed. */
json_t *
review_statement(const char *id, const char *url, const char *verdict,
    const char *note, const char *replacement)
{
	json_t	*root;

	root = json_pack("{s:s,s:s,s:s}", "subject", id, "url", url,
	    "verdict", verdict);
	if (note != NULL)
		json_object_set_new(root, "note", json_string(note));
	if (replacement != NULL)
		json_object_set_new(root, "replacement",
		    json_string(replacement));
	return root;
}

/* gloss review-link ID URL --verdict V [--note T] [--replacement URL] */
int
cmd_review_link(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "verdict", required_argument, NULL, 'v' },
		{ "note", required_argument, NULL, 'n' },
		{ "replacement", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	const char		*verdict = NULL, *note = NULL;
	const char		*replacement = NULL;
	enum stmt_verdict	 v;
	int			 ch, rc;

	while ((ch = cmd_getopt(argc, argv, "", opts)) != -1) {
		if (ch == 'v' && cmd_one_of("--verdict", optarg,
		    stmt_verdict_from_name(optarg, &v) == 0,
		    stmt_verdict_list()) == -1)
			return cmd_usage("review-link");
		if (ch == 'v')
			verdict = optarg;
		else if (ch == 'n')
			note = optarg;
		else if (ch == 'r')
			replacement = optarg;
		else if (ch == 'j')
			c->json = 1;
		else
			return cmd_usage("review-link");
	}
	if (cmd_arity(argc, argv, "ID URL", 0) == -1)
		return cmd_usage("review-link");
	if (verdict == NULL)
		return cmd_misuse("--verdict is required");
	if ((rc = cmd_statement_id(c, &argv[optind])) != EXIT_OK)
		return rc;
	return post_signed(c, "link-review", review_statement(argv[optind],
	    argv[optind + 1], verdict, note, replacement));
}

/* The link with the annotations that cite it (three at most). */
static void
review_show(struct client *c, json_t *e, size_t rank)
{
	json_t	*cite, *a;
	size_t	 i;
	int	 rc;

	reading_show_entry(c, e, rank);
	json_array_foreach(json_object_get(e, "citations"), i, cite) {
		if (i == 3)
			break;
		a = net_get_at(c, "/v1/annotations/", json_string_value(
		    json_object_get(cite, "annotation")), "", &rc);
		if (a != NULL)
			out_entry(c, a, "    ");
		json_decref(a);
	}
}

/* The verdict key ch gives in *v; -1 for any other key. */
static int
review_verdict(int ch, enum stmt_verdict *v)
{
	size_t	i;

	for (i = 0; i < sizeof review_keys / sizeof review_keys[0]; i++) {
		if (review_keys[i].key == ch) {
			*v = review_keys[i].verdict;
			return 0;
		}
	}
	return -1;
}

/*
 * The replacement a reviewer types, asked again until it is a link the
 * statement may name (a typo does not end the walk); NULL for none.
 * Where a check found the link moved (links check), Enter takes where it
 * went and "-" says none.
 */
static char *
review_replacement(FILE *tty, const char *found)
{
	struct link	 l;
	char		*url, *prompt, err[256];

	/* Anyone may post a check: shown only if it is a link. */
	if (found != NULL && link_parse(found, strlen(found), &l, err,
	    sizeof err) == 0) {
		link_clear(&l);
		xasprintf(&prompt, "Replacement URL (empty for %s, - for none)",
		    found);
	} else {
		found = NULL;
		prompt = xstrdup("Replacement URL (empty for none)");
	}
	while ((url = tty_line(tty, prompt)) != NULL || found != NULL) {
		if (url == NULL)
			url = xstrdup(found);
		else if (found != NULL && strcmp(url, "-") == 0) {
			free(url);
			url = NULL;
			break;
		}
		if (link_parse(url, strlen(url), &l, err, sizeof err) == 0) {
			link_clear(&l);
			break;
		}
		fprintf(stderr, "gloss: %s; type it again\n", err);
		free(url);
	}
	free(prompt);
	return url;
}

/*
 * Walk the entries on the terminal: one key press each, each verdict
 * signed with the key loaded (and its passphrase asked) once.
 */
static int
review_walk(struct client *c, json_t *entries)
{
	struct minisig_seckey	*sk;
	struct minisig_pubkey	 pk;
	json_t			*e;
	enum stmt_verdict	 verdict;
	const char		*id, *url;
	char			*replacement, sid[GLOSS_ID_LEN + 1];
	FILE			*tty;
	size_t			 i;
	int			 ch, rc = EXIT_OK;

	if ((sk = keys_load_secret(c, &pk)) == NULL)
		return EXIT_USAGE;
	if ((tty = fopen("/dev/tty", "r")) == NULL) {
		fprintf(stderr, "gloss: /dev/tty: %s\n", strerror(errno));
		minisig_seckey_free(sk);
		return EXIT_USAGE;
	}
	json_array_foreach(entries, i, e) {
		review_show(c, e, i + 1);
		printf("[o]k [r]elevant [i]rrelevant [b]roken [m]oved "
		    "[p]aywalled [d]uplicate spam[x] [s]kip [q]uit? ");
		fflush(stdout);
		ch = tty_keypress(tty);
		putchar('\n');
		if (ch == 'q' || ch == EOF)
			break;
		if (review_verdict(ch, &verdict) == -1)
			continue;
		replacement = stmt_verdict_replaces(verdict) ?
		    review_replacement(tty, json_string_value(json_object_get(
		    json_object_get(e, "check"), "replacement"))) : NULL;
		if (reading_citation(e, &id, &url) == -1) {
			fprintf(stderr, "gloss: the server sent an entry "
			    "without a citation\n");
			free(replacement);
			rc = EXIT_USAGE;
			break;
		}
		if ((rc = post_as(c, "link-review", review_statement(id, url,
		    stmt_verdict_name(verdict), NULL, replacement), sk, &pk,
		    sid)) == EXIT_OK)
			printf("%s\n", sid);
		free(replacement);
		if (rc != EXIT_OK)
			break;
	}
	fclose(tty);
	minisig_seckey_free(sk);
	return rc;
}

/*
 * gloss review RID [--talk N] [--status S]: the reviewers' queue, the
 * unreviewed links unless --status says otherwise; --json prints the
 * server's document, as gloss reading --json does.
 */
int
cmd_review(struct client *c, int argc, char **argv)
{
	struct reading_args	 ra = { 0, NULL, "unreviewed" };
	json_t			*entries, *e;
	size_t			 i;
	int			 rc;

	if (reading_options(c, argc, argv, &ra, 0) == -1)
		return cmd_usage("review");
	if (c->json)
		return reading_document(c, argv[optind], &ra);
	if ((entries = reading_entries(c, argv[optind], ra.talk, ra.status,
	    &rc)) == NULL)
		return rc;
	rc = EXIT_OK;
	if (json_array_size(entries) == 0)
		fprintf(stderr, "gloss: no links to review\n");
	else if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		rc = review_walk(c, entries);
	else
		json_array_foreach(entries, i, e)
			reading_show_entry(c, e, i + 1);
	json_decref(entries);
	return rc;
}
