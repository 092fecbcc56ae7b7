/*
 * test_msg_mon.c — the monitor <-> worker requests and answers
 * (common/msg_mon.c), PROTOCOL.md 11: what the worker puts the monitor
 * parses and the other way round, every truncation fails, answers refuse
 * a trailing byte (requests leave it for the dispatcher), and every cap
 * holds one byte over.
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
#include "frame.h"
#include "hello.h"
#include "msg_mon.h"
#include "mslimits.h"
#include "proto.h"

#define BUFMAX	(2 * MS_FRAME_MAX)

static struct msbuf *
newbuf(void)
{
	struct msbuf *b = msbuf_new(BUFMAX);

	assert_non_null(b);
	return b;
}

/* A parser under test: 0 or an error, owning and freeing what it got. */
typedef int parse_fn(struct msbuf *b);

/* Every proper prefix of full fails (skip: one length that may parse). */
static void
check_prefixes(const struct msbuf *full, parse_fn *parse, size_t skip)
{
	struct msbuf *b;
	size_t n;

	for (n = 0; n < msbuf_len(full); n++) {
		if (n == skip)
			continue;
		assert_non_null(b = msbuf_from(msbuf_ptr(full), n));
		if (parse(b) == 0)
			fail_msg("a %zu-byte prefix of %zu parsed", n,
			    msbuf_len(full));
		msbuf_free(b);
	}
}

/* A request parser takes the whole body and leaves a trailing byte. */
static void
check_request(const struct msbuf *full, parse_fn *parse, size_t skip)
{
	struct msbuf *b;

	check_prefixes(full, parse, skip);
	assert_non_null(b = msbuf_from(msbuf_ptr(full), msbuf_len(full)));
	assert_int_equal(parse(b), 0);
	assert_int_equal(msbuf_len(b), 0);
	msbuf_free(b);
	assert_non_null(b = newbuf());
	assert_int_equal(msbuf_putb(b, full), 0);
	assert_int_equal(msbuf_put_u8(b, 0x5a), 0);
	assert_int_equal(parse(b), 0);
	assert_int_equal(msbuf_len(b), 1);
	msbuf_free(b);
}

/* An answer parser takes the whole body and refuses a trailing byte. */
static void
check_answer(const struct msbuf *full, parse_fn *parse)
{
	struct msbuf *b;

	check_prefixes(full, parse, (size_t)-1);
	assert_non_null(b = msbuf_from(msbuf_ptr(full), msbuf_len(full)));
	assert_int_equal(parse(b), 0);
	msbuf_free(b);
	assert_non_null(b = newbuf());
	assert_int_equal(msbuf_putb(b, full), 0);
	assert_int_equal(msbuf_put_u8(b, 0), 0);
	assert_int_not_equal(parse(b), 0);
	msbuf_free(b);
}

/* Hello frames as the worker hands them on: header and payload. */
static struct msbuf *
client_hello_frame(void)
{
	struct ms_client_hello ch;
	struct msbuf *p = newbuf(), *f = newbuf();

	memset(&ch, 0, sizeof(ch));
	ch.version = MS_PROTO_VERSION;
	memset(ch.random, 0x11, sizeof(ch.random));
	ch.ciphers.n = ch.kex.n = ch.sigs.n = 1;
	ch.ciphers.ids[0] = MS_CIPHER_AES256_GCM;
	ch.kex.ids[0] = MS_KEX_X25519_HYBRID;
	ch.sigs.ids[0] = MS_SIG_ED25519;
	memset(ch.share, 0x22, sizeof(ch.share));
	assert_int_equal(ms_client_hello_put(p, &ch), 0);
	assert_int_equal(ms_frame_encode(f, MS_FRAME_CLIENT_HELLO, p), 0);
	msbuf_free(p);
	return f;
}

static struct msbuf *
server_hello_frame(void)
{
	struct ms_server_hello sh;
	struct msbuf *p = newbuf(), *f = newbuf();

	memset(&sh, 0, sizeof(sh));
	sh.version = MS_PROTO_VERSION;
	memset(sh.random, 0x33, sizeof(sh.random));
	sh.cipher = MS_CIPHER_AES256_GCM;
	sh.kex = MS_KEX_X25519_HYBRID;
	sh.sig = MS_SIG_ED25519;
	memset(sh.share, 0x44, sizeof(sh.share));
	memset(sh.host_kex_pub, 0x55, sizeof(sh.host_kex_pub));
	memset(sh.host_sig_pub, 0x66, sizeof(sh.host_sig_pub));
	assert_int_equal(ms_server_hello_put(p, &sh), 0);
	assert_int_equal(ms_frame_encode(f, MS_FRAME_SERVER_HELLO, p), 0);
	msbuf_free(p);
	return f;
}

/* Parsers, wrapped to the one shape check_* take. */

static int
p_hello(struct msbuf *b)
{
	struct ms_mon_hello h;

	return ms_mon_hello_answer_parse(b, &h);
}

static int
p_decap(struct msbuf *b)
{
	struct ms_mon_hellos h;

	return ms_mon_decap_parse(b, &h);
}

static int
p_sign(struct msbuf *b)
{
	struct ms_mon_hellos h;

	return ms_mon_sign_parse(b, &h);
}

static int
p_static(struct msbuf *b)
{
	u_char s[MS_SHA256_LEN];

	return ms_mon_decap_answer_parse(b, s);
}

static int
p_sig(struct msbuf *b)
{
	u_char s[MS_SIG_MAX];

	return ms_mon_sign_answer_parse(b, s);
}

static int
p_auth(struct msbuf *b)
{
	struct ms_mon_auth a;

	return ms_mon_auth_parse(b, &a);
}

static int
p_auth_answer(struct msbuf *b)
{
	char name[MS_PRINCIPAL_MAX + 1];
	uint32_t st;

	return ms_mon_auth_answer_parse(b, &st, name);
}

#define DATA_PARSER(fn, parser)					\
static int								\
fn(struct msbuf *b)							\
{									\
	struct ms_mon_data d;						\
	int r = parser(b, &d);						\
									\
	ms_mon_data_clear(&d);						\
	return r;							\
}
DATA_PARSER(p_open, ms_mon_open_parse)
DATA_PARSER(p_get, ms_mon_get_parse)
DATA_PARSER(p_set, ms_mon_set_parse)
DATA_PARSER(p_delete, ms_mon_delete_parse)
DATA_PARSER(p_list, ms_mon_list_parse)
DATA_PARSER(p_getacl, ms_mon_getacl_parse)
DATA_PARSER(p_setacl, ms_mon_setacl_parse)

static int
p_status(struct msbuf *b)
{
	uint32_t st;

	return ms_mon_status_parse(b, &st);
}

static int
p_get_answer(struct msbuf *b)
{
	struct ms_mon_value v;
	uint32_t st;
	int r = ms_mon_get_answer_parse(b, &st, &v);

	ms_mon_value_clear(&v);
	return r;
}

static int
p_set_answer(struct msbuf *b)
{
	uint64_t v;
	uint32_t st;

	return ms_mon_set_answer_parse(b, &st, &v);
}

static int
p_status_answer(struct msbuf *b)
{
	struct ms_mon_status s;
	uint32_t st;
	int r = ms_mon_status_answer_parse(b, &st, &s);

	ms_mon_status_clear(&s);
	return r;
}

static void
test_hello(void **state)
{
	static const u_char cert[] = { 1, 2, 3 };
	struct ms_mon_hello h, got;
	struct msbuf *b = newbuf();

	memset(&h, 0, sizeof(h));
	memset(h.server_random, 0xa1, sizeof(h.server_random));
	memset(h.host_kex_pub, 0xb2, sizeof(h.host_kex_pub));
	memset(h.host_sig_pub, 0xc3, sizeof(h.host_sig_pub));
	assert_int_equal(ms_mon_hello_answer_put(b, &h), 0);
	/* u8[32], string (32), string (32), string (0) */
	assert_int_equal(msbuf_len(b), 32 + 36 + 36 + 4);
	check_answer(b, p_hello);
	assert_int_equal(ms_mon_hello_answer_parse(b, &got), 0);
	assert_memory_equal(got.server_random, h.server_random, 32);
	assert_memory_equal(got.host_kex_pub, h.host_kex_pub, 32);
	assert_memory_equal(got.host_sig_pub, h.host_sig_pub, 32);
	assert_int_equal(got.cert_len, 0);

	/* A certificate that is no canonical SERVER_CERTIFICATE: refused. */
	h.cert = cert;
	h.cert_len = sizeof(cert);
	msbuf_reset(b);
	assert_int_equal(ms_mon_hello_answer_put(b, &h), 0);
	assert_int_not_equal(ms_mon_hello_answer_parse(b, &got), 0);
	/* Over the cap: neither put nor parsed. */
	h.cert_len = MS_SERVER_CERT_MSG_MAX + 1;
	msbuf_reset(b);
	assert_int_equal(ms_mon_hello_answer_put(b, &h),
	    MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(msbuf_put(b, h.server_random, 32), 0);
	assert_int_equal(msbuf_put_string(b, h.host_kex_pub, 32), 0);
	assert_int_equal(msbuf_put_string(b, h.host_sig_pub, 32), 0);
	assert_int_equal(msbuf_put_u32(b, MS_SERVER_CERT_MSG_MAX + 1), 0);
	assert_int_equal(ms_mon_hello_answer_parse(b, &got),
	    MS_ERR_STRING_TOO_LARGE);
	msbuf_free(b);
}

static void
test_decap_sign(void **state)
{
	struct msbuf *ch = client_hello_frame(), *sh = server_hello_frame();
	struct msbuf *cert = newbuf(), *b = newbuf(), *big = newbuf();
	struct ms_mon_hellos h;
	u_char secret[MS_SHA256_LEN], sig[MS_SIG_MAX], got[MS_SIG_MAX];

	assert_int_equal(ms_mon_decap_put(b, ch, sh), 0);
	check_request(b, p_decap, (size_t)-1);
	assert_int_equal(ms_mon_decap_parse(b, &h), 0);
	assert_int_equal(h.ch_len, msbuf_len(ch));
	assert_memory_equal(h.ch_frame, msbuf_ptr(ch), h.ch_len);
	assert_int_equal(h.sh_len, msbuf_len(sh));
	assert_int_equal(h.ch.kex.ids[0], MS_KEX_X25519_HYBRID);
	assert_int_equal(h.sh.host_kex_pub[0], 0x55);

	msbuf_reset(b);
	assert_int_equal(msbuf_put(cert, "cert", 4), 0);
	assert_int_equal(ms_mon_sign_put(b, ch, sh, cert), 0);
	check_request(b, p_sign, (size_t)-1);
	assert_int_equal(ms_mon_sign_parse(b, &h), 0);
	assert_int_equal(h.cert_len, 4);
	assert_memory_equal(h.cert, "cert", 4);

	/* A frame that is no hello, or the hellos swapped: refused. */
	msbuf_reset(b);
	assert_int_equal(ms_mon_decap_put(b, sh, ch), 0);
	assert_int_not_equal(ms_mon_decap_parse(b, &h), 0);
	/* A frame over MS_HELLO_FRAME_MAX: neither put nor parsed. */
	assert_int_equal(msbuf_put(big, "x", 1), 0);
	while (msbuf_len(big) <= MS_HELLO_FRAME_MAX)
		assert_int_equal(msbuf_put_u8(big, 0), 0);
	msbuf_reset(b);
	assert_int_equal(ms_mon_decap_put(b, big, sh),
	    MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(msbuf_put_stringb(b, big), 0);
	assert_int_equal(msbuf_put_stringb(b, sh), 0);
	assert_int_equal(ms_mon_decap_parse(b, &h), MS_ERR_STRING_TOO_LARGE);
	/* A certificate over its cap. */
	while (msbuf_len(cert) <= MS_SERVER_CERT_MSG_MAX)
		assert_int_equal(msbuf_put_u8(cert, 0), 0);
	msbuf_reset(b);
	assert_int_equal(ms_mon_sign_put(b, ch, sh, cert),
	    MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(ms_mon_decap_put(b, ch, sh), 0);
	assert_int_equal(msbuf_put_stringb(b, cert), 0);
	assert_int_equal(ms_mon_sign_parse(b, &h), MS_ERR_STRING_TOO_LARGE);

	/* The answers: a 32-byte secret, a 64-byte signature, exactly. */
	memset(secret, 0x77, sizeof(secret));
	msbuf_reset(b);
	assert_int_equal(ms_mon_decap_answer_put(b, secret), 0);
	assert_int_equal(msbuf_len(b), 4 + 32);
	check_answer(b, p_static);
	memset(sig, 0x88, sizeof(sig));
	msbuf_reset(b);
	assert_int_equal(ms_mon_sign_answer_put(b, sig), 0);
	assert_int_equal(msbuf_len(b), 4 + 64);
	check_answer(b, p_sig);
	assert_int_equal(ms_mon_sign_answer_parse(b, got), 0);
	assert_memory_equal(got, sig, sizeof(sig));
	msbuf_reset(b);
	assert_int_equal(msbuf_put_string(b, sig, 63), 0);
	assert_int_not_equal(ms_mon_sign_answer_parse(b, got), 0);
	msbuf_reset(b);
	assert_int_equal(msbuf_put_string(b, secret, 31), 0);
	assert_int_not_equal(ms_mon_decap_answer_parse(b, secret), 0);
	/* Wiped on failure. */
	assert_int_equal(secret[0], 0);

	msbuf_free(ch);
	msbuf_free(sh);
	msbuf_free(cert);
	msbuf_free(big);
	msbuf_free(b);
}

/* Two canonical messages: u32 length || type || body. */
static struct msbuf *
sample_tail(void)
{
	struct msbuf *t = newbuf();

	assert_int_equal(msbuf_put_u32(t, 3), 0);
	assert_int_equal(msbuf_put(t, "\x0b" "ab", 3), 0);
	assert_int_equal(msbuf_put_u32(t, 1), 0);
	assert_int_equal(msbuf_put_u8(t, 0x0c), 0);
	return t;
}

static int
count_cb(void *arg, const u_char *msg, size_t len)
{
	size_t *n = arg;

	(*n)++;
	assert_true(len >= 4);
	return 0;
}

static void
test_auth(void **state)
{
	struct msbuf *tail = sample_tail(), *cv = newbuf(), *b = newbuf();
	struct ms_mon_auth a;
	char name[MS_PRINCIPAL_MAX + 1], big[MS_PRINCIPAL_MAX + 2];
	uint32_t st;
	size_t n = 0;

	assert_int_equal(ms_canonical_run_walk(msbuf_ptr(tail),
	    msbuf_len(tail), count_cb, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ms_canonical_run_walk(msbuf_ptr(tail),
	    msbuf_len(tail) - 1, NULL, NULL), MS_ERR_INVALID_FORMAT);

	assert_int_equal(msbuf_put(cv, "\x00\x01\x00\x00\x00\x01s", 7), 0);
	assert_int_equal(ms_mon_auth_put(b, tail, cv, 1), 0);
	check_request(b, p_auth, (size_t)-1);
	assert_int_equal(ms_mon_auth_parse(b, &a), 0);
	assert_int_equal(a.tail_len, msbuf_len(tail));
	assert_int_equal(a.cv_len, 7);
	assert_int_equal(a.finished_ok, 1);

	/* finished_ok beyond 1, a tail cut mid-message: refused. */
	msbuf_reset(b);
	assert_int_equal(msbuf_put_stringb(b, tail), 0);
	assert_int_equal(msbuf_put_stringb(b, cv), 0);
	assert_int_equal(msbuf_put_u8(b, 2), 0);
	assert_int_equal(ms_mon_auth_parse(b, &a), MS_ERR_INVALID_FORMAT);
	msbuf_reset(b);
	assert_int_equal(msbuf_put_string(b, msbuf_ptr(tail),
	    msbuf_len(tail) - 1), 0);
	assert_int_equal(msbuf_put_stringb(b, cv), 0);
	assert_int_equal(msbuf_put_u8(b, 1), 0);
	assert_int_equal(ms_mon_auth_parse(b, &a), MS_ERR_INVALID_FORMAT);
	/* Over the caps: neither put nor parsed. */
	while (msbuf_len(cv) <= MS_AUTH_CLIENT_VERIFY_MAX)
		assert_int_equal(msbuf_put_u8(cv, 0), 0);
	msbuf_reset(b);
	assert_int_equal(ms_mon_auth_put(b, tail, cv, 1),
	    MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(msbuf_put_stringb(b, tail), 0);
	assert_int_equal(msbuf_put_stringb(b, cv), 0);
	assert_int_equal(msbuf_put_u8(b, 1), 0);
	assert_int_equal(ms_mon_auth_parse(b, &a), MS_ERR_STRING_TOO_LARGE);
	msbuf_reset(cv);
	while (msbuf_len(tail) <= MS_AUTH_TAIL_MAX)
		assert_int_equal(msbuf_put(tail, "\0\0\0\0", 4), 0);
	msbuf_reset(b);
	assert_int_equal(ms_mon_auth_put(b, tail, cv, 1),
	    MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(msbuf_put_stringb(b, tail), 0);
	assert_int_equal(msbuf_put_stringb(b, cv), 0);
	assert_int_equal(msbuf_put_u8(b, 1), 0);
	assert_int_equal(ms_mon_auth_parse(b, &a), MS_ERR_STRING_TOO_LARGE);

	/* The answer: status and principal; OK needs a principal. */
	msbuf_reset(b);
	assert_int_equal(ms_mon_auth_answer_put(b, MS_ST_OK, "alice"), 0);
	check_answer(b, p_auth_answer);
	assert_int_equal(ms_mon_auth_answer_parse(b, &st, name), 0);
	assert_int_equal(st, MS_ST_OK);
	assert_string_equal(name, "alice");
	msbuf_reset(b);
	assert_int_equal(ms_mon_auth_answer_put(b, MS_ST_AUTH_FAILED, ""), 0);
	assert_int_equal(ms_mon_auth_answer_parse(b, &st, name), 0);
	assert_int_equal(st, MS_ST_AUTH_FAILED);
	assert_string_equal(name, "");
	msbuf_reset(b);
	assert_int_equal(ms_mon_auth_answer_put(b, MS_ST_OK, ""), 0);
	assert_int_equal(ms_mon_auth_answer_parse(b, &st, name),
	    MS_ERR_INVALID_FORMAT);
	memset(big, 'p', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	msbuf_reset(b);
	assert_int_equal(ms_mon_auth_answer_put(b, MS_ST_OK, big), 0);
	assert_int_equal(ms_mon_auth_answer_parse(b, &st, name),
	    MS_ERR_STRING_TOO_LARGE);
	big[MS_PRINCIPAL_MAX] = '\0';
	msbuf_reset(b);
	assert_int_equal(ms_mon_auth_answer_put(b, MS_ST_OK, big), 0);
	assert_int_equal(ms_mon_auth_answer_parse(b, &st, name), 0);
	assert_string_equal(name, big);
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u32(b, MS_ST_OK), 0);
	assert_int_equal(msbuf_put_string(b, "a\0b", 3), 0);
	assert_int_equal(ms_mon_auth_answer_parse(b, &st, name),
	    MS_ERR_STRING_HAS_NUL);

	msbuf_free(tail);
	msbuf_free(cv);
	msbuf_free(b);
}

static void
test_data_requests(void **state)
{
	struct msbuf *b = newbuf(), *ents = newbuf();
	struct ms_mon_data d;

	assert_int_equal(ms_mon_open_put(b, "/a/b", MS_ACCESS_READ), 0);
	check_request(b, p_open, (size_t)-1);
	assert_int_equal(ms_mon_open_parse(b, &d), 0);
	assert_string_equal(d.path, "/a/b");
	assert_int_equal(d.access, MS_ACCESS_READ);
	ms_mon_data_clear(&d);
	assert_null(d.path);

	msbuf_reset(b);
	assert_int_equal(ms_mon_get_put(b, "/a", "rec"), 0);
	check_request(b, p_get, (size_t)-1);
	assert_int_equal(ms_mon_get_parse(b, &d), 0);
	assert_string_equal(d.record, "rec");
	ms_mon_data_clear(&d);

	msbuf_reset(b);
	assert_int_equal(ms_mon_set_put(b, "/a", "rec", MS_REC_SECURE,
	    (const u_char *)"v\0v", 3), 0);
	check_request(b, p_set, (size_t)-1);
	assert_int_equal(ms_mon_set_parse(b, &d), 0);
	assert_int_equal(d.flags, MS_REC_SECURE);
	assert_int_equal(d.value_len, 3);
	assert_memory_equal(d.value, "v\0v", 3);
	ms_mon_data_clear(&d);

	msbuf_reset(b);
	assert_int_equal(ms_mon_delete_put(b, "/a", ""), 0);
	check_request(b, p_delete, (size_t)-1);
	assert_int_equal(ms_mon_delete_parse(b, &d), 0);
	assert_string_equal(d.record, "");
	ms_mon_data_clear(&d);

	/* LIST: the flags byte may be missing (an older worker). */
	msbuf_reset(b);
	assert_int_equal(ms_mon_list_put(b, "/a", MS_LIST_LONG, NULL), 0);
	check_request(b, p_list, msbuf_len(b) - 1);
	assert_int_equal(ms_mon_list_parse(b, &d), 0);
	assert_int_equal(d.list_flags, MS_LIST_LONG);
	ms_mon_data_clear(&d);
	msbuf_reset(b);
	assert_int_equal(msbuf_put_cstring(b, "/a"), 0);
	assert_int_equal(ms_mon_list_parse(b, &d), 0);
	assert_int_equal(d.list_flags, 0);
	ms_mon_data_clear(&d);
	msbuf_reset(b);
	assert_int_equal(ms_mon_list_put(b, "/a", 0x80, NULL), 0);
	assert_int_equal(ms_mon_list_parse(b, &d), MS_ERR_INVALID_FORMAT);
	assert_null(d.path);

	msbuf_reset(b);
	assert_int_equal(ms_mon_getacl_put(b, "/a"), 0);
	check_request(b, p_getacl, (size_t)-1);

	assert_int_equal(msbuf_put_cstring(ents, "alice"), 0);
	assert_int_equal(msbuf_put_cstring(ents, "rw"), 0);
	assert_int_equal(msbuf_put_cstring(ents, "group:ops"), 0);
	assert_int_equal(msbuf_put_cstring(ents, ""), 0);
	msbuf_reset(b);
	assert_int_equal(ms_mon_setacl_put(b, "/a", MS_SETACL_UNCHANGED,
	    MS_SENSITIVE_UNCHANGED, 2, ents), 0);
	check_request(b, p_setacl, (size_t)-1);
	assert_int_equal(ms_mon_setacl_parse(b, &d), 0);
	assert_int_equal(d.nchanges, 2);
	assert_string_equal(d.changes[0].who, "alice");
	assert_string_equal(d.changes[0].rights, "rw");
	assert_string_equal(d.changes[1].who, "group:ops");
	assert_string_equal(d.changes[1].rights, "");
	ms_mon_data_clear(&d);
	assert_null(d.changes);
	msbuf_free(ents);
	msbuf_free(b);
}

/* Each cap of the data requests, at the cap and one over. */
static void
test_data_caps(void **state)
{
	char path[MS_PATH_MAX + 2], rec[MS_RECORD_NAME_MAX + 2];
	char who[MS_ACL_WHO_MAX + 2], rights[MS_RIGHTS_MAX + 2];
	struct msbuf *b = newbuf(), *ents = newbuf();
	struct ms_mon_data d;
	u_char *value;
	uint32_t i;

	memset(path, 'p', sizeof(path));
	path[0] = '/';
	path[MS_PATH_MAX] = '\0';
	assert_int_equal(ms_mon_getacl_put(b, path), 0);
	assert_int_equal(ms_mon_getacl_parse(b, &d), 0);
	ms_mon_data_clear(&d);
	path[MS_PATH_MAX] = 'p';
	path[MS_PATH_MAX + 1] = '\0';
	msbuf_reset(b);
	assert_int_equal(ms_mon_getacl_put(b, path), 0);
	assert_int_equal(ms_mon_getacl_parse(b, &d),
	    MS_ERR_STRING_TOO_LARGE);
	assert_null(d.path);

	memset(rec, 'r', sizeof(rec));
	rec[MS_RECORD_NAME_MAX] = '\0';
	msbuf_reset(b);
	assert_int_equal(ms_mon_get_put(b, "/a", rec), 0);
	assert_int_equal(ms_mon_get_parse(b, &d), 0);
	ms_mon_data_clear(&d);
	rec[MS_RECORD_NAME_MAX] = 'r';
	rec[MS_RECORD_NAME_MAX + 1] = '\0';
	msbuf_reset(b);
	assert_int_equal(ms_mon_get_put(b, "/a", rec), 0);
	assert_int_equal(ms_mon_get_parse(b, &d), MS_ERR_STRING_TOO_LARGE);
	assert_null(d.path);

	assert_non_null(value = calloc(1, MS_VALUE_MAX + 1));
	msbuf_reset(b);
	assert_int_equal(ms_mon_set_put(b, "/a", "r", 0, value,
	    MS_VALUE_MAX), 0);
	assert_int_equal(ms_mon_set_parse(b, &d), 0);
	assert_int_equal(d.value_len, MS_VALUE_MAX);
	ms_mon_data_clear(&d);
	msbuf_reset(b);
	assert_int_equal(ms_mon_set_put(b, "/a", "r", 0, value,
	    MS_VALUE_MAX + 1), MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(msbuf_put_cstring(b, "/a"), 0);
	assert_int_equal(msbuf_put_cstring(b, "r"), 0);
	assert_int_equal(msbuf_put_u8(b, 0), 0);
	assert_int_equal(msbuf_put_string(b, value, MS_VALUE_MAX + 1), 0);
	assert_int_equal(ms_mon_set_parse(b, &d), MS_ERR_STRING_TOO_LARGE);
	assert_null(d.path);
	free(value);

	/* SETACL: the entry count, inherit, sensitive and the names. */
	for (i = 0; i < MS_ACL_ENTRIES_MAX + 1; i++) {
		assert_int_equal(msbuf_put_cstring(ents, "u"), 0);
		assert_int_equal(msbuf_put_cstring(ents, "r"), 0);
	}
	msbuf_reset(b);
	assert_int_equal(ms_mon_setacl_put(b, "/a", 0, 0,
	    MS_ACL_ENTRIES_MAX + 1, ents), MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(msbuf_put_cstring(b, "/a"), 0);
	assert_int_equal(msbuf_put_u8(b, 0), 0);
	assert_int_equal(msbuf_put_u8(b, 0), 0);
	assert_int_equal(msbuf_put_u32(b, MS_ACL_ENTRIES_MAX + 1), 0);
	assert_int_equal(msbuf_putb(b, ents), 0);
	assert_int_equal(ms_mon_setacl_parse(b, &d), MS_ERR_INVALID_FORMAT);
	assert_null(d.changes);
	msbuf_reset(b);
	assert_int_equal(ms_mon_setacl_put(b, "/a", MS_SETACL_UNCHANGED + 1,
	    0, 0, ents), 0);
	assert_int_equal(ms_mon_setacl_parse(b, &d), MS_ERR_INVALID_FORMAT);
	msbuf_reset(b);
	assert_int_equal(ms_mon_setacl_put(b, "/a", 0,
	    MS_SENSITIVE_UNCHANGED + 1, 0, ents), 0);
	assert_int_equal(ms_mon_setacl_parse(b, &d), MS_ERR_INVALID_FORMAT);

	memset(who, 'w', sizeof(who));
	memset(rights, 'r', sizeof(rights));
	who[MS_ACL_WHO_MAX] = rights[MS_RIGHTS_MAX] = '\0';
	msbuf_reset(ents);
	assert_int_equal(msbuf_put_cstring(ents, who), 0);
	assert_int_equal(msbuf_put_cstring(ents, rights), 0);
	msbuf_reset(b);
	assert_int_equal(ms_mon_setacl_put(b, "/a", 0, 0, 1, ents), 0);
	assert_int_equal(ms_mon_setacl_parse(b, &d), 0);
	assert_string_equal(d.changes[0].who, who);
	assert_string_equal(d.changes[0].rights, rights);
	ms_mon_data_clear(&d);
	who[MS_ACL_WHO_MAX] = 'w';
	who[MS_ACL_WHO_MAX + 1] = '\0';
	msbuf_reset(ents);
	assert_int_equal(msbuf_put_cstring(ents, who), 0);
	assert_int_equal(msbuf_put_cstring(ents, "r"), 0);
	msbuf_reset(b);
	assert_int_equal(ms_mon_setacl_put(b, "/a", 0, 0, 1, ents), 0);
	assert_int_equal(ms_mon_setacl_parse(b, &d), MS_ERR_STRING_TOO_LARGE);
	assert_null(d.changes);
	rights[MS_RIGHTS_MAX] = 'r';
	rights[MS_RIGHTS_MAX + 1] = '\0';
	msbuf_reset(ents);
	assert_int_equal(msbuf_put_cstring(ents, "u"), 0);
	assert_int_equal(msbuf_put_cstring(ents, rights), 0);
	msbuf_reset(b);
	assert_int_equal(ms_mon_setacl_put(b, "/a", 0, 0, 1, ents), 0);
	assert_int_equal(ms_mon_setacl_parse(b, &d), MS_ERR_STRING_TOO_LARGE);
	msbuf_free(ents);
	msbuf_free(b);
}

static void
test_data_answers(void **state)
{
	struct msbuf *b = newbuf();
	struct ms_mon_value v, got;
	struct ms_mon_status s;
	uint64_t usage[4] = { 1, 2, 3, 4 }, version;
	uint32_t st;

	/* The status head: any status up to MS_ST_MAX, no further. */
	assert_int_equal(ms_mon_status_put(b, MS_ST_ACCESS_DENIED), 0);
	check_answer(b, p_status);
	assert_int_equal(ms_mon_status_parse(b, &st), 0);
	assert_int_equal(st, MS_ST_ACCESS_DENIED);
	assert_int_equal(ms_mon_status_put(b, MS_ST_MAX), 0);
	assert_int_equal(ms_mon_status_parse(b, &st), 0);
	assert_int_equal(ms_mon_status_put(b, MS_ST_MAX + 1), 0);
	assert_int_equal(ms_mon_status_parse(b, &st), MS_ERR_INVALID_FORMAT);
	msbuf_reset(b);
	assert_int_equal(ms_mon_status_put(b, MS_ST_MAX + 1), 0);
	assert_int_equal(ms_mon_status_get(b, &st), MS_ERR_INVALID_FORMAT);

	/* GET: fields after OK only. */
	memset(&v, 0, sizeof(v));
	v.flags = MS_REC_SECURE;
	v.version = 7;
	v.mtime = 1700000000;
	v.value = (u_char *)"secret";
	v.len = 6;
	msbuf_reset(b);
	assert_int_equal(ms_mon_get_answer_put(b, MS_ST_OK, &v), 0);
	check_answer(b, p_get_answer);
	assert_int_equal(ms_mon_get_answer_parse(b, &st, &got), 0);
	assert_int_equal(got.flags, MS_REC_SECURE);
	assert_int_equal(got.version, 7);
	assert_int_equal(got.mtime, 1700000000);
	assert_int_equal(got.len, 6);
	assert_memory_equal(got.value, "secret", 6);
	ms_mon_value_clear(&got);
	msbuf_reset(b);
	assert_int_equal(ms_mon_get_answer_put(b, MS_ST_RECORD_NOT_FOUND, &v),
	    0);
	assert_int_equal(msbuf_len(b), 4);
	check_answer(b, p_get_answer);
	v.flags = 0x80;
	msbuf_reset(b);
	assert_int_equal(ms_mon_get_answer_put(b, MS_ST_OK, &v), 0);
	assert_int_equal(ms_mon_get_answer_parse(b, &st, &got),
	    MS_ERR_INVALID_FORMAT);
	assert_null(got.value);

	/* SET */
	msbuf_reset(b);
	assert_int_equal(ms_mon_set_answer_put(b, MS_ST_OK, 42), 0);
	check_answer(b, p_set_answer);
	assert_int_equal(ms_mon_set_answer_parse(b, &st, &version), 0);
	assert_int_equal(version, 42);
	msbuf_reset(b);
	assert_int_equal(ms_mon_set_answer_put(b, MS_ST_STORE_FULL, 42), 0);
	assert_int_equal(msbuf_len(b), 4);
	assert_int_equal(ms_mon_set_answer_parse(b, &st, &version), 0);
	assert_int_equal(st, MS_ST_STORE_FULL);
	assert_int_equal(version, 0);

	/* STATUS */
	msbuf_reset(b);
	assert_int_equal(ms_mon_status_answer_put(b, MS_ST_OK, "alice",
	    "metasafe 1.0", usage), 0);
	check_answer(b, p_status_answer);
	assert_int_equal(ms_mon_status_answer_parse(b, &st, &s), 0);
	assert_string_equal(s.principal, "alice");
	assert_string_equal(s.version, "metasafe 1.0");
	assert_memory_equal(s.usage, usage, sizeof(usage));
	ms_mon_status_clear(&s);
	assert_null(s.principal);
	msbuf_reset(b);
	assert_int_equal(ms_mon_status_answer_put(b, MS_ST_INTERNAL_ERROR,
	    "alice", "v", usage), 0);
	assert_int_equal(msbuf_len(b), 4);
	assert_int_equal(ms_mon_status_answer_parse(b, &st, &s), 0);
	assert_null(s.principal);
	msbuf_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello),
		cmocka_unit_test(test_decap_sign),
		cmocka_unit_test(test_auth),
		cmocka_unit_test(test_data_requests),
		cmocka_unit_test(test_data_caps),
		cmocka_unit_test(test_data_answers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
