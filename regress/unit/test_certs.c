/*
 * test_certs.c — monitor/certs.c: the certificate → principal mapping
 * (CertificatePrincipal), chain verification against a trust store made
 * here with OpenSSL (validity, unknown CA, intermediates, CRLs and their
 * freshness, key usage, bad signatures, key policy), loading errors, the
 * wire chain parser and the printable subject used in logs.
 */
#include <sys/types.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "certgen.h"

#include "buf.h"
#include "certs.h"
#include "errors.h"
#include "log.h"
#include "msg_certs.h"
#include "proto.h"
#include "servconf.h"

#define DAY	(24L * 3600)

struct pki {
	char		 dir[64];
	char		 ca_path[128], crl_path[128], crl2_path[128];
	char		 stale_path[128], bad_path[128];
	EVP_PKEY	*ca_key, *int_key, *other_key, *leaf_key;
	X509		*ca, *inter, *other_ca;
};
static struct pki P;

static const struct cg_opts leaf_defaults = {
	"carol", "URI:metasafe:carol,email:carol@example.com", -DAY, DAY, 0,
	"critical,digitalSignature", "clientAuth", 100, 0
};

static void
pki_path(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/%s", P.dir, name);
}

static int
setup(void **state)
{
	struct cg_opts o = { "Test Root", NULL, -DAY, 365 * DAY, 1, NULL,
	    NULL, 1, 0 };
	X509 *cas[2] = { NULL, NULL };
	X509_CRL *crls[3] = { NULL, NULL, NULL };
	long revoked_leaf = 666, revoked_int = 77;

	strlcpy(P.dir, "/tmp/ms-certs-XXXXXX", sizeof(P.dir));
	assert_non_null(mkdtemp(P.dir));
	P.ca_key = cg_key("ED25519");
	P.int_key = cg_key("P-256");
	P.other_key = cg_key("ED25519");
	P.leaf_key = cg_key("ED25519");
	P.ca = cg_cert(P.ca_key, NULL, NULL, &o);
	o.cn = "Other Root";
	P.other_ca = cg_cert(P.other_key, NULL, NULL, &o);
	o.cn = "Test Intermediate";
	o.serial = 2;
	P.inter = cg_cert(P.int_key, P.ca, P.ca_key, &o);

	pki_path(P.ca_path, sizeof(P.ca_path), "ca.pem");
	cas[0] = P.ca;
	cg_write_pem(P.ca_path, cas, NULL);
	/* Root CRL revokes serial 666; intermediate CRL is empty. */
	crls[0] = cg_crl(P.ca, P.ca_key, &revoked_leaf, 1, -DAY, DAY);
	crls[1] = cg_crl(P.inter, P.int_key, &revoked_leaf, 1, -DAY, DAY);
	pki_path(P.crl_path, sizeof(P.crl_path), "crl.pem");
	cg_write_pem(P.crl_path, NULL, crls);
	X509_CRL_free(crls[0]);
	X509_CRL_free(crls[1]);
	/* Only a root CRL, revoking the intermediate (serial 2 is 77 here). */
	crls[0] = cg_crl(P.ca, P.ca_key, &revoked_int, 1, -DAY, DAY);
	crls[1] = NULL;
	pki_path(P.crl2_path, sizeof(P.crl2_path), "crl2.pem");
	cg_write_pem(P.crl2_path, NULL, crls);
	X509_CRL_free(crls[0]);
	/* A root CRL past its nextUpdate. */
	crls[0] = cg_crl(P.ca, P.ca_key, NULL, 0, -2 * DAY, -DAY);
	pki_path(P.stale_path, sizeof(P.stale_path), "stale.pem");
	cg_write_pem(P.stale_path, NULL, crls);
	X509_CRL_free(crls[0]);
	pki_path(P.bad_path, sizeof(P.bad_path), "bad.pem");
	{
		FILE *fp = fopen(P.bad_path, "w");

		assert_non_null(fp);
		fputs("-----BEGIN CERTIFICATE-----\nnot base64!\n"
		    "-----END CERTIFICATE-----\n", fp);
		fclose(fp);
	}
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	X509_free(P.ca);
	X509_free(P.inter);
	X509_free(P.other_ca);
	EVP_PKEY_free(P.ca_key);
	EVP_PKEY_free(P.int_key);
	EVP_PKEY_free(P.other_key);
	EVP_PKEY_free(P.leaf_key);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", P.dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static struct ms_certs *
load(const char *crl, int fresh, int mode, int min_rsa)
{
	struct ms_cert_policy pol = { P.ca_path, crl, fresh, mode, min_rsa };
	struct ms_certs *cs = NULL;
	char err[256];

	if (ms_certs_load(&pol, &cs, err, sizeof(err)) != 0)
		fail_msg("load: %s", err);
	return cs;
}

/* Verify leaf (+ optional intermediate); 0 or the failure, reason out. */
static int
verify(struct ms_certs *cs, X509 *leaf, X509 *inter, char *principal,
    char *reason)
{
	STACK_OF(X509) *chain = sk_X509_new_null();
	struct ms_cert_result res;
	int r;

	assert_non_null(chain);
	assert_true(sk_X509_push(chain, leaf) > 0);
	if (inter != NULL)
		assert_true(sk_X509_push(chain, inter) > 0);
	r = ms_certs_verify(cs, chain, &res);
	assert_non_null(res.key);	/* even when refused */
	assert_string_not_equal(res.subject, "?");
	if (principal != NULL)
		strlcpy(principal, res.principal, MS_PRINCIPAL_MAX + 1);
	if (reason != NULL)
		strlcpy(reason, res.reason, MS_CERT_REASON_MAX);
	if (r != 0)
		assert_string_equal(res.principal, "");
	ms_cert_result_clear(&res);
	sk_X509_free(chain);
	return r;
}

static X509 *
leaf_with(const struct cg_opts *o, EVP_PKEY *key, X509 *issuer,
    EVP_PKEY *issuer_key)
{
	return cg_cert(key != NULL ? key : P.leaf_key,
	    issuer != NULL ? issuer : P.ca, issuer_key ? issuer_key : P.ca_key,
	    o);
}

static void
test_principal_mapping(void **state)
{
	struct cg_opts o = leaf_defaults;
	char name[MS_PRINCIPAL_MAX + 1];
	const char *why = NULL;
	X509 *x;

	x = leaf_with(&o, NULL, NULL, NULL);
	assert_int_equal(ms_cert_principal(x, CERT_PRINCIPAL_SAN_URI, name,
	    sizeof(name), &why), 0);
	assert_string_equal(name, "carol");
	assert_int_equal(ms_cert_principal(x, CERT_PRINCIPAL_SAN_EMAIL, name,
	    sizeof(name), &why), 0);
	assert_string_equal(name, "carol@example.com");
	assert_int_equal(ms_cert_principal(x, CERT_PRINCIPAL_SUBJECT_CN, name,
	    sizeof(name), &why), 0);
	assert_string_equal(name, "carol");
	assert_int_equal(ms_cert_principal(x, 99, name, sizeof(name), &why),
	    MS_ERR_INVALID_ARGUMENT);
	X509_free(x);

	/* The first metasafe: URI counts; other URIs are skipped. */
	o.san = "URI:https://example.com/x,URI:METASAFE:dave,URI:metasafe:eve";
	x = leaf_with(&o, NULL, NULL, NULL);
	assert_int_equal(ms_cert_principal(x, CERT_PRINCIPAL_SAN_URI, name,
	    sizeof(name), &why), 0);
	assert_string_equal(name, "dave");
	assert_int_equal(ms_cert_principal(x, CERT_PRINCIPAL_SAN_EMAIL, name,
	    sizeof(name), &why), MS_ERR_NOT_FOUND);
	assert_string_equal(name, "");
	assert_non_null(why);
	X509_free(x);

	/* Names outside the principal syntax are refused, not mangled. */
	o.san = "URI:metasafe:bad name,email:a/b@example.com";
	o.cn = "carol;rm -rf";
	x = leaf_with(&o, NULL, NULL, NULL);
	assert_int_equal(ms_cert_principal(x, CERT_PRINCIPAL_SAN_URI, name,
	    sizeof(name), &why), MS_ERR_NOT_FOUND);
	assert_int_equal(ms_cert_principal(x, CERT_PRINCIPAL_SAN_EMAIL, name,
	    sizeof(name), &why), MS_ERR_NOT_FOUND);
	assert_int_equal(ms_cert_principal(x, CERT_PRINCIPAL_SUBJECT_CN, name,
	    sizeof(name), &why), MS_ERR_NOT_FOUND);
	assert_string_equal(name, "");
	X509_free(x);

	/* Empty after the scheme, too long, no SAN, two CNs, no CN. */
	o.san = "URI:metasafe:";
	x = leaf_with(&o, NULL, NULL, NULL);
	assert_int_equal(ms_cert_principal(x, CERT_PRINCIPAL_SAN_URI, name,
	    sizeof(name), &why), MS_ERR_NOT_FOUND);
	X509_free(x);
	o.san = "URI:metasafe:x123456789x123456789x123456789x123456789"
	    "x123456789x123456789x12345";	/* 65 characters */
	x = leaf_with(&o, NULL, NULL, NULL);
	assert_int_equal(ms_cert_principal(x, CERT_PRINCIPAL_SAN_URI, name,
	    sizeof(name), &why), MS_ERR_NOT_FOUND);
	X509_free(x);
	o.san = "URI:metasafe:x123456789x123456789x123456789x123456789"
	    "x123456789x123456789x123";		/* 64 characters */
	x = leaf_with(&o, NULL, NULL, NULL);
	assert_int_equal(ms_cert_principal(x, CERT_PRINCIPAL_SAN_URI, name,
	    sizeof(name), &why), 0);
	assert_int_equal(strlen(name), 64);
	X509_free(x);
	o.san = NULL;
	o.cn = "carol";
	o.two_cns = 1;
	x = leaf_with(&o, NULL, NULL, NULL);
	assert_int_equal(ms_cert_principal(x, CERT_PRINCIPAL_SAN_URI, name,
	    sizeof(name), &why), MS_ERR_NOT_FOUND);
	assert_int_equal(ms_cert_principal(x, CERT_PRINCIPAL_SUBJECT_CN, name,
	    sizeof(name), &why), MS_ERR_NOT_FOUND);
	assert_string_equal(why, "more than one subject CN");
	X509_free(x);
	o.cn = NULL;
	o.two_cns = 0;
	x = leaf_with(&o, NULL, NULL, NULL);
	assert_int_equal(ms_cert_principal(x, CERT_PRINCIPAL_SUBJECT_CN, name,
	    sizeof(name), &why), MS_ERR_NOT_FOUND);
	X509_free(x);
}

static void
test_verify_valid_and_mode(void **state)
{
	struct cg_opts o = leaf_defaults;
	struct ms_certs *cs = load(NULL, 0, CERT_PRINCIPAL_SAN_URI, 2048);
	struct ms_certs *cs_cn = load(NULL, 0, CERT_PRINCIPAL_SUBJECT_CN, 2048);
	char name[MS_PRINCIPAL_MAX + 1], why[MS_CERT_REASON_MAX];
	X509 *x;

	assert_int_equal(ms_certs_ncas(cs), 1);
	assert_int_equal(ms_certs_ncrls(cs), 0);
	o.cn = "carol-cn";
	x = leaf_with(&o, NULL, NULL, NULL);
	assert_int_equal(verify(cs, x, NULL, name, why), 0);
	assert_string_equal(name, "carol");
	assert_int_equal(verify(cs_cn, x, NULL, name, why), 0);
	assert_string_equal(name, "carol-cn");
	X509_free(x);
	/* No keyUsage / extendedKeyUsage at all: fine. */
	o.ku = o.eku = NULL;
	x = leaf_with(&o, NULL, NULL, NULL);
	assert_int_equal(verify(cs, x, NULL, name, why), 0);
	X509_free(x);
	/* No usable name: refused although the chain is good. */
	o.san = "email:x@example.com";
	x = leaf_with(&o, NULL, NULL, NULL);
	assert_int_not_equal(verify(cs, x, NULL, name, why), 0);
	assert_string_equal(why, "no metasafe: URI subjectAltName");
	X509_free(x);
	/* NULL store: everything refused. */
	o = leaf_defaults;
	x = leaf_with(&o, NULL, NULL, NULL);
	assert_int_not_equal(verify(NULL, x, NULL, name, why), 0);
	X509_free(x);
	ms_certs_free(cs);
	ms_certs_free(cs_cn);
}

static void
test_verify_refusals(void **state)
{
	struct cg_opts o = leaf_defaults;
	struct ms_certs *cs = load(NULL, 0, CERT_PRINCIPAL_SAN_URI, 2048);
	char why[MS_CERT_REASON_MAX];
	EVP_PKEY *rsa1024, *k1;
	X509 *x;

	/* Expired; not yet valid. */
	o.not_before = -2 * DAY;
	o.not_after = -DAY;
	x = leaf_with(&o, NULL, NULL, NULL);
	assert_int_not_equal(verify(cs, x, NULL, NULL, why), 0);
	assert_non_null(strstr(why, "expired"));
	X509_free(x);
	o.not_before = DAY;
	o.not_after = 2 * DAY;
	x = leaf_with(&o, NULL, NULL, NULL);
	assert_int_not_equal(verify(cs, x, NULL, NULL, why), 0);
	assert_non_null(strstr(why, "not yet valid"));
	X509_free(x);
	o = leaf_defaults;

	/* Unknown CA. */
	x = leaf_with(&o, NULL, P.other_ca, P.other_key);
	assert_int_not_equal(verify(cs, x, NULL, NULL, why), 0);
	X509_free(x);
	/* Bad signature: issuer name of our CA, signed by another key. */
	x = leaf_with(&o, NULL, P.ca, P.other_key);
	assert_int_not_equal(verify(cs, x, NULL, NULL, why), 0);
	assert_non_null(strstr(why, "signature"));
	X509_free(x);
	/* keyUsage without digitalSignature (keyAgreement passes OpenSSL's
	 * sslclient purpose: our own check must catch it). */
	o.ku = "critical,keyAgreement";
	k1 = cg_key("P-256");
	x = leaf_with(&o, k1, NULL, NULL);
	assert_int_not_equal(verify(cs, x, NULL, NULL, why), 0);
	assert_string_equal(why, "keyUsage lacks digitalSignature");
	X509_free(x);
	EVP_PKEY_free(k1);
	o.ku = "critical,keyEncipherment";
	x = leaf_with(&o, NULL, NULL, NULL);
	assert_int_not_equal(verify(cs, x, NULL, NULL, why), 0);
	X509_free(x);
	/* extendedKeyUsage without clientAuth. */
	o.ku = leaf_defaults.ku;
	o.eku = "serverAuth";
	x = leaf_with(&o, NULL, NULL, NULL);
	assert_int_not_equal(verify(cs, x, NULL, NULL, why), 0);
	X509_free(x);
	o.eku = "serverAuth,clientAuth";
	x = leaf_with(&o, NULL, NULL, NULL);
	assert_int_equal(verify(cs, x, NULL, NULL, why), 0);
	X509_free(x);
	o = leaf_defaults;

	/* RSA-1024 leaf below MinimumRSABits; allowed with 1024. */
	rsa1024 = cg_key("RSA1024");
	x = leaf_with(&o, rsa1024, NULL, NULL);
	assert_int_not_equal(verify(cs, x, NULL, NULL, why), 0);
	assert_non_null(strstr(why, "key type or size"));
	{
		struct ms_certs *low = load(NULL, 0, CERT_PRINCIPAL_SAN_URI,
		    1024);

		assert_int_equal(verify(low, x, NULL, NULL, why), 0);
		ms_certs_free(low);
	}
	X509_free(x);
	EVP_PKEY_free(rsa1024);
	/* A curve outside the policy. */
	k1 = cg_key("secp256k1");
	x = leaf_with(&o, k1, NULL, NULL);
	assert_int_not_equal(verify(cs, x, NULL, NULL, why), 0);
	X509_free(x);
	EVP_PKEY_free(k1);
	/* A CA certificate is not a client certificate for another CA. */
	assert_int_not_equal(verify(cs, P.other_ca, NULL, NULL, why), 0);
	ms_certs_free(cs);
}

static void
test_rsa_ca_below_minimum(void **state)
{
	struct cg_opts o = { "Weak Root", NULL, -DAY, DAY, 1, NULL, NULL, 9,
	    0 };
	struct cg_opts lo = leaf_defaults;
	struct ms_cert_policy pol = { NULL, NULL, 0, CERT_PRINCIPAL_SAN_URI,
	    2048 };
	struct ms_certs *cs = NULL;
	EVP_PKEY *weak = cg_key("RSA1024");
	X509 *ca = cg_cert(weak, NULL, NULL, &o), *x, *cas[2] = { ca, NULL };
	char path[128], err[256], why[MS_CERT_REASON_MAX];

	pki_path(path, sizeof(path), "weak-ca.pem");
	cg_write_pem(path, cas, NULL);
	pol.ca_file = path;
	assert_int_equal(ms_certs_load(&pol, &cs, err, sizeof(err)), 0);
	x = leaf_with(&lo, NULL, ca, weak);
	assert_int_not_equal(verify(cs, x, NULL, NULL, why), 0);
	assert_non_null(strstr(why, "depth 1"));
	X509_free(x);
	X509_free(ca);
	EVP_PKEY_free(weak);
	ms_certs_free(cs);
}

static void
test_intermediates_and_crls(void **state)
{
	struct cg_opts o = leaf_defaults;
	struct ms_certs *cs = load(P.crl_path, 1, CERT_PRINCIPAL_SAN_URI, 2048);
	struct ms_certs *plain = load(NULL, 0, CERT_PRINCIPAL_SAN_URI, 2048);
	char name[MS_PRINCIPAL_MAX + 1], why[MS_CERT_REASON_MAX];
	EVP_PKEY *p384 = cg_key("P-384");
	X509 *x, *direct, *revoked;

	assert_int_equal(ms_certs_ncrls(cs), 2);
	/* Good chain through an intermediate; missing intermediate. */
	x = leaf_with(&o, p384, P.inter, P.int_key);
	assert_int_equal(verify(cs, x, P.inter, name, why), 0);
	assert_string_equal(name, "carol");
	assert_int_not_equal(verify(cs, x, NULL, NULL, why), 0);
	assert_int_not_equal(verify(plain, x, NULL, NULL, why), 0);
	assert_int_equal(verify(plain, x, P.inter, NULL, why), 0);

	/* Revoked leaf (serial 666), directly and under the intermediate. */
	o.serial = 666;
	revoked = leaf_with(&o, NULL, NULL, NULL);
	assert_int_not_equal(verify(cs, revoked, NULL, NULL, why), 0);
	assert_non_null(strstr(why, "revoked"));
	assert_int_equal(verify(plain, revoked, NULL, NULL, why), 0);
	X509_free(revoked);
	revoked = leaf_with(&o, NULL, P.inter, P.int_key);
	assert_int_not_equal(verify(cs, revoked, P.inter, NULL, why), 0);
	X509_free(revoked);
	o = leaf_defaults;
	direct = leaf_with(&o, NULL, NULL, NULL);
	assert_int_equal(verify(cs, direct, NULL, NULL, why), 0);
	ms_certs_free(cs);

	/*
	 * crl2: only the root's CRL.  RequireFreshCRL yes: the
	 * intermediate has no CRL, refused.  no: accepted.
	 */
	cs = load(P.crl2_path, 1, CERT_PRINCIPAL_SAN_URI, 2048);
	assert_int_not_equal(verify(cs, x, P.inter, NULL, why), 0);
	assert_non_null(strstr(why, "CRL"));
	assert_int_equal(verify(cs, direct, NULL, NULL, why), 0);
	ms_certs_free(cs);
	cs = load(P.crl2_path, 0, CERT_PRINCIPAL_SAN_URI, 2048);
	assert_int_equal(verify(cs, x, P.inter, NULL, why), 0);
	ms_certs_free(cs);
	X509_free(x);

	/* Stale CRL: refused with RequireFreshCRL yes, accepted with no. */
	cs = load(P.stale_path, 1, CERT_PRINCIPAL_SAN_URI, 2048);
	assert_int_not_equal(verify(cs, direct, NULL, NULL, why), 0);
	assert_non_null(strstr(why, "CRL has expired"));
	ms_certs_free(cs);
	cs = load(P.stale_path, 0, CERT_PRINCIPAL_SAN_URI, 2048);
	assert_int_equal(verify(cs, direct, NULL, NULL, why), 0);
	ms_certs_free(cs);
	/* RequireFreshCRL yes without any CRL: every login refused. */
	cs = load(NULL, 1, CERT_PRINCIPAL_SAN_URI, 2048);
	assert_int_not_equal(verify(cs, direct, NULL, NULL, why), 0);
	ms_certs_free(cs);
	X509_free(direct);
	EVP_PKEY_free(p384);
	ms_certs_free(plain);
}

static void
test_revoked_intermediate(void **state)
{
	struct cg_opts io = { "Revoked Intermediate", NULL, -DAY, DAY, 1, NULL,
	    NULL, 77, 0 };
	struct cg_opts o = leaf_defaults;
	struct ms_certs *cs = load(P.crl2_path, 0, CERT_PRINCIPAL_SAN_URI,
	    2048);
	char why[MS_CERT_REASON_MAX];
	EVP_PKEY *ik = cg_key("ED25519");
	X509 *inter = cg_cert(ik, P.ca, P.ca_key, &io), *x;

	x = leaf_with(&o, NULL, inter, ik);
	assert_int_not_equal(verify(cs, x, inter, NULL, why), 0);
	assert_non_null(strstr(why, "revoked"));
	X509_free(x);
	X509_free(inter);
	EVP_PKEY_free(ik);
	ms_certs_free(cs);
}

static void
test_load_errors(void **state)
{
	struct ms_cert_policy pol = { P.ca_path, NULL, 0,
	    CERT_PRINCIPAL_SAN_URI, 2048 };
	struct ms_certs *cs = (struct ms_certs *)&pol;
	char err[256];

	pol.ca_file = "/nonexistent/ca.pem";
	assert_int_not_equal(ms_certs_load(&pol, &cs, err, sizeof(err)), 0);
	assert_null(cs);
	assert_non_null(strstr(err, "/nonexistent/ca.pem"));
	pol.ca_file = P.bad_path;
	assert_int_not_equal(ms_certs_load(&pol, &cs, err, sizeof(err)), 0);
	/* CRLs where certificates belong and the other way round. */
	pol.ca_file = P.crl_path;
	assert_int_not_equal(ms_certs_load(&pol, &cs, err, sizeof(err)), 0);
	pol.ca_file = P.ca_path;
	pol.crl_file = P.ca_path;
	assert_int_not_equal(ms_certs_load(&pol, &cs, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "CRL"));
	pol.crl_file = P.bad_path;
	assert_int_not_equal(ms_certs_load(&pol, &cs, err, sizeof(err)), 0);
	pol.ca_file = NULL;
	pol.crl_file = NULL;
	assert_int_not_equal(ms_certs_load(&pol, &cs, err, sizeof(err)), 0);
	/* An empty file is no trust store. */
	{
		char path[128];
		FILE *fp;

		pki_path(path, sizeof(path), "empty.pem");
		assert_non_null(fp = fopen(path, "w"));
		fclose(fp);
		pol.ca_file = path;
		assert_int_not_equal(ms_certs_load(&pol, &cs, err,
		    sizeof(err)), 0);
	}
	pol.ca_file = P.ca_path;
	pol.crl_file = P.crl_path;
	assert_int_equal(ms_certs_load(&pol, &cs, err, sizeof(err)), 0);
	ms_certs_free(cs);
}

static void
put_der(struct msbuf *b, X509 *x)
{
	u_char *der = NULL;
	int len = i2d_X509(x, &der);

	assert_true(len > 0);
	assert_int_equal(msbuf_put_string(b, der, (size_t)len), 0);
	OPENSSL_free(der);
}

/* What the monitor does with CLIENT_IDENTITY's chain (mon_kex.c). */
static int
chain_get(struct msbuf *b, STACK_OF(X509) **chainp)
{
	struct ms_cert_chain c;
	int r;

	*chainp = NULL;
	if ((r = ms_cert_chain_parse(b, &c)) != 0)
		return r;
	return ms_cert_chain_to_x509(&c, chainp);
}

static void
test_chain_get(void **state)
{
	struct msbuf *b = msbuf_new(1 << 20);
	STACK_OF(X509) *chain = NULL;
	u_char junk[100];
	int i;

	assert_non_null(b);
	assert_int_equal(msbuf_put_u8(b, 2), 0);
	put_der(b, P.inter);
	put_der(b, P.ca);
	assert_int_equal(chain_get(b, &chain), 0);
	assert_int_equal(sk_X509_num(chain), 2);
	assert_int_equal(X509_cmp(sk_X509_value(chain, 0), P.inter), 0);
	assert_int_equal(msbuf_len(b), 0);
	sk_X509_pop_free(chain, X509_free);

	/* Counts 0 and 9, truncation, garbage, trailing bytes inside a DER. */
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u8(b, 0), 0);
	assert_int_not_equal(chain_get(b, &chain), 0);
	assert_null(chain);
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u8(b, 9), 0);
	for (i = 0; i < 9; i++)
		put_der(b, P.ca);
	assert_int_not_equal(chain_get(b, &chain), 0);
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u8(b, 2), 0);
	put_der(b, P.ca);
	assert_int_not_equal(chain_get(b, &chain), 0);
	msbuf_reset(b);
	memset(junk, 0x30, sizeof(junk));
	assert_int_equal(msbuf_put_u8(b, 1), 0);
	assert_int_equal(msbuf_put_string(b, junk, sizeof(junk)), 0);
	assert_int_not_equal(chain_get(b, &chain), 0);
	msbuf_reset(b);
	{
		u_char *der = NULL, *p;
		int len = i2d_X509(P.ca, &der);

		assert_int_equal(msbuf_put_u8(b, 1), 0);
		assert_int_equal(msbuf_put_u32(b, (uint32_t)len + 1), 0);
		assert_int_equal(msbuf_reserve(b, (size_t)len + 1, &p), 0);
		memcpy(p, der, (size_t)len);
		OPENSSL_free(der);
	}
	assert_int_not_equal(chain_get(b, &chain), 0);
	/* Over the per-certificate cap. */
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u8(b, 1), 0);
	assert_int_equal(msbuf_put_u32(b, MS_CERT_DER_MAX + 1), 0);
	{
		u_char *p;

		assert_int_equal(msbuf_reserve(b, MS_CERT_DER_MAX + 1, &p), 0);
	}
	assert_int_not_equal(chain_get(b, &chain), 0);
	assert_null(chain);
	msbuf_free(b);
}

static void
test_describe_is_printable(void **state)
{
	struct cg_opts o = leaf_defaults;
	char subject[MS_CERT_SUBJECT_MAX], serial[MS_CERT_SERIAL_MAX];
	char small[16];
	X509 *x;
	size_t i;

	o.cn = "evil\nline\x1b[31m";
	o.serial = 0x1234;
	x = leaf_with(&o, NULL, NULL, NULL);
	ms_cert_describe(x, subject, sizeof(subject), serial, sizeof(serial));
	assert_non_null(strstr(subject, "O=metasafe test"));
	for (i = 0; subject[i] != '\0'; i++)
		assert_true(subject[i] >= 0x20 && subject[i] < 0x7f);
	/* Decimal, as metasafe-keygen prints serials (0x1234 = 4660). */
	assert_string_equal(serial, "4660");
	ms_cert_issuer(x, subject, sizeof(subject));
	assert_non_null(strstr(subject, "CN="));
	for (i = 0; subject[i] != '\0'; i++)
		assert_true(subject[i] >= 0x20 && subject[i] < 0x7f);
	ms_cert_describe(x, small, sizeof(small), serial, sizeof(serial));
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_string_equal(small + sizeof(small) - 4, "...");
	X509_free(x);
	ms_cert_describe(NULL, subject, sizeof(subject), serial,
	    sizeof(serial));
	assert_string_equal(subject, "?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_principal_mapping),
		cmocka_unit_test(test_verify_valid_and_mode),
		cmocka_unit_test(test_verify_refusals),
		cmocka_unit_test(test_rsa_ca_below_minimum),
		cmocka_unit_test(test_intermediates_and_crls),
		cmocka_unit_test(test_revoked_intermediate),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_chain_get),
		cmocka_unit_test(test_describe_is_printable),
	};

	ms_log_init("test_certs", getenv("TEST_DEBUG") ? MS_LOG_DEBUG3 :
	    MS_LOG_QUIET, 1, -1);
	return cmocka_run_group_tests(tests, setup, teardown);
}
