/*
 * test_tickets.c — monitor/tickets.c: a sealed ticket opens only under
 * its key, only unchanged, only within its lifetime, and only once; keys
 * rotate after TicketKeyRotation and are dropped once their last ticket
 * has expired; another instance's tickets never open.
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
#include "mslimits.h"
#include "proto.h"
#include "tickets.h"

#define T0	1767225600

static const u_char identity[] = { 1, 0, 0, 0, 4, 'k', 'e', 'y', '!' };

static void
claims(struct ms_ticket_claims *c)
{
	memset(c, 0, sizeof(*c));
	c->cipher = MS_CIPHER_AES256_GCM;
	memset(c->res, 0x5a, sizeof(c->res));
	strlcpy(c->principal, "alice", sizeof(c->principal));
	c->id_type = MS_ID_RAW_ED25519;
	c->identity = identity;
	c->identity_len = sizeof(identity);
}

static struct msbuf *
seal(struct ms_tickets *t, time_t now, struct ms_ticket_claims *c)
{
	struct msbuf *b;

	assert_non_null(b = msbuf_new(MS_TICKET_MAX));
	claims(c);
	assert_int_equal(ms_tickets_seal(t, now, c, b), 0);
	return b;
}

static int
open_at(struct ms_tickets *t, time_t now, const struct msbuf *b,
    struct ms_ticket_claims *c, const char **why)
{
	static u_char plain[MS_TICKET_MAX];

	return ms_tickets_open(t, now, msbuf_ptr(b), msbuf_len(b), plain, c,
	    why);
}

static void
test_roundtrip(void **state)
{
	struct ms_tickets *t;
	struct ms_ticket_claims c, got;
	struct msbuf *b;
	const char *why;

	(void)state;
	assert_int_equal(ms_tickets_new(600, 3600, T0, &t), 0);
	b = seal(t, T0, &c);
	assert_int_equal(c.issued, T0);
	assert_int_equal(c.lifetime, 600);
	assert_int_equal(open_at(t, T0 + 10, b, &got, &why), 0);
	assert_memory_equal(got.id, c.id, sizeof(c.id));
	assert_memory_equal(got.res, c.res, sizeof(c.res));
	assert_string_equal(got.principal, "alice");
	assert_int_equal(got.cipher, MS_CIPHER_AES256_GCM);
	assert_int_equal(got.identity_len, sizeof(identity));
	assert_memory_equal(got.identity, identity, sizeof(identity));
	msbuf_free(b);
	ms_tickets_free(t);
}

static void
test_tamper_every_byte(void **state)
{
	struct ms_tickets *t;
	struct ms_ticket_claims c, got;
	struct msbuf *b, *m;
	const char *why;
	size_t i;
	u_char *p;

	(void)state;
	assert_int_equal(ms_tickets_new(600, 3600, T0, &t), 0);
	b = seal(t, T0, &c);
	for (i = 0; i < msbuf_len(b); i++) {
		assert_non_null(m = msbuf_dup(b));
		p = (u_char *)msbuf_ptr(m);
		p[i] ^= 0x01;
		assert_int_equal(open_at(t, T0, m, &got, &why),
		    MS_ERR_MAC_INVALID);
		assert_non_null(why);
		msbuf_free(m);
	}
	/* Cut short by one byte, or by all of the tag. */
	assert_non_null(m = msbuf_dup(b));
	assert_int_equal(msbuf_consume_end(m, 1), 0);
	assert_int_equal(open_at(t, T0, m, &got, &why), MS_ERR_MAC_INVALID);
	msbuf_free(m);
	msbuf_free(b);
	ms_tickets_free(t);
}

static void
test_lifetime(void **state)
{
	struct ms_tickets *t;
	struct ms_ticket_claims c, got;
	struct msbuf *b;
	const char *why;

	(void)state;
	assert_int_equal(ms_tickets_new(60, 3600, T0, &t), 0);
	b = seal(t, T0, &c);
	assert_int_equal(open_at(t, T0 + 59, b, &got, &why), 0);
	assert_int_equal(open_at(t, T0 + 60, b, &got, &why),
	    MS_ERR_MAC_INVALID);
	assert_string_equal(why, "ticket expired");
	/* Issued in the future (a clock step back): refused. */
	assert_int_equal(open_at(t, T0 - 1, b, &got, &why),
	    MS_ERR_MAC_INVALID);
	msbuf_free(b);
	ms_tickets_free(t);
}

static void
test_single_use(void **state)
{
	struct ms_tickets *t;
	struct ms_ticket_claims c, got;
	struct msbuf *b, *b2;
	const char *why;

	(void)state;
	assert_int_equal(ms_tickets_new(60, 3600, T0, &t), 0);
	b = seal(t, T0, &c);
	b2 = seal(t, T0, &c);
	assert_int_equal(open_at(t, T0, b, &got, &why), 0);
	assert_int_equal(ms_tickets_spend(t, T0, &got, &why), 0);
	assert_int_equal(open_at(t, T0 + 1, b, &got, &why), 0);
	assert_int_equal(ms_tickets_spend(t, T0 + 1, &got, &why),
	    MS_ERR_LIMIT);
	assert_string_equal(why, "ticket already used");
	/* Another ticket is not affected. */
	assert_int_equal(open_at(t, T0 + 1, b2, &got, &why), 0);
	assert_int_equal(ms_tickets_spend(t, T0 + 1, &got, &why), 0);
	msbuf_free(b);
	msbuf_free(b2);
	ms_tickets_free(t);
}

/* A bucket full of live ids refuses; once they expire it takes more. */
static void
test_replay_bound(void **state)
{
	struct ms_tickets *t;
	struct ms_ticket_claims c;
	const char *why;
	int i;

	(void)state;
	assert_int_equal(ms_tickets_new(60, 3600, T0, &t), 0);
	claims(&c);
	c.issued = T0;
	c.lifetime = 60;
	for (i = 0; i < 16; i++) {
		memset(c.id, 0, sizeof(c.id));
		c.id[15] = (u_char)i;
		assert_int_equal(ms_tickets_spend(t, T0, &c, &why), 0);
	}
	c.id[15] = 99;
	assert_int_equal(ms_tickets_spend(t, T0, &c, &why), MS_ERR_LIMIT);
	assert_string_equal(why, "too many tickets in use: replay memory full");
	assert_int_equal(ms_tickets_spend(t, T0 + 62, &c, &why), 0);
	ms_tickets_free(t);
}

static void
test_rotation(void **state)
{
	struct ms_tickets *t;
	struct ms_ticket_claims c, got;
	struct msbuf *old, *fresh;
	const char *why;

	(void)state;
	/* Rotate every 100 s, tickets live 50 s. */
	assert_int_equal(ms_tickets_new(50, 100, T0, &t), 0);
	old = seal(t, T0 + 90, &c);
	fresh = seal(t, T0 + 100, &c);	/* a new key seals this one */
	assert_memory_not_equal(msbuf_ptr(old) + 1, msbuf_ptr(fresh) + 1,
	    MS_TICKET_KEY_ID_LEN);
	/* The old key still opens its ticket within the lifetime ... */
	assert_int_equal(open_at(t, T0 + 120, old, &got, &why), 0);
	assert_int_equal(open_at(t, T0 + 120, fresh, &got, &why), 0);
	/* ... and is gone once rotation + lifetime have passed. */
	assert_int_equal(open_at(t, T0 + 150, old, &got, &why),
	    MS_ERR_MAC_INVALID);
	assert_string_equal(why,
	    "ticket key unknown (another daemon, a restart, or expired)");
	assert_int_equal(open_at(t, T0 + 149, fresh, &got, &why), 0);
	msbuf_free(old);
	msbuf_free(fresh);
	ms_tickets_free(t);
}

static void
test_other_instance(void **state)
{
	struct ms_tickets *a, *b;
	struct ms_ticket_claims c, got;
	struct msbuf *t;
	const char *why;

	(void)state;
	assert_int_equal(ms_tickets_new(60, 3600, T0, &a), 0);
	assert_int_equal(ms_tickets_new(60, 3600, T0, &b), 0);
	t = seal(a, T0, &c);
	assert_int_equal(open_at(b, T0, t, &got, &why), MS_ERR_MAC_INVALID);
	msbuf_free(t);
	ms_tickets_free(a);
	ms_tickets_free(b);
}

static void
test_identity_cap(void **state)
{
	static u_char big[MS_TICKET_IDENTITY_MAX + 1];
	struct ms_tickets *t;
	struct ms_ticket_claims c;
	struct msbuf *b;

	(void)state;
	assert_int_equal(ms_tickets_new(60, 3600, T0, &t), 0);
	assert_non_null(b = msbuf_new(MS_TICKET_MAX));
	claims(&c);
	c.identity = big;
	c.identity_len = sizeof(big);
	assert_int_not_equal(ms_tickets_seal(t, T0, &c, b), 0);
	c.identity_len = MS_TICKET_IDENTITY_MAX;
	msbuf_reset(b);
	assert_int_equal(ms_tickets_seal(t, T0, &c, b), 0);
	assert_true(msbuf_len(b) <= MS_TICKET_MAX);
	msbuf_free(b);
	ms_tickets_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_tamper_every_byte),
		cmocka_unit_test(test_lifetime),
		cmocka_unit_test(test_single_use),
		cmocka_unit_test(test_replay_bound),
		cmocka_unit_test(test_rotation),
		cmocka_unit_test(test_other_instance),
		cmocka_unit_test(test_identity_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
