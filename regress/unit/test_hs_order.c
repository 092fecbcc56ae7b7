/*
 * test_hs_order.c — the handshake order table and its cursor
 * (common/hs_order.c, PROTOCOL.md 3 and 4.3): both sides walking it
 * accept exactly the legal sequences, with and without
 * SERVER_CERTIFICATE, and refuse every message out of order, from the
 * wrong side, under the wrong keys, too large, or after the end; and
 * ms_hs_walk, with a scripted peer, sends, takes, switches keys and
 * fills the transcript and the AUTH tail as the table says.
 */
#include <sys/types.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "errors.h"
#include "hs_order.h"
#include "msg_auth.h"
#include "mslimits.h"
#include "proto.h"
#include "schedule.h"

/* Types that are no handshake message, in clear or in a record. */
static const uint8_t other_types[] = {
	0x00, MS_FRAME_ALERT, MS_FRAME_RECORD, 0x03, 0x0D, MS_MSG_OPEN,
	MS_MSG_STATUS, MS_MSG_RESPONSE, 0xff
};

static const enum ms_hs_msg_id with_cert[] = {
	MS_HS_CLIENT_HELLO, MS_HS_SERVER_HELLO, MS_HS_SERVER_CERTIFICATE,
	MS_HS_SERVER_VERIFY, MS_HS_SERVER_FINISHED, MS_HS_CLIENT_IDENTITY,
	MS_HS_CLIENT_VERIFY, MS_HS_CLIENT_FINISHED, MS_HS_AUTH_RESULT
};
static const enum ms_hs_msg_id without_cert[] = {
	MS_HS_CLIENT_HELLO, MS_HS_SERVER_HELLO, MS_HS_SERVER_VERIFY,
	MS_HS_SERVER_FINISHED, MS_HS_CLIENT_IDENTITY, MS_HS_CLIENT_VERIFY,
	MS_HS_CLIENT_FINISHED, MS_HS_AUTH_RESULT
};
static const enum ms_hs_msg_id with_ticket[] = {
	MS_HS_CLIENT_HELLO, MS_HS_SERVER_HELLO, MS_HS_SERVER_VERIFY,
	MS_HS_SERVER_FINISHED, MS_HS_CLIENT_IDENTITY, MS_HS_CLIENT_VERIFY,
	MS_HS_CLIENT_FINISHED, MS_HS_NEW_TICKET, MS_HS_AUTH_RESULT
};
/* Resumed (4.5): RESUME_VERIFY in place of the client's proof. */
static const enum ms_hs_msg_id resumed[] = {
	MS_HS_CLIENT_HELLO, MS_HS_SERVER_HELLO, MS_HS_SERVER_CERTIFICATE,
	MS_HS_SERVER_VERIFY, MS_HS_SERVER_FINISHED, MS_HS_RESUME_VERIFY,
	MS_HS_CLIENT_FINISHED, MS_HS_NEW_TICKET, MS_HS_AUTH_RESULT
};
static const enum ms_hs_msg_id resumed_no_ticket[] = {
	MS_HS_CLIENT_HELLO, MS_HS_SERVER_HELLO, MS_HS_SERVER_VERIFY,
	MS_HS_SERVER_FINISHED, MS_HS_RESUME_VERIFY, MS_HS_CLIENT_FINISHED,
	MS_HS_AUTH_RESULT
};

/* The table is PROTOCOL.md 3 and 4.3, row by row. */
static void
test_table(void **state)
{
	static const struct {
		uint8_t		type;
		enum ms_hs_side	from;
		enum ms_hs_epoch epoch;
		unsigned int	flags;
		size_t		max;
	} want[MS_HS_NMSGS] = {
		{ 0x01, MS_HS_CLIENT, MS_HS_CLEAR, MS_HSF_TRANSCRIPT,
		    MS_FRAME_MAX },
		{ 0x02, MS_HS_SERVER, MS_HS_CLEAR, MS_HSF_TRANSCRIPT,
		    MS_FRAME_MAX },
		{ 0x04, MS_HS_SERVER, MS_HS_KEYS_HS, MS_HSF_TRANSCRIPT |
		    MS_HSF_AUTH_TAIL | MS_HSF_OPTIONAL, 1 + 8 * (4 + 16384) },
		{ 0x05, MS_HS_SERVER, MS_HS_KEYS_HS, MS_HSF_TRANSCRIPT |
		    MS_HSF_AUTH_TAIL, 2 + 4 + 64 },
		{ 0x06, MS_HS_SERVER, MS_HS_KEYS_HS, MS_HSF_TRANSCRIPT |
		    MS_HSF_AUTH_TAIL, 4 + 32 },
		{ 0x07, MS_HS_CLIENT, MS_HS_KEYS_HS, MS_HSF_TRANSCRIPT |
		    MS_HSF_AUTH_TAIL | MS_HSF_FULL, 65536 - 5 },
		{ 0x08, MS_HS_CLIENT, MS_HS_KEYS_HS, MS_HSF_TRANSCRIPT |
		    MS_HSF_FULL, 2 + 4 + 1024 },
		{ 0x0C, MS_HS_CLIENT, MS_HS_KEYS_HS, MS_HSF_TRANSCRIPT |
		    MS_HSF_RESUMED, 4 + 32 },
		{ 0x09, MS_HS_CLIENT, MS_HS_KEYS_HS, MS_HSF_TRANSCRIPT, 1024 },
		{ 0x0B, MS_HS_SERVER, MS_HS_KEYS_AP, MS_HSF_OPTIONAL,
		    4 + 4 + 8192 },
		{ 0x0A, MS_HS_SERVER, MS_HS_KEYS_AP, 0, 4 },
	};
	const struct ms_hs_msg *m;
	size_t i, tail = 0;

	(void)state;
	for (i = 0; i < MS_HS_NMSGS; i++) {
		assert_non_null(m = ms_hs_msg((enum ms_hs_msg_id)i));
		assert_int_equal(m->id, i);
		assert_int_equal(m->type, want[i].type);
		assert_int_equal(m->from, want[i].from);
		assert_int_equal(m->epoch, want[i].epoch);
		assert_int_equal(m->flags, want[i].flags);
		assert_int_equal(m->max, want[i].max);
		assert_non_null(m->name);
		/* Keys only move forward. */
		if (i > 0)
			assert_true(m->epoch >= ms_hs_msg(i - 1)->epoch);
		if (m->flags & MS_HSF_AUTH_TAIL)
			tail += 5 + m->max;
	}
	assert_string_equal(ms_hs_msg(MS_HS_CLIENT_IDENTITY)->name,
	    "CLIENT_IDENTITY");
	/* The server's own SERVER_CERTIFICATE is capped lower, by HELLO. */
	assert_true(MS_SERVER_CERT_MSG_MAX - 5 <=
	    ms_hs_msg(MS_HS_SERVER_CERTIFICATE)->max);
	assert_true(tail - ms_hs_msg(MS_HS_SERVER_CERTIFICATE)->max +
	    MS_SERVER_CERT_MSG_MAX - 5 <= MS_AUTH_TAIL_MAX);
	assert_null(ms_hs_msg(MS_HS_NMSGS));
	assert_null(ms_hs_msg((enum ms_hs_msg_id)-1));
}

/*
 * The next row of the side whose turn it is: a receiver whose sender has
 * left out an optional row is still before it.
 */
static const struct ms_hs_msg *
turn(struct ms_hs_order *c, struct ms_hs_order *s, struct ms_hs_order **sndp,
    struct ms_hs_order **rcvp)
{
	const struct ms_hs_msg *m;

	if ((m = ms_hs_order_next(c)) == NULL) {
		assert_true(ms_hs_order_done(s));
		return NULL;
	}
	if (m->from != MS_HS_CLIENT)
		assert_non_null(m = ms_hs_order_next(s));
	*sndp = m->from == MS_HS_CLIENT ? c : s;
	*rcvp = *sndp == c ? s : c;
	assert_int_equal(m->from, (*sndp)->side);
	/* Both switch to the keys it needs. */
	if (m->epoch != c->epoch) {
		assert_int_equal(ms_hs_order_keys(c, m->epoch), 0);
		assert_int_equal(ms_hs_order_keys(s, m->epoch), 0);
	}
	assert_int_equal(s->epoch, m->epoch);
	return m;
}

/*
 * Both sides walk one legal sequence in lockstep: the sender sends (or
 * leaves out) the next row, the receiver takes it at its largest size.
 */
static void
walk(const enum ms_hs_msg_id *seq, size_t n, int resume)
{
	struct ms_hs_order c, s, *snd, *rcv;
	const struct ms_hs_msg *m, *got;
	size_t k = 0;

	ms_hs_order_init(&c, MS_HS_CLIENT);
	ms_hs_order_init(&s, MS_HS_SERVER);
	/* The client decides before it sends, the server once it took it. */
	if (resume)
		assert_int_equal(ms_hs_order_resume(&c), 0);
	while ((m = turn(&c, &s, &snd, &rcv)) != NULL) {
		if (resume && k == 1) {
			assert_int_equal(ms_hs_order_resume(&s), 0);
			/* Once only, and never later. */
			assert_int_equal(ms_hs_order_resume(&s),
			    MS_ERR_INTERNAL);
			m = ms_hs_order_next(&c);
		}
		assert_true(k < n);
		if (seq[k] != m->id) {
			/* Left out: only an optional row, by its sender. */
			assert_true(m->flags & MS_HSF_OPTIONAL);
			assert_int_equal(ms_hs_order_skip(rcv),
			    MS_HS_WRONG_SIDE);
			assert_int_equal(ms_hs_order_skip(snd), 0);
			continue;
		}
		assert_int_equal(ms_hs_order_send(snd, m->id), 0);
		assert_int_equal(ms_hs_order_recv(rcv, m->epoch, m->type,
		    m->max, &got), 0);
		assert_ptr_equal(got, m);
		k++;
	}
	assert_int_equal(k, n);
	assert_true(ms_hs_order_done(&c));
	assert_true(ms_hs_order_done(&s));
	assert_int_equal(c.epoch, MS_HS_KEYS_AP);
	assert_int_equal(s.epoch, MS_HS_KEYS_AP);
	assert_int_equal(ms_hs_order_send(&s, MS_HS_AUTH_RESULT),
	    MS_HS_COMPLETE);
	assert_int_equal(ms_hs_order_skip(&c), MS_HS_COMPLETE);
}

static void
test_legal_sequences(void **state)
{
	(void)state;
	walk(with_cert, sizeof(with_cert) / sizeof(with_cert[0]), 0);
	walk(without_cert, sizeof(without_cert) / sizeof(without_cert[0]), 0);
	walk(with_ticket, sizeof(with_ticket) / sizeof(with_ticket[0]), 0);
	walk(resumed, sizeof(resumed) / sizeof(resumed[0]), 1);
	walk(resumed_no_ticket, sizeof(resumed_no_ticket) /
	    sizeof(resumed_no_ticket[0]), 1);
}

/*
 * A receiver that leaves out nothing: its sender skipped SERVER_CERTIFICATE,
 * and SERVER_VERIFY is taken where SERVER_CERTIFICATE was due.
 */
static void
test_optional_received(void **state)
{
	struct ms_hs_order c;
	const struct ms_hs_msg *got;
	char buf[64];

	(void)state;
	ms_hs_order_init(&c, MS_HS_CLIENT);
	ms_hs_order_expected(&c, buf, sizeof(buf));
	assert_string_equal(buf, "nothing");		/* the client's turn */
	assert_int_equal(ms_hs_order_send(&c, MS_HS_CLIENT_HELLO), 0);
	ms_hs_order_expected(&c, buf, sizeof(buf));
	assert_string_equal(buf, "SERVER_HELLO");
	assert_int_equal(ms_hs_order_recv(&c, MS_HS_CLEAR,
	    MS_FRAME_SERVER_HELLO, 100, &got), 0);
	assert_int_equal(ms_hs_order_keys(&c, MS_HS_KEYS_HS), 0);
	ms_hs_order_expected(&c, buf, sizeof(buf));
	assert_string_equal(buf, "SERVER_CERTIFICATE or SERVER_VERIFY");
	/* SERVER_FINISHED is not due: only optional rows may be passed. */
	assert_int_equal(ms_hs_order_recv(&c, MS_HS_KEYS_HS,
	    MS_MSG_SERVER_FINISHED, 36, &got), MS_HS_OUT_OF_ORDER);
	assert_null(got);
	assert_int_equal(ms_hs_order_recv(&c, MS_HS_KEYS_HS,
	    MS_MSG_SERVER_VERIFY, 70, &got), 0);
	assert_int_equal(got->id, MS_HS_SERVER_VERIFY);
	/* Once passed, the certificate is out of order. */
	assert_int_equal(ms_hs_order_recv(&c, MS_HS_KEYS_HS,
	    MS_MSG_SERVER_CERTIFICATE, 100, &got), MS_HS_OUT_OF_ORDER);
	ms_hs_order_expected(&c, buf, sizeof(buf));
	assert_string_equal(buf, "SERVER_FINISHED");
	/* A short buffer still ends in NUL. */
	ms_hs_order_expected(&c, buf, 4);
	assert_string_equal(buf, "SER");
}

static int
is_due(const struct ms_hs_order *o, const struct ms_hs_msg *m)
{
	const struct ms_hs_msg *n;
	enum ms_hs_msg_id i;

	for (i = o->next; (n = ms_hs_msg(i)) != NULL; i++) {
		/* The other shape's rows are not there at all. */
		if ((n->flags & MS_HSF_FULL) ? o->resume :
		    (n->flags & MS_HSF_RESUMED) ? !o->resume : 0)
			continue;
		if (n->from == o->side)
			return 0;
		if (n == m)
			return 1;
		if ((n->flags & MS_HSF_OPTIONAL) == 0)
			return 0;
	}
	return 0;
}

/*
 * Every message a receiver may be sent at this point, under every key
 * epoch: only a due message under its own keys within its cap is taken,
 * each other one is refused for its reason and leaves the cursor as it
 * was.
 */
static void
refusals_at(const struct ms_hs_order *at)
{
	struct ms_hs_order o;
	const struct ms_hs_msg *m, *got;
	enum ms_hs_epoch e;
	size_t i;
	int v, want;

	for (i = 0; i < MS_HS_NMSGS; i++) {
		m = ms_hs_msg((enum ms_hs_msg_id)i);
		for (e = MS_HS_CLEAR; e <= MS_HS_KEYS_AP; e++) {
			o = *at;
			v = ms_hs_order_recv(&o, e, m->type, 1, &got);
			if (ms_hs_order_done(at))
				want = MS_HS_COMPLETE;
			else if (m->from == at->side)
				want = MS_HS_WRONG_SIDE;
			else if (!is_due(at, m))
				want = MS_HS_OUT_OF_ORDER;
			else if (e != m->epoch || e != at->epoch)
				want = MS_HS_WRONG_KEYS;
			else
				want = 0;
			assert_int_equal(v, want);
			if (v != 0) {
				assert_null(got);
				assert_memory_equal(&o, at, sizeof(o));
				continue;
			}
			assert_ptr_equal(got, m);
			/* One byte above its cap is too large. */
			o = *at;
			assert_int_equal(ms_hs_order_recv(&o, e, m->type,
			    m->max + 1, &got), MS_HS_OVERSIZED);
			assert_memory_equal(&o, at, sizeof(o));
		}
	}
	for (i = 0; i < sizeof(other_types); i++) {
		for (e = MS_HS_CLEAR; e <= MS_HS_KEYS_AP; e++) {
			o = *at;
			assert_int_equal(ms_hs_order_recv(&o, e, other_types[i],
			    0, &got), ms_hs_order_done(at) ? MS_HS_COMPLETE :
			    MS_HS_NOT_HANDSHAKE);
			assert_memory_equal(&o, at, sizeof(o));
		}
	}
}

/* refusals_at each point of a legal walk, for both sides. */
static void
refusals_along(const enum ms_hs_msg_id *seq, size_t n)
{
	struct ms_hs_order c, s, *snd, *rcv;
	const struct ms_hs_msg *m, *got;
	size_t k = 0;

	ms_hs_order_init(&c, MS_HS_CLIENT);
	ms_hs_order_init(&s, MS_HS_SERVER);
	for (;;) {
		refusals_at(&c);
		refusals_at(&s);
		if ((m = turn(&c, &s, &snd, &rcv)) == NULL)
			break;
		refusals_at(&c);
		refusals_at(&s);
		if (seq[k] != m->id) {
			assert_int_equal(ms_hs_order_skip(snd), 0);
			continue;
		}
		assert_int_equal(ms_hs_order_send(snd, m->id), 0);
		assert_int_equal(ms_hs_order_recv(rcv, m->epoch, m->type, 0,
		    &got), 0);
		k++;
	}
	assert_int_equal(k, n);
}

static void
test_refusals(void **state)
{
	(void)state;
	refusals_along(with_cert, sizeof(with_cert) / sizeof(with_cert[0]));
	refusals_along(without_cert,
	    sizeof(without_cert) / sizeof(without_cert[0]));
}

/* The named attacks, one by one, against the worker's and the client's walk. */
static void
test_attacks(void **state)
{
	struct ms_hs_order s, c;
	const struct ms_hs_msg *got;

	(void)state;
	/* Worker: a record first, or the client's second message first. */
	ms_hs_order_init(&s, MS_HS_SERVER);
	assert_int_equal(ms_hs_order_recv(&s, MS_HS_CLEAR, MS_FRAME_RECORD,
	    10, &got), MS_HS_NOT_HANDSHAKE);
	assert_int_equal(ms_hs_order_recv(&s, MS_HS_CLEAR,
	    MS_MSG_CLIENT_IDENTITY, 10, &got), MS_HS_OUT_OF_ORDER);
	/* A SERVER_HELLO sent to the server. */
	assert_int_equal(ms_hs_order_recv(&s, MS_HS_CLEAR,
	    MS_FRAME_SERVER_HELLO, 10, &got), MS_HS_WRONG_SIDE);
	assert_int_equal(ms_hs_order_recv(&s, MS_HS_CLEAR,
	    MS_FRAME_CLIENT_HELLO, 169, &got), 0);
	/* It is the server's turn: nothing from the client is due. */
	assert_int_equal(ms_hs_order_recv(&s, MS_HS_CLEAR,
	    MS_FRAME_CLIENT_HELLO, 169, &got), MS_HS_OUT_OF_ORDER);
	assert_int_equal(ms_hs_order_send(&s, MS_HS_SERVER_VERIFY),
	    MS_HS_OUT_OF_ORDER);
	assert_int_equal(ms_hs_order_send(&s, MS_HS_SERVER_HELLO), 0);
	/* Under handshake keys before they exist. */
	assert_int_equal(ms_hs_order_send(&s, MS_HS_SERVER_VERIFY),
	    MS_HS_OUT_OF_ORDER);
	assert_int_equal(ms_hs_order_skip(&s), 0);
	assert_int_equal(ms_hs_order_send(&s, MS_HS_SERVER_VERIFY),
	    MS_HS_WRONG_KEYS);
	assert_int_equal(ms_hs_order_keys(&s, MS_HS_KEYS_AP), MS_ERR_INTERNAL);
	assert_int_equal(ms_hs_order_keys(&s, MS_HS_CLEAR), MS_ERR_INTERNAL);
	assert_int_equal(ms_hs_order_keys(&s, MS_HS_KEYS_HS), 0);
	assert_int_equal(ms_hs_order_keys(&s, MS_HS_KEYS_HS), MS_ERR_INTERNAL);
	/* SERVER_VERIFY cannot be left out. */
	assert_int_equal(ms_hs_order_skip(&s), MS_HS_OUT_OF_ORDER);
	assert_int_equal(ms_hs_order_send(&s, MS_HS_SERVER_VERIFY), 0);
	assert_int_equal(ms_hs_order_send(&s, MS_HS_SERVER_FINISHED), 0);
	assert_int_equal(ms_hs_order_send(&s, MS_HS_CLIENT_IDENTITY),
	    MS_HS_WRONG_SIDE);
	/* A request under handshake keys instead of CLIENT_IDENTITY. */
	assert_int_equal(ms_hs_order_recv(&s, MS_HS_KEYS_HS, MS_MSG_STATUS,
	    4, &got), MS_HS_NOT_HANDSHAKE);
	/* CLIENT_IDENTITY in clear, then skipping to CLIENT_FINISHED. */
	assert_int_equal(ms_hs_order_recv(&s, MS_HS_CLEAR,
	    MS_MSG_CLIENT_IDENTITY, 40, &got), MS_HS_WRONG_KEYS);
	assert_int_equal(ms_hs_order_recv(&s, MS_HS_KEYS_HS,
	    MS_MSG_CLIENT_FINISHED, 36, &got), MS_HS_OUT_OF_ORDER);
	assert_int_equal(ms_hs_order_recv(&s, MS_HS_KEYS_HS,
	    MS_MSG_CLIENT_IDENTITY, 65531, &got), 0);
	/* The same message twice. */
	assert_int_equal(ms_hs_order_recv(&s, MS_HS_KEYS_HS,
	    MS_MSG_CLIENT_IDENTITY, 40, &got), MS_HS_OUT_OF_ORDER);
	assert_int_equal(ms_hs_order_recv(&s, MS_HS_KEYS_HS,
	    MS_MSG_CLIENT_VERIFY, 1031, &got), MS_HS_OVERSIZED);
	assert_int_equal(ms_hs_order_recv(&s, MS_HS_KEYS_HS,
	    MS_MSG_CLIENT_VERIFY, 1030, &got), 0);
	assert_int_equal(ms_hs_order_recv(&s, MS_HS_KEYS_HS,
	    MS_MSG_CLIENT_FINISHED, 1025, &got), MS_HS_OVERSIZED);
	assert_int_equal(ms_hs_order_recv(&s, MS_HS_KEYS_HS,
	    MS_MSG_CLIENT_FINISHED, 36, &got), 0);
	/* NEW_TICKET is due first; left out, AUTH_RESULT needs its keys. */
	assert_int_equal(ms_hs_order_send(&s, MS_HS_AUTH_RESULT),
	    MS_HS_OUT_OF_ORDER);
	assert_int_equal(ms_hs_order_skip(&s), 0);
	assert_int_equal(ms_hs_order_send(&s, MS_HS_AUTH_RESULT),
	    MS_HS_WRONG_KEYS);
	assert_int_equal(ms_hs_order_keys(&s, MS_HS_KEYS_AP), 0);
	assert_int_equal(ms_hs_order_send(&s, MS_HS_AUTH_RESULT), 0);
	assert_true(ms_hs_order_done(&s));

	/* Client: SERVER_FINISHED before SERVER_VERIFY, AUTH_RESULT early. */
	ms_hs_order_init(&c, MS_HS_CLIENT);
	assert_int_equal(ms_hs_order_recv(&c, MS_HS_CLEAR,
	    MS_FRAME_SERVER_HELLO, 10, &got), MS_HS_OUT_OF_ORDER);
	assert_int_equal(ms_hs_order_send(&c, MS_HS_CLIENT_HELLO), 0);
	assert_int_equal(ms_hs_order_recv(&c, MS_HS_CLEAR,
	    MS_FRAME_SERVER_HELLO, 10, &got), 0);
	/* A record where the keys have not been switched. */
	assert_int_equal(ms_hs_order_recv(&c, MS_HS_CLEAR,
	    MS_MSG_SERVER_VERIFY, 70, &got), MS_HS_WRONG_KEYS);
	assert_int_equal(ms_hs_order_keys(&c, MS_HS_KEYS_HS), 0);
	assert_int_equal(ms_hs_order_recv(&c, MS_HS_KEYS_HS,
	    MS_MSG_AUTH_RESULT, 4, &got), MS_HS_OUT_OF_ORDER);
	assert_int_equal(ms_hs_order_recv(&c, MS_HS_KEYS_HS,
	    MS_MSG_SERVER_CERTIFICATE, 131105 + 1, &got), MS_HS_OVERSIZED);
	assert_int_equal(ms_hs_order_recv(&c, MS_HS_KEYS_HS,
	    MS_MSG_SERVER_VERIFY, 71, &got), MS_HS_OVERSIZED);
	assert_int_equal(ms_hs_order_recv(&c, MS_HS_KEYS_HS,
	    MS_MSG_SERVER_VERIFY, 70, &got), 0);
	assert_int_equal(ms_hs_order_recv(&c, MS_HS_KEYS_HS,
	    MS_MSG_CLIENT_VERIFY, 70, &got), MS_HS_WRONG_SIDE);
	assert_int_equal(ms_hs_order_recv(&c, MS_HS_KEYS_HS,
	    MS_MSG_SERVER_FINISHED, 36, &got), 0);
	/* The client's turn; the server has nothing to say now. */
	assert_int_equal(ms_hs_order_recv(&c, MS_HS_KEYS_HS,
	    MS_MSG_AUTH_RESULT, 4, &got), MS_HS_OUT_OF_ORDER);
	assert_int_equal(ms_hs_order_send(&c, MS_HS_CLIENT_VERIFY),
	    MS_HS_OUT_OF_ORDER);
}

/* ---------------------------------------------------------------- */
/* ms_hs_walk with a scripted peer                                   */

#define REFUSED		(-100)	/* what the mock's refuse returns */
#define BUILD_FAILED	(-101)

struct script_msg {
	uint8_t	type;
	size_t	len;
};

struct mock {
	struct ms_hs_order	 order;
	struct ms_transcript	*t, *ref;	/* the walk's; ours, alike */
	struct msbuf		*tail, *out, *in;
	const struct script_msg	*script;	/* what the peer sends */
	size_t			 nscript, pos;
	uint8_t			 sent[MS_HS_NMSGS];
	size_t			 nsent;
	enum ms_hs_epoch	 keys[4];
	size_t			 nkeys;
	int			 with_cert, fail_build_of;
	uint8_t			 refused_type;
	int			 refused_verdict, takes;
};

/* th must be TH of what came before; then the message joins ours. */
static void
mock_th(struct mock *k, const struct ms_hs_msg *m, const u_char *th,
    const struct msbuf *body)
{
	u_char want[MS_SHA256_LEN];

	assert_int_equal(ms_transcript_hash(k->ref, want), 0);
	assert_memory_equal(th, want, sizeof(want));
	if (m != NULL && (m->flags & MS_HSF_TRANSCRIPT))
		assert_int_equal(ms_transcript_add(k->ref, m->type,
		    msbuf_ptr(body), msbuf_len(body)), 0);
}

static int
mock_keys(void *arg, enum ms_hs_epoch epoch, const u_char th[MS_SHA256_LEN])
{
	struct mock *k = arg;

	mock_th(k, NULL, th, NULL);
	assert_true(k->nkeys < 4);
	k->keys[k->nkeys++] = epoch;
	return 0;
}

static int
mock_build(void *arg, const struct ms_hs_msg *m,
    const u_char th[MS_SHA256_LEN], struct msbuf *body)
{
	struct mock *k = arg;

	assert_int_equal(m->from, k->order.side);
	assert_int_equal(msbuf_len(body), 0);
	if (m->id == MS_HS_SERVER_CERTIFICATE && !k->with_cert)
		return MS_HS_LEFT_OUT;
	if (m->id == MS_HS_NEW_TICKET)
		return MS_HS_LEFT_OUT;
	if ((int)m->id == k->fail_build_of)
		return BUILD_FAILED;
	assert_int_equal(msbuf_put_u8(body, m->type), 0);
	assert_int_equal(msbuf_put_u8(body, 0x5a), 0);
	mock_th(k, m, th, body);
	return 0;
}

static int
mock_send(void *arg, const struct ms_hs_msg *m, const struct msbuf *body)
{
	struct mock *k = arg;

	assert_int_equal(msbuf_len(body), 2);
	assert_int_equal(msbuf_ptr(body)[0], m->type);
	k->sent[k->nsent++] = m->type;
	return 0;
}

static int
mock_read(void *arg, enum ms_hs_epoch epoch, uint8_t *typep,
    struct msbuf **bodyp)
{
	struct mock *k = arg;
	size_t i;

	assert_int_equal(epoch, k->order.epoch);
	if (k->pos == k->nscript)
		return MS_ERR_CONN_CLOSED;
	msbuf_reset(k->in);
	for (i = 0; i < k->script[k->pos].len; i++)
		assert_int_equal(msbuf_put_u8(k->in, (uint8_t)i), 0);
	*typep = k->script[k->pos++].type;
	*bodyp = k->in;
	return 0;
}

static int
mock_refuse(void *arg, const struct ms_hs_order *o, uint8_t type,
    int verdict)
{
	struct mock *k = arg;

	assert_ptr_equal(o, &k->order);
	k->refused_type = type;
	k->refused_verdict = verdict;
	return REFUSED;
}

static int
mock_take(void *arg, const struct ms_hs_msg *m,
    const u_char th[MS_SHA256_LEN], struct msbuf *body)
{
	struct mock *k = arg;

	assert_int_not_equal(m->from, k->order.side);
	assert_int_equal(m->type, k->script[k->pos - 1].type);
	mock_th(k, m, th, body);
	k->takes++;
	/* A taker may consume: the transcript has what it needs. */
	return msbuf_consume(body, msbuf_len(body));
}

static int
mock_fail(void *arg, int r, const char *what)
{
	fail_msg("walk failed: %s (%d)", what, r);
	return r;
}

static const struct ms_hs_ops mock_ops = {
	mock_keys, mock_build, mock_send, mock_read, mock_refuse, mock_take,
	mock_fail
};

static void
mock_init(struct mock *k, enum ms_hs_side side, const struct script_msg *sc,
    size_t n)
{
	memset(k, 0, sizeof(*k));
	ms_hs_order_init(&k->order, side);
	assert_non_null(k->t = ms_transcript_new());
	assert_non_null(k->ref = ms_transcript_new());
	assert_non_null(k->tail = msbuf_new(MS_AUTH_TAIL_MAX));
	assert_non_null(k->out = msbuf_new(MS_FRAME_MAX));
	assert_non_null(k->in = msbuf_new(MS_FRAME_MAX));
	k->script = sc;
	k->nscript = n;
	k->fail_build_of = -1;
}

static int
mock_walk(struct mock *k, enum ms_hs_msg_id stop)
{
	struct ms_hs_walk wk;

	memset(&wk, 0, sizeof(wk));
	wk.order = &k->order;
	wk.t = k->t;
	wk.tail = k->order.side == MS_HS_SERVER ? k->tail : NULL;
	wk.out = k->out;
	wk.ops = &mock_ops;
	wk.arg = k;
	return ms_hs_walk(&wk, stop);
}

static void
mock_free(struct mock *k)
{
	ms_transcript_free(k->t);
	ms_transcript_free(k->ref);
	msbuf_free(k->tail);
	msbuf_free(k->out);
	msbuf_free(k->in);
}

/* The AUTH tail holds these canonical messages, in order, and no more. */
static void
expect_tail(struct mock *k, const uint8_t *types, size_t n)
{
	struct msbuf *b;
	size_t i;

	for (i = 0; i < n; i++) {
		assert_int_equal(ms_canonical_get(k->tail, types[i],
		    MS_FRAME_MAX, &b), 0);
		msbuf_free(b);
	}
	assert_int_equal(msbuf_len(k->tail), 0);
}

static const struct script_msg client_flight[] = {
	{ MS_FRAME_CLIENT_HELLO, 169 }, { MS_MSG_CLIENT_IDENTITY, 40 },
	{ MS_MSG_CLIENT_VERIFY, 70 }, { MS_MSG_CLIENT_FINISHED, 36 },
};

static void
test_walk_server(void **state)
{
	static const uint8_t sent[] = { MS_FRAME_SERVER_HELLO,
	    MS_MSG_SERVER_CERTIFICATE, MS_MSG_SERVER_VERIFY,
	    MS_MSG_SERVER_FINISHED, MS_MSG_AUTH_RESULT };
	static const uint8_t tail[] = { MS_MSG_SERVER_CERTIFICATE,
	    MS_MSG_SERVER_VERIFY, MS_MSG_SERVER_FINISHED,
	    MS_MSG_CLIENT_IDENTITY };
	struct mock k;
	int cert;

	(void)state;
	for (cert = 0; cert <= 1; cert++) {
		mock_init(&k, MS_HS_SERVER, client_flight, 4);
		k.with_cert = cert;
		assert_int_equal(mock_walk(&k, MS_HS_NMSGS), 0);
		assert_true(ms_hs_order_done(&k.order));
		assert_int_equal(k.takes, 4);
		assert_int_equal(k.nkeys, 2);
		assert_int_equal(k.keys[0], MS_HS_KEYS_HS);
		assert_int_equal(k.keys[1], MS_HS_KEYS_AP);
		if (cert) {
			assert_int_equal(k.nsent, 5);
			assert_memory_equal(k.sent, sent, 5);
			expect_tail(&k, tail, 4);
		} else {
			assert_int_equal(k.nsent, 4);
			assert_int_equal(k.sent[0], sent[0]);
			assert_memory_equal(k.sent + 1, sent + 2, 3);
			expect_tail(&k, tail + 1, 3);
		}
		/* Nothing more to walk. */
		assert_int_equal(mock_walk(&k, MS_HS_NMSGS), 0);
		mock_free(&k);
	}
}

static void
test_walk_client(void **state)
{
	static const struct script_msg server_flight[] = {
		{ MS_FRAME_SERVER_HELLO, 170 }, { MS_MSG_SERVER_VERIFY, 70 },
		{ MS_MSG_SERVER_FINISHED, 36 }, { MS_MSG_AUTH_RESULT, 4 },
	};
	static const uint8_t sent[] = { MS_FRAME_CLIENT_HELLO,
	    MS_MSG_CLIENT_IDENTITY, MS_MSG_CLIENT_VERIFY,
	    MS_MSG_CLIENT_FINISHED };
	struct mock k;

	(void)state;
	mock_init(&k, MS_HS_CLIENT, server_flight, 4);
	/* metasafe_connect's part: up to CLIENT_IDENTITY. */
	assert_int_equal(mock_walk(&k, MS_HS_CLIENT_IDENTITY), 0);
	assert_int_equal(ms_hs_order_next(&k.order)->id,
	    MS_HS_CLIENT_IDENTITY);
	assert_int_equal(k.nsent, 1);
	assert_int_equal(k.takes, 3);
	assert_int_equal(k.nkeys, 1);
	/* metasafe_authenticate's: the rest. */
	assert_int_equal(mock_walk(&k, MS_HS_NMSGS), 0);
	assert_true(ms_hs_order_done(&k.order));
	assert_int_equal(k.nsent, 4);
	assert_memory_equal(k.sent, sent, 4);
	assert_int_equal(k.takes, 4);
	assert_int_equal(k.nkeys, 2);
	assert_int_equal(k.keys[1], MS_HS_KEYS_AP);
	mock_free(&k);
}

static void
test_walk_refusals(void **state)
{
	static const struct script_msg skip_identity[] = {
		{ MS_FRAME_CLIENT_HELLO, 169 }, { MS_MSG_CLIENT_VERIFY, 70 },
	};
	static const struct script_msg big_verify[] = {
		{ MS_FRAME_CLIENT_HELLO, 169 }, { MS_MSG_CLIENT_IDENTITY, 40 },
		{ MS_MSG_CLIENT_VERIFY, 2 + 4 + 1024 + 1 },
	};
	static const struct script_msg request_first[] = {
		{ MS_MSG_STATUS, 4 },
	};
	struct mock k;

	(void)state;
	/* Out of order: refused, nothing taken, nothing more sent. */
	mock_init(&k, MS_HS_SERVER, skip_identity, 2);
	assert_int_equal(mock_walk(&k, MS_HS_NMSGS), REFUSED);
	assert_int_equal(k.refused_type, MS_MSG_CLIENT_VERIFY);
	assert_int_equal(k.refused_verdict, MS_HS_OUT_OF_ORDER);
	assert_int_equal(k.takes, 1);
	assert_int_equal(k.nsent, 3);
	assert_int_equal(k.nkeys, 1);
	assert_int_equal(ms_hs_order_next(&k.order)->id,
	    MS_HS_CLIENT_IDENTITY);
	mock_free(&k);
	/* Too large: refused before it is taken. */
	mock_init(&k, MS_HS_SERVER, big_verify, 3);
	assert_int_equal(mock_walk(&k, MS_HS_NMSGS), REFUSED);
	assert_int_equal(k.refused_verdict, MS_HS_OVERSIZED);
	assert_int_equal(k.takes, 2);
	mock_free(&k);
	/* Not a handshake message. */
	mock_init(&k, MS_HS_SERVER, request_first, 1);
	assert_int_equal(mock_walk(&k, MS_HS_NMSGS), REFUSED);
	assert_int_equal(k.refused_verdict, MS_HS_NOT_HANDSHAKE);
	assert_int_equal(k.nsent, 0);
	mock_free(&k);
	/* The peer goes away: the read's error ends the walk. */
	mock_init(&k, MS_HS_SERVER, client_flight, 2);
	assert_int_equal(mock_walk(&k, MS_HS_NMSGS), MS_ERR_CONN_CLOSED);
	assert_int_equal(k.takes, 2);
	mock_free(&k);
	/* A handler's error ends it too, before anything is sent. */
	mock_init(&k, MS_HS_SERVER, client_flight, 4);
	k.fail_build_of = MS_HS_SERVER_VERIFY;
	assert_int_equal(mock_walk(&k, MS_HS_NMSGS), BUILD_FAILED);
	assert_int_equal(k.nsent, 1);
	assert_int_equal(ms_hs_order_next(&k.order)->id, MS_HS_SERVER_VERIFY);
	mock_free(&k);
}

static void
test_verdict_str(void **state)
{
	int v;

	(void)state;
	for (v = 0; v <= MS_HS_COMPLETE; v++)
		assert_string_not_equal(ms_hs_verdict_str(v), "unknown verdict");
	assert_string_equal(ms_hs_verdict_str(MS_HS_COMPLETE + 1),
	    "unknown verdict");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_legal_sequences),
		cmocka_unit_test(test_optional_received),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_attacks),
		cmocka_unit_test(test_walk_server),
		cmocka_unit_test(test_walk_client),
		cmocka_unit_test(test_walk_refusals),
		cmocka_unit_test(test_verdict_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
