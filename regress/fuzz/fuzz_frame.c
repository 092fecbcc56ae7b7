/*
 * fuzz_frame.c — the frame codec (common/frame.c): a byte stream split
 * into frames by ms_frame_parse (the monitor's event loop) and by
 * ms_frame_read (the blocking readers), under the protocol's cap and a
 * small one.
 *
 * Invariants: both readers agree frame by frame; every frame parsed
 * re-encodes (ms_frame_encode) to exactly the bytes it was parsed from;
 * nothing is consumed by an incomplete or refused frame.
 */
#include <sys/types.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "errors.h"
#include "frame.h"
#include "fuzz.h"

#define SMALL_CAP	64

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	return 0;
}

/* Every frame ms_frame_parse finds, checked against its re-encoding. */
static int
parse_all(const uint8_t *data, size_t size, size_t cap, uint8_t *types,
    size_t *lens, size_t maxframes, size_t *nframesp)
{
	struct msbuf *in, *payload, *enc;
	size_t before, n = 0;
	uint8_t type;
	int r;

	FUZZ_CHECK((in = msbuf_from(data, size)) != NULL);
	FUZZ_CHECK((payload = msbuf_new(MS_FRAME_MAX)) != NULL);
	FUZZ_CHECK((enc = msbuf_new(MS_FRAME_MAX + MS_FRAME_HEADER_LEN)) != NULL);
	for (;;) {
		before = msbuf_len(in);
		if ((r = ms_frame_parse(in, &type, payload, cap)) != 0) {
			FUZZ_CHECK(msbuf_len(in) == before);
			break;
		}
		FUZZ_CHECK(msbuf_len(payload) + 1 <= cap);
		msbuf_reset(enc);
		FUZZ_CHECK(ms_frame_encode(enc, type, payload) == 0);
		FUZZ_CHECK(msbuf_len(enc) == before - msbuf_len(in));
		FUZZ_CHECK(memcmp(msbuf_ptr(enc),
		    data + (size - before), msbuf_len(enc)) == 0);
		if (n < maxframes) {
			types[n] = type;
			lens[n] = msbuf_len(payload);
		}
		n++;
	}
	*nframesp = n;
	msbuf_free(enc);
	msbuf_free(payload);
	msbuf_free(in);
	return r;
}

/* The blocking reader over a pipe holding the same bytes. */
static void
read_all(const uint8_t *data, size_t size, size_t cap, const uint8_t *types,
    const size_t *lens, size_t maxframes, size_t nframes, int parse_r)
{
	struct msbuf *payload;
	size_t i = 0;
	uint8_t type;
	int p[2], r;

	/* A pipe holds 64 KiB; the stream must fit, as there is no writer. */
	if (size > 60000 || pipe(p) == -1)
		return;
	FUZZ_CHECK(size == 0 || write(p[1], data, size) == (ssize_t)size);
	close(p[1]);
	FUZZ_CHECK((payload = msbuf_new(MS_FRAME_MAX)) != NULL);
	while ((r = ms_frame_read(p[0], &type, payload, cap, 1000)) == 0) {
		FUZZ_CHECK(i < nframes);
		if (i < maxframes) {
			FUZZ_CHECK(type == types[i]);
			FUZZ_CHECK(msbuf_len(payload) == lens[i]);
		}
		i++;
	}
	FUZZ_CHECK(i == nframes);
	/* Where the parser wanted more bytes, the reader met EOF. */
	if (parse_r == MS_ERR_MESSAGE_INCOMPLETE)
		FUZZ_CHECK(r == MS_ERR_CONN_CLOSED ||
		    r == MS_ERR_MESSAGE_INCOMPLETE);
	else
		FUZZ_CHECK(r == parse_r);
	msbuf_free(payload);
	close(p[0]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t caps[] = { MS_FRAME_MAX, SMALL_CAP };
	uint8_t types[64];
	size_t lens[64], nframes, i;
	int r;

	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		r = parse_all(data, size, caps[i], types, lens, 64, &nframes);
		read_all(data, size, caps[i], types, lens, 64, nframes, r);
	}
	return 0;
}
