/*
 * store_seal.c — sealing SECURE values (format: store_seal.h) and the
 * choice of the key that opens one by its KCV.  No LMDB here: the
 * sealing does not depend on the backend.
 */

#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "errors.h"
#include "store_seal.h"
#include "storekey.h"

static int
seal_aad(const char *path, const char *name, struct msbuf **bp)
{
	struct msbuf *b;
	int r;

	*bp = NULL;
	if ((b = msbuf_new(AAD_MAX)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = msbuf_put(b, SEAL_AAD_LABEL, sizeof(SEAL_AAD_LABEL) - 1)) != 0 ||
	    (r = msbuf_put_cstring(b, path)) != 0 ||
	    (r = msbuf_put_cstring(b, name)) != 0) {
		msbuf_free(b);
		return r;
	}
	*bp = b;
	return 0;
}

/* Append "string stored value" holding the sealed value to out. */
int
store_seal_value(const struct store_keyring *kr, const char *path,
    const char *name, const void *value, size_t len, struct msbuf *out)
{
	struct msbuf *aad = NULL;
	u_char nonce[MS_AEAD_NONCE_LEN], *ct;
	int r;

	if ((r = seal_aad(path, name, &aad)) != 0 ||
	    (r = ms_random_bytes(nonce, sizeof(nonce))) != 0 ||
	    (r = msbuf_put_u32(out, (uint32_t)(1 + MS_STORE_KCV_LEN +
	    sizeof(nonce) + len + MS_AEAD_TAG_LEN))) != 0 ||
	    (r = msbuf_put_u8(out, SEAL_FORMAT)) != 0 ||
	    (r = msbuf_put(out, kr->kcvs[0], MS_STORE_KCV_LEN)) != 0 ||
	    (r = msbuf_put(out, nonce, sizeof(nonce))) != 0 ||
	    (r = msbuf_reserve(out, len + MS_AEAD_TAG_LEN, &ct)) != 0 ||
	    (r = ms_aead_seal(MS_AEAD_AES256_GCM, kr->keys[0], nonce,
	    msbuf_ptr(aad), msbuf_len(aad), value, len, ct)) != 0)
		goto out;
 out:
	msbuf_free(aad);
	return r;
}

/*
 * Open a sealed stored value; *valp (len + 1 bytes, NUL-terminated).
 * *fmtp, *kcvp (format 2: the key it names) and *keyp (index of the key
 * that opened it, -1 if none did) may each be NULL.  A format 2 value
 * naming no configured key is MS_ERR_STORE_KEY_MISMATCH.
 */
int
store_unseal_value_ex(const struct store_keyring *kr, const char *path,
    const char *name, const u_char *blob, size_t bloblen, u_char **valp,
    size_t *lenp, int *fmtp, u_char kcv[MS_STORE_KCV_LEN], int *keyp)
{
	struct msbuf *b = NULL, *aad = NULL;
	u_char nonce[MS_AEAD_NONCE_LEN], named[MS_STORE_KCV_LEN], *pt = NULL;
	uint8_t fmt = 0;
	size_t ctlen, ptlen = 0, i;
	int r;

	*valp = NULL;
	*lenp = 0;
	if (keyp != NULL)
		*keyp = -1;
	if (fmtp != NULL)
		*fmtp = 0;
	if ((b = msbuf_from(blob, bloblen)) == NULL) {
		r = MS_ERR_ALLOC;
		goto out;
	}
	if ((r = msbuf_get_u8(b, &fmt)) != 0)
		goto out;
	if (fmt != SEAL_FORMAT && fmt != SEAL_FORMAT_V1) {
		r = MS_ERR_INVALID_FORMAT;
		goto out;
	}
	if (fmtp != NULL)
		*fmtp = fmt;
	if ((fmt == SEAL_FORMAT &&
	    (r = msbuf_get(b, named, sizeof(named))) != 0) ||
	    (r = msbuf_get(b, nonce, sizeof(nonce))) != 0)
		goto out;
	if (fmt == SEAL_FORMAT && kcv != NULL)
		memcpy(kcv, named, sizeof(named));
	ctlen = msbuf_len(b);
	if (ctlen < MS_AEAD_TAG_LEN || ctlen - MS_AEAD_TAG_LEN > MS_VALUE_MAX) {
		r = MS_ERR_INVALID_FORMAT;
		goto out;
	}
	ptlen = ctlen - MS_AEAD_TAG_LEN;
	if ((pt = calloc(1, ptlen + 1)) == NULL) {
		r = MS_ERR_ALLOC;
		goto out;
	}
	if ((r = seal_aad(path, name, &aad)) != 0)
		goto out;
	r = fmt == SEAL_FORMAT ? MS_ERR_STORE_KEY_MISMATCH : MS_ERR_MAC_INVALID;
	for (i = 0; i < kr->nkeys; i++) {
		/* Format 2 names its key; format 1 tries each in order. */
		if (fmt == SEAL_FORMAT &&
		    memcmp(named, kr->kcvs[i], sizeof(named)) != 0)
			continue;
		if ((r = ms_aead_open(MS_AEAD_AES256_GCM, kr->keys[i], nonce,
		    msbuf_ptr(aad), msbuf_len(aad), msbuf_ptr(b), ctlen,
		    pt)) == 0) {
			if (keyp != NULL)
				*keyp = (int)i;
			break;
		}
		if (fmt == SEAL_FORMAT)
			break;
	}
	if (r != 0)
		goto out;
	*valp = pt;
	*lenp = ptlen;
	pt = NULL;
 out:
	freezero(pt, ptlen + 1);
	msbuf_free(aad);
	msbuf_free(b);
	return r;
}

int
store_unseal_value(const struct store_keyring *kr, const char *path,
    const char *name, const u_char *blob, size_t bloblen, u_char **valp,
    size_t *lenp)
{
	return store_unseal_value_ex(kr, path, name, blob, bloblen, valp, lenp,
	    NULL, NULL, NULL);
}

int
store_keyring_init(struct store_keyring *kr,
    const u_char keys[][MS_STORE_KEY_LEN], size_t nkeys)
{
	size_t i;
	int r;

	if (nkeys == 0 || nkeys > MS_STORE_KEYS_MAX)
		return MS_ERR_INVALID_ARGUMENT;
	kr->nkeys = nkeys;
	for (i = 0; i < nkeys; i++) {
		memcpy(kr->keys[i], keys[i], MS_STORE_KEY_LEN);
		if ((r = ms_store_key_kcv(kr->keys[i], kr->kcvs[i])) != 0)
			return r;
	}
	return 0;
}
