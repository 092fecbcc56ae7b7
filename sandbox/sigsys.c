/*
 * sigsys.c — debug mode: report forbidden syscalls instead of dying.
 *
 * In debug mode the filter's default action is SCMP_ACT_TRAP: the kernel
 * sends SIGSYS with the syscall number in si_syscall.  The handler reports
 * it and makes the call return -ENOSYS, so a developer sees every missing
 * entry of the allowlist in one run.
 *
 * Naming: the number -> name table of the native architecture is
 * generated at build time (bpfgen.c, from libseccomp's table), so the
 * handler only indexes constant data: no allocation, nothing to prepare.
 */
#include <sys/types.h>
#include <sys/ucontext.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "log.h"
#include "sandbox_int.h"

static void (*sigsys_report)(const char *, long);

static void
put(const char *s)
{
	size_t len = strlen(s);
	ssize_t n;

	while (len > 0) {
		if ((n = write(STDERR_FILENO, s, len)) <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

/* Default reporter: only write(2), no stdio, no allocation. */
static void
report_stderr(const char *name, long nr)
{
	char num[24], *cp = num + sizeof(num);
	unsigned long v = nr < 0 ? 0UL - (unsigned long)nr : (unsigned long)nr;

	*--cp = '\0';
	do {
		*--cp = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0 && cp > num + 1);
	if (nr < 0)
		*--cp = '-';
	put("sandbox: trapped syscall ");
	put(name != NULL ? name : "?");
	put(" (");
	put(cp);
	put(")\n");
}

static void
sigsys_handler(int sig, siginfo_t *si, void *vctx)
{
	ucontext_t *uc = vctx;
	int saved_errno = errno;
	long nr = si->si_syscall;
	const char *name = NULL;

	(void)sig;
	if (nr >= 0 && nr < MS_SB_NAMES_MAX)
		name = ms_sb_syscall_names[nr];
	if (sigsys_report != NULL)
		sigsys_report(name, nr);
	else
		report_stderr(name, nr);
	/* The trapped call was not executed: make it fail with ENOSYS. */
#if defined(__x86_64__)
	uc->uc_mcontext.gregs[REG_RAX] = -ENOSYS;
#elif defined(__i386__)
	uc->uc_mcontext.gregs[REG_EAX] = -ENOSYS;
#elif defined(__aarch64__)
	uc->uc_mcontext.regs[0] = (unsigned long)-ENOSYS;
#else
	/* Unknown register layout: the call returns its number. */
	(void)uc;
#endif
	errno = saved_errno;
}

int
ms_sb_sigsys_install(void (*report)(const char *, long))
{
	struct sigaction sa;
	sigset_t set;

	sigsys_report = report;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sigsys_handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) == -1) {
		error_f("sigaction SIGSYS: %s", strerror(errno));
		return MS_ERR_SYSTEM;
	}
	/* A blocked SIGSYS from a seccomp trap would kill us instead. */
	sigemptyset(&set);
	sigaddset(&set, SIGSYS);
	if (sigprocmask(SIG_UNBLOCK, &set, NULL) == -1) {
		error_f("sigprocmask: %s", strerror(errno));
		return MS_ERR_SYSTEM;
	}
	return 0;
}
