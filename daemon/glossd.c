/*
 * glossd.c: the daemon's entry point: flags, start-up, signals, shutdown.
 *
 * Everything that can fail for an operator's reason (config, database,
 * address) fails here, before the first request, with one clear line;
 * after that no client input may stop the process, and SIGTERM or SIGINT
 * ends it cleanly with every accepted statement committed.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include <sodium.h>

#include "glossd.h"

static void GLOSS_DEAD
usage(void)
{
	fprintf(stderr, "usage: glossd [-dnv] [-D database] [-f config] "
	    "[-l address] [-P portfile] [-p port]\n");
	exit(2);
}

static void
glossd_signal_cb(evutil_socket_t sig, short events, void *arg)
{
	struct event_base	*base = arg;

	log_info("received signal %d, shutting down", (int)sig);
	event_base_loopexit(base, NULL);
}

/* Write the bound port to path atomically, so readers never see half. */
static void
glossd_write_portfile(const char *path, int port)
{
	char	tmp[PATH_MAX];
	FILE	*f;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp)
		fatalx("port file name too long");
	if ((f = fopen(tmp, "w")) == NULL)
		fatal("%s", tmp);
	fprintf(f, "%d\n", port);
	if (fclose(f) == EOF)
		fatal("%s", tmp);
	if (rename(tmp, path) == -1)
		fatal("rename %s", path);
}

/* A port number from 0 to 65535, or -1. */
static int
glossd_port(const char *s)
{
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || n < 0 || n > 65535)
		return -1;
	return (int)n;
}

int
main(int argc, char **argv)
{
	struct glossd		 gd;
	struct event_base	*base;
	struct event		*sigterm, *sigint;
	struct http_server	*srv;
	const char		*conffile = NULL, *portfile = NULL;
	const char		*listen = NULL, *database = NULL, *errstr;
	char			*cause;
	int			 ch, foreground = 0, check = 0, verbose = 1;
	int			 port = -1, bound;

	while ((ch = getopt(argc, argv, "D:df:l:nP:p:v")) != -1) {
		switch (ch) {
		case 'D':
			database = optarg;
			break;
		case 'd':
			foreground = 1;
			break;
		case 'f':
			conffile = optarg;
			break;
		case 'l':
			listen = optarg;
			break;
		case 'n':
			check = 1;
			break;
		case 'P':
			portfile = optarg;
			break;
		case 'p':
			if ((port = glossd_port(optarg)) == -1) {
				fprintf(stderr, "glossd: port %s is not a "
				    "number from 0 to 65535\n", optarg);
				usage();
			}
			break;
		case 'v':
			verbose++;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	log_init("glossd", verbose, 1);

	memset(&gd, 0, sizeof gd);
	config_defaults(&gd.cfg);
	if (conffile != NULL && config_load(&gd.cfg, conffile, &cause) == -1)
		fatalx("%s", cause);
	if (listen != NULL) {
		free(gd.cfg.listen);
		gd.cfg.listen = xstrdup(listen);
	}
	if (database != NULL) {
		free(gd.cfg.database);
		gd.cfg.database = xstrdup(database);
	}
	if (port != -1)
		gd.cfg.port = port;
	if (sodium_init() == -1)
		fatalx("libsodium failed to initialise");
	if (check && access(gd.cfg.database, F_OK) == -1) {
		printf("configuration OK: %zu curator(s), database %s will be "
		    "created\n", gd.cfg.curators.n, gd.cfg.database);
		config_clear(&gd.cfg);
		return 0;
	}
	if ((gd.store = store_open(gd.cfg.database, &errstr)) == NULL)
		fatalx("%s: %s", gd.cfg.database, errstr);
	if (check) {
		printf("configuration OK: %zu curator(s), database %s at "
		    "schema %d\n", gd.cfg.curators.n, gd.cfg.database,
		    store_user_version(gd.store));
		store_close(gd.store);
		config_clear(&gd.cfg);
		return 0;
	}
	if (gd.cfg.curators.n == 0)
		log_warnx("no curator keys configured: no records can be "
		    "created");

	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);	/* no reload yet: never die of it */
	if ((base = event_base_new()) == NULL)
		fatalx("cannot create the event loop");
	srv = http_start(&gd, base, gd.cfg.listen, gd.cfg.port, &bound,
	    &errstr);
	if (srv == NULL)
		fatalx("cannot listen on %s port %d: %s", gd.cfg.listen,
		    gd.cfg.port, errstr);
	if (portfile != NULL)
		glossd_write_portfile(portfile, bound);
	log_info("listening on %s port %d, database %s", gd.cfg.listen, bound,
	    gd.cfg.database);
	if (!foreground) {
		log_init("glossd", verbose, 0);
		if (daemon(1, 0) == -1)
			fatal("daemon");
	}
	gd.started = time(NULL);

	sigterm = evsignal_new(base, SIGTERM, glossd_signal_cb, base);
	sigint = evsignal_new(base, SIGINT, glossd_signal_cb, base);
	if (sigterm == NULL || sigint == NULL ||
	    evsignal_add(sigterm, NULL) == -1 ||
	    evsignal_add(sigint, NULL) == -1)
		fatalx("cannot install signal handlers");
	event_base_dispatch(base);

	http_stop(srv);
	event_free(sigterm);
	event_free(sigint);
	event_base_free(base);
	libevent_global_shutdown();
	store_close(gd.store);
	if (portfile != NULL)
		unlink(portfile);
	config_clear(&gd.cfg);
	log_info("stopped");
	return 0;
}
