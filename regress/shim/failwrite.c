/*
 * failwrite.c — an LD_PRELOAD shim for regress tests: writes to a store's
 * data file (a descriptor whose path ends in "/data.mdb") fail with the
 * errno named in the file $FAILWRITE_TRIGGER while that file exists
 * ("ENOSPC", "EIO", "EROFS" or "EACCES").  Lets a test fill the disk or
 * make the file system read-only under a running metasafed without root
 * or a real small file system.  Every other write passes through.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/uio.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct {
	const char	*name;
	int		 err;
} errs[] = {
	{ "ENOSPC", ENOSPC },
	{ "EIO", EIO },
	{ "EROFS", EROFS },
	{ "EACCES", EACCES },
};

/* The errno to fail fd's write with, or 0 to let it through. */
static int
injected(int fd)
{
	static const char want[] = "/data.mdb";
	const char *trigger;
	char link[64], path[4096], name[16];
	ssize_t n;
	size_t i, len;
	int tfd, saved = errno;

	if ((trigger = getenv("FAILWRITE_TRIGGER")) == NULL)
		return 0;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if ((n = readlink(link, path, sizeof(path) - 1)) <= 0)
		goto pass;
	path[n] = '\0';
	len = strlen(want);
	if ((size_t)n < len || strcmp(path + n - len, want) != 0)
		goto pass;
	if ((tfd = open(trigger, O_RDONLY | O_CLOEXEC)) == -1)
		goto pass;
	n = read(tfd, name, sizeof(name) - 1);
	close(tfd);
	if (n <= 0)
		goto pass;
	name[n] = '\0';
	name[strcspn(name, "\n")] = '\0';
	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		if (strcmp(name, errs[i].name) == 0)
			return errs[i].err;
	}
 pass:
	errno = saved;
	return 0;
}

#define REAL(name, type) \
	static type real_##name; \
	if (real_##name == NULL) \
		real_##name = (type)dlsym(RTLD_NEXT, #name)

#define FAIL_IF_INJECTED(fd) do { \
	int e_ = injected(fd); \
	if (e_ != 0) { \
		errno = e_; \
		return -1; \
	} \
} while (0)

typedef ssize_t (*write_fn)(int, const void *, size_t);
typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);
typedef ssize_t (*writev_fn)(int, const struct iovec *, int);
typedef ssize_t (*pwritev_fn)(int, const struct iovec *, int, off_t);

ssize_t
write(int fd, const void *buf, size_t len)
{
	REAL(write, write_fn);
	FAIL_IF_INJECTED(fd);
	return real_write(fd, buf, len);
}

ssize_t
pwrite(int fd, const void *buf, size_t len, off_t off)
{
	REAL(pwrite, pwrite_fn);
	FAIL_IF_INJECTED(fd);
	return real_pwrite(fd, buf, len, off);
}

ssize_t
pwrite64(int fd, const void *buf, size_t len, off_t off)
{
	REAL(pwrite64, pwrite_fn);
	FAIL_IF_INJECTED(fd);
	return real_pwrite64(fd, buf, len, off);
}

ssize_t
writev(int fd, const struct iovec *iov, int n)
{
	REAL(writev, writev_fn);
	FAIL_IF_INJECTED(fd);
	return real_writev(fd, iov, n);
}

ssize_t
pwritev(int fd, const struct iovec *iov, int n, off_t off)
{
	REAL(pwritev, pwritev_fn);
	FAIL_IF_INJECTED(fd);
	return real_pwritev(fd, iov, n, off);
}

ssize_t
pwritev64(int fd, const struct iovec *iov, int n, off_t off)
{
	REAL(pwritev64, pwritev_fn);
	FAIL_IF_INJECTED(fd);
	return real_pwritev64(fd, iov, n, off);
}
