/*
 * test_store_ops.c — the LMDB node/record store (monitor/store_*.c), each test in
 * a fresh temporary directory.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "store_fixture.h"
#include <lmdb.h>

#include "errors.h"
#include "monitor/acl.h"
#include "monitor/store.h"
#include "monitor/store_int.h"
#include "path.h"
#include "proto.h"

struct fixture {
	char		 tmp[64];	/* mkdtemp directory */
	char		 dir[96];	/* store directory inside it */
	u_char		 key[MS_STORE_KEY_LEN];
	struct ms_store	*s;
};

static const char plain_marker[] = "PLAIN-MARKER-6c1f0e2a-visible-at-rest";
static const char secret_marker[] = "SECRET-MARKER-9b7d41c3-never-at-rest";

static void
fx_open(struct fixture *f)
{
	assert_int_equal(ms_store_open(f->dir, f->key, 0, &f->s), 0);
	assert_non_null(f->s);
}

static void
fx_close(struct fixture *f)
{
	ms_store_close(f->s);
	f->s = NULL;
}

static int
setup(void **state)
{
	struct fixture *f;
	size_t i;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	if (store_fixture_mkdtemp(f->tmp, sizeof(f->tmp), "store") != 0)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/store", f->tmp);
	for (i = 0; i < sizeof(f->key); i++)
		f->key[i] = (u_char)(0xa0 + i);
	if (ms_store_open(f->dir, f->key, 0, &f->s) != 0)
		return -1;
	*state = f;
	return 0;
}


static int
teardown(void **state)
{
	struct fixture *f = *state;

	ms_store_close(f->s);
	store_fixture_rm_rf(f->tmp);
	free(f);
	return 0;
}

static void
set_ok(struct ms_store *s, const char *path, const char *name, uint8_t flags,
    const void *v, size_t len, uint64_t want_version)
{
	uint64_t version = 0;

	assert_int_equal(ms_store_set(s, path, name, flags, v, len, &version),
	    MS_STORE_OK);
	assert_int_equal(version, want_version);
}

static void
get_eq(struct ms_store *s, const char *path, const char *name, uint8_t flags,
    const void *v, size_t len, uint64_t version)
{
	struct ms_record rec;

	assert_int_equal(ms_store_get(s, path, name, &rec), MS_STORE_OK);
	assert_int_equal(rec.flags, flags);
	assert_int_equal(rec.version, version);
	assert_int_equal(rec.value_len, len);
	assert_non_null(rec.value);
	if (len > 0)
		assert_memory_equal(rec.value, v, len);
	assert_int_equal(rec.value[len], '\0');
	ms_record_clear(&rec);
	assert_null(rec.value);
	assert_int_equal(rec.value_len, 0);
}

static void
test_open_modes(void **state)
{
	struct fixture *f = *state;
	struct ms_store *s2 = NULL;
	struct stat st;
	char p[160];
	int fd;

	assert_int_equal(stat(f->dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	snprintf(p, sizeof(p), "%s/data.mdb", f->dir);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);

	/* A group/world-writable directory is refused. */
	snprintf(p, sizeof(p), "%s/loose", f->tmp);
	assert_int_equal(mkdir(p, 0700), 0);
	assert_int_equal(chmod(p, 0777), 0);
	assert_int_equal(ms_store_open(p, f->key, 0, &s2), MS_STORE_INVALID);
	assert_null(s2);
	/* So is a path that is not a directory. */
	snprintf(p, sizeof(p), "%s/file", f->tmp);
	assert_true((fd = open(p, O_CREAT | O_WRONLY, 0600)) >= 0);
	close(fd);
	assert_int_equal(ms_store_open(p, f->key, 0, &s2), MS_STORE_INVALID);
	assert_null(s2);
	assert_int_equal(ms_store_open(NULL, f->key, 0, &s2),
	    MS_STORE_INVALID);
	ms_store_close(NULL);
}

/* System errors become store statuses; EIO means "no room" only on a write. */
static void
test_errno_status(void **state)
{
	static const struct {
		int	err, writing, want;
	} cases[] = {
		{ ENOSPC, 0, MS_STORE_FULL },
		{ ENOSPC, 1, MS_STORE_FULL },
		{ EDQUOT, 1, MS_STORE_FULL },
		{ EIO, 1, MS_STORE_FULL },
		{ EIO, 0, MS_STORE_ERROR },
		{ EROFS, 1, MS_STORE_UNAVAILABLE },
		{ EACCES, 0, MS_STORE_UNAVAILABLE },
		{ EPERM, 1, MS_STORE_UNAVAILABLE },
		{ ENOENT, 0, MS_STORE_ERROR },
		{ MDB_CORRUPTED, 1, MS_STORE_ERROR },
		{ MDB_MAP_FULL, 1, MS_STORE_ERROR },	/* map_full path */
	};
	size_t i;
	int st;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(store_errno_status(cases[i].err,
		    cases[i].writing), cases[i].want);
	/* Every status has its own phrase. */
	for (st = MS_STORE_OK; st <= MS_STORE_KEY_MISMATCH; st++) {
		assert_non_null(ms_store_strerror(st));
		if (st > MS_STORE_OK)
			assert_string_not_equal(ms_store_strerror(st),
			    ms_store_strerror(st - 1));
	}
	assert_string_equal(ms_store_strerror(99), "store error");
}

static void
test_roundtrip(void **state)
{
	struct fixture *f = *state;
	static const u_char bin[] = { 0x00, 0x01, 0xff, 0x00, 'a', 0x00, 0x80 };
	u_char big[4096];
	struct ms_record rec;
	time_t t0, t1;
	size_t i;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (u_char)(i * 7 + 3);
	t0 = time(NULL);
	set_ok(f->s, "/app/db", "url", 0, "pg://x", 6, 1);
	set_ok(f->s, "/app/db", "bin", 0, bin, sizeof(bin), 1);
	set_ok(f->s, "/app/db", "pw", MS_REC_SECURE, bin, sizeof(bin), 1);
	set_ok(f->s, "/app/db", "big", MS_REC_SECURE | MS_REC_INHERIT,
	    big, sizeof(big), 1);
	set_ok(f->s, "/app/db", "empty", 0, NULL, 0, 1);
	set_ok(f->s, "/app/db", "esec", MS_REC_SECURE, "", 0, 1);
	t1 = time(NULL);

	get_eq(f->s, "/app/db", "url", 0, "pg://x", 6, 1);
	get_eq(f->s, "/app/db", "bin", 0, bin, sizeof(bin), 1);
	get_eq(f->s, "/app/db", "pw", MS_REC_SECURE, bin, sizeof(bin), 1);
	get_eq(f->s, "/app/db", "big", MS_REC_SECURE | MS_REC_INHERIT,
	    big, sizeof(big), 1);
	get_eq(f->s, "/app/db", "empty", 0, "", 0, 1);
	get_eq(f->s, "/app/db", "esec", MS_REC_SECURE, "", 0, 1);

	assert_int_equal(ms_store_get(f->s, "/app/db", "url", &rec),
	    MS_STORE_OK);
	assert_true(rec.mtime >= (uint64_t)t0 && rec.mtime <= (uint64_t)t1);
	ms_record_clear(&rec);

	/* Versions count writes, per record. */
	set_ok(f->s, "/app/db", "url", 0, "pg://y", 6, 2);
	set_ok(f->s, "/app/db", "url", 0, "pg://zz", 7, 3);
	set_ok(f->s, "/app/db", "pw", MS_REC_SECURE, "n3w", 3, 2);
	get_eq(f->s, "/app/db", "url", 0, "pg://zz", 7, 3);
	get_eq(f->s, "/app/db", "pw", MS_REC_SECURE, "n3w", 3, 2);
	get_eq(f->s, "/app/db", "bin", 0, bin, sizeof(bin), 1);

	/* SET created the node and its ancestors. */
	assert_int_equal(ms_store_node_exists(f->s, "/"), MS_STORE_OK);
	assert_int_equal(ms_store_node_exists(f->s, "/app"), MS_STORE_OK);
	assert_int_equal(ms_store_node_exists(f->s, "/app/db"), MS_STORE_OK);
	assert_int_equal(ms_store_node_exists(f->s, "/app/d"),
	    MS_STORE_NOT_FOUND_PATH);
	assert_int_equal(ms_store_node_exists(f->s, "/app/db/x"),
	    MS_STORE_NOT_FOUND_PATH);
	assert_int_equal(ms_store_node_exists(f->s, "/app/"), MS_STORE_INVALID);

	/* Misses. */
	memset(&rec, 0x5a, sizeof(rec));
	assert_int_equal(ms_store_get(f->s, "/app/db", "nope", &rec),
	    MS_STORE_NOT_FOUND_RECORD);
	assert_null(rec.value);
	assert_int_equal(ms_store_get(f->s, "/app", "url", &rec),
	    MS_STORE_NOT_FOUND_RECORD);
	assert_int_equal(ms_store_get(f->s, "/nope", "url", &rec),
	    MS_STORE_NOT_FOUND_PATH);
	assert_int_equal(ms_store_get(f->s, "/app/db/deeper", "url", &rec),
	    MS_STORE_NOT_FOUND_PATH);
}

static void
test_secure_sticky(void **state)
{
	struct fixture *f = *state;

	set_ok(f->s, "/n", "s", MS_REC_SECURE, "secret", 6, 1);
	assert_int_equal(ms_store_set(f->s, "/n", "s", 0, "leak", 4, NULL),
	    MS_STORE_INVALID);
	assert_int_equal(ms_store_set(f->s, "/n", "s", MS_REC_INHERIT,
	    "leak", 4, NULL), MS_STORE_INVALID);
	/* Nothing changed. */
	get_eq(f->s, "/n", "s", MS_REC_SECURE, "secret", 6, 1);
	/* SECURE can be added to a plain record. */
	set_ok(f->s, "/n", "p", 0, "plain", 5, 1);
	set_ok(f->s, "/n", "p", MS_REC_SECURE, "now-secure", 10, 2);
	get_eq(f->s, "/n", "p", MS_REC_SECURE, "now-secure", 10, 2);
	assert_int_equal(ms_store_set(f->s, "/n", "p", 0, "x", 1, NULL),
	    MS_STORE_INVALID);
	/* A failed SET creates no node either. */
	assert_int_equal(ms_store_set(f->s, "/m/k", "s", 0x04, "x", 1, NULL),
	    MS_STORE_INVALID);
	assert_int_equal(ms_store_node_exists(f->s, "/m"),
	    MS_STORE_NOT_FOUND_PATH);
}

static void
test_invalid_args(void **state)
{
	struct fixture *f = *state;
	struct ms_record rec;
	u_char *v;
	char name[MS_RECORD_NAME_MAX + 2];

	assert_non_null(v = calloc(1, MS_VALUE_MAX + 1));
	v[0] = 'A';
	v[MS_VALUE_MAX - 1] = 'Z';
	v[MS_VALUE_MAX] = '!';
	assert_int_equal(ms_store_set(f->s, "/v", "big", 0, v,
	    MS_VALUE_MAX + 1, NULL), MS_STORE_INVALID);
	assert_int_equal(ms_store_set(f->s, "/v", "big", MS_REC_SECURE, v,
	    MS_VALUE_MAX + 1, NULL), MS_STORE_INVALID);
	set_ok(f->s, "/v", "big", 0, v, MS_VALUE_MAX, 1);
	set_ok(f->s, "/v", "bigsec", MS_REC_SECURE, v, MS_VALUE_MAX, 1);
	get_eq(f->s, "/v", "big", 0, v, MS_VALUE_MAX, 1);
	get_eq(f->s, "/v", "bigsec", MS_REC_SECURE, v, MS_VALUE_MAX, 1);
	free(v);

	assert_int_equal(ms_store_set(f->s, "/v", "x", 0x80, "1", 1, NULL),
	    MS_STORE_INVALID);
	assert_int_equal(ms_store_set(f->s, "/v", "x", 0, NULL, 1, NULL),
	    MS_STORE_INVALID);
	assert_int_equal(ms_store_set(f->s, "v", "x", 0, "1", 1, NULL),
	    MS_STORE_INVALID);
	assert_int_equal(ms_store_set(f->s, "/v/../w", "x", 0, "1", 1, NULL),
	    MS_STORE_INVALID);
	assert_int_equal(ms_store_set(f->s, "/v", "a/b", 0, "1", 1, NULL),
	    MS_STORE_INVALID);
	assert_int_equal(ms_store_set(f->s, "/v", "", 0, "1", 1, NULL),
	    MS_STORE_INVALID);
	assert_int_equal(ms_store_set(f->s, "/v", "\xc0\xaf", 0, "1", 1, NULL),
	    MS_STORE_INVALID);
	assert_int_equal(ms_store_set(f->s, NULL, "x", 0, "1", 1, NULL),
	    MS_STORE_INVALID);
	assert_int_equal(ms_store_get(f->s, "/v", NULL, &rec),
	    MS_STORE_INVALID);
	assert_int_equal(ms_store_get(f->s, "/v", "x", NULL),
	    MS_STORE_INVALID);
	memset(name, 'n', MS_RECORD_NAME_MAX + 1);
	name[MS_RECORD_NAME_MAX + 1] = '\0';
	assert_int_equal(ms_store_set(f->s, "/v", name, 0, "1", 1, NULL),
	    MS_STORE_INVALID);
	name[MS_RECORD_NAME_MAX] = '\0';
	set_ok(f->s, "/v", name, 0, "1", 1, 1);
	get_eq(f->s, "/v", name, 0, "1", 1, 1);
}

static void
test_limits_deep(void **state)
{
	struct fixture *f = *state;
	char deep[MS_PATH_MAX + 1], wide[MS_PATH_MAX + 1];
	char name[MS_RECORD_NAME_MAX + 1];
	size_t i;

	/* The deepest path there is: "/x/x/.../x" (511 levels). */
	for (i = 0; i + 1 < MS_PATH_MAX; i += 2) {
		deep[i] = '/';
		deep[i + 1] = 'x';
	}
	deep[i] = '\0';
	assert_int_equal(ms_path_valid(deep, strlen(deep)), 0);
	/* The longest: four 255-byte segments (1024 bytes). */
	for (i = 0; i < MS_PATH_MAX; i++)
		wide[i] = (i % 256 == 0) ? '/' : 'w';
	wide[MS_PATH_MAX] = '\0';
	assert_int_equal(ms_path_valid(wide, strlen(wide)), 0);
	memset(name, 'r', MS_RECORD_NAME_MAX);
	name[MS_RECORD_NAME_MAX] = '\0';

	set_ok(f->s, deep, name, MS_REC_SECURE, "deep", 4, 1);
	set_ok(f->s, wide, name, MS_REC_SECURE, "wide", 4, 1);
	get_eq(f->s, deep, name, MS_REC_SECURE, "deep", 4, 1);
	get_eq(f->s, wide, name, MS_REC_SECURE, "wide", 4, 1);
	assert_int_equal(ms_store_delete_record(f->s, wide, name), MS_STORE_OK);
	assert_int_equal(ms_store_delete_node(f->s, wide), MS_STORE_OK);
	assert_int_equal(ms_store_node_exists(f->s, wide),
	    MS_STORE_NOT_FOUND_PATH);
}

/* Whole data file contains needle? */
static int
file_contains(const char *dir, const char *needle)
{
	char p[160];
	FILE *fp;
	u_char *data;
	struct stat st;
	int found;

	snprintf(p, sizeof(p), "%s/data.mdb", dir);
	assert_int_equal(stat(p, &st), 0);
	assert_non_null(data = malloc(st.st_size + 1));
	assert_non_null(fp = fopen(p, "rb"));
	assert_int_equal(fread(data, 1, st.st_size, fp), (size_t)st.st_size);
	fclose(fp);
	found = memmem(data, st.st_size, needle, strlen(needle)) != NULL;
	free(data);
	return found;
}

static void
test_at_rest(void **state)
{
	struct fixture *f = *state;

	set_ok(f->s, "/rest", "plain", 0, plain_marker,
	    strlen(plain_marker), 1);
	set_ok(f->s, "/rest", "secret", MS_REC_SECURE, secret_marker,
	    strlen(secret_marker), 1);
	set_ok(f->s, "/rest", "secret", MS_REC_SECURE, secret_marker,
	    strlen(secret_marker), 2);
	set_ok(f->s, "/rest/sub", "secret2", MS_REC_SECURE | MS_REC_INHERIT,
	    secret_marker, strlen(secret_marker), 1);
	/* Committed writes are in the file without closing the store. */
	assert_true(file_contains(f->dir, plain_marker));
	assert_false(file_contains(f->dir, secret_marker));
	fx_close(f);
	assert_true(file_contains(f->dir, plain_marker));
	assert_false(file_contains(f->dir, secret_marker));
	fx_open(f);
	get_eq(f->s, "/rest", "secret", MS_REC_SECURE, secret_marker,
	    strlen(secret_marker), 2);
}

static void
test_persist_and_wrong_key(void **state)
{
	struct fixture *f = *state;
	struct ms_record rec;
	struct ms_acl acl;
	struct ms_acl_entry ch = { "alice", MS_RIGHT_READ };

	set_ok(f->s, "/p/q", "plain", 0, "v1", 2, 1);
	set_ok(f->s, "/p/q", "plain", 0, "v2", 2, 2);
	set_ok(f->s, "/p/q", "sec", MS_REC_SECURE, "s3cr3t", 6, 1);
	assert_int_equal(ms_store_set_acl(f->s, "/p", &ch, 1, 1, -1), MS_STORE_OK);
	fx_close(f);

	fx_open(f);
	get_eq(f->s, "/p/q", "plain", 0, "v2", 2, 2);
	get_eq(f->s, "/p/q", "sec", MS_REC_SECURE, "s3cr3t", 6, 1);
	assert_int_equal(ms_store_get_acl(f->s, "/p", &acl), MS_STORE_OK);
	assert_int_equal(acl.flags, MS_NODE_NOINHERIT);
	assert_int_equal(acl.nentries, 1);
	assert_string_equal(acl.entries[0].who, "alice");
	assert_int_equal(acl.entries[0].rights, MS_RIGHT_READ);
	/* Versions keep counting across reopen. */
	set_ok(f->s, "/p/q", "plain", 0, "v3", 2, 3);
	fx_close(f);

	/* A wrong key is refused at open (no key check value matches). */
	f->key[0] ^= 0x01;
	f->s = (struct ms_store *)&rec;
	assert_int_equal(ms_store_open(f->dir, f->key, 0, &f->s),
	    MS_STORE_KEY_MISMATCH);
	assert_null(f->s);
	f->key[0] ^= 0x01;
	fx_open(f);
	get_eq(f->s, "/p/q", "sec", MS_REC_SECURE, "s3cr3t", 6, 1);
}

/*
 * Move a sealed value to another record name with raw LMDB access: the
 * associated data binds it to its name, so it must not open there.
 */
static void
test_sealed_value_bound_to_name(void **state)
{
	struct fixture *f = *state;
	struct ms_record rec;
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_cursor *c;
	MDB_val k, v, k2, v2;
	u_char key2[8 + 2], *copy;
	MDB_cursor_op op;
	int found = 0;

	set_ok(f->s, "/t", "s1", MS_REC_SECURE, "one", 3, 1);
	set_ok(f->s, "/t", "s2", MS_REC_SECURE, "two", 3, 1);
	fx_close(f);

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 4), 0);
	assert_int_equal(mdb_env_open(env, f->dir, 0, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "records", 0, &dbi), 0);
	assert_int_equal(mdb_cursor_open(txn, dbi, &c), 0);
	for (op = MDB_FIRST; mdb_cursor_get(c, &k, &v, op) == 0; op = MDB_NEXT) {
		if (k.mv_size == sizeof(key2) &&
		    memcmp((u_char *)k.mv_data + 8, "s1", 2) == 0) {
			found = 1;
			break;
		}
	}
	assert_true(found);
	memcpy(key2, k.mv_data, 8);
	memcpy(key2 + 8, "s2", 2);
	k2.mv_size = sizeof(key2);
	k2.mv_data = key2;
	/* Copy out of the map before writing to the same database. */
	assert_non_null(copy = malloc(v.mv_size));
	memcpy(copy, v.mv_data, v.mv_size);
	v2.mv_size = v.mv_size;
	v2.mv_data = copy;
	mdb_cursor_close(c);
	assert_int_equal(mdb_put(txn, dbi, &k2, &v2, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
	free(copy);

	fx_open(f);
	get_eq(f->s, "/t", "s1", MS_REC_SECURE, "one", 3, 1);
	assert_int_equal(ms_store_get(f->s, "/t", "s2", &rec), MS_STORE_ERROR);
	assert_null(rec.value);
}

struct listing {
	char	children[16][MS_PATH_SEGMENT_MAX + 1];
	size_t	nchildren;
	char	records[16][MS_RECORD_NAME_MAX + 1];
	uint8_t	flags[16];
	size_t	nrecords;
	int	fail;
};

static int
list_cb(void *ctx, const struct ms_store_list_entry *e)
{
	struct listing *l = ctx;
	const char *name = e->name;
	int kind = e->kind;
	uint8_t flags = e->flags;

	assert_int_equal(strlen(name), e->len);
	if (l->fail)
		return -1;
	if (kind == MS_STORE_LIST_CHILD) {
		assert_int_equal(l->nrecords, 0);	/* children come first */
		assert_true(l->nchildren < 16);
		assert_int_equal(flags, 0);
		strlcpy(l->children[l->nchildren++], name,
		    sizeof(l->children[0]));
	} else {
		assert_int_equal(kind, MS_STORE_LIST_RECORD);
		assert_true(l->nrecords < 16);
		l->flags[l->nrecords] = flags;
		strlcpy(l->records[l->nrecords++], name,
		    sizeof(l->records[0]));
	}
	return 0;
}

struct ext_listing {
	size_t		 n;
	char		 names[4][MS_RECORD_NAME_MAX + 1];
	uint64_t	 version[4], mtime[4];
	int		 kind[4];
};

static int
list_ext_cb(void *ctx, const struct ms_store_list_entry *e)
{
	struct ext_listing *l = ctx;

	assert_true(l->n < 4);
	assert_int_equal(strlen(e->name), e->len);
	strlcpy(l->names[l->n], e->name, sizeof(l->names[0]));
	l->kind[l->n] = e->kind;
	l->version[l->n] = e->version;
	l->mtime[l->n++] = e->mtime;
	return 0;
}

/* ms_store_list_ext: version and mtime from the record header. */
static void
test_list_ext(void **state)
{
	struct fixture *f = *state;
	struct ext_listing l;
	time_t before = time(NULL);

	set_ok(f->s, "/e", "one", 0, "x", 1, 1);
	set_ok(f->s, "/e", "two", MS_REC_SECURE, "x", 1, 1);
	set_ok(f->s, "/e", "two", MS_REC_SECURE, "y", 1, 2);
	set_ok(f->s, "/e/kid", "r", 0, "x", 1, 1);
	memset(&l, 0, sizeof(l));
	assert_int_equal(ms_store_list_ext(f->s, "/e", list_ext_cb, &l),
	    MS_STORE_OK);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.names[0], "kid");
	assert_int_equal(l.kind[0], MS_STORE_LIST_CHILD);
	assert_true(l.version[0] == 0 && l.mtime[0] == 0);
	assert_string_equal(l.names[1], "one");
	assert_true(l.version[1] == 1);
	assert_string_equal(l.names[2], "two");
	assert_true(l.version[2] == 2);
	assert_true(l.mtime[2] >= (uint64_t)before - 1 &&
	    l.mtime[2] <= (uint64_t)time(NULL) + 1);
	assert_int_equal(ms_store_list_ext(f->s, "/e", NULL, &l),
	    MS_STORE_INVALID);
	assert_int_equal(ms_store_list_ext(f->s, "/nope", list_ext_cb, &l),
	    MS_STORE_NOT_FOUND_PATH);
}

static void
test_list(void **state)
{
	struct fixture *f = *state;
	struct listing l;

	set_ok(f->s, "/a/b", "r2", 0, "x", 1, 1);
	set_ok(f->s, "/a/b", "r1", MS_REC_SECURE, "x", 1, 1);
	set_ok(f->s, "/a/b", "r3", MS_REC_INHERIT, "x", 1, 1);
	set_ok(f->s, "/a/b/c/d", "deep", 0, "x", 1, 1);
	set_ok(f->s, "/a/b!", "sib", 0, "x", 1, 1);	/* '!' < '/' */
	set_ok(f->s, "/a/bb", "sib", 0, "x", 1, 1);
	set_ok(f->s, "/a/a", "sib", 0, "x", 1, 1);
	set_ok(f->s, "/z", "top", 0, "x", 1, 1);
	set_ok(f->s, "/", "rootrec", 0, "x", 1, 1);

	memset(&l, 0, sizeof(l));
	assert_int_equal(ms_store_list_ext(f->s, "/a", list_cb, &l),
	    MS_STORE_OK);
	assert_int_equal(l.nchildren, 4);
	assert_string_equal(l.children[0], "a");
	assert_string_equal(l.children[1], "b");
	assert_string_equal(l.children[2], "b!");
	assert_string_equal(l.children[3], "bb");
	assert_int_equal(l.nrecords, 0);

	memset(&l, 0, sizeof(l));
	assert_int_equal(ms_store_list_ext(f->s, "/a/b", list_cb, &l),
	    MS_STORE_OK);
	assert_int_equal(l.nchildren, 1);
	assert_string_equal(l.children[0], "c");
	assert_int_equal(l.nrecords, 3);
	assert_string_equal(l.records[0], "r1");
	assert_int_equal(l.flags[0], MS_REC_SECURE);
	assert_string_equal(l.records[1], "r2");
	assert_int_equal(l.flags[1], 0);
	assert_string_equal(l.records[2], "r3");
	assert_int_equal(l.flags[2], MS_REC_INHERIT);

	memset(&l, 0, sizeof(l));
	assert_int_equal(ms_store_list_ext(f->s, "/", list_cb, &l), MS_STORE_OK);
	assert_int_equal(l.nchildren, 2);
	assert_string_equal(l.children[0], "a");
	assert_string_equal(l.children[1], "z");
	assert_int_equal(l.nrecords, 1);
	assert_string_equal(l.records[0], "rootrec");

	memset(&l, 0, sizeof(l));
	assert_int_equal(ms_store_list_ext(f->s, "/a/b/c/d", list_cb, &l),
	    MS_STORE_OK);
	assert_int_equal(l.nchildren, 0);
	assert_int_equal(l.nrecords, 1);

	memset(&l, 0, sizeof(l));
	assert_int_equal(ms_store_list_ext(f->s, "/a/q", list_cb, &l),
	    MS_STORE_NOT_FOUND_PATH);
	assert_int_equal(ms_store_list_ext(f->s, "/a/", list_cb, &l),
	    MS_STORE_INVALID);
	assert_int_equal(ms_store_list_ext(f->s, "/a", NULL, &l),
	    MS_STORE_INVALID);
	l.fail = 1;
	assert_int_equal(ms_store_list_ext(f->s, "/a", list_cb, &l),
	    MS_STORE_ERROR);
}

static void
test_delete(void **state)
{
	struct fixture *f = *state;
	struct listing l;

	set_ok(f->s, "/d/e", "r", 0, "x", 1, 1);
	set_ok(f->s, "/d/e", "r", 0, "y", 1, 2);
	set_ok(f->s, "/d", "own", 0, "x", 1, 1);

	assert_int_equal(ms_store_delete_record(f->s, "/d/e", "nope"),
	    MS_STORE_NOT_FOUND_RECORD);
	assert_int_equal(ms_store_delete_record(f->s, "/d/x", "r"),
	    MS_STORE_NOT_FOUND_PATH);
	assert_int_equal(ms_store_delete_record(f->s, "/d/e", "a/b"),
	    MS_STORE_INVALID);

	/* Non-empty nodes are busy: records, then children. */
	assert_int_equal(ms_store_delete_node(f->s, "/d/e"), MS_STORE_BUSY);
	assert_int_equal(ms_store_delete_record(f->s, "/d/e", "r"),
	    MS_STORE_OK);
	assert_int_equal(ms_store_delete_record(f->s, "/d/e", "r"),
	    MS_STORE_NOT_FOUND_RECORD);
	assert_int_equal(ms_store_delete_record(f->s, "/d", "own"),
	    MS_STORE_OK);
	assert_int_equal(ms_store_delete_node(f->s, "/d"), MS_STORE_BUSY);
	assert_int_equal(ms_store_node_exists(f->s, "/d"), MS_STORE_OK);
	assert_int_equal(ms_store_delete_node(f->s, "/d/e"), MS_STORE_OK);
	assert_int_equal(ms_store_node_exists(f->s, "/d/e"),
	    MS_STORE_NOT_FOUND_PATH);
	assert_int_equal(ms_store_delete_node(f->s, "/d/e"),
	    MS_STORE_NOT_FOUND_PATH);
	assert_int_equal(ms_store_delete_node(f->s, "/d"), MS_STORE_OK);
	memset(&l, 0, sizeof(l));
	assert_int_equal(ms_store_list_ext(f->s, "/", list_cb, &l), MS_STORE_OK);
	assert_int_equal(l.nchildren, 0);

	/* The root cannot go. */
	assert_int_equal(ms_store_delete_node(f->s, "/"), MS_STORE_INVALID);
	assert_int_equal(ms_store_node_exists(f->s, "/"), MS_STORE_OK);
	assert_int_equal(ms_store_delete_node(f->s, "/d/"), MS_STORE_INVALID);

	/* A recreated record starts again at version 1. */
	set_ok(f->s, "/d/e", "r", 0, "z", 1, 1);
}

static void
test_acl_store(void **state)
{
	struct fixture *f = *state;
	struct ms_acl *acl, *before;
	struct ms_acl_entry *many;
	struct ms_acl_entry ch[4];
	size_t i;

	assert_non_null(acl = calloc(1, sizeof(*acl)));
	assert_non_null(before = calloc(1, sizeof(*before)));

	/* The root always exists, with an empty ACL to start with. */
	assert_int_equal(ms_store_get_acl(f->s, "/", acl), MS_STORE_OK);
	assert_int_equal(acl->nentries, 0);
	assert_int_equal(acl->flags, 0);
	assert_int_equal(ms_store_get_acl(f->s, "/x", acl),
	    MS_STORE_NOT_FOUND_PATH);
	memset(ch, 0, sizeof(ch));
	strlcpy(ch[0].who, "alice", sizeof(ch[0].who));
	ch[0].rights = MS_RIGHT_READ | MS_RIGHT_LIST;
	strlcpy(ch[1].who, "group:ops", sizeof(ch[1].who));
	ch[1].rights = MS_RIGHTS_ALL;
	assert_int_equal(ms_store_set_acl(f->s, "/x", ch, 2, -1, -1),
	    MS_STORE_NOT_FOUND_PATH);

	set_ok(f->s, "/x/y", "r", 0, "v", 1, 1);
	assert_int_equal(ms_store_set_acl(f->s, "/x", ch, 2, -1, -1), MS_STORE_OK);
	assert_int_equal(ms_store_get_acl(f->s, "/x", acl), MS_STORE_OK);
	assert_int_equal(acl->flags, 0);
	assert_int_equal(acl->nentries, 2);
	assert_string_equal(acl->entries[0].who, "alice");
	assert_int_equal(acl->entries[0].rights, MS_RIGHT_READ | MS_RIGHT_LIST);
	assert_string_equal(acl->entries[1].who, "group:ops");
	assert_int_equal(acl->entries[1].rights, MS_RIGHTS_ALL);
	/* Other nodes are untouched. */
	assert_int_equal(ms_store_get_acl(f->s, "/x/y", acl), MS_STORE_OK);
	assert_int_equal(acl->nentries, 0);

	/* Replace alice, remove ops, add bob; set NOINHERIT. */
	ch[0].rights = MS_RIGHT_WRITE;
	ch[1].rights = 0;
	strlcpy(ch[2].who, "bob", sizeof(ch[2].who));
	ch[2].rights = MS_RIGHT_SECURE;
	assert_int_equal(ms_store_set_acl(f->s, "/x", ch, 3, 1, -1), MS_STORE_OK);
	assert_int_equal(ms_store_get_acl(f->s, "/x", acl), MS_STORE_OK);
	assert_int_equal(acl->flags, MS_NODE_NOINHERIT);
	assert_int_equal(acl->nentries, 2);
	assert_string_equal(acl->entries[0].who, "alice");
	assert_int_equal(acl->entries[0].rights, MS_RIGHT_WRITE);
	assert_string_equal(acl->entries[1].who, "bob");
	assert_int_equal(acl->entries[1].rights, MS_RIGHT_SECURE);
	/* Removing an absent entry is fine; flag kept with -1. */
	assert_int_equal(ms_store_set_acl(f->s, "/x", &ch[1], 1, -1, -1),
	    MS_STORE_OK);
	assert_int_equal(ms_store_get_acl(f->s, "/x", acl), MS_STORE_OK);
	assert_int_equal(acl->flags, MS_NODE_NOINHERIT);
	assert_int_equal(acl->nentries, 2);
	/* Flag-only change, then persistence. */
	assert_int_equal(ms_store_set_acl(f->s, "/x", NULL, 0, 0, -1), MS_STORE_OK);
	assert_int_equal(ms_store_get_acl(f->s, "/x", acl), MS_STORE_OK);
	assert_int_equal(acl->flags, 0);
	assert_int_equal(ms_store_set_acl(f->s, "/", NULL, 0, 1, -1), MS_STORE_OK);
	fx_close(f);
	fx_open(f);
	assert_int_equal(ms_store_get_acl(f->s, "/", acl), MS_STORE_OK);
	assert_int_equal(acl->flags, MS_NODE_NOINHERIT);
	assert_int_equal(ms_store_get_acl(f->s, "/x", acl), MS_STORE_OK);
	assert_int_equal(acl->flags, 0);
	assert_int_equal(acl->nentries, 2);

	/* Invalid changes are refused and change nothing. */
	assert_int_equal(ms_store_get_acl(f->s, "/x", before), MS_STORE_OK);
	strlcpy(ch[3].who, "bad name", sizeof(ch[3].who));
	ch[3].rights = MS_RIGHT_READ;
	ch[0].rights = MS_RIGHTS_ALL;
	assert_int_equal(ms_store_set_acl(f->s, "/x", ch, 4, 1, -1),
	    MS_STORE_INVALID);
	strlcpy(ch[3].who, "carol", sizeof(ch[3].who));
	ch[3].rights = 0x20;
	assert_int_equal(ms_store_set_acl(f->s, "/x", ch, 4, 1, -1),
	    MS_STORE_INVALID);
	ch[3].rights = MS_RIGHT_READ;
	assert_int_equal(ms_store_set_acl(f->s, "/x", ch, 4, 2, -1),
	    MS_STORE_INVALID);
	assert_int_equal(ms_store_set_acl(f->s, "/x/", ch, 4, 1, -1),
	    MS_STORE_INVALID);
	assert_int_equal(ms_store_get_acl(f->s, "/x", acl), MS_STORE_OK);
	assert_memory_equal(acl, before, sizeof(*acl));

	/* At most MS_ACL_ENTRIES_MAX entries per node. */
	assert_non_null(many = calloc(MS_ACL_ENTRIES_MAX + 1, sizeof(*many)));
	for (i = 0; i <= MS_ACL_ENTRIES_MAX; i++) {
		snprintf(many[i].who, sizeof(many[i].who), "p%zu", i);
		many[i].rights = MS_RIGHT_LIST;
	}
	assert_int_equal(ms_store_set_acl(f->s, "/x/y", many,
	    MS_ACL_ENTRIES_MAX + 1, -1, -1), MS_STORE_INVALID);
	assert_int_equal(ms_store_set_acl(f->s, "/x/y", many,
	    MS_ACL_ENTRIES_MAX, -1, -1), MS_STORE_OK);
	assert_int_equal(ms_store_get_acl(f->s, "/x/y", acl), MS_STORE_OK);
	assert_int_equal(acl->nentries, MS_ACL_ENTRIES_MAX);
	assert_string_equal(acl->entries[MS_ACL_ENTRIES_MAX - 1].who, "p255");
	/* Full: one more new name is refused, replacing one is not. */
	assert_int_equal(ms_store_set_acl(f->s, "/x/y",
	    &many[MS_ACL_ENTRIES_MAX], 1, -1, -1), MS_STORE_INVALID);
	many[0].rights = MS_RIGHTS_ALL;
	assert_int_equal(ms_store_set_acl(f->s, "/x/y", many, 1, -1, -1),
	    MS_STORE_OK);
	/* Removing one makes room. */
	many[1].rights = 0;
	assert_int_equal(ms_store_set_acl(f->s, "/x/y", &many[1], 1, -1, -1),
	    MS_STORE_OK);
	assert_int_equal(ms_store_set_acl(f->s, "/x/y",
	    &many[MS_ACL_ENTRIES_MAX], 1, -1, -1), MS_STORE_OK);
	assert_int_equal(ms_store_get_acl(f->s, "/x/y", acl), MS_STORE_OK);
	assert_int_equal(acl->nentries, MS_ACL_ENTRIES_MAX);
	assert_string_equal(acl->entries[0].who, "p0");
	assert_int_equal(acl->entries[0].rights, MS_RIGHTS_ALL);
	assert_string_equal(acl->entries[1].who, "p2");
	free(many);
	free(acl);
	free(before);
}

static void
test_effective_over_store(void **state)
{
	struct fixture *f = *state;
	struct ms_acl_entry ch;
	const char *ops[] = { "ops" };
	const char *admins[] = { "root" };
	uint8_t rights;

	set_ok(f->s, "/svc/web/tls", "key", MS_REC_SECURE, "k", 1, 1);
	memset(&ch, 0, sizeof(ch));
	strlcpy(ch.who, "alice", sizeof(ch.who));
	ch.rights = MS_RIGHT_LIST;
	assert_int_equal(ms_store_set_acl(f->s, "/", &ch, 1, -1, -1), MS_STORE_OK);
	ch.rights = MS_RIGHT_READ;
	assert_int_equal(ms_store_set_acl(f->s, "/svc", &ch, 1, -1, -1),
	    MS_STORE_OK);
	strlcpy(ch.who, "group:ops", sizeof(ch.who));
	ch.rights = MS_RIGHT_SECURE | MS_RIGHT_WRITE;
	assert_int_equal(ms_store_set_acl(f->s, "/svc/web", &ch, 1, 1, -1),
	    MS_STORE_OK);

	assert_int_equal(ms_acl_effective(ms_store_acl_walk, f->s, "/svc",
	    "alice", NULL, 0, admins, 1, &rights), 0);
	assert_int_equal(rights, MS_RIGHT_READ | MS_RIGHT_LIST);
	/* Missing nodes inherit. */
	assert_int_equal(ms_acl_effective(ms_store_acl_walk, f->s,
	    "/svc/db/new", "alice", NULL, 0, admins, 1, &rights), 0);
	assert_int_equal(rights, MS_RIGHT_READ | MS_RIGHT_LIST);
	/* /svc/web breaks inheritance. */
	assert_int_equal(ms_acl_effective(ms_store_acl_walk, f->s,
	    "/svc/web/tls", "alice", NULL, 0, admins, 1, &rights), 0);
	assert_int_equal(rights, 0);
	assert_int_equal(ms_acl_effective(ms_store_acl_walk, f->s,
	    "/svc/web/tls", "alice", ops, 1, admins, 1, &rights), 0);
	assert_int_equal(rights, MS_RIGHT_SECURE | MS_RIGHT_WRITE);
	assert_int_equal(ms_acl_effective(ms_store_acl_walk, f->s,
	    "/svc/web/tls/x/y", "root", NULL, 0, admins, 1, &rights), 0);
	assert_int_equal(rights, MS_RIGHTS_ALL);
	assert_int_equal(ms_acl_effective(ms_store_acl_walk, f->s,
	    "/svc", "mallory", NULL, 0, admins, 1, &rights), 0);
	assert_int_equal(rights, 0);
}

/*
 * SENSITIVE is a node flag beside NOINHERIT: set, cleared and kept
 * independently, persisted, and seen by ms_acl_sensitive() on the node
 * and everything below it, whatever NOINHERIT says.
 */
static void
test_sensitive_flag(void **state)
{
	struct fixture *f = *state;
	struct ms_acl acl;
	struct ms_acl_entry ch = { "alice", MS_RIGHT_READ };
	int sens = -5;

	set_ok(f->s, "/a/b/c", "r", 0, "v", 1, 1);
	assert_int_equal(ms_acl_sensitive(ms_store_acl_walk, f->s, "/a/b/c",
	    &sens), 0);
	assert_int_equal(sens, 0);
	assert_int_equal(ms_store_set_acl(f->s, "/a/b", &ch, 1, -1, 1),
	    MS_STORE_OK);
	assert_int_equal(ms_store_get_acl(f->s, "/a/b", &acl), MS_STORE_OK);
	assert_int_equal(acl.flags, MS_NODE_SENSITIVE);
	assert_int_equal(acl.nentries, 1);
	/* NOINHERIT below does not stop it; neither does a missing node. */
	assert_int_equal(ms_store_set_acl(f->s, "/a/b/c", NULL, 0, 1, -1),
	    MS_STORE_OK);
	assert_int_equal(ms_acl_sensitive(ms_store_acl_walk, f->s, "/a/b/c",
	    &sens), 0);
	assert_int_equal(sens, 1);
	assert_int_equal(ms_acl_sensitive(ms_store_acl_walk, f->s,
	    "/a/b/new/deeper", &sens), 0);
	assert_int_equal(sens, 1);
	assert_int_equal(ms_acl_sensitive(ms_store_acl_walk, f->s, "/a/b",
	    &sens), 0);
	assert_int_equal(sens, 1);
	assert_int_equal(ms_acl_sensitive(ms_store_acl_walk, f->s, "/a",
	    &sens), 0);
	assert_int_equal(sens, 0);
	assert_int_equal(ms_acl_sensitive(ms_store_acl_walk, f->s, "/ab",
	    &sens), 0);
	assert_int_equal(sens, 0);
	/* Invalid path: fail closed. */
	assert_int_equal(ms_acl_sensitive(ms_store_acl_walk, f->s, "a/",
	    &sens), MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(sens, 1);
	/* Out-of-range values change nothing. */
	assert_int_equal(ms_store_set_acl(f->s, "/a/b", NULL, 0, -1, 2),
	    MS_STORE_INVALID);
	assert_int_equal(ms_store_set_acl(f->s, "/a/b", NULL, 0, -1, -2),
	    MS_STORE_INVALID);
	/* NOINHERIT and SENSITIVE together, then persistence. */
	assert_int_equal(ms_store_set_acl(f->s, "/a/b", NULL, 0, 1, -1),
	    MS_STORE_OK);
	fx_close(f);
	fx_open(f);
	assert_int_equal(ms_store_get_acl(f->s, "/a/b", &acl), MS_STORE_OK);
	assert_int_equal(acl.flags, MS_NODE_SENSITIVE | MS_NODE_NOINHERIT);
	assert_int_equal(ms_store_set_acl(f->s, "/a/b", NULL, 0, -1, 0),
	    MS_STORE_OK);
	assert_int_equal(ms_store_get_acl(f->s, "/a/b", &acl), MS_STORE_OK);
	assert_int_equal(acl.flags, MS_NODE_NOINHERIT);
	assert_int_equal(ms_acl_sensitive(ms_store_acl_walk, f->s, "/a/b/c",
	    &sens), 0);
	assert_int_equal(sens, 0);
	/* The root can be SENSITIVE too: then everything is. */
	assert_int_equal(ms_store_set_acl(f->s, "/", NULL, 0, -1, 1),
	    MS_STORE_OK);
	assert_int_equal(ms_acl_sensitive(ms_store_acl_walk, f->s, "/x",
	    &sens), 0);
	assert_int_equal(sens, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sensitive_flag, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_open_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secure_sticky, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_invalid_args, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_limits_deep, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_at_rest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_persist_and_wrong_key,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_sealed_value_bound_to_name,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_list, setup, teardown),
		cmocka_unit_test(test_errno_status),
		cmocka_unit_test_setup_teardown(test_list_ext, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_acl_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_effective_over_store,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
