/*
 * test_msg_config.c — the CONFIG and HANDOFF frames (common/msg_config.c),
 * PROTOCOL.md 11, and the algorithm-list codec CONFIG shares with the
 * hellos.
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
#include "hello.h"
#include "msg_config.h"
#include "mslimits.h"
#include "proto.h"

static void
sample(struct ms_config *c, char *chroot_dir)
{
	memset(c, 0, sizeof(*c));
	c->uid = 65534;
	c->gid = 65533;
	c->chroot_dir = chroot_dir;
	c->login_grace_ms = 30000;
	c->max_value_size = 4096;
	c->log_level = 3;
	c->sandbox_debug = 1;
	c->ciphers.n = 2;
	c->ciphers.ids[0] = MS_CIPHER_CHACHA20_POLY1305;
	c->ciphers.ids[1] = MS_CIPHER_AES256_GCM;
	c->kex.n = 1;
	c->kex.ids[0] = MS_KEX_X25519_HYBRID;
}

static struct msbuf *
sample_payload(void)
{
	struct ms_config c;
	struct msbuf *b = msbuf_new(MS_CONFIG_FRAME_MAX);

	assert_non_null(b);
	sample(&c, "/var/empty");
	assert_int_equal(ms_config_put(b, &c), 0);
	return b;
}

/* The bytes of section 11, field by field. */
static void
test_layout(void **state)
{
	static const u_char want[] = {
		0, 0, 0, 2,				/* version */
		0, 0, 0xff, 0xfe,			/* uid */
		0, 0, 0xff, 0xfd,			/* gid */
		0, 0, 0, 2, '/', 'x',			/* chroot_dir */
		0, 0, 0x75, 0x30,			/* login_grace_ms */
		0, 0, 0x10, 0,				/* max_value_size */
		3, 1,					/* log, debug */
		2, 0, 1, 0, 2,				/* ciphers */
		1, 0, 1,				/* kex */
	};
	struct ms_config c;
	struct msbuf *b = msbuf_new(MS_CONFIG_FRAME_MAX);

	assert_non_null(b);
	assert_int_equal(MS_CONFIG_VERSION, 2);
	sample(&c, "/x");
	c.ciphers.ids[0] = 1;
	c.ciphers.ids[1] = 2;
	c.kex.ids[0] = 1;
	assert_int_equal(ms_config_put(b, &c), 0);
	assert_int_equal(msbuf_len(b), sizeof(want));
	assert_memory_equal(msbuf_ptr(b), want, sizeof(want));
	msbuf_free(b);
}

static void
test_round_trip(void **state)
{
	struct msbuf *b = sample_payload();
	struct ms_config c;

	assert_int_equal(ms_config_parse(b, &c), 0);
	assert_int_equal(msbuf_len(b), 0);
	assert_string_equal(c.chroot_dir, "/var/empty");
	assert_int_equal(c.uid, 65534);
	assert_int_equal(c.gid, 65533);
	assert_int_equal(c.login_grace_ms, 30000);
	assert_int_equal(c.max_value_size, 4096);
	assert_int_equal(c.log_level, 3);
	assert_int_equal(c.sandbox_debug, 1);
	assert_int_equal(c.ciphers.n, 2);
	assert_int_equal(c.ciphers.ids[0], MS_CIPHER_CHACHA20_POLY1305);
	assert_int_equal(c.ciphers.ids[1], MS_CIPHER_AES256_GCM);
	assert_int_equal(c.kex.n, 1);
	assert_int_equal(c.kex.ids[0], MS_KEX_X25519_HYBRID);
	ms_config_clear(&c);
	assert_null(c.chroot_dir);
	msbuf_free(b);
}

/* Every proper prefix fails, and leaves nothing allocated behind. */
static void
test_truncated(void **state)
{
	struct msbuf *full = sample_payload(), *b;
	struct ms_config c;
	size_t n;

	for (n = 0; n < msbuf_len(full); n++) {
		assert_non_null(b = msbuf_from(msbuf_ptr(full), n));
		assert_int_not_equal(ms_config_parse(b, &c), 0);
		assert_null(c.chroot_dir);
		msbuf_free(b);
	}
	msbuf_free(full);
}

static void
test_trailing(void **state)
{
	struct msbuf *b = sample_payload();
	struct ms_config c;

	assert_int_equal(msbuf_put_u8(b, 0), 0);
	assert_int_equal(ms_config_parse(b, &c), MS_ERR_INVALID_FORMAT);
	assert_null(c.chroot_dir);
	msbuf_free(b);
}

static void
test_other_version(void **state)
{
	struct msbuf *b = sample_payload();
	struct msbuf *v = msbuf_new(MS_CONFIG_FRAME_MAX);
	struct ms_config c;

	assert_non_null(v);
	assert_int_equal(msbuf_put_u32(v, MS_CONFIG_VERSION + 1), 0);
	assert_int_equal(msbuf_consume(b, 4), 0);
	assert_int_equal(msbuf_putb(v, b), 0);
	assert_int_equal(ms_config_parse(v, &c), MS_ERR_INVALID_FORMAT);
	msbuf_free(b);
	msbuf_free(v);
}

/* chroot_dir at its cap parses; one byte more does not. */
static void
test_caps(void **state)
{
	char dir[MS_CONFIG_CHROOT_MAX + 2];
	struct msbuf *b = msbuf_new(MS_CONFIG_FRAME_MAX);
	struct ms_config c, p;

	assert_non_null(b);
	memset(dir, 'd', sizeof(dir));
	dir[MS_CONFIG_CHROOT_MAX] = '\0';
	sample(&c, dir);
	assert_int_equal(ms_config_put(b, &c), 0);
	assert_true(msbuf_len(b) <= MS_CONFIG_FRAME_MAX);
	assert_int_equal(ms_config_parse(b, &p), 0);
	assert_int_equal(strlen(p.chroot_dir), MS_CONFIG_CHROOT_MAX);
	ms_config_clear(&p);

	dir[MS_CONFIG_CHROOT_MAX] = 'd';
	dir[MS_CONFIG_CHROOT_MAX + 1] = '\0';
	msbuf_reset(b);
	assert_int_equal(ms_config_put(b, &c), 0);
	assert_int_equal(ms_config_parse(b, &p), MS_ERR_STRING_TOO_LARGE);
	msbuf_free(b);
}

/* HANDOFF: the peer as a name, nothing else; the bytes of section 11. */
static void
test_handoff_layout(void **state)
{
	static const u_char want[] = { 0, 0, 0, 3, 'a', ':', '1' };
	struct msbuf *b = msbuf_new(MS_HANDOFF_FRAME_MAX);
	char *peer;

	assert_non_null(b);
	assert_int_equal(ms_handoff_put(b, "a:1"), 0);
	assert_int_equal(msbuf_len(b), sizeof(want));
	assert_memory_equal(msbuf_ptr(b), want, sizeof(want));
	assert_int_equal(ms_handoff_parse(b, &peer), 0);
	assert_string_equal(peer, "a:1");
	free(peer);
	msbuf_free(b);
}

/* Empty, too long, truncated or followed by anything: refused. */
static void
test_handoff_bad(void **state)
{
	char long_peer[MS_CONFIG_PEER_MAX + 2];
	struct msbuf *b = msbuf_new(2 * MS_HANDOFF_FRAME_MAX), *t;
	char *peer = (char *)1;

	assert_non_null(b);
	assert_int_equal(ms_handoff_put(b, ""), 0);
	assert_int_equal(ms_handoff_parse(b, &peer), MS_ERR_INVALID_FORMAT);
	assert_null(peer);

	msbuf_reset(b);
	assert_int_equal(ms_handoff_put(b, "192.0.2.1:1"), 0);
	assert_int_equal(msbuf_put_u8(b, 0), 0);
	assert_int_equal(ms_handoff_parse(b, &peer), MS_ERR_INVALID_FORMAT);
	assert_null(peer);

	msbuf_reset(b);
	assert_int_equal(ms_handoff_put(b, "192.0.2.1:1"), 0);
	assert_non_null(t = msbuf_from(msbuf_ptr(b), msbuf_len(b) - 1));
	assert_int_not_equal(ms_handoff_parse(t, &peer), 0);
	assert_null(peer);
	msbuf_free(t);

	memset(long_peer, 'p', sizeof(long_peer));
	long_peer[MS_CONFIG_PEER_MAX] = '\0';
	msbuf_reset(b);
	assert_int_equal(ms_handoff_put(b, long_peer), 0);
	assert_int_equal(ms_handoff_parse(b, &peer), 0);
	assert_int_equal(strlen(peer), MS_CONFIG_PEER_MAX);
	free(peer);
	long_peer[MS_CONFIG_PEER_MAX] = 'p';
	long_peer[MS_CONFIG_PEER_MAX + 1] = '\0';
	msbuf_reset(b);
	assert_int_equal(ms_handoff_put(b, long_peer), 0);
	assert_int_equal(ms_handoff_parse(b, &peer), MS_ERR_STRING_TOO_LARGE);
	assert_null(peer);
	msbuf_free(b);
}

/* Lists of 1..MS_ALG_LIST_MAX; 0 or 17 entries neither put nor parse. */
static void
test_alg_lists(void **state)
{
	struct ms_alg_list l, got;
	struct msbuf *b = msbuf_new(1024);
	uint8_t i;

	assert_non_null(b);
	memset(&l, 0, sizeof(l));
	assert_int_equal(ms_alg_list_put(b, &l), MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(msbuf_len(b), 0);
	l.n = MS_ALG_LIST_MAX;
	for (i = 0; i < l.n; i++)
		l.ids[i] = 0x100 + i;
	assert_int_equal(ms_alg_list_put(b, &l), 0);
	assert_int_equal(msbuf_len(b), 1 + 2 * MS_ALG_LIST_MAX);
	assert_int_equal(ms_alg_list_get(b, &got), 0);
	assert_memory_equal(&got, &l, sizeof(l));
	l.n = MS_ALG_LIST_MAX + 1;
	assert_int_equal(ms_alg_list_put(b, &l), MS_ERR_INVALID_ARGUMENT);

	/* On the wire: n 0 and n 17 are refused by the reader. */
	assert_int_equal(msbuf_put_u8(b, 0), 0);
	assert_int_equal(ms_alg_list_get(b, &got), MS_ERR_INVALID_FORMAT);
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u8(b, MS_ALG_LIST_MAX + 1), 0);
	for (i = 0; i < MS_ALG_LIST_MAX + 1; i++)
		assert_int_equal(msbuf_put_u16(b, 1), 0);
	assert_int_equal(ms_alg_list_get(b, &got), MS_ERR_INVALID_FORMAT);
	msbuf_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_trailing),
		cmocka_unit_test(test_other_version),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_handoff_layout),
		cmocka_unit_test(test_handoff_bad),
		cmocka_unit_test(test_alg_lists),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
