/*
 * test_client_opts.c — libmetasafe's option and ACL-entry parsing, the
 * algorithm lists of the client, and the error -> exit code mapping.
 */
#include "client_fixture.h"

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_opts),
		cmocka_unit_test(test_acl_entry),
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_sanitize),
		cmocka_unit_test(test_opts_algs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
