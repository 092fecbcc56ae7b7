/*
 * handshake.c — the client side of the handshake (PROTOCOL.md 3-5):
 * CLIENT_HELLO, SERVER_HELLO checks and host key pinning, the hybrid key
 * exchange, SERVER_VERIFY / SERVER_FINISHED, then client authentication
 * (CLIENT_IDENTITY, CLIENT_VERIFY, CLIENT_FINISHED, AUTH_RESULT).
 *
 * The order of the messages, who sends each and under which keys, which
 * of them enter the transcript, is common/hs_order.c's table, and
 * ms_hs_walk() walks it: metasafe_connect up to the client's
 * CLIENT_IDENTITY, metasafe_authenticate from there to the end.  This
 * file gives the client's part: the key switches, the I/O, and one
 * handler per message that builds its body (sent) or checks it
 * (received).
 *
 * On a host key mismatch nothing more is sent: the socket is closed before
 * any key is derived.
 */
#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "crypto.h"
#include "errors.h"
#include "frame.h"
#include "hello.h"
#include "hs_order.h"
#include "keyfile.h"
#include "log.h"
#include "msg_auth.h"
#include "msg_ticket.h"
#include "metasafe.h"
#include "msclient.h"
#include "proto.h"
#include "record.h"
#include "schedule.h"
#include "sigalg.h"

#define HELLO_BUF_MAX	(MS_HELLO_FRAME_MAX + 4)
#define SIG_MSG_MAX	128

/* What one call's walk needs beside the connection. */
struct cl_hs {
	struct metasafe_conn	*c;
	struct msbuf		*body;		/* the message in hand */
	EVP_PKEY		*eph;		/* CLIENT_HELLO's, until s_hs */
	struct ms_server_hello	 sh;
	int			 cert_seen;	/* SERVER_CERTIFICATE came */
	int			 add;		/* pin the host key once proven */
	const struct metasafe_key *key;		/* metasafe_authenticate's */
};

static int
conn_setup(struct metasafe_conn *c, const struct metasafe_opts *o)
{
	int r;

	c->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms :
	    METASAFE_DEFAULT_TIMEOUT_MS;
	c->strict = o->strict_host_key_checking;
	if (c->strict < METASAFE_HOSTKEY_STRICT ||
	    c->strict > METASAFE_HOSTKEY_NO)
		return cl_fatal(c, METASAFE_ERR_USAGE,
		    "invalid StrictHostKeyChecking value %d", c->strict);
	if ((c->host = strdup(o->host != NULL ? o->host :
	    CL_DEFAULT_HOST)) == NULL ||
	    (c->port = strdup(o->port != NULL ? o->port :
	    METASAFE_DEFAULT_PORT)) == NULL)
		return cl_fatal(c, METASAFE_ERR_NOMEM, "out of memory");
	if (o->known_hosts_file != NULL) {
		if ((c->known_hosts = strdup(o->known_hosts_file)) == NULL)
			return cl_fatal(c, METASAFE_ERR_NOMEM, "out of memory");
	} else if ((r = cl_home_path(METASAFE_DEFAULT_KNOWN_HOSTS,
	    &c->known_hosts)) != 0)
		return cl_fatal(c, r, "cannot locate home directory for %s",
		    METASAFE_DEFAULT_KNOWN_HOSTS);
	if (cl_parse_ciphers(o->ciphers, &c->offered) != 0)
		return cl_fatal(c, METASAFE_ERR_USAGE,
		    "bad cipher list \"%s\"", o->ciphers);
	if (cl_parse_kex(o->kex_algorithms, &c->offered_kex) != 0)
		return cl_fatal(c, METASAFE_ERR_USAGE,
		    "bad key exchange list \"%s\"", o->kex_algorithms);
	if (cl_parse_sigs(o->signature_algorithms, &c->offered_sigs) != 0)
		return cl_fatal(c, METASAFE_ERR_USAGE,
		    "bad signature algorithm list \"%s\"",
		    o->signature_algorithms);
	if (o->ca_file != NULL && (c->ca_file = strdup(o->ca_file)) == NULL)
		return cl_fatal(c, METASAFE_ERR_NOMEM, "out of memory");
	c->want_ticket = o->ticket != NULL || o->ticket_hook != NULL ||
	    o->resumption_cache != NULL;
	c->ticket_hook = o->ticket_hook;
	c->ticket_hook_arg = o->ticket_hook_arg;
	if ((r = cl_ticket_for(c, o->ticket, &c->resume_with)) != 0)
		return cl_fatal(c, r, "out of memory");
	return 0;
}

/*
 * The binder covers the hello frame up to the binder string (4.5): encode
 * once with a zero binder, MAC the span, encode again with the binder.
 */
static int
hello_with_binder(struct metasafe_conn *c, struct ms_client_hello *ch,
    struct msbuf *body)
{
	struct msbuf *frame;
	int r;

	ch->ticket_len = c->resume_with->len;
	memcpy(ch->ticket, c->resume_with->ticket, ch->ticket_len);
	memset(ch->binder, 0, sizeof(ch->binder));
	if ((frame = msbuf_new(HELLO_BUF_MAX)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = ms_client_hello_put(body, ch)) == 0 &&
	    (r = ms_frame_encode(frame, MS_FRAME_CLIENT_HELLO, body)) == 0 &&
	    (r = ms_resume_binder(c->resume_with->res, msbuf_ptr(frame),
	    msbuf_len(frame) - 4 - MS_BINDER_LEN, ch->binder)) == 0) {
		msbuf_reset(body);
		r = ms_client_hello_put(body, ch);
	}
	msbuf_free(frame);
	return r;
}

static int
put_client_hello(struct metasafe_conn *c, struct cl_hs *hs, const u_char *th,
    struct msbuf *body)
{
	struct ms_client_hello ch;
	int r;

	memset(&ch, 0, sizeof(ch));
	ch.version = MS_PROTO_VERSION;
	ch.ciphers = c->offered;
	ch.kex = c->offered_kex;
	ch.sigs = c->offered_sigs;
	if ((r = ms_random_bytes(ch.random, sizeof(ch.random))) != 0 ||
	    (r = ms_pkey_generate(MS_KEY_X25519, &hs->eph)) != 0 ||
	    (r = ms_pkey_raw_public(hs->eph, ch.share,
	    sizeof(ch.share))) != 0)
		return cl_fatal(c, cl_map_err(r), "cannot make key share: %s",
		    ms_err(r));
	ch.resume = c->want_ticket;
	if (c->resume_with != NULL)
		r = hello_with_binder(c, &ch, body);
	else
		r = ms_client_hello_put(body, &ch);
	explicit_bzero(ch.binder, sizeof(ch.binder));
	if (r != 0)
		return cl_fatal(c, METASAFE_ERR_INTERNAL,
		    "cannot encode CLIENT_HELLO: %s", ms_err(r));
	if (c->resume_with != NULL &&
	    ms_hs_order_resume(&c->hs_order) != 0)
		return cl_fatal(c, METASAFE_ERR_INTERNAL, "handshake order");
	c->state = CL_STATE_HELLO;
	debug_f("sending CLIENT_HELLO (%u ciphers offered%s)", ch.ciphers.n,
	    c->resume_with != NULL ? ", resuming" : "");
	return 0;
}

/* The server found nothing in common: say what was offered. */
static int
no_common_suite(struct metasafe_conn *c, int r)
{
	char srv[CL_ERRMSG_MAX], ci[256], kx[256], sg[256];

	strlcpy(srv, c->errmsg, sizeof(srv));
	cl_alg_list_names(&c->offered, cl_cipher_name, ci, sizeof(ci));
	cl_alg_list_names(&c->offered_kex, cl_kex_name, kx, sizeof(kx));
	cl_alg_list_names(&c->offered_sigs, ms_sigalg_name, sg, sizeof(sg));
	return cl_fatal(c, r, "no algorithms in common with the server "
	    "(offered Ciphers=%s KexAlgorithms=%s SignatureAlgorithms=%s): %s",
	    ci, kx, sg, srv);
}

/*
 * Pin check.  Called before any key is derived; on refusal the socket is
 * closed at once so not one more byte leaves.  *addp is set when the key is
 * to be added to known_hosts once the server has proven it holds it.
 */
static int
check_host_key(struct metasafe_conn *c, const u_char key[32], int *addp)
{
	char hostname[512], got[MS_FINGERPRINT_MAX], want[MS_FINGERPRINT_MAX];
	u_char expected[32];
	char others[64] = "";
	enum cl_kh_result res;
	u_long line, npinned = 0;
	int r;

	*addp = 0;
	if (cl_kh_hostname(c->host, c->port, hostname, sizeof(hostname)) != 0)
		return cl_fatal(c, METASAFE_ERR_INVALID,
		    "host name \"%s\" cannot be written to known_hosts",
		    c->host);
	if (ms_fingerprint(key, 32, got, sizeof(got)) != 0)
		strlcpy(got, "(unknown)", sizeof(got));
	if ((r = cl_kh_check_count(c->known_hosts, hostname, key, &res, &line,
	    expected, &npinned)) != 0)
		r = cl_fatal(c, r, "cannot read %s: %s", c->known_hosts,
		    strerror(errno));
	else if (res == CL_KH_MATCH) {
		debug_f("host key %s matches %s:%lu", got, c->known_hosts,
		    line);
		return 0;
	} else if (res == CL_KH_CHANGED) {
		if (ms_fingerprint(expected, 32, want, sizeof(want)) != 0)
			strlcpy(want, "(unknown)", sizeof(want));
		/* Several pins (key roll-over): none of them matched. */
		if (npinned == 2)
			strlcpy(others, " or the other key pinned there",
			    sizeof(others));
		else if (npinned > 2)
			snprintf(others, sizeof(others), " or one of the %lu "
			    "other keys pinned there", npinned - 1);
		if (c->strict == METASAFE_HOSTKEY_NO) {
			snprintf(c->notice, sizeof(c->notice),
			    "WARNING: host key for %s has changed: expected "
			    "%s (%s:%lu)%s, got %s; continuing because "
			    "StrictHostKeyChecking=no", hostname, want,
			    c->known_hosts, line, others, got);
			return 0;
		}
		r = cl_fatal(c, METASAFE_ERR_HOSTKEY_CHANGED,
		    "HOST KEY MISMATCH for %s: expected %s (%s:%lu)%s, got %s. "
		    "Someone may be impersonating the server, or its key was "
		    "replaced; refusing to continue", hostname, want,
		    c->known_hosts, line, others, got);
	} else if (c->ca_file != NULL) {
		/* The certificate, checked before SERVER_VERIFY, vouches. */
		debug_f("no pin for %s; relying on the server certificate",
		    hostname);
		return 0;
	} else if (c->strict == METASAFE_HOSTKEY_STRICT) {
		r = cl_fatal(c, METASAFE_ERR_HOSTKEY_UNKNOWN,
		    "no host key known for %s in %s; the server's key is %s. "
		    "Verify it, then add the line \"%s ms-ed25519 <key>\" or "
		    "use -o StrictHostKeyChecking=accept-new", hostname,
		    c->known_hosts, got, hostname);
	} else {
		*addp = 1;
		return 0;
	}
	close(c->fd);
	c->fd = -1;
	return r;
}

static int
recv_server_hello(struct metasafe_conn *c, struct cl_hs *hs, const u_char *th,
    struct msbuf *body)
{
	struct ms_server_hello *sh = &hs->sh;
	int r, alg;

	if ((r = ms_server_hello_parse(body, sh)) != 0)
		return cl_fatal(c, METASAFE_ERR_PROTOCOL,
		    "malformed SERVER_HELLO: %s", ms_err(r));
	if (sh->version != MS_PROTO_VERSION)
		return cl_fatal(c, METASAFE_ERR_PROTOCOL,
		    "server speaks protocol version 0x%04x, not 0x%04x",
		    sh->version, MS_PROTO_VERSION);
	/* Only these can be spoken; the lists never offer anything else. */
	if (!ms_alg_list_contains(&c->offered, sh->cipher) ||
	    !ms_alg_list_contains(&c->offered_kex, sh->kex) ||
	    !ms_alg_list_contains(&c->offered_sigs, sh->sig) ||
	    sh->kex != MS_KEX_X25519_HYBRID || sh->sig != MS_SIG_ED25519 ||
	    (alg = ms_cipher_to_aead(sh->cipher)) < 0)
		return cl_fatal(c, METASAFE_ERR_PROTOCOL,
		    "server chose algorithms that were not offered "
		    "(cipher 0x%04x kex 0x%04x sig 0x%04x)",
		    sh->cipher, sh->kex, sh->sig);
	c->cipher = sh->cipher;
	c->alg = (enum ms_aead)alg;
	debug_f("SERVER_HELLO: cipher %s", ms_aead_name(c->alg));
	/* Before any key is derived. */
	return check_host_key(c, sh->host_sig_pub, &hs->add);
}

/* Into handshake keys (5.3), right after SERVER_HELLO. */
static int
install_hs_keys(struct metasafe_conn *c, struct cl_hs *hs,
    const u_char th_sh[MS_SHA256_LEN])
{
	u_char ss_e[32], ss_s[32], stat[MS_SHA256_LEN];
	int r;

	if ((r = ms_x25519_derive(hs->eph, hs->sh.share, ss_e)) != 0 ||
	    (r = ms_x25519_derive(hs->eph, hs->sh.host_kex_pub, ss_s)) != 0 ||
	    (r = ms_derive_static(ss_s, th_sh, stat)) != 0 ||
	    (r = ms_derive_resumption(ss_s, th_sh, c->res_next)) != 0 ||
	    (r = ms_derive_handshake(stat, ss_e, th_sh, &c->hs)) != 0 ||
	    (r = ms_record_dir_init(&c->tx, c->alg, c->hs.c_hs)) != 0 ||
	    (r = ms_record_dir_init(&c->rx, c->alg, c->hs.s_hs)) != 0)
		r = cl_fatal(c, METASAFE_ERR_HANDSHAKE, "key exchange: %s",
		    ms_err(r));
	explicit_bzero(ss_e, sizeof(ss_e));
	explicit_bzero(ss_s, sizeof(ss_s));
	explicit_bzero(stat, sizeof(stat));
	if (r != 0)
		return r;
	EVP_PKEY_free(hs->eph);
	hs->eph = NULL;
	c->state = CL_STATE_HS;
	return 0;
}

/*
 * SERVER_CERTIFICATE, when the server sends one.  With a CA file it is
 * checked here, before SERVER_VERIFY; without one, pinning decides.
 */
static int
recv_server_certificate(struct metasafe_conn *c, struct cl_hs *hs, const u_char *th,
    struct msbuf *body)
{
	STACK_OF(X509) *chain = NULL;
	char err[CL_ERRMSG_MAX];
	int r;

	hs->cert_seen = 1;
	if ((r = cl_server_cert_parse(body, &chain)) != 0)
		return cl_fatal(c, r, "malformed SERVER_CERTIFICATE");
	debug_f("server presented %d certificate(s)", sk_X509_num(chain));
	if (c->ca_file != NULL) {
		if ((r = cl_server_cert_check(c->ca_file, c->host, chain,
		    hs->sh.host_sig_pub, err, sizeof(err))) != 0)
			r = cl_fatal(c, r, "%s", err);
		else
			debug_f("server certificate valid for %s under %s",
			    c->host, c->ca_file);
	}
	cl_chain_free(chain);
	return r;
}

/*
 * The signature covers TH(SERVER_CERTIFICATE) when there is one, else
 * TH(SERVER_HELLO): what came before SERVER_VERIFY (5.4).
 */
static int
recv_server_verify(struct metasafe_conn *c, struct cl_hs *hs, const u_char *th,
    struct msbuf *body)
{
	u_char msg[SIG_MSG_MAX];
	struct ms_verify sv;
	size_t msglen;

	if (c->ca_file != NULL && !hs->cert_seen)
		return cl_fatal(c, METASAFE_ERR_SERVER_CERT,
		    "the server presented no certificate, but CAFile "
		    "%s requires one", c->ca_file);
	if (ms_server_verify_parse(body, &sv) != 0)
		return cl_fatal(c, METASAFE_ERR_PROTOCOL,
		    "malformed SERVER_VERIFY");
	if (sv.sig_alg != hs->sh.sig)
		return cl_fatal(c, METASAFE_ERR_PROTOCOL,
		    "SERVER_VERIFY uses algorithm 0x%04x, not the chosen one",
		    sv.sig_alg);
	if (ms_sig_message(MS_SIG_CONTEXT_SERVER, th, msg,
	    sizeof(msg), &msglen) != 0)
		return cl_fatal(c, METASAFE_ERR_INTERNAL, "signature message");
	if (ms_ed25519_verify(hs->sh.host_sig_pub, msg, msglen, sv.sig,
	    sv.siglen) != 0)
		return cl_fatal(c, METASAFE_ERR_HANDSHAKE,
		    "server signature over the handshake is invalid");
	debug_f("server signature verified");
	return 0;
}

/* verify_data covers TH(SERVER_VERIFY), what came before it. */
static int
recv_server_finished(struct metasafe_conn *c, struct cl_hs *hs, const u_char *th,
    struct msbuf *body)
{
	u_char want[MS_SHA256_LEN], got[MS_SHA256_LEN];
	int r;

	if ((r = ms_finished_mac(c->hs.s_fin, th, want)) != 0)
		return cl_fatal(c, METASAFE_ERR_INTERNAL, "finished: %s",
		    ms_err(r));
	if (ms_finished_parse(body, got) != 0)
		r = cl_fatal(c, METASAFE_ERR_PROTOCOL,
		    "malformed SERVER_FINISHED");
	else if (!ms_ct_equal(want, got, sizeof(want)))
		r = cl_fatal(c, METASAFE_ERR_HANDSHAKE,
		    "server Finished does not match; handshake tampered with");
	else
		debug_f("server Finished verified");
	explicit_bzero(want, sizeof(want));
	explicit_bzero(got, sizeof(got));
	return r;
}

static int
put_client_identity(struct metasafe_conn *c, struct cl_hs *hs, const u_char *th,
    struct msbuf *body)
{
	int r;

	if ((r = cl_identity_put(body, hs->key)) != 0)
		return cl_fatal(c, r, "cannot encode CLIENT_IDENTITY: %s",
		    metasafe_strerror(r));
	return 0;
}

/* Over TH(CLIENT_IDENTITY). */
static int
put_client_verify(struct metasafe_conn *c, struct cl_hs *hs, const u_char *th,
    struct msbuf *body)
{
	u_char msg[SIG_MSG_MAX], sig[MS_SIGNATURE_MAX];
	size_t msglen, siglen = sizeof(sig);
	int r;

	/* Peer credentials: no key, so no proof but the kernel's. */
	if (hs->key == NULL)
		return ms_client_verify_put_none(body) == 0 ? 0 :
		    cl_fatal(c, METASAFE_ERR_INTERNAL, "encode CLIENT_VERIFY");
	if ((r = ms_sig_message(MS_SIG_CONTEXT_CLIENT, th, msg, sizeof(msg),
	    &msglen)) != 0 ||
	    (r = ms_sigalg_sign(hs->key->sigalg, hs->key->pkey, msg, msglen,
	    sig, &siglen)) != 0)
		r = cl_fatal(c, METASAFE_ERR_IDENTITY, "cannot sign: %s",
		    ms_err(r));
	else if (siglen > sizeof(sig) ||
	    ms_client_verify_put(body, hs->key->sigalg, sig, siglen) != 0)
		r = cl_fatal(c, METASAFE_ERR_INTERNAL, "encode signature");
	explicit_bzero(msg, sizeof(msg));
	return r;
}

/* In place of CLIENT_IDENTITY and CLIENT_VERIFY: over TH(SERVER_FINISHED). */
static int
put_resume_verify(struct metasafe_conn *c, struct cl_hs *hs, const u_char *th,
    struct msbuf *body)
{
	u_char mac[MS_SHA256_LEN];
	int r;

	if (c->resume_with == NULL)
		return cl_fatal(c, METASAFE_ERR_INTERNAL, "no ticket");
	if ((r = ms_resume_verify_mac(c->resume_with->res, th, mac)) != 0 ||
	    (r = ms_finished_put(body, mac)) != 0)
		r = cl_fatal(c, METASAFE_ERR_INTERNAL, "resume verify: %s",
		    ms_err(r));
	explicit_bzero(mac, sizeof(mac));
	return r;
}

/* Kept aside: it is worth nothing unless AUTH_RESULT says OK. */
static int
recv_new_ticket(struct metasafe_conn *c, struct cl_hs *hs, const u_char *th,
    struct msbuf *body)
{
	struct ms_new_ticket nt;
	int r;

	if (ms_new_ticket_parse(body, &nt) != 0)
		return cl_fatal(c, METASAFE_ERR_PROTOCOL,
		    "malformed NEW_TICKET");
	if (!c->want_ticket) {
		debug_f("unasked-for ticket ignored");
		return 0;
	}
	if ((r = cl_ticket_new(c, nt.lifetime, nt.ticket,
	    nt.ticket_len)) != 0)
		return cl_fatal(c, r, "cannot keep the ticket");
	debug_f("NEW_TICKET: %zu bytes, lifetime %u s", nt.ticket_len,
	    nt.lifetime);
	return 0;
}

/* Over TH(CLIENT_VERIFY). */
static int
put_client_finished(struct metasafe_conn *c, struct cl_hs *hs, const u_char *th,
    struct msbuf *body)
{
	u_char mac[MS_SHA256_LEN];
	int r;

	if ((r = ms_finished_mac(c->hs.c_fin, th, mac)) != 0 ||
	    (r = ms_finished_put(body, mac)) != 0)
		r = cl_fatal(c, METASAFE_ERR_INTERNAL, "finished: %s",
		    ms_err(r));
	explicit_bzero(mac, sizeof(mac));
	return r;
}

/* Into application keys (5.3), after CLIENT_FINISHED. */
static int
install_ap_keys(struct metasafe_conn *c, struct cl_hs *hs,
    const u_char th_cf[MS_SHA256_LEN])
{
	struct ms_ap_secrets ap;
	int r;

	if ((r = ms_derive_application(c->hs.hs, th_cf, &ap)) != 0 ||
	    (r = ms_record_dir_init(&c->tx, c->alg, ap.c_ap)) != 0 ||
	    (r = ms_record_dir_init(&c->rx, c->alg, ap.s_ap)) != 0 ||
	    (r = ms_blob_ctx_init(&c->btx, c->alg, c->cipher, ap.c_blob,
	    0)) != 0 ||
	    (r = ms_blob_ctx_init(&c->brx, c->alg, c->cipher, ap.s_blob,
	    1)) != 0)
		r = cl_fatal(c, METASAFE_ERR_INTERNAL,
		    "application keys: %s", ms_err(r));
	ms_ap_secrets_clear(&ap);
	/* Handshake secrets have no further use. */
	ms_hs_secrets_clear(&c->hs);
	if (r == 0)
		c->state = CL_STATE_AUTH_WAIT;
	return r;
}

static int
recv_auth_result(struct metasafe_conn *c, struct cl_hs *hs, const u_char *th,
    struct msbuf *body)
{
	uint32_t status;

	if (ms_auth_result_parse(body, &status) != 0)
		return cl_fatal(c, METASAFE_ERR_PROTOCOL,
		    "malformed AUTH_RESULT");
	c->last_status = (int)status;
	if (status != MS_ST_OK) {
		metasafe_ticket_free(c->new_ticket);
		c->new_ticket = NULL;
	}
	if (status == MS_ST_AUTH_FAILED && c->resume_with != NULL)
		return cl_fatal(c, cl_status_err(status),
		    "resumption refused by the server (ticket not accepted)");
	if (status == MS_ST_AUTH_FAILED)
		return cl_fatal(c, cl_status_err(status),
		    "authentication refused by the server (certificate or "
		    "key not accepted)");
	if (status != MS_ST_OK)
		return cl_fatal(c, cl_status_err(status),
		    "server refused authentication: %s",
		    ms_status_str(status));
	c->resumed = c->resume_with != NULL;
	debug_f("authenticated%s", c->resumed ? " (resumed)" : "");
	if (c->new_ticket != NULL && c->ticket_hook != NULL)
		c->ticket_hook(c->ticket_hook_arg, c->new_ticket);
	return 0;
}

/* Each message's handler: builds its body (sent) or checks it (taken). */
static int (*const hs_handlers[MS_HS_NMSGS])(struct metasafe_conn *,
    struct cl_hs *, const u_char *, struct msbuf *) = {
	[MS_HS_CLIENT_HELLO] = put_client_hello,
	[MS_HS_SERVER_HELLO] = recv_server_hello,
	[MS_HS_SERVER_CERTIFICATE] = recv_server_certificate,
	[MS_HS_SERVER_VERIFY] = recv_server_verify,
	[MS_HS_SERVER_FINISHED] = recv_server_finished,
	[MS_HS_CLIENT_IDENTITY] = put_client_identity,
	[MS_HS_CLIENT_VERIFY] = put_client_verify,
	[MS_HS_RESUME_VERIFY] = put_resume_verify,
	[MS_HS_CLIENT_FINISHED] = put_client_finished,
	[MS_HS_NEW_TICKET] = recv_new_ticket,
	[MS_HS_AUTH_RESULT] = recv_auth_result,
};

/* --- the client's part in ms_hs_walk (hs_order.h) --- */

static int
op_keys(void *arg, enum ms_hs_epoch epoch, const u_char th[MS_SHA256_LEN])
{
	struct cl_hs *hs = arg;

	if (epoch == MS_HS_KEYS_HS)
		return install_hs_keys(hs->c, hs, th);
	if (epoch == MS_HS_KEYS_AP)
		return install_ap_keys(hs->c, hs, th);
	return cl_fatal(hs->c, METASAFE_ERR_INTERNAL, "no such keys");
}

static int
op_build(void *arg, const struct ms_hs_msg *m,
    const u_char th[MS_SHA256_LEN], struct msbuf *body)
{
	struct cl_hs *hs = arg;

	return hs_handlers[m->id](hs->c, hs, th, body);
}

static int
op_send(void *arg, const struct ms_hs_msg *m, const struct msbuf *body)
{
	struct cl_hs *hs = arg;
	struct msbuf *frame;
	int r;

	if (m->epoch != MS_HS_CLEAR)
		return cl_send_record(hs->c, m->type, body);
	if ((frame = msbuf_new(HELLO_BUF_MAX)) == NULL)
		return cl_fatal(hs->c, METASAFE_ERR_NOMEM, "out of memory");
	if ((r = ms_frame_encode(frame, m->type, body)) != 0)
		r = cl_fatal(hs->c, METASAFE_ERR_INTERNAL,
		    "cannot encode %s: %s", m->name, ms_err(r));
	else
		r = cl_send_all(hs->c, msbuf_ptr(frame), msbuf_len(frame));
	msbuf_free(frame);
	return r;
}

/* The server's next message, in clear (in c->rbuf) or in a record. */
static int
op_read(void *arg, enum ms_hs_epoch epoch, uint8_t *typep,
    struct msbuf **bodyp)
{
	struct cl_hs *hs = arg;
	int r;

	if (epoch != MS_HS_CLEAR) {
		*bodyp = hs->body;
		return cl_recv_record(hs->c, typep, hs->body);
	}
	*bodyp = hs->c->rbuf;
	if ((r = cl_recv_frame(hs->c, typep)) == METASAFE_ERR_NO_COMMON_SUITE)
		return no_common_suite(hs->c, r);
	return r;
}

static int
op_refuse(void *arg, const struct ms_hs_order *o, uint8_t type, int verdict)
{
	struct cl_hs *hs = arg;
	char want[64];

	ms_hs_order_expected(o, want, sizeof(want));
	return cl_fatal(hs->c, METASAFE_ERR_PROTOCOL,
	    "expected %s, got %s 0x%02x (%s)", want,
	    o->epoch == MS_HS_CLEAR ? "frame type" : "message", type,
	    ms_hs_verdict_str(verdict));
}

static int
op_take(void *arg, const struct ms_hs_msg *m,
    const u_char th[MS_SHA256_LEN], struct msbuf *body)
{
	struct cl_hs *hs = arg;
	int r;

	r = hs_handlers[m->id](hs->c, hs, th, body);
	if (body == hs->c->rbuf)
		msbuf_reset(hs->c->rbuf);
	return r;
}

static int
op_fail(void *arg, int r, const char *what)
{
	struct cl_hs *hs = arg;

	return cl_fatal(hs->c, r == MS_ERR_INTERNAL ? METASAFE_ERR_INTERNAL :
	    cl_map_err(r), "%s: %s", what, ms_err(r));
}

static const struct ms_hs_ops hs_ops = {
	.keys = op_keys,
	.build = op_build,
	.send = op_send,
	.read = op_read,
	.refuse = op_refuse,
	.take = op_take,
	.fail = op_fail,
};

/* Walk the table from where the connection stands up to the row 'stop'. */
static int
hs_walk(struct metasafe_conn *c, struct cl_hs *hs, enum ms_hs_msg_id stop)
{
	struct ms_hs_walk wk;

	memset(&wk, 0, sizeof(wk));
	wk.order = &c->hs_order;
	wk.t = c->th;
	wk.out = hs->body;
	wk.ops = &hs_ops;
	wk.arg = hs;
	return ms_hs_walk(&wk, stop);
}

static void
hs_clear(struct cl_hs *hs)
{
	EVP_PKEY_free(hs->eph);
	msbuf_free(hs->body);
	explicit_bzero(hs, sizeof(*hs));
}

static int
pin_new_key(struct metasafe_conn *c, const u_char key[32])
{
	char hostname[512], fp[MS_FINGERPRINT_MAX];

	if (cl_kh_hostname(c->host, c->port, hostname, sizeof(hostname)) != 0)
		return cl_fatal(c, METASAFE_ERR_INVALID, "bad host name");
	if (ms_fingerprint(key, 32, fp, sizeof(fp)) != 0)
		strlcpy(fp, "(unknown)", sizeof(fp));
	if (cl_kh_add(c->known_hosts, hostname, key) != 0)
		return cl_fatal(c, METASAFE_ERR_KNOWN_HOSTS,
		    "cannot add host key to %s: %s", c->known_hosts,
		    strerror(errno));
	snprintf(c->notice, sizeof(c->notice),
	    "Permanently added host key %s for %s to %s", fp, hostname,
	    c->known_hosts);
	return 0;
}

int
metasafe_connect(const struct metasafe_opts *opts,
    struct metasafe_conn **connp)
{
	struct metasafe_conn *c;
	struct cl_hs hs;
	int r;

	if (connp == NULL)
		return METASAFE_ERR_USAGE;
	if ((*connp = c = cl_conn_new()) == NULL)
		return METASAFE_ERR_NOMEM;
	if (opts == NULL)
		return cl_fatal(c, METASAFE_ERR_USAGE, "no options given");
	memset(&hs, 0, sizeof(hs));
	hs.c = c;
	ms_hs_order_init(&c->hs_order, MS_HS_CLIENT);
	if ((hs.body = msbuf_new(MS_RECORD_PLAINTEXT_MAX)) == NULL) {
		r = cl_fatal(c, METASAFE_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* Client authentication is metasafe_authenticate's, on its own. */
	if ((r = conn_setup(c, opts)) != 0 ||
	    (r = cl_is_unix(c->host) ? cl_unix_connect(c) :
	    cl_tcp_connect(c)) != 0 ||
	    (r = hs_walk(c, &hs, MS_HS_CLIENT_IDENTITY)) != 0)
		goto out;
	/* Only now has the server proven it holds the key being pinned. */
	if (hs.add && (r = pin_new_key(c, hs.sh.host_sig_pub)) != 0)
		goto out;
	/* A resumption walks to the end: the ticket was the login. */
	if (c->resume_with != NULL && ms_hs_order_done(&c->hs_order))
		c->state = CL_STATE_AUTHED;
	r = 0;
 out:
	/* The ticket is spent either way. */
	metasafe_ticket_free(c->resume_with);
	c->resume_with = NULL;
	hs_clear(&hs);
	if (r != 0) {
		c->state = CL_STATE_BROKEN;
		ms_hs_secrets_clear(&c->hs);
		if (c->fd != -1) {
			close(c->fd);
			c->fd = -1;
		}
	}
	return cl_ret(c, r);
}

/* The rest of the handshake with key, or with no key: peer credentials. */
static int
authenticate(struct metasafe_conn *c, const struct metasafe_key *key)
{
	struct cl_hs hs;
	int r;

	/* Resumed: metasafe_connect authenticated already. */
	if (c->state == CL_STATE_AUTHED && c->resumed)
		return 0;
	if (c->state != CL_STATE_HS)
		return cl_ret(c, cl_seterr(c, c->state == CL_STATE_BROKEN ?
		    METASAFE_ERR_BROKEN : METASAFE_ERR_USAGE,
		    "connection is not waiting for authentication"));
	memset(&hs, 0, sizeof(hs));
	hs.c = c;
	hs.key = key;
	if ((hs.body = msbuf_new(MS_RECORD_PLAINTEXT_MAX)) == NULL)
		return cl_ret(c, METASAFE_ERR_NOMEM);
	if ((r = hs_walk(c, &hs, MS_HS_NMSGS)) == 0)
		c->state = CL_STATE_AUTHED;
	hs_clear(&hs);
	if (r != 0)
		c->state = CL_STATE_BROKEN;
	return cl_ret(c, r);
}

/*
 * With a ticket: resume, and if the server will not, log in in full once
 * (the ticket may have expired there, or the daemon restarted).
 */
static int
connect_key(const struct metasafe_opts *opts, const struct metasafe_key *key,
    struct metasafe_conn **connp)
{
	struct metasafe_opts full;
	int r;

	if ((r = metasafe_connect(opts, connp)) == 0)
		r = metasafe_authenticate(*connp, key);
	if (r != METASAFE_ERR_AUTH_FAILED || opts->ticket == NULL ||
	    (*connp != NULL && (*connp)->last_status == -1))
		return r;
	debug_f("resumption refused; full login");
	metasafe_close(*connp);
	*connp = NULL;
	full = *opts;
	full.ticket = NULL;
	if ((r = metasafe_connect(&full, connp)) == 0)
		r = metasafe_authenticate(*connp, key);
	return r;
}

/* ResumptionCache: a ticket in, the next one out (or none left behind). */
int
metasafe_connect_key(const struct metasafe_opts *opts,
    const struct metasafe_key *key, struct metasafe_conn **connp)
{
	struct metasafe_ticket *t = NULL, *next;
	struct metasafe_opts o;
	int r;

	if (connp == NULL || opts == NULL || key == NULL)
		return METASAFE_ERR_USAGE;
	*connp = NULL;
	if (opts->resumption_cache == NULL || opts->ticket != NULL)
		return connect_key(opts, key, connp);
	if ((r = cl_cache_load(opts->resumption_cache, &t)) != 0)
		return r;
	o = *opts;
	o.ticket = t;
	r = connect_key(&o, key, connp);
	metasafe_ticket_free(t);
	if (r != 0)
		return r;
	/* Single use: the old ticket is spent whatever comes next. */
	if ((next = metasafe_take_ticket(*connp)) == NULL)
		cl_cache_drop(opts->resumption_cache);
	else if (cl_cache_store(opts->resumption_cache, next) != 0)
		debug_f("cannot write %s", opts->resumption_cache);
	metasafe_ticket_free(next);
	return 0;
}

int
metasafe_authenticate(struct metasafe_conn *c, const struct metasafe_key *key)
{
	if (c == NULL)
		return METASAFE_ERR_USAGE;
	cl_clearerr(c);
	if (key == NULL)
		return cl_ret(c, cl_seterr(c, METASAFE_ERR_USAGE, "no key"));
	if (key->chain == NULL && !key->is_ed25519)
		return cl_ret(c, cl_seterr(c, METASAFE_ERR_IDENTITY,
		    "a %s identity can only authenticate with a certificate "
		    "(-o CertificateFile=FILE)", metasafe_key_type(key)));
	return authenticate(c, key);
}

int
metasafe_authenticate_peer(struct metasafe_conn *c)
{
	if (c == NULL)
		return METASAFE_ERR_USAGE;
	cl_clearerr(c);
	/* Over TCP the server has no kernel to ask: it would refuse. */
	if (!cl_is_unix(c->host))
		return cl_ret(c, cl_seterr(c, METASAFE_ERR_USAGE,
		    "peer credentials need a unix: host"));
	return authenticate(c, NULL);
}

int
metasafe_connect_auth(const struct metasafe_opts *opts,
    struct metasafe_conn **connp)
{
	struct metasafe_key *key = NULL;
	const char *pass = opts != NULL ? opts->identity_passphrase : NULL;
	char *path = NULL, filepass[CL_PASSPHRASE_MAX];
	int r;

	if (connp == NULL || opts == NULL)
		return METASAFE_ERR_USAGE;
	*connp = NULL;
	/* A local daemon without an identity file: the kernel says who. */
	if (opts->identity_file == NULL && cl_is_unix(opts->host)) {
		if ((r = metasafe_connect(opts, connp)) == 0)
			r = metasafe_authenticate_peer(*connp);
		return r;
	}
	if (pass == NULL && opts->passphrase_file != NULL) {
		if ((r = cl_passphrase_read(opts->passphrase_file, filepass,
		    sizeof(filepass))) != 0)
			return r;
		pass = filepass;
	}
	if (opts->identity_file == NULL &&
	    (r = cl_home_path(METASAFE_DEFAULT_IDENTITY, &path)) != 0) {
		explicit_bzero(filepass, sizeof(filepass));
		return r;
	}
	r = metasafe_key_load(opts->identity_file != NULL ?
	    opts->identity_file : path, pass, &key);
	explicit_bzero(filepass, sizeof(filepass));
	free(path);
	if (r != 0)
		return r;
	if (opts->certificate_file != NULL && (r =
	    metasafe_key_load_certificate(key, opts->certificate_file, NULL,
	    0)) != 0) {
		metasafe_key_free(key);
		return r;
	}
	r = metasafe_connect_key(opts, key, connp);
	metasafe_key_free(key);
	return r;
}

void
metasafe_close(struct metasafe_conn *c)
{
	cl_conn_free(c);
}
