/*
 * test_buf.c — the bounded buffer and wire codec.
 */
#include <sys/types.h>

#include <malloc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "errors.h"

/*
 * buf.c frees its blocks through freezero(3); this one stands in for
 * libbsd's, records how much each call wiped and checks that every byte
 * past that was zero already: a wipe that stops short of the block must
 * not leave anything behind.
 */
#define WIPES_MAX	8
static size_t wiped[WIPES_MAX], nwiped;
static int tail_dirty;

void
freezero(void *p, size_t n)
{
	const u_char *c = p;
	size_t i, all;

	if (p == NULL)
		return;
	all = malloc_usable_size(p);
	for (i = n; i < all; i++)
		if (c[i] != 0)
			tail_dirty = 1;
	if (nwiped < WIPES_MAX)
		wiped[nwiped++] = n;
	explicit_bzero(p, n);
	free(p);
}

static void
wipes_reset(void)
{
	nwiped = 0;
	tail_dirty = 0;
}

static struct msbuf *
must_new(size_t max)
{
	struct msbuf *b = msbuf_new(max);

	assert_non_null(b);
	return b;
}

static void
test_new_limits(void **state)
{
	struct msbuf *b;

	assert_null(msbuf_new(0));
	assert_null(msbuf_new(MSBUF_SIZE_MAX + 1));
	assert_null(msbuf_new(SIZE_MAX));
	b = must_new(MSBUF_SIZE_MAX);
	assert_int_equal(msbuf_len(b), 0);
	assert_int_equal(msbuf_avail(b), MSBUF_SIZE_MAX);
	assert_int_equal(msbuf_max_size(b), MSBUF_SIZE_MAX);
	assert_non_null(msbuf_ptr(b));
	msbuf_free(b);
	msbuf_free(NULL);
}

static void
test_from(void **state)
{
	const u_char data[] = { 1, 2, 3, 4, 5 };
	struct msbuf *b;
	uint8_t v;

	b = msbuf_from(data, sizeof(data));
	assert_non_null(b);
	assert_int_equal(msbuf_len(b), sizeof(data));
	assert_memory_equal(msbuf_ptr(b), data, sizeof(data));
	assert_int_equal(msbuf_max_size(b), sizeof(data));
	assert_int_equal(msbuf_put_u8(b, 6), MS_ERR_NO_BUFFER_SPACE);
	/* Consumed space may be reused up to the cap. */
	assert_int_equal(msbuf_get_u8(b, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(msbuf_put_u8(b, 6), 0);
	assert_int_equal(msbuf_len(b), 5);
	assert_int_equal(msbuf_ptr(b)[0], 2);
	assert_int_equal(msbuf_ptr(b)[4], 6);
	msbuf_free(b);

	b = msbuf_from(NULL, 0);
	assert_non_null(b);
	assert_int_equal(msbuf_len(b), 0);
	msbuf_free(b);
	assert_null(msbuf_from(NULL, 3));
	assert_null(msbuf_from(data, MSBUF_SIZE_MAX + 1));
}

static void
test_int_roundtrip(void **state)
{
	struct msbuf *b = must_new(64);
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
	const u_char expect[] = {
		0xa5,
		0x12, 0x34,
		0xde, 0xad, 0xbe, 0xef,
		0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
		0x00, 0xff,
		0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};

	assert_int_equal(msbuf_put_u8(b, 0xa5), 0);
	assert_int_equal(msbuf_put_u16(b, 0x1234), 0);
	assert_int_equal(msbuf_put_u32(b, 0xdeadbeef), 0);
	assert_int_equal(msbuf_put_u64(b, 0x0123456789abcdefULL), 0);
	assert_int_equal(msbuf_put_u16(b, 0x00ff), 0);
	assert_int_equal(msbuf_put_u32(b, UINT32_MAX), 0);
	assert_int_equal(msbuf_put_u64(b, UINT64_MAX), 0);
	assert_int_equal(msbuf_len(b), sizeof(expect));
	/* Big-endian on the wire. */
	assert_memory_equal(msbuf_ptr(b), expect, sizeof(expect));

	assert_int_equal(msbuf_get_u8(b, &u8), 0);
	assert_int_equal(u8, 0xa5);
	assert_int_equal(msbuf_get_u16(b, &u16), 0);
	assert_int_equal(u16, 0x1234);
	assert_int_equal(msbuf_get_u32(b, &u32), 0);
	assert_int_equal(u32, 0xdeadbeef);
	assert_int_equal(msbuf_get_u64(b, &u64), 0);
	assert_true(u64 == 0x0123456789abcdefULL);
	assert_int_equal(msbuf_get_u16(b, &u16), 0);
	assert_int_equal(u16, 0x00ff);
	assert_int_equal(msbuf_get_u32(b, &u32), 0);
	assert_int_equal(u32, UINT32_MAX);
	assert_int_equal(msbuf_get_u64(b, &u64), 0);
	assert_true(u64 == UINT64_MAX);
	assert_int_equal(msbuf_len(b), 0);
	assert_int_equal(msbuf_get_u8(b, &u8), MS_ERR_MESSAGE_INCOMPLETE);
	msbuf_free(b);
}

static void
test_raw_roundtrip(void **state)
{
	struct msbuf *a = must_new(32), *b = must_new(32);
	u_char out[8];

	assert_int_equal(msbuf_put(a, "abcdefgh", 8), 0);
	assert_int_equal(msbuf_put(a, NULL, 0), 0);
	assert_int_equal(msbuf_put(a, NULL, 1), MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(msbuf_get(a, out, 3), 0);
	assert_memory_equal(out, "abc", 3);
	assert_int_equal(msbuf_putb(b, a), 0);
	assert_int_equal(msbuf_len(b), 5);
	assert_memory_equal(msbuf_ptr(b), "defgh", 5);
	/* Self-append doubles the unread part. */
	assert_int_equal(msbuf_putb(b, b), 0);
	assert_int_equal(msbuf_len(b), 10);
	assert_memory_equal(msbuf_ptr(b), "defghdefgh", 10);
	assert_int_equal(msbuf_get(b, NULL, 2), 0);
	assert_memory_equal(msbuf_ptr(b), "fghdefgh", 8);
	assert_int_equal(msbuf_get(b, out, 9), MS_ERR_MESSAGE_INCOMPLETE);
	assert_int_equal(msbuf_len(b), 8);
	assert_int_equal(msbuf_get(b, out, 8), 0);
	assert_memory_equal(out, "fghdefgh", 8);
	msbuf_free(a);
	msbuf_free(b);
}

static void
test_string_roundtrip(void **state)
{
	struct msbuf *b = must_new(256), *s = must_new(16), *d = must_new(16);
	const u_char bin[] = { 0, 1, 2, 0, 0xff };
	const u_char *dp;
	u_char *v, fixed[5];
	char *cs;
	size_t len;

	assert_int_equal(msbuf_put_string(b, bin, sizeof(bin)), 0);
	assert_int_equal(msbuf_put_cstring(b, "hello"), 0);
	assert_int_equal(msbuf_put_string(b, NULL, 0), 0);
	assert_int_equal(msbuf_put(s, "xyz", 3), 0);
	assert_int_equal(msbuf_put_stringb(b, s), 0);
	assert_int_equal(msbuf_put_string(b, bin, sizeof(bin)), 0);
	assert_int_equal(msbuf_put_cstring(b, "direct"), 0);
	assert_int_equal(msbuf_put_string(b, "q", 1), 0);
	assert_int_equal(msbuf_put_cstring(b, NULL), MS_ERR_INVALID_ARGUMENT);

	/* Layout: u32 BE length then bytes. */
	assert_memory_equal(msbuf_ptr(b), "\0\0\0\5\0\1\2\0\377", 9);

	assert_int_equal(msbuf_get_string(b, &v, &len, 5), 0);
	assert_int_equal(len, 5);
	assert_memory_equal(v, bin, 5);
	assert_int_equal(v[5], 0);
	free(v);
	assert_int_equal(msbuf_get_cstring(b, &cs, &len, 64), 0);
	assert_string_equal(cs, "hello");
	assert_int_equal(len, 5);
	free(cs);
	assert_int_equal(msbuf_get_string(b, &v, &len, 0), 0);
	assert_int_equal(len, 0);
	assert_non_null(v);
	assert_int_equal(v[0], 0);
	free(v);
	assert_int_equal(msbuf_get_stringb(b, d, 3), 0);
	assert_int_equal(msbuf_len(d), 3);
	assert_memory_equal(msbuf_ptr(d), "xyz", 3);
	assert_int_equal(msbuf_get_string_fixed(b, fixed, sizeof(fixed)), 0);
	assert_memory_equal(fixed, bin, sizeof(fixed));
	assert_int_equal(msbuf_get_string_direct(b, &dp, &len, 6), 0);
	assert_int_equal(len, 6);
	assert_memory_equal(dp, "direct", 6);
	/* NULL outputs just skip the string. */
	assert_int_equal(msbuf_get_string(b, NULL, NULL, 1), 0);
	assert_int_equal(msbuf_len(b), 0);
	msbuf_free(b);
	msbuf_free(s);
	msbuf_free(d);
}

/* Encode one of everything, for the truncation test. */
static struct msbuf *
encode_sample(void)
{
	struct msbuf *b = must_new(256);

	assert_int_equal(msbuf_put_u8(b, 7), 0);
	assert_int_equal(msbuf_put_u16(b, 0x1234), 0);
	assert_int_equal(msbuf_put_u32(b, 0x89abcdef), 0);
	assert_int_equal(msbuf_put_u64(b, 42), 0);
	assert_int_equal(msbuf_put_string(b, "binary\0data", 11), 0);
	assert_int_equal(msbuf_put_cstring(b, "a cstring"), 0);
	assert_int_equal(msbuf_put_string(b, "0123456789abcdef", 16), 0);
	assert_int_equal(msbuf_put_string(b, "direct", 6), 0);
	assert_int_equal(msbuf_put_string(b, "tobuf", 5), 0);
	return b;
}

/*
 * Decode the sample field by field; return 0 or the first error, checking
 * that a failing get left the buffer exactly as it was.
 */
static int
decode_sample(struct msbuf *b)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
	u_char *s = NULL, fixed[16];
	char *cs = NULL;
	const u_char *dp;
	struct msbuf *dst = must_new(64);
	size_t len, before;
	int r, step;

	for (step = 0; step < 9; step++) {
		before = msbuf_len(b);
		switch (step) {
		case 0:
			r = msbuf_get_u8(b, &u8);
			break;
		case 1:
			r = msbuf_get_u16(b, &u16);
			break;
		case 2:
			r = msbuf_get_u32(b, &u32);
			break;
		case 3:
			r = msbuf_get_u64(b, &u64);
			break;
		case 4:
			r = msbuf_get_string(b, &s, &len, 64);
			if (r != 0)
				assert_null(s);
			free(s);
			s = NULL;
			break;
		case 5:
			r = msbuf_get_cstring(b, &cs, &len, 64);
			if (r != 0)
				assert_null(cs);
			free(cs);
			cs = NULL;
			break;
		case 6:
			r = msbuf_get_string_fixed(b, fixed, sizeof(fixed));
			break;
		case 7:
			r = msbuf_get_string_direct(b, &dp, &len, 64);
			break;
		default:
			r = msbuf_get_stringb(b, dst, 64);
			if (r != 0)
				assert_int_equal(msbuf_len(dst), 0);
			break;
		}
		if (r != 0) {
			assert_int_equal(msbuf_len(b), before);
			msbuf_free(dst);
			return r;
		}
		assert_true(msbuf_len(b) < before);
	}
	assert_int_equal(msbuf_len(dst), 5);
	msbuf_free(dst);
	return 0;
}

static void
test_truncation_every_offset(void **state)
{
	struct msbuf *full = encode_sample(), *t;
	size_t n, total = msbuf_len(full);

	t = msbuf_from(msbuf_ptr(full), total);
	assert_non_null(t);
	assert_int_equal(decode_sample(t), 0);
	assert_int_equal(msbuf_len(t), 0);
	msbuf_free(t);
	for (n = 0; n < total; n++) {
		t = msbuf_from(msbuf_ptr(full), n);
		assert_non_null(t);
		assert_int_equal(decode_sample(t), MS_ERR_MESSAGE_INCOMPLETE);
		msbuf_free(t);
	}
	msbuf_free(full);
}

static void
test_string_oversize_prefix(void **state)
{
	const u_char huge[] = { 0xff, 0xff, 0xff, 0xff, 'x' };
	const u_char big[] = { 0x00, 0x00, 0x01, 0x00, 'x' };	/* 256 */
	struct msbuf *b, *d = must_new(1024);
	const u_char *dp;
	u_char *v = (u_char *)"sentinel";
	char *cs = (char *)"sentinel";
	size_t len = 99;

	b = msbuf_from(huge, sizeof(huge));
	assert_non_null(b);
	/* Rejected on the prefix alone, not by trying to allocate 4 GiB. */
	assert_int_equal(msbuf_get_string(b, &v, &len, MSBUF_SIZE_MAX),
	    MS_ERR_STRING_TOO_LARGE);
	assert_null(v);
	assert_int_equal(len, 0);
	assert_int_equal(msbuf_get_cstring(b, &cs, NULL, 1024),
	    MS_ERR_STRING_TOO_LARGE);
	assert_null(cs);
	assert_int_equal(msbuf_get_string_direct(b, &dp, NULL, 1024),
	    MS_ERR_STRING_TOO_LARGE);
	assert_int_equal(msbuf_get_stringb(b, d, 1024), MS_ERR_STRING_TOO_LARGE);
	assert_int_equal(msbuf_len(b), sizeof(huge));
	msbuf_free(b);

	/* Cap below the prefix: too large; cap above: merely incomplete. */
	b = msbuf_from(big, sizeof(big));
	assert_non_null(b);
	assert_int_equal(msbuf_get_string(b, &v, NULL, 255),
	    MS_ERR_STRING_TOO_LARGE);
	assert_int_equal(msbuf_get_string(b, &v, NULL, 256),
	    MS_ERR_MESSAGE_INCOMPLETE);
	assert_int_equal(msbuf_len(b), sizeof(big));
	msbuf_free(b);
	msbuf_free(d);
}

static void
test_cstring_nul(void **state)
{
	struct msbuf *b = must_new(64);
	char *cs = (char *)"sentinel";
	u_char *v;
	size_t len;

	assert_int_equal(msbuf_put_string(b, "ab\0cd", 5), 0);
	assert_int_equal(msbuf_get_cstring(b, &cs, &len, 64),
	    MS_ERR_STRING_HAS_NUL);
	assert_null(cs);
	assert_int_equal(msbuf_len(b), 9);
	/* The same bytes are fine as a binary string. */
	assert_int_equal(msbuf_get_string(b, &v, &len, 64), 0);
	assert_int_equal(len, 5);
	free(v);
	/* A trailing NUL counts too. */
	assert_int_equal(msbuf_put_string(b, "abc\0", 4), 0);
	assert_int_equal(msbuf_get_cstring(b, &cs, NULL, 64),
	    MS_ERR_STRING_HAS_NUL);
	msbuf_free(b);
}

static void
test_string_fixed(void **state)
{
	struct msbuf *b = must_new(64);
	u_char v[4];

	assert_int_equal(msbuf_put_string(b, "abc", 3), 0);
	assert_int_equal(msbuf_get_string_fixed(b, v, 4), MS_ERR_INVALID_FORMAT);
	assert_int_equal(msbuf_get_string_fixed(b, v, 2), MS_ERR_INVALID_FORMAT);
	assert_int_equal(msbuf_len(b), 7);
	assert_int_equal(msbuf_get_string_fixed(b, v, 3), 0);
	assert_memory_equal(v, "abc", 3);
	assert_int_equal(msbuf_len(b), 0);
	msbuf_free(b);
}

static void
test_stringb_no_room(void **state)
{
	struct msbuf *b = must_new(64), *d = must_new(4);

	assert_int_equal(msbuf_put_string(b, "12345", 5), 0);
	assert_int_equal(msbuf_get_stringb(b, d, 64), MS_ERR_NO_BUFFER_SPACE);
	assert_int_equal(msbuf_len(b), 9);
	assert_int_equal(msbuf_len(d), 0);
	assert_int_equal(msbuf_get_stringb(b, b, 64), MS_ERR_INVALID_ARGUMENT);
	msbuf_free(b);
	msbuf_free(d);
}

static void
test_peek(void **state)
{
	struct msbuf *b = must_new(16);
	uint8_t u8;
	uint32_t u32;

	assert_int_equal(msbuf_put(b, "\x01\x02\x03\x04\x05\x06", 6), 0);
	assert_int_equal(msbuf_peek_u8(b, 0, &u8), 0);
	assert_int_equal(u8, 1);
	assert_int_equal(msbuf_peek_u8(b, 5, &u8), 0);
	assert_int_equal(u8, 6);
	assert_int_equal(msbuf_peek_u8(b, 6, &u8), MS_ERR_MESSAGE_INCOMPLETE);
	assert_int_equal(msbuf_peek_u32(b, 2, &u32), 0);
	assert_int_equal(u32, 0x03040506);
	assert_int_equal(msbuf_peek_u32(b, 3, &u32), MS_ERR_MESSAGE_INCOMPLETE);
	assert_int_equal(msbuf_peek_u32(b, SIZE_MAX - 1, &u32),
	    MS_ERR_MESSAGE_INCOMPLETE);
	assert_int_equal(msbuf_peek_u8(b, SIZE_MAX, &u8),
	    MS_ERR_MESSAGE_INCOMPLETE);
	assert_int_equal(msbuf_len(b), 6);
	/* Offsets are relative to the first unread byte. */
	assert_int_equal(msbuf_consume(b, 1), 0);
	assert_int_equal(msbuf_peek_u32(b, 0, &u32), 0);
	assert_int_equal(u32, 0x02030405);
	msbuf_free(b);
}

/* The wider buffer peeks: exact fit, one short, offset overflow. */
static void
test_peek_wide(void **state)
{
	struct msbuf *b = must_new(16);
	u_char raw[4];
	uint16_t u16;
	uint64_t u64;

	assert_int_equal(msbuf_put(b, "\x01\x02\x03\x04\x05\x06\x07\x08\x09",
	    9), 0);
	assert_int_equal(msbuf_peek_u16(b, 7, &u16), 0);
	assert_int_equal(u16, 0x0809);
	assert_int_equal(msbuf_peek_u16(b, 8, &u16), MS_ERR_MESSAGE_INCOMPLETE);
	assert_int_equal(msbuf_peek_u64(b, 1, &u64), 0);
	assert_true(u64 == 0x0203040506070809ULL);
	assert_int_equal(msbuf_peek_u64(b, 2, &u64), MS_ERR_MESSAGE_INCOMPLETE);
	assert_int_equal(msbuf_peek_u64(b, SIZE_MAX - 7, &u64),
	    MS_ERR_MESSAGE_INCOMPLETE);
	assert_int_equal(msbuf_peek_u16(b, SIZE_MAX, &u16),
	    MS_ERR_MESSAGE_INCOMPLETE);
	assert_int_equal(msbuf_peek(b, 5, raw, 4), 0);
	assert_memory_equal(raw, "\x06\x07\x08\x09", 4);
	assert_int_equal(msbuf_peek(b, 6, raw, 4), MS_ERR_MESSAGE_INCOMPLETE);
	assert_int_equal(msbuf_peek(b, SIZE_MAX, raw, 2),
	    MS_ERR_MESSAGE_INCOMPLETE);
	assert_int_equal(msbuf_peek(b, 9, NULL, 0), 0);
	assert_int_equal(msbuf_peek(NULL, 0, raw, 1), MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(msbuf_len(b), 9);	/* nothing consumed */
	msbuf_free(b);
}

/* ms_peek_* on caller memory: every width, at and past the end. */
static void
test_mem_peek(void **state)
{
	static const u_char m[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	uint8_t u8 = 0xee;
	uint16_t u16 = 0xeeee;
	uint32_t u32 = 0xeeeeeeee;
	uint64_t u64 = 0;

	assert_int_equal(ms_peek_u8(m, sizeof(m), 8, &u8), 0);
	assert_int_equal(u8, 9);
	assert_int_equal(ms_peek_u16(m, sizeof(m), 7, &u16), 0);
	assert_int_equal(u16, 0x0809);
	assert_int_equal(ms_peek_u32(m, sizeof(m), 5, &u32), 0);
	assert_int_equal(u32, 0x06070809);
	assert_int_equal(ms_peek_u64(m, sizeof(m), 1, &u64), 0);
	assert_true(u64 == 0x0203040506070809ULL);
	/* One short: nothing is written to the result. */
	u8 = 0xee;
	assert_int_equal(ms_peek_u8(m, sizeof(m), 9, &u8),
	    MS_ERR_MESSAGE_INCOMPLETE);
	assert_int_equal(u8, 0xee);
	assert_int_equal(ms_peek_u16(m, sizeof(m), 8, &u16),
	    MS_ERR_MESSAGE_INCOMPLETE);
	assert_int_equal(u16, 0x0809);
	assert_int_equal(ms_peek_u32(m, sizeof(m), 6, &u32),
	    MS_ERR_MESSAGE_INCOMPLETE);
	assert_int_equal(ms_peek_u64(m, sizeof(m), 2, &u64),
	    MS_ERR_MESSAGE_INCOMPLETE);
	/* off + size wrapping around SIZE_MAX. */
	assert_int_equal(ms_peek_u32(m, sizeof(m), SIZE_MAX - 2, &u32),
	    MS_ERR_MESSAGE_INCOMPLETE);
	assert_int_equal(ms_peek_u64(m, SIZE_MAX, SIZE_MAX - 3, &u64),
	    MS_ERR_MESSAGE_INCOMPLETE);
	assert_int_equal(ms_peek_u8(m, 0, 0, &u8), MS_ERR_MESSAGE_INCOMPLETE);
	assert_int_equal(ms_peek_u8(NULL, 1, 0, &u8), MS_ERR_INVALID_ARGUMENT);
	/* A NULL result only checks the bounds. */
	assert_int_equal(ms_peek_u32(m, sizeof(m), 0, NULL), 0);
}

/* ms_poke_*: big-endian, exact fit, one short leaves memory untouched. */
static void
test_mem_poke(void **state)
{
	u_char d[9], z[9];

	memset(d, 0xaa, sizeof(d));
	memset(z, 0xaa, sizeof(z));
	assert_int_equal(ms_poke_u64(d, sizeof(d), 1, 0x0102030405060708ULL),
	    0);
	assert_memory_equal(d, "\xaa\x01\x02\x03\x04\x05\x06\x07\x08", 9);
	assert_int_equal(ms_poke_u32(d, sizeof(d), 5, 0xdeadbeef), 0);
	assert_int_equal(ms_poke_u16(d, sizeof(d), 0, 0x1234), 0);
	assert_int_equal(ms_poke_u8(d, sizeof(d), 8, 0x7f), 0);
	assert_memory_equal(d, "\x12\x34\x02\x03\x04\xde\xad\xbe\x7f", 9);

	memset(d, 0xaa, sizeof(d));
	assert_int_equal(ms_poke_u8(d, sizeof(d), 9, 1), MS_ERR_NO_BUFFER_SPACE);
	assert_int_equal(ms_poke_u16(d, sizeof(d), 8, 1),
	    MS_ERR_NO_BUFFER_SPACE);
	assert_int_equal(ms_poke_u32(d, sizeof(d), 6, 1),
	    MS_ERR_NO_BUFFER_SPACE);
	assert_int_equal(ms_poke_u64(d, sizeof(d), 2, 1),
	    MS_ERR_NO_BUFFER_SPACE);
	assert_int_equal(ms_poke_u32(d, sizeof(d), SIZE_MAX - 1, 1),
	    MS_ERR_NO_BUFFER_SPACE);
	assert_int_equal(ms_poke_u64(d, SIZE_MAX, SIZE_MAX - 3, 1),
	    MS_ERR_NO_BUFFER_SPACE);
	assert_int_equal(ms_poke(d, sizeof(d), 5, "abcde", 5),
	    MS_ERR_NO_BUFFER_SPACE);
	assert_int_equal(ms_poke(d, sizeof(d), SIZE_MAX, "ab", 2),
	    MS_ERR_NO_BUFFER_SPACE);
	assert_memory_equal(d, z, sizeof(d));	/* no partial write */

	assert_int_equal(ms_poke(d, sizeof(d), 5, "abcd", 4), 0);
	assert_int_equal(ms_poke(d, sizeof(d), 9, NULL, 0), 0);
	assert_memory_equal(d + 5, "abcd", 4);
	assert_int_equal(ms_poke(d, sizeof(d), 0, NULL, 1),
	    MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(ms_poke_u8(NULL, 1, 0, 1), MS_ERR_INVALID_ARGUMENT);
}

static void
test_consume(void **state)
{
	struct msbuf *b = must_new(16);

	assert_int_equal(msbuf_put(b, "abcdef", 6), 0);
	assert_int_equal(msbuf_consume(b, 7), MS_ERR_MESSAGE_INCOMPLETE);
	assert_int_equal(msbuf_consume(b, SIZE_MAX), MS_ERR_MESSAGE_INCOMPLETE);
	assert_int_equal(msbuf_consume_end(b, 7), MS_ERR_MESSAGE_INCOMPLETE);
	assert_int_equal(msbuf_consume_end(b, SIZE_MAX),
	    MS_ERR_MESSAGE_INCOMPLETE);
	assert_int_equal(msbuf_len(b), 6);
	assert_int_equal(msbuf_consume(b, 2), 0);
	assert_int_equal(msbuf_consume_end(b, 1), 0);
	assert_int_equal(msbuf_len(b), 3);
	assert_memory_equal(msbuf_ptr(b), "cde", 3);
	assert_int_equal(msbuf_consume_end(b, 4), MS_ERR_MESSAGE_INCOMPLETE);
	assert_int_equal(msbuf_consume(b, 3), 0);
	assert_int_equal(msbuf_len(b), 0);
	assert_int_equal(msbuf_consume(b, 0), 0);
	assert_int_equal(msbuf_consume(b, 1), MS_ERR_MESSAGE_INCOMPLETE);
	msbuf_free(b);
}

static void
test_reserve_and_cap(void **state)
{
	struct msbuf *b = must_new(1000);
	u_char *p;
	size_t i;

	assert_int_equal(msbuf_reserve(b, 1001, &p), MS_ERR_NO_BUFFER_SPACE);
	assert_null(p);
	assert_int_equal(msbuf_reserve(b, SIZE_MAX, &p), MS_ERR_NO_BUFFER_SPACE);
	assert_int_equal(msbuf_len(b), 0);
	assert_int_equal(msbuf_reserve(b, 600, &p), 0);
	assert_non_null(p);
	for (i = 0; i < 600; i++)
		assert_int_equal(p[i], 0);
	memset(p, 'A', 600);
	assert_int_equal(msbuf_len(b), 600);
	assert_int_equal(msbuf_avail(b), 400);
	/* Puts that would pass the cap fail and change nothing. */
	assert_int_equal(msbuf_put(b, p, 401), MS_ERR_NO_BUFFER_SPACE);
	assert_int_equal(msbuf_put_string(b, p, 397), MS_ERR_NO_BUFFER_SPACE);
	assert_int_equal(msbuf_len(b), 600);
	assert_int_equal(msbuf_reserve(b, 396, NULL), 0);
	assert_int_equal(msbuf_put_u32(b, 1), 0);
	assert_int_equal(msbuf_avail(b), 0);
	assert_int_equal(msbuf_put_u8(b, 1), MS_ERR_NO_BUFFER_SPACE);
	assert_int_equal(msbuf_put_u16(b, 1), MS_ERR_NO_BUFFER_SPACE);
	assert_int_equal(msbuf_put_u32(b, 1), MS_ERR_NO_BUFFER_SPACE);
	assert_int_equal(msbuf_put_u64(b, 1), MS_ERR_NO_BUFFER_SPACE);
	assert_int_equal(msbuf_put_cstring(b, ""), MS_ERR_NO_BUFFER_SPACE);
	assert_int_equal(msbuf_len(b), 1000);
	/* Consuming frees room; compaction keeps the unread bytes. */
	assert_int_equal(msbuf_consume(b, 599), 0);
	assert_int_equal(msbuf_put(b, "tail", 4), 0);
	assert_int_equal(msbuf_len(b), 405);
	assert_int_equal(msbuf_ptr(b)[0], 'A');
	assert_memory_equal(msbuf_ptr(b) + 401, "tail", 4);
	msbuf_reset(b);
	assert_int_equal(msbuf_len(b), 0);
	assert_int_equal(msbuf_avail(b), 1000);
	msbuf_free(b);
}

static void
test_grow_large(void **state)
{
	struct msbuf *b = must_new(MSBUF_SIZE_MAX);
	u_char chunk[4096];
	size_t i;
	uint32_t v;

	for (i = 0; i < sizeof(chunk); i++)
		chunk[i] = (u_char)i;
	for (i = 0; i < MSBUF_SIZE_MAX / sizeof(chunk); i++)
		assert_int_equal(msbuf_put(b, chunk, sizeof(chunk)), 0);
	assert_int_equal(msbuf_len(b), MSBUF_SIZE_MAX);
	assert_int_equal(msbuf_put_u8(b, 0), MS_ERR_NO_BUFFER_SPACE);
	assert_int_equal(msbuf_peek_u32(b, MSBUF_SIZE_MAX - 4, &v), 0);
	assert_int_equal(v, 0xfcfdfeff);
	msbuf_free(b);
}

static void
test_dup(void **state)
{
	struct msbuf *b = must_new(100), *d;

	assert_int_equal(msbuf_put(b, "0123456789", 10), 0);
	assert_int_equal(msbuf_consume(b, 4), 0);
	d = msbuf_dup(b);
	assert_non_null(d);
	assert_int_equal(msbuf_len(d), 6);
	assert_int_equal(msbuf_max_size(d), 100);
	assert_memory_equal(msbuf_ptr(d), "456789", 6);
	/* Independent copies. */
	assert_int_equal(msbuf_put_u8(d, 'x'), 0);
	assert_int_equal(msbuf_len(b), 6);
	assert_int_equal(msbuf_avail(d), 93);
	msbuf_free(d);
	assert_null(msbuf_dup(NULL));
	msbuf_reset(b);
	d = msbuf_dup(b);
	assert_non_null(d);
	assert_int_equal(msbuf_len(d), 0);
	assert_int_equal(msbuf_max_size(d), 100);
	msbuf_free(d);
	msbuf_free(b);
}

static void
test_stringb_self(void **state)
{
	struct msbuf *b = must_new(64);
	size_t len;
	u_char *v;

	assert_int_equal(msbuf_put(b, "abc", 3), 0);
	assert_int_equal(msbuf_put_stringb(b, b), 0);
	assert_int_equal(msbuf_len(b), 10);
	assert_int_equal(msbuf_consume(b, 3), 0);
	assert_int_equal(msbuf_get_string(b, &v, &len, 3), 0);
	assert_int_equal(len, 3);
	assert_memory_equal(v, "abc", 3);
	free(v);
	msbuf_free(b);
}

/* A name as a view: NUL-free, capped; and the end-of-message check. */
static void
test_cstring_direct(void **state)
{
	struct msbuf *b;
	const char *p;
	size_t len;

	(void)state;
	assert_non_null(b = msbuf_new(64));
	assert_int_equal(msbuf_put_cstring(b, "name"), 0);
	assert_int_equal(msbuf_put_string(b, "a\0b", 3), 0);
	assert_int_equal(msbuf_put_cstring(b, "toolong"), 0);
	assert_int_equal(msbuf_get_cstring_direct(b, &p, &len, 8), 0);
	assert_int_equal(len, 4);
	assert_memory_equal(p, "name", 4);
	assert_int_equal(msbuf_expect_end(b), MS_ERR_INVALID_FORMAT);
	assert_int_equal(msbuf_get_cstring_direct(b, &p, &len, 8),
	    MS_ERR_STRING_HAS_NUL);
	assert_null(p);
	assert_int_equal(msbuf_consume(b, 4 + 3), 0);
	assert_int_equal(msbuf_get_cstring_direct(b, &p, &len, 3),
	    MS_ERR_STRING_TOO_LARGE);
	assert_int_equal(msbuf_get_cstring_direct(b, NULL, NULL, 7), 0);
	assert_int_equal(msbuf_expect_end(b), 0);
	msbuf_free(b);
}

/* Consumed bytes are gone from the block at once; unread ones are kept. */
static void
test_wipe_consumed(void **state)
{
	static const u_char secret[] = "SECRET-VALUE", rest[] = "next";
	struct msbuf *b;
	const u_char *base;
	size_t i;

	(void)state;
	assert_non_null(b = msbuf_new(256));
	assert_int_equal(msbuf_put(b, secret, sizeof(secret) - 1), 0);
	assert_int_equal(msbuf_put(b, rest, sizeof(rest) - 1), 0);
	base = msbuf_ptr(b);
	assert_int_equal(msbuf_consume(b, sizeof(secret) - 1), 0);
	msbuf_wipe_consumed(b);
	assert_ptr_equal(msbuf_ptr(b), base);	/* unread moved to the front */
	assert_int_equal(msbuf_len(b), sizeof(rest) - 1);
	assert_memory_equal(msbuf_ptr(b), rest, sizeof(rest) - 1);
	for (i = sizeof(rest) - 1; i < sizeof(secret) - 1; i++)
		assert_int_equal(base[i], 0);
	assert_null(memmem(base, sizeof(secret) + sizeof(rest), "SECRET", 6));
	msbuf_wipe_consumed(NULL);
	msbuf_free(b);
}

static void
fill(struct msbuf *b, size_t len, int c)
{
	u_char *p;

	assert_int_equal(msbuf_reserve(b, len, &p), 0);
	memset(p, c, len);
}

/* A wipe covers what was written, not the allocation. */
static void
test_wipe_hwm_free(void **state)
{
	struct msbuf *b;

	(void)state;
	b = must_new(1024 * 1024);
	fill(b, 300, 0xaa);
	assert_int_equal(msbuf_consume(b, 300), 0);
	wipes_reset();
	msbuf_free(b);
	assert_int_equal(nwiped, 2);		/* data, then the struct */
	assert_int_equal(wiped[0], 300);
	assert_int_equal(tail_dirty, 0);
}

/* After a large message is consumed and wiped, a small one costs little. */
static void
test_wipe_hwm_after_large(void **state)
{
	struct msbuf *b;

	(void)state;
	b = must_new(1024 * 1024);
	fill(b, 200 * 1024, 0x55);
	assert_int_equal(msbuf_consume(b, 200 * 1024), 0);
	msbuf_wipe_consumed(b);
	fill(b, 10, 0x66);
	wipes_reset();
	msbuf_free(b);
	assert_int_equal(wiped[0], 10);
	assert_int_equal(tail_dirty, 0);
}

/* Reset wipes everything written; what is reserved next reads as zero. */
static void
test_wipe_hwm_reset(void **state)
{
	struct msbuf *b;
	u_char *p;
	size_t i;

	(void)state;
	b = must_new(4096);
	fill(b, 1000, 0x77);
	assert_int_equal(msbuf_consume_end(b, 400), 0);
	msbuf_reset(b);
	assert_int_equal(msbuf_len(b), 0);
	assert_int_equal(msbuf_reserve(b, 1000, &p), 0);
	for (i = 0; i < 1000; i++)
		assert_int_equal(p[i], 0);
	/* A tail dropped with consume_end is zero when reserved again. */
	assert_int_equal(msbuf_consume_end(b, 1000), 0);
	fill(b, 600, 0x11);
	assert_int_equal(msbuf_consume_end(b, 300), 0);
	assert_int_equal(msbuf_reserve(b, 300, &p), 0);
	for (i = 0; i < 300; i++)
		assert_int_equal(p[i], 0);
	wipes_reset();
	msbuf_free(b);
	/* Reserved space counts as written: the 1000 reserved after reset. */
	assert_int_equal(wiped[0], 1000);
	assert_int_equal(tail_dirty, 0);
}

/* spare + commit: a short read leaves nothing to zero or wipe. */
static void
test_spare_commit(void **state)
{
	struct msbuf *b;
	u_char *p;

	(void)state;
	b = must_new(1024 * 1024);
	assert_int_equal(msbuf_spare(b, 64 * 1024, &p), 0);
	assert_int_equal(msbuf_len(b), 0);
	assert_true(msbuf_alloc_len(b) >= 64 * 1024);
	memcpy(p, "0123456789", 10);
	assert_int_equal(msbuf_commit(b, 10), 0);
	assert_int_equal(msbuf_len(b), 10);
	assert_memory_equal(msbuf_ptr(b), "0123456789", 10);
	/* Not past the block, not past the cap. */
	assert_int_equal(msbuf_commit(b, msbuf_alloc_len(b)),
	    MS_ERR_NO_BUFFER_SPACE);
	assert_int_equal(msbuf_spare(b, 1024 * 1024, &p),
	    MS_ERR_NO_BUFFER_SPACE);
	assert_null(p);
	assert_int_equal(msbuf_spare(NULL, 1, &p), MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(msbuf_commit(NULL, 1), MS_ERR_INVALID_ARGUMENT);
	wipes_reset();
	msbuf_free(b);
	assert_int_equal(wiped[0], 10);
	assert_int_equal(tail_dirty, 0);
}

/* A large block is given back, wiped, with the unread bytes kept. */
static void
test_shrink(void **state)
{
	struct msbuf *b;

	(void)state;
	b = must_new(1024 * 1024);
	fill(b, 300 * 1024, 0x33);
	assert_int_equal(msbuf_consume(b, 300 * 1024 - 10), 0);
	/* Unread bytes that do not fit: no change. */
	assert_int_equal(msbuf_shrink(b, 8), 0);
	assert_true(msbuf_alloc_len(b) >= 300 * 1024);
	wipes_reset();
	assert_int_equal(msbuf_shrink(b, 4096), 0);
	assert_int_equal(msbuf_alloc_len(b), 4096);
	assert_int_equal(nwiped, 1);
	assert_int_equal(wiped[0], 10);		/* compacted first */
	assert_int_equal(tail_dirty, 0);
	assert_int_equal(msbuf_len(b), 10);
	assert_int_equal(msbuf_ptr(b)[9], 0x33);
	/* Already small enough: nothing happens. */
	wipes_reset();
	assert_int_equal(msbuf_shrink(b, 8192), 0);
	assert_int_equal(nwiped, 0);
	assert_int_equal(msbuf_alloc_len(b), 4096);
	/* It still grows to its cap. */
	fill(b, 1024 * 1024 - 10, 0x44);
	assert_int_equal(msbuf_len(b), 1024 * 1024);
	assert_int_equal(msbuf_shrink(NULL, 1), MS_ERR_INVALID_ARGUMENT);
	msbuf_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_limits),
		cmocka_unit_test(test_wipe_hwm_free),
		cmocka_unit_test(test_wipe_hwm_after_large),
		cmocka_unit_test(test_wipe_hwm_reset),
		cmocka_unit_test(test_spare_commit),
		cmocka_unit_test(test_shrink),
		cmocka_unit_test(test_from),
		cmocka_unit_test(test_int_roundtrip),
		cmocka_unit_test(test_raw_roundtrip),
		cmocka_unit_test(test_string_roundtrip),
		cmocka_unit_test(test_truncation_every_offset),
		cmocka_unit_test(test_string_oversize_prefix),
		cmocka_unit_test(test_cstring_nul),
		cmocka_unit_test(test_string_fixed),
		cmocka_unit_test(test_stringb_no_room),
		cmocka_unit_test(test_peek),
		cmocka_unit_test(test_peek_wide),
		cmocka_unit_test(test_mem_peek),
		cmocka_unit_test(test_mem_poke),
		cmocka_unit_test(test_consume),
		cmocka_unit_test(test_reserve_and_cap),
		cmocka_unit_test(test_grow_large),
		cmocka_unit_test(test_dup),
		cmocka_unit_test(test_stringb_self),
		cmocka_unit_test(test_wipe_consumed),
		cmocka_unit_test(test_cstring_direct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
