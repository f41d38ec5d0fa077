/*
 * faultsys.h: pthread_create and pipe2 that fail on demand, for the paths
 * a system out of threads or descriptors takes.
 */

#ifndef FAULTSYS_H
#define FAULTSYS_H

#define FAULTSYS_THREAD	0		/* pthread_create: EAGAIN */
#define FAULTSYS_PIPE	1		/* pipe2: EMFILE */

void	faultsys_fail(int, int);
void	faultsys_clear(void);

#endif
