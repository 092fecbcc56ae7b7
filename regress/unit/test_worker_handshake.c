/*
 * test_worker_handshake.c — the worker's side of the handshake against the
 * test client and the fake monitor of worker_fixture.c: negotiation,
 * alerts for bad hellos and shares, login grace, refused keys and
 * finished messages, tampered records, a monitor that dies at AUTH.
 */
#include "worker_fixture.h"

static void
test_handshake_ok(void **state)
{
	struct opts o;
	struct rig rg;
	struct cl c;
	struct msbuf *res = fields_new();
	char *s;
	uint32_t n;
	uint16_t cipher;

	(void)state;
	opts_default(&o);
	connect_ok(&rg, &c, &o);
	/* Server preference: AES-GCM first although the client prefers ChaCha. */
	assert_int_equal(c.sh.cipher, MS_CIPHER_AES256_GCM);
	assert_int_equal(cl_request(&c, MS_MSG_STATUS, NULL, res), MS_ST_OK);
	assert_int_equal(msbuf_get_cstring(res, &s, NULL, 64), 0);
	assert_string_equal(s, ms_server_version());
	free(s);
	assert_int_equal(msbuf_get_cstring(res, &s, NULL, 64), 0);
	assert_string_equal(s, "alice");
	free(s);
	assert_int_equal(msbuf_get_u32(res, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(msbuf_get_u16(res, &cipher), 0);
	assert_int_equal(cipher, MS_CIPHER_AES256_GCM);
	assert_int_equal(msbuf_len(res), 0);
	/* detail 1: the same fields, then the monitor's store usage. */
	{
		struct msbuf *body;
		uint64_t u;

		assert_non_null(body = msbuf_new(16));
		assert_int_equal(msbuf_put_u8(body, MS_STATUS_USAGE), 0);
		msbuf_reset(res);
		assert_int_equal(cl_request(&c, MS_MSG_STATUS, body, res),
		    MS_ST_OK);
		msbuf_free(body);
		assert_int_equal(msbuf_get_cstring(res, &s, NULL, 64), 0);
		free(s);
		assert_int_equal(msbuf_get_cstring(res, &s, NULL, 64), 0);
		free(s);
		assert_int_equal(msbuf_get_u32(res, &n), 0);
		assert_int_equal(msbuf_get_u16(res, &cipher), 0);
		assert_int_equal(msbuf_get_u64(res, &u), 0);
		assert_int_equal(u, 8192);
		assert_int_equal(msbuf_get_u64(res, &u), 0);
		assert_int_equal(u, 1ULL << 30);
		assert_int_equal(msbuf_get_u64(res, &u), 0);
		assert_int_equal(u, 3);
		assert_int_equal(msbuf_get_u64(res, &u), 0);
		assert_int_equal(u, 5);
		assert_int_equal(msbuf_len(res), 0);
	}
	msbuf_free(res);
	finish(&rg, &c, 0);
	assert_int_equal(rg.monitor_status & MON_AUTH_SEEN, MON_AUTH_SEEN);
}

static void
test_handshake_chacha(void **state)
{
	struct opts o;
	struct rig rg;
	struct cl c;
	struct msbuf *res = fields_new();

	(void)state;
	opts_default(&o);
	o.server_ciphers.ids[0] = MS_CIPHER_CHACHA20_POLY1305;
	o.server_ciphers.ids[1] = MS_CIPHER_AES256_GCM;
	o.ciphers.ids[0] = MS_CIPHER_AES256_GCM;
	o.ciphers.ids[1] = MS_CIPHER_CHACHA20_POLY1305;
	connect_ok(&rg, &c, &o);
	assert_int_equal(c.sh.cipher, MS_CIPHER_CHACHA20_POLY1305);
	assert_int_equal(cl_request(&c, MS_MSG_STATUS, NULL, res), MS_ST_OK);
	msbuf_free(res);
	finish(&rg, &c, 0);
}

static void
test_version_mismatch(void **state)
{
	struct opts o;

	(void)state;
	opts_default(&o);
	o.version = 2;
	expect_alert(&o, MS_ST_VERSION_MISMATCH);
}

static void
test_no_common_cipher(void **state)
{
	struct opts o;

	(void)state;
	opts_default(&o);
	o.ciphers.n = 1;
	o.ciphers.ids[0] = 0x0077;
	expect_alert(&o, MS_ST_NO_COMMON_SUITE);
	/* The server's list rules: it may refuse what the client offers. */
	opts_default(&o);
	o.server_ciphers.n = 1;
	o.server_ciphers.ids[0] = MS_CIPHER_AES256_GCM;
	o.ciphers.n = 1;
	o.ciphers.ids[0] = MS_CIPHER_CHACHA20_POLY1305;
	expect_alert(&o, MS_ST_NO_COMMON_SUITE);
}

static void
test_no_common_kex_sig(void **state)
{
	struct opts o;

	(void)state;
	opts_default(&o);
	o.kex.ids[0] = 9;
	expect_alert(&o, MS_ST_NO_COMMON_SUITE);
	opts_default(&o);
	o.sigs.ids[0] = 9;
	expect_alert(&o, MS_ST_NO_COMMON_SUITE);
}

static void
test_bad_share(void **state)
{
	struct opts o;

	(void)state;
	opts_default(&o);
	o.share_len = 31;
	expect_alert(&o, MS_ST_HANDSHAKE_FAILED);
	opts_default(&o);
	o.share_len = 33;
	expect_alert(&o, MS_ST_HANDSHAKE_FAILED);
	/* A low-order point (zero) gives an all-zero X25519 output. */
	opts_default(&o);
	o.zero_share = 1;
	expect_alert(&o, MS_ST_HANDSHAKE_FAILED);
}

/* The worker's answer is a cleartext ALERT: its status goes to c->alert. */
static void
recv_clear_alert(struct rig *rg, struct cl *c, struct msbuf *p)
{
	uint8_t type;

	assert_int_equal(ms_frame_read(rg->fd, &type, p, MS_FRAME_MAX, 10000),
	    0);
	assert_int_equal(type, MS_FRAME_ALERT);
	cl_parse_alert(c, p);
}

/* A first frame that is no CLIENT_HELLO: ALERT PROTOCOL_ERROR, cleartext. */
static void
expect_first_frame_refused(uint8_t ftype, struct msbuf *p)
{
	struct rig rg;
	struct opts o;
	struct cl c;

	opts_default(&o);
	rig_start(&rg, &o);
	memset(&c, 0, sizeof(c));
	assert_int_equal(ms_frame_write(rg.fd, ftype, p), 0);
	recv_clear_alert(&rg, &c, p);
	assert_int_equal(c.alert, MS_ST_PROTOCOL_ERROR);
	msbuf_free(p);
	finish(&rg, &c, 1);
}

static void
test_first_frame_not_hello(void **state)
{
	struct msbuf *p = fields_new();

	(void)state;
	assert_int_equal(msbuf_put_u16(p, MS_PROTO_VERSION), 0);
	expect_first_frame_refused(MS_FRAME_RECORD, p);
}

static void
test_malformed_hello(void **state)
{
	struct msbuf *p = fields_new();

	(void)state;
	/* Version 1, then too short for a hello. */
	assert_int_equal(msbuf_put_u16(p, MS_PROTO_VERSION), 0);
	assert_int_equal(msbuf_put_u8(p, 7), 0);
	expect_first_frame_refused(MS_FRAME_CLIENT_HELLO, p);
}

static void
test_login_grace(void **state)
{
	struct rig rg;
	struct opts o;
	struct cl c;
	struct msbuf *p = fields_new();

	(void)state;
	opts_default(&o);
	o.grace_ms = 200;
	rig_start(&rg, &o);
	memset(&c, 0, sizeof(c));
	/* Say nothing: the worker must give up on its own. */
	recv_clear_alert(&rg, &c, p);
	assert_int_equal(c.alert, MS_ST_TIMEOUT);
	msbuf_free(p);
	finish(&rg, &c, 1);
}

static void
test_unauthorized_key(void **state)
{
	struct opts o;

	(void)state;
	opts_default(&o);
	o.unauthorized = 1;
	expect_auth_failed(&o);
}

static void
test_bad_finished(void **state)
{
	struct opts o;

	(void)state;
	opts_default(&o);
	o.bad_finished = 1;
	/* The monitor was asked anyway: no timing hint which check failed. */
	expect_auth_failed(&o);
}

static void
test_tampered_record(void **state)
{
	struct opts o;
	struct rig rg;
	struct cl c;
	struct msbuf *b = fields_new(), *f = msbuf_new(MS_FRAME_MAX + 4);
	u_char *p;
	size_t len;

	(void)state;
	opts_default(&o);
	connect_ok(&rg, &c, &o);
	assert_non_null(f);
	assert_int_equal(msbuf_put_u32(b, 1), 0);
	assert_int_equal(ms_record_seal(&c.tx, MS_MSG_STATUS, b, f), 0);
	/* Flip one ciphertext bit after the 7-byte header. */
	len = msbuf_len(f);
	assert_non_null(p = malloc(len));
	assert_int_equal(msbuf_get(f, p, len), 0);
	p[8] ^= 0x01;
	assert_int_equal(ms_write_all(c.fd, p, len), 0);
	free(p);
	assert_closed(&c);
	msbuf_free(b);
	msbuf_free(f);
	finish(&rg, &c, 1);
}

static void
test_monitor_dies_at_auth(void **state)
{
	struct opts o;
	struct rig rg;
	struct cl c;

	(void)state;
	opts_default(&o);
	o.mon_die_at_auth = 1;
	rig_start(&rg, &o);
	/* The client hears INTERNAL_ERROR, under the keys it now reads with. */
	assert_int_equal(cl_handshake(&c, rg.fd, &o), 2);
	assert_int_equal(c.alert, MS_ST_INTERNAL_ERROR);
	assert_closed(&c);
	finish(&rg, &c, 1);
}

static void
test_kex_sig_negotiation(void **state)
{
	struct opts o;
	struct rig rg;
	struct cl c;

	(void)state;
	/* Unknown ids are skipped; the server's kex list comes from CONFIG. */
	opts_default(&o);
	o.kex.n = 2;
	o.kex.ids[0] = 0x0009;
	o.kex.ids[1] = MS_KEX_X25519_HYBRID;
	o.sigs.n = 3;
	o.sigs.ids[0] = 0x0004;		/* rsa-pss-sha256 */
	o.sigs.ids[1] = 0x0002;		/* ecdsa-p256-sha256 */
	o.sigs.ids[2] = MS_SIG_ED25519;
	connect_ok(&rg, &c, &o);
	assert_int_equal(c.sh.kex, MS_KEX_X25519_HYBRID);
	assert_int_equal(c.sh.sig, MS_SIG_ED25519);
	finish(&rg, &c, 0);
	/* The host key is Ed25519: a client that will not take it is refused. */
	opts_default(&o);
	o.sigs.n = 3;
	o.sigs.ids[0] = 0x0002;
	o.sigs.ids[1] = 0x0003;
	o.sigs.ids[2] = 0x0004;
	expect_alert(&o, MS_ST_NO_COMMON_SUITE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handshake_ok),
		cmocka_unit_test(test_handshake_chacha),
		cmocka_unit_test(test_version_mismatch),
		cmocka_unit_test(test_no_common_cipher),
		cmocka_unit_test(test_no_common_kex_sig),
		cmocka_unit_test(test_bad_share),
		cmocka_unit_test(test_first_frame_not_hello),
		cmocka_unit_test(test_malformed_hello),
		cmocka_unit_test(test_login_grace),
		cmocka_unit_test(test_unauthorized_key),
		cmocka_unit_test(test_bad_finished),
		cmocka_unit_test(test_tampered_record),
		cmocka_unit_test(test_monitor_dies_at_auth),
		cmocka_unit_test(test_kex_sig_negotiation),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
