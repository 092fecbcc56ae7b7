/*
 * ticketcache.c — the ResumptionCache file (metasafe_opts.resumption_cache):
 * one exported ticket, mode 0600, owned by the user.
 *
 * A file others could read, or that is not a regular file of ours, is
 * refused rather than used (METASAFE_ERR_CACHE_PERMISSIONS), as for an
 * identity file.  A new ticket is written to a fresh file beside it and
 * renamed over it, so a reader never sees half a ticket.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "metasafe.h"
#include "msclient.h"

static int
cache_perms_ok(int fd)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return METASAFE_ERR_INVALID;
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
		return METASAFE_ERR_CACHE_PERMISSIONS;
	return 0;
}

int
cl_cache_load(const char *path, struct metasafe_ticket **tp)
{
	u_char buf[METASAFE_TICKET_EXPORT_MAX + 1];
	ssize_t n;
	size_t len = 0;
	int fd, r;

	*tp = NULL;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return errno == ENOENT ? 0 : METASAFE_ERR_INVALID;
	if ((r = cache_perms_ok(fd)) != 0) {
		close(fd);
		return r;
	}
	while (len < sizeof(buf) &&
	    (n = read(fd, buf + len, sizeof(buf) - len)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		len += (size_t)n;
	}
	close(fd);
	/* An unreadable or foreign file is no ticket: a full login follows. */
	if (len == 0 || len > METASAFE_TICKET_EXPORT_MAX ||
	    metasafe_ticket_import(buf, len, tp) != 0)
		debug_f("%s holds no usable ticket", path);
	explicit_bzero(buf, sizeof(buf));
	return 0;
}

void
cl_cache_drop(const char *path)
{
	if (unlink(path) != 0 && errno != ENOENT)
		debug_f("cannot remove %s: %s", path, strerror(errno));
}

static int
write_all(int fd, const u_char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
cl_cache_store(const char *path, const struct metasafe_ticket *t)
{
	u_char buf[METASAFE_TICKET_EXPORT_MAX];
	char tmp[PATH_MAX];
	size_t len;
	mode_t old;
	int fd, r;

	if ((r = metasafe_ticket_export(t, buf, sizeof(buf), &len)) != 0)
		return r;
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
		explicit_bzero(buf, sizeof(buf));
		return METASAFE_ERR_INVALID;
	}
	old = umask(077);
	fd = mkstemp(tmp);
	umask(old);
	if (fd == -1) {
		explicit_bzero(buf, sizeof(buf));
		return METASAFE_ERR_INVALID;
	}
	r = fchmod(fd, 0600) != 0 || write_all(fd, buf, len) != 0 ||
	    fsync(fd) != 0;
	explicit_bzero(buf, sizeof(buf));
	if (close(fd) != 0 || r != 0 || rename(tmp, path) != 0) {
		(void)unlink(tmp);
		return METASAFE_ERR_INVALID;
	}
	return 0;
}
