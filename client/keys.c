/*
 * keys.c: where the user's keys live and how their passphrase is asked.
 *
 * Passphrases are read without echo from the terminal (or taken from
 * GLOSS_PASSPHRASE for scripts) into sodium_malloc memory and wiped as soon
 * as the key is decrypted.
 */

#include <sys/file.h>
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

#define KEYS_PASS_MAX	1024	/* 1023 bytes and a NUL, as minisign reads */

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
 * One line from the terminal after prompt, without its newline: 0, -1 at
 * EOF, or -2 when it is longer than KEYS_PASS_MAX - 1 bytes (cut short,
 * it would lock the key with what was not typed).
 */
static int
keys_tty_line(FILE *tty, FILE *out, const char *prompt, char *line)
{
	size_t	len;
	int	ch, rc = -1;

	fprintf(out, "%s: ", prompt);
	fflush(out);
	if (fgets(line, KEYS_PASS_MAX, tty) != NULL) {
		len = strcspn(line, "\r\n");
		rc = 0;
		if (line[len] == '\0' && len == KEYS_PASS_MAX - 1 &&
		    (ch = fgetc(tty)) != EOF && ch != '\n' && ch != '\r')
			rc = -2;
		line[len] = '\0';
	}
	fputc('\n', out);	/* the Enter typed was not echoed */
	return rc;
}

/*
 * Ask for a passphrase on the terminal, without echo, into pass; a new
 * one twice, and not empty.  0, or -1 with *errstr.
 */
static int
keys_ask(const char *prompt, int new, char *pass, const char **errstr)
{
	struct termios	 old, noecho;
	FILE		*tty, *out;
	char		*again;
	const char	*too_long = "the passphrase is longer than 1023 bytes";
	size_t		 len;
	int		 echo, line, rc = -1;

	/* Two streams: one that is read and written may drop read-ahead. */
	if ((tty = fopen("/dev/tty", "r")) == NULL ||
	    (out = fopen("/dev/tty", "w")) == NULL) {
		*errstr = new ? "a passphrase is needed: set "
		    "GLOSS_PASSPHRASE, run on a terminal, or use -W for a key "
		    "without one" : "a passphrase is needed: set "
		    "GLOSS_PASSPHRASE or run on a terminal";
		if (tty != NULL)
			fclose(tty);
		return -1;
	}
	if ((again = sodium_malloc(KEYS_PASS_MAX)) == NULL)
		fatalx("out of secure memory");
	echo = tcgetattr(fileno(tty), &old) == 0;
	if (echo) {
		noecho = old;
		noecho.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fileno(tty), TCSAFLUSH, &noecho);
	}
	if ((line = keys_tty_line(tty, out, prompt, pass)) != 0)
		*errstr = line == -2 ? too_long : "no passphrase was given";
	else if (new && *pass == '\0')
		*errstr = "the passphrase is empty: type one, or use -W for "
		    "a key without one";
	else if (new && (line = keys_tty_line(tty, out, "Again", again)) != 0)
		*errstr = line == -2 ? too_long : "no passphrase was given";
	else if (new && ((len = strlen(pass)) != strlen(again) ||
	    sodium_memcmp(pass, again, len) != 0))
		*errstr = "the passphrases differ";
	else
		rc = 0;
	if (echo)
		tcsetattr(fileno(tty), TCSAFLUSH, &old);
	sodium_free(again);
	fclose(out);
	fclose(tty);
	return rc;
}

/*
 * Read a passphrase from /dev/tty without echo, or from GLOSS_PASSPHRASE
 * when set; new is for a new key, whose passphrase is asked twice.  An
 * empty passphrase is refused for a new key (keygen -W makes a key
 * without one), from the terminal or the environment: an empty variable
 * is far more often one that went missing than a choice.  An existing
 * key is tried with it, since keys were made so before
 * (keys_load_secret says what an empty one failed for).  Returns
 * sodium_malloc'd text for keys_passphrase_free, or NULL with *errstr
 * saying why none can be had.
 */
char *
keys_passphrase(const char *prompt, int new, const char **errstr)
{
	const char	*env = getenv("GLOSS_PASSPHRASE");
	char		*pass;

	if ((pass = sodium_malloc(KEYS_PASS_MAX)) == NULL)
		fatalx("out of secure memory");
	if (env != NULL && *env == '\0' && new)
		*errstr = "GLOSS_PASSPHRASE is empty: set it to the new "
		    "key's passphrase, or use -W for a key without one";
	else if (env != NULL && strlen(env) >= KEYS_PASS_MAX)
		*errstr = "GLOSS_PASSPHRASE is longer than 1023 bytes";
	else if (env != NULL) {
		memcpy(pass, env, strlen(env) + 1);
		return pass;
	} else if (keys_ask(prompt, new, pass, errstr) == 0)
		return pass;
	sodium_free(pass);
	return NULL;
}

/* What keys_load_secret asks its passphrase with. */
struct keys_unlock {
	char		*pass;
	const char	*errstr;	/* why there is no passphrase */
};

static const char *
keys_pass_cb(void *arg)
{
	struct keys_unlock	*u = arg;

	if (u->pass == NULL)
		u->pass = keys_passphrase("Passphrase", 0, &u->errstr);
	return u->pass;
}

/*
 * The user's secret key file: -k, GLOSS_KEY, or the default path; caller
 * frees.
 */
char *
keys_secret_path(struct client *c)
{
	const char	*path = c->keyfile;

	if (path == NULL)
		path = getenv("GLOSS_KEY");
	if (path == NULL || *path == '\0')
		return keys_default_path("gloss.key");
	return xstrdup(path);
}

/*
 * Load the user's secret key (keys_secret_path) and its public half.
 * NULL after a message if it cannot be had.
 */
struct minisig_seckey *
keys_load_secret(struct client *c, struct minisig_pubkey *pk)
{
	struct minisig_seckey	*sk;
	struct keys_unlock	 u = { NULL, NULL };
	const char		*errstr;
	char			*path = keys_secret_path(c);
	int			 missing;

	errno = 0;
	sk = minisig_seckey_read(path, keys_pass_cb, &u, &errstr);
	/* The file was there if a passphrase was asked for. */
	missing = errno == ENOENT && u.pass == NULL && u.errstr == NULL;
	if (sk == NULL && u.pass != NULL && *u.pass == '\0' &&
	    getenv("GLOSS_PASSPHRASE") != NULL)
		u.errstr = "GLOSS_PASSPHRASE is empty, and the key's passphrase "
		    "is not: set it, or unset it to be asked on the terminal";
	keys_passphrase_free(u.pass);
	if (sk == NULL)
		fprintf(stderr, "gloss: %s: %s%s\n", path, u.errstr != NULL ?
		    u.errstr : errstr, missing ?
		    " (create one with gloss keygen)" : "");
	else
		minisig_seckey_pubkey(sk, pk);
	free(path);
	return sk;
}

/*
 * Open and lock (flock, exclusive) the state file at path, creating it
 * and its directories: the lock is held until the descriptor is closed,
 * so gloss commands run side by side take their turns.  -1 if it cannot
 * be had (a message was printed).
 */
static int
keys_state_lock(const char *path)
{
	char	*dir = xstrdup(path);
	int	 fd = -1;

	if (file_mkdirs(dirname(dir), 0700, NULL) == 0 &&
	    ((fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600)) == -1 || flock(fd, LOCK_EX) == -1)) {
		fprintf(stderr, "gloss: %s: %s\n", path, strerror(errno));
		if (fd != -1)
			close(fd);
		fd = -1;
	}
	free(dir);
	return fd;
}

/*
 * The time for a new statement's "created": now, but always after the
 * last one this machine signed with pk (remembered beside the keys),
 * waiting for the next second if need be.  created is in whole seconds
 * and a statement is its content, so two decisions in one second (ban,
 * unban, ban) would otherwise be the same statement and the last one a
 * mere repeat.  The state file is locked from its reading to its
 * rewriting, so commands run in parallel get a second each.  It is
 * rewritten in place (a rename would leave a waiting command locking the
 * old file): the new number, never shorter than the old, is written over
 * it before the file is cut to its length, so there is no moment when it
 * is empty.
 */
time_t
keys_created(const struct minisig_pubkey *pk)
{
	struct timespec	 pause = { 0, 50 * 1000 * 1000 };
	char		 keyid[17], *name, *path, text[32];
	long long	 last = 0;
	time_t		 now;
	ssize_t		 n;
	int		 fd, len;

	minisig_keyid(pk, keyid);
	xasprintf(&name, "state/%s.last", keyid);
	path = keys_default_path(name);
	free(name);
	fd = keys_state_lock(path);
	if (fd != -1 && (n = pread(fd, text, sizeof text - 1, 0)) > 0) {
		text[n] = '\0';
		if (sscanf(text, "%lld", &last) != 1)
			last = 0;
	}
	while ((now = time(NULL)) <= (time_t)last && last - now < 2)
		nanosleep(&pause, NULL);
	len = snprintf(text, sizeof text, "%lld\n", (long long)now);
	if (fd != -1 && (pwrite(fd, text, len, 0) != len ||
	    ftruncate(fd, len) == -1 || fsync(fd) == -1))
		fprintf(stderr, "gloss: %s: %s\n", path, strerror(errno));
	if (fd != -1)
		close(fd);
	free(path);
	return now;
}
