/*
 * fuzz_hs.c — the handshake order (common/hs_order.c), the state machine
 * both the worker and the client walk: any sequence of sends, skips, key
 * switches and received messages, on both sides.  Each input byte pair is
 * one step: u8 op (bit 0 the side, bits 1-2 the action) || u8 arg.  The
 * harness checks what the table promises: a received message is accepted
 * only if it is the peer's, due (nothing but optional rows skipped), under
 * the keys of its row and within its size; sends only in order under the
 * keys in use; keys only forward; a refusal leaves the cursor as it was.
 * The first byte's top bit makes both sides take the resumed shape (4.5):
 * then the full handshake's rows are never taken, and the other way round.
 */
#include "fuzz.h"

#include "hs_order.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	return 0;
}

/* Not part of this walk's shape: the cursor passes it as if absent. */
static int
absent(const struct ms_hs_order *o, int id)
{
	const struct ms_hs_msg *r = ms_hs_msg((enum ms_hs_msg_id)id);

	return r != NULL && ((r->flags & MS_HSF_FULL) ? o->resume :
	    (r->flags & MS_HSF_RESUMED) ? !o->resume : 0);
}

/* Past m, the cursor stands on the next row that is there. */
static void
check_settled(const struct ms_hs_order *o, int from)
{
	int id;

	for (id = from; id < (int)o->next; id++)
		if (!absent(o, id))
			abort();	/* a row of this shape was passed */
	if (!ms_hs_order_done(o) && absent(o, o->next))
		abort();
}

static void
check_recv(struct ms_hs_order *o, uint8_t arg, size_t len)
{
	struct ms_hs_order before = *o;
	const struct ms_hs_msg *m = NULL, *r;
	enum ms_hs_epoch epoch = (enum ms_hs_epoch)(arg >> 6 > 2 ? 2 : arg >> 6);
	uint8_t type = arg & 0x3f;
	int v, id;

	v = ms_hs_order_recv(o, epoch, type, len, &m);
	if (v != 0) {
		if (memcmp(&before, o, sizeof(before)) != 0)
			abort();	/* a refusal moved the cursor */
		return;
	}
	if (m == NULL || m->from == o->side || m->type != type ||
	    m->epoch != epoch || len > m->max || (int)m->id < (int)before.next)
		abort();
	if (absent(o, m->id))
		abort();	/* a row of the other shape was taken */
	for (id = before.next; id < (int)m->id; id++)
		if ((r = ms_hs_msg((enum ms_hs_msg_id)id)) == NULL ||
		    (!(r->flags & MS_HSF_OPTIONAL) && !absent(o, id)))
			abort();	/* a required row was jumped over */
	check_settled(o, m->id + 1);
}

static void
check_send(struct ms_hs_order *o, uint8_t arg, int skip)
{
	struct ms_hs_order before = *o;
	const struct ms_hs_msg *n = ms_hs_order_next(o);
	int v;

	v = skip ? ms_hs_order_skip(o) :
	    ms_hs_order_send(o, (enum ms_hs_msg_id)(arg % (MS_HS_NMSGS + 1)));
	if (v != 0) {
		if (memcmp(&before, o, sizeof(before)) != 0)
			abort();
		return;
	}
	/* Leaving a message out needs no keys; sending one does. */
	if (n == NULL || n->from != o->side ||
	    (!skip && n->epoch != o->epoch) ||
	    (skip && !(n->flags & MS_HSF_OPTIONAL)) ||
	    (!skip && n->id != (enum ms_hs_msg_id)(arg % (MS_HS_NMSGS + 1))) ||
	    absent(o, n->id))
		abort();
	check_settled(o, before.next + 1);
}

static void
check_keys(struct ms_hs_order *o, uint8_t arg)
{
	struct ms_hs_order before = *o;
	enum ms_hs_epoch e = (enum ms_hs_epoch)(arg % 3);

	if (ms_hs_order_keys(o, e) != 0) {
		if (memcmp(&before, o, sizeof(before)) != 0)
			abort();
		return;
	}
	if (e <= before.epoch || o->epoch != e)
		abort();	/* keys only move forward */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ms_hs_order o[2];
	size_t i;

	ms_hs_order_init(&o[0], MS_HS_CLIENT);
	ms_hs_order_init(&o[1], MS_HS_SERVER);
	if (size > 0 && (data[0] & 0x80) &&
	    (ms_hs_order_resume(&o[0]) != 0 || ms_hs_order_resume(&o[1]) != 0))
		abort();
	for (i = 0; i + 1 < size; i += 2) {
		struct ms_hs_order *c = &o[data[i] & 1];

		switch ((data[i] >> 1) & 3) {
		case 0:
			check_send(c, data[i + 1], 0);
			break;
		case 1:
			check_send(c, data[i + 1], 1);
			break;
		case 2:
			check_keys(c, data[i + 1]);
			break;
		default:
			/* A length from the op byte's high bits, up to 64 KiB. */
			check_recv(c, data[i + 1], (size_t)(data[i] >> 3) << 11);
			break;
		}
	}
	return 0;
}
