/*
 * mon_kex.c — the monitor's part of the handshake: issue the server nonce
 * (I2), the host-key "decap" that returns only transcript-bound HKDF
 * output (I3), the transcript signature (I2), and verification of the
 * client's proof with the principal decided here (I4).
 *
 * The requests are taken apart by common/msg_mon.c (through the dispatch
 * table) before a handler runs; the handlers judge them against what this monitor issued and return a verdict (mon.h):
 * a mismatch with our own bytes is worker misbehaviour and kills it, a
 * malformed or unproven client message only fails the login.
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/x509.h>

#include "buf.h"
#include "audit.h"
#include "certs.h"
#include "crypto.h"
#include "errors.h"
#include "hello.h"
#include "hostkeys.h"
#include "keyfile.h"
#include "log.h"
#include "logfmt.h"
#include "mon.h"
#include "msg_auth.h"
#include "msg_certs.h"
#include "msg_mon.h"
#include "schedule.h"
#include "servconf.h"
#include "sigalg.h"

struct mon_verdict
mon_hello(const struct mon_ctx *ctx, const struct mon_worker *w,
    struct mon_session *s, const union mon_req *pr, struct msbuf *resp)
{
	struct ms_mon_hello h;
	int r;

	if ((r = ms_random_bytes(s->nonce, sizeof(s->nonce))) != 0)
		return MON_KILLED(r, "no nonce");
	memset(&h, 0, sizeof(h));
	memcpy(h.server_random, s->nonce, sizeof(h.server_random));
	memcpy(h.host_kex_pub, ctx->keys->kex_pub, sizeof(h.host_kex_pub));
	memcpy(h.host_sig_pub, ctx->keys->sig_pub, sizeof(h.host_sig_pub));
	if (ctx->keys->cert_msg != NULL) {
		h.cert = msbuf_ptr(ctx->keys->cert_msg);
		h.cert_len = msbuf_len(ctx->keys->cert_msg);
	}
	r = ms_mon_hello_answer_put(resp, &h);
	return mon_ok_unless(r, "cannot build answer");
}

/*
 * The hellos must be ours: our nonce, our host keys, an offered suite.
 * NULL, or why not.
 */
static const char *
check_hellos(const struct mon_ctx *ctx, const struct mon_session *s,
    const struct ms_mon_hellos *h)
{
	const struct ms_client_hello *ch = &h->ch;
	const struct ms_server_hello *sh = &h->sh;

	if (ch->version != MS_PROTO_VERSION || sh->version != MS_PROTO_VERSION)
		return "hello version is not ours";
	if (!ms_ct_equal(sh->random, s->nonce, sizeof(s->nonce)))
		return "server_random is not this worker's nonce";
	if (!ms_ct_equal(sh->host_kex_pub, ctx->keys->kex_pub, 32) ||
	    !ms_ct_equal(sh->host_sig_pub, ctx->keys->sig_pub, 32))
		return "server hello names foreign host keys";
	if (!ms_alg_list_contains(&ch->ciphers, sh->cipher) ||
	    !ms_alg_list_contains(&ctx->conf->ciphers, sh->cipher) ||
	    !ms_alg_list_contains(&ch->kex, sh->kex) ||
	    sh->kex != MS_KEX_X25519_HYBRID ||
	    !ms_alg_list_contains(&ch->sigs, sh->sig) ||
	    sh->sig != MS_SIG_ED25519)
		return "server hello chose unoffered algorithms";
	return NULL;
}

/* TH over the hellos and, when given, our SERVER_CERTIFICATE. */
static int
hash_hellos(const struct msbuf *chf, const struct msbuf *shf,
    const struct msbuf *cert_msg, u_char th[MS_SHA256_LEN])
{
	struct ms_transcript *t;
	int r;

	if ((t = ms_transcript_new()) == NULL)
		return MS_ERR_ALLOC;
	if ((r = ms_transcript_add_raw(t, msbuf_ptr(chf), msbuf_len(chf))) == 0 &&
	    (r = ms_transcript_add_raw(t, msbuf_ptr(shf), msbuf_len(shf))) == 0 &&
	    (cert_msg == NULL || (r = ms_transcript_add_raw(t,
	    msbuf_ptr(cert_msg), msbuf_len(cert_msg))) == 0))
		r = ms_transcript_hash(t, th);
	ms_transcript_free(t);
	return r;
}

struct mon_verdict
mon_decap(const struct mon_ctx *ctx, const struct mon_worker *w,
    struct mon_session *s, const union mon_req *pr, struct msbuf *resp)
{
	const struct ms_mon_hellos *h = &pr->hellos;
	struct msbuf *chf = NULL, *shf = NULL;
	u_char ss_s[MS_X25519_LEN], secret[MS_SHA256_LEN];
	const char *why;
	int r;

	if ((why = check_hellos(ctx, s, h)) != NULL)
		return MON_KILLED(MS_ERR_PROTOCOL, why);
	if ((chf = msbuf_from(h->ch_frame, h->ch_len)) == NULL ||
	    (shf = msbuf_from(h->sh_frame, h->sh_len)) == NULL) {
		r = MS_ERR_ALLOC;
		goto out;
	}
	/* ss_s never leaves this function; only the HKDF output does. */
	if ((r = hash_hellos(chf, shf, NULL, s->th_sh)) != 0 ||
	    (r = ms_x25519_derive(ctx->keys->kex, h->ch.share, ss_s)) != 0 ||
	    (r = ms_derive_static(ss_s, s->th_sh, secret)) != 0 ||
	    (r = ms_derive_resumption(ss_s, s->th_sh, s->res)) != 0 ||
	    (r = ms_mon_decap_answer_put(resp, secret)) != 0)
		goto out;
	s->cipher = h->sh.cipher;
	s->ticket_wanted = h->ch.resume;
	s->resuming = h->ch.ticket_len != 0;
	s->client_hello = chf;
	s->server_hello = shf;
	chf = shf = NULL;
 out:
	OPENSSL_cleanse(ss_s, sizeof(ss_s));
	OPENSSL_cleanse(secret, sizeof(secret));
	msbuf_free(chf);
	msbuf_free(shf);
	return mon_ok_unless(r, "cannot derive the static secret");
}

static int
same_bytes(const u_char *p, size_t len, const struct msbuf *b)
{
	return len == msbuf_len(b) && memcmp(p, msbuf_ptr(b), len) == 0;
}

struct mon_verdict
mon_sign(const struct mon_ctx *ctx, const struct mon_worker *w,
    struct mon_session *s, const union mon_req *pr, struct msbuf *resp)
{
	const struct ms_mon_hellos *h = &pr->hellos;
	const struct msbuf *cert_msg = ctx->keys->cert_msg;
	u_char th[MS_SHA256_LEN], msg[128];
	const char *why;
	size_t msglen;
	int r;

	if ((why = check_hellos(ctx, s, h)) != NULL)
		return MON_KILLED(MS_ERR_PROTOCOL, why);
	/* Public bytes: an ordinary comparison is fine. */
	if (cert_msg == NULL ? h->cert_len != 0 :
	    !same_bytes(h->cert, h->cert_len, cert_msg))
		return MON_KILLED(MS_ERR_PROTOCOL,
		    "server certificate is not the monitor's");
	/* Only the exact transcript bound at DECAP, re-hashed here. */
	if (!same_bytes(h->ch_frame, h->ch_len, s->client_hello) ||
	    !same_bytes(h->sh_frame, h->sh_len, s->server_hello))
		return MON_KILLED(MS_ERR_PROTOCOL,
		    "sign transcript differs from decap");
	if ((r = hash_hellos(s->client_hello, s->server_hello, cert_msg,
	    th)) == 0 &&
	    (r = ms_sig_message(MS_SIG_CONTEXT_SERVER, th, msg, sizeof(msg),
	    &msglen)) == 0 &&
	    (r = ms_ed25519_sign(ctx->keys->sig, msg, msglen,
	    s->server_sig)) == 0)
		r = ms_mon_sign_answer_put(resp, s->server_sig);
	return mon_ok_unless(r, "cannot sign");
}

/*
 * transcript_tail = [SERVER_CERTIFICATE ||] SERVER_VERIFY ||
 * SERVER_FINISHED || CLIENT_IDENTITY in canonical encoding.  The server
 * messages must be byte-identical to ours (the worker controls them: a
 * mismatch is worker misbehaviour).  The rest came from the client:
 * structural problems there only fail the login.
 */
static int
expect_server_cert(const struct mon_ctx *ctx, struct msbuf *tail)
{
	const struct msbuf *cert_msg = ctx->keys->cert_msg;

	if (cert_msg == NULL)
		return 0;
	if (msbuf_len(tail) < msbuf_len(cert_msg) ||
	    memcmp(msbuf_ptr(tail), msbuf_ptr(cert_msg),
	    msbuf_len(cert_msg)) != 0)
		return MS_ERR_PROTOCOL;
	return msbuf_consume(tail, msbuf_len(cert_msg));
}

static int
expect_server_verify(const struct mon_session *s, struct msbuf *tail)
{
	struct msbuf *body = NULL;
	struct ms_verify sv;
	int r;

	if ((r = ms_canonical_get(tail, MS_MSG_SERVER_VERIFY,
	    MS_SERVER_VERIFY_LEN - 5, &body)) != 0 ||
	    (r = ms_server_verify_parse(body, &sv)) != 0)
		goto out;
	if (sv.sig_alg != MS_SIG_ED25519 ||
	    memcmp(sv.sig, s->server_sig, sizeof(s->server_sig)) != 0)
		r = MS_ERR_PROTOCOL;
 out:
	msbuf_free(body);
	return r;
}

/* What CLIENT_IDENTITY claims. */
struct client_id {
	uint8_t		 id_type;
	u_char		 pub[32];		/* id_type 1 */
	STACK_OF(X509)	*chain;			/* id_type 2 */
	struct msbuf	*body;			/* as sent, for a ticket */
};

static void
client_id_clear(struct client_id *id)
{
	sk_X509_pop_free(id->chain, X509_free);
	msbuf_free(id->body);
	memset(id, 0, sizeof(*id));
}

/* SERVER_FINISHED, then CLIENT_IDENTITY to the very end of the tail. */
static int
parse_client_tail(struct msbuf *tail, struct client_id *id)
{
	struct ms_client_identity cid;
	struct msbuf *body = NULL;
	u_char mac[MS_VERIFY_DATA_LEN];
	int r;

	if ((r = ms_canonical_get(tail, MS_MSG_SERVER_FINISHED,
	    MS_SERVER_FINISHED_LEN - 5, &body)) != 0 ||
	    (r = ms_finished_parse(body, mac)) != 0)
		goto out;
	msbuf_free(body);
	if ((r = ms_canonical_get(tail, MS_MSG_CLIENT_IDENTITY,
	    MS_CLIENT_IDENTITY_MAX - 5, &body)) != 0)
		goto out;
	if (msbuf_len(tail) != 0) {
		r = MS_ERR_INVALID_FORMAT;
		goto out;
	}
	if ((id->body = msbuf_dup(body)) == NULL) {
		r = MS_ERR_ALLOC;
		goto out;
	}
	r = ms_client_identity_parse(body, &cid);
	id->id_type = cid.id_type;
	if (r != 0)
		goto out;
	switch (cid.id_type) {
	case MS_ID_RAW_ED25519:
		/* Structure allows a shorter key; it is no Ed25519 key. */
		if (cid.publen != sizeof(id->pub)) {
			r = MS_ERR_INVALID_FORMAT;
			break;
		}
		memcpy(id->pub, cid.pub, sizeof(id->pub));
		break;
	case MS_ID_X509_CHAIN:
		r = ms_cert_chain_to_x509(&cid.chain, &id->chain);
		break;
	case MS_ID_PEER_CREDENTIALS:
		break;
	default:
		r = MS_ERR_INTERNAL;
		break;
	}
 out:
	msbuf_free(body);
	return r;
}

/* id_type 3's CLIENT_VERIFY: exactly sig_alg 0 and no signature. */
static int
parse_client_verify_none(const u_char *cv, size_t cvlen)
{
	struct ms_verify v;
	struct msbuf *b;
	int r;

	if ((b = msbuf_from(cv, cvlen)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = ms_client_verify_parse(b, &v)) == 0 &&
	    !ms_client_verify_is_none(&v))
		r = MS_ERR_INVALID_FORMAT;
	msbuf_free(b);
	return r;
}

/* CLIENT_VERIFY body: u16 sig_alg, string signature. */
static int
parse_client_verify(const u_char *cv, size_t cvlen, uint16_t *algp,
    u_char *sig, size_t *siglenp)
{
	struct ms_verify v;
	struct msbuf *b;
	int r;

	if ((b = msbuf_from(cv, cvlen)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = ms_client_verify_parse(b, &v)) == 0) {
		/* Well formed, but no signature. */
		if (v.siglen == 0)
			r = MS_ERR_INVALID_FORMAT;
		else {
			*algp = v.sig_alg;
			memcpy(sig, v.sig, v.siglen);
			*siglenp = v.siglen;
		}
	}
	msbuf_free(b);
	return r;
}

static int
transcript_add_cb(void *t, const u_char *msg, size_t len)
{
	return ms_transcript_add_raw(t, msg, len);
}

/* Add a run of canonical messages to the transcript, one at a time. */
static int
transcript_add_run(struct ms_transcript *t, const u_char *run, size_t len)
{
	return ms_canonical_run_walk(run, len, transcript_add_cb, t);
}

/* Groups come only from the principals file: p may be NULL (none). */
int
mon_bind_principal(struct mon_session *s, const char *name,
    const struct principal *p)
{
	size_t i;

	strlcpy(s->principal, name, sizeof(s->principal));
	for (i = 0; p != NULL && i < p->ngroups; i++) {
		if ((s->groups[i] = strdup(p->groups[i])) == NULL)
			return MS_ERR_ALLOC;
		s->ngroups = i + 1;
	}
	return 0;
}

/* The verdict on a client's proof, whichever kind of identity it used. */
struct auth_verdict {
	int		 ok;
	const char	*why;			/* when !ok */
	const char	*name;			/* principal when ok */
	const struct principal *groups;		/* may be NULL */
	struct ms_cert_result cert;		/* id_type 2 */
	char		 fp[MS_FINGERPRINT_MAX];	/* id_type 1 */
};

static void
check_raw_key(const struct mon_ctx *ctx, const struct client_id *id,
    int id_ok, uint16_t alg, const u_char *sig, size_t siglen,
    const u_char *msg, size_t msglen, struct auth_verdict *v)
{
	const struct principal *p;
	int sig_ok = 0;

	if (id_ok) {
		ms_fingerprint(id->pub, sizeof(id->pub), v->fp, sizeof(v->fp));
		sig_ok = alg == MS_SIG_ED25519 &&
		    ms_alg_list_contains(&ctx->conf->sig_algs, alg) &&
		    ms_ed25519_verify(id->pub, msg, msglen, sig, siglen) == 0;
	}
	/* Look the key up whatever happened above: no timing difference. */
	p = principals_find(ctx->principals, id->pub);
	v->ok = sig_ok && p != NULL;
	v->why = !sig_ok ? "bad proof" : p == NULL ? "unknown key" : NULL;
	if (v->ok) {
		v->name = p->name;
		v->groups = p;
	}
}

/*
 * Peer credentials: the uid is the one this monitor took from the kernel
 * at accept (mon_worker.cred); nothing the worker or the client says
 * about the peer is read.  Over TCP there is no such snapshot: refused.
 */
static void
check_peer(const struct mon_ctx *ctx, const struct mon_worker *w, int id_ok,
    struct auth_verdict *v)
{
	const struct principal *p;

	if (!w->cred.set) {
		v->why = "peer credentials on a connection that is not local";
		return;
	}
	if (!id_ok) {
		v->why = "malformed peer-credentials identity or proof";
		return;
	}
	if ((p = principals_find_uid(ctx->principals, w->cred.uid)) == NULL) {
		v->why = "unmapped uid";
		return;
	}
	v->ok = 1;
	v->name = p->name;
	v->groups = p;
}

static void
check_cert(const struct mon_ctx *ctx, const struct client_id *id, int id_ok,
    uint16_t alg, const u_char *sig, size_t siglen, const u_char *msg,
    size_t msglen, struct auth_verdict *v)
{
	uint16_t key_alg = 0;
	int chain_ok, sig_ok = 0;

	if (!id_ok) {
		strlcpy(v->cert.subject, "?", sizeof(v->cert.subject));
		strlcpy(v->cert.serial, "?", sizeof(v->cert.serial));
		v->why = "malformed certificate chain or proof";
		return;
	}
	chain_ok = ms_certs_verify(ctx->certs, id->chain, &v->cert) == 0;
	/* The signature is checked even for a refused chain: same work. */
	if (v->cert.key != NULL)
		key_alg = ms_sigalg_for_key(v->cert.key,
		    ctx->conf->min_rsa_bits);
	if (key_alg != 0)
		sig_ok = ms_sigalg_verify(key_alg, v->cert.key, msg, msglen,
		    sig, siglen) == 0;
	if (!chain_ok)
		v->why = v->cert.reason;
	else if (key_alg == 0)
		v->why = "leaf key type or size not allowed";
	else if (alg != key_alg ||
	    !ms_alg_list_contains(&ctx->conf->sig_algs, key_alg))
		v->why = "signature algorithm not allowed";
	else if (!sig_ok)
		v->why = "bad proof";
	else {
		v->ok = 1;
		v->name = v->cert.principal;
		v->groups = principals_find_cert(ctx->principals,
		    v->cert.principal);
	}
}

/*
 * Certificate fields are the peer's text: quoted (logfmt.h) so a subject
 * cannot pose as another field.  The serial is decimal, as keygen prints.
 */
static void
audit_auth(const struct mon_worker *w, const struct client_id *id,
    const struct auth_verdict *v)
{
	struct audit_line a;

	audit_begin(&a, v->ok ? "allowed" : "denied", w, "auth");
	audit_add(&a, "principal", v->ok ? v->name : NULL);
	if (id->id_type == MS_ID_X509_CHAIN) {
		audit_add(&a, "cert_subject", v->cert.subject);
		audit_add(&a, "cert_issuer", v->cert.issuer);
		audit_add(&a, "cert_serial", v->cert.serial);
	} else if (id->id_type == MS_ID_PEER_CREDENTIALS)
		audit_add(&a, "id", "peer-credentials");
	else
		audit_add(&a, "key", v->fp);
	audit_add(&a, "reason", v->ok ? NULL : v->why);
	audit_end(&a);
}

/*
 * The monitor's own messages at the head of the tail, and the transcript
 * hash over everything: 0, or the worker tampered with our bytes.
 */
int
mon_check_server_part(const struct mon_ctx *ctx, const struct mon_session *s,
    struct msbuf *tail, u_char th[MS_SHA256_LEN], const char **why)
{
	struct ms_transcript *t;
	int r;

	*why = "cannot hash the transcript";

	/* The transcript is hashed here, from bytes checked here. */
	if ((t = ms_transcript_new()) == NULL)
		return MS_ERR_ALLOC;
	if ((r = ms_transcript_add_raw(t, msbuf_ptr(s->client_hello),
	    msbuf_len(s->client_hello))) == 0 &&
	    (r = ms_transcript_add_raw(t, msbuf_ptr(s->server_hello),
	    msbuf_len(s->server_hello))) == 0 &&
	    (r = transcript_add_run(t, msbuf_ptr(tail), msbuf_len(tail))) == 0 &&
	    (r = ms_transcript_hash(t, th)) == 0) {
		*why = "transcript does not carry the monitor's server "
		    "certificate";
		if ((r = expect_server_cert(ctx, tail)) == 0) {
			*why = "transcript does not carry the monitor's "
			    "signature";
			r = expect_server_verify(s, tail);
		}
	}
	ms_transcript_free(t);
	return r;
}

struct mon_verdict
mon_auth(const struct mon_ctx *ctx, const struct mon_worker *w,
    struct mon_session *s, const union mon_req *pr, struct msbuf *resp)
{
	const struct ms_mon_auth *a = &pr->auth;
	struct mon_verdict verdict;
	struct msbuf *tail = NULL;
	const char *why;
	struct client_id id;
	struct auth_verdict v;
	u_char th[MS_SHA256_LEN], msg[128], sig[MS_SIGNATURE_MAX];
	size_t msglen = 0, siglen = 0;
	uint16_t alg = 0;
	int r, id_ok, cv_ok;

	memset(&id, 0, sizeof(id));
	memset(&v, 0, sizeof(v));
	strlcpy(v.fp, "unknown", sizeof(v.fp));
	/* A hello with a ticket is answered by RESUME only. */
	if (s->resuming)
		return MON_KILLED(MS_ERR_PROTOCOL, "auth for a resuming hello");
	if ((tail = msbuf_from(a->tail, a->tail_len)) == NULL)
		return MON_KILLED(MS_ERR_ALLOC, "out of memory");
	if ((r = mon_check_server_part(ctx, s, tail, th, &why)) != 0) {
		verdict = MON_KILLED(r, why);
		goto out;
	}
	if ((r = ms_sig_message(MS_SIG_CONTEXT_CLIENT, th, msg, sizeof(msg),
	    &msglen)) != 0) {
		verdict = MON_KILLED(r, "cannot build the signed message");
		goto out;
	}

	id_ok = parse_client_tail(tail, &id) == 0;
	if (id.id_type == MS_ID_PEER_CREDENTIALS) {
		cv_ok = parse_client_verify_none(a->cv, a->cv_len) == 0;
		check_peer(ctx, w, id_ok && cv_ok, &v);
	} else {
		cv_ok = parse_client_verify(a->cv, a->cv_len, &alg, sig,
		    &siglen) == 0;
		if (id.id_type == MS_ID_X509_CHAIN)
			check_cert(ctx, &id, id_ok && cv_ok, alg, sig, siglen,
			    msg, msglen, &v);
		else
			check_raw_key(ctx, &id, id_ok && cv_ok, alg, sig,
			    siglen, msg, msglen, &v);
	}
	/*
	 * The worker alone can check CLIENT_FINISHED (key confirmation); its
	 * verdict can only make the login fail, never succeed.
	 */
	if (v.ok && !a->finished_ok) {
		v.ok = 0;
		v.why = "bad finished";
	}
	audit_auth(w, &id, &v);
	if (v.ok) {
		if ((r = mon_bind_principal(s, v.name, v.groups)) == 0) {
			s->cert_auth = id.id_type == MS_ID_X509_CHAIN;
			/*
			 * A key or a chain can be judged again from a ticket;
			 * peer credentials belong to this socket only.
			 */
			if (id.id_type == MS_ID_RAW_ED25519 ||
			    id.id_type == MS_ID_X509_CHAIN) {
				s->identity = id.body;
				id.body = NULL;
			}
			s->not_after = s->cert_auth ?
			    mon_leaf_not_after(id.chain) : 0;
			r = ms_mon_auth_answer_put(resp, MS_ST_OK,
			    s->principal);
		}
		verdict = mon_ok_unless(r, "cannot bind the principal");
	} else
		verdict = mon_auth_refused(resp);
 out:
	ms_cert_result_clear(&v.cert);
	client_id_clear(&id);
	msbuf_free(tail);
	return verdict;
}

/* The leaf's notAfter in UNIX seconds, for a ticket; 0 if unreadable. */
struct mon_verdict
mon_auth_refused(struct msbuf *resp)
{
	int r;

	r = ms_mon_auth_answer_put(resp, MS_ST_AUTH_FAILED, "");
	return r == 0 ? MON_VERDICT(MON_DENIED) :
	    MON_KILLED(r, "cannot build answer");
}

uint64_t
mon_leaf_not_after(STACK_OF(X509) *chain)
{
	const ASN1_TIME *na;
	struct tm tm;
	time_t t;

	if (chain == NULL || sk_X509_num(chain) < 1 ||
	    (na = X509_get0_notAfter(sk_X509_value(chain, 0))) == NULL ||
	    ASN1_TIME_to_tm(na, &tm) != 1 || (t = timegm(&tm)) < 0)
		return 0;
	return (uint64_t)t;
}
