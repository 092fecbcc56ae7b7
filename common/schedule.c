/*
 * schedule.c — transcript hash and HKDF key schedule (PROTOCOL.md 5).
 *
 * Every intermediate secret lives on the stack only as long as it is needed
 * and is wiped on every exit path.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "errors.h"
#include "frame.h"
#include "schedule.h"

#define LABEL_PREFIX		"ms1 "
#define LABEL_PREFIX_LEN	(sizeof(LABEL_PREFIX) - 1)
#define LABEL_FULL_MAX		255
#define CTX_MAX			255
/* u16 L || u8 len || full label || u8 ctxlen || ctx */
#define INFO_MAX		(2 + 1 + LABEL_FULL_MAX + 1 + CTX_MAX)
#define HKDF_OUT_MAX		(255 * MS_SHA256_LEN)

struct ms_transcript {
	struct ms_hash	*h;
};

struct ms_transcript *
ms_transcript_new(void)
{
	struct ms_transcript *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if ((t->h = ms_hash_new()) == NULL) {
		free(t);
		return NULL;
	}
	return t;
}

void
ms_transcript_free(struct ms_transcript *t)
{
	if (t == NULL)
		return;
	ms_hash_free(t->h);
	freezero(t, sizeof(*t));
}

int
ms_transcript_add(struct ms_transcript *t, uint8_t type, const void *body,
    size_t len)
{
	u_char hdr[MS_FRAME_HEADER_LEN];
	uint32_t flen;
	int r;

	if (t == NULL || (body == NULL && len != 0) || len >= MS_FRAME_MAX)
		return MS_ERR_INVALID_ARGUMENT;
	flen = (uint32_t)len + 1;
	if ((r = ms_poke_u32(hdr, sizeof(hdr), 0, flen)) != 0 ||
	    (r = ms_poke_u8(hdr, sizeof(hdr), 4, type)) != 0 ||
	    (r = ms_hash_update(t->h, hdr, sizeof(hdr))) != 0)
		return r;
	if (len != 0 && (r = ms_hash_update(t->h, body, len)) != 0)
		return r;
	return 0;
}

/* The header of a raw encoding must describe exactly the bytes given. */
static int
canonical_check(const void *enc, size_t len)
{
	uint32_t flen;
	int r;

	if (len < MS_FRAME_HEADER_LEN || len - 4 > MS_FRAME_MAX)
		return MS_ERR_INVALID_FORMAT;
	if ((r = ms_peek_u32(enc, len, 0, &flen)) != 0)
		return r;
	if (flen != len - 4)
		return MS_ERR_INVALID_FORMAT;
	return 0;
}

int
ms_transcript_add_raw(struct ms_transcript *t, const void *enc, size_t len)
{
	int r;

	if (t == NULL || enc == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if ((r = canonical_check(enc, len)) != 0)
		return r;
	return ms_hash_update(t->h, enc, len);
}

int
ms_transcript_hash(const struct ms_transcript *t, u_char out[MS_SHA256_LEN])
{
	if (t == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	return ms_hash_peek(t->h, out);
}

int
ms_expand_label(const u_char *secret, size_t secretlen, const char *label,
    const u_char *ctx, size_t ctxlen, u_char *out, size_t outlen)
{
	u_char info[INFO_MAX];
	size_t labellen, fulllen, infolen;
	int r;

	if (secret == NULL || label == NULL || out == NULL ||
	    (ctx == NULL && ctxlen != 0) || ctxlen > CTX_MAX ||
	    outlen == 0 || outlen > HKDF_OUT_MAX || outlen > 0xffff)
		return MS_ERR_INVALID_ARGUMENT;
	labellen = strlen(label);
	if (labellen > LABEL_FULL_MAX - LABEL_PREFIX_LEN)
		return MS_ERR_INVALID_ARGUMENT;
	fulllen = LABEL_PREFIX_LEN + labellen;

	if ((r = ms_poke_u16(info, sizeof(info), 0, (uint16_t)outlen)) != 0 ||
	    (r = ms_poke_u8(info, sizeof(info), 2, (uint8_t)fulllen)) != 0 ||
	    (r = ms_poke(info, sizeof(info), 3, LABEL_PREFIX,
	    LABEL_PREFIX_LEN)) != 0 ||
	    (r = ms_poke(info, sizeof(info), 3 + LABEL_PREFIX_LEN,
	    label, labellen)) != 0 ||
	    (r = ms_poke_u8(info, sizeof(info), 3 + fulllen,
	    (uint8_t)ctxlen)) != 0 ||
	    (r = ms_poke(info, sizeof(info), 4 + fulllen, ctx,
	    ctxlen)) != 0)
		goto out;
	infolen = 4 + fulllen + ctxlen;
	r = ms_hkdf_expand(secret, secretlen, info, infolen, out, outlen);
 out:
	/* The context is a transcript hash: not secret, but no reason to keep. */
	explicit_bzero(info, sizeof(info));
	return r;
}

int
ms_dirkey_derive(const u_char secret[MS_SHA256_LEN], struct ms_dirkey *dk)
{
	int r;

	if ((r = ms_expand_label(secret, MS_SHA256_LEN, "key", NULL, 0,
	    dk->key, sizeof(dk->key))) != 0 ||
	    (r = ms_expand_label(secret, MS_SHA256_LEN, "iv", NULL, 0,
	    dk->iv, sizeof(dk->iv))) != 0) {
		explicit_bzero(dk, sizeof(*dk));
		return r;
	}
	return 0;
}

int
ms_derive_static(const u_char ss_s[32], const u_char th_sh[MS_SHA256_LEN],
    u_char static_out[MS_SHA256_LEN])
{
	u_char prk[MS_SHA256_LEN];
	int r;

	if ((r = ms_hkdf_extract(th_sh, MS_SHA256_LEN, ss_s, 32, prk)) != 0 ||
	    (r = ms_expand_label(prk, sizeof(prk), "static", th_sh,
	    MS_SHA256_LEN, static_out, MS_SHA256_LEN)) != 0)
		explicit_bzero(static_out, MS_SHA256_LEN);
	explicit_bzero(prk, sizeof(prk));
	return r;
}

int
ms_derive_resumption(const u_char ss_s[32], const u_char th_sh[MS_SHA256_LEN],
    u_char res_out[MS_SHA256_LEN])
{
	u_char prk[MS_SHA256_LEN];
	int r;

	if ((r = ms_hkdf_extract(th_sh, MS_SHA256_LEN, ss_s, 32, prk)) != 0 ||
	    (r = ms_expand_label(prk, sizeof(prk), "res master", th_sh,
	    MS_SHA256_LEN, res_out, MS_SHA256_LEN)) != 0)
		explicit_bzero(res_out, MS_SHA256_LEN);
	explicit_bzero(prk, sizeof(prk));
	return r;
}

/* HMAC under ExpandLabel(res, label) over a 32-byte hash. */
static int
res_mac(const u_char res[MS_SHA256_LEN], const char *label,
    const u_char h[MS_SHA256_LEN], u_char out[MS_SHA256_LEN])
{
	u_char key[MS_SHA256_LEN];
	int r;

	if ((r = ms_expand_label(res, MS_SHA256_LEN, label, NULL, 0, key,
	    sizeof(key))) == 0)
		r = ms_hmac_sha256(key, sizeof(key), h, MS_SHA256_LEN, out);
	explicit_bzero(key, sizeof(key));
	return r;
}

int
ms_resume_binder(const u_char res[MS_SHA256_LEN], const u_char *span,
    size_t spanlen, u_char out[MS_SHA256_LEN])
{
	u_char h[MS_SHA256_LEN];
	int r;

	if ((r = ms_sha256(span, spanlen, h)) == 0)
		r = res_mac(res, "res binder", h, out);
	return r;
}

int
ms_resume_verify_mac(const u_char res[MS_SHA256_LEN],
    const u_char th[MS_SHA256_LEN], u_char out[MS_SHA256_LEN])
{
	return res_mac(res, "res verify", th, out);
}

int
ms_derive_handshake(const u_char static_secret[MS_SHA256_LEN],
    const u_char ss_e[32], const u_char th_sh[MS_SHA256_LEN],
    struct ms_hs_secrets *out)
{
	int r;

	if ((r = ms_hkdf_extract(static_secret, MS_SHA256_LEN, ss_e, 32,
	    out->hs)) != 0 ||
	    (r = ms_expand_label(out->hs, MS_SHA256_LEN, "c hs traffic",
	    th_sh, MS_SHA256_LEN, out->c_hs, MS_SHA256_LEN)) != 0 ||
	    (r = ms_expand_label(out->hs, MS_SHA256_LEN, "s hs traffic",
	    th_sh, MS_SHA256_LEN, out->s_hs, MS_SHA256_LEN)) != 0 ||
	    (r = ms_expand_label(out->c_hs, MS_SHA256_LEN, "finished",
	    NULL, 0, out->c_fin, MS_SHA256_LEN)) != 0 ||
	    (r = ms_expand_label(out->s_hs, MS_SHA256_LEN, "finished",
	    NULL, 0, out->s_fin, MS_SHA256_LEN)) != 0) {
		ms_hs_secrets_clear(out);
		return r;
	}
	return 0;
}

int
ms_derive_application(const u_char hs[MS_SHA256_LEN],
    const u_char th_cf[MS_SHA256_LEN], struct ms_ap_secrets *out)
{
	static const u_char zero[MS_SHA256_LEN];
	u_char derived[MS_SHA256_LEN], ms[MS_SHA256_LEN];
	int r;

	if ((r = ms_expand_label(hs, MS_SHA256_LEN, "derived", NULL, 0,
	    derived, sizeof(derived))) != 0 ||
	    (r = ms_hkdf_extract(derived, sizeof(derived), zero, sizeof(zero),
	    ms)) != 0 ||
	    (r = ms_expand_label(ms, sizeof(ms), "c ap traffic",
	    th_cf, MS_SHA256_LEN, out->c_ap, MS_SHA256_LEN)) != 0 ||
	    (r = ms_expand_label(ms, sizeof(ms), "s ap traffic",
	    th_cf, MS_SHA256_LEN, out->s_ap, MS_SHA256_LEN)) != 0 ||
	    (r = ms_expand_label(ms, sizeof(ms), "c blob",
	    th_cf, MS_SHA256_LEN, out->c_blob, MS_SHA256_LEN)) != 0 ||
	    (r = ms_expand_label(ms, sizeof(ms), "s blob",
	    th_cf, MS_SHA256_LEN, out->s_blob, MS_SHA256_LEN)) != 0)
		ms_ap_secrets_clear(out);
	explicit_bzero(derived, sizeof(derived));
	explicit_bzero(ms, sizeof(ms));
	return r;
}

int
ms_finished_mac(const u_char fin_key[MS_SHA256_LEN],
    const u_char th[MS_SHA256_LEN], u_char out[MS_SHA256_LEN])
{
	return ms_hmac_sha256(fin_key, MS_SHA256_LEN, th, MS_SHA256_LEN, out);
}

int
ms_sig_message(const char *context, const u_char th[MS_SHA256_LEN],
    u_char *out, size_t outlen, size_t *lenp)
{
	size_t clen;
	int r;

	if (lenp != NULL)
		*lenp = 0;
	if (context == NULL || th == NULL || out == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	clen = strlen(context);
	if (outlen < clen + 1 + MS_SHA256_LEN)
		return MS_ERR_NO_BUFFER_SPACE;
	if ((r = ms_poke(out, outlen, 0, context, clen)) != 0 ||
	    (r = ms_poke_u8(out, outlen, clen, 0x00)) != 0 ||
	    (r = ms_poke(out, outlen, clen + 1, th, MS_SHA256_LEN)) != 0)
		return r;
	if (lenp != NULL)
		*lenp = clen + 1 + MS_SHA256_LEN;
	return 0;
}

void
ms_hs_secrets_clear(struct ms_hs_secrets *s)
{
	if (s != NULL)
		explicit_bzero(s, sizeof(*s));
}

void
ms_ap_secrets_clear(struct ms_ap_secrets *s)
{
	if (s != NULL)
		explicit_bzero(s, sizeof(*s));
}
