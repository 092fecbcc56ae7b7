/*
 * listen_unix.c — the Unix-domain listeners (listen_unix.h).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "listen_unix.h"
#include "log.h"
#include "mon.h"
#include "servconf.h"

struct made_socket {
	char	 path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	dev_t	 dev;
	ino_t	 ino;
	pid_t	 owner;
};

static struct made_socket made[SERVCONF_MAX_LISTEN];
static size_t nmade;

static int
fill_addr(const char *path, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlcpy(sun->sun_path, path, sizeof(sun->sun_path)) >=
	    sizeof(sun->sun_path))
		return MS_ERR_INVALID_ARGUMENT;
	return 0;
}

/*
 * A socket file left by a daemon that died is removed; one that answers
 * belongs to a running daemon (or a squatter) and is left alone.
 */
static int
clear_stale(const char *path, const struct sockaddr_un *sun, char *err,
    size_t errlen)
{
	struct stat st;
	int fd, r, saved;

	if (lstat(path, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "ListenAddress unix:%s: %s", path,
		    strerror(errno));
		return MS_ERR_SYSTEM;
	}
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "ListenAddress unix:%s: exists and is "
		    "not a socket", path);
		return MS_ERR_SYSTEM;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		snprintf(err, errlen, "ListenAddress unix:%s: socket: %s",
		    path, strerror(errno));
		return MS_ERR_SYSTEM;
	}
	r = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	saved = errno;
	close(fd);
	if (r == 0) {
		snprintf(err, errlen, "ListenAddress unix:%s: something is "
		    "listening on it already", path);
		return MS_ERR_SYSTEM;
	}
	if (saved != ECONNREFUSED) {
		snprintf(err, errlen, "ListenAddress unix:%s: cannot tell "
		    "whether it is in use: %s", path, strerror(saved));
		return MS_ERR_SYSTEM;
	}
	if (unlink(path) == -1 && errno != ENOENT) {
		snprintf(err, errlen, "ListenAddress unix:%s: cannot remove "
		    "the stale socket: %s", path, strerror(errno));
		return MS_ERR_SYSTEM;
	}
	logit("removed stale socket %s", path);
	return 0;
}

/* A group name, or a number for a group without one. */
static int
group_id(const char *group, gid_t *gidp)
{
	struct group *gr;
	unsigned long v;
	char *end;

	if ((gr = getgrnam(group)) != NULL) {
		*gidp = gr->gr_gid;
		return 0;
	}
	errno = 0;
	v = strtoul(group, &end, 10);
	if (*group < '0' || *group > '9' || *end != '\0' || errno != 0 ||
	    v >= (gid_t)-1)
		return MS_ERR_INVALID_ARGUMENT;
	*gidp = (gid_t)v;
	return 0;
}

static int
check_dir(const char *path, char *err, size_t errlen)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)], *slash;
	struct stat st;

	strlcpy(dir, path, sizeof(dir));
	if ((slash = strrchr(dir, '/')) == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &st) == -1) {
		snprintf(err, errlen, "ListenAddress unix:%s: directory %s: "
		    "%s", path, dir, strerror(errno));
		return MS_ERR_SYSTEM;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "ListenAddress unix:%s: %s is not a "
		    "directory", path, dir);
		return MS_ERR_SYSTEM;
	}
	return 0;
}

int
listen_unix_check(const struct servconf *c, char *err, size_t errlen)
{
	const char *a;
	size_t i, plen = strlen(SERVCONF_UNIX_PREFIX);
	gid_t gid;
	int r, any = 0;

	for (i = 0; i < c->nlisten; i++) {
		a = c->listen_addrs[i];
		if (strncmp(a, SERVCONF_UNIX_PREFIX, plen) != 0)
			continue;
		any = 1;
		if ((r = check_dir(a + plen, err, errlen)) != 0)
			return r;
	}
	if (any && c->unix_socket_group != NULL &&
	    group_id(c->unix_socket_group, &gid) != 0) {
		snprintf(err, errlen, "UnixSocketGroup %s: no such group",
		    c->unix_socket_group);
		return MS_ERR_INVALID_ARGUMENT;
	}
	return 0;
}

/* Bound at mode 0 (umask 0777): nobody but root may connect yet. */
static int
bind_closed(int fd, const char *path, const struct sockaddr_un *sun,
    char *err, size_t errlen)
{
	mode_t old;
	int r, saved;

	old = umask(0777);
	r = bind(fd, (const struct sockaddr *)sun, sizeof(*sun));
	saved = errno;
	umask(old);
	if (r == -1) {
		snprintf(err, errlen, "ListenAddress unix:%s: cannot bind: %s",
		    path, strerror(saved));
		return MS_ERR_SYSTEM;
	}
	return 0;
}

static int
set_owner_mode(const char *path, int mode, const char *group, char *err,
    size_t errlen)
{
	gid_t gid;

	if (group != NULL) {
		if (group_id(group, &gid) != 0) {
			snprintf(err, errlen, "UnixSocketGroup %s: no such "
			    "group", group);
			return MS_ERR_INVALID_ARGUMENT;
		}
		if (chown(path, (uid_t)-1, gid) == -1) {
			snprintf(err, errlen, "ListenAddress unix:%s: chown: "
			    "%s", path, strerror(errno));
			return MS_ERR_SYSTEM;
		}
	}
	if (chmod(path, (mode_t)mode) == -1) {
		snprintf(err, errlen, "ListenAddress unix:%s: chmod: %s",
		    path, strerror(errno));
		return MS_ERR_SYSTEM;
	}
	return 0;
}

static void
remember(const char *path)
{
	struct stat st;

	if (nmade >= SERVCONF_MAX_LISTEN || lstat(path, &st) == -1)
		return;
	strlcpy(made[nmade].path, path, sizeof(made[nmade].path));
	made[nmade].dev = st.st_dev;
	made[nmade].ino = st.st_ino;
	made[nmade].owner = getpid();
	nmade++;
}

int
listen_unix_open(const char *path, int mode, const char *group, int *fdp,
    char *err, size_t errlen)
{
	struct sockaddr_un sun;
	int fd = -1, r;

	*fdp = -1;
	if (fill_addr(path, &sun) != 0) {
		snprintf(err, errlen, "ListenAddress unix:%s: path too long",
		    path);
		return MS_ERR_INVALID_ARGUMENT;
	}
	if ((r = clear_stale(path, &sun, err, errlen)) != 0)
		return r;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1) {
		snprintf(err, errlen, "ListenAddress unix:%s: socket: %s",
		    path, strerror(errno));
		return MS_ERR_SYSTEM;
	}
	if ((r = bind_closed(fd, path, &sun, err, errlen)) != 0) {
		close(fd);
		return r;
	}
	remember(path);
	if ((r = set_owner_mode(path, mode, group, err, errlen)) != 0)
		goto fail;
	if (listen(fd, 128) == -1) {
		snprintf(err, errlen, "ListenAddress unix:%s: cannot listen: "
		    "%s", path, strerror(errno));
		r = MS_ERR_SYSTEM;
		goto fail;
	}
	logit("listening on unix:%s (mode %04o%s%s)", path, (unsigned)mode,
	    group != NULL ? ", group " : "", group != NULL ? group : "");
	*fdp = fd;
	return 0;
 fail:
	close(fd);
	listen_unix_cleanup();
	return r;
}

int
listen_unix_peercred(int fd, struct mon_peercred *pc, char *src,
    size_t srclen, char *peer, size_t peerlen)
{
	struct ucred uc;
	socklen_t len = sizeof(uc);

	memset(pc, 0, sizeof(*pc));
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) == -1 ||
	    len != sizeof(uc)) {
		error("unix: peer: SO_PEERCRED: %s", strerror(errno));
		return -1;
	}
	pc->set = 1;
	pc->uid = (uint32_t)uc.uid;
	pc->gid = (uint32_t)uc.gid;
	pc->pid = (int32_t)uc.pid;
	snprintf(src, srclen, "uid:%lu", (u_long)uc.uid);
	strlcpy(peer, "unix", peerlen);
	return 0;
}

void
listen_unix_cleanup(void)
{
	struct stat st;
	size_t i;

	for (i = 0; i < nmade; i++) {
		if (made[i].owner != getpid())
			continue;
		/* Only our own socket: a successor's is not ours to remove. */
		if (lstat(made[i].path, &st) == 0 && S_ISSOCK(st.st_mode) &&
		    st.st_dev == made[i].dev && st.st_ino == made[i].ino)
			(void)unlink(made[i].path);
	}
	nmade = 0;
}
