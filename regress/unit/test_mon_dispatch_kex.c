/*
 * test_mon_dispatch_kex.c — the dispatch table's life cycle of a worker:
 * the happy path, requests out of state or repeated, DECAP only of a
 * transcript with the monitor's own nonce and SIGN only once (I2, I3),
 * malformed and trailing requests (I6) and the host certificate.
 */
#include "mon_dispatch_fixture.h"

static void
test_happy_path(void **state)
{
	struct fixture *f = *state;
	struct session s;
	char v[64];

	session_start(f, &s);
	session_kex(f, &s);
	assert_int_equal(session_auth(f, &s, f->alice, f->alice, 0), MS_ST_OK);
	assert_string_equal(s.w.sess.principal, "alice");
	assert_int_equal(data_set(f, &s, "/app/db", "password",
	    MS_REC_SECURE, "hunter2"), MS_ST_OK);
	assert_int_equal(data_get(f, &s, "/app/db", "password", v, sizeof(v)),
	    MS_ST_OK);
	assert_string_equal(v, "hunter2");
	assert_int_equal(data_get(f, &s, "/app/db", "nope", v, sizeof(v)),
	    MS_ST_RECORD_NOT_FOUND);
	assert_int_equal(data_set(f, &s, "/app/../x", "r", 0, "v"),
	    MS_ST_INVALID_ARGUMENT);
	session_free(&s);
}

static void
test_out_of_state_requests_refused(void **state)
{
	struct fixture *f = *state;
	struct session s;
	struct msbuf *req = newbuf(), *resp = newbuf();

	memset(&s, 0, sizeof(s));
	mon_worker_init(&s.w, 1, "x");
	/* Data, decap, sign and auth before hello: all refused. */
	assert_int_equal(msbuf_put_cstring(req, "/"), 0);
	assert_int_not_equal(call(f, &s, MS_MON_LIST, req, resp), 0);
	msbuf_reset(req);
	assert_int_not_equal(call(f, &s, MS_MON_DECAP, req, resp), 0);
	assert_int_not_equal(call(f, &s, MS_MON_SIGN, req, resp), 0);
	assert_int_not_equal(call(f, &s, MS_MON_AUTH, req, resp), 0);
	/* Unknown request type. */
	assert_int_not_equal(call(f, &s, 0x99, req, resp), 0);
	assert_int_not_equal(call(f, &s, MS_MON_CONFIG, req, resp), 0);
	msbuf_free(req);
	msbuf_free(resp);
	mon_worker_clear(&s.w);
}

static void
test_once_only(void **state)
{
	struct fixture *f = *state;
	struct session s;
	struct msbuf *req = newbuf(), *resp = newbuf();

	session_start(f, &s);
	/* A second HELLO (fresh nonce) is refused. */
	assert_int_not_equal(call(f, &s, MS_MON_HELLO, req, resp), 0);
	msbuf_free(req);
	session_free(&s);

	session_start(f, &s);
	session_kex(f, &s);
	/* Sign twice, decap twice: refused. */
	req = sign_req(f, &s);
	assert_int_not_equal(call(f, &s, MS_MON_SIGN, req, resp), 0);
	msbuf_free(req);
	req = hellos_req(&s);
	assert_int_not_equal(call(f, &s, MS_MON_DECAP, req, resp), 0);
	msbuf_free(req);
	msbuf_free(resp);
	session_free(&s);
}

static void
test_decap_needs_own_nonce(void **state)
{
	struct fixture *f = *state;
	struct session s, other;
	struct msbuf *req, *resp = newbuf();

	/* A transcript carrying another worker's nonce is refused. */
	session_start(f, &other);
	session_start(f, &s);
	build_hellos(f, &s, other.nonce);
	req = hellos_req(&s);
	assert_int_not_equal(call(f, &s, MS_MON_DECAP, req, resp), 0);
	msbuf_free(req);
	session_free(&s);
	session_free(&other);

	/* A transcript with foreign host keys is refused. */
	session_start(f, &s);
	build_hellos(f, &s, s.nonce);
	{
		u_char *p;

		/* Last 32 bytes of the SH frame are host_sig_pub. */
		assert_int_equal(msbuf_consume_end(s.sh, 32), 0);
		assert_int_equal(msbuf_reserve(s.sh, 32, &p), 0);
		memset(p, 0x42, 32);
	}
	req = hellos_req(&s);
	assert_int_not_equal(call(f, &s, MS_MON_DECAP, req, resp), 0);
	msbuf_free(req);
	msbuf_free(resp);
	session_free(&s);
}

static void
test_sign_arbitrary_bytes_refused(void **state)
{
	struct fixture *f = *state;
	struct session s;
	struct msbuf *req = newbuf(), *resp = newbuf();
	u_char junk[32];

	session_start(f, &s);
	session_kex(f, &s);
	/* Reset the once bit for SIGN is impossible; use a fresh session. */
	session_free(&s);
	session_start(f, &s);
	build_hellos(f, &s, s.nonce);
	{
		struct msbuf *d = hellos_req(&s);

		assert_int_equal(call(f, &s, MS_MON_DECAP, d, resp), 0);
		msbuf_free(d);
	}
	memset(junk, 0x11, sizeof(junk));
	assert_int_equal(msbuf_put_string(req, junk, 32), 0);
	assert_int_equal(msbuf_put_string(req, junk, 32), 0);
	assert_int_not_equal(call(f, &s, MS_MON_SIGN, req, resp), 0);
	msbuf_free(req);
	msbuf_free(resp);
	session_free(&s);
}

static void
test_malformed_and_trailing(void **state)
{
	struct fixture *f = *state;
	struct session s;
	struct msbuf *req = newbuf(), *resp = newbuf();

	session_start(f, &s);
	session_kex(f, &s);
	assert_int_equal(session_auth(f, &s, f->alice, f->alice, 0), MS_ST_OK);
	/* Oversize length prefix. */
	assert_int_equal(msbuf_put_u32(req, 0xffffffff), 0);
	assert_int_not_equal(call(f, &s, MS_MON_GET, req, resp), 0);
	/* Trailing bytes after a valid STATUS. */
	msbuf_reset(req);
	assert_int_equal(msbuf_put_u8(req, 0), 0);
	assert_int_not_equal(call(f, &s, MS_MON_STATUS, req, resp), 0);
	/* Truncated SET. */
	msbuf_reset(req);
	assert_int_equal(msbuf_put_cstring(req, "/a"), 0);
	assert_int_not_equal(call(f, &s, MS_MON_SET, req, resp), 0);
	msbuf_free(req);
	msbuf_free(resp);
	session_free(&s);
}

static void
test_host_certificate(void **state)
{
	struct fixture *f = *state;
	struct cg_opts o = { "host.example", "DNS:host.example", -DAY, DAY, 0,
	    "critical,digitalSignature", "serverAuth", 500, 0 };
	X509 *hc = cg_cert(f->keys.sig, f->ca, f->ca_key, &o), *cs[3];
	X509 *wrong = cg_cert(f->alice, f->ca, f->ca_key, &o);
	struct session s;
	struct msbuf *req, *resp = newbuf();
	struct auth_opts ao = honest;
	char path[128], err[256];
	u_char th[32], msg[128], sig[64];
	size_t msglen;

	/* A certificate for another key is refused at load. */
	snprintf(path, sizeof(path), "%s/wrong-host.pem", f->dir);
	cs[0] = wrong;
	cs[1] = NULL;
	cg_write_pem(path, cs, NULL);
	assert_int_not_equal(hostkeys_load_cert(&f->keys, path, err,
	    sizeof(err)), 0);
	assert_null(f->keys.cert_msg);
	assert_non_null(strstr(err, "host signature key"));
	/* Leaf and CA: SERVER_CERTIFICATE with two DER strings. */
	snprintf(path, sizeof(path), "%s/host.pem", f->dir);
	cs[0] = hc;
	cs[1] = f->ca;
	cs[2] = NULL;
	cg_write_pem(path, cs, NULL);
	assert_int_equal(hostkeys_load_cert(&f->keys, path, err, sizeof(err)),
	    0);
	assert_non_null(f->keys.cert_msg);
	{
		const u_char *p = msbuf_ptr(f->keys.cert_msg);
		uint32_t len;

		assert_int_equal(msbuf_peek_u32(f->keys.cert_msg, 0, &len), 0);
		assert_int_equal(len + 4, msbuf_len(f->keys.cert_msg));
		assert_int_equal(p[4], MS_MSG_SERVER_CERTIFICATE);
		assert_int_equal(p[5], 2);
	}

	/* HELLO returns it; SIGN covers it; AUTH expects it. */
	session_start(f, &s);
	session_kex(f, &s);
	assert_int_equal(session_auth(f, &s, f->alice, f->alice, 0), MS_ST_OK);
	session_free(&s);
	/* SIGN without it (or with other bytes) kills the worker. */
	session_start(f, &s);
	build_hellos(f, &s, s.nonce);
	req = hellos_req(&s);
	assert_int_equal(call(f, &s, MS_MON_DECAP, req, resp), 0);
	msbuf_free(req);
	req = hellos_req(&s);
	assert_int_equal(msbuf_put_string(req, NULL, 0), 0);
	assert_int_not_equal(call(f, &s, MS_MON_SIGN, req, resp), 0);
	msbuf_free(req);
	session_free(&s);
	/* The signature is over CH || SH || SERVER_CERTIFICATE. */
	session_start(f, &s);
	session_kex(f, &s);
	th_of(s.ch, s.sh, NULL, th);
	assert_int_equal(ms_sig_message(MS_SIG_CONTEXT_SERVER, th, msg,
	    sizeof(msg), &msglen), 0);
	memcpy(sig, s.sig, sizeof(sig));
	assert_int_not_equal(ms_ed25519_verify(f->keys.sig_pub, msg, msglen,
	    sig, 64), 0);
	/* An AUTH tail without our certificate kills the worker. */
	ao.omit_cert_msg = 1;
	{
		struct msbuf *ident = newbuf();

		put_raw_ident(ident, f->alice);
		auth_with(f, &s, ident, f->alice, &ao, -1);
		msbuf_free(ident);
	}
	session_free(&s);
	/* A worker that was given no certificate may not send one. */
	msbuf_free(f->keys.cert_msg);
	f->keys.cert_msg = NULL;
	session_start(f, &s);
	build_hellos(f, &s, s.nonce);
	req = hellos_req(&s);
	assert_int_equal(call(f, &s, MS_MON_DECAP, req, resp), 0);
	msbuf_free(req);
	req = hellos_req(&s);
	assert_int_equal(msbuf_put_string(req, "\0\0\0\2\4\0", 6), 0);
	assert_int_not_equal(call(f, &s, MS_MON_SIGN, req, resp), 0);
	msbuf_free(req);
	session_free(&s);
	msbuf_free(resp);
	X509_free(hc);
	X509_free(wrong);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_happy_path),
		cmocka_unit_test(test_out_of_state_requests_refused),
		cmocka_unit_test(test_once_only),
		cmocka_unit_test(test_decap_needs_own_nonce),
		cmocka_unit_test(test_sign_arbitrary_bytes_refused),
		cmocka_unit_test(test_malformed_and_trailing),
		cmocka_unit_test(test_host_certificate),
	};

	ms_log_init("test_mon_dispatch", getenv("TEST_DEBUG") ? MS_LOG_DEBUG3 : MS_LOG_QUIET, 1, -1);
	return cmocka_run_group_tests(tests, setup, teardown);
}
