/*
 * limits.c — resource limits and process flags of a confined worker.
 */
#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <errno.h>
#include <string.h>

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
 * Second line of defence behind seccomp, effective even if the filter had
 * a hole: no new descriptors beyond those already open, no processes,
 * no file growth, no core file that could hold session keys.
 */
int
ms_sb_set_rlimits(int max_fds)
{
	int r;

	if ((r = set_limit(RLIMIT_NOFILE, "NOFILE", (rlim_t)max_fds)) != 0 ||
	    (r = set_limit(RLIMIT_NPROC, "NPROC", 0)) != 0 ||
	    (r = set_limit(RLIMIT_FSIZE, "FSIZE", 0)) != 0 ||
	    (r = set_limit(RLIMIT_CORE, "CORE", 0)) != 0)
		return r;
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
