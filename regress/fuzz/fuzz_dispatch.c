/*
 * fuzz_dispatch.c — the monitor's dispatch table (monitor/mon_dispatch.c
 * and the handlers behind it) driven by a hostile worker: the input is a
 * run of requests, each u8 type || string payload, handed to mon_dispatch
 * in order until one is refused (the monitor then kills the worker).  The
 * monitor has fresh host keys, one principal whose private key nobody
 * knows, and no store.
 *
 * A worker cannot know the monitor's nonce in advance, so the harness
 * plays its part: in a DECAP or SIGN payload whose server hello parses,
 * the server_random and host keys are replaced with the monitor's own
 * before dispatch, and in an AUTH transcript_tail that starts with a
 * SERVER_VERIFY, its signature with the one SIGN answered.  The seeds (gen-corpus.c) are whole pre-authentication
 * exchanges, HELLO, DECAP, SIGN, AUTH, then data requests.
 *
 * Invariants (SECURITY.md I2, I4, I6): HELLO, DECAP, SIGN and AUTH each
 * succeed at most once and only in that order; AUTH never binds a
 * principal (nobody here can sign for one) and its answer is AUTH_FAILED;
 * no data request is ever answered before AUTH (the store is NULL, so one
 * that got through would crash); DECAP answers a 32-byte secret and SIGN
 * a 64-byte signature; a refused request ends the run, as the monitor
 * then kills the worker.
 */
#include <sys/types.h>

#include <string.h>

#include <openssl/err.h>

#include "buf.h"
#include "crypto.h"
#include "errors.h"
#include "fuzz.h"
#include "frame.h"
#include "hello.h"
#include "hostkeys.h"
#include "mon.h"
#include "msg_auth.h"
#include "principals.h"
#include "proto.h"
#include "servconf.h"

static struct servconf conf;
static struct hostkeys keys;
static struct principals princ;
static struct principal one;
static struct mon_ctx ctx;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	EVP_PKEY *k;

	fuzz_quiet();
	FUZZ_CHECK(ms_crypto_init() == 0);
	servconf_init(&conf);
	conf.ciphers.n = 2;
	conf.ciphers.ids[0] = MS_CIPHER_AES256_GCM;
	conf.ciphers.ids[1] = MS_CIPHER_CHACHA20_POLY1305;
	conf.kex.n = 1;
	conf.kex.ids[0] = MS_KEX_X25519_HYBRID;
	conf.sig_algs.n = 1;
	conf.sig_algs.ids[0] = MS_SIG_ED25519;
	conf.max_value_size = MS_VALUE_MAX;
	conf.min_rsa_bits = 2048;
	conf.cert_principal = CERT_PRINCIPAL_SAN_URI;
	FUZZ_CHECK(ms_pkey_generate(MS_KEY_ED25519, &keys.sig) == 0);
	FUZZ_CHECK(ms_pkey_generate(MS_KEY_X25519, &keys.kex) == 0);
	FUZZ_CHECK(ms_pkey_raw_public(keys.sig, keys.sig_pub, 32) == 0);
	FUZZ_CHECK(ms_pkey_raw_public(keys.kex, keys.kex_pub, 32) == 0);
	FUZZ_CHECK(ms_pkey_generate(MS_KEY_ED25519, &k) == 0);
	strlcpy(one.name, "alice", sizeof(one.name));
	FUZZ_CHECK(ms_pkey_raw_public(k, one.pubkey, 32) == 0);
	EVP_PKEY_free(k);
	princ.v = &one;
	princ.n = 1;
	ctx.conf = &conf;
	ctx.keys = &keys;
	ctx.principals = &princ;
	ctx.store = NULL;
	ctx.certs = NULL;
	return 0;
}

/* The worker's part: put the monitor's nonce and keys into the hello. */
static struct msbuf *
fixup(const struct msbuf *req, const u_char nonce[MS_RANDOM_LEN])
{
	struct ms_server_hello sh;
	struct msbuf *b, *out, *shp, *shf;
	const u_char *ch, *shv;
	size_t chlen, shlen;

	FUZZ_CHECK((b = msbuf_dup(req)) != NULL);
	if (msbuf_get_string_direct(b, &ch, &chlen, MS_FRAME_MAX) != 0 ||
	    msbuf_get_string_direct(b, &shv, &shlen, MS_FRAME_MAX) != 0 ||
	    ms_server_hello_parse_frame(shv, shlen, &sh) != 0) {
		msbuf_free(b);
		return NULL;
	}
	memcpy(sh.random, nonce, MS_RANDOM_LEN);
	memcpy(sh.host_kex_pub, keys.kex_pub, 32);
	memcpy(sh.host_sig_pub, keys.sig_pub, 32);
	FUZZ_CHECK((shp = msbuf_new(MS_FRAME_MAX)) != NULL);
	FUZZ_CHECK((shf = msbuf_new(MS_FRAME_MAX)) != NULL);
	FUZZ_CHECK((out = msbuf_new(MS_FRAME_MAX * 2)) != NULL);
	FUZZ_CHECK(ms_server_hello_put(shp, &sh) == 0);
	FUZZ_CHECK(ms_frame_encode(shf, MS_FRAME_SERVER_HELLO, shp) == 0);
	FUZZ_CHECK(msbuf_put_string(out, ch, chlen) == 0);
	FUZZ_CHECK(msbuf_put_stringb(out, shf) == 0);
	FUZZ_CHECK(msbuf_putb(out, b) == 0);
	msbuf_free(shf);
	msbuf_free(shp);
	msbuf_free(b);
	return out;
}

/* And the monitor's signature into the AUTH transcript_tail. */
static struct msbuf *
fixup_auth(const struct msbuf *req, const u_char sig[MS_SIG_MAX])
{
	struct msbuf *b, *tail, *sv, *body, *out, *nt;
	const u_char *t;
	size_t tlen;

	FUZZ_CHECK((b = msbuf_dup(req)) != NULL);
	if (msbuf_get_string_direct(b, &t, &tlen, MS_FRAME_MAX) != 0) {
		msbuf_free(b);
		return NULL;
	}
	FUZZ_CHECK((tail = msbuf_from(t, tlen)) != NULL);
	if (ms_canonical_get(tail, MS_MSG_SERVER_VERIFY, MS_FRAME_MAX,
	    &sv) != 0) {
		msbuf_free(tail);
		msbuf_free(b);
		return NULL;
	}
	FUZZ_CHECK((body = msbuf_new(MS_FRAME_MAX)) != NULL);
	FUZZ_CHECK((out = msbuf_new(MS_FRAME_MAX * 2)) != NULL);
	FUZZ_CHECK((nt = msbuf_new(MS_FRAME_MAX * 2)) != NULL);
	FUZZ_CHECK(ms_server_verify_put(body, MS_SIG_ED25519, sig) == 0);
	FUZZ_CHECK(ms_frame_encode(nt, MS_MSG_SERVER_VERIFY, body) == 0);
	FUZZ_CHECK(msbuf_putb(nt, tail) == 0);
	FUZZ_CHECK(msbuf_put_stringb(out, nt) == 0);
	FUZZ_CHECK(msbuf_putb(out, b) == 0);
	msbuf_free(nt);
	msbuf_free(body);
	msbuf_free(sv);
	msbuf_free(tail);
	msbuf_free(b);
	return out;
}

static void
check_answer(uint8_t type, const struct msbuf *resp)
{
	struct msbuf *b;
	const u_char *p;
	size_t len;
	uint32_t status;

	FUZZ_CHECK((b = msbuf_dup(resp)) != NULL);
	switch (type) {
	case MS_MON_DECAP:
		FUZZ_CHECK(msbuf_get_string_direct(b, &p, &len, 64) == 0);
		FUZZ_CHECK(len == 32 && msbuf_len(b) == 0);
		break;
	case MS_MON_SIGN:
		FUZZ_CHECK(msbuf_get_string_direct(b, &p, &len, 64) == 0);
		FUZZ_CHECK(len == 64 && msbuf_len(b) == 0);
		break;
	case MS_MON_AUTH:
		FUZZ_CHECK(msbuf_get_u32(b, &status) == 0);
		FUZZ_CHECK(status == MS_ST_AUTH_FAILED);
		break;
	}
	msbuf_free(b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mon_worker w;
	struct msbuf *in, *req, *resp, *fixed;
	u_char nonce[MS_RANDOM_LEN], sig[MS_SIG_MAX];
	uint32_t done = 0;
	uint8_t type;
	int r, have_nonce = 0, have_sig = 0;

	mon_worker_init(&w, 4242, "192.0.2.1:4242");
	FUZZ_CHECK((in = msbuf_from(data, size)) != NULL);
	FUZZ_CHECK((req = msbuf_new(MS_FRAME_MAX)) != NULL);
	FUZZ_CHECK((resp = msbuf_new(MS_FRAME_MAX)) != NULL);
	while (msbuf_get_u8(in, &type) == 0) {
		msbuf_reset(req);
		if (msbuf_get_stringb(in, req, MS_FRAME_MAX) != 0)
			break;
		fixed = NULL;
		if (have_nonce && (type == MS_MON_DECAP || type == MS_MON_SIGN))
			fixed = fixup(req, nonce);
		if (have_sig && type == MS_MON_AUTH)
			fixed = fixup_auth(req, sig);
		r = mon_dispatch(&ctx, &w, type, fixed != NULL ? fixed : req,
		    resp);
		msbuf_free(fixed);
		FUZZ_CHECK((w.state & MW_AUTHED) == 0);
		if (r != 0)
			break;	/* the monitor kills the worker */
		FUZZ_CHECK(type >= MS_MON_HELLO && type <= MS_MON_AUTH);
		FUZZ_CHECK((done & (1u << (type - MS_MON_HELLO))) == 0);
		/* Each step needs the one before. */
		FUZZ_CHECK(type == MS_MON_HELLO ||
		    (done & (1u << (type - 1 - MS_MON_HELLO))) != 0);
		done |= 1u << (type - MS_MON_HELLO);
		check_answer(type, resp);
		if (type == MS_MON_HELLO) {
			FUZZ_CHECK(msbuf_len(resp) >= MS_RANDOM_LEN);
			memcpy(nonce, msbuf_ptr(resp), MS_RANDOM_LEN);
			have_nonce = 1;
		}
		if (type == MS_MON_SIGN) {
			/* string signature: skip the u32 length. */
			FUZZ_CHECK(msbuf_peek(resp, 4, sig, sizeof(sig)) == 0);
			have_sig = 1;
		}
	}
	mon_worker_clear(&w);
	msbuf_free(resp);
	msbuf_free(req);
	msbuf_free(in);
	ERR_clear_error();
	return 0;
}
