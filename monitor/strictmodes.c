/*
 * strictmodes.c — is a file, and every directory above it, safe to trust?
 *
 * The rules are in strictmodes.h.  Everything is checked with lstat(2) on
 * the path realpath(3) resolved, so a component that turns into a link
 * between the two calls is refused rather than followed.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "strictmodes.h"

static int __attribute__((format(printf, 5, 6)))
sm_error(char *err, size_t errlen, const char *kw, const char *path,
    const char *fmt, ...)
{
	char msg[PATH_MAX + 256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (kw != NULL)
		snprintf(err, errlen, "%s %s: %s", kw, path, msg);
	else
		snprintf(err, errlen, "%s: %s", path, msg);
	return MS_ERR_INVALID_ARGUMENT;
}

int
strictmodes_dir_ok(uid_t uid, mode_t mode)
{
	if (uid != 0)
		return 0;
	return (mode & (S_IWGRP | S_IWOTH)) == 0 || (mode & S_ISVTX) != 0;
}

/* Cut the last component: "/a/b" -> "/a", "/a" -> "/". */
static void
parent_of(char *p)
{
	char *slash = strrchr(p, '/');

	if (slash == NULL || slash == p)
		strlcpy(p, "/", 2);
	else
		*slash = '\0';
}

/* dir (absolute, no links) and each directory above it up to "/". */
static int
check_dirs(const char *kw, const char *path, const char *dir, char *err,
    size_t errlen)
{
	char buf[PATH_MAX];
	struct stat st;

	if (strlcpy(buf, dir, sizeof(buf)) >= sizeof(buf))
		return sm_error(err, errlen, kw, path, "path too long");
	for (;;) {
		if (lstat(buf, &st) == -1)
			return sm_error(err, errlen, kw, path, "directory %s: "
			    "%s", buf, strerror(errno));
		if (!S_ISDIR(st.st_mode))
			return sm_error(err, errlen, kw, path, "%s is not a "
			    "directory", buf);
		if (!strictmodes_dir_ok(st.st_uid, st.st_mode))
			return sm_error(err, errlen, kw, path, "bad ownership "
			    "or modes for directory %s (%04o, owner uid %lu): "
			    "must be owned by root and not writable by group "
			    "or others", buf, (unsigned)(st.st_mode & 07777),
			    (unsigned long)st.st_uid);
		if (strcmp(buf, "/") == 0)
			return 0;
		parent_of(buf);
	}
}

/*
 * Every symbolic link met while walking abs (an absolute path as given)
 * must be root's, and the directory holding it must be safe: whoever can
 * replace a link chooses the file.
 */
static int
check_links(const char *kw, const char *path, const char *abs, char *err,
    size_t errlen)
{
	char prefix[PATH_MAX], dir[PATH_MAX], resolved[PATH_MAX];
	struct stat st;
	size_t i, len = strlen(abs);
	int r;

	if (len >= sizeof(prefix))
		return sm_error(err, errlen, kw, path, "path too long");
	for (i = 1; i <= len; i++) {
		if (i < len && abs[i] != '/')
			continue;
		if (abs[i - 1] == '/')
			continue;	/* "//" */
		memcpy(prefix, abs, i);
		prefix[i] = '\0';
		if (lstat(prefix, &st) == -1)
			return sm_error(err, errlen, kw, path, "%s: %s",
			    prefix, strerror(errno));
		if (!S_ISLNK(st.st_mode))
			continue;
		if (st.st_uid != 0)
			return sm_error(err, errlen, kw, path, "symbolic link "
			    "%s is owned by uid %lu, not root", prefix,
			    (unsigned long)st.st_uid);
		strlcpy(dir, prefix, sizeof(dir));
		parent_of(dir);
		if (realpath(dir, resolved) == NULL)
			return sm_error(err, errlen, kw, path, "%s: %s", dir,
			    strerror(errno));
		if ((r = check_dirs(kw, path, resolved, err, errlen)) != 0)
			return r;
	}
	return 0;
}

int
strictmodes_check(const char *kw, const char *path, int kind, char *err,
    size_t errlen)
{
	char abs[PATH_MAX], resolved[PATH_MAX], dir[PATH_MAX];
	struct stat st;
	mode_t bad;
	int r;

	if (path == NULL || *path == '\0' ||
	    (kind != SM_TRUSTED && kind != SM_PRIVATE))
		return MS_ERR_INVALID_ARGUMENT;
	if (path[0] == '/') {
		if (strlcpy(abs, path, sizeof(abs)) >= sizeof(abs))
			return sm_error(err, errlen, kw, path, "path too long");
	} else {
		if (getcwd(dir, sizeof(dir)) == NULL)
			return sm_error(err, errlen, kw, path, "current "
			    "directory: %s", strerror(errno));
		if ((size_t)snprintf(abs, sizeof(abs), "%s/%s",
		    strcmp(dir, "/") == 0 ? "" : dir, path) >= sizeof(abs))
			return sm_error(err, errlen, kw, path, "path too long");
	}
	if (realpath(abs, resolved) == NULL)
		return sm_error(err, errlen, kw, path, "%s", strerror(errno));
	if (lstat(resolved, &st) == -1)
		return sm_error(err, errlen, kw, path, "%s", strerror(errno));
	if (!S_ISREG(st.st_mode))
		return sm_error(err, errlen, kw, path, "not a regular file");
	bad = kind == SM_PRIVATE ? (S_IRWXG | S_IRWXO) : (S_IWGRP | S_IWOTH);
	if (st.st_uid != 0 || (st.st_mode & bad) != 0)
		return sm_error(err, errlen, kw, path, "bad ownership or modes "
		    "(%04o, owner uid %lu): must be owned by root and not %s "
		    "by group or others", (unsigned)(st.st_mode & 07777),
		    (unsigned long)st.st_uid,
		    kind == SM_PRIVATE ? "accessible" : "writable");
	strlcpy(dir, resolved, sizeof(dir));
	parent_of(dir);
	if ((r = check_dirs(kw, path, dir, err, errlen)) != 0)
		return r;
	return check_links(kw, path, abs, err, errlen);
}
