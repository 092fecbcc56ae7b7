/*
 * proto.c — hostile-client's own client side of docs/PROTOCOL.md, in
 * steps a scenario can stop or bend: hellos, handshake keys, server
 * authentication, the client's proof, and requests after login.
 */
#include "hostile.h"

/* ------------------------------------------------------------- handshake */

void
default_hello(struct ms_client_hello *ch)
{
	int r;

	memset(ch, 0, sizeof(*ch));
	ch->version = MS_PROTO_VERSION;
	ch->ciphers = hc.offer;
	ch->kex.n = 1;
	ch->kex.ids[0] = MS_KEX_X25519_HYBRID;
	ch->sigs.n = 1;
	ch->sigs.ids[0] = MS_SIG_ED25519;
	EVP_PKEY_free(hc.eph);
	hc.eph = NULL;
	if ((r = ms_random_bytes(ch->random, sizeof(ch->random))) != 0 ||
	    (r = ms_pkey_generate(MS_KEY_X25519, &hc.eph)) != 0 ||
	    (r = ms_pkey_raw_public(hc.eph, ch->share, sizeof(ch->share))) != 0)
		local_err(r, "key share");
}

/* Encode ch as a frame into hc.frame (reset first) and the transcript. */
void
encode_hello(const struct ms_client_hello *ch)
{
	struct msbuf *p = xbuf(MS_HELLO_FRAME_MAX);
	int r;

	msbuf_reset(hc.frame);
	if ((r = ms_client_hello_put(p, ch)) != 0 ||
	    (r = ms_frame_encode(hc.frame, MS_FRAME_CLIENT_HELLO, p)) != 0 ||
	    (r = ms_transcript_add_raw(hc.t, msbuf_ptr(hc.frame),
	    msbuf_len(hc.frame))) != 0) {
		msbuf_free(p);
		local_err(r, "encode CLIENT_HELLO");
	}
	msbuf_free(p);
}

void
send_hello(const struct ms_client_hello *ch)
{
	encode_hello(ch);
	(void)send_buf(hc.frame);
}

/* SERVER_HELLO, checked as a correct client would (4.2). */
void
want_server_hello(void)
{
	struct got g;
	struct msbuf *copy;
	int r, alg;

	next(&g, hc.wait_ms);
	if (g.ev != EV_FRAME || g.ftype != MS_FRAME_SERVER_HELLO)
		finish(EXIT_FAIL, "expected SERVER_HELLO: %s", trail());
	if ((r = ms_transcript_add(hc.t, MS_FRAME_SERVER_HELLO,
	    msbuf_ptr(hc.in), msbuf_len(hc.in))) != 0)
		local_err(r, "transcript");
	if ((copy = msbuf_dup(hc.in)) == NULL)
		finish(EXIT_LOCAL, "out of memory");
	r = ms_server_hello_parse(copy, &hc.sh);
	msbuf_free(copy);
	if (r != 0)
		finish(EXIT_FAIL, "malformed SERVER_HELLO (%s)", ms_err(r));
	if (hc.sh.version != MS_PROTO_VERSION)
		finish(EXIT_FAIL, "SERVER_HELLO version 0x%04x", hc.sh.version);
	if (!ms_alg_list_contains(&hc.offer, hc.sh.cipher) ||
	    hc.sh.kex != MS_KEX_X25519_HYBRID || hc.sh.sig != MS_SIG_ED25519 ||
	    (alg = ms_cipher_to_aead(hc.sh.cipher)) < 0)
		finish(EXIT_FAIL, "server chose algorithms not offered "
		    "(cipher 0x%04x kex 0x%04x sig 0x%04x)", hc.sh.cipher,
		    hc.sh.kex, hc.sh.sig);
	if (!ms_ct_equal(hc.sh.host_sig_pub, hc.pin, sizeof(hc.pin)))
		finish(EXIT_LOCAL, "host key in SERVER_HELLO is not the one "
		    "in %s", hc.pubfile);
	hc.cipher = hc.sh.cipher;
	hc.alg = (enum ms_aead)alg;
}

void
install_hs_keys(void)
{
	u_char th[MS_SHA256_LEN], ss_e[32], ss_s[32], stat[MS_SHA256_LEN];
	int r;

	if ((r = ms_transcript_hash(hc.t, th)) != 0)
		local_err(r, "transcript");
	if ((r = ms_x25519_derive(hc.eph, hc.sh.share, ss_e)) != 0 ||
	    (r = ms_x25519_derive(hc.eph, hc.sh.host_kex_pub, ss_s)) != 0)
		finish(EXIT_FAIL, "server sent a bad X25519 share (%s)",
		    ms_err(r));
	if ((r = ms_derive_static(ss_s, th, stat)) != 0 ||
	    (r = ms_derive_resumption(ss_s, th, hc.res)) != 0 ||
	    (r = ms_derive_handshake(stat, ss_e, th, &hc.hs)) != 0 ||
	    (r = ms_record_dir_init(&hc.tx, hc.alg, hc.hs.c_hs)) != 0 ||
	    (r = ms_record_dir_init(&hc.rx, hc.alg, hc.hs.s_hs)) != 0)
		local_err(r, "handshake keys");
	hc.rx_ready = 1;
	explicit_bzero(ss_e, sizeof(ss_e));
	explicit_bzero(ss_s, sizeof(ss_s));
	explicit_bzero(stat, sizeof(stat));
	explicit_bzero(th, sizeof(th));
}

/* SERVER_VERIFY and SERVER_FINISHED, verified. */
void
recv_server_auth(void)
{
	u_char th[MS_SHA256_LEN], sig[MS_ED25519_SIG_LEN], msg[SIG_MSG_MAX];
	u_char want[MS_SHA256_LEN], got_vd[MS_SHA256_LEN];
	struct got g;
	size_t msglen;
	uint16_t alg;
	int r;

	if ((r = ms_transcript_hash(hc.t, th)) != 0)
		local_err(r, "transcript");
	next(&g, hc.wait_ms);
	if (!g.opened || g.itype != MS_MSG_SERVER_VERIFY)
		finish(EXIT_FAIL, "expected SERVER_VERIFY: %s", trail());
	if ((r = ms_transcript_add(hc.t, g.itype, msbuf_ptr(hc.msg),
	    msbuf_len(hc.msg))) != 0)
		local_err(r, "transcript");
	if (msbuf_get_u16(hc.msg, &alg) != 0 ||
	    msbuf_get_string_fixed(hc.msg, sig, sizeof(sig)) != 0 ||
	    msbuf_len(hc.msg) != 0 || alg != hc.sh.sig)
		finish(EXIT_FAIL, "malformed SERVER_VERIFY");
	if ((r = ms_sig_message(MS_SIG_CONTEXT_SERVER, th, msg, sizeof(msg),
	    &msglen)) != 0)
		local_err(r, "signature message");
	if (ms_ed25519_verify(hc.sh.host_sig_pub, msg, msglen, sig,
	    sizeof(sig)) != 0)
		finish(EXIT_FAIL, "server signature over the handshake is bad");

	if ((r = ms_transcript_hash(hc.t, th)) != 0 ||
	    (r = ms_finished_mac(hc.hs.s_fin, th, want)) != 0)
		local_err(r, "finished");
	next(&g, hc.wait_ms);
	if (!g.opened || g.itype != MS_MSG_SERVER_FINISHED)
		finish(EXIT_FAIL, "expected SERVER_FINISHED: %s", trail());
	if ((r = ms_transcript_add(hc.t, g.itype, msbuf_ptr(hc.msg),
	    msbuf_len(hc.msg))) != 0)
		local_err(r, "transcript");
	if (msbuf_get_string_fixed(hc.msg, got_vd, sizeof(got_vd)) != 0 ||
	    msbuf_len(hc.msg) != 0)
		finish(EXIT_FAIL, "malformed SERVER_FINISHED");
	if (!ms_ct_equal(want, got_vd, sizeof(want)))
		finish(EXIT_FAIL, "SERVER_FINISHED does not match");
	explicit_bzero(want, sizeof(want));
	explicit_bzero(th, sizeof(th));
}

/* Seal one record (inner type + hc.body) and send it; hashed if hs. */
void
send_record(uint8_t type, int hash)
{
	int r;

	if (hash && (r = ms_transcript_add(hc.t, type, msbuf_ptr(hc.body),
	    msbuf_len(hc.body))) != 0)
		local_err(r, "transcript");
	msbuf_reset(hc.frame);
	if ((r = ms_record_seal(&hc.tx, type, hc.body, hc.frame)) != 0)
		local_err(r, "seal");
	(void)send_buf(hc.frame);
}

/* CLIENT_IDENTITY, CLIENT_VERIFY, CLIENT_FINISHED as 'key', maybe broken. */
void
send_client_auth(EVP_PKEY *key, const u_char pub[MS_ED25519_PUB_LEN],
    int flip)
{
	u_char th[MS_SHA256_LEN], msg[SIG_MSG_MAX], sig[MS_ED25519_SIG_LEN];
	u_char mac[MS_SHA256_LEN];
	size_t msglen;
	int r;

	msbuf_reset(hc.body);
	if ((r = msbuf_put_u8(hc.body, MS_ID_RAW_ED25519)) != 0 ||
	    (r = msbuf_put_string(hc.body, pub, MS_ED25519_PUB_LEN)) != 0)
		local_err(r, "encode identity");
	send_record(MS_MSG_CLIENT_IDENTITY, 1);

	msbuf_reset(hc.body);
	if ((r = ms_transcript_hash(hc.t, th)) != 0 ||
	    (r = ms_sig_message(MS_SIG_CONTEXT_CLIENT, th, msg, sizeof(msg),
	    &msglen)) != 0 ||
	    (r = ms_ed25519_sign(key, msg, msglen, sig)) != 0)
		local_err(r, "sign");
	if (flip & FLIP_SIG)
		sig[17] ^= 0x04;
	if ((r = msbuf_put_u16(hc.body, MS_SIG_ED25519)) != 0 ||
	    (r = msbuf_put_string(hc.body, sig, sizeof(sig))) != 0)
		local_err(r, "encode signature");
	send_record(MS_MSG_CLIENT_VERIFY, 1);

	msbuf_reset(hc.body);
	if ((r = ms_transcript_hash(hc.t, th)) != 0 ||
	    (r = ms_finished_mac(hc.hs.c_fin, th, mac)) != 0)
		local_err(r, "finished");
	if (flip & FLIP_FIN)
		mac[5] ^= 0x80;
	if ((r = msbuf_put_string(hc.body, mac, sizeof(mac))) != 0)
		local_err(r, "encode finished");
	send_record(MS_MSG_CLIENT_FINISHED, 1);
	explicit_bzero(mac, sizeof(mac));
	explicit_bzero(th, sizeof(th));
}

void
install_ap_keys(void)
{
	struct ms_ap_secrets ap;
	u_char th[MS_SHA256_LEN];
	int r;

	if ((r = ms_transcript_hash(hc.t, th)) != 0 ||
	    (r = ms_derive_application(hc.hs.hs, th, &ap)) != 0 ||
	    (r = ms_record_dir_init(&hc.tx, hc.alg, ap.c_ap)) != 0 ||
	    (r = ms_record_dir_init(&hc.rx, hc.alg, ap.s_ap)) != 0 ||
	    (r = ms_blob_ctx_init(&hc.btx, hc.alg, hc.cipher, ap.c_blob,
	    0)) != 0 ||
	    (r = ms_blob_ctx_init(&hc.brx, hc.alg, hc.cipher, ap.s_blob,
	    1)) != 0)
		local_err(r, "application keys");
	ms_ap_secrets_clear(&ap);
	explicit_bzero(th, sizeof(th));
}

/* Up to and including SERVER_FINISHED, everything done right. */
void
handshake_to_auth(void)
{
	struct ms_client_hello ch;

	connect_server();
	default_hello(&ch);
	send_hello(&ch);
	want_server_hello();
	install_hs_keys();
	recv_server_auth();
}

void
need_identity(void)
{
	if (hc.id == NULL)
		finish(EXIT_LOCAL, "this scenario needs -i IDENTITY");
}

/* A complete, correct login with -i; anything but AUTH_RESULT OK fails. */
void
login(void)
{
	struct got g;

	need_identity();
	handshake_to_auth();
	send_client_auth(hc.id, hc.id_pub, 0);
	install_ap_keys();
	next(&g, hc.wait_ms);
	if (!g.opened || g.itype != MS_MSG_AUTH_RESULT || !g.has_status)
		finish(EXIT_FAIL, "expected AUTH_RESULT: %s", trail());
	if (g.status != MS_ST_OK)
		finish(EXIT_FAIL, "valid login refused: %s", trail());
	vlog("logged in, cipher %s", ms_aead_name(hc.alg));
}

/* -------------------------------------------------------------- requests */

/* Seal request 'type' with fields from hc.body into hc.frame (appended). */
uint32_t
seal_request(uint8_t type, const struct msbuf *fields)
{
	struct msbuf *b = xbuf(MS_RECORD_PLAINTEXT_MAX);
	uint32_t id = ++hc.reqid;
	int r;

	if ((r = msbuf_put_u32(b, id)) != 0 ||
	    (fields != NULL && (r = msbuf_putb(b, fields)) != 0) ||
	    (r = ms_record_seal(&hc.tx, type, b, hc.frame)) != 0) {
		msbuf_free(b);
		local_err(r, "seal request");
	}
	msbuf_free(b);
	return id;
}

/* The response to request 'id'; result fields are left in hc.msg. */
uint32_t
want_response(uint32_t id, const char *what)
{
	struct got g;

	hc.mute = 1;
	next(&g, hc.wait_ms);
	hc.mute = 0;
	if (!g.opened || g.itype != MS_MSG_RESPONSE || !g.has_status)
		finish(EXIT_FAIL, "%s: expected a RESPONSE: %s", what, trail());
	if (g.reqid != id)
		finish(EXIT_FAIL, "%s: response to request %u, not %u", what,
		    g.reqid, id);
	return g.status;
}

uint32_t
request(uint8_t type, const struct msbuf *fields, const char *what)
{
	uint32_t id;

	msbuf_reset(hc.frame);
	id = seal_request(type, fields);
	if (send_buf(hc.frame) != 0)
		vlog("%s: write failed", what);
	return want_response(id, what);
}

uint32_t
op_status(char *principal, size_t plen, uint16_t *cipherp)
{
	char *ver = NULL, *who = NULL;
	uint32_t st, handles;

	if ((st = request(MS_MSG_STATUS, NULL, "STATUS")) != MS_ST_OK)
		return st;
	if (msbuf_get_cstring(hc.msg, &ver, NULL, MS_VERSION_STRING_MAX) != 0 ||
	    msbuf_get_cstring(hc.msg, &who, NULL, MS_PRINCIPAL_MAX) != 0 ||
	    msbuf_get_u32(hc.msg, &handles) != 0 ||
	    msbuf_get_u16(hc.msg, cipherp) != 0 || msbuf_len(hc.msg) != 0) {
		free(ver);
		free(who);
		finish(EXIT_FAIL, "malformed STATUS result");
	}
	sanitize(who);
	strlcpy(principal, who, plen);
	free(ver);
	free(who);
	return st;
}

uint32_t
op_open(const char *path, uint8_t access, uint32_t *handlep)
{
	struct msbuf *f = xbuf(MS_PATH_MAX + 16);
	uint32_t st;
	int r;

	if ((r = msbuf_put_cstring(f, path)) != 0 ||
	    (r = msbuf_put_u8(f, access)) != 0)
		local_err(r, "encode OPEN");
	st = request(MS_MSG_OPEN, f, "OPEN");
	msbuf_free(f);
	*handlep = 0;
	if (st == MS_ST_OK && (msbuf_get_u32(hc.msg, handlep) != 0 ||
	    msbuf_len(hc.msg) != 0))
		finish(EXIT_FAIL, "malformed OPEN result");
	return st;
}

/* SET with flag SECURE and 'blob' (already sealed, maybe for elsewhere). */
uint32_t
op_set_blob(uint32_t handle, const char *record, const struct msbuf *blob)
{
	struct msbuf *f = xbuf(BLOB_MAX + MS_RECORD_NAME_MAX + 64);
	uint32_t st;
	int r;

	if ((r = msbuf_put_u32(f, handle)) != 0 ||
	    (r = msbuf_put_cstring(f, record)) != 0 ||
	    (r = msbuf_put_u8(f, MS_REC_SECURE)) != 0 ||
	    (r = msbuf_put_stringb(f, blob)) != 0)
		local_err(r, "encode SET");
	st = request(MS_MSG_SET, f, "SET");
	msbuf_free(f);
	return st;
}

/*
 * GET; a SECURE value is opened under s_blob for (path, record, handle)
 * and compared with 'want'.  *matchp: 1 equal, 0 different, -1 bad blob.
 */
uint32_t
op_get_check(const char *path, uint32_t handle, const char *record,
    const char *want, int *matchp)
{
	struct msbuf *f = xbuf(MS_RECORD_NAME_MAX + 64), *val;
	const u_char *v;
	uint64_t version, mtime;
	uint32_t st;
	size_t vlen;
	uint8_t flags;
	int r;

	*matchp = 0;
	if ((r = msbuf_put_u32(f, handle)) != 0 ||
	    (r = msbuf_put_cstring(f, record)) != 0)
		local_err(r, "encode GET");
	st = request(MS_MSG_GET, f, "GET");
	msbuf_free(f);
	if (st != MS_ST_OK)
		return st;
	if (msbuf_get_u8(hc.msg, &flags) != 0 ||
	    msbuf_get_u64(hc.msg, &version) != 0 ||
	    msbuf_get_u64(hc.msg, &mtime) != 0 ||
	    msbuf_get_string_direct(hc.msg, &v, &vlen, BLOB_MAX) != 0 ||
	    msbuf_len(hc.msg) != 0)
		finish(EXIT_FAIL, "malformed GET result");
	if ((flags & MS_REC_SECURE) == 0) {
		*matchp = vlen == strlen(want) && ms_ct_equal(v, want, vlen);
		return st;
	}
	val = xbuf(MS_VALUE_MAX);
	if (ms_blob_open(&hc.brx, path, record, handle, v, vlen, val) != 0)
		*matchp = -1;
	else
		*matchp = msbuf_len(val) == strlen(want) &&
		    ms_ct_equal(msbuf_ptr(val), want, msbuf_len(val));
	msbuf_free(val);
	return st;
}
