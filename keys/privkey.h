/*
 * privkey.h — private key files (keys/privkey.c).
 *
 * PKCS#8 PEM ("BEGIN PRIVATE KEY", or "BEGIN ENCRYPTED PRIVATE KEY" with
 * AES-256-CBC under scrypt when a passphrase is given), readable by
 * `openssl pkey`.  Written with O_CREAT|O_EXCL, mode 0600, fsync'd; never
 * overwritten.
 *
 * Linked by metasafed, metasafe-admin, metasafe-keygen and the client
 * library, never by metasafe-worker: the worker holds no long-term key
 * (I1), and regress/worker-symbols.sh checks that it cannot load one.
 */
#ifndef MS_PRIVKEY_H
#define MS_PRIVKEY_H

#include <stddef.h>
#include <sys/types.h>

#include <openssl/evp.h>

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

#endif /* MS_PRIVKEY_H */
