/*
 * store_walbuf.c: a commit's WAL frames written to the file at once.
 *
 * SQLite writes each frame of a commit to the WAL with two calls, the
 * frame's 24-byte header and then its page, so a group of POSTs cost the
 * loop a few hundred pwrite(2)s, 13.5 % of its time at 10k annotations
 * (bench/README.md).  The loop's connection opens the database through
 * this VFS (sqlvfs.c), whose WAL file gathers a run of writes that follow
 * one another in memory and writes it, in calls of WALBUF_CHUNK, when the
 * run ends:
 * at the page of a commit frame (a frame header whose "database size
 * after commit" is not 0), before any other call that could look at
 * the file (a read, a sync, its size, a truncation, closing it), and
 * before a write elsewhere in the file.  Nobody else reads a frame
 * before the commit that holds it is in the WAL's index, which SQLite
 * writes after the commit frame, so every reader, the checkpointing
 * thread and the syncer's fdatasync (store_sync.c) included, finds the
 * frames in the file.  A frame written and then lost in a crash before
 * its commit frame was never committed, as before.  Each store has a VFS
 * of its own, over the default VFS of the moment it opens (a test's
 * faultvfs.c, say), as its connection would have used.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "sqlvfs.h"

#define WALBUF_MAX		(2 * 1024 * 1024)	/* then written */
/* SQLite's unix VFS writes at most 128 KiB - 1 bytes a call. */
#define WALBUF_CHUNK		(96 * 1024)
#define WAL_HEADER_LEN		32
#define WAL_FRAME_HEADER_LEN	24

struct walbuf_file {
	struct sqlvfs_file	 file;
	char			*buf;
	size_t			 len;
	sqlite3_int64		 off;		/* where buf[0] goes */
	int			 commit;	/* the next write ends a commit */
};

/* Write what is gathered, if anything. */
static int
walbuf_flush(struct walbuf_file *w)
{
	sqlite3_file	*real = sqlvfs_real((sqlite3_file *)w);
	size_t		 done, n;
	int		 rc = SQLITE_OK;

	for (done = 0; done < w->len && rc == SQLITE_OK; done += n) {
		n = w->len - done < WALBUF_CHUNK ? w->len - done :
		    WALBUF_CHUNK;
		rc = real->pMethods->xWrite(real, w->buf + done, (int)n,
		    w->off + (sqlite3_int64)done);
	}
	w->len = 0;
	return rc;
}

/* Whether buf, n bytes at off, is the header of a commit frame. */
static int
walbuf_commit_header(const unsigned char *buf, int n, sqlite3_int64 off)
{
	return n == WAL_FRAME_HEADER_LEN && off >= WAL_HEADER_LEN &&
	    (buf[4] | buf[5] | buf[6] | buf[7]) != 0;
}

static int
walbuf_write(sqlite3_file *f, const void *data, int n, sqlite3_int64 off)
{
	struct walbuf_file	*w = (struct walbuf_file *)f;
	sqlite3_file		*real = sqlvfs_real(f);
	int			 rc;

	if (w->len > 0 && (off != w->off + (sqlite3_int64)w->len ||
	    w->len + (size_t)n > WALBUF_MAX) &&
	    (rc = walbuf_flush(w)) != SQLITE_OK)
		return rc;
	if ((size_t)n > WALBUF_CHUNK)
		return real->pMethods->xWrite(real, data, n, off);
	if (w->buf == NULL && (w->buf = malloc(WALBUF_MAX)) == NULL)
		return real->pMethods->xWrite(real, data, n, off);
	if (w->len == 0)
		w->off = off;
	memcpy(w->buf + w->len, data, (size_t)n);
	w->len += (size_t)n;
	if (w->commit) {
		w->commit = 0;
		return walbuf_flush(w);
	}
	w->commit = walbuf_commit_header(data, n, off);
	return SQLITE_OK;
}

static int
walbuf_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	sqlite3_file	*real = sqlvfs_real(f);
	int		 rc;

	if ((rc = walbuf_flush((struct walbuf_file *)f)) != SQLITE_OK)
		return rc;
	return real->pMethods->xRead(real, buf, n, off);
}

static int
walbuf_sync(sqlite3_file *f, int flags)
{
	sqlite3_file	*real = sqlvfs_real(f);
	int		 rc;

	if ((rc = walbuf_flush((struct walbuf_file *)f)) != SQLITE_OK)
		return rc;
	return real->pMethods->xSync(real, flags);
}

static int
walbuf_size(sqlite3_file *f, sqlite3_int64 *size)
{
	sqlite3_file	*real = sqlvfs_real(f);
	int		 rc;

	if ((rc = walbuf_flush((struct walbuf_file *)f)) != SQLITE_OK)
		return rc;
	return real->pMethods->xFileSize(real, size);
}

static int
walbuf_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	sqlite3_file	*real = sqlvfs_real(f);
	int		 rc;

	if ((rc = walbuf_flush((struct walbuf_file *)f)) != SQLITE_OK)
		return rc;
	return real->pMethods->xTruncate(real, size);
}

static int
walbuf_close(sqlite3_file *f)
{
	struct walbuf_file	*w = (struct walbuf_file *)f;
	sqlite3_file		*real = sqlvfs_real(f);
	int			 rc, rc2;

	rc = walbuf_flush(w);
	free(w->buf);
	w->buf = NULL;
	rc2 = real->pMethods->xClose(real);
	return rc != SQLITE_OK ? rc : rc2;
}

/* Only the WAL gathers; every other file is SQLite's alone. */
static int
walbuf_open(sqlite3_file *f, const char *name, int flags)
{
	struct walbuf_file	*w = (struct walbuf_file *)f;

	(void)name;
	if (!(flags & SQLITE_OPEN_WAL))
		return -1;
	w->buf = NULL;
	w->len = 0;
	w->off = 0;
	w->commit = 0;
	return 0;
}

struct store_walbuf {
	struct sqlvfs	 vfs;
	char		 name[32];
};

/*
 * A VFS of its own for one store's connection, over the default VFS of
 * the moment (SQLite's, or a test's faultvfs), as the connection would
 * have used; NULL to use SQLite's own.  Free it only once the connection
 * it opened is closed.
 */
struct store_walbuf *
store_walbuf_new(void)
{
	struct store_walbuf	*w = xcalloc(1, sizeof *w);

	snprintf(w->name, sizeof w->name, "gloss-walbuf-%p", (void *)w);
	if (sqlvfs_init(&w->vfs, w->name, sizeof(struct walbuf_file)) == -1)
		goto fail;
	w->vfs.open = walbuf_open;
	w->vfs.methods.xWrite = walbuf_write;
	w->vfs.methods.xRead = walbuf_read;
	w->vfs.methods.xSync = walbuf_sync;
	w->vfs.methods.xFileSize = walbuf_size;
	w->vfs.methods.xTruncate = walbuf_truncate;
	w->vfs.methods.xClose = walbuf_close;
	/* No xFetch: SQLite maps no WAL, and a test's VFS may lack it. */
	w->vfs.methods.iVersion = 2;
	if (sqlite3_vfs_register(&w->vfs.vfs, 0) == SQLITE_OK)
		return w;
fail:
	log_warnx("store: cannot gather the WAL's writes");
	free(w);
	return NULL;
}

/* Its name for sqlite3_open_v2: NULL (SQLite's default) for none. */
const char *
store_walbuf_name(const struct store_walbuf *w)
{
	return w != NULL ? w->name : NULL;
}

void
store_walbuf_free(struct store_walbuf *w)
{
	if (w == NULL)
		return;
	sqlite3_vfs_unregister(&w->vfs.vfs);
	free(w);
}
