/*
 * fuzz_keys.h — the fixed secrets of the record and blob harnesses, so
 * that gen-corpus.c can seal seeds that fuzz_record.c opens.
 */
#ifndef MS_FUZZ_KEYS_H
#define MS_FUZZ_KEYS_H

#include "crypto.h"
#include "proto.h"
#include "record.h"

#define FUZZ_BLOB_PATH		"/prod/db"
#define FUZZ_BLOB_RECORD	"password"
#define FUZZ_BLOB_HANDLE	7u
/* Inner type standing for "a crypto blob" in fuzz_record's records. */
#define FUZZ_INNER_BLOB		0x99

static FUZZ_UNUSED void
fuzz_secret(u_char s[MS_SHA256_LEN], u_char base)
{
	size_t i;

	for (i = 0; i < MS_SHA256_LEN; i++)
		s[i] = (u_char)(base + i);
}

/* One direction of records, fixed key per algorithm. */
static FUZZ_UNUSED void
fuzz_record_dir(struct ms_record_dir *d, enum ms_aead alg)
{
	u_char s[MS_SHA256_LEN];

	fuzz_secret(s, alg == MS_AEAD_AES256_GCM ? 0x10 : 0x20);
	FUZZ_CHECK(ms_record_dir_init(d, alg, s) == 0);
}

static FUZZ_UNUSED void
fuzz_blob_ctx(struct ms_blob_ctx *c, enum ms_aead alg)
{
	u_char s[MS_SHA256_LEN];

	fuzz_secret(s, alg == MS_AEAD_AES256_GCM ? 0x30 : 0x40);
	FUZZ_CHECK(ms_blob_ctx_init(c, alg, ms_aead_to_cipher(alg), s, 0) == 0);
}

#endif /* MS_FUZZ_KEYS_H */
