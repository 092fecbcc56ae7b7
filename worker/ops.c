/*
 * ops.c — the operations of PROTOCOL.md 8: parse a request, check what the
 * worker can check (syntax, caps, handle, handle access), ask the monitor
 * (which re-checks the ACL, I4) and build the response.
 *
 * Every request gets exactly one response: request_id, status and, only
 * when the status is OK, the result fields.  A structural error (short
 * field, trailing bytes, unknown type) is PROTOCOL_ERROR and the connection
 * is closed after the response; a field above its cap or with a bad value
 * is INVALID_ARGUMENT and the connection goes on.
 *
 * SECURE values cross the monitor socketpair in clear and the network only
 * as crypto blobs (9): GET seals under s_blob, SET opens under c_blob.
 *
 * Errors (worker/README.md "Errors"): an op_* function, like the mw_*
 * call it makes, returns 0 or a negative MS_ERR_* that means the worker
 * cannot go on (monitor failure), and puts the client's MS_ST_* status in
 * *statusp.  The helpers that only decide a status (handle_check,
 * open_client_blob, and msg_ops.h's ms_op_parse_status for a request that
 * does not parse) return a uint32_t MS_ST_* and nothing else.
 *
 * Requests are parsed whole by msg_ops.c, trailing bytes included, before
 * anything is checked here or asked of the monitor.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "errors.h"
#include "log.h"
#include "monwrap.h"
#include "msg_ops.h"
#include "names.h"
#include "path.h"
#include "proto.h"
#include "record.h"
#include "worker.h"

/*
 * PROTOCOL.md 8: a READ-only handle cannot SET or DELETE; SETACL needs
 * any handle, because the ACL right 'a' alone (checked by the monitor)
 * must be enough to administer a node.
 */
#define SETACL_HANDLE_ACCESS	0

/* A result never exceeds one response: request_id and status come first. */
#define RESULT_MAX	(W_RESPONSE_MAX - 4 - 4)

static int
access_valid(uint8_t access)
{
	return access != 0 &&
	    (access & ~(MS_ACCESS_READ | MS_ACCESS_WRITE)) == 0;
}

/* Handle lookup plus the access the operation needs from the handle. */
static uint32_t
handle_check(const struct worker *w, uint32_t id, uint8_t need,
    const struct w_handle **hp)
{
	const struct w_handle *h;

	*hp = NULL;
	if ((h = w_handle_find(w, id)) == NULL)
		return MS_ST_BAD_HANDLE;
	if ((h->access & need) != need)
		return MS_ST_ACCESS_DENIED;
	*hp = h;
	return MS_ST_OK;
}

static int
op_open(struct worker *w, struct msbuf *req, struct msbuf *res,
    uint32_t *statusp)
{
	struct ms_open_req q;
	const char *path = q.path;
	uint32_t id;
	int r = 0;

	if ((*statusp = ms_op_parse_status(ms_open_req_parse(req,
	    &q))) != MS_ST_OK)
		return 0;
	if (!access_valid(q.access) || ms_path_valid(path, q.pathlen) != 0)
		*statusp = MS_ST_INVALID_ARGUMENT;
	else if (w->nhandles >= MS_HANDLES_MAX)
		*statusp = MS_ST_LIMIT_REACHED;
	else if ((r = mw_open(w->mon_fd, path, q.access, statusp)) != 0)
		return r;
	/*
	 * A READ open the monitor refused still gets a handle: every
	 * operation on it goes to the monitor, which refuses it again and
	 * audits it as what it is (op=get with its record), instead of the
	 * log showing only the OPEN.  The monitor answers ACCESS_DENIED for a
	 * principal without rights whether or not the path exists, so the
	 * handle reveals nothing (PROTOCOL.md 8).
	 */
	if (*statusp == MS_ST_ACCESS_DENIED && q.access == MS_ACCESS_READ) {
		debug2_f("open of %s refused; handle kept so each operation "
		    "is refused and audited", path);
		*statusp = MS_ST_OK;
	}
	if (*statusp == MS_ST_OK) {
		if (w_handle_add(w, path, q.access, &id) != 0)
			*statusp = MS_ST_INTERNAL_ERROR;
		else if (ms_open_res_put(res, id) != 0)
			*statusp = MS_ST_INTERNAL_ERROR;
		else
			debug2_f("handle %u = %s (access %u)", id, path,
			    q.access);
	}
	return 0;
}

/* The GET result; a SECURE value leaves here only as a blob. */
static int
get_result(struct worker *w, const struct w_handle *h, uint32_t id,
    const char *record, const struct mw_value *v, struct msbuf *res)
{
	struct ms_get_res g = { v->flags, v->version, v->mtime, v->value,
	    v->len };
	struct msbuf *blob = NULL;
	int r;

	if ((v->flags & MS_REC_SECURE) == 0)
		return ms_get_res_put(res, &g);
	if ((blob = msbuf_new(MS_VALUE_MAX + MS_BLOB_OVERHEAD)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = ms_blob_seal(&w->blob_tx, h->path, record, id, v->value,
	    v->len, blob)) == 0) {
		g.value = msbuf_ptr(blob);
		g.valuelen = msbuf_len(blob);
		r = ms_get_res_put(res, &g);
	}
	msbuf_free(blob);
	return r;
}

static int
op_get(struct worker *w, struct msbuf *req, struct msbuf *res,
    uint32_t *statusp)
{
	const struct w_handle *h;
	struct ms_record_req q;
	struct mw_value v;
	int r = 0;

	memset(&v, 0, sizeof(v));
	if ((*statusp = ms_op_parse_status(ms_record_req_parse(req,
	    &q))) != MS_ST_OK)
		return 0;
	if (ms_record_name_valid(q.record, q.recordlen) != 0)
		*statusp = MS_ST_INVALID_ARGUMENT;
	else if ((*statusp = handle_check(w, q.handle, 0, &h)) != MS_ST_OK)
		;
	else if ((r = mw_get(w->mon_fd, h->path, q.record, statusp,
	    &v)) != 0)
		;
	else if (*statusp == MS_ST_OK &&
	    get_result(w, h, q.handle, q.record, &v, res) != 0) {
		error_f("cannot build GET result for %s", h->path);
		msbuf_reset(res);
		*statusp = MS_ST_INTERNAL_ERROR;
	}
	mw_value_clear(&v);
	return r;
}

/*
 * Open the client's blob.  Whatever happens, the blob counted: the client
 * numbers every blob it sends, so one bad blob must not shift the next.
 */
static uint32_t
open_client_blob(struct worker *w, const struct w_handle *h, uint32_t id,
    const char *record, const u_char *blob, size_t bloblen,
    struct msbuf *value)
{
	int r;

	if ((r = ms_blob_open(&w->blob_rx, h->path, record, id, blob, bloblen,
	    value)) != 0) {
		verbose_fr(r, "refused blob for %s record %s", h->path,
		    record);
		return MS_ST_INVALID_ARGUMENT;
	}
	if (msbuf_len(value) > w->conf.max_value_size)
		return MS_ST_INVALID_ARGUMENT;
	return MS_ST_OK;
}

static int
op_set(struct worker *w, struct msbuf *req, struct msbuf *res,
    uint32_t *statusp)
{
	const struct w_handle *h;
	struct ms_set_req q;
	const u_char *val;
	struct msbuf *pt = NULL;
	size_t vlen;
	uint64_t version, blob_seq = w->blob_rx.seq;
	int r = 0, blob;

	*statusp = ms_op_parse_status(ms_set_req_parse(req,
	    w->conf.max_value_size, &q));
	/* Once its flags were read, a SECURE SET counts, parsed or not. */
	blob = (q.flags & MS_REC_SECURE) != 0;
	val = q.value;
	vlen = q.valuelen;
	if (*statusp != MS_ST_OK)
		;
	else if ((q.flags & ~MS_REC_FLAGS_MASK) != 0 ||
	    ms_record_name_valid(q.record, q.recordlen) != 0)
		*statusp = MS_ST_INVALID_ARGUMENT;
	else if ((*statusp = handle_check(w, q.handle, MS_ACCESS_WRITE,
	    &h)) != MS_ST_OK)
		;
	else if (blob && ((pt = msbuf_new(MS_VALUE_MAX)) == NULL ||
	    (*statusp = open_client_blob(w, h, q.handle, q.record, val, vlen,
	    pt)) != MS_ST_OK)) {
		if (pt == NULL)
			*statusp = MS_ST_INTERNAL_ERROR;
	} else {
		if (blob) {
			val = msbuf_ptr(pt);
			vlen = msbuf_len(pt);
		}
		if ((r = mw_set(w->mon_fd, h->path, q.record, q.flags, val,
		    vlen, statusp, &version)) == 0 && *statusp == MS_ST_OK &&
		    ms_set_res_put(res, version) != 0)
			*statusp = MS_ST_INTERNAL_ERROR;
	}
	if (blob)
		w->blob_rx.seq = blob_seq + 1;
	msbuf_free(pt);		/* wipes the plaintext */
	return r;
}

static int
op_delete(struct worker *w, struct msbuf *req, struct msbuf *res,
    uint32_t *statusp)
{
	const struct w_handle *h;
	struct ms_record_req q;

	if ((*statusp = ms_op_parse_status(ms_record_req_parse(req,
	    &q))) != MS_ST_OK)
		return 0;
	/* An empty record name deletes the node itself. */
	if (q.recordlen != 0 &&
	    ms_record_name_valid(q.record, q.recordlen) != 0)
		*statusp = MS_ST_INVALID_ARGUMENT;
	else if ((*statusp = handle_check(w, q.handle, MS_ACCESS_WRITE,
	    &h)) != MS_ST_OK)
		;
	else if (q.recordlen == 0 && ms_path_is_root(h->path))
		*statusp = MS_ST_INVALID_ARGUMENT;
	else
		return mw_delete(w->mon_fd, h->path, q.record, statusp);
	return 0;
}

/* LIST: u32 handle [, u8 list_flags]; a monitor-built result out. */
static int
op_list(struct worker *w, struct msbuf *req, struct msbuf *res,
    uint32_t *statusp)
{
	const struct w_handle *h;
	struct ms_list_req q;

	if ((*statusp = ms_op_parse_status(ms_list_req_parse(req,
	    &q))) != MS_ST_OK)
		return 0;
	if ((q.list_flags & ~MS_LIST_FLAGS_MASK) != 0) {
		*statusp = MS_ST_INVALID_ARGUMENT;
		return 0;
	}
	if ((*statusp = handle_check(w, q.handle, 0, &h)) != MS_ST_OK)
		return 0;
	return mw_list(w->mon_fd, h->path, q.list_flags, &q.cursor, statusp,
	    res);
}

static int
op_getacl(struct worker *w, struct msbuf *req, struct msbuf *res,
    uint32_t *statusp)
{
	const struct w_handle *h;
	uint32_t id;

	if ((*statusp = ms_op_parse_status(ms_handle_req_parse(req,
	    &id))) != MS_ST_OK)
		return 0;
	if ((*statusp = handle_check(w, id, 0, &h)) != MS_ST_OK)
		return 0;
	return mw_getacl(w->mon_fd, h->path, statusp, res);
}

/*
 * The entries, syntax checked here as the monitor will (names.c; ""
 * rights removes the entry) and re-encoded for it.  *statusp says what
 * the client gets; the return value is only for local failure.
 */
static int
acl_changes(const struct ms_setacl_req *q, struct msbuf *ents,
    uint32_t *statusp)
{
	uint32_t i;
	int r;

	*statusp = MS_ST_OK;
	for (i = 0; i < q->n; i++) {
		if (ms_acl_who_valid(q->changes[i].who) != 0 ||
		    ms_rights_parse(q->changes[i].rights, NULL) != 0)
			*statusp = MS_ST_INVALID_ARGUMENT;
		if ((r = ms_acl_change_put(ents, q->changes[i].who,
		    q->changes[i].rights)) != 0)
			return r;
	}
	return 0;
}

static int
op_setacl(struct worker *w, struct msbuf *req, struct msbuf *res,
    uint32_t *statusp)
{
	const struct w_handle *h;
	struct ms_setacl_req *q;
	struct msbuf *ents = NULL;
	int r = 0;

	if ((q = malloc(sizeof(*q))) == NULL)
		return MS_ERR_ALLOC;
	if ((*statusp = ms_op_parse_status(ms_setacl_req_parse(req,
	    q))) != MS_ST_OK)
		goto out;
	if ((ents = msbuf_new(MS_ACL_ENTRIES_MAX *
	    (8 + MS_ACL_WHO_MAX + MS_RIGHTS_MAX))) == NULL) {
		r = MS_ERR_ALLOC;
		goto out;
	}
	if ((r = acl_changes(q, ents, statusp)) != 0 || *statusp != MS_ST_OK)
		goto out;
	if (q->inherit > MS_SETACL_UNCHANGED ||
	    q->sensitive > MS_SENSITIVE_UNCHANGED)
		*statusp = MS_ST_INVALID_ARGUMENT;
	else if ((*statusp = handle_check(w, q->handle, SETACL_HANDLE_ACCESS,
	    &h)) != MS_ST_OK)
		;
	else
		r = mw_setacl(w->mon_fd, h->path, q->inherit, q->sensitive,
		    q->n, ents, statusp);
 out:
	msbuf_free(ents);
	free(q);
	return r;
}

static int
op_close(struct worker *w, struct msbuf *req, struct msbuf *res,
    uint32_t *statusp)
{
	uint32_t id;

	if ((*statusp = ms_op_parse_status(ms_handle_req_parse(req,
	    &id))) != MS_ST_OK)
		return 0;
	if (w_handle_del(w, id) != 0)
		*statusp = MS_ST_BAD_HANDLE;
	return 0;
}

static int
op_status(struct worker *w, struct msbuf *req, struct msbuf *res,
    uint32_t *statusp)
{
	char *principal = NULL, *version = NULL;
	uint64_t usage[4] = { 0, 0, 0, 0 };
	uint8_t detail;
	int r;

	/* A detail other than 0 or 1, or a byte after it: PROTOCOL_ERROR. */
	if ((*statusp = ms_op_parse_status(ms_status_req_parse(req,
	    &detail))) != MS_ST_OK)
		return 0;
	if ((r = mw_status(w->mon_fd, statusp, &principal, &version,
	    usage)) != 0)
		return r;
	if (*statusp == MS_ST_OK && ms_status_res_put(res, version, principal,
	    (uint32_t)w->nhandles, w->cipher,
	    detail == MS_STATUS_USAGE ? usage : NULL) != 0) {
		msbuf_reset(res);
		*statusp = MS_ST_INTERNAL_ERROR;
	}
	free(principal);
	free(version);
	return 0;
}

typedef int op_fn(struct worker *, struct msbuf *, struct msbuf *,
    uint32_t *);

static const struct {
	uint8_t		 type;
	const char	*name;
	op_fn		*fn;
} ops[] = {
	{ MS_MSG_OPEN,		"open",		op_open },
	{ MS_MSG_GET,		"get",		op_get },
	{ MS_MSG_SET,		"set",		op_set },
	{ MS_MSG_DELETE,	"delete",	op_delete },
	{ MS_MSG_LIST,		"list",		op_list },
	{ MS_MSG_GETACL,	"getacl",	op_getacl },
	{ MS_MSG_SETACL,	"setacl",	op_setacl },
	{ MS_MSG_CLOSE,		"close",	op_close },
	{ MS_MSG_STATUS,	"status",	op_status },
};

enum w_action
w_request(struct worker *w, uint8_t inner_type, struct msbuf *req,
    struct msbuf *resp)
{
	struct msbuf *res = NULL;
	uint32_t request_id = 0, status = MS_ST_PROTOCOL_ERROR;
	enum w_action action = W_CONTINUE;
	const char *name = "unknown";
	size_t i;
	int r;

	msbuf_reset(resp);
	if ((res = msbuf_new(RESULT_MAX)) == NULL) {
		status = MS_ST_INTERNAL_ERROR;
		action = W_FATAL;
		goto respond;
	}
	if (ms_request_id_parse(req, &request_id) != 0) {
		debug_f("request 0x%02x without a request id", inner_type);
		goto respond;
	}
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (ops[i].type != inner_type)
			continue;
		name = ops[i].name;
		if ((r = ops[i].fn(w, req, res, &status)) != 0) {
			/* The monitor is gone or broken: nothing is safe. */
			error_fr(r, "%s: monitor request failed", name);
			status = MS_ST_INTERNAL_ERROR;
			action = W_FATAL;
		}
		break;
	}
	debug2_f("request %u %s: %s", request_id, name, ms_status_str(status));
 respond:
	if (status == MS_ST_PROTOCOL_ERROR) {
		verbose("protocol error in %s request from %s", name,
		    w_peer(w));
		if (action == W_CONTINUE)
			action = W_CLOSE;
	}
	if (ms_response_put(resp, request_id, status, res) != 0) {
		/* Cannot happen: RESULT_MAX leaves room for the header. */
		msbuf_reset(resp);
		(void)ms_response_put(resp, request_id, MS_ST_INTERNAL_ERROR,
		    NULL);
	}
	msbuf_free(res);
	return action;
}
