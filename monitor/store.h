/*
 * store.h — the node/record store, owned by the monitor alone.
 *
 * An LMDB environment in one directory (created 0700 when missing; the
 * data file is 0600), or an etcd cluster (ms_store_open_etcd).  Every
 * write function is one transaction and returns MS_STORE_OK only after
 * its commit succeeded: on LMDB mdb_txn_commit, with the environment in
 * its default, synchronous mode, so an acknowledged write is on disk;
 * on etcd the cluster's answer that the Txn succeeded.  An etcd write
 * that lost to another host's runs again from fresh reads, until the
 * calling thread's deadline (ms_store_set_deadline; 64 tries without
 * one), then is MS_STORE_UNAVAILABLE with nothing changed.  ms_store_apply()
 * commits several writes in one LMDB transaction, with the same promise
 * for each.  SECURE values are sealed (AES-256-GCM) under the 32-byte
 * store key before they reach the backend, so the store never holds them
 * in clear.
 *
 * Paths and record names are checked with common/path.h; the store is the
 * last line of defence, not the first.  The root "/" always exists.
 *
 * Errors: one vocabulary.  Every function of this interface, opening
 * included, returns an enum ms_store_status (never negative), which the
 * monitor maps to protocol status codes and metasafed's start-up to exit
 * class 5; ms_store_strerror() names one.  The details (the LMDB or
 * system error, the file, the key check values) are logged here at the
 * point of failure, so callers report the status and need no errno.
 *   - A write that runs out of room is MS_STORE_FULL: the map
 *     (StoreMaxSize, MDB_MAP_FULL) or the file system (ENOSPC, EDQUOT,
 *     and EIO from a write).  The transaction is aborted: the store is
 *     unchanged and nothing acknowledged is lost.
 *   - A store that cannot be written or opened at all for permissions or a
 *     read-only file system (EROFS, EACCES, EPERM) is MS_STORE_UNAVAILABLE.
 *   - Opening with keys none of which the store recorded is
 *     MS_STORE_KEY_MISMATCH.
 * The one exception is ms_store_acl_walk, which implements acl.h's walk
 * callback and so speaks that interface's 0 or MS_ERR_*.
 * Threads (LMDB): one thread reads (every function below but
 * ms_store_apply), and at most one other may write through
 * ms_store_apply() at the same time, once ms_store_threaded() said so.
 * With etcd, any thread may call anything (ms_store_open_etcd).
 * Callbacks run inside a read transaction: they must not call back into
 * the store.
 *
 * This header is the whole interface, whichever the backend: the shared
 * logic (paths, nodes, records, ACLs, sealing, group commit) is written
 * once over monitor/store_kv.h, which store_lmdb.c and store_etcd.c
 * implement.
 * The files are monitor/store_*.c behind monitor/store_int.h; only
 * store_lmdb.c and store_etcd.c know their backend.
 */
#ifndef MS_STORE_H
#define MS_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "acl.h"
#include "etcd_kv.h"
#include "mslimits.h"
#include "path.h"
#include "proto.h"

#define MS_STORE_MAPSIZE_DEFAULT (1024ULL * 1024 * 1024)	/* 1 GiB */
#define MS_STORE_MAPSIZE_MIN	(4ULL * 1024 * 1024)		/* 4 MiB */
#define MS_STORE_MAPSIZE_MAX	(1024ULL * 1024 * 1024 * 1024)	/* 1 TiB */

/* ms_store_open_keys() flags. */
#define MS_STORE_RDONLY		0x01	/* MDB_RDONLY; never creates or records */
#define MS_STORE_NOKEYCHECK	0x02	/* with RDONLY: skip the KCV rule */

enum ms_store_status {
	MS_STORE_OK = 0,
	MS_STORE_NOT_FOUND_PATH,	/* node does not exist */
	MS_STORE_NOT_FOUND_RECORD,	/* node exists, record does not */
	MS_STORE_BUSY,			/* node to delete has children/records */
	MS_STORE_INVALID,		/* bad path/name/flags/size, SECURE removal, root delete */
	MS_STORE_ERROR,			/* I/O, LMDB, corruption, unseal failure */
	MS_STORE_FULL,			/* StoreMaxSize or disk full; nothing changed */
	MS_STORE_UNAVAILABLE,		/* read-only file system, permissions */
	MS_STORE_KEY_MISMATCH,		/* open: no configured StoreKey fits */
};

/* A short phrase for a status ("store full", ...); never NULL. */
const char *ms_store_strerror(int st);

struct ms_store;

struct ms_record {
	uint8_t	 flags;		/* MS_REC_SECURE | MS_REC_INHERIT */
	uint64_t version;	/* 1 on creation, +1 per SET */
	uint64_t mtime;		/* seconds since the epoch of the last SET */
	u_char	*value;		/* plaintext, NUL-terminated (not counted) */
	size_t	 value_len;
};

/*
 * Open (creating if needed) the store in dir.  The key is copied and
 * wiped on close; mapsize 0 means MS_STORE_MAPSIZE_DEFAULT.  Refuses a
 * directory writable by group or others (MS_STORE_INVALID).
 */
int	ms_store_open(const char *dir, const u_char key[MS_STORE_KEY_LEN],
	    size_t mapsize, struct ms_store **sp);
/*
 * The same with several store keys (StoreKey lines): keys[0] seals, every
 * key unseals.  The store records in its "meta" database the check value
 * (KCV) of each key that seals; the open fails with
 * MS_STORE_KEY_MISMATCH unless at least one of the keys is recorded
 * there.  A read-write open records keys[0] when it is not yet (the first
 * open of a new store, a rotation, or a store made before KCVs existed).
 * MS_STORE_RDONLY opens an existing store read-only beside a running
 * daemon (no creation, nothing recorded); mapsize 0 then means the file's.
 */
int	ms_store_open_keys(const char *dir,
	    const u_char keys[][MS_STORE_KEY_LEN], size_t nkeys, size_t mapsize,
	    int flags, struct ms_store **sp);
/*
 * The KCVs recorded in the store, in byte order, at most max of them;
 * *np receives how many there are in all.
 */
int	ms_store_recorded_kcvs(struct ms_store *s,
	    u_char kcvs[][MS_STORE_KCV_LEN], size_t max, size_t *np);

struct ms_store_usage {
	uint64_t	used_bytes;	/* pages in use in the data file */
	uint64_t	max_bytes;	/* map size (StoreMaxSize) */
	uint64_t	nodes;		/* root included */
	uint64_t	records;
};
/* MS_STORE_OK or MS_STORE_ERROR. */
int	ms_store_usage(struct ms_store *s, struct ms_store_usage *u);

/*
 * A consistent, compacted copy of the data file into the existing empty
 * directory outdir (data.mdb, mode 0600).  MS_STORE_OK or MS_STORE_ERROR;
 * MS_STORE_INVALID on etcd, which has its own snapshots.
 */
int	ms_store_copy(struct ms_store *s, const char *outdir);

/*
 * Administration walk (metasafe-admin verify): every node reachable from
 * the root, depth first in byte order, then its records.  For SECURE
 * records with unseal set, the value is opened (plaintext wiped at once)
 * and the result reported in key_index.  Damage (an undecodable node or
 * record, a dirent to a missing node, nodes or records not reachable from
 * the root) is reported as MS_STORE_WALK_DAMAGE items and the walk goes on
 * where it can.  cb returning non-zero stops the walk (MS_STORE_ERROR).
 */
#define MS_STORE_WALK_NODE	1
#define MS_STORE_WALK_RECORD	2
#define MS_STORE_WALK_DAMAGE	3
struct ms_store_walk_item {
	int		 kind;
	const char	*path;		/* node path */
	const char	*name;		/* record name (RECORD, maybe DAMAGE) */
	const struct ms_acl *acl;	/* NODE: its own entries */
	uint8_t		 flags;		/* RECORD: MS_REC_* */
	int		 seal_format;	/* SECURE: 1 or 2, else 0 */
	const u_char	*kcv;		/* seal format 2: the key it names */
	int		 key_index;	/* opened with keys[i]; -1 failed/unchecked */
	const char	*damage;	/* DAMAGE (or RECORD failing to unseal) */
	/*
	 * RECORD: its header, and its value as stored (the plaintext of a
	 * plain record, the sealed blob of a SECURE one, never opened),
	 * valid during the callback only: what ms_store_migrate copies.
	 */
	uint64_t	 version;
	uint64_t	 mtime;
	const u_char	*stored;
	size_t		 stored_len;
};
typedef int ms_store_walk_fn(void *ctx, const struct ms_store_walk_item *it);
int	ms_store_walk(struct ms_store *s, int unseal, ms_store_walk_fn *cb,
	    void *ctx);

/*
 * An ms_store_walk_fn (unseal 1) that stops at the first SECURE record and
 * says which configured key opened it (key_index -1: none did); found
 * stays 0 in a store without SECURE records.  Initialise with found 0,
 * key_index -1.
 */
struct ms_store_first_secure {
	int	found;
	int	key_index;
};
int	ms_store_first_secure_cb(void *ctx,
	    const struct ms_store_walk_item *it);
/*
 * Re-seal up to batch SECURE values that are not sealed under keys[0]
 * (seal format 1, or format 2 naming another key), keeping their version
 * and mtime: found by a walk in a read transaction, then re-sealed in one
 * write transaction that reads each again (one deleted or re-sealed
 * since is left alone), so a write never has to guard a whole walk.
 * *donep: how many; *morep: 1 when the batch filled up (call again).  A
 * value no configured key opens is MS_STORE_ERROR.
 */
int	ms_store_reseal(struct ms_store *s, size_t batch, size_t *donep,
	    int *morep);

/*
 * The etcd backend (store_etcd.c; ARCHITECTURE.md "Running on etcd").
 * The tables live under prefix in the cluster; the store keys never
 * leave this process, and the check value of keys[0] is recorded in the
 * cluster as in LMDB's meta, so a daemon with a key that does not match
 * refuses to start (MS_STORE_KEY_MISMATCH).  flags as for
 * ms_store_open_keys (MS_STORE_RDONLY: nothing created or recorded).
 * With this backend any number of threads may call every function of
 * this interface at the same time (each takes an etcd handle of its own
 * for the call), and every call may block up to the timeout: the
 * daemon's loop never calls it itself (ms_store_blocking()).
 */
struct ms_store_etcd_conf {
	struct ms_etcd_opts	 etcd;		/* endpoints, TLS, timeout_ms */
	const char		*prefix;	/* EtcdPrefix, e.g. "/metasafe/" */
};
int	ms_store_open_etcd(const struct ms_store_etcd_conf *conf,
	    const u_char keys[][MS_STORE_KEY_LEN], size_t nkeys, int flags,
	    struct ms_store **sp);
/* "lmdb" or "etcd". */
const char *ms_store_backend_name(const struct ms_store *s);
/*
 * 1 when a call may wait on the network (etcd): the monitor then makes
 * every store call from its store threads, never from the event loop.
 */
int	ms_store_blocking(const struct ms_store *s);
/*
 * The calling thread's deadline for what it asks of the store from now
 * on, in ms_now_ms() time; 0 clears it.  A call past it fails with
 * MS_STORE_UNAVAILABLE without waiting.
 */
void	ms_store_set_deadline(int64_t deadline_ms);

/*
 * Copy a whole store into an empty one (metasafe-admin migrate): every
 * node with its ACL and flags, every record with its flags, version and
 * mtime, and its stored value as stored, so SECURE values are copied
 * sealed and never opened; the recorded store-key check values go with
 * them.  dst must hold nothing but an empty root (MS_STORE_INVALID
 * otherwise).  Then ms_store_compare() checks the copy.
 */
struct ms_store_copy_stats {
	uint64_t	nodes;
	uint64_t	records;
	uint64_t	secure;		/* of records: copied sealed */
};
int	ms_store_migrate(struct ms_store *src, struct ms_store *dst,
	    struct ms_store_copy_stats *stats);
/*
 * MS_STORE_OK when a and b hold the same nodes, ACLs, flags and records
 * with byte-identical stored values (sealed values compared sealed);
 * MS_STORE_ERROR, with the first difference logged, when they do not.
 */
int	ms_store_compare(struct ms_store *a, struct ms_store *b,
	    struct ms_store_copy_stats *stats);

/* Close and wipe the key; NULL is allowed. */
void	ms_store_close(struct ms_store *s);

/* Wipe and free a record's value, zero the struct. */
void	ms_record_clear(struct ms_record *rec);

/* MS_STORE_OK (node exists), NOT_FOUND_PATH, INVALID or ERROR. */
int	ms_store_node_exists(struct ms_store *s, const char *path);

/*
 * Read a record; SECURE values are unsealed.  On MS_STORE_OK the caller
 * owns out->value and releases it with ms_record_clear().  A value that
 * fails authentication (wrong store key, tampering) is MS_STORE_ERROR.
 */
int	ms_store_get(struct ms_store *s, const char *path, const char *name,
	    struct ms_record *out);

/*
 * Create or overwrite a record, creating the node and its missing
 * ancestors.  flags must be within MS_REC_FLAGS_MASK; len at most
 * MS_VALUE_MAX.  Clearing SECURE on a SECURE record is MS_STORE_INVALID
 * (setting it on a plain record is allowed).  *versionp (may be NULL)
 * receives the record's new version.
 */
int	ms_store_set(struct ms_store *s, const char *path, const char *name,
	    uint8_t flags, const void *value, size_t len, uint64_t *versionp);

/* MS_STORE_OK, NOT_FOUND_PATH, NOT_FOUND_RECORD, INVALID or ERROR. */
int	ms_store_delete_record(struct ms_store *s, const char *path,
	    const char *name);
/*
 * Delete an empty node: MS_STORE_BUSY if it has children or records,
 * MS_STORE_INVALID for the root.
 */
int	ms_store_delete_node(struct ms_store *s, const char *path);

/*
 * List a node: cb is called once per child (kind MS_STORE_LIST_CHILD,
 * name = last path segment, flags 0, version and mtime 0), then once per
 * record (kind MS_STORE_LIST_RECORD, with its flags, version and mtime from
 * the record header; no value is read or unsealed), each in byte order of
 * the name and at most MS_LIST_MAX of each kind.  name is NUL-terminated
 * and len is its length.  A negative return from cb aborts the listing
 * (MS_STORE_ERROR).
 */
#define MS_STORE_LIST_CHILD	1
#define MS_STORE_LIST_RECORD	2
struct ms_store_list_entry {
	int		 kind;		/* MS_STORE_LIST_CHILD or _RECORD */
	const char	*name;		/* NUL-terminated */
	size_t		 len;
	uint8_t		 flags;
	uint64_t	 version;
	uint64_t	 mtime;		/* seconds since the epoch, UTC */
};
typedef int ms_store_list_ext_fn(void *ctx,
    const struct ms_store_list_entry *e);
int	ms_store_list_ext(struct ms_store *s, const char *path,
	    ms_store_list_ext_fn *cb, void *ctx);
/*
 * The same from a point (a LIST page): from_kind 0 from the start,
 * MS_STORE_LIST_CHILD after the child 'after' (then all records),
 * MS_STORE_LIST_RECORD after the record 'after' (no children).  A cb that
 * returns > 0 ends the listing there, with MS_STORE_OK.
 */
int	ms_store_list_from(struct ms_store *s, const char *path, int from_kind,
	    const char *after, size_t afterlen, ms_store_list_ext_fn *cb,
	    void *ctx);

/* A node's own ACL entries and flags (NOT_FOUND_PATH if no such node). */
int	ms_store_get_acl(struct ms_store *s, const char *path,
	    struct ms_acl *out);
/*
 * Apply changes to a node's ACL: an entry with rights 0 removes that
 * "who", any other replaces or adds it.  noinherit: -1 keep the node's
 * NOINHERIT flag, 0 clear it, 1 set it (SETACL's MS_SETACL_UNCHANGED,
 * MS_SETACL_INHERIT, MS_SETACL_BREAK respectively).  sensitive: -1 keep
 * the node's SENSITIVE flag, 0 clear it, 1 set it.  The node must exist
 * ("/" always does).  More than MS_ACL_ENTRIES_MAX changes or resulting
 * entries, or an invalid name, is MS_STORE_INVALID and changes nothing.
 */
int	ms_store_set_acl(struct ms_store *s, const char *path,
	    const struct ms_acl_entry *changes, size_t n, int noinherit,
	    int sensitive);

/*
 * An ms_acl_walk_fn over the store (wctx is the struct ms_store *), for
 * ms_acl_effective() and ms_acl_chain().  One read transaction, so the
 * walk sees a consistent snapshot.
 */
int	ms_store_acl_walk(void *wctx, const char *path, ms_acl_visit_fn *visit,
	    void *vctx);

/*
 * Group commit (ARCHITECTURE.md "The store writer").  ms_store_apply()
 * applies ops in order inside one write transaction and commits it once,
 * synchronously: each op is checked again there (existence, the SECURE
 * rule, versions, room) and one that fails is undone alone, with its own
 * status, while the others go on.  Only when the commit is on disk do the
 * ops that succeeded keep MS_STORE_OK; a failed commit gives each of them
 * the commit's status (FULL, UNAVAILABLE, ERROR), so nothing is reported
 * done that was not made durable.  It never logs: what it would have said
 * is left in each op's msg (and the group's in msg), at msg_level
 * (MS_LOG_QUIET: nothing), for the calling thread's owner to log.  The
 * return is the commit's status (MS_STORE_OK when no op needed one).
 */
enum ms_store_op_kind {
	MS_STORE_OP_SET = 1,		/* ms_store_set */
	MS_STORE_OP_DELETE_RECORD,	/* ms_store_delete_record */
	MS_STORE_OP_DELETE_NODE,	/* ms_store_delete_node */
	MS_STORE_OP_SET_ACL,		/* ms_store_set_acl */
};
#define MS_STORE_MSG_MAX	512
struct ms_store_op {
	int			 kind;
	const char		*path;
	const char		*name;		/* SET, DELETE_RECORD */
	uint8_t			 flags;		/* SET */
	const void		*value;		/* SET */
	size_t			 len;
	const struct ms_acl_entry *changes;	/* SET_ACL */
	size_t			 nchanges;
	int			 noinherit, sensitive;
	/* results */
	int			 status;	/* enum ms_store_status */
	uint64_t		 version;	/* SET: the new version */
	int			 msg_level;
	char			 msg[MS_STORE_MSG_MAX];
};
/* From now on a writer thread may call ms_store_apply(). */
void	ms_store_threaded(struct ms_store *s);
int	ms_store_apply(struct ms_store *s, struct ms_store_op *const *ops,
	    size_t n, char *msg, size_t msglen, int *msg_levelp);

#endif /* MS_STORE_H */
