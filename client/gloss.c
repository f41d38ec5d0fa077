/*
 * gloss.c: the client's entry point and its command table.
 *
 * Global options come before the command; each command parses its own
 * through cmd_getopt, which gives every command -h and --help.  Exit codes
 * follow minisign: 0 success, 1 refused or not verified, 2 usage, I/O or
 * network trouble.
 */

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "client.h"

#define CMD_OPTIONS_MAX	16	/* long options of one command */

static const struct cmd commands[] = {
	{ "keygen", "keygen [-W] [-f] [-p pubfile] [-s secfile]", cmd_keygen },
	{ "record", "record import FILE [--id RID] | record show RID",
	    cmd_record },
	{ "records", "records", cmd_records },
	{ "post", "post RID --kind KIND [--talk N] [--at T[-T]] "
	    "[--link URL [--title T]]... [--reply-to ID] [-m TEXT | -F FILE]",
	    cmd_post },
	{ "comment", "comment RID [post options]", cmd_comment },
	{ "critique", "critique RID [post options]", cmd_critique },
	{ "reading", "reading RID --link URL [post options] | reading RID "
	    "[--talk N] [--status S] [--format bibtex|markdown|json]",
	    cmd_reading },
	{ "review", "review RID [--talk N] [--status S]", cmd_review },
	{ "review-link", "review-link ID URL --verdict ok|relevant|irrelevant|"
	    "broken|moved|paywalled|duplicate|spam [--note TEXT] "
	    "[--replacement URL]", cmd_review_link },
	{ "list", "list RID [--talk N] [--at T[-T]] [--kind KIND] "
	    "[--author KEY] [--limit N]", cmd_list },
	{ "reply", "reply ID [--kind KIND] [--talk N] [--at T[-T]] "
	    "[--link URL [--title T]]... [-m TEXT | -F FILE]", cmd_reply },
	{ "edit", "edit ID [--kind KIND] [--talk N] [--at T[-T]] "
	    "[[--link URL [--title T]]... | --no-links] [-m TEXT | -F FILE]",
	    cmd_edit },
	{ "retract", "retract ID [--reason TEXT]", cmd_retract },
	{ "endorse", "endorse ID", cmd_endorse },
	{ "unendorse", "unendorse ID", cmd_unendorse },
	{ "profile", "profile set --name NAME [--url URL] [--about TEXT]",
	    cmd_profile },
	{ "whois", "whois KEY|ID", cmd_whois },
	{ "history", "history ID", cmd_history },
	{ "thread", "thread ID", cmd_thread },
	{ "search", "search QUERY [RID] [--kind KIND] [--limit N]",
	    cmd_search },
	{ "links", "links check RID [--talk N] [--concurrency N] "
	    "[--timeout S] [--post] [--allow-private]", cmd_links },
	{ "flag", "flag ID --reason spam|abuse|off-topic|incorrect|broken-link|"
	    "other [--note TEXT]", cmd_flag },
	{ "mod", "mod queue [RID] | mod log | mod approve|reject|hide|restore "
	    "ID [--reason TEXT] | mod ban|unban|trust KEY|ID [--reason TEXT] | "
	    "mod lock|unlock RID [--talk N] [--reason TEXT]", cmd_mod },
	{ "mine", "mine", cmd_mine },
	{ "show", "show ID", cmd_show },
	{ "import-log", "import-log SOURCE-URL [--after SEQ]",
	    cmd_import_log },
	{ "verify", "verify ID | FILE", cmd_verify },
	{ "verify-log", "verify-log [--after SEQ] [--json]", cmd_verify_log },
	{ "export", "export ID|RID -o DIR", cmd_export },
	{ "verify-bundle", "verify-bundle DIR", cmd_verify_bundle },
	{ "import", "import DIR", cmd_import },
};

static const struct cmd *cmd_current;	/* the command being run */

/* Print one command's usage line; returns EXIT_USAGE for the caller. */
int
cmd_usage(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (strcmp(commands[i].name, name) == 0)
			fprintf(stderr, "usage: gloss %s\n", commands[i].usage);
	}
	return EXIT_USAGE;
}

/* -h or --help given to a command: its usage on standard output. */
static void GLOSS_DEAD
cmd_help(void)
{
	printf("usage: gloss %s\n", cmd_current->usage);
	exit(EXIT_OK);
}

/* Whether arg asks for help. */
static int
cmd_is_help(const char *arg)
{
	return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

/*
 * What is wrong with the option getopt_long (with opterr 0 and a leading
 * ':') just answered ch, '?' or ':', for: a short option by its letter, a
 * long one by its name.  In a buffer that the next call reuses.
 */
static const char *
cmd_bad_option(int ch, char **argv)
{
	static char	 msg[96];
	char		 name[64];
	const char	*w = argv[optind - 1];
	int		 isshort = optopt != 0 && strncmp(w, "--", 2) != 0;

	if (isshort)
		snprintf(name, sizeof name, "-%c", optopt);
	else
		snprintf(name, sizeof name, "%.*s", (int)strcspn(w, "="), w);
	if (ch == ':')
		snprintf(msg, sizeof msg, "%s needs a value", cmd_word(name));
	else if (!isshort && optopt != 0)
		snprintf(msg, sizeof msg, "%s takes no value", cmd_word(name));
	else
		snprintf(msg, sizeof msg, "unknown option %s", cmd_word(name));
	return msg;
}

/* The options whose value is a text, which may be anything, even "-h". */
static const char *cmd_text_options[] = {
	"about", "message", "name", "note", "reason", "title", NULL
};

/*
 * The long name of the option getopt_long answers ch for, in longopts
 * (NULL: none); NULL if it has none.
 */
static const char *
cmd_long_name(int ch, const struct option *longopts)
{
	size_t	i;

	for (i = 0; longopts != NULL && longopts[i].name != NULL; i++) {
		if (longopts[i].flag == NULL && longopts[i].val == ch)
			return longopts[i].name;
	}
	return NULL;
}

/*
 * Whether the value getopt_long just gave (optarg) the option it
 * answered ch for is, as a word of its own, one of shortopts or longopts:
 * the value was left out, as in "--at -m text", and getopt took the next
 * option for it.  Not for a text (cmd_text_options), which "-h" may be;
 * a value of another option that begins so is given joined to it
 * ("--at=-m").  If so, what to say, in a buffer that the next call
 * reuses; else NULL.
 */
static const char *
cmd_value_missing(int ch, char **argv, const char *shortopts,
    const struct option *longopts)
{
	static char	 msg[96];
	const char	*w = argv[optind - 1];
	const char	*name = cmd_long_name(ch, longopts);
	size_t		 len, i;
	int		 isopt = 0;

	if (optarg == NULL || optarg != w || w[0] != '-' || w[1] == '\0')
		return NULL;
	for (i = 0; name != NULL && cmd_text_options[i] != NULL; i++) {
		if (strcmp(name, cmd_text_options[i]) == 0)
			return NULL;
	}
	if (w[1] != '-')
		isopt = w[1] != ':' && w[1] != '+' &&
		    strchr(shortopts, w[1]) != NULL;
	len = strcspn(w + 2, "=");
	for (i = 0; w[1] == '-' && len > 0 && longopts != NULL &&
	    longopts[i].name != NULL; i++)
		isopt |= strncmp(longopts[i].name, w + 2, len) == 0;
	if (!isopt)
		return NULL;
	/* The value a word of its own: the option is the word before. */
	snprintf(msg, sizeof msg, "%s needs a value",
	    cmd_word(argv[optind - 2]));
	return msg;
}

/*
 * getopt_long over a command's options (longopts may be NULL) and -h and
 * --help, which print the command's usage on standard output and exit 0
 * wherever they come: every command has them, so none may use 'h'.  An
 * unknown option, or one without its value (also when getopt took the
 * next option for it: cmd_value_missing), is said in gloss's words
 * ("gloss: list: unknown option -x"), and is '?' to the caller.
 */
int
cmd_getopt(int argc, char **argv, const char *shortopts,
    const struct option *longopts)
{
	static struct option	 all[CMD_OPTIONS_MAX + 2];
	static char		 both[16];
	const char		*msg;
	size_t			 n;
	int			 ch;

	for (n = 0; longopts != NULL && longopts[n].name != NULL; n++) {
		if (n == CMD_OPTIONS_MAX)
			fatalx("gloss %s has too many options",
			    cmd_current->name);
		all[n] = longopts[n];
	}
	all[n] = (struct option){ "help", no_argument, NULL, 'h' };
	memset(&all[n + 1], 0, sizeof all[n + 1]);
	if ((size_t)snprintf(both, sizeof both, ":%sh", shortopts) >=
	    sizeof both)
		fatalx("gloss %s has too many options", cmd_current->name);
	opterr = 0;
	if ((ch = getopt_long(argc, argv, both, all, NULL)) == 'h')
		cmd_help();
	if (ch == '?' || ch == ':')
		msg = cmd_bad_option(ch, argv);
	else if ((msg = cmd_value_missing(ch, argv, both, all)) == NULL)
		return ch;
	cmd_error("%s", msg);
	return '?';
}

/*
 * Whether the operands left at argv[optind] are those names holds, its
 * words (as the usage line spells them) separated by spaces, the last
 * nopt of them optional.  If not, says which one is missing or which
 * word is one too many, and returns -1; the caller prints the usage.
 */
int
cmd_arity(int argc, char **argv, const char *names, int nopt)
{
	const char	*w = names;
	int		 have = argc - optind, want = 0, i;

	for (i = 0; names[i] != '\0'; i++)
		want += names[i] != ' ' && (i == 0 || names[i - 1] == ' ');
	if (have > want) {
		cmd_error("unexpected operand \"%s\"",
		    cmd_word(argv[optind + want]));
		return -1;
	}
	if (have >= want - nopt)
		return 0;
	for (i = 0; i < have; i++)
		w = strchr(w, ' ') + 1;
	cmd_error("missing %.*s", (int)strcspn(w, " "), w);
	return -1;
}

/*
 * Parse the options of a command that takes none but --json, then its
 * operands (cmd_arity).  0, or -1 after saying what is wrong.
 */
int
cmd_operands(struct client *c, int argc, char **argv, const char *names,
    int nopt)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	int	ch;

	while ((ch = cmd_getopt(argc, argv, "", opts)) != -1) {
		if (ch != 'j')
			return -1;
		c->json = 1;
	}
	return cmd_arity(argc, argv, names, nopt);
}

static void GLOSS_PRINTF(1, 0)
cmd_verror(const char *fmt, va_list ap)
{
	fprintf(stderr, "gloss: %s: ", cmd_current->name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/* Say what is wrong with the command line: "gloss: flag: ...". */
void
cmd_error(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	cmd_verror(fmt, ap);
	va_end(ap);
}

/*
 * Say what is wrong with the command line, then print the command's
 * usage.  Returns EXIT_USAGE for the caller.
 */
int
cmd_misuse(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	cmd_verror(fmt, ap);
	va_end(ap);
	return cmd_usage(cmd_current->name);
}

/*
 * s, a word of the command line, to quote back in a message: each byte
 * that is not printable ASCII as '?', so that no escape sequence reaches
 * the terminal, and cut to 32 characters with "...".  In a buffer that
 * the next call reuses.
 */
const char *
cmd_word(const char *s)
{
	static char	word[33];
	size_t		i;

	for (i = 0; s[i] != '\0' && i < sizeof word - 1; i++)
		word[i] = s[i] >= 0x20 && s[i] <= 0x7e ? s[i] : '?';
	if (s[i] != '\0')
		memcpy(word + sizeof word - 4, "...", 3);
	word[i] = '\0';
	return word;
}

/*
 * Parse a command that takes --json and one statement's id, or its first
 * digits: EXIT_OK with argv[optind] the whole id, or an exit status
 * after saying why.
 */
int
cmd_id_operand(struct client *c, int argc, char **argv)
{
	if (cmd_operands(c, argc, argv, "ID", 0) == -1)
		return cmd_usage(cmd_current->name);
	return cmd_statement_id(c, &argv[optind]);
}

/* Whether id, from the server, is a statement's id that begins with s. */
static int
cmd_id_of(const char *id, const char *s)
{
	return id != NULL && stmt_id_valid(id) &&
	    strncmp(id, s, strlen(s)) == 0;
}

/*
 * Whether s has the form of a statement's id or of its prefix, in either
 * case (people copy digits next to key ids, which print in upper case).
 */
int
cmd_id_form(const char *s)
{
	size_t	len = strlen(s);

	return len >= 4 && len <= GLOSS_ID_LEN &&
	    strspn(s, "0123456789abcdefABCDEF") == len;
}

/*
 * *arg, a command's operand or option that names a statement: its whole
 * id, or the first 4 or more of its digits as people copy them from a
 * listing, which the server resolves (GET /v1/ids/); *arg then points to
 * the whole id, kept in c.  EXIT_OK, or an exit status after saying why
 * (not an id: before anything is signed, in gloss's words rather than a
 * member's name).
 */
int
cmd_statement_id(struct client *c, char **arg)
{
	json_t		*root, *ids, *one;
	const char	*s = *arg, *id, *type, *author, *text;
	char		 fp[10];
	size_t		 i;
	int		 rc;

	if (!cmd_id_form(s)) {
		cmd_error("\"%s\" is not a statement id: " CMD_ID_FORM,
		    cmd_word(s));
		return EXIT_USAGE;
	}
	for (i = 0; (*arg)[i] != '\0'; i++)
		(*arg)[i] = (char)tolower((unsigned char)(*arg)[i]);
	if (stmt_id_valid(s))
		return EXIT_OK;
	if ((root = net_get_at(c, "/v1/ids/", s, "", &rc)) == NULL)
		return rc;
	ids = json_object_get(root, "ids");
	id = json_string_value(json_object_get(json_array_get(ids, 0), "id"));
	if (json_array_size(ids) == 0) {
		cmd_error("no statement id begins with %s", s);
		rc = EXIT_REFUSED;
	} else if (json_array_size(ids) > 1) {
		cmd_error("%s begins more than one statement id; give more "
		    "of its digits:", s);
		json_array_foreach(ids, i, one) {
			id = json_string_value(json_object_get(one, "id"));
			type = json_string_value(json_object_get(one, "type"));
			author = json_string_value(json_object_get(one,
			    "author"));
			text = json_string_value(json_object_get(one, "text"));
			out_fingerprint(author != NULL ? author : "", fp);
			fprintf(stderr, "  %s %s by key %s", cmd_id_of(id, s) ?
			    id : "?", cmd_word(type != NULL ? type : "?"), fp);
			if (text != NULL) {
				fputs(": ", stderr);
				out_line(stderr, text, CMD_ID_TEXT);
			}
			fputc('\n', stderr);
		}
		if (json_is_true(json_object_get(root, "more")))
			fputs("  and more ids\n", stderr);
		rc = EXIT_USAGE;
	} else if (!cmd_id_of(id, s)) {
		/* What would be signed is the user's choice, not the server's. */
		cmd_error("the server answered %s with no id that begins with "
		    "it", s);
		rc = EXIT_USAGE;
	} else {
		if (c->id[0] != '\0')
			fatalx("cmd_statement_id: a second id in one command");
		memcpy(c->id, id, GLOSS_ID_LEN + 1);
		*arg = c->id;
		rc = EXIT_OK;
	}
	json_decref(root);
	return rc;
}

/*
 * *arg, a command's operand that names a key: a public key, or the id
 * of a statement or its first digits (cmd_statement_id), meaning the key
 * that signed it, since listings show authors by fingerprint alone.  For
 * a statement, *arg then points to its author's key, kept in c, and
 * "DOING the author of ID: key FINGERPRINT (NAME)" on stderr says which
 * key that is.  Every statement is public whatever became of it (GET
 * /v1/statements/), so a pending or hidden annotation's author is found
 * without signing.  The key is read from the statement's bytes, checked
 * as gloss verify checks them, never from what the server says beside
 * them: a moderator signs a ban of the key that signed the id it gave.
 * EXIT_OK, or an exit status after saying why: an operand that is
 * neither, before anything is asked; an id the server does not have, as
 * gloss show says it; a prefix no id begins with, with a word on naming
 * the key when it has a fingerprint's 8 or 16 digits; bytes that are not
 * that statement's.  The server's answer about the key, read for its
 * name, goes to *info when info is not NULL (NULL for a key operand).
 */
int
cmd_public_key(struct client *c, char **arg, const char *doing,
    json_t **info)
{
	struct minisig_pubkey	 pk;
	struct verified		 v;
	json_t			*k;
	const char		*id, *name;
	char			 fp[10], upper[17];
	size_t			 i, len;
	int			 rc;

	if (info != NULL)
		*info = NULL;

	/* A key's bytes begin "Ed", so its text RW, which no id does. */
	if (minisig_pubkey_parse(*arg, strlen(*arg), &pk, NULL) == 0)
		return EXIT_OK;
	if (!cmd_id_form(*arg)) {
		cmd_error("\"%s\" is neither a public key (RW...) nor a "
		    "statement id: " CMD_ID_FORM, cmd_word(*arg));
		return EXIT_USAGE;
	}
	len = strlen(*arg);
	if ((rc = cmd_statement_id(c, arg)) != EXIT_OK) {
		/*
		 * Listings print a key as its fingerprint, 8 digits (16 as
		 * minisign does), which people then try here.
		 */
		if (rc == EXIT_REFUSED && (len == 8 || len == 16)) {
			/* Upper case, as listings print it. */
			for (i = 0; i < len; i++)
				upper[i] = (char)toupper(
				    (unsigned char)(*arg)[i]);
			upper[len] = '\0';
			cmd_error("if %s is a key's fingerprint, give the "
			    "whole key (RW...) instead, or the id of a "
			    "statement it signed: gloss list RID --author %s "
			    "lists its annotations", upper, upper);
		}
		return rc;
	}
	id = *arg;
	memset(&v, 0, sizeof v);
	if ((rc = verify_statement(c, id, &v)) == EXIT_OK)
		snprintf(c->key, sizeof c->key, "%s", v.st->author);
	verified_clear(&v);
	if (rc != EXIT_OK)
		return rc;
	if ((k = net_get_at(c, "/v1/keys/", c->key, "", &rc)) == NULL)
		return rc;
	out_fingerprint(c->key, fp);
	fprintf(stderr, "gloss: %s the author of %.12s: key %s", doing, id,
	    fp);
	/* The profile name, someone else's words, made safe. */
	if ((name = json_string_value(json_object_get(k, "name"))) != NULL) {
		fputs(" (", stderr);
		out_text(stderr, name, strlen(name), NULL);
		fputc(')', stderr);
	}
	fputc('\n', stderr);
	if (info != NULL)
		*info = k;
	else
		json_decref(k);
	*arg = c->key;
	return EXIT_OK;
}

/*
 * s, the value of option opt, as a whole number from min to max; -1
 * after saying what it must be.
 */
int64_t
cmd_number(const char *opt, const char *s, int64_t min, int64_t max)
{
	char		*end;
	long long	 n;

	errno = 0;
	n = strtoll(s, &end, 10);
	if (*s != '\0' && *end == '\0' && errno != ERANGE && n >= min &&
	    n <= max)
		return n;
	if (max == INT64_MAX)
		cmd_error("%s takes a number of at least %lld", opt,
		    (long long)min);
	else
		cmd_error("%s takes a number from %lld to %lld", opt,
		    (long long)min, (long long)max);
	return -1;
}

/*
 * Whether s, the value of option opt, is one of a fixed set, which list
 * names ("a, b or c"), as valid says: 0, or -1 after saying what it must
 * be, before the server is asked.
 */
int
cmd_one_of(const char *opt, const char *s, int valid, const char *list)
{
	if (valid)
		return 0;
	cmd_error("%s must be %s, not \"%s\"", opt, list, cmd_word(s));
	return -1;
}

/* s, the value of --kind, as cmd_one_of checks it. */
int
cmd_kind(const char *s)
{
	enum stmt_kind	kind;

	return cmd_one_of("--kind", s, stmt_kind_from_name(s, &kind) == 0,
	    stmt_kind_list());
}

/*
 * Parse the options of a command that takes --after SEQ (and --json,
 * setting *json, if json is not NULL), then its operands (cmd_arity).  0,
 * or -1 after saying what is wrong.
 */
int
cmd_after(int argc, char **argv, int64_t *after, int *json,
    const char *names)
{
	static const struct option opts[] = {
		{ "after", required_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	int	 ch;

	*after = 0;
	while ((ch = cmd_getopt(argc, argv, "", opts)) != -1) {
		if (ch == 'j' && json != NULL)
			*json = 1;
		else if (ch != 'a' ||
		    (*after = cmd_number("--after", optarg, 0, INT64_MAX)) < 0)
			return -1;
	}
	return cmd_arity(argc, argv, names, 0);
}

static void
usage(FILE *f)
{
	size_t	i;

	fprintf(f, "usage: gloss [-S server] [-k secfile] [--json] command "
	    "[args]\n\ncommands:\n");
	for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  gloss %s\n", commands[i].usage);
	fprintf(f, "\nserver: -S, $GLOSS_SERVER, default "
	    "http://127.0.0.1:8080; key: -k, $GLOSS_KEY, default "
	    "$XDG_CONFIG_HOME/gloss/gloss.key\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "server", required_argument, NULL, 'S' },
		{ "key", required_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct client	 c;
	const char	*msg;
	size_t		 i;
	int		 ch, rc;

	memset(&c, 0, sizeof c);
	log_init("gloss", 1, 1);
	c.server = getenv("GLOSS_SERVER");
	if (c.server == NULL || *c.server == '\0')
		c.server = "http://127.0.0.1:8080";
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:S:k:hV", opts, NULL)) != -1) {
		if ((msg = cmd_value_missing(ch, argv, "S:k:hV", opts)) !=
		    NULL) {
			fprintf(stderr, "gloss: %s\n", msg);
			usage(stderr);
			return EXIT_USAGE;
		}
		switch (ch) {
		case 'S':
			c.server = optarg;
			break;
		case 'k':
			c.keyfile = optarg;
			break;
		case 'j':
			c.json = 1;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("gloss %s\n", GLOSS_VERSION);
			return EXIT_OK;
		default:
			fprintf(stderr, "gloss: %s\n", cmd_bad_option(ch, argv));
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (sodium_init() == -1) {
		fprintf(stderr, "gloss: libsodium failed to initialise\n");
		return EXIT_USAGE;
	}
	out_init(&c);
	for (i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (strcmp(argv[0], commands[i].name) == 0)
			break;
	}
	if (i == sizeof commands / sizeof commands[0]) {
		fprintf(stderr, "gloss: unknown command \"%s\"\n",
		    cmd_word(argv[0]));
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd_current = &commands[i];
	/* Help before an action (mod, links, record, profile) too. */
	if (argc > 1 && cmd_is_help(argv[1]))
		cmd_help();
	optind = 0;
	rc = commands[i].exec(&c, argc, argv);
	net_close(&c);
	return rc;
}
