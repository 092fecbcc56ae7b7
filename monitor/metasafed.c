/*
 * metasafed — the privileged monitor: listener, key custody, store owner,
 * ACL authority.  Each connection is served by a fork+exec'd, sandboxed
 * metasafe-worker (see docs/ARCHITECTURE.md).
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "certs.h"
#include "confcheck.h"
#include "errors.h"
#include "hostkeys.h"
#include "instance.h"
#include "log.h"
#include "mon.h"
#include "notify.h"
#include "pathnames.h"
#include "fdlimit.h"
#include "principals.h"
#include "server.h"
#include "servconf.h"
#include "tickets.h"
#include "store.h"
#include "storekeys.h"
#include "version.h"

extern char **environ;

/*
 * Exit statuses of a failed start (README "Running the daemon").  fatal()
 * later on exits 255.
 */
#define MSD_EXIT_CONFIG		1	/* usage, config, keys, files, -E */
#define MSD_EXIT_INUSE		2	/* another metasafed holds the lock */
#define MSD_EXIT_LISTEN		3	/* ListenAddress/Port cannot be bound */
#define MSD_EXIT_CHROOT		4	/* PrivsepChroot unusable */
#define MSD_EXIT_STORE		5	/* StoreDirectory cannot be opened */
#define MSD_EXIT_PIDFILE	6	/* PidFile cannot be written */

#define STARTUP_MSG_MAX		2048
#define STARTUP_READY		"READY"

/* Start-up state shared by the steps below. */
static struct {
	int	 report_fd;	/* daemon mode: pipe to the waiting parent */
	int	 lock_fd;	/* StoreDirectory/metasafed.lock, held */
	int	 pidfile_fd;	/* PidFile, held: only then is it ours */
	const char *pidfile;
} st = { -1, -1, -1, NULL };

/* -h: usage on stdout, exit 0; a usage error: on stderr, exit 1. */
static void __attribute__((noreturn))
usage(int help)
{
	fprintf(help ? stdout : stderr,
	    "usage: metasafed [-DdehTtV] [-E log_file] [-f config_file]\n"
	    "  (default config_file " MS_PATH_CONFIG ")\n");
	exit(help ? 0 : MSD_EXIT_CONFIG);
}

/* Remove the PidFile only when this process holds its lock. */
static void
cleanup(int code)
{
	server_cleanup();
	if (st.pidfile_fd != -1 && st.pidfile != NULL) {
		unlink(st.pidfile);
		close(st.pidfile_fd);
		st.pidfile_fd = -1;
	}
}

/* Is stderr the journal (systemd sets JOURNAL_STREAM=DEV:INODE)? */
static int
stderr_is_journal(void)
{
	const char *js;
	struct stat sb;
	unsigned long long dev, ino;

	if ((js = getenv("JOURNAL_STREAM")) == NULL ||
	    sscanf(js, "%llu:%llu", &dev, &ino) != 2 ||
	    fstat(STDERR_FILENO, &sb) == -1)
		return 0;
	return (unsigned long long)sb.st_dev == dev &&
	    (unsigned long long)sb.st_ino == ino;
}

/*
 * A start-up step failed: the message reaches stderr (directly, or through
 * the parent waiting in daemon mode) and the log, once each, and the
 * process exits with a status naming the class of failure.
 */
static void __attribute__((noreturn, format(printf, 2, 3)))
startup_fail(int code, const char *fmt, ...)
{
	char msg[STARTUP_MSG_MAX];
	va_list ap;
	size_t len;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* stderr has it below; syslog too unless both end in the journal. */
	if (!ms_log_has_stderr() && (ms_log_has_file() ||
	    (ms_log_has_syslog() && !stderr_is_journal())))
		error("%s", msg);
	if (st.report_fd != -1) {
		len = strlen(msg);
		if (write(st.report_fd, msg, len) != (ssize_t)len) {
			/* The parent then reports the exit status alone. */
		}
		close(st.report_fd);
		st.report_fd = -1;
	} else
		fprintf(stderr, "metasafed: %s\n", msg);
	cleanup(code);
	_exit(code);
}

/*
 * Select where log lines go (see README): -E FILE, else stderr for -e/-d
 * and for -t/-T, else syslog only (also with -D, so a supervisor that
 * keeps stderr and syslog does not see each line twice).
 */
static void
setup_logging(int debug, int to_stderr, int interactive, const char *logfile)
{
	enum ms_loglevel level;
	char err[512];

	level = debug ? MS_LOG_DEBUG1 + debug - 1 : MS_LOG_INFO;
	if (interactive)
		ms_log_init("metasafed", level, 1, -1);
	else if (logfile != NULL) {
		ms_log_init("metasafed", level, 0, -1);
		if (ms_log_set_file(logfile, err, sizeof(err)) != 0) {
			fprintf(stderr, "metasafed: %s\n", err);
			exit(MSD_EXIT_CONFIG);
		}
	} else if (to_stderr)
		ms_log_init("metasafed", level, 1, -1);
	else
		ms_log_init("metasafed", level, 0, LOG_DAEMON);
}

/* snprintf for messages that may be cut short (long paths). */
static void __attribute__((format(printf, 3, 4)))
errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Create DIR with its missing parents, each root-owned 0755 (mkdir -p). */
static int
mkdir_parents(const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX];
	char *p;

	if (strlcpy(path, dir, sizeof(path)) >= sizeof(path)) {
		snprintf(err, errlen, "PrivsepChroot %s: path too long", dir);
		return -1;
	}
	for (p = path + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		if (p[-1] != '/') {
			char c = *p;

			*p = '\0';
			if (mkdir(path, 0755) == 0) {
				/* Exactly 0755 whatever the umask. */
				if (chmod(path, 0755) == -1) {
					errf(err, errlen, "PrivsepChroot "
					    "%s: chmod %s: %s", dir, path,
					    strerror(errno));
					return -1;
				}
			} else if (errno != EEXIST) {
				errf(err, errlen, "PrivsepChroot %s: "
				    "mkdir %s: %s", dir, path, strerror(errno));
				return -1;
			}
			*p = c;
		}
		if (*p == '\0')
			break;
	}
	return 0;
}

/*
 * The worker's root: created with its parents when missing, then held to
 * what -t checks (confcheck_chroot: a real, root-owned, empty directory).
 */
static int
check_chroot(const char *dir, char *err, size_t errlen)
{
	if (mkdir_parents(dir, err, errlen) != 0 ||
	    confcheck_chroot(dir, err, errlen) != 0)
		return -1;
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

static void
conf_warning(const char *msg, void *arg)
{
	logit("warning: %s", msg);
}

/*
 * Raise the descriptor limit, and hold MaxSessions to what it allows
 * (confcheck_warnings() has said so), so that a session over the limit is
 * refused with LIMIT_REACHED rather than failing to spawn.
 */
static void
clamp_sessions(struct servconf *c)
{
	long nofile;
	int cap;

	if ((nofile = fdlimit_raise()) == -1) {
		logit("warning: cannot read RLIMIT_NOFILE: %s",
		    strerror(errno));
		return;
	}
	if ((cap = fdlimit_sessions(nofile)) < c->max_sessions) {
		logit("warning: MaxSessions %d lowered to %d for %ld "
		    "descriptors", c->max_sessions, cap, nofile);
		c->max_sessions = cap;
	}
}

/*
 * The file-system checks that -t shares with start-up (confcheck.h), each
 * failing with the exit status of its class, as it would at start-up.
 */
static void
confcheck_or_exit(const struct servconf *c, const char *config)
{
	static const int code[] = {
		[CONFCHECK_FILES] = MSD_EXIT_CONFIG,
		[CONFCHECK_PIDFILE] = MSD_EXIT_PIDFILE,
		[CONFCHECK_STORE] = MSD_EXIT_STORE,
		[CONFCHECK_CHROOT] = MSD_EXIT_CHROOT,
		[CONFCHECK_LISTEN] = MSD_EXIT_LISTEN,
	};
	char err[1024];
	int what = CONFCHECK_FILES;

	if (confcheck_run(c, config, &what, err, sizeof(err)) == 0)
		return;
	fprintf(stderr, "metasafed: %s\n", err);
	exit(code[what]);
}

/* HostKey lines after the first: loaded and checked, never used to sign. */
static int
load_spare_host_keys(const struct servconf *c, struct hostkeys *keys,
    char *err, size_t errlen)
{
	size_t i;

	for (i = 1; i < c->nhost_keys; i++)
		if (hostkeys_load_spare(keys, c->host_key_files[i], err,
		    errlen) != 0)
			return -1;
	return 0;
}

/*
 * Daemon mode: fork before anything that an LMDB environment or a lock
 * must belong to.  The parent waits on a pipe: "READY" means the child has
 * bound, opened and locked everything and is serving (exit 0, after
 * telling systemd the child's pid); anything else is the child's error
 * text, printed here, and the parent exits with the child's status.
 */
static void
daemon_fork(void)
{
	char buf[STARTUP_MSG_MAX + 1];
	size_t len = 0;
	ssize_t n;
	pid_t pid;
	int p[2], status, code;

	if (pipe2(p, O_CLOEXEC) == -1) {
		fprintf(stderr, "metasafed: pipe: %s\n", strerror(errno));
		exit(MSD_EXIT_CONFIG);
	}
	if ((pid = fork()) == -1) {
		fprintf(stderr, "metasafed: fork: %s\n", strerror(errno));
		exit(MSD_EXIT_CONFIG);
	}
	if (pid == 0) {
		close(p[0]);
		st.report_fd = p[1];
		if (setsid() == -1)
			startup_fail(MSD_EXIT_CONFIG, "setsid: %s",
			    strerror(errno));
		return;
	}
	close(p[1]);
	while (len < sizeof(buf) - 1) {
		n = read(p[0], buf + len, sizeof(buf) - 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	close(p[0]);
	if (strcmp(buf, STARTUP_READY) == 0) {
		notify_ready((long)pid, 0);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		code = WEXITSTATUS(status);
	else
		code = 255;
	if (len > 0)
		fprintf(stderr, "metasafed: %s\n", buf);
	else if (WIFSIGNALED(status))
		fprintf(stderr, "metasafed: start-up failed: killed by signal "
		    "%d\n", WTERMSIG(status));
	else
		fprintf(stderr, "metasafed: start-up failed (exit status "
		    "%d)\n", code);
	_exit(code);
}

/*
 * StoreBackend: the LMDB environment in StoreDirectory, or the tables
 * under EtcdPrefix in the cluster (the instance lock stays in
 * StoreDirectory either way, so one host runs one daemon).
 */
static int
open_store(const struct servconf *conf, struct hostkeys *keys,
    struct ms_store **sp)
{
	struct ms_store_etcd_conf ec;

	if (conf->store_backend != MS_STORE_BACKEND_ETCD)
		return ms_store_open_keys(conf->store_dir,
		    (const u_char (*)[MS_STORE_KEY_LEN])keys->store_keys,
		    keys->nstore_keys, conf->store_max_size, 0, sp);
	memset(&ec, 0, sizeof(ec));
	servconf_etcd_opts(conf, &ec.etcd);
	ec.prefix = conf->etcd_prefix;
	return ms_store_open_etcd(&ec,
	    (const u_char (*)[MS_STORE_KEY_LEN])keys->store_keys,
	    keys->nstore_keys, 0, sp);
}

/* Where the store is, for an operator: never a key, only places. */
static void
store_where(const struct servconf *conf, char *buf, size_t len)
{
	size_t i;

	if (conf->store_backend != MS_STORE_BACKEND_ETCD) {
		snprintf(buf, len, "StoreDirectory %s", conf->store_dir);
		return;
	}
	snprintf(buf, len, "etcd store %s at EtcdEndpoints ",
	    conf->etcd_prefix);
	for (i = 0; i < conf->netcd_endpoints; i++) {
		if (i > 0)
			strlcat(buf, ",", len);
		strlcat(buf, conf->etcd_endpoints[i], len);
	}
}

/*
 * Everything that can fail once the configuration is known, in the process
 * that will serve: the instance lock first (a second daemon stops there,
 * before the PidFile and the store), then the PidFile, the chroot, the
 * store and the listeners.
 */
static struct ms_store *
startup_resources(const struct servconf *conf, struct hostkeys *keys)
{
	struct ms_store *store = NULL;
	char err[1024], cap[1024];
	int r;

	ms_log_set_cleanup(cleanup);
	if ((r = instance_lock(conf->store_dir, &st.lock_fd, err,
	    sizeof(err))) != 0)
		startup_fail(r == -1 ? MSD_EXIT_INUSE : MSD_EXIT_STORE, "%s",
		    err);
	if ((r = pidfile_lock(conf->pid_file, &st.pidfile_fd, err,
	    sizeof(err))) != 0)
		startup_fail(r == -1 ? MSD_EXIT_INUSE : MSD_EXIT_PIDFILE, "%s",
		    err);
	st.pidfile = conf->pid_file;
	if (check_chroot(conf->privsep_chroot, err, sizeof(err)) != 0)
		startup_fail(MSD_EXIT_CHROOT, "%s", err);
	/* The store explains its refusals in log lines: keep the last. */
	ms_log_capture(cap, sizeof(cap));
	r = open_store(conf, keys, &store);
	ms_log_capture(NULL, 0);
	/* The store holds its own copy; the monitor's can go now. */
	OPENSSL_cleanse(keys->store_keys, sizeof(keys->store_keys));
	if (r != MS_STORE_OK) {
		store_where(conf, err, sizeof(err));
		startup_fail(MSD_EXIT_STORE, "%s: %s", err, cap[0] != '\0' ?
		    (strncmp(cap, "store: ", 7) == 0 ? cap + 7 : cap) :
		    ms_store_strerror(r));
	}
	if (server_listen(conf, err, sizeof(err)) != 0)
		startup_fail(MSD_EXIT_LISTEN, "%s", err);
	return store;
}

/* Started: detach from the terminal (daemon mode) and say so. */
static void
startup_done(int foreground)
{
	int devnull;

	server_block_signals();
	if (!foreground) {
		if (chdir("/") == -1)
			startup_fail(MSD_EXIT_CONFIG, "chdir /: %s",
			    strerror(errno));
		if ((devnull = open("/dev/null", O_RDWR)) == -1 ||
		    dup2(devnull, STDIN_FILENO) == -1 ||
		    dup2(devnull, STDOUT_FILENO) == -1 ||
		    (!ms_log_has_stderr() &&
		    dup2(devnull, STDERR_FILENO) == -1))
			startup_fail(MSD_EXIT_CONFIG, "/dev/null: %s",
			    strerror(errno));
		if (devnull > STDERR_FILENO)
			close(devnull);
	}
	if (st.report_fd != -1) {
		if (write(st.report_fd, STARTUP_READY,
		    strlen(STARTUP_READY)) != (ssize_t)strlen(STARTUP_READY))
			fatal("cannot tell the parent process: %s",
			    strerror(errno));
		close(st.report_fd);
		st.report_fd = -1;
		notify_status_sent(0);	/* the parent sends READY=1 */
	} else
		notify_ready(0, 0);
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
	const char *config = MS_PATH_CONFIG, *logfile = NULL;
	char err[1024];
	int ch, foreground = 0, debug = 0, test_only = 0, dump = 0, r;
	int log_stderr = 0;

	setproctitle_init(argc, argv, environ);
	notify_init();
	while ((ch = getopt(argc, argv, "DdeE:hTtVf:")) != -1) {
		switch (ch) {
		case 'D':
			foreground = 1;
			break;
		case 'd':
			debug++;
			foreground = 1;
			log_stderr = 1;
			break;
		case 'e':
			log_stderr = 1;
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
		case 'h':
			usage(1);
		case 'V':
			exit(ms_version_print("metasafed") == 0 ? 0 : 1);
		default:
			usage(0);
		}
	}
	if (optind != argc)
		usage(0);

	setup_logging(debug, log_stderr, test_only || dump, logfile);
	servconf_init(&conf);
	memset(&opts, 0, sizeof(opts));
	opts.config_path = config;
	opts.debug = debug;
	opts.conf = &conf;
	if ((r = servconf_load(config, &conf, err, sizeof(err))) != 0) {
		fprintf(stderr, "metasafed: %s\n", err);
		exit(MSD_EXIT_CONFIG);
	}
	/* -d is debug logging only, as in sshd: the sandbox stays. */
	if (!debug)
		ms_log_set_level(conf.log_level);
	if (dump) {
		servconf_dump(stdout, &conf);
		exit(0);
	}
	/* The same checks for -t and start-up: -t means it. */
	confcheck_or_exit(&conf, config);
	if (hostkeys_load(&keys, conf.host_key_files[0],
	    conf.host_kex_key_file, conf.store_key_files, conf.nstore_keys,
	    err, sizeof(err)) != 0 ||
	    load_spare_host_keys(&conf, &keys, err, sizeof(err)) != 0 ||
	    principals_load(conf.principals_file, &principals, err,
	    sizeof(err)) != 0 ||
	    load_certificates(&conf, &keys, &certs, err, sizeof(err)) != 0 ||
	    check_privsep_user(&conf, &opts, err, sizeof(err)) != 0) {
		fprintf(stderr, "metasafed: %s\n", err);
		exit(MSD_EXIT_CONFIG);
	}
	/*
	 * A store none of the StoreKeys opens, or that cannot be read.  An
	 * etcd store is checked when it is opened: -t does not contact the
	 * cluster.
	 */
	if (conf.store_backend == MS_STORE_BACKEND_LMDB &&
	    store_keys_check(conf.store_dir, conf.store_key_files, &keys, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "metasafed: %s\n", err);
		exit(MSD_EXIT_STORE);
	}
	confcheck_warnings(&conf, &principals, conf_warning, NULL);
	if (access(conf.worker_path, X_OK) != 0) {
		fprintf(stderr, "metasafed: WorkerPath %s: %s\n",
		    conf.worker_path, strerror(errno));
		exit(MSD_EXIT_CONFIG);
	}
	if (test_only) {
		ms_certs_free(certs);
		hostkeys_free(&keys);
		principals_free(&principals);
		servconf_free(&conf);
		exit(0);
	}
	if (geteuid() != 0) {
		fprintf(stderr, "metasafed: must be started as root: privilege "
		    "separation needs chroot and setuid\n");
		exit(MSD_EXIT_CONFIG);
	}

	clamp_sessions(&conf);
	if (!foreground)
		daemon_fork();		/* returns in the child only */
	store = startup_resources(&conf, &keys);
	logit("metasafed started: %zu principals, %zu admins, %zu trusted "
	    "CA certificate(s), %zu CRL(s)%s, %zu spare host key(s), pid %ld",
	    principals.n, conf.nadmins, ms_certs_ncas(certs),
	    ms_certs_ncrls(certs),
	    keys.cert_msg != NULL ? ", host certificate" : "", keys.nspare,
	    (long)getpid());
	startup_done(foreground);

	memset(&ctx, 0, sizeof(ctx));
	/* Fresh ticket keys each start: tickets never outlive the daemon. */
	if (conf.resumption && (r = ms_tickets_new(
	    (uint32_t)conf.ticket_lifetime, (uint32_t)conf.ticket_key_rotation,
	    time(NULL), &ctx.tickets)) != 0)
		fatal_fr(r, "ticket keys");
	ctx.conf = &conf;
	ctx.keys = &keys;
	ctx.principals = &principals;
	ctx.store = store;
	ctx.certs = certs;
	/* Each data request on a store that may block ends within it. */
	ctx.store_timeout_ms = conf.etcd_timeout_ms;
	r = server_run(&ctx, &principals, &opts);

	ms_tickets_free(ctx.tickets);
	ms_certs_free(ctx.certs);
	ms_store_close(store);
	hostkeys_free(&keys);
	principals_free(&principals);
	cleanup(0);
	servconf_free(&conf);
	return r == 0 ? 0 : 1;
}
