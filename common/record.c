/*
 * record.c — record layer (PROTOCOL.md 6) and crypto blobs (9).
 *
 * Sequence numbers are implicit: they feed the nonce and are never sent,
 * so a replayed, reordered or dropped record fails authentication.  A
 * sequence number advances only after a successful seal or open.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "errors.h"
#include "frame.h"
#include "proto.h"
#include "record.h"
#include "schedule.h"

/* u32 length || u8 type || u16 version: the record AAD (6). */
#define RECORD_AAD_LEN		7
#define RECORD_VERSION_LEN	2

#define BLOB_AAD_PREFIX		"metasafe blob v1"
#define BLOB_AAD_PREFIX_LEN	(sizeof(BLOB_AAD_PREFIX) - 1)
#define BLOB_HDR_LEN		(2 + 2 + 8)	/* version, cipher, blob_seq */
#define BLOB_VALUE_MAX		(1024u * 1024)	/* MaxValueSize ceiling (10) */
#define BLOB_PATH_MAX		1024
#define BLOB_NAME_MAX		255
#define BLOB_AAD_MAX		(BLOB_AAD_PREFIX_LEN + 1 + 4 + BLOB_PATH_MAX + \
				    4 + BLOB_NAME_MAX + 4 + 8)

int
ms_cipher_to_aead(uint16_t cipher_id)
{
	switch (cipher_id) {
	case MS_CIPHER_AES256_GCM:
		return MS_AEAD_AES256_GCM;
	case MS_CIPHER_CHACHA20_POLY1305:
		return MS_AEAD_CHACHA20_POLY1305;
	default:
		return -1;
	}
}

uint16_t
ms_aead_to_cipher(enum ms_aead alg)
{
	switch (alg) {
	case MS_AEAD_AES256_GCM:
		return MS_CIPHER_AES256_GCM;
	case MS_AEAD_CHACHA20_POLY1305:
		return MS_CIPHER_CHACHA20_POLY1305;
	default:
		return 0;
	}
}

/* nonce = iv XOR (u32 0 || u64 seq) */
static int
seq_nonce(const u_char iv[MS_AEAD_NONCE_LEN], uint64_t seq,
    u_char nonce[MS_AEAD_NONCE_LEN])
{
	u_char pad[MS_AEAD_NONCE_LEN] = { 0 };
	size_t i;
	int r;

	if ((r = ms_poke_u64(pad, sizeof(pad), sizeof(pad) - 8, seq)) != 0)
		return r;
	for (i = 0; i < MS_AEAD_NONCE_LEN; i++)
		nonce[i] = iv[i] ^ pad[i];
	return 0;
}

/* The frame header of the record, then its u16 version. */
static int
record_aad(uint32_t flen, uint16_t version, u_char aad[RECORD_AAD_LEN])
{
	int r;

	if ((r = ms_poke_u32(aad, RECORD_AAD_LEN, 0, flen)) != 0 ||
	    (r = ms_poke_u8(aad, RECORD_AAD_LEN, 4, MS_FRAME_RECORD)) != 0 ||
	    (r = ms_poke_u16(aad, RECORD_AAD_LEN, 5, version)) != 0)
		return r;
	return 0;
}

int
ms_record_dir_init(struct ms_record_dir *d, enum ms_aead alg,
    const u_char secret[MS_SHA256_LEN])
{
	int r;

	if (d == NULL || secret == NULL || ms_aead_to_cipher(alg) == 0)
		return MS_ERR_INVALID_ARGUMENT;
	explicit_bzero(d, sizeof(*d));
	if ((r = ms_dirkey_derive(secret, &d->k)) != 0)
		return r;
	d->alg = alg;
	d->seq = 0;
	return 0;
}

void
ms_record_dir_clear(struct ms_record_dir *d)
{
	if (d != NULL)
		explicit_bzero(d, sizeof(*d));
}

int
ms_record_seal(struct ms_record_dir *d, uint8_t inner_type,
    const struct msbuf *body, struct msbuf *frame)
{
	u_char aad[RECORD_AAD_LEN], nonce[MS_AEAD_NONCE_LEN], *p = NULL;
	size_t blen, ptlen, ctlen, before;
	int r;

	if (d == NULL || frame == NULL || body == frame)
		return MS_ERR_INVALID_ARGUMENT;
	if (d->seq >= MS_RECORDS_PER_KEY_MAX)
		return MS_ERR_LIMIT;
	blen = body == NULL ? 0 : msbuf_len(body);
	if (blen > MS_RECORD_PLAINTEXT_MAX - 1)
		return MS_ERR_INVALID_ARGUMENT;
	ptlen = 1 + blen;
	ctlen = ptlen + MS_AEAD_TAG_LEN;
	before = msbuf_len(frame);
	if ((r = record_aad((uint32_t)(1 + RECORD_VERSION_LEN + ctlen),
	    MS_PROTO_VERSION, aad)) != 0 ||
	    (r = seq_nonce(d->k.iv, d->seq, nonce)) != 0 ||
	    (r = msbuf_put(frame, aad, sizeof(aad))) != 0 ||
	    (r = msbuf_reserve(frame, ctlen, &p)) != 0 ||
	    (r = ms_poke_u8(p, ctlen, 0, inner_type)) != 0 ||
	    (blen != 0 && (r = ms_poke(p, ctlen, 1, msbuf_ptr(body),
	    blen)) != 0))
		goto fail;
	if ((r = ms_aead_seal(d->alg, d->k.key, nonce, aad, sizeof(aad),
	    p, ptlen, p)) != 0)
		goto fail;
	d->seq++;
	explicit_bzero(nonce, sizeof(nonce));
	return 0;
 fail:
	/* Leave 'frame' as it was; never a half-built record on the wire. */
	if (msbuf_len(frame) > before)
		(void)msbuf_consume_end(frame, msbuf_len(frame) - before);
	explicit_bzero(nonce, sizeof(nonce));
	return r;
}

int
ms_record_open(struct ms_record_dir *d, const struct msbuf *payload,
    uint8_t *inner_typep, struct msbuf *body)
{
	u_char aad[RECORD_AAD_LEN], nonce[MS_AEAD_NONCE_LEN], *p = NULL;
	struct msbuf *in = NULL;
	uint16_t version;
	size_t ctlen, ptlen;
	int r;

	if (d == NULL || payload == NULL || inner_typep == NULL ||
	    body == NULL || body == payload)
		return MS_ERR_INVALID_ARGUMENT;
	*inner_typep = 0;
	msbuf_reset(body);
	/* The peer must close before reusing a nonce; it did not. */
	if (d->seq >= MS_RECORDS_PER_KEY_MAX)
		return MS_ERR_PROTOCOL;
	if (msbuf_len(payload) < RECORD_VERSION_LEN + MS_AEAD_TAG_LEN + 1 ||
	    msbuf_len(payload) > RECORD_VERSION_LEN + MS_RECORD_PLAINTEXT_MAX +
	    MS_AEAD_TAG_LEN)
		return MS_ERR_PROTOCOL;
	if ((in = msbuf_dup(payload)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = msbuf_get_u16(in, &version)) != 0) {
		r = MS_ERR_PROTOCOL;
		goto out;
	}
	if (version != MS_PROTO_VERSION) {
		r = MS_ERR_PROTOCOL;
		goto out;
	}
	ctlen = msbuf_len(in);
	ptlen = ctlen - MS_AEAD_TAG_LEN;
	if ((r = record_aad((uint32_t)(1 + RECORD_VERSION_LEN + ctlen),
	    version, aad)) != 0 ||
	    (r = seq_nonce(d->k.iv, d->seq, nonce)) != 0 ||
	    (r = msbuf_reserve(body, ptlen, &p)) != 0)
		goto out;
	if ((r = ms_aead_open(d->alg, d->k.key, nonce, aad, sizeof(aad),
	    msbuf_ptr(in), ctlen, p)) != 0) {
		msbuf_reset(body);
		goto out;
	}
	if ((r = msbuf_get_u8(body, inner_typep)) != 0) {
		msbuf_reset(body);
		goto out;
	}
	d->seq++;
	r = 0;
 out:
	explicit_bzero(nonce, sizeof(nonce));
	msbuf_free(in);
	return r;
}

int
ms_blob_ctx_init(struct ms_blob_ctx *c, enum ms_aead alg, uint16_t cipher_id,
    const u_char secret[MS_SHA256_LEN], uint8_t direction)
{
	int r;

	if (c == NULL || secret == NULL || direction > 1 ||
	    ms_aead_to_cipher(alg) == 0 ||
	    ms_cipher_to_aead(cipher_id) != (int)alg)
		return MS_ERR_INVALID_ARGUMENT;
	explicit_bzero(c, sizeof(*c));
	if ((r = ms_dirkey_derive(secret, &c->k)) != 0)
		return r;
	c->alg = alg;
	c->cipher_id = cipher_id;
	c->direction = direction;
	c->seq = 0;
	return 0;
}

void
ms_blob_ctx_clear(struct ms_blob_ctx *c)
{
	if (c != NULL)
		explicit_bzero(c, sizeof(*c));
}

/*
 * aad = "metasafe blob v1" || u8 direction || string path || string record
 *	 || u32 handle || u64 blob_seq
 */
static int
blob_aad(const struct ms_blob_ctx *c, const char *path, const char *record,
    uint32_t handle, uint64_t seq, struct msbuf **aadp)
{
	struct msbuf *aad;
	int r;

	*aadp = NULL;
	if (path == NULL || record == NULL ||
	    strnlen(path, BLOB_PATH_MAX + 1) > BLOB_PATH_MAX ||
	    strnlen(record, BLOB_NAME_MAX + 1) > BLOB_NAME_MAX)
		return MS_ERR_INVALID_ARGUMENT;
	if ((aad = msbuf_new(BLOB_AAD_MAX)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = msbuf_put(aad, BLOB_AAD_PREFIX, BLOB_AAD_PREFIX_LEN)) != 0 ||
	    (r = msbuf_put_u8(aad, c->direction)) != 0 ||
	    (r = msbuf_put_cstring(aad, path)) != 0 ||
	    (r = msbuf_put_cstring(aad, record)) != 0 ||
	    (r = msbuf_put_u32(aad, handle)) != 0 ||
	    (r = msbuf_put_u64(aad, seq)) != 0) {
		msbuf_free(aad);
		return r;
	}
	*aadp = aad;
	return 0;
}

int
ms_blob_seal(struct ms_blob_ctx *c, const char *path, const char *record,
    uint32_t handle, const u_char *value, size_t len, struct msbuf *out)
{
	static const u_char empty[1];
	u_char nonce[MS_AEAD_NONCE_LEN], *p = NULL;
	struct msbuf *aad = NULL;
	size_t before = 0;
	int r;

	if (c == NULL || out == NULL || (value == NULL && len != 0))
		return MS_ERR_INVALID_ARGUMENT;
	if (c->seq >= MS_RECORDS_PER_KEY_MAX)
		return MS_ERR_LIMIT;
	if (len > BLOB_VALUE_MAX)
		return MS_ERR_INVALID_ARGUMENT;
	if (value == NULL)
		value = empty;
	if ((r = blob_aad(c, path, record, handle, c->seq, &aad)) != 0)
		return r;
	before = msbuf_len(out);
	if ((r = seq_nonce(c->k.iv, c->seq, nonce)) != 0 ||
	    (r = msbuf_put_u16(out, MS_PROTO_VERSION)) != 0 ||
	    (r = msbuf_put_u16(out, c->cipher_id)) != 0 ||
	    (r = msbuf_put_u64(out, c->seq)) != 0 ||
	    (r = msbuf_reserve(out, len + MS_AEAD_TAG_LEN, &p)) != 0 ||
	    (r = ms_aead_seal(c->alg, c->k.key, nonce, msbuf_ptr(aad),
	    msbuf_len(aad), value, len, p)) != 0) {
		if (msbuf_len(out) > before)
			(void)msbuf_consume_end(out, msbuf_len(out) - before);
		goto out;
	}
	c->seq++;
 out:
	explicit_bzero(nonce, sizeof(nonce));
	msbuf_free(aad);
	return r;
}

int
ms_blob_open(struct ms_blob_ctx *c, const char *path, const char *record,
    uint32_t handle, const u_char *blob, size_t bloblen, struct msbuf *value)
{
	u_char nonce[MS_AEAD_NONCE_LEN], scratch[1], *p = NULL;
	struct msbuf *in = NULL, *aad = NULL;
	uint16_t version, cipher;
	uint64_t seq;
	size_t ctlen, ptlen, before = 0;
	int r;

	if (c == NULL || blob == NULL || value == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if (bloblen < BLOB_HDR_LEN + MS_AEAD_TAG_LEN ||
	    bloblen > BLOB_HDR_LEN + BLOB_VALUE_MAX + MS_AEAD_TAG_LEN)
		return MS_ERR_PROTOCOL;
	if ((in = msbuf_from(blob, bloblen)) == NULL)
		return MS_ERR_ALLOC;
	if (msbuf_get_u16(in, &version) != 0 ||
	    msbuf_get_u16(in, &cipher) != 0 ||
	    msbuf_get_u64(in, &seq) != 0 ||
	    version != MS_PROTO_VERSION || cipher != c->cipher_id ||
	    seq != c->seq) {
		r = MS_ERR_PROTOCOL;
		goto out;
	}
	/*
	 * From here on the sequence number is consumed whether or not the
	 * blob opens: the sender has moved on, and the connection continues
	 * after an INVALID_ARGUMENT (PROTOCOL.md 9).
	 */
	c->seq++;
	ctlen = msbuf_len(in);
	ptlen = ctlen - MS_AEAD_TAG_LEN;
	if ((r = blob_aad(c, path, record, handle, seq, &aad)) != 0 ||
	    (r = seq_nonce(c->k.iv, seq, nonce)) != 0)
		goto out;
	before = msbuf_len(value);
	if (ptlen == 0)
		p = scratch;
	else if ((r = msbuf_reserve(value, ptlen, &p)) != 0)
		goto out;
	if ((r = ms_aead_open(c->alg, c->k.key, nonce, msbuf_ptr(aad),
	    msbuf_len(aad), msbuf_ptr(in), ctlen, p)) != 0) {
		if (msbuf_len(value) > before)
			(void)msbuf_consume_end(value,
			    msbuf_len(value) - before);
		goto out;
	}
 out:
	explicit_bzero(nonce, sizeof(nonce));
	msbuf_free(aad);
	msbuf_free(in);
	return r;
}
