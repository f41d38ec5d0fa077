/*
 * sqlvfs.h: an SQLite VFS that passes every call on to SQLite's own, for
 * code that changes one or two of them (sqlvfs.c).
 */

#ifndef SQLVFS_H
#define SQLVFS_H

#include <stddef.h>

#include <sqlite3.h>

/* The start of each open file's state; SQLite's own file follows it. */
struct sqlvfs_file {
	sqlite3_file		 base;
	sqlite3_file		*real;
};

struct sqlvfs {
	sqlite3_vfs		 vfs;		/* first: what SQLite calls */
	sqlite3_vfs		*real;		/* SQLite's default VFS */
	sqlite3_io_methods	 methods;	/* passed on; replace some */
	size_t			 state;		/* bytes of a file's state */
	/*
	 * Before a file is opened: 0 to have its calls go through methods
	 * (set up the state past struct sqlvfs_file here), -1 to leave it
	 * to the real VFS alone.  NULL: every file goes through methods.
	 */
	int			(*open)(sqlite3_file *, const char *, int);
};

int		 sqlvfs_init(struct sqlvfs *, const char *, size_t);
sqlite3_file	*sqlvfs_real(sqlite3_file *);

/* Pass method m of file f on to the real file: SQLVFS_PASS(f, xSync, 0). */
#define SQLVFS_PASS(f, m, ...)						\
	(sqlvfs_real(f)->pMethods->m(sqlvfs_real(f), __VA_ARGS__))

#endif
