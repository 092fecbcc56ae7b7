/*
 * instance.c — the StoreDirectory lock (see instance.h).
 */
#include <sys/types.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "instance.h"

int
instance_lock(const char *store_dir, int *fdp, char *err, size_t errlen)
{
	char path[4096], pidbuf[32];
	ssize_t n;
	int fd;

	*fdp = -1;
	if (snprintf(path, sizeof(path), "%s/%s", store_dir,
	    INSTANCE_LOCK_FILE) >= (int)sizeof(path)) {
		snprintf(err, errlen, "StoreDirectory %s: path too long",
		    store_dir);
		return MS_ERR_INVALID_ARGUMENT;
	}
	/* A first start: the store creates the rest of it later. */
	if (mkdir(store_dir, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "StoreDirectory %s: %s", store_dir,
		    strerror(errno));
		return MS_ERR_SYSTEM;
	}
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600)) == -1) {
		snprintf(err, errlen, "lock file %s: %s", path,
		    strerror(errno));
		return MS_ERR_SYSTEM;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK) {
			n = pread(fd, pidbuf, sizeof(pidbuf) - 1, 0);
			pidbuf[n > 0 ? n : 0] = '\0';
			pidbuf[strcspn(pidbuf, "\n")] = '\0';
			snprintf(err, errlen, "StoreDirectory %s is in use by "
			    "another process%s%s%s", store_dir,
			    *pidbuf ? " (pid " : "", pidbuf,
			    *pidbuf ? ")" : "");
			close(fd);
			return MS_ERR_LIMIT;
		}
		snprintf(err, errlen, "lock file %s: %s", path,
		    strerror(errno));
		close(fd);
		return MS_ERR_SYSTEM;
	}
	snprintf(pidbuf, sizeof(pidbuf), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == -1 ||
	    pwrite(fd, pidbuf, strlen(pidbuf), 0) != (ssize_t)strlen(pidbuf)) {
		snprintf(err, errlen, "lock file %s: %s", path,
		    strerror(errno));
		close(fd);
		return MS_ERR_SYSTEM;
	}
	*fdp = fd;
	return 0;
}
