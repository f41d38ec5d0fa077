/*
 * verifier.c: signatures checked on other cores while the loop goes on.
 *
 * Checking a POST's minisig (BLAKE2b-512 and two Ed25519 verifications)
 * was about a quarter of glossd's time per write, all of it on the one
 * thread that also parses, stores and answers.  Here worker threads, one
 * per core but the loop's, take a copy of a POST's body and say whether
 * it is a wire form whose statement verifies (api_wire_verifies); the
 * loop meanwhile serves other requests, and runs the POST when the answer
 * comes back.  Only a yes is used: the POST chain then skips the
 * signature check it would have run, on the very same bytes, and anything
 * else goes through the chain unchanged, so the worker decides nothing a
 * client could see.
 *
 * The workers share nothing with the loop but the two job queues under
 * one mutex; a finished job is handed back through a pipe the loop
 * watches.  verifier_free finishes every job, so a request in flight
 * when glossd stops is still answered.
 */

#include <sys/queue.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "glossd.h"

#define VERIFIER_MAX_THREADS	8

struct verify_job {
	TAILQ_ENTRY(verify_job)	 entry;
	char			*body;
	size_t			 len;
	int			 verified;
	verifier_done		 done;
	void			*arg;
};
TAILQ_HEAD(verify_jobs, verify_job);

struct verifier {
	pthread_mutex_t		 lock;
	pthread_cond_t		 work;		/* a job to do, or stop */
	struct verify_jobs	 todo;
	struct verify_jobs	 finished;
	int			 stop;
	int			 pipe[2];	/* a byte: look at finished */
	struct event		*ev;
	pthread_t		 threads[VERIFIER_MAX_THREADS];
	int			 nthreads;
};

static void *
verifier_main(void *arg)
{
	struct verifier		*v = arg;
	struct verify_job	*j;
	int			 wake;
	char			 c = 0;

	pthread_mutex_lock(&v->lock);
	for (;;) {
		while (TAILQ_EMPTY(&v->todo) && !v->stop)
			pthread_cond_wait(&v->work, &v->lock);
		if ((j = TAILQ_FIRST(&v->todo)) == NULL)
			break;			/* stopping, and nothing left */
		TAILQ_REMOVE(&v->todo, j, entry);
		pthread_mutex_unlock(&v->lock);

		j->verified = api_wire_verifies(j->body, j->len);

		pthread_mutex_lock(&v->lock);
		wake = TAILQ_EMPTY(&v->finished);
		TAILQ_INSERT_TAIL(&v->finished, j, entry);
		/* One byte per batch: the loop takes every finished job. */
		if (wake && write(v->pipe[1], &c, 1) == -1 && errno != EAGAIN)
			log_warn("verifier: write");
	}
	pthread_mutex_unlock(&v->lock);
	return NULL;
}

/* Hand the finished jobs to their callbacks, on the loop's thread. */
static void
verifier_deliver(struct verifier *v)
{
	struct verify_jobs	 jobs = TAILQ_HEAD_INITIALIZER(jobs);
	struct verify_job	*j;
	char			 buf[64];

	while (read(v->pipe[0], buf, sizeof buf) > 0)
		;
	pthread_mutex_lock(&v->lock);
	TAILQ_CONCAT(&jobs, &v->finished, entry);
	pthread_mutex_unlock(&v->lock);
	while ((j = TAILQ_FIRST(&jobs)) != NULL) {
		TAILQ_REMOVE(&jobs, j, entry);
		j->done(j->arg, j->verified);
		free(j->body);
		free(j);
	}
}

static void
verifier_cb(evutil_socket_t fd, short events, void *arg)
{
	verifier_deliver(arg);
}

/*
 * Start nthreads workers (at most VERIFIER_MAX_THREADS) answering on
 * base.  NULL if nthreads is 0 or they cannot be started (logged): the
 * loop then checks every signature itself, as it always can.
 */
struct verifier *
verifier_new(struct event_base *base, int nthreads)
{
	struct verifier	*v;
	int		 i;

	if (nthreads <= 0)
		return NULL;
	if (nthreads > VERIFIER_MAX_THREADS)
		nthreads = VERIFIER_MAX_THREADS;
	v = xcalloc(1, sizeof *v);
	TAILQ_INIT(&v->todo);
	TAILQ_INIT(&v->finished);
	v->pipe[0] = v->pipe[1] = -1;
	pthread_mutex_init(&v->lock, NULL);
	pthread_cond_init(&v->work, NULL);
	if (pipe2(v->pipe, O_NONBLOCK | O_CLOEXEC) == -1 ||
	    (v->ev = event_new(base, v->pipe[0], EV_READ | EV_PERSIST,
	    verifier_cb, v)) == NULL || event_add(v->ev, NULL) == -1) {
		log_warn("verifier: cannot start");
		verifier_free(v);
		return NULL;
	}
	/* jansson picks its hash seed once; do it before any thread can. */
	json_object_seed(0);
	for (i = 0; i < nthreads; i++) {
		if (pthread_create(&v->threads[i], NULL, verifier_main,
		    v) != 0) {
			log_warnx("verifier: cannot start thread %d", i + 1);
			break;
		}
		v->nthreads++;
	}
	if (v->nthreads == 0) {
		verifier_free(v);
		return NULL;
	}
	return v;
}

/*
 * Check a copy of body on a worker; done(arg, verified) runs later on the
 * loop's thread, exactly once.
 */
void
verifier_submit(struct verifier *v, const char *body, size_t len,
    verifier_done done, void *arg)
{
	struct verify_job	*j;

	j = xcalloc(1, sizeof *j);
	j->body = xmalloc(len + 1);
	memcpy(j->body, body, len);
	j->body[len] = '\0';
	j->len = len;
	j->done = done;
	j->arg = arg;
	pthread_mutex_lock(&v->lock);
	TAILQ_INSERT_TAIL(&v->todo, j, entry);
	pthread_cond_signal(&v->work);
	pthread_mutex_unlock(&v->lock);
}

/*
 * Finish every job (their callbacks run here), stop the workers and free
 * everything.  NULL is a no-op.
 */
void
verifier_free(struct verifier *v)
{
	int	i;

	if (v == NULL)
		return;
	pthread_mutex_lock(&v->lock);
	v->stop = 1;
	pthread_cond_broadcast(&v->work);
	pthread_mutex_unlock(&v->lock);
	for (i = 0; i < v->nthreads; i++)
		pthread_join(v->threads[i], NULL);
	if (v->pipe[0] != -1)
		verifier_deliver(v);
	if (v->ev != NULL)
		event_free(v->ev);
	if (v->pipe[0] != -1)
		close(v->pipe[0]);
	if (v->pipe[1] != -1)
		close(v->pipe[1]);
	pthread_cond_destroy(&v->work);
	pthread_mutex_destroy(&v->lock);
	free(v);
}
