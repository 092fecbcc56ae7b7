/*
 * store_node.c — node ids and paths: keys, node encoding, resolving a
 * path through the dirents, creating missing ancestors, deleting and
 * listing nodes.  Layout: store_int.h.
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

/* Validity of NUL-terminated paths and names from callers. */
int
store_path_ok(const char *path)
{
	return path != NULL &&
	    ms_path_valid(path, strnlen(path, MS_PATH_MAX + 1)) == 0;
}

int
store_name_ok(const char *name)
{
	return name != NULL && ms_record_name_valid(name,
	    strnlen(name, MS_RECORD_NAME_MAX + 1)) == 0;
}

/* Key id || name (name may be NULL/0 for the bare id prefix). */
int
store_make_key(uint64_t id, const char *name, size_t len, struct msbuf **kp)
{
	struct msbuf *k;
	int r;

	*kp = NULL;
	if ((k = msbuf_new(KEY_MAX)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = msbuf_put_u64(k, id)) != 0 ||
	    (len > 0 && (r = msbuf_put(k, name, len)) != 0)) {
		msbuf_free(k);
		return r;
	}
	*kp = k;
	return 0;
}

/*
 * Split a key id || name.  Returns 0 with the name copied NUL-terminated
 * into name[MS_PATH_SEGMENT_MAX + 1], or an error for a short/long key.
 */
int
store_decode_key(const MDB_val *k, uint64_t *idp, char *name, size_t *lenp)
{
	struct msbuf *b;
	size_t len;
	int r;

	if (k->mv_size < ID_LEN || k->mv_size > KEY_MAX)
		return MS_ERR_INVALID_FORMAT;
	if ((b = msbuf_from(k->mv_data, k->mv_size)) == NULL)
		return MS_ERR_ALLOC;
	len = k->mv_size - ID_LEN;
	if ((r = msbuf_get_u64(b, idp)) == 0 && name != NULL) {
		if ((r = msbuf_get(b, name, len)) == 0) {
			name[len] = '\0';
			*lenp = len;
		}
	}
	msbuf_free(b);
	return r;
}

/* Node value <-> struct ms_acl. */
int
store_node_decode(const MDB_val *v, struct ms_acl *acl)
{
	struct msbuf *b;
	char *who = NULL, *rights = NULL;
	uint8_t fmt, flags, bits;
	uint32_t i, n;
	int r;

	memset(acl, 0, sizeof(*acl));
	if ((b = msbuf_from(v->mv_data, v->mv_size)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = msbuf_get_u8(b, &fmt)) != 0 ||
	    (r = msbuf_get_u8(b, &flags)) != 0 ||
	    (r = msbuf_get_u32(b, &n)) != 0)
		goto out;
	if (fmt != NODE_FORMAT || (flags & ~MS_NODE_FLAGS_MASK) != 0 ||
	    n > MS_ACL_ENTRIES_MAX) {
		r = MS_ERR_INVALID_FORMAT;
		goto out;
	}
	acl->flags = flags;
	for (i = 0; i < n; i++) {
		if ((r = msbuf_get_cstring(b, &who, NULL, MS_ACL_WHO_MAX)) != 0 ||
		    (r = msbuf_get_cstring(b, &rights, NULL, MS_RIGHTS_MAX)) != 0)
			goto out;
		if (ms_acl_who_valid(who) != 0 ||
		    ms_rights_parse(rights, &bits) != 0 || bits == 0) {
			r = MS_ERR_INVALID_FORMAT;
			goto out;
		}
		strlcpy(acl->entries[i].who, who, sizeof(acl->entries[i].who));
		acl->entries[i].rights = bits;
		free(who);
		free(rights);
		who = rights = NULL;
	}
	acl->nentries = n;
	if (msbuf_len(b) != 0)
		r = MS_ERR_INVALID_FORMAT;
 out:
	free(who);
	free(rights);
	msbuf_free(b);
	if (r != 0)
		memset(acl, 0, sizeof(*acl));
	return r;
}

static int
node_encode(const struct ms_acl *acl, struct msbuf **bp)
{
	struct msbuf *b;
	char rights[MS_RIGHTS_MAX + 1];
	size_t i;
	int r;

	*bp = NULL;
	if (acl->nentries > MS_ACL_ENTRIES_MAX)
		return MS_ERR_INVALID_ARGUMENT;
	if ((b = msbuf_new(NODE_ENC_MAX)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = msbuf_put_u8(b, NODE_FORMAT)) != 0 ||
	    (r = msbuf_put_u8(b, acl->flags)) != 0 ||
	    (r = msbuf_put_u32(b, (uint32_t)acl->nentries)) != 0)
		goto out;
	for (i = 0; i < acl->nentries; i++) {
		ms_rights_format(acl->entries[i].rights, rights);
		if ((r = msbuf_put_cstring(b, acl->entries[i].who)) != 0 ||
		    (r = msbuf_put_cstring(b, rights)) != 0)
			goto out;
	}
	*bp = b;
	b = NULL;
 out:
	msbuf_free(b);
	return r;
}

/* Look up child segment seg of parent; MS_ERR_NOT_FOUND when absent. */
static int
dirent_get(struct ms_store *s, MDB_txn *txn, uint64_t parent, const char *seg,
    size_t len, uint64_t *idp)
{
	struct msbuf *k;
	MDB_val kv, dv;
	int r, rc;

	if ((r = store_make_key(parent, seg, len, &k)) != 0)
		return r;
	store_val_of(k, &kv);
	rc = mdb_get(txn, s->dirents, &kv, &dv);
	msbuf_free(k);
	if (rc == MDB_NOTFOUND)
		return MS_ERR_NOT_FOUND;
	if (rc != 0) {
		store_error("store: dirent lookup: %s", mdb_strerror(rc));
		return MS_ERR_INTERNAL;
	}
	return store_decode_u64(&dv, idp);
}

/* Find the longest existing prefix of a valid path. */
int
store_resolve(struct ms_store *s, MDB_txn *txn, const char *path,
    struct resolved *res)
{
	size_t start, i, len = strlen(path);
	uint64_t id;
	int r;

	memset(res, 0, sizeof(*res));
	res->id[0] = ROOT_ID;
	res->end[0] = 1;
	res->depth = 1;
	if (len == 1)
		return 0;
	for (start = 1, i = 1; i <= len; i++) {
		if (i < len && path[i] != '/')
			continue;
		if (res->nsegs >= DEPTH_MAX)
			return MS_ERR_INTERNAL;	/* store_path_ok() rules this out */
		res->nsegs++;
		res->end[res->nsegs] = i;
		if (res->depth == res->nsegs) {
			r = dirent_get(s, txn, res->id[res->depth - 1],
			    path + start, i - start, &id);
			if (r == 0)
				res->id[res->depth++] = id;
			else if (r != MS_ERR_NOT_FOUND)
				return r;
		}
		start = i + 1;
	}
	return 0;
}

int
store_resolved_exists(const struct resolved *res)
{
	return res->depth == res->nsegs + 1;
}

int
store_node_id(struct ms_store *s, MDB_txn *txn, const char *path,
    uint64_t *idp)
{
	struct resolved res;
	int r;

	if ((r = store_resolve(s, txn, path, &res)) != 0)
		return store_buf_fail("resolve", r);
	if (!store_resolved_exists(&res))
		return MS_STORE_NOT_FOUND_PATH;
	*idp = res.id[res.depth - 1];
	return MS_STORE_OK;
}

/* Offset in the path of segment i (1-based; segment i ends at end[i]). */
static size_t
seg_start(const struct resolved *res, size_t i)
{
	return i == 1 ? 1 : res->end[i - 1] + 1;
}

int
store_node_get(struct ms_store *s, MDB_txn *txn, uint64_t id, struct ms_acl *acl)
{
	struct msbuf *k;
	MDB_val kv, dv;
	int r, rc;

	if ((r = store_make_key(id, NULL, 0, &k)) != 0)
		return r;
	store_val_of(k, &kv);
	rc = mdb_get(txn, s->nodes, &kv, &dv);
	msbuf_free(k);
	if (rc != 0) {
		/* A dirent without its node is damage, not absence. */
		store_error("store: node %llu: %s", (unsigned long long)id,
		    mdb_strerror(rc));
		return MS_ERR_INTERNAL;
	}
	if ((r = store_node_decode(&dv, acl)) != 0)
		store_error("store: node %llu: %s", (unsigned long long)id, ms_err(r));
	return r;
}

int
store_node_put(struct ms_store *s, MDB_txn *txn, uint64_t id,
    const struct ms_acl *acl, unsigned int flags)
{
	struct msbuf *k = NULL, *v = NULL;
	MDB_val kv, dv;
	int r, rc;

	if ((r = store_make_key(id, NULL, 0, &k)) != 0 ||
	    (r = node_encode(acl, &v)) != 0)
		goto out;
	store_val_of(k, &kv);
	store_val_of(v, &dv);
	if ((rc = mdb_put(txn, s->nodes, &kv, &dv, flags)) != 0) {
		NOTE_FULL(s, rc);
		store_error("store: node put: %s", mdb_strerror(rc));
		r = MS_ERR_INTERNAL;
	}
 out:
	msbuf_free(k);
	msbuf_free(v);
	return r;
}

static int
alloc_id(struct ms_store *s, MDB_txn *txn, uint64_t *idp)
{
	MDB_val kv, dv;
	uint64_t id;
	int r, rc;

	kv.mv_size = strlen("next_id");
	kv.mv_data = (void *)"next_id";
	if ((rc = mdb_get(txn, s->meta, &kv, &dv)) != 0) {
		store_error("store: next_id: %s", mdb_strerror(rc));
		return MS_ERR_INTERNAL;
	}
	if ((r = store_decode_u64(&dv, &id)) != 0)
		return r;
	if (id <= ROOT_ID || id == UINT64_MAX)
		return MS_ERR_INVALID_FORMAT;
	if ((r = store_meta_put_u64(s, txn, "next_id", id + 1)) != 0)
		return r;
	*idp = id;
	return 0;
}

/* Create the missing nodes of a resolved path ("mkdir -p"). */
int
store_create_missing(struct ms_store *s, MDB_txn *txn, const char *path,
    struct resolved *res)
{
	struct ms_acl *empty;
	struct msbuf *k = NULL, *v = NULL;
	MDB_val kv, dv;
	size_t start;
	uint64_t id;
	int r = 0, rc;

	if (store_resolved_exists(res))
		return 0;
	if ((empty = calloc(1, sizeof(*empty))) == NULL)
		return MS_ERR_ALLOC;
	while (res->depth <= res->nsegs) {
		start = seg_start(res, res->depth);
		if ((r = alloc_id(s, txn, &id)) != 0 ||
		    (r = store_node_put(s, txn, id, empty, MDB_NOOVERWRITE)) != 0 ||
		    (r = store_make_key(res->id[res->depth - 1], path + start,
		    res->end[res->depth] - start, &k)) != 0 ||
		    (r = store_make_key(id, NULL, 0, &v)) != 0)
			goto out;
		store_val_of(k, &kv);
		store_val_of(v, &dv);
		if ((rc = mdb_put(txn, s->dirents, &kv, &dv,
		    MDB_NOOVERWRITE)) != 0) {
			NOTE_FULL(s, rc);
			store_error("store: dirent put: %s", mdb_strerror(rc));
			r = MS_ERR_INTERNAL;
			goto out;
		}
		msbuf_free(k);
		msbuf_free(v);
		k = v = NULL;
		res->id[res->depth++] = id;
	}
 out:
	msbuf_free(k);
	msbuf_free(v);
	free(empty);
	return r;
}

/* Is there any key in dbi that starts with the 8-byte id? */
static int
has_keys_with_id(MDB_txn *txn, MDB_dbi dbi, uint64_t id, int *yesp)
{
	MDB_cursor *c = NULL;
	struct msbuf *k;
	MDB_val kv, dv;
	uint64_t got;
	int r, rc;

	*yesp = 0;
	if ((r = store_make_key(id, NULL, 0, &k)) != 0)
		return r;
	store_val_of(k, &kv);
	if ((rc = mdb_cursor_open(txn, dbi, &c)) != 0) {
		r = MS_ERR_INTERNAL;
		goto out;
	}
	rc = mdb_cursor_get(c, &kv, &dv, MDB_SET_RANGE);
	if (rc == MDB_NOTFOUND)
		goto out;
	if (rc != 0) {
		r = MS_ERR_INTERNAL;
		goto out;
	}
	if ((r = store_decode_key(&kv, &got, NULL, NULL)) != 0)
		goto out;
	*yesp = got == id;
 out:
	if (rc != 0 && rc != MDB_NOTFOUND)
		store_error("store: cursor: %s", mdb_strerror(rc));
	if (c != NULL)
		mdb_cursor_close(c);
	msbuf_free(k);
	return r;
}

int
ms_store_node_exists(struct ms_store *s, const char *path)
{
	MDB_txn *txn;
	uint64_t id;
	int st;

	if (s == NULL || !store_path_ok(path))
		return MS_STORE_INVALID;
	if ((st = store_txn_begin(s, MDB_RDONLY, &txn)) != MS_STORE_OK)
		return st;
	st = store_node_id(s, txn, path, &id);
	store_txn_end_read(s, txn);
	return st;
}

int
ms_store_delete_node(struct ms_store *s, const char *path)
{
	struct resolved res;
	struct msbuf *k = NULL;
	MDB_txn *txn;
	MDB_val kv;
	uint64_t id;
	size_t start;
	int r, rc, st, busy;

	if (s == NULL || !store_path_ok(path) || ms_path_is_root(path))
		return MS_STORE_INVALID;
	if ((st = store_txn_begin(s, 0, &txn)) != MS_STORE_OK)
		return st;
	if ((r = store_resolve(s, txn, path, &res)) != 0) {
		st = store_buf_fail("resolve", r);
		goto out;
	}
	if (!store_resolved_exists(&res)) {
		st = MS_STORE_NOT_FOUND_PATH;
		goto out;
	}
	id = res.id[res.depth - 1];
	if ((r = has_keys_with_id(txn, s->dirents, id, &busy)) == 0 && !busy)
		r = has_keys_with_id(txn, s->records, id, &busy);
	if (r != 0) {
		st = store_buf_fail("check node", r);
		goto out;
	}
	if (busy) {
		st = MS_STORE_BUSY;
		goto out;
	}
	start = seg_start(&res, res.nsegs);
	if ((r = store_make_key(res.id[res.depth - 2], path + start,
	    res.end[res.nsegs] - start, &k)) != 0) {
		st = store_buf_fail("key", r);
		goto out;
	}
	store_val_of(k, &kv);
	if ((rc = mdb_del(txn, s->dirents, &kv, NULL)) != 0) {
		NOTE_FULL(s, rc);
		st = store_lmdb_fail("delete dirent", rc);
		goto out;
	}
	msbuf_free(k);
	if ((r = store_make_key(id, NULL, 0, &k)) != 0) {
		k = NULL;
		st = store_buf_fail("key", r);
		goto out;
	}
	store_val_of(k, &kv);
	if ((rc = mdb_del(txn, s->nodes, &kv, NULL)) != 0) {
		NOTE_FULL(s, rc);
		st = store_lmdb_fail("delete node", rc);
	}
 out:
	msbuf_free(k);
	return store_txn_finish(s, txn, st);
}

/*
 * Call cb for each key of dbi under id (at most MS_LIST_MAX), starting
 * after the name 'after' when it is not NULL.  cb > 0 stops the listing
 * (*stoppedp = 1), cb < 0 fails it.
 */
static int
list_range(struct ms_store *s, MDB_txn *txn, MDB_dbi dbi, uint64_t id,
    int kind, const char *after, size_t afterlen, ms_store_list_ext_fn *cb,
    void *ctx, int *stoppedp)
{
	MDB_cursor *c = NULL;
	struct msbuf *k;
	struct ms_store_list_entry e;
	MDB_val kv, dv;
	char name[MS_PATH_SEGMENT_MAX + 1];
	uint64_t got, version = 0, mtime = 0;
	uint8_t flags = 0;
	size_t len, n = 0;
	int r, rc, cr, op = MDB_SET_RANGE;

	if ((r = store_make_key(id, after, after != NULL ? afterlen : 0,
	    &k)) != 0)
		return store_buf_fail("key", r);
	store_val_of(k, &kv);
	if ((rc = mdb_cursor_open(txn, dbi, &c)) != 0) {
		msbuf_free(k);
		return store_lmdb_fail("cursor", rc);
	}
	for (;; op = MDB_NEXT) {
		if ((rc = mdb_cursor_get(c, &kv, &dv, op)) == MDB_NOTFOUND)
			break;
		if (rc != 0) {
			r = store_lmdb_fail("cursor", rc);
			goto out;
		}
		if ((r = store_decode_key(&kv, &got, name, &len)) != 0 ||
		    got != id)
			break;
		if (ms_record_name_valid(name, len) != 0) {
			r = MS_ERR_INVALID_FORMAT;
			break;
		}
		/* SET_RANGE lands on 'after' itself when it exists. */
		if (after != NULL && len == afterlen &&
		    memcmp(name, after, len) == 0)
			continue;
		if (kind == MS_STORE_LIST_RECORD &&
		    (r = store_record_peek_hdr_mtime(&dv, &flags, &version,
		    &mtime)) != 0)
			break;
		if (n++ >= MS_LIST_MAX) {
			store_verbose("store: listing truncated at %u entries",
			    (unsigned int)MS_LIST_MAX);
			break;
		}
		e.kind = kind;
		e.name = name;
		e.len = len;
		e.flags = flags;
		e.version = version;
		e.mtime = mtime;
		if ((cr = cb(ctx, &e)) != 0) {
			if (cr < 0) {
				r = MS_STORE_ERROR;
				goto out;
			}
			*stoppedp = 1;
			break;
		}
	}
	if (r != 0)
		r = store_buf_fail("list", r);
 out:
	explicit_bzero(name, sizeof(name));
	mdb_cursor_close(c);
	msbuf_free(k);
	return r;
}

int
ms_store_list_from(struct ms_store *s, const char *path, int from_kind,
    const char *after, size_t afterlen, ms_store_list_ext_fn *cb, void *ctx)
{
	MDB_txn *txn;
	uint64_t id;
	int st, stopped = 0;

	if (s == NULL || cb == NULL || !store_path_ok(path) ||
	    (from_kind != 0 && from_kind != MS_STORE_LIST_CHILD &&
	    from_kind != MS_STORE_LIST_RECORD) ||
	    (from_kind != 0 && (after == NULL || afterlen == 0 ||
	    afterlen > MS_PATH_SEGMENT_MAX)))
		return MS_STORE_INVALID;
	if ((st = store_txn_begin(s, MDB_RDONLY, &txn)) != MS_STORE_OK)
		return st;
	if ((st = store_node_id(s, txn, path, &id)) != MS_STORE_OK)
		goto out;
	if (from_kind != MS_STORE_LIST_RECORD)
		st = list_range(s, txn, s->dirents, id, MS_STORE_LIST_CHILD,
		    from_kind == MS_STORE_LIST_CHILD ? after : NULL, afterlen,
		    cb, ctx, &stopped);
	if (st == MS_STORE_OK && !stopped)
		st = list_range(s, txn, s->records, id, MS_STORE_LIST_RECORD,
		    from_kind == MS_STORE_LIST_RECORD ? after : NULL, afterlen,
		    cb, ctx, &stopped);
 out:
	store_txn_end_read(s, txn);
	return st;
}

int
ms_store_list_ext(struct ms_store *s, const char *path,
    ms_store_list_ext_fn *cb, void *ctx)
{
	return ms_store_list_from(s, path, 0, NULL, 0, cb, ctx);
}
