/*
 * store_int.h — shared by the files of the store (monitor/store_*.c)
 * only; the monitor and metasafe-admin use store.h.
 *
 * The store is split by concern:
 *   store_open.c  opening whatever the backend: the format, next_id, the
 *                 root node, the store-key check values (KCV rule); close,
 *                 usage, copy, statuses
 *   store_tx.c    transactions over the backend, the calling thread's
 *                 deadline, the retry rule of optimistic writes, the
 *                 backend's name
 *   store_node.c  node ids and paths: resolve, dirents, create_missing,
 *                 node encoding, delete, list
 *   store_rec.c   records: encoding, get/set/delete, walk and re-seal
 *   store_acl.c   a node's ACL: get, set, the walk for monitor/acl.c
 *   store_seal.c  sealing SECURE values and picking the key by its KCV
 *                 (store_seal.h)
 *   store_apply.c group commit (ms_store_apply), in the writer thread
 *   store_log.c   the store's log lines, kept for the loop thread when
 *                 the writer thread is the one that would log
 *   store_migrate.c  a whole store copied into another (migration)
 *   store_lmdb.c  the LMDB backend (store_kv.h): the only file that
 *                 includes lmdb.h
 *   store_etcd.c  the etcd backend (store_kv.h)
 * All but the backends are written over store_kv.h and know neither
 * LMDB nor etcd.  store_writer.c is not part of the store: it knows only
 * store.h.  The ACL rules themselves (monitor/acl.c) know no backend
 * either.
 *
 * Layout.  LMDB keys are limited to 511 bytes, less than a full path
 * (MS_PATH_MAX), so nodes are numbered and addressed by (parent id,
 * segment), like directory entries.  Four tables (store_kv.h's
 * enum store_table: LMDB's named databases, etcd's key prefixes, the
 * same keys and values in both); every integer
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
 * records of a node are each one contiguous key range: a walk of the
 * 8-byte id prefix (store_kv.h) reads them in name order.
 *
 * A node exists when its dirent chain from the root does; SET creates
 * missing ancestors, and DELETE removes only empty nodes, so every
 * ancestor of an existing node exists.
 */

#ifndef MS_STORE_INT_H
#define MS_STORE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "acl.h"
#include "log.h"
#include "path.h"
#include "proto.h"
#include "store.h"
#include "store_kv.h"
#include "store_seal.h"

/*
 * Errors.  The ms_store_* functions return enum ms_store_status (store.h).
 * The internal helpers below return 0 or a negative MS_ERR_* (the codec's
 * and the sealing code's vocabulary), except store_txn_begin,
 * store_txn_finish, the store_kv_* wrappers, store_errno_status and
 * store_buf_fail, which already speak ms_store_status (and
 * STORE_CONFLICT): store_buf_fail() is where an internal MS_ERR_* is
 * logged and becomes MS_STORE_ERROR.  A backend failure met on the way
 * (a full map, I/O, an etcd that does not answer) needs no care here:
 * the transaction remembers it and store_txn_finish() returns it
 * (store_kv.h).
 */

#define STORE_FORMAT	1
#define NODE_FORMAT	1
#define RECORD_FORMAT	1
#define KCV_PREFIX	"kcv:"
#define KCV_KEY_LEN	(4 + 2 * MS_STORE_KCV_LEN)
#define ROOT_ID		1

#define ID_LEN		8
#define KEY_MAX		(ID_LEN + MS_PATH_SEGMENT_MAX)	/* >= record name */
#define RECORD_HDR_LEN	(1 + 1 + 8 + 8)
#define RECORD_ENC_MAX	(RECORD_HDR_LEN + 4 + SEALED_MAX)
#define NODE_ENC_MAX	(1 + 1 + 4 + MS_ACL_ENTRIES_MAX * \
			    (4 + MS_ACL_WHO_MAX + 4 + MS_RIGHTS_MAX))
#define DEPTH_MAX	(MS_PATH_MAX / 2)	/* "/a/a/a..." */

struct msbuf;

struct ms_store {
	const struct store_backend *be;
	void	*impl;		/* the backend's state */
	int	 rdonly;
	int	 nokeycheck;
	/* LMDB: a writer thread exists (set before it starts). */
	int	 threaded;
	int	 blocking;	/* ms_store_blocking() */
	struct store_keyring kr;
};

/* The existing part of a path, as found in one transaction. */
struct resolved {
	size_t		nsegs;			/* segments in the path */
	size_t		depth;			/* existing nodes, root included */
	uint64_t	id[DEPTH_MAX + 1];	/* id[i]: node of prefix i */
	size_t		end[DEPTH_MAX + 1];	/* length of prefix i's path */
};

/*
 * Logging.  The store's lines go through store_log(): to log.h, or, in a
 * thread that must not log (the store writer), into the buffer that thread
 * named with store_log_to() for the logging thread to emit later.
 */
struct store_logbuf {
	char	*buf;		/* NUL-terminated; lines joined by "; " */
	size_t	 len;
	int	 level;		/* most severe level captured; QUIET: none */
};
void	store_log_to(struct store_logbuf *lb);	/* NULL: log directly */
void	store_log(int level, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
#define store_error(...)	store_log(MS_LOG_ERROR, __VA_ARGS__)
#define store_logit(...)	store_log(MS_LOG_INFO, __VA_ARGS__)
#define store_verbose(...)	store_log(MS_LOG_VERBOSE, __VA_ARGS__)
#define store_debug(...)	store_log(MS_LOG_DEBUG1, __VA_ARGS__)

/* store_open.c */
/*
 * A new struct ms_store with its keyring, after checking the arguments
 * every backend's open takes; the caller attaches a backend (be, impl)
 * and then calls store_open_finish().  MS_STORE_OK or a failure.
 */
int	store_new(const u_char keys[][MS_STORE_KEY_LEN], size_t nkeys,
	    int flags, struct ms_store **sp);
/*
 * Once a backend is attached: check (or, read-write, create) the format,
 * the node counter and the root, and apply the store-key rule.  On
 * failure the caller closes s.
 */
int	store_open_finish(struct ms_store *s);
/* errno as FULL, UNAVAILABLE or ERROR (EIO is FULL only when writing). */
int	store_errno_status(int err, int writing);
int	store_buf_fail(const char *what, int r);	/* MS_STORE_ERROR */
void	store_val_of(const struct msbuf *b, struct store_val *v);
int	store_decode_u64(const struct store_val *v, uint64_t *vp);
int	store_meta_put_u64(struct ms_store *s, struct store_tx *tx,
	    const char *name, uint64_t val);

/* store_tx.c */
/* A read (write 0) or write transaction: MS_STORE_OK or a failure. */
int	store_txn_begin(struct ms_store *s, int write, struct store_tx **txp);
/*
 * Commit (st MS_STORE_OK) or undo; returns the final status, which may
 * be STORE_CONFLICT (store_kv.h).  Ends read transactions too.  Inside a
 * group (LMDB, ms_store_apply) this ends the op's nested transaction: the
 * group's commit is what reaches the disk.
 */
int	store_txn_finish(struct ms_store *s, struct store_tx *tx, int st);
/*
 * The status a write gives its caller once store_retry() said stop: a
 * conflict that outlived its retries is MS_STORE_UNAVAILABLE; inside a
 * request it stays STORE_CONFLICT, for the request to run again.
 */
int	store_final(int st);

/* The backend's operations on tx, named for the table they address. */
static inline int
store_kv_get(struct ms_store *s, struct store_tx *tx, enum store_table t,
    const struct store_val *k, struct store_val *v)
{
	return s->be->get(tx, t, k->data, k->len, v);
}

static inline int
store_kv_put(struct ms_store *s, struct store_tx *tx, enum store_table t,
    const struct store_val *k, const struct store_val *v, int nooverwrite)
{
	return s->be->put(tx, t, k->data, k->len, v->data, v->len,
	    nooverwrite);
}

static inline int
store_kv_del(struct ms_store *s, struct store_tx *tx, enum store_table t,
    const struct store_val *k)
{
	return s->be->del(tx, t, k->data, k->len);
}

/* See store_kv.h: the commit fails if k changed since the request's read. */
static inline int
store_kv_guard(struct ms_store *s, struct store_tx *tx, enum store_table t,
    const struct store_val *k)
{
	return s->be->guard != NULL ? s->be->guard(tx, t, k->data, k->len) :
	    MS_STORE_OK;
}

/* The keys of t under prefix, from 'from' (NULL: all of them). */
static inline int
store_kv_walk(struct ms_store *s, struct store_tx *tx, enum store_table t,
    const struct store_val *prefix, const struct store_val *from,
    store_kv_walk_fn *cb, void *ctx)
{
	return s->be->walk(tx, t, prefix->data, prefix->len,
	    from != NULL ? from->data : NULL, from != NULL ? from->len : 0,
	    cb, ctx);
}

/* store_node.c */
int	store_path_ok(const char *path);
int	store_name_ok(const char *name);
int	store_make_key(uint64_t id, const char *name, size_t len,
	    struct msbuf **kp);
int	store_decode_key(const struct store_val *k, uint64_t *idp, char *name,
	    size_t *lenp);
int	store_node_decode(const struct store_val *v, struct ms_acl *acl);
int	store_resolve(struct ms_store *s, struct store_tx *tx,
	    const char *path, struct resolved *res);
int	store_resolved_exists(const struct resolved *res);
/*
 * The id of the node at path, which must exist: MS_STORE_OK,
 * MS_STORE_NOT_FOUND_PATH, or MS_STORE_ERROR (logged).
 */
int	store_node_id(struct ms_store *s, struct store_tx *tx,
	    const char *path, uint64_t *idp);
int	store_node_get(struct ms_store *s, struct store_tx *tx, uint64_t id,
	    struct ms_acl *acl);
/* nooverwrite: the node must not exist yet. */
int	store_node_put(struct ms_store *s, struct store_tx *tx, uint64_t id,
	    const struct ms_acl *acl, int nooverwrite);
int	store_create_missing(struct ms_store *s, struct store_tx *tx,
	    const char *path, struct resolved *res);

/* store_rec.c */
int	store_record_peek_hdr_mtime(const struct store_val *v,
	    uint8_t *flagsp, uint64_t *versionp, uint64_t *mtimep);
int	store_walk_txn(struct ms_store *s, struct store_tx *tx, int unseal,
	    ms_store_walk_fn *cb, void *ctx, int check_counts);

/* store_lmdb.c: attach an LMDB environment in dir to s. */
int	store_lmdb_attach(struct ms_store *s, const char *dir,
	    size_t mapsize);

#endif /* MS_STORE_INT_H */
