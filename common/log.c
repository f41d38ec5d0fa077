/*
 * log.c: one place that decides where messages go.
 *
 * glossd logs to stderr in the foreground and to syslog as a daemon; the
 * client always writes to stderr prefixed with its name.  log_warn appends
 * strerror(errno) so callers never lose errno on the way.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "gloss.h"

int			 log_verbose = 1;
static int		 log_to_stderr = 1;
static const char	*log_name = "gloss";

/*
 * Set the program name, the verbosity (0 quiet, 1 normal, 2 debug) and
 * whether to write to stderr (otherwise syslog, daemon facility).
 */
void
log_init(const char *name, int verbose, int to_stderr)
{
	log_name = name;
	log_verbose = verbose;
	log_to_stderr = to_stderr;
	if (!to_stderr)
		openlog(name, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

/* Write one message; with_errno appends strerror(errno), which is kept. */
static void GLOSS_PRINTF(3, 0)
log_vwrite(int pri, int with_errno, const char *fmt, va_list ap)
{
	char	msg[2048];
	int	saved = errno;

	vsnprintf(msg, sizeof msg, fmt, ap);
	if (log_to_stderr)
		fprintf(stderr, "%s: %s%s%s\n", log_name, msg,
		    with_errno ? ": " : "", with_errno ? strerror(saved) : "");
	else
		syslog(pri, "%s%s%s", msg, with_errno ? ": " : "",
		    with_errno ? strerror(saved) : "");
	errno = saved;
}

void
log_warn(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_WARNING, 1, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_WARNING, 0, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	if (log_verbose < 1)
		return;
	va_start(ap, fmt);
	log_vwrite(LOG_INFO, 0, fmt, ap);
	va_end(ap);
}

void
log_debug_(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_DEBUG, 0, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_CRIT, 1, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_CRIT, 0, fmt, ap);
	va_end(ap);
	exit(1);
}
