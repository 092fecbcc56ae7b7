/*
 * test_client_certs.c — the client's identities (key types, file
 * permissions) and its check of server certificates against a CA file.
 */
#include "client_fixture.h"

static void
test_identity_types(void **state)
{
	struct metasafe_key *k = NULL;
	struct metasafe_conn *c;
	struct msbuf *b;
	EVP_PKEY *ec = NULL, *rsa = NULL, *x = NULL, *cakey = NULL;
	X509 *ca, *leaf, *other;
	char path[512], cpath[512], err[512];
	const u_char *der;
	size_t derlen;
	uint8_t u8;
	int i;

	mk_tmpdir();
	/* ECDSA P-256, unencrypted. */
	assert_int_equal(kg_pkey_generate(MS_KEYALG_ECDSA_P256, 0, &ec), 0);
	snprintf(path, sizeof(path), "%s/ec", tmpdir);
	assert_int_equal(kg_key_save_private(path, ec, NULL), 0);
	assert_int_equal(metasafe_key_load(path, NULL, &k), 0);
	assert_string_equal(metasafe_key_type(k), "ecdsa-p256");
	assert_int_equal(metasafe_key_has_certificate(k), 0);
	/* Not Ed25519 and no certificate: refused before anything is sent. */
	assert_non_null(c = cl_conn_new());
	assert_int_equal(metasafe_authenticate(c, k), METASAFE_ERR_IDENTITY);
	assert_non_null(strstr(metasafe_last_error_message(c),
	    "CertificateFile"));
	metasafe_close(c);

	/* A certificate for it, and one for another key. */
	assert_int_equal(kg_pkey_generate(MS_KEYALG_ED25519, 0, &cakey), 0);
	ca = issue(KG_CERT_CA, "Test CA", NULL, NULL, cakey, NULL, cakey);
	leaf = issue(KG_CERT_CLIENT, "carol", NULL, NULL, ec, ca, cakey);
	other = issue(KG_CERT_CLIENT, "mallory", NULL, NULL, cakey, ca, cakey);
	snprintf(cpath, sizeof(cpath), "%s/cert.pem", tmpdir);
	write_certs(cpath, other, NULL);
	assert_int_equal(metasafe_key_load_certificate(k, cpath, err,
	    sizeof(err)), METASAFE_ERR_CERTIFICATE);
	assert_non_null(strstr(err, "does not match"));
	assert_int_equal(metasafe_key_has_certificate(k), 0);
	unlink(cpath);
	write_certs(cpath, leaf, ca);
	assert_int_equal(metasafe_key_load_certificate(k, cpath, err,
	    sizeof(err)), 0);
	assert_int_equal(metasafe_key_has_certificate(k), 1);
	/* CLIENT_IDENTITY id_type 2 with both certificates, leaf first. */
	assert_non_null(b = msbuf_new(MS_CLIENT_IDENTITY_MAX));
	assert_int_equal(cl_identity_put(b, k), 0);
	assert_int_equal(msbuf_get_u8(b, &u8), 0);
	assert_int_equal(u8, MS_ID_X509_CHAIN);
	assert_int_equal(msbuf_get_u8(b, &u8), 0);
	assert_int_equal(u8, 2);
	for (i = 0; i < 2; i++)
		assert_int_equal(msbuf_get_string_direct(b, &der, &derlen,
		    MS_CERT_DER_MAX), 0);
	assert_int_equal(msbuf_len(b), 0);
	msbuf_free(b);
	metasafe_key_free(k);
	k = NULL;

	/* Bad chain files. */
	snprintf(path, sizeof(path), "%s/ec", tmpdir);
	assert_int_equal(metasafe_key_load(path, NULL, &k), 0);
	write_file(cpath, "");
	assert_int_equal(metasafe_key_load_certificate(k, cpath, err,
	    sizeof(err)), METASAFE_ERR_CERTIFICATE);
	assert_non_null(strstr(err, "no PEM certificate"));
	write_file(cpath, "-----BEGIN CERTIFICATE-----\nAAAA\n"
	    "-----END CERTIFICATE-----\n");
	assert_int_equal(metasafe_key_load_certificate(k, cpath, err,
	    sizeof(err)), METASAFE_ERR_CERTIFICATE);
	unlink(cpath);
	write_certs(cpath, leaf, NULL);
	for (i = 0; i < 4; i++) {
		FILE *f;

		assert_non_null(f = fopen(cpath, "a"));
		assert_int_equal(PEM_write_X509(f, ca), 1);
		assert_int_equal(PEM_write_X509(f, ca), 1);
		assert_int_equal(fclose(f), 0);
	}
	assert_int_equal(metasafe_key_load_certificate(k, cpath, err,
	    sizeof(err)), METASAFE_ERR_CERTIFICATE);
	assert_non_null(strstr(err, "more than 8"));
	snprintf(cpath, sizeof(cpath), "%s/nonexistent", tmpdir);
	assert_int_equal(metasafe_key_load_certificate(k, cpath, err,
	    sizeof(err)), METASAFE_ERR_CERTIFICATE);
	metasafe_key_free(k);
	k = NULL;

	/* RSA, encrypted. */
	assert_int_equal(kg_pkey_generate(MS_KEYALG_RSA, 1024, &rsa), 0);
	snprintf(path, sizeof(path), "%s/rsa", tmpdir);
	assert_int_equal(kg_key_save_private(path, rsa, "pw"), 0);
	assert_int_equal(metasafe_key_load(path, NULL, &k),
	    METASAFE_ERR_PASSPHRASE_REQUIRED);
	assert_int_equal(metasafe_key_load(path, "wrong", &k),
	    METASAFE_ERR_BAD_PASSPHRASE);
	assert_int_equal(metasafe_key_load(path, "pw", &k), 0);
	assert_string_equal(metasafe_key_type(k), "rsa");
	metasafe_key_free(k);
	k = NULL;

	/* X25519 cannot sign; garbage is no key. */
	assert_int_equal(ms_pkey_generate(MS_KEY_X25519, &x), 0);
	snprintf(path, sizeof(path), "%s/x", tmpdir);
	assert_int_equal(ms_key_save_private(path, x, NULL), 0);
	assert_int_equal(metasafe_key_load(path, NULL, &k),
	    METASAFE_ERR_IDENTITY);
	snprintf(path, sizeof(path), "%s/garbage", tmpdir);
	write_file(path, "-----BEGIN PRIVATE KEY-----\nAAAA\n"
	    "-----END PRIVATE KEY-----\n");
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(metasafe_key_load(path, NULL, &k),
	    METASAFE_ERR_IDENTITY);
	assert_null(k);

	X509_free(ca);
	X509_free(leaf);
	X509_free(other);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(x);
	EVP_PKEY_free(cakey);
	rm_tmpdir();
}

/* A key file open to group or others is refused before it is read. */
static void
test_identity_perms(void **state)
{
	static const mode_t bad[] = { 0640, 0604, 0644, 0660, 0602, 0610,
	    0601, 0666 };
	struct metasafe_key *k = NULL;
	EVP_PKEY *ed = NULL;
	char path[512];
	size_t i;

	mk_tmpdir();
	assert_int_equal(ms_pkey_generate(MS_KEY_ED25519, &ed), 0);
	snprintf(path, sizeof(path), "%s/id", tmpdir);
	assert_int_equal(ms_key_save_private(path, ed, NULL), 0);
	assert_int_equal(metasafe_key_load(path, NULL, &k), 0);
	metasafe_key_free(k);
	k = NULL;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(chmod(path, bad[i]), 0);
		assert_int_equal(metasafe_key_load(path, NULL, &k),
		    METASAFE_ERR_KEY_PERMISSIONS);
		assert_null(k);
	}
	/* Owner bits alone are fine, whatever they are. */
	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(metasafe_key_load(path, NULL, &k), 0);
	metasafe_key_free(k);
	k = NULL;
	assert_int_equal(chmod(path, 0700), 0);
	assert_int_equal(metasafe_key_load(path, NULL, &k), 0);
	metasafe_key_free(k);
	/* A local error: exit code 1, with its own message. */
	assert_int_equal(metasafe_exit_code(METASAFE_ERR_KEY_PERMISSIONS), 1);
	assert_non_null(strstr(metasafe_strerror(METASAFE_ERR_KEY_PERMISSIONS),
	    "group or others"));
	EVP_PKEY_free(ed);
	rm_tmpdir();
}

/* Parse a SERVER_CERTIFICATE of c1[, c2] and check it; text in the reason. */
static void
srv_check(X509 *c1, X509 *c2, const char *ca, const char *host, int want,
    const char *text, const u_char pub[32])
{
	STACK_OF(X509) *chain = NULL;
	struct msbuf *m;
	char err[512] = "";

	m = cert_msg(c1, c2);
	assert_int_equal(cl_server_cert_parse(m, &chain), 0);
	msbuf_free(m);
	assert_int_equal(cl_server_cert_check(ca, host, chain, pub, err,
	    sizeof(err)), want);
	if (text != NULL) {
		if (strstr(err, text) == NULL)
			fail_msg("\"%s\" lacks \"%s\"", err, text);
	}
	cl_chain_free(chain);
}

static void
test_server_cert_check(void **state)
{
	STACK_OF(X509) *chain;
	struct msbuf *m;
	EVP_PKEY *root_key, *sub_key, *host, *other, *ca2_key;
	X509 *root, *sub, *ca2, *leaf, *expired, *wrongkey, *client, *viasub;
	u_char pub[32];
	char cafile[512], ca2file[512];

	mk_tmpdir();
	assert_int_equal(kg_pkey_generate(MS_KEYALG_ECDSA_P256, 0, &root_key), 0);
	assert_int_equal(kg_pkey_generate(MS_KEYALG_ED25519, 0, &sub_key), 0);
	assert_int_equal(kg_pkey_generate(MS_KEYALG_ED25519, 0, &ca2_key), 0);
	assert_int_equal(ms_pkey_generate(MS_KEY_ED25519, &host), 0);
	assert_int_equal(ms_pkey_generate(MS_KEY_ED25519, &other), 0);
	assert_int_equal(ms_pkey_raw_public(host, pub, sizeof(pub)), 0);
	root = issue(KG_CERT_CA, "Root", NULL, NULL, root_key, NULL, root_key);
	sub = issue(KG_CERT_CA, "Sub", NULL, NULL, sub_key, root, root_key);
	ca2 = issue(KG_CERT_CA, "Other", NULL, NULL, ca2_key, NULL, ca2_key);
	leaf = issue(KG_CERT_HOST, "127.0.0.1", "db1.example.org", NULL, host,
	    root, root_key);
	expired = issue(KG_CERT_HOST, "127.0.0.1", NULL,
	    "20200101000000:20210101000000", host, root, root_key);
	wrongkey = issue(KG_CERT_HOST, "127.0.0.1", NULL, NULL, other, root,
	    root_key);
	client = issue(KG_CERT_CLIENT, "svc", NULL, NULL, host, root,
	    root_key);
	viasub = issue(KG_CERT_HOST, "db1.example.org", NULL, NULL, host, sub,
	    sub_key);
	snprintf(cafile, sizeof(cafile), "%s/ca.pem", tmpdir);
	snprintf(ca2file, sizeof(ca2file), "%s/ca2.pem", tmpdir);
	write_certs(cafile, root, NULL);
	write_certs(ca2file, ca2, NULL);

	srv_check(leaf, NULL, cafile, "127.0.0.1", 0, NULL, pub);
	srv_check(leaf, NULL, cafile, "db1.example.org", 0, NULL, pub);
	srv_check(leaf, NULL, cafile, "DB1.example.org", 0, NULL, pub);
	srv_check(leaf, NULL, cafile, "db2.example.org", METASAFE_ERR_SERVER_CERT,
	    "name mismatch", pub);
	srv_check(leaf, NULL, cafile, "127.0.0.2", METASAFE_ERR_SERVER_CERT,
	    "name mismatch", pub);
	srv_check(leaf, NULL, ca2file, "127.0.0.1", METASAFE_ERR_SERVER_CERT,
	    "not trusted", pub);
	srv_check(expired, NULL, cafile, "127.0.0.1", METASAFE_ERR_SERVER_CERT,
	    "expired", pub);
	srv_check(wrongkey, NULL, cafile, "127.0.0.1", METASAFE_ERR_SERVER_CERT,
	    "host key", pub);
	srv_check(client, NULL, cafile, "svc", METASAFE_ERR_SERVER_CERT,
	    "purpose", pub);
	srv_check(viasub, sub, cafile, "db1.example.org", 0, NULL, pub);
	srv_check(viasub, NULL, cafile, "db1.example.org",
	    METASAFE_ERR_SERVER_CERT, "not trusted", pub);
	srv_check(leaf, NULL, "/nonexistent/ca.pem", "127.0.0.1",
	    METASAFE_ERR_SERVER_CERT, "cannot load CA file", pub);

	/* Strict parsing of SERVER_CERTIFICATE. */
	assert_non_null(m = msbuf_new(1024));
	assert_int_equal(msbuf_put_u8(m, 0), 0);
	assert_int_equal(cl_server_cert_parse(m, &chain),
	    METASAFE_ERR_PROTOCOL);
	assert_null(chain);
	msbuf_reset(m);
	assert_int_equal(msbuf_put_u8(m, 9), 0);
	assert_int_equal(cl_server_cert_parse(m, &chain),
	    METASAFE_ERR_PROTOCOL);
	msbuf_reset(m);
	assert_int_equal(msbuf_put_u8(m, 1), 0);
	assert_int_equal(msbuf_put_string(m, "garbage", 7), 0);
	assert_int_equal(cl_server_cert_parse(m, &chain),
	    METASAFE_ERR_PROTOCOL);
	msbuf_free(m);
	m = cert_msg(leaf, NULL);
	assert_int_equal(msbuf_put_u8(m, 0), 0);	/* trailing byte */
	assert_int_equal(cl_server_cert_parse(m, &chain),
	    METASAFE_ERR_PROTOCOL);
	assert_null(chain);
	msbuf_free(m);

	X509_free(root);
	X509_free(sub);
	X509_free(ca2);
	X509_free(leaf);
	X509_free(expired);
	X509_free(wrongkey);
	X509_free(client);
	X509_free(viasub);
	EVP_PKEY_free(root_key);
	EVP_PKEY_free(sub_key);
	EVP_PKEY_free(ca2_key);
	EVP_PKEY_free(host);
	EVP_PKEY_free(other);
	rm_tmpdir();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identity_types),
		cmocka_unit_test(test_identity_perms),
		cmocka_unit_test(test_server_cert_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
