/*
 * fuzz_dispatch.c — the monitor's dispatch table (monitor/mon_dispatch.c
 * and the handlers behind it) driven by a hostile worker: the input is a
 * run of requests, each u8 type || string payload, handed to mon_dispatch
 * in order until one is refused (the monitor then kills the worker).  The
 * monitor has fresh host keys, a store in a scratch directory, the
 * administrator alice (whose key nobody here holds) and the low-rights
 * principal bob: "/" grants bob rwl, and /admin (NOINHERIT, alice only)
 * holds the record FUZZ_SECRET_VALUE.
 *
 * A worker cannot know the monitor's nonce in advance, nor sign for bob,
 * so the harness plays those parts: in a DECAP or SIGN payload whose
 * server hello parses, the server_random and host keys become the
 * monitor's own; in an AUTH transcript_tail that starts with a
 * SERVER_VERIFY, its signature becomes the one SIGN answered, and when
 * the CLIENT_IDENTITY is bob's raw key, CLIENT_VERIFY becomes bob's
 * signature over the monitor's transcript.  The seeds (gen-corpus.c) are
 * whole exchanges: HELLO, DECAP, SIGN, AUTH, then data requests.
 *
 * Invariants (SECURITY.md I2, I4, I6): HELLO, DECAP, SIGN and AUTH each
 * succeed at most once and only in that order; the only principal ever
 * bound is bob, and only for bob's key; no data request is answered
 * before AUTH bound him; no answer ever carries the admin-only value; a
 * refused request ends the run, as the monitor then kills the worker.
 */
#include <sys/types.h>

#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>

#include "buf.h"
#include "crypto.h"
#include "errors.h"
#include "fuzz.h"
#include "fuzz_dispatch_keys.h"
#include "frame.h"
#include "hello.h"
#include "hostkeys.h"
#include "mon.h"
#include "msg_auth.h"
#include "principals.h"
#include "proto.h"
#include "schedule.h"
#include "servconf.h"
#include "store.h"

static struct servconf conf;
static struct hostkeys keys;
static struct principals princ;
static struct principal people[2];
static struct mon_ctx ctx;
static EVP_PKEY *bob;
static char *admin = "alice";
static char storedir[] = "/tmp/ms-fuzz-dispatch-XXXXXX";

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void
rm_store(void)
{
	ms_store_close(ctx.store);
	(void)nftw(storedir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

static void
make_store(void)
{
	struct ms_acl_entry e;
	u_char sk[MS_STORE_KEY_LEN];

	FUZZ_CHECK(mkdtemp(storedir) != NULL);
	memset(sk, 0x5a, sizeof(sk));
	FUZZ_CHECK(ms_store_open(storedir, sk, 0, &ctx.store) == 0);
	atexit(rm_store);
	memset(&e, 0, sizeof(e));
	strlcpy(e.who, "bob", sizeof(e.who));
	e.rights = MS_RIGHT_READ | MS_RIGHT_WRITE | MS_RIGHT_LIST;
	FUZZ_CHECK(ms_store_set_acl(ctx.store, "/", &e, 1, 0, 0) == 0);
	FUZZ_CHECK(ms_store_set(ctx.store, FUZZ_SECRET_PATH, FUZZ_SECRET_RECORD,
	    0, FUZZ_SECRET_VALUE, strlen(FUZZ_SECRET_VALUE), NULL) == 0);
	strlcpy(e.who, "alice", sizeof(e.who));
	e.rights = MS_RIGHTS_ALL;
	FUZZ_CHECK(ms_store_set_acl(ctx.store, FUZZ_SECRET_PATH, &e, 1, 1,
	    0) == 0);
}

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
	conf.admins[0] = admin;
	conf.nadmins = 1;
	FUZZ_CHECK(ms_pkey_generate(MS_KEY_ED25519, &k) == 0);
	strlcpy(people[0].name, "alice", sizeof(people[0].name));
	FUZZ_CHECK(ms_pkey_raw_public(k, people[0].pubkey, 32) == 0);
	EVP_PKEY_free(k);
	bob = fuzz_bob_key();
	strlcpy(people[1].name, "bob", sizeof(people[1].name));
	FUZZ_CHECK(ms_pkey_raw_public(bob, people[1].pubkey, 32) == 0);
	princ.v = people;
	princ.n = 2;
	ctx.conf = &conf;
	ctx.keys = &keys;
	ctx.principals = &princ;
	ctx.certs = NULL;
	make_store();
	return 0;
}

/* The worker's part: put the monitor's nonce and keys into the hello. */
/* The hello frames of the last DECAP, as the monitor keeps them. */
static struct msbuf *seen_ch, *seen_sh;

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
	msbuf_free(seen_ch);
	msbuf_free(seen_sh);
	FUZZ_CHECK((seen_ch = msbuf_from(ch, chlen)) != NULL);
	seen_sh = shf;
	shf = NULL;
	msbuf_free(shf);
	msbuf_free(shp);
	msbuf_free(b);
	return out;
}

/*
 * bob's CLIENT_VERIFY over the transcript the monitor hashes (its hello
 * frames, then the tail), when the tail's CLIENT_IDENTITY is bob's key.
 */
static struct msbuf *
bob_verify(const struct msbuf *tail)
{
	struct ms_client_identity id;
	struct ms_transcript *t;
	struct msbuf *b, *m, *cv;
	u_char th[MS_SHA256_LEN], msg[128], sig[MS_SIG_MAX], pub[32];
	size_t msglen, i;
	int ok = 0;

	if (seen_ch == NULL || seen_sh == NULL)
		return NULL;
	FUZZ_CHECK((b = msbuf_dup(tail)) != NULL);
	/* SERVER_VERIFY, SERVER_FINISHED, then CLIENT_IDENTITY. */
	for (i = 0; i < 3; i++) {
		static const uint8_t want[3] = { MS_MSG_SERVER_VERIFY,
		    MS_MSG_SERVER_FINISHED, MS_MSG_CLIENT_IDENTITY };

		if (ms_canonical_get(b, want[i], MS_FRAME_MAX, &m) != 0)
			goto out;
		if (i == 2) {
			FUZZ_CHECK(ms_pkey_raw_public(bob, pub, 32) == 0);
			ok = ms_client_identity_parse(m, &id) == 0 &&
			    id.id_type == MS_ID_RAW_ED25519 &&
			    id.publen == 32 && memcmp(id.pub, pub, 32) == 0;
		}
		msbuf_free(m);
	}
 out:
	msbuf_free(b);
	if (!ok)
		return NULL;
	FUZZ_CHECK((t = ms_transcript_new()) != NULL);
	FUZZ_CHECK(ms_transcript_add_raw(t, msbuf_ptr(seen_ch),
	    msbuf_len(seen_ch)) == 0);
	FUZZ_CHECK(ms_transcript_add_raw(t, msbuf_ptr(seen_sh),
	    msbuf_len(seen_sh)) == 0);
	/* The tail one message at a time, as the monitor adds it. */
	FUZZ_CHECK((b = msbuf_dup(tail)) != NULL);
	for (i = 0; i < 3; i++) {
		static const uint8_t want[3] = { MS_MSG_SERVER_VERIFY,
		    MS_MSG_SERVER_FINISHED, MS_MSG_CLIENT_IDENTITY };

		FUZZ_CHECK(ms_canonical_get(b, want[i], MS_FRAME_MAX, &m) == 0);
		FUZZ_CHECK(ms_transcript_add(t, want[i], msbuf_ptr(m),
		    msbuf_len(m)) == 0);
		msbuf_free(m);
	}
	msbuf_free(b);
	FUZZ_CHECK(ms_transcript_hash(t, th) == 0);
	ms_transcript_free(t);
	FUZZ_CHECK(ms_sig_message(MS_SIG_CONTEXT_CLIENT, th, msg, sizeof(msg),
	    &msglen) == 0);
	FUZZ_CHECK(ms_ed25519_sign(bob, msg, msglen, sig) == 0);
	FUZZ_CHECK((cv = msbuf_new(MS_FRAME_MAX)) != NULL);
	FUZZ_CHECK(ms_client_verify_put(cv, MS_SIG_ED25519, sig,
	    sizeof(sig)) == 0);
	return cv;
}

/* The monitor's signature into the AUTH transcript_tail, bob's proof. */
static struct msbuf *
fixup_auth(const struct msbuf *req, const u_char sig[MS_SIG_MAX])
{
	struct msbuf *b, *tail, *sv, *body, *out, *nt, *cv;
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
	if ((cv = bob_verify(nt)) != NULL &&
	    msbuf_get_string_direct(b, &t, &tlen, MS_FRAME_MAX) == 0)
		FUZZ_CHECK(msbuf_put_stringb(out, cv) == 0);
	FUZZ_CHECK(msbuf_putb(out, b) == 0);
	msbuf_free(cv);
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
	case MS_MON_RESUME:
		FUZZ_CHECK(msbuf_get_u32(b, &status) == 0);
		FUZZ_CHECK(status == MS_ST_AUTH_FAILED || status == MS_ST_OK);
		break;
	}
	FUZZ_CHECK(memmem(msbuf_ptr(resp), msbuf_len(resp), FUZZ_SECRET_VALUE,
	    strlen(FUZZ_SECRET_VALUE)) == NULL);
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
	int r, before, have_nonce = 0, have_sig = 0;

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
		before = w.state;
		r = mon_dispatch(&ctx, &w, type, fixed != NULL ? fixed : req,
		    resp);
		msbuf_free(fixed);
		if (w.state & MW_AUTHED)
			FUZZ_CHECK(strcmp(w.sess.principal, "bob") == 0);
		if (r != 0)
			break;	/* the monitor kills the worker */
		check_answer(type, resp);
		if (type >= MS_MON_OPEN || type == MS_MON_TICKET) {
			FUZZ_CHECK((before & MW_AUTHED) != 0);
			continue;
		}
		/*
		 * RESUME stands in for AUTH; this monitor has Resumption off,
		 * so it can only refuse.
		 */
		if (type == MS_MON_RESUME) {
			FUZZ_CHECK((done & (1u << (MS_MON_SIGN - MS_MON_HELLO))) &&
			    !(done & (1u << (MS_MON_AUTH - MS_MON_HELLO))));
			FUZZ_CHECK(w.state == MW_REFUSED);
			done |= 1u << (MS_MON_AUTH - MS_MON_HELLO);
			continue;
		}
		FUZZ_CHECK(type >= MS_MON_HELLO && type <= MS_MON_AUTH);
		FUZZ_CHECK((done & (1u << (type - MS_MON_HELLO))) == 0);
		/* Each step needs the one before. */
		FUZZ_CHECK(type == MS_MON_HELLO ||
		    (done & (1u << (type - 1 - MS_MON_HELLO))) != 0);
		done |= 1u << (type - MS_MON_HELLO);
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
	msbuf_free(seen_ch);
	msbuf_free(seen_sh);
	seen_ch = seen_sh = NULL;
	mon_worker_clear(&w);
	msbuf_free(resp);
	msbuf_free(req);
	msbuf_free(in);
	ERR_clear_error();
	return 0;
}
