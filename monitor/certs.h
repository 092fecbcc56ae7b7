/*
 * certs.h — X.509 client certificates, verified by the monitor alone (I4).
 *
 * The trust store holds the TrustedUserCAFile certificates and, when a
 * RevocationList is configured, its CRLs with CRL checking on every
 * certificate of the chain.  Verification is OpenSSL's X509_verify_cert
 * (chain to a trusted root, validity period, signatures, CRLs, purpose
 * sslclient) plus what OpenSSL does not check in the way we want: keyUsage
 * digitalSignature and extendedKeyUsage clientAuth on the leaf whenever
 * those extensions are present, and the key policy (Ed25519, P-256, P-384,
 * RSA of at least MinimumRSABits) for every certificate of the chain.
 * The principal is then taken from the leaf as CertificatePrincipal says.
 *
 * A store is immutable once loaded; SIGHUP builds a new one and swaps it
 * in only when it loaded completely.
 */
#ifndef MS_CERTS_H
#define MS_CERTS_H

#include <stddef.h>
#include <sys/types.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "proto.h"

struct msbuf;

struct ms_cert_policy {
	const char	*ca_file;		/* TrustedUserCAFile, required */
	const char	*crl_file;		/* RevocationList, or NULL */
	int		 require_fresh_crl;
	int		 principal_mode;	/* CERT_PRINCIPAL_* (servconf.h) */
	int		 min_rsa_bits;
};

struct ms_certs;

#define MS_CERT_SUBJECT_MAX	256
#define MS_CERT_SERIAL_MAX	66	/* 20 octets in decimal (49), "..." */
#define MS_CERT_REASON_MAX	256

/* What a verification found, for the decision and the audit line. */
struct ms_cert_result {
	char	 principal[MS_PRINCIPAL_MAX + 1];	/* "" unless verified */
	char	 subject[MS_CERT_SUBJECT_MAX];		/* of the leaf */
	char	 issuer[MS_CERT_SUBJECT_MAX];		/* the leaf's issuer */
	char	 serial[MS_CERT_SERIAL_MAX];
	char	 reason[MS_CERT_REASON_MAX];		/* why it was refused */
	EVP_PKEY *key;			/* leaf key, even when refused; free */
};

/* Load CAs and CRLs; errbuf says which file failed and why. */
int	ms_certs_load(const struct ms_cert_policy *pol, struct ms_certs **csp,
	    char *errbuf, size_t errlen);
void	ms_certs_free(struct ms_certs *cs);
size_t	ms_certs_ncas(const struct ms_certs *cs);
size_t	ms_certs_ncrls(const struct ms_certs *cs);

/*
 * Verify chain (leaf first, the rest untrusted intermediates).  0 when the
 * chain is valid and res->principal is set; MS_ERR_SIGNATURE_INVALID
 * otherwise, with res->reason.  res->key is the leaf's public key in both
 * cases (NULL only if the leaf has none usable); free it with
 * ms_cert_result_clear().  cs may be NULL: everything is refused.
 */
int	ms_certs_verify(const struct ms_certs *cs, STACK_OF(X509) *chain,
	    struct ms_cert_result *res);
void	ms_cert_result_clear(struct ms_cert_result *res);

/*
 * The principal name of a leaf under mode (CERT_PRINCIPAL_*): the first
 * "metasafe:NAME" URI subjectAltName, the first rfc822Name, or the one
 * subject CN.  0, or MS_ERR_NOT_FOUND with *whyp when there is no such
 * name or it is not a valid principal name.
 */
int	ms_cert_principal(X509 *leaf, int mode, char *out, size_t outlen,
	    const char **whyp);

/*
 * Printable subject (RFC 2253) and decimal serial (metasafe-keygen's
 * notation), for logs; quote them with ms_log_value() (logfmt.h).
 */
void	ms_cert_describe(X509 *x, char *subject, size_t slen, char *serial,
	    size_t serlen);
/* Printable issuer name (RFC 2253), for logs. */
void	ms_cert_issuer(X509 *x, char *issuer, size_t ilen);

/* PEM certificates from a file, in order (at least one). */
int	ms_cert_chain_read_pem(const char *path, STACK_OF(X509) **chainp,
	    char *errbuf, size_t errlen);

#endif /* MS_CERTS_H */
