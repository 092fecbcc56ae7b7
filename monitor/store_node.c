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
store_decode_key(const struct store_val *k, uint64_t *idp, char *name,
    size_t *lenp)
{
	struct msbuf *b;
	size_t len;
	int r;

	if (k->len < ID_LEN || k->len > KEY_MAX)
		return MS_ERR_INVALID_FORMAT;
	if ((b = msbuf_from(k->data, k->len)) == NULL)
		return MS_ERR_ALLOC;
	len = k->len - ID_LEN;
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
store_node_decode(const struct store_val *v, struct ms_acl *acl)
{
	struct msbuf *b;
	char *who = NULL, *rights = NULL;
	uint8_t fmt, flags, bits;
	uint32_t i, n;
	int r;

	memset(acl, 0, sizeof(*acl));
	if ((b = msbuf_from(v->data, v->len)) == NULL)
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
dirent_get(struct ms_store *s, struct store_tx *tx, uint64_t parent,
    const char *seg, size_t len, uint64_t *idp)
{
	struct msbuf *k;
	struct store_val kv, dv;
	int r, st;

	if ((r = store_make_key(parent, seg, len, &k)) != 0)
		return r;
	store_val_of(k, &kv);
	st = store_kv_get(s, tx, STORE_T_DIRENTS, &kv, &dv);
	msbuf_free(k);
	if (st == MS_STORE_NOT_FOUND_RECORD)
		return MS_ERR_NOT_FOUND;
	if (st != MS_STORE_OK)
		return MS_ERR_INTERNAL;	/* logged, remembered by tx */
	return store_decode_u64(&dv, idp);
}

/*
 * A write's path decides who may write it: its existing nodes' ACLs and
 * flags.  Inside a request they must not have changed since the request
 * was authorised (store_kv.h, guard).
 */
static int
guard_chain(struct ms_store *s, struct store_tx *tx, const struct resolved *res)
{
	struct msbuf *k;
	struct store_val kv;
	size_t i;
	int r, st;

	if (s->be->guard == NULL)
		return 0;
	for (i = 0; i < res->depth; i++) {
		if ((r = store_make_key(res->id[i], NULL, 0, &k)) != 0)
			return r;
		store_val_of(k, &kv);
		st = store_kv_guard(s, tx, STORE_T_NODES, &kv);
		msbuf_free(k);
		if (st != MS_STORE_OK)
			return MS_ERR_INTERNAL;	/* the tx remembers st */
	}
	return 0;
}

/* Find the longest existing prefix of a valid path. */
int
store_resolve(struct ms_store *s, struct store_tx *tx, const char *path,
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
		return guard_chain(s, tx, res);
	for (start = 1, i = 1; i <= len; i++) {
		if (i < len && path[i] != '/')
			continue;
		if (res->nsegs >= DEPTH_MAX)
			return MS_ERR_INTERNAL;	/* store_path_ok() rules this out */
		res->nsegs++;
		res->end[res->nsegs] = i;
		if (res->depth == res->nsegs) {
			r = dirent_get(s, tx, res->id[res->depth - 1],
			    path + start, i - start, &id);
			if (r == 0)
				res->id[res->depth++] = id;
			else if (r != MS_ERR_NOT_FOUND)
				return r;
		}
		start = i + 1;
	}
	return guard_chain(s, tx, res);
}

int
store_resolved_exists(const struct resolved *res)
{
	return res->depth == res->nsegs + 1;
}

int
store_node_id(struct ms_store *s, struct store_tx *tx, const char *path,
    uint64_t *idp)
{
	struct resolved res;
	int r;

	if ((r = store_resolve(s, tx, path, &res)) != 0)
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
store_node_get(struct ms_store *s, struct store_tx *tx, uint64_t id,
    struct ms_acl *acl)
{
	struct msbuf *k;
	struct store_val kv, dv;
	int r, st;

	if ((r = store_make_key(id, NULL, 0, &k)) != 0)
		return r;
	store_val_of(k, &kv);
	st = store_kv_get(s, tx, STORE_T_NODES, &kv, &dv);
	msbuf_free(k);
	if (st != MS_STORE_OK) {
		/* A dirent without its node is damage, not absence. */
		store_error("store: node %llu: %s", (unsigned long long)id,
		    st == MS_STORE_NOT_FOUND_RECORD ? "missing" :
		    ms_store_strerror(st));
		return MS_ERR_INTERNAL;
	}
	if ((r = store_node_decode(&dv, acl)) != 0)
		store_error("store: node %llu: %s", (unsigned long long)id, ms_err(r));
	return r;
}

int
store_node_put(struct ms_store *s, struct store_tx *tx, uint64_t id,
    const struct ms_acl *acl, int nooverwrite)
{
	struct msbuf *k = NULL, *v = NULL;
	struct store_val kv, dv;
	int r;

	if ((r = store_make_key(id, NULL, 0, &k)) != 0 ||
	    (r = node_encode(acl, &v)) != 0)
		goto out;
	store_val_of(k, &kv);
	store_val_of(v, &dv);
	if (store_kv_put(s, tx, STORE_T_NODES, &kv, &dv, nooverwrite) !=
	    MS_STORE_OK)
		r = MS_ERR_INTERNAL;	/* logged */
 out:
	msbuf_free(k);
	msbuf_free(v);
	return r;
}

static int
alloc_id(struct ms_store *s, struct store_tx *tx, uint64_t *idp)
{
	struct store_val kv, dv;
	uint64_t id;
	int r, st;

	kv.len = strlen("next_id");
	kv.data = (const u_char *)"next_id";
	if ((st = store_kv_get(s, tx, STORE_T_META, &kv, &dv)) !=
	    MS_STORE_OK) {
		store_error("store: next_id: %s",
		    st == MS_STORE_NOT_FOUND_RECORD ? "missing" :
		    ms_store_strerror(st));
		return MS_ERR_INTERNAL;
	}
	if ((r = store_decode_u64(&dv, &id)) != 0)
		return r;
	if (id <= ROOT_ID || id == UINT64_MAX)
		return MS_ERR_INVALID_FORMAT;
	if ((r = store_meta_put_u64(s, tx, "next_id", id + 1)) != 0)
		return r;
	*idp = id;
	return 0;
}

/* Create the missing nodes of a resolved path ("mkdir -p"). */
int
store_create_missing(struct ms_store *s, struct store_tx *tx,
    const char *path, struct resolved *res)
{
	struct ms_acl *empty;
	struct msbuf *k = NULL, *v = NULL;
	struct store_val kv, dv;
	size_t start;
	uint64_t id;
	int r = 0;

	if (store_resolved_exists(res))
		return 0;
	if ((empty = calloc(1, sizeof(*empty))) == NULL)
		return MS_ERR_ALLOC;
	while (res->depth <= res->nsegs) {
		start = seg_start(res, res->depth);
		if ((r = alloc_id(s, tx, &id)) != 0 ||
		    (r = store_node_put(s, tx, id, empty, 1)) != 0 ||
		    (r = store_make_key(res->id[res->depth - 1], path + start,
		    res->end[res->depth] - start, &k)) != 0 ||
		    (r = store_make_key(id, NULL, 0, &v)) != 0)
			goto out;
		store_val_of(k, &kv);
		store_val_of(v, &dv);
		if (store_kv_put(s, tx, STORE_T_DIRENTS, &kv, &dv, 1) !=
		    MS_STORE_OK) {
			r = MS_ERR_INTERNAL;	/* logged */
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

static int
any_key_cb(void *ctx, const u_char *key, size_t keylen,
    const struct store_val *val)
{
	*(int *)ctx = 1;
	return 1;	/* one is enough */
}

/* Is there any key in t that starts with the 8-byte id? */
static int
has_keys_with_id(struct ms_store *s, struct store_tx *tx, enum store_table t,
    uint64_t id, int *yesp)
{
	struct msbuf *k;
	struct store_val kv;
	int r;

	*yesp = 0;
	if ((r = store_make_key(id, NULL, 0, &k)) != 0)
		return r;
	store_val_of(k, &kv);
	if (store_kv_walk(s, tx, t, &kv, NULL, any_key_cb, yesp) !=
	    MS_STORE_OK)
		r = MS_ERR_INTERNAL;	/* logged */
	msbuf_free(k);
	return r;
}

int
ms_store_node_exists(struct ms_store *s, const char *path)
{
	struct store_tx *tx;
	uint64_t id;
	int st;

	if (s == NULL || !store_path_ok(path))
		return MS_STORE_INVALID;
	if ((st = store_txn_begin(s, 0, &tx)) != MS_STORE_OK)
		return st;
	return store_txn_finish(s, tx, store_node_id(s, tx, path, &id));
}

static int
delete_node_once(struct ms_store *s, const char *path)
{
	struct resolved res;
	struct msbuf *k = NULL;
	struct store_tx *tx;
	struct store_val kv;
	uint64_t id;
	size_t start;
	int r, st, busy;

	if ((st = store_txn_begin(s, 1, &tx)) != MS_STORE_OK)
		return st;
	if ((r = store_resolve(s, tx, path, &res)) != 0) {
		st = store_buf_fail("resolve", r);
		goto out;
	}
	if (!store_resolved_exists(&res)) {
		st = MS_STORE_NOT_FOUND_PATH;
		goto out;
	}
	id = res.id[res.depth - 1];
	if ((r = has_keys_with_id(s, tx, STORE_T_DIRENTS, id, &busy)) == 0 &&
	    !busy)
		r = has_keys_with_id(s, tx, STORE_T_RECORDS, id, &busy);
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
	if ((st = store_kv_del(s, tx, STORE_T_DIRENTS, &kv)) != MS_STORE_OK) {
		if (st == MS_STORE_NOT_FOUND_RECORD)
			st = MS_STORE_ERROR;	/* resolved just now */
		goto out;
	}
	msbuf_free(k);
	if ((r = store_make_key(id, NULL, 0, &k)) != 0) {
		k = NULL;
		st = store_buf_fail("key", r);
		goto out;
	}
	store_val_of(k, &kv);
	if ((st = store_kv_del(s, tx, STORE_T_NODES, &kv)) ==
	    MS_STORE_NOT_FOUND_RECORD) {
		store_error("store: delete node %llu: missing",
		    (unsigned long long)id);
		st = MS_STORE_ERROR;
	}
 out:
	msbuf_free(k);
	return store_txn_finish(s, tx, st);
}

int
ms_store_delete_node(struct ms_store *s, const char *path)
{
	unsigned int attempt = 0;
	int st;

	if (s == NULL || !store_path_ok(path) || ms_path_is_root(path))
		return MS_STORE_INVALID;
	do
		st = delete_node_once(s, path);
	while (store_retry(st, attempt++));
	return store_final(st);
}

/* A listing of one key range (children or records of a node). */
struct list_range {
	uint64_t	 id;
	int		 kind;
	const char	*after;
	size_t		 afterlen;
	ms_store_list_ext_fn *cb;
	void		*ctx;
	size_t		 n;
	int		 r;		/* MS_ERR_* that ended it */
	int		 failed;	/* cb < 0 */
	int		 stopped;	/* cb > 0 */
	char		 name[MS_PATH_SEGMENT_MAX + 1];
};

static int
list_range_cb(void *ctx, const u_char *key, size_t keylen,
    const struct store_val *dv)
{
	struct list_range *lr = ctx;
	struct ms_store_list_entry e;
	struct store_val kv = { key, keylen };
	uint64_t got, version = 0, mtime = 0;
	uint8_t flags = 0;
	size_t len;
	int cr;

	if ((lr->r = store_decode_key(&kv, &got, lr->name, &len)) != 0 ||
	    got != lr->id)
		return 1;
	if (ms_record_name_valid(lr->name, len) != 0) {
		lr->r = MS_ERR_INVALID_FORMAT;
		return 1;
	}
	/* The walk starts at 'after' itself when it exists. */
	if (lr->after != NULL && len == lr->afterlen &&
	    memcmp(lr->name, lr->after, len) == 0)
		return 0;
	if (lr->kind == MS_STORE_LIST_RECORD &&
	    (lr->r = store_record_peek_hdr_mtime(dv, &flags, &version,
	    &mtime)) != 0)
		return 1;
	if (lr->n++ >= MS_LIST_MAX) {
		store_verbose("store: listing truncated at %u entries",
		    (unsigned int)MS_LIST_MAX);
		return 1;
	}
	e.kind = lr->kind;
	e.name = lr->name;
	e.len = len;
	e.flags = flags;
	e.version = version;
	e.mtime = mtime;
	if ((cr = lr->cb(lr->ctx, &e)) != 0) {
		if (cr < 0) {
			lr->failed = 1;
			return -1;
		}
		lr->stopped = 1;
		return 1;
	}
	return 0;
}

/*
 * Call cb for each key of t under id (at most MS_LIST_MAX), starting
 * after the name 'after' when it is not NULL.  cb > 0 stops the listing
 * (*stoppedp = 1), cb < 0 fails it.
 */
static int
list_range(struct ms_store *s, struct store_tx *tx, enum store_table t,
    uint64_t id, int kind, const char *after, size_t afterlen,
    ms_store_list_ext_fn *cb, void *ctx, int *stoppedp)
{
	struct list_range *lr;
	struct msbuf *p = NULL, *k = NULL;
	struct store_val pv, kv;
	int r, st;

	if ((lr = calloc(1, sizeof(*lr))) == NULL)
		return store_buf_fail("list", MS_ERR_ALLOC);
	if ((r = store_make_key(id, NULL, 0, &p)) != 0 ||
	    (r = store_make_key(id, after, after != NULL ? afterlen : 0,
	    &k)) != 0) {
		st = store_buf_fail("key", r);
		goto out;
	}
	store_val_of(p, &pv);
	store_val_of(k, &kv);
	lr->id = id;
	lr->kind = kind;
	lr->after = after;
	lr->afterlen = afterlen;
	lr->cb = cb;
	lr->ctx = ctx;
	st = store_kv_walk(s, tx, t, &pv, &kv, list_range_cb, lr);
	if (lr->failed)
		st = MS_STORE_ERROR;
	else if (st == MS_STORE_OK && lr->r != 0)
		st = store_buf_fail("list", lr->r);
	if (lr->stopped)
		*stoppedp = 1;
 out:
	explicit_bzero(lr, sizeof(*lr));
	free(lr);
	msbuf_free(p);
	msbuf_free(k);
	return st;
}

int
ms_store_list_from(struct ms_store *s, const char *path, int from_kind,
    const char *after, size_t afterlen, ms_store_list_ext_fn *cb, void *ctx)
{
	struct store_tx *tx;
	uint64_t id;
	int st, stopped = 0;

	if (s == NULL || cb == NULL || !store_path_ok(path) ||
	    (from_kind != 0 && from_kind != MS_STORE_LIST_CHILD &&
	    from_kind != MS_STORE_LIST_RECORD) ||
	    (from_kind != 0 && (after == NULL || afterlen == 0 ||
	    afterlen > MS_PATH_SEGMENT_MAX)))
		return MS_STORE_INVALID;
	if ((st = store_txn_begin(s, 0, &tx)) != MS_STORE_OK)
		return st;
	if ((st = store_node_id(s, tx, path, &id)) != MS_STORE_OK)
		goto out;
	if (from_kind != MS_STORE_LIST_RECORD)
		st = list_range(s, tx, STORE_T_DIRENTS, id, MS_STORE_LIST_CHILD,
		    from_kind == MS_STORE_LIST_CHILD ? after : NULL, afterlen,
		    cb, ctx, &stopped);
	if (st == MS_STORE_OK && !stopped)
		st = list_range(s, tx, STORE_T_RECORDS, id, MS_STORE_LIST_RECORD,
		    from_kind == MS_STORE_LIST_RECORD ? after : NULL, afterlen,
		    cb, ctx, &stopped);
 out:
	return store_txn_finish(s, tx, st);
}

int
ms_store_list_ext(struct ms_store *s, const char *path,
    ms_store_list_ext_fn *cb, void *ctx)
{
	return ms_store_list_from(s, path, 0, NULL, 0, cb, ctx);
}
