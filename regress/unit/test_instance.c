/*
 * test_instance.c — the StoreDirectory and PidFile locks.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "instance.h"

static char dir[64];

static int
setup(void **state)
{
	strlcpy(dir, "/tmp/ms-instance-XXXXXX", sizeof(dir));
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
read_text(const char *path, char *buf, size_t len)
{
	FILE *f;
	size_t n;

	assert_non_null(f = fopen(path, "r"));
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void
test_store_lock(void **state)
{
	char store[128], lock[160], buf[64], want[64], err[512];
	struct stat sb;
	int fd1, fd2;

	snprintf(store, sizeof(store), "%s/store", dir);
	snprintf(lock, sizeof(lock), "%s/metasafed.lock", store);
	/* The directory is created (0700) when missing. */
	assert_int_equal(instance_lock(store, &fd1, err, sizeof(err)), 0);
	assert_true(fd1 >= 0);
	assert_int_equal(stat(store, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	assert_int_equal(stat(lock, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	snprintf(want, sizeof(want), "%ld\n", (long)getpid());
	read_text(lock, buf, sizeof(buf));
	assert_string_equal(buf, want);
	/* A second open file description is refused and names the holder. */
	assert_int_equal(instance_lock(store, &fd2, err, sizeof(err)), -1);
	assert_int_equal(fd2, -1);
	snprintf(want, sizeof(want), "is in use by another metasafed (pid %ld)",
	    (long)getpid());
	assert_non_null(strstr(err, want));
	assert_non_null(strstr(err, store));
	/* The refusal did not rewrite the file. */
	read_text(lock, buf, sizeof(buf));
	assert_int_equal(atol(buf), (long)getpid());
	close(fd1);
	/* Released with the descriptor. */
	assert_int_equal(instance_lock(store, &fd2, err, sizeof(err)), 0);
	close(fd2);
}

static void
test_pidfile_lock(void **state)
{
	char path[128], buf[64], target[128], err[512];
	pid_t pid;
	int fd, fd2, status, p[2];

	snprintf(path, sizeof(path), "%s/x.pid", dir);
	assert_int_equal(pidfile_lock(path, &fd, err, sizeof(err)), 0);
	/* A child holding the same description (fork) keeps the lock. */
	assert_int_equal(pipe(p), 0);
	if ((pid = fork()) == 0) {
		close(p[0]);
		if (instance_write_pid(fd) != 0)
			_exit(1);
		_exit(write(p[1], "x", 1) == 1 ? 0 : 1);
	}
	close(p[1]);
	assert_int_equal(read(p[0], buf, 1), 1);
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(pidfile_lock(path, &fd2, err, sizeof(err)), -1);
	snprintf(buf, sizeof(buf), "(pid %ld)", (long)pid);
	assert_non_null(strstr(err, buf));
	assert_non_null(strstr(err, "PidFile "));
	close(fd);
	/* Missing directory: an error that is not "in use". */
	snprintf(path, sizeof(path), "%s/nodir/x.pid", dir);
	assert_int_equal(pidfile_lock(path, &fd, err, sizeof(err)), -2);
	assert_non_null(strstr(err, "No such file or directory"));
	/* A symlink is not followed. */
	snprintf(path, sizeof(path), "%s/link.pid", dir);
	snprintf(target, sizeof(target), "%s/target", dir);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(pidfile_lock(path, &fd, err, sizeof(err)), -2);
	assert_int_equal(access(target, F_OK), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_store_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pidfile_lock, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
