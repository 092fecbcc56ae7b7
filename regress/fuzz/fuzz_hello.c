/*
 * fuzz_hello.c — CLIENT_HELLO and SERVER_HELLO (common/hello.c), as the
 * worker and the monitor parse the client's and the client parses the
 * server's: each input goes to all four parsers (payload and whole
 * frame, either hello).
 *
 * Invariants: a hello that parses re-encodes to exactly its input (the
 * parser is strict and canonical, so the transcript a peer signs is the
 * one the other side hashes); negotiation only ever picks an algorithm
 * both lists hold.
 */
#include <sys/types.h>

#include <string.h>

#include "buf.h"
#include "frame.h"
#include "fuzz.h"
#include "hello.h"
#include "proto.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	return 0;
}

static void
same_bytes(const struct msbuf *enc, const uint8_t *data, size_t size)
{
	FUZZ_CHECK(msbuf_len(enc) == size);
	FUZZ_CHECK(memcmp(msbuf_ptr(enc), data, size) == 0);
}

static void
check_lists(const struct ms_alg_list *offered)
{
	static const struct ms_alg_list pref = { 3, { MS_CIPHER_AES256_GCM,
	    MS_CIPHER_CHACHA20_POLY1305, 0x7777 } };
	uint16_t id;

	FUZZ_CHECK(offered->n <= MS_ALG_LIST_MAX);
	if ((id = ms_alg_negotiate(&pref, offered)) != 0) {
		FUZZ_CHECK(ms_alg_list_contains(&pref, id));
		FUZZ_CHECK(ms_alg_list_contains(offered, id));
	}
}

static void
client_hello(const uint8_t *data, size_t size, int framed)
{
	struct ms_client_hello ch;
	struct msbuf *b, *enc, *payload;
	int r;

	FUZZ_CHECK((enc = msbuf_new(MS_FRAME_MAX)) != NULL);
	if (framed)
		r = ms_client_hello_parse_frame(data, size, &ch);
	else {
		FUZZ_CHECK((b = msbuf_from(data, size)) != NULL);
		r = ms_client_hello_parse(b, &ch);
		msbuf_free(b);
	}
	if (r == 0) {
		check_lists(&ch.ciphers);
		check_lists(&ch.kex);
		check_lists(&ch.sigs);
		FUZZ_CHECK((payload = msbuf_new(MS_FRAME_MAX)) != NULL);
		FUZZ_CHECK(ms_client_hello_put(payload, &ch) == 0);
		if (framed)
			FUZZ_CHECK(ms_frame_encode(enc, MS_FRAME_CLIENT_HELLO,
			    payload) == 0);
		else
			FUZZ_CHECK(msbuf_putb(enc, payload) == 0);
		same_bytes(enc, data, size);
		msbuf_free(payload);
	}
	msbuf_free(enc);
}

static void
server_hello(const uint8_t *data, size_t size, int framed)
{
	struct ms_server_hello sh;
	struct msbuf *b, *enc, *payload;
	int r;

	FUZZ_CHECK((enc = msbuf_new(MS_FRAME_MAX)) != NULL);
	if (framed)
		r = ms_server_hello_parse_frame(data, size, &sh);
	else {
		FUZZ_CHECK((b = msbuf_from(data, size)) != NULL);
		r = ms_server_hello_parse(b, &sh);
		msbuf_free(b);
	}
	if (r == 0) {
		FUZZ_CHECK((payload = msbuf_new(MS_FRAME_MAX)) != NULL);
		FUZZ_CHECK(ms_server_hello_put(payload, &sh) == 0);
		if (framed)
			FUZZ_CHECK(ms_frame_encode(enc, MS_FRAME_SERVER_HELLO,
			    payload) == 0);
		else
			FUZZ_CHECK(msbuf_putb(enc, payload) == 0);
		same_bytes(enc, data, size);
		msbuf_free(payload);
	}
	msbuf_free(enc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	client_hello(data, size, 0);
	client_hello(data, size, 1);
	server_hello(data, size, 0);
	server_hello(data, size, 1);
	return 0;
}
