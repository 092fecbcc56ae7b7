/*
 * fuzz_dispatch_keys.h — what fuzz_dispatch.c and gen-corpus.c agree on:
 * the private key of the low-rights principal "bob" (so the harness can
 * sign bob's CLIENT_VERIFY and the seeds can name bob's key), and the
 * admin-only record bob must never read.
 */
#ifndef MS_FUZZ_DISPATCH_KEYS_H
#define MS_FUZZ_DISPATCH_KEYS_H

#include <string.h>

#include "crypto.h"

#define FUZZ_SECRET_PATH	"/admin"
#define FUZZ_SECRET_RECORD	"secret"
/* The admin-only value: it must never appear in an answer to bob. */
#define FUZZ_SECRET_VALUE	"fuzz-admin-only-7c1e4b"

static FUZZ_UNUSED EVP_PKEY *
fuzz_bob_key(void)
{
	u_char raw[32];
	EVP_PKEY *k = NULL;

	memset(raw, 0xb0, sizeof(raw));
	FUZZ_CHECK(ms_pkey_from_raw_private(MS_KEY_ED25519, raw, sizeof(raw),
	    &k) == 0);
	return k;
}

#endif /* MS_FUZZ_DISPATCH_KEYS_H */
