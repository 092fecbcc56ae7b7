/*
 * test_client_e2e.c — the whole handshake plus a few operations against
 * the fake server of client_fixture.c, and the negative cases: changed
 * host key, bad server signature, refused authentication; the algorithms
 * negotiated.
 */
#include "client_fixture.h"

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

/*
 * Peer credentials are for unix: hosts: over TCP the library refuses
 * locally, sends nothing, and the connection can still log in with a key.
 */
static void
test_e2e_peer_over_tcp(void **state)
{
	struct e2e e;
	struct metasafe_conn *c = NULL;
	pid_t pid;

	assert_int_equal(metasafe_authenticate_peer(NULL), METASAFE_ERR_USAGE);
	e2e_setup(&e, 1);
	pid = fake_start(&e.fs, FAKE_OK);
	assert_int_equal(metasafe_connect(&e.o, &c), 0);
	assert_int_equal(metasafe_authenticate_peer(c), METASAFE_ERR_USAGE);
	assert_non_null(strstr(metasafe_last_error_message(c), "unix:"));
	assert_int_equal(metasafe_authenticate(c, e.key), 0);
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
	e2e_refused(&e, FAKE_EXPECT_SILENCE, METASAFE_ERR_HOSTKEY_UNKNOWN,
	    "SHA256:");
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
	e2e_refused(&e, FAKE_BAD_SIGNATURE, METASAFE_ERR_HANDSHAKE,
	    "signature");

	e2e_refused(&e, FAKE_BAD_FINISHED, METASAFE_ERR_HANDSHAKE, "Finished");

	/* A cleartext alert is reported, its text sanitised. */
	e2e_refused(&e, FAKE_ALERT, METASAFE_ERR_NO_COMMON_SUITE,
	    "NO_COMMON_SUITE: no common cipher?[31m");

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
test_e2e_algorithms(void **state)
{
	struct e2e e;
	struct metasafe_conn *c = NULL;
	pid_t pid;

	e2e_setup(&e, 1);
	/* A chosen signature algorithm that was never offered. */
	e2e_refused(&e, FAKE_WRONG_SIG, METASAFE_ERR_PROTOCOL, "not offered");

	/* NO_COMMON_SUITE names what was offered. */
	e.o.ciphers = "aes256-gcm";
	e.o.signature_algorithms = "ed25519";
	e2e_refused(&e, FAKE_ALERT, METASAFE_ERR_NO_COMMON_SUITE,
	    "Ciphers=aes256-gcm KexAlgorithms=x25519-hybrid "
	    "SignatureAlgorithms=ed25519");
	assert_int_equal(metasafe_exit_code(METASAFE_ERR_NO_COMMON_SUITE), 2);

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
		cmocka_unit_test(test_e2e_ok),
		cmocka_unit_test(test_e2e_peer_over_tcp),
		cmocka_unit_test(test_e2e_accept_new),
		cmocka_unit_test(test_e2e_hostkey_changed),
		cmocka_unit_test(test_e2e_bad_server),
		cmocka_unit_test(test_e2e_algorithms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
