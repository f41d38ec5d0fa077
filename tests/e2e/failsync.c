/*
 * failsync.c: a disk that stops syncing, or syncs only when told, for
 * glossd's end-to-end tests.
 *
 * Loaded into glossd with LD_PRELOAD, it makes fsync and fdatasync fail
 * with EIO while the file GLOSS_FAILSYNC names exists, and passes them to
 * libc otherwise.  SQLite then sees what a failing disk gives it: a
 * COMMIT whose WAL cannot be made durable.  Likewise sync_file_range
 * fails with EIO while the file GLOSS_FAILWRITEBACK names exists: the
 * kernel reporting lost a page the checkpointing thread copied into the
 * database (daemon/store_pace.c).  While the FIFO GLOSS_SYNCGATE
 * names exists, an fdatasync of a read-only descriptor (glossd's syncer's:
 * SQLite's own are read-write) writes a byte to GLOSS_SYNCGATE.waiting
 * and then reads one from the FIFO, so a test knows a sync is waiting and
 * holds it until it writes that byte.  Everything else, SQLite included,
 * is the real thing.
 */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

typedef int	(*sync_fn)(int);
typedef int	(*range_fn)(int, off_t, off_t, unsigned int);

int	fsync(int);
int	fdatasync(int);
int	sync_file_range(int, off_t, off_t, unsigned int);

/* Whether the flag file env names exists; errno is left as it was. */
static int
failing(const char *env)
{
	const char	*flag = getenv(env);
	int		 saved = errno, rc;

	rc = flag != NULL && access(flag, F_OK) == 0;
	errno = saved;
	return rc;
}

/* Wait at the gate, if it exists and fd is the syncer's (above). */
static void
gate(int fd)
{
	const char	*fifo = getenv("GLOSS_SYNCGATE");
	char		 waiting[4096], c;
	int		 saved = errno, g, w;

	if (fifo == NULL || (fcntl(fd, F_GETFL) & O_ACCMODE) != O_RDONLY ||
	    (g = open(fifo, O_RDONLY)) == -1) {
		errno = saved;
		return;
	}
	/* Without the sign the test cannot know: fail loudly, not late. */
	snprintf(waiting, sizeof waiting, "%s.waiting", fifo);
	if ((w = open(waiting, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1 ||
	    write(w, "w", 1) != 1)
		abort();
	close(w);
	while (read(g, &c, 1) == -1 && errno == EINTR)
		;
	close(g);
	errno = saved;
}

/* libc's function of that name, or EIO while failing. */
static int
sync_or_fail(const char *name, int fd)
{
	sync_fn	real;

	if (failing("GLOSS_FAILSYNC")) {
		errno = EIO;
		return -1;
	}
	*(void **)&real = dlsym(RTLD_NEXT, name);
	return real(fd);
}

int
fsync(int fd)
{
	return sync_or_fail("fsync", fd);
}

int
fdatasync(int fd)
{
	gate(fd);
	return sync_or_fail("fdatasync", fd);
}

int
sync_file_range(int fd, off_t off, off_t n, unsigned int flags)
{
	range_fn	real;

	if (failing("GLOSS_FAILWRITEBACK")) {
		errno = EIO;
		return -1;
	}
	*(void **)&real = dlsym(RTLD_NEXT, "sync_file_range");
	return real(fd, off, n, flags);
}
