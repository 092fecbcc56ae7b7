/*
 * store_kv.h — the store's backends: what the shared store logic
 * (store_node.c, store_rec.c, store_acl.c, store_open.c, store_apply.c)
 * asks of the place the bytes live.  Two backends implement it:
 * store_lmdb.c (an LMDB environment, the embedded default) and
 * store_etcd.c (an etcd cluster, through monitor/etcd_txn.h).
 *
 * The model is four ordered tables of byte keys and byte values (the
 * layout is store_int.h's), read and written inside transactions:
 *   - a read transaction sees one consistent snapshot;
 *   - a write transaction sees its own writes, and its end commits them
 *     all or none.  On LMDB it is the one writer; on etcd it is
 *     optimistic (etcd_txn.h), and its end may answer STORE_CONFLICT:
 *     another host changed what it read, nothing was written, and the
 *     caller runs its logic again on a new transaction (store_retry()).
 *
 * Statuses are enum ms_store_status (store.h) plus STORE_CONFLICT.
 * A failure of the backend itself (I/O, a full map or disk, an etcd that
 * does not answer in time) is remembered by the transaction: its end
 * then returns that status, whatever the caller passed, so a helper that
 * turned the failure into an MS_ERR_* on the way still ends as FULL or
 * UNAVAILABLE, never as a generic error, and never as a commit.
 *
 * Values returned by get and walk stay valid until the next write in the
 * same transaction or its end.  Backends log their failures through
 * store_log() (store_int.h), so a writer thread's lines are kept for the
 * loop thread like the rest of the store's.
 */
#ifndef MS_STORE_KV_H
#define MS_STORE_KV_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "etcd_txn.h"		/* MS_ETCD_TXN_CONFLICT */

struct ms_store;
struct ms_store_usage;

/* A commit lost to a concurrent writer; nothing was written. */
#define STORE_CONFLICT	MS_ETCD_TXN_CONFLICT

enum store_table {
	STORE_T_META = 0,
	STORE_T_NODES,
	STORE_T_DIRENTS,
	STORE_T_RECORDS,
	STORE_T_COUNT
};

struct store_val {
	const u_char	*data;
	size_t		 len;
};

/* One backend transaction (the backend's own struct). */
struct store_tx;

/* A key and its value in a walk: 0 goes on, > 0 stops (OK), < 0 fails. */
typedef int store_kv_walk_fn(void *ctx, const u_char *key, size_t keylen,
    const struct store_val *val);

struct store_backend {
	const char	*name;		/* "lmdb", "etcd" */
	/* A read (write 0) or write transaction: MS_STORE_OK or a failure. */
	int	(*begin)(struct ms_store *s, int write, struct store_tx **txp);
	/*
	 * End it.  A write transaction commits when st is MS_STORE_OK and is
	 * undone otherwise; the return is the final status: st, the
	 * transaction's remembered failure, the commit's failure, or
	 * STORE_CONFLICT.  A read transaction just ends (same rule for the
	 * remembered failure).  txp is always consumed.
	 */
	int	(*end)(struct ms_store *s, struct store_tx *tx, int st);
	/* MS_STORE_OK, MS_STORE_NOT_FOUND_RECORD (absent) or a failure. */
	int	(*get)(struct store_tx *tx, enum store_table t,
		    const u_char *key, size_t keylen, struct store_val *v);
	/* nooverwrite: an existing key is MS_STORE_INVALID (damage). */
	int	(*put)(struct store_tx *tx, enum store_table t,
		    const u_char *key, size_t keylen, const u_char *val,
		    size_t vallen, int nooverwrite);
	/* MS_STORE_OK, MS_STORE_NOT_FOUND_RECORD (absent) or a failure. */
	int	(*del)(struct store_tx *tx, enum store_table t,
		    const u_char *key, size_t keylen);
	/*
	 * The keys of t that begin with prefix and are >= from (NULL: the
	 * whole prefix), in byte order, this transaction's writes
	 * included.  MS_STORE_OK (also when cb stopped it with > 0),
	 * MS_STORE_ERROR when cb failed, or a failure.
	 */
	int	(*walk)(struct store_tx *tx, enum store_table t,
		    const u_char *prefix, size_t prefixlen, const u_char *from,
		    size_t fromlen, store_kv_walk_fn *cb, void *ctx);
	/*
	 * A write transaction inside a request (store_request()): its
	 * commit must also fail, as STORE_CONFLICT, when key changed after
	 * the snapshot the request was authorised at (its first read).
	 * The store logic guards the nodes of every path it resolves, so a
	 * write never commits under an ACL newer than the one that allowed
	 * it.  NULL (LMDB: one writer, requests judged on the committed
	 * state) or a read transaction: nothing to do.
	 */
	int	(*guard)(struct store_tx *tx, enum store_table t,
		    const u_char *key, size_t keylen);
	/* Keys in table t (for the walk's reachability check and usage). */
	int	(*count)(struct store_tx *tx, enum store_table t,
		    uint64_t *np);
	/* Bytes used and allowed (0: no bound the daemon knows of). */
	int	(*space)(struct ms_store *s, uint64_t *usedp, uint64_t *maxp);
	/*
	 * Group commit (ms_store_apply): the ops between group_begin and
	 * group_end share one durable commit.  NULL: each op commits alone
	 * (etcd: a group would only make conflicts likelier).
	 */
	int	(*group_begin)(struct ms_store *s);
	int	(*group_end)(struct ms_store *s, int keep);
	/* A consistent copy into outdir; NULL: not this backend's. */
	int	(*copy)(struct ms_store *s, const char *outdir);
	void	(*close)(struct ms_store *s);
};

extern const struct store_backend store_lmdb_backend;
extern const struct store_backend store_etcd_backend;

/*
 * The deadline of the calling thread's current request, in ms_now_ms()
 * time (0: none).  The etcd backend bounds every call by it and
 * store_retry() stops at it: a request ends within EtcdTimeout even when
 * it needs several round trips or loses a race.
 */
int64_t	store_deadline(void);
/*
 * Which request of the calling thread is running: a number that changes
 * with every deadline set (every request), 0 outside one.  The etcd
 * backend reads a request's later read transactions at its first one's
 * snapshot.
 */
uint64_t store_request(void);
/*
 * Whether to run a write again after st: STORE_CONFLICT, without a
 * deadline.  Inside a request (a deadline set) a conflict is not retried
 * here: it goes up to the request, which runs again from its
 * authorisation (mon_async.c), since the ACL it was judged by may be
 * what changed.
 */
int	store_retry(int st, unsigned int attempt);

#endif /* MS_STORE_KV_H */
