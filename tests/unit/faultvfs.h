/*
 * faultvfs.h: a SQLite VFS whose fsyncs or reads fail on demand, for the
 * paths that only a failing disk takes.
 */

#ifndef FAULTVFS_H
#define FAULTVFS_H

void	faultvfs_install(void);
void	faultvfs_remove(void);
#define FAULTVFS_SYNC	0x1
#define FAULTVFS_READ	0x2

void	faultvfs_fail(int);

#endif
