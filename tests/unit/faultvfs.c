/*
 * faultvfs.c: the default SQLite VFS, with fsyncs or reads that fail on
 * demand.
 *
 * A COMMIT that cannot reach the disk is what glossd must survive without
 * losing or half-keeping anything, and no healthy disk fails on cue.  So,
 * as SQLite's own tests do, this VFS passes every call to the real one
 * and answers SQLITE_IOERR_FSYNC to xSync, or SQLITE_IOERR_READ to xRead,
 * while faultvfs_fail() says so.  It is the real SQLite on a real file;
 * only those answers are decided here.
 */

#include <stddef.h>

#include <sqlite3.h>

#include "faultvfs.h"

struct faultfile {
	sqlite3_file	 base;
	sqlite3_file	*real;		/* follows this struct */
};

static sqlite3_vfs	 faultvfs;
static sqlite3_vfs	*realvfs;
static int		 failing;	/* FAULTVFS_SYNC | FAULTVFS_READ */

#define REAL(f)	(((struct faultfile *)(f))->real)

static int
ff_close(sqlite3_file *f)
{
	return REAL(f)->pMethods->xClose(REAL(f));
}

static int
ff_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	if (failing & FAULTVFS_READ)
		return SQLITE_IOERR_READ;
	return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}

static int
ff_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}

static int
ff_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int
ff_sync(sqlite3_file *f, int flags)
{
	if (failing & FAULTVFS_SYNC)
		return SQLITE_IOERR_FSYNC;
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int
ff_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int
ff_lock(sqlite3_file *f, int lock)
{
	return REAL(f)->pMethods->xLock(REAL(f), lock);
}

static int
ff_unlock(sqlite3_file *f, int lock)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), lock);
}

static int
ff_check_reserved(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int
ff_file_control(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int
ff_sector_size(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int
ff_device_characteristics(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int
ff_shm_map(sqlite3_file *f, int region, int size, int extend,
    void volatile **out)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), region, size, extend, out);
}

static int
ff_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}

static void
ff_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int
ff_shm_unmap(sqlite3_file *f, int delete)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), delete);
}

/* Version 2: no xFetch/xUnfetch, so SQLite reads without mmap. */
static const sqlite3_io_methods ff_methods = {
	2, ff_close, ff_read, ff_write, ff_truncate, ff_sync, ff_file_size,
	ff_lock, ff_unlock, ff_check_reserved, ff_file_control,
	ff_sector_size, ff_device_characteristics, ff_shm_map, ff_shm_lock,
	ff_shm_barrier, ff_shm_unmap, NULL, NULL
};

static int
ff_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
    int *out_flags)
{
	struct faultfile	*ff = (struct faultfile *)f;
	int			 rc;

	ff->real = (sqlite3_file *)(ff + 1);
	rc = realvfs->xOpen(realvfs, name, ff->real, flags, out_flags);
	/* A file the real VFS did not open has nothing to close. */
	f->pMethods = ff->real->pMethods != NULL ? &ff_methods : NULL;
	return rc;
}

/* Make the fault VFS the default: every connection opened after uses it. */
void
faultvfs_install(void)
{
	realvfs = sqlite3_vfs_find(NULL);
	faultvfs = *realvfs;
	faultvfs.szOsFile = sizeof(struct faultfile) + realvfs->szOsFile;
	faultvfs.zName = "faultvfs";
	faultvfs.xOpen = ff_open;
	failing = 0;
	sqlite3_vfs_register(&faultvfs, 1);
}

/* The real VFS is the default again. */
void
faultvfs_remove(void)
{
	sqlite3_vfs_unregister(&faultvfs);
}

/*
 * From now on every fsync (FAULTVFS_SYNC), read (FAULTVFS_READ), both or
 * neither (0) of every file fails.
 */
void
faultvfs_fail(int what)
{
	failing = what;
}
