/*
 * mon_dispatch_fixture.c — the monitor, store, principals and PKI of the
 * test_mon_dispatch_*.c tests, and the simulated worker sessions that
 * drive them (see mon_dispatch_fixture.h).
 */
#include "mon_dispatch_fixture.h"

#include <poll.h>

#include "store_jobs.h"
#include "msg_auth.h"

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

int
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

int
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

/*
 * A request a store thread took (f->ctx.jobs): wait for it as the loop
 * does, on the eventfd, and take its answer.
 */
static int
collect(struct fixture *f, struct session *s, struct msbuf *resp)
{
	struct pollfd pfd;
	struct store_job *sj, *next;
	int r = 0, seen = 0;

	while (!seen) {
		pfd.fd = store_jobs_fd(f->ctx.jobs);
		pfd.events = POLLIN;
		assert_int_equal(poll(&pfd, 1, 30000), 1);
		for (sj = store_jobs_done(f->ctx.jobs); sj != NULL; sj = next) {
			next = sj->next;
			if (sj->done != NULL) {
				sj->done(sj);
				continue;
			}
			if (mon_job_owner(mon_job_of(sj)) == &s->w) {
				r = mon_job_finish(mon_job_of(sj), resp);
				f->async_answers++;
				seen = 1;
			}
			mon_job_free(mon_job_of(sj));
		}
	}
	assert_null(s->w.job);
	return r;
}

/* Send one request; returns mon_dispatch's result, answer in resp. */
int
call(struct fixture *f, struct session *s, uint8_t type, struct msbuf *req,
    struct msbuf *resp)
{
	int r;

	if ((r = mon_dispatch(&f->ctx, &s->w, type, req, resp)) != 0 ||
	    s->w.job == NULL)
		return r;
	return collect(f, s, resp);
}

static uint32_t
peek_u32(const struct msbuf *b)
{
	uint32_t v;

	assert_int_equal(msbuf_peek_u32(b, 0, &v), 0);
	return v;
}

struct msbuf *
newbuf(void)
{
	struct msbuf *b = msbuf_new(MS_FRAME_MAX);

	assert_non_null(b);
	return b;
}

void
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

void
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

struct msbuf *
hellos_req(struct session *s)
{
	struct msbuf *req = newbuf();

	assert_int_equal(msbuf_put_stringb(req, s->ch), 0);
	assert_int_equal(msbuf_put_stringb(req, s->sh), 0);
	return req;
}

/* SIGN: both hellos and the server certificate (ours, or empty). */
struct msbuf *
sign_req(struct fixture *f, struct session *s)
{
	struct msbuf *req = hellos_req(s);

	if (f->keys.cert_msg != NULL)
		assert_int_equal(msbuf_put_stringb(req, f->keys.cert_msg), 0);
	else
		assert_int_equal(msbuf_put_string(req, NULL, 0), 0);
	return req;
}

void
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

void
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

/*
 * AUTH with CLIENT_IDENTITY body 'ident', CLIENT_VERIFY signed by 'signer'.
 * expect_rc 0: the monitor answers (status returned); else it refuses.
 */
uint32_t
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
	if (o->peer_cv)
		assert_int_equal(ms_client_verify_put_none(cv), 0);
	else {
		assert_int_equal(msbuf_put_u16(cv, o->alg ? o->alg : key_alg),
		    0);
		assert_int_equal(msbuf_put_string(cv, sig, siglen), 0);
	}
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

const struct auth_opts honest = { 0, 1, 0, 0, 0 };

/* A raw Ed25519 CLIENT_IDENTITY for key. */
void
put_raw_ident(struct msbuf *ident, EVP_PKEY *key)
{
	u_char pub[32];

	assert_int_equal(ms_pkey_raw_public(key, pub, 32), 0);
	assert_int_equal(msbuf_put_u8(ident, MS_ID_RAW_ED25519), 0);
	assert_int_equal(msbuf_put_string(ident, pub, 32), 0);
}

/* AUTH with 'signer' claiming to be 'idkey' (normally the same key). */
uint32_t
session_auth(struct fixture *f, struct session *s, EVP_PKEY *signer,
    EVP_PKEY *idkey, int expect_rc)
{
	struct msbuf *ident = newbuf();
	uint32_t status;

	put_raw_ident(ident, idkey);
	status = auth_with(f, s, ident, signer, &honest, expect_rc);
	msbuf_free(ident);
	return status;
}

void
put_der(struct msbuf *b, X509 *x)
{
	u_char *der = NULL;
	int len = i2d_X509(x, &der);

	assert_true(len > 0);
	assert_int_equal(msbuf_put_string(b, der, (size_t)len), 0);
	OPENSSL_free(der);
}

/* A new session through kex, then AUTH with ident; the status. */
uint32_t
login_with(struct fixture *f, struct session *s, const struct msbuf *ident,
    EVP_PKEY *signer, const struct auth_opts *o)
{
	session_start(f, s);
	session_kex(f, s);
	return auth_with(f, s, ident, signer, o, 0);
}

/* A full handshake presenting chain (leaf first), signed by signer. */
uint32_t
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
	status = login_with(f, s, ident, signer, o != NULL ? o : &honest);
	msbuf_free(ident);
	return status;
}

/* A client certificate for key, from our CA unless issuer is given. */
X509 *
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

void
session_free(struct session *s)
{
	EVP_PKEY_free(s->eph);
	msbuf_free(s->ch);
	msbuf_free(s->sh);
	mon_worker_clear(&s->w);
}

uint32_t
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

uint32_t
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
