/*
 * fuzz_etcd.c — the answers of etcd's JSON gateway as monitor/etcd_kv.c
 * parses them (etcd_parse.h): the input is the body of a 200 answer, from
 * an endpoint that may be hostile, given to the range, txn and status
 * parsers alike, with no network.
 *
 * Invariants: every key and value handed to the range callback is within
 * MS_ETCD_KEY_MAX / MS_ETCD_VALUE_MAX; a range that parses counts at
 * least the keys it carried, and more than them when it says more; a
 * callback that stops the walk (either sign) is the last one called and
 * its status is the walk's; the walk is the same every time, and without
 * a callback it parses the header the same; a failure has its text; a
 * txn that parses has the range's header revision; a database size is
 * never negative.
 */
#include <sys/types.h>

#include <stdint.h>
#include <string.h>

#include "etcd_kv.h"
#include "etcd_parse.h"
#include "fuzz.h"
#include "store.h"

#define VISITS_MAX	4096	/* visits remembered for the comparisons */
#define STOP_STATUS	42

struct walk {
	size_t		 n;		/* callbacks so far */
	size_t		 stop_at;	/* 1-based; 0: never stop */
	int		 stop_with;
	uint64_t	 seen[VISITS_MAX];
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	return 0;
}

/* FNV-1a over a visit, to compare walks without keeping the bytes. */
static uint64_t
mix(uint64_t h, const void *p, size_t len)
{
	const u_char *c = p;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ c[i]) * 0x100000001b3ULL;
	return h;
}

static int
visit(void *ctx, const struct ms_etcd_kv *kv)
{
	struct walk *w = ctx;
	uint64_t h = 0xcbf29ce484222325ULL;

	FUZZ_CHECK(w->stop_at == 0 || w->n < w->stop_at);
	FUZZ_CHECK(kv->key != NULL && kv->value != NULL);
	FUZZ_CHECK(kv->keylen <= MS_ETCD_KEY_MAX);
	FUZZ_CHECK(kv->valuelen <= MS_ETCD_VALUE_MAX);
	h = mix(h, &kv->keylen, sizeof(kv->keylen));
	h = mix(h, kv->key, kv->keylen);
	h = mix(h, &kv->valuelen, sizeof(kv->valuelen));
	h = mix(h, kv->value, kv->valuelen);
	h = mix(h, &kv->create_revision, sizeof(kv->create_revision));
	h = mix(h, &kv->mod_revision, sizeof(kv->mod_revision));
	h = mix(h, &kv->version, sizeof(kv->version));
	if (w->n < VISITS_MAX)
		w->seen[w->n] = h;
	w->n++;
	return w->n == w->stop_at ? w->stop_with : 0;
}

static int
range(const uint8_t *data, size_t size, struct walk *w,
    struct ms_etcd_range_result *res)
{
	char err[256];
	int st;

	err[0] = '\0';
	st = ms_etcd_parse_range(data, size, visit, w, res, err,
	    sizeof(err));
	FUZZ_CHECK(st == MS_STORE_OK || st == MS_STORE_ERROR ||
	    (w->stop_at != 0 && st == w->stop_with));
	if (st == MS_STORE_ERROR)
		FUZZ_CHECK(err[0] != '\0');
	return st;
}

/* Stop the walk at visit k with status with: it ends there, the same. */
static void
stop_at(const uint8_t *data, size_t size, const struct walk *full,
    size_t k, int with)
{
	struct ms_etcd_range_result res;
	static struct walk w;
	size_t i;

	memset(&w, 0, sizeof(w));
	w.stop_at = k;
	w.stop_with = with;
	FUZZ_CHECK(range(data, size, &w, &res) ==
	    (with > 0 ? with : MS_STORE_ERROR));
	FUZZ_CHECK(w.n == k);
	for (i = 0; i < k && i < VISITS_MAX; i++)
		FUZZ_CHECK(w.seen[i] == full->seen[i]);
}

static void
ranges(const uint8_t *data, size_t size, int *okp, int64_t *revp)
{
	struct ms_etcd_range_result res, hdr;
	static struct walk w;
	char err[256];
	int st, hst;

	memset(&w, 0, sizeof(w));
	st = range(data, size, &w, &res);
	err[0] = '\0';
	hst = ms_etcd_parse_range(data, size, NULL, NULL, &hdr, err,
	    sizeof(err));
	FUZZ_CHECK(hst == MS_STORE_OK || (hst == MS_STORE_ERROR &&
	    err[0] != '\0'));
	if (hst != MS_STORE_OK)
		/* The header is checked before any key is visited. */
		FUZZ_CHECK(st == MS_STORE_ERROR && w.n == 0);
	if (st == MS_STORE_OK) {
		FUZZ_CHECK(hst == MS_STORE_OK);
		FUZZ_CHECK(res.revision == hdr.revision &&
		    res.count == hdr.count && res.more == hdr.more);
		FUZZ_CHECK(res.bytes == size && hdr.bytes == size);
		FUZZ_CHECK(res.count >= 0 && (uint64_t)res.count >= w.n);
		FUZZ_CHECK(!res.more || (uint64_t)res.count > w.n);
	}
	*okp = hst == MS_STORE_OK;
	*revp = hdr.revision;
	if (w.n == 0)
		return;
	stop_at(data, size, &w, 1, STOP_STATUS);
	stop_at(data, size, &w, 1, -1);
	stop_at(data, size, &w, w.n, STOP_STATUS);
	if (w.n > 2)
		stop_at(data, size, &w, w.n / 2, STOP_STATUS);
}

static void
txn(const uint8_t *data, size_t size, int range_ok, int64_t range_rev)
{
	char err[256];
	int64_t rev;
	int st, ok;

	err[0] = '\0';
	st = ms_etcd_parse_txn(data, size, &ok, &rev, err, sizeof(err));
	FUZZ_CHECK(st == MS_STORE_OK || (st == MS_STORE_ERROR &&
	    err[0] != '\0'));
	if (st == MS_STORE_OK)
		FUZZ_CHECK(ok == 0 || ok == 1);
	else
		FUZZ_CHECK(ok == 0);
	if (st == MS_STORE_OK && range_ok)
		FUZZ_CHECK(rev == range_rev);
}

static void
status(const uint8_t *data, size_t size)
{
	char err[256];
	int64_t db;
	int st;

	err[0] = '\0';
	st = ms_etcd_parse_status(data, size, &db, err, sizeof(err));
	if (st == MS_STORE_OK)
		FUZZ_CHECK(db >= 0);
	else
		FUZZ_CHECK(st == MS_STORE_ERROR && err[0] != '\0' && db == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int64_t rev;
	int ok;

	/* No answer reaches the parsers above the transfer's cap. */
	if (size > MS_ETCD_RESPONSE_MAX)
		return 0;
	ranges(data, size, &ok, &rev);
	txn(data, size, ok, rev);
	status(data, size);
	return 0;
}
