/*
 * sandbox-probe — enter the worker sandbox, then try one thing.
 *
 *	sandbox-probe CHROOTDIR USER ACTION
 *
 * Exit status: 0 when the sandbox behaved (a soft-failing call failed with
 * the expected errno, an allowed call worked), 1 on usage/setup errors,
 * 2 when an action that must kill the process returned instead, 3 when a
 * call had the wrong result.  Actions that must be killed die with SIGSYS
 * (a shell sees exit status 159 on x86_64).
 *
 * Killed:    socket connect execve fork clone3 ptrace kill setuid0
 *            mprotect-exec mmap-exec x32 i386 recvmsg-other
 *            getsockopt-other sendmsg
 * Soft/ok:   none open stat status allowed openssl newfstatat-path
 *            statx-path newfstatat-fd memlimit handoff
 * handoff: a TCP socket sent (SCM_RIGHTS) to fd 4 before the sandbox is
 * received there and recognised inside it, as a pooled worker does.
 * debug-ACTION runs ACTION with params.debug = 1: forbidden calls are
 * reported on stderr and return ENOSYS; debug-socket exits 0 when
 * socket() failed with ENOSYS.
 *
 * stdout and stderr must be pipes or ttys: RLIMIT_FSIZE is 0.
 */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "fdpass.h"
#include "log.h"
#include "proto.h"
#include "sandbox/sandbox.h"
#include "worker.h"		/* W_DATA_MAX, the worker's bound */

#define EX_OK		0
#define EX_SETUP	1
#define EX_SURVIVED	2
#define EX_WRONG	3

static void
say(const char *s)
{
	size_t len = strlen(s);
	ssize_t n;

	while (len > 0 && (n = write(STDERR_FILENO, s, len)) > 0) {
		s += n;
		len -= (size_t)n;
	}
}

/* Called from the SIGSYS handler: write(2) only. */
static void
report(const char *name, long nr)
{
	char num[32];
	int i = (int)sizeof(num) - 1;
	unsigned long v = nr < 0 ? 0 : (unsigned long)nr;

	num[i] = '\0';
	do {
		num[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0 && i > 0);
	say("sandbox-probe: trapped syscall ");
	say(name != NULL ? name : "?");
	say(" (");
	say(num + i);
	say(")\n");
}

static int
act_killed(long r)
{
	/* Reaching this line means the filter let the call through. */
	(void)r;
	return EX_SURVIVED;
}

static int
act_mprotect_exec(void)
{
	void *p;

	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return EX_WRONG;
	return act_killed(mprotect(p, 4096, PROT_READ | PROT_EXEC));
}

static int
act_i386(void)
{
#if defined(__x86_64__)
	long r;

	/* getpid is 20 in the i386 table; the arch check must kill us. */
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(20L)
	    : "memory", "r8", "r9", "r10", "r11");
	return act_killed(r);
#else
	return EX_SURVIVED;
#endif
}

static int
act_x32(void)
{
#if defined(__x86_64__)
	return act_killed(syscall(0x40000000L /* __X32_SYSCALL_BIT */ |
	    __NR_getpid));
#else
	return EX_SURVIVED;
#endif
}

/* What a worker does all day must keep working. */
static int
act_allowed(void)
{
	struct timespec ts = { 0, 1000000 };
	struct stat st;
	unsigned char rnd[32];
	char *big, *p;

	if ((big = malloc(4 << 20)) == NULL)
		return EX_WRONG;
	memset(big, 'x', 4 << 20);
	if ((p = realloc(big, 8 << 20)) == NULL)
		return EX_WRONG;
	free(p);
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd) ||
	    clock_gettime(CLOCK_MONOTONIC, &ts) != 0 ||
	    nanosleep(&(struct timespec){ 0, 1000000 }, NULL) != 0 ||
	    poll(NULL, 0, 1) != 0 ||
	    syscall(SYS_fstat, STDERR_FILENO, &st) != 0 ||
	    getpid() <= 0)
		return EX_WRONG;
	explicit_bzero(rnd, sizeof(rnd));
	return EX_OK;
}

/* First use of OpenSSL inside the jail: config/engine probing fails soft. */
static int
act_openssl(void)
{
	unsigned char rnd[32], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (RAND_bytes(rnd, sizeof(rnd)) != 1 ||
	    EVP_Digest(rnd, sizeof(rnd), md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != 32)
		return EX_WRONG;
	OPENSSL_cleanse(rnd, sizeof(rnd));
	return EX_OK;
}

/*
 * AT_EMPTY_PATH with a path that is not "": the kernel resolves the path
 * anyway (here the jail's root, which exists).  Must fail with EACCES,
 * like a plain stat(2), for every *at stat call.
 */
static int
act_stat_empty_path(const char *a)
{
	struct stat st;
	struct statx stx;
	long r;

	if (strcmp(a, "newfstatat-path") == 0)
		r = syscall(SYS_newfstatat, AT_FDCWD, "/", &st, AT_EMPTY_PATH);
	else if (strcmp(a, "statx-path") == 0)
		r = syscall(SYS_statx, AT_FDCWD, "/", AT_EMPTY_PATH,
		    STATX_BASIC_STATS, &stx);
	else if (strcmp(a, "newfstatat-fd") == 0)
		/* glibc's fstat(3): the empty string and a descriptor. */
		r = syscall(SYS_newfstatat, STDERR_FILENO, "", &st,
		    AT_EMPTY_PATH);
	else
		return EX_SETUP;
	return (r == -1 && errno == EACCES) ? EX_OK : EX_WRONG;
}

/*
 * The worker's memory bound: what the largest legal request needs
 * (W_DATA_FRAMES frame-sized buffers) is granted; allocating on without
 * end is refused (malloc NULL, mmap ENOMEM) before W_DATA_MAX.  Without
 * the limit the loop stops at four times the bound: EX_SURVIVED, and the
 * host is not starved.
 */
#define ALLOC_CHUNK	((size_t)1 << 20)

static int
act_memlimit(void)
{
#ifdef MS_SANITIZE
	/* No RLIMIT_DATA under ASan (sandbox/limits.c): nothing to probe. */
	say("sandbox-probe: sanitizer build, no memory limit\n");
	return EX_OK;
#else
	char *p, *frames[W_DATA_FRAMES];
	size_t total = 0, i;
	void *m;

	for (i = 0; i < W_DATA_FRAMES; i++) {
		if ((frames[i] = malloc(MS_FRAME_MAX)) == NULL)
			return EX_WRONG;
		memset(frames[i], 'f', MS_FRAME_MAX);
	}
	m = mmap(NULL, W_DATA_MAX, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m != MAP_FAILED || errno != ENOMEM)
		return EX_SURVIVED;
	while (total < 4 * W_DATA_MAX) {
		if ((p = malloc(ALLOC_CHUNK)) == NULL) {
			printf("refused after %zu MiB\n",
			    (W_DATA_FRAMES * MS_FRAME_MAX + total) >> 20);
			return fflush(stdout) == 0 && total < W_DATA_MAX ?
			    EX_OK : EX_WRONG;
		}
		memset(p, 'x', ALLOC_CHUNK);
		total += ALLOC_CHUNK;
	}
	return EX_SURVIVED;
#endif
}

static int
act_debug_socket(void)
{
	int fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd != -1 || errno != ENOSYS)
		return EX_WRONG;
	return EX_OK;
}

/* Receive the socket on fd 4 and tell it is a TCP stream socket. */
static int
act_handoff(void)
{
	char c;
	size_t n;
	int fd, type = -1, domain = -1;
	socklen_t len;

	if (ms_fd_recv(MS_WORKER_MONITOR_FD, &c, 1, &n, &fd) != 0 || n != 1)
		return EX_WRONG;
	len = sizeof(type);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == -1 ||
	    type != SOCK_STREAM)
		return EX_WRONG;
	len = sizeof(domain);
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == -1 ||
	    domain != AF_INET)
		return EX_WRONG;
	return EX_OK;
}

static int
run_action(const char *a)
{
	struct sockaddr_in sin;
	struct stat st;
	char *argv[] = { (char *)"/bin/true", NULL };

	if (strcmp(a, "none") == 0)
		return EX_OK;
	if (strcmp(a, "open") == 0)
		return (open("/etc/passwd", O_RDONLY) == -1 && errno == EACCES)
		    ? EX_OK : EX_WRONG;
	if (strcmp(a, "stat") == 0)
		return (stat("/etc/passwd", &st) == -1 && errno == EACCES)
		    ? EX_OK : EX_WRONG;
	/*
	 * The filter kills this before the kernel would refuse it; in debug
	 * mode it fails with ENOSYS.  Success would be the real disaster.
	 */
	if (strcmp(a, "setuid0") == 0)
		return setuid(0) == -1 ? EX_OK : EX_WRONG;
	if (strcmp(a, "status") == 0) {
		printf("uid=%u gid=%u\n", (unsigned)getuid(),
		    (unsigned)getgid());
		return fflush(stdout) == 0 ? EX_OK : EX_WRONG;
	}
	if (strcmp(a, "allowed") == 0)
		return act_allowed();
	if (strcmp(a, "memlimit") == 0)
		return act_memlimit();
	if (strcmp(a, "newfstatat-path") == 0 ||
	    strcmp(a, "statx-path") == 0 || strcmp(a, "newfstatat-fd") == 0)
		return act_stat_empty_path(a);
	if (strcmp(a, "openssl") == 0)
		return act_openssl();
	if (strcmp(a, "socket") == 0)
		return act_killed(socket(AF_INET, SOCK_STREAM, 0));
	if (strcmp(a, "handoff") == 0)
		return act_handoff();
	if (strcmp(a, "recvmsg-other") == 0) {
		struct msghdr msg;

		memset(&msg, 0, sizeof(msg));
		return act_killed(recvmsg(STDIN_FILENO, &msg, MSG_DONTWAIT));
	}
	if (strcmp(a, "getsockopt-other") == 0) {
		int v;
		socklen_t len = sizeof(v);

		return act_killed(getsockopt(STDIN_FILENO, SOL_SOCKET,
		    SO_RCVBUF, &v, &len));
	}
	if (strcmp(a, "sendmsg") == 0) {
		struct msghdr msg;

		memset(&msg, 0, sizeof(msg));
		return act_killed(sendmsg(STDOUT_FILENO, &msg, MSG_DONTWAIT));
	}
	if (strcmp(a, "connect") == 0) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons(9);
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		return act_killed(connect(STDIN_FILENO,
		    (struct sockaddr *)&sin, sizeof(sin)));
	}
	if (strcmp(a, "execve") == 0)
		return act_killed(execve(argv[0], argv, NULL));
	if (strcmp(a, "fork") == 0)
		return act_killed(fork());
	if (strcmp(a, "clone3") == 0)
		return act_killed(syscall(SYS_clone3, NULL, 0));
	if (strcmp(a, "ptrace") == 0)
		return act_killed(ptrace(PTRACE_TRACEME, 0, NULL, NULL));
	if (strcmp(a, "kill") == 0)
		return act_killed(kill(1, 0));
	if (strcmp(a, "mprotect-exec") == 0)
		return act_mprotect_exec();
	if (strcmp(a, "mmap-exec") == 0)
		return act_killed((long)mmap(NULL, 4096, PROT_READ | PROT_EXEC,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	if (strcmp(a, "x32") == 0)
		return act_x32();
	if (strcmp(a, "i386") == 0)
		return act_i386();
	fprintf(stderr, "sandbox-probe: unknown action %s\n", a);
	return EX_SETUP;
}

/* Before the sandbox: a TCP socket in flight to fd 4. */
static int
setup_handoff(void)
{
	int sp[2], tcp;

	/* Above fd 4 first, so the dup2 cannot close the other end. */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == -1 ||
	    (sp[0] = fcntl(sp[0], F_DUPFD, 10)) == -1 ||
	    (sp[1] = fcntl(sp[1], F_DUPFD, 10)) == -1 ||
	    (tcp = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	if (dup2(sp[0], MS_WORKER_MONITOR_FD) == -1)
		return -1;
	close(sp[0]);
	if (ms_fd_send(sp[1], "h", 1, tcp) != 0)
		return -1;
	close(tcp);
	close(sp[1]);
	return 0;
}

int
main(int argc, char **argv)
{
	struct ms_sandbox_params params;
	struct ms_sandbox *sb;
	struct passwd *pw;
	const char *action;

	if (argc != 4) {
		fprintf(stderr, "usage: sandbox-probe CHROOTDIR USER ACTION\n");
		return EX_SETUP;
	}
	action = argv[3];
	ms_log_init("sandbox-probe", MS_LOG_INFO, 1, -1);
	if ((pw = getpwnam(argv[2])) == NULL) {
		fprintf(stderr, "sandbox-probe: unknown user %s\n", argv[2]);
		return EX_SETUP;
	}
	memset(&params, 0, sizeof(params));
	params.chroot_dir = argv[1];
	params.uid = pw->pw_uid;
	params.gid = pw->pw_gid;
	params.max_fds = 8;
	params.max_data = W_DATA_MAX;
	/* debug-ACTION: same in trap-and-report mode (lists what traps). */
	if (strncmp(action, "debug-", 6) == 0) {
		action += 6;
		params.debug = 1;
		params.report = report;
	}
	if (strcmp(action, "handoff") == 0 && setup_handoff() != 0) {
		fprintf(stderr, "sandbox-probe: handoff setup: %s\n",
		    strerror(errno));
		return EX_SETUP;
	}
	if ((sb = ms_sandbox_prepare(&params)) == NULL)
		return EX_SETUP;
	ms_sandbox_enter(sb);
	if (params.debug && strcmp(action, "socket") == 0)
		return act_debug_socket();
	return run_action(action);
}
