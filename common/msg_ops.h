/*
 * msg_ops.h — the operation requests and their results (PROTOCOL.md 8),
 * encoded by the client and parsed by the worker (requests), encoded by
 * the worker and parsed by the client (RESPONSE and results):
 *
 *   request   u32 request_id || fields   (the record's inner type names it)
 *   RESPONSE  u32 request_id || u32 status || result (only when status OK)
 *
 *   OPEN    name path || u8 access                   -> u32 handle
 *   GET     u32 handle || name record                -> u8 flags ||
 *           u64 version || u64 mtime || string value (a blob when SECURE)
 *   SET     u32 handle || name record || u8 flags || string value
 *                                                    -> u64 version
 *   DELETE  u32 handle || name record ("" the node)  -> nothing
 *   LIST    u32 handle [|| u8 list_flags [|| cursor]] -> msg_list.h
 *   GETACL  u32 handle                               -> msg_list.h
 *   SETACL  u32 handle || u8 inherit || u8 sensitive || u32 n ||
 *           (name who || name rights)[n]             -> nothing
 *   CLOSE   u32 handle                               -> nothing
 *   STATUS  [u8 detail]                              -> name server_version
 *           || name principal || u32 open_handles || u16 cipher
 *           [|| u64 used_bytes || u64 max_bytes || u64 nodes || u64 records]
 *           (the four u64 with detail MS_STATUS_USAGE only)
 *
 * Request parsers take the body after the request id, whole (nothing may
 * follow), and check its structure and caps only; what the values mean
 * (a valid path or record name, known access or record flags, an open
 * handle) is the worker's to judge.  ms_op_parse_status gives the status
 * a parse error earns.  Result parsers, on the client, also refuse flags
 * with unknown bits.
 */
#ifndef MS_MSG_OPS_H
#define MS_MSG_OPS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "msg_list.h"
#include "mslimits.h"

/* --- header ------------------------------------------------------------- */

int	ms_request_id_put(struct msbuf *b, uint32_t request_id);
/* Leaves the request's fields in b. */
int	ms_request_id_parse(struct msbuf *b, uint32_t *request_id);
/* result (may be NULL) goes out only when status is MS_ST_OK. */
int	ms_response_put(struct msbuf *b, uint32_t request_id, uint32_t status,
	    const struct msbuf *result);
/*
 * Leaves the result in b; a status other than MS_ST_OK must come without
 * one (MS_ERR_INVALID_FORMAT otherwise).
 */
int	ms_response_parse(struct msbuf *b, uint32_t *request_id,
	    uint32_t *status);

/*
 * PROTOCOL.md 8: a field above its cap (MS_ERR_STRING_TOO_LARGE, and
 * MS_ERR_LIMIT for SETACL's n) or a name with a NUL is INVALID_ARGUMENT;
 * any other parse error is structure, PROTOCOL_ERROR.
 */
uint32_t ms_op_parse_status(int r);

/* --- requests ----------------------------------------------------------- */

struct ms_open_req {
	char		 path[MS_PATH_MAX + 1];
	size_t		 pathlen;
	uint8_t		 access;		/* MS_ACCESS_* */
};

/* GET and DELETE. */
struct ms_record_req {
	uint32_t	 handle;
	char		 record[MS_RECORD_NAME_MAX + 1];
	size_t		 recordlen;
};

struct ms_set_req {
	uint32_t	 handle;
	char		 record[MS_RECORD_NAME_MAX + 1];
	size_t		 recordlen;
	/*
	 * Set once read, even when the parse fails after it: a SECURE SET
	 * consumes a blob number whatever happens (PROTOCOL.md 9).
	 */
	uint8_t		 flags;			/* MS_REC_* */
	const u_char	*value;			/* a view into the request */
	size_t		 valuelen;
};

struct ms_list_req {
	uint32_t	 handle;
	uint8_t		 list_flags;		/* 0 when absent */
	struct ms_list_cursor cursor;		/* list_flags PAGED */
};

struct ms_acl_change {
	char		 who[MS_ACL_WHO_MAX + 1];
	size_t		 wholen;
	char		 rights[MS_RIGHTS_MAX + 1];
	size_t		 rightslen;
};

struct ms_setacl_req {
	uint32_t		 handle;
	uint8_t			 inherit;	/* MS_SETACL_* */
	uint8_t			 sensitive;	/* MS_SENSITIVE_* */
	uint32_t		 n;
	struct ms_acl_change	 changes[MS_ACL_ENTRIES_MAX];
};

int	ms_open_req_put(struct msbuf *b, const char *path, uint8_t access);
int	ms_open_req_parse(struct msbuf *b, struct ms_open_req *q);
/* GETACL and CLOSE: only the handle. */
int	ms_handle_req_put(struct msbuf *b, uint32_t handle);
int	ms_handle_req_parse(struct msbuf *b, uint32_t *handle);
int	ms_record_req_put(struct msbuf *b, uint32_t handle, const char *record);
int	ms_record_req_parse(struct msbuf *b, struct ms_record_req *q);
/* value is the plaintext or, with MS_REC_SECURE, the blob. */
int	ms_set_req_put(struct msbuf *b, uint32_t handle, const char *record,
	    uint8_t flags, const void *value, size_t len);
/* value_max for plaintext; a SECURE value may add MS_BLOB_OVERHEAD. */
int	ms_set_req_parse(struct msbuf *b, size_t value_max,
	    struct ms_set_req *q);
/*
 * list_flags 0 is sent as no byte at all, as every version-1 client does;
 * with MS_LIST_PAGED the cursor follows (cursor may be NULL otherwise).
 */
int	ms_list_req_put(struct msbuf *b, uint32_t handle, uint8_t list_flags,
	    const struct ms_list_cursor *cursor);
int	ms_list_req_parse(struct msbuf *b, struct ms_list_req *q);
/* The header, then n times ms_acl_change_put. */
int	ms_setacl_req_put(struct msbuf *b, uint32_t handle, uint8_t inherit,
	    uint8_t sensitive, uint32_t n);
int	ms_acl_change_put(struct msbuf *b, const char *who,
	    const char *rights);
int	ms_setacl_req_parse(struct msbuf *b, struct ms_setacl_req *q);
/* Absent detail is MS_STATUS_BASIC, and is how BASIC is sent. */
int	ms_status_req_put(struct msbuf *b, uint8_t detail);
int	ms_status_req_parse(struct msbuf *b, uint8_t *detail);

/* --- results ------------------------------------------------------------ */

struct ms_get_res {
	uint8_t		 flags;			/* MS_REC_* */
	uint64_t	 version;
	uint64_t	 mtime;
	const u_char	*value;			/* a view into the result */
	size_t		 valuelen;
};

struct ms_status_res {
	char		 server_version[MS_VERSION_STRING_MAX + 1];
	char		 principal[MS_PRINCIPAL_MAX + 1];
	uint32_t	 open_handles;
	uint16_t	 cipher;
	uint64_t	 usage[4];	/* used, max bytes, nodes, records */
};

int	ms_open_res_put(struct msbuf *b, uint32_t handle);
int	ms_open_res_parse(struct msbuf *b, uint32_t *handle);
int	ms_get_res_put(struct msbuf *b, const struct ms_get_res *g);
int	ms_get_res_parse(struct msbuf *b, struct ms_get_res *g);
int	ms_set_res_put(struct msbuf *b, uint64_t version);
int	ms_set_res_parse(struct msbuf *b, uint64_t *version);
/* DELETE, SETACL and CLOSE: the result is empty. */
int	ms_empty_res_parse(const struct msbuf *b);
/* usage NULL: the basic result (detail MS_STATUS_BASIC). */
int	ms_status_res_put(struct msbuf *b, const char *server_version,
	    const char *principal, uint32_t open_handles, uint16_t cipher,
	    const uint64_t usage[4]);
int	ms_status_res_parse(struct msbuf *b, uint8_t detail,
	    struct ms_status_res *s);

#endif /* MS_MSG_OPS_H */
