/*
 * test_version.c — one version everywhere: the library's
 * metasafe_version(), the header's METASAFE_VERSION and
 * METASAFE_VERSION_NUMBER, the programs' MS_VERSION (pathnames.h) and
 * the server's STATUS name.
 */
#include <sys/types.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "metasafe.h"
#include "pathnames.h"
#include "version.h"

static void
test_library_matches_header(void **state)
{
	assert_non_null(metasafe_version());
	assert_string_equal(metasafe_version(), METASAFE_VERSION);
	assert_string_equal(MS_VERSION, METASAFE_VERSION);
}

/* 0xMMmmpp spells the same three numbers as the string. */
static void
test_number_matches_string(void **state)
{
	unsigned int major, minor, patch;
	char tail;

	assert_int_equal(sscanf(METASAFE_VERSION, "%u.%u.%u%c", &major,
	    &minor, &patch, &tail), 3);
	assert_true(major <= 0xff && minor <= 0xff && patch <= 0xff);
	assert_int_equal(METASAFE_VERSION_NUMBER,
	    (major << 16) | (minor << 8) | patch);
#if METASAFE_VERSION_NUMBER < 0x000900
#error METASAFE_VERSION_NUMBER is not usable in #if
#endif
}

static void
test_server_version(void **state)
{
	char want[64];

	snprintf(want, sizeof(want), "metasafe-%s", METASAFE_VERSION);
	assert_string_equal(ms_server_version(), want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_library_matches_header),
		cmocka_unit_test(test_number_matches_string),
		cmocka_unit_test(test_server_version),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
