/*
 * test_hostkeys.c — the monitor's key custody (monitor/hostkeys.c): host
 * signature and key-exchange keys, store keys, spare HostKeys and the
 * HostCertificate, with the error each wrong file gets.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "crypto.h"
#include "errors.h"
#include "hostkeys.h"
#include "privkey.h"
#include "proto.h"
#include "storekey.h"

#define TESTFS_NAME	"hostkeys"
#include "testfs.h"
#include "certgen.h"

/* A new key of type ("ED25519" or "X25519") saved as rel; path in out. */
static EVP_PKEY *
save_key(const char *type, const char *rel, char *out, size_t len)
{
	EVP_PKEY *k;

	assert_non_null(k = EVP_PKEY_Q_keygen(NULL, NULL, type));
	mkpath(out, len, rel);
	assert_int_equal(ms_key_save_private(out, k, NULL), 0);
	return k;
}

/* A store key of fill bytes saved as rel; path in out. */
static void
save_store_key(int fill, const char *rel, char *out, size_t len)
{
	u_char key[MS_STORE_KEY_LEN];

	memset(key, fill, sizeof(key));
	mkpath(out, len, rel);
	assert_int_equal(ms_store_key_save(out, key), 0);
}

static void
raw_pub(EVP_PKEY *k, u_char pub[32])
{
	assert_int_equal(ms_pkey_raw_public(k, pub, 32), 0);
}

static void
expect_err(const char *err, const char *a, const char *b)
{
	if (strstr(err, a) == NULL || (b != NULL && strstr(err, b) == NULL))
		fail_msg("error \"%s\", want \"%s\" and \"%s\"", err, a,
		    b == NULL ? "" : b);
}

static void
test_load_valid(void **state)
{
	struct hostkeys hk;
	char sig[256], kex[256], s1[256], s2[256], err[512];
	char *stores[2] = { s1, s2 };
	u_char pub[32], want[MS_STORE_KEY_LEN];
	EVP_PKEY *ks, *kx;

	ks = save_key("ED25519", "sig", sig, sizeof(sig));
	kx = save_key("X25519", "kex", kex, sizeof(kex));
	save_store_key(0xa1, "store1", s1, sizeof(s1));
	save_store_key(0xb2, "store2", s2, sizeof(s2));
	assert_int_equal(hostkeys_load(&hk, sig, kex, stores, 2, err,
	    sizeof(err)), 0);
	assert_non_null(hk.sig);
	assert_non_null(hk.kex);
	raw_pub(ks, pub);
	assert_memory_equal(hk.sig_pub, pub, 32);
	raw_pub(kx, pub);
	assert_memory_equal(hk.kex_pub, pub, 32);
	assert_int_equal(EVP_PKEY_eq(hk.sig, ks), 1);
	/* The store keys in the order given. */
	assert_int_equal(hk.nstore_keys, 2);
	memset(want, 0xa1, sizeof(want));
	assert_memory_equal(hk.store_keys[0], want, sizeof(want));
	memset(want, 0xb2, sizeof(want));
	assert_memory_equal(hk.store_keys[1], want, sizeof(want));
	assert_int_equal(hk.nspare, 0);
	assert_null(hk.cert_msg);
	hostkeys_free(&hk);
	/* Freed and wiped. */
	assert_null(hk.sig);
	assert_int_equal(hk.nstore_keys, 0);
	memset(want, 0, sizeof(want));
	assert_memory_equal(hk.store_keys[0], want, sizeof(want));
	EVP_PKEY_free(ks);
	EVP_PKEY_free(kx);
}

static void
test_wrong_types(void **state)
{
	struct hostkeys hk;
	char sig[256], kex[256], s1[256], err[512];
	char *stores[1] = { s1 };

	EVP_PKEY_free(save_key("ED25519", "sig", sig, sizeof(sig)));
	EVP_PKEY_free(save_key("X25519", "kex", kex, sizeof(kex)));
	save_store_key(0xa1, "store1", s1, sizeof(s1));
	/* The two host keys swapped: each is the wrong type. */
	assert_int_equal(hostkeys_load(&hk, kex, sig, stores, 1, err,
	    sizeof(err)), MS_ERR_KEY_TYPE_MISMATCH);
	expect_err(err, kex, "not an ed25519 key");
	assert_null(hk.sig);
	assert_null(hk.kex);
	assert_int_equal(hostkeys_load(&hk, sig, sig, stores, 1, err,
	    sizeof(err)), MS_ERR_KEY_TYPE_MISMATCH);
	expect_err(err, sig, "not an x25519 key");
	assert_null(hk.sig);
	/* A store key is not a host key, nor a host key a store key. */
	assert_true(hostkeys_load(&hk, s1, kex, stores, 1, err,
	    sizeof(err)) < 0);
	expect_err(err, s1, NULL);
	stores[0] = sig;
	assert_true(hostkeys_load(&hk, sig, kex, stores, 1, err,
	    sizeof(err)) < 0);
	expect_err(err, "StoreKey ", sig);
	assert_null(hk.sig);
	assert_int_equal(hk.nstore_keys, 0);
}

static void
test_missing_files(void **state)
{
	struct hostkeys hk;
	char sig[256], kex[256], s1[256], none[256], err[512];
	char *stores[1] = { s1 };

	EVP_PKEY_free(save_key("ED25519", "sig", sig, sizeof(sig)));
	EVP_PKEY_free(save_key("X25519", "kex", kex, sizeof(kex)));
	save_store_key(0xa1, "store1", s1, sizeof(s1));
	mkpath(none, sizeof(none), "absent");
	assert_true(hostkeys_load(&hk, none, kex, stores, 1, err,
	    sizeof(err)) < 0);
	expect_err(err, none, NULL);
	assert_true(hostkeys_load(&hk, sig, none, stores, 1, err,
	    sizeof(err)) < 0);
	expect_err(err, none, NULL);
	assert_null(hk.sig);
	stores[0] = none;
	assert_true(hostkeys_load(&hk, sig, kex, stores, 1, err,
	    sizeof(err)) < 0);
	expect_err(err, "StoreKey ", none);
	assert_null(hk.sig);
	assert_null(hk.kex);
}

static void
test_store_keys(void **state)
{
	struct hostkeys hk;
	char paths[MS_STORE_KEYS_MAX + 1][256], err[512], rel[16];
	char *stores[MS_STORE_KEYS_MAX + 1];
	u_char want[MS_STORE_KEY_LEN];
	size_t i;

	for (i = 0; i <= MS_STORE_KEYS_MAX; i++) {
		snprintf(rel, sizeof(rel), "store%zu", i);
		save_store_key(0x10 + (int)i, rel, paths[i], sizeof(paths[i]));
		stores[i] = paths[i];
	}
	/* Store keys alone (metasafe-admin): no host keys. */
	assert_int_equal(hostkeys_load_store_keys(&hk, stores,
	    MS_STORE_KEYS_MAX, err, sizeof(err)), 0);
	assert_null(hk.sig);
	assert_null(hk.kex);
	assert_int_equal(hk.nstore_keys, MS_STORE_KEYS_MAX);
	for (i = 0; i < MS_STORE_KEYS_MAX; i++) {
		memset(want, 0x10 + (int)i, sizeof(want));
		assert_memory_equal(hk.store_keys[i], want, sizeof(want));
	}
	hostkeys_free(&hk);
	/* None, or one more than the cap. */
	assert_int_equal(hostkeys_load_store_keys(&hk, stores, 0, err,
	    sizeof(err)), MS_ERR_INVALID_ARGUMENT);
	expect_err(err, "StoreKey: 1 to", NULL);
	assert_int_equal(hostkeys_load_store_keys(&hk, stores,
	    MS_STORE_KEYS_MAX + 1, err, sizeof(err)), MS_ERR_INVALID_ARGUMENT);
	/* A bad file in the middle: nothing is kept. */
	stores[1] = "/nonexistent/store";
	assert_true(hostkeys_load_store_keys(&hk, stores, 3, err,
	    sizeof(err)) < 0);
	expect_err(err, "StoreKey /nonexistent/store", NULL);
	assert_int_equal(hk.nstore_keys, 0);
	memset(want, 0, sizeof(want));
	assert_memory_equal(hk.store_keys[0], want, sizeof(want));
}

static void
test_spare_keys(void **state)
{
	struct hostkeys hk;
	char sig[256], kex[256], s1[256], sp[HOSTKEYS_SPARE_MAX + 1][256];
	char x2[256], err[512], rel[16];
	char *stores[1] = { s1 };
	EVP_PKEY *k[HOSTKEYS_SPARE_MAX + 1];
	u_char pub[32];
	size_t i;

	EVP_PKEY_free(save_key("ED25519", "sig", sig, sizeof(sig)));
	EVP_PKEY_free(save_key("X25519", "kex", kex, sizeof(kex)));
	EVP_PKEY_free(save_key("X25519", "x2", x2, sizeof(x2)));
	save_store_key(0xa1, "store1", s1, sizeof(s1));
	for (i = 0; i <= HOSTKEYS_SPARE_MAX; i++) {
		snprintf(rel, sizeof(rel), "spare%zu", i);
		k[i] = save_key("ED25519", rel, sp[i], sizeof(sp[i]));
	}
	assert_int_equal(hostkeys_load(&hk, sig, kex, stores, 1, err,
	    sizeof(err)), 0);
	/* The first HostKey again, and an X25519 key: refused. */
	assert_int_equal(hostkeys_load_spare(&hk, sig, err, sizeof(err)),
	    MS_ERR_INVALID_ARGUMENT);
	expect_err(err, sig, "the same key as the first HostKey");
	assert_int_equal(hostkeys_load_spare(&hk, x2, err, sizeof(err)),
	    MS_ERR_KEY_TYPE_MISMATCH);
	assert_int_equal(hk.nspare, 0);
	/* Spares up to the cap; only their public halves are kept. */
	for (i = 0; i < HOSTKEYS_SPARE_MAX; i++) {
		assert_int_equal(hostkeys_load_spare(&hk, sp[i], err,
		    sizeof(err)), 0);
		raw_pub(k[i], pub);
		assert_memory_equal(hk.spare_pub[i], pub, 32);
	}
	assert_int_equal(hk.nspare, HOSTKEYS_SPARE_MAX);
	assert_int_equal(hostkeys_load_spare(&hk, sp[HOSTKEYS_SPARE_MAX], err,
	    sizeof(err)), MS_ERR_LIMIT);
	expect_err(err, "too many HostKey files", NULL);
	/* The signing key is still the first one. */
	assert_int_equal(EVP_PKEY_eq(hk.sig, k[0]), 0);
	hostkeys_free(&hk);
	/* The same spare twice. */
	assert_int_equal(hostkeys_load(&hk, sig, kex, stores, 1, err,
	    sizeof(err)), 0);
	assert_int_equal(hostkeys_load_spare(&hk, sp[0], err, sizeof(err)),
	    0);
	assert_int_equal(hostkeys_load_spare(&hk, sp[0], err, sizeof(err)),
	    MS_ERR_INVALID_ARGUMENT);
	expect_err(err, "the same key as another HostKey", NULL);
	assert_int_equal(hk.nspare, 1);
	hostkeys_free(&hk);
	for (i = 0; i <= HOSTKEYS_SPARE_MAX; i++)
		EVP_PKEY_free(k[i]);
}

/* The canonical SERVER_CERTIFICATE: u32 len, u8 type, u8 n, n strings. */
static void
check_cert_msg(const struct msbuf *m, X509 *const *certs, uint8_t n)
{
	struct msbuf *b;
	const u_char *p;
	u_char *der;
	uint32_t len;
	uint8_t type, got;
	size_t dlen;
	int dl;
	uint8_t i;

	assert_non_null(b = msbuf_from(msbuf_ptr(m), msbuf_len(m)));
	assert_int_equal(msbuf_get_u32(b, &len), 0);
	assert_int_equal(len, msbuf_len(m) - 4);
	assert_int_equal(msbuf_get_u8(b, &type), 0);
	assert_int_equal(type, MS_MSG_SERVER_CERTIFICATE);
	assert_int_equal(msbuf_get_u8(b, &got), 0);
	assert_int_equal(got, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(msbuf_get_string_direct(b, &p, &dlen,
		    MS_SERVER_CERT_MSG_MAX), 0);
		der = NULL;
		assert_true((dl = i2d_X509(certs[i], &der)) > 0);
		assert_int_equal(dlen, (size_t)dl);
		assert_memory_equal(p, der, dlen);
		OPENSSL_free(der);
	}
	assert_int_equal(msbuf_len(b), 0);
	msbuf_free(b);
}

static void
test_host_certificate(void **state)
{
	struct hostkeys hk;
	struct cg_opts o = { .cn = "db1.example.org", .not_before = -60,
	    .not_after = 86400, .serial = 2 };
	struct cg_opts co = { .cn = "Host CA", .not_before = -60,
	    .not_after = 86400, .ca = 1, .serial = 1 };
	char sig[256], kex[256], s1[256], pem[256], err[512];
	char *stores[1] = { s1 };
	X509 *ca, *leaf, *other, *chain[MS_CERTS_MAX + 2];
	EVP_PKEY *ks, *cak, *ok;
	size_t i;

	ks = save_key("ED25519", "sig", sig, sizeof(sig));
	EVP_PKEY_free(save_key("X25519", "kex", kex, sizeof(kex)));
	save_store_key(0xa1, "store1", s1, sizeof(s1));
	cak = cg_key("ED25519");
	ok = cg_key("ED25519");
	ca = cg_cert(cak, NULL, NULL, &co);
	leaf = cg_cert(ks, ca, cak, &o);
	other = cg_cert(ok, ca, cak, &o);
	mkpath(pem, sizeof(pem), "host-cert.pem");
	assert_int_equal(hostkeys_load(&hk, sig, kex, stores, 1, err,
	    sizeof(err)), 0);

	/* Leaf and CA: the message carries both, in file order. */
	chain[0] = leaf;
	chain[1] = ca;
	chain[2] = NULL;
	cg_write_pem(pem, chain, NULL);
	assert_int_equal(hostkeys_load_cert(&hk, pem, err, sizeof(err)), 0);
	assert_non_null(hk.cert_msg);
	check_cert_msg(hk.cert_msg, chain, 2);
	msbuf_free(hk.cert_msg);
	hk.cert_msg = NULL;

	/* A certificate for another key, or the CA first: refused. */
	chain[0] = other;
	cg_write_pem(pem, chain, NULL);
	assert_int_equal(hostkeys_load_cert(&hk, pem, err, sizeof(err)),
	    MS_ERR_KEY_TYPE_MISMATCH);
	expect_err(err, "does not certify the host signature key", NULL);
	assert_null(hk.cert_msg);
	chain[0] = ca;
	chain[1] = leaf;
	cg_write_pem(pem, chain, NULL);
	assert_int_equal(hostkeys_load_cert(&hk, pem, err, sizeof(err)),
	    MS_ERR_KEY_TYPE_MISMATCH);

	/* MS_CERTS_MAX certificates, then one more. */
	chain[0] = leaf;
	for (i = 1; i < MS_CERTS_MAX; i++)
		chain[i] = ca;
	chain[MS_CERTS_MAX] = NULL;
	cg_write_pem(pem, chain, NULL);
	assert_int_equal(hostkeys_load_cert(&hk, pem, err, sizeof(err)), 0);
	check_cert_msg(hk.cert_msg, chain, MS_CERTS_MAX);
	msbuf_free(hk.cert_msg);
	hk.cert_msg = NULL;
	chain[MS_CERTS_MAX] = ca;
	chain[MS_CERTS_MAX + 1] = NULL;
	cg_write_pem(pem, chain, NULL);
	assert_int_equal(hostkeys_load_cert(&hk, pem, err, sizeof(err)),
	    MS_ERR_LIMIT);
	assert_null(hk.cert_msg);

	/* No file, or no certificate in it. */
	assert_true(hostkeys_load_cert(&hk, "/nonexistent/cert.pem", err,
	    sizeof(err)) < 0);
	write_file(pem, "not a certificate\n");
	assert_true(hostkeys_load_cert(&hk, pem, err, sizeof(err)) < 0);
	assert_null(hk.cert_msg);
	hostkeys_free(&hk);

	/* Without the host key loaded there is nothing to certify. */
	memset(&hk, 0, sizeof(hk));
	chain[0] = leaf;
	chain[1] = NULL;
	cg_write_pem(pem, chain, NULL);
	assert_int_equal(hostkeys_load_cert(&hk, pem, err, sizeof(err)),
	    MS_ERR_KEY_TYPE_MISMATCH);

	X509_free(ca);
	X509_free(leaf);
	X509_free(other);
	EVP_PKEY_free(ks);
	EVP_PKEY_free(cak);
	EVP_PKEY_free(ok);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_load_valid, testfs_setup,
		    testfs_teardown),
		cmocka_unit_test_setup_teardown(test_wrong_types, testfs_setup,
		    testfs_teardown),
		cmocka_unit_test_setup_teardown(test_missing_files,
		    testfs_setup, testfs_teardown),
		cmocka_unit_test_setup_teardown(test_store_keys, testfs_setup,
		    testfs_teardown),
		cmocka_unit_test_setup_teardown(test_spare_keys, testfs_setup,
		    testfs_teardown),
		cmocka_unit_test_setup_teardown(test_host_certificate,
		    testfs_setup, testfs_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
