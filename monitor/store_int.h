/*
 * store_int.h — shared by the files of the LMDB store (monitor/store_*.c)
 * only; the monitor and metasafe-admin use store.h.
 *
 * The store is split by concern:
 *   store_env.c   the LMDB environment: open/close, transactions, meta,
 *                 store-key check values, usage, copy
 *   store_node.c  node ids and paths: resolve, dirents, create_missing,
 *                 node encoding, delete, list
 *   store_rec.c   records: encoding, get/set/delete, walk and re-seal
 *   store_acl.c   a node's ACL: get, set, the walk for monitor/acl.c
 *   store_seal.c  sealing SECURE values and picking the key by its KCV;
 *                 no LMDB (store_seal.h), so a second backend keeps it
 *   store_apply.c group commit (ms_store_apply), in the writer thread
 *   store_log.c   the store's log lines, kept for the loop thread when
 *                 the writer thread is the one that would log
 * store_writer.c is not part of the backend: it knows only store.h.
 * The ACL rules themselves (monitor/acl.c) know nothing of LMDB either.
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

#ifndef MS_STORE_INT_H
#define MS_STORE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <lmdb.h>

#include "acl.h"
#include "log.h"
#include "path.h"
#include "proto.h"
#include "store.h"
#include "store_seal.h"

/*
 * Errors.  The ms_store_* functions return enum ms_store_status (store.h).
 * The internal helpers below return 0 or a negative MS_ERR_* (the codec's
 * and the sealing code's vocabulary), except store_txn_begin,
 * store_txn_finish, store_errno_status, store_lmdb_fail and
 * store_buf_fail, which already speak ms_store_status: store_buf_fail()
 * is where an internal MS_ERR_* is logged and becomes MS_STORE_ERROR.
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
	MDB_env	*env;
	MDB_dbi	 meta;
	MDB_dbi	 nodes;
	MDB_dbi	 dirents;
	MDB_dbi	 records;
	int	 rdonly;
	int	 nokeycheck;
	int	 map_full;	/* MDB_MAP_FULL seen in this write transaction */
	struct store_keyring kr;
	/*
	 * Threads (ARCHITECTURE.md "The store writer").  rtxn is the reading
	 * thread's read transaction, reset between uses and renewed, never
	 * touched by a writer.  group is the write transaction of the group
	 * ms_store_apply() is running: while it is set, each write begins a
	 * nested transaction under it, so that one failing op is undone alone;
	 * it and map_full belong to the writing thread.
	 */
	MDB_txn	*rtxn;
	int	 rtxn_busy;
	MDB_txn	*group;
	int	 threaded;	/* a writer thread exists: set before it starts */
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

/* store_env.c */
/* errno (or LMDB's pass-through of one) as FULL, UNAVAILABLE or ERROR. */
int	store_errno_status(int err, int writing);
int	store_lmdb_fail(const char *what, int rc);	/* logs; errno status */
int	store_buf_fail(const char *what, int r);	/* MS_STORE_ERROR */
void	store_val_of(const struct msbuf *b, MDB_val *v);
int	store_decode_u64(const MDB_val *v, uint64_t *vp);
int	store_meta_put_u64(struct ms_store *s, MDB_txn *txn, const char *name,
	    uint64_t val);
/* MS_STORE_OK or MS_STORE_ERROR. */
int	store_txn_begin(struct ms_store *s, unsigned int flags,
	    MDB_txn **txnp);
/*
 * Commit, or abort when st is not MS_STORE_OK; returns the final status.
 * Inside a group (s->group) this ends the op's nested transaction: the
 * group's commit is what reaches the disk.
 */
int	store_txn_finish(struct ms_store *s, MDB_txn *txn, int st);
/* End a read transaction from store_txn_begin(s, MDB_RDONLY, ...). */
void	store_txn_end_read(struct ms_store *s, MDB_txn *txn);

/* store_node.c */
int	store_path_ok(const char *path);
int	store_name_ok(const char *name);
int	store_make_key(uint64_t id, const char *name, size_t len,
	    struct msbuf **kp);
int	store_decode_key(const MDB_val *k, uint64_t *idp, char *name,
	    size_t *lenp);
int	store_node_decode(const MDB_val *v, struct ms_acl *acl);
int	store_resolve(struct ms_store *s, MDB_txn *txn, const char *path,
	    struct resolved *res);
int	store_resolved_exists(const struct resolved *res);
/*
 * The id of the node at path, which must exist: MS_STORE_OK,
 * MS_STORE_NOT_FOUND_PATH, or MS_STORE_ERROR (logged).
 */
int	store_node_id(struct ms_store *s, MDB_txn *txn, const char *path,
	    uint64_t *idp);
int	store_node_get(struct ms_store *s, MDB_txn *txn, uint64_t id,
	    struct ms_acl *acl);
int	store_node_put(struct ms_store *s, MDB_txn *txn, uint64_t id,
	    const struct ms_acl *acl, unsigned int flags);
int	store_create_missing(struct ms_store *s, MDB_txn *txn,
	    const char *path, struct resolved *res);

/* store_rec.c */
int	store_record_peek_hdr_mtime(const MDB_val *v, uint8_t *flagsp,
	    uint64_t *versionp, uint64_t *mtimep);
int	store_walk_txn(struct ms_store *s, MDB_txn *txn, int unseal,
	    ms_store_walk_fn *cb, void *ctx, int check_counts);

#endif /* MS_STORE_INT_H */
