/*
 * failsync.c: a disk that stops syncing, or syncs only when told, for
 * glossd's end-to-end tests.
 *
 * Loaded into glossd with LD_PRELOAD, it makes fsync and fdatasync fail
 * with EIO while the file GLOSS_FAILSYNC names exists, and passes them to
 * libc otherwise.  SQLite then sees what a failing disk gives it: a
 * COMMIT whose WAL cannot be made durable.  While the FIFO GLOSS_SYNCGATE
 * names exists, each sync first reads a byte from it, so a test holds a
 * sync until it writes one, and knows (its open returns) that a sync is
 * waiting.  Everything else, SQLite included, is the real thing.
 */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

typedef int	(*sync_fn)(int);

int	fsync(int);
int	fdatasync(int);

/* Whether the flag file exists; errno is left as it was. */
static int
failing(void)
{
	const char	*flag = getenv("GLOSS_FAILSYNC");
	int		 saved = errno, rc;

	rc = flag != NULL && access(flag, F_OK) == 0;
	errno = saved;
	return rc;
}

/* Wait for the test's byte, while the gate exists. */
static void
gate(void)
{
	const char	*fifo = getenv("GLOSS_SYNCGATE");
	int		 saved = errno, fd;
	char		 c;

	if (fifo != NULL && (fd = open(fifo, O_RDONLY)) != -1) {
		while (read(fd, &c, 1) == -1 && errno == EINTR)
			;
		close(fd);
	}
	errno = saved;
}

/* libc's function of that name, or EIO while failing. */
static int
sync_or_fail(const char *name, int fd)
{
	sync_fn	real;

	gate();
	if (failing()) {
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
	return sync_or_fail("fdatasync", fd);
}
