/*
 * hostkeys.c — load the host signature, key-exchange and store keys.
 */
#include <sys/types.h>

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "crypto.h"
#include "errors.h"
#include "hostkeys.h"
#include "keyfile.h"

static int
load_typed(const char *path, enum ms_keytype want, EVP_PKEY **keyp,
    u_char pub[32], char *errbuf, size_t errlen)
{
	int r;

	if ((r = ms_key_load_private(path, NULL, keyp)) != 0) {
		snprintf(errbuf, errlen, "%s: %s", path, ms_err(r));
		return r;
	}
	if (ms_pkey_type(*keyp) != want) {
		snprintf(errbuf, errlen, "%s: not an %s key", path,
		    ms_keytype_short(want));
		return MS_ERR_KEY_TYPE_MISMATCH;
	}
	if ((r = ms_pkey_raw_public(*keyp, pub, 32)) != 0) {
		snprintf(errbuf, errlen, "%s: %s", path, ms_err(r));
		return r;
	}
	return 0;
}

int
hostkeys_load(struct hostkeys *hk, const char *sig_path, const char *kex_path,
    const char *store_path, char *errbuf, size_t errlen)
{
	int r;

	memset(hk, 0, sizeof(*hk));
	if ((r = load_typed(sig_path, MS_KEY_ED25519, &hk->sig, hk->sig_pub,
	    errbuf, errlen)) != 0 ||
	    (r = load_typed(kex_path, MS_KEY_X25519, &hk->kex, hk->kex_pub,
	    errbuf, errlen)) != 0)
		goto fail;
	if ((r = ms_store_key_load(store_path, hk->store_key)) != 0) {
		snprintf(errbuf, errlen, "%s: %s", store_path, ms_err(r));
		goto fail;
	}
	return 0;
 fail:
	hostkeys_free(hk);
	return r;
}

void
hostkeys_free(struct hostkeys *hk)
{
	EVP_PKEY_free(hk->sig);
	EVP_PKEY_free(hk->kex);
	OPENSSL_cleanse(hk, sizeof(*hk));
}
