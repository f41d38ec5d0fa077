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
 * checkpoints (bench/README.md).  Whether the pages reached the disk is
 * still for SQLite's sync to say: the kernel reports a failed write to
 * every descriptor open on the file, so its sync sees the failure
 * whatever became of ours.
 */

#include <fcntl.h>
#include <unistd.h>

#include "store_int.h"
#include "sqlvfs.h"

#ifdef SYNC_FILE_RANGE_WRITE

#define PACE_BYTES	(256 * 1024)
#define PACE_FLAGS	(SYNC_FILE_RANGE_WAIT_BEFORE | \
			    SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER)

struct pace_file {
	struct sqlvfs_file	 file;
	int			 fd;		/* ours, for sync_file_range */
	sqlite3_int64		 unpaced;	/* bytes written since */
};

static struct sqlvfs	 pace_vfs;

/* The database itself, once our descriptor on it opens; nothing else. */
static int
pace_open(sqlite3_file *f, const char *name, int flags)
{
	struct pace_file	*p = (struct pace_file *)f;

	if (name == NULL || !(flags & SQLITE_OPEN_MAIN_DB) ||
	    (p->fd = open(name, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	p->unpaced = 0;
	return 0;
}

static void
pace_close(sqlite3_file *f)
{
	close(((struct pace_file *)f)->fd);
}

static int
pace_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	struct pace_file	*p = (struct pace_file *)f;
	sqlite3_file		*real = sqlvfs_real(f);
	int			 rc;

	if ((rc = real->pMethods->xWrite(real, buf, n, off)) != SQLITE_OK)
		return rc;
	if ((p->unpaced += n) >= PACE_BYTES) {
		p->unpaced = 0;
		if (sync_file_range(p->fd, 0, 0, PACE_FLAGS) == -1)
			log_warn("store: checkpointer: sync_file_range");
	}
	return SQLITE_OK;
}

/*
 * The name of the VFS to open the checkpointer's connection with
 * (registered at the first call, on the loop's thread), or NULL to use
 * SQLite's own where the system cannot pace writes.
 */
const char *
store_pace_vfs(void)
{
	if (pace_vfs.real == NULL) {
		if (sqlvfs_init(&pace_vfs, "gloss-paced",
		    sizeof(struct pace_file)) == -1)
			return NULL;
		pace_vfs.open = pace_open;
		pace_vfs.close = pace_close;
		pace_vfs.methods.xWrite = pace_write;
		if (sqlite3_vfs_register(&pace_vfs.vfs, 0) != SQLITE_OK) {
			pace_vfs.real = NULL;
			return NULL;
		}
	}
	return pace_vfs.vfs.zName;
}

#else

const char *
store_pace_vfs(void)
{
	return NULL;
}

#endif
