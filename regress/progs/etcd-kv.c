/*
 * etcd-kv — drives monitor/etcd_kv.c against a real etcd cluster for
 * regress/etcd-kv.sh.
 *
 *	etcd-kv ENDPOINTS TIMEOUT_MS put KEY VALUE
 *	etcd-kv ENDPOINTS TIMEOUT_MS get KEY
 *	etcd-kv ENDPOINTS TIMEOUT_MS cas KEY MOD_REVISION VALUE
 *	etcd-kv ENDPOINTS TIMEOUT_MS create KEY VALUE
 *	etcd-kv ENDPOINTS TIMEOUT_MS list PREFIX LIMIT
 *	etcd-kv ENDPOINTS TIMEOUT_MS del KEY
 *
 * ENDPOINTS is comma-separated.  It prints what etcd answered, one line
 * each ("KEY VALUE mod=N version=N", "committed rev=N", "conflict"), and
 * exits with the store status (store.h), so a test can tell unavailable
 * from an error; exit 100 is "conflict" (a compare did not hold).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etcd_kv.h"
#include "store.h"

#define EXIT_CONFLICT	100

static int
print_kv(void *ctx, const struct ms_etcd_kv *kv)
{
	(void)ctx;
	printf("%.*s %.*s mod=%lld version=%lld\n", (int)kv->keylen,
	    (const char *)kv->key, (int)kv->valuelen, (const char *)kv->value,
	    (long long)kv->mod_revision, (long long)kv->version);
	return 0;
}

static int
split_endpoints(char *list, struct ms_etcd_opts *o)
{
	char *ep;

	while ((ep = strsep(&list, ",")) != NULL) {
		if (*ep == '\0')
			continue;
		if (o->nendpoints == MS_ETCD_ENDPOINTS_MAX)
			return -1;
		o->endpoints[o->nendpoints++] = ep;
	}
	return o->nendpoints > 0 ? 0 : -1;
}

/* One put, guarded by a compare on the key's mod_revision (0: absent). */
static int
guarded_put(struct ms_etcd *e, const char *key, enum ms_etcd_cmp_target t,
    int64_t want, const char *value, char *err, size_t errlen)
{
	struct ms_etcd_txn *txn;
	int64_t rev;
	int st, ok;

	if ((txn = ms_etcd_txn_new()) == NULL)
		return MS_STORE_ERROR;
	if ((st = ms_etcd_txn_compare(txn, (const u_char *)key, strlen(key),
	    NULL, 0, t, MS_ETCD_EQUAL, want)) != 0 ||
	    (st = ms_etcd_txn_put(txn, (const u_char *)key, strlen(key),
	    (const u_char *)value, strlen(value))) != 0 ||
	    (st = ms_etcd_txn_commit(e, txn, &ok, &rev, err, errlen)) != 0) {
		ms_etcd_txn_free(txn);
		return st;
	}
	ms_etcd_txn_free(txn);
	if (!ok) {
		printf("conflict\n");
		return EXIT_CONFLICT;
	}
	printf("committed rev=%lld\n", (long long)rev);
	return 0;
}

static int
plain_op(struct ms_etcd *e, const char *key, const char *value, int del,
    char *err, size_t errlen)
{
	struct ms_etcd_txn *txn;
	int64_t rev;
	int st, ok;

	if ((txn = ms_etcd_txn_new()) == NULL)
		return MS_STORE_ERROR;
	st = del ? ms_etcd_txn_delete(txn, (const u_char *)key, strlen(key),
	    NULL, 0) : ms_etcd_txn_put(txn, (const u_char *)key, strlen(key),
	    (const u_char *)value, strlen(value));
	if (st == 0)
		st = ms_etcd_txn_commit(e, txn, &ok, &rev, err, errlen);
	ms_etcd_txn_free(txn);
	if (st == 0)
		printf("committed rev=%lld\n", (long long)rev);
	return st;
}

/* The key range of a prefix: [prefix, prefix with its last byte + 1). */
static int
list_prefix(struct ms_etcd *e, const char *prefix, long limit, char *err,
    size_t errlen)
{
	struct ms_etcd_range q;
	struct ms_etcd_range_result res;
	char end[256];
	size_t n = strlen(prefix);
	int st;

	if (n == 0 || n >= sizeof(end))
		return MS_STORE_INVALID;
	memcpy(end, prefix, n);
	end[n - 1]++;
	memset(&q, 0, sizeof(q));
	q.key = (const u_char *)prefix;
	q.keylen = n;
	q.end = (const u_char *)end;
	q.endlen = n;
	q.limit = limit;
	if ((st = ms_etcd_get_range(e, &q, print_kv, NULL, &res, err,
	    errlen)) == 0)
		printf("count=%lld more=%d rev=%lld\n", (long long)res.count,
		    res.more, (long long)res.revision);
	return st;
}

static int
run(struct ms_etcd *e, int argc, char **argv, char *err, size_t errlen)
{
	struct ms_etcd_range q;
	struct ms_etcd_range_result res;
	const char *cmd = argv[0];

	if (strcmp(cmd, "put") == 0 && argc == 3)
		return plain_op(e, argv[1], argv[2], 0, err, errlen);
	if (strcmp(cmd, "del") == 0 && argc == 2)
		return plain_op(e, argv[1], NULL, 1, err, errlen);
	if (strcmp(cmd, "cas") == 0 && argc == 4)
		return guarded_put(e, argv[1], MS_ETCD_CMP_MOD,
		    strtoll(argv[2], NULL, 10), argv[3], err, errlen);
	if (strcmp(cmd, "create") == 0 && argc == 3)
		return guarded_put(e, argv[1], MS_ETCD_CMP_CREATE, 0, argv[2],
		    err, errlen);
	if (strcmp(cmd, "list") == 0 && argc == 3)
		return list_prefix(e, argv[1], strtol(argv[2], NULL, 10), err,
		    errlen);
	if (strcmp(cmd, "get") == 0 && argc == 2) {
		memset(&q, 0, sizeof(q));
		q.key = (const u_char *)argv[1];
		q.keylen = strlen(argv[1]);
		return ms_etcd_get_range(e, &q, print_kv, NULL, &res, err,
		    errlen);
	}
	fprintf(stderr, "etcd-kv: bad command\n");
	return MS_STORE_INVALID;
}

int
main(int argc, char **argv)
{
	struct ms_etcd_opts o;
	struct ms_etcd *e;
	const char *errstr = NULL;
	char err[512] = "";
	int st;

	if (argc < 4) {
		fprintf(stderr, "usage: etcd-kv ENDPOINTS TIMEOUT_MS CMD ...\n");
		return 2;
	}
	memset(&o, 0, sizeof(o));
	o.timeout_ms = (int)strtonum(argv[2], 1, 600000, &errstr);
	if (errstr != NULL) {
		fprintf(stderr, "etcd-kv: timeout %s: %s\n", argv[2], errstr);
		return 2;
	}
	if (split_endpoints(argv[1], &o) != 0) {
		fprintf(stderr, "etcd-kv: bad endpoint list\n");
		return 2;
	}
	if ((st = ms_etcd_new(&o, &e, err, sizeof(err))) != 0) {
		fprintf(stderr, "etcd-kv: %s\n", err);
		return st;
	}
	if ((st = run(e, argc - 3, argv + 3, err, sizeof(err))) != 0 &&
	    st != EXIT_CONFLICT)
		fprintf(stderr, "etcd-kv: %s: %s\n", ms_store_strerror(st), err);
	ms_etcd_free(e);
	return st;
}
