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
 * connection opens the database through a VFS that passes every call on
 * to SQLite's own, and after each PACE_BYTES of writes to the database
 * has the kernel write them and waits until it has
 * (sync_file_range(2)), so the checkpointing thread, never the loop,
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

#ifdef SYNC_FILE_RANGE_WRITE

#define PACE_BYTES	(256 * 1024)
#define PACE_FLAGS	(SYNC_FILE_RANGE_WAIT_BEFORE | \
			    SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER)

/* A database file: SQLite's own follows it in the same allocation. */
struct pace_file {
	sqlite3_file	 base;
	sqlite3_file	*real;
	int		 fd;		/* ours, for sync_file_range */
	sqlite3_int64	 unpaced;	/* bytes written since the last */
};

static sqlite3_vfs	 pace_vfs;
static sqlite3_vfs	*real_vfs;

#define REAL(f)		(((struct pace_file *)(f))->real)
#define PASS(f, m, ...)	(REAL(f)->pMethods->m(REAL(f), __VA_ARGS__))

static int
pace_close(sqlite3_file *f)
{
	struct pace_file	*p = (struct pace_file *)f;
	int			 rc;

	rc = p->real->pMethods->xClose(p->real);
	close(p->fd);
	return rc;
}

static int
pace_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	struct pace_file	*p = (struct pace_file *)f;
	int			 rc;

	if ((rc = PASS(f, xWrite, buf, n, off)) != SQLITE_OK)
		return rc;
	if ((p->unpaced += n) >= PACE_BYTES) {
		p->unpaced = 0;
		if (sync_file_range(p->fd, 0, 0, PACE_FLAGS) == -1)
			log_warn("store: checkpointer: sync_file_range");
	}
	return SQLITE_OK;
}

static int
pace_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	return PASS(f, xRead, buf, n, off);
}

static int
pace_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return PASS(f, xTruncate, size);
}

static int
pace_sync(sqlite3_file *f, int flags)
{
	return PASS(f, xSync, flags);
}

static int
pace_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return PASS(f, xFileSize, size);
}

static int
pace_lock(sqlite3_file *f, int level)
{
	return PASS(f, xLock, level);
}

static int
pace_unlock(sqlite3_file *f, int level)
{
	return PASS(f, xUnlock, level);
}

static int
pace_reserved(sqlite3_file *f, int *reserved)
{
	return PASS(f, xCheckReservedLock, reserved);
}

static int
pace_control(sqlite3_file *f, int op, void *arg)
{
	return PASS(f, xFileControl, op, arg);
}

static int
pace_sector(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int
pace_characteristics(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int
pace_shm_map(sqlite3_file *f, int region, int size, int extend,
    void volatile **map)
{
	return PASS(f, xShmMap, region, size, extend, map);
}

static int
pace_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	return PASS(f, xShmLock, offset, n, flags);
}

static void
pace_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int
pace_shm_unmap(sqlite3_file *f, int delete)
{
	return PASS(f, xShmUnmap, delete);
}

static int
pace_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **page)
{
	return PASS(f, xFetch, off, n, page);
}

static int
pace_unfetch(sqlite3_file *f, sqlite3_int64 off, void *page)
{
	return PASS(f, xUnfetch, off, page);
}

static const sqlite3_io_methods pace_methods = {
	.iVersion = 3,
	.xClose = pace_close,
	.xRead = pace_read,
	.xWrite = pace_write,
	.xTruncate = pace_truncate,
	.xSync = pace_sync,
	.xFileSize = pace_size,
	.xLock = pace_lock,
	.xUnlock = pace_unlock,
	.xCheckReservedLock = pace_reserved,
	.xFileControl = pace_control,
	.xSectorSize = pace_sector,
	.xDeviceCharacteristics = pace_characteristics,
	.xShmMap = pace_shm_map,
	.xShmLock = pace_shm_lock,
	.xShmBarrier = pace_shm_barrier,
	.xShmUnmap = pace_shm_unmap,
	.xFetch = pace_fetch,
	.xUnfetch = pace_unfetch,
};

/*
 * The database itself through pace_methods, once our descriptor opens;
 * anything else, the WAL and its index among them, and a database whose
 * SQLite file lacks methods we pass on (before version 3), as SQLite's
 * VFS opens it.
 */
static int
pace_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
    int *outflags)
{
	struct pace_file	*p = (struct pace_file *)f;
	int			 rc, fd;

	(void)vfs;
	if (name == NULL || !(flags & SQLITE_OPEN_MAIN_DB) ||
	    (fd = open(name, O_RDONLY | O_CLOEXEC)) == -1)
		return real_vfs->xOpen(real_vfs, name, f, flags, outflags);
	f->pMethods = NULL;
	p->real = (sqlite3_file *)(p + 1);
	p->fd = fd;
	p->unpaced = 0;
	rc = real_vfs->xOpen(real_vfs, name, p->real, flags, outflags);
	if (rc == SQLITE_OK && p->real->pMethods->iVersion >= 3) {
		f->pMethods = &pace_methods;
		return SQLITE_OK;
	}
	if (p->real->pMethods != NULL)
		p->real->pMethods->xClose(p->real);
	close(fd);
	return real_vfs->xOpen(real_vfs, name, f, flags, outflags);
}

/*
 * The name of the VFS to open the checkpointer's connection with
 * (registered at the first call, on the loop's thread), or NULL to use
 * SQLite's own where the system cannot pace writes.
 */
const char *
store_pace_vfs(void)
{
	if (real_vfs == NULL) {
		if ((real_vfs = sqlite3_vfs_find(NULL)) == NULL)
			return NULL;
		pace_vfs = *real_vfs;
		pace_vfs.zName = "gloss-paced";
		pace_vfs.szOsFile = sizeof(struct pace_file) +
		    real_vfs->szOsFile;
		pace_vfs.xOpen = pace_open;
		pace_vfs.pNext = NULL;
		if (sqlite3_vfs_register(&pace_vfs, 0) != SQLITE_OK) {
			real_vfs = NULL;
			return NULL;
		}
	}
	return pace_vfs.zName;
}

#else

const char *
store_pace_vfs(void)
{
	return NULL;
}

#endif
