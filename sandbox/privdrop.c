/*
 * privdrop.c — chroot and irreversible drop to the worker's uid/gid.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "log.h"
#include "sandbox_int.h"

/*
 * A directory is a safe chroot only if nobody but root can change what it
 * (or any directory on the way to it) contains: otherwise an unprivileged
 * user could plant a setuid-free but still useful tree, or swap the
 * directory between our check and the chroot.  A sticky world-writable
 * ancestor such as /tmp is acceptable: only root can rename the root-owned
 * entries inside it.
 */
static int
check_component(const char *path, int leaf)
{
	struct stat st;

	if (stat(path, &st) == -1) {
		error_f("stat %s: %s", path, strerror(errno));
		return MS_ERR_SYSTEM;
	}
	if (!S_ISDIR(st.st_mode)) {
		error_f("%s is not a directory", path);
		return MS_ERR_INVALID_ARGUMENT;
	}
	if (st.st_uid != 0) {
		error_f("%s is not owned by root", path);
		return MS_ERR_INVALID_ARGUMENT;
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 &&
	    (leaf || (st.st_mode & S_ISVTX) == 0)) {
		error_f("%s is writable by group or other", path);
		return MS_ERR_INVALID_ARGUMENT;
	}
	return 0;
}

/* I5 says "an empty directory": anything inside would be reachable. */
static int
check_empty(const char *dir)
{
	DIR *d;
	struct dirent *de;
	int r = 0;

	if ((d = opendir(dir)) == NULL) {
		error_f("opendir %s: %s", dir, strerror(errno));
		return MS_ERR_SYSTEM;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		error_f("%s is not empty (contains \"%s\")", dir, de->d_name);
		r = MS_ERR_INVALID_ARGUMENT;
		break;
	}
	closedir(d);
	return r;
}

int
ms_sb_check_chroot_dir(const char *dir)
{
	char path[PATH_MAX];
	char *cp;
	int r;

	if (dir == NULL || *dir != '/') {
		error_f("chroot directory must be an absolute path");
		return MS_ERR_INVALID_ARGUMENT;
	}
	if (strlcpy(path, dir, sizeof(path)) >= sizeof(path)) {
		error_f("chroot directory path too long");
		return MS_ERR_INVALID_ARGUMENT;
	}
	/* Walk "/", "/a", "/a/b", ... then the directory itself. */
	if ((r = check_component("/", 0)) != 0)
		return r;
	for (cp = path + 1; (cp = strchr(cp, '/')) != NULL; cp++) {
		*cp = '\0';
		r = check_component(path, 0);
		*cp = '/';
		if (r != 0)
			return r;
	}
	if ((r = check_component(path, 1)) != 0 ||
	    (r = check_empty(path)) != 0)
		return r;
	return 0;
}

int
ms_sb_chroot(const char *dir)
{
	if (chroot(dir) == -1) {
		error_f("chroot %s: %s", dir, strerror(errno));
		return MS_ERR_SYSTEM;
	}
	/* Without this the cwd would still point outside the jail. */
	if (chdir("/") == -1) {
		error_f("chdir /: %s", strerror(errno));
		return MS_ERR_SYSTEM;
	}
	return 0;
}

int
ms_sb_drop_privs(uid_t uid, gid_t gid)
{
	/* Groups first: only root may call setgroups(). */
	if (setgroups(1, &gid) == -1) {
		error_f("setgroups %u: %s", (unsigned)gid, strerror(errno));
		return MS_ERR_SYSTEM;
	}
	if (setresgid(gid, gid, gid) == -1) {
		error_f("setresgid %u: %s", (unsigned)gid, strerror(errno));
		return MS_ERR_SYSTEM;
	}
	if (setresuid(uid, uid, uid) == -1) {
		error_f("setresuid %u: %s", (unsigned)uid, strerror(errno));
		return MS_ERR_SYSTEM;
	}
	return 0;
}

/*
 * Trust nothing: a kernel with odd capability bits (SECBIT_KEEP_CAPS,
 * file caps, a user namespace) could leave a way back.  Actually try.
 */
int
ms_sb_verify_dropped(uid_t uid, gid_t gid)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg, groups[2];
	int ngroups;

	if (setresuid(0, 0, 0) != -1 || setuid(0) != -1 || seteuid(0) != -1) {
		error_f("could regain uid 0 after the drop");
		return MS_ERR_INTERNAL;
	}
	if (setegid(0) != -1 || setgid(0) != -1) {
		error_f("could regain gid 0 after the drop");
		return MS_ERR_INTERNAL;
	}
	if (getresuid(&ru, &eu, &su) == -1 || getresgid(&rg, &eg, &sg) == -1) {
		error_f("getresuid/getresgid: %s", strerror(errno));
		return MS_ERR_SYSTEM;
	}
	if (ru != uid || eu != uid || su != uid) {
		error_f("uids %u/%u/%u, wanted %u", (unsigned)ru,
		    (unsigned)eu, (unsigned)su, (unsigned)uid);
		return MS_ERR_INTERNAL;
	}
	if (rg != gid || eg != gid || sg != gid) {
		error_f("gids %u/%u/%u, wanted %u", (unsigned)rg,
		    (unsigned)eg, (unsigned)sg, (unsigned)gid);
		return MS_ERR_INTERNAL;
	}
	if ((ngroups = getgroups(2, groups)) == -1 || ngroups > 1 ||
	    (ngroups == 1 && groups[0] != gid)) {
		error_f("supplementary groups were not reset");
		return MS_ERR_INTERNAL;
	}
	return 0;
}
