/*
 * ops.c — operations after authentication (PROTOCOL.md 8) and the client
 * half of crypto blobs (9).
 *
 * Each request is  u32 request_id || fields  in a record whose inner type
 * names the operation; each answer is a RESPONSE  u32 request_id ||
 * u32 status || result (only when OK).  Everything from the server is
 * parsed strictly: caps before allocation, no trailing bytes, names
 * re-validated so a hostile server cannot put control characters on the
 * user's terminal.
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "errors.h"
#include "log.h"
#include "metasafe.h"
#include "msclient.h"
#include "msg_list.h"
#include "msg_ops.h"
#include "names.h"
#include "path.h"
#include "proto.h"
#include "record.h"

#define REQ_MAX		(MS_RECORD_PLAINTEXT_MAX - 1)

/* --- handle table: the path each handle was opened on (blob AAD) -------- */

int
cl_handle_add(struct metasafe_conn *c, uint32_t id, const char *path)
{
	size_t i;

	if (cl_handle_find(c, id) != NULL)
		return METASAFE_ERR_PROTOCOL;
	for (i = 0; i < MS_HANDLES_MAX; i++) {
		if (c->handles[i].used)
			continue;
		if ((c->handles[i].path = strdup(path)) == NULL)
			return METASAFE_ERR_NOMEM;
		c->handles[i].id = id;
		c->handles[i].used = 1;
		return 0;
	}
	return METASAFE_ERR_PROTOCOL;	/* server exceeded its own limit */
}

struct cl_handle *
cl_handle_find(struct metasafe_conn *c, uint32_t id)
{
	size_t i;

	for (i = 0; i < MS_HANDLES_MAX; i++) {
		if (c->handles[i].used && c->handles[i].id == id)
			return &c->handles[i];
	}
	return NULL;
}

void
cl_handle_del(struct metasafe_conn *c, uint32_t id)
{
	struct cl_handle *h;

	if ((h = cl_handle_find(c, id)) == NULL)
		return;
	free(h->path);
	memset(h, 0, sizeof(*h));
}

/* --- request / response ------------------------------------------------- */

static int
check_ready(struct metasafe_conn *c)
{
	if (c->state == CL_STATE_AUTHED)
		return 0;
	if (c->state == CL_STATE_BROKEN)
		return cl_seterr(c, METASAFE_ERR_BROKEN,
		    "connection is no longer usable");
	return cl_seterr(c, METASAFE_ERR_USAGE,
	    "connection is not authenticated");
}

static int
req_new(struct metasafe_conn *c, struct msbuf **reqp)
{
	if ((*reqp = msbuf_new(REQ_MAX)) == NULL)
		return cl_seterr(c, METASAFE_ERR_NOMEM, "out of memory");
	if (ms_request_id_put(*reqp, c->next_id) != 0) {
		msbuf_free(*reqp);
		*reqp = NULL;
		return cl_seterr(c, METASAFE_ERR_INTERNAL, "request encoding");
	}
	return 0;
}

static int
req_encode_err(struct metasafe_conn *c, int r)
{
	if (r == MS_ERR_NO_BUFFER_SPACE)
		return cl_seterr(c, METASAFE_ERR_INVALID,
		    "request too large");
	return cl_seterr(c, METASAFE_ERR_INTERNAL, "request encoding: %s",
	    ms_err(r));
}

/*
 * Send request 'req' (already holding its request id) as 'type' and wait
 * for its RESPONSE.  On OK, 'res' holds the result fields.  A non-OK status
 * is returned as its error; the connection stays usable except after
 * PROTOCOL_ERROR (the server closes).
 */
static int
transact(struct metasafe_conn *c, uint8_t type, const struct msbuf *req,
    struct msbuf *res)
{
	uint32_t id = c->next_id, rid, status;
	uint8_t itype;
	int r;

	c->next_id++;
	debug2_f("request 0x%02x id %u", type, id);
	if ((r = cl_send_record(c, type, req)) != 0 ||
	    (r = cl_recv_record(c, &itype, res)) != 0)
		return r;
	if (itype != MS_MSG_RESPONSE)
		return cl_fatal(c, METASAFE_ERR_PROTOCOL,
		    "expected RESPONSE, got message 0x%02x", itype);
	if ((r = ms_response_parse(res, &rid, &status)) != 0)
		return cl_fatal(c, METASAFE_ERR_PROTOCOL, "%s",
		    r == MS_ERR_INVALID_FORMAT ?
		    "error RESPONSE carries result fields" : "short RESPONSE");
	if (rid != id)
		return cl_fatal(c, METASAFE_ERR_PROTOCOL,
		    "RESPONSE for request %u, expected %u", rid, id);
	c->last_status = (int)status;
	debug2_f("response id %u status %s", rid, ms_status_str(status));
	if (status == MS_ST_OK)
		return 0;
	if (status == MS_ST_PROTOCOL_ERROR)
		return cl_fatal(c, cl_status_err(status),
		    "server reports a protocol error");
	return cl_seterr(c, cl_status_err(status), "server: %s",
	    metasafe_strerror(cl_status_err(status)));
}

static int
no_trailing(struct metasafe_conn *c, const struct msbuf *res, const char *what)
{
	if (ms_empty_res_parse(res) != 0)
		return cl_fatal(c, METASAFE_ERR_PROTOCOL,
		    "trailing bytes in %s response", what);
	return 0;
}

static int
check_path(struct metasafe_conn *c, const char *path)
{
	if (path == NULL || ms_path_valid(path, strlen(path)) != 0)
		return cl_seterr(c, METASAFE_ERR_INVALID,
		    "invalid path (must be absolute, without empty, \".\" or "
		    "\"..\" segments, at most %d bytes, printable UTF-8)",
		    MS_PATH_MAX);
	return 0;
}

static int
check_record(struct metasafe_conn *c, const char *record)
{
	if (record == NULL || ms_record_name_valid(record, strlen(record)) != 0)
		return cl_seterr(c, METASAFE_ERR_INVALID,
		    "invalid record name (1..%d bytes of printable UTF-8, "
		    "no \"/\")", MS_RECORD_NAME_MAX);
	return 0;
}

static struct cl_handle *
lookup_handle(struct metasafe_conn *c, uint32_t handle)
{
	struct cl_handle *h;

	if ((h = cl_handle_find(c, handle)) == NULL)
		cl_seterr(c, METASAFE_ERR_BAD_HANDLE,
		    "handle %u is not open on this connection", handle);
	return h;
}

/* --- OPEN / CLOSE ------------------------------------------------------- */

int
metasafe_open(struct metasafe_conn *c, const char *path, int access,
    uint32_t *handlep)
{
	struct msbuf *req = NULL, *res = NULL;
	uint32_t h;
	int r;

	if (c == NULL || handlep == NULL)
		return METASAFE_ERR_USAGE;
	cl_clearerr(c);
	*handlep = 0;
	if ((r = check_ready(c)) != 0 || (r = check_path(c, path)) != 0)
		goto out;
	if (access == 0 ||
	    (access & ~(METASAFE_READ | METASAFE_WRITE)) != 0) {
		r = cl_seterr(c, METASAFE_ERR_USAGE, "bad access mode %d",
		    access);
		goto out;
	}
	if ((r = req_new(c, &req)) != 0)
		goto out;
	if ((r = ms_open_req_put(req, path, (uint8_t)access)) != 0) {
		r = req_encode_err(c, r);
		goto out;
	}
	if ((res = msbuf_new(MS_RECORD_PLAINTEXT_MAX)) == NULL) {
		r = METASAFE_ERR_NOMEM;
		goto out;
	}
	if ((r = transact(c, MS_MSG_OPEN, req, res)) != 0)
		goto out;
	if (ms_open_res_parse(res, &h) != 0) {
		r = cl_fatal(c, METASAFE_ERR_PROTOCOL,
		    "malformed OPEN response");
		goto out;
	}
	if ((r = cl_handle_add(c, h, path)) != 0) {
		r = cl_fatal(c, r, "server returned handle %u twice or too "
		    "many handles", h);
		goto out;
	}
	debug_f("opened %s as handle %u", path, h);
	*handlep = h;
 out:
	msbuf_free(req);
	msbuf_free(res);
	return cl_ret(c, r);
}

/*
 * An operation whose request is (u32 handle), or (u32 handle, name record)
 * when record is not NULL; *resp gets the result.
 */
static int
simple_handle_op(struct metasafe_conn *c, uint8_t type, uint32_t handle,
    const char *record, struct msbuf **resp)
{
	struct msbuf *req = NULL, *res = NULL;
	int r;

	*resp = NULL;
	if ((r = req_new(c, &req)) != 0)
		return r;
	if ((r = record != NULL ? ms_record_req_put(req, handle, record) :
	    ms_handle_req_put(req, handle)) != 0) {
		r = req_encode_err(c, r);
		goto out;
	}
	if ((res = msbuf_new(MS_RECORD_PLAINTEXT_MAX)) == NULL) {
		r = cl_seterr(c, METASAFE_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((r = transact(c, type, req, res)) != 0)
		goto out;
	*resp = res;
	res = NULL;
 out:
	msbuf_free(req);
	msbuf_free(res);
	return r;
}

int
metasafe_close_handle(struct metasafe_conn *c, uint32_t handle)
{
	struct msbuf *res = NULL;
	int r;

	if (c == NULL)
		return METASAFE_ERR_USAGE;
	cl_clearerr(c);
	if ((r = check_ready(c)) != 0)
		return cl_ret(c, r);
	if (lookup_handle(c, handle) == NULL)
		return cl_ret(c, METASAFE_ERR_BAD_HANDLE);
	r = simple_handle_op(c, MS_MSG_CLOSE, handle, NULL, &res);
	if (r == 0)
		r = no_trailing(c, res, "CLOSE");
	/* Whatever the answer, the handle is unusable now. */
	if (r == 0 || r == METASAFE_ERR_BAD_HANDLE)
		cl_handle_del(c, handle);
	msbuf_free(res);
	return cl_ret(c, r);
}

/* --- GET / SET / DELETE ------------------------------------------------- */

void
metasafe_value_free(struct metasafe_value *v)
{
	if (v == NULL)
		return;
	if (v->data != NULL)
		freezero(v->data, v->len + 1);
	freezero(v, sizeof(*v));
}

/* The GET result: u8 flags, u64 version, u64 mtime, string value. */
int
cl_get_parse(struct metasafe_conn *c, uint32_t handle, const char *path,
    const char *record, struct msbuf *res, struct metasafe_value **vp)
{
	struct metasafe_value *v = NULL;
	struct msbuf *plain = NULL;
	struct ms_get_res g;
	const u_char *val;
	size_t vlen;
	int r;

	*vp = NULL;
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return cl_seterr(c, METASAFE_ERR_NOMEM, "out of memory");
	if (ms_get_res_parse(res, &g) != 0) {
		r = cl_fatal(c, METASAFE_ERR_PROTOCOL, "malformed GET response");
		goto out;
	}
	v->flags = g.flags;
	v->version = g.version;
	v->mtime = g.mtime;
	val = g.value;
	vlen = g.valuelen;
	if (v->flags & MS_REC_SECURE) {
		if ((plain = msbuf_new(MS_VALUE_MAX + 1)) == NULL) {
			r = cl_seterr(c, METASAFE_ERR_NOMEM, "out of memory");
			goto out;
		}
		/* A blob that fails is never shown, and the stream is suspect. */
		if ((r = ms_blob_open(&c->brx, path, record, handle, val, vlen,
		    plain)) != 0) {
			r = cl_fatal(c, METASAFE_ERR_BLOB, "SECURE value for "
			    "%s %s failed verification: %s", path, record,
			    ms_err(r));
			goto out;
		}
		val = msbuf_ptr(plain);
		vlen = msbuf_len(plain);
	}
	if ((v->data = malloc(vlen + 1)) == NULL) {
		r = cl_seterr(c, METASAFE_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (vlen > 0)
		memcpy(v->data, val, vlen);
	v->data[vlen] = '\0';
	v->len = vlen;
	*vp = v;
	v = NULL;
	r = 0;
 out:
	msbuf_free(plain);
	metasafe_value_free(v);
	return r;
}

int
metasafe_get(struct metasafe_conn *c, uint32_t handle, const char *record,
    struct metasafe_value **vp)
{
	struct msbuf *res = NULL;
	struct cl_handle *h;
	char *path = NULL;
	int r;

	if (c == NULL || vp == NULL)
		return METASAFE_ERR_USAGE;
	cl_clearerr(c);
	*vp = NULL;
	if ((r = check_ready(c)) != 0 || (r = check_record(c, record)) != 0)
		return cl_ret(c, r);
	if ((h = lookup_handle(c, handle)) == NULL)
		return cl_ret(c, METASAFE_ERR_BAD_HANDLE);
	if ((path = strdup(h->path)) == NULL)
		return cl_ret(c, METASAFE_ERR_NOMEM);
	if ((r = simple_handle_op(c, MS_MSG_GET, handle, record, &res)) == 0)
		r = cl_get_parse(c, handle, path, record, res, vp);
	msbuf_free(res);	/* wipes a plain value's copy */
	free(path);
	return cl_ret(c, r);
}

int
metasafe_set(struct metasafe_conn *c, uint32_t handle, const char *record,
    uint8_t flags, const void *value, size_t len, uint64_t *versionp)
{
	struct msbuf *req = NULL, *res = NULL, *blob = NULL;
	struct cl_handle *h;
	uint64_t version;
	int r;

	if (c == NULL || (value == NULL && len != 0))
		return METASAFE_ERR_USAGE;
	cl_clearerr(c);
	if (versionp != NULL)
		*versionp = 0;
	if ((r = check_ready(c)) != 0 || (r = check_record(c, record)) != 0)
		goto out;
	if ((flags & ~MS_REC_FLAGS_MASK) != 0) {
		r = cl_seterr(c, METASAFE_ERR_USAGE, "bad record flags 0x%x",
		    flags);
		goto out;
	}
	if (len > MS_VALUE_MAX) {
		r = cl_seterr(c, METASAFE_ERR_INVALID, "value is %zu bytes; "
		    "the maximum is %u", len, (unsigned)MS_VALUE_MAX);
		goto out;
	}
	if ((h = lookup_handle(c, handle)) == NULL) {
		r = METASAFE_ERR_BAD_HANDLE;
		goto out;
	}
	if ((r = req_new(c, &req)) != 0)
		goto out;
	if (flags & MS_REC_SECURE) {
		if ((blob = msbuf_new(MS_VALUE_MAX + MS_BLOB_OVERHEAD)) == NULL) {
			r = cl_seterr(c, METASAFE_ERR_NOMEM, "out of memory");
			goto out;
		}
		if ((r = ms_blob_seal(&c->btx, h->path, record, handle, value,
		    len, blob)) != 0) {
			r = cl_fatal(c, r == MS_ERR_LIMIT ? METASAFE_ERR_LIMIT :
			    METASAFE_ERR_INTERNAL, "cannot seal value: %s",
			    ms_err(r));
			goto out;
		}
		value = msbuf_ptr(blob);
		len = msbuf_len(blob);
	}
	if ((r = ms_set_req_put(req, handle, record, flags, value,
	    len)) != 0) {
		r = req_encode_err(c, r);
		goto out;
	}
	if ((res = msbuf_new(MS_RECORD_PLAINTEXT_MAX)) == NULL) {
		r = cl_seterr(c, METASAFE_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((r = transact(c, MS_MSG_SET, req, res)) != 0)
		goto out;
	if (ms_set_res_parse(res, &version) != 0) {
		r = cl_fatal(c, METASAFE_ERR_PROTOCOL, "malformed SET response");
		goto out;
	}
	if (versionp != NULL)
		*versionp = version;
 out:
	msbuf_free(req);
	msbuf_free(res);
	msbuf_free(blob);
	return cl_ret(c, r);
}

int
metasafe_delete(struct metasafe_conn *c, uint32_t handle, const char *record)
{
	struct msbuf *res = NULL;
	int r;

	if (c == NULL)
		return METASAFE_ERR_USAGE;
	cl_clearerr(c);
	if (record == NULL)
		record = "";
	if ((r = check_ready(c)) != 0 ||
	    (*record != '\0' && (r = check_record(c, record)) != 0))
		return cl_ret(c, r);
	if (lookup_handle(c, handle) == NULL)
		return cl_ret(c, METASAFE_ERR_BAD_HANDLE);
	if ((r = simple_handle_op(c, MS_MSG_DELETE, handle, record, &res)) == 0)
		r = no_trailing(c, res, "DELETE");
	msbuf_free(res);
	return cl_ret(c, r);
}

/* --- LIST --------------------------------------------------------------- */

void
metasafe_free_list(struct metasafe_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n_children; i++)
		free(l->children[i]);
	for (i = 0; i < l->n_records; i++)
		free(l->records[i].name);
	free(l->children);
	free(l->records);
	free(l);
}

void
metasafe_free_list_long(struct metasafe_list_long *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n_children; i++)
		free(l->children[i]);
	for (i = 0; i < l->n_records; i++)
		free(l->records[i].name);
	free(l->children);
	free(l->records);
	free(l);
}

/*
 * LIST with or without the LIST_LONG flag: the same message but for each
 * record's u64 version and u64 mtime after its flags.  Both forms parse
 * here (msg_list.c checks the names); the short one leaves version and
 * mtime 0.
 */
static int
list_parse_page(struct msbuf *res, int long_form, int *morep,
    struct metasafe_list_long **lp)
{
	struct ms_list_result m;
	struct metasafe_list_long *l;
	struct metasafe_list_entry *e;
	size_t i;
	int r;

	*lp = NULL;
	if ((r = morep != NULL ? ms_list_page_parse(res, long_form, &m, morep) :
	    ms_list_result_parse(res, long_form, &m)) != 0)
		return r == MS_ERR_ALLOC ? METASAFE_ERR_NOMEM :
		    METASAFE_ERR_PROTOCOL;
	if ((l = calloc(1, sizeof(*l))) == NULL ||
	    (m.nchildren > 0 &&
	    (l->children = calloc(m.nchildren, sizeof(char *))) == NULL) ||
	    (m.nrecords > 0 &&
	    (l->records = calloc(m.nrecords, sizeof(*l->records))) == NULL))
		goto nomem;
	for (; l->n_children < m.nchildren; l->n_children++) {
		if ((l->children[l->n_children] = strndup(
		    m.children[l->n_children].name,
		    m.children[l->n_children].len)) == NULL)
			goto nomem;
	}
	for (i = 0; i < m.nrecords; i++, l->n_records++) {
		e = &l->records[i];
		if ((e->name = strndup(m.records[i].name,
		    m.records[i].len)) == NULL)
			goto nomem;
		e->flags = m.records[i].flags;
		e->version = m.records[i].version;
		e->mtime = m.records[i].mtime;
	}
	ms_list_result_free(&m);
	*lp = l;
	return 0;
 nomem:
	ms_list_result_free(&m);
	metasafe_free_list_long(l);
	return METASAFE_ERR_NOMEM;
}

static int
list_parse(struct msbuf *res, int long_form, struct metasafe_list_long **lp)
{
	return list_parse_page(res, long_form, NULL, lp);
}

/* Grow *arrp (of size elem) from n to n + add entries. */
static int
grow(void *arrp, size_t n, size_t add, size_t elem)
{
	void *p;

	if (add == 0)
		return 0;
	if ((p = reallocarray(*(void **)arrp, n + add, elem)) == NULL)
		return METASAFE_ERR_NOMEM;
	*(void **)arrp = p;
	return 0;
}

/* Move page's entries to the end of acc's; page is freed either way. */
static int
list_append(struct metasafe_list_long *acc, struct metasafe_list_long *page)
{
	int r;

	if (acc->n_children + page->n_children > CL_LIST_TOTAL_MAX ||
	    acc->n_records + page->n_records > CL_LIST_TOTAL_MAX) {
		metasafe_free_list_long(page);
		return METASAFE_ERR_PROTOCOL;
	}
	if ((r = grow(&acc->children, acc->n_children, page->n_children,
	    sizeof(*acc->children))) != 0 ||
	    (r = grow(&acc->records, acc->n_records, page->n_records,
	    sizeof(*acc->records))) != 0) {
		metasafe_free_list_long(page);
		return r;
	}
	/* An empty page's arrays are NULL, which memcpy may not be given. */
	if (page->n_children > 0)
		memcpy(acc->children + acc->n_children, page->children,
		    page->n_children * sizeof(*acc->children));
	acc->n_children += page->n_children;
	if (page->n_records > 0)
		memcpy(acc->records + acc->n_records, page->records,
		    page->n_records * sizeof(*acc->records));
	acc->n_records += page->n_records;
	free(page->children);
	free(page->records);
	free(page);
	return 0;
}

/* The next page starts after the last entry of this one. */
static int
list_next_cursor(const struct metasafe_list_long *page,
    struct ms_list_cursor *cur)
{
	const char *last;

	if (page->n_records > 0) {
		cur->kind = MS_LIST_AFTER_RECORD;
		last = page->records[page->n_records - 1].name;
	} else if (page->n_children > 0) {
		cur->kind = MS_LIST_AFTER_CHILD;
		last = page->children[page->n_children - 1];
	} else
		return METASAFE_ERR_PROTOCOL;	/* "more" with nothing: a loop */
	if ((cur->len = strlen(last)) > MS_RECORD_NAME_MAX)
		return METASAFE_ERR_PROTOCOL;
	memcpy(cur->name, last, cur->len + 1);
	return 0;
}

/* The short form's struct from the long one, which it takes over. */
static int
list_short(struct metasafe_list_long *ll, struct metasafe_list **lp)
{
	struct metasafe_list *l;
	size_t i;

	*lp = NULL;
	if ((l = calloc(1, sizeof(*l))) == NULL || (ll->n_records > 0 &&
	    (l->records = calloc(ll->n_records, sizeof(*l->records))) == NULL)) {
		free(l);
		metasafe_free_list_long(ll);
		return METASAFE_ERR_NOMEM;
	}
	l->n_children = ll->n_children;
	l->children = ll->children;
	l->n_records = ll->n_records;
	for (i = 0; i < ll->n_records; i++) {
		l->records[i].name = ll->records[i].name;
		l->records[i].flags = ll->records[i].flags;
	}
	free(ll->records);
	free(ll);
	*lp = l;
	return 0;
}

int
cl_list_parse(struct msbuf *res, struct metasafe_list **lp)
{
	struct metasafe_list_long *ll;
	int r;

	*lp = NULL;
	if ((r = list_parse(res, 0, &ll)) != 0)
		return r;
	return list_short(ll, lp);
}

int
cl_list_long_parse(struct msbuf *res, struct metasafe_list_long **lp)
{
	return list_parse(res, 1, lp);
}

/*
 * One LIST request: the next page when paged (cursor), else the whole
 * listing; the page parsed into *pagep and, paged, whether more follow.
 */
static int
list_request(struct metasafe_conn *c, uint32_t handle, int long_form,
    const struct ms_list_cursor *cursor, int *morep,
    struct metasafe_list_long **pagep)
{
	struct msbuf *req = NULL, *res = NULL;
	uint8_t flags = (long_form ? MS_LIST_LONG : 0) |
	    (cursor != NULL ? MS_LIST_PAGED : 0);
	int r;

	*pagep = NULL;
	if ((r = req_new(c, &req)) != 0)
		return r;
	if ((r = ms_list_req_put(req, handle, flags, cursor)) != 0) {
		r = req_encode_err(c, r);
		goto out;
	}
	if ((res = msbuf_new(MS_RECORD_PLAINTEXT_MAX)) == NULL) {
		r = cl_seterr(c, METASAFE_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((r = transact(c, MS_MSG_LIST, req, res)) != 0) {
		if (long_form && c->last_status == (int)MS_ST_PROTOCOL_ERROR)
			r = cl_fatal(c, r, "server reports a protocol error "
			    "(a server older than the LIST long form?)");
		goto out;
	}
	if ((r = list_parse_page(res, long_form, cursor != NULL ? morep : NULL,
	    pagep)) != 0)
		r = cl_fatal(c, r, "malformed LIST response");
 out:
	msbuf_free(req);
	msbuf_free(res);
	return r;
}

/*
 * LIST on handle, with the LIST_LONG flag when long_form, page after page
 * (PROTOCOL.md 8) into *lp (version and mtime 0 in the short form).  A
 * server that predates paging refuses the flag with INVALID_ARGUMENT:
 * then the listing is asked for in one piece, as before.
 */
static int
list_op(struct metasafe_conn *c, uint32_t handle, int long_form,
    struct metasafe_list_long **lp)
{
	struct metasafe_list_long *acc = NULL, *page;
	struct ms_list_cursor cur;
	int r, more = 1, first = 1;

	cl_clearerr(c);
	*lp = NULL;
	if ((r = check_ready(c)) != 0)
		return cl_ret(c, r);
	if (lookup_handle(c, handle) == NULL)
		return cl_ret(c, METASAFE_ERR_BAD_HANDLE);
	memset(&cur, 0, sizeof(cur));
	while (more) {
		if ((r = list_request(c, handle, long_form, &cur, &more,
		    &page)) != 0) {
			if (first && c->last_status ==
			    (int)MS_ST_INVALID_ARGUMENT) {
				cl_clearerr(c);
				more = 0;
				r = list_request(c, handle, long_form, NULL,
				    NULL, &page);
			}
			if (r != 0)
				goto out;
		}
		first = 0;
		if (more && (r = list_next_cursor(page, &cur)) != 0) {
			metasafe_free_list_long(page);
			r = cl_fatal(c, r, "malformed LIST response (an "
			    "empty page that is not the last)");
			goto out;
		}
		if (acc == NULL)
			acc = page;
		else if ((r = list_append(acc, page)) != 0) {
			r = cl_fatal(c, r, "LIST: too many entries, or out "
			    "of memory");
			goto out;
		}
	}
	*lp = acc;
	acc = NULL;
 out:
	metasafe_free_list_long(acc);
	return cl_ret(c, r);
}

int
metasafe_list(struct metasafe_conn *c, uint32_t handle,
    struct metasafe_list **lp)
{
	struct metasafe_list_long *ll;
	int r;

	if (c == NULL || lp == NULL)
		return METASAFE_ERR_USAGE;
	*lp = NULL;
	if ((r = list_op(c, handle, 0, &ll)) != 0)
		return r;
	if ((r = list_short(ll, lp)) != 0)
		return cl_ret(c, cl_seterr(c, r, "out of memory"));
	return 0;
}

int
metasafe_list_long(struct metasafe_conn *c, uint32_t handle,
    struct metasafe_list_long **lp)
{
	if (c == NULL || lp == NULL)
		return METASAFE_ERR_USAGE;
	return list_op(c, handle, 1, lp);
}

/* --- GETACL / SETACL ---------------------------------------------------- */

void
metasafe_free_acl(struct metasafe_acl *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->n; i++)
		metasafe_acl_entry_clear(&a->entries[i]);
	free(a->entries);
	free(a);
}

int
cl_acl_parse(struct msbuf *res, struct metasafe_acl **ap)
{
	struct ms_acl_result m;
	struct metasafe_acl *a;
	struct metasafe_acl_entry *e;
	int r;

	*ap = NULL;
	if ((r = ms_acl_result_parse(res, &m)) != 0)
		return r == MS_ERR_ALLOC ? METASAFE_ERR_NOMEM :
		    METASAFE_ERR_PROTOCOL;
	if ((a = calloc(1, sizeof(*a))) == NULL || (m.n > 0 &&
	    (a->entries = calloc(m.n, sizeof(*a->entries))) == NULL))
		goto nomem;
	a->node_flags = m.node_flags;
	for (; a->n < m.n; a->n++) {
		e = &a->entries[a->n];
		if ((e->who = strndup(m.items[a->n].who,
		    m.items[a->n].wholen)) == NULL ||
		    (e->rights = strndup(m.items[a->n].rights,
		    m.items[a->n].rightslen)) == NULL) {
			a->n++;		/* free the partial entry */
			goto nomem;
		}
		e->inherited = m.items[a->n].inherited;
	}
	ms_acl_result_free(&m);
	*ap = a;
	return 0;
 nomem:
	ms_acl_result_free(&m);
	metasafe_free_acl(a);
	return METASAFE_ERR_NOMEM;
}

int
metasafe_acl_get(struct metasafe_conn *c, uint32_t handle,
    struct metasafe_acl **ap)
{
	struct msbuf *res = NULL;
	int r;

	if (c == NULL || ap == NULL)
		return METASAFE_ERR_USAGE;
	cl_clearerr(c);
	*ap = NULL;
	if ((r = check_ready(c)) != 0)
		return cl_ret(c, r);
	if (lookup_handle(c, handle) == NULL)
		return cl_ret(c, METASAFE_ERR_BAD_HANDLE);
	if ((r = simple_handle_op(c, MS_MSG_GETACL, handle, NULL, &res)) == 0 &&
	    (r = cl_acl_parse(res, ap)) != 0)
		r = cl_fatal(c, r, "malformed GETACL response");
	msbuf_free(res);
	return cl_ret(c, r);
}

int
metasafe_acl_set(struct metasafe_conn *c, uint32_t handle, int inherit,
    const struct metasafe_acl_entry *entries, size_t n)
{
	return metasafe_acl_set_flags(c, handle, inherit,
	    METASAFE_SENSITIVE_UNCHANGED, entries, n);
}

int
metasafe_acl_set_flags(struct metasafe_conn *c, uint32_t handle, int inherit,
    int sensitive, const struct metasafe_acl_entry *entries, size_t n)
{
	struct msbuf *req = NULL, *res = NULL;
	size_t i;
	int r;

	if (c == NULL || (entries == NULL && n != 0))
		return METASAFE_ERR_USAGE;
	cl_clearerr(c);
	if ((r = check_ready(c)) != 0)
		goto out;
	if (inherit < METASAFE_ACL_BREAK || inherit > METASAFE_ACL_UNCHANGED) {
		r = cl_seterr(c, METASAFE_ERR_USAGE, "bad inherit mode %d",
		    inherit);
		goto out;
	}
	if (sensitive < METASAFE_SENSITIVE_CLEAR ||
	    sensitive > METASAFE_SENSITIVE_UNCHANGED) {
		r = cl_seterr(c, METASAFE_ERR_USAGE, "bad sensitive mode %d",
		    sensitive);
		goto out;
	}
	if (n > MS_ACL_ENTRIES_MAX) {
		r = cl_seterr(c, METASAFE_ERR_INVALID,
		    "at most %d ACL entries at once", MS_ACL_ENTRIES_MAX);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (ms_acl_who_valid(entries[i].who) != 0 ||
		    ms_rights_parse(entries[i].rights, NULL) != 0) {
			r = cl_seterr(c, METASAFE_ERR_INVALID,
			    "invalid ACL entry %zu", i + 1);
			goto out;
		}
	}
	if (lookup_handle(c, handle) == NULL) {
		r = METASAFE_ERR_BAD_HANDLE;
		goto out;
	}
	if ((r = req_new(c, &req)) != 0)
		goto out;
	if ((r = ms_setacl_req_put(req, handle, (uint8_t)inherit,
	    (uint8_t)sensitive, (uint32_t)n)) != 0) {
		r = req_encode_err(c, r);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if ((r = ms_acl_change_put(req, entries[i].who,
		    entries[i].rights)) != 0) {
			r = req_encode_err(c, r);
			goto out;
		}
	}
	if ((res = msbuf_new(MS_RECORD_PLAINTEXT_MAX)) == NULL) {
		r = cl_seterr(c, METASAFE_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((r = transact(c, MS_MSG_SETACL, req, res)) == 0)
		r = no_trailing(c, res, "SETACL");
 out:
	msbuf_free(req);
	msbuf_free(res);
	return cl_ret(c, r);
}

/* --- STATUS ------------------------------------------------------------- */

void
metasafe_free_status(struct metasafe_status *st)
{
	if (st == NULL)
		return;
	free(st->server_version);
	free(st->principal);
	free(st);
}

static int
printable(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((u_char)*s < 0x20 || (u_char)*s >= 0x7f)
			return 0;
	}
	return 1;
}

int
cl_status_parse(struct msbuf *res, struct metasafe_status **sp)
{
	struct ms_status_res m;
	struct metasafe_status *st;
	int alg;

	*sp = NULL;
	/* libmetasafe always asks for the store usage. */
	if (ms_status_res_parse(res, MS_STATUS_USAGE, &m) != 0 ||
	    !printable(m.server_version) || !printable(m.principal))
		return METASAFE_ERR_PROTOCOL;
	if ((st = calloc(1, sizeof(*st))) == NULL ||
	    (st->server_version = strdup(m.server_version)) == NULL ||
	    (st->principal = strdup(m.principal)) == NULL) {
		metasafe_free_status(st);
		return METASAFE_ERR_NOMEM;
	}
	st->open_handles = m.open_handles;
	st->cipher = m.cipher;
	st->store_used_bytes = m.usage[0];
	st->store_max_bytes = m.usage[1];
	st->store_nodes = m.usage[2];
	st->store_records = m.usage[3];
	alg = ms_cipher_to_aead(st->cipher);
	st->cipher_name = alg < 0 ? "unknown" : ms_aead_name((enum ms_aead)alg);
	*sp = st;
	return 0;
}

int
metasafe_status(struct metasafe_conn *c, struct metasafe_status **sp)
{
	struct msbuf *req = NULL, *res = NULL;
	int r;

	if (c == NULL || sp == NULL)
		return METASAFE_ERR_USAGE;
	cl_clearerr(c);
	*sp = NULL;
	if ((r = check_ready(c)) != 0 || (r = req_new(c, &req)) != 0)
		goto out;
	if ((res = msbuf_new(MS_RECORD_PLAINTEXT_MAX)) == NULL) {
		r = cl_seterr(c, METASAFE_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (ms_status_req_put(req, MS_STATUS_USAGE) != 0) {
		r = cl_seterr(c, METASAFE_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((r = transact(c, MS_MSG_STATUS, req, res)) == 0 &&
	    (r = cl_status_parse(res, sp)) != 0)
		r = cl_fatal(c, r, "malformed STATUS response");
 out:
	msbuf_free(req);
	msbuf_free(res);
	return cl_ret(c, r);
}
