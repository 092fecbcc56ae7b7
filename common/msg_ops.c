/*
 * msg_ops.c — operation requests, RESPONSE and results (PROTOCOL.md 8);
 * see msg_ops.h.  The LIST and GETACL results are in msg_list.c.
 */
#include <sys/types.h>

#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "errors.h"
#include "msg_ops.h"
#include "mslimits.h"
#include "proto.h"
#include "record.h"

/* --- shared ------------------------------------------------------------- */

/* A name of at most max bytes without NUL, copied to out[max + 1]. */
static int
get_name(struct msbuf *b, char *out, size_t max, size_t *lenp)
{
	const char *p;
	size_t len;
	int r;

	out[0] = '\0';
	*lenp = 0;
	if ((r = msbuf_get_cstring_direct(b, &p, &len, max)) != 0)
		return r;
	memcpy(out, p, len);
	out[len] = '\0';
	*lenp = len;
	return 0;
}

/* A name the parser on the other side would take: capped, a C string. */
static int
put_name(struct msbuf *b, const char *s, size_t max)
{
	if (s == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if (strnlen(s, max + 1) > max)
		return MS_ERR_STRING_TOO_LARGE;
	return msbuf_put_cstring(b, s);
}

/* --- header ------------------------------------------------------------- */

int
ms_request_id_put(struct msbuf *b, uint32_t request_id)
{
	return msbuf_put_u32(b, request_id);
}

int
ms_request_id_parse(struct msbuf *b, uint32_t *request_id)
{
	return msbuf_get_u32(b, request_id);
}

int
ms_response_put(struct msbuf *b, uint32_t request_id, uint32_t status,
    const struct msbuf *result)
{
	int r;

	if ((r = msbuf_put_u32(b, request_id)) != 0 ||
	    (r = msbuf_put_u32(b, status)) != 0 ||
	    (status == MS_ST_OK && result != NULL &&
	    (r = msbuf_putb(b, result)) != 0))
		return r;
	return 0;
}

int
ms_response_parse(struct msbuf *b, uint32_t *request_id, uint32_t *status)
{
	int r;

	*request_id = *status = 0;
	if ((r = msbuf_get_u32(b, request_id)) != 0 ||
	    (r = msbuf_get_u32(b, status)) != 0)
		return r;
	if (*status != MS_ST_OK)
		return msbuf_expect_end(b);
	return 0;
}

uint32_t
ms_op_parse_status(int r)
{
	switch (r) {
	case 0:
		return MS_ST_OK;
	case MS_ERR_STRING_TOO_LARGE:
	case MS_ERR_STRING_HAS_NUL:
	case MS_ERR_LIMIT:
		return MS_ST_INVALID_ARGUMENT;
	default:
		return MS_ST_PROTOCOL_ERROR;
	}
}

/* --- requests ----------------------------------------------------------- */

int
ms_open_req_put(struct msbuf *b, const char *path, uint8_t access)
{
	int r;

	if ((r = put_name(b, path, MS_PATH_MAX)) != 0 ||
	    (r = msbuf_put_u8(b, access)) != 0)
		return r;
	return 0;
}

int
ms_open_req_parse(struct msbuf *b, struct ms_open_req *q)
{
	int r;

	memset(q, 0, sizeof(*q));
	if ((r = get_name(b, q->path, MS_PATH_MAX, &q->pathlen)) != 0 ||
	    (r = msbuf_get_u8(b, &q->access)) != 0 ||
	    (r = msbuf_expect_end(b)) != 0)
		return r;
	return 0;
}

int
ms_handle_req_put(struct msbuf *b, uint32_t handle)
{
	return msbuf_put_u32(b, handle);
}

int
ms_handle_req_parse(struct msbuf *b, uint32_t *handle)
{
	int r;

	*handle = 0;
	if ((r = msbuf_get_u32(b, handle)) != 0 ||
	    (r = msbuf_expect_end(b)) != 0)
		return r;
	return 0;
}

int
ms_record_req_put(struct msbuf *b, uint32_t handle, const char *record)
{
	int r;

	if ((r = msbuf_put_u32(b, handle)) != 0 ||
	    (r = put_name(b, record, MS_RECORD_NAME_MAX)) != 0)
		return r;
	return 0;
}

int
ms_record_req_parse(struct msbuf *b, struct ms_record_req *q)
{
	int r;

	memset(q, 0, sizeof(*q));
	if ((r = msbuf_get_u32(b, &q->handle)) != 0 ||
	    (r = get_name(b, q->record, MS_RECORD_NAME_MAX,
	    &q->recordlen)) != 0 ||
	    (r = msbuf_expect_end(b)) != 0)
		return r;
	return 0;
}

int
ms_set_req_put(struct msbuf *b, uint32_t handle, const char *record,
    uint8_t flags, const void *value, size_t len)
{
	int r;

	if ((r = ms_record_req_put(b, handle, record)) != 0 ||
	    (r = msbuf_put_u8(b, flags)) != 0 ||
	    (r = msbuf_put_string(b, value, len)) != 0)
		return r;
	return 0;
}

int
ms_set_req_parse(struct msbuf *b, size_t value_max, struct ms_set_req *q)
{
	int r;

	memset(q, 0, sizeof(*q));
	if ((r = msbuf_get_u32(b, &q->handle)) != 0 ||
	    (r = get_name(b, q->record, MS_RECORD_NAME_MAX,
	    &q->recordlen)) != 0 ||
	    (r = msbuf_get_u8(b, &q->flags)) != 0)
		return r;
	if ((q->flags & MS_REC_SECURE) != 0)
		value_max += MS_BLOB_OVERHEAD;
	if ((r = msbuf_get_string_direct(b, &q->value, &q->valuelen,
	    value_max)) != 0 || (r = msbuf_expect_end(b)) != 0) {
		q->value = NULL;
		q->valuelen = 0;
		return r;
	}
	return 0;
}

int
ms_list_req_put(struct msbuf *b, uint32_t handle, uint8_t list_flags,
    const struct ms_list_cursor *cursor)
{
	int r;

	if ((list_flags & MS_LIST_PAGED) && cursor == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if ((r = msbuf_put_u32(b, handle)) != 0 ||
	    (list_flags != 0 && (r = msbuf_put_u8(b, list_flags)) != 0) ||
	    ((list_flags & MS_LIST_PAGED) &&
	    (r = ms_list_cursor_put(b, cursor)) != 0))
		return r;
	return 0;
}

int
ms_list_req_parse(struct msbuf *b, struct ms_list_req *q)
{
	int r;

	memset(q, 0, sizeof(*q));
	if ((r = msbuf_get_u32(b, &q->handle)) != 0 ||
	    (msbuf_len(b) != 0 &&
	    (r = msbuf_get_u8(b, &q->list_flags)) != 0) ||
	    ((q->list_flags & MS_LIST_PAGED) &&
	    (r = ms_list_cursor_parse(b, &q->cursor)) != 0) ||
	    (r = msbuf_expect_end(b)) != 0)
		return r;
	return 0;
}

int
ms_setacl_req_put(struct msbuf *b, uint32_t handle, uint8_t inherit,
    uint8_t sensitive, uint32_t n)
{
	int r;

	if (n > MS_ACL_ENTRIES_MAX)
		return MS_ERR_LIMIT;
	if ((r = msbuf_put_u32(b, handle)) != 0 ||
	    (r = msbuf_put_u8(b, inherit)) != 0 ||
	    (r = msbuf_put_u8(b, sensitive)) != 0 ||
	    (r = msbuf_put_u32(b, n)) != 0)
		return r;
	return 0;
}

int
ms_acl_change_put(struct msbuf *b, const char *who, const char *rights)
{
	int r;

	if ((r = put_name(b, who, MS_ACL_WHO_MAX)) != 0 ||
	    (r = put_name(b, rights, MS_RIGHTS_MAX)) != 0)
		return r;
	return 0;
}

/* n above its cap is refused before any entry is looked at. */
int
ms_setacl_req_parse(struct msbuf *b, struct ms_setacl_req *q)
{
	struct ms_acl_change *c;
	uint32_t i;
	int r;

	memset(q, 0, sizeof(*q));
	if ((r = msbuf_get_u32(b, &q->handle)) != 0 ||
	    (r = msbuf_get_u8(b, &q->inherit)) != 0 ||
	    (r = msbuf_get_u8(b, &q->sensitive)) != 0 ||
	    (r = msbuf_get_u32(b, &q->n)) != 0)
		return r;
	if (q->n > MS_ACL_ENTRIES_MAX)
		return MS_ERR_LIMIT;
	for (i = 0; i < q->n; i++) {
		c = &q->changes[i];
		if ((r = get_name(b, c->who, MS_ACL_WHO_MAX,
		    &c->wholen)) != 0 ||
		    (r = get_name(b, c->rights, MS_RIGHTS_MAX,
		    &c->rightslen)) != 0)
			return r;
	}
	return msbuf_expect_end(b);
}

int
ms_status_req_put(struct msbuf *b, uint8_t detail)
{
	if (detail == MS_STATUS_BASIC)
		return 0;
	return msbuf_put_u8(b, detail);
}

/* A detail PROTOCOL.md does not know is structure, not an argument. */
int
ms_status_req_parse(struct msbuf *b, uint8_t *detail)
{
	int r;

	*detail = MS_STATUS_BASIC;
	if (msbuf_len(b) == 0)
		return 0;
	if ((r = msbuf_get_u8(b, detail)) != 0 || (r = msbuf_expect_end(b)) != 0)
		return r;
	if (*detail > MS_STATUS_USAGE)
		return MS_ERR_INVALID_FORMAT;
	return 0;
}

/* --- results ------------------------------------------------------------ */

int
ms_open_res_put(struct msbuf *b, uint32_t handle)
{
	return msbuf_put_u32(b, handle);
}

int
ms_open_res_parse(struct msbuf *b, uint32_t *handle)
{
	return ms_handle_req_parse(b, handle);
}

/* The value's cap: a SECURE value is a blob around the plaintext. */
static size_t
get_value_max(uint8_t flags)
{
	return (flags & MS_REC_SECURE) ? MS_VALUE_MAX + MS_BLOB_OVERHEAD :
	    MS_VALUE_MAX;
}

int
ms_get_res_put(struct msbuf *b, const struct ms_get_res *g)
{
	int r;

	if (g->valuelen > get_value_max(g->flags))
		return MS_ERR_STRING_TOO_LARGE;
	if ((r = msbuf_put_u8(b, g->flags)) != 0 ||
	    (r = msbuf_put_u64(b, g->version)) != 0 ||
	    (r = msbuf_put_u64(b, g->mtime)) != 0 ||
	    (r = msbuf_put_string(b, g->value, g->valuelen)) != 0)
		return r;
	return 0;
}

int
ms_get_res_parse(struct msbuf *b, struct ms_get_res *g)
{
	int r;

	memset(g, 0, sizeof(*g));
	if ((r = msbuf_get_u8(b, &g->flags)) != 0 ||
	    (r = msbuf_get_u64(b, &g->version)) != 0 ||
	    (r = msbuf_get_u64(b, &g->mtime)) != 0)
		goto fail;
	if ((g->flags & ~MS_REC_FLAGS_MASK) != 0) {
		r = MS_ERR_INVALID_FORMAT;
		goto fail;
	}
	if ((r = msbuf_get_string_direct(b, &g->value, &g->valuelen,
	    get_value_max(g->flags))) != 0 || (r = msbuf_expect_end(b)) != 0)
		goto fail;
	return 0;
 fail:
	memset(g, 0, sizeof(*g));
	return r;
}

int
ms_set_res_put(struct msbuf *b, uint64_t version)
{
	return msbuf_put_u64(b, version);
}

int
ms_set_res_parse(struct msbuf *b, uint64_t *version)
{
	int r;

	*version = 0;
	if ((r = msbuf_get_u64(b, version)) != 0 || (r = msbuf_expect_end(b)) != 0)
		return r;
	return 0;
}

int
ms_empty_res_parse(const struct msbuf *b)
{
	return msbuf_expect_end(b);
}

int
ms_status_res_put(struct msbuf *b, const char *server_version,
    const char *principal, uint32_t open_handles, uint16_t cipher,
    const uint64_t usage[4])
{
	size_t i;
	int r;

	if ((r = put_name(b, server_version, MS_VERSION_STRING_MAX)) != 0 ||
	    (r = put_name(b, principal, MS_PRINCIPAL_MAX)) != 0 ||
	    (r = msbuf_put_u32(b, open_handles)) != 0 ||
	    (r = msbuf_put_u16(b, cipher)) != 0)
		return r;
	for (i = 0; usage != NULL && i < 4; i++) {
		if ((r = msbuf_put_u64(b, usage[i])) != 0)
			return r;
	}
	return 0;
}

int
ms_status_res_parse(struct msbuf *b, uint8_t detail, struct ms_status_res *s)
{
	size_t i, len;
	int r;

	memset(s, 0, sizeof(*s));
	if ((r = get_name(b, s->server_version, MS_VERSION_STRING_MAX,
	    &len)) != 0 ||
	    (r = get_name(b, s->principal, MS_PRINCIPAL_MAX, &len)) != 0 ||
	    (r = msbuf_get_u32(b, &s->open_handles)) != 0 ||
	    (r = msbuf_get_u16(b, &s->cipher)) != 0)
		goto fail;
	for (i = 0; detail == MS_STATUS_USAGE && i < 4; i++) {
		if ((r = msbuf_get_u64(b, &s->usage[i])) != 0)
			goto fail;
	}
	if ((r = msbuf_expect_end(b)) != 0)
		goto fail;
	return 0;
 fail:
	memset(s, 0, sizeof(*s));
	return r;
}
