/*
 * store_env.c — the LMDB environment of the store: open and close,
 * transactions, the meta database, store-key check values (KCVs), usage
 * and copy.  Layout and error vocabulary: store_int.h.
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
#include "log.h"
#include "path.h"
#include "proto.h"
#include "store.h"
#include "store_int.h"
#include "storekey.h"

/*
 * A system error as a status.  LMDB passes errno values through (its own
 * codes are negative), so this serves both.  EIO counts as lack of room
 * only on a write (LMDB reports a short write of a full disk as EIO).
 */
int
store_errno_status(int err, int writing)
{
	switch (err) {
	case ENOSPC:
	case EDQUOT:
		return MS_STORE_FULL;
	case EIO:
		return writing ? MS_STORE_FULL : MS_STORE_ERROR;
	case EROFS:
	case EACCES:
	case EPERM:
		return MS_STORE_UNAVAILABLE;
	default:
		return MS_STORE_ERROR;
	}
}

int
store_lmdb_fail(const char *what, int rc)
{
	store_error("store: %s: %s", what, mdb_strerror(rc));
	return store_errno_status(rc, 0);
}

/* A failed system call on dir or a file in it; errno says why. */
static int
store_sys_fail(const char *what, const char *dir)
{
	int err = errno;

	store_error("store: %s %s: %s", what, dir, strerror(err));
	return store_errno_status(err, 0);
}

const char *
ms_store_strerror(int st)
{
	switch (st) {
	case MS_STORE_OK:
		return "success";
	case MS_STORE_NOT_FOUND_PATH:
		return "no such node";
	case MS_STORE_NOT_FOUND_RECORD:
		return "no such record";
	case MS_STORE_BUSY:
		return "node has children or records";
	case MS_STORE_INVALID:
		return "invalid argument or layout";
	case MS_STORE_FULL:
		return "store full";
	case MS_STORE_UNAVAILABLE:
		return "store not writable (read-only file system or "
		    "permissions)";
	case MS_STORE_KEY_MISMATCH:
		return "none of the configured store keys is the store's";
	default:
		return "store error";
	}
}

int
store_buf_fail(const char *what, int r)
{
	store_error("store: %s: %s", what, ms_err(r));
	return MS_STORE_ERROR;
}

void
store_val_of(const struct msbuf *b, MDB_val *v)
{
	v->mv_size = msbuf_len(b);
	v->mv_data = (void *)msbuf_ptr(b);
}

/* Decode a stored u64 (dirent target, next_id) that must be exactly 8 bytes. */
int
store_decode_u64(const MDB_val *v, uint64_t *vp)
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

int
store_meta_put_u64(struct ms_store *s, MDB_txn *txn, const char *name, uint64_t val)
{
	struct msbuf *b;
	MDB_val kv, dv;
	int r, rc;

	if ((b = msbuf_new(ID_LEN)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = msbuf_put_u64(b, val)) == 0) {
		kv.mv_size = strlen(name);
		kv.mv_data = (void *)name;
		store_val_of(b, &dv);
		if ((rc = mdb_put(txn, s->meta, &kv, &dv, 0)) != 0) {
			NOTE_FULL(s, rc);
			store_error("store: meta %s: %s", name, mdb_strerror(rc));
			r = MS_ERR_INTERNAL;
		}
	}
	msbuf_free(b);
	return r;
}

/*
 * A read transaction is the reading thread's one, reset after use and
 * renewed here (the environment is MDB_NOTLS, so a second, nested read
 * falls back to a transaction of its own).
 */
static int
read_begin(struct ms_store *s, MDB_txn **txnp)
{
	int rc;

	if (s->rtxn != NULL && !s->rtxn_busy) {
		if ((rc = mdb_txn_renew(s->rtxn)) == 0) {
			s->rtxn_busy = 1;
			*txnp = s->rtxn;
			return 0;
		}
		mdb_txn_abort(s->rtxn);
		s->rtxn = NULL;
	}
	if ((rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, txnp)) == 0 &&
	    s->rtxn == NULL) {
		s->rtxn = *txnp;
		s->rtxn_busy = 1;
	}
	return rc;
}

void
store_txn_end_read(struct ms_store *s, MDB_txn *txn)
{
	if (txn == NULL)
		return;
	if (txn == s->rtxn) {
		mdb_txn_reset(txn);
		s->rtxn_busy = 0;
	} else
		mdb_txn_abort(txn);
}

static int
txn_begin(struct ms_store *s, unsigned int flags, MDB_txn **txnp)
{
	if (flags & MDB_RDONLY)
		return read_begin(s, txnp);
	s->map_full = 0;
	/* In a group each op gets a nested transaction it can undo alone. */
	return mdb_txn_begin(s->env, s->group, flags, txnp);
}

int
store_txn_begin(struct ms_store *s, unsigned int flags, MDB_txn **txnp)
{
	int rc;

	if ((flags & MDB_RDONLY) == 0 && s->rdonly) {
		*txnp = NULL;
		store_error("store: write to a store opened read-only");
		return MS_STORE_ERROR;
	}
	rc = txn_begin(s, flags, txnp);
	/*
	 * Another process (metasafe-admin) grew the map: adopt it.  That
	 * needs no other transaction in the process, which only a store
	 * without a writer thread can tell.
	 */
	if (rc == MDB_MAP_RESIZED && !s->threaded) {
		if ((rc = mdb_env_set_mapsize(s->env, 0)) == 0)
			rc = txn_begin(s, flags, txnp);
	}
	if (rc != 0) {
		*txnp = NULL;
		return store_lmdb_fail("begin transaction", rc);
	}
	return MS_STORE_OK;
}

/*
 * Commit, or abort when st is not OK; the write is acknowledged only after.
 * A transaction that ran out of map space is MS_STORE_FULL (and aborted,
 * so the store is unchanged).
 */
int
store_txn_finish(struct ms_store *s, MDB_txn *txn, int st)
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
		if (s->map_full)
			st = MS_STORE_FULL;
		else {
			store_error("store: commit: %s; nothing was changed",
			    mdb_strerror(rc));
			st = store_errno_status(rc, 1);
		}
	}
 out:
	if (st == MS_STORE_FULL && s->map_full)
		store_error("store: full: the write needs more than "
		    "StoreMaxSize allows; nothing was changed");
	s->map_full = 0;
	return st;
}

static int
mkdir_private(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return store_sys_fail("mkdir", dir);
	if (stat(dir, &st) == -1)
		return store_sys_fail("stat", dir);
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
check_data_file(struct ms_store *s, const char *dir)
{
	struct stat st;
	int fd, rc;

	if ((rc = mdb_env_get_fd(s->env, &fd)) != 0)
		return store_lmdb_fail("get fd", rc);
	/* Workers are exec'd with closefrom(), but never leak it anyway. */
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 || fstat(fd, &st) == -1)
		return store_sys_fail("data file in", dir);
	if (st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
		store_error("store: bad ownership or modes for data file in %s "
		    "(must be 0600, owned by uid %lu)", dir,
		    (unsigned long)geteuid());
		return MS_STORE_INVALID;
	}
	return MS_STORE_OK;
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
 * Visit the recorded KCVs in key order: cb(ctx, kcv) for each (non-zero
 * stops, MS_STORE_ERROR); a damaged "kcv:" key is MS_STORE_ERROR.
 */
static int
kcv_each(struct ms_store *s, MDB_txn *txn,
    int (*cb)(void *, const u_char *), void *ctx)
{
	MDB_cursor *c = NULL;
	MDB_val kv, dv;
	u_char kcv[MS_STORE_KCV_LEN];
	int st = MS_STORE_OK, rc, op = MDB_SET_RANGE;

	if ((rc = mdb_cursor_open(txn, s->meta, &c)) != 0)
		return store_lmdb_fail("kcv cursor", rc);
	kv.mv_size = strlen(KCV_PREFIX);
	kv.mv_data = (void *)KCV_PREFIX;
	for (;; op = MDB_NEXT) {
		if ((rc = mdb_cursor_get(c, &kv, &dv, op)) == MDB_NOTFOUND)
			break;
		if (rc != 0) {
			st = store_lmdb_fail("kcv cursor", rc);
			break;
		}
		if (kv.mv_size < 4 || memcmp(kv.mv_data, KCV_PREFIX, 4) != 0)
			break;
		if (kcv_meta_parse(&kv, kcv) != 0) {
			store_error("store: damaged key check value in meta");
			st = MS_STORE_ERROR;
			break;
		}
		if (cb(ctx, kcv) != 0) {
			st = MS_STORE_ERROR;
			break;
		}
	}
	mdb_cursor_close(c);
	return st;
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
	for (i = 0; ks->s != NULL && i < ks->s->kr.nkeys; i++) {
		if (memcmp(kcv, ks->s->kr.kcvs[i], MS_STORE_KCV_LEN) == 0)
			ks->known |= 1U << i;
	}
	return 0;
}

static int
kcv_record(struct ms_store *s, MDB_txn *txn, const u_char kcv[MS_STORE_KCV_LEN])
{
	char key[KCV_KEY_LEN + 1];

	kcv_meta_key(kcv, key);
	if (store_meta_put_u64(s, txn, key, (uint64_t)time(NULL)) != 0)
		return MS_STORE_ERROR;	/* logged */
	return MS_STORE_OK;
}

int
ms_store_first_secure_cb(void *ctx, const struct ms_store_walk_item *it)
{
	struct ms_store_first_secure *fs = ctx;

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
	struct ms_store_first_secure fs;
	char got[MS_STORE_KCV_STRLEN + 1];
	int st;

	memset(&fs, 0, sizeof(fs));
	fs.key_index = -1;
	(void)store_walk_txn(s, txn, 1, ms_store_first_secure_cb, &fs, 0);
	if (fs.found && fs.key_index < 0) {
		store_error("store: none of the %zu configured store key(s) opens "
		    "the store's SECURE values", s->kr.nkeys);
		return MS_STORE_KEY_MISMATCH;
	}
	if (fs.found && fs.key_index > 0) {
		ms_store_kcv_format(s->kr.kcvs[fs.key_index], got, sizeof(got));
		store_logit("store: recorded store key check value %s (store made "
		    "before check values were kept)", got);
		if ((st = kcv_record(s, txn, s->kr.kcvs[fs.key_index])) !=
		    MS_STORE_OK)
			return st;
	}
	ms_store_kcv_format(s->kr.kcvs[0], got, sizeof(got));
	store_logit("store: recorded store key check value %s (store made before "
	    "check values were kept%s)", got, fs.found ? "" :
	    "; no SECURE value to check it against");
	return kcv_record(s, txn, s->kr.kcvs[0]);
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
	int st;

	if (s->nokeycheck)
		return MS_STORE_OK;
	memset(&ks, 0, sizeof(ks));
	ks.s = s;
	if ((st = kcv_each(s, txn, kcv_scan_cb, &ks)) != MS_STORE_OK)
		return st;
	ms_store_kcv_format(s->kr.kcvs[0], want, sizeof(want));
	if (ks.n == 0) {
		if (s->rdonly)
			return MS_STORE_OK;
		if (!created)
			return adopt_keys(s, txn);
		return kcv_record(s, txn, s->kr.kcvs[0]);
	}
	if (ks.known == 0) {
		store_error("store: none of the %zu configured store key(s) matches "
		    "the store", s->kr.nkeys);
		return MS_STORE_KEY_MISMATCH;
	}
	if ((ks.known & 1) == 0 && !s->rdonly) {
		store_logit("store: new sealing key %s recorded", want);
		return kcv_record(s, txn, s->kr.kcvs[0]);
	}
	return MS_STORE_OK;
}

/* Read and check the format of an existing store. */
static int
check_format(const MDB_val *dv)
{
	struct msbuf *b;
	uint32_t fmt;
	int ok;

	if ((b = msbuf_from(dv->mv_data, dv->mv_size)) == NULL)
		return store_buf_fail("format", MS_ERR_ALLOC);
	ok = msbuf_get_u32(b, &fmt) == 0 && msbuf_len(b) == 0 &&
	    fmt == STORE_FORMAT;
	msbuf_free(b);
	if (!ok) {
		store_error("store: unsupported store format");
		return MS_STORE_INVALID;
	}
	return MS_STORE_OK;
}

/* A new store: the format, the node counter and the root node. */
static int
init_new(struct ms_store *s, MDB_txn *txn, MDB_val *kv)
{
	struct ms_acl *empty = NULL;
	struct msbuf *b = NULL;
	MDB_val dv;
	int r, rc, st = MS_STORE_OK;

	if ((b = msbuf_new(4)) == NULL ||
	    (empty = calloc(1, sizeof(*empty))) == NULL) {
		st = store_buf_fail("init", MS_ERR_ALLOC);
		goto out;
	}
	if ((r = msbuf_put_u32(b, STORE_FORMAT)) != 0) {
		st = store_buf_fail("init", r);
		goto out;
	}
	store_val_of(b, &dv);
	if ((rc = mdb_put(txn, s->meta, kv, &dv, 0)) != 0) {
		st = store_lmdb_fail("write format", rc);
		goto out;
	}
	if ((r = store_meta_put_u64(s, txn, "next_id", ROOT_ID + 1)) != 0 ||
	    (r = store_node_put(s, txn, ROOT_ID, empty, 0)) != 0)
		st = store_buf_fail("init", r);
 out:
	msbuf_free(b);
	free(empty);
	return st;
}

/* Open the named databases; initialise a new store; apply the key rule. */
static int
init_dbs(struct ms_store *s)
{
	MDB_txn *txn = NULL;
	MDB_val kv, dv;
	unsigned int create = s->rdonly ? 0 : MDB_CREATE;
	int st, rc, created = 0;

	if ((rc = mdb_txn_begin(s->env, NULL, s->rdonly ? MDB_RDONLY : 0,
	    &txn)) != 0) {
		txn = NULL;
		st = store_lmdb_fail("open databases", rc);
		goto out;
	}
	if ((rc = mdb_dbi_open(txn, "meta", create, &s->meta)) != 0 ||
	    (rc = mdb_dbi_open(txn, "nodes", create, &s->nodes)) != 0 ||
	    (rc = mdb_dbi_open(txn, "dirents", create, &s->dirents)) != 0 ||
	    (rc = mdb_dbi_open(txn, "records", create, &s->records)) != 0) {
		st = store_lmdb_fail("open databases", rc);
		goto out;
	}
	kv.mv_size = strlen("format");
	kv.mv_data = (void *)"format";
	if ((rc = mdb_get(txn, s->meta, &kv, &dv)) == 0)
		st = check_format(&dv);
	else if (rc != MDB_NOTFOUND || s->rdonly)
		st = store_lmdb_fail("read format", rc);
	else {
		created = 1;
		st = init_new(s, txn, &kv);
	}
	if (st != MS_STORE_OK ||
	    (st = check_keys(s, txn, created)) != MS_STORE_OK)
		goto out;
	/* Commit, not abort: aborting would close the new handles. */
	rc = mdb_txn_commit(txn);
	txn = NULL;
	if (rc != 0) {
		store_error("store: commit: %s", mdb_strerror(rc));
		st = store_errno_status(rc, 1);
	}
 out:
	if (txn != NULL)
		mdb_txn_abort(txn);
	return st;
}

int
ms_store_open(const char *dir, const u_char key[MS_STORE_KEY_LEN],
    size_t mapsize, struct ms_store **sp)
{
	if (key == NULL) {
		if (sp != NULL)
			*sp = NULL;
		return MS_STORE_INVALID;
	}
	return ms_store_open_keys(dir, (const u_char (*)[MS_STORE_KEY_LEN])key,
	    1, mapsize, 0, sp);
}

/*
 * The LMDB environment: synchronous commits (no MDB_NOSYNC/NOMETASYNC).
 * MDB_NOTLS ties a reader slot to its transaction, not to the thread, so
 * the reading thread can keep one reset read transaction and still open
 * another, and a writer thread's transactions are independent of it.
 */
static int
open_env(struct ms_store *s, const char *dir, size_t mapsize)
{
	int rc, dead;

	if ((rc = mdb_env_create(&s->env)) != 0) {
		s->env = NULL;
		goto fail;
	}
	if ((rc = mdb_env_set_maxdbs(s->env, 4)) != 0 ||
	    (mapsize != 0 &&
	    (rc = mdb_env_set_mapsize(s->env, mapsize)) != 0) ||
	    (rc = mdb_env_open(s->env, dir, MDB_NOTLS |
	    (s->rdonly ? MDB_RDONLY : 0), 0600)) != 0)
		goto fail;
	if (mdb_env_get_maxkeysize(s->env) < KEY_MAX) {
		store_error("store: LMDB key size limit too small");
		return MS_STORE_ERROR;
	}
	/* Clear reader slots left by a crashed process. */
	if ((rc = mdb_reader_check(s->env, &dead)) != 0)
		goto fail;
	if (dead > 0)
		store_verbose("store: cleared %d stale reader slot(s)", dead);
	return MS_STORE_OK;
 fail:
	store_error("store: open %s: %s", dir, mdb_strerror(rc));
	return store_errno_status(rc, 0);
}

int
ms_store_open_keys(const char *dir, const u_char keys[][MS_STORE_KEY_LEN],
    size_t nkeys, size_t mapsize, int flags, struct ms_store **sp)
{
	struct ms_store *s = NULL;
	int st;

	if (sp != NULL)
		*sp = NULL;
	if (dir == NULL || keys == NULL || sp == NULL || nkeys == 0 ||
	    nkeys > MS_STORE_KEYS_MAX ||
	    (flags & ~(MS_STORE_RDONLY | MS_STORE_NOKEYCHECK)) != 0 ||
	    ((flags & MS_STORE_NOKEYCHECK) && !(flags & MS_STORE_RDONLY)))
		return MS_STORE_INVALID;
	if (mapsize == 0 && (flags & MS_STORE_RDONLY) == 0)
		mapsize = MS_STORE_MAPSIZE_DEFAULT;
	if ((flags & MS_STORE_RDONLY) == 0 &&
	    (st = mkdir_private(dir)) != MS_STORE_OK)
		return st;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return store_buf_fail("open", MS_ERR_ALLOC);
	s->rdonly = (flags & MS_STORE_RDONLY) != 0;
	s->nokeycheck = (flags & MS_STORE_NOKEYCHECK) != 0;
	if (store_keyring_init(&s->kr, keys, nkeys) != 0) {
		store_error("store: cannot derive the store key check values");
		st = MS_STORE_ERROR;
	} else if ((st = open_env(s, dir, mapsize)) == MS_STORE_OK &&
	    (st = check_data_file(s, dir)) == MS_STORE_OK)
		st = init_dbs(s);
	if (st != MS_STORE_OK) {
		ms_store_close(s);
		return st;
	}
	store_debug("store %s open%s", dir, s->rdonly ? " read-only" : "");
	*sp = s;
	return MS_STORE_OK;
}

void
ms_store_close(struct ms_store *s)
{
	if (s == NULL)
		return;
	if (s->rtxn != NULL)
		mdb_txn_abort(s->rtxn);
	if (s->env != NULL)
		mdb_env_close(s->env);
	freezero(s, sizeof(*s));
}

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
	if ((st = store_txn_begin(s, MDB_RDONLY, &txn)) != MS_STORE_OK)
		return st;
	memset(&ks, 0, sizeof(ks));
	ks.out = kcvs;
	ks.max = max;
	if (kcv_each(s, txn, kcv_scan_cb, &ks) != 0)
		st = MS_STORE_ERROR;
	store_txn_end_read(s, txn);
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
	if ((st = store_txn_begin(s, MDB_RDONLY, &txn)) != MS_STORE_OK)
		return st;
	if ((rc = mdb_env_info(s->env, &info)) != 0 ||
	    (rc = mdb_env_stat(s->env, &est)) != 0 ||
	    (rc = mdb_stat(txn, s->nodes, &nst)) != 0 ||
	    (rc = mdb_stat(txn, s->records, &rst)) != 0)
		st = store_lmdb_fail("usage", rc);
	else {
		u->used_bytes = ((uint64_t)info.me_last_pgno + 1) * est.ms_psize;
		u->max_bytes = info.me_mapsize;
		u->nodes = nst.ms_entries;
		u->records = rst.ms_entries;
	}
	store_txn_end_read(s, txn);
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
		st = store_lmdb_fail("copy", rc);
	umask(old);
	if (st == MS_STORE_OK && chmod(path, 0600) == -1) {
		store_error("store: chmod %s: %s", path, strerror(errno));
		st = MS_STORE_ERROR;
	}
	return st;
}
