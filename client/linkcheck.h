/*
 * linkcheck.h: the link checker behind gloss links check.
 *
 * A header of its own, as it is an engine with no command in it: the
 * caller fills in the URLs, linkcheck_run asks their servers and fills in
 * what each said.  Nothing here knows about glossd or statements.
 */

#ifndef LINKCHECK_H
#define LINKCHECK_H

#include <stddef.h>
#include <stdint.h>

struct sockaddr;

#define LINKCHECK_REDIRECTS	5	/* followed; one more is too many */
#define LINKCHECK_ERROR_MAX	200	/* bytes of error text, with the NUL */

enum linkcheck_verdict {
	LINKCHECK_OK,		/* 2xx, not moved */
	LINKCHECK_MOVED,	/* 2xx, moved to another key by 301 or 308 */
	LINKCHECK_BROKEN,	/* gone, or no way to reach it */
	LINKCHECK_UNSURE,	/* an answer that proves neither */
	LINKCHECK__MAX
};

struct linkcheck_link {
	const char		*href;		/* set by the caller */

	/* Filled in by linkcheck_run; freed by linkcheck_clear. */
	enum linkcheck_verdict	 verdict;
	int			 status;	/* last HTTP status, 0: none */
	char			*final;		/* the last URL asked */
	char			*moved_to;	/* where it moved, or NULL */
	char			*error;		/* what went wrong, or NULL */
	int64_t			 ms;		/* time taken */
};

struct linkcheck_options {
	int	  concurrency;		/* checks at once */
	int	  timeout;		/* seconds per link, all hops */
	int	  allow_private;	/* may reach loopback, LAN, ... */
	void	(*progress_cb)(size_t, size_t, const char *, void *);
	void	 *arg;
};

int		 linkcheck_run(struct linkcheck_link *, size_t,
		     const struct linkcheck_options *, const char **);
void		 linkcheck_clear(struct linkcheck_link *);
const char	*linkcheck_verdict_name(enum linkcheck_verdict);
int		 linkcheck_private(const struct sockaddr *);	/* linkaddr.c */

#endif /* LINKCHECK_H */
