/*
 * test_mon_dispatch.c — drive the monitor's dispatch table in-process with
 * fake worker requests: the happy path of a whole handshake and data
 * requests, and every out-of-state, repeated, foreign or malformed request
 * an attacker-controlled worker might send (I2, I3, I4, I6).
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "crypto.h"
#include "errors.h"
#include "frame.h"
#include "hello.h"
#include "hostkeys.h"
#include "log.h"
#include "mon.h"
#include "principals.h"
#include "proto.h"
#include "schedule.h"
#include "servconf.h"
#include "store.h"

struct fixture {
	char			 dir[64];
	struct servconf		 conf;
	struct hostkeys		 keys;
	struct principals	 principals;
	struct ms_store		*store;
	struct mon_ctx		 ctx;
	EVP_PKEY		*alice, *bob, *mallory;
	char			*admin_name;
};

/* A simulated client + worker: what a real worker would send. */
struct session {
	struct mon_worker	 w;
	EVP_PKEY		*eph;
	struct msbuf		*ch, *sh;	/* frames */
	u_char			 nonce[32];
	u_char			 sig[64];
};

static void
add_principal(struct principals *p, const char *name, EVP_PKEY *key)
{
	p->v = reallocarray(p->v, p->n + 1, sizeof(*p->v));
	assert_non_null(p->v);
	memset(&p->v[p->n], 0, sizeof(p->v[p->n]));
	strlcpy(p->v[p->n].name, name, sizeof(p->v[p->n].name));
	assert_int_equal(ms_pkey_raw_public(key, p->v[p->n].pubkey, 32), 0);
	p->n++;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	u_char sk[32];

	assert_non_null(f);
	strlcpy(f->dir, "/tmp/ms-disp-XXXXXX", sizeof(f->dir));
	assert_non_null(mkdtemp(f->dir));
	servconf_init(&f->conf);
	f->conf.ciphers.n = 2;
	f->conf.ciphers.ids[0] = MS_CIPHER_AES256_GCM;
	f->conf.ciphers.ids[1] = MS_CIPHER_CHACHA20_POLY1305;
	f->conf.max_value_size = MS_VALUE_MAX;
	f->admin_name = strdup("alice");
	f->conf.admins[0] = f->admin_name;
	f->conf.nadmins = 1;

	assert_int_equal(ms_pkey_generate(MS_KEY_ED25519, &f->keys.sig), 0);
	assert_int_equal(ms_pkey_generate(MS_KEY_X25519, &f->keys.kex), 0);
	assert_int_equal(ms_pkey_raw_public(f->keys.sig, f->keys.sig_pub, 32), 0);
	assert_int_equal(ms_pkey_raw_public(f->keys.kex, f->keys.kex_pub, 32), 0);
	assert_int_equal(ms_random_bytes(sk, sizeof(sk)), 0);
	assert_int_equal(ms_store_open(f->dir, sk, 0, &f->store), 0);

	assert_int_equal(ms_pkey_generate(MS_KEY_ED25519, &f->alice), 0);
	assert_int_equal(ms_pkey_generate(MS_KEY_ED25519, &f->bob), 0);
	assert_int_equal(ms_pkey_generate(MS_KEY_ED25519, &f->mallory), 0);
	add_principal(&f->principals, "alice", f->alice);
	add_principal(&f->principals, "bob", f->bob);

	f->ctx.conf = &f->conf;
	f->ctx.keys = &f->keys;
	f->ctx.principals = &f->principals;
	f->ctx.store = f->store;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	ms_store_close(f->store);
	EVP_PKEY_free(f->keys.sig);
	EVP_PKEY_free(f->keys.kex);
	EVP_PKEY_free(f->alice);
	EVP_PKEY_free(f->bob);
	EVP_PKEY_free(f->mallory);
	free(f->principals.v);
	free(f->admin_name);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* Send one request; returns mon_dispatch's result, answer in resp. */
static int
call(struct fixture *f, struct session *s, uint8_t type, struct msbuf *req,
    struct msbuf *resp)
{
	return mon_dispatch(&f->ctx, &s->w, type, req, resp);
}

static struct msbuf *
newbuf(void)
{
	struct msbuf *b = msbuf_new(MS_FRAME_MAX);

	assert_non_null(b);
	return b;
}

static void
session_start(struct fixture *f, struct session *s)
{
	struct msbuf *req = newbuf(), *resp = newbuf();

	memset(s, 0, sizeof(*s));
	mon_worker_init(&s->w, 4242, "127.0.0.1:1");
	assert_int_equal(call(f, s, MS_MON_HELLO, req, resp), 0);
	assert_int_equal(msbuf_get(resp, s->nonce, 32), 0);
	msbuf_free(req);
	msbuf_free(resp);
}

static void
build_hellos(struct fixture *f, struct session *s, const u_char *nonce)
{
	struct ms_client_hello ch;
	struct ms_server_hello sh;
	struct msbuf *p = newbuf();
	EVP_PKEY *server_eph;

	memset(&ch, 0, sizeof(ch));
	ch.version = MS_PROTO_VERSION;
	ms_random_bytes(ch.random, sizeof(ch.random));
	ch.ciphers.n = 1;
	ch.ciphers.ids[0] = MS_CIPHER_AES256_GCM;
	ch.kex.n = 1;
	ch.kex.ids[0] = MS_KEX_X25519_HYBRID;
	ch.sigs.n = 1;
	ch.sigs.ids[0] = MS_SIG_ED25519;
	assert_int_equal(ms_pkey_generate(MS_KEY_X25519, &s->eph), 0);
	assert_int_equal(ms_pkey_raw_public(s->eph, ch.share, 32), 0);
	s->ch = newbuf();
	assert_int_equal(ms_client_hello_put(p, &ch), 0);
	assert_int_equal(ms_frame_encode(s->ch, MS_FRAME_CLIENT_HELLO, p), 0);

	memset(&sh, 0, sizeof(sh));
	sh.version = MS_PROTO_VERSION;
	memcpy(sh.random, nonce, 32);
	sh.cipher = MS_CIPHER_AES256_GCM;
	sh.kex = MS_KEX_X25519_HYBRID;
	sh.sig = MS_SIG_ED25519;
	assert_int_equal(ms_pkey_generate(MS_KEY_X25519, &server_eph), 0);
	assert_int_equal(ms_pkey_raw_public(server_eph, sh.share, 32), 0);
	EVP_PKEY_free(server_eph);
	memcpy(sh.host_kex_pub, f->keys.kex_pub, 32);
	memcpy(sh.host_sig_pub, f->keys.sig_pub, 32);
	msbuf_reset(p);
	s->sh = newbuf();
	assert_int_equal(ms_server_hello_put(p, &sh), 0);
	assert_int_equal(ms_frame_encode(s->sh, MS_FRAME_SERVER_HELLO, p), 0);
	msbuf_free(p);
}

static struct msbuf *
hellos_req(struct session *s)
{
	struct msbuf *req = newbuf();

	assert_int_equal(msbuf_put_stringb(req, s->ch), 0);
	assert_int_equal(msbuf_put_stringb(req, s->sh), 0);
	return req;
}

static void
th_of(const struct msbuf *a, const struct msbuf *b, const struct msbuf *c,
    u_char th[32])
{
	struct ms_transcript *t = ms_transcript_new();

	assert_non_null(t);
	assert_int_equal(ms_transcript_add_raw(t, msbuf_ptr(a), msbuf_len(a)), 0);
	assert_int_equal(ms_transcript_add_raw(t, msbuf_ptr(b), msbuf_len(b)), 0);
	if (c != NULL) {
		/* c is SERVER_VERIFY || SERVER_FINISHED || CLIENT_IDENTITY. */
		struct msbuf *d = msbuf_dup(c);
		uint32_t len;

		while (msbuf_len(d) > 0) {
			assert_int_equal(msbuf_peek_u32(d, 0, &len), 0);
			assert_int_equal(ms_transcript_add_raw(t, msbuf_ptr(d),
			    4 + len), 0);
			assert_int_equal(msbuf_consume(d, 4 + len), 0);
		}
		msbuf_free(d);
	}
	assert_int_equal(ms_transcript_hash(t, th), 0);
	ms_transcript_free(t);
}

static void
session_kex(struct fixture *f, struct session *s)
{
	struct msbuf *req, *resp = newbuf();
	u_char got[32], want[32], ss_s[32], th[32], msg[128];
	size_t msglen;

	build_hellos(f, s, s->nonce);
	req = hellos_req(s);
	assert_int_equal(call(f, s, MS_MON_DECAP, req, resp), 0);
	assert_int_equal(msbuf_get_string_fixed(resp, got, 32), 0);
	/* The static secret is transcript-bound HKDF output, not ss_s. */
	assert_int_equal(ms_x25519_derive(s->eph, f->keys.kex_pub, ss_s), 0);
	th_of(s->ch, s->sh, NULL, th);
	assert_int_equal(ms_derive_static(ss_s, th, want), 0);
	assert_memory_equal(got, want, 32);
	assert_memory_not_equal(got, ss_s, 32);
	msbuf_free(req);

	req = hellos_req(s);
	assert_int_equal(call(f, s, MS_MON_SIGN, req, resp), 0);
	assert_int_equal(msbuf_get_string_fixed(resp, s->sig, 64), 0);
	assert_int_equal(ms_sig_message(MS_SIG_CONTEXT_SERVER, th, msg,
	    sizeof(msg), &msglen), 0);
	assert_int_equal(ms_ed25519_verify(f->keys.sig_pub, msg, msglen,
	    s->sig, 64), 0);
	msbuf_free(req);
	msbuf_free(resp);
}

/* AUTH with 'key' claiming to be 'idkey' (normally the same key). */
static uint32_t
session_auth(struct fixture *f, struct session *s, EVP_PKEY *signer,
    EVP_PKEY *idkey, int expect_rc)
{
	struct msbuf *tail = newbuf(), *req = newbuf(), *resp = newbuf();
	struct msbuf *cv = newbuf();
	u_char th[32], msg[128], sig[64], pub[32], mac[32] = { 0 };
	size_t msglen;
	uint32_t status = 0xffffffff;

	assert_int_equal(ms_pkey_raw_public(idkey, pub, 32), 0);
	assert_int_equal(msbuf_put_u32(tail, 1 + 2 + 4 + 64), 0);
	assert_int_equal(msbuf_put_u8(tail, MS_MSG_SERVER_VERIFY), 0);
	assert_int_equal(msbuf_put_u16(tail, MS_SIG_ED25519), 0);
	assert_int_equal(msbuf_put_string(tail, s->sig, 64), 0);
	assert_int_equal(msbuf_put_u32(tail, 1 + 4 + 32), 0);
	assert_int_equal(msbuf_put_u8(tail, MS_MSG_SERVER_FINISHED), 0);
	assert_int_equal(msbuf_put_string(tail, mac, 32), 0);
	assert_int_equal(msbuf_put_u32(tail, 1 + 1 + 4 + 32), 0);
	assert_int_equal(msbuf_put_u8(tail, MS_MSG_CLIENT_IDENTITY), 0);
	assert_int_equal(msbuf_put_u8(tail, MS_ID_RAW_ED25519), 0);
	assert_int_equal(msbuf_put_string(tail, pub, 32), 0);
	th_of(s->ch, s->sh, tail, th);
	assert_int_equal(ms_sig_message(MS_SIG_CONTEXT_CLIENT, th, msg,
	    sizeof(msg), &msglen), 0);
	assert_int_equal(ms_ed25519_sign(signer, msg, msglen, sig), 0);
	assert_int_equal(msbuf_put_u16(cv, MS_SIG_ED25519), 0);
	assert_int_equal(msbuf_put_string(cv, sig, 64), 0);
	assert_int_equal(msbuf_put_stringb(req, tail), 0);
	assert_int_equal(msbuf_put_stringb(req, cv), 0);
	assert_int_equal(msbuf_put_u8(req, 1), 0);	/* finished ok */
	assert_int_equal(call(f, s, MS_MON_AUTH, req, resp) == 0,
	    expect_rc == 0);
	if (expect_rc == 0)
		assert_int_equal(msbuf_get_u32(resp, &status), 0);
	msbuf_free(tail);
	msbuf_free(req);
	msbuf_free(resp);
	msbuf_free(cv);
	return status;
}

static void
session_free(struct session *s)
{
	EVP_PKEY_free(s->eph);
	msbuf_free(s->ch);
	msbuf_free(s->sh);
	mon_worker_clear(&s->w);
}

static uint32_t
data_set(struct fixture *f, struct session *s, const char *path,
    const char *rec, uint8_t flags, const char *value)
{
	struct msbuf *req = newbuf(), *resp = newbuf();
	uint32_t st;

	assert_int_equal(msbuf_put_cstring(req, path), 0);
	assert_int_equal(msbuf_put_cstring(req, rec), 0);
	assert_int_equal(msbuf_put_u8(req, flags), 0);
	assert_int_equal(msbuf_put_cstring(req, value), 0);
	assert_int_equal(call(f, s, MS_MON_SET, req, resp), 0);
	assert_int_equal(msbuf_get_u32(resp, &st), 0);
	msbuf_free(req);
	msbuf_free(resp);
	return st;
}

static uint32_t
data_get(struct fixture *f, struct session *s, const char *path,
    const char *rec, char *out, size_t outlen)
{
	struct msbuf *req = newbuf(), *resp = newbuf();
	u_char *v = NULL;
	size_t vlen;
	uint64_t u64;
	uint32_t st;
	uint8_t flags;

	assert_int_equal(msbuf_put_cstring(req, path), 0);
	assert_int_equal(msbuf_put_cstring(req, rec), 0);
	assert_int_equal(call(f, s, MS_MON_GET, req, resp), 0);
	assert_int_equal(msbuf_get_u32(resp, &st), 0);
	if (st == MS_ST_OK) {
		assert_int_equal(msbuf_get_u8(resp, &flags), 0);
		assert_int_equal(msbuf_get_u64(resp, &u64), 0);
		assert_int_equal(msbuf_get_u64(resp, &u64), 0);
		assert_int_equal(msbuf_get_string(resp, &v, &vlen, 1 << 20), 0);
		strlcpy(out, (char *)v, outlen);
		free(v);
	}
	msbuf_free(req);
	msbuf_free(resp);
	return st;
}

static void
test_happy_path(void **state)
{
	struct fixture *f = *state;
	struct session s;
	char v[64];

	session_start(f, &s);
	session_kex(f, &s);
	assert_int_equal(session_auth(f, &s, f->alice, f->alice, 0), MS_ST_OK);
	assert_string_equal(s.w.principal, "alice");
	assert_int_equal(data_set(f, &s, "/app/db", "password",
	    MS_REC_SECURE, "hunter2"), MS_ST_OK);
	assert_int_equal(data_get(f, &s, "/app/db", "password", v, sizeof(v)),
	    MS_ST_OK);
	assert_string_equal(v, "hunter2");
	assert_int_equal(data_get(f, &s, "/app/db", "nope", v, sizeof(v)),
	    MS_ST_RECORD_NOT_FOUND);
	assert_int_equal(data_set(f, &s, "/app/../x", "r", 0, "v"),
	    MS_ST_INVALID_ARGUMENT);
	session_free(&s);
}

static void
test_acl_enforced_on_bound_principal(void **state)
{
	struct fixture *f = *state;
	struct session a, b;
	char v[64];

	session_start(f, &a);
	session_kex(f, &a);
	assert_int_equal(session_auth(f, &a, f->alice, f->alice, 0), MS_ST_OK);
	assert_int_equal(data_set(f, &a, "/secret", "k", 0, "v1"), MS_ST_OK);

	/* bob authenticated but has no ACL entry: default deny. */
	session_start(f, &b);
	session_kex(f, &b);
	assert_int_equal(session_auth(f, &b, f->bob, f->bob, 0), MS_ST_OK);
	assert_int_equal(data_get(f, &b, "/secret", "k", v, sizeof(v)),
	    MS_ST_ACCESS_DENIED);
	assert_int_equal(data_set(f, &b, "/secret", "k", 0, "evil"),
	    MS_ST_ACCESS_DENIED);
	assert_int_equal(data_get(f, &a, "/secret", "k", v, sizeof(v)),
	    MS_ST_OK);
	assert_string_equal(v, "v1");
	session_free(&a);
	session_free(&b);
}

static void
test_out_of_state_requests_refused(void **state)
{
	struct fixture *f = *state;
	struct session s;
	struct msbuf *req = newbuf(), *resp = newbuf();

	memset(&s, 0, sizeof(s));
	mon_worker_init(&s.w, 1, "x");
	/* Data, decap, sign and auth before hello: all refused. */
	assert_int_equal(msbuf_put_cstring(req, "/"), 0);
	assert_int_not_equal(call(f, &s, MS_MON_LIST, req, resp), 0);
	msbuf_reset(req);
	assert_int_not_equal(call(f, &s, MS_MON_DECAP, req, resp), 0);
	assert_int_not_equal(call(f, &s, MS_MON_SIGN, req, resp), 0);
	assert_int_not_equal(call(f, &s, MS_MON_AUTH, req, resp), 0);
	/* Unknown request type. */
	assert_int_not_equal(call(f, &s, 0x99, req, resp), 0);
	assert_int_not_equal(call(f, &s, MS_MON_CONFIG, req, resp), 0);
	msbuf_free(req);
	msbuf_free(resp);
	mon_worker_clear(&s.w);
}

static void
test_once_only(void **state)
{
	struct fixture *f = *state;
	struct session s;
	struct msbuf *req = newbuf(), *resp = newbuf();

	session_start(f, &s);
	/* A second HELLO (fresh nonce) is refused. */
	assert_int_not_equal(call(f, &s, MS_MON_HELLO, req, resp), 0);
	msbuf_free(req);
	session_free(&s);

	session_start(f, &s);
	session_kex(f, &s);
	/* Sign twice, decap twice: refused. */
	req = hellos_req(&s);
	assert_int_not_equal(call(f, &s, MS_MON_SIGN, req, resp), 0);
	msbuf_free(req);
	req = hellos_req(&s);
	assert_int_not_equal(call(f, &s, MS_MON_DECAP, req, resp), 0);
	msbuf_free(req);
	msbuf_free(resp);
	session_free(&s);
}

static void
test_decap_needs_own_nonce(void **state)
{
	struct fixture *f = *state;
	struct session s, other;
	struct msbuf *req, *resp = newbuf();

	/* A transcript carrying another worker's nonce is refused. */
	session_start(f, &other);
	session_start(f, &s);
	build_hellos(f, &s, other.nonce);
	req = hellos_req(&s);
	assert_int_not_equal(call(f, &s, MS_MON_DECAP, req, resp), 0);
	msbuf_free(req);
	session_free(&s);
	session_free(&other);

	/* A transcript with foreign host keys is refused. */
	session_start(f, &s);
	build_hellos(f, &s, s.nonce);
	{
		u_char *p;

		/* Last 32 bytes of the SH frame are host_sig_pub. */
		assert_int_equal(msbuf_consume_end(s.sh, 32), 0);
		assert_int_equal(msbuf_reserve(s.sh, 32, &p), 0);
		memset(p, 0x42, 32);
	}
	req = hellos_req(&s);
	assert_int_not_equal(call(f, &s, MS_MON_DECAP, req, resp), 0);
	msbuf_free(req);
	msbuf_free(resp);
	session_free(&s);
}

static void
test_sign_arbitrary_bytes_refused(void **state)
{
	struct fixture *f = *state;
	struct session s;
	struct msbuf *req = newbuf(), *resp = newbuf();
	u_char junk[32];

	session_start(f, &s);
	session_kex(f, &s);
	/* Reset the once bit for SIGN is impossible; use a fresh session. */
	session_free(&s);
	session_start(f, &s);
	build_hellos(f, &s, s.nonce);
	{
		struct msbuf *d = hellos_req(&s);

		assert_int_equal(call(f, &s, MS_MON_DECAP, d, resp), 0);
		msbuf_free(d);
	}
	memset(junk, 0x11, sizeof(junk));
	assert_int_equal(msbuf_put_string(req, junk, 32), 0);
	assert_int_equal(msbuf_put_string(req, junk, 32), 0);
	assert_int_not_equal(call(f, &s, MS_MON_SIGN, req, resp), 0);
	msbuf_free(req);
	msbuf_free(resp);
	session_free(&s);
}

static void
test_auth_failures(void **state)
{
	struct fixture *f = *state;
	struct session s;
	struct msbuf *req = newbuf(), *resp = newbuf();

	/* Unknown key: AUTH_FAILED, then data requests are refused. */
	session_start(f, &s);
	session_kex(f, &s);
	assert_int_equal(session_auth(f, &s, f->mallory, f->mallory, 0),
	    MS_ST_AUTH_FAILED);
	assert_int_equal(msbuf_put_cstring(req, "/"), 0);
	assert_int_not_equal(call(f, &s, MS_MON_LIST, req, resp), 0);
	session_free(&s);

	/* Claiming alice's key without her private key: AUTH_FAILED. */
	session_start(f, &s);
	session_kex(f, &s);
	assert_int_equal(session_auth(f, &s, f->mallory, f->alice, 0),
	    MS_ST_AUTH_FAILED);
	assert_string_equal(s.w.principal, "");
	session_free(&s);

	/* A worker that tampers with the server signature is killed. */
	session_start(f, &s);
	session_kex(f, &s);
	s.sig[0] ^= 1;
	session_auth(f, &s, f->alice, f->alice, -1);
	session_free(&s);
	msbuf_free(req);
	msbuf_free(resp);
}

static void
test_malformed_and_trailing(void **state)
{
	struct fixture *f = *state;
	struct session s;
	struct msbuf *req = newbuf(), *resp = newbuf();

	session_start(f, &s);
	session_kex(f, &s);
	assert_int_equal(session_auth(f, &s, f->alice, f->alice, 0), MS_ST_OK);
	/* Oversize length prefix. */
	assert_int_equal(msbuf_put_u32(req, 0xffffffff), 0);
	assert_int_not_equal(call(f, &s, MS_MON_GET, req, resp), 0);
	/* Trailing bytes after a valid STATUS. */
	msbuf_reset(req);
	assert_int_equal(msbuf_put_u8(req, 0), 0);
	assert_int_not_equal(call(f, &s, MS_MON_STATUS, req, resp), 0);
	/* Truncated SET. */
	msbuf_reset(req);
	assert_int_equal(msbuf_put_cstring(req, "/a"), 0);
	assert_int_not_equal(call(f, &s, MS_MON_SET, req, resp), 0);
	msbuf_free(req);
	msbuf_free(resp);
	session_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_happy_path),
		cmocka_unit_test(test_acl_enforced_on_bound_principal),
		cmocka_unit_test(test_out_of_state_requests_refused),
		cmocka_unit_test(test_once_only),
		cmocka_unit_test(test_decap_needs_own_nonce),
		cmocka_unit_test(test_sign_arbitrary_bytes_refused),
		cmocka_unit_test(test_auth_failures),
		cmocka_unit_test(test_malformed_and_trailing),
	};

	ms_log_init("test_mon_dispatch", getenv("TEST_DEBUG") ? MS_LOG_DEBUG3 : MS_LOG_QUIET, 1, -1);
	return cmocka_run_group_tests(tests, setup, teardown);
}
