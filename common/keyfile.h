/*
 * keyfile.h — key files on disk.
 *
 * Private keys: PKCS#8 PEM ("BEGIN PRIVATE KEY", or "BEGIN ENCRYPTED
 * PRIVATE KEY" with AES-256-CBC under scrypt when a passphrase is given),
 * readable by `openssl pkey`.  Written with O_CREAT|O_EXCL, mode 0600,
 * fsync'd; never overwritten.
 *
 * Public keys: one line "TYPE BASE64 [COMMENT]\n" where TYPE is
 * "ms-ed25519" or "ms-x25519" and BASE64 encodes the 32 raw public-key bytes.
 *
 * Fingerprints: "SHA256:" + unpadded base64 of SHA-256(raw public key).
 *
 * Store key: see PROTOCOL.md "Store key file"; a 256-bit key in PEM armour
 * "BEGIN METASAFE STORE KEY" around base64("MSSK" || u8 1 || key[32] ||
 * check[4]) with check = SHA-256("metasafe store key check" || key)[0..3].
 */
#ifndef MS_KEYFILE_H
#define MS_KEYFILE_H

#include <stddef.h>
#include <sys/types.h>

#include <openssl/evp.h>

#include "crypto.h"
#include "mslimits.h"	/* MS_STORE_KEY_LEN, MS_STORE_KCV_LEN */

#define MS_PUBKEY_LINE_MAX	1024
#define MS_FINGERPRINT_MAX	64	/* "SHA256:" + 43 + NUL fits */
#define MS_KEYFILE_MAX		(64 * 1024)

const char	*ms_keytype_name(enum ms_keytype t);	/* "ms-ed25519" */
const char	*ms_keytype_short(enum ms_keytype t);	/* "ed25519" */
const char	*ms_keytype_upper(enum ms_keytype t);	/* "ED25519" */
/* Accepts "ed25519", "ms-ed25519", "x25519", "ms-x25519". */
enum ms_keytype	 ms_keytype_from_name(const char *name);

/* passphrase NULL or "" writes an unencrypted key. */
int	ms_key_save_private(const char *path, EVP_PKEY *key, const char *passphrase);
/*
 * passphrase NULL: an encrypted key fails with MS_ERR_PASSPHRASE_REQUIRED.
 * Wrong passphrase: MS_ERR_BAD_PASSPHRASE.  Garbage: MS_ERR_KEY_FILE_CORRUPT.
 * Other types than ed25519/x25519: MS_ERR_KEY_TYPE_UNKNOWN.
 */
int	ms_key_load_private(const char *path, const char *passphrase, EVP_PKEY **keyp);
/* 1 if the file is an encrypted PKCS#8 key, 0 if not, <0 on error. */
int	ms_key_is_encrypted(const char *path);

/*
 * The same for any key type OpenSSL can encode or decode (ECDSA, RSA, ...,
 * PKCS#8 or the traditional "EC/RSA PRIVATE KEY" on input): certificate
 * identities.  The caller enforces its own key-type policy.
 */
int	ms_key_save_private_any(const char *path, EVP_PKEY *key,
	    const char *passphrase);
int	ms_key_load_private_any(const char *path, const char *passphrase,
	    EVP_PKEY **keyp);
/* The label of the first PEM block ("" if none), and whether it names a
 * private key; decode one PEM key of an OSSL_KEYMGMT selection. */
void	ms_pem_label(const u_char *data, size_t len, char *label, size_t labellen);
int	ms_pem_label_is_private(const char *label);
int	ms_pem_decode_key(const u_char *data, size_t len, int selection,
	    const char *passphrase, EVP_PKEY **keyp);

int	ms_key_save_public(const char *path, EVP_PKEY *key, const char *comment);
/* Format / parse one public-key line (no trailing newline in *linep). */
int	ms_pubkey_format(EVP_PKEY *key, const char *comment, char **linep);
/* Parses "TYPE BASE64 [COMMENT]"; commentp may be NULL. */
int	ms_pubkey_parse(const char *line, enum ms_keytype *typep,
	    u_char raw[32], char **commentp);
int	ms_key_load_public(const char *path, EVP_PKEY **keyp, char **commentp);

int	ms_fingerprint(const u_char *raw, size_t len, char *out, size_t outlen);

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

/* Base64 helpers (standard alphabet).  nopad omits '='. */
int	ms_base64_encode(const u_char *in, size_t len, int nopad, char **outp);
int	ms_base64_decode(const char *in, u_char **outp, size_t *lenp, size_t maxlen);

/* Read a whole small file (<= maxlen) / write one atomically-new (O_EXCL). */
int	ms_file_read_all(const char *path, u_char **datap, size_t *lenp, size_t maxlen);
int	ms_file_write_new(const char *path, const void *data, size_t len, mode_t mode);

#endif /* MS_KEYFILE_H */
