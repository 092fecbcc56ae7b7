/*
 * fuzz_record.c — the record layer (common/record.c) under a fixed key:
 * the input is a stream of frames, opened in order as a reader does
 * (AES-256-GCM and ChaCha20-Poly1305 each get the whole stream); each
 * record that opens goes on to the parser of its inner type
 * (fuzz_msgs.h), and an inner type FUZZ_INNER_BLOB carries a crypto blob
 * (PROTOCOL.md 9) opened under a fixed blob key.  The seeds are whole
 * sealed handshakes (gen-corpus.c), so mutations reach every position of
 * the stream: tampered, truncated, replayed, reordered records.
 *
 * Invariants: a record opens only if it is byte for byte the record the
 * fixed key seals for that plaintext at that sequence number (no forgery,
 * no replay, no reordering); a failed open leaves no plaintext; the same
 * holds for blobs, whose sequence number moves on once it matched.
 */
#include <sys/types.h>

#include <string.h>

#include "buf.h"
#include "errors.h"
#include "frame.h"
#include "fuzz.h"
#include "fuzz_keys.h"
#include "fuzz_msgs.h"
#include "record.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	return 0;
}

static void
blob(enum ms_aead alg, struct ms_blob_ctx *rx, const struct msbuf *body)
{
	struct ms_blob_ctx tx;
	struct msbuf *value, *enc;
	uint64_t seq = rx->seq;
	int r;

	FUZZ_CHECK((value = msbuf_new(MS_FRAME_MAX)) != NULL);
	FUZZ_CHECK((enc = msbuf_new(MS_FRAME_MAX)) != NULL);
	r = ms_blob_open(rx, FUZZ_BLOB_PATH, FUZZ_BLOB_RECORD,
	    FUZZ_BLOB_HANDLE, msbuf_ptr(body), msbuf_len(body), value);
	if (r == 0) {
		FUZZ_CHECK(rx->seq == seq + 1);
		fuzz_blob_ctx(&tx, alg);
		tx.seq = seq;
		FUZZ_CHECK(ms_blob_seal(&tx, FUZZ_BLOB_PATH, FUZZ_BLOB_RECORD,
		    FUZZ_BLOB_HANDLE, msbuf_ptr(value), msbuf_len(value),
		    enc) == 0);
		fuzz_same(enc, msbuf_ptr(body), msbuf_len(body));
		ms_blob_ctx_clear(&tx);
	} else
		FUZZ_CHECK(msbuf_len(value) == 0);
	msbuf_free(enc);
	msbuf_free(value);
}

static void
stream(const uint8_t *data, size_t size, enum ms_aead alg)
{
	struct ms_record_dir rx, tx;
	struct ms_blob_ctx brx;
	struct msbuf *in, *payload, *body, *frame;
	size_t before;
	uint8_t type, inner;
	int r;

	fuzz_record_dir(&rx, alg);
	fuzz_record_dir(&tx, alg);
	fuzz_blob_ctx(&brx, alg);
	FUZZ_CHECK((in = msbuf_from(data, size)) != NULL);
	FUZZ_CHECK((payload = msbuf_new(MS_FRAME_MAX)) != NULL);
	FUZZ_CHECK((body = msbuf_new(MS_FRAME_MAX)) != NULL);
	FUZZ_CHECK((frame = msbuf_new(MS_FRAME_MAX + MS_FRAME_HEADER_LEN)) !=
	    NULL);
	for (;;) {
		before = msbuf_len(in);
		if (ms_frame_parse(in, &type, payload, MS_FRAME_MAX) != 0 ||
		    type != MS_FRAME_RECORD)
			break;
		if ((r = ms_record_open(&rx, payload, &inner, body)) != 0) {
			FUZZ_CHECK(msbuf_len(body) == 0);
			break;	/* fatal to the connection */
		}
		FUZZ_CHECK(rx.seq == tx.seq + 1);
		msbuf_reset(frame);
		FUZZ_CHECK(ms_record_seal(&tx, inner, body, frame) == 0);
		fuzz_same(frame, data + (size - before), before - msbuf_len(in));
		if (inner == FUZZ_INNER_BLOB)
			blob(alg, &brx, body);
		else
			fuzz_inner(inner, msbuf_ptr(body), msbuf_len(body));
	}
	msbuf_free(frame);
	msbuf_free(body);
	msbuf_free(payload);
	msbuf_free(in);
	ms_blob_ctx_clear(&brx);
	ms_record_dir_clear(&tx);
	ms_record_dir_clear(&rx);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	stream(data, size, MS_AEAD_AES256_GCM);
	stream(data, size, MS_AEAD_CHACHA20_POLY1305);
	return 0;
}
