/*
 * testfs.h — a scratch directory for the unit tests that work on files.
 *
 * Define TESTFS_NAME (a short word) before including this header.  Then
 * testfs_setup makes /tmp/ms-TESTFS_NAME-XXXXXX, mode 0755 (/tmp is root's
 * and sticky: an acceptable place to start for the StrictModes walk), and
 * testfs_teardown removes it; both fit cmocka's setup and teardown slots,
 * per test or per group.  testfs_setup_root does the same but fails unless
 * the test runs as root (the tests that chown to play a foreign owner).
 * The path helpers name, make and fill files in testfs_dir.
 *
 * Each unit test is one .c file linked with the libraries, so all is
 * static inline here: a test uses what it needs without unused warnings.
 * Needs <sys/stat.h>, <stdio.h>, <stdlib.h>, <string.h>, <unistd.h> and
 * <cmocka.h> first.
 */
#ifndef TESTFS_H
#define TESTFS_H

#ifndef TESTFS_NAME
#error "define TESTFS_NAME before including testfs.h"
#endif

static char testfs_dir[64];

static inline int
testfs_setup(void **state)
{
	strlcpy(testfs_dir, "/tmp/ms-" TESTFS_NAME "-XXXXXX",
	    sizeof(testfs_dir));
	assert_non_null(mkdtemp(testfs_dir));
	assert_int_equal(chmod(testfs_dir, 0755), 0);
	return 0;
}

static inline int
testfs_setup_root(void **state)
{
	if (geteuid() != 0) {
		fprintf(stderr, "test_" TESTFS_NAME ": must run as root "
		    "(chown)\n");
		return -1;
	}
	return testfs_setup(state);
}

static inline int
testfs_teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", testfs_dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

/* out = testfs_dir/rel. */
static inline void
mkpath(char *out, size_t len, const char *rel)
{
	snprintf(out, len, "%s/%s", testfs_dir, rel);
}

/* Write text to path (created or truncated). */
static inline void
write_file(const char *path, const char *text)
{
	FILE *fp;

	assert_non_null(fp = fopen(path, "w"));
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

/* A file rel holding "x\n", given mode; its path in out. */
static inline void
mkfile(const char *rel, mode_t mode, char *out, size_t len)
{
	mkpath(out, len, rel);
	write_file(out, "x\n");
	assert_int_equal(chmod(out, mode), 0);
}

/* A directory rel, given mode; its path in out unless out is NULL. */
static inline void
mkdirm(const char *rel, mode_t mode, char *out, size_t len)
{
	char p[256];

	if (out == NULL) {
		out = p;
		len = sizeof(p);
	}
	mkpath(out, len, rel);
	assert_int_equal(mkdir(out, 0700), 0);
	assert_int_equal(chmod(out, mode), 0);
}

#endif /* TESTFS_H */
