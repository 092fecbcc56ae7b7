/*
 * pkey.c — keys of every type metasafe-keygen handles.  Ed25519 and X25519
 * (host keys, raw-key identities) keep going through keys/privkey.c;
 * ECDSA P-256/P-384 and RSA (certificate identities, CA keys) are handled
 * here with OpenSSL 3 encoders and decoders, as PKCS#8 private keys and
 * PEM SubjectPublicKeyInfo public keys, readable by `openssl pkey`.
 */
#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include "crypto.h"
#include "errors.h"
#include "keyfile.h"
#include "kg.h"
#include "privkey.h"

#define PEM_LABEL_PUB		"PUBLIC KEY"

int
kg_exit_code(int r)
{
	switch (r) {
	case 0:
		return KG_EXIT_OK;
	case MS_ERR_FILE_EXISTS:
		return KG_EXIT_EXISTS;
	case MS_ERR_BAD_PASSPHRASE:
	case MS_ERR_PASSPHRASE_REQUIRED:
		return KG_EXIT_PASSPHRASE;
	case MS_ERR_KEY_FILE_CORRUPT:
	case MS_ERR_INVALID_FORMAT:
		return KG_EXIT_CORRUPT;
	case MS_ERR_KEY_TYPE_UNKNOWN:
	case MS_ERR_KEY_TYPE_MISMATCH:
		return KG_EXIT_KEYTYPE;
	default:
		return KG_EXIT_GENERAL;
	}
}

enum ms_keyalg
kg_pkey_type(EVP_PKEY *key)
{
	char group[64];
	size_t glen = 0;

	if (key == NULL)
		return MS_KEYALG_UNKNOWN;
	switch (EVP_PKEY_get_base_id(key)) {
	case EVP_PKEY_ED25519:
		return MS_KEYALG_ED25519;
	case EVP_PKEY_X25519:
		return MS_KEYALG_X25519;
	case EVP_PKEY_RSA:
		return MS_KEYALG_RSA;
	case EVP_PKEY_EC:
		if (EVP_PKEY_get_utf8_string_param(key,
		    OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
		    &glen) != 1) {
			ERR_clear_error();
			return MS_KEYALG_UNKNOWN;
		}
		if (strcmp(group, "prime256v1") == 0 ||
		    strcmp(group, "P-256") == 0)
			return MS_KEYALG_ECDSA_P256;
		if (strcmp(group, "secp384r1") == 0 ||
		    strcmp(group, "P-384") == 0)
			return MS_KEYALG_ECDSA_P384;
		return MS_KEYALG_UNKNOWN;
	default:
		return MS_KEYALG_UNKNOWN;
	}
}

int
kg_pkey_generate(enum ms_keyalg t, int bits, EVP_PKEY **keyp)
{
	EVP_PKEY *key = NULL;

	*keyp = NULL;
	switch (t) {
	case MS_KEYALG_ED25519:
		return ms_pkey_generate(MS_KEY_ED25519, keyp);
	case MS_KEYALG_X25519:
		return ms_pkey_generate(MS_KEY_X25519, keyp);
	case MS_KEYALG_ECDSA_P256:
		key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
		break;
	case MS_KEYALG_ECDSA_P384:
		key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
		break;
	case MS_KEYALG_RSA:
		if (bits == 0)
			bits = KG_RSA_BITS_DEFAULT;
		if (bits < KG_RSA_BITS_MIN || bits > KG_RSA_BITS_MAX)
			return MS_ERR_INVALID_ARGUMENT;
		key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits);
		break;
	default:
		return MS_ERR_KEY_TYPE_UNKNOWN;
	}
	if (key == NULL) {
		ERR_clear_error();
		return MS_ERR_LIBCRYPTO;
	}
	*keyp = key;
	return 0;
}

int
kg_key_load_private(const char *path, const char *passphrase, EVP_PKEY **keyp)
{
	int r;

	if ((r = ms_key_load_private_any(path, passphrase, keyp)) != 0)
		return r;
	if (kg_pkey_type(*keyp) == MS_KEYALG_UNKNOWN) {
		EVP_PKEY_free(*keyp);
		*keyp = NULL;
		return MS_ERR_KEY_TYPE_UNKNOWN;
	}
	return 0;
}

int
kg_key_save_private(const char *path, EVP_PKEY *key, const char *passphrase)
{
	if (path == NULL || key == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if (kg_pkey_type(key) == MS_KEYALG_UNKNOWN)
		return MS_ERR_KEY_TYPE_UNKNOWN;
	return ms_key_save_private_any(path, key, passphrase);
}

int
kg_pubkey_pem(EVP_PKEY *key, char **pemp)
{
	OSSL_ENCODER_CTX *ectx;
	u_char *data = NULL;
	size_t len = 0;
	char *s;
	int r = MS_ERR_LIBCRYPTO;

	*pemp = NULL;
	ectx = OSSL_ENCODER_CTX_new_for_pkey(key, EVP_PKEY_PUBLIC_KEY, "PEM",
	    "SubjectPublicKeyInfo", NULL);
	if (ectx == NULL || OSSL_ENCODER_CTX_get_num_encoders(ectx) == 0 ||
	    OSSL_ENCODER_to_data(ectx, &data, &len) != 1)
		goto out;
	if ((s = malloc(len + 1)) == NULL) {
		r = MS_ERR_ALLOC;
		goto out;
	}
	memcpy(s, data, len);
	s[len] = '\0';
	*pemp = s;
	r = 0;
 out:
	ERR_clear_error();
	OPENSSL_free(data);
	OSSL_ENCODER_CTX_free(ectx);
	return r;
}

int
kg_key_save_public_pem(const char *path, EVP_PKEY *key)
{
	char *pem = NULL;
	int r;

	if ((r = kg_pubkey_pem(key, &pem)) != 0)
		return r;
	r = ms_file_write_new(path, pem, strlen(pem), 0644);
	free(pem);
	return r;
}

int
kg_key_load_any_public(const char *path, const char *passphrase,
    EVP_PKEY **keyp, char **commentp)
{
	u_char *data = NULL;
	size_t len = 0;
	char label[64];
	int r;

	*keyp = NULL;
	if (commentp != NULL)
		*commentp = NULL;
	if ((r = ms_file_read_all(path, &data, &len, MS_KEYFILE_MAX)) != 0)
		return r == MS_ERR_LIMIT ? MS_ERR_KEY_FILE_CORRUPT : r;
	ms_pem_label(data, len, label, sizeof(label));
	if (strcmp(label, PEM_LABEL_PUB) == 0) {
		if ((r = ms_pem_decode_key(data, len, EVP_PKEY_PUBLIC_KEY, NULL,
		    keyp)) != 0)
			goto out;
	} else if (ms_pem_label_is_private(label)) {
		if ((r = kg_key_load_private(path, passphrase, keyp)) != 0)
			goto out;
	} else if ((r = ms_key_load_public(path, keyp, commentp)) != 0)
		goto out;
	if (kg_pkey_type(*keyp) == MS_KEYALG_UNKNOWN) {
		EVP_PKEY_free(*keyp);
		*keyp = NULL;
		r = MS_ERR_KEY_TYPE_UNKNOWN;
	}
 out:
	freezero(data, len + 1);
	return r;
}

int
kg_fingerprint(EVP_PKEY *key, char *out, size_t outlen, int *bitsp)
{
	enum ms_keyalg t = kg_pkey_type(key);
	u_char raw[32], *der = NULL;
	int r, len;

	*bitsp = 0;
	if (t == MS_KEYALG_ED25519 || t == MS_KEYALG_X25519) {
		*bitsp = 256;
		if ((r = ms_pkey_raw_public(key, raw, sizeof(raw))) != 0)
			return r;
		return ms_fingerprint(raw, sizeof(raw), out, outlen);
	}
	if (!ms_keyalg_is_spki(t))
		return MS_ERR_KEY_TYPE_UNKNOWN;
	/* ms_fingerprint hashes whatever bytes it is given. */
	if ((len = i2d_PUBKEY(key, &der)) <= 0) {
		ERR_clear_error();
		return MS_ERR_LIBCRYPTO;
	}
	r = ms_fingerprint(der, (size_t)len, out, outlen);
	OPENSSL_free(der);
	*bitsp = EVP_PKEY_get_bits(key);
	return r;
}
