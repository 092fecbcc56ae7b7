/*
 * hostkeys.c — load the host signature, key-exchange and store keys.
 */
#include <sys/types.h>

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/x509.h>

#include "buf.h"
#include "certs.h"

#include "crypto.h"
#include "errors.h"
#include "hostkeys.h"
#include "keyfile.h"
#include "log.h"
#include "msg_certs.h"
#include "privkey.h"
#include "proto.h"
#include "storekey.h"

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

static int
load_store_keys(struct hostkeys *hk, char *const *store_paths, size_t nstore,
    char *errbuf, size_t errlen)
{
	size_t i;
	int r;

	if (nstore == 0 || nstore > MS_STORE_KEYS_MAX) {
		snprintf(errbuf, errlen, "StoreKey: 1 to %d files needed",
		    MS_STORE_KEYS_MAX);
		return MS_ERR_INVALID_ARGUMENT;
	}
	for (i = 0; i < nstore; i++) {
		if ((r = ms_store_key_load(store_paths[i],
		    hk->store_keys[i])) != 0) {
			snprintf(errbuf, errlen, "StoreKey %s: %s",
			    store_paths[i], ms_err(r));
			return r;
		}
		hk->nstore_keys = i + 1;
	}
	return 0;
}

int
hostkeys_load_store_keys(struct hostkeys *hk, char *const *store_paths,
    size_t nstore, char *errbuf, size_t errlen)
{
	int r;

	memset(hk, 0, sizeof(*hk));
	if ((r = load_store_keys(hk, store_paths, nstore, errbuf,
	    errlen)) != 0)
		hostkeys_free(hk);
	return r;
}

int
hostkeys_load(struct hostkeys *hk, const char *sig_path, const char *kex_path,
    char *const *store_paths, size_t nstore, char *errbuf, size_t errlen)
{
	int r;

	memset(hk, 0, sizeof(*hk));
	if ((r = load_typed(sig_path, MS_KEY_ED25519, &hk->sig, hk->sig_pub,
	    errbuf, errlen)) != 0 ||
	    (r = load_typed(kex_path, MS_KEY_X25519, &hk->kex, hk->kex_pub,
	    errbuf, errlen)) != 0 ||
	    (r = load_store_keys(hk, store_paths, nstore, errbuf,
	    errlen)) != 0)
		goto fail;
	return 0;
 fail:
	hostkeys_free(hk);
	return r;
}

int
hostkeys_load_spare(struct hostkeys *hk, const char *path, char *errbuf,
    size_t errlen)
{
	EVP_PKEY *key = NULL;
	u_char pub[32];
	size_t i;
	int r;

	if (hk->nspare >= HOSTKEYS_SPARE_MAX) {
		snprintf(errbuf, errlen, "%s: too many HostKey files", path);
		return MS_ERR_LIMIT;
	}
	if ((r = load_typed(path, MS_KEY_ED25519, &key, pub, errbuf,
	    errlen)) != 0)
		goto out;
	/* The private half is not needed: a spare key never signs. */
	EVP_PKEY_free(key);
	key = NULL;
	r = MS_ERR_INVALID_ARGUMENT;
	if (memcmp(pub, hk->sig_pub, sizeof(pub)) == 0) {
		snprintf(errbuf, errlen, "%s: the same key as the first "
		    "HostKey", path);
		goto out;
	}
	for (i = 0; i < hk->nspare; i++) {
		if (memcmp(pub, hk->spare_pub[i], sizeof(pub)) == 0) {
			snprintf(errbuf, errlen, "%s: the same key as another "
			    "HostKey", path);
			goto out;
		}
	}
	memcpy(hk->spare_pub[hk->nspare++], pub, sizeof(pub));
	r = 0;
 out:
	EVP_PKEY_free(key);
	return r;
}

/* u32 len || u8 SERVER_CERTIFICATE || chain (common/msg_certs.h). */
static int
encode_cert_msg(STACK_OF(X509) *chain, struct msbuf **msgp)
{
	struct msbuf *body = NULL, *msg = NULL;
	int r;

	*msgp = NULL;
	if ((body = msbuf_new(MS_SERVER_CERT_MSG_MAX)) == NULL ||
	    (msg = msbuf_new(MS_SERVER_CERT_MSG_MAX)) == NULL) {
		r = MS_ERR_ALLOC;
		goto out;
	}
	if ((r = msbuf_put_u8(body, MS_MSG_SERVER_CERTIFICATE)) != 0 ||
	    (r = ms_cert_chain_put_x509(body, chain)) != 0 ||
	    (r = msbuf_put_u32(msg, (uint32_t)msbuf_len(body))) != 0 ||
	    (r = msbuf_putb(msg, body)) != 0)
		goto out;
	*msgp = msg;
	msg = NULL;
 out:
	msbuf_free(body);
	msbuf_free(msg);
	return r;
}

int
hostkeys_load_cert(struct hostkeys *hk, const char *path, char *errbuf,
    size_t errlen)
{
	STACK_OF(X509) *chain = NULL;
	X509 *leaf;
	int r;

	if ((r = ms_cert_chain_read_pem(path, &chain, errbuf, errlen)) != 0)
		return r;
	if (sk_X509_num(chain) > MS_CERTS_MAX) {
		snprintf(errbuf, errlen, "%s: more than %d certificates", path,
		    MS_CERTS_MAX);
		r = MS_ERR_LIMIT;
		goto out;
	}
	leaf = sk_X509_value(chain, 0);
	/* The certificate is useless, and misleading, for another key. */
	if (hk->sig == NULL || X509_get0_pubkey(leaf) == NULL ||
	    EVP_PKEY_eq(X509_get0_pubkey(leaf), hk->sig) != 1) {
		snprintf(errbuf, errlen, "%s: the first certificate does not "
		    "certify the host signature key (HostKey)", path);
		r = MS_ERR_KEY_TYPE_MISMATCH;
		goto out;
	}
	if (X509_cmp_current_time(X509_get0_notAfter(leaf)) <= 0)
		logit("warning: %s: host certificate has expired", path);
	if ((r = encode_cert_msg(chain, &hk->cert_msg)) != 0)
		snprintf(errbuf, errlen, "%s: certificates too large for "
		    "SERVER_CERTIFICATE (%d bytes each, %d in all): %s", path,
		    MS_CERT_DER_MAX, MS_SERVER_CERT_MSG_MAX, ms_err(r));
 out:
	sk_X509_pop_free(chain, X509_free);
	return r;
}

void
hostkeys_free(struct hostkeys *hk)
{
	msbuf_free(hk->cert_msg);
	EVP_PKEY_free(hk->sig);
	EVP_PKEY_free(hk->kex);
	OPENSSL_cleanse(hk, sizeof(*hk));
}
