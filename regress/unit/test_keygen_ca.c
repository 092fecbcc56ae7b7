/*
 * test_keygen_ca.c — metasafe-keygen's CA pieces without files: validity
 * and serial parsing, certificates of every kind checked with OpenSSL's
 * own X509_verify_cert (purpose, names, usage overrides, expiry,
 * intermediates), CRLs (adding, keeping entries, refusing a foreign CRL,
 * revocation seen by a CRL-checking verification), and the key types.
 */
#include <sys/types.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "crypto.h"
#include "errors.h"
#include "keyfile.h"
#include "kg.h"

static EVP_PKEY *
genkey(enum ms_keyalg t)
{
	EVP_PKEY *k = NULL;

	assert_int_equal(kg_pkey_generate(t, t == MS_KEYALG_RSA ? 1024 : 0, &k),
	    0);
	assert_int_equal(kg_pkey_type(k), t);
	return k;
}

static X509 *
mkcert(enum kg_cert_kind kind, const char *name, const char *extra,
    const char *validity, const char *serial, const char *usage,
    EVP_PKEY *subj, X509 *issuer, EVP_PKEY *ikey, int want)
{
	struct kg_cert_req req;
	char err[256] = "";
	X509 *x = NULL;

	memset(&req, 0, sizeof(req));
	req.kind = kind;
	req.name = name;
	req.extra_names = extra;
	req.serial = serial;
	req.usage = usage;
	if (validity != NULL)
		assert_int_equal(kg_validity_parse(validity, 0,
		    &req.validity), 0);
	else
		req.validity.days = 30;
	assert_int_equal(kg_cert_issue(&req, subj, issuer, ikey, time(NULL),
	    &x, err, sizeof(err)), want);
	if (want != 0) {
		assert_null(x);
		assert_true(err[0] != '\0');
	}
	return x;
}

/* X509_verify_cert's verdict (X509_V_OK or the error). */
static int
verify(X509 *leaf, X509 *root, X509 *inter, X509_CRL *crl1, X509_CRL *crl2,
    int purpose)
{
	X509_STORE *store;
	X509_STORE_CTX *ctx;
	STACK_OF(X509) *untrusted;
	int r;

	assert_non_null(store = X509_STORE_new());
	assert_non_null(ctx = X509_STORE_CTX_new());
	assert_non_null(untrusted = sk_X509_new_null());
	assert_int_equal(X509_STORE_add_cert(store, root), 1);
	if (inter != NULL)
		assert_true(sk_X509_push(untrusted, inter) > 0);
	if (crl1 != NULL) {
		assert_int_equal(X509_STORE_add_crl(store, crl1), 1);
		if (crl2 != NULL)
			assert_int_equal(X509_STORE_add_crl(store, crl2), 1);
		assert_int_equal(X509_STORE_set_flags(store,
		    X509_V_FLAG_CRL_CHECK | (crl2 != NULL ?
		    X509_V_FLAG_CRL_CHECK_ALL : 0)), 1);
	}
	assert_int_equal(X509_STORE_CTX_init(ctx, store, leaf, untrusted), 1);
	if (purpose != 0)
		assert_int_equal(X509_STORE_CTX_set_purpose(ctx, purpose), 1);
	r = X509_verify_cert(ctx) == 1 ? X509_V_OK :
	    X509_STORE_CTX_get_error(ctx);
	sk_X509_free(untrusted);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	ERR_clear_error();
	return r;
}

static void
test_validity(void **state)
{
	struct kg_validity v;
	ASN1_TIME *a, *b;
	time_t now = 1700000000;
	int day, sec;

	assert_int_equal(kg_validity_parse("365", 0, &v), 0);
	assert_int_equal(v.absolute, 0);
	assert_int_equal(v.days, 365);
	assert_int_equal(kg_validity_parse("+30", 0, &v), 0);
	assert_int_equal(v.days, 30);
	assert_int_equal(kg_validity_parse("-1", 0, &v),
	    MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(kg_validity_parse("-1", 1, &v), 0);
	assert_int_equal(v.days, -1);
	assert_int_equal(kg_validity_parse("0", 1, &v),
	    MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(kg_validity_parse("+", 0, &v),
	    MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(kg_validity_parse("++3", 0, &v),
	    MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(kg_validity_parse("36501", 0, &v),
	    MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(kg_validity_parse("3d", 0, &v),
	    MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(kg_validity_parse("", 0, &v),
	    MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(kg_validity_parse("20200101000000:20210101000000", 0,
	    &v), 0);
	assert_int_equal(v.absolute, 1);
	assert_string_equal(v.from, "20200101000000Z");
	assert_string_equal(v.to, "20210101000000Z");
	/* TO before FROM, bad fields, wrong widths. */
	assert_int_equal(kg_validity_parse("20210101000000:20200101000000", 0,
	    &v), MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(kg_validity_parse("20201301000000:20210101000000", 0,
	    &v), MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(kg_validity_parse("2020010100000:20210101000000", 0,
	    &v), MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(kg_validity_parse("20200101000000:", 0, &v),
	    MS_ERR_INVALID_ARGUMENT);

	assert_non_null(a = ASN1_TIME_new());
	assert_non_null(b = ASN1_TIME_new());
	assert_int_equal(kg_validity_parse("10", 0, &v), 0);
	assert_int_equal(kg_validity_apply(&v, now, a, b), 0);
	assert_int_equal(ASN1_TIME_diff(&day, &sec, a, b), 1);
	assert_int_equal(day, 10);
	assert_int_equal(sec, 0);
	/* Negative: both in the past, lastUpdate a day before nextUpdate. */
	assert_int_equal(kg_validity_parse("-1", 1, &v), 0);
	assert_int_equal(kg_validity_apply(&v, now, a, b), 0);
	assert_int_equal(ASN1_TIME_cmp_time_t(b, now), -1);
	assert_int_equal(ASN1_TIME_diff(&day, &sec, a, b), 1);
	assert_int_equal(day, 1);
	assert_int_equal(kg_validity_parse("20350101000000:20360101000000", 0,
	    &v), 0);
	assert_int_equal(kg_validity_apply(&v, now, a, b), 0);
	assert_int_equal(ASN1_TIME_cmp_time_t(a, now), 1);
	ASN1_TIME_free(a);
	ASN1_TIME_free(b);
}

static void
test_serial(void **state)
{
	ASN1_INTEGER *s = NULL, *t = NULL;

	assert_int_equal(kg_serial_parse("1234", &s), 0);
	assert_int_equal(ASN1_INTEGER_get(s), 1234);
	ASN1_INTEGER_free(s);
	assert_int_equal(kg_serial_parse("0", &s), MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(kg_serial_parse("-5", &s), MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(kg_serial_parse("12a", &s), MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(kg_serial_parse("", &s), MS_ERR_INVALID_ARGUMENT);
	/* 20 octets fit, 21 do not. */
	assert_int_equal(kg_serial_parse(
	    "1461501637330902918203684832716283019655932542975", &s), 0);
	ASN1_INTEGER_free(s);
	assert_int_equal(kg_serial_parse(
	    "1461501637330902918203684832716283019655932542976", &s),
	    MS_ERR_INVALID_ARGUMENT);
	assert_null(s);
	assert_int_equal(kg_serial_random(&s), 0);
	assert_int_equal(kg_serial_random(&t), 0);
	assert_int_not_equal(ASN1_INTEGER_cmp(s, t), 0);
	ASN1_INTEGER_free(s);
	ASN1_INTEGER_free(t);
}

static void
test_key_types(void **state)
{
	static const enum ms_keyalg types[] = { MS_KEYALG_ED25519,
	    MS_KEYALG_ECDSA_P256, MS_KEYALG_ECDSA_P384, MS_KEYALG_RSA };
	EVP_PKEY *k, *x = NULL;
	const EVP_MD *md;
	char fp[MS_FINGERPRINT_MAX], *pem = NULL;
	int bits;
	size_t i;

	assert_int_equal(ms_keyalg_from_name("ecdsa-p256"), MS_KEYALG_ECDSA_P256);
	assert_int_equal(ms_keyalg_from_name("ms-ed25519"), MS_KEYALG_ED25519);
	assert_int_equal(ms_keyalg_from_name("rsa"), MS_KEYALG_RSA);
	assert_int_equal(ms_keyalg_from_name("dsa"), MS_KEYALG_UNKNOWN);
	assert_string_equal(ms_keyalg_upper(MS_KEYALG_ECDSA_P384), "ECDSA-P384");
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		k = genkey(types[i]);
		assert_int_equal(kg_fingerprint(k, fp, sizeof(fp), &bits), 0);
		assert_int_equal(strncmp(fp, "SHA256:", 7), 0);
		assert_int_equal(bits, types[i] == MS_KEYALG_RSA ? 1024 :
		    types[i] == MS_KEYALG_ECDSA_P384 ? 384 : 256);
		assert_int_equal(kg_sign_digest(k, &md), 0);
		if (types[i] == MS_KEYALG_ED25519)
			assert_null(md);
		else
			assert_non_null(md);
		if (ms_keyalg_is_spki(types[i])) {
			assert_int_equal(kg_pubkey_pem(k, &pem), 0);
			assert_non_null(strstr(pem, "BEGIN PUBLIC KEY"));
			free(pem);
			pem = NULL;
		}
		EVP_PKEY_free(k);
	}
	assert_int_equal(kg_pkey_generate(MS_KEYALG_RSA, 512, &x),
	    MS_ERR_INVALID_ARGUMENT);
	assert_null(x);
	x = genkey(MS_KEYALG_X25519);
	assert_int_equal(kg_sign_digest(x, &md), -1);
	assert_int_equal(ms_keyalg_can_sign(MS_KEYALG_X25519), 0);
	EVP_PKEY_free(x);
}

static int
has_san(X509 *x, int type, const char *value)
{
	GENERAL_NAMES *gens;
	GENERAL_NAME *gn;
	ASN1_STRING *s;
	int i, found = 0, t;

	gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	for (i = 0; gens != NULL && i < sk_GENERAL_NAME_num(gens); i++) {
		gn = sk_GENERAL_NAME_value(gens, i);
		s = GENERAL_NAME_get0_value(gn, &t);
		if (t == type && t != GEN_IPADD &&
		    (size_t)ASN1_STRING_length(s) == strlen(value) &&
		    memcmp(ASN1_STRING_get0_data(s), value,
		    strlen(value)) == 0)
			found = 1;
		if (t == type && t == GEN_IPADD && X509_check_ip_asc(x, value,
		    0) == 1)
			found = 1;
	}
	GENERAL_NAMES_free(gens);
	return found;
}

static void
test_certificates(void **state)
{
	EVP_PKEY *root_key, *sub_key, *user, *host;
	X509 *root, *sub, *c, *h, *viasub, *bad;

	root_key = genkey(MS_KEYALG_ED25519);
	sub_key = genkey(MS_KEYALG_ECDSA_P384);
	user = genkey(MS_KEYALG_ECDSA_P256);
	host = genkey(MS_KEYALG_ED25519);
	root = mkcert(KG_CERT_CA, "Root CA", NULL, "3650", NULL, NULL,
	    root_key, NULL, root_key, 0);
	assert_int_equal(X509_check_ca(root), 1);
	assert_int_equal(X509_self_signed(root, 1), 1);
	assert_int_equal(X509_get_key_usage(root),
	    KU_KEY_CERT_SIGN | KU_CRL_SIGN);
	assert_non_null(X509_get0_subject_key_id(root));
	sub = mkcert(KG_CERT_CA, "Sub CA", NULL, NULL, NULL, NULL, sub_key,
	    root, root_key, 0);
	assert_int_equal(X509_check_ca(sub), 1);
	assert_int_equal(X509_self_signed(sub, 0), 0);
	assert_int_equal(verify(sub, root, NULL, NULL, NULL, 0), X509_V_OK);

	/* Client: metasafe:NAME URI, extra e-mail and URI, clientAuth. */
	c = mkcert(KG_CERT_CLIENT, "alice", "alice@example.org,metasafe:ops",
	    NULL, "77", NULL, user, root, root_key, 0);
	assert_int_equal(ASN1_INTEGER_get(X509_get0_serialNumber(c)), 77);
	assert_true(has_san(c, GEN_URI, "metasafe:alice"));
	assert_true(has_san(c, GEN_URI, "metasafe:ops"));
	assert_true(has_san(c, GEN_EMAIL, "alice@example.org"));
	assert_int_equal(X509_get_key_usage(c), KU_DIGITAL_SIGNATURE);
	assert_int_equal(X509_get_extended_key_usage(c), XKU_SSL_CLIENT);
	assert_int_equal(verify(c, root, NULL, NULL, NULL,
	    X509_PURPOSE_SSL_CLIENT), X509_V_OK);
	assert_int_not_equal(verify(c, root, NULL, NULL, NULL,
	    X509_PURPOSE_SSL_SERVER), X509_V_OK);

	/* Host: DNS and IP SANs, serverAuth. */
	h = mkcert(KG_CERT_HOST, "db1.example.org", "127.0.0.1,::1,db1",
	    NULL, NULL, NULL, host, root, root_key, 0);
	assert_true(has_san(h, GEN_DNS, "db1.example.org"));
	assert_true(has_san(h, GEN_DNS, "db1"));
	assert_true(has_san(h, GEN_IPADD, "127.0.0.1"));
	assert_true(has_san(h, GEN_IPADD, "::1"));
	assert_int_equal(X509_check_host(h, "db1.example.org", 0, 0, NULL), 1);
	assert_int_equal(X509_get_extended_key_usage(h), XKU_SSL_SERVER);
	assert_int_equal(verify(h, root, NULL, NULL, NULL,
	    X509_PURPOSE_SSL_SERVER), X509_V_OK);

	/* Through the intermediate, and without it. */
	viasub = mkcert(KG_CERT_CLIENT, "bob", NULL, NULL, NULL, NULL, user,
	    sub, sub_key, 0);
	assert_int_equal(verify(viasub, root, sub, NULL, NULL,
	    X509_PURPOSE_SSL_CLIENT), X509_V_OK);
	assert_int_equal(verify(viasub, root, NULL, NULL, NULL,
	    X509_PURPOSE_SSL_CLIENT), X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
	X509_free(viasub);

	/* Usage overrides for negative tests. */
	bad = mkcert(KG_CERT_CLIENT, "eve", NULL, NULL, NULL, "serverauth",
	    user, root, root_key, 0);
	assert_int_equal(X509_get_extended_key_usage(bad), XKU_SSL_SERVER);
	assert_int_not_equal(verify(bad, root, NULL, NULL, NULL,
	    X509_PURPOSE_SSL_CLIENT), X509_V_OK);
	X509_free(bad);
	bad = mkcert(KG_CERT_CLIENT, "eve", NULL, NULL, NULL, "keycertsign",
	    user, root, root_key, 0);
	assert_int_equal(X509_get_key_usage(bad), KU_KEY_CERT_SIGN);
	X509_free(bad);
	assert_null(mkcert(KG_CERT_CLIENT, "eve", NULL, NULL, NULL, "bogus",
	    user, root, root_key, MS_ERR_INVALID_ARGUMENT));

	/* Expired and not yet valid. */
	bad = mkcert(KG_CERT_CLIENT, "old", NULL,
	    "20200101000000:20210101000000", NULL, NULL, user, root, root_key,
	    0);
	assert_int_equal(verify(bad, root, NULL, NULL, NULL, 0),
	    X509_V_ERR_CERT_HAS_EXPIRED);
	X509_free(bad);
	bad = mkcert(KG_CERT_CLIENT, "new", NULL,
	    "20900101000000:20910101000000", NULL, NULL, user, root, root_key,
	    0);
	assert_int_equal(verify(bad, root, NULL, NULL, NULL, 0),
	    X509_V_ERR_CERT_NOT_YET_VALID);
	X509_free(bad);

	/* Names that must not get in. */
	assert_null(mkcert(KG_CERT_CLIENT, "bad name", NULL, NULL, NULL, NULL,
	    user, root, root_key, MS_ERR_INVALID_ARGUMENT));
	assert_null(mkcert(KG_CERT_CLIENT, "x", "a,b c", NULL, NULL, NULL,
	    user, root, root_key, MS_ERR_INVALID_ARGUMENT));
	assert_null(mkcert(KG_CERT_HOST, "-bad..host", NULL, NULL, NULL, NULL,
	    host, root, root_key, MS_ERR_INVALID_ARGUMENT));
	assert_null(mkcert(KG_CERT_HOST, "ok.example", "in valid", NULL, NULL,
	    NULL, host, root, root_key, MS_ERR_INVALID_ARGUMENT));
	assert_null(mkcert(KG_CERT_CA, "ctl\001", NULL, NULL, NULL, NULL,
	    root_key, NULL, root_key, MS_ERR_INVALID_ARGUMENT));
	assert_null(mkcert(KG_CERT_CLIENT, "x", NULL, NULL, "0", NULL, user,
	    root, root_key, MS_ERR_INVALID_ARGUMENT));

	X509_free(root);
	X509_free(sub);
	X509_free(c);
	X509_free(h);
	EVP_PKEY_free(root_key);
	EVP_PKEY_free(sub_key);
	EVP_PKEY_free(user);
	EVP_PKEY_free(host);
}

static long
crl_number(X509_CRL *crl)
{
	ASN1_INTEGER *n;
	long v;

	assert_non_null(n = X509_CRL_get_ext_d2i(crl, NID_crl_number, NULL,
	    NULL));
	v = ASN1_INTEGER_get(n);
	ASN1_INTEGER_free(n);
	return v;
}

static int
n_revoked(X509_CRL *crl)
{
	int n = sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl));

	return n < 0 ? 0 : n;
}

static void
test_crl(void **state)
{
	struct kg_validity v, stale;
	EVP_PKEY *root_key, *other_key, *user;
	X509 *root, *other, *c1, *c2;
	X509_CRL *crl0 = NULL, *crl1 = NULL, *crl2 = NULL, *crl3 = NULL;
	X509_CRL *bad = NULL, *scrl = NULL;
	ASN1_INTEGER *s1 = NULL;
	char err[256];
	int listed;
	time_t now = time(NULL);

	root_key = genkey(MS_KEYALG_ECDSA_P256);
	other_key = genkey(MS_KEYALG_ED25519);
	user = genkey(MS_KEYALG_ED25519);
	root = mkcert(KG_CERT_CA, "Root", NULL, NULL, NULL, NULL, root_key,
	    NULL, root_key, 0);
	other = mkcert(KG_CERT_CA, "Other", NULL, NULL, NULL, NULL, other_key,
	    NULL, other_key, 0);
	c1 = mkcert(KG_CERT_CLIENT, "one", NULL, NULL, "1001", NULL, user, root,
	    root_key, 0);
	c2 = mkcert(KG_CERT_CLIENT, "two", NULL, NULL, "1002", NULL, user, root,
	    root_key, 0);
	assert_int_equal(kg_validity_parse("30", 1, &v), 0);
	assert_int_equal(kg_serial_parse("1001", &s1), 0);

	/* Empty CRL, then one revocation, then the same again. */
	assert_int_equal(kg_crl_update(NULL, root, root_key, NULL, &v, now,
	    &crl0, &listed, err, sizeof(err)), 0);
	assert_int_equal(n_revoked(crl0), 0);
	assert_int_equal(crl_number(crl0), 1);
	assert_int_equal(X509_CRL_verify(crl0, root_key), 1);
	assert_int_equal(verify(c1, root, NULL, crl0, NULL, 0), X509_V_OK);
	assert_int_equal(kg_crl_update(crl0, root, root_key, s1, &v, now,
	    &crl1, &listed, err, sizeof(err)), 0);
	assert_int_equal(listed, 0);
	assert_int_equal(n_revoked(crl1), 1);
	assert_int_equal(crl_number(crl1), 2);
	assert_int_equal(verify(c1, root, NULL, crl1, NULL, 0),
	    X509_V_ERR_CERT_REVOKED);
	assert_int_equal(verify(c2, root, NULL, crl1, NULL, 0), X509_V_OK);
	assert_int_equal(kg_crl_update(crl1, root, root_key, s1, &v, now,
	    &crl2, &listed, err, sizeof(err)), 0);
	assert_int_equal(listed, 1);
	assert_int_equal(n_revoked(crl2), 1);
	assert_int_equal(crl_number(crl2), 3);
	/* Re-signing keeps the entries. */
	assert_int_equal(kg_crl_update(crl2, root, root_key, NULL, &v, now,
	    &crl3, &listed, err, sizeof(err)), 0);
	assert_int_equal(n_revoked(crl3), 1);
	assert_int_equal(verify(c1, root, NULL, crl3, NULL, 0),
	    X509_V_ERR_CERT_REVOKED);

	/* A CRL of another CA is not extended. */
	assert_int_equal(kg_crl_update(crl1, other, other_key, NULL, &v, now,
	    &bad, &listed, err, sizeof(err)), MS_ERR_INVALID_ARGUMENT);
	assert_null(bad);
	assert_non_null(strstr(err, "another CA"));

	/* Stale: nextUpdate in the past. */
	assert_int_equal(kg_validity_parse("-1", 1, &stale), 0);
	assert_int_equal(kg_crl_update(NULL, root, root_key, NULL, &stale, now,
	    &scrl, &listed, err, sizeof(err)), 0);
	assert_int_equal(verify(c2, root, NULL, scrl, NULL, 0),
	    X509_V_ERR_CRL_HAS_EXPIRED);

	X509_CRL_free(crl0);
	X509_CRL_free(crl1);
	X509_CRL_free(crl2);
	X509_CRL_free(crl3);
	X509_CRL_free(scrl);
	ASN1_INTEGER_free(s1);
	X509_free(root);
	X509_free(other);
	X509_free(c1);
	X509_free(c2);
	EVP_PKEY_free(root_key);
	EVP_PKEY_free(other_key);
	EVP_PKEY_free(user);
}

static void
test_key_files(void **state)
{
	char dir[] = "/tmp/test_keygen_ca.XXXXXX", path[256], pub[256];
	char cmd[300], *comment = NULL;
	EVP_PKEY *k, *l = NULL, *p = NULL;

	assert_non_null(mkdtemp(dir));
	k = genkey(MS_KEYALG_ECDSA_P384);
	snprintf(path, sizeof(path), "%s/k", dir);
	snprintf(pub, sizeof(pub), "%s/k.pub", dir);
	assert_int_equal(kg_key_save_private(path, k, "secret"), 0);
	assert_int_equal(kg_key_save_private(path, k, NULL),
	    MS_ERR_FILE_EXISTS);
	assert_int_equal(kg_key_save_public_pem(pub, k), 0);
	assert_int_equal(kg_key_load_private(path, NULL, &l),
	    MS_ERR_PASSPHRASE_REQUIRED);
	assert_int_equal(kg_key_load_private(path, "wrong", &l),
	    MS_ERR_BAD_PASSPHRASE);
	assert_int_equal(kg_key_load_private(path, "secret", &l), 0);
	assert_int_equal(EVP_PKEY_eq(k, l), 1);
	assert_int_equal(kg_key_load_any_public(pub, NULL, &p, &comment), 0);
	assert_int_equal(EVP_PKEY_eq(k, p), 1);
	EVP_PKEY_free(p);
	assert_int_equal(kg_key_load_any_public(path, "secret", &p, NULL), 0);
	assert_int_equal(EVP_PKEY_eq(k, p), 1);
	EVP_PKEY_free(p);
	EVP_PKEY_free(l);
	EVP_PKEY_free(k);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validity),
		cmocka_unit_test(test_serial),
		cmocka_unit_test(test_key_types),
		cmocka_unit_test(test_certificates),
		cmocka_unit_test(test_crl),
		cmocka_unit_test(test_key_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
