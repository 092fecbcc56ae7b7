/*
 * test_msg_auth.c — SERVER_VERIFY, SERVER_FINISHED, CLIENT_IDENTITY,
 * CLIENT_VERIFY, CLIENT_FINISHED (common/msg_auth.c), PROTOCOL.md 4.3, and
 * the canonical-message reader of the AUTH tail.
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
#include "msg_auth.h"
#include "msg_certs.h"
#include "mslimits.h"
#include "proto.h"
#include "sigalg.h"

static u_char bytes[MS_SIGNATURE_MAX + 2];

static struct msbuf *
newbuf(void)
{
	struct msbuf *b = msbuf_new(1 << 20);

	assert_non_null(b);
	return b;
}

/* Every strict prefix of b fails to parse with f, and so does b || 0x00. */
static void
assert_strict(const struct msbuf *b, int (*f)(struct msbuf *, void *),
    void *out)
{
	struct msbuf *t;
	size_t cut;

	for (cut = 0; cut < msbuf_len(b); cut++) {
		assert_non_null(t = msbuf_from(msbuf_ptr(b), cut));
		assert_int_not_equal(f(t, out), 0);
		msbuf_free(t);
	}
	assert_non_null(t = msbuf_new(msbuf_len(b) + 1));
	assert_int_equal(msbuf_putb(t, b), 0);
	assert_int_equal(msbuf_put_u8(t, 0), 0);
	assert_int_equal(f(t, out), MS_ERR_INVALID_FORMAT);
	msbuf_free(t);
}

static int
sv_parse(struct msbuf *b, void *v)
{
	return ms_server_verify_parse(b, v);
}

static int
cv_parse(struct msbuf *b, void *v)
{
	return ms_client_verify_parse(b, v);
}

static int
fin_parse(struct msbuf *b, void *mac)
{
	return ms_finished_parse(b, mac);
}

static int
id_parse(struct msbuf *b, void *id)
{
	return ms_client_identity_parse(b, id);
}

static void
test_server_verify(void **state)
{
	struct msbuf *b = newbuf();
	struct ms_verify v;

	memset(bytes, 0x5a, sizeof(bytes));
	assert_int_equal(ms_server_verify_put(b, MS_SIG_ED25519, bytes), 0);
	/* The canonical size mslimits.h derives. */
	assert_int_equal(5 + msbuf_len(b), MS_SERVER_VERIFY_LEN);
	assert_strict(b, sv_parse, &v);
	assert_int_equal(ms_server_verify_parse(b, &v), 0);
	assert_int_equal(v.sig_alg, MS_SIG_ED25519);
	assert_int_equal(v.siglen, MS_SIG_MAX);
	assert_memory_equal(v.sig, bytes, MS_SIG_MAX);
	/* An Ed25519 signature is 64 bytes, neither 63 nor 65. */
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u16(b, MS_SIG_ED25519), 0);
	assert_int_equal(msbuf_put_string(b, bytes, MS_SIG_MAX - 1), 0);
	assert_int_equal(ms_server_verify_parse(b, &v), MS_ERR_INVALID_FORMAT);
	assert_null(v.sig);
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u16(b, MS_SIG_ED25519), 0);
	assert_int_equal(msbuf_put_string(b, bytes, MS_SIG_MAX + 1), 0);
	assert_int_not_equal(ms_server_verify_parse(b, &v), 0);
	msbuf_free(b);
}

static void
test_client_verify(void **state)
{
	struct msbuf *b = newbuf();
	struct ms_verify v;

	memset(bytes, 0xa5, sizeof(bytes));
	assert_int_equal(ms_client_verify_put(b, MS_SIG_RSA_PSS_SHA256, bytes,
	    MS_SIGNATURE_MAX), 0);
	assert_strict(b, cv_parse, &v);
	assert_int_equal(ms_client_verify_parse(b, &v), 0);
	assert_int_equal(v.sig_alg, MS_SIG_RSA_PSS_SHA256);
	assert_int_equal(v.siglen, MS_SIGNATURE_MAX);
	/* One over the cap: neither written nor read. */
	msbuf_reset(b);
	assert_int_equal(ms_client_verify_put(b, 1, bytes,
	    MS_SIGNATURE_MAX + 1), MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(msbuf_len(b), 0);
	assert_int_equal(msbuf_put_u16(b, 1), 0);
	assert_int_equal(msbuf_put_string(b, bytes, MS_SIGNATURE_MAX + 1), 0);
	assert_int_equal(ms_client_verify_parse(b, &v),
	    MS_ERR_STRING_TOO_LARGE);
	/* Empty: a client never sends one; it parses and fails the login. */
	msbuf_reset(b);
	assert_int_equal(ms_client_verify_put(b, 1, bytes, 0),
	    MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(msbuf_put_u16(b, 1), 0);
	assert_int_equal(msbuf_put_string(b, NULL, 0), 0);
	assert_int_equal(ms_client_verify_parse(b, &v), 0);
	assert_int_equal(v.siglen, 0);
	msbuf_free(b);
}

static void
test_finished(void **state)
{
	u_char mac[MS_VERIFY_DATA_LEN], got[MS_VERIFY_DATA_LEN];
	struct msbuf *b = newbuf();

	memset(mac, 0x77, sizeof(mac));
	assert_int_equal(ms_finished_put(b, mac), 0);
	assert_int_equal(5 + msbuf_len(b), MS_SERVER_FINISHED_LEN);
	assert_strict(b, fin_parse, got);
	assert_int_equal(ms_finished_parse(b, got), 0);
	assert_memory_equal(got, mac, sizeof(mac));
	/* 31 bytes: refused, and nothing half-read is left in got. */
	msbuf_reset(b);
	assert_int_equal(msbuf_put_string(b, mac, sizeof(mac) - 1), 0);
	assert_int_not_equal(ms_finished_parse(b, got), 0);
	assert_memory_equal(got, (u_char[MS_VERIFY_DATA_LEN]){ 0 },
	    sizeof(got));
	msbuf_free(b);
}

static void
test_identity_raw(void **state)
{
	struct ms_client_identity id;
	struct msbuf *b = newbuf();

	memset(bytes, 0x11, sizeof(bytes));
	assert_int_equal(ms_client_identity_put_raw(b, bytes), 0);
	assert_int_equal(msbuf_len(b), 1 + 4 + MS_PUBKEY_MAX);
	assert_strict(b, id_parse, &id);
	assert_int_equal(ms_client_identity_parse(b, &id), 0);
	assert_int_equal(id.id_type, MS_ID_RAW_ED25519);
	assert_int_equal(id.publen, MS_PUBKEY_MAX);
	assert_memory_equal(id.pub, bytes, MS_PUBKEY_MAX);
	/* Shorter: structure only here, the monitor refuses the key. */
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u8(b, MS_ID_RAW_ED25519), 0);
	assert_int_equal(msbuf_put_string(b, bytes, 16), 0);
	assert_int_equal(ms_client_identity_parse(b, &id), 0);
	assert_int_equal(id.publen, 16);
	/* Longer than any key: malformed. */
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u8(b, MS_ID_RAW_ED25519), 0);
	assert_int_equal(msbuf_put_string(b, bytes, MS_PUBKEY_MAX + 1), 0);
	assert_int_not_equal(ms_client_identity_parse(b, &id), 0);
	assert_int_equal(id.id_type, MS_ID_RAW_ED25519);
	assert_null(id.pub);
	/* An unknown id_type is malformed, and reported as read. */
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u8(b, 4), 0);
	assert_int_equal(msbuf_put_string(b, bytes, 32), 0);
	assert_int_equal(ms_client_identity_parse(b, &id),
	    MS_ERR_INVALID_FORMAT);
	assert_int_equal(id.id_type, 4);
	msbuf_free(b);
}

/*
 * The peer-credentials identity and its CLIENT_VERIFY: the test vector of
 * PROTOCOL.md 4.3 (canonical encodings, 5.1).
 */
static void
test_identity_peer(void **state)
{
	static const u_char id_canon[] = { 0x00, 0x00, 0x00, 0x02, 0x07, 0x03 };
	static const u_char cv_canon[] = { 0x00, 0x00, 0x00, 0x07, 0x08,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x00 };
	struct ms_client_identity id;
	struct ms_verify v;
	struct msbuf *b = newbuf();

	assert_int_equal(ms_client_identity_put_peer(b), 0);
	assert_int_equal(msbuf_len(b), sizeof(id_canon) - 5);
	assert_memory_equal(msbuf_ptr(b), id_canon + 5, sizeof(id_canon) - 5);
	assert_strict(b, id_parse, &id);
	assert_int_equal(ms_client_identity_parse(b, &id), 0);
	assert_int_equal(id.id_type, MS_ID_PEER_CREDENTIALS);
	assert_null(id.pub);
	/* A key after it is malformed: the kind carries nothing. */
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u8(b, MS_ID_PEER_CREDENTIALS), 0);
	assert_int_equal(msbuf_put_string(b, bytes, 32), 0);
	assert_int_equal(ms_client_identity_parse(b, &id),
	    MS_ERR_INVALID_FORMAT);
	assert_int_equal(id.id_type, MS_ID_PEER_CREDENTIALS);

	msbuf_reset(b);
	assert_int_equal(ms_client_verify_put_none(b), 0);
	assert_int_equal(msbuf_len(b), sizeof(cv_canon) - 5);
	assert_memory_equal(msbuf_ptr(b), cv_canon + 5, sizeof(cv_canon) - 5);
	assert_int_equal(ms_client_verify_parse(b, &v), 0);
	assert_true(ms_client_verify_is_none(&v));
	/* A signature, or another sig_alg, is not the empty proof. */
	msbuf_reset(b);
	memset(bytes, 0x22, 64);
	assert_int_equal(ms_client_verify_put(b, MS_SIG_ED25519, bytes, 64),
	    0);
	assert_int_equal(ms_client_verify_parse(b, &v), 0);
	assert_false(ms_client_verify_is_none(&v));
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u16(b, MS_SIG_ED25519), 0);
	assert_int_equal(msbuf_put_string(b, NULL, 0), 0);
	assert_int_equal(ms_client_verify_parse(b, &v), 0);
	assert_false(ms_client_verify_is_none(&v));
	msbuf_free(b);
}

static void
test_identity_chain(void **state)
{
	struct ms_client_identity id;
	struct ms_cert_chain c;
	struct msbuf *b = newbuf();

	memset(bytes, 0x30, sizeof(bytes));
	memset(&c, 0, sizeof(c));
	c.n = 2;
	c.der[0] = bytes;
	c.len[0] = 100;
	c.der[1] = bytes;
	c.len[1] = 7;
	assert_int_equal(msbuf_put_u8(b, MS_ID_X509_CHAIN), 0);
	assert_int_equal(ms_cert_chain_put(b, &c), 0);
	assert_strict(b, id_parse, &id);
	assert_int_equal(ms_client_identity_parse(b, &id), 0);
	assert_int_equal(id.id_type, MS_ID_X509_CHAIN);
	assert_int_equal(id.chain.n, 2);
	assert_int_equal(id.chain.len[0], 100);
	assert_int_equal(id.chain.len[1], 7);
	assert_null(id.pub);
	/* No certificate. */
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u8(b, MS_ID_X509_CHAIN), 0);
	assert_int_equal(msbuf_put_u8(b, 0), 0);
	assert_int_equal(ms_client_identity_parse(b, &id),
	    MS_ERR_INVALID_FORMAT);
	assert_int_equal(id.id_type, MS_ID_X509_CHAIN);
	assert_int_equal(id.chain.n, 0);
	msbuf_free(b);
}

static int
ar_parse(struct msbuf *b, void *status)
{
	return ms_auth_result_parse(b, status);
}

static void
test_auth_result(void **state)
{
	static const u_char want[] = { 0, 0, 0, MS_ST_AUTH_FAILED };
	struct msbuf *b = newbuf();
	uint32_t status;

	assert_int_equal(ms_auth_result_put(b, MS_ST_AUTH_FAILED), 0);
	assert_int_equal(msbuf_len(b), sizeof(want));
	assert_memory_equal(msbuf_ptr(b), want, sizeof(want));
	assert_strict(b, ar_parse, &status);
	assert_int_equal(ms_auth_result_parse(b, &status), 0);
	assert_int_equal(status, MS_ST_AUTH_FAILED);
	msbuf_free(b);
}

static void
put_canonical(struct msbuf *run, uint8_t type, const void *body, size_t len)
{
	assert_int_equal(msbuf_put_u32(run, (uint32_t)(1 + len)), 0);
	assert_int_equal(msbuf_put_u8(run, type), 0);
	assert_int_equal(msbuf_put(run, body, len), 0);
}

static void
test_canonical_get(void **state)
{
	struct msbuf *run = newbuf(), *body = NULL;

	put_canonical(run, MS_MSG_SERVER_FINISHED, "abc", 3);
	put_canonical(run, MS_MSG_CLIENT_IDENTITY, "", 0);
	/* Another type, or a body above the cap: refused, nothing moved. */
	assert_int_equal(ms_canonical_get(run, MS_MSG_SERVER_VERIFY, 100,
	    &body), MS_ERR_INVALID_FORMAT);
	assert_null(body);
	assert_int_equal(ms_canonical_get(run, MS_MSG_SERVER_FINISHED, 2,
	    &body), MS_ERR_INVALID_FORMAT);
	assert_int_equal(msbuf_len(run), 5 + 3 + 5);
	assert_int_equal(ms_canonical_get(run, MS_MSG_SERVER_FINISHED, 3,
	    &body), 0);
	assert_int_equal(msbuf_len(body), 3);
	assert_memory_equal(msbuf_ptr(body), "abc", 3);
	msbuf_free(body);
	assert_int_equal(ms_canonical_get(run, MS_MSG_CLIENT_IDENTITY, 10,
	    &body), 0);
	assert_int_equal(msbuf_len(body), 0);
	assert_int_equal(msbuf_len(run), 0);
	msbuf_free(body);
	body = NULL;
	/* Empty run; a length past the end; a zero length (no type). */
	assert_int_not_equal(ms_canonical_get(run, 1, 10, &body), 0);
	assert_int_equal(msbuf_put_u32(run, 10), 0);
	assert_int_equal(msbuf_put_u8(run, 1), 0);
	assert_int_equal(msbuf_put(run, "xyz", 3), 0);
	assert_int_equal(ms_canonical_get(run, 1, 100, &body),
	    MS_ERR_INVALID_FORMAT);
	msbuf_reset(run);
	assert_int_equal(msbuf_put_u32(run, 0), 0);
	assert_int_equal(msbuf_put_u8(run, 1), 0);
	assert_int_equal(ms_canonical_get(run, 1, 100, &body),
	    MS_ERR_INVALID_FORMAT);
	assert_null(body);
	msbuf_free(run);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_server_verify),
		cmocka_unit_test(test_client_verify),
		cmocka_unit_test(test_finished),
		cmocka_unit_test(test_identity_raw),
		cmocka_unit_test(test_identity_peer),
		cmocka_unit_test(test_identity_chain),
		cmocka_unit_test(test_auth_result),
		cmocka_unit_test(test_canonical_get),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
