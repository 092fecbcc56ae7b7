/*
 * test_msg_certs.c — the certificate chain codec (common/msg_certs.c) and
 * its OpenSSL side (common/msg_certs_x509.c), PROTOCOL.md 4.3.
 */
#include <sys/types.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "certgen.h"

#include "buf.h"
#include "errors.h"
#include "frame.h"
#include "msg_certs.h"
#include "mslimits.h"
#include "proto.h"

static u_char der_store[MS_CERTS_MAX + 1][MS_CERT_DER_MAX + 1];

/* A chain of n opaque "certificates" of len bytes each. */
static void
fill_chain(struct ms_cert_chain *c, uint8_t n, size_t len)
{
	uint8_t i;

	memset(c, 0, sizeof(*c));
	c->n = n;
	for (i = 0; i < n && i < MS_CERTS_MAX; i++) {
		memset(der_store[i], 0x30 + i, len);
		c->der[i] = der_store[i];
		c->len[i] = len;
	}
}

static struct msbuf *
encode(const struct ms_cert_chain *c)
{
	struct msbuf *b = msbuf_new(MSBUF_SIZE_MAX);

	assert_non_null(b);
	assert_int_equal(ms_cert_chain_put(b, c), 0);
	return b;
}

static void
assert_same_chain(const struct ms_cert_chain *a, const struct ms_cert_chain *b)
{
	uint8_t i;

	assert_int_equal(a->n, b->n);
	for (i = 0; i < a->n; i++) {
		assert_int_equal(a->len[i], b->len[i]);
		assert_memory_equal(a->der[i], b->der[i], a->len[i]);
	}
}

static void
test_round_trip(void **state)
{
	struct ms_cert_chain c, got;
	struct msbuf *b;

	fill_chain(&c, 3, 100);
	b = encode(&c);
	/* u8 n, then three u32-prefixed strings. */
	assert_int_equal(msbuf_len(b), 1 + 3 * (4 + 100));
	assert_int_equal(ms_cert_chain_parse(b, &got), 0);
	assert_same_chain(&c, &got);
	assert_int_equal(msbuf_len(b), 0);
	msbuf_free(b);
}

static void
test_zero_and_max(void **state)
{
	struct ms_cert_chain c, got;
	struct msbuf *b;

	/* No certificate: neither written nor read. */
	fill_chain(&c, 0, 0);
	assert_non_null(b = msbuf_new(1024));
	assert_int_equal(ms_cert_chain_put(b, &c), MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(msbuf_len(b), 0);
	assert_int_equal(msbuf_put_u8(b, 0), 0);
	assert_int_equal(ms_cert_chain_parse(b, &got), MS_ERR_INVALID_FORMAT);
	assert_int_equal(got.n, 0);
	msbuf_free(b);

	/* The most: MS_CERTS_MAX certificates of MS_CERT_DER_MAX bytes. */
	fill_chain(&c, MS_CERTS_MAX, MS_CERT_DER_MAX);
	b = encode(&c);
	assert_int_equal(ms_cert_chain_parse(b, &got), 0);
	assert_same_chain(&c, &got);
	msbuf_free(b);
}

static void
test_over_caps(void **state)
{
	struct ms_cert_chain c, got;
	struct msbuf *b;
	uint8_t i;

	/* One certificate too many, written by hand. */
	fill_chain(&c, MS_CERTS_MAX + 1, 10);
	assert_non_null(b = msbuf_new(1024));
	assert_int_equal(ms_cert_chain_put(b, &c), MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(msbuf_put_u8(b, MS_CERTS_MAX + 1), 0);
	for (i = 0; i < MS_CERTS_MAX + 1; i++)
		assert_int_equal(msbuf_put_string(b, "x", 1), 0);
	assert_int_equal(ms_cert_chain_parse(b, &got), MS_ERR_INVALID_FORMAT);
	msbuf_free(b);

	/* One byte over the per-certificate cap. */
	fill_chain(&c, 1, MS_CERT_DER_MAX + 1);
	assert_non_null(b = msbuf_new(MSBUF_SIZE_MAX));
	assert_int_equal(ms_cert_chain_put(b, &c), MS_ERR_STRING_TOO_LARGE);
	assert_int_equal(msbuf_len(b), 0);
	assert_int_equal(msbuf_put_u8(b, 1), 0);
	assert_int_equal(msbuf_put_string(b, der_store[0],
	    MS_CERT_DER_MAX + 1), 0);
	assert_int_not_equal(ms_cert_chain_parse(b, &got), 0);
	assert_int_equal(got.n, 0);
	msbuf_free(b);
}

static void
test_truncated_and_trailing(void **state)
{
	struct ms_cert_chain c, got;
	struct msbuf *b, *t;
	size_t len, cut;

	fill_chain(&c, 2, 40);
	b = encode(&c);
	len = msbuf_len(b);
	for (cut = 0; cut < len; cut++) {
		assert_non_null(t = msbuf_from(msbuf_ptr(b), cut));
		assert_int_not_equal(ms_cert_chain_parse(t, &got), 0);
		assert_int_equal(got.n, 0);
		msbuf_free(t);
	}
	/* The chain ends both messages that carry it. */
	assert_non_null(t = msbuf_new(len + 1));
	assert_int_equal(msbuf_putb(t, b), 0);
	assert_int_equal(msbuf_put_u8(t, 0), 0);
	assert_int_equal(ms_cert_chain_parse(t, &got), MS_ERR_INVALID_FORMAT);
	assert_int_equal(got.n, 0);
	msbuf_free(t);
	msbuf_free(b);
}

/*
 * An empty cert_der is well formed (PROTOCOL.md gives strings no minimum)
 * but no certificate: refused where DER is decoded and in the monitor's
 * own SERVER_CERTIFICATE.
 */
static void
test_empty_der(void **state)
{
	struct ms_cert_chain c, got;
	STACK_OF(X509) *chain = NULL;
	struct msbuf *b, *m;

	fill_chain(&c, 1, 0);
	b = encode(&c);
	assert_int_equal(msbuf_len(b), 1 + 4);
	assert_int_equal(ms_cert_chain_parse(b, &got), 0);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.len[0], 0);
	assert_int_equal(ms_cert_chain_to_x509(&got, &chain),
	    MS_ERR_INVALID_FORMAT);
	assert_null(chain);
	msbuf_free(b);

	assert_non_null(m = msbuf_new(64));
	assert_int_equal(msbuf_put_u32(m, 1 + 1 + 4), 0);
	assert_int_equal(msbuf_put_u8(m, MS_MSG_SERVER_CERTIFICATE), 0);
	assert_int_equal(ms_cert_chain_put(m, &c), 0);
	assert_int_equal(ms_server_certificate_check(msbuf_ptr(m),
	    msbuf_len(m)), MS_ERR_INVALID_FORMAT);
	msbuf_free(m);
}

static X509 *
self_signed(EVP_PKEY **keyp, const char *cn)
{
	struct cg_opts o = { .cn = cn, .not_after = 3600, .serial = 1 };

	*keyp = cg_key("ED25519");
	return cg_cert(*keyp, NULL, NULL, &o);
}

static void
test_x509_round_trip(void **state)
{
	EVP_PKEY *k1, *k2;
	X509 *a, *b;
	STACK_OF(X509) *in, *out = NULL;
	struct ms_cert_chain c;
	struct msbuf *m;
	u_char *p;
	int i;

	a = self_signed(&k1, "leaf");
	b = self_signed(&k2, "other");
	assert_non_null(in = sk_X509_new_null());
	assert_true(sk_X509_push(in, a) > 0);
	assert_true(sk_X509_push(in, b) > 0);

	assert_non_null(m = msbuf_new(MSBUF_SIZE_MAX));
	assert_int_equal(ms_cert_chain_put_x509(m, in), 0);
	assert_int_equal(ms_cert_chain_parse(m, &c), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(ms_cert_chain_to_x509(&c, &out), 0);
	assert_int_equal(sk_X509_num(out), 2);
	for (i = 0; i < 2; i++)
		assert_int_equal(X509_cmp(sk_X509_value(out, i),
		    sk_X509_value(in, i)), 0);
	sk_X509_pop_free(out, X509_free);
	out = NULL;

	/* A DER string holding a certificate and one byte more. */
	msbuf_reset(m);
	assert_int_equal(ms_cert_chain_put_x509(m, in), 0);
	{
		struct ms_cert_chain longer;
		struct msbuf *t;

		assert_int_equal(ms_cert_chain_parse(m, &c), 0);
		assert_non_null(t = msbuf_new(MSBUF_SIZE_MAX));
		assert_int_equal(msbuf_put(t, c.der[0], c.len[0]), 0);
		assert_int_equal(msbuf_reserve(t, 1, &p), 0);
		memset(&longer, 0, sizeof(longer));
		longer.n = 1;
		longer.der[0] = msbuf_ptr(t);
		longer.len[0] = msbuf_len(t);
		assert_int_equal(ms_cert_chain_to_x509(&longer, &out),
		    MS_ERR_INVALID_FORMAT);
		assert_null(out);
		/* Garbage. */
		longer.len[0] = 10;
		longer.der[0] = (const u_char *)"0123456789";
		assert_int_equal(ms_cert_chain_to_x509(&longer, &out),
		    MS_ERR_INVALID_FORMAT);
		msbuf_free(t);
	}

	/* Too many for the encoder. */
	for (i = 2; i <= MS_CERTS_MAX; i++)
		assert_true(sk_X509_push(in, X509_dup(a)) > 0);
	msbuf_reset(m);
	assert_int_equal(ms_cert_chain_put_x509(m, in), MS_ERR_LIMIT);

	msbuf_free(m);
	sk_X509_pop_free(in, X509_free);
	EVP_PKEY_free(k1);
	EVP_PKEY_free(k2);
}

/* The monitor's canonical SERVER_CERTIFICATE, as HELLO hands it over. */
static void
test_server_certificate_check(void **state)
{
	struct ms_cert_chain c;
	struct msbuf *body, *m;
	u_char *p;

	fill_chain(&c, 2, 50);
	assert_non_null(body = msbuf_new(MSBUF_SIZE_MAX));
	assert_non_null(m = msbuf_new(MSBUF_SIZE_MAX));
	assert_int_equal(msbuf_put_u8(body, MS_MSG_SERVER_CERTIFICATE), 0);
	assert_int_equal(ms_cert_chain_put(body, &c), 0);
	assert_int_equal(msbuf_put_u32(m, (uint32_t)msbuf_len(body)), 0);
	assert_int_equal(msbuf_putb(m, body), 0);
	assert_int_equal(ms_server_certificate_check(msbuf_ptr(m),
	    msbuf_len(m)), 0);
	/* Short by one, a byte more, a wrong length, another type. */
	assert_int_not_equal(ms_server_certificate_check(msbuf_ptr(m),
	    msbuf_len(m) - 1), 0);
	assert_int_not_equal(ms_server_certificate_check(msbuf_ptr(m), 3), 0);
	assert_int_equal(msbuf_reserve(m, 1, &p), 0);
	assert_int_not_equal(ms_server_certificate_check(msbuf_ptr(m),
	    msbuf_len(m)), 0);
	assert_int_equal(msbuf_consume_end(m, 1), 0);
	p = (u_char *)msbuf_ptr(m);
	p[3]++;
	assert_int_not_equal(ms_server_certificate_check(msbuf_ptr(m),
	    msbuf_len(m)), 0);
	p[3]--;
	p[4] = MS_MSG_CLIENT_IDENTITY;
	assert_int_not_equal(ms_server_certificate_check(msbuf_ptr(m),
	    msbuf_len(m)), 0);
	p[4] = MS_MSG_SERVER_CERTIFICATE;
	assert_int_equal(ms_server_certificate_check(msbuf_ptr(m),
	    msbuf_len(m)), 0);
	/* Past the size the AUTH tail can hold. */
	assert_int_not_equal(ms_server_certificate_check(msbuf_ptr(m),
	    MS_SERVER_CERT_MSG_MAX + 1), 0);
	msbuf_free(body);
	msbuf_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_zero_and_max),
		cmocka_unit_test(test_over_caps),
		cmocka_unit_test(test_truncated_and_trailing),
		cmocka_unit_test(test_empty_der),
		cmocka_unit_test(test_x509_round_trip),
		cmocka_unit_test(test_server_certificate_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
