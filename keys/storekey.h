/*
 * storekey.h — the store key file (keys/storekey.c).
 *
 * See PROTOCOL.md "Store key file": a 256-bit key in PEM armour
 * "BEGIN METASAFE STORE KEY" around base64("MSSK" || u8 1 || key[32] ||
 * check[4]) with check = SHA-256("metasafe store key check" || key)[0..3].
 *
 * Linked by metasafed, metasafe-admin and metasafe-keygen only.
 */
#ifndef MS_STOREKEY_H
#define MS_STOREKEY_H

#include <stddef.h>
#include <sys/types.h>

#include "keyfile.h"
#include "mslimits.h"	/* MS_STORE_KEY_LEN, MS_STORE_KCV_LEN */

int	ms_store_key_save(const char *path, const u_char key[MS_STORE_KEY_LEN]);
int	ms_store_key_load(const char *path, u_char key[MS_STORE_KEY_LEN]);

/*
 * Store key check value (PROTOCOL.md 13): the first 8 bytes of
 * HMAC-SHA256(key, "metasafe store key check v1").  It names a store key
 * without revealing it; printed as "KCV:" and 16 lower-case hex digits.
 */
#define MS_STORE_KCV_STRLEN	(4 + 2 * MS_STORE_KCV_LEN)	/* no NUL */
int	ms_store_key_kcv(const u_char key[MS_STORE_KEY_LEN],
	    u_char kcv[MS_STORE_KCV_LEN]);
/* "KCV:0123456789abcdef" into out (at least MS_STORE_KCV_STRLEN + 1). */
void	ms_store_kcv_format(const u_char kcv[MS_STORE_KCV_LEN], char *out,
	    size_t outlen);

#endif /* MS_STOREKEY_H */
