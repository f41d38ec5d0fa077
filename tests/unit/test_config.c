/*
 * test_config.c: unit tests for daemon/config.c.
 *
 * The configuration file is where an operator sets the limits DESIGN.md §6
 * promises and the curator keys that may create records.  A typo there must
 * be an error that names the file and the line, never a setting silently
 * ignored or a limit silently out of range, so every key is set here, every
 * range is tried one past each edge, and every refusal's cause is checked
 * for its "name:line:" prefix.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "glossd.h"

#define NAME	"test.conf"

/* Three real public keys (two as "RW..." lines), made in group_setup. */
static struct minisig_pubkey	pk_one, pk_two, pk_three;
static char			pub_one[GLOSS_PUBKEY_LEN + 1];
static char			pub_two[GLOSS_PUBKEY_LEN + 1];

static int
group_setup(void **state)
{
	struct minisig_seckey	*sk;

	if (sodium_init() < 0)
		return -1;
	log_init("test_config", 0, 1);
	if ((sk = minisig_keygen(&pk_one)) == NULL)
		return -1;
	minisig_seckey_free(sk);
	if ((sk = minisig_keygen(&pk_two)) == NULL)
		return -1;
	minisig_seckey_free(sk);
	if ((sk = minisig_keygen(&pk_three)) == NULL)
		return -1;
	minisig_seckey_free(sk);
	minisig_pubkey_format(&pk_one, pub_one);
	minisig_pubkey_format(&pk_two, pub_two);
	return 0;
}

/* Parse text (a C string) over defaults; returns config_parse's value. */
static int
parse(struct config *cfg, const char *text, char **cause)
{
	config_defaults(cfg);
	*cause = NULL;
	return config_parse(cfg, text, strlen(text), NAME, cause);
}

/* Parse text that must be accepted, failing with the cause otherwise. */
static void
parse_ok(struct config *cfg, const char *text)
{
	char	*cause;

	if (parse(cfg, text, &cause) != 0) {
		fail_msg("refused \"%s\": %s", text,
		    cause != NULL ? cause : "(no cause)");
	}
	assert_null(cause);
}

/*
 * Parse text that must be refused on line, with a cause starting with
 * "test.conf:LINE:" and holding want (when not NULL).
 */
static void
parse_refused(const char *text, int line, const char *want)
{
	struct config	 cfg;
	char		*cause, prefix[64];

	snprintf(prefix, sizeof prefix, NAME ":%d:", line);
	if (parse(&cfg, text, &cause) != -1) {
		config_clear(&cfg);
		fail_msg("accepted \"%s\"", text);
	}
	if (cause == NULL) {
		config_clear(&cfg);
		fail_msg("no cause for \"%s\"", text);
	}
	if (strncmp(cause, prefix, strlen(prefix)) != 0 ||
	    (want != NULL && strstr(cause, want) == NULL)) {
		print_error("input \"%s\": cause \"%s\", wanted "
		    "\"%s ... %s\"\n", text, cause, prefix,
		    want != NULL ? want : "");
		free(cause);
		config_clear(&cfg);
		fail();
	}
	free(cause);
	config_clear(&cfg);
}

static void
test_defaults(void **state)
{
	struct config	cfg;

	memset(&cfg, 0xa5, sizeof cfg);
	config_defaults(&cfg);
	assert_string_equal(cfg.listen, "127.0.0.1");
	assert_int_equal(cfg.port, 8080);
	assert_string_equal(cfg.database, "gloss.db");
	assert_null(cfg.curators.keys);
	assert_int_equal(cfg.curators.n, 0);
	assert_int_equal(cfg.limits.max_body, 64 * 1024);
	assert_int_equal(cfg.limits.max_headers, 8 * 1024);
	assert_int_equal(cfg.limits.timeout, 30);
	assert_int_equal(cfg.limits.page_max, 500);
	assert_int_equal(cfg.limits.query_ms, 1000);
	assert_int_equal(cfg.limits.skew, 600);
	assert_int_equal(cfg.limits.stmt.max_text, 16 * 1024);
	assert_int_equal(cfg.limits.stmt.max_links, 16);
	assert_int_equal(cfg.limits.stmt.max_url, 2 * 1024);
	config_clear(&cfg);
	assert_null(cfg.listen);
	assert_null(cfg.database);
	assert_int_equal(cfg.port, 0);
}

static void
test_every_key(void **state)
{
	struct config	 cfg;
	char		*text;

	xasprintf(&text,
	    "listen = 0.0.0.0\n"
	    "port = 9090\n"
	    "database = /var/db/gloss/gloss.db\n"
	    "curator = %s\n"
	    "max_body = 2048\n"
	    "max_headers = 4096\n"
	    "max_text = 100\n"
	    "max_links = 3\n"
	    "max_url = 512\n"
	    "timeout = 5\n"
	    "page_max = 50\n"
	    "skew = 120\n", pub_one);
	parse_ok(&cfg, text);
	free(text);
	assert_string_equal(cfg.listen, "0.0.0.0");
	assert_int_equal(cfg.port, 9090);
	assert_string_equal(cfg.database, "/var/db/gloss/gloss.db");
	assert_int_equal(cfg.curators.n, 1);
	assert_memory_equal(&cfg.curators.keys[0], &pk_one, sizeof pk_one);
	assert_int_equal(cfg.limits.max_body, 2048);
	assert_int_equal(cfg.limits.max_headers, 4096);
	assert_int_equal(cfg.limits.stmt.max_text, 100);
	assert_int_equal(cfg.limits.stmt.max_links, 3);
	assert_int_equal(cfg.limits.stmt.max_url, 512);
	assert_int_equal(cfg.limits.timeout, 5);
	assert_int_equal(cfg.limits.page_max, 50);
	assert_int_equal(cfg.limits.skew, 120);
	config_clear(&cfg);
}

static void
test_comments_blanks_spaces(void **state)
{
	struct config	cfg;

	parse_ok(&cfg,
	    "# a whole-line comment\n"
	    "\n"
	    "   \t  \n"
	    "   # an indented comment = with an equals sign\n"
	    "\tport\t=\t1234\t# trailing comment\n"
	    "listen=10.0.0.1\n"
	    "database   =   with spaces inside.db   \r\n"
	    "timeout = 7 #\n"
	    "skew = 30");		/* no newline at the end */
	assert_int_equal(cfg.port, 1234);
	assert_string_equal(cfg.listen, "10.0.0.1");
	assert_string_equal(cfg.database, "with spaces inside.db");
	assert_int_equal(cfg.limits.timeout, 7);
	assert_int_equal(cfg.limits.skew, 30);
	/* Untouched keys keep their defaults. */
	assert_int_equal(cfg.limits.page_max, 500);
	config_clear(&cfg);

	/* Nothing but comments and blanks is an empty, valid file. */
	parse_ok(&cfg, "\n\n# nothing\n   \n");
	assert_int_equal(cfg.port, 8080);
	config_clear(&cfg);
	parse_ok(&cfg, "");
	assert_int_equal(cfg.port, 8080);
	config_clear(&cfg);
}

static void
test_value_holds_equals(void **state)
{
	struct config	cfg;

	/* Only the first '=' splits; the value may hold more. */
	parse_ok(&cfg, "database = file:gloss.db?mode=rwc\n");
	assert_string_equal(cfg.database, "file:gloss.db?mode=rwc");
	config_clear(&cfg);
}

static void
test_size_suffixes(void **state)
{
	struct config	cfg;

	parse_ok(&cfg, "max_body = 64k\nmax_headers = 1m\nmax_url = 2K\n"
	    "max_text = 1M\n");
	assert_int_equal(cfg.limits.max_body, 64 * 1024);
	assert_int_equal(cfg.limits.max_headers, 1024 * 1024);
	assert_int_equal(cfg.limits.stmt.max_url, 2 * 1024);
	assert_int_equal(cfg.limits.stmt.max_text, 1024 * 1024);
	config_clear(&cfg);

	parse_ok(&cfg, "max_body = 64m\n");
	assert_int_equal(cfg.limits.max_body, 64 * 1024 * 1024);
	config_clear(&cfg);

	parse_ok(&cfg, "max_body = 1k\n");
	assert_int_equal(cfg.limits.max_body, 1024);
	config_clear(&cfg);

	/* Suffixes are plain multipliers for the integer keys too. */
	parse_ok(&cfg, "timeout = 2k\n");
	assert_int_equal(cfg.limits.timeout, 2048);
	config_clear(&cfg);
}

/* Every range accepts both of its edges. */
static void
test_edges_accepted(void **state)
{
	struct config	cfg;

	parse_ok(&cfg, "port = 0\nmax_body = 1024\nmax_headers = 1024\n"
	    "max_text = 1\nmax_links = 0\nmax_url = 16\ntimeout = 1\n"
	    "page_max = 1\nskew = 0\nquery_ms = 0\n");
	assert_int_equal(cfg.port, 0);
	assert_int_equal(cfg.limits.max_body, 1024);
	assert_int_equal(cfg.limits.max_headers, 1024);
	assert_int_equal(cfg.limits.stmt.max_text, 1);
	assert_int_equal(cfg.limits.stmt.max_links, 0);
	assert_int_equal(cfg.limits.stmt.max_url, 16);
	assert_int_equal(cfg.limits.timeout, 1);
	assert_int_equal(cfg.limits.page_max, 1);
	assert_int_equal(cfg.limits.skew, 0);
	assert_int_equal(cfg.limits.query_ms, 0);
	config_clear(&cfg);

	parse_ok(&cfg, "port = 65535\nmax_body = 67108864\n"
	    "max_headers = 1048576\nmax_text = 1048576\nmax_links = 1000\n"
	    "max_url = 65536\ntimeout = 3600\npage_max = 10000\n"
	    "skew = 604800\nquery_ms = 600000\n");
	assert_int_equal(cfg.port, 65535);
	assert_int_equal(cfg.limits.max_body, 64 * 1024 * 1024);
	assert_int_equal(cfg.limits.max_headers, 1024 * 1024);
	assert_int_equal(cfg.limits.stmt.max_text, 1024 * 1024);
	assert_int_equal(cfg.limits.stmt.max_links, 1000);
	assert_int_equal(cfg.limits.stmt.max_url, 65536);
	assert_int_equal(cfg.limits.timeout, 3600);
	assert_int_equal(cfg.limits.page_max, 10000);
	assert_int_equal(cfg.limits.skew, 7 * 86400);
	assert_int_equal(cfg.limits.query_ms, 600000);
	config_clear(&cfg);
}

static void
test_repeated_keys(void **state)
{
	struct config	 cfg;
	char		*text;

	/* A plain key given twice: the last one wins (and nothing leaks). */
	parse_ok(&cfg, "port = 1\nlisten = a\nport = 2\nlisten = b\n");
	assert_int_equal(cfg.port, 2);
	assert_string_equal(cfg.listen, "b");
	config_clear(&cfg);

	/* curator lines accumulate, in order. */
	xasprintf(&text, "curator = %s\n# another\ncurator = %s\n", pub_one,
	    pub_two);
	parse_ok(&cfg, text);
	free(text);
	assert_int_equal(cfg.curators.n, 2);
	assert_memory_equal(&cfg.curators.keys[0], &pk_one, sizeof pk_one);
	assert_memory_equal(&cfg.curators.keys[1], &pk_two, sizeof pk_two);
	config_clear(&cfg);
	assert_null(cfg.curators.keys);
	assert_int_equal(cfg.curators.n, 0);
}

/* A second config_parse adds to what the first set. */
static void
test_parse_twice(void **state)
{
	struct config	 cfg;
	char		*text, *cause = NULL;

	xasprintf(&text, "curator = %s\nport = 5\n", pub_one);
	parse_ok(&cfg, text);
	free(text);
	xasprintf(&text, "curator = %s\n", pub_two);
	assert_int_equal(config_parse(&cfg, text, strlen(text), "second",
	    &cause), 0);
	free(text);
	assert_null(cause);
	assert_int_equal(cfg.port, 5);
	assert_int_equal(cfg.curators.n, 2);
	config_clear(&cfg);
}

static void
test_unknown_key(void **state)
{
	parse_refused("bogus = 1\n", 1, "bogus");
	parse_refused("# comment\n\nport = 1\nPort = 2\n", 4, "Port");
	parse_refused("max-body = 2048\n", 1, "max-body");
	parse_refused(" = 5\n", 1, "unknown key");
	parse_refused("curators = x\n", 1, "curators");
}

static void
test_missing_equals(void **state)
{
	parse_refused("port 8080\n", 1, "key = value");
	parse_refused("port = 1\n\nlisten\n", 3, "key = value");
	/* The '=' is inside the comment, so the line has none. */
	parse_refused("port # = 5\n", 1, "key = value");
}

static void
test_empty_value(void **state)
{
	parse_refused("port =\n", 1, "needs a value");
	parse_refused("listen = \t \n", 1, "needs a value");
	parse_refused("port = 1\ndatabase = # gone\n", 2, "needs a value");
	parse_refused("curator =\n", 1, "needs a value");
}

/* One past each edge of every numeric range. */
static void
test_out_of_range(void **state)
{
	static const struct {
		const char	*text;
		const char	*want;
	} cases[] = {
		{ "port = 65536", "from 0 to 65535" },
		{ "port = -1", "from 0 to 65535" },
		{ "max_body = 1023", "max_body" },
		{ "max_body = 67108865", "max_body" },
		{ "max_body = 65537k", "max_body" },
		{ "max_headers = 1023", "max_headers" },
		{ "max_headers = 1048577", "max_headers" },
		{ "max_text = 0", "max_text" },
		{ "max_text = 1048577", "max_text" },
		{ "max_links = 1001", "max_links" },
		{ "max_links = -1", "max_links" },
		{ "max_url = 15", "max_url" },
		{ "max_url = 65537", "max_url" },
		{ "timeout = 0", "timeout" },
		{ "timeout = 3601", "timeout" },
		{ "page_max = 0", "page_max" },
		{ "page_max = 10001", "page_max" },
		{ "skew = -1", "skew" },
		{ "skew = 604801", "skew" },
		{ "query_ms = -1", "query_ms" },
		{ "query_ms = 600001", "query_ms" },
	};
	char	text[128];
	size_t	i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(text, sizeof text, "# line one\n%s\n", cases[i].text);
		parse_refused(text, 2, cases[i].want);
	}
}

static void
test_not_a_number(void **state)
{
	static const char *cases[] = {
		"port = abc",
		"port = 12abc",
		"port = 8080.0",
		"port = 0x50",
		"port = 1e3",
		"max_body = 1g",
		"max_body = 1kb",
		"max_body = 1 k",
		"max_body = k",
		"timeout = 99999999999999999999999999999",
		"max_body = 9223372036854775807k",
		"max_body = 9223372036854775807m",
	};
	char	text[128];
	size_t	i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(text, sizeof text, "listen = ::1\n\n%s\n", cases[i]);
		parse_refused(text, 3, "must be a number");
	}
}

static void
test_bad_curator(void **state)
{
	char	text[256];

	parse_refused("curator = RWnotakey\n", 1, "not a public key");
	/* A real key with one character dropped. */
	snprintf(text, sizeof text, "curator = %s\ncurator = %.*s\n", pub_one,
	    GLOSS_PUBKEY_LEN - 1, pub_one);
	parse_refused(text, 2, "curator");
	/* A secret-key-looking line is not a public key either. */
	parse_refused("curator = untrusted comment: minisign public key\n", 1,
	    "curator");
}

/*
 * A NUL byte anywhere in the file is refused, and (like every other
 * refusal, as config_parse's contract says) the cause names the line.
 */
static void
test_nul_byte(void **state)
{
	static const char	 text[] = "port = 1\nlis\0ten = x\nskew = 1\n";
	struct config		 cfg;
	char			*cause = NULL;
	int			 rc;

	config_defaults(&cfg);
	rc = config_parse(&cfg, text, sizeof text - 1, NAME, &cause);
	config_clear(&cfg);
	assert_int_equal(rc, -1);
	assert_non_null(cause);
	if (strncmp(cause, NAME ":2:", strlen(NAME ":2:")) != 0) {
		print_error("cause \"%s\" does not start with \"" NAME
		    ":2:\"\n", cause);
		free(cause);
		fail();
	}
	free(cause);
}

/* A refusal stops the parse: later lines are not applied. */
static void
test_error_stops(void **state)
{
	struct config	 cfg;
	char		*cause;

	assert_int_equal(parse(&cfg, "port = 1\nbogus = 2\nport = 3\n",
	    &cause), -1);
	assert_non_null(cause);
	assert_int_equal(cfg.port, 1);
	free(cause);
	config_clear(&cfg);
}

static void
test_load_missing(void **state)
{
	struct config	 cfg;
	char		*cause = NULL;
	const char	*path = "/nonexistent/gloss-test/glossd.conf";

	config_defaults(&cfg);
	assert_int_equal(config_load(&cfg, path, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, path));
	assert_non_null(strstr(cause, strerror(ENOENT)));
	assert_int_equal(cfg.port, 8080);
	free(cause);
	config_clear(&cfg);
}

static void
test_load_file(void **state)
{
	struct config	 cfg;
	char		 path[] = "/tmp/test_config.XXXXXX", prefix[64];
	char		*cause = NULL;
	FILE		*f;
	int		 fd;

	fd = mkstemp(path);
	assert_true(fd != -1);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fprintf(f, "# glossd.conf\nport = 4242\ncurator = %s\n", pub_two);
	assert_int_equal(fclose(f), 0);

	config_defaults(&cfg);
	assert_int_equal(config_load(&cfg, path, &cause), 0);
	assert_null(cause);
	assert_int_equal(cfg.port, 4242);
	assert_int_equal(cfg.curators.n, 1);
	assert_true(config_has_key(&cfg.curators, &pk_two));
	config_clear(&cfg);

	/* A refusal from a file names the file's path and the line. */
	f = fopen(path, "a");
	assert_non_null(f);
	fprintf(f, "timeout = forever\n");
	assert_int_equal(fclose(f), 0);
	config_defaults(&cfg);
	assert_int_equal(config_load(&cfg, path, &cause), -1);
	assert_non_null(cause);
	snprintf(prefix, sizeof prefix, "%s:4:", path);
	assert_int_equal(strncmp(cause, prefix, strlen(prefix)), 0);
	free(cause);
	config_clear(&cfg);
	unlink(path);
}

static void
test_is_curator(void **state)
{
	struct config		 cfg;
	struct minisig_pubkey	 near;
	char			*text;

	config_defaults(&cfg);
	assert_false(config_has_key(&cfg.curators, &pk_one));
	config_clear(&cfg);

	xasprintf(&text, "curator = %s\ncurator = %s\n", pub_one, pub_two);
	parse_ok(&cfg, text);
	free(text);
	assert_true(config_has_key(&cfg.curators, &pk_one));
	assert_true(config_has_key(&cfg.curators, &pk_two));
	assert_false(config_has_key(&cfg.curators, &pk_three));
	/* By the text statements name a key with. */
	assert_true(config_has_author(&cfg.curators, pub_one));
	assert_false(config_has_author(&cfg.curators, "RWnot-a-key"));
	assert_false(config_has_author(&cfg.curators, ""));
	/* The role a key is listed for; none for another key. */
	assert_string_equal(config_role(&cfg, pub_one), "curator");
	assert_null(config_role(&cfg, "RWnot-a-key"));

	/* Same key id, another key: not a curator. */
	near = pk_one;
	near.pk[31] ^= 1;
	assert_false(config_has_key(&cfg.curators, &near));
	/* Same key, another key id: not a curator either. */
	near = pk_one;
	near.keynum[0] ^= 1;
	assert_false(config_has_key(&cfg.curators, &near));
	config_clear(&cfg);
	assert_false(config_has_key(&cfg.curators, &pk_one));
}

/* The moderation keys' defaults: nobody waits, 3 flags, 10/60/6000. */
static void
test_moderation_defaults(void **state)
{
	struct config	cfg;

	config_defaults(&cfg);
	assert_int_equal(cfg.moderators.n, 0);
	assert_null(cfg.moderators.keys);
	assert_int_equal(cfg.moderation, MODERATION_NONE);
	assert_int_equal(cfg.nrecord_modes, 0);
	assert_int_equal(cfg.flag_threshold, 3);
	assert_int_equal(cfg.rates.key_writes, 10);
	assert_int_equal(cfg.rates.ip_writes, 60);
	assert_int_equal(cfg.rates.ip_reads, 6000);
	assert_null(cfg.trusted_proxy);
	assert_int_equal(config_moderation(&cfg, "rec"), MODERATION_NONE);
	config_clear(&cfg);
	assert_string_equal(config_moderation_name(MODERATION_NONE), "none");
	assert_string_equal(config_moderation_name(MODERATION_FIRST),
	    "first");
	assert_string_equal(config_moderation_name(MODERATION_ALL), "all");
}

/* Every moderation key set, and its edges accepted. */
static void
test_moderation_keys(void **state)
{
	struct config	 cfg;
	char		*text;
	size_t		 i;
	static const char *const modes[] = { "none", "first", "all" };

	xasprintf(&text,
	    "moderator = %s\n"
	    "moderation = first\n"
	    "record_moderation = rec all\n"
	    "flag_threshold = 5\n"
	    "rate_key_writes = 20\n"
	    "rate_ip_writes = 30\n"
	    "rate_ip_reads = 40\n"
	    "trusted_proxy = 10.0.0.1\n"
	    "moderator = %s\n", pub_one, pub_two);
	parse_ok(&cfg, text);
	free(text);
	assert_int_equal(cfg.moderators.n, 2);
	assert_memory_equal(&cfg.moderators.keys[0], &pk_one, sizeof pk_one);
	assert_memory_equal(&cfg.moderators.keys[1], &pk_two, sizeof pk_two);
	assert_true(config_has_key(&cfg.moderators, &pk_one));
	assert_true(config_has_key(&cfg.moderators, &pk_two));
	assert_false(config_has_key(&cfg.moderators, &pk_three));
	/* Moderators are not curators, nor the other way round. */
	assert_int_equal(cfg.curators.n, 0);
	assert_false(config_has_key(&cfg.curators, &pk_one));
	assert_int_equal(cfg.moderation, MODERATION_FIRST);
	assert_int_equal(cfg.nrecord_modes, 1);
	assert_string_equal(cfg.record_modes[0].rid, "rec");
	assert_int_equal(cfg.record_modes[0].mode, MODERATION_ALL);
	assert_int_equal(cfg.flag_threshold, 5);
	assert_int_equal(cfg.rates.key_writes, 20);
	assert_int_equal(cfg.rates.ip_writes, 30);
	assert_int_equal(cfg.rates.ip_reads, 40);
	assert_string_equal(cfg.trusted_proxy, "10.0.0.1");
	config_clear(&cfg);
	assert_null(cfg.moderators.keys);
	assert_null(cfg.record_modes);
	assert_null(cfg.trusted_proxy);

	for (i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		xasprintf(&text, "moderation = %s\nrecord_moderation = "
		    "r.e_c-9 %s\n", modes[i], modes[i]);
		parse_ok(&cfg, text);
		free(text);
		assert_int_equal(cfg.moderation, (int)i);
		assert_int_equal(cfg.record_modes[0].mode, (int)i);
		assert_string_equal(cfg.record_modes[0].rid, "r.e_c-9");
		config_clear(&cfg);
	}

	/* Edges: a threshold of 1 and 1000, rates from 0 (none) to max. */
	parse_ok(&cfg, "flag_threshold = 1\nrate_key_writes = 0\n"
	    "rate_ip_writes = 0\nrate_ip_reads = 0\n");
	assert_int_equal(cfg.flag_threshold, 1);
	assert_int_equal(cfg.rates.key_writes, 0);
	assert_int_equal(cfg.rates.ip_writes, 0);
	assert_int_equal(cfg.rates.ip_reads, 0);
	config_clear(&cfg);
	parse_ok(&cfg, "flag_threshold = 1000\nrate_key_writes = 100000\n"
	    "rate_ip_writes = 100000\nrate_ip_reads = 10000000\n");
	assert_int_equal(cfg.flag_threshold, 1000);
	assert_int_equal(cfg.rates.key_writes, 100000);
	assert_int_equal(cfg.rates.ip_writes, 100000);
	assert_int_equal(cfg.rates.ip_reads, 10000000);
	config_clear(&cfg);

	/* A record id of 64 characters; more spaces before the mode. */
	parse_ok(&cfg, "record_moderation = "
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa   first\n");
	assert_int_equal(strlen(cfg.record_modes[0].rid), GLOSS_RID_MAX);
	assert_int_equal(cfg.record_modes[0].mode, MODERATION_FIRST);
	config_clear(&cfg);
}

/* One past each edge, and every malformed moderation value. */
static void
test_moderation_refused(void **state)
{
	static const struct {
		const char	*text;
		const char	*want;
	} cases[] = {
		{ "moderation = some", "none, first or all" },
		{ "moderation = First", "none, first or all" },
		{ "moderation = ALL", "none, first or all" },
		{ "moderation = first all", "none, first or all" },
		{ "moderation = 1", "none, first or all" },
		{ "moderation =", "needs a value" },
		{ "record_moderation = rec", "record id and none" },
		{ "record_moderation = first", "record id and none" },
		{ "record_moderation = rec sometimes", "record id and none" },
		{ "record_moderation = rec First", "record id and none" },
		{ "record_moderation = rec first all", "record id and none" },
		{ "record_moderation = Rec first", "not a record id" },
		{ "record_moderation = -rec first", "not a record id" },
		{ "record_moderation = re/c first", "not a record id" },
		{ "record_moderation = "
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa first",
		    "record_moderation" },
		{ "record_moderation =", "needs a value" },
		{ "flag_threshold = 0", "from 1 to 1000" },
		{ "flag_threshold = 1001", "from 1 to 1000" },
		{ "flag_threshold = -1", "from 1 to 1000" },
		{ "flag_threshold = three", "flag_threshold" },
		{ "rate_key_writes = -1", "rate_key_writes" },
		{ "rate_key_writes = 100001", "rate_key_writes" },
		{ "rate_ip_writes = -1", "rate_ip_writes" },
		{ "rate_ip_writes = 100001", "rate_ip_writes" },
		{ "rate_ip_reads = -1", "rate_ip_reads" },
		{ "rate_ip_reads = 10000001", "rate_ip_reads" },
		{ "rate_ip_reads = 1.5", "rate_ip_reads" },
		{ "moderator = RWnot-a-key", "moderator is not a public key" },
		{ "moderator =", "needs a value" },
		{ "trusted_proxy =", "needs a value" },
		{ "moderators = x", "unknown key" },
		{ "rate_key = 5", "unknown key" },
	};
	char	text[256];
	size_t	i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(text, sizeof text, "# line one\n%s\n", cases[i].text);
		parse_refused(text, 2, cases[i].want);
	}
}

/* A record's own mode wins over the daemon's; other records get that. */
static void
test_config_moderation(void **state)
{
	struct config	cfg;

	parse_ok(&cfg, "moderation = first\nrecord_moderation = open none\n"
	    "record_moderation = strict all\n");
	assert_int_equal(cfg.nrecord_modes, 2);
	assert_int_equal(config_moderation(&cfg, "open"), MODERATION_NONE);
	assert_int_equal(config_moderation(&cfg, "strict"), MODERATION_ALL);
	assert_int_equal(config_moderation(&cfg, "other"), MODERATION_FIRST);
	/* Exact ids: no prefixes, no case folding. */
	assert_int_equal(config_moderation(&cfg, "ope"), MODERATION_FIRST);
	assert_int_equal(config_moderation(&cfg, "open2"), MODERATION_FIRST);
	assert_int_equal(config_moderation(&cfg, "Open"), MODERATION_FIRST);
	config_clear(&cfg);

	/* The daemon's mode may come after the records' and still apply. */
	parse_ok(&cfg, "record_moderation = open none\nmoderation = all\n");
	assert_int_equal(config_moderation(&cfg, "open"), MODERATION_NONE);
	assert_int_equal(config_moderation(&cfg, "x"), MODERATION_ALL);
	config_clear(&cfg);

	/* A refused record line adds nothing (and leaks nothing). */
	config_defaults(&cfg);
	{
		const char	*bad = "record_moderation = Bad all\n";
		char		*cause = NULL;

		assert_int_equal(config_parse(&cfg, bad, strlen(bad), NAME,
		    &cause), -1);
		free(cause);
	}
	assert_int_equal(cfg.nrecord_modes, 0);
	assert_int_equal(config_moderation(&cfg, "Bad"), MODERATION_NONE);
	config_clear(&cfg);
}

/*
 * A record named twice: the later line wins, as for every other key that
 * does not accumulate, so a line appended to the file takes effect.
 */
static void
test_record_moderation_repeated(void **state)
{
	struct config		cfg;
	enum config_moderation	mode;

	parse_ok(&cfg, "record_moderation = rec all\n"
	    "record_moderation = rec none\n");
	mode = config_moderation(&cfg, "rec");
	config_clear(&cfg);
	assert_int_equal(mode, MODERATION_NONE);
}

/*
 * Reviewer keys (whose link verdicts set a reading entry's status)
 * accumulate line by line, apart from every other key list.
 */
static void
test_reviewer_keys(void **state)
{
	struct config	 cfg;
	char		*text, *cause = NULL;

	config_defaults(&cfg);
	assert_int_equal(cfg.reviewers.n, 0);
	assert_null(cfg.reviewers.keys);
	assert_false(config_has_key(&cfg.reviewers, &pk_one));
	config_clear(&cfg);

	xasprintf(&text,
	    "reviewer = %s\n"
	    "moderator = %s\n"
	    "# a comment between\n"
	    "reviewer =   %s  \n", pub_one, pub_one, pub_two);
	parse_ok(&cfg, text);
	free(text);
	assert_int_equal(cfg.reviewers.n, 2);
	assert_memory_equal(&cfg.reviewers.keys[0], &pk_one, sizeof pk_one);
	assert_memory_equal(&cfg.reviewers.keys[1], &pk_two, sizeof pk_two);
	assert_true(config_has_key(&cfg.reviewers, &pk_one));
	assert_true(config_has_key(&cfg.reviewers, &pk_two));
	assert_false(config_has_key(&cfg.reviewers, &pk_three));
	/* Reviewers are neither curators nor moderators by that. */
	assert_int_equal(cfg.curators.n, 0);
	assert_int_equal(cfg.moderators.n, 1);
	assert_false(config_has_key(&cfg.moderators, &pk_two));
	config_clear(&cfg);
	assert_null(cfg.reviewers.keys);
	assert_int_equal(cfg.reviewers.n, 0);

	/* Parsed again over the same struct: the lists add up. */
	xasprintf(&text, "reviewer = %s\n", pub_two);
	parse_ok(&cfg, text);
	assert_int_equal(config_parse(&cfg, text, strlen(text), NAME,
	    &cause), 0);
	free(text);
	assert_null(cause);
	assert_int_equal(cfg.reviewers.n, 2);
	assert_true(config_has_key(&cfg.reviewers, &pk_two));
	config_clear(&cfg);
}

/* A reviewer line that is not a public key names its line. */
static void
test_reviewer_refused(void **state)
{
	char	text[256];

	parse_refused("reviewer = RWnotakey\n", 1,
	    "reviewer is not a public key");
	parse_refused("# line one\nreviewer =\n", 2, "needs a value");
	parse_refused("reviewers = x\n", 1, "unknown key");
	/* A real key with one character dropped, on the third line. */
	snprintf(text, sizeof text, "reviewer = %s\n\nreviewer = %.*s\n",
	    pub_one, GLOSS_PUBKEY_LEN - 1, pub_one);
	parse_refused(text, 3, "reviewer");
	/* Two keys on one line are not a key. */
	snprintf(text, sizeof text, "reviewer = %s %s\n", pub_one, pub_two);
	parse_refused(text, 1, "reviewer");
}

/* base_url and mirror: URLs, spelled one way; a mirror speaks http. */
static void
test_urls(void **state)
{
	struct config	cfg;

	config_defaults(&cfg);
	assert_null(cfg.base_url);
	assert_null(cfg.mirror);
	assert_int_equal(cfg.mirror_interval, 5);
	config_clear(&cfg);
	parse_ok(&cfg, "base_url = https://gloss.example.org/talks//\n"
	    "mirror = http://127.0.0.1:8080/\nmirror_interval = 3600\n");
	assert_string_equal(cfg.base_url, "https://gloss.example.org/talks");
	assert_string_equal(cfg.mirror, "http://127.0.0.1:8080");
	assert_int_equal(cfg.mirror_interval, 3600);
	config_clear(&cfg);
	parse_ok(&cfg, "base_url = http://x/\n");
	assert_string_equal(cfg.base_url, "http://x");
	config_clear(&cfg);

	parse_refused("base_url = ftp://x\n", 1, "base_url must be an http "
	    "or https URL");
	parse_refused("base_url = gloss.example.org\n", 1, "base_url");
	parse_refused("base_url = http://a b\n", 1, "base_url");
	parse_refused("base_url = http://a\"b\n", 1, "base_url");
	parse_refused("\nmirror = https://a.example\n", 2,
	    "mirror must be an http URL");
	parse_refused("mirror_interval = 0\n", 1, "mirror_interval");
	parse_refused("mirror_interval = 3601\n", 1, "mirror_interval");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_comments_blanks_spaces),
		cmocka_unit_test(test_value_holds_equals),
		cmocka_unit_test(test_size_suffixes),
		cmocka_unit_test(test_edges_accepted),
		cmocka_unit_test(test_repeated_keys),
		cmocka_unit_test(test_parse_twice),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_missing_equals),
		cmocka_unit_test(test_empty_value),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_not_a_number),
		cmocka_unit_test(test_bad_curator),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_error_stops),
		cmocka_unit_test(test_load_missing),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_is_curator),
		cmocka_unit_test(test_moderation_defaults),
		cmocka_unit_test(test_moderation_keys),
		cmocka_unit_test(test_moderation_refused),
		cmocka_unit_test(test_config_moderation),
		cmocka_unit_test(test_record_moderation_repeated),
		cmocka_unit_test(test_reviewer_keys),
		cmocka_unit_test(test_reviewer_refused),
		cmocka_unit_test(test_urls),
	};

	return cmocka_run_group_tests_name("config", tests, group_setup,
	    NULL);
}
