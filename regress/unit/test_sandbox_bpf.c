/*
 * test_sandbox_bpf.c — the seccomp programs compiled into the worker at
 * build time (sandbox/bpfgen.c) are exactly what libseccomp makes of the
 * allowlist in sandbox/seccomp_filter.c, in both modes, and the debug
 * reports' name table is libseccomp's.  A stale or hand-edited program
 * fails here; what the loaded filter does is test_sandbox.c's and
 * regress/sandbox-*.sh's.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sandbox/sandbox_int.h"
#include "sandbox/seccomp_filter.h"

/* libseccomp's program for mode debug, now; *np instructions. */
static struct sock_filter *
export_now(int debug, size_t *np)
{
	scmp_filter_ctx ctx = NULL;
	struct sock_filter *p;
	struct stat st;
	FILE *f;

	assert_int_equal(ms_sb_filter_build(debug, &ctx), 0);
	assert_non_null(f = tmpfile());
	assert_int_equal(seccomp_export_bpf(ctx, fileno(f)), 0);
	seccomp_release(ctx);
	assert_int_equal(fstat(fileno(f), &st), 0);
	assert_true(st.st_size > 0);
	assert_int_equal((size_t)st.st_size % sizeof(*p), 0);
	*np = (size_t)st.st_size / sizeof(*p);
	assert_non_null(p = calloc(*np, sizeof(*p)));
	assert_int_equal(fseek(f, 0, SEEK_SET), 0);
	assert_int_equal(fread(p, sizeof(*p), *np, f), *np);
	fclose(f);
	return p;
}

static void
same_program(int debug, const struct sock_filter *built, size_t built_len)
{
	struct sock_filter *now;
	size_t n;

	now = export_now(debug, &n);
	assert_int_equal(built_len, n);
	assert_memory_equal(built, now, n * sizeof(*now));
	free(now);
}

static void
test_kill_program(void **state)
{
	(void)state;
	same_program(0, ms_sb_bpf_kill, ms_sb_bpf_kill_len);
}

static void
test_trap_program(void **state)
{
	(void)state;
	same_program(1, ms_sb_bpf_trap, ms_sb_bpf_trap_len);
}

/* The modes differ in their default action, so in their programs. */
static void
test_modes_differ(void **state)
{
	(void)state;
	assert_true(ms_sb_bpf_kill_len != ms_sb_bpf_trap_len ||
	    memcmp(ms_sb_bpf_kill, ms_sb_bpf_trap,
	    ms_sb_bpf_kill_len * sizeof(*ms_sb_bpf_kill)) != 0);
}

static void
test_names(void **state)
{
	char *s;
	int nr;

	(void)state;
	assert_string_equal(ms_sb_syscall_names[SYS_socket], "socket");
	assert_string_equal(ms_sb_syscall_names[SYS_read], "read");
	for (nr = 0; nr < MS_SB_NAMES_MAX; nr++) {
		s = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
		if (s == NULL)
			assert_null(ms_sb_syscall_names[nr]);
		else {
			assert_non_null(ms_sb_syscall_names[nr]);
			assert_string_equal(ms_sb_syscall_names[nr], s);
		}
		free(s);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kill_program),
		cmocka_unit_test(test_trap_program),
		cmocka_unit_test(test_modes_differ),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
