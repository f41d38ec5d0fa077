/*
 * keys.c: where the user's keys live and how their passphrase is asked.
 *
 * Passphrases are read without echo from the terminal (or taken from
 * GLOSS_PASSPHRASE for scripts) into sodium_malloc memory and wiped as soon
 * as the key is decrypted.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "client.h"

#define KEYS_PASS_MAX	1024

/* $XDG_CONFIG_HOME/gloss/NAME, or ~/.config/gloss/NAME; caller frees. */
char *
keys_default_path(const char *name)
{
	const char	*xdg = getenv("XDG_CONFIG_HOME"), *home;
	char		*path;

	if (xdg != NULL && *xdg == '/')
		xasprintf(&path, "%s/gloss/%s", xdg, name);
	else {
		if ((home = getenv("HOME")) == NULL || *home == '\0')
			home = ".";
		xasprintf(&path, "%s/.config/gloss/%s", home, name);
	}
	return path;
}

void
keys_passphrase_free(char *pass)
{
	if (pass != NULL)
		sodium_free(pass);
}

/*
 * Read a passphrase from /dev/tty without echo, or from GLOSS_PASSPHRASE
 * when set.  confirm asks twice.  Returns sodium_malloc'd text for
 * keys_passphrase_free, or NULL (with a message) if none can be had.
 */
char *
keys_passphrase(const char *prompt, int confirm)
{
	struct termios	 old, noecho;
	const char	*env = getenv("GLOSS_PASSPHRASE");
	char		*pass, *again = NULL;
	FILE		*tty, *out;
	size_t		 len;
	int		 ok = 0;

	if ((pass = sodium_malloc(KEYS_PASS_MAX)) == NULL)
		fatalx("out of secure memory");
	if (env != NULL) {
		if (strlen(env) >= KEYS_PASS_MAX) {
			fprintf(stderr, "gloss: GLOSS_PASSPHRASE is longer than "
			    "%d bytes\n", KEYS_PASS_MAX - 1);
			goto fail;
		}
		memcpy(pass, env, strlen(env) + 1);
		return pass;
	}
	/* Two streams: one that is read and written may drop read-ahead. */
	if ((tty = fopen("/dev/tty", "r")) == NULL ||
	    (out = fopen("/dev/tty", "w")) == NULL) {
		fprintf(stderr, "gloss: a passphrase is needed: set "
		    "GLOSS_PASSPHRASE or run on a terminal\n");
		if (tty != NULL)
			fclose(tty);
		goto fail;
	}
	if (tcgetattr(fileno(tty), &old) == 0) {
		noecho = old;
		noecho.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fileno(tty), TCSAFLUSH, &noecho);
	}
	if ((again = sodium_malloc(KEYS_PASS_MAX)) == NULL)
		fatalx("out of secure memory");
	fprintf(out, "%s: ", prompt);
	fflush(out);
	if (fgets(pass, KEYS_PASS_MAX, tty) != NULL) {
		fputc('\n', out);
		ok = 1;
		if (confirm) {
			fprintf(out, "Again: ");
			fflush(out);
			ok = fgets(again, KEYS_PASS_MAX, tty) != NULL;
			fputc('\n', out);
		}
	}
	tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fclose(out);
	fclose(tty);
	if (ok) {
		pass[strcspn(pass, "\r\n")] = '\0';
		if (confirm) {
			again[strcspn(again, "\r\n")] = '\0';
			len = strlen(pass);
			if (len != strlen(again) ||
			    sodium_memcmp(pass, again, len) != 0) {
				fprintf(stderr, "gloss: passphrases differ\n");
				ok = 0;
			}
		}
	}
	sodium_free(again);
	if (ok)
		return pass;
fail:
	sodium_free(pass);
	return NULL;
}

static const char *
keys_pass_cb(void *arg)
{
	char	**pass = arg;

	if (*pass == NULL)
		*pass = keys_passphrase("Passphrase", 0);
	return *pass;
}

/*
 * Load the user's secret key (from -k, GLOSS_KEY, or the default path) and
 * its public half.  NULL after a message if it cannot be had.
 */
struct minisig_seckey *
keys_load_secret(struct client *c, struct minisig_pubkey *pk)
{
	struct minisig_seckey	*sk;
	const char		*path = c->keyfile, *errstr;
	char			*def = NULL, *pass = NULL;

	if (path == NULL)
		path = getenv("GLOSS_KEY");
	if (path == NULL || *path == '\0')
		path = def = keys_default_path("gloss.key");
	errno = 0;
	sk = minisig_seckey_read(path, keys_pass_cb, &pass, &errstr);
	keys_passphrase_free(pass);
	if (sk == NULL)
		fprintf(stderr, "gloss: %s: %s%s\n", path, errstr,
		    errno == ENOENT ? " (create one with gloss keygen)" : "");
	else
		minisig_seckey_pubkey(sk, pk);
	free(def);
	return sk;
}

/*
 * The time for a new statement's "created": now, but always after the
 * last one this machine signed with pk (remembered beside the keys),
 * waiting for the next second if need be.  created is in whole seconds
 * and a statement is its content, so two decisions in one second (ban,
 * unban, ban) would otherwise be the same statement and the last one a
 * mere repeat.
 */
time_t
keys_created(const struct minisig_pubkey *pk)
{
	struct timespec	 pause = { 0, 50 * 1000 * 1000 };
	char		 keyid[17], *name, *path;
	long long	 last = 0;
	time_t		 now;
	FILE		*f;

	minisig_keyid(pk, keyid);
	xasprintf(&name, "state/%s.last", keyid);
	path = keys_default_path(name);
	free(name);
	if ((f = fopen(path, "r")) != NULL) {
		if (fscanf(f, "%lld", &last) != 1)
			last = 0;
		fclose(f);
	}
	while ((now = time(NULL)) <= (time_t)last && last - now < 2)
		nanosleep(&pause, NULL);
	name = xstrdup(path);
	if (file_mkdirs(dirname(name), 0700) == 0 &&
	    (f = fopen(path, "w")) != NULL) {
		fprintf(f, "%lld\n", (long long)now);
		fclose(f);
	}
	free(name);
	free(path);
	return now;
}
