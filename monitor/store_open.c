/*
 * store_open.c — what opening a store means whatever its backend: the
 * format, the node counter and the root of a new store, the store-key
 * check values (KCV rule); and the rest of the store's life: usage, copy,
 * close, the statuses.  Layout and error vocabulary: store_int.h.
 */

#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "acl.h"
#include "buf.h"
#include "crypto.h"
#include "errors.h"
#include "log.h"
#include "path.h"
#include "proto.h"
#include "store.h"
#include "store_int.h"
#include "store_kv.h"
#include "storekey.h"

/*
 * A system error as a status.  LMDB passes errno values through (its own
 * codes are negative, and ERROR here), so this serves it too.  EIO counts as lack of room
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
		return "store unavailable (read-only file system, "
		    "permissions, or a cluster that did not answer in time)";
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
store_val_of(const struct msbuf *b, struct store_val *v)
{
	v->len = msbuf_len(b);
	v->data = msbuf_ptr(b);
}

/* Decode a stored u64 (dirent target, next_id) that must be exactly 8 bytes. */
int
store_decode_u64(const struct store_val *v, uint64_t *vp)
{
	struct msbuf *b;
	int r;

	if (v->len != ID_LEN)
		return MS_ERR_INVALID_FORMAT;
	if ((b = msbuf_from(v->data, v->len)) == NULL)
		return MS_ERR_ALLOC;
	r = msbuf_get_u64(b, vp);
	msbuf_free(b);
	return r;
}

int
store_meta_put_u64(struct ms_store *s, struct store_tx *tx, const char *name,
    uint64_t val)
{
	struct msbuf *b;
	struct store_val kv, dv;
	int r;

	if ((b = msbuf_new(ID_LEN)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = msbuf_put_u64(b, val)) == 0) {
		kv.len = strlen(name);
		kv.data = (const u_char *)name;
		store_val_of(b, &dv);
		if (store_kv_put(s, tx, STORE_T_META, &kv, &dv, 0) !=
		    MS_STORE_OK) {
			store_error("store: meta %s not written", name);
			r = MS_ERR_INTERNAL;
		}
	}
	msbuf_free(b);
	return r;
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
kcv_meta_parse(const u_char *key, size_t keylen,
    u_char kcv[MS_STORE_KCV_LEN])
{
	const char *p = (const char *)key;
	size_t i;
	int hi, lo;

	if (keylen != KCV_KEY_LEN || memcmp(p, KCV_PREFIX, 4) != 0)
		return MS_ERR_INVALID_FORMAT;
	for (i = 0; i < MS_STORE_KCV_LEN; i++) {
		if ((hi = hexval(p[4 + 2 * i])) < 0 ||
		    (lo = hexval(p[4 + 2 * i + 1])) < 0)
			return MS_ERR_INVALID_FORMAT;
		kcv[i] = (u_char)(hi << 4 | lo);
	}
	return 0;
}

struct kcv_each {
	int	(*cb)(void *, const u_char *);
	void	*ctx;
	int	 damaged;
};

static int
kcv_each_cb(void *ctx, const u_char *key, size_t keylen,
    const struct store_val *val)
{
	struct kcv_each *ke = ctx;
	u_char kcv[MS_STORE_KCV_LEN];

	if (kcv_meta_parse(key, keylen, kcv) != 0) {
		ke->damaged = 1;
		return -1;
	}
	return ke->cb(ke->ctx, kcv) != 0 ? -1 : 0;
}

/*
 * Visit the recorded KCVs in key order: cb(ctx, kcv) for each (non-zero
 * stops, MS_STORE_ERROR); a damaged "kcv:" key is MS_STORE_ERROR.
 */
static int
kcv_each(struct ms_store *s, struct store_tx *tx,
    int (*cb)(void *, const u_char *), void *ctx)
{
	struct kcv_each ke = { cb, ctx, 0 };
	struct store_val prefix;
	int st;

	prefix.data = (const u_char *)KCV_PREFIX;
	prefix.len = strlen(KCV_PREFIX);
	st = store_kv_walk(s, tx, STORE_T_META, &prefix, NULL, kcv_each_cb,
	    &ke);
	if (ke.damaged)
		store_error("store: damaged key check value in meta");
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
kcv_record(struct ms_store *s, struct store_tx *tx,
    const u_char kcv[MS_STORE_KCV_LEN])
{
	char key[KCV_KEY_LEN + 1];

	kcv_meta_key(kcv, key);
	if (store_meta_put_u64(s, tx, key, (uint64_t)time(NULL)) != 0)
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
adopt_keys(struct ms_store *s, struct store_tx *tx)
{
	struct ms_store_first_secure fs;
	char got[MS_STORE_KCV_STRLEN + 1];
	int st;

	memset(&fs, 0, sizeof(fs));
	fs.key_index = -1;
	(void)store_walk_txn(s, tx, 1, ms_store_first_secure_cb, &fs, 0);
	if (fs.found && fs.key_index < 0) {
		store_error("store: none of the %zu configured store key(s) opens "
		    "the store's SECURE values", s->kr.nkeys);
		return MS_STORE_KEY_MISMATCH;
	}
	if (fs.found && fs.key_index > 0) {
		ms_store_kcv_format(s->kr.kcvs[fs.key_index], got, sizeof(got));
		store_logit("store: recorded store key check value %s (store made "
		    "before check values were kept)", got);
		if ((st = kcv_record(s, tx, s->kr.kcvs[fs.key_index])) !=
		    MS_STORE_OK)
			return st;
	}
	ms_store_kcv_format(s->kr.kcvs[0], got, sizeof(got));
	store_logit("store: recorded store key check value %s (store made before "
	    "check values were kept%s)", got, fs.found ? "" :
	    "; no SECURE value to check it against");
	return kcv_record(s, tx, s->kr.kcvs[0]);
}

/*
 * The store-key rule (ARCHITECTURE.md "Store keys"): at least one
 * configured key must be recorded.  A read-write open records keys[0]
 * when missing: on a new store, after a rotation, or on a store from an
 * earlier version that recorded none (then it is adopted unchecked, and
 * logged).
 */
static int
check_keys(struct ms_store *s, struct store_tx *tx, int created)
{
	struct kcv_scan ks;
	char want[MS_STORE_KCV_STRLEN + 1];
	int st;

	if (s->nokeycheck)
		return MS_STORE_OK;
	memset(&ks, 0, sizeof(ks));
	ks.s = s;
	if ((st = kcv_each(s, tx, kcv_scan_cb, &ks)) != MS_STORE_OK)
		return st;
	ms_store_kcv_format(s->kr.kcvs[0], want, sizeof(want));
	if (ks.n == 0) {
		if (s->rdonly)
			return MS_STORE_OK;
		if (!created)
			return adopt_keys(s, tx);
		return kcv_record(s, tx, s->kr.kcvs[0]);
	}
	if (ks.known == 0) {
		store_error("store: none of the %zu configured store key(s) matches "
		    "the store", s->kr.nkeys);
		return MS_STORE_KEY_MISMATCH;
	}
	if ((ks.known & 1) == 0 && !s->rdonly) {
		store_logit("store: new sealing key %s recorded", want);
		return kcv_record(s, tx, s->kr.kcvs[0]);
	}
	return MS_STORE_OK;
}

/* Read and check the format of an existing store. */
static int
check_format(const struct store_val *dv)
{
	struct msbuf *b;
	uint32_t fmt;
	int ok;

	if ((b = msbuf_from(dv->data, dv->len)) == NULL)
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
init_new(struct ms_store *s, struct store_tx *tx, const struct store_val *kv)
{
	struct ms_acl *empty = NULL;
	struct msbuf *b = NULL;
	struct store_val dv;
	int r, st = MS_STORE_OK;

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
	if ((st = store_kv_put(s, tx, STORE_T_META, kv, &dv, 0)) !=
	    MS_STORE_OK) {
		store_error("store: format not written");
		goto out;
	}
	if ((r = store_meta_put_u64(s, tx, "next_id", ROOT_ID + 1)) != 0 ||
	    (r = store_node_put(s, tx, ROOT_ID, empty, 0)) != 0)
		st = store_buf_fail("init", r);
 out:
	msbuf_free(b);
	free(empty);
	return st;
}

/* One try: check or create the store, then the key rule. */
static int
open_once(struct ms_store *s)
{
	struct store_tx *tx;
	struct store_val kv, dv;
	int st, created = 0;

	if ((st = store_txn_begin(s, !s->rdonly, &tx)) != MS_STORE_OK)
		return st;
	kv.len = strlen("format");
	kv.data = (const u_char *)"format";
	if ((st = store_kv_get(s, tx, STORE_T_META, &kv, &dv)) ==
	    MS_STORE_OK)
		st = check_format(&dv);
	else if (st == MS_STORE_NOT_FOUND_RECORD && s->rdonly) {
		store_error("store: read format: not a store");
		st = MS_STORE_ERROR;
	} else if (st == MS_STORE_NOT_FOUND_RECORD) {
		created = 1;
		st = init_new(s, tx, &kv);
	}
	if (st == MS_STORE_OK)
		st = check_keys(s, tx, created);
	return store_txn_finish(s, tx, st);
}

/*
 * Two hosts that open one new etcd store at once both find no format:
 * the second commit conflicts, and its second try finds the first one's
 * store (and its check value) instead.
 */
int
store_open_finish(struct ms_store *s)
{
	unsigned int attempt = 0;
	int st;

	do
		st = open_once(s);
	while (store_retry(st, attempt++));
	return store_final(st);
}

int
store_new(const u_char keys[][MS_STORE_KEY_LEN], size_t nkeys, int flags,
    struct ms_store **sp)
{
	struct ms_store *s;

	*sp = NULL;
	if (keys == NULL || nkeys == 0 || nkeys > MS_STORE_KEYS_MAX ||
	    (flags & ~(MS_STORE_RDONLY | MS_STORE_NOKEYCHECK)) != 0 ||
	    ((flags & MS_STORE_NOKEYCHECK) && !(flags & MS_STORE_RDONLY)))
		return MS_STORE_INVALID;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return store_buf_fail("open", MS_ERR_ALLOC);
	s->rdonly = (flags & MS_STORE_RDONLY) != 0;
	s->nokeycheck = (flags & MS_STORE_NOKEYCHECK) != 0;
	if (store_keyring_init(&s->kr, keys, nkeys) != 0) {
		store_error("store: cannot derive the store key check values");
		ms_store_close(s);
		return MS_STORE_ERROR;
	}
	*sp = s;
	return MS_STORE_OK;
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

int
ms_store_open_keys(const char *dir, const u_char keys[][MS_STORE_KEY_LEN],
    size_t nkeys, size_t mapsize, int flags, struct ms_store **sp)
{
	struct ms_store *s = NULL;
	int st;

	if (sp == NULL)
		return MS_STORE_INVALID;
	*sp = NULL;
	if (dir == NULL)
		return MS_STORE_INVALID;
	if ((st = store_new(keys, nkeys, flags, &s)) != MS_STORE_OK)
		return st;
	if ((st = store_lmdb_attach(s, dir, mapsize)) != MS_STORE_OK ||
	    (st = store_open_finish(s)) != MS_STORE_OK) {
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
	if (s->be != NULL)
		s->be->close(s);
	freezero(s, sizeof(*s));
}

int
ms_store_recorded_kcvs(struct ms_store *s, u_char kcvs[][MS_STORE_KCV_LEN],
    size_t max, size_t *np)
{
	struct kcv_scan ks;
	struct store_tx *tx;
	int st;

	if (np != NULL)
		*np = 0;
	if (s == NULL || np == NULL || (max > 0 && kcvs == NULL))
		return MS_STORE_INVALID;
	if ((st = store_txn_begin(s, 0, &tx)) != MS_STORE_OK)
		return st;
	memset(&ks, 0, sizeof(ks));
	ks.out = kcvs;
	ks.max = max;
	st = store_txn_finish(s, tx, kcv_each(s, tx, kcv_scan_cb, &ks));
	*np = ks.n;
	return st;
}

int
ms_store_usage(struct ms_store *s, struct ms_store_usage *u)
{
	struct store_tx *tx;
	int st;

	if (u != NULL)
		memset(u, 0, sizeof(*u));
	if (s == NULL || u == NULL)
		return MS_STORE_INVALID;
	if ((st = store_txn_begin(s, 0, &tx)) != MS_STORE_OK)
		return st;
	if ((st = s->be->space(s, &u->used_bytes, &u->max_bytes)) ==
	    MS_STORE_OK &&
	    (st = s->be->count(tx, STORE_T_NODES, &u->nodes)) == MS_STORE_OK)
		st = s->be->count(tx, STORE_T_RECORDS, &u->records);
	if ((st = store_txn_finish(s, tx, st)) != MS_STORE_OK)
		memset(u, 0, sizeof(*u));
	return st;
}

int
ms_store_copy(struct ms_store *s, const char *outdir)
{
	if (s == NULL || outdir == NULL)
		return MS_STORE_INVALID;
	if (s->be->copy == NULL) {
		store_error("store: copy: not supported by the %s backend",
		    s->be->name);
		return MS_STORE_INVALID;
	}
	return s->be->copy(s, outdir);
}
