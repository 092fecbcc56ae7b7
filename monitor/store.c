/*
 * store.c — node/record store over LMDB.
 *
 * Layout.  LMDB keys are limited to 511 bytes, less than a full path
 * (MS_PATH_MAX), so nodes are numbered and addressed by (parent id,
 * segment), like directory entries.  Four named databases; every integer
 * is big-endian, "string" is u32 length || bytes (common/buf.h), and all
 * stored bytes are decoded through msbuf:
 *
 *   "meta"     "format"  -> u32 STORE_FORMAT
 *              "next_id" -> u64 next node id to hand out (never reused)
 *              "kcv:" 16 hex digits -> u64 time recorded: the check value
 *                        (PROTOCOL.md 13) of a store key that seals here
 *   "nodes"    u64 id -> u8 NODE_FORMAT, u8 node flags (MS_NODE_*),
 *                        u32 n, (string who, string rights)[n]
 *              who is a principal or "group:NAME"; rights is the canonical
 *              "rswla" form, never empty.  The root has id ROOT_ID.
 *   "dirents"  u64 parent id || segment bytes -> u64 child id
 *   "records"  u64 node id || record name bytes ->
 *              u8 RECORD_FORMAT, u8 flags (MS_REC_*), u64 version,
 *              u64 mtime, string stored value
 *
 * The stored value of a plain record is its plaintext.  That of a SECURE
 * record is
 *   u8 2 || kcv[8] || nonce[12] || AES-256-GCM(store key, nonce, value, aad)
 *   || tag[16],  aad = "metasafe-store-v1" || string path || string record
 * with a fresh random nonce per write; kcv names the sealing key (the
 * first StoreKey).  Values written before key rotation existed have seal
 * format 1, the same without kcv; they open with whichever configured key
 * fits.  The kcv only selects a key: altering it makes the value fail.  The associated data binds the value
 * to its path and name, so a sealed value copied to another place in the
 * file does not open.  Plaintext of a SECURE value lives only in memory
 * that is wiped after use.
 *
 * Node and record keys sort by id first, so the children (dirents) and the
 * records of a node are each one contiguous key range: a cursor positioned
 * with MDB_SET_RANGE on the 8-byte id reads them in name order.
 *
 * A node exists when its dirent chain from the root does; SET creates
 * missing ancestors, and DELETE removes only empty nodes, so every
 * ancestor of an existing node exists.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lmdb.h>

#include "acl.h"
#include "buf.h"
#include "crypto.h"
#include "errors.h"
#include "keyfile.h"
#include "log.h"
#include "path.h"
#include "proto.h"
#include "store.h"
#include "storekey.h"

#define STORE_FORMAT	1
#define NODE_FORMAT	1
#define RECORD_FORMAT	1
#define SEAL_FORMAT_V1	1	/* u8 1 || nonce || ct || tag */
#define SEAL_FORMAT	2	/* u8 2 || kcv || nonce || ct || tag */
#define KCV_PREFIX	"kcv:"
#define KCV_KEY_LEN	(4 + 2 * MS_STORE_KCV_LEN)
#define ROOT_ID		1
#define SEAL_AAD_LABEL	"metasafe-store-v1"

#define ID_LEN		8
#define KEY_MAX		(ID_LEN + MS_PATH_SEGMENT_MAX)	/* >= record name */
#define SEALED_MAX	(1 + MS_STORE_KCV_LEN + MS_AEAD_NONCE_LEN + \
			    MS_VALUE_MAX + MS_AEAD_TAG_LEN)
#define RECORD_HDR_LEN	(1 + 1 + 8 + 8)
#define RECORD_ENC_MAX	(RECORD_HDR_LEN + 4 + SEALED_MAX)
#define NODE_ENC_MAX	(1 + 1 + 4 + MS_ACL_ENTRIES_MAX * \
			    (4 + MS_ACL_WHO_MAX + 4 + MS_RIGHTS_MAX))
#define AAD_MAX		(sizeof(SEAL_AAD_LABEL) - 1 + 4 + MS_PATH_MAX + \
			    4 + MS_RECORD_NAME_MAX)
#define DEPTH_MAX	(MS_PATH_MAX / 2)	/* "/a/a/a..." */

struct ms_store {
	MDB_env	*env;
	MDB_dbi	 meta;
	MDB_dbi	 nodes;
	MDB_dbi	 dirents;
	MDB_dbi	 records;
	int	 rdonly;
	int	 nokeycheck;
	int	 map_full;	/* MDB_MAP_FULL seen in this write transaction */
	size_t	 nkeys;
	u_char	 keys[MS_STORE_KEYS_MAX][MS_STORE_KEY_LEN];
	u_char	 kcvs[MS_STORE_KEYS_MAX][MS_STORE_KCV_LEN];
};

/* Remember that a write failed for lack of space (StoreMaxSize). */
#define NOTE_FULL(s, rc)	do {					\
	if ((rc) == MDB_MAP_FULL)					\
		(s)->map_full = 1;					\
} while (0)

/* The existing part of a path, as found in one transaction. */
struct resolved {
	size_t		nsegs;			/* segments in the path */
	size_t		depth;			/* existing nodes, root included */
	uint64_t	id[DEPTH_MAX + 1];	/* id[i]: node of prefix i */
	size_t		end[DEPTH_MAX + 1];	/* length of prefix i's path */
};

static int
lmdb_fail(const char *what, int rc)
{
	error("store: %s: %s", what, mdb_strerror(rc));
	return MS_STORE_ERROR;
}

static int
buf_fail(const char *what, int r)
{
	error("store: %s: %s", what, ms_err(r));
	return MS_STORE_ERROR;
}

/* Validity of NUL-terminated paths and names from callers. */
static int
path_ok(const char *path)
{
	return path != NULL &&
	    ms_path_valid(path, strnlen(path, MS_PATH_MAX + 1)) == 0;
}

static int
name_ok(const char *name)
{
	return name != NULL && ms_record_name_valid(name,
	    strnlen(name, MS_RECORD_NAME_MAX + 1)) == 0;
}

/* Key id || name (name may be NULL/0 for the bare id prefix). */
static int
make_key(uint64_t id, const char *name, size_t len, struct msbuf **kp)
{
	struct msbuf *k;
	int r;

	*kp = NULL;
	if ((k = msbuf_new(KEY_MAX)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = msbuf_put_u64(k, id)) != 0 ||
	    (len > 0 && (r = msbuf_put(k, name, len)) != 0)) {
		msbuf_free(k);
		return r;
	}
	*kp = k;
	return 0;
}

static void
val_of(const struct msbuf *b, MDB_val *v)
{
	v->mv_size = msbuf_len(b);
	v->mv_data = (void *)msbuf_ptr(b);
}

/* Decode a stored u64 (dirent target, next_id) that must be exactly 8 bytes. */
static int
decode_u64(const MDB_val *v, uint64_t *vp)
{
	struct msbuf *b;
	int r;

	if (v->mv_size != ID_LEN)
		return MS_ERR_INVALID_FORMAT;
	if ((b = msbuf_from(v->mv_data, v->mv_size)) == NULL)
		return MS_ERR_ALLOC;
	r = msbuf_get_u64(b, vp);
	msbuf_free(b);
	return r;
}

/*
 * Split a key id || name.  Returns 0 with the name copied NUL-terminated
 * into name[MS_PATH_SEGMENT_MAX + 1], or an error for a short/long key.
 */
static int
decode_key(const MDB_val *k, uint64_t *idp, char *name, size_t *lenp)
{
	struct msbuf *b;
	size_t len;
	int r;

	if (k->mv_size < ID_LEN || k->mv_size > KEY_MAX)
		return MS_ERR_INVALID_FORMAT;
	if ((b = msbuf_from(k->mv_data, k->mv_size)) == NULL)
		return MS_ERR_ALLOC;
	len = k->mv_size - ID_LEN;
	if ((r = msbuf_get_u64(b, idp)) == 0 && name != NULL) {
		if ((r = msbuf_get(b, name, len)) == 0) {
			name[len] = '\0';
			*lenp = len;
		}
	}
	msbuf_free(b);
	return r;
}

/* Node value <-> struct ms_acl. */
static int
node_decode(const MDB_val *v, struct ms_acl *acl)
{
	struct msbuf *b;
	char *who = NULL, *rights = NULL;
	uint8_t fmt, flags, bits;
	uint32_t i, n;
	int r;

	memset(acl, 0, sizeof(*acl));
	if ((b = msbuf_from(v->mv_data, v->mv_size)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = msbuf_get_u8(b, &fmt)) != 0 ||
	    (r = msbuf_get_u8(b, &flags)) != 0 ||
	    (r = msbuf_get_u32(b, &n)) != 0)
		goto out;
	if (fmt != NODE_FORMAT || (flags & ~MS_NODE_FLAGS_MASK) != 0 ||
	    n > MS_ACL_ENTRIES_MAX) {
		r = MS_ERR_INVALID_FORMAT;
		goto out;
	}
	acl->flags = flags;
	for (i = 0; i < n; i++) {
		if ((r = msbuf_get_cstring(b, &who, NULL, MS_ACL_WHO_MAX)) != 0 ||
		    (r = msbuf_get_cstring(b, &rights, NULL, MS_RIGHTS_MAX)) != 0)
			goto out;
		if (ms_acl_who_valid(who) != 0 ||
		    ms_rights_parse(rights, &bits) != 0 || bits == 0) {
			r = MS_ERR_INVALID_FORMAT;
			goto out;
		}
		strlcpy(acl->entries[i].who, who, sizeof(acl->entries[i].who));
		acl->entries[i].rights = bits;
		free(who);
		free(rights);
		who = rights = NULL;
	}
	acl->nentries = n;
	if (msbuf_len(b) != 0)
		r = MS_ERR_INVALID_FORMAT;
 out:
	free(who);
	free(rights);
	msbuf_free(b);
	if (r != 0)
		memset(acl, 0, sizeof(*acl));
	return r;
}

static int
node_encode(const struct ms_acl *acl, struct msbuf **bp)
{
	struct msbuf *b;
	char rights[MS_RIGHTS_MAX + 1];
	size_t i;
	int r;

	*bp = NULL;
	if (acl->nentries > MS_ACL_ENTRIES_MAX)
		return MS_ERR_INVALID_ARGUMENT;
	if ((b = msbuf_new(NODE_ENC_MAX)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = msbuf_put_u8(b, NODE_FORMAT)) != 0 ||
	    (r = msbuf_put_u8(b, acl->flags)) != 0 ||
	    (r = msbuf_put_u32(b, (uint32_t)acl->nentries)) != 0)
		goto out;
	for (i = 0; i < acl->nentries; i++) {
		ms_rights_format(acl->entries[i].rights, rights);
		if ((r = msbuf_put_cstring(b, acl->entries[i].who)) != 0 ||
		    (r = msbuf_put_cstring(b, rights)) != 0)
			goto out;
	}
	*bp = b;
	b = NULL;
 out:
	msbuf_free(b);
	return r;
}

/* Record header (everything before the stored value). */
static int
record_decode_hdr(struct msbuf *b, uint8_t *flagsp, uint64_t *versionp,
    uint64_t *mtimep)
{
	uint8_t fmt;
	int r;

	if ((r = msbuf_get_u8(b, &fmt)) != 0 ||
	    (r = msbuf_get_u8(b, flagsp)) != 0 ||
	    (r = msbuf_get_u64(b, versionp)) != 0 ||
	    (r = msbuf_get_u64(b, mtimep)) != 0)
		return r;
	if (fmt != RECORD_FORMAT || (*flagsp & ~MS_REC_FLAGS_MASK) != 0)
		return MS_ERR_INVALID_FORMAT;
	return 0;
}

/* Only the header of a stored record: no copy of a large value. */
static int
record_peek_hdr_mtime(const MDB_val *v, uint8_t *flagsp, uint64_t *versionp,
    uint64_t *mtimep)
{
	struct msbuf *b;
	int r;

	if ((b = msbuf_from(v->mv_data,
	    v->mv_size < RECORD_HDR_LEN ? v->mv_size : RECORD_HDR_LEN)) == NULL)
		return MS_ERR_ALLOC;
	r = record_decode_hdr(b, flagsp, versionp, mtimep);
	msbuf_free(b);
	return r;
}

static int
record_peek_hdr(const MDB_val *v, uint8_t *flagsp, uint64_t *versionp)
{
	uint64_t mtime;

	return record_peek_hdr_mtime(v, flagsp, versionp, &mtime);
}

static int
seal_aad(const char *path, const char *name, struct msbuf **bp)
{
	struct msbuf *b;
	int r;

	*bp = NULL;
	if ((b = msbuf_new(AAD_MAX)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = msbuf_put(b, SEAL_AAD_LABEL, sizeof(SEAL_AAD_LABEL) - 1)) != 0 ||
	    (r = msbuf_put_cstring(b, path)) != 0 ||
	    (r = msbuf_put_cstring(b, name)) != 0) {
		msbuf_free(b);
		return r;
	}
	*bp = b;
	return 0;
}

/* Append "string stored value" holding the sealed value to out. */
static int
seal_value(const struct ms_store *s, const char *path, const char *name,
    const void *value, size_t len, struct msbuf *out)
{
	struct msbuf *aad = NULL;
	u_char nonce[MS_AEAD_NONCE_LEN], *ct;
	int r;

	if ((r = seal_aad(path, name, &aad)) != 0 ||
	    (r = ms_random_bytes(nonce, sizeof(nonce))) != 0 ||
	    (r = msbuf_put_u32(out, (uint32_t)(1 + MS_STORE_KCV_LEN +
	    sizeof(nonce) + len + MS_AEAD_TAG_LEN))) != 0 ||
	    (r = msbuf_put_u8(out, SEAL_FORMAT)) != 0 ||
	    (r = msbuf_put(out, s->kcvs[0], MS_STORE_KCV_LEN)) != 0 ||
	    (r = msbuf_put(out, nonce, sizeof(nonce))) != 0 ||
	    (r = msbuf_reserve(out, len + MS_AEAD_TAG_LEN, &ct)) != 0 ||
	    (r = ms_aead_seal(MS_AEAD_AES256_GCM, s->keys[0], nonce,
	    msbuf_ptr(aad), msbuf_len(aad), value, len, ct)) != 0)
		goto out;
 out:
	msbuf_free(aad);
	return r;
}

/*
 * Open a sealed stored value; *valp (len + 1 bytes, NUL-terminated).
 * *fmtp, *kcvp (format 2: the key it names) and *keyp (index of the key
 * that opened it, -1 if none did) may each be NULL.  A format 2 value
 * naming no configured key is MS_ERR_STORE_KEY_MISMATCH.
 */
static int
unseal_value_ex(const struct ms_store *s, const char *path, const char *name,
    const u_char *blob, size_t bloblen, u_char **valp, size_t *lenp,
    int *fmtp, u_char kcv[MS_STORE_KCV_LEN], int *keyp)
{
	struct msbuf *b = NULL, *aad = NULL;
	u_char nonce[MS_AEAD_NONCE_LEN], named[MS_STORE_KCV_LEN], *pt = NULL;
	uint8_t fmt = 0;
	size_t ctlen, ptlen = 0, i;
	int r;

	*valp = NULL;
	*lenp = 0;
	if (keyp != NULL)
		*keyp = -1;
	if (fmtp != NULL)
		*fmtp = 0;
	if ((b = msbuf_from(blob, bloblen)) == NULL) {
		r = MS_ERR_ALLOC;
		goto out;
	}
	if ((r = msbuf_get_u8(b, &fmt)) != 0)
		goto out;
	if (fmt != SEAL_FORMAT && fmt != SEAL_FORMAT_V1) {
		r = MS_ERR_INVALID_FORMAT;
		goto out;
	}
	if (fmtp != NULL)
		*fmtp = fmt;
	if ((fmt == SEAL_FORMAT &&
	    (r = msbuf_get(b, named, sizeof(named))) != 0) ||
	    (r = msbuf_get(b, nonce, sizeof(nonce))) != 0)
		goto out;
	if (fmt == SEAL_FORMAT && kcv != NULL)
		memcpy(kcv, named, sizeof(named));
	ctlen = msbuf_len(b);
	if (ctlen < MS_AEAD_TAG_LEN || ctlen - MS_AEAD_TAG_LEN > MS_VALUE_MAX) {
		r = MS_ERR_INVALID_FORMAT;
		goto out;
	}
	ptlen = ctlen - MS_AEAD_TAG_LEN;
	if ((pt = calloc(1, ptlen + 1)) == NULL) {
		r = MS_ERR_ALLOC;
		goto out;
	}
	if ((r = seal_aad(path, name, &aad)) != 0)
		goto out;
	r = fmt == SEAL_FORMAT ? MS_ERR_STORE_KEY_MISMATCH : MS_ERR_MAC_INVALID;
	for (i = 0; i < s->nkeys; i++) {
		/* Format 2 names its key; format 1 tries each in order. */
		if (fmt == SEAL_FORMAT &&
		    memcmp(named, s->kcvs[i], sizeof(named)) != 0)
			continue;
		if ((r = ms_aead_open(MS_AEAD_AES256_GCM, s->keys[i], nonce,
		    msbuf_ptr(aad), msbuf_len(aad), msbuf_ptr(b), ctlen,
		    pt)) == 0) {
			if (keyp != NULL)
				*keyp = (int)i;
			break;
		}
		if (fmt == SEAL_FORMAT)
			break;
	}
	if (r != 0)
		goto out;
	*valp = pt;
	*lenp = ptlen;
	pt = NULL;
 out:
	freezero(pt, ptlen + 1);
	msbuf_free(aad);
	msbuf_free(b);
	return r;
}

static int
unseal_value(const struct ms_store *s, const char *path, const char *name,
    const u_char *blob, size_t bloblen, u_char **valp, size_t *lenp)
{
	return unseal_value_ex(s, path, name, blob, bloblen, valp, lenp,
	    NULL, NULL, NULL);
}

static int
record_encode(const struct ms_store *s, const char *path, const char *name,
    uint8_t flags, uint64_t version, uint64_t mtime, const void *value,
    size_t len, struct msbuf **bp)
{
	struct msbuf *b;
	int r;

	*bp = NULL;
	if ((b = msbuf_new(RECORD_ENC_MAX)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = msbuf_put_u8(b, RECORD_FORMAT)) != 0 ||
	    (r = msbuf_put_u8(b, flags)) != 0 ||
	    (r = msbuf_put_u64(b, version)) != 0 ||
	    (r = msbuf_put_u64(b, mtime)) != 0)
		goto out;
	if ((flags & MS_REC_SECURE) != 0)
		r = seal_value(s, path, name, value, len, b);
	else
		r = msbuf_put_string(b, value, len);
	if (r != 0)
		goto out;
	*bp = b;
	b = NULL;
 out:
	msbuf_free(b);
	return r;
}

/* Look up child segment seg of parent; MS_ERR_NOT_FOUND when absent. */
static int
dirent_get(struct ms_store *s, MDB_txn *txn, uint64_t parent, const char *seg,
    size_t len, uint64_t *idp)
{
	struct msbuf *k;
	MDB_val kv, dv;
	int r, rc;

	if ((r = make_key(parent, seg, len, &k)) != 0)
		return r;
	val_of(k, &kv);
	rc = mdb_get(txn, s->dirents, &kv, &dv);
	msbuf_free(k);
	if (rc == MDB_NOTFOUND)
		return MS_ERR_NOT_FOUND;
	if (rc != 0) {
		error("store: dirent lookup: %s", mdb_strerror(rc));
		return MS_ERR_INTERNAL;
	}
	return decode_u64(&dv, idp);
}

/* Find the longest existing prefix of a valid path. */
static int
resolve(struct ms_store *s, MDB_txn *txn, const char *path,
    struct resolved *res)
{
	size_t start, i, len = strlen(path);
	uint64_t id;
	int r;

	memset(res, 0, sizeof(*res));
	res->id[0] = ROOT_ID;
	res->end[0] = 1;
	res->depth = 1;
	if (len == 1)
		return 0;
	for (start = 1, i = 1; i <= len; i++) {
		if (i < len && path[i] != '/')
			continue;
		if (res->nsegs >= DEPTH_MAX)
			return MS_ERR_INTERNAL;	/* path_ok() rules this out */
		res->nsegs++;
		res->end[res->nsegs] = i;
		if (res->depth == res->nsegs) {
			r = dirent_get(s, txn, res->id[res->depth - 1],
			    path + start, i - start, &id);
			if (r == 0)
				res->id[res->depth++] = id;
			else if (r != MS_ERR_NOT_FOUND)
				return r;
		}
		start = i + 1;
	}
	return 0;
}

static int
resolved_exists(const struct resolved *res)
{
	return res->depth == res->nsegs + 1;
}

/* Offset in the path of segment i (1-based; segment i ends at end[i]). */
static size_t
seg_start(const struct resolved *res, size_t i)
{
	return i == 1 ? 1 : res->end[i - 1] + 1;
}

static int
node_get(struct ms_store *s, MDB_txn *txn, uint64_t id, struct ms_acl *acl)
{
	struct msbuf *k;
	MDB_val kv, dv;
	int r, rc;

	if ((r = make_key(id, NULL, 0, &k)) != 0)
		return r;
	val_of(k, &kv);
	rc = mdb_get(txn, s->nodes, &kv, &dv);
	msbuf_free(k);
	if (rc != 0) {
		/* A dirent without its node is damage, not absence. */
		error("store: node %llu: %s", (unsigned long long)id,
		    mdb_strerror(rc));
		return MS_ERR_INTERNAL;
	}
	if ((r = node_decode(&dv, acl)) != 0)
		error("store: node %llu: %s", (unsigned long long)id, ms_err(r));
	return r;
}

static int
node_put(struct ms_store *s, MDB_txn *txn, uint64_t id,
    const struct ms_acl *acl, unsigned int flags)
{
	struct msbuf *k = NULL, *v = NULL;
	MDB_val kv, dv;
	int r, rc;

	if ((r = make_key(id, NULL, 0, &k)) != 0 ||
	    (r = node_encode(acl, &v)) != 0)
		goto out;
	val_of(k, &kv);
	val_of(v, &dv);
	if ((rc = mdb_put(txn, s->nodes, &kv, &dv, flags)) != 0) {
		NOTE_FULL(s, rc);
		error("store: node put: %s", mdb_strerror(rc));
		r = MS_ERR_INTERNAL;
	}
 out:
	msbuf_free(k);
	msbuf_free(v);
	return r;
}

static int
meta_put_u64(struct ms_store *s, MDB_txn *txn, const char *name, uint64_t val)
{
	struct msbuf *b;
	MDB_val kv, dv;
	int r, rc;

	if ((b = msbuf_new(ID_LEN)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = msbuf_put_u64(b, val)) == 0) {
		kv.mv_size = strlen(name);
		kv.mv_data = (void *)name;
		val_of(b, &dv);
		if ((rc = mdb_put(txn, s->meta, &kv, &dv, 0)) != 0) {
			NOTE_FULL(s, rc);
			error("store: meta %s: %s", name, mdb_strerror(rc));
			r = MS_ERR_INTERNAL;
		}
	}
	msbuf_free(b);
	return r;
}

static int
alloc_id(struct ms_store *s, MDB_txn *txn, uint64_t *idp)
{
	MDB_val kv, dv;
	uint64_t id;
	int r, rc;

	kv.mv_size = strlen("next_id");
	kv.mv_data = (void *)"next_id";
	if ((rc = mdb_get(txn, s->meta, &kv, &dv)) != 0) {
		error("store: next_id: %s", mdb_strerror(rc));
		return MS_ERR_INTERNAL;
	}
	if ((r = decode_u64(&dv, &id)) != 0)
		return r;
	if (id <= ROOT_ID || id == UINT64_MAX)
		return MS_ERR_INVALID_FORMAT;
	if ((r = meta_put_u64(s, txn, "next_id", id + 1)) != 0)
		return r;
	*idp = id;
	return 0;
}

/* Create the missing nodes of a resolved path ("mkdir -p"). */
static int
create_missing(struct ms_store *s, MDB_txn *txn, const char *path,
    struct resolved *res)
{
	struct ms_acl *empty;
	struct msbuf *k = NULL, *v = NULL;
	MDB_val kv, dv;
	size_t start;
	uint64_t id;
	int r = 0, rc;

	if (resolved_exists(res))
		return 0;
	if ((empty = calloc(1, sizeof(*empty))) == NULL)
		return MS_ERR_ALLOC;
	while (res->depth <= res->nsegs) {
		start = seg_start(res, res->depth);
		if ((r = alloc_id(s, txn, &id)) != 0 ||
		    (r = node_put(s, txn, id, empty, MDB_NOOVERWRITE)) != 0 ||
		    (r = make_key(res->id[res->depth - 1], path + start,
		    res->end[res->depth] - start, &k)) != 0 ||
		    (r = make_key(id, NULL, 0, &v)) != 0)
			goto out;
		val_of(k, &kv);
		val_of(v, &dv);
		if ((rc = mdb_put(txn, s->dirents, &kv, &dv,
		    MDB_NOOVERWRITE)) != 0) {
			NOTE_FULL(s, rc);
			error("store: dirent put: %s", mdb_strerror(rc));
			r = MS_ERR_INTERNAL;
			goto out;
		}
		msbuf_free(k);
		msbuf_free(v);
		k = v = NULL;
		res->id[res->depth++] = id;
	}
 out:
	msbuf_free(k);
	msbuf_free(v);
	free(empty);
	return r;
}

/* Is there any key in dbi that starts with the 8-byte id? */
static int
has_keys_with_id(MDB_txn *txn, MDB_dbi dbi, uint64_t id, int *yesp)
{
	MDB_cursor *c = NULL;
	struct msbuf *k;
	MDB_val kv, dv;
	uint64_t got;
	int r, rc;

	*yesp = 0;
	if ((r = make_key(id, NULL, 0, &k)) != 0)
		return r;
	val_of(k, &kv);
	if ((rc = mdb_cursor_open(txn, dbi, &c)) != 0) {
		r = MS_ERR_INTERNAL;
		goto out;
	}
	rc = mdb_cursor_get(c, &kv, &dv, MDB_SET_RANGE);
	if (rc == MDB_NOTFOUND)
		goto out;
	if (rc != 0) {
		r = MS_ERR_INTERNAL;
		goto out;
	}
	if ((r = decode_key(&kv, &got, NULL, NULL)) != 0)
		goto out;
	*yesp = got == id;
 out:
	if (rc != 0 && rc != MDB_NOTFOUND)
		error("store: cursor: %s", mdb_strerror(rc));
	if (c != NULL)
		mdb_cursor_close(c);
	msbuf_free(k);
	return r;
}

static int
txn_begin(struct ms_store *s, unsigned int flags, MDB_txn **txnp)
{
	int rc;

	if ((flags & MDB_RDONLY) == 0 && s->rdonly) {
		*txnp = NULL;
		error("store: write to a store opened read-only");
		return MS_STORE_ERROR;
	}
	s->map_full = 0;
	rc = mdb_txn_begin(s->env, NULL, flags, txnp);
	if (rc == MDB_MAP_RESIZED) {
		/* Another process (metasafe-admin) grew the map: adopt it. */
		if ((rc = mdb_env_set_mapsize(s->env, 0)) == 0)
			rc = mdb_txn_begin(s->env, NULL, flags, txnp);
	}
	if (rc != 0) {
		*txnp = NULL;
		return lmdb_fail("begin transaction", rc);
	}
	return MS_STORE_OK;
}

/*
 * Commit, or abort when st is not OK; the write is acknowledged only after.
 * A transaction that ran out of map space is MS_STORE_FULL (and aborted,
 * so the store is unchanged).
 */
static int
txn_finish(struct ms_store *s, MDB_txn *txn, int st)
{
	int rc;

	if (st != MS_STORE_OK) {
		mdb_txn_abort(txn);
		if (s->map_full && st == MS_STORE_ERROR)
			st = MS_STORE_FULL;
		goto out;
	}
	if ((rc = mdb_txn_commit(txn)) != 0) {
		NOTE_FULL(s, rc);
		st = s->map_full ? MS_STORE_FULL : lmdb_fail("commit", rc);
	}
 out:
	if (st == MS_STORE_FULL)
		error("store: full: the write needs more than StoreMaxSize "
		    "allows; nothing was changed");
	s->map_full = 0;
	return st;
}

static int
mkdir_private(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		error("store: mkdir %s: %s", dir, strerror(errno));
		return MS_ERR_SYSTEM;
	}
	if (stat(dir, &st) == -1) {
		error("store: stat %s: %s", dir, strerror(errno));
		return MS_ERR_SYSTEM;
	}
	if (!S_ISDIR(st.st_mode)) {
		error("store: %s is not a directory", dir);
		return MS_ERR_INVALID_ARGUMENT;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 022) != 0) {
		error("store: bad ownership or modes for directory %s "
		    "(must be owned by uid %lu, not group/world-writable)", dir,
		    (unsigned long)geteuid());
		return MS_ERR_INVALID_ARGUMENT;
	}
	return 0;
}

static int
check_data_file(struct ms_store *s, const char *dir)
{
	struct stat st;
	int fd, rc;

	if ((rc = mdb_env_get_fd(s->env, &fd)) != 0) {
		error("store: get fd: %s", mdb_strerror(rc));
		return MS_ERR_INTERNAL;
	}
	/* Workers are exec'd with closefrom(), but never leak it anyway. */
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 || fstat(fd, &st) == -1) {
		error("store: data file in %s: %s", dir, strerror(errno));
		return MS_ERR_SYSTEM;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
		error("store: bad ownership or modes for data file in %s "
		    "(must be 0600, owned by uid %lu)", dir,
		    (unsigned long)geteuid());
		return MS_ERR_INVALID_ARGUMENT;
	}
	return 0;
}

/* "kcv:" || 16 hex digits, the meta key of a recorded check value. */
static void
kcv_meta_key(const u_char kcv[MS_STORE_KCV_LEN], char out[KCV_KEY_LEN + 1])
{
	char fmt[MS_STORE_KCV_STRLEN + 1];

	ms_store_kcv_format(kcv, fmt, sizeof(fmt));	/* "KCV:" || hex */
	memcpy(out, KCV_PREFIX, 4);
	memcpy(out + 4, fmt + 4, 2 * MS_STORE_KCV_LEN);
	out[KCV_KEY_LEN] = '\0';
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Parse a meta key "kcv:HEX"; 0, or MS_ERR_INVALID_FORMAT. */
static int
kcv_meta_parse(const MDB_val *k, u_char kcv[MS_STORE_KCV_LEN])
{
	const char *p = k->mv_data;
	size_t i;
	int hi, lo;

	if (k->mv_size != KCV_KEY_LEN || memcmp(p, KCV_PREFIX, 4) != 0)
		return MS_ERR_INVALID_FORMAT;
	for (i = 0; i < MS_STORE_KCV_LEN; i++) {
		if ((hi = hexval(p[4 + 2 * i])) < 0 ||
		    (lo = hexval(p[4 + 2 * i + 1])) < 0)
			return MS_ERR_INVALID_FORMAT;
		kcv[i] = (u_char)(hi << 4 | lo);
	}
	return 0;
}

/*
 * Visit the recorded KCVs in key order: cb(ctx, kcv) for each; a damaged
 * "kcv:" key is an error.
 */
static int
kcv_each(struct ms_store *s, MDB_txn *txn,
    int (*cb)(void *, const u_char *), void *ctx)
{
	MDB_cursor *c = NULL;
	MDB_val kv, dv;
	u_char kcv[MS_STORE_KCV_LEN];
	int r = 0, rc, op = MDB_SET_RANGE;

	if ((rc = mdb_cursor_open(txn, s->meta, &c)) != 0) {
		error("store: kcv cursor: %s", mdb_strerror(rc));
		return MS_ERR_INTERNAL;
	}
	kv.mv_size = strlen(KCV_PREFIX);
	kv.mv_data = (void *)KCV_PREFIX;
	for (;; op = MDB_NEXT) {
		if ((rc = mdb_cursor_get(c, &kv, &dv, op)) == MDB_NOTFOUND)
			break;
		if (rc != 0) {
			error("store: kcv cursor: %s", mdb_strerror(rc));
			r = MS_ERR_INTERNAL;
			break;
		}
		if (kv.mv_size < 4 || memcmp(kv.mv_data, KCV_PREFIX, 4) != 0)
			break;
		if ((r = kcv_meta_parse(&kv, kcv)) != 0) {
			error("store: damaged key check value in meta");
			break;
		}
		if ((r = cb(ctx, kcv)) != 0)
			break;
	}
	mdb_cursor_close(c);
	return r;
}

struct kcv_scan {
	const struct ms_store *s;
	size_t	 n;		/* recorded */
	unsigned int known;	/* bit i: keys[i] is recorded */
	u_char	(*out)[MS_STORE_KCV_LEN];
	size_t	 max;
};

static int
kcv_scan_cb(void *ctx, const u_char *kcv)
{
	struct kcv_scan *ks = ctx;
	size_t i;

	if (ks->out != NULL && ks->n < ks->max)
		memcpy(ks->out[ks->n], kcv, MS_STORE_KCV_LEN);
	ks->n++;
	for (i = 0; ks->s != NULL && i < ks->s->nkeys; i++) {
		if (memcmp(kcv, ks->s->kcvs[i], MS_STORE_KCV_LEN) == 0)
			ks->known |= 1U << i;
	}
	return 0;
}

static int
kcv_record(struct ms_store *s, MDB_txn *txn, const u_char kcv[MS_STORE_KCV_LEN])
{
	char key[KCV_KEY_LEN + 1];

	kcv_meta_key(kcv, key);
	return meta_put_u64(s, txn, key, (uint64_t)time(NULL));
}

static int walk_txn(struct ms_store *, MDB_txn *, int, ms_store_walk_fn *,
    void *, int);

struct first_secure {
	int	found;
	int	key_index;
};

static int
first_secure_cb(void *ctx, const struct ms_store_walk_item *it)
{
	struct first_secure *fs = ctx;

	if (it->kind != MS_STORE_WALK_RECORD ||
	    (it->flags & MS_REC_SECURE) == 0)
		return 0;
	fs->found = 1;
	fs->key_index = it->key_index;
	return 1;	/* stop */
}

/*
 * A store from before check values: adopt the configured key that opens
 * its first SECURE value (and keys[0], which seals from now on); with no
 * SECURE value, keys[0].  No key opening it is a mismatch.
 */
static int
adopt_keys(struct ms_store *s, MDB_txn *txn)
{
	struct first_secure fs;
	char got[MS_STORE_KCV_STRLEN + 1];
	int r;

	memset(&fs, 0, sizeof(fs));
	fs.key_index = -1;
	(void)walk_txn(s, txn, 1, first_secure_cb, &fs, 0);
	if (fs.found && fs.key_index < 0) {
		error("store: none of the %zu configured store key(s) opens "
		    "the store's SECURE values", s->nkeys);
		return MS_ERR_STORE_KEY_MISMATCH;
	}
	if (fs.found && fs.key_index > 0) {
		ms_store_kcv_format(s->kcvs[fs.key_index], got, sizeof(got));
		logit("store: recorded store key check value %s (store made "
		    "before check values were kept)", got);
		if ((r = kcv_record(s, txn, s->kcvs[fs.key_index])) != 0)
			return r;
	}
	ms_store_kcv_format(s->kcvs[0], got, sizeof(got));
	logit("store: recorded store key check value %s (store made before "
	    "check values were kept%s)", got, fs.found ? "" :
	    "; no SECURE value to check it against");
	return kcv_record(s, txn, s->kcvs[0]);
}

/*
 * The store-key rule (ARCHITECTURE.md "Store keys"): at least one
 * configured key must be recorded.  A read-write open records keys[0]
 * when missing: on a new store, after a rotation, or on a store from an
 * earlier version that recorded none (then it is adopted unchecked, and
 * logged).
 */
static int
check_keys(struct ms_store *s, MDB_txn *txn, int created)
{
	struct kcv_scan ks;
	char want[MS_STORE_KCV_STRLEN + 1];
	int r;

	if (s->nokeycheck)
		return 0;
	memset(&ks, 0, sizeof(ks));
	ks.s = s;
	if ((r = kcv_each(s, txn, kcv_scan_cb, &ks)) != 0)
		return r;
	ms_store_kcv_format(s->kcvs[0], want, sizeof(want));
	if (ks.n == 0) {
		if (s->rdonly)
			return 0;
		if (!created)
			return adopt_keys(s, txn);
		return kcv_record(s, txn, s->kcvs[0]);
	}
	if (ks.known == 0) {
		error("store: none of the %zu configured store key(s) matches "
		    "the store", s->nkeys);
		return MS_ERR_STORE_KEY_MISMATCH;
	}
	if ((ks.known & 1) == 0 && !s->rdonly) {
		logit("store: new sealing key %s recorded", want);
		return kcv_record(s, txn, s->kcvs[0]);
	}
	return 0;
}

/* Open the named databases; initialise a new store (format, root node). */
static int
init_dbs(struct ms_store *s)
{
	MDB_txn *txn = NULL;
	MDB_val kv, dv;
	struct ms_acl *empty = NULL;
	struct msbuf *b = NULL;
	uint32_t fmt;
	unsigned int create = s->rdonly ? 0 : MDB_CREATE;
	int r = MS_ERR_INTERNAL, rc, created = 0;

	if ((rc = mdb_txn_begin(s->env, NULL, s->rdonly ? MDB_RDONLY : 0,
	    &txn)) != 0 ||
	    (rc = mdb_dbi_open(txn, "meta", create, &s->meta)) != 0 ||
	    (rc = mdb_dbi_open(txn, "nodes", create, &s->nodes)) != 0 ||
	    (rc = mdb_dbi_open(txn, "dirents", create, &s->dirents)) != 0 ||
	    (rc = mdb_dbi_open(txn, "records", create, &s->records)) != 0) {
		error("store: open databases: %s", mdb_strerror(rc));
		goto out;
	}
	kv.mv_size = strlen("format");
	kv.mv_data = (void *)"format";
	if ((rc = mdb_get(txn, s->meta, &kv, &dv)) == 0) {
		if ((b = msbuf_from(dv.mv_data, dv.mv_size)) == NULL) {
			r = MS_ERR_ALLOC;
			goto out;
		}
		if ((r = msbuf_get_u32(b, &fmt)) != 0 || msbuf_len(b) != 0 ||
		    fmt != STORE_FORMAT) {
			error("store: unsupported store format");
			r = MS_ERR_INVALID_FORMAT;
			goto out;
		}
		goto keys;
	} else if (rc != MDB_NOTFOUND || s->rdonly) {
		error("store: read format: %s", mdb_strerror(rc));
		goto out;
	}
	/* A new store. */
	created = 1;
	if ((b = msbuf_new(4)) == NULL ||
	    (empty = calloc(1, sizeof(*empty))) == NULL) {
		r = MS_ERR_ALLOC;
		goto out;
	}
	if ((r = msbuf_put_u32(b, STORE_FORMAT)) != 0)
		goto out;
	val_of(b, &dv);
	if ((rc = mdb_put(txn, s->meta, &kv, &dv, 0)) != 0) {
		error("store: write format: %s", mdb_strerror(rc));
		r = MS_ERR_INTERNAL;
		goto out;
	}
	if ((r = meta_put_u64(s, txn, "next_id", ROOT_ID + 1)) != 0 ||
	    (r = node_put(s, txn, ROOT_ID, empty, 0)) != 0)
		goto out;
 keys:
	if ((r = check_keys(s, txn, created)) != 0)
		goto out;
	/* Commit, not abort: aborting would close the new handles. */
	rc = mdb_txn_commit(txn);
	txn = NULL;
	if (rc != 0) {
		error("store: commit: %s", mdb_strerror(rc));
		r = MS_ERR_INTERNAL;
		goto out;
	}
	r = 0;
 out:
	if (txn != NULL)
		mdb_txn_abort(txn);
	msbuf_free(b);
	free(empty);
	return r;
}

int
ms_store_open(const char *dir, const u_char key[MS_STORE_KEY_LEN],
    size_t mapsize, struct ms_store **sp)
{
	if (key == NULL) {
		if (sp != NULL)
			*sp = NULL;
		return MS_ERR_INVALID_ARGUMENT;
	}
	return ms_store_open_keys(dir, (const u_char (*)[MS_STORE_KEY_LEN])key,
	    1, mapsize, 0, sp);
}

int
ms_store_open_keys(const char *dir, const u_char keys[][MS_STORE_KEY_LEN],
    size_t nkeys, size_t mapsize, int flags, struct ms_store **sp)
{
	struct ms_store *s = NULL;
	size_t i;
	int r, rc, dead;

	if (sp != NULL)
		*sp = NULL;
	if (dir == NULL || keys == NULL || sp == NULL || nkeys == 0 ||
	    nkeys > MS_STORE_KEYS_MAX ||
	    (flags & ~(MS_STORE_RDONLY | MS_STORE_NOKEYCHECK)) != 0 ||
	    ((flags & MS_STORE_NOKEYCHECK) && !(flags & MS_STORE_RDONLY)))
		return MS_ERR_INVALID_ARGUMENT;
	if (mapsize == 0 && (flags & MS_STORE_RDONLY) == 0)
		mapsize = MS_STORE_MAPSIZE_DEFAULT;
	if ((flags & MS_STORE_RDONLY) == 0 && (r = mkdir_private(dir)) != 0)
		return r;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return MS_ERR_ALLOC;
	s->rdonly = (flags & MS_STORE_RDONLY) != 0;
	s->nokeycheck = (flags & MS_STORE_NOKEYCHECK) != 0;
	s->nkeys = nkeys;
	for (i = 0; i < nkeys; i++) {
		memcpy(s->keys[i], keys[i], MS_STORE_KEY_LEN);
		if ((r = ms_store_key_kcv(s->keys[i], s->kcvs[i])) != 0)
			goto fail;
	}
	if ((rc = mdb_env_create(&s->env)) != 0) {
		s->env = NULL;
		goto lmdb_err;
	}
	/* Default flags: synchronous commits (no MDB_NOSYNC/NOMETASYNC). */
	if ((rc = mdb_env_set_maxdbs(s->env, 4)) != 0 ||
	    (mapsize != 0 &&
	    (rc = mdb_env_set_mapsize(s->env, mapsize)) != 0) ||
	    (rc = mdb_env_open(s->env, dir, s->rdonly ? MDB_RDONLY : 0,
	    0600)) != 0)
		goto lmdb_err;
	if (mdb_env_get_maxkeysize(s->env) < KEY_MAX) {
		error("store: LMDB key size limit too small");
		r = MS_ERR_INTERNAL;
		goto fail;
	}
	/* Clear reader slots left by a crashed process. */
	if ((rc = mdb_reader_check(s->env, &dead)) != 0)
		goto lmdb_err;
	if (dead > 0)
		verbose("store: cleared %d stale reader slot(s)", dead);
	if ((r = check_data_file(s, dir)) != 0 || (r = init_dbs(s)) != 0)
		goto fail;
	debug_f("store %s open%s", dir, s->rdonly ? " read-only" : "");
	*sp = s;
	return 0;
 lmdb_err:
	error("store: open %s: %s", dir, mdb_strerror(rc));
	r = MS_ERR_INTERNAL;
 fail:
	ms_store_close(s);
	return r;
}

void
ms_store_close(struct ms_store *s)
{
	if (s == NULL)
		return;
	if (s->env != NULL)
		mdb_env_close(s->env);
	freezero(s, sizeof(*s));
}

void
ms_record_clear(struct ms_record *rec)
{
	if (rec == NULL)
		return;
	if (rec->value != NULL)
		freezero(rec->value, rec->value_len + 1);
	explicit_bzero(rec, sizeof(*rec));
}

int
ms_store_node_exists(struct ms_store *s, const char *path)
{
	struct resolved res;
	MDB_txn *txn;
	int r, st;

	if (s == NULL || !path_ok(path))
		return MS_STORE_INVALID;
	if ((st = txn_begin(s, MDB_RDONLY, &txn)) != MS_STORE_OK)
		return st;
	if ((r = resolve(s, txn, path, &res)) != 0)
		st = buf_fail("resolve", r);
	else if (!resolved_exists(&res))
		st = MS_STORE_NOT_FOUND_PATH;
	mdb_txn_abort(txn);
	return st;
}

/* Decode a full record value into out (unsealing SECURE values). */
static int
record_decode(struct ms_store *s, const char *path, const char *name,
    const MDB_val *v, struct ms_record *out)
{
	struct msbuf *b;
	const u_char *blob;
	size_t bloblen;
	int r;

	if ((b = msbuf_from(v->mv_data, v->mv_size)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = record_decode_hdr(b, &out->flags, &out->version,
	    &out->mtime)) != 0)
		goto out;
	if ((out->flags & MS_REC_SECURE) != 0) {
		if ((r = msbuf_get_string_direct(b, &blob, &bloblen,
		    SEALED_MAX)) != 0 || msbuf_len(b) != 0) {
			r = r != 0 ? r : MS_ERR_INVALID_FORMAT;
			goto out;
		}
		r = unseal_value(s, path, name, blob, bloblen, &out->value,
		    &out->value_len);
	} else {
		if ((r = msbuf_get_string(b, &out->value, &out->value_len,
		    MS_VALUE_MAX)) == 0 && msbuf_len(b) != 0)
			r = MS_ERR_INVALID_FORMAT;
	}
 out:
	msbuf_free(b);
	if (r != 0)
		ms_record_clear(out);
	return r;
}

int
ms_store_get(struct ms_store *s, const char *path, const char *name,
    struct ms_record *out)
{
	struct resolved res;
	struct msbuf *k = NULL;
	MDB_txn *txn;
	MDB_val kv, dv;
	int r, rc, st;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (s == NULL || out == NULL || !path_ok(path) || !name_ok(name))
		return MS_STORE_INVALID;
	if ((st = txn_begin(s, MDB_RDONLY, &txn)) != MS_STORE_OK)
		return st;
	if ((r = resolve(s, txn, path, &res)) != 0) {
		st = buf_fail("resolve", r);
		goto out;
	}
	if (!resolved_exists(&res)) {
		st = MS_STORE_NOT_FOUND_PATH;
		goto out;
	}
	if ((r = make_key(res.id[res.depth - 1], name, strlen(name), &k)) != 0) {
		st = buf_fail("key", r);
		goto out;
	}
	val_of(k, &kv);
	if ((rc = mdb_get(txn, s->records, &kv, &dv)) == MDB_NOTFOUND) {
		st = MS_STORE_NOT_FOUND_RECORD;
		goto out;
	} else if (rc != 0) {
		st = lmdb_fail("get record", rc);
		goto out;
	}
	if ((r = record_decode(s, path, name, &dv, out)) != 0) {
		error("store: cannot read record \"%s\" of %s: %s", name, path,
		    r == MS_ERR_MAC_INVALID ?
		    "wrong store key or damaged value" :
		    r == MS_ERR_STORE_KEY_MISMATCH ?
		    "sealed under a StoreKey that is not configured" :
		    ms_err(r));
		st = MS_STORE_ERROR;
	}
 out:
	mdb_txn_abort(txn);
	msbuf_free(k);
	return st;
}

int
ms_store_set(struct ms_store *s, const char *path, const char *name,
    uint8_t flags, const void *value, size_t len, uint64_t *versionp)
{
	struct resolved res;
	struct msbuf *k = NULL, *v = NULL;
	MDB_txn *txn;
	MDB_val kv, dv;
	uint64_t version = 1, oldversion;
	uint8_t oldflags;
	int r, rc, st;

	if (versionp != NULL)
		*versionp = 0;
	if (s == NULL || !path_ok(path) || !name_ok(name) ||
	    (flags & ~MS_REC_FLAGS_MASK) != 0 || len > MS_VALUE_MAX ||
	    (value == NULL && len != 0))
		return MS_STORE_INVALID;
	if ((st = txn_begin(s, 0, &txn)) != MS_STORE_OK)
		return st;
	if ((r = resolve(s, txn, path, &res)) != 0 ||
	    (r = create_missing(s, txn, path, &res)) != 0 ||
	    (r = make_key(res.id[res.depth - 1], name, strlen(name), &k)) != 0) {
		st = buf_fail("create node", r);
		goto out;
	}
	val_of(k, &kv);
	if ((rc = mdb_get(txn, s->records, &kv, &dv)) == 0) {
		if ((r = record_peek_hdr(&dv, &oldflags, &oldversion)) != 0) {
			st = buf_fail("decode record", r);
			goto out;
		}
		if ((oldflags & MS_REC_SECURE) != 0 &&
		    (flags & MS_REC_SECURE) == 0) {
			debug_f("refusing to clear SECURE on \"%s\" of %s",
			    name, path);
			st = MS_STORE_INVALID;
			goto out;
		}
		if (oldversion == UINT64_MAX) {
			st = MS_STORE_ERROR;
			goto out;
		}
		version = oldversion + 1;
	} else if (rc != MDB_NOTFOUND) {
		st = lmdb_fail("get record", rc);
		goto out;
	}
	if ((r = record_encode(s, path, name, flags, version,
	    (uint64_t)time(NULL), value, len, &v)) != 0) {
		st = buf_fail("encode record", r);
		goto out;
	}
	val_of(v, &dv);
	if ((rc = mdb_put(txn, s->records, &kv, &dv, 0)) != 0) {
		NOTE_FULL(s, rc);
		st = lmdb_fail("put record", rc);
	}
 out:
	msbuf_free(k);
	msbuf_free(v);
	if ((st = txn_finish(s, txn, st)) == MS_STORE_OK && versionp != NULL)
		*versionp = version;
	return st;
}

int
ms_store_delete_record(struct ms_store *s, const char *path, const char *name)
{
	struct resolved res;
	struct msbuf *k = NULL;
	MDB_txn *txn;
	MDB_val kv;
	int r, rc, st;

	if (s == NULL || !path_ok(path) || !name_ok(name))
		return MS_STORE_INVALID;
	if ((st = txn_begin(s, 0, &txn)) != MS_STORE_OK)
		return st;
	if ((r = resolve(s, txn, path, &res)) != 0) {
		st = buf_fail("resolve", r);
		goto out;
	}
	if (!resolved_exists(&res)) {
		st = MS_STORE_NOT_FOUND_PATH;
		goto out;
	}
	if ((r = make_key(res.id[res.depth - 1], name, strlen(name), &k)) != 0) {
		st = buf_fail("key", r);
		goto out;
	}
	val_of(k, &kv);
	if ((rc = mdb_del(txn, s->records, &kv, NULL)) == MDB_NOTFOUND)
		st = MS_STORE_NOT_FOUND_RECORD;
	else if (rc != 0) {
		NOTE_FULL(s, rc);
		st = lmdb_fail("delete record", rc);
	}
 out:
	msbuf_free(k);
	return txn_finish(s, txn, st);
}

int
ms_store_delete_node(struct ms_store *s, const char *path)
{
	struct resolved res;
	struct msbuf *k = NULL;
	MDB_txn *txn;
	MDB_val kv;
	uint64_t id;
	size_t start;
	int r, rc, st, busy;

	if (s == NULL || !path_ok(path) || ms_path_is_root(path))
		return MS_STORE_INVALID;
	if ((st = txn_begin(s, 0, &txn)) != MS_STORE_OK)
		return st;
	if ((r = resolve(s, txn, path, &res)) != 0) {
		st = buf_fail("resolve", r);
		goto out;
	}
	if (!resolved_exists(&res)) {
		st = MS_STORE_NOT_FOUND_PATH;
		goto out;
	}
	id = res.id[res.depth - 1];
	if ((r = has_keys_with_id(txn, s->dirents, id, &busy)) == 0 && !busy)
		r = has_keys_with_id(txn, s->records, id, &busy);
	if (r != 0) {
		st = buf_fail("check node", r);
		goto out;
	}
	if (busy) {
		st = MS_STORE_BUSY;
		goto out;
	}
	start = seg_start(&res, res.nsegs);
	if ((r = make_key(res.id[res.depth - 2], path + start,
	    res.end[res.nsegs] - start, &k)) != 0) {
		st = buf_fail("key", r);
		goto out;
	}
	val_of(k, &kv);
	if ((rc = mdb_del(txn, s->dirents, &kv, NULL)) != 0) {
		NOTE_FULL(s, rc);
		st = lmdb_fail("delete dirent", rc);
		goto out;
	}
	msbuf_free(k);
	if ((r = make_key(id, NULL, 0, &k)) != 0) {
		k = NULL;
		st = buf_fail("key", r);
		goto out;
	}
	val_of(k, &kv);
	if ((rc = mdb_del(txn, s->nodes, &kv, NULL)) != 0) {
		NOTE_FULL(s, rc);
		st = lmdb_fail("delete node", rc);
	}
 out:
	msbuf_free(k);
	return txn_finish(s, txn, st);
}

/* Call cb for each key of dbi under id (at most MS_LIST_MAX). */
static int
list_range(struct ms_store *s, MDB_txn *txn, MDB_dbi dbi, uint64_t id,
    int kind, ms_store_list_ext_fn *cb, void *ctx)
{
	MDB_cursor *c = NULL;
	struct msbuf *k;
	struct ms_store_list_entry e;
	MDB_val kv, dv;
	char name[MS_PATH_SEGMENT_MAX + 1];
	uint64_t got, version = 0, mtime = 0;
	uint8_t flags = 0;
	size_t len, n = 0;
	int r, rc, op = MDB_SET_RANGE;

	if ((r = make_key(id, NULL, 0, &k)) != 0)
		return buf_fail("key", r);
	val_of(k, &kv);
	if ((rc = mdb_cursor_open(txn, dbi, &c)) != 0) {
		msbuf_free(k);
		return lmdb_fail("cursor", rc);
	}
	for (;; op = MDB_NEXT) {
		if ((rc = mdb_cursor_get(c, &kv, &dv, op)) == MDB_NOTFOUND)
			break;
		if (rc != 0) {
			r = lmdb_fail("cursor", rc);
			goto out;
		}
		if ((r = decode_key(&kv, &got, name, &len)) != 0 ||
		    got != id)
			break;
		if (ms_record_name_valid(name, len) != 0) {
			r = MS_ERR_INVALID_FORMAT;
			break;
		}
		if (kind == MS_STORE_LIST_RECORD &&
		    (r = record_peek_hdr_mtime(&dv, &flags, &version,
		    &mtime)) != 0)
			break;
		if (n++ >= MS_LIST_MAX) {
			verbose("store: listing truncated at %u entries",
			    (unsigned int)MS_LIST_MAX);
			break;
		}
		e.kind = kind;
		e.name = name;
		e.len = len;
		e.flags = flags;
		e.version = version;
		e.mtime = mtime;
		if (cb(ctx, &e) < 0) {
			r = MS_STORE_ERROR;
			goto out;
		}
	}
	if (r != 0)
		r = buf_fail("list", r);
 out:
	explicit_bzero(name, sizeof(name));
	mdb_cursor_close(c);
	msbuf_free(k);
	return r;
}

struct list_compat {
	ms_store_list_fn	*cb;
	void			*ctx;
};

static int
list_compat_cb(void *vctx, const struct ms_store_list_entry *e)
{
	struct list_compat *lc = vctx;

	return lc->cb(lc->ctx, e->kind, e->name, e->len, e->flags);
}

int
ms_store_list(struct ms_store *s, const char *path, ms_store_list_fn *cb,
    void *ctx)
{
	struct list_compat lc;

	if (cb == NULL)
		return MS_STORE_INVALID;
	lc.cb = cb;
	lc.ctx = ctx;
	return ms_store_list_ext(s, path, list_compat_cb, &lc);
}

int
ms_store_list_ext(struct ms_store *s, const char *path,
    ms_store_list_ext_fn *cb, void *ctx)
{
	struct resolved res;
	MDB_txn *txn;
	uint64_t id;
	int r, st;

	if (s == NULL || cb == NULL || !path_ok(path))
		return MS_STORE_INVALID;
	if ((st = txn_begin(s, MDB_RDONLY, &txn)) != MS_STORE_OK)
		return st;
	if ((r = resolve(s, txn, path, &res)) != 0) {
		st = buf_fail("resolve", r);
		goto out;
	}
	if (!resolved_exists(&res)) {
		st = MS_STORE_NOT_FOUND_PATH;
		goto out;
	}
	id = res.id[res.depth - 1];
	if ((st = list_range(s, txn, s->dirents, id, MS_STORE_LIST_CHILD,
	    cb, ctx)) == MS_STORE_OK)
		st = list_range(s, txn, s->records, id, MS_STORE_LIST_RECORD,
		    cb, ctx);
 out:
	mdb_txn_abort(txn);
	return st;
}

int
ms_store_get_acl(struct ms_store *s, const char *path, struct ms_acl *out)
{
	struct resolved res;
	MDB_txn *txn;
	int r, st;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (s == NULL || out == NULL || !path_ok(path))
		return MS_STORE_INVALID;
	if ((st = txn_begin(s, MDB_RDONLY, &txn)) != MS_STORE_OK)
		return st;
	if ((r = resolve(s, txn, path, &res)) != 0)
		st = buf_fail("resolve", r);
	else if (!resolved_exists(&res))
		st = MS_STORE_NOT_FOUND_PATH;
	else if ((r = node_get(s, txn, res.id[res.depth - 1], out)) != 0)
		st = MS_STORE_ERROR;
	mdb_txn_abort(txn);
	return st;
}

/* Apply one change; 0, or MS_STORE_INVALID when the ACL would overflow. */
static int
acl_apply(struct ms_acl *acl, const struct ms_acl_entry *ch)
{
	size_t i;

	for (i = 0; i < acl->nentries; i++) {
		if (strcmp(acl->entries[i].who, ch->who) == 0)
			break;
	}
	if (ch->rights == 0) {
		if (i < acl->nentries) {
			memmove(&acl->entries[i], &acl->entries[i + 1],
			    (acl->nentries - i - 1) * sizeof(acl->entries[0]));
			acl->nentries--;
		}
		return 0;
	}
	if (i == acl->nentries) {
		if (acl->nentries >= MS_ACL_ENTRIES_MAX)
			return MS_STORE_INVALID;
		acl->nentries++;
	}
	acl->entries[i] = *ch;
	return 0;
}

int
ms_store_set_acl(struct ms_store *s, const char *path,
    const struct ms_acl_entry *changes, size_t n, int noinherit,
    int sensitive)
{
	struct resolved res;
	struct ms_acl *acl = NULL;
	MDB_txn *txn;
	size_t i;
	int r, st;

	if (s == NULL || !path_ok(path) || n > MS_ACL_ENTRIES_MAX ||
	    (n > 0 && changes == NULL) || noinherit < -1 || noinherit > 1 ||
	    sensitive < -1 || sensitive > 1)
		return MS_STORE_INVALID;
	for (i = 0; i < n; i++) {
		if (memchr(changes[i].who, '\0', sizeof(changes[i].who)) == NULL ||
		    ms_acl_who_valid(changes[i].who) != 0 ||
		    (changes[i].rights & ~MS_RIGHTS_ALL) != 0)
			return MS_STORE_INVALID;
	}
	if ((acl = calloc(1, sizeof(*acl))) == NULL)
		return buf_fail("set acl", MS_ERR_ALLOC);
	if ((st = txn_begin(s, 0, &txn)) != MS_STORE_OK) {
		free(acl);
		return st;
	}
	if ((r = resolve(s, txn, path, &res)) != 0) {
		st = buf_fail("resolve", r);
		goto out;
	}
	if (!resolved_exists(&res)) {
		st = MS_STORE_NOT_FOUND_PATH;
		goto out;
	}
	if ((r = node_get(s, txn, res.id[res.depth - 1], acl)) != 0) {
		st = MS_STORE_ERROR;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if ((st = acl_apply(acl, &changes[i])) != MS_STORE_OK)
			goto out;
	}
	if (noinherit == 1)
		acl->flags |= MS_NODE_NOINHERIT;
	else if (noinherit == 0)
		acl->flags &= ~MS_NODE_NOINHERIT;
	if (sensitive == 1)
		acl->flags |= MS_NODE_SENSITIVE;
	else if (sensitive == 0)
		acl->flags &= ~MS_NODE_SENSITIVE;
	if ((r = node_put(s, txn, res.id[res.depth - 1], acl, 0)) != 0)
		st = buf_fail("write acl", r);
 out:
	free(acl);
	return txn_finish(s, txn, st);
}

int
ms_store_acl_walk(void *wctx, const char *path, ms_acl_visit_fn *visit,
    void *vctx)
{
	struct ms_store *s = wctx;
	struct resolved res;
	struct ms_acl *acl = NULL;
	MDB_txn *txn = NULL;
	char prefix[MS_PATH_MAX + 1];
	size_t i;
	int r, rc;

	if (s == NULL || visit == NULL || !path_ok(path))
		return MS_ERR_INVALID_ARGUMENT;
	if ((acl = calloc(1, sizeof(*acl))) == NULL)
		return MS_ERR_ALLOC;
	if ((rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn)) != 0) {
		error("store: begin transaction: %s", mdb_strerror(rc));
		txn = NULL;
		r = MS_ERR_INTERNAL;
		goto out;
	}
	if ((r = resolve(s, txn, path, &res)) != 0)
		goto out;
	for (i = res.depth; i-- > 0;) {
		if ((r = node_get(s, txn, res.id[i], acl)) != 0)
			goto out;
		/* end[i] <= strlen(path) <= MS_PATH_MAX */
		memcpy(prefix, path, res.end[i]);
		prefix[res.end[i]] = '\0';
		if ((r = visit(vctx, prefix, acl)) != 0)
			goto out;
	}
 out:
	if (txn != NULL)
		mdb_txn_abort(txn);
	free(acl);
	return r;
}

/*
 * --- Administration (metasafe-admin): key check values, usage, copy,
 * walk and re-seal.  Kept together so the later split of this file can
 * move them as one piece.
 */

int
ms_store_recorded_kcvs(struct ms_store *s, u_char kcvs[][MS_STORE_KCV_LEN],
    size_t max, size_t *np)
{
	struct kcv_scan ks;
	MDB_txn *txn;
	int st;

	if (np != NULL)
		*np = 0;
	if (s == NULL || np == NULL || (max > 0 && kcvs == NULL))
		return MS_STORE_INVALID;
	if ((st = txn_begin(s, MDB_RDONLY, &txn)) != MS_STORE_OK)
		return st;
	memset(&ks, 0, sizeof(ks));
	ks.out = kcvs;
	ks.max = max;
	if (kcv_each(s, txn, kcv_scan_cb, &ks) != 0)
		st = MS_STORE_ERROR;
	mdb_txn_abort(txn);
	*np = ks.n;
	return st;
}

int
ms_store_usage(struct ms_store *s, struct ms_store_usage *u)
{
	MDB_envinfo info;
	MDB_stat est, nst, rst;
	MDB_txn *txn;
	int rc, st;

	if (u != NULL)
		memset(u, 0, sizeof(*u));
	if (s == NULL || u == NULL)
		return MS_STORE_INVALID;
	if ((st = txn_begin(s, MDB_RDONLY, &txn)) != MS_STORE_OK)
		return st;
	if ((rc = mdb_env_info(s->env, &info)) != 0 ||
	    (rc = mdb_env_stat(s->env, &est)) != 0 ||
	    (rc = mdb_stat(txn, s->nodes, &nst)) != 0 ||
	    (rc = mdb_stat(txn, s->records, &rst)) != 0)
		st = lmdb_fail("usage", rc);
	else {
		u->used_bytes = ((uint64_t)info.me_last_pgno + 1) * est.ms_psize;
		u->max_bytes = info.me_mapsize;
		u->nodes = nst.ms_entries;
		u->records = rst.ms_entries;
	}
	mdb_txn_abort(txn);
	return st;
}

int
ms_store_copy(struct ms_store *s, const char *outdir)
{
	char path[4096];
	mode_t old;
	int rc, st = MS_STORE_OK;

	if (s == NULL || outdir == NULL ||
	    snprintf(path, sizeof(path), "%s/data.mdb", outdir) >=
	    (int)sizeof(path))
		return MS_STORE_INVALID;
	/* LMDB creates the copy 0666 & ~umask: never let it be readable. */
	old = umask(077);
	if ((rc = mdb_env_copy2(s->env, outdir, MDB_CP_COMPACT)) != 0)
		st = lmdb_fail("copy", rc);
	umask(old);
	if (st == MS_STORE_OK && chmod(path, 0600) == -1) {
		error("store: chmod %s: %s", path, strerror(errno));
		st = MS_STORE_ERROR;
	}
	return st;
}

/* Walk state: one transaction, one path buffer grown and cut per level. */
struct walk {
	struct ms_store	*s;
	MDB_txn		*txn;
	int		 unseal;
	ms_store_walk_fn *cb;
	void		*ctx;
	char		 path[MS_PATH_MAX + 1];
	size_t		 pathlen;
	uint64_t	 nodes_seen;
	uint64_t	 records_seen;
	int		 stop;
};

static int
walk_emit(struct walk *wk, const struct ms_store_walk_item *it)
{
	if (wk->cb(wk->ctx, it) != 0) {
		wk->stop = 1;
		return -1;
	}
	return 0;
}

static int
walk_damage(struct walk *wk, const char *name, const char *what)
{
	struct ms_store_walk_item it;

	memset(&it, 0, sizeof(it));
	it.kind = MS_STORE_WALK_DAMAGE;
	it.path = wk->path;
	it.name = name;
	it.key_index = -1;
	it.damage = what;
	return walk_emit(wk, &it);
}

/* Records of node id (at wk->path). */
static int
walk_records(struct walk *wk, uint64_t id)
{
	struct ms_store_walk_item it;
	struct msbuf *k = NULL, *b = NULL;
	MDB_cursor *c = NULL;
	MDB_val kv, dv;
	const u_char *blob;
	u_char *pt = NULL, kcv[MS_STORE_KCV_LEN];
	char name[MS_PATH_SEGMENT_MAX + 1];
	uint64_t got, version, mtime;
	size_t len, bloblen, ptlen = 0;
	int r, rc, op = MDB_SET_RANGE, fmt, ki;

	if ((r = make_key(id, NULL, 0, &k)) != 0)
		return buf_fail("key", r);
	val_of(k, &kv);
	if ((rc = mdb_cursor_open(wk->txn, wk->s->records, &c)) != 0) {
		msbuf_free(k);
		return lmdb_fail("cursor", rc);
	}
	for (r = 0; !wk->stop; op = MDB_NEXT) {
		if ((rc = mdb_cursor_get(c, &kv, &dv, op)) == MDB_NOTFOUND)
			break;
		if (rc != 0) {
			r = lmdb_fail("cursor", rc);
			break;
		}
		if (decode_key(&kv, &got, name, &len) != 0 || got != id)
			break;
		wk->records_seen++;
		if (ms_record_name_valid(name, len) != 0) {
			walk_damage(wk, NULL, "record with an invalid name");
			continue;
		}
		memset(&it, 0, sizeof(it));
		it.kind = MS_STORE_WALK_RECORD;
		it.path = wk->path;
		it.name = name;
		it.key_index = -1;
		msbuf_free(b);
		if ((b = msbuf_from(dv.mv_data, dv.mv_size)) == NULL) {
			r = buf_fail("walk", MS_ERR_ALLOC);
			break;
		}
		if (record_decode_hdr(b, &it.flags, &version, &mtime) != 0) {
			walk_damage(wk, name, "undecodable record");
			continue;
		}
		if ((it.flags & MS_REC_SECURE) == 0) {
			if (msbuf_get_string_direct(b, &blob, &bloblen,
			    MS_VALUE_MAX) != 0 || msbuf_len(b) != 0)
				walk_damage(wk, name, "undecodable record");
			else
				walk_emit(wk, &it);
			continue;
		}
		if (msbuf_get_string_direct(b, &blob, &bloblen,
		    SEALED_MAX) != 0 || msbuf_len(b) != 0 || bloblen < 1) {
			walk_damage(wk, name, "undecodable sealed value");
			continue;
		}
		it.seal_format = blob[0];
		if (blob[0] == SEAL_FORMAT &&
		    bloblen >= 1 + MS_STORE_KCV_LEN) {
			memcpy(kcv, blob + 1, sizeof(kcv));
			it.kcv = kcv;
		}
		if (wk->unseal) {
			r = unseal_value_ex(wk->s, wk->path, name, blob,
			    bloblen, &pt, &ptlen, &fmt, NULL, &ki);
			freezero(pt, ptlen + 1);
			pt = NULL;
			it.key_index = ki;
			if (r == MS_ERR_STORE_KEY_MISMATCH)
				it.damage = "sealed under a key that is not "
				    "configured";
			else if (r == MS_ERR_INVALID_FORMAT)
				it.damage = "undecodable sealed value";
			else if (r != 0)
				it.damage = "does not unseal (damaged value "
				    "or wrong key)";
			r = 0;
		}
		walk_emit(wk, &it);
	}
	explicit_bzero(name, sizeof(name));
	mdb_cursor_close(c);
	msbuf_free(k);
	msbuf_free(b);
	return r;
}

/* Node id at wk->path: itself, its records, then its children. */
static int
walk_node(struct walk *wk, uint64_t id, size_t depth)
{
	struct ms_store_walk_item it;
	struct ms_acl *acl = NULL;
	struct msbuf *k = NULL, *kk = NULL;
	MDB_cursor *c = NULL;
	MDB_val kv, dv, nv;
	char seg[MS_PATH_SEGMENT_MAX + 1];
	uint64_t got, child;
	size_t len, saved;
	int r = 0, rc, op = MDB_SET_RANGE;

	if (depth > DEPTH_MAX)
		return walk_damage(wk, NULL, "nodes nested too deep"), 0;
	if ((acl = calloc(1, sizeof(*acl))) == NULL)
		return buf_fail("walk", MS_ERR_ALLOC);
	wk->nodes_seen++;
	if ((r = make_key(id, NULL, 0, &k)) != 0) {
		r = buf_fail("key", r);
		goto out;
	}
	val_of(k, &kv);
	if ((rc = mdb_get(wk->txn, wk->s->nodes, &kv, &nv)) == MDB_NOTFOUND) {
		walk_damage(wk, NULL, "directory entry to a missing node");
		goto out;
	} else if (rc != 0) {
		r = lmdb_fail("get node", rc);
		goto out;
	}
	if (node_decode(&nv, acl) != 0) {
		walk_damage(wk, NULL, "undecodable node");
		memset(acl, 0, sizeof(*acl));
	} else {
		memset(&it, 0, sizeof(it));
		it.kind = MS_STORE_WALK_NODE;
		it.path = wk->path;
		it.acl = acl;
		it.key_index = -1;
		if (walk_emit(wk, &it) != 0)
			goto out;
	}
	if ((r = walk_records(wk, id)) != 0 || wk->stop)
		goto out;
	if ((rc = mdb_cursor_open(wk->txn, wk->s->dirents, &c)) != 0) {
		r = lmdb_fail("cursor", rc);
		goto out;
	}
	val_of(k, &kv);
	for (; !wk->stop; op = MDB_NEXT) {
		if ((rc = mdb_cursor_get(c, &kv, &dv, op)) == MDB_NOTFOUND)
			break;
		if (rc != 0) {
			r = lmdb_fail("cursor", rc);
			break;
		}
		if (decode_key(&kv, &got, seg, &len) != 0 || got != id)
			break;
		saved = wk->pathlen;
		if (ms_record_name_valid(seg, len) != 0 ||
		    decode_u64(&dv, &child) != 0 || child <= ROOT_ID) {
			walk_damage(wk, NULL, "undecodable directory entry");
			continue;
		}
		/* path + "/" + seg; MS_PATH_MAX bounds any valid path. */
		if (saved + (saved > 1) + len > MS_PATH_MAX) {
			walk_damage(wk, NULL, "path too long below");
			continue;
		}
		if (saved > 1)
			wk->path[wk->pathlen++] = '/';
		memcpy(wk->path + wk->pathlen, seg, len);
		wk->pathlen += len;
		wk->path[wk->pathlen] = '\0';
		r = walk_node(wk, child, depth + 1);
		wk->pathlen = saved;
		wk->path[saved] = '\0';
		if (r != 0)
			break;
	}
 out:
	if (c != NULL)
		mdb_cursor_close(c);
	msbuf_free(k);
	msbuf_free(kk);
	free(acl);
	return r;
}

static int
walk_txn(struct ms_store *s, MDB_txn *txn, int unseal, ms_store_walk_fn *cb,
    void *ctx, int check_counts)
{
	struct walk *wk;
	MDB_stat nst, rst;
	int r, rc;

	if ((wk = calloc(1, sizeof(*wk))) == NULL)
		return buf_fail("walk", MS_ERR_ALLOC);
	wk->s = s;
	wk->txn = txn;
	wk->unseal = unseal;
	wk->cb = cb;
	wk->ctx = ctx;
	strlcpy(wk->path, "/", sizeof(wk->path));
	wk->pathlen = 1;
	r = walk_node(wk, ROOT_ID, 0);
	if (r == 0 && !wk->stop && check_counts) {
		if ((rc = mdb_stat(txn, s->nodes, &nst)) != 0 ||
		    (rc = mdb_stat(txn, s->records, &rst)) != 0)
			r = lmdb_fail("stat", rc);
		else {
			strlcpy(wk->path, "/", sizeof(wk->path));
			if (nst.ms_entries != wk->nodes_seen)
				walk_damage(wk, NULL, "nodes not reachable "
				    "from the root");
			if (rst.ms_entries != wk->records_seen)
				walk_damage(wk, NULL, "records not reachable "
				    "from the root");
		}
	}
	if (r == 0 && wk->stop)
		r = MS_STORE_ERROR;
	explicit_bzero(wk, sizeof(*wk));
	free(wk);
	return r == 0 ? MS_STORE_OK : MS_STORE_ERROR;
}

int
ms_store_walk(struct ms_store *s, int unseal, ms_store_walk_fn *cb, void *ctx)
{
	MDB_txn *txn;
	int st;

	if (s == NULL || cb == NULL)
		return MS_STORE_INVALID;
	if ((st = txn_begin(s, MDB_RDONLY, &txn)) != MS_STORE_OK)
		return st;
	st = walk_txn(s, txn, unseal, cb, ctx, 1);
	mdb_txn_abort(txn);
	return st;
}

/* Values to re-seal, collected by the walk of one batch. */
struct reseal {
	struct ms_store	*s;
	size_t		 max;
	size_t		 n;
	char		**paths;
	char		**names;
	int		 full;
};

static int
reseal_cb(void *ctx, const struct ms_store_walk_item *it)
{
	struct reseal *rs = ctx;

	if (it->kind != MS_STORE_WALK_RECORD ||
	    (it->flags & MS_REC_SECURE) == 0)
		return 0;
	if (it->seal_format == SEAL_FORMAT && it->kcv != NULL &&
	    memcmp(it->kcv, rs->s->kcvs[0], MS_STORE_KCV_LEN) == 0)
		return 0;
	if (rs->n == rs->max) {
		rs->full = 1;
		return 1;	/* stop: the batch is full */
	}
	if ((rs->paths[rs->n] = strdup(it->path)) == NULL ||
	    (rs->names[rs->n] = strdup(it->name)) == NULL) {
		free(rs->paths[rs->n]);
		rs->paths[rs->n] = NULL;
		return -1;
	}
	rs->n++;
	return 0;
}

/* Re-seal one record under keys[0], in txn. */
static int
reseal_one(struct ms_store *s, MDB_txn *txn, const char *path,
    const char *name)
{
	struct resolved res;
	struct ms_record rec;
	struct msbuf *k = NULL, *v = NULL;
	MDB_val kv, dv;
	int r, rc, st = MS_STORE_OK;

	memset(&rec, 0, sizeof(rec));
	if ((r = resolve(s, txn, path, &res)) != 0 ||
	    !resolved_exists(&res) ||
	    (r = make_key(res.id[res.depth - 1], name, strlen(name), &k)) != 0) {
		st = MS_STORE_ERROR;
		goto out;
	}
	val_of(k, &kv);
	if ((rc = mdb_get(txn, s->records, &kv, &dv)) != 0) {
		st = lmdb_fail("get record", rc);
		goto out;
	}
	if ((r = record_decode(s, path, name, &dv, &rec)) != 0) {
		error("store: cannot re-seal record \"%s\" of %s: %s", name,
		    path, r == MS_ERR_MAC_INVALID ?
		    "wrong store key or damaged value" : ms_err(r));
		st = MS_STORE_ERROR;
		goto out;
	}
	if ((r = record_encode(s, path, name, rec.flags, rec.version,
	    rec.mtime, rec.value, rec.value_len, &v)) != 0) {
		st = buf_fail("encode record", r);
		goto out;
	}
	val_of(v, &dv);
	if ((rc = mdb_put(txn, s->records, &kv, &dv, 0)) != 0) {
		NOTE_FULL(s, rc);
		st = lmdb_fail("put record", rc);
	}
 out:
	ms_record_clear(&rec);
	msbuf_free(k);
	msbuf_free(v);
	return st;
}

int
ms_store_reseal(struct ms_store *s, size_t batch, size_t *donep, int *morep)
{
	struct reseal rs;
	MDB_txn *txn;
	size_t i;
	int st;

	if (donep != NULL)
		*donep = 0;
	if (morep != NULL)
		*morep = 0;
	if (s == NULL || batch == 0 || batch > 100000 || donep == NULL ||
	    morep == NULL)
		return MS_STORE_INVALID;
	memset(&rs, 0, sizeof(rs));
	rs.s = s;
	rs.max = batch;
	if ((rs.paths = calloc(batch, sizeof(*rs.paths))) == NULL ||
	    (rs.names = calloc(batch, sizeof(*rs.names))) == NULL) {
		free(rs.paths);
		return buf_fail("reseal", MS_ERR_ALLOC);
	}
	if ((st = txn_begin(s, 0, &txn)) != MS_STORE_OK)
		goto out;
	st = walk_txn(s, txn, 0, reseal_cb, &rs, 0);
	if (st != MS_STORE_OK && rs.full)
		st = MS_STORE_OK;	/* stopped on purpose */
	for (i = 0; st == MS_STORE_OK && i < rs.n; i++)
		st = reseal_one(s, txn, rs.paths[i], rs.names[i]);
	if ((st = txn_finish(s, txn, st)) == MS_STORE_OK) {
		*donep = rs.n;
		*morep = rs.full;
	}
 out:
	for (i = 0; i < rs.n; i++) {
		free(rs.paths[i]);
		free(rs.names[i]);
	}
	free(rs.paths);
	free(rs.names);
	return st;
}
