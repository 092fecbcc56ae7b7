/*
 * store_writer.h — the store writer thread: every write transaction of the
 * running daemon, off the event loop (ARCHITECTURE.md "The store writer").
 *
 * The loop thread submits ops; the writer takes everything queued, applies
 * it with ms_store_apply() (one durable commit per group) and hands the
 * ops back through a completion list, waking the loop through an eventfd
 * (store_writer_fd) that the loop polls: a store_jobs.h pool of one
 * thread in batch mode.  The writer touches only the ops it was given,
 * the queues and the store's write side; it never logs.  Backend-neutral:
 * it knows only store.h.
 */
#ifndef MS_STORE_WRITER_H
#define MS_STORE_WRITER_H

#include <stddef.h>

#include "store.h"
#include "store_jobs.h"

struct store_wop {
	struct store_job	 job;	/* first: the pool's (store_jobs.h) */
	struct ms_store_op	 op;	/* in: the write; out: its result */
	/* The first op of each group carries the group's messages. */
	int			 group_level;
	char			 group_msg[MS_STORE_MSG_MAX];
	struct store_wop	*next;	/* store_writer_done()'s list */
	void			*owner;	/* the submitter's; never the thread's */
};

struct store_writer;

/*
 * Start the thread for s; at most max ops may be queued or in flight.
 * 0 or MS_ERR_SYSTEM (errno set).
 */
int	store_writer_start(struct ms_store *s, size_t max,
	    struct store_writer **wp);
/* Readable when ops are done. */
int	store_writer_fd(const struct store_writer *w);
/* 0, or MS_ERR_LIMIT when max ops are outstanding. */
int	store_writer_submit(struct store_writer *w, struct store_wop *op);
/* The done ops, oldest first, linked by next; NULL: none. */
struct store_wop *store_writer_done(struct store_writer *w);
/* Ops submitted and not yet taken back with store_writer_done(). */
size_t	store_writer_outstanding(struct store_writer *w);
/*
 * Let the thread finish every queued op, then join it; the ops stay for
 * store_writer_done().  Then free; both allow NULL.
 */
void	store_writer_stop(struct store_writer *w);
void	store_writer_free(struct store_writer *w);

/* Groups committed and ops applied so far (for the debug log). */
void	store_writer_counts(struct store_writer *w, unsigned long long *groups,
	    unsigned long long *ops);

#endif /* MS_STORE_WRITER_H */
