/*
 * hostkeys.h — custody of the long-term keys.  Only the monitor links this
 * module; the worker never has these keys in its address space (I1).
 */
#ifndef MS_HOSTKEYS_H
#define MS_HOSTKEYS_H

#include <sys/types.h>

#include <openssl/evp.h>

#include "keyfile.h"
#include "mslimits.h"

struct msbuf;

#define HOSTKEYS_SPARE_MAX	(MS_HOST_KEYS_MAX - 1)	/* HostKey lines after the first */

struct hostkeys {
	EVP_PKEY	*sig;		/* Ed25519 host signature key */
	/* Further HostKey lines (roll-over): checked, public half kept. */
	u_char		 spare_pub[HOSTKEYS_SPARE_MAX][32];
	size_t		 nspare;
	EVP_PKEY	*kex;		/* X25519 host key-exchange key */
	u_char		 sig_pub[32];
	u_char		 kex_pub[32];
	/* StoreKey files in order; wiped once the store has its copies. */
	u_char		 store_keys[MS_STORE_KEYS_MAX][MS_STORE_KEY_LEN];
	size_t		 nstore_keys;
	/* Canonical SERVER_CERTIFICATE message, NULL without HostCertificate. */
	struct msbuf	*cert_msg;
};

/*
 * Load the host keys and the nstore store keys; errbuf names the file
 * that failed and why.
 */
int	hostkeys_load(struct hostkeys *hk, const char *sig_path,
	    const char *kex_path, char *const *store_paths, size_t nstore,
	    char *errbuf, size_t errlen);
/* Store keys only (metasafe-admin). */
int	hostkeys_load_store_keys(struct hostkeys *hk, char *const *store_paths,
	    size_t nstore, char *errbuf, size_t errlen);
/*
 * A further HostKey (key roll-over): loaded and checked like the first (an
 * Ed25519 private key, not the same key as the first), then only its public
 * half is kept; it never signs.  errbuf names the file.
 */
int	hostkeys_load_spare(struct hostkeys *hk, const char *path,
	    char *errbuf, size_t errlen);
/*
 * HostCertificate: PEM leaf certifying the host signature key, then any
 * intermediates.  Builds hk->cert_msg; errbuf says what is wrong.
 */
int	hostkeys_load_cert(struct hostkeys *hk, const char *path, char *errbuf,
	    size_t errlen);
void	hostkeys_free(struct hostkeys *hk);

#endif /* MS_HOSTKEYS_H */
