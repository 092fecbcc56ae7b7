/*
 * test_sigalg.c — common/sigalg.c: key → algorithm mapping, sign/verify
 * round trips for the four algorithms, rejection of wrong keys, tampered
 * messages and signatures, of other RSA paddings and PSS salt lengths,
 * and the list parser.
 */
#include <sys/types.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "errors.h"
#include "proto.h"
#include "sigalg.h"

static const char msg[] = "metasafe v1 client signature\0"
    "0123456789abcdef0123456789abcdef";

struct keys {
	EVP_PKEY	*ed, *p256, *p384, *rsa2048, *rsa1024;
	EVP_PKEY	*ed2, *p256b, *rsa2048b;
	EVP_PKEY	*x25519, *ed448, *k256;
};
static struct keys K;

static EVP_PKEY *
gen(const char *type, const char *arg)
{
	EVP_PKEY *k;

	if (strcmp(type, "RSA") == 0)
		k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
		    (size_t)strtoul(arg, NULL, 10));
	else if (arg != NULL)
		k = EVP_PKEY_Q_keygen(NULL, NULL, type, arg);
	else
		k = EVP_PKEY_Q_keygen(NULL, NULL, type);
	assert_non_null(k);
	return k;
}

static int
setup(void **state)
{
	K.ed = gen("ED25519", NULL);
	K.ed2 = gen("ED25519", NULL);
	K.p256 = gen("EC", "P-256");
	K.p256b = gen("EC", "P-256");
	K.p384 = gen("EC", "P-384");
	K.rsa2048 = gen("RSA", "2048");
	K.rsa2048b = gen("RSA", "2048");
	K.rsa1024 = gen("RSA", "1024");
	K.x25519 = gen("X25519", NULL);
	K.ed448 = gen("ED448", NULL);
	K.k256 = gen("EC", "secp256k1");
	return 0;
}

static int
teardown(void **state)
{
	EVP_PKEY_free(K.ed);
	EVP_PKEY_free(K.ed2);
	EVP_PKEY_free(K.p256);
	EVP_PKEY_free(K.p256b);
	EVP_PKEY_free(K.p384);
	EVP_PKEY_free(K.rsa2048);
	EVP_PKEY_free(K.rsa2048b);
	EVP_PKEY_free(K.rsa1024);
	EVP_PKEY_free(K.x25519);
	EVP_PKEY_free(K.ed448);
	EVP_PKEY_free(K.k256);
	return 0;
}

static void
test_names(void **state)
{
	assert_string_equal(ms_sigalg_name(MS_SIG_ED25519), "ed25519");
	assert_string_equal(ms_sigalg_name(MS_SIG_ECDSA_P256_SHA256),
	    "ecdsa-p256-sha256");
	assert_string_equal(ms_sigalg_name(MS_SIG_ECDSA_P384_SHA384),
	    "ecdsa-p384-sha384");
	assert_string_equal(ms_sigalg_name(MS_SIG_RSA_PSS_SHA256),
	    "rsa-pss-sha256");
	assert_null(ms_sigalg_name(0));
	assert_null(ms_sigalg_name(5));
	assert_int_equal(ms_sigalg_from_name("rsa-pss-sha256"),
	    MS_SIG_RSA_PSS_SHA256);
	assert_int_equal(ms_sigalg_from_name("ed25519"), MS_SIG_ED25519);
	assert_int_equal(ms_sigalg_from_name("ED25519"), 0);
	assert_int_equal(ms_sigalg_from_name("rsa"), 0);
	assert_int_equal(ms_sigalg_from_name(""), 0);
}

static void
test_for_key(void **state)
{
	assert_int_equal(ms_sigalg_for_key(K.ed, 2048), MS_SIG_ED25519);
	assert_int_equal(ms_sigalg_for_key(K.p256, 2048),
	    MS_SIG_ECDSA_P256_SHA256);
	assert_int_equal(ms_sigalg_for_key(K.p384, 2048),
	    MS_SIG_ECDSA_P384_SHA384);
	assert_int_equal(ms_sigalg_for_key(K.rsa2048, 2048),
	    MS_SIG_RSA_PSS_SHA256);
	assert_int_equal(ms_sigalg_for_key(K.rsa2048, 3072), 0);
	/* RSA below the minimum is refused; allowed by a lower minimum. */
	assert_int_equal(ms_sigalg_for_key(K.rsa1024, 2048), 0);
	assert_int_equal(ms_sigalg_for_key(K.rsa1024, 1024),
	    MS_SIG_RSA_PSS_SHA256);
	assert_int_equal(ms_sigalg_for_key(K.x25519, 2048), 0);
	assert_int_equal(ms_sigalg_for_key(K.ed448, 2048), 0);
	assert_int_equal(ms_sigalg_for_key(K.k256, 2048), 0);
	assert_int_equal(ms_sigalg_for_key(NULL, 2048), 0);
}

static void
roundtrip(uint16_t alg, EVP_PKEY *key, EVP_PKEY *other)
{
	u_char sig[MS_SIGNATURE_MAX], bad[sizeof(msg)];
	size_t siglen = sizeof(sig);

	assert_int_equal(ms_sigalg_sign(alg, key, msg, sizeof(msg), sig,
	    &siglen), 0);
	assert_true(siglen > 0 && siglen <= MS_SIGNATURE_MAX);
	if (alg == MS_SIG_ED25519)
		assert_int_equal(siglen, 64);
	if (alg == MS_SIG_RSA_PSS_SHA256)
		assert_int_equal(siglen, 256);
	assert_int_equal(ms_sigalg_verify(alg, key, msg, sizeof(msg), sig,
	    siglen), 0);
	/* Another key of the same type. */
	assert_int_equal(ms_sigalg_verify(alg, other, msg, sizeof(msg), sig,
	    siglen), MS_ERR_SIGNATURE_INVALID);
	/* Tampered message. */
	memcpy(bad, msg, sizeof(msg));
	bad[sizeof(bad) - 1] ^= 1;
	assert_int_equal(ms_sigalg_verify(alg, key, bad, sizeof(bad), sig,
	    siglen), MS_ERR_SIGNATURE_INVALID);
	/* Truncated signature, tampered signature. */
	assert_int_equal(ms_sigalg_verify(alg, key, msg, sizeof(msg), sig,
	    siglen - 1), MS_ERR_SIGNATURE_INVALID);
	sig[siglen / 2] ^= 0x40;
	assert_int_equal(ms_sigalg_verify(alg, key, msg, sizeof(msg), sig,
	    siglen), MS_ERR_SIGNATURE_INVALID);
	sig[siglen / 2] ^= 0x40;
	assert_int_equal(ms_sigalg_verify(alg, key, msg, sizeof(msg), sig,
	    siglen), 0);
	assert_int_equal(ms_sigalg_verify(alg, key, msg, sizeof(msg), sig,
	    0), MS_ERR_SIGNATURE_INVALID);
}

static void
test_roundtrip_ed25519(void **state)
{
	roundtrip(MS_SIG_ED25519, K.ed, K.ed2);
}

static void
test_roundtrip_p256(void **state)
{
	roundtrip(MS_SIG_ECDSA_P256_SHA256, K.p256, K.p256b);
}

static void
test_roundtrip_p384(void **state)
{
	roundtrip(MS_SIG_ECDSA_P384_SHA384, K.p384, K.p256);
}

static void
test_roundtrip_rsa(void **state)
{
	roundtrip(MS_SIG_RSA_PSS_SHA256, K.rsa2048, K.rsa2048b);
}

/* A signature is valid only under the key's own algorithm. */
static void
test_alg_key_mismatch(void **state)
{
	u_char sig[MS_SIGNATURE_MAX];
	size_t siglen = sizeof(sig);

	assert_int_equal(ms_sigalg_sign(MS_SIG_ECDSA_P384_SHA384, K.p256, msg,
	    sizeof(msg), sig, &siglen), MS_ERR_KEY_TYPE_MISMATCH);
	assert_int_equal(ms_sigalg_sign(MS_SIG_ED25519, K.rsa2048, msg,
	    sizeof(msg), sig, &siglen), MS_ERR_KEY_TYPE_MISMATCH);
	assert_int_equal(ms_sigalg_sign(0x7777, K.ed, msg, sizeof(msg), sig,
	    &siglen), MS_ERR_INVALID_ARGUMENT);
	siglen = sizeof(sig);
	assert_int_equal(ms_sigalg_sign(MS_SIG_ECDSA_P256_SHA256, K.p256, msg,
	    sizeof(msg), sig, &siglen), 0);
	assert_int_equal(ms_sigalg_verify(MS_SIG_ECDSA_P384_SHA384, K.p256,
	    msg, sizeof(msg), sig, siglen), MS_ERR_SIGNATURE_INVALID);
	assert_int_equal(ms_sigalg_verify(MS_SIG_ED25519, K.p256, msg,
	    sizeof(msg), sig, siglen), MS_ERR_SIGNATURE_INVALID);
	/* Too small an output buffer. */
	siglen = 32;
	assert_int_equal(ms_sigalg_sign(MS_SIG_ED25519, K.ed, msg, sizeof(msg),
	    sig, &siglen), MS_ERR_NO_BUFFER_SPACE);
}

/* Sign with raw EVP and the given RSA padding / PSS salt. */
static size_t
rsa_sign_raw(EVP_PKEY *key, int padding, int saltlen, u_char *sig,
    size_t siglen)
{
	EVP_MD_CTX *md;
	EVP_PKEY_CTX *pctx = NULL;

	assert_non_null(md = EVP_MD_CTX_new());
	assert_int_equal(EVP_DigestSignInit_ex(md, &pctx, "SHA256", NULL,
	    NULL, key, NULL), 1);
	assert_true(EVP_PKEY_CTX_set_rsa_padding(pctx, padding) > 0);
	if (padding == RSA_PKCS1_PSS_PADDING)
		assert_true(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx,
		    saltlen) > 0);
	assert_int_equal(EVP_DigestSign(md, sig, &siglen, (const u_char *)msg,
	    sizeof(msg)), 1);
	EVP_MD_CTX_free(md);
	return siglen;
}

/* Only RSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt. */
static void
test_rsa_profile(void **state)
{
	u_char sig[512];
	size_t len;

	len = rsa_sign_raw(K.rsa2048, RSA_PKCS1_PSS_PADDING, 32, sig,
	    sizeof(sig));
	assert_int_equal(ms_sigalg_verify(MS_SIG_RSA_PSS_SHA256, K.rsa2048,
	    msg, sizeof(msg), sig, len), 0);
	len = rsa_sign_raw(K.rsa2048, RSA_PKCS1_PADDING, 0, sig, sizeof(sig));
	assert_int_equal(ms_sigalg_verify(MS_SIG_RSA_PSS_SHA256, K.rsa2048,
	    msg, sizeof(msg), sig, len), MS_ERR_SIGNATURE_INVALID);
	len = rsa_sign_raw(K.rsa2048, RSA_PKCS1_PSS_PADDING, 20, sig,
	    sizeof(sig));
	assert_int_equal(ms_sigalg_verify(MS_SIG_RSA_PSS_SHA256, K.rsa2048,
	    msg, sizeof(msg), sig, len), MS_ERR_SIGNATURE_INVALID);
}

/* An ECDSA signature made here verifies with plain EVP (DER encoding). */
static void
test_ecdsa_interop(void **state)
{
	EVP_MD_CTX *md;
	u_char sig[MS_SIGNATURE_MAX];
	size_t siglen = sizeof(sig);

	assert_int_equal(ms_sigalg_sign(MS_SIG_ECDSA_P384_SHA384, K.p384, msg,
	    sizeof(msg), sig, &siglen), 0);
	assert_int_equal(sig[0], 0x30);		/* DER SEQUENCE */
	assert_non_null(md = EVP_MD_CTX_new());
	assert_int_equal(EVP_DigestVerifyInit_ex(md, NULL, "SHA384", NULL,
	    NULL, K.p384, NULL), 1);
	assert_int_equal(EVP_DigestVerify(md, sig, siglen,
	    (const u_char *)msg, sizeof(msg)),
	    1);
	EVP_MD_CTX_free(md);
}

static void
test_list_parse(void **state)
{
	uint16_t ids[8];
	size_t n = 99;

	assert_int_equal(ms_sigalg_list_parse("ed25519", ids, 8, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], MS_SIG_ED25519);
	assert_int_equal(ms_sigalg_list_parse(
	    "rsa-pss-sha256,ed25519,ecdsa-p384-sha384,ecdsa-p256-sha256",
	    ids, 8, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(ids[0], MS_SIG_RSA_PSS_SHA256);
	assert_int_equal(ids[1], MS_SIG_ED25519);
	assert_int_equal(ids[2], MS_SIG_ECDSA_P384_SHA384);
	assert_int_equal(ids[3], MS_SIG_ECDSA_P256_SHA256);

	n = 99;
	assert_int_equal(ms_sigalg_list_parse("ed25519,rsa", ids, 8, &n),
	    MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(n, 0);
	assert_int_equal(ms_sigalg_list_parse("", ids, 8, &n),
	    MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(ms_sigalg_list_parse("ed25519,", ids, 8, &n),
	    MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(ms_sigalg_list_parse(",ed25519", ids, 8, &n),
	    MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(ms_sigalg_list_parse("ed25519,ed25519", ids, 8, &n),
	    MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(ms_sigalg_list_parse("ed25519 ", ids, 8, &n),
	    MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(ms_sigalg_list_parse(
	    "ed25519,ecdsa-p256-sha256", ids, 1, &n), MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(ms_sigalg_list_parse(NULL, ids, 8, &n),
	    MS_ERR_INVALID_ARGUMENT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_for_key),
		cmocka_unit_test(test_roundtrip_ed25519),
		cmocka_unit_test(test_roundtrip_p256),
		cmocka_unit_test(test_roundtrip_p384),
		cmocka_unit_test(test_roundtrip_rsa),
		cmocka_unit_test(test_alg_key_mismatch),
		cmocka_unit_test(test_rsa_profile),
		cmocka_unit_test(test_ecdsa_interop),
		cmocka_unit_test(test_list_parse),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
