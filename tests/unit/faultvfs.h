/*
 * faultvfs.h: a SQLite VFS whose fsyncs fail on demand, for the paths
 * that only a failing disk takes.
 */

#ifndef FAULTVFS_H
#define FAULTVFS_H

void	faultvfs_install(void);
void	faultvfs_remove(void);
void	faultvfs_fail_syncs(int);

#endif
