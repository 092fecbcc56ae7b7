/*
 * test_path.c — path and record name validation (common/path.c).
 */
#include <sys/types.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "errors.h"
#include "path.h"

#define INVAL	MS_ERR_INVALID_ARGUMENT

static int
pv(const char *p)
{
	return ms_path_valid(p, strlen(p));
}

static int
nv(const char *n)
{
	return ms_record_name_valid(n, strlen(n));
}

/* "/" followed by segments of seglen 'x's, total length exactly total. */
static char *
long_path(size_t total, size_t seglen)
{
	char *p;
	size_t i, since = 0;

	assert_true(total >= 2);
	p = malloc(total + 1);
	assert_non_null(p);
	p[0] = '/';
	for (i = 1; i < total; i++) {
		if (since == seglen && i + 1 < total) {
			p[i] = '/';
			since = 0;
		} else {
			p[i] = 'x';
			since++;
		}
	}
	p[total] = '\0';
	return p;
}

static void
test_path_valid(void **state)
{
	assert_int_equal(pv("/"), 0);
	assert_int_equal(pv("/a"), 0);
	assert_int_equal(pv("/a/b"), 0);
	assert_int_equal(pv("/web/prod/db"), 0);
	assert_int_equal(pv("/a b/c-d_e.f"), 0);
	assert_int_equal(pv("/.hidden"), 0);
	assert_int_equal(pv("/..."), 0);
	assert_int_equal(pv("/a./..b"), 0);
	assert_int_equal(pv("/caf\xc3\xa9"), 0);		/* U+00E9 */
	assert_int_equal(pv("/\xc2\xa0"), 0);			/* U+00A0 */
	assert_int_equal(pv("/\xe2\x82\xac"), 0);		/* U+20AC */
	assert_int_equal(pv("/\xed\x9f\xbf"), 0);		/* U+D7FF */
	assert_int_equal(pv("/\xee\x80\x80"), 0);		/* U+E000 */
	assert_int_equal(pv("/\xf0\x9f\x94\x91"), 0);		/* U+1F511 */
	assert_int_equal(pv("/\xf4\x8f\xbf\xbf"), 0);		/* U+10FFFF */
	assert_int_equal(pv("/~"), 0);
}

static void
test_path_invalid_structure(void **state)
{
	assert_int_equal(ms_path_valid(NULL, 1), INVAL);
	assert_int_equal(pv(""), INVAL);
	assert_int_equal(pv("a"), INVAL);
	assert_int_equal(pv("a/b"), INVAL);
	assert_int_equal(pv("//"), INVAL);
	assert_int_equal(pv("/a/"), INVAL);
	assert_int_equal(pv("/a//b"), INVAL);
	assert_int_equal(pv("//a"), INVAL);
	assert_int_equal(pv("/."), INVAL);
	assert_int_equal(pv("/.."), INVAL);
	assert_int_equal(pv("/a/./b"), INVAL);
	assert_int_equal(pv("/a/../b"), INVAL);
	assert_int_equal(pv("/a/.."), INVAL);
	assert_int_equal(pv("/a/."), INVAL);
	assert_int_equal(pv("/../a"), INVAL);
	/* The length given is authoritative: an embedded NUL is refused. */
	assert_int_equal(ms_path_valid("/a\0b", 4), INVAL);
	assert_int_equal(ms_path_valid("/a\0", 3), INVAL);
	assert_int_equal(ms_path_valid("/ab", 2), 0);
}

static void
test_path_invalid_chars(void **state)
{
	char p[4];
	int c;

	for (c = 1; c < 0x20; c++) {
		p[0] = '/';
		p[1] = (char)c;
		p[2] = '\0';
		assert_int_equal(pv(p), INVAL);
	}
	assert_int_equal(pv("/a\x7f"), INVAL);			/* DEL */
	assert_int_equal(pv("/\xc2\x80"), INVAL);		/* C1 U+0080 */
	assert_int_equal(pv("/\xc2\x85"), INVAL);		/* NEL */
	assert_int_equal(pv("/\xc2\x9f"), INVAL);		/* C1 U+009F */
	assert_int_equal(pv("/a\tb"), INVAL);
	assert_int_equal(pv("/a\nb"), INVAL);
	/* Invalid UTF-8. */
	assert_int_equal(pv("/\x80"), INVAL);			/* lone continuation */
	assert_int_equal(pv("/\xbf"), INVAL);
	assert_int_equal(pv("/\xc3"), INVAL);			/* truncated */
	assert_int_equal(pv("/\xc3/a"), INVAL);
	assert_int_equal(pv("/\xe2\x82"), INVAL);
	assert_int_equal(pv("/\xf0\x9f\x94"), INVAL);
	assert_int_equal(pv("/\xc3\x28"), INVAL);		/* bad continuation */
	assert_int_equal(pv("/\xe2\x28\xa1"), INVAL);
	assert_int_equal(pv("/\xfe"), INVAL);
	assert_int_equal(pv("/\xff"), INVAL);
	/* Overlong forms, including of '/' and NUL. */
	assert_int_equal(pv("/\xc0\xaf"), INVAL);
	assert_int_equal(pv("/\xc0\x80"), INVAL);
	assert_int_equal(pv("/\xc1\xbf"), INVAL);
	assert_int_equal(pv("/\xe0\x80\xaf"), INVAL);
	assert_int_equal(pv("/\xe0\x9f\xbf"), INVAL);
	assert_int_equal(pv("/\xf0\x80\x80\xaf"), INVAL);
	assert_int_equal(pv("/\xf0\x8f\xbf\xbf"), INVAL);
	/* Surrogates. */
	assert_int_equal(pv("/\xed\xa0\x80"), INVAL);		/* U+D800 */
	assert_int_equal(pv("/\xed\xbf\xbf"), INVAL);		/* U+DFFF */
	assert_int_equal(pv("/\xed\xa0\xbd\xed\xb2\xa9"), INVAL); /* CESU pair */
	/* Above U+10FFFF. */
	assert_int_equal(pv("/\xf4\x90\x80\x80"), INVAL);
	assert_int_equal(pv("/\xf5\x80\x80\x80"), INVAL);
	assert_int_equal(pv("/\xf8\x88\x80\x80\x80"), INVAL);
}

static void
test_path_lengths(void **state)
{
	char *p;
	char seg[MS_PATH_SEGMENT_MAX + 3];

	/* Total length exactly at the cap, then one above. */
	p = long_path(MS_PATH_MAX, 200);
	assert_int_equal(strlen(p), MS_PATH_MAX);
	assert_int_equal(pv(p), 0);
	free(p);
	p = long_path(MS_PATH_MAX + 1, 200);
	assert_int_equal(pv(p), INVAL);
	free(p);
	/* Deepest possible path: "/x/x/.../x". */
	p = long_path(MS_PATH_MAX - 1, 1);
	assert_int_equal(pv(p), 0);
	free(p);

	/* Segment exactly at its cap, then one above. */
	seg[0] = '/';
	memset(seg + 1, 'y', MS_PATH_SEGMENT_MAX);
	seg[MS_PATH_SEGMENT_MAX + 1] = '\0';
	assert_int_equal(pv(seg), 0);
	seg[MS_PATH_SEGMENT_MAX + 1] = 'y';
	seg[MS_PATH_SEGMENT_MAX + 2] = '\0';
	assert_int_equal(pv(seg), INVAL);
}

static void
test_record_names(void **state)
{
	char n[MS_RECORD_NAME_MAX + 2];

	assert_int_equal(nv("password"), 0);
	assert_int_equal(nv("a"), 0);
	assert_int_equal(nv("."), 0);
	assert_int_equal(nv(".."), 0);
	assert_int_equal(nv("db url"), 0);
	assert_int_equal(nv("cl\xc3\xa9"), 0);
	assert_int_equal(nv("\xf0\x9f\x94\x91"), 0);
	assert_int_equal(nv(""), INVAL);
	assert_int_equal(ms_record_name_valid(NULL, 3), INVAL);
	assert_int_equal(nv("a/b"), INVAL);
	assert_int_equal(nv("/"), INVAL);
	assert_int_equal(nv("a\x01"), INVAL);
	assert_int_equal(nv("a\x7f"), INVAL);
	assert_int_equal(nv("\xc2\x9b"), INVAL);
	assert_int_equal(nv("\xc0\xaf"), INVAL);		/* overlong '/' */
	assert_int_equal(nv("\xed\xa0\x80"), INVAL);
	assert_int_equal(nv("\xe2\x82"), INVAL);
	assert_int_equal(ms_record_name_valid("a\0b", 3), INVAL);

	memset(n, 'n', MS_RECORD_NAME_MAX);
	n[MS_RECORD_NAME_MAX] = '\0';
	assert_int_equal(nv(n), 0);
	n[MS_RECORD_NAME_MAX] = 'n';
	n[MS_RECORD_NAME_MAX + 1] = '\0';
	assert_int_equal(nv(n), INVAL);
	/* A multi-byte character straddling the cap is still too long. */
	memset(n, 'n', MS_RECORD_NAME_MAX - 1);
	n[MS_RECORD_NAME_MAX - 1] = '\xc3';
	n[MS_RECORD_NAME_MAX] = '\xa9';
	n[MS_RECORD_NAME_MAX + 1] = '\0';
	assert_int_equal(nv(n), INVAL);
}

static void
test_parent(void **state)
{
	char out[MS_PATH_MAX + 1];
	char small[2];

	assert_int_equal(ms_path_parent("/a/b/c", out, sizeof(out)), 0);
	assert_string_equal(out, "/a/b");
	assert_int_equal(ms_path_parent("/a/b", out, sizeof(out)), 0);
	assert_string_equal(out, "/a");
	assert_int_equal(ms_path_parent("/a", out, sizeof(out)), 0);
	assert_string_equal(out, "/");
	assert_int_equal(ms_path_parent("/", out, sizeof(out)), INVAL);
	assert_int_equal(ms_path_parent("/a/", out, sizeof(out)), INVAL);
	assert_int_equal(ms_path_parent("a/b", out, sizeof(out)), INVAL);
	assert_int_equal(ms_path_parent("/a/../b", out, sizeof(out)), INVAL);
	assert_int_equal(ms_path_parent(NULL, out, sizeof(out)), INVAL);
	assert_int_equal(ms_path_parent("/ab/c", small, sizeof(small)),
	    MS_ERR_NO_BUFFER_SPACE);
	assert_int_equal(ms_path_parent("/a", small, sizeof(small)), 0);
	assert_string_equal(small, "/");
	/* In place. */
	strlcpy(out, "/x/y", sizeof(out));
	assert_int_equal(ms_path_parent(out, out, sizeof(out)), 0);
	assert_string_equal(out, "/x");

	assert_true(ms_path_is_root("/"));
	assert_false(ms_path_is_root("/a"));
	assert_false(ms_path_is_root(""));
	assert_false(ms_path_is_root(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_valid),
		cmocka_unit_test(test_path_invalid_structure),
		cmocka_unit_test(test_path_invalid_chars),
		cmocka_unit_test(test_path_lengths),
		cmocka_unit_test(test_record_names),
		cmocka_unit_test(test_parent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
