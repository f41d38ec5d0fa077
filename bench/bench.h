/*
 * bench.h: what the benchmark's C helpers share.
 *
 * The load loop and the log verifier both speak just enough HTTP/1.1 to
 * drive glossd over one keep-alive connection to 127.0.0.1, and both time
 * and summarise the same way, so that code lives once, in httpc.c.
 * Prototypes are grouped by the file that defines them, as in gloss.h.
 */

#ifndef BENCH_H
#define BENCH_H

#include <stddef.h>
#include <stdint.h>

#include "gloss.h"

/* httpc.c */
struct httpc {
	int		 fd;		/* -1 when not connected */
	int		 port;
	struct buf	 in;		/* bytes read, answer first */
	int		 status;	/* of the last answer */
	const char	*body;		/* of the last answer, in in */
	size_t		 body_len;
	size_t		 used;		/* bytes the last answer took */
};
void	 httpc_init(struct httpc *, int);
void	 httpc_close(struct httpc *);
int	 httpc_request(struct httpc *, const char *, const char *,
	     const char *, size_t);
double	 bench_now(void);
int	 bench_cmp_u32(const void *, const void *);
uint32_t bench_percentile(uint32_t *, size_t, double);

#endif /* BENCH_H */
