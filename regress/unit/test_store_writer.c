/*
 * test_store_writer.c — group commit (ms_store_apply, monitor/store_apply.c)
 * and the store writer thread (monitor/store_writer.c), on a store in a
 * fresh temporary directory.
 */
#include <sys/types.h>

#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "errors.h"
#include "monitor/store.h"
#include "monitor/store_writer.h"
#include "proto.h"

struct fixture {
	char		 tmp[64];
	char		 dir[96];
	struct ms_store	*s;
};

static int
setup(void **state)
{
	struct fixture *f;
	u_char key[MS_STORE_KEY_LEN];

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	strlcpy(f->tmp, "/tmp/ms-test-writer.XXXXXX", sizeof(f->tmp));
	if (mkdtemp(f->tmp) == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/store", f->tmp);
	memset(key, 0x5a, sizeof(key));
	if (ms_store_open(f->dir, key, 0, &f->s) != 0)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char p[256];

	ms_store_close(f->s);
	snprintf(p, sizeof(p), "%s/data.mdb", f->dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/lock.mdb", f->dir);
	unlink(p);
	rmdir(f->dir);
	rmdir(f->tmp);
	free(f);
	return 0;
}

static void
op_set(struct ms_store_op *op, const char *path, const char *name,
    uint8_t flags, const char *value)
{
	memset(op, 0, sizeof(*op));
	op->kind = MS_STORE_OP_SET;
	op->path = path;
	op->name = name;
	op->flags = flags;
	op->value = value;
	op->len = strlen(value);
}

static uint64_t
version_of(struct ms_store *s, const char *path, const char *name,
    const char *want)
{
	struct ms_record rec;
	uint64_t v;

	assert_int_equal(ms_store_get(s, path, name, &rec), MS_STORE_OK);
	assert_int_equal(rec.value_len, strlen(want));
	assert_memory_equal(rec.value, want, rec.value_len);
	v = rec.version;
	ms_record_clear(&rec);
	return v;
}

/* One group: each op is checked alone, a failing one fails alone. */
static void
test_apply_group(void **state)
{
	struct fixture *f = *state;
	struct ms_store_op o[6], *ops[6];
	char msg[MS_STORE_MSG_MAX];
	size_t i;
	int level;

	op_set(&o[0], "/g", "secret", MS_REC_SECURE, "s1");
	op_set(&o[1], "/g", "plain", 0, "p1");
	/* Clearing SECURE is refused, and only this op is undone. */
	op_set(&o[2], "/g", "secret", 0, "cleared");
	op_set(&o[3], "/g", "plain", 0, "p2");
	memset(&o[4], 0, sizeof(o[4]));
	o[4].kind = MS_STORE_OP_DELETE_NODE;
	o[4].path = "/g";			/* has records: BUSY */
	memset(&o[5], 0, sizeof(o[5]));
	o[5].kind = MS_STORE_OP_DELETE_RECORD;
	o[5].path = "/g";
	o[5].name = "missing";
	for (i = 0; i < 6; i++)
		ops[i] = &o[i];
	assert_int_equal(ms_store_apply(f->s, ops, 6, msg, sizeof(msg),
	    &level), MS_STORE_OK);
	assert_int_equal(o[0].status, MS_STORE_OK);
	assert_int_equal(o[0].version, 1);
	assert_int_equal(o[1].status, MS_STORE_OK);
	assert_int_equal(o[1].version, 1);
	assert_int_equal(o[2].status, MS_STORE_INVALID);
	assert_int_equal(o[2].version, 0);
	assert_int_equal(o[3].status, MS_STORE_OK);
	assert_int_equal(o[3].version, 2);
	assert_int_equal(o[4].status, MS_STORE_BUSY);
	assert_int_equal(o[5].status, MS_STORE_NOT_FOUND_RECORD);
	assert_int_equal(version_of(f->s, "/g", "secret", "s1"), 1);
	assert_int_equal(version_of(f->s, "/g", "plain", "p2"), 2);
}

/* A store that cannot be written: every op fails, none says OK. */
static void
test_apply_unwritable(void **state)
{
	struct fixture *f = *state;
	struct ms_store *ro = NULL;
	struct ms_store_op o, *op = &o;
	u_char key[MS_STORE_KEY_LEN];

	memset(key, 0x5a, sizeof(key));
	ms_store_close(f->s);
	f->s = NULL;
	assert_int_equal(ms_store_open_keys(f->dir,
	    (const u_char (*)[MS_STORE_KEY_LEN])key, 1, 0, MS_STORE_RDONLY,
	    &ro), MS_STORE_OK);
	op_set(&o, "/r", "x", 0, "v");
	assert_int_not_equal(ms_store_apply(ro, &op, 1, NULL, 0, NULL),
	    MS_STORE_OK);
	assert_int_not_equal(o.status, MS_STORE_OK);
	assert_int_equal(o.version, 0);
	f->s = ro;
}

static struct store_wop *
wait_done(struct store_writer *w)
{
	struct pollfd p;
	struct store_wop *d;

	p.fd = store_writer_fd(w);
	p.events = POLLIN;
	assert_int_equal(poll(&p, 1, 60000), 1);
	d = store_writer_done(w);
	return d;
}

#define NOPS	40

/*
 * The thread: ops submitted at once come back done, in order, each SET of
 * one record one version higher; reads meanwhile go on in this thread.
 */
static void
test_writer(void **state)
{
	struct fixture *f = *state;
	struct store_writer *w = NULL;
	struct store_wop *wop, *d, *next;
	char vals[NOPS][16];
	uint64_t want = 1;
	size_t i, got = 0;

	assert_int_equal(store_writer_start(f->s, NOPS, &w), 0);
	wop = calloc(NOPS + 1, sizeof(*wop));
	assert_non_null(wop);
	for (i = 0; i < NOPS; i++) {
		snprintf(vals[i], sizeof(vals[i]), "v%zu", i);
		op_set(&wop[i].op, "/w", "r", 0, vals[i]);
		assert_int_equal(store_writer_submit(w, &wop[i]), 0);
	}
	/* The bound. */
	op_set(&wop[NOPS].op, "/w", "r", 0, "over");
	assert_int_equal(store_writer_submit(w, &wop[NOPS]), MS_ERR_LIMIT);
	while (got < NOPS) {
		for (d = wait_done(w); d != NULL; d = next) {
			next = d->next;
			assert_ptr_equal(d, &wop[got]);
			assert_int_equal(d->op.status, MS_STORE_OK);
			assert_int_equal(d->op.version, want);
			want++;
			got++;
		}
		(void)ms_store_node_exists(f->s, "/w");
	}
	assert_int_equal(store_writer_outstanding(w), 0);
	assert_int_equal(version_of(f->s, "/w", "r", vals[NOPS - 1]), NOPS);
	store_writer_free(w);
	free(wop);
}

/* Stopping finishes what is queued: nothing submitted is dropped. */
static void
test_writer_stop_drains(void **state)
{
	struct fixture *f = *state;
	struct store_writer *w = NULL;
	struct store_wop wop[8], *d;
	size_t i, n = 0;

	assert_int_equal(store_writer_start(f->s, 8, &w), 0);
	for (i = 0; i < 8; i++) {
		op_set(&wop[i].op, "/s", "r", 0, "v");
		assert_int_equal(store_writer_submit(w, &wop[i]), 0);
	}
	store_writer_stop(w);
	for (d = store_writer_done(w); d != NULL; d = d->next) {
		assert_int_equal(d->op.status, MS_STORE_OK);
		n++;
	}
	assert_int_equal(n, 8);
	assert_int_equal(version_of(f->s, "/s", "r", "v"), 8);
	store_writer_free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_apply_group, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_apply_unwritable, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_writer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_writer_stop_drains, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
