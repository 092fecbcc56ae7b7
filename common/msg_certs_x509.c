/*
 * msg_certs_x509.c — between the chain codec (msg_certs.c) and OpenSSL's
 * X509 objects, for the client and the monitor.  A file of its own so that
 * metasafe-worker, which never decodes a certificate, does not link it.
 */
#include <sys/types.h>

#include <stdint.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "buf.h"
#include "errors.h"
#include "msg_auth.h"
#include "msg_certs.h"
#include "mslimits.h"
#include "proto.h"

int
ms_cert_chain_put_x509(struct msbuf *b, STACK_OF(X509) *chain)
{
	struct ms_cert_chain c;
	u_char *der[MS_CERTS_MAX];
	int i, n, len, r;

	memset(&c, 0, sizeof(c));
	memset(der, 0, sizeof(der));
	if ((n = sk_X509_num(chain)) < 1 || n > MS_CERTS_MAX)
		return MS_ERR_LIMIT;
	for (i = 0; i < n; i++) {
		if ((len = i2d_X509(sk_X509_value(chain, i), &der[i])) <= 0) {
			ERR_clear_error();
			r = MS_ERR_LIBCRYPTO;
			goto out;
		}
		if (len > MS_CERT_DER_MAX) {
			r = MS_ERR_STRING_TOO_LARGE;
			goto out;
		}
		c.der[i] = der[i];
		c.len[i] = (size_t)len;
	}
	c.n = (uint8_t)n;
	r = ms_cert_chain_put(b, &c);
 out:
	for (i = 0; i < MS_CERTS_MAX; i++)
		OPENSSL_free(der[i]);
	return r;
}

int
ms_cert_chain_to_x509(const struct ms_cert_chain *c, STACK_OF(X509) **chainp)
{
	STACK_OF(X509) *chain = NULL;
	const u_char *p;
	X509 *x;
	uint8_t i;
	int r = MS_ERR_INVALID_FORMAT;

	*chainp = NULL;
	if (c->n < 1 || c->n > MS_CERTS_MAX)
		return MS_ERR_INVALID_FORMAT;
	if ((chain = sk_X509_new_null()) == NULL)
		return MS_ERR_ALLOC;
	for (i = 0; i < c->n; i++) {
		/* The whole string, one certificate, nothing left over. */
		p = c->der[i];
		if (c->len[i] == 0 || c->len[i] > MS_CERT_DER_MAX ||
		    (x = d2i_X509(NULL, &p, (long)c->len[i])) == NULL)
			goto fail;
		if (p != c->der[i] + c->len[i]) {
			X509_free(x);
			goto fail;
		}
		if (sk_X509_push(chain, x) <= 0) {
			X509_free(x);
			r = MS_ERR_ALLOC;
			goto fail;
		}
	}
	*chainp = chain;
	return 0;
 fail:
	sk_X509_pop_free(chain, X509_free);
	ERR_clear_error();
	return r;
}

int
ms_client_identity_put_x509(struct msbuf *b, STACK_OF(X509) *chain)
{
	int r;

	if ((r = msbuf_put_u8(b, MS_ID_X509_CHAIN)) != 0 ||
	    (r = ms_cert_chain_put_x509(b, chain)) != 0)
		return r;
	return 0;
}
