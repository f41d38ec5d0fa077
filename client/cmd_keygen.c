/*
 * cmd_keygen.c: gloss keygen, a minisign -G work-alike.
 *
 * The key pair it writes is a minisign key pair: the secret key encrypted
 * with the passphrase exactly as minisign does (or not at all with -W), so
 * the same keys work with the stock minisign tool.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"

/*
 * Create the parent directory of path (0700: it holds a secret key),
 * adding what it made to made (file_mkdirs).
 */
static int
keygen_parent(const char *path, struct file_made *made)
{
	char	*copy = xstrdup(path);
	int	 rc = file_mkdirs(dirname(copy), 0700, made);

	free(copy);
	return rc;
}

/* The public key's default path: beside the secret key, ".key" -> ".pub". */
static char *
keygen_pubpath(const char *secpath)
{
	size_t	 len = strlen(secpath);
	char	*pub;

	if (len > 4 && strcmp(secpath + len - 4, ".key") == 0)
		xasprintf(&pub, "%.*s.pub", (int)(len - 4), secpath);
	else
		xasprintf(&pub, "%s.pub", secpath);
	return pub;
}

/*
 * path with its directory resolved (symbolic links, ".", ".."), in out;
 * the file itself need not exist, its directory must.
 */
static int
keygen_resolve(const char *path, char out[PATH_MAX])
{
	char	*dcopy, *bcopy, dir[PATH_MAX];
	int	 n;

	if (realpath(path, out) != NULL)
		return 0;
	dcopy = xstrdup(path);		/* dirname and basename may */
	bcopy = xstrdup(path);		/* write into their argument */
	n = realpath(dirname(dcopy), dir) == NULL ? -1 :
	    snprintf(out, PATH_MAX, "%s/%s", dir, basename(bcopy));
	free(dcopy);
	free(bcopy);
	return n < 0 || n >= PATH_MAX ? -1 : 0;
}

/*
 * Whether the two paths name one file: the public key written after the
 * secret one would replace it, and the new secret key would be lost.
 */
static int
keygen_same_file(const char *a, const char *b)
{
	struct stat	 sa, sb;
	char		 ra[PATH_MAX], rb[PATH_MAX];

	/* Hard links: one file under two names no resolving can tell. */
	if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	if (keygen_resolve(a, ra) == -1 || keygen_resolve(b, rb) == -1)
		return strcmp(a, b) == 0;
	return strcmp(ra, rb) == 0;
}

/* Whether the two keys' paths name one file; says so. */
static int
keygen_one_file(const char *secpath, const char *pubpath)
{
	if (!keygen_same_file(secpath, pubpath))
		return 0;
	fprintf(stderr, "gloss: %s cannot hold both keys: name another "
	    "file for the public key\n", pubpath);
	return 1;
}

/* Whether path exists, which keygen overwrites only with -f; says so. */
static int
keygen_exists(const char *path)
{
	if (access(path, F_OK) != 0)
		return 0;
	fprintf(stderr, "gloss: %s exists; use -f to overwrite it\n", path);
	return 1;
}

/*
 * Whether keygen must not write these files: one file for both keys, or
 * (without -f) a file already there.  Says why.
 */
static int
keygen_refused(const char *secpath, const char *pubpath, int force)
{
	return keygen_one_file(secpath, pubpath) ||
	    (!force && (keygen_exists(secpath) || keygen_exists(pubpath)));
}

int
cmd_keygen(struct client *c, int argc, char **argv)
{
	struct minisig_seckey	*sk = NULL;
	struct minisig_pubkey	 pk;
	const char		*pubpath = NULL, *secpath = NULL, *errstr;
	char			*defpub = NULL, *defsec = NULL, *pass = NULL;
	char			*pubtext = NULL, line[GLOSS_PUBKEY_LEN + 1];
	struct file_made	 made = { NULL, 0 };
	int			 ch, force = 0, unencrypted = 0, written = 0;
	int			 rc = EXIT_USAGE;

	while ((ch = cmd_getopt(argc, argv, "fp:s:W", NULL)) != -1) {
		switch (ch) {
		case 'f':
			force = 1;
			break;
		case 'p':
			pubpath = optarg;
			break;
		case 's':
			secpath = optarg;
			break;
		case 'W':
			unencrypted = 1;
			break;
		default:
			return cmd_usage("keygen");
		}
	}
	if (cmd_arity(argc, argv, "", 0) == -1)
		return cmd_usage("keygen");
	if (secpath == NULL || *secpath == '\0')
		secpath = defsec = keys_secret_path(c);
	if (pubpath == NULL)
		pubpath = defpub = keygen_pubpath(secpath);
	if (keygen_refused(secpath, pubpath, force))
		goto out;
	if (!unencrypted && (pass = keys_passphrase("New passphrase", 1,
	    &errstr)) == NULL) {
		fprintf(stderr, "gloss: %s\n", errstr);
		goto out;
	}
	/*
	 * The directories are made only now, so that a refusal leaves none
	 * behind; a path through a directory just made ("new/../a.pub")
	 * resolves only now, so the checks run again.  A failure from here
	 * on removes what was made: half a key pair is no use, and a retry
	 * would be refused for it.
	 */
	if (keygen_parent(secpath, &made) == -1 ||
	    keygen_parent(pubpath, &made) == -1 ||
	    keygen_refused(secpath, pubpath, force))
		goto out;
	if ((sk = minisig_keygen(&pk)) == NULL)
		fatalx("out of secure memory");
	if (minisig_seckey_write(secpath, sk, pass, force, &errstr) == -1) {
		fprintf(stderr, "gloss: %s: %s\n", secpath, errstr);
		goto out;
	}
	written = 1;
	pubtext = minisig_pubkey_file(&pk);
	if (file_write(pubpath, pubtext, strlen(pubtext), 0644) == -1)
		goto out;
	minisig_pubkey_format(&pk, line);
	printf("%s\n", line);
	fprintf(stderr, "secret key: %s%s\npublic key: %s\n", secpath,
	    pass == NULL ? " (not encrypted)" : "", pubpath);
	rc = EXIT_OK;
out:
	if (rc != EXIT_OK) {
		if (written && unlink(secpath) == -1)
			fprintf(stderr, "gloss: %s: %s\n", secpath,
			    strerror(errno));
		file_rmdirs(&made);
	}
	file_made_clear(&made);
	keys_passphrase_free(pass);
	minisig_seckey_free(sk);
	free(pubtext);
	free(defpub);
	free(defsec);
	return rc;
}
