/*
 * test_principals.c — AuthorizedPrincipalsFile parsing (monitor/principals.c):
 * key lines, groups, cert lines, repeated names, bad keys, comments and
 * the caps, each error as FILE:LINE.
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
#include "keyfile.h"
#include "principals.h"

#define TESTFS_NAME	"principals"
#include "testfs.h"

/* "ms-ed25519 BASE64" (or ms-x25519) for 32 bytes of fill. */
static char *
key_text(const char *type, int fill)
{
	u_char raw[32];
	char *b64 = NULL, *line = NULL;

	memset(raw, fill, sizeof(raw));
	assert_int_equal(ms_base64_encode(raw, sizeof(raw), 0, &b64), 0);
	assert_true(asprintf(&line, "%s %s", type, b64) > 0);
	free(b64);
	return line;
}

/* Load text from a file; the error message (or "") in err. */
static int
load_text(const char *text, struct principals *p, char *err, size_t errlen)
{
	char path[256];

	mkpath(path, sizeof(path), "principals");
	write_file(path, text);
	err[0] = '\0';
	return principals_load(path, p, err, errlen);
}

/* The load fails at line with a message containing what. */
static void
expect_error(const char *text, int line, const char *what)
{
	struct principals p;
	char err[512], want[64];

	assert_int_equal(load_text(text, &p, err, sizeof(err)),
	    MS_ERR_INVALID_FORMAT);
	snprintf(want, sizeof(want), "/principals:%d: ", line);
	if (strstr(err, want) == NULL || strstr(err, what) == NULL)
		fail_msg("error \"%s\", want \"%s\" and \"%s\"", err, want,
		    what);
	/* A failed load leaves nothing behind. */
	assert_int_equal(p.n, 0);
	assert_null(p.v);
}

static void
test_key_lines(void **state)
{
	struct principals p;
	const struct principal *pr;
	char *k1 = key_text("ms-ed25519", 0x11), *k2 = key_text("ms-ed25519",
	    0x22), text[1024], err[512];
	u_char raw[32];

	snprintf(text, sizeof(text),
	    "# comment\n"
	    "\n"
	    "   \t\n"
	    "  # indented comment\n"
	    "alice %s alice@laptop with spaces\n"
	    "\tbob\t%s\r\n",
	    k1, k2);
	assert_int_equal(load_text(text, &p, err, sizeof(err)), 0);
	assert_int_equal(p.n, 2);
	memset(raw, 0x11, sizeof(raw));
	assert_non_null(pr = principals_find(&p, raw));
	assert_string_equal(pr->name, "alice");
	assert_int_equal(pr->cert, 0);
	assert_int_equal(pr->ngroups, 0);
	memset(raw, 0x22, sizeof(raw));
	assert_non_null(pr = principals_find(&p, raw));
	assert_string_equal(pr->name, "bob");
	memset(raw, 0x33, sizeof(raw));
	assert_null(principals_find(&p, raw));
	/* Key lines are not cert lines. */
	assert_null(principals_find_cert(&p, "alice"));
	principals_free(&p);
	assert_int_equal(p.n, 0);
	assert_null(p.v);
	free(k1);
	free(k2);
}

static void
test_groups(void **state)
{
	struct principals p;
	const struct principal *pr;
	char *k1 = key_text("ms-ed25519", 0x11), text[2048], err[512];
	u_char raw[32];
	size_t i;
	int n;

	snprintf(text, sizeof(text), "alice groups=ops,dev,db-admins %s\n",
	    k1);
	assert_int_equal(load_text(text, &p, err, sizeof(err)), 0);
	memset(raw, 0x11, sizeof(raw));
	assert_non_null(pr = principals_find(&p, raw));
	assert_int_equal(pr->ngroups, 3);
	assert_string_equal(pr->groups[0], "ops");
	assert_string_equal(pr->groups[1], "dev");
	assert_string_equal(pr->groups[2], "db-admins");
	principals_free(&p);

	/* PRINCIPAL_GROUPS_MAX groups are fine, one more is not. */
	n = snprintf(text, sizeof(text), "alice groups=g0");
	for (i = 1; i < PRINCIPAL_GROUPS_MAX; i++)
		n += snprintf(text + n, sizeof(text) - n, ",g%zu", i);
	snprintf(text + n, sizeof(text) - n, " %s\n", k1);
	assert_int_equal(load_text(text, &p, err, sizeof(err)), 0);
	assert_int_equal(p.v[0].ngroups, PRINCIPAL_GROUPS_MAX);
	principals_free(&p);
	n = snprintf(text, sizeof(text), "alice groups=g0");
	for (i = 1; i <= PRINCIPAL_GROUPS_MAX; i++)
		n += snprintf(text + n, sizeof(text) - n, ",g%zu", i);
	snprintf(text + n, sizeof(text) - n, " %s\n", k1);
	expect_error(text, 1, "invalid groups= list");

	/* Empty or invalid group names, and groups= with nothing after. */
	snprintf(text, sizeof(text), "alice groups=ops,,dev %s\n", k1);
	expect_error(text, 1, "invalid groups= list");
	snprintf(text, sizeof(text), "alice groups= %s\n", k1);
	expect_error(text, 1, "invalid groups= list");
	snprintf(text, sizeof(text), "alice groups=op/s %s\n", k1);
	expect_error(text, 1, "invalid groups= list");
	expect_error("alice groups=ops\n", 1, "invalid groups= list");
	free(k1);
}

static void
test_cert_lines(void **state)
{
	struct principals p;
	const struct principal *pr;
	char *k1 = key_text("ms-ed25519", 0x11), text[1024], err[512];
	u_char zero[32];

	snprintf(text, sizeof(text),
	    "carol groups=ops cert\n"
	    "dave cert  certificate principal, comment\n"
	    "carol %s\n", k1);
	assert_int_equal(load_text(text, &p, err, sizeof(err)), 0);
	assert_int_equal(p.n, 3);
	assert_non_null(pr = principals_find_cert(&p, "carol"));
	assert_int_equal(pr->cert, 1);
	assert_int_equal(pr->ngroups, 1);
	assert_string_equal(pr->groups[0], "ops");
	assert_non_null(pr = principals_find_cert(&p, "dave"));
	assert_int_equal(pr->ngroups, 0);
	assert_null(principals_find_cert(&p, "erin"));
	/* A cert line's all-zero key slot never matches a key. */
	memset(zero, 0, sizeof(zero));
	assert_null(principals_find(&p, zero));
	principals_free(&p);

	/* At most one cert line per name. */
	expect_error("carol cert\n# between\ncarol groups=dev cert\n", 3,
	    "second cert line for this name");
	/* "cert" must be the whole word. */
	expect_error("carol certificate\n", 1, "invalid public key");
	free(k1);
}

/* uid= and user= lines map a local peer's uid; they hold no key. */
static void
test_local_lines(void **state)
{
	struct principals p;
	const struct principal *pr;
	char err[512];
	u_char zero[32];

	assert_int_equal(load_text("alice groups=ops,dev uid=1000 a comment\n"
	    "bob uid=1001\n"
	    "rootish user=root\n", &p, err, sizeof(err)), 0);
	assert_int_equal(p.n, 3);
	assert_non_null(pr = principals_find_uid(&p, 1000));
	assert_string_equal(pr->name, "alice");
	assert_int_equal(pr->local, 1);
	assert_int_equal(pr->ngroups, 2);
	assert_string_equal(pr->groups[1], "dev");
	assert_non_null(pr = principals_find_uid(&p, 1001));
	assert_string_equal(pr->name, "bob");
	/* user= is resolved at load: root is uid 0 everywhere. */
	assert_non_null(pr = principals_find_uid(&p, 0));
	assert_string_equal(pr->name, "rootish");
	assert_null(principals_find_uid(&p, 1002));
	/* No key slot of a local line matches a key. */
	memset(zero, 0, sizeof(zero));
	assert_null(principals_find(&p, zero));
	assert_null(principals_find_cert(&p, "alice"));
	principals_free(&p);

	expect_error("alice uid=1000\nbob uid=1000\n", 2,
	    "second line for this uid");
	expect_error("alice uid=\n", 1, "invalid uid=");
	expect_error("alice uid=-1\n", 1, "invalid uid=");
	expect_error("alice uid=12x\n", 1, "invalid uid=");
	expect_error("alice uid=4294967295\n", 1, "invalid uid=");
	expect_error("alice user=no-such-user-metasafe-test\n", 1,
	    "user= names no local user");
	expect_error("alice user=\n", 1, "user= names no local user");
}

/* One name may have several keys: each maps to it. */
static void
test_repeated_names(void **state)
{
	struct principals p;
	const struct principal *pr;
	char *k1 = key_text("ms-ed25519", 0x11), *k2 = key_text("ms-ed25519",
	    0x22), text[1024], err[512];
	u_char raw[32];

	snprintf(text, sizeof(text), "alice %s\nalice groups=ops %s\n", k1,
	    k2);
	assert_int_equal(load_text(text, &p, err, sizeof(err)), 0);
	assert_int_equal(p.n, 2);
	memset(raw, 0x11, sizeof(raw));
	assert_non_null(pr = principals_find(&p, raw));
	assert_string_equal(pr->name, "alice");
	assert_int_equal(pr->ngroups, 0);
	memset(raw, 0x22, sizeof(raw));
	assert_non_null(pr = principals_find(&p, raw));
	assert_string_equal(pr->name, "alice");
	assert_int_equal(pr->ngroups, 1);
	principals_free(&p);
	/* The same key twice: the first line wins. */
	snprintf(text, sizeof(text), "alice %s\nmallory %s\n", k1, k1);
	assert_int_equal(load_text(text, &p, err, sizeof(err)), 0);
	memset(raw, 0x11, sizeof(raw));
	assert_non_null(pr = principals_find(&p, raw));
	assert_string_equal(pr->name, "alice");
	principals_free(&p);
	free(k1);
	free(k2);
}

static void
test_bad_lines(void **state)
{
	char *k1 = key_text("ms-ed25519", 0x11), *kx = key_text("ms-x25519",
	    0x11), text[1024];

	snprintf(text, sizeof(text), "# ok\nalice %s\nbob %s\n", k1, kx);
	expect_error(text, 3, "client keys must be ms-ed25519");
	expect_error("alice ms-ed25519 !!!notbase64\n", 1,
	    "invalid public key");
	expect_error("alice ms-ed25519 AAAA\n", 1, "invalid public key");
	expect_error("alice ms-rsa AAAA\n", 1, "invalid public key");
	expect_error("alice\n", 1, "invalid principal name");
	snprintf(text, sizeof(text), "Al/ice %s\n", k1);
	expect_error(text, 1, "invalid principal name");
	snprintf(text, sizeof(text), "alice: %s\n", k1);
	expect_error(text, 1, "invalid principal name");
	free(k1);
	free(kx);
}

static void
test_limits(void **state)
{
	struct principals p;
	char *k1 = key_text("ms-ed25519", 0x11), name[MS_PRINCIPAL_MAX + 2],
	    text[8192], err[512];
	size_t n;

	/* A name of MS_PRINCIPAL_MAX bytes, not one more. */
	memset(name, 'a', MS_PRINCIPAL_MAX);
	name[MS_PRINCIPAL_MAX] = '\0';
	snprintf(text, sizeof(text), "%s %s\n", name, k1);
	assert_int_equal(load_text(text, &p, err, sizeof(err)), 0);
	assert_string_equal(p.v[0].name, name);
	principals_free(&p);
	name[MS_PRINCIPAL_MAX] = 'a';
	name[MS_PRINCIPAL_MAX + 1] = '\0';
	snprintf(text, sizeof(text), "%s %s\n", name, k1);
	expect_error(text, 1, "invalid principal name");

	/*
	 * "At most 4095 bytes" (metasafed_config(5)) counts the newline:
	 * 4094 bytes and a newline are read, one byte more is too long.
	 */
	text[0] = '#';
	memset(text + 1, 'c', 4093);
	n = 4094 + (size_t)snprintf(text + 4094, sizeof(text) - 4094,
	    "\nalice %s\n", k1);
	assert_int_equal(load_text(text, &p, err, sizeof(err)), 0);
	assert_int_equal(p.n, 1);
	principals_free(&p);
	strlcpy(text, "# first\n#", sizeof(text));
	memset(text + 9, 'c', 4094);
	snprintf(text + 9 + 4094, sizeof(text) - 9 - 4094, "\nalice %s\n", k1);
	expect_error(text, 2, "line too long");
	/* A key line's comment is bounded by the public-key line cap. */
	n = (size_t)snprintf(text, sizeof(text), "alice %s ", k1);
	memset(text + n, 'c', MS_PUBKEY_LINE_MAX);
	strlcpy(text + n + MS_PUBKEY_LINE_MAX, "\n",
	    sizeof(text) - n - MS_PUBKEY_LINE_MAX);
	expect_error(text, 1, "invalid public key");
	free(k1);
}

static void
test_missing_file(void **state)
{
	struct principals p;
	char path[256], err[512];

	mkpath(path, sizeof(path), "absent");
	assert_int_equal(principals_load(path, &p, err, sizeof(err)),
	    MS_ERR_SYSTEM);
	assert_non_null(strstr(err, "absent: cannot open"));
	assert_int_equal(p.n, 0);
	/* An empty file is no principals, not an error. */
	assert_int_equal(load_text("", &p, err, sizeof(err)), 0);
	assert_int_equal(p.n, 0);
	principals_free(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_lines),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_cert_lines),
		cmocka_unit_test(test_local_lines),
		cmocka_unit_test(test_repeated_names),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_missing_file),
	};

	return cmocka_run_group_tests(tests, testfs_setup, testfs_teardown);
}
