/*
 * etcd-store — drives the store's public interface (monitor/store.h) on
 * the etcd backend against a real cluster, for regress/etcd-store.sh.
 *
 *	etcd-store ENDPOINTS PREFIX KEYHEX TIMEOUT_MS CMD ...
 *
 * KEYHEX is a 64-digit store key.  Commands:
 *	selftest MARKER	records plain and SECURE (MARKER is the SECURE
 *			value's), the SECURE rule, deletions and BUSY,
 *			ACLs, listing, threads sharing the store, a passed
 *			deadline, one snapshot per request.  Prints "ok NAME" or "FAIL NAME: why".
 *	open		open and close (exit status below)
 *	open-ro		the same read-only (MS_STORE_RDONLY)
 *	set PATH NAME VALUE	prints the new version
 *	incr PATH NAME N	N SETs, alternately through two stores opened
 *			separately; fails unless the versions it is given
 *			increase strictly.  Prints "done N last V".
 *	get PATH NAME	prints version and value
 *	fill		256 KiB SETs until one fails (64 at most): prints
 *			"status N: TEXT" of the failure, then reads the
 *			first record back ("read ok").
 *	stop-then-get CMD PATH NAME
 *			open, run CMD (sh -c), then one GET bounded by
 *			TIMEOUT_MS as a request deadline; prints
 *			"status N: TEXT" when it fails.
 * A failed open prints the status and exits 10 + the status; any other
 * failure exits 1.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "names.h"
#include "proto.h"
#include "store.h"
#include "store_kv.h"
#include "timeio.h"

#define THREADS		4
#define THREAD_SETS	10
#define WALK_NODES	150	/* more keys than a write transaction reads */

static struct ms_store_etcd_conf conf;
static u_char key[1][MS_STORE_KEY_LEN];
static int timeout_ms;
static int failures;

static void
check(int ok, const char *name, const char *why)
{
	if (ok)
		printf("ok %s\n", name);
	else {
		printf("FAIL %s: %s\n", name, why);
		failures++;
	}
	fflush(stdout);
}

static int
parse_key(const char *hex)
{
	size_t i;
	unsigned int b;

	if (strlen(hex) != 2 * MS_STORE_KEY_LEN)
		return -1;
	for (i = 0; i < MS_STORE_KEY_LEN; i++) {
		if (sscanf(hex + 2 * i, "%2x", &b) != 1)
			return -1;
		key[0][i] = (u_char)b;
	}
	return 0;
}

static struct ms_store *
open_flags(int flags)
{
	struct ms_store *s;
	int st;

	if ((st = ms_store_open_etcd(&conf, (const u_char (*)[
	    MS_STORE_KEY_LEN])key, 1, flags, &s)) != MS_STORE_OK) {
		printf("open: %s\n", ms_store_strerror(st));
		exit(10 + st);
	}
	return s;
}

static struct ms_store *
open_store(void)
{
	return open_flags(0);
}

static void
test_records(struct ms_store *s, const char *marker)
{
	struct ms_record r;
	uint64_t v1 = 0, v2 = 0;

	check(ms_store_set(s, "/app/db", "user", 0, "admin", 5, &v1) ==
	    MS_STORE_OK && v1 == 1, "set-plain", "first SET is not version 1");
	memset(&r, 0, sizeof(r));
	check(ms_store_get(s, "/app/db", "user", &r) == MS_STORE_OK &&
	    r.version == 1 && r.value_len == 5 &&
	    memcmp(r.value, "admin", 5) == 0 && r.flags == 0, "get-plain",
	    "the plain record did not read back");
	ms_record_clear(&r);
	check(ms_store_set(s, "/app/db", "pass", MS_REC_SECURE, marker,
	    strlen(marker), &v1) == MS_STORE_OK &&
	    ms_store_set(s, "/app/db", "pass", MS_REC_SECURE, marker,
	    strlen(marker), &v2) == MS_STORE_OK && v2 == v1 + 1,
	    "set-secure", "SECURE SETs failed or did not count versions");
	check(ms_store_get(s, "/app/db", "pass", &r) == MS_STORE_OK &&
	    (r.flags & MS_REC_SECURE) && r.value_len == strlen(marker) &&
	    memcmp(r.value, marker, r.value_len) == 0, "get-secure",
	    "the SECURE record did not read back");
	ms_record_clear(&r);
	check(ms_store_set(s, "/app/db", "pass", 0, "x", 1, NULL) ==
	    MS_STORE_INVALID, "secure-rule",
	    "clearing SECURE was not refused");
	check(ms_store_get(s, "/app/db", "none", &r) ==
	    MS_STORE_NOT_FOUND_RECORD && ms_store_get(s, "/app/none", "x",
	    &r) == MS_STORE_NOT_FOUND_PATH, "not-found",
	    "absent record or path not reported as such");
}

static void
test_delete(struct ms_store *s)
{
	check(ms_store_set(s, "/del/a", "r", 0, "1", 1, NULL) == MS_STORE_OK &&
	    ms_store_delete_node(s, "/del") == MS_STORE_BUSY &&
	    ms_store_delete_node(s, "/del/a") == MS_STORE_BUSY, "delete-busy",
	    "a node with a child or a record was not BUSY");
	check(ms_store_delete_record(s, "/del/a", "r") == MS_STORE_OK &&
	    ms_store_delete_record(s, "/del/a", "r") ==
	    MS_STORE_NOT_FOUND_RECORD, "delete-record",
	    "a record was not deleted once");
	check(ms_store_delete_node(s, "/del/a") == MS_STORE_OK &&
	    ms_store_delete_node(s, "/del") == MS_STORE_OK &&
	    ms_store_node_exists(s, "/del") == MS_STORE_NOT_FOUND_PATH &&
	    ms_store_delete_node(s, "/") == MS_STORE_INVALID, "delete-node",
	    "empty nodes were not deleted, or the root was");
}

static void
test_acl(struct ms_store *s)
{
	struct ms_acl_entry ch[2];
	struct ms_acl acl;

	memset(ch, 0, sizeof(ch));
	strlcpy(ch[0].who, "alice", sizeof(ch[0].who));
	ch[0].rights = MS_RIGHT_READ | MS_RIGHT_LIST;
	strlcpy(ch[1].who, "group:ops", sizeof(ch[1].who));
	ch[1].rights = MS_RIGHT_ADMIN;
	memset(&acl, 0, sizeof(acl));
	check(ms_store_set_acl(s, "/app", ch, 2, 1, -1) == MS_STORE_OK &&
	    ms_store_get_acl(s, "/app", &acl) == MS_STORE_OK &&
	    acl.nentries == 2 && (acl.flags & MS_NODE_NOINHERIT),
	    "acl-set-get", "the ACL did not read back");
	ch[0].rights = 0;
	check(ms_store_set_acl(s, "/app", ch, 1, -1, -1) == MS_STORE_OK &&
	    ms_store_get_acl(s, "/app", &acl) == MS_STORE_OK &&
	    acl.nentries == 1 && strcmp(acl.entries[0].who, "group:ops") == 0,
	    "acl-remove", "an entry was not removed");
	check(ms_store_get_acl(s, "/nope", &acl) == MS_STORE_NOT_FOUND_PATH,
	    "acl-no-node", "the ACL of a missing node");
}

struct listing {
	char	 seen[512];
};

static int
list_cb(void *ctx, const struct ms_store_list_entry *e)
{
	struct listing *l = ctx;
	size_t used = strlen(l->seen);

	snprintf(l->seen + used, sizeof(l->seen) - used, "%s%c:%s",
	    used ? "," : "", e->kind == MS_STORE_LIST_CHILD ? 'c' : 'r',
	    e->name);
	return 0;
}

static void
test_list(struct ms_store *s)
{
	struct listing l;

	memset(&l, 0, sizeof(l));
	check(ms_store_set(s, "/app/web", "b", 0, "1", 1, NULL) ==
	    MS_STORE_OK && ms_store_set(s, "/app", "a", 0, "1", 1, NULL) ==
	    MS_STORE_OK && ms_store_list_ext(s, "/app", list_cb, &l) ==
	    MS_STORE_OK && strcmp(l.seen, "c:db,c:web,r:a") == 0, "list",
	    l.seen);
}

struct worker {
	struct ms_store	*s;
	int		 n, st;
};

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	char name[32];
	int i;

	for (i = 0; i < THREAD_SETS && w->st == MS_STORE_OK; i++) {
		snprintf(name, sizeof(name), "t%d-%d", w->n, i);
		w->st = ms_store_set(w->s, "/threads", name, 0, name,
		    strlen(name), NULL);
	}
	return NULL;
}

static void
test_threads(struct ms_store *s)
{
	pthread_t tid[THREADS];
	struct worker w[THREADS];
	struct ms_store_usage u;
	int i, ok = 1;

	for (i = 0; i < THREADS; i++) {
		w[i].s = s;
		w[i].n = i;
		w[i].st = MS_STORE_OK;
		if (pthread_create(&tid[i], NULL, worker_main, &w[i]) != 0)
			exit(2);
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(tid[i], NULL);
		ok = ok && w[i].st == MS_STORE_OK;
	}
	check(ok, "threads", "a thread's SET failed");
	check(ms_store_usage(s, &u) == MS_STORE_OK &&
	    u.records >= THREADS * THREAD_SETS && u.nodes >= 4 &&
	    u.used_bytes > 0 && u.max_bytes == 0, "usage",
	    "usage failed, miscounted, or has no database size");
}

struct walk_count {
	size_t	nodes, records, damage, secure_opened;
};

static int
walk_cb(void *ctx, const struct ms_store_walk_item *it)
{
	struct walk_count *wc = ctx;

	if (it->kind == MS_STORE_WALK_NODE)
		wc->nodes++;
	else if (it->kind == MS_STORE_WALK_RECORD) {
		wc->records++;
		if ((it->flags & MS_REC_SECURE) && it->key_index == 0)
			wc->secure_opened++;
	} else
		wc->damage++;
	return 0;
}

/* A whole-tree walk reads more keys than a write transaction may. */
static void
test_walk(struct ms_store *s)
{
	struct walk_count wc;
	char path[64];
	int i, st = MS_STORE_OK;

	for (i = 0; i < WALK_NODES && st == MS_STORE_OK; i++) {
		snprintf(path, sizeof(path), "/many/n%03d", i);
		st = ms_store_set(s, path, "r", 0, "v", 1, NULL);
	}
	memset(&wc, 0, sizeof(wc));
	check(st == MS_STORE_OK && ms_store_walk(s, 1, walk_cb, &wc) ==
	    MS_STORE_OK && wc.nodes > WALK_NODES &&
	    wc.records > WALK_NODES && wc.damage == 0 &&
	    wc.secure_opened == 1, "walk-whole-tree",
	    "the walk failed, missed nodes or found damage");
}

static void
deep_path(char *buf, size_t len, const char *top, int depth)
{
	int i;

	strlcpy(buf, top, len);
	for (i = 0; i < depth; i++)
		strlcat(buf, "/d", len);
}

/*
 * One etcd Txn checks at most 128 reads: a SET creating 100 levels at
 * once is beyond it and must fail whole, while 40 levels fit.
 */
static void
test_caps(struct ms_store *s)
{
	char path[MS_PATH_MAX + 1];

	deep_path(path, sizeof(path), "/deep40", 40);
	check(ms_store_set(s, path, "r", 0, "v", 1, NULL) == MS_STORE_OK,
	    "deep-set", "a SET creating 40 levels failed");
	deep_path(path, sizeof(path), "/deep100", 100);
	check(ms_store_set(s, path, "r", 0, "v", 1, NULL) == MS_STORE_ERROR &&
	    ms_store_node_exists(s, "/deep100") == MS_STORE_NOT_FOUND_PATH,
	    "txn-cap-fails-whole",
	    "a SET beyond one Txn's compares did not fail whole");
}

static void
test_deadline(struct ms_store *s)
{
	struct ms_record r;
	int st;

	memset(&r, 0, sizeof(r));
	ms_store_set_deadline(ms_now_ms() - 1);
	st = ms_store_get(s, "/app/db", "user", &r);
	ms_store_set_deadline(0);
	ms_record_clear(&r);
	check(st == MS_STORE_UNAVAILABLE, "deadline-passed",
	    "a call past its deadline did not fail UNAVAILABLE");
	ms_store_set_deadline(ms_now_ms() + timeout_ms);
	st = ms_store_get(s, "/app/db", "user", &r);
	ms_store_set_deadline(0);
	ms_record_clear(&r);
	check(st == MS_STORE_OK, "deadline-ahead",
	    "a call before its deadline failed");
}

struct setter {
	struct ms_store	*s;
	const char	*val;
	int		 st;
};

static void *
setter_main(void *arg)
{
	struct setter *w = arg;

	w->st = ms_store_set(w->s, "/snap", "r", 0, w->val, strlen(w->val),
	    NULL);
	return NULL;
}

/* Another thread's SET, outside any request of this one. */
static int
set_elsewhere(struct ms_store *s, const char *val)
{
	struct setter w = { s, val, MS_STORE_ERROR };
	pthread_t tid;

	if (pthread_create(&tid, NULL, setter_main, &w) != 0)
		exit(2);
	pthread_join(tid, NULL);
	return w.st;
}

static int
value_is(struct ms_store *s, const char *val)
{
	struct ms_record r;
	int ok;

	memset(&r, 0, sizeof(r));
	ok = ms_store_get(s, "/snap", "r", &r) == MS_STORE_OK &&
	    r.value_len == strlen(val) && memcmp(r.value, val, r.value_len) == 0;
	ms_record_clear(&r);
	return ok;
}

/*
 * One request, one snapshot: a request's later reads are at its first
 * read's revision, even after another thread's write; the next request
 * reads afresh; a write of the request is seen by its later reads.
 */
static void
test_snapshot(struct ms_store *s)
{
	int ok;

	check(set_elsewhere(s, "1") == MS_STORE_OK && value_is(s, "1"),
	    "snapshot-setup", "SET or GET failed");
	ms_store_set_deadline(ms_now_ms() + timeout_ms);
	ok = value_is(s, "1") && set_elsewhere(s, "2") == MS_STORE_OK;
	check(ok && value_is(s, "1"), "request-one-snapshot",
	    "a request's second read saw a write after its first");
	ms_store_set_deadline(ms_now_ms() + timeout_ms);
	check(value_is(s, "2"), "next-request-fresh",
	    "the next request did not see the write");
	check(ms_store_set(s, "/snap", "r", 0, "3", 1, NULL) == MS_STORE_OK &&
	    value_is(s, "3"), "request-reads-its-write",
	    "a request's read after its own SET did not see it");
	ms_store_set_deadline(0);
	check(value_is(s, "3"), "outside-request", "a read outside a "
	    "request did not see the latest write");
}

struct acl_setter {
	struct ms_store	*s;
	const char	*path;
	int		 st;
};

static void *
acl_setter_main(void *arg)
{
	struct acl_setter *w = arg;
	struct ms_acl_entry e;

	memset(&e, 0, sizeof(e));
	strlcpy(e.who, "mallory", sizeof(e.who));
	e.rights = MS_RIGHT_READ;
	w->st = ms_store_set_acl(w->s, w->path, &e, 1, -1, -1);
	return NULL;
}

/* Another thread's SETACL on path, outside any request of this one. */
static int
acl_elsewhere(struct ms_store *s, const char *path)
{
	struct acl_setter w = { s, path, MS_STORE_ERROR };
	pthread_t tid;

	if (pthread_create(&tid, NULL, acl_setter_main, &w) != 0)
		exit(2);
	pthread_join(tid, NULL);
	return w.st;
}

/* A request's ACL read, then its write: the authorisation's snapshot. */
static int
authorised_set(struct ms_store *s, const char *val, const char *change)
{
	struct ms_acl acl;

	ms_store_set_deadline(ms_now_ms() + timeout_ms);
	if (ms_store_get_acl(s, "/guard", &acl) != MS_STORE_OK ||
	    (change != NULL && acl_elsewhere(s, change) != MS_STORE_OK))
		return MS_STORE_ERROR;
	return ms_store_set(s, "/guard/leaf", "r", 0, val, strlen(val), NULL);
}

/*
 * A write never commits under an ACL newer than the one its request was
 * authorised by: a change to a node of its path after the request's
 * first read makes the commit a conflict, for the request to run again.
 */
static void
test_guard(struct ms_store *s)
{
	struct ms_record r;

	check(ms_store_set(s, "/guard/leaf", "r", 0, "0", 1, NULL) ==
	    MS_STORE_OK && ms_store_set(s, "/other", "r", 0, "0", 1, NULL) ==
	    MS_STORE_OK, "guard-setup", "SET failed");
	check(authorised_set(s, "1", "/guard") == STORE_CONFLICT,
	    "guard-acl-changed", "a write committed under an ACL changed "
	    "after its authorisation");
	check(authorised_set(s, "2", "/") == STORE_CONFLICT,
	    "guard-root-changed", "a change of the root's ACL went unseen");
	check(authorised_set(s, "3", "/other") == MS_STORE_OK,
	    "guard-unrelated", "a change off the path made the write fail");
	check(authorised_set(s, "4", NULL) == MS_STORE_OK, "guard-rerun",
	    "the request run again did not commit");
	ms_store_set_deadline(0);
	memset(&r, 0, sizeof(r));
	check(ms_store_get(s, "/guard/leaf", "r", &r) == MS_STORE_OK &&
	    r.value_len == 1 && r.value[0] == '4' && r.version == 3,
	    "guard-nothing-else", "a refused write left something behind");
	ms_record_clear(&r);
}

static void
selftest(const char *marker)
{
	struct ms_store *s = open_store();

	check(strcmp(ms_store_backend_name(s), "etcd") == 0 &&
	    ms_store_blocking(s) == 1, "backend", "not a blocking etcd store");
	test_records(s, marker);
	test_delete(s);
	test_acl(s);
	test_list(s);
	test_threads(s);
	test_walk(s);
	test_caps(s);
	test_deadline(s);
	test_snapshot(s);
	test_guard(s);
	ms_store_close(s);
}

static void
incr(const char *path, const char *name, int n)
{
	struct ms_store *s[2];
	uint64_t v, last = 0;
	char val[32];
	int i, st;

	s[0] = open_store();
	s[1] = open_store();
	for (i = 0; i < n; i++) {
		snprintf(val, sizeof(val), "%d", i);
		if ((st = ms_store_set(s[i % 2], path, name, 0, val,
		    strlen(val), &v)) != MS_STORE_OK) {
			fprintf(stderr, "etcd-store: set %d: %s\n", i,
			    ms_store_strerror(st));
			failures++;
			break;
		}
		if (v <= last) {
			fprintf(stderr, "etcd-store: version %llu after %llu\n",
			    (unsigned long long)v, (unsigned long long)last);
			failures++;
		}
		last = v;
	}
	printf("done %d last %llu\n", i, (unsigned long long)last);
	ms_store_close(s[0]);
	ms_store_close(s[1]);
}

static int
get1(struct ms_store *s, const char *path, const char *name)
{
	struct ms_record r;
	int st;

	memset(&r, 0, sizeof(r));
	ms_store_set_deadline(ms_now_ms() + timeout_ms);
	st = ms_store_get(s, path, name, &r);
	ms_store_set_deadline(0);
	if (st == MS_STORE_OK)
		printf("%llu %.*s\n", (unsigned long long)r.version,
		    (int)r.value_len, (const char *)r.value);
	else
		printf("status %d: %s\n", st, ms_store_strerror(st));
	ms_record_clear(&r);
	return st;
}

#define FILL_LEN	(256 * 1024)
#define FILL_MAX	64

static void
fill(void)
{
	struct ms_store *s = open_store();
	struct ms_record r;
	char name[32];
	u_char *v;
	int i, st = MS_STORE_OK;

	if ((v = malloc(FILL_LEN)) == NULL)
		exit(2);
	for (i = 0; i < FILL_MAX && st == MS_STORE_OK; i++) {
		arc4random_buf(v, FILL_LEN);
		snprintf(name, sizeof(name), "r%02d", i);
		st = ms_store_set(s, "/fill", name, 0, v, FILL_LEN, NULL);
	}
	free(v);
	printf("status %d: %s\n", st, ms_store_strerror(st));
	memset(&r, 0, sizeof(r));
	if (ms_store_get(s, "/fill", "r00", &r) == MS_STORE_OK &&
	    r.value_len == FILL_LEN)
		printf("read ok\n");
	ms_record_clear(&r);
	ms_store_close(s);
}

int
main(int argc, char **argv)
{
	struct ms_store *s;
	const char *errstr = NULL;
	uint64_t v;
	int n, st;

	if (argc < 6) {
		fprintf(stderr, "usage: etcd-store ENDPOINTS PREFIX KEYHEX "
		    "TIMEOUT_MS CMD ...\n");
		return 2;
	}
	memset(&conf, 0, sizeof(conf));
	conf.etcd.endpoints[0] = strtok(argv[1], ",");
	conf.etcd.nendpoints = 1;
	while (conf.etcd.nendpoints < MS_ETCD_ENDPOINTS_MAX &&
	    (conf.etcd.endpoints[conf.etcd.nendpoints] = strtok(NULL, ",")) !=
	    NULL)
		conf.etcd.nendpoints++;
	conf.prefix = argv[2];
	timeout_ms = (int)strtonum(argv[4], 100, 60000, &errstr);
	if (parse_key(argv[3]) != 0 || errstr != NULL) {
		fprintf(stderr, "etcd-store: bad key or timeout\n");
		return 2;
	}
	conf.etcd.timeout_ms = timeout_ms;
	argc -= 5;
	argv += 5;
	if (strcmp(argv[0], "selftest") == 0 && argc == 2)
		selftest(argv[1]);
	else if (strcmp(argv[0], "fill") == 0 && argc == 1)
		fill();
	else if (strcmp(argv[0], "open") == 0 && argc == 1)
		ms_store_close(open_store());
	else if (strcmp(argv[0], "open-ro") == 0 && argc == 1)
		ms_store_close(open_flags(MS_STORE_RDONLY));
	else if (strcmp(argv[0], "set") == 0 && argc == 4) {
		s = open_store();
		if ((st = ms_store_set(s, argv[1], argv[2], 0, argv[3],
		    strlen(argv[3]), &v)) == MS_STORE_OK)
			printf("%llu\n", (unsigned long long)v);
		else {
			printf("%s\n", ms_store_strerror(st));
			failures++;
		}
		ms_store_close(s);
	} else if (strcmp(argv[0], "incr") == 0 && argc == 4) {
		n = (int)strtonum(argv[3], 1, 100000, &errstr);
		if (errstr != NULL) {
			fprintf(stderr, "etcd-store: count: %s\n", errstr);
			return 2;
		}
		incr(argv[1], argv[2], n);
	} else if (strcmp(argv[0], "get") == 0 && argc == 3) {
		s = open_store();
		if (get1(s, argv[1], argv[2]) != MS_STORE_OK)
			failures++;
		ms_store_close(s);
	} else if (strcmp(argv[0], "stop-then-get") == 0 && argc == 4) {
		s = open_store();
		if (system(argv[1]) != 0) {
			fprintf(stderr, "etcd-store: %s failed\n", argv[1]);
			failures++;
		} else
			(void)get1(s, argv[2], argv[3]);
		ms_store_close(s);
	} else {
		fprintf(stderr, "etcd-store: bad command\n");
		return 2;
	}
	return failures ? 1 : 0;
}
