/*
 * faultsys.c: pthread_create and pipe2 that fail on demand.
 *
 * glossd starts threads (the syncer, the checkpointer, the verifiers) and
 * pipes to wake its loop from them, and each module must go on without
 * what the system refuses it: SQLite syncing and checkpointing by itself,
 * signatures checked on the loop.  No healthy system refuses on cue, so a
 * test binary that links this file has these two functions in place of
 * libc's.  Each passes its call on to the next definition (ASan's, then
 * libc's, with GCC's shared ASan runtime; a runtime linked statically,
 * as clang's is by default, would be skipped and lose track of the
 * threads) until faultsys_fail says to refuse, then answers as a system
 * out of threads (EAGAIN) or descriptors (EMFILE) does.  Only the test's
 * own thread may call faultsys_fail and faultsys_clear.
 */

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <unistd.h>

#include "faultsys.h"

static int	passing[2] = { -1, -1 };	/* calls still passed on; -1: all */

/* Pass the next after calls of kind call on, then refuse the rest. */
void
faultsys_fail(int call, int after)
{
	passing[call] = after;
}

void
faultsys_clear(void)
{
	passing[FAULTSYS_THREAD] = passing[FAULTSYS_PIPE] = -1;
}

/* Whether this call of kind call is refused. */
static int
refused(int call)
{
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
