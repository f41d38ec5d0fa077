/*
 * httpload.c: a small closed-loop HTTP load generator for glossd.
 *
 * wrk is the benchmark's load generator, but the smoke run in "make
 * check" must not need it, and loading a stored volume wants each wire
 * body posted exactly once, then a stop, which wrk cannot express.  So
 * this runs -c connections, one thread each, sending POSTs of the lines of
 * an NDJSON file (each once, shared through an atomic cursor), GETs of a
 * path or of random paths from a file, or a mix (-w percent writes), for
 * at most -d seconds and -n requests.  With -R it paces the total rate and
 * times each request from when it was due, not when it went out, so a
 * stall shows in the latency instead of hiding (coordinated omission).
 * It prints one line in the same shape as bench/wrk/lib.lua:
 *   LOAD tag=T reqs=N ok=N dup=N bad=N secs=S rps=R okps=R p50us=U ...
 */

#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define LOAD_MAX_CONNS		256
#define LOAD_MAX_SAMPLES	(32 * 1024 * 1024)
#define LOAD_MAX_STATUSES	8

struct load_lines {
	const char	*data;		/* mmap'd file */
	size_t		 size;
	size_t		*off;		/* start of each line */
	size_t		 n;
};

struct load_opts {
	int			 port;
	int			 conns;
	double			 secs;
	long long		 max;
	int			 write_pct;
	double			 rate;
	const char		*path;
	struct load_lines	 bodies;
	struct load_lines	 paths;
};

struct load_thread {
	pthread_t		 tid;
	const struct load_opts	*o;
	unsigned		 seed;
	uint32_t		*lat;		/* microseconds */
	size_t			 nlat;
	size_t			 caplat;
	long long		 ok, dup, bad, errors;
	int			 statuses[LOAD_MAX_STATUSES];
	int			 nstatuses;
	double			 end;
};

static atomic_llong	 load_next_body;
static atomic_llong	 load_sent;
static double		 load_start;

static void GLOSS_DEAD
usage(void)
{
	fprintf(stderr, "usage: httpload -p port [-c conns] [-d secs] "
	    "[-n max] [-R rate] [-t tag]\n"
	    "                [-b bodies.ndjson] [-u path | -U paths] "
	    "[-w write%%]\n");
	exit(2);
}

/* Map path and index its non-empty lines. */
static void
load_map(const char *path, struct load_lines *l)
{
	struct stat	 st;
	size_t		 i, start = 0, cap = 0;
	int		 fd;
	void		*p;

	if ((fd = open(path, O_RDONLY)) == -1 || fstat(fd, &st) == -1)
		fatal("%s", path);
	l->size = (size_t)st.st_size;
	if (l->size == 0)
		fatalx("%s is empty", path);
	p = mmap(NULL, l->size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		fatal("mmap %s", path);
	close(fd);
	l->data = p;
	for (i = 0; i <= l->size; i++) {
		if (i < l->size && l->data[i] != '\n')
			continue;
		if (i > start) {
			if (l->n == cap) {
				cap = cap == 0 ? 1024 : cap * 2;
				l->off = xreallocarray(l->off, cap + 1,
				    sizeof *l->off);
			}
			l->off[l->n++] = start;
		}
		start = i + 1;
	}
	if (l->n == 0)
		fatalx("%s has no lines", path);
}

static void
load_unmap(struct load_lines *l)
{
	if (l->data != NULL)
		munmap((void *)(uintptr_t)l->data, l->size);
	free(l->off);
	memset(l, 0, sizeof *l);
}

static size_t
load_line_len(const struct load_lines *l, size_t i)
{
	const char	*p = l->data + l->off[i];
	const char	*nl = memchr(p, '\n', l->size - l->off[i]);

	return nl != NULL ? (size_t)(nl - p) : l->size - l->off[i];
}

static void
load_status(struct load_thread *t, int status)
{
	int	i;

	for (i = 0; i < t->nstatuses; i++) {
		if (t->statuses[i] == status)
			return;
	}
	if (t->nstatuses < LOAD_MAX_STATUSES)
		t->statuses[t->nstatuses++] = status;
}

/* Whether the comma-separated list holds code. */
static int
load_has_status(const char *list, const char *code)
{
	size_t	n = strlen(code);
	const char *p;

	for (p = list; (p = strstr(p, code)) != NULL; p += n) {
		if ((p == list || p[-1] == ',') &&
		    (p[n] == ',' || p[n] == '\0'))
			return 1;
	}
	return 0;
}

static void
load_sleep_until(double when)
{
	struct timespec	ts;
	double		d = when - bench_now();

	if (d <= 0)
		return;
	ts.tv_sec = (time_t)d;
	ts.tv_nsec = (long)((d - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static void *
load_main(void *arg)
{
	struct load_thread	*t = arg;
	const struct load_opts	*o = t->o;
	struct httpc		 c;
	char			 path[1024];
	const char		*body;
	double			 due, sent, now, gap = 0;
	long long		 k;
	size_t			 len, i;
	int			 post, want, tries;

	httpc_init(&c, o->port);
	if (o->rate > 0)
		gap = (double)o->conns / o->rate;
	due = load_start + gap * (double)rand_r(&t->seed) / RAND_MAX;
	for (;;) {
		now = bench_now();
		if (now - load_start >= o->secs ||
		    atomic_fetch_add(&load_sent, 1) >= o->max)
			break;
		post = o->bodies.n > 0 && (o->write_pct >= 100 ||
		    (int)(rand_r(&t->seed) % 100) < o->write_pct);
		body = NULL;
		len = 0;
		if (post) {
			k = atomic_fetch_add(&load_next_body, 1);
			if ((size_t)k >= o->bodies.n) {
				if (o->write_pct >= 100)
					break;	/* every body posted */
				post = 0;
			} else {
				body = o->bodies.data + o->bodies.off[k];
				len = load_line_len(&o->bodies, (size_t)k);
			}
		}
		if (!post && o->paths.n > 0) {
			i = (size_t)rand_r(&t->seed) % o->paths.n;
			snprintf(path, sizeof path, "%.*s",
			    (int)load_line_len(&o->paths, i),
			    o->paths.data + o->paths.off[i]);
		} else if (!post)
			snprintf(path, sizeof path, "%s", o->path);
		if (o->rate > 0) {
			/* Exponential gaps: arrivals roughly Poisson. */
			due += -log(1.0 - (double)rand_r(&t->seed) /
			    ((double)RAND_MAX + 1)) * gap;
			load_sleep_until(due);
			sent = due;
		} else
			sent = bench_now();
		for (tries = 0; tries < 3; tries++) {
			if (httpc_request(&c, post ? "POST" : "GET",
			    post ? "/v1/statements" : path, body, len) == 0)
				break;
			t->errors++;
		}
		if (tries == 3)
			break;
		now = bench_now();
		if (t->nlat < LOAD_MAX_SAMPLES) {
			if (t->nlat == t->caplat) {
				t->caplat = t->caplat == 0 ? 4096 :
				    t->caplat * 2;
				t->lat = xreallocarray(t->lat, t->caplat,
				    sizeof *t->lat);
			}
			t->lat[t->nlat++] = (uint32_t)((now - sent) * 1e6);
		}
		want = post ? 201 : 200;
		if (c.status == want)
			t->ok++;
		else if (post && c.status == 200)
			t->dup++;
		else {
			t->bad++;
			load_status(t, c.status);
		}
	}
	t->end = bench_now();
	httpc_close(&c);
	buf_free(&c.in);
	return NULL;
}

int
main(int argc, char **argv)
{
	struct load_opts	 o;
	struct load_thread	*t;
	const char		*tag = "-", *bodies = NULL, *paths = NULL;
	uint32_t		*all;
	size_t			 nall = 0, n;
	long long		 reqs = 0, ok = 0, dup = 0, bad = 0;
	long long		 errors = 0;
	double			 end = 0, secs;
	char			 statuses[128] = "", one[16];
	int			 ch, i, j;

	memset(&o, 0, sizeof o);
	o.conns = 8;
	o.secs = 10;
	o.max = 100000000;
	o.write_pct = -1;
	o.path = "/healthz";
	while ((ch = getopt(argc, argv, "b:c:d:n:p:R:t:U:u:w:")) != -1) {
		switch (ch) {
		case 'b':
			bodies = optarg;
			break;
		case 'c':
			o.conns = atoi(optarg);
			if (o.conns < 1 || o.conns > LOAD_MAX_CONNS)
				usage();
			break;
		case 'd':
			o.secs = strtod(optarg, NULL);
			if (!(o.secs > 0 && o.secs <= 86400))
				usage();
			break;
		case 'n':
			o.max = strtoll(optarg, NULL, 10);
			if (o.max < 1)
				usage();
			break;
		case 'p':
			o.port = atoi(optarg);
			break;
		case 'R':
			o.rate = strtod(optarg, NULL);
			if (!(o.rate >= 0 && o.rate <= 1e7))
				usage();
			break;
		case 't':
			tag = optarg;
			break;
		case 'U':
			paths = optarg;
			break;
		case 'u':
			o.path = optarg;
			break;
		case 'w':
			o.write_pct = atoi(optarg);
			if (o.write_pct < 0 || o.write_pct > 100)
				usage();
			break;
		default:
			usage();
		}
	}
	if (optind != argc || o.port < 1 || o.port > 65535)
		usage();
	log_init("httpload", 1, 1);
	if (bodies != NULL)
		load_map(bodies, &o.bodies);
	if (paths != NULL)
		load_map(paths, &o.paths);
	if (o.write_pct == -1)
		o.write_pct = bodies != NULL && paths == NULL &&
		    strcmp(o.path, "/healthz") == 0 ? 100 : 0;

	t = xcalloc((size_t)o.conns, sizeof *t);
	load_start = bench_now();
	for (i = 0; i < o.conns; i++) {
		t[i].o = &o;
		t[i].seed = (unsigned)(i * 7919 + 17);
		if (pthread_create(&t[i].tid, NULL, load_main, &t[i]) != 0)
			fatalx("pthread_create failed");
	}
	for (i = 0; i < o.conns; i++) {
		pthread_join(t[i].tid, NULL);
		nall += t[i].nlat;
		if (t[i].end > end)
			end = t[i].end;
	}
	all = xcalloc(nall + 1, sizeof *all);
	nall = 0;
	for (i = 0; i < o.conns; i++) {
		memcpy(all + nall, t[i].lat, t[i].nlat * sizeof *all);
		nall += t[i].nlat;
		reqs += t[i].ok + t[i].dup + t[i].bad;
		ok += t[i].ok;
		dup += t[i].dup;
		bad += t[i].bad;
		errors += t[i].errors;
		for (j = 0; j < t[i].nstatuses; j++) {
			snprintf(one, sizeof one, "%d", t[i].statuses[j]);
			if (load_has_status(statuses, one) ||
			    strlen(statuses) + strlen(one) + 2 >
			    sizeof statuses)
				continue;
			n = strlen(statuses);
			snprintf(statuses + n, sizeof statuses - n, "%s%s",
			    n > 0 ? "," : "", one);
		}
		free(t[i].lat);
	}
	qsort(all, nall, sizeof *all, bench_cmp_u32);
	secs = end - load_start;
	printf("LOAD tag=%s reqs=%lld ok=%lld dup=%lld bad=%lld secs=%.3f "
	    "rps=%.1f okps=%.1f p50us=%u p99us=%u maxus=%u errors=%lld "
	    "statuses=%s\n", tag, reqs, ok, dup, bad, secs,
	    (double)reqs / secs, (double)ok / secs,
	    bench_percentile(all, nall, 50), bench_percentile(all, nall, 99),
	    nall > 0 ? all[nall - 1] : 0, errors,
	    statuses[0] != '\0' ? statuses : "-");
	fflush(stdout);
	free(all);
	free(t);
	load_unmap(&o.bodies);
	load_unmap(&o.paths);
	return 0;
}
