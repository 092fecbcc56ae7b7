/*
 * test_record.c — record layer (PROTOCOL.md 6) and crypto blobs (9).
 */
#include <sys/types.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "crypto.h"
#include "errors.h"
#include "frame.h"
#include "proto.h"
#include "record.h"
#include "schedule.h"

static const enum ms_aead algs[] = {
	MS_AEAD_AES256_GCM, MS_AEAD_CHACHA20_POLY1305
};
#define NALGS	(sizeof(algs) / sizeof(algs[0]))

static void
secret_fill(u_char s[MS_SHA256_LEN], u_char base)
{
	size_t i;

	for (i = 0; i < MS_SHA256_LEN; i++)
		s[i] = (u_char)(base + i);
}

/* A sender/receiver pair on the same secret. */
static void
pair_init(enum ms_aead alg, u_char base, struct ms_record_dir *tx,
    struct ms_record_dir *rx)
{
	u_char s[MS_SHA256_LEN];

	secret_fill(s, base);
	assert_int_equal(ms_record_dir_init(tx, alg, s), 0);
	assert_int_equal(ms_record_dir_init(rx, alg, s), 0);
	assert_int_equal(tx->seq, 0);
}

static struct msbuf *
seal_one(struct ms_record_dir *tx, uint8_t inner, const char *text)
{
	struct msbuf *body, *frame;

	assert_non_null(body = msbuf_from(text, strlen(text)));
	assert_non_null(frame = msbuf_new(MSBUF_SIZE_MAX));
	assert_int_equal(ms_record_seal(tx, inner, body, frame), 0);
	msbuf_free(body);
	return frame;
}

/* Split a frame into type and payload the way the reader does. */
static int
open_frame(struct ms_record_dir *rx, const u_char *f, size_t len,
    uint8_t *inner, struct msbuf *body)
{
	struct msbuf *in, *payload;
	uint8_t type;
	int r;

	assert_non_null(in = msbuf_from(f, len));
	assert_non_null(payload = msbuf_new(MS_FRAME_MAX));
	if ((r = ms_frame_parse(in, &type, payload, MS_FRAME_MAX)) == 0) {
		if (type != MS_FRAME_RECORD || msbuf_len(in) != 0)
			r = MS_ERR_PROTOCOL;
		else
			r = ms_record_open(rx, payload, inner, body);
	}
	msbuf_free(payload);
	msbuf_free(in);
	return r;
}

static void
test_roundtrip(void **state)
{
	struct ms_record_dir tx, rx;
	struct msbuf *frame, *body, *empty;
	uint8_t inner;
	size_t i;

	for (i = 0; i < NALGS; i++) {
		pair_init(algs[i], 0x11, &tx, &rx);
		frame = seal_one(&tx, MS_MSG_STATUS, "hello, record");
		assert_int_equal(tx.seq, 1);
		/* header 5 + version 2 + inner 1 + 13 + tag 16 */
		assert_int_equal(msbuf_len(frame), 5 + 2 + 1 + 13 + 16);
		assert_non_null(body = msbuf_new(MS_RECORD_PLAINTEXT_MAX));
		assert_int_equal(open_frame(&rx, msbuf_ptr(frame),
		    msbuf_len(frame), &inner, body), 0);
		assert_int_equal(inner, MS_MSG_STATUS);
		assert_int_equal(msbuf_len(body), 13);
		assert_memory_equal(msbuf_ptr(body), "hello, record", 13);
		assert_int_equal(rx.seq, 1);
		msbuf_free(frame);

		/* An empty body: the plaintext is just the inner type. */
		assert_non_null(empty = msbuf_new(16));
		assert_non_null(frame = msbuf_new(64));
		assert_int_equal(ms_record_seal(&tx, MS_MSG_ALERT, empty,
		    frame), 0);
		assert_int_equal(open_frame(&rx, msbuf_ptr(frame),
		    msbuf_len(frame), &inner, body), 0);
		assert_int_equal(inner, MS_MSG_ALERT);
		assert_int_equal(msbuf_len(body), 0);
		msbuf_free(frame);
		msbuf_free(empty);
		msbuf_free(body);
		ms_record_dir_clear(&tx);
		ms_record_dir_clear(&rx);
	}
}

static void
test_max_plaintext(void **state)
{
	struct ms_record_dir tx, rx;
	struct msbuf *body, *frame, *out;
	uint8_t inner;
	u_char *p;

	pair_init(MS_AEAD_AES256_GCM, 0x21, &tx, &rx);
	assert_non_null(body = msbuf_new(MS_RECORD_PLAINTEXT_MAX));
	assert_int_equal(msbuf_reserve(body, MS_RECORD_PLAINTEXT_MAX - 1,
	    &p), 0);
	p[0] = 0x42;
	assert_non_null(frame = msbuf_new(MSBUF_SIZE_MAX));
	assert_int_equal(ms_record_seal(&tx, MS_MSG_SET, body, frame), 0);
	assert_true(msbuf_len(frame) - 4 <= MS_FRAME_MAX);
	assert_non_null(out = msbuf_new(MS_RECORD_PLAINTEXT_MAX));
	assert_int_equal(open_frame(&rx, msbuf_ptr(frame), msbuf_len(frame),
	    &inner, out), 0);
	assert_int_equal(msbuf_len(out), MS_RECORD_PLAINTEXT_MAX - 1);
	assert_int_equal(msbuf_ptr(out)[0], 0x42);
	/* One byte more is refused and leaves the frame untouched. */
	msbuf_reset(frame);
	assert_int_equal(msbuf_put_u8(body, 0), 0);
	assert_int_equal(ms_record_seal(&tx, MS_MSG_SET, body, frame),
	    MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(msbuf_len(frame), 0);
	assert_int_equal(tx.seq, 1);
	msbuf_free(body);
	msbuf_free(frame);
	msbuf_free(out);
}

static void
test_bitflips(void **state)
{
	struct ms_record_dir tx, rx;
	struct msbuf *frame, *body;
	u_char buf[128];
	uint8_t inner;
	size_t i, len, bit;

	for (i = 0; i < NALGS; i++) {
		pair_init(algs[i], 0x31, &tx, &rx);
		frame = seal_one(&tx, MS_MSG_GET, "flip me");
		len = msbuf_len(frame);
		assert_true(len <= sizeof(buf));
		assert_non_null(body = msbuf_new(MS_RECORD_PLAINTEXT_MAX));
		/* Header, version, ciphertext and tag: every single bit. */
		for (bit = 0; bit < len * 8; bit++) {
			memcpy(buf, msbuf_ptr(frame), len);
			buf[bit / 8] ^= (u_char)(1 << (bit % 8));
			assert_int_not_equal(open_frame(&rx, buf, len, &inner,
			    body), 0);
			assert_int_equal(msbuf_len(body), 0);
			assert_int_equal(rx.seq, 0);
		}
		/* The untouched frame still opens: nothing advanced. */
		assert_int_equal(open_frame(&rx, msbuf_ptr(frame), len,
		    &inner, body), 0);
		msbuf_free(body);
		msbuf_free(frame);
	}
}

/* A payload passed straight to ms_record_open, bypassing framing. */
static void
test_payload_checks(void **state)
{
	struct ms_record_dir tx, rx;
	struct msbuf *frame, *payload, *body;
	uint8_t inner;

	pair_init(MS_AEAD_AES256_GCM, 0x41, &tx, &rx);
	frame = seal_one(&tx, MS_MSG_GET, "x");
	assert_non_null(body = msbuf_new(MS_RECORD_PLAINTEXT_MAX));

	/* Wrong version, correct everything else: protocol error. */
	assert_non_null(payload = msbuf_new(256));
	assert_int_equal(msbuf_put_u16(payload, 0x0002), 0);
	assert_int_equal(msbuf_put(payload, msbuf_ptr(frame) + 7,
	    msbuf_len(frame) - 7), 0);
	assert_int_equal(ms_record_open(&rx, payload, &inner, body),
	    MS_ERR_PROTOCOL);
	/* Ciphertext of exactly a tag (no inner type): protocol error. */
	msbuf_reset(payload);
	assert_int_equal(msbuf_put_u16(payload, MS_PROTO_VERSION), 0);
	assert_int_equal(msbuf_put(payload, msbuf_ptr(frame) + 7,
	    MS_AEAD_TAG_LEN), 0);
	assert_int_equal(ms_record_open(&rx, payload, &inner, body),
	    MS_ERR_PROTOCOL);
	/* Only a version. */
	msbuf_reset(payload);
	assert_int_equal(msbuf_put_u16(payload, MS_PROTO_VERSION), 0);
	assert_int_equal(ms_record_open(&rx, payload, &inner, body),
	    MS_ERR_PROTOCOL);
	/* Tag failure is MAC_INVALID. */
	msbuf_reset(payload);
	assert_int_equal(msbuf_put(payload, msbuf_ptr(frame) + 5,
	    msbuf_len(frame) - 5), 0);
	assert_int_equal(msbuf_consume_end(payload, 1), 0);
	assert_int_equal(msbuf_put_u8(payload, 0), 0);
	assert_int_equal(ms_record_open(&rx, payload, &inner, body),
	    MS_ERR_MAC_INVALID);
	assert_int_equal(rx.seq, 0);
	msbuf_free(payload);
	msbuf_free(body);
	msbuf_free(frame);
}

static void
test_replay_reorder(void **state)
{
	struct ms_record_dir tx, rx;
	struct msbuf *f1, *f2, *body;
	uint8_t inner;
	size_t i;

	for (i = 0; i < NALGS; i++) {
		pair_init(algs[i], 0x51, &tx, &rx);
		f1 = seal_one(&tx, MS_MSG_OPEN, "first");
		f2 = seal_one(&tx, MS_MSG_OPEN, "second");
		assert_non_null(body = msbuf_new(MS_RECORD_PLAINTEXT_MAX));

		/* Reorder: record 2 before record 1. */
		assert_int_equal(open_frame(&rx, msbuf_ptr(f2), msbuf_len(f2),
		    &inner, body), MS_ERR_MAC_INVALID);
		assert_int_equal(open_frame(&rx, msbuf_ptr(f1), msbuf_len(f1),
		    &inner, body), 0);
		assert_memory_equal(msbuf_ptr(body), "first", 5);
		/* Replay of record 1. */
		assert_int_equal(open_frame(&rx, msbuf_ptr(f1), msbuf_len(f1),
		    &inner, body), MS_ERR_MAC_INVALID);
		assert_int_equal(open_frame(&rx, msbuf_ptr(f2), msbuf_len(f2),
		    &inner, body), 0);
		assert_memory_equal(msbuf_ptr(body), "second", 6);
		/* Replay of record 2. */
		assert_int_equal(open_frame(&rx, msbuf_ptr(f2), msbuf_len(f2),
		    &inner, body), MS_ERR_MAC_INVALID);
		assert_int_equal(rx.seq, 2);
		msbuf_free(f1);
		msbuf_free(f2);
		msbuf_free(body);
	}
}

static void
test_truncated(void **state)
{
	struct ms_record_dir tx, rx;
	struct msbuf *frame, *body, *payload;
	uint8_t inner;
	size_t cut, len;

	pair_init(MS_AEAD_CHACHA20_POLY1305, 0x61, &tx, &rx);
	frame = seal_one(&tx, MS_MSG_LIST, "some record body");
	len = msbuf_len(frame);
	assert_non_null(body = msbuf_new(MS_RECORD_PLAINTEXT_MAX));
	assert_non_null(payload = msbuf_new(256));
	/* The payload shortened by 1..all bytes (header length kept right). */
	for (cut = 1; cut <= len - 5; cut++) {
		msbuf_reset(payload);
		assert_int_equal(msbuf_put(payload, msbuf_ptr(frame) + 5,
		    len - 5 - cut), 0);
		assert_int_not_equal(ms_record_open(&rx, payload, &inner,
		    body), 0);
	}
	/* A frame whose length field was shortened consistently. */
	{
		struct msbuf *f;

		assert_non_null(f = msbuf_new(256));
		assert_int_equal(msbuf_put_u32(f, (uint32_t)(len - 4 - 1)), 0);
		assert_int_equal(msbuf_put(f, msbuf_ptr(frame) + 4,
		    len - 5), 0);
		assert_int_equal(open_frame(&rx, msbuf_ptr(f), msbuf_len(f),
		    &inner, body), MS_ERR_MAC_INVALID);
		msbuf_free(f);
	}
	assert_int_equal(rx.seq, 0);
	msbuf_free(payload);
	msbuf_free(body);
	msbuf_free(frame);
}

static void
test_other_key(void **state)
{
	struct ms_record_dir tx, rx, tx2, rx2;
	struct msbuf *frame, *body;
	uint8_t inner;

	pair_init(MS_AEAD_AES256_GCM, 0x71, &tx, &rx);
	pair_init(MS_AEAD_AES256_GCM, 0x72, &tx2, &rx2);
	frame = seal_one(&tx2, MS_MSG_GET, "from another connection");
	assert_non_null(body = msbuf_new(MS_RECORD_PLAINTEXT_MAX));
	assert_int_equal(open_frame(&rx, msbuf_ptr(frame), msbuf_len(frame),
	    &inner, body), MS_ERR_MAC_INVALID);
	msbuf_free(frame);
	/* Same secret, other cipher: also refused. */
	ms_record_dir_clear(&rx2);
	pair_init(MS_AEAD_CHACHA20_POLY1305, 0x71, &tx2, &rx2);
	frame = seal_one(&tx, MS_MSG_GET, "aes");
	assert_int_equal(open_frame(&rx2, msbuf_ptr(frame), msbuf_len(frame),
	    &inner, body), MS_ERR_MAC_INVALID);
	assert_int_equal(open_frame(&rx, msbuf_ptr(frame), msbuf_len(frame),
	    &inner, body), 0);
	msbuf_free(frame);
	msbuf_free(body);
}

static void
test_limit(void **state)
{
	struct ms_record_dir tx, rx;
	struct msbuf *frame, *body;
	uint8_t inner;

	pair_init(MS_AEAD_AES256_GCM, 0x81, &tx, &rx);
	tx.seq = MS_RECORDS_PER_KEY_MAX - 1;
	rx.seq = MS_RECORDS_PER_KEY_MAX - 1;
	frame = seal_one(&tx, MS_MSG_STATUS, "last");
	assert_int_equal(tx.seq, MS_RECORDS_PER_KEY_MAX);
	assert_non_null(body = msbuf_new(MS_RECORD_PLAINTEXT_MAX));
	assert_int_equal(open_frame(&rx, msbuf_ptr(frame), msbuf_len(frame),
	    &inner, body), 0);
	msbuf_reset(frame);
	assert_int_equal(ms_record_seal(&tx, MS_MSG_STATUS, body, frame),
	    MS_ERR_LIMIT);
	assert_int_equal(msbuf_len(frame), 0);
	assert_int_equal(tx.seq, MS_RECORDS_PER_KEY_MAX);
	msbuf_free(frame);
	msbuf_free(body);
}

static void
test_cipher_map(void **state)
{
	assert_int_equal(ms_cipher_to_aead(MS_CIPHER_AES256_GCM),
	    MS_AEAD_AES256_GCM);
	assert_int_equal(ms_cipher_to_aead(MS_CIPHER_CHACHA20_POLY1305),
	    MS_AEAD_CHACHA20_POLY1305);
	assert_int_equal(ms_cipher_to_aead(0), -1);
	assert_int_equal(ms_cipher_to_aead(3), -1);
	assert_int_equal(ms_aead_to_cipher(MS_AEAD_AES256_GCM),
	    MS_CIPHER_AES256_GCM);
	assert_int_equal(ms_aead_to_cipher(MS_AEAD_CHACHA20_POLY1305),
	    MS_CIPHER_CHACHA20_POLY1305);
	assert_int_equal(ms_aead_to_cipher((enum ms_aead)7), 0);
}

/* Blobs */

static void
blob_pair(enum ms_aead alg, uint8_t dir, struct ms_blob_ctx *tx,
    struct ms_blob_ctx *rx)
{
	u_char s[MS_SHA256_LEN];

	secret_fill(s, 0x91);
	assert_int_equal(ms_blob_ctx_init(tx, alg, ms_aead_to_cipher(alg), s,
	    dir), 0);
	assert_int_equal(ms_blob_ctx_init(rx, alg, ms_aead_to_cipher(alg), s,
	    dir), 0);
}

static struct msbuf *
blob_seal(struct ms_blob_ctx *c, const char *path, const char *rec,
    uint32_t h, const char *value)
{
	struct msbuf *b;

	assert_non_null(b = msbuf_new(MSBUF_SIZE_MAX));
	assert_int_equal(ms_blob_seal(c, path, rec, h, (const u_char *)value,
	    strlen(value), b), 0);
	return b;
}

static void
test_blob_roundtrip(void **state)
{
	struct ms_blob_ctx tx, rx;
	struct msbuf *blob, *val;
	size_t i;

	for (i = 0; i < NALGS; i++) {
		blob_pair(algs[i], 1, &tx, &rx);
		blob = blob_seal(&tx, "/demo", "password", 1, "hunter2");
		assert_int_equal(msbuf_len(blob), 12 + 7 + 16);
		assert_int_equal(tx.seq, 1);
		assert_non_null(val = msbuf_new(1024 * 1024));
		assert_int_equal(ms_blob_open(&rx, "/demo", "password", 1,
		    msbuf_ptr(blob), msbuf_len(blob), val), 0);
		assert_int_equal(msbuf_len(val), 7);
		assert_memory_equal(msbuf_ptr(val), "hunter2", 7);
		assert_int_equal(rx.seq, 1);
		msbuf_free(blob);
		/* Empty value. */
		msbuf_reset(val);
		blob = blob_seal(&tx, "/", "empty", 2, "");
		assert_int_equal(ms_blob_open(&rx, "/", "empty", 2,
		    msbuf_ptr(blob), msbuf_len(blob), val), 0);
		assert_int_equal(msbuf_len(val), 0);
		msbuf_free(blob);
		msbuf_free(val);
		ms_blob_ctx_clear(&tx);
		ms_blob_ctx_clear(&rx);
	}
}

static void
test_blob_binding(void **state)
{
	struct ms_blob_ctx tx, rx, rxd;
	struct msbuf *blob, *val;

	blob_pair(MS_AEAD_AES256_GCM, 1, &tx, &rx);
	blob_pair(MS_AEAD_AES256_GCM, 0, &rxd, &rxd);
	blob = blob_seal(&tx, "/demo", "password", 1, "hunter2");
	assert_non_null(val = msbuf_new(1024 * 1024));

	/*
	 * Each failed open consumes the sequence number (the sender has
	 * moved on); rewind it to try the next binding.
	 */
	assert_int_equal(ms_blob_open(&rx, "/demo2", "password", 1,
	    msbuf_ptr(blob), msbuf_len(blob), val), MS_ERR_MAC_INVALID);
	assert_int_equal(rx.seq, 1);
	rx.seq = 0;
	assert_int_equal(ms_blob_open(&rx, "/demo", "passwd", 1,
	    msbuf_ptr(blob), msbuf_len(blob), val), MS_ERR_MAC_INVALID);
	rx.seq = 0;
	/* The string encoding keeps the path/record boundary. */
	assert_int_equal(ms_blob_open(&rx, "/demop", "assword", 1,
	    msbuf_ptr(blob), msbuf_len(blob), val), MS_ERR_MAC_INVALID);
	rx.seq = 0;
	assert_int_equal(ms_blob_open(&rx, "/demo", "password", 2,
	    msbuf_ptr(blob), msbuf_len(blob), val), MS_ERR_MAC_INVALID);
	rx.seq = 0;
	/* The other direction (same secret): refused. */
	assert_int_equal(ms_blob_open(&rxd, "/demo", "password", 1,
	    msbuf_ptr(blob), msbuf_len(blob), val), MS_ERR_MAC_INVALID);
	assert_int_equal(msbuf_len(val), 0);
	/* Truncated blob. */
	assert_int_not_equal(ms_blob_open(&rx, "/demo", "password", 1,
	    msbuf_ptr(blob), msbuf_len(blob) - 1, val), 0);
	rx.seq = 0;
	assert_int_not_equal(ms_blob_open(&rx, "/demo", "password", 1,
	    msbuf_ptr(blob), 12 + 15, val), 0);
	assert_int_equal(rx.seq, 0);	/* too short to be a blob at all */
	assert_int_equal(msbuf_len(val), 0);
	/* And the right binding still works. */
	assert_int_equal(ms_blob_open(&rx, "/demo", "password", 1,
	    msbuf_ptr(blob), msbuf_len(blob), val), 0);
	assert_int_equal(rx.seq, 1);
	msbuf_free(blob);
	msbuf_free(val);
}

static void
test_blob_replay_and_seq(void **state)
{
	struct ms_blob_ctx tx, rx;
	struct msbuf *b0, *b1, *val;

	blob_pair(MS_AEAD_CHACHA20_POLY1305, 0, &tx, &rx);
	b0 = blob_seal(&tx, "/a", "r", 7, "v0");
	b1 = blob_seal(&tx, "/a", "r", 7, "v1");
	assert_non_null(val = msbuf_new(1024 * 1024));

	/* Out of order: blob 1 while 0 is expected. */
	assert_int_equal(ms_blob_open(&rx, "/a", "r", 7, msbuf_ptr(b1),
	    msbuf_len(b1), val), MS_ERR_PROTOCOL);
	assert_int_equal(ms_blob_open(&rx, "/a", "r", 7, msbuf_ptr(b0),
	    msbuf_len(b0), val), 0);
	/* Replay of blob 0. */
	msbuf_reset(val);
	assert_int_equal(ms_blob_open(&rx, "/a", "r", 7, msbuf_ptr(b0),
	    msbuf_len(b0), val), MS_ERR_PROTOCOL);
	assert_int_equal(msbuf_len(val), 0);

	/* Blob 1 relabelled as seq 0 fails authentication (seq is in AAD). */
	rx.seq = 0;
	{
		struct msbuf *f2;

		assert_non_null(f2 = msbuf_new(256));
		assert_int_equal(msbuf_put(f2, msbuf_ptr(b1), 4), 0);
		assert_int_equal(msbuf_put_u64(f2, 0), 0);
		assert_int_equal(msbuf_put(f2, msbuf_ptr(b1) + 12,
		    msbuf_len(b1) - 12), 0);
		assert_int_equal(ms_blob_open(&rx, "/a", "r", 7,
		    msbuf_ptr(f2), msbuf_len(f2), val), MS_ERR_MAC_INVALID);
		msbuf_free(f2);
	}
	/* The failed blob 0 was consumed: blob 1 is next, and opens. */
	assert_int_equal(rx.seq, 1);
	assert_int_equal(ms_blob_open(&rx, "/a", "r", 7, msbuf_ptr(b1),
	    msbuf_len(b1), val), 0);
	assert_memory_equal(msbuf_ptr(val), "v1", 2);
	assert_int_equal(rx.seq, 2);

	/* Wrong version and wrong cipher id in the header. */
	{
		struct msbuf *f3;

		msbuf_free(b0);
		b0 = blob_seal(&tx, "/a", "r", 7, "v2");
		assert_non_null(f3 = msbuf_new(256));
		assert_int_equal(msbuf_put_u16(f3, 2), 0);
		assert_int_equal(msbuf_put(f3, msbuf_ptr(b0) + 2,
		    msbuf_len(b0) - 2), 0);
		assert_int_equal(ms_blob_open(&rx, "/a", "r", 7,
		    msbuf_ptr(f3), msbuf_len(f3), val), MS_ERR_PROTOCOL);
		msbuf_reset(f3);
		assert_int_equal(msbuf_put_u16(f3, MS_PROTO_VERSION), 0);
		assert_int_equal(msbuf_put_u16(f3, MS_CIPHER_AES256_GCM), 0);
		assert_int_equal(msbuf_put(f3, msbuf_ptr(b0) + 4,
		    msbuf_len(b0) - 4), 0);
		assert_int_equal(ms_blob_open(&rx, "/a", "r", 7,
		    msbuf_ptr(f3), msbuf_len(f3), val), MS_ERR_PROTOCOL);
		msbuf_free(f3);
	}
	msbuf_free(b0);
	msbuf_free(b1);
	msbuf_free(val);
}

/* A refused blob does not desynchronise the two counters. */
static void
test_blob_resync(void **state)
{
	struct ms_blob_ctx tx, rx;
	struct msbuf *b0, *b1, *val;

	blob_pair(MS_AEAD_AES256_GCM, 0, &tx, &rx);
	/* The client seals for a handle the server reads differently. */
	b0 = blob_seal(&tx, "/a", "r", 1, "first");
	b1 = blob_seal(&tx, "/a", "r", 2, "second");
	assert_non_null(val = msbuf_new(1024));
	assert_int_equal(ms_blob_open(&rx, "/a", "r", 9, msbuf_ptr(b0),
	    msbuf_len(b0), val), MS_ERR_MAC_INVALID);
	assert_int_equal(ms_blob_open(&rx, "/a", "r", 2, msbuf_ptr(b1),
	    msbuf_len(b1), val), 0);
	assert_int_equal(msbuf_len(val), 6);
	assert_memory_equal(msbuf_ptr(val), "second", 6);
	msbuf_free(b0);
	msbuf_free(b1);
	msbuf_free(val);
}

static void
test_blob_args(void **state)
{
	struct ms_blob_ctx c;
	u_char s[MS_SHA256_LEN];
	struct msbuf *b;
	char longpath[1100];

	secret_fill(s, 0xa1);
	assert_int_not_equal(ms_blob_ctx_init(&c, MS_AEAD_AES256_GCM,
	    MS_CIPHER_CHACHA20_POLY1305, s, 0), 0);
	assert_int_not_equal(ms_blob_ctx_init(&c, MS_AEAD_AES256_GCM,
	    MS_CIPHER_AES256_GCM, s, 2), 0);
	assert_int_equal(ms_blob_ctx_init(&c, MS_AEAD_AES256_GCM,
	    MS_CIPHER_AES256_GCM, s, 0), 0);
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	assert_non_null(b = msbuf_new(4096));
	assert_int_equal(ms_blob_seal(&c, longpath, "r", 1,
	    (const u_char *)"v", 1, b), MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(msbuf_len(b), 0);
	assert_int_equal(c.seq, 0);
	c.seq = MS_RECORDS_PER_KEY_MAX;
	assert_int_equal(ms_blob_seal(&c, "/x", "r", 1,
	    (const u_char *)"v", 1, b), MS_ERR_LIMIT);
	msbuf_free(b);
	ms_blob_ctx_clear(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_max_plaintext),
		cmocka_unit_test(test_bitflips),
		cmocka_unit_test(test_payload_checks),
		cmocka_unit_test(test_replay_reorder),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_other_key),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_cipher_map),
		cmocka_unit_test(test_blob_roundtrip),
		cmocka_unit_test(test_blob_binding),
		cmocka_unit_test(test_blob_replay_and_seq),
		cmocka_unit_test(test_blob_resync),
		cmocka_unit_test(test_blob_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
