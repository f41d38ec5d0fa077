/*
 * test_minisig.c: unit tests for common/minisig.c.
 *
 * gloss promises that its keys and signatures are minisign's, byte for
 * byte.  The fixed vectors below were made with the real minisign 0.11
 * ("minisign -G -W", "minisign -S -t ...", "minisign -S -l"), so these
 * tests fail if we ever drift from what minisign writes or accepts.  The
 * rest covers every field a forger could tamper with and every way a
 * .minisig or key file can be malformed.
 *
 * The one scrypt derivation at minisign's SENSITIVE limits (1 GiB, a few
 * seconds) happens once, in test_seckey_encrypted_sensitive; the other
 * encrypted-key tests use a minisign-readable key encrypted with the
 * INTERACTIVE limits (checked by hand to work with "minisign -S").
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "gloss.h"

/* minisign -G -W -p v.pub -s v.key */
static const char V_PUB_LINE[] =
    "RWRWZDkas7qEyRcKA3Mtwb3k1HDd4nJ0yjyO3jU0ZVwQ1nI8xhIqM+PJ";
static const char V_PUB_FILE[] =
    "untrusted comment: minisign public key C984BAB31A396456\n"
    "RWRWZDkas7qEyRcKA3Mtwb3k1HDd4nJ0yjyO3jU0ZVwQ1nI8xhIqM+PJ\n";
static const char V_KEY_FILE[] =
    "untrusted comment: minisign encrypted secret key\n"
    "RWQAAEIyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAVmQ5GrO6hMn9dYmFZIEWTibxH8TsV1O33O1YPHbl0EHQ4d6shqeC3BcKA3Mtwb3k"
    "1HDd4nJ0yjyO3jU0ZVwQ1nI8xhIqM+PJAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAA=\n";

/* The same key, scrypt-encrypted at INTERACTIVE limits, "correct horse". */
static const char V_KEY_LO_FILE[] =
    "untrusted comment: minisign encrypted secret key\n"
    "RWRTY0Iyo6UDRn0yEWQuF1v+cCY2HDODOQqTjreOp7lYk6xTYfYAAAgAAAAAAAAAAAEA"
    "AAAA0gQINs3aoKpRZ9YCRFJcy2TkE3dBgqGpYAD9wNCqwNJHL5c5YPyasqT5IWspZkuX"
    "0v2F3CdA1z2OnSB9ziX42dvespm6RcblfHrBYO1hAvCobmULyYcHCCvdmdMttwimWy4e"
    "KvAA4tM=\n";
static const char V_KEY_LO_PASS[] = "correct horse";

static const char V_MSG[] =
    "{\"author\":\"RWQ\",\"created\":\"2026-11-26T15:04:05Z\","
    "\"type\":\"annotation\",\"v\":1}";
static const char V_TRUSTED[] = "gloss/1 id="
    "1b5276e088402ab96dee1aab4bf60ed2b15d46777dfdef45c8d5230bd94abe08";
static const char V_UNTRUSTED[] = "signature from minisign secret key";

/* minisign -S -s v.key -m msg.json -t "$V_TRUSTED" */
static const char V_SIG[] =
    "untrusted comment: signature from minisign secret key\n"
    "RURWZDkas7qEyaJ6PyVa/uQEtvPm9D+LaGYPLZEM8SYNr7XBGkCpiZ16HjylJa+RCdKO"
    "Yr0+JfRsjrL2CeC29Up3Y6x6LMFzPwU=\n"
    "trusted comment: gloss/1 id="
    "1b5276e088402ab96dee1aab4bf60ed2b15d46777dfdef45c8d5230bd94abe08\n"
    "5RrCNkZVWJbbJbFgB/HS7Vqgvt3EFVQlTeVMqHQHRkoFiVaGfDxIv/qYw9vuPHP/YcqM"
    "7F+JgQ53tKl66E9ZBw==\n";

/* minisign -S -l (legacy, not prehashed) over the same message. */
static const char V_SIG_LEGACY[] =
    "untrusted comment: signature from minisign secret key\n"
    "RWRWZDkas7qEyUwTR7oy7iUHNmqjWZM2KBlDvVFNjMQFfRnBC9ASGSvP7L4W8a3sZ36K"
    "Cfg6kIynpfp35IdSGrTAhKEWGcII0gA=\n"
    "trusted comment: gloss/1 id="
    "1b5276e088402ab96dee1aab4bf60ed2b15d46777dfdef45c8d5230bd94abe08\n"
    "4EmO05mgk6DUin6mwPw7aKKkdL2yh3vqI46yxvXTDrPgUBTdhoiiI6lQc7Lnoi599dbv"
    "o/7juz5vGTJf/hkKDQ==\n";

struct pass {
	const char	*pass;
	int		 calls;
};

static char tmpdir[] = "/tmp/test_minisig.XXXXXX";

static const char *
pass_cb(void *arg)
{
	struct pass	*p = arg;

	p->calls++;
	return p->pass;
}

static char *
tmp_path(const char *name)
{
	static char	path[1024];

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	return path;
}

static void
write_file(const char *path, const void *data, size_t len)
{
	int	fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd != -1);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

static char *
read_text(const char *path)
{
	static char	buf[8192];
	ssize_t		n;
	int		fd;

	fd = open(path, O_RDONLY);
	assert_true(fd != -1);
	n = read(fd, buf, sizeof buf - 1);
	assert_true(n >= 0);
	buf[n] = '\0';
	close(fd);
	return buf;
}

/* Replace line n (0-based) of a 4-line text with repl; caller frees. */
static char *
replace_line(const char *text, int n, const char *repl)
{
	struct buf	 b;
	const char	*p = text, *nl;
	int		 i;

	buf_init(&b);
	for (i = 0; *p != '\0'; i++) {
		nl = strchr(p, '\n');
		if (i == n)
			buf_puts(&b, repl);
		else
			buf_add(&b, p, (size_t)(nl - p));
		buf_putc(&b, '\n');
		p = nl + 1;
	}
	return buf_take(&b);
}

/* The text with line 2 re-encoded after mut changed its decoded bytes. */
static char *
mutate_sigline(const char *text, void (*mut)(uint8_t *))
{
	uint8_t		 blob[74];
	char		 line[101];
	const char	*p, *nl;
	size_t		 len;

	p = strchr(text, '\n') + 1;
	nl = strchr(p, '\n');
	assert_int_equal(sodium_base642bin(blob, sizeof blob, p,
	    (size_t)(nl - p), NULL, &len, NULL,
	    sodium_base64_VARIANT_ORIGINAL), 0);
	assert_int_equal(len, sizeof blob);
	mut(blob);
	sodium_bin2base64(line, sizeof line, blob, sizeof blob,
	    sodium_base64_VARIANT_ORIGINAL);
	return replace_line(text, 1, line);
}

static void
alg_to_legacy(uint8_t *b)
{
	memcpy(b, "Ed", 2);
}

static void
alg_to_unknown(uint8_t *b)
{
	memcpy(b, "XY", 2);
}

static void
flip_keynum(uint8_t *b)
{
	b[2] ^= 0x01;
}

static enum minisig_status
parse_str(const char *text, struct minisig *sig)
{
	const char	*errstr = NULL;
	enum minisig_status st;

	st = minisig_parse(text, strlen(text), sig, &errstr);
	if (st != MINISIG_OK)
		assert_non_null(errstr);
	return st;
}

static enum minisig_status
check_str(const char *text, const struct minisig_pubkey *pk,
    const void *msg, size_t len)
{
	struct minisig		sig;
	enum minisig_status	st;

	if ((st = parse_str(text, &sig)) != MINISIG_OK)
		return st;
	return minisig_verify(&sig, pk, msg, len);
}

static int
setup(void **state)
{
	if (sodium_init() < 0)
		return -1;
	umask(022);
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	DIR		*dir;
	struct dirent	*de;

	if ((dir = opendir(tmpdir)) == NULL)
		return -1;
	while ((de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			unlink(tmp_path(de->d_name));
	}
	closedir(dir);
	return rmdir(tmpdir);
}

/* Our own keys: generate, sign, parse, verify; the pieces agree. */
static void
test_roundtrip(void **state)
{
	struct minisig_seckey	*sk;
	struct minisig_pubkey	 pk, pk2, pk3;
	struct minisig		 sig;
	char			 line[GLOSS_PUBKEY_LEN + 1], *text, *file;
	const char		*errstr;
	static const char	 msg[] = "hello, gloss";

	sk = minisig_keygen(&pk);
	assert_non_null(sk);
	minisig_seckey_pubkey(sk, &pk2);
	assert_memory_equal(&pk, &pk2, sizeof pk);

	minisig_pubkey_format(&pk, line);
	assert_int_equal(strlen(line), GLOSS_PUBKEY_LEN);
	assert_memory_equal(line, "RW", 2);
	assert_int_equal(minisig_pubkey_parse(line, strlen(line), &pk3,
	    &errstr), 0);
	assert_memory_equal(&pk, &pk3, sizeof pk);

	file = minisig_pubkey_file(&pk);
	assert_memory_equal(file, "untrusted comment: minisign public key ",
	    39);
	assert_int_equal(strlen(file), 39 + 16 + 1 + GLOSS_PUBKEY_LEN + 1);
	assert_memory_equal(file + 56, line, GLOSS_PUBKEY_LEN);
	free(file);

	text = minisig_sign(sk, msg, sizeof msg - 1, "gloss/1 id=x", NULL);
	assert_non_null(text);
	assert_memory_equal(text,
	    "untrusted comment: signature from gloss secret key\nRU", 53);
	assert_int_equal(minisig_parse(text, strlen(text), &sig, &errstr),
	    MINISIG_OK);
	assert_string_equal(sig.trusted, "gloss/1 id=x");
	assert_int_equal(minisig_verify(&sig, &pk, msg, sizeof msg - 1),
	    MINISIG_OK);
	/* The final newline is optional. */
	text[strlen(text) - 1] = '\0';
	assert_int_equal(check_str(text, &pk, msg, sizeof msg - 1),
	    MINISIG_OK);
	free(text);

	/* An empty message and an empty trusted comment are fine too. */
	text = minisig_sign(sk, "", 0, "", "");
	assert_non_null(text);
	assert_int_equal(check_str(text, &pk, "", 0), MINISIG_OK);
	free(text);

	minisig_seckey_free(sk);
	minisig_seckey_free(NULL);
}

/* minisign's own signature verifies; minisign's .pub is what we write. */
static void
test_minisign_vector_verify(void **state)
{
	struct minisig_pubkey	 pk, pk2;
	struct minisig		 sig;
	const char		*errstr;
	char			*file;

	assert_int_equal(minisig_pubkey_parse(V_PUB_LINE,
	    strlen(V_PUB_LINE), &pk, &errstr), 0);
	file = minisig_pubkey_file(&pk);
	assert_string_equal(file, V_PUB_FILE);
	free(file);

	assert_int_equal(minisig_parse(V_SIG, strlen(V_SIG), &sig, &errstr),
	    MINISIG_OK);
	assert_string_equal(sig.trusted, V_TRUSTED);
	assert_int_equal(minisig_verify(&sig, &pk, V_MSG, strlen(V_MSG)),
	    MINISIG_OK);

	/* pubkey_load: the line itself, or a .pub file in several shapes. */
	assert_int_equal(minisig_pubkey_load(V_PUB_LINE, &pk2, &errstr), 0);
	assert_memory_equal(&pk, &pk2, sizeof pk);
	write_file(tmp_path("v.pub"), V_PUB_FILE, strlen(V_PUB_FILE));
	memset(&pk2, 0, sizeof pk2);
	assert_int_equal(minisig_pubkey_load(tmp_path("v.pub"), &pk2,
	    &errstr), 0);
	assert_memory_equal(&pk, &pk2, sizeof pk);
	write_file(tmp_path("crlf.pub"),
	    "untrusted comment: x\r\n"
	    "RWRWZDkas7qEyRcKA3Mtwb3k1HDd4nJ0yjyO3jU0ZVwQ1nI8xhIqM+PJ\r\n", 80);
	memset(&pk2, 0, sizeof pk2);
	assert_int_equal(minisig_pubkey_load(tmp_path("crlf.pub"), &pk2,
	    &errstr), 0);
	assert_memory_equal(&pk, &pk2, sizeof pk);
	write_file(tmp_path("bare.pub"), V_PUB_LINE, strlen(V_PUB_LINE));
	memset(&pk2, 0, sizeof pk2);
	assert_int_equal(minisig_pubkey_load(tmp_path("bare.pub"), &pk2,
	    &errstr), 0);
	assert_memory_equal(&pk, &pk2, sizeof pk);
}

/*
 * minisign's unencrypted key (all-zero checksum) reads, and signing with
 * it reproduces minisign's signature byte for byte (Ed25519 is
 * deterministic).
 */
static void
test_minisign_vector_seckey(void **state)
{
	struct minisig_seckey	*sk;
	struct minisig_pubkey	 pk, pk2;
	struct pass		 p = { NULL, 0 };
	const char		*errstr = NULL;
	char			*text;

	assert_int_equal(minisig_pubkey_parse(V_PUB_LINE,
	    strlen(V_PUB_LINE), &pk, &errstr), 0);
	write_file(tmp_path("v.key"), V_KEY_FILE, strlen(V_KEY_FILE));
	sk = minisig_seckey_read(tmp_path("v.key"), pass_cb, &p, &errstr);
	assert_non_null(sk);
	assert_int_equal(p.calls, 0);
	minisig_seckey_pubkey(sk, &pk2);
	assert_memory_equal(&pk, &pk2, sizeof pk);

	text = minisig_sign(sk, V_MSG, strlen(V_MSG), V_TRUSTED, V_UNTRUSTED);
	assert_non_null(text);
	assert_string_equal(text, V_SIG);
	free(text);
	text = minisig_sign(sk, V_MSG, strlen(V_MSG), V_TRUSTED, NULL);
	assert_int_equal(check_str(text, &pk, V_MSG, strlen(V_MSG)),
	    MINISIG_OK);
	free(text);
	minisig_seckey_free(sk);
}

/* Legacy "Ed" signatures, real or forged from an "ED" one, are refused. */
static void
test_legacy(void **state)
{
	struct minisig	 sig;
	char		*text;

	assert_int_equal(parse_str(V_SIG_LEGACY, &sig), MINISIG_E_LEGACY);
	text = mutate_sigline(V_SIG, alg_to_legacy);
	assert_int_equal(parse_str(text, &sig), MINISIG_E_LEGACY);
	free(text);
	text = mutate_sigline(V_SIG, alg_to_unknown);
	assert_int_equal(parse_str(text, &sig), MINISIG_E_MALFORMED);
	free(text);
	assert_string_equal(minisig_status_string(MINISIG_E_LEGACY),
	    "legacy_signature_algorithm");
}

/* Every field a forger could touch is covered by one of the signatures. */
static void
test_tampered(void **state)
{
	struct minisig_seckey	*other;
	struct minisig_pubkey	 pk, opk;
	struct minisig		 sig, t;
	char			 msg[sizeof V_MSG], *text;

	assert_int_equal(minisig_pubkey_parse(V_PUB_LINE,
	    strlen(V_PUB_LINE), &pk, NULL), 0);
	assert_int_equal(parse_str(V_SIG, &sig), MINISIG_OK);

	memcpy(msg, V_MSG, sizeof msg);
	msg[10] ^= 0x01;
	assert_int_equal(minisig_verify(&sig, &pk, msg, strlen(msg)),
	    MINISIG_E_SIGNATURE);
	assert_int_equal(minisig_verify(&sig, &pk, V_MSG, strlen(V_MSG) - 1),
	    MINISIG_E_SIGNATURE);

	t = sig;
	t.sig[0] ^= 0x01;
	assert_int_equal(minisig_verify(&t, &pk, V_MSG, strlen(V_MSG)),
	    MINISIG_E_SIGNATURE);
	t = sig;
	t.trusted[strlen(t.trusted) - 1] ^= 0x01;
	assert_int_equal(minisig_verify(&t, &pk, V_MSG, strlen(V_MSG)),
	    MINISIG_E_GLOBAL);
	t = sig;
	t.trusted[strlen(t.trusted) - 1] = '\0';
	assert_int_equal(minisig_verify(&t, &pk, V_MSG, strlen(V_MSG)),
	    MINISIG_E_GLOBAL);
	t = sig;
	t.global_sig[63] ^= 0x01;
	assert_int_equal(minisig_verify(&t, &pk, V_MSG, strlen(V_MSG)),
	    MINISIG_E_GLOBAL);
	t = sig;
	t.keynum[7] ^= 0x80;
	assert_int_equal(minisig_verify(&t, &pk, V_MSG, strlen(V_MSG)),
	    MINISIG_E_KEY_MISMATCH);

	/* The same through the text. */
	text = mutate_sigline(V_SIG, flip_keynum);
	assert_int_equal(check_str(text, &pk, V_MSG, strlen(V_MSG)),
	    MINISIG_E_KEY_MISMATCH);
	free(text);
	text = replace_line(V_SIG, 2, "trusted comment: gloss/1 id=0");
	assert_int_equal(check_str(text, &pk, V_MSG, strlen(V_MSG)),
	    MINISIG_E_GLOBAL);
	free(text);
	/* The untrusted comment is, as its name says, not covered. */
	text = replace_line(V_SIG, 0, "untrusted comment: anything");
	assert_int_equal(check_str(text, &pk, V_MSG, strlen(V_MSG)),
	    MINISIG_OK);
	free(text);

	/* Another key: its id differs; with the id forged, the sig fails. */
	other = minisig_keygen(&opk);
	assert_non_null(other);
	assert_int_equal(minisig_verify(&sig, &opk, V_MSG, strlen(V_MSG)),
	    MINISIG_E_KEY_MISMATCH);
	memcpy(opk.keynum, pk.keynum, sizeof opk.keynum);
	assert_int_equal(minisig_verify(&sig, &opk, V_MSG, strlen(V_MSG)),
	    MINISIG_E_SIGNATURE);
	minisig_seckey_free(other);

	/* A struct filled by hand without a NUL is refused, not overread. */
	t = sig;
	memset(t.trusted, 'a', sizeof t.trusted);
	assert_int_equal(minisig_verify(&t, &pk, V_MSG, strlen(V_MSG)),
	    MINISIG_E_MALFORMED);

	assert_string_equal(minisig_status_string(MINISIG_OK), "ok");
	assert_string_equal(minisig_status_string(MINISIG_E_MALFORMED),
	    "malformed_signature");
	assert_string_equal(minisig_status_string(MINISIG_E_KEY_MISMATCH),
	    "key_mismatch");
	assert_string_equal(minisig_status_string(MINISIG_E_SIGNATURE),
	    "bad_signature");
	assert_string_equal(minisig_status_string(MINISIG_E_GLOBAL),
	    "bad_trusted_comment_signature");
	assert_string_equal(minisig_status_string((enum minisig_status)99),
	    "unknown");
}

/* Anything but the exact 4-line shape is MINISIG_E_MALFORMED. */
static void
test_malformed(void **state)
{
	struct minisig	 sig;
	struct buf	 b;
	char		*text, big[MINISIG_TRUSTED_MAX + 32];
	const char	*errstr;
	size_t		 i;
	static const char *bad[] = {
		"",
		"\n",
		"\n\n\n\n",
		/* 3 lines */
		"untrusted comment: x\n"
		"RURWZDkas7qEyaJ6PyVa/uQEtvPm9D+LaGYPLZEM8SYNr7XBGkCpiZ16HjylJ"
		"a+RCdKOYr0+JfRsjrL2CeC29Up3Y6x6LMFzPwU=\n"
		"trusted comment: x\n",
		/* missing "untrusted comment: " */
		"untrusted comment:x\n"
		"RURWZDkas7qEyaJ6PyVa/uQEtvPm9D+LaGYPLZEM8SYNr7XBGkCpiZ16HjylJ"
		"a+RCdKOYr0+JfRsjrL2CeC29Up3Y6x6LMFzPwU=\n"
		"trusted comment: x\n"
		"5RrCNkZVWJbbJbFgB/HS7Vqgvt3EFVQlTeVMqHQHRkoFiVaGfDxIv/qYw9vuP"
		"HP/YcqM7F+JgQ53tKl66E9ZBw==\n",
		/* missing "trusted comment: " */
		"untrusted comment: x\n"
		"RURWZDkas7qEyaJ6PyVa/uQEtvPm9D+LaGYPLZEM8SYNr7XBGkCpiZ16HjylJ"
		"a+RCdKOYr0+JfRsjrL2CeC29Up3Y6x6LMFzPwU=\n"
		"Trusted comment: x\n"
		"5RrCNkZVWJbbJbFgB/HS7Vqgvt3EFVQlTeVMqHQHRkoFiVaGfDxIv/qYw9vuP"
		"HP/YcqM7F+JgQ53tKl66E9ZBw==\n",
		/* lines swapped */
		"trusted comment: x\n"
		"RURWZDkas7qEyaJ6PyVa/uQEtvPm9D+LaGYPLZEM8SYNr7XBGkCpiZ16HjylJ"
		"a+RCdKOYr0+JfRsjrL2CeC29Up3Y6x6LMFzPwU=\n"
		"untrusted comment: x\n"
		"5RrCNkZVWJbbJbFgB/HS7Vqgvt3EFVQlTeVMqHQHRkoFiVaGfDxIv/qYw9vuP"
		"HP/YcqM7F+JgQ53tKl66E9ZBw==\n",
	};

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(parse_str(bad[i], &sig), MINISIG_E_MALFORMED);

	/* 5 lines, even an empty fifth. */
	text = xmalloc(sizeof V_SIG + 16);
	snprintf(text, sizeof V_SIG + 16, "%s\n", V_SIG);
	assert_int_equal(parse_str(text, &sig), MINISIG_E_MALFORMED);
	snprintf(text, sizeof V_SIG + 16, "%sextra\n", V_SIG);
	assert_int_equal(parse_str(text, &sig), MINISIG_E_MALFORMED);
	free(text);

	/* CRLF line ends, or a lone CR in a comment. */
	buf_init(&b);
	for (i = 0; V_SIG[i] != '\0'; i++) {
		if (V_SIG[i] == '\n')
			buf_putc(&b, '\r');
		buf_putc(&b, V_SIG[i]);
	}
	text = buf_take(&b);
	assert_int_equal(parse_str(text, &sig), MINISIG_E_MALFORMED);
	free(text);
	text = replace_line(V_SIG, 0, "untrusted comment: a\rb");
	assert_int_equal(parse_str(text, &sig), MINISIG_E_MALFORMED);
	free(text);
	text = replace_line(V_SIG, 2, "trusted comment: gloss/1 id=x\r");
	assert_int_equal(parse_str(text, &sig), MINISIG_E_MALFORMED);
	free(text);

	/* Bad base64: a bad character, a space, a missing or extra char. */
	text = xstrdup(V_SIG);
	text[60] = '*';
	assert_int_equal(parse_str(text, &sig), MINISIG_E_MALFORMED);
	text[60] = ' ';
	assert_int_equal(parse_str(text, &sig), MINISIG_E_MALFORMED);
	free(text);
	text = replace_line(V_SIG, 1,
	    "RURWZDkas7qEyaJ6PyVa/uQEtvPm9D+LaGYPLZEM8SYNr7XBGkCpiZ16HjylJ"
	    "a+RCdKOYr0+JfRsjrL2CeC29Up3Y6x6LMFzPw=");
	assert_int_equal(parse_str(text, &sig), MINISIG_E_MALFORMED);
	free(text);
	text = replace_line(V_SIG, 1,
	    "RURWZDkas7qEyaJ6PyVa/uQEtvPm9D+LaGYPLZEM8SYNr7XBGkCpiZ16HjylJ"
	    "a+RCdKOYr0+JfRsjrL2CeC29Up3Y6x6LMFzPwU=A");
	assert_int_equal(parse_str(text, &sig), MINISIG_E_MALFORMED);
	free(text);
	/* Non-canonical: the same bytes but non-zero padding bits. */
	text = replace_line(V_SIG, 1,
	    "RURWZDkas7qEyaJ6PyVa/uQEtvPm9D+LaGYPLZEM8SYNr7XBGkCpiZ16HjylJ"
	    "a+RCdKOYr0+JfRsjrL2CeC29Up3Y6x6LMFzPwV=");
	assert_int_equal(parse_str(text, &sig), MINISIG_E_MALFORMED);
	free(text);
	/* Right encoding, wrong length: 75 and 73 bytes. */
	text = replace_line(V_SIG, 1,
	    "RURWZDkas7qEyaJ6PyVa/uQEtvPm9D+LaGYPLZEM8SYNr7XBGkCpiZ16HjylJ"
	    "a+RCdKOYr0+JfRsjrL2CeC29Up3Y6x6LMFzPwUA");
	assert_int_equal(parse_str(text, &sig), MINISIG_E_MALFORMED);
	free(text);
	text = replace_line(V_SIG, 1,
	    "RURWZDkas7qEyaJ6PyVa/uQEtvPm9D+LaGYPLZEM8SYNr7XBGkCpiZ16HjylJ"
	    "a+RCdKOYr0+JfRsjrL2CeC29Up3Y6x6LMFzPw==");
	assert_int_equal(parse_str(text, &sig), MINISIG_E_MALFORMED);
	free(text);
	text = replace_line(V_SIG, 3,
	    "5RrCNkZVWJbbJbFgB/HS7Vqgvt3EFVQlTeVMqHQHRkoFiVaGfDxIv/qYw9vuP"
	    "HP/YcqM7F+JgQ53tKl66E9ZBwA=");
	assert_int_equal(parse_str(text, &sig), MINISIG_E_MALFORMED);
	free(text);
	text = replace_line(V_SIG, 3, "");
	assert_int_equal(parse_str(text, &sig), MINISIG_E_MALFORMED);
	free(text);

	/* NUL in the trusted comment (so not reachable through strlen). */
	text = xstrdup(V_SIG);
	*strstr(text, "id=") = '\0';
	assert_int_equal(minisig_parse(text, strlen(V_SIG), &sig, &errstr),
	    MINISIG_E_MALFORMED);
	assert_string_equal(errstr, "trusted comment holds a NUL byte");
	free(text);

	/* Control characters or 1025 bytes in the untrusted comment. */
	text = replace_line(V_SIG, 0, "untrusted comment: a\tb");
	assert_int_equal(parse_str(text, &sig), MINISIG_E_MALFORMED);
	free(text);
	memset(big, 0, sizeof big);
	memcpy(big, "untrusted comment: ", 19);
	memset(big + 19, 'u', 1025);
	text = replace_line(V_SIG, 0, big);
	assert_int_equal(parse_str(text, &sig), MINISIG_E_MALFORMED);
	free(text);
	big[19 + 1024] = '\0';
	text = replace_line(V_SIG, 0, big);
	assert_int_equal(parse_str(text, &sig), MINISIG_OK);
	free(text);

	/* Trusted comment: 1024 bytes parse, 1025 do not. */
	memset(big, 0, sizeof big);
	memcpy(big, "trusted comment: ", 17);
	memset(big + 17, 't', MINISIG_TRUSTED_MAX + 1);
	text = replace_line(V_SIG, 2, big);
	assert_int_equal(parse_str(text, &sig), MINISIG_E_MALFORMED);
	free(text);
	big[17 + MINISIG_TRUSTED_MAX] = '\0';
	text = replace_line(V_SIG, 2, big);
	assert_int_equal(parse_str(text, &sig), MINISIG_OK);
	assert_int_equal(strlen(sig.trusted), MINISIG_TRUSTED_MAX);
	free(text);

	/* A tab in the trusted comment is fine (minisign's default has). */
	text = replace_line(V_SIG, 2, "trusted comment: a\tb");
	assert_int_equal(parse_str(text, &sig), MINISIG_OK);
	assert_string_equal(sig.trusted, "a\tb");
	free(text);
}

/* minisig_sign refuses comments that would not round-trip. */
static void
test_sign_refuses(void **state)
{
	struct minisig_seckey	*sk;
	struct minisig_pubkey	 pk;
	char			 big[MINISIG_TRUSTED_MAX + 2], *text;

	sk = minisig_keygen(&pk);
	assert_non_null(sk);
	assert_null(minisig_sign(sk, "m", 1, NULL, NULL));
	assert_null(minisig_sign(sk, "m", 1, "a\nb", NULL));
	assert_null(minisig_sign(sk, "m", 1, "a\rb", NULL));
	assert_null(minisig_sign(sk, "m", 1, "t", "a\nb"));
	assert_null(minisig_sign(sk, "m", 1, "t", "a\x01"));

	memset(big, 't', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_null(minisig_sign(sk, "m", 1, big, NULL));
	big[MINISIG_TRUSTED_MAX] = '\0';
	text = minisig_sign(sk, "m", 1, big, NULL);
	assert_non_null(text);
	assert_int_equal(check_str(text, &pk, "m", 1), MINISIG_OK);
	free(text);
	minisig_seckey_free(sk);
}

/* Public keys: only the exact 56-character "Ed" key line parses. */
static void
test_pubkey_negative(void **state)
{
	struct minisig_pubkey	 pk;
	const char		*errstr;
	char			 big[5000];
	uint8_t			 blob[42];
	char			 line[GLOSS_PUBKEY_LEN + 1];
	size_t			 i;
	static const char *bad[] = {
		"",
		"RWRWZDkas7qEyRcKA3Mtwb3k1HDd4nJ0yjyO3jU0ZVwQ1nI8xhIqM+P",
		"RWRWZDkas7qEyRcKA3Mtwb3k1HDd4nJ0yjyO3jU0ZVwQ1nI8xhIqM+PJA",
		"RWRWZDkas7qEyRcKA3Mtwb3k1HDd4nJ0yjyO3jU0ZVwQ1nI8xhIqM+PJ\n",
		"RWRWZDkas7qEyRcKA3Mtwb3k1HDd4nJ0yjyO3jU0ZVwQ1nI8xhIqM+P*",
		" RWRWZDkas7qEyRcKA3Mtwb3k1HDd4nJ0yjyO3jU0ZVwQ1nI8xhIqM+P",
		"!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
		"RWRWZDkas7qEyRcKA3Mtwb3k1HDd4nJ0yjyO3jU0ZVwQ1nI8xhIqM+P=",
	};

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		errstr = NULL;
		assert_int_equal(minisig_pubkey_parse(bad[i], strlen(bad[i]),
		    &pk, &errstr), -1);
		assert_non_null(errstr);
	}

	/* Valid base64 of 42 bytes, but the algorithm is "ED". */
	assert_int_equal(sodium_base642bin(blob, sizeof blob, V_PUB_LINE,
	    strlen(V_PUB_LINE), NULL, &i, NULL,
	    sodium_base64_VARIANT_ORIGINAL), 0);
	memcpy(blob, "ED", 2);
	sodium_bin2base64(line, sizeof line, blob, sizeof blob,
	    sodium_base64_VARIANT_ORIGINAL);
	assert_int_equal(minisig_pubkey_parse(line, strlen(line), &pk,
	    &errstr), -1);
	assert_string_equal(errstr,
	    "public key is not an Ed25519 minisign key");

	/* pubkey_load: missing, oversized, garbage, extra lines. */
	assert_int_equal(minisig_pubkey_load(tmp_path("nonexistent.pub"),
	    &pk, &errstr), -1);
	assert_string_equal(errstr, strerror(ENOENT));
	memset(big, '\n', sizeof big);
	memcpy(big, V_PUB_FILE, strlen(V_PUB_FILE));
	write_file(tmp_path("big.pub"), big, 4097);
	assert_int_equal(minisig_pubkey_load(tmp_path("big.pub"), &pk,
	    &errstr), -1);
	assert_string_equal(errstr, "key file is larger than 4 KiB");
	write_file(tmp_path("ok4k.pub"), big, 4096);
	assert_int_equal(minisig_pubkey_load(tmp_path("ok4k.pub"), &pk,
	    &errstr), 0);
	write_file(tmp_path("garbage.pub"), "hello\nworld\n", 12);
	assert_int_equal(minisig_pubkey_load(tmp_path("garbage.pub"), &pk,
	    &errstr), -1);
	write_file(tmp_path("empty.pub"), big, 0);
	assert_int_equal(minisig_pubkey_load(tmp_path("empty.pub"), &pk,
	    &errstr), -1);
	snprintf(big, sizeof big, "%s%s\n", V_PUB_FILE, V_PUB_LINE);
	write_file(tmp_path("two.pub"), big, strlen(big));
	assert_int_equal(minisig_pubkey_load(tmp_path("two.pub"), &pk,
	    &errstr), -1);
	assert_string_equal(errstr, "not a minisign public key file");
}

/* Unencrypted secret key files: 0600, O_EXCL, no symlinks, read back. */
static void
test_seckey_write_plain(void **state)
{
	struct minisig_seckey	*sk, *sk2;
	struct minisig_pubkey	 pk;
	struct stat		 st;
	struct pass		 p = { "unused", 0 };
	const char		*errstr;
	char			 path[256];
	char			*text, *nl;

	snprintf(path, sizeof path, "%s/plain.key", tmpdir);
	sk = minisig_keygen(&pk);
	assert_non_null(sk);
	assert_int_equal(minisig_seckey_write(path, sk, NULL, 0, &errstr), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	text = read_text(path);
	assert_memory_equal(text,
	    "untrusted comment: minisign encrypted secret key\nRWQAAEIy", 56);
	assert_int_equal(strlen(text), 49 + 212 + 1);

	errstr = NULL;
	assert_int_equal(minisig_seckey_write(path, sk, NULL, 0, &errstr), -1);
	assert_string_equal(errstr, "secret key file already exists");
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(minisig_seckey_write(path, sk, NULL, 1, &errstr), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);

	sk2 = minisig_seckey_read(path, pass_cb, &p, &errstr);
	assert_non_null(sk2);
	assert_int_equal(p.calls, 0);
	assert_memory_equal(sk, sk2, sizeof *sk);
	minisig_seckey_free(sk2);

	/* A symbolic link is never followed, forced or not. */
	assert_int_equal(symlink("plain.key", tmp_path("link.key")), 0);
	assert_int_equal(minisig_seckey_write(tmp_path("link.key"), sk, NULL,
	    1, &errstr), -1);
	assert_string_equal(errstr, "secret key file is a symbolic link");
	assert_int_equal(minisig_seckey_write(tmp_path("link.key"), sk, NULL,
	    0, &errstr), -1);
	assert_int_equal(minisig_seckey_write(tmp_path("nodir/x.key"), sk,
	    NULL, 0, &errstr), -1);
	assert_string_equal(errstr, strerror(ENOENT));
	assert_int_equal(minisig_seckey_write(tmp_path("p.key"), sk,
	    "two\nlines", 0, &errstr), -1);

	/* Corrupt the checksum: one base64 character near the end. */
	text = read_text(path);
	nl = strrchr(text, '=');
	nl[-2] = nl[-2] == 'A' ? 'B' : 'A';
	write_file(tmp_path("bad.key"), text, strlen(text));
	assert_null(minisig_seckey_read(tmp_path("bad.key"), NULL, NULL,
	    &errstr));
	assert_string_equal(errstr,
	    "secret key checksum mismatch: corrupt key file");

	/* Unknown algorithms, bad base64, no comment, oversized file. */
	text = read_text(path);
	memcpy(text + 49, "RWQAAEIz", 8);		/* chk_alg "B3" */
	write_file(tmp_path("bad.key"), text, strlen(text));
	assert_null(minisig_seckey_read(tmp_path("bad.key"), NULL, NULL,
	    &errstr));
	assert_string_equal(errstr, "secret key uses an unsupported checksum");
	memcpy(text + 49, "RWRYWEIy", 8);		/* kdf_alg "XX" */
	write_file(tmp_path("bad.key"), text, strlen(text));
	assert_null(minisig_seckey_read(tmp_path("bad.key"), NULL, NULL,
	    &errstr));
	assert_string_equal(errstr,
	    "secret key uses an unsupported key derivation");
	memcpy(text + 49, "RURYWEIy", 8);		/* sig_alg "ED" */
	write_file(tmp_path("bad.key"), text, strlen(text));
	assert_null(minisig_seckey_read(tmp_path("bad.key"), NULL, NULL,
	    &errstr));
	memcpy(text + 49, "RWQA*EIy", 8);
	write_file(tmp_path("bad.key"), text, strlen(text));
	assert_null(minisig_seckey_read(tmp_path("bad.key"), NULL, NULL,
	    &errstr));
	assert_string_equal(errstr, "secret key is not valid base64");
	text = read_text(path);
	write_file(tmp_path("bad.key"), text + 49, strlen(text + 49));
	assert_null(minisig_seckey_read(tmp_path("bad.key"), NULL, NULL,
	    &errstr));
	assert_string_equal(errstr, "not a minisign secret key file");
	text = read_text(path);
	memset(text + strlen(text), '\n', 4097 - strlen(text));
	write_file(tmp_path("bad.key"), text, 4097);
	assert_null(minisig_seckey_read(tmp_path("bad.key"), NULL, NULL,
	    &errstr));
	assert_string_equal(errstr, "key file is larger than 4 KiB");
	assert_null(minisig_seckey_read(tmp_path("none.key"), NULL, NULL,
	    &errstr));
	minisig_seckey_free(sk);
}

/* The minisign-readable key at INTERACTIVE limits: passphrase handling. */
static void
test_seckey_encrypted_cheap(void **state)
{
	struct minisig_seckey	*sk, *plain;
	struct pass		 p;
	const char		*errstr;
	char			 path[256];
	uint8_t			 blob[158];
	char			 line[213], file[300];
	size_t			 len;

	snprintf(path, sizeof path, "%s/lo.key", tmpdir);
	write_file(tmp_path("v.key"), V_KEY_FILE, strlen(V_KEY_FILE));
	plain = minisig_seckey_read(tmp_path("v.key"), NULL, NULL, &errstr);
	assert_non_null(plain);
	write_file(path, V_KEY_LO_FILE, strlen(V_KEY_LO_FILE));

	p.pass = V_KEY_LO_PASS;
	p.calls = 0;
	sk = minisig_seckey_read(path, pass_cb, &p, &errstr);
	assert_non_null(sk);
	assert_int_equal(p.calls, 1);
	assert_memory_equal(sk, plain, sizeof *sk);
	minisig_seckey_free(sk);

	p.pass = "correct horse ";
	p.calls = 0;
	errstr = NULL;
	assert_null(minisig_seckey_read(path, pass_cb, &p, &errstr));
	assert_int_equal(p.calls, 1);
	assert_string_equal(errstr, "wrong passphrase or corrupt key file");

	p.pass = NULL;
	p.calls = 0;
	assert_null(minisig_seckey_read(path, pass_cb, &p, &errstr));
	assert_int_equal(p.calls, 1);
	assert_string_equal(errstr, "passphrase required");
	assert_null(minisig_seckey_read(path, NULL, NULL, &errstr));
	assert_string_equal(errstr, "passphrase required");

	/* A file asking for 4 GiB is refused before asking for anything. */
	assert_int_equal(sodium_base642bin(blob, sizeof blob,
	    V_KEY_LO_FILE + 49, 212, NULL, &len, NULL,
	    sodium_base64_VARIANT_ORIGINAL), 0);
	memcpy(blob + 46, "\0\0\0\0\1\0\0\0", 8);
	sodium_bin2base64(line, sizeof line, blob, sizeof blob,
	    sodium_base64_VARIANT_ORIGINAL);
	snprintf(file, sizeof file, "untrusted comment: x\n%s\n", line);
	write_file(tmp_path("huge.key"), file, strlen(file));
	p.pass = V_KEY_LO_PASS;
	p.calls = 0;
	assert_null(minisig_seckey_read(tmp_path("huge.key"), pass_cb, &p,
	    &errstr));
	assert_int_equal(p.calls, 0);
	/* So is one asking for 4 times minisign's scrypt work. */
	assert_int_equal(sodium_base642bin(blob, sizeof blob,
	    V_KEY_LO_FILE + 49, 212, NULL, &len, NULL,
	    sodium_base64_VARIANT_ORIGINAL), 0);
	memcpy(blob + 38, "\0\0\0\10\0\0\0\0", 8);
	sodium_bin2base64(line, sizeof line, blob, sizeof blob,
	    sodium_base64_VARIANT_ORIGINAL);
	snprintf(file, sizeof file, "untrusted comment: x\n%s\n", line);
	write_file(tmp_path("slow.key"), file, strlen(file));
	assert_null(minisig_seckey_read(tmp_path("slow.key"), pass_cb, &p,
	    &errstr));
	assert_int_equal(p.calls, 0);

	/*
	 * An unencrypted key whose public half was altered: the all-zero
	 * checksum cannot catch it, the seed check does.
	 */
	assert_int_equal(sodium_base642bin(blob, sizeof blob,
	    V_KEY_FILE + 49, 212, NULL, &len, NULL,
	    sodium_base64_VARIANT_ORIGINAL), 0);
	blob[125] ^= 0x01;
	sodium_bin2base64(line, sizeof line, blob, sizeof blob,
	    sodium_base64_VARIANT_ORIGINAL);
	snprintf(file, sizeof file, "untrusted comment: x\n%s\n", line);
	write_file(tmp_path("altered.key"), file, strlen(file));
	assert_null(minisig_seckey_read(tmp_path("altered.key"), NULL, NULL,
	    &errstr));
	assert_string_equal(errstr,
	    "secret key does not match its public key: corrupt key file");
	minisig_seckey_free(plain);
}

/*
 * The one expensive test: write with a passphrase (minisign's SENSITIVE
 * scrypt limits, stored in the file) and read it back.
 */
static void
test_seckey_encrypted_sensitive(void **state)
{
	struct minisig_seckey	*sk, *sk2;
	struct minisig_pubkey	 pk;
	struct pass		 p = { "gloss test passphrase", 0 };
	struct stat		 st;
	const char		*errstr;
	char			 path[256];
	char			*text;
	uint8_t			 blob[158];
	size_t			 len;

	snprintf(path, sizeof path, "%s/enc.key", tmpdir);
	sk = minisig_keygen(&pk);
	assert_non_null(sk);
	assert_int_equal(minisig_seckey_write(path, sk, p.pass, 0, &errstr),
	    0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);

	text = read_text(path);
	assert_memory_equal(text,
	    "untrusted comment: minisign encrypted secret key\n", 49);
	assert_int_equal(sodium_base642bin(blob, sizeof blob, text + 49, 212,
	    NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	assert_memory_equal(blob, "EdScB2", 6);
	assert_memory_equal(blob + 38, "\0\0\0\2\0\0\0\0", 8);
	assert_memory_equal(blob + 46, "\0\0\0\100\0\0\0\0", 8);
	/* Encrypted: neither the key id nor the key appear in clear. */
	assert_memory_not_equal(blob + 54, sk->keynum, 8);
	assert_memory_not_equal(blob + 62, sk->sk, 64);

	sk2 = minisig_seckey_read(path, pass_cb, &p, &errstr);
	assert_non_null(sk2);
	assert_int_equal(p.calls, 1);
	assert_memory_equal(sk, sk2, sizeof *sk);
	minisig_seckey_free(sk2);
	minisig_seckey_free(sk);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_minisign_vector_verify),
		cmocka_unit_test(test_minisign_vector_seckey),
		cmocka_unit_test(test_legacy),
		cmocka_unit_test(test_tampered),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_sign_refuses),
		cmocka_unit_test(test_pubkey_negative),
		cmocka_unit_test(test_seckey_write_plain),
		cmocka_unit_test(test_seckey_encrypted_cheap),
		cmocka_unit_test(test_seckey_encrypted_sensitive),
	};

	return cmocka_run_group_tests_name("minisig", tests, setup, teardown);
}
