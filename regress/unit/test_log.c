/*
 * test_log.c — log formatting, filtering, escaping, fatal and ms_err().
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "errors.h"
#include "log.h"

#define MAX_LINES	8

static char		 lines[MAX_LINES][8192];
static enum ms_loglevel	 levels[MAX_LINES];
static int		 nlines;

static void
collect(enum ms_loglevel level, const char *line, void *ctx)
{
	int *calls = ctx;

	if (calls != NULL)
		(*calls)++;
	if (nlines < MAX_LINES) {
		strlcpy(lines[nlines], line, sizeof(lines[nlines]));
		levels[nlines] = level;
	}
	nlines++;
}

static int
setup(void **state)
{
	nlines = 0;
	memset(lines, 0, sizeof(lines));
	ms_log_init("test_log", MS_LOG_INFO, 0, -1);
	ms_log_set_handler(collect, NULL);
	ms_log_set_cleanup(NULL);
	return 0;
}

static int
teardown(void **state)
{
	ms_log_set_handler(NULL, NULL);
	return 0;
}

static void
test_handler_format(void **state)
{
	/* At INFO, no function names: users and operators read these. */
	error_f("hello %d", 5);
	assert_int_equal(nlines, 1);
	assert_string_equal(lines[0], "hello 5");
	assert_int_equal(levels[0], MS_LOG_ERROR);

	error_fr(MS_ERR_TIMEOUT, "read %s", "frame");
	assert_int_equal(nlines, 2);
	assert_string_equal(lines[1], "read frame: operation timed out");

	logit("plain %s", "message");
	assert_int_equal(nlines, 3);
	assert_string_equal(lines[2], "plain message");
	assert_int_equal(levels[2], MS_LOG_INFO);

	/* Logging at a debug level: every _f line names its function. */
	ms_log_set_level(MS_LOG_DEBUG1);
	error_f("hello %d", 6);
	assert_int_equal(nlines, 4);
	assert_string_equal(lines[3], "test_handler_format: hello 6");
	error("no func");
	assert_string_equal(lines[4], "no func");
	ms_log_set_level(MS_LOG_INFO);
}

static void
test_level_filter(void **state)
{
	ms_log_set_level(MS_LOG_INFO);
	assert_int_equal(ms_log_get_level(), MS_LOG_INFO);
	debug_f("hidden");
	debug3_f("hidden");
	verbose_f("hidden");
	assert_int_equal(nlines, 0);
	logit_f("shown");
	error_f("shown");
	assert_int_equal(nlines, 2);

	ms_log_set_level(MS_LOG_DEBUG2);
	debug2_f("d2");
	debug3_f("d3 hidden");
	assert_int_equal(nlines, 3);
	assert_string_equal(lines[2], "test_level_filter: d2");
	assert_int_equal(levels[2], MS_LOG_DEBUG2);

	ms_log_set_level(MS_LOG_DEBUG3);
	debug3_f("d3");
	assert_int_equal(nlines, 4);

	ms_log_set_level(MS_LOG_QUIET);
	error_f("nothing at all");
	assert_int_equal(nlines, 4);

	ms_log_set_level(MS_LOG_ERROR);
	logit("hidden");
	error("shown");
	assert_int_equal(nlines, 5);
	ms_log_set_level(MS_LOG_INFO);
}

static void
test_control_chars(void **state)
{
	const char *p;

	/* A peer-supplied string trying to forge a second log line. */
	error_f("path %s", "a\nfake[1]: root login\r\x1b[31mX\\\x80\t");
	assert_int_equal(nlines, 1);
	for (p = lines[0]; *p != '\0'; p++) {
		assert_true((u_char)*p >= 0x20);
		assert_true((u_char)*p < 0x7f);
	}
	assert_string_equal(lines[0], "path "
	    "a\\012fake[1]: root login\\015\\033[31mX\\\\\\200\\011");
}

static void
test_long_message(void **state)
{
	char big[6000];

	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[100] = '\n';
	error_f("%s", big);
	assert_int_equal(nlines, 1);
	assert_true(strlen(lines[0]) < sizeof(big));
	assert_true(strncmp(lines[0], "AAA", 3) == 0);
	assert_null(strchr(lines[0], '\n'));
	assert_non_null(strstr(lines[0], "\\012"));
}

static int recursive_calls;

static void
recursive_handler(enum ms_loglevel level, const char *line, void *ctx)
{
	recursive_calls++;
	/* Must not come back here (it goes to the default outputs, none). */
	error_f("from inside the handler");
}

static void
test_handler_recursion(void **state)
{
	recursive_calls = 0;
	ms_log_set_handler(recursive_handler, NULL);
	error_f("outer");
	assert_int_equal(recursive_calls, 1);
}

static void
test_handler_ctx_and_errno(void **state)
{
	int calls = 0;

	ms_log_set_handler(collect, &calls);
	errno = ENOSPC;
	error_f("keep errno");
	assert_int_equal(errno, ENOSPC);
	assert_int_equal(calls, 1);
	errno = EACCES;
	debug3_f("filtered");
	assert_int_equal(errno, EACCES);
	assert_int_equal(calls, 1);
}

/* Run fn in a child with stderr on a pipe; return what it wrote. */
static void
capture_child(void (*fn)(int), char *out, size_t outlen, int *statusp)
{
	int efd[2], cfd[2];
	size_t off = 0;
	char c[8];
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(efd), 0);
	assert_int_equal(pipe(cfd), 0);
	assert_true((pid = fork()) != -1);
	if (pid == 0) {
		close(efd[0]);
		close(cfd[0]);
		if (dup2(efd[1], STDERR_FILENO) == -1)
			_exit(3);
		fn(cfd[1]);
		_exit(0);
	}
	close(efd[1]);
	close(cfd[1]);
	while (off < outlen - 1 &&
	    (n = read(efd[0], out + off, outlen - 1 - off)) != 0) {
		if (n == -1) {
			assert_int_equal(errno, EINTR);
			continue;
		}
		off += (size_t)n;
	}
	out[off] = '\0';
	close(efd[0]);
	/* The cleanup hook writes one byte per call to cfd. */
	off = 0;
	while ((n = read(cfd[0], c, sizeof(c))) != 0) {
		if (n == -1) {
			assert_int_equal(errno, EINTR);
			continue;
		}
		off += (size_t)n;
	}
	close(cfd[0]);
	while (waitpid(pid, statusp, 0) == -1)
		assert_int_equal(errno, EINTR);
	/* Encode the cleanup count in the high bits for the caller. */
	*statusp = (*statusp & 0xffff) | (int)(off << 16);
}

static int cleanup_fd = -1;

static void
cleanup_hook(int code)
{
	if (write(cleanup_fd, code == 255 ? "c" : "?", 1) != 1)
		_exit(4);
	/* A fatal in the cleanup path must not loop. */
	fatal_f("again from cleanup");
}

static void
child_fatal(int cfd)
{
	cleanup_fd = cfd;
	ms_log_set_handler(NULL, NULL);
	ms_log_init("/usr/sbin/fataltest", MS_LOG_INFO, 1, -1);
	ms_log_set_cleanup(cleanup_hook);
	fatal_fr(MS_ERR_PROTOCOL, "bad %s", "peer");
}

static void
test_fatal(void **state)
{
	char out[4096], want[256];
	int status, cleanups;

	capture_child(child_fatal, out, sizeof(out), &status);
	cleanups = status >> 16;
	status &= 0xffff;
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 255);
	assert_int_equal(cleanups, 1);
	/* progname[pid]: message: suffix, basename only, no function. */
	assert_true(strncmp(out, "fataltest[", 10) == 0);
	snprintf(want, sizeof(want),
	    "]: bad peer: %s\n", ms_err(MS_ERR_PROTOCOL));
	assert_non_null(strstr(out, want));
	assert_non_null(strstr(out, "]: again from cleanup\n"));
	assert_null(strstr(out, "child_fatal"));
}

static void
child_stderr_lines(int cfd)
{
	ms_log_set_handler(NULL, NULL);
	ms_log_init("linetest", MS_LOG_VERBOSE, 1, -1);
	verbose("no func %d", 1);
	debug_f("filtered");
	error_f("without func");
	ms_log_set_level(MS_LOG_DEBUG1);
	error_f("with func");
	ms_log_init("linetest", MS_LOG_VERBOSE, 0, -1);
	error_f("not on stderr");
}

static void
test_stderr_format(void **state)
{
	char out[4096];
	int status;

	capture_child(child_stderr_lines, out, sizeof(out), &status);
	assert_true(WIFEXITED(status & 0xffff));
	assert_int_equal(WEXITSTATUS(status & 0xffff), 0);
	/* The child's pid is unknown here; check the shape line by line. */
	assert_true(strncmp(out, "linetest[", 9) == 0);
	assert_non_null(strstr(out, "]: no func 1\nlinetest["));
	assert_non_null(strstr(out, "]: without func\nlinetest["));
	assert_non_null(strstr(out, "]: child_stderr_lines: with func\n"));
	assert_null(strstr(out, "filtered"));
	assert_null(strstr(out, "not on stderr"));
}

static void
test_level_names(void **state)
{
	int l;

	assert_int_equal(ms_log_level_from_name("QUIET"), MS_LOG_QUIET);
	assert_int_equal(ms_log_level_from_name("fatal"), MS_LOG_FATAL);
	assert_int_equal(ms_log_level_from_name("Error"), MS_LOG_ERROR);
	assert_int_equal(ms_log_level_from_name("info"), MS_LOG_INFO);
	assert_int_equal(ms_log_level_from_name("VERBOSE"), MS_LOG_VERBOSE);
	assert_int_equal(ms_log_level_from_name("debug"), MS_LOG_DEBUG1);
	assert_int_equal(ms_log_level_from_name("DEBUG1"), MS_LOG_DEBUG1);
	assert_int_equal(ms_log_level_from_name("debug2"), MS_LOG_DEBUG2);
	assert_int_equal(ms_log_level_from_name("DeBuG3"), MS_LOG_DEBUG3);
	assert_int_equal(ms_log_level_from_name("DEBUG4"), -1);
	assert_int_equal(ms_log_level_from_name(""), -1);
	assert_int_equal(ms_log_level_from_name("INFO "), -1);
	assert_int_equal(ms_log_level_from_name(NULL), -1);
	for (l = MS_LOG_QUIET; l <= MS_LOG_DEBUG3; l++) {
		assert_int_equal(ms_log_level_from_name(
		    ms_log_level_name((enum ms_loglevel)l)), l);
	}
	assert_string_equal(ms_log_level_name(MS_LOG_DEBUG1), "DEBUG1");
	assert_string_equal(ms_log_level_name((enum ms_loglevel)99), "UNKNOWN");
}

static void
test_ms_err(void **state)
{
	const char *seen[-MS_ERR_MAX + 1];
	const char *s;
	int r, i;

	assert_string_equal(ms_err(MS_OK), "success");
	for (r = MS_ERR_INTERNAL; r >= MS_ERR_MAX; r--) {
		errno = EIO;
		s = ms_err(r);
		assert_non_null(s);
		assert_true(strlen(s) > 0);
		assert_string_not_equal(s, "unknown error");
		/* Every code has its own message. */
		for (i = 0; i < -r - 1; i++)
			assert_string_not_equal(s, seen[i]);
		seen[-r - 1] = s;
	}
	/* MS_ERR_SYSTEM describes errno. */
	errno = ENOENT;
	assert_string_equal(ms_err(MS_ERR_SYSTEM), strerror(ENOENT));
	assert_string_equal(ms_err(1), "unknown error");
	assert_string_equal(ms_err(MS_ERR_MAX - 1), "unknown error");
	assert_string_equal(ms_err(INT_MIN), "unknown error");
	assert_string_equal(ms_err(INT_MAX), "unknown error");
}

static void
test_rfc3339(void **state)
{
	struct timespec ts = { 1796161200, 123456789 };	/* 2026-12-01 21:40 */
	char buf[64];

	setenv("TZ", "UTC", 1);
	tzset();
	assert_int_equal(ms_log_rfc3339(buf, sizeof(buf), &ts), 0);
	assert_string_equal(buf, "2026-12-01T21:40:00.123Z");
	/* POSIX TZ: "XXX-1:30" is 1:30 east of UTC. */
	setenv("TZ", "XXX-1:30", 1);
	tzset();
	assert_int_equal(ms_log_rfc3339(buf, sizeof(buf), &ts), 0);
	assert_string_equal(buf, "2026-12-01T23:10:00.123+01:30");
	setenv("TZ", "YYY5", 1);
	tzset();
	assert_int_equal(ms_log_rfc3339(buf, sizeof(buf), &ts), 0);
	assert_string_equal(buf, "2026-12-01T16:40:00.123-05:00");
	/* Too small a buffer is refused, not cut short. */
	assert_int_equal(ms_log_rfc3339(buf, 20, &ts), -1);
	unsetenv("TZ");
	tzset();
}

static size_t
read_file(const char *path, char *buf, size_t len)
{
	FILE *f;
	size_t n;

	if ((f = fopen(path, "r")) == NULL)
		return 0;
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	return n;
}

static int bumps;

static int
bump(void)
{
	return ++bumps;
}

/* A line below the level is not formatted: its arguments are not even run. */
static void
test_level_before_args(void **state)
{
	bumps = 0;
	debug("%d", bump());
	debug3_f("%d", bump());
	assert_int_equal(bumps, 0);
	assert_int_equal(nlines, 0);
	logit("%d", bump());
	assert_int_equal(bumps, 1);
	assert_int_equal(nlines, 1);
	ms_log_set_level(MS_LOG_DEBUG1);
	debug("%d", bump());
	assert_int_equal(bumps, 2);
	assert_int_equal(nlines, 2);
	ms_log_set_level(MS_LOG_INFO);
}

/* The pid is asked for once, yet a forked child's lines carry its own. */
static void
test_pid_after_fork(void **state)
{
	char dir[] = "/tmp/ms-logpid-XXXXXX", path[128], buf[4096], err[256];
	char want[64];
	pid_t pid;
	int status;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/p.log", dir);
	ms_log_set_handler(NULL, NULL);
	ms_log_init("test_log", MS_LOG_INFO, 0, -1);
	assert_int_equal(ms_log_set_file(path, err, sizeof(err)), 0);
	logit("parent");
	assert_true((pid = fork()) != -1);
	if (pid == 0) {
		logit("child");
		_exit(0);
	}
	while (waitpid(pid, &status, 0) == -1)
		assert_int_equal(errno, EINTR);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_true(read_file(path, buf, sizeof(buf)) > 0);
	snprintf(want, sizeof(want), "test_log[%ld]: parent\n", (long)getpid());
	assert_non_null(strstr(buf, want));
	snprintf(want, sizeof(want), "test_log[%ld]: child\n", (long)pid);
	assert_non_null(strstr(buf, want));
	assert_int_equal(ms_log_set_file(NULL, err, sizeof(err)), 0);
	unlink(path);
	rmdir(dir);
}

static void
test_file_and_reopen(void **state)
{
	char dir[] = "/tmp/ms-logfile-XXXXXX", path[128], old[128];
	char buf[4096], err[256];
	struct stat sb;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/f.log", dir);
	snprintf(old, sizeof(old), "%s/f.log.1", dir);
	ms_log_set_handler(NULL, NULL);
	ms_log_init("test_log", MS_LOG_INFO, 0, -1);
	assert_int_equal(ms_log_set_file(path, err, sizeof(err)), 0);
	assert_true(ms_log_has_file());
	assert_false(ms_log_has_stderr());
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	logit("first %d", 1);
	assert_int_equal(rename(path, old), 0);
	logit("second");		/* still the renamed file */
	assert_int_equal(ms_log_reopen(), 0);
	logit("third");
	assert_true(read_file(old, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "test_log["));
	assert_non_null(strstr(buf, "]: first 1\n"));
	assert_non_null(strstr(buf, "]: second\n"));
	assert_null(strstr(buf, "third"));
	/* Each line starts with a timestamp. */
	assert_true(buf[4] == '-' && buf[10] == 'T' && buf[19] == '.');
	assert_true(read_file(path, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "]: third\n"));
	assert_null(strstr(buf, "second"));
	/* A failed reopen keeps the old file. */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(ms_log_reopen(), -1);
	assert_int_equal(ms_log_set_file(NULL, err, sizeof(err)), 0);
	assert_false(ms_log_has_file());
	/* Unopenable: the message names -E and the file. */
	assert_int_equal(ms_log_set_file(path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "-E "));
	assert_non_null(strstr(err, path));
	rmdir(path);
	unlink(old);
	rmdir(dir);
}

static void
test_capture(void **state)
{
	char cap[64];

	ms_log_capture(cap, sizeof(cap));
	logit("info is not captured");
	assert_string_equal(cap, "");
	error("first error");
	error("second error %d", 2);
	assert_string_equal(cap, "second error 2");
	ms_log_capture(NULL, 0);
	error("after");
	assert_string_equal(cap, "second error 2");
	/* Still logged as usual while captured. */
	assert_int_equal(nlines, 3 + 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_handler_format, setup, teardown),
		cmocka_unit_test_setup_teardown(test_level_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_control_chars, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_message, setup, teardown),
		cmocka_unit_test_setup_teardown(test_handler_recursion, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_handler_ctx_and_errno, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fatal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stderr_format, setup,
		    teardown),
		cmocka_unit_test(test_level_names),
		cmocka_unit_test(test_rfc3339),
		cmocka_unit_test_setup_teardown(test_level_before_args, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_pid_after_fork, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_file_and_reopen, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_capture, setup, teardown),
		cmocka_unit_test(test_ms_err),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
