/*
 * test_monwrap.c — the worker's monitor calls keep their two error
 * vocabularies apart (worker/README.md "Errors"): the return value is a
 * monitor failure only, what the client is told is *statusp.
 *
 * The "monitor" is the other end of a socketpair: the answer frame is
 * written there before the call (the socket buffer holds it), and the
 * request the call wrote is read back afterwards.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "errors.h"
#include "frame.h"
#include "monwrap.h"
#include "proto.h"

struct fake_mon {
	int	 w;	/* the worker's end */
	int	 m;	/* the monitor's end */
};

static int
setup(void **state)
{
	struct fake_mon *f;
	int sv[2];

	assert_non_null(f = calloc(1, sizeof(*f)));
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	f->w = sv[0];
	f->m = sv[1];
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fake_mon *f = *state;

	close(f->w);
	close(f->m);
	free(f);
	return 0;
}

/* The monitor's next answer: type, then the bytes of ans. */
static void
answer(struct fake_mon *f, uint8_t type, struct msbuf *ans)
{
	assert_int_equal(ms_frame_write(f->m, type, ans), 0);
	msbuf_free(ans);
}

/* The request the worker sent has this type. */
static void
expect_request(struct fake_mon *f, uint8_t type)
{
	struct msbuf *req;
	uint8_t t;

	assert_non_null(req = msbuf_new(MS_FRAME_MAX));
	assert_int_equal(ms_frame_read(f->m, &t, req, MS_FRAME_MAX, 1000), 0);
	assert_int_equal(t, type);
	msbuf_free(req);
}

/* A LIST answer: status OK, one child, two records (short form). */
static struct msbuf *
list_answer(void)
{
	struct msbuf *b;

	assert_non_null(b = msbuf_new(1024));
	assert_int_equal(msbuf_put_u32(b, MS_ST_OK), 0);
	assert_int_equal(msbuf_put_u32(b, 1), 0);
	assert_int_equal(msbuf_put_cstring(b, "child"), 0);
	assert_int_equal(msbuf_put_u32(b, 2), 0);
	assert_int_equal(msbuf_put_cstring(b, "alpha"), 0);
	assert_int_equal(msbuf_put_u8(b, 0), 0);
	assert_int_equal(msbuf_put_cstring(b, "beta"), 0);
	assert_int_equal(msbuf_put_u8(b, MS_REC_SECURE), 0);
	return b;
}

/* A GETACL answer: status OK, node flags 0, n entries. */
static struct msbuf *
acl_answer(uint32_t n)
{
	struct msbuf *b;
	uint32_t i;

	assert_non_null(b = msbuf_new(8192));
	assert_int_equal(msbuf_put_u32(b, MS_ST_OK), 0);
	assert_int_equal(msbuf_put_u8(b, 0), 0);
	assert_int_equal(msbuf_put_u32(b, n), 0);
	for (i = 0; i < n; i++) {
		assert_int_equal(msbuf_put_cstring(b, "group:ops"), 0);
		assert_int_equal(msbuf_put_cstring(b, "rw"), 0);
		assert_int_equal(msbuf_put_u8(b, i & 1), 0);
	}
	return b;
}

static void
test_list_ok(void **state)
{
	struct fake_mon *f = *state;
	struct msbuf *res, *want;
	uint32_t st = 99;

	assert_non_null(res = msbuf_new(4096));
	answer(f, MS_MON_LIST, list_answer());
	assert_int_equal(mw_list(f->w, "/app", 0, NULL, &st, res), 0);
	assert_int_equal(st, MS_ST_OK);
	expect_request(f, MS_MON_LIST);
	/* The result is the answer after its status, verbatim. */
	want = list_answer();
	assert_int_equal(msbuf_consume(want, 4), 0);
	assert_int_equal(msbuf_len(res), msbuf_len(want));
	assert_memory_equal(msbuf_ptr(res), msbuf_ptr(want), msbuf_len(res));
	msbuf_free(want);
	msbuf_free(res);
}

/* Too large for the response: a status for the client, no failure. */
static void
test_list_too_large(void **state)
{
	struct fake_mon *f = *state;
	struct msbuf *res;
	uint32_t st = 99;

	assert_non_null(res = msbuf_new(16));
	answer(f, MS_MON_LIST, list_answer());
	assert_int_equal(mw_list(f->w, "/app", 0, NULL, &st, res), 0);
	assert_int_equal(st, MS_ST_LIMIT_REACHED);
	assert_int_equal(msbuf_len(res), 0);
	msbuf_free(res);
}

/* A refusal is a status, not an error; the result stays empty. */
static void
test_list_refused(void **state)
{
	struct fake_mon *f = *state;
	struct msbuf *res, *ans;
	uint32_t st = 99;

	assert_non_null(res = msbuf_new(4096));
	assert_non_null(ans = msbuf_new(16));
	assert_int_equal(msbuf_put_u32(ans, MS_ST_ACCESS_DENIED), 0);
	answer(f, MS_MON_LIST, ans);
	assert_int_equal(mw_list(f->w, "/app", 0, NULL, &st, res), 0);
	assert_int_equal(st, MS_ST_ACCESS_DENIED);
	assert_int_equal(msbuf_len(res), 0);
	msbuf_free(res);
}

/* Malformed answers are monitor failures: a negative MS_ERR_*. */
static void
test_list_malformed(void **state)
{
	struct fake_mon *f = *state;
	struct msbuf *res, *ans;
	uint32_t st;

	assert_non_null(res = msbuf_new(4096));
	/* One trailing byte. */
	ans = list_answer();
	assert_int_equal(msbuf_put_u8(ans, 0), 0);
	answer(f, MS_MON_LIST, ans);
	assert_true(mw_list(f->w, "/app", 0, NULL, &st, res) < 0);
	expect_request(f, MS_MON_LIST);
	/* A status above MS_ST_MAX. */
	msbuf_reset(res);
	assert_non_null(ans = msbuf_new(16));
	assert_int_equal(msbuf_put_u32(ans, MS_ST_MAX + 1), 0);
	answer(f, MS_MON_LIST, ans);
	assert_true(mw_list(f->w, "/app", 0, NULL, &st, res) < 0);
	expect_request(f, MS_MON_LIST);
	/* An answer of another type. */
	msbuf_reset(res);
	answer(f, MS_MON_GETACL, list_answer());
	assert_true(mw_list(f->w, "/app", 0, NULL, &st, res) < 0);
	msbuf_free(res);
}

static void
test_getacl(void **state)
{
	struct fake_mon *f = *state;
	struct msbuf *res, *ans;
	uint32_t st = 99;

	/* Fits. */
	assert_non_null(res = msbuf_new(4096));
	answer(f, MS_MON_GETACL, acl_answer(3));
	assert_int_equal(mw_getacl(f->w, "/app", &st, res), 0);
	assert_int_equal(st, MS_ST_OK);
	assert_int_equal(msbuf_len(res), 1 + 4 + 3 * (4 + 9 + 4 + 2 + 1));
	expect_request(f, MS_MON_GETACL);
	msbuf_free(res);
	/* Does not fit: LIMIT_REACHED, return 0, empty result. */
	assert_non_null(res = msbuf_new(64));
	answer(f, MS_MON_GETACL, acl_answer(20));
	assert_int_equal(mw_getacl(f->w, "/app", &st, res), 0);
	assert_int_equal(st, MS_ST_LIMIT_REACHED);
	assert_int_equal(msbuf_len(res), 0);
	expect_request(f, MS_MON_GETACL);
	/* An inherited flag above 1 is malformed, whatever the room. */
	msbuf_free(res);
	assert_non_null(res = msbuf_new(4096));
	assert_non_null(ans = msbuf_new(64));
	assert_int_equal(msbuf_put_u32(ans, MS_ST_OK), 0);
	assert_int_equal(msbuf_put_u8(ans, 0), 0);
	assert_int_equal(msbuf_put_u32(ans, 1), 0);
	assert_int_equal(msbuf_put_cstring(ans, "alice"), 0);
	assert_int_equal(msbuf_put_cstring(ans, "r"), 0);
	assert_int_equal(msbuf_put_u8(ans, 2), 0);
	answer(f, MS_MON_GETACL, ans);
	assert_true(mw_getacl(f->w, "/app", &st, res) < 0);
	msbuf_free(res);
}

/* The monitor hung up: a failure, never a status. */
static void
test_monitor_gone(void **state)
{
	struct fake_mon *f = *state;
	struct msbuf *res;
	uint32_t st;

	assert_non_null(res = msbuf_new(4096));
	assert_int_equal(shutdown(f->m, SHUT_WR), 0);
	assert_true(mw_getacl(f->w, "/app", &st, res) < 0);
	assert_true(mw_open(f->w, "/app", MS_ACCESS_READ, &st) < 0);
	msbuf_free(res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_list_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_too_large, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_list_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_list_malformed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_getacl, setup, teardown),
		cmocka_unit_test_setup_teardown(test_monitor_gone, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
