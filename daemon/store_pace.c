/*
 * store_pace.c: the checkpointer's writes to the database sent to the
 * disk a few hundred KiB at a time.
 *
 * A checkpoint that copies only part of the WAL (the checkpointing
 * thread's, while the loop keeps committing) writes its pages into the
 * kernel's page cache and does not sync them: SQLite syncs the database
 * only when a checkpoint has copied all of the WAL.  Those pages then
 * went to the disk all at once, when the kernel's writeback or the next
 * full checkpoint came to them, megabytes of scattered writes, and every
 * sync of the WAL issued meanwhile waited behind them: a third of the
 * POST p99 at half the peak rate (bench/README.md).  Here the thread's
 * connection opens the database through a VFS (sqlvfs.c) whose writes,
 * after each PACE_BYTES, have the kernel write them and wait until it
 * has (sync_file_range(2)), so the checkpointing thread, never the loop,
 * waits for the disk, in steps that a sync of the WAL can pass between.
 * It costs the writes the page cache would have merged across
 * checkpoints (bench/README.md).
 *
 * sync_file_range needs a descriptor, and SQLite's is its own; ours is
 * the store's (store_pace), closed only after the last connection: on
 * Linux, closing any descriptor of a file drops every lock the process
 * holds on it, SQLite's too.  A write the kernel failed is reported to
 * every descriptor open on the file (Linux 4.13 on), once each, so it
 * would still fail SQLite's next sync of the database; but by then a
 * partial checkpoint may have counted the lost pages as copied, and the
 * WAL could start over without them.  So a failure here is final, as a
 * failed sync of the WAL is (store_sync.c): the checkpoint fails, the
 * store commits and copies nothing more, and the daemon stops; started
 * again, SQLite copies the WAL anew.
 */

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "store_int.h"
#include "sqlvfs.h"

#ifdef SYNC_FILE_RANGE_WRITE

#define PACE_BYTES	(256 * 1024)
#define PACE_FLAGS	(SYNC_FILE_RANGE_WAIT_BEFORE | \
			    SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER)
#define PACE_FCNTL	0x67706163	/* "gpac": SQLite's own are small */

struct pace_file {
	struct sqlvfs_file	 file;
	struct store		*store;		/* NULL: not paced */
	sqlite3_int64		 unpaced;	/* bytes written since */
};

static struct sqlvfs	 pace_vfs;

/* The database itself, paced once store_pace says whose it is. */
static int
pace_open(sqlite3_file *f, const char *name, int flags)
{
	struct pace_file	*p = (struct pace_file *)f;

	(void)name;
	if (!(flags & SQLITE_OPEN_MAIN_DB))
		return -1;
	p->store = NULL;
	p->unpaced = 0;
	return 0;
}

static int
pace_control(sqlite3_file *f, int op, void *arg)
{
	if (op != PACE_FCNTL)
		return SQLVFS_PASS(f, xFileControl, op, arg);
	((struct pace_file *)f)->store = arg;
	return SQLITE_OK;
}

static int
pace_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	struct pace_file	*p = (struct pace_file *)f;
	int			 rc;

	if ((rc = SQLVFS_PASS(f, xWrite, buf, n, off)) != SQLITE_OK)
		return rc;
	if (p->store == NULL || (p->unpaced += n) < PACE_BYTES)
		return SQLITE_OK;
	p->unpaced = 0;
	if (sync_file_range(p->store->pace_fd, 0, 0, PACE_FLAGS) == 0)
		return SQLITE_OK;
	if (errno == EIO || errno == ENOSPC || errno == EDQUOT) {
		store_disk_failed(p->store, errno, "sync_file_range");
		return SQLITE_IOERR_WRITE;
	}
	log_warn("store: checkpointer: sync_file_range; writes not paced");
	p->store = NULL;
	return SQLITE_OK;
}

/*
 * The name of the VFS to open the checkpointer's connection with
 * (registered at the first call, on the loop's thread, over the default
 * VFS of that moment), or NULL to use SQLite's own where the system
 * cannot pace writes.
 */
const char *
store_pace_vfs(void)
{
	if (pace_vfs.real == NULL) {
		if (sqlvfs_init(&pace_vfs, "gloss-paced",
		    sizeof(struct pace_file)) == -1)
			return NULL;
		pace_vfs.open = pace_open;
		pace_vfs.methods.xWrite = pace_write;
		pace_vfs.methods.xFileControl = pace_control;
		if (sqlite3_vfs_register(&pace_vfs.vfs, 0) != SQLITE_OK) {
			pace_vfs.real = NULL;
			return NULL;
		}
	}
	return pace_vfs.vfs.zName;
}

/*
 * Pace the writes of db (the checkpointer's connection, opened through
 * store_pace_vfs) to s's database.  Without a descriptor of our own,
 * they go unpaced (logged).
 */
void
store_pace(struct store *s, sqlite3 *db)
{
	const char	*path = sqlite3_db_filename(s->db, "main");

	if (s->pace_fd == -1 &&
	    (s->pace_fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		log_warn("store: checkpointer: %s; writes not paced", path);
		return;
	}
	if (sqlite3_file_control(db, "main", PACE_FCNTL, s) != SQLITE_OK)
		log_warnx("store: checkpointer: writes not paced");
}

#else

const char *
store_pace_vfs(void)
{
	return NULL;
}

void
store_pace(struct store *s, sqlite3 *db)
{
	(void)s;
	(void)db;
}

#endif
