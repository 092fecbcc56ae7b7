/*
 * keyfile.h — the key-file code every program may link: file I/O
 * (fileio.c), base64 (base64.c), public keys (pubkey.c); key type names
 * are in keytype.h.  Private keys are in keys/privkey.h and the store key in
 * keys/storekey.h, a library metasafe-worker does not link (I1).
 *
 * Public keys: one line "TYPE BASE64 [COMMENT]\n" where TYPE is
 * "ms-ed25519" or "ms-x25519" and BASE64 encodes the 32 raw public-key bytes.
 *
 * Fingerprints: "SHA256:" + unpadded base64 of SHA-256(raw public key).
 */
#ifndef MS_KEYFILE_H
#define MS_KEYFILE_H

#include <stddef.h>
#include <sys/types.h>

#include <openssl/evp.h>

#include "crypto.h"
#include "mslimits.h"	/* MS_STORE_KEY_LEN, MS_STORE_KCV_LEN */
#include "keytype.h"		/* ms_keytype_name() and the others */

#define MS_PUBKEY_LINE_MAX	1024
#define MS_FINGERPRINT_MAX	64	/* "SHA256:" + 43 + NUL fits */
#define MS_KEYFILE_MAX		(64 * 1024)

int	ms_key_save_public(const char *path, EVP_PKEY *key, const char *comment);
/* Format / parse one public-key line (no trailing newline in *linep). */
int	ms_pubkey_format(EVP_PKEY *key, const char *comment, char **linep);
/* Parses "TYPE BASE64 [COMMENT]"; commentp may be NULL. */
int	ms_pubkey_parse(const char *line, enum ms_keytype *typep,
	    u_char raw[32], char **commentp);
int	ms_key_load_public(const char *path, EVP_PKEY **keyp, char **commentp);

int	ms_fingerprint(const u_char *raw, size_t len, char *out, size_t outlen);

/* Base64 helpers (standard alphabet).  nopad omits '='. */
int	ms_base64_encode(const u_char *in, size_t len, int nopad, char **outp);
int	ms_base64_decode(const char *in, u_char **outp, size_t *lenp, size_t maxlen);

/* Read a whole small file (<= maxlen) / write one atomically-new (O_EXCL). */
int	ms_file_read_all(const char *path, u_char **datap, size_t *lenp, size_t maxlen);
int	ms_file_write_new(const char *path, const void *data, size_t len, mode_t mode);

#endif /* MS_KEYFILE_H */
