/*
 * test_hs_order.c — the handshake order table and its cursor
 * (common/hs_order.c, PROTOCOL.md 3 and 4.3): both sides walking it
 * accept exactly the legal sequences, with and without
 * SERVER_CERTIFICATE, and refuse every message out of order, from the
 * wrong side, under the wrong keys, too large, or after the end.
 */
#include <sys/types.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "errors.h"
#include "hs_order.h"
#include "mslimits.h"
#include "proto.h"

/* Types that are no handshake message, in clear or in a record. */
static const uint8_t other_types[] = {
	0x00, MS_FRAME_ALERT, MS_FRAME_RECORD, 0x03, 0x0B, MS_MSG_OPEN,
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
		    MS_HSF_AUTH_TAIL, 65536 - 5 },
		{ 0x08, MS_HS_CLIENT, MS_HS_KEYS_HS, MS_HSF_TRANSCRIPT,
		    2 + 4 + 1024 },
		{ 0x09, MS_HS_CLIENT, MS_HS_KEYS_HS, MS_HSF_TRANSCRIPT, 1024 },
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
walk(const enum ms_hs_msg_id *seq, size_t n)
{
	struct ms_hs_order c, s, *snd, *rcv;
	const struct ms_hs_msg *m, *got;
	size_t k = 0;

	ms_hs_order_init(&c, MS_HS_CLIENT);
	ms_hs_order_init(&s, MS_HS_SERVER);
	while ((m = turn(&c, &s, &snd, &rcv)) != NULL) {
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
	walk(with_cert, sizeof(with_cert) / sizeof(with_cert[0]));
	walk(without_cert, sizeof(without_cert) / sizeof(without_cert[0]));
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
	/* AUTH_RESULT needs the application keys. */
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
		cmocka_unit_test(test_verdict_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
