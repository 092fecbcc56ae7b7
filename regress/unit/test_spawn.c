/*
 * test_spawn.c — worker_spawn (monitor/spawn.c): the worker starts with
 * fds 0-2, the channels on 4 and 5 and nothing else (no client: fd 3 is
 * free until the HANDOFF), an empty environment, the argv the monitor's
 * setproctitle needs, default signal dispositions and an empty signal
 * mask.
 *
 * The "worker" is this test program itself: worker_spawn execs
 * /proc/self/exe's path, and main() sees argv[0] "metasafe-worker" and
 * reports what it got as text lines on fd 5 (the log channel), then
 * echoes one byte from fd 4 to fd 4.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "proto.h"
#include "spawn.h"

extern char **environ;

/* --- the child ----------------------------------------------------------- */

static void
report_stat(FILE *f, int fd)
{
	struct stat sb;

	if (fstat(fd, &sb) == 0)
		fprintf(f, "stat %d %ju %ju %ju\n", fd, (uintmax_t)sb.st_dev,
		    (uintmax_t)sb.st_ino, (uintmax_t)sb.st_rdev);
}

static int
child_report(int argc, char **argv)
{
	struct sigaction sa;
	struct dirent *de;
	sigset_t mask;
	FILE *f;
	DIR *d;
	char c;
	int fd, i, n;

	if ((fd = dup(MS_WORKER_LOG_FD)) == -1 ||
	    (f = fdopen(fd, "w")) == NULL)
		return 2;
	if ((d = opendir("/proc/self/fd")) == NULL)
		return 3;
	/* Every open descriptor but the two this report itself opened. */
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		n = atoi(de->d_name);
		if (n != dirfd(d) && n != fd)
			fprintf(f, "fd %d\n", n);
	}
	closedir(d);
	/* libbsd's setproctitle_init() leaves environ NULL when it was empty. */
	for (n = 0; environ != NULL && environ[n] != NULL; n++)
		;
	fprintf(f, "env %d\n", n);
	fprintf(f, "argc %d\n", argc);
	for (i = 1; i < argc; i++)
		fprintf(f, "arglen %d %zu %s\n", i, strlen(argv[i]),
		    strspn(argv[i], " ") == strlen(argv[i]) ? "blank" : "text");
	for (i = 0; i < 3; i++)
		report_stat(f, i);
	if (sigprocmask(SIG_SETMASK, NULL, &mask) == 0)
		fprintf(f, "mask %s\n", sigismember(&mask, SIGTERM) ||
		    sigismember(&mask, SIGCHLD) || sigismember(&mask,
		    SIGHUP) ? "blocked" : "empty");
	if (sigaction(SIGPIPE, NULL, &sa) == 0)
		fprintf(f, "sigpipe %s\n", sa.sa_handler == SIG_DFL ? "dfl" :
		    "other");
	if (sigaction(SIGTERM, NULL, &sa) == 0)
		fprintf(f, "sigterm %s\n", sa.sa_handler == SIG_DFL ? "dfl" :
		    "other");
	fprintf(f, "end\n");
	if (fclose(f) != 0)
		return 4;
	/* The request channel: echo one byte. */
	if (read(MS_WORKER_MONITOR_FD, &c, 1) != 1 ||
	    write(MS_WORKER_MONITOR_FD, &c, 1) != 1)
		return 5;
	return 0;
}

/* --- the monitor's side -------------------------------------------------- */

struct report {
	int	fds[64];
	int	nfds;
	int	env;
	int	argc;
	size_t	arglen1;
	int	arg1_blank;
	uintmax_t dev[3], ino[3], rdev[3];
	int	mask_empty;
	int	sigpipe_dfl;
	int	sigterm_dfl;
};

static char self[PATH_MAX];

static void
read_report(int fd, struct report *r)
{
	char line[256];
	FILE *f;
	int n, end = 0;
	uintmax_t a, b, c;
	char word[16];
	size_t len;
	struct timeval tv = { 60, 0 };

	/* A worker that dies before "end" must fail the test, not hang it. */
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv)), 0);
	memset(r, 0, sizeof(*r));
	assert_non_null(f = fdopen(fd, "r"));
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "fd %d", &n) == 1) {
			assert_true(r->nfds < 64);
			r->fds[r->nfds++] = n;
		} else if (sscanf(line, "env %d", &n) == 1)
			r->env = n;
		else if (sscanf(line, "argc %d", &n) == 1)
			r->argc = n;
		else if (sscanf(line, "arglen 1 %zu %15s", &len, word) == 2) {
			r->arglen1 = len;
			r->arg1_blank = strcmp(word, "blank") == 0;
		} else if (sscanf(line, "stat %d %ju %ju %ju", &n, &a, &b,
		    &c) == 4 && n >= 0 && n < 3) {
			r->dev[n] = a;
			r->ino[n] = b;
			r->rdev[n] = c;
		} else if (strcmp(line, "mask empty\n") == 0)
			r->mask_empty = 1;
		else if (strcmp(line, "sigpipe dfl\n") == 0)
			r->sigpipe_dfl = 1;
		else if (strcmp(line, "sigterm dfl\n") == 0)
			r->sigterm_dfl = 1;
		else if (strcmp(line, "end\n") == 0) {
			/* The monitor still holds the client end: no EOF. */
			end = 1;
			break;
		}
	}
	fclose(f);
	assert_true(end);
}

/* One byte through a channel and back: fd n of the worker is this one. */
static void
echo_check(int fd, char c)
{
	struct pollfd pfd;
	char got;

	assert_int_equal(write(fd, &c, 1), 1);
	pfd.fd = fd;
	pfd.events = POLLIN;
	/* The channels are non-blocking: wait, generously, for the echo. */
	assert_int_equal(poll(&pfd, 1, 30000), 1);
	assert_int_equal(read(fd, &got, 1), 1);
	assert_int_equal(got, c);
}

static int
wait_exit(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* Spawn and check what the worker reports. */
static void
spawn_and_check(int keep_stderr)
{
	static const int want[] = { 0, 1, 2, 4, 5 };
	struct spawned_worker w;
	struct report r;
	struct stat null, err;
	int i, fl, rfd;

	assert_int_equal(stat("/dev/null", &null), 0);
	assert_int_equal(fstat(STDERR_FILENO, &err), 0);
	assert_int_equal(worker_spawn(self, keep_stderr, &w), 0);
	assert_true(w.pid > 0);
	/* The monitor's ends are non-blocking. */
	assert_true((fl = fcntl(w.mon_fd, F_GETFL)) != -1 &&
	    (fl & O_NONBLOCK) != 0);
	assert_true((fl = fcntl(w.log_fd, F_GETFL)) != -1 &&
	    (fl & O_NONBLOCK) != 0);
	/* The report comes on the log channel; read it blocking. */
	assert_true((rfd = dup(w.log_fd)) != -1);
	assert_int_equal(fcntl(rfd, F_SETFL, fl & ~O_NONBLOCK), 0);
	read_report(rfd, &r);
	assert_int_equal(fcntl(w.log_fd, F_SETFL, fl), 0);
	/* Exactly 0, 1, 2, 4 and 5, in directory order. */
	assert_int_equal(r.nfds, 5);
	for (i = 0; i < r.nfds; i++) {
		int j, seen = 0;

		for (j = 0; j < r.nfds; j++)
			seen += r.fds[j] == want[i];
		assert_int_equal(seen, 1);
	}
	assert_int_equal(r.env, 0);
	/* argv: the name and one blank argument for setproctitle. */
	assert_int_equal(r.argc, 2);
	assert_true(r.arg1_blank);
	assert_true(r.arglen1 >= 64);
	/* stdin and stdout are /dev/null; stderr too unless kept. */
	for (i = 0; i < 2; i++)
		assert_true(r.rdev[i] == (uintmax_t)null.st_rdev &&
		    r.ino[i] == (uintmax_t)null.st_ino);
	if (keep_stderr)
		assert_true(r.dev[2] == (uintmax_t)err.st_dev &&
		    r.ino[2] == (uintmax_t)err.st_ino);
	else
		assert_true(r.ino[2] == (uintmax_t)null.st_ino &&
		    r.rdev[2] == (uintmax_t)null.st_rdev);
	assert_true(r.mask_empty);
	assert_true(r.sigpipe_dfl);
	assert_true(r.sigterm_dfl);
	/* fd 4 is the request channel (fd 5 carried the report). */
	echo_check(w.mon_fd, 'm');
	assert_int_equal(wait_exit(w.pid), 0);
	close(w.mon_fd);
	close(w.log_fd);
}

/* Descriptors the monitor holds (not close-on-exec) stay out. */
static void
test_only_expected_fds(void **state)
{
	int leak1, leak2;
	struct sigaction sa;
	sigset_t block;

	assert_true((leak1 = open("/dev/null", O_RDONLY)) != -1);
	assert_int_equal(dup2(leak1, 40), 40);
	assert_true((leak2 = open("/dev/null", O_RDONLY)) != -1);
	/* The monitor blocks and handles signals; the worker must not. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	assert_int_equal(sigaction(SIGPIPE, &sa, NULL), 0);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	assert_int_equal(sigprocmask(SIG_BLOCK, &block, NULL), 0);
	assert_int_equal(setenv("MS_TEST_SECRET", "must-not-pass", 1), 0);
	spawn_and_check(0);
	close(leak1);
	close(leak2);
	close(40);
	assert_int_equal(sigprocmask(SIG_UNBLOCK, &block, NULL), 0);
	unsetenv("MS_TEST_SECRET");
}

/* keep_stderr: fd 2 is the monitor's stderr, not /dev/null. */
static void
test_keep_stderr(void **state)
{
	char path[] = "/tmp/ms-spawn-stderr-XXXXXX";
	int tmp, saved;

	/* A stderr of our own, so it cannot be /dev/null by accident. */
	assert_true((tmp = mkstemp(path)) != -1);
	unlink(path);
	assert_true((saved = dup(STDERR_FILENO)) != -1);
	assert_int_equal(dup2(tmp, STDERR_FILENO), STDERR_FILENO);
	spawn_and_check(1);
	assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
	close(saved);
	close(tmp);
}

/*
 * A monitor descriptor (not close-on-exec) already on fd 3, 4 or 5, where
 * the client used to go and the channels go: it does not reach the
 * worker, and the channels still land on 4 and 5.
 */
static void
test_low_fd_taken(void **state)
{
	int fd, target;

	for (target = 3; target <= 5; target++) {
		assert_true((fd = open("/dev/null", O_RDONLY)) != -1);
		if (fd != target) {
			assert_int_equal(dup2(fd, target), target);
			close(fd);
		}
		spawn_and_check(0);
		close(target);
	}
}

/* A worker that cannot be executed exits 127; the spawn still returns. */
static void
test_exec_fails(void **state)
{
	struct spawned_worker w;

	assert_int_equal(worker_spawn("/nonexistent/metasafe-worker", 0, &w),
	    0);
	assert_int_equal(wait_exit(w.pid), 127);
	close(w.mon_fd);
	close(w.log_fd);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_only_expected_fds),
		cmocka_unit_test(test_keep_stderr),
		cmocka_unit_test(test_low_fd_taken),
		cmocka_unit_test(test_exec_fails),
	};
	ssize_t n;

	if (argc > 0 && strcmp(argv[0], "metasafe-worker") == 0)
		return child_report(argc, argv);
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0)
		return 1;
	self[n] = '\0';
	return cmocka_run_group_tests(tests, NULL, NULL);
}
