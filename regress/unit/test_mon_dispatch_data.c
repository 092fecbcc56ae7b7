/*
 * test_mon_dispatch_data.c — data requests after AUTH: ACLs on the bound
 * principal, SENSITIVE subtrees, and a write request with one trailing
 * byte that must leave the store byte-for-byte unchanged (I6).
 */
#include "mon_dispatch_fixture.h"

static void
test_acl_enforced_on_bound_principal(void **state)
{
	struct fixture *f = *state;
	struct session a, b;
	char v[64];

	session_start(f, &a);
	session_kex(f, &a);
	assert_int_equal(session_auth(f, &a, f->alice, f->alice, 0), MS_ST_OK);
	assert_int_equal(data_set(f, &a, "/secret", "k", 0, "v1"), MS_ST_OK);

	/* bob authenticated but has no ACL entry: default deny. */
	session_start(f, &b);
	session_kex(f, &b);
	assert_int_equal(session_auth(f, &b, f->bob, f->bob, 0), MS_ST_OK);
	assert_int_equal(data_get(f, &b, "/secret", "k", v, sizeof(v)),
	    MS_ST_ACCESS_DENIED);
	assert_int_equal(data_set(f, &b, "/secret", "k", 0, "evil"),
	    MS_ST_ACCESS_DENIED);
	assert_int_equal(data_get(f, &a, "/secret", "k", v, sizeof(v)),
	    MS_ST_OK);
	assert_string_equal(v, "v1");
	session_free(&a);
	session_free(&b);
}

static uint32_t
simple_req(struct fixture *f, struct session *s, uint8_t type,
    const char *path, const char *rec, int access)
{
	struct msbuf *req = newbuf(), *resp = newbuf();
	uint32_t st;

	assert_int_equal(msbuf_put_cstring(req, path), 0);
	if (rec != NULL)
		assert_int_equal(msbuf_put_cstring(req, rec), 0);
	if (access >= 0)
		assert_int_equal(msbuf_put_u8(req, (uint8_t)access), 0);
	assert_int_equal(call(f, s, type, req, resp), 0);
	assert_int_equal(msbuf_get_u32(resp, &st), 0);
	msbuf_free(req);
	msbuf_free(resp);
	return st;
}

static uint32_t
setacl(struct fixture *f, struct session *s, const char *path,
    uint8_t sensitive, const char *who, const char *rights)
{
	struct msbuf *req = newbuf(), *resp = newbuf();
	uint32_t st;

	assert_int_equal(msbuf_put_cstring(req, path), 0);
	assert_int_equal(msbuf_put_u8(req, MS_SETACL_UNCHANGED), 0);
	assert_int_equal(msbuf_put_u8(req, sensitive), 0);
	assert_int_equal(msbuf_put_u32(req, who != NULL ? 1 : 0), 0);
	if (who != NULL) {
		assert_int_equal(msbuf_put_cstring(req, who), 0);
		assert_int_equal(msbuf_put_cstring(req, rights), 0);
	}
	assert_int_equal(call(f, s, MS_MON_SETACL, req, resp), 0);
	assert_int_equal(msbuf_get_u32(resp, &st), 0);
	assert_int_equal(msbuf_len(resp), 0);
	msbuf_free(req);
	msbuf_free(resp);
	return st;
}

static uint8_t
node_flags(struct fixture *f, struct session *s, const char *path)
{
	struct msbuf *req = newbuf(), *resp = newbuf();
	uint32_t st;
	uint8_t flags;

	assert_int_equal(msbuf_put_cstring(req, path), 0);
	assert_int_equal(call(f, s, MS_MON_GETACL, req, resp), 0);
	assert_int_equal(msbuf_get_u32(resp, &st), 0);
	assert_int_equal(st, MS_ST_OK);
	assert_int_equal(msbuf_get_u8(resp, &flags), 0);
	msbuf_free(req);
	msbuf_free(resp);
	return flags;
}

static void
test_sensitive_subtree(void **state)
{
	struct fixture *f = *state;
	struct session a, b, c;
	struct msbuf *req = newbuf(), *resp = newbuf();
	X509 *x = client_cert(f, f->leaf_key, "carol", 400, DAY, NULL, NULL);
	char v[64];

	session_start(f, &a);
	session_kex(f, &a);
	assert_int_equal(session_auth(f, &a, f->alice, f->alice, 0), MS_ST_OK);
	session_start(f, &b);
	session_kex(f, &b);
	assert_int_equal(session_auth(f, &b, f->bob, f->bob, 0), MS_ST_OK);
	assert_int_equal(cert_login(f, &c, x, NULL, f->leaf_key, NULL),
	    MS_ST_OK);

	assert_int_equal(data_set(f, &a, "/sens/db", "pw", MS_REC_SECURE,
	    "s3cret"), MS_ST_OK);
	assert_int_equal(setacl(f, &a, "/sens", MS_SENSITIVE_UNCHANGED,
	    "bob", "rswl"), MS_ST_OK);
	assert_int_equal(setacl(f, &a, "/sens", MS_SENSITIVE_UNCHANGED,
	    "group:ops", "rswl"), MS_ST_OK);
	/* Before the flag, bob reads. */
	assert_int_equal(data_get(f, &b, "/sens/db", "pw", v, sizeof(v)),
	    MS_ST_OK);
	assert_int_equal(setacl(f, &a, "/sens", MS_SENSITIVE_SET, NULL, NULL),
	    MS_ST_OK);
	assert_int_equal(node_flags(f, &a, "/sens"), MS_NODE_SENSITIVE);
	assert_int_equal(node_flags(f, &a, "/sens/db"), 0);

	/* Raw-key principal named by the ACL: refused everywhere below. */
	assert_int_equal(data_get(f, &b, "/sens/db", "pw", v, sizeof(v)),
	    MS_ST_ACCESS_DENIED);
	assert_int_equal(data_set(f, &b, "/sens/db", "pw", MS_REC_SECURE,
	    "evil"), MS_ST_ACCESS_DENIED);
	assert_int_equal(data_set(f, &b, "/sens/new/deep", "r", 0, "x"),
	    MS_ST_ACCESS_DENIED);
	assert_int_equal(simple_req(f, &b, MS_MON_DELETE, "/sens/db", "pw",
	    -1), MS_ST_ACCESS_DENIED);
	assert_int_equal(simple_req(f, &b, MS_MON_LIST, "/sens", NULL, -1),
	    MS_ST_ACCESS_DENIED);
	assert_int_equal(simple_req(f, &b, MS_MON_OPEN, "/sens/db", NULL,
	    MS_ACCESS_READ), MS_ST_ACCESS_DENIED);
	/* Even a bootstrap administrator on a raw key ... */
	assert_int_equal(data_get(f, &a, "/sens/db", "pw", v, sizeof(v)),
	    MS_ST_ACCESS_DENIED);
	assert_int_equal(simple_req(f, &a, MS_MON_OPEN, "/sens", NULL,
	    MS_ACCESS_READ | MS_ACCESS_WRITE), MS_ST_ACCESS_DENIED);
	/* ... who can still open READ to manage the ACL. */
	assert_int_equal(simple_req(f, &a, MS_MON_OPEN, "/sens", NULL,
	    MS_ACCESS_READ), MS_ST_OK);

	/* The certificate principal (via group ops) is allowed. */
	assert_int_equal(data_get(f, &c, "/sens/db", "pw", v, sizeof(v)),
	    MS_ST_OK);
	assert_string_equal(v, "s3cret");
	assert_int_equal(data_set(f, &c, "/sens/db", "pw", MS_REC_SECURE,
	    "n3w"), MS_ST_OK);
	assert_int_equal(simple_req(f, &c, MS_MON_LIST, "/sens", NULL, -1),
	    MS_ST_OK);
	/* LIST long form: each record with its version and mtime. */
	{
		struct msbuf *lreq = newbuf(), *lresp = newbuf();
		uint64_t ver, mtime;
		uint32_t st, n;
		uint8_t fl;
		char *name;

		assert_int_equal(msbuf_put_cstring(lreq, "/sens/db"), 0);
		assert_int_equal(msbuf_put_u8(lreq, MS_LIST_LONG), 0);
		assert_int_equal(call(f, &c, MS_MON_LIST, lreq, lresp), 0);
		assert_int_equal(msbuf_get_u32(lresp, &st), 0);
		assert_int_equal(st, MS_ST_OK);
		assert_int_equal(msbuf_get_u32(lresp, &n), 0);
		assert_int_equal(n, 0);
		assert_int_equal(msbuf_get_u32(lresp, &n), 0);
		assert_int_equal(n, 1);
		assert_int_equal(msbuf_get_cstring(lresp, &name, NULL, 255), 0);
		assert_string_equal(name, "pw");
		free(name);
		assert_int_equal(msbuf_get_u8(lresp, &fl), 0);
		assert_int_equal(fl, MS_REC_SECURE);
		assert_int_equal(msbuf_get_u64(lresp, &ver), 0);
		assert_true(ver == 2);		/* set twice */
		assert_int_equal(msbuf_get_u64(lresp, &mtime), 0);
		assert_true(mtime > 1600000000ULL);
		assert_int_equal(msbuf_len(lresp), 0);
		/* Unknown list flags are a malformed lrequest. */
		msbuf_reset(lreq);
		msbuf_reset(lresp);
		assert_int_equal(msbuf_put_cstring(lreq, "/sens/db"), 0);
		assert_int_equal(msbuf_put_u8(lreq, 0x80), 0);
		assert_int_not_equal(call(f, &c, MS_MON_LIST, lreq, lresp), 0);
		msbuf_free(lreq);
		msbuf_free(lresp);
	}
	assert_int_equal(simple_req(f, &c, MS_MON_OPEN, "/sens/db", NULL,
	    MS_ACCESS_READ | MS_ACCESS_WRITE), MS_ST_OK);
	/* ... and a certificate principal the ACL does not name is not. */
	assert_int_equal(setacl(f, &a, "/sens", MS_SENSITIVE_UNCHANGED,
	    "group:ops", ""), MS_ST_OK);
	assert_int_equal(data_get(f, &c, "/sens/db", "pw", v, sizeof(v)),
	    MS_ST_ACCESS_DENIED);

	/* Outside the subtree nothing changes for bob. */
	assert_int_equal(setacl(f, &a, "/open", MS_SENSITIVE_UNCHANGED, NULL,
	    NULL), MS_ST_PATH_NOT_FOUND);
	assert_int_equal(data_set(f, &a, "/open", "r", 0, "v"), MS_ST_OK);
	assert_int_equal(setacl(f, &a, "/open", MS_SENSITIVE_UNCHANGED, "bob",
	    "r"), MS_ST_OK);
	assert_int_equal(data_get(f, &b, "/open", "r", v, sizeof(v)),
	    MS_ST_OK);

	/* Clearing the flag gives bob his ACL back. */
	assert_int_equal(setacl(f, &a, "/sens", MS_SENSITIVE_CLEAR, NULL,
	    NULL), MS_ST_OK);
	assert_int_equal(node_flags(f, &a, "/sens"), 0);
	assert_int_equal(data_get(f, &b, "/sens/db", "pw", v, sizeof(v)),
	    MS_ST_OK);
	assert_string_equal(v, "n3w");

	/* A sensitive value above 2 is worker misbehaviour. */
	assert_int_equal(msbuf_put_cstring(req, "/sens"), 0);
	assert_int_equal(msbuf_put_u8(req, MS_SETACL_UNCHANGED), 0);
	assert_int_equal(msbuf_put_u8(req, 3), 0);
	assert_int_equal(msbuf_put_u32(req, 0), 0);
	assert_int_not_equal(call(f, &a, MS_MON_SETACL, req, resp), 0);
	msbuf_free(req);
	msbuf_free(resp);
	session_free(&a);
	session_free(&b);
	session_free(&c);
	X509_free(x);
}

/* The store's file, byte for byte (LMDB writes it only on a commit). */
static u_char *
store_bytes(struct fixture *f, size_t *lenp)
{
	char path[128];
	u_char *p = NULL;
	size_t len = 0, n;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/data.mdb", f->dir);
	assert_non_null(fp = fopen(path, "rb"));
	for (;;) {
		assert_non_null(p = realloc(p, len + 65536));
		if ((n = fread(p + len, 1, 65536, fp)) == 0)
			break;
		len += n;
	}
	assert_int_equal(ferror(fp), 0);
	fclose(fp);
	assert_true(len > 0);
	*lenp = len;
	return p;
}

static int
store_same(struct fixture *f, const u_char *before, size_t blen)
{
	size_t len;
	u_char *now = store_bytes(f, &len);
	int same = len == blen && memcmp(now, before, len) == 0;

	free(now);
	return same;
}

/* SET, SETACL and DELETE requests on /trail, with 'extra' bytes after. */
static struct msbuf *
write_req(uint8_t type, const char *path, size_t extra)
{
	struct msbuf *req = newbuf();

	assert_int_equal(msbuf_put_cstring(req, path), 0);
	switch (type) {
	case MS_MON_SET:
		assert_int_equal(msbuf_put_cstring(req, "rec"), 0);
		assert_int_equal(msbuf_put_u8(req, 0), 0);
		assert_int_equal(msbuf_put_cstring(req, "changed"), 0);
		break;
	case MS_MON_SETACL:
		assert_int_equal(msbuf_put_u8(req, MS_SETACL_BREAK), 0);
		assert_int_equal(msbuf_put_u8(req, MS_SENSITIVE_UNCHANGED), 0);
		assert_int_equal(msbuf_put_u32(req, 1), 0);
		assert_int_equal(msbuf_put_cstring(req, "group:ops"), 0);
		assert_int_equal(msbuf_put_cstring(req, "rwla"), 0);
		break;
	case MS_MON_DELETE:
		assert_int_equal(msbuf_put_cstring(req, "rec"), 0);
		break;
	}
	while (extra-- > 0)
		assert_int_equal(msbuf_put_u8(req, 0), 0);
	return req;
}

/*
 * Issue 9's negative test: a SET, a SETACL and a DELETE with one trailing
 * byte each kill the worker and leave the store byte-for-byte unchanged
 * (data.mdb compared whole).  The same requests without the byte do
 * change it, so the comparison can fail.
 */
static void
test_trailing_byte_leaves_store_unchanged(void **state)
{
	struct fixture *f = *state;
	const uint8_t types[] = { MS_MON_SET, MS_MON_SETACL, MS_MON_DELETE };
	const char *paths[] = { "/trail", "/trail/new" };
	struct session s;
	struct msbuf *req, *resp = newbuf();
	u_char *before;
	size_t blen, i, j;
	char v[64];

	session_start(f, &s);
	session_kex(f, &s);
	assert_int_equal(session_auth(f, &s, f->alice, f->alice, 0), MS_ST_OK);
	assert_int_equal(data_set(f, &s, "/trail", "rec", 0, "orig"), MS_ST_OK);
	assert_int_equal(setacl(f, &s, "/trail", MS_SENSITIVE_UNCHANGED, "bob",
	    "r"), MS_ST_OK);
	before = store_bytes(f, &blen);
	for (i = 0; i < sizeof(types); i++) {
		for (j = 0; j < sizeof(paths) / sizeof(paths[0]); j++) {
			req = write_req(types[i], paths[j], 1);
			assert_int_not_equal(call(f, &s, types[i], req, resp),
			    0);
			assert_int_equal(msbuf_len(resp), 0);
			msbuf_free(req);
			assert_true(store_same(f, before, blen));
		}
	}
	/* Through the store's API too: value, ACL, no new node. */
	assert_int_equal(data_get(f, &s, "/trail", "rec", v, sizeof(v)),
	    MS_ST_OK);
	assert_string_equal(v, "orig");
	assert_int_equal(node_flags(f, &s, "/trail"), 0);
	assert_int_equal(ms_store_node_exists(f->store, "/trail/new"),
	    MS_STORE_NOT_FOUND_PATH);
	assert_true(store_same(f, before, blen));

	/* Control: without the byte, each request writes. */
	for (i = 0; i < sizeof(types); i++) {
		uint32_t st;

		req = write_req(types[i], "/trail", 0);
		assert_int_equal(call(f, &s, types[i], req, resp), 0);
		assert_int_equal(msbuf_get_u32(resp, &st), 0);
		assert_int_equal(st, MS_ST_OK);
		msbuf_free(req);
		assert_false(store_same(f, before, blen));
		free(before);
		before = store_bytes(f, &blen);
	}
	assert_int_equal(node_flags(f, &s, "/trail"), MS_NODE_NOINHERIT);
	assert_int_equal(data_get(f, &s, "/trail", "rec", v, sizeof(v)),
	    MS_ST_RECORD_NOT_FOUND);
	free(before);
	msbuf_free(resp);
	session_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_acl_enforced_on_bound_principal),
		cmocka_unit_test(test_trailing_byte_leaves_store_unchanged),
		cmocka_unit_test(test_sensitive_subtree),
	};

	ms_log_init("test_mon_dispatch", getenv("TEST_DEBUG") ? MS_LOG_DEBUG3 : MS_LOG_QUIET, 1, -1);
	return cmocka_run_group_tests(tests, setup, teardown);
}
