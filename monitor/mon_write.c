/*
 * mon_write.c — the writes of mon_data.c (SET, DELETE, SETACL) from the
 * moment they are authorised to their answer.  With a store writer
 * (ctx->writer) the write is queued and its answer deferred until its
 * group commit is on disk; without one it is committed inline.  Either
 * way the answer, the store's log lines and the audit lines are made by
 * mon_write_answer() in the loop thread, from copies the write carries,
 * so a write may outlive the worker that asked for it.
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "audit.h"
#include "buf.h"
#include "errors.h"
#include "log.h"
#include "mon.h"
#include "msg_mon.h"
#include "names.h"
#include "proto.h"
#include "store.h"
#include "store_kv.h"
#include "store_writer.h"

struct mon_write {
	struct store_wop	 wop;		/* first: mon_write_of() */
	uint8_t			 type;		/* answer frame type */
	const char		*opname;	/* static: "set", ... */
	/* The audit's view of the worker: pid, peer, cred, principal only. */
	struct mon_worker	 who;
	char			*path, *record;
	u_char			*value;		/* SET: wiped when freed */
	size_t			 value_len;
	struct ms_acl_entry	*changes;	/* SETACL */
	int			 acl;		/* counted in acl_writes */
};

/*
 * Queued writes that change who may do what: a SETACL, or deleting a node
 * (which takes its ACL with it).  While there are any, the loop reads no
 * data request (mon_write_acl_pending), so each is judged under the ACL
 * that commit leaves, as it was when every write was committed inline.
 */
static size_t acl_writes;

int
mon_write_acl_pending(void)
{
	return acl_writes > 0;
}

static void
acl_write_done(struct mon_write *mw)
{
	if (mw->acl) {
		mw->acl = 0;
		acl_writes--;
	}
}

struct mon_write *
mon_write_of(struct store_wop *op)
{
	return (struct mon_write *)op;
}

const struct mon_worker *
mon_write_owner(const struct mon_write *mw)
{
	return mw->wop.owner;
}

void
mon_write_disown(struct mon_write *mw)
{
	mw->wop.owner = NULL;
}

uint8_t
mon_write_type(const struct mon_write *mw)
{
	return mw->type;
}

void
mon_write_free(struct mon_write *mw)
{
	if (mw == NULL)
		return;
	acl_write_done(mw);
	free(mw->path);
	free(mw->record);
	freezero(mw->value, mw->value_len);
	free(mw->changes);
	freezero(mw, sizeof(*mw));
}

/* A copy of everything the write and its audit lines will need. */
static struct mon_write *
write_new(const struct mon_worker *w, uint8_t type, const char *opname,
    const struct ms_store_op *op)
{
	struct mon_write *mw;

	if ((mw = calloc(1, sizeof(*mw))) == NULL)
		return NULL;
	mw->type = type;
	mw->opname = opname;
	mw->who.pid = w->pid;
	strlcpy(mw->who.peer, w->peer, sizeof(mw->who.peer));
	mw->who.cred = w->cred;
	strlcpy(mw->who.sess.principal, w->sess.principal,
	    sizeof(mw->who.sess.principal));
	mw->wop.op = *op;
	mw->wop.owner = (void *)w;
	if ((mw->path = strdup(op->path)) == NULL ||
	    (mw->record = strdup(op->name != NULL ? op->name : "")) == NULL)
		goto fail;
	mw->wop.op.path = mw->path;
	mw->wop.op.name = op->name != NULL ? mw->record : NULL;
	if (op->len > 0) {
		if ((mw->value = malloc(op->len)) == NULL)
			goto fail;
		memcpy(mw->value, op->value, op->len);
		mw->value_len = op->len;
	}
	mw->wop.op.value = mw->value;
	if (op->nchanges > 0) {
		if ((mw->changes = calloc(op->nchanges,
		    sizeof(*mw->changes))) == NULL)
			goto fail;
		memcpy(mw->changes, op->changes,
		    op->nchanges * sizeof(*mw->changes));
	}
	mw->wop.op.changes = mw->changes;
	return mw;
 fail:
	mon_write_free(mw);
	return NULL;
}

static void
write_audit(const struct mon_write *mw, uint32_t status)
{
	struct audit_line a;

	audit_begin(&a, status == MS_ST_OK ? "allowed" :
	    ms_status_str(status), &mw->who, mw->opname);
	audit_add(&a, "principal", mw->who.sess.principal);
	audit_add(&a, "path", mw->path);
	if (*mw->record != '\0')
		audit_add(&a, "record", mw->record);
	audit_add(&a, "reason", NULL);
	audit_end(&a);
}

static const char *
flag_change(int v, const char *on, const char *off)
{
	return v == -1 ? NULL : v ? on : off;
}

/*
 * What a SETACL changed, after its result line: inheritance and SENSITIVE
 * when the request touched them, then one line per entry (rights "-":
 * the entry was removed).
 */
static void
audit_acl_change(const struct mon_write *mw)
{
	const struct ms_store_op *op = &mw->wop.op;
	struct audit_line a;
	char rights[MS_RIGHTS_MAX + 1];
	size_t i;

	if (op->noinherit != -1 || op->sensitive != -1) {
		audit_begin(&a, "changed", &mw->who, "setacl-flags");
		audit_add(&a, "principal", mw->who.sess.principal);
		audit_add(&a, "path", mw->path);
		audit_add(&a, "inherit", flag_change(op->noinherit, "no",
		    "yes"));
		audit_add(&a, "sensitive", flag_change(op->sensitive, "set",
		    "cleared"));
		audit_end(&a);
	}
	for (i = 0; i < op->nchanges; i++) {
		if (mw->changes[i].rights == 0)
			strlcpy(rights, "-", sizeof(rights));
		else
			ms_rights_format(mw->changes[i].rights, rights);
		audit_begin(&a, "changed", &mw->who, "setacl-entry");
		audit_add(&a, "principal", mw->who.sess.principal);
		audit_add(&a, "path", mw->path);
		audit_add(&a, "who", mw->changes[i].who);
		audit_add(&a, "rights", rights);
		audit_end(&a);
	}
}

/* What the store would have logged, had it been allowed to. */
static void
store_lines(int level, const char *msg)
{
	if (level != MS_LOG_QUIET && *msg != '\0')
		ms_log(__FILE__, __func__, __LINE__, (enum ms_loglevel)level,
		    0, NULL, "%s", msg);
}

int
mon_write_answer(struct mon_write *mw, struct msbuf *resp)
{
	const struct ms_store_op *op = &mw->wop.op;
	uint32_t st = mon_store_status(op->status);

	acl_write_done(mw);
	store_lines(mw->wop.group_level, mw->wop.group_msg);
	store_lines(op->msg_level, op->msg);
	write_audit(mw, st);
	if (op->kind == MS_STORE_OP_SET_ACL && st == MS_ST_OK)
		audit_acl_change(mw);
	msbuf_reset(resp);
	if (op->kind == MS_STORE_OP_SET)
		return ms_mon_set_answer_put(resp, st, op->version);
	return ms_mon_status_put(resp, st);
}

/*
 * No writer thread: commit now, in this thread, and answer at once.  A
 * commit lost to another host's write (STORE_CONFLICT, only inside a
 * request on etcd) is neither answered nor audited: the request runs
 * again (s->rerun), since what it was authorised by may have changed.
 */
static struct mon_verdict
write_inline(const struct mon_ctx *ctx, struct mon_write *mw,
    struct mon_session *s, struct msbuf *resp)
{
	struct ms_store_op *op = &mw->wop.op;
	int r;

	(void)ms_store_apply(ctx->store, &op, 1, mw->wop.group_msg,
	    sizeof(mw->wop.group_msg), &mw->wop.group_level);
	if (op->status == STORE_CONFLICT) {
		s->rerun = 1;
		msbuf_reset(resp);
		mon_write_free(mw);
		return MON_VERDICT(MON_OK);
	}
	r = mon_write_answer(mw, resp);
	mon_write_free(mw);
	return mon_ok_unless(r, "cannot build answer");
}

struct mon_verdict
mon_write_start(const struct mon_ctx *ctx, const struct mon_worker *w,
    struct mon_session *s, uint8_t type, const char *opname,
    const struct ms_store_op *op, struct msbuf *resp)
{
	struct mon_write *mw;
	int r;

	if ((mw = write_new(w, type, opname, op)) == NULL)
		return MON_KILLED(MS_ERR_ALLOC, "out of memory");
	if (ctx->writer == NULL)
		return write_inline(ctx, mw, s, resp);
	if ((r = store_writer_submit(ctx->writer, &mw->wop)) != 0) {
		error_fr(r, "store writer queue");
		mw->wop.op.status = MS_STORE_UNAVAILABLE;
		r = mon_write_answer(mw, resp);
		mon_write_free(mw);
		return mon_ok_unless(r, "cannot build answer");
	}
	if (op->kind == MS_STORE_OP_SET_ACL ||
	    op->kind == MS_STORE_OP_DELETE_NODE) {
		mw->acl = 1;
		acl_writes++;
	}
	s->deferred = mw;
	return MON_VERDICT(MON_OK);
}
