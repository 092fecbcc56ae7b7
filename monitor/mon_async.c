/*
 * mon_async.c — data requests served by the store threads (store_jobs.h)
 * when the store may block (ms_store_blocking: etcd).
 *
 * mon_dispatch() has checked the worker's state and parsed the whole
 * request; instead of calling the row's handler it hands both to a job:
 * a copy of what the handlers read of the worker (pid, peer, peer
 * credentials, the bound principal, its groups, the login kind) and the
 * parsed request, which the job owns from then on.  A store thread runs
 * the very handler the loop would have run — ACL evaluation, the SENSITIVE
 * rule, the store call, the audit line — with the request's deadline as
 * its store deadline, into the job's own answer buffer.  The loop then
 * applies the verdict to the worker (mon_dispatch_verdict) and sends the
 * answer.  Nothing more is read from that worker meanwhile, so its
 * requests stay one at a time and in order.
 *
 * A job outlives a worker that dies meanwhile: its write still commits
 * and is audited; only the answer is dropped.
 *
 * STATUS is not a job: it must answer while the cluster is down.  With a
 * blocking store it reports the usage a store thread measured last (at
 * most USAGE_MAX_AGE_MS old, refreshed in the background).
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "errors.h"
#include "frame.h"
#include "log.h"
#include "mon.h"
#include "store.h"
#include "store_jobs.h"
#include "timeio.h"

#define USAGE_MAX_AGE_MS	5000

struct mon_job {
	struct store_job	 sj;		/* first: mon_job_of() */
	const struct mon_ctx	*ctx;
	struct mon_async_row	 row;
	struct mon_worker	 w;		/* the handlers' view of it */
	struct mon_worker	*owner;		/* NULL: gone */
	union mon_req		 pr;
	struct msbuf		*resp;
	struct mon_verdict	 verdict;
};

/* The usage refresh: one at a time, its result copied by the loop. */
struct usage_job {
	struct store_job	 sj;
	const struct mon_ctx	*ctx;
	int			 status;	/* enum ms_store_status */
	struct ms_store_usage	 u;
};

static struct usage_job usage_job;
static int usage_running;
static int64_t usage_when;		/* of the last measurement; 0: none */
static struct ms_store_usage usage_seen;

static void usage_done(struct store_job *sj);

/*
 * A write that lost its commit to another host's (mon_write.c, rerun)
 * runs again as a new request: a fresh snapshot, the ACL judged again.
 * The deadline bounds the attempts: past it every store call fails at
 * once, and the request is answered STORE_UNAVAILABLE.
 */
static void
job_run(struct store_job *sj)
{
	struct mon_job *j = (struct mon_job *)sj;

	for (;;) {
		msbuf_reset(j->resp);
		j->w.sess.rerun = 0;
		j->verdict = j->row.handle(j->ctx, &j->w, &j->w.sess, &j->pr,
		    j->resp);
		if (!j->w.sess.rerun)
			break;
		ms_store_set_deadline(j->sj.deadline);	/* a new request */
	}
}

/* What audit lines and handlers read of a worker, and nothing else. */
static int
copy_worker(struct mon_worker *dst, const struct mon_worker *src)
{
	size_t i;

	memset(dst, 0, sizeof(*dst));
	dst->pid = src->pid;
	strlcpy(dst->peer, src->peer, sizeof(dst->peer));
	dst->cred = src->cred;
	dst->state = src->state;
	strlcpy(dst->sess.principal, src->sess.principal,
	    sizeof(dst->sess.principal));
	dst->sess.cert_auth = src->sess.cert_auth;
	dst->sess.not_after = src->sess.not_after;
	for (i = 0; i < src->sess.ngroups; i++) {
		if ((dst->sess.groups[i] = strdup(src->sess.groups[i])) == NULL)
			return MS_ERR_ALLOC;
		dst->sess.ngroups++;
	}
	return 0;
}

void
mon_job_free(struct mon_job *j)
{
	if (j == NULL)
		return;
	if (j->row.free != NULL)
		j->row.free(&j->pr);
	msbuf_free(j->resp);
	mon_worker_clear(&j->w);
	freezero(j, sizeof(*j));
}

/*
 * No room for another job (never, with the limit above the number of
 * workers): answer at once as a store past its deadline would, without
 * waiting on it.
 */
static struct mon_verdict
run_expired(const struct mon_ctx *ctx, struct mon_worker *w,
    const struct mon_async_row *row, union mon_req *pr, struct msbuf *resp)
{
	struct mon_verdict v;

	ms_store_set_deadline(1);
	v = row->handle(ctx, w, &w->sess, pr, resp);
	ms_store_set_deadline(0);
	return v;
}

int
mon_async_start(const struct mon_ctx *ctx, struct mon_worker *w,
    const struct mon_async_row *row, union mon_req *pr, struct msbuf *resp,
    struct mon_verdict *vp)
{
	struct mon_job *j;
	int r;

	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (j->resp = msbuf_new(MS_FRAME_MAX - 1)) == NULL ||
	    copy_worker(&j->w, w) != 0) {
		mon_job_free(j);
		return MS_ERR_ALLOC;
	}
	j->sj.run = job_run;
	j->sj.deadline = ms_now_ms() + ctx->store_timeout_ms;
	j->ctx = ctx;
	j->row = *row;
	j->owner = w;
	/* The job owns the parsed request from here on. */
	j->pr = *pr;
	memset(pr, 0, sizeof(*pr));
	w->job = j;
	if ((r = store_jobs_submit(ctx->jobs, &j->sj)) != 0) {
		error_fr(r, "worker %ld: store threads", (long)w->pid);
		w->job = NULL;
		*pr = j->pr;		/* the caller's again */
		j->row.free = NULL;
		mon_job_free(j);
		*vp = run_expired(ctx, w, row, pr, resp);
		return 0;
	}
	vp->kind = MON_OK;
	return 0;
}

static void
usage_run(struct store_job *sj)
{
	struct usage_job *u = (struct usage_job *)sj;

	memset(&u->u, 0, sizeof(u->u));
	u->status = ms_store_usage(u->ctx->store, &u->u);
}

/* Start a measurement when the last one is old and none is running. */
static void
usage_refresh(const struct mon_ctx *ctx)
{
	int64_t now = ms_now_ms();

	if (usage_running || (usage_when != 0 &&
	    now - usage_when < USAGE_MAX_AGE_MS))
		return;
	memset(&usage_job, 0, sizeof(usage_job));
	usage_job.sj.run = usage_run;
	usage_job.sj.done = usage_done;
	usage_job.sj.deadline = now + ctx->store_timeout_ms;
	usage_job.ctx = ctx;
	if (store_jobs_submit(ctx->jobs, &usage_job.sj) == 0)
		usage_running = 1;
}

int
mon_async_usage(const struct mon_ctx *ctx, struct ms_store_usage *u)
{
	usage_refresh(ctx);
	*u = usage_seen;
	return MS_STORE_OK;
}

static void
usage_done(struct store_job *sj)
{
	usage_running = 0;
	if (usage_job.status == MS_STORE_OK) {
		usage_seen = usage_job.u;
		usage_when = ms_now_ms();
	} else
		verbose_f("store usage: %s", ms_store_strerror(usage_job.status));
}

struct mon_job *
mon_job_of(struct store_job *sj)
{
	return (struct mon_job *)sj;
}

struct mon_worker *
mon_job_owner(const struct mon_job *j)
{
	return j->owner;
}

void
mon_job_disown(struct mon_job *j)
{
	j->owner = NULL;
}

uint8_t
mon_job_type(const struct mon_job *j)
{
	return j->row.type;
}

int
mon_job_finish(struct mon_job *j, struct msbuf *resp)
{
	struct mon_worker *w = j->owner;
	int r;

	if (w == NULL)
		return 0;
	w->job = NULL;
	if ((r = mon_dispatch_verdict(w, &j->row, j->verdict)) != 0)
		return r;
	msbuf_reset(resp);
	return msbuf_put(resp, msbuf_ptr(j->resp), msbuf_len(j->resp));
}
