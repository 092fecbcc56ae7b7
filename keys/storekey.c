/*
 * storekey.c — the store key file and its check value (PROTOCOL.md 13).
 *
 * Only the programs that hold store keys link this: metasafed,
 * metasafe-admin and metasafe-keygen (which creates them).  The decoded
 * binary is parsed with msbuf_*.
 */

#include <sys/types.h>

#include <stdint.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/buffer.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "buf.h"
#include "crypto.h"
#include "errors.h"
#include "keyfile.h"
#include "keys_int.h"
#include "storekey.h"

#define PEM_LABEL_STORE		"METASAFE STORE KEY"

#define STORE_MAGIC		"MSSK"
#define STORE_MAGIC_LEN		4
#define STORE_VERSION		1
#define STORE_CHECK_LEN		4
#define STORE_CHECK_LABEL	"metasafe store key check"
#define STORE_BLOB_LEN		(STORE_MAGIC_LEN + 1 + MS_STORE_KEY_LEN + \
				    STORE_CHECK_LEN)

static int
store_check(const u_char key[MS_STORE_KEY_LEN], u_char check[STORE_CHECK_LEN])
{
	struct msbuf *b;
	u_char hash[MS_SHA256_LEN];
	int r;

	b = msbuf_new(sizeof(STORE_CHECK_LABEL) + MS_STORE_KEY_LEN);
	if (b == NULL)
		return MS_ERR_ALLOC;
	if ((r = msbuf_put(b, STORE_CHECK_LABEL,
	    strlen(STORE_CHECK_LABEL))) != 0 ||
	    (r = msbuf_put(b, key, MS_STORE_KEY_LEN)) != 0 ||
	    (r = ms_sha256(msbuf_ptr(b), msbuf_len(b), hash)) != 0)
		goto out;
	memcpy(check, hash, STORE_CHECK_LEN);
 out:
	OPENSSL_cleanse(hash, sizeof(hash));
	msbuf_free(b);
	return r;
}

int
ms_store_key_save(const char *path, const u_char key[MS_STORE_KEY_LEN])
{
	struct msbuf *b = NULL;
	u_char check[STORE_CHECK_LEN];
	BIO *bio = NULL;
	BUF_MEM *mem = NULL;
	int r;

	if (path == NULL || key == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if ((b = msbuf_new(STORE_BLOB_LEN)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = store_check(key, check)) != 0 ||
	    (r = msbuf_put(b, STORE_MAGIC, STORE_MAGIC_LEN)) != 0 ||
	    (r = msbuf_put_u8(b, STORE_VERSION)) != 0 ||
	    (r = msbuf_put(b, key, MS_STORE_KEY_LEN)) != 0 ||
	    (r = msbuf_put(b, check, sizeof(check))) != 0)
		goto out;
	r = MS_ERR_LIBCRYPTO;
	if ((bio = BIO_new(BIO_s_secmem())) == NULL ||
	    PEM_write_bio(bio, PEM_LABEL_STORE, "", msbuf_ptr(b),
	    (long)msbuf_len(b)) <= 0 ||
	    BIO_get_mem_ptr(bio, &mem) != 1 || mem == NULL)
		goto out;
	r = ms_file_write_new(path, mem->data, mem->length, 0600);
 out:
	ERR_clear_error();
	BIO_free(bio);
	msbuf_free(b);
	return r;
}

int
ms_store_key_load(const char *path, u_char key[MS_STORE_KEY_LEN])
{
	struct msbuf *b = NULL;
	u_char magic[STORE_MAGIC_LEN], tmp[MS_STORE_KEY_LEN];
	u_char check[STORE_CHECK_LEN], want[STORE_CHECK_LEN];
	char *name = NULL;
	u_char *der = NULL;
	long derlen = 0;
	uint8_t version;
	int r;

	if (path == NULL || key == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if ((r = ms_pem_read_file(path, &name, &der, &derlen)) != 0) {
		if (r == MS_ERR_KEY_TYPE_UNKNOWN)
			r = MS_ERR_KEY_FILE_CORRUPT;
		return r;
	}
	r = MS_ERR_KEY_FILE_CORRUPT;
	if (strcmp(name, PEM_LABEL_STORE) != 0 || derlen != STORE_BLOB_LEN)
		goto out;
	if ((b = msbuf_from(der, (size_t)derlen)) == NULL) {
		r = MS_ERR_ALLOC;
		goto out;
	}
	if (msbuf_get(b, magic, sizeof(magic)) != 0 ||
	    memcmp(magic, STORE_MAGIC, STORE_MAGIC_LEN) != 0 ||
	    msbuf_get_u8(b, &version) != 0 || version != STORE_VERSION ||
	    msbuf_get(b, tmp, sizeof(tmp)) != 0 ||
	    msbuf_get(b, check, sizeof(check)) != 0 || msbuf_len(b) != 0)
		goto out;
	if ((r = store_check(tmp, want)) != 0)
		goto out;
	if (!ms_ct_equal(check, want, sizeof(want))) {
		r = MS_ERR_KEY_FILE_CORRUPT;
		goto out;
	}
	memcpy(key, tmp, MS_STORE_KEY_LEN);
	r = 0;
 out:
	OPENSSL_cleanse(tmp, sizeof(tmp));
	msbuf_free(b);
	OPENSSL_free(name);
	OPENSSL_clear_free(der, (size_t)derlen);
	return r;
}

#define STORE_KCV_LABEL	"metasafe store key check v1"

int
ms_store_key_kcv(const u_char key[MS_STORE_KEY_LEN],
    u_char kcv[MS_STORE_KCV_LEN])
{
	u_char mac[MS_SHA256_LEN];
	int r;

	if (key == NULL || kcv == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if ((r = ms_hmac_sha256(key, MS_STORE_KEY_LEN, STORE_KCV_LABEL,
	    strlen(STORE_KCV_LABEL), mac)) == 0)
		memcpy(kcv, mac, MS_STORE_KCV_LEN);
	OPENSSL_cleanse(mac, sizeof(mac));
	return r;
}

void
ms_store_kcv_format(const u_char kcv[MS_STORE_KCV_LEN], char *out,
    size_t outlen)
{
	static const char digits[] = "0123456789abcdef";
	char s[MS_STORE_KCV_STRLEN + 1];
	size_t i;

	memcpy(s, "KCV:", 4);
	for (i = 0; i < MS_STORE_KCV_LEN; i++) {
		s[4 + 2 * i] = digits[kcv[i] >> 4];
		s[4 + 2 * i + 1] = digits[kcv[i] & 0x0f];
	}
	s[MS_STORE_KCV_STRLEN] = '\0';
	strlcpy(out, s, outlen);
}

