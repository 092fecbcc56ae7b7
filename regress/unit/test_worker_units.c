/*
 * test_worker_units.c — worker pieces tested in-process, without the
 * rig: the CONFIG frame parser, the handle table, READY and the HANDOFF.
 */
#include "worker_fixture.h"

#include "fdpass.h"
#include "msg_config.h"

/* ---------------------------------------------------------------- */
/* Tests: in-process units                                           */

/* n_kex < 0: no kex list at all (the old CONFIG layout). */
static struct msbuf *
config_payload(uint32_t version, uint32_t uid, uint16_t cipher, int n_kex,
    uint16_t kex, int trailing)
{
	int i;

	struct msbuf *b = fields_new();

	assert_int_equal(msbuf_put_u32(b, version), 0);
	assert_int_equal(msbuf_put_u32(b, uid), 0);
	assert_int_equal(msbuf_put_u32(b, 65534), 0);
	assert_int_equal(msbuf_put_cstring(b, "/var/empty"), 0);
	assert_int_equal(msbuf_put_u32(b, 30000), 0);
	assert_int_equal(msbuf_put_u32(b, 4096), 0);
	assert_int_equal(msbuf_put_u8(b, MS_LOG_DEBUG1), 0);
	assert_int_equal(msbuf_put_u8(b, 0), 0);
	assert_int_equal(msbuf_put_u8(b, 2), 0);
	assert_int_equal(msbuf_put_u16(b, cipher), 0);
	assert_int_equal(msbuf_put_u16(b, MS_CIPHER_AES256_GCM), 0);
	if (n_kex >= 0) {
		assert_int_equal(msbuf_put_u8(b, (uint8_t)n_kex), 0);
		for (i = 0; i < n_kex; i++)
			assert_int_equal(msbuf_put_u16(b, kex), 0);
	}
	if (trailing)
		assert_int_equal(msbuf_put_u8(b, 0), 0);
	return b;
}

static void
test_config_parse(void **state)
{
	struct ms_config c;
	struct msbuf *b;

	(void)state;
	b = config_payload(MS_CONFIG_VERSION, 65534, MS_CIPHER_CHACHA20_POLY1305, 1,
	    MS_KEX_X25519_HYBRID, 0);
	assert_int_equal(w_config_parse(&c, b), 0);
	assert_string_equal(c.chroot_dir, "/var/empty");
	assert_int_equal(c.uid, 65534);
	assert_int_equal(c.gid, 65534);
	assert_int_equal(c.login_grace_ms, 30000);
	assert_int_equal(c.max_value_size, 4096);
	assert_int_equal(c.log_level, MS_LOG_DEBUG1);
	assert_int_equal(c.ciphers.n, 2);
	assert_int_equal(c.ciphers.ids[0], MS_CIPHER_CHACHA20_POLY1305);
	assert_int_equal(c.kex.n, 1);
	assert_int_equal(c.kex.ids[0], MS_KEX_X25519_HYBRID);
	ms_config_clear(&c);
	msbuf_free(b);

	b = config_payload(MS_CONFIG_VERSION + 1, 65534, MS_CIPHER_AES256_GCM, 1,
	    MS_KEX_X25519_HYBRID, 0);
	assert_int_not_equal(w_config_parse(&c, b), 0);
	assert_null(c.chroot_dir);
	msbuf_free(b);
	b = config_payload(MS_CONFIG_VERSION, 0, MS_CIPHER_AES256_GCM, 1,
	    MS_KEX_X25519_HYBRID, 0);
	assert_int_not_equal(w_config_parse(&c, b), 0);
	msbuf_free(b);
	b = config_payload(MS_CONFIG_VERSION, 65534, 0x99, 1, MS_KEX_X25519_HYBRID, 0);
	assert_int_not_equal(w_config_parse(&c, b), 0);
	msbuf_free(b);
	b = config_payload(MS_CONFIG_VERSION, 65534, MS_CIPHER_AES256_GCM, 1,
	    MS_KEX_X25519_HYBRID, 1);
	assert_int_not_equal(w_config_parse(&c, b), 0);
	msbuf_free(b);
	/* The kex list: present, 1..16 entries, only what is implemented. */
	b = config_payload(MS_CONFIG_VERSION, 65534, MS_CIPHER_AES256_GCM, -1, 0, 0);
	assert_int_not_equal(w_config_parse(&c, b), 0);
	assert_null(c.chroot_dir);
	msbuf_free(b);
	b = config_payload(MS_CONFIG_VERSION, 65534, MS_CIPHER_AES256_GCM, 0, 0, 0);
	assert_int_not_equal(w_config_parse(&c, b), 0);
	msbuf_free(b);
	b = config_payload(MS_CONFIG_VERSION, 65534, MS_CIPHER_AES256_GCM, 17,
	    MS_KEX_X25519_HYBRID, 0);
	assert_int_not_equal(w_config_parse(&c, b), 0);
	msbuf_free(b);
	b = config_payload(MS_CONFIG_VERSION, 65534, MS_CIPHER_AES256_GCM, 1, 0x99, 0);
	assert_int_not_equal(w_config_parse(&c, b), 0);
	msbuf_free(b);
	b = config_payload(MS_CONFIG_VERSION, 65534, MS_CIPHER_AES256_GCM, 16,
	    MS_KEX_X25519_HYBRID, 0);
	assert_int_equal(w_config_parse(&c, b), 0);
	assert_int_equal(c.kex.n, 16);
	ms_config_clear(&c);
	msbuf_free(b);
}

static void
test_handle_table(void **state)
{
	struct worker w;
	const struct w_handle *hp;
	uint32_t ids[MS_HANDLES_MAX], id;
	char path[32];
	int i;

	(void)state;
	worker_init(&w, -1, -1);
	for (i = 0; i < MS_HANDLES_MAX; i++) {
		snprintf(path, sizeof(path), "/n%d", i);
		assert_int_equal(w_handle_add(&w, path, MS_ACCESS_READ,
		    &ids[i]), 0);
	}
	assert_int_equal(w.nhandles, MS_HANDLES_MAX);
	assert_int_equal(w_handle_add(&w, "/x", MS_ACCESS_READ, &id),
	    MS_ERR_LIMIT);
	assert_non_null(hp = w_handle_find(&w, ids[5]));
	assert_string_equal(hp->path, "/n5");
	assert_null(w_handle_find(&w, 0));
	assert_null(w_handle_find(&w, 12345));
	assert_int_equal(w_handle_del(&w, ids[5]), 0);
	assert_int_equal(w_handle_del(&w, ids[5]), MS_ERR_NOT_FOUND);
	assert_null(w_handle_find(&w, ids[5]));
	assert_int_equal(w_handle_add(&w, "/y", MS_ACCESS_WRITE, &id), 0);
	assert_int_not_equal(id, ids[5]);
	assert_non_null(hp = w_handle_find(&w, id));
	assert_int_equal(hp->access, MS_ACCESS_WRITE);
	worker_clear(&w);
	assert_int_equal(w.nhandles, 0);
	assert_null(w_handle_find(&w, id));
}

/* The monitor's side of a HANDOFF, by hand: a frame and a descriptor. */
static void
handoff_send(int sock, const char *peer, int fd, int extra_byte)
{
	struct msbuf *p = fields_new(), *f = fields_new();

	assert_int_equal(ms_handoff_put(p, peer), 0);
	assert_int_equal(ms_frame_encode(f, MS_MON_HANDOFF, p), 0);
	if (extra_byte)
		assert_int_equal(msbuf_put_u8(f, 0), 0);
	assert_int_equal(ms_fd_send(sock, msbuf_ptr(f), msbuf_len(f), fd), 0);
	msbuf_free(p);
	msbuf_free(f);
}

static int
handoff_try(const char *peer, int fd, int extra_byte, struct worker *w)
{
	int sp[2], r;
	struct msbuf *b = fields_new();
	uint8_t type;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	worker_init(w, -1, sp[1]);
	/* READY first: an empty frame of its own type. */
	assert_int_equal(w_send_ready(w), 0);
	assert_int_equal(ms_frame_read(sp[0], &type, b, 16, 5000), 0);
	assert_int_equal(type, MS_MON_READY);
	assert_int_equal(msbuf_len(b), 0);
	handoff_send(sp[0], peer, fd, extra_byte);
	r = w_handoff(w);
	close(sp[0]);
	close(sp[1]);
	msbuf_free(b);
	return r;
}

/* A TCP or Unix stream socket and a peer are taken; nothing else. */
static void
test_handoff(void **state)
{
	struct worker w;
	int tcp, sp[2];

	(void)state;
	assert_true((tcp = socket(AF_INET, SOCK_STREAM, 0)) != -1);
	assert_int_equal(handoff_try("192.0.2.9:99", tcp, 0, &w), 0);
	assert_true(w.client_fd >= 0 && w.client_fd != tcp);
	assert_string_equal(w_peer(&w), "192.0.2.9:99");
	close(w.client_fd);
	worker_clear(&w);
	assert_string_equal(w_peer(&w), "?");

	/* A byte after the frame: the monitor never sends one. */
	assert_int_equal(handoff_try("192.0.2.9:99", tcp, 1, &w),
	    MS_ERR_PROTOCOL);
	assert_int_equal(w.client_fd, -1);
	worker_clear(&w);

	/* A unix: listener's connection is a client. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	assert_int_equal(handoff_try("unix", sp[0], 0, &w), 0);
	assert_string_equal(w_peer(&w), "unix");
	close(w.client_fd);
	worker_clear(&w);
	close(sp[0]);
	close(sp[1]);

	/* A Unix datagram socket is not. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sp), 0);
	assert_int_equal(handoff_try("unix", sp[0], 0, &w), MS_ERR_PROTOCOL);
	assert_int_equal(w.client_fd, -1);
	worker_clear(&w);
	close(sp[0]);
	close(sp[1]);

	/* Nor is a datagram socket. */
	close(tcp);
	assert_true((tcp = socket(AF_INET, SOCK_DGRAM, 0)) != -1);
	assert_int_equal(handoff_try("192.0.2.9:99", tcp, 0, &w),
	    MS_ERR_PROTOCOL);
	worker_clear(&w);
	close(tcp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handoff),
		cmocka_unit_test(test_config_parse),
		cmocka_unit_test(test_handle_table),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
