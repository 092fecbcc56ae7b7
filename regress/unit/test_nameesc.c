/*
 * test_nameesc.c — names escaped for ls output and JSON strings.
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

#include "nameesc.h"

static const char *
esc(const char *s)
{
	static char out[256];

	assert_int_equal(ms_name_escape(s, out, sizeof(out)), 0);
	return out;
}

static void
test_name_escape(void **state)
{
	char small[6];

	assert_string_equal(esc("data"), "data");
	/* No blank survives: " [secure]" cannot be part of a name. */
	assert_string_equal(esc("data [secure]"), "data\\x20[secure]");
	assert_string_equal(esc(" lead"), "\\x20lead");
	assert_string_equal(esc("a\\b"), "a\\\\b");
	assert_string_equal(esc("new\nline\t\x01\x7f"),
	    "new\\x0Aline\\x09\\x01\\x7F");
	/* UTF-8 stays; invisible reordering characters do not. */
	assert_string_equal(esc("caf\xc3\xa9"), "caf\xc3\xa9");
	assert_string_equal(esc("a\xe2\x80\xae" "b"), "a\\u{202E}b");
	assert_string_equal(esc("\xef\xbb\xbfx"), "\\u{FEFF}x");
	/* Bytes that are not UTF-8 (a hostile server) as \xHH. */
	assert_string_equal(esc("\xff\xc3("), "\\xFF\\xC3(");
	assert_string_equal(esc(""), "");
	/* Too small: refused, not truncated into another name. */
	assert_int_equal(ms_name_escape("a b c", small, sizeof(small)), -1);
	assert_int_equal(ms_name_escape("abcde", small, sizeof(small)), 0);
	assert_int_equal(ms_name_escape("abcdef", small, sizeof(small)), -1);
}

static const char *
json(const char *s)
{
	static char out[256];
	FILE *f = fmemopen(out, sizeof(out), "w");

	assert_non_null(f);
	assert_int_equal(ms_json_string(f, s), 0);
	assert_int_equal(fclose(f), 0);
	return out;
}

static void
test_json_string(void **state)
{
	assert_string_equal(json("data [secure]"), "\"data [secure]\"");
	assert_string_equal(json("q\"b\\s"), "\"q\\\"b\\\\s\"");
	assert_string_equal(json("\n\r\t\b\f\x01\x1f\x7f"),
	    "\"\\n\\r\\t\\b\\f\\u0001\\u001F\\u007F\"");
	assert_string_equal(json("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
	assert_string_equal(json("a\xe2\x80\xa8" "b"), "\"a\\u2028b\"");
	assert_string_equal(json("\xff"), "\"\\u00FF\"");
	assert_string_equal(json(""), "\"\"");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_escape),
		cmocka_unit_test(test_json_string),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
