/*
 * msg_certs.c — certificate chain codec (PROTOCOL.md 4.3); see msg_certs.h.
 * No OpenSSL here: the worker links this file and checks structure only.
 */
#include <sys/types.h>

#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "errors.h"
#include "frame.h"
#include "msg_certs.h"
#include "mslimits.h"
#include "proto.h"

int
ms_cert_chain_put(struct msbuf *b, const struct ms_cert_chain *c)
{
	uint8_t i;
	int r;

	if (c->n < 1 || c->n > MS_CERTS_MAX)
		return MS_ERR_INVALID_ARGUMENT;
	for (i = 0; i < c->n; i++) {
		if (c->len[i] > MS_CERT_DER_MAX)
			return MS_ERR_STRING_TOO_LARGE;
	}
	if ((r = msbuf_put_u8(b, c->n)) != 0)
		return r;
	for (i = 0; i < c->n; i++) {
		if ((r = msbuf_put_string(b, c->der[i], c->len[i])) != 0)
			return r;
	}
	return 0;
}

int
ms_cert_chain_parse(struct msbuf *b, struct ms_cert_chain *c)
{
	uint8_t i, n;
	int r;

	memset(c, 0, sizeof(*c));
	if ((r = msbuf_get_u8(b, &n)) != 0)
		return r;
	if (n < 1 || n > MS_CERTS_MAX)
		return MS_ERR_INVALID_FORMAT;
	for (i = 0; i < n; i++) {
		if ((r = msbuf_get_string_direct(b, &c->der[i], &c->len[i],
		    MS_CERT_DER_MAX)) != 0)
			goto fail;
	}
	if (msbuf_len(b) != 0) {
		r = MS_ERR_INVALID_FORMAT;
		goto fail;
	}
	c->n = n;
	return 0;
 fail:
	memset(c, 0, sizeof(*c));
	return r;
}

int
ms_server_certificate_check(const u_char *msg, size_t len)
{
	struct ms_cert_chain c;
	struct msbuf *b;
	uint32_t mlen;
	uint8_t type, i;
	int r;

	if (len < MS_FRAME_HEADER_LEN || len > MS_SERVER_CERT_MSG_MAX)
		return MS_ERR_INVALID_FORMAT;
	if ((b = msbuf_from(msg, len)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = msbuf_get_u32(b, &mlen)) != 0 ||
	    (r = msbuf_get_u8(b, &type)) != 0)
		goto out;
	if (mlen != len - 4 || type != MS_MSG_SERVER_CERTIFICATE) {
		r = MS_ERR_INVALID_FORMAT;
		goto out;
	}
	if ((r = ms_cert_chain_parse(b, &c)) != 0)
		goto out;
	for (i = 0; i < c.n; i++) {
		if (c.len[i] == 0) {
			r = MS_ERR_INVALID_FORMAT;
			goto out;
		}
	}
 out:
	msbuf_free(b);
	return r;
}
