/*
 * glossd.c: the daemon's entry point: flags, start-up, signals, shutdown.
 *
 * Everything that can fail for an operator's reason (config, database,
 * address) fails here, before the first request, with one clear line;
 * after that no client input may stop the process, and SIGTERM or SIGINT
 * ends it cleanly with every accepted statement committed.  A disk that
 * fails to sync the database ends it too, with status 1 (http.c).
 */

#include <sys/stat.h>
#include <sys/wait.h>

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
#include "ratelimit.h"

#define GLOSSD_RATE_KEYS	65536	/* keys or addresses tracked per limit */

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

/* A limiter of rate per minute, or NULL for no limit. */
static struct ratelimit *
glossd_limiter(int rate)
{
	struct ratelimit_rule	rule = { (unsigned)rate, 60000,
				    (unsigned)rate };

	return rate > 0 ? ratelimit_new(&rule, GLOSSD_RATE_KEYS) : NULL;
}

/* (Re)make the rate limiters from the configuration. */
void
glossd_limits(struct glossd *gd)
{
	ratelimit_free(gd->rl_key);
	ratelimit_free(gd->rl_ip_writes);
	ratelimit_free(gd->rl_ip_reads);
	gd->rl_key = glossd_limiter(gd->cfg.rates.key_writes);
	gd->rl_ip_writes = glossd_limiter(gd->cfg.rates.ip_writes);
	gd->rl_ip_reads = glossd_limiter(gd->cfg.rates.ip_reads);
}

/*
 * The base of the absolute IRIs glossd writes (W3C annotations, feeds):
 * base_url as configured (config.c checked it and dropped any trailing
 * '/'), or where glossd listens.
 */
static void
glossd_base_url(struct config *cfg, int port)
{
	if (cfg->base_url == NULL)
		xasprintf(&cfg->base_url, strchr(cfg->listen, ':') != NULL ?
		    "http://[%s]:%d" : "http://%s:%d", cfg->listen, port);
}

/*
 * SIGHUP: read the configuration again and take its keys, policies and
 * limits (those libevent enforces for connections opened from now on).
 * Where glossd listens, its database and the glossd it mirrors stay as
 * they are.  A configuration with an error changes nothing.
 */
static void
glossd_reload_cb(evutil_socket_t sig, short events, void *arg)
{
	struct glossd	*gd = arg;
	struct config	 cfg;
	char		*cause;

	if (gd->conffile == NULL) {
		log_info("SIGHUP: no configuration file to reload");
		return;
	}
	config_defaults(&cfg);
	if (config_load(&cfg, gd->conffile, &cause) == -1) {
		log_warnx("SIGHUP: %s; keeping the running configuration",
		    cause);
		free(cause);
		config_clear(&cfg);
		return;
	}
	free(cfg.listen);
	free(cfg.database);
	cfg.listen = gd->cfg.listen;
	cfg.database = gd->cfg.database;
	cfg.port = gd->cfg.port;
	if (cfg.base_url == NULL) {
		cfg.base_url = gd->cfg.base_url;
		gd->cfg.base_url = NULL;
	}
	/* What is followed is fixed at start-up, like the database. */
	free(cfg.mirror);
	cfg.mirror = gd->cfg.mirror;
	gd->cfg.mirror = NULL;
	glossd_base_url(&cfg, cfg.port);
	gd->cfg.listen = gd->cfg.database = NULL;
	config_clear(&gd->cfg);
	gd->cfg = cfg;
	glossd_limits(gd);
	http_limits(gd->http);
	/* Answers may depend on what changed (reviewer keys, base_url). */
	cache_clear(gd->cache);
	log_info("SIGHUP: reloaded %s: %zu curator(s), %zu moderator(s), "
	    "%zu reviewer(s), moderation %s", gd->conffile,
	    gd->cfg.curators.n, gd->cfg.moderators.n, gd->cfg.reviewers.n,
	    config_moderation_name(gd->cfg.moderation));
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

/*
 * Open /dev/null on whichever of descriptors 0, 1 and 2 are closed, so
 * that nothing glossd opens later (the pipe to the parent, the WAL) is
 * taken for standard output and closed when it detaches.
 */
static void
glossd_stdio(void)
{
	int	fd;

	do {
		if ((fd = open("/dev/null", O_RDWR)) == -1)
			fatal("/dev/null");
	} while (fd <= STDERR_FILENO);
	close(fd);
}

/*
 * Start detaching: fork, and have the parent wait for the child's word
 * that it is listening (glossd_detach), then exit 0, or exit with the
 * child's status if it failed first (its error is already on standard
 * error).  The child does the whole start-up: threads do not survive a
 * fork, nor do SQLite's locks, so nothing is opened before it.  Returns
 * the child's end of the pipe.
 */
static int
glossd_fork(void)
{
	int	fds[2], status;
	pid_t	pid;
	ssize_t	n;
	char	c;

	if (pipe2(fds, O_CLOEXEC) == -1)
		fatal("pipe");
	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid == 0) {
		close(fds[0]);
		return fds[1];
	}
	close(fds[1]);
	while ((n = read(fds[0], &c, 1)) == -1 && errno == EINTR)
		;
	if (n == 1)
		_exit(0);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			fatal("waitpid");
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}

/*
 * Finish detaching, once listening: a session of our own, syslog, the
 * standard descriptors on /dev/null, and the word to the parent.
 */
static void
glossd_detach(int ready, int verbose)
{
	int	fd;

	if (setsid() == -1)
		fatal("setsid");
	log_init("glossd", verbose, 0);
	if ((fd = open("/dev/null", O_RDWR)) == -1)
		fatal("/dev/null");
	if (dup2(fd, STDIN_FILENO) == -1 || dup2(fd, STDOUT_FILENO) == -1 ||
	    dup2(fd, STDERR_FILENO) == -1)
		fatal("dup2");
	if (fd > STDERR_FILENO)
		close(fd);
	if (write(ready, "", 1) != 1)
		fatal("cannot tell the parent process");
	close(ready);
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
	struct event		*sigterm, *sigint, *sighup;
	const char		*conffile = NULL, *portfile = NULL;
	const char		*listen = NULL, *database = NULL, *errstr;
	char			*cause;
	int			 ch, foreground = 0, check = 0, verbose = 1;
	int			 port = -1, bound, ready = -1;

	glossd_stdio();
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
	gd.conffile = conffile;
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
	if (!check && !foreground)
		ready = glossd_fork();
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
	/* Commits synced on a thread, answered once on disk (http.c). */
	(void)store_syncer(gd.store);
	/*
	 * WAL checkpoints off the loop in steps of 4000 frames (16 MiB), by
	 * the loop itself only from 16000 (64 MiB); started after the
	 * syncer, whose pipe it wakes the loop by (store_disk_failed).
	 */
	(void)store_checkpointer(gd.store, 4000, 16000);
	if (gd.cfg.curators.n == 0)
		log_warnx("no curator keys configured: no records can be "
		    "created");

	signal(SIGPIPE, SIG_IGN);
	gd.auth = auth_new();
	glossd_limits(&gd);
	if ((base = event_base_new()) == NULL)
		fatalx("cannot create the event loop");
	gd.http = http_start(&gd, base, gd.cfg.listen, gd.cfg.port, &bound,
	    &errstr);
	if (gd.http == NULL)
		fatalx("cannot listen on %s port %d: %s", gd.cfg.listen,
		    gd.cfg.port, errstr);
	glossd_base_url(&gd.cfg, bound);
	gd.mirror = mirror_start(&gd, base);
	if (portfile != NULL)
		glossd_write_portfile(portfile, bound);
	log_info("listening on %s port %d, database %s", gd.cfg.listen, bound,
	    gd.cfg.database);
	gd.started = time(NULL);
	gd.cache = cache_new();

	sigterm = evsignal_new(base, SIGTERM, glossd_signal_cb, base);
	sigint = evsignal_new(base, SIGINT, glossd_signal_cb, base);
	sighup = evsignal_new(base, SIGHUP, glossd_reload_cb, &gd);
	if (sigterm == NULL || sigint == NULL || sighup == NULL ||
	    evsignal_add(sigterm, NULL) == -1 ||
	    evsignal_add(sigint, NULL) == -1 ||
	    evsignal_add(sighup, NULL) == -1)
		fatalx("cannot install signal handlers");
	/* Ready for anything the caller may do once it has returned. */
	if (!foreground)
		glossd_detach(ready, verbose);
	event_base_dispatch(base);

	http_stop(gd.http);
	mirror_free(gd.mirror);
	cache_free(gd.cache);
	event_free(sigterm);
	event_free(sigint);
	event_free(sighup);
	event_base_free(base);
	libevent_global_shutdown();
	store_close(gd.store);
	auth_free(gd.auth);
	ratelimit_free(gd.rl_key);
	ratelimit_free(gd.rl_ip_writes);
	ratelimit_free(gd.rl_ip_reads);
	if (portfile != NULL)
		unlink(portfile);
	config_clear(&gd.cfg);
	if (gd.disk_failed) {
		log_warnx("stopped: the disk failed to sync the database");
		return 1;
	}
	log_info("stopped");
	return 0;
}
