/*
 * mon_data.c — data requests from an authenticated worker (I4).
 *
 * Every request names a path; the monitor validates it again, computes the
 * bound principal's effective rights there (never trusting the worker's
 * idea of a handle or its access mode), performs the store operation, and
 * writes one audit line per decision.  Structural problems (trailing
 * bytes, oversize fields, flags out of range) are worker misbehaviour: the
 * parsers (common/msg_mon.c, through mon_dispatch.c) refuse them, and the
 * dispatcher kills the worker before a handler runs.  Bad names or values are the client's and get
 * INVALID_ARGUMENT from the handler.
 *
 * SENSITIVE subtrees (PROTOCOL.md 8): only a certificate login may read,
 * write, delete or list there, whatever the ACL grants; a raw-key holder
 * of 'a' may still open the node READ to manage its ACL.
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "audit.h"
#include "buf.h"
#include "errors.h"
#include "frame.h"
#include "log.h"
#include "logfmt.h"
#include "mon.h"
#include "msg_list.h"
#include "msg_mon.h"
#include "path.h"
#include "proto.h"
#include "servconf.h"
#include "store.h"
#include "version.h"

uint32_t
mon_store_status(int st)
{
	switch (st) {
	case MS_STORE_OK:
		return MS_ST_OK;
	case MS_STORE_NOT_FOUND_PATH:
		return MS_ST_PATH_NOT_FOUND;
	case MS_STORE_NOT_FOUND_RECORD:
		return MS_ST_RECORD_NOT_FOUND;
	case MS_STORE_BUSY:
		return MS_ST_PATH_BUSY;
	case MS_STORE_INVALID:
		return MS_ST_INVALID_ARGUMENT;
	case MS_STORE_FULL:
		return MS_ST_STORE_FULL;
	case MS_STORE_UNAVAILABLE:
		return MS_ST_STORE_UNAVAILABLE;
	default:
		return MS_ST_INTERNAL_ERROR;
	}
}

/*
 * A failed ACL evaluation denies, with one exception: a store that did
 * not answer in time (etcd without quorum) makes the request fail with
 * STORE_UNAVAILABLE, so a client can tell an outage from a refusal.
 * Neither grants anything.
 */
static uint32_t
acl_eval_status(int r)
{
	return r == MS_ERR_STORE_UNAVAILABLE ? MS_ST_STORE_UNAVAILABLE :
	    MS_ST_OK;
}

/* The bound principal's rights at path (0 when they cannot be known). */
static uint32_t
rights_at(const struct mon_ctx *ctx, const struct mon_worker *w,
    const char *path, uint8_t *rightsp)
{
	int r;

	*rightsp = 0;
	r = ms_acl_effective(ms_store_acl_walk, ctx->store, path,
	    w->sess.principal, (const char *const *)w->sess.groups,
	    w->sess.ngroups, (const char *const *)ctx->conf->admins,
	    ctx->conf->nadmins, rightsp);
	if (r != 0)
		*rightsp = 0;
	return acl_eval_status(r);
}

#define WHY_SENSITIVE	"sensitive subtree: certificate login required"

/*
 * *refusedp 1 when path is in a SENSITIVE subtree and this connection did
 * not log in with a certificate (or the check failed: fail closed).
 */
static uint32_t
sensitive_refused(const struct mon_ctx *ctx, const struct mon_worker *w,
    const char *path, int *refusedp)
{
	*refusedp = 0;
	if (w->sess.cert_auth)
		return MS_ST_OK;
	*refusedp = 1;
	return acl_eval_status(ms_acl_sensitive(ms_store_acl_walk, ctx->store,
	    path, refusedp));
}

/*
 * The rights at path, then whether SENSITIVE refuses the connection
 * there (only when need_sensitive: the check costs a walk of its own).
 */
static uint32_t
access_at(const struct mon_ctx *ctx, const struct mon_worker *w,
    const char *path, uint8_t *rightsp, int *sensitivep)
{
	uint32_t st;

	*sensitivep = 1;
	if ((st = rights_at(ctx, w, path, rightsp)) != MS_ST_OK)
		return st;
	return sensitive_refused(ctx, w, path, sensitivep);
}

/*
 * SET and DELETE: the bound principal needs 'w' there, and a SENSITIVE
 * subtree a certificate login.  MS_ST_OK, or the status to answer (*why
 * says why, for the audit line).
 */
static uint32_t
may_write(const struct mon_ctx *ctx, const struct mon_worker *w,
    const char *path, uint8_t *rightsp, const char **why)
{
	uint32_t st;
	int refused;

	if ((st = access_at(ctx, w, path, rightsp, &refused)) != MS_ST_OK)
		return st;
	if (!(*rightsp & MS_RIGHT_WRITE))
		return MS_ST_ACCESS_DENIED;
	if (refused) {
		*why = WHY_SENSITIVE;
		return MS_ST_ACCESS_DENIED;
	}
	return MS_ST_OK;
}

static const char *
audit_result(uint32_t status)
{
	return status == MS_ST_OK ? "allowed" :
	    status == MS_ST_ACCESS_DENIED ? "denied" : ms_status_str(status);
}

/* Path and record are the client's: audit.h quotes or shortens them. */
static void
audit(const struct mon_worker *w, const char *op, const struct ms_mon_data *d,
    uint32_t status, const char *why)
{
	struct audit_line a;

	audit_begin(&a, audit_result(status), w, op);
	audit_add(&a, "principal", w->sess.principal);
	audit_add(&a, "path", d->path != NULL ? d->path : "-");
	if (d->record != NULL && *d->record != '\0')
		audit_add(&a, "record", d->record);
	audit_add(&a, "reason", why);
	audit_end(&a);
}

/* Validate names; 0 means "go on", else the status to answer. */
static uint32_t
check_names(const struct ms_mon_data *d, int need_record)
{
	if (ms_path_valid(d->path, strlen(d->path)) != 0)
		return MS_ST_INVALID_ARGUMENT;
	if (need_record && ms_record_name_valid(d->record,
	    strlen(d->record)) != 0)
		return MS_ST_INVALID_ARGUMENT;
	return MS_ST_OK;
}

static int
answer_why(struct msbuf *resp, const struct mon_worker *w, const char *op,
    const struct ms_mon_data *d, uint32_t status, const char *why)
{
	audit(w, op, d, status, status == MS_ST_OK ? NULL : why);
	return ms_mon_status_put(resp, status);
}

static int
answer_status(struct msbuf *resp, const struct mon_worker *w, const char *op,
    const struct ms_mon_data *d, uint32_t status)
{
	return answer_why(resp, w, op, d, status, NULL);
}

/* The answer is built: the worker lives on, unless building it failed. */
static struct mon_verdict
answered(int r)
{
	return mon_ok_unless(r, "cannot build answer");
}

struct mon_verdict
mon_open(const struct mon_ctx *ctx, const struct mon_worker *w,
    struct mon_session *s, const union mon_req *pr, struct msbuf *resp)
{
	const struct ms_mon_data *d = &pr->data;
	const char *why = NULL;
	uint32_t st;
	uint8_t rights;
	int refused;

	if ((st = check_names(d, 0)) != MS_ST_OK ||
	    d->access == 0 || (d->access & ~(MS_ACCESS_READ | MS_ACCESS_WRITE)))
		return answered(answer_status(resp, w, "open", d,
		    MS_ST_INVALID_ARGUMENT));
	if ((st = access_at(ctx, w, d->path, &rights, &refused)) != MS_ST_OK)
		;
	else if (((d->access & MS_ACCESS_READ) && (rights & (MS_RIGHT_READ |
	    MS_RIGHT_SECURE | MS_RIGHT_LIST | MS_RIGHT_ADMIN)) == 0) ||
	    ((d->access & MS_ACCESS_WRITE) && (rights & MS_RIGHT_WRITE) == 0))
		st = MS_ST_ACCESS_DENIED;
	else if ((d->access != MS_ACCESS_READ ||
	    (rights & MS_RIGHT_ADMIN) == 0) && refused) {
		st = MS_ST_ACCESS_DENIED;
		why = WHY_SENSITIVE;
	} else if (!(d->access & MS_ACCESS_WRITE))
		st = mon_store_status(ms_store_node_exists(ctx->store, d->path));
	return answered(answer_why(resp, w, "open", d, st, why));
}

struct mon_verdict
mon_get(const struct mon_ctx *ctx, const struct mon_worker *w,
    struct mon_session *s, const union mon_req *pr, struct msbuf *resp)
{
	const struct ms_mon_data *d = &pr->data;
	struct ms_record rec = { 0 };
	struct ms_mon_value v;
	uint32_t st;
	uint8_t rights;
	int r, refused;

	if ((st = check_names(d, 1)) != MS_ST_OK ||
	    (st = access_at(ctx, w, d->path, &rights, &refused)) != MS_ST_OK)
		return answered(answer_status(resp, w, "get", d, st));
	if ((rights & (MS_RIGHT_READ | MS_RIGHT_SECURE)) == 0)
		return answered(answer_status(resp, w, "get", d,
		    MS_ST_ACCESS_DENIED));
	if (refused)
		return answered(answer_why(resp, w, "get", d,
		    MS_ST_ACCESS_DENIED, WHY_SENSITIVE));
	st = mon_store_status(ms_store_get(ctx->store, d->path, d->record,
	    &rec));
	if (st == MS_ST_OK && !(rights & ((rec.flags & MS_REC_SECURE) ?
	    MS_RIGHT_SECURE : MS_RIGHT_READ)))
		st = MS_ST_ACCESS_DENIED;
	v.flags = rec.flags;
	v.version = rec.version;
	v.mtime = rec.mtime;
	v.value = rec.value;
	v.len = rec.value_len;
	audit(w, "get", d, st, NULL);
	r = ms_mon_get_answer_put(resp, st, &v);
	ms_record_clear(&rec);
	return answered(r);
}

struct mon_verdict
mon_set(const struct mon_ctx *ctx, const struct mon_worker *w,
    struct mon_session *s, const union mon_req *pr, struct msbuf *resp)
{
	const struct ms_mon_data *d = &pr->data;
	struct ms_store_op op;
	const char *why = NULL;
	uint32_t st;
	uint8_t rights;

	if ((st = check_names(d, 1)) == MS_ST_OK &&
	    ((d->flags & ~MS_REC_FLAGS_MASK) != 0 ||
	    d->value_len > ctx->conf->max_value_size))
		st = MS_ST_INVALID_ARGUMENT;
	if (st == MS_ST_OK)
		st = may_write(ctx, w, d->path, &rights, &why);
	if (st != MS_ST_OK) {
		audit(w, "set", d, st, why);
		return answered(ms_mon_set_answer_put(resp, st, 0));
	}
	memset(&op, 0, sizeof(op));
	op.kind = MS_STORE_OP_SET;
	op.path = d->path;
	op.name = d->record;
	op.flags = d->flags;
	op.value = d->value;
	op.len = d->value_len;
	return mon_write_start(ctx, w, s, MS_MON_SET, "set", &op, resp);
}

#define WHY_PROTECTED	"node has its own ACL or flags: deleting it needs a"

/*
 * 1 when the node at path carries ACL entries or flags (NOINHERIT,
 * SENSITIVE), or when that cannot be read (fail closed); 0 when it has
 * none or does not exist (the delete then answers PATH_NOT_FOUND).
 */
static uint32_t
node_protected(const struct mon_ctx *ctx, const char *path, int *protp)
{
	struct ms_acl *acl;
	int st;

	*protp = 1;
	if ((acl = calloc(1, sizeof(*acl))) == NULL)
		return MS_ST_OK;
	st = ms_store_get_acl(ctx->store, path, acl);
	*protp = st == MS_STORE_NOT_FOUND_PATH ? 0 : st != MS_STORE_OK ? 1 :
	    acl->nentries > 0 || acl->flags != 0;
	free(acl);
	return st == MS_STORE_UNAVAILABLE ? MS_ST_STORE_UNAVAILABLE : MS_ST_OK;
}

/*
 * Deleting a node with its own ACL or flags takes them with it: whoever
 * re-creates the node gets one that inherits, or is no longer SENSITIVE.
 * So that needs the right to change the ACL, a, besides w (PROTOCOL.md 8).
 */
struct mon_verdict
mon_delete(const struct mon_ctx *ctx, const struct mon_worker *w,
    struct mon_session *s, const union mon_req *pr, struct msbuf *resp)
{
	const struct ms_mon_data *d = &pr->data;
	struct ms_store_op op;
	const char *why = NULL;
	uint32_t st;
	uint8_t rights;
	int node = *d->record == '\0', prot = 0;

	if ((st = check_names(d, !node)) == MS_ST_OK && node &&
	    ms_path_is_root(d->path))
		st = MS_ST_INVALID_ARGUMENT;
	if (st == MS_ST_OK)
		st = may_write(ctx, w, d->path, &rights, &why);
	if (st == MS_ST_OK && node && !(rights & MS_RIGHT_ADMIN))
		st = node_protected(ctx, d->path, &prot);
	if (st == MS_ST_OK && prot) {
		st = MS_ST_ACCESS_DENIED;
		why = WHY_PROTECTED;
	}
	if (st != MS_ST_OK)
		return answered(answer_why(resp, w, "delete", d, st, why));
	memset(&op, 0, sizeof(op));
	op.kind = node ? MS_STORE_OP_DELETE_NODE : MS_STORE_OP_DELETE_RECORD;
	op.path = d->path;
	op.name = node ? NULL : d->record;
	return mon_write_start(ctx, w, s, MS_MON_DELETE, "delete", &op, resp);
}

struct list_acc {
	struct msbuf	*children, *records;
	uint32_t	 nchildren, nrecords;
	int		 long_form;	/* MS_LIST_LONG: version and mtime */
	int		 full;		/* the next entry did not fit */
};

/*
 * Entries go in while the page has room for them (MS_LIST_PAGE_ENTRIES_MAX
 * bytes, so the worker's response always fits one record); the first that
 * does not ends the page.
 */
static int
list_cb(void *vctx, const struct ms_store_list_entry *e)
{
	struct list_acc *a = vctx;
	struct ms_list_item item = { e->name, e->len, e->flags, e->version,
	    e->mtime };
	size_t need = 4 + e->len + (e->kind == MS_STORE_LIST_CHILD ? 0 :
	    a->long_form ? 1 + 8 + 8 : 1);

	if (msbuf_len(a->children) + msbuf_len(a->records) + need >
	    MS_LIST_PAGE_ENTRIES_MAX ||
	    a->nchildren + a->nrecords >= MS_LIST_MAX) {
		a->full = 1;
		return 1;
	}
	if (e->kind == MS_STORE_LIST_CHILD) {
		a->nchildren++;
		return ms_list_child_put(a->children, e->name, e->len);
	}
	a->nrecords++;
	return ms_list_record_put(a->records, a->long_form, &item);
}

static int
store_list_kind(uint8_t cursor_kind)
{
	return cursor_kind == MS_LIST_AFTER_CHILD ? MS_STORE_LIST_CHILD :
	    cursor_kind == MS_LIST_AFTER_RECORD ? MS_STORE_LIST_RECORD : 0;
}

struct mon_verdict
mon_list(const struct mon_ctx *ctx, const struct mon_worker *w,
    struct mon_session *s, const union mon_req *pr, struct msbuf *resp)
{
	const struct ms_mon_data *d = &pr->data;
	struct list_acc acc = { 0 };
	const char *why = NULL;
	uint32_t st;
	uint8_t rights = 0;
	int r, paged, refused = 1;

	acc.long_form = (d->list_flags & MS_LIST_LONG) != 0;
	paged = (d->list_flags & MS_LIST_PAGED) != 0;
	if ((st = check_names(d, 0)) == MS_ST_OK &&
	    (st = access_at(ctx, w, d->path, &rights, &refused)) == MS_ST_OK &&
	    !(rights & MS_RIGHT_LIST))
		st = MS_ST_ACCESS_DENIED;
	if (st == MS_ST_OK && refused) {
		st = MS_ST_ACCESS_DENIED;
		why = WHY_SENSITIVE;
	}
	if (st == MS_ST_OK) {
		if ((acc.children = msbuf_new(MS_LIST_PAGE_ENTRIES_MAX)) ==
		    NULL || (acc.records = msbuf_new(MS_LIST_PAGE_ENTRIES_MAX)) ==
		    NULL) {
			r = MS_ERR_ALLOC;
			goto out;
		}
		st = mon_store_status(ms_store_list_from(ctx->store, d->path,
		    paged ? store_list_kind(d->cursor.kind) : 0,
		    paged ? d->cursor.name : NULL, d->cursor.len, list_cb,
		    &acc));
		/* Unpaged, a listing must fit one answer or is refused. */
		if (st == MS_ST_OK && acc.full && !paged)
			st = MS_ST_LIMIT_REACHED;
	}
	if ((r = answer_why(resp, w, "list", d, st, why)) == 0 &&
	    st == MS_ST_OK &&
	    (r = ms_list_result_put(resp, acc.nchildren, acc.children,
	    acc.nrecords, acc.records)) == 0 && paged)
		r = ms_list_more_put(resp, acc.full);
 out:
	msbuf_free(acc.children);
	msbuf_free(acc.records);
	return answered(r);
}

struct acl_acc {
	const char	*path;
	struct msbuf	*entries;
	uint32_t	 n;
	uint8_t		 node_flags;
	int		 full;		/* the entries outgrew one response */
};

/*
 * GETACL's answer: u8 node_flags, u32 n, entries; like a LIST page it must
 * fit one response, so the entries get what a page leaves over its counts.
 */
#define GETACL_ENTRIES_MAX	(MS_LIST_PAGE_ENTRIES_MAX + 4 + 4 - 1 - 4)

static int
acl_cb(void *vctx, const char *path, const struct ms_acl *acl)
{
	struct acl_acc *a = vctx;
	char rights[MS_RIGHTS_MAX + 1];
	int inherited = strcmp(path, a->path) != 0, r;
	size_t i;

	if (!inherited)
		a->node_flags = acl->flags;
	for (i = 0; i < acl->nentries; i++) {
		ms_rights_format(acl->entries[i].rights, rights);
		if ((r = ms_acl_item_put(a->entries, acl->entries[i].who,
		    rights, inherited)) != 0) {
			a->full = r == MS_ERR_NO_BUFFER_SPACE;
			return r;
		}
		a->n++;
	}
	return 0;
}

struct mon_verdict
mon_getacl(const struct mon_ctx *ctx, const struct mon_worker *w,
    struct mon_session *s, const union mon_req *pr, struct msbuf *resp)
{
	const struct ms_mon_data *d = &pr->data;
	struct acl_acc acc = { 0 };
	uint32_t st;
	uint8_t rights = 0;
	int r;

	if ((st = check_names(d, 0)) == MS_ST_OK &&
	    (st = rights_at(ctx, w, d->path, &rights)) == MS_ST_OK &&
	    !(rights & MS_RIGHT_ADMIN))
		st = MS_ST_ACCESS_DENIED;
	if (st == MS_ST_OK)
		st = mon_store_status(ms_store_node_exists(ctx->store, d->path));
	if (st == MS_ST_OK) {
		acc.path = d->path;
		if ((acc.entries = msbuf_new(GETACL_ENTRIES_MAX)) == NULL) {
			r = MS_ERR_ALLOC;
			goto out;
		}
		if ((r = ms_acl_chain(ms_store_acl_walk, ctx->store, d->path,
		    acl_cb, &acc)) != 0)
			st = acc.full ? MS_ST_LIMIT_REACHED :
			    r == MS_ERR_STORE_UNAVAILABLE ?
			    MS_ST_STORE_UNAVAILABLE : MS_ST_INTERNAL_ERROR;
	}
	if ((r = answer_status(resp, w, "getacl", d, st)) == 0 &&
	    st == MS_ST_OK)
		r = ms_acl_result_put(resp, acc.node_flags, acc.n,
		    acc.entries);
 out:
	msbuf_free(acc.entries);
	return answered(r);
}

/* The entries as the store takes them; MS_ST_OK or INVALID_ARGUMENT. */
static uint32_t
acl_changes(const struct ms_mon_data *d, struct ms_acl_entry *changes)
{
	uint32_t i;

	for (i = 0; i < d->nchanges; i++) {
		if (ms_acl_who_valid(d->changes[i].who) != 0 ||
		    ms_rights_parse(d->changes[i].rights,
		    &changes[i].rights) != 0)
			return MS_ST_INVALID_ARGUMENT;
		strlcpy(changes[i].who, d->changes[i].who,
		    sizeof(changes[i].who));
	}
	return MS_ST_OK;
}

struct mon_verdict
mon_setacl(const struct mon_ctx *ctx, const struct mon_worker *w,
    struct mon_session *s, const union mon_req *pr, struct msbuf *resp)
{
	const struct ms_mon_data *d = &pr->data;
	struct ms_acl_entry *changes;
	struct ms_store_op op;
	struct mon_verdict v;
	uint32_t st;
	uint8_t rights = 0;

	if ((changes = calloc(d->nchanges ? d->nchanges : 1,
	    sizeof(*changes))) == NULL)
		return MON_KILLED(MS_ERR_ALLOC, "out of memory");
	if ((st = acl_changes(d, changes)) == MS_ST_OK)
		st = check_names(d, 0);
	if (st == MS_ST_OK &&
	    (st = rights_at(ctx, w, d->path, &rights)) == MS_ST_OK &&
	    !(rights & MS_RIGHT_ADMIN))
		st = MS_ST_ACCESS_DENIED;
	if (st != MS_ST_OK) {
		free(changes);
		return answered(answer_status(resp, w, "setacl", d, st));
	}
	memset(&op, 0, sizeof(op));
	op.kind = MS_STORE_OP_SET_ACL;
	op.path = d->path;
	op.changes = changes;
	op.nchanges = d->nchanges;
	op.noinherit = d->inherit == MS_SETACL_UNCHANGED ? -1 :
	    d->inherit == MS_SETACL_BREAK ? 1 : 0;
	op.sensitive = d->sensitive == MS_SENSITIVE_UNCHANGED ? -1 :
	    d->sensitive == MS_SENSITIVE_SET ? 1 : 0;
	v = mon_write_start(ctx, w, s, MS_MON_SETACL, "setacl", &op, resp);
	free(changes);
	return v;
}

/*
 * STATUS: the principal, the server version and the store's usage (the
 * worker passes the usage on only when the client asks for it).  Audited
 * like every other operation.
 */
struct mon_verdict
mon_status(const struct mon_ctx *ctx, const struct mon_worker *w,
    struct mon_session *s, const union mon_req *pr, struct msbuf *resp)
{
	const struct ms_mon_data none = { 0 };
	struct ms_store_usage u;
	uint64_t usage[4];
	uint32_t st;

	memset(&u, 0, sizeof(u));
	st = mon_store_status(ctx->jobs != NULL ? mon_async_usage(ctx, &u) :
	    ms_store_usage(ctx->store, &u));
	usage[0] = u.used_bytes;
	usage[1] = u.max_bytes;
	usage[2] = u.nodes;
	usage[3] = u.records;
	audit(w, "status", &none, st, NULL);
	return answered(ms_mon_status_answer_put(resp, st, w->sess.principal,
	    ms_server_version(), usage));
}
