/*
 * certgen.h — make test certificates and CRLs in-process with OpenSSL
 * (for test_certs.c and test_mon_dispatch.c).  Test-only code: failures
 * are cmocka assertions.  Include after <cmocka.h>.
 */
#ifndef MS_TEST_CERTGEN_H
#define MS_TEST_CERTGEN_H

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#define CG_UNUSED	__attribute__((unused))

struct cg_opts {
	const char	*cn;		/* subject CN, NULL for none */
	const char	*san;		/* "URI:metasafe:x,email:y", or NULL */
	long		 not_before;	/* seconds from now */
	long		 not_after;
	int		 ca;
	const char	*ku;		/* keyUsage value, or NULL */
	const char	*eku;		/* extendedKeyUsage value, or NULL */
	long		 serial;
	int		 two_cns;	/* add a second CN */
};

static CG_UNUSED EVP_PKEY *
cg_key(const char *type)
{
	EVP_PKEY *k;

	if (strcmp(type, "ED25519") == 0)
		k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	else if (strcmp(type, "P-256") == 0 || strcmp(type, "P-384") == 0 ||
	    strcmp(type, "secp256k1") == 0)
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", type);
	else if (strcmp(type, "RSA1024") == 0)
		k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	else
		k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	assert_non_null(k);
	return k;
}

static CG_UNUSED const EVP_MD *
cg_md(EVP_PKEY *signer)
{
	return EVP_PKEY_is_a(signer, "ED25519") ? NULL : EVP_sha256();
}

static CG_UNUSED void
cg_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *ext;

	X509V3_set_ctx(&v3, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	assert_non_null(ext);
	assert_int_equal(X509_add_ext(x, ext, -1), 1);
	X509_EXTENSION_free(ext);
}

/* issuer NULL: self-signed with key (which must then be private). */
static CG_UNUSED X509 *
cg_cert(EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key,
    const struct cg_opts *o)
{
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();

	assert_non_null(x);
	assert_non_null(name);
	assert_int_equal(X509_set_version(x, 2), 1);
	assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x),
	    o->serial), 1);
	assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x),
	    o->not_before));
	assert_non_null(X509_gmtime_adj(X509_getm_notAfter(x), o->not_after));
	assert_int_equal(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
	    (const u_char *)"metasafe test", -1, -1, 0), 1);
	if (o->cn != NULL)
		assert_int_equal(X509_NAME_add_entry_by_txt(name, "CN",
		    MBSTRING_ASC, (const u_char *)o->cn, -1, -1, 0), 1);
	if (o->two_cns)
		assert_int_equal(X509_NAME_add_entry_by_txt(name, "CN",
		    MBSTRING_ASC, (const u_char *)"second", -1, -1, 0), 1);
	assert_int_equal(X509_set_subject_name(x, name), 1);
	assert_int_equal(X509_set_issuer_name(x, issuer != NULL ?
	    X509_get_subject_name(issuer) : name), 1);
	X509_NAME_free(name);
	assert_int_equal(X509_set_pubkey(x, key), 1);
	if (o->ca)
		cg_ext(x, issuer, NID_basic_constraints, "critical,CA:TRUE");
	if (o->ku != NULL)
		cg_ext(x, issuer, NID_key_usage, o->ku);
	else if (o->ca)
		cg_ext(x, issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
	if (o->eku != NULL)
		cg_ext(x, issuer, NID_ext_key_usage, o->eku);
	if (o->san != NULL)
		cg_ext(x, issuer, NID_subject_alt_name, o->san);
	if (issuer_key == NULL)
		issuer_key = key;
	assert_true(X509_sign(x, issuer_key, cg_md(issuer_key)) > 0);
	return x;
}

/* A CRL by issuer revoking serials[0..n), valid from/until offsets. */
static CG_UNUSED X509_CRL *
cg_crl(X509 *issuer, EVP_PKEY *issuer_key, const long *serials, size_t n,
    long last_update, long next_update)
{
	X509_CRL *crl = X509_CRL_new();
	ASN1_TIME *t;
	size_t i;

	assert_non_null(crl);
	assert_int_equal(X509_CRL_set_version(crl, 1), 1);
	assert_int_equal(X509_CRL_set_issuer_name(crl,
	    X509_get_subject_name(issuer)), 1);
	assert_non_null(t = X509_time_adj_ex(NULL, 0, last_update, NULL));
	assert_int_equal(X509_CRL_set1_lastUpdate(crl, t), 1);
	ASN1_TIME_free(t);
	assert_non_null(t = X509_time_adj_ex(NULL, 0, next_update, NULL));
	assert_int_equal(X509_CRL_set1_nextUpdate(crl, t), 1);
	ASN1_TIME_free(t);
	for (i = 0; i < n; i++) {
		X509_REVOKED *rv = X509_REVOKED_new();
		ASN1_INTEGER *sn = ASN1_INTEGER_new();

		assert_non_null(rv);
		assert_non_null(sn);
		assert_int_equal(ASN1_INTEGER_set(sn, serials[i]), 1);
		assert_int_equal(X509_REVOKED_set_serialNumber(rv, sn), 1);
		ASN1_INTEGER_free(sn);
		assert_non_null(t = X509_time_adj_ex(NULL, 0, -60, NULL));
		assert_int_equal(X509_REVOKED_set_revocationDate(rv, t), 1);
		ASN1_TIME_free(t);
		assert_int_equal(X509_CRL_add0_revoked(crl, rv), 1);
	}
	assert_int_equal(X509_CRL_sort(crl), 1);
	assert_true(X509_CRL_sign(crl, issuer_key, cg_md(issuer_key)) > 0);
	return crl;
}

/* Write certificates and CRLs (either may be NULL-terminated empty). */
static CG_UNUSED void
cg_write_pem(const char *path, X509 *const *certs, X509_CRL *const *crls)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	for (; certs != NULL && *certs != NULL; certs++)
		assert_int_equal(PEM_write_X509(fp, *certs), 1);
	for (; crls != NULL && *crls != NULL; crls++)
		assert_int_equal(PEM_write_X509_CRL(fp, *crls), 1);
	assert_int_equal(fclose(fp), 0);
}

#endif /* MS_TEST_CERTGEN_H */
