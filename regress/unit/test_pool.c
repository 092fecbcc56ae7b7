/*
 * test_pool.c — the worker pool (monitor/pool.c): how many workers to
 * start, and the HANDOFF as a worker receives it (common/fdpass.c,
 * common/msg_config.c).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "errors.h"
#include "fdpass.h"
#include "frame.h"
#include "msg_config.h"
#include "monitor/pool.h"
#include "proto.h"

static size_t
want(int size, int max, int fds, size_t sessions, size_t pooled)
{
	struct pool_counts c;

	memset(&c, 0, sizeof(c));
	c.pool_size = size;
	c.max_sessions = max;
	c.fd_sessions = fds;
	c.sessions = sessions;
	c.pooled = pooled;
	return pool_refill_count(&c);
}

/* Up to WorkerPoolSize, a few per pass, never past either cap. */
static void
test_refill_count(void **state)
{
	(void)state;
	assert_int_equal(want(4, 100, 1000, 0, 0), POOL_REFILL_PER_PASS);
	assert_int_equal(want(4, 100, 1000, 0, 3), 1);
	assert_int_equal(want(4, 100, 1000, 0, 4), 0);
	assert_int_equal(want(4, 100, 1000, 50, 4), 0);
	/* A reload lowered the size below what waits: nothing new. */
	assert_int_equal(want(2, 100, 1000, 0, 4), 0);
	/* 0 is spawn-on-accept. */
	assert_int_equal(want(0, 100, 1000, 0, 0), 0);
	/* MaxSessions counts every worker, pooled or serving. */
	assert_int_equal(want(4, 10, 1000, 9, 0), 1);
	assert_int_equal(want(4, 10, 1000, 9, 1), 0);
	assert_int_equal(want(4, 10, 1000, 10, 0), 0);
	assert_int_equal(want(4, 10, 1000, 12, 0), 0);
	/* So does the descriptor limit, whichever is lower. */
	assert_int_equal(want(4, 100, 5, 4, 0), 1);
	assert_int_equal(want(4, 100, 5, 5, 0), 0);
	assert_int_equal(want(4, 100, 0, 0, 0), 0);
	assert_int_equal(want(4, 0, 100, 0, 0), 0);
}

static void
tcp_socket(int *fdp)
{
	assert_true((*fdp = socket(AF_INET, SOCK_STREAM, 0)) != -1);
}

/* pool_handoff as the worker's side sees it: one frame, one socket. */
static void
test_handoff_roundtrip(void **state)
{
	u_char hdr[MS_FRAME_HEADER_LEN];
	struct msbuf *in, *payload;
	char *peer;
	size_t n;
	uint8_t type;
	int sp[2], tcp, got, stype;
	socklen_t len = sizeof(stype);

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	tcp_socket(&tcp);
	assert_int_equal(pool_handoff(sp[0], tcp, "192.0.2.7:4242"), 0);
	close(tcp);
	assert_int_equal(ms_fd_recv(sp[1], hdr, sizeof(hdr), &n, &got), 0);
	assert_int_equal(n, sizeof(hdr));
	assert_true(got >= 0);
	assert_true((fcntl(got, F_GETFD) & FD_CLOEXEC) != 0);
	assert_int_equal(getsockopt(got, SOL_SOCKET, SO_TYPE, &stype, &len), 0);
	assert_int_equal(stype, SOCK_STREAM);
	assert_non_null(in = msbuf_new(MS_FRAME_HEADER_LEN +
	    MS_HANDOFF_FRAME_MAX));
	assert_non_null(payload = msbuf_new(MS_HANDOFF_FRAME_MAX));
	assert_int_equal(msbuf_put(in, hdr, n), 0);
	while (ms_frame_parse(in, &type, payload, 1 + MS_HANDOFF_FRAME_MAX) ==
	    MS_ERR_MESSAGE_INCOMPLETE)
		assert_int_equal(ms_frame_fill(sp[1], in), 0);
	assert_int_equal(type, MS_MON_HANDOFF);
	assert_int_equal(msbuf_len(in), 0);
	assert_int_equal(ms_handoff_parse(payload, &peer), 0);
	assert_string_equal(peer, "192.0.2.7:4242");
	free(peer);
	msbuf_free(in);
	msbuf_free(payload);
	close(got);
	close(sp[0]);
	close(sp[1]);
}

/* Send bytes with n descriptors attached (0..2), by hand. */
static void
send_fds(int sock, const int *fds, int n)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(2 * sizeof(int))];
	} cm;
	struct msghdr msg;
	struct cmsghdr *c;
	struct iovec iov;
	char byte = 'x';

	memset(&msg, 0, sizeof(msg));
	memset(&cm, 0, sizeof(cm));
	iov.iov_base = &byte;
	iov.iov_len = 1;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (n > 0) {
		msg.msg_control = cm.buf;
		msg.msg_controllen = CMSG_SPACE(n * sizeof(int));
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(n * sizeof(int));
		memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	}
	assert_int_equal(sendmsg(sock, &msg, 0), 1);
}

/* Count the descriptors this process has open. */
static int
open_fds(void)
{
	int fd, n = 0;

	for (fd = 0; fd < 256; fd++)
		if (fcntl(fd, F_GETFD) != -1)
			n++;
	return n;
}

/* No descriptor, or two: refused, and nothing received stays open. */
static void
test_recv_refuses(void **state)
{
	int sp[2], fds[2], got, before;
	size_t n;
	char c;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	tcp_socket(&fds[0]);
	tcp_socket(&fds[1]);
	before = open_fds();

	send_fds(sp[0], fds, 0);
	assert_int_equal(ms_fd_recv(sp[1], &c, 1, &n, &got), MS_ERR_PROTOCOL);
	assert_int_equal(got, -1);

	send_fds(sp[0], fds, 2);
	assert_int_equal(ms_fd_recv(sp[1], &c, 1, &n, &got), MS_ERR_PROTOCOL);
	assert_int_equal(got, -1);
	assert_int_equal(open_fds(), before);

	send_fds(sp[0], fds, 1);
	assert_int_equal(ms_fd_recv(sp[1], &c, 1, &n, &got), 0);
	assert_int_equal(open_fds(), before + 1);
	close(got);

	close(sp[0]);
	assert_int_equal(ms_fd_recv(sp[1], &c, 1, &n, &got),
	    MS_ERR_CONN_CLOSED);
	close(sp[1]);
	close(fds[0]);
	close(fds[1]);
}

/* A send that cannot go out whole fails; the receiver gets nothing. */
static void
test_send_all_or_nothing(void **state)
{
	int sp[2], tcp;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	tcp_socket(&tcp);
	close(sp[1]);
	assert_int_equal(ms_fd_send(sp[0], "x", 1, tcp), MS_ERR_SYSTEM);
	assert_int_equal(ms_fd_send(sp[0], "x", 0, tcp),
	    MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(ms_fd_send(sp[0], "x", 1, -1),
	    MS_ERR_INVALID_ARGUMENT);
	close(sp[0]);
	close(tcp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refill_count),
		cmocka_unit_test(test_handoff_roundtrip),
		cmocka_unit_test(test_recv_refuses),
		cmocka_unit_test(test_send_all_or_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
