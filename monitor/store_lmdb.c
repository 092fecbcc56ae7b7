/*
 * store_lmdb.c — the LMDB backend of the store (store_kv.h): one
 * environment in the store directory with a named database per table,
 * synchronous commits, the reading thread's reused read transaction, and
 * group commit by nested transactions.  The only file of the store that
 * knows LMDB.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lmdb.h>

#include "errors.h"
#include "log.h"
#include "store.h"
#include "store_int.h"
#include "store_kv.h"

struct lmdb_store;

struct store_tx {
	struct lmdb_store *l;
	MDB_txn	*txn;
	int	 write;
	int	 fail;		/* first backend failure (store_kv.h) */
	int	 map_full;	/* MDB_MAP_FULL seen */
};

/*
 * Threads (ARCHITECTURE.md "The store writer").  rtxn is the reading
 * thread's read transaction, reset between uses and renewed, never
 * touched by a writer; rtx is its struct store_tx, so a read allocates
 * nothing.  group is the write transaction of the group ms_store_apply()
 * is running: while it is set, each write begins a nested transaction
 * under it, so that one failing op is undone alone; it belongs to the
 * writing thread.
 */
struct lmdb_store {
	MDB_env	*env;
	MDB_dbi	 dbi[STORE_T_COUNT];
	MDB_txn	*rtxn;
	int	 rtxn_busy;
	struct store_tx rtx;
	MDB_txn	*group;
};

static const char *const table_name[STORE_T_COUNT] = {
	"meta", "nodes", "dirents", "records"
};

static struct lmdb_store *
impl(struct ms_store *s)
{
	return s->impl;
}

/* Log an LMDB failure; LMDB passes errno values through. */
static int
lmdb_fail(const char *what, int rc)
{
	store_error("store: %s: %s", what, mdb_strerror(rc));
	return store_errno_status(rc, 0);
}

/* A failed system call on dir or a file in it; errno says why. */
static int
sys_fail(const char *what, const char *dir)
{
	int err = errno;

	store_error("store: %s %s: %s", what, dir, strerror(err));
	return store_errno_status(err, 0);
}

/* A failure of an operation on t: logged, and remembered by tx. */
static int
tx_fail(struct store_tx *tx, const char *op, enum store_table t, int rc)
{
	char what[32];
	int st;

	if (rc == MDB_MAP_FULL)
		tx->map_full = 1;
	(void)snprintf(what, sizeof(what), "%s %s", op, table_name[t]);
	st = lmdb_fail(what, rc);
	if (tx->map_full)
		st = MS_STORE_FULL;
	if (tx->fail == MS_STORE_OK)
		tx->fail = st;
	return st;
}

static MDB_val
mval(const u_char *p, size_t len)
{
	MDB_val v;

	v.mv_size = len;
	v.mv_data = (void *)p;
	return v;
}

/*
 * A read transaction is the reading thread's one, reset after use and
 * renewed here (the environment is MDB_NOTLS, so a second, nested read
 * falls back to a transaction of its own).
 */
static int
read_begin(struct lmdb_store *l, MDB_txn **txnp)
{
	int rc;

	if (l->rtxn != NULL && !l->rtxn_busy) {
		if ((rc = mdb_txn_renew(l->rtxn)) == 0) {
			l->rtxn_busy = 1;
			*txnp = l->rtxn;
			return 0;
		}
		mdb_txn_abort(l->rtxn);
		l->rtxn = NULL;
	}
	if ((rc = mdb_txn_begin(l->env, NULL, MDB_RDONLY, txnp)) == 0 &&
	    l->rtxn == NULL) {
		l->rtxn = *txnp;
		l->rtxn_busy = 1;
	}
	return rc;
}

static int
txn_begin(struct lmdb_store *l, int write, MDB_txn **txnp)
{
	if (!write)
		return read_begin(l, txnp);
	/* In a group each op gets a nested transaction it can undo alone. */
	return mdb_txn_begin(l->env, l->group, 0, txnp);
}

/* txn_begin, adopting a map another process (metasafe-admin) grew. */
static int
txn_begin_adopt(struct ms_store *s, int write, MDB_txn **txnp)
{
	struct lmdb_store *l = impl(s);
	int rc;

	rc = txn_begin(l, write, txnp);
	/*
	 * Adopting needs no other transaction in the process, which only a
	 * store without a writer thread can tell.
	 */
	if (rc == MDB_MAP_RESIZED && !s->threaded) {
		if ((rc = mdb_env_set_mapsize(l->env, 0)) == 0)
			rc = txn_begin(l, write, txnp);
	}
	if (rc != 0)
		*txnp = NULL;
	return rc;
}

static int
lmdb_begin(struct ms_store *s, int write, struct store_tx **txp)
{
	struct lmdb_store *l = impl(s);
	struct store_tx *tx;
	MDB_txn *txn;
	int rc;

	*txp = NULL;
	if ((rc = txn_begin_adopt(s, write, &txn)) != 0)
		return lmdb_fail("begin transaction", rc);
	if (txn == l->rtxn)
		tx = &l->rtx;
	else if ((tx = calloc(1, sizeof(*tx))) == NULL) {
		mdb_txn_abort(txn);
		return store_buf_fail("begin transaction", MS_ERR_ALLOC);
	}
	memset(tx, 0, sizeof(*tx));
	tx->l = l;
	tx->txn = txn;
	tx->write = write;
	*txp = tx;
	return MS_STORE_OK;
}

static void
tx_free(struct store_tx *tx)
{
	if (tx != &tx->l->rtx)
		free(tx);
}

static int
lmdb_end(struct ms_store *s, struct store_tx *tx, int st)
{
	struct lmdb_store *l = impl(s);
	int rc;

	if (tx == NULL)
		return st;
	if (tx->fail != MS_STORE_OK)
		st = tx->fail;
	if (!tx->write) {
		if (tx->txn == l->rtxn) {
			mdb_txn_reset(tx->txn);
			l->rtxn_busy = 0;
		} else
			mdb_txn_abort(tx->txn);
		tx_free(tx);
		return st;
	}
	/* The write is acknowledged only after the commit. */
	if (st != MS_STORE_OK)
		mdb_txn_abort(tx->txn);
	else if ((rc = mdb_txn_commit(tx->txn)) != 0) {
		if (rc == MDB_MAP_FULL) {
			tx->map_full = 1;
			st = MS_STORE_FULL;
		} else {
			store_error("store: commit: %s; nothing was changed",
			    mdb_strerror(rc));
			st = store_errno_status(rc, 1);
		}
	}
	if (st == MS_STORE_FULL && tx->map_full)
		store_error("store: full: the write needs more than "
		    "StoreMaxSize allows; nothing was changed");
	tx_free(tx);
	return st;
}

static int
lmdb_get(struct store_tx *tx, enum store_table t, const u_char *key,
    size_t keylen, struct store_val *v)
{
	MDB_val kv = mval(key, keylen), dv;
	int rc;

	v->data = NULL;
	v->len = 0;
	if ((rc = mdb_get(tx->txn, tx->l->dbi[t], &kv, &dv)) == MDB_NOTFOUND)
		return MS_STORE_NOT_FOUND_RECORD;
	if (rc != 0)
		return tx_fail(tx, "get", t, rc);
	v->data = dv.mv_data;
	v->len = dv.mv_size;
	return MS_STORE_OK;
}

static int
lmdb_put(struct store_tx *tx, enum store_table t, const u_char *key,
    size_t keylen, const u_char *val, size_t vallen, int nooverwrite)
{
	MDB_val kv = mval(key, keylen), dv = mval(val, vallen);
	int rc;

	rc = mdb_put(tx->txn, tx->l->dbi[t], &kv, &dv,
	    nooverwrite ? MDB_NOOVERWRITE : 0);
	if (rc == MDB_KEYEXIST) {
		store_error("store: put %s: key exists", table_name[t]);
		return MS_STORE_INVALID;
	}
	if (rc != 0)
		return tx_fail(tx, "put", t, rc);
	return MS_STORE_OK;
}

static int
lmdb_del(struct store_tx *tx, enum store_table t, const u_char *key,
    size_t keylen)
{
	MDB_val kv = mval(key, keylen);
	int rc;

	if ((rc = mdb_del(tx->txn, tx->l->dbi[t], &kv, NULL)) == MDB_NOTFOUND)
		return MS_STORE_NOT_FOUND_RECORD;
	if (rc != 0)
		return tx_fail(tx, "delete", t, rc);
	return MS_STORE_OK;
}

static int
lmdb_walk(struct store_tx *tx, enum store_table t, const u_char *prefix,
    size_t prefixlen, const u_char *from, size_t fromlen,
    store_kv_walk_fn *cb, void *ctx)
{
	MDB_cursor *c = NULL;
	MDB_val kv, dv, fv;
	struct store_val v;
	int rc, cr, st = MS_STORE_OK, op = MDB_SET_RANGE;

	/* Start at the greater of prefix and from. */
	kv = mval(prefix, prefixlen);
	if (from != NULL) {
		fv = mval(from, fromlen);
		if (mdb_cmp(tx->txn, tx->l->dbi[t], &kv, &fv) < 0)
			kv = fv;
	}
	if ((rc = mdb_cursor_open(tx->txn, tx->l->dbi[t], &c)) != 0)
		return tx_fail(tx, "cursor", t, rc);
	for (;; op = MDB_NEXT) {
		if ((rc = mdb_cursor_get(c, &kv, &dv, op)) == MDB_NOTFOUND)
			break;
		if (rc != 0) {
			st = tx_fail(tx, "cursor", t, rc);
			break;
		}
		if (kv.mv_size < prefixlen ||
		    memcmp(kv.mv_data, prefix, prefixlen) != 0)
			break;
		v.data = dv.mv_data;
		v.len = dv.mv_size;
		if ((cr = cb(ctx, kv.mv_data, kv.mv_size, &v)) != 0) {
			if (cr < 0)
				st = MS_STORE_ERROR;
			break;
		}
	}
	mdb_cursor_close(c);
	return st;
}

static int
lmdb_count(struct store_tx *tx, enum store_table t, uint64_t *np)
{
	MDB_stat ms;
	int rc;

	*np = 0;
	if ((rc = mdb_stat(tx->txn, tx->l->dbi[t], &ms)) != 0)
		return tx_fail(tx, "stat", t, rc);
	*np = ms.ms_entries;
	return MS_STORE_OK;
}

static int
lmdb_space(struct ms_store *s, uint64_t *usedp, uint64_t *maxp)
{
	struct lmdb_store *l = impl(s);
	MDB_envinfo info;
	MDB_stat est;
	int rc;

	*usedp = *maxp = 0;
	if ((rc = mdb_env_info(l->env, &info)) != 0 ||
	    (rc = mdb_env_stat(l->env, &est)) != 0)
		return lmdb_fail("usage", rc);
	*usedp = ((uint64_t)info.me_last_pgno + 1) * est.ms_psize;
	*maxp = info.me_mapsize;
	return MS_STORE_OK;
}

static int
lmdb_group_begin(struct ms_store *s)
{
	struct lmdb_store *l = impl(s);
	MDB_txn *txn;
	int rc;

	if ((rc = txn_begin_adopt(s, 1, &txn)) != 0)
		return lmdb_fail("begin transaction", rc);
	l->group = txn;
	return MS_STORE_OK;
}

/* Commit the group (keep) or undo it; the commit's status. */
static int
lmdb_group_end(struct ms_store *s, int keep)
{
	struct lmdb_store *l = impl(s);
	MDB_txn *txn = l->group;
	int rc;

	l->group = NULL;
	if (txn == NULL)
		return MS_STORE_OK;
	if (!keep) {
		/* Nothing to keep: no commit, and no disk sync, is needed. */
		mdb_txn_abort(txn);
		return MS_STORE_OK;
	}
	if ((rc = mdb_txn_commit(txn)) == 0)
		return MS_STORE_OK;
	if (rc == MDB_MAP_FULL) {
		store_error("store: full: the write needs more than "
		    "StoreMaxSize allows; nothing was changed");
		return MS_STORE_FULL;
	}
	store_error("store: commit: %s; nothing was changed", mdb_strerror(rc));
	return store_errno_status(rc, 1);
}

static int
lmdb_copy(struct ms_store *s, const char *outdir)
{
	struct lmdb_store *l = impl(s);
	char path[4096];
	mode_t old;
	int rc, st = MS_STORE_OK;

	if (snprintf(path, sizeof(path), "%s/data.mdb", outdir) >=
	    (int)sizeof(path))
		return MS_STORE_INVALID;
	/* LMDB creates the copy 0666 & ~umask: never let it be readable. */
	old = umask(077);
	if ((rc = mdb_env_copy2(l->env, outdir, MDB_CP_COMPACT)) != 0)
		st = lmdb_fail("copy", rc);
	umask(old);
	if (st == MS_STORE_OK && chmod(path, 0600) == -1) {
		store_error("store: chmod %s: %s", path, strerror(errno));
		st = MS_STORE_ERROR;
	}
	return st;
}

static void
lmdb_close(struct ms_store *s)
{
	struct lmdb_store *l = impl(s);

	if (l == NULL)
		return;
	if (l->rtxn != NULL)
		mdb_txn_abort(l->rtxn);
	if (l->env != NULL)
		mdb_env_close(l->env);
	freezero(l, sizeof(*l));
	s->impl = NULL;
}

const struct store_backend store_lmdb_backend = {
	.name = "lmdb",
	.begin = lmdb_begin,
	.end = lmdb_end,
	.get = lmdb_get,
	.put = lmdb_put,
	.del = lmdb_del,
	.guard = NULL,
	.walk = lmdb_walk,
	.count = lmdb_count,
	.space = lmdb_space,
	.group_begin = lmdb_group_begin,
	.group_end = lmdb_group_end,
	.copy = lmdb_copy,
	.close = lmdb_close,
};

static int
mkdir_private(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return sys_fail("mkdir", dir);
	if (stat(dir, &st) == -1)
		return sys_fail("stat", dir);
	if (!S_ISDIR(st.st_mode)) {
		store_error("store: %s is not a directory", dir);
		return MS_STORE_INVALID;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 022) != 0) {
		store_error("store: bad ownership or modes for directory %s "
		    "(must be owned by uid %lu, not group/world-writable)", dir,
		    (unsigned long)geteuid());
		return MS_STORE_INVALID;
	}
	return MS_STORE_OK;
}

static int
check_data_file(struct lmdb_store *l, const char *dir)
{
	struct stat st;
	int fd, rc;

	if ((rc = mdb_env_get_fd(l->env, &fd)) != 0)
		return lmdb_fail("get fd", rc);
	/* Workers are exec'd with closefrom(), but never leak it anyway. */
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 || fstat(fd, &st) == -1)
		return sys_fail("data file in", dir);
	if (st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
		store_error("store: bad ownership or modes for data file in %s "
		    "(must be 0600, owned by uid %lu)", dir,
		    (unsigned long)geteuid());
		return MS_STORE_INVALID;
	}
	return MS_STORE_OK;
}

/*
 * The LMDB environment: synchronous commits (no MDB_NOSYNC/NOMETASYNC).
 * MDB_NOTLS ties a reader slot to its transaction, not to the thread, so
 * the reading thread can keep one reset read transaction and still open
 * another, and a writer thread's transactions are independent of it.
 */
static int
open_env(struct lmdb_store *l, const char *dir, size_t mapsize, int rdonly)
{
	int rc, dead;

	if ((rc = mdb_env_create(&l->env)) != 0) {
		l->env = NULL;
		goto fail;
	}
	if ((rc = mdb_env_set_maxdbs(l->env, STORE_T_COUNT)) != 0 ||
	    (mapsize != 0 &&
	    (rc = mdb_env_set_mapsize(l->env, mapsize)) != 0) ||
	    (rc = mdb_env_open(l->env, dir, MDB_NOTLS |
	    (rdonly ? MDB_RDONLY : 0), 0600)) != 0)
		goto fail;
	if (mdb_env_get_maxkeysize(l->env) < KEY_MAX) {
		store_error("store: LMDB key size limit too small");
		return MS_STORE_ERROR;
	}
	/* Clear reader slots left by a crashed process. */
	if ((rc = mdb_reader_check(l->env, &dead)) != 0)
		goto fail;
	if (dead > 0)
		store_verbose("store: cleared %d stale reader slot(s)", dead);
	return MS_STORE_OK;
 fail:
	store_error("store: open %s: %s", dir, mdb_strerror(rc));
	return store_errno_status(rc, 0);
}

/* The named databases, created by a read-write open. */
static int
open_dbs(struct lmdb_store *l, int rdonly)
{
	MDB_txn *txn;
	unsigned int create = rdonly ? 0 : MDB_CREATE;
	int rc, t;

	if ((rc = mdb_txn_begin(l->env, NULL, rdonly ? MDB_RDONLY : 0,
	    &txn)) != 0)
		return lmdb_fail("open databases", rc);
	for (t = 0; t < STORE_T_COUNT; t++) {
		if ((rc = mdb_dbi_open(txn, table_name[t], create,
		    &l->dbi[t])) != 0) {
			mdb_txn_abort(txn);
			return lmdb_fail("open databases", rc);
		}
	}
	/* Commit, not abort: aborting would close the new handles. */
	if ((rc = mdb_txn_commit(txn)) != 0) {
		store_error("store: commit: %s", mdb_strerror(rc));
		return store_errno_status(rc, 1);
	}
	return MS_STORE_OK;
}

int
store_lmdb_attach(struct ms_store *s, const char *dir, size_t mapsize)
{
	struct lmdb_store *l;
	int st;

	if (mapsize == 0 && !s->rdonly)
		mapsize = MS_STORE_MAPSIZE_DEFAULT;
	if (!s->rdonly && (st = mkdir_private(dir)) != MS_STORE_OK)
		return st;
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return store_buf_fail("open", MS_ERR_ALLOC);
	s->be = &store_lmdb_backend;
	s->impl = l;
	s->blocking = 0;
	if ((st = open_env(l, dir, mapsize, s->rdonly)) != MS_STORE_OK ||
	    (st = check_data_file(l, dir)) != MS_STORE_OK)
		return st;
	return open_dbs(l, s->rdonly);
}
