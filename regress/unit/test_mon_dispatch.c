/*
 * test_mon_dispatch.c — drive the monitor's dispatch table in-process with
 * fake worker requests: the happy path of a whole handshake and data
 * requests, and every out-of-state, repeated, foreign or malformed request
 * an attacker-controlled worker might send (I2, I3, I4, I6).  Client
 * certificates (id_type 2), the host certificate in HELLO/SIGN/AUTH and
 * SENSITIVE subtrees use a small PKI made here with OpenSSL.
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

#include "certgen.h"

#include "acl.h"
#include "buf.h"
#include "certs.h"
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
#include "sigalg.h"
#include "store.h"

#define DAY	(24L * 3600)

struct fixture {
	char			 dir[64];
	struct servconf		 conf;
	struct hostkeys		 keys;
	struct principals	 principals;
	struct ms_store		*store;
	struct mon_ctx		 ctx;
	EVP_PKEY		*alice, *bob, *mallory;
	char			*admin_name;
	/* PKI: a root CA, its CRL revoking serial 666, a foreign CA. */
	EVP_PKEY		*ca_key, *other_key, *leaf_key;
	X509			*ca, *other_ca;
	char			 ca_path[96], crl_path[96];
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

static void
add_cert_principal(struct principals *p, const char *name, const char *group)
{
	p->v = reallocarray(p->v, p->n + 1, sizeof(*p->v));
	assert_non_null(p->v);
	memset(&p->v[p->n], 0, sizeof(p->v[p->n]));
	strlcpy(p->v[p->n].name, name, sizeof(p->v[p->n].name));
	p->v[p->n].cert = 1;
	assert_non_null(p->v[p->n].groups[0] = strdup(group));
	p->v[p->n].ngroups = 1;
	p->n++;
}

static void
setup_pki(struct fixture *f)
{
	struct cg_opts o = { "Dispatch Root", NULL, -DAY, 365 * DAY, 1, NULL,
	    NULL, 1, 0 };
	struct ms_cert_policy pol;
	X509 *cas[2] = { NULL, NULL };
	X509_CRL *crls[2] = { NULL, NULL };
	long revoked = 666;
	char err[256];

	f->ca_key = cg_key("ED25519");
	f->other_key = cg_key("ED25519");
	f->leaf_key = cg_key("ED25519");
	f->ca = cg_cert(f->ca_key, NULL, NULL, &o);
	o.cn = "Foreign Root";
	f->other_ca = cg_cert(f->other_key, NULL, NULL, &o);
	snprintf(f->ca_path, sizeof(f->ca_path), "%s/ca.pem", f->dir);
	snprintf(f->crl_path, sizeof(f->crl_path), "%s/crl.pem", f->dir);
	cas[0] = f->ca;
	cg_write_pem(f->ca_path, cas, NULL);
	crls[0] = cg_crl(f->ca, f->ca_key, &revoked, 1, -DAY, DAY);
	cg_write_pem(f->crl_path, NULL, crls);
	X509_CRL_free(crls[0]);
	memset(&pol, 0, sizeof(pol));
	pol.ca_file = f->ca_path;
	pol.crl_file = f->crl_path;
	pol.principal_mode = CERT_PRINCIPAL_SAN_URI;
	pol.min_rsa_bits = 2048;
	if (ms_certs_load(&pol, &f->ctx.certs, err, sizeof(err)) != 0)
		fail_msg("%s", err);
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
	f->conf.kex.n = 1;
	f->conf.kex.ids[0] = MS_KEX_X25519_HYBRID;
	f->conf.sig_algs.n = 4;
	f->conf.sig_algs.ids[0] = MS_SIG_ED25519;
	f->conf.sig_algs.ids[1] = MS_SIG_ECDSA_P256_SHA256;
	f->conf.sig_algs.ids[2] = MS_SIG_ECDSA_P384_SHA384;
	f->conf.sig_algs.ids[3] = MS_SIG_RSA_PSS_SHA256;
	f->conf.min_rsa_bits = 2048;
	f->conf.cert_principal = CERT_PRINCIPAL_SAN_URI;
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
	add_cert_principal(&f->principals, "carol", "ops");

	f->ctx.conf = &f->conf;
	f->ctx.keys = &f->keys;
	f->ctx.principals = &f->principals;
	f->ctx.store = f->store;
	setup_pki(f);
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
	ms_certs_free(f->ctx.certs);
	X509_free(f->ca);
	X509_free(f->other_ca);
	EVP_PKEY_free(f->ca_key);
	EVP_PKEY_free(f->other_key);
	EVP_PKEY_free(f->leaf_key);
	msbuf_free(f->keys.cert_msg);
	principals_free(&f->principals);
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

static uint32_t
peek_u32(const struct msbuf *b)
{
	uint32_t v;

	assert_int_equal(msbuf_peek_u32(b, 0, &v), 0);
	return v;
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
	u_char pub[32], *sc = NULL;
	size_t sclen;

	memset(s, 0, sizeof(*s));
	mon_worker_init(&s->w, 4242, "127.0.0.1:1");
	assert_int_equal(s->w.state, MW_START);
	assert_int_equal(call(f, s, MS_MON_HELLO, req, resp), 0);
	assert_int_equal(s->w.state, MW_HELLO);
	assert_int_equal(msbuf_get(resp, s->nonce, 32), 0);
	assert_int_equal(msbuf_get_string_fixed(resp, pub, 32), 0);
	assert_memory_equal(pub, f->keys.kex_pub, 32);
	assert_int_equal(msbuf_get_string_fixed(resp, pub, 32), 0);
	assert_memory_equal(pub, f->keys.sig_pub, 32);
	assert_int_equal(msbuf_get_string(resp, &sc, &sclen, 1 << 20), 0);
	if (f->keys.cert_msg == NULL)
		assert_int_equal(sclen, 0);
	else {
		assert_int_equal(sclen, msbuf_len(f->keys.cert_msg));
		assert_memory_equal(sc, msbuf_ptr(f->keys.cert_msg), sclen);
	}
	assert_int_equal(msbuf_len(resp), 0);
	free(sc);
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

/* SIGN: both hellos and the server certificate (ours, or empty). */
static struct msbuf *
sign_req(struct fixture *f, struct session *s)
{
	struct msbuf *req = hellos_req(s);

	if (f->keys.cert_msg != NULL)
		assert_int_equal(msbuf_put_stringb(req, f->keys.cert_msg), 0);
	else
		assert_int_equal(msbuf_put_string(req, NULL, 0), 0);
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
		/* c is a run of canonical messages. */
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
	assert_int_equal(s->w.state, MW_DECAPPED);
	assert_int_equal(msbuf_get_string_fixed(resp, got, 32), 0);
	/* The static secret is transcript-bound HKDF output, not ss_s. */
	assert_int_equal(ms_x25519_derive(s->eph, f->keys.kex_pub, ss_s), 0);
	th_of(s->ch, s->sh, NULL, th);
	assert_int_equal(ms_derive_static(ss_s, th, want), 0);
	assert_memory_equal(got, want, 32);
	assert_memory_not_equal(got, ss_s, 32);
	msbuf_free(req);

	req = sign_req(f, s);
	assert_int_equal(call(f, s, MS_MON_SIGN, req, resp), 0);
	assert_int_equal(s->w.state, MW_SIGNED);
	assert_int_equal(msbuf_get_string_fixed(resp, s->sig, 64), 0);
	/* The signed hash covers our SERVER_CERTIFICATE when we have one. */
	th_of(s->ch, s->sh, f->keys.cert_msg, th);
	assert_int_equal(ms_sig_message(MS_SIG_CONTEXT_SERVER, th, msg,
	    sizeof(msg), &msglen), 0);
	assert_int_equal(ms_ed25519_verify(f->keys.sig_pub, msg, msglen,
	    s->sig, 64), 0);
	msbuf_free(req);
	msbuf_free(resp);
}

/* How an AUTH request is put together; the defaults are honest. */
struct auth_opts {
	uint16_t	 alg;		/* CLIENT_VERIFY sig_alg; 0: the key's */
	int		 finished_ok;
	int		 omit_cert_msg;	/* leave our SERVER_CERTIFICATE out */
	int		 trailing;	/* one byte after finished_ok */
};

/*
 * AUTH with CLIENT_IDENTITY body 'ident', CLIENT_VERIFY signed by 'signer'.
 * expect_rc 0: the monitor answers (status returned); else it refuses.
 */
static uint32_t
auth_with(struct fixture *f, struct session *s, const struct msbuf *ident,
    EVP_PKEY *signer, const struct auth_opts *o, int expect_rc)
{
	struct msbuf *tail = newbuf(), *req = newbuf(), *resp = newbuf();
	struct msbuf *cv = newbuf();
	u_char th[32], msg[128], sig[MS_SIGNATURE_MAX], mac[32] = { 0 };
	size_t msglen, siglen = sizeof(sig);
	uint16_t key_alg = ms_sigalg_for_key(signer, 1024);
	uint32_t status = 0xffffffff;

	if (f->keys.cert_msg != NULL && !o->omit_cert_msg)
		assert_int_equal(msbuf_putb(tail, f->keys.cert_msg), 0);
	assert_int_equal(msbuf_put_u32(tail, 1 + 2 + 4 + 64), 0);
	assert_int_equal(msbuf_put_u8(tail, MS_MSG_SERVER_VERIFY), 0);
	assert_int_equal(msbuf_put_u16(tail, MS_SIG_ED25519), 0);
	assert_int_equal(msbuf_put_string(tail, s->sig, 64), 0);
	assert_int_equal(msbuf_put_u32(tail, 1 + 4 + 32), 0);
	assert_int_equal(msbuf_put_u8(tail, MS_MSG_SERVER_FINISHED), 0);
	assert_int_equal(msbuf_put_string(tail, mac, 32), 0);
	assert_int_equal(msbuf_put_u32(tail, 1 + msbuf_len(ident)), 0);
	assert_int_equal(msbuf_put_u8(tail, MS_MSG_CLIENT_IDENTITY), 0);
	assert_int_equal(msbuf_putb(tail, ident), 0);
	th_of(s->ch, s->sh, tail, th);
	assert_int_equal(ms_sig_message(MS_SIG_CONTEXT_CLIENT, th, msg,
	    sizeof(msg), &msglen), 0);
	assert_int_not_equal(key_alg, 0);
	assert_int_equal(ms_sigalg_sign(key_alg, signer, msg, msglen, sig,
	    &siglen), 0);
	assert_int_equal(msbuf_put_u16(cv, o->alg ? o->alg : key_alg), 0);
	assert_int_equal(msbuf_put_string(cv, sig, siglen), 0);
	assert_int_equal(msbuf_put_stringb(req, tail), 0);
	assert_int_equal(msbuf_put_stringb(req, cv), 0);
	assert_int_equal(msbuf_put_u8(req, (uint8_t)o->finished_ok), 0);
	if (o->trailing)
		assert_int_equal(msbuf_put_u8(req, 0), 0);
	assert_int_equal(call(f, s, MS_MON_AUTH, req, resp) == 0,
	    expect_rc == 0);
	/* The dispatcher, not the handler, moves the worker on. */
	assert_int_equal(s->w.state, expect_rc != 0 ? MW_SIGNED :
	    msbuf_len(resp) >= 4 && peek_u32(resp) == MS_ST_OK ? MW_AUTHED :
	    MW_REFUSED);
	if (expect_rc == 0) {
		char *name = NULL;

		assert_int_equal(msbuf_get_u32(resp, &status), 0);
		assert_int_equal(msbuf_get_cstring(resp, &name, NULL,
		    MS_PRINCIPAL_MAX), 0);
		assert_string_equal(name, status == MS_ST_OK ?
		    s->w.sess.principal : "");
		assert_int_equal(msbuf_len(resp), 0);
		free(name);
	}
	msbuf_free(tail);
	msbuf_free(req);
	msbuf_free(resp);
	msbuf_free(cv);
	return status;
}

static const struct auth_opts honest = { 0, 1, 0, 0 };

/* AUTH with 'signer' claiming to be 'idkey' (normally the same key). */
static uint32_t
session_auth(struct fixture *f, struct session *s, EVP_PKEY *signer,
    EVP_PKEY *idkey, int expect_rc)
{
	struct msbuf *ident = newbuf();
	u_char pub[32];
	uint32_t status;

	assert_int_equal(ms_pkey_raw_public(idkey, pub, 32), 0);
	assert_int_equal(msbuf_put_u8(ident, MS_ID_RAW_ED25519), 0);
	assert_int_equal(msbuf_put_string(ident, pub, 32), 0);
	status = auth_with(f, s, ident, signer, &honest, expect_rc);
	msbuf_free(ident);
	return status;
}

static void
put_der(struct msbuf *b, X509 *x)
{
	u_char *der = NULL;
	int len = i2d_X509(x, &der);

	assert_true(len > 0);
	assert_int_equal(msbuf_put_string(b, der, (size_t)len), 0);
	OPENSSL_free(der);
}

/* A full handshake presenting chain (leaf first), signed by signer. */
static uint32_t
cert_login(struct fixture *f, struct session *s, X509 *leaf, X509 *inter,
    EVP_PKEY *signer, const struct auth_opts *o)
{
	struct msbuf *ident = newbuf();
	uint32_t status;

	assert_int_equal(msbuf_put_u8(ident, MS_ID_X509_CHAIN), 0);
	assert_int_equal(msbuf_put_u8(ident, inter != NULL ? 2 : 1), 0);
	put_der(ident, leaf);
	if (inter != NULL)
		put_der(ident, inter);
	session_start(f, s);
	session_kex(f, s);
	status = auth_with(f, s, ident, signer, o != NULL ? o : &honest, 0);
	msbuf_free(ident);
	return status;
}

/* A client certificate for key, from our CA unless issuer is given. */
static X509 *
client_cert(struct fixture *f, EVP_PKEY *key, const char *name, long serial,
    long not_after, X509 *issuer, EVP_PKEY *issuer_key)
{
	char san[128];
	struct cg_opts o = { name, san, -DAY, not_after, 0,
	    "critical,digitalSignature", "clientAuth", serial, 0 };

	snprintf(san, sizeof(san), "URI:metasafe:%s", name);
	return cg_cert(key, issuer != NULL ? issuer : f->ca,
	    issuer_key != NULL ? issuer_key : f->ca_key, &o);
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
	assert_string_equal(s.w.sess.principal, "alice");
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
	req = sign_req(f, &s);
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
	assert_string_equal(s.w.sess.principal, "");
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

static void
test_cert_auth_ok(void **state)
{
	struct fixture *f = *state;
	const char *types[] = { "ED25519", "P-256", "P-384", "RSA" };
	struct session s;
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		EVP_PKEY *k = cg_key(types[i]);
		X509 *x = client_cert(f, k, "carol", 100 + (long)i, DAY, NULL,
		    NULL);

		assert_int_equal(cert_login(f, &s, x, NULL, k, NULL), MS_ST_OK);
		assert_string_equal(s.w.sess.principal, "carol");
		assert_int_equal(s.w.sess.cert_auth, 1);
		/* Groups from the "carol groups=ops cert" line. */
		assert_int_equal(s.w.sess.ngroups, 1);
		assert_string_equal(s.w.sess.groups[0], "ops");
		session_free(&s);
		X509_free(x);
		EVP_PKEY_free(k);
	}
	/* A certificate principal without any principals line: no groups. */
	{
		X509 *x = client_cert(f, f->leaf_key, "dave", 110, DAY, NULL,
		    NULL);

		assert_int_equal(cert_login(f, &s, x, NULL, f->leaf_key, NULL),
		    MS_ST_OK);
		assert_string_equal(s.w.sess.principal, "dave");
		assert_int_equal(s.w.sess.ngroups, 0);
		session_free(&s);
		X509_free(x);
	}
	/* Raw keys keep working beside certificates, without cert_auth. */
	session_start(f, &s);
	session_kex(f, &s);
	assert_int_equal(session_auth(f, &s, f->bob, f->bob, 0), MS_ST_OK);
	assert_int_equal(s.w.sess.cert_auth, 0);
	session_free(&s);
}

static void
refused_login(struct fixture *f, X509 *leaf, X509 *inter, EVP_PKEY *signer,
    const struct auth_opts *o)
{
	struct session s;
	struct msbuf *req = newbuf(), *resp = newbuf();

	assert_int_equal(cert_login(f, &s, leaf, inter, signer, o),
	    MS_ST_AUTH_FAILED);
	assert_string_equal(s.w.sess.principal, "");
	assert_int_equal(s.w.sess.cert_auth, 0);
	/* Nothing more is permitted: the worker would be killed. */
	assert_int_equal(msbuf_put_cstring(req, "/"), 0);
	assert_int_not_equal(call(f, &s, MS_MON_LIST, req, resp), 0);
	msbuf_free(req);
	msbuf_free(resp);
	session_free(&s);
}

static void
test_cert_auth_refusals(void **state)
{
	struct fixture *f = *state;
	struct auth_opts o = honest;
	struct ms_certs *saved;
	struct ms_alg_list algs;
	EVP_PKEY *ec, *rsa1024;
	X509 *x;

	/* Expired. */
	x = client_cert(f, f->leaf_key, "carol", 200, -3600, NULL, NULL);
	refused_login(f, x, NULL, f->leaf_key, NULL);
	X509_free(x);
	/* Unknown CA. */
	x = client_cert(f, f->leaf_key, "carol", 201, DAY, f->other_ca,
	    f->other_key);
	refused_login(f, x, NULL, f->leaf_key, NULL);
	/* ... even when the foreign root comes along in the chain. */
	refused_login(f, x, f->other_ca, f->leaf_key, NULL);
	X509_free(x);
	/* Revoked by the CRL. */
	x = client_cert(f, f->leaf_key, "carol", 666, DAY, NULL, NULL);
	refused_login(f, x, NULL, f->leaf_key, NULL);
	X509_free(x);

	/* A valid certificate, but the transcript signed by another key. */
	x = client_cert(f, f->leaf_key, "carol", 202, DAY, NULL, NULL);
	refused_login(f, x, NULL, f->mallory, NULL);
	/* The right key, but CLIENT_FINISHED failed at the worker. */
	o.finished_ok = 0;
	refused_login(f, x, NULL, f->leaf_key, &o);
	o = honest;
	/* No trust store at all (no TrustedUserCAFile). */
	saved = f->ctx.certs;
	f->ctx.certs = NULL;
	refused_login(f, x, NULL, f->leaf_key, NULL);
	f->ctx.certs = saved;
	X509_free(x);

	/* RSA-1024 below MinimumRSABits. */
	rsa1024 = cg_key("RSA1024");
	x = client_cert(f, rsa1024, "carol", 203, DAY, NULL, NULL);
	refused_login(f, x, NULL, rsa1024, NULL);
	X509_free(x);
	EVP_PKEY_free(rsa1024);

	/* sig_alg field other than the key's scheme. */
	ec = cg_key("P-256");
	x = client_cert(f, ec, "carol", 204, DAY, NULL, NULL);
	o.alg = MS_SIG_ECDSA_P384_SHA384;
	refused_login(f, x, NULL, ec, &o);
	o.alg = MS_SIG_ED25519;
	refused_login(f, x, NULL, ec, &o);
	o = honest;
	/* The key's scheme is not in SignatureAlgorithms. */
	algs = f->conf.sig_algs;
	f->conf.sig_algs.n = 1;
	f->conf.sig_algs.ids[0] = MS_SIG_ED25519;
	refused_login(f, x, NULL, ec, NULL);
	f->conf.sig_algs = algs;
	X509_free(x);
	EVP_PKEY_free(ec);
}

/* Structurally bad identities from the client fail the login only. */
static void
test_cert_identity_malformed(void **state)
{
	struct fixture *f = *state;
	struct session s;
	struct msbuf *ident = newbuf();
	u_char junk[64];
	X509 *x = client_cert(f, f->leaf_key, "carol", 300, DAY, NULL, NULL);
	int i;

	memset(junk, 0x30, sizeof(junk));
	/* Garbage DER. */
	assert_int_equal(msbuf_put_u8(ident, MS_ID_X509_CHAIN), 0);
	assert_int_equal(msbuf_put_u8(ident, 1), 0);
	assert_int_equal(msbuf_put_string(ident, junk, sizeof(junk)), 0);
	session_start(f, &s);
	session_kex(f, &s);
	assert_int_equal(auth_with(f, &s, ident, f->leaf_key, &honest, 0),
	    MS_ST_AUTH_FAILED);
	session_free(&s);
	/* An empty cert_der: well formed, no certificate (PROTOCOL.md 4.3). */
	msbuf_reset(ident);
	assert_int_equal(msbuf_put_u8(ident, MS_ID_X509_CHAIN), 0);
	assert_int_equal(msbuf_put_u8(ident, 2), 0);
	put_der(ident, x);
	assert_int_equal(msbuf_put_string(ident, NULL, 0), 0);
	session_start(f, &s);
	session_kex(f, &s);
	assert_int_equal(auth_with(f, &s, ident, f->leaf_key, &honest, 0),
	    MS_ST_AUTH_FAILED);
	session_free(&s);
	/* A raw key shorter than Ed25519's 32 bytes. */
	msbuf_reset(ident);
	assert_int_equal(msbuf_put_u8(ident, MS_ID_RAW_ED25519), 0);
	assert_int_equal(msbuf_put_string(ident, junk, 16), 0);
	session_start(f, &s);
	session_kex(f, &s);
	assert_int_equal(auth_with(f, &s, ident, f->alice, &honest, 0),
	    MS_ST_AUTH_FAILED);
	session_free(&s);
	/* Nine certificates. */
	msbuf_reset(ident);
	assert_int_equal(msbuf_put_u8(ident, MS_ID_X509_CHAIN), 0);
	assert_int_equal(msbuf_put_u8(ident, 9), 0);
	for (i = 0; i < 9; i++)
		put_der(ident, x);
	session_start(f, &s);
	session_kex(f, &s);
	assert_int_equal(auth_with(f, &s, ident, f->leaf_key, &honest, 0),
	    MS_ST_AUTH_FAILED);
	session_free(&s);
	/* Trailing bytes after the chain; an unknown id_type. */
	msbuf_reset(ident);
	assert_int_equal(msbuf_put_u8(ident, MS_ID_X509_CHAIN), 0);
	assert_int_equal(msbuf_put_u8(ident, 1), 0);
	put_der(ident, x);
	assert_int_equal(msbuf_put_u8(ident, 0), 0);
	session_start(f, &s);
	session_kex(f, &s);
	assert_int_equal(auth_with(f, &s, ident, f->leaf_key, &honest, 0),
	    MS_ST_AUTH_FAILED);
	session_free(&s);
	msbuf_reset(ident);
	assert_int_equal(msbuf_put_u8(ident, 3), 0);
	assert_int_equal(msbuf_put_string(ident, junk, 32), 0);
	session_start(f, &s);
	session_kex(f, &s);
	assert_int_equal(auth_with(f, &s, ident, f->alice, &honest, 0),
	    MS_ST_AUTH_FAILED);
	session_free(&s);
	/* A raw Ed25519 identity signed under another algorithm. */
	{
		EVP_PKEY *ec = cg_key("P-256");
		u_char pub[32];

		msbuf_reset(ident);
		assert_int_equal(ms_pkey_raw_public(f->alice, pub, 32), 0);
		assert_int_equal(msbuf_put_u8(ident, MS_ID_RAW_ED25519), 0);
		assert_int_equal(msbuf_put_string(ident, pub, 32), 0);
		session_start(f, &s);
		session_kex(f, &s);
		assert_int_equal(auth_with(f, &s, ident, ec, &honest, 0),
		    MS_ST_AUTH_FAILED);
		session_free(&s);
		EVP_PKEY_free(ec);
	}
	msbuf_free(ident);
	X509_free(x);
}

static uint32_t
simple_req(struct fixture *f, struct session *s, uint8_t type,
    const char *path, const char *rec, int access)
{
	struct msbuf *req = newbuf(), *resp = newbuf();
	uint32_t st;

	assert_int_equal(msbuf_put_cstring(req, path), 0);
	if (rec != NULL)
		assert_int_equal(msbuf_put_cstring(req, rec), 0);
	if (access >= 0)
		assert_int_equal(msbuf_put_u8(req, (uint8_t)access), 0);
	assert_int_equal(call(f, s, type, req, resp), 0);
	assert_int_equal(msbuf_get_u32(resp, &st), 0);
	msbuf_free(req);
	msbuf_free(resp);
	return st;
}

static uint32_t
setacl(struct fixture *f, struct session *s, const char *path,
    uint8_t sensitive, const char *who, const char *rights)
{
	struct msbuf *req = newbuf(), *resp = newbuf();
	uint32_t st;

	assert_int_equal(msbuf_put_cstring(req, path), 0);
	assert_int_equal(msbuf_put_u8(req, MS_SETACL_UNCHANGED), 0);
	assert_int_equal(msbuf_put_u8(req, sensitive), 0);
	assert_int_equal(msbuf_put_u32(req, who != NULL ? 1 : 0), 0);
	if (who != NULL) {
		assert_int_equal(msbuf_put_cstring(req, who), 0);
		assert_int_equal(msbuf_put_cstring(req, rights), 0);
	}
	assert_int_equal(call(f, s, MS_MON_SETACL, req, resp), 0);
	assert_int_equal(msbuf_get_u32(resp, &st), 0);
	assert_int_equal(msbuf_len(resp), 0);
	msbuf_free(req);
	msbuf_free(resp);
	return st;
}

static uint8_t
node_flags(struct fixture *f, struct session *s, const char *path)
{
	struct msbuf *req = newbuf(), *resp = newbuf();
	uint32_t st;
	uint8_t flags;

	assert_int_equal(msbuf_put_cstring(req, path), 0);
	assert_int_equal(call(f, s, MS_MON_GETACL, req, resp), 0);
	assert_int_equal(msbuf_get_u32(resp, &st), 0);
	assert_int_equal(st, MS_ST_OK);
	assert_int_equal(msbuf_get_u8(resp, &flags), 0);
	msbuf_free(req);
	msbuf_free(resp);
	return flags;
}

static void
test_sensitive_subtree(void **state)
{
	struct fixture *f = *state;
	struct session a, b, c;
	struct msbuf *req = newbuf(), *resp = newbuf();
	X509 *x = client_cert(f, f->leaf_key, "carol", 400, DAY, NULL, NULL);
	char v[64];

	session_start(f, &a);
	session_kex(f, &a);
	assert_int_equal(session_auth(f, &a, f->alice, f->alice, 0), MS_ST_OK);
	session_start(f, &b);
	session_kex(f, &b);
	assert_int_equal(session_auth(f, &b, f->bob, f->bob, 0), MS_ST_OK);
	assert_int_equal(cert_login(f, &c, x, NULL, f->leaf_key, NULL),
	    MS_ST_OK);

	assert_int_equal(data_set(f, &a, "/sens/db", "pw", MS_REC_SECURE,
	    "s3cret"), MS_ST_OK);
	assert_int_equal(setacl(f, &a, "/sens", MS_SENSITIVE_UNCHANGED,
	    "bob", "rswl"), MS_ST_OK);
	assert_int_equal(setacl(f, &a, "/sens", MS_SENSITIVE_UNCHANGED,
	    "group:ops", "rswl"), MS_ST_OK);
	/* Before the flag, bob reads. */
	assert_int_equal(data_get(f, &b, "/sens/db", "pw", v, sizeof(v)),
	    MS_ST_OK);
	assert_int_equal(setacl(f, &a, "/sens", MS_SENSITIVE_SET, NULL, NULL),
	    MS_ST_OK);
	assert_int_equal(node_flags(f, &a, "/sens"), MS_NODE_SENSITIVE);
	assert_int_equal(node_flags(f, &a, "/sens/db"), 0);

	/* Raw-key principal named by the ACL: refused everywhere below. */
	assert_int_equal(data_get(f, &b, "/sens/db", "pw", v, sizeof(v)),
	    MS_ST_ACCESS_DENIED);
	assert_int_equal(data_set(f, &b, "/sens/db", "pw", MS_REC_SECURE,
	    "evil"), MS_ST_ACCESS_DENIED);
	assert_int_equal(data_set(f, &b, "/sens/new/deep", "r", 0, "x"),
	    MS_ST_ACCESS_DENIED);
	assert_int_equal(simple_req(f, &b, MS_MON_DELETE, "/sens/db", "pw",
	    -1), MS_ST_ACCESS_DENIED);
	assert_int_equal(simple_req(f, &b, MS_MON_LIST, "/sens", NULL, -1),
	    MS_ST_ACCESS_DENIED);
	assert_int_equal(simple_req(f, &b, MS_MON_OPEN, "/sens/db", NULL,
	    MS_ACCESS_READ), MS_ST_ACCESS_DENIED);
	/* Even a bootstrap administrator on a raw key ... */
	assert_int_equal(data_get(f, &a, "/sens/db", "pw", v, sizeof(v)),
	    MS_ST_ACCESS_DENIED);
	assert_int_equal(simple_req(f, &a, MS_MON_OPEN, "/sens", NULL,
	    MS_ACCESS_READ | MS_ACCESS_WRITE), MS_ST_ACCESS_DENIED);
	/* ... who can still open READ to manage the ACL. */
	assert_int_equal(simple_req(f, &a, MS_MON_OPEN, "/sens", NULL,
	    MS_ACCESS_READ), MS_ST_OK);

	/* The certificate principal (via group ops) is allowed. */
	assert_int_equal(data_get(f, &c, "/sens/db", "pw", v, sizeof(v)),
	    MS_ST_OK);
	assert_string_equal(v, "s3cret");
	assert_int_equal(data_set(f, &c, "/sens/db", "pw", MS_REC_SECURE,
	    "n3w"), MS_ST_OK);
	assert_int_equal(simple_req(f, &c, MS_MON_LIST, "/sens", NULL, -1),
	    MS_ST_OK);
	/* LIST long form: each record with its version and mtime. */
	{
		struct msbuf *lreq = newbuf(), *lresp = newbuf();
		uint64_t ver, mtime;
		uint32_t st, n;
		uint8_t fl;
		char *name;

		assert_int_equal(msbuf_put_cstring(lreq, "/sens/db"), 0);
		assert_int_equal(msbuf_put_u8(lreq, MS_LIST_LONG), 0);
		assert_int_equal(call(f, &c, MS_MON_LIST, lreq, lresp), 0);
		assert_int_equal(msbuf_get_u32(lresp, &st), 0);
		assert_int_equal(st, MS_ST_OK);
		assert_int_equal(msbuf_get_u32(lresp, &n), 0);
		assert_int_equal(n, 0);
		assert_int_equal(msbuf_get_u32(lresp, &n), 0);
		assert_int_equal(n, 1);
		assert_int_equal(msbuf_get_cstring(lresp, &name, NULL, 255), 0);
		assert_string_equal(name, "pw");
		free(name);
		assert_int_equal(msbuf_get_u8(lresp, &fl), 0);
		assert_int_equal(fl, MS_REC_SECURE);
		assert_int_equal(msbuf_get_u64(lresp, &ver), 0);
		assert_true(ver == 2);		/* set twice */
		assert_int_equal(msbuf_get_u64(lresp, &mtime), 0);
		assert_true(mtime > 1600000000ULL);
		assert_int_equal(msbuf_len(lresp), 0);
		/* Unknown list flags are a malformed lrequest. */
		msbuf_reset(lreq);
		msbuf_reset(lresp);
		assert_int_equal(msbuf_put_cstring(lreq, "/sens/db"), 0);
		assert_int_equal(msbuf_put_u8(lreq, 0x80), 0);
		assert_int_not_equal(call(f, &c, MS_MON_LIST, lreq, lresp), 0);
		msbuf_free(lreq);
		msbuf_free(lresp);
	}
	assert_int_equal(simple_req(f, &c, MS_MON_OPEN, "/sens/db", NULL,
	    MS_ACCESS_READ | MS_ACCESS_WRITE), MS_ST_OK);
	/* ... and a certificate principal the ACL does not name is not. */
	assert_int_equal(setacl(f, &a, "/sens", MS_SENSITIVE_UNCHANGED,
	    "group:ops", ""), MS_ST_OK);
	assert_int_equal(data_get(f, &c, "/sens/db", "pw", v, sizeof(v)),
	    MS_ST_ACCESS_DENIED);

	/* Outside the subtree nothing changes for bob. */
	assert_int_equal(setacl(f, &a, "/open", MS_SENSITIVE_UNCHANGED, NULL,
	    NULL), MS_ST_PATH_NOT_FOUND);
	assert_int_equal(data_set(f, &a, "/open", "r", 0, "v"), MS_ST_OK);
	assert_int_equal(setacl(f, &a, "/open", MS_SENSITIVE_UNCHANGED, "bob",
	    "r"), MS_ST_OK);
	assert_int_equal(data_get(f, &b, "/open", "r", v, sizeof(v)),
	    MS_ST_OK);

	/* Clearing the flag gives bob his ACL back. */
	assert_int_equal(setacl(f, &a, "/sens", MS_SENSITIVE_CLEAR, NULL,
	    NULL), MS_ST_OK);
	assert_int_equal(node_flags(f, &a, "/sens"), 0);
	assert_int_equal(data_get(f, &b, "/sens/db", "pw", v, sizeof(v)),
	    MS_ST_OK);
	assert_string_equal(v, "n3w");

	/* A sensitive value above 2 is worker misbehaviour. */
	assert_int_equal(msbuf_put_cstring(req, "/sens"), 0);
	assert_int_equal(msbuf_put_u8(req, MS_SETACL_UNCHANGED), 0);
	assert_int_equal(msbuf_put_u8(req, 3), 0);
	assert_int_equal(msbuf_put_u32(req, 0), 0);
	assert_int_not_equal(call(f, &a, MS_MON_SETACL, req, resp), 0);
	msbuf_free(req);
	msbuf_free(resp);
	session_free(&a);
	session_free(&b);
	session_free(&c);
	X509_free(x);
}

/*
 * AUTH is parsed completely before anything is checked: one byte after
 * finished_ok, or a finished_ok other than 0/1, kills the worker, whose
 * honest proof is not even looked at; it stays SIGNED and unbound, and
 * cannot try again.
 */
static void
test_auth_malformed_refused(void **state)
{
	struct fixture *f = *state;
	struct session s;
	struct auth_opts o = honest;
	struct msbuf *req = newbuf(), *resp = newbuf();

	o.trailing = 1;
	session_start(f, &s);
	session_kex(f, &s);
	{
		struct msbuf *ident = newbuf();
		u_char pub[32];

		assert_int_equal(ms_pkey_raw_public(f->alice, pub, 32), 0);
		assert_int_equal(msbuf_put_u8(ident, MS_ID_RAW_ED25519), 0);
		assert_int_equal(msbuf_put_string(ident, pub, 32), 0);
		auth_with(f, &s, ident, f->alice, &o, -1);
		assert_string_equal(s.w.sess.principal, "");
		/* Once-only: the malformed attempt used AUTH up. */
		o.trailing = 0;
		auth_with(f, &s, ident, f->alice, &o, -1);
		session_free(&s);

		o.finished_ok = 2;
		session_start(f, &s);
		session_kex(f, &s);
		auth_with(f, &s, ident, f->alice, &o, -1);
		assert_string_equal(s.w.sess.principal, "");
		msbuf_free(ident);
	}
	assert_int_equal(msbuf_put_cstring(req, "/"), 0);
	assert_int_not_equal(call(f, &s, MS_MON_LIST, req, resp), 0);
	session_free(&s);
	msbuf_free(req);
	msbuf_free(resp);
}

/* The store's file, byte for byte (LMDB writes it only on a commit). */
static u_char *
store_bytes(struct fixture *f, size_t *lenp)
{
	char path[128];
	u_char *p = NULL;
	size_t len = 0, n;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/data.mdb", f->dir);
	assert_non_null(fp = fopen(path, "rb"));
	for (;;) {
		assert_non_null(p = realloc(p, len + 65536));
		if ((n = fread(p + len, 1, 65536, fp)) == 0)
			break;
		len += n;
	}
	assert_int_equal(ferror(fp), 0);
	fclose(fp);
	assert_true(len > 0);
	*lenp = len;
	return p;
}

static int
store_same(struct fixture *f, const u_char *before, size_t blen)
{
	size_t len;
	u_char *now = store_bytes(f, &len);
	int same = len == blen && memcmp(now, before, len) == 0;

	free(now);
	return same;
}

/* SET, SETACL and DELETE requests on /trail, with 'extra' bytes after. */
static struct msbuf *
write_req(uint8_t type, const char *path, size_t extra)
{
	struct msbuf *req = newbuf();

	assert_int_equal(msbuf_put_cstring(req, path), 0);
	switch (type) {
	case MS_MON_SET:
		assert_int_equal(msbuf_put_cstring(req, "rec"), 0);
		assert_int_equal(msbuf_put_u8(req, 0), 0);
		assert_int_equal(msbuf_put_cstring(req, "changed"), 0);
		break;
	case MS_MON_SETACL:
		assert_int_equal(msbuf_put_u8(req, MS_SETACL_BREAK), 0);
		assert_int_equal(msbuf_put_u8(req, MS_SENSITIVE_UNCHANGED), 0);
		assert_int_equal(msbuf_put_u32(req, 1), 0);
		assert_int_equal(msbuf_put_cstring(req, "group:ops"), 0);
		assert_int_equal(msbuf_put_cstring(req, "rwla"), 0);
		break;
	case MS_MON_DELETE:
		assert_int_equal(msbuf_put_cstring(req, "rec"), 0);
		break;
	}
	while (extra-- > 0)
		assert_int_equal(msbuf_put_u8(req, 0), 0);
	return req;
}

/*
 * Issue 9's negative test: a SET, a SETACL and a DELETE with one trailing
 * byte each kill the worker and leave the store byte-for-byte unchanged
 * (data.mdb compared whole).  The same requests without the byte do
 * change it, so the comparison can fail.
 */
static void
test_trailing_byte_leaves_store_unchanged(void **state)
{
	struct fixture *f = *state;
	const uint8_t types[] = { MS_MON_SET, MS_MON_SETACL, MS_MON_DELETE };
	const char *paths[] = { "/trail", "/trail/new" };
	struct session s;
	struct msbuf *req, *resp = newbuf();
	u_char *before;
	size_t blen, i, j;
	char v[64];

	session_start(f, &s);
	session_kex(f, &s);
	assert_int_equal(session_auth(f, &s, f->alice, f->alice, 0), MS_ST_OK);
	assert_int_equal(data_set(f, &s, "/trail", "rec", 0, "orig"), MS_ST_OK);
	assert_int_equal(setacl(f, &s, "/trail", MS_SENSITIVE_UNCHANGED, "bob",
	    "r"), MS_ST_OK);
	before = store_bytes(f, &blen);
	for (i = 0; i < sizeof(types); i++) {
		for (j = 0; j < sizeof(paths) / sizeof(paths[0]); j++) {
			req = write_req(types[i], paths[j], 1);
			assert_int_not_equal(call(f, &s, types[i], req, resp),
			    0);
			assert_int_equal(msbuf_len(resp), 0);
			msbuf_free(req);
			assert_true(store_same(f, before, blen));
		}
	}
	/* Through the store's API too: value, ACL, no new node. */
	assert_int_equal(data_get(f, &s, "/trail", "rec", v, sizeof(v)),
	    MS_ST_OK);
	assert_string_equal(v, "orig");
	assert_int_equal(node_flags(f, &s, "/trail"), 0);
	assert_int_equal(ms_store_node_exists(f->store, "/trail/new"),
	    MS_STORE_NOT_FOUND_PATH);
	assert_true(store_same(f, before, blen));

	/* Control: without the byte, each request writes. */
	for (i = 0; i < sizeof(types); i++) {
		uint32_t st;

		req = write_req(types[i], "/trail", 0);
		assert_int_equal(call(f, &s, types[i], req, resp), 0);
		assert_int_equal(msbuf_get_u32(resp, &st), 0);
		assert_int_equal(st, MS_ST_OK);
		msbuf_free(req);
		assert_false(store_same(f, before, blen));
		free(before);
		before = store_bytes(f, &blen);
	}
	assert_int_equal(node_flags(f, &s, "/trail"), MS_NODE_NOINHERIT);
	assert_int_equal(data_get(f, &s, "/trail", "rec", v, sizeof(v)),
	    MS_ST_RECORD_NOT_FOUND);
	free(before);
	msbuf_free(resp);
	session_free(&s);
}

static void
test_host_certificate(void **state)
{
	struct fixture *f = *state;
	struct cg_opts o = { "host.example", "DNS:host.example", -DAY, DAY, 0,
	    "critical,digitalSignature", "serverAuth", 500, 0 };
	X509 *hc = cg_cert(f->keys.sig, f->ca, f->ca_key, &o), *cs[3];
	X509 *wrong = cg_cert(f->alice, f->ca, f->ca_key, &o);
	struct session s;
	struct msbuf *req, *resp = newbuf();
	struct auth_opts ao = honest;
	char path[128], err[256];
	u_char th[32], msg[128], sig[64];
	size_t msglen;

	/* A certificate for another key is refused at load. */
	snprintf(path, sizeof(path), "%s/wrong-host.pem", f->dir);
	cs[0] = wrong;
	cs[1] = NULL;
	cg_write_pem(path, cs, NULL);
	assert_int_not_equal(hostkeys_load_cert(&f->keys, path, err,
	    sizeof(err)), 0);
	assert_null(f->keys.cert_msg);
	assert_non_null(strstr(err, "host signature key"));
	/* Leaf and CA: SERVER_CERTIFICATE with two DER strings. */
	snprintf(path, sizeof(path), "%s/host.pem", f->dir);
	cs[0] = hc;
	cs[1] = f->ca;
	cs[2] = NULL;
	cg_write_pem(path, cs, NULL);
	assert_int_equal(hostkeys_load_cert(&f->keys, path, err, sizeof(err)),
	    0);
	assert_non_null(f->keys.cert_msg);
	{
		const u_char *p = msbuf_ptr(f->keys.cert_msg);
		uint32_t len;

		assert_int_equal(msbuf_peek_u32(f->keys.cert_msg, 0, &len), 0);
		assert_int_equal(len + 4, msbuf_len(f->keys.cert_msg));
		assert_int_equal(p[4], MS_MSG_SERVER_CERTIFICATE);
		assert_int_equal(p[5], 2);
	}

	/* HELLO returns it; SIGN covers it; AUTH expects it. */
	session_start(f, &s);
	session_kex(f, &s);
	assert_int_equal(session_auth(f, &s, f->alice, f->alice, 0), MS_ST_OK);
	session_free(&s);
	/* SIGN without it (or with other bytes) kills the worker. */
	session_start(f, &s);
	build_hellos(f, &s, s.nonce);
	req = hellos_req(&s);
	assert_int_equal(call(f, &s, MS_MON_DECAP, req, resp), 0);
	msbuf_free(req);
	req = hellos_req(&s);
	assert_int_equal(msbuf_put_string(req, NULL, 0), 0);
	assert_int_not_equal(call(f, &s, MS_MON_SIGN, req, resp), 0);
	msbuf_free(req);
	session_free(&s);
	/* The signature is over CH || SH || SERVER_CERTIFICATE. */
	session_start(f, &s);
	session_kex(f, &s);
	th_of(s.ch, s.sh, NULL, th);
	assert_int_equal(ms_sig_message(MS_SIG_CONTEXT_SERVER, th, msg,
	    sizeof(msg), &msglen), 0);
	memcpy(sig, s.sig, sizeof(sig));
	assert_int_not_equal(ms_ed25519_verify(f->keys.sig_pub, msg, msglen,
	    sig, 64), 0);
	/* An AUTH tail without our certificate kills the worker. */
	ao.omit_cert_msg = 1;
	{
		struct msbuf *ident = newbuf();
		u_char pub[32];

		assert_int_equal(ms_pkey_raw_public(f->alice, pub, 32), 0);
		assert_int_equal(msbuf_put_u8(ident, MS_ID_RAW_ED25519), 0);
		assert_int_equal(msbuf_put_string(ident, pub, 32), 0);
		auth_with(f, &s, ident, f->alice, &ao, -1);
		msbuf_free(ident);
	}
	session_free(&s);
	/* A worker that was given no certificate may not send one. */
	msbuf_free(f->keys.cert_msg);
	f->keys.cert_msg = NULL;
	session_start(f, &s);
	build_hellos(f, &s, s.nonce);
	req = hellos_req(&s);
	assert_int_equal(call(f, &s, MS_MON_DECAP, req, resp), 0);
	msbuf_free(req);
	req = hellos_req(&s);
	assert_int_equal(msbuf_put_string(req, "\0\0\0\2\4\0", 6), 0);
	assert_int_not_equal(call(f, &s, MS_MON_SIGN, req, resp), 0);
	msbuf_free(req);
	session_free(&s);
	msbuf_free(resp);
	X509_free(hc);
	X509_free(wrong);
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
		cmocka_unit_test(test_auth_malformed_refused),
		cmocka_unit_test(test_trailing_byte_leaves_store_unchanged),
		cmocka_unit_test(test_cert_auth_ok),
		cmocka_unit_test(test_cert_auth_refusals),
		cmocka_unit_test(test_cert_identity_malformed),
		cmocka_unit_test(test_sensitive_subtree),
		cmocka_unit_test(test_host_certificate),
	};

	ms_log_init("test_mon_dispatch", getenv("TEST_DEBUG") ? MS_LOG_DEBUG3 : MS_LOG_QUIET, 1, -1);
	return cmocka_run_group_tests(tests, setup, teardown);
}
