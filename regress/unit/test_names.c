/*
 * test_names.c — one table of valid and invalid ACL names and rights
 * strings (PROTOCOL.md 8), run through every side that checks them:
 *
 *   client   metasafe_acl_entry_parse() ("who=rights", what the CLI uses)
 *   worker   w_request() with a SETACL from the client
 *   monitor  mon_dispatch() with a SETACL from the worker, then GETACL to
 *            read back the stored (canonical) rights; and, for plain
 *            names, AdminPrincipals (servconf_load) and an
 *            AuthorizedPrincipalsFile "NAME groups=NAME cert" line
 *
 * plus common/names.c itself.  They all go through names.c, so they must
 * agree with the table; a side that grows its own check again fails here.
 */
#include <sys/types.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "crypto.h"
#include "errors.h"
#include "frame.h"
#include "log.h"
#include "metasafe.h"
#include "mon.h"
#include "mslimits.h"
#include "names.h"
#include "principals.h"
#include "proto.h"
#include "servconf.h"
#include "store.h"
#include "worker.h"

#define N64	"a234567890123456789012345678901234567890123456789012345678901234"

static const struct name_case {
	const char	*who;
	const char	*rights;
	int		 who_ok;
	int		 rights_ok;
	const char	*canon;		/* stored form when both are valid */
} cases[] = {
	/* Names. */
	{ "alice",			"r",	1, 1, "r" },
	{ "svc-web_01.prod@example.org", "rs", 1, 1, "rs" },
	{ "A",				"a",	1, 1, "a" },
	{ "0.9",			"l",	1, 1, "l" },
	{ N64,				"w",	1, 1, "w" },
	{ N64 "5",			"r",	0, 1, NULL },	/* 65 bytes */
	{ "group:ops",			"rl",	1, 1, "rl" },
	{ "group:" N64,			"r",	1, 1, "r" },	/* who cap */
	{ "group:" N64 "5",		"r",	0, 1, NULL },
	{ "group:",			"r",	0, 1, NULL },
	{ "group:a:b",			"r",	0, 1, NULL },
	{ "group:group:ops",		"r",	0, 1, NULL },
	{ "grp:ops",			"r",	0, 1, NULL },
	{ "user:x",			"r",	0, 1, NULL },
	{ "Group:ops",			"r",	0, 1, NULL },
	/* systemd units (CredentialSocket): never a key or cert principal. */
	{ "unit:app.service",		"rs",	1, 1, "rs" },
	{ "unit:app@web\\x2d1.service",	"r",	1, 1, "r" },
	{ "unit:getty@tty1:x.service",	"r",	1, 1, "r" },
	{ "unit:" N64,			"r",	1, 1, "r" },	/* who cap */
	{ "unit:" N64 "5",		"r",	0, 1, NULL },
	{ "unit:",			"r",	0, 1, NULL },
	{ "unit:a b.service",		"r",	0, 1, NULL },
	{ "unit:a/b.service",		"r",	0, 1, NULL },
	{ "Unit:app.service",		"r",	0, 1, NULL },
	{ "group:unit:app.service",	"r",	0, 1, NULL },
	{ "",				"r",	0, 1, NULL },
	{ "a b",			"r",	0, 1, NULL },
	{ "a\tb",			"r",	0, 1, NULL },
	{ "a/b",			"r",	0, 1, NULL },
	{ "a+b",			"r",	0, 1, NULL },
	{ "a\n",			"r",	0, 1, NULL },
	{ "caf\xc3\xa9",		"r",	0, 1, NULL },	/* UTF-8 */
	{ "caf\xe9",			"r",	0, 1, NULL },	/* Latin-1 */
	{ "\x7f",			"r",	0, 1, NULL },
	/* Rights. */
	{ "bob",			"",	1, 1, "" },	/* removal */
	{ "bob",			"rswla", 1, 1, "rswla" },
	{ "bob",			"alwsr", 1, 1, "rswla" },
	{ "bob",			"rr",	1, 1, "r" },
	{ "bob",			"lrl",	1, 1, "rl" },
	{ "bob",			"aaaaa", 1, 1, "a" },
	{ "bob",			"rrrrrr", 1, 0, NULL },	/* > 5 */
	{ "bob",			"rswlar", 1, 0, NULL },
	{ "bob",			"x",	1, 0, NULL },
	{ "bob",			"R",	1, 0, NULL },
	{ "bob",			"rw ",	1, 0, NULL },
	{ "bob",			"r,w",	1, 0, NULL },
	{ "bob",			"\xc3\xa9", 1, 0, NULL },
	/* Both wrong. */
	{ "a b",			"x",	0, 0, NULL },
};
#define NCASES	(sizeof(cases) / sizeof(cases[0]))

static int
case_ok(const struct name_case *c)
{
	return c->who_ok && c->rights_ok;
}

/* --- common/names.c --------------------------------------------------- */

static void
test_names_table(void **state)
{
	char canon[MS_RIGHTS_MAX + 1];
	uint8_t bits;
	size_t i;

	for (i = 0; i < NCASES; i++) {
		const struct name_case *c = &cases[i];

		if ((ms_acl_who_valid(c->who) == 0) != c->who_ok)
			fail_msg("names.c: who \"%s\"", c->who);
		if ((ms_rights_parse(c->rights, &bits) == 0) != c->rights_ok)
			fail_msg("names.c: rights \"%s\"", c->rights);
		if (!case_ok(c))
			continue;
		ms_rights_format(bits, canon);
		assert_string_equal(canon, c->canon);
	}
}

/* --- the client ------------------------------------------------------- */

static void
test_client_table(void **state)
{
	struct metasafe_acl_entry e;
	char arg[256];
	size_t i;
	int r;

	for (i = 0; i < NCASES; i++) {
		const struct name_case *c = &cases[i];

		snprintf(arg, sizeof(arg), "%s=%s", c->who, c->rights);
		r = metasafe_acl_entry_parse(arg, &e);
		if ((r == 0) != case_ok(c))
			fail_msg("client: \"%s\" gave %d", arg, r);
		if (r != 0)
			assert_int_equal(r, METASAFE_ERR_INVALID);
		metasafe_acl_entry_clear(&e);
	}
}

/* --- the worker ------------------------------------------------------- */

static void
put_entry(struct msbuf *b, const char *who, const char *rights)
{
	assert_int_equal(msbuf_put_cstring(b, who), 0);
	assert_int_equal(msbuf_put_cstring(b, rights), 0);
}

/*
 * A client SETACL on handle 1, which this worker never opened: an entry
 * the worker accepts gets as far as the handle check (BAD_HANDLE, the last
 * check before the monitor would be asked); one it refuses is
 * INVALID_ARGUMENT.
 */
static void
test_worker_table(void **state)
{
	struct worker w;
	struct msbuf *req, *resp;
	uint32_t id, status;
	size_t i;

	worker_init(&w, -1, -1);
	assert_non_null(req = msbuf_new(4096));
	assert_non_null(resp = msbuf_new(4096));
	for (i = 0; i < NCASES; i++) {
		const struct name_case *c = &cases[i];

		msbuf_reset(req);
		assert_int_equal(msbuf_put_u32(req, (uint32_t)i), 0);
		assert_int_equal(msbuf_put_u32(req, 1), 0);	/* handle */
		assert_int_equal(msbuf_put_u8(req, MS_SETACL_UNCHANGED), 0);
		assert_int_equal(msbuf_put_u8(req, MS_SENSITIVE_UNCHANGED), 0);
		assert_int_equal(msbuf_put_u32(req, 1), 0);
		put_entry(req, c->who, c->rights);
		assert_int_equal(w_request(&w, MS_MSG_SETACL, req, resp),
		    W_CONTINUE);
		assert_int_equal(msbuf_get_u32(resp, &id), 0);
		assert_int_equal(id, (uint32_t)i);
		assert_int_equal(msbuf_get_u32(resp, &status), 0);
		if (status != (case_ok(c) ? MS_ST_BAD_HANDLE :
		    MS_ST_INVALID_ARGUMENT))
			fail_msg("worker: \"%s\"=\"%s\" gave %s", c->who,
			    c->rights, ms_status_str(status));
	}
	msbuf_free(req);
	msbuf_free(resp);
	worker_clear(&w);
}

/* --- the monitor ------------------------------------------------------ */

struct mon_fixture {
	char		 dir[64];
	struct servconf	 conf;
	struct ms_store	*store;
	struct mon_ctx	 ctx;
	struct mon_worker w;
	char		*admin;
};

static int
mon_setup(void **state)
{
	struct mon_fixture *f = calloc(1, sizeof(*f));
	u_char sk[MS_STORE_KEY_LEN];

	assert_non_null(f);
	strlcpy(f->dir, "/tmp/ms-names-XXXXXX", sizeof(f->dir));
	assert_non_null(mkdtemp(f->dir));
	servconf_init(&f->conf);
	assert_non_null(f->admin = strdup("root-admin"));
	f->conf.admins[0] = f->admin;
	f->conf.nadmins = 1;
	assert_int_equal(ms_random_bytes(sk, sizeof(sk)), 0);
	assert_int_equal(ms_store_open(f->dir, sk, 0, &f->store), 0);
	f->ctx.conf = &f->conf;
	f->ctx.store = f->store;
	/*
	 * A worker whose AUTH bound a bootstrap administrator: only the
	 * data requests matter here, the handshake has its own tests.
	 */
	mon_worker_init(&f->w, 4242, "127.0.0.1:1");
	f->w.state = MW_AUTHED;
	strlcpy(f->w.sess.principal, f->admin, sizeof(f->w.sess.principal));
	*state = f;
	return 0;
}

static int
mon_teardown(void **state)
{
	struct mon_fixture *f = *state;
	char cmd[128];

	mon_worker_clear(&f->w);
	ms_store_close(f->store);
	f->conf.admins[0] = NULL;
	f->conf.nadmins = 0;
	free(f->admin);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* SETACL on "/" with one entry; the status, or -1 when refused outright. */
static long
mon_setacl1(struct mon_fixture *f, const char *who, const char *rights)
{
	struct msbuf *req, *resp;
	uint32_t status;
	long ret = -1;

	assert_non_null(req = msbuf_new(4096));
	assert_non_null(resp = msbuf_new(4096));
	assert_int_equal(msbuf_put_cstring(req, "/"), 0);
	assert_int_equal(msbuf_put_u8(req, MS_SETACL_UNCHANGED), 0);
	assert_int_equal(msbuf_put_u8(req, MS_SENSITIVE_UNCHANGED), 0);
	assert_int_equal(msbuf_put_u32(req, 1), 0);
	put_entry(req, who, rights);
	if (mon_dispatch(&f->ctx, &f->w, MS_MON_SETACL, req, resp) == 0) {
		assert_int_equal(msbuf_get_u32(resp, &status), 0);
		ret = status;
	}
	msbuf_free(req);
	msbuf_free(resp);
	return ret;
}

/* The rights GETACL reports for who on "/"; NULL when it has no entry. */
static char *
mon_getacl_rights(struct mon_fixture *f, const char *who)
{
	struct msbuf *req, *resp;
	uint32_t status, n, i;
	uint8_t flags, inherited;
	char *w, *rights, *found = NULL;

	assert_non_null(req = msbuf_new(4096));
	assert_non_null(resp = msbuf_new(MS_FRAME_MAX));
	assert_int_equal(msbuf_put_cstring(req, "/"), 0);
	assert_int_equal(mon_dispatch(&f->ctx, &f->w, MS_MON_GETACL, req,
	    resp), 0);
	assert_int_equal(msbuf_get_u32(resp, &status), 0);
	assert_int_equal(status, MS_ST_OK);
	assert_int_equal(msbuf_get_u8(resp, &flags), 0);
	assert_int_equal(msbuf_get_u32(resp, &n), 0);
	for (i = 0; i < n; i++) {
		assert_int_equal(msbuf_get_cstring(resp, &w, NULL,
		    MS_ACL_WHO_MAX), 0);
		assert_int_equal(msbuf_get_cstring(resp, &rights, NULL,
		    MS_RIGHTS_MAX), 0);
		assert_int_equal(msbuf_get_u8(resp, &inherited), 0);
		if (strcmp(w, who) == 0 && found == NULL)
			found = rights;
		else
			free(rights);
		free(w);
	}
	assert_int_equal(msbuf_len(resp), 0);
	msbuf_free(req);
	msbuf_free(resp);
	return found;
}

/*
 * What the worker forwards, the monitor must take and store in canonical
 * form; what the worker refuses, the monitor refuses too (INVALID_ARGUMENT,
 * or, above a field's cap, a malformed request that kills the worker).
 */
static void
test_monitor_table(void **state)
{
	struct mon_fixture *f = *state;
	char *got;
	size_t i;
	long st;

	for (i = 0; i < NCASES; i++) {
		const struct name_case *c = &cases[i];

		st = mon_setacl1(f, c->who, c->rights);
		if (case_ok(c) ? st != MS_ST_OK :
		    st != -1 && st != MS_ST_INVALID_ARGUMENT)
			fail_msg("monitor: \"%s\"=\"%s\" gave %ld", c->who,
			    c->rights, st);
		if (!case_ok(c))
			continue;
		got = mon_getacl_rights(f, c->who);
		if (c->canon[0] == '\0') {
			assert_null(got);
			continue;
		}
		assert_non_null(got);
		assert_string_equal(got, c->canon);
		free(got);
		/* Remove it again: the entries per node are capped. */
		assert_int_equal(mon_setacl1(f, c->who, ""), MS_ST_OK);
		assert_null(mon_getacl_rights(f, c->who));
	}
}

/*
 * A principal name alone: no "group:" or "unit:", and the rights column
 * unused.
 */
static int
name_ok(const struct name_case *c)
{
	return c->who_ok &&
	    strncmp(c->who, MS_ACL_GROUP_PREFIX, MS_ACL_GROUP_PREFIX_LEN) != 0 &&
	    strncmp(c->who, MS_ACL_UNIT_PREFIX, MS_ACL_UNIT_PREFIX_LEN) != 0;
}

/* Configuration files split on blanks: such a name is several tokens. */
static int
one_token(const char *s)
{
	return *s != '\0' && strpbrk(s, " \t\n#,=") == NULL;
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
}

/* AdminPrincipals NAME, and "NAME groups=NAME cert" as a principals line. */
static void
test_monitor_files_table(void **state)
{
	struct mon_fixture *f = *state;
	struct servconf c;
	struct principals p;
	char path[128], text[512], err[512];
	size_t i;
	int r;

	for (i = 0; i < NCASES; i++) {
		const struct name_case *t = &cases[i];

		if ((ms_principal_valid(t->who) == 0) != name_ok(t))
			fail_msg("names.c: principal \"%s\"", t->who);
		if (!one_token(t->who))
			continue;
		snprintf(path, sizeof(path), "%s/metasafed.conf", f->dir);
		snprintf(text, sizeof(text), "AdminPrincipals %s\n", t->who);
		write_file(path, text);
		servconf_init(&c);
		r = servconf_load(path, &c, err, sizeof(err));
		if ((r == 0) != name_ok(t))
			fail_msg("AdminPrincipals \"%s\": %d %s", t->who, r,
			    err);
		servconf_free(&c);

		snprintf(path, sizeof(path), "%s/principals", f->dir);
		snprintf(text, sizeof(text), "%s groups=%s cert\n", t->who,
		    t->who);
		write_file(path, text);
		memset(&p, 0, sizeof(p));
		r = principals_load(path, &p, err, sizeof(err));
		if ((r == 0) != name_ok(t))
			fail_msg("principals \"%s\": %d %s", t->who, r, err);
		principals_free(&p);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_table),
		cmocka_unit_test(test_client_table),
		cmocka_unit_test(test_worker_table),
		cmocka_unit_test_setup_teardown(test_monitor_table,
		    mon_setup, mon_teardown),
		cmocka_unit_test_setup_teardown(test_monitor_files_table,
		    mon_setup, mon_teardown),
	};

	ms_log_init("test_names", getenv("TEST_DEBUG") != NULL ?
	    MS_LOG_DEBUG3 : MS_LOG_QUIET, 1, -1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
