/*
 * test_client_parse.c — libmetasafe's response parsers and SECURE blob
 * decryption with a fake connection: GET blobs, handles, LIST (short and
 * long form), GETACL status and node flags.
 */
#include "client_fixture.h"

/* --- response parsers and blobs with a fake connection ------------------ */

static struct metasafe_conn *
fake_conn(const u_char secret[32], struct ms_blob_ctx *server_tx)
{
	struct metasafe_conn *c;

	assert_non_null(c = cl_conn_new());
	c->state = CL_STATE_AUTHED;
	c->cipher = MS_CIPHER_AES256_GCM;
	c->alg = MS_AEAD_AES256_GCM;
	assert_int_equal(ms_blob_ctx_init(&c->brx, c->alg, c->cipher, secret,
	    1), 0);
	assert_int_equal(ms_blob_ctx_init(server_tx, c->alg, c->cipher, secret,
	    1), 0);
	return c;
}

static struct msbuf *
get_result(uint8_t flags, const u_char *val, size_t len)
{
	struct msbuf *b;

	assert_non_null(b = msbuf_new(2 * 1024 * 1024));
	assert_int_equal(msbuf_put_u8(b, flags), 0);
	assert_int_equal(msbuf_put_u64(b, 3), 0);
	assert_int_equal(msbuf_put_u64(b, 1700000000), 0);
	assert_int_equal(msbuf_put_string(b, val, len), 0);
	return b;
}

static struct msbuf *
secure_result(struct ms_blob_ctx *stx, const char *path, const char *rec,
    uint32_t handle, const char *value)
{
	struct msbuf *blob, *res;

	assert_non_null(blob = msbuf_new(2 * 1024 * 1024));
	assert_int_equal(ms_blob_seal(stx, path, rec, handle,
	    (const u_char *)value, strlen(value), blob), 0);
	res = get_result(MS_REC_SECURE, msbuf_ptr(blob), msbuf_len(blob));
	msbuf_free(blob);
	return res;
}

/* A blob sealed for ("/db", "pw", handle 7) read as (h, path, rec). */
static void
blob_refused(const u_char secret[32], struct ms_blob_ctx *stx, uint32_t h,
    const char *path, const char *rec)
{
	struct metasafe_conn *c = fake_conn(secret, stx);
	struct metasafe_value *v = NULL;
	struct msbuf *res = secure_result(stx, "/db", "pw", 7, "x");

	assert_int_equal(cl_get_parse(c, h, path, rec, res, &v),
	    METASAFE_ERR_BLOB);
	msbuf_free(res);
	cl_conn_free(c);
}

static void
test_get_blob(void **state)
{
	struct metasafe_conn *c;
	struct metasafe_value *v = NULL;
	struct ms_blob_ctx stx;
	struct msbuf *res;
	u_char secret[32];

	memset(secret, 0xab, sizeof(secret));
	c = fake_conn(secret, &stx);

	/* Plain. */
	res = get_result(0, (const u_char *)"hello", 5);
	assert_int_equal(cl_get_parse(c, 7, "/a", "r", res, &v), 0);
	assert_int_equal(v->len, 5);
	assert_memory_equal(v->data, "hello", 5);
	assert_int_equal(v->data[5], '\0');
	assert_int_equal(v->version, 3);
	metasafe_value_free(v);
	msbuf_free(res);

	/* SECURE, two in a row (sequence numbers advance together). */
	res = secure_result(&stx, "/db", "pw", 7, "s3cret");
	assert_int_equal(cl_get_parse(c, 7, "/db", "pw", res, &v), 0);
	assert_int_equal(v->flags, MS_REC_SECURE);
	assert_int_equal(v->len, 6);
	assert_memory_equal(v->data, "s3cret", 6);
	metasafe_value_free(v);
	msbuf_free(res);
	res = secure_result(&stx, "/db", "pw", 7, "");
	assert_int_equal(cl_get_parse(c, 7, "/db", "pw", res, &v), 0);
	assert_int_equal(v->len, 0);
	metasafe_value_free(v);
	msbuf_free(res);
	assert_int_equal(c->state, CL_STATE_AUTHED);
	cl_conn_free(c);

	/* Moved to another record: refused, nothing returned, conn broken. */
	c = fake_conn(secret, &stx);
	res = secure_result(&stx, "/db", "pw", 7, "s3cret");
	v = NULL;
	assert_int_equal(cl_get_parse(c, 7, "/db", "other", res, &v),
	    METASAFE_ERR_BLOB);
	assert_null(v);
	assert_int_equal(c->state, CL_STATE_BROKEN);
	msbuf_free(res);
	cl_conn_free(c);

	/* Another path / handle. */
	blob_refused(secret, &stx, 7, "/dc", "pw");
	blob_refused(secret, &stx, 8, "/db", "pw");

	/* Replay: the second copy has a stale sequence number. */
	c = fake_conn(secret, &stx);
	res = secure_result(&stx, "/db", "pw", 7, "x");
	assert_int_equal(cl_get_parse(c, 7, "/db", "pw", res, &v), 0);
	metasafe_value_free(v);
	msbuf_free(res);
	stx.seq = 0;
	res = secure_result(&stx, "/db", "pw", 7, "x");
	assert_int_equal(cl_get_parse(c, 7, "/db", "pw", res, &v),
	    METASAFE_ERR_BLOB);
	msbuf_free(res);
	cl_conn_free(c);

	/* Direction matters: a blob sealed client->server is refused. */
	c = fake_conn(secret, &stx);
	assert_int_equal(ms_blob_ctx_init(&stx, MS_AEAD_AES256_GCM,
	    MS_CIPHER_AES256_GCM, secret, 0), 0);
	res = secure_result(&stx, "/db", "pw", 7, "x");
	assert_int_equal(cl_get_parse(c, 7, "/db", "pw", res, &v),
	    METASAFE_ERR_BLOB);
	msbuf_free(res);
	cl_conn_free(c);

	/* Unknown flags and trailing bytes are protocol errors. */
	c = fake_conn(secret, &stx);
	res = get_result(0x80, (const u_char *)"x", 1);
	assert_int_equal(cl_get_parse(c, 7, "/a", "r", res, &v),
	    METASAFE_ERR_PROTOCOL);
	msbuf_free(res);
	cl_conn_free(c);
	c = fake_conn(secret, &stx);
	res = get_result(0, (const u_char *)"x", 1);
	assert_int_equal(msbuf_put_u8(res, 0), 0);
	assert_int_equal(cl_get_parse(c, 7, "/a", "r", res, &v),
	    METASAFE_ERR_PROTOCOL);
	msbuf_free(res);
	cl_conn_free(c);
	ms_blob_ctx_clear(&stx);
}

static void
test_handles(void **state)
{
	struct metasafe_conn *c;
	uint32_t i;

	assert_non_null(c = cl_conn_new());
	assert_int_equal(cl_handle_add(c, 5, "/a"), 0);
	assert_int_equal(cl_handle_add(c, 5, "/b"), METASAFE_ERR_PROTOCOL);
	assert_string_equal(cl_handle_find(c, 5)->path, "/a");
	cl_handle_del(c, 5);
	assert_null(cl_handle_find(c, 5));
	for (i = 0; i < MS_HANDLES_MAX; i++)
		assert_int_equal(cl_handle_add(c, 100 + i, "/x"), 0);
	assert_int_equal(cl_handle_add(c, 1, "/x"), METASAFE_ERR_PROTOCOL);
	/* Operations refuse before authentication, without I/O. */
	c->state = CL_STATE_HS;
	assert_int_equal(metasafe_close_handle(c, 100), METASAFE_ERR_USAGE);
	c->state = CL_STATE_AUTHED;
	assert_int_equal(metasafe_delete(c, 99, "r"), METASAFE_ERR_BAD_HANDLE);
	assert_int_equal(metasafe_get(c, 100, "a/b", &(struct metasafe_value *){
	    NULL }), METASAFE_ERR_INVALID);
	assert_int_equal(metasafe_open(c, "relative", METASAFE_READ, &i),
	    METASAFE_ERR_INVALID);
	assert_int_equal(metasafe_open(c, "/a/../b", METASAFE_READ, &i),
	    METASAFE_ERR_INVALID);
	assert_non_null(strstr(metasafe_last_error_message(c), "invalid path"));
	assert_int_equal(metasafe_set(c, 100, "r", 0, "", MS_VALUE_MAX + 1,
	    NULL), METASAFE_ERR_INVALID);
	cl_conn_free(c);
}

static void
put_name(struct msbuf *b, const char *s)
{
	assert_int_equal(msbuf_put_cstring(b, s), 0);
}

/* A LIST result without children and with one record (name, flags). */
static void
list_one_record(struct msbuf *b, const char *name, uint8_t flags)
{
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u32(b, 0), 0);
	assert_int_equal(msbuf_put_u32(b, 1), 0);
	put_name(b, name);
	assert_int_equal(msbuf_put_u8(b, flags), 0);
}

/* A LIST result with one child and no records. */
static void
list_one_child(struct msbuf *b, const char *name)
{
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u32(b, 1), 0);
	put_name(b, name);
	assert_int_equal(msbuf_put_u32(b, 0), 0);
}

/* An empty LIST result and one trailing byte. */
static void
list_empty_trailing(struct msbuf *b)
{
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u32(b, 0), 0);
	assert_int_equal(msbuf_put_u32(b, 0), 0);
	assert_int_equal(msbuf_put_u8(b, 0), 0);
}

/* The STATUS result up to the usage fields (the detail 0 layout). */
static void
status_head(struct msbuf *b)
{
	msbuf_reset(b);
	put_name(b, "metasafe-0.1");
	put_name(b, "alice");
	assert_int_equal(msbuf_put_u32(b, 1), 0);
	assert_int_equal(msbuf_put_u16(b, MS_CIPHER_CHACHA20_POLY1305), 0);
}

/* The LIST long form: version and mtime after each record's flags. */
static void
test_list_long_parse(void **state)
{
	struct metasafe_list_long *l;
	struct msbuf *b;

	assert_non_null(b = msbuf_new(4096));
	assert_int_equal(msbuf_put_u32(b, 1), 0);
	put_name(b, "child");
	assert_int_equal(msbuf_put_u32(b, 2), 0);
	put_name(b, "data [secure]");
	assert_int_equal(msbuf_put_u8(b, 0), 0);
	assert_int_equal(msbuf_put_u64(b, 1), 0);
	assert_int_equal(msbuf_put_u64(b, 1796161202), 0);
	put_name(b, "data");
	assert_int_equal(msbuf_put_u8(b, MS_REC_SECURE | MS_REC_INHERIT), 0);
	assert_int_equal(msbuf_put_u64(b, UINT64_MAX), 0);
	assert_int_equal(msbuf_put_u64(b, 0), 0);
	assert_int_equal(cl_list_long_parse(b, &l), 0);
	assert_int_equal(l->n_children, 1);
	assert_string_equal(l->children[0], "child");
	assert_int_equal(l->n_records, 2);
	assert_string_equal(l->records[0].name, "data [secure]");
	assert_int_equal(l->records[0].flags, 0);
	assert_int_equal(l->records[0].version, 1);
	assert_int_equal(l->records[0].mtime, 1796161202);
	assert_int_equal(l->records[1].flags, MS_REC_SECURE | MS_REC_INHERIT);
	assert_true(l->records[1].version == UINT64_MAX);
	metasafe_free_list_long(l);

	/* The short form is not a long form (missing u64s). */
	list_one_record(b, "x", 0);
	assert_int_equal(cl_list_long_parse(b, &l), METASAFE_ERR_PROTOCOL);
	assert_null(l);
	/* Unknown record flags. */
	list_one_record(b, "x", 0x80);
	assert_int_equal(msbuf_put_u64(b, 1), 0);
	assert_int_equal(msbuf_put_u64(b, 1), 0);
	assert_int_equal(cl_list_long_parse(b, &l), METASAFE_ERR_PROTOCOL);
	/* Trailing bytes. */
	list_empty_trailing(b);
	assert_int_equal(cl_list_long_parse(b, &l), METASAFE_ERR_PROTOCOL);
	msbuf_free(b);
}

static void
test_list_parse(void **state)
{
	struct metasafe_list *l;
	struct msbuf *b;

	assert_non_null(b = msbuf_new(4096));
	assert_int_equal(msbuf_put_u32(b, 2), 0);
	put_name(b, "child1");
	put_name(b, "child2");
	assert_int_equal(msbuf_put_u32(b, 1), 0);
	put_name(b, "password");
	assert_int_equal(msbuf_put_u8(b, MS_REC_SECURE), 0);
	assert_int_equal(cl_list_parse(b, &l), 0);
	assert_int_equal(l->n_children, 2);
	assert_string_equal(l->children[1], "child2");
	assert_int_equal(l->n_records, 1);
	assert_string_equal(l->records[0].name, "password");
	assert_int_equal(l->records[0].flags, MS_REC_SECURE);
	metasafe_free_list(l);

	/* A huge count in a small message is refused before allocating. */
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u32(b, 65536), 0);
	put_name(b, "x");
	assert_int_equal(cl_list_parse(b, &l), METASAFE_ERR_PROTOCOL);
	assert_null(l);

	/* Terminal escapes in names are refused. */
	list_one_child(b, "evil\x1b[2J");
	assert_int_equal(cl_list_parse(b, &l), METASAFE_ERR_PROTOCOL);
	list_one_child(b, "..");
	assert_int_equal(cl_list_parse(b, &l), METASAFE_ERR_PROTOCOL);

	/* Trailing bytes. */
	list_empty_trailing(b);
	assert_int_equal(cl_list_parse(b, &l), METASAFE_ERR_PROTOCOL);
	msbuf_free(b);
}

static void
test_acl_status_parse(void **state)
{
	struct metasafe_acl *a;
	struct metasafe_status *st;
	struct msbuf *b;

	assert_non_null(b = msbuf_new(4096));
	assert_int_equal(msbuf_put_u8(b, MS_NODE_NOINHERIT), 0);
	assert_int_equal(msbuf_put_u32(b, 2), 0);
	put_name(b, "alice");
	put_name(b, "rs");
	assert_int_equal(msbuf_put_u8(b, 0), 0);
	put_name(b, "group:ops");
	put_name(b, "rwla");
	assert_int_equal(msbuf_put_u8(b, 1), 0);
	assert_int_equal(cl_acl_parse(b, &a), 0);
	assert_int_equal(a->node_flags, MS_NODE_NOINHERIT);
	assert_int_equal(a->n, 2);
	assert_string_equal(a->entries[1].who, "group:ops");
	assert_int_equal(a->entries[1].inherited, 1);
	metasafe_free_acl(a);

	msbuf_reset(b);
	assert_int_equal(msbuf_put_u8(b, 0), 0);
	assert_int_equal(msbuf_put_u32(b, 1), 0);
	put_name(b, "alice");
	put_name(b, "rq");
	assert_int_equal(msbuf_put_u8(b, 0), 0);
	assert_int_equal(cl_acl_parse(b, &a), METASAFE_ERR_PROTOCOL);
	assert_null(a);

	status_head(b);
	/* Without the usage fields (detail 0 layout): refused. */
	assert_int_equal(cl_status_parse(b, &st), METASAFE_ERR_PROTOCOL);
	assert_null(st);
	status_head(b);
	assert_int_equal(msbuf_put_u64(b, 12288), 0);
	assert_int_equal(msbuf_put_u64(b, 1ULL << 30), 0);
	assert_int_equal(msbuf_put_u64(b, 2), 0);
	assert_int_equal(msbuf_put_u64(b, 7), 0);
	assert_int_equal(cl_status_parse(b, &st), 0);
	assert_int_equal(st->store_used_bytes, 12288);
	assert_int_equal(st->store_max_bytes, 1ULL << 30);
	assert_int_equal(st->store_nodes, 2);
	assert_int_equal(st->store_records, 7);
	assert_string_equal(st->server_version, "metasafe-0.1");
	assert_string_equal(st->principal, "alice");
	assert_string_equal(st->cipher_name, "chacha20-poly1305");
	assert_int_equal(st->open_handles, 1);
	metasafe_free_status(st);
	msbuf_free(b);
}

static void
test_acl_sensitive_parse(void **state)
{
	struct metasafe_acl *a;
	struct msbuf *b;
	uint8_t f;

	assert_non_null(b = msbuf_new(256));
	for (f = 0; f < 8; f++) {
		msbuf_reset(b);
		assert_int_equal(msbuf_put_u8(b, f), 0);
		assert_int_equal(msbuf_put_u32(b, 0), 0);
		if (f <= (METASAFE_NODE_NOINHERIT | METASAFE_NODE_SENSITIVE)) {
			assert_int_equal(cl_acl_parse(b, &a), 0);
			assert_int_equal(a->node_flags, f);
			metasafe_free_acl(a);
		} else {
			assert_int_equal(cl_acl_parse(b, &a),
			    METASAFE_ERR_PROTOCOL);
			assert_null(a);
		}
	}
	msbuf_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_blob),
		cmocka_unit_test(test_handles),
		cmocka_unit_test(test_list_parse),
		cmocka_unit_test(test_list_long_parse),
		cmocka_unit_test(test_acl_status_parse),
		cmocka_unit_test(test_acl_sensitive_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
