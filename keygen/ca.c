/*
 * ca.c — the small X.509 CA of metasafe-keygen: CA, intermediate, client
 * and host certificates, and CRLs, built with the OpenSSL 3 X509 API.
 *
 * Extensions whose value is fixed are made from constant configuration
 * strings; anything the user supplies (names) is put into the ASN.1
 * structures directly, never into a configuration string, so a name cannot
 * inject extension syntax.
 */
#include <sys/types.h>

#include <arpa/inet.h>

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "errors.h"
#include "kg.h"

#define KG_DAYS_MAX		36500
#define KG_SERIAL_DIGITS_MAX	49	/* 20 octets */
#define KG_SERIAL_OCTETS_MAX	20
#define KG_SAN_MAX		253

static int __attribute__((format(printf, 4, 5)))
kg_err(int r, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	ERR_clear_error();
	return r;
}

/* --- validity ----------------------------------------------------------- */

static int
all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!isdigit((u_char)s[i]))
			return 0;
	}
	return 1;
}

/* YYYYMMDDHHMMSS with plausible field ranges. */
static int
stamp_valid(const char *s, size_t n)
{
	int mon, day, hh, mm, ss;

	if (n != 14 || !all_digits(s, n))
		return 0;
	mon = (s[4] - '0') * 10 + (s[5] - '0');
	day = (s[6] - '0') * 10 + (s[7] - '0');
	hh = (s[8] - '0') * 10 + (s[9] - '0');
	mm = (s[10] - '0') * 10 + (s[11] - '0');
	ss = (s[12] - '0') * 10 + (s[13] - '0');
	return mon >= 1 && mon <= 12 && day >= 1 && day <= 31 && hh <= 23 &&
	    mm <= 59 && ss <= 59 && strncmp(s, "1950", 4) >= 0;
}

int
kg_validity_parse(const char *s, int allow_negative, struct kg_validity *v)
{
	const char *colon, *errstr = NULL;
	long long days;

	memset(v, 0, sizeof(*v));
	if (s == NULL || *s == '\0')
		return MS_ERR_INVALID_ARGUMENT;
	if ((colon = strchr(s, ':')) != NULL) {
		if (!stamp_valid(s, (size_t)(colon - s)) ||
		    !stamp_valid(colon + 1, strlen(colon + 1)))
			return MS_ERR_INVALID_ARGUMENT;
		memcpy(v->from, s, 14);
		memcpy(v->from + 14, "Z", 2);
		memcpy(v->to, colon + 1, 14);
		memcpy(v->to + 14, "Z", 2);
		/* Same fixed width: the string order is the time order. */
		if (strcmp(v->from, v->to) >= 0)
			return MS_ERR_INVALID_ARGUMENT;
		v->absolute = 1;
		return 0;
	}
	if (*s == '+')
		s++;
	else if (*s == '-' && !allow_negative)
		return MS_ERR_INVALID_ARGUMENT;
	if (*s == '+' || *s == ' ')
		return MS_ERR_INVALID_ARGUMENT;
	days = strtonum(s, -KG_DAYS_MAX, KG_DAYS_MAX, &errstr);
	if (errstr != NULL || days == 0)
		return MS_ERR_INVALID_ARGUMENT;
	v->days = (long)days;
	return 0;
}

int
kg_validity_apply(const struct kg_validity *v, time_t now, ASN1_TIME *from,
    ASN1_TIME *to)
{
	if (v->absolute) {
		if (ASN1_TIME_set_string_X509(from, v->from) != 1 ||
		    ASN1_TIME_set_string_X509(to, v->to) != 1) {
			ERR_clear_error();
			return MS_ERR_INVALID_ARGUMENT;
		}
		return 0;
	}
	if (v->days > 0) {
		if (ASN1_TIME_adj(from, now, 0, 0) == NULL ||
		    ASN1_TIME_adj(to, now, (int)v->days, 0) == NULL)
			goto fail;
		return 0;
	}
	/* Already over (stale CRL, expired test material): end - 1 day. */
	if (ASN1_TIME_adj(from, now, (int)v->days - 1, 0) == NULL ||
	    ASN1_TIME_adj(to, now, (int)v->days, 0) == NULL)
		goto fail;
	return 0;
 fail:
	ERR_clear_error();
	return MS_ERR_LIBCRYPTO;
}

/* --- serials ------------------------------------------------------------ */

int
kg_serial_parse(const char *s, ASN1_INTEGER **serialp)
{
	BIGNUM *bn = NULL;
	size_t n;
	int r = MS_ERR_INVALID_ARGUMENT;

	*serialp = NULL;
	if (s == NULL || (n = strlen(s)) == 0 || n > KG_SERIAL_DIGITS_MAX ||
	    !all_digits(s, n))
		return MS_ERR_INVALID_ARGUMENT;
	if (BN_dec2bn(&bn, s) != (int)n || bn == NULL || BN_is_zero(bn) ||
	    BN_num_bytes(bn) > KG_SERIAL_OCTETS_MAX)
		goto out;
	if ((*serialp = BN_to_ASN1_INTEGER(bn, NULL)) == NULL) {
		r = MS_ERR_LIBCRYPTO;
		goto out;
	}
	r = 0;
 out:
	ERR_clear_error();
	BN_free(bn);
	return r;
}

int
kg_serial_random(ASN1_INTEGER **serialp)
{
	u_char raw[8];
	BIGNUM *bn = NULL;
	int r = MS_ERR_LIBCRYPTO;

	*serialp = NULL;
	do {
		if (RAND_bytes(raw, sizeof(raw)) != 1)
			goto out;
	} while ((raw[0] | raw[1] | raw[2] | raw[3] | raw[4] | raw[5] |
	    raw[6] | raw[7]) == 0);
	if ((bn = BN_bin2bn(raw, sizeof(raw), NULL)) == NULL ||
	    (*serialp = BN_to_ASN1_INTEGER(bn, NULL)) == NULL)
		goto out;
	r = 0;
 out:
	ERR_clear_error();
	BN_free(bn);
	return r;
}

/* --- names -------------------------------------------------------------- */

/* A CA name: 1..64 bytes, no control characters. */
static int
ca_name_valid(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > KG_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		if ((u_char)s[i] < 0x20 || (u_char)s[i] == 0x7f)
			return 0;
	}
	return 1;
}

/* Principal syntax of PROTOCOL.md 8: [A-Za-z0-9._@-]{1,64}. */
static int
principal_valid(const char *s)
{
	size_t n;

	n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._@-");
	return n >= 1 && n <= KG_NAME_MAX && s[n] == '\0';
}

static int
ip_literal(const char *s)
{
	u_char a[16];

	return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

/* LDH labels of 1..63 separated by dots, 1..253 in all. */
static int
dns_name_valid(const char *s)
{
	size_t n = strlen(s), label = 0, i;

	if (n == 0 || n > KG_SAN_MAX || s[0] == '.' || s[n - 1] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (label == 0)
				return 0;
			label = 0;
			continue;
		}
		if (!isalnum((u_char)s[i]) && s[i] != '-' && s[i] != '_')
			return 0;
		if (++label > 63)
			return 0;
	}
	return 1;
}

/* Printable ASCII without blanks, for IA5String SANs. */
static int
ia5_valid(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > KG_SAN_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		if ((u_char)s[i] <= 0x20 || (u_char)s[i] >= 0x7f)
			return 0;
	}
	return 1;
}

/* "scheme:..." with an RFC 3986 scheme before any '@'. */
static int
looks_like_uri(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789+.-");

	return n > 0 && isalpha((u_char)s[0]) && s[n] == ':';
}

static int
gens_add(GENERAL_NAMES *gens, int type, const char *value)
{
	GENERAL_NAME *gn = NULL;
	ASN1_IA5STRING *ia5 = NULL;
	ASN1_OCTET_STRING *ip = NULL;

	if ((gn = GENERAL_NAME_new()) == NULL)
		goto fail;
	if (type == GEN_IPADD) {
		if ((ip = a2i_IPADDRESS(value)) == NULL)
			goto fail;
		GENERAL_NAME_set0_value(gn, GEN_IPADD, ip);
	} else {
		if ((ia5 = ASN1_IA5STRING_new()) == NULL ||
		    ASN1_STRING_set(ia5, value, (int)strlen(value)) != 1) {
			ASN1_IA5STRING_free(ia5);
			goto fail;
		}
		GENERAL_NAME_set0_value(gn, type, ia5);
	}
	if (sk_GENERAL_NAME_push(gens, gn) <= 0)
		goto fail;
	return 0;
 fail:
	GENERAL_NAME_free(gn);
	ERR_clear_error();
	return MS_ERR_LIBCRYPTO;
}

/* One SAN of a host certificate: an IP literal or a DNS name. */
static int
host_san(GENERAL_NAMES *gens, const char *name, char *err, size_t errlen)
{
	if (ip_literal(name))
		return gens_add(gens, GEN_IPADD, name);
	if (!dns_name_valid(name))
		return kg_err(MS_ERR_INVALID_ARGUMENT, err, errlen,
		    "\"%s\" is neither a DNS name nor an IP address", name);
	return gens_add(gens, GEN_DNS, name);
}

/* An extra SAN of a client certificate: URI, e-mail or DNS name. */
static int
client_san(GENERAL_NAMES *gens, const char *name, char *err, size_t errlen)
{
	if (!ia5_valid(name))
		return kg_err(MS_ERR_INVALID_ARGUMENT, err, errlen,
		    "invalid subjectAltName \"%s\" (printable ASCII, at most "
		    "%d bytes)", name, KG_SAN_MAX);
	if (looks_like_uri(name))
		return gens_add(gens, GEN_URI, name);
	if (strchr(name, '@') != NULL)
		return gens_add(gens, GEN_EMAIL, name);
	if (ip_literal(name))
		return gens_add(gens, GEN_IPADD, name);
	if (!dns_name_valid(name))
		return kg_err(MS_ERR_INVALID_ARGUMENT, err, errlen,
		    "invalid subjectAltName \"%s\"", name);
	return gens_add(gens, GEN_DNS, name);
}

static int
add_sans(X509 *x, const struct kg_cert_req *req, char *err, size_t errlen)
{
	GENERAL_NAMES *gens = NULL;
	char *list = NULL, *cp, *name, uri[KG_NAME_MAX + 16];
	int r, count = 0;

	if ((gens = GENERAL_NAMES_new()) == NULL)
		return kg_err(MS_ERR_ALLOC, err, errlen, "out of memory");
	if (req->kind == KG_CERT_HOST)
		r = host_san(gens, req->name, err, errlen);
	else {
		snprintf(uri, sizeof(uri), "metasafe:%s", req->name);
		r = gens_add(gens, GEN_URI, uri);
	}
	if (r != 0)
		goto out;
	if (req->extra_names != NULL) {
		if ((list = strdup(req->extra_names)) == NULL) {
			r = kg_err(MS_ERR_ALLOC, err, errlen, "out of memory");
			goto out;
		}
		for (cp = list; (name = strsep(&cp, ",")) != NULL;) {
			if (*name == '\0')
				continue;
			if (++count > KG_EXTRA_NAMES_MAX) {
				r = kg_err(MS_ERR_INVALID_ARGUMENT, err,
				    errlen, "at most %d extra names",
				    KG_EXTRA_NAMES_MAX);
				goto out;
			}
			if ((r = req->kind == KG_CERT_HOST ?
			    host_san(gens, name, err, errlen) :
			    client_san(gens, name, err, errlen)) != 0)
				goto out;
		}
	}
	if (X509_add1_ext_i2d(x, NID_subject_alt_name, gens, 0,
	    X509V3_ADD_DEFAULT) != 1) {
		r = kg_err(MS_ERR_LIBCRYPTO, err, errlen,
		    "cannot add subjectAltName");
		goto out;
	}
	r = 0;
 out:
	if (r == MS_ERR_LIBCRYPTO && err != NULL && *err == '\0')
		kg_err(r, err, errlen, "cannot encode subjectAltName");
	free(list);
	GENERAL_NAMES_free(gens);
	return r;
}

/* --- extensions --------------------------------------------------------- */

/* A fixed-value extension (value is a constant of this file). */
static int
add_conf_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx(&ctx, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
	if ((ext = X509V3_EXT_nconf_nid(NULL, &ctx, nid, value)) == NULL) {
		ERR_clear_error();
		return MS_ERR_LIBCRYPTO;
	}
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	if (ok != 1) {
		ERR_clear_error();
		return MS_ERR_LIBCRYPTO;
	}
	return 0;
}

/* Key usage and EKU strings, from the defaults or the -u override. */
static int
usage_strings(const struct kg_cert_req *req, char *ku, size_t kulen,
    char *eku, size_t ekulen, char *err, size_t errlen)
{
	static const struct {
		const char	*token;
		int		 is_eku;
		const char	*conf;
	} map[] = {
		{ "serverauth",		1, "serverAuth" },
		{ "clientauth",		1, "clientAuth" },
		{ "digitalsignature",	0, "digitalSignature" },
		{ "keycertsign",	0, "keyCertSign" },
		{ "crlsign",		0, "cRLSign" },
	};
	char *list = NULL, *cp, *tok;
	size_t i;
	int have_ku = 0, have_eku = 0;

	strlcpy(ku, "critical", kulen);
	eku[0] = '\0';
	if (req->usage != NULL) {
		if ((list = strdup(req->usage)) == NULL)
			return kg_err(MS_ERR_ALLOC, err, errlen,
			    "out of memory");
		for (cp = list; (tok = strsep(&cp, ",")) != NULL;) {
			for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
				if (strcasecmp(tok, map[i].token) == 0)
					break;
			}
			if (i == sizeof(map) / sizeof(map[0])) {
				/* tok points into list: report, then free. */
				kg_err(MS_ERR_INVALID_ARGUMENT, err, errlen,
				    "unknown usage \"%s\" (serverauth, "
				    "clientauth, digitalsignature, keycertsign, "
				    "crlsign)", tok);
				free(list);
				return MS_ERR_INVALID_ARGUMENT;
			}
			if (map[i].is_eku) {
				if (have_eku++)
					strlcat(eku, ",", ekulen);
				strlcat(eku, map[i].conf, ekulen);
			} else {
				strlcat(ku, ",", kulen);
				strlcat(ku, map[i].conf, kulen);
				have_ku = 1;
			}
		}
		free(list);
	}
	if (!have_ku)
		strlcat(ku, ",digitalSignature", kulen);
	if (!have_eku)
		strlcpy(eku, req->kind == KG_CERT_HOST ? "serverAuth" :
		    "clientAuth", ekulen);
	return 0;
}

static int
add_extensions(X509 *x, X509 *issuer, const struct kg_cert_req *req,
    char *err, size_t errlen)
{
	char ku[128], eku[128];
	int r;

	if (req->kind == KG_CERT_CA) {
		if ((r = add_conf_ext(x, issuer, NID_basic_constraints,
		    "critical,CA:TRUE")) != 0 ||
		    (r = add_conf_ext(x, issuer, NID_key_usage,
		    "critical,keyCertSign,cRLSign")) != 0)
			return kg_err(r, err, errlen,
			    "cannot add CA extensions");
	} else {
		if ((r = usage_strings(req, ku, sizeof(ku), eku, sizeof(eku),
		    err, errlen)) != 0)
			return r;
		if ((r = add_conf_ext(x, issuer, NID_basic_constraints,
		    "critical,CA:FALSE")) != 0 ||
		    (r = add_conf_ext(x, issuer, NID_key_usage, ku)) != 0 ||
		    (r = add_conf_ext(x, issuer, NID_ext_key_usage, eku)) != 0)
			return kg_err(r, err, errlen,
			    "cannot add key usage extensions");
	}
	if ((r = add_conf_ext(x, issuer, NID_subject_key_identifier,
	    "hash")) != 0)
		return kg_err(r, err, errlen, "cannot add subjectKeyIdentifier");
	/* A root names no other key; everything below points to its issuer. */
	if (issuer != NULL && (r = add_conf_ext(x, issuer,
	    NID_authority_key_identifier, "keyid")) != 0)
		return kg_err(r, err, errlen,
		    "cannot add authorityKeyIdentifier");
	if (req->kind != KG_CERT_CA)
		return add_sans(x, req, err, errlen);
	return 0;
}

int
kg_sign_digest(EVP_PKEY *key, const EVP_MD **mdp)
{
	switch (kg_pkey_type(key)) {
	case MS_KEYALG_ED25519:
		*mdp = NULL;
		return 0;
	case MS_KEYALG_ECDSA_P256:
	case MS_KEYALG_RSA:
		*mdp = EVP_sha256();
		return 0;
	case MS_KEYALG_ECDSA_P384:
		*mdp = EVP_sha384();
		return 0;
	default:
		*mdp = NULL;
		return -1;
	}
}

static int
check_name(const struct kg_cert_req *req, char *err, size_t errlen)
{
	if (req->name == NULL)
		return kg_err(MS_ERR_INVALID_ARGUMENT, err, errlen,
		    "a name is required");
	switch (req->kind) {
	case KG_CERT_CA:
		if (!ca_name_valid(req->name))
			return kg_err(MS_ERR_INVALID_ARGUMENT, err, errlen,
			    "invalid CA name (1..%d bytes, no control "
			    "characters)", KG_NAME_MAX);
		return 0;
	case KG_CERT_CLIENT:
		if (!principal_valid(req->name))
			return kg_err(MS_ERR_INVALID_ARGUMENT, err, errlen,
			    "invalid principal name \"%s\" ([A-Za-z0-9._@-], "
			    "1..%d)", req->name, KG_NAME_MAX);
		return 0;
	case KG_CERT_HOST:
		if (strlen(req->name) > KG_NAME_MAX ||
		    (!ip_literal(req->name) && !dns_name_valid(req->name)))
			return kg_err(MS_ERR_INVALID_ARGUMENT, err, errlen,
			    "invalid host name \"%s\" (DNS name or IP address, "
			    "at most %d bytes)", req->name, KG_NAME_MAX);
		return 0;
	}
	return kg_err(MS_ERR_INVALID_ARGUMENT, err, errlen, "bad kind");
}

int
kg_cert_issue(const struct kg_cert_req *req, EVP_PKEY *subject_key,
    X509 *issuer, EVP_PKEY *issuer_key, time_t now, X509 **certp, char *err,
    size_t errlen)
{
	X509 *x = NULL;
	X509_NAME *subj = NULL;
	ASN1_INTEGER *serial = NULL;
	const EVP_MD *md = NULL;
	int r;

	*certp = NULL;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if ((r = check_name(req, err, errlen)) != 0)
		return r;
	if (kg_sign_digest(issuer_key, &md) != 0)
		return kg_err(MS_ERR_KEY_TYPE_UNKNOWN, err, errlen,
		    "the issuing key cannot sign certificates");
	if (!ms_keyalg_can_sign(kg_pkey_type(subject_key)))
		return kg_err(MS_ERR_KEY_TYPE_UNKNOWN, err, errlen,
		    "a %s key cannot be certified (it cannot sign)",
		    ms_keyalg_name(kg_pkey_type(subject_key)));
	if (req->serial != NULL)
		r = kg_serial_parse(req->serial, &serial);
	else
		r = kg_serial_random(&serial);
	if (r != 0)
		return kg_err(r, err, errlen, "invalid serial \"%s\" (decimal, "
		    "1 to %d octets, not 0)", req->serial != NULL ?
		    req->serial : "", KG_SERIAL_OCTETS_MAX);
	if ((x = X509_new()) == NULL || (subj = X509_NAME_new()) == NULL) {
		r = kg_err(MS_ERR_ALLOC, err, errlen, "out of memory");
		goto out;
	}
	if (X509_set_version(x, X509_VERSION_3) != 1 ||
	    X509_set_serialNumber(x, serial) != 1 ||
	    X509_NAME_add_entry_by_txt(subj, "CN", MBSTRING_UTF8,
	    (const u_char *)req->name, -1, -1, 0) != 1 ||
	    X509_set_subject_name(x, subj) != 1 ||
	    X509_set_issuer_name(x, issuer != NULL ?
	    X509_get_subject_name(issuer) : subj) != 1 ||
	    X509_set_pubkey(x, subject_key) != 1) {
		r = kg_err(MS_ERR_LIBCRYPTO, err, errlen,
		    "cannot build the certificate");
		goto out;
	}
	if ((r = kg_validity_apply(&req->validity, now,
	    X509_getm_notBefore(x), X509_getm_notAfter(x))) != 0) {
		r = kg_err(r, err, errlen, "cannot set the validity period");
		goto out;
	}
	if ((r = add_extensions(x, issuer, req, err, errlen)) != 0)
		goto out;
	if (X509_sign(x, issuer_key, md) <= 0) {
		r = kg_err(MS_ERR_LIBCRYPTO, err, errlen,
		    "cannot sign the certificate");
		goto out;
	}
	*certp = x;
	x = NULL;
	r = 0;
 out:
	ERR_clear_error();
	X509_free(x);
	X509_NAME_free(subj);
	ASN1_INTEGER_free(serial);
	return r;
}

/* --- CRLs --------------------------------------------------------------- */

static int
copy_revoked(X509_CRL *old, X509_CRL *crl, const ASN1_INTEGER *serial,
    int *listedp)
{
	STACK_OF(X509_REVOKED) *revs;
	X509_REVOKED *rev, *dup;
	int i;

	if ((revs = X509_CRL_get_REVOKED(old)) == NULL)
		return 0;
	for (i = 0; i < sk_X509_REVOKED_num(revs); i++) {
		rev = sk_X509_REVOKED_value(revs, i);
		if (serial != NULL && ASN1_INTEGER_cmp(
		    X509_REVOKED_get0_serialNumber(rev), serial) == 0)
			*listedp = 1;
		if ((dup = X509_REVOKED_dup(rev)) == NULL)
			return MS_ERR_ALLOC;
		if (X509_CRL_add0_revoked(crl, dup) != 1) {
			X509_REVOKED_free(dup);
			return MS_ERR_LIBCRYPTO;
		}
	}
	return 0;
}

static int
add_revoked(X509_CRL *crl, const ASN1_INTEGER *serial, time_t now)
{
	X509_REVOKED *rev = NULL;
	ASN1_TIME *t = NULL;
	int r = MS_ERR_LIBCRYPTO;

	if ((rev = X509_REVOKED_new()) == NULL ||
	    (t = ASN1_TIME_set(NULL, now)) == NULL ||
	    X509_REVOKED_set_serialNumber(rev, (ASN1_INTEGER *)serial) != 1 ||
	    X509_REVOKED_set_revocationDate(rev, t) != 1 ||
	    X509_CRL_add0_revoked(crl, rev) != 1)
		goto out;
	rev = NULL;
	r = 0;
 out:
	X509_REVOKED_free(rev);
	ASN1_TIME_free(t);
	return r;
}

/* crlNumber: one above old's, or 1. */
static int
set_crl_number(X509_CRL *old, X509_CRL *crl)
{
	ASN1_INTEGER *num = NULL;
	BIGNUM *bn = NULL;
	int r = MS_ERR_LIBCRYPTO;

	if (old != NULL && (num = X509_CRL_get_ext_d2i(old, NID_crl_number,
	    NULL, NULL)) != NULL) {
		bn = ASN1_INTEGER_to_BN(num, NULL);
		ASN1_INTEGER_free(num);
		num = NULL;
	} else
		bn = BN_new();		/* zero */
	if (bn == NULL || BN_add_word(bn, 1) != 1 ||
	    (num = BN_to_ASN1_INTEGER(bn, NULL)) == NULL ||
	    X509_CRL_add1_ext_i2d(crl, NID_crl_number, num, 0,
	    X509V3_ADD_DEFAULT) != 1)
		goto out;
	r = 0;
 out:
	ASN1_INTEGER_free(num);
	BN_free(bn);
	return r;
}

static int
add_crl_akid(X509_CRL *crl, X509 *ca)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx(&ctx, ca, NULL, NULL, crl, 0);
	if ((ext = X509V3_EXT_nconf_nid(NULL, &ctx,
	    NID_authority_key_identifier, "keyid")) == NULL)
		return MS_ERR_LIBCRYPTO;
	ok = X509_CRL_add_ext(crl, ext, -1);
	X509_EXTENSION_free(ext);
	return ok == 1 ? 0 : MS_ERR_LIBCRYPTO;
}

int
kg_crl_update(X509_CRL *old, X509 *ca, EVP_PKEY *ca_key,
    const ASN1_INTEGER *serial, const struct kg_validity *v, time_t now,
    X509_CRL **crlp, int *listedp, char *err, size_t errlen)
{
	X509_CRL *crl = NULL;
	ASN1_TIME *last = NULL, *next = NULL;
	const EVP_MD *md = NULL;
	int r;

	*crlp = NULL;
	*listedp = 0;
	if (kg_sign_digest(ca_key, &md) != 0)
		return kg_err(MS_ERR_KEY_TYPE_UNKNOWN, err, errlen,
		    "the CA key cannot sign");
	if (old != NULL) {
		if (X509_NAME_cmp(X509_CRL_get_issuer(old),
		    X509_get_subject_name(ca)) != 0)
			return kg_err(MS_ERR_INVALID_ARGUMENT, err, errlen,
			    "the existing CRL was issued by another CA");
		if (X509_CRL_verify(old, ca_key) != 1)
			return kg_err(MS_ERR_INVALID_ARGUMENT, err, errlen,
			    "the existing CRL is not signed by this CA key");
	}
	if ((crl = X509_CRL_new()) == NULL ||
	    (last = ASN1_TIME_new()) == NULL ||
	    (next = ASN1_TIME_new()) == NULL) {
		r = kg_err(MS_ERR_ALLOC, err, errlen, "out of memory");
		goto out;
	}
	if ((r = kg_validity_apply(v, now, last, next)) != 0) {
		r = kg_err(r, err, errlen, "cannot set the CRL dates");
		goto out;
	}
	if (X509_CRL_set_version(crl, X509_CRL_VERSION_2) != 1 ||
	    X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca)) != 1 ||
	    X509_CRL_set1_lastUpdate(crl, last) != 1 ||
	    X509_CRL_set1_nextUpdate(crl, next) != 1) {
		r = kg_err(MS_ERR_LIBCRYPTO, err, errlen,
		    "cannot build the CRL");
		goto out;
	}
	if (old != NULL && (r = copy_revoked(old, crl, serial,
	    listedp)) != 0) {
		r = kg_err(r, err, errlen, "cannot copy the revoked entries");
		goto out;
	}
	if (serial != NULL && !*listedp && (r = add_revoked(crl, serial,
	    now)) != 0) {
		r = kg_err(r, err, errlen, "cannot add the serial");
		goto out;
	}
	if ((r = set_crl_number(old, crl)) != 0 ||
	    (r = add_crl_akid(crl, ca)) != 0) {
		r = kg_err(r, err, errlen, "cannot add CRL extensions");
		goto out;
	}
	if (X509_CRL_sort(crl) != 1 || X509_CRL_sign(crl, ca_key, md) <= 0) {
		r = kg_err(MS_ERR_LIBCRYPTO, err, errlen,
		    "cannot sign the CRL");
		goto out;
	}
	*crlp = crl;
	crl = NULL;
	r = 0;
 out:
	ERR_clear_error();
	X509_CRL_free(crl);
	ASN1_TIME_free(last);
	ASN1_TIME_free(next);
	return r;
}
