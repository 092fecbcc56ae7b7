/*
 * schedule.h — transcript hash and key schedule (PROTOCOL.md 5).
 *
 * The transcript takes each handshake message's canonical encoding
 * (u32 length || u8 type || body).  All derived secrets live in struct
 * ms_keys, wiped by ms_keys_clear().
 */
#ifndef MS_SCHEDULE_H
#define MS_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "crypto.h"

#define MS_SIG_CONTEXT_SERVER	"metasafe v1 server signature"
#define MS_SIG_CONTEXT_CLIENT	"metasafe v1 client signature"

struct ms_transcript;
struct ms_transcript *ms_transcript_new(void);
void	ms_transcript_free(struct ms_transcript *t);
/* Add one message: type and body; the 5-byte header is computed. */
int	ms_transcript_add(struct ms_transcript *t, uint8_t type, const void *body,
	    size_t len);
/* Add an already-canonical encoding (header included), e.g. a raw frame. */
int	ms_transcript_add_raw(struct ms_transcript *t, const void *enc, size_t len);
int	ms_transcript_hash(const struct ms_transcript *t, u_char out[MS_SHA256_LEN]);

/* ExpandLabel (5.2). ctxlen <= 255. */
int	ms_expand_label(const u_char *secret, size_t secretlen, const char *label,
	    const u_char *ctx, size_t ctxlen, u_char *out, size_t outlen);

/* Per-direction AEAD key material derived from a traffic/blob secret. */
struct ms_dirkey {
	u_char	key[MS_AEAD_KEY_LEN];
	u_char	iv[MS_AEAD_NONCE_LEN];
};
int	ms_dirkey_derive(const u_char secret[MS_SHA256_LEN], struct ms_dirkey *dk);

/* 5.3: static = ExpandLabel(Extract(TH_SH, ss_s), "static", TH_SH). Monitor. */
int	ms_derive_static(const u_char ss_s[32], const u_char th_sh[MS_SHA256_LEN],
	    u_char static_out[MS_SHA256_LEN]);

/*
 * 5.5 Resumption.  res = ExpandLabel(Extract(TH_SH, ss_s), "res master",
 * TH_SH): like static, only the client and the monitor can compute it.
 * The binder (4.5) is HMAC(ExpandLabel(res, "res binder"), SHA-256 of the
 * CLIENT_HELLO frame up to the binder); RESUME_VERIFY's mac is
 * HMAC(ExpandLabel(res, "res verify"), TH(SERVER_FINISHED)).
 */
int	ms_derive_resumption(const u_char ss_s[32],
	    const u_char th_sh[MS_SHA256_LEN], u_char res_out[MS_SHA256_LEN]);
int	ms_resume_binder(const u_char res[MS_SHA256_LEN], const u_char *span,
	    size_t spanlen, u_char out[MS_SHA256_LEN]);
int	ms_resume_verify_mac(const u_char res[MS_SHA256_LEN],
	    const u_char th[MS_SHA256_LEN], u_char out[MS_SHA256_LEN]);

struct ms_hs_secrets {
	u_char	hs[MS_SHA256_LEN];
	u_char	c_hs[MS_SHA256_LEN], s_hs[MS_SHA256_LEN];
	u_char	c_fin[MS_SHA256_LEN], s_fin[MS_SHA256_LEN];
};
/* hs, c_hs, s_hs, c_fin, s_fin from static, ss_e and TH_SH. */
int	ms_derive_handshake(const u_char static_secret[MS_SHA256_LEN],
	    const u_char ss_e[32], const u_char th_sh[MS_SHA256_LEN],
	    struct ms_hs_secrets *out);

struct ms_ap_secrets {
	u_char	c_ap[MS_SHA256_LEN], s_ap[MS_SHA256_LEN];
	u_char	c_blob[MS_SHA256_LEN], s_blob[MS_SHA256_LEN];
};
int	ms_derive_application(const u_char hs[MS_SHA256_LEN],
	    const u_char th_cf[MS_SHA256_LEN], struct ms_ap_secrets *out);

/* verify_data = HMAC(fin_key, th). */
int	ms_finished_mac(const u_char fin_key[MS_SHA256_LEN],
	    const u_char th[MS_SHA256_LEN], u_char out[MS_SHA256_LEN]);

/* context || 0x00 || th, the message Ed25519 signs (5.4); out >= 128 bytes. */
int	ms_sig_message(const char *context, const u_char th[MS_SHA256_LEN],
	    u_char *out, size_t outlen, size_t *lenp);

void	ms_hs_secrets_clear(struct ms_hs_secrets *s);
void	ms_ap_secrets_clear(struct ms_ap_secrets *s);

#endif /* MS_SCHEDULE_H */
