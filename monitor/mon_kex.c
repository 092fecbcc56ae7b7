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

#include "buf.h"
#include "crypto.h"
#include "errors.h"
#include "hello.h"
#include "hostkeys.h"
#include "keyfile.h"
#include "log.h"
#include "mon.h"
#include "schedule.h"
#include "servconf.h"

#define HELLO_FRAME_MAX		512
#define TAIL_MAX		1024
#define CLIENT_VERIFY_MAX	256

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

/* Parse "string client_hello_frame, string server_hello_frame". */
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
	if (msbuf_len(req) != 0) {
		r = MS_ERR_INVALID_FORMAT;
		goto fail;
	}
	return 0;
 fail:
	msbuf_free(*chp);
	msbuf_free(*shp);
	*chp = *shp = NULL;
	return r == 0 ? MS_ERR_ALLOC : r;
}

static int
hash_hellos(const struct msbuf *chf, const struct msbuf *shf,
    u_char th[MS_SHA256_LEN])
{
	struct ms_transcript *t;
	int r;

	if ((t = ms_transcript_new()) == NULL)
		return MS_ERR_ALLOC;
	if ((r = ms_transcript_add_raw(t, msbuf_ptr(chf), msbuf_len(chf))) == 0 &&
	    (r = ms_transcript_add_raw(t, msbuf_ptr(shf), msbuf_len(shf))) == 0)
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

	if ((r = get_hellos(req, &chf, &shf, &ch, &sh)) != 0 ||
	    (r = check_hellos(ctx, w, &ch, &sh)) != 0 ||
	    (r = hash_hellos(chf, shf, w->th_sh)) != 0)
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
	u_char th[MS_SHA256_LEN], msg[128];
	size_t msglen;
	int r;

	/* Only the exact transcript bound at DECAP, re-hashed here. */
	if ((r = get_hellos(req, &chf, &shf, &ch, &sh)) != 0 ||
	    (r = check_hellos(ctx, w, &ch, &sh)) != 0)
		goto out;
	if (!same_bytes(chf, w->client_hello) ||
	    !same_bytes(shf, w->server_hello)) {
		error_f("worker %ld: sign transcript differs from decap",
		    (long)w->pid);
		r = MS_ERR_PROTOCOL;
		goto out;
	}
	if ((r = hash_hellos(chf, shf, th)) != 0 ||
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
 * transcript_tail = SERVER_VERIFY || SERVER_FINISHED || CLIENT_IDENTITY in
 * canonical encoding.  SERVER_VERIFY must carry our own signature (the
 * worker controls it: a mismatch is worker misbehaviour).  The rest came
 * from the client: structural problems there only fail the login.
 */
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

static int
parse_client_tail(struct msbuf *tail, u_char client_pub[32])
{
	u_char mac[MS_SHA256_LEN];
	uint32_t len;
	uint8_t type, id_type;
	int r;

	if ((r = msbuf_get_u32(tail, &len)) != 0 ||
	    (r = msbuf_get_u8(tail, &type)) != 0 ||
	    (r = msbuf_get_string_fixed(tail, mac, sizeof(mac))) != 0)
		return r;
	if (len != 1 + 4 + 32 || type != MS_MSG_SERVER_FINISHED)
		return MS_ERR_INVALID_FORMAT;
	if ((r = msbuf_get_u32(tail, &len)) != 0 ||
	    (r = msbuf_get_u8(tail, &type)) != 0 ||
	    (r = msbuf_get_u8(tail, &id_type)) != 0 ||
	    (r = msbuf_get_string_fixed(tail, client_pub, 32)) != 0)
		return r;
	if (len != 1 + 1 + 4 + 32 || type != MS_MSG_CLIENT_IDENTITY ||
	    id_type != MS_ID_RAW_ED25519 || msbuf_len(tail) != 0)
		return MS_ERR_INVALID_FORMAT;
	return 0;
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

static int
bind_principal(struct mon_worker *w, const struct principal *p)
{
	size_t i;

	strlcpy(w->principal, p->name, sizeof(w->principal));
	for (i = 0; i < p->ngroups; i++) {
		if ((w->groups[i] = strdup(p->groups[i])) == NULL)
			return MS_ERR_ALLOC;
		w->ngroups = i + 1;
	}
	return 0;
}

int
mon_auth(const struct mon_ctx *ctx, struct mon_worker *w, struct msbuf *req,
    struct msbuf *resp)
{
	struct msbuf *tail = NULL;
	struct ms_transcript *t = NULL;
	const struct principal *p;
	const u_char *cv;
	u_char th[MS_SHA256_LEN], msg[128], client_pub[32], sig[64];
	char fp[MS_FINGERPRINT_MAX] = "unknown";
	size_t cvlen, msglen;
	uint16_t alg = 0;
	uint8_t finished_ok;
	int r, client_ok;

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
	    (r = expect_server_verify(w, tail)) != 0)
		goto out;

	client_ok = parse_client_tail(tail, client_pub) == 0;
	if (client_ok) {
		struct msbuf *cvb = msbuf_from(cv, cvlen);

		client_ok = cvb != NULL &&
		    msbuf_get_u16(cvb, &alg) == 0 && alg == MS_SIG_ED25519 &&
		    msbuf_get_string_fixed(cvb, sig, sizeof(sig)) == 0 &&
		    msbuf_len(cvb) == 0;
		msbuf_free(cvb);
	}
	if (client_ok) {
		ms_fingerprint(client_pub, sizeof(client_pub), fp, sizeof(fp));
		client_ok = ms_sig_message(MS_SIG_CONTEXT_CLIENT, th, msg,
		    sizeof(msg), &msglen) == 0 &&
		    ms_ed25519_verify(client_pub, msg, msglen, sig,
		    sizeof(sig)) == 0;
	}
	/* Look the key up whatever happened above: no timing difference. */
	p = principals_find(ctx->principals, client_pub);
	/*
	 * The worker alone can check CLIENT_FINISHED (key confirmation); its
	 * verdict can only make the login fail, never succeed.
	 */
	if (client_ok && p != NULL && finished_ok) {
		if ((r = bind_principal(w, p)) != 0)
			goto out;
		w->state = MW_AUTHED;
		logit("audit: auth principal=%s key=%s peer=%s result=allowed",
		    w->principal, fp, w->peer);
		r = msbuf_put_u32(resp, MS_ST_OK);
		if (r == 0)
			r = msbuf_put_cstring(resp, w->principal);
	} else {
		w->state = MW_REFUSED;
		logit("audit: auth key=%s peer=%s result=denied (%s)", fp,
		    w->peer, !client_ok ? "bad proof" : p == NULL ?
		    "unknown key" : "bad finished");
		if ((r = msbuf_put_u32(resp, MS_ST_AUTH_FAILED)) == 0)
			r = msbuf_put_cstring(resp, "");
	}
 out:
	ms_transcript_free(t);
	msbuf_free(tail);
	return r;
}
