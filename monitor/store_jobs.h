/*
 * store_jobs.h — the store threads: a small pool that runs work which may
 * wait on a networked store (the etcd backend), so that the monitor's
 * event loop never does (ARCHITECTURE.md "Never blocking on etcd"); in
 * batch mode, one thread, it is also the LMDB store writer.
 *
 * The loop submits jobs; a thread takes the oldest, sets the store
 * deadline of the job for itself (ms_store_set_deadline) and runs it; the
 * finished jobs come back to the loop through a completion list, the loop
 * being woken by an eventfd (store_jobs_fd) it polls.  A job is what its
 * submitter embeds this struct in; the pool touches only the link and
 * calls run.  Threads block every signal, so SIGTERM, SIGHUP and SIGCHLD
 * keep reaching the loop thread's signalfd.
 */
#ifndef MS_STORE_JOBS_H
#define MS_STORE_JOBS_H

#include <stddef.h>
#include <stdint.h>

struct store_job {
	/* Runs in a store thread; must not touch what the loop owns. */
	void		(*run)(struct store_job *job);
	/*
	 * Runs in the loop once the job is collected, and may free it;
	 * NULL: the collector knows what the job is (a data request).
	 */
	void		(*done)(struct store_job *job);
	int64_t		 deadline;	/* ms_now_ms() time; 0: none */
	struct store_job *next;		/* queue link: store_jobs.c's */
};

struct store_jobs;

/*
 * nthreads threads, at most max jobs queued or running or done and not
 * yet collected.  0 or MS_ERR_SYSTEM (errno set).
 */
int	store_jobs_start(size_t nthreads, size_t max, struct store_jobs **jp);
/*
 * One thread that takes every queued job at once (up to batch of them)
 * and hands them to fn together, oldest first: the store writer's group
 * commit.  The jobs' run functions are not called.
 */
typedef void store_jobs_batch_fn(void *arg, struct store_job *const *jobs,
    size_t n);
int	store_jobs_start_batch(size_t max, size_t batch,
	    store_jobs_batch_fn *fn, void *arg, struct store_jobs **jp);
/* Readable when jobs are done. */
int	store_jobs_fd(const struct store_jobs *j);
/* 0, or MS_ERR_LIMIT when max jobs are outstanding (or stopping). */
int	store_jobs_submit(struct store_jobs *j, struct store_job *job);
/* The done jobs, oldest first, linked by next; NULL: none. */
struct store_job *store_jobs_done(struct store_jobs *j);
size_t	store_jobs_outstanding(struct store_jobs *j);
/*
 * Let the threads finish every queued job (each bounded by its
 * deadline), then join them; the jobs stay for store_jobs_done().  Then
 * free; both allow NULL.
 */
void	store_jobs_stop(struct store_jobs *j);
void	store_jobs_free(struct store_jobs *j);

#endif /* MS_STORE_JOBS_H */
