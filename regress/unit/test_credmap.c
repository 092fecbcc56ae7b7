/*
 * test_credmap.c — the CredentialsFile (monitor/credmap.c): globbing on
 * unit names, first match wins, and every malformed line refused with
 * FILE:LINE.
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

#include "credmap.h"
#include "errors.h"

#define TESTFS_NAME "credmap"
#include "testfs.h"

static void
load_text(const char *text, struct credmap *m, int want, char *err,
    size_t errlen)
{
	char path[256];

	mkpath(path, sizeof(path), "credentials");
	write_file(path, text);
	assert_int_equal(credmap_load(path, m, err, errlen), want);
}

static void
test_lookup(void **state)
{
	struct credmap m;
	const struct credmap_entry *e;
	char err[512];

	load_text("# comment\n"
	    "\n"
	    "app@*.service  db-password /prod/db password\n"
	    "app@blue.service db-password /prod/blue password\n"
	    "web.service\ttls.key\t/prod/web\tkey\n"
	    "*\tdefault /shared common\n", &m, 0, err, sizeof(err));
	assert_int_equal(m.n, 4);
	/* First match wins: the glob line shadows the specific one. */
	e = credmap_lookup(&m, "app@blue.service", "db-password");
	assert_non_null(e);
	assert_string_equal(e->path, "/prod/db");
	assert_int_equal(e->line, 3);
	e = credmap_lookup(&m, "app@web\\x2d1.service", "db-password");
	assert_non_null(e);
	assert_string_equal(e->record, "password");
	assert_null(credmap_lookup(&m, "app.service", "db-password"));
	assert_null(credmap_lookup(&m, "web.service", "db-password"));
	assert_null(credmap_lookup(&m, "web.service", "TLS.KEY"));
	e = credmap_lookup(&m, "web.service", "tls.key");
	assert_non_null(e);
	assert_string_equal(e->path, "/prod/web");
	e = credmap_lookup(&m, "anything.service", "default");
	assert_non_null(e);
	assert_string_equal(e->path, "/shared");
	credmap_free(&m);
	assert_int_equal(m.n, 0);
}

static const struct {
	const char	*text;
	const char	*why;
} bad[] = {
	{ "a.service db /p\n", "expected UNIT_GLOB" },
	{ "a.service db /p r extra\n", "trailing text" },
	{ "a/b.service db /p r\n", "invalid unit name pattern" },
	{ "a.service d/b /p r\n", "invalid credential ID" },
	{ "a.service .. /p r\n", "invalid credential ID" },
	{ "a.service db p r\n", "invalid path" },
	{ "a.service db /p/ r\n", "invalid path" },
	{ "a.service db /p a/b\n", "invalid record name" },
};

static void
test_refused(void **state)
{
	struct credmap m;
	char err[512], text[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "ok.service id /ok rec\n%s",
		    bad[i].text);
		load_text(text, &m, MS_ERR_INVALID_FORMAT, err, sizeof(err));
		if (strstr(err, ":2: ") == NULL ||
		    strstr(err, bad[i].why) == NULL)
			fail_msg("case %zu: \"%s\"", i, err);
		assert_int_equal(m.n, 0);
		assert_null(m.v);
	}
	assert_int_equal(credmap_load("/nonexistent/credentials", &m, err,
	    sizeof(err)), MS_ERR_SYSTEM);
	assert_non_null(strstr(err, "cannot open"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, testfs_setup, testfs_teardown);
}
