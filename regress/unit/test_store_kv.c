/*
 * test_store_kv.c — the store's shared logic over its backend interface
 * (monitor/store_kv.h): writes that lose an optimistic commit run again
 * from fresh reads, within a bound (inside a request, a deadline set,
 * the conflict goes up to the request instead); ms_store_apply
 * without group commit; the walk's stored values for migration.  The
 * backend is LMDB wrapped so that a commit can be made to lose, as an
 * etcd Txn does when another host wrote first.
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
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "store_fixture.h"

#include "errors.h"
#include "monitor/store.h"
#include "monitor/store_int.h"
#include "monitor/store_kv.h"
#include "proto.h"
#include "timeio.h"

struct fixture {
	char		 tmp[64];
	char		 dir[96];
	u_char		 keys[2][MS_STORE_KEY_LEN];
	struct ms_store	*s;
};

/*
 * The wrapper: each write commit while lose > 0 is undone and answered
 * STORE_CONFLICT, after 'other' (another host) wrote through the real
 * backend.
 */
static const struct store_backend *real;
static struct store_backend lossy;
static struct store_tx *cur_write;
static int lose, commits, group_calls;
static void (*other)(struct ms_store *);

static int
lossy_begin(struct ms_store *s, int write, struct store_tx **txp)
{
	int st;

	if ((st = real->begin(s, write, txp)) == MS_STORE_OK && write)
		cur_write = *txp;
	return st;
}

static int
lossy_end(struct ms_store *s, struct store_tx *tx, int st)
{
	if (tx != cur_write || st != MS_STORE_OK)
		return real->end(s, tx, st);
	cur_write = NULL;
	commits++;
	if (lose == 0)
		return real->end(s, tx, st);
	lose--;
	(void)real->end(s, tx, MS_STORE_INVALID);	/* undone */
	if (other != NULL) {
		s->be = real;
		other(s);
		s->be = &lossy;
	}
	return STORE_CONFLICT;
}

static int
lossy_group_begin(struct ms_store *s)
{
	group_calls++;
	return real->group_begin(s);
}

static void
wrap(struct ms_store *s, int grouped)
{
	real = s->be;
	lossy = *real;
	lossy.name = "lossy";
	lossy.begin = lossy_begin;
	lossy.end = lossy_end;
	if (grouped)
		lossy.group_begin = lossy_group_begin;
	else
		lossy.group_begin = NULL, lossy.group_end = NULL;
	s->be = &lossy;
	lose = commits = group_calls = 0;
	other = NULL;
	cur_write = NULL;
}

static void
unwrap(struct ms_store *s)
{
	if (s != NULL && s->be == &lossy)
		s->be = real;
}

static int
setup(void **state)
{
	struct fixture *f;
	size_t i;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	if (store_fixture_mkdtemp(f->tmp, sizeof(f->tmp), "store-kv") != 0)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/store", f->tmp);
	for (i = 0; i < MS_STORE_KEY_LEN; i++) {
		f->keys[0][i] = (u_char)(0x10 + i);
		f->keys[1][i] = (u_char)(0x80 + i);
	}
	if (ms_store_open(f->dir, f->keys[0], 0, &f->s) != MS_STORE_OK)
		return -1;
	*state = f;
	return 0;
}


static int
teardown(void **state)
{
	struct fixture *f = *state;

	ms_store_set_deadline(0);
	unwrap(f->s);
	ms_store_close(f->s);
	store_fixture_rm_rf(f->tmp);
	free(f);
	return 0;
}

static uint64_t
version_of(struct ms_store *s, const char *path, const char *name)
{
	struct ms_record rec;
	uint64_t v;

	assert_int_equal(ms_store_get(s, path, name, &rec), MS_STORE_OK);
	v = rec.version;
	ms_record_clear(&rec);
	return v;
}

static void
other_sets_x(struct ms_store *s)
{
	assert_int_equal(ms_store_set(s, "/a", "x", 0, "other", 5, NULL),
	    MS_STORE_OK);
}

static void
test_backend_name(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(ms_store_backend_name(f->s), "lmdb");
	assert_int_equal(ms_store_blocking(f->s), 0);
	assert_string_equal(ms_store_backend_name(NULL), "none");
	assert_int_equal(ms_store_blocking(NULL), 0);
}

static void
test_retry_rule(void **state)
{
	(void)state;
	ms_store_set_deadline(0);
	assert_int_equal(store_deadline(), 0);
	assert_int_equal(store_retry(MS_STORE_OK, 0), 0);
	assert_int_equal(store_retry(MS_STORE_ERROR, 0), 0);
	assert_int_equal(store_retry(STORE_CONFLICT, 0), 1);
	assert_int_equal(store_retry(STORE_CONFLICT, 62), 1);
	assert_int_equal(store_retry(STORE_CONFLICT, 63), 0);	/* bound */
	/*
	 * Inside a request (a deadline) a conflict goes up to the request,
	 * which runs again from its authorisation.
	 */
	ms_store_set_deadline(ms_now_ms() + 60000);
	assert_int_equal(store_retry(STORE_CONFLICT, 0), 0);
	assert_int_equal(store_retry(MS_STORE_OK, 0), 0);
	assert_int_equal(store_final(STORE_CONFLICT), STORE_CONFLICT);
	ms_store_set_deadline(0);
	assert_int_equal(store_final(STORE_CONFLICT), MS_STORE_UNAVAILABLE);
	assert_int_equal(store_final(MS_STORE_FULL), MS_STORE_FULL);
}

/* A lost SET runs again from fresh reads: it sees the winner's version. */
static void
test_set_conflict_rereads(void **state)
{
	struct fixture *f = *state;
	struct ms_record rec;
	uint64_t version = 0;

	assert_int_equal(ms_store_set(f->s, "/a", "x", 0, "one", 3, NULL),
	    MS_STORE_OK);
	wrap(f->s, 1);
	lose = 1;
	other = other_sets_x;
	assert_int_equal(ms_store_set(f->s, "/a", "x", 0, "mine", 4,
	    &version), MS_STORE_OK);
	assert_int_equal(commits, 2);
	/* 1, then the other host's 2, then this write's 3. */
	assert_int_equal(version, 3);
	assert_int_equal(ms_store_get(f->s, "/a", "x", &rec), MS_STORE_OK);
	assert_int_equal(rec.value_len, 4);
	assert_memory_equal(rec.value, "mine", 4);
	ms_record_clear(&rec);
}

/* Every public write retries: delete record, delete node, ACL, reseal. */
static void
test_writes_retry(void **state)
{
	struct fixture *f = *state;
	struct ms_acl_entry e;
	struct ms_acl acl;

	assert_int_equal(ms_store_set(f->s, "/n/m", "r", 0, "v", 1, NULL),
	    MS_STORE_OK);
	wrap(f->s, 1);

	lose = 2;
	assert_int_equal(ms_store_delete_record(f->s, "/n/m", "r"),
	    MS_STORE_OK);
	assert_int_equal(commits, 3);
	assert_int_equal(ms_store_get(f->s, "/n/m", "r", &(struct ms_record){ 0 }),
	    MS_STORE_NOT_FOUND_RECORD);

	lose = 1;
	commits = 0;
	assert_int_equal(ms_store_delete_node(f->s, "/n/m"), MS_STORE_OK);
	assert_int_equal(commits, 2);
	assert_int_equal(ms_store_node_exists(f->s, "/n/m"),
	    MS_STORE_NOT_FOUND_PATH);

	memset(&e, 0, sizeof(e));
	strlcpy(e.who, "alice", sizeof(e.who));
	e.rights = MS_RIGHT_READ;
	lose = 3;
	commits = 0;
	assert_int_equal(ms_store_set_acl(f->s, "/n", &e, 1, -1, -1),
	    MS_STORE_OK);
	assert_int_equal(commits, 4);
	assert_int_equal(ms_store_get_acl(f->s, "/n", &acl), MS_STORE_OK);
	/* Applied once, not once per attempt. */
	assert_int_equal(acl.nentries, 1);
	assert_string_equal(acl.entries[0].who, "alice");
}

/* A write that keeps losing gives up; in a request it tries once. */
static void
test_conflict_bounds(void **state)
{
	struct fixture *f = *state;

	wrap(f->s, 1);
	lose = 1000;
	assert_int_equal(ms_store_set(f->s, "/b", "y", 0, "v", 1, NULL),
	    MS_STORE_UNAVAILABLE);
	assert_int_equal(commits, 64);
	assert_int_equal(ms_store_node_exists(f->s, "/b"),
	    MS_STORE_NOT_FOUND_PATH);

	/* In a request: one try, and the conflict for the request to see. */
	commits = 0;
	ms_store_set_deadline(ms_now_ms() + 60000);
	assert_int_equal(ms_store_set(f->s, "/b", "y", 0, "v", 1, NULL),
	    STORE_CONFLICT);
	assert_int_equal(commits, 1);
	ms_store_set_deadline(0);

	lose = 0;
	assert_int_equal(ms_store_set(f->s, "/b", "y", 0, "v", 1, NULL),
	    MS_STORE_OK);
	assert_int_equal(version_of(f->s, "/b", "y"), 1);
}

static void
op_set(struct ms_store_op *op, const char *path, const char *name,
    const char *value)
{
	memset(op, 0, sizeof(*op));
	op->kind = MS_STORE_OP_SET;
	op->path = path;
	op->name = name;
	op->value = value;
	op->len = strlen(value);
}

/* Without group commit (etcd) each op is a transaction of its own. */
static void
test_apply_ungrouped(void **state)
{
	struct fixture *f = *state;
	struct ms_store_op o[3], *ops[3] = { &o[0], &o[1], &o[2] };
	int level;

	assert_int_equal(ms_store_set(f->s, "/g", "s", MS_REC_SECURE, "x", 1,
	    NULL), MS_STORE_OK);
	wrap(f->s, 0);
	op_set(&o[0], "/g", "a", "1");
	op_set(&o[1], "/g", "s", "plain");	/* clears SECURE: refused */
	op_set(&o[2], "/g", "b", "2");
	lose = 1;
	assert_int_equal(ms_store_apply(f->s, ops, 3, NULL, 0, &level),
	    MS_STORE_OK);
	assert_int_equal(group_calls, 0);
	assert_int_equal(o[0].status, MS_STORE_OK);
	assert_int_equal(o[0].version, 1);
	assert_int_equal(o[1].status, MS_STORE_INVALID);
	assert_int_equal(o[2].status, MS_STORE_OK);
	/* Two commits that stayed, one lost and redone. */
	assert_int_equal(commits, 3);
	assert_int_equal(version_of(f->s, "/g", "a"), 1);
	assert_int_equal(version_of(f->s, "/g", "b"), 1);

	/* With it (LMDB) the group is one transaction, as before. */
	unwrap(f->s);
	wrap(f->s, 1);
	op_set(&o[0], "/g", "a", "3");
	op_set(&o[2], "/g", "b", "4");
	assert_int_equal(ms_store_apply(f->s, ops, 3, NULL, 0, &level),
	    MS_STORE_OK);
	assert_int_equal(group_calls, 1);
	assert_int_equal(o[0].status, MS_STORE_OK);
	assert_int_equal(o[1].status, MS_STORE_INVALID);
	assert_int_equal(o[2].version, 2);
}

struct stored {
	int	 plain_seen, secure_seen;
	uint64_t plain_version, plain_mtime;
	size_t	 secure_len;
	int	 secure_format;
	int	 secure_has_clear;
};

static int
stored_cb(void *ctx, const struct ms_store_walk_item *it)
{
	struct stored *sd = ctx;

	if (it->kind != MS_STORE_WALK_RECORD)
		return 0;
	assert_non_null(it->stored);
	if (strcmp(it->name, "p") == 0) {
		sd->plain_seen = 1;
		assert_int_equal(it->stored_len, 9);
		assert_memory_equal(it->stored, "plaintext", 9);
		sd->plain_version = it->version;
		sd->plain_mtime = it->mtime;
	} else if (strcmp(it->name, "s") == 0) {
		sd->secure_seen = 1;
		sd->secure_len = it->stored_len;
		sd->secure_format = it->stored[0];
		sd->secure_has_clear = memmem(it->stored, it->stored_len,
		    "topsecret", 9) != NULL;
	}
	return 0;
}

/* The walk gives each record's header and stored bytes (migration). */
static void
test_walk_stored(void **state)
{
	struct fixture *f = *state;
	struct stored sd;
	time_t before = time(NULL);

	assert_int_equal(ms_store_set(f->s, "/w", "p", 0, "plaintext", 9,
	    NULL), MS_STORE_OK);
	assert_int_equal(ms_store_set(f->s, "/w", "p", 0, "plaintext", 9,
	    NULL), MS_STORE_OK);
	assert_int_equal(ms_store_set(f->s, "/w", "s", MS_REC_SECURE,
	    "topsecret", 9, NULL), MS_STORE_OK);
	memset(&sd, 0, sizeof(sd));
	assert_int_equal(ms_store_walk(f->s, 0, stored_cb, &sd), MS_STORE_OK);
	assert_true(sd.plain_seen && sd.secure_seen);
	assert_int_equal(sd.plain_version, 2);
	assert_true(sd.plain_mtime >= (uint64_t)before &&
	    sd.plain_mtime <= (uint64_t)time(NULL));
	/* u8 format || kcv || nonce || ciphertext || tag, never the clear. */
	assert_int_equal(sd.secure_format, 2);
	assert_int_equal(sd.secure_len, 1 + MS_STORE_KCV_LEN + 12 + 9 + 16);
	assert_false(sd.secure_has_clear);
}

/* Re-seal after a rotation, losing the batch's commit once. */
static void
test_reseal_retry(void **state)
{
	struct fixture *f = *state;
	u_char rot[2][MS_STORE_KEY_LEN];
	struct ms_record rec;
	size_t done = 0;
	int more = 1;

	assert_int_equal(ms_store_set(f->s, "/r", "s1", MS_REC_SECURE, "one",
	    3, NULL), MS_STORE_OK);
	assert_int_equal(ms_store_set(f->s, "/r", "s2", MS_REC_SECURE, "two",
	    3, NULL), MS_STORE_OK);
	ms_store_close(f->s);
	memcpy(rot[0], f->keys[1], MS_STORE_KEY_LEN);
	memcpy(rot[1], f->keys[0], MS_STORE_KEY_LEN);
	assert_int_equal(ms_store_open_keys(f->dir, rot, 2, 0, 0, &f->s),
	    MS_STORE_OK);
	wrap(f->s, 1);
	lose = 1;
	assert_int_equal(ms_store_reseal(f->s, 10, &done, &more), MS_STORE_OK);
	assert_int_equal(commits, 2);
	assert_int_equal(done, 2);
	assert_int_equal(more, 0);
	/* Nothing left: a second pass re-seals nothing. */
	commits = 0;
	assert_int_equal(ms_store_reseal(f->s, 10, &done, &more), MS_STORE_OK);
	assert_int_equal(done, 0);
	unwrap(f->s);
	ms_store_close(f->s);
	/* Sealed under the new key alone now. */
	assert_int_equal(ms_store_open_keys(f->dir, rot, 1, 0, 0, &f->s),
	    MS_STORE_OK);
	assert_int_equal(ms_store_get(f->s, "/r", "s2", &rec), MS_STORE_OK);
	assert_memory_equal(rec.value, "two", 3);
	ms_record_clear(&rec);
	explicit_bzero(rot, sizeof(rot));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_backend_name, setup,
		    teardown),
		cmocka_unit_test(test_retry_rule),
		cmocka_unit_test_setup_teardown(test_set_conflict_rereads,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_writes_retry, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_conflict_bounds, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_apply_ungrouped, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_walk_stored, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reseal_retry, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
