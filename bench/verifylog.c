/*
 * verifylog.c: verify every statement of a glossd's log, as a mirror or
 * an auditor would, on all cores.
 *
 * The workload (5) is the client-side bulk verify of the whole
 * log on all cores; `gloss verify-log` checks the same on one.  One
 * thread pages through GET /v1/log (keyset, after=<last seq>) while -j
 * workers check each line exactly as the client checks a statement:
 * strict JSON, stmt_from_json (re-canonicalize, recompute the id, which
 * must match the line's), then stmt_verify (key id, both Ed25519
 * signatures, the trusted comment).  Pages go through a small bounded
 * queue so fetching overlaps verifying; with -P every page is fetched
 * first and verifying is timed on its own, so its rate can be set against
 * libsodium's ceiling without glossd competing for the same cores, and
 * with -t the fetched log is verified again and again until that many
 * seconds have passed (a 10k log takes under a second, too short to time
 * on a noisy machine).  It prints one line:
 *   VERIFY statements=N failed=N secs=S rate=R fetch_secs=S
 *       verify_secs=S verify_rate=R threads=T pages=N rounds=N
 * (statements counts every verdict of every round; secs and rate from the
 * first request to the last verdict) and exits 1 if any statement failed
 * to verify.
 */

#include <sys/types.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "bench.h"

#define VL_MAX_THREADS	64
#define VL_QUEUE	8		/* pages in flight */
#define VL_MAX_PAGES	100000000LL

struct vl_page {
	char	*data;
	size_t	 len;
};

struct vl_queue {
	pthread_mutex_t	 lock;
	pthread_cond_t	 more;		/* a page was added, or the end */
	pthread_cond_t	 room;		/* a page was taken */
	struct vl_page	 pages[VL_QUEUE];
	size_t		 head;
	size_t		 n;
	int		 done;
	int		 kept;		/* main keeps the pages (-P): not freed */
};

struct vl_worker {
	pthread_t	 tid;
	struct vl_queue	*q;
	long long	 ok;
	long long	 failed;
	char		 first_error[256];
};

static void GLOSS_DEAD
usage(void)
{
	fprintf(stderr, "usage: verifylog [-P [-t secs]] -p port "
	    "[-j threads] [-l limit] [-n max-pages]\n");
	exit(2);
}

static void
vl_push(struct vl_queue *q, char *data, size_t len)
{
	struct vl_page	*p;

	pthread_mutex_lock(&q->lock);
	while (q->n == VL_QUEUE)
		pthread_cond_wait(&q->room, &q->lock);
	p = &q->pages[(q->head + q->n) % VL_QUEUE];
	p->data = data;
	p->len = len;
	q->n++;
	pthread_cond_signal(&q->more);
	pthread_mutex_unlock(&q->lock);
}

/* The next page, or 0 when the fetcher is done and the queue empty. */
static int
vl_pop(struct vl_queue *q, struct vl_page *out)
{
	pthread_mutex_lock(&q->lock);
	while (q->n == 0 && !q->done)
		pthread_cond_wait(&q->more, &q->lock);
	if (q->n == 0) {
		pthread_mutex_unlock(&q->lock);
		return 0;
	}
	*out = q->pages[q->head];
	q->head = (q->head + 1) % VL_QUEUE;
	q->n--;
	pthread_cond_signal(&q->room);
	pthread_mutex_unlock(&q->lock);
	return 1;
}

/* Check one log line; 0 if it verifies, -1 with why in w. */
static int
vl_line(struct vl_worker *w, const char *line, size_t len)
{
	struct statement	*st;
	struct jcs_err		 err;
	json_t			*root, *stmt, *sig, *id;
	const char		*code;
	char			*message = NULL;
	int			 rc = -1;

	if ((root = jcs_parse(line, len, &err)) == NULL) {
		snprintf(w->first_error, sizeof w->first_error,
		    "unparsable line: %s", err.message);
		return -1;
	}
	stmt = json_object_get(root, "statement");
	sig = json_object_get(root, "minisig");
	id = json_object_get(root, "id");
	if (!json_is_object(stmt) || !json_is_string(sig) ||
	    !json_is_string(id)) {
		snprintf(w->first_error, sizeof w->first_error,
		    "a line lacks statement, minisig or id");
		goto out;
	}
	st = stmt_from_json(json_incref(stmt), NULL, &code, &message);
	if (st == NULL) {
		snprintf(w->first_error, sizeof w->first_error,
		    "%s: %s", code, message);
		goto out;
	}
	if (strcmp(st->id, json_string_value(id)) != 0)
		snprintf(w->first_error, sizeof w->first_error,
		    "statement %s hashes to %s", json_string_value(id),
		    st->id);
	else if (stmt_verify(st, json_string_value(sig),
	    json_string_length(sig), &code, &message) == -1)
		snprintf(w->first_error, sizeof w->first_error,
		    "%s: %s: %s", st->id, code, message);
	else
		rc = 0;
	stmt_free(st);
out:
	free(message);
	json_decref(root);
	return rc;
}

static void *
vl_main(void *arg)
{
	struct vl_worker	*w = arg;
	struct vl_page		 p;
	const char		*line, *nl, *end;

	while (vl_pop(w->q, &p)) {
		end = p.data + p.len;
		for (line = p.data; line < end; line = nl + 1) {
			if ((nl = memchr(line, '\n', (size_t)(end - line))) ==
			    NULL)
				nl = end;
			if (nl == line)
				continue;
			if (vl_line(w, line, (size_t)(nl - line)) == 0)
				w->ok++;
			else
				w->failed++;
		}
		if (!w->q->kept)
			free(p.data);
	}
	return NULL;
}

static void
vl_start(struct vl_worker *w, int threads, struct vl_queue *q)
{
	int	i;

	for (i = 0; i < threads; i++) {
		w[i].q = q;
		if (pthread_create(&w[i].tid, NULL, vl_main, &w[i]) != 0)
			fatalx("pthread_create failed");
	}
}

/* The seq of the last line of a page, or -1. */
static long long
vl_last_seq(const char *data, size_t len)
{
	const char	*p;

	while (len > 0 && data[len - 1] == '\n')
		len--;
	for (p = data + len; p > data && p[-1] != '\n'; p--)
		;
	if (strncmp(p, "{\"seq\":", 7) != 0)
		return -1;
	return strtoll(p + 7, NULL, 10);
}

int
main(int argc, char **argv)
{
	struct vl_queue		 q;
	struct vl_worker	 w[VL_MAX_THREADS];
	struct httpc		 c;
	struct vl_page		*held = NULL;
	long long		 after = 0, pages = 0, max = VL_MAX_PAGES;
	long long		 ok = 0, failed = 0, k, rounds = 1;
	double			 start, fetched, vstart, now, secs, least = 0;
	char			 path[128];
	long			 ncpu;
	int			 ch, i, port = 0, threads, limit = 500;
	int			 prefetch = 0;

	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	threads = ncpu < 1 ? 1 : ncpu > VL_MAX_THREADS ? VL_MAX_THREADS :
	    (int)ncpu;
	while ((ch = getopt(argc, argv, "j:l:n:Pp:t:")) != -1) {
		switch (ch) {
		case 'P':
			prefetch = 1;
			break;
		case 'j':
			threads = atoi(optarg);
			if (threads < 1 || threads > VL_MAX_THREADS)
				usage();
			break;
		case 'l':
			limit = atoi(optarg);
			if (limit < 1)
				usage();
			break;
		case 'n':
			max = strtoll(optarg, NULL, 10);
			if (max < 1)
				usage();
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 't':
			least = atof(optarg);
			if (least < 0 || least > 3600)
				usage();
			break;
		default:
			usage();
		}
	}
	if (optind != argc || port < 1 || port > 65535 ||
	    (least > 0 && !prefetch))
		usage();
	log_init("verifylog", 1, 1);
	if (sodium_init() == -1)
		fatalx("libsodium failed to initialise");

	memset(&q, 0, sizeof q);
	q.kept = prefetch;		/* set before any worker starts */
	pthread_mutex_init(&q.lock, NULL);
	pthread_cond_init(&q.more, NULL);
	pthread_cond_init(&q.room, NULL);
	memset(w, 0, sizeof w);
	start = vstart = bench_now();
	if (!prefetch)
		vl_start(w, threads, &q);
	httpc_init(&c, port);
	for (pages = 0; pages < max; pages++) {
		snprintf(path, sizeof path, "/v1/log?after=%lld&limit=%d",
		    after, limit);
		if (httpc_request(&c, "GET", path, NULL, 0) == -1 &&
		    httpc_request(&c, "GET", path, NULL, 0) == -1)
			fatalx("GET %s: cannot reach glossd", path);
		if (c.status != 200)
			fatalx("GET %s: status %d", path, c.status);
		if (c.body_len == 0)
			break;
		if ((after = vl_last_seq(c.body, c.body_len)) == -1)
			fatalx("GET %s: the last line has no seq", path);
		if (!prefetch) {
			vl_push(&q, xstrndup(c.body, c.body_len), c.body_len);
			continue;
		}
		held = xreallocarray(held, (size_t)pages + 1, sizeof *held);
		held[pages].data = xstrndup(c.body, c.body_len);
		held[pages].len = c.body_len;
	}
	httpc_close(&c);
	buf_free(&c.in);
	fetched = bench_now();
	if (prefetch) {
		vstart = fetched;
		vl_start(w, threads, &q);
		for (;;) {
			for (k = 0; k < pages; k++)
				vl_push(&q, held[k].data, held[k].len);
			if (pages == 0 || bench_now() - vstart >= least)
				break;
			rounds++;
		}
	}
	pthread_mutex_lock(&q.lock);
	q.done = 1;
	pthread_cond_broadcast(&q.more);
	pthread_mutex_unlock(&q.lock);
	for (i = 0; i < threads; i++) {
		pthread_join(w[i].tid, NULL);
		ok += w[i].ok;
		failed += w[i].failed;
		if (w[i].failed > 0)
			fprintf(stderr, "verifylog: %s\n", w[i].first_error);
	}
	for (k = 0; prefetch && k < pages; k++)
		free(held[k].data);
	free(held);
	now = bench_now();
	secs = now - start;
	printf("VERIFY statements=%lld failed=%lld secs=%.3f rate=%.1f "
	    "fetch_secs=%.3f verify_secs=%.3f verify_rate=%.1f threads=%d "
	    "pages=%lld rounds=%lld\n", ok + failed, failed, secs,
	    (double)(ok + failed) / secs, fetched - start, now - vstart,
	    (double)(ok + failed) / (now - vstart), threads, pages, rounds);
	fflush(stdout);
	pthread_mutex_destroy(&q.lock);
	pthread_cond_destroy(&q.more);
	pthread_cond_destroy(&q.room);
	return failed > 0 ? 1 : 0;
}
