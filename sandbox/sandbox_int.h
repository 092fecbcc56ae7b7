/*
 * sandbox_int.h — shared between the files of sandbox/ only.  Nothing
 * outside sandbox/ includes this; the public API is sandbox.h.
 */
#ifndef MS_SANDBOX_INT_H
#define MS_SANDBOX_INT_H

#include <sys/types.h>

#include <seccomp.h>

#include "sandbox.h"

struct ms_sandbox {
	char		*chroot_dir;
	uid_t		 uid;
	gid_t		 gid;
	int		 debug;
	int		 max_fds;
	size_t		 max_data;
	pid_t		 parent;
	void		(*report)(const char *, long);
	scmp_filter_ctx	 filter;
};

/* privdrop.c */
int	ms_sb_check_chroot_dir(const char *dir);
int	ms_sb_chroot(const char *dir);
int	ms_sb_drop_privs(uid_t uid, gid_t gid);
int	ms_sb_verify_dropped(uid_t uid, gid_t gid);

/* limits.c */
#define MS_SB_OOM_SCORE_ADJ	1000	/* the OOM killer's first choice */
int	ms_sb_set_oom_score_adj(void);
int	ms_sb_set_rlimits(int max_fds, size_t max_data);
int	ms_sb_set_process_flags(void);
int	ms_sb_set_parent_death(pid_t parent);

/* seccomp_filter.c */
int	ms_sb_filter_build(int debug, scmp_filter_ctx *ctxp);
int	ms_sb_filter_load(scmp_filter_ctx ctx);

/* sigsys.c (debug mode) */
int	ms_sb_sigsys_prepare(void);
int	ms_sb_sigsys_install(void (*report)(const char *, long));

#endif /* MS_SANDBOX_INT_H */
