/*
 * test_logfmt.c — quoting of peer-supplied values in log fields.
 */
#include <sys/types.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "logfmt.h"

static void
test_plain_and_quoted(void **state)
{
	char b[128];

	/* Plain tokens stay as they are (existing audit lines unchanged). */
	assert_string_equal(ms_log_value(b, sizeof(b), "/app/db"), "/app/db");
	assert_string_equal(ms_log_value(b, sizeof(b), "host"), "host");
	assert_string_equal(ms_log_value(b, sizeof(b), NULL), "-");
	assert_string_equal(ms_log_value(b, sizeof(b), ""), "\"\"");
	/* A value that would fake a field is quoted. */
	assert_string_equal(ms_log_value(b, sizeof(b), "x result=allowed"),
	    "\"x result=allowed\"");
	assert_string_equal(ms_log_value(b, sizeof(b), "a=b"), "\"a=b\"");
	/* Quotes, '%', '\\' and non-printable bytes as %HH: never a bare '"'. */
	assert_string_equal(ms_log_value(b, sizeof(b),
	    "CN=x\" peer=\"1.2.3.4"), "\"CN=x%22 peer=%221.2.3.4\"");
	assert_string_equal(ms_log_value(b, sizeof(b), "50%\\\n\x7f\xc3\xa9"),
	    "\"50%25%5C%0A%7F%C3%A9\"");
}

static void
test_truncation(void **state)
{
	char b[12];

	/* Too long for the buffer: cut inside the quotes, marked "...". */
	assert_string_equal(ms_log_value(b, sizeof(b), "abcdefghijklmnop"),
	    "\"abcdef...\"");
	assert_string_equal(ms_log_value(b, sizeof(b), "a b\"\"\"\"\"\""),
	    "\"a b%22...\"");
	assert_int_equal(strlen(ms_log_value(b, 6, "a b c d")), 5);
	assert_string_equal(ms_log_value(b, 3, "a b"), "\"\"");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_and_quoted),
		cmocka_unit_test(test_truncation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
