/*
 * identity.c — the user's identity: a PKCS#8 private key (Ed25519, ECDSA
 * P-256/P-384 or RSA) and, optionally, the certificate chain that names
 * it (PROTOCOL.md 4.3).
 *
 * Ed25519 keys go through keys/privkey.c exactly as before; other types
 * are decoded here with OSSL_DECODER (plain or encrypted PKCS#8), because
 * the shared loader deliberately refuses them for host keys.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "crypto.h"
#include "errors.h"
#include "keyfile.h"
#include "log.h"
#include "metasafe.h"
#include "msclient.h"
#include "privkey.h"
#include "sigalg.h"


static int
map_load_err(int r)
{
	switch (r) {
	case MS_ERR_PASSPHRASE_REQUIRED:
		return METASAFE_ERR_PASSPHRASE_REQUIRED;
	case MS_ERR_BAD_PASSPHRASE:
		return METASAFE_ERR_BAD_PASSPHRASE;
	case MS_ERR_NOT_FOUND:
		errno = ENOENT;
		return METASAFE_ERR_SYSTEM;
	case MS_ERR_SYSTEM:
		return METASAFE_ERR_SYSTEM;
	case MS_ERR_ALLOC:
		return METASAFE_ERR_NOMEM;
	default:
		return METASAFE_ERR_IDENTITY;
	}
}

/*
 * As ssh does, a private key that group or others may read, write or
 * execute is not used, whoever owns it.  Only a regular file has a mode
 * that means something (a pipe or /dev/fd/N is the caller's business); a
 * file that cannot be stat'ed is left for the loader to report.
 */
static int
key_perms_ok(const char *path)
{
	struct stat st;

	if (stat(path, &st) == -1 || !S_ISREG(st.st_mode))
		return 0;
	return (st.st_mode & (S_IRWXG | S_IRWXO)) == 0 ? 0 :
	    METASAFE_ERR_KEY_PERMISSIONS;
}

int
metasafe_key_load(const char *path, const char *passphrase,
    struct metasafe_key **keyp)
{
	struct metasafe_key *k;
	EVP_PKEY *pkey = NULL;
	int r, saved_errno;

	if (keyp == NULL || path == NULL)
		return METASAFE_ERR_USAGE;
	*keyp = NULL;
	if ((r = key_perms_ok(path)) != 0)
		return r;
	r = ms_key_load_private(path, passphrase, &pkey);
	if (r == MS_ERR_KEY_TYPE_UNKNOWN)
		r = ms_key_load_private_any(path, passphrase, &pkey);
	if (r != 0) {
		saved_errno = errno;
		r = map_load_err(r);
		errno = saved_errno;
		return r;
	}
	if ((k = calloc(1, sizeof(*k))) == NULL) {
		EVP_PKEY_free(pkey);
		return METASAFE_ERR_NOMEM;
	}
	k->pkey = pkey;
	if (ms_pkey_type(pkey) == MS_KEY_ED25519) {
		k->is_ed25519 = 1;
		k->sigalg = MS_SIG_ED25519;
		if (ms_pkey_raw_public(pkey, k->pub, sizeof(k->pub)) != 0) {
			metasafe_key_free(k);
			return METASAFE_ERR_IDENTITY;
		}
	} else if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_X25519 ||
	    (k->sigalg = ms_sigalg_for_key(pkey, CL_RSA_BITS_MIN)) == 0) {
		/* X25519 cannot sign; other curves or tiny RSA: unsupported. */
		ERR_clear_error();
		metasafe_key_free(k);
		return METASAFE_ERR_IDENTITY;
	}
	*keyp = k;
	return 0;
}

int
metasafe_key_load_certificate(struct metasafe_key *key, const char *path,
    char *errbuf, size_t errlen)
{
	STACK_OF(X509) *chain = NULL;
	char err[512];
	int r;

	err[0] = '\0';
	if (key == NULL || path == NULL)
		return METASAFE_ERR_USAGE;
	if ((r = cl_cert_chain_load(path, &chain, err, sizeof(err))) != 0)
		goto out;
	if (cl_cert_matches_key(sk_X509_value(chain, 0), key->pkey) != 0) {
		snprintf(err, sizeof(err), "%s: the certificate does not "
		    "match the identity key (its public key differs)", path);
		r = METASAFE_ERR_CERTIFICATE;
		goto out;
	}
	cl_chain_free(key->chain);
	key->chain = chain;
	chain = NULL;
	r = 0;
 out:
	cl_chain_free(chain);
	if (errbuf != NULL && errlen > 0)
		strlcpy(errbuf, err, errlen);
	return r;
}

const char *
metasafe_key_type(const struct metasafe_key *key)
{
	if (key == NULL)
		return "unknown";
	switch (key->sigalg) {
	case MS_SIG_ED25519:
		return "ed25519";
	case MS_SIG_ECDSA_P256_SHA256:
		return "ecdsa-p256";
	case MS_SIG_ECDSA_P384_SHA384:
		return "ecdsa-p384";
	case MS_SIG_RSA_PSS_SHA256:
		return "rsa";
	default:
		return "unknown";
	}
}

int
metasafe_key_has_certificate(const struct metasafe_key *key)
{
	return key != NULL && key->chain != NULL;
}

void
metasafe_key_free(struct metasafe_key *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey);
	cl_chain_free(k->chain);
	freezero(k, sizeof(*k));
}
