/*
 * fuzz_keyfile.c — key files (keys/privkey.c, keys/storekey.c,
 * common/pubkey.c): the input as a file, loaded as a private key (PKCS#8
 * PEM of the project's own, then any PEM key OpenSSL decodes), a public
 * key file, and a store key file; and its first PEM label read.
 *
 * No passphrase is given: an encrypted key must be refused as needing
 * one, before any key derivation (whose cost a mutated iteration count
 * would make unbounded).  Invariants: what the project's own loader
 * accepts is a key of a type the project knows; a load that succeeds
 * hands back a key.
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "crypto.h"
#include "fuzz.h"
#include "keyfile.h"
#include "mslimits.h"
#include "privkey.h"
#include "storekey.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	FUZZ_CHECK(ms_crypto_init() == 0);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u_char skey[MS_STORE_KEY_LEN];
	char path[64], label[64], *comment = NULL;
	EVP_PKEY *key = NULL;
	int fd;

	ms_pem_label(data, size, label, sizeof(label));
	FUZZ_CHECK(memchr(label, '\0', sizeof(label)) != NULL);
	(void)ms_pem_label_is_private(label);
	if ((fd = fuzz_memfile(data, size, path, sizeof(path))) == -1)
		return 0;
	if (ms_key_load_private(path, NULL, &key) == 0) {
		FUZZ_CHECK(key != NULL);
		FUZZ_CHECK(ms_pkey_type(key) != MS_KEY_UNKNOWN);
	}
	EVP_PKEY_free(key);
	key = NULL;
	if (ms_key_load_private_any(path, NULL, &key) == 0)
		FUZZ_CHECK(key != NULL);
	EVP_PKEY_free(key);
	key = NULL;
	if (ms_key_load_public(path, &key, &comment) == 0)
		FUZZ_CHECK(key != NULL);
	EVP_PKEY_free(key);
	free(comment);
	(void)ms_store_key_load(path, skey);
	explicit_bzero(skey, sizeof(skey));
	close(fd);
	ERR_clear_error();
	return 0;
}
