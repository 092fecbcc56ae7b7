/*
 * pool.h — the pool of pre-spawned workers (WorkerPoolSize).
 *
 * A pooled worker is fork+exec'd, given a CONFIG that holds no client
 * data, initialises OpenSSL, enters its sandbox and says READY; then it
 * waits on its monitor channel.  On accept the monitor hands it the client
 * socket and the peer (HANDOFF, SCM_RIGHTS).  It serves that one
 * connection and exits: a worker is never reused, and every one is a
 * fresh exec (own ASLR layout, own DRBG).
 *
 * The event loop (server.c) keeps the workers; this file decides how many
 * to start and builds and sends what they are given.
 */
#ifndef MS_POOL_H
#define MS_POOL_H

#include <sys/types.h>

#include "buf.h"
#include "mon.h"
#include "server.h"

/* Spawns per pass of the event loop: a flood cannot stall it on fork. */
#define POOL_REFILL_PER_PASS	2
/* A pooled worker that is not READY by then is stuck: it is killed. */
#define POOL_READY_TIMEOUT_MS	30000

struct pool_counts {
	int	pool_size;	/* WorkerPoolSize */
	int	max_sessions;	/* MaxSessions */
	int	fd_sessions;	/* what the descriptor limit allows */
	size_t	sessions;	/* workers serving a connection */
	size_t	pooled;		/* workers waiting for one */
};

/*
 * Workers to start now: the pool up to WorkerPoolSize, never more
 * workers in all (sessions + pooled) than MaxSessions or the descriptors
 * allow, and at most POOL_REFILL_PER_PASS at a time.
 */
size_t	pool_refill_count(const struct pool_counts *c);
/* The CONFIG frame for a new worker (msg_config.h), appended to out. */
int	pool_config_frame(const struct mon_ctx *ctx,
	    const struct server_opts *opts, struct msbuf *out);
/*
 * HANDOFF: the peer in a frame, client_fd attached (SCM_RIGHTS).  On
 * failure the worker may hold the socket with half a frame: it must be
 * given up (killed).  The caller still owns (and closes) client_fd.
 */
int	pool_handoff(int mon_fd, int client_fd, const char *peer);

#endif /* MS_POOL_H */
