/*
 * slowsync.c — an LD_PRELOAD shim for regress tests: fdatasync() and
 * fsync() of a store's data file (a descriptor whose path ends in
 * "/data.mdb") stall while the file $SLOWSYNC_STALL exists, creating
 * "$SLOWSYNC_STALL.hit" first so that a test knows a commit is stuck, and
 * fail with EIO while the file $SLOWSYNC_FAIL exists.  Lets a test hold a
 * commit on the disk, or fail its sync, under a running metasafed.  A
 * stall ends on its own after two minutes, so a broken test cannot hang.
 */
#define _GNU_SOURCE
#include <sys/types.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define STALL_MAX_TICKS	12000	/* of 10 ms */

static int
is_data_file(int fd)
{
	static const char want[] = "/data.mdb";
	char link[64], path[4096];
	size_t len = strlen(want);
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if ((n = readlink(link, path, sizeof(path) - 1)) <= 0)
		return 0;
	path[n] = '\0';
	return (size_t)n >= len && strcmp(path + n - len, want) == 0;
}

static int
exists(const char *env)
{
	const char *p = getenv(env);

	return p != NULL && access(p, F_OK) == 0;
}

static void
stall(void)
{
	const char *p = getenv("SLOWSYNC_STALL");
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	char hit[4096];
	int fd, i;

	if (p == NULL || snprintf(hit, sizeof(hit), "%s.hit", p) >=
	    (int)sizeof(hit))
		return;
	if ((fd = open(hit, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) != -1)
		close(fd);
	for (i = 0; i < STALL_MAX_TICKS && access(p, F_OK) == 0; i++)
		nanosleep(&tick, NULL);
}

/* 0: go on with the real call; -1: fail it (errno set). */
static int
injected(int fd)
{
	int saved = errno;

	if (!is_data_file(fd))
		goto pass;
	if (exists("SLOWSYNC_FAIL")) {
		errno = EIO;
		return -1;
	}
	if (exists("SLOWSYNC_STALL"))
		stall();
 pass:
	errno = saved;
	return 0;
}

typedef int (*sync_fn)(int);

int
fdatasync(int fd)
{
	sync_fn real = (sync_fn)dlsym(RTLD_NEXT, "fdatasync");

	if (injected(fd) != 0)
		return -1;
	return real(fd);
}

int
fsync(int fd)
{
	sync_fn real = (sync_fn)dlsym(RTLD_NEXT, "fsync");

	if (injected(fd) != 0)
		return -1;
	return real(fd);
}
