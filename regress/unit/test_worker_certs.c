/*
 * test_worker_certs.c — certificates in the worker's handshake: the
 * SERVER_CERTIFICATE the monitor hands out, X.509 client identities
 * (id_type 2) and CLIENT_VERIFY sizes, well-formed and malformed.
 */
#include "worker_fixture.h"

static void
test_server_certificate(void **state)
{
	struct opts o;
	struct rig rg;
	struct cl c;
	struct msbuf *res = fields_new();

	(void)state;
	/*
	 * SERVER_CERTIFICATE goes first, verbatim; SIGN carries it back (the
	 * fake monitor signs TH(SERVER_CERTIFICATE), which the client checks)
	 * and AUTH's tail starts with it (the fake monitor checks).
	 */
	opts_default(&o);
	o.sc_mode = SC_VALID;
	connect_ok(&rg, &c, &o);
	assert_int_equal(cl_request(&c, MS_MSG_STATUS, NULL, res), MS_ST_OK);
	msbuf_free(res);
	finish(&rg, &c, 0);
	assert_int_equal(rg.monitor_status & MON_AUTH_SEEN, MON_AUTH_SEEN);
}

static void
test_server_certificate_malformed(void **state)
{
	struct opts o;
	enum mon_sc modes[] = { SC_BAD_TYPE, SC_BAD_LEN, SC_NO_CERTS };
	size_t i;

	(void)state;
	/* A monitor answer the worker cannot send verbatim: stop at once. */
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		opts_default(&o);
		o.sc_mode = modes[i];
		expect_alert(&o, MS_ST_INTERNAL_ERROR);
	}
}

static void
x509_opts(struct opts *o, int n, size_t len)
{
	int i;

	opts_default(o);
	o->x509 = 1;
	o->n_certs = n;
	for (i = 0; i < CERTS_TEST_MAX; i++)
		o->cert_len[i] = len;
}

static void
test_x509_identity(void **state)
{
	struct opts o;
	struct rig rg;
	struct cl c;

	(void)state;
	/* A chain of three, one at the 16384-byte cap, with a host cert. */
	x509_opts(&o, 3, 600);
	o.cert_len[1] = 16384;
	o.sc_mode = SC_VALID;
	connect_ok(&rg, &c, &o);
	finish(&rg, &c, 0);
	assert_int_equal(rg.monitor_status & MON_AUTH_SEEN, MON_AUTH_SEEN);
	/* Eight certificates, and CLIENT_IDENTITY at exactly 65536 bytes. */
	x509_opts(&o, 8, 100);
	connect_ok(&rg, &c, &o);
	finish(&rg, &c, 0);
	x509_opts(&o, 4, 16384);
	o.cert_len[3] = 65536 - 5 - 2 - 4 * 4 - 3 * 16384;
	connect_ok(&rg, &c, &o);
	finish(&rg, &c, 0);
	/* An empty cert_der is well formed: the monitor judges it. */
	x509_opts(&o, 2, 100);
	o.cert_len[1] = 0;
	connect_ok(&rg, &c, &o);
	finish(&rg, &c, 0);
	assert_int_equal(rg.monitor_status & MON_AUTH_SEEN, MON_AUTH_SEEN);
	/* The monitor decides about the key: a wrong one is AUTH_FAILED. */
	x509_opts(&o, 2, 1000);
	o.unauthorized = 1;
	expect_auth_failed(&o);
}

/*
 * A handshake message that breaks 4.3's structure: ALERT PROTOCOL_ERROR
 * under s_hs, and the monitor is never asked.
 */
static void
expect_hs_alert(struct opts *o, uint8_t after)
{
	struct rig rg;
	struct cl c;

	o->hs_alert_after = after;
	rig_start(&rg, o);
	assert_int_equal(cl_handshake(&c, rg.fd, o), 3);
	assert_int_equal(c.alert, MS_ST_PROTOCOL_ERROR);
	assert_closed(&c);
	finish(&rg, &c, 1);
	assert_int_equal(rg.monitor_status & MON_AUTH_SEEN, 0);
}

static void
test_x509_identity_malformed(void **state)
{
	struct opts o;

	(void)state;
	x509_opts(&o, 0, 100);				/* no certificate */
	expect_hs_alert(&o, MS_MSG_CLIENT_IDENTITY);
	x509_opts(&o, 9, 100);				/* more than 8 */
	expect_hs_alert(&o, MS_MSG_CLIENT_IDENTITY);
	x509_opts(&o, 2, 100);				/* one above the cap */
	o.cert_len[1] = 16385;
	expect_hs_alert(&o, MS_MSG_CLIENT_IDENTITY);
	x509_opts(&o, 4, 16384);			/* 65537 in all */
	o.cert_len[3] = 65536 - 5 - 2 - 4 * 4 - 3 * 16384 + 1;
	expect_hs_alert(&o, MS_MSG_CLIENT_IDENTITY);
	x509_opts(&o, 1, 100);				/* trailing byte */
	o.id_trailing = 1;
	expect_hs_alert(&o, MS_MSG_CLIENT_IDENTITY);
	opts_default(&o);				/* raw, trailing */
	o.id_trailing = 1;
	expect_hs_alert(&o, MS_MSG_CLIENT_IDENTITY);
	opts_default(&o);				/* unknown id_type */
	o.id_type = 3;
	expect_hs_alert(&o, MS_MSG_CLIENT_IDENTITY);
	x509_opts(&o, 1, 100);				/* chain as id_type 1 */
	o.id_type = MS_ID_RAW_ED25519;
	expect_hs_alert(&o, MS_MSG_CLIENT_IDENTITY);
}

static void
test_client_verify_sizes(void **state)
{
	struct opts o;

	(void)state;
	/* 1024 bytes (RSA-8192) is well-formed: the monitor judges it. */
	opts_default(&o);
	o.cv_sig_len = 1024;
	expect_auth_failed(&o);
	/* One byte more is a structure error. */
	opts_default(&o);
	o.cv_sig_len = 1025;
	expect_hs_alert(&o, MS_MSG_CLIENT_VERIFY);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_server_certificate),
		cmocka_unit_test(test_server_certificate_malformed),
		cmocka_unit_test(test_x509_identity),
		cmocka_unit_test(test_x509_identity_malformed),
		cmocka_unit_test(test_client_verify_sizes),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
