/*
 * server.c — the monitor's event loop.
 *
 * One epoll loop serves the listeners and every worker's request and log
 * channels.  Descriptors stay registered for their lifetime, so a pass
 * costs what is ready, not what is open: idle sessions cost nothing until
 * their timer is due.  Worker channels are non-blocking with per-worker
 * input and output buffers, so a slow or dead worker never stalls the
 * monitor; a worker has at most one request outstanding (the next is not
 * parsed, and its channel not read, until the previous answer is out).
 * Signals reach the loop through a signalfd; children are reaped only
 * when SIGCHLD said one ended.
 *
 * A write's answer is deferred: the store writer thread commits it off
 * the loop, and the loop answers when its group is on disk (the "deferred
 * writes" block below; the writer's eventfd is one more source).
 *
 * Workers are started ahead of demand (monitor/pool.c): a pooled worker
 * sits in the same table, marked pooled, until accept hands it a client.
 * It counts against no session limit, but every worker, pooled or not,
 * counts against MaxSessions and the descriptor limit in all.
 */
#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <netdb.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "certs.h"
#include "confcheck.h"
#include "credsock.h"
#include "errors.h"
#include "frame.h"
#include "log.h"
#include "msg_alert.h"
#include "msg_config.h"
#include "msg_log.h"
#include "mon.h"
#include "notify.h"
#include "fdlimit.h"
#include "listen_unix.h"
#include "pool.h"
#include "principals.h"
#include "proto.h"
#include "reload.h"
#include "server.h"
#include "servconf.h"
#include "spawn.h"
#include "startups.h"
#include "store_jobs.h"
#include "store_writer.h"
#include "strictmodes.h"
#include "timeio.h"

#define LISTEN_MAX		(SERVCONF_MAX_LISTEN * 2)
#define WORKER_AUTH_SLACK_MS	5000	/* beyond LoginGraceTime */
/* A worker whose login was refused: time to pass the alert on and exit. */
#define WORKER_REFUSED_LINGER_MS 2000
/*
 * Every refused login is answered this long after its AUTH request came
 * in, whatever the reason: an unknown CA, a revoked certificate and a bad
 * signature take different work, and the difference must not show.  Well
 * above the slowest check (an RSA chain with CRLs takes a few ms).
 */
#define AUTH_REFUSAL_FLOOR_MS	100
#define DRAIN_TIMEOUT_MS	10000
/* A pooled worker died before it was READY: refill no sooner than this. */
#define POOL_BACKOFF_MS		1000
/* Writes queued at once; each worker has at most one in flight. */
#define WRITES_MAX		65536
/*
 * Store threads for a store that may block (etcd), and the requests they
 * may hold at once (each worker has at most one).  Eight keep a stuck
 * request from stalling the others while the cluster answers, and are
 * cheap while they wait: the work is the cluster's round trips.
 */
#define STORE_THREADS		8
#define JOBS_MAX		65536
/*
 * What a worker's channel and scratch buffers keep between requests.  A
 * 1 MiB value grows them to 1 MiB for its request; after it they are
 * wiped and given back, so idle sessions do not pin what their largest
 * request needed.  Most requests and answers fit in this.
 */
#define CHAN_BUF_KEEP		(16 * 1024)
/*
 * Connections queued in the kernel before the loop gets to them: a burst
 * of service starts must not meet a full queue (SYN retries cost a
 * second).  listen(2) silently caps it at net.core.somaxconn.
 */
#define LISTEN_BACKLOG		1024
/* Accepts per listener per pass: enough for bursts, few enough that
 * established sessions are still served between spawns. */
#define ACCEPT_BATCH		16
#define EPOLL_BATCH		64
#define NO_DEADLINE		INT64_MAX
#ifndef MINIMUM
#define MINIMUM(a, b)		((a) < (b) ? (a) : (b))
#endif

/* What an epoll event is about (its data.ptr). */
enum ev_kind { EV_LISTEN, EV_SIGNAL, EV_MON, EV_LOG, EV_CRED, EV_WRITER,
    EV_JOBS };

struct ev_src {
	enum ev_kind		 kind;
	int			 fd;		/* EV_LISTEN */
	struct live_worker	*lw;		/* EV_MON, EV_LOG */
};

struct live_worker {
	struct mon_worker	 mw;
	int			 mon_fd, log_fd;
	struct msbuf		*in, *out, *login;
	struct msbuf		*req, *resp;	/* scratch, one request */
	int64_t			 started_ms;
	int64_t			 refused_ms;	/* login refused at; 0: not */
	int64_t			 last_ms;	/* last request from it */
	int64_t			 hold_until;	/* answer not sent before */
	char			 src[INET6_ADDRSTRLEN];
	int			 killed;
	struct ev_src		 mon_src, log_src;
	uint32_t		 mon_events;	/* registered interest */
	int			 pooled;	/* no connection handed yet */
	int			 ready;		/* READY came: it is sandboxed */
	int			 acl_held;	/* said it waits for an ACL change */
};

static int listen_fds[LISTEN_MAX];
static size_t nlisten;
static struct ev_src listen_src[LISTEN_MAX];
static struct live_worker **workers;
static size_t nworkers;
static int got_term, got_hup, got_chld;
static int sig_fd = -1;
static struct ev_src sig_src = { EV_SIGNAL, -1, NULL };
static int epfd = -1;
/* No worker timer is due before this (a lower bound; 0: look now). */
static int64_t next_deadline;
/*
 * The CredentialSocket (credsock.c) is one descriptor, itself an epoll
 * set, and has write deadlines of its own: it is serviced when readable
 * and at least every CRED_TICK_MS while it exists.
 */
#define CRED_TICK_MS		1000
static struct ev_src cred_src = { EV_CRED, -1, NULL };
static int cred_watched = -1;
static int64_t cred_due = NO_DEADLINE;
static struct ev_src writer_src = { EV_WRITER, -1, NULL };
static struct ev_src jobs_src = { EV_JOBS, -1, NULL };
static int64_t pool_hold_until;	/* POOL_BACKOFF_MS after a failed start */

static int
ev_ctl(int op, int fd, struct ev_src *src, uint32_t events)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.ptr = src;
	return epoll_ctl(epfd, op, fd, &ev);
}

/* Closing would drop the registration too; this keeps it explicit. */
static void
ev_close(int *fdp)
{
	if (*fdp == -1)
		return;
	if (epfd != -1)
		(void)epoll_ctl(epfd, EPOLL_CTL_DEL, *fdp, NULL);
	close(*fdp);
	*fdp = -1;
}

static int
listen_one(const char *addr, int port, char *err, size_t errlen)
{
	struct addrinfo hints, *ai = NULL, *a;
	char portstr[16];
	int fd = -1, on = 1, r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
	snprintf(portstr, sizeof(portstr), "%d", port);
	if ((r = getaddrinfo(addr, portstr, &hints, &ai)) != 0) {
		snprintf(err, errlen, "ListenAddress %s: %s", addr,
		    gai_strerror(r));
		return MS_ERR_INVALID_ARGUMENT;
	}
	for (a = ai; a != NULL; a = a->ai_next) {
		if (nlisten >= LISTEN_MAX)
			break;
		if ((fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, a->ai_protocol)) == -1) {
			snprintf(err, errlen, "ListenAddress %s port %d: "
			    "socket: %s", addr, port, strerror(errno));
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		if (a->ai_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on,
			    sizeof(on));
		if (bind(fd, a->ai_addr, a->ai_addrlen) == -1 ||
		    listen(fd, LISTEN_BACKLOG) == -1) {
			snprintf(err, errlen, "ListenAddress %s port %d: "
			    "cannot listen: %s", addr, port, strerror(errno));
			close(fd);
			freeaddrinfo(ai);
			return MS_ERR_SYSTEM;
		}
		listen_fds[nlisten++] = fd;
		logit("listening on %s port %d", addr, port);
	}
	freeaddrinfo(ai);
	return 0;
}

static int
listen_unix(const struct servconf *conf, const char *path, char *err,
    size_t errlen)
{
	int fd, r;

	if (nlisten >= LISTEN_MAX)
		return 0;
	if ((r = listen_unix_open(path, conf->unix_socket_mode,
	    conf->unix_socket_group, &fd, err, errlen)) != 0)
		return r;
	listen_fds[nlisten++] = fd;
	return 0;
}

int
server_listen(const struct servconf *conf, char *err, size_t errlen)
{
	const char *a;
	size_t i, plen = strlen(SERVCONF_UNIX_PREFIX);
	int r;

	snprintf(err, errlen, "no ListenAddress could be used");
	for (i = 0; i < conf->nlisten; i++) {
		a = conf->listen_addrs[i];
		if (strncmp(a, SERVCONF_UNIX_PREFIX, plen) == 0)
			r = listen_unix(conf, a + plen, err, errlen);
		else
			r = listen_one(a, conf->port, err, errlen);
		if (r != 0)
			return r;
	}
	if (nlisten == 0)
		return MS_ERR_SYSTEM;
	return credsock_listen(conf, err, errlen);
}

void
server_cleanup(void)
{
	listen_unix_cleanup();
}

static void
close_listeners(void)
{
	size_t i;

	for (i = 0; i < nlisten; i++)
		ev_close(&listen_fds[i]);
	nlisten = 0;
	listen_unix_cleanup();
}

/* A cleartext ALERT, for refusals before any worker exists. */
static void
send_alert(int fd, uint32_t status, const char *msg)
{
	struct msbuf *b;

	if ((b = msbuf_new(2 + 4 + 4 + MS_ALERT_MSG_MAX)) == NULL)
		return;
	if (ms_alert_put(b, 1, status, msg) == 0)
		(void)ms_frame_write(fd, MS_FRAME_ALERT, b);
	msbuf_free(b);
}

static void
format_peer(const struct sockaddr_storage *ss, char *src, size_t srclen,
    char *peer, size_t peerlen)
{
	char port[16];

	if (getnameinfo((const struct sockaddr *)ss, sizeof(*ss), src, srclen,
	    port, sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		strlcpy(src, "unknown", srclen);
		strlcpy(port, "0", sizeof(port));
	}
	if (ss->ss_family == AF_INET6)
		snprintf(peer, peerlen, "[%s]:%s", src, port);
	else
		snprintf(peer, peerlen, "%s:%s", src, port);
}

/* Unauthenticated connections (refused ones too, until they are gone). */
static int
unauthenticated(const struct live_worker *lw)
{
	return !lw->pooled && (lw->mw.state & MW_AUTHED) == 0;
}

static size_t
count_pooled(void)
{
	size_t i, n = 0;

	for (i = 0; i < nworkers; i++)
		if (workers[i]->pooled)
			n++;
	return n;
}

/* Pooled workers that can take a connection now. */
static size_t
count_ready(void)
{
	size_t i, n = 0;

	for (i = 0; i < nworkers; i++)
		if (workers[i]->pooled && workers[i]->ready &&
		    !workers[i]->killed)
			n++;
	return n;
}

/* Workers serving a connection: what the session limits count. */
static size_t
count_sessions(void)
{
	return nworkers - count_pooled();
}

/* Unauthenticated connections in all (src NULL) or from one address. */
static size_t
count_unauth(const char *src)
{
	size_t i, n = 0;

	for (i = 0; i < nworkers; i++)
		if (unauthenticated(workers[i]) &&
		    (src == NULL || strcmp(workers[i]->src, src) == 0))
			n++;
	return n;
}

static void
worker_free(struct live_worker *lw)
{
	/* Its write still completes (and is audited) without it. */
	if (lw->mw.sess.deferred != NULL)
		mon_write_disown(lw->mw.sess.deferred);
	if (lw->mw.job != NULL)
		mon_job_disown(lw->mw.job);
	ev_close(&lw->mon_fd);
	ev_close(&lw->log_fd);
	msbuf_free(lw->in);
	msbuf_free(lw->out);
	msbuf_free(lw->login);
	msbuf_free(lw->req);
	msbuf_free(lw->resp);
	mon_worker_clear(&lw->mw);
	free(lw);
}

static void
worker_kill(struct live_worker *lw, const char *why)
{
	if (lw->killed)
		return;
	error("killing worker %ld (%s): %s", (long)lw->mw.pid, lw->mw.peer, why);
	kill(lw->mw.pid, SIGKILL);
	lw->killed = 1;
	/* Stop listening to it; it is reaped on SIGCHLD. */
	ev_close(&lw->mon_fd);
}

/* Register both channels; the log one also outlives a killed worker. */
static int
worker_watch(struct live_worker *lw)
{
	lw->mon_src.kind = EV_MON;
	lw->mon_src.lw = lw;
	lw->log_src.kind = EV_LOG;
	lw->log_src.lw = lw;
	lw->mon_events = EPOLLIN;
	if (ev_ctl(EPOLL_CTL_ADD, lw->mon_fd, &lw->mon_src, EPOLLIN) == -1 ||
	    ev_ctl(EPOLL_CTL_ADD, lw->log_fd, &lw->log_src, EPOLLIN) == -1)
		return -1;
	return 0;
}

static void worker_settle(const struct mon_ctx *, struct live_worker *);

/* Its answer comes from the store writer or a store thread. */
static int
in_store(const struct live_worker *lw)
{
	return lw->mw.sess.deferred != NULL || lw->mw.job != NULL;
}

/* An answer waiting for its release time (AUTH_REFUSAL_FLOOR_MS). */
static int
held(const struct live_worker *lw, int64_t now)
{
	return msbuf_len(lw->out) > 0 && now < lw->hold_until;
}

static void
flush_out(struct live_worker *lw)
{
	ssize_t n;

	if (held(lw, ms_now_ms()))
		return;
	while (!lw->killed && msbuf_len(lw->out) > 0) {
		n = write(lw->mon_fd, msbuf_ptr(lw->out), msbuf_len(lw->out));
		if (n == -1 && (errno == EINTR))
			continue;
		if (n == -1 && errno == EAGAIN)
			break;
		if (n <= 0) {
			worker_kill(lw, "write to worker failed");
			break;
		}
		msbuf_consume(lw->out, (size_t)n);
	}
	/* Answers carry SECURE values in clear (GET): wipe what was sent. */
	msbuf_wipe_consumed(lw->out);
	if (msbuf_len(lw->out) == 0)
		(void)msbuf_shrink(lw->out, CHAN_BUF_KEEP);
}

/* Give a pooled worker up at once: SIGTERM, reload, or it misbehaved. */
static void
pool_retire(struct live_worker *lw)
{
	if (lw->killed)
		return;
	debug("retiring pooled worker %ld", (long)lw->mw.pid);
	kill(lw->mw.pid, SIGKILL);
	lw->killed = 1;
	ev_close(&lw->mon_fd);
}

static size_t
pool_retire_all(void)
{
	size_t i, n = 0;

	for (i = 0; i < nworkers; i++)
		if (workers[i]->pooled && !workers[i]->killed) {
			pool_retire(workers[i]);
			n++;
		}
	return n;
}

/*
 * fork+exec a worker, with its CONFIG queued (and normally written at
 * once: the channel is new and empty).  It goes into the table pooled.
 */
static struct live_worker *
spawn_worker(const struct mon_ctx *ctx, const struct server_opts *opts)
{
	struct live_worker *lw = NULL, **nw;
	struct spawned_worker sw;
	int saved;

	if ((nw = reallocarray(workers, nworkers + 1, sizeof(*workers))) == NULL)
		goto oom;
	workers = nw;
	if ((lw = calloc(1, sizeof(*lw))) == NULL ||
	    (lw->in = msbuf_new(MS_FRAME_MAX + MS_FRAME_HEADER_LEN)) == NULL ||
	    (lw->out = msbuf_new(MS_FRAME_MAX + MS_FRAME_HEADER_LEN)) == NULL ||
	    (lw->login = msbuf_new(64 * 1024)) == NULL ||
	    (lw->req = msbuf_new(MS_FRAME_MAX)) == NULL ||
	    (lw->resp = msbuf_new(MS_FRAME_MAX - 1)) == NULL)
		goto oom;
	lw->mon_fd = lw->log_fd = -1;
	if (worker_spawn(ctx->conf->worker_path, opts->debug, &sw) != 0) {
		saved = errno;
		error("cannot start a worker: %s", strerror(saved));
		worker_free(lw);
		errno = saved;
		return NULL;
	}
	mon_worker_init(&lw->mw, sw.pid, "pooled");
	lw->mon_fd = sw.mon_fd;
	lw->log_fd = sw.log_fd;
	lw->pooled = 1;
	lw->started_ms = lw->last_ms = ms_now_ms();
	workers[nworkers++] = lw;
	if (worker_watch(lw) != 0)
		worker_kill(lw, "cannot watch its channels");
	else if (pool_config_frame(ctx, opts, lw->out) != 0)
		worker_kill(lw, "cannot build config");
	flush_out(lw);
	worker_settle(ctx, lw);
	debug("started worker %ld", (long)sw.pid);
	return lw;
 oom:
	error_f("out of memory");
	if (lw != NULL)
		worker_free(lw);
	errno = ENOMEM;
	return NULL;
}

/* A pooled worker to take: a READY one if any (it is confined already). */
static struct live_worker *
pool_take(void)
{
	struct live_worker *any = NULL;
	size_t i;

	for (i = 0; i < nworkers; i++) {
		if (!workers[i]->pooled || workers[i]->killed ||
		    msbuf_len(workers[i]->out) != 0)
			continue;
		if (workers[i]->ready)
			return workers[i];
		if (any == NULL)
			any = workers[i];
	}
	return any;
}

/* How many workers the pool wants started now (0 during a backoff). */
static size_t
pool_wanted(const struct mon_ctx *ctx, int64_t now)
{
	struct pool_counts pc;

	if (now < pool_hold_until)
		return 0;
	memset(&pc, 0, sizeof(pc));
	pc.pool_size = ctx->conf->worker_pool_size;
	pc.max_sessions = ctx->conf->max_sessions;
	pc.fd_sessions = fdlimit_sessions_now();
	pc.pooled = count_pooled();
	pc.sessions = nworkers - pc.pooled;
	return pool_refill_count(&pc);
}

/* Keep WorkerPoolSize workers waiting, a few more per pass at most. */
static void
pool_refill(const struct mon_ctx *ctx, const struct server_opts *opts)
{
	size_t n;

	for (n = pool_wanted(ctx, ms_now_ms()); n > 0; n--)
		if (spawn_worker(ctx, opts) == NULL) {
			pool_hold_until = ms_now_ms() + POOL_BACKOFF_MS;
			break;
		}
}

/*
 * The connection goes to a pooled worker, or to one started for it when
 * the pool is empty (WorkerPoolSize 0, or drained by a burst): it then
 * waits for that worker's start-up, as before there was a pool.
 */
static struct live_worker *
handoff(const struct mon_ctx *ctx, const struct server_opts *opts, int fd,
    const char *peer, const char *src)
{
	struct live_worker *lw;
	int r;

	if ((lw = pool_take()) == NULL &&
	    (lw = spawn_worker(ctx, opts)) == NULL)
		return NULL;
	if (lw->killed || msbuf_len(lw->out) != 0) {
		errno = EAGAIN;
		return NULL;
	}
	if ((r = pool_handoff(lw->mon_fd, fd, peer)) != 0) {
		worker_kill(lw, "cannot hand the connection over");
		errno = EIO;
		return NULL;
	}
	lw->pooled = 0;
	strlcpy(lw->mw.peer, peer, sizeof(lw->mw.peer));
	strlcpy(lw->src, src, sizeof(lw->src));
	/* LoginGraceTime and the startup limits count from here. */
	lw->started_ms = lw->last_ms = ms_now_ms();
	return lw;
}

/* -1: nothing (more) to accept now. */
static int
accept_one(const struct mon_ctx *ctx, const struct server_opts *opts, int lfd)
{
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	struct live_worker *lw;
	struct mon_peercred pc;
	char src[INET6_ADDRSTRLEN], peer[64];
	size_t nsessions;
	int fd, saved;

	if ((fd = accept4(lfd, (struct sockaddr *)&ss, &sslen,
	    SOCK_CLOEXEC)) == -1) {
		if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
			error("accept: %s", strerror(errno));
		return -1;
	}
	memset(&pc, 0, sizeof(pc));
	if (ss.ss_family != AF_UNIX)
		format_peer(&ss, src, sizeof(src), peer, sizeof(peer));
	else if (listen_unix_peercred(fd, &pc, src, sizeof(src), peer,
	    sizeof(peer)) != 0)
		goto out;
	nsessions = count_sessions();
	if (nsessions >= (size_t)ctx->conf->max_sessions) {
		logit("refusing %s: MaxSessions (%d) reached", peer,
		    ctx->conf->max_sessions);
		send_alert(fd, MS_ST_LIMIT_REACHED, "too many sessions");
		goto out;
	}
	/* A reload may raise MaxSessions past what the descriptors allow. */
	if (nsessions >= (size_t)fdlimit_sessions_now()) {
		logit("refusing %s: descriptor limit reached (%zu sessions)",
		    peer, nsessions);
		send_alert(fd, MS_ST_LIMIT_REACHED, "too many sessions");
		goto out;
	}
	if (startups_refuse(&ctx->conf->max_startups,
	    (int)count_unauth(NULL))) {
		logit("refusing %s: MaxStartups %d:%d:%d (%zu unauthenticated)",
		    peer, ctx->conf->max_startups.start,
		    ctx->conf->max_startups.rate, ctx->conf->max_startups.full,
		    count_unauth(NULL));
		send_alert(fd, MS_ST_LIMIT_REACHED,
		    "too many unauthenticated connections");
		goto out;
	}
	if (count_unauth(src) >= (size_t)ctx->conf->per_source_max_startups) {
		logit("refusing %s: PerSourceMaxStartups (%d) reached", peer,
		    ctx->conf->per_source_max_startups);
		send_alert(fd, MS_ST_LIMIT_REACHED,
		    "too many sessions from this address");
		goto out;
	}
	if ((lw = handoff(ctx, opts, fd, peer, src)) == NULL) {
		saved = errno;
		error("refusing %s: cannot start a worker: %s", peer,
		    strerror(saved));
		if (saved == EMFILE || saved == ENFILE)
			send_alert(fd, MS_ST_LIMIT_REACHED, "too many sessions");
		else
			send_alert(fd, MS_ST_INTERNAL_ERROR, "internal error");
		goto out;
	}
	lw->mw.cred = pc;
	worker_settle(ctx, lw);
	if (pc.set)
		verbose("connection from unix peer uid %lu gid %lu pid %ld: "
		    "worker %ld", (u_long)pc.uid, (u_long)pc.gid, (long)pc.pid,
		    (long)lw->mw.pid);
	else
		verbose("connection from %s: worker %ld", peer,
		    (long)lw->mw.pid);
	/* INFO, not VERBOSE like the line above: the default log shows it. */
	if (ctx->conf->sandbox_debug)
		logit("warning: connection from %s: worker %ld: %s", peer,
		    (long)lw->mw.pid, SANDBOX_DEBUG_WARNING);
 out:
	close(fd);
	return 0;
}

/*
 * Before its connection a worker may say one thing: READY, once, when it
 * is confined.  Anything else is a worker that does not follow the
 * protocol, and it holds no client to be polite to.
 */
static int
pool_message(struct live_worker *lw, uint8_t type, const struct msbuf *req)
{
	if (lw->ready) {
		worker_kill(lw, "request before it was handed a connection");
		return -1;
	}
	if (type != MS_MON_READY || msbuf_len(req) != 0) {
		worker_kill(lw, "expected READY");
		/* A WorkerPath that always does this must not spin the loop. */
		pool_hold_until = ms_now_ms() + POOL_BACKOFF_MS;
		return -1;
	}
	lw->ready = 1;
	if (lw->pooled)
		verbose("worker %ld ready in the pool (%zu ready)",
		    (long)lw->mw.pid, count_ready());
	return 0;
}

/*
 * A logged-in worker's next request waits while an ACL change is queued
 * (mon_write_acl_pending): it is judged under the ACL that commit leaves.
 */
static int
held_for_acl(struct live_worker *lw)
{
	if ((lw->mw.state & MW_AUTHED) == 0 || !mon_write_acl_pending()) {
		lw->acl_held = 0;
		return 0;
	}
	if (!lw->acl_held && msbuf_len(lw->in) > 0) {
		debug_f("worker %ld: request waits for an ACL change to commit",
		    (long)lw->mw.pid);
		lw->acl_held = 1;
	}
	return 1;
}

static void
handle_requests(const struct mon_ctx *ctx, struct live_worker *lw)
{
	struct msbuf *req = lw->req, *resp = lw->resp;
	int64_t t0;
	uint8_t type;
	int r;

	/* One request at a time: the next waits until the answer is out. */
	while (!lw->killed && msbuf_len(lw->out) == 0 &&
	    !in_store(lw) && !held_for_acl(lw)) {
		t0 = ms_now_ms();
		r = ms_frame_parse(lw->in, &type, req, MS_FRAME_MAX);
		if (r == MS_ERR_MESSAGE_INCOMPLETE)
			break;
		if (r != 0) {
			error_fr(r, "worker %ld (%s): bad frame",
			    (long)lw->mw.pid, lw->mw.peer);
			worker_kill(lw, "malformed frame");
			break;
		}
		if (!lw->ready || lw->pooled) {
			if (pool_message(lw, type, req) != 0)
				break;
			continue;
		}
		if (mon_dispatch(ctx, &lw->mw, type, req, resp) != 0) {
			worker_kill(lw, "request refused");
			break;
		}
		lw->last_ms = ms_now_ms();
		if (in_store(lw))
			break;		/* answered by writes_done(), jobs_done() */
		if ((lw->mw.state & MW_REFUSED) && lw->refused_ms == 0) {
			/* The answer to a refused AUTH leaves at a fixed time. */
			lw->hold_until = t0 + AUTH_REFUSAL_FLOOR_MS;
			lw->refused_ms = lw->hold_until;
		}
		if ((r = ms_frame_encode(lw->out, type, resp)) != 0) {
			worker_kill(lw, "answer too large");
			break;
		}
		flush_out(lw);
	}
	/* So do requests (SET): wipe the frames taken from the channel. */
	msbuf_wipe_consumed(lw->in);
	/* And the copies made of them; each wipe stops at what was used. */
	msbuf_reset(req);
	msbuf_reset(resp);
	(void)msbuf_shrink(req, CHAN_BUF_KEEP);
	(void)msbuf_shrink(resp, CHAN_BUF_KEEP);
	(void)msbuf_shrink(lw->in, CHAN_BUF_KEEP);
}

/* ---- deferred writes: answered when the store writer is done ---- */

static struct live_worker *
owner_of(struct mon_write *mw)
{
	const struct mon_worker *w = mon_write_owner(mw);

	return w == NULL ? NULL : (struct live_worker *)((char *)w -
	    offsetof(struct live_worker, mw));
}

static void
write_done(const struct mon_ctx *ctx, struct mon_write *mw)
{
	struct live_worker *lw = owner_of(mw);
	struct msbuf *resp;
	int r;

	if ((resp = msbuf_new(MS_FRAME_MAX - 1)) == NULL)
		r = MS_ERR_ALLOC;
	else
		r = mon_write_answer(mw, resp);	/* audits, owner or not */
	if (lw != NULL) {
		lw->mw.sess.deferred = NULL;
		lw->last_ms = ms_now_ms();
		if (r != 0 || ms_frame_encode(lw->out, mon_write_type(mw),
		    resp) != 0)
			worker_kill(lw, "cannot build answer");
		else {
			flush_out(lw);
			handle_requests(ctx, lw);	/* what came meanwhile */
		}
		worker_settle(ctx, lw);
	}
	msbuf_free(resp);
	mon_write_free(mw);
}

/*
 * Requests held back while an ACL change was queued go on once it is
 * committed (nothing else wakes them: their bytes are read already).
 */
static void
release_acl_held(const struct mon_ctx *ctx)
{
	size_t i;

	if (mon_write_acl_pending())
		return;
	for (i = 0; i < nworkers; i++) {
		if (!workers[i]->acl_held || workers[i]->killed ||
		    workers[i]->mon_fd == -1)
			continue;
		handle_requests(ctx, workers[i]);
		worker_settle(ctx, workers[i]);
	}
}

static void
writes_done(const struct mon_ctx *ctx)
{
	struct store_wop *op, *next;

	for (op = store_writer_done(ctx->writer); op != NULL; op = next) {
		next = op->next;
		write_done(ctx, mon_write_of(op));
	}
	release_acl_held(ctx);
}

/* ---- requests served by the store threads (mon_async.c) ---- */

static void
job_done(const struct mon_ctx *ctx, struct mon_job *job)
{
	struct mon_worker *w = mon_job_owner(job);
	struct live_worker *lw;

	if (w == NULL)
		return;
	lw = (struct live_worker *)((char *)w -
	    offsetof(struct live_worker, mw));
	lw->last_ms = ms_now_ms();
	if (mon_job_finish(job, lw->resp) != 0) {
		worker_kill(lw, "request refused");
		return;
	}
	if (ms_frame_encode(lw->out, mon_job_type(job), lw->resp) != 0)
		worker_kill(lw, "answer too large");
	else {
		flush_out(lw);
		handle_requests(ctx, lw);	/* what came meanwhile */
	}
	worker_settle(ctx, lw);
}

static void
jobs_done(const struct mon_ctx *ctx)
{
	struct store_job *sj, *next;
	struct mon_job *job;

	for (sj = store_jobs_done(ctx->jobs); sj != NULL; sj = next) {
		next = sj->next;
		if (sj->done != NULL) {
			sj->done(sj);
			continue;
		}
		job = mon_job_of(sj);
		job_done(ctx, job);
		mon_job_free(job);
	}
}

/* ---- end of deferred writes ---- */

static void
read_requests(const struct mon_ctx *ctx, struct live_worker *lw)
{
	int r;

	if ((r = ms_frame_fill(lw->mon_fd, lw->in)) != 0) {
		if (r == MS_ERR_CONN_CLOSED) {
			debug_f("worker %ld closed its channel",
			    (long)lw->mw.pid);
			ev_close(&lw->mon_fd);
		} else
			worker_kill(lw, "read from worker failed");
		return;
	}
	handle_requests(ctx, lw);
}

/* Worker log lines (msg_log.h).  Never above ERROR. */
static void
read_log(struct live_worker *lw)
{
	struct msbuf *f;
	char *line;
	uint8_t type, level;
	int r;

	if ((r = ms_frame_fill(lw->log_fd, lw->login)) != 0) {
		ev_close(&lw->log_fd);
		return;
	}
	if ((f = msbuf_new(MS_LOG_MSG_MAX)) == NULL)
		return;
	/* The frame length counts the type byte too. */
	while ((r = ms_frame_parse(lw->login, &type, f,
	    1 + MS_LOG_MSG_MAX)) == 0) {
		if (type != MS_LOG_FRAME ||
		    ms_log_msg_parse(f, &level, &line) != 0) {
			worker_kill(lw, "malformed log frame");
			break;
		}
		if (level < MS_LOG_ERROR)
			level = MS_LOG_ERROR;
		if (level > MS_LOG_DEBUG3)
			level = MS_LOG_DEBUG3;
		ms_log(__FILE__, "worker", __LINE__, level, 0, NULL,
		    "worker %ld (%s): %s", (long)lw->mw.pid, lw->mw.peer, line);
		free(line);
		msbuf_reset(f);
	}
	if (r != 0 && r != MS_ERR_MESSAGE_INCOMPLETE)
		worker_kill(lw, "malformed log channel");
	msbuf_free(f);
}

/*
 * Always name a signal the monitor did not send: a worker that crashed
 * mid-request first shows as a failed read (and is "killed" for it), but
 * the wait status still tells what really ended it.
 */
static void
describe_exit(struct live_worker *lw, int status)
{
	int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;

	if (sig == SIGSYS)
		error("worker %ld (%s) killed by the sandbox (SIGSYS)",
		    (long)lw->mw.pid, lw->mw.peer);
	else if (sig == SIGKILL && lw->killed)
		debug("worker %ld (%s) killed by the monitor",
		    (long)lw->mw.pid, lw->mw.peer);
	else if (sig != 0)
		error("worker %ld (%s) died of signal %d (%s)",
		    (long)lw->mw.pid, lw->mw.peer, sig, strsignal(sig));
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		error("worker %ld (%s) could not be started (exit 127: "
		    "WorkerPath cannot be run, or no descriptors were left)",
		    (long)lw->mw.pid, lw->mw.peer);
	else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		verbose("worker %ld (%s) exited with status %d",
		    (long)lw->mw.pid, lw->mw.peer, WEXITSTATUS(status));
	else
		debug("worker %ld (%s) finished", (long)lw->mw.pid,
		    lw->mw.peer);
}

static void
reap_workers(void)
{
	size_t i;
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < nworkers; i++) {
			if (workers[i]->mw.pid != pid)
				continue;
			describe_exit(workers[i], status);
			if (workers[i]->pooled && !workers[i]->killed) {
				logit("pooled worker %ld died while waiting; "
				    "replacing it", (long)pid);
				if (!workers[i]->ready)
					pool_hold_until = ms_now_ms() +
					    POOL_BACKOFF_MS;
			}
			/* Drain remaining log lines before forgetting it. */
			if (workers[i]->log_fd != -1)
				read_log(workers[i]);
			worker_free(workers[i]);
			workers[i] = workers[--nworkers];
			break;
		}
	}
}

static int64_t
login_limit_ms(const struct mon_ctx *ctx)
{
	return (int64_t)ctx->conf->login_grace_time * 1000 +
	    WORKER_AUTH_SLACK_MS;
}

/* When check_deadlines has something to do for this worker next. */
static int64_t
worker_deadline(const struct mon_ctx *ctx, const struct live_worker *lw)
{
	int64_t d = NO_DEADLINE;

	if (lw->killed)
		return NO_DEADLINE;	/* only waits for its SIGCHLD */
	if (lw->pooled)
		return lw->ready ? NO_DEADLINE :
		    lw->started_ms + POOL_READY_TIMEOUT_MS + 1;
	if (held(lw, ms_now_ms()))
		d = lw->hold_until;
	/* The checks below are "more than": one past the limit. */
	if (lw->mw.state & MW_REFUSED)
		d = MINIMUM(d, lw->refused_ms + WORKER_REFUSED_LINGER_MS + 1);
	else if (lw->mw.state & MW_AUTHED) {
		if (ctx->conf->idle_timeout > 0 && !in_store(lw))
			d = MINIMUM(d, lw->last_ms +
			    ctx->conf->idle_timeout * 1000LL + 1);
	} else
		d = MINIMUM(d, lw->started_ms + login_limit_ms(ctx) + 1);
	return d;
}

static void
note_deadline(int64_t d)
{
	if (d < next_deadline)
		next_deadline = d;
}

/* What the channel waits for follows from the worker's state. */
static uint32_t
mon_interest(const struct live_worker *lw, int64_t now)
{
	/* Busy: its answer is not out yet, so its next request waits. */
	if (msbuf_len(lw->out) > 0)
		return held(lw, now) ? 0 : EPOLLOUT;
	/*
	 * A worker whose answer is deferred (the store writer gives it
	 * later) is not read further: write_done() settles it again once
	 * its answer is in lw->out.
	 */
	if (in_store(lw))
		return 0;
	return EPOLLIN;
}

/* After anything that changed a worker: interest and timer. */
static void
worker_settle(const struct mon_ctx *ctx, struct live_worker *lw)
{
	uint32_t want;

	if (lw->mon_fd != -1 && !lw->killed &&
	    (want = mon_interest(lw, ms_now_ms())) != lw->mon_events) {
		if (ev_ctl(EPOLL_CTL_MOD, lw->mon_fd, &lw->mon_src,
		    want) == -1)
			worker_kill(lw, "cannot watch its channel");
		else
			lw->mon_events = want;
	}
	note_deadline(worker_deadline(ctx, lw));
}

/* An answer whose hold ended goes out now; what queued behind it next. */
static void
release_held(const struct mon_ctx *ctx, struct live_worker *lw)
{
	flush_out(lw);
	if (lw->mon_fd != -1 && msbuf_len(lw->out) == 0 &&
	    msbuf_len(lw->in) > 0)
		handle_requests(ctx, lw);
	worker_settle(ctx, lw);
}

/*
 * Runs when next_deadline is reached, and sets the next one: the loop
 * sleeps until then instead of scanning every worker each pass.
 */
static void
check_deadlines(const struct mon_ctx *ctx)
{
	int64_t now = ms_now_ms(), limit;
	size_t i;

	next_deadline = NO_DEADLINE;
	limit = login_limit_ms(ctx);
	for (i = 0; i < nworkers; i++) {
		if (workers[i]->killed)
			continue;
		if (workers[i]->pooled) {
			if (!workers[i]->ready && now - workers[i]->started_ms >
			    POOL_READY_TIMEOUT_MS)
				worker_kill(workers[i], "not READY in time");
			note_deadline(worker_deadline(ctx, workers[i]));
			continue;
		}
		if (msbuf_len(workers[i]->out) > 0 && !held(workers[i], now) &&
		    workers[i]->mon_events != EPOLLOUT)
			release_held(ctx, workers[i]);
		/*
		 * A refused worker may only pass the alert on and exit; one
		 * that stays would hold a session slot for ever.
		 */
		if (workers[i]->mw.state & MW_REFUSED) {
			if (now - workers[i]->refused_ms > WORKER_REFUSED_LINGER_MS)
				worker_kill(workers[i], "still running after "
				    "its login was refused");
		} else if (workers[i]->mw.state & MW_AUTHED) {
			/*
			 * Enforced here, where a compromised worker cannot
			 * skip it: every client request reaches the monitor.
			 */
			if (ctx->conf->idle_timeout > 0 &&
			    !in_store(workers[i]) && now -
			    workers[i]->last_ms > ctx->conf->idle_timeout * 1000LL)
				worker_kill(workers[i], "session idle longer "
				    "than IdleTimeout");
		} else if (now - workers[i]->started_ms > limit)
			worker_kill(workers[i], "LoginGraceTime exceeded");
		note_deadline(worker_deadline(ctx, workers[i]));
	}
}

/* StrictModes: a reloaded file that fails the checks is not read. */
static int
reload_safe(const struct servconf *c, const char *kw, const char *path,
    char *err, size_t errlen)
{
	if (!c->strict_modes || path == NULL)
		return 0;
	return strictmodes_check(kw, path, SM_TRUSTED, err, errlen);
}

/*
 * Trusted CAs and CRLs: a new store replaces the old one only when it
 * loaded completely.  Live connections hold nothing of it.
 */
static void
reload_certs(struct mon_ctx *ctx)
{
	const struct servconf *c = ctx->conf;
	struct ms_cert_policy pol;
	struct ms_certs *fresh = NULL;
	char err[512];

	if (c->trusted_user_ca_file == NULL)
		return;
	logit("SIGHUP: reloading %s%s%s", c->trusted_user_ca_file,
	    c->revocation_list ? " and " : "",
	    c->revocation_list ? c->revocation_list : "");
	servconf_cert_policy(c, &pol);
	if (reload_safe(c, "TrustedUserCAFile", c->trusted_user_ca_file, err,
	    sizeof(err)) != 0 || reload_safe(c, "RevocationList",
	    c->revocation_list, err, sizeof(err)) != 0 ||
	    ms_certs_load(&pol, &fresh, err, sizeof(err)) != 0) {
		error("reload failed, keeping the old CAs and CRLs: %s", err);
		return;
	}
	ms_certs_free(ctx->certs);
	ctx->certs = fresh;
	logit("loaded %zu trusted CA certificate(s), %zu CRL(s)",
	    ms_certs_ncas(fresh), ms_certs_ncrls(fresh));
}

/*
 * SIGHUP: reopen the -E file (logrotate), compare the main configuration
 * and apply what may change live, reload the principals, CAs and CRLs.
 * Each file that fails to load is logged and its old contents kept.
 */
static void
reload(struct mon_ctx *ctx, struct principals *principals,
    const struct server_opts *opts)
{
	struct principals fresh;
	char err[512];
	size_t n;

	notify_reloading();
	ms_log_reopen();
	logit("SIGHUP: reloading %s", opts->config_path);
	if (opts->conf != NULL)
		(void)reload_config(opts->conf, opts->config_path, opts->debug);
	logit("SIGHUP: reloading %s", ctx->conf->principals_file);
	if (reload_safe(ctx->conf, "AuthorizedPrincipalsFile",
	    ctx->conf->principals_file, err, sizeof(err)) != 0 ||
	    principals_load(ctx->conf->principals_file, &fresh, err,
	    sizeof(err)) != 0)
		error("reload failed, keeping the old principals: %s", err);
	else if (fresh.n == 0 && principals->n > 0 &&
	    !ctx->conf->allow_empty_principals) {
		/* A truncated or emptied file would lock everybody out. */
		error("reload failed, keeping the old %zu principals: %s has "
		    "no principals (AllowEmptyPrincipals yes accepts that)",
		    principals->n, ctx->conf->principals_file);
		principals_free(&fresh);
	} else {
		principals_free(principals);
		*principals = fresh;
		ctx->principals = principals;
		logit("loaded %zu principals from %s", principals->n,
		    ctx->conf->principals_file);
	}
	reload_certs(ctx);
	credsock_reload(ctx->conf);
	/* Pooled workers were configured with the old settings. */
	if ((n = pool_retire_all()) > 0)
		logit("SIGHUP: replacing %zu pooled worker(s)", n);
	notify_ready(0, count_sessions());
}

/*
 * glibc raises its mmap threshold to the size of each mmap'd block freed,
 * so after one 1 MiB answer every later one would come from the heap and
 * stay there.  A fixed threshold keeps large buffers in their own
 * mappings, returned to the system when msbuf_shrink() frees them.
 */
static void
malloc_tune(void)
{
#ifdef M_MMAP_THRESHOLD
	if (mallopt(M_MMAP_THRESHOLD, 128 * 1024) != 1)
		debug_f("mallopt M_MMAP_THRESHOLD failed");
#endif
}

/*
 * Blocked and read from a signalfd, never delivered: a handled signal
 * would push the interrupted registers onto the stack, and the vector
 * registers may still hold the last value the monitor copied (a SECURE
 * one), left there in a dead frame.  Workers unblock them (spawn.c).
 */
static void
loop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGCHLD);
}

/*
 * From the moment start-up reports ready: a SIGTERM sent then waits for
 * the loop instead of killing the daemon before it could say STOPPING.
 */
void
server_block_signals(void)
{
	sigset_t set;

	loop_signals(&set);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		fatal_f("sigprocmask: %s", strerror(errno));
}

static void
install_signals(void)
{
	sigset_t set;

	server_block_signals();
	loop_signals(&set);
	if ((sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) == -1)
		fatal_f("signalfd: %s", strerror(errno));
	signal(SIGPIPE, SIG_IGN);
	/* Reserved: neither kills the daemon nor does anything yet. */
	signal(SIGUSR1, SIG_IGN);
	signal(SIGUSR2, SIG_IGN);
}

/* The next pass acts on what arrived. */
static void
read_signals(void)
{
	struct signalfd_siginfo si;

	while (read(sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			got_hup = 1;
		else if (si.ssi_signo == SIGCHLD)
			got_chld = 1;
		else
			got_term = 1;
	}
}

static void
service_credsock(const struct mon_ctx *ctx)
{
	credsock_service(ctx);
	cred_due = ms_now_ms() + CRED_TICK_MS;
}

static void
unwatch_credsock(void)
{
	if (cred_watched != -1 && epfd != -1)
		(void)epoll_ctl(epfd, EPOLL_CTL_DEL, cred_watched, NULL);
	cred_watched = -1;
	cred_due = NO_DEADLINE;
}

static void
watch_credsock(void)
{
	int fd;

	if ((fd = credsock_fd()) == -1)
		return;
	if (ev_ctl(EPOLL_CTL_ADD, fd, &cred_src, EPOLLIN) == -1)
		fatal_f("epoll_ctl: %s", strerror(errno));
	cred_watched = fd;
	cred_due = ms_now_ms() + CRED_TICK_MS;
}

static void
watch_loop_fds(void)
{
	size_t i;

	if ((epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		fatal_f("epoll_create1: %s", strerror(errno));
	if (ev_ctl(EPOLL_CTL_ADD, sig_fd, &sig_src, EPOLLIN) == -1)
		fatal_f("epoll_ctl: %s", strerror(errno));
	for (i = 0; i < nlisten; i++) {
		listen_src[i].kind = EV_LISTEN;
		listen_src[i].fd = listen_fds[i];
		if (ev_ctl(EPOLL_CTL_ADD, listen_fds[i], &listen_src[i],
		    EPOLLIN) == -1)
			fatal_f("epoll_ctl: %s", strerror(errno));
	}
}

static void
service_mon(const struct mon_ctx *ctx, struct live_worker *lw, uint32_t ev)
{
	if (lw->mon_fd == -1)
		return;
	if (ev & EPOLLOUT)
		flush_out(lw);
	if (lw->mon_fd != -1 && (ev & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		read_requests(ctx, lw);
	else if (lw->mon_fd != -1 && msbuf_len(lw->out) == 0 &&
	    msbuf_len(lw->in) > 0)
		handle_requests(ctx, lw);
	worker_settle(ctx, lw);
}

static void
service_listener(const struct mon_ctx *ctx, const struct server_opts *opts,
    int lfd)
{
	int i;

	for (i = 0; i < ACCEPT_BATCH; i++)
		if (accept_one(ctx, opts, lfd) != 0)
			break;
}

/*
 * Level-triggered: a channel that became readable while this pass ran
 * (an answer written late in it, the next request already back) is
 * reported by the next epoll_wait like every other, so no worker loses
 * its turn.  Workers killed in this pass are still allocated: they are
 * freed only by reap_workers(), between passes.
 */
static void
service_events(const struct mon_ctx *ctx, const struct server_opts *opts,
    const struct epoll_event *evs, int n, int accepting)
{
	struct ev_src *src;
	int i;

	for (i = 0; i < n; i++) {
		src = evs[i].data.ptr;
		switch (src->kind) {
		case EV_SIGNAL:
			read_signals();
			break;
		case EV_LISTEN:
			if (accepting)
				service_listener(ctx, opts, src->fd);
			break;
		case EV_MON:
			service_mon(ctx, src->lw, evs[i].events);
			break;
		case EV_LOG:
			if (src->lw->log_fd != -1)
				read_log(src->lw);
			break;
		case EV_CRED:
			if (accepting && cred_watched != -1)
				service_credsock(ctx);
			break;
		case EV_WRITER:
			writes_done(ctx);
			break;
		case EV_JOBS:
			jobs_done(ctx);
			break;
		}
	}
}

/* Sleep until the next timer, a signal or I/O; -1: nothing is timed. */
static int
wait_timeout(const struct mon_ctx *ctx, int64_t now, int accepting,
    int64_t drain_deadline)
{
	int64_t d = next_deadline, t;

	d = MINIMUM(d, notify_sessions_due(count_sessions()));
	if (accepting)
		d = MINIMUM(d, cred_due);
	/* The pool refills after its backoff even if nothing else happens. */
	if (accepting && pool_hold_until > now &&
	    count_pooled() < (size_t)ctx->conf->worker_pool_size)
		d = MINIMUM(d, pool_hold_until);
	if (!accepting && now <= drain_deadline)
		d = MINIMUM(d, drain_deadline + 1);
	if (d == NO_DEADLINE)
		return -1;
	t = d - now;
	return t <= 0 ? 0 : t > INT32_MAX ? INT32_MAX : (int)t;
}

/*
 * A store that may block (etcd) gets store threads that serve whole data
 * requests; LMDB gets the writer thread, its reads staying on the loop.
 */
static void
start_store_threads(struct mon_ctx *ctx)
{
	int r, fd;

	if (ms_store_blocking(ctx->store)) {
		if ((r = store_jobs_start(STORE_THREADS, JOBS_MAX,
		    &ctx->jobs)) != 0)
			fatal_fr(r, "cannot start the store threads");
		fd = store_jobs_fd(ctx->jobs);
		jobs_src.fd = fd;
		if (ev_ctl(EPOLL_CTL_ADD, fd, &jobs_src, EPOLLIN) == -1)
			fatal_f("epoll_ctl: %s", strerror(errno));
		return;
	}
	if ((r = store_writer_start(ctx->store, WRITES_MAX, &ctx->writer)) != 0)
		fatal_fr(r, "cannot start the store writer");
	if (ev_ctl(EPOLL_CTL_ADD, store_writer_fd(ctx->writer), &writer_src,
	    EPOLLIN) == -1)
		fatal_f("epoll_ctl: %s", strerror(errno));
}

/* Writes and requests whose workers are gone still end and are audited. */
static void
stop_store_threads(struct mon_ctx *ctx)
{
	unsigned long long groups, nwrites;

	if (ctx->jobs != NULL) {
		store_jobs_stop(ctx->jobs);
		jobs_done(ctx);
		store_jobs_free(ctx->jobs);
		ctx->jobs = NULL;
		return;
	}
	store_writer_stop(ctx->writer);
	writes_done(ctx);
	store_writer_counts(ctx->writer, &groups, &nwrites);
	verbose("store writer: %llu write(s) in %llu commit(s)", nwrites,
	    groups);
	store_writer_free(ctx->writer);
	ctx->writer = NULL;
}

int
server_run(struct mon_ctx *ctx, struct principals *principals,
    const struct server_opts *opts)
{
	struct epoll_event evs[EPOLL_BATCH];
	int64_t drain_deadline = 0, now;
	size_t i;
	int accepting = 1, n;

	malloc_tune();
	install_signals();
	watch_loop_fds();
	watch_credsock();
	start_store_threads(ctx);
	got_chld = 1;		/* anything that ended before the signalfd */
	next_deadline = 0;
	setproctitle("listener");
	for (;;) {
		if (got_hup) {
			got_hup = 0;
			reload(ctx, principals, opts);
			next_deadline = 0;	/* the timeouts may change */
		}
		if (got_term && accepting) {
			notify_stopping();
			logit("SIGTERM: closing listeners, draining %zu "
			    "connection(s)", count_sessions());
			close_listeners();
			unwatch_credsock();
			credsock_close();
			accepting = 0;
			drain_deadline = ms_now_ms() + DRAIN_TIMEOUT_MS;
			/* Nothing to drain in a pooled worker. */
			(void)pool_retire_all();
			/* Each ends after its request with SHUTTING_DOWN. */
			for (i = 0; i < nworkers; i++)
				if (!workers[i]->killed)
					(void)kill(workers[i]->mw.pid, SIGTERM);
		}
		if (got_chld) {
			got_chld = 0;
			reap_workers();
		}
		now = ms_now_ms();
		if (accepting) {
			pool_refill(ctx, opts);
			notify_sessions(count_sessions(), now);
		}
		if (now >= next_deadline)
			check_deadlines(ctx);
		if (!accepting && nworkers == 0)
			break;
		if (!accepting && now > drain_deadline) {
			for (i = 0; i < nworkers; i++)
				worker_kill(workers[i], "shutdown");
		}
		if ((n = epoll_wait(epfd, evs, EPOLL_BATCH,
		    wait_timeout(ctx, now, accepting, drain_deadline))) == -1) {
			if (errno != EINTR)
				fatal_f("epoll_wait: %s", strerror(errno));
			n = 0;
		}
		service_events(ctx, opts, evs, n, accepting);
		if (accepting && ms_now_ms() >= cred_due)
			service_credsock(ctx);
	}
	stop_store_threads(ctx);
	free(workers);
	unwatch_credsock();
	credsock_close();
	close(epfd);
	epfd = -1;
	logit("all connections finished, exiting");
	return 0;
}
