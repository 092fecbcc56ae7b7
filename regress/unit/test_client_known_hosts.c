/*
 * test_client_known_hosts.c — libmetasafe's known_hosts: host names,
 * parsing and matching, appending a new key.
 */
#include "client_fixture.h"

/* --- known_hosts --------------------------------------------------------- */

static void
test_kh_hostname(void **state)
{
	char out[64];

	assert_int_equal(cl_kh_hostname("db1", "7439", out, sizeof(out)), 0);
	assert_string_equal(out, "[db1]:7439");
	assert_int_equal(cl_kh_hostname("::1", "7439", out, sizeof(out)), 0);
	assert_string_equal(out, "[::1]:7439");
	/* A socket path names the daemon: no port in its pin. */
	assert_int_equal(cl_kh_hostname("unix:/run/m.sock", "7439", out,
	    sizeof(out)), 0);
	assert_string_equal(out, "[unix:/run/m.sock]");
	assert_int_equal(cl_kh_hostname("unix:/run/a b", "7439", out,
	    sizeof(out)), METASAFE_ERR_INVALID);
	assert_int_equal(cl_kh_hostname("a b", "7439", out, sizeof(out)),
	    METASAFE_ERR_INVALID);
	assert_int_equal(cl_kh_hostname("a,b", "7439", out, sizeof(out)),
	    METASAFE_ERR_INVALID);
	assert_int_equal(cl_kh_hostname("", "7439", out, sizeof(out)),
	    METASAFE_ERR_INVALID);
	assert_int_equal(cl_kh_hostname("averyveryverylonghostname.example."
	    "org", "7439", out, 16), METASAFE_ERR_INVALID);
}

static void
test_kh_check(void **state)
{
	u_char k1[32], k2[32], k3[32], exp[32];
	char path[512], text[2048], *b1, *b2;
	enum cl_kh_result res;
	u_long line;

	memset(k1, 0x11, sizeof(k1));
	memset(k2, 0x22, sizeof(k2));
	memset(k3, 0x33, sizeof(k3));
	b1 = key_b64(k1);
	b2 = key_b64(k2);
	mk_tmpdir();
	snprintf(path, sizeof(path), "%s/known_hosts", tmpdir);

	/* Missing file: unknown, not an error. */
	assert_int_equal(cl_kh_check(path, "[db1]:7439", k1, &res, &line,
	    exp), 0);
	assert_int_equal(res, CL_KH_UNKNOWN);

	snprintf(text, sizeof(text),
	    "# comment\n"
	    "\n"
	    "garbage line without key\n"
	    "[db1]:7439 ms-x25519 %s\n"		/* wrong type: skipped */
	    "[other]:7439,[DB2]:7439 ms-ed25519 %s comment here\n"
	    "[db1]:7439 ms-ed25519 %s\n"
	    "[db1]:7439 ms-ed25519 !!notbase64!!\n"
	    "[db1]:7440 ms-ed25519 %s\n",
	    b2, b2, b1, b2);
	write_file(path, text);

	assert_int_equal(cl_kh_check(path, "[db1]:7439", k1, &res, &line,
	    exp), 0);
	assert_int_equal(res, CL_KH_MATCH);
	assert_int_equal(line, 6);

	/* Known with another key: changed, reports line and pinned key. */
	assert_int_equal(cl_kh_check(path, "[db1]:7439", k3, &res, &line,
	    exp), 0);
	assert_int_equal(res, CL_KH_CHANGED);
	assert_int_equal(line, 6);
	assert_memory_equal(exp, k1, 32);

	/* Comma list, case-insensitive host names. */
	assert_int_equal(cl_kh_check(path, "[db2]:7439", k2, &res, &line,
	    exp), 0);
	assert_int_equal(res, CL_KH_MATCH);
	assert_int_equal(line, 5);

	/* Port is part of the name. */
	assert_int_equal(cl_kh_check(path, "[db1]:7440", k1, &res, &line,
	    exp), 0);
	assert_int_equal(res, CL_KH_CHANGED);
	assert_int_equal(line, 8);
	assert_int_equal(cl_kh_check(path, "[db1]:1", k1, &res, &line,
	    exp), 0);
	assert_int_equal(res, CL_KH_UNKNOWN);

	/*
	 * Key roll-over: several lines for one host; a key matching any of
	 * them is accepted, one matching none is CHANGED (first pin shown).
	 */
	snprintf(text, sizeof(text),
	    "[db1]:7439 ms-ed25519 %s old\n"
	    "[db2]:7439 ms-ed25519 %s\n"
	    "[db1]:7439 ms-ed25519 %s new\n",
	    b1, b1, b2);
	write_file(path, text);
	assert_int_equal(cl_kh_check(path, "[db1]:7439", k1, &res, &line,
	    exp), 0);
	assert_int_equal(res, CL_KH_MATCH);
	assert_int_equal(line, 1);
	assert_int_equal(cl_kh_check(path, "[db1]:7439", k2, &res, &line,
	    exp), 0);
	assert_int_equal(res, CL_KH_MATCH);
	assert_int_equal(line, 3);
	assert_int_equal(cl_kh_check(path, "[db1]:7439", k3, &res, &line,
	    exp), 0);
	assert_int_equal(res, CL_KH_CHANGED);
	assert_int_equal(line, 1);
	assert_memory_equal(exp, k1, 32);
	{
		u_long npinned = 9;

		assert_int_equal(cl_kh_check_count(path, "[db1]:7439", k3,
		    &res, &line, exp, &npinned), 0);
		assert_int_equal(res, CL_KH_CHANGED);
		assert_int_equal(npinned, 2);
		assert_int_equal(cl_kh_check_count(path, "[nope]:1", k3,
		    &res, &line, exp, &npinned), 0);
		assert_int_equal(res, CL_KH_UNKNOWN);
		assert_int_equal(npinned, 0);
	}
	/* Another host's pin never vouches for this one. */
	assert_int_equal(cl_kh_check(path, "[db2]:7439", k2, &res, &line,
	    exp), 0);
	assert_int_equal(res, CL_KH_CHANGED);

	/* The plain form without brackets is not accepted. */
	write_file(path, "db1 ms-ed25519 ");
	assert_int_equal(cl_kh_check(path, "[db1]:7439", k1, &res, &line,
	    exp), 0);
	assert_int_equal(res, CL_KH_UNKNOWN);

	free(b1);
	free(b2);
	rm_tmpdir();
}

static void
test_kh_add(void **state)
{
	u_char k1[32], k2[32], exp[32];
	char path[512], dir[400], buf[1024];
	enum cl_kh_result res;
	struct stat st;
	u_long line;
	FILE *f;
	size_t n;

	memset(k1, 0x44, sizeof(k1));
	memset(k2, 0x55, sizeof(k2));
	mk_tmpdir();
	/* The directory (like ~/.metasafe) is created 0700. */
	snprintf(dir, sizeof(dir), "%s/.metasafe", tmpdir);
	snprintf(path, sizeof(path), "%s/known_hosts", dir);
	assert_int_equal(cl_kh_add(path, "[h1]:7439", k1), 0);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(cl_kh_check(path, "[h1]:7439", k1, &res, &line,
	    exp), 0);
	assert_int_equal(res, CL_KH_MATCH);

	/* A file without a final newline gets one before the new line. */
	assert_non_null(f = fopen(path, "a"));
	fputs("# no newline", f);
	fclose(f);
	assert_int_equal(cl_kh_add(path, "[h2]:7439", k2), 0);
	assert_int_equal(cl_kh_check(path, "[h2]:7439", k2, &res, &line,
	    exp), 0);
	assert_int_equal(res, CL_KH_MATCH);
	assert_int_equal(line, 3);
	assert_non_null(f = fopen(path, "r"));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "# no newline\n[h2]:7439 ms-ed25519 "));
	rm_tmpdir();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kh_hostname),
		cmocka_unit_test(test_kh_check),
		cmocka_unit_test(test_kh_add),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
