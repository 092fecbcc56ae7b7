/*
 * limits.c — resource limits and process flags of a confined worker.
 */
#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "log.h"
#include "sandbox_int.h"

static int
set_limit(int resource, const char *name, rlim_t value)
{
	struct rlimit rl;

	/* Hard limit too: an unprivileged process cannot raise it again. */
	rl.rlim_cur = rl.rlim_max = value;
	if (setrlimit(resource, &rl) == -1) {
		error_f("setrlimit %s %llu: %s", name,
		    (unsigned long long)value, strerror(errno));
		return MS_ERR_SYSTEM;
	}
	return 0;
}

/*
 * Should the host run out of memory anyway (many workers, each within its
 * RLIMIT_DATA), the kernel kills a worker, which loses one connection,
 * before the monitor, which would lose them all.  Written before the
 * chroot, while /proc is reachable; a confined worker cannot open it to
 * lower the value again.
 */
int
ms_sb_set_oom_score_adj(void)
{
	char want[16], got[16];
	ssize_t n;
	int fd, len;

	len = snprintf(want, sizeof(want), "%d\n", MS_SB_OOM_SCORE_ADJ);
	if ((fd = open("/proc/self/oom_score_adj", O_RDWR | O_CLOEXEC)) == -1) {
		error_f("open /proc/self/oom_score_adj: %s", strerror(errno));
		return MS_ERR_SYSTEM;
	}
	if (write(fd, want, (size_t)len) != len) {
		error_f("write /proc/self/oom_score_adj: %s", strerror(errno));
		close(fd);
		return MS_ERR_SYSTEM;
	}
	/* Read it back: a value the kernel clamped or ignored is a failure. */
	if (lseek(fd, 0, SEEK_SET) != 0 ||
	    (n = read(fd, got, sizeof(got) - 1)) <= 0) {
		error_f("read /proc/self/oom_score_adj: %s", strerror(errno));
		close(fd);
		return MS_ERR_SYSTEM;
	}
	close(fd);
	got[n] = '\0';
	if (strcmp(got, want) != 0) {
		error_f("oom_score_adj is %.*s, wanted %d", (int)strcspn(got,
		    "\n"), got, MS_SB_OOM_SCORE_ADJ);
		return MS_ERR_INTERNAL;
	}
	return 0;
}

/*
 * Second line of defence behind seccomp, effective even if the filter had
 * a hole: no new descriptors beyond those already open, no processes,
 * no file growth, no core file that could hold session keys.  And a
 * memory bound: a worker that allocates without end gets ENOMEM and dies
 * alone instead of starving the host.
 *
 * RLIMIT_DATA, not RLIMIT_AS: it counts what a worker can grow (brk,
 * anonymous and private writable mappings), not the shared libraries'
 * text or the stack reservation, so the bound can be stated in terms of
 * the buffers a request needs.  A sanitizer build cannot have it: ASan
 * maps its shadow memory (terabytes, MAP_NORESERVE, writable) at start-up,
 * which counts as data, so every later allocation would fail.
 */
int
ms_sb_set_rlimits(int max_fds, size_t max_data)
{
	int r;

	if ((r = set_limit(RLIMIT_NOFILE, "NOFILE", (rlim_t)max_fds)) != 0 ||
	    (r = set_limit(RLIMIT_NPROC, "NPROC", 0)) != 0 ||
	    (r = set_limit(RLIMIT_FSIZE, "FSIZE", 0)) != 0 ||
	    (r = set_limit(RLIMIT_CORE, "CORE", 0)) != 0)
		return r;
#ifndef MS_SANITIZE
	if ((r = set_limit(RLIMIT_DATA, "DATA", (rlim_t)max_data)) != 0)
		return r;
#else
	(void)max_data;
#endif
	return 0;
}

/*
 * A worker must not outlive its monitor: without it the worker can do
 * nothing for its client, and it would hold the client's session (and its
 * keys) for as long as the client stays idle.  SIGKILL, not SIGTERM: no
 * handler, no way to ignore it.  The parent may have died before the
 * prctl, when the signal can no longer come: getppid() afterwards tells
 * (the orphan was re-parented to init or a subreaper).
 */
int
ms_sb_set_parent_death(pid_t parent)
{
	int sig = 0;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1) {
		error_f("prctl PR_SET_PDEATHSIG: %s", strerror(errno));
		return MS_ERR_SYSTEM;
	}
	if (prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0) == -1 || sig != SIGKILL) {
		error_f("parent-death signal did not stick");
		return MS_ERR_INTERNAL;
	}
	if (getppid() != parent) {
		error_f("parent %ld is gone (parent now %ld)", (long)parent,
		    (long)getppid());
		return MS_ERR_CONN_CLOSED;
	}
	return 0;
}

int
ms_sb_set_process_flags(void)
{
	/*
	 * Not dumpable: no core, and other processes of the same uid (other
	 * workers) cannot ptrace us or read /proc/self/mem.
	 */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1) {
		error_f("prctl PR_SET_DUMPABLE: %s", strerror(errno));
		return MS_ERR_SYSTEM;
	}
	if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0) {
		error_f("process is still dumpable");
		return MS_ERR_INTERNAL;
	}
	/* Required for an unprivileged seccomp filter; blocks setuid exec. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		error_f("prctl PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
		return MS_ERR_SYSTEM;
	}
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1) {
		error_f("no_new_privs did not stick");
		return MS_ERR_INTERNAL;
	}
	return 0;
}
