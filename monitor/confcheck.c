/*
 * confcheck.c — file-system checks of a loaded configuration, shared by
 * `metasafed -t` and start-up (see confcheck.h).
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "confcheck.h"
#include "listen_unix.h"
#include "credmap.h"
#include "errors.h"
#include "fdlimit.h"
#include "principals.h"
#include "servconf.h"
#include "strictmodes.h"

static int __attribute__((format(printf, 3, 4)))
cc_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return MS_ERR_INVALID_ARGUMENT;
}

/* In place: "/a/b" -> "/a", "/a" -> "/", "a" -> "."; trailing '/' ignored. */
static void
cut_last(char *p)
{
	size_t len = strlen(p);
	char *slash;

	while (len > 1 && p[len - 1] == '/')
		p[--len] = '\0';
	if ((slash = strrchr(p, '/')) == NULL)
		strlcpy(p, ".", 2);
	else if (slash == p)
		p[1] = '\0';
	else
		*slash = '\0';
}

static int
dir_of(const char *path, char *out, size_t outlen)
{
	if (outlen < 2 || strlcpy(out, path, outlen) >= outlen)
		return -1;
	cut_last(out);
	return 0;
}

int
confcheck_strict_modes(const struct servconf *c, const char *config_path,
    char *err, size_t errlen)
{
	const struct {
		const char	*kw;
		const char	*path;
		int		 kind;
	} files[] = {
		{ NULL, config_path, SM_TRUSTED },
		{ "HostKexKey", c->host_kex_key_file, SM_PRIVATE },
		{ "AuthorizedPrincipalsFile", c->principals_file, SM_TRUSTED },
		{ "TrustedUserCAFile", c->trusted_user_ca_file, SM_TRUSTED },
		{ "RevocationList", c->revocation_list, SM_TRUSTED },
		{ "HostCertificate", c->host_certificate, SM_TRUSTED },
		{ "WorkerPath", c->worker_path, SM_TRUSTED },
		{ "CredentialsFile", c->credentials_file, SM_TRUSTED },
		{ "EtcdCAFile", c->etcd_ca_file, SM_TRUSTED },
		{ "EtcdCertFile", c->etcd_cert_file, SM_TRUSTED },
		{ "EtcdKeyFile", c->etcd_key_file, SM_PRIVATE },
	};
	size_t i;
	int r;

	if (!c->strict_modes)
		return 0;
	for (i = 0; i < c->nhost_keys; i++)
		if ((r = strictmodes_check("HostKey", c->host_key_files[i],
		    SM_PRIVATE, err, errlen)) != 0)
			return r;
	for (i = 0; i < c->nstore_keys; i++)
		if ((r = strictmodes_check("StoreKey", c->store_key_files[i],
		    SM_PRIVATE, err, errlen)) != 0)
			return r;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (files[i].path == NULL)
			continue;
		if ((r = strictmodes_check(files[i].kw, files[i].path,
		    files[i].kind, err, errlen)) != 0)
			return r;
	}
	return 0;
}

/* One LMDB (or lock) file of the store, when it exists. */
static int
check_store_file(const char *dir, const char *name, char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct stat st;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return cc_error(err, errlen, "StoreDirectory %s: path too "
		    "long", dir);
	if (lstat(path, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		return cc_error(err, errlen, "StoreDirectory %s: %s: %s", dir,
		    name, strerror(errno));
	}
	if (!S_ISREG(st.st_mode))
		return cc_error(err, errlen, "StoreDirectory %s: %s is not a "
		    "regular file", dir, name);
	if (st.st_uid != 0 || (st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
		return cc_error(err, errlen, "StoreDirectory %s: bad ownership "
		    "or modes for %s (%04o, owner uid %lu): must be owned by "
		    "root and not accessible by group or others (0600)", dir,
		    name, (unsigned)(st.st_mode & 07777),
		    (unsigned long)st.st_uid);
	return 0;
}

int
confcheck_store_dir(const char *dir, char *err, size_t errlen)
{
	static const char *files[] = { "data.mdb", "lock.mdb",
	    "metasafed.lock" };
	char parent[PATH_MAX];
	struct stat st;
	size_t i;
	int r;

	if (stat(dir, &st) == -1) {
		if (errno != ENOENT && errno != ENOTDIR)
			return cc_error(err, errlen, "StoreDirectory %s: %s",
			    dir, strerror(errno));
		/* The store creates the last component only. */
		if (dir_of(dir, parent, sizeof(parent)) != 0)
			return cc_error(err, errlen, "StoreDirectory %s: path "
			    "too long", dir);
		if (stat(parent, &st) == -1)
			return cc_error(err, errlen, "StoreDirectory %s: "
			    "parent directory %s: %s", dir, parent,
			    strerror(errno));
		if (!S_ISDIR(st.st_mode))
			return cc_error(err, errlen, "StoreDirectory %s: %s is "
			    "not a directory", dir, parent);
		return 0;
	}
	if (!S_ISDIR(st.st_mode))
		return cc_error(err, errlen, "StoreDirectory %s: not a "
		    "directory", dir);
	if (st.st_uid != 0 || (st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
		return cc_error(err, errlen, "StoreDirectory %s: bad ownership "
		    "or modes (%04o, owner uid %lu): must be owned by root and "
		    "not accessible by group or others (0700)", dir,
		    (unsigned)(st.st_mode & 07777), (unsigned long)st.st_uid);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if ((r = check_store_file(dir, files[i], err, errlen)) != 0)
			return r;
	return 0;
}

/*
 * An existing chroot: a real directory (opened without following a
 * symbolic link), root-owned, not group or world writable, and holding
 * no entry at all (read, not guessed from the link count).
 */
static int
chroot_usable(const char *dir, char *err, size_t errlen)
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	int fd, r = 0;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		if (errno == ENOTDIR || errno == ELOOP)
			return cc_error(err, errlen, "PrivsepChroot %s: not a "
			    "directory%s", dir, errno == ELOOP ?
			    " (a symbolic link)" : "");
		return cc_error(err, errlen, "PrivsepChroot %s: %s", dir,
		    strerror(errno));
	}
	if (fstat(fd, &st) == -1) {
		r = cc_error(err, errlen, "PrivsepChroot %s: %s", dir,
		    strerror(errno));
		close(fd);
		return r;
	}
	if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		close(fd);
		return cc_error(err, errlen, "PrivsepChroot %s: bad ownership "
		    "or modes (%04o, owner uid %lu): must be owned by root and "
		    "not writable by group or others", dir,
		    (unsigned)(st.st_mode & 07777), (unsigned long)st.st_uid);
	}
	if ((d = fdopendir(fd)) == NULL) {
		r = cc_error(err, errlen, "PrivsepChroot %s: %s", dir,
		    strerror(errno));
		close(fd);
		return r;
	}
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		r = cc_error(err, errlen, "PrivsepChroot %s: must be empty, "
		    "but holds \"%s\"", dir, de->d_name);
		break;
	}
	if (r == 0 && errno != 0)
		r = cc_error(err, errlen, "PrivsepChroot %s: %s", dir,
		    strerror(errno));
	closedir(d);
	return r;
}

int
confcheck_chroot(const char *dir, char *err, size_t errlen)
{
	char anc[PATH_MAX];
	struct stat st;

	if (lstat(dir, &st) == 0) {
		if (S_ISLNK(st.st_mode))
			return cc_error(err, errlen, "PrivsepChroot %s: not a "
			    "directory (a symbolic link)", dir);
		return chroot_usable(dir, err, errlen);
	}
	if (errno != ENOENT && errno != ENOTDIR)
		return cc_error(err, errlen, "PrivsepChroot %s: %s", dir,
		    strerror(errno));
	/* Missing: the daemon creates it and its parents. */
	if (strlcpy(anc, dir, sizeof(anc)) >= sizeof(anc))
		return cc_error(err, errlen, "PrivsepChroot %s: path too long",
		    dir);
	for (;;) {
		cut_last(anc);
		if (stat(anc, &st) == 0)
			break;
		if (errno != ENOENT && errno != ENOTDIR)
			return cc_error(err, errlen, "PrivsepChroot %s: %s: %s",
			    dir, anc, strerror(errno));
		if (strcmp(anc, "/") == 0)
			return cc_error(err, errlen, "PrivsepChroot %s: no "
			    "existing parent", dir);
	}
	if (!S_ISDIR(st.st_mode))
		return cc_error(err, errlen, "PrivsepChroot %s: cannot be "
		    "created: %s is not a directory", dir, anc);
	if (access(anc, W_OK | X_OK) != 0)
		return cc_error(err, errlen, "PrivsepChroot %s: cannot be "
		    "created in %s: %s", dir, anc, strerror(errno));
	return 0;
}

int
confcheck_pidfile(const char *path, char *err, size_t errlen)
{
	char dir[PATH_MAX];
	struct stat st;

	if (dir_of(path, dir, sizeof(dir)) != 0)
		return cc_error(err, errlen, "PidFile %s: path too long", path);
	if (stat(dir, &st) == -1)
		return cc_error(err, errlen, "PidFile %s: directory %s: %s",
		    path, dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return cc_error(err, errlen, "PidFile %s: %s is not a "
		    "directory", path, dir);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return cc_error(err, errlen, "PidFile %s: is a directory",
		    path);
	return 0;
}

/* The CredentialsFile parses: -t names its bad line. */
static int
confcheck_credentials(const struct servconf *c, char *err, size_t errlen)
{
	struct credmap m;
	char why[512];
	int r;

	if (c->credentials_file == NULL)
		return 0;
	if ((r = credmap_load(c->credentials_file, &m, why,
	    sizeof(why))) != 0)
		return cc_error(err, errlen, "CredentialsFile %s", why);
	credmap_free(&m);
	return 0;
}

int
confcheck_run(const struct servconf *c, const char *config_path, int *whatp,
    char *err, size_t errlen)
{
	int r, what;

	if ((r = confcheck_strict_modes(c, config_path, err, errlen)) != 0 ||
	    (r = confcheck_credentials(c, err, errlen)) != 0)
		what = CONFCHECK_FILES;
	else if ((r = confcheck_pidfile(c->pid_file, err, errlen)) != 0)
		what = CONFCHECK_PIDFILE;
	else if ((r = confcheck_store_dir(c->store_dir, err, errlen)) != 0)
		what = CONFCHECK_STORE;
	else if ((r = confcheck_chroot(c->privsep_chroot, err, errlen)) != 0)
		what = CONFCHECK_CHROOT;
	else if ((r = listen_unix_check(c, err, errlen)) != 0)
		what = CONFCHECK_LISTEN;
	else
		return 0;
	if (whatp != NULL)
		*whatp = what;
	return r;
}

int
confcheck_warnings(const struct servconf *c, const struct principals *p,
    confcheck_warn_fn *fn, void *arg)
{
	char msg[256];
	size_t i, j;
	int n = 0, found, cap;

	for (i = 0; i < c->nadmins; i++) {
		found = 0;
		for (j = 0; p != NULL && j < p->n && !found; j++)
			found = strcmp(p->v[j].name, c->admins[i]) == 0;
		/* With a CA, any name may come in a certificate. */
		if (found || c->trusted_user_ca_file != NULL)
			continue;
		snprintf(msg, sizeof(msg), "AdminPrincipals: %s is not in "
		    "AuthorizedPrincipalsFile and no TrustedUserCAFile is "
		    "configured", c->admins[i]);
		if (fn != NULL)
			fn(msg, arg);
		n++;
	}
	/* Start-up raises the soft limit to the hard one: that is the cap. */
	if ((cap = fdlimit_sessions_hard()) < c->max_sessions) {
		snprintf(msg, sizeof(msg), "MaxSessions %d exceeds what the "
		    "descriptor limit allows (RLIMIT_NOFILE hard limit, %d "
		    "descriptors each and %d reserved): at most %d sessions "
		    "will be accepted", c->max_sessions, FDS_PER_SESSION,
		    FDS_RESERVED, cap);
		if (fn != NULL)
			fn(msg, arg);
		n++;
	}
	if (c->sandbox_debug == 1) {
		if (fn != NULL)
			fn(SANDBOX_DEBUG_WARNING, arg);
		n++;
	}
	return n;
}
