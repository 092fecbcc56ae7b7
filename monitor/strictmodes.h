/*
 * strictmodes.h — ownership and permission checks on the files the daemon
 * trusts (StrictModes, as sshd's; see SECURITY.md "File permissions").
 *
 * A directory on the way to a checked file, from its parent up to "/", is
 * acceptable when it is owned by root and not writable by group or others,
 * or owned by root with the sticky bit set (like /tmp).  The file itself:
 *   SM_PRIVATE  (HostKey, HostKexKey, StoreKey): a regular file owned by
 *               root with no group or other permission bits at all;
 *   SM_TRUSTED  (the config, AuthorizedPrincipalsFile, TrustedUserCAFile,
 *               RevocationList, HostCertificate, WorkerPath): a regular
 *               file owned by root, not writable by group or others.
 * Symbolic links are followed (realpath); every link met on the way must
 * itself be owned by root and sit in an acceptable directory, and the
 * resolved path is checked component by component.
 *
 * Messages name the keyword and the path as configured, e.g.
 *   "HostKey /etc/metasafe/host_sig_key: bad ownership or modes (0644,
 *    owner uid 1000): must be owned by root and not accessible by group or
 *    others"
 */
#ifndef MS_STRICTMODES_H
#define MS_STRICTMODES_H

#include <stddef.h>
#include <sys/types.h>

#define SM_TRUSTED	1
#define SM_PRIVATE	2

/*
 * 0 when path passes; otherwise a negative MS_ERR_* code with
 * "KEYWORD PATH: reason" in err.  keyword may be NULL (then "PATH: ...").
 */
int	strictmodes_check(const char *keyword, const char *path, int kind,
	    char *err, size_t errlen);

/* 1 when a directory with this owner and mode is acceptable on a path. */
int	strictmodes_dir_ok(uid_t uid, mode_t mode);

#endif /* MS_STRICTMODES_H */
