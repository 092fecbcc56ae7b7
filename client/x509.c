/*
 * x509.c — certificates on the client side (PROTOCOL.md 4.3, 5.4): the
 * user's own chain for CLIENT_IDENTITY id_type 2, and validation of the
 * server's SERVER_CERTIFICATE against a CA file, the host name and the
 * host signature key of SERVER_HELLO.
 *
 * Nothing here trusts the server: certificates are parsed from DER with
 * length caps checked first, and a certificate the user did not ask to
 * validate (no CAFile) is never used for anything.
 */
#include <sys/types.h>

#include <arpa/inet.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "buf.h"
#include "errors.h"
#include "keyfile.h"
#include "log.h"
#include "metasafe.h"
#include "msg_auth.h"
#include "msg_certs.h"
#include "msclient.h"
#include "proto.h"

static int __attribute__((format(printf, 4, 5)))
cert_err(int r, char *err, size_t errlen, const char *fmt, ...)
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

void
cl_chain_free(STACK_OF(X509) *chain)
{
	sk_X509_pop_free(chain, X509_free);
}

/* DER size of x, or -1. */
static int
der_len(X509 *x)
{
	return i2d_X509(x, NULL);
}

int
cl_cert_chain_load(const char *path, STACK_OF(X509) **chainp, char *err,
    size_t errlen)
{
	STACK_OF(X509) *chain = NULL;
	u_char *data = NULL;
	size_t len = 0;
	BIO *bio = NULL;
	X509 *x = NULL;
	unsigned long e;
	int r, n;

	*chainp = NULL;
	if ((r = ms_file_read_all(path, &data, &len, CL_CERT_FILE_MAX)) != 0) {
		if (r == MS_ERR_LIMIT)
			return cert_err(METASAFE_ERR_CERTIFICATE, err, errlen,
			    "%s: larger than %d bytes", path, CL_CERT_FILE_MAX);
		return cert_err(METASAFE_ERR_CERTIFICATE, err, errlen,
		    "%s: %s", path, r == MS_ERR_NOT_FOUND ?
		    strerror(ENOENT) : r == MS_ERR_SYSTEM ? strerror(errno) :
		    ms_err(r));
	}
	if ((bio = BIO_new_mem_buf(data, (int)len)) == NULL ||
	    (chain = sk_X509_new_null()) == NULL) {
		r = cert_err(METASAFE_ERR_NOMEM, err, errlen, "out of memory");
		goto out;
	}
	for (;;) {
		if ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) == NULL) {
			e = ERR_peek_last_error();
			/* The normal end: no further PEM block. */
			if (ERR_GET_REASON(e) == PEM_R_NO_START_LINE &&
			    sk_X509_num(chain) > 0)
				break;
			r = cert_err(METASAFE_ERR_CERTIFICATE, err, errlen,
			    "%s: %s", path, sk_X509_num(chain) == 0 ?
			    "no PEM certificate found" :
			    "malformed PEM certificate");
			goto out;
		}
		if ((n = der_len(x)) <= 0 || n > MS_CERT_DER_MAX) {
			r = cert_err(METASAFE_ERR_CERTIFICATE, err, errlen,
			    "%s: certificate %d is larger than %d bytes", path,
			    sk_X509_num(chain) + 1, MS_CERT_DER_MAX);
			goto out;
		}
		if (sk_X509_num(chain) >= MS_CERTS_MAX) {
			r = cert_err(METASAFE_ERR_CERTIFICATE, err, errlen,
			    "%s: more than %d certificates", path,
			    MS_CERTS_MAX);
			goto out;
		}
		if (sk_X509_push(chain, x) <= 0) {
			r = cert_err(METASAFE_ERR_NOMEM, err, errlen,
			    "out of memory");
			goto out;
		}
		x = NULL;
	}
	ERR_clear_error();
	*chainp = chain;
	chain = NULL;
	r = 0;
 out:
	X509_free(x);
	cl_chain_free(chain);
	BIO_free(bio);
	freezero(data, len + 1);
	return r;
}

int
cl_cert_matches_key(X509 *leaf, EVP_PKEY *pkey)
{
	EVP_PKEY *pub;

	if (leaf == NULL || pkey == NULL ||
	    (pub = X509_get0_pubkey(leaf)) == NULL) {
		ERR_clear_error();
		return METASAFE_ERR_CERTIFICATE;
	}
	if (EVP_PKEY_eq(pub, pkey) != 1) {
		ERR_clear_error();
		return METASAFE_ERR_CERTIFICATE;
	}
	return 0;
}

int
cl_identity_put(struct msbuf *b, const struct metasafe_key *key)
{
	/* No key: peer credentials (unix: only, metasafe_authenticate_peer). */
	if (key == NULL)
		return ms_client_identity_put_peer(b) == 0 ? 0 :
		    METASAFE_ERR_INTERNAL;
	if (key->chain == NULL) {
		if (!key->is_ed25519)
			return METASAFE_ERR_IDENTITY;
		if (ms_client_identity_put_raw(b, key->pub) != 0)
			return METASAFE_ERR_INTERNAL;
		return 0;
	}
	switch (ms_client_identity_put_x509(b, key->chain)) {
	case 0:
		break;
	case MS_ERR_ALLOC:
	case MS_ERR_INTERNAL:
		return METASAFE_ERR_INTERNAL;
	default:	/* too many, too large, not encodable */
		return METASAFE_ERR_CERTIFICATE;
	}
	/* The message cap counts the 5-byte canonical header. */
	if (msbuf_len(b) + 5 > MS_CLIENT_IDENTITY_MAX)
		return METASAFE_ERR_CERTIFICATE;
	return 0;
}

int
cl_server_cert_parse(struct msbuf *body, STACK_OF(X509) **chainp)
{
	struct ms_cert_chain c;
	int r;

	*chainp = NULL;
	if (ms_cert_chain_parse(body, &c) != 0)
		return METASAFE_ERR_PROTOCOL;
	if ((r = ms_cert_chain_to_x509(&c, chainp)) != 0)
		return r == MS_ERR_ALLOC ? METASAFE_ERR_NOMEM :
		    METASAFE_ERR_PROTOCOL;
	return 0;
}

static int
is_ip_literal(const char *host)
{
	u_char addr[16];

	return inet_pton(AF_INET, host, addr) == 1 ||
	    inet_pton(AF_INET6, host, addr) == 1;
}

/* The chain under the CA file; err gets OpenSSL's reason. */
static int
verify_chain(const char *ca_file, STACK_OF(X509) *chain, char *err,
    size_t errlen)
{
	X509_STORE *store = NULL;
	X509_STORE_CTX *ctx = NULL;
	STACK_OF(X509) *untrusted = NULL;
	X509 *leaf = sk_X509_value(chain, 0), *bad;
	char subj[256] = "?";
	int i, vr, depth, r;

	if ((store = X509_STORE_new()) == NULL ||
	    (ctx = X509_STORE_CTX_new()) == NULL ||
	    (untrusted = sk_X509_new_null()) == NULL) {
		r = cert_err(METASAFE_ERR_NOMEM, err, errlen, "out of memory");
		goto out;
	}
	if (X509_STORE_load_file(store, ca_file) != 1) {
		r = cert_err(METASAFE_ERR_SERVER_CERT, err, errlen,
		    "cannot load CA file %s (not PEM certificates?)", ca_file);
		goto out;
	}
	for (i = 1; i < sk_X509_num(chain); i++) {
		if (sk_X509_push(untrusted, sk_X509_value(chain, i)) <= 0) {
			r = cert_err(METASAFE_ERR_NOMEM, err, errlen,
			    "out of memory");
			goto out;
		}
	}
	if (X509_STORE_CTX_init(ctx, store, leaf, untrusted) != 1 ||
	    X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER) != 1) {
		r = cert_err(METASAFE_ERR_INTERNAL, err, errlen,
		    "cannot set up certificate verification");
		goto out;
	}
	if (X509_verify_cert(ctx) == 1) {
		r = 0;
		goto out;
	}
	vr = X509_STORE_CTX_get_error(ctx);
	depth = X509_STORE_CTX_get_error_depth(ctx);
	if ((bad = X509_STORE_CTX_get_current_cert(ctx)) == NULL)
		bad = leaf;
	if (X509_NAME_oneline(X509_get_subject_name(bad), subj,
	    sizeof(subj)) == NULL)
		strlcpy(subj, "?", sizeof(subj));
	cl_sanitize(subj, sizeof(subj), (const u_char *)subj, strlen(subj));
	r = cert_err(METASAFE_ERR_SERVER_CERT, err, errlen,
	    "server certificate is not trusted: %s (depth %d, %s)",
	    X509_verify_cert_error_string(vr), depth, subj);
 out:
	sk_X509_free(untrusted);	/* the certificates belong to chain */
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	ERR_clear_error();
	return r;
}

int
cl_server_cert_check(const char *ca_file, const char *host,
    STACK_OF(X509) *chain, const u_char host_sig_pub[MS_ED25519_PUB_LEN],
    char *err, size_t errlen)
{
	u_char raw[MS_ED25519_PUB_LEN];
	size_t rawlen = sizeof(raw);
	EVP_PKEY *pub;
	X509 *leaf;
	int r, ok;

	if (ca_file == NULL || host == NULL || chain == NULL ||
	    sk_X509_num(chain) < 1)
		return cert_err(METASAFE_ERR_SERVER_CERT, err, errlen,
		    "no server certificate to check");
	leaf = sk_X509_value(chain, 0);
	if ((r = verify_chain(ca_file, chain, err, errlen)) != 0)
		return r;
	if (is_ip_literal(host))
		ok = X509_check_ip_asc(leaf, host, 0);
	else
		ok = X509_check_host(leaf, host, strlen(host), 0, NULL);
	if (ok != 1)
		return cert_err(METASAFE_ERR_SERVER_CERT, err, errlen,
		    "server certificate is not valid for \"%s\" (name "
		    "mismatch)", host);
	if ((pub = X509_get0_pubkey(leaf)) == NULL ||
	    EVP_PKEY_get_base_id(pub) != EVP_PKEY_ED25519 ||
	    EVP_PKEY_get_raw_public_key(pub, raw, &rawlen) != 1 ||
	    rawlen != sizeof(raw) ||
	    !ms_ct_equal(raw, host_sig_pub, sizeof(raw)))
		return cert_err(METASAFE_ERR_SERVER_CERT, err, errlen,
		    "server certificate does not certify the server's host "
		    "key");
	ERR_clear_error();
	return 0;
}
