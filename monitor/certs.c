/*
 * certs.c — the client-certificate trust store and chain verification.
 *
 * Certificates come from the network, through the worker: the DER is
 * parsed only by OpenSSL (d2i_X509, in common/msg_certs_x509.c) on bytes whose length msbuf already
 * bounded, and every name taken out of a certificate is length-checked and
 * syntax-checked before use.  Logged names are escaped (RFC 2253, no
 * control or 8-bit bytes).
 */
#include <sys/types.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "buf.h"
#include "certs.h"
#include "errors.h"
#include "log.h"
#include "logfmt.h"
#include "names.h"
#include "principals.h"
#include "proto.h"
#include "servconf.h"
#include "sigalg.h"

#define URI_PREFIX	"metasafe:"

struct ms_certs {
	X509_STORE	*store;
	int		 crl_check;		/* a RevocationList is loaded */
	int		 require_fresh_crl;
	int		 principal_mode;
	int		 min_rsa_bits;
	size_t		 ncas, ncrls;
};

static void
openssl_reason(char *buf, size_t len)
{
	unsigned long e = ERR_peek_last_error();

	if (e == 0)
		strlcpy(buf, "no details", len);
	else
		ERR_error_string_n(e, buf, len);
	ERR_clear_error();
}

/* All PEM objects of a file: certificates and CRLs. */
static int
read_pem_infos(const char *path, STACK_OF(X509_INFO) **infosp, char *errbuf,
    size_t errlen)
{
	BIO *bio;
	char why[160];

	*infosp = NULL;
	if ((bio = BIO_new_file(path, "r")) == NULL) {
		openssl_reason(why, sizeof(why));
		snprintf(errbuf, errlen, "%s: cannot open: %s", path, why);
		return MS_ERR_SYSTEM;
	}
	*infosp = PEM_X509_INFO_read_bio(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (*infosp == NULL) {
		openssl_reason(why, sizeof(why));
		snprintf(errbuf, errlen, "%s: not PEM: %s", path, why);
		return MS_ERR_INVALID_FORMAT;
	}
	return 0;
}

static void	name_print(X509_NAME *, char *, size_t);

/* Only a warning: a refused key is found, and logged, at each login. */
static void
warn_ca_key(const char *path, X509 *x, int min_rsa_bits)
{
	char subject[MS_CERT_SUBJECT_MAX], serial[MS_CERT_SERIAL_MAX];
	char qs[MS_LOG_VALUE_LEN(MS_CERT_SUBJECT_MAX)];

	if (ms_sigalg_for_key(X509_get0_pubkey(x), min_rsa_bits) != 0)
		return;
	ms_cert_describe(x, subject, sizeof(subject), serial, sizeof(serial));
	logit("warning: %s: CA subject=%s serial=%s has a key type or size "
	    "that is not allowed; chains through it will be refused", path,
	    ms_log_value(qs, sizeof(qs), subject), serial);
}

static int
load_cas(struct ms_certs *cs, const char *path, char *errbuf, size_t errlen)
{
	STACK_OF(X509_INFO) *infos = NULL;
	X509_INFO *xi;
	char why[160];
	int i, r;

	if ((r = read_pem_infos(path, &infos, errbuf, errlen)) != 0)
		return r;
	for (i = 0; i < sk_X509_INFO_num(infos); i++) {
		xi = sk_X509_INFO_value(infos, i);
		if (xi->x509 == NULL) {
			snprintf(errbuf, errlen, "%s: holds something other "
			    "than certificates", path);
			r = MS_ERR_INVALID_FORMAT;
			goto out;
		}
		if (X509_STORE_add_cert(cs->store, xi->x509) != 1) {
			openssl_reason(why, sizeof(why));
			snprintf(errbuf, errlen, "%s: certificate %d: %s",
			    path, i + 1, why);
			r = MS_ERR_LIBCRYPTO;
			goto out;
		}
		warn_ca_key(path, xi->x509, cs->min_rsa_bits);
		cs->ncas++;
	}
	if (cs->ncas == 0) {
		snprintf(errbuf, errlen, "%s: no certificate", path);
		r = MS_ERR_INVALID_FORMAT;
	}
 out:
	sk_X509_INFO_pop_free(infos, X509_INFO_free);
	return r;
}

static void
warn_stale_crl(const char *path, X509_CRL *crl, int require_fresh)
{
	const ASN1_TIME *next = X509_CRL_get0_nextUpdate(crl);
	char issuer[MS_CERT_SUBJECT_MAX];
	char qi[MS_LOG_VALUE_LEN(MS_CERT_SUBJECT_MAX)];

	if (next == NULL || X509_cmp_current_time(next) > 0)
		return;
	name_print(X509_CRL_get_issuer(crl), issuer, sizeof(issuer));
	logit("warning: %s: CRL of issuer=%s is past its nextUpdate%s", path,
	    ms_log_value(qi, sizeof(qi), issuer), require_fresh ?
	    "; certificate logins through that CA are refused "
	    "(RequireFreshCRL yes)" : "");
}

static int
load_crls(struct ms_certs *cs, const char *path, char *errbuf, size_t errlen)
{
	STACK_OF(X509_INFO) *infos = NULL;
	X509_INFO *xi;
	char why[160];
	int i, r;

	if ((r = read_pem_infos(path, &infos, errbuf, errlen)) != 0)
		return r;
	for (i = 0; i < sk_X509_INFO_num(infos); i++) {
		xi = sk_X509_INFO_value(infos, i);
		if (xi->crl == NULL) {
			snprintf(errbuf, errlen, "%s: holds something other "
			    "than CRLs", path);
			r = MS_ERR_INVALID_FORMAT;
			goto out;
		}
		if (X509_STORE_add_crl(cs->store, xi->crl) != 1) {
			openssl_reason(why, sizeof(why));
			snprintf(errbuf, errlen, "%s: CRL %d: %s", path,
			    i + 1, why);
			r = MS_ERR_LIBCRYPTO;
			goto out;
		}
		warn_stale_crl(path, xi->crl, cs->require_fresh_crl);
		cs->ncrls++;
	}
	if (cs->ncrls == 0) {
		snprintf(errbuf, errlen, "%s: no CRL", path);
		r = MS_ERR_INVALID_FORMAT;
	}
 out:
	sk_X509_INFO_pop_free(infos, X509_INFO_free);
	return r;
}

int
ms_certs_load(const struct ms_cert_policy *pol, struct ms_certs **csp,
    char *errbuf, size_t errlen)
{
	struct ms_certs *cs;
	int r;

	*csp = NULL;
	if (pol->ca_file == NULL) {
		snprintf(errbuf, errlen, "no TrustedUserCAFile");
		return MS_ERR_INVALID_ARGUMENT;
	}
	if ((cs = calloc(1, sizeof(*cs))) == NULL)
		return MS_ERR_ALLOC;
	cs->require_fresh_crl = pol->require_fresh_crl;
	cs->principal_mode = pol->principal_mode;
	cs->min_rsa_bits = pol->min_rsa_bits;
	if ((cs->store = X509_STORE_new()) == NULL) {
		r = MS_ERR_ALLOC;
		goto fail;
	}
	if ((r = load_cas(cs, pol->ca_file, errbuf, errlen)) != 0)
		goto fail;
	if (pol->crl_file != NULL) {
		if ((r = load_crls(cs, pol->crl_file, errbuf, errlen)) != 0)
			goto fail;
		cs->crl_check = 1;
	}
	*csp = cs;
	return 0;
 fail:
	ms_certs_free(cs);
	ERR_clear_error();
	return r;
}

void
ms_certs_free(struct ms_certs *cs)
{
	if (cs == NULL)
		return;
	X509_STORE_free(cs->store);
	free(cs);
}

size_t
ms_certs_ncas(const struct ms_certs *cs)
{
	return cs == NULL ? 0 : cs->ncas;
}

size_t
ms_certs_ncrls(const struct ms_certs *cs)
{
	return cs == NULL ? 0 : cs->ncrls;
}

/* Replace anything unprintable, and cap with "..." when truncated. */
static void
printable_copy(char *dst, size_t dstlen, const char *src, size_t srclen)
{
	size_t i, n;

	if (dstlen == 0)
		return;
	n = srclen < dstlen - 1 ? srclen : dstlen - 1;
	for (i = 0; i < n; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? src[i] : '?';
	dst[n] = '\0';
	if (n < srclen && dstlen > 4)
		memcpy(dst + dstlen - 4, "...", 4);
}

/* A name in RFC 2253 form, made printable. */
static void
name_print(X509_NAME *name, char *out, size_t outlen)
{
	BIO *bio = NULL;
	char *data;
	long n;

	strlcpy(out, "?", outlen);
	if (name == NULL)
		return;
	if ((bio = BIO_new(BIO_s_mem())) != NULL &&
	    X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253) >= 0 &&
	    (n = BIO_get_mem_data(bio, &data)) > 0)
		printable_copy(out, outlen, data, (size_t)n);
	else if (outlen > 0)
		strlcpy(out, "", outlen);
	BIO_free(bio);
	ERR_clear_error();
}

void
ms_cert_describe(X509 *x, char *subject, size_t slen, char *serial,
    size_t serlen)
{
	BIGNUM *bn = NULL;
	char *dec = NULL;

	strlcpy(subject, "?", slen);
	strlcpy(serial, "?", serlen);
	if (x == NULL)
		return;
	name_print(X509_get_subject_name(x), subject, slen);
	/* Decimal, as metasafe-keygen prints and takes serials (-z). */
	if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL)) != NULL &&
	    (dec = BN_bn2dec(bn)) != NULL)
		printable_copy(serial, serlen, dec, strlen(dec));
	OPENSSL_free(dec);
	BN_free(bn);
	ERR_clear_error();
}

void
ms_cert_issuer(X509 *x, char *issuer, size_t ilen)
{
	strlcpy(issuer, "?", ilen);
	if (x != NULL)
		name_print(X509_get_issuer_name(x), issuer, ilen);
}

/* A principal name from len bytes that came out of a certificate. */
static int
take_name(const u_char *data, int len, char *out, size_t outlen,
    const char **whyp)
{
	if (len <= 0 || (size_t)len > MS_PRINCIPAL_MAX ||
	    (size_t)len >= outlen || memchr(data, '\0', (size_t)len) != NULL) {
		*whyp = "certificate name is not a valid principal name";
		return MS_ERR_NOT_FOUND;
	}
	memcpy(out, data, (size_t)len);
	out[len] = '\0';
	if (ms_principal_valid(out) != 0) {
		out[0] = '\0';
		*whyp = "certificate name is not a valid principal name";
		return MS_ERR_NOT_FOUND;
	}
	return 0;
}

static int
principal_from_san(X509 *leaf, int want, char *out, size_t outlen,
    const char **whyp)
{
	GENERAL_NAMES *gens;
	GENERAL_NAME *gen;
	const u_char *data;
	size_t plen = strlen(URI_PREFIX);
	int i, len, r = MS_ERR_NOT_FOUND;

	*whyp = want == GEN_URI ? "no metasafe: URI subjectAltName" :
	    "no rfc822Name subjectAltName";
	if ((gens = X509_get_ext_d2i(leaf, NID_subject_alt_name, NULL,
	    NULL)) == NULL) {
		ERR_clear_error();
		return r;
	}
	for (i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
		gen = sk_GENERAL_NAME_value(gens, i);
		if (gen->type != want)
			continue;
		data = ASN1_STRING_get0_data(gen->d.ia5);
		len = ASN1_STRING_length(gen->d.ia5);
		if (want == GEN_URI) {
			if (len < 0 || (size_t)len <= plen ||
			    strncasecmp((const char *)data, URI_PREFIX,
			    plen) != 0)
				continue;
			data += plen;
			len -= (int)plen;
		}
		r = take_name(data, len, out, outlen, whyp);
		break;
	}
	GENERAL_NAMES_free(gens);
	return r;
}

static int
principal_from_cn(X509 *leaf, char *out, size_t outlen, const char **whyp)
{
	X509_NAME *subj = X509_get_subject_name(leaf);
	X509_NAME_ENTRY *e;
	u_char *utf8 = NULL;
	int i, len, r;

	*whyp = "no subject CN";
	if ((i = X509_NAME_get_index_by_NID(subj, NID_commonName, -1)) < 0)
		return MS_ERR_NOT_FOUND;
	if (X509_NAME_get_index_by_NID(subj, NID_commonName, i) >= 0) {
		*whyp = "more than one subject CN";
		return MS_ERR_NOT_FOUND;
	}
	if ((e = X509_NAME_get_entry(subj, i)) == NULL ||
	    (len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e))) < 0) {
		ERR_clear_error();
		*whyp = "unreadable subject CN";
		return MS_ERR_NOT_FOUND;
	}
	r = take_name(utf8, len, out, outlen, whyp);
	OPENSSL_free(utf8);
	return r;
}

int
ms_cert_principal(X509 *leaf, int mode, char *out, size_t outlen,
    const char **whyp)
{
	if (outlen > 0)
		out[0] = '\0';
	switch (mode) {
	case CERT_PRINCIPAL_SAN_URI:
		return principal_from_san(leaf, GEN_URI, out, outlen, whyp);
	case CERT_PRINCIPAL_SAN_EMAIL:
		return principal_from_san(leaf, GEN_EMAIL, out, outlen, whyp);
	case CERT_PRINCIPAL_SUBJECT_CN:
		return principal_from_cn(leaf, out, outlen, whyp);
	}
	*whyp = "unknown CertificatePrincipal";
	return MS_ERR_INVALID_ARGUMENT;
}

/*
 * RequireFreshCRL no: a CRL past its nextUpdate is still used (it still
 * revokes what it lists), and a CA without any CRL is accepted; both are
 * logged.  Every other error stays fatal.
 */
static int
lenient_crl_cb(int ok, X509_STORE_CTX *ctx)
{
	char subject[MS_CERT_SUBJECT_MAX], serial[MS_CERT_SERIAL_MAX];
	char issuer[MS_CERT_SUBJECT_MAX];
	char qs[MS_LOG_VALUE_LEN(MS_CERT_SUBJECT_MAX)];
	char qi[MS_LOG_VALUE_LEN(MS_CERT_SUBJECT_MAX)];
	int err;

	if (ok)
		return ok;
	err = X509_STORE_CTX_get_error(ctx);
	if (err != X509_V_ERR_CRL_HAS_EXPIRED &&
	    err != X509_V_ERR_UNABLE_TO_GET_CRL)
		return 0;
	ms_cert_describe(X509_STORE_CTX_get_current_cert(ctx), subject,
	    sizeof(subject), serial, sizeof(serial));
	ms_cert_issuer(X509_STORE_CTX_get_current_cert(ctx), issuer,
	    sizeof(issuer));
	logit("warning: certificate subject=%s issuer=%s serial=%s: %s; "
	    "accepted (RequireFreshCRL no)",
	    ms_log_value(qs, sizeof(qs), subject),
	    ms_log_value(qi, sizeof(qi), issuer), serial,
	    X509_verify_cert_error_string(err));
	return 1;
}

/* keyUsage and extendedKeyUsage, when present, must allow client signing. */
static int
check_leaf_usage(X509 *leaf, char *reason, size_t rlen)
{
	uint32_t flags = X509_get_extension_flags(leaf);

	if ((flags & EXFLAG_INVALID) != 0) {
		strlcpy(reason, "invalid or duplicate extensions", rlen);
		return -1;
	}
	if ((flags & EXFLAG_KUSAGE) != 0 &&
	    (X509_get_key_usage(leaf) & KU_DIGITAL_SIGNATURE) == 0) {
		strlcpy(reason, "keyUsage lacks digitalSignature", rlen);
		return -1;
	}
	if ((flags & EXFLAG_XKUSAGE) != 0 &&
	    (X509_get_extended_key_usage(leaf) & XKU_SSL_CLIENT) == 0) {
		strlcpy(reason, "extendedKeyUsage lacks clientAuth", rlen);
		return -1;
	}
	return 0;
}

/* Every key of the verified chain, trust anchor included. */
static int
check_chain_keys(const struct ms_certs *cs, STACK_OF(X509) *chain,
    char *reason, size_t rlen)
{
	int i;

	for (i = 0; i < sk_X509_num(chain); i++) {
		if (ms_sigalg_for_key(X509_get0_pubkey(sk_X509_value(chain, i)),
		    cs->min_rsa_bits) == 0) {
			snprintf(reason, rlen, "key type or size not allowed "
			    "at depth %d (MinimumRSABits %d)", i,
			    cs->min_rsa_bits);
			return -1;
		}
	}
	return 0;
}

static int
run_verify(const struct ms_certs *cs, STACK_OF(X509) *chain, X509 *leaf,
    struct ms_cert_result *res)
{
	X509_STORE_CTX *ctx = NULL;
	X509_VERIFY_PARAM *param;
	unsigned long flags = 0;
	int r = MS_ERR_SIGNATURE_INVALID, err;

	if ((ctx = X509_STORE_CTX_new()) == NULL ||
	    X509_STORE_CTX_init(ctx, cs->store, leaf, chain) != 1) {
		strlcpy(res->reason, "cannot set up verification",
		    sizeof(res->reason));
		goto out;
	}
	param = X509_STORE_CTX_get0_param(ctx);
	if (cs->crl_check)
		flags |= X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL;
	/*
	 * Security level 1 refuses RSA keys under 1024 bits and MD5 or SHA-1
	 * signatures anywhere in the chain; MinimumRSABits is ours.
	 */
	if (X509_VERIFY_PARAM_set_flags(param, flags) != 1 ||
	    X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_CLIENT) != 1) {
		strlcpy(res->reason, "cannot set up verification",
		    sizeof(res->reason));
		goto out;
	}
	X509_VERIFY_PARAM_set_auth_level(param, 1);
	if (cs->crl_check && !cs->require_fresh_crl)
		X509_STORE_CTX_set_verify_cb(ctx, lenient_crl_cb);
	if (X509_verify_cert(ctx) != 1) {
		err = X509_STORE_CTX_get_error(ctx);
		snprintf(res->reason, sizeof(res->reason), "%s (depth %d)",
		    X509_verify_cert_error_string(err),
		    X509_STORE_CTX_get_error_depth(ctx));
		goto out;
	}
	if (check_chain_keys(cs, X509_STORE_CTX_get0_chain(ctx), res->reason,
	    sizeof(res->reason)) != 0)
		goto out;
	r = 0;
 out:
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
	return r;
}

int
ms_certs_verify(const struct ms_certs *cs, STACK_OF(X509) *chain,
    struct ms_cert_result *res)
{
	X509 *leaf;
	const char *why = NULL;

	memset(res, 0, sizeof(*res));
	strlcpy(res->subject, "?", sizeof(res->subject));
	strlcpy(res->issuer, "?", sizeof(res->issuer));
	strlcpy(res->serial, "?", sizeof(res->serial));
	if (chain == NULL || sk_X509_num(chain) < 1) {
		strlcpy(res->reason, "no certificate", sizeof(res->reason));
		return MS_ERR_SIGNATURE_INVALID;
	}
	leaf = sk_X509_value(chain, 0);
	ms_cert_describe(leaf, res->subject, sizeof(res->subject),
	    res->serial, sizeof(res->serial));
	ms_cert_issuer(leaf, res->issuer, sizeof(res->issuer));
	res->key = X509_get_pubkey(leaf);
	ERR_clear_error();
	if (cs == NULL) {
		strlcpy(res->reason, "no TrustedUserCAFile",
		    sizeof(res->reason));
		return MS_ERR_SIGNATURE_INVALID;
	}
	if (cs->require_fresh_crl && !cs->crl_check) {
		strlcpy(res->reason, "RequireFreshCRL yes and no "
		    "RevocationList", sizeof(res->reason));
		return MS_ERR_SIGNATURE_INVALID;
	}
	if (run_verify(cs, chain, leaf, res) != 0 ||
	    check_leaf_usage(leaf, res->reason, sizeof(res->reason)) != 0)
		return MS_ERR_SIGNATURE_INVALID;
	if (ms_cert_principal(leaf, cs->principal_mode, res->principal,
	    sizeof(res->principal), &why) != 0) {
		strlcpy(res->reason, why, sizeof(res->reason));
		res->principal[0] = '\0';
		return MS_ERR_SIGNATURE_INVALID;
	}
	return 0;
}

void
ms_cert_result_clear(struct ms_cert_result *res)
{
	EVP_PKEY_free(res->key);
	memset(res, 0, sizeof(*res));
}

int
ms_cert_chain_read_pem(const char *path, STACK_OF(X509) **chainp,
    char *errbuf, size_t errlen)
{
	STACK_OF(X509_INFO) *infos = NULL;
	STACK_OF(X509) *chain = NULL;
	X509_INFO *xi;
	int i, r;

	*chainp = NULL;
	if ((r = read_pem_infos(path, &infos, errbuf, errlen)) != 0)
		return r;
	if ((chain = sk_X509_new_null()) == NULL) {
		r = MS_ERR_ALLOC;
		goto out;
	}
	for (i = 0; i < sk_X509_INFO_num(infos); i++) {
		xi = sk_X509_INFO_value(infos, i);
		if (xi->x509 == NULL) {
			snprintf(errbuf, errlen, "%s: holds something other "
			    "than certificates", path);
			r = MS_ERR_INVALID_FORMAT;
			goto out;
		}
		if (X509_up_ref(xi->x509) != 1 ||
		    sk_X509_push(chain, xi->x509) <= 0) {
			r = MS_ERR_ALLOC;
			goto out;
		}
	}
	if (sk_X509_num(chain) == 0) {
		snprintf(errbuf, errlen, "%s: no certificate", path);
		r = MS_ERR_INVALID_FORMAT;
		goto out;
	}
	*chainp = chain;
	chain = NULL;
 out:
	sk_X509_pop_free(chain, X509_free);
	sk_X509_INFO_pop_free(infos, X509_INFO_free);
	ERR_clear_error();
	return r;
}
