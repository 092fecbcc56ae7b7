/*
 * timeio.c — the monotonic clock and descriptor I/O bounded by a deadline.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "errors.h"
#include "timeio.h"

static void
mono_now(struct timespec *ts)
{
	/* Only EFAULT or EINVAL, neither possible here: see timeio.h. */
	if (clock_gettime(CLOCK_MONOTONIC, ts) != 0)
		abort();
}

int64_t
ms_now_ms(void)
{
	struct timespec ts;

	mono_now(&ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint64_t
ms_now_us(void)
{
	struct timespec ts;

	mono_now(&ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

int64_t
ms_deadline_after(int timeout_ms)
{
	if (timeout_ms < 0)
		return -1;
	return ms_now_ms() + timeout_ms;
}

int
ms_deadline_left(int64_t deadline_ms)
{
	int64_t now;

	if (deadline_ms < 0)
		return -1;
	if ((now = ms_now_ms()) >= deadline_ms)
		return 0;
	if (deadline_ms - now > INT_MAX)
		return INT_MAX;
	return (int)(deadline_ms - now);
}

int
ms_poll_deadline(int fd, short events, int64_t deadline_ms)
{
	struct pollfd pfd;
	int n, tmo;

	if (fd < 0)
		return MS_ERR_INVALID_ARGUMENT;
	for (;;) {
		tmo = ms_deadline_left(deadline_ms);
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		if ((n = poll(&pfd, 1, tmo)) == -1) {
			if (errno == EINTR)
				continue;
			return MS_ERR_SYSTEM;
		}
		if (n == 0) {
			if (tmo == 0)
				return MS_ERR_TIMEOUT;
			continue;	/* woke early or clamped: re-check */
		}
		if (pfd.revents & POLLNVAL) {
			errno = EBADF;
			return MS_ERR_SYSTEM;
		}
		return 0;
	}
}

/* One writev(2), or sendmsg(2) with MSG_NOSIGNAL for a library socket. */
static ssize_t
put_some(int fd, struct iovec *iov, int iovcnt, int nosignal)
{
	struct msghdr msg;

	if (!nosignal)
		return writev(fd, iov, iovcnt);
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	msg.msg_iovlen = (size_t)iovcnt;
	return sendmsg(fd, &msg, MSG_NOSIGNAL);
}

static int
put_all(int fd, struct iovec *iov, int iovcnt, int64_t deadline_ms,
    int nosignal)
{
	ssize_t n;
	size_t done;
	int r;

	if (fd < 0 || iovcnt < 0 || (iovcnt > 0 && iov == NULL))
		return MS_ERR_INVALID_ARGUMENT;
	while (iovcnt > 0) {
		if (iov->iov_len == 0) {
			iov++;
			iovcnt--;
			continue;
		}
		if ((n = put_some(fd, iov, iovcnt, nosignal)) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				if ((r = ms_poll_deadline(fd, POLLOUT,
				    deadline_ms)) != 0)
					return r;
				continue;
			}
			if (errno == EPIPE)
				return MS_ERR_CONN_CLOSED;
			return MS_ERR_SYSTEM;
		}
		if (n == 0) {
			/* No progress on a non-empty write: treat as gone. */
			errno = EPIPE;
			return MS_ERR_CONN_CLOSED;
		}
		for (done = (size_t)n; iovcnt > 0 && done >= iov->iov_len;
		    iov++, iovcnt--)
			done -= iov->iov_len;
		if (iovcnt > 0) {
			iov->iov_base = (u_char *)iov->iov_base + done;
			iov->iov_len -= done;
		}
	}
	return 0;
}

int
ms_writev_all_deadline(int fd, struct iovec *iov, int iovcnt,
    int64_t deadline_ms)
{
	return put_all(fd, iov, iovcnt, deadline_ms, 0);
}

static int
put_buf(int fd, const void *buf, size_t len, int64_t deadline_ms,
    int nosignal)
{
	struct iovec iov;

	if (len > 0 && buf == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	iov.iov_base = (void *)(uintptr_t)buf;
	iov.iov_len = len;
	return put_all(fd, &iov, 1, deadline_ms, nosignal);
}

int
ms_write_all_deadline(int fd, const void *buf, size_t len, int64_t deadline_ms)
{
	return put_buf(fd, buf, len, deadline_ms, 0);
}

int
ms_send_all_deadline(int fd, const void *buf, size_t len, int64_t deadline_ms)
{
	return put_buf(fd, buf, len, deadline_ms, 1);
}
