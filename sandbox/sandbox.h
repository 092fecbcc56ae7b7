/*
 * sandbox.h — confinement of a metasafe worker (SECURITY.md invariant I5).
 *
 * Two calls, in this order, by the freshly exec'd worker:
 *
 *   sb = ms_sandbox_prepare(&params);	while still root, before any
 *					network byte; validates params (the
 *					seccomp program was compiled at
 *					build time, sandbox/bpfgen.c)
 *   ms_sandbox_enter(sb);		oom_score_adj, chroot, drop to
 *					uid/gid, verify the drop, rlimits,
 *					!dumpable, no_new_privs, load the
 *					filter
 *
 * ms_sandbox_enter() never returns unless the process is fully confined:
 * every failure is fatal, so a worker can never run unsandboxed by
 * forgetting to check a return value.
 *
 * After ms_sandbox_enter() the process may only read/write/poll the fds it
 * already holds, allocate memory (never executable), read clocks and
 * getrandom, and exit.  Path lookups (open, stat, access, readlink and
 * friends) fail with EACCES so libraries degrade cleanly; sockets, fork,
 * exec, ptrace and everything else kill the process with SIGSYS.
 * RLIMIT_FSIZE is 0: stdout/stderr must not be regular files (use the log
 * channel or /dev/null), a write to one raises SIGXFSZ.
 *
 * See sandbox/README.md for the allowlist and its justifications.
 */
#ifndef MS_SANDBOX_H
#define MS_SANDBOX_H

#include <sys/types.h>

struct ms_sandbox_params {
	/* Must exist, be empty, root-owned, not group/other-writable. */
	const char *chroot_dir;
	/* Unprivileged target; neither may be 0. */
	uid_t uid;
	gid_t gid;
	/*
	 * 1: forbidden syscalls raise SIGSYS, are reported and return
	 * -ENOSYS (a developer sees every one of them); 0: they kill the
	 * process.  Never enable in production.
	 */
	int debug;
	/* RLIMIT_NOFILE; enough for the fds already open (e.g. 8). */
	int max_fds;
	/*
	 * RLIMIT_DATA in bytes (heap, anonymous and private writable
	 * mappings), 1 MiB..4 GiB: an allocation beyond it fails with
	 * ENOMEM instead of growing the process.  Not applied in a
	 * sanitizer build (README.md).
	 */
	size_t max_data;
	/*
	 * > 0: the pid of the parent (the monitor), recorded by the caller
	 * as early as it can.  The process gets SIGKILL when that parent
	 * exits (PR_SET_PDEATHSIG, set after the uid change, which would
	 * clear it), and ms_sandbox_enter() is fatal if the parent is
	 * already gone.  0: no parent-death signal.
	 */
	pid_t parent;
	/*
	 * Debug mode only: called from the SIGSYS handler, so it may only do
	 * async-signal-safe things (write(2) a frame to a log fd).  name is
	 * NULL when the number is unknown.  NULL report: a line is
	 * write(2)n to stderr.
	 */
	void (*report)(const char *syscall_name, long nr);
};

struct ms_sandbox;

/* Returns NULL (after logging why) when params are unusable. */
struct ms_sandbox *ms_sandbox_prepare(const struct ms_sandbox_params *p);
/* Consumes sb.  Returns 0 or does not return (fatal). */
int	ms_sandbox_enter(struct ms_sandbox *sb);

#endif /* MS_SANDBOX_H */
