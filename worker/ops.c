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
 * *statusp.  The helpers that only decide a status (parse_status,
 * handle_check, open_client_blob) return a uint32_t MS_ST_* and nothing
 * else.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "errors.h"
#include "log.h"
#include "monwrap.h"
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

/* Why a field could not be read: caps are arguments, the rest structure. */
static uint32_t
parse_status(int r)
{
	switch (r) {
	case MS_ERR_STRING_TOO_LARGE:
	case MS_ERR_STRING_HAS_NUL:
		return MS_ST_INVALID_ARGUMENT;
	default:
		return MS_ST_PROTOCOL_ERROR;
	}
}

static int
at_end(const struct msbuf *req)
{
	return msbuf_len(req) == 0;
}

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
	char *path = NULL;
	size_t len;
	uint32_t id;
	uint8_t access;
	int r;

	if ((r = msbuf_get_cstring(req, &path, &len, MS_PATH_MAX)) != 0 ||
	    (r = msbuf_get_u8(req, &access)) != 0) {
		*statusp = parse_status(r);
		r = 0;
		goto out;
	}
	if (!at_end(req))
		*statusp = MS_ST_PROTOCOL_ERROR;
	else if (!access_valid(access) || ms_path_valid(path, len) != 0)
		*statusp = MS_ST_INVALID_ARGUMENT;
	else if (w->nhandles >= MS_HANDLES_MAX)
		*statusp = MS_ST_LIMIT_REACHED;
	else if ((r = mw_open(w->mon_fd, path, access, statusp)) != 0)
		goto out;
	/*
	 * A READ open the monitor refused still gets a handle: every
	 * operation on it goes to the monitor, which refuses it again and
	 * audits it as what it is (op=get with its record), instead of the
	 * log showing only the OPEN.  The monitor answers ACCESS_DENIED for a
	 * principal without rights whether or not the path exists, so the
	 * handle reveals nothing (PROTOCOL.md 8).
	 */
	if (r == 0 && *statusp == MS_ST_ACCESS_DENIED &&
	    access == MS_ACCESS_READ) {
		debug2_f("open of %s refused; handle kept so each operation "
		    "is refused and audited", path);
		*statusp = MS_ST_OK;
	}
	if (*statusp == MS_ST_OK) {
		if (w_handle_add(w, path, access, &id) != 0)
			*statusp = MS_ST_INTERNAL_ERROR;
		else if (msbuf_put_u32(res, id) != 0)
			*statusp = MS_ST_INTERNAL_ERROR;
		else
			debug2_f("handle %u = %s (access %u)", id, path,
			    access);
	}
 out:
	free(path);
	return r;
}

/* The GET result; a SECURE value leaves here only as a blob. */
static int
get_result(struct worker *w, const struct w_handle *h, uint32_t id,
    const char *record, const struct mw_value *v, struct msbuf *res)
{
	struct msbuf *blob = NULL;
	int r;

	if ((r = msbuf_put_u8(res, v->flags)) != 0 ||
	    (r = msbuf_put_u64(res, v->version)) != 0 ||
	    (r = msbuf_put_u64(res, v->mtime)) != 0)
		return r;
	if ((v->flags & MS_REC_SECURE) == 0)
		return msbuf_put_string(res, v->value, v->len);
	if ((blob = msbuf_new(MS_VALUE_MAX + W_BLOB_OVERHEAD)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = ms_blob_seal(&w->blob_tx, h->path, record, id, v->value,
	    v->len, blob)) == 0)
		r = msbuf_put_stringb(res, blob);
	msbuf_free(blob);
	return r;
}

static int
op_get(struct worker *w, struct msbuf *req, struct msbuf *res,
    uint32_t *statusp)
{
	const struct w_handle *h;
	struct mw_value v;
	char *record = NULL;
	size_t len;
	uint32_t id;
	int r;

	memset(&v, 0, sizeof(v));
	if ((r = msbuf_get_u32(req, &id)) != 0 ||
	    (r = msbuf_get_cstring(req, &record, &len,
	    MS_RECORD_NAME_MAX)) != 0) {
		*statusp = parse_status(r);
		r = 0;
		goto out;
	}
	if (!at_end(req))
		*statusp = MS_ST_PROTOCOL_ERROR;
	else if (ms_record_name_valid(record, len) != 0)
		*statusp = MS_ST_INVALID_ARGUMENT;
	else if ((*statusp = handle_check(w, id, 0, &h)) != MS_ST_OK)
		;
	else if ((r = mw_get(w->mon_fd, h->path, record, statusp, &v)) != 0)
		goto out;
	else if (*statusp == MS_ST_OK &&
	    get_result(w, h, id, record, &v, res) != 0) {
		error_f("cannot build GET result for %s", h->path);
		msbuf_reset(res);
		*statusp = MS_ST_INTERNAL_ERROR;
	}
 out:
	mw_value_clear(&v);
	free(record);
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
	const u_char *val = NULL;
	struct msbuf *pt = NULL;
	char *record = NULL;
	size_t len, vlen = 0, cap;
	uint64_t version, blob_seq = 0;
	uint32_t id;
	uint8_t flags;
	int r, blob = 0;

	if ((r = msbuf_get_u32(req, &id)) != 0 ||
	    (r = msbuf_get_cstring(req, &record, &len,
	    MS_RECORD_NAME_MAX)) != 0 ||
	    (r = msbuf_get_u8(req, &flags)) != 0) {
		*statusp = parse_status(r);
		r = 0;
		goto out;
	}
	if ((flags & MS_REC_SECURE) != 0) {
		blob = 1;
		blob_seq = w->blob_rx.seq;
	}
	cap = w->conf.max_value_size + (blob ? W_BLOB_OVERHEAD : 0);
	if ((r = msbuf_get_string_direct(req, &val, &vlen, cap)) != 0) {
		*statusp = parse_status(r);
		r = 0;
		goto out;
	}
	if (!at_end(req))
		*statusp = MS_ST_PROTOCOL_ERROR;
	else if ((flags & ~MS_REC_FLAGS_MASK) != 0 ||
	    ms_record_name_valid(record, len) != 0)
		*statusp = MS_ST_INVALID_ARGUMENT;
	else if ((*statusp = handle_check(w, id, MS_ACCESS_WRITE,
	    &h)) != MS_ST_OK)
		;
	else if (blob && ((pt = msbuf_new(MS_VALUE_MAX)) == NULL ||
	    (*statusp = open_client_blob(w, h, id, record, val, vlen,
	    pt)) != MS_ST_OK)) {
		if (pt == NULL)
			*statusp = MS_ST_INTERNAL_ERROR;
	} else {
		if (blob) {
			val = msbuf_ptr(pt);
			vlen = msbuf_len(pt);
		}
		if ((r = mw_set(w->mon_fd, h->path, record, flags, val, vlen,
		    statusp, &version)) != 0)
			goto out;
		if (*statusp == MS_ST_OK && msbuf_put_u64(res, version) != 0)
			*statusp = MS_ST_INTERNAL_ERROR;
	}
 out:
	if (blob)
		w->blob_rx.seq = blob_seq + 1;
	msbuf_free(pt);		/* wipes the plaintext */
	free(record);
	return r;
}

static int
op_delete(struct worker *w, struct msbuf *req, struct msbuf *res,
    uint32_t *statusp)
{
	const struct w_handle *h;
	char *record = NULL;
	size_t len;
	uint32_t id;
	int r;

	if ((r = msbuf_get_u32(req, &id)) != 0 ||
	    (r = msbuf_get_cstring(req, &record, &len,
	    MS_RECORD_NAME_MAX)) != 0) {
		*statusp = parse_status(r);
		r = 0;
		goto out;
	}
	/* An empty record name deletes the node itself. */
	if (!at_end(req))
		*statusp = MS_ST_PROTOCOL_ERROR;
	else if (len != 0 && ms_record_name_valid(record, len) != 0)
		*statusp = MS_ST_INVALID_ARGUMENT;
	else if ((*statusp = handle_check(w, id, MS_ACCESS_WRITE,
	    &h)) != MS_ST_OK)
		;
	else if (len == 0 && ms_path_is_root(h->path))
		*statusp = MS_ST_INVALID_ARGUMENT;
	else
		r = mw_delete(w->mon_fd, h->path, record, statusp);
 out:
	free(record);
	return r;
}

/* LIST and GETACL: a handle in, a monitor-built result out. */
static int
op_query(struct worker *w, struct msbuf *req, struct msbuf *res,
    uint32_t *statusp, int (*call)(int, const char *, uint32_t *,
    struct msbuf *))
{
	const struct w_handle *h;
	uint32_t id;
	int r;

	if ((r = msbuf_get_u32(req, &id)) != 0) {
		*statusp = parse_status(r);
		return 0;
	}
	if (!at_end(req)) {
		*statusp = MS_ST_PROTOCOL_ERROR;
		return 0;
	}
	if ((*statusp = handle_check(w, id, 0, &h)) != MS_ST_OK)
		return 0;
	return call(w->mon_fd, h->path, statusp, res);
}

/* LIST: u32 handle [, u8 list_flags] (PROTOCOL.md 8). */
static int
op_list(struct worker *w, struct msbuf *req, struct msbuf *res,
    uint32_t *statusp)
{
	const struct w_handle *h;
	uint32_t id;
	uint8_t lflags = 0;
	int r;

	if ((r = msbuf_get_u32(req, &id)) != 0 ||
	    (!at_end(req) && (r = msbuf_get_u8(req, &lflags)) != 0)) {
		*statusp = parse_status(r);
		return 0;
	}
	if (!at_end(req)) {
		*statusp = MS_ST_PROTOCOL_ERROR;
		return 0;
	}
	if ((lflags & ~MS_LIST_FLAGS_MASK) != 0) {
		*statusp = MS_ST_INVALID_ARGUMENT;
		return 0;
	}
	if ((*statusp = handle_check(w, id, 0, &h)) != MS_ST_OK)
		return 0;
	return mw_list(w->mon_fd, h->path, lflags, statusp, res);
}

static int
op_getacl(struct worker *w, struct msbuf *req, struct msbuf *res,
    uint32_t *statusp)
{
	return op_query(w, req, res, statusp, mw_getacl);
}

/*
 * The rest of a SETACL request: n entries, syntax checked here and
 * re-encoded for the monitor, then the end of the request.  *statusp
 * says what the client gets; the return value is only for local failure.
 */
static int
get_acl_entries(struct msbuf *req, uint32_t n, struct msbuf *ents,
    uint32_t *statusp)
{
	char *who = NULL, *rights = NULL;
	size_t wlen, rlen;
	uint32_t i;
	int r, bad = 0;

	for (i = 0; i < n; i++) {
		if ((r = msbuf_get_cstring(req, &who, &wlen,
		    MS_ACL_WHO_MAX)) != 0 ||
		    (r = msbuf_get_cstring(req, &rights, &rlen,
		    MS_RIGHTS_MAX)) != 0) {
			free(who);
			*statusp = parse_status(r);
			return 0;	/* parsing stopped here */
		}
		/* names.c, as the monitor will; "" rights removes the entry. */
		if (ms_acl_who_valid(who) != 0 ||
		    ms_rights_parse(rights, NULL) != 0)
			bad = 1;
		r = msbuf_put_string(ents, who, wlen);
		if (r == 0)
			r = msbuf_put_string(ents, rights, rlen);
		free(who);
		free(rights);
		who = rights = NULL;
		if (r != 0)
			return r;
	}
	if (!at_end(req))
		*statusp = MS_ST_PROTOCOL_ERROR;
	else
		*statusp = bad ? MS_ST_INVALID_ARGUMENT : MS_ST_OK;
	return 0;
}

static int
op_setacl(struct worker *w, struct msbuf *req, struct msbuf *res,
    uint32_t *statusp)
{
	const struct w_handle *h;
	struct msbuf *ents = NULL;
	uint32_t id, n;
	uint8_t inherit, sensitive;
	int r;

	if ((r = msbuf_get_u32(req, &id)) != 0 ||
	    (r = msbuf_get_u8(req, &inherit)) != 0 ||
	    (r = msbuf_get_u8(req, &sensitive)) != 0 ||
	    (r = msbuf_get_u32(req, &n)) != 0) {
		*statusp = parse_status(r);
		return 0;
	}
	if (n > MS_ACL_ENTRIES_MAX) {
		*statusp = MS_ST_INVALID_ARGUMENT;
		return 0;
	}
	if ((ents = msbuf_new(MS_ACL_ENTRIES_MAX *
	    (8 + MS_ACL_WHO_MAX + MS_RIGHTS_MAX))) == NULL)
		return MS_ERR_ALLOC;
	if ((r = get_acl_entries(req, n, ents, statusp)) != 0 ||
	    *statusp != MS_ST_OK)
		goto out;
	if (inherit > MS_SETACL_UNCHANGED ||
	    sensitive > MS_SENSITIVE_UNCHANGED)
		*statusp = MS_ST_INVALID_ARGUMENT;
	else if ((*statusp = handle_check(w, id, SETACL_HANDLE_ACCESS,
	    &h)) != MS_ST_OK)
		;
	else
		r = mw_setacl(w->mon_fd, h->path, inherit, sensitive, n, ents,
		    statusp);
 out:
	msbuf_free(ents);
	return r;
}

static int
op_close(struct worker *w, struct msbuf *req, struct msbuf *res,
    uint32_t *statusp)
{
	uint32_t id;
	int r;

	if ((r = msbuf_get_u32(req, &id)) != 0)
		*statusp = parse_status(r);
	else if (!at_end(req))
		*statusp = MS_ST_PROTOCOL_ERROR;
	else if (w_handle_del(w, id) != 0)
		*statusp = MS_ST_BAD_HANDLE;
	else
		*statusp = MS_ST_OK;
	return 0;
}

static int
op_status(struct worker *w, struct msbuf *req, struct msbuf *res,
    uint32_t *statusp)
{
	char *principal = NULL, *version = NULL;
	uint64_t usage[4] = { 0, 0, 0, 0 };
	uint8_t detail = MS_STATUS_BASIC;
	size_t i;
	int r;

	/* Optional u8 detail; anything else is a protocol error. */
	if (!at_end(req) && (msbuf_get_u8(req, &detail) != 0 ||
	    detail > MS_STATUS_USAGE || !at_end(req))) {
		*statusp = MS_ST_PROTOCOL_ERROR;
		return 0;
	}
	if ((r = mw_status(w->mon_fd, statusp, &principal, &version,
	    usage)) != 0)
		return r;
	if (*statusp == MS_ST_OK &&
	    (msbuf_put_cstring(res, version) != 0 ||
	    msbuf_put_cstring(res, principal) != 0 ||
	    msbuf_put_u32(res, (uint32_t)w->nhandles) != 0 ||
	    msbuf_put_u16(res, w->cipher) != 0)) {
		msbuf_reset(res);
		*statusp = MS_ST_INTERNAL_ERROR;
	}
	for (i = 0; *statusp == MS_ST_OK && detail == MS_STATUS_USAGE &&
	    i < 4; i++) {
		if (msbuf_put_u64(res, usage[i]) != 0) {
			msbuf_reset(res);
			*statusp = MS_ST_INTERNAL_ERROR;
		}
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
	if (msbuf_get_u32(req, &request_id) != 0) {
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
	if (msbuf_put_u32(resp, request_id) != 0 ||
	    msbuf_put_u32(resp, status) != 0 ||
	    (status == MS_ST_OK && res != NULL && msbuf_putb(resp, res) != 0)) {
		/* Cannot happen: RESULT_MAX leaves room for the header. */
		msbuf_reset(resp);
		(void)msbuf_put_u32(resp, request_id);
		(void)msbuf_put_u32(resp, MS_ST_INTERNAL_ERROR);
	}
	msbuf_free(res);
	return action;
}
