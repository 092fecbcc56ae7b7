/*
 * sandbox_int.h — shared between the files of sandbox/ only.  Nothing
 * outside sandbox/ includes this; the public API is sandbox.h.
 */
#ifndef MS_SANDBOX_INT_H
#define MS_SANDBOX_INT_H

#include <sys/types.h>

#include <linux/filter.h>
#include <stddef.h>

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

/*
 * Generated at build time by bpfgen.c from seccomp_filter.c's allowlist
 * ($(BUILD)/gen/sandbox_bpf.c): the production program (default action
 * kill), the debug one (trap), and the native architecture's syscall
 * names for the debug reports, indexed by number (NULL: unknown).
 */
#define MS_SB_NAMES_MAX	1024	/* above every 64-bit Linux syscall number */
extern const struct sock_filter	 ms_sb_bpf_kill[];
extern const size_t		 ms_sb_bpf_kill_len;
extern const struct sock_filter	 ms_sb_bpf_trap[];
extern const size_t		 ms_sb_bpf_trap_len;
extern const char *const	 ms_sb_syscall_names[MS_SB_NAMES_MAX];

/* filter_load.c */
int	ms_sb_filter_load(int debug);

/* sigsys.c (debug mode) */
int	ms_sb_sigsys_install(void (*report)(const char *, long));

#endif /* MS_SANDBOX_INT_H */
