/*
 * test_startups.c — MaxStartups: the drop curve, its extremes, parsing.
 */
#include <sys/types.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "monitor/startups.h"

static void
test_curve(void **state)
{
	struct startups m = { 10, 30, 100 };

	(void)state;
	assert_int_equal(startups_drop_percent(&m, 0), 0);
	assert_int_equal(startups_drop_percent(&m, 9), 0);
	assert_int_equal(startups_drop_percent(&m, 10), 30);
	assert_int_equal(startups_drop_percent(&m, 55), 65);
	assert_int_equal(startups_drop_percent(&m, 99), 99);
	assert_int_equal(startups_drop_percent(&m, 100), 100);
	assert_int_equal(startups_drop_percent(&m, 5000), 100);
	/* A hard limit: start == full. */
	m.start = m.full = 3;
	m.rate = 100;
	assert_int_equal(startups_drop_percent(&m, 2), 0);
	assert_int_equal(startups_drop_percent(&m, 3), 100);
}

/* Below start never, at full always; in between, about the curve. */
static void
test_refuse(void **state)
{
	struct startups m = { 2, 50, 4 };
	int i, n = 0;

	(void)state;
	for (i = 0; i < 200; i++) {
		assert_int_equal(startups_refuse(&m, 1), 0);
		assert_int_equal(startups_refuse(&m, 4), 1);
	}
	for (i = 0; i < 2000; i++)
		n += startups_refuse(&m, 2);
	/* 50%: 2000 rolls land far inside 700..1300 unless it is broken. */
	assert_in_range(n, 700, 1300);
}

static void
test_parse(void **state)
{
	static const char *bad[] = { "", ":", "1:2", "1:2:3:4", "a:30:100",
	    "10:101:100", "20:30:10", "0", "10001", "10:30:", "-1:30:100",
	    "10 :30:100" };
	struct startups m;
	const char *why;
	size_t i;

	(void)state;
	assert_int_equal(startups_parse("10:30:100", 10000, &m, &why), 0);
	assert_int_equal(m.start, 10);
	assert_int_equal(m.rate, 30);
	assert_int_equal(m.full, 100);
	assert_int_equal(startups_parse("7", 10000, &m, &why), 0);
	assert_int_equal(m.start, 7);
	assert_int_equal(m.rate, 100);
	assert_int_equal(m.full, 7);
	assert_int_equal(startups_parse("5:0:5", 10000, &m, &why), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(startups_parse(bad[i], 10000, &m, &why), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_curve),
		cmocka_unit_test(test_refuse),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
