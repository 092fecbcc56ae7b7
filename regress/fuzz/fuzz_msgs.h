/*
 * fuzz_msgs.h — one inner message (u8 type || body, as a record carries
 * it) handed to the common/ parser that the client, the worker or the
 * monitor use for that type.  Shared by fuzz_msg.c (the bodies directly)
 * and fuzz_record.c (what opens under the fixed key).
 *
 * Invariants: a body that parses re-encodes to exactly itself (the codecs
 * are canonical); a parser never hands back a view past the body; a chain
 * whose every cert_der decodes comes back as that many certificates.
 */
#ifndef MS_FUZZ_MSGS_H
#define MS_FUZZ_MSGS_H

#include <string.h>

#include <openssl/x509.h>

#include "buf.h"
#include "frame.h"
#include "fuzz.h"
#include "msg_alert.h"
#include "msg_auth.h"
#include "msg_certs.h"
#include "mslimits.h"
#include "proto.h"

static FUZZ_UNUSED void
fuzz_same(const struct msbuf *enc, const uint8_t *data, size_t size)
{
	FUZZ_CHECK(msbuf_len(enc) == size);
	FUZZ_CHECK(size == 0 || memcmp(msbuf_ptr(enc), data, size) == 0);
}

static FUZZ_UNUSED void
fuzz_view_inside(const u_char *p, size_t len, const uint8_t *data,
    size_t size)
{
	FUZZ_CHECK(len == 0 || (p >= data && p + len <= data + size));
}

/*
 * The chain parser (SERVER_CERTIFICATE, CLIENT_IDENTITY type 2), and the
 * DER decoder the client and the monitor then run on it.
 */
static FUZZ_UNUSED void
fuzz_chain_decode(const struct ms_cert_chain *c)
{
	STACK_OF(X509) *sk = NULL;

	if (ms_cert_chain_to_x509(c, &sk) == 0) {
		FUZZ_CHECK(sk != NULL);
		FUZZ_CHECK(sk_X509_num(sk) == (int)c->n);
		sk_X509_pop_free(sk, X509_free);
	}
}

static FUZZ_UNUSED void
fuzz_server_certificate(struct msbuf *b, const uint8_t *data, size_t size)
{
	struct ms_cert_chain c;
	struct msbuf *enc, *msg;
	uint8_t i;

	FUZZ_CHECK((enc = msbuf_new(MS_FRAME_MAX)) != NULL);
	if (ms_cert_chain_parse(b, &c) == 0) {
		FUZZ_CHECK(c.n >= 1 && c.n <= MS_CERTS_MAX);
		for (i = 0; i < c.n; i++) {
			FUZZ_CHECK(c.len[i] <= MS_CERT_DER_MAX);
			fuzz_view_inside(c.der[i], c.len[i], data, size);
		}
		FUZZ_CHECK(ms_cert_chain_put(enc, &c) == 0);
		fuzz_same(enc, data, size);
		fuzz_chain_decode(&c);
	}
	/* The monitor's canonical message as HELLO hands it to the worker. */
	FUZZ_CHECK((msg = msbuf_new(MS_FRAME_MAX)) != NULL);
	msbuf_reset(enc);
	if (msbuf_put(enc, data, size) == 0 &&
	    ms_frame_encode(msg, MS_MSG_SERVER_CERTIFICATE, enc) == 0)
		(void)ms_server_certificate_check(msbuf_ptr(msg),
		    msbuf_len(msg));
	msbuf_free(msg);
	msbuf_free(enc);
}

static FUZZ_UNUSED void
fuzz_verify(struct msbuf *b, int server, const uint8_t *data, size_t size)
{
	struct ms_verify v;
	struct msbuf *enc;
	int r;

	FUZZ_CHECK((enc = msbuf_new(MS_FRAME_MAX)) != NULL);
	r = server ? ms_server_verify_parse(b, &v) :
	    ms_client_verify_parse(b, &v);
	if (r == 0) {
		fuzz_view_inside(v.sig, v.siglen, data, size);
		if (server) {
			FUZZ_CHECK(v.siglen == MS_SIG_MAX);
			FUZZ_CHECK(ms_server_verify_put(enc, v.sig_alg,
			    v.sig) == 0);
		} else {
			FUZZ_CHECK(v.siglen <= MS_SIGNATURE_MAX);
			/* An empty signature parses and fails the login. */
			if (v.siglen != 0)
				FUZZ_CHECK(ms_client_verify_put(enc, v.sig_alg,
				    v.sig, v.siglen) == 0);
		}
		if (v.siglen != 0)
			fuzz_same(enc, data, size);
	}
	msbuf_free(enc);
}

static FUZZ_UNUSED void
fuzz_identity(struct msbuf *b, const uint8_t *data, size_t size)
{
	struct ms_client_identity id;
	struct msbuf *enc;

	FUZZ_CHECK((enc = msbuf_new(MS_FRAME_MAX)) != NULL);
	if (ms_client_identity_parse(b, &id) == 0) {
		if (id.id_type == MS_ID_RAW_ED25519) {
			FUZZ_CHECK(id.publen <= MS_PUBKEY_MAX);
			fuzz_view_inside(id.pub, id.publen,
			    data, size);
			if (id.publen == MS_PUBKEY_MAX) {
				FUZZ_CHECK(ms_client_identity_put_raw(enc,
				    id.pub) == 0);
				fuzz_same(enc, data, size);
			}
		} else if (id.id_type == MS_ID_PEER_CREDENTIALS) {
			/* No key: the whole body is the one byte. */
			FUZZ_CHECK(id.pub == NULL && id.publen == 0);
			FUZZ_CHECK(ms_client_identity_put_peer(enc) == 0);
			fuzz_same(enc, data, size);
		} else {
			FUZZ_CHECK(id.id_type == MS_ID_X509_CHAIN);
			FUZZ_CHECK(msbuf_put_u8(enc, id.id_type) == 0);
			FUZZ_CHECK(ms_cert_chain_put(enc, &id.chain) == 0);
			fuzz_same(enc, data, size);
			fuzz_chain_decode(&id.chain);
		}
	}
	msbuf_free(enc);
}

static FUZZ_UNUSED void
fuzz_alert(struct msbuf *b, int cleartext, const uint8_t *data, size_t size)
{
	struct ms_alert a;
	struct msbuf *enc;

	FUZZ_CHECK((enc = msbuf_new(MS_FRAME_MAX)) != NULL);
	if (ms_alert_parse(b, cleartext, &a) == 0) {
		FUZZ_CHECK(a.msglen <= MS_ALERT_MSG_MAX);
		FUZZ_CHECK(a.msg[a.msglen] == '\0');
		/* The encoder takes a C string: only NUL-free messages. */
		if (strlen(a.msg) == a.msglen &&
		    (!cleartext || a.version == MS_PROTO_VERSION)) {
			FUZZ_CHECK(ms_alert_put(enc, cleartext, a.status,
			    a.msg) == 0);
			fuzz_same(enc, data, size);
		}
	}
	msbuf_free(enc);
}

/* A run of canonical messages, as the AUTH transcript_tail carries them. */
static FUZZ_UNUSED void
fuzz_canonical_run(struct msbuf *b)
{
	static const uint8_t order[] = { MS_MSG_CLIENT_IDENTITY,
	    MS_MSG_CLIENT_VERIFY, MS_MSG_CLIENT_FINISHED };
	struct msbuf *body;
	size_t i, before;

	for (i = 0; i < sizeof(order); i++) {
		before = msbuf_len(b);
		if (ms_canonical_get(b, order[i], MS_FRAME_MAX, &body) != 0) {
			FUZZ_CHECK(body == NULL);
			return;
		}
		FUZZ_CHECK(msbuf_len(body) + MS_FRAME_HEADER_LEN ==
		    before - msbuf_len(b));
		msbuf_free(body);
	}
}

/* One inner message: type and body (the body is copied into a buffer). */
static FUZZ_UNUSED void
fuzz_inner(uint8_t type, const uint8_t *data, size_t size)
{
	u_char mac[MS_VERIFY_DATA_LEN];
	struct msbuf *b, *enc;
	uint32_t status;

	FUZZ_CHECK((b = msbuf_from(data, size)) != NULL);
	/* Views are checked against the buffer's own copy. */
	data = msbuf_ptr(b);
	FUZZ_CHECK((enc = msbuf_new(MS_FRAME_MAX)) != NULL);
	switch (type) {
	case MS_MSG_SERVER_CERTIFICATE:
		fuzz_server_certificate(b, data, size);
		break;
	case MS_MSG_SERVER_VERIFY:
	case MS_MSG_CLIENT_VERIFY:
		fuzz_verify(b, type == MS_MSG_SERVER_VERIFY, data, size);
		break;
	case MS_MSG_SERVER_FINISHED:
	case MS_MSG_CLIENT_FINISHED:
		if (ms_finished_parse(b, mac) == 0) {
			FUZZ_CHECK(ms_finished_put(enc, mac) == 0);
			fuzz_same(enc, data, size);
		}
		break;
	case MS_MSG_CLIENT_IDENTITY:
		fuzz_identity(b, data, size);
		break;
	case MS_MSG_AUTH_RESULT:
		if (ms_auth_result_parse(b, &status) == 0) {
			FUZZ_CHECK(ms_auth_result_put(enc, status) == 0);
			fuzz_same(enc, data, size);
		}
		break;
	case MS_MSG_ALERT:
		fuzz_alert(b, 0, data, size);
		break;
	case MS_FRAME_ALERT | 0x80:	/* the cleartext ALERT frame's body */
		fuzz_alert(b, 1, data, size);
		break;
	default:
		fuzz_canonical_run(b);
		break;
	}
	msbuf_free(enc);
	msbuf_free(b);
}

#endif /* MS_FUZZ_MSGS_H */
