/*
 * store_jobs.c — the store threads and their two lists (store_jobs.h).
 * One mutex guards the lists and the counters; idle threads sleep on a
 * condition variable.  Jobs run in the order they came; several run at
 * once, one per thread, so one request stuck on an unanswering cluster
 * holds one thread, not the others' requests.
 */
#include <sys/types.h>
#include <sys/eventfd.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "store.h"
#include "store_jobs.h"

#define THREADS_MAX	64
#define BATCH_MAX	1024

struct store_jobs {
	pthread_t		 threads[THREADS_MAX];
	size_t			 nthreads;
	int			 efd;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	/* Under mu: */
	struct store_job	*qhead, *qtail;		/* submitted */
	struct store_job	*dhead, *dtail;		/* done */
	size_t			 outstanding, max;
	int			 stopping;
	/* Batch mode (store_jobs_start_batch): */
	store_jobs_batch_fn	*batch_fn;
	void			*batch_arg;
	size_t			 batch;
};

static void
job_append(struct store_job **head, struct store_job **tail,
    struct store_job *job)
{
	job->next = NULL;
	if (*tail != NULL)
		(*tail)->next = job;
	else
		*head = job;
	*tail = job;
}

static void
wake_loop(struct store_jobs *j)
{
	uint64_t one = 1;

	while (write(j->efd, &one, sizeof(one)) == -1 && errno == EINTR)
		;
}

/* The oldest queued job, with mu held; NULL when stopping and empty. */
static struct store_job *
take(struct store_jobs *j)
{
	struct store_job *job;

	while (j->qhead == NULL && !j->stopping)
		pthread_cond_wait(&j->cv, &j->mu);
	if ((job = j->qhead) != NULL && (j->qhead = job->next) == NULL)
		j->qtail = NULL;
	return job;
}

/* Hand finished jobs back, with mu held, and wake the loop. */
static void
give_back(struct store_jobs *j, struct store_job *const *jobs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		job_append(&j->dhead, &j->dtail, jobs[i]);
	pthread_mutex_unlock(&j->mu);
	wake_loop(j);
	pthread_mutex_lock(&j->mu);
}

static void *
thread_main(void *arg)
{
	struct store_jobs *j = arg;
	struct store_job *job;

	pthread_mutex_lock(&j->mu);
	while ((job = take(j)) != NULL) {
		pthread_mutex_unlock(&j->mu);
		ms_store_set_deadline(job->deadline);
		job->run(job);
		ms_store_set_deadline(0);
		pthread_mutex_lock(&j->mu);
		give_back(j, &job, 1);
	}
	pthread_mutex_unlock(&j->mu);
	return NULL;
}

/* Batch mode: everything queued (up to j->batch) in one call. */
static void *
batch_main(void *arg)
{
	struct store_jobs *j = arg;
	struct store_job *group[BATCH_MAX];
	size_t n;

	pthread_mutex_lock(&j->mu);
	while ((group[0] = take(j)) != NULL) {
		for (n = 1; n < j->batch && (group[n] = j->qhead) != NULL; n++)
			if ((j->qhead = group[n]->next) == NULL)
				j->qtail = NULL;
		pthread_mutex_unlock(&j->mu);
		j->batch_fn(j->batch_arg, group, n);
		pthread_mutex_lock(&j->mu);
		give_back(j, group, n);
	}
	pthread_mutex_unlock(&j->mu);
	return NULL;
}

static int
start_threads(struct store_jobs *j, size_t n)
{
	sigset_t all, old;
	int r = 0;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (; j->nthreads < n; j->nthreads++) {
		if ((r = pthread_create(&j->threads[j->nthreads], NULL,
		    j->batch_fn != NULL ? batch_main : thread_main, j)) != 0)
			break;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0) {
		errno = r;
		return MS_ERR_SYSTEM;
	}
	return 0;
}

static int
jobs_new(size_t nthreads, size_t max, store_jobs_batch_fn *fn, void *arg,
    size_t batch, struct store_jobs **jp)
{
	struct store_jobs *j;

	*jp = NULL;
	if (nthreads == 0 || nthreads > THREADS_MAX || max == 0 ||
	    (fn != NULL && (batch == 0 || batch > BATCH_MAX)))
		return MS_ERR_INVALID_ARGUMENT;
	if ((j = calloc(1, sizeof(*j))) == NULL)
		return MS_ERR_ALLOC;
	j->max = max;
	j->efd = -1;
	j->batch_fn = fn;
	j->batch_arg = arg;
	j->batch = batch;
	if (pthread_mutex_init(&j->mu, NULL) != 0) {
		free(j);
		return MS_ERR_SYSTEM;
	}
	if (pthread_cond_init(&j->cv, NULL) != 0) {
		pthread_mutex_destroy(&j->mu);
		free(j);
		return MS_ERR_SYSTEM;
	}
	if ((j->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) == -1 ||
	    start_threads(j, nthreads) != 0) {
		store_jobs_free(j);
		return MS_ERR_SYSTEM;
	}
	*jp = j;
	return 0;
}

int
store_jobs_start(size_t nthreads, size_t max, struct store_jobs **jp)
{
	return jobs_new(nthreads, max, NULL, NULL, 0, jp);
}

int
store_jobs_start_batch(size_t max, size_t batch, store_jobs_batch_fn *fn,
    void *arg, struct store_jobs **jp)
{
	return jobs_new(1, max, fn, arg, batch, jp);
}

int
store_jobs_fd(const struct store_jobs *j)
{
	return j->efd;
}

int
store_jobs_submit(struct store_jobs *j, struct store_job *job)
{
	int r = 0;

	pthread_mutex_lock(&j->mu);
	if (j->outstanding >= j->max || j->stopping)
		r = MS_ERR_LIMIT;
	else {
		job_append(&j->qhead, &j->qtail, job);
		j->outstanding++;
		pthread_cond_signal(&j->cv);
	}
	pthread_mutex_unlock(&j->mu);
	return r;
}

struct store_job *
store_jobs_done(struct store_jobs *j)
{
	struct store_job *done, *job;
	uint64_t cnt;

	if (j == NULL)
		return NULL;
	while (read(j->efd, &cnt, sizeof(cnt)) == -1 && errno == EINTR)
		;
	pthread_mutex_lock(&j->mu);
	done = j->dhead;
	j->dhead = j->dtail = NULL;
	for (job = done; job != NULL; job = job->next)
		j->outstanding--;
	pthread_mutex_unlock(&j->mu);
	return done;
}

size_t
store_jobs_outstanding(struct store_jobs *j)
{
	size_t n;

	if (j == NULL)
		return 0;
	pthread_mutex_lock(&j->mu);
	n = j->outstanding;
	pthread_mutex_unlock(&j->mu);
	return n;
}

void
store_jobs_stop(struct store_jobs *j)
{
	size_t i;

	if (j == NULL || j->nthreads == 0)
		return;
	pthread_mutex_lock(&j->mu);
	j->stopping = 1;
	pthread_cond_broadcast(&j->cv);
	pthread_mutex_unlock(&j->mu);
	for (i = 0; i < j->nthreads; i++)
		pthread_join(j->threads[i], NULL);
	j->nthreads = 0;
}

void
store_jobs_free(struct store_jobs *j)
{
	if (j == NULL)
		return;
	store_jobs_stop(j);
	if (j->efd != -1)
		close(j->efd);
	pthread_cond_destroy(&j->cv);
	pthread_mutex_destroy(&j->mu);
	free(j);
}
