/*
 * test_msg_ops.c — the operation requests and results (common/msg_ops.c)
 * and the LIST and GETACL results (common/msg_list.c), PROTOCOL.md 8.
 *
 * The client encodes requests with the ms_*_req_put functions and the
 * worker parses them with ms_*_req_parse; the worker and the monitor put
 * results that the client (and, for LIST and GETACL, the worker) parse.
 * So each round trip below is the check that what one side writes the
 * other accepts.  Every message is also cut at every byte (refused, but
 * where a shorter message is itself valid) and given one trailing byte
 * (refused).
 */
#include <sys/types.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "errors.h"
#include "msg_list.h"
#include "msg_ops.h"
#include "mslimits.h"
#include "proto.h"
#include "record.h"

#define BIG	(MS_VALUE_MAX + 4096)

static struct msbuf *
newbuf(void)
{
	struct msbuf *b = msbuf_new(BIG);

	assert_non_null(b);
	return b;
}

/* A string of len bytes of c (caller frees). */
static char *
filled(size_t len, char c)
{
	char *s = malloc(len + 1);

	assert_non_null(s);
	memset(s, c, len);
	s[len] = '\0';
	return s;
}

/* --- the cases: a put and a parse that checks what it got --------------- */

static const u_char blob_bytes[100] = { 0x00, 0x01, 0x13, 0x03 };

static void
put_open(struct msbuf *b)
{
	assert_int_equal(ms_open_req_put(b, "/db/app",
	    MS_ACCESS_READ | MS_ACCESS_WRITE), 0);
}

static int
parse_open(struct msbuf *b)
{
	struct ms_open_req q;
	int r;

	if ((r = ms_open_req_parse(b, &q)) == 0) {
		assert_string_equal(q.path, "/db/app");
		assert_int_equal(q.pathlen, 7);
		assert_int_equal(q.access, MS_ACCESS_READ | MS_ACCESS_WRITE);
	}
	return r;
}

static void
put_handle(struct msbuf *b)
{
	assert_int_equal(ms_handle_req_put(b, 0xdeadbeef), 0);
}

static int
parse_handle(struct msbuf *b)
{
	uint32_t h;
	int r;

	if ((r = ms_handle_req_parse(b, &h)) == 0)
		assert_int_equal(h, 0xdeadbeef);
	return r;
}

static void
put_record(struct msbuf *b)
{
	assert_int_equal(ms_record_req_put(b, 7, "pw"), 0);
}

static int
parse_record(struct msbuf *b)
{
	struct ms_record_req q;
	int r;

	if ((r = ms_record_req_parse(b, &q)) == 0) {
		assert_int_equal(q.handle, 7);
		assert_string_equal(q.record, "pw");
		assert_int_equal(q.recordlen, 2);
	}
	return r;
}

/* DELETE of the node itself: an empty record name. */
static void
put_record_empty(struct msbuf *b)
{
	assert_int_equal(ms_record_req_put(b, 8, ""), 0);
}

static int
parse_record_empty(struct msbuf *b)
{
	struct ms_record_req q;
	int r;

	if ((r = ms_record_req_parse(b, &q)) == 0) {
		assert_int_equal(q.handle, 8);
		assert_string_equal(q.record, "");
		assert_int_equal(q.recordlen, 0);
	}
	return r;
}

static void
put_set(struct msbuf *b)
{
	assert_int_equal(ms_set_req_put(b, 7, "pw", MS_REC_INHERIT, "secret",
	    6), 0);
}

static int
parse_set(struct msbuf *b)
{
	struct ms_set_req q;
	int r;

	if ((r = ms_set_req_parse(b, 64, &q)) == 0) {
		assert_int_equal(q.handle, 7);
		assert_string_equal(q.record, "pw");
		assert_int_equal(q.flags, MS_REC_INHERIT);
		assert_int_equal(q.valuelen, 6);
		assert_memory_equal(q.value, "secret", 6);
	}
	return r;
}

/* A SECURE value is a blob: above value_max by at most the overhead. */
static void
put_set_secure(struct msbuf *b)
{
	assert_int_equal(ms_set_req_put(b, 7, "pw", MS_REC_SECURE, blob_bytes,
	    sizeof(blob_bytes)), 0);
}

static int
parse_set_secure(struct msbuf *b)
{
	struct ms_set_req q;
	int r;

	if ((r = ms_set_req_parse(b, sizeof(blob_bytes) - MS_BLOB_OVERHEAD,
	    &q)) == 0) {
		assert_int_equal(q.flags, MS_REC_SECURE);
		assert_int_equal(q.valuelen, sizeof(blob_bytes));
		assert_memory_equal(q.value, blob_bytes, sizeof(blob_bytes));
	}
	return r;
}

static void
put_list_long(struct msbuf *b)
{
	assert_int_equal(ms_list_req_put(b, 9, MS_LIST_LONG, NULL), 0);
}

static int
parse_list_long(struct msbuf *b)
{
	struct ms_list_req q;
	int r;

	if ((r = ms_list_req_parse(b, &q)) == 0) {
		assert_int_equal(q.handle, 9);
		assert_true(q.list_flags == 0 || q.list_flags == MS_LIST_LONG);
	}
	return r;
}

static void
put_setacl(struct msbuf *b)
{
	assert_int_equal(ms_setacl_req_put(b, 7, MS_SETACL_INHERIT,
	    MS_SENSITIVE_UNCHANGED, 2), 0);
	assert_int_equal(ms_acl_change_put(b, "alice", "rs"), 0);
	assert_int_equal(ms_acl_change_put(b, "group:ops", ""), 0);
}

static int
parse_setacl(struct msbuf *b)
{
	struct ms_setacl_req *q = malloc(sizeof(*q));
	int r;

	assert_non_null(q);
	if ((r = ms_setacl_req_parse(b, q)) == 0) {
		assert_int_equal(q->handle, 7);
		assert_int_equal(q->inherit, MS_SETACL_INHERIT);
		assert_int_equal(q->sensitive, MS_SENSITIVE_UNCHANGED);
		assert_int_equal(q->n, 2);
		assert_string_equal(q->changes[0].who, "alice");
		assert_string_equal(q->changes[0].rights, "rs");
		assert_int_equal(q->changes[1].wholen, 9);
		assert_string_equal(q->changes[1].rights, "");
	}
	free(q);
	return r;
}

static void
put_status_req(struct msbuf *b)
{
	assert_int_equal(ms_status_req_put(b, MS_STATUS_USAGE), 0);
}

static int
parse_status_req(struct msbuf *b)
{
	uint8_t detail;
	int r;

	if ((r = ms_status_req_parse(b, &detail)) == 0)
		assert_true(detail == MS_STATUS_USAGE ||
		    (detail == MS_STATUS_BASIC && msbuf_len(b) == 0));
	return r;
}

static void
put_open_res(struct msbuf *b)
{
	assert_int_equal(ms_open_res_put(b, 3), 0);
}

static int
parse_open_res(struct msbuf *b)
{
	uint32_t h;
	int r;

	if ((r = ms_open_res_parse(b, &h)) == 0)
		assert_int_equal(h, 3);
	return r;
}

static void
put_get_res(struct msbuf *b)
{
	struct ms_get_res g = { MS_REC_SECURE | MS_REC_INHERIT, UINT64_MAX,
	    1796161202, blob_bytes, sizeof(blob_bytes) };

	assert_int_equal(ms_get_res_put(b, &g), 0);
}

static int
parse_get_res(struct msbuf *b)
{
	struct ms_get_res g;
	int r;

	if ((r = ms_get_res_parse(b, &g)) == 0) {
		assert_int_equal(g.flags, MS_REC_SECURE | MS_REC_INHERIT);
		assert_true(g.version == UINT64_MAX);
		assert_int_equal(g.mtime, 1796161202);
		assert_int_equal(g.valuelen, sizeof(blob_bytes));
		assert_memory_equal(g.value, blob_bytes, sizeof(blob_bytes));
	}
	return r;
}

static void
put_set_res(struct msbuf *b)
{
	assert_int_equal(ms_set_res_put(b, 42), 0);
}

static int
parse_set_res(struct msbuf *b)
{
	uint64_t v;
	int r;

	if ((r = ms_set_res_parse(b, &v)) == 0)
		assert_int_equal(v, 42);
	return r;
}

static const uint64_t usage[4] = { 12288, 1ULL << 30, 2, 7 };

static void
put_status_res(struct msbuf *b)
{
	assert_int_equal(ms_status_res_put(b, "metasafe-0.1", "alice", 1,
	    MS_CIPHER_CHACHA20_POLY1305, usage), 0);
}

static int
parse_status_res(struct msbuf *b)
{
	struct ms_status_res s;
	int r;

	if ((r = ms_status_res_parse(b, MS_STATUS_USAGE, &s)) == 0) {
		assert_string_equal(s.server_version, "metasafe-0.1");
		assert_string_equal(s.principal, "alice");
		assert_int_equal(s.open_handles, 1);
		assert_int_equal(s.cipher, MS_CIPHER_CHACHA20_POLY1305);
		assert_memory_equal(s.usage, usage, sizeof(usage));
	}
	return r;
}

static void
put_status_basic(struct msbuf *b)
{
	assert_int_equal(ms_status_res_put(b, "metasafe-0.1", "bob", 0,
	    MS_CIPHER_CHACHA20_POLY1305, NULL), 0);
}

static int
parse_status_basic(struct msbuf *b)
{
	struct ms_status_res s;
	int r;

	if ((r = ms_status_res_parse(b, MS_STATUS_BASIC, &s)) == 0) {
		assert_string_equal(s.principal, "bob");
		assert_int_equal(s.usage[0], 0);
	}
	return r;
}

/* The monitor's way: entries per kind, then counts and entries. */
static void
put_list_res(struct msbuf *b, int long_form)
{
	struct ms_list_item r1 = { "data [secure]", 13, 0, 1, 1796161202 };
	struct ms_list_item r2 = { "data", 4, MS_REC_SECURE, UINT64_MAX, 0 };
	struct msbuf *ch, *rec;

	assert_non_null(ch = msbuf_new(1024));
	assert_non_null(rec = msbuf_new(1024));
	assert_int_equal(ms_list_child_put(ch, "child", 5), 0);
	assert_int_equal(ms_list_record_put(rec, long_form, &r1), 0);
	assert_int_equal(ms_list_record_put(rec, long_form, &r2), 0);
	assert_int_equal(ms_list_result_put(b, 1, ch, 2, rec), 0);
	msbuf_free(ch);
	msbuf_free(rec);
}

static int
parse_list_res(struct msbuf *b, int long_form)
{
	struct ms_list_result l;
	int r;

	if ((r = ms_list_result_parse(b, long_form, &l)) == 0) {
		assert_int_equal(l.nchildren, 1);
		assert_int_equal(l.children[0].len, 5);
		assert_memory_equal(l.children[0].name, "child", 5);
		assert_int_equal(l.nrecords, 2);
		assert_int_equal(l.records[0].len, 13);
		assert_int_equal(l.records[1].flags, MS_REC_SECURE);
		assert_int_equal(l.records[0].version, long_form ? 1 : 0);
		assert_true(l.records[1].version ==
		    (long_form ? UINT64_MAX : 0));
		ms_list_result_free(&l);
		assert_null(l.children);
	}
	return r;
}

static void
put_list_short(struct msbuf *b)
{
	put_list_res(b, 0);
}

static int
parse_list_short(struct msbuf *b)
{
	return parse_list_res(b, 0);
}

static void
put_list_longres(struct msbuf *b)
{
	put_list_res(b, 1);
}

static int
parse_list_longres(struct msbuf *b)
{
	return parse_list_res(b, 1);
}

static void
put_acl_res(struct msbuf *b)
{
	struct msbuf *items;

	assert_non_null(items = msbuf_new(1024));
	assert_int_equal(ms_acl_item_put(items, "alice", "rs", 0), 0);
	assert_int_equal(ms_acl_item_put(items, "group:ops", "rwla", 1), 0);
	assert_int_equal(ms_acl_result_put(b, MS_NODE_NOINHERIT, 2, items), 0);
	msbuf_free(items);
}

static int
parse_acl_res(struct msbuf *b)
{
	struct ms_acl_result a;
	int r;

	if ((r = ms_acl_result_parse(b, &a)) == 0) {
		assert_int_equal(a.node_flags, MS_NODE_NOINHERIT);
		assert_int_equal(a.n, 2);
		assert_int_equal(a.items[0].wholen, 5);
		assert_memory_equal(a.items[0].who, "alice", 5);
		assert_int_equal(a.items[1].rightslen, 4);
		assert_memory_equal(a.items[1].rights, "rwla", 4);
		assert_int_equal(a.items[1].inherited, 1);
		ms_acl_result_free(&a);
	}
	return r;
}

/* The worker checks the monitor's LIST and GETACL without copying them. */
static int
check_list_res(struct msbuf *b)
{
	return ms_list_result_parse(b, 1, NULL);
}

static int
check_acl_res(struct msbuf *b)
{
	return ms_acl_result_parse(b, NULL);
}

#define NO_PREFIX	SIZE_MAX

static const struct vec {
	const char	*name;
	void		(*put)(struct msbuf *);
	int		(*parse)(struct msbuf *);
	size_t		 ok_prefix;	/* a shorter message that is valid too */
	size_t		 len;		/* the encoding's length */
} vecs[] = {
	{ "OPEN",		put_open,	  parse_open,	    NO_PREFIX,
	    4 + 7 + 1 },
	{ "GETACL/CLOSE",	put_handle,	  parse_handle,	    NO_PREFIX, 4 },
	{ "GET/DELETE",		put_record,	  parse_record,	    NO_PREFIX,
	    4 + 4 + 2 },
	{ "DELETE node",	put_record_empty, parse_record_empty, NO_PREFIX,
	    4 + 4 },
	{ "SET",		put_set,	  parse_set,	    NO_PREFIX,
	    4 + 6 + 1 + 10 },
	{ "SET SECURE",		put_set_secure,	  parse_set_secure, NO_PREFIX,
	    4 + 6 + 1 + 4 + sizeof(blob_bytes) },
	{ "LIST LONG",		put_list_long,	  parse_list_long,  4, 5 },
	{ "SETACL",		put_setacl,	  parse_setacl,	    NO_PREFIX,
	    4 + 1 + 1 + 4 + (9 + 6) + (13 + 4) },
	{ "STATUS",		put_status_req,	  parse_status_req, 0, 1 },
	{ "OPEN result",	put_open_res,	  parse_open_res,   NO_PREFIX, 4 },
	{ "GET result",		put_get_res,	  parse_get_res,    NO_PREFIX,
	    1 + 8 + 8 + 4 + sizeof(blob_bytes) },
	{ "SET result",		put_set_res,	  parse_set_res,    NO_PREFIX, 8 },
	{ "STATUS result",	put_status_res,	  parse_status_res, NO_PREFIX,
	    16 + 9 + 4 + 2 + 32 },
	{ "STATUS basic",	put_status_basic, parse_status_basic, NO_PREFIX,
	    16 + 7 + 4 + 2 },
	{ "LIST result",	put_list_short,	  parse_list_short, NO_PREFIX,
	    4 + 9 + 4 + (17 + 1) + (8 + 1) },
	{ "LIST long result",	put_list_longres, parse_list_longres, NO_PREFIX,
	    4 + 9 + 4 + (17 + 17) + (8 + 17) },
	{ "LIST long checked",	put_list_longres, check_list_res,   NO_PREFIX,
	    4 + 9 + 4 + (17 + 17) + (8 + 17) },
	{ "GETACL result",	put_acl_res,	  parse_acl_res,    NO_PREFIX,
	    1 + 4 + (9 + 6 + 1) + (13 + 8 + 1) },
	{ "GETACL checked",	put_acl_res,	  check_acl_res,    NO_PREFIX,
	    1 + 4 + (9 + 6 + 1) + (13 + 8 + 1) },
};

static void
test_round_trips(void **state)
{
	struct msbuf *b;
	size_t i;

	for (i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		b = newbuf();
		vecs[i].put(b);
		if (msbuf_len(b) != vecs[i].len)
			fail_msg("%s: %zu bytes, want %zu", vecs[i].name,
			    msbuf_len(b), vecs[i].len);
		assert_int_equal(vecs[i].parse(b), 0);
		msbuf_free(b);
	}
}

static void
test_truncated(void **state)
{
	struct msbuf *b, *t;
	size_t i, cut;

	for (i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		b = newbuf();
		vecs[i].put(b);
		for (cut = 0; cut < msbuf_len(b); cut++) {
			assert_non_null(t = msbuf_from(msbuf_ptr(b), cut));
			if (cut == vecs[i].ok_prefix)
				assert_int_equal(vecs[i].parse(t), 0);
			else if (vecs[i].parse(t) == 0)
				fail_msg("%s cut at %zu parses", vecs[i].name,
				    cut);
			msbuf_free(t);
		}
		msbuf_free(b);
	}
}

static void
test_trailing(void **state)
{
	struct msbuf *b;
	size_t i;

	for (i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		b = newbuf();
		vecs[i].put(b);
		assert_int_equal(msbuf_put_u8(b, 0), 0);
		if (vecs[i].parse(b) != MS_ERR_INVALID_FORMAT)
			fail_msg("%s with a trailing byte is not refused",
			    vecs[i].name);
		/* Structure, so the worker answers PROTOCOL_ERROR. */
		assert_int_equal(ms_op_parse_status(MS_ERR_INVALID_FORMAT),
		    MS_ST_PROTOCOL_ERROR);
		msbuf_free(b);
	}
}

/* --- RESPONSE ----------------------------------------------------------- */

static void
test_response(void **state)
{
	struct msbuf *b = newbuf(), *res = newbuf();
	uint32_t id, st;

	/* OK: the result follows the header and stays in b. */
	put_set_res(res);
	assert_int_equal(ms_response_put(b, 5, MS_ST_OK, res), 0);
	assert_int_equal(msbuf_len(b), 4 + 4 + 8);
	assert_int_equal(ms_response_parse(b, &id, &st), 0);
	assert_int_equal(id, 5);
	assert_int_equal(st, MS_ST_OK);
	assert_int_equal(parse_set_res(b), 0);
	/* Not OK: the result is left out, and one that came is refused. */
	msbuf_reset(b);
	assert_int_equal(ms_response_put(b, 6, MS_ST_ACCESS_DENIED, res), 0);
	assert_int_equal(msbuf_len(b), 8);
	assert_int_equal(ms_response_parse(b, &id, &st), 0);
	assert_int_equal(st, MS_ST_ACCESS_DENIED);
	msbuf_reset(b);
	assert_int_equal(ms_response_put(b, 6, MS_ST_ACCESS_DENIED, NULL), 0);
	assert_int_equal(msbuf_put_u8(b, 0), 0);
	assert_int_equal(ms_response_parse(b, &id, &st), MS_ERR_INVALID_FORMAT);
	/* Short. */
	msbuf_reset(b);
	assert_int_equal(ms_request_id_put(b, 9), 0);
	assert_int_equal(ms_response_parse(b, &id, &st),
	    MS_ERR_MESSAGE_INCOMPLETE);
	/* The request id leaves the fields. */
	msbuf_reset(b);
	assert_int_equal(ms_request_id_put(b, 9), 0);
	put_handle(b);
	assert_int_equal(ms_request_id_parse(b, &id), 0);
	assert_int_equal(id, 9);
	assert_int_equal(parse_handle(b), 0);
	msbuf_free(b);
	msbuf_free(res);
}

/* --- caps: refused as the argument errors they are, before allocating -- */

static void
test_request_caps(void **state)
{
	struct msbuf *b = newbuf();
	struct ms_open_req oq;
	struct ms_record_req rq;
	struct ms_set_req sq;
	char *s;

	/* A path and a record name at their caps, then one byte over. */
	s = filled(MS_PATH_MAX + 1, 'p');
	s[0] = '/';
	assert_int_equal(ms_open_req_put(b, s, MS_ACCESS_READ),
	    MS_ERR_STRING_TOO_LARGE);
	assert_int_equal(msbuf_put_cstring(b, s), 0);
	assert_int_equal(msbuf_put_u8(b, MS_ACCESS_READ), 0);
	assert_int_equal(ms_open_req_parse(b, &oq), MS_ERR_STRING_TOO_LARGE);
	assert_int_equal(ms_op_parse_status(MS_ERR_STRING_TOO_LARGE),
	    MS_ST_INVALID_ARGUMENT);
	s[MS_PATH_MAX] = '\0';
	msbuf_reset(b);
	assert_int_equal(ms_open_req_put(b, s, MS_ACCESS_READ), 0);
	assert_int_equal(ms_open_req_parse(b, &oq), 0);
	assert_int_equal(oq.pathlen, MS_PATH_MAX);
	free(s);

	s = filled(MS_RECORD_NAME_MAX + 1, 'r');
	msbuf_reset(b);
	assert_int_equal(ms_record_req_put(b, 1, s), MS_ERR_STRING_TOO_LARGE);
	msbuf_reset(b);		/* a failed put leaves what it wrote */
	assert_int_equal(msbuf_put_u32(b, 1), 0);
	assert_int_equal(msbuf_put_cstring(b, s), 0);
	assert_int_equal(ms_record_req_parse(b, &rq), MS_ERR_STRING_TOO_LARGE);
	free(s);

	/* A NUL inside a name is the client's argument, not structure. */
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u32(b, 1), 0);
	assert_int_equal(msbuf_put_string(b, "a\0b", 3), 0);
	assert_int_equal(ms_record_req_parse(b, &rq), MS_ERR_STRING_HAS_NUL);
	assert_int_equal(ms_op_parse_status(MS_ERR_STRING_HAS_NUL),
	    MS_ST_INVALID_ARGUMENT);

	/* SET: value_max for plaintext, plus the blob overhead if SECURE. */
	s = filled(64 + MS_BLOB_OVERHEAD + 1, 'v');
	msbuf_reset(b);
	assert_int_equal(ms_set_req_put(b, 1, "r", 0, s, 65), 0);
	assert_int_equal(ms_set_req_parse(b, 64, &sq), MS_ERR_STRING_TOO_LARGE);
	assert_int_equal(sq.flags, 0);
	msbuf_reset(b);
	assert_int_equal(ms_set_req_put(b, 1, "r", MS_REC_SECURE, s,
	    64 + MS_BLOB_OVERHEAD + 1), 0);
	assert_int_equal(ms_set_req_parse(b, 64, &sq), MS_ERR_STRING_TOO_LARGE);
	/* The flags were read: the worker counts the blob all the same. */
	assert_int_equal(sq.flags, MS_REC_SECURE);
	assert_null(sq.value);
	msbuf_reset(b);
	assert_int_equal(ms_set_req_put(b, 1, "r", MS_REC_SECURE, s,
	    64 + MS_BLOB_OVERHEAD), 0);
	assert_int_equal(ms_set_req_parse(b, 64, &sq), 0);
	free(s);
	/* Flags not read: nothing to count. */
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u32(b, 1), 0);
	assert_int_equal(ms_set_req_parse(b, 64, &sq),
	    MS_ERR_MESSAGE_INCOMPLETE);
	assert_int_equal(sq.flags, 0);
	msbuf_free(b);
}

static void
test_setacl_caps(void **state)
{
	struct msbuf *b = newbuf();
	struct ms_setacl_req *q = malloc(sizeof(*q));
	char *s;
	uint32_t i;

	assert_non_null(q);
	/* n above MS_ACL_ENTRIES_MAX: refused before any entry is read. */
	assert_int_equal(ms_setacl_req_put(b, 1, 0, 0,
	    MS_ACL_ENTRIES_MAX + 1), MS_ERR_LIMIT);
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u32(b, 1), 0);
	assert_int_equal(msbuf_put_u8(b, 0), 0);
	assert_int_equal(msbuf_put_u8(b, 0), 0);
	assert_int_equal(msbuf_put_u32(b, UINT32_MAX), 0);
	assert_int_equal(ms_setacl_req_parse(b, q), MS_ERR_LIMIT);
	assert_int_equal(ms_op_parse_status(MS_ERR_LIMIT),
	    MS_ST_INVALID_ARGUMENT);
	/* Exactly MS_ACL_ENTRIES_MAX. */
	msbuf_reset(b);
	assert_int_equal(ms_setacl_req_put(b, 1, MS_SETACL_BREAK,
	    MS_SENSITIVE_SET, MS_ACL_ENTRIES_MAX), 0);
	for (i = 0; i < MS_ACL_ENTRIES_MAX; i++)
		assert_int_equal(ms_acl_change_put(b, "alice", "r"), 0);
	assert_int_equal(ms_setacl_req_parse(b, q), 0);
	assert_int_equal(q->n, MS_ACL_ENTRIES_MAX);
	assert_string_equal(q->changes[MS_ACL_ENTRIES_MAX - 1].who, "alice");
	/* who and rights one byte over their caps. */
	s = filled(MS_ACL_WHO_MAX + 1, 'a');
	msbuf_reset(b);
	assert_int_equal(ms_acl_change_put(b, s, "r"), MS_ERR_STRING_TOO_LARGE);
	assert_int_equal(ms_setacl_req_put(b, 1, 0, 0, 1), 0);
	assert_int_equal(msbuf_put_cstring(b, s), 0);
	assert_int_equal(msbuf_put_cstring(b, "r"), 0);
	assert_int_equal(ms_setacl_req_parse(b, q), MS_ERR_STRING_TOO_LARGE);
	free(s);
	msbuf_reset(b);
	assert_int_equal(ms_setacl_req_put(b, 1, 0, 0, 1), 0);
	assert_int_equal(msbuf_put_cstring(b, "alice"), 0);
	assert_int_equal(msbuf_put_cstring(b, "rswlar"), 0);
	assert_int_equal(ms_setacl_req_parse(b, q), MS_ERR_STRING_TOO_LARGE);
	free(q);
	msbuf_free(b);
}

/* STATUS: a detail PROTOCOL.md does not define is a protocol error. */
static void
test_status_detail(void **state)
{
	struct msbuf *b = newbuf();
	uint8_t d;

	assert_int_equal(ms_status_req_put(b, MS_STATUS_BASIC), 0);
	assert_int_equal(msbuf_len(b), 0);
	assert_int_equal(ms_status_req_parse(b, &d), 0);
	assert_int_equal(d, MS_STATUS_BASIC);
	assert_int_equal(msbuf_put_u8(b, MS_STATUS_USAGE + 1), 0);
	assert_int_equal(ms_status_req_parse(b, &d), MS_ERR_INVALID_FORMAT);
	assert_int_equal(ms_op_parse_status(MS_ERR_INVALID_FORMAT),
	    MS_ST_PROTOCOL_ERROR);
	/* The basic result is not a usage result, nor the other way. */
	msbuf_reset(b);
	put_status_basic(b);
	assert_int_not_equal(parse_status_res(b), 0);
	msbuf_reset(b);
	put_status_res(b);
	assert_int_equal(parse_status_basic(b), MS_ERR_INVALID_FORMAT);
	msbuf_free(b);
}

static void
test_result_caps(void **state)
{
	struct msbuf *b = newbuf();
	struct ms_get_res g;
	struct ms_status_res st;
	char *s;

	/* GET: unknown flags; a plain value at most MS_VALUE_MAX. */
	assert_int_equal(msbuf_put_u8(b, 0x80), 0);
	assert_int_equal(msbuf_put_u64(b, 1), 0);
	assert_int_equal(msbuf_put_u64(b, 1), 0);
	assert_int_equal(msbuf_put_string(b, "v", 1), 0);
	assert_int_equal(ms_get_res_parse(b, &g), MS_ERR_INVALID_FORMAT);
	s = filled(MS_VALUE_MAX + 1, 'v');
	g.flags = 0;
	g.version = g.mtime = 1;
	g.value = (const u_char *)s;
	g.valuelen = MS_VALUE_MAX + 1;
	msbuf_reset(b);
	assert_int_equal(ms_get_res_put(b, &g), MS_ERR_STRING_TOO_LARGE);
	assert_int_equal(msbuf_put_u8(b, 0), 0);
	assert_int_equal(msbuf_put_u64(b, 1), 0);
	assert_int_equal(msbuf_put_u64(b, 1), 0);
	assert_int_equal(msbuf_put_string(b, s, MS_VALUE_MAX + 1), 0);
	assert_int_equal(ms_get_res_parse(b, &g), MS_ERR_STRING_TOO_LARGE);
	/* ... and a SECURE one may carry the blob overhead. */
	g.flags = MS_REC_SECURE;
	g.value = (const u_char *)s;
	g.valuelen = MS_VALUE_MAX + 1;
	msbuf_reset(b);
	assert_int_equal(ms_get_res_put(b, &g), 0);
	assert_int_equal(ms_get_res_parse(b, &g), 0);
	assert_int_equal(g.valuelen, MS_VALUE_MAX + 1);
	free(s);

	/* STATUS: a principal above MS_PRINCIPAL_MAX. */
	s = filled(MS_PRINCIPAL_MAX + 1, 'p');
	msbuf_reset(b);
	assert_int_equal(ms_status_res_put(b, "v", s, 0, 0, NULL),
	    MS_ERR_STRING_TOO_LARGE);
	msbuf_reset(b);
	assert_int_equal(msbuf_put_cstring(b, "v"), 0);
	assert_int_equal(msbuf_put_cstring(b, s), 0);
	assert_int_equal(msbuf_put_u32(b, 0), 0);
	assert_int_equal(msbuf_put_u16(b, 0), 0);
	assert_int_equal(ms_status_res_parse(b, MS_STATUS_BASIC, &st),
	    MS_ERR_STRING_TOO_LARGE);
	free(s);
	msbuf_free(b);
}

/* --- LIST and GETACL ---------------------------------------------------- */

/* The minimum entry sizes are what the encodings take. */
static void
test_entry_minimums(void **state)
{
	struct ms_list_item e = { "", 0, 0, 0, 0 };
	struct msbuf *b = newbuf();

	assert_int_equal(ms_list_child_put(b, "", 0), 0);
	assert_int_equal(msbuf_len(b), MS_LIST_CHILD_MIN);
	msbuf_reset(b);
	assert_int_equal(ms_list_record_put(b, 0, &e), 0);
	assert_int_equal(msbuf_len(b), MS_LIST_RECORD_MIN);
	msbuf_reset(b);
	assert_int_equal(ms_list_record_put(b, 1, &e), 0);
	assert_int_equal(msbuf_len(b), MS_LIST_RECORD_LONG_MIN);
	msbuf_reset(b);
	assert_int_equal(ms_acl_item_put(b, "", "", 0), 0);
	assert_int_equal(msbuf_len(b), MS_ACL_ITEM_MIN);
	msbuf_free(b);
}

static void
put_counts(struct msbuf *b, uint32_t nchildren, uint32_t nrecords)
{
	assert_int_equal(msbuf_put_u32(b, nchildren), 0);
	assert_int_equal(msbuf_put_u32(b, nrecords), 0);
}

static void
test_list_counts(void **state)
{
	struct msbuf *b = newbuf(), *empty = newbuf();
	struct ms_list_result l;
	uint32_t i;

	/* Counts above MS_LIST_MAX: not put, not parsed. */
	assert_int_equal(ms_list_result_put(b, MS_LIST_MAX + 1, empty, 0,
	    empty), MS_ERR_LIMIT);
	assert_int_equal(ms_list_result_put(b, 0, empty, MS_LIST_MAX + 1,
	    empty), MS_ERR_LIMIT);
	msbuf_reset(b);
	put_counts(b, MS_LIST_MAX + 1, 0);
	assert_int_equal(ms_list_result_parse(b, 0, &l), MS_ERR_INVALID_FORMAT);
	/*
	 * At the cap but more than the message holds: refused on the count
	 * (a parse that allocated first would fail later, on a short name).
	 */
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u32(b, MS_LIST_MAX), 0);
	assert_int_equal(msbuf_put_cstring(b, "x"), 0);
	assert_int_equal(ms_list_result_parse(b, 0, &l), MS_ERR_INVALID_FORMAT);
	assert_null(l.children);
	/* Long-form records take 21 bytes at least, short ones 5. */
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u32(b, 0), 0);
	assert_int_equal(msbuf_put_u32(b, 2), 0);
	for (i = 0; i < 2; i++) {
		assert_int_equal(msbuf_put_cstring(b, "x"), 0);
		assert_int_equal(msbuf_put_u8(b, 0), 0);
	}
	assert_int_equal(ms_list_result_parse(b, 1, NULL),
	    MS_ERR_INVALID_FORMAT);
	/* Nothing at all is a valid, empty listing. */
	msbuf_reset(b);
	put_counts(b, 0, 0);
	assert_int_equal(ms_list_result_parse(b, 0, &l), 0);
	assert_int_equal(l.nchildren + l.nrecords, 0);
	assert_null(l.children);
	assert_null(l.records);
	msbuf_free(b);
	msbuf_free(empty);
}

/* Names a client would put on a terminal, and flags it does not know. */
static void
test_list_names(void **state)
{
	static const char *const bad_child[] = { "", ".", "..", "a/b",
	    "evil\x1b[2J" };
	struct ms_list_item e = { "x", 1, 0x80, 0, 0 };
	struct msbuf *b = newbuf();
	size_t i;

	for (i = 0; i < sizeof(bad_child) / sizeof(bad_child[0]); i++) {
		msbuf_reset(b);
		assert_int_equal(msbuf_put_u32(b, 1), 0);
		assert_int_equal(msbuf_put_cstring(b, bad_child[i]), 0);
		assert_int_equal(msbuf_put_u32(b, 0), 0);
		if (ms_list_result_parse(b, 0, NULL) != MS_ERR_INVALID_FORMAT)
			fail_msg("child \"%s\" is not refused", bad_child[i]);
	}
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u32(b, 1), 0);
	assert_int_equal(msbuf_put_string(b, "a\0b", 3), 0);
	assert_int_equal(msbuf_put_u32(b, 0), 0);
	assert_int_equal(ms_list_result_parse(b, 0, NULL),
	    MS_ERR_STRING_HAS_NUL);
	/* A record may be named "." (it is no path segment). */
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u32(b, 0), 0);
	assert_int_equal(msbuf_put_u32(b, 1), 0);
	assert_int_equal(msbuf_put_cstring(b, "."), 0);
	assert_int_equal(msbuf_put_u8(b, 0), 0);
	assert_int_equal(ms_list_result_parse(b, 0, NULL), 0);
	/* Unknown record flags: not put, not parsed. */
	msbuf_reset(b);
	assert_int_equal(ms_list_record_put(b, 0, &e), MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(msbuf_put_u32(b, 0), 0);
	assert_int_equal(msbuf_put_u32(b, 1), 0);
	assert_int_equal(msbuf_put_cstring(b, "x"), 0);
	assert_int_equal(msbuf_put_u8(b, 0x80), 0);
	assert_int_equal(ms_list_result_parse(b, 0, NULL),
	    MS_ERR_INVALID_FORMAT);
	msbuf_free(b);
}

static void
put_acl_one(struct msbuf *b, uint8_t node_flags, const char *who,
    const char *rights, uint8_t inherited)
{
	assert_int_equal(msbuf_put_u8(b, node_flags), 0);
	assert_int_equal(msbuf_put_u32(b, 1), 0);
	assert_int_equal(msbuf_put_cstring(b, who), 0);
	assert_int_equal(msbuf_put_cstring(b, rights), 0);
	assert_int_equal(msbuf_put_u8(b, inherited), 0);
}

static void
test_acl_entries(void **state)
{
	struct msbuf *b = newbuf(), *empty = newbuf();
	struct ms_acl_result a;
	char *s;

	/* Valid, with repeated rights letters (PROTOCOL.md 8). */
	put_acl_one(b, MS_NODE_SENSITIVE, "group:ops", "rr", 0);
	assert_int_equal(ms_acl_result_parse(b, NULL), 0);
	/* Bad who, bad rights, inherited 2, unknown node flags. */
	msbuf_reset(b);
	put_acl_one(b, 0, "group:", "r", 0);
	assert_int_equal(ms_acl_result_parse(b, &a), MS_ERR_INVALID_FORMAT);
	assert_null(a.items);
	msbuf_reset(b);
	put_acl_one(b, 0, "alice", "rq", 0);
	assert_int_equal(ms_acl_result_parse(b, NULL), MS_ERR_INVALID_FORMAT);
	msbuf_reset(b);
	put_acl_one(b, 0, "alice", "r", 2);
	assert_int_equal(ms_acl_result_parse(b, NULL), MS_ERR_INVALID_FORMAT);
	assert_int_equal(ms_acl_item_put(empty, "alice", "r", 2),
	    MS_ERR_INVALID_ARGUMENT);
	msbuf_reset(b);
	put_acl_one(b, MS_NODE_FLAGS_MASK + 1, "alice", "r", 0);
	assert_int_equal(ms_acl_result_parse(b, NULL), MS_ERR_INVALID_FORMAT);
	assert_int_equal(ms_acl_result_put(b, MS_NODE_FLAGS_MASK + 1, 0,
	    empty), MS_ERR_INVALID_ARGUMENT);
	/* who and rights above their caps. */
	s = filled(MS_ACL_WHO_MAX + 1, 'a');
	msbuf_reset(b);
	put_acl_one(b, 0, s, "r", 0);
	assert_int_equal(ms_acl_result_parse(b, NULL), MS_ERR_STRING_TOO_LARGE);
	assert_int_equal(ms_acl_item_put(empty, s, "r", 0),
	    MS_ERR_STRING_TOO_LARGE);
	free(s);
	msbuf_reset(b);
	put_acl_one(b, 0, "alice", "rswlar", 0);
	assert_int_equal(ms_acl_result_parse(b, NULL), MS_ERR_STRING_TOO_LARGE);
	/*
	 * No cap but the message: 2^32 - 1 entries in a few bytes are
	 * refused on the count, where allocating them first would fail for
	 * memory (MS_ERR_ALLOC) instead.
	 */
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u8(b, 0), 0);
	assert_int_equal(msbuf_put_u32(b, UINT32_MAX), 0);
	assert_int_equal(msbuf_put_cstring(b, "alice"), 0);
	assert_int_equal(ms_acl_result_parse(b, &a), MS_ERR_INVALID_FORMAT);
	assert_null(a.items);
	msbuf_free(b);
	msbuf_free(empty);
}

/* LIST paging: the cursor and the "more" byte. */
static void
test_list_paging(void **state)
{
	struct ms_list_cursor c, got;
	struct ms_list_req q;
	struct ms_list_result l;
	struct msbuf *b, *ch, *rec;
	int more;

	(void)state;
	assert_non_null(b = msbuf_new(4096));
	memset(&c, 0, sizeof(c));
	c.kind = MS_LIST_AFTER_RECORD;
	strlcpy(c.name, "rec9", sizeof(c.name));
	c.len = 4;
	assert_int_equal(ms_list_req_put(b, 7, MS_LIST_PAGED | MS_LIST_LONG,
	    &c), 0);
	assert_int_equal(ms_list_req_parse(b, &q), 0);
	assert_int_equal(q.handle, 7);
	assert_int_equal(q.list_flags, MS_LIST_PAGED | MS_LIST_LONG);
	assert_int_equal(q.cursor.kind, MS_LIST_AFTER_RECORD);
	assert_string_equal(q.cursor.name, "rec9");
	/* PAGED needs a cursor; a cursor needs PAGED. */
	msbuf_reset(b);
	assert_int_equal(ms_list_req_put(b, 7, MS_LIST_PAGED, NULL),
	    MS_ERR_INVALID_ARGUMENT);
	msbuf_reset(b);
	assert_int_equal(ms_list_req_put(b, 7, MS_LIST_PAGED, &c), 0);
	assert_int_equal(msbuf_consume_end(b, 1), 0);	/* truncated name */
	assert_int_not_equal(ms_list_req_parse(b, &q), 0);
	/* Bad cursors: unknown kind, a start with a name, "..", empty after. */
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u8(b, 3), 0);
	assert_int_equal(msbuf_put_cstring(b, "x"), 0);
	assert_int_equal(ms_list_cursor_parse(b, &got), MS_ERR_INVALID_FORMAT);
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u8(b, MS_LIST_FROM_START), 0);
	assert_int_equal(msbuf_put_cstring(b, "x"), 0);
	assert_int_equal(ms_list_cursor_parse(b, &got), MS_ERR_INVALID_FORMAT);
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u8(b, MS_LIST_AFTER_CHILD), 0);
	assert_int_equal(msbuf_put_cstring(b, ".."), 0);
	assert_int_equal(ms_list_cursor_parse(b, &got), MS_ERR_INVALID_FORMAT);
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u8(b, MS_LIST_AFTER_RECORD), 0);
	assert_int_equal(msbuf_put_cstring(b, ""), 0);
	assert_int_equal(ms_list_cursor_parse(b, &got), MS_ERR_INVALID_FORMAT);

	/* A page: the result, then more (0 or 1, nothing after it). */
	assert_non_null(ch = msbuf_new(256));
	assert_non_null(rec = msbuf_new(256));
	assert_int_equal(ms_list_child_put(ch, "kid", 3), 0);
	msbuf_reset(b);
	assert_int_equal(ms_list_result_put(b, 1, ch, 0, rec), 0);
	assert_int_equal(ms_list_more_put(b, 1), 0);
	assert_int_equal(ms_list_page_parse(b, 0, &l, &more), 0);
	assert_int_equal(more, 1);
	assert_int_equal(l.nchildren, 1);
	ms_list_result_free(&l);
	msbuf_reset(b);
	assert_int_equal(ms_list_result_put(b, 1, ch, 0, rec), 0);
	assert_int_equal(msbuf_put_u8(b, 2), 0);
	assert_int_equal(ms_list_page_parse(b, 0, NULL, &more),
	    MS_ERR_INVALID_FORMAT);
	msbuf_reset(b);
	assert_int_equal(ms_list_result_put(b, 1, ch, 0, rec), 0);
	assert_int_not_equal(ms_list_page_parse(b, 0, NULL, &more), 0);
	/* The page budget leaves room for the response header and more. */
	assert_true(MS_LIST_PAGE_ENTRIES_MAX + 4 + 4 + 4 + 4 + 1 <=
	    MS_RECORD_PLAINTEXT_MAX - 1);
	msbuf_free(ch);
	msbuf_free(rec);
	msbuf_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_trailing),
		cmocka_unit_test(test_response),
		cmocka_unit_test(test_request_caps),
		cmocka_unit_test(test_setacl_caps),
		cmocka_unit_test(test_status_detail),
		cmocka_unit_test(test_result_caps),
		cmocka_unit_test(test_entry_minimums),
		cmocka_unit_test(test_list_counts),
		cmocka_unit_test(test_list_names),
		cmocka_unit_test(test_acl_entries),
		cmocka_unit_test(test_list_paging),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
