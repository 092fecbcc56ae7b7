/*
 * msg_auth.c — SERVER_VERIFY, SERVER_FINISHED, CLIENT_IDENTITY,
 * CLIENT_VERIFY, CLIENT_FINISHED and AUTH_RESULT (PROTOCOL.md 4.3); see msg_auth.h.
 * ms_client_identity_put_x509 is in msg_certs_x509.c, which the worker
 * does not link.
 */
#include <sys/types.h>

#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "errors.h"
#include "msg_auth.h"
#include "msg_certs.h"
#include "mslimits.h"
#include "proto.h"

static int
verify_put(struct msbuf *b, uint16_t sig_alg, const u_char *sig,
    size_t siglen)
{
	int r;

	if ((r = msbuf_put_u16(b, sig_alg)) != 0 ||
	    (r = msbuf_put_string(b, sig, siglen)) != 0)
		return r;
	return 0;
}

static int
verify_parse(struct msbuf *b, struct ms_verify *v, size_t maxsig)
{
	int r;

	memset(v, 0, sizeof(*v));
	if ((r = msbuf_get_u16(b, &v->sig_alg)) != 0 ||
	    (r = msbuf_get_string_direct(b, &v->sig, &v->siglen,
	    maxsig)) != 0)
		goto fail;
	if (msbuf_len(b) != 0) {
		r = MS_ERR_INVALID_FORMAT;
		goto fail;
	}
	return 0;
 fail:
	memset(v, 0, sizeof(*v));
	return r;
}

int
ms_server_verify_put(struct msbuf *b, uint16_t sig_alg,
    const u_char sig[MS_SIG_MAX])
{
	return verify_put(b, sig_alg, sig, MS_SIG_MAX);
}

/* The host key is Ed25519: the signature is exactly 64 bytes. */
int
ms_server_verify_parse(struct msbuf *b, struct ms_verify *v)
{
	int r;

	if ((r = verify_parse(b, v, MS_SIG_MAX)) != 0)
		return r;
	if (v->siglen != MS_SIG_MAX) {
		memset(v, 0, sizeof(*v));
		return MS_ERR_INVALID_FORMAT;
	}
	return 0;
}

int
ms_client_verify_put(struct msbuf *b, uint16_t sig_alg, const u_char *sig,
    size_t siglen)
{
	if (siglen == 0 || siglen > MS_SIGNATURE_MAX)
		return MS_ERR_INVALID_ARGUMENT;
	return verify_put(b, sig_alg, sig, siglen);
}

int
ms_client_verify_parse(struct msbuf *b, struct ms_verify *v)
{
	return verify_parse(b, v, MS_SIGNATURE_MAX);
}

int
ms_client_verify_put_none(struct msbuf *b)
{
	return verify_put(b, MS_SIG_NONE, NULL, 0);
}

int
ms_client_verify_is_none(const struct ms_verify *v)
{
	return v->sig_alg == MS_SIG_NONE && v->siglen == 0;
}

int
ms_finished_put(struct msbuf *b, const u_char mac[MS_VERIFY_DATA_LEN])
{
	return msbuf_put_string(b, mac, MS_VERIFY_DATA_LEN);
}

int
ms_finished_parse(struct msbuf *b, u_char mac[MS_VERIFY_DATA_LEN])
{
	int r;

	if ((r = msbuf_get_string_fixed(b, mac, MS_VERIFY_DATA_LEN)) == 0 &&
	    msbuf_len(b) != 0)
		r = MS_ERR_INVALID_FORMAT;
	if (r != 0)
		explicit_bzero(mac, MS_VERIFY_DATA_LEN);
	return r;
}

int
ms_client_identity_put_raw(struct msbuf *b, const u_char pub[MS_PUBKEY_MAX])
{
	int r;

	if ((r = msbuf_put_u8(b, MS_ID_RAW_ED25519)) != 0 ||
	    (r = msbuf_put_string(b, pub, MS_PUBKEY_MAX)) != 0)
		return r;
	return 0;
}

int
ms_client_identity_put_peer(struct msbuf *b)
{
	return msbuf_put_u8(b, MS_ID_PEER_CREDENTIALS);
}

int
ms_client_identity_parse(struct msbuf *b, struct ms_client_identity *id)
{
	uint8_t id_type;
	int r;

	memset(id, 0, sizeof(*id));
	if ((r = msbuf_get_u8(b, &id_type)) != 0)
		return r;
	switch (id_type) {
	case MS_ID_RAW_ED25519:
		if ((r = msbuf_get_string_direct(b, &id->pub, &id->publen,
		    MS_PUBKEY_MAX)) == 0 && msbuf_len(b) != 0)
			r = MS_ERR_INVALID_FORMAT;
		break;
	case MS_ID_X509_CHAIN:
		r = ms_cert_chain_parse(b, &id->chain);
		break;
	case MS_ID_PEER_CREDENTIALS:
		if (msbuf_len(b) != 0)
			r = MS_ERR_INVALID_FORMAT;
		break;
	default:
		r = MS_ERR_INVALID_FORMAT;
		break;
	}
	if (r != 0)
		memset(id, 0, sizeof(*id));
	id->id_type = id_type;
	return r;
}

int
ms_auth_result_put(struct msbuf *b, uint32_t status)
{
	return msbuf_put_u32(b, status);
}

int
ms_auth_result_parse(struct msbuf *b, uint32_t *status)
{
	int r;

	*status = 0;
	if ((r = msbuf_get_u32(b, status)) == 0 && msbuf_len(b) != 0) {
		*status = 0;
		r = MS_ERR_INVALID_FORMAT;
	}
	return r;
}

int
ms_canonical_get(struct msbuf *b, uint8_t want, size_t maxbody,
    struct msbuf **bodyp)
{
	uint32_t len;
	uint8_t type;
	int r;

	*bodyp = NULL;
	if ((r = msbuf_peek_u32(b, 0, &len)) != 0 ||
	    (r = msbuf_peek_u8(b, 4, &type)) != 0)
		return r;
	if (type != want || len < 1 || len - 1 > maxbody ||
	    len > msbuf_len(b) - 4)
		return MS_ERR_INVALID_FORMAT;
	if ((r = msbuf_consume(b, 5)) != 0)
		return r;
	if ((*bodyp = msbuf_from(msbuf_ptr(b), len - 1)) == NULL)
		return MS_ERR_ALLOC;
	return msbuf_consume(b, len - 1);
}
