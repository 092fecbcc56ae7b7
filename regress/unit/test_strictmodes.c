/*
 * test_strictmodes.c — the StrictModes path checker: file owner and modes
 * for private and trusted files, every directory above them, sticky
 * directories, symbolic links.  The tests run as root; a foreign owner is
 * simulated with chown to uid 65534.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "errors.h"
#include "log.h"
#include "strictmodes.h"

#define OTHER_UID	65534

static char dir[64];

static int
setup(void **state)
{
	if (geteuid() != 0) {
		fprintf(stderr, "test_strictmodes: must run as root (chown)\n");
		return -1;
	}
	/* /tmp is root's and sticky: an acceptable place to start from. */
	strlcpy(dir, "/tmp/ms-strict-XXXXXX", sizeof(dir));
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0755), 0);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static void
mkpath(char *out, size_t len, const char *rel)
{
	snprintf(out, len, "%s/%s", dir, rel);
}

static void
mkfile(const char *rel, mode_t mode, char *out, size_t len)
{
	FILE *fp;

	mkpath(out, len, rel);
	assert_non_null(fp = fopen(out, "w"));
	assert_int_equal(fputs("x\n", fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(out, mode), 0);
}

static void
mkdirm(const char *rel, mode_t mode)
{
	char p[256];

	mkpath(p, sizeof(p), rel);
	assert_int_equal(mkdir(p, 0700), 0);
	assert_int_equal(chmod(p, mode), 0);
}

static void
expect_ok(const char *path, int kind)
{
	char err[1024] = "";

	if (strictmodes_check("Kw", path, kind, err, sizeof(err)) != 0)
		fail_msg("%s refused: %s", path, err);
}

static void
expect_refused(const char *path, int kind, const char *want)
{
	char err[1024] = "";

	assert_int_not_equal(strictmodes_check("Kw", path, kind, err,
	    sizeof(err)), 0);
	if (strstr(err, want) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", err, want);
	/* The keyword and the path as configured lead the message. */
	if (strncmp(err, "Kw ", 3) != 0 || strstr(err, path) != err + 3)
		fail_msg("error \"%s\" does not start with Kw %s", err, path);
}

static void
test_dir_rule(void **state)
{
	assert_true(strictmodes_dir_ok(0, S_IFDIR | 0755));
	assert_true(strictmodes_dir_ok(0, S_IFDIR | 0700));
	assert_true(strictmodes_dir_ok(0, S_IFDIR | 0555));
	assert_false(strictmodes_dir_ok(0, S_IFDIR | 0775));
	assert_false(strictmodes_dir_ok(0, S_IFDIR | 0757));
	assert_false(strictmodes_dir_ok(0, S_IFDIR | 0777));
	/* Sticky, like /tmp: others cannot replace root's files. */
	assert_true(strictmodes_dir_ok(0, S_IFDIR | 01777));
	assert_true(strictmodes_dir_ok(0, S_IFDIR | 01775));
	assert_false(strictmodes_dir_ok(OTHER_UID, S_IFDIR | 0755));
	assert_false(strictmodes_dir_ok(OTHER_UID, S_IFDIR | 01777));
	assert_false(strictmodes_dir_ok(1, S_IFDIR | 0700));
}

static void
test_private_file(void **state)
{
	char p[256];

	mkfile("key", 0600, p, sizeof(p));
	expect_ok(p, SM_PRIVATE);
	assert_int_equal(chmod(p, 0400), 0);
	expect_ok(p, SM_PRIVATE);
	assert_int_equal(chmod(p, 0644), 0);
	expect_refused(p, SM_PRIVATE, ": bad ownership or modes (0644, owner "
	    "uid 0): must be owned by root and not accessible by group or "
	    "others");
	assert_int_equal(chmod(p, 0640), 0);
	expect_refused(p, SM_PRIVATE, "(0640, owner uid 0)");
	assert_int_equal(chmod(p, 0604), 0);
	expect_refused(p, SM_PRIVATE, "(0604, owner uid 0)");
	assert_int_equal(chmod(p, 0610), 0);
	expect_refused(p, SM_PRIVATE, "(0610, owner uid 0)");
	assert_int_equal(chmod(p, 0600), 0);
	assert_int_equal(chown(p, OTHER_UID, 0), 0);
	expect_refused(p, SM_PRIVATE, "(0600, owner uid 65534): must be "
	    "owned by root");
	assert_int_equal(unlink(p), 0);
}

static void
test_trusted_file(void **state)
{
	char p[256];

	mkfile("trusted", 0644, p, sizeof(p));
	expect_ok(p, SM_TRUSTED);
	assert_int_equal(chmod(p, 0444), 0);
	expect_ok(p, SM_TRUSTED);
	assert_int_equal(chmod(p, 0664), 0);
	expect_refused(p, SM_TRUSTED, ": bad ownership or modes (0664, owner "
	    "uid 0): must be owned by root and not writable by group or "
	    "others");
	assert_int_equal(chmod(p, 0646), 0);
	expect_refused(p, SM_TRUSTED, "(0646, owner uid 0)");
	assert_int_equal(chmod(p, 0644), 0);
	assert_int_equal(chown(p, OTHER_UID, OTHER_UID), 0);
	expect_refused(p, SM_TRUSTED, "(0644, owner uid 65534)");
	assert_int_equal(unlink(p), 0);
}

static void
test_not_regular(void **state)
{
	char p[256], q[256];

	mkdirm("adir", 0755);
	mkpath(p, sizeof(p), "adir");
	expect_refused(p, SM_TRUSTED, ": not a regular file");
	mkpath(q, sizeof(q), "fifo");
	assert_int_equal(mkfifo(q, 0600), 0);
	expect_refused(q, SM_PRIVATE, ": not a regular file");
	mkpath(q, sizeof(q), "missing");
	expect_refused(q, SM_TRUSTED, ": No such file or directory");
	assert_int_equal(strictmodes_check("Kw", "", SM_TRUSTED, q, sizeof(q)),
	    MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(strictmodes_check("Kw", p, 0, q, sizeof(q)),
	    MS_ERR_INVALID_ARGUMENT);
}

/* Every directory from the parent up to "/". */
static void
test_directories(void **state)
{
	char p[256], d[256], want[512];

	mkdirm("a", 0755);
	mkdirm("a/b", 0755);
	mkfile("a/b/f", 0600, p, sizeof(p));
	expect_ok(p, SM_PRIVATE);

	mkpath(d, sizeof(d), "a/b");
	assert_int_equal(chmod(d, 0775), 0);
	snprintf(want, sizeof(want), ": bad ownership or modes for directory "
	    "%s (0775, owner uid 0): must be owned by root and not writable "
	    "by group or others", d);
	expect_refused(p, SM_PRIVATE, want);
	assert_int_equal(chmod(d, 0757), 0);
	expect_refused(p, SM_TRUSTED, "(0757, owner uid 0)");
	/* Sticky and root's: accepted, like a file in /tmp. */
	assert_int_equal(chmod(d, 01777), 0);
	expect_ok(p, SM_PRIVATE);
	/* Sticky but someone else's: refused. */
	assert_int_equal(chown(d, OTHER_UID, 0), 0);
	expect_refused(p, SM_PRIVATE, "(1777, owner uid 65534)");
	assert_int_equal(chown(d, 0, 0), 0);
	assert_int_equal(chmod(d, 0755), 0);
	/* Owned by someone else, even without write bits. */
	assert_int_equal(chown(d, OTHER_UID, 0), 0);
	expect_refused(p, SM_PRIVATE, "(0755, owner uid 65534)");
	assert_int_equal(chown(d, 0, 0), 0);
	expect_ok(p, SM_PRIVATE);

	/* The grandparent counts as much as the parent. */
	mkpath(d, sizeof(d), "a");
	assert_int_equal(chmod(d, 0777), 0);
	snprintf(want, sizeof(want), "directory %s (0777", d);
	expect_refused(p, SM_TRUSTED, want);
	assert_int_equal(chmod(d, 0755), 0);
	expect_ok(p, SM_TRUSTED);
}

static void
test_symlinks(void **state)
{
	char target[256], link[256], d[256], want[512];

	mkdirm("s", 0755);
	mkfile("s/real", 0600, target, sizeof(target));
	mkpath(link, sizeof(link), "s/link");
	assert_int_equal(symlink(target, link), 0);
	expect_ok(link, SM_PRIVATE);
	/* The target's modes count, not the link's. */
	assert_int_equal(chmod(target, 0644), 0);
	expect_refused(link, SM_PRIVATE, "(0644, owner uid 0)");
	assert_int_equal(chmod(target, 0600), 0);

	/* A link someone else owns. */
	assert_int_equal(lchown(link, OTHER_UID, OTHER_UID), 0);
	snprintf(want, sizeof(want), "symbolic link %s is owned by uid 65534",
	    link);
	expect_refused(link, SM_PRIVATE, want);
	assert_int_equal(lchown(link, 0, 0), 0);

	/* A good link to a file in a directory others can write. */
	mkdirm("open", 0777);
	mkfile("open/f", 0600, target, sizeof(target));
	mkpath(link, sizeof(link), "s/link2");
	assert_int_equal(symlink(target, link), 0);
	mkpath(d, sizeof(d), "open");
	snprintf(want, sizeof(want), "directory %s (0777", d);
	expect_refused(link, SM_PRIVATE, want);

	/* A link in a directory others can write, to a good file. */
	mkfile("s/good", 0600, target, sizeof(target));
	mkpath(link, sizeof(link), "open/tolink");
	assert_int_equal(symlink(target, link), 0);
	expect_refused(link, SM_PRIVATE, want);

	/* A directory link: the path goes through it. */
	mkdirm("s/sub", 0755);
	mkfile("s/sub/f", 0600, target, sizeof(target));
	mkpath(link, sizeof(link), "dlink");
	mkpath(d, sizeof(d), "s/sub");
	assert_int_equal(symlink(d, link), 0);
	mkpath(link, sizeof(link), "dlink/f");
	expect_ok(link, SM_PRIVATE);
	mkpath(d, sizeof(d), "dlink");
	assert_int_equal(lchown(d, OTHER_UID, 0), 0);
	snprintf(want, sizeof(want), "symbolic link %s is owned by uid 65534",
	    d);
	expect_refused(link, SM_PRIVATE, want);
}

static void
test_relative_and_message(void **state)
{
	char p[256], cwd[256], err[1024];

	mkfile("rel", 0600, p, sizeof(p));
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0);
	expect_ok("rel", SM_PRIVATE);
	assert_int_equal(chmod(p, 0640), 0);
	expect_refused("rel", SM_PRIVATE, "rel: bad ownership or modes");
	/* Without a keyword the message starts with the path. */
	assert_int_not_equal(strictmodes_check(NULL, "rel", SM_PRIVATE, err,
	    sizeof(err)), 0);
	assert_int_equal(strncmp(err, "rel: bad ownership", 18), 0);
	assert_int_equal(chdir(cwd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dir_rule),
		cmocka_unit_test(test_private_file),
		cmocka_unit_test(test_trusted_file),
		cmocka_unit_test(test_not_regular),
		cmocka_unit_test(test_directories),
		cmocka_unit_test(test_symlinks),
		cmocka_unit_test(test_relative_and_message),
	};

	ms_log_init("test_strictmodes", MS_LOG_QUIET, 1, -1);
	return cmocka_run_group_tests(tests, setup, teardown);
}
