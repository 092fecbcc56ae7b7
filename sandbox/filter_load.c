/*
 * filter_load.c — install the worker's seccomp program.  The program was
 * compiled from seccomp_filter.c's allowlist at build time (bpfgen.c), so
 * loading it is one system call: no libseccomp, no compilation per worker.
 */
#include <sys/types.h>
#include <sys/syscall.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "log.h"
#include "sandbox_int.h"

int
ms_sb_filter_load(int debug)
{
	struct sock_fprog prog;
	size_t len = debug ? ms_sb_bpf_trap_len : ms_sb_bpf_kill_len;
	long rc;

	if (len == 0 || len > BPF_MAXINSNS) {
		error_f("generated filter has %zu instructions", len);
		return MS_ERR_INTERNAL;
	}
	memset(&prog, 0, sizeof(prog));
	prog.len = (unsigned short)len;
	/* The kernel copies the program and never writes through it. */
	prog.filter = (struct sock_filter *)(debug ? ms_sb_bpf_trap :
	    ms_sb_bpf_kill);
	/*
	 * TSYNC: every thread of the process gets the filter, or the call
	 * fails; the kernel then names (returns) a thread it could not
	 * synchronise.  no_new_privs is already set (limits.c).
	 */
	rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
	    SECCOMP_FILTER_FLAG_TSYNC, &prog);
	if (rc == 0)
		return 0;
	if (rc > 0)
		error_f("seccomp: thread %ld cannot be synchronised", rc);
	else
		error_f("seccomp: %s", strerror(errno));
	return MS_ERR_SYSTEM;
}
