/*
 * faultsys.c: pthread_create, pipe2, sync_file_range, fsync and
 * fdatasync of read-write descriptors, and pwrite64, that fail on demand,
 * and are counted.
 *
 * glossd starts threads (the syncer, the checkpointer, the verifiers) and
 * pipes to wake its loop from them, and each module must go on without
 * what the system refuses it: SQLite syncing and checkpointing by itself,
 * signatures checked on the loop.  No healthy system refuses on cue, so a
 * test binary that links this file has these functions in place of
 * libc's.  Each passes its call on to the next definition (ASan's, then
 * libc's, with GCC's shared ASan runtime; a runtime linked statically,
 * as clang's is by default, would be skipped and lose track of the
 * threads) until faultsys_fail says to refuse, then answers as a system
 * out of threads (EAGAIN) or descriptors (EMFILE), or a disk that
 * failed a write (EIO), does.  The syncs fail on read-write descriptors
 * only, which are SQLite's: the syncer's descriptor on the WAL is
 * read-only, so a test can fail a checkpoint's syncs and not the
 * syncer's.  faultsys_calls says how many calls of a kind were made,
 * which is how a test sees that the checkpointer paced its writes
 * (store_pace.c) and that a commit's WAL frames go out in a few writes
 * (store_walbuf.c; SQLite's unix VFS writes with pwrite64).  Only the
 * test's own thread may call faultsys_fail and faultsys_clear; each
 * kind's calls may come from any one thread at a time (the
 * checkpointer's, for sync_file_range).
 */

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "faultsys.h"

#define KINDS	5

/* How many calls of each kind are still passed on (-1: all), and made. */
static _Atomic int	passing[KINDS] = { -1, -1, -1, -1, -1 };
static _Atomic int	calls[KINDS];

/* Pass the next after calls of kind call on, then refuse the rest. */
void
faultsys_fail(int call, int after)
{
	passing[call] = after;
}

void
faultsys_clear(void)
{
	int	i;

	for (i = 0; i < KINDS; i++)
		passing[i] = -1;
}

/* How many calls of kind call were made, refused or not. */
int
faultsys_calls(int call)
{
	return calls[call];
}

/* Whether this call of kind call is refused. */
static int
refused(int call)
{
	calls[call]++;
	if (passing[call] == -1)
		return 0;
	if (passing[call] == 0)
		return 1;
	passing[call]--;
	return 0;
}

int
pthread_create(pthread_t *thread, const pthread_attr_t *attr,
    void *(*fn)(void *), void *arg)
{
	int	(*next)(pthread_t *, const pthread_attr_t *,
		    void *(*)(void *), void *);

	if (refused(FAULTSYS_THREAD))
		return EAGAIN;
	*(void **)&next = dlsym(RTLD_NEXT, "pthread_create");
	return next(thread, attr, fn, arg);
}

int
pipe2(int fds[2], int flags)
{
	int	(*next)(int [2], int);

	if (refused(FAULTSYS_PIPE)) {
		errno = EMFILE;
		return -1;
	}
	*(void **)&next = dlsym(RTLD_NEXT, "pipe2");
	return next(fds, flags);
}

int
sync_file_range(int fd, off_t off, off_t n, unsigned int flags)
{
	int	(*next)(int, off_t, off_t, unsigned int);

	if (refused(FAULTSYS_WRITEBACK)) {
		errno = EIO;
		return -1;
	}
	*(void **)&next = dlsym(RTLD_NEXT, "sync_file_range");
	return next(fd, off, n, flags);
}

/* fsync or fdatasync (name), refused on a read-write descriptor. */
static int
sync_or_refuse(const char *name, int fd)
{
	int	(*next)(int);

	if ((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR &&
	    refused(FAULTSYS_FSYNC)) {
		errno = EIO;
		return -1;
	}
	*(void **)&next = dlsym(RTLD_NEXT, name);
	return next(fd);
}

int
fsync(int fd)
{
	return sync_or_refuse("fsync", fd);
}

int
fdatasync(int fd)
{
	return sync_or_refuse("fdatasync", fd);
}

ssize_t
pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	ssize_t	(*next)(int, const void *, size_t, off_t);

	if (refused(FAULTSYS_PWRITE)) {
		errno = EIO;
		return -1;
	}
	*(void **)&next = dlsym(RTLD_NEXT, "pwrite64");
	return next(fd, buf, n, off);
}
