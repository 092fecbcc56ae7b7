/*
 * sc_records.c — scenarios with records: flipped bits, replay, reorder,
 * truncation, records too early, requests before auth or after a denial.
 */
#include "hostile.h"

/* ---------------------------------------------------- scenarios: records */

/* A STATUS request, sealed but not sent; its frame is in hc.frame. */
static void
seal_status(void)
{
	msbuf_reset(hc.frame);
	(void)seal_request(MS_MSG_STATUS, NULL);
}

/*
 * The record attacks carry writes, so a test can see in the store that
 * the server acted on none of them: hc.path/r, record "rec".
 */
static void
record_target(char *p, size_t plen)
{
	if (snprintf(p, plen, "%s/r", hc.path) >= (int)plen ||
	    ms_path_valid(p, strlen(p)) != 0)
		finish(EXIT_LOCAL, "bad -P path %s", hc.path);
}

/* Log in and OPEN the target for writing. */
static uint32_t
record_setup(char *p, size_t plen)
{
	uint32_t h, st;

	record_target(p, plen);
	login();
	if ((st = op_open(p, MS_ACCESS_WRITE, &h)) != MS_ST_OK)
		finish(EXIT_FAIL, "OPEN %s for writing answered %s (needs w)",
		    p, ms_status_str(st));
	return h;
}

/* A plain SET of 'value' sealed into hc.frame (reset first); its id. */
static uint32_t
seal_set(uint32_t handle, const char *value)
{
	struct msbuf *f = xbuf(MS_RECORD_NAME_MAX + 64 + strlen(value));
	uint32_t id;
	int r;

	if ((r = msbuf_put_u32(f, handle)) != 0 ||
	    (r = msbuf_put_cstring(f, "rec")) != 0 ||
	    (r = msbuf_put_u8(f, 0)) != 0 ||
	    (r = msbuf_put_cstring(f, value)) != 0)
		local_err(r, "encode SET");
	msbuf_reset(hc.frame);
	id = seal_request(MS_MSG_SET, f);
	msbuf_free(f);
	return id;
}

void
sc_flip_bit(void)
{
	char p[MS_PATH_MAX + 1];
	uint32_t h;
	u_char *c;

	h = record_setup(p, sizeof(p));
	trail_reset();
	seal_set(h, "tampered");
	/* The first ciphertext byte, after u32 len || u8 type || u16 version. */
	c = (u_char *)msbuf_ptr(hc.frame) + 7;
	*c ^= 0x01;
	(void)send_buf(hc.frame);
	expect_close(allow_nothing, "SET record with a flipped bit");
}

/* SET, DELETE, then the SET's record again: it must not come back. */
void
sc_replay(void)
{
	char p[MS_PATH_MAX + 1];
	struct msbuf *copy, *f;
	uint32_t h, id, st;
	int r;

	h = record_setup(p, sizeof(p));
	trail_reset();
	id = seal_set(h, "replayed");
	if ((copy = msbuf_dup(hc.frame)) == NULL)
		finish(EXIT_LOCAL, "out of memory");
	(void)send_buf(hc.frame);
	if ((st = want_response(id, "SET")) != MS_ST_OK) {
		msbuf_free(copy);
		finish(EXIT_FAIL, "SET answered %s", ms_status_str(st));
	}
	f = xbuf(MS_RECORD_NAME_MAX + 64);
	if ((r = msbuf_put_u32(f, h)) != 0 ||
	    (r = msbuf_put_cstring(f, "rec")) != 0)
		local_err(r, "encode DELETE");
	st = request(MS_MSG_DELETE, f, "DELETE");
	msbuf_free(f);
	if (st != MS_ST_OK) {
		msbuf_free(copy);
		finish(EXIT_FAIL, "DELETE answered %s", ms_status_str(st));
	}
	trail_reset();
	note("SET OK, DELETE OK");
	(void)send_buf(copy);
	msbuf_free(copy);
	expect_close(allow_nothing, "the SET record sent again");
}

void
sc_reorder(void)
{
	char p[MS_PATH_MAX + 1];
	uint32_t h;

	h = record_setup(p, sizeof(p));
	trail_reset();
	(void)seal_set(h, "first");	/* seq n: never sent */
	(void)seal_set(h, "second");	/* seq n + 1 */
	(void)send_buf(hc.frame);
	expect_close(allow_nothing, "second SET record sent first");
}

void
sc_truncated_record(void)
{
	char p[MS_PATH_MAX + 1];
	uint32_t h, len;
	u_char *c;

	h = record_setup(p, sizeof(p));
	trail_reset();
	seal_set(h, "truncated");
	if (msbuf_consume_end(hc.frame, MS_AEAD_TAG_LEN) != 0)
		finish(EXIT_LOCAL, "frame too short");
	/* A well-formed frame whose record has lost its tag. */
	len = (uint32_t)msbuf_len(hc.frame) - 4;
	c = (u_char *)msbuf_ptr(hc.frame);
	c[0] = (u_char)(len >> 24);
	c[1] = (u_char)(len >> 16);
	c[2] = (u_char)(len >> 8);
	c[3] = (u_char)len;
	(void)send_buf(hc.frame);
	expect_close(allow_nothing, "SET record without its tag");
}

/*
 * After login, a RECORD header one byte over the largest record: refused
 * from the header, with a PROTOCOL_ERROR alert under the keys.
 */
void
sc_oversize_record(void)
{
	u_char hdr[5];
	uint32_t len = MS_RECORD_FRAME_MAX + 1;

	login();
	hdr[0] = (u_char)(len >> 24);
	hdr[1] = (u_char)(len >> 16);
	hdr[2] = (u_char)(len >> 8);
	hdr[3] = (u_char)len;
	hdr[4] = MS_FRAME_RECORD;
	(void)send_raw(hdr, sizeof(hdr));
	expect_close(allow_inner_alert, "record one byte over the maximum");
}

/* Right after SERVER_HELLO, a request under keys nobody derived. */
void
sc_early_record(void)
{
	struct ms_client_hello ch;
	struct ms_record_dir garbage;
	u_char secret[MS_SHA256_LEN];
	int r;

	connect_server();
	default_hello(&ch);
	send_hello(&ch);
	want_server_hello();
	install_hs_keys();	/* only to read what the server sends */
	memset(&garbage, 0, sizeof(garbage));
	if ((r = ms_random_bytes(secret, sizeof(secret))) != 0 ||
	    (r = ms_record_dir_init(&garbage, hc.alg, secret)) != 0)
		local_err(r, "garbage keys");
	msbuf_reset(hc.body);
	msbuf_reset(hc.frame);
	if ((r = msbuf_put_u32(hc.body, 1)) != 0 ||
	    (r = ms_record_seal(&garbage, MS_MSG_STATUS, hc.body,
	    hc.frame)) != 0)
		local_err(r, "seal");
	ms_record_dir_clear(&garbage);
	explicit_bzero(secret, sizeof(secret));
	trail_reset();
	(void)send_buf(hc.frame);
	expect_close(allow_server_auth, "record under garbage keys after "
	    "SERVER_HELLO");
}

/* A well-sealed request under c_hs instead of CLIENT_IDENTITY. */
void
sc_request_before_auth(void)
{
	handshake_to_auth();
	trail_reset();
	msbuf_reset(hc.body);
	if (msbuf_put_u32(hc.body, 1) != 0)
		finish(EXIT_LOCAL, "encode");
	send_record(MS_MSG_STATUS, 0);
	expect_close(allow_inner_alert, "STATUS before authentication");
}

/* Pipelined: a request right behind a proof the server will refuse. */
void
sc_request_after_denied(void)
{
	u_char pub[MS_ED25519_PUB_LEN];

	handshake_to_auth();
	trail_reset();
	EVP_PKEY_free(hc.id);
	hc.id = stranger(pub);
	send_client_auth(hc.id, pub, 0);
	install_ap_keys();
	seal_status();
	(void)send_buf(hc.frame);
	expect_close(allow_auth_refused, "STATUS behind a refused login");
}
