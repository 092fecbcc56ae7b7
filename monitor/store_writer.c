/*
 * store_writer.c — the store writer thread and its two queues
 * (store_writer.h).  One mutex guards both lists and the counters; the
 * thread sleeps on a condition variable while nothing is queued, and
 * tells the loop about finished groups through an eventfd.
 *
 * The thread blocks every signal, so SIGTERM, SIGHUP and SIGCHLD keep
 * interrupting the loop thread's poll as before.
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
#include "store_writer.h"

/* Ops per commit at most: bounds the array, not the latency. */
#define GROUP_MAX	256

struct store_writer {
	struct ms_store		*store;
	pthread_t		 thread;
	int			 started;
	int			 efd;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	/* Under mu: */
	struct store_wop	*qhead, *qtail;		/* submitted */
	struct store_wop	*dhead, *dtail;		/* done */
	size_t			 outstanding, max;
	int			 stopping;
	unsigned long long	 ngroups, nops;
};

static void
append(struct store_wop **head, struct store_wop **tail, struct store_wop *op)
{
	op->next = NULL;
	if (*tail != NULL)
		(*tail)->next = op;
	else
		*head = op;
	*tail = op;
}

/* Up to GROUP_MAX queued ops, with mu held. */
static size_t
take_group(struct store_writer *w, struct store_wop **group,
    struct ms_store_op **ops)
{
	size_t n = 0;

	while (w->qhead != NULL && n < GROUP_MAX) {
		group[n] = w->qhead;
		ops[n] = &w->qhead->op;
		if ((w->qhead = w->qhead->next) == NULL)
			w->qtail = NULL;
		n++;
	}
	return n;
}

static void
wake_loop(struct store_writer *w)
{
	uint64_t one = 1;

	/* A full counter (never, in practice) still leaves it readable. */
	while (write(w->efd, &one, sizeof(one)) == -1 && errno == EINTR)
		;
}

static void *
writer_main(void *arg)
{
	struct store_writer *w = arg;
	struct store_wop *group[GROUP_MAX];
	struct ms_store_op *ops[GROUP_MAX];
	size_t i, n;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (w->qhead == NULL && !w->stopping)
			pthread_cond_wait(&w->cv, &w->mu);
		if ((n = take_group(w, group, ops)) == 0)
			break;		/* stopping, and nothing left */
		pthread_mutex_unlock(&w->mu);
		group[0]->group_msg[0] = '\0';
		(void)ms_store_apply(w->store, ops, n, group[0]->group_msg,
		    sizeof(group[0]->group_msg), &group[0]->group_level);
		pthread_mutex_lock(&w->mu);
		for (i = 0; i < n; i++)
			append(&w->dhead, &w->dtail, group[i]);
		w->ngroups++;
		w->nops += n;
		pthread_mutex_unlock(&w->mu);
		wake_loop(w);
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

int
store_writer_start(struct ms_store *s, size_t max, struct store_writer **wp)
{
	struct store_writer *w;
	sigset_t all, old;
	int r;

	*wp = NULL;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return MS_ERR_ALLOC;
	w->store = s;
	w->max = max;
	w->efd = -1;
	if (pthread_mutex_init(&w->mu, NULL) != 0) {
		free(w);
		return MS_ERR_SYSTEM;
	}
	if (pthread_cond_init(&w->cv, NULL) != 0) {
		pthread_mutex_destroy(&w->mu);
		free(w);
		return MS_ERR_SYSTEM;
	}
	if ((w->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) == -1) {
		store_writer_free(w);
		return MS_ERR_SYSTEM;
	}
	ms_store_threaded(s);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(&w->thread, NULL, writer_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0) {
		store_writer_free(w);
		errno = r;
		return MS_ERR_SYSTEM;
	}
	w->started = 1;
	*wp = w;
	return 0;
}

int
store_writer_fd(const struct store_writer *w)
{
	return w->efd;
}

int
store_writer_submit(struct store_writer *w, struct store_wop *op)
{
	int r = 0;

	pthread_mutex_lock(&w->mu);
	if (w->outstanding >= w->max || w->stopping)
		r = MS_ERR_LIMIT;
	else {
		append(&w->qhead, &w->qtail, op);
		w->outstanding++;
		pthread_cond_signal(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return r;
}

struct store_wop *
store_writer_done(struct store_writer *w)
{
	struct store_wop *done, *op;
	uint64_t cnt;

	if (w == NULL)
		return NULL;
	while (read(w->efd, &cnt, sizeof(cnt)) == -1 && errno == EINTR)
		;
	pthread_mutex_lock(&w->mu);
	done = w->dhead;
	w->dhead = w->dtail = NULL;
	for (op = done; op != NULL; op = op->next)
		w->outstanding--;
	pthread_mutex_unlock(&w->mu);
	return done;
}

size_t
store_writer_outstanding(struct store_writer *w)
{
	size_t n;

	if (w == NULL)
		return 0;
	pthread_mutex_lock(&w->mu);
	n = w->outstanding;
	pthread_mutex_unlock(&w->mu);
	return n;
}

void
store_writer_counts(struct store_writer *w, unsigned long long *groups,
    unsigned long long *ops)
{
	pthread_mutex_lock(&w->mu);
	*groups = w->ngroups;
	*ops = w->nops;
	pthread_mutex_unlock(&w->mu);
}

void
store_writer_stop(struct store_writer *w)
{
	if (w == NULL || !w->started)
		return;
	pthread_mutex_lock(&w->mu);
	w->stopping = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	w->started = 0;
}

void
store_writer_free(struct store_writer *w)
{
	if (w == NULL)
		return;
	store_writer_stop(w);
	if (w->efd != -1)
		close(w->efd);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w);
}
