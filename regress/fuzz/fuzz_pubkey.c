/*
 * fuzz_pubkey.c — public-key lines and base64 (common/pubkey.c,
 * common/base64.c): the input, as a C string, is parsed as a key line
 * ("ms-ed25519 BASE64 comment", as in principals and known_hosts files)
 * and decoded as base64.
 *
 * Invariants: base64 is canonical (PROTOCOL.md: one encoding per value),
 * so a string that decodes is exactly the encoding of what it decoded to,
 * with or without padding as it came; a key line that parses formats
 * (ms_pubkey_format) to a line that parses to the same type, key and
 * comment.
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "fuzz.h"
#include "keyfile.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	FUZZ_CHECK(ms_crypto_init() == 0);
	return 0;
}

static void
base64(const char *s)
{
	u_char *dec = NULL;
	char *enc = NULL;
	size_t len;

	if (ms_base64_decode(s, &dec, &len, MS_KEYFILE_MAX) != 0) {
		FUZZ_CHECK(dec == NULL);
		return;
	}
	FUZZ_CHECK(ms_base64_encode(dec, len, strchr(s, '=') == NULL,
	    &enc) == 0);
	FUZZ_CHECK(strcmp(enc, s) == 0);
	free(enc);
	free(dec);
}

static void
key_line(const char *s)
{
	enum ms_keytype type, type2;
	u_char raw[32], raw2[32];
	char *comment = NULL, *comment2 = NULL, *line = NULL;
	EVP_PKEY *key = NULL;

	if (ms_pubkey_parse(s, &type, raw, &comment) != 0) {
		FUZZ_CHECK(comment == NULL);
		return;
	}
	FUZZ_CHECK(ms_pkey_from_raw_public(type, raw, sizeof(raw), &key) == 0);
	FUZZ_CHECK(ms_pubkey_format(key, comment, &line) == 0);
	FUZZ_CHECK(ms_pubkey_parse(line, &type2, raw2, &comment2) == 0);
	FUZZ_CHECK(type2 == type);
	FUZZ_CHECK(memcmp(raw, raw2, sizeof(raw)) == 0);
	FUZZ_CHECK((comment == NULL) == (comment2 == NULL));
	FUZZ_CHECK(comment == NULL || strcmp(comment, comment2) == 0);
	free(line);
	free(comment2);
	free(comment);
	EVP_PKEY_free(key);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	FUZZ_CHECK((s = fuzz_cstring(data, size)) != NULL);
	base64(s);
	key_line(s);
	free(s);
	return 0;
}
