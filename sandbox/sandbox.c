/*
 * sandbox.c — ms_sandbox_prepare() / ms_sandbox_enter(): the order of the
 * confinement steps.  Each step lives in its own file.
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#ifdef MS_SANITIZE
#include <sanitizer/lsan_interface.h>
#endif

#include "errors.h"
#include "log.h"
#include "sandbox_int.h"

/* No worker needs more; a larger value is a configuration mistake. */
#define SANDBOX_MAX_FDS	1024
/* Below the libraries' own data nothing runs; above, no bound at all. */
#define SANDBOX_MIN_DATA	((size_t)1 << 20)
#define SANDBOX_MAX_DATA	((size_t)4 * 1024 * 1024 * 1024)

static void
sandbox_free(struct ms_sandbox *sb)
{
	if (sb == NULL)
		return;
	free(sb->chroot_dir);
	free(sb);
}

struct ms_sandbox *
ms_sandbox_prepare(const struct ms_sandbox_params *p)
{
	struct ms_sandbox *sb = NULL;
	int r;

	if (p == NULL) {
		error_f("no parameters");
		return NULL;
	}
	/* Dropping to root, or to "unchanged" (-1), would drop nothing. */
	if (p->uid == 0 || p->gid == 0 ||
	    p->uid == (uid_t)-1 || p->gid == (gid_t)-1) {
		error_f("refusing uid %u gid %u as sandbox identity",
		    (unsigned)p->uid, (unsigned)p->gid);
		return NULL;
	}
	if (p->max_fds < 1 || p->max_fds > SANDBOX_MAX_FDS) {
		error_f("max_fds %d out of range 1..%d", p->max_fds,
		    SANDBOX_MAX_FDS);
		return NULL;
	}
	if (p->parent < 0) {
		error_f("parent pid %ld", (long)p->parent);
		return NULL;
	}
	if (p->max_data < SANDBOX_MIN_DATA || p->max_data > SANDBOX_MAX_DATA) {
		error_f("max_data %zu out of range %zu..%zu", p->max_data,
		    SANDBOX_MIN_DATA, SANDBOX_MAX_DATA);
		return NULL;
	}
	if ((r = ms_sb_check_chroot_dir(p->chroot_dir)) != 0) {
		error_fr(r, "unusable chroot directory");
		return NULL;
	}
	if ((sb = calloc(1, sizeof(*sb))) == NULL ||
	    (sb->chroot_dir = strdup(p->chroot_dir)) == NULL) {
		r = MS_ERR_ALLOC;
		goto fail;
	}
	sb->uid = p->uid;
	sb->gid = p->gid;
	sb->debug = p->debug != 0;
	sb->max_fds = p->max_fds;
	sb->max_data = p->max_data;
	sb->parent = p->parent;
	sb->report = p->report;
	if (sb->debug)
		logit_f("DEBUG sandbox: forbidden syscalls are only reported");
	return sb;
 fail:
	error_fr(r, "sandbox preparation failed");
	sandbox_free(sb);
	return NULL;
}

int
ms_sandbox_enter(struct ms_sandbox *sb)
{
	int r;

	if (sb == NULL)
		fatal_f("no prepared sandbox: refusing to run unconfined");
	debug_f("entering sandbox: chroot %s uid %u gid %u",
	    sb->chroot_dir, (unsigned)sb->uid, (unsigned)sb->gid);
#ifdef MS_SANITIZE
	/*
	 * LeakSanitizer's exit-time check needs /proc, ptrace and a new
	 * task: none survive the sandbox.  Check now, while we still can;
	 * this also disables the exit-time check.
	 */
	__lsan_do_leak_check();
#endif
	/* Needs /proc and root, so before the chroot and the drop. */
	if ((r = ms_sb_set_oom_score_adj()) != 0)
		fatal_fr(r, "oom_score_adj");
	if ((r = ms_sb_chroot(sb->chroot_dir)) != 0)
		fatal_fr(r, "chroot");
	if ((r = ms_sb_drop_privs(sb->uid, sb->gid)) != 0)
		fatal_fr(r, "privilege drop");
	if ((r = ms_sb_verify_dropped(sb->uid, sb->gid)) != 0)
		fatal_fr(r, "privilege drop verification");
	/* After the uid change, which clears it; prctl is filtered later. */
	if (sb->parent > 0 && (r = ms_sb_set_parent_death(sb->parent)) != 0)
		fatal_fr(r, "tie to the parent");
	if ((r = ms_sb_set_rlimits(sb->max_fds, sb->max_data)) != 0)
		fatal_fr(r, "resource limits");
	if ((r = ms_sb_set_process_flags()) != 0)
		fatal_fr(r, "process flags");
	if (sb->debug && (r = ms_sb_sigsys_install(sb->report)) != 0)
		fatal_fr(r, "SIGSYS handler");
	if ((r = ms_sb_filter_load(sb->debug)) != 0)
		fatal_fr(r, "seccomp filter");
	/* Only memory is released from here on: munmap/brk are allowed. */
	sandbox_free(sb);
	return 0;
}
