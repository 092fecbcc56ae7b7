/*
 * instance.c — the single-instance lock on the StoreDirectory and the
 * PidFile (see instance.h).
 *
 * flock(2) locks belong to the open file description: they survive fork(),
 * go away when the last descriptor closes (also on a crash), and are not
 * confused with LMDB's own fcntl(2) locks on lock.mdb.
 */
#include <sys/types.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "instance.h"

/* The pid the holder wrote, or 0 when unreadable. */
static long
holder_pid(int fd)
{
	char buf[32];
	const char *errstr;
	ssize_t n;
	long long pid;

	if ((n = pread(fd, buf, sizeof(buf) - 1, 0)) <= 0)
		return 0;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	pid = strtonum(buf, 1, INT_MAX, &errstr);
	return errstr != NULL ? 0 : (long)pid;
}

int
instance_write_pid(int fd)
{
	char buf[32];
	int n;

	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -1;
	if (ftruncate(fd, 0) == -1 ||
	    pwrite(fd, buf, (size_t)n, 0) != (ssize_t)n)
		return -1;
	return 0;
}

/*
 * what: "StoreDirectory DIR" or "PidFile FILE", for the messages; inner:
 * the file's own name when it is not already in 'what'.
 */
static int
lock_file(const char *path, const char *what, const char *inner, int *fdp,
    char *err, size_t errlen)
{
	struct stat st;
	long pid;
	int fd;

	*fdp = -1;
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW |
	    O_NOCTTY, 0600)) == -1) {
		snprintf(err, errlen, "%s: %s%s%s", what, inner ? inner : "",
		    inner ? ": " : "", strerror(errno));
		return -2;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: %s is not a regular file", what,
		    inner ? inner : "it");
		close(fd);
		return -2;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK) {
			if ((pid = holder_pid(fd)) > 0)
				snprintf(err, errlen, "%s is in use by another "
				    "metasafed (pid %ld)", what, pid);
			else
				snprintf(err, errlen, "%s is in use by another "
				    "metasafed", what);
			close(fd);
			return -1;
		}
		snprintf(err, errlen, "%s: cannot lock: %s", what,
		    strerror(errno));
		close(fd);
		return -2;
	}
	if (instance_write_pid(fd) != 0) {
		snprintf(err, errlen, "%s: cannot write the pid: %s", what,
		    strerror(errno));
		close(fd);
		return -2;
	}
	*fdp = fd;
	return 0;
}

int
instance_lock(const char *store_dir, int *fdp, char *err, size_t errlen)
{
	char path[PATH_MAX], what[PATH_MAX + 32];
	int n;

	*fdp = -1;
	snprintf(what, sizeof(what), "StoreDirectory %s", store_dir);
	n = snprintf(path, sizeof(path), "%s/%s", store_dir,
	    MS_INSTANCE_LOCK_NAME);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		snprintf(err, errlen, "%s: path too long", what);
		return -2;
	}
	/* The store would create it anyway (0700); the lock comes first. */
	if (mkdir(store_dir, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", what, strerror(errno));
		return -2;
	}
	return lock_file(path, what, path, fdp, err, errlen);
}

int
pidfile_lock(const char *path, int *fdp, char *err, size_t errlen)
{
	char what[PATH_MAX + 16];

	snprintf(what, sizeof(what), "PidFile %s", path);
	return lock_file(path, what, NULL, fdp, err, errlen);
}
