/*
 * store_walbuf.c: a commit's WAL frames written to the file at once.
 *
 * SQLite writes each frame of a commit to the WAL with two calls, the
 * frame's 24-byte header and then its page, so a group of POSTs cost the
 * loop a few hundred pwrite(2)s, 13.5 % of its time at 10k annotations
 * (bench/README.md).  The loop's connection opens the database through
 * this VFS (sqlvfs.c), whose WAL file gathers frames appended to it, a
 * header at the end of the WAL and then the page after it, and writes
 * them in calls of WALBUF_CHUNK once the page of a commit frame (a
 * header whose "database size after commit" is not 0) is gathered.
 * Every other write (the WAL's own header, a header or a page rewritten
 * in place, as SQLite does to a transaction that spilled its cache, a
 * frame split at a sector boundary) goes to the file at once, after what
 * is gathered; so do reads, syncs, the file's size, a truncation and
 * closing it.  The commit frame is always appended, last but for the
 * padding frames that copy it, and SQLite writes a commit into the WAL's
 * index only after it: so no reader (the checkpointing thread's
 * connection, another process) sees a frame committed before its bytes
 * are in the file.  store_walbuf_committed checks after each COMMIT that
 * nothing was left gathered, writing it if so, before the syncer's
 * fdatasync (store_sync.c) is asked for.  Each store has a VFS of its
 * own, over the default VFS of the moment it opens (a test's faultvfs.c,
 * say), as its connection would have used.
 */

#include <errno.h>
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
	sqlite3_int64		 end;		/* past the frames appended */
	int			 header;	/* last gathered: a frame header */
	int			 commit;	/* ... of a commit frame */
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

/* Whether a frame header says its frame ends a commit. */
static int
walbuf_commit_header(const unsigned char *header)
{
	return (header[4] | header[5] | header[6] | header[7]) != 0;
}

/* Gather n bytes at off; the buffer is allocated and has room. */
static void
walbuf_gather(struct walbuf_file *w, const void *data, int n,
    sqlite3_int64 off)
{
	if (w->len == 0)
		w->off = off;
	memcpy(w->buf + w->len, data, (size_t)n);
	w->len += (size_t)n;
	w->end = off + n;
}

static int
walbuf_write(sqlite3_file *f, const void *data, int n, sqlite3_int64 off)
{
	struct walbuf_file	*w = (struct walbuf_file *)f;
	int			 header, rc;

	header = n == WAL_FRAME_HEADER_LEN && off >= WAL_HEADER_LEN;
	/* A header appended, or the page right after a gathered one. */
	if (off == w->end && header != w->header && n <= WALBUF_CHUNK &&
	    (w->buf != NULL || (w->buf = malloc(WALBUF_MAX)) != NULL)) {
		if (w->len + (size_t)n > WALBUF_MAX &&
		    (rc = walbuf_flush(w)) != SQLITE_OK)
			return rc;
		walbuf_gather(w, data, n, off);
		w->header = header;
		if (header) {
			w->commit = walbuf_commit_header(data);
			return SQLITE_OK;
		}
		if (!w->commit)
			return SQLITE_OK;
		w->commit = 0;
		return walbuf_flush(w);
	}
	w->header = w->commit = 0;
	if ((rc = walbuf_flush(w)) != SQLITE_OK ||
	    (rc = SQLVFS_PASS(f, xWrite, data, n, off)) != SQLITE_OK)
		return rc;
	/* The WAL's header: the next frame starts it over, after it. */
	if (off == 0 || off + n > w->end)
		w->end = off + n;
	return SQLITE_OK;
}

static int
walbuf_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	int	rc = walbuf_flush((struct walbuf_file *)f);

	return rc != SQLITE_OK ? rc : SQLVFS_PASS(f, xRead, buf, n, off);
}

static int
walbuf_sync(sqlite3_file *f, int flags)
{
	int	rc = walbuf_flush((struct walbuf_file *)f);

	return rc != SQLITE_OK ? rc : SQLVFS_PASS(f, xSync, flags);
}

static int
walbuf_size(sqlite3_file *f, sqlite3_int64 *size)
{
	int	rc = walbuf_flush((struct walbuf_file *)f);

	return rc != SQLITE_OK ? rc : SQLVFS_PASS(f, xFileSize, size);
}

static int
walbuf_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	int	rc = walbuf_flush((struct walbuf_file *)f);

	return rc != SQLITE_OK ? rc : SQLVFS_PASS(f, xTruncate, size);
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
	w->off = w->end = 0;
	w->header = w->commit = 0;
	return 0;
}

struct store_walbuf {
	struct sqlvfs	 vfs;
	char		 name[32];
};

/*
 * After a COMMIT on s's connection, write what is still gathered: by the
 * rule above, nothing (the commit frame's page wrote it).  Should SQLite
 * write a WAL in a way the rule does not know, the bytes reach the file
 * here, before the syncer is asked for them, and are counted in
 * s->wal_left.  -1 if that write fails: the store has failed for good
 * (store_disk_failed), as after a lost write.
 */
int
store_walbuf_committed(struct store *s)
{
	sqlite3_file		*f = NULL;
	struct walbuf_file	*w;

	if (s->walbuf == NULL || sqlite3_file_control(s->db, "main",
	    SQLITE_FCNTL_JOURNAL_POINTER, &f) != SQLITE_OK || f == NULL ||
	    f->pMethods != &s->walbuf->vfs.methods)
		return 0;
	w = (struct walbuf_file *)f;
	if (w->len == 0)
		return 0;
	log_warnx("store: %zu bytes of the WAL left after a commit", w->len);
	s->wal_left += w->len;
	if (walbuf_flush(w) == SQLITE_OK)
		return 0;
	store_disk_failed(s, EIO, "a write of the WAL");
	return -1;
}

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
