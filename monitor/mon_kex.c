/*
 * mon_kex.c — the monitor's part of the handshake: issue the server nonce
 * (I2), the host-key "decap" that returns only transcript-bound HKDF
 * output (I3), the transcript signature (I2), and verification of the
 * client's proof with the principal decided here (I4).
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/x509.h>

#include "buf.h"
#include "certs.h"
#include "crypto.h"
#include "errors.h"
#include "hello.h"
#include "hostkeys.h"
#include "keyfile.h"
#include "log.h"
#include "logfmt.h"
#include "mon.h"
#include "schedule.h"
#include "servconf.h"
#include "sigalg.h"

#define HELLO_FRAME_MAX		512
#define TAIL_MAX		163840
#define CLIENT_VERIFY_MAX	(MS_SIGNATURE_MAX + 16)

int
mon_hello(const struct mon_ctx *ctx, struct mon_worker *w, struct msbuf *req,
    struct msbuf *resp)
{
	int r;

	if (msbuf_len(req) != 0)
		return MS_ERR_INVALID_FORMAT;
	if ((r = ms_random_bytes(w->nonce, sizeof(w->nonce))) != 0)
		return r;
	if ((r = msbuf_put(resp, w->nonce, sizeof(w->nonce))) != 0 ||
	    (r = msbuf_put_string(resp, ctx->keys->kex_pub, 32)) != 0 ||
	    (r = msbuf_put_string(resp, ctx->keys->sig_pub, 32)) != 0)
		return r;
	if (ctx->keys->cert_msg != NULL)
		r = msbuf_put_stringb(resp, ctx->keys->cert_msg);
	else
		r = msbuf_put_string(resp, NULL, 0);
	if (r != 0)
		return r;
	w->state = MW_HELLO;
	return 0;
}

/* The hellos must be ours: our nonce, our host keys, an offered suite. */
static int
check_hellos(const struct mon_ctx *ctx, const struct mon_worker *w,
    const struct ms_client_hello *ch, const struct ms_server_hello *sh)
{
	if (ch->version != MS_PROTO_VERSION || sh->version != MS_PROTO_VERSION)
		return MS_ERR_PROTOCOL;
	if (!ms_ct_equal(sh->random, w->nonce, sizeof(w->nonce))) {
		error_f("worker %ld: server_random is not this worker's nonce",
		    (long)w->pid);
		return MS_ERR_PROTOCOL;
	}
	if (!ms_ct_equal(sh->host_kex_pub, ctx->keys->kex_pub, 32) ||
	    !ms_ct_equal(sh->host_sig_pub, ctx->keys->sig_pub, 32)) {
		error_f("worker %ld: server hello names foreign host keys",
		    (long)w->pid);
		return MS_ERR_PROTOCOL;
	}
	if (!ms_alg_list_contains(&ch->ciphers, sh->cipher) ||
	    !ms_alg_list_contains(&ctx->conf->ciphers, sh->cipher) ||
	    !ms_alg_list_contains(&ch->kex, sh->kex) ||
	    sh->kex != MS_KEX_X25519_HYBRID ||
	    !ms_alg_list_contains(&ch->sigs, sh->sig) ||
	    sh->sig != MS_SIG_ED25519) {
		error_f("worker %ld: server hello chose unoffered algorithms",
		    (long)w->pid);
		return MS_ERR_PROTOCOL;
	}
	return 0;
}

/*
 * Parse "string client_hello_frame, string server_hello_frame"; the caller
 * checks what follows.
 */
static int
get_hellos(struct msbuf *req, struct msbuf **chp, struct msbuf **shp,
    struct ms_client_hello *ch, struct ms_server_hello *sh)
{
	const u_char *chf, *shf;
	size_t chlen, shlen;
	int r;

	*chp = *shp = NULL;
	if ((r = msbuf_get_string_direct(req, &chf, &chlen,
	    HELLO_FRAME_MAX)) != 0 ||
	    (r = ms_client_hello_parse_frame(chf, chlen, ch)) != 0 ||
	    (*chp = msbuf_from(chf, chlen)) == NULL)
		goto fail;
	if ((r = msbuf_get_string_direct(req, &shf, &shlen,
	    HELLO_FRAME_MAX)) != 0 ||
	    (r = ms_server_hello_parse_frame(shf, shlen, sh)) != 0 ||
	    (*shp = msbuf_from(shf, shlen)) == NULL)
		goto fail;
	return 0;
 fail:
	msbuf_free(*chp);
	msbuf_free(*shp);
	*chp = *shp = NULL;
	return r == 0 ? MS_ERR_ALLOC : r;
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

int
mon_decap(const struct mon_ctx *ctx, struct mon_worker *w, struct msbuf *req,
    struct msbuf *resp)
{
	struct ms_client_hello ch;
	struct ms_server_hello sh;
	struct msbuf *chf = NULL, *shf = NULL;
	u_char ss_s[MS_X25519_LEN], secret[MS_SHA256_LEN];
	int r;

	if ((r = get_hellos(req, &chf, &shf, &ch, &sh)) != 0)
		goto out;
	if (msbuf_len(req) != 0) {
		r = MS_ERR_INVALID_FORMAT;
		goto out;
	}
	if ((r = check_hellos(ctx, w, &ch, &sh)) != 0 ||
	    (r = hash_hellos(chf, shf, NULL, w->th_sh)) != 0)
		goto out;
	/* ss_s never leaves this function; only the HKDF output does. */
	if ((r = ms_x25519_derive(ctx->keys->kex, ch.share, ss_s)) != 0 ||
	    (r = ms_derive_static(ss_s, w->th_sh, secret)) != 0 ||
	    (r = msbuf_put_string(resp, secret, sizeof(secret))) != 0)
		goto out;
	w->client_hello = chf;
	w->server_hello = shf;
	chf = shf = NULL;
	w->state = MW_DECAPPED;
 out:
	OPENSSL_cleanse(ss_s, sizeof(ss_s));
	OPENSSL_cleanse(secret, sizeof(secret));
	msbuf_free(chf);
	msbuf_free(shf);
	return r;
}

static int
same_bytes(const struct msbuf *a, const struct msbuf *b)
{
	return msbuf_len(a) == msbuf_len(b) &&
	    memcmp(msbuf_ptr(a), msbuf_ptr(b), msbuf_len(a)) == 0;
}

int
mon_sign(const struct mon_ctx *ctx, struct mon_worker *w, struct msbuf *req,
    struct msbuf *resp)
{
	struct ms_client_hello ch;
	struct ms_server_hello sh;
	struct msbuf *chf = NULL, *shf = NULL;
	const struct msbuf *cert_msg = ctx->keys->cert_msg;
	const u_char *sc;
	u_char th[MS_SHA256_LEN], msg[128];
	size_t msglen, sclen;
	int r;

	/* Only the exact transcript bound at DECAP, re-hashed here. */
	if ((r = get_hellos(req, &chf, &shf, &ch, &sh)) != 0 ||
	    (r = msbuf_get_string_direct(req, &sc, &sclen,
	    HOSTKEYS_CERT_MSG_MAX)) != 0)
		goto out;
	if (msbuf_len(req) != 0) {
		r = MS_ERR_INVALID_FORMAT;
		goto out;
	}
	if ((r = check_hellos(ctx, w, &ch, &sh)) != 0)
		goto out;
	/* Public bytes: an ordinary comparison is fine. */
	if (cert_msg == NULL ? sclen != 0 : (sclen != msbuf_len(cert_msg) ||
	    memcmp(sc, msbuf_ptr(cert_msg), sclen) != 0)) {
		error_f("worker %ld: server certificate is not the monitor's",
		    (long)w->pid);
		r = MS_ERR_PROTOCOL;
		goto out;
	}
	if (!same_bytes(chf, w->client_hello) ||
	    !same_bytes(shf, w->server_hello)) {
		error_f("worker %ld: sign transcript differs from decap",
		    (long)w->pid);
		r = MS_ERR_PROTOCOL;
		goto out;
	}
	if ((r = hash_hellos(chf, shf, cert_msg, th)) != 0 ||
	    (r = ms_sig_message(MS_SIG_CONTEXT_SERVER, th, msg, sizeof(msg),
	    &msglen)) != 0 ||
	    (r = ms_ed25519_sign(ctx->keys->sig, msg, msglen,
	    w->server_sig)) != 0 ||
	    (r = msbuf_put_string(resp, w->server_sig,
	    sizeof(w->server_sig))) != 0)
		goto out;
	w->state = MW_SIGNED;
 out:
	msbuf_free(chf);
	msbuf_free(shf);
	return r;
}

/*
 * transcript_tail = [SERVER_CERTIFICATE ||] SERVER_VERIFY ||
 * SERVER_FINISHED || CLIENT_IDENTITY in canonical encoding.  The server
 * messages must be byte-identical to ours (the worker controls them: a
 * mismatch is worker misbehaviour).  The rest came from the client:
 * structural problems there only fail the login.
 */
static int
expect_server_cert(const struct mon_ctx *ctx, const struct mon_worker *w,
    struct msbuf *tail)
{
	const struct msbuf *cert_msg = ctx->keys->cert_msg;

	if (cert_msg == NULL)
		return 0;
	if (msbuf_len(tail) < msbuf_len(cert_msg) ||
	    memcmp(msbuf_ptr(tail), msbuf_ptr(cert_msg),
	    msbuf_len(cert_msg)) != 0) {
		error_f("worker %ld: transcript does not carry the monitor's "
		    "server certificate", (long)w->pid);
		return MS_ERR_PROTOCOL;
	}
	return msbuf_consume(tail, msbuf_len(cert_msg));
}

static int
expect_server_verify(const struct mon_worker *w, struct msbuf *tail)
{
	uint32_t len;
	uint8_t type;
	uint16_t alg;
	u_char sig[64];
	int r;

	if ((r = msbuf_get_u32(tail, &len)) != 0 ||
	    (r = msbuf_get_u8(tail, &type)) != 0 ||
	    (r = msbuf_get_u16(tail, &alg)) != 0 ||
	    (r = msbuf_get_string_fixed(tail, sig, sizeof(sig))) != 0)
		return r;
	if (len != 1 + 2 + 4 + 64 || type != MS_MSG_SERVER_VERIFY ||
	    alg != MS_SIG_ED25519 ||
	    memcmp(sig, w->server_sig, sizeof(sig)) != 0) {
		error_f("worker %ld: transcript does not carry the monitor's "
		    "signature", (long)w->pid);
		return MS_ERR_PROTOCOL;
	}
	return 0;
}

/* What CLIENT_IDENTITY claims. */
struct client_id {
	uint8_t		 id_type;
	u_char		 pub[32];		/* id_type 1 */
	STACK_OF(X509)	*chain;			/* id_type 2 */
};

static void
client_id_clear(struct client_id *id)
{
	sk_X509_pop_free(id->chain, X509_free);
	memset(id, 0, sizeof(*id));
}

/* SERVER_FINISHED, then CLIENT_IDENTITY to the very end of the tail. */
static int
parse_client_tail(struct msbuf *tail, struct client_id *id)
{
	u_char mac[MS_SHA256_LEN];
	uint32_t len;
	uint8_t type;
	int r;

	if ((r = msbuf_get_u32(tail, &len)) != 0 ||
	    (r = msbuf_get_u8(tail, &type)) != 0 ||
	    (r = msbuf_get_string_fixed(tail, mac, sizeof(mac))) != 0)
		return r;
	if (len != 1 + 4 + 32 || type != MS_MSG_SERVER_FINISHED)
		return MS_ERR_INVALID_FORMAT;
	if ((r = msbuf_get_u32(tail, &len)) != 0 ||
	    (r = msbuf_get_u8(tail, &type)) != 0)
		return r;
	if (type != MS_MSG_CLIENT_IDENTITY || len < 2 ||
	    len - 1 != msbuf_len(tail) || len > MS_CLIENT_IDENTITY_MAX - 4)
		return MS_ERR_INVALID_FORMAT;
	if ((r = msbuf_get_u8(tail, &id->id_type)) != 0)
		return r;
	switch (id->id_type) {
	case MS_ID_RAW_ED25519:
		r = msbuf_get_string_fixed(tail, id->pub, sizeof(id->pub));
		break;
	case MS_ID_X509_CHAIN:
		r = ms_cert_chain_get(tail, &id->chain);
		break;
	default:
		r = MS_ERR_INVALID_FORMAT;
		break;
	}
	if (r == 0 && msbuf_len(tail) != 0)
		r = MS_ERR_INVALID_FORMAT;
	return r;
}

/* CLIENT_VERIFY body: u16 sig_alg, string signature. */
static int
parse_client_verify(const u_char *cv, size_t cvlen, uint16_t *algp,
    u_char *sig, size_t *siglenp)
{
	struct msbuf *b;
	const u_char *s;
	size_t slen;
	int r;

	if ((b = msbuf_from(cv, cvlen)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = msbuf_get_u16(b, algp)) == 0 &&
	    (r = msbuf_get_string_direct(b, &s, &slen,
	    MS_SIGNATURE_MAX)) == 0) {
		if (msbuf_len(b) != 0 || slen == 0)
			r = MS_ERR_INVALID_FORMAT;
		else {
			memcpy(sig, s, slen);
			*siglenp = slen;
		}
	}
	msbuf_free(b);
	return r;
}

/* Add a run of canonical messages to the transcript, one at a time. */
static int
transcript_add_run(struct ms_transcript *t, const struct msbuf *run)
{
	struct msbuf *b;
	uint32_t len;
	int r = 0;

	if ((b = msbuf_dup(run)) == NULL)
		return MS_ERR_ALLOC;
	while (msbuf_len(b) > 0) {
		if ((r = msbuf_peek_u32(b, 0, &len)) != 0)
			break;
		if (len > msbuf_len(b) - 4) {
			r = MS_ERR_INVALID_FORMAT;
			break;
		}
		if ((r = ms_transcript_add_raw(t, msbuf_ptr(b), 4 + len)) != 0 ||
		    (r = msbuf_consume(b, 4 + len)) != 0)
			break;
	}
	msbuf_free(b);
	return r;
}

/* Groups come only from the principals file: p may be NULL (none). */
static int
bind_principal(struct mon_worker *w, const char *name,
    const struct principal *p)
{
	size_t i;

	strlcpy(w->principal, name, sizeof(w->principal));
	for (i = 0; p != NULL && i < p->ngroups; i++) {
		if ((w->groups[i] = strdup(p->groups[i])) == NULL)
			return MS_ERR_ALLOC;
		w->ngroups = i + 1;
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
	char qs[MS_LOG_VALUE_LEN(MS_CERT_SUBJECT_MAX)];
	char qi[MS_LOG_VALUE_LEN(MS_CERT_SUBJECT_MAX)];

	if (id->id_type == MS_ID_X509_CHAIN) {
		ms_log_value(qs, sizeof(qs), v->cert.subject);
		ms_log_value(qi, sizeof(qi), v->cert.issuer);
	}
	if (id->id_type == MS_ID_X509_CHAIN && v->ok)
		logit("audit: auth principal=%s cert subject=%s issuer=%s "
		    "serial=%s peer=%s result=allowed", v->name, qs, qi,
		    v->cert.serial, w->peer);
	else if (id->id_type == MS_ID_X509_CHAIN)
		logit("audit: auth cert subject=%s issuer=%s serial=%s "
		    "peer=%s result=denied (%s)", qs, qi, v->cert.serial,
		    w->peer, v->why);
	else if (v->ok)
		logit("audit: auth principal=%s key=%s peer=%s result=allowed",
		    v->name, v->fp, w->peer);
	else
		logit("audit: auth key=%s peer=%s result=denied (%s)", v->fp,
		    w->peer, v->why);
}

int
mon_auth(const struct mon_ctx *ctx, struct mon_worker *w, struct msbuf *req,
    struct msbuf *resp)
{
	struct msbuf *tail = NULL;
	struct ms_transcript *t = NULL;
	struct client_id id;
	struct auth_verdict v;
	const u_char *cv;
	u_char th[MS_SHA256_LEN], msg[128], sig[MS_SIGNATURE_MAX];
	size_t cvlen, msglen = 0, siglen = 0;
	uint16_t alg = 0;
	uint8_t finished_ok;
	int r, id_ok, cv_ok;

	memset(&id, 0, sizeof(id));
	memset(&v, 0, sizeof(v));
	strlcpy(v.fp, "unknown", sizeof(v.fp));
	if ((tail = msbuf_new(TAIL_MAX)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = msbuf_get_stringb(req, tail, TAIL_MAX)) != 0 ||
	    (r = msbuf_get_string_direct(req, &cv, &cvlen,
	    CLIENT_VERIFY_MAX)) != 0 ||
	    (r = msbuf_get_u8(req, &finished_ok)) != 0 || msbuf_len(req) != 0)
		goto out;
	if (finished_ok > 1) {
		r = MS_ERR_INVALID_FORMAT;
		goto out;
	}
	/* The transcript is hashed here, from bytes checked here. */
	if ((t = ms_transcript_new()) == NULL) {
		r = MS_ERR_ALLOC;
		goto out;
	}
	if ((r = ms_transcript_add_raw(t, msbuf_ptr(w->client_hello),
	    msbuf_len(w->client_hello))) != 0 ||
	    (r = ms_transcript_add_raw(t, msbuf_ptr(w->server_hello),
	    msbuf_len(w->server_hello))) != 0 ||
	    (r = transcript_add_run(t, tail)) != 0 ||
	    (r = ms_transcript_hash(t, th)) != 0 ||
	    (r = expect_server_cert(ctx, w, tail)) != 0 ||
	    (r = expect_server_verify(w, tail)) != 0 ||
	    (r = ms_sig_message(MS_SIG_CONTEXT_CLIENT, th, msg, sizeof(msg),
	    &msglen)) != 0)
		goto out;

	id_ok = parse_client_tail(tail, &id) == 0;
	cv_ok = parse_client_verify(cv, cvlen, &alg, sig, &siglen) == 0;
	if (id.id_type == MS_ID_X509_CHAIN)
		check_cert(ctx, &id, id_ok && cv_ok, alg, sig, siglen, msg,
		    msglen, &v);
	else
		check_raw_key(ctx, &id, id_ok && cv_ok, alg, sig, siglen, msg,
		    msglen, &v);
	/*
	 * The worker alone can check CLIENT_FINISHED (key confirmation); its
	 * verdict can only make the login fail, never succeed.
	 */
	if (v.ok && !finished_ok) {
		v.ok = 0;
		v.why = "bad finished";
	}
	audit_auth(w, &id, &v);
	if (v.ok) {
		if ((r = bind_principal(w, v.name, v.groups)) != 0)
			goto out;
		w->cert_auth = id.id_type == MS_ID_X509_CHAIN;
		w->state = MW_AUTHED;
		if ((r = msbuf_put_u32(resp, MS_ST_OK)) == 0)
			r = msbuf_put_cstring(resp, w->principal);
	} else {
		w->state = MW_REFUSED;
		if ((r = msbuf_put_u32(resp, MS_ST_AUTH_FAILED)) == 0)
			r = msbuf_put_cstring(resp, "");
	}
 out:
	ms_cert_result_clear(&v.cert);
	client_id_clear(&id);
	ms_transcript_free(t);
	msbuf_free(tail);
	return r;
}
