/*
 * test_etcd_parse.c — the parsers of etcd's gateway answers
 * (monitor/etcd_kv.c, etcd_parse.h) on bodies as etcd 3.4 sends them, and
 * on what a hostile member could send instead.
 */
#include <sys/types.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "etcd_kv.h"
#include "etcd_parse.h"
#include "keyfile.h"
#include "store.h"

#define HDR(rev) "{\"header\":{\"cluster_id\":\"15139269743107099995\"," \
	"\"member_id\":\"5180268983690570\",\"revision\":\"" rev "\"," \
	"\"raft_term\":\"2\"}"
#define B(s)	((const u_char *)(s)), strlen(s)

struct seen {
	int	 n;
	int	 stop_at;	/* 0: never */
	char	 keys[8][32];
	size_t	 vlen[8];
	int64_t	 mod[8];
};

static int
visit(void *ctx, const struct ms_etcd_kv *kv)
{
	struct seen *s = ctx;

	assert_true(s->n < 8 && kv->keylen < sizeof(s->keys[0]));
	memcpy(s->keys[s->n], kv->key, kv->keylen);
	s->keys[s->n][kv->keylen] = '\0';
	s->vlen[s->n] = kv->valuelen;
	s->mod[s->n] = kv->mod_revision;
	s->n++;
	return s->n == s->stop_at ? 77 : 0;
}

static int
range(const char *body, struct seen *s, struct ms_etcd_range_result *res)
{
	char err[256];

	memset(s, 0, sizeof(*s));
	return ms_etcd_parse_range(B(body), visit, s, res, err, sizeof(err));
}

static const char limited[] = HDR("8") ",\"kvs\":["
    "{\"key\":\"L3QvbGlzdC8x\",\"create_revision\":\"3\",\"mod_revision\":\"3\","
    "\"version\":\"1\",\"value\":\"djE=\"},"
    "{\"key\":\"L3QvbGlzdC8y\",\"create_revision\":\"4\",\"mod_revision\":\"4\","
    "\"version\":\"1\",\"value\":\"djI=\"}],\"more\":true,\"count\":\"5\"}";

static void
test_range_answers(void **state)
{
	struct ms_etcd_range_result res;
	struct seen s;

	assert_int_equal(range(limited, &s, &res), MS_STORE_OK);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.keys[0], "/t/list/1");
	assert_string_equal(s.keys[1], "/t/list/2");
	assert_int_equal(s.vlen[1], 2);
	assert_int_equal(s.mod[1], 4);
	assert_int_equal(res.revision, 8);
	assert_int_equal(res.count, 5);
	assert_int_equal(res.more, 1);
	assert_int_equal(res.bytes, strlen(limited));

	/* An empty range leaves kvs and count out; an empty value too. */
	assert_int_equal(range(HDR("8") "}", &s, &res), MS_STORE_OK);
	assert_int_equal(s.n, 0);
	assert_int_equal(res.count, 0);
	assert_int_equal(res.more, 0);
	assert_int_equal(range(HDR("4") ",\"kvs\":[{\"key\":\"L3QvZQ==\","
	    "\"mod_revision\":\"4\"}],\"count\":\"1\"}", &s, &res),
	    MS_STORE_OK);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.vlen[0], 0);
	assert_int_equal(range(HDR("8") ",\"count\":\"5\"}", &s, &res),
	    MS_STORE_OK);
	assert_int_equal(res.count, 5);
}

static void
test_range_stop(void **state)
{
	struct ms_etcd_range_result res;
	struct seen s;
	char err[256];

	memset(&s, 0, sizeof(s));
	s.stop_at = 1;
	assert_int_equal(ms_etcd_parse_range(B(limited), visit, &s, &res, err,
	    sizeof(err)), 77);
	assert_int_equal(s.n, 1);
}

/*
 * A member that counts fewer keys than it sends, or says more with no
 * key beyond them, is refused before any key is visited: a count-only
 * read and a walk's end rest on these.
 */
static void
test_range_inconsistent_count(void **state)
{
	struct ms_etcd_range_result res;
	struct seen s;

	assert_int_equal(range(HDR("8") ",\"kvs\":[{\"key\":\"L3QvYQ==\"},"
	    "{\"key\":\"L3QvYg==\"}],\"count\":\"1\"}", &s, &res),
	    MS_STORE_ERROR);
	assert_int_equal(s.n, 0);
	assert_int_equal(range(HDR("8") ",\"more\":true}", &s, &res),
	    MS_STORE_ERROR);
	assert_int_equal(range(HDR("8") ",\"kvs\":[{\"key\":\"L3QvYQ==\"}],"
	    "\"more\":true,\"count\":\"1\"}", &s, &res), MS_STORE_ERROR);
	assert_int_equal(s.n, 0);
	assert_int_equal(range(HDR("8") ",\"count\":\"-1\"}", &s, &res),
	    MS_STORE_ERROR);
}

static void
test_range_malformed(void **state)
{
	struct ms_etcd_range_result res;
	struct seen s;
	u_char *key;
	char *b64, body[16384];

	assert_int_equal(range("{\"error\":\"etcdserver: mvcc: required "
	    "revision is a future revision\",\"code\":11}", &s, &res),
	    MS_STORE_ERROR);
	assert_int_equal(range("[1]", &s, &res), MS_STORE_ERROR);
	assert_int_equal(range(HDR("8") ",\"kvs\":{}}", &s, &res),
	    MS_STORE_ERROR);
	assert_int_equal(range(HDR("8") ",\"kvs\":[{\"key\":\"!!\"}],"
	    "\"count\":\"1\"}", &s, &res), MS_STORE_ERROR);
	/* A key one byte over its cap. */
	assert_non_null(key = calloc(1, MS_ETCD_KEY_MAX + 1));
	assert_int_equal(ms_base64_encode(key, MS_ETCD_KEY_MAX + 1, 0, &b64),
	    0);
	snprintf(body, sizeof(body), HDR("3") ",\"kvs\":[{\"key\":\"%s\"}],"
	    "\"count\":\"1\"}", b64);
	memset(&s, 0, sizeof(s));
	assert_int_equal(ms_etcd_parse_range(B(body), NULL, NULL, &res, NULL,
	    0), MS_STORE_OK);
	assert_int_equal(ms_etcd_parse_range(B(body), visit, &s, &res, NULL,
	    0), MS_STORE_ERROR);
	assert_int_equal(s.n, 0);
	free(b64);
	free(key);
}

static void
test_txn_answers(void **state)
{
	char err[256];
	int64_t rev;
	int ok;

	assert_int_equal(ms_etcd_parse_txn(B(HDR("9") ",\"succeeded\":true,"
	    "\"responses\":[{\"response_put\":{\"header\":{\"revision\":"
	    "\"9\"}}}]}"), &ok, &rev, err, sizeof(err)), MS_STORE_OK);
	assert_int_equal(ok, 1);
	assert_int_equal(rev, 9);
	assert_int_equal(ms_etcd_parse_txn(B(HDR("9") "}"), &ok, &rev, err,
	    sizeof(err)), MS_STORE_OK);
	assert_int_equal(ok, 0);
	assert_int_equal(ms_etcd_parse_txn(B(HDR("9") ",\"succeeded\":\"yes\"}"),
	    &ok, &rev, err, sizeof(err)), MS_STORE_ERROR);
	assert_int_equal(ok, 0);
	assert_int_equal(ms_etcd_parse_txn(B("{\"succeeded\":true}"), &ok,
	    &rev, err, sizeof(err)), MS_STORE_ERROR);
	assert_int_equal(ok, 0);
}

static void
test_status_answers(void **state)
{
	char err[256];
	int64_t db;

	assert_int_equal(ms_etcd_parse_status(B(HDR("9") ",\"version\":"
	    "\"3.4.23\",\"dbSize\":\"20480\",\"dbSizeInUse\":\"16384\"}"), &db,
	    err, sizeof(err)), MS_STORE_OK);
	assert_int_equal(db, 16384);
	/* Older members: the file's size. */
	assert_int_equal(ms_etcd_parse_status(B(HDR("9") ",\"dbSize\":"
	    "\"20480\"}"), &db, err, sizeof(err)), MS_STORE_OK);
	assert_int_equal(db, 20480);
	assert_int_equal(ms_etcd_parse_status(B("{\"dbSize\":\"-1\"}"), &db,
	    err, sizeof(err)), MS_STORE_ERROR);
	assert_int_equal(db, 0);
	assert_int_equal(ms_etcd_parse_status(B("{\"dbSize\":\"12x\"}"), &db,
	    err, sizeof(err)), MS_STORE_ERROR);
	assert_int_equal(ms_etcd_parse_status(B(""), &db, err, sizeof(err)),
	    MS_STORE_ERROR);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_range_answers),
		cmocka_unit_test(test_range_stop),
		cmocka_unit_test(test_range_inconsistent_count),
		cmocka_unit_test(test_range_malformed),
		cmocka_unit_test(test_txn_answers),
		cmocka_unit_test(test_status_answers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
