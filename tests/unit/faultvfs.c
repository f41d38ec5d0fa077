/*
 * faultvfs.c: the default SQLite VFS, with fsyncs or reads that fail on
 * demand.
 *
 * A COMMIT that cannot reach the disk is what glossd must survive without
 * losing or half-keeping anything, and no healthy disk fails on cue.  So,
 * as SQLite's own tests do, this VFS passes every call to the real one
 * (daemon/sqlvfs.c) and answers SQLITE_IOERR_FSYNC to xSync, or
 * SQLITE_IOERR_READ to xRead, while faultvfs_fail() says so.  It is the
 * real SQLite on a real file; only those answers are decided here.
 */

#include <stddef.h>

#include "sqlvfs.h"
#include "faultvfs.h"

static struct sqlvfs	 faultvfs;
static int		 failing;	/* FAULTVFS_SYNC | FAULTVFS_READ */

static int
ff_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	sqlite3_file	*real = sqlvfs_real(f);

	if (failing & FAULTVFS_READ)
		return SQLITE_IOERR_READ;
	return real->pMethods->xRead(real, buf, n, off);
}

static int
ff_sync(sqlite3_file *f, int flags)
{
	sqlite3_file	*real = sqlvfs_real(f);

	if (failing & FAULTVFS_SYNC)
		return SQLITE_IOERR_FSYNC;
	return real->pMethods->xSync(real, flags);
}

/* Make the fault VFS the default: every connection opened after uses it. */
void
faultvfs_install(void)
{
	if (sqlvfs_init(&faultvfs, "faultvfs",
	    sizeof(struct sqlvfs_file)) == -1)
		return;
	faultvfs.methods.xRead = ff_read;
	faultvfs.methods.xSync = ff_sync;
	/* Version 2: no xFetch/xUnfetch, so SQLite reads without mmap. */
	faultvfs.methods.iVersion = 2;
	failing = 0;
	sqlite3_vfs_register(&faultvfs.vfs, 1);
}

/* The real VFS is the default again. */
void
faultvfs_remove(void)
{
	sqlite3_vfs_unregister(&faultvfs.vfs);
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
