/*
 * cmd_links.c: gloss links check: does every follow-up link of a record
 * still lead where it did?
 *
 * The reading list (one entry per normalized link, however many
 * annotations cite it) comes from glossd, linkcheck.c asks each link's
 * server, and the verdicts print one line per link.  With --post they go
 * back, once every check is over, as link-review statements signed by the
 * user's key: one per link, naming the first annotation that cited it, a
 * moved one naming where it moved as its replacement.  The key is loaded
 * before the first check, so that a passphrase is asked, or a missing key
 * found, before minutes of checking rather than after.  An "unsure" (a
 * 403, a 503) is for a person to look at, never posted.
 */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "linkcheck.h"

#define LINKS_CONCURRENCY	8
#define LINKS_CONCURRENCY_MAX	64
#define LINKS_TIMEOUT		10	/* seconds */
#define LINKS_TIMEOUT_MAX	300
#define LINKS_PROGRESS_URL	60	/* bytes of URL in the progress line */
#define LINKS_RATE_WAIT		300	/* seconds --post may wait out 429s */

struct links_args {
	long	talk;
	long	concurrency;
	long	timeout;
	int	post;
	int	allow_private;
};

/* The options of links check; -1 on a usage error, else RID at optind. */
static int
links_options(struct client *c, int argc, char **argv, struct links_args *la)
{
	static const struct option opts[] = {
		{ "talk", required_argument, NULL, 't' },
		{ "concurrency", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "post", no_argument, NULL, 'p' },
		{ "allow-private", no_argument, NULL, 'P' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	int	ch;

	while ((ch = cmd_getopt(argc, argv, "", opts)) != -1) {
		switch (ch) {
		case 't':
			if ((la->talk = cmd_number("--talk", optarg, 1,
			    1000)) == -1)
				return -1;
			break;
		case 'c':
			if ((la->concurrency = cmd_number("--concurrency",
			    optarg, 1, LINKS_CONCURRENCY_MAX)) == -1)
				return -1;
			break;
		case 'T':
			if ((la->timeout = cmd_number("--timeout", optarg, 1,
			    LINKS_TIMEOUT_MAX)) == -1)
				return -1;
			break;
		case 'p':
			la->post = 1;
			break;
		case 'P':
			la->allow_private = 1;
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

static void
links_progress(size_t done, size_t n, const char *what, const char *url)
{
	size_t	len = strlen(url);

	fprintf(stderr, "\r\033[K[%zu/%zu] %s ", done, n, what);
	out_text(stderr, url, len < LINKS_PROGRESS_URL ? len :
	    LINKS_PROGRESS_URL, NULL);
}

static void
links_checking_cb(size_t done, size_t n, const char *url, void *arg)
{
	links_progress(done, n, "checking", url);
}

/* "moved   200  URL -> REPLACEMENT" or "broken    -  URL  (ERROR)". */
static void
links_print(const struct linkcheck_link *l)
{
	char	status[16] = "-";

	if (l->status != 0)
		snprintf(status, sizeof status, "%d", l->status);
	printf("%-6s  %3s  ", linkcheck_verdict_name(l->verdict), status);
	out_text(stdout, l->href, strlen(l->href), NULL);
	if (l->moved_to != NULL) {
		fputs(" -> ", stdout);
		out_text(stdout, l->moved_to, strlen(l->moved_to), NULL);
	}
	if (l->error != NULL) {
		fputs("  (", stdout);
		out_text(stdout, l->error, strlen(l->error), NULL);
		fputc(')', stdout);
	}
	putchar('\n');
}

static json_t *
links_result(const struct linkcheck_link *l)
{
	json_t	*r;

	/* No answer has no status: null, where the text shows "-". */
	r = json_pack("{s:s, s:s, s:o, s:s, s:I}", "href", l->href,
	    "verdict", linkcheck_verdict_name(l->verdict), "status",
	    l->status != 0 ? json_integer(l->status) : json_null(),
	    "final", l->final, "ms", (json_int_t)l->ms);
	if (l->moved_to != NULL)
		json_object_set_new(r, "replacement",
		    json_string(l->moved_to));
	if (l->error != NULL)
		json_object_set_new(r, "error", json_string(l->error));
	return r;
}

static int
links_is_link(const char *url)
{
	struct link	link;

	if (link_parse(url, strlen(url), &link, NULL, 0) == -1)
		return 0;
	link_clear(&link);
	return 1;
}

/*
 * The link-review statement for l, entry e's link, without v, type,
 * author and created.  The final URL goes in when it differs from the
 * href and is a link glossd would take; a moved link names where it
 * moved (always such a link) as its replacement.
 */
static json_t *
links_review(json_t *e, const struct linkcheck_link *l)
{
	const char	*id, *url;
	json_t		*check, *root;

	reading_citation(e, &id, &url);
	check = json_pack("{s:i}", "status", l->status);
	if (strcmp(l->final, l->href) != 0 && links_is_link(l->final))
		json_object_set_new(check, "final", json_string(l->final));
	if (l->error != NULL)
		json_object_set_new(check, "error", json_string(l->error));
	root = review_statement(id, url, linkcheck_verdict_name(l->verdict),
	    NULL, l->moved_to);
	json_object_set_new(root, "check", check);
	return root;
}

/*
 * Sign with sk and post the review of every link a check could judge (not
 * "unsure"); each id joins its result, and is printed beside the link it
 * judges.  A key's rate limit is waited out, as each 429 asks, up to
 * LINKS_RATE_WAIT seconds in all; a review that is not posted is named by
 * its link.  Returns the worst exit code; stops at network trouble.
 */
static int
links_post(struct client *c, json_t *entries, const struct linkcheck_link *l,
    json_t *results, const struct minisig_seckey *sk,
    const struct minisig_pubkey *pk, int progress)
{
	json_t			*root;
	char			 id[GLOSS_ID_LEN + 1];
	size_t			 i, n = json_array_size(entries);
	int			 rc = EXIT_OK, prc;

	c->rate_wait = LINKS_RATE_WAIT;
	for (i = 0; i < n && rc != EXIT_USAGE; i++) {
		if (l[i].verdict == LINKCHECK_UNSURE)
			continue;
		if (progress)
			links_progress(i, n, "posting", l[i].href);
		root = links_review(json_array_get(entries, i), &l[i]);
		if ((prc = post_as(c, "link-review", root, sk, pk, id)) !=
		    EXIT_OK) {
			fputs("gloss: no review posted for ", stderr);
			out_text(stderr, l[i].href, strlen(l[i].href), NULL);
			fputc('\n', stderr);
			rc = prc > rc ? prc : rc;
			continue;
		}
		json_object_set_new(json_array_get(results, i), "review",
		    json_string(id));
		if (!c->json) {
			printf("%s  ", id);
			out_text(stdout, l[i].href, strlen(l[i].href), NULL);
			putchar('\n');
		}
	}
	if (progress)
		fputs("\r\033[K", stderr);
	return rc;
}

/*
 * Check the links of entries (each one already validated) and report,
 * then post the reviews signed with sk unless it is NULL; returns the exit
 * code.
 */
static int
links_run(struct client *c, const char *rid, json_t *entries,
    const struct links_args *la, const struct minisig_seckey *sk,
    const struct minisig_pubkey *pk)
{
	struct linkcheck_options opt;
	struct linkcheck_link	*links;
	json_t			*results, *e;
	const char		*errstr;
	size_t			 i, n = json_array_size(entries);
	int			 rc = EXIT_OK, prc, progress;

	progress = isatty(STDERR_FILENO);
	opt.concurrency = (int)la->concurrency;
	opt.timeout = (int)la->timeout;
	opt.allow_private = la->allow_private;
	opt.progress_cb = progress ? links_checking_cb : NULL;
	opt.arg = NULL;
	links = xcalloc(n, sizeof *links);
	json_array_foreach(entries, i, e)
		links[i].href = json_string_value(json_object_get(e, "href"));
	if (linkcheck_run(links, n, &opt, &errstr) == -1) {
		fprintf(stderr, "gloss: %s\n", errstr);
		free(links);
		return EXIT_USAGE;
	}
	if (progress)
		fputs("\r\033[K", stderr);
	results = json_array();
	for (i = 0; i < n; i++) {
		if (links[i].verdict != LINKCHECK_OK &&
		    links[i].verdict != LINKCHECK_MOVED)
			rc = EXIT_REFUSED;
		if (!c->json)
			links_print(&links[i]);
		json_array_append_new(results, links_result(&links[i]));
	}
	fflush(stdout);
	if (sk != NULL && (prc = links_post(c, entries, links, results, sk,
	    pk, progress)) > rc)
		rc = prc;
	if (c->json) {
		e = json_pack("{s:s, s:o}", "record", rid, "links", results);
		out_json(e);
		json_decref(e);
	} else
		json_decref(results);
	for (i = 0; i < n; i++)
		linkcheck_clear(&links[i]);
	free(links);
	return rc;
}

static int
links_check(struct client *c, int argc, char **argv)
{
	struct links_args	 la = { .concurrency = LINKS_CONCURRENCY,
				    .timeout = LINKS_TIMEOUT };
	struct minisig_seckey	*sk = NULL;
	struct minisig_pubkey	 pk;
	json_t			*entries, *e;
	const char		*rid;
	size_t			 i;
	int			 rc;

	if (links_options(c, argc, argv, &la) == -1)
		return cmd_usage("links");
	rid = argv[optind];
	if ((entries = reading_entries(c, rid, la.talk, "all", &rc)) ==
	    NULL)
		return rc;
	json_array_foreach(entries, i, e) {
		if (!json_is_string(json_object_get(e, "href")) ||
		    reading_citation(e, NULL, NULL) == -1) {
			fprintf(stderr, "gloss: the server sent a reading list "
			    "without links or citations\n");
			json_decref(entries);
			return EXIT_USAGE;
		}
	}
	if (json_array_size(entries) == 0 && !c->json)
		fprintf(stderr, "gloss: %s has no follow-up links%s\n", rid,
		    la.talk > 0 ? " in that talk" : "");
	if (la.post && json_array_size(entries) > 0 &&
	    (sk = keys_load_secret(c, &pk)) == NULL) {
		json_decref(entries);
		return EXIT_USAGE;
	}
	rc = links_run(c, rid, entries, &la, sk, &pk);
	minisig_seckey_free(sk);
	json_decref(entries);
	return rc;
}

int
cmd_links(struct client *c, int argc, char **argv)
{
	if (argc < 2)
		return cmd_misuse("missing action");
	if (strcmp(argv[1], "check") != 0)
		return cmd_misuse("unknown action \"%s\"",
		    cmd_word(argv[1]));
	return links_check(c, argc - 1, argv + 1);
}
