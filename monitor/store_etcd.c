/*
 * store_etcd.c — the etcd backend of the store (store_kv.h): the four
 * tables under EtcdPrefix in an etcd cluster, each transaction one
 * optimistic transaction of etcd_txn.h.
 *
 * Key = prefix || table || '/' || key bytes, which is etcd_txn.h's own
 * layout (table is "meta", "nodes", "dirents" or "records").  Keys and
 * values are the LMDB backend's, so SECURE values arrive here sealed.
 *
 * Threads.  A libcurl easy handle serves one thread at a time, so the
 * store keeps a pool of etcd handles under a mutex: a transaction takes
 * one at begin (making a new one when none is free) and gives it back at
 * its end.  Any number of threads may so run transactions on one store.
 *
 * Time.  Every call to etcd is bounded by the configured timeout and by
 * the calling thread's deadline (store_deadline()); past the deadline a
 * call fails with MS_STORE_UNAVAILABLE without being sent.
 *
 * Size.  A write is one etcd Txn, which checks at most 128 reads and
 * makes at most 128 writes (etcd's --max-txn-ops default): a SET that
 * creates some 60 missing levels of a path at once is beyond it and
 * fails whole (MS_STORE_ERROR, logged).  Reads have no such bound.
 */

#include <sys/types.h>

#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "etcd_kv.h"
#include "etcd_txn.h"
#include "log.h"
#include "store.h"
#include "store_int.h"
#include "store_kv.h"
#include "timeio.h"

/* Idle handles kept for reuse; more are made while many threads run. */
#define POOL_IDLE_MAX	32
#define ERR_MAX		256
#define DEADLINE_PASSED	"the request's deadline has passed"

struct etcd_store {
	pthread_mutex_t	 lock;
	struct ms_etcd_opts opts;	/* strings owned here */
	char		 prefix[MS_ETCD_PREFIX_MAX + 1];
	struct ms_etcd	*idle[POOL_IDLE_MAX];
	size_t		 nidle;
};

struct store_tx {
	struct etcd_store *es;
	struct ms_etcd	*h;
	struct ms_etcd_tx *t;
	int		 write;
	int		 fail;		/* first backend failure (store_kv.h) */
	uint64_t	 request;	/* store_request() at begin; 0: none */
};

/*
 * One snapshot per request.  A request's first read transaction reads
 * linearizably (one quorum round) and remembers here the revision R it
 * saw and the member M that answered; its later read transactions, and
 * the later reads of the first, are serializable reads at R on M.  M
 * answered a linearizable read at R, so it has applied R, and a
 * serializable read at R there returns exactly the state at R (etcd
 * refuses a revision a member has not applied, or has compacted, and
 * then the read falls back to a linearizable one and pins again).
 *
 * Why the request stays linearizable: it takes effect at its first
 * read's point, the moment etcd's ReadIndex confirmed R as the latest
 * committed revision; every later read returns that same state, so the
 * request behaves as if all its reads ran at that instant.  An ACL
 * change committed after R is after the request, which a linearizable
 * history allows (the change and the request overlapped, or the change
 * came later); a change committed before R is seen, so once a SETACL
 * was acknowledged anywhere, every request begun after it obeys it.
 *
 * Writes are never pinned: a write transaction reads its own fresh
 * linearizable snapshot (its commit compares keep it serializable, and
 * after STORE_CONFLICT the rerun must see the winner's write), and its
 * end drops the pin, so reads later in the same request see the write.
 * Outside a request (store_request() 0) nothing is pinned.
 */
struct pin {
	uint64_t		 request;	/* 0: none */
	const struct etcd_store	*es;
	int64_t			 revision;
	size_t			 endpoint;
};
static __thread struct pin pin;

static const char *const table_name[STORE_T_COUNT] = {
	"meta", "nodes", "dirents", "records"
};

static struct etcd_store *
impl(struct ms_store *s)
{
	return s->impl;
}

/* A handle from the pool, or a new one. */
static int
handle_take(struct etcd_store *es, struct ms_etcd **hp)
{
	char err[ERR_MAX];
	int st;

	*hp = NULL;
	pthread_mutex_lock(&es->lock);
	if (es->nidle > 0)
		*hp = es->idle[--es->nidle];
	pthread_mutex_unlock(&es->lock);
	if (*hp != NULL)
		return MS_STORE_OK;
	err[0] = '\0';
	if ((st = ms_etcd_new(&es->opts, hp, err, sizeof(err))) !=
	    MS_STORE_OK)
		store_error("store: etcd: %s", err);
	return st;
}

static void
handle_give(struct etcd_store *es, struct ms_etcd *h)
{
	if (h == NULL)
		return;
	ms_etcd_set_deadline(h, 0);
	pthread_mutex_lock(&es->lock);
	if (es->nidle < POOL_IDLE_MAX) {
		es->idle[es->nidle++] = h;
		h = NULL;
	}
	pthread_mutex_unlock(&es->lock);
	ms_etcd_free(h);
}

/*
 * Before each call: bound the handle by the thread's deadline, or fail
 * at once when it has passed.
 */
static int
call_bound(struct store_tx *tx)
{
	int64_t d = store_deadline();

	if (d != 0 && ms_now_ms() >= d)
		return MS_STORE_UNAVAILABLE;
	ms_etcd_set_deadline(tx->h, d);
	return MS_STORE_OK;
}

/*
 * A failure of etcd (or of the client) is logged with etcd_kv's text,
 * which never holds a value, and remembered for the end.
 */
static int
tx_fail(struct store_tx *tx, const char *what, int st, const char *err)
{
	if (st == MS_ETCD_TOO_LARGE)
		st = MS_STORE_ERROR;
	if (st != MS_STORE_UNAVAILABLE && st != MS_STORE_ERROR &&
	    st != MS_STORE_FULL)
		st = MS_STORE_ERROR;
	store_error("store: etcd: %s: %s", what,
	    err != NULL && *err != '\0' ? err : ms_store_strerror(st));
	if (tx->fail == MS_STORE_OK)
		tx->fail = st;
	return st;
}

static struct ms_etcd_tx *
tx_new(const struct store_tx *tx)
{
	const char *prefix = tx->es->prefix;

	if (tx->write)
		return ms_etcd_tx_begin(tx->h, prefix);
	if (tx->request == 0)
		return ms_etcd_tx_begin_read(tx->h, prefix);
	if (pin.request == tx->request && pin.es == tx->es)
		return ms_etcd_tx_begin_pinned(tx->h, prefix, pin.revision,
		    pin.endpoint);
	return ms_etcd_tx_begin_pinned(tx->h, prefix, 0, 0);
}

/* After a transaction of a request: what its later reads are pinned to. */
static void
pin_update(const struct store_tx *tx)
{
	struct pin p;

	if (tx->request == 0)
		return;
	if (tx->write) {
		memset(&pin, 0, sizeof(pin));
		return;
	}
	memset(&p, 0, sizeof(p));
	if (ms_etcd_tx_pin(tx->t, &p.revision, &p.endpoint)) {
		p.request = tx->request;
		p.es = tx->es;
		pin = p;
	}
}

static int
etcd_begin(struct ms_store *s, int write, struct store_tx **txp)
{
	struct etcd_store *es = impl(s);
	struct store_tx *tx;
	int st;

	*txp = NULL;
	if ((tx = calloc(1, sizeof(*tx))) == NULL)
		return store_buf_fail("etcd transaction", MS_ERR_ALLOC);
	tx->es = es;
	tx->write = write;
	tx->request = store_request();
	if ((st = handle_take(es, &tx->h)) != MS_STORE_OK) {
		free(tx);
		return st;
	}
	tx->t = tx_new(tx);
	if (tx->t == NULL) {
		handle_give(es, tx->h);
		free(tx);
		return store_buf_fail("etcd transaction", MS_ERR_ALLOC);
	}
	*txp = tx;
	return MS_STORE_OK;
}

/*
 * A write inside a request: it must not commit under an ACL newer than
 * the snapshot the request was authorised at (the request's pin, R), so
 * each node of its path is compared to R as well.  A failed guard is a
 * conflict, and the request runs again from its authorisation.
 */
static int
etcd_guard(struct store_tx *tx, enum store_table t, const u_char *key,
    size_t keylen)
{
	char err[ERR_MAX];
	int st;

	if (!tx->write || tx->request == 0 || pin.request != tx->request ||
	    pin.es != tx->es)
		return MS_STORE_OK;
	err[0] = '\0';
	if ((st = ms_etcd_tx_guard(tx->t, table_name[t], key, keylen,
	    pin.revision, err, sizeof(err))) != MS_STORE_OK)
		return tx_fail(tx, "guard", st, err);
	return MS_STORE_OK;
}

static int
commit(struct store_tx *tx)
{
	char err[ERR_MAX];
	int64_t rev;
	int st;

	if ((st = call_bound(tx)) != MS_STORE_OK) {
		store_error("store: etcd: commit: %s", DEADLINE_PASSED);
		return st;
	}
	err[0] = '\0';
	st = ms_etcd_tx_commit(tx->t, &rev, err, sizeof(err));
	if (st == MS_ETCD_TXN_CONFLICT) {
		store_debug("store: etcd: commit conflicted with another "
		    "writer");
		return STORE_CONFLICT;
	}
	if (st != MS_STORE_OK) {
		/* After a timeout the outcome is unknown: never resent. */
		store_error("store: etcd: commit: %s", err[0] != '\0' ? err :
		    ms_store_strerror(st));
		return st == MS_STORE_UNAVAILABLE || st == MS_STORE_FULL ? st :
		    MS_STORE_ERROR;
	}
	return MS_STORE_OK;
}

static int
etcd_end(struct ms_store *s, struct store_tx *tx, int st)
{
	if (tx == NULL)
		return st;
	if (tx->fail != MS_STORE_OK)
		st = tx->fail;
	else if (tx->write && st == MS_STORE_OK)
		st = commit(tx);
	pin_update(tx);
	ms_etcd_tx_free(tx->t);
	handle_give(tx->es, tx->h);
	free(tx);
	return st;
}

static int
etcd_get(struct store_tx *tx, enum store_table t, const u_char *key,
    size_t keylen, struct store_val *v)
{
	char err[ERR_MAX];
	int st;

	v->data = NULL;
	v->len = 0;
	if (tx->fail != MS_STORE_OK)
		return tx->fail;
	if ((st = call_bound(tx)) != MS_STORE_OK)
		return tx_fail(tx, "read", st, DEADLINE_PASSED);
	err[0] = '\0';
	st = ms_etcd_tx_get(tx->t, table_name[t], key, keylen, &v->data,
	    &v->len, err, sizeof(err));
	if (st == MS_STORE_OK || st == MS_STORE_NOT_FOUND_RECORD)
		return st;
	return tx_fail(tx, "read", st, err);
}

static int
etcd_put(struct store_tx *tx, enum store_table t, const u_char *key,
    size_t keylen, const u_char *val, size_t vallen, int nooverwrite)
{
	struct store_val old;
	int st;

	if (tx->fail != MS_STORE_OK)
		return tx->fail;
	if (nooverwrite) {
		/* The read also makes the commit check the key is absent. */
		if ((st = etcd_get(tx, t, key, keylen, &old)) == MS_STORE_OK) {
			store_error("store: etcd: %s: key exists",
			    table_name[t]);
			return MS_STORE_INVALID;
		}
		if (st != MS_STORE_NOT_FOUND_RECORD)
			return st;
	}
	if ((st = ms_etcd_tx_put(tx->t, table_name[t], key, keylen, val,
	    vallen)) == MS_STORE_INVALID) {
		store_error("store: etcd: %s: write refused (a read "
		    "transaction, or a value of %zu bytes)", table_name[t],
		    vallen);
		return st;
	}
	if (st != MS_STORE_OK)
		return tx_fail(tx, "write", st, "more keys than one "
		    "transaction may write, or out of memory");
	return MS_STORE_OK;
}

static int
etcd_del(struct store_tx *tx, enum store_table t, const u_char *key,
    size_t keylen)
{
	struct store_val old;
	int st;

	/* Whether it exists is part of the answer, and so of the compares. */
	if ((st = etcd_get(tx, t, key, keylen, &old)) != MS_STORE_OK)
		return st;
	if ((st = ms_etcd_tx_del(tx->t, table_name[t], key, keylen)) !=
	    MS_STORE_OK)
		return tx_fail(tx, "delete", st, "more keys than one "
		    "transaction may write, or out of memory");
	return MS_STORE_OK;
}

struct walk_ctx {
	store_kv_walk_fn *cb;
	void		*ctx;
	int		 r;		/* the callback's last return */
};

static int
walk_cb(void *vctx, const u_char *key, size_t keylen, const u_char *val,
    size_t vallen)
{
	struct walk_ctx *wc = vctx;
	struct store_val v;

	v.data = val;
	v.len = vallen;
	wc->r = wc->cb(wc->ctx, key, keylen, &v);
	return wc->r != 0;
}

static int
etcd_walk(struct store_tx *tx, enum store_table t, const u_char *prefix,
    size_t prefixlen, const u_char *from, size_t fromlen,
    store_kv_walk_fn *cb, void *ctx)
{
	struct walk_ctx wc;
	char err[ERR_MAX];
	int st;

	if (tx->fail != MS_STORE_OK)
		return tx->fail;
	if ((st = call_bound(tx)) != MS_STORE_OK)
		return tx_fail(tx, "walk", st, DEADLINE_PASSED);
	memset(&wc, 0, sizeof(wc));
	wc.cb = cb;
	wc.ctx = ctx;
	err[0] = '\0';
	st = ms_etcd_tx_walk(tx->t, table_name[t], prefix, prefixlen, from,
	    fromlen, walk_cb, &wc, err, sizeof(err));
	if (st != MS_STORE_OK)
		return tx_fail(tx, "walk", st, err);
	/* A callback may have met a failure of a nested read. */
	if (tx->fail != MS_STORE_OK)
		return tx->fail;
	return wc.r < 0 ? MS_STORE_ERROR : MS_STORE_OK;
}

static int
etcd_count(struct store_tx *tx, enum store_table t, uint64_t *np)
{
	char err[ERR_MAX];
	int st;

	*np = 0;
	if (tx->fail != MS_STORE_OK)
		return tx->fail;
	if ((st = call_bound(tx)) != MS_STORE_OK)
		return tx_fail(tx, "count", st, DEADLINE_PASSED);
	err[0] = '\0';
	if ((st = ms_etcd_tx_count(tx->t, table_name[t], NULL, 0, np, err,
	    sizeof(err))) != MS_STORE_OK)
		return tx_fail(tx, "count", st, err);
	return MS_STORE_OK;
}

/*
 * What the answering member's database holds (the whole cluster's data,
 * not this prefix's alone).  Its quota is not in etcd's answer: no bound
 * the daemon knows of.
 */
static int
etcd_space(struct ms_store *s, uint64_t *usedp, uint64_t *maxp)
{
	struct etcd_store *es = impl(s);
	struct ms_etcd *h;
	char err[ERR_MAX];
	int64_t d = store_deadline(), size;
	int st;

	*usedp = 0;
	*maxp = 0;
	if (d != 0 && ms_now_ms() >= d) {
		store_error("store: etcd: status: %s", DEADLINE_PASSED);
		return MS_STORE_UNAVAILABLE;
	}
	if ((st = handle_take(es, &h)) != MS_STORE_OK)
		return st;
	ms_etcd_set_deadline(h, d);
	err[0] = '\0';
	if ((st = ms_etcd_status(h, &size, err, sizeof(err))) == MS_STORE_OK)
		*usedp = (uint64_t)size;
	else
		store_error("store: etcd: status: %s", err);
	handle_give(es, h);
	return st == MS_STORE_OK || st == MS_STORE_UNAVAILABLE ? st :
	    MS_STORE_ERROR;
}

static void
opts_free(struct ms_etcd_opts *o)
{
	size_t i;

	for (i = 0; i < o->nendpoints; i++)
		free((char *)o->endpoints[i]);
	free((char *)o->ca_file);
	free((char *)o->cert_file);
	free((char *)o->key_file);
	memset(o, 0, sizeof(*o));
}

static void
etcd_close(struct ms_store *s)
{
	struct etcd_store *es = impl(s);
	size_t i;

	if (es == NULL)
		return;
	for (i = 0; i < es->nidle; i++)
		ms_etcd_free(es->idle[i]);
	opts_free(&es->opts);
	pthread_mutex_destroy(&es->lock);
	free(es);
	s->impl = NULL;
}

const struct store_backend store_etcd_backend = {
	.name = "etcd",
	.begin = etcd_begin,
	.end = etcd_end,
	.get = etcd_get,
	.put = etcd_put,
	.del = etcd_del,
	.guard = etcd_guard,
	.walk = etcd_walk,
	.count = etcd_count,
	.space = etcd_space,
	.group_begin = NULL,
	.group_end = NULL,
	.copy = NULL,
	.close = etcd_close,
};

/* EtcdPrefix: "/...", ending in '/', printable ASCII without spaces. */
static int
prefix_ok(const char *p)
{
	size_t i, len;

	if (p == NULL || (len = strlen(p)) < 1 || len > MS_ETCD_PREFIX_MAX ||
	    p[0] != '/' || p[len - 1] != '/')
		return 0;
	for (i = 0; i < len; i++)
		if (!isgraph((u_char)p[i]))
			return 0;
	return 1;
}

static int
dup_opt(const char *in, const char **outp)
{
	*outp = NULL;
	if (in == NULL)
		return 0;
	return (*outp = strdup(in)) == NULL ? -1 : 0;
}

static int
opts_copy(const struct ms_etcd_opts *in, struct ms_etcd_opts *o)
{
	size_t i;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < in->nendpoints; i++) {
		if (in->endpoints[i] == NULL ||
		    (o->endpoints[i] = strdup(in->endpoints[i])) == NULL)
			return -1;
		o->nendpoints++;
	}
	o->timeout_ms = in->timeout_ms;
	if (dup_opt(in->ca_file, &o->ca_file) != 0 ||
	    dup_opt(in->cert_file, &o->cert_file) != 0 ||
	    dup_opt(in->key_file, &o->key_file) != 0)
		return -1;
	return 0;
}

/* The backend's state with its first handle: checks the configuration. */
static int
etcd_attach(struct ms_store *s, const struct ms_store_etcd_conf *conf)
{
	struct etcd_store *es;
	struct ms_etcd *h;
	int st;

	if ((es = calloc(1, sizeof(*es))) == NULL)
		return store_buf_fail("etcd open", MS_ERR_ALLOC);
	if (pthread_mutex_init(&es->lock, NULL) != 0) {
		free(es);
		return store_buf_fail("etcd open", MS_ERR_ALLOC);
	}
	s->impl = es;
	s->be = &store_etcd_backend;
	s->blocking = 1;
	strlcpy(es->prefix, conf->prefix, sizeof(es->prefix));
	if (opts_copy(&conf->etcd, &es->opts) != 0)
		return store_buf_fail("etcd open", MS_ERR_ALLOC);
	if ((st = handle_take(es, &h)) != MS_STORE_OK)
		return st == MS_STORE_INVALID ? st : MS_STORE_ERROR;
	handle_give(es, h);
	return MS_STORE_OK;
}

int
ms_store_open_etcd(const struct ms_store_etcd_conf *conf,
    const u_char keys[][MS_STORE_KEY_LEN], size_t nkeys, int flags,
    struct ms_store **sp)
{
	struct ms_store *s = NULL;
	int st;

	if (sp == NULL)
		return MS_STORE_INVALID;
	*sp = NULL;
	if (conf == NULL || !prefix_ok(conf->prefix)) {
		store_error("store: etcd: the prefix must start and end with "
		    "'/', be printable ASCII without spaces and at most %d "
		    "bytes", MS_ETCD_PREFIX_MAX);
		return MS_STORE_INVALID;
	}
	if ((st = store_new(keys, nkeys, flags, &s)) != MS_STORE_OK)
		return st;
	/* The shared open, as on LMDB; a lost creation race is retried. */
	if ((st = etcd_attach(s, conf)) != MS_STORE_OK ||
	    (st = store_open_finish(s)) != MS_STORE_OK) {
		ms_store_close(s);
		return st;
	}
	store_debug("store: etcd %s%s open%s", conf->etcd.endpoints[0],
	    conf->prefix, s->rdonly ? " read-only" : "");
	*sp = s;
	return MS_STORE_OK;
}
