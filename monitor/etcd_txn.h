/*
 * etcd_txn.h — serializable transactions over etcd, for the store.
 *
 * The store's logic reads a few keys, decides, and writes: the same shape
 * on LMDB (one write transaction) and on etcd.  On etcd a transaction
 * here is optimistic:
 *   - every read sees one snapshot, the cluster's revision at the first
 *     read (later reads ask for that revision);
 *   - writes are buffered, and reads see them (read-your-writes);
 *   - commit sends one etcd Txn whose compares say that nothing this
 *     transaction read has changed since the snapshot (each key read:
 *     its mod_revision, or for a key that was absent, create_revision 0;
 *     each range read: no key in it modified after the snapshot), and
 *     whose operations are the buffered writes.
 * If a compare fails, another host wrote first: commit returns
 * MS_ETCD_TXN_CONFLICT and the caller runs its logic again on a fresh
 * transaction.  So two hosts writing one record never lose an update,
 * and a version read and incremented increases strictly across hosts.
 *
 * A deletion inside a range read is not detected by the range compare;
 * the store's logic reads ranges only to learn that a node is empty, a
 * conclusion a deletion cannot falsify.
 *
 * Keys are PREFIX || TABLE || '/' || key bytes.  Returned values are
 * owned by the transaction and valid until it is freed.
 */
#ifndef MS_ETCD_TXN_H
#define MS_ETCD_TXN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "etcd_kv.h"

#define MS_ETCD_TXN_CONFLICT	100	/* beside the store.h statuses */
#define MS_ETCD_PREFIX_MAX	128

struct ms_etcd_tx;

/* A key's bytes and value in a range walk; return non-zero to stop. */
typedef int ms_etcd_tx_fn(void *ctx, const u_char *key, size_t keylen,
    const u_char *val, size_t vallen);

struct ms_etcd_tx *ms_etcd_tx_begin(struct ms_etcd *e, const char *prefix);
/*
 * A read-only transaction: the same snapshot, but nothing is remembered
 * for a commit (no compares, no key cache), so it may read any number of
 * keys and ranges; put and del are MS_STORE_INVALID.  A value returned
 * by get stays valid for the next 31 gets of the transaction (a ring),
 * not until its end.
 */
struct ms_etcd_tx *ms_etcd_tx_begin_read(struct ms_etcd *e,
	    const char *prefix);
/*
 * A read-only transaction at a snapshot another one saw: its reads are
 * serializable, at revision, served by endpoint (an index into the
 * handle's endpoints) alone, a member that answered a read at revision
 * and so has applied it (etcd answers a read beyond what a member has
 * applied with an error, never with an older state).  If that member
 * fails or refuses (compacted, future), the first read starts a fresh
 * linearizable snapshot instead, and a later one reads linearizably at
 * the revision already seen.  Revision 0: the first read is
 * linearizable, as in ms_etcd_tx_begin_read, and pins the rest.  Either
 * way every successful read pins what follows (ms_etcd_tx_pin).
 */
struct ms_etcd_tx *ms_etcd_tx_begin_pinned(struct ms_etcd *e,
	    const char *prefix, int64_t revision, size_t endpoint);
/*
 * Whether the transaction's reads are pinned now, and where: its
 * revision and a member known to have applied it.
 */
int	ms_etcd_tx_pin(const struct ms_etcd_tx *t, int64_t *revisionp,
	    size_t *endpointp);
void	ms_etcd_tx_free(struct ms_etcd_tx *t);

/* MS_STORE_OK with the value, or MS_STORE_NOT_FOUND_RECORD when absent. */
int	ms_etcd_tx_get(struct ms_etcd_tx *t, const char *table,
	    const u_char *key, size_t keylen, const u_char **valp,
	    size_t *vallenp, char *err, size_t errlen);
int	ms_etcd_tx_put(struct ms_etcd_tx *t, const char *table,
	    const u_char *key, size_t keylen, const u_char *val, size_t vallen);
int	ms_etcd_tx_del(struct ms_etcd_tx *t, const char *table,
	    const u_char *key, size_t keylen);
/*
 * The keys of TABLE that start with PREFIX and are >= FROM (NULL: from
 * the start of the prefix), in byte order, buffered writes included.
 */
int	ms_etcd_tx_walk(struct ms_etcd_tx *t, const char *table,
	    const u_char *prefix, size_t prefixlen, const u_char *from,
	    size_t fromlen, ms_etcd_tx_fn *cb, void *ctx, char *err,
	    size_t errlen);
/*
 * The keys of TABLE that start with PREFIX, at the snapshot (a range read
 * of a write transaction; one with buffered writes in the range is
 * MS_STORE_ERROR).
 */
int	ms_etcd_tx_count(struct ms_etcd_tx *t, const char *table,
	    const u_char *prefix, size_t prefixlen, uint64_t *np, char *err,
	    size_t errlen);
/*
 * Send the buffered writes; a transaction that wrote nothing just ends.
 * A write transaction reads at most MS_ETCD_TXN_OPS_MAX keys and 32
 * ranges, and its reads at most MS_ETCD_TXN_OPS_MAX compares together:
 * past a cap the read or the commit fails (MS_STORE_ERROR, err says
 * why), so no read ever goes unchecked.
 */
/*
 * A write transaction's commit also requires that KEY of TABLE was not
 * modified after REVISION (mod_revision <= REVISION; an absent key
 * passes): what a request was authorised by must still hold when its
 * write lands.  Read-only transactions ignore it.
 */
int	ms_etcd_tx_guard(struct ms_etcd_tx *t, const char *table,
	    const u_char *key, size_t keylen, int64_t revision, char *err,
	    size_t errlen);
int	ms_etcd_tx_commit(struct ms_etcd_tx *t, int64_t *revision, char *err,
	    size_t errlen);
/* The snapshot revision (0 before the first read). */
int64_t	ms_etcd_tx_revision(const struct ms_etcd_tx *t);

/* [key, end): the smallest key greater than every key with this prefix. */
int	ms_etcd_prefix_end(const u_char *prefix, size_t len, u_char *end,
	    size_t *endlen);

#endif /* MS_ETCD_TXN_H */
