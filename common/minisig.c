/*
 * minisig.c: minisign (0.11) keys and signatures.
 *
 * Every gloss statement is signed so that anyone can check it later with the
 * stock minisign tool, and so that keys made by minisign work in gloss and
 * the other way round.  That makes the minisign formats part of our wire
 * format: this file reads and writes them byte for byte as minisign does
 * (public keys, secret key files with optional scrypt encryption, prehashed
 * "ED" signatures) and nothing else does.  Binary layouts are packed structs
 * as in minisign itself; secrets only ever live in sodium_malloc memory,
 * which sodium_free wipes.
 *
 * Where minisign is lenient we are strict on input we did not write
 * ourselves: a signature is exactly four lines, base64 must be canonical,
 * legacy (non-prehashed) signatures are refused.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "gloss.h"

#define MINISIG_SIGALG		"Ed"	/* key algorithm; legacy signatures */
#define MINISIG_SIGALG_HASHED	"ED"	/* signature over BLAKE2b-512(msg) */
#define MINISIG_KDFALG		"Sc"	/* scrypt-encrypted secret key */
#define MINISIG_CHKALG		"B2"	/* BLAKE2b-256 secret key checksum */

#define MINISIG_COMMENT_PREFIX	"untrusted comment: "
#define MINISIG_TRUSTED_PREFIX	"trusted comment: "
#define MINISIG_COMMENT_MAX	1024	/* untrusted comment, after prefix */
#define MINISIG_DEFAULT_COMMENT	"signature from gloss secret key"
#define MINISIG_SECKEY_COMMENT	"minisign encrypted secret key"
#define MINISIG_PUBKEY_COMMENT	"minisign public key"

#define MINISIG_FILE_MAX	4096	/* key files we are willing to read */
#define MINISIG_PASS_MAX	1023	/* what minisign's prompt can read */

/*
 * Secret key files carry their own scrypt limits.  minisign writes the
 * SENSITIVE limits (1 GiB, ~2 s) or less; we accept up to twice those so a
 * hostile or broken key file cannot make us allocate more than 2 GiB or
 * spin for minutes.
 */
#define MINISIG_OPSLIMIT_MAX						\
	(2ULL * crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_SENSITIVE)
#define MINISIG_MEMLIMIT_MAX						\
	(2ULL * crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_SENSITIVE)

/* base64 (original alphabet, padded) length of n bytes, without NUL. */
#define MINISIG_B64_LEN(n)	((((n) + 2) / 3) * 4)

/* The public key, as base64'd on the key line. */
struct minisig_pk_blob {
	uint8_t	sig_alg[2];
	uint8_t	keynum[MINISIG_KEYNUM_LEN];
	uint8_t	pk[crypto_sign_PUBLICKEYBYTES];
} __attribute__((packed));

/* The second line of a .minisig. */
struct minisig_sig_blob {
	uint8_t	sig_alg[2];
	uint8_t	keynum[MINISIG_KEYNUM_LEN];
	uint8_t	sig[crypto_sign_BYTES];
} __attribute__((packed));

/* The encrypted part of a secret key: XORed with the scrypt stream. */
struct minisig_keynum_sk {
	uint8_t	keynum[MINISIG_KEYNUM_LEN];
	uint8_t	sk[crypto_sign_SECRETKEYBYTES];
	uint8_t	chk[crypto_generichash_BYTES];
} __attribute__((packed));

/* The second line of a secret key file. */
struct minisig_sk_blob {
	uint8_t				sig_alg[2];
	uint8_t				kdf_alg[2];
	uint8_t				chk_alg[2];
	uint8_t				kdf_salt[
	    crypto_pwhash_scryptsalsa208sha256_SALTBYTES];
	uint8_t				kdf_opslimit_le[8];
	uint8_t				kdf_memlimit_le[8];
	struct minisig_keynum_sk	keynum_sk;
} __attribute__((packed));

_Static_assert(sizeof(struct minisig_pk_blob) == 42, "pk blob layout");
_Static_assert(sizeof(struct minisig_sig_blob) == 74, "sig blob layout");
_Static_assert(sizeof(struct minisig_keynum_sk) == 104, "keynum_sk layout");
_Static_assert(sizeof(struct minisig_sk_blob) == 158, "sk blob layout");
_Static_assert(MINISIG_B64_LEN(sizeof(struct minisig_pk_blob)) ==
    GLOSS_PUBKEY_LEN, "public key line length");

static const char *const minisig_status_names[] = {
	[MINISIG_OK] = "ok",
	[MINISIG_E_MALFORMED] = "malformed_signature",
	[MINISIG_E_LEGACY] = "legacy_signature_algorithm",
	[MINISIG_E_KEY_MISMATCH] = "key_mismatch",
	[MINISIG_E_SIGNATURE] = "bad_signature",
	[MINISIG_E_GLOBAL] = "bad_trusted_comment_signature",
};

static void	 minisig_set_err(const char **, const char *);
static uint64_t	 minisig_le64_load(const uint8_t *);
static void	 minisig_le64_store(uint8_t *, uint64_t);
static int	 minisig_b64_decode(const char *, size_t, void *, size_t);
static void	 minisig_b64_encode(char *, size_t, const void *, size_t);
static int	 minisig_read_file(const char *, uint8_t **, size_t *,
		     const char **);
static int	 minisig_key_line(const char *, size_t, int, const char **,
		     size_t *);
static void	 minisig_seckey_chk(const struct minisig_sk_blob *,
		     uint8_t [crypto_generichash_BYTES]);
static int	 minisig_write_all(int, const char *, size_t);
static int	 minisig_comment_ok(const char *, size_t);

static void
minisig_set_err(const char **errstr, const char *msg)
{
	if (errstr != NULL)
		*errstr = msg;
}

static uint64_t
minisig_le64_load(const uint8_t *p)
{
	uint64_t	x = 0;
	int		i;

	for (i = 7; i >= 0; i--)
		x = (x << 8) | p[i];
	return x;
}

static void
minisig_le64_store(uint8_t *p, uint64_t x)
{
	int	i;

	for (i = 0; i < 8; i++) {
		p[i] = (uint8_t)x;
		x >>= 8;
	}
}

/*
 * Decode exactly outlen bytes from the len characters at s.  Only the
 * canonical padded encoding is accepted: the length must be exact, nothing
 * is skipped, and libsodium rejects non-zero trailing bits.  Returns 0 or
 * -1; out may be partly written on failure.
 */
static int
minisig_b64_decode(const char *s, size_t len, void *out, size_t outlen)
{
	size_t	binlen;

	if (len != MINISIG_B64_LEN(outlen))
		return -1;
	if (sodium_base642bin(out, outlen, s, len, NULL, &binlen, NULL,
	    sodium_base64_VARIANT_ORIGINAL) != 0)
		return -1;
	return binlen == outlen ? 0 : -1;
}

/* Encode inlen bytes into out, which has room for outsize bytes. */
static void
minisig_b64_encode(char *out, size_t outsize, const void *in, size_t inlen)
{
	sodium_bin2base64(out, outsize, in, inlen,
	    sodium_base64_VARIANT_ORIGINAL);
}

/*
 * Read a whole key file of at most MINISIG_FILE_MAX bytes into sodium_malloc
 * memory (it may hold an unencrypted secret key), NUL-terminated.  On
 * success *out is the caller's to sodium_free and 0 is returned; on failure
 * -1 with *errstr set.
 */
static int
minisig_read_file(const char *path, uint8_t **out, size_t *outlen,
    const char **errstr)
{
	uint8_t	*data;
	size_t	 len = 0;
	ssize_t	 n;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		minisig_set_err(errstr, strerror(errno));
		return -1;
	}
	if ((data = sodium_malloc(MINISIG_FILE_MAX + 2)) == NULL) {
		close(fd);
		minisig_set_err(errstr, "out of memory");
		return -1;
	}
	for (;;) {
		n = read(fd, data + len, MINISIG_FILE_MAX + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			minisig_set_err(errstr, strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > MINISIG_FILE_MAX) {
			minisig_set_err(errstr,
			    "key file is larger than 4 KiB");
			goto fail;
		}
	}
	close(fd);
	data[len] = '\0';
	*out = data;
	*outlen = len;
	return 0;

fail:
	close(fd);
	sodium_free(data);
	return -1;
}

/*
 * Find the key line in a key file: an "untrusted comment:" line (optional
 * unless need_comment is set), then the key line, then nothing but line
 * ends.  A trailing "\n" or "\r\n" is tolerated.  Sets *line and *linelen
 * (without its line end) and returns 0, or returns -1 with *errstr set.
 */
static int
minisig_key_line(const char *data, size_t len, int need_comment,
    const char **line, size_t *linelen)
{
	const char	*p = data, *end = data + len, *nl;
	static const char comment[] = "untrusted comment:";

	if (memchr(data, '\0', len) != NULL)
		return -1;
	if (len >= sizeof comment - 1 &&
	    memcmp(data, comment, sizeof comment - 1) == 0) {
		if ((nl = memchr(p, '\n', len)) == NULL)
			return -1;
		p = nl + 1;
	} else if (need_comment)
		return -1;

	if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
		nl = end;
	*line = p;
	*linelen = (size_t)(nl - p);
	if (*linelen > 0 && p[*linelen - 1] == '\r')
		(*linelen)--;
	for (p = nl; p < end; p++) {
		if (*p != '\n' && *p != '\r')
			return -1;
	}
	return 0;
}

/* BLAKE2b-256(sig_alg || keynum || sk): minisign's secret key checksum. */
static void
minisig_seckey_chk(const struct minisig_sk_blob *b,
    uint8_t chk[crypto_generichash_BYTES])
{
	crypto_generichash_state	hs;

	crypto_generichash_init(&hs, NULL, 0, crypto_generichash_BYTES);
	crypto_generichash_update(&hs, b->sig_alg, sizeof b->sig_alg);
	crypto_generichash_update(&hs, b->keynum_sk.keynum,
	    sizeof b->keynum_sk.keynum);
	crypto_generichash_update(&hs, b->keynum_sk.sk,
	    sizeof b->keynum_sk.sk);
	crypto_generichash_final(&hs, chk, crypto_generichash_BYTES);
	sodium_memzero(&hs, sizeof hs);
}

/* write(2) all of len bytes, retrying on EINTR.  Returns 0 or -1/errno. */
static int
minisig_write_all(int fd, const char *p, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Is this a usable untrusted comment: short, no control characters? */
static int
minisig_comment_ok(const char *s, size_t len)
{
	size_t	i;

	if (len > MINISIG_COMMENT_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	}
	return 1;
}

/*
 * Parse the 56-character base64 public key line (no line end).  Returns 0
 * and fills out, or -1 with *errstr set to a static sentence.
 */
int
minisig_pubkey_parse(const char *text, size_t len, struct minisig_pubkey *out,
    const char **errstr)
{
	struct minisig_pk_blob	b;

	if (len != GLOSS_PUBKEY_LEN) {
		minisig_set_err(errstr, "public key is not 56 characters");
		return -1;
	}
	if (minisig_b64_decode(text, len, &b, sizeof b) == -1) {
		minisig_set_err(errstr, "public key is not valid base64");
		return -1;
	}
	if (memcmp(b.sig_alg, MINISIG_SIGALG, sizeof b.sig_alg) != 0) {
		minisig_set_err(errstr,
		    "public key is not an Ed25519 minisign key");
		return -1;
	}
	memcpy(out->keynum, b.keynum, sizeof out->keynum);
	memcpy(out->pk, b.pk, sizeof out->pk);
	return 0;
}

/*
 * Load a public key given either as the key line itself or as the path of
 * a minisign .pub file (at most 4 KiB).  Returns 0 or -1 with *errstr set.
 */
int
minisig_pubkey_load(const char *arg, struct minisig_pubkey *out,
    const char **errstr)
{
	uint8_t		*data;
	const char	*line;
	size_t		 len, linelen;
	int		 rv;

	if (strlen(arg) == GLOSS_PUBKEY_LEN &&
	    minisig_pubkey_parse(arg, GLOSS_PUBKEY_LEN, out, NULL) == 0)
		return 0;
	if (minisig_read_file(arg, &data, &len, errstr) == -1)
		return -1;
	if (minisig_key_line((char *)data, len, 0, &line, &linelen) == -1) {
		minisig_set_err(errstr, "not a minisign public key file");
		rv = -1;
	} else
		rv = minisig_pubkey_parse(line, linelen, out, errstr);
	sodium_free(data);
	return rv;
}

/* Write pk's 56-character key line, NUL-terminated, into out. */
void
minisig_pubkey_format(const struct minisig_pubkey *pk,
    char out[GLOSS_PUBKEY_LEN + 1])
{
	struct minisig_pk_blob	b;

	memcpy(b.sig_alg, MINISIG_SIGALG, sizeof b.sig_alg);
	memcpy(b.keynum, pk->keynum, sizeof b.keynum);
	memcpy(b.pk, pk->pk, sizeof b.pk);
	minisig_b64_encode(out, GLOSS_PUBKEY_LEN + 1, &b, sizeof b);
}

/*
 * The key id as minisign prints it: the little-endian keynum as 16
 * uppercase hex digits.
 */
void
minisig_keyid(const struct minisig_pubkey *pk, char out[17])
{
	snprintf(out, 17, "%016" PRIX64, minisig_le64_load(pk->keynum));
}

/* The text of a .pub file exactly as minisign -G writes it.  Caller frees. */
char *
minisig_pubkey_file(const struct minisig_pubkey *pk)
{
	static const char	 fmt[] = MINISIG_COMMENT_PREFIX
	    MINISIG_PUBKEY_COMMENT " %s\n%s\n";
	char			 line[GLOSS_PUBKEY_LEN + 1], keyid[17];
	char			*s;
	size_t			 size;

	minisig_pubkey_format(pk, line);
	minisig_keyid(pk, keyid);
	size = sizeof fmt + 16 + GLOSS_PUBKEY_LEN;	/* generous */
	s = xmalloc(size);
	snprintf(s, size, fmt, keyid, line);
	return s;
}

/*
 * Make a new key pair with a random key id.  The secret key is returned in
 * sodium_malloc memory (release with minisig_seckey_free); the public key
 * is written to pk_out if not NULL.  NULL only if sodium_malloc fails.
 */
struct minisig_seckey *
minisig_keygen(struct minisig_pubkey *pk_out)
{
	struct minisig_seckey	*sk;
	uint8_t			 pk[crypto_sign_PUBLICKEYBYTES];

	if ((sk = sodium_malloc(sizeof *sk)) == NULL)
		return NULL;
	randombytes_buf(sk->keynum, sizeof sk->keynum);
	crypto_sign_keypair(pk, sk->sk);
	if (pk_out != NULL) {
		memcpy(pk_out->keynum, sk->keynum, sizeof pk_out->keynum);
		memcpy(pk_out->pk, pk, sizeof pk_out->pk);
	}
	return sk;
}

/* The public half of sk: its key id and the last 32 bytes of sk. */
void
minisig_seckey_pubkey(const struct minisig_seckey *sk,
    struct minisig_pubkey *pk_out)
{
	memcpy(pk_out->keynum, sk->keynum, sizeof pk_out->keynum);
	memcpy(pk_out->pk, sk->sk + crypto_sign_SECRETKEYBYTES -
	    crypto_sign_PUBLICKEYBYTES, sizeof pk_out->pk);
}

/*
 * Write sk to path as a minisign secret key file, mode 0600, refusing to
 * follow a symbolic link and (unless force) to replace an existing file.
 * With a passphrase the key is scrypt-encrypted with minisign's SENSITIVE
 * limits (about 1 GiB and a few seconds); with NULL it is written
 * unencrypted like "minisign -G -W", but with a valid checksum.  The
 * passphrase must be one line of at most 1023 bytes, as minisign can only
 * read such.  Returns 0 or -1 with *errstr set; on failure no partial file
 * is left behind.
 */
int
minisig_seckey_write(const char *path, const struct minisig_seckey *sk,
    const char *passphrase, int force, const char **errstr)
{
	struct minisig_sk_blob	*b = NULL;
	uint8_t			*stream = NULL;
	char			*text = NULL;
	size_t			 i, off, textlen, passlen = 0;
	int			 fd, flags, saved, rv = -1;
	static const char	 head[] =
	    MINISIG_COMMENT_PREFIX MINISIG_SECKEY_COMMENT "\n";

	if (passphrase != NULL) {
		passlen = strlen(passphrase);
		if (passlen > MINISIG_PASS_MAX ||
		    strpbrk(passphrase, "\r\n") != NULL) {
			minisig_set_err(errstr, "passphrase must be one line "
			    "of at most 1023 bytes");
			return -1;
		}
	}
	textlen = sizeof head - 1 + MINISIG_B64_LEN(sizeof *b) + 1;
	if ((b = sodium_malloc(sizeof *b)) == NULL ||
	    (stream = sodium_malloc(sizeof b->keynum_sk)) == NULL ||
	    (text = sodium_malloc(textlen + 1)) == NULL) {
		minisig_set_err(errstr, "out of memory");
		goto out;
	}

	memset(b, 0, sizeof *b);
	memcpy(b->sig_alg, MINISIG_SIGALG, sizeof b->sig_alg);
	memcpy(b->chk_alg, MINISIG_CHKALG, sizeof b->chk_alg);
	memcpy(b->keynum_sk.keynum, sk->keynum, sizeof b->keynum_sk.keynum);
	memcpy(b->keynum_sk.sk, sk->sk, sizeof b->keynum_sk.sk);
	minisig_seckey_chk(b, b->keynum_sk.chk);
	if (passphrase != NULL) {
		memcpy(b->kdf_alg, MINISIG_KDFALG, sizeof b->kdf_alg);
		randombytes_buf(b->kdf_salt, sizeof b->kdf_salt);
		minisig_le64_store(b->kdf_opslimit_le,
		    crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_SENSITIVE);
		minisig_le64_store(b->kdf_memlimit_le,
		    crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_SENSITIVE);
		if (crypto_pwhash_scryptsalsa208sha256(stream,
		    sizeof b->keynum_sk, passphrase, passlen, b->kdf_salt,
		    crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_SENSITIVE,
		    crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_SENSITIVE)
		    != 0) {
			minisig_set_err(errstr, "not enough memory to derive "
			    "a key from the passphrase");
			goto out;
		}
		for (i = 0; i < sizeof b->keynum_sk; i++)
			((uint8_t *)&b->keynum_sk)[i] ^= stream[i];
	}

	memcpy(text, head, sizeof head - 1);
	off = sizeof head - 1;
	minisig_b64_encode(text + off, textlen + 1 - off, b, sizeof *b);
	off += MINISIG_B64_LEN(sizeof *b);
	text[off++] = '\n';

	flags = O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC;
	if (!force)
		flags |= O_EXCL;
	if ((fd = open(path, flags, 0600)) == -1) {
		if (errno == EEXIST)
			minisig_set_err(errstr,
			    "secret key file already exists");
		else if (errno == ELOOP)
			minisig_set_err(errstr,
			    "secret key file is a symbolic link");
		else
			minisig_set_err(errstr, strerror(errno));
		goto out;
	}
	if (fchmod(fd, 0600) == -1 || minisig_write_all(fd, text, off) == -1 ||
	    fsync(fd) == -1) {
		saved = errno;
		close(fd);
		goto fail_unlink;
	}
	if (close(fd) == -1) {
		saved = errno;
		goto fail_unlink;
	}
	rv = 0;
	goto out;

fail_unlink:
	unlink(path);
	minisig_set_err(errstr, strerror(saved));
out:
	sodium_free(text);	/* sodium_free wipes and accepts NULL */
	sodium_free(stream);
	sodium_free(b);
	return rv;
}

/*
 * Read a minisign secret key file (at most 4 KiB).  An encrypted key ("Sc")
 * asks pass_cb(arg) for the passphrase (the caller owns and wipes it) and
 * derives the stream with the scrypt limits stored in the file, refusing
 * more than twice minisign's SENSITIVE limits.  The checksum must match;
 * unencrypted keys from "minisign -G -W" carry an all-zero checksum, which
 * is accepted too.  Either way the embedded public key must match the
 * seed.  Returns the key in sodium_malloc memory (minisig_seckey_free), or
 * NULL with *errstr set; every temporary is wiped.
 */
struct minisig_seckey *
minisig_seckey_read(const char *path, minisig_pass_cb pass_cb, void *arg,
    const char **errstr)
{
	static const uint8_t	 kdf_none[2] = { 0, 0 };
	static const uint8_t	 zero_chk[crypto_generichash_BYTES];
	struct minisig_sk_blob	*b = NULL;
	struct minisig_seckey	*sk = NULL;
	uint8_t			*data = NULL, *stream = NULL, *seed = NULL;
	uint8_t			 chk[crypto_generichash_BYTES];
	uint8_t			 pk[crypto_sign_PUBLICKEYBYTES];
	const char		*line, *pass;
	size_t			 len, linelen, i;
	uint64_t		 opslimit, memlimit;
	int			 encrypted;

	if (minisig_read_file(path, &data, &len, errstr) == -1)
		return NULL;
	if ((b = sodium_malloc(sizeof *b)) == NULL ||
	    (stream = sodium_malloc(sizeof b->keynum_sk)) == NULL ||
	    (seed = sodium_malloc(crypto_sign_SEEDBYTES +
	    crypto_sign_SECRETKEYBYTES)) == NULL) {
		minisig_set_err(errstr, "out of memory");
		goto out;
	}
	if (minisig_key_line((char *)data, len, 1, &line, &linelen) == -1) {
		minisig_set_err(errstr, "not a minisign secret key file");
		goto out;
	}
	if (minisig_b64_decode(line, linelen, b, sizeof *b) == -1) {
		minisig_set_err(errstr, "secret key is not valid base64");
		goto out;
	}
	if (memcmp(b->sig_alg, MINISIG_SIGALG, sizeof b->sig_alg) != 0) {
		minisig_set_err(errstr,
		    "secret key is not an Ed25519 minisign key");
		goto out;
	}
	if (memcmp(b->chk_alg, MINISIG_CHKALG, sizeof b->chk_alg) != 0) {
		minisig_set_err(errstr,
		    "secret key uses an unsupported checksum");
		goto out;
	}
	if (memcmp(b->kdf_alg, MINISIG_KDFALG, sizeof b->kdf_alg) == 0)
		encrypted = 1;
	else if (memcmp(b->kdf_alg, kdf_none, sizeof b->kdf_alg) == 0)
		encrypted = 0;
	else {
		minisig_set_err(errstr,
		    "secret key uses an unsupported key derivation");
		goto out;
	}

	if (encrypted) {
		opslimit = minisig_le64_load(b->kdf_opslimit_le);
		memlimit = minisig_le64_load(b->kdf_memlimit_le);
		if (opslimit > MINISIG_OPSLIMIT_MAX ||
		    memlimit > MINISIG_MEMLIMIT_MAX ||
		    memlimit > SIZE_MAX) {
			minisig_set_err(errstr, "secret key asks for more "
			    "than 2 GiB or twice minisign's work to decrypt");
			goto out;
		}
		if (pass_cb == NULL || (pass = pass_cb(arg)) == NULL) {
			minisig_set_err(errstr, "passphrase required");
			goto out;
		}
		if (crypto_pwhash_scryptsalsa208sha256(stream,
		    sizeof b->keynum_sk, pass, strlen(pass), b->kdf_salt,
		    (unsigned long long)opslimit, (size_t)memlimit) != 0) {
			minisig_set_err(errstr, "not enough memory to derive "
			    "a key from the passphrase");
			goto out;
		}
		for (i = 0; i < sizeof b->keynum_sk; i++)
			((uint8_t *)&b->keynum_sk)[i] ^= stream[i];
	}

	minisig_seckey_chk(b, chk);
	if (sodium_memcmp(chk, b->keynum_sk.chk, sizeof chk) != 0 &&
	    (encrypted || sodium_memcmp(zero_chk, b->keynum_sk.chk,
	    sizeof zero_chk) != 0)) {
		minisig_set_err(errstr, encrypted ?
		    "wrong passphrase or corrupt key file" :
		    "secret key checksum mismatch: corrupt key file");
		goto out;
	}
	crypto_sign_ed25519_sk_to_seed(seed, b->keynum_sk.sk);
	crypto_sign_seed_keypair(pk, seed + crypto_sign_SEEDBYTES, seed);
	if (sodium_memcmp(pk, b->keynum_sk.sk + crypto_sign_SECRETKEYBYTES -
	    crypto_sign_PUBLICKEYBYTES, sizeof pk) != 0) {
		minisig_set_err(errstr, encrypted ?
		    "wrong passphrase or corrupt key file" :
		    "secret key does not match its public key: corrupt key "
		    "file");
		goto out;
	}

	if ((sk = sodium_malloc(sizeof *sk)) == NULL) {
		minisig_set_err(errstr, "out of memory");
		goto out;
	}
	memcpy(sk->keynum, b->keynum_sk.keynum, sizeof sk->keynum);
	memcpy(sk->sk, b->keynum_sk.sk, sizeof sk->sk);

out:
	sodium_memzero(chk, sizeof chk);
	sodium_free(seed);	/* sodium_free wipes and accepts NULL */
	sodium_free(stream);
	sodium_free(b);
	sodium_free(data);
	return sk;
}

/* Wipe and release a secret key; NULL is a no-op. */
void
minisig_seckey_free(struct minisig_seckey *sk)
{
	sodium_free(sk);
}

/*
 * Sign msg the way "minisign -S -t trusted -c untrusted" would: a prehashed
 * ("ED") signature plus the global signature over it and the trusted
 * comment.  The trusted comment must be one line of at most
 * MINISIG_TRUSTED_MAX bytes; the untrusted one (NULL for the default) one
 * line of at most 1024 bytes without control characters.  Returns the
 * 4-line .minisig text (caller frees) or NULL if a comment is unusable.
 */
char *
minisig_sign(const struct minisig_seckey *sk, const void *msg, size_t len,
    const char *trusted, const char *untrusted)
{
	struct minisig_sig_blob	 sb;
	uint8_t			 hash[crypto_generichash_BYTES_MAX];
	uint8_t			 global[crypto_sign_BYTES];
	uint8_t			 sigt[crypto_sign_BYTES + MINISIG_TRUSTED_MAX];
	char			 sigline[MINISIG_B64_LEN(sizeof sb) + 1];
	char			 globline[MINISIG_B64_LEN(sizeof global) + 1];
	char			*s;
	size_t			 tlen, size;

	if (untrusted == NULL)
		untrusted = MINISIG_DEFAULT_COMMENT;
	if (trusted == NULL || (tlen = strlen(trusted)) > MINISIG_TRUSTED_MAX ||
	    strpbrk(trusted, "\r\n") != NULL)
		return NULL;
	if (!minisig_comment_ok(untrusted, strlen(untrusted)))
		return NULL;

	crypto_generichash(hash, sizeof hash, msg, len, NULL, 0);
	memcpy(sb.sig_alg, MINISIG_SIGALG_HASHED, sizeof sb.sig_alg);
	memcpy(sb.keynum, sk->keynum, sizeof sb.keynum);
	crypto_sign_detached(sb.sig, NULL, hash, sizeof hash, sk->sk);

	memcpy(sigt, sb.sig, sizeof sb.sig);
	memcpy(sigt + sizeof sb.sig, trusted, tlen);
	crypto_sign_detached(global, NULL, sigt, sizeof sb.sig + tlen, sk->sk);

	minisig_b64_encode(sigline, sizeof sigline, &sb, sizeof sb);
	minisig_b64_encode(globline, sizeof globline, global, sizeof global);
	size = sizeof MINISIG_COMMENT_PREFIX + strlen(untrusted) +
	    sizeof sigline + sizeof MINISIG_TRUSTED_PREFIX + tlen +
	    sizeof globline + 1;
	s = xmalloc(size);
	snprintf(s, size, MINISIG_COMMENT_PREFIX "%s\n%s\n"
	    MINISIG_TRUSTED_PREFIX "%s\n%s\n", untrusted, sigline, trusted,
	    globline);
	return s;
}

/*
 * Parse a .minisig strictly: exactly four "\n"-terminated lines (the last
 * line end may be missing), no CR anywhere, canonical base64 of exactly
 * the right lengths, a prehashed "ED" signature.  Fills out and returns
 * MINISIG_OK; otherwise MINISIG_E_LEGACY for a well-formed legacy "Ed"
 * signature or MINISIG_E_MALFORMED, with *errstr set to a static sentence.
 */
enum minisig_status
minisig_parse(const char *text, size_t len, struct minisig *out,
    const char **errstr)
{
	struct minisig_sig_blob	 sb;
	const char		*line[4], *p, *end = text + len, *nl;
	size_t			 linelen[4], plen;
	int			 n, legacy;

	memset(out, 0, sizeof *out);
	if (memchr(text, '\r', len) != NULL) {
		minisig_set_err(errstr, "signature contains a carriage return");
		return MINISIG_E_MALFORMED;
	}
	for (p = text, n = 0; p < end; n++) {
		if (n == 4) {
			minisig_set_err(errstr,
			    "signature has more than 4 lines");
			return MINISIG_E_MALFORMED;
		}
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		line[n] = p;
		linelen[n] = (size_t)(nl - p);
		p = nl == end ? end : nl + 1;
	}
	if (n != 4) {
		minisig_set_err(errstr, "signature has fewer than 4 lines");
		return MINISIG_E_MALFORMED;
	}

	plen = sizeof MINISIG_COMMENT_PREFIX - 1;
	if (linelen[0] < plen ||
	    memcmp(line[0], MINISIG_COMMENT_PREFIX, plen) != 0) {
		minisig_set_err(errstr, "signature line 1 does not start "
		    "with \"untrusted comment: \"");
		return MINISIG_E_MALFORMED;
	}
	if (!minisig_comment_ok(line[0] + plen, linelen[0] - plen)) {
		minisig_set_err(errstr, "untrusted comment is too long or "
		    "holds control characters");
		return MINISIG_E_MALFORMED;
	}

	if (minisig_b64_decode(line[1], linelen[1], &sb, sizeof sb) == -1) {
		minisig_set_err(errstr, "signature line 2 is not base64 of "
		    "74 bytes");
		return MINISIG_E_MALFORMED;
	}
	if (memcmp(sb.sig_alg, MINISIG_SIGALG_HASHED, sizeof sb.sig_alg) == 0)
		legacy = 0;
	else if (memcmp(sb.sig_alg, MINISIG_SIGALG, sizeof sb.sig_alg) == 0)
		legacy = 1;
	else {
		minisig_set_err(errstr, "unknown signature algorithm");
		return MINISIG_E_MALFORMED;
	}

	plen = sizeof MINISIG_TRUSTED_PREFIX - 1;
	if (linelen[2] < plen ||
	    memcmp(line[2], MINISIG_TRUSTED_PREFIX, plen) != 0) {
		minisig_set_err(errstr, "signature line 3 does not start "
		    "with \"trusted comment: \"");
		return MINISIG_E_MALFORMED;
	}
	if (linelen[2] - plen > MINISIG_TRUSTED_MAX) {
		minisig_set_err(errstr, "trusted comment is too long");
		return MINISIG_E_MALFORMED;
	}
	if (memchr(line[2] + plen, '\0', linelen[2] - plen) != NULL) {
		minisig_set_err(errstr, "trusted comment holds a NUL byte");
		return MINISIG_E_MALFORMED;
	}

	if (minisig_b64_decode(line[3], linelen[3], out->global_sig,
	    sizeof out->global_sig) == -1) {
		memset(out, 0, sizeof *out);
		minisig_set_err(errstr, "signature line 4 is not base64 of "
		    "64 bytes");
		return MINISIG_E_MALFORMED;
	}
	if (legacy) {
		memset(out, 0, sizeof *out);
		minisig_set_err(errstr, "legacy (not prehashed) signatures "
		    "are not accepted");
		return MINISIG_E_LEGACY;
	}

	memcpy(out->keynum, sb.keynum, sizeof out->keynum);
	memcpy(out->sig, sb.sig, sizeof out->sig);
	memcpy(out->trusted, line[2] + plen, linelen[2] - plen);
	out->trusted[linelen[2] - plen] = '\0';
	return MINISIG_OK;
}

/*
 * Check a parsed signature against pk and msg, in minisign's order: key id,
 * signature over BLAKE2b-512(msg), global signature over sig || trusted.
 */
enum minisig_status
minisig_verify(const struct minisig *sig, const struct minisig_pubkey *pk,
    const void *msg, size_t len)
{
	uint8_t	hash[crypto_generichash_BYTES_MAX];
	uint8_t	sigt[crypto_sign_BYTES + MINISIG_TRUSTED_MAX];
	size_t	tlen;

	tlen = strnlen(sig->trusted, sizeof sig->trusted);
	if (tlen > MINISIG_TRUSTED_MAX)
		return MINISIG_E_MALFORMED;
	if (memcmp(sig->keynum, pk->keynum, sizeof sig->keynum) != 0)
		return MINISIG_E_KEY_MISMATCH;
	crypto_generichash(hash, sizeof hash, msg, len, NULL, 0);
	if (crypto_sign_verify_detached(sig->sig, hash, sizeof hash,
	    pk->pk) != 0)
		return MINISIG_E_SIGNATURE;
	memcpy(sigt, sig->sig, sizeof sig->sig);
	memcpy(sigt + sizeof sig->sig, sig->trusted, tlen);
	if (crypto_sign_verify_detached(sig->global_sig, sigt,
	    sizeof sig->sig + tlen, pk->pk) != 0)
		return MINISIG_E_GLOBAL;
	return MINISIG_OK;
}

/* A stable snake_case code for st, for logs and API errors. */
const char *
minisig_status_string(enum minisig_status st)
{
	size_t	i = (size_t)st;

	if (i >= sizeof minisig_status_names / sizeof minisig_status_names[0] ||
	    minisig_status_names[i] == NULL)
		return "unknown";
	return minisig_status_names[i];
}
