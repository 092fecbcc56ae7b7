/*
 * store_writer.c — the store writer thread (store_writer.h): a store
 * thread pool in batch mode (store_jobs.h), one thread that takes every
 * queued write at once and commits them as one group.
 */
#include <sys/types.h>

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "store.h"
#include "store_jobs.h"
#include "store_writer.h"

/* Ops per commit at most: bounds the array, not the latency. */
#define GROUP_MAX	256

struct store_writer {
	struct ms_store		*store;
	struct store_jobs	*jobs;
	/* The thread's alone while it runs; read after it stopped. */
	unsigned long long	 ngroups, nops;
};

static void
commit_group(void *arg, struct store_job *const *jobs, size_t n)
{
	struct store_writer *w = arg;
	struct ms_store_op *ops[GROUP_MAX];
	struct store_wop *first = (struct store_wop *)jobs[0];
	size_t i;

	for (i = 0; i < n; i++)
		ops[i] = &((struct store_wop *)jobs[i])->op;
	first->group_msg[0] = '\0';
	(void)ms_store_apply(w->store, ops, n, first->group_msg,
	    sizeof(first->group_msg), &first->group_level);
	w->ngroups++;
	w->nops += n;
}

int
store_writer_start(struct ms_store *s, size_t max, struct store_writer **wp)
{
	struct store_writer *w;
	int r;

	*wp = NULL;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return MS_ERR_ALLOC;
	w->store = s;
	ms_store_threaded(s);
	if ((r = store_jobs_start_batch(max, GROUP_MAX, commit_group, w,
	    &w->jobs)) != 0) {
		free(w);
		return r;
	}
	*wp = w;
	return 0;
}

int
store_writer_fd(const struct store_writer *w)
{
	return store_jobs_fd(w->jobs);
}

int
store_writer_submit(struct store_writer *w, struct store_wop *op)
{
	memset(&op->job, 0, sizeof(op->job));
	return store_jobs_submit(w->jobs, &op->job);
}

struct store_wop *
store_writer_done(struct store_writer *w)
{
	struct store_job *j;
	struct store_wop *head = NULL, **tail = &head;

	if (w == NULL)
		return NULL;
	for (j = store_jobs_done(w->jobs); j != NULL; j = j->next) {
		*tail = (struct store_wop *)j;
		tail = &(*tail)->next;
	}
	*tail = NULL;
	return head;
}

size_t
store_writer_outstanding(struct store_writer *w)
{
	return w == NULL ? 0 : store_jobs_outstanding(w->jobs);
}

void
store_writer_counts(struct store_writer *w, unsigned long long *groups,
    unsigned long long *ops)
{
	*groups = w->ngroups;
	*ops = w->nops;
}

void
store_writer_stop(struct store_writer *w)
{
	if (w != NULL)
		store_jobs_stop(w->jobs);
}

void
store_writer_free(struct store_writer *w)
{
	if (w == NULL)
		return;
	store_jobs_free(w->jobs);
	free(w);
}
