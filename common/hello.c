/*
 * hello.c — CLIENT_HELLO / SERVER_HELLO codec (PROTOCOL.md 4.1, 4.2).
 *
 * The client, the worker and the monitor (DECAP, SIGN) all parse hellos
 * here, so there is exactly one notion of what a hello means.  Parsing is
 * strict: list sizes 1..16, keys exactly 32 bytes, nothing trailing.
 */
#include <sys/types.h>

#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "errors.h"
#include "frame.h"
#include "hello.h"
#include "proto.h"

static int
alg_list_valid(const struct ms_alg_list *l)
{
	return l->n >= 1 && l->n <= MS_ALG_LIST_MAX;
}

int
ms_alg_list_put(struct msbuf *b, const struct ms_alg_list *l)
{
	int r;
	uint8_t i;

	if (!alg_list_valid(l))
		return MS_ERR_INVALID_ARGUMENT;
	if ((r = msbuf_put_u8(b, l->n)) != 0)
		return r;
	for (i = 0; i < l->n; i++) {
		if ((r = msbuf_put_u16(b, l->ids[i])) != 0)
			return r;
	}
	return 0;
}

int
ms_alg_list_get(struct msbuf *b, struct ms_alg_list *l)
{
	int r;
	uint8_t i, n;

	memset(l, 0, sizeof(*l));
	if ((r = msbuf_get_u8(b, &n)) != 0)
		return r;
	if (n < 1 || n > MS_ALG_LIST_MAX)
		return MS_ERR_INVALID_FORMAT;
	for (i = 0; i < n; i++) {
		if ((r = msbuf_get_u16(b, &l->ids[i])) != 0)
			return r;
	}
	l->n = n;
	return 0;
}

int
ms_client_hello_put(struct msbuf *b, const struct ms_client_hello *ch)
{
	int r;

	if ((r = msbuf_put_u16(b, ch->version)) != 0 ||
	    (r = msbuf_put(b, ch->random, sizeof(ch->random))) != 0 ||
	    (r = ms_alg_list_put(b, &ch->ciphers)) != 0 ||
	    (r = ms_alg_list_put(b, &ch->kex)) != 0 ||
	    (r = ms_alg_list_put(b, &ch->sigs)) != 0 ||
	    (r = msbuf_put_string(b, ch->share, sizeof(ch->share))) != 0)
		return r;
	if (!ch->resume)
		return 0;
	if (ch->ticket_len > sizeof(ch->ticket))
		return MS_ERR_INVALID_ARGUMENT;
	if ((r = msbuf_put_string(b, ch->ticket, ch->ticket_len)) != 0 ||
	    (r = msbuf_put_string(b, ch->binder,
	    ch->ticket_len != 0 ? sizeof(ch->binder) : 0)) != 0)
		return r;
	return 0;
}

/* The optional resumption fields: a binder exactly when a ticket. */
static int
resume_fields_get(struct msbuf *b, struct ms_client_hello *ch)
{
	const u_char *p;
	size_t len;
	int r;

	if (msbuf_len(b) == 0)
		return 0;
	/* Bytes after client_share that are not these fields are trailing. */
	ch->resume = 1;
	if (msbuf_get_string_direct(b, &p, &len, sizeof(ch->ticket)) != 0)
		return MS_ERR_INVALID_FORMAT;
	memcpy(ch->ticket, p, len);
	ch->ticket_len = len;
	if ((r = msbuf_get_string_fixed(b, len != 0 ? ch->binder : NULL,
	    len != 0 ? sizeof(ch->binder) : 0)) != 0)
		return MS_ERR_INVALID_FORMAT;
	return 0;
}

int
ms_client_hello_binder_span(const u_char *frame, size_t len,
    const struct ms_client_hello *ch, size_t *spanp)
{
	*spanp = 0;
	if (!ch->resume || ch->ticket_len == 0 ||
	    len < 4 + MS_BINDER_LEN)
		return MS_ERR_INVALID_ARGUMENT;
	*spanp = len - 4 - MS_BINDER_LEN;
	return 0;
}

int
ms_server_hello_put(struct msbuf *b, const struct ms_server_hello *sh)
{
	int r;

	if ((r = msbuf_put_u16(b, sh->version)) != 0 ||
	    (r = msbuf_put(b, sh->random, sizeof(sh->random))) != 0 ||
	    (r = msbuf_put_u16(b, sh->cipher)) != 0 ||
	    (r = msbuf_put_u16(b, sh->kex)) != 0 ||
	    (r = msbuf_put_u16(b, sh->sig)) != 0 ||
	    (r = msbuf_put_string(b, sh->share, sizeof(sh->share))) != 0 ||
	    (r = msbuf_put_string(b, sh->host_kex_pub,
	    sizeof(sh->host_kex_pub))) != 0 ||
	    (r = msbuf_put_string(b, sh->host_sig_pub,
	    sizeof(sh->host_sig_pub))) != 0)
		return r;
	return 0;
}

int
ms_client_hello_parse(struct msbuf *b, struct ms_client_hello *ch)
{
	uint16_t version;
	int r;

	memset(ch, 0, sizeof(*ch));
	if ((r = msbuf_get_u16(b, &ch->version)) != 0 ||
	    (r = msbuf_get(b, ch->random, sizeof(ch->random))) != 0 ||
	    (r = ms_alg_list_get(b, &ch->ciphers)) != 0 ||
	    (r = ms_alg_list_get(b, &ch->kex)) != 0 ||
	    (r = ms_alg_list_get(b, &ch->sigs)) != 0 ||
	    (r = msbuf_get_string_fixed(b, ch->share, sizeof(ch->share))) != 0 ||
	    (r = resume_fields_get(b, ch)) != 0)
		goto fail;
	if (msbuf_len(b) != 0) {
		r = MS_ERR_INVALID_FORMAT;
		goto fail;
	}
	return 0;
 fail:
	version = ch->version;
	memset(ch, 0, sizeof(*ch));
	/*
	 * Keep the version even when the rest does not parse: a hello from
	 * another protocol version may have another layout, and its sender
	 * is owed VERSION_MISMATCH rather than a generic failure.
	 */
	ch->version = version;
	return r;
}

int
ms_server_hello_parse(struct msbuf *b, struct ms_server_hello *sh)
{
	uint16_t version;
	int r;

	memset(sh, 0, sizeof(*sh));
	if ((r = msbuf_get_u16(b, &sh->version)) != 0 ||
	    (r = msbuf_get(b, sh->random, sizeof(sh->random))) != 0 ||
	    (r = msbuf_get_u16(b, &sh->cipher)) != 0 ||
	    (r = msbuf_get_u16(b, &sh->kex)) != 0 ||
	    (r = msbuf_get_u16(b, &sh->sig)) != 0 ||
	    (r = msbuf_get_string_fixed(b, sh->share, sizeof(sh->share))) != 0 ||
	    (r = msbuf_get_string_fixed(b, sh->host_kex_pub,
	    sizeof(sh->host_kex_pub))) != 0 ||
	    (r = msbuf_get_string_fixed(b, sh->host_sig_pub,
	    sizeof(sh->host_sig_pub))) != 0)
		goto fail;
	if (msbuf_len(b) != 0) {
		r = MS_ERR_INVALID_FORMAT;
		goto fail;
	}
	return 0;
 fail:
	version = sh->version;
	memset(sh, 0, sizeof(*sh));
	/*
	 * Keep the version even when the rest does not parse: a hello from
	 * another protocol version may have another layout, and its sender
	 * is owed VERSION_MISMATCH rather than a generic failure.
	 */
	sh->version = version;
	return r;
}

/*
 * Whether a CLIENT_HELLO that did not parse has a client_share of the
 * wrong length, which has its own alert (4.1).  Walks the fixed-layout
 * prefix only, whatever the list counts say.
 */
static int
client_share_len_bad(const struct msbuf *payload)
{
	struct msbuf *b;
	uint32_t len;
	uint8_t n;
	int i, bad = 0;

	if ((b = msbuf_dup(payload)) == NULL)
		return 0;
	if (msbuf_consume(b, 2 + MS_RANDOM_LEN) != 0)
		goto out;
	for (i = 0; i < 3; i++) {
		if (msbuf_get_u8(b, &n) != 0 ||
		    msbuf_consume(b, 2 * (size_t)n) != 0)
			goto out;
	}
	if (msbuf_peek_u32(b, 0, &len) != 0)
		goto out;
	bad = len != MS_X25519_LEN;
 out:
	msbuf_free(b);
	return bad;
}

int
ms_client_hello_check(const struct msbuf *payload, struct ms_client_hello *ch,
    uint32_t *statusp, const char **whyp)
{
	struct msbuf *b;
	uint16_t version;
	int r;

	*statusp = MS_ST_OK;
	*whyp = NULL;
	memset(ch, 0, sizeof(*ch));
	/* Any other version may mean any other layout: check it first. */
	if (msbuf_peek_u16(payload, 0, &version) == 0 &&
	    version != MS_PROTO_VERSION) {
		*statusp = MS_ST_VERSION_MISMATCH;
		*whyp = "protocol version 1 required";
		return MS_ERR_INVALID_FORMAT;
	}
	if ((b = msbuf_dup(payload)) == NULL)
		return MS_ERR_ALLOC;
	r = ms_client_hello_parse(b, ch);
	msbuf_free(b);
	if (r == 0)
		return 0;
	if (client_share_len_bad(payload)) {
		*statusp = MS_ST_HANDSHAKE_FAILED;
		*whyp = "bad client share";
	} else {
		*statusp = MS_ST_PROTOCOL_ERROR;
		*whyp = "malformed CLIENT_HELLO";
	}
	return r;
}

/*
 * Check the 5-byte header of a canonical hello frame and leave 'b'
 * positioned at the payload.
 */
static int
frame_header_check(struct msbuf *b, size_t len, uint8_t want_type)
{
	uint32_t flen;
	uint8_t type;
	int r;

	if (len < MS_FRAME_HEADER_LEN || len - 4 > MS_FRAME_MAX)
		return MS_ERR_INVALID_FORMAT;
	if ((r = msbuf_get_u32(b, &flen)) != 0 ||
	    (r = msbuf_get_u8(b, &type)) != 0)
		return r;
	if (flen != len - 4 || type != want_type)
		return MS_ERR_INVALID_FORMAT;
	return 0;
}

/* A buffer over a whole hello frame, positioned at its payload. */
static int
frame_open(const u_char *frame, size_t len, uint8_t want_type,
    struct msbuf **bp)
{
	int r;

	*bp = NULL;
	if (frame == NULL || len < MS_FRAME_HEADER_LEN ||
	    len - 4 > MS_FRAME_MAX)
		return MS_ERR_INVALID_FORMAT;
	if ((*bp = msbuf_from(frame, len)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = frame_header_check(*bp, len, want_type)) != 0) {
		msbuf_free(*bp);
		*bp = NULL;
	}
	return r;
}

int
ms_client_hello_parse_frame(const u_char *frame, size_t len,
    struct ms_client_hello *ch)
{
	struct msbuf *b;
	int r;

	memset(ch, 0, sizeof(*ch));
	if ((r = frame_open(frame, len, MS_FRAME_CLIENT_HELLO, &b)) == 0)
		r = ms_client_hello_parse(b, ch);
	msbuf_free(b);
	return r;
}

int
ms_server_hello_parse_frame(const u_char *frame, size_t len,
    struct ms_server_hello *sh)
{
	struct msbuf *b;
	int r;

	memset(sh, 0, sizeof(*sh));
	if ((r = frame_open(frame, len, MS_FRAME_SERVER_HELLO, &b)) == 0)
		r = ms_server_hello_parse(b, sh);
	msbuf_free(b);
	return r;
}

int
ms_alg_list_contains(const struct ms_alg_list *l, uint16_t id)
{
	uint8_t i;

	for (i = 0; i < l->n && i < MS_ALG_LIST_MAX; i++) {
		if (l->ids[i] == id)
			return 1;
	}
	return 0;
}

uint16_t
ms_alg_negotiate(const struct ms_alg_list *server_pref,
    const struct ms_alg_list *offered)
{
	uint8_t i;

	for (i = 0; i < server_pref->n && i < MS_ALG_LIST_MAX; i++) {
		/* 0 is no algorithm; it also signals "none" to the caller. */
		if (server_pref->ids[i] != 0 &&
		    ms_alg_list_contains(offered, server_pref->ids[i]))
			return server_pref->ids[i];
	}
	return 0;
}
