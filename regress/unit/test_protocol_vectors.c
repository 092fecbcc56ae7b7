/*
 * test_protocol_vectors.c — the test vectors of PROTOCOL.md section 12.
 *
 * A complete handshake, one application record and one crypto blob are
 * computed from fixed inputs with common/ (X25519 and Ed25519 are
 * deterministic, AEAD nonces come from sequence numbers).  The results are
 * checked three ways: against the values hard-coded below, against every
 * "label = hex" line of section 12 of docs/PROTOCOL.md (so the document
 * cannot drift from the code), and for internal consistency (both sides of
 * each DH agree, signatures verify, the record and the blob open).
 *
 * The handshake order table of section 3 is checked against
 * common/hs_order.c's, and the limits tables of section 10 against
 * common/mslimits.h
 * the same way.
 *
 * MS_VECTORS_PRINT=1 prints the computed values in the document's format.
 */
#include <sys/types.h>

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "crypto.h"
#include "errors.h"
#include "frame.h"
#include "hello.h"
#include "hs_order.h"
#include "keyfile.h"
#include "mslimits.h"
#include "proto.h"
#include "path.h"
#include "record.h"
#include "schedule.h"
#include "sigalg.h"
#include "storekey.h"
#include "tickets.h"

#ifndef MS_BUILDDIR
#define MS_BUILDDIR "."
#endif

#define VEC_MAX		80
#define DOC_REL		"docs/PROTOCOL.md"
#define DOC_SECTION	"## 12. "
#define DOC_LIMITS_SECTION "## 10. "
#define DOC_ORDER_SECTION "## 3. "

struct vec {
	const char	*label;
	u_char		*val;
	size_t		 len;
};

struct vectors {
	struct vec	v[VEC_MAX];
	size_t		n;
};

/* Expected values; the same lines appear in PROTOCOL.md section 12. */
static const struct {
	const char *label;
	const char *hex;
} expected[] = {
	{ "client_eph_priv",
	    "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20" },
	{ "server_eph_priv",
	    "2122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f40" },
	{ "host_kex_priv",
	    "4142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f60" },
	{ "host_sig_seed",
	    "6162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f80" },
	{ "client_sig_seed",
	    "8182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0" },
	{ "client_share",
	    "07a37cbc142093c8b755dc1b10e86cb426374ad16aa853ed0bdfc0b2b86d1c7c" },
	{ "server_share",
	    "5869aff450549732cbaaed5e5df9b30a6da31cb0e5742bad5ad4a1a768f1a67b" },
	{ "host_kex_pub",
	    "64b101b1d0be5a8704bd078f9895001fc03e8e9f9522f188dd128d9846d48466" },
	{ "host_sig_pub",
	    "882d0ea3b2864e7a587f3e698cea4459998312e655e05fa5e8b5119d8baac8cd" },
	{ "client_pub",
	    "020bd427446b723424d80d2cad352ba3df3649d0ef8faae0ca7eb25443941b29" },
	{ "client_random",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" },
	{ "server_random",
	    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" },
	{ "client_hello",
	    "00000052010001aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaa02000100020100010100010000002007a37cbc142093c8b755"
	    "dc1b10e86cb426374ad16aa853ed0bdfc0b2b86d1c7c" },
	{ "server_hello",
	    "00000095020001bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	    "bbbbbbbbbbbbbb000100010001000000205869aff450549732cbaaed5e5df9b3"
	    "0a6da31cb0e5742bad5ad4a1a768f1a67b0000002064b101b1d0be5a8704bd07"
	    "8f9895001fc03e8e9f9522f188dd128d9846d4846600000020882d0ea3b2864e"
	    "7a587f3e698cea4459998312e655e05fa5e8b5119d8baac8cd" },
	{ "th_sh",
	    "196a1a409044342d8e6f88249f2946a0032000fa885398fc5a66399084c5e19a" },
	{ "ss_e",
	    "a84dc7c3c8f058b1b2dc4cd1e9b5dc0a7987f88b6a9564cde3391fc421159e77" },
	{ "ss_s",
	    "26c2c17fdb82161cb21ad16e721315355b64d1763119b10bfc962530dc7cc163" },
	{ "static",
	    "53078a4d6e89912835f0e3ff432dbc319bd0f55f409e4a4dabd1679dafb3c674" },
	{ "hs",
	    "19f9b7453e2e980f5ad03a9309a98203b2cc6b95b1074195ce603abb3f95c0e3" },
	{ "c_hs",
	    "b8851dbf25baf2b8cf4c9d39521c0c28d852c8075191da282bdca8989e438246" },
	{ "s_hs",
	    "ddabfe1dac4533060e8b59c4c7e30db83655523bc612e64c8480fc99d13cb1db" },
	{ "c_fin",
	    "e1b1db4741f64969036cb97d24b1dd90a07ac98eacb60973d587697dab9f3daf" },
	{ "s_fin",
	    "dc97c83db67f84bfe4e5c3f33f6a60f4c2e1fdda0f65cbe54c9371344e863802" },
	{ "s_hs_key",
	    "5fc26708f4413812f694551bbf07d8671eda5b035e4dc6d7f170ddbde2e262b5" },
	{ "s_hs_iv",
	    "b8d5936b0ddd8786ce444da6" },
	{ "c_hs_key",
	    "62e824b5cde2abffbb69e652dc2784a9f8bdbf2f974d1b5d78462f690733ce9c" },
	{ "c_hs_iv",
	    "b5f5a2be643dbc64d0ce2793" },
	{ "server_verify_sig",
	    "1deac8183ff0c72072ec27706abbcf79468becfa36c10a4d3255bb8d0d45a7fb"
	    "17c0265c5cce35b6da088e6ac173d11c6808001e960a7288bb7abeb784d44d08" },
	{ "server_verify",
	    "00000047050001000000401deac8183ff0c72072ec27706abbcf79468becfa36"
	    "c10a4d3255bb8d0d45a7fb17c0265c5cce35b6da088e6ac173d11c6808001e96"
	    "0a7288bb7abeb784d44d08" },
	{ "th_sv",
	    "9f94f4d3eb550d2f232c7374eddba478bee01ea32466d2ef127ce0c52dd54ae0" },
	{ "server_verify_record",
	    "0000005a170001a04c441895c24a0899893929e3df9393a52300f88d87443d39"
	    "33183a159239b6db194203c28e961c198ec2c834cc9063433f726fa7353788b7"
	    "6a3cba5991d011264751b0b024665d78ee465445bce8e62aab7239b6e962" },
	{ "server_finished_vd",
	    "360c11bf3cf5acf24c1bcfc1b7b3109eec5d67889bcfc53b6bcad496c95cdf16" },
	{ "server_finished",
	    "000000250600000020360c11bf3cf5acf24c1bcfc1b7b3109eec5d67889bcfc5"
	    "3b6bcad496c95cdf16" },
	{ "th_sf",
	    "d24b54f73f49e2483f1423186794a650b11f9068e1d3df5c5779ef2c2f6df9b4" },
	{ "client_identity",
	    "00000026070100000020020bd427446b723424d80d2cad352ba3df3649d0ef8f"
	    "aae0ca7eb25443941b29" },
	{ "th_ci",
	    "d1db45ed9320c77d3b5f46ebe4289134d4d17ad655e2fbc555c733a20dd645b6" },
	{ "client_verify_sig",
	    "8b6e89b98223ea6e3c656336017278d25ce0a3e758a7fbf70251415a6d420099"
	    "9e6d462126238d9fd3a4d767cacca725757b3af34622b496d1025db596679e09" },
	{ "client_verify",
	    "00000047080001000000408b6e89b98223ea6e3c656336017278d25ce0a3e758"
	    "a7fbf70251415a6d4200999e6d462126238d9fd3a4d767cacca725757b3af346"
	    "22b496d1025db596679e09" },
	{ "th_cv",
	    "f57fefbfe0296325a2f008d46d5f51d9f2e7f57eed8d5628194b47eb6c993027" },
	{ "client_finished_vd",
	    "93673e35ec41af660f7c1af084aa3aeeef10fc2613e8711a02a0d990f491fd3d" },
	{ "client_finished",
	    "00000025090000002093673e35ec41af660f7c1af084aa3aeeef10fc2613e871"
	    "1a02a0d990f491fd3d" },
	{ "th_cf",
	    "846793c307c403025d7e8bbc3afd5df92a55a9d0d26cb76f281993b3baa317d8" },
	{ "c_ap",
	    "3abe10e0e20943a8565dd855d8dc3753094bb57f00eaf0f8d3953e560b53501f" },
	{ "s_ap",
	    "ea96a57e0d7a8b8b1ab9275b421ae6107d0b9754aed74a1b8718cfc2f65456f4" },
	{ "c_blob",
	    "3ef64b7f893c8d0d0afcee1ee4fe18c45f4bb0c6770f8ba3748abdbc0dfd2434" },
	{ "s_blob",
	    "b607b3d47b478aeb3fcf9338485694610b19024a4b960d173d38fe2219c41350" },
	{ "c_ap_key",
	    "bf382066ea779330e31dbd39c29aa9a9833f76ba279880352853e521621ca331" },
	{ "c_ap_iv",
	    "0d7733145b29688859a05cc5" },
	{ "s_blob_key",
	    "b0161d6d53f0788cefc2992d1017939ad449aeb8fc6abbdb278832c2b30df7cd" },
	{ "s_blob_iv",
	    "24986a20cd928835bf59cf05" },
	{ "status_record",
	    "0000001817000159ef65721ba819690440d6dc8056fc8dac3f9d8164" },
	{ "blob",
	    "000100010000000000000000c304de72598403003071c25d60aa56ba2e92b423"
	    "fa42f0" },
	{ "store_key",
	    "c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0" },
	{ "store_key_kcv",
	    "13cdaa3d33e994ea" },
	{ "res",
	    "d5088cad8f221262786a7648277d723354a1bebfae1a7ccbc9533d0afddcec93" },
	{ "ticket_key_id",
	    "d1d2d3d4d5d6d7d8" },
	{ "ticket_key",
	    "e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff00" },
	{ "ticket_nonce",
	    "f1f2f3f4f5f6f7f8f9fafbfc" },
	{ "ticket_id",
	    "1112131415161718191a1b1c1d1e1f20" },
	{ "ticket",
	    "01d1d2d3d4d5d6d7d8f1f2f3f4f5f6f7f8f9fafbfc2e45e83d1dab3380835dcb"
	    "357743289f2c324ebbe538e805d823b5b35d393fdb21c8c8db70c556432f50c2"
	    "722acf43886dc2e7dd309ba12f4e764038927dd373605f1b90a700d60b8a93d6"
	    "21111339123bbf4f0cea638b0d5520e26b1bbe1033bc83e92107d90ac2c29200"
	    "3bcd835a1f55ee805c2bfafa2ad64a935cb246bf3057ec160279f33a69c9" },
	{ "binder",
	    "411898bf701e3368a97e7144caf6134785bc3c80d8bb7d0483815fa0ff22b0d9" },
	{ "resume_client_hello",
	    "00000118010001aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaa02000100020100010100010000002007a37cbc142093c8b755"
	    "dc1b10e86cb426374ad16aa853ed0bdfc0b2b86d1c7c0000009e01d1d2d3d4d5"
	    "d6d7d8f1f2f3f4f5f6f7f8f9fafbfc2e45e83d1dab3380835dcb357743289f2c"
	    "324ebbe538e805d823b5b35d393fdb21c8c8db70c556432f50c2722acf43886d"
	    "c2e7dd309ba12f4e764038927dd373605f1b90a700d60b8a93d621111339123b"
	    "bf4f0cea638b0d5520e26b1bbe1033bc83e92107d90ac2c292003bcd835a1f55"
	    "ee805c2bfafa2ad64a935cb246bf3057ec160279f33a69c900000020411898bf"
	    "701e3368a97e7144caf6134785bc3c80d8bb7d0483815fa0ff22b0d9" },
	{ "resume_verify_vd",
	    "55a23370ec9d659279fa8ed540e800aba10aedaa7a4d9350e6c512b3f1f6b780" },
};

static struct vectors computed;

/* Inputs (section 12 lists them too). */
static void
seq_bytes(u_char *p, size_t len, u_char first)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (u_char)(first + i);
}

static void
vec_add(struct vectors *vs, const char *label, const void *p, size_t len)
{
	struct vec *v;
	size_t i;

	for (i = 0; i < vs->n; i++)
		assert_string_not_equal(vs->v[i].label, label);
	assert_true(vs->n < VEC_MAX);
	v = &vs->v[vs->n++];
	v->label = label;
	assert_non_null(v->val = malloc(len));
	memcpy(v->val, p, len);
	v->len = len;
}

static void
vec_addb(struct vectors *vs, const char *label, const struct msbuf *b)
{
	vec_add(vs, label, msbuf_ptr(b), msbuf_len(b));
}

static const struct vec *
vec_find(const struct vectors *vs, const char *label)
{
	size_t i;

	for (i = 0; i < vs->n; i++) {
		if (strcmp(vs->v[i].label, label) == 0)
			return &vs->v[i];
	}
	return NULL;
}

static char *
to_hex(const u_char *p, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	char *s;
	size_t i;

	assert_non_null(s = malloc(len * 2 + 1));
	for (i = 0; i < len; i++) {
		s[2 * i] = digits[p[i] >> 4];
		s[2 * i + 1] = digits[p[i] & 0x0f];
	}
	s[len * 2] = '\0';
	return s;
}

static void
check_hex(const struct vec *v, const char *hex, const char *where)
{
	char *got = to_hex(v->val, v->len);

	if (strcmp(got, hex) != 0) {
		print_error("%s: %s\n  computed %s\n  expected %s\n", where,
		    v->label, got, hex);
		free(got);
		fail();
	}
	free(got);
}

static EVP_PKEY *
key_from(enum ms_keytype type, const u_char raw[32], u_char pub[32])
{
	EVP_PKEY *k = NULL;

	assert_int_equal(ms_pkey_from_raw_private(type, raw, 32, &k), 0);
	assert_int_equal(ms_pkey_raw_public(k, pub, 32), 0);
	return k;
}

/*
 * One in-record handshake message: adds its canonical encoding to the
 * transcript and to 'all', records it under 'label', returns TH after it.
 */
static void
hs_message(struct vectors *vs, const char *label, struct ms_transcript *t,
    struct msbuf *all, uint8_t type, const struct msbuf *body,
    u_char th[MS_SHA256_LEN])
{
	struct msbuf *enc;

	assert_non_null(enc = msbuf_new(4096));
	assert_int_equal(ms_frame_encode(enc, type, body), 0);
	assert_int_equal(ms_transcript_add(t, type, msbuf_ptr(body),
	    msbuf_len(body)), 0);
	assert_int_equal(msbuf_putb(all, enc), 0);
	assert_int_equal(ms_transcript_hash(t, th), 0);
	vec_addb(vs, label, enc);
	msbuf_free(enc);
}

static void
sign_body(EVP_PKEY *k, const char *context, const u_char th[MS_SHA256_LEN],
    const u_char pub[32], u_char sig[MS_ED25519_SIG_LEN], struct msbuf *body)
{
	u_char msg[128];
	size_t msglen;

	assert_int_equal(ms_sig_message(context, th, msg, sizeof(msg),
	    &msglen), 0);
	assert_int_equal(msglen, strlen(context) + 1 + MS_SHA256_LEN);
	assert_int_equal(ms_ed25519_sign(k, msg, msglen, sig), 0);
	assert_int_equal(ms_ed25519_verify(pub, msg, msglen, sig,
	    MS_ED25519_SIG_LEN), 0);
	msbuf_reset(body);
	assert_int_equal(msbuf_put_u16(body, MS_SIG_ED25519), 0);
	assert_int_equal(msbuf_put_string(body, sig, MS_ED25519_SIG_LEN), 0);
}

static void
dirkey_vec(struct vectors *vs, const char *klabel, const char *ivlabel,
    const u_char secret[MS_SHA256_LEN])
{
	struct ms_dirkey dk;

	assert_int_equal(ms_dirkey_derive(secret, &dk), 0);
	vec_add(vs, klabel, dk.key, sizeof(dk.key));
	vec_add(vs, ivlabel, dk.iv, sizeof(dk.iv));
	explicit_bzero(&dk, sizeof(dk));
}

/*
 * 12.6: the resumption secret of the 12.2 session, a ticket sealed for it
 * under fixed key, id and nonce, the resuming CLIENT_HELLO with its binder
 * and RESUME_VERIFY over 12.3's th_sf.
 */
static void
compute_resumption(struct vectors *vs, const u_char ss_s[32],
    const u_char th_sh[32], const u_char th_sf[32],
    const struct ms_client_hello *full, const struct msbuf *identity)
{
	u_char res[32], kid[MS_TICKET_KEY_ID_LEN], tkey[32];
	u_char nonce[MS_TICKET_NONCE_LEN], binder[32], vd[32];
	u_char plain[MS_TICKET_MAX];
	struct ms_client_hello *ch, *chp;
	struct ms_ticket_claims c, got;
	struct msbuf *tk, *p, *f;
	size_t span;

	assert_non_null(ch = calloc(1, sizeof(*ch)));
	assert_non_null(chp = calloc(1, sizeof(*chp)));
	assert_int_equal(ms_derive_resumption(ss_s, th_sh, res), 0);
	vec_add(vs, "res", res, 32);
	seq_bytes(kid, sizeof(kid), 0xd1);
	seq_bytes(tkey, sizeof(tkey), 0xe1);
	seq_bytes(nonce, sizeof(nonce), 0xf1);
	vec_add(vs, "ticket_key_id", kid, sizeof(kid));
	vec_add(vs, "ticket_key", tkey, sizeof(tkey));
	vec_add(vs, "ticket_nonce", nonce, sizeof(nonce));
	memset(&c, 0, sizeof(c));
	seq_bytes(c.id, sizeof(c.id), 0x11);
	vec_add(vs, "ticket_id", c.id, sizeof(c.id));
	c.issued = 1767225600;		/* 2026-01-01T00:00:00Z */
	c.lifetime = 3600;
	c.cipher = MS_CIPHER_AES256_GCM;
	memcpy(c.res, res, sizeof(res));
	strlcpy(c.principal, "admin", sizeof(c.principal));
	c.id_type = MS_ID_RAW_ED25519;
	c.identity = msbuf_ptr(identity);
	c.identity_len = msbuf_len(identity);
	assert_non_null(tk = msbuf_new(MS_TICKET_MAX));
	assert_int_equal(ms_tickets_seal_fixed(kid, tkey, nonce, &c, tk), 0);
	vec_addb(vs, "ticket", tk);
	/* The layout: header, then the claims and the tag. */
	assert_int_equal(msbuf_len(tk), MS_TICKET_HDR_LEN + 16 + 8 + 4 + 2 +
	    32 + 4 + 5 + 1 + 8 + 4 + 37 + MS_AEAD_TAG_LEN);
	assert_int_equal(ms_aead_open(MS_AEAD_AES256_GCM, tkey, nonce,
	    msbuf_ptr(tk), MS_TICKET_HDR_LEN, msbuf_ptr(tk) + MS_TICKET_HDR_LEN,
	    msbuf_len(tk) - MS_TICKET_HDR_LEN, plain), 0);
	(void)got;

	/* The resuming hello: 12.2's with the ticket, then the binder. */
	memcpy(ch, full, sizeof(*ch));
	ch->resume = 1;
	ch->ticket_len = msbuf_len(tk);
	memcpy(ch->ticket, msbuf_ptr(tk), ch->ticket_len);
	assert_non_null(p = msbuf_new(MS_HELLO_FRAME_MAX));
	assert_non_null(f = msbuf_new(MS_HELLO_FRAME_MAX + 4));
	assert_int_equal(ms_client_hello_put(p, ch), 0);
	assert_int_equal(ms_frame_encode(f, MS_FRAME_CLIENT_HELLO, p), 0);
	assert_int_equal(ms_client_hello_binder_span(msbuf_ptr(f),
	    msbuf_len(f), ch, &span), 0);
	assert_int_equal(span, msbuf_len(f) - 36);
	assert_int_equal(ms_resume_binder(res, msbuf_ptr(f), span, binder), 0);
	vec_add(vs, "binder", binder, 32);
	memcpy(ch->binder, binder, 32);
	msbuf_reset(p);
	msbuf_reset(f);
	assert_int_equal(ms_client_hello_put(p, ch), 0);
	assert_int_equal(ms_frame_encode(f, MS_FRAME_CLIENT_HELLO, p), 0);
	assert_int_equal(ms_client_hello_parse_frame(msbuf_ptr(f),
	    msbuf_len(f), chp), 0);
	assert_memory_equal(ch, chp, sizeof(*ch));
	vec_addb(vs, "resume_client_hello", f);
	assert_int_equal(ms_resume_verify_mac(res, th_sf, vd), 0);
	vec_add(vs, "resume_verify_vd", vd, 32);

	msbuf_free(tk);
	msbuf_free(p);
	msbuf_free(f);
	free(ch);
	free(chp);
}

static void
compute_all(struct vectors *vs)
{
	u_char c_eph[32], s_eph[32], h_kex[32], h_sig[32], c_sig[32];
	u_char c_eph_pub[32], s_eph_pub[32], h_kex_pub[32], h_sig_pub[32];
	u_char c_pub[32], ss_e[32], ss_e2[32], ss_s[32], ss_s2[32];
	u_char th_sh[32], th_sv[32], th_sf[32], th_ci[32], th_cv[32];
	u_char th_cf[32], th_all[32], st[32], vd[32], sig[64];
	u_char skey[MS_STORE_KEY_LEN], kcv[MS_STORE_KCV_LEN];
	char kcvstr[MS_STORE_KCV_STRLEN + 1];
	EVP_PKEY *kc_eph, *ks_eph, *kh_kex, *kh_sig, *kc_sig;
	struct ms_client_hello ch, chp;
	struct ms_server_hello sh, shp;
	struct ms_hs_secrets hs;
	struct ms_ap_secrets ap;
	struct ms_transcript *t;
	struct ms_record_dir rd, rx;
	struct ms_blob_ctx bc, bx;
	struct msbuf *p, *f, *all, *body, *out;
	uint8_t inner;
	uint32_t reqid;

	seq_bytes(c_eph, 32, 0x01);
	seq_bytes(s_eph, 32, 0x21);
	seq_bytes(h_kex, 32, 0x41);
	seq_bytes(h_sig, 32, 0x61);
	seq_bytes(c_sig, 32, 0x81);
	vec_add(vs, "client_eph_priv", c_eph, 32);
	vec_add(vs, "server_eph_priv", s_eph, 32);
	vec_add(vs, "host_kex_priv", h_kex, 32);
	vec_add(vs, "host_sig_seed", h_sig, 32);
	vec_add(vs, "client_sig_seed", c_sig, 32);

	kc_eph = key_from(MS_KEY_X25519, c_eph, c_eph_pub);
	ks_eph = key_from(MS_KEY_X25519, s_eph, s_eph_pub);
	kh_kex = key_from(MS_KEY_X25519, h_kex, h_kex_pub);
	kh_sig = key_from(MS_KEY_ED25519, h_sig, h_sig_pub);
	kc_sig = key_from(MS_KEY_ED25519, c_sig, c_pub);
	vec_add(vs, "client_share", c_eph_pub, 32);
	vec_add(vs, "server_share", s_eph_pub, 32);
	vec_add(vs, "host_kex_pub", h_kex_pub, 32);
	vec_add(vs, "host_sig_pub", h_sig_pub, 32);
	vec_add(vs, "client_pub", c_pub, 32);

	/* Hellos (4.1, 4.2): frames exactly as on the wire. */
	memset(&ch, 0, sizeof(ch));
	ch.version = MS_PROTO_VERSION;
	memset(ch.random, 0xaa, sizeof(ch.random));
	ch.ciphers.n = 2;
	ch.ciphers.ids[0] = MS_CIPHER_AES256_GCM;
	ch.ciphers.ids[1] = MS_CIPHER_CHACHA20_POLY1305;
	ch.kex.n = 1;
	ch.kex.ids[0] = MS_KEX_X25519_HYBRID;
	ch.sigs.n = 1;
	ch.sigs.ids[0] = MS_SIG_ED25519;
	memcpy(ch.share, c_eph_pub, 32);
	vec_add(vs, "client_random", ch.random, sizeof(ch.random));

	memset(&sh, 0, sizeof(sh));
	sh.version = MS_PROTO_VERSION;
	memset(sh.random, 0xbb, sizeof(sh.random));
	sh.cipher = MS_CIPHER_AES256_GCM;
	sh.kex = MS_KEX_X25519_HYBRID;
	sh.sig = MS_SIG_ED25519;
	memcpy(sh.share, s_eph_pub, 32);
	memcpy(sh.host_kex_pub, h_kex_pub, 32);
	memcpy(sh.host_sig_pub, h_sig_pub, 32);
	vec_add(vs, "server_random", sh.random, sizeof(sh.random));

	assert_non_null(t = ms_transcript_new());
	assert_non_null(all = msbuf_new(64 * 1024));
	assert_non_null(p = msbuf_new(4096));
	assert_non_null(f = msbuf_new(4096));
	assert_int_equal(ms_client_hello_put(p, &ch), 0);
	assert_int_equal(ms_frame_encode(f, MS_FRAME_CLIENT_HELLO, p), 0);
	assert_int_equal(ms_client_hello_parse_frame(msbuf_ptr(f),
	    msbuf_len(f), &chp), 0);
	assert_memory_equal(&ch, &chp, sizeof(ch));
	assert_int_equal(ms_transcript_add_raw(t, msbuf_ptr(f),
	    msbuf_len(f)), 0);
	assert_int_equal(msbuf_putb(all, f), 0);
	vec_addb(vs, "client_hello", f);
	msbuf_reset(p);
	msbuf_reset(f);
	assert_int_equal(ms_server_hello_put(p, &sh), 0);
	assert_int_equal(ms_frame_encode(f, MS_FRAME_SERVER_HELLO, p), 0);
	assert_int_equal(ms_server_hello_parse_frame(msbuf_ptr(f),
	    msbuf_len(f), &shp), 0);
	assert_memory_equal(&sh, &shp, sizeof(sh));
	assert_int_equal(ms_transcript_add_raw(t, msbuf_ptr(f),
	    msbuf_len(f)), 0);
	assert_int_equal(msbuf_putb(all, f), 0);
	vec_addb(vs, "server_hello", f);
	assert_int_equal(ms_transcript_hash(t, th_sh), 0);
	vec_add(vs, "th_sh", th_sh, 32);

	/* Secrets (5.3); each DH computed from both ends. */
	assert_int_equal(ms_x25519_derive(kc_eph, s_eph_pub, ss_e), 0);
	assert_int_equal(ms_x25519_derive(ks_eph, c_eph_pub, ss_e2), 0);
	assert_memory_equal(ss_e, ss_e2, 32);
	assert_int_equal(ms_x25519_derive(kc_eph, h_kex_pub, ss_s), 0);
	assert_int_equal(ms_x25519_derive(kh_kex, c_eph_pub, ss_s2), 0);
	assert_memory_equal(ss_s, ss_s2, 32);
	vec_add(vs, "ss_e", ss_e, 32);
	vec_add(vs, "ss_s", ss_s, 32);
	assert_int_equal(ms_derive_static(ss_s, th_sh, st), 0);
	vec_add(vs, "static", st, 32);
	assert_int_equal(ms_derive_handshake(st, ss_e, th_sh, &hs), 0);
	vec_add(vs, "hs", hs.hs, 32);
	vec_add(vs, "c_hs", hs.c_hs, 32);
	vec_add(vs, "s_hs", hs.s_hs, 32);
	vec_add(vs, "c_fin", hs.c_fin, 32);
	vec_add(vs, "s_fin", hs.s_fin, 32);
	dirkey_vec(vs, "s_hs_key", "s_hs_iv", hs.s_hs);
	dirkey_vec(vs, "c_hs_key", "c_hs_iv", hs.c_hs);

	/* SERVER_VERIFY (5.4), and the record that carries it (6). */
	assert_non_null(body = msbuf_new(4096));
	sign_body(kh_sig, MS_SIG_CONTEXT_SERVER, th_sh, h_sig_pub, sig, body);
	vec_add(vs, "server_verify_sig", sig, sizeof(sig));
	hs_message(vs, "server_verify", t, all, MS_MSG_SERVER_VERIFY, body,
	    th_sv);
	vec_add(vs, "th_sv", th_sv, 32);
	assert_int_equal(ms_record_dir_init(&rd, MS_AEAD_AES256_GCM,
	    hs.s_hs), 0);
	msbuf_reset(f);
	assert_int_equal(ms_record_seal(&rd, MS_MSG_SERVER_VERIFY, body, f),
	    0);
	vec_addb(vs, "server_verify_record", f);

	/* SERVER_FINISHED */
	assert_int_equal(ms_finished_mac(hs.s_fin, th_sv, vd), 0);
	vec_add(vs, "server_finished_vd", vd, 32);
	msbuf_reset(body);
	assert_int_equal(msbuf_put_string(body, vd, 32), 0);
	hs_message(vs, "server_finished", t, all, MS_MSG_SERVER_FINISHED,
	    body, th_sf);
	vec_add(vs, "th_sf", th_sf, 32);

	/* CLIENT_IDENTITY, CLIENT_VERIFY, CLIENT_FINISHED */
	msbuf_reset(body);
	assert_int_equal(msbuf_put_u8(body, MS_ID_RAW_ED25519), 0);
	assert_int_equal(msbuf_put_string(body, c_pub, 32), 0);
	hs_message(vs, "client_identity", t, all, MS_MSG_CLIENT_IDENTITY,
	    body, th_ci);
	vec_add(vs, "th_ci", th_ci, 32);
	sign_body(kc_sig, MS_SIG_CONTEXT_CLIENT, th_ci, c_pub, sig, body);
	vec_add(vs, "client_verify_sig", sig, sizeof(sig));
	hs_message(vs, "client_verify", t, all, MS_MSG_CLIENT_VERIFY, body,
	    th_cv);
	vec_add(vs, "th_cv", th_cv, 32);
	assert_int_equal(ms_finished_mac(hs.c_fin, th_cv, vd), 0);
	vec_add(vs, "client_finished_vd", vd, 32);
	msbuf_reset(body);
	assert_int_equal(msbuf_put_string(body, vd, 32), 0);
	hs_message(vs, "client_finished", t, all, MS_MSG_CLIENT_FINISHED,
	    body, th_cf);
	vec_add(vs, "th_cf", th_cf, 32);
	/* TH is plain SHA-256 over the concatenated canonical encodings. */
	assert_int_equal(ms_sha256(msbuf_ptr(all), msbuf_len(all), th_all), 0);
	assert_memory_equal(th_all, th_cf, 32);

	/* Application secrets. */
	assert_int_equal(ms_derive_application(hs.hs, th_cf, &ap), 0);
	vec_add(vs, "c_ap", ap.c_ap, 32);
	vec_add(vs, "s_ap", ap.s_ap, 32);
	vec_add(vs, "c_blob", ap.c_blob, 32);
	vec_add(vs, "s_blob", ap.s_blob, 32);
	dirkey_vec(vs, "c_ap_key", "c_ap_iv", ap.c_ap);
	dirkey_vec(vs, "s_blob_key", "s_blob_iv", ap.s_blob);

	/* STATUS request, request_id 1, client -> server, seq 0. */
	assert_int_equal(ms_record_dir_init(&rd, MS_AEAD_AES256_GCM,
	    ap.c_ap), 0);
	assert_int_equal(ms_record_dir_init(&rx, MS_AEAD_AES256_GCM,
	    ap.c_ap), 0);
	msbuf_reset(body);
	assert_int_equal(msbuf_put_u32(body, 1), 0);
	msbuf_reset(f);
	assert_int_equal(ms_record_seal(&rd, MS_MSG_STATUS, body, f), 0);
	vec_addb(vs, "status_record", f);
	assert_non_null(out = msbuf_new(MS_RECORD_PLAINTEXT_MAX));
	assert_int_equal(msbuf_consume(f, MS_FRAME_HEADER_LEN), 0);
	assert_int_equal(ms_record_open(&rx, f, &inner, out), 0);
	assert_int_equal(inner, MS_MSG_STATUS);
	assert_int_equal(msbuf_get_u32(out, &reqid), 0);
	assert_int_equal(reqid, 1);
	assert_int_equal(msbuf_len(out), 0);

	/* Crypto blob: GET of a SECURE record, server -> client, seq 0. */
	assert_int_equal(ms_blob_ctx_init(&bc, MS_AEAD_AES256_GCM,
	    MS_CIPHER_AES256_GCM, ap.s_blob, 1), 0);
	assert_int_equal(ms_blob_ctx_init(&bx, MS_AEAD_AES256_GCM,
	    MS_CIPHER_AES256_GCM, ap.s_blob, 1), 0);
	msbuf_reset(f);
	assert_int_equal(ms_blob_seal(&bc, "/demo", "password", 1,
	    (const u_char *)"hunter2", 7, f), 0);
	vec_addb(vs, "blob", f);
	/* Store key check value (section 13). */
	seq_bytes(skey, sizeof(skey), 0xc1);
	assert_int_equal(ms_store_key_kcv(skey, kcv), 0);
	vec_add(vs, "store_key", skey, sizeof(skey));
	vec_add(vs, "store_key_kcv", kcv, sizeof(kcv));
	msbuf_reset(body);
	assert_int_equal(msbuf_put_u8(body, MS_ID_RAW_ED25519), 0);
	assert_int_equal(msbuf_put_string(body, c_pub, 32), 0);
	compute_resumption(vs, ss_s, th_sh, th_sf, &ch, body);
	ms_store_kcv_format(kcv, kcvstr, sizeof(kcvstr));
	assert_string_equal(kcvstr, "KCV:13cdaa3d33e994ea");
	msbuf_reset(out);
	assert_int_equal(ms_blob_open(&bx, "/demo", "password", 1,
	    msbuf_ptr(f), msbuf_len(f), out), 0);
	assert_int_equal(msbuf_len(out), 7);
	assert_memory_equal(msbuf_ptr(out), "hunter2", 7);

	ms_record_dir_clear(&rd);
	ms_record_dir_clear(&rx);
	ms_blob_ctx_clear(&bc);
	ms_blob_ctx_clear(&bx);
	ms_hs_secrets_clear(&hs);
	ms_ap_secrets_clear(&ap);
	EVP_PKEY_free(kc_eph);
	EVP_PKEY_free(ks_eph);
	EVP_PKEY_free(kh_kex);
	EVP_PKEY_free(kh_sig);
	EVP_PKEY_free(kc_sig);
	ms_transcript_free(t);
	msbuf_free(all);
	msbuf_free(p);
	msbuf_free(f);
	msbuf_free(body);
	msbuf_free(out);
}

static int
setup(void **state)
{
	size_t i;
	char *hex;

	compute_all(&computed);
	if (getenv("MS_VECTORS_PRINT") != NULL) {
		for (i = 0; i < computed.n; i++) {
			hex = to_hex(computed.v[i].val, computed.v[i].len);
			printf("    %s = %s\n", computed.v[i].label, hex);
			free(hex);
		}
	}
	return 0;
}

static int
teardown(void **state)
{
	size_t i;

	for (i = 0; i < computed.n; i++)
		free(computed.v[i].val);
	computed.n = 0;
	return 0;
}

static void
test_hardcoded(void **state)
{
	const struct vec *v;
	size_t i;

	/* Every computed value is pinned, and nothing else is. */
	assert_int_equal(sizeof(expected) / sizeof(expected[0]), computed.n);
	for (i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		if ((v = vec_find(&computed, expected[i].label)) == NULL) {
			print_error("unknown label %s\n", expected[i].label);
			fail();
		}
		check_hex(v, expected[i].hex, "hard-coded");
	}
}

static FILE *
open_doc(void)
{
	char path[PATH_MAX], *dir;
	const char *e;
	FILE *fp;
	int i;

	if ((e = getenv("MS_SRCDIR")) != NULL) {
		snprintf(path, sizeof(path), "%s/%s", e, DOC_REL);
		if ((fp = fopen(path, "r")) != NULL)
			return fp;
	}
	if ((fp = fopen(DOC_REL, "r")) != NULL)
		return fp;
	/* Tests run from elsewhere: walk up from the build directory. */
	strlcpy(path, MS_BUILDDIR, sizeof(path));
	for (i = 0; i < 4; i++) {
		char try[PATH_MAX + sizeof(DOC_REL) + 2];

		if ((dir = strrchr(path, '/')) == NULL)
			break;
		*dir = '\0';
		snprintf(try, sizeof(try), "%s/%s", path, DOC_REL);
		if ((fp = fopen(try, "r")) != NULL)
			return fp;
	}
	return NULL;
}

/*
 * The next line of PROTOCOL.md inside the section whose heading starts
 * with section ("## 12. "); 0 at the end of the document.
 */
static int
section_line(FILE *fp, const char *section, int *inp, char **linep,
    size_t *capp)
{
	while (getline(linep, capp, fp) != -1) {
		if (strncmp(*linep, "## ", 3) == 0) {
			*inp = strncmp(*linep, section, strlen(section)) == 0;
			continue;
		}
		if (*inp)
			return 1;
	}
	return 0;
}

/* "    label = hex" -> label, hex (in place); 0 when the line is not one. */
static int
parse_vec_line(char *line, char **labelp, char **hexp)
{
	char *l, *eq, *h, *q;

	if (strncmp(line, "    ", 4) != 0)
		return 0;
	l = line + 4;
	if ((eq = strstr(l, " = ")) == NULL)
		return 0;
	*eq = '\0';
	h = eq + 3;
	h[strcspn(h, "\r\n")] = '\0';
	if (*l == '\0' || *h == '\0' || strlen(h) % 2 != 0)
		return 0;
	for (q = l; *q != '\0'; q++) {
		if (!((*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') ||
		    *q == '_'))
			return 0;
	}
	for (q = h; *q != '\0'; q++) {
		if (!((*q >= 'a' && *q <= 'f') || (*q >= '0' && *q <= '9')))
			return 0;
	}
	*labelp = l;
	*hexp = h;
	return 1;
}

static void
test_document(void **state)
{
	FILE *fp;
	char *line = NULL, *label, *hex;
	size_t cap = 0, i, nlines = 0;
	int in_section = 0, seen[VEC_MAX];
	const struct vec *v;

	if ((fp = open_doc()) == NULL) {
		print_error("cannot find %s (set MS_SRCDIR)\n", DOC_REL);
		fail();
	}
	memset(seen, 0, sizeof(seen));
	while (section_line(fp, DOC_SECTION, &in_section, &line, &cap)) {
		if (!parse_vec_line(line, &label, &hex))
			continue;
		if ((v = vec_find(&computed, label)) == NULL) {
			print_error("PROTOCOL.md: unknown label %s\n", label);
			fail();
		}
		check_hex(v, hex, "PROTOCOL.md section 12");
		seen[v - computed.v]++;
		nlines++;
	}
	free(line);
	fclose(fp);
	/* Each value appears exactly once in the document. */
	for (i = 0; i < computed.n; i++) {
		if (seen[i] != 1) {
			print_error("PROTOCOL.md: %s appears %d times\n",
			    computed.v[i].label, seen[i]);
			fail();
		}
	}
	assert_int_equal(nlines, computed.n);
}

/*
 * Section 10: each row's first number (or 2^N) is the constant named here,
 * and "path" also gives the segment cap.  A row without an entry fails,
 * so a limit cannot be added to the document without a check.
 */
static const struct {
	const char		*field;
	unsigned long long	 value;		/* 0: not a constant */
	unsigned long long	 second;	/* 0: none */
} doc_limits[] = {
	{ "frame length", MS_FRAME_MAX, 0 },
	{ "record plaintext", MS_RECORD_PLAINTEXT_MAX, 0 },
	{ "path", MS_PATH_MAX, MS_PATH_SEGMENT_MAX },
	{ "record name", MS_RECORD_NAME_MAX, 0 },
	{ "value (plaintext)", MS_VALUE_MAX, 0 },
	{ "principal / group / unit name", MS_PRINCIPAL_MAX, 0 },
	{ "rights string", MS_RIGHTS_MAX, 0 },
	{ "ACL entries per node / per SETACL", MS_ACL_ENTRIES_MAX, 0 },
	{ "LIST children / records returned", MS_LIST_MAX, 0 },
	{ "alert message", MS_ALERT_MSG_MAX, 0 },
	{ "algorithm lists", MS_ALG_LIST_MAX, 0 },
	{ "open handles per connection", MS_HANDLES_MAX, 0 },
	{ "records per key", MS_RECORDS_PER_KEY_MAX, 0 },
	{ "certificates per chain (SERVER_CERTIFICATE, CLIENT_IDENTITY)",
	    MS_CERTS_MAX, 0 },
	{ "one certificate, DER", MS_CERT_DER_MAX, 0 },
	{ "CLIENT_IDENTITY, canonical encoding", MS_CLIENT_IDENTITY_MAX, 0 },
	{ "CLIENT_VERIFY signature", MS_SIGNATURE_MAX, 0 },
	{ "ticket (CLIENT_HELLO, NEW_TICKET)", MS_TICKET_MAX, 0 },
	{ "used tickets remembered", MS_TICKET_REPLAY_MAX, 0 },
	{ "handshake duration", 0, 0 },
	{ "hello frame in DECAP / SIGN", MS_HELLO_FRAME_MAX, 0 },
	{ "AUTH transcript_tail", MS_AUTH_TAIL_MAX, 0 },
	{ "AUTH client_verify", MS_AUTH_CLIENT_VERIFY_MAX, 0 },
	{ "SERVER_CERTIFICATE (canonical) from HELLO",
	    MS_SERVER_CERT_MSG_MAX, MS_AUTH_TAIL_MAX },
	{ "worker log line", MS_LOG_LINE_MAX, 0 },
	{ "CONFIG version", MS_CONFIG_VERSION, 0 },
	{ "HANDOFF peer", MS_CONFIG_PEER_MAX, 0 },
	{ "CONFIG chroot_dir", MS_CONFIG_CHROOT_MAX, 0 },
};
#define NDOC_LIMITS	(sizeof(doc_limits) / sizeof(doc_limits[0]))

/* The next number in *sp ("2^N" is 2 to the N); 0 when there is none. */
static unsigned long long
next_number(const char **sp)
{
	const char *s = *sp;
	unsigned long long v = 0;

	while (*s != '\0' && !(*s >= '0' && *s <= '9'))
		s++;
	if (*s == '\0')
		return 0;
	for (; *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (unsigned long long)(*s - '0');
	if (*s == '^') {
		*sp = s + 1;
		return 1ULL << next_number(sp);
	}
	*sp = s;
	return v;
}

static void
test_document_limits(void **state)
{
	FILE *fp;
	char *line = NULL, *field, *max, *end;
	const char *p;
	size_t cap = 0, i;
	int in_section = 0, seen[NDOC_LIMITS];

	if ((fp = open_doc()) == NULL) {
		print_error("cannot find %s (set MS_SRCDIR)\n", DOC_REL);
		fail();
	}
	memset(seen, 0, sizeof(seen));
	while (section_line(fp, DOC_LIMITS_SECTION, &in_section, &line,
	    &cap)) {
		/* "| field | maximum |", not the header or the rule. */
		if (strncmp(line, "| ", 2) != 0 ||
		    strncmp(line, "| field |", 9) == 0)
			continue;
		field = line + 2;
		if ((max = strstr(field, " | ")) == NULL ||
		    (end = strstr(max + 3, " |")) == NULL) {
			fail_msg("PROTOCOL.md 10: bad row %s", line);
			continue;	/* not reached */
		}
		*max = '\0';
		max += 3;
		*end = '\0';
		for (i = 0; i < NDOC_LIMITS; i++)
			if (strcmp(field, doc_limits[i].field) == 0)
				break;
		if (i == NDOC_LIMITS)
			fail_msg("PROTOCOL.md 10: \"%s\" has no check", field);
		seen[i]++;
		if (doc_limits[i].value == 0)
			continue;
		p = max;
		if (next_number(&p) != doc_limits[i].value ||
		    (doc_limits[i].second != 0 &&
		    next_number(&p) != doc_limits[i].second))
			fail_msg("PROTOCOL.md 10: \"%s\" is \"%s\", "
			    "mslimits.h says %llu", field, max,
			    doc_limits[i].value);
	}
	free(line);
	fclose(fp);
	for (i = 0; i < NDOC_LIMITS; i++) {
		if (seen[i] != 1)
			fail_msg("PROTOCOL.md 10: \"%s\" appears %d times",
			    doc_limits[i].field, seen[i]);
	}
}

/* Split "| a | b | ... |" in place into at most n cells; their count. */
static size_t
table_cells(char *line, char **cells, size_t n)
{
	char *p = line, *bar;
	size_t i = 0;

	if (strncmp(p, "| ", 2) != 0)
		return 0;
	p += 2;
	while (i < n && (bar = strstr(p, " |")) != NULL) {
		*bar = '\0';
		cells[i++] = p;
		p = bar + 2;
		if (*p == ' ')
			p++;
	}
	return i;
}

/*
 * Section 3's order table, row by row, is common/hs_order.c's: name
 * (", optional" for MS_HSF_OPTIONAL), sender, keys, transcript, AUTH tail
 * and the receiver's cap ("the frame's" for MS_FRAME_MAX).
 */
static void
test_document_order(void **state)
{
	const struct ms_hs_msg *m;
	FILE *fp;
	char *line = NULL, *cell[8], name[64], want_keys[16];
	const char *p;
	size_t cap = 0, n, rows = 0;
	unsigned long long max;
	int in_section = 0;

	if ((fp = open_doc()) == NULL) {
		print_error("cannot find %s (set MS_SRCDIR)\n", DOC_REL);
		fail();
	}
	while (section_line(fp, DOC_ORDER_SECTION, &in_section, &line,
	    &cap)) {
		if ((n = table_cells(line, cell, 8)) != 7 ||
		    !(cell[0][0] >= '1' && cell[0][0] <= '9'))
			continue;
		if ((m = ms_hs_msg((enum ms_hs_msg_id)rows)) == NULL)
			fail_msg("PROTOCOL.md 3: row %s is one too many",
			    cell[0]);
		rows++;
		assert_int_equal(atoi(cell[0]), rows);
		snprintf(name, sizeof(name), "%s%s", m->name,
		    (m->flags & MS_HSF_OPTIONAL) ? ", optional" : "");
		assert_string_equal(cell[1], name);
		assert_string_equal(cell[2], m->from == MS_HS_CLIENT ?
		    "client" : "server");
		if (m->epoch == MS_HS_CLEAR)
			strlcpy(want_keys, "clear", sizeof(want_keys));
		else
			snprintf(want_keys, sizeof(want_keys), "`%c_%s`",
			    m->from == MS_HS_CLIENT ? 'c' : 's',
			    m->epoch == MS_HS_KEYS_HS ? "hs" : "ap");
		assert_string_equal(cell[3], want_keys);
		assert_string_equal(cell[4],
		    (m->flags & MS_HSF_TRANSCRIPT) ? "yes" : "—");
		assert_string_equal(cell[5],
		    (m->flags & MS_HSF_AUTH_TAIL) ? "yes" : "—");
		p = cell[6];
		max = strncmp(p, "the frame's", 11) == 0 ? MS_FRAME_MAX :
		    next_number(&p);
		if (max != m->max)
			fail_msg("PROTOCOL.md 3: %s takes \"%s\", hs_order.c "
			    "says %zu", m->name, cell[6], m->max);
		/* Which shape a row belongs to is said in its last cell. */
		if (((m->flags & MS_HSF_FULL) != 0) !=
		    (strstr(cell[6], "full handshake only") != NULL) ||
		    ((m->flags & MS_HSF_RESUMED) != 0) !=
		    (strstr(cell[6], "resumed only") != NULL))
			fail_msg("PROTOCOL.md 3: %s: shape not as hs_order.c",
			    m->name);
	}
	free(line);
	fclose(fp);
	assert_int_equal(rows, MS_HS_NMSGS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hardcoded),
		cmocka_unit_test(test_document),
		cmocka_unit_test(test_document_limits),
		cmocka_unit_test(test_document_order),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
