/*
 * privkey.c — private key files: PKCS#8 PEM, encrypted with scrypt and
 * AES-256-CBC under a passphrase (formats: see privkey.h).
 *
 * Private keys go through OpenSSL's PEM and PKCS#8 code so that
 * `openssl pkey` reads what we write and vice versa.  This folder is the
 * one that loads private keys; metasafe-worker does not link it (I1, see
 * regress/worker-symbols.sh).
 */

#include <sys/types.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/decoder.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include "crypto.h"
#include "errors.h"
#include "keyfile.h"
#include "keys_int.h"
#include "privkey.h"

#define PEM_LABEL_PRIV		"PRIVATE KEY"
#define PEM_LABEL_ENCPRIV	"ENCRYPTED PRIVATE KEY"
#define PEM_LEGACY_ENC		"Proc-Type: 4,ENCRYPTED"

/*
 * scrypt parameters as `openssl pkcs8 -scrypt` uses them: 16 MiB of memory,
 * below OpenSSL's default 32 MiB decryption limit so `openssl pkey` can
 * read our keys.
 */
#define SCRYPT_N		16384
#define SCRYPT_R		8
#define SCRYPT_P		1

/*
 * First PEM block of a file: label and DER (OPENSSL_clear_free the DER).
 * Anything that is not PEM, or is too large, is MS_ERR_KEY_FILE_CORRUPT.
 */
int
ms_pem_read_file(const char *path, char **namep, u_char **derp, long *derlenp)
{
	u_char *data = NULL;
	size_t len = 0;
	BIO *bio = NULL;
	char *name = NULL, *header = NULL;
	u_char *der = NULL;
	long derlen = 0;
	int r;

	*namep = NULL;
	*derp = NULL;
	*derlenp = 0;
	if ((r = ms_file_read_all(path, &data, &len, MS_KEYFILE_MAX)) != 0) {
		if (r == MS_ERR_LIMIT)
			r = MS_ERR_KEY_FILE_CORRUPT;
		return r;
	}
	if ((bio = BIO_new_mem_buf(data, (int)len)) == NULL) {
		r = MS_ERR_LIBCRYPTO;
		goto out;
	}
	if (PEM_read_bio(bio, &name, &header, &der, &derlen) != 1 ||
	    derlen <= 0) {
		r = MS_ERR_KEY_FILE_CORRUPT;
		goto out;
	}
	/* PKCS#8 has no PEM headers; legacy encrypted PEM is not ours. */
	if (header != NULL && *header != '\0') {
		r = MS_ERR_KEY_TYPE_UNKNOWN;
		goto out;
	}
	*namep = name;
	*derp = der;
	*derlenp = derlen;
	name = NULL;
	der = NULL;
	r = 0;
 out:
	ERR_clear_error();
	OPENSSL_free(name);
	OPENSSL_free(header);
	if (der != NULL)
		OPENSSL_clear_free(der, (size_t)derlen);
	BIO_free(bio);
	freezero(data, len + 1);
	return r;
}

int
ms_key_is_encrypted(const char *path)
{
	char *name = NULL;
	u_char *der = NULL;
	long derlen = 0;
	int r;

	if ((r = ms_pem_read_file(path, &name, &der, &derlen)) != 0)
		return r;
	r = strcmp(name, PEM_LABEL_ENCPRIV) == 0;
	OPENSSL_free(name);
	OPENSSL_clear_free(der, (size_t)derlen);
	return r;
}

/* PrivateKeyInfo of ours -> EVP_PKEY; other algorithms are unknown types. */
static int
p8_to_pkey(const PKCS8_PRIV_KEY_INFO *p8, EVP_PKEY **keyp)
{
	const ASN1_OBJECT *alg = NULL;
	EVP_PKEY *key;
	int nid;

	if (PKCS8_pkey_get0(&alg, NULL, NULL, NULL, p8) != 1 || alg == NULL)
		return MS_ERR_KEY_FILE_CORRUPT;
	nid = OBJ_obj2nid(alg);
	if (nid != NID_ED25519 && nid != NID_X25519)
		return MS_ERR_KEY_TYPE_UNKNOWN;
	if ((key = EVP_PKCS82PKEY_ex(p8, NULL, NULL)) == NULL) {
		ERR_clear_error();
		return MS_ERR_KEY_FILE_CORRUPT;
	}
	if (ms_pkey_type(key) == MS_KEY_UNKNOWN) {
		EVP_PKEY_free(key);
		return MS_ERR_KEY_TYPE_UNKNOWN;
	}
	*keyp = key;
	return 0;
}

static int
decrypt_p8(const u_char *der, long derlen, const char *passphrase,
    PKCS8_PRIV_KEY_INFO **p8p)
{
	const u_char *p = der;
	X509_SIG *sig;
	size_t plen;

	if ((sig = d2i_X509_SIG(NULL, &p, derlen)) == NULL ||
	    p != der + derlen) {
		X509_SIG_free(sig);
		return MS_ERR_KEY_FILE_CORRUPT;
	}
	if (passphrase == NULL) {
		X509_SIG_free(sig);
		return MS_ERR_PASSPHRASE_REQUIRED;
	}
	if ((plen = strlen(passphrase)) > INT_MAX) {
		X509_SIG_free(sig);
		return MS_ERR_INVALID_ARGUMENT;
	}
	/*
	 * A wrong passphrase and a damaged ciphertext look the same (padding
	 * or DER failure after decryption); the passphrase is the likely one.
	 */
	*p8p = PKCS8_decrypt_ex(sig, passphrase, (int)plen, NULL, NULL);
	X509_SIG_free(sig);
	return *p8p == NULL ? MS_ERR_BAD_PASSPHRASE : 0;
}

int
ms_key_load_private(const char *path, const char *passphrase, EVP_PKEY **keyp)
{
	PKCS8_PRIV_KEY_INFO *p8 = NULL;
	char *name = NULL;
	u_char *der = NULL;
	const u_char *p;
	long derlen = 0;
	size_t llen;
	int r;

	*keyp = NULL;
	if ((r = ms_pem_read_file(path, &name, &der, &derlen)) != 0)
		return r;
	if (strcmp(name, PEM_LABEL_ENCPRIV) == 0) {
		if ((r = decrypt_p8(der, derlen, passphrase, &p8)) != 0)
			goto out;
	} else if (strcmp(name, PEM_LABEL_PRIV) == 0) {
		p = der;
		if ((p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, derlen)) == NULL ||
		    p != der + derlen) {
			r = MS_ERR_KEY_FILE_CORRUPT;
			goto out;
		}
	} else {
		/* "RSA PRIVATE KEY", "OPENSSH PRIVATE KEY", ...: not ours. */
		llen = strlen(name);
		if (llen >= strlen(PEM_LABEL_PRIV) && strcmp(name + llen -
		    strlen(PEM_LABEL_PRIV), PEM_LABEL_PRIV) == 0)
			r = MS_ERR_KEY_TYPE_UNKNOWN;
		else
			r = MS_ERR_KEY_FILE_CORRUPT;
		goto out;
	}
	r = p8_to_pkey(p8, keyp);
 out:
	ERR_clear_error();
	PKCS8_PRIV_KEY_INFO_free(p8);
	OPENSSL_free(name);
	OPENSSL_clear_free(der, (size_t)derlen);
	return r;
}

static int
encode_plain(EVP_PKEY *key, u_char **datap, size_t *lenp)
{
	OSSL_ENCODER_CTX *ectx;
	int r = MS_ERR_LIBCRYPTO;

	ectx = OSSL_ENCODER_CTX_new_for_pkey(key, EVP_PKEY_KEYPAIR, "PEM",
	    "PrivateKeyInfo", NULL);
	if (ectx == NULL || OSSL_ENCODER_CTX_get_num_encoders(ectx) == 0)
		goto out;
	if (OSSL_ENCODER_to_data(ectx, datap, lenp) != 1)
		goto out;
	r = 0;
 out:
	OSSL_ENCODER_CTX_free(ectx);
	return r;
}

/*
 * OpenSSL 3.0's encoder cannot select scrypt (it always uses PBKDF2), so
 * the encrypted form is built with the PKCS#8 API: PBES2 with scrypt and
 * AES-256-CBC, exactly what `openssl pkcs8 -topk8 -scrypt` writes.
 */
static int
encode_encrypted(EVP_PKEY *key, const char *passphrase, u_char **datap,
    size_t *lenp)
{
	PKCS8_PRIV_KEY_INFO *p8 = NULL;
	X509_ALGOR *pbe = NULL;
	X509_SIG *sig = NULL;
	BIO *bio = NULL;
	BUF_MEM *mem = NULL;
	size_t plen = strlen(passphrase);
	int r = MS_ERR_LIBCRYPTO;

	if (plen > INT_MAX)
		return MS_ERR_INVALID_ARGUMENT;
	if ((p8 = EVP_PKEY2PKCS8(key)) == NULL)
		goto out;
	if ((pbe = PKCS5_pbe2_set_scrypt(EVP_aes_256_cbc(), NULL, 0, NULL,
	    SCRYPT_N, SCRYPT_R, SCRYPT_P)) == NULL)
		goto out;
	if ((sig = PKCS8_set0_pbe_ex(passphrase, (int)plen, p8, pbe,
	    NULL, NULL)) == NULL)
		goto out;
	pbe = NULL;	/* owned by sig now */
	if ((bio = BIO_new(BIO_s_secmem())) == NULL ||
	    PEM_write_bio_PKCS8(bio, sig) != 1 ||
	    BIO_get_mem_ptr(bio, &mem) != 1 || mem == NULL || mem->length == 0)
		goto out;
	if ((*datap = OPENSSL_memdup(mem->data, mem->length)) == NULL) {
		r = MS_ERR_ALLOC;
		goto out;
	}
	*lenp = mem->length;
	r = 0;
 out:
	BIO_free(bio);
	X509_SIG_free(sig);
	X509_ALGOR_free(pbe);
	PKCS8_PRIV_KEY_INFO_free(p8);
	return r;
}

/* The label of the first PEM block, or "" when there is none. */
void
ms_pem_label(const u_char *data, size_t len, char *label, size_t labellen)
{
	const char *begin = "-----BEGIN ", *p, *end;
	size_t n;

	label[0] = '\0';
	if ((p = memmem(data, len, begin, strlen(begin))) == NULL)
		return;
	p += strlen(begin);
	if ((end = memmem(p, len - (size_t)(p - (const char *)data), "-----",
	    5)) == NULL)
		return;
	if ((n = (size_t)(end - p)) >= labellen)
		return;
	memcpy(label, p, n);
	label[n] = '\0';
}

static int has_suffix(const char *, const char *);

int
ms_pem_label_is_private(const char *label)
{
	return has_suffix(label, PEM_LABEL_PRIV);
}

static int
has_suffix(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

/* Decode one PEM key of 'selection' from data. */
int
ms_pem_decode_key(const u_char *data, size_t len, int selection,
    const char *passphrase, EVP_PKEY **keyp)
{
	OSSL_DECODER_CTX *dctx = NULL;
	EVP_PKEY *key = NULL;
	const u_char *p = data;
	size_t left = len;
	int r = MS_ERR_KEY_FILE_CORRUPT;

	if ((dctx = OSSL_DECODER_CTX_new_for_pkey(&key, "PEM", NULL, NULL,
	    selection, NULL, NULL)) == NULL) {
		r = MS_ERR_LIBCRYPTO;
		goto out;
	}
	if (passphrase != NULL && OSSL_DECODER_CTX_set_passphrase(dctx,
	    (const u_char *)passphrase, strlen(passphrase)) != 1) {
		r = MS_ERR_LIBCRYPTO;
		goto out;
	}
	if (OSSL_DECODER_from_data(dctx, &p, &left) != 1 || key == NULL)
		goto out;
	*keyp = key;
	key = NULL;
	r = 0;
 out:
	ERR_clear_error();
	EVP_PKEY_free(key);
	OSSL_DECODER_CTX_free(dctx);
	return r;
}

/*
 * Any private key OpenSSL can decode (PKCS#8 or the traditional "EC/RSA
 * PRIVATE KEY"), for certificate identities; the caller applies its own
 * key-type policy.  Ed25519/X25519 go through ms_key_load_private for its
 * precise errors.
 */
int
ms_key_load_private_any(const char *path, const char *passphrase,
    EVP_PKEY **keyp)
{
	u_char *data = NULL;
	size_t len = 0;
	char label[64];
	int r, encrypted;

	*keyp = NULL;
	r = ms_key_load_private(path, passphrase, keyp);
	if (r != MS_ERR_KEY_TYPE_UNKNOWN)
		return r;
	if ((r = ms_file_read_all(path, &data, &len, MS_KEYFILE_MAX)) != 0)
		return r == MS_ERR_LIMIT ? MS_ERR_KEY_FILE_CORRUPT : r;
	ms_pem_label(data, len, label, sizeof(label));
	if (!has_suffix(label, PEM_LABEL_PRIV)) {
		r = MS_ERR_KEY_FILE_CORRUPT;
		goto out;
	}
	encrypted = strcmp(label, PEM_LABEL_ENCPRIV) == 0 ||
	    memmem(data, len, PEM_LEGACY_ENC, strlen(PEM_LEGACY_ENC)) != NULL;
	if (encrypted && passphrase == NULL) {
		r = MS_ERR_PASSPHRASE_REQUIRED;
		goto out;
	}
	if ((r = ms_pem_decode_key(data, len, EVP_PKEY_KEYPAIR, passphrase,
	    keyp)) != 0 && encrypted)
		r = MS_ERR_BAD_PASSPHRASE;
 out:
	freezero(data, len + 1);
	return r;
}

int
ms_key_save_private_any(const char *path, EVP_PKEY *key,
    const char *passphrase)
{
	u_char *data = NULL;
	size_t len = 0;
	int r;

	if (path == NULL || key == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if (passphrase == NULL || *passphrase == '\0')
		r = encode_plain(key, &data, &len);
	else
		r = encode_encrypted(key, passphrase, &data, &len);
	ERR_clear_error();
	if (r != 0)
		return r;
	r = ms_file_write_new(path, data, len, 0600);
	OPENSSL_clear_free(data, len);
	return r;
}

int
ms_key_save_private(const char *path, EVP_PKEY *key, const char *passphrase)
{
	if (path == NULL || key == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if (ms_pkey_type(key) == MS_KEY_UNKNOWN)
		return MS_ERR_KEY_TYPE_UNKNOWN;
	return ms_key_save_private_any(path, key, passphrase);
}

