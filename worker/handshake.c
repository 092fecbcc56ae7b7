/*
 * handshake.c — server side of the metasafe handshake (PROTOCOL.md 3-5).
 *
 * The worker runs the state machine and the ephemeral half of the key
 * exchange; the monitor supplies what needs the host keys: the server
 * nonce and public keys (HELLO), the static secret bound to this
 * transcript (DECAP, I3), the transcript signature (SIGN, I2) and the
 * client's authentication (AUTH, I4).
 *
 * The whole handshake must finish within LoginGraceTime.  The client's
 * finished MAC is checked here, but the AUTH request is made whatever the
 * outcome, and the single AUTH_RESULT is sent only after both: a client
 * can tell neither by the message nor by the timing which check failed.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "buf.h"
#include "crypto.h"
#include "errors.h"
#include "frame.h"
#include "hello.h"
#include "log.h"
#include "msg_auth.h"
#include "monwrap.h"
#include "proto.h"
#include "record.h"
#include "schedule.h"
#include "sigalg.h"
#include "timeio.h"
#include "worker.h"

/* Largest bodies accepted from the client (4.3; canonical header is 5). */
#define HS_ID_BODY_MAX	(MS_CLIENT_IDENTITY_MAX - 5)
#define HS_CV_BODY_MAX	(2 + 4 + MS_SIGNATURE_MAX)
#define HS_FIN_BODY_MAX	1024	/* any junk there is just a wrong MAC */

struct hs {
	struct ms_client_hello	 ch;
	struct ms_server_hello	 sh;
	struct msbuf		*ch_frame;	/* canonical encodings */
	struct msbuf		*sh_frame;
	struct msbuf		*sc;		/* SERVER_CERTIFICATE or empty */
	struct ms_transcript	*t;
	struct msbuf		*tail;		/* for AUTH */
	struct msbuf		*cv;		/* CLIENT_VERIFY body, for AUTH */
	struct msbuf		*body;		/* scratch: a message body */
	EVP_PKEY		*eph;
	u_char			 ss_e[MS_X25519_LEN];
	u_char			 static_secret[MS_SHA256_LEN];
	struct ms_hs_secrets	 hss;
	struct ms_ap_secrets	 aps;
	int64_t			 deadline;	/* LoginGraceTime, ms_now_ms; -1: none */
	int			 sh_sent;
};

/*
 * Refuse the handshake with an alert when one can be understood: in
 * clear before SERVER_HELLO, under s_hs once handshake keys exist, and
 * not at all in between (no cleartext after SERVER_HELLO).
 */
static int
hs_fail(struct worker *w, struct hs *hs, uint32_t status, const char *msg)
{
	verbose_f("handshake with %s refused: %s (%s)",
	    w_peer(w), ms_status_str(status),
	    msg);
	if (!(hs->sh_sent && w->phase == W_PHASE_CLEAR))
		(void)w_send_alert(w, status, msg);
	return MS_ERR_PROTOCOL;
}

/* The monitor failed: the worker cannot go on. */
static int
hs_monitor_fail(struct worker *w, struct hs *hs, int r, const char *what)
{
	error_fr(r, "monitor %s", what);
	(void)hs_fail(w, hs, MS_ST_INTERNAL_ERROR, "internal error");
	return r;
}

/* A read from the client failed: alert only where it means something. */
static int
hs_read_fail(struct worker *w, struct hs *hs, int r)
{
	switch (r) {
	case MS_ERR_TIMEOUT:
		return hs_fail(w, hs, MS_ST_TIMEOUT, "login grace time exceeded");
	case MS_ERR_PROTOCOL:
		return hs_fail(w, hs, MS_ST_PROTOCOL_ERROR, "unexpected frame");
	case MS_ERR_CONN_CLOSED:
	case MS_ERR_MESSAGE_INCOMPLETE:
		debug_f("client closed the connection during the handshake");
		return r;
	default:
		/* Bad frame length, failed decryption: close, say nothing. */
		verbose_fr(r, "handshake with %s aborted",
		    w_peer(w));
		return r;
	}
}

/* u32 length || u8 type || body: the transcript's view of a message. */
static int
put_canonical(struct msbuf *dst, uint8_t type, const struct msbuf *body)
{
	int r;

	if ((r = msbuf_put_u32(dst, (uint32_t)(1 + msbuf_len(body)))) != 0 ||
	    (r = msbuf_put_u8(dst, type)) != 0 ||
	    (r = msbuf_putb(dst, body)) != 0)
		return r;
	return 0;
}

static int
transcript_add(struct hs *hs, uint8_t type, const struct msbuf *body)
{
	return ms_transcript_add(hs->t, type, msbuf_ptr(body),
	    msbuf_len(body));
}

static int
read_client_hello(struct worker *w, struct hs *hs)
{
	struct msbuf *payload;
	const char *why;
	uint32_t status;
	uint8_t type = 0;
	int r;

	if ((payload = msbuf_new(MS_FRAME_MAX)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = ms_frame_read(w->client_fd, &type, payload, MS_FRAME_MAX,
	    ms_deadline_left(hs->deadline))) != 0) {
		r = hs_read_fail(w, hs, r);
		goto out;
	}
	if (type != MS_FRAME_CLIENT_HELLO) {
		r = hs_fail(w, hs, MS_ST_PROTOCOL_ERROR,
		    "expected CLIENT_HELLO");
		goto out;
	}
	if ((r = ms_client_hello_check(payload, &hs->ch, &status, &why)) != 0) {
		if (status != MS_ST_OK)
			r = hs_fail(w, hs, status, why);
		goto out;
	}
	if ((r = ms_frame_encode(hs->ch_frame, MS_FRAME_CLIENT_HELLO,
	    payload)) != 0)
		goto out;
 out:
	msbuf_free(payload);
	return r;
}

/*
 * Server preference (4.1) for ciphers and kex, from the monitor's CONFIG.
 * The host key is Ed25519, so that is the only server signature there is.
 */
static int
negotiate(struct worker *w, struct hs *hs)
{
	struct ms_alg_list sig = { 1, { MS_SIG_ED25519 } };
	int alg;

	hs->sh.cipher = ms_alg_negotiate(&w->conf.ciphers, &hs->ch.ciphers);
	hs->sh.kex = ms_alg_negotiate(&w->conf.kex, &hs->ch.kex);
	hs->sh.sig = ms_alg_negotiate(&sig, &hs->ch.sigs);
	if (hs->sh.cipher == 0 || hs->sh.kex == 0 || hs->sh.sig == 0 ||
	    (alg = ms_cipher_to_aead(hs->sh.cipher)) < 0)
		return hs_fail(w, hs, MS_ST_NO_COMMON_SUITE,
		    "no common algorithms");
	w->cipher = hs->sh.cipher;
	w->aead = (enum ms_aead)alg;
	return 0;
}

static int
send_server_hello(struct worker *w, struct hs *hs)
{
	struct msbuf *payload;
	int r;

	if ((r = mw_hello(w->mon_fd, hs->sh.random, hs->sh.host_kex_pub,
	    hs->sh.host_sig_pub, hs->sc)) != 0)
		return hs_monitor_fail(w, hs, r, "hello");
	if ((r = ms_pkey_generate(MS_KEY_X25519, &hs->eph)) != 0 ||
	    (r = ms_pkey_raw_public(hs->eph, hs->sh.share,
	    sizeof(hs->sh.share))) != 0) {
		error_fr(r, "ephemeral key");
		return hs_fail(w, hs, MS_ST_INTERNAL_ERROR, "internal error");
	}
	/* A low-order client share gives an all-zero ss_e (RFC 7748 6.1). */
	if ((r = ms_x25519_derive(hs->eph, hs->ch.share, hs->ss_e)) != 0) {
		if (r == MS_ERR_KEY_INVALID)
			return hs_fail(w, hs, MS_ST_HANDSHAKE_FAILED,
			    "bad client share");
		error_fr(r, "x25519");
		return hs_fail(w, hs, MS_ST_INTERNAL_ERROR, "internal error");
	}
	hs->sh.version = MS_PROTO_VERSION;
	if ((payload = msbuf_new(MS_FRAME_MAX)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = ms_server_hello_put(payload, &hs->sh)) != 0 ||
	    (r = ms_frame_encode(hs->sh_frame, MS_FRAME_SERVER_HELLO,
	    payload)) != 0) {
		msbuf_free(payload);
		return r;
	}
	msbuf_free(payload);
	hs->sh_sent = 1;
	if ((r = ms_write_all(w->client_fd, msbuf_ptr(hs->sh_frame),
	    msbuf_len(hs->sh_frame))) != 0)
		debug_fr(r, "write SERVER_HELLO");
	return r;
}

/* static from the monitor, then hs and the handshake traffic keys. */
static int
derive_handshake_keys(struct worker *w, struct hs *hs)
{
	u_char th_sh[MS_SHA256_LEN];
	int r;

	if ((r = mw_decap(w->mon_fd, hs->ch_frame, hs->sh_frame,
	    hs->static_secret)) != 0)
		return hs_monitor_fail(w, hs, r, "decap");
	if ((r = ms_transcript_add_raw(hs->t, msbuf_ptr(hs->ch_frame),
	    msbuf_len(hs->ch_frame))) != 0 ||
	    (r = ms_transcript_add_raw(hs->t, msbuf_ptr(hs->sh_frame),
	    msbuf_len(hs->sh_frame))) != 0 ||
	    (r = ms_transcript_hash(hs->t, th_sh)) != 0 ||
	    (r = ms_derive_handshake(hs->static_secret, hs->ss_e, th_sh,
	    &hs->hss)) != 0 ||
	    (r = ms_record_dir_init(&w->tx, w->aead, hs->hss.s_hs)) != 0 ||
	    (r = ms_record_dir_init(&w->rx, w->aead, hs->hss.c_hs)) != 0) {
		error_fr(r, "handshake key schedule");
		explicit_bzero(th_sh, sizeof(th_sh));
		return r;
	}
	explicit_bzero(th_sh, sizeof(th_sh));
	OPENSSL_cleanse(hs->static_secret, sizeof(hs->static_secret));
	OPENSSL_cleanse(hs->ss_e, sizeof(hs->ss_e));
	/* The ephemeral private key has done its only job. */
	EVP_PKEY_free(hs->eph);
	hs->eph = NULL;
	w->phase = W_PHASE_HS;
	return 0;
}

/* Add a handshake message to the transcript (and the tail), then send it. */
static int
send_hs_message(struct worker *w, struct hs *hs, uint8_t type,
    const struct msbuf *body)
{
	int r;

	if ((r = transcript_add(hs, type, body)) != 0 ||
	    (r = put_canonical(hs->tail, type, body)) != 0)
		return r;
	if ((r = w_send_record(w, type, body)) != 0)
		debug_fr(r, "send handshake message 0x%02x", type);
	return r;
}

/*
 * The monitor's SERVER_CERTIFICATE, verbatim: its canonical encoding (the
 * bytes the monitor signs over) minus the 5-byte header is the body.
 */
static int
send_server_certificate(struct worker *w, struct hs *hs)
{
	struct msbuf *body;
	int r;

	if (msbuf_len(hs->sc) == 0)
		return 0;
	if ((body = msbuf_dup(hs->sc)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = msbuf_consume(body, 5)) == 0)
		r = send_hs_message(w, hs, MS_MSG_SERVER_CERTIFICATE, body);
	msbuf_free(body);
	return r;
}

static int
send_server_auth(struct worker *w, struct hs *hs)
{
	u_char sig[MS_ED25519_SIG_LEN], th[MS_SHA256_LEN], mac[MS_SHA256_LEN];
	int r;

	if ((r = mw_sign(w->mon_fd, hs->ch_frame, hs->sh_frame, hs->sc,
	    sig)) != 0)
		return hs_monitor_fail(w, hs, r, "sign");
	if ((r = send_server_certificate(w, hs)) != 0)
		goto out;
	msbuf_reset(hs->body);
	if ((r = ms_server_verify_put(hs->body, hs->sh.sig, sig)) != 0 ||
	    (r = send_hs_message(w, hs, MS_MSG_SERVER_VERIFY, hs->body)) != 0)
		goto out;
	msbuf_reset(hs->body);
	if ((r = ms_transcript_hash(hs->t, th)) != 0 ||
	    (r = ms_finished_mac(hs->hss.s_fin, th, mac)) != 0 ||
	    (r = ms_finished_put(hs->body, mac)) != 0 ||
	    (r = send_hs_message(w, hs, MS_MSG_SERVER_FINISHED, hs->body)) != 0)
		goto out;
 out:
	explicit_bzero(mac, sizeof(mac));
	explicit_bzero(th, sizeof(th));
	msbuf_reset(hs->body);
	return r;
}

/*
 * Receive the next handshake message, which must be of type 'want', with
 * a body of at most 'max' bytes.
 */
static int
recv_hs_message(struct worker *w, struct hs *hs, uint8_t want, size_t max)
{
	uint8_t type;
	int r;

	if ((r = w_read_record(w, ms_deadline_left(hs->deadline), &type,
	    hs->body)) != 0)
		return hs_read_fail(w, hs, r);
	if (type == want) {
		if (msbuf_len(hs->body) > max)
			return hs_fail(w, hs, MS_ST_PROTOCOL_ERROR,
			    "oversized handshake message");
		return 0;
	}
	if (type == MS_MSG_ALERT) {
		w_log_alert(w, hs->body);
		return MS_ERR_CONN_CLOSED;
	}
	return hs_fail(w, hs, MS_ST_PROTOCOL_ERROR,
	    "unexpected handshake message");
}

/*
 * Structure only; whether the key or signature is any good is the
 * monitor's decision, so that every authentication failure looks alike.
 */
static int
check_client_identity(struct msbuf *body)
{
	struct ms_client_identity id;
	struct msbuf *b;
	int r;

	if ((b = msbuf_dup(body)) == NULL)
		return MS_ERR_ALLOC;
	r = ms_client_identity_parse(b, &id);
	msbuf_free(b);
	return r;
}

static int
check_client_verify(struct msbuf *body)
{
	struct ms_verify cv;
	struct msbuf *b;
	int r;

	if ((b = msbuf_dup(body)) == NULL)
		return MS_ERR_ALLOC;
	r = ms_client_verify_parse(b, &cv);
	msbuf_free(b);
	return r;
}

/*
 * CLIENT_IDENTITY, CLIENT_VERIFY, CLIENT_FINISHED, strictly in order.
 * *fin_okp tells whether CLIENT_FINISHED matched; th_cf gets TH_CF.
 */
static int
recv_client_auth(struct worker *w, struct hs *hs, int *fin_okp,
    u_char th_cf[MS_SHA256_LEN])
{
	u_char th[MS_SHA256_LEN], want[MS_SHA256_LEN], got[MS_SHA256_LEN];
	struct msbuf *b = NULL;
	int r;

	*fin_okp = 0;
	if ((r = recv_hs_message(w, hs, MS_MSG_CLIENT_IDENTITY,
	    HS_ID_BODY_MAX)) != 0)
		return r;
	if (check_client_identity(hs->body) != 0)
		return hs_fail(w, hs, MS_ST_PROTOCOL_ERROR,
		    "malformed CLIENT_IDENTITY");
	if ((r = transcript_add(hs, MS_MSG_CLIENT_IDENTITY, hs->body)) != 0 ||
	    (r = put_canonical(hs->tail, MS_MSG_CLIENT_IDENTITY,
	    hs->body)) != 0)
		return r;

	if ((r = recv_hs_message(w, hs, MS_MSG_CLIENT_VERIFY,
	    HS_CV_BODY_MAX)) != 0)
		return r;
	if (check_client_verify(hs->body) != 0)
		return hs_fail(w, hs, MS_ST_PROTOCOL_ERROR,
		    "malformed CLIENT_VERIFY");
	if ((r = transcript_add(hs, MS_MSG_CLIENT_VERIFY, hs->body)) != 0 ||
	    (r = msbuf_putb(hs->cv, hs->body)) != 0 ||
	    (r = ms_transcript_hash(hs->t, th)) != 0 ||
	    (r = ms_finished_mac(hs->hss.c_fin, th, want)) != 0)
		goto out;

	if ((r = recv_hs_message(w, hs, MS_MSG_CLIENT_FINISHED,
	    HS_FIN_BODY_MAX)) != 0)
		goto out;
	/*
	 * A malformed CLIENT_FINISHED is just wrong finished data: it gets
	 * the same AUTH_FAILED as every other authentication failure.
	 */
	memset(got, 0, sizeof(got));
	if ((b = msbuf_dup(hs->body)) == NULL) {
		r = MS_ERR_ALLOC;
		goto out;
	}
	if (ms_finished_parse(b, got) == 0)
		*fin_okp = ms_ct_equal(got, want, sizeof(want));
	if ((r = transcript_add(hs, MS_MSG_CLIENT_FINISHED, hs->body)) != 0 ||
	    (r = ms_transcript_hash(hs->t, th_cf)) != 0)
		goto out;
 out:
	msbuf_free(b);
	explicit_bzero(th, sizeof(th));
	explicit_bzero(want, sizeof(want));
	explicit_bzero(got, sizeof(got));
	return r;
}

/* Application keys (5.3): traffic in both directions, blobs in both. */
static int
install_application_keys(struct worker *w, struct hs *hs,
    const u_char th_cf[MS_SHA256_LEN])
{
	int r;

	if ((r = ms_derive_application(hs->hss.hs, th_cf, &hs->aps)) != 0 ||
	    (r = ms_record_dir_init(&w->tx, w->aead, hs->aps.s_ap)) != 0 ||
	    (r = ms_record_dir_init(&w->rx, w->aead, hs->aps.c_ap)) != 0 ||
	    (r = ms_blob_ctx_init(&w->blob_tx, w->aead, w->cipher,
	    hs->aps.s_blob, 1)) != 0 ||
	    (r = ms_blob_ctx_init(&w->blob_rx, w->aead, w->cipher,
	    hs->aps.c_blob, 0)) != 0) {
		error_fr(r, "application key schedule");
		return r;
	}
	ms_ap_secrets_clear(&hs->aps);
	ms_hs_secrets_clear(&hs->hss);
	w->phase = W_PHASE_AP;
	return 0;
}

static int
authenticate(struct worker *w, struct hs *hs)
{
	u_char th_cf[MS_SHA256_LEN];
	char principal[MS_PRINCIPAL_MAX + 1];
	uint32_t mon_status = MS_ST_AUTH_FAILED, status;
	int r, fin_ok = 0;

	if ((r = recv_client_auth(w, hs, &fin_ok, th_cf)) != 0)
		goto out;
	/*
	 * The client reads under s_ap from here on, so switch first: even an
	 * INTERNAL_ERROR alert must be under keys it expects.
	 */
	if ((r = install_application_keys(w, hs, th_cf)) != 0)
		goto out;
	/* Always ask the monitor, whatever the finished check said. */
	if ((r = mw_auth(w->mon_fd, hs->tail, hs->cv, fin_ok, &mon_status,
	    principal, sizeof(principal))) != 0) {
		r = hs_monitor_fail(w, hs, r, "auth");
		goto out;
	}
	status = (fin_ok && mon_status == MS_ST_OK) ? MS_ST_OK :
	    MS_ST_AUTH_FAILED;
	msbuf_reset(hs->body);
	if ((r = ms_auth_result_put(hs->body, status)) != 0 ||
	    (r = w_send_record(w, MS_MSG_AUTH_RESULT, hs->body)) != 0) {
		debug_fr(r, "send AUTH_RESULT");
		goto out;
	}
	if (status != MS_ST_OK) {
		/* Which check failed is logged by the monitor, not told here. */
		verbose("authentication failed for %s%s", w_peer(w),
		    fin_ok ? "" : " (finished mismatch)");
		r = MS_ERR_PROTOCOL;
		goto out;
	}
	strlcpy(w->principal, principal, sizeof(w->principal));
	setproctitle("-metasafed: worker %s [%s]", w_peer(w), w->principal);
	w->authed = 1;
	verbose("authenticated %s as %s, cipher %s", w_peer(w),
	    w->principal, ms_aead_name(w->aead));
 out:
	explicit_bzero(th_cf, sizeof(th_cf));
	explicit_bzero(principal, sizeof(principal));
	return r;
}

static void
hs_free(struct hs *hs)
{
	msbuf_free(hs->ch_frame);
	msbuf_free(hs->sh_frame);
	msbuf_free(hs->sc);
	msbuf_free(hs->tail);
	msbuf_free(hs->cv);
	msbuf_free(hs->body);
	ms_transcript_free(hs->t);
	EVP_PKEY_free(hs->eph);
	ms_hs_secrets_clear(&hs->hss);
	ms_ap_secrets_clear(&hs->aps);
	explicit_bzero(hs, sizeof(*hs));
}

int
w_handshake(struct worker *w)
{
	struct hs hs;
	int r;

	memset(&hs, 0, sizeof(hs));
	hs.deadline = -1;
	if (w->conf.login_grace_ms != 0)
		hs.deadline = ms_now_ms() + w->conf.login_grace_ms;
	if ((hs.ch_frame = msbuf_new(MS_FRAME_MAX + 4)) == NULL ||
	    (hs.sh_frame = msbuf_new(MS_FRAME_MAX + 4)) == NULL ||
	    (hs.sc = msbuf_new(MS_SERVER_CERT_MSG_MAX)) == NULL ||
	    (hs.tail = msbuf_new(MS_AUTH_TAIL_MAX)) == NULL ||
	    (hs.cv = msbuf_new(HS_CV_BODY_MAX)) == NULL ||
	    (hs.body = msbuf_new(MS_RECORD_PLAINTEXT_MAX)) == NULL ||
	    (hs.t = ms_transcript_new()) == NULL) {
		r = MS_ERR_ALLOC;
		goto out;
	}
	if ((r = read_client_hello(w, &hs)) != 0 ||
	    (r = negotiate(w, &hs)) != 0 ||
	    (r = send_server_hello(w, &hs)) != 0 ||
	    (r = derive_handshake_keys(w, &hs)) != 0 ||
	    (r = send_server_auth(w, &hs)) != 0 ||
	    (r = authenticate(w, &hs)) != 0)
		goto out;
 out:
	hs_free(&hs);
	return r;
}
