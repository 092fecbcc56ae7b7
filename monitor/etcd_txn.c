/*
 * etcd_txn.c — optimistic, serializable transactions over etcd
 * (etcd_txn.h).  A write transaction is small (one request's reads and
 * writes), so its keys are kept in a flat array searched linearly.  A
 * read transaction keeps no keys at all: its reads are all at one
 * revision, which is what makes it consistent, so it needs no compares
 * and may read a whole tree.
 */
#include <sys/types.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "etcd_kv.h"
#include "etcd_txn.h"
#include "store.h"

#define TX_KEYS_MAX	MS_ETCD_TXN_OPS_MAX
#define TX_RANGES_MAX	32
#define TX_WALK_BATCH	256	/* keys per range, at most */
#define TX_READ_KEEP	32	/* values a read transaction keeps */

enum tx_write { TX_NONE, TX_PUT, TX_DEL };

struct tx_key {
	struct msbuf	*key;		/* the full etcd key */
	struct msbuf	*val;		/* as read, or as written; NULL: absent */
	int		 read;		/* fetched: mod is the snapshot's */
	int64_t		 mod;		/* 0: absent at the snapshot */
	enum tx_write	 write;
};

struct tx_range {
	struct msbuf	*key, *end;
};

struct ms_etcd_tx {
	struct ms_etcd	*etcd;
	char		 prefix[MS_ETCD_PREFIX_MAX + 1];
	int64_t		 revision;
	int		 rdonly;
	/* begin_pinned: pin after each read; pinned: reads are pinned now */
	int		 pinning, pinned;
	int		 fresh;		/* nothing read yet at the pin */
	size_t		 endpoint;	/* the member that answered last */
	/* Read-only: the values of the last TX_READ_KEEP gets, a ring. */
	struct msbuf	*kept[TX_READ_KEEP];
	size_t		 nextkept;
	struct tx_key	 keys[TX_KEYS_MAX];
	size_t		 nkeys;
	struct tx_range	 ranges[TX_RANGES_MAX];
	size_t		 nranges;
};

struct ms_etcd_tx *
ms_etcd_tx_begin(struct ms_etcd *e, const char *prefix)
{
	struct ms_etcd_tx *t;

	if (strlen(prefix) > MS_ETCD_PREFIX_MAX ||
	    (t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->etcd = e;
	strlcpy(t->prefix, prefix, sizeof(t->prefix));
	return t;
}

struct ms_etcd_tx *
ms_etcd_tx_begin_read(struct ms_etcd *e, const char *prefix)
{
	struct ms_etcd_tx *t;

	if ((t = ms_etcd_tx_begin(e, prefix)) != NULL)
		t->rdonly = 1;
	return t;
}

struct ms_etcd_tx *
ms_etcd_tx_begin_pinned(struct ms_etcd *e, const char *prefix,
    int64_t revision, size_t endpoint)
{
	struct ms_etcd_tx *t;

	if (revision < 0 || (t = ms_etcd_tx_begin_read(e, prefix)) == NULL)
		return NULL;
	t->pinning = 1;
	if (revision > 0) {
		t->revision = revision;
		t->endpoint = endpoint;
		t->pinned = t->fresh = 1;
	}
	return t;
}

int
ms_etcd_tx_pin(const struct ms_etcd_tx *t, int64_t *revisionp,
    size_t *endpointp)
{
	*revisionp = t->pinned ? t->revision : 0;
	*endpointp = t->pinned ? t->endpoint : 0;
	return t->pinned && !t->fresh;
}

void
ms_etcd_tx_free(struct ms_etcd_tx *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nkeys; i++) {
		msbuf_free(t->keys[i].key);
		msbuf_free(t->keys[i].val);
	}
	for (i = 0; i < t->nranges; i++) {
		msbuf_free(t->ranges[i].key);
		msbuf_free(t->ranges[i].end);
	}
	for (i = 0; i < TX_READ_KEEP; i++)
		msbuf_free(t->kept[i]);
	freezero(t, sizeof(*t));
}

int64_t
ms_etcd_tx_revision(const struct ms_etcd_tx *t)
{
	return t->revision;
}

int
ms_etcd_prefix_end(const u_char *prefix, size_t len, u_char *end,
    size_t *endlen)
{
	size_t n = len;

	memcpy(end, prefix, len);
	/* Drop trailing 0xff bytes, then add one to the last byte left. */
	while (n > 0 && end[n - 1] == 0xff)
		n--;
	if (n == 0)
		return MS_STORE_INVALID;
	end[n - 1]++;
	*endlen = n;
	return MS_STORE_OK;
}

static struct msbuf *
full_key(const struct ms_etcd_tx *t, const char *table, const u_char *key,
    size_t keylen)
{
	struct msbuf *b;

	if ((b = msbuf_new(MS_ETCD_KEY_MAX)) == NULL)
		return NULL;
	if (msbuf_put(b, t->prefix, strlen(t->prefix)) != 0 ||
	    msbuf_put(b, table, strlen(table)) != 0 ||
	    msbuf_put_u8(b, '/') != 0 ||
	    (keylen > 0 && msbuf_put(b, key, keylen) != 0)) {
		msbuf_free(b);
		return NULL;
	}
	return b;
}

static int
same_key(const struct msbuf *a, const struct msbuf *b)
{
	return msbuf_len(a) == msbuf_len(b) &&
	    memcmp(msbuf_ptr(a), msbuf_ptr(b), msbuf_len(a)) == 0;
}

static struct tx_key *
find_key(struct ms_etcd_tx *t, const struct msbuf *k)
{
	size_t i;

	for (i = 0; i < t->nkeys; i++)
		if (same_key(t->keys[i].key, k))
			return &t->keys[i];
	return NULL;
}

/* The entry for a key, created empty; takes k (freed on failure too). */
static struct tx_key *
key_entry(struct ms_etcd_tx *t, struct msbuf *k)
{
	struct tx_key *e;

	if ((e = find_key(t, k)) != NULL) {
		msbuf_free(k);
		return e;
	}
	if (t->nkeys == TX_KEYS_MAX) {
		msbuf_free(k);
		return NULL;
	}
	e = &t->keys[t->nkeys++];
	memset(e, 0, sizeof(*e));
	e->key = k;
	return e;
}

static int
set_value(struct tx_key *e, const u_char *val, size_t vallen)
{
	msbuf_free(e->val);
	if ((e->val = msbuf_new(vallen == 0 ? 1 : vallen)) == NULL)
		return MS_STORE_ERROR;
	if (vallen > 0 && msbuf_put(e->val, val, vallen) != 0)
		return MS_STORE_ERROR;
	return MS_STORE_OK;
}

/* Counts the keys a range visited: a range that visited one never reruns. */
struct seen_ctx {
	ms_etcd_kv_fn	*cb;
	void		*ctx;
	size_t		 n;
};

static int
seen_cb(void *vctx, const struct ms_etcd_kv *kv)
{
	struct seen_ctx *sc = vctx;

	sc->n++;
	return sc->cb(sc->ctx, kv);
}

/*
 * Every range of a transaction: at its snapshot, pinned (serializable on
 * one member) when it is, else linearizable on any.  A pinned range that
 * fails before visiting a key falls back to a linearizable one: at the
 * revision already seen, or at a fresh one when nothing was read at the
 * pin yet.  An answer too large is the same on every member.
 */
static int
tx_range(struct ms_etcd_tx *t, struct ms_etcd_range *q, ms_etcd_kv_fn *cb,
    void *ctx, struct ms_etcd_range_result *res, char *err, size_t errlen)
{
	struct seen_ctx sc = { cb, ctx, 0 };
	int st;

	q->revision = t->revision;
	q->pinned = 0;
	if (t->pinned) {
		q->pinned = 1;
		q->endpoint = t->endpoint;
		st = ms_etcd_get_range(t->etcd, q, cb != NULL ? seen_cb : NULL,
		    &sc, res, err, errlen);
		if (st == MS_STORE_OK || st == MS_ETCD_TOO_LARGE || sc.n > 0) {
			if (st == MS_STORE_OK)
				t->fresh = 0;
			return st;
		}
		t->pinned = q->pinned = 0;
		if (t->fresh)
			t->revision = q->revision = 0;
		t->fresh = 0;
	}
	if ((st = ms_etcd_get_range(t->etcd, q, cb, ctx, res, err,
	    errlen)) == MS_STORE_OK && t->pinning) {
		/* It answered linearizably at (or fixed) the snapshot. */
		t->pinned = 1;
		t->endpoint = res->endpoint;
	}
	return st;
}

/* Byte order, a prefix first. */
static int
key_cmp(const u_char *a, size_t alen, const u_char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen;
}

struct fetch_ctx {
	struct tx_key	*entry;
	int		 st;
};

static int
fetch_cb(void *vctx, const struct ms_etcd_kv *kv)
{
	struct fetch_ctx *fc = vctx;

	/* Only the key asked for (see key_in_walk). */
	if (key_cmp(kv->key, kv->keylen, msbuf_ptr(fc->entry->key),
	    msbuf_len(fc->entry->key)) != 0)
		return fc->st = MS_STORE_ERROR;
	fc->entry->mod = kv->mod_revision;
	fc->st = set_value(fc->entry, kv->value, kv->valuelen);
	return fc->st;
}

/* Read one key at the snapshot (which the first read fixes). */
static int
fetch(struct ms_etcd_tx *t, struct tx_key *e, char *err, size_t errlen)
{
	struct ms_etcd_range q;
	struct ms_etcd_range_result res;
	struct fetch_ctx fc = { e, MS_STORE_OK };
	int st;

	memset(&q, 0, sizeof(q));
	q.key = msbuf_ptr(e->key);
	q.keylen = msbuf_len(e->key);
	if ((st = tx_range(t, &q, fetch_cb, &fc, &res, err,
	    errlen)) != MS_STORE_OK)
		return st;
	if (fc.st != MS_STORE_OK)
		return fc.st;
	if (t->revision == 0)
		t->revision = res.revision;
	e->read = 1;
	return MS_STORE_OK;
}

/*
 * A read transaction's get: the key at the snapshot into the next slot
 * of the ring, remembering nothing else (a second get of the key reads
 * it again, at the same revision, so it sees the same value).
 */
static int
get_read(struct ms_etcd_tx *t, const char *table, const u_char *key,
    size_t keylen, const u_char **valp, size_t *vallenp, char *err,
    size_t errlen)
{
	struct tx_key e;
	struct msbuf **slot = &t->kept[t->nextkept];
	int st;

	memset(&e, 0, sizeof(e));
	msbuf_free(*slot);
	*slot = NULL;
	t->nextkept = (t->nextkept + 1) % TX_READ_KEEP;
	if ((e.key = full_key(t, table, key, keylen)) == NULL)
		return MS_STORE_ERROR;
	st = fetch(t, &e, err, errlen);
	msbuf_free(e.key);
	if (st != MS_STORE_OK) {
		msbuf_free(e.val);
		return st;
	}
	if ((*slot = e.val) == NULL)
		return MS_STORE_NOT_FOUND_RECORD;
	*valp = msbuf_ptr(*slot);
	*vallenp = msbuf_len(*slot);
	return MS_STORE_OK;
}

int
ms_etcd_tx_get(struct ms_etcd_tx *t, const char *table, const u_char *key,
    size_t keylen, const u_char **valp, size_t *vallenp, char *err,
    size_t errlen)
{
	struct tx_key *e;
	struct msbuf *k;
	int st;

	*valp = NULL;
	*vallenp = 0;
	if (t->rdonly)
		return get_read(t, table, key, keylen, valp, vallenp, err,
		    errlen);
	if ((k = full_key(t, table, key, keylen)) == NULL ||
	    (e = key_entry(t, k)) == NULL)
		return ms_etcd_fail(err, errlen, MS_STORE_ERROR,
		    "a transaction reads at most %d keys", TX_KEYS_MAX);
	if (!e->read && e->write == TX_NONE &&
	    (st = fetch(t, e, err, errlen)) != MS_STORE_OK)
		return st;
	if (e->val == NULL || e->write == TX_DEL)
		return MS_STORE_NOT_FOUND_RECORD;
	*valp = msbuf_ptr(e->val);
	*vallenp = msbuf_len(e->val);
	return MS_STORE_OK;
}

int
ms_etcd_tx_put(struct ms_etcd_tx *t, const char *table, const u_char *key,
    size_t keylen, const u_char *val, size_t vallen)
{
	struct tx_key *e;
	struct msbuf *k;

	if (vallen > MS_ETCD_VALUE_MAX || t->rdonly)
		return MS_STORE_INVALID;
	if ((k = full_key(t, table, key, keylen)) == NULL ||
	    (e = key_entry(t, k)) == NULL)
		return MS_STORE_ERROR;
	e->write = TX_PUT;
	return set_value(e, val, vallen);
}

int
ms_etcd_tx_del(struct ms_etcd_tx *t, const char *table, const u_char *key,
    size_t keylen)
{
	struct tx_key *e;
	struct msbuf *k;

	if (t->rdonly)
		return MS_STORE_INVALID;
	if ((k = full_key(t, table, key, keylen)) == NULL ||
	    (e = key_entry(t, k)) == NULL)
		return MS_STORE_ERROR;
	e->write = TX_DEL;
	msbuf_free(e->val);
	e->val = NULL;
	return MS_STORE_OK;
}

/*
 * A range walk merges what etcd holds at the snapshot with this
 * transaction's own writes: a batch from etcd is visited in key order,
 * and a buffered put that sorts before the next etcd key is visited
 * first; buffered deletions hide their keys.
 */
struct walk {
	struct ms_etcd_tx	*t;
	size_t			 skip;	/* prefix || table || '/' */
	ms_etcd_tx_fn		*cb;
	void			*ctx;
	int			 stop;
	struct msbuf		*last;	/* the last key visited */
	const struct msbuf	*pk;	/* every key of the walk begins so */
	int64_t			 limit;	/* keys per range request */
};

static int
visit(struct walk *w, const u_char *k, size_t klen, const u_char *v,
    size_t vlen)
{
	msbuf_reset(w->last);
	if (msbuf_put(w->last, k, klen) != 0)
		return MS_STORE_ERROR;
	if (w->cb(w->ctx, k + w->skip, klen - w->skip, v, vlen) != 0)
		w->stop = 1;
	return MS_STORE_OK;
}

/* The smallest buffered put in (after, before) of the range, if any. */
static const struct tx_key *
next_put(const struct walk *w, const struct msbuf *lo, int lo_incl,
    const u_char *hi, size_t hilen, const struct msbuf *end)
{
	const struct tx_key *best = NULL, *e;
	size_t i;
	int c;

	for (i = 0; i < w->t->nkeys; i++) {
		e = &w->t->keys[i];
		if (e->write != TX_PUT)
			continue;
		c = key_cmp(msbuf_ptr(e->key), msbuf_len(e->key),
		    msbuf_ptr(lo), msbuf_len(lo));
		if (c < 0 || (c == 0 && !lo_incl))
			continue;
		if (key_cmp(msbuf_ptr(e->key), msbuf_len(e->key),
		    msbuf_ptr(end), msbuf_len(end)) >= 0)
			continue;
		if (hi != NULL && key_cmp(msbuf_ptr(e->key),
		    msbuf_len(e->key), hi, hilen) >= 0)
			continue;
		if (best == NULL || key_cmp(msbuf_ptr(e->key),
		    msbuf_len(e->key), msbuf_ptr(best->key),
		    msbuf_len(best->key)) < 0)
			best = e;
	}
	return best;
}

struct batch_ctx {
	struct walk		*w;
	const struct msbuf	*end;
	int			 lo_incl;
	int			 st;
	size_t			 n;
};

/* This transaction's entry for a raw etcd key, if any. */
static const struct tx_key *
own_entry(const struct ms_etcd_tx *t, const u_char *k, size_t klen)
{
	size_t i;

	for (i = 0; i < t->nkeys; i++)
		if (key_cmp(msbuf_ptr(t->keys[i].key),
		    msbuf_len(t->keys[i].key), k, klen) == 0)
			return &t->keys[i];
	return NULL;
}

/*
 * The answer is the cluster's, and a member or anyone on a plain http://
 * path may be hostile: a key outside the range asked for, or out of
 * order, is refused before its bytes are used.
 */
static int
key_in_walk(const struct batch_ctx *bc, const struct ms_etcd_kv *kv)
{
	const struct walk *w = bc->w;
	int c;

	if (kv->keylen < msbuf_len(w->pk) || kv->keylen < w->skip ||
	    memcmp(kv->key, msbuf_ptr(w->pk), msbuf_len(w->pk)) != 0 ||
	    key_cmp(kv->key, kv->keylen, msbuf_ptr(bc->end),
	    msbuf_len(bc->end)) >= 0)
		return 0;
	c = key_cmp(kv->key, kv->keylen, msbuf_ptr(w->last),
	    msbuf_len(w->last));
	return c > 0 || (c == 0 && bc->lo_incl);
}

static int
batch_cb(void *vctx, const struct ms_etcd_kv *kv)
{
	struct batch_ctx *bc = vctx;
	struct walk *w = bc->w;
	const struct tx_key *p, *own;

	if (!key_in_walk(bc, kv))
		return bc->st = MS_STORE_ERROR;
	bc->n++;
	/* Buffered puts that sort before this key come first. */
	while (!w->stop && (p = next_put(w, w->last, bc->lo_incl, kv->key,
	    kv->keylen, bc->end)) != NULL) {
		if ((bc->st = visit(w, msbuf_ptr(p->key), msbuf_len(p->key),
		    msbuf_ptr(p->val), msbuf_len(p->val))) != MS_STORE_OK)
			return bc->st;
		bc->lo_incl = 0;
	}
	if (w->stop)
		return 0;
	bc->lo_incl = 0;
	own = own_entry(w->t, kv->key, kv->keylen);
	if (own != NULL && own->write == TX_DEL) {
		/* Hidden, but the walk has passed it. */
		msbuf_reset(w->last);
		bc->st = msbuf_put(w->last, kv->key, kv->keylen) == 0 ?
		    MS_STORE_OK : MS_STORE_ERROR;
	} else if (own != NULL && own->write == TX_PUT)
		bc->st = visit(w, kv->key, kv->keylen, msbuf_ptr(own->val),
		    msbuf_len(own->val));
	else
		bc->st = visit(w, kv->key, kv->keylen, kv->value, kv->valuelen);
	return bc->st;
}

static int
note_range(struct ms_etcd_tx *t, const struct msbuf *key,
    const struct msbuf *end, char *err, size_t errlen)
{
	struct tx_range *r;

	if (t->rdonly)
		return MS_STORE_OK;
	if (t->nranges == TX_RANGES_MAX)
		return ms_etcd_fail(err, errlen, MS_STORE_ERROR,
		    "a write transaction reads at most %d ranges",
		    TX_RANGES_MAX);
	r = &t->ranges[t->nranges];
	if ((r->key = msbuf_dup(key)) == NULL ||
	    (r->end = msbuf_dup(end)) == NULL) {
		msbuf_free(r->key);
		return MS_STORE_ERROR;
	}
	t->nranges++;
	return MS_STORE_OK;
}

static int
walk_batches(struct walk *w, struct msbuf *start, struct msbuf *end,
    char *err, size_t errlen)
{
	struct ms_etcd_range q;
	struct ms_etcd_range_result res;
	struct batch_ctx bc;
	const struct tx_key *p;
	int st, lo_incl = 1;

	if (msbuf_put(w->last, msbuf_ptr(start), msbuf_len(start)) != 0)
		return MS_STORE_ERROR;
	for (;;) {
		memset(&q, 0, sizeof(q));
		q.key = msbuf_ptr(w->last);
		q.keylen = msbuf_len(w->last);
		q.end = msbuf_ptr(end);
		q.endlen = msbuf_len(end);
		q.limit = w->limit;
		memset(&bc, 0, sizeof(bc));
		bc.w = w;
		bc.end = end;
		bc.lo_incl = lo_incl;
		st = tx_range(w->t, &q, batch_cb, &bc, &res, err, errlen);
		if (st == MS_ETCD_TOO_LARGE && w->limit > 1) {
			/* Large values: nothing was visited; ask for fewer. */
			w->limit /= 2;
			continue;
		}
		if (st == MS_ETCD_TOO_LARGE)
			return MS_STORE_ERROR;
		if (st != MS_STORE_OK)
			return st;
		if (res.bytes < MS_ETCD_RESPONSE_MAX / 4 &&
		    w->limit < TX_WALK_BATCH)
			w->limit *= 2;
		if (bc.st != MS_STORE_OK)
			return bc.st;
		if (w->t->revision == 0)
			w->t->revision = res.revision;
		lo_incl = bc.lo_incl;
		/* The key the batch ended on was visited: start after it. */
		if (w->stop || !res.more)
			break;
		if (msbuf_put_u8(w->last, 0) != 0)
			return MS_STORE_ERROR;
		lo_incl = 1;
	}
	/* Buffered puts beyond the last etcd key. */
	while (!w->stop && (p = next_put(w, w->last, lo_incl, NULL, 0,
	    end)) != NULL) {
		if ((st = visit(w, msbuf_ptr(p->key), msbuf_len(p->key),
		    msbuf_ptr(p->val), msbuf_len(p->val))) != MS_STORE_OK)
			return st;
		lo_incl = 0;
	}
	return MS_STORE_OK;
}

int
ms_etcd_tx_walk(struct ms_etcd_tx *t, const char *table,
    const u_char *prefix, size_t prefixlen, const u_char *from,
    size_t fromlen, ms_etcd_tx_fn *cb, void *ctx, char *err, size_t errlen)
{
	struct msbuf *pk = NULL, *start = NULL, *end = NULL;
	struct walk w;
	u_char endb[MS_ETCD_KEY_MAX];
	size_t endlen;
	int st = MS_STORE_ERROR;

	memset(&w, 0, sizeof(w));
	w.t = t;
	w.cb = cb;
	w.ctx = ctx;
	w.skip = strlen(t->prefix) + strlen(table) + 1;
	w.limit = TX_WALK_BATCH;
	if ((w.pk = pk = full_key(t, table, prefix, prefixlen)) == NULL ||
	    (start = full_key(t, table, from != NULL ? from : prefix,
	    from != NULL ? fromlen : prefixlen)) == NULL ||
	    (w.last = msbuf_new(MS_ETCD_KEY_MAX)) == NULL ||
	    (end = msbuf_new(MS_ETCD_KEY_MAX)) == NULL)
		goto out;
	if (msbuf_len(pk) > sizeof(endb) ||
	    (st = ms_etcd_prefix_end(msbuf_ptr(pk), msbuf_len(pk), endb,
	    &endlen)) != MS_STORE_OK || msbuf_put(end, endb, endlen) != 0) {
		st = MS_STORE_ERROR;
		goto out;
	}
	if ((st = note_range(t, pk, end, err, errlen)) == MS_STORE_OK)
		st = walk_batches(&w, start, end, err, errlen);
 out:
	msbuf_free(pk);
	msbuf_free(start);
	msbuf_free(end);
	msbuf_free(w.last);
	return st;
}

/* Whether a buffered write falls in [key, end). */
static int
writes_in(const struct ms_etcd_tx *t, const struct msbuf *key,
    const struct msbuf *end)
{
	const struct tx_key *e;
	size_t i;

	for (i = 0; i < t->nkeys; i++) {
		e = &t->keys[i];
		if (e->write != TX_NONE &&
		    key_cmp(msbuf_ptr(e->key), msbuf_len(e->key),
		    msbuf_ptr(key), msbuf_len(key)) >= 0 &&
		    key_cmp(msbuf_ptr(e->key), msbuf_len(e->key),
		    msbuf_ptr(end), msbuf_len(end)) < 0)
			return 1;
	}
	return 0;
}

int
ms_etcd_tx_count(struct ms_etcd_tx *t, const char *table,
    const u_char *prefix, size_t prefixlen, uint64_t *np, char *err,
    size_t errlen)
{
	struct ms_etcd_range q;
	struct ms_etcd_range_result res;
	struct msbuf *pk, *end = NULL;
	u_char endb[MS_ETCD_KEY_MAX];
	size_t endlen;
	int st = MS_STORE_ERROR;

	*np = 0;
	if ((pk = full_key(t, table, prefix, prefixlen)) == NULL ||
	    msbuf_len(pk) > sizeof(endb) ||
	    ms_etcd_prefix_end(msbuf_ptr(pk), msbuf_len(pk), endb,
	    &endlen) != MS_STORE_OK ||
	    (end = msbuf_new(MS_ETCD_KEY_MAX)) == NULL ||
	    msbuf_put(end, endb, endlen) != 0)
		goto out;
	if (writes_in(t, pk, end)) {
		st = ms_etcd_fail(err, errlen, MS_STORE_ERROR,
		    "count over this transaction's own writes");
		goto out;
	}
	if ((st = note_range(t, pk, end, err, errlen)) != MS_STORE_OK)
		goto out;
	memset(&q, 0, sizeof(q));
	q.key = msbuf_ptr(pk);
	q.keylen = msbuf_len(pk);
	q.end = endb;
	q.endlen = endlen;
	q.count_only = 1;
	if ((st = tx_range(t, &q, NULL, NULL, &res, err, errlen)) !=
	    MS_STORE_OK)
		goto out;
	if (t->revision == 0)
		t->revision = res.revision;
	if (res.count < 0)
		st = ms_etcd_fail(err, errlen, MS_STORE_ERROR, "negative count");
	else
		*np = (uint64_t)res.count;
 out:
	msbuf_free(pk);
	msbuf_free(end);
	return st;
}

static int
add_compares(struct ms_etcd_tx *t, struct ms_etcd_txn *txn)
{
	const struct tx_key *e;
	const struct tx_range *r;
	size_t i, n = t->nranges;
	int st;

	for (i = 0; i < t->nkeys; i++)
		n += t->keys[i].read;
	/* One compare per read: never send a transaction missing one. */
	if (n > MS_ETCD_TXN_OPS_MAX)
		return MS_ETCD_TOO_LARGE;

	for (i = 0; i < t->nkeys; i++) {
		e = &t->keys[i];
		if (!e->read)
			continue;
		st = e->mod == 0 ?
		    ms_etcd_txn_compare(txn, msbuf_ptr(e->key),
		    msbuf_len(e->key), NULL, 0, MS_ETCD_CMP_CREATE,
		    MS_ETCD_EQUAL, 0) :
		    ms_etcd_txn_compare(txn, msbuf_ptr(e->key),
		    msbuf_len(e->key), NULL, 0, MS_ETCD_CMP_MOD,
		    MS_ETCD_EQUAL, e->mod);
		if (st != MS_STORE_OK)
			return st;
	}
	for (i = 0; i < t->nranges; i++) {
		r = &t->ranges[i];
		if ((st = ms_etcd_txn_compare(txn, msbuf_ptr(r->key),
		    msbuf_len(r->key), msbuf_ptr(r->end), msbuf_len(r->end),
		    MS_ETCD_CMP_MOD, MS_ETCD_LESS, t->revision + 1)) !=
		    MS_STORE_OK)
			return st;
	}
	return MS_STORE_OK;
}

static int
add_writes(struct ms_etcd_tx *t, struct ms_etcd_txn *txn)
{
	const struct tx_key *e;
	size_t i;
	int st = MS_STORE_OK;

	for (i = 0; i < t->nkeys && st == MS_STORE_OK; i++) {
		e = &t->keys[i];
		if (e->write == TX_PUT)
			st = ms_etcd_txn_put(txn, msbuf_ptr(e->key),
			    msbuf_len(e->key), msbuf_ptr(e->val),
			    msbuf_len(e->val));
		else if (e->write == TX_DEL)
			st = ms_etcd_txn_delete(txn, msbuf_ptr(e->key),
			    msbuf_len(e->key), NULL, 0);
	}
	return st;
}

int
ms_etcd_tx_commit(struct ms_etcd_tx *t, int64_t *revision, char *err,
    size_t errlen)
{
	struct ms_etcd_txn *txn;
	int st, ok;

	*revision = t->revision;
	if ((txn = ms_etcd_txn_new()) == NULL)
		return ms_etcd_fail(err, errlen, MS_STORE_ERROR, "out of memory");
	if ((st = add_writes(t, txn)) != MS_STORE_OK) {
		ms_etcd_txn_free(txn);
		return ms_etcd_fail(err, errlen, MS_STORE_ERROR,
		    "cannot build the transaction's writes");
	}
	if (ms_etcd_txn_nops(txn) == 0) {
		ms_etcd_txn_free(txn);
		return MS_STORE_OK;
	}
	if ((st = add_compares(t, txn)) != MS_STORE_OK) {
		ms_etcd_txn_free(txn);
		return ms_etcd_fail(err, errlen, MS_STORE_ERROR, st ==
		    MS_ETCD_TOO_LARGE ? "the transaction read more than the "
		    "%d keys and ranges one etcd Txn can check" :
		    "cannot build the transaction's compares (%d)",
		    st == MS_ETCD_TOO_LARGE ? MS_ETCD_TXN_OPS_MAX : st);
	}
	if ((st = ms_etcd_txn_commit(t->etcd, txn, &ok, revision, err,
	    errlen)) != MS_STORE_OK) {
		ms_etcd_txn_free(txn);
		return st;
	}
	ms_etcd_txn_free(txn);
	return ok ? MS_STORE_OK : MS_ETCD_TXN_CONFLICT;
}
