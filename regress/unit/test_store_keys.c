/*
 * test_store_keys.c — store keys (monitor/store_open.c, store_seal.c,
 * keys/storekey.c): the key check value, seal format 2 naming its key,
 * format 1 values, several keys (rotation), the open-time key rule,
 * re-sealing, read-only opens and STORE_FULL.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <lmdb.h>

#include "buf.h"
#include "crypto.h"
#include "errors.h"
#include "keyfile.h"
#include "monitor/hostkeys.h"
#include "monitor/store.h"
#include "monitor/storekeys.h"
#include "proto.h"
#include "storekey.h"

struct fx {
	char	 tmp[64];
	char	 dir[96];
	u_char	 a[MS_STORE_KEY_LEN], b[MS_STORE_KEY_LEN], c[MS_STORE_KEY_LEN];
};

static int
setup(void **state)
{
	struct fx *f;
	size_t i;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	strlcpy(f->tmp, "/tmp/ms-test-skeys.XXXXXX", sizeof(f->tmp));
	if (mkdtemp(f->tmp) == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/store", f->tmp);
	for (i = 0; i < MS_STORE_KEY_LEN; i++) {
		f->a[i] = (u_char)(0x10 + i);
		f->b[i] = (u_char)(0x50 + i);
		f->c[i] = (u_char)(0x90 + i);
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char p[sizeof(f->dir) + 1 + sizeof(((struct dirent *)0)->d_name)];
	struct dirent *de;
	DIR *d;

	if ((d = opendir(f->dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(p, sizeof(p), "%s/%s", f->dir, de->d_name);
			unlink(p);
		}
		closedir(d);
	}
	rmdir(f->dir);
	rmdir(f->tmp);
	free(f);
	return 0;
}

/* Open with keys k1 (and k2 when not NULL). */
static int
open2(struct fx *f, const u_char *k1, const u_char *k2, int flags,
    size_t mapsize, struct ms_store **sp)
{
	u_char keys[2][MS_STORE_KEY_LEN];

	memcpy(keys[0], k1, MS_STORE_KEY_LEN);
	if (k2 != NULL)
		memcpy(keys[1], k2, MS_STORE_KEY_LEN);
	return ms_store_open_keys(f->dir, (const u_char (*)[MS_STORE_KEY_LEN])
	    keys, k2 != NULL ? 2 : 1, mapsize, flags, sp);
}

static void
get_is(struct ms_store *s, const char *path, const char *name,
    const char *want)
{
	struct ms_record rec;

	assert_int_equal(ms_store_get(s, path, name, &rec), MS_STORE_OK);
	assert_int_equal(rec.value_len, strlen(want));
	assert_memory_equal(rec.value, want, strlen(want));
	ms_record_clear(&rec);
}

static void
set_secure(struct ms_store *s, const char *path, const char *name,
    const char *v)
{
	assert_int_equal(ms_store_set(s, path, name, MS_REC_SECURE, v,
	    strlen(v), NULL), MS_STORE_OK);
}

static void
test_kcv_vector(void **state)
{
	u_char key[MS_STORE_KEY_LEN], kcv[MS_STORE_KCV_LEN];
	char s[MS_STORE_KCV_STRLEN + 1], small[8];
	static const u_char want[MS_STORE_KCV_LEN] = {
		0x13, 0xcd, 0xaa, 0x3d, 0x33, 0xe9, 0x94, 0xea
	};
	size_t i;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (u_char)(0xc1 + i);	/* PROTOCOL.md 12.5 */
	assert_int_equal(ms_store_key_kcv(key, kcv), 0);
	assert_memory_equal(kcv, want, sizeof(want));
	ms_store_kcv_format(kcv, s, sizeof(s));
	assert_string_equal(s, "KCV:13cdaa3d33e994ea");
	ms_store_kcv_format(kcv, small, sizeof(small));	/* truncates */
	assert_string_equal(small, "KCV:13c");
	key[31] ^= 1;
	assert_int_equal(ms_store_key_kcv(key, kcv), 0);
	assert_memory_not_equal(kcv, want, sizeof(want));
	assert_int_equal(ms_store_key_kcv(NULL, kcv), MS_ERR_INVALID_ARGUMENT);
}

/* The raw stored value of the only record named name (copied). */
static void
raw_record(struct fx *f, const char *name, u_char **vp, size_t *lenp,
    u_char *key, size_t *keylenp)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_cursor *c;
	MDB_val k, v;
	MDB_cursor_op op;
	int found = 0;

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 4), 0);
	assert_int_equal(mdb_env_open(env, f->dir, MDB_RDONLY, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "records", 0, &dbi), 0);
	assert_int_equal(mdb_cursor_open(txn, dbi, &c), 0);
	for (op = MDB_FIRST; mdb_cursor_get(c, &k, &v, op) == 0; op = MDB_NEXT) {
		if (k.mv_size == 8 + strlen(name) &&
		    memcmp((u_char *)k.mv_data + 8, name, strlen(name)) == 0) {
			found = 1;
			break;
		}
	}
	assert_true(found);
	assert_non_null(*vp = malloc(v.mv_size));
	memcpy(*vp, v.mv_data, v.mv_size);
	*lenp = v.mv_size;
	memcpy(key, k.mv_data, k.mv_size);
	*keylenp = k.mv_size;
	mdb_cursor_close(c);
	mdb_txn_abort(txn);
	mdb_env_close(env);
}

static void
raw_put(struct fx *f, const u_char *key, size_t keylen, const u_char *val,
    size_t len)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k, v;

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 4), 0);
	assert_int_equal(mdb_env_open(env, f->dir, 0, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "records", 0, &dbi), 0);
	k.mv_size = keylen;
	k.mv_data = (void *)key;
	v.mv_size = len;
	v.mv_data = (void *)val;
	assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

#define HDR	(1 + 1 + 8 + 8 + 4)	/* record header + value length */

static void
test_format2_names_key(void **state)
{
	struct fx *f = *state;
	struct ms_store *s;
	u_char *v, key[600], kcv[MS_STORE_KCV_LEN];
	size_t len, keylen;

	assert_int_equal(open2(f, f->a, NULL, 0, 0, &s), 0);
	set_secure(s, "/x", "sec", "format two");
	ms_store_close(s);
	raw_record(f, "sec", &v, &len, key, &keylen);
	assert_int_equal(ms_store_key_kcv(f->a, kcv), 0);
	assert_true(len == HDR + 1 + 8 + 12 + strlen("format two") + 16);
	assert_int_equal(v[HDR], 2);
	assert_memory_equal(v + HDR + 1, kcv, sizeof(kcv));
	/* The named key is only a selector: change it and it fails. */
	v[HDR + 1] ^= 1;
	raw_put(f, key, keylen, v, len);
	assert_int_equal(open2(f, f->a, NULL, 0, 0, &s), 0);
	{
		struct ms_record rec;

		assert_int_equal(ms_store_get(s, "/x", "sec", &rec),
		    MS_STORE_ERROR);
		assert_null(rec.value);
	}
	ms_store_close(s);
	free(v);
}

/* Rewrite record name of path as seal format 1 under key k. */
static void
make_format1(struct fx *f, const char *path, const char *name,
    const u_char *k, const char *value)
{
	struct msbuf *aad, *nv;
	u_char *v, key[600], nonce[MS_AEAD_NONCE_LEN], *ct;
	size_t len, keylen, vlen = strlen(value);

	raw_record(f, name, &v, &len, key, &keylen);
	assert_non_null(aad = msbuf_new(4096));
	assert_int_equal(msbuf_put(aad, "metasafe-store-v1", 17), 0);
	assert_int_equal(msbuf_put_cstring(aad, path), 0);
	assert_int_equal(msbuf_put_cstring(aad, name), 0);
	memset(nonce, 0x77, sizeof(nonce));
	assert_non_null(nv = msbuf_new(4096));
	assert_int_equal(msbuf_put(nv, v, HDR - 4), 0);	/* same header */
	assert_int_equal(msbuf_put_u32(nv, (uint32_t)(1 + sizeof(nonce) +
	    vlen + MS_AEAD_TAG_LEN)), 0);
	assert_int_equal(msbuf_put_u8(nv, 1), 0);
	assert_int_equal(msbuf_put(nv, nonce, sizeof(nonce)), 0);
	assert_int_equal(msbuf_reserve(nv, vlen + MS_AEAD_TAG_LEN, &ct), 0);
	assert_int_equal(ms_aead_seal(MS_AEAD_AES256_GCM, k, nonce,
	    msbuf_ptr(aad), msbuf_len(aad), value, vlen, ct), 0);
	raw_put(f, key, keylen, msbuf_ptr(nv), msbuf_len(nv));
	msbuf_free(aad);
	msbuf_free(nv);
	free(v);
}

struct counts {
	int	format1;
	int	under_a;
	int	under_b;
	int	damaged;
	int	records;
	u_char	ka[MS_STORE_KCV_LEN], kb[MS_STORE_KCV_LEN];
};

static int
count_cb(void *ctx, const struct ms_store_walk_item *it)
{
	struct counts *c = ctx;

	if (it->kind == MS_STORE_WALK_DAMAGE) {
		c->damaged++;
		return 0;
	}
	if (it->kind != MS_STORE_WALK_RECORD)
		return 0;
	c->records++;
	if (it->damage != NULL)
		c->damaged++;
	if (it->seal_format == 1)
		c->format1++;
	else if (it->kcv != NULL && memcmp(it->kcv, c->ka, 8) == 0)
		c->under_a++;
	else if (it->kcv != NULL && memcmp(it->kcv, c->kb, 8) == 0)
		c->under_b++;
	return 0;
}

static void
walk_counts(struct fx *f, struct ms_store *s, struct counts *c)
{
	memset(c, 0, sizeof(*c));
	assert_int_equal(ms_store_key_kcv(f->a, c->ka), 0);
	assert_int_equal(ms_store_key_kcv(f->b, c->kb), 0);
	assert_int_equal(ms_store_walk(s, 1, count_cb, c), MS_STORE_OK);
}

static void
test_format1_and_rotation(void **state)
{
	struct fx *f = *state;
	struct ms_store *s;
	struct ms_record rec;
	struct counts c;
	size_t done, n;
	int more;

	assert_int_equal(open2(f, f->a, NULL, 0, 0, &s), 0);
	set_secure(s, "/r", "old1", "value one");
	set_secure(s, "/r/deeper", "old2", "value two");
	assert_int_equal(ms_store_set(s, "/r", "plain", 0, "p", 1, NULL),
	    MS_STORE_OK);
	ms_store_close(s);
	/* A value written before KCVs existed: format 1. */
	make_format1(f, "/r", "old1", f->a, "value one");

	/* Rotation: B seals, A still opens (format 1 and 2). */
	assert_int_equal(open2(f, f->b, f->a, 0, 0, &s), 0);
	get_is(s, "/r", "old1", "value one");
	get_is(s, "/r/deeper", "old2", "value two");
	set_secure(s, "/r", "new", "value three");
	walk_counts(f, s, &c);
	assert_int_equal(c.records, 4);
	assert_int_equal(c.format1, 1);
	assert_int_equal(c.under_a, 1);
	assert_int_equal(c.under_b, 1);
	assert_int_equal(c.damaged, 0);
	ms_store_close(s);

	/* A alone: recorded, so accepted; B's value does not open. */
	assert_int_equal(open2(f, f->a, NULL, 0, 0, &s), 0);
	get_is(s, "/r", "old1", "value one");
	assert_int_equal(ms_store_get(s, "/r", "new", &rec), MS_STORE_ERROR);
	walk_counts(f, s, &c);
	assert_int_equal(c.damaged, 1);
	ms_store_close(s);

	/* Re-seal under B, one value per transaction; idempotent. */
	assert_int_equal(open2(f, f->b, f->a, 0, 0, &s), 0);
	n = 0;
	do {
		assert_int_equal(ms_store_reseal(s, 1, &done, &more),
		    MS_STORE_OK);
		n += done;
	} while (more);
	assert_int_equal(n, 2);
	assert_int_equal(ms_store_reseal(s, 10, &done, &more), MS_STORE_OK);
	assert_int_equal(done, 0);
	assert_int_equal(more, 0);
	/* Version and mtime are kept: re-sealing is not a SET. */
	assert_int_equal(ms_store_get(s, "/r", "old1", &rec), MS_STORE_OK);
	assert_int_equal(rec.version, 1);
	ms_record_clear(&rec);
	ms_store_close(s);

	/* B alone now opens everything. */
	assert_int_equal(open2(f, f->b, NULL, 0, 0, &s), 0);
	get_is(s, "/r", "old1", "value one");
	get_is(s, "/r/deeper", "old2", "value two");
	get_is(s, "/r", "new", "value three");
	walk_counts(f, s, &c);
	assert_int_equal(c.under_b, 3);
	assert_int_equal(c.under_a + c.format1 + c.damaged, 0);
	ms_store_close(s);
}

static void
test_wrong_key_refused(void **state)
{
	struct fx *f = *state;
	struct ms_store *s;
	u_char rec[4][MS_STORE_KCV_LEN], ka[MS_STORE_KCV_LEN];
	size_t n;

	assert_int_equal(open2(f, f->a, NULL, 0, 0, &s), 0);
	set_secure(s, "/w", "v", "secret");
	ms_store_close(s);
	s = NULL;
	assert_int_equal(open2(f, f->c, NULL, 0, 0, &s),
	    MS_STORE_KEY_MISMATCH);
	assert_null(s);
	assert_int_equal(open2(f, f->c, NULL, MS_STORE_RDONLY, 0, &s),
	    MS_STORE_KEY_MISMATCH);
	assert_null(s);
	/* C first, A second: A is recorded, so the store opens. */
	assert_int_equal(open2(f, f->c, f->a, MS_STORE_RDONLY, 0, &s), 0);
	get_is(s, "/w", "v", "secret");
	/* Read-only: nothing recorded, no write. */
	assert_int_equal(ms_store_recorded_kcvs(s, rec, 4, &n), MS_STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ms_store_key_kcv(f->a, ka), 0);
	assert_memory_equal(rec[0], ka, sizeof(ka));
	assert_int_equal(ms_store_set(s, "/w", "x", 0, "1", 1, NULL),
	    MS_STORE_ERROR);
	ms_store_close(s);
	/* The diagnostic open skips the rule. */
	assert_int_equal(open2(f, f->c, NULL,
	    MS_STORE_RDONLY | MS_STORE_NOKEYCHECK, 0, &s), 0);
	ms_store_close(s);
	assert_int_equal(open2(f, f->c, NULL, MS_STORE_NOKEYCHECK, 0, &s),
	    MS_STORE_INVALID);
	/* Read-write with C first: C gets recorded as the sealing key. */
	assert_int_equal(open2(f, f->c, f->a, 0, 0, &s), 0);
	assert_int_equal(ms_store_recorded_kcvs(s, rec, 4, &n), MS_STORE_OK);
	assert_int_equal(n, 2);
	ms_store_close(s);
}

/* store_keys_check() with one key, named "/etc/c" (C) or "/etc/x". */
static int
check_with(struct fx *f, const u_char *key, char *err, size_t errlen)
{
	struct hostkeys hk;
	char *files[1];
	int r;

	memset(&hk, 0, sizeof(hk));
	memcpy(hk.store_keys[0], key, MS_STORE_KEY_LEN);
	hk.nstore_keys = 1;
	files[0] = key == f->c ? "/etc/c" : "/etc/x";
	err[0] = '\0';
	r = store_keys_check(f->dir, files, &hk, err, errlen);
	explicit_bzero(&hk, sizeof(hk));
	return r;
}

static void
test_check_message(void **state)
{
	struct fx *f = *state;
	struct ms_store *s;
	u_char ka[MS_STORE_KCV_LEN], kc[MS_STORE_KCV_LEN];
	char fa[MS_STORE_KCV_STRLEN + 1], fc[MS_STORE_KCV_STRLEN + 1];
	char err[1024], want[1024];

	/* No store yet: fine (it will be created). */
	assert_int_equal(check_with(f, f->c, err, sizeof(err)), 0);
	assert_int_equal(open2(f, f->a, NULL, 0, 0, &s), 0);
	ms_store_close(s);
	assert_int_equal(check_with(f, f->a, err, sizeof(err)), 0);
	assert_int_equal(check_with(f, f->c, err, sizeof(err)),
	    MS_ERR_STORE_KEY_MISMATCH);
	assert_int_equal(ms_store_key_kcv(f->a, ka), 0);
	assert_int_equal(ms_store_key_kcv(f->c, kc), 0);
	ms_store_kcv_format(ka, fa, sizeof(fa));
	ms_store_kcv_format(kc, fc, sizeof(fc));
	snprintf(want, sizeof(want), "StoreKey /etc/c (key check value %s) "
	    "does not match the store in %s (store expects %s)", fc, f->dir,
	    fa);
	assert_string_equal(err, want);
}

/* A store from before KCVs: none recorded; the first RW open adopts. */
static void
test_legacy_adopt(void **state)
{
	struct fx *f = *state;
	struct ms_store *s;
	u_char rec[4][MS_STORE_KCV_LEN], kb[MS_STORE_KCV_LEN];
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_cursor *c;
	MDB_val k, v;
	char err[1024];
	size_t n;
	int deleted = 0;

	assert_int_equal(open2(f, f->a, NULL, 0, 0, &s), 0);
	set_secure(s, "/l", "v", "legacy");
	ms_store_close(s);
	/* Remove every "kcv:" meta key, as an earlier version had none. */
	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 4), 0);
	assert_int_equal(mdb_env_open(env, f->dir, 0, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "meta", 0, &dbi), 0);
	assert_int_equal(mdb_cursor_open(txn, dbi, &c), 0);
	while (mdb_cursor_get(c, &k, &v, MDB_FIRST) == 0) {
		if (k.mv_size < 4 || memcmp(k.mv_data, "kcv:", 4) != 0) {
			/* "format" sorts first: step past it. */
			if (mdb_cursor_get(c, &k, &v, MDB_NEXT) != 0 ||
			    k.mv_size < 4 || memcmp(k.mv_data, "kcv:", 4) != 0)
				break;
		}
		assert_int_equal(mdb_cursor_del(c, 0), 0);
		deleted++;
	}
	mdb_cursor_close(c);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
	assert_int_equal(deleted, 1);

	/* The start-up / -t check: C opens nothing, A does. */
	assert_int_equal(check_with(f, f->c, err, sizeof(err)),
	    MS_ERR_STORE_KEY_MISMATCH);
	assert_non_null(strstr(err, "StoreKey /etc/c cannot open the SECURE "
	    "values of the store in "));
	assert_int_equal(check_with(f, f->a, err, sizeof(err)), 0);
	/* Read-only: nothing to check against, nothing recorded. */
	assert_int_equal(open2(f, f->b, NULL, MS_STORE_RDONLY, 0, &s), 0);
	assert_int_equal(ms_store_recorded_kcvs(s, rec, 4, &n), MS_STORE_OK);
	assert_int_equal(n, 0);
	ms_store_close(s);
	/* Read-write with C alone: it opens no SECURE value, refused. */
	s = NULL;
	assert_int_equal(open2(f, f->c, NULL, 0, 0, &s),
	    MS_STORE_KEY_MISMATCH);
	assert_null(s);
	/* B then A: A opens the value, so A and B (which seals) are kept. */
	assert_int_equal(open2(f, f->b, f->a, 0, 0, &s), 0);
	assert_int_equal(ms_store_recorded_kcvs(s, rec, 4, &n), MS_STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(ms_store_key_kcv(f->b, kb), 0);
	assert_true(memcmp(rec[0], kb, sizeof(kb)) == 0 ||
	    memcmp(rec[1], kb, sizeof(kb)) == 0);
	get_is(s, "/l", "v", "legacy");
	ms_store_close(s);
	/* From now on the rule applies: C alone is refused, A accepted. */
	assert_int_equal(open2(f, f->c, NULL, 0, 0, &s),
	    MS_STORE_KEY_MISMATCH);
	assert_int_equal(open2(f, f->a, NULL, 0, 0, &s), 0);
	ms_store_close(s);
}

static void
test_rdonly_missing(void **state)
{
	struct fx *f = *state;
	struct ms_store *s = NULL;

	assert_int_not_equal(open2(f, f->a, NULL, MS_STORE_RDONLY, 0, &s), 0);
	assert_null(s);
	/* And it did not create the store. */
	assert_int_equal(access(f->dir, F_OK), -1);
}

static void
test_store_full(void **state)
{
	struct fx *f = *state;
	struct ms_store *s;
	struct ms_store_usage u, u2;
	struct ms_record rec;
	char name[32];
	u_char *big;
	int i, st = MS_STORE_OK;

	assert_non_null(big = malloc(60000));
	memset(big, 'z', 60000);
	assert_int_equal(open2(f, f->a, NULL, 0, 256 * 1024, &s), 0);
	set_secure(s, "/f", "first", "kept");
	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "big%d", i);
		assert_int_equal(ms_store_usage(s, &u), MS_STORE_OK);
		if ((st = ms_store_set(s, "/f", name, 0, big, 60000,
		    NULL)) != MS_STORE_OK)
			break;
	}
	assert_int_equal(st, MS_STORE_FULL);
	assert_true(i > 0);
	/* Nothing of the failed write: same counts, no record. */
	assert_int_equal(ms_store_usage(s, &u2), MS_STORE_OK);
	assert_int_equal(u2.records, u.records);
	assert_int_equal(u2.nodes, u.nodes);
	assert_int_equal(u2.max_bytes, 256 * 1024);
	assert_true(u2.used_bytes <= u2.max_bytes);
	assert_int_equal(ms_store_get(s, "/f", name, &rec),
	    MS_STORE_NOT_FOUND_RECORD);
	get_is(s, "/f", "first", "kept");
	/* A node-creating write fails the same way. */
	assert_int_equal(ms_store_set(s, "/g/h/i", "x", 0, big, 60000, NULL),
	    MS_STORE_FULL);
	assert_int_equal(ms_store_node_exists(s, "/g"), MS_STORE_NOT_FOUND_PATH);
	ms_store_close(s);
	free(big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kcv_vector),
		cmocka_unit_test_setup_teardown(test_format2_names_key,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_format1_and_rotation,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_key_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_message,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_legacy_adopt,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_rdonly_missing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_full,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
