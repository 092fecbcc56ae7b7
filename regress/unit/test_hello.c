/*
 * test_hello.c — CLIENT_HELLO / SERVER_HELLO codec and negotiation
 * (PROTOCOL.md 4.1, 4.2).
 */
#include <sys/types.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "errors.h"
#include "frame.h"
#include "hello.h"
#include "proto.h"

static void
fill_ch(struct ms_client_hello *ch)
{
	size_t i;

	memset(ch, 0, sizeof(*ch));
	ch->version = MS_PROTO_VERSION;
	for (i = 0; i < sizeof(ch->random); i++)
		ch->random[i] = (u_char)(0xa0 + i);
	ch->ciphers.n = 2;
	ch->ciphers.ids[0] = MS_CIPHER_CHACHA20_POLY1305;
	ch->ciphers.ids[1] = MS_CIPHER_AES256_GCM;
	ch->kex.n = 1;
	ch->kex.ids[0] = MS_KEX_X25519_HYBRID;
	ch->sigs.n = 3;
	ch->sigs.ids[0] = 0x7777;
	ch->sigs.ids[1] = MS_SIG_ED25519;
	ch->sigs.ids[2] = 0x0102;
	for (i = 0; i < sizeof(ch->share); i++)
		ch->share[i] = (u_char)(0x10 + i);
}

static void
fill_sh(struct ms_server_hello *sh)
{
	size_t i;

	memset(sh, 0, sizeof(*sh));
	sh->version = MS_PROTO_VERSION;
	for (i = 0; i < sizeof(sh->random); i++)
		sh->random[i] = (u_char)(0xb0 + i);
	sh->cipher = MS_CIPHER_AES256_GCM;
	sh->kex = MS_KEX_X25519_HYBRID;
	sh->sig = MS_SIG_ED25519;
	for (i = 0; i < 32; i++) {
		sh->share[i] = (u_char)(0x20 + i);
		sh->host_kex_pub[i] = (u_char)(0x40 + i);
		sh->host_sig_pub[i] = (u_char)(0x60 + i);
	}
}

/* Encode a payload, then wrap it in its canonical frame. */
static struct msbuf *
frame_of(uint8_t type, const struct msbuf *payload)
{
	struct msbuf *f;

	assert_non_null(f = msbuf_new(MSBUF_SIZE_MAX));
	assert_int_equal(ms_frame_encode(f, type, payload), 0);
	return f;
}

static struct msbuf *
enc_ch(const struct ms_client_hello *ch)
{
	struct msbuf *b;

	assert_non_null(b = msbuf_new(4096));
	assert_int_equal(ms_client_hello_put(b, ch), 0);
	return b;
}

static struct msbuf *
enc_sh(const struct ms_server_hello *sh)
{
	struct msbuf *b;

	assert_non_null(b = msbuf_new(4096));
	assert_int_equal(ms_server_hello_put(b, sh), 0);
	return b;
}

static int
parse_ch_bytes(const u_char *p, size_t len, struct ms_client_hello *ch)
{
	struct msbuf *b;
	int r;

	assert_non_null(b = msbuf_from(p, len));
	r = ms_client_hello_parse(b, ch);
	msbuf_free(b);
	return r;
}

static int
parse_sh_bytes(const u_char *p, size_t len, struct ms_server_hello *sh)
{
	struct msbuf *b;
	int r;

	assert_non_null(b = msbuf_from(p, len));
	r = ms_server_hello_parse(b, sh);
	msbuf_free(b);
	return r;
}

static void
test_client_hello_roundtrip(void **state)
{
	struct ms_client_hello ch, got;
	struct msbuf *b;

	fill_ch(&ch);
	b = enc_ch(&ch);
	/* 2 + 32 + (1+4) + (1+2) + (1+6) + (4+32) */
	assert_int_equal(msbuf_len(b), 85);
	assert_int_equal(ms_client_hello_parse(b, &got), 0);
	assert_int_equal(msbuf_len(b), 0);
	assert_memory_equal(&ch, &got, sizeof(ch));
	msbuf_free(b);
}

static void
test_server_hello_roundtrip(void **state)
{
	struct ms_server_hello sh, got;
	struct msbuf *b;

	fill_sh(&sh);
	b = enc_sh(&sh);
	assert_int_equal(msbuf_len(b), 2 + 32 + 6 + 3 * 36);
	assert_int_equal(ms_server_hello_parse(b, &got), 0);
	assert_int_equal(msbuf_len(b), 0);
	assert_memory_equal(&sh, &got, sizeof(sh));
	msbuf_free(b);
}

static void
test_frame_roundtrip(void **state)
{
	struct ms_client_hello ch, gch;
	struct ms_server_hello sh, gsh;
	struct msbuf *p, *f;

	fill_ch(&ch);
	p = enc_ch(&ch);
	f = frame_of(MS_FRAME_CLIENT_HELLO, p);
	assert_int_equal(ms_client_hello_parse_frame(msbuf_ptr(f),
	    msbuf_len(f), &gch), 0);
	assert_memory_equal(&ch, &gch, sizeof(ch));
	msbuf_free(p);
	msbuf_free(f);

	fill_sh(&sh);
	p = enc_sh(&sh);
	f = frame_of(MS_FRAME_SERVER_HELLO, p);
	assert_int_equal(ms_server_hello_parse_frame(msbuf_ptr(f),
	    msbuf_len(f), &gsh), 0);
	assert_memory_equal(&sh, &gsh, sizeof(sh));
	msbuf_free(p);
	msbuf_free(f);
}

static void
test_other_version_parses(void **state)
{
	struct ms_client_hello ch, got;
	struct msbuf *b;

	fill_ch(&ch);
	ch.version = 0x0002;
	b = enc_ch(&ch);
	assert_int_equal(ms_client_hello_parse(b, &got), 0);
	assert_int_equal(got.version, 0x0002);
	msbuf_free(b);

	/* Another version with another layout: the version still shows. */
	assert_non_null(b = msbuf_new(64));
	assert_int_equal(msbuf_put_u16(b, 0x0003), 0);
	assert_int_equal(msbuf_put_u8(b, 0xff), 0);
	assert_int_not_equal(ms_client_hello_parse(b, &got), 0);
	assert_int_equal(got.version, 0x0003);
	assert_int_equal(got.ciphers.n, 0);
	msbuf_free(b);
	/* A valid v1 hello with a trailing byte reports version 1, fails. */
	fill_ch(&ch);
	b = enc_ch(&ch);
	assert_int_equal(msbuf_put_u8(b, 0), 0);
	assert_int_not_equal(ms_client_hello_parse(b, &got), 0);
	assert_int_equal(got.version, MS_PROTO_VERSION);
	msbuf_free(b);
}

static void
test_truncations_fail(void **state)
{
	struct ms_client_hello ch, gch;
	struct ms_server_hello sh, gsh;
	struct msbuf *b;
	size_t i;

	fill_ch(&ch);
	b = enc_ch(&ch);
	for (i = 0; i < msbuf_len(b); i++) {
		assert_int_not_equal(parse_ch_bytes(msbuf_ptr(b), i, &gch), 0);
		/* Nothing half-parsed is left behind. */
		assert_int_equal(gch.ciphers.n, 0);
	}
	msbuf_free(b);

	fill_sh(&sh);
	b = enc_sh(&sh);
	for (i = 0; i < msbuf_len(b); i++)
		assert_int_not_equal(parse_sh_bytes(msbuf_ptr(b), i, &gsh), 0);
	msbuf_free(b);
}

static void
test_trailing_byte_fails(void **state)
{
	struct ms_client_hello ch, gch;
	struct ms_server_hello sh, gsh;
	struct msbuf *b;

	fill_ch(&ch);
	b = enc_ch(&ch);
	assert_int_equal(msbuf_put_u8(b, 0), 0);
	assert_int_equal(ms_client_hello_parse(b, &gch), MS_ERR_INVALID_FORMAT);
	msbuf_free(b);

	fill_sh(&sh);
	b = enc_sh(&sh);
	assert_int_equal(msbuf_put_u8(b, 0), 0);
	assert_int_equal(ms_server_hello_parse(b, &gsh), MS_ERR_INVALID_FORMAT);
	msbuf_free(b);
}

/* Hand-built CLIENT_HELLO with a chosen cipher count and share length. */
static struct msbuf *
raw_ch(unsigned int n_ciphers, size_t sharelen)
{
	static const u_char rnd[MS_RANDOM_LEN], share[64];
	struct msbuf *b;
	unsigned int i;

	assert_non_null(b = msbuf_new(4096));
	assert_int_equal(msbuf_put_u16(b, MS_PROTO_VERSION), 0);
	assert_int_equal(msbuf_put(b, rnd, sizeof(rnd)), 0);
	assert_int_equal(msbuf_put_u8(b, (uint8_t)n_ciphers), 0);
	for (i = 0; i < n_ciphers; i++)
		assert_int_equal(msbuf_put_u16(b, (uint16_t)(i + 1)), 0);
	assert_int_equal(msbuf_put_u8(b, 1), 0);
	assert_int_equal(msbuf_put_u16(b, MS_KEX_X25519_HYBRID), 0);
	assert_int_equal(msbuf_put_u8(b, 1), 0);
	assert_int_equal(msbuf_put_u16(b, MS_SIG_ED25519), 0);
	assert_int_equal(msbuf_put_string(b, share, sharelen), 0);
	return b;
}

static void
test_list_bounds(void **state)
{
	struct ms_client_hello ch;
	struct msbuf *b;

	b = raw_ch(0, 32);
	assert_int_not_equal(ms_client_hello_parse(b, &ch), 0);
	msbuf_free(b);
	b = raw_ch(17, 32);
	assert_int_not_equal(ms_client_hello_parse(b, &ch), 0);
	msbuf_free(b);
	b = raw_ch(1, 32);
	assert_int_equal(ms_client_hello_parse(b, &ch), 0);
	msbuf_free(b);
	b = raw_ch(16, 32);
	assert_int_equal(ms_client_hello_parse(b, &ch), 0);
	assert_int_equal(ch.ciphers.n, 16);
	assert_int_equal(ch.ciphers.ids[15], 16);
	msbuf_free(b);

	/* The encoder refuses what the parser would refuse. */
	fill_ch(&ch);
	ch.kex.n = 0;
	assert_non_null(b = msbuf_new(4096));
	assert_int_not_equal(ms_client_hello_put(b, &ch), 0);
	fill_ch(&ch);
	ch.sigs.n = 17;
	msbuf_reset(b);
	assert_int_not_equal(ms_client_hello_put(b, &ch), 0);
	msbuf_free(b);
}

static void
test_share_length(void **state)
{
	struct ms_client_hello ch;
	struct ms_server_hello sh;
	struct msbuf *b, *c;
	size_t i;

	b = raw_ch(1, 31);
	assert_int_not_equal(ms_client_hello_parse(b, &ch), 0);
	msbuf_free(b);
	b = raw_ch(1, 33);
	assert_int_not_equal(ms_client_hello_parse(b, &ch), 0);
	msbuf_free(b);

	/* Each of the three SERVER_HELLO keys, one byte short or long. */
	fill_sh(&sh);
	for (i = 0; i < 3; i++) {
		static const u_char k[33];
		size_t j, klen;

		for (klen = 31; klen <= 33; klen += 2) {
			assert_non_null(c = msbuf_new(4096));
			assert_int_equal(msbuf_put_u16(c, sh.version), 0);
			assert_int_equal(msbuf_put(c, sh.random, 32), 0);
			assert_int_equal(msbuf_put_u16(c, sh.cipher), 0);
			assert_int_equal(msbuf_put_u16(c, sh.kex), 0);
			assert_int_equal(msbuf_put_u16(c, sh.sig), 0);
			for (j = 0; j < 3; j++) {
				assert_int_equal(msbuf_put_string(c, k,
				    j == i ? klen : 32), 0);
			}
			assert_int_not_equal(ms_server_hello_parse(c, &sh), 0);
			msbuf_free(c);
			fill_sh(&sh);
		}
	}
}

/* The alert a refused CLIENT_HELLO is owed (4.1). */
static void
check_status(struct msbuf *b, int want_ok, uint32_t want_status)
{
	struct ms_client_hello ch;
	const char *why;
	uint32_t status;
	size_t len = msbuf_len(b);
	int r;

	r = ms_client_hello_check(b, &ch, &status, &why);
	assert_int_equal(msbuf_len(b), len);		/* left as it was */
	assert_int_equal(status, want_status);
	if (want_ok) {
		assert_int_equal(r, 0);
		assert_null(why);
		assert_int_equal(ch.version, MS_PROTO_VERSION);
	} else {
		assert_int_not_equal(r, 0);
		assert_non_null(why);
	}
	msbuf_free(b);
}

static void
test_client_hello_check(void **state)
{
	struct msbuf *b, *c;

	check_status(raw_ch(1, 32), 1, MS_ST_OK);
	check_status(raw_ch(1, 31), 0, MS_ST_HANDSHAKE_FAILED);
	check_status(raw_ch(1, 33), 0, MS_ST_HANDSHAKE_FAILED);
	/* The share's length decides even where a list count is bad. */
	check_status(raw_ch(17, 31), 0, MS_ST_HANDSHAKE_FAILED);
	check_status(raw_ch(0, 32), 0, MS_ST_PROTOCOL_ERROR);
	/* A trailing byte after a good share. */
	b = raw_ch(1, 32);
	assert_int_equal(msbuf_put_u8(b, 0), 0);
	check_status(b, 0, MS_ST_PROTOCOL_ERROR);
	/* Truncated before the share's length. */
	b = raw_ch(1, 32);
	assert_int_equal(msbuf_consume_end(b, 4 + 32 + 1), 0);
	check_status(b, 0, MS_ST_PROTOCOL_ERROR);
	/* Another version wins over whatever follows it... */
	b = raw_ch(1, 31);
	assert_non_null(c = msbuf_new(4096));
	assert_int_equal(msbuf_put_u16(c, 2), 0);
	assert_int_equal(msbuf_consume(b, 2), 0);
	assert_int_equal(msbuf_putb(c, b), 0);
	msbuf_free(b);
	check_status(c, 0, MS_ST_VERSION_MISMATCH);
	/* ...but needs its two bytes. */
	assert_non_null(b = msbuf_new(16));
	assert_int_equal(msbuf_put_u8(b, 0), 0);
	check_status(b, 0, MS_ST_PROTOCOL_ERROR);
}

static void
test_negotiation(void **state)
{
	struct ms_alg_list server = { 2, { MS_CIPHER_AES256_GCM,
	    MS_CIPHER_CHACHA20_POLY1305 } };
	struct ms_alg_list offered = { 3, { 0x0999,
	    MS_CIPHER_CHACHA20_POLY1305, MS_CIPHER_AES256_GCM } };
	struct ms_alg_list only_unknown = { 2, { 0x0999, 0x0003 } };
	struct ms_alg_list only_chacha = { 1, { MS_CIPHER_CHACHA20_POLY1305 } };

	/* The server's preference wins over the client's order. */
	assert_int_equal(ms_alg_negotiate(&server, &offered),
	    MS_CIPHER_AES256_GCM);
	assert_int_equal(ms_alg_negotiate(&server, &only_chacha),
	    MS_CIPHER_CHACHA20_POLY1305);
	assert_int_equal(ms_alg_negotiate(&server, &only_unknown), 0);
	assert_int_equal(ms_alg_negotiate(&only_chacha, &offered),
	    MS_CIPHER_CHACHA20_POLY1305);
	assert_true(ms_alg_list_contains(&offered, 0x0999));
	assert_false(ms_alg_list_contains(&server, 0x0999));
}

static void
test_frame_header_mismatch(void **state)
{
	struct ms_client_hello ch, gch;
	struct ms_server_hello sh, gsh;
	struct msbuf *p, *f, *g;

	fill_ch(&ch);
	p = enc_ch(&ch);
	f = frame_of(MS_FRAME_CLIENT_HELLO, p);
	/* Wrong type: a CLIENT_HELLO is not a SERVER_HELLO and vice versa. */
	assert_int_not_equal(ms_server_hello_parse_frame(msbuf_ptr(f),
	    msbuf_len(f), &gsh), 0);
	g = frame_of(MS_FRAME_SERVER_HELLO, p);
	assert_int_not_equal(ms_client_hello_parse_frame(msbuf_ptr(g),
	    msbuf_len(g), &gch), 0);
	msbuf_free(g);
	g = frame_of(MS_FRAME_RECORD, p);
	assert_int_not_equal(ms_client_hello_parse_frame(msbuf_ptr(g),
	    msbuf_len(g), &gch), 0);
	msbuf_free(g);
	/* Length field one too large / too small. */
	assert_non_null(g = msbuf_new(4096));
	assert_int_equal(msbuf_put_u32(g, (uint32_t)msbuf_len(p) + 2), 0);
	assert_int_equal(msbuf_put_u8(g, MS_FRAME_CLIENT_HELLO), 0);
	assert_int_equal(msbuf_putb(g, p), 0);
	assert_int_not_equal(ms_client_hello_parse_frame(msbuf_ptr(g),
	    msbuf_len(g), &gch), 0);
	msbuf_reset(g);
	assert_int_equal(msbuf_put_u32(g, (uint32_t)msbuf_len(p)), 0);
	assert_int_equal(msbuf_put_u8(g, MS_FRAME_CLIENT_HELLO), 0);
	assert_int_equal(msbuf_putb(g, p), 0);
	assert_int_not_equal(ms_client_hello_parse_frame(msbuf_ptr(g),
	    msbuf_len(g), &gch), 0);
	msbuf_free(g);
	/* Shorter than a header; a frame with a trailing byte. */
	assert_int_not_equal(ms_client_hello_parse_frame(msbuf_ptr(f), 4,
	    &gch), 0);
	assert_int_not_equal(ms_client_hello_parse_frame(msbuf_ptr(f),
	    msbuf_len(f) - 1, &gch), 0);
	assert_int_equal(ms_client_hello_parse_frame(msbuf_ptr(f),
	    msbuf_len(f), &gch), 0);
	msbuf_free(f);
	msbuf_free(p);

	fill_sh(&sh);
	p = enc_sh(&sh);
	assert_int_equal(msbuf_put_u8(p, 0), 0);
	f = frame_of(MS_FRAME_SERVER_HELLO, p);
	assert_int_equal(ms_server_hello_parse_frame(msbuf_ptr(f),
	    msbuf_len(f), &gsh), MS_ERR_INVALID_FORMAT);
	msbuf_free(f);
	msbuf_free(p);
}

static void
test_status_str(void **state)
{
	unsigned int i;

	assert_string_equal(ms_status_str(MS_ST_OK), "OK");
	assert_string_equal(ms_status_str(MS_ST_AUTH_FAILED), "AUTH_FAILED");
	assert_string_equal(ms_status_str(MS_ST_SHUTTING_DOWN),
	    "SHUTTING_DOWN");
	for (i = 0; i <= MS_ST_MAX; i++) {
		assert_non_null(ms_status_str(i));
		assert_string_not_equal(ms_status_str(i), "UNKNOWN_STATUS");
	}
	assert_string_equal(ms_status_str(MS_ST_MAX + 1), "UNKNOWN_STATUS");
	assert_string_equal(ms_status_str(0xffffffffu), "UNKNOWN_STATUS");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_client_hello_roundtrip),
		cmocka_unit_test(test_server_hello_roundtrip),
		cmocka_unit_test(test_frame_roundtrip),
		cmocka_unit_test(test_other_version_parses),
		cmocka_unit_test(test_truncations_fail),
		cmocka_unit_test(test_trailing_byte_fails),
		cmocka_unit_test(test_list_bounds),
		cmocka_unit_test(test_share_length),
		cmocka_unit_test(test_client_hello_check),
		cmocka_unit_test(test_negotiation),
		cmocka_unit_test(test_frame_header_mismatch),
		cmocka_unit_test(test_status_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
