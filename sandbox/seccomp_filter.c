/*
 * seccomp_filter.c — the worker's syscall allowlist (libseccomp), the one
 * place the policy is written.  It is compiled at build time: bpfgen.c
 * runs ms_sb_filter_build() and emits the BPF programs the worker loads
 * (filter_load.c), so no worker pays for libseccomp's compilation.
 *
 * Default action: kill the whole process (SIGSYS), or trap in debug mode.
 * Only the native architecture is in the filter; a syscall made through
 * another ABI (i386 int $0x80, x32 numbers on x86_64) hits the bad-arch
 * action, which is kill in both modes.
 *
 * Names that do not exist on the build architecture (mmap2 on x86_64,
 * the *_time64 calls on 64-bit ABIs) are skipped, so one table serves
 * every architecture libseccomp knows.
 */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <errno.h>
#include <string.h>

#include "errors.h"
#include "log.h"
#include "proto.h"
#include "seccomp_filter.h"

enum sc_kind {
	SC_ALLOW,		/* unconditionally allowed */
	SC_ALLOW_NOEXEC,	/* allowed if arg `arg` has no PROT_EXEC */
	SC_ALLOW_QUERY,		/* allowed if arg `arg` is NULL (read-only) */
	SC_FAIL,		/* fails with errno `arg`, process continues */
	SC_ALLOW_FD,		/* allowed on descriptor `arg` (arg 0) only */
	SC_ALLOW_SOL_SOCKET,	/* allowed for option SOL_SOCKET/`arg` only */
};

struct sc_rule {
	const char	*name;
	enum sc_kind	 kind;
	unsigned int	 arg;
};

static const struct sc_rule sc_rules[] = {
	/* I/O on the descriptors the monitor passed us (socket, log). */
	{ "read",		SC_ALLOW, 0 },
	{ "write",		SC_ALLOW, 0 },
	{ "readv",		SC_ALLOW, 0 },
	{ "writev",		SC_ALLOW, 0 },
	/*
	 * The client socket arrives over the monitor channel (HANDOFF,
	 * SCM_RIGHTS): recvmsg on that descriptor only, and the two
	 * read-only queries that tell the worker it got a stream socket.
	 */
	{ "recvmsg",		SC_ALLOW_FD, MS_WORKER_MONITOR_FD },
	{ "getsockopt",		SC_ALLOW_SOL_SOCKET, SO_TYPE },
	{ "getsockopt",		SC_ALLOW_SOL_SOCKET, SO_DOMAIN },
	/* Half-closing the client socket before exiting (w_linger). */
	{ "shutdown",		SC_ALLOW, 0 },
	/* stdio position queries; no effect on a socket but harmless. */
	{ "lseek",		SC_ALLOW, 0 },
	/* Waiting for the client and the monitor with a timeout. */
	{ "poll",		SC_ALLOW, 0 },
	{ "ppoll",		SC_ALLOW, 0 },
	{ "ppoll_time64",	SC_ALLOW, 0 },
	/* Dropping descriptors; cannot create any. */
	{ "close",		SC_ALLOW, 0 },
	/* Leaving: exit is the thread call, exit_group what exit(3) uses. */
	{ "exit",		SC_ALLOW, 0 },
	{ "exit_group",		SC_ALLOW, 0 },
	/* malloc: heap growth and large chunks. */
	{ "brk",		SC_ALLOW, 0 },
	/* Anonymous memory, never executable (no shellcode staging). */
	{ "mmap",		SC_ALLOW_NOEXEC, 2 },
	{ "mmap2",		SC_ALLOW_NOEXEC, 2 },
	/* Guard pages and RELRO-style changes, never to executable. */
	{ "mprotect",		SC_ALLOW_NOEXEC, 2 },
	/* free() of large chunks, realloc of them, returning pages. */
	{ "munmap",		SC_ALLOW, 0 },
	{ "mremap",		SC_ALLOW, 0 },
	{ "madvise",		SC_ALLOW, 0 },
	/* Clocks: record-layer timeouts, log timestamps (vDSO fallback). */
	{ "clock_gettime",	SC_ALLOW, 0 },
	{ "clock_gettime64",	SC_ALLOW, 0 },
	{ "gettimeofday",	SC_ALLOW, 0 },
	/* Back-off delays. */
	{ "nanosleep",		SC_ALLOW, 0 },
	{ "clock_nanosleep",	SC_ALLOW, 0 },
	{ "clock_nanosleep_time64", SC_ALLOW, 0 },
	/* OpenSSL's DRBG seeds from getrandom; no /dev/urandom needed. */
	{ "getrandom",		SC_ALLOW, 0 },
	/* glibc and OpenSSL locks (uncontended in a single thread). */
	{ "futex",		SC_ALLOW, 0 },
	{ "futex_time64",	SC_ALLOW, 0 },
	/* Returning from a signal handler (SIGSYS in debug mode). */
	{ "rt_sigreturn",	SC_ALLOW, 0 },
	/* Signal masks around critical sections (glibc, OpenSSL). */
	{ "rt_sigprocmask",	SC_ALLOW, 0 },
	/* Kernel-internal restart of an interrupted poll/nanosleep. */
	{ "restart_syscall",	SC_ALLOW, 0 },
	/* Identity queries: reveal nothing, OpenSSL uses getpid for fork
	   detection. */
	{ "getpid",		SC_ALLOW, 0 },
	{ "gettid",		SC_ALLOW, 0 },
	{ "getuid",		SC_ALLOW, 0 },
	{ "geteuid",		SC_ALLOW, 0 },
	{ "getgid",		SC_ALLOW, 0 },
	{ "getegid",		SC_ALLOW, 0 },
	/* The descriptor-only stat: no path, nothing to resolve. */
	{ "fstat",		SC_ALLOW, 0 },
	/* glibc registers restartable sequences per thread. */
	{ "rseq",		SC_ALLOW, 0 },

	/*
	 * File probing fails softly: OpenSSL looks for its config, glibc
	 * for locale and timezone files.  The chroot is empty anyway; the
	 * error lets those libraries fall back instead of killing us.
	 */
	{ "open",		SC_FAIL, EACCES },
	{ "openat",		SC_FAIL, EACCES },
	{ "openat2",		SC_FAIL, EACCES },
	{ "stat",		SC_FAIL, EACCES },
	{ "stat64",		SC_FAIL, EACCES },
	{ "lstat",		SC_FAIL, EACCES },
	{ "lstat64",		SC_FAIL, EACCES },
	{ "access",		SC_FAIL, EACCES },
	{ "faccessat",		SC_FAIL, EACCES },
	{ "faccessat2",		SC_FAIL, EACCES },
	{ "readlink",		SC_FAIL, EACCES },
	{ "readlinkat",		SC_FAIL, EACCES },
	/*
	 * The *at stat calls resolve their path argument even with
	 * AT_EMPTY_PATH when the path is not "", and BPF cannot read the
	 * string: no rule on the flags or the pointer tells fstat from a
	 * lookup, so every form fails.  glibc >= 2.33 implements fstat(3)
	 * as newfstatat(fd, "", AT_EMPTY_PATH) (statx on 32-bit ABIs), so
	 * fstat(3) fails with EACCES inside the sandbox too; the worker
	 * calls it only before entering (strace of a worker, glibc 2.36),
	 * and stdio falls back to its default buffer size without it.
	 */
	{ "newfstatat",		SC_FAIL, EACCES },
	{ "fstatat64",		SC_FAIL, EACCES },
	{ "statx",		SC_FAIL, EACCES },
};

#ifdef MS_SANITIZE
/*
 * The ONLY difference between a sanitizer build and a production build.
 * While printing a report the ASan/UBSan runtimes make calls the worker
 * never makes; under the production filter the first of them would kill
 * the process with SIGSYS before the report is written.  They are
 * answered with an error, not allowed: reports come out plain and
 * unsymbolized (/proc/self/exe and /proc/self/maps already get EACCES),
 * and the sanitizer build still cannot open, create or run anything.
 * Found with the debug mode (`sandbox-probe DIR nobody debug-...` and a
 * deliberate use-after-free / overflow); LeakSanitizer is handled in
 * sandbox.c.
 */
static const struct sc_rule sc_sanitize_rules[] = {
	/* __asan_handle_no_return(), run before every noreturn call
	   (exit, _exit, fatal), asks whether we are on the alternate
	   signal stack: sigaltstack(NULL, &old).  Query only. */
	{ "sigaltstack",	SC_ALLOW_QUERY, 0 },
	/* Report colouring asks isatty(stderr) (TCGETS): "not a tty". */
	{ "ioctl",		SC_FAIL, ENOTTY },
	/* "pointer points here" probes memory through a pipe; without
	   one it prints "<memory cannot be printed>". */
	{ "pipe",		SC_FAIL, EMFILE },
	{ "pipe2",		SC_FAIL, EMFILE },
};
#endif

static int
add_rule(scmp_filter_ctx ctx, const struct sc_rule *rule)
{
	int nr, rc = 0;

	nr = seccomp_syscall_resolve_name(rule->name);
	if (nr == __NR_SCMP_ERROR) {
		/* Older libseccomp: the kernel may have it, we do not. */
		debug3_f("libseccomp does not know %s", rule->name);
		return 0;
	}
	if (nr < 0) {
		/* Pseudo-number: the call does not exist on this ABI. */
		debug3_f("%s does not exist on this architecture", rule->name);
		return 0;
	}
	switch (rule->kind) {
	case SC_ALLOW:
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
		break;
	case SC_ALLOW_NOEXEC:
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
		    SCMP_CMP(rule->arg, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
		/* With PROT_EXEC no rule matches: default action. */
		break;
	case SC_ALLOW_QUERY:
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
		    SCMP_CMP(rule->arg, SCMP_CMP_EQ, 0, 0));
		break;
	case SC_FAIL:
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(rule->arg), nr, 0);
		break;
	case SC_ALLOW_FD:
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
		    SCMP_CMP(0, SCMP_CMP_EQ, rule->arg, 0));
		break;
	case SC_ALLOW_SOL_SOCKET:
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 2,
		    SCMP_CMP(1, SCMP_CMP_EQ, SOL_SOCKET, 0),
		    SCMP_CMP(2, SCMP_CMP_EQ, rule->arg, 0));
		break;
	}
	if (rc != 0) {
		error_f("seccomp_rule_add %s: %s", rule->name, strerror(-rc));
		return MS_ERR_INTERNAL;
	}
	return 0;
}

static int
add_rules(scmp_filter_ctx ctx, const struct sc_rule *rules, size_t n)
{
	size_t i;
	int r;

	for (i = 0; i < n; i++) {
		if ((r = add_rule(ctx, &rules[i])) != 0)
			return r;
	}
	return 0;
}

static int
set_attr(scmp_filter_ctx ctx, enum scmp_filter_attr attr, uint32_t value,
    const char *what)
{
	int rc;

	if ((rc = seccomp_attr_set(ctx, attr, value)) != 0) {
		error_f("seccomp_attr_set %s: %s", what, strerror(-rc));
		return MS_ERR_INTERNAL;
	}
	return 0;
}

int
ms_sb_filter_build(int debug, scmp_filter_ctx *ctxp)
{
	scmp_filter_ctx ctx;
	int r;

	*ctxp = NULL;
	/* seccomp_init() puts the native architecture, and only it, in. */
	if ((ctx = seccomp_init(debug ? SCMP_ACT_TRAP :
	    SCMP_ACT_KILL_PROCESS)) == NULL) {
		error_f("seccomp_init failed");
		return MS_ERR_INTERNAL;
	}
	/*
	 * Foreign-ABI syscalls die even in debug mode: there is nothing to
	 * learn from them and their numbers would be misreported.  TSYNC:
	 * should a library ever have started a thread, it is confined too
	 * (or the load fails).
	 */
	if ((r = set_attr(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS,
	    "ACT_BADARCH")) != 0 ||
	    (r = set_attr(ctx, SCMP_FLTATR_CTL_NNP, 1, "CTL_NNP")) != 0 ||
	    (r = set_attr(ctx, SCMP_FLTATR_CTL_TSYNC, 1, "CTL_TSYNC")) != 0 ||
	    (r = add_rules(ctx, sc_rules,
	    sizeof(sc_rules) / sizeof(sc_rules[0]))) != 0)
		goto out;
#ifdef MS_SANITIZE
	if ((r = add_rules(ctx, sc_sanitize_rules,
	    sizeof(sc_sanitize_rules) / sizeof(sc_sanitize_rules[0]))) != 0)
		goto out;
#endif
	*ctxp = ctx;
	ctx = NULL;
	r = 0;
 out:
	if (ctx != NULL)
		seccomp_release(ctx);
	return r;
}
