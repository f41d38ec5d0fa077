/*
 * store_ckpt.c: WAL checkpoints on a thread of their own.
 *
 * SQLite copies the WAL back into the database (a checkpoint) in
 * whichever commit crosses its threshold, so one POST in a few hundred
 * waited for thousands of page writes and an fsync of the database file:
 * most of the tail of POST latency (bench/README.md).  Here the loop's
 * connection only notes, after each commit, how long the WAL is, and
 * wakes a thread with a connection of its own to copy it (PASSIVE: it
 * never waits for the writer) each time the WAL has grown by a step.
 * A checkpoint writes each page once however many frames hold it, so
 * steps of thousands of frames write far less than a copy after every
 * commit did (docs/design.md §8, 51).  SQLite starts the WAL over at the
 * first write that finds it all copied.  A writer that never pauses
 * always finds the last group uncopied, so the WAL grows to a hard
 * bound; the commit that finds it there copies what is left itself, as
 * SQLite would have, and the next write starts the WAL over.  To keep
 * that copy small, in the last step before the bound the thread is woken
 * at every commit.  Only one connection can checkpoint at a time (SQLite
 * answers the other BUSY), so from the hard bound the thread starts no
 * new checkpoint: the writer copies at the first commit that finds the
 * thread's last one done.  Waiting for the thread there stalled every
 * request behind the writer (POSTs/s down 15 %), so the writer waits
 * only once the WAL is a quarter past the bound, which holds it there
 * however late the thread is scheduled.  The thread's connection opens
 * the database through store_pace.c, so that what it copies reaches the
 * disk in small steps as it goes, not in one burst that syncs of the WAL
 * would wait behind.
 */

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "store_int.h"

struct store_ckpt {
	struct store	*store;		/* whose WAL: store_sync_failed */
	sqlite3		*db;		/* the thread's own connection */
	pthread_t	 thread;
	pthread_mutex_t	 lock;
	pthread_cond_t	 wake;
	pthread_cond_t	 idle;		/* the thread's checkpoint is done */
	struct store_ckpt_steps steps;	/* when to wake it */
	int		 want;
	int		 running;	/* the thread is checkpointing */
	int		 held;		/* the writer's turn: start none */
	int		 stop;
};

/*
 * A checkpoint on db failed.  If the database's sync did, the kernel may
 * have dropped pages a partial checkpoint counted as copied, and the
 * next sync would not say so: that is final (store_disk_failed).  Any
 * other failure (busy, a write refused) leaves the WAL to the next try.
 */
static void
store_ckpt_failed(struct store *s, sqlite3 *db)
{
	if (sqlite3_extended_errcode(db) == SQLITE_IOERR_FSYNC)
		store_disk_failed(s, EIO, "checkpoint: the database's sync");
	else
		log_warnx("store: checkpoint: %s", sqlite3_errmsg(db));
}

static void *
store_ckpt_main(void *arg)
{
	struct store_ckpt	*c = arg;
	int			 nlog, nckpt;

	pthread_mutex_lock(&c->lock);
	for (;;) {
		while ((!c->want || c->held) && !c->stop)
			pthread_cond_wait(&c->wake, &c->lock);
		if (!c->want || c->held)
			break;		/* stopping, nothing asked */
		c->want = 0;
		c->running = 1;
		pthread_mutex_unlock(&c->lock);
		/*
		 * After a failed sync nothing more is copied (store_sync.c).
		 * A failure this check misses fails the checkpoint itself:
		 * SQLite syncs the WAL first, and that sync gets the error too.
		 */
		if (!store_sync_failed(c->store, NULL) &&
		    sqlite3_wal_checkpoint_v2(c->db, NULL,
		    SQLITE_CHECKPOINT_PASSIVE, &nlog, &nckpt) != SQLITE_OK)
			store_ckpt_failed(c->store, c->db);
		pthread_mutex_lock(&c->lock);
		c->running = 0;
		pthread_cond_signal(&c->idle);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

/*
 * Whether a commit that leaves frames in the WAL should have it copied:
 * a step past the last wake, or in the last step before the hard bound.
 */
int
store_ckpt_due(struct store_ckpt_steps *p, int frames)
{
	if (frames < p->last)
		p->next = p->step;	/* the WAL has started over */
	p->last = frames;
	if (frames < p->next && frames < p->hard - p->step)
		return 0;
	p->next = frames + p->step;
	return 1;
}

/* After each commit on the loop's connection: frames are in the WAL. */
static int
store_ckpt_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
	struct store_ckpt	*c = arg;
	const int		 hard = c->steps.hard;

	if (!store_ckpt_due(&c->steps, frames))
		return SQLITE_OK;
	pthread_mutex_lock(&c->lock);
	if (frames >= hard) {
		c->held = 1;
		while (c->running && frames >= hard + hard / 4)
			pthread_cond_wait(&c->idle, &c->lock);
		if (!c->running && !store_sync_failed(c->store, NULL)) {
			/* As SQLite would; the next write starts over. */
			if (sqlite3_wal_checkpoint(db, name) != SQLITE_OK)
				store_ckpt_failed(c->store, db);
			c->held = c->want = 0;
		}
	} else {
		c->held = 0;		/* the WAL has started over */
		c->want = 1;
		pthread_cond_signal(&c->wake);
	}
	pthread_mutex_unlock(&c->lock);
	return SQLITE_OK;
}

/*
 * Checkpoint s's database on a thread from now on, each time the WAL has
 * grown by step frames, the writer itself from hard.  Returns 0, or -1
 * (logged) leaving SQLite's own checkpoints in place.
 */
int
store_checkpointer(struct store *s, int step, int hard)
{
	struct store_ckpt	*c;
	const char		*path = sqlite3_db_filename(s->db, "main");

	if (path == NULL || *path == '\0')
		return -1;		/* in memory: nothing to copy */
	c = xcalloc(1, sizeof *c);
	c->store = s;
	c->steps.step = c->steps.next = step;
	c->steps.hard = hard;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->wake, NULL);
	pthread_cond_init(&c->idle, NULL);
	if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, store_pace_vfs()) != SQLITE_OK ||
	    sqlite3_exec(c->db, "PRAGMA synchronous = FULL", NULL, NULL,
	    NULL) != SQLITE_OK) {
		log_warnx("store: checkpointer: %s", c->db != NULL ?
		    sqlite3_errmsg(c->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(c->db, 1000);
	store_pace(s, c->db);
	if (pthread_create(&c->thread, NULL, store_ckpt_main, c) != 0) {
		log_warnx("store: checkpointer: cannot start its thread");
		goto fail;
	}
	s->ckpt = c;
	sqlite3_wal_hook(s->db, store_ckpt_hook, c);
	return 0;
fail:
	sqlite3_close(c->db);
	pthread_cond_destroy(&c->wake);
	pthread_cond_destroy(&c->idle);
	pthread_mutex_destroy(&c->lock);
	free(c);
	return -1;
}

/*
 * Stop the thread, if any, once it has run the checkpoint last asked of
 * it, and give SQLite its own checkpoints back.
 */
void
store_checkpointer_stop(struct store *s)
{
	struct store_ckpt	*c = s->ckpt;

	if (c == NULL)
		return;
	sqlite3_wal_autocheckpoint(s->db, STORE_WAL_AUTOCHECKPOINT);
	pthread_mutex_lock(&c->lock);
	c->stop = 1;
	pthread_cond_signal(&c->wake);
	pthread_mutex_unlock(&c->lock);
	pthread_join(c->thread, NULL);
	sqlite3_close(c->db);
	pthread_cond_destroy(&c->wake);
	pthread_cond_destroy(&c->idle);
	pthread_mutex_destroy(&c->lock);
	free(c);
	s->ckpt = NULL;
}
