/*
 * etcd-tx — drives monitor/etcd_txn.c against a real etcd cluster for
 * regress/etcd-txn.sh.
 *
 *	etcd-tx ENDPOINTS PREFIX selftest
 *		conflicts on a changed key, an appeared key and a range;
 *		read-your-writes; a walk merging etcd keys (several batches)
 *		with buffered puts and deletions; read-only transactions
 *		past the write caps; the caps failing cleanly; a walk over
 *		values too large for one batch; a passed deadline; pinned
 *		(serializable, one member) reads.  Prints "ok NAME" or
 *		"FAIL NAME: why" per check; exit 1 on any failure.
 *	etcd-tx ENDPOINTS PREFIX hostile
 *		a walk and a get against an endpoint whose answers carry keys
 *		it did not ask for (regress/etcd-hostile.sh's fake gateway):
 *		prints "refused walk after N key(s)" (those before the first
 *		foreign one) and "refused get" when both fail with
 *		MS_STORE_ERROR; exit 1 if not.
 *	etcd-tx ENDPOINTS PREFIX incr KEY N
 *		N read-increment-write transactions on a decimal counter,
 *		each retried on conflict; prints "done N retries R".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etcd_kv.h"
#include "etcd_txn.h"
#include "store.h"
#include "timeio.h"

#define TIMEOUT_MS	10000
#define MANY		300	/* more than one walk batch */
#define BIG		(1024 * 1024)	/* MS_VALUE_MAX */
#define NBIG		12	/* NBIG x BIG, base64: beyond one answer */

static struct ms_etcd *etcd;
static const char *prefix;
static int failures;
static char err[512];

static void
check(int ok, const char *name, const char *why)
{
	if (ok)
		printf("ok %s\n", name);
	else {
		printf("FAIL %s: %s (%s)\n", name, why, err);
		failures++;
	}
	err[0] = '\0';
}

static struct ms_etcd_tx *
tx(void)
{
	struct ms_etcd_tx *t;

	if ((t = ms_etcd_tx_begin(etcd, prefix)) == NULL) {
		fprintf(stderr, "etcd-tx: out of memory\n");
		exit(2);
	}
	return t;
}

static int
put1(const char *key, const char *val)
{
	struct ms_etcd_tx *t = tx();
	int64_t rev;
	int st;

	st = ms_etcd_tx_put(t, "t", (const u_char *)key, strlen(key),
	    (const u_char *)val, strlen(val));
	if (st == MS_STORE_OK)
		st = ms_etcd_tx_commit(t, &rev, err, sizeof(err));
	ms_etcd_tx_free(t);
	return st;
}

static int
get1(struct ms_etcd_tx *t, const char *key, char *out, size_t outlen)
{
	const u_char *v;
	size_t n;
	int st;

	if ((st = ms_etcd_tx_get(t, "t", (const u_char *)key, strlen(key), &v,
	    &n, err, sizeof(err))) != MS_STORE_OK)
		return st;
	snprintf(out, outlen, "%.*s", (int)n, (const char *)v);
	return MS_STORE_OK;
}

static void
test_changed_key(void)
{
	struct ms_etcd_tx *a = tx(), *b = tx();
	char v[64];
	int64_t rev;

	put1("k", "1");
	get1(a, "k", v, sizeof(v));
	get1(b, "k", v, sizeof(v));
	ms_etcd_tx_put(b, "t", (const u_char *)"k", 1, (const u_char *)"b", 1);
	check(ms_etcd_tx_commit(b, &rev, err, sizeof(err)) == MS_STORE_OK,
	    "first-writer-commits", "the first writer did not commit");
	ms_etcd_tx_put(a, "t", (const u_char *)"k", 1, (const u_char *)"a", 1);
	check(ms_etcd_tx_commit(a, &rev, err, sizeof(err)) ==
	    MS_ETCD_TXN_CONFLICT, "second-writer-conflicts",
	    "a write over a stale read committed");
	ms_etcd_tx_free(a);
	ms_etcd_tx_free(b);
	a = tx();
	check(get1(a, "k", v, sizeof(v)) == MS_STORE_OK && strcmp(v, "b") == 0,
	    "winner-kept", "the value is not the first writer's");
	ms_etcd_tx_free(a);
}

static void
test_appeared_key(void)
{
	struct ms_etcd_tx *a = tx();
	char v[64];
	int64_t rev;

	check(get1(a, "new", v, sizeof(v)) == MS_STORE_NOT_FOUND_RECORD,
	    "absent-read", "an absent key was found");
	put1("new", "other");
	ms_etcd_tx_put(a, "t", (const u_char *)"new", 3,
	    (const u_char *)"mine", 4);
	check(ms_etcd_tx_commit(a, &rev, err, sizeof(err)) ==
	    MS_ETCD_TXN_CONFLICT, "appeared-key-conflicts",
	    "a create over a key that appeared meanwhile committed");
	ms_etcd_tx_free(a);
}

struct collect {
	char	 keys[4096];
	size_t	 n;
};

static int
collect_cb(void *ctx, const u_char *k, size_t klen, const u_char *v,
    size_t vlen)
{
	struct collect *c = ctx;
	size_t used = strlen(c->keys);

	(void)v;
	(void)vlen;
	c->n++;
	if (c->n <= 8)
		snprintf(c->keys + used, sizeof(c->keys) - used, "%s%.*s",
		    used ? "," : "", (int)klen, (const char *)k);
	return 0;
}

static void
test_range(void)
{
	struct ms_etcd_tx *a = tx();
	struct collect c;
	int64_t rev;

	memset(&c, 0, sizeof(c));
	check(ms_etcd_tx_walk(a, "t", (const u_char *)"empty/", 6, NULL, 0,
	    collect_cb, &c, err, sizeof(err)) == MS_STORE_OK && c.n == 0,
	    "empty-walk", "an empty range had keys");
	put1("empty/child", "x");
	ms_etcd_tx_put(a, "t", (const u_char *)"other", 5,
	    (const u_char *)"y", 1);
	check(ms_etcd_tx_commit(a, &rev, err, sizeof(err)) ==
	    MS_ETCD_TXN_CONFLICT, "range-conflicts",
	    "a key added to a range read did not conflict");
	ms_etcd_tx_free(a);
}

static void
test_merge(void)
{
	struct ms_etcd_tx *a = tx();
	struct collect c;
	char v[64];

	put1("m/1", "1");
	put1("m/2", "2");
	put1("m/3", "3");
	ms_etcd_tx_del(a, "t", (const u_char *)"m/2", 3);
	ms_etcd_tx_put(a, "t", (const u_char *)"m/0", 3, (const u_char *)"0", 1);
	ms_etcd_tx_put(a, "t", (const u_char *)"m/25", 4,
	    (const u_char *)"x", 1);
	ms_etcd_tx_put(a, "t", (const u_char *)"m/3", 3, (const u_char *)"z", 1);
	ms_etcd_tx_put(a, "t", (const u_char *)"m/9", 3, (const u_char *)"9", 1);
	memset(&c, 0, sizeof(c));
	check(ms_etcd_tx_walk(a, "t", (const u_char *)"m/", 2, NULL, 0,
	    collect_cb, &c, err, sizeof(err)) == MS_STORE_OK &&
	    strcmp(c.keys, "m/0,m/1,m/25,m/3,m/9") == 0, "walk-merges",
	    c.keys);
	check(get1(a, "m/3", v, sizeof(v)) == MS_STORE_OK && strcmp(v, "z") == 0,
	    "read-your-writes", "a buffered put was not read back");
	check(get1(a, "m/2", v, sizeof(v)) == MS_STORE_NOT_FOUND_RECORD,
	    "read-your-deletes", "a buffered delete was still found");
	memset(&c, 0, sizeof(c));
	check(ms_etcd_tx_walk(a, "t", (const u_char *)"m/", 2,
	    (const u_char *)"m/25", 4, collect_cb, &c, err, sizeof(err)) ==
	    MS_STORE_OK && strcmp(c.keys, "m/25,m/3,m/9") == 0, "walk-from",
	    c.keys);
	ms_etcd_tx_free(a);
}

static void
test_batches(void)
{
	struct ms_etcd_tx *a;
	struct collect c;
	char k[32];
	int64_t rev;
	int i, j, st = MS_STORE_OK;

	for (i = 0; i < MANY && st == MS_STORE_OK; i += 100) {
		a = tx();
		for (j = i; j < i + 100 && j < MANY; j++) {
			snprintf(k, sizeof(k), "b/%04d", j);
			ms_etcd_tx_put(a, "t", (const u_char *)k, strlen(k),
			    (const u_char *)"v", 1);
		}
		st = ms_etcd_tx_commit(a, &rev, err, sizeof(err));
		ms_etcd_tx_free(a);
	}
	a = tx();
	ms_etcd_tx_del(a, "t", (const u_char *)"b/0256", 6);
	ms_etcd_tx_put(a, "t", (const u_char *)"b/02555", 7,
	    (const u_char *)"v", 1);
	memset(&c, 0, sizeof(c));
	check(st == MS_STORE_OK && ms_etcd_tx_walk(a, "t",
	    (const u_char *)"b/", 2, NULL, 0, collect_cb, &c, err,
	    sizeof(err)) == MS_STORE_OK && c.n == MANY, "walk-batches",
	    "a walk over several batches lost or repeated keys");
	ms_etcd_tx_free(a);
}

static struct ms_etcd_tx *
rtx(void)
{
	struct ms_etcd_tx *t;

	if ((t = ms_etcd_tx_begin_read(etcd, prefix)) == NULL) {
		fprintf(stderr, "etcd-tx: out of memory\n");
		exit(2);
	}
	return t;
}

/* After test_batches: MANY keys b/0000... */
static void
test_read_only(void)
{
	struct ms_etcd_tx *a = rtx();
	struct collect c;
	char k[32], v[64];
	uint64_t n = 0;
	int i, ok = 1;

	for (i = 0; i < MANY && ok; i++) {
		snprintf(k, sizeof(k), "b/%04d", i);
		ok = get1(a, k, v, sizeof(v)) == MS_STORE_OK &&
		    strcmp(v, "v") == 0;
	}
	check(ok, "read-many-keys", "a read transaction stopped at a cap");
	for (i = 0; i < 40 && ok; i++) {
		memset(&c, 0, sizeof(c));
		ok = ms_etcd_tx_walk(a, "t", (const u_char *)"b/", 2, NULL, 0,
		    collect_cb, &c, err, sizeof(err)) == MS_STORE_OK &&
		    c.n == MANY;
	}
	check(ok, "read-many-ranges", "a read transaction stopped at a cap");
	check(ms_etcd_tx_count(a, "t", (const u_char *)"b/", 2, &n, err,
	    sizeof(err)) == MS_STORE_OK && n == MANY, "count", "wrong count");
	check(ms_etcd_tx_put(a, "t", (const u_char *)"b/x", 3,
	    (const u_char *)"v", 1) == MS_STORE_INVALID &&
	    ms_etcd_tx_del(a, "t", (const u_char *)"b/0001", 6) ==
	    MS_STORE_INVALID, "read-only-refuses-writes",
	    "a read transaction took a write");
	ms_etcd_tx_free(a);
}

static void
test_caps(void)
{
	struct ms_etcd_tx *a = tx();
	struct collect c;
	char k[32], v[64];
	int64_t rev;
	int i, st = MS_STORE_OK;

	for (i = 0; i <= MS_ETCD_TXN_OPS_MAX && st == MS_STORE_OK; i++) {
		snprintf(k, sizeof(k), "b/%04d", i);
		st = get1(a, k, v, sizeof(v));
	}
	check(st == MS_STORE_ERROR && i == MS_ETCD_TXN_OPS_MAX + 1 &&
	    err[0] != '\0', "key-cap-fails", "no clean failure past the cap");
	ms_etcd_tx_free(a);

	a = tx();
	for (i = 0, st = MS_STORE_OK; i < 40 && st == MS_STORE_OK; i++) {
		memset(&c, 0, sizeof(c));
		st = ms_etcd_tx_walk(a, "t", (const u_char *)"m/", 2, NULL, 0,
		    collect_cb, &c, err, sizeof(err));
	}
	check(st == MS_STORE_ERROR && i == 33 && err[0] != '\0',
	    "range-cap-fails", "no clean failure past the range cap");
	ms_etcd_tx_free(a);

	/* 100 keys and 30 ranges: within each cap, beyond etcd's compares. */
	a = tx();
	for (i = 0, st = MS_STORE_OK; i < 100 && st == MS_STORE_OK; i++) {
		snprintf(k, sizeof(k), "b/%04d", i);
		st = get1(a, k, v, sizeof(v));
	}
	for (i = 0; i < 30 && st == MS_STORE_OK; i++)
		st = ms_etcd_tx_walk(a, "t", (const u_char *)"m/", 2, NULL, 0,
		    collect_cb, &c, err, sizeof(err));
	if (st == MS_STORE_OK)
		st = ms_etcd_tx_put(a, "t", (const u_char *)"capped", 6,
		    (const u_char *)"v", 1);
	check(st == MS_STORE_OK && ms_etcd_tx_commit(a, &rev, err,
	    sizeof(err)) == MS_STORE_ERROR && err[0] != '\0',
	    "compare-cap-fails", "a commit past the compare cap did not fail");
	ms_etcd_tx_free(a);
	a = rtx();
	check(get1(a, "capped", v, sizeof(v)) == MS_STORE_NOT_FOUND_RECORD,
	    "compare-cap-wrote-nothing", "the capped transaction wrote");
	ms_etcd_tx_free(a);
}

struct big {
	size_t	n, bad;
};

static int
big_cb(void *ctx, const u_char *k, size_t klen, const u_char *v,
    size_t vlen)
{
	struct big *b = ctx;

	(void)k;
	(void)klen;
	b->n++;
	if (vlen != BIG || v[0] != 'a' || v[BIG - 1] != 'a')
		b->bad++;
	return 0;
}

static void
test_large(void)
{
	struct ms_etcd_tx *a;
	struct big b;
	u_char *v;
	char k[32];
	int64_t rev;
	int i, st = MS_STORE_OK;

	if ((v = malloc(BIG)) == NULL)
		exit(2);
	memset(v, 'a', BIG);
	for (i = 0; i < NBIG && st == MS_STORE_OK; i++) {
		a = tx();
		snprintf(k, sizeof(k), "L/%02d", i);
		if ((st = ms_etcd_tx_put(a, "t", (const u_char *)k, strlen(k),
		    v, BIG)) == MS_STORE_OK)
			st = ms_etcd_tx_commit(a, &rev, err, sizeof(err));
		ms_etcd_tx_free(a);
	}
	free(v);
	check(st == MS_STORE_OK, "large-puts", "a 1 MiB put failed");
	memset(&b, 0, sizeof(b));
	a = rtx();
	check(ms_etcd_tx_walk(a, "t", (const u_char *)"L/", 2, NULL, 0, big_cb,
	    &b, err, sizeof(err)) == MS_STORE_OK && b.n == NBIG && b.bad == 0,
	    "large-walk", "a walk over large values failed or lost some");
	ms_etcd_tx_free(a);
}

static void
test_deadline(void)
{
	struct ms_etcd_tx *a = rtx();
	char v[64];

	ms_etcd_set_deadline(etcd, ms_now_ms() - 1);
	check(get1(a, "k", v, sizeof(v)) == MS_STORE_UNAVAILABLE,
	    "deadline-passed", "a call past its deadline was made");
	ms_etcd_set_deadline(etcd, ms_now_ms() + TIMEOUT_MS);
	check(get1(a, "k", v, sizeof(v)) == MS_STORE_OK,
	    "deadline-ahead", "a call before its deadline failed");
	ms_etcd_set_deadline(etcd, 0);
	ms_etcd_tx_free(a);
}

/*
 * A pinned read transaction sees the snapshot it was pinned to after a
 * later write, on the member that served it; a pin beyond the cluster's
 * revision falls back to a fresh linearizable snapshot; a pinned
 * transaction takes no writes, and a write transaction reads fresh.
 */
static void
test_pinned(void)
{
	struct ms_etcd_tx *a, *p;
	char v[64];
	int64_t rev = 0, prev;
	size_t ep = 0;
	int st;

	put1("pin", "old");
	if ((a = ms_etcd_tx_begin_pinned(etcd, prefix, 0, 0)) == NULL)
		exit(2);
	st = get1(a, "pin", v, sizeof(v));
	check(st == MS_STORE_OK && strcmp(v, "old") == 0 &&
	    ms_etcd_tx_pin(a, &rev, &ep) && rev > 0, "pin-first-read",
	    "the first read did not pin its snapshot");
	ms_etcd_tx_free(a);
	put1("pin", "new");
	if ((p = ms_etcd_tx_begin_pinned(etcd, prefix, rev, ep)) == NULL)
		exit(2);
	check(get1(p, "pin", v, sizeof(v)) == MS_STORE_OK &&
	    strcmp(v, "old") == 0 && ms_etcd_tx_pin(p, &prev, &ep) &&
	    prev == rev, "pinned-sees-old", v);
	check(ms_etcd_tx_put(p, "t", (const u_char *)"pin", 3,
	    (const u_char *)"x", 1) == MS_STORE_INVALID,
	    "pinned-refuses-writes", "a pinned transaction took a write");
	ms_etcd_tx_free(p);
	a = tx();
	check(get1(a, "pin", v, sizeof(v)) == MS_STORE_OK &&
	    strcmp(v, "new") == 0 && !ms_etcd_tx_pin(a, &prev, &ep),
	    "write-tx-unpinned", v);
	ms_etcd_tx_free(a);
	if ((p = ms_etcd_tx_begin_pinned(etcd, prefix, rev + 1000000, 0)) ==
	    NULL)
		exit(2);
	check(get1(p, "pin", v, sizeof(v)) == MS_STORE_OK &&
	    strcmp(v, "new") == 0 && ms_etcd_tx_pin(p, &prev, &ep) &&
	    prev > rev && prev < rev + 1000000, "future-pin-falls-back", v);
	ms_etcd_tx_free(p);
}

static int
incr_once(const char *key, int *conflicts)
{
	struct ms_etcd_tx *t;
	char v[32], nv[32];
	int64_t rev;
	int st;

	for (;;) {
		t = tx();
		st = get1(t, key, v, sizeof(v));
		if (st == MS_STORE_NOT_FOUND_RECORD)
			strlcpy(v, "0", sizeof(v));
		else if (st != MS_STORE_OK)
			break;
		snprintf(nv, sizeof(nv), "%lld", atoll(v) + 1);
		if ((st = ms_etcd_tx_put(t, "t", (const u_char *)key,
		    strlen(key), (const u_char *)nv, strlen(nv))) !=
		    MS_STORE_OK)
			break;
		st = ms_etcd_tx_commit(t, &rev, err, sizeof(err));
		ms_etcd_tx_free(t);
		if (st != MS_ETCD_TXN_CONFLICT)
			return st;
		(*conflicts)++;
	}
	ms_etcd_tx_free(t);
	return st;
}

/* Counts the keys handed on before the walk refused the answer. */
static int
hostile_cb(void *ctx, const u_char *key, size_t keylen, const u_char *val,
    size_t vallen)
{
	int *seen = ctx;

	(*seen)++;
	return 0;
}

static void
test_hostile(void)
{
	struct ms_etcd_tx *t = ms_etcd_tx_begin_read(etcd, prefix);
	const u_char *v;
	size_t vlen;
	int st, seen = 0;

	if (t == NULL)
		exit(2);
	st = ms_etcd_tx_walk(t, "records", (const u_char *)"node", 4, NULL,
	    0, hostile_cb, &seen, err, sizeof(err));
	if (st == MS_STORE_ERROR)
		printf("refused walk after %d key(s)\n", seen);
	else {
		printf("FAIL walk: status %d, %d key(s) handed on\n", st, seen);
		failures++;
	}
	ms_etcd_tx_free(t);
	if ((t = ms_etcd_tx_begin_read(etcd, prefix)) == NULL)
		exit(2);
	st = ms_etcd_tx_get(t, "records", (const u_char *)"node", 4, &v,
	    &vlen, err, sizeof(err));
	if (st == MS_STORE_ERROR)
		printf("refused get\n");
	else {
		printf("FAIL get: status %d\n", st);
		failures++;
	}
	ms_etcd_tx_free(t);
}

int
main(int argc, char **argv)
{
	struct ms_etcd_opts o;
	const char *errstr = NULL;
	int i, n, conflicts = 0, st;

	if (argc < 4) {
		fprintf(stderr, "usage: etcd-tx ENDPOINTS PREFIX CMD ...\n");
		return 2;
	}
	memset(&o, 0, sizeof(o));
	o.endpoints[0] = strtok(argv[1], ",");
	o.nendpoints = 1;
	while (o.nendpoints < MS_ETCD_ENDPOINTS_MAX &&
	    (o.endpoints[o.nendpoints] = strtok(NULL, ",")) != NULL)
		o.nendpoints++;
	o.timeout_ms = TIMEOUT_MS;
	prefix = argv[2];
	if (ms_etcd_new(&o, &etcd, err, sizeof(err)) != 0) {
		fprintf(stderr, "etcd-tx: %s\n", err);
		return 2;
	}
	if (strcmp(argv[3], "selftest") == 0) {
		test_changed_key();
		test_appeared_key();
		test_range();
		test_merge();
		test_batches();
		test_read_only();
		test_caps();
		test_large();
		test_deadline();
		test_pinned();
	} else if (strcmp(argv[3], "hostile") == 0) {
		test_hostile();
	} else if (strcmp(argv[3], "incr") == 0 && argc == 6) {
		n = (int)strtonum(argv[5], 1, 1000000, &errstr);
		if (errstr != NULL) {
			fprintf(stderr, "etcd-tx: count %s: %s\n", argv[5],
			    errstr);
			return 2;
		}
		for (i = 0; i < n; i++)
			if ((st = incr_once(argv[4], &conflicts)) != 0) {
				fprintf(stderr, "etcd-tx: incr: %s: %s\n",
				    ms_store_strerror(st), err);
				failures++;
				break;
			}
		printf("done %d retries %d\n", i, conflicts);
	} else {
		fprintf(stderr, "etcd-tx: bad command\n");
		failures++;
	}
	ms_etcd_free(etcd);
	return failures ? 1 : 0;
}
