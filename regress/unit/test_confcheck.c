/*
 * test_confcheck.c — the file-system checks behind `metasafed -t` and
 * start-up: StoreDirectory ownership and modes, PrivsepChroot and PidFile
 * parents, StrictModes over a whole configuration, the AdminPrincipals
 * warning.  Runs as root (chown to uid 65534 plays a foreign owner).
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "confcheck.h"
#include "errors.h"
#include "log.h"
#include "principals.h"
#include "servconf.h"

#define TESTFS_NAME	"confcheck"
#include "testfs.h"

#define OTHER_UID	65534

static void
expect_err(int r, const char *err, const char *want)
{
	assert_int_not_equal(r, 0);
	if (strstr(err, want) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", err, want);
}

static void
test_store_dir(void **state)
{
	char sd[256], f[256], err[1024], want[1024];

	/* Missing, parent present: the store creates it. */
	mkpath(sd, sizeof(sd), "store");
	assert_int_equal(confcheck_store_dir(sd, err, sizeof(err)), 0);
	/* Missing parent: the store would not create it. */
	mkpath(f, sizeof(f), "nope/store");
	snprintf(want, sizeof(want), "StoreDirectory %s: parent directory "
	    "%s/nope: No such file or directory", f, testfs_dir);
	expect_err(confcheck_store_dir(f, err, sizeof(err)), err, want);
	/* A file where the parent should be. */
	mkfile("plain", 0644, f, sizeof(f));
	strlcat(f, "/store", sizeof(f));
	expect_err(confcheck_store_dir(f, err, sizeof(err)), err,
	    "plain is not a directory");
	/* The store path itself a file. */
	mkpath(f, sizeof(f), "plain");
	expect_err(confcheck_store_dir(f, err, sizeof(err)), err,
	    ": not a directory");

	mkdirm("store", 0700, sd, sizeof(sd));
	assert_int_equal(confcheck_store_dir(sd, err, sizeof(err)), 0);
	assert_int_equal(chmod(sd, 0755), 0);
	snprintf(want, sizeof(want), "StoreDirectory %s: bad ownership or "
	    "modes (0755, owner uid 0): must be owned by root and not "
	    "accessible by group or others (0700)", sd);
	expect_err(confcheck_store_dir(sd, err, sizeof(err)), err, want);
	assert_int_equal(chmod(sd, 0710), 0);
	expect_err(confcheck_store_dir(sd, err, sizeof(err)), err, "(0710,");
	assert_int_equal(chmod(sd, 0700), 0);
	assert_int_equal(chown(sd, OTHER_UID, 0), 0);
	expect_err(confcheck_store_dir(sd, err, sizeof(err)), err,
	    "(0700, owner uid 65534)");
	assert_int_equal(chown(sd, 0, 0), 0);

	/* The LMDB files. */
	mkfile("store/data.mdb", 0600, f, sizeof(f));
	mkfile("store/lock.mdb", 0600, f, sizeof(f));
	assert_int_equal(confcheck_store_dir(sd, err, sizeof(err)), 0);
	mkpath(f, sizeof(f), "store/data.mdb");
	assert_int_equal(chmod(f, 0644), 0);
	snprintf(want, sizeof(want), "StoreDirectory %s: bad ownership or "
	    "modes for data.mdb (0644, owner uid 0)", sd);
	expect_err(confcheck_store_dir(sd, err, sizeof(err)), err, want);
	assert_int_equal(chmod(f, 0600), 0);
	assert_int_equal(chown(f, OTHER_UID, 0), 0);
	expect_err(confcheck_store_dir(sd, err, sizeof(err)), err,
	    "data.mdb (0600, owner uid 65534)");
	assert_int_equal(chown(f, 0, 0), 0);
	mkpath(f, sizeof(f), "store/lock.mdb");
	assert_int_equal(chmod(f, 0640), 0);
	expect_err(confcheck_store_dir(sd, err, sizeof(err)), err,
	    "lock.mdb (0640,");
	assert_int_equal(unlink(f), 0);
	assert_int_equal(mkdir(f, 0700), 0);
	expect_err(confcheck_store_dir(sd, err, sizeof(err)), err,
	    "lock.mdb is not a regular file");
	assert_int_equal(rmdir(f), 0);
	assert_int_equal(confcheck_store_dir(sd, err, sizeof(err)), 0);
}

static void
test_chroot(void **state)
{
	char c[256], f[256], err[1024], want[1024];

	/* Missing with missing parents: created later, fine. */
	mkpath(c, sizeof(c), "run/metasafed/empty");
	assert_int_equal(confcheck_chroot(c, err, sizeof(err)), 0);
	/* An ancestor that is a file: cannot be created. */
	mkfile("run", 0644, f, sizeof(f));
	snprintf(want, sizeof(want), "PrivsepChroot %s: cannot be created: "
	    "%s is not a directory", c, f);
	expect_err(confcheck_chroot(c, err, sizeof(err)), err, want);
	assert_int_equal(unlink(f), 0);

	mkdirm("empty", 0755, c, sizeof(c));
	assert_int_equal(confcheck_chroot(c, err, sizeof(err)), 0);
	mkfile("empty/x", 0600, f, sizeof(f));
	snprintf(want, sizeof(want), "PrivsepChroot %s: must be empty, but "
	    "holds \"x\"", c);
	expect_err(confcheck_chroot(c, err, sizeof(err)), err, want);
	assert_int_equal(unlink(f), 0);
	assert_int_equal(chmod(c, 0775), 0);
	expect_err(confcheck_chroot(c, err, sizeof(err)), err,
	    "bad ownership or modes (0775, owner uid 0)");
	assert_int_equal(chmod(c, 0755), 0);
	assert_int_equal(chown(c, OTHER_UID, 0), 0);
	expect_err(confcheck_chroot(c, err, sizeof(err)), err,
	    "(0755, owner uid 65534)");
	assert_int_equal(chown(c, 0, 0), 0);
	mkfile("notdir", 0644, f, sizeof(f));
	expect_err(confcheck_chroot(f, err, sizeof(err)), err,
	    ": not a directory");
}

static void
test_pidfile(void **state)
{
	char p[256], f[256], err[1024], want[1024];

	mkpath(p, sizeof(p), "metasafed.pid");
	assert_int_equal(confcheck_pidfile(p, err, sizeof(err)), 0);
	mkpath(p, sizeof(p), "norun/metasafed.pid");
	snprintf(want, sizeof(want), "PidFile %s: directory %s/norun: No "
	    "such file or directory", p, testfs_dir);
	expect_err(confcheck_pidfile(p, err, sizeof(err)), err, want);
	mkfile("afile", 0644, f, sizeof(f));
	strlcat(f, "/x.pid", sizeof(f));
	expect_err(confcheck_pidfile(f, err, sizeof(err)), err,
	    "afile is not a directory");
	mkdirm("piddir", 0755, f, sizeof(f));
	expect_err(confcheck_pidfile(f, err, sizeof(err)), err,
	    ": is a directory");
}

/* A whole configuration with good files, for confcheck_run(). */
static void
good_conf(struct servconf *c, char *cfg, size_t cfglen)
{
	char p[256];

	servconf_init(c);
	mkdirm("etc", 0755, p, sizeof(p));
	mkfile("etc/config", 0644, cfg, cfglen);
	mkfile("etc/sig", 0600, p, sizeof(p));
	c->host_key_files[0] = strdup(p);
	c->nhost_keys = 1;
	mkfile("etc/kex", 0600, p, sizeof(p));
	c->host_kex_key_file = strdup(p);
	mkfile("etc/store", 0600, p, sizeof(p));
	c->store_key_files[0] = strdup(p);
	c->nstore_keys = 1;
	mkfile("etc/principals", 0644, p, sizeof(p));
	c->principals_file = strdup(p);
	mkfile("etc/worker", 0755, p, sizeof(p));
	c->worker_path = strdup(p);
	mkpath(p, sizeof(p), "store");
	c->store_dir = strdup(p);
	mkpath(p, sizeof(p), "run/empty");
	c->privsep_chroot = strdup(p);
	mkpath(p, sizeof(p), "metasafed.pid");
	c->pid_file = strdup(p);
	c->strict_modes = 1;
}

static void
test_run(void **state)
{
	struct servconf c;
	char cfg[256], p[256], err[1024], want[1024];

	good_conf(&c, cfg, sizeof(cfg));
	assert_int_equal(confcheck_run(&c, cfg, NULL, err, sizeof(err)), 0);

	/* A private key readable by others, named with its keyword. */
	assert_int_equal(chmod(c.host_key_files[0], 0644), 0);
	snprintf(want, sizeof(want), "HostKey %s: bad ownership or modes "
	    "(0644, owner uid 0): must be owned by root and not accessible by "
	    "group or others", c.host_key_files[0]);
	expect_err(confcheck_run(&c, cfg, NULL, err, sizeof(err)), err, want);
	assert_int_equal(strncmp(err, "HostKey ", 8), 0);
	/* StrictModes no: not looked at. */
	c.strict_modes = 0;
	assert_int_equal(confcheck_run(&c, cfg, NULL, err, sizeof(err)), 0);
	c.strict_modes = 1;
	assert_int_equal(chmod(c.host_key_files[0], 0600), 0);

	assert_int_equal(chmod(c.store_key_files[0], 0640), 0);
	expect_err(confcheck_run(&c, cfg, NULL, err, sizeof(err)), err,
	    "StoreKey ");
	assert_int_equal(chmod(c.store_key_files[0], 0600), 0);
	assert_int_equal(chown(c.host_kex_key_file, OTHER_UID, 0), 0);
	expect_err(confcheck_run(&c, cfg, NULL, err, sizeof(err)), err,
	    "HostKexKey ");
	assert_int_equal(chown(c.host_kex_key_file, 0, 0), 0);

	/* Trusted files: the config itself has no keyword. */
	assert_int_equal(chmod(cfg, 0666), 0);
	snprintf(want, sizeof(want), "%s: bad ownership or modes (0666", cfg);
	expect_err(confcheck_run(&c, cfg, NULL, err, sizeof(err)), err, want);
	assert_int_equal(strncmp(err, cfg, strlen(cfg)), 0);
	assert_int_equal(chmod(cfg, 0644), 0);
	assert_int_equal(chmod(c.principals_file, 0646), 0);
	expect_err(confcheck_run(&c, cfg, NULL, err, sizeof(err)), err,
	    "AuthorizedPrincipalsFile ");
	assert_int_equal(chmod(c.principals_file, 0644), 0);
	mkfile("etc/ca.pem", 0664, p, sizeof(p));
	c.trusted_user_ca_file = strdup(p);
	expect_err(confcheck_run(&c, cfg, NULL, err, sizeof(err)), err,
	    "TrustedUserCAFile ");
	assert_int_equal(chmod(p, 0644), 0);
	mkfile("etc/crl.pem", 0644, p, sizeof(p));
	assert_int_equal(chown(p, OTHER_UID, 0), 0);
	c.revocation_list = strdup(p);
	expect_err(confcheck_run(&c, cfg, NULL, err, sizeof(err)), err,
	    "RevocationList ");
	assert_int_equal(chown(p, 0, 0), 0);
	mkfile("etc/host.pem", 0660, p, sizeof(p));
	c.host_certificate = strdup(p);
	expect_err(confcheck_run(&c, cfg, NULL, err, sizeof(err)), err,
	    "HostCertificate ");
	assert_int_equal(chmod(p, 0644), 0);
	assert_int_equal(chmod(c.worker_path, 0777), 0);
	expect_err(confcheck_run(&c, cfg, NULL, err, sizeof(err)), err,
	    "WorkerPath ");
	assert_int_equal(chmod(c.worker_path, 0755), 0);
	/* etcd's TLS files: the key is private, the others trusted. */
	mkfile("etc/etcd-key.pem", 0640, p, sizeof(p));
	c.etcd_key_file = strdup(p);
	snprintf(want, sizeof(want), "EtcdKeyFile %s: bad ownership or modes "
	    "(0640", p);
	expect_err(confcheck_run(&c, cfg, NULL, err, sizeof(err)), err, want);
	assert_int_equal(chmod(p, 0600), 0);
	mkfile("etc/etcd-cert.pem", 0646, p, sizeof(p));
	c.etcd_cert_file = strdup(p);
	expect_err(confcheck_run(&c, cfg, NULL, err, sizeof(err)), err,
	    "EtcdCertFile ");
	assert_int_equal(chmod(p, 0644), 0);
	mkfile("etc/etcd-ca.pem", 0644, p, sizeof(p));
	assert_int_equal(chown(p, OTHER_UID, 0), 0);
	c.etcd_ca_file = strdup(p);
	expect_err(confcheck_run(&c, cfg, NULL, err, sizeof(err)), err,
	    "EtcdCAFile ");
	assert_int_equal(chown(p, 0, 0), 0);
	assert_int_equal(confcheck_run(&c, cfg, NULL, err, sizeof(err)), 0);

	/* The directory of the keys, group-writable. */
	mkpath(p, sizeof(p), "etc");
	assert_int_equal(chmod(p, 0775), 0);
	snprintf(want, sizeof(want), "bad ownership or modes for directory "
	    "%s (0775", p);
	expect_err(confcheck_run(&c, cfg, NULL, err, sizeof(err)), err, want);
	assert_int_equal(chmod(p, 0755), 0);

	/* The other checks run under StrictModes no as well. */
	c.strict_modes = 0;
	free(c.pid_file);
	mkpath(p, sizeof(p), "gone/metasafed.pid");
	c.pid_file = strdup(p);
	expect_err(confcheck_run(&c, cfg, NULL, err, sizeof(err)), err, "PidFile ");
	free(c.pid_file);
	mkpath(p, sizeof(p), "metasafed.pid");
	c.pid_file = strdup(p);
	mkdirm("store", 0755, p, sizeof(p));
	expect_err(confcheck_run(&c, cfg, NULL, err, sizeof(err)), err,
	    "StoreDirectory ");
	assert_int_equal(chmod(p, 0700), 0);
	mkfile("run", 0644, p, sizeof(p));
	expect_err(confcheck_run(&c, cfg, NULL, err, sizeof(err)), err,
	    "PrivsepChroot ");
	assert_int_equal(unlink(p), 0);
	assert_int_equal(confcheck_run(&c, cfg, NULL, err, sizeof(err)), 0);
	servconf_free(&c);
}

struct warns {
	int	 n;
	char	 last[512];
};

static void
collect(const char *msg, void *arg)
{
	struct warns *w = arg;

	w->n++;
	strlcpy(w->last, msg, sizeof(w->last));
}

static void
test_admin_warning(void **state)
{
	struct servconf c;
	struct principals p;
	struct principal v[2];
	struct warns w;

	servconf_init(&c);
	c.admins[c.nadmins++] = strdup("admin");
	c.admins[c.nadmins++] = strdup("ghost");
	memset(v, 0, sizeof(v));
	strlcpy(v[0].name, "admin", sizeof(v[0].name));
	strlcpy(v[1].name, "carol", sizeof(v[1].name));
	v[1].cert = 1;
	p.v = v;
	p.n = 2;

	memset(&w, 0, sizeof(w));
	assert_int_equal(confcheck_warnings(&c, &p, collect, &w), 1);
	assert_int_equal(w.n, 1);
	assert_string_equal(w.last, "AdminPrincipals: ghost is not in "
	    "AuthorizedPrincipalsFile and no TrustedUserCAFile is configured");
	/* A cert line names it too. */
	strlcpy(v[1].name, "ghost", sizeof(v[1].name));
	memset(&w, 0, sizeof(w));
	assert_int_equal(confcheck_warnings(&c, &p, collect, &w), 0);
	assert_int_equal(w.n, 0);
	/* Nobody at all, but a CA: any name may come in a certificate. */
	p.n = 0;
	memset(&w, 0, sizeof(w));
	assert_int_equal(confcheck_warnings(&c, &p, collect, &w), 2);
	c.trusted_user_ca_file = strdup("/ca.pem");
	memset(&w, 0, sizeof(w));
	assert_int_equal(confcheck_warnings(&c, &p, collect, &w), 0);
	servconf_free(&c);
}

static void
test_sandbox_debug_warning(void **state)
{
	struct servconf c;
	struct warns w;

	servconf_init(&c);
	c.sandbox_debug = 0;
	memset(&w, 0, sizeof(w));
	assert_int_equal(confcheck_warnings(&c, NULL, collect, &w), 0);
	c.sandbox_debug = 1;
	assert_int_equal(confcheck_warnings(&c, NULL, collect, &w), 1);
	assert_int_equal(w.n, 1);
	assert_string_equal(w.last, SANDBOX_DEBUG_WARNING);
	assert_non_null(strstr(w.last, "never use this in production"));
	servconf_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_store_dir,
		    testfs_setup_root, testfs_teardown),
		cmocka_unit_test_setup_teardown(test_chroot,
		    testfs_setup_root, testfs_teardown),
		cmocka_unit_test_setup_teardown(test_pidfile,
		    testfs_setup_root, testfs_teardown),
		cmocka_unit_test_setup_teardown(test_run,
		    testfs_setup_root, testfs_teardown),
		cmocka_unit_test_setup_teardown(test_admin_warning,
		    testfs_setup_root, testfs_teardown),
		cmocka_unit_test(test_sandbox_debug_warning),
	};

	ms_log_init("test_confcheck", MS_LOG_QUIET, 1, -1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
