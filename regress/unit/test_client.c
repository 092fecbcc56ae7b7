/*
 * test_client.c — libmetasafe without a real daemon: known_hosts parsing,
 * matching and appending; option and ACL-entry parsing; error -> exit
 * code mapping; response parsers and SECURE blob decryption with a fake
 * connection; and the whole handshake plus a few operations against a
 * minimal in-process server written from PROTOCOL.md with the common code
 * (including the negative cases: changed host key, bad server signature,
 * refused authentication), server certificates checked against a CA file,
 * X.509 client identities, and the algorithm lists of the client.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "crypto.h"
#include "errors.h"
#include "frame.h"
#include "hello.h"
#include "keyfile.h"
#include "metasafe.h"
#include "msclient.h"
#include "path.h"
#include "proto.h"
#include "record.h"
#include "schedule.h"
#include "sigalg.h"
#include "kg.h"
#include "privkey.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

static char tmpdir[256];

static void
mk_tmpdir(void)
{
	strlcpy(tmpdir, "/tmp/test_client.XXXXXX", sizeof(tmpdir));
	assert_non_null(mkdtemp(tmpdir));
}

static void
rm_tmpdir(void)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	assert_int_equal(system(cmd), 0);
}

static void
write_file(const char *path, const char *text)
{
	FILE *f;

	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static char *
key_b64(const u_char key[32])
{
	char *b64 = NULL;

	assert_int_equal(ms_base64_encode(key, 32, 0, &b64), 0);
	return b64;
}

/* --- known_hosts --------------------------------------------------------- */

static void
test_kh_hostname(void **state)
{
	char out[64];

	assert_int_equal(cl_kh_hostname("db1", "7439", out, sizeof(out)), 0);
	assert_string_equal(out, "[db1]:7439");
	assert_int_equal(cl_kh_hostname("::1", "7439", out, sizeof(out)), 0);
	assert_string_equal(out, "[::1]:7439");
	assert_int_equal(cl_kh_hostname("a b", "7439", out, sizeof(out)),
	    METASAFE_ERR_INVALID);
	assert_int_equal(cl_kh_hostname("a,b", "7439", out, sizeof(out)),
	    METASAFE_ERR_INVALID);
	assert_int_equal(cl_kh_hostname("", "7439", out, sizeof(out)),
	    METASAFE_ERR_INVALID);
	assert_int_equal(cl_kh_hostname("averyveryverylonghostname.example."
	    "org", "7439", out, 16), METASAFE_ERR_INVALID);
}

/* cl_kh_check_count without the count, as most checks here need. */
static int
cl_kh_check(const char *file, const char *hostname,
    const u_char key[MS_ED25519_PUB_LEN], enum cl_kh_result *resp,
    u_long *linep, u_char expected[MS_ED25519_PUB_LEN])
{
	return cl_kh_check_count(file, hostname, key, resp, linep, expected,
	    NULL);
}

static void
test_kh_check(void **state)
{
	u_char k1[32], k2[32], k3[32], exp[32];
	char path[512], text[2048], *b1, *b2;
	enum cl_kh_result res;
	u_long line;

	memset(k1, 0x11, sizeof(k1));
	memset(k2, 0x22, sizeof(k2));
	memset(k3, 0x33, sizeof(k3));
	b1 = key_b64(k1);
	b2 = key_b64(k2);
	mk_tmpdir();
	snprintf(path, sizeof(path), "%s/known_hosts", tmpdir);

	/* Missing file: unknown, not an error. */
	assert_int_equal(cl_kh_check(path, "[db1]:7439", k1, &res, &line,
	    exp), 0);
	assert_int_equal(res, CL_KH_UNKNOWN);

	snprintf(text, sizeof(text),
	    "# comment\n"
	    "\n"
	    "garbage line without key\n"
	    "[db1]:7439 ms-x25519 %s\n"		/* wrong type: skipped */
	    "[other]:7439,[DB2]:7439 ms-ed25519 %s comment here\n"
	    "[db1]:7439 ms-ed25519 %s\n"
	    "[db1]:7439 ms-ed25519 !!notbase64!!\n"
	    "[db1]:7440 ms-ed25519 %s\n",
	    b2, b2, b1, b2);
	write_file(path, text);

	assert_int_equal(cl_kh_check(path, "[db1]:7439", k1, &res, &line,
	    exp), 0);
	assert_int_equal(res, CL_KH_MATCH);
	assert_int_equal(line, 6);

	/* Known with another key: changed, reports line and pinned key. */
	assert_int_equal(cl_kh_check(path, "[db1]:7439", k3, &res, &line,
	    exp), 0);
	assert_int_equal(res, CL_KH_CHANGED);
	assert_int_equal(line, 6);
	assert_memory_equal(exp, k1, 32);

	/* Comma list, case-insensitive host names. */
	assert_int_equal(cl_kh_check(path, "[db2]:7439", k2, &res, &line,
	    exp), 0);
	assert_int_equal(res, CL_KH_MATCH);
	assert_int_equal(line, 5);

	/* Port is part of the name. */
	assert_int_equal(cl_kh_check(path, "[db1]:7440", k1, &res, &line,
	    exp), 0);
	assert_int_equal(res, CL_KH_CHANGED);
	assert_int_equal(line, 8);
	assert_int_equal(cl_kh_check(path, "[db1]:1", k1, &res, &line,
	    exp), 0);
	assert_int_equal(res, CL_KH_UNKNOWN);

	/*
	 * Key roll-over: several lines for one host; a key matching any of
	 * them is accepted, one matching none is CHANGED (first pin shown).
	 */
	snprintf(text, sizeof(text),
	    "[db1]:7439 ms-ed25519 %s old\n"
	    "[db2]:7439 ms-ed25519 %s\n"
	    "[db1]:7439 ms-ed25519 %s new\n",
	    b1, b1, b2);
	write_file(path, text);
	assert_int_equal(cl_kh_check(path, "[db1]:7439", k1, &res, &line,
	    exp), 0);
	assert_int_equal(res, CL_KH_MATCH);
	assert_int_equal(line, 1);
	assert_int_equal(cl_kh_check(path, "[db1]:7439", k2, &res, &line,
	    exp), 0);
	assert_int_equal(res, CL_KH_MATCH);
	assert_int_equal(line, 3);
	assert_int_equal(cl_kh_check(path, "[db1]:7439", k3, &res, &line,
	    exp), 0);
	assert_int_equal(res, CL_KH_CHANGED);
	assert_int_equal(line, 1);
	assert_memory_equal(exp, k1, 32);
	{
		u_long npinned = 9;

		assert_int_equal(cl_kh_check_count(path, "[db1]:7439", k3,
		    &res, &line, exp, &npinned), 0);
		assert_int_equal(res, CL_KH_CHANGED);
		assert_int_equal(npinned, 2);
		assert_int_equal(cl_kh_check_count(path, "[nope]:1", k3,
		    &res, &line, exp, &npinned), 0);
		assert_int_equal(res, CL_KH_UNKNOWN);
		assert_int_equal(npinned, 0);
	}
	/* Another host's pin never vouches for this one. */
	assert_int_equal(cl_kh_check(path, "[db2]:7439", k2, &res, &line,
	    exp), 0);
	assert_int_equal(res, CL_KH_CHANGED);

	/* The plain form without brackets is not accepted. */
	write_file(path, "db1 ms-ed25519 ");
	assert_int_equal(cl_kh_check(path, "[db1]:7439", k1, &res, &line,
	    exp), 0);
	assert_int_equal(res, CL_KH_UNKNOWN);

	free(b1);
	free(b2);
	rm_tmpdir();
}

static void
test_kh_add(void **state)
{
	u_char k1[32], k2[32], exp[32];
	char path[512], dir[400], buf[1024];
	enum cl_kh_result res;
	struct stat st;
	u_long line;
	FILE *f;
	size_t n;

	memset(k1, 0x44, sizeof(k1));
	memset(k2, 0x55, sizeof(k2));
	mk_tmpdir();
	/* The directory (like ~/.metasafe) is created 0700. */
	snprintf(dir, sizeof(dir), "%s/.metasafe", tmpdir);
	snprintf(path, sizeof(path), "%s/known_hosts", dir);
	assert_int_equal(cl_kh_add(path, "[h1]:7439", k1), 0);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(cl_kh_check(path, "[h1]:7439", k1, &res, &line,
	    exp), 0);
	assert_int_equal(res, CL_KH_MATCH);

	/* A file without a final newline gets one before the new line. */
	assert_non_null(f = fopen(path, "a"));
	fputs("# no newline", f);
	fclose(f);
	assert_int_equal(cl_kh_add(path, "[h2]:7439", k2), 0);
	assert_int_equal(cl_kh_check(path, "[h2]:7439", k2, &res, &line,
	    exp), 0);
	assert_int_equal(res, CL_KH_MATCH);
	assert_int_equal(line, 3);
	assert_non_null(f = fopen(path, "r"));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "# no newline\n[h2]:7439 ms-ed25519 "));
	rm_tmpdir();
}

/* --- options ------------------------------------------------------------- */

static void
test_opts(void **state)
{
	struct metasafe_opts o;
	struct ms_alg_list l;

	metasafe_opts_init(&o);
	assert_null(o.host);
	assert_int_equal(o.strict_host_key_checking, METASAFE_HOSTKEY_STRICT);
	assert_int_equal(o.timeout_ms, 30000);

	assert_int_equal(metasafe_opts_set(&o, "KnownHostsFile=/x/kh"), 0);
	assert_string_equal(o.known_hosts_file, "/x/kh");
	assert_int_equal(metasafe_opts_set(&o,
	    "stricthostkeychecking=accept-new"), 0);
	assert_int_equal(o.strict_host_key_checking,
	    METASAFE_HOSTKEY_ACCEPT_NEW);
	assert_int_equal(metasafe_opts_set(&o, "StrictHostKeyChecking no"), 0);
	assert_int_equal(o.strict_host_key_checking, METASAFE_HOSTKEY_NO);
	assert_int_equal(metasafe_opts_set(&o, "StrictHostKeyChecking=maybe"),
	    METASAFE_ERR_USAGE);
	assert_int_equal(o.strict_host_key_checking, METASAFE_HOSTKEY_NO);
	assert_int_equal(metasafe_opts_set(&o, "ConnectTimeout=5"), 0);
	assert_int_equal(o.timeout_ms, 5000);
	assert_int_equal(metasafe_opts_set(&o, "ConnectTimeout=0"),
	    METASAFE_ERR_USAGE);
	assert_int_equal(metasafe_opts_set(&o, "ConnectTimeout=5s"),
	    METASAFE_ERR_USAGE);
	assert_int_equal(metasafe_opts_set(&o, "Ciphers=chacha20-poly1305"), 0);
	assert_string_equal(o.ciphers, "chacha20-poly1305");
	assert_int_equal(metasafe_opts_set(&o, "Ciphers=rc4"),
	    METASAFE_ERR_USAGE);
	assert_int_equal(metasafe_opts_set(&o, "Port=70000"),
	    METASAFE_ERR_USAGE);
	assert_int_equal(metasafe_opts_set(&o, "Port=7440"), 0);
	assert_string_equal(o.port, "7440");
	assert_int_equal(metasafe_opts_set(&o, "IdentityFile=/k"), 0);
	assert_string_equal(o.identity_file, "/k");
	assert_int_equal(metasafe_opts_set(&o, "NoSuchOption=1"),
	    METASAFE_ERR_USAGE);
	assert_int_equal(metasafe_opts_set(&o, "Ciphers="),
	    METASAFE_ERR_USAGE);
	assert_int_equal(metasafe_opts_set(&o, "Ciphers"), METASAFE_ERR_USAGE);

	assert_int_equal(cl_parse_ciphers(NULL, &l), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.ids[0], MS_CIPHER_AES256_GCM);
	assert_int_equal(l.ids[1], MS_CIPHER_CHACHA20_POLY1305);
	assert_int_equal(cl_parse_ciphers("chacha20-poly1305,aes256-gcm,"
	    "chacha20-poly1305", &l), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.ids[0], MS_CIPHER_CHACHA20_POLY1305);
	assert_int_equal(cl_parse_ciphers("aes256-gcm,,", &l),
	    METASAFE_ERR_USAGE);
	assert_int_equal(cl_parse_ciphers("", &l), METASAFE_ERR_USAGE);
}

static void
test_acl_entry(void **state)
{
	struct metasafe_acl_entry e;

	assert_int_equal(metasafe_acl_entry_parse("alice=rs", &e), 0);
	assert_string_equal(e.who, "alice");
	assert_string_equal(e.rights, "rs");
	metasafe_acl_entry_clear(&e);
	assert_null(e.who);
	assert_int_equal(metasafe_acl_entry_parse("group:ops=rwlas", &e), 0);
	assert_string_equal(e.who, "group:ops");
	assert_string_equal(e.rights, "rwlas");
	metasafe_acl_entry_clear(&e);
	assert_int_equal(metasafe_acl_entry_parse("bob=", &e), 0);
	assert_string_equal(e.rights, "");
	metasafe_acl_entry_clear(&e);

	assert_int_equal(metasafe_acl_entry_parse("alice", &e),
	    METASAFE_ERR_USAGE);
	assert_int_equal(metasafe_acl_entry_parse("=r", &e),
	    METASAFE_ERR_INVALID);
	assert_int_equal(metasafe_acl_entry_parse("al ice=r", &e),
	    METASAFE_ERR_INVALID);
	assert_int_equal(metasafe_acl_entry_parse("alice=rx", &e),
	    METASAFE_ERR_INVALID);
	/* Repeated letters are legal (PROTOCOL.md 8); the server canonicalises. */
	assert_int_equal(metasafe_acl_entry_parse("alice=rr", &e), 0);
	assert_string_equal(e.rights, "rr");
	metasafe_acl_entry_clear(&e);
	assert_int_equal(metasafe_acl_entry_parse("alice=rswlar", &e),
	    METASAFE_ERR_INVALID);	/* more than MS_RIGHTS_MAX letters */
	assert_int_equal(metasafe_acl_entry_parse("group:=r", &e),
	    METASAFE_ERR_INVALID);
	assert_int_equal(metasafe_acl_entry_parse("user:x=r", &e),
	    METASAFE_ERR_INVALID);
	assert_int_equal(metasafe_acl_entry_parse("inherit=no", &e),
	    METASAFE_ERR_INVALID);	/* the CLI handles it before */
	assert_int_equal(metasafe_acl_entry_parse(
	    "a234567890123456789012345678901234567890123456789012345678901234"
	    "5=r", &e), METASAFE_ERR_INVALID);
	assert_null(e.who);
}

/* --- errors -------------------------------------------------------------- */

static void
test_exit_codes(void **state)
{
	static const int want[MS_ST_MAX + 1] = {
		0, 4, 5, 5, 6, 6, 6, 2, 2, 3, 2, 2, 2, 2, 2, 2, 7, 8
	};
	uint32_t st;

	for (st = 0; st <= MS_ST_MAX; st++)
		assert_int_equal(metasafe_exit_code(cl_status_err(st)),
		    want[st]);
	assert_int_equal(cl_status_err(MS_ST_ACCESS_DENIED),
	    METASAFE_ERR_ACCESS_DENIED);
	assert_int_equal(cl_status_err(999), METASAFE_ERR_UNKNOWN_STATUS);
	assert_int_equal(metasafe_exit_code(METASAFE_ERR_UNKNOWN_STATUS), 2);
	assert_int_equal(metasafe_exit_code(METASAFE_ERR_USAGE), 1);
	assert_int_equal(metasafe_exit_code(METASAFE_ERR_SYSTEM), 1);
	assert_int_equal(metasafe_exit_code(METASAFE_ERR_IDENTITY), 1);
	assert_int_equal(metasafe_exit_code(METASAFE_ERR_INVALID), 6);
	assert_int_equal(metasafe_exit_code(METASAFE_ERR_CONNECT), 2);
	assert_int_equal(metasafe_exit_code(METASAFE_ERR_TIMEOUT), 2);
	assert_int_equal(metasafe_exit_code(METASAFE_ERR_HOSTKEY_CHANGED), 2);
	assert_int_equal(metasafe_exit_code(METASAFE_ERR_HOSTKEY_UNKNOWN), 2);
	assert_int_equal(metasafe_exit_code(METASAFE_ERR_HANDSHAKE), 2);
	assert_int_equal(metasafe_exit_code(METASAFE_ERR_BLOB), 2);
	assert_int_equal(metasafe_exit_code(-12345), 1);
	assert_string_equal(metasafe_strerror(METASAFE_ERR_PATH_NOT_FOUND),
	    "path not found");
	assert_string_equal(metasafe_strerror(-12345), "unknown error");
	assert_int_equal(cl_map_err(MS_ERR_TIMEOUT), METASAFE_ERR_TIMEOUT);
	assert_int_equal(cl_map_err(MS_ERR_CONN_CLOSED), METASAFE_ERR_CLOSED);
	assert_int_equal(cl_map_err(MS_ERR_MAC_INVALID),
	    METASAFE_ERR_HANDSHAKE);
}

static void
test_sanitize(void **state)
{
	char out[16];

	cl_sanitize(out, sizeof(out), (const u_char *)"a\x1b[2Jb\n\xc2\x9b", 9);
	assert_string_equal(out, "a?[2Jb???");
	cl_sanitize(out, 4, (const u_char *)"abcdef", 6);
	assert_string_equal(out, "abc");
}

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
	c = fake_conn(secret, &stx);
	res = secure_result(&stx, "/db", "pw", 7, "x");
	assert_int_equal(cl_get_parse(c, 7, "/dc", "pw", res, &v),
	    METASAFE_ERR_BLOB);
	msbuf_free(res);
	cl_conn_free(c);
	c = fake_conn(secret, &stx);
	res = secure_result(&stx, "/db", "pw", 7, "x");
	assert_int_equal(cl_get_parse(c, 8, "/db", "pw", res, &v),
	    METASAFE_ERR_BLOB);
	msbuf_free(res);
	cl_conn_free(c);

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
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u32(b, 0), 0);
	assert_int_equal(msbuf_put_u32(b, 1), 0);
	put_name(b, "x");
	assert_int_equal(msbuf_put_u8(b, 0), 0);
	assert_int_equal(cl_list_long_parse(b, &l), METASAFE_ERR_PROTOCOL);
	assert_null(l);
	/* Unknown record flags. */
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u32(b, 0), 0);
	assert_int_equal(msbuf_put_u32(b, 1), 0);
	put_name(b, "x");
	assert_int_equal(msbuf_put_u8(b, 0x80), 0);
	assert_int_equal(msbuf_put_u64(b, 1), 0);
	assert_int_equal(msbuf_put_u64(b, 1), 0);
	assert_int_equal(cl_list_long_parse(b, &l), METASAFE_ERR_PROTOCOL);
	/* Trailing bytes. */
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u32(b, 0), 0);
	assert_int_equal(msbuf_put_u32(b, 0), 0);
	assert_int_equal(msbuf_put_u8(b, 0), 0);
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
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u32(b, 1), 0);
	put_name(b, "evil\x1b[2J");
	assert_int_equal(msbuf_put_u32(b, 0), 0);
	assert_int_equal(cl_list_parse(b, &l), METASAFE_ERR_PROTOCOL);
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u32(b, 1), 0);
	put_name(b, "..");
	assert_int_equal(msbuf_put_u32(b, 0), 0);
	assert_int_equal(cl_list_parse(b, &l), METASAFE_ERR_PROTOCOL);

	/* Trailing bytes. */
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u32(b, 0), 0);
	assert_int_equal(msbuf_put_u32(b, 0), 0);
	assert_int_equal(msbuf_put_u8(b, 0), 0);
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

	msbuf_reset(b);
	put_name(b, "metasafe-0.1");
	put_name(b, "alice");
	assert_int_equal(msbuf_put_u32(b, 1), 0);
	assert_int_equal(msbuf_put_u16(b, MS_CIPHER_CHACHA20_POLY1305), 0);
	/* Without the usage fields (detail 0 layout): refused. */
	assert_int_equal(cl_status_parse(b, &st), METASAFE_ERR_PROTOCOL);
	assert_null(st);
	msbuf_reset(b);
	put_name(b, "metasafe-0.1");
	put_name(b, "alice");
	assert_int_equal(msbuf_put_u32(b, 1), 0);
	assert_int_equal(msbuf_put_u16(b, MS_CIPHER_CHACHA20_POLY1305), 0);
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


/* --- certificates --------------------------------------------------------- */

static X509 *
issue(enum kg_cert_kind kind, const char *name, const char *extra,
    const char *validity, EVP_PKEY *subj, X509 *issuer, EVP_PKEY *ikey)
{
	struct kg_cert_req req;
	X509 *x = NULL;

	memset(&req, 0, sizeof(req));
	req.kind = kind;
	req.name = name;
	req.extra_names = extra;
	if (validity != NULL)
		assert_int_equal(kg_validity_parse(validity, 0,
		    &req.validity), 0);
	else
		req.validity.days = 30;
	assert_int_equal(kg_cert_issue(&req, subj, issuer, ikey, time(NULL),
	    &x, NULL, 0), 0);
	return x;
}

static void
write_certs(const char *path, X509 *a, X509 *b)
{
	FILE *f;

	assert_non_null(f = fopen(path, "w"));
	if (a != NULL)
		assert_int_equal(PEM_write_X509(f, a), 1);
	if (b != NULL)
		assert_int_equal(PEM_write_X509(f, b), 1);
	assert_int_equal(fclose(f), 0);
}

/* SERVER_CERTIFICATE body for up to two certificates. */
static struct msbuf *
cert_msg(X509 *a, X509 *b)
{
	struct msbuf *m;
	u_char *der;
	int len, i;
	X509 *v[2] = { a, b };

	assert_non_null(m = msbuf_new(65536));
	assert_int_equal(msbuf_put_u8(m, b != NULL ? 2 : 1), 0);
	for (i = 0; i < 2 && v[i] != NULL; i++) {
		der = NULL;
		assert_true((len = i2d_X509(v[i], &der)) > 0);
		assert_int_equal(msbuf_put_string(m, der, (size_t)len), 0);
		OPENSSL_free(der);
	}
	return m;
}

static void
test_opts_algs(void **state)
{
	struct metasafe_opts o;
	struct ms_alg_list l;
	char names[128];

	metasafe_opts_init(&o);
	assert_null(o.certificate_file);
	assert_null(o.ca_file);
	assert_int_equal(metasafe_opts_set(&o, "CertificateFile=/c.pem"), 0);
	assert_string_equal(o.certificate_file, "/c.pem");
	assert_int_equal(metasafe_opts_set(&o, "cafile /ca.pem"), 0);
	assert_string_equal(o.ca_file, "/ca.pem");
	assert_int_equal(metasafe_opts_set(&o, "KexAlgorithms=x25519-hybrid"),
	    0);
	assert_string_equal(o.kex_algorithms, "x25519-hybrid");
	assert_int_equal(metasafe_opts_set(&o, "KexAlgorithms=dh-group1"),
	    METASAFE_ERR_USAGE);
	assert_int_equal(metasafe_opts_set(&o,
	    "SignatureAlgorithms=ecdsa-p256-sha256,ed25519"), 0);
	assert_int_equal(metasafe_opts_set(&o, "SignatureAlgorithms=rsa-md5"),
	    METASAFE_ERR_USAGE);
	assert_string_equal(o.signature_algorithms,
	    "ecdsa-p256-sha256,ed25519");

	assert_int_equal(cl_parse_kex(NULL, &l), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.ids[0], MS_KEX_X25519_HYBRID);
	assert_int_equal(cl_parse_sigs(NULL, &l), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.ids[0], MS_SIG_ED25519);
	assert_int_equal(cl_parse_sigs("rsa-pss-sha256,ed25519,rsa-pss-sha256",
	    &l), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.ids[0], MS_SIG_RSA_PSS_SHA256);
	assert_int_equal(cl_parse_sigs("ed25519,", &l), METASAFE_ERR_USAGE);
	assert_int_equal(cl_parse_kex("", &l), METASAFE_ERR_USAGE);
	l.n = 2;
	l.ids[0] = MS_SIG_ED25519;
	l.ids[1] = 0x7777;
	cl_alg_list_names(&l, ms_sigalg_name, names, sizeof(names));
	assert_string_equal(names, "ed25519,0x7777");
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

static void
test_identity_types(void **state)
{
	struct metasafe_key *k = NULL;
	struct metasafe_conn *c;
	struct msbuf *b;
	EVP_PKEY *ec = NULL, *rsa = NULL, *x = NULL, *cakey = NULL;
	X509 *ca, *leaf, *other;
	char path[512], cpath[512], err[512];
	const u_char *der;
	size_t derlen;
	uint8_t u8;
	int i;

	mk_tmpdir();
	/* ECDSA P-256, unencrypted. */
	assert_int_equal(kg_pkey_generate(MS_KEYALG_ECDSA_P256, 0, &ec), 0);
	snprintf(path, sizeof(path), "%s/ec", tmpdir);
	assert_int_equal(kg_key_save_private(path, ec, NULL), 0);
	assert_int_equal(metasafe_key_load(path, NULL, &k), 0);
	assert_string_equal(metasafe_key_type(k), "ecdsa-p256");
	assert_int_equal(metasafe_key_has_certificate(k), 0);
	/* Not Ed25519 and no certificate: refused before anything is sent. */
	assert_non_null(c = cl_conn_new());
	assert_int_equal(metasafe_authenticate(c, k), METASAFE_ERR_IDENTITY);
	assert_non_null(strstr(metasafe_last_error_message(c),
	    "CertificateFile"));
	metasafe_close(c);

	/* A certificate for it, and one for another key. */
	assert_int_equal(kg_pkey_generate(MS_KEYALG_ED25519, 0, &cakey), 0);
	ca = issue(KG_CERT_CA, "Test CA", NULL, NULL, cakey, NULL, cakey);
	leaf = issue(KG_CERT_CLIENT, "carol", NULL, NULL, ec, ca, cakey);
	other = issue(KG_CERT_CLIENT, "mallory", NULL, NULL, cakey, ca, cakey);
	snprintf(cpath, sizeof(cpath), "%s/cert.pem", tmpdir);
	write_certs(cpath, other, NULL);
	assert_int_equal(metasafe_key_load_certificate(k, cpath, err,
	    sizeof(err)), METASAFE_ERR_CERTIFICATE);
	assert_non_null(strstr(err, "does not match"));
	assert_int_equal(metasafe_key_has_certificate(k), 0);
	unlink(cpath);
	write_certs(cpath, leaf, ca);
	assert_int_equal(metasafe_key_load_certificate(k, cpath, err,
	    sizeof(err)), 0);
	assert_int_equal(metasafe_key_has_certificate(k), 1);
	/* CLIENT_IDENTITY id_type 2 with both certificates, leaf first. */
	assert_non_null(b = msbuf_new(MS_CLIENT_IDENTITY_MAX));
	assert_int_equal(cl_identity_put(b, k), 0);
	assert_int_equal(msbuf_get_u8(b, &u8), 0);
	assert_int_equal(u8, MS_ID_X509_CHAIN);
	assert_int_equal(msbuf_get_u8(b, &u8), 0);
	assert_int_equal(u8, 2);
	for (i = 0; i < 2; i++)
		assert_int_equal(msbuf_get_string_direct(b, &der, &derlen,
		    MS_CERT_DER_MAX), 0);
	assert_int_equal(msbuf_len(b), 0);
	msbuf_free(b);
	metasafe_key_free(k);
	k = NULL;

	/* Bad chain files. */
	snprintf(path, sizeof(path), "%s/ec", tmpdir);
	assert_int_equal(metasafe_key_load(path, NULL, &k), 0);
	write_file(cpath, "");
	assert_int_equal(metasafe_key_load_certificate(k, cpath, err,
	    sizeof(err)), METASAFE_ERR_CERTIFICATE);
	assert_non_null(strstr(err, "no PEM certificate"));
	write_file(cpath, "-----BEGIN CERTIFICATE-----\nAAAA\n"
	    "-----END CERTIFICATE-----\n");
	assert_int_equal(metasafe_key_load_certificate(k, cpath, err,
	    sizeof(err)), METASAFE_ERR_CERTIFICATE);
	unlink(cpath);
	write_certs(cpath, leaf, NULL);
	for (i = 0; i < 4; i++) {
		FILE *f;

		assert_non_null(f = fopen(cpath, "a"));
		assert_int_equal(PEM_write_X509(f, ca), 1);
		assert_int_equal(PEM_write_X509(f, ca), 1);
		assert_int_equal(fclose(f), 0);
	}
	assert_int_equal(metasafe_key_load_certificate(k, cpath, err,
	    sizeof(err)), METASAFE_ERR_CERTIFICATE);
	assert_non_null(strstr(err, "more than 8"));
	snprintf(cpath, sizeof(cpath), "%s/nonexistent", tmpdir);
	assert_int_equal(metasafe_key_load_certificate(k, cpath, err,
	    sizeof(err)), METASAFE_ERR_CERTIFICATE);
	metasafe_key_free(k);
	k = NULL;

	/* RSA, encrypted. */
	assert_int_equal(kg_pkey_generate(MS_KEYALG_RSA, 1024, &rsa), 0);
	snprintf(path, sizeof(path), "%s/rsa", tmpdir);
	assert_int_equal(kg_key_save_private(path, rsa, "pw"), 0);
	assert_int_equal(metasafe_key_load(path, NULL, &k),
	    METASAFE_ERR_PASSPHRASE_REQUIRED);
	assert_int_equal(metasafe_key_load(path, "wrong", &k),
	    METASAFE_ERR_BAD_PASSPHRASE);
	assert_int_equal(metasafe_key_load(path, "pw", &k), 0);
	assert_string_equal(metasafe_key_type(k), "rsa");
	metasafe_key_free(k);
	k = NULL;

	/* X25519 cannot sign; garbage is no key. */
	assert_int_equal(ms_pkey_generate(MS_KEY_X25519, &x), 0);
	snprintf(path, sizeof(path), "%s/x", tmpdir);
	assert_int_equal(ms_key_save_private(path, x, NULL), 0);
	assert_int_equal(metasafe_key_load(path, NULL, &k),
	    METASAFE_ERR_IDENTITY);
	snprintf(path, sizeof(path), "%s/garbage", tmpdir);
	write_file(path, "-----BEGIN PRIVATE KEY-----\nAAAA\n"
	    "-----END PRIVATE KEY-----\n");
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(metasafe_key_load(path, NULL, &k),
	    METASAFE_ERR_IDENTITY);
	assert_null(k);

	X509_free(ca);
	X509_free(leaf);
	X509_free(other);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(x);
	EVP_PKEY_free(cakey);
	rm_tmpdir();
}

/* A key file open to group or others is refused before it is read. */
static void
test_identity_perms(void **state)
{
	static const mode_t bad[] = { 0640, 0604, 0644, 0660, 0602, 0610,
	    0601, 0666 };
	struct metasafe_key *k = NULL;
	EVP_PKEY *ed = NULL;
	char path[512];
	size_t i;

	mk_tmpdir();
	assert_int_equal(ms_pkey_generate(MS_KEY_ED25519, &ed), 0);
	snprintf(path, sizeof(path), "%s/id", tmpdir);
	assert_int_equal(ms_key_save_private(path, ed, NULL), 0);
	assert_int_equal(metasafe_key_load(path, NULL, &k), 0);
	metasafe_key_free(k);
	k = NULL;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(chmod(path, bad[i]), 0);
		assert_int_equal(metasafe_key_load(path, NULL, &k),
		    METASAFE_ERR_KEY_PERMISSIONS);
		assert_null(k);
	}
	/* Owner bits alone are fine, whatever they are. */
	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(metasafe_key_load(path, NULL, &k), 0);
	metasafe_key_free(k);
	k = NULL;
	assert_int_equal(chmod(path, 0700), 0);
	assert_int_equal(metasafe_key_load(path, NULL, &k), 0);
	metasafe_key_free(k);
	/* A local error: exit code 1, with its own message. */
	assert_int_equal(metasafe_exit_code(METASAFE_ERR_KEY_PERMISSIONS), 1);
	assert_non_null(strstr(metasafe_strerror(METASAFE_ERR_KEY_PERMISSIONS),
	    "group or others"));
	EVP_PKEY_free(ed);
	rm_tmpdir();
}

/* Parse a SERVER_CERTIFICATE of c1[, c2] and check it; text in the reason. */
static void
srv_check(X509 *c1, X509 *c2, const char *ca, const char *host, int want,
    const char *text, const u_char pub[32])
{
	STACK_OF(X509) *chain = NULL;
	struct msbuf *m;
	char err[512] = "";

	m = cert_msg(c1, c2);
	assert_int_equal(cl_server_cert_parse(m, &chain), 0);
	msbuf_free(m);
	assert_int_equal(cl_server_cert_check(ca, host, chain, pub, err,
	    sizeof(err)), want);
	if (text != NULL) {
		if (strstr(err, text) == NULL)
			fail_msg("\"%s\" lacks \"%s\"", err, text);
	}
	cl_chain_free(chain);
}

static void
test_server_cert_check(void **state)
{
	STACK_OF(X509) *chain;
	struct msbuf *m;
	EVP_PKEY *root_key, *sub_key, *host, *other, *ca2_key;
	X509 *root, *sub, *ca2, *leaf, *expired, *wrongkey, *client, *viasub;
	u_char pub[32];
	char cafile[512], ca2file[512];

	mk_tmpdir();
	assert_int_equal(kg_pkey_generate(MS_KEYALG_ECDSA_P256, 0, &root_key), 0);
	assert_int_equal(kg_pkey_generate(MS_KEYALG_ED25519, 0, &sub_key), 0);
	assert_int_equal(kg_pkey_generate(MS_KEYALG_ED25519, 0, &ca2_key), 0);
	assert_int_equal(ms_pkey_generate(MS_KEY_ED25519, &host), 0);
	assert_int_equal(ms_pkey_generate(MS_KEY_ED25519, &other), 0);
	assert_int_equal(ms_pkey_raw_public(host, pub, sizeof(pub)), 0);
	root = issue(KG_CERT_CA, "Root", NULL, NULL, root_key, NULL, root_key);
	sub = issue(KG_CERT_CA, "Sub", NULL, NULL, sub_key, root, root_key);
	ca2 = issue(KG_CERT_CA, "Other", NULL, NULL, ca2_key, NULL, ca2_key);
	leaf = issue(KG_CERT_HOST, "127.0.0.1", "db1.example.org", NULL, host,
	    root, root_key);
	expired = issue(KG_CERT_HOST, "127.0.0.1", NULL,
	    "20200101000000:20210101000000", host, root, root_key);
	wrongkey = issue(KG_CERT_HOST, "127.0.0.1", NULL, NULL, other, root,
	    root_key);
	client = issue(KG_CERT_CLIENT, "svc", NULL, NULL, host, root,
	    root_key);
	viasub = issue(KG_CERT_HOST, "db1.example.org", NULL, NULL, host, sub,
	    sub_key);
	snprintf(cafile, sizeof(cafile), "%s/ca.pem", tmpdir);
	snprintf(ca2file, sizeof(ca2file), "%s/ca2.pem", tmpdir);
	write_certs(cafile, root, NULL);
	write_certs(ca2file, ca2, NULL);

	srv_check(leaf, NULL, cafile, "127.0.0.1", 0, NULL, pub);
	srv_check(leaf, NULL, cafile, "db1.example.org", 0, NULL, pub);
	srv_check(leaf, NULL, cafile, "DB1.example.org", 0, NULL, pub);
	srv_check(leaf, NULL, cafile, "db2.example.org", METASAFE_ERR_SERVER_CERT,
	    "name mismatch", pub);
	srv_check(leaf, NULL, cafile, "127.0.0.2", METASAFE_ERR_SERVER_CERT,
	    "name mismatch", pub);
	srv_check(leaf, NULL, ca2file, "127.0.0.1", METASAFE_ERR_SERVER_CERT,
	    "not trusted", pub);
	srv_check(expired, NULL, cafile, "127.0.0.1", METASAFE_ERR_SERVER_CERT,
	    "expired", pub);
	srv_check(wrongkey, NULL, cafile, "127.0.0.1", METASAFE_ERR_SERVER_CERT,
	    "host key", pub);
	srv_check(client, NULL, cafile, "svc", METASAFE_ERR_SERVER_CERT,
	    "purpose", pub);
	srv_check(viasub, sub, cafile, "db1.example.org", 0, NULL, pub);
	srv_check(viasub, NULL, cafile, "db1.example.org",
	    METASAFE_ERR_SERVER_CERT, "not trusted", pub);
	srv_check(leaf, NULL, "/nonexistent/ca.pem", "127.0.0.1",
	    METASAFE_ERR_SERVER_CERT, "cannot load CA file", pub);

	/* Strict parsing of SERVER_CERTIFICATE. */
	assert_non_null(m = msbuf_new(1024));
	assert_int_equal(msbuf_put_u8(m, 0), 0);
	assert_int_equal(cl_server_cert_parse(m, &chain),
	    METASAFE_ERR_PROTOCOL);
	assert_null(chain);
	msbuf_reset(m);
	assert_int_equal(msbuf_put_u8(m, 9), 0);
	assert_int_equal(cl_server_cert_parse(m, &chain),
	    METASAFE_ERR_PROTOCOL);
	msbuf_reset(m);
	assert_int_equal(msbuf_put_u8(m, 1), 0);
	assert_int_equal(msbuf_put_string(m, "garbage", 7), 0);
	assert_int_equal(cl_server_cert_parse(m, &chain),
	    METASAFE_ERR_PROTOCOL);
	msbuf_free(m);
	m = cert_msg(leaf, NULL);
	assert_int_equal(msbuf_put_u8(m, 0), 0);	/* trailing byte */
	assert_int_equal(cl_server_cert_parse(m, &chain),
	    METASAFE_ERR_PROTOCOL);
	assert_null(chain);
	msbuf_free(m);

	X509_free(root);
	X509_free(sub);
	X509_free(ca2);
	X509_free(leaf);
	X509_free(expired);
	X509_free(wrongkey);
	X509_free(client);
	X509_free(viasub);
	EVP_PKEY_free(root_key);
	EVP_PKEY_free(sub_key);
	EVP_PKEY_free(ca2_key);
	EVP_PKEY_free(host);
	EVP_PKEY_free(other);
	rm_tmpdir();
}

/* --- a minimal server, from PROTOCOL.md, in a child process ------------- */

enum fake_mode {
	FAKE_OK = 0,
	FAKE_BAD_SIGNATURE,	/* corrupt SERVER_VERIFY */
	FAKE_BAD_FINISHED,	/* corrupt SERVER_FINISHED */
	FAKE_AUTH_FAIL,		/* AUTH_RESULT AUTH_FAILED */
	FAKE_EXPECT_SILENCE,	/* client must send nothing after SERVER_HELLO */
	FAKE_ALERT,		/* cleartext ALERT instead of SERVER_HELLO */
	FAKE_ALERT_AFTER_HELLO,	/* cleartext ALERT after it (no keys yet) */
	FAKE_WRONG_SIG,		/* SERVER_HELLO picks an unoffered sig alg */
	FAKE_CERT,		/* send SERVER_CERTIFICATE, then stop if */
				/* the client refuses it */
};

struct fake_server {
	EVP_PKEY	*host_kex, *host_sig;
	u_char		 host_kex_pub[32], host_sig_pub[32];
	int		 lfd;
	char		 port[16];
	struct msbuf	*cert_msg;	/* SERVER_CERTIFICATE body, or NULL */
	int		 expect_cert_refusal;
	int		 want_idtype;	/* 1 raw key, 2 certificate */
};

#define CHILD_CHECK(x) do { if (!(x)) { \
	fprintf(stderr, "fake server: %s:%d: %s\n", __FILE__, __LINE__, #x); \
	_exit(1); } } while (0)

/*
 * Set when the client is expected to hang up mid-handshake: a write that
 * then meets the closed socket (EPIPE, ECONNRESET) is the expected end,
 * not a failure.  On a loaded machine the client may close before the
 * server's last frames are written.
 */
static int fake_peer_may_close;

static void
fake_send(struct ms_record_dir *tx, int fd, uint8_t type, struct msbuf *body)
{
	struct msbuf *frame;
	int r;

	CHILD_CHECK((frame = msbuf_new(2 * 1024 * 1024)) != NULL);
	CHILD_CHECK(ms_record_seal(tx, type, body, frame) == 0);
	r = ms_write_all(fd, msbuf_ptr(frame), msbuf_len(frame));
	if (r != 0 && fake_peer_may_close && (r == MS_ERR_CONN_CLOSED ||
	    (r == MS_ERR_SYSTEM && errno == ECONNRESET)))
		_exit(0);
	CHILD_CHECK(r == 0);
	msbuf_free(frame);
}

static void
fake_recv(struct ms_record_dir *rx, int fd, uint8_t want, struct msbuf *body)
{
	struct msbuf *p;
	uint8_t type;

	CHILD_CHECK((p = msbuf_new(MS_FRAME_MAX)) != NULL);
	CHILD_CHECK(ms_frame_read(fd, &type, p, MS_FRAME_MAX, 5000) == 0);
	CHILD_CHECK(type == MS_FRAME_RECORD);
	CHILD_CHECK(ms_record_open(rx, p, &type, body) == 0);
	CHILD_CHECK(type == want);
	msbuf_free(p);
}

/* Serve the operations the client test performs, then expect EOF. */
static void
fake_ops(int fd, struct ms_record_dir *tx, struct ms_record_dir *rx,
    struct ms_blob_ctx *btx, struct ms_blob_ctx *brx, struct msbuf *b)
{
	struct msbuf *p, *val;
	const u_char *blob;
	char *path = NULL, *rec = NULL;
	size_t bloblen;
	uint32_t id, h;
	uint8_t type, flags, access, detail;

	CHILD_CHECK((p = msbuf_new(MS_FRAME_MAX)) != NULL);
	CHILD_CHECK((val = msbuf_new(MS_VALUE_MAX)) != NULL);
	for (;;) {
		if (ms_frame_read(fd, &type, p, MS_FRAME_MAX, 5000) ==
		    MS_ERR_CONN_CLOSED)
			break;
		CHILD_CHECK(type == MS_FRAME_RECORD);
		CHILD_CHECK(ms_record_open(rx, p, &type, b) == 0);
		CHILD_CHECK(msbuf_get_u32(b, &id) == 0);
		switch (type) {
		case MS_MSG_OPEN:
			free(path);
			CHILD_CHECK(msbuf_get_cstring(b, &path, NULL, 1024) == 0);
			CHILD_CHECK(msbuf_get_u8(b, &access) == 0);
			CHILD_CHECK(msbuf_len(b) == 0);
			msbuf_reset(b);
			msbuf_put_u32(b, id);
			if (strcmp(path, "/missing") == 0) {
				msbuf_put_u32(b, MS_ST_PATH_NOT_FOUND);
			} else {
				msbuf_put_u32(b, MS_ST_OK);
				msbuf_put_u32(b, 42);
			}
			break;
		case MS_MSG_GET:
			CHILD_CHECK(msbuf_get_u32(b, &h) == 0 && h == 42);
			free(rec);
			CHILD_CHECK(msbuf_get_cstring(b, &rec, NULL, 255) == 0);
			msbuf_reset(b);
			msbuf_put_u32(b, id);
			msbuf_put_u32(b, MS_ST_OK);
			msbuf_put_u8(b, MS_REC_SECURE);
			msbuf_put_u64(b, 1);
			msbuf_put_u64(b, 2);
			msbuf_reset(val);
			CHILD_CHECK(ms_blob_seal(btx, path, rec, h,
			    (const u_char *)"top secret", 10, val) == 0);
			msbuf_put_stringb(b, val);
			break;
		case MS_MSG_SET:
			CHILD_CHECK(msbuf_get_u32(b, &h) == 0 && h == 42);
			free(rec);
			CHILD_CHECK(msbuf_get_cstring(b, &rec, NULL, 255) == 0);
			CHILD_CHECK(msbuf_get_u8(b, &flags) == 0);
			CHILD_CHECK(flags == MS_REC_SECURE);
			CHILD_CHECK(msbuf_get_string_direct(b, &blob, &bloblen,
			    MS_VALUE_MAX + 64) == 0);
			msbuf_reset(val);
			CHILD_CHECK(ms_blob_open(brx, path, rec, h, blob,
			    bloblen, val) == 0);
			CHILD_CHECK(msbuf_len(val) == 6 &&
			    memcmp(msbuf_ptr(val), "newval", 6) == 0);
			msbuf_reset(b);
			msbuf_put_u32(b, id);
			msbuf_put_u32(b, MS_ST_OK);
			msbuf_put_u64(b, 9);
			break;
		case MS_MSG_STATUS:
			/* The library asks for the store usage (detail 1). */
			CHILD_CHECK(msbuf_get_u8(b, &detail) == 0 &&
			    detail == MS_STATUS_USAGE && msbuf_len(b) == 0);
			msbuf_reset(b);
			msbuf_put_u32(b, id);
			msbuf_put_u32(b, MS_ST_OK);
			msbuf_put_cstring(b, "metasafe-fake");
			msbuf_put_cstring(b, "tester");
			msbuf_put_u32(b, 1);
			msbuf_put_u16(b, MS_CIPHER_CHACHA20_POLY1305);
			msbuf_put_u64(b, 4096);
			msbuf_put_u64(b, 1ULL << 30);
			msbuf_put_u64(b, 1);
			msbuf_put_u64(b, 0);
			break;
		case MS_MSG_CLOSE:
			CHILD_CHECK(msbuf_get_u32(b, &h) == 0 && h == 42);
			msbuf_reset(b);
			msbuf_put_u32(b, id);
			msbuf_put_u32(b, MS_ST_OK);
			break;
		default:
			CHILD_CHECK(0);
		}
		fake_send(tx, fd, MS_MSG_RESPONSE, b);
	}
	free(path);
	free(rec);
	msbuf_free(p);
	msbuf_free(val);
}

static void __attribute__((noreturn))
fake_serve(struct fake_server *fs, enum fake_mode mode)
{
	struct ms_client_hello ch;
	struct ms_server_hello sh;
	struct ms_transcript *t;
	struct ms_hs_secrets hs;
	struct ms_ap_secrets ap;
	struct ms_record_dir tx, rx;
	struct ms_blob_ctx btx, brx;
	struct msbuf *p, *b;
	EVP_PKEY *eph;
	u_char th[32], th_sh[32], ss_e[32], ss_s[32], stat[32], sig[64];
	u_char msg[128], mac[32], got[32], cpub[32];
	size_t msglen;
	uint16_t alg;
	uint8_t type, idtype, ncerts, i;
	int fd, aead, r;
	EVP_PKEY *ckey = NULL;
	const u_char *der, *dp, *csig;
	size_t derlen, csiglen;
	X509 *x;

	/* A peer that hangs up must not kill the fake server with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	fake_peer_may_close = mode == FAKE_BAD_SIGNATURE ||
	    mode == FAKE_BAD_FINISHED || fs->expect_cert_refusal;
	CHILD_CHECK((fd = accept(fs->lfd, NULL, NULL)) != -1);
	CHILD_CHECK((p = msbuf_new(MS_FRAME_MAX)) != NULL);
	CHILD_CHECK((b = msbuf_new(MS_FRAME_MAX)) != NULL);
	CHILD_CHECK((t = ms_transcript_new()) != NULL);

	CHILD_CHECK(ms_frame_read(fd, &type, p, MS_FRAME_MAX, 5000) == 0);
	CHILD_CHECK(type == MS_FRAME_CLIENT_HELLO);
	CHILD_CHECK(ms_transcript_add(t, type, msbuf_ptr(p),
	    msbuf_len(p)) == 0);
	CHILD_CHECK(ms_client_hello_parse(p, &ch) == 0);
	CHILD_CHECK(ch.version == MS_PROTO_VERSION);

	if (mode == FAKE_ALERT) {
		msbuf_reset(b);
		msbuf_put_u16(b, MS_PROTO_VERSION);
		msbuf_put_u32(b, MS_ST_NO_COMMON_SUITE);
		msbuf_put_cstring(b, "no common cipher\x1b[31m");
		CHILD_CHECK(ms_frame_write(fd, MS_FRAME_ALERT, b) == 0);
		_exit(0);
	}

	memset(&sh, 0, sizeof(sh));
	sh.version = MS_PROTO_VERSION;
	CHILD_CHECK(ms_random_bytes(sh.random, 32) == 0);
	/* Server preference: chacha first. */
	sh.cipher = ms_alg_list_contains(&ch.ciphers,
	    MS_CIPHER_CHACHA20_POLY1305) ? MS_CIPHER_CHACHA20_POLY1305 :
	    MS_CIPHER_AES256_GCM;
	sh.kex = MS_KEX_X25519_HYBRID;
	sh.sig = mode == FAKE_WRONG_SIG ? MS_SIG_ECDSA_P256_SHA256 :
	    MS_SIG_ED25519;
	CHILD_CHECK(ms_pkey_generate(MS_KEY_X25519, &eph) == 0);
	CHILD_CHECK(ms_pkey_raw_public(eph, sh.share, 32) == 0);
	memcpy(sh.host_kex_pub, fs->host_kex_pub, 32);
	memcpy(sh.host_sig_pub, fs->host_sig_pub, 32);
	msbuf_reset(b);
	CHILD_CHECK(ms_server_hello_put(b, &sh) == 0);
	CHILD_CHECK(ms_transcript_add(t, MS_FRAME_SERVER_HELLO, msbuf_ptr(b),
	    msbuf_len(b)) == 0);
	CHILD_CHECK(ms_frame_write(fd, MS_FRAME_SERVER_HELLO, b) == 0);

	if (mode == FAKE_ALERT_AFTER_HELLO) {
		msbuf_reset(b);
		msbuf_put_u16(b, MS_PROTO_VERSION);
		msbuf_put_u32(b, MS_ST_INTERNAL_ERROR);
		msbuf_put_cstring(b, "");
		CHILD_CHECK(ms_frame_write(fd, MS_FRAME_ALERT, b) == 0);
		_exit(0);
	}
	if (mode == FAKE_EXPECT_SILENCE || mode == FAKE_WRONG_SIG) {
		/* The client must close without sending another byte. */
		CHILD_CHECK(ms_frame_read(fd, &type, p, MS_FRAME_MAX, 5000) ==
		    MS_ERR_CONN_CLOSED);
		_exit(0);
	}

	CHILD_CHECK(ms_transcript_hash(t, th_sh) == 0);
	CHILD_CHECK(ms_x25519_derive(eph, ch.share, ss_e) == 0);
	CHILD_CHECK(ms_x25519_derive(fs->host_kex, ch.share, ss_s) == 0);
	CHILD_CHECK(ms_derive_static(ss_s, th_sh, stat) == 0);
	CHILD_CHECK(ms_derive_handshake(stat, ss_e, th_sh, &hs) == 0);
	aead = ms_cipher_to_aead(sh.cipher);
	CHILD_CHECK(ms_record_dir_init(&tx, (enum ms_aead)aead, hs.s_hs) == 0);
	CHILD_CHECK(ms_record_dir_init(&rx, (enum ms_aead)aead, hs.c_hs) == 0);

	/* SERVER_CERTIFICATE: the signature then covers it. */
	memcpy(th, th_sh, sizeof(th));
	if (mode == FAKE_CERT && fs->cert_msg != NULL) {
		CHILD_CHECK(ms_transcript_add(t, MS_MSG_SERVER_CERTIFICATE,
		    msbuf_ptr(fs->cert_msg), msbuf_len(fs->cert_msg)) == 0);
		CHILD_CHECK(ms_transcript_hash(t, th) == 0);
		fake_send(&tx, fd, MS_MSG_SERVER_CERTIFICATE, fs->cert_msg);
	}
	/* SERVER_VERIFY */
	CHILD_CHECK(ms_sig_message(MS_SIG_CONTEXT_SERVER, th, msg,
	    sizeof(msg), &msglen) == 0);
	CHILD_CHECK(ms_ed25519_sign(fs->host_sig, msg, msglen, sig) == 0);
	if (mode == FAKE_BAD_SIGNATURE)
		sig[10] ^= 1;
	msbuf_reset(b);
	msbuf_put_u16(b, MS_SIG_ED25519);
	msbuf_put_string(b, sig, 64);
	CHILD_CHECK(ms_transcript_add(t, MS_MSG_SERVER_VERIFY, msbuf_ptr(b),
	    msbuf_len(b)) == 0);
	fake_send(&tx, fd, MS_MSG_SERVER_VERIFY, b);
	/* SERVER_FINISHED */
	CHILD_CHECK(ms_transcript_hash(t, th) == 0);
	CHILD_CHECK(ms_finished_mac(hs.s_fin, th, mac) == 0);
	if (mode == FAKE_BAD_FINISHED)
		mac[0] ^= 1;
	msbuf_reset(b);
	msbuf_put_string(b, mac, 32);
	CHILD_CHECK(ms_transcript_add(t, MS_MSG_SERVER_FINISHED, msbuf_ptr(b),
	    msbuf_len(b)) == 0);
	fake_send(&tx, fd, MS_MSG_SERVER_FINISHED, b);
	if (mode == FAKE_BAD_SIGNATURE || mode == FAKE_BAD_FINISHED ||
	    fs->expect_cert_refusal) {
		/* EOF, or a reset when SERVER_FINISHED was left unread. */
		r = ms_frame_read(fd, &type, p, MS_FRAME_MAX, 5000);
		CHILD_CHECK(r == MS_ERR_CONN_CLOSED ||
		    (r == MS_ERR_SYSTEM && errno == ECONNRESET));
		_exit(0);
	}

	/* CLIENT_IDENTITY */
	fake_recv(&rx, fd, MS_MSG_CLIENT_IDENTITY, b);
	CHILD_CHECK(ms_transcript_add(t, MS_MSG_CLIENT_IDENTITY, msbuf_ptr(b),
	    msbuf_len(b)) == 0);
	CHILD_CHECK(msbuf_get_u8(b, &idtype) == 0);
	CHILD_CHECK(idtype == (fs->want_idtype != 0 ? fs->want_idtype : 1));
	if (idtype == 1) {
		CHILD_CHECK(msbuf_get_string_fixed(b, cpub, 32) == 0);
		CHILD_CHECK(ms_pkey_from_raw_public(MS_KEY_ED25519, cpub, 32,
		    &ckey) == 0);
	} else {
		CHILD_CHECK(msbuf_get_u8(b, &ncerts) == 0 && ncerts >= 1);
		for (i = 0; i < ncerts; i++) {
			CHILD_CHECK(msbuf_get_string_direct(b, &der, &derlen,
			    16384) == 0);
			dp = der;
			CHILD_CHECK((x = d2i_X509(NULL, &dp,
			    (long)derlen)) != NULL);
			if (i == 0)
				CHILD_CHECK((ckey = X509_get_pubkey(x)) !=
				    NULL);
			X509_free(x);
		}
	}
	CHILD_CHECK(msbuf_len(b) == 0);
	/* CLIENT_VERIFY */
	CHILD_CHECK(ms_transcript_hash(t, th) == 0);
	fake_recv(&rx, fd, MS_MSG_CLIENT_VERIFY, b);
	CHILD_CHECK(ms_transcript_add(t, MS_MSG_CLIENT_VERIFY, msbuf_ptr(b),
	    msbuf_len(b)) == 0);
	CHILD_CHECK(msbuf_get_u16(b, &alg) == 0);
	CHILD_CHECK(alg == ms_sigalg_for_key(ckey, 1024));
	CHILD_CHECK(msbuf_get_string_direct(b, &csig, &csiglen, 1024) == 0);
	CHILD_CHECK(msbuf_len(b) == 0);
	CHILD_CHECK(ms_sig_message(MS_SIG_CONTEXT_CLIENT, th, msg,
	    sizeof(msg), &msglen) == 0);
	CHILD_CHECK(ms_sigalg_verify(alg, ckey, msg, msglen, csig,
	    csiglen) == 0);
	EVP_PKEY_free(ckey);
	/* CLIENT_FINISHED */
	CHILD_CHECK(ms_transcript_hash(t, th) == 0);
	CHILD_CHECK(ms_finished_mac(hs.c_fin, th, mac) == 0);
	fake_recv(&rx, fd, MS_MSG_CLIENT_FINISHED, b);
	CHILD_CHECK(ms_transcript_add(t, MS_MSG_CLIENT_FINISHED, msbuf_ptr(b),
	    msbuf_len(b)) == 0);
	CHILD_CHECK(msbuf_get_string_fixed(b, got, 32) == 0);
	CHILD_CHECK(ms_ct_equal(mac, got, 32));
	/* Application keys; AUTH_RESULT under them. */
	CHILD_CHECK(ms_transcript_hash(t, th) == 0);
	CHILD_CHECK(ms_derive_application(hs.hs, th, &ap) == 0);
	CHILD_CHECK(ms_record_dir_init(&tx, (enum ms_aead)aead, ap.s_ap) == 0);
	CHILD_CHECK(ms_record_dir_init(&rx, (enum ms_aead)aead, ap.c_ap) == 0);
	CHILD_CHECK(ms_blob_ctx_init(&btx, (enum ms_aead)aead, sh.cipher,
	    ap.s_blob, 1) == 0);
	CHILD_CHECK(ms_blob_ctx_init(&brx, (enum ms_aead)aead, sh.cipher,
	    ap.c_blob, 0) == 0);
	msbuf_reset(b);
	msbuf_put_u32(b, mode == FAKE_AUTH_FAIL ? MS_ST_AUTH_FAILED : MS_ST_OK);
	fake_send(&tx, fd, MS_MSG_AUTH_RESULT, b);
	if (mode == FAKE_OK)
		fake_ops(fd, &tx, &rx, &btx, &brx, b);
	_exit(0);
}

static void
fake_server_init(struct fake_server *fs)
{
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);

	memset(fs, 0, sizeof(*fs));
	assert_int_equal(ms_pkey_generate(MS_KEY_X25519, &fs->host_kex), 0);
	assert_int_equal(ms_pkey_generate(MS_KEY_ED25519, &fs->host_sig), 0);
	assert_int_equal(ms_pkey_raw_public(fs->host_kex, fs->host_kex_pub,
	    32), 0);
	assert_int_equal(ms_pkey_raw_public(fs->host_sig, fs->host_sig_pub,
	    32), 0);
	assert_true((fs->lfd = socket(AF_INET, SOCK_STREAM, 0)) != -1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fs->lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fs->lfd, 4), 0);
	assert_int_equal(getsockname(fs->lfd, (struct sockaddr *)&sin, &slen),
	    0);
	snprintf(fs->port, sizeof(fs->port), "%u", ntohs(sin.sin_port));
}

static pid_t
fake_start(struct fake_server *fs, enum fake_mode mode)
{
	pid_t pid;

	assert_true((pid = fork()) != -1);
	if (pid == 0)
		fake_serve(fs, mode);
	return pid;
}

static void
fake_wait(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void
fake_server_free(struct fake_server *fs)
{
	close(fs->lfd);
	EVP_PKEY_free(fs->host_kex);
	EVP_PKEY_free(fs->host_sig);
}

struct e2e {
	struct fake_server	 fs;
	struct metasafe_opts	 o;
	struct metasafe_key	*key;
	char			 kh[512], id[512];
};

static void
e2e_setup(struct e2e *e, int pin)
{
	EVP_PKEY *ck;
	char line[512], *b64;

	mk_tmpdir();
	fake_server_init(&e->fs);
	snprintf(e->kh, sizeof(e->kh), "%s/known_hosts", tmpdir);
	snprintf(e->id, sizeof(e->id), "%s/id_ed25519", tmpdir);
	assert_int_equal(ms_pkey_generate(MS_KEY_ED25519, &ck), 0);
	assert_int_equal(ms_key_save_private(e->id, ck, NULL), 0);
	EVP_PKEY_free(ck);
	assert_int_equal(metasafe_key_load(e->id, NULL, &e->key), 0);
	if (pin) {
		b64 = key_b64(e->fs.host_sig_pub);
		snprintf(line, sizeof(line), "[127.0.0.1]:%s ms-ed25519 %s\n",
		    e->fs.port, b64);
		write_file(e->kh, line);
		free(b64);
	}
	metasafe_opts_init(&e->o);
	e->o.host = "127.0.0.1";
	e->o.port = e->fs.port;
	e->o.known_hosts_file = e->kh;
	e->o.identity_file = e->id;
	e->o.timeout_ms = 5000;
}

static void
e2e_teardown(struct e2e *e)
{
	metasafe_key_free(e->key);
	fake_server_free(&e->fs);
	rm_tmpdir();
}

static void
test_e2e_ok(void **state)
{
	struct e2e e;
	struct metasafe_conn *c = NULL;
	struct metasafe_value *v = NULL;
	struct metasafe_status *st = NULL;
	uint64_t version;
	uint32_t h;
	pid_t pid;

	e2e_setup(&e, 1);
	pid = fake_start(&e.fs, FAKE_OK);
	assert_int_equal(metasafe_connect(&e.o, &c), 0);
	assert_null(metasafe_notice(c));
	assert_string_equal(metasafe_cipher(c), "chacha20-poly1305");
	assert_int_equal(metasafe_authenticate(c, e.key), 0);
	assert_int_equal(metasafe_open(c, "/missing", METASAFE_READ, &h),
	    METASAFE_ERR_PATH_NOT_FOUND);
	assert_int_equal(metasafe_last_status(c), MS_ST_PATH_NOT_FOUND);
	assert_int_equal(metasafe_open(c, "/db/prod", METASAFE_READ, &h), 0);
	assert_int_equal(h, 42);
	assert_int_equal(metasafe_get(c, h, "password", &v), 0);
	assert_int_equal(v->len, 10);
	assert_memory_equal(v->data, "top secret", 10);
	metasafe_value_free(v);
	assert_int_equal(metasafe_set(c, h, "password", METASAFE_SECURE,
	    "newval", 6, &version), 0);
	assert_int_equal(version, 9);
	/* Blob counters advance per direction. */
	assert_int_equal(metasafe_get(c, h, "password", &v), 0);
	metasafe_value_free(v);
	assert_int_equal(metasafe_status(c, &st), 0);
	assert_string_equal(st->principal, "tester");
	metasafe_free_status(st);
	assert_int_equal(metasafe_close_handle(c, h), 0);
	assert_int_equal(metasafe_get(c, h, "password", &v),
	    METASAFE_ERR_BAD_HANDLE);
	metasafe_close(c);
	fake_wait(pid);
	e2e_teardown(&e);
}

static void
test_e2e_accept_new(void **state)
{
	struct e2e e;
	struct metasafe_conn *c = NULL;
	enum cl_kh_result res;
	u_char exp[32];
	u_long line;
	char hn[64];
	pid_t pid;

	e2e_setup(&e, 0);
	/* Strict: unknown host refused, nothing written. */
	pid = fake_start(&e.fs, FAKE_EXPECT_SILENCE);
	assert_int_equal(metasafe_connect(&e.o, &c),
	    METASAFE_ERR_HOSTKEY_UNKNOWN);
	assert_non_null(strstr(metasafe_last_error_message(c), "SHA256:"));
	metasafe_close(c);
	fake_wait(pid);
	assert_int_equal(access(e.kh, F_OK), -1);

	/* accept-new: pinned after the server proved its key. */
	e.o.strict_host_key_checking = METASAFE_HOSTKEY_ACCEPT_NEW;
	pid = fake_start(&e.fs, FAKE_AUTH_FAIL);
	assert_int_equal(metasafe_connect(&e.o, &c), 0);
	assert_non_null(metasafe_notice(c));
	assert_non_null(strstr(metasafe_notice(c), "Permanently added"));
	/* Refused authentication: exit class 3. */
	assert_int_equal(metasafe_authenticate(c, e.key),
	    METASAFE_ERR_AUTH_FAILED);
	assert_int_equal(metasafe_exit_code(METASAFE_ERR_AUTH_FAILED), 3);
	assert_int_equal(metasafe_open(c, "/x", METASAFE_READ,
	    &(uint32_t){ 0 }), METASAFE_ERR_BROKEN);
	metasafe_close(c);
	fake_wait(pid);
	assert_int_equal(cl_kh_hostname("127.0.0.1", e.fs.port, hn,
	    sizeof(hn)), 0);
	assert_int_equal(cl_kh_check(e.kh, hn, e.fs.host_sig_pub, &res, &line,
	    exp), 0);
	assert_int_equal(res, CL_KH_MATCH);
	e2e_teardown(&e);
}

static void
test_e2e_hostkey_changed(void **state)
{
	struct e2e e;
	struct metasafe_conn *c = NULL;
	char line[512], *b64;
	u_char other[32];
	pid_t pid;

	e2e_setup(&e, 0);
	memset(other, 0x77, sizeof(other));
	b64 = key_b64(other);
	snprintf(line, sizeof(line), "# pinned\n[127.0.0.1]:%s ms-ed25519 %s\n",
	    e.fs.port, b64);
	free(b64);
	write_file(e.kh, line);
	/* Even accept-new refuses a changed key, and sends nothing more. */
	e.o.strict_host_key_checking = METASAFE_HOSTKEY_ACCEPT_NEW;
	pid = fake_start(&e.fs, FAKE_EXPECT_SILENCE);
	assert_int_equal(metasafe_connect(&e.o, &c),
	    METASAFE_ERR_HOSTKEY_CHANGED);
	assert_non_null(strstr(metasafe_last_error_message(c), "MISMATCH"));
	assert_non_null(strstr(metasafe_last_error_message(c),
	    "known_hosts:2"));
	assert_int_equal(metasafe_authenticate(c, e.key), METASAFE_ERR_BROKEN);
	metasafe_close(c);
	fake_wait(pid);
	e2e_teardown(&e);
}

static void
test_e2e_bad_server(void **state)
{
	struct e2e e;
	struct metasafe_conn *c = NULL;
	pid_t pid;

	e2e_setup(&e, 1);
	pid = fake_start(&e.fs, FAKE_BAD_SIGNATURE);
	assert_int_equal(metasafe_connect(&e.o, &c), METASAFE_ERR_HANDSHAKE);
	assert_non_null(strstr(metasafe_last_error_message(c), "signature"));
	metasafe_close(c);
	fake_wait(pid);

	pid = fake_start(&e.fs, FAKE_BAD_FINISHED);
	assert_int_equal(metasafe_connect(&e.o, &c), METASAFE_ERR_HANDSHAKE);
	assert_non_null(strstr(metasafe_last_error_message(c), "Finished"));
	metasafe_close(c);
	fake_wait(pid);

	/* A cleartext alert is reported, its text sanitised. */
	pid = fake_start(&e.fs, FAKE_ALERT);
	assert_int_equal(metasafe_connect(&e.o, &c),
	    METASAFE_ERR_NO_COMMON_SUITE);
	assert_non_null(strstr(metasafe_last_error_message(c),
	    "NO_COMMON_SUITE: no common cipher?[31m"));
	metasafe_close(c);
	fake_wait(pid);

	pid = fake_start(&e.fs, FAKE_ALERT_AFTER_HELLO);
	assert_int_equal(metasafe_connect(&e.o, &c),
	    METASAFE_ERR_INTERNAL_ERROR);
	assert_string_equal(metasafe_last_error_message(c),
	    "server alert INTERNAL_ERROR");
	assert_int_equal(metasafe_last_status(c), MS_ST_INTERNAL_ERROR);
	metasafe_close(c);
	fake_wait(pid);

	/* Nobody listening: connection error class. */
	e2e_teardown(&e);
	metasafe_opts_init(&e.o);
	e.o.host = "127.0.0.1";
	e.o.port = "1";
	e.o.known_hosts_file = "/nonexistent/kh";
	assert_int_equal(metasafe_connect(&e.o, &c), METASAFE_ERR_CONNECT);
	assert_int_equal(metasafe_exit_code(METASAFE_ERR_CONNECT), 2);
	metasafe_close(c);
}


static void
test_e2e_server_cert(void **state)
{
	struct e2e e;
	struct metasafe_conn *c = NULL;
	EVP_PKEY *cakey;
	X509 *ca, *leaf;
	char cafile[512];
	pid_t pid;

	e2e_setup(&e, 0);
	assert_int_equal(kg_pkey_generate(MS_KEYALG_ED25519, 0, &cakey), 0);
	ca = issue(KG_CERT_CA, "CA", NULL, NULL, cakey, NULL, cakey);
	leaf = issue(KG_CERT_HOST, "127.0.0.1", NULL, NULL, e.fs.host_sig, ca,
	    cakey);
	snprintf(cafile, sizeof(cafile), "%s/ca.pem", tmpdir);
	write_certs(cafile, ca, NULL);
	e.fs.cert_msg = cert_msg(leaf, NULL);

	/* Valid certificate: no known_hosts needed, none written. */
	e.o.ca_file = cafile;
	pid = fake_start(&e.fs, FAKE_CERT);
	assert_int_equal(metasafe_connect(&e.o, &c), 0);
	assert_int_equal(metasafe_authenticate(c, e.key), 0);
	metasafe_close(c);
	fake_wait(pid);
	assert_int_equal(access(e.kh, F_OK), -1);

	/* Another name: refused before SERVER_VERIFY is even checked. */
	e.o.host = "localhost";
	e.fs.expect_cert_refusal = 1;
	pid = fake_start(&e.fs, FAKE_CERT);
	assert_int_equal(metasafe_connect(&e.o, &c), METASAFE_ERR_SERVER_CERT);
	assert_non_null(strstr(metasafe_last_error_message(c),
	    "not valid for \"localhost\""));
	assert_int_equal(metasafe_exit_code(METASAFE_ERR_SERVER_CERT), 2);
	metasafe_close(c);
	fake_wait(pid);

	/* No certificate although CAFile demands one. */
	e.o.host = "127.0.0.1";
	msbuf_free(e.fs.cert_msg);
	e.fs.cert_msg = NULL;
	pid = fake_start(&e.fs, FAKE_CERT);
	assert_int_equal(metasafe_connect(&e.o, &c), METASAFE_ERR_SERVER_CERT);
	assert_non_null(strstr(metasafe_last_error_message(c),
	    "no certificate"));
	metasafe_close(c);
	fake_wait(pid);

	/* Without CAFile the certificate is ignored; pinning decides. */
	e.fs.cert_msg = cert_msg(leaf, NULL);
	e.fs.expect_cert_refusal = 0;
	e.o.ca_file = NULL;
	e.o.strict_host_key_checking = METASAFE_HOSTKEY_ACCEPT_NEW;
	pid = fake_start(&e.fs, FAKE_CERT);
	assert_int_equal(metasafe_connect(&e.o, &c), 0);
	assert_int_equal(metasafe_authenticate(c, e.key), 0);
	metasafe_close(c);
	fake_wait(pid);
	assert_int_equal(access(e.kh, F_OK), 0);

	msbuf_free(e.fs.cert_msg);
	X509_free(ca);
	X509_free(leaf);
	EVP_PKEY_free(cakey);
	e2e_teardown(&e);
}

static void
test_e2e_x509_client(void **state)
{
	static const enum ms_keyalg types[] = { MS_KEYALG_ECDSA_P256,
	    MS_KEYALG_ECDSA_P384, MS_KEYALG_RSA, MS_KEYALG_ED25519 };
	struct e2e e;
	struct metasafe_conn *c = NULL;
	struct metasafe_key *k = NULL;
	EVP_PKEY *cakey, *uk;
	X509 *ca, *leaf;
	char path[512], cpath[512];
	size_t i;
	pid_t pid;

	e2e_setup(&e, 1);
	assert_int_equal(kg_pkey_generate(MS_KEYALG_ECDSA_P384, 0, &cakey), 0);
	ca = issue(KG_CERT_CA, "CA", NULL, NULL, cakey, NULL, cakey);
	e.fs.want_idtype = 2;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		assert_int_equal(kg_pkey_generate(types[i], 1024, &uk), 0);
		snprintf(path, sizeof(path), "%s/u%zu", tmpdir, i);
		snprintf(cpath, sizeof(cpath), "%s/u%zu-cert.pem", tmpdir, i);
		assert_int_equal(kg_key_save_private(path, uk, NULL), 0);
		leaf = issue(KG_CERT_CLIENT, "svc", NULL, NULL, uk, ca, cakey);
		write_certs(cpath, leaf, NULL);
		assert_int_equal(metasafe_key_load(path, NULL, &k), 0);
		assert_int_equal(metasafe_key_load_certificate(k, cpath, NULL,
		    0), 0);
		pid = fake_start(&e.fs, FAKE_CERT);
		assert_int_equal(metasafe_connect(&e.o, &c), 0);
		assert_int_equal(metasafe_authenticate(c, k), 0);
		metasafe_close(c);
		fake_wait(pid);
		/* The whole thing through the options, as the CLI does. */
		e.o.identity_file = path;
		e.o.certificate_file = cpath;
		pid = fake_start(&e.fs, FAKE_CERT);
		assert_int_equal(metasafe_connect_auth(&e.o, &c), 0);
		metasafe_close(c);
		fake_wait(pid);
		metasafe_key_free(k);
		X509_free(leaf);
		EVP_PKEY_free(uk);
	}
	X509_free(ca);
	EVP_PKEY_free(cakey);
	e2e_teardown(&e);
}

static void
test_e2e_algorithms(void **state)
{
	struct e2e e;
	struct metasafe_conn *c = NULL;
	pid_t pid;

	e2e_setup(&e, 1);
	/* A chosen signature algorithm that was never offered. */
	pid = fake_start(&e.fs, FAKE_WRONG_SIG);
	assert_int_equal(metasafe_connect(&e.o, &c), METASAFE_ERR_PROTOCOL);
	assert_non_null(strstr(metasafe_last_error_message(c), "not offered"));
	metasafe_close(c);
	fake_wait(pid);

	/* NO_COMMON_SUITE names what was offered. */
	e.o.ciphers = "aes256-gcm";
	e.o.signature_algorithms = "ed25519";
	pid = fake_start(&e.fs, FAKE_ALERT);
	assert_int_equal(metasafe_connect(&e.o, &c),
	    METASAFE_ERR_NO_COMMON_SUITE);
	assert_non_null(strstr(metasafe_last_error_message(c),
	    "Ciphers=aes256-gcm KexAlgorithms=x25519-hybrid "
	    "SignatureAlgorithms=ed25519"));
	assert_int_equal(metasafe_exit_code(METASAFE_ERR_NO_COMMON_SUITE), 2);
	metasafe_close(c);
	fake_wait(pid);

	/* A refused certificate login: exit 3 with a clear message. */
	e.o.ciphers = NULL;
	pid = fake_start(&e.fs, FAKE_AUTH_FAIL);
	assert_int_equal(metasafe_connect(&e.o, &c), 0);
	assert_int_equal(metasafe_authenticate(c, e.key),
	    METASAFE_ERR_AUTH_FAILED);
	assert_string_equal(metasafe_last_error_message(c),
	    "authentication refused by the server (certificate or key not "
	    "accepted)");
	metasafe_close(c);
	fake_wait(pid);
	e2e_teardown(&e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kh_hostname),
		cmocka_unit_test(test_kh_check),
		cmocka_unit_test(test_kh_add),
		cmocka_unit_test(test_opts),
		cmocka_unit_test(test_acl_entry),
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_sanitize),
		cmocka_unit_test(test_get_blob),
		cmocka_unit_test(test_handles),
		cmocka_unit_test(test_list_parse),
		cmocka_unit_test(test_list_long_parse),
		cmocka_unit_test(test_acl_status_parse),
		cmocka_unit_test(test_e2e_ok),
		cmocka_unit_test(test_e2e_accept_new),
		cmocka_unit_test(test_e2e_hostkey_changed),
		cmocka_unit_test(test_e2e_bad_server),
		cmocka_unit_test(test_opts_algs),
		cmocka_unit_test(test_acl_sensitive_parse),
		cmocka_unit_test(test_identity_types),
		cmocka_unit_test(test_identity_perms),
		cmocka_unit_test(test_server_cert_check),
		cmocka_unit_test(test_e2e_server_cert),
		cmocka_unit_test(test_e2e_x509_client),
		cmocka_unit_test(test_e2e_algorithms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
