/*
 * test_credaddr.c — systemd's credential-request peer address
 * (common/credaddr.c): the exact form systemd binds, and what is refused.
 */
#include <sys/types.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "credaddr.h"
#include "errors.h"

/* A C literal with its leading NUL: the length excludes the final NUL. */
#define A(s)	("\0" s), (sizeof("\0" s) - 1)

static void
test_systemd_form(void **state)
{
	struct ms_credaddr a;

	assert_int_equal(ms_credaddr_parse(A("5b2c0a9e1f3d4c7a/unit/app.service"
	    "/db-password"), &a), 0);
	assert_string_equal(a.unit, "app.service");
	assert_string_equal(a.id, "db-password");
	/* A short random (leading zeros are not printed) and an instance. */
	assert_int_equal(ms_credaddr_parse(A("7/unit/app@web\\x2d1.service/"
	    "tls.key"), &a), 0);
	assert_string_equal(a.unit, "app@web\\x2d1.service");
	assert_string_equal(a.id, "tls.key");
}

static const struct {
	const char	*addr;
	size_t		 len;
} bad[] = {
	{ A("") },
	{ "x5/unit/a.service/id", 20 },			/* not abstract */
	{ A("/unit/a.service/id") },			/* no random */
	{ A("12345678901234567/unit/a.service/id") },	/* 17 digits */
	{ A("5B/unit/a.service/id") },			/* uppercase hex */
	{ A("5g/unit/a.service/id") },
	{ A("5/user/a.service/id") },
	{ A("5/unit/") },
	{ A("5/unit/a.service") },			/* no ID */
	{ A("5/unit/a.service/") },			/* empty ID */
	{ A("5/unit//id") },				/* empty unit */
	{ A("5/unit/a.service/x/y") },			/* '/' in the ID */
	{ A("5/unit/a service/id") },
	{ A("5/unit/a.service/a b") },
	{ A("5/unit/a.service/.") },
	{ A("5/unit/a.service/..") },
	{ A("5/unit/a.service/id\n") },
	{ A("5/unit/a.service/id\x7f") },
	{ A("5/unit/caf\xc3\xa9.service/id") },
	{ "\0" "5/unit/a.service/i\0d", 20 },		/* NUL in the ID */
};

static void
test_refused(void **state)
{
	struct ms_credaddr a;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&a, 'x', sizeof(a));
		if (ms_credaddr_parse(bad[i].addr, bad[i].len, &a) !=
		    MS_ERR_INVALID_ARGUMENT)
			fail_msg("case %zu accepted", i);
		assert_int_equal(a.unit[0], '\0');
		assert_int_equal(a.id[0], '\0');
	}
	assert_int_equal(ms_credaddr_parse(NULL, 4, &a),
	    MS_ERR_INVALID_ARGUMENT);
}

/* Longer than any sun_path: refused before it is looked at. */
static void
test_caps(void **state)
{
	u_char buf[MS_CRED_ADDR_MAX + 1];
	struct ms_credaddr a;
	size_t len;

	memset(buf, 'a', sizeof(buf));
	memcpy(buf, A("5/unit/a.service/"));
	assert_int_equal(ms_credaddr_parse(buf, sizeof(buf), &a),
	    MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(ms_credaddr_parse(buf, sizeof(buf) - 1, &a), 0);
	assert_int_equal(strlen(a.id), MS_CRED_ADDR_MAX - 18);
	assert_int_equal(ms_credaddr_format("5", "a.service", a.id, buf,
	    sizeof(buf), &len), 0);
	assert_int_equal(len, MS_CRED_ADDR_MAX);
}

static void
test_format(void **state)
{
	u_char buf[MS_CRED_ADDR_MAX];
	struct ms_credaddr a;
	size_t len;

	assert_int_equal(ms_credaddr_format("5b2c", "app.service", "db",
	    buf, sizeof(buf), &len), 0);
	assert_int_equal(len, sizeof("\0" "5b2c/unit/app.service/db") - 1);
	assert_memory_equal(buf, "\0" "5b2c/unit/app.service/db", len);
	assert_int_equal(ms_credaddr_parse(buf, len, &a), 0);
	/* What the parser would refuse is never built. */
	assert_int_equal(ms_credaddr_format("5", "a/b", "db", buf,
	    sizeof(buf), &len), MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(ms_credaddr_format("X", "a", "db", buf,
	    sizeof(buf), &len), MS_ERR_INVALID_ARGUMENT);
	assert_int_equal(ms_credaddr_format("5", "a.service", "db", buf, 8,
	    &len), MS_ERR_NO_BUFFER_SPACE);
	assert_int_equal(len, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_systemd_form),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
