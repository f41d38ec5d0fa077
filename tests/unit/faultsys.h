/*
 * faultsys.h: pthread_create, pipe2, sync_file_range, the syncs of
 * read-write descriptors and pwrite64, failing on demand, for the paths
 * a system out of threads or descriptors, or a failing disk, takes; and
 * how often each was called.
 */

#ifndef FAULTSYS_H
#define FAULTSYS_H

#define FAULTSYS_THREAD	0		/* pthread_create: EAGAIN */
#define FAULTSYS_PIPE	1		/* pipe2: EMFILE */
#define FAULTSYS_WRITEBACK 2		/* sync_file_range: EIO */
#define FAULTSYS_FSYNC	3		/* fsync, fdatasync, read-write: EIO */
#define FAULTSYS_PWRITE	4		/* pwrite64: EIO */

void	faultsys_fail(int, int);
void	faultsys_clear(void);
int	faultsys_calls(int);

#endif
