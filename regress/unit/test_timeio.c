/*
 * test_timeio.c — the monotonic clock, poll until a deadline and write all
 * with a deadline (common/timeio.c).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "errors.h"
#include "timeio.h"

/* Far beyond anything the tests wait for: a hang fails, it does not pass. */
#define GENEROUS_MS	30000

static void
set_nonblock(int fd)
{
	int fl;

	assert_true((fl = fcntl(fd, F_GETFL)) != -1);
	assert_int_equal(fcntl(fd, F_SETFL, fl | O_NONBLOCK), 0);
}

static void
test_clock(void **state)
{
	int64_t a, b;
	uint64_t us;

	a = ms_now_ms();
	us = ms_now_us();
	b = ms_now_ms();
	assert_true(a > 0);
	assert_true(b >= a);
	/* The two units read one clock. */
	assert_true(us / 1000 >= (uint64_t)a && us / 1000 <= (uint64_t)b);
}

static void
test_deadline_arith(void **state)
{
	int64_t d;
	int left;

	assert_true(ms_deadline_after(-1) == -1);
	assert_int_equal(ms_deadline_left(-1), -1);
	assert_int_equal(ms_deadline_left(0), 0);
	assert_int_equal(ms_deadline_left(ms_now_ms()), 0);
	d = ms_deadline_after(GENEROUS_MS);
	left = ms_deadline_left(d);
	assert_true(left > 0 && left <= GENEROUS_MS);
	/* Far deadlines are clamped to what poll(2) takes. */
	assert_int_equal(ms_deadline_left(INT64_MAX), INT_MAX);
	d = ms_deadline_after(0);
	assert_int_equal(ms_deadline_left(d), 0);
}

/* A pipe nobody writes to: the wait ends at the deadline, not before. */
static void
test_poll_expires(void **state)
{
	int p[2];
	int64_t start, deadline, end;

	assert_int_equal(pipe(p), 0);
	start = ms_now_ms();
	deadline = start + 150;
	assert_int_equal(ms_poll_deadline(p[0], POLLIN, deadline),
	    MS_ERR_TIMEOUT);
	end = ms_now_ms();
	assert_true(end >= deadline);
	assert_true(end - start < GENEROUS_MS);
	/* A deadline already past times out at once. */
	assert_int_equal(ms_poll_deadline(p[0], POLLIN, start), MS_ERR_TIMEOUT);
	close(p[0]);
	close(p[1]);
}

static void
test_poll_ready(void **state)
{
	int p[2];

	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	/* Ready now: no deadline, a future one, even a past one. */
	assert_int_equal(ms_poll_deadline(p[0], POLLIN, -1), 0);
	assert_int_equal(ms_poll_deadline(p[0], POLLIN,
	    ms_deadline_after(GENEROUS_MS)), 0);
	assert_int_equal(ms_poll_deadline(p[0], POLLIN, 0), 0);
	/* A closed writer is "ready": the read reports the EOF. */
	close(p[1]);
	assert_int_equal(ms_poll_deadline(p[0], POLLIN, 0), 0);
	close(p[0]);

	assert_int_equal(pipe(p), 0);
	close(p[0]);
	errno = 0;
	/* p[0] is closed now: POLLNVAL. */
	assert_int_equal(ms_poll_deadline(p[0], POLLIN, 0), MS_ERR_SYSTEM);
	assert_int_equal(errno, EBADF);
	close(p[1]);
	assert_int_equal(ms_poll_deadline(-1, POLLIN, 0),
	    MS_ERR_INVALID_ARGUMENT);
}

/*
 * A reader that takes 4 KiB every few milliseconds: the writer's
 * non-blocking socket fills and must wait, repeatedly, and still deliver
 * every byte in order before its (generous) deadline.
 */
static void
test_write_all_slow_reader(void **state)
{
	const size_t total = 512 * 1024;
	int sv[2], status, sndbuf = 4096;
	u_char *data;
	size_t i;
	pid_t pid;

	assert_non_null(data = malloc(total));
	for (i = 0; i < total; i++)
		data[i] = (u_char)(i * 7 + i / 251);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	(void)setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf,
	    sizeof(sndbuf));
	assert_true((pid = fork()) != -1);
	if (pid == 0) {
		u_char buf[4096];
		size_t got = 0;
		ssize_t n;

		close(sv[0]);
		while (got < total) {
			usleep(2000);
			if ((n = read(sv[1], buf, sizeof(buf))) <= 0)
				_exit(2);
			if (memcmp(buf, data + got, (size_t)n) != 0)
				_exit(3);
			got += (size_t)n;
		}
		_exit(0);
	}
	close(sv[1]);
	set_nonblock(sv[0]);
	assert_int_equal(ms_write_all_deadline(sv[0], data, total,
	    ms_deadline_after(GENEROUS_MS)), 0);
	close(sv[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	free(data);
}

/* A peer that never reads: the write gives up at the deadline. */
static void
test_write_all_deadline_expires(void **state)
{
	const size_t total = 8 * 1024 * 1024;
	int sv[2];
	u_char *data;
	int64_t start, deadline;

	assert_non_null(data = calloc(1, total));
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	set_nonblock(sv[0]);
	start = ms_now_ms();
	deadline = start + 150;
	assert_int_equal(ms_write_all_deadline(sv[0], data, total, deadline),
	    MS_ERR_TIMEOUT);
	assert_true(ms_now_ms() >= deadline);
	assert_true(ms_now_ms() - start < GENEROUS_MS);
	assert_int_equal(ms_send_all_deadline(sv[0], data, total,
	    ms_now_ms() + 50), MS_ERR_TIMEOUT);
	close(sv[0]);
	close(sv[1]);
	free(data);
}

/* writev: empty and partial vectors, delivered in order. */
static void
test_writev_all(void **state)
{
	char a[] = "head", b[] = "", c[] = "-tail";
	struct iovec iov[3];
	char got[16];
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	iov[0].iov_base = a;
	iov[0].iov_len = 4;
	iov[1].iov_base = b;
	iov[1].iov_len = 0;
	iov[2].iov_base = c;
	iov[2].iov_len = 5;
	assert_int_equal(ms_writev_all_deadline(sv[0], iov, 3, -1), 0);
	memset(got, 0, sizeof(got));
	assert_int_equal(read(sv[1], got, sizeof(got)), 9);
	assert_string_equal(got, "head-tail");
	assert_int_equal(ms_writev_all_deadline(sv[0], NULL, 0, -1), 0);
	assert_int_equal(ms_writev_all_deadline(sv[0], NULL, 1, -1),
	    MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(ms_write_all_deadline(sv[0], NULL, 1, -1),
	    MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(ms_write_all_deadline(-1, "x", 1, -1),
	    MS_ERR_INVALID_ARGUMENT);
	close(sv[0]);
	close(sv[1]);
}

/*
 * A closed peer: CONN_CLOSED.  SIGPIPE keeps its default action for the
 * send variant, which must not raise it (the process would die here).
 */
static void
test_closed_peer(void **state)
{
	struct sigaction sa, old;
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	close(sv[1]);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	assert_int_equal(sigaction(SIGPIPE, &sa, &old), 0);
	assert_int_equal(ms_send_all_deadline(sv[0], "x", 1, -1),
	    MS_ERR_CONN_CLOSED);
	sa.sa_handler = SIG_IGN;
	assert_int_equal(sigaction(SIGPIPE, &sa, NULL), 0);
	assert_int_equal(ms_write_all_deadline(sv[0], "x", 1, -1),
	    MS_ERR_CONN_CLOSED);
	assert_int_equal(sigaction(SIGPIPE, &old, NULL), 0);
	close(sv[0]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clock),
		cmocka_unit_test(test_deadline_arith),
		cmocka_unit_test(test_poll_expires),
		cmocka_unit_test(test_poll_ready),
		cmocka_unit_test(test_write_all_slow_reader),
		cmocka_unit_test(test_write_all_deadline_expires),
		cmocka_unit_test(test_writev_all),
		cmocka_unit_test(test_closed_peer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
