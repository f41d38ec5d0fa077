/*
 * checkpoint.c: WAL checkpoints off the request path.
 *
 * SQLite copies the write-ahead log back into the database file in
 * whichever commit crosses its auto-checkpoint threshold, so one POST in
 * some hundreds waited for page writes and an fsync of the database file:
 * that was most of the tail of POST latency (bench/README.md).  glossd
 * turns auto-checkpoints off and runs PASSIVE checkpoints every second
 * from a thread of its own, on a connection of its own.  A PASSIVE
 * checkpoint never waits for the writer nor holds it up; durability is
 * the WAL's (synchronous = FULL), so a 201 still means committed.
 */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "glossd.h"

#define CHECKPOINT_EVERY	1	/* second */

/* Why checkpointer_start failed, until it is called again. */
static char	checkpoint_errbuf[256];

struct checkpointer {
	pthread_t	 thread;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	sqlite3		*db;
	int		 stop;
	int		 kicked;
	uint64_t	 runs;
};

static void *
checkpointer_main(void *arg)
{
	struct checkpointer	*cp = arg;
	struct timespec		 ts;

	pthread_mutex_lock(&cp->mu);
	while (!cp->stop) {
		if (!cp->kicked) {
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += CHECKPOINT_EVERY;
			pthread_cond_timedwait(&cp->cv, &cp->mu, &ts);
		}
		if (cp->stop)
			break;
		cp->kicked = 0;
		pthread_mutex_unlock(&cp->mu);
		/* Busy or locked is fine: the next round catches up. */
		(void)sqlite3_wal_checkpoint_v2(cp->db, NULL,
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_lock(&cp->mu);
		cp->runs++;
		pthread_cond_broadcast(&cp->cv);
	}
	pthread_mutex_unlock(&cp->mu);
	return NULL;
}

/*
 * Checkpoint the WAL of the database at path from now on.  NULL with
 * *errstr saying why if it cannot; glossd then keeps SQLite's own
 * auto-checkpoints (store_autocheckpoint).
 */
struct checkpointer *
checkpointer_start(const char *path, const char **errstr)
{
	struct checkpointer	*cp;

	cp = xcalloc(1, sizeof *cp);
	/* Reading the journal mode tells the connection the file is WAL. */
	if (sqlite3_open_v2(path, &cp->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_exec(cp->db, "PRAGMA journal_mode", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		snprintf(checkpoint_errbuf, sizeof checkpoint_errbuf, "%s: %s",
		    path, cp->db != NULL ? sqlite3_errmsg(cp->db) :
		    "out of memory");
		*errstr = checkpoint_errbuf;
		sqlite3_close(cp->db);
		free(cp);
		return NULL;
	}
	pthread_mutex_init(&cp->mu, NULL);
	pthread_cond_init(&cp->cv, NULL);
	if (pthread_create(&cp->thread, NULL, checkpointer_main, cp) != 0) {
		*errstr = "cannot start a thread";
		pthread_cond_destroy(&cp->cv);
		pthread_mutex_destroy(&cp->mu);
		sqlite3_close(cp->db);
		free(cp);
		return NULL;
	}
	return cp;
}

/* Checkpoint now, and wait until that round is done. */
void
checkpointer_kick(struct checkpointer *cp)
{
	uint64_t	seen;

	pthread_mutex_lock(&cp->mu);
	seen = cp->runs;
	cp->kicked = 1;
	pthread_cond_broadcast(&cp->cv);
	while (cp->runs == seen && !cp->stop)
		pthread_cond_wait(&cp->cv, &cp->mu);
	pthread_mutex_unlock(&cp->mu);
}

/* Stop the thread and close its connection.  NULL is a no-op. */
void
checkpointer_stop(struct checkpointer *cp)
{
	if (cp == NULL)
		return;
	pthread_mutex_lock(&cp->mu);
	cp->stop = 1;
	pthread_cond_broadcast(&cp->cv);
	pthread_mutex_unlock(&cp->mu);
	pthread_join(cp->thread, NULL);
	pthread_cond_destroy(&cp->cv);
	pthread_mutex_destroy(&cp->mu);
	sqlite3_close(cp->db);
	free(cp);
}
