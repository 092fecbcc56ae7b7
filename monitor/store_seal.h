/*
 * store_seal.h — sealing SECURE values under the store keys
 * (monitor/store_seal.c).  Independent of LMDB: any store backend seals
 * the same way.
 *
 * A sealed value is
 *   u8 2 || kcv[8] || nonce[12] || AES-256-GCM(key, nonce, value, aad)
 *   || tag[16],  aad = "metasafe-store-v1" || string path || string record
 * kcv names the sealing key (keys[0]); format 1, from before key
 * rotation, has no kcv and opens with whichever key fits.
 */
#ifndef MS_STORE_SEAL_H
#define MS_STORE_SEAL_H

#include <stddef.h>
#include <sys/types.h>

#include "proto.h"		/* MS_VALUE_MAX, MS_PATH_MAX, ... */
#include "store.h"		/* MS_STORE_KEYS_MAX */
#include "storekey.h"		/* MS_STORE_KEY_LEN, MS_STORE_KCV_LEN */

#define SEAL_FORMAT_V1	1	/* u8 1 || nonce || ct || tag */
#define SEAL_FORMAT	2	/* u8 2 || kcv || nonce || ct || tag */
#define SEAL_AAD_LABEL	"metasafe-store-v1"
#define SEALED_MAX	(1 + MS_STORE_KCV_LEN + MS_AEAD_NONCE_LEN + \
			    MS_VALUE_MAX + MS_AEAD_TAG_LEN)
#define AAD_MAX		(sizeof(SEAL_AAD_LABEL) - 1 + 4 + MS_PATH_MAX + \
			    4 + MS_RECORD_NAME_MAX)

struct msbuf;

/* The configured store keys: keys[0] seals, every key unseals. */
struct store_keyring {
	size_t	 nkeys;
	u_char	 keys[MS_STORE_KEYS_MAX][MS_STORE_KEY_LEN];
	u_char	 kcvs[MS_STORE_KEYS_MAX][MS_STORE_KCV_LEN];
};

/* Copy the keys and compute their KCVs; 0 or MS_ERR_*. */
int	store_keyring_init(struct store_keyring *kr,
	    const u_char keys[][MS_STORE_KEY_LEN], size_t nkeys);
/* Append "string stored value" holding the sealed value to out. */
int	store_seal_value(const struct store_keyring *kr, const char *path,
	    const char *name, const void *value, size_t len, struct msbuf *out);
/*
 * Open a sealed stored value; *valp (len + 1 bytes, NUL-terminated).
 * *fmtp, kcv (format 2: the key it names) and *keyp (index of the key
 * that opened it, -1 if none did) may each be NULL.  A format 2 value
 * naming no configured key is MS_ERR_STORE_KEY_MISMATCH.  0 or MS_ERR_*.
 */
int	store_unseal_value_ex(const struct store_keyring *kr, const char *path,
	    const char *name, const u_char *blob, size_t bloblen,
	    u_char **valp, size_t *lenp, int *fmtp,
	    u_char kcv[MS_STORE_KCV_LEN], int *keyp);
int	store_unseal_value(const struct store_keyring *kr, const char *path,
	    const char *name, const u_char *blob, size_t bloblen,
	    u_char **valp, size_t *lenp);

#endif /* MS_STORE_SEAL_H */
