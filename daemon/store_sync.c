/*
 * store_sync.c: commits made durable on a thread, so the loop never waits
 * for the disk.
 *
 * With synchronous=FULL every COMMIT ended in an fdatasync of the WAL on
 * the loop's thread, which served nothing meanwhile: at 1M annotations
 * the loop spent about 40 % of a POST load there (bench/README.md).  With
 * the syncer on, the loop's connection runs at synchronous=NORMAL, which
 * in WAL mode writes a commit's frames without syncing them (it still
 * syncs the WAL before each checkpoint and the database after it), and
 * this thread syncs the WAL after commits instead: one fdatasync covers
 * every commit made before it started, so a thread that is always one
 * sync behind the loop keeps up with any rate of commits.
 *
 * Each commit moves the store's generation on; store_durable says up to
 * which generation the disk has everything.  The loop holds every answer
 * that could show a later one until then (http.c), so a 201 still means
 * on disk and nobody reads a statement before it is.
 *
 * A failed fdatasync is final (docs/design.md §5): the kernel may have
 * dropped the pages it could not write, and a later sync would succeed
 * without them.  So the thread stops, the store commits nothing more
 * (STORE_DISK) and copies nothing more of the WAL into the database (no
 * checkpoint, not even on close), and the daemon must stop: started
 * again, SQLite recovers what reached the disk.
 */

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_int.h"

struct store_sync {
	struct store	*store;		/* its sync_error */
	pthread_t	 thread;
	pthread_mutex_t	 lock;
	pthread_cond_t	 wake;		/* a commit to sync, or stop */
	pthread_cond_t	 synced;	/* durable moved on, or failed */
	int		 fd;		/* the WAL: our own descriptor */
	int		 pipe[2];	/* a byte each time durable moves */
	uint64_t	 asked;		/* the newest generation committed */
	uint64_t	 durable;	/* on disk up to this generation */
	int		 stop;
};

/* Whether a sync of s's WAL has failed; its errno in *error if so. */
int
store_sync_failed(struct store *s, int *error)
{
	int	e = atomic_load(&s->sync_error);

	if (error != NULL)
		*error = e;
	return e != 0;
}

/*
 * Tell whoever waits on store_durable's answer that it changed: the
 * threads in store_durable, and the loop through the pipe.  sy->lock is
 * held.
 */
static void
store_sync_tell(struct store_sync *sy)
{
	char	c = 0;

	pthread_cond_broadcast(&sy->synced);
	if (write(sy->pipe[1], &c, 1) == -1 && errno != EAGAIN)
		log_warn("store: syncer: write");
}

/*
 * The disk failed a sync of the WAL, or lost a write that a sync of the
 * database would not report again (what failed, with errno error):
 * final.  The store commits and copies nothing more, and the loop is
 * told, to answer what waits and stop (http.c); the first failure is
 * the one kept.  Any thread but one holding the syncer's lock: the
 * syncer, if any, is started before the checkpointer and stopped after
 * it (glossd.c, store_close).
 */
void
store_disk_failed(struct store *s, int error, const char *what)
{
	struct store_sync	*sy = s->sync;
	int			 none = 0;

	log_warnx("store: %s: %s", what, strerror(error));
	if (!atomic_compare_exchange_strong(&s->sync_error, &none, error) ||
	    sy == NULL)
		return;
	pthread_mutex_lock(&sy->lock);
	store_sync_tell(sy);
	pthread_mutex_unlock(&sy->lock);
}

static void *
store_sync_main(void *arg)
{
	struct store_sync	*sy = arg;
	uint64_t		 target;

	pthread_mutex_lock(&sy->lock);
	for (;;) {
		while (sy->asked == sy->durable && !sy->stop)
			pthread_cond_wait(&sy->wake, &sy->lock);
		if (sy->asked == sy->durable)
			break;		/* stopping, everything synced */
		target = sy->asked;
		pthread_mutex_unlock(&sy->lock);
		if (fdatasync(sy->fd) == -1) {
			store_disk_failed(sy->store, errno, "syncer: fdatasync");
			return NULL;
		}
		pthread_mutex_lock(&sy->lock);
		sy->durable = target;
		store_sync_tell(sy);
	}
	pthread_mutex_unlock(&sy->lock);
	return NULL;
}

/* Sync the directory holding path, so that the WAL's name is on disk. */
static int
store_sync_dir(const char *path)
{
	char	*copy = xstrdup(path);
	int	 fd, rc = -1;

	if ((fd = open(dirname(copy), O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) != -1) {
		rc = fsync(fd);
		close(fd);
	}
	free(copy);
	return rc;
}

/* Set the loop's connection's synchronous PRAGMA; -1 (logged) if not. */
static int
store_sync_mode(struct store *s, const char *pragma)
{
	if (sqlite3_exec(s->db, pragma, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	log_warnx("store: syncer: %s: %s", pragma, sqlite3_errmsg(s->db));
	return -1;
}

static void
store_sync_free(struct store_sync *sy)
{
	if (sy->fd != -1)
		close(sy->fd);
	if (sy->pipe[0] != -1)
		close(sy->pipe[0]);
	if (sy->pipe[1] != -1)
		close(sy->pipe[1]);
	pthread_cond_destroy(&sy->wake);
	pthread_cond_destroy(&sy->synced);
	pthread_mutex_destroy(&sy->lock);
	free(sy);
}

/*
 * Make s's commits durable on a thread from now on (see above).  Returns
 * 0, or -1 (logged, unless s is in memory, where there is nothing to
 * sync) leaving every COMMIT synced by SQLite, as before.
 */
int
store_syncer(struct store *s)
{
	struct store_sync	*sy;
	const char		*path = sqlite3_db_filename(s->db, "main");
	char			 wal[4096];

	if (path == NULL || *path == '\0')
		return -1;
	sy = xcalloc(1, sizeof *sy);
	sy->store = s;
	sy->fd = sy->pipe[0] = sy->pipe[1] = -1;
	sy->asked = sy->durable = s->generation;
	pthread_mutex_init(&sy->lock, NULL);
	pthread_cond_init(&sy->wake, NULL);
	pthread_cond_init(&sy->synced, NULL);
	if ((size_t)snprintf(wal, sizeof wal, "%s-wal", path) >= sizeof wal) {
		log_warnx("store: syncer: %s-wal: name too long", path);
		store_sync_free(sy);
		return -1;
	}
	/* SQLite keeps the WAL while a connection is open: ours is. */
	if ((sy->fd = open(wal, O_RDONLY | O_CLOEXEC)) == -1 ||
	    store_sync_dir(wal) == -1) {
		log_warn("store: syncer: %s", wal);
		store_sync_free(sy);
		return -1;
	}
	if (pipe2(sy->pipe, O_NONBLOCK | O_CLOEXEC) == -1) {
		log_warn("store: syncer: pipe");
		store_sync_free(sy);
		return -1;
	}
	if (pthread_create(&sy->thread, NULL, store_sync_main, sy) != 0) {
		log_warnx("store: syncer: cannot start its thread");
		store_sync_free(sy);
		return -1;
	}
	s->sync = sy;
	if (store_sync_mode(s, "PRAGMA synchronous = NORMAL") == -1) {
		store_syncer_stop(s);
		return -1;
	}
	return 0;
}

/* After a commit on the loop's connection: sync up to generation. */
void
store_sync_ask(struct store_sync *sy, uint64_t generation)
{
	pthread_mutex_lock(&sy->lock);
	sy->asked = generation;
	pthread_cond_signal(&sy->wake);
	pthread_mutex_unlock(&sy->lock);
}

/*
 * The descriptor that turns readable when store_durable's answer may have
 * changed (read it empty first), or -1 without a syncer.
 */
int
store_sync_fd(struct store *s)
{
	return s->sync != NULL ? s->sync->pipe[0] : -1;
}

/*
 * Up to which generation (store_generation) every commit is on disk, in
 * *generation, waiting for the thread first if wait is set.  -1 with
 * errno set once a sync has failed: from then on nothing more is, and
 * *generation is where the disk stopped (0 if the syncer is gone).
 */
int
store_durable(struct store *s, int wait, uint64_t *generation)
{
	struct store_sync	*sy = s->sync;
	int			 error;

	if (sy == NULL)		/* SQLite synced it, unless stopped after */
		*generation = store_sync_failed(s, NULL) ? 0 : s->generation;
	else {
		pthread_mutex_lock(&sy->lock);
		while (wait && sy->durable != sy->asked &&
		    !store_sync_failed(s, NULL))
			pthread_cond_wait(&sy->synced, &sy->lock);
		*generation = sy->durable;
		pthread_mutex_unlock(&sy->lock);
	}
	if (store_sync_failed(s, &error)) {
		errno = error;
		return -1;
	}
	return 0;
}

/*
 * Stop the thread, if any, once it has synced every commit (or failed),
 * and let SQLite sync each COMMIT again.
 */
void
store_syncer_stop(struct store *s)
{
	struct store_sync	*sy = s->sync;

	if (sy == NULL)
		return;
	pthread_mutex_lock(&sy->lock);
	sy->stop = 1;
	pthread_cond_signal(&sy->wake);
	pthread_mutex_unlock(&sy->lock);
	pthread_join(sy->thread, NULL);
	s->sync = NULL;
	(void)store_sync_mode(s, "PRAGMA synchronous = FULL");
	store_sync_free(sy);
}
