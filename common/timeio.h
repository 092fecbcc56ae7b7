/*
 * timeio.h — the monotonic clock and descriptor I/O bounded by a deadline.
 *
 * One copy for the client, the worker, the monitor and the frame layer.
 * A deadline is an absolute time in milliseconds on ms_now_ms()'s clock;
 * a negative deadline means "no deadline".  Errors are MS_ERR_* codes:
 * MS_ERR_TIMEOUT when the deadline passed, MS_ERR_CONN_CLOSED when the
 * peer is gone (EPIPE), MS_ERR_SYSTEM with errno set for anything else.
 */
#ifndef MS_TIMEIO_H
#define MS_TIMEIO_H

#include <stddef.h>
#include <stdint.h>

struct iovec;

/*
 * Milliseconds / microseconds on CLOCK_MONOTONIC.  That clock cannot fail
 * on a supported system, so there is no error return: should
 * clock_gettime(2) fail all the same, the process aborts rather than run
 * its timeouts on a clock it does not have.
 */
int64_t		ms_now_ms(void);
uint64_t	ms_now_us(void);

/* now + timeout_ms, or -1 (no deadline) when timeout_ms < 0. */
int64_t		ms_deadline_after(int timeout_ms);
/*
 * What is left of a deadline, as a poll(2) timeout: -1 for no deadline,
 * 0 once it has passed, otherwise the milliseconds left (at most INT_MAX).
 */
int		ms_deadline_left(int64_t deadline_ms);

/*
 * Wait until fd is ready for events (POLLIN, POLLOUT) or the deadline
 * passes; EINTR restarts the wait with the time left.  At the deadline
 * the descriptor is still polled once without waiting, so what is already
 * there is taken.  POLLHUP and POLLERR count as ready (the read or write
 * that follows reports them); POLLNVAL is MS_ERR_SYSTEM with EBADF.
 */
int	ms_poll_deadline(int fd, short events, int64_t deadline_ms);

/*
 * Write all of buf (all of iov, which is updated as it goes), waiting in
 * ms_poll_deadline when a non-blocking fd would block.  The send variant
 * is for sockets in the client library, whose caller may not ignore
 * SIGPIPE: it writes with MSG_NOSIGNAL.
 */
int	ms_write_all_deadline(int fd, const void *buf, size_t len,
	    int64_t deadline_ms);
int	ms_writev_all_deadline(int fd, struct iovec *iov, int iovcnt,
	    int64_t deadline_ms);
int	ms_send_all_deadline(int fd, const void *buf, size_t len,
	    int64_t deadline_ms);

#endif /* MS_TIMEIO_H */
