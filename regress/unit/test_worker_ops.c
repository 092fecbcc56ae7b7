/*
 * test_worker_ops.c — the worker's request handling after login: every
 * operation round trip, invalid arguments, value caps, tampered blobs,
 * the handle limit, protocol errors and a malformed monitor answer.
 */
#include "worker_fixture.h"

/* ---------------------------------------------------------------- */
/* Tests: operations                                                 */

/*
 * test_ops_roundtrip's LIST answer: children a and b, the record plain;
 * in the long form also its version 7 and mtime 1000.
 */
static void
expect_list_res(struct msbuf *res, int long_form)
{
	char *s;
	uint32_t n;
	uint8_t u8;
	uint64_t v64;

	assert_int_equal(msbuf_get_u32(res, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(msbuf_get_cstring(res, &s, NULL, 255), 0);
	assert_string_equal(s, "a");
	free(s);
	assert_int_equal(msbuf_get_cstring(res, &s, NULL, 255), 0);
	assert_string_equal(s, "b");
	free(s);
	assert_int_equal(msbuf_get_u32(res, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(msbuf_get_cstring(res, &s, NULL, 255), 0);
	assert_string_equal(s, "plain");
	free(s);
	assert_int_equal(msbuf_get_u8(res, &u8), 0);
	if (long_form) {
		assert_int_equal(msbuf_get_u64(res, &v64), 0);
		assert_true(v64 == 7);
		assert_int_equal(msbuf_get_u64(res, &v64), 0);
		assert_true(v64 == 1000);
	}
	assert_int_equal(msbuf_len(res), 0);
}

/*
 * A SETACL request's fields in f: handle, inherit, sensitive and n
 * entries, each the same (who, rights).
 */
static void
setacl_fields(struct msbuf *f, uint32_t h, uint8_t inherit,
    uint8_t sensitive, uint32_t n, const char *who, const char *rights)
{
	uint32_t i;

	msbuf_reset(f);
	assert_int_equal(msbuf_put_u32(f, h), 0);
	assert_int_equal(msbuf_put_u8(f, inherit), 0);
	assert_int_equal(msbuf_put_u8(f, sensitive), 0);
	assert_int_equal(msbuf_put_u32(f, n), 0);
	for (i = 0; i < n; i++) {
		assert_int_equal(msbuf_put_cstring(f, who), 0);
		assert_int_equal(msbuf_put_cstring(f, rights), 0);
	}
}

static void
test_ops_roundtrip(void **state)
{
	struct opts o;
	struct rig rg;
	struct cl c;
	struct msbuf *blob, *f = fields_new(), *res = fields_new();
	char *s;
	uint32_t h, hr, n;
	uint8_t u8;

	(void)state;
	opts_default(&o);
	connect_ok(&rg, &c, &o);
	h = cl_open(&c, "/app", MS_ACCESS_READ | MS_ACCESS_WRITE, MS_ST_OK);
	hr = cl_open(&c, "/app", MS_ACCESS_READ, MS_ST_OK);
	assert_int_not_equal(h, hr);
	cl_get_expect(&c, "/app", h, "plain", 0, "hello");
	cl_get_expect(&c, "/app", h, "secret", MS_REC_SECURE, "s3cret");
	cl_get_expect(&c, "/app", hr, "secret", MS_REC_SECURE, "s3cret");
	assert_int_equal(cl_simple(&c, MS_MSG_GET, h, "nothing"),
	    MS_ST_RECORD_NOT_FOUND);

	/* SECURE SET: the blob is opened, the monitor gets the plaintext. */
	blob = cl_blob(&c, "/app", "pw", h, "hunter2");
	assert_int_equal(cl_set(&c, h, "pw", MS_REC_SECURE, msbuf_ptr(blob),
	    msbuf_len(blob)), MS_ST_OK);
	msbuf_free(blob);
	cl_get_expect(&c, "/app", h, "stored", MS_REC_SECURE, "hunter2");
	assert_int_equal(cl_set(&c, h, "plain2", 0, "v", 1), MS_ST_OK);
	cl_get_expect(&c, "/app", h, "stored", 0, "v");

	/* LIST */
	assert_int_equal(msbuf_put_u32(f, h), 0);
	assert_int_equal(cl_request(&c, MS_MSG_LIST, f, res), MS_ST_OK);
	expect_list_res(res, 0);

	/* LIST long form: the u64 version and mtime come through. */
	{
		struct msbuf *lf = fields_new();

		assert_int_equal(msbuf_put_u32(lf, h), 0);
		assert_int_equal(msbuf_put_u8(lf, MS_LIST_LONG), 0);
		assert_int_equal(cl_request(&c, MS_MSG_LIST, lf, res),
		    MS_ST_OK);
		expect_list_res(res, 1);
		/* Unknown list flags: INVALID_ARGUMENT, connection goes on. */
		msbuf_reset(lf);
		assert_int_equal(msbuf_put_u32(lf, h), 0);
		assert_int_equal(msbuf_put_u8(lf, 0x04), 0);
		assert_int_equal(cl_request(&c, MS_MSG_LIST, lf, res),
		    MS_ST_INVALID_ARGUMENT);
		msbuf_free(lf);
	}

	/* GETACL */
	assert_int_equal(cl_request(&c, MS_MSG_GETACL, f, res), MS_ST_OK);
	assert_int_equal(msbuf_get_u8(res, &u8), 0);
	assert_int_equal(msbuf_get_u32(res, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(msbuf_get_cstring(res, &s, NULL, 70), 0);
	assert_string_equal(s, "alice");
	free(s);
	assert_int_equal(msbuf_get_cstring(res, &s, NULL, 5), 0);
	assert_string_equal(s, "rw");
	free(s);
	assert_int_equal(msbuf_get_u8(res, &u8), 0);
	assert_int_equal(msbuf_len(res), 0);

	/* SETACL, which also marks the node SENSITIVE. */
	msbuf_reset(f);
	assert_int_equal(msbuf_put_u32(f, h), 0);
	assert_int_equal(msbuf_put_u8(f, MS_SETACL_UNCHANGED), 0);
	assert_int_equal(msbuf_put_u8(f, 1), 0);
	assert_int_equal(msbuf_put_u32(f, 2), 0);
	assert_int_equal(msbuf_put_cstring(f, "bob"), 0);
	assert_int_equal(msbuf_put_cstring(f, "rsl"), 0);
	assert_int_equal(msbuf_put_cstring(f, "group:ops"), 0);
	assert_int_equal(msbuf_put_cstring(f, ""), 0);
	assert_int_equal(cl_request(&c, MS_MSG_SETACL, f, res), MS_ST_OK);
	assert_int_equal(msbuf_len(res), 0);
	/* The monitor saw 'sensitive'; GETACL passes node flag 0x02 on. */
	msbuf_reset(f);
	assert_int_equal(msbuf_put_u32(f, h), 0);
	assert_int_equal(cl_request(&c, MS_MSG_GETACL, f, res), MS_ST_OK);
	assert_int_equal(msbuf_get_u8(res, &u8), 0);
	assert_int_equal(u8, MS_NODE_SENSITIVE);
	setacl_fields(f, h, MS_SETACL_UNCHANGED, 0, 0, NULL, NULL);
	assert_int_equal(cl_request(&c, MS_MSG_SETACL, f, res), MS_ST_OK);
	msbuf_reset(f);
	assert_int_equal(msbuf_put_u32(f, h), 0);
	assert_int_equal(cl_request(&c, MS_MSG_GETACL, f, res), MS_ST_OK);
	assert_int_equal(msbuf_get_u8(res, &u8), 0);
	assert_int_equal(u8, 0);

	/* DELETE a record, then the node. */
	assert_int_equal(cl_simple(&c, MS_MSG_DELETE, h, "plain"), MS_ST_OK);
	assert_int_equal(cl_simple(&c, MS_MSG_DELETE, h, ""), MS_ST_OK);

	/* CLOSE: once. */
	assert_int_equal(cl_simple(&c, MS_MSG_CLOSE, hr, NULL), MS_ST_OK);
	assert_int_equal(cl_simple(&c, MS_MSG_CLOSE, hr, NULL),
	    MS_ST_BAD_HANDLE);
	assert_int_equal(cl_simple(&c, MS_MSG_GET, hr, "plain"),
	    MS_ST_BAD_HANDLE);
	assert_int_equal(cl_simple(&c, MS_MSG_LIST, 0, NULL), MS_ST_BAD_HANDLE);

	msbuf_free(f);
	msbuf_free(res);
	finish(&rg, &c, 0);
	assert_int_equal(MON_SETS(rg.monitor_status), 2);
}

static void
test_ops_invalid(void **state)
{
	struct opts o;
	struct rig rg;
	struct cl c;
	struct msbuf *f = fields_new(), *res = fields_new();
	char longpath[MS_PATH_MAX + 2];
	uint32_t h, hd, hr, hroot;

	(void)state;
	opts_default(&o);
	connect_ok(&rg, &c, &o);
	/* OPEN: bad paths, bad access bits, ACL refusal from the monitor. */
	cl_open(&c, "app", MS_ACCESS_READ, MS_ST_INVALID_ARGUMENT);
	cl_open(&c, "/app/", MS_ACCESS_READ, MS_ST_INVALID_ARGUMENT);
	cl_open(&c, "/a/../b", MS_ACCESS_READ, MS_ST_INVALID_ARGUMENT);
	cl_open(&c, "/a\x01", MS_ACCESS_READ, MS_ST_INVALID_ARGUMENT);
	cl_open(&c, "/app", 0, MS_ST_INVALID_ARGUMENT);
	cl_open(&c, "/app", 4, MS_ST_INVALID_ARGUMENT);
	/*
	 * A refused READ open still gives a handle, so the GET reaches the
	 * monitor (refused and audited there as op=get); WRITE stays refused.
	 */
	hd = cl_open(&c, "/denied", MS_ACCESS_READ, MS_ST_OK);
	assert_int_equal(cl_simple(&c, MS_MSG_GET, hd, "plain"),
	    MS_ST_ACCESS_DENIED);
	cl_open(&c, "/denied", MS_ACCESS_READ | MS_ACCESS_WRITE,
	    MS_ST_ACCESS_DENIED);
	longpath[0] = '/';
	memset(longpath + 1, 'a', sizeof(longpath) - 2);
	longpath[sizeof(longpath) - 1] = '\0';
	cl_open(&c, longpath, MS_ACCESS_READ, MS_ST_INVALID_ARGUMENT);
	/* An embedded NUL is an argument error, not a structure error. */
	assert_int_equal(msbuf_put_string(f, "/a\0b", 4), 0);
	assert_int_equal(msbuf_put_u8(f, 1), 0);
	assert_int_equal(cl_request(&c, MS_MSG_OPEN, f, res),
	    MS_ST_INVALID_ARGUMENT);

	h = cl_open(&c, "/app", MS_ACCESS_READ | MS_ACCESS_WRITE, MS_ST_OK);
	hr = cl_open(&c, "/app", MS_ACCESS_READ, MS_ST_OK);
	hroot = cl_open(&c, "/", MS_ACCESS_READ | MS_ACCESS_WRITE, MS_ST_OK);
	assert_int_equal(cl_simple(&c, MS_MSG_GET, h, "a/b"),
	    MS_ST_INVALID_ARGUMENT);
	assert_int_equal(cl_simple(&c, MS_MSG_GET, h, ""),
	    MS_ST_INVALID_ARGUMENT);
	assert_int_equal(cl_simple(&c, MS_MSG_GET, 999, "plain"),
	    MS_ST_BAD_HANDLE);
	/* A READ-only handle cannot write. */
	assert_int_equal(cl_set(&c, hr, "x", 0, "v", 1), MS_ST_ACCESS_DENIED);
	assert_int_equal(cl_simple(&c, MS_MSG_DELETE, hr, "x"),
	    MS_ST_ACCESS_DENIED);
	assert_int_equal(cl_set(&c, h, "x", 0x80, "v", 1),
	    MS_ST_INVALID_ARGUMENT);
	assert_int_equal(cl_simple(&c, MS_MSG_DELETE, hroot, ""),
	    MS_ST_INVALID_ARGUMENT);

	/*
	 * SETACL: a read-only handle is enough ('a' is checked by the
	 * monitor); bad inherit, bad names, too many are refused.
	 */
	setacl_fields(f, hr, 1, 2, 0, NULL, NULL);
	assert_int_equal(cl_request(&c, MS_MSG_SETACL, f, res), MS_ST_OK);
	setacl_fields(f, h, 3, 2, 0, NULL, NULL);
	assert_int_equal(cl_request(&c, MS_MSG_SETACL, f, res),
	    MS_ST_INVALID_ARGUMENT);
	/* 'sensitive' is 0 clear, 1 set, 2 unchanged; nothing else. */
	setacl_fields(f, h, 1, 3, 0, NULL, NULL);
	assert_int_equal(cl_request(&c, MS_MSG_SETACL, f, res),
	    MS_ST_INVALID_ARGUMENT);
	setacl_fields(f, h, 2, 0xff, 0, NULL, NULL);
	assert_int_equal(cl_request(&c, MS_MSG_SETACL, f, res),
	    MS_ST_INVALID_ARGUMENT);
	setacl_fields(f, h, 1, 2, 1, "bad name", "r");
	assert_int_equal(cl_request(&c, MS_MSG_SETACL, f, res),
	    MS_ST_INVALID_ARGUMENT);
	setacl_fields(f, h, 1, 2, 1, "bob", "rx");
	assert_int_equal(cl_request(&c, MS_MSG_SETACL, f, res),
	    MS_ST_INVALID_ARGUMENT);
	setacl_fields(f, h, 1, 2, 1, "bob", "rswlar");	/* cap 5 */
	assert_int_equal(cl_request(&c, MS_MSG_SETACL, f, res),
	    MS_ST_INVALID_ARGUMENT);
	setacl_fields(f, h, 1, 2, 257, "bob", "r");
	assert_int_equal(cl_request(&c, MS_MSG_SETACL, f, res),
	    MS_ST_INVALID_ARGUMENT);

	/* Still connected and serving. */
	assert_int_equal(cl_request(&c, MS_MSG_STATUS, NULL, res), MS_ST_OK);
	msbuf_free(f);
	msbuf_free(res);
	finish(&rg, &c, 0);
	assert_int_equal(MON_SETS(rg.monitor_status), 0);
}

static void
test_value_caps(void **state)
{
	struct opts o;
	struct rig rg;
	struct cl c;
	u_char *big;
	uint32_t h;

	(void)state;
	opts_default(&o);
	connect_ok(&rg, &c, &o);
	h = cl_open(&c, "/app", MS_ACCESS_READ | MS_ACCESS_WRITE, MS_ST_OK);
	assert_non_null(big = calloc(1, MS_VALUE_MAX + 1));
	assert_int_equal(cl_set(&c, h, "big", 0, big, MS_VALUE_MAX + 1),
	    MS_ST_INVALID_ARGUMENT);
	assert_int_equal(cl_set(&c, h, "big", 0, big, MS_VALUE_MAX), MS_ST_OK);
	free(big);
	finish(&rg, &c, 0);
	assert_int_equal(MON_SETS(rg.monitor_status), 1);
}

static void
test_tampered_blob(void **state)
{
	struct opts o;
	struct rig rg;
	struct cl c;
	struct msbuf *blob;
	uint32_t h, h2;

	(void)state;
	opts_default(&o);
	connect_ok(&rg, &c, &o);
	h = cl_open(&c, "/app", MS_ACCESS_READ | MS_ACCESS_WRITE, MS_ST_OK);
	h2 = cl_open(&c, "/app", MS_ACCESS_READ | MS_ACCESS_WRITE, MS_ST_OK);
	/* Sealed for another record name: moved blobs fail. */
	blob = cl_blob(&c, "/app", "other", h, "x");
	assert_int_equal(cl_set(&c, h, "pw", MS_REC_SECURE, msbuf_ptr(blob),
	    msbuf_len(blob)), MS_ST_INVALID_ARGUMENT);
	msbuf_free(blob);
	/* Sealed for another handle. */
	blob = cl_blob(&c, "/app", "pw", h2, "x");
	assert_int_equal(cl_set(&c, h, "pw", MS_REC_SECURE, msbuf_ptr(blob),
	    msbuf_len(blob)), MS_ST_INVALID_ARGUMENT);
	/* Replayed (same blob again, old sequence number). */
	assert_int_equal(cl_set(&c, h2, "pw", MS_REC_SECURE, msbuf_ptr(blob),
	    msbuf_len(blob)), MS_ST_INVALID_ARGUMENT);
	msbuf_free(blob);
	/* Every blob sent counts, even a replayed or a junk one. */
	c.btx.seq++;
	/* Not a blob at all. */
	c.btx.seq++;
	assert_int_equal(cl_set(&c, h, "pw", MS_REC_SECURE, "junk", 4),
	    MS_ST_INVALID_ARGUMENT);
	/* The counter stayed in step: a good blob still works. */
	blob = cl_blob(&c, "/app", "pw", h, "good");
	assert_int_equal(cl_set(&c, h, "pw", MS_REC_SECURE, msbuf_ptr(blob),
	    msbuf_len(blob)), MS_ST_OK);
	msbuf_free(blob);
	cl_get_expect(&c, "/app", h, "stored", MS_REC_SECURE, "good");
	finish(&rg, &c, 0);
	/* Nothing reached the store but the good value. */
	assert_int_equal(MON_SETS(rg.monitor_status), 1);
}

static void
test_handle_limit(void **state)
{
	struct opts o;
	struct rig rg;
	struct cl c;
	uint32_t h[MS_HANDLES_MAX], i;

	(void)state;
	opts_default(&o);
	connect_ok(&rg, &c, &o);
	for (i = 0; i < MS_HANDLES_MAX; i++)
		h[i] = cl_open(&c, "/app", MS_ACCESS_READ, MS_ST_OK);
	cl_open(&c, "/app", MS_ACCESS_READ, MS_ST_LIMIT_REACHED);
	assert_int_equal(cl_simple(&c, MS_MSG_CLOSE, h[10], NULL), MS_ST_OK);
	i = cl_open(&c, "/app", MS_ACCESS_READ, MS_ST_OK);
	/* Handle numbers are not reused. */
	assert_int_not_equal(i, h[10]);
	cl_open(&c, "/app", MS_ACCESS_READ, MS_ST_LIMIT_REACHED);
	finish(&rg, &c, 0);
}

/* A structural error gets PROTOCOL_ERROR, then the connection closes. */
static void
expect_protocol_error(uint8_t type, const struct msbuf *body,
    uint32_t want_id)
{
	struct opts o;
	struct rig rg;
	struct cl c;
	struct msbuf *res = fields_new();
	uint32_t id, st;
	uint8_t t;

	opts_default(&o);
	connect_ok(&rg, &c, &o);
	(void)cl_open(&c, "/app", MS_ACCESS_READ, MS_ST_OK);	/* handle 1 */
	cl_send(&c, type, body);
	assert_int_equal(cl_recv(&c, &t, res), 0);
	assert_int_equal(t, MS_MSG_RESPONSE);
	assert_int_equal(msbuf_get_u32(res, &id), 0);
	assert_int_equal(id, want_id);
	assert_int_equal(msbuf_get_u32(res, &st), 0);
	assert_int_equal(st, MS_ST_PROTOCOL_ERROR);
	assert_int_equal(msbuf_len(res), 0);
	assert_closed(&c);
	msbuf_free(res);
	finish(&rg, &c, 1);
}

static void
test_protocol_errors(void **state)
{
	struct msbuf *b = fields_new();

	(void)state;
	/* Trailing byte after GET's fields. */
	assert_int_equal(msbuf_put_u32(b, 77), 0);
	assert_int_equal(msbuf_put_u32(b, 1), 0);
	assert_int_equal(msbuf_put_cstring(b, "plain"), 0);
	assert_int_equal(msbuf_put_u8(b, 0), 0);
	expect_protocol_error(MS_MSG_GET, b, 77);
	/* Truncated field. */
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u32(b, 78), 0);
	assert_int_equal(msbuf_put_u16(b, 1), 0);
	expect_protocol_error(MS_MSG_CLOSE, b, 78);
	/* String length beyond the record. */
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u32(b, 79), 0);
	assert_int_equal(msbuf_put_u32(b, 1), 0);
	assert_int_equal(msbuf_put_u32(b, 100), 0);
	expect_protocol_error(MS_MSG_GET, b, 79);
	/* Unknown inner type. */
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u32(b, 80), 0);
	expect_protocol_error(0x30, b, 80);
	/* A handshake message after the handshake. */
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u32(b, 81), 0);
	expect_protocol_error(MS_MSG_CLIENT_FINISHED, b, 81);
	/* No room for a request id. */
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u16(b, 1), 0);
	expect_protocol_error(MS_MSG_STATUS, b, 0);
	/* SETACL without 'sensitive' (the old layout) is short. */
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u32(b, 83), 0);
	assert_int_equal(msbuf_put_u32(b, 1), 0);
	assert_int_equal(msbuf_put_u8(b, MS_SETACL_UNCHANGED), 0);
	assert_int_equal(msbuf_put_u32(b, 0), 0);
	expect_protocol_error(MS_MSG_SETACL, b, 83);
	/* STATUS takes at most a u8 detail of 0 or 1. */
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u32(b, 82), 0);
	assert_int_equal(msbuf_put_u8(b, 2), 0);
	expect_protocol_error(MS_MSG_STATUS, b, 82);
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u32(b, 84), 0);
	assert_int_equal(msbuf_put_u8(b, 1), 0);
	assert_int_equal(msbuf_put_u8(b, 0), 0);
	expect_protocol_error(MS_MSG_STATUS, b, 84);
	msbuf_free(b);
}

static void
test_monitor_malformed(void **state)
{
	struct opts o;
	struct rig rg;
	struct cl c;
	uint32_t h;

	(void)state;
	opts_default(&o);
	connect_ok(&rg, &c, &o);
	h = cl_open(&c, "/app", MS_ACCESS_READ, MS_ST_OK);
	assert_int_equal(cl_simple(&c, MS_MSG_GET, h, "boom"),
	    MS_ST_INTERNAL_ERROR);
	assert_closed(&c);
	finish(&rg, &c, 255);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ops_roundtrip),
		cmocka_unit_test(test_ops_invalid),
		cmocka_unit_test(test_value_caps),
		cmocka_unit_test(test_tampered_blob),
		cmocka_unit_test(test_handle_limit),
		cmocka_unit_test(test_protocol_errors),
		cmocka_unit_test(test_monitor_malformed),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
