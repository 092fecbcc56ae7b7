/*
 * store_apply.c — group commit: several writes, one durable commit
 * (store.h, ms_store_apply), where the backend has group commit (LMDB:
 * nested transactions under one); elsewhere (etcd) each op is a
 * transaction of its own.  Runs in the store writer thread: it logs
 * nothing itself (store_log_to), and touches only the write side of the
 * backend (its group), never the reader's transaction.
 */
#include <sys/types.h>

#include <string.h>

#include "log.h"
#include "store.h"
#include "store_int.h"
#include "store_kv.h"

void
ms_store_threaded(struct ms_store *s)
{
	s->threaded = 1;
}

/* One op, in its own (nested, in a group) transaction. */
static int
apply_one(struct ms_store *s, struct ms_store_op *op)
{
	switch (op->kind) {
	case MS_STORE_OP_SET:
		return ms_store_set(s, op->path, op->name, op->flags,
		    op->value, op->len, &op->version);
	case MS_STORE_OP_DELETE_RECORD:
		return ms_store_delete_record(s, op->path, op->name);
	case MS_STORE_OP_DELETE_NODE:
		return ms_store_delete_node(s, op->path);
	case MS_STORE_OP_SET_ACL:
		return ms_store_set_acl(s, op->path, op->changes, op->nchanges,
		    op->noinherit, op->sensitive);
	default:
		return MS_STORE_INVALID;
	}
}

static void
fail_done(struct ms_store_op *const *ops, size_t n, int st)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (ops[i]->status == MS_STORE_OK) {
			ops[i]->status = st;
			ops[i]->version = 0;
		}
	}
}

int
ms_store_apply(struct ms_store *s, struct ms_store_op *const *ops, size_t n,
    char *msg, size_t msglen, int *msg_levelp)
{
	struct store_logbuf group = { msg, msglen, MS_LOG_QUIET }, one;
	size_t i, ok = 0;
	int st, grouped;

	if (msg != NULL && msglen > 0)
		msg[0] = '\0';
	for (i = 0; i < n; i++) {
		ops[i]->status = MS_STORE_ERROR;
		ops[i]->version = 0;
		ops[i]->msg[0] = '\0';
		ops[i]->msg_level = MS_LOG_QUIET;
	}
	store_log_to(&group);
	if (s == NULL || s->rdonly) {
		st = MS_STORE_INVALID;
		for (i = 0; i < n; i++)
			ops[i]->status = st;
		goto out;
	}
	grouped = s->be->group_begin != NULL;
	if (grouped && (st = s->be->group_begin(s)) != MS_STORE_OK) {
		for (i = 0; i < n; i++)
			ops[i]->status = st;
		goto out;
	}
	for (i = 0; i < n; i++) {
		one.buf = ops[i]->msg;
		one.len = sizeof(ops[i]->msg);
		one.level = MS_LOG_QUIET;
		store_log_to(&one);
		if ((ops[i]->status = apply_one(s, ops[i])) == MS_STORE_OK)
			ok++;
		ops[i]->msg_level = one.level;
	}
	store_log_to(&group);
	/* Nothing to keep: no commit, and no disk sync, is needed. */
	st = grouped ? s->be->group_end(s, ok > 0) : MS_STORE_OK;
 out:
	if (st != MS_STORE_OK)
		fail_done(ops, n, st);
	store_log_to(NULL);
	if (msg_levelp != NULL)
		*msg_levelp = group.level;
	return st;
}
