/*
 * store_migrate.c — copy a whole store into an empty one, whatever the
 * two backends, and compare two stores (metasafe-admin migrate).
 *
 * The copy reads the source through the public walk (ms_store_walk
 * without unsealing: a SECURE value is only ever seen as the sealed blob
 * it is stored as) and writes the destination below the public API, one
 * node or one record per write transaction (grouped into fewer durable
 * commits where the backend has group commit): the node path is created
 * with store_create_missing() and gets the source's ACL and flags, and a
 * record is put with the source's header (flags, version, mtime) and
 * stored bytes exactly.  Node ids are the destination's own; the seal's
 * associated data names the path and the record, never an id, so every
 * sealed value opens in the copy with the keys that opened it before.
 * The recorded store-key check values are copied as they are.
 *
 * The comparison walks each store once and reduces every item (node with
 * its ACL and flags, record with its header and stored bytes) to a
 * SHA-256 of a canonical encoding, so two stores of any size compare
 * with 32 bytes per item in memory.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "crypto.h"
#include "errors.h"
#include "store_int.h"
#include "store_kv.h"

#define KCV_COPY_MAX	64	/* recorded check values copied at most */
#define MIGRATE_GROUP	256	/* items per commit with group commit */

/* --- the destination must be empty ------------------------------------ */

struct empty_ctx {
	uint64_t	nodes, records, other;
	int		root_has_acl;
};

static int
empty_cb(void *ctx, const struct ms_store_walk_item *it)
{
	struct empty_ctx *e = ctx;

	switch (it->kind) {
	case MS_STORE_WALK_NODE:
		e->nodes++;
		if (strcmp(it->path, "/") == 0 && (it->acl->nentries != 0 ||
		    it->acl->flags != 0))
			e->root_has_acl = 1;
		break;
	case MS_STORE_WALK_RECORD:
		e->records++;
		break;
	default:
		e->other++;
		break;
	}
	return 0;
}

/*
 * The raw tables too: a directory entry or record left where the walk
 * from the root does not reach would join the copy under another path.
 */
static int
check_tables_empty(struct ms_store *dst)
{
	struct store_tx *tx;
	uint64_t nodes = 0, dirents = 0, records = 0;
	int st;

	if ((st = store_txn_begin(dst, 0, &tx)) != MS_STORE_OK)
		return st;
	if ((st = dst->be->count(tx, STORE_T_NODES, &nodes)) == MS_STORE_OK &&
	    (st = dst->be->count(tx, STORE_T_DIRENTS, &dirents)) ==
	    MS_STORE_OK)
		st = dst->be->count(tx, STORE_T_RECORDS, &records);
	if ((st = store_txn_finish(dst, tx, st)) != MS_STORE_OK)
		return st;
	if (nodes > 1 || dirents > 0 || records > 0) {
		store_error("store: the destination is not empty (%llu node, "
		    "%llu directory and %llu record keys)",
		    (unsigned long long)nodes, (unsigned long long)dirents,
		    (unsigned long long)records);
		return MS_STORE_INVALID;
	}
	return MS_STORE_OK;
}

static int
check_empty(struct ms_store *dst)
{
	struct empty_ctx e;
	int st;

	memset(&e, 0, sizeof(e));
	if ((st = ms_store_walk(dst, 0, empty_cb, &e)) != MS_STORE_OK ||
	    (st = check_tables_empty(dst)) != MS_STORE_OK)
		return st;
	if (e.nodes > 1 || e.records > 0 || e.other > 0 || e.root_has_acl) {
		store_error("store: the destination is not empty (%llu nodes, "
		    "%llu records%s)", (unsigned long long)e.nodes,
		    (unsigned long long)e.records, e.root_has_acl ?
		    ", an ACL on /" : "");
		return MS_STORE_INVALID;
	}
	return MS_STORE_OK;
}

/* --- the recorded store-key check values ------------------------------ */

struct kcv_copy {
	size_t		 n;
	u_char		 key[KCV_COPY_MAX][KCV_KEY_LEN];
	u_char		 val[KCV_COPY_MAX][8];
};

static int
kcv_read_cb(void *ctx, const u_char *key, size_t keylen,
    const struct store_val *val)
{
	struct kcv_copy *kc = ctx;

	if (keylen != KCV_KEY_LEN || val->len != 8)
		return -1;
	if (kc->n == KCV_COPY_MAX)
		return -1;
	memcpy(kc->key[kc->n], key, KCV_KEY_LEN);
	memcpy(kc->val[kc->n], val->data, 8);
	kc->n++;
	return 0;
}

static int
kcv_read(struct ms_store *src, struct kcv_copy *kc)
{
	struct store_tx *tx;
	struct store_val pfx = { (const u_char *)KCV_PREFIX,
	    sizeof(KCV_PREFIX) - 1 };
	int st;

	kc->n = 0;
	if ((st = store_txn_begin(src, 0, &tx)) != MS_STORE_OK)
		return st;
	st = store_kv_walk(src, tx, STORE_T_META, &pfx, NULL, kcv_read_cb, kc);
	if (st == MS_STORE_ERROR)
		store_error("store: the source's key check values do not "
		    "decode (or more than %d)", KCV_COPY_MAX);
	return store_txn_finish(src, tx, st);
}

static int
kcv_write_once(struct ms_store *dst, const struct kcv_copy *kc)
{
	struct store_tx *tx;
	struct store_val k, v;
	size_t i;
	int st = MS_STORE_OK;

	if ((st = store_txn_begin(dst, 1, &tx)) != MS_STORE_OK)
		return st;
	for (i = 0; i < kc->n && st == MS_STORE_OK; i++) {
		k.data = kc->key[i];
		k.len = KCV_KEY_LEN;
		v.data = kc->val[i];
		v.len = 8;
		st = store_kv_put(dst, tx, STORE_T_META, &k, &v, 0);
	}
	return store_txn_finish(dst, tx, st);
}

static int
kcv_copy(struct ms_store *src, struct ms_store *dst)
{
	struct kcv_copy *kc;
	unsigned int attempt = 0;
	int st;

	if ((kc = calloc(1, sizeof(*kc))) == NULL)
		return store_buf_fail("migrate", MS_ERR_ALLOC);
	if ((st = kcv_read(src, kc)) == MS_STORE_OK) {
		do
			st = kcv_write_once(dst, kc);
		while (store_retry(st, attempt++));
		st = store_final(st);
	}
	free(kc);
	return st;
}

/* --- nodes and records ------------------------------------------------ */

static int
node_once(struct ms_store *dst, const struct ms_store_walk_item *it)
{
	struct resolved *res;
	struct store_tx *tx;
	int r, st;

	if ((res = calloc(1, sizeof(*res))) == NULL)
		return store_buf_fail("migrate", MS_ERR_ALLOC);
	if ((st = store_txn_begin(dst, 1, &tx)) != MS_STORE_OK) {
		free(res);
		return st;
	}
	if ((r = store_resolve(dst, tx, it->path, res)) != 0 ||
	    (r = store_create_missing(dst, tx, it->path, res)) != 0)
		st = store_buf_fail("create node", r);
	else if ((r = store_node_put(dst, tx, res->id[res->depth - 1],
	    it->acl, 0)) != 0)
		st = store_buf_fail("node", r);
	free(res);
	return store_txn_finish(dst, tx, st);
}

/* The record encoding of store_int.h, from the source's own header. */
static int
record_bytes(const struct ms_store_walk_item *it, struct msbuf **vp)
{
	struct msbuf *v;
	int r;

	*vp = NULL;
	if ((v = msbuf_new(RECORD_ENC_MAX)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = msbuf_put_u8(v, RECORD_FORMAT)) != 0 ||
	    (r = msbuf_put_u8(v, it->flags)) != 0 ||
	    (r = msbuf_put_u64(v, it->version)) != 0 ||
	    (r = msbuf_put_u64(v, it->mtime)) != 0 ||
	    (r = msbuf_put_string(v, it->stored, it->stored_len)) != 0) {
		msbuf_free(v);
		return r;
	}
	*vp = v;
	return 0;
}

static int
record_once(struct ms_store *dst, const struct ms_store_walk_item *it)
{
	struct msbuf *k = NULL, *v = NULL;
	struct store_tx *tx;
	struct store_val kv, dv;
	uint64_t id;
	int r, st;

	if ((st = store_txn_begin(dst, 1, &tx)) != MS_STORE_OK)
		return st;
	if ((st = store_node_id(dst, tx, it->path, &id)) != MS_STORE_OK)
		goto out;
	if ((r = store_make_key(id, it->name, strlen(it->name), &k)) != 0 ||
	    (r = record_bytes(it, &v)) != 0) {
		st = store_buf_fail("record", r);
		goto out;
	}
	store_val_of(k, &kv);
	store_val_of(v, &dv);
	st = store_kv_put(dst, tx, STORE_T_RECORDS, &kv, &dv, 1);
 out:
	msbuf_free(k);
	msbuf_free(v);
	return store_txn_finish(dst, tx, st);
}

struct migrate_ctx {
	struct ms_store		*dst;
	struct ms_store_copy_stats *stats;
	int			 st;
	int			 grouped;	/* the backend has group commit */
	size_t			 ingroup;	/* items in the open group */
};

/*
 * With group commit (LMDB), MIGRATE_GROUP items share one durable
 * commit instead of one synchronous commit each; a failed group fails
 * the copy, which is then partial either way.
 */
static int
group_open(struct migrate_ctx *m)
{
	if (!m->grouped || m->ingroup > 0)
		return MS_STORE_OK;
	return m->dst->be->group_begin(m->dst);
}

static int
group_close(struct migrate_ctx *m, int keep)
{
	if (!m->grouped || m->ingroup == 0)
		return MS_STORE_OK;
	m->ingroup = 0;
	return m->dst->be->group_end(m->dst, keep);
}

static int
migrate_cb(void *ctx, const struct ms_store_walk_item *it)
{
	struct migrate_ctx *m = ctx;
	unsigned int attempt = 0;
	int st;

	if (it->kind == MS_STORE_WALK_DAMAGE ||
	    (it->kind == MS_STORE_WALK_RECORD && it->stored == NULL)) {
		store_error("store: the source is damaged at %s%s%s%s: %s "
		    "(metasafe-admin verify)", it->path,
		    it->name ? " record \"" : "", it->name ? it->name : "",
		    it->name ? "\"" : "", it->damage ? it->damage :
		    "no stored value");
		m->st = MS_STORE_ERROR;
		return -1;
	}
	if ((st = group_open(m)) == MS_STORE_OK) {
		m->ingroup++;
		do
			st = it->kind == MS_STORE_WALK_NODE ?
			    node_once(m->dst, it) : record_once(m->dst, it);
		while (store_retry(st, attempt++));
		st = store_final(st);
	}
	if (st == MS_STORE_OK && m->ingroup >= MIGRATE_GROUP)
		st = group_close(m, 1);
	if (st != MS_STORE_OK) {
		store_error("store: copying %s%s%s%s failed: %s", it->path,
		    it->name ? " record \"" : "", it->name ? it->name : "",
		    it->name ? "\"" : "", ms_store_strerror(st));
		m->st = st;
		return -1;
	}
	if (it->kind == MS_STORE_WALK_NODE)
		m->stats->nodes++;
	else {
		m->stats->records++;
		if ((it->flags & MS_REC_SECURE) != 0)
			m->stats->secure++;
	}
	return 0;
}

int
ms_store_migrate(struct ms_store *src, struct ms_store *dst,
    struct ms_store_copy_stats *stats)
{
	struct migrate_ctx m;
	int r, st;

	memset(stats, 0, sizeof(*stats));
	if (src == NULL || dst == NULL || src == dst || dst->rdonly)
		return MS_STORE_INVALID;
	if ((st = check_empty(dst)) != MS_STORE_OK ||
	    (st = kcv_copy(src, dst)) != MS_STORE_OK)
		return st;
	memset(&m, 0, sizeof(m));
	m.dst = dst;
	m.stats = stats;
	m.grouped = dst->be->group_begin != NULL && dst->be->group_end != NULL;
	if ((st = ms_store_walk(src, 0, migrate_cb, &m)) != MS_STORE_OK &&
	    m.st != MS_STORE_OK)
		st = m.st;
	r = group_close(&m, st == MS_STORE_OK);
	return st != MS_STORE_OK ? st : r;
}

/* --- comparison ------------------------------------------------------- */

struct digest_list {
	u_char		(*h)[MS_SHA256_LEN];
	size_t		 n, cap;
};

/* A canonical encoding of one walk item, hashed. */
static int
item_digest(const struct ms_store_walk_item *it, u_char out[MS_SHA256_LEN])
{
	struct msbuf *b;
	size_t i;
	int r;

	if ((b = msbuf_new(RECORD_ENC_MAX + NODE_ENC_MAX + 2 * MS_PATH_MAX +
	    64)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = msbuf_put_u8(b, (uint8_t)it->kind)) != 0 ||
	    (r = msbuf_put_cstring(b, it->path)) != 0 ||
	    (r = msbuf_put_cstring(b, it->name ? it->name : "")) != 0)
		goto out;
	if (it->kind == MS_STORE_WALK_NODE) {
		if ((r = msbuf_put_u8(b, it->acl->flags)) != 0 ||
		    (r = msbuf_put_u32(b, (uint32_t)it->acl->nentries)) != 0)
			goto out;
		for (i = 0; i < it->acl->nentries; i++)
			if ((r = msbuf_put_cstring(b,
			    it->acl->entries[i].who)) != 0 ||
			    (r = msbuf_put_u8(b,
			    it->acl->entries[i].rights)) != 0)
				goto out;
	} else if (it->kind == MS_STORE_WALK_RECORD) {
		if ((r = msbuf_put_u8(b, it->flags)) != 0 ||
		    (r = msbuf_put_u64(b, it->version)) != 0 ||
		    (r = msbuf_put_u64(b, it->mtime)) != 0 ||
		    (r = msbuf_put_string(b, it->stored, it->stored_len)) != 0)
			goto out;
	} else if ((r = msbuf_put_cstring(b, it->damage ? it->damage :
	    "")) != 0)
		goto out;
	r = ms_sha256(msbuf_ptr(b), msbuf_len(b), out) == 0 ? 0 :
	    MS_ERR_LIBCRYPTO;
 out:
	msbuf_free(b);
	return r;
}

struct cmp_ctx {
	struct digest_list	*dl;
	int			 second;	/* walking b: compare */
	size_t			 i;
	size_t			 differs;	/* index + 1 of the first */
	int			 r;
	struct ms_store_copy_stats *stats;
	char			 where[MS_PATH_MAX + MS_PATH_SEGMENT_MAX + 32];
};

static void
cmp_where(struct cmp_ctx *c, const struct ms_store_walk_item *it)
{
	snprintf(c->where, sizeof(c->where), "%s%s%s%s", it->path,
	    it->name ? " record \"" : "", it->name ? it->name : "",
	    it->name ? "\"" : "");
}

static int
cmp_cb(void *ctx, const struct ms_store_walk_item *it)
{
	struct cmp_ctx *c = ctx;
	u_char d[MS_SHA256_LEN], (*nh)[MS_SHA256_LEN];
	size_t ncap;

	if ((c->r = item_digest(it, d)) != 0)
		return -1;
	if (it->kind == MS_STORE_WALK_DAMAGE) {
		cmp_where(c, it);
		c->differs = c->i + 1;
		return -1;
	}
	if (c->second) {
		if (c->i >= c->dl->n ||
		    memcmp(c->dl->h[c->i], d, sizeof(d)) != 0) {
			cmp_where(c, it);
			c->differs = c->i + 1;
			return -1;
		}
		c->i++;
		if (it->kind == MS_STORE_WALK_NODE)
			c->stats->nodes++;
		else {
			c->stats->records++;
			if ((it->flags & MS_REC_SECURE) != 0)
				c->stats->secure++;
		}
		return 0;
	}
	if (c->dl->n == c->dl->cap) {
		ncap = c->dl->cap == 0 ? 1024 : c->dl->cap * 2;
		if ((nh = reallocarray(c->dl->h, ncap, sizeof(*nh))) == NULL) {
			c->r = MS_ERR_ALLOC;
			return -1;
		}
		c->dl->h = nh;
		c->dl->cap = ncap;
	}
	memcpy(c->dl->h[c->dl->n++], d, sizeof(d));
	c->i++;
	return 0;
}

/* Every check value recorded in a is recorded in b. */
static int
cmp_kcvs(struct ms_store *a, struct ms_store *b)
{
	u_char ka[KCV_COPY_MAX][MS_STORE_KCV_LEN];
	u_char kb[KCV_COPY_MAX][MS_STORE_KCV_LEN];
	size_t i, j, na = 0, nb = 0;
	int st;

	if ((st = ms_store_recorded_kcvs(a, ka, KCV_COPY_MAX, &na)) !=
	    MS_STORE_OK ||
	    (st = ms_store_recorded_kcvs(b, kb, KCV_COPY_MAX, &nb)) !=
	    MS_STORE_OK)
		return st;
	if (na > KCV_COPY_MAX || nb > KCV_COPY_MAX)
		return MS_STORE_ERROR;
	for (i = 0; i < na; i++) {
		for (j = 0; j < nb; j++)
			if (memcmp(ka[i], kb[j], MS_STORE_KCV_LEN) == 0)
				break;
		if (j == nb) {
			store_error("store: compare: a store-key check value "
			    "recorded in the first store is not recorded in "
			    "the second");
			return MS_STORE_ERROR;
		}
	}
	return MS_STORE_OK;
}

int
ms_store_compare(struct ms_store *a, struct ms_store *b,
    struct ms_store_copy_stats *stats)
{
	struct digest_list dl;
	struct cmp_ctx c;
	int st;

	memset(stats, 0, sizeof(*stats));
	if (a == NULL || b == NULL)
		return MS_STORE_INVALID;
	memset(&dl, 0, sizeof(dl));
	memset(&c, 0, sizeof(c));
	c.dl = &dl;
	c.stats = stats;
	st = ms_store_walk(a, 0, cmp_cb, &c);
	if (st == MS_STORE_OK) {
		c.second = 1;
		c.i = 0;
		st = ms_store_walk(b, 0, cmp_cb, &c);
	}
	if (c.r != 0)
		st = store_buf_fail("compare", c.r);
	else if (c.differs != 0) {
		store_error("store: compare: item %zu differs: %s (%s store)",
		    c.differs, c.where, c.second ? "second" : "first, damaged");
		st = MS_STORE_ERROR;
	} else if (st == MS_STORE_OK && c.i != dl.n) {
		store_error("store: compare: the second store lacks %zu of the "
		    "first store's %zu items", dl.n - c.i, dl.n);
		st = MS_STORE_ERROR;
	}
	free(dl.h);
	if (st == MS_STORE_OK)
		st = cmp_kcvs(a, b);
	if (st != MS_STORE_OK)
		memset(stats, 0, sizeof(*stats));
	return st;
}
