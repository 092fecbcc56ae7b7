/*
 * test_servconf.c — the daemon configuration parser, for the certificate
 * and algorithm-policy keywords (defaults, -T output, FILE:LINE errors,
 * impossible combinations), and AuthorizedPrincipalsFile "cert" lines.
 */
#include <sys/types.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "errors.h"
#include "keyfile.h"
#include "log.h"
#include "principals.h"
#include "proto.h"
#include "pathnames.h"
#include "servconf.h"
#include "sigalg.h"

#define TESTFS_NAME	"servconf"
#include "testfs.h"

#define BASE "HostKey /k/sig\nHostKexKey /k/kex\nStoreKey /k/store\n" \
	"StoreDirectory /s\nAuthorizedPrincipalsFile /p\n"

/* Load text as a config; 0 or the error, message in err. */
static int
load(const char *text, struct servconf *c, char *err, size_t errlen)
{
	char path[128];

	mkpath(path, sizeof(path), "metasafed.conf");
	write_file(path, text);
	servconf_init(c);
	err[0] = '\0';
	return servconf_load(path, c, err, errlen);
}

static void
expect_error(const char *text, const char *line_and_msg)
{
	struct servconf c;
	char err[512];

	assert_int_not_equal(load(text, &c, err, sizeof(err)), 0);
	if (strstr(err, line_and_msg) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", err, line_and_msg);
	servconf_free(&c);
}

/* The -T output, as one string. */
static void
dump(const struct servconf *c, char *out, size_t len)
{
	FILE *fp = fmemopen(out, len, "w");

	assert_non_null(fp);
	servconf_dump(fp, c);
	assert_int_equal(fclose(fp), 0);
}

/*
 * An empty file is a complete configuration: every path comes from the
 * install paths (pathnames.h), the workers' user is _metasafe.  Checked
 * through the -T output, which is what an operator sees.
 */
static void
test_path_defaults(void **state)
{
	static const char *want[] = {
		"hostkey " MS_PATH_HOST_KEY "\n",
		"hostkexkey " MS_PATH_HOST_KEX_KEY "\n",
		"storekey " MS_PATH_STORE_KEY "\n",
		"storedirectory " MS_PATH_STORE_DIR "\n",
		"authorizedprincipalsfile " MS_PATH_PRINCIPALS "\n",
		"privsepuser _metasafe\n",
		"privsepchroot " MS_PATH_CHROOT "\n",
		"pidfile " MS_PATH_PIDFILE "\n",
		"workerpath " MS_PATH_WORKER "\n",
	};
	struct servconf c;
	char err[512], *out = NULL;
	size_t i, outlen = 0;
	FILE *f;

	assert_int_equal(load("", &c, err, sizeof(err)), 0);
	assert_non_null(f = open_memstream(&out, &outlen));
	servconf_dump(f, &c);
	assert_int_equal(fclose(f), 0);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (strstr(out, want[i]) == NULL)
			fail_msg("-T lacks \"%s\" in:\n%s", want[i], out);
	}
	/* Nothing points into the build tree. */
	assert_null(strstr(out, "/build/"));
	free(out);
	servconf_free(&c);
}

static void
test_defaults(void **state)
{
	struct servconf c;
	char err[512], out[4096];

	assert_int_equal(load(BASE, &c, err, sizeof(err)), 0);
	assert_int_equal(c.kex.n, 1);
	assert_int_equal(c.kex.ids[0], MS_KEX_X25519_HYBRID);
	assert_int_equal(c.sig_algs.n, 4);
	assert_int_equal(c.sig_algs.ids[0], MS_SIG_ED25519);
	assert_int_equal(c.sig_algs.ids[1], MS_SIG_ECDSA_P256_SHA256);
	assert_int_equal(c.sig_algs.ids[2], MS_SIG_ECDSA_P384_SHA384);
	assert_int_equal(c.sig_algs.ids[3], MS_SIG_RSA_PSS_SHA256);
	assert_int_equal(c.min_rsa_bits, 2048);
	assert_int_equal(c.require_fresh_crl, 0);
	assert_int_equal(c.cert_principal, CERT_PRINCIPAL_SAN_URI);
	assert_null(c.trusted_user_ca_file);
	assert_null(c.revocation_list);
	assert_null(c.host_certificate);
	dump(&c, out, sizeof(out));
	assert_non_null(strstr(out, "\nciphers aes256-gcm,chacha20-poly1305\n"));
	assert_non_null(strstr(out, "\nkexalgorithms x25519-hybrid\n"));
	assert_non_null(strstr(out, "\nsignaturealgorithms ed25519,"
	    "ecdsa-p256-sha256,ecdsa-p384-sha384,rsa-pss-sha256\n"));
	assert_non_null(strstr(out, "\nminimumrsabits 2048\n"));
	assert_non_null(strstr(out, "\ntrustedusercafile none\n"));
	assert_non_null(strstr(out, "\nrevocationlist none\n"));
	assert_non_null(strstr(out, "\nrequirefreshcrl no\n"));
	assert_non_null(strstr(out, "\ncertificateprincipal san-uri\n"));
	assert_non_null(strstr(out, "\nhostcertificate none\n"));
	servconf_free(&c);
}

/*
 * The -T output is a configuration: loaded again it gives the same
 * settings.  Its "none" values mean unset, and "AdminPrincipals none"
 * names nobody (not a principal called "none"; fuzz_servconf found that
 * the dump of an empty file did not load).
 */
static void
test_dump_reloads(void **state)
{
	struct servconf c, c2;
	char err[512], out[4096], out2[4096];

	assert_int_equal(load("", &c, err, sizeof(err)), 0);
	dump(&c, out, sizeof(out));
	assert_non_null(strstr(out, "\nadminprincipals none\n"));
	if (load(out, &c2, err, sizeof(err)) != 0)
		fail_msg("-T output does not load: %s", err);
	assert_int_equal(c2.nadmins, 0);
	assert_null(c2.trusted_user_ca_file);
	assert_null(c2.revocation_list);
	assert_null(c2.host_certificate);
	dump(&c2, out2, sizeof(out2));
	assert_string_equal(out, out2);
	servconf_free(&c2);
	servconf_free(&c);

	assert_int_equal(load(BASE "AdminPrincipals root\nAdminPrincipals NONE\n"
	    "TrustedUserCAFile None\nHostCertificate none\n", &c, err,
	    sizeof(err)), 0);
	assert_int_equal(c.nadmins, 1);
	assert_string_equal(c.admins[0], "root");
	assert_null(c.trusted_user_ca_file);
	assert_null(c.host_certificate);
	servconf_free(&c);

	expect_error(BASE "AdminPrincipals none root\n",
	    ":6: AdminPrincipals: \"none\" must be the only name");
	expect_error(BASE "AdminPrincipals root none\n",
	    ":6: AdminPrincipals: \"none\" must be the only name");
	expect_error(BASE "TrustedUserCAFile /ca.pem\nTrustedUserCAFile none\n",
	    ":7: TrustedUserCAFile given more than once");
	expect_error(BASE "RevocationList nonesuch\n",
	    ":6: RevocationList nonesuch: must be an absolute path");
}

static void
test_policy_keywords(void **state)
{
	struct servconf c;
	char err[512], out[4096];

	assert_int_equal(load(BASE
	    "TrustedUserCAFile /etc/ca.pem\n"
	    "revocationlist /etc/crl.pem\n"
	    "RequireFreshCRL yes\n"
	    "CertificatePrincipal SUBJECT-CN\n"
	    "HostCertificate /etc/host.pem\n"
	    "KexAlgorithms x25519-hybrid\n"
	    "SignatureAlgorithms rsa-pss-sha256,ed25519\n"
	    "MinimumRSABits 3072\n"
	    "Ciphers chacha20-poly1305\n", &c, err, sizeof(err)), 0);
	assert_string_equal(c.trusted_user_ca_file, "/etc/ca.pem");
	assert_string_equal(c.revocation_list, "/etc/crl.pem");
	assert_string_equal(c.host_certificate, "/etc/host.pem");
	assert_int_equal(c.require_fresh_crl, 1);
	assert_int_equal(c.cert_principal, CERT_PRINCIPAL_SUBJECT_CN);
	assert_int_equal(c.min_rsa_bits, 3072);
	assert_int_equal(c.sig_algs.n, 2);
	assert_int_equal(c.sig_algs.ids[0], MS_SIG_RSA_PSS_SHA256);
	assert_int_equal(c.sig_algs.ids[1], MS_SIG_ED25519);
	dump(&c, out, sizeof(out));
	assert_non_null(strstr(out, "\nsignaturealgorithms rsa-pss-sha256,"
	    "ed25519\n"));
	assert_non_null(strstr(out, "\nciphers chacha20-poly1305\n"));
	assert_non_null(strstr(out, "\ntrustedusercafile /etc/ca.pem\n"));
	assert_non_null(strstr(out, "\nrevocationlist /etc/crl.pem\n"));
	assert_non_null(strstr(out, "\nrequirefreshcrl yes\n"));
	assert_non_null(strstr(out, "\ncertificateprincipal subject-cn\n"));
	assert_non_null(strstr(out, "\nhostcertificate /etc/host.pem\n"));
	assert_non_null(strstr(out, "\nminimumrsabits 3072\n"));
	servconf_free(&c);

	assert_int_equal(load(BASE "CertificatePrincipal san-email\n"
	    "MinimumRSABits 1024\n", &c, err, sizeof(err)), 0);
	assert_int_equal(c.cert_principal, CERT_PRINCIPAL_SAN_EMAIL);
	assert_int_equal(c.min_rsa_bits, 1024);
	servconf_free(&c);
	/* Without raw keys, certificates alone may use ECDSA only. */
	assert_int_equal(load(BASE "TrustedUserCAFile /ca\n"
	    "SignatureAlgorithms ecdsa-p256-sha256\n", &c, err, sizeof(err)), 0);
	assert_int_equal(c.sig_algs.n, 1);
	servconf_free(&c);
}

static void
test_policy_errors(void **state)
{
	char path[128];

	mkpath(path, sizeof(path), "metasafed.conf");
	expect_error(BASE "KexAlgorithms x25519\n", ":6: KexAlgorithms: "
	    "unknown algorithm \"x25519\"");
	expect_error(BASE "KexAlgorithms x25519-hybrid,x25519-hybrid\n",
	    ":6: KexAlgorithms: \"x25519-hybrid\" listed twice");
	expect_error(BASE "KexAlgorithms x25519-hybrid\n"
	    "KexAlgorithms x25519-hybrid\n", ":7: KexAlgorithms given more");
	expect_error(BASE "SignatureAlgorithms ed25519,dsa\n",
	    ":6: SignatureAlgorithms: \"ed25519,dsa\"");
	expect_error(BASE "SignatureAlgorithms ed25519,ed25519\n",
	    ":6: SignatureAlgorithms");
	expect_error(BASE "SignatureAlgorithms ed25519,\n",
	    ":6: SignatureAlgorithms");
	expect_error(BASE "\n# comment\nMinimumRSABits 512\n",
	    ":8: MinimumRSABits: value \"512\" is too small");
	expect_error(BASE "MinimumRSABits 16384\n",
	    ":6: MinimumRSABits: value \"16384\" is too large");
	expect_error(BASE "MinimumRSABits 2k\n", ":6: MinimumRSABits");
	expect_error(BASE "RequireFreshCRL maybe\n",
	    ":6: RequireFreshCRL: expected yes or no");
	expect_error(BASE "CertificatePrincipal dns\n",
	    ":6: CertificatePrincipal: expected san-uri, san-email or "
	    "subject-cn");
	expect_error(BASE "TrustedUserCAFile /a\nTrustedUserCAFile /b\n",
	    ":7: TrustedUserCAFile given more than once");
	expect_error(BASE "HostCertificate /a /b\n",
	    ":6: HostCertificate: unexpected extra argument");
	expect_error(BASE "RevocationList\n", ":6: RevocationList: missing");
	/* Combinations that can never work: reported against the file. */
	expect_error(BASE "RevocationList /crl\n",
	    "metasafed.conf: RevocationList needs TrustedUserCAFile");
	expect_error(BASE "SignatureAlgorithms ecdsa-p256-sha256\n",
	    "metasafed.conf: SignatureAlgorithms: no algorithm left");
}

/* StoreKey is repeatable and ordered; StoreMaxSize takes a SIZE. */
static void
test_store_keywords(void **state)
{
	struct servconf c;
	char err[512], out[4096];

	assert_int_equal(load(BASE, &c, err, sizeof(err)), 0);
	assert_int_equal(c.nstore_keys, 1);
	assert_string_equal(c.store_key_files[0], "/k/store");
	assert_int_equal(c.store_max_size, 1ULL << 30);
	dump(&c, out, sizeof(out));
	assert_non_null(strstr(out, "\nstorekey /k/store\nstoredirectory /s\n"
	    "storemaxsize 1073741824\n"));
	servconf_free(&c);

	assert_int_equal(load("StoreKey /k/new\n" BASE "StoreKey /k/older\n"
	    "storemaxsize 256m\n", &c, err, sizeof(err)), 0);
	assert_int_equal(c.nstore_keys, 3);
	assert_string_equal(c.store_key_files[0], "/k/new");
	assert_string_equal(c.store_key_files[1], "/k/store");
	assert_string_equal(c.store_key_files[2], "/k/older");
	assert_int_equal(c.store_max_size, 256ULL << 20);
	dump(&c, out, sizeof(out));
	assert_non_null(strstr(out, "storekey /k/new\nstorekey /k/store\n"
	    "storekey /k/older\n"));
	servconf_free(&c);

	assert_int_equal(load(BASE "StoreMaxSize 4194304\n", &c, err,
	    sizeof(err)), 0);
	assert_int_equal(c.store_max_size, 4ULL << 20);
	servconf_free(&c);
	assert_int_equal(load(BASE "StoreMaxSize 1T\n", &c, err,
	    sizeof(err)), 0);
	assert_int_equal(c.store_max_size, 1ULL << 40);
	servconf_free(&c);

	expect_error(BASE "StoreKey /k/store\n",
	    ":6: StoreKey /k/store given twice");
	expect_error(BASE "StoreKey /a\nStoreKey /b\nStoreKey /c\n"
	    "StoreKey /d\n", ":9: too many StoreKey lines (at most 4)");
	expect_error(BASE "StoreMaxSize 3M\n", ":6: StoreMaxSize: \"3M\" is "
	    "out of range (4M..1024G)");
	expect_error(BASE "StoreMaxSize 2T\n", ":6: StoreMaxSize");
	expect_error(BASE "StoreMaxSize 5X\n", ":6: StoreMaxSize: expected a "
	    "size such as 512M or 2G, got \"5X\"");
	expect_error(BASE "StoreMaxSize -5M\n", ":6: StoreMaxSize: expected");
	expect_error(BASE "StoreMaxSize 5MB\n", ":6: StoreMaxSize: expected");
	expect_error(BASE "StoreMaxSize 99999999999999999999\n",
	    ":6: StoreMaxSize: expected");
	expect_error(BASE "StoreMaxSize 1G\nStoreMaxSize 2G\n",
	    ":7: StoreMaxSize given more than once");
	/* No StoreKey line: one, the install default. */
	assert_int_equal(load("HostKey /k/sig\n", &c, err, sizeof(err)), 0);
	assert_int_equal(c.nstore_keys, 1);
	assert_string_equal(c.store_key_files[0], MS_PATH_STORE_KEY);
	servconf_free(&c);
}

static void
test_strict_modes_keyword(void **state)
{
	struct servconf c;
	char err[512], out[4096];

	assert_int_equal(load(BASE, &c, err, sizeof(err)), 0);
	assert_int_equal(c.strict_modes, 1);
	dump(&c, out, sizeof(out));
	assert_non_null(strstr(out, "\nstrictmodes yes\n"));
	servconf_free(&c);
	assert_int_equal(load(BASE "strictmodes NO\n", &c, err, sizeof(err)),
	    0);
	assert_int_equal(c.strict_modes, 0);
	dump(&c, out, sizeof(out));
	assert_non_null(strstr(out, "\nstrictmodes no\n"));
	servconf_free(&c);
	expect_error(BASE "StrictModes maybe\n",
	    ":6: StrictModes: expected yes or no");
	expect_error(BASE "StrictModes yes\nStrictModes no\n",
	    ":7: StrictModes given more than once");
}

/* Resumption yes, tickets for an hour by default; each bounded. */
static void
test_resumption_keywords(void **state)
{
	struct servconf c;
	char err[512], out[4096];

	assert_int_equal(load(BASE, &c, err, sizeof(err)), 0);
	assert_int_equal(c.resumption, 1);
	assert_int_equal(c.ticket_lifetime, 3600);
	assert_int_equal(c.ticket_key_rotation, 3600);
	dump(&c, out, sizeof(out));
	assert_non_null(strstr(out, "\nresumption yes\nticketlifetime 3600\n"
	    "ticketkeyrotation 3600\n"));
	servconf_free(&c);
	assert_int_equal(load(BASE "Resumption no\nTicketLifetime 60\n"
	    "TicketKeyRotation 86400\n", &c, err, sizeof(err)), 0);
	assert_int_equal(c.resumption, 0);
	assert_int_equal(c.ticket_lifetime, 60);
	assert_int_equal(c.ticket_key_rotation, 86400);
	servconf_free(&c);
	expect_error(BASE "TicketLifetime 0\n", ":6: TicketLifetime");
	expect_error(BASE "TicketLifetime 86401\n", ":6: TicketLifetime");
	expect_error(BASE "TicketKeyRotation 0\n", ":6: TicketKeyRotation");
	expect_error(BASE "Resumption maybe\n",
	    ":6: Resumption: expected yes or no");
}

/* Every path keyword refuses a relative path, at its line. */
static void
test_relative_paths(void **state)
{
	static const char *kws[] = { "HostKey", "HostKexKey", "StoreKey",
	    "StoreDirectory", "AuthorizedPrincipalsFile", "PrivsepChroot",
	    "PidFile", "WorkerPath", "TrustedUserCAFile", "RevocationList",
	    "HostCertificate" };
	char text[1024], want[256];
	size_t i;

	for (i = 0; i < sizeof(kws) / sizeof(kws[0]); i++) {
		/* Ahead of BASE, so the keyword is not given twice. */
		snprintf(text, sizeof(text), "# first\n%s etc/x\n" BASE,
		    kws[i]);
		snprintf(want, sizeof(want), ":2: %s etc/x: must be an "
		    "absolute path", kws[i]);
		expect_error(text, want);
		snprintf(text, sizeof(text), "%s ./x\n" BASE, kws[i]);
		snprintf(want, sizeof(want), ":1: %s ./x: must be an "
		    "absolute path", kws[i]);
		expect_error(text, want);
	}
}

static void
test_listen_address(void **state)
{
	struct servconf c;
	char err[512];

	assert_int_equal(load(BASE "ListenAddress 127.0.0.1\n"
	    "ListenAddress ::1\nListenAddress 0.0.0.0\nListenAddress ::\n"
	    "ListenAddress 10.1.2.3\nListenAddress fd00::1:2\n", &c, err,
	    sizeof(err)), 0);
	assert_int_equal(c.nlisten, 6);
	assert_string_equal(c.listen_addrs[1], "::1");
	servconf_free(&c);
	expect_error(BASE "ListenAddress localhost\n",
	    ":6: ListenAddress localhost: host names are not accepted; give "
	    "an address");
	expect_error(BASE "ListenAddress db-1.example.org\n",
	    ":6: ListenAddress db-1.example.org: host names are not accepted");
	expect_error(BASE "ListenAddress 999.1.2.3\n",
	    ":6: ListenAddress 999.1.2.3: not an IPv4 or IPv6 address");
	expect_error(BASE "ListenAddress 127.0.0.1:7439\n",
	    ":6: ListenAddress 127.0.0.1:7439: not an IPv4 or IPv6 address");
	expect_error(BASE "ListenAddress [::1]\n",
	    ":6: ListenAddress [::1]: not an IPv4 or IPv6 address");
	expect_error(BASE "ListenAddress ::1::2\n",
	    ":6: ListenAddress ::1::2: not an IPv4 or IPv6 address");
}

/* unix: listeners beside TCP ones; their mode and group; -T shows them. */
static void
test_listen_unix(void **state)
{
	struct servconf c;
	char err[512], out[8192];

	assert_int_equal(load(BASE "ListenAddress 127.0.0.1\n"
	    "ListenAddress unix:/run/metasafed/metasafed.sock\n"
	    "ListenAddress unix:/run/other.sock\n", &c, err, sizeof(err)), 0);
	assert_int_equal(c.nlisten, 3);
	assert_string_equal(c.listen_addrs[1],
	    "unix:/run/metasafed/metasafed.sock");
	assert_int_equal(c.unix_socket_mode, 0660);
	assert_null(c.unix_socket_group);
	dump(&c, out, sizeof(out));
	assert_non_null(strstr(out,
	    "listenaddress unix:/run/metasafed/metasafed.sock\n"));
	assert_non_null(strstr(out, "unixsocketmode 0660\n"));
	assert_non_null(strstr(out, "unixsocketgroup none\n"));
	servconf_free(&c);

	assert_int_equal(load(BASE "ListenAddress unix:/run/m.sock\n"
	    "UnixSocketMode 0600\nUnixSocketGroup metasafe\n", &c, err,
	    sizeof(err)), 0);
	/* Only the unix: listener: no TCP default beside it. */
	assert_int_equal(c.nlisten, 1);
	assert_int_equal(c.unix_socket_mode, 0600);
	assert_string_equal(c.unix_socket_group, "metasafe");
	dump(&c, out, sizeof(out));
	assert_non_null(strstr(out, "unixsocketmode 0600\n"));
	assert_non_null(strstr(out, "unixsocketgroup metasafe\n"));
	servconf_free(&c);

	expect_error(BASE "ListenAddress unix:run/m.sock\n",
	    ":6: ListenAddress unix:run/m.sock: must be an absolute path");
	expect_error(BASE "ListenAddress unix:/run/\n",
	    ":6: ListenAddress unix:/run/: names a directory");
	expect_error(BASE "ListenAddress unix:/" "01234567890123456789012345678"
	    "9012345678901234567890123456789012345678901234567890123456789012"
	    "3456789012345678901234567\n", "longer than 107 bytes");
	expect_error(BASE "UnixSocketMode 0777\n",
	    ":6: UnixSocketMode 0777: not an octal mode");
	expect_error(BASE "UnixSocketMode 660x\n",
	    ":6: UnixSocketMode 660x: not an octal mode");
	expect_error(BASE "UnixSocketMode 0660\nUnixSocketMode 0600\n",
	    ":7: UnixSocketMode given more than once");
}

static void
test_principals_cert_lines(void **state)
{
	struct principals p;
	const struct principal *pr;
	char path[128], err[256], *line = NULL;
	EVP_PKEY *k;
	u_char pub[32], zero[32];
	char text[1024];

	assert_int_equal(ms_pkey_generate(MS_KEY_ED25519, &k), 0);
	assert_int_equal(ms_pubkey_format(k, "c", &line), 0);
	assert_int_equal(ms_pkey_raw_public(k, pub, 32), 0);
	snprintf(text, sizeof(text),
	    "carol groups=ops,db cert issued by our CA\n"
	    "dave cert\n"
	    "carol groups=raw %s\n", line);
	mkpath(path, sizeof(path), "principals");
	write_file(path, text);
	assert_int_equal(principals_load(path, &p, err, sizeof(err)), 0);
	assert_int_equal(p.n, 3);
	pr = principals_find_cert(&p, "carol");
	assert_non_null(pr);
	assert_int_equal(pr->cert, 1);
	assert_int_equal(pr->ngroups, 2);
	assert_string_equal(pr->groups[0], "ops");
	assert_string_equal(pr->groups[1], "db");
	pr = principals_find_cert(&p, "dave");
	assert_non_null(pr);
	assert_int_equal(pr->ngroups, 0);
	assert_null(principals_find_cert(&p, "eve"));
	/* The raw-key line with the same name is separate. */
	pr = principals_find(&p, pub);
	assert_non_null(pr);
	assert_int_equal(pr->cert, 0);
	assert_string_equal(pr->groups[0], "raw");
	/* A cert line never matches a key, not even the all-zero one. */
	memset(zero, 0, sizeof(zero));
	assert_null(principals_find(&p, zero));
	principals_free(&p);

	write_file(path, "carol cert\n\ncarol groups=x cert\n");
	assert_int_not_equal(principals_load(path, &p, err, sizeof(err)), 0);
	assert_non_null(strstr(err, ":3: second cert line"));
	write_file(path, "carol certificate\n");
	assert_int_not_equal(principals_load(path, &p, err, sizeof(err)), 0);
	assert_non_null(strstr(err, ":1: invalid public key"));
	write_file(path, "bad/name cert\n");
	assert_int_not_equal(principals_load(path, &p, err, sizeof(err)), 0);
	free(line);
	EVP_PKEY_free(k);
}

/* HostKey is repeatable (roll-over): order kept, -T lists every one. */
static void
test_host_keys(void **state)
{
	struct servconf c;
	char err[512], out[4096];

	assert_int_equal(load(BASE "HostKey /k/new\n", &c, err, sizeof(err)),
	    0);
	assert_int_equal(c.nhost_keys, 2);
	assert_string_equal(c.host_key_files[0], "/k/sig");
	assert_string_equal(c.host_key_files[1], "/k/new");
	dump(&c, out, sizeof(out));
	assert_non_null(strstr(out, "\nhostkey /k/sig\nhostkey /k/new\n"));
	servconf_free(&c);

	expect_error(BASE "HostKey /k/sig\n", ":6: HostKey /k/sig given more "
	    "than once");
	expect_error(BASE "HostKey /a\nHostKey /b\nHostKey /c\nHostKey /d\n",
	    ":9: too many HostKey lines (at most 4)");
	/* No HostKey line: one, the install default. */
	assert_int_equal(load("HostKexKey /k/kex\n", &c, err, sizeof(err)), 0);
	assert_int_equal(c.nhost_keys, 1);
	assert_string_equal(c.host_key_files[0], MS_PATH_HOST_KEY);
	servconf_free(&c);
}

/* StoreBackend and the Etcd* keywords: defaults, -T, ranges, FILE:LINE. */
static void
test_etcd_keywords(void **state)
{
	struct servconf c, c2;
	struct ms_etcd_opts o;
	char err[512], out[4096], out2[4096];

	assert_int_equal(load(BASE, &c, err, sizeof(err)), 0);
	assert_int_equal(c.store_backend, MS_STORE_BACKEND_LMDB);
	assert_int_equal(c.netcd_endpoints, 0);
	assert_string_equal(c.etcd_prefix, "/metasafe/");
	assert_null(c.etcd_ca_file);
	assert_null(c.etcd_cert_file);
	assert_null(c.etcd_key_file);
	assert_int_equal(c.etcd_timeout_ms, 5000);
	dump(&c, out, sizeof(out));
	assert_non_null(strstr(out, "\nstorebackend lmdb\netcdendpoints none\n"
	    "etcdprefix /metasafe/\netcdcafile none\netcdcertfile none\n"
	    "etcdkeyfile none\netcdtimeout 5s\n"));
	servconf_free(&c);

	assert_int_equal(load(BASE "StoreBackend ETCD\n"
	    "EtcdEndpoints https://10.0.0.1:2379,https://[::1]:2379,"
	    "https://etcd-2.example:32379\n"
	    "EtcdPrefix /fleet/a/\nEtcdCAFile /e/ca.pem\n"
	    "EtcdCertFile /e/c.pem\nEtcdKeyFile /e/k.pem\n"
	    "EtcdTimeout 750ms\n", &c, err, sizeof(err)), 0);
	assert_int_equal(c.store_backend, MS_STORE_BACKEND_ETCD);
	assert_int_equal(c.netcd_endpoints, 3);
	assert_string_equal(c.etcd_endpoints[1], "https://[::1]:2379");
	assert_string_equal(c.etcd_prefix, "/fleet/a/");
	assert_int_equal(c.etcd_timeout_ms, 750);
	servconf_etcd_opts(&c, &o);
	assert_int_equal(o.nendpoints, 3);
	assert_string_equal(o.endpoints[2], "https://etcd-2.example:32379");
	assert_string_equal(o.ca_file, "/e/ca.pem");
	assert_string_equal(o.cert_file, "/e/c.pem");
	assert_string_equal(o.key_file, "/e/k.pem");
	assert_int_equal(o.timeout_ms, 750);
	dump(&c, out, sizeof(out));
	assert_non_null(strstr(out, "\nstorebackend etcd\netcdendpoints "
	    "https://10.0.0.1:2379,https://[::1]:2379,"
	    "https://etcd-2.example:32379\netcdprefix /fleet/a/\n"
	    "etcdcafile /e/ca.pem\netcdcertfile /e/c.pem\n"
	    "etcdkeyfile /e/k.pem\netcdtimeout 750ms\n"));
	/* -T reads back the same. */
	if (load(out, &c2, err, sizeof(err)) != 0)
		fail_msg("-T output does not load: %s", err);
	dump(&c2, out2, sizeof(out2));
	assert_string_equal(out, out2);
	servconf_free(&c2);
	servconf_free(&c);

	assert_int_equal(load(BASE "EtcdTimeout 60\n", &c, err, sizeof(err)), 0);
	assert_int_equal(c.etcd_timeout_ms, 60000);
	servconf_free(&c);
	assert_int_equal(load(BASE "EtcdTimeout 100ms\nEtcdPrefix /\n", &c,
	    err, sizeof(err)), 0);
	assert_int_equal(c.etcd_timeout_ms, 100);
	assert_string_equal(c.etcd_prefix, "/");
	servconf_free(&c);
	/* The etcd keywords are allowed with lmdb: migrate reads them. */
	assert_int_equal(load(BASE "EtcdEndpoints http://127.0.0.1:2379\n",
	    &c, err, sizeof(err)), 0);
	assert_int_equal(c.store_backend, MS_STORE_BACKEND_LMDB);
	assert_int_equal(c.netcd_endpoints, 1);
	servconf_free(&c);

	expect_error(BASE "StoreBackend bdb\n",
	    ":6: StoreBackend: expected lmdb or etcd, got \"bdb\"");
	expect_error(BASE "StoreBackend lmdb\nStoreBackend etcd\n",
	    ":7: StoreBackend given more than once");
	expect_error(BASE "StoreBackend etcd\n",
	    "metasafed.conf: StoreBackend etcd needs EtcdEndpoints");
	expect_error(BASE "EtcdEndpoints 127.0.0.1:2379\n",
	    ":6: EtcdEndpoints: \"127.0.0.1:2379\" is not an http:// or "
	    "https:// URL");
	expect_error(BASE "EtcdEndpoints ftp://a:1\n", ":6: EtcdEndpoints");
	expect_error(BASE "EtcdEndpoints http://a:2379/v3\n",
	    ":6: EtcdEndpoints: \"http://a:2379/v3\": expected");
	expect_error(BASE "EtcdEndpoints http://a\n",
	    ":6: EtcdEndpoints: \"http://a\": expected SCHEME://HOST:PORT");
	expect_error(BASE "EtcdEndpoints http://:2379\n", ":6: EtcdEndpoints");
	expect_error(BASE "EtcdEndpoints http://::1:2379\n",
	    ":6: EtcdEndpoints");
	expect_error(BASE "EtcdEndpoints http://a:0\n",
	    ":6: EtcdEndpoints: \"http://a:0\": port is too small");
	expect_error(BASE "EtcdEndpoints http://a:65536\n",
	    ":6: EtcdEndpoints: \"http://a:65536\": port is too large");
	expect_error(BASE "EtcdEndpoints http://a:1,\n", ":6: EtcdEndpoints");
	expect_error(BASE "EtcdEndpoints http://a:1,http://a:1\n",
	    ":6: EtcdEndpoints: \"http://a:1\" listed twice");
	expect_error(BASE "EtcdEndpoints http://a:1\nEtcdEndpoints http://b:1\n",
	    ":7: EtcdEndpoints given more than once");
	expect_error(BASE "EtcdEndpoints http://a:1,http://a:2,http://a:3,"
	    "http://a:4,http://a:5,http://a:6,http://a:7,http://a:8,"
	    "http://a:9,http://a:10,http://a:11,http://a:12,http://a:13,"
	    "http://a:14,http://a:15,http://a:16,http://a:17\n",
	    ":6: EtcdEndpoints: too many URLs (at most 16)");
	expect_error(BASE "EtcdPrefix metasafe/\n",
	    ":6: EtcdPrefix metasafe/: must begin and end with '/'");
	expect_error(BASE "EtcdPrefix /metasafe\n", ":6: EtcdPrefix");
	expect_error(BASE "EtcdPrefix /a\x01/\n",
	    ":6: EtcdPrefix: only printable ASCII");
	expect_error(BASE "EtcdPrefix /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaa/\n", ":6: EtcdPrefix: longer than 128");
	expect_error(BASE "EtcdCAFile ca.pem\n",
	    ":6: EtcdCAFile ca.pem: must be an absolute path");
	expect_error(BASE "EtcdCertFile /c.pem\n",
	    "metasafed.conf: EtcdCertFile and EtcdKeyFile go together");
	expect_error(BASE "EtcdKeyFile /k.pem\n",
	    "metasafed.conf: EtcdCertFile and EtcdKeyFile go together");
	/* TLS configured: no endpoint may go around it. */
	expect_error(BASE "EtcdEndpoints https://a:1,http://b:2\n"
	    "EtcdCAFile /ca.pem\n", "metasafed.conf: EtcdEndpoints "
	    "http://b:2: plain http with EtcdCAFile or EtcdCertFile set");
	expect_error(BASE "EtcdTimeout 99ms\n",
	    ":6: EtcdTimeout: \"99ms\" is out of range (100ms..60s)");
	expect_error(BASE "EtcdTimeout 61s\n", ":6: EtcdTimeout: \"61s\" is "
	    "out of range");
	expect_error(BASE "EtcdTimeout 0\n", ":6: EtcdTimeout: \"0\" is out");
	expect_error(BASE "EtcdTimeout 5m\n", ":6: EtcdTimeout: expected a "
	    "time such as 5s or 500ms, got \"5m\"");
	expect_error(BASE "EtcdTimeout -1s\n", ":6: EtcdTimeout: expected");
	expect_error(BASE "EtcdTimeout 99999999999999999999ms\n",
	    ":6: EtcdTimeout");
	expect_error(BASE "EtcdTimeout 1s\nEtcdTimeout 2s\n",
	    ":7: EtcdTimeout given more than once");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_defaults),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_dump_reloads),
		cmocka_unit_test(test_policy_keywords),
		cmocka_unit_test(test_policy_errors),
		cmocka_unit_test(test_strict_modes_keyword),
		cmocka_unit_test(test_resumption_keywords),
		cmocka_unit_test(test_relative_paths),
		cmocka_unit_test(test_listen_address),
		cmocka_unit_test(test_store_keywords),
		cmocka_unit_test(test_etcd_keywords),
		cmocka_unit_test(test_listen_unix),
		cmocka_unit_test(test_principals_cert_lines),
		cmocka_unit_test(test_host_keys),
	};

	ms_log_init("test_servconf", MS_LOG_QUIET, 1, -1);
	return cmocka_run_group_tests(tests, testfs_setup,
	    testfs_teardown);
}
