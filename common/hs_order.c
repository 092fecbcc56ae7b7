/*
 * hs_order.c — the handshake's order as one table (PROTOCOL.md 3, 4.3),
 * and the cursor that the worker and the client walk it with.
 *
 * There are two shapes, chosen by CLIENT_HELLO: a full handshake
 * (CLIENT_IDENTITY, CLIENT_VERIFY) and a resumed one (RESUME_VERIFY in
 * their place); rows carry which shape they belong to.  Within a shape
 * the branches are optional rows: SERVER_CERTIFICATE, which a server
 * without a HostCertificate leaves out, and NEW_TICKET.  Whether
 * CLIENT_IDENTITY holds a raw key or a chain is inside the message
 * (id_type), not a branch of the order.
 */
#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "errors.h"
#include "hs_order.h"
#include "mslimits.h"
#include "proto.h"
#include "schedule.h"

/* A canonical encoding's header (5.1): u32 length || u8 type. */
#define CANON_HDR	5

#define TH	MS_HSF_TRANSCRIPT
#define TAIL	MS_HSF_AUTH_TAIL
#define OPT	MS_HSF_OPTIONAL
#define FULL	MS_HSF_FULL
#define RES	MS_HSF_RESUMED

/*
 * The caps are what a receiver takes before it parses.  The hellos have
 * none but the frame's: hello.c parses them exactly, and every malformed
 * hello is owed the alert of 4.1 (a client_share of a wrong length
 * included), not a generic one for its size.  CLIENT_FINISHED may be
 * longer than its 36 bytes: such junk is a wrong MAC, refused with the
 * same AUTH_FAILED as every other failed proof (5.4).
 */
static const struct ms_hs_msg hs_table[MS_HS_NMSGS] = {
	{ MS_HS_CLIENT_HELLO, MS_FRAME_CLIENT_HELLO, "CLIENT_HELLO",
	    MS_HS_CLIENT, MS_HS_CLEAR, TH, MS_FRAME_MAX },
	{ MS_HS_SERVER_HELLO, MS_FRAME_SERVER_HELLO, "SERVER_HELLO",
	    MS_HS_SERVER, MS_HS_CLEAR, TH, MS_FRAME_MAX },
	{ MS_HS_SERVER_CERTIFICATE, MS_MSG_SERVER_CERTIFICATE,
	    "SERVER_CERTIFICATE", MS_HS_SERVER, MS_HS_KEYS_HS, TH | TAIL | OPT,
	    1 + MS_CERTS_MAX * (4 + MS_CERT_DER_MAX) },
	{ MS_HS_SERVER_VERIFY, MS_MSG_SERVER_VERIFY, "SERVER_VERIFY",
	    MS_HS_SERVER, MS_HS_KEYS_HS, TH | TAIL,
	    MS_SERVER_VERIFY_LEN - CANON_HDR },
	{ MS_HS_SERVER_FINISHED, MS_MSG_SERVER_FINISHED, "SERVER_FINISHED",
	    MS_HS_SERVER, MS_HS_KEYS_HS, TH | TAIL,
	    MS_SERVER_FINISHED_LEN - CANON_HDR },
	{ MS_HS_CLIENT_IDENTITY, MS_MSG_CLIENT_IDENTITY, "CLIENT_IDENTITY",
	    MS_HS_CLIENT, MS_HS_KEYS_HS, TH | TAIL | FULL,
	    MS_CLIENT_IDENTITY_MAX - CANON_HDR },
	{ MS_HS_CLIENT_VERIFY, MS_MSG_CLIENT_VERIFY, "CLIENT_VERIFY",
	    MS_HS_CLIENT, MS_HS_KEYS_HS, TH | FULL, 2 + 4 + MS_SIGNATURE_MAX },
	{ MS_HS_RESUME_VERIFY, MS_MSG_RESUME_VERIFY, "RESUME_VERIFY",
	    MS_HS_CLIENT, MS_HS_KEYS_HS, TH | RES, 4 + MS_BINDER_LEN },
	{ MS_HS_CLIENT_FINISHED, MS_MSG_CLIENT_FINISHED, "CLIENT_FINISHED",
	    MS_HS_CLIENT, MS_HS_KEYS_HS, TH, 1024 },
	{ MS_HS_NEW_TICKET, MS_MSG_NEW_TICKET, "NEW_TICKET",
	    MS_HS_SERVER, MS_HS_KEYS_AP, OPT, 4 + 4 + MS_TICKET_MAX },
	{ MS_HS_AUTH_RESULT, MS_MSG_AUTH_RESULT, "AUTH_RESULT",
	    MS_HS_SERVER, MS_HS_KEYS_AP, 0, 4 },
};

const struct ms_hs_msg *
ms_hs_msg(enum ms_hs_msg_id id)
{
	if ((unsigned int)id >= MS_HS_NMSGS)
		return NULL;
	return &hs_table[id];
}

/* Whether row i belongs to the shape this walk has taken. */
static int
applies(const struct ms_hs_order *o, enum ms_hs_msg_id i)
{
	unsigned int f = hs_table[i].flags;

	if (f & MS_HSF_FULL)
		return !o->resume;
	if (f & MS_HSF_RESUMED)
		return o->resume;
	return 1;
}

/* Past the rows of the other shape. */
static void
settle(struct ms_hs_order *o)
{
	while (o->next < MS_HS_NMSGS && !applies(o, o->next))
		o->next++;
}

int
ms_hs_order_resume(struct ms_hs_order *o)
{
	if (o->next > MS_HS_SERVER_HELLO || o->resume)
		return MS_ERR_INTERNAL;
	o->resume = 1;
	return 0;
}

void
ms_hs_order_init(struct ms_hs_order *o, enum ms_hs_side side)
{
	memset(o, 0, sizeof(*o));
	o->side = side;
	o->next = MS_HS_CLIENT_HELLO;
	o->epoch = MS_HS_CLEAR;
}

const struct ms_hs_msg *
ms_hs_order_next(const struct ms_hs_order *o)
{
	return ms_hs_msg(o->next);
}

int
ms_hs_order_done(const struct ms_hs_order *o)
{
	return o->next >= MS_HS_NMSGS;
}

int
ms_hs_order_keys(struct ms_hs_order *o, enum ms_hs_epoch epoch)
{
	const struct ms_hs_msg *m;

	if ((m = ms_hs_order_next(o)) == NULL || m->epoch != epoch ||
	    epoch <= o->epoch)
		return MS_ERR_INTERNAL;
	o->epoch = epoch;
	return 0;
}

int
ms_hs_order_send(struct ms_hs_order *o, enum ms_hs_msg_id id)
{
	const struct ms_hs_msg *m;

	if ((m = ms_hs_order_next(o)) == NULL)
		return MS_HS_COMPLETE;
	if (m->from != o->side)
		return MS_HS_WRONG_SIDE;
	if (m->id != id)
		return MS_HS_OUT_OF_ORDER;
	if (m->epoch != o->epoch)
		return MS_HS_WRONG_KEYS;
	o->next++;
	settle(o);
	return 0;
}

int
ms_hs_order_skip(struct ms_hs_order *o)
{
	const struct ms_hs_msg *m;

	if ((m = ms_hs_order_next(o)) == NULL)
		return MS_HS_COMPLETE;
	if (m->from != o->side)
		return MS_HS_WRONG_SIDE;
	if ((m->flags & MS_HSF_OPTIONAL) == 0)
		return MS_HS_OUT_OF_ORDER;
	o->next++;
	settle(o);
	return 0;
}

/*
 * One past the rows a message from the peer may match now: the next row
 * and, past optional ones, the row after.  None (o->next) when the next
 * row is this side's own.
 */
static enum ms_hs_msg_id
due_end(const struct ms_hs_order *o)
{
	enum ms_hs_msg_id i = o->next;

	while (i < MS_HS_NMSGS) {
		if (!applies(o, i)) {
			i++;
			continue;
		}
		if (hs_table[i].from == o->side ||
		    (hs_table[i++].flags & MS_HSF_OPTIONAL) == 0)
			break;
	}
	return i;
}

/* Why a message that is not due now is refused. */
static int
not_due(const struct ms_hs_order *o, uint8_t type)
{
	size_t i;

	if (ms_hs_order_done(o))
		return MS_HS_COMPLETE;
	for (i = 0; i < MS_HS_NMSGS; i++) {
		if (hs_table[i].type == type)
			return hs_table[i].from == o->side ? MS_HS_WRONG_SIDE :
			    MS_HS_OUT_OF_ORDER;
	}
	return MS_HS_NOT_HANDSHAKE;
}

int
ms_hs_order_recv(struct ms_hs_order *o, enum ms_hs_epoch epoch, uint8_t type,
    size_t len, const struct ms_hs_msg **mp)
{
	enum ms_hs_msg_id i, end;
	const struct ms_hs_msg *m;

	*mp = NULL;
	end = due_end(o);
	for (i = o->next; i < end; i++) {
		m = &hs_table[i];
		if (!applies(o, i) || m->type != type)
			continue;
		if (m->epoch != epoch || epoch != o->epoch)
			return MS_HS_WRONG_KEYS;
		if (len > m->max)
			return MS_HS_OVERSIZED;
		o->next = i + 1;
		settle(o);
		*mp = m;
		return 0;
	}
	return not_due(o, type);
}

void
ms_hs_order_expected(const struct ms_hs_order *o, char *buf, size_t len)
{
	enum ms_hs_msg_id i, end;

	if (len == 0)
		return;
	buf[0] = '\0';
	end = due_end(o);
	for (i = o->next; i < end; i++) {
		if (!applies(o, i))
			continue;
		if (buf[0] != '\0')
			strlcat(buf, " or ", len);
		strlcat(buf, hs_table[i].name, len);
	}
	if (buf[0] == '\0')
		strlcpy(buf, "nothing", len);
}

const char *
ms_hs_verdict_str(int verdict)
{
	switch (verdict) {
	case 0:
		return "due";
	case MS_HS_OUT_OF_ORDER:
		return "out of order";
	case MS_HS_WRONG_SIDE:
		return "from the wrong side";
	case MS_HS_WRONG_KEYS:
		return "under the wrong keys";
	case MS_HS_OVERSIZED:
		return "oversized";
	case MS_HS_NOT_HANDSHAKE:
		return "not a handshake message";
	case MS_HS_COMPLETE:
		return "after the handshake";
	default:
		return "unknown verdict";
	}
}

/* u32 length || u8 type || body: a message's canonical encoding (5.1). */
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

/* A message sent or taken enters the transcript and the tail, per its row. */
static int
walk_record(const struct ms_hs_walk *wk, const struct ms_hs_msg *m,
    const struct msbuf *body)
{
	int r;

	if ((m->flags & MS_HSF_TRANSCRIPT) &&
	    (r = ms_transcript_add(wk->t, m->type, msbuf_ptr(body),
	    msbuf_len(body))) != 0)
		return wk->ops->fail(wk->arg, r, "transcript");
	if ((m->flags & MS_HSF_AUTH_TAIL) && wk->tail != NULL &&
	    (r = put_canonical(wk->tail, m->type, body)) != 0)
		return wk->ops->fail(wk->arg, r, "transcript tail");
	return 0;
}

static int
walk_keys(const struct ms_hs_walk *wk, enum ms_hs_epoch epoch,
    const u_char th[MS_SHA256_LEN])
{
	int r;

	if ((r = wk->ops->keys(wk->arg, epoch, th)) != 0)
		return r;
	if (ms_hs_order_keys(wk->order, epoch) != 0)
		return wk->ops->fail(wk->arg, MS_ERR_INTERNAL,
		    "keys out of order");
	return 0;
}

static int
walk_send(const struct ms_hs_walk *wk, const struct ms_hs_msg *m,
    const u_char th[MS_SHA256_LEN])
{
	int r;

	msbuf_reset(wk->out);
	if ((r = wk->ops->build(wk->arg, m, th, wk->out)) == MS_HS_LEFT_OUT) {
		if (ms_hs_order_skip(wk->order) != 0)
			return wk->ops->fail(wk->arg, MS_ERR_INTERNAL, m->name);
		return 0;
	}
	if (r != 0)
		return r;
	if (ms_hs_order_send(wk->order, m->id) != 0)
		return wk->ops->fail(wk->arg, MS_ERR_INTERNAL, m->name);
	if ((r = walk_record(wk, m, wk->out)) != 0)
		return r;
	return wk->ops->send(wk->arg, m, wk->out);
}

static int
walk_recv(const struct ms_hs_walk *wk, const u_char th[MS_SHA256_LEN])
{
	const struct ms_hs_msg *m;
	struct msbuf *body = NULL;
	uint8_t type = 0;
	int r, v;

	if ((r = wk->ops->read(wk->arg, wk->order->epoch, &type, &body)) != 0)
		return r;
	if ((v = ms_hs_order_recv(wk->order, wk->order->epoch, type,
	    msbuf_len(body), &m)) != 0)
		return wk->ops->refuse(wk->arg, wk->order, type, v);
	/* Into the transcript first: the taker may consume the body. */
	if ((r = walk_record(wk, m, body)) != 0)
		return r;
	return wk->ops->take(wk->arg, m, th, body);
}

int
ms_hs_walk(const struct ms_hs_walk *wk, enum ms_hs_msg_id stop)
{
	const struct ms_hs_msg *m;
	u_char th[MS_SHA256_LEN];
	int r = 0;

	while (r == 0 && (m = ms_hs_order_next(wk->order)) != NULL &&
	    m->id != stop) {
		if ((r = ms_transcript_hash(wk->t, th)) != 0) {
			r = wk->ops->fail(wk->arg, r, "transcript");
			break;
		}
		if (m->epoch != wk->order->epoch &&
		    (r = walk_keys(wk, m->epoch, th)) != 0)
			break;
		if (m->from == wk->order->side)
			r = walk_send(wk, m, th);
		else
			r = walk_recv(wk, th);
	}
	explicit_bzero(th, sizeof(th));
	return r;
}
