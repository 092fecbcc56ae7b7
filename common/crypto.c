/*
 * crypto.c — thin wrappers over OpenSSL 3 EVP (see crypto.h).
 *
 * Algorithm objects are fetched on first use and kept for the life of the
 * process: a fetch walks the provider store, which costs more than the
 * operation itself for the short inputs we hash and seal.  Processes are
 * single-threaded, so the lazy initialisation needs no locking.
 */
#include <sys/types.h>

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "crypto.h"
#include "errors.h"
#include "log.h"

#define HKDF_MAX_OUT	(255 * MS_SHA256_LEN)	/* RFC 5869 section 2.3 */

struct ms_hash {
	EVP_MD_CTX	*ctx;
};

static EVP_MD *sha256_md;
static EVP_MAC *hmac_mac;
static EVP_KDF *hkdf_kdf;
static EVP_CIPHER *aes256gcm_cipher;
static EVP_CIPHER *chacha20poly1305_cipher;

/* Zero-length inputs still need a valid pointer for some OpenSSL paths. */
static const u_char empty[1];

/*
 * Reports the first queued OpenSSL error and empties the queue, so a stale
 * error can never be blamed on a later, unrelated call.
 */
static const char *
ossl_drain(char *buf, size_t len)
{
	unsigned long e;

	if ((e = ERR_peek_error()) == 0)
		strlcpy(buf, "no OpenSSL error queued", len);
	else
		ERR_error_string_n(e, buf, len);
	ERR_clear_error();
	return buf;
}

#define ossl_debug(what) do {						\
	char ossl_ebuf[256];						\
	debug_f("%s: %s", (what), ossl_drain(ossl_ebuf, sizeof(ossl_ebuf))); \
} while (0)

static const EVP_MD *
get_sha256(void)
{
	if (sha256_md == NULL &&
	    (sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL)
		ossl_debug("EVP_MD_fetch SHA256");
	return sha256_md;
}

static EVP_MAC *
get_hmac(void)
{
	if (hmac_mac == NULL &&
	    (hmac_mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		ossl_debug("EVP_MAC_fetch HMAC");
	return hmac_mac;
}

static EVP_KDF *
get_hkdf(void)
{
	if (hkdf_kdf == NULL &&
	    (hkdf_kdf = EVP_KDF_fetch(NULL, "HKDF", NULL)) == NULL)
		ossl_debug("EVP_KDF_fetch HKDF");
	return hkdf_kdf;
}

static const EVP_CIPHER *
get_cipher(enum ms_aead alg)
{
	switch (alg) {
	case MS_AEAD_AES256_GCM:
		if (aes256gcm_cipher == NULL && (aes256gcm_cipher =
		    EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL)) == NULL)
			ossl_debug("EVP_CIPHER_fetch AES-256-GCM");
		return aes256gcm_cipher;
	case MS_AEAD_CHACHA20_POLY1305:
		if (chacha20poly1305_cipher == NULL && (chacha20poly1305_cipher =
		    EVP_CIPHER_fetch(NULL, "ChaCha20-Poly1305", NULL)) == NULL)
			ossl_debug("EVP_CIPHER_fetch ChaCha20-Poly1305");
		return chacha20poly1305_cipher;
	}
	return NULL;
}

static const char *
keytype_ossl_name(enum ms_keytype type)
{
	switch (type) {
	case MS_KEY_ED25519:
		return "ED25519";
	case MS_KEY_X25519:
		return "X25519";
	case MS_KEY_UNKNOWN:
		break;
	}
	return NULL;
}

int
ms_random_bytes(void *buf, size_t len)
{
	u_char *p = buf;
	size_t n;

	if (buf == NULL && len != 0)
		return MS_ERR_INVALID_ARGUMENT;
	/* RAND_bytes takes an int length. */
	while (len > 0) {
		n = len > INT_MAX ? INT_MAX : len;
		if (RAND_bytes(p, (int)n) != 1) {
			ossl_debug("RAND_bytes");
			return MS_ERR_LIBCRYPTO;
		}
		p += n;
		len -= n;
	}
	return 0;
}

int
ms_ct_equal(const void *a, const void *b, size_t len)
{
	if (len == 0)
		return 1;
	return CRYPTO_memcmp(a, b, len) == 0;
}

/* SHA-256 */

int
ms_sha256(const void *data, size_t len, u_char out[MS_SHA256_LEN])
{
	const EVP_MD *md;
	unsigned int outlen = 0;

	if (data == NULL) {
		if (len != 0)
			return MS_ERR_INVALID_ARGUMENT;
		data = empty;
	}
	if ((md = get_sha256()) == NULL)
		return MS_ERR_LIBCRYPTO;
	if (EVP_Digest(data, len, out, &outlen, md, NULL) != 1 ||
	    outlen != MS_SHA256_LEN) {
		ossl_debug("EVP_Digest");
		return MS_ERR_LIBCRYPTO;
	}
	return 0;
}

struct ms_hash *
ms_hash_new(void)
{
	struct ms_hash *h;
	const EVP_MD *md;

	if ((md = get_sha256()) == NULL)
		return NULL;
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	if ((h->ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex2(h->ctx, md, NULL) != 1) {
		ossl_debug("EVP_DigestInit_ex2");
		ms_hash_free(h);
		return NULL;
	}
	return h;
}

int
ms_hash_update(struct ms_hash *h, const void *data, size_t len)
{
	if (h == NULL || (data == NULL && len != 0))
		return MS_ERR_INVALID_ARGUMENT;
	if (len == 0)
		return 0;
	if (EVP_DigestUpdate(h->ctx, data, len) != 1) {
		ossl_debug("EVP_DigestUpdate");
		return MS_ERR_LIBCRYPTO;
	}
	return 0;
}

int
ms_hash_peek(const struct ms_hash *h, u_char out[MS_SHA256_LEN])
{
	EVP_MD_CTX *tmp;
	unsigned int outlen = 0;
	int r = MS_ERR_LIBCRYPTO;

	if (h == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if ((tmp = EVP_MD_CTX_new()) == NULL) {
		ossl_debug("EVP_MD_CTX_new");
		return MS_ERR_ALLOC;
	}
	if (EVP_MD_CTX_copy_ex(tmp, h->ctx) != 1 ||
	    EVP_DigestFinal_ex(tmp, out, &outlen) != 1 ||
	    outlen != MS_SHA256_LEN) {
		ossl_debug("peek");
		goto out;
	}
	r = 0;
 out:
	EVP_MD_CTX_free(tmp);
	return r;
}

void
ms_hash_free(struct ms_hash *h)
{
	if (h == NULL)
		return;
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

/* HMAC and HKDF */

int
ms_hmac_sha256(const void *key, size_t keylen, const void *data,
    size_t len, u_char out[MS_SHA256_LEN])
{
	EVP_MAC *mac;
	EVP_MAC_CTX *ctx = NULL;
	OSSL_PARAM params[2];
	size_t outlen = 0;
	int r = MS_ERR_LIBCRYPTO;

	if ((key == NULL && keylen != 0) || (data == NULL && len != 0))
		return MS_ERR_INVALID_ARGUMENT;
	/* A NULL key would mean "keep the previous key" to EVP_MAC_init. */
	if (key == NULL)
		key = empty;
	if ((mac = get_hmac()) == NULL)
		return MS_ERR_LIBCRYPTO;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((ctx = EVP_MAC_CTX_new(mac)) == NULL ||
	    EVP_MAC_init(ctx, key, keylen, params) != 1 ||
	    (len != 0 && EVP_MAC_update(ctx, data, len) != 1) ||
	    EVP_MAC_final(ctx, out, &outlen, MS_SHA256_LEN) != 1 ||
	    outlen != MS_SHA256_LEN) {
		ossl_debug("HMAC-SHA256");
		goto out;
	}
	r = 0;
 out:
	EVP_MAC_CTX_free(ctx);
	return r;
}

static int
hkdf_run(int mode, const void *key, size_t keylen, const void *salt,
    size_t saltlen, const void *info, size_t infolen, u_char *out,
    size_t outlen)
{
	EVP_KDF *kdf;
	EVP_KDF_CTX *ctx = NULL;
	OSSL_PARAM params[6], *p = params;
	int r = MS_ERR_LIBCRYPTO;

	if ((kdf = get_hkdf()) == NULL)
		return MS_ERR_LIBCRYPTO;
	*p++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
	    (void *)key, keylen);
	if (salt != NULL)
		*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
		    (void *)salt, saltlen);
	if (info != NULL && infolen != 0)
		*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
		    (void *)info, infolen);
	*p = OSSL_PARAM_construct_end();

	if ((ctx = EVP_KDF_CTX_new(kdf)) == NULL ||
	    EVP_KDF_derive(ctx, out, outlen, params) != 1) {
		ossl_debug("HKDF");
		OPENSSL_cleanse(out, outlen);
		goto out;
	}
	r = 0;
 out:
	/* The context holds a copy of the key; free wipes it. */
	EVP_KDF_CTX_free(ctx);
	return r;
}

int
ms_hkdf_extract(const void *salt, size_t saltlen, const void *ikm,
    size_t ikmlen, u_char prk[MS_SHA256_LEN])
{
	static const u_char zero_salt[MS_SHA256_LEN];

	if ((salt == NULL && saltlen != 0) || (ikm == NULL && ikmlen != 0))
		return MS_ERR_INVALID_ARGUMENT;
	/* RFC 5869 2.2: an absent salt is HashLen zero bytes. */
	if (salt == NULL || saltlen == 0) {
		salt = zero_salt;
		saltlen = sizeof(zero_salt);
	}
	if (ikm == NULL)
		ikm = empty;
	return hkdf_run(EVP_KDF_HKDF_MODE_EXTRACT_ONLY, ikm, ikmlen,
	    salt, saltlen, NULL, 0, prk, MS_SHA256_LEN);
}

int
ms_hkdf_expand(const void *prk, size_t prklen, const void *info,
    size_t infolen, u_char *out, size_t outlen)
{
	/* RFC 5869 2.3: PRK is at least HashLen, L at most 255 * HashLen. */
	if (prk == NULL || prklen < MS_SHA256_LEN ||
	    (info == NULL && infolen != 0) ||
	    out == NULL || outlen == 0 || outlen > HKDF_MAX_OUT)
		return MS_ERR_INVALID_ARGUMENT;
	return hkdf_run(EVP_KDF_HKDF_MODE_EXPAND_ONLY, prk, prklen,
	    NULL, 0, info, infolen, out, outlen);
}

/* Keys */

int
ms_pkey_generate(enum ms_keytype type, EVP_PKEY **keyp)
{
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *key = NULL;
	const char *name;
	int r = MS_ERR_LIBCRYPTO;

	if (keyp == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	*keyp = NULL;
	if ((name = keytype_ossl_name(type)) == NULL)
		return MS_ERR_KEY_TYPE_UNKNOWN;
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, name, NULL)) == NULL ||
	    EVP_PKEY_keygen_init(ctx) != 1 ||
	    EVP_PKEY_generate(ctx, &key) != 1) {
		ossl_debug("keygen");
		goto out;
	}
	*keyp = key;
	r = 0;
 out:
	EVP_PKEY_CTX_free(ctx);
	return r;
}

int
ms_pkey_from_raw_private(enum ms_keytype type, const u_char *raw,
    size_t len, EVP_PKEY **keyp)
{
	const char *name;

	if (keyp == NULL || raw == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	*keyp = NULL;
	if ((name = keytype_ossl_name(type)) == NULL)
		return MS_ERR_KEY_TYPE_UNKNOWN;
	/* Both types use 32-byte private keys. */
	if (len != MS_X25519_LEN)
		return MS_ERR_KEY_INVALID;
	if ((*keyp = EVP_PKEY_new_raw_private_key_ex(NULL, name, NULL,
	    raw, len)) == NULL) {
		ossl_debug("EVP_PKEY_new_raw_private_key_ex");
		return MS_ERR_LIBCRYPTO;
	}
	return 0;
}

int
ms_pkey_from_raw_public(enum ms_keytype type, const u_char *raw,
    size_t len, EVP_PKEY **keyp)
{
	const char *name;

	if (keyp == NULL || raw == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	*keyp = NULL;
	if ((name = keytype_ossl_name(type)) == NULL)
		return MS_ERR_KEY_TYPE_UNKNOWN;
	if (len != MS_X25519_LEN)
		return MS_ERR_KEY_INVALID;
	if ((*keyp = EVP_PKEY_new_raw_public_key_ex(NULL, name, NULL,
	    raw, len)) == NULL) {
		ossl_debug("EVP_PKEY_new_raw_public_key_ex");
		return MS_ERR_LIBCRYPTO;
	}
	return 0;
}

int
ms_pkey_raw_public(const EVP_PKEY *key, u_char *out, size_t len)
{
	size_t outlen = len;

	if (key == NULL || out == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if (ms_pkey_type(key) == MS_KEY_UNKNOWN)
		return MS_ERR_KEY_TYPE_UNKNOWN;
	if (len != MS_X25519_LEN)
		return MS_ERR_INVALID_ARGUMENT;
	if (EVP_PKEY_get_raw_public_key(key, out, &outlen) != 1 ||
	    outlen != len) {
		ossl_debug("EVP_PKEY_get_raw_public_key");
		return MS_ERR_LIBCRYPTO;
	}
	return 0;
}

enum ms_keytype
ms_pkey_type(const EVP_PKEY *key)
{
	if (key == NULL)
		return MS_KEY_UNKNOWN;
	if (EVP_PKEY_is_a(key, "ED25519"))
		return MS_KEY_ED25519;
	if (EVP_PKEY_is_a(key, "X25519"))
		return MS_KEY_X25519;
	return MS_KEY_UNKNOWN;
}

/* Constant time: the shared secret's value must not leak through timing. */
static int
all_zero(const u_char *p, size_t len)
{
	u_char acc = 0;
	size_t i;

	for (i = 0; i < len; i++)
		acc |= p[i];
	return (int)((((unsigned int)acc) - 1) >> 8) & 1;
}

int
ms_x25519_derive(EVP_PKEY *priv, const u_char peer_pub[MS_X25519_LEN],
    u_char shared[MS_X25519_LEN])
{
	EVP_PKEY *peer = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	size_t len = MS_X25519_LEN;
	int r = MS_ERR_LIBCRYPTO;

	if (priv == NULL || peer_pub == NULL || shared == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if (ms_pkey_type(priv) != MS_KEY_X25519)
		return MS_ERR_KEY_TYPE_MISMATCH;
	if ((peer = EVP_PKEY_new_raw_public_key_ex(NULL, "X25519", NULL,
	    peer_pub, MS_X25519_LEN)) == NULL) {
		ossl_debug("EVP_PKEY_new_raw_public_key_ex");
		goto out;
	}
	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, priv, NULL)) == NULL ||
	    EVP_PKEY_derive_init(ctx) != 1 ||
	    EVP_PKEY_derive_set_peer(ctx, peer) != 1) {
		ossl_debug("derive setup");
		goto out;
	}
	/*
	 * OpenSSL itself refuses an all-zero result (low-order peer point);
	 * that is the peer's fault, not the library's.
	 */
	if (EVP_PKEY_derive(ctx, shared, &len) != 1) {
		ossl_debug("EVP_PKEY_derive");
		r = MS_ERR_KEY_INVALID;
		goto out;
	}
	if (len != MS_X25519_LEN) {
		r = MS_ERR_INTERNAL;
		goto out;
	}
	/* Do not rely on the provider for RFC 7748 section 6.1. */
	if (all_zero(shared, MS_X25519_LEN)) {
		r = MS_ERR_KEY_INVALID;
		goto out;
	}
	r = 0;
 out:
	if (r != 0)
		OPENSSL_cleanse(shared, MS_X25519_LEN);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(peer);
	return r;
}

/* Ed25519 */

int
ms_ed25519_sign(EVP_PKEY *priv, const void *msg, size_t len,
    u_char sig[MS_ED25519_SIG_LEN])
{
	EVP_MD_CTX *ctx = NULL;
	size_t siglen = MS_ED25519_SIG_LEN;
	int r = MS_ERR_LIBCRYPTO;

	if (priv == NULL || sig == NULL || (msg == NULL && len != 0))
		return MS_ERR_INVALID_ARGUMENT;
	if (ms_pkey_type(priv) != MS_KEY_ED25519)
		return MS_ERR_KEY_TYPE_MISMATCH;
	if (msg == NULL)
		msg = empty;
	/* Pure Ed25519 hashes internally: no digest is named. */
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit_ex(ctx, NULL, NULL, NULL, NULL, priv,
	    NULL) != 1 ||
	    EVP_DigestSign(ctx, sig, &siglen, msg, len) != 1 ||
	    siglen != MS_ED25519_SIG_LEN) {
		ossl_debug("Ed25519 sign");
		OPENSSL_cleanse(sig, MS_ED25519_SIG_LEN);
		goto out;
	}
	r = 0;
 out:
	EVP_MD_CTX_free(ctx);
	return r;
}

int
ms_ed25519_verify(const u_char pub[MS_ED25519_PUB_LEN], const void *msg,
    size_t len, const u_char *sig, size_t siglen)
{
	EVP_PKEY *key = NULL;
	EVP_MD_CTX *ctx = NULL;
	int r = MS_ERR_LIBCRYPTO, ok;

	if (pub == NULL || (msg == NULL && len != 0))
		return MS_ERR_INVALID_ARGUMENT;
	if (sig == NULL || siglen != MS_ED25519_SIG_LEN)
		return MS_ERR_SIGNATURE_INVALID;
	if (msg == NULL)
		msg = empty;
	if ((key = EVP_PKEY_new_raw_public_key_ex(NULL, "ED25519", NULL,
	    pub, MS_ED25519_PUB_LEN)) == NULL) {
		ossl_debug("EVP_PKEY_new_raw_public_key_ex");
		goto out;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestVerifyInit_ex(ctx, NULL, NULL, NULL, NULL, key,
	    NULL) != 1) {
		ossl_debug("EVP_DigestVerifyInit_ex");
		goto out;
	}
	/* 1 valid, 0 invalid (including undecodable points), <0 failure. */
	ok = EVP_DigestVerify(ctx, sig, siglen, msg, len);
	if (ok == 1)
		r = 0;
	else if (ok == 0) {
		ERR_clear_error();
		r = MS_ERR_SIGNATURE_INVALID;
	} else
		ossl_debug("EVP_DigestVerify");
 out:
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(key);
	return r;
}

/* AEAD */

static int
aead_init(EVP_CIPHER_CTX **ctxp, enum ms_aead alg, int enc,
    const u_char *key, const u_char *nonce, const void *aad, size_t aadlen)
{
	const EVP_CIPHER *cipher;
	EVP_CIPHER_CTX *ctx;
	int outl;

	*ctxp = NULL;
	if ((cipher = get_cipher(alg)) == NULL)
		return MS_ERR_LIBCRYPTO;
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL) {
		ossl_debug("EVP_CIPHER_CTX_new");
		return MS_ERR_ALLOC;
	}
	/* The IV length must be fixed before the IV itself is set. */
	if (EVP_CipherInit_ex2(ctx, cipher, NULL, NULL, enc, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN,
	    MS_AEAD_NONCE_LEN, NULL) != 1 ||
	    EVP_CipherInit_ex2(ctx, NULL, key, nonce, enc, NULL) != 1 ||
	    (aadlen != 0 &&
	    EVP_CipherUpdate(ctx, NULL, &outl, aad, (int)aadlen) != 1)) {
		ossl_debug("AEAD init");
		EVP_CIPHER_CTX_free(ctx);
		return MS_ERR_LIBCRYPTO;
	}
	*ctxp = ctx;
	return 0;
}

static int
aead_args_ok(enum ms_aead alg, const u_char *key, const u_char *nonce,
    const void *aad, size_t aadlen, const void *in, size_t inlen,
    const u_char *out)
{
	if (alg != MS_AEAD_AES256_GCM && alg != MS_AEAD_CHACHA20_POLY1305)
		return 0;
	if (key == NULL || nonce == NULL || out == NULL ||
	    (aad == NULL && aadlen != 0) || (in == NULL && inlen != 0))
		return 0;
	/* EVP lengths are int; records are far smaller anyway. */
	if (aadlen > INT_MAX || inlen > INT_MAX - MS_AEAD_TAG_LEN)
		return 0;
	return 1;
}

int
ms_aead_seal(enum ms_aead alg, const u_char key[MS_AEAD_KEY_LEN],
    const u_char nonce[MS_AEAD_NONCE_LEN], const void *aad, size_t aadlen,
    const void *pt, size_t ptlen, u_char *out)
{
	EVP_CIPHER_CTX *ctx = NULL;
	int r, outl = 0, finl = 0;

	if (!aead_args_ok(alg, key, nonce, aad, aadlen, pt, ptlen, out))
		return MS_ERR_INVALID_ARGUMENT;
	if ((r = aead_init(&ctx, alg, 1, key, nonce, aad, aadlen)) != 0)
		return r;
	r = MS_ERR_LIBCRYPTO;
	if ((ptlen != 0 &&
	    EVP_EncryptUpdate(ctx, out, &outl, pt, (int)ptlen) != 1) ||
	    EVP_EncryptFinal_ex(ctx, out + outl, &finl) != 1 ||
	    (size_t)outl + (size_t)finl != ptlen ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, MS_AEAD_TAG_LEN,
	    out + ptlen) != 1) {
		ossl_debug("AEAD seal");
		OPENSSL_cleanse(out, ptlen + MS_AEAD_TAG_LEN);
		goto out;
	}
	r = 0;
 out:
	EVP_CIPHER_CTX_free(ctx);
	return r;
}

int
ms_aead_open(enum ms_aead alg, const u_char key[MS_AEAD_KEY_LEN],
    const u_char nonce[MS_AEAD_NONCE_LEN], const void *aad, size_t aadlen,
    const void *ct, size_t ctlen, u_char *out)
{
	EVP_CIPHER_CTX *ctx = NULL;
	u_char tag[MS_AEAD_TAG_LEN];
	size_t ptlen;
	int r, outl = 0, finl = 0;

	/* Too short to carry a tag: cannot authenticate, so it is forged. */
	if (ct != NULL && ctlen < MS_AEAD_TAG_LEN)
		return MS_ERR_MAC_INVALID;
	if (!aead_args_ok(alg, key, nonce, aad, aadlen, ct, ctlen, out) ||
	    ct == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	ptlen = ctlen - MS_AEAD_TAG_LEN;
	/* Copy the tag first: in-place decryption may overwrite ct. */
	memcpy(tag, (const u_char *)ct + ptlen, sizeof(tag));
	if ((r = aead_init(&ctx, alg, 0, key, nonce, aad, aadlen)) != 0)
		return r;
	r = MS_ERR_LIBCRYPTO;
	if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, MS_AEAD_TAG_LEN,
	    tag) != 1 ||
	    (ptlen != 0 &&
	    EVP_DecryptUpdate(ctx, out, &outl, ct, (int)ptlen) != 1)) {
		ossl_debug("AEAD open");
		OPENSSL_cleanse(out, ptlen);
		goto out;
	}
	if (EVP_DecryptFinal_ex(ctx, out + outl, &finl) != 1 ||
	    (size_t)outl + (size_t)finl != ptlen) {
		/* The expected failure: do not log, just forget the output. */
		ERR_clear_error();
		OPENSSL_cleanse(out, ptlen);
		r = MS_ERR_MAC_INVALID;
		goto out;
	}
	r = 0;
 out:
	EVP_CIPHER_CTX_free(ctx);
	return r;
}

const char *
ms_aead_name(enum ms_aead alg)
{
	switch (alg) {
	case MS_AEAD_AES256_GCM:
		return "aes256-gcm";
	case MS_AEAD_CHACHA20_POLY1305:
		return "chacha20-poly1305";
	}
	/* Never NULL: the id may come off the wire. */
	return "unknown";
}

int
ms_aead_from_name(const char *name)
{
	if (name == NULL)
		return -1;
	if (strcmp(name, "aes256-gcm") == 0)
		return MS_AEAD_AES256_GCM;
	if (strcmp(name, "chacha20-poly1305") == 0)
		return MS_AEAD_CHACHA20_POLY1305;
	return -1;
}

/* One use of every symmetric primitive, so nothing is fetched lazily later. */
static int
warm_symmetric(void)
{
	u_char buf[64], key[MS_AEAD_KEY_LEN], nonce[MS_AEAD_NONCE_LEN];
	u_char ct[sizeof(buf) + MS_AEAD_TAG_LEN], out[MS_SHA256_LEN];
	struct ms_hash *h;
	int r;

	memset(buf, 0x5a, sizeof(buf));
	memset(key, 0xa5, sizeof(key));
	memset(nonce, 0, sizeof(nonce));
	if ((r = ms_sha256(buf, sizeof(buf), out)) != 0 ||
	    (r = ms_hmac_sha256(key, sizeof(key), buf, sizeof(buf), out)) != 0 ||
	    (r = ms_hkdf_extract(key, sizeof(key), buf, sizeof(buf), out)) != 0 ||
	    (r = ms_hkdf_expand(out, sizeof(out), buf, 8, buf, 32)) != 0 ||
	    (r = ms_aead_seal(MS_AEAD_AES256_GCM, key, nonce, NULL, 0, buf,
	    sizeof(buf), ct)) != 0 ||
	    (r = ms_aead_open(MS_AEAD_AES256_GCM, key, nonce, NULL, 0, ct,
	    sizeof(ct), buf)) != 0 ||
	    (r = ms_aead_seal(MS_AEAD_CHACHA20_POLY1305, key, nonce, NULL, 0,
	    buf, sizeof(buf), ct)) != 0 ||
	    (r = ms_aead_open(MS_AEAD_CHACHA20_POLY1305, key, nonce, NULL, 0,
	    ct, sizeof(ct), buf)) != 0)
		return r;
	if ((h = ms_hash_new()) == NULL)
		return MS_ERR_ALLOC;
	if ((r = ms_hash_update(h, buf, sizeof(buf))) == 0)
		r = ms_hash_peek(h, out);
	ms_hash_free(h);
	return r;
}

/*
 * Load OpenSSL's configuration and providers, fetch every algorithm and
 * seed the DRBG now: a sandboxed process can no longer open files, so all
 * of that must happen before it enters the sandbox.  A throwaway X25519
 * exchange and Ed25519 signature warm the key-management paths too.
 */
int
ms_crypto_init(void)
{
	EVP_PKEY *a = NULL, *b = NULL;
	u_char pub[MS_X25519_LEN], shared[MS_X25519_LEN], sig[MS_ED25519_SIG_LEN];
	int r;

	if (OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG, NULL) != 1)
		return MS_ERR_LIBCRYPTO;
	if (get_sha256() == NULL || get_hmac() == NULL || get_hkdf() == NULL ||
	    get_cipher(MS_AEAD_AES256_GCM) == NULL ||
	    get_cipher(MS_AEAD_CHACHA20_POLY1305) == NULL)
		return MS_ERR_LIBCRYPTO;
	if ((r = warm_symmetric()) != 0 ||
	    (r = ms_random_bytes(shared, sizeof(shared))) != 0 ||
	    (r = ms_pkey_generate(MS_KEY_X25519, &a)) != 0 ||
	    (r = ms_pkey_generate(MS_KEY_X25519, &b)) != 0 ||
	    (r = ms_pkey_raw_public(b, pub, sizeof(pub))) != 0 ||
	    (r = ms_x25519_derive(a, pub, shared)) != 0)
		goto out;
	EVP_PKEY_free(a);
	a = NULL;
	if ((r = ms_pkey_generate(MS_KEY_ED25519, &a)) != 0 ||
	    (r = ms_pkey_raw_public(a, pub, sizeof(pub))) != 0 ||
	    (r = ms_ed25519_sign(a, pub, sizeof(pub), sig)) != 0 ||
	    (r = ms_ed25519_verify(pub, pub, sizeof(pub), sig,
	    sizeof(sig))) != 0)
		goto out;
 out:
	OPENSSL_cleanse(shared, sizeof(shared));
	EVP_PKEY_free(a);
	EVP_PKEY_free(b);
	return r;
}
