/*
 * test_client.c: the client's pure helpers, without a server.
 *
 * What a person sees must never carry someone else's control sequences,
 * key ids must read as minisign prints them, and files the client reads
 * must stay within their bounds; the commands themselves are exercised end
 * to end against a real glossd.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "client.h"

/* out_text's rendering of s into a string the test owns. */
static char *
render(const char *s, size_t len, const char *indent)
{
	char	*out = NULL;
	size_t	 outlen = 0;
	FILE	*f = open_memstream(&out, &outlen);

	assert_non_null(f);
	out_text(f, s, len, indent);
	fclose(f);
	return out;
}

static void
test_text_plain(void **state)
{
	static const char in[] = "Grüße, 世界 😀";
	char	*out = render(in, sizeof in - 1, NULL);

	assert_string_equal(out, "Grüße, 世界 😀");
	free(out);
}

static void
test_text_controls(void **state)
{
	static const char in[] = "a\033[31mred\007\r\x7f" "b\tc\xc2\x9b" "1m";
	char	*out = render(in, sizeof in - 1, NULL);

	assert_string_equal(out, "a?[31mred???b c?1m");
	free(out);
}

static void
test_text_bidi(void **state)
{
	/* U+202E RIGHT-TO-LEFT OVERRIDE and U+2066 LEFT-TO-RIGHT ISOLATE. */
	static const char in[] = "x\xe2\x80\xae" "evil\xe2\x81\xa6"
	    "y\xe2\x80\x94" "z";
	char	*out = render(in, sizeof in - 1, NULL);

	assert_string_equal(out, "x?evil?y\xe2\x80\x94" "z");
	free(out);
}

/*
 * The marks too: U+200E LEFT-TO-RIGHT and U+200F RIGHT-TO-LEFT MARK,
 * U+061C ARABIC LETTER MARK; not U+200D ZERO WIDTH JOINER beside them,
 * nor an Arabic letter (U+0628, D8 A8) that shares the mark's first byte.
 */
static void
test_text_bidi_marks(void **state)
{
	static const char in[] = "a\xe2\x80\x8e" "b\xe2\x80\x8f" "c"
	    "\xd8\x9c" "d\xe2\x80\x8d" "e\xd8\xa8";
	char	*out = render(in, sizeof in - 1, NULL);

	assert_string_equal(out, "a?b?c?d\xe2\x80\x8d" "e\xd8\xa8");
	free(out);
}

static void
test_text_indent(void **state)
{
	char	*out = render("one\ntwo\nthree", 13, "    ");

	assert_string_equal(out, "one\n    two\n    three");
	free(out);
}

/* Paragraphs (-m given twice): the blank line between them stays empty. */
static void
test_text_indent_paragraphs(void **state)
{
	char	*out = render("one\n\ntwo\n", 9, "    ");

	assert_string_equal(out, "one\n\n    two\n");
	free(out);
}

/*
 * A text inside a line of gloss's own (NULL indent): a forged line after
 * a newline is marked as the text's, never at the start of a line; a
 * whole document ("") keeps its lines.
 */
static void
test_text_more(void **state)
{
	static const char in[] = "OK\nflagged abuse by 81039987: fine\n\n"
	    "  key id      0E3110D9";
	char	*out = render(in, sizeof in - 1, NULL);

	assert_string_equal(out, "OK\n    | flagged abuse by 81039987: fine"
	    "\n\n    |   key id      0E3110D9");
	free(out);
	out = render("# one\ntwo\n", 10, "");
	assert_string_equal(out, "# one\ntwo\n");
	free(out);
}

/* out_field: label, the value with its further lines marked, newline. */
static void
test_field(void **state)
{
	char	*out = NULL;
	size_t	 outlen = 0;
	FILE	*f = open_memstream(&out, &outlen);

	assert_non_null(f);
	out_field(f, "  about       ", "me\nstatements  999");
	fclose(f);
	assert_string_equal(out, "  about       me\n    | statements  999\n");
	free(out);
}

static void
test_text_nul(void **state)
{
	char	*out = render("a\0b", 3, NULL);

	assert_string_equal(out, "a?b");
	free(out);
}

static void
test_fingerprint(void **state)
{
	struct minisig_seckey	*sk;
	struct minisig_pubkey	 pk;
	char			 line[GLOSS_PUBKEY_LEN + 1], hex[17], fp[10];
	char			*file, expect[80];

	sk = minisig_keygen(&pk);
	assert_non_null(sk);
	minisig_pubkey_format(&pk, line);
	minisig_keyid(&pk, hex);
	assert_int_equal(strlen(hex), 16);
	/* minisign names the key by this id in its .pub comment. */
	file = minisig_pubkey_file(&pk);
	snprintf(expect, sizeof expect, "minisign public key %s\n", hex);
	assert_non_null(strstr(file, expect));
	out_fingerprint(line, fp);
	assert_int_equal(strlen(fp), 8);
	assert_memory_equal(fp, hex, 8);
	out_fingerprint("not a key", fp);
	assert_string_equal(fp, "?");
	free(file);
	minisig_seckey_free(sk);
}

static void
test_default_path(void **state)
{
	char	*p;

	setenv("XDG_CONFIG_HOME", "/xdg", 1);
	p = keys_default_path("gloss.key");
	assert_string_equal(p, "/xdg/gloss/gloss.key");
	free(p);
	setenv("XDG_CONFIG_HOME", "relative", 1);	/* the spec: ignore */
	setenv("HOME", "/home/ann", 1);
	p = keys_default_path("gloss.key");
	assert_string_equal(p, "/home/ann/.config/gloss/gloss.key");
	free(p);
	unsetenv("XDG_CONFIG_HOME");
	p = keys_default_path("gloss.pub");
	assert_string_equal(p, "/home/ann/.config/gloss/gloss.pub");
	free(p);
}

static void
test_files(void **state)
{
	char	 dir[] = "/tmp/test_client.XXXXXX", path[128], *text;
	struct file_made made = { NULL, 0 };
	size_t	 len;
	struct stat sb;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/a/b/c", dir);
	assert_int_equal(file_mkdirs(path, 0700, &made), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & 0777, 0700);
	assert_int_equal(made.n, 3);			/* a, a/b, a/b/c */
	snprintf(path, sizeof path, "%s/a", dir);
	assert_string_equal(made.dirs[0], path);
	file_made_clear(&made);
	assert_int_equal(made.n, 0);
	snprintf(path, sizeof path, "%s/a/b/c", dir);
	assert_int_equal(stat(path, &sb), 0);		/* cleared, not removed */
	assert_int_equal(file_mkdirs(path, 0700, &made), 0);	/* exists */
	assert_int_equal(made.n, 0);
	snprintf(path, sizeof path, "%s/a/b/d/e", dir);
	assert_int_equal(file_mkdirs(path, 0700, &made), 0);
	file_rmdirs(&made);			/* d/e go, b holds c: stays */
	snprintf(path, sizeof path, "%s/a/b/d", dir);
	assert_int_equal(stat(path, &sb), -1);
	snprintf(path, sizeof path, "%s/a/b/c", dir);
	assert_int_equal(stat(path, &sb), 0);
	/* Through "..": only what was made goes, not the empty a/b/c. */
	snprintf(path, sizeof path, "%s/n/../a/b/c", dir);
	assert_int_equal(file_mkdirs(path, 0700, &made), 0);
	assert_int_equal(made.n, 1);
	file_rmdirs(&made);
	snprintf(path, sizeof path, "%s/n", dir);
	assert_int_equal(stat(path, &sb), -1);
	snprintf(path, sizeof path, "%s/a/b/c", dir);
	assert_int_equal(stat(path, &sb), 0);

	snprintf(path, sizeof path, "%s/a/f", dir);
	assert_int_equal(file_write(path, "12345", 5, 0600), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	text = file_read(path, 5, &len);		/* exactly the limit */
	assert_non_null(text);
	assert_int_equal(len, 5);
	assert_string_equal(text, "12345");
	free(text);
	assert_null(file_read(path, 4, &len));		/* one past it */
	snprintf(path, sizeof path, "%s/missing", dir);
	assert_null(file_read(path, 100, &len));

	snprintf(path, sizeof path, "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_plain),
		cmocka_unit_test(test_text_controls),
		cmocka_unit_test(test_text_bidi),
		cmocka_unit_test(test_text_bidi_marks),
		cmocka_unit_test(test_text_indent),
		cmocka_unit_test(test_text_indent_paragraphs),
		cmocka_unit_test(test_text_more),
		cmocka_unit_test(test_field),
		cmocka_unit_test(test_text_nul),
		cmocka_unit_test(test_fingerprint),
		cmocka_unit_test(test_default_path),
		cmocka_unit_test(test_files),
	};

	if (sodium_init() < 0)
		return 1;
	log_init("test_client", 0, 1);
	return cmocka_run_group_tests_name("client", tests, NULL, NULL);
}
