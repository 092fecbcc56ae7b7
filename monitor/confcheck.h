/*
 * confcheck.h — the semantic checks of a loaded configuration: what
 * servconf_load() cannot see from the text alone because it depends on the
 * file system.  `metasafed -t` runs them, and so does every start-up, so
 * the daemon refuses exactly what -t reports.
 *
 * Errors are "KEYWORD VALUE: reason" (the syntax errors, with FILE:LINE,
 * come from servconf_load()).  Warnings do not stop the daemon; -t prints
 * them and start-up logs them.
 */
#ifndef MS_CONFCHECK_H
#define MS_CONFCHECK_H

#include <stddef.h>

struct servconf;
struct principals;

/* Which check failed, so start-up can exit with that class's status. */
#define CONFCHECK_FILES		1	/* StrictModes */
#define CONFCHECK_PIDFILE	2
#define CONFCHECK_STORE		3
#define CONFCHECK_CHROOT	4
#define CONFCHECK_LISTEN	5	/* unix: listeners */

/*
 * Everything below, in this order; 0 or the first failure (negative
 * MS_ERR_*, message in err, *whatp the CONFCHECK_* that failed when whatp
 * is not NULL).  config_path is the file the configuration was read from
 * (checked as a trusted file under StrictModes).
 */
int	confcheck_run(const struct servconf *c, const char *config_path,
	    int *whatp, char *err, size_t errlen);

/*
 * StrictModes yes: HostKey, HostKexKey, StoreKey and EtcdKeyFile are
 * private files; the config, AuthorizedPrincipalsFile, TrustedUserCAFile,
 * RevocationList, HostCertificate, WorkerPath, CredentialsFile, EtcdCAFile
 * and EtcdCertFile are trusted files (strictmodes.h).
 * Nothing is checked with StrictModes no.
 */
int	confcheck_strict_modes(const struct servconf *c,
	    const char *config_path, char *err, size_t errlen);

/*
 * StoreDirectory: when it exists, a directory owned by root with no
 * group or other permission bits, and data.mdb, lock.mdb and
 * metasafed.lock, where present, regular files owned by root with no
 * group or other bits; when it does not exist, its parent must be a
 * directory (the daemon creates only the last component).
 */
int	confcheck_store_dir(const char *dir, char *err, size_t errlen);

/*
 * PrivsepChroot: when it exists, an empty directory owned by root and not
 * group or other writable; otherwise the nearest existing ancestor must be
 * a directory in which it can be created.
 */
int	confcheck_chroot(const char *dir, char *err, size_t errlen);

/* PidFile: its directory exists; the file, if present, is not a directory. */
int	confcheck_pidfile(const char *path, char *err, size_t errlen);

/*
 * Warnings, each passed to fn as one line without a trailing newline:
 *   "AdminPrincipals: NAME is not in AuthorizedPrincipalsFile and no
 *    TrustedUserCAFile is configured"
 * for an admin name that nothing can log in as (with a TrustedUserCAFile
 * any name can come from a certificate, so there is no warning then), and
 * SANDBOX_DEBUG_WARNING with SandboxDebug yes.
 * Returns the number of warnings.
 */
#define SANDBOX_DEBUG_WARNING "SandboxDebug yes: a forbidden system call " \
	"in a worker is reported instead of killing it; the sandbox is " \
	"weakened, never use this in production"
typedef void confcheck_warn_fn(const char *msg, void *arg);
int	confcheck_warnings(const struct servconf *c,
	    const struct principals *p, confcheck_warn_fn *fn, void *arg);

#endif /* MS_CONFCHECK_H */
