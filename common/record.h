/*
 * record.h — the record layer (PROTOCOL.md 6) and crypto blobs (9).
 *
 * A struct ms_record_dir is one direction's AEAD state: algorithm, key, IV
 * and the implicit 64-bit sequence number.  Sequence numbers never travel;
 * a replayed, reordered, truncated or tampered record fails to open.
 */
#ifndef MS_RECORD_H
#define MS_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "crypto.h"
#include "schedule.h"

struct ms_record_dir {
	enum ms_aead	alg;
	struct ms_dirkey k;
	uint64_t	seq;
};

/* Install a new key (seq reset to 0); the secret is not retained. */
int	ms_record_dir_init(struct ms_record_dir *d, enum ms_aead alg,
	    const u_char secret[MS_SHA256_LEN]);
void	ms_record_dir_clear(struct ms_record_dir *d);

/*
 * Seal plaintext (inner_type || body) into a complete RECORD frame appended
 * to 'frame' (header included, ready to write).  MS_ERR_LIMIT when the key
 * has been used for MS_RECORDS_PER_KEY_MAX records.
 */
int	ms_record_seal(struct ms_record_dir *d, uint8_t inner_type,
	    const struct msbuf *body, struct msbuf *frame);

/*
 * Open a RECORD frame's payload (as returned by ms_frame_read with type
 * MS_FRAME_RECORD: u16 version || ciphertext).  On success *inner_typep is
 * set and 'body' holds the rest of the plaintext.  MS_ERR_MAC_INVALID on any
 * authentication failure; MS_ERR_PROTOCOL on bad version / short record.
 */
int	ms_record_open(struct ms_record_dir *d, const struct msbuf *payload,
	    uint8_t *inner_typep, struct msbuf *body);

/* A blob's bytes beyond its plaintext: version, cipher, blob_seq, tag. */
#define MS_BLOB_OVERHEAD	(2 + 2 + 8 + MS_AEAD_TAG_LEN)
/*
 * The largest RECORD frame length (type, version, ciphertext with its
 * tag): a longer one is refused from its header, before it is read.
 */
#define MS_RECORD_FRAME_MAX	(1 + 2 + MS_RECORD_PLAINTEXT_MAX + \
				    MS_AEAD_TAG_LEN)

/* Crypto blob (9).  direction 0 = client->server, 1 = server->client. */
struct ms_blob_ctx {
	enum ms_aead	alg;
	uint16_t	cipher_id;
	struct ms_dirkey k;
	uint64_t	seq;	/* next to send, or next expected */
	uint8_t		direction;
};
int	ms_blob_ctx_init(struct ms_blob_ctx *c, enum ms_aead alg, uint16_t cipher_id,
	    const u_char secret[MS_SHA256_LEN], uint8_t direction);
void	ms_blob_ctx_clear(struct ms_blob_ctx *c);
/* Append the blob encoding of 'value' to 'out'; advances c->seq. */
int	ms_blob_seal(struct ms_blob_ctx *c, const char *path, const char *record,
	    uint32_t handle, const u_char *value, size_t len, struct msbuf *out);
/*
 * Verify and decrypt; requires blob_seq == c->seq, then advances it.  Once
 * blob_seq matched, c->seq advances even if authentication then fails
 * (PROTOCOL.md 9: every blob-carrying message consumes one number).  A
 * receiver that refuses such a message without opening its blob must
 * c->seq++ itself.  Plaintext is appended to 'value'.
 */
int	ms_blob_open(struct ms_blob_ctx *c, const char *path, const char *record,
	    uint32_t handle, const u_char *blob, size_t bloblen, struct msbuf *value);

/* Cipher id <-> AEAD algorithm. 0 / -1 when unknown. */
int	ms_cipher_to_aead(uint16_t cipher_id);
uint16_t ms_aead_to_cipher(enum ms_aead alg);

#endif /* MS_RECORD_H */
