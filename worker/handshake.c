/*
 * handshake.c — server side of the metasafe handshake (PROTOCOL.md 3-5).
 *
 * The worker runs the state machine and the ephemeral half of the key
 * exchange; the monitor supplies what needs the host keys: the server
 * nonce and public keys (HELLO), the static secret bound to this
 * transcript (DECAP, I3), the transcript signature (SIGN, I2) and the
 * client's authentication (AUTH, I4).
 *
 * The order of the messages, who sends each and under which keys, which
 * of them enter the transcript and the AUTH tail, is common/hs_order.c's
 * table, and ms_hs_walk() walks it; this file gives the worker's part:
 * the key switches, the I/O on the client connection, and one handler
 * per message that builds its body (sent) or checks it (received).
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
#include "hs_order.h"
#include "log.h"
#include "msg_auth.h"
#include "msg_ticket.h"
#include "monwrap.h"
#include "proto.h"
#include "record.h"
#include "schedule.h"
#include "sigalg.h"
#include "timeio.h"
#include "worker.h"

struct hs {
	struct worker		*w;
	struct ms_hs_order	 order;
	struct ms_client_hello	 ch;
	struct ms_server_hello	 sh;
	struct msbuf		*ch_frame;	/* canonical encodings */
	struct msbuf		*sh_frame;
	struct msbuf		*sc;		/* SERVER_CERTIFICATE or empty */
	struct ms_transcript	*t;
	struct msbuf		*tail;		/* for AUTH */
	struct msbuf		*cv;		/* CLIENT_VERIFY body, for AUTH */
	struct msbuf		*body;		/* the message in hand */
	struct msbuf		*held;		/* NEW_TICKET, sealed, unsent */
	EVP_PKEY		*eph;
	u_char			 ss_e[MS_X25519_LEN];
	u_char			 static_secret[MS_SHA256_LEN];
	u_char			 sig[MS_ED25519_SIG_LEN];	/* SIGN's */
	struct ms_hs_secrets	 hss;
	struct ms_ap_secrets	 aps;
	int64_t			 deadline;	/* LoginGraceTime, ms_now_ms; -1: none */
	int			 sh_sent;
	int			 fin_ok;	/* CLIENT_FINISHED matched */
	int			 judged;	/* AUTH or RESUME asked */
	uint32_t		 status;	/* AUTH_RESULT's */
	char			 principal[MS_PRINCIPAL_MAX + 1];
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

/* CLIENT_HELLO, then server preference (4.1) from the monitor's CONFIG. */
static int
recv_client_hello(struct worker *w, struct hs *hs, const u_char *th,
    struct msbuf *body)
{
	/* The host key is Ed25519: that is the only server signature. */
	struct ms_alg_list sig = { 1, { MS_SIG_ED25519 } };
	const char *why;
	uint32_t status;
	int r, alg;

	if ((r = ms_client_hello_check(body, &hs->ch, &status, &why)) != 0) {
		if (status != MS_ST_OK)
			r = hs_fail(w, hs, status, why);
		return r;
	}
	if ((r = ms_frame_encode(hs->ch_frame, MS_FRAME_CLIENT_HELLO,
	    body)) != 0)
		return r;
	hs->sh.cipher = ms_alg_negotiate(&w->conf.ciphers, &hs->ch.ciphers);
	hs->sh.kex = ms_alg_negotiate(&w->conf.kex, &hs->ch.kex);
	hs->sh.sig = ms_alg_negotiate(&sig, &hs->ch.sigs);
	if (hs->sh.cipher == 0 || hs->sh.kex == 0 || hs->sh.sig == 0 ||
	    (alg = ms_cipher_to_aead(hs->sh.cipher)) < 0)
		return hs_fail(w, hs, MS_ST_NO_COMMON_SUITE,
		    "no common algorithms");
	w->cipher = hs->sh.cipher;
	w->aead = (enum ms_aead)alg;
	/* A ticket makes this a resumption: the monitor will judge it. */
	if (hs->ch.ticket_len != 0 &&
	    (r = ms_hs_order_resume(&hs->order)) != 0)
		return r;
	return 0;
}

static int
put_server_hello(struct worker *w, struct hs *hs, const u_char *th,
    struct msbuf *body)
{
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
	if ((r = ms_server_hello_put(body, &hs->sh)) != 0 ||
	    (r = ms_frame_encode(hs->sh_frame, MS_FRAME_SERVER_HELLO,
	    body)) != 0)
		return r;
	/* From here until s_hs the client could not read an alert. */
	hs->sh_sent = 1;
	return 0;
}

/*
 * Into handshake keys: what needs the host keys comes from the monitor
 * first, the static secret (DECAP) and the signature over the hellos and
 * the certificate (SIGN), so that a failure of either is answered before
 * any message under s_hs.
 */
static int
derive_handshake_keys(struct worker *w, struct hs *hs,
    const u_char th_sh[MS_SHA256_LEN])
{
	int r;

	if ((r = mw_decap(w->mon_fd, hs->ch_frame, hs->sh_frame,
	    hs->static_secret)) != 0)
		return hs_monitor_fail(w, hs, r, "decap");
	if ((r = ms_derive_handshake(hs->static_secret, hs->ss_e, th_sh,
	    &hs->hss)) != 0 ||
	    (r = ms_record_dir_init(&w->tx, w->aead, hs->hss.s_hs)) != 0 ||
	    (r = ms_record_dir_init(&w->rx, w->aead, hs->hss.c_hs)) != 0) {
		error_fr(r, "handshake key schedule");
		return r;
	}
	OPENSSL_cleanse(hs->static_secret, sizeof(hs->static_secret));
	OPENSSL_cleanse(hs->ss_e, sizeof(hs->ss_e));
	/* The ephemeral private key has done its only job. */
	EVP_PKEY_free(hs->eph);
	hs->eph = NULL;
	w->phase = W_PHASE_HS;
	if ((r = mw_sign(w->mon_fd, hs->ch_frame, hs->sh_frame, hs->sc,
	    hs->sig)) != 0)
		return hs_monitor_fail(w, hs, r, "sign");
	return 0;
}

/*
 * The monitor's SERVER_CERTIFICATE, verbatim: its canonical encoding (the
 * bytes the monitor signs over) minus the 5-byte header is the body.
 */
static int
put_server_certificate(struct worker *w, struct hs *hs, const u_char *th,
    struct msbuf *body)
{
	int r;

	if (msbuf_len(hs->sc) == 0)
		return MS_HS_LEFT_OUT;
	if ((r = msbuf_putb(body, hs->sc)) != 0 ||
	    (r = msbuf_consume(body, 5)) != 0)
		return r;
	return 0;
}

static int
put_server_verify(struct worker *w, struct hs *hs, const u_char *th,
    struct msbuf *body)
{
	return ms_server_verify_put(body, hs->sh.sig, hs->sig);
}

/* verify_data over TH(SERVER_VERIFY), what came before. */
static int
put_server_finished(struct worker *w, struct hs *hs, const u_char *th,
    struct msbuf *body)
{
	u_char mac[MS_SHA256_LEN];
	int r;

	if ((r = ms_finished_mac(hs->hss.s_fin, th, mac)) == 0)
		r = ms_finished_put(body, mac);
	explicit_bzero(mac, sizeof(mac));
	return r;
}

/*
 * Structure only; whether the key or signature is any good is the
 * monitor's decision, so that every authentication failure looks alike.
 */
static int
recv_client_identity(struct worker *w, struct hs *hs, const u_char *th,
    struct msbuf *body)
{
	struct ms_client_identity id;

	if (ms_client_identity_parse(body, &id) != 0)
		return hs_fail(w, hs, MS_ST_PROTOCOL_ERROR,
		    "malformed CLIENT_IDENTITY");
	return 0;
}

static int
recv_client_verify(struct worker *w, struct hs *hs, const u_char *th,
    struct msbuf *body)
{
	struct ms_verify cv;
	int r;

	if ((r = msbuf_putb(hs->cv, body)) != 0)
		return r;
	if (ms_client_verify_parse(body, &cv) != 0)
		return hs_fail(w, hs, MS_ST_PROTOCOL_ERROR,
		    "malformed CLIENT_VERIFY");
	return 0;
}

/* Kept for RESUME: only the monitor holds the secret to check it with. */
static int
recv_resume_verify(struct worker *w, struct hs *hs, const u_char *th,
    struct msbuf *body)
{
	u_char mac[MS_VERIFY_DATA_LEN];
	struct msbuf *copy;
	int r;

	if ((r = msbuf_putb(hs->cv, body)) != 0)
		return r;
	if ((copy = msbuf_dup(body)) == NULL)
		return MS_ERR_ALLOC;
	r = ms_finished_parse(copy, mac);
	msbuf_free(copy);
	if (r != 0)
		return hs_fail(w, hs, MS_ST_PROTOCOL_ERROR,
		    "malformed RESUME_VERIFY");
	return 0;
}

/*
 * verify_data covers TH(CLIENT_VERIFY), what came before.  A malformed
 * CLIENT_FINISHED is just wrong finished data: it gets the same
 * AUTH_FAILED as every other authentication failure.
 */
static int
recv_client_finished(struct worker *w, struct hs *hs, const u_char *th,
    struct msbuf *body)
{
	u_char want[MS_SHA256_LEN], got[MS_SHA256_LEN];
	int r;

	hs->fin_ok = 0;
	memset(got, 0, sizeof(got));
	if ((r = ms_finished_mac(hs->hss.c_fin, th, want)) == 0 &&
	    ms_finished_parse(body, got) == 0)
		hs->fin_ok = ms_ct_equal(got, want, sizeof(want));
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

/*
 * The monitor is asked whatever the finished check said.  AUTH_RESULT
 * travels under s_ap (its row's keys), as an INTERNAL_ERROR alert then
 * does: the client reads under s_ap from CLIENT_FINISHED on.
 */
static int
hs_judge(struct worker *w, struct hs *hs)
{
	uint32_t mon_status = MS_ST_AUTH_FAILED;
	int r;

	if (hs->judged)
		return 0;
	hs->judged = 1;
	if (hs->order.resume)
		r = mw_resume(w->mon_fd, hs->tail, hs->cv, hs->fin_ok,
		    &mon_status, hs->principal, sizeof(hs->principal));
	else
		r = mw_auth(w->mon_fd, hs->tail, hs->cv, hs->fin_ok,
		    &mon_status, hs->principal, sizeof(hs->principal));
	if (r != 0)
		return hs_monitor_fail(w, hs, r,
		    hs->order.resume ? "resume" : "auth");
	hs->status = (hs->fin_ok && mon_status == MS_ST_OK) ? MS_ST_OK :
	    MS_ST_AUTH_FAILED;
	return 0;
}

/*
 * Only for a login that succeeded and a client that asked: the monitor
 * seals it, the worker passes it on unread.
 */
static int
put_new_ticket(struct worker *w, struct hs *hs, const u_char *th,
    struct msbuf *body)
{
	struct msbuf *t;
	uint32_t lifetime;
	int r;

	if ((r = hs_judge(w, hs)) != 0)
		return r;
	if (hs->status != MS_ST_OK || !hs->ch.resume)
		return MS_HS_LEFT_OUT;
	if ((t = msbuf_new(MS_TICKET_MAX)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = mw_ticket(w->mon_fd, t, &lifetime)) != 0)
		r = hs_monitor_fail(w, hs, r, "ticket");
	else if (msbuf_len(t) == 0)
		r = MS_HS_LEFT_OUT;
	else
		r = ms_new_ticket_put(body, lifetime, msbuf_ptr(t),
		    msbuf_len(t));
	msbuf_free(t);
	return r;
}

static int
put_auth_result(struct worker *w, struct hs *hs, const u_char *th,
    struct msbuf *body)
{
	int r;

	if ((r = hs_judge(w, hs)) != 0)
		return r;
	return ms_auth_result_put(body, hs->status);
}

/* Each message's handler: builds its body (sent) or checks it (taken). */
static int (*const hs_handlers[MS_HS_NMSGS])(struct worker *, struct hs *,
    const u_char *, struct msbuf *) = {
	[MS_HS_CLIENT_HELLO] = recv_client_hello,
	[MS_HS_SERVER_HELLO] = put_server_hello,
	[MS_HS_SERVER_CERTIFICATE] = put_server_certificate,
	[MS_HS_SERVER_VERIFY] = put_server_verify,
	[MS_HS_SERVER_FINISHED] = put_server_finished,
	[MS_HS_CLIENT_IDENTITY] = recv_client_identity,
	[MS_HS_CLIENT_VERIFY] = recv_client_verify,
	[MS_HS_RESUME_VERIFY] = recv_resume_verify,
	[MS_HS_CLIENT_FINISHED] = recv_client_finished,
	[MS_HS_NEW_TICKET] = put_new_ticket,
	[MS_HS_AUTH_RESULT] = put_auth_result,
};

/* --- the worker's part in ms_hs_walk (hs_order.h) --- */

static int
op_keys(void *arg, enum ms_hs_epoch epoch, const u_char th[MS_SHA256_LEN])
{
	struct hs *hs = arg;

	if (epoch == MS_HS_KEYS_HS)
		return derive_handshake_keys(hs->w, hs, th);
	if (epoch == MS_HS_KEYS_AP)
		return install_application_keys(hs->w, hs, th);
	return MS_ERR_INTERNAL;
}

static int
op_handle(void *arg, const struct ms_hs_msg *m,
    const u_char th[MS_SHA256_LEN], struct msbuf *body)
{
	struct hs *hs = arg;

	return hs_handlers[m->id](hs->w, hs, th, body);
}

static int
op_send(void *arg, const struct ms_hs_msg *m, const struct msbuf *body)
{
	struct hs *hs = arg;
	int r;

	/*
	 * NEW_TICKET leaves in one write with AUTH_RESULT: two small writes
	 * would wait for the client's delayed ACK (Nagle).
	 */
	if (m->id == MS_HS_NEW_TICKET)
		r = ms_record_seal(&hs->w->tx, m->type, body, hs->held);
	else if (msbuf_len(hs->held) != 0) {
		if ((r = ms_record_seal(&hs->w->tx, m->type, body,
		    hs->held)) == 0)
			r = ms_write_all(hs->w->client_fd, msbuf_ptr(hs->held),
			    msbuf_len(hs->held));
		msbuf_reset(hs->held);
	} else if (m->epoch == MS_HS_CLEAR)
		r = ms_frame_write(hs->w->client_fd, m->type, body);
	else
		r = w_send_record(hs->w, m->type, body);
	if (r != 0)
		debug_fr(r, "send %s", m->name);
	return r;
}

/* The client's next message, in clear or in a record. */
static int
op_read(void *arg, enum ms_hs_epoch epoch, uint8_t *typep,
    struct msbuf **bodyp)
{
	struct hs *hs = arg;
	int r;

	*bodyp = hs->body;
	if (epoch == MS_HS_CLEAR)
		r = ms_frame_read(hs->w->client_fd, typep, hs->body,
		    MS_FRAME_MAX, ms_deadline_left(hs->deadline));
	else
		r = w_read_record(hs->w, ms_deadline_left(hs->deadline), typep,
		    hs->body);
	if (r != 0)
		return hs_read_fail(hs->w, hs, r);
	if (epoch != MS_HS_CLEAR && *typep == MS_MSG_ALERT) {
		w_log_alert(hs->w, hs->body);
		return MS_ERR_CONN_CLOSED;
	}
	return 0;
}

/* The alert texts are the wire's: one form in clear, two under keys. */
static int
op_refuse(void *arg, const struct ms_hs_order *o, uint8_t type, int verdict)
{
	struct hs *hs = arg;
	char want[64], msg[96];

	debug_f("message 0x%02x refused: %s", type,
	    ms_hs_verdict_str(verdict));
	if (o->epoch == MS_HS_CLEAR) {
		ms_hs_order_expected(o, want, sizeof(want));
		snprintf(msg, sizeof(msg), "expected %s", want);
		return hs_fail(hs->w, hs, MS_ST_PROTOCOL_ERROR, msg);
	}
	return hs_fail(hs->w, hs, MS_ST_PROTOCOL_ERROR,
	    verdict == MS_HS_OVERSIZED ? "oversized handshake message" :
	    "unexpected handshake message");
}

static int
op_fail(void *arg, int r, const char *what)
{
	error_fr(r, "handshake: %s", what);
	return r;
}

static const struct ms_hs_ops hs_ops = {
	.keys = op_keys,
	.build = op_handle,
	.send = op_send,
	.read = op_read,
	.refuse = op_refuse,
	.take = op_handle,
	.fail = op_fail,
};

/* The walk is over and AUTH_RESULT sent: act on what it said. */
static int
hs_authenticated(struct worker *w, struct hs *hs)
{
	if (hs->status != MS_ST_OK) {
		/* Which check failed is logged by the monitor, not told here. */
		verbose("authentication failed for %s%s", w_peer(w),
		    hs->fin_ok ? "" : " (finished mismatch)");
		return MS_ERR_PROTOCOL;
	}
	strlcpy(w->principal, hs->principal, sizeof(w->principal));
	setproctitle("-metasafed: worker %s [%s]", w_peer(w), w->principal);
	w->authed = 1;
	verbose("authenticated %s as %s, cipher %s%s", w_peer(w),
	    w->principal, ms_aead_name(w->aead),
	    hs->order.resume ? ", resumed" : "");
	return 0;
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
	msbuf_free(hs->held);
	ms_transcript_free(hs->t);
	EVP_PKEY_free(hs->eph);
	ms_hs_secrets_clear(&hs->hss);
	ms_ap_secrets_clear(&hs->aps);
	explicit_bzero(hs, sizeof(*hs));
}

int
w_handshake(struct worker *w)
{
	struct ms_hs_walk wk;
	struct hs hs;
	int r;

	memset(&hs, 0, sizeof(hs));
	hs.w = w;
	ms_hs_order_init(&hs.order, MS_HS_SERVER);
	hs.deadline = -1;
	hs.status = MS_ST_AUTH_FAILED;
	if (w->conf.login_grace_ms != 0)
		hs.deadline = ms_now_ms() + w->conf.login_grace_ms;
	if ((hs.ch_frame = msbuf_new(MS_FRAME_MAX + 4)) == NULL ||
	    (hs.sh_frame = msbuf_new(MS_FRAME_MAX + 4)) == NULL ||
	    (hs.sc = msbuf_new(MS_SERVER_CERT_MSG_MAX)) == NULL ||
	    (hs.tail = msbuf_new(MS_AUTH_TAIL_MAX)) == NULL ||
	    (hs.cv = msbuf_new(ms_hs_msg(MS_HS_CLIENT_VERIFY)->max)) == NULL ||
	    (hs.body = msbuf_new(MS_FRAME_MAX)) == NULL ||
	    (hs.held = msbuf_new(2 * (MS_TICKET_MAX + 64))) == NULL ||
	    (hs.t = ms_transcript_new()) == NULL) {
		r = MS_ERR_ALLOC;
		goto out;
	}
	memset(&wk, 0, sizeof(wk));
	wk.order = &hs.order;
	wk.t = hs.t;
	wk.tail = hs.tail;
	wk.out = hs.body;
	wk.ops = &hs_ops;
	wk.arg = &hs;
	if ((r = ms_hs_walk(&wk, MS_HS_NMSGS)) == 0)
		r = hs_authenticated(w, &hs);
 out:
	hs_free(&hs);
	return r;
}
