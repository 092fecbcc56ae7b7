/*
 * test_store_migrate.c — ms_store_migrate() and ms_store_compare()
 * (monitor/store_migrate.c) between two LMDB stores: the copy keeps
 * nodes, ACLs, node flags, record headers and sealed bytes; a non-empty
 * destination is refused; every kind of difference is found.
 */
#include <sys/types.h>

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

#include "store_fixture.h"

#include "errors.h"
#include "log.h"
#include "monitor/acl.h"
#include "monitor/store.h"
#include "monitor/store_int.h"
#include "buf.h"
#include "names.h"
#include "proto.h"

struct fixture {
	char		 tmp[64];
	char		 a[96], b[96], c[96];
	u_char		 key[MS_STORE_KEY_LEN];
	u_char		 key2[MS_STORE_KEY_LEN];
	struct ms_store	*sa, *sb;
};

static const char secret[] = "SECRET-4f1e-never-unsealed-by-migrate";


static int
open1(const char *dir, const u_char *key, struct ms_store **sp)
{
	return ms_store_open_keys(dir, (const u_char (*)[MS_STORE_KEY_LEN])key,
	    1, 0, 0, sp);
}

/* A store with a bit of everything the copy must keep. */
static void
populate(struct ms_store *s)
{
	struct ms_acl_entry ch[2];

	memset(ch, 0, sizeof(ch));
	assert_int_equal(ms_store_set(s, "/app/db", "user", 0, "alice", 5,
	    NULL), MS_STORE_OK);
	assert_int_equal(ms_store_set(s, "/app/db", "user", 0, "bob", 3, NULL),
	    MS_STORE_OK);	/* version 2 */
	assert_int_equal(ms_store_set(s, "/app/db", "password", MS_REC_SECURE,
	    secret, sizeof(secret) - 1, NULL), MS_STORE_OK);
	assert_int_equal(ms_store_set(s, "/app/db/deep/er", "inh",
	    MS_REC_INHERIT, "x", 1, NULL), MS_STORE_OK);
	assert_int_equal(ms_store_set(s, "/empty/node", "gone", 0, "", 0,
	    NULL), MS_STORE_OK);
	assert_int_equal(ms_store_delete_record(s, "/empty/node", "gone"),
	    MS_STORE_OK);
	strlcpy(ch[0].who, "alice", sizeof(ch[0].who));
	ch[0].rights = MS_RIGHT_READ | MS_RIGHT_LIST;
	strlcpy(ch[1].who, "group:ops", sizeof(ch[1].who));
	ch[1].rights = MS_RIGHT_ADMIN;
	assert_int_equal(ms_store_set_acl(s, "/", ch, 1, -1, -1), MS_STORE_OK);
	assert_int_equal(ms_store_set_acl(s, "/app", ch, 2, 1, -1),
	    MS_STORE_OK);
	assert_int_equal(ms_store_set_acl(s, "/app/db", NULL, 0, -1, 1),
	    MS_STORE_OK);
}

static int
setup(void **state)
{
	struct fixture *f;
	size_t i;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	if (store_fixture_mkdtemp(f->tmp, sizeof(f->tmp), "migrate") != 0)
		return -1;
	snprintf(f->a, sizeof(f->a), "%s/a", f->tmp);
	snprintf(f->b, sizeof(f->b), "%s/b", f->tmp);
	snprintf(f->c, sizeof(f->c), "%s/c", f->tmp);
	for (i = 0; i < sizeof(f->key); i++) {
		f->key[i] = (u_char)(0x30 + i);
		f->key2[i] = (u_char)(0x90 + i);
	}
	if (open1(f->a, f->key, &f->sa) != MS_STORE_OK ||
	    open1(f->b, f->key, &f->sb) != MS_STORE_OK)
		return -1;
	populate(f->sa);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	ms_store_close(f->sa);
	ms_store_close(f->sb);
	store_fixture_rm_rf(f->tmp);
	free(f);
	return 0;
}

static void
get_eq(struct ms_store *x, struct ms_store *y, const char *path,
    const char *name)
{
	struct ms_record rx, ry;

	assert_int_equal(ms_store_get(x, path, name, &rx), MS_STORE_OK);
	assert_int_equal(ms_store_get(y, path, name, &ry), MS_STORE_OK);
	assert_int_equal(rx.flags, ry.flags);
	assert_int_equal(rx.version, ry.version);
	assert_int_equal(rx.mtime, ry.mtime);
	assert_int_equal(rx.value_len, ry.value_len);
	assert_memory_equal(rx.value, ry.value, rx.value_len);
	ms_record_clear(&rx);
	ms_record_clear(&ry);
}

static void
acl_eq(struct ms_store *x, struct ms_store *y, const char *path)
{
	struct ms_acl ax, ay;
	size_t i;

	assert_int_equal(ms_store_get_acl(x, path, &ax), MS_STORE_OK);
	assert_int_equal(ms_store_get_acl(y, path, &ay), MS_STORE_OK);
	assert_int_equal(ax.flags, ay.flags);
	assert_int_equal(ax.nentries, ay.nentries);
	for (i = 0; i < ax.nentries; i++) {
		assert_string_equal(ax.entries[i].who, ay.entries[i].who);
		assert_int_equal(ax.entries[i].rights, ay.entries[i].rights);
	}
}

static void
test_copy(void **state)
{
	struct fixture *f = *state;
	struct ms_store_copy_stats st, cmp;
	struct ms_acl acl;

	assert_int_equal(ms_store_migrate(f->sa, f->sb, &st), MS_STORE_OK);
	/* /, /app, /app/db, /app/db/deep, /app/db/deep/er, /empty, /empty/node */
	assert_int_equal(st.nodes, 7);
	assert_int_equal(st.records, 3);
	assert_int_equal(st.secure, 1);
	assert_int_equal(ms_store_compare(f->sa, f->sb, &cmp), MS_STORE_OK);
	assert_int_equal(cmp.nodes, 7);
	assert_int_equal(cmp.records, 3);
	assert_int_equal(cmp.secure, 1);
	get_eq(f->sa, f->sb, "/app/db", "user");
	get_eq(f->sa, f->sb, "/app/db", "password");
	get_eq(f->sa, f->sb, "/app/db/deep/er", "inh");
	acl_eq(f->sa, f->sb, "/");
	acl_eq(f->sa, f->sb, "/app");
	acl_eq(f->sa, f->sb, "/app/db");
	assert_int_equal(ms_store_get_acl(f->sb, "/app", &acl), MS_STORE_OK);
	assert_int_equal(acl.flags, MS_NODE_NOINHERIT);
	assert_int_equal(acl.nentries, 2);
	assert_int_equal(ms_store_get_acl(f->sb, "/app/db", &acl), MS_STORE_OK);
	assert_int_equal(acl.flags, MS_NODE_SENSITIVE);
	assert_int_equal(ms_store_node_exists(f->sb, "/empty/node"),
	    MS_STORE_OK);
	/* Both ways. */
	assert_int_equal(ms_store_compare(f->sb, f->sa, &cmp), MS_STORE_OK);

	/* Not into a store that holds something. */
	assert_int_equal(ms_store_migrate(f->sa, f->sb, &st),
	    MS_STORE_INVALID);
	assert_int_equal(st.nodes, 0);
}

/* An ACL on / alone makes a destination non-empty. */
static void
test_refuse_root_acl(void **state)
{
	struct fixture *f = *state;
	struct ms_store_copy_stats st;
	struct ms_acl_entry ch;

	memset(&ch, 0, sizeof(ch));
	strlcpy(ch.who, "bob", sizeof(ch.who));
	ch.rights = MS_RIGHT_READ;
	assert_int_equal(ms_store_set_acl(f->sb, "/", &ch, 1, -1, -1),
	    MS_STORE_OK);
	assert_int_equal(ms_store_migrate(f->sa, f->sb, &st),
	    MS_STORE_INVALID);
	assert_int_equal(ms_store_node_exists(f->sb, "/app"),
	    MS_STORE_NOT_FOUND_PATH);
}

/*
 * A directory entry the walk from / does not reach (a node id never
 * made) still makes the destination non-empty: it would surface a path.
 */
static void
test_refuse_stray_dirent(void **state)
{
	struct fixture *f = *state;
	struct ms_store_copy_stats st;
	struct store_tx *tx;
	struct msbuf *k, *v;
	struct store_val kv, vv;

	assert_int_equal(store_make_key(999, "app", 3, &k), 0);
	assert_int_equal(store_make_key(1000, NULL, 0, &v), 0);
	store_val_of(k, &kv);
	store_val_of(v, &vv);
	assert_int_equal(store_txn_begin(f->sb, 1, &tx), MS_STORE_OK);
	assert_int_equal(store_kv_put(f->sb, tx, STORE_T_DIRENTS, &kv, &vv, 0),
	    MS_STORE_OK);
	assert_int_equal(store_txn_finish(f->sb, tx, MS_STORE_OK), MS_STORE_OK);
	msbuf_free(k);
	msbuf_free(v);
	assert_int_equal(ms_store_migrate(f->sa, f->sb, &st),
	    MS_STORE_INVALID);
	assert_int_equal(ms_store_node_exists(f->sb, "/app"),
	    MS_STORE_NOT_FOUND_PATH);
}

/* Each kind of difference, made in the copy, is found. */
static void
test_differences(void **state)
{
	struct fixture *f = *state;
	struct ms_store_copy_stats st, cmp;
	struct ms_acl_entry ch;
	struct ms_record rec;

	assert_int_equal(ms_store_migrate(f->sa, f->sb, &st), MS_STORE_OK);
	assert_int_equal(ms_store_compare(f->sa, f->sb, &cmp), MS_STORE_OK);

	/* Same value written again: the version differs. */
	assert_int_equal(ms_store_set(f->sb, "/app/db", "user", 0, "bob", 3,
	    NULL), MS_STORE_OK);
	assert_int_equal(ms_store_compare(f->sa, f->sb, &cmp), MS_STORE_ERROR);
	assert_int_equal(cmp.nodes, 0);
	assert_int_equal(ms_store_set(f->sa, "/app/db", "user", 0, "bob", 3,
	    NULL), MS_STORE_OK);
	/* mtime may now differ by a second: copy afresh for the rest. */
	ms_store_close(f->sb);
	store_fixture_rm_rf(f->b);
	assert_int_equal(open1(f->b, f->key, &f->sb), MS_STORE_OK);
	assert_int_equal(ms_store_migrate(f->sa, f->sb, &st), MS_STORE_OK);
	assert_int_equal(ms_store_compare(f->sa, f->sb, &cmp), MS_STORE_OK);

	/* An extra record, then an extra node. */
	assert_int_equal(ms_store_set(f->sb, "/app", "extra", 0, "e", 1, NULL),
	    MS_STORE_OK);
	assert_int_equal(ms_store_compare(f->sa, f->sb, &cmp), MS_STORE_ERROR);
	assert_int_equal(ms_store_compare(f->sb, f->sa, &cmp), MS_STORE_ERROR);
	assert_int_equal(ms_store_delete_record(f->sb, "/app", "extra"),
	    MS_STORE_OK);
	assert_int_equal(ms_store_compare(f->sa, f->sb, &cmp), MS_STORE_OK);
	assert_int_equal(ms_store_set(f->sb, "/zzz", "r", 0, "e", 1, NULL),
	    MS_STORE_OK);
	assert_int_equal(ms_store_delete_record(f->sb, "/zzz", "r"),
	    MS_STORE_OK);
	assert_int_equal(ms_store_compare(f->sa, f->sb, &cmp), MS_STORE_ERROR);
	assert_int_equal(ms_store_delete_node(f->sb, "/zzz"), MS_STORE_OK);
	assert_int_equal(ms_store_compare(f->sa, f->sb, &cmp), MS_STORE_OK);

	/* A missing record. */
	assert_int_equal(ms_store_get(f->sb, "/app/db/deep/er", "inh", &rec),
	    MS_STORE_OK);
	assert_int_equal(ms_store_delete_record(f->sb, "/app/db/deep/er",
	    "inh"), MS_STORE_OK);
	assert_int_equal(ms_store_compare(f->sa, f->sb, &cmp), MS_STORE_ERROR);
	ms_record_clear(&rec);

	/* An ACL entry, and a node flag. */
	ms_store_close(f->sb);
	store_fixture_rm_rf(f->b);
	assert_int_equal(open1(f->b, f->key, &f->sb), MS_STORE_OK);
	assert_int_equal(ms_store_migrate(f->sa, f->sb, &st), MS_STORE_OK);
	memset(&ch, 0, sizeof(ch));
	strlcpy(ch.who, "alice", sizeof(ch.who));
	ch.rights = MS_RIGHT_READ;	/* was rl */
	assert_int_equal(ms_store_set_acl(f->sb, "/app", &ch, 1, -1, -1),
	    MS_STORE_OK);
	assert_int_equal(ms_store_compare(f->sa, f->sb, &cmp), MS_STORE_ERROR);
	ch.rights = MS_RIGHT_READ | MS_RIGHT_LIST;
	assert_int_equal(ms_store_set_acl(f->sb, "/app", &ch, 1, -1, -1),
	    MS_STORE_OK);
	assert_int_equal(ms_store_compare(f->sa, f->sb, &cmp), MS_STORE_OK);
	assert_int_equal(ms_store_set_acl(f->sb, "/app/db", NULL, 0, -1, 0),
	    MS_STORE_OK);
	assert_int_equal(ms_store_compare(f->sa, f->sb, &cmp), MS_STORE_ERROR);
}

/*
 * Sealed values are compared sealed: a store filled the same way through
 * the API is not a copy (each seal has a fresh nonce).
 */
static void
test_sealed_bytes(void **state)
{
	struct fixture *f = *state;
	struct ms_store_copy_stats cmp;
	struct ms_store *c;

	assert_int_equal(open1(f->c, f->key, &c), MS_STORE_OK);
	populate(c);
	/* Same paths, plaintexts and versions; only the sealed bytes (and
	 * maybe an mtime) differ. */
	assert_int_equal(ms_store_compare(f->sa, c, &cmp), MS_STORE_ERROR);
	ms_store_close(c);
}

/*
 * Below the API: the stored bytes of a record, with one byte of the
 * value flipped (flip), or replaced by bytes that do not decode (junk).
 */
static void
raw_tamper(struct ms_store *s, const char *path, const char *name, int junk)
{
	struct store_tx *tx;
	struct msbuf *k = NULL;
	struct store_val kv, dv, nv;
	u_char *copy;
	uint64_t id;

	assert_int_equal(store_txn_begin(s, 1, &tx), MS_STORE_OK);
	assert_int_equal(store_node_id(s, tx, path, &id), MS_STORE_OK);
	assert_int_equal(store_make_key(id, name, strlen(name), &k), 0);
	store_val_of(k, &kv);
	assert_int_equal(store_kv_get(s, tx, STORE_T_RECORDS, &kv, &dv),
	    MS_STORE_OK);
	assert_true(dv.len > 22);
	copy = malloc(dv.len);
	assert_non_null(copy);
	memcpy(copy, dv.data, dv.len);
	nv.data = copy;
	nv.len = dv.len;
	if (junk)
		nv.len = 3;		/* a header cut short */
	else
		copy[dv.len - 1] ^= 0x01;	/* last value byte */
	assert_int_equal(store_kv_put(s, tx, STORE_T_RECORDS, &kv, &nv, 0),
	    MS_STORE_OK);
	assert_int_equal(store_txn_finish(s, tx, MS_STORE_OK), MS_STORE_OK);
	free(copy);
	msbuf_free(k);
}

/*
 * Byte for byte: one flipped bit in a stored value, header untouched, is
 * a difference, in a plain value and in a sealed one (compared sealed,
 * so without unsealing it).
 */
static void
test_stored_bytes(void **state)
{
	struct fixture *f = *state;
	struct ms_store_copy_stats st, cmp;

	assert_int_equal(ms_store_migrate(f->sa, f->sb, &st), MS_STORE_OK);
	raw_tamper(f->sb, "/app/db", "user", 0);
	assert_int_equal(ms_store_compare(f->sa, f->sb, &cmp), MS_STORE_ERROR);
	raw_tamper(f->sb, "/app/db", "user", 0);	/* flipped back */
	assert_int_equal(ms_store_compare(f->sa, f->sb, &cmp), MS_STORE_OK);
	raw_tamper(f->sb, "/app/db", "password", 0);
	assert_int_equal(ms_store_compare(f->sa, f->sb, &cmp), MS_STORE_ERROR);
}

/*
 * Never unsealed: a sealed value that no longer opens (one bit flipped)
 * is copied as it is, and is as unopenable in the copy.
 */
static void
test_never_unsealed(void **state)
{
	struct fixture *f = *state;
	struct ms_store_copy_stats st, cmp;
	struct ms_record rec;

	raw_tamper(f->sa, "/app/db", "password", 0);
	assert_int_equal(ms_store_get(f->sa, "/app/db", "password", &rec),
	    MS_STORE_ERROR);
	assert_int_equal(ms_store_migrate(f->sa, f->sb, &st), MS_STORE_OK);
	assert_int_equal(st.secure, 1);
	assert_int_equal(ms_store_compare(f->sa, f->sb, &cmp), MS_STORE_OK);
	assert_int_equal(ms_store_get(f->sb, "/app/db", "password", &rec),
	    MS_STORE_ERROR);
}

/* More items than one commit group holds (monitor/store_migrate.c). */
static void
test_many(void **state)
{
	struct fixture *f = *state;
	struct ms_store_copy_stats st, cmp;
	struct ms_record rec;
	char name[32], path[32];
	int i;

	for (i = 0; i < 300; i++) {
		snprintf(path, sizeof(path), "/many/n%d", i % 50);
		snprintf(name, sizeof(name), "r%d", i);
		assert_int_equal(ms_store_set(f->sa, path, name,
		    i % 3 == 0 ? MS_REC_SECURE : 0, name, strlen(name), NULL),
		    MS_STORE_OK);
	}
	assert_int_equal(ms_store_migrate(f->sa, f->sb, &st), MS_STORE_OK);
	assert_int_equal(st.nodes, 7 + 51);
	assert_int_equal(st.records, 3 + 300);
	assert_int_equal(st.secure, 1 + 100);
	assert_int_equal(ms_store_compare(f->sa, f->sb, &cmp), MS_STORE_OK);
	assert_int_equal(cmp.records, st.records);
	/* Durable: as a new open sees it. */
	ms_store_close(f->sb);
	assert_int_equal(open1(f->b, f->key, &f->sb), MS_STORE_OK);
	assert_int_equal(ms_store_compare(f->sa, f->sb, &cmp), MS_STORE_OK);
	assert_int_equal(ms_store_get(f->sb, "/many/n49", "r299", &rec),
	    MS_STORE_OK);
	assert_int_equal(rec.value_len, 4);
	assert_memory_equal(rec.value, "r299", 4);
	ms_record_clear(&rec);
}

/* A damaged source is not copied: migrate stops and says where. */
static void
test_damaged_source(void **state)
{
	struct fixture *f = *state;
	struct ms_store_copy_stats st;

	raw_tamper(f->sa, "/app/db/deep/er", "inh", 1);
	assert_int_equal(ms_store_migrate(f->sa, f->sb, &st), MS_STORE_ERROR);
}

/*
 * The source's recorded key check values go with the copy: a copy made
 * into a store opened with another key opens with the source's key
 * alone, and its SECURE value unseals.
 */
static void
test_kcvs(void **state)
{
	struct fixture *f = *state;
	struct ms_store_copy_stats st;
	struct ms_store *c;
	struct ms_record rec;

	assert_int_equal(open1(f->c, f->key2, &c), MS_STORE_OK);
	assert_int_equal(ms_store_migrate(f->sa, c, &st), MS_STORE_OK);
	ms_store_close(c);
	assert_int_equal(open1(f->c, f->key, &c), MS_STORE_OK);
	assert_int_equal(ms_store_get(c, "/app/db", "password", &rec),
	    MS_STORE_OK);
	assert_int_equal(rec.value_len, sizeof(secret) - 1);
	assert_memory_equal(rec.value, secret, rec.value_len);
	ms_record_clear(&rec);
	ms_store_close(c);
	/* And the reverse direction of the rule: a key never recorded. */
	memset(f->key2, 0x55, sizeof(f->key2));
	assert_int_equal(open1(f->c, f->key2, &c), MS_STORE_KEY_MISMATCH);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuse_root_acl, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refuse_stray_dirent, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_differences, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sealed_bytes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_kcvs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stored_bytes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_damaged_source, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_never_unsealed, setup,
		    teardown),
	};

	ms_log_init("test_store_migrate", MS_LOG_QUIET, 1, -1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
