/*
 * test_session.c — the worker's session loop ends when its monitor does
 * (issue 10 item 8a): an idle client must not keep a worker alive whose
 * monitor has exited.
 *
 * Each case runs w_session() in a child (an authenticated worker, an idle
 * client socket, a monitor socket) and the parent waits for it with a
 * generous bound; a loop that watched only the client would block until
 * the bound and fail.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "errors.h"
#include "log.h"
#include "worker.h"

#define BOUND_MS	10000	/* generous: the loop should end at once */

/* Child exit codes. */
#define C_ZERO		0	/* w_session returned 0 (a normal end) */
#define C_CLOSED	10	/* w_session returned MS_ERR_CONN_CLOSED */
#define C_OTHER		11	/* w_session returned something else */

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Child: an authenticated worker between requests. */
static void __attribute__((noreturn))
run_session(int client_fd, int mon_fd)
{
	struct worker w;
	int r;

	worker_init(&w, client_fd, mon_fd);
	w.authed = 1;
	w.phase = W_PHASE_AP;
	/* The parent's bound, and a little more, if the loop never ends. */
	alarm(BOUND_MS / 1000 + 5);
	r = w_session(&w);
	worker_clear(&w);
	_exit(r == 0 ? C_ZERO : r == MS_ERR_CONN_CLOSED ? C_CLOSED : C_OTHER);
}

/* Wait up to BOUND_MS for pid; -1 when it is still running then. */
static int
wait_bounded(pid_t pid, long *elapsed)
{
	long start = now_ms();
	int status;
	pid_t got;

	for (;;) {
		if ((got = waitpid(pid, &status, WNOHANG)) == pid)
			break;
		assert_int_equal(got, 0);
		if (now_ms() - start > BOUND_MS) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		poll(NULL, 0, 20);
	}
	*elapsed = now_ms() - start;
	return status;
}

/*
 * end_monitor: how the monitor's end goes away (close it, or send a byte
 * it never sends unasked).  The client stays connected and silent.
 */
/* Fork the session child; *client_fd and *mon_fd get the peers' ends. */
static pid_t
start_session(int *client_fd, int *mon_fd)
{
	int client[2], mon[2];
	pid_t pid;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, client), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, mon), 0);
	if ((pid = fork()) == -1)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		close(client[1]);
		close(mon[1]);
		run_session(client[0], mon[0]);
	}
	close(client[0]);
	close(mon[0]);
	*client_fd = client[1];
	*mon_fd = mon[1];
	return pid;
}

static void
monitor_closes(int fd)
{
	close(fd);
}

static void
monitor_speaks_unasked(int fd)
{
	assert_int_equal(write(fd, "x", 1), 1);
	/* Kept open: the byte alone must end the session. */
}

static void
session_ends_with_monitor(void (*end_monitor)(int))
{
	int client_fd, mon_fd, status;
	long elapsed = 0;
	pid_t pid;

	pid = start_session(&client_fd, &mon_fd);
	/* Let the child reach its wait first: the event comes later. */
	poll(NULL, 0, 100);
	end_monitor(mon_fd);
	status = wait_bounded(pid, &elapsed);
	close(client_fd);
	if (end_monitor != monitor_closes)
		close(mon_fd);
	if (status == -1)
		fail_msg("the session outlived its monitor by %d ms with an "
		    "idle client", BOUND_MS);
	if (!WIFEXITED(status))
		fail_msg("session child died by signal %d", WTERMSIG(status));
	assert_int_equal(WEXITSTATUS(status), C_CLOSED);
	/* "At once": nowhere near the bound. */
	assert_true(elapsed < 1000);
}

static void
test_monitor_eof(void **state)
{
	(void)state;
	session_ends_with_monitor(monitor_closes);
}

static void
test_monitor_unsolicited(void **state)
{
	(void)state;
	session_ends_with_monitor(monitor_speaks_unasked);
}

/* The client's EOF still ends it as before, with the monitor alive. */
static void
test_client_eof(void **state)
{
	int client_fd, mon_fd, status;
	long elapsed = 0;
	pid_t pid;

	(void)state;
	pid = start_session(&client_fd, &mon_fd);
	close(client_fd);
	status = wait_bounded(pid, &elapsed);
	close(mon_fd);
	assert_int_not_equal(status, -1);
	assert_true(WIFEXITED(status));
	/* A clean close by the client is a normal end: 0, not CONN_CLOSED. */
	assert_int_equal(WEXITSTATUS(status), C_ZERO);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_monitor_eof),
		cmocka_unit_test(test_monitor_unsolicited),
		cmocka_unit_test(test_client_eof),
	};

	signal(SIGPIPE, SIG_IGN);
	ms_log_init("test_session", MS_LOG_QUIET, 1, -1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
