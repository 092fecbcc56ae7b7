/*
 * test_sandbox.c — the worker sandbox (SECURITY.md I5), tried for real.
 *
 * Needs root (chroot, setuid): it FAILS, never skips, without it.  Each
 * case forks; the child enters the sandbox through the public API and
 * makes one attempt; only the parent asserts.  Killed attempts must end
 * in SIGSYS, soft ones must fail with the documented errno, and the parent
 * inspects /proc/<child> while the confined child waits on a pipe.
 */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "errors.h"
#include "log.h"
#include "sandbox/sandbox.h"
#include "sandbox/sandbox_int.h"	/* privdrop pieces, tested alone */

#define MAX_FDS		8	/* also asserted as "8" in test_proc_view */
#define MAX_DATA	((size_t)32 << 20)	/* "33554432" there */

/* Child exit codes (the parent asserts on them). */
#define C_OK		0
#define C_SETUP		1
#define C_SURVIVED	2
#define C_WRONG		3

static char jail[PATH_MAX];
static uid_t nobody_uid;
static gid_t nobody_gid;
static int report_fd = -1;	/* debug-mode report channel */
static pid_t sb_parent;		/* params.parent for the next child */

#define NEED_ROOT() do {						\
	if (geteuid() != 0)						\
		fail_msg("sandbox tests need root (chroot, setuid)");	\
} while (0)

/* ------------------------------------------------------------------ */
/* Child side: attempts made after ms_sandbox_enter().                 */

static int
try_socket(void)
{
	return socket(AF_INET, SOCK_STREAM, 0) == -1 ? C_WRONG : C_SURVIVED;
}

static int
try_connect(void)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(9);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	connect(STDIN_FILENO, (struct sockaddr *)&sin, sizeof(sin));
	return C_SURVIVED;
}

static int
try_execve(void)
{
	char *argv[] = { (char *)"/bin/true", NULL };

	execve(argv[0], argv, NULL);
	return C_SURVIVED;
}

static int
try_fork(void)
{
	pid_t pid;

	if ((pid = fork()) == 0)
		_exit(0);
	return C_SURVIVED;
}

static int
try_clone3(void)
{
	syscall(SYS_clone3, NULL, 0);
	return C_SURVIVED;
}

static int
try_ptrace(void)
{
	ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	return C_SURVIVED;
}

static int
try_kill(void)
{
	kill(getppid(), 0);
	return C_SURVIVED;
}

static int
try_setuid0(void)
{
	/* Killed by the filter; if it ever reached the kernel, must fail. */
	return setuid(0) == -1 ? C_SURVIVED : C_WRONG;
}

static int
try_mprotect_exec(void)
{
	void *p;

	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return C_WRONG;
	mprotect(p, 4096, PROT_READ | PROT_EXEC);
	return C_SURVIVED;
}

static int
try_mmap_exec(void)
{
	mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	return C_SURVIVED;
}

static int
try_x32(void)
{
#if defined(__x86_64__)
	syscall(0x40000000L /* __X32_SYSCALL_BIT */ | __NR_getpid);
#endif
	return C_SURVIVED;
}

static int
try_i386(void)
{
#if defined(__x86_64__)
	long r;

	/* i386 getpid (20) through the compat entry: bad arch. */
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(20L)
	    : "memory", "r8", "r9", "r10", "r11");
	(void)r;
#endif
	return C_SURVIVED;
}

static int
try_open(void)
{
	return (open("/etc/passwd", O_RDONLY) == -1 && errno == EACCES) ?
	    C_OK : C_WRONG;
}

static int
try_openat(void)
{
	return (openat(AT_FDCWD, "/", O_RDONLY | O_DIRECTORY) == -1 &&
	    errno == EACCES) ? C_OK : C_WRONG;
}

static int
try_stat(void)
{
	struct stat st;

	return (stat("/", &st) == -1 && errno == EACCES) ? C_OK : C_WRONG;
}

static int
try_access(void)
{
	return (access("/", F_OK) == -1 && errno == EACCES) ? C_OK : C_WRONG;
}

/*
 * The kernel resolves a path that is not "" even with AT_EMPTY_PATH: the
 * old flag-only rule let these stat the jail's root.  BPF cannot tell ""
 * from a path, so each *at stat form fails, glibc's fstat(3) included.
 */
static int
try_newfstatat_path(void)
{
	struct stat st;

	return (syscall(SYS_newfstatat, AT_FDCWD, "/", &st,
	    AT_EMPTY_PATH) == -1 && errno == EACCES) ? C_OK : C_WRONG;
}

static int
try_statx_path(void)
{
	struct statx stx;

	return (syscall(SYS_statx, AT_FDCWD, "/", AT_EMPTY_PATH,
	    STATX_BASIC_STATS, &stx) == -1 && errno == EACCES) ? C_OK : C_WRONG;
}

static int
try_fstat_libc(void)
{
	struct stat st;

	return (fstat(STDIN_FILENO, &st) == -1 && errno == EACCES) ?
	    C_OK : C_WRONG;
}

/* A worker's everyday calls keep working. */
static int
try_allowed(void)
{
	struct timespec ts;
	struct stat st;
	unsigned char rnd[32];
	char *big, *p;

	if ((big = malloc(4 << 20)) == NULL)
		return C_WRONG;
	memset(big, 'x', 4 << 20);
	if ((p = realloc(big, 8 << 20)) == NULL)
		return C_WRONG;
	free(p);
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd) ||
	    clock_gettime(CLOCK_MONOTONIC, &ts) != 0 ||
	    nanosleep(&(struct timespec){ 0, 1000000 }, NULL) != 0 ||
	    poll(NULL, 0, 1) != 0 ||
	    syscall(SYS_fstat, STDIN_FILENO, &st) != 0 ||
	    getpid() <= 0 || getuid() != nobody_uid || getgid() != nobody_gid)
		return C_WRONG;
	explicit_bzero(rnd, sizeof(rnd));
	return C_OK;
}

/* First OpenSSL use inside the jail: its config probing fails softly. */
static int
try_openssl(void)
{
	unsigned char rnd[32], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (RAND_bytes(rnd, sizeof(rnd)) != 1 ||
	    EVP_Digest(rnd, sizeof(rnd), md, &mdlen, EVP_sha256(),
	    NULL) != 1 || mdlen != 32)
		return C_WRONG;
	OPENSSL_cleanse(rnd, sizeof(rnd));
	return C_OK;
}

/* Debug mode: the trapped call returns ENOSYS and we carry on. */
static int
try_debug_socket(void)
{
	int fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd != -1 || errno != ENOSYS)
		return C_WRONG;
	/* Still confined: a second forbidden call is trapped as well. */
	if (fork() != -1 || errno != ENOSYS)
		return C_WRONG;
	return C_OK;
}

/* SIGSYS handler context: write(2) only. */
static void
report_to_pipe(const char *name, long nr)
{
	const char *n = name != NULL ? name : "?";

	(void)nr;
	if (write(report_fd, n, strlen(n)) < 0 || write(report_fd, "\n", 1) < 0)
		_exit(C_WRONG);
}

/* ------------------------------------------------------------------ */
/* Parent side.                                                        */

static void
jail_params(struct ms_sandbox_params *p, int debug)
{
	memset(p, 0, sizeof(*p));
	p->chroot_dir = jail;
	p->uid = nobody_uid;
	p->gid = nobody_gid;
	p->max_fds = MAX_FDS;
	p->max_data = MAX_DATA;
	p->parent = sb_parent;
	p->debug = debug;
	if (debug)
		p->report = report_to_pipe;
}

/* Child: confine, attempt, exit with the attempt's verdict. */
static void __attribute__((noreturn))
child_run(int (*attempt)(void), int debug)
{
	struct ms_sandbox_params p;
	struct ms_sandbox *sb;

	jail_params(&p, debug);
	if ((sb = ms_sandbox_prepare(&p)) == NULL)
		_exit(C_SETUP);
	ms_sandbox_enter(sb);
	_exit(attempt());
}

static int
run_child(int (*attempt)(void), int debug)
{
	pid_t pid;
	int status;

	if ((pid = fork()) == -1)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0)
		child_run(attempt, debug);
	if (waitpid(pid, &status, 0) != pid)
		fail_msg("waitpid: %s", strerror(errno));
	return status;
}

static void
expect_killed(int status, const char *what)
{
	if (WIFEXITED(status))
		fail_msg("%s: exited %d instead of dying by SIGSYS (%s)", what,
		    WEXITSTATUS(status), WEXITSTATUS(status) == C_SURVIVED ?
		    "the call returned" : "see child status");
	assert_true(WIFSIGNALED(status));
	if (WTERMSIG(status) != SIGSYS)
		fail_msg("%s: killed by signal %d, not SIGSYS", what,
		    WTERMSIG(status));
}

static void
expect_ok(int status, const char *what)
{
	if (WIFSIGNALED(status))
		fail_msg("%s: killed by signal %d", what, WTERMSIG(status));
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) != C_OK)
		fail_msg("%s: child exit %d", what, WEXITSTATUS(status));
}

struct attempt {
	const char	*name;
	int		(*fn)(void);
	int		 killed;
};

static const struct attempt attempts[] = {
	{ "socket",		try_socket,		1 },
	{ "connect",		try_connect,		1 },
	{ "execve",		try_execve,		1 },
	{ "fork",		try_fork,		1 },
	{ "clone3",		try_clone3,		1 },
	{ "ptrace",		try_ptrace,		1 },
	{ "kill",		try_kill,		1 },
	{ "setuid0",		try_setuid0,		1 },
	{ "mprotect-exec",	try_mprotect_exec,	1 },
	{ "mmap-exec",		try_mmap_exec,		1 },
	{ "x32",		try_x32,		1 },
	{ "i386",		try_i386,		1 },
	{ "open",		try_open,		0 },
	{ "openat",		try_openat,		0 },
	{ "stat",		try_stat,		0 },
	{ "access",		try_access,		0 },
	{ "newfstatat-path",	try_newfstatat_path,	0 },
	{ "statx-path",		try_statx_path,		0 },
	{ "fstat-libc",		try_fstat_libc,		0 },
	{ "allowed",		try_allowed,		0 },
	{ "openssl",		try_openssl,		0 },
};

static void
test_attempt(void **state)
{
	const struct attempt *a = *state;
	int status;

	NEED_ROOT();
	status = run_child(a->fn, 0);
	if (a->killed)
		expect_killed(status, a->name);
	else
		expect_ok(status, a->name);
}

#define ATTEMPT(i) { attempts[i].name, test_attempt, NULL, NULL, \
	(void *)&attempts[i] }

static ssize_t
read_all(int fd, char *buf, size_t len)
{
	size_t off = 0;
	ssize_t n;

	while (off < len - 1 && (n = read(fd, buf + off, len - 1 - off)) > 0)
		off += (size_t)n;
	buf[off] = '\0';
	return (ssize_t)off;
}

static void
test_debug_mode_reports(void **state)
{
	char buf[256];
	int fds[2], status;

	(void)state;
	NEED_ROOT();
	assert_int_equal(pipe(fds), 0);
	report_fd = fds[1];
	status = run_child(try_debug_socket, 1);
	close(fds[1]);
	report_fd = -1;
	read_all(fds[0], buf, sizeof(buf));
	close(fds[0]);
	expect_ok(status, "debug socket");
	/* Both trapped calls were named by the handler. */
	assert_non_null(strstr(buf, "socket\n"));
	assert_true(strstr(buf, "clone\n") != NULL ||
	    strstr(buf, "clone3\n") != NULL);
}

static int
wait_parent(void)
{
	/* fds 3/4 set up by test_proc_view; block until the parent looks. */
	char c = 'r';

	if (write(4, &c, 1) != 1 || read(3, &c, 1) != 1)
		return C_WRONG;
	return C_OK;
}

static void
assert_status_line(const char *status, const char *line)
{
	if (strstr(status, line) == NULL)
		fail_msg("/proc status lacks \"%s\":\n%s", line, status);
}

/* /proc/PID/limits: prlimit(2) on another uid needs CAP_SYS_RESOURCE. */
static void
assert_limit(const char *limits, const char *name, const char *want)
{
	const char *cp;
	char soft[32], hard[32];

	if ((cp = strstr(limits, name)) == NULL)
		fail_msg("no \"%s\" in /proc limits:\n%s", name, limits);
	cp += strlen(name);
	if (sscanf(cp, "%31s %31s", soft, hard) != 2)
		fail_msg("cannot parse \"%s\" limit", name);
	if (strcmp(soft, want) != 0 || strcmp(hard, want) != 0)
		fail_msg("%s is %s/%s, want %s", name, soft, hard, want);
}

/* What an outside observer (the kernel's own view) sees of a worker. */
static void
test_proc_view(void **state)
{
	char path[64], buf[4096], root[PATH_MAX], line[64];
	int tochild[2], fromchild[2], fd, status;
	ssize_t n;
	pid_t pid;

	(void)state;
	NEED_ROOT();
	assert_int_equal(pipe(tochild), 0);
	assert_int_equal(pipe(fromchild), 0);
	if ((pid = fork()) == -1)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		/* Known fd numbers below MAX_FDS for the confined child. */
		if (dup2(tochild[0], 3) == -1 || dup2(fromchild[1], 4) == -1)
			_exit(C_SETUP);
		closefrom(5);
		child_run(wait_parent, 0);
	}
	close(tochild[0]);
	close(fromchild[1]);
	if (read(fromchild[0], buf, 1) != 1) {
		waitpid(pid, &status, 0);
		fail_msg("child did not reach the sandbox (status 0x%x)",
		    status);
	}

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	assert_true((fd = open(path, O_RDONLY)) != -1);
	n = read_all(fd, buf, sizeof(buf));
	close(fd);
	assert_true(n > 0);
	assert_status_line(buf, "Seccomp:\t2\n");
	assert_status_line(buf, "NoNewPrivs:\t1\n");
	snprintf(line, sizeof(line), "Uid:\t%u\t%u\t%u\t%u\n",
	    (unsigned)nobody_uid, (unsigned)nobody_uid, (unsigned)nobody_uid,
	    (unsigned)nobody_uid);
	assert_status_line(buf, line);
	snprintf(line, sizeof(line), "Gid:\t%u\t%u\t%u\t%u\n",
	    (unsigned)nobody_gid, (unsigned)nobody_gid, (unsigned)nobody_gid,
	    (unsigned)nobody_gid);
	assert_status_line(buf, line);
	snprintf(line, sizeof(line), "Groups:\t%u", (unsigned)nobody_gid);
	assert_status_line(buf, line);
	/* All capabilities gone with the uid change. */
	assert_status_line(buf, "CapEff:\t0000000000000000\n");
	assert_status_line(buf, "CapPrm:\t0000000000000000\n");

	snprintf(path, sizeof(path), "/proc/%ld/root", (long)pid);
	n = readlink(path, root, sizeof(root) - 1);
	if (n == -1)
		fail_msg("readlink %s: %s", path, strerror(errno));
	root[n] = '\0';
	assert_string_equal(root, jail);
	snprintf(path, sizeof(path), "/proc/%ld/cwd", (long)pid);
	n = readlink(path, root, sizeof(root) - 1);
	assert_true(n > 0);
	root[n] = '\0';
	assert_string_equal(root, jail);

	snprintf(path, sizeof(path), "/proc/%ld/limits", (long)pid);
	assert_true((fd = open(path, O_RDONLY)) != -1);
	n = read_all(fd, buf, sizeof(buf));
	close(fd);
	assert_true(n > 0);
	assert_limit(buf, "Max open files", "8");
	assert_limit(buf, "Max processes", "0");
	assert_limit(buf, "Max file size", "0");
	assert_limit(buf, "Max core file size", "0");
#ifndef MS_SANITIZE
	assert_limit(buf, "Max data size", "33554432");
#else
	/* ASan's shadow counts as data: no RLIMIT_DATA (limits.c). */
	assert_limit(buf, "Max data size", "unlimited");
#endif

	/* The OOM killer's first choice, before the monitor. */
	snprintf(path, sizeof(path), "/proc/%ld/oom_score_adj", (long)pid);
	assert_true((fd = open(path, O_RDONLY)) != -1);
	n = read_all(fd, buf, sizeof(buf));
	close(fd);
	assert_string_equal(buf, "1000\n");

	assert_int_equal(write(tochild[1], "x", 1), 1);
	close(tochild[1]);
	close(fromchild[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	expect_ok(status, "proc view");
}

/* Confined grandchild: tell the test it is in, then wait forever. */
static int
wait_forever(void)
{
	char c = 'r';

	if (write(4, &c, 1) != 1)
		return C_WRONG;
	for (;;)
		poll(NULL, 0, -1);
}

/*
 * PR_SET_PDEATHSIG: a confined worker dies with its parent (the monitor).
 * The test is a subreaper, so the orphan becomes its child and its death
 * can be waited for.  Set before the uid change, the signal would be
 * cleared by it: this also checks that the sandbox sets it afterwards.
 */
static void
test_parent_death(void **state)
{
	int ready[2], pidp[2], status, i;
	pid_t mid, leaf = -1, got = 0;
	char c;

	(void)state;
	NEED_ROOT();
	assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(pidp), 0);
	if ((mid = fork()) == -1)
		fail_msg("fork: %s", strerror(errno));
	if (mid == 0) {
		if ((leaf = fork()) == -1)
			_exit(C_SETUP);
		if (leaf == 0) {
			if (dup2(ready[1], 4) == -1)
				_exit(C_SETUP);
			closefrom(5);
			sb_parent = getppid();
			child_run(wait_forever, 0);
		}
		/* The middle process plays the monitor: report, then die. */
		if (write(pidp[1], &leaf, sizeof(leaf)) != sizeof(leaf) ||
		    read(ready[0], &c, 1) != 1)
			_exit(C_SETUP);
		_exit(C_OK);
	}
	close(ready[0]);
	close(ready[1]);
	close(pidp[1]);
	assert_int_equal(read(pidp[0], &leaf, sizeof(leaf)), sizeof(leaf));
	close(pidp[0]);
	assert_int_equal(waitpid(mid, &status, 0), mid);
	expect_ok(status, "parent of the confined child");
	/* The kernel signals at the parent's exit: allow 10 s for it. */
	for (i = 0; i < 500 && (got = waitpid(leaf, &status,
	    WNOHANG)) == 0; i++)
		poll(NULL, 0, 20);
	if (got == 0) {
		kill(leaf, SIGKILL);
		waitpid(leaf, &status, 0);
		fail_msg("confined child outlived its parent");
	}
	assert_int_equal(got, leaf);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
	assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0), 0);
}

static int
reached(void)
{
	return C_OK;
}

/*
 * The parent died before PR_SET_PDEATHSIG (the signal will never come):
 * getppid() no longer names it, and the sandbox refuses to go on.  The
 * test's own parent stands in for the dead one: it is not the child's.
 */
static void
test_parent_gone(void **state)
{
	int status;

	(void)state;
	NEED_ROOT();
	sb_parent = getppid();
	status = run_child(reached, 0);
	sb_parent = 0;
	if (WIFSIGNALED(status))
		fail_msg("killed by signal %d", WTERMSIG(status));
	assert_true(WIFEXITED(status));
	assert_int_not_equal(WEXITSTATUS(status), C_OK);
	assert_int_not_equal(WEXITSTATUS(status), C_SETUP);
	/* With the right parent the same child runs. */
	sb_parent = getpid();
	status = run_child(reached, 0);
	sb_parent = 0;
	expect_ok(status, "right parent");
}

/* The drop itself, without the filter: the kernel must refuse root. */
static void
test_privdrop_irreversible(void **state)
{
	pid_t pid;
	int status;

	(void)state;
	NEED_ROOT();
	if ((pid = fork()) == -1)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		if (ms_sb_drop_privs(nobody_uid, nobody_gid) != 0 ||
		    ms_sb_verify_dropped(nobody_uid, nobody_gid) != 0)
			_exit(C_SETUP);
		if (setuid(0) != -1 || errno != EPERM ||
		    setresuid(0, 0, 0) != -1 || setegid(0) != -1 ||
		    setgroups(0, NULL) != -1 || chroot("/") != -1)
			_exit(C_WRONG);
		_exit(C_OK);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	expect_ok(status, "privdrop");
}

/* ms_sandbox_prepare refuses anything that would not confine. */
static void
test_prepare_rejects(void **state)
{
	struct ms_sandbox_params p;
	char sub[PATH_MAX], file[PATH_MAX];
	int fd;

	(void)state;
	NEED_ROOT();
	assert_null(ms_sandbox_prepare(NULL));

	jail_params(&p, 0);
	p.uid = 0;
	assert_null(ms_sandbox_prepare(&p));
	jail_params(&p, 0);
	p.gid = 0;
	assert_null(ms_sandbox_prepare(&p));
	jail_params(&p, 0);
	p.uid = (uid_t)-1;
	assert_null(ms_sandbox_prepare(&p));
	jail_params(&p, 0);
	p.max_fds = 0;
	assert_null(ms_sandbox_prepare(&p));
	jail_params(&p, 0);
	p.max_data = 0;				/* no memory bound */
	assert_null(ms_sandbox_prepare(&p));
	p.max_data = ((size_t)1 << 32) + 1;
	assert_null(ms_sandbox_prepare(&p));
	jail_params(&p, 0);
	p.chroot_dir = NULL;
	assert_null(ms_sandbox_prepare(&p));
	p.chroot_dir = "relative/dir";
	assert_null(ms_sandbox_prepare(&p));
	p.chroot_dir = "/nonexistent-metasafe-jail";
	assert_null(ms_sandbox_prepare(&p));

	/* A sub-directory we can make unsafe in several ways. */
	if (snprintf(sub, sizeof(sub), "%s.sub", jail) >= (int)sizeof(sub))
		fail_msg("path too long");
	assert_int_equal(mkdir(sub, 0755), 0);
	p.chroot_dir = sub;

	assert_int_equal(chmod(sub, 0775), 0);		/* group-writable */
	assert_null(ms_sandbox_prepare(&p));
	assert_int_equal(chmod(sub, 0757), 0);		/* other-writable */
	assert_null(ms_sandbox_prepare(&p));
	assert_int_equal(chmod(sub, 0755), 0);
	assert_int_equal(chown(sub, nobody_uid, 0), 0);	/* not root's */
	assert_null(ms_sandbox_prepare(&p));
	assert_int_equal(chown(sub, 0, 0), 0);

	if (snprintf(file, sizeof(file), "%s/f", sub) >= (int)sizeof(file))
		fail_msg("path too long");			/* not empty */
	assert_true((fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0600)) != -1);
	close(fd);
	assert_null(ms_sandbox_prepare(&p));
	assert_int_equal(unlink(file), 0);
	/* A symbolic link alone: the link count stays 2, readdir sees it. */
	assert_int_equal(symlink("/etc/shadow", file), 0);
	assert_null(ms_sandbox_prepare(&p));
	assert_int_equal(unlink(file), 0);

	p.chroot_dir = "/etc/passwd";			/* not a directory */
	assert_null(ms_sandbox_prepare(&p));

	assert_int_equal(rmdir(sub), 0);
}

static int
group_setup(void **state)
{
	struct passwd *pw;

	(void)state;
	if (geteuid() != 0) {
		fprintf(stderr, "test_sandbox: sandbox tests need root "
		    "(chroot, setuid); run as root\n");
		return 0;	/* each test then fails with the reason */
	}
	if ((pw = getpwnam("nobody")) == NULL) {
		fprintf(stderr, "test_sandbox: no user \"nobody\"\n");
		return -1;
	}
	nobody_uid = pw->pw_uid;
	nobody_gid = pw->pw_gid;
	if (nobody_uid == 0 || nobody_gid == 0) {
		fprintf(stderr, "test_sandbox: \"nobody\" is uid/gid 0?\n");
		return -1;
	}
	strlcpy(jail, "/tmp/ms-sandbox-XXXXXX", sizeof(jail));
	if (mkdtemp(jail) == NULL || chown(jail, 0, 0) == -1 ||
	    chmod(jail, 0755) == -1) {
		fprintf(stderr, "test_sandbox: jail %s: %s\n", jail,
		    strerror(errno));
		return -1;
	}
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	if (*jail != '\0' && rmdir(jail) == -1) {
		fprintf(stderr, "test_sandbox: rmdir %s: %s\n", jail,
		    strerror(errno));
		return -1;
	}
	return 0;
}

#ifdef MS_SANITIZE
/*
 * The sanitizer build's wider filter exists so that a memory error found
 * inside the sandbox is reported, not turned into a silent SIGSYS.
 */
static char *volatile uaf_ptr;
static volatile int uaf_index = 3;

static int
try_use_after_free(void)
{
	uaf_ptr = malloc(16);
	free(uaf_ptr);
	uaf_ptr[uaf_index] = 1;
	return C_SURVIVED;
}

static void
test_sanitizer_reports_inside(void **state)
{
	char buf[8192];
	int fds[2], status;
	pid_t pid;

	(void)state;
	NEED_ROOT();
	assert_int_equal(pipe(fds), 0);
	if ((pid = fork()) == -1)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		if (dup2(fds[1], STDERR_FILENO) == -1)
			_exit(C_SETUP);
		close(fds[0]);
		close(fds[1]);
		child_run(try_use_after_free, 0);
	}
	close(fds[1]);
	read_all(fds[0], buf, sizeof(buf));
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		fail_msg("sanitizer report killed by signal %d:\n%s",
		    WTERMSIG(status), buf);
	assert_true(WIFEXITED(status));
	assert_int_not_equal(WEXITSTATUS(status), C_SURVIVED);
	assert_non_null(strstr(buf, "heap-use-after-free"));
}
#endif

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prepare_rejects),
		cmocka_unit_test(test_privdrop_irreversible),
		cmocka_unit_test(test_proc_view),
		cmocka_unit_test(test_debug_mode_reports),
		cmocka_unit_test(test_parent_death),
		cmocka_unit_test(test_parent_gone),
		ATTEMPT(0), ATTEMPT(1), ATTEMPT(2), ATTEMPT(3), ATTEMPT(4),
		ATTEMPT(5), ATTEMPT(6), ATTEMPT(7), ATTEMPT(8), ATTEMPT(9),
		ATTEMPT(10), ATTEMPT(11), ATTEMPT(12), ATTEMPT(13),
		ATTEMPT(14), ATTEMPT(15), ATTEMPT(16), ATTEMPT(17),
		ATTEMPT(18), ATTEMPT(19), ATTEMPT(20),
#ifdef MS_SANITIZE
		cmocka_unit_test(test_sanitizer_reports_inside),
#endif
	};

	/* One entry per attempt, no more, no less. */
	if (sizeof(attempts) / sizeof(attempts[0]) != 21) {
		fprintf(stderr, "test_sandbox: update the ATTEMPT list\n");
		return 1;
	}
	ms_log_init("test_sandbox", MS_LOG_INFO, 1, -1);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
