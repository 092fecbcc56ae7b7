/*
 * test_client_e2e_certs.c — certificates end to end against the fake
 * server: a server certificate checked against a CA file, an X.509 client
 * identity.
 */
#include "client_fixture.h"

/* A connection to the fake server in 'mode' that logs in with key. */
static void
login_ok(struct e2e *e, enum fake_mode mode, struct metasafe_key *key)
{
	struct metasafe_conn *c = NULL;
	pid_t pid;

	pid = fake_start(&e->fs, mode);
	assert_int_equal(metasafe_connect(&e->o, &c), 0);
	assert_int_equal(metasafe_authenticate(c, key), 0);
	metasafe_close(c);
	fake_wait(pid);
}

static void
test_e2e_server_cert(void **state)
{
	struct e2e e;
	EVP_PKEY *cakey;
	X509 *ca, *leaf;
	char cafile[512];

	e2e_setup(&e, 0);
	assert_int_equal(kg_pkey_generate(MS_KEYALG_ED25519, 0, &cakey), 0);
	ca = issue(KG_CERT_CA, "CA", NULL, NULL, cakey, NULL, cakey);
	leaf = issue(KG_CERT_HOST, "127.0.0.1", NULL, NULL, e.fs.host_sig, ca,
	    cakey);
	snprintf(cafile, sizeof(cafile), "%s/ca.pem", tmpdir);
	write_certs(cafile, ca, NULL);
	e.fs.cert_msg = cert_msg(leaf, NULL);

	/* Valid certificate: no known_hosts needed, none written. */
	e.o.ca_file = cafile;
	login_ok(&e, FAKE_CERT, e.key);
	assert_int_equal(access(e.kh, F_OK), -1);

	/* Another name: refused before SERVER_VERIFY is even checked. */
	e.o.host = "localhost";
	e.fs.expect_cert_refusal = 1;
	e2e_refused(&e, FAKE_CERT, METASAFE_ERR_SERVER_CERT,
	    "not valid for \"localhost\"");
	assert_int_equal(metasafe_exit_code(METASAFE_ERR_SERVER_CERT), 2);

	/* No certificate although CAFile demands one. */
	e.o.host = "127.0.0.1";
	msbuf_free(e.fs.cert_msg);
	e.fs.cert_msg = NULL;
	e2e_refused(&e, FAKE_CERT, METASAFE_ERR_SERVER_CERT, "no certificate");

	/* Without CAFile the certificate is ignored; pinning decides. */
	e.fs.cert_msg = cert_msg(leaf, NULL);
	e.fs.expect_cert_refusal = 0;
	e.o.ca_file = NULL;
	e.o.strict_host_key_checking = METASAFE_HOSTKEY_ACCEPT_NEW;
	login_ok(&e, FAKE_CERT, e.key);
	assert_int_equal(access(e.kh, F_OK), 0);

	msbuf_free(e.fs.cert_msg);
	X509_free(ca);
	X509_free(leaf);
	EVP_PKEY_free(cakey);
	e2e_teardown(&e);
}

static void
test_e2e_x509_client(void **state)
{
	static const enum ms_keyalg types[] = { MS_KEYALG_ECDSA_P256,
	    MS_KEYALG_ECDSA_P384, MS_KEYALG_RSA, MS_KEYALG_ED25519 };
	struct e2e e;
	struct metasafe_conn *c = NULL;
	struct metasafe_key *k = NULL;
	EVP_PKEY *cakey, *uk;
	X509 *ca, *leaf;
	char path[512], cpath[512];
	size_t i;
	pid_t pid;

	e2e_setup(&e, 1);
	assert_int_equal(kg_pkey_generate(MS_KEYALG_ECDSA_P384, 0, &cakey), 0);
	ca = issue(KG_CERT_CA, "CA", NULL, NULL, cakey, NULL, cakey);
	e.fs.want_idtype = 2;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		assert_int_equal(kg_pkey_generate(types[i], 1024, &uk), 0);
		snprintf(path, sizeof(path), "%s/u%zu", tmpdir, i);
		snprintf(cpath, sizeof(cpath), "%s/u%zu-cert.pem", tmpdir, i);
		assert_int_equal(kg_key_save_private(path, uk, NULL), 0);
		leaf = issue(KG_CERT_CLIENT, "svc", NULL, NULL, uk, ca, cakey);
		write_certs(cpath, leaf, NULL);
		assert_int_equal(metasafe_key_load(path, NULL, &k), 0);
		assert_int_equal(metasafe_key_load_certificate(k, cpath, NULL,
		    0), 0);
		login_ok(&e, FAKE_CERT, k);
		/* The whole thing through the options, as the CLI does. */
		e.o.identity_file = path;
		e.o.certificate_file = cpath;
		pid = fake_start(&e.fs, FAKE_CERT);
		assert_int_equal(metasafe_connect_auth(&e.o, &c), 0);
		metasafe_close(c);
		fake_wait(pid);
		metasafe_key_free(k);
		X509_free(leaf);
		EVP_PKEY_free(uk);
	}
	X509_free(ca);
	EVP_PKEY_free(cakey);
	e2e_teardown(&e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_e2e_server_cert),
		cmocka_unit_test(test_e2e_x509_client),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
