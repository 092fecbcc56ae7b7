/*
 * handshake.c — the client side of the handshake (PROTOCOL.md 3-5):
 * CLIENT_HELLO, SERVER_HELLO checks and host key pinning, the hybrid key
 * exchange, SERVER_VERIFY / SERVER_FINISHED, then client authentication
 * (CLIENT_IDENTITY, CLIENT_VERIFY, CLIENT_FINISHED, AUTH_RESULT).
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
#include "keyfile.h"
#include "log.h"
#include "msg_auth.h"
#include "metasafe.h"
#include "msclient.h"
#include "proto.h"
#include "record.h"
#include "schedule.h"
#include "sigalg.h"

#define HELLO_BUF_MAX	1024
#define HS_BODY_MAX	(MS_CLIENT_IDENTITY_MAX + 1024)
#define SIG_MSG_MAX	128

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
	return 0;
}

static int
send_client_hello(struct metasafe_conn *c, EVP_PKEY **ephp)
{
	struct ms_client_hello ch;
	struct msbuf *payload = NULL, *frame = NULL;
	int r;

	memset(&ch, 0, sizeof(ch));
	ch.version = MS_PROTO_VERSION;
	ch.ciphers = c->offered;
	ch.kex = c->offered_kex;
	ch.sigs = c->offered_sigs;
	if ((r = ms_random_bytes(ch.random, sizeof(ch.random))) != 0 ||
	    (r = ms_pkey_generate(MS_KEY_X25519, ephp)) != 0 ||
	    (r = ms_pkey_raw_public(*ephp, ch.share, sizeof(ch.share))) != 0) {
		r = cl_fatal(c, cl_map_err(r), "cannot make key share: %s",
		    ms_err(r));
		goto out;
	}
	if ((payload = msbuf_new(HELLO_BUF_MAX)) == NULL ||
	    (frame = msbuf_new(HELLO_BUF_MAX)) == NULL) {
		r = cl_fatal(c, METASAFE_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((r = ms_client_hello_put(payload, &ch)) != 0 ||
	    (r = ms_frame_encode(frame, MS_FRAME_CLIENT_HELLO, payload)) != 0 ||
	    (r = ms_transcript_add_raw(c->th, msbuf_ptr(frame),
	    msbuf_len(frame))) != 0) {
		r = cl_fatal(c, METASAFE_ERR_INTERNAL,
		    "cannot encode CLIENT_HELLO: %s", ms_err(r));
		goto out;
	}
	c->state = CL_STATE_HELLO;
	debug_f("sending CLIENT_HELLO (%u ciphers offered)", ch.ciphers.n);
	r = cl_send_all(c, msbuf_ptr(frame), msbuf_len(frame));
 out:
	msbuf_free(payload);
	msbuf_free(frame);
	return r;
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

static int
recv_server_hello(struct metasafe_conn *c, struct ms_server_hello *sh)
{
	uint8_t type;
	int r, alg;

	if ((r = cl_recv_frame(c, &type)) != 0) {
		if (r == METASAFE_ERR_NO_COMMON_SUITE)
			return no_common_suite(c, r);
		return r;
	}
	if (type != MS_FRAME_SERVER_HELLO)
		return cl_fatal(c, METASAFE_ERR_PROTOCOL,
		    "expected SERVER_HELLO, got frame type 0x%02x", type);
	if ((r = ms_transcript_add(c->th, MS_FRAME_SERVER_HELLO,
	    msbuf_ptr(c->rbuf), msbuf_len(c->rbuf))) != 0)
		return cl_fatal(c, cl_map_err(r), "transcript: %s", ms_err(r));
	if ((r = ms_server_hello_parse(c->rbuf, sh)) != 0)
		return cl_fatal(c, METASAFE_ERR_PROTOCOL,
		    "malformed SERVER_HELLO: %s", ms_err(r));
	msbuf_reset(c->rbuf);
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
	return 0;
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
install_hs_keys(struct metasafe_conn *c, EVP_PKEY *eph,
    const struct ms_server_hello *sh, u_char th_sh[MS_SHA256_LEN])
{
	u_char ss_e[32], ss_s[32], stat[MS_SHA256_LEN];
	int r;

	if ((r = ms_transcript_hash(c->th, th_sh)) != 0 ||
	    (r = ms_x25519_derive(eph, sh->share, ss_e)) != 0 ||
	    (r = ms_x25519_derive(eph, sh->host_kex_pub, ss_s)) != 0 ||
	    (r = ms_derive_static(ss_s, th_sh, stat)) != 0 ||
	    (r = ms_derive_handshake(stat, ss_e, th_sh, &c->hs)) != 0 ||
	    (r = ms_record_dir_init(&c->tx, c->alg, c->hs.c_hs)) != 0 ||
	    (r = ms_record_dir_init(&c->rx, c->alg, c->hs.s_hs)) != 0)
		r = cl_fatal(c, METASAFE_ERR_HANDSHAKE, "key exchange: %s",
		    ms_err(r));
	explicit_bzero(ss_e, sizeof(ss_e));
	explicit_bzero(ss_s, sizeof(ss_s));
	explicit_bzero(stat, sizeof(stat));
	return r;
}

/* Receive one handshake record of the expected type and hash it. */
static int
recv_hs_msg(struct metasafe_conn *c, uint8_t want, struct msbuf *body)
{
	uint8_t type;
	int r;

	if ((r = cl_recv_record(c, &type, body)) != 0)
		return r;
	if (type != want)
		return cl_fatal(c, METASAFE_ERR_PROTOCOL,
		    "expected handshake message 0x%02x, got 0x%02x", want, type);
	if ((r = ms_transcript_add(c->th, type, msbuf_ptr(body),
	    msbuf_len(body))) != 0)
		return cl_fatal(c, cl_map_err(r), "transcript: %s", ms_err(r));
	return 0;
}

/*
 * SERVER_CERTIFICATE (optional) then SERVER_VERIFY.  The signature covers
 * TH(SERVER_CERTIFICATE) when there is one, else TH(SERVER_HELLO).  With a
 * CA file the certificate is required and checked before the signature.
 */
static int
recv_server_verify(struct metasafe_conn *c, const struct ms_server_hello *sh,
    const u_char th_sh[MS_SHA256_LEN], struct msbuf *body)
{
	STACK_OF(X509) *chain = NULL;
	u_char msg[SIG_MSG_MAX], th[MS_SHA256_LEN];
	char err[CL_ERRMSG_MAX];
	struct ms_verify sv;
	size_t msglen;
	uint8_t type;
	int r;

	memcpy(th, th_sh, sizeof(th));
	if ((r = cl_recv_record(c, &type, body)) != 0)
		goto out;
	if (type == MS_MSG_SERVER_CERTIFICATE) {
		if ((r = ms_transcript_add(c->th, type, msbuf_ptr(body),
		    msbuf_len(body))) != 0 ||
		    (r = ms_transcript_hash(c->th, th)) != 0) {
			r = cl_fatal(c, cl_map_err(r), "transcript: %s",
			    ms_err(r));
			goto out;
		}
		if ((r = cl_server_cert_parse(body, &chain)) != 0) {
			r = cl_fatal(c, r, "malformed SERVER_CERTIFICATE");
			goto out;
		}
		debug_f("server presented %d certificate(s)",
		    sk_X509_num(chain));
		if (c->ca_file != NULL) {
			if ((r = cl_server_cert_check(c->ca_file, c->host,
			    chain, sh->host_sig_pub, err, sizeof(err))) != 0) {
				r = cl_fatal(c, r, "%s", err);
				goto out;
			}
			debug_f("server certificate valid for %s under %s",
			    c->host, c->ca_file);
		}
		if ((r = recv_hs_msg(c, MS_MSG_SERVER_VERIFY, body)) != 0)
			goto out;
	} else if (type == MS_MSG_SERVER_VERIFY) {
		if (c->ca_file != NULL) {
			r = cl_fatal(c, METASAFE_ERR_SERVER_CERT,
			    "the server presented no certificate, but CAFile "
			    "%s requires one", c->ca_file);
			goto out;
		}
		if ((r = ms_transcript_add(c->th, type, msbuf_ptr(body),
		    msbuf_len(body))) != 0) {
			r = cl_fatal(c, cl_map_err(r), "transcript: %s",
			    ms_err(r));
			goto out;
		}
	} else {
		r = cl_fatal(c, METASAFE_ERR_PROTOCOL,
		    "expected SERVER_CERTIFICATE or SERVER_VERIFY, got 0x%02x",
		    type);
		goto out;
	}
	if (ms_server_verify_parse(body, &sv) != 0) {
		r = cl_fatal(c, METASAFE_ERR_PROTOCOL,
		    "malformed SERVER_VERIFY");
		goto out;
	}
	if (sv.sig_alg != sh->sig) {
		r = cl_fatal(c, METASAFE_ERR_PROTOCOL,
		    "SERVER_VERIFY uses algorithm 0x%04x, not the chosen one",
		    sv.sig_alg);
		goto out;
	}
	if ((r = ms_sig_message(MS_SIG_CONTEXT_SERVER, th, msg,
	    sizeof(msg), &msglen)) != 0) {
		r = cl_fatal(c, METASAFE_ERR_INTERNAL, "signature message");
		goto out;
	}
	if (ms_ed25519_verify(sh->host_sig_pub, msg, msglen, sv.sig,
	    sv.siglen) != 0) {
		r = cl_fatal(c, METASAFE_ERR_HANDSHAKE,
		    "server signature over the handshake is invalid");
		goto out;
	}
	debug_f("server signature verified");
	r = 0;
 out:
	cl_chain_free(chain);
	explicit_bzero(th, sizeof(th));
	return r;
}

static int
recv_server_finished(struct metasafe_conn *c, struct msbuf *body)
{
	u_char th[MS_SHA256_LEN], want[MS_SHA256_LEN], got[MS_SHA256_LEN];
	int r;

	/* verify_data covers TH(SERVER_VERIFY): hash before adding FINISHED. */
	if ((r = ms_transcript_hash(c->th, th)) != 0 ||
	    (r = ms_finished_mac(c->hs.s_fin, th, want)) != 0)
		return cl_fatal(c, METASAFE_ERR_INTERNAL, "finished: %s",
		    ms_err(r));
	if ((r = recv_hs_msg(c, MS_MSG_SERVER_FINISHED, body)) != 0)
		goto out;
	if (ms_finished_parse(body, got) != 0) {
		r = cl_fatal(c, METASAFE_ERR_PROTOCOL,
		    "malformed SERVER_FINISHED");
		goto out;
	}
	if (!ms_ct_equal(want, got, sizeof(want))) {
		r = cl_fatal(c, METASAFE_ERR_HANDSHAKE,
		    "server Finished does not match; handshake tampered with");
		goto out;
	}
	debug_f("server Finished verified");
	r = 0;
 out:
	explicit_bzero(want, sizeof(want));
	explicit_bzero(got, sizeof(got));
	return r;
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
	struct ms_server_hello sh;
	struct msbuf *body = NULL;
	u_char th_sh[MS_SHA256_LEN];
	EVP_PKEY *eph = NULL;
	int r, add = 0;

	if (connp == NULL)
		return METASAFE_ERR_USAGE;
	if ((*connp = c = cl_conn_new()) == NULL)
		return METASAFE_ERR_NOMEM;
	if (opts == NULL)
		return cl_fatal(c, METASAFE_ERR_USAGE, "no options given");
	memset(&sh, 0, sizeof(sh));
	if ((body = msbuf_new(MS_RECORD_PLAINTEXT_MAX)) == NULL) {
		r = cl_fatal(c, METASAFE_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((r = conn_setup(c, opts)) != 0 ||
	    (r = cl_tcp_connect(c)) != 0 ||
	    (r = send_client_hello(c, &eph)) != 0 ||
	    (r = recv_server_hello(c, &sh)) != 0 ||
	    (r = check_host_key(c, sh.host_sig_pub, &add)) != 0 ||
	    (r = install_hs_keys(c, eph, &sh, th_sh)) != 0)
		goto out;
	EVP_PKEY_free(eph);
	eph = NULL;
	c->state = CL_STATE_HS;
	if ((r = recv_server_verify(c, &sh, th_sh, body)) != 0 ||
	    (r = recv_server_finished(c, body)) != 0)
		goto out;
	/* Only now has the server proven it holds the key being pinned. */
	if (add && (r = pin_new_key(c, sh.host_sig_pub)) != 0)
		goto out;
	r = 0;
 out:
	EVP_PKEY_free(eph);
	msbuf_free(body);
	explicit_bzero(th_sh, sizeof(th_sh));
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

static int
send_hs_msg(struct metasafe_conn *c, uint8_t type, struct msbuf *body)
{
	int r;

	if ((r = ms_transcript_add(c->th, type, msbuf_ptr(body),
	    msbuf_len(body))) != 0)
		return cl_fatal(c, cl_map_err(r), "transcript: %s", ms_err(r));
	return cl_send_record(c, type, body);
}

static int
send_client_auth(struct metasafe_conn *c, const struct metasafe_key *key,
    struct msbuf *body)
{
	u_char th[MS_SHA256_LEN], msg[SIG_MSG_MAX], sig[MS_SIGNATURE_MAX];
	u_char mac[MS_SHA256_LEN];
	size_t msglen, siglen = sizeof(sig);
	int r;

	/* CLIENT_IDENTITY */
	msbuf_reset(body);
	if ((r = cl_identity_put(body, key)) != 0) {
		r = cl_fatal(c, r, "cannot encode CLIENT_IDENTITY: %s",
		    metasafe_strerror(r));
		goto out;
	}
	if ((r = send_hs_msg(c, MS_MSG_CLIENT_IDENTITY, body)) != 0)
		goto out;
	/* CLIENT_VERIFY over TH(CLIENT_IDENTITY) */
	msbuf_reset(body);
	if ((r = ms_transcript_hash(c->th, th)) != 0 ||
	    (r = ms_sig_message(MS_SIG_CONTEXT_CLIENT, th, msg, sizeof(msg),
	    &msglen)) != 0 ||
	    (r = ms_sigalg_sign(key->sigalg, key->pkey, msg, msglen, sig,
	    &siglen)) != 0) {
		r = cl_fatal(c, METASAFE_ERR_IDENTITY, "cannot sign: %s",
		    ms_err(r));
		goto out;
	}
	if (siglen > sizeof(sig) ||
	    ms_client_verify_put(body, key->sigalg, sig, siglen) != 0) {
		r = cl_fatal(c, METASAFE_ERR_INTERNAL, "encode signature");
		goto out;
	}
	if ((r = send_hs_msg(c, MS_MSG_CLIENT_VERIFY, body)) != 0)
		goto out;
	/* CLIENT_FINISHED over TH(CLIENT_VERIFY) */
	msbuf_reset(body);
	if ((r = ms_transcript_hash(c->th, th)) != 0 ||
	    (r = ms_finished_mac(c->hs.c_fin, th, mac)) != 0 ||
	    (r = ms_finished_put(body, mac)) != 0) {
		r = cl_fatal(c, METASAFE_ERR_INTERNAL, "finished: %s",
		    ms_err(r));
		goto out;
	}
	r = send_hs_msg(c, MS_MSG_CLIENT_FINISHED, body);
 out:
	explicit_bzero(mac, sizeof(mac));
	explicit_bzero(th, sizeof(th));
	explicit_bzero(msg, sizeof(msg));
	return r;
}

static int
install_ap_keys(struct metasafe_conn *c)
{
	struct ms_ap_secrets ap;
	u_char th_cf[MS_SHA256_LEN];
	int r;

	if ((r = ms_transcript_hash(c->th, th_cf)) != 0 ||
	    (r = ms_derive_application(c->hs.hs, th_cf, &ap)) != 0 ||
	    (r = ms_record_dir_init(&c->tx, c->alg, ap.c_ap)) != 0 ||
	    (r = ms_record_dir_init(&c->rx, c->alg, ap.s_ap)) != 0 ||
	    (r = ms_blob_ctx_init(&c->btx, c->alg, c->cipher, ap.c_blob,
	    0)) != 0 ||
	    (r = ms_blob_ctx_init(&c->brx, c->alg, c->cipher, ap.s_blob,
	    1)) != 0)
		r = cl_fatal(c, METASAFE_ERR_INTERNAL,
		    "application keys: %s", ms_err(r));
	ms_ap_secrets_clear(&ap);
	explicit_bzero(th_cf, sizeof(th_cf));
	/* Handshake secrets have no further use. */
	ms_hs_secrets_clear(&c->hs);
	return r;
}

static int
recv_auth_result(struct metasafe_conn *c, struct msbuf *body)
{
	uint32_t status;
	uint8_t type;
	int r;

	if ((r = cl_recv_record(c, &type, body)) != 0)
		return r;
	if (type != MS_MSG_AUTH_RESULT ||
	    ms_auth_result_parse(body, &status) != 0)
		return cl_fatal(c, METASAFE_ERR_PROTOCOL,
		    "expected AUTH_RESULT, got message 0x%02x", type);
	c->last_status = (int)status;
	if (status == MS_ST_AUTH_FAILED)
		return cl_fatal(c, cl_status_err(status),
		    "authentication refused by the server (certificate or "
		    "key not accepted)");
	if (status != MS_ST_OK)
		return cl_fatal(c, cl_status_err(status),
		    "server refused authentication: %s",
		    ms_status_str(status));
	debug_f("authenticated");
	return 0;
}

int
metasafe_authenticate(struct metasafe_conn *c, const struct metasafe_key *key)
{
	struct msbuf *body = NULL;
	int r;

	if (c == NULL)
		return METASAFE_ERR_USAGE;
	cl_clearerr(c);
	if (key == NULL)
		return cl_ret(c, cl_seterr(c, METASAFE_ERR_USAGE, "no key"));
	if (key->chain == NULL && !key->is_ed25519)
		return cl_ret(c, cl_seterr(c, METASAFE_ERR_IDENTITY,
		    "a %s identity can only authenticate with a certificate "
		    "(-o CertificateFile=FILE)", metasafe_key_type(key)));
	if (c->state != CL_STATE_HS)
		return cl_ret(c, cl_seterr(c, c->state == CL_STATE_BROKEN ?
		    METASAFE_ERR_BROKEN : METASAFE_ERR_USAGE,
		    "connection is not waiting for authentication"));
	if ((body = msbuf_new(HS_BODY_MAX)) == NULL)
		return cl_ret(c, METASAFE_ERR_NOMEM);
	if ((r = send_client_auth(c, key, body)) != 0 ||
	    (r = install_ap_keys(c)) != 0)
		goto out;
	c->state = CL_STATE_AUTH_WAIT;
	if ((r = recv_auth_result(c, body)) != 0)
		goto out;
	c->state = CL_STATE_AUTHED;
 out:
	msbuf_free(body);
	if (r != 0)
		c->state = CL_STATE_BROKEN;
	return cl_ret(c, r);
}

int
metasafe_connect_auth(const struct metasafe_opts *opts,
    struct metasafe_conn **connp)
{
	struct metasafe_key *key = NULL;
	char *path = NULL;
	int r;

	if (connp == NULL || opts == NULL)
		return METASAFE_ERR_USAGE;
	*connp = NULL;
	if (opts->identity_file == NULL &&
	    (r = cl_home_path(METASAFE_DEFAULT_IDENTITY, &path)) != 0)
		return r;
	r = metasafe_key_load(opts->identity_file != NULL ?
	    opts->identity_file : path, opts->identity_passphrase, &key);
	free(path);
	if (r != 0)
		return r;
	if (opts->certificate_file != NULL && (r =
	    metasafe_key_load_certificate(key, opts->certificate_file, NULL,
	    0)) != 0) {
		metasafe_key_free(key);
		return r;
	}
	if ((r = metasafe_connect(opts, connp)) == 0)
		r = metasafe_authenticate(*connp, key);
	metasafe_key_free(key);
	return r;
}

void
metasafe_close(struct metasafe_conn *c)
{
	cl_conn_free(c);
}
