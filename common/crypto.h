/*
 * crypto.h — the only door to cryptography: thin wrappers over OpenSSL 3
 * EVP (no deprecated API).  Every OpenSSL return value is checked; failures
 * map to MS_ERR_LIBCRYPTO (or a more specific code) and the OpenSSL error
 * queue is cleared.  Intermediate secrets are wiped with OPENSSL_cleanse.
 */
#ifndef MS_CRYPTO_H
#define MS_CRYPTO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <openssl/evp.h>

#define MS_X25519_LEN		32	/* public, private and shared secret */
#define MS_ED25519_PUB_LEN	32
#define MS_ED25519_PRIV_LEN	32
#define MS_ED25519_SIG_LEN	64
#define MS_SHA256_LEN		32
#define MS_AEAD_KEY_LEN		32
#define MS_AEAD_NONCE_LEN	12
#define MS_AEAD_TAG_LEN		16

/* AEAD algorithm ids are the wire cipher-suite ids (see PROTOCOL.md). */
enum ms_aead {
	MS_AEAD_AES256_GCM = 1,
	MS_AEAD_CHACHA20_POLY1305 = 2,
};

/* Key types; the numbering is internal, names are in keyfile.h. */
enum ms_keytype {
	MS_KEY_UNKNOWN = 0,
	MS_KEY_ED25519 = 1,
	MS_KEY_X25519 = 2,
};

/*
 * Load providers, fetch every algorithm and seed the DRBG; call once before
 * entering a sandbox that forbids opening files.
 */
int	ms_crypto_init(void);

int	ms_random_bytes(void *buf, size_t len);
/* 1 when equal, 0 when not: constant time in len (CRYPTO_memcmp). */
int	ms_ct_equal(const void *a, const void *b, size_t len);

/* SHA-256, one shot and incremental (the transcript hash). */
int	ms_sha256(const void *data, size_t len, u_char out[MS_SHA256_LEN]);
struct ms_hash;
struct ms_hash *ms_hash_new(void);			/* SHA-256 */
int	ms_hash_update(struct ms_hash *h, const void *data, size_t len);
/* Hash of everything so far, without finalising h (copies the context). */
int	ms_hash_peek(const struct ms_hash *h, u_char out[MS_SHA256_LEN]);
void	ms_hash_free(struct ms_hash *h);

int	ms_hmac_sha256(const void *key, size_t keylen, const void *data,
	    size_t len, u_char out[MS_SHA256_LEN]);

/* HKDF-SHA256 (RFC 5869).  salt may be NULL/0 (= 32 zero bytes). */
int	ms_hkdf_extract(const void *salt, size_t saltlen, const void *ikm,
	    size_t ikmlen, u_char prk[MS_SHA256_LEN]);
int	ms_hkdf_expand(const void *prk, size_t prklen, const void *info,
	    size_t infolen, u_char *out, size_t outlen);

/* Keys as EVP_PKEY.  Raw import/export for wire encoding and test vectors. */
int	ms_pkey_generate(enum ms_keytype type, EVP_PKEY **keyp);
int	ms_pkey_from_raw_private(enum ms_keytype type, const u_char *raw,
	    size_t len, EVP_PKEY **keyp);
int	ms_pkey_from_raw_public(enum ms_keytype type, const u_char *raw,
	    size_t len, EVP_PKEY **keyp);
int	ms_pkey_raw_public(const EVP_PKEY *key, u_char *out, size_t len); /* len 32 */
enum ms_keytype ms_pkey_type(const EVP_PKEY *key);

/*
 * X25519: shared = X25519(priv, peer_pub).  Fails with MS_ERR_KEY_INVALID
 * if the result is all zero (low-order peer point, RFC 7748 section 6.1).
 */
int	ms_x25519_derive(EVP_PKEY *priv, const u_char peer_pub[MS_X25519_LEN],
	    u_char shared[MS_X25519_LEN]);

/* Ed25519 (RFC 8032, pure). */
int	ms_ed25519_sign(EVP_PKEY *priv, const void *msg, size_t len,
	    u_char sig[MS_ED25519_SIG_LEN]);
/* 0 when valid; MS_ERR_SIGNATURE_INVALID when not. */
int	ms_ed25519_verify(const u_char pub[MS_ED25519_PUB_LEN], const void *msg,
	    size_t len, const u_char *sig, size_t siglen);

/*
 * AEAD with 32-byte key, 12-byte nonce and 16-byte tag appended.
 * seal: out must have ptlen + MS_AEAD_TAG_LEN bytes.
 * open: ctlen includes the tag; out must have ctlen - MS_AEAD_TAG_LEN bytes;
 *	 MS_ERR_MAC_INVALID on any authentication failure (out is wiped).
 * out may equal the input buffer (in-place).
 */
int	ms_aead_seal(enum ms_aead alg, const u_char key[MS_AEAD_KEY_LEN],
	    const u_char nonce[MS_AEAD_NONCE_LEN], const void *aad, size_t aadlen,
	    const void *pt, size_t ptlen, u_char *out);
int	ms_aead_open(enum ms_aead alg, const u_char key[MS_AEAD_KEY_LEN],
	    const u_char nonce[MS_AEAD_NONCE_LEN], const void *aad, size_t aadlen,
	    const void *ct, size_t ctlen, u_char *out);
const char *ms_aead_name(enum ms_aead alg);		/* "aes256-gcm", ... */
int	ms_aead_from_name(const char *name);		/* -1 when unknown */

#endif /* MS_CRYPTO_H */
