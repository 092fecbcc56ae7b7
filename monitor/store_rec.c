/*
 * store_rec.c — records: encoding, get, set and delete, and the
 * administration walk and re-seal (metasafe-admin).  Sealing itself is
 * store_seal.c.  Layout: store_int.h.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
int
store_record_peek_hdr_mtime(const struct store_val *v, uint8_t *flagsp,
    uint64_t *versionp, uint64_t *mtimep)
{
	struct msbuf *b;
	int r;

	if ((b = msbuf_from(v->data,
	    v->len < RECORD_HDR_LEN ? v->len : RECORD_HDR_LEN)) == NULL)
		return MS_ERR_ALLOC;
	r = record_decode_hdr(b, flagsp, versionp, mtimep);
	msbuf_free(b);
	return r;
}

static int
record_peek_hdr(const struct store_val *v, uint8_t *flagsp, uint64_t *versionp)
{
	uint64_t mtime;

	return store_record_peek_hdr_mtime(v, flagsp, versionp, &mtime);
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
		r = store_seal_value(&s->kr, path, name, value, len, b);
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

void
ms_record_clear(struct ms_record *rec)
{
	if (rec == NULL)
		return;
	if (rec->value != NULL)
		freezero(rec->value, rec->value_len + 1);
	explicit_bzero(rec, sizeof(*rec));
}

/* Decode a full record value into out (unsealing SECURE values). */
static int
record_decode(struct ms_store *s, const char *path, const char *name,
    const struct store_val *v, struct ms_record *out)
{
	struct msbuf *b;
	const u_char *blob;
	size_t bloblen;
	int r;

	if ((b = msbuf_from(v->data, v->len)) == NULL)
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
		r = store_unseal_value(&s->kr, path, name, blob, bloblen, &out->value,
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

/* The key of record name in the existing node at path. */
static int
record_key(struct ms_store *s, struct store_tx *tx, const char *path,
    const char *name, struct msbuf **kp, struct store_val *kv)
{
	uint64_t id;
	int r, st;

	if ((st = store_node_id(s, tx, path, &id)) != MS_STORE_OK)
		return st;
	if ((r = store_make_key(id, name, strlen(name), kp)) != 0)
		return store_buf_fail("key", r);
	store_val_of(*kp, kv);
	return MS_STORE_OK;
}

int
ms_store_get(struct ms_store *s, const char *path, const char *name,
    struct ms_record *out)
{
	struct msbuf *k = NULL;
	struct store_tx *tx;
	struct store_val kv, dv;
	int r, st;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (s == NULL || out == NULL || !store_path_ok(path) || !store_name_ok(name))
		return MS_STORE_INVALID;
	if ((st = store_txn_begin(s, 0, &tx)) != MS_STORE_OK)
		return st;
	if ((st = record_key(s, tx, path, name, &k, &kv)) != MS_STORE_OK)
		goto out;
	if ((st = store_kv_get(s, tx, STORE_T_RECORDS, &kv, &dv)) !=
	    MS_STORE_OK)
		goto out;
	if ((r = record_decode(s, path, name, &dv, out)) != 0) {
		store_error("store: cannot read record \"%s\" of %s: %s", name, path,
		    r == MS_ERR_MAC_INVALID ?
		    "wrong store key or damaged value" :
		    r == MS_ERR_STORE_KEY_MISMATCH ?
		    "sealed under a StoreKey that is not configured" :
		    ms_err(r));
		st = MS_STORE_ERROR;
	}
 out:
	msbuf_free(k);
	if ((st = store_txn_finish(s, tx, st)) != MS_STORE_OK)
		ms_record_clear(out);
	return st;
}

static int
set_once(struct ms_store *s, const char *path, const char *name,
    uint8_t flags, const void *value, size_t len, uint64_t *versionp)
{
	struct resolved res;
	struct msbuf *k = NULL, *v = NULL;
	struct store_tx *tx;
	struct store_val kv, dv;
	uint64_t version = 1, oldversion;
	uint8_t oldflags;
	int r, st;

	if ((st = store_txn_begin(s, 1, &tx)) != MS_STORE_OK)
		return st;
	if ((r = store_resolve(s, tx, path, &res)) != 0 ||
	    (r = store_create_missing(s, tx, path, &res)) != 0 ||
	    (r = store_make_key(res.id[res.depth - 1], name, strlen(name), &k)) != 0) {
		st = store_buf_fail("create node", r);
		goto out;
	}
	store_val_of(k, &kv);
	if ((st = store_kv_get(s, tx, STORE_T_RECORDS, &kv, &dv)) ==
	    MS_STORE_OK) {
		if ((r = record_peek_hdr(&dv, &oldflags, &oldversion)) != 0) {
			st = store_buf_fail("decode record", r);
			goto out;
		}
		if ((oldflags & MS_REC_SECURE) != 0 &&
		    (flags & MS_REC_SECURE) == 0) {
			store_debug("refusing to clear SECURE on \"%s\" of %s",
			    name, path);
			st = MS_STORE_INVALID;
			goto out;
		}
		if (oldversion == UINT64_MAX) {
			st = MS_STORE_ERROR;
			goto out;
		}
		version = oldversion + 1;
	} else if (st != MS_STORE_NOT_FOUND_RECORD)
		goto out;
	if ((r = record_encode(s, path, name, flags, version,
	    (uint64_t)time(NULL), value, len, &v)) != 0) {
		st = store_buf_fail("encode record", r);
		goto out;
	}
	store_val_of(v, &dv);
	st = store_kv_put(s, tx, STORE_T_RECORDS, &kv, &dv, 0);
 out:
	msbuf_free(k);
	msbuf_free(v);
	if ((st = store_txn_finish(s, tx, st)) == MS_STORE_OK)
		*versionp = version;
	return st;
}

int
ms_store_set(struct ms_store *s, const char *path, const char *name,
    uint8_t flags, const void *value, size_t len, uint64_t *versionp)
{
	unsigned int attempt = 0;
	uint64_t version = 0;
	int st;

	if (versionp != NULL)
		*versionp = 0;
	if (s == NULL || !store_path_ok(path) || !store_name_ok(name) ||
	    (flags & ~MS_REC_FLAGS_MASK) != 0 || len > MS_VALUE_MAX ||
	    (value == NULL && len != 0))
		return MS_STORE_INVALID;
	do
		st = set_once(s, path, name, flags, value, len, &version);
	while (store_retry(st, attempt++));
	if ((st = store_final(st)) == MS_STORE_OK && versionp != NULL)
		*versionp = version;
	return st;
}

static int
delete_record_once(struct ms_store *s, const char *path, const char *name)
{
	struct msbuf *k = NULL;
	struct store_tx *tx;
	struct store_val kv;
	int st;

	if ((st = store_txn_begin(s, 1, &tx)) != MS_STORE_OK)
		return st;
	if ((st = record_key(s, tx, path, name, &k, &kv)) == MS_STORE_OK)
		st = store_kv_del(s, tx, STORE_T_RECORDS, &kv);
	msbuf_free(k);
	return store_txn_finish(s, tx, st);
}

int
ms_store_delete_record(struct ms_store *s, const char *path, const char *name)
{
	unsigned int attempt = 0;
	int st;

	if (s == NULL || !store_path_ok(path) || !store_name_ok(name))
		return MS_STORE_INVALID;
	do
		st = delete_record_once(s, path, name);
	while (store_retry(st, attempt++));
	return store_final(st);
}

/* Walk state: one transaction, one path buffer grown and cut per level. */
struct walk {
	struct ms_store	*s;
	struct store_tx	*tx;
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

/* One record of the node at wk->path. */
struct walk_rec {
	struct walk	*wk;
	uint64_t	 id;
	int		 r;
	char		 name[MS_PATH_SEGMENT_MAX + 1];
};

static int
walk_record_cb(void *ctx, const u_char *key, size_t keylen,
    const struct store_val *dv)
{
	struct walk_rec *wr = ctx;
	struct walk *wk = wr->wk;
	struct ms_store_walk_item it;
	struct store_val kv = { key, keylen };
	struct msbuf *b;
	const u_char *blob;
	u_char *pt = NULL, kcv[MS_STORE_KCV_LEN];
	char *name = wr->name;
	uint64_t got;
	size_t len, bloblen, ptlen = 0;
	int r, fmt, ki;

	if (wk->stop)
		return 1;
	if (store_decode_key(&kv, &got, name, &len) != 0 || got != wr->id)
		return 1;
	wk->records_seen++;
	if (ms_record_name_valid(name, len) != 0) {
		walk_damage(wk, NULL, "record with an invalid name");
		return 0;
	}
	memset(&it, 0, sizeof(it));
	it.kind = MS_STORE_WALK_RECORD;
	it.path = wk->path;
	it.name = name;
	it.key_index = -1;
	if ((b = msbuf_from(dv->data, dv->len)) == NULL) {
		wr->r = store_buf_fail("walk", MS_ERR_ALLOC);
		return -1;
	}
	if (record_decode_hdr(b, &it.flags, &it.version, &it.mtime) != 0) {
		walk_damage(wk, name, "undecodable record");
		goto out;
	}
	if ((it.flags & MS_REC_SECURE) == 0) {
		if (msbuf_get_string_direct(b, &blob, &bloblen,
		    MS_VALUE_MAX) != 0 || msbuf_len(b) != 0)
			walk_damage(wk, name, "undecodable record");
		else {
			it.stored = blob;
			it.stored_len = bloblen;
			walk_emit(wk, &it);
		}
		goto out;
	}
	if (msbuf_get_string_direct(b, &blob, &bloblen,
	    SEALED_MAX) != 0 || msbuf_len(b) != 0 || bloblen < 1) {
		walk_damage(wk, name, "undecodable sealed value");
		goto out;
	}
	it.stored = blob;
	it.stored_len = bloblen;
	it.seal_format = blob[0];
	if (blob[0] == SEAL_FORMAT && bloblen >= 1 + MS_STORE_KCV_LEN) {
		memcpy(kcv, blob + 1, sizeof(kcv));
		it.kcv = kcv;
	}
	if (wk->unseal) {
		r = store_unseal_value_ex(&wk->s->kr, wk->path, name, blob,
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
	}
	walk_emit(wk, &it);
 out:
	msbuf_free(b);
	return wk->stop ? 1 : 0;
}

/* Records of node id (at wk->path). */
static int
walk_records(struct walk *wk, uint64_t id)
{
	struct walk_rec *wr;
	struct msbuf *k = NULL;
	struct store_val kv;
	int r;

	if ((r = store_make_key(id, NULL, 0, &k)) != 0)
		return store_buf_fail("key", r);
	if ((wr = calloc(1, sizeof(*wr))) == NULL) {
		msbuf_free(k);
		return store_buf_fail("walk", MS_ERR_ALLOC);
	}
	wr->wk = wk;
	wr->id = id;
	store_val_of(k, &kv);
	if (store_kv_walk(wk->s, wk->tx, STORE_T_RECORDS, &kv, NULL,
	    walk_record_cb, wr) != MS_STORE_OK)
		r = wr->r != 0 ? wr->r : MS_STORE_ERROR;
	explicit_bzero(wr, sizeof(*wr));
	free(wr);
	msbuf_free(k);
	return r;
}

static int walk_node(struct walk *, uint64_t, size_t);

/* The children of a node: one dirent each. */
struct walk_dir {
	struct walk	*wk;
	uint64_t	 id;
	size_t		 depth;
	int		 r;
	char		 seg[MS_PATH_SEGMENT_MAX + 1];
};

static int
walk_dirent_cb(void *ctx, const u_char *key, size_t keylen,
    const struct store_val *dv)
{
	struct walk_dir *wd = ctx;
	struct walk *wk = wd->wk;
	struct store_val kv = { key, keylen };
	uint64_t got, child;
	size_t len, saved;
	int r;

	if (wk->stop)
		return 1;
	if (store_decode_key(&kv, &got, wd->seg, &len) != 0 || got != wd->id)
		return 1;
	saved = wk->pathlen;
	if (ms_record_name_valid(wd->seg, len) != 0 ||
	    store_decode_u64(dv, &child) != 0 || child <= ROOT_ID) {
		walk_damage(wk, NULL, "undecodable directory entry");
		return 0;
	}
	/* path + "/" + seg; MS_PATH_MAX bounds any valid path. */
	if (saved + (saved > 1) + len > MS_PATH_MAX) {
		walk_damage(wk, NULL, "path too long below");
		return 0;
	}
	if (saved > 1)
		wk->path[wk->pathlen++] = '/';
	memcpy(wk->path + wk->pathlen, wd->seg, len);
	wk->pathlen += len;
	wk->path[wk->pathlen] = '\0';
	r = walk_node(wk, child, wd->depth + 1);
	wk->pathlen = saved;
	wk->path[saved] = '\0';
	if (r != 0) {
		wd->r = r;
		return -1;
	}
	return wk->stop ? 1 : 0;
}

/* Node id at wk->path: itself, its records, then its children. */
static int
walk_node(struct walk *wk, uint64_t id, size_t depth)
{
	struct ms_store_walk_item it;
	struct ms_acl *acl = NULL;
	struct walk_dir *wd = NULL;
	struct msbuf *k = NULL;
	struct store_val kv, nv;
	int r = 0, st;

	if (depth > DEPTH_MAX)
		return walk_damage(wk, NULL, "nodes nested too deep"), 0;
	if ((acl = calloc(1, sizeof(*acl))) == NULL)
		return store_buf_fail("walk", MS_ERR_ALLOC);
	wk->nodes_seen++;
	if ((r = store_make_key(id, NULL, 0, &k)) != 0) {
		r = store_buf_fail("key", r);
		goto out;
	}
	store_val_of(k, &kv);
	if ((st = store_kv_get(wk->s, wk->tx, STORE_T_NODES, &kv, &nv)) ==
	    MS_STORE_NOT_FOUND_RECORD) {
		walk_damage(wk, NULL, "directory entry to a missing node");
		goto out;
	} else if (st != MS_STORE_OK) {
		r = st;
		goto out;
	}
	if (store_node_decode(&nv, acl) != 0) {
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
	if ((wd = calloc(1, sizeof(*wd))) == NULL) {
		r = store_buf_fail("walk", MS_ERR_ALLOC);
		goto out;
	}
	wd->wk = wk;
	wd->id = id;
	wd->depth = depth;
	if (store_kv_walk(wk->s, wk->tx, STORE_T_DIRENTS, &kv, NULL,
	    walk_dirent_cb, wd) != MS_STORE_OK)
		r = wd->r != 0 ? wd->r : MS_STORE_ERROR;
 out:
	if (wd != NULL) {
		explicit_bzero(wd, sizeof(*wd));
		free(wd);
	}
	msbuf_free(k);
	free(acl);
	return r;
}

int
store_walk_txn(struct ms_store *s, struct store_tx *tx, int unseal,
    ms_store_walk_fn *cb, void *ctx, int check_counts)
{
	struct walk *wk;
	uint64_t nodes, records;
	int r;

	if ((wk = calloc(1, sizeof(*wk))) == NULL)
		return store_buf_fail("walk", MS_ERR_ALLOC);
	wk->s = s;
	wk->tx = tx;
	wk->unseal = unseal;
	wk->cb = cb;
	wk->ctx = ctx;
	strlcpy(wk->path, "/", sizeof(wk->path));
	wk->pathlen = 1;
	r = walk_node(wk, ROOT_ID, 0);
	if (r == 0 && !wk->stop && check_counts) {
		if ((r = s->be->count(tx, STORE_T_NODES, &nodes)) != 0 ||
		    (r = s->be->count(tx, STORE_T_RECORDS, &records)) != 0)
			;	/* logged */
		else {
			strlcpy(wk->path, "/", sizeof(wk->path));
			if (nodes != wk->nodes_seen)
				walk_damage(wk, NULL, "nodes not reachable "
				    "from the root");
			if (records != wk->records_seen)
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
	struct store_tx *tx;
	int st;

	if (s == NULL || cb == NULL)
		return MS_STORE_INVALID;
	if ((st = store_txn_begin(s, 0, &tx)) != MS_STORE_OK)
		return st;
	return store_txn_finish(s, tx,
	    store_walk_txn(s, tx, unseal, cb, ctx, 1));
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
	    memcmp(it->kcv, rs->s->kr.kcvs[0], MS_STORE_KCV_LEN) == 0)
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

/*
 * Re-seal one record under keys[0], in tx, from what tx reads now: a
 * record deleted or already re-sealed since the batch was collected is
 * left alone (*donep 0).
 */
static int
reseal_one(struct ms_store *s, struct store_tx *tx, const char *path,
    const char *name, int *donep)
{
	struct resolved res;
	struct ms_record rec;
	struct msbuf *k = NULL, *v = NULL, *b = NULL;
	struct store_val kv, dv;
	const u_char *blob;
	size_t bloblen;
	uint8_t flags;
	uint64_t version, mtime;
	int r, st = MS_STORE_OK;

	*donep = 0;
	memset(&rec, 0, sizeof(rec));
	if ((r = store_resolve(s, tx, path, &res)) != 0) {
		st = store_buf_fail("resolve", r);
		goto out;
	}
	if (!store_resolved_exists(&res))
		goto out;
	if ((r = store_make_key(res.id[res.depth - 1], name, strlen(name),
	    &k)) != 0) {
		st = store_buf_fail("key", r);
		goto out;
	}
	store_val_of(k, &kv);
	if ((st = store_kv_get(s, tx, STORE_T_RECORDS, &kv, &dv)) !=
	    MS_STORE_OK) {
		if (st == MS_STORE_NOT_FOUND_RECORD)
			st = MS_STORE_OK;
		goto out;
	}
	/* Sealed under keys[0] already: another re-seal got here first. */
	if ((b = msbuf_from(dv.data, dv.len)) == NULL) {
		st = store_buf_fail("reseal", MS_ERR_ALLOC);
		goto out;
	}
	if (record_decode_hdr(b, &flags, &version, &mtime) == 0 &&
	    (flags & MS_REC_SECURE) != 0 &&
	    msbuf_get_string_direct(b, &blob, &bloblen, SEALED_MAX) == 0 &&
	    bloblen >= 1 + MS_STORE_KCV_LEN && blob[0] == SEAL_FORMAT &&
	    memcmp(blob + 1, s->kr.kcvs[0], MS_STORE_KCV_LEN) == 0)
		goto out;
	if ((r = record_decode(s, path, name, &dv, &rec)) != 0) {
		store_error("store: cannot re-seal record \"%s\" of %s: %s", name,
		    path, r == MS_ERR_MAC_INVALID ?
		    "wrong store key or damaged value" : ms_err(r));
		st = MS_STORE_ERROR;
		goto out;
	}
	if ((r = record_encode(s, path, name, rec.flags, rec.version,
	    rec.mtime, rec.value, rec.value_len, &v)) != 0) {
		st = store_buf_fail("encode record", r);
		goto out;
	}
	store_val_of(v, &dv);
	if ((st = store_kv_put(s, tx, STORE_T_RECORDS, &kv, &dv, 0)) ==
	    MS_STORE_OK)
		*donep = 1;
 out:
	ms_record_clear(&rec);
	msbuf_free(k);
	msbuf_free(v);
	msbuf_free(b);
	return st;
}

/* Collect one batch in a read transaction: no write records a walk. */
static int
reseal_collect(struct ms_store *s, struct reseal *rs)
{
	struct store_tx *tx;
	int st;

	if ((st = store_txn_begin(s, 0, &tx)) != MS_STORE_OK)
		return st;
	st = store_walk_txn(s, tx, 0, reseal_cb, rs, 0);
	if (st != MS_STORE_OK && rs->full)
		st = MS_STORE_OK;	/* stopped on purpose */
	return store_txn_finish(s, tx, st);
}

static int
reseal_batch(struct ms_store *s, const struct reseal *rs, size_t *donep)
{
	struct store_tx *tx;
	size_t i;
	int st, one;

	*donep = 0;
	if ((st = store_txn_begin(s, 1, &tx)) != MS_STORE_OK)
		return st;
	for (i = 0; st == MS_STORE_OK && i < rs->n; i++) {
		if ((st = reseal_one(s, tx, rs->paths[i], rs->names[i],
		    &one)) == MS_STORE_OK)
			*donep += one;
	}
	return store_txn_finish(s, tx, st);
}

int
ms_store_reseal(struct ms_store *s, size_t batch, size_t *donep, int *morep)
{
	struct reseal rs;
	unsigned int attempt = 0;
	size_t i, done = 0;
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
		return store_buf_fail("reseal", MS_ERR_ALLOC);
	}
	if ((st = reseal_collect(s, &rs)) != MS_STORE_OK)
		goto out;
	do
		st = reseal_batch(s, &rs, &done);
	while (store_retry(st, attempt++));
	if ((st = store_final(st)) == MS_STORE_OK) {
		*donep = done;
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
