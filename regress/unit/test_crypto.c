/*
 * test_crypto.c — common/crypto.c against published test vectors:
 * RFC 7748 (X25519), RFC 8032 (Ed25519), RFC 5869 (HKDF), RFC 4231 (HMAC),
 * FIPS 180-2 (SHA-256), the McGrew-Viega GCM spec (AES-256-GCM) and
 * RFC 8439 (ChaCha20-Poly1305).  Vectors are typed in as hex from the
 * documents, so a wrong wrapper cannot agree with itself.
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

#include "crypto.h"
#include "errors.h"

#define MAXV	512

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes hex; fails the test on malformed input or overflow. */
static size_t
unhex(const char *hex, u_char *out, size_t outmax)
{
	size_t i, n = strlen(hex);
	int hi, lo;

	assert_int_equal(n % 2, 0);
	assert_true(n / 2 <= outmax);
	for (i = 0; i < n / 2; i++) {
		hi = hexval(hex[2 * i]);
		lo = hexval(hex[2 * i + 1]);
		assert_true(hi >= 0 && lo >= 0);
		out[i] = (u_char)((hi << 4) | lo);
	}
	return n / 2;
}

/* Like unhex, but the length must be exactly want. */
static void
unhex_exact(const char *hex, u_char *out, size_t want)
{
	assert_int_equal(unhex(hex, out, want), want);
}

static int
is_zero(const u_char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

/* ---- X25519 (RFC 7748) ------------------------------------------------- */

static void
x25519_one(const char *scalar_hex, const char *u_hex, const char *out_hex)
{
	u_char scalar[32], u[32], want[32], got[32];
	EVP_PKEY *k = NULL;

	unhex_exact(scalar_hex, scalar, sizeof(scalar));
	unhex_exact(u_hex, u, sizeof(u));
	unhex_exact(out_hex, want, sizeof(want));
	assert_int_equal(ms_pkey_from_raw_private(MS_KEY_X25519, scalar,
	    sizeof(scalar), &k), 0);
	assert_int_equal(ms_pkey_type(k), MS_KEY_X25519);
	assert_int_equal(ms_x25519_derive(k, u, got), 0);
	assert_memory_equal(got, want, sizeof(want));
	EVP_PKEY_free(k);
}

/* RFC 7748 section 5.2, the two single-step vectors. */
static void
test_x25519_rfc7748_5_2(void **state)
{
	x25519_one(
	    "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
	    "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
	    "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
	/* The u-coordinate has its top bit set: it must be masked. */
	x25519_one(
	    "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
	    "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
	    "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957");
}

/* RFC 7748 section 6.1, Alice and Bob. */
static void
test_x25519_rfc7748_6_1(void **state)
{
	u_char apriv[32], bpriv[32], apub_want[32], bpub_want[32], k_want[32];
	u_char apub[32], bpub[32], ka[32], kb[32];
	EVP_PKEY *a = NULL, *b = NULL;

	unhex_exact("77076d0a7318a57d3c16c17251b26645"
	    "df4c2f87ebc0992ab177fba51db92c2a", apriv, 32);
	unhex_exact("8520f0098930a754748b7ddcb43ef75a"
	    "0dbf3a0d26381af4eba4a98eaa9b4e6a", apub_want, 32);
	unhex_exact("5dab087e624a8a4b79e17f8b83800ee6"
	    "6f3bb1292618b6fd1c2f8b27ff88e0eb", bpriv, 32);
	unhex_exact("de9edb7d7b7dc1b4d35b61c2ece43537"
	    "3f8343c85b78674dadfc7e146f882b4f", bpub_want, 32);
	unhex_exact("4a5d9d5ba4ce2de1728e3bf480350f25"
	    "e07e21c947d19e3376f09b3c1e161742", k_want, 32);

	assert_int_equal(ms_pkey_from_raw_private(MS_KEY_X25519, apriv, 32,
	    &a), 0);
	assert_int_equal(ms_pkey_from_raw_private(MS_KEY_X25519, bpriv, 32,
	    &b), 0);
	assert_int_equal(ms_pkey_raw_public(a, apub, sizeof(apub)), 0);
	assert_int_equal(ms_pkey_raw_public(b, bpub, sizeof(bpub)), 0);
	assert_memory_equal(apub, apub_want, 32);
	assert_memory_equal(bpub, bpub_want, 32);
	assert_int_equal(ms_x25519_derive(a, bpub, ka), 0);
	assert_int_equal(ms_x25519_derive(b, apub, kb), 0);
	assert_memory_equal(ka, k_want, 32);
	assert_memory_equal(kb, k_want, 32);
	EVP_PKEY_free(a);
	EVP_PKEY_free(b);
}

/*
 * Points whose product with any clamped scalar is the all-zero value:
 * 0, 1, the two order-8 points, p-1, p and p+1 (libsodium's blocklist),
 * plus 0 and 1 with the ignored top bit set.
 */
static void
test_x25519_low_order(void **state)
{
	static const char *const bad[] = {
		"0000000000000000000000000000000000000000000000000000000000000000",
		"0100000000000000000000000000000000000000000000000000000000000000",
		"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
		"5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
		"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"0000000000000000000000000000000000000000000000000000000000000080",
		"0100000000000000000000000000000000000000000000000000000000000080",
	};
	u_char u[32], shared[32];
	EVP_PKEY *k = NULL;
	size_t i;

	assert_int_equal(ms_pkey_generate(MS_KEY_X25519, &k), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unhex_exact(bad[i], u, sizeof(u));
		memset(shared, 0xa5, sizeof(shared));
		assert_int_equal(ms_x25519_derive(k, u, shared),
		    MS_ERR_KEY_INVALID);
		/* No partial secret may be left behind. */
		assert_true(is_zero(shared, sizeof(shared)));
	}
	EVP_PKEY_free(k);
}

static void
test_x25519_generated(void **state)
{
	EVP_PKEY *a = NULL, *b = NULL, *e = NULL;
	u_char apub[32], bpub[32], ka[32], kb[32];

	assert_int_equal(ms_pkey_generate(MS_KEY_X25519, &a), 0);
	assert_int_equal(ms_pkey_generate(MS_KEY_X25519, &b), 0);
	assert_int_equal(ms_pkey_raw_public(a, apub, 32), 0);
	assert_int_equal(ms_pkey_raw_public(b, bpub, 32), 0);
	assert_memory_not_equal(apub, bpub, 32);
	assert_int_equal(ms_x25519_derive(a, bpub, ka), 0);
	assert_int_equal(ms_x25519_derive(b, apub, kb), 0);
	assert_memory_equal(ka, kb, 32);
	assert_false(is_zero(ka, 32));
	/* An Ed25519 key cannot do key exchange. */
	assert_int_equal(ms_pkey_generate(MS_KEY_ED25519, &e), 0);
	assert_int_equal(ms_x25519_derive(e, bpub, ka),
	    MS_ERR_KEY_TYPE_MISMATCH);
	EVP_PKEY_free(a);
	EVP_PKEY_free(b);
	EVP_PKEY_free(e);
}

/* ---- keys -------------------------------------------------------------- */

static void
test_pkey_misc(void **state)
{
	u_char raw[33], out[32];
	EVP_PKEY *k = NULL;

	memset(raw, 0x42, sizeof(raw));
	assert_int_equal(ms_pkey_type(NULL), MS_KEY_UNKNOWN);
	assert_int_equal(ms_pkey_generate(MS_KEY_UNKNOWN, &k),
	    MS_ERR_KEY_TYPE_UNKNOWN);
	assert_null(k);
	assert_int_equal(ms_pkey_from_raw_private(MS_KEY_UNKNOWN, raw, 32,
	    &k), MS_ERR_KEY_TYPE_UNKNOWN);
	assert_int_equal(ms_pkey_from_raw_private(MS_KEY_ED25519, raw, 31,
	    &k), MS_ERR_KEY_INVALID);
	assert_int_equal(ms_pkey_from_raw_private(MS_KEY_X25519, raw, 33,
	    &k), MS_ERR_KEY_INVALID);
	assert_int_equal(ms_pkey_from_raw_public(MS_KEY_X25519, raw, 31,
	    &k), MS_ERR_KEY_INVALID);
	assert_null(k);

	assert_int_equal(ms_pkey_from_raw_public(MS_KEY_ED25519, raw, 32,
	    &k), 0);
	assert_int_equal(ms_pkey_type(k), MS_KEY_ED25519);
	assert_int_equal(ms_pkey_raw_public(k, out, sizeof(out)), 0);
	assert_memory_equal(out, raw, 32);
	assert_int_equal(ms_pkey_raw_public(k, out, 31),
	    MS_ERR_INVALID_ARGUMENT);
	EVP_PKEY_free(k);
	k = NULL;

	assert_int_equal(ms_pkey_from_raw_public(MS_KEY_X25519, raw, 32,
	    &k), 0);
	assert_int_equal(ms_pkey_type(k), MS_KEY_X25519);
	EVP_PKEY_free(k);

	/* A key of a type metasafe does not use is "unknown". */
	k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	assert_non_null(k);
	assert_int_equal(ms_pkey_type(k), MS_KEY_UNKNOWN);
	assert_int_equal(ms_pkey_raw_public(k, out, 32),
	    MS_ERR_KEY_TYPE_UNKNOWN);
	EVP_PKEY_free(k);
}

/* ---- Ed25519 (RFC 8032 section 7.1) ------------------------------------ */

struct ed_vec {
	const char *sk, *pk, *msg, *sig;
};

static const struct ed_vec ed_vecs[] = {
	{	/* TEST 1 */
		"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
		"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
		"",
		"e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
		"5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
	},
	{	/* TEST 2 */
		"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
		"3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
		"72",
		"92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
		"085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
	},
	{	/* TEST 3 */
		"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
		"fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
		"af82",
		"6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
		"18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
	},
	{	/* TEST SHA(abc): the message is SHA-512("abc") */
		"833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
		"ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
		"ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
		"2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
		"dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b589"
		"09351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704",
	},
};

static void
test_ed25519_rfc8032(void **state)
{
	u_char sk[32], pk[32], sig[64], got_pk[32], got_sig[64], bad[65];
	u_char msg[MAXV], other_pk[32];
	size_t i, mlen;
	EVP_PKEY *k;

	for (i = 0; i < sizeof(ed_vecs) / sizeof(ed_vecs[0]); i++) {
		unhex_exact(ed_vecs[i].sk, sk, 32);
		unhex_exact(ed_vecs[i].pk, pk, 32);
		unhex_exact(ed_vecs[i].sig, sig, 64);
		mlen = unhex(ed_vecs[i].msg, msg, sizeof(msg) - 1);
		unhex_exact(ed_vecs[(i + 1) % 4].pk, other_pk, 32);

		k = NULL;
		assert_int_equal(ms_pkey_from_raw_private(MS_KEY_ED25519, sk,
		    32, &k), 0);
		assert_int_equal(ms_pkey_type(k), MS_KEY_ED25519);
		assert_int_equal(ms_pkey_raw_public(k, got_pk, 32), 0);
		assert_memory_equal(got_pk, pk, 32);
		assert_int_equal(ms_ed25519_sign(k, msg, mlen, got_sig), 0);
		assert_memory_equal(got_sig, sig, 64);
		assert_int_equal(ms_ed25519_verify(pk, msg, mlen, sig, 64), 0);
		if (mlen == 0)
			assert_int_equal(ms_ed25519_verify(pk, NULL, 0, sig,
			    64), 0);

		/* Flipped bits: first and last byte of R and S. */
		memcpy(bad, sig, 64);
		bad[0] ^= 0x01;
		assert_int_equal(ms_ed25519_verify(pk, msg, mlen, bad, 64),
		    MS_ERR_SIGNATURE_INVALID);
		memcpy(bad, sig, 64);
		bad[63] ^= 0x80;
		assert_int_equal(ms_ed25519_verify(pk, msg, mlen, bad, 64),
		    MS_ERR_SIGNATURE_INVALID);
		memcpy(bad, sig, 64);
		bad[32] ^= 0x04;
		assert_int_equal(ms_ed25519_verify(pk, msg, mlen, bad, 64),
		    MS_ERR_SIGNATURE_INVALID);

		/* Changed message: flip a bit, or append one to empty. */
		if (mlen > 0) {
			msg[mlen - 1] ^= 0x01;
			assert_int_equal(ms_ed25519_verify(pk, msg, mlen, sig,
			    64), MS_ERR_SIGNATURE_INVALID);
			msg[mlen - 1] ^= 0x01;
		}
		msg[mlen] = 0;
		assert_int_equal(ms_ed25519_verify(pk, msg, mlen + 1, sig, 64),
		    MS_ERR_SIGNATURE_INVALID);

		/* Wrong key, wrong lengths. */
		assert_int_equal(ms_ed25519_verify(other_pk, msg, mlen, sig,
		    64), MS_ERR_SIGNATURE_INVALID);
		assert_int_equal(ms_ed25519_verify(pk, msg, mlen, sig, 63),
		    MS_ERR_SIGNATURE_INVALID);
		memcpy(bad, sig, 64);
		bad[64] = 0;
		assert_int_equal(ms_ed25519_verify(pk, msg, mlen, bad, 65),
		    MS_ERR_SIGNATURE_INVALID);
		assert_int_equal(ms_ed25519_verify(pk, msg, mlen, NULL, 0),
		    MS_ERR_SIGNATURE_INVALID);
		EVP_PKEY_free(k);
	}
}

static void
test_ed25519_generated(void **state)
{
	static const char msg[] = "metasafe transcript";
	u_char pub[32], sig[64];
	EVP_PKEY *k = NULL, *x = NULL;

	assert_int_equal(ms_pkey_generate(MS_KEY_ED25519, &k), 0);
	assert_int_equal(ms_pkey_type(k), MS_KEY_ED25519);
	assert_int_equal(ms_pkey_raw_public(k, pub, 32), 0);
	assert_int_equal(ms_ed25519_sign(k, msg, sizeof(msg), sig), 0);
	assert_int_equal(ms_ed25519_verify(pub, msg, sizeof(msg), sig, 64), 0);
	assert_int_equal(ms_ed25519_verify(pub, msg, sizeof(msg) - 1, sig, 64),
	    MS_ERR_SIGNATURE_INVALID);
	/* An X25519 key cannot sign. */
	assert_int_equal(ms_pkey_generate(MS_KEY_X25519, &x), 0);
	assert_int_equal(ms_ed25519_sign(x, msg, sizeof(msg), sig),
	    MS_ERR_KEY_TYPE_MISMATCH);
	EVP_PKEY_free(k);
	EVP_PKEY_free(x);
}

/* ---- HKDF-SHA256 (RFC 5869 appendix A) --------------------------------- */

static void
hkdf_one(const u_char *ikm, size_t ikmlen, const u_char *salt, size_t saltlen,
    const u_char *info, size_t infolen, const char *prk_hex,
    const char *okm_hex)
{
	u_char prk[32], want_prk[32], okm[MAXV], want_okm[MAXV];
	size_t l;

	unhex_exact(prk_hex, want_prk, 32);
	l = unhex(okm_hex, want_okm, sizeof(want_okm));
	assert_int_equal(ms_hkdf_extract(salt, saltlen, ikm, ikmlen, prk), 0);
	assert_memory_equal(prk, want_prk, 32);
	memset(okm, 0, sizeof(okm));
	assert_int_equal(ms_hkdf_expand(prk, 32, info, infolen, okm, l), 0);
	assert_memory_equal(okm, want_okm, l);
	/* Nothing is written past L. */
	assert_true(is_zero(okm + l, sizeof(okm) - l));
}

static void
test_hkdf_rfc5869(void **state)
{
	u_char ikm[80], salt[80], info[80];
	size_t i;

	/* Test case 1 */
	memset(ikm, 0x0b, 22);
	unhex_exact("000102030405060708090a0b0c", salt, 13);
	unhex_exact("f0f1f2f3f4f5f6f7f8f9", info, 10);
	hkdf_one(ikm, 22, salt, 13, info, 10,
	    "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
	    "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
	    "34007208d5b887185865");

	/* Test case 2: 80-byte inputs 0x00.., 0x60.., 0xb0.. */
	for (i = 0; i < 80; i++) {
		ikm[i] = (u_char)i;
		salt[i] = (u_char)(0x60 + i);
		info[i] = (u_char)(0xb0 + i);
	}
	hkdf_one(ikm, 80, salt, 80, info, 80,
	    "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
	    "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
	    "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
	    "cc30c58179ec3e87c14c01d5c1f3434f1d87");

	/* Test case 3: empty salt and info, given both ways. */
	memset(ikm, 0x0b, 22);
	hkdf_one(ikm, 22, NULL, 0, NULL, 0,
	    "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
	    "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
	    "9d201395faa4b61a96c8");
	hkdf_one(ikm, 22, salt, 0, info, 0,
	    "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
	    "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
	    "9d201395faa4b61a96c8");
}

static void
test_hkdf_limits(void **state)
{
	u_char prk[32], *out;
	const size_t max = 255 * 32;

	memset(prk, 0x5a, sizeof(prk));
	assert_non_null(out = malloc(max + 1));
	assert_int_equal(ms_hkdf_expand(prk, 32, "x", 1, out, max), 0);
	assert_int_equal(ms_hkdf_expand(prk, 32, "x", 1, out, max + 1),
	    MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(ms_hkdf_expand(prk, 32, "x", 1, out, 0),
	    MS_ERR_INVALID_ARGUMENT);
	/* RFC 5869 2.3: PRK is at least HashLen octets. */
	assert_int_equal(ms_hkdf_expand(prk, 16, "x", 1, out, 32),
	    MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(ms_hkdf_extract(NULL, 5, "k", 1, prk),
	    MS_ERR_INVALID_ARGUMENT);
	free(out);
}

/* ---- HMAC-SHA256 (RFC 4231) -------------------------------------------- */

static void
hmac_one(const u_char *key, size_t keylen, const char *data, const char *hex)
{
	u_char got[32], want[32];

	unhex_exact(hex, want, 32);
	assert_int_equal(ms_hmac_sha256(key, keylen, data, strlen(data), got),
	    0);
	assert_memory_equal(got, want, 32);
}

static void
test_hmac_rfc4231(void **state)
{
	u_char key[131];

	/* Test case 1 */
	memset(key, 0x0b, 20);
	hmac_one(key, 20, "Hi There",
	    "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	/* Test case 2 */
	hmac_one((const u_char *)"Jefe", 4, "what do ya want for nothing?",
	    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	/* Test cases 6 and 7: keys longer than the block are hashed first. */
	memset(key, 0xaa, sizeof(key));
	hmac_one(key, sizeof(key),
	    "Test Using Larger Than Block-Size Key - Hash Key First",
	    "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
	hmac_one(key, sizeof(key),
	    "This is a test using a larger than block-size key and a larger "
	    "than block-size data. The key needs to be hashed before being "
	    "used by the HMAC algorithm.",
	    "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

static void
test_hmac_empty(void **state)
{
	u_char a[32], b[32];

	/* An empty key is legal (and is what the HKDF empty salt becomes). */
	assert_int_equal(ms_hmac_sha256(NULL, 0, "abc", 3, a), 0);
	assert_int_equal(ms_hmac_sha256("", 0, "abc", 3, b), 0);
	assert_memory_equal(a, b, 32);
	assert_int_equal(ms_hmac_sha256("k", 1, NULL, 0, a), 0);
	assert_int_equal(ms_hmac_sha256("k", 1, "", 0, b), 0);
	assert_memory_equal(a, b, 32);
	assert_int_equal(ms_hmac_sha256(NULL, 3, "abc", 3, a),
	    MS_ERR_INVALID_ARGUMENT);
}

/* ---- SHA-256 (FIPS 180-2) ---------------------------------------------- */

#define SHA_ABC	"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define SHA_448_MSG "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
#define SHA_448	"248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"

static void
test_sha256(void **state)
{
	u_char got[32], want[32];

	unhex_exact(SHA_ABC, want, 32);
	assert_int_equal(ms_sha256("abc", 3, got), 0);
	assert_memory_equal(got, want, 32);

	unhex_exact(SHA_EMPTY, want, 32);
	assert_int_equal(ms_sha256("", 0, got), 0);
	assert_memory_equal(got, want, 32);
	assert_int_equal(ms_sha256(NULL, 0, got), 0);
	assert_memory_equal(got, want, 32);

	unhex_exact(SHA_448, want, 32);
	assert_int_equal(ms_sha256(SHA_448_MSG, strlen(SHA_448_MSG), got), 0);
	assert_memory_equal(got, want, 32);
}

static void
test_hash_incremental(void **state)
{
	struct ms_hash *h;
	u_char got[32], again[32], want[32];
	const char *m = SHA_448_MSG;
	size_t i;

	assert_non_null(h = ms_hash_new());
	/* Peek of nothing is the empty hash. */
	unhex_exact(SHA_EMPTY, want, 32);
	assert_int_equal(ms_hash_peek(h, got), 0);
	assert_memory_equal(got, want, 32);

	assert_int_equal(ms_hash_update(h, "a", 1), 0);
	assert_int_equal(ms_sha256("a", 1, want), 0);
	assert_int_equal(ms_hash_peek(h, got), 0);
	assert_memory_equal(got, want, 32);

	/* Peeking did not finalise: the hash continues to "abc". */
	assert_int_equal(ms_hash_update(h, "bc", 2), 0);
	assert_int_equal(ms_hash_update(h, NULL, 0), 0);
	unhex_exact(SHA_ABC, want, 32);
	assert_int_equal(ms_hash_peek(h, got), 0);
	assert_memory_equal(got, want, 32);
	assert_int_equal(ms_hash_peek(h, again), 0);
	assert_memory_equal(again, want, 32);
	ms_hash_free(h);

	/* Byte at a time across a block boundary, peeking each step. */
	assert_non_null(h = ms_hash_new());
	for (i = 0; m[i] != '\0'; i++) {
		assert_int_equal(ms_hash_update(h, m + i, 1), 0);
		assert_int_equal(ms_hash_peek(h, got), 0);
		assert_int_equal(ms_sha256(m, i + 1, want), 0);
		assert_memory_equal(got, want, 32);
	}
	unhex_exact(SHA_448, want, 32);
	assert_memory_equal(got, want, 32);
	ms_hash_free(h);
	ms_hash_free(NULL);
}

/* ---- AEAD -------------------------------------------------------------- */

struct aead_vec {
	const char *name;
	enum ms_aead alg;
	const char *key, *nonce, *aad, *pt, *ct, *tag;
};

/* pt given as hex; the RFC 8439 text is filled in by the test. */
#define GCM_K15 "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"
#define GCM_P15 "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72" \
		"1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
#define GCM_C15 "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa" \
		"8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"

static const struct aead_vec aead_vecs[] = {
	{ "GCM test case 13", MS_AEAD_AES256_GCM,
	  "0000000000000000000000000000000000000000000000000000000000000000",
	  "000000000000000000000000", "", "", "",
	  "530f8afbc74536b9a963b4f1c4cb738b" },
	{ "GCM test case 14", MS_AEAD_AES256_GCM,
	  "0000000000000000000000000000000000000000000000000000000000000000",
	  "000000000000000000000000", "",
	  "00000000000000000000000000000000",
	  "cea7403d4d606b6e074ec5d3baf39d18",
	  "d0d1c8a799996bf0265b98b5d48ab919" },
	{ "GCM test case 15", MS_AEAD_AES256_GCM, GCM_K15,
	  "cafebabefacedbaddecaf888", "",
	  GCM_P15 "1aafd255", GCM_C15 "898015ad",
	  "b094dac5d93471bdec1a502270e3cc6c" },
	{ "GCM test case 16", MS_AEAD_AES256_GCM, GCM_K15,
	  "cafebabefacedbaddecaf888",
	  "feedfacedeadbeeffeedfacedeadbeefabaddad2",
	  GCM_P15, GCM_C15,
	  "76fc6ece0f4e1768cddf8853bb2d551b" },
	{ "RFC 8439 2.8.2", MS_AEAD_CHACHA20_POLY1305,
	  "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
	  "070000004041424344454647",
	  "50515253c0c1c2c3c4c5c6c7",
	  NULL,	/* "Ladies and Gentlemen..." */
	  "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
	  "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
	  "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
	  "3ff4def08e4b7a9de576d26586cec64b6116",
	  "1ae10b594f09e26a7e902ecbd0600691" },
};

static const char sunscreen[] = "Ladies and Gentlemen of the class of '99: "
    "If I could offer you only one tip for the future, sunscreen would be it.";

struct aead_data {
	u_char key[32], nonce[12], aad[MAXV], pt[MAXV], want[MAXV + 16];
	size_t aadlen, ptlen;
};

static void
aead_load(const struct aead_vec *v, struct aead_data *d)
{
	size_t ctlen;

	memset(d, 0, sizeof(*d));
	unhex_exact(v->key, d->key, 32);
	unhex_exact(v->nonce, d->nonce, 12);
	d->aadlen = unhex(v->aad, d->aad, sizeof(d->aad));
	if (v->pt == NULL) {
		d->ptlen = strlen(sunscreen);
		assert_int_equal(d->ptlen, 114);
		memcpy(d->pt, sunscreen, d->ptlen);
	} else
		d->ptlen = unhex(v->pt, d->pt, sizeof(d->pt));
	ctlen = unhex(v->ct, d->want, sizeof(d->want));
	assert_int_equal(ctlen, d->ptlen);
	assert_int_equal(unhex(v->tag, d->want + ctlen, 16), 16);
}

/* Open must fail with MAC_INVALID and leave a wiped output buffer. */
static void
aead_open_fails(enum ms_aead alg, const u_char *key, const u_char *nonce,
    const u_char *aad, size_t aadlen, const u_char *ct, size_t ctlen)
{
	u_char out[MAXV];

	memset(out, 0xa5, sizeof(out));
	assert_int_equal(ms_aead_open(alg, key, nonce, aad, aadlen, ct, ctlen,
	    out), MS_ERR_MAC_INVALID);
	assert_true(is_zero(out, ctlen - 16));
}

static void
test_aead_vectors(void **state)
{
	struct aead_data d;
	u_char out[MAXV + 16], pt[MAXV], buf[MAXV + 16], bad[MAXV + 16];
	u_char badnonce[12], badaad[MAXV + 1];
	size_t i, ctlen;
	const struct aead_vec *v;

	for (i = 0; i < sizeof(aead_vecs) / sizeof(aead_vecs[0]); i++) {
		v = &aead_vecs[i];
		print_message("%s\n", v->name);
		aead_load(v, &d);
		ctlen = d.ptlen + 16;

		/* Exact ciphertext and tag. */
		memset(out, 0, sizeof(out));
		assert_int_equal(ms_aead_seal(v->alg, d.key, d.nonce, d.aad,
		    d.aadlen, d.pt, d.ptlen, out), 0);
		assert_memory_equal(out, d.want, ctlen);

		/* Round trip. */
		memset(pt, 0xa5, sizeof(pt));
		assert_int_equal(ms_aead_open(v->alg, d.key, d.nonce, d.aad,
		    d.aadlen, out, ctlen, pt), 0);
		assert_memory_equal(pt, d.pt, d.ptlen);

		/* In place, both directions. */
		memcpy(buf, d.pt, d.ptlen);
		assert_int_equal(ms_aead_seal(v->alg, d.key, d.nonce, d.aad,
		    d.aadlen, buf, d.ptlen, buf), 0);
		assert_memory_equal(buf, d.want, ctlen);
		assert_int_equal(ms_aead_open(v->alg, d.key, d.nonce, d.aad,
		    d.aadlen, buf, ctlen, buf), 0);
		assert_memory_equal(buf, d.pt, d.ptlen);

		/* A flipped bit anywhere in the ciphertext or the tag. */
		if (d.ptlen > 0) {
			memcpy(bad, d.want, ctlen);
			bad[0] ^= 0x01;
			aead_open_fails(v->alg, d.key, d.nonce, d.aad,
			    d.aadlen, bad, ctlen);
			memcpy(bad, d.want, ctlen);
			bad[d.ptlen - 1] ^= 0x80;
			aead_open_fails(v->alg, d.key, d.nonce, d.aad,
			    d.aadlen, bad, ctlen);
		}
		memcpy(bad, d.want, ctlen);
		bad[d.ptlen] ^= 0x01;
		aead_open_fails(v->alg, d.key, d.nonce, d.aad, d.aadlen,
		    bad, ctlen);
		memcpy(bad, d.want, ctlen);
		bad[ctlen - 1] ^= 0x80;
		aead_open_fails(v->alg, d.key, d.nonce, d.aad, d.aadlen,
		    bad, ctlen);

		/* In-place open of a forgery wipes the buffer too. */
		memcpy(bad, d.want, ctlen);
		bad[ctlen - 1] ^= 0x02;
		assert_int_equal(ms_aead_open(v->alg, d.key, d.nonce, d.aad,
		    d.aadlen, bad, ctlen, bad), MS_ERR_MAC_INVALID);
		assert_true(is_zero(bad, d.ptlen));

		/* Changed AAD: flipped, extended or dropped. */
		memcpy(badaad, d.aad, d.aadlen);
		if (d.aadlen > 0) {
			badaad[d.aadlen - 1] ^= 0x01;
			aead_open_fails(v->alg, d.key, d.nonce, badaad,
			    d.aadlen, d.want, ctlen);
			aead_open_fails(v->alg, d.key, d.nonce, NULL, 0,
			    d.want, ctlen);
			badaad[d.aadlen - 1] ^= 0x01;
		}
		badaad[d.aadlen] = 0;
		aead_open_fails(v->alg, d.key, d.nonce, badaad, d.aadlen + 1,
		    d.want, ctlen);

		/* Changed nonce, changed key, truncated tag. */
		memcpy(badnonce, d.nonce, 12);
		badnonce[11] ^= 0x01;
		aead_open_fails(v->alg, d.key, badnonce, d.aad, d.aadlen,
		    d.want, ctlen);
		memcpy(badnonce, d.nonce, 12);
		badnonce[0] ^= 0x80;
		aead_open_fails(v->alg, d.key, badnonce, d.aad, d.aadlen,
		    d.want, ctlen);
		d.key[31] ^= 0x01;
		aead_open_fails(v->alg, d.key, d.nonce, d.aad, d.aadlen,
		    d.want, ctlen);
		d.key[31] ^= 0x01;
		if (d.ptlen > 0)
			aead_open_fails(v->alg, d.key, d.nonce, d.aad,
			    d.aadlen, d.want, ctlen - 1);

		/* The other algorithm does not accept it. */
		aead_open_fails(v->alg == MS_AEAD_AES256_GCM ?
		    MS_AEAD_CHACHA20_POLY1305 : MS_AEAD_AES256_GCM,
		    d.key, d.nonce, d.aad, d.aadlen, d.want, ctlen);
	}
}

static void
test_aead_edges(void **state)
{
	u_char key[32], nonce[12], buf[64], out[64];
	enum ms_aead algs[] = { MS_AEAD_AES256_GCM, MS_AEAD_CHACHA20_POLY1305 };
	size_t i;

	memset(key, 0x11, sizeof(key));
	memset(nonce, 0x22, sizeof(nonce));
	for (i = 0; i < 2; i++) {
		/* Empty plaintext and empty AAD: just a tag. */
		assert_int_equal(ms_aead_seal(algs[i], key, nonce, NULL, 0,
		    NULL, 0, buf), 0);
		assert_int_equal(ms_aead_open(algs[i], key, nonce, NULL, 0,
		    buf, 16, out), 0);
		buf[3] ^= 0x10;
		assert_int_equal(ms_aead_open(algs[i], key, nonce, NULL, 0,
		    buf, 16, out), MS_ERR_MAC_INVALID);
		/* Shorter than a tag. */
		assert_int_equal(ms_aead_open(algs[i], key, nonce, NULL, 0,
		    buf, 15, out), MS_ERR_MAC_INVALID);
		assert_int_equal(ms_aead_open(algs[i], key, nonce, NULL, 0,
		    buf, 0, out), MS_ERR_MAC_INVALID);
	}
	assert_int_equal(ms_aead_seal((enum ms_aead)0, key, nonce, NULL, 0,
	    "x", 1, buf), MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(ms_aead_seal((enum ms_aead)3, key, nonce, NULL, 0,
	    "x", 1, buf), MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(ms_aead_open((enum ms_aead)3, key, nonce, NULL, 0,
	    buf, 17, out), MS_ERR_INVALID_ARGUMENT);
}

static void
test_aead_names(void **state)
{
	assert_string_equal(ms_aead_name(MS_AEAD_AES256_GCM), "aes256-gcm");
	assert_string_equal(ms_aead_name(MS_AEAD_CHACHA20_POLY1305),
	    "chacha20-poly1305");
	assert_non_null(ms_aead_name((enum ms_aead)99));
	assert_int_equal(ms_aead_from_name("aes256-gcm"), MS_AEAD_AES256_GCM);
	assert_int_equal(ms_aead_from_name("chacha20-poly1305"),
	    MS_AEAD_CHACHA20_POLY1305);
	assert_int_equal(ms_aead_from_name("AES256-GCM"), -1);
	assert_int_equal(ms_aead_from_name("aes256-gcm "), -1);
	assert_int_equal(ms_aead_from_name(""), -1);
	assert_int_equal(ms_aead_from_name(NULL), -1);
	assert_int_equal(ms_aead_from_name(ms_aead_name((enum ms_aead)99)), -1);
}

/* ---- misc -------------------------------------------------------------- */

static void
test_ct_equal(void **state)
{
	u_char a[40], b[40];

	memset(a, 0x37, sizeof(a));
	memcpy(b, a, sizeof(b));
	assert_int_equal(ms_ct_equal(a, b, sizeof(a)), 1);
	assert_int_equal(ms_ct_equal(a, b, 0), 1);
	b[39] ^= 0x01;
	assert_int_equal(ms_ct_equal(a, b, sizeof(a)), 0);
	assert_int_equal(ms_ct_equal(a, b, 39), 1);
	b[39] ^= 0x01;
	b[0] ^= 0x80;
	assert_int_equal(ms_ct_equal(a, b, sizeof(a)), 0);
	assert_int_equal(ms_ct_equal(a, b, 1), 0);
}

static void
test_random(void **state)
{
	u_char a[32], b[32], z[32];

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	memset(z, 0, sizeof(z));
	assert_int_equal(ms_random_bytes(a, sizeof(a)), 0);
	assert_int_equal(ms_random_bytes(b, sizeof(b)), 0);
	assert_memory_not_equal(a, b, sizeof(a));
	assert_memory_not_equal(a, z, sizeof(a));
	assert_int_equal(ms_random_bytes(NULL, 0), 0);
	assert_int_equal(ms_random_bytes(NULL, 1), MS_ERR_INVALID_ARGUMENT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x25519_rfc7748_5_2),
		cmocka_unit_test(test_x25519_rfc7748_6_1),
		cmocka_unit_test(test_x25519_low_order),
		cmocka_unit_test(test_x25519_generated),
		cmocka_unit_test(test_pkey_misc),
		cmocka_unit_test(test_ed25519_rfc8032),
		cmocka_unit_test(test_ed25519_generated),
		cmocka_unit_test(test_hkdf_rfc5869),
		cmocka_unit_test(test_hkdf_limits),
		cmocka_unit_test(test_hmac_rfc4231),
		cmocka_unit_test(test_hmac_empty),
		cmocka_unit_test(test_sha256),
		cmocka_unit_test(test_hash_incremental),
		cmocka_unit_test(test_aead_vectors),
		cmocka_unit_test(test_aead_edges),
		cmocka_unit_test(test_aead_names),
		cmocka_unit_test(test_ct_equal),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
