/*
 * fdpass.c — SCM_RIGHTS send and receive; see fdpass.h.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "fdpass.h"

/* Room for more than one descriptor, so that extra ones can be seen. */
#define FDPASS_MAX_SEEN	4

int
ms_fd_send(int sock, const void *p, size_t len, int fd)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	} cm;
	struct msghdr msg;
	struct cmsghdr *c;
	struct iovec iov;
	ssize_t n;

	if (len == 0 || fd < 0)
		return MS_ERR_INVALID_ARGUMENT;
	memset(&msg, 0, sizeof(msg));
	memset(&cm, 0, sizeof(cm));
	iov.iov_base = (void *)(uintptr_t)p;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cm.buf;
	msg.msg_controllen = sizeof(cm.buf);
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	do {
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	} while (n == -1 && errno == EINTR);
	if (n == -1)
		return MS_ERR_SYSTEM;
	if ((size_t)n != len) {
		errno = EAGAIN;
		return MS_ERR_SYSTEM;
	}
	return 0;
}

/* Close every descriptor in the control data; how many there were. */
static size_t
close_passed(struct msghdr *msg)
{
	struct cmsghdr *c;
	size_t i, n, total = 0;
	int fd;

	for (c = CMSG_FIRSTHDR(msg); c != NULL; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
		    c->cmsg_len < CMSG_LEN(0))
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			(void)close(fd);
		}
		total += n;
	}
	return total;
}

/* Exactly one control message, SCM_RIGHTS, with exactly one descriptor. */
static int
one_fd(struct msghdr *msg, int *fdp)
{
	struct cmsghdr *c;

	if ((msg->msg_flags & MSG_CTRUNC) != 0 ||
	    (c = CMSG_FIRSTHDR(msg)) == NULL ||
	    CMSG_NXTHDR(msg, c) != NULL ||
	    c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int)))
		return 0;
	memcpy(fdp, CMSG_DATA(c), sizeof(*fdp));
	return *fdp >= 0;
}

int
ms_fd_recv(int sock, void *p, size_t len, size_t *nread, int *fdp)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(FDPASS_MAX_SEEN * sizeof(int))];
	} cm;
	struct msghdr msg;
	struct iovec iov;
	ssize_t n;

	*nread = 0;
	*fdp = -1;
	memset(&msg, 0, sizeof(msg));
	memset(&cm, 0, sizeof(cm));
	iov.iov_base = p;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cm.buf;
	msg.msg_controllen = sizeof(cm.buf);
	do {
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	} while (n == -1 && errno == EINTR);
	if (n == -1)
		return MS_ERR_SYSTEM;
	if (!one_fd(&msg, fdp)) {
		*fdp = -1;
		(void)close_passed(&msg);
		return n == 0 ? MS_ERR_CONN_CLOSED : MS_ERR_PROTOCOL;
	}
	if (n == 0) {
		(void)close(*fdp);
		*fdp = -1;
		return MS_ERR_CONN_CLOSED;
	}
	*nread = (size_t)n;
	return 0;
}
