/*
 * fileio.c — small files that may hold keys: read bounded, write new.
 *
 * Key files are untrusted input: every read is bounded by the caller's
 * maximum.  A file is only ever created (O_EXCL), never overwritten, and
 * it is fsync'd with its directory before the write counts as done.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "keyfile.h"

/*
 * The data is NUL-terminated for the text parsers (not counted in *lenp);
 * a missing file is MS_ERR_NOT_FOUND, a file above maxlen MS_ERR_LIMIT.
 * The buffer may hold a private key: free it with freezero(data, len + 1).
 */
int
ms_file_read_all(const char *path, u_char **datap, size_t *lenp, size_t maxlen)
{
	struct stat st;
	u_char *data = NULL;
	size_t len = 0, alloc = 0;
	ssize_t n;
	int fd, r = MS_ERR_INTERNAL, oerrno;

	*datap = NULL;
	*lenp = 0;
	if (path == NULL || maxlen == 0 || maxlen >= SIZE_MAX - 1)
		return MS_ERR_INVALID_ARGUMENT;
	/* O_NONBLOCK: a FIFO in place of a key must not hang us. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1)
		return errno == ENOENT ? MS_ERR_NOT_FOUND : MS_ERR_SYSTEM;
	if (fstat(fd, &st) == -1) {
		r = MS_ERR_SYSTEM;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		r = MS_ERR_INVALID_ARGUMENT;
		goto out;
	}
	if (st.st_size < 0 || (uintmax_t)st.st_size > maxlen) {
		r = MS_ERR_LIMIT;
		goto out;
	}
	/* One byte beyond fstat's size, to notice a file growing under us. */
	alloc = (size_t)st.st_size + 1;
	if ((data = calloc(1, alloc + 1)) == NULL) {
		r = MS_ERR_ALLOC;
		goto out;
	}
	while (len < alloc) {
		n = read(fd, data + len, alloc - len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			r = MS_ERR_SYSTEM;
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len == alloc) {
		/* Changing while we read: not a file to trust. */
		errno = EAGAIN;
		r = len > maxlen ? MS_ERR_LIMIT : MS_ERR_SYSTEM;
		goto out;
	}
	if (len > maxlen) {
		r = MS_ERR_LIMIT;
		goto out;
	}
	data[len] = '\0';
	*datap = data;
	*lenp = len;
	data = NULL;
	r = 0;
 out:
	oerrno = errno;
	if (data != NULL)
		freezero(data, alloc + 1);
	close(fd);
	errno = oerrno;
	return r;
}

static void
fsync_parent(const char *path)
{
	char dir[PATH_MAX], *slash;
	int dfd;

	if (strlcpy(dir, path, sizeof(dir)) >= sizeof(dir))
		return;
	if ((slash = strrchr(dir, '/')) == NULL)
		strlcpy(dir, ".", sizeof(dir));
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	/* Best effort: the file itself is already durable. */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return;
	(void)fsync(dfd);
	close(dfd);
}

int
ms_file_write_new(const char *path, const void *data, size_t len, mode_t mode)
{
	const u_char *p = data;
	size_t off = 0;
	ssize_t n;
	int fd, oerrno, r = MS_ERR_SYSTEM;

	if (path == NULL || (data == NULL && len != 0))
		return MS_ERR_INVALID_ARGUMENT;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC |
	    O_NOCTTY, mode & 0777);
	if (fd == -1)
		return errno == EEXIST ? MS_ERR_FILE_EXISTS : MS_ERR_SYSTEM;
	/* The umask may have narrowed or the caller may want exactly mode. */
	if (fchmod(fd, mode & 0777) == -1)
		goto fail;
	while (off < len) {
		n = write(fd, p + off, len - off);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)n;
	}
	if (fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fsync_parent(path);
	return 0;
 fail:
	oerrno = errno;
	if (fd != -1)
		close(fd);
	/* We created it with O_EXCL, so it is ours to remove. */
	(void)unlink(path);
	errno = oerrno;
	return r;
}

