/*
 * test_mon_dispatch_async.c — data requests served by store threads
 * (mon_async.c), as the monitor does when its store may block (etcd):
 * the same handlers and ACL decisions as inline, an answer that comes
 * back through the jobs' eventfd, a write that still commits when its
 * worker is gone, and requests that never wait for a thread: STATUS, and
 * any request when no thread can take it.
 */
#include "mon_dispatch_fixture.h"

#include <poll.h>
#include <pthread.h>

#include "store_jobs.h"

static int
setup_async(void **state)
{
	struct fixture *f;
	int r;

	if ((r = setup(state)) != 0)
		return r;
	f = *state;
	f->ctx.store_timeout_ms = 5000;
	return store_jobs_start(2, 64, &f->ctx.jobs) == 0 ? 0 : -1;
}

static int
teardown_async(void **state)
{
	struct fixture *f = *state;

	store_jobs_free(f->ctx.jobs);
	f->ctx.jobs = NULL;
	return teardown(state);
}

static void
login(struct fixture *f, struct session *s, EVP_PKEY *key)
{
	session_start(f, s);
	session_kex(f, s);
	assert_int_equal(session_auth(f, s, key, key, 0), MS_ST_OK);
}

static void
test_async_acl_enforced(void **state)
{
	struct fixture *f = *state;
	struct session a, b;
	char v[64];

	login(f, &a, f->alice);
	login(f, &b, f->bob);
	f->async_answers = 0;
	assert_int_equal(data_set(f, &a, "/async", "k", 0, "v1"), MS_ST_OK);
	assert_int_equal(data_get(f, &b, "/async", "k", v, sizeof(v)),
	    MS_ST_ACCESS_DENIED);
	assert_int_equal(data_set(f, &b, "/async", "k", 0, "evil"),
	    MS_ST_ACCESS_DENIED);
	assert_int_equal(data_get(f, &a, "/async", "k", v, sizeof(v)),
	    MS_ST_OK);
	assert_string_equal(v, "v1");
	/* Every one of them went through a store thread. */
	assert_int_equal(f->async_answers, 4);
	assert_int_equal(a.w.state, MW_AUTHED);
	session_free(&a);
	session_free(&b);
}

static void
wait_done(struct fixture *f, size_t n)
{
	struct pollfd pfd;
	struct store_job *sj, *next;

	while (n > 0) {
		pfd.fd = store_jobs_fd(f->ctx.jobs);
		pfd.events = POLLIN;
		assert_int_equal(poll(&pfd, 1, 30000), 1);
		for (sj = store_jobs_done(f->ctx.jobs); sj != NULL; sj = next) {
			next = sj->next;
			assert_null(sj->done);
			assert_int_equal(mon_job_finish(mon_job_of(sj), NULL), 0);
			mon_job_free(mon_job_of(sj));
			n--;
		}
	}
}

/* A worker killed while its SET is in a thread: the write still lands. */
static void
test_async_write_outlives_worker(void **state)
{
	struct fixture *f = *state;
	struct msbuf *req = newbuf(), *resp = newbuf();
	struct session a;
	char v[64];

	login(f, &a, f->alice);
	assert_int_equal(msbuf_put_cstring(req, "/orphan"), 0);
	assert_int_equal(msbuf_put_cstring(req, "k"), 0);
	assert_int_equal(msbuf_put_u8(req, 0), 0);
	assert_int_equal(msbuf_put_cstring(req, "kept"), 0);
	assert_int_equal(mon_dispatch(&f->ctx, &a.w, MS_MON_SET, req, resp), 0);
	assert_non_null(a.w.job);
	assert_int_equal(msbuf_len(resp), 0);
	mon_job_disown(a.w.job);
	a.w.job = NULL;
	wait_done(f, 1);
	assert_int_equal(data_get(f, &a, "/orphan", "k", v, sizeof(v)),
	    MS_ST_OK);
	assert_string_equal(v, "kept");
	msbuf_free(req);
	msbuf_free(resp);
	session_free(&a);
}

/* STATUS is answered at once: it must not wait for the cluster. */
static void
test_async_status_inline(void **state)
{
	struct fixture *f = *state;
	struct msbuf *req = newbuf(), *resp = newbuf();
	struct session a;
	uint32_t st;

	login(f, &a, f->alice);
	assert_int_equal(mon_dispatch(&f->ctx, &a.w, MS_MON_STATUS, req,
	    resp), 0);
	assert_null(a.w.job);
	assert_int_equal(msbuf_get_u32(resp, &st), 0);
	assert_int_equal(st, MS_ST_OK);
	msbuf_free(req);
	msbuf_free(resp);
	session_free(&a);
	/* The usage refresh it started is a job of the daemon's own. */
	while (store_jobs_outstanding(f->ctx.jobs) > 0) {
		struct store_job *sj, *next;
		struct pollfd pfd = { store_jobs_fd(f->ctx.jobs), POLLIN, 0 };

		assert_int_equal(poll(&pfd, 1, 30000), 1);
		for (sj = store_jobs_done(f->ctx.jobs); sj != NULL; sj = next) {
			next = sj->next;
			assert_non_null(sj->done);
			sj->done(sj);
		}
	}
}

/* A job that holds the only thread until the test lets it go. */
struct blocker {
	struct store_job	sj;
	pthread_mutex_t		mu;
	pthread_cond_t		cv;
	int			go;
};

static void
blocker_run(struct store_job *sj)
{
	struct blocker *b = (struct blocker *)sj;

	pthread_mutex_lock(&b->mu);
	while (!b->go)
		pthread_cond_wait(&b->cv, &b->mu);
	pthread_mutex_unlock(&b->mu);
}

static void
blocker_done(struct store_job *sj)
{
}

/* No room for a job: the request is answered at once, never queued. */
static void
test_async_full_answers_inline(void **state)
{
	struct fixture *f = *state;
	struct blocker b = { .mu = PTHREAD_MUTEX_INITIALIZER,
	    .cv = PTHREAD_COND_INITIALIZER };
	struct session a;
	struct store_job *sj;
	struct pollfd pfd;
	char v[64];

	login(f, &a, f->alice);
	store_jobs_free(f->ctx.jobs);
	assert_int_equal(store_jobs_start(1, 1, &f->ctx.jobs), 0);
	b.sj.run = blocker_run;
	b.sj.done = blocker_done;
	assert_int_equal(store_jobs_submit(f->ctx.jobs, &b.sj), 0);
	f->async_answers = 0;
	/* LMDB ignores the expired deadline, so the answer is a real one. */
	assert_int_equal(data_set(f, &a, "/full", "k", 0, "now"), MS_ST_OK);
	assert_int_equal(data_get(f, &a, "/full", "k", v, sizeof(v)), MS_ST_OK);
	assert_string_equal(v, "now");
	assert_int_equal(f->async_answers, 0);
	pthread_mutex_lock(&b.mu);
	b.go = 1;
	pthread_cond_signal(&b.cv);
	pthread_mutex_unlock(&b.mu);
	pfd.fd = store_jobs_fd(f->ctx.jobs);
	pfd.events = POLLIN;
	assert_int_equal(poll(&pfd, 1, 30000), 1);
	sj = store_jobs_done(f->ctx.jobs);
	assert_ptr_equal(sj, &b.sj);
	session_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_async_acl_enforced,
		    setup_async, teardown_async),
		cmocka_unit_test_setup_teardown(test_async_write_outlives_worker,
		    setup_async, teardown_async),
		cmocka_unit_test_setup_teardown(test_async_status_inline,
		    setup_async, teardown_async),
		cmocka_unit_test_setup_teardown(test_async_full_answers_inline,
		    setup_async, teardown_async),
	};

	ms_log_init("test_mon_dispatch_async", getenv("TEST_DEBUG") ?
	    MS_LOG_DEBUG3 : MS_LOG_QUIET, 1, -1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
