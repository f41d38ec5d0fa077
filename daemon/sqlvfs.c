/*
 * sqlvfs.c: an SQLite VFS that passes every call on to SQLite's own, for
 * code that changes one or two of them.
 *
 * store_pace.c has the checkpointer's writes sent to the disk as they go,
 * and the tests' faultvfs.c fails syncs and reads on demand; each needs
 * one or two calls of SQLite's file interface to do something else, and
 * every other call to reach SQLite's VFS unchanged.  That part is here,
 * once: sqlvfs_init fills a VFS and its file methods with calls passed
 * on, the user replaces the methods it needs, and its files are the real
 * SQLite files underneath, on real files.
 */

#include <stddef.h>
#include <string.h>

#include "sqlvfs.h"

#define REAL(f)		(((struct sqlvfs_file *)(f))->real)

/* The real file under f, as SQLite's VFS opened it. */
sqlite3_file *
sqlvfs_real(sqlite3_file *f)
{
	return REAL(f);
}

static int
sqlvfs_close(sqlite3_file *f)
{
	return REAL(f)->pMethods->xClose(REAL(f));
}

static int
sqlvfs_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	return SQLVFS_PASS(f, xRead, buf, n, off);
}

static int
sqlvfs_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	return SQLVFS_PASS(f, xWrite, buf, n, off);
}

static int
sqlvfs_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return SQLVFS_PASS(f, xTruncate, size);
}

static int
sqlvfs_sync(sqlite3_file *f, int flags)
{
	return SQLVFS_PASS(f, xSync, flags);
}

static int
sqlvfs_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return SQLVFS_PASS(f, xFileSize, size);
}

static int
sqlvfs_lock(sqlite3_file *f, int level)
{
	return SQLVFS_PASS(f, xLock, level);
}

static int
sqlvfs_unlock(sqlite3_file *f, int level)
{
	return SQLVFS_PASS(f, xUnlock, level);
}

static int
sqlvfs_reserved(sqlite3_file *f, int *reserved)
{
	return SQLVFS_PASS(f, xCheckReservedLock, reserved);
}

static int
sqlvfs_control(sqlite3_file *f, int op, void *arg)
{
	return SQLVFS_PASS(f, xFileControl, op, arg);
}

static int
sqlvfs_sector(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int
sqlvfs_characteristics(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int
sqlvfs_shm_map(sqlite3_file *f, int region, int size, int extend,
    void volatile **map)
{
	return SQLVFS_PASS(f, xShmMap, region, size, extend, map);
}

static int
sqlvfs_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	return SQLVFS_PASS(f, xShmLock, offset, n, flags);
}

static void
sqlvfs_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int
sqlvfs_shm_unmap(sqlite3_file *f, int delete)
{
	return SQLVFS_PASS(f, xShmUnmap, delete);
}

static int
sqlvfs_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **page)
{
	return SQLVFS_PASS(f, xFetch, off, n, page);
}

static int
sqlvfs_unfetch(sqlite3_file *f, sqlite3_int64 off, void *page)
{
	return SQLVFS_PASS(f, xUnfetch, off, page);
}

/*
 * Open name with SQLite's VFS under our file: through v->methods if
 * v->open (if any) takes the file, else as SQLite's VFS opens it alone.
 * A real file whose methods are older than ours (v->methods.iVersion)
 * cannot be opened (ours would call what it lacks); SQLite's unix VFS
 * has version 3.
 */
static int
sqlvfs_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
    int *outflags)
{
	struct sqlvfs		*v = (struct sqlvfs *)vfs;
	struct sqlvfs_file	*sf = (struct sqlvfs_file *)f;
	int			 rc;

	if (v->open != NULL && v->open(f, name, flags) == -1)
		return v->real->xOpen(v->real, name, f, flags, outflags);
	f->pMethods = NULL;
	sf->real = (sqlite3_file *)((char *)f + v->state);
	rc = v->real->xOpen(v->real, name, sf->real, flags, outflags);
	if (rc == SQLITE_OK &&
	    sf->real->pMethods->iVersion >= v->methods.iVersion) {
		f->pMethods = &v->methods;
		return SQLITE_OK;
	}
	/* A file the real VFS did not open has nothing to close. */
	if (sf->real->pMethods != NULL)
		sf->real->pMethods->xClose(sf->real);
	return rc != SQLITE_OK ? rc : SQLITE_CANTOPEN;
}

/*
 * Fill v as a VFS named name over the default one of the moment, every
 * call passed on, for files whose state (a struct starting with struct
 * sqlvfs_file) is state bytes long.  The caller may then replace
 * methods, set open, and register &v->vfs.  -1 if SQLite has no VFS to
 * pass on to.  The VFS's own calls (xAccess and the rest) are the real
 * one's, given our VFS, which SQLite's unix VFS does not look at.
 */
int
sqlvfs_init(struct sqlvfs *v, const char *name, size_t state)
{
	static const sqlite3_io_methods	 passed = {
		.iVersion = 3,
		.xClose = sqlvfs_close,
		.xRead = sqlvfs_read,
		.xWrite = sqlvfs_write,
		.xTruncate = sqlvfs_truncate,
		.xSync = sqlvfs_sync,
		.xFileSize = sqlvfs_size,
		.xLock = sqlvfs_lock,
		.xUnlock = sqlvfs_unlock,
		.xCheckReservedLock = sqlvfs_reserved,
		.xFileControl = sqlvfs_control,
		.xSectorSize = sqlvfs_sector,
		.xDeviceCharacteristics = sqlvfs_characteristics,
		.xShmMap = sqlvfs_shm_map,
		.xShmLock = sqlvfs_shm_lock,
		.xShmBarrier = sqlvfs_shm_barrier,
		.xShmUnmap = sqlvfs_shm_unmap,
		.xFetch = sqlvfs_fetch,
		.xUnfetch = sqlvfs_unfetch,
	};

	memset(v, 0, sizeof *v);
	if ((v->real = sqlite3_vfs_find(NULL)) == NULL)
		return -1;
	v->vfs = *v->real;
	v->vfs.zName = name;
	v->vfs.pNext = NULL;
	v->vfs.xOpen = sqlvfs_open;
	/* Keep the real file aligned as SQLite's own allocation is. */
	v->state = (state + 7) & ~(size_t)7;
	v->vfs.szOsFile = (int)v->state + v->real->szOsFile;
	v->methods = passed;
	return 0;
}
