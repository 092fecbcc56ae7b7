/*
 * metasafed — the privileged monitor: listener, key custody, store owner,
 * ACL authority.  Each connection is served by a fork+exec'd, sandboxed
 * metasafe-worker (see docs/ARCHITECTURE.md).
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "certs.h"
#include "errors.h"
#include "hostkeys.h"
#include "log.h"
#include "mon.h"
#include "principals.h"
#include "server.h"
#include "servconf.h"
#include "store.h"
#include "storekeys.h"
#include "instance.h"

extern char **environ;

static const char *pidfile_written;

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: metasafed [-DdTt] [-E log_file] -f config_file\n");
	exit(1);
}

static void
cleanup(int code)
{
	if (pidfile_written != NULL)
		unlink(pidfile_written);
}

/* The worker's root: must exist or be creatable, root-owned, and empty. */
static int
check_chroot(const char *dir, char *err, size_t errlen)
{
	struct stat st;

	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "PrivsepChroot %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	if (lstat(dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "PrivsepChroot %s: not a directory", dir);
		return -1;
	}
	if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		snprintf(err, errlen, "PrivsepChroot %s: must be owned by root "
		    "and not group or world writable", dir);
		return -1;
	}
	if (st.st_nlink > 2) {
		snprintf(err, errlen, "PrivsepChroot %s: must be empty", dir);
		return -1;
	}
	return 0;
}

static int
check_privsep_user(const struct servconf *c, struct server_opts *o, char *err,
    size_t errlen)
{
	struct passwd *pw;

	if ((pw = getpwnam(c->privsep_user)) == NULL) {
		snprintf(err, errlen, "PrivsepUser %s: no such user",
		    c->privsep_user);
		return -1;
	}
	if (pw->pw_uid == 0 || pw->pw_gid == 0) {
		snprintf(err, errlen, "PrivsepUser %s: must not be root",
		    c->privsep_user);
		return -1;
	}
	o->privsep_uid = pw->pw_uid;
	o->privsep_gid = pw->pw_gid;
	return 0;
}

static int
open_logfile(const char *path)
{
	int fd, devnull;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0600)) == -1) {
		fprintf(stderr, "metasafed: -E %s: %s\n", path, strerror(errno));
		return -1;
	}
	/* daemon(0, 1) keeps fds 0-2: point them at /dev/null and the file. */
	if ((devnull = open("/dev/null", O_RDWR)) == -1 ||
	    dup2(devnull, STDIN_FILENO) == -1 ||
	    dup2(devnull, STDOUT_FILENO) == -1 ||
	    dup2(fd, STDERR_FILENO) == -1) {
		fprintf(stderr, "metasafed: -E %s: %s\n", path, strerror(errno));
		return -1;
	}
	close(devnull);
	close(fd);
	return 0;
}

/* HostCertificate and TrustedUserCAFile/RevocationList, when configured. */
static int
load_certificates(const struct servconf *c, struct hostkeys *keys,
    struct ms_certs **certsp, char *err, size_t errlen)
{
	struct ms_cert_policy pol;

	*certsp = NULL;
	if (c->host_certificate != NULL &&
	    hostkeys_load_cert(keys, c->host_certificate, err, errlen) != 0)
		return -1;
	if (c->trusted_user_ca_file == NULL)
		return 0;
	servconf_cert_policy(c, &pol);
	if (ms_certs_load(&pol, certsp, err, errlen) != 0)
		return -1;
	if (c->require_fresh_crl && c->revocation_list == NULL)
		logit("warning: RequireFreshCRL yes without RevocationList: "
		    "every certificate login will be refused");
	return 0;
}

static int
write_pidfile(const char *path)
{
	FILE *f;

	if ((f = fopen(path, "w")) == NULL) {
		error("PidFile %s: %s", path, strerror(errno));
		return -1;
	}
	fprintf(f, "%ld\n", (long)getpid());
	if (fclose(f) != 0) {
		error("PidFile %s: %s", path, strerror(errno));
		return -1;
	}
	pidfile_written = path;
	return 0;
}

int
main(int argc, char **argv)
{
	struct servconf conf;
	struct hostkeys keys;
	struct principals principals;
	struct server_opts opts;
	struct mon_ctx ctx;
	struct ms_store *store = NULL;
	struct ms_certs *certs = NULL;
	const char *config = NULL, *logfile = NULL;
	char err[1024];
	int ch, foreground = 0, debug = 0, test_only = 0, dump = 0, r;
	int lock_fd = -1;

	setproctitle_init(argc, argv, environ);
	while ((ch = getopt(argc, argv, "DdE:Ttf:")) != -1) {
		switch (ch) {
		case 'D':
			foreground = 1;
			break;
		case 'd':
			debug++;
			foreground = 1;
			break;
		case 'E':
			logfile = optarg;
			break;
		case 'T':
			dump = 1;
			break;
		case 't':
			test_only = 1;
			break;
		case 'f':
			config = optarg;
			break;
		default:
			usage();
		}
	}
	if (config == NULL || optind != argc)
		usage();

	/* -E: log lines go to this file (as with sshd), also once detached. */
	if (logfile != NULL && open_logfile(logfile) != 0)
		exit(1);
	ms_log_init("metasafed", debug ? MS_LOG_DEBUG1 + debug - 1 :
	    MS_LOG_INFO, foreground || test_only || dump || logfile != NULL,
	    LOG_DAEMON);
	servconf_init(&conf);
	memset(&opts, 0, sizeof(opts));
	opts.config_path = config;
	opts.debug = debug;
	if ((r = servconf_load(config, &conf, err, sizeof(err))) != 0) {
		fprintf(stderr, "metasafed: %s\n", err);
		exit(1);
	}
	if (!debug)
		ms_log_set_level(conf.log_level);
	else
		conf.sandbox_debug = 1;	/* -d: trap and report, never kill */
	if (dump) {
		servconf_dump(stdout, &conf);
		exit(0);
	}
	if (hostkeys_load(&keys, conf.host_key_file, conf.host_kex_key_file,
	    conf.store_key_files, conf.nstore_keys, err, sizeof(err)) != 0 ||
	    store_keys_check(conf.store_dir, conf.store_key_files, &keys, err,
	    sizeof(err)) != 0 ||
	    principals_load(conf.principals_file, &principals, err,
	    sizeof(err)) != 0 ||
	    load_certificates(&conf, &keys, &certs, err, sizeof(err)) != 0 ||
	    check_privsep_user(&conf, &opts, err, sizeof(err)) != 0) {
		fprintf(stderr, "metasafed: %s\n", err);
		exit(1);
	}
	if (access(conf.worker_path, X_OK) != 0) {
		fprintf(stderr, "metasafed: WorkerPath %s: %s\n",
		    conf.worker_path, strerror(errno));
		exit(1);
	}
	if (test_only) {
		ms_certs_free(certs);
		hostkeys_free(&keys);
		principals_free(&principals);
		servconf_free(&conf);
		exit(0);
	}
	if (geteuid() != 0)
		fatal("metasafed must be started as root: privilege "
		    "separation needs chroot and setuid");
	if (check_chroot(conf.privsep_chroot, err, sizeof(err)) != 0)
		fatal("%s", err);
	if (instance_lock(conf.store_dir, &lock_fd, err, sizeof(err)) != 0)
		fatal("%s", err);
	if ((r = ms_store_open_keys(conf.store_dir,
	    (const u_char (*)[MS_STORE_KEY_LEN])keys.store_keys,
	    keys.nstore_keys, conf.store_max_size, 0, &store)) != 0)
		fatal_fr(r, "StoreDirectory %s", conf.store_dir);
	/* The store holds its own copies; the monitor's can go now. */
	OPENSSL_cleanse(keys.store_keys, sizeof(keys.store_keys));
	if ((r = server_listen(&conf)) != 0)
		fatal("cannot listen");
	if (!foreground && daemon(0, logfile != NULL) == -1)
		fatal("daemon: %s", strerror(errno));
	ms_log_set_cleanup(cleanup);
	if (write_pidfile(conf.pid_file) != 0)
		fatal("cannot write PidFile");
	logit("metasafed started: %zu principals, %zu admins, %zu trusted "
	    "CA certificate(s), %zu CRL(s)%s, pid %ld", principals.n,
	    conf.nadmins, ms_certs_ncas(certs), ms_certs_ncrls(certs),
	    keys.cert_msg != NULL ? ", host certificate" : "",
	    (long)getpid());

	memset(&ctx, 0, sizeof(ctx));
	ctx.conf = &conf;
	ctx.keys = &keys;
	ctx.principals = &principals;
	ctx.store = store;
	ctx.certs = certs;
	r = server_run(&ctx, &principals, &opts);

	ms_certs_free(ctx.certs);
	ms_store_close(store);
	hostkeys_free(&keys);
	principals_free(&principals);
	cleanup(0);
	servconf_free(&conf);
	return r == 0 ? 0 : 1;
}
