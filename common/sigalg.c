/*
 * sigalg.c — transcript signature algorithms (PROTOCOL.md 4.3, 5.4).
 *
 * A key implies exactly one scheme; nobody may pick a weaker one for a
 * given key (no PKCS#1 v1.5, no SHA-1, no other PSS salt), so the mapping
 * lives here and both signer and verifier go through it.
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "errors.h"
#include "proto.h"
#include "sigalg.h"

#define RSA_PSS_SALT_LEN	32
/* MS_SIGNATURE_MAX bytes hold an RSA signature of at most this size. */
#define RSA_BITS_MAX		(MS_SIGNATURE_MAX * 8)

static const struct {
	uint16_t	 id;
	const char	*name;
	const char	*md;		/* NULL: the scheme hashes itself */
} sigalgs[] = {
	{ MS_SIG_ED25519,		"ed25519",		NULL },
	{ MS_SIG_ECDSA_P256_SHA256,	"ecdsa-p256-sha256",	"SHA256" },
	{ MS_SIG_ECDSA_P384_SHA384,	"ecdsa-p384-sha384",	"SHA384" },
	{ MS_SIG_RSA_PSS_SHA256,	"rsa-pss-sha256",	"SHA256" },
};
#define SIGALGS_N	(sizeof(sigalgs) / sizeof(sigalgs[0]))

static int
sigalg_index(uint16_t alg)
{
	size_t i;

	for (i = 0; i < SIGALGS_N; i++)
		if (sigalgs[i].id == alg)
			return (int)i;
	return -1;
}

const char *
ms_sigalg_name(uint16_t alg)
{
	int i;

	if ((i = sigalg_index(alg)) < 0)
		return NULL;
	return sigalgs[i].name;
}

uint16_t
ms_sigalg_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < SIGALGS_N; i++)
		if (strcmp(sigalgs[i].name, name) == 0)
			return sigalgs[i].id;
	return 0;
}

static uint16_t
ec_sigalg(EVP_PKEY *key)
{
	char group[64];
	size_t len = 0;

	if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME,
	    group, sizeof(group), &len) != 1) {
		ERR_clear_error();
		return 0;
	}
	/* Explicit curve parameters have no group name and are refused. */
	if (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0)
		return MS_SIG_ECDSA_P256_SHA256;
	if (strcmp(group, "secp384r1") == 0 || strcmp(group, "P-384") == 0)
		return MS_SIG_ECDSA_P384_SHA384;
	return 0;
}

uint16_t
ms_sigalg_for_key(EVP_PKEY *key, int min_rsa_bits)
{
	int bits;

	if (key == NULL)
		return 0;
	if (EVP_PKEY_is_a(key, "ED25519"))
		return MS_SIG_ED25519;
	if (EVP_PKEY_is_a(key, "EC"))
		return ec_sigalg(key);
	/*
	 * Only plain rsaEncryption keys: an id-RSASSA-PSS key may carry
	 * parameter restrictions that contradict the one fixed PSS profile.
	 */
	if (EVP_PKEY_is_a(key, "RSA")) {
		bits = EVP_PKEY_get_bits(key);
		if (bits <= 0 || bits < min_rsa_bits || bits > RSA_BITS_MAX)
			return 0;
		return MS_SIG_RSA_PSS_SHA256;
	}
	return 0;
}

/* Put the one fixed PSS profile on a signing or verifying context. */
static int
set_pss(EVP_PKEY_CTX *pctx)
{
	if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALT_LEN) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, "SHA256", NULL) <= 0)
		return MS_ERR_LIBCRYPTO;
	return 0;
}

int
ms_sigalg_sign(uint16_t alg, EVP_PKEY *key, const void *msg, size_t len,
    u_char *sig, size_t *siglen)
{
	EVP_MD_CTX *md = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	size_t need = 0;
	int i, r = MS_ERR_LIBCRYPTO;

	if ((i = sigalg_index(alg)) < 0 || sig == NULL || siglen == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if (ms_sigalg_for_key(key, 0) != alg)
		return MS_ERR_KEY_TYPE_MISMATCH;
	if ((md = EVP_MD_CTX_new()) == NULL) {
		r = MS_ERR_ALLOC;
		goto out;
	}
	if (EVP_DigestSignInit_ex(md, &pctx, sigalgs[i].md, NULL, NULL, key,
	    NULL) != 1)
		goto out;
	if (alg == MS_SIG_RSA_PSS_SHA256 && (r = set_pss(pctx)) != 0)
		goto out;
	r = MS_ERR_LIBCRYPTO;
	/* One-shot: Ed25519 supports nothing else. */
	if (EVP_DigestSign(md, NULL, &need, msg, len) != 1)
		goto out;
	if (need > *siglen) {
		r = MS_ERR_NO_BUFFER_SPACE;
		goto out;
	}
	need = *siglen;
	if (EVP_DigestSign(md, sig, &need, msg, len) != 1)
		goto out;
	*siglen = need;
	r = 0;
 out:
	EVP_MD_CTX_free(md);
	if (r != 0)
		ERR_clear_error();
	return r;
}

int
ms_sigalg_verify(uint16_t alg, EVP_PKEY *key, const void *msg, size_t len,
    const u_char *sig, size_t siglen)
{
	EVP_MD_CTX *md = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	int i, ok = 0;

	if ((i = sigalg_index(alg)) < 0 || sig == NULL || siglen == 0 ||
	    siglen > MS_SIGNATURE_MAX || ms_sigalg_for_key(key, 0) != alg)
		return MS_ERR_SIGNATURE_INVALID;
	if (alg == MS_SIG_ED25519 && siglen != 64)
		return MS_ERR_SIGNATURE_INVALID;
	if ((md = EVP_MD_CTX_new()) == NULL)
		goto out;
	if (EVP_DigestVerifyInit_ex(md, &pctx, sigalgs[i].md, NULL, NULL,
	    key, NULL) != 1)
		goto out;
	if (alg == MS_SIG_RSA_PSS_SHA256 && set_pss(pctx) != 0)
		goto out;
	ok = EVP_DigestVerify(md, sig, siglen, msg, len) == 1;
 out:
	EVP_MD_CTX_free(md);
	ERR_clear_error();
	return ok ? 0 : MS_ERR_SIGNATURE_INVALID;
}

int
ms_sigalg_list_parse(const char *s, uint16_t *ids, size_t max, size_t *np)
{
	char *copy, *cp, *name;
	uint16_t id;
	size_t i, n = 0;
	int r = 0;

	*np = 0;
	if (s == NULL || *s == '\0')
		return MS_ERR_INVALID_ARGUMENT;
	if ((copy = strdup(s)) == NULL)
		return MS_ERR_ALLOC;
	cp = copy;
	while ((name = strsep(&cp, ",")) != NULL) {
		if ((id = ms_sigalg_from_name(name)) == 0 || n >= max) {
			r = MS_ERR_INVALID_ARGUMENT;
			break;
		}
		for (i = 0; i < n; i++)
			if (ids[i] == id)
				r = MS_ERR_INVALID_ARGUMENT;
		if (r != 0)
			break;
		ids[n++] = id;
	}
	free(copy);
	if (r == 0)
		*np = n;
	return r;
}
