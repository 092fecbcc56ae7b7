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
store_record_peek_hdr_mtime(const MDB_val *v, uint8_t *flagsp, uint64_t *versionp,
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

/* The LMDB key of record name in the existing node at path. */
static int
record_key(struct ms_store *s, MDB_txn *txn, const char *path,
    const char *name, struct msbuf **kp, MDB_val *kv)
{
	uint64_t id;
	int r, st;

	if ((st = store_node_id(s, txn, path, &id)) != MS_STORE_OK)
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
	MDB_txn *txn;
	MDB_val kv, dv;
	int r, rc, st;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (s == NULL || out == NULL || !store_path_ok(path) || !store_name_ok(name))
		return MS_STORE_INVALID;
	if ((st = store_txn_begin(s, MDB_RDONLY, &txn)) != MS_STORE_OK)
		return st;
	if ((st = record_key(s, txn, path, name, &k, &kv)) != MS_STORE_OK)
		goto out;
	if ((rc = mdb_get(txn, s->records, &kv, &dv)) == MDB_NOTFOUND) {
		st = MS_STORE_NOT_FOUND_RECORD;
		goto out;
	} else if (rc != 0) {
		st = store_lmdb_fail("get record", rc);
		goto out;
	}
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
	store_txn_end_read(s, txn);
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
	if (s == NULL || !store_path_ok(path) || !store_name_ok(name) ||
	    (flags & ~MS_REC_FLAGS_MASK) != 0 || len > MS_VALUE_MAX ||
	    (value == NULL && len != 0))
		return MS_STORE_INVALID;
	if ((st = store_txn_begin(s, 0, &txn)) != MS_STORE_OK)
		return st;
	if ((r = store_resolve(s, txn, path, &res)) != 0 ||
	    (r = store_create_missing(s, txn, path, &res)) != 0 ||
	    (r = store_make_key(res.id[res.depth - 1], name, strlen(name), &k)) != 0) {
		st = store_buf_fail("create node", r);
		goto out;
	}
	store_val_of(k, &kv);
	if ((rc = mdb_get(txn, s->records, &kv, &dv)) == 0) {
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
	} else if (rc != MDB_NOTFOUND) {
		st = store_lmdb_fail("get record", rc);
		goto out;
	}
	if ((r = record_encode(s, path, name, flags, version,
	    (uint64_t)time(NULL), value, len, &v)) != 0) {
		st = store_buf_fail("encode record", r);
		goto out;
	}
	store_val_of(v, &dv);
	if ((rc = mdb_put(txn, s->records, &kv, &dv, 0)) != 0) {
		NOTE_FULL(s, rc);
		st = store_lmdb_fail("put record", rc);
	}
 out:
	msbuf_free(k);
	msbuf_free(v);
	if ((st = store_txn_finish(s, txn, st)) == MS_STORE_OK && versionp != NULL)
		*versionp = version;
	return st;
}

int
ms_store_delete_record(struct ms_store *s, const char *path, const char *name)
{
	struct msbuf *k = NULL;
	MDB_txn *txn;
	MDB_val kv;
	int rc, st;

	if (s == NULL || !store_path_ok(path) || !store_name_ok(name))
		return MS_STORE_INVALID;
	if ((st = store_txn_begin(s, 0, &txn)) != MS_STORE_OK)
		return st;
	if ((st = record_key(s, txn, path, name, &k, &kv)) != MS_STORE_OK)
		goto out;
	if ((rc = mdb_del(txn, s->records, &kv, NULL)) == MDB_NOTFOUND)
		st = MS_STORE_NOT_FOUND_RECORD;
	else if (rc != 0) {
		NOTE_FULL(s, rc);
		st = store_lmdb_fail("delete record", rc);
	}
 out:
	msbuf_free(k);
	return store_txn_finish(s, txn, st);
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

	if ((r = store_make_key(id, NULL, 0, &k)) != 0)
		return store_buf_fail("key", r);
	store_val_of(k, &kv);
	if ((rc = mdb_cursor_open(wk->txn, wk->s->records, &c)) != 0) {
		msbuf_free(k);
		return store_lmdb_fail("cursor", rc);
	}
	for (r = 0; !wk->stop; op = MDB_NEXT) {
		if ((rc = mdb_cursor_get(c, &kv, &dv, op)) == MDB_NOTFOUND)
			break;
		if (rc != 0) {
			r = store_lmdb_fail("cursor", rc);
			break;
		}
		if (store_decode_key(&kv, &got, name, &len) != 0 || got != id)
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
			r = store_buf_fail("walk", MS_ERR_ALLOC);
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
		return store_buf_fail("walk", MS_ERR_ALLOC);
	wk->nodes_seen++;
	if ((r = store_make_key(id, NULL, 0, &k)) != 0) {
		r = store_buf_fail("key", r);
		goto out;
	}
	store_val_of(k, &kv);
	if ((rc = mdb_get(wk->txn, wk->s->nodes, &kv, &nv)) == MDB_NOTFOUND) {
		walk_damage(wk, NULL, "directory entry to a missing node");
		goto out;
	} else if (rc != 0) {
		r = store_lmdb_fail("get node", rc);
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
	if ((rc = mdb_cursor_open(wk->txn, wk->s->dirents, &c)) != 0) {
		r = store_lmdb_fail("cursor", rc);
		goto out;
	}
	store_val_of(k, &kv);
	for (; !wk->stop; op = MDB_NEXT) {
		if ((rc = mdb_cursor_get(c, &kv, &dv, op)) == MDB_NOTFOUND)
			break;
		if (rc != 0) {
			r = store_lmdb_fail("cursor", rc);
			break;
		}
		if (store_decode_key(&kv, &got, seg, &len) != 0 || got != id)
			break;
		saved = wk->pathlen;
		if (ms_record_name_valid(seg, len) != 0 ||
		    store_decode_u64(&dv, &child) != 0 || child <= ROOT_ID) {
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

int
store_walk_txn(struct ms_store *s, MDB_txn *txn, int unseal, ms_store_walk_fn *cb,
    void *ctx, int check_counts)
{
	struct walk *wk;
	MDB_stat nst, rst;
	int r, rc;

	if ((wk = calloc(1, sizeof(*wk))) == NULL)
		return store_buf_fail("walk", MS_ERR_ALLOC);
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
			r = store_lmdb_fail("stat", rc);
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
	if ((st = store_txn_begin(s, MDB_RDONLY, &txn)) != MS_STORE_OK)
		return st;
	st = store_walk_txn(s, txn, unseal, cb, ctx, 1);
	store_txn_end_read(s, txn);
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
	if ((r = store_resolve(s, txn, path, &res)) != 0 ||
	    !store_resolved_exists(&res) ||
	    (r = store_make_key(res.id[res.depth - 1], name, strlen(name), &k)) != 0) {
		st = MS_STORE_ERROR;
		goto out;
	}
	store_val_of(k, &kv);
	if ((rc = mdb_get(txn, s->records, &kv, &dv)) != 0) {
		st = store_lmdb_fail("get record", rc);
		goto out;
	}
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
	if ((rc = mdb_put(txn, s->records, &kv, &dv, 0)) != 0) {
		NOTE_FULL(s, rc);
		st = store_lmdb_fail("put record", rc);
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
		return store_buf_fail("reseal", MS_ERR_ALLOC);
	}
	if ((st = store_txn_begin(s, 0, &txn)) != MS_STORE_OK)
		goto out;
	st = store_walk_txn(s, txn, 0, reseal_cb, &rs, 0);
	if (st != MS_STORE_OK && rs.full)
		st = MS_STORE_OK;	/* stopped on purpose */
	for (i = 0; st == MS_STORE_OK && i < rs.n; i++)
		st = reseal_one(s, txn, rs.paths[i], rs.names[i]);
	if ((st = store_txn_finish(s, txn, st)) == MS_STORE_OK) {
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
