/*
 * test_reload.c — SIGHUP's comparison of the main configuration.
 */
#include <sys/types.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"
#include "reload.h"
#include "servconf.h"

#define BASE "HostKey /k/sig\nHostKexKey /k/kex\nStoreKey /k/store\n" \
	"StoreDirectory /s\nAuthorizedPrincipalsFile /p\n"

static char dir[64], path[128];
static char lines[32][1024];
static int nlines;

static void
collect(enum ms_loglevel level, const char *line, void *ctx)
{
	if (nlines < 32)
		strlcpy(lines[nlines], line, sizeof(lines[0]));
	nlines++;
}

static int
logged(const char *s)
{
	int i;

	for (i = 0; i < nlines && i < 32; i++)
		if (strstr(lines[i], s) != NULL)
			return 1;
	return 0;
}

static int
setup(void **state)
{
	strlcpy(dir, "/tmp/ms-reload-XXXXXX", sizeof(dir));
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/config", dir);
	nlines = 0;
	ms_log_init("test_reload", MS_LOG_INFO, 0, -1);
	ms_log_set_handler(collect, NULL);
	return 0;
}

static int
teardown(void **state)
{
	ms_log_set_handler(NULL, NULL);
	unlink(path);
	rmdir(dir);
	return 0;
}

static void
write_conf(const char *text)
{
	FILE *f;

	assert_non_null(f = fopen(path, "w"));
	fputs(BASE, f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void
load(struct servconf *c)
{
	char err[512];

	servconf_init(c);
	assert_int_equal(servconf_load(path, c, err, sizeof(err)), 0);
}

static void
test_nothing_changed(void **state)
{
	struct servconf c;

	write_conf("Port 7000\nAdminPrincipals a b\n");
	load(&c);
	assert_int_equal(reload_config(&c, path, 0), 0);
	assert_true(logged("no keyword changed"));
	assert_false(logged("changed:"));
	servconf_free(&c);
}

static void
test_applied_and_restart(void **state)
{
	struct servconf c;

	write_conf("Port 7000\nLogLevel DEBUG1\nListenAddress 127.0.0.1\n");
	load(&c);
	write_conf("Port 7001\nLogLevel INFO\nMaxSessions 5\n"
	    "LoginGraceTime 9\nListenAddress 127.0.0.1\n"
	    "ListenAddress ::1\nAdminPrincipals x\n");
	/* Port, ListenAddress and AdminPrincipals need a restart. */
	assert_int_equal(reload_config(&c, path, 0), 3);
	assert_true(logged("SIGHUP: Port changed: restart metasafed to apply"));
	assert_true(logged("SIGHUP: ListenAddress changed: restart"));
	assert_true(logged("SIGHUP: AdminPrincipals changed: restart"));
	assert_true(logged("SIGHUP: LogLevel changed to INFO: applied"));
	assert_true(logged("SIGHUP: MaxSessions changed to 5: applied"));
	assert_true(logged("SIGHUP: LoginGraceTime changed to 9: applied"));
	assert_false(logged("HostKey changed"));
	assert_int_equal(c.port, 7000);
	assert_int_equal(c.nlisten, 1);
	assert_int_equal(c.log_level, MS_LOG_INFO);
	assert_int_equal(ms_log_get_level(), MS_LOG_INFO);
	assert_int_equal(c.max_sessions, 5);
	assert_int_equal(c.login_grace_time, 9);
	servconf_free(&c);
}

static void
test_debug_keeps_level(void **state)
{
	struct servconf c;

	write_conf("LogLevel ERROR\n");
	load(&c);
	ms_log_set_level(MS_LOG_DEBUG2);
	write_conf("LogLevel INFO\n");
	assert_int_equal(reload_config(&c, path, 1), 0);
	assert_false(logged("SandboxDebug changed"));
	assert_int_equal(ms_log_get_level(), MS_LOG_DEBUG2);
	ms_log_set_level(MS_LOG_INFO);
	servconf_free(&c);
}

/*
 * -d is logging only: it does not mask SandboxDebug, so switching it on in
 * the file under -d is a change like any other, which needs a restart.
 */
static void
test_debug_leaves_sandbox_debug(void **state)
{
	struct servconf c;

	write_conf("");
	load(&c);
	assert_int_equal(c.sandbox_debug, 0);
	write_conf("SandboxDebug yes\n");
	assert_int_equal(reload_config(&c, path, 1), 1);
	assert_true(logged("SIGHUP: SandboxDebug changed: restart"));
	assert_int_equal(c.sandbox_debug, 0);
	servconf_free(&c);
}

static void
test_bad_file_ignored(void **state)
{
	struct servconf c;

	write_conf("Port 7000\n");
	load(&c);
	write_conf("Port 7001\nMaxSessions many\n");
	assert_int_equal(reload_config(&c, path, 0), -1);
	assert_true(logged("not reloaded, keeping the running configuration"));
	assert_true(logged(":7: MaxSessions"));
	assert_false(logged("Port changed"));
	assert_int_equal(c.port, 7000);
	servconf_free(&c);
}

static void
test_keyword_names(void **state)
{
	assert_string_equal(servconf_keyword_name("port"), "Port");
	assert_string_equal(servconf_keyword_name("MAXSESSIONS"), "MaxSessions");
	assert_null(servconf_keyword_name("nosuch"));
	assert_true(reload_applies("loglevel"));
	assert_false(reload_applies("port"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_nothing_changed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_applied_and_restart, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_debug_keeps_level,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_debug_leaves_sandbox_debug,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_file_ignored, setup,
		    teardown),
		cmocka_unit_test(test_keyword_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
