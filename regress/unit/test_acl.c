/*
 * test_acl.c — rights strings, ACL names and effective-rights evaluation
 * (monitor/acl.c) over an in-memory fake of the store's ACL walk.
 */
#include <sys/types.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "monitor/acl.h"
#include "errors.h"
#include "path.h"

#define INVAL	MS_ERR_INVALID_ARGUMENT

/* A fake tree: a few nodes with their ACLs. */
#define FAKE_MAX 8
struct fake_node {
	const char	*path;
	struct ms_acl	 acl;
};
struct fake_tree {
	struct fake_node nodes[FAKE_MAX];
	size_t		 n;
	size_t		 visited;	/* nodes the last walk visited */
	int		 fail_at;	/* visit number that returns an error */
};

static struct ms_acl *
fake_add(struct fake_tree *t, const char *path, uint8_t flags)
{
	struct fake_node *fn;

	assert_true(t->n < FAKE_MAX);
	fn = &t->nodes[t->n++];
	memset(fn, 0, sizeof(*fn));
	fn->path = path;
	fn->acl.flags = flags;
	return &fn->acl;
}

static void
acl_add(struct ms_acl *acl, const char *who, const char *rights)
{
	struct ms_acl_entry *e;

	assert_true(acl->nentries < MS_ACL_ENTRIES_MAX);
	e = &acl->entries[acl->nentries++];
	strlcpy(e->who, who, sizeof(e->who));
	assert_int_equal(ms_rights_parse(rights, &e->rights), 0);
}

static const struct ms_acl *
fake_find(struct fake_tree *t, const char *path)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		if (strcmp(t->nodes[i].path, path) == 0)
			return &t->nodes[i].acl;
	}
	return NULL;
}

/* Same contract as ms_store_acl_walk: existing nodes, deepest first. */
static int
fake_walk(void *wctx, const char *path, ms_acl_visit_fn *visit, void *vctx)
{
	struct fake_tree *t = wctx;
	const struct ms_acl *acl;
	char cur[MS_PATH_MAX + 1];
	int r;

	t->visited = 0;
	strlcpy(cur, path, sizeof(cur));
	for (;;) {
		if ((acl = fake_find(t, cur)) != NULL) {
			if (t->fail_at > 0 && (int)t->visited + 1 == t->fail_at)
				return MS_ERR_INTERNAL;
			t->visited++;
			if ((r = visit(vctx, cur, acl)) != 0)
				return r;
		}
		if (ms_path_is_root(cur))
			return 0;
		assert_int_equal(ms_path_parent(cur, cur, sizeof(cur)), 0);
	}
}

static uint8_t
eff(struct fake_tree *t, const char *path, const char *who,
    const char *const *groups, size_t ngroups)
{
	uint8_t rights = 0xff;

	assert_int_equal(ms_acl_effective(fake_walk, t, path, who, groups,
	    ngroups, NULL, 0, &rights), 0);
	return rights;
}

static uint8_t
R(const char *s)
{
	uint8_t rights;

	assert_int_equal(ms_rights_parse(s, &rights), 0);
	return rights;
}

static void
test_rights_parse(void **state)
{
	uint8_t r;

	assert_int_equal(ms_rights_parse("", &r), 0);
	assert_int_equal(r, 0);
	assert_int_equal(ms_rights_parse("r", &r), 0);
	assert_int_equal(r, MS_RIGHT_READ);
	assert_int_equal(ms_rights_parse("s", &r), 0);
	assert_int_equal(r, MS_RIGHT_SECURE);
	assert_int_equal(ms_rights_parse("w", &r), 0);
	assert_int_equal(r, MS_RIGHT_WRITE);
	assert_int_equal(ms_rights_parse("l", &r), 0);
	assert_int_equal(r, MS_RIGHT_LIST);
	assert_int_equal(ms_rights_parse("a", &r), 0);
	assert_int_equal(r, MS_RIGHT_ADMIN);
	assert_int_equal(ms_rights_parse("rswla", &r), 0);
	assert_int_equal(r, MS_RIGHTS_ALL);
	assert_int_equal(ms_rights_parse("alwsr", &r), 0);
	assert_int_equal(r, MS_RIGHTS_ALL);
	assert_int_equal(ms_rights_parse("rr", &r), 0);
	assert_int_equal(r, MS_RIGHT_READ);
	assert_int_equal(ms_rights_parse("lrl", &r), 0);
	assert_int_equal(r, MS_RIGHT_READ | MS_RIGHT_LIST);

	r = 0x55;
	assert_int_equal(ms_rights_parse("x", &r), INVAL);
	assert_int_equal(r, 0);
	assert_int_equal(ms_rights_parse("R", &r), INVAL);
	assert_int_equal(ms_rights_parse("rw ", &r), INVAL);
	assert_int_equal(ms_rights_parse("r,w", &r), INVAL);
	assert_int_equal(ms_rights_parse("rswlar", &r), INVAL);	/* > cap */
	assert_int_equal(ms_rights_parse("\xc3\xa9", &r), INVAL);
	assert_int_equal(ms_rights_parse(NULL, &r), INVAL);
}

static void
test_rights_format(void **state)
{
	char out[MS_RIGHTS_MAX + 1];
	unsigned int v;
	uint8_t back;

	ms_rights_format(0, out);
	assert_string_equal(out, "");
	ms_rights_format(MS_RIGHTS_ALL, out);
	assert_string_equal(out, "rswla");
	ms_rights_format(0xff, out);		/* unknown bits are dropped */
	assert_string_equal(out, "rswla");
	ms_rights_format(MS_RIGHT_ADMIN | MS_RIGHT_READ, out);
	assert_string_equal(out, "ra");
	ms_rights_format(R("lw"), out);
	assert_string_equal(out, "wl");
	/* Round trip over every set. */
	for (v = 0; v <= MS_RIGHTS_ALL; v++) {
		ms_rights_format((uint8_t)v, out);
		assert_int_equal(ms_rights_parse(out, &back), 0);
		assert_int_equal(back, v);
	}
}

static void
test_names(void **state)
{
	char name[MS_ACL_WHO_MAX + 2];

	assert_int_equal(ms_principal_valid("alice"), 0);
	assert_int_equal(ms_principal_valid("svc-web_01.prod@example.org"), 0);
	assert_int_equal(ms_principal_valid("A"), 0);
	assert_int_equal(ms_principal_valid(""), INVAL);
	assert_int_equal(ms_principal_valid(NULL), INVAL);
	assert_int_equal(ms_principal_valid("a b"), INVAL);
	assert_int_equal(ms_principal_valid("a:b"), INVAL);
	assert_int_equal(ms_principal_valid("a/b"), INVAL);
	assert_int_equal(ms_principal_valid("caf\xc3\xa9"), INVAL);
	assert_int_equal(ms_principal_valid("a\n"), INVAL);

	memset(name, 'p', MS_PRINCIPAL_MAX);
	name[MS_PRINCIPAL_MAX] = '\0';
	assert_int_equal(ms_principal_valid(name), 0);
	name[MS_PRINCIPAL_MAX] = 'p';
	name[MS_PRINCIPAL_MAX + 1] = '\0';
	assert_int_equal(ms_principal_valid(name), INVAL);

	assert_int_equal(ms_acl_who_valid("alice"), 0);
	assert_int_equal(ms_acl_who_valid("group:ops"), 0);
	assert_int_equal(ms_acl_who_valid("group:"), INVAL);
	assert_int_equal(ms_acl_who_valid("group:a:b"), INVAL);
	assert_int_equal(ms_acl_who_valid("group:group:ops"), INVAL);
	assert_int_equal(ms_acl_who_valid("grp:ops"), INVAL);
	assert_int_equal(ms_acl_who_valid(""), INVAL);
	assert_int_equal(ms_acl_who_valid(NULL), INVAL);
	strlcpy(name, "group:", sizeof(name));
	memset(name + 6, 'g', MS_PRINCIPAL_MAX);
	name[6 + MS_PRINCIPAL_MAX] = '\0';
	assert_int_equal(ms_acl_who_valid(name), 0);
	name[6 + MS_PRINCIPAL_MAX - 1] = '!';
	assert_int_equal(ms_acl_who_valid(name), INVAL);
}

static void
test_default_deny(void **state)
{
	struct fake_tree t;

	memset(&t, 0, sizeof(t));
	/* Nothing at all. */
	assert_int_equal(eff(&t, "/", "alice", NULL, 0), 0);
	assert_int_equal(eff(&t, "/a/b", "alice", NULL, 0), 0);
	/* Entries for others only. */
	acl_add(fake_add(&t, "/", 0), "bob", "rswla");
	acl_add(fake_add(&t, "/a", 0), "group:ops", "rw");
	assert_int_equal(eff(&t, "/a", "alice", NULL, 0), 0);
	assert_int_equal(eff(&t, "/a", "alice2", NULL, 0), 0);
	assert_int_equal(eff(&t, "/a", "bo", NULL, 0), 0);
	/* A principal called like a group entry's name is not the group. */
	assert_int_equal(eff(&t, "/a", "ops", NULL, 0), 0);
	assert_int_equal(eff(&t, "/a", "bob", NULL, 0), MS_RIGHTS_ALL);
}

static void
test_inheritance_union(void **state)
{
	struct fake_tree t;

	memset(&t, 0, sizeof(t));
	acl_add(fake_add(&t, "/", 0), "alice", "l");
	acl_add(fake_add(&t, "/app", 0), "alice", "r");
	acl_add(fake_add(&t, "/app/db", 0), "alice", "s");
	acl_add(fake_add(&t, "/other", 0), "alice", "w");

	assert_int_equal(eff(&t, "/", "alice", NULL, 0), R("l"));
	assert_int_equal(eff(&t, "/app", "alice", NULL, 0), R("lr"));
	assert_int_equal(eff(&t, "/app/db", "alice", NULL, 0), R("lrs"));
	assert_int_equal(t.visited, 3);
	/* Nodes that do not exist inherit from their existing ancestors. */
	assert_int_equal(eff(&t, "/app/db/x/y", "alice", NULL, 0), R("lrs"));
	assert_int_equal(eff(&t, "/app/web", "alice", NULL, 0), R("lr"));
	assert_int_equal(eff(&t, "/nowhere", "alice", NULL, 0), R("l"));
	/* Siblings do not leak into each other. */
	assert_int_equal(eff(&t, "/other", "alice", NULL, 0), R("lw"));
	assert_int_equal(eff(&t, "/app", "alice", NULL, 0) & MS_RIGHT_WRITE, 0);
	/* "/app" is not a prefix-match for "/apple". */
	assert_int_equal(eff(&t, "/apple", "alice", NULL, 0), R("l"));
}

static void
test_noinherit(void **state)
{
	struct fake_tree t;
	const char *ops[] = { "ops" };

	memset(&t, 0, sizeof(t));
	acl_add(fake_add(&t, "/", 0), "alice", "rl");
	acl_add(&t.nodes[0].acl, "nobody", "r");
	acl_add(fake_add(&t, "/sec", MS_NODE_NOINHERIT), "bob", "rs");
	acl_add(fake_add(&t, "/sec/db", 0), "group:ops", "w");
	acl_add(fake_add(&t, "/sec/db/x", MS_NODE_NOINHERIT), "carol", "r");

	/* alice's "/" grant stops at /sec ... */
	assert_int_equal(eff(&t, "/", "alice", NULL, 0), R("rl"));
	assert_int_equal(eff(&t, "/sec", "alice", NULL, 0), 0);
	assert_int_equal(eff(&t, "/sec/db", "alice", NULL, 0), 0);
	assert_int_equal(eff(&t, "/sec/db/y", "alice", NULL, 0), 0);
	/* ... and the walk really stopped there (never reached "/"). */
	assert_int_equal(eff(&t, "/sec/db", "bob", ops, 1), R("rsw"));
	assert_int_equal(t.visited, 2);
	/* The NOINHERIT node's own entries are included. */
	assert_int_equal(eff(&t, "/sec", "bob", NULL, 0), R("rs"));
	/* A second break further down cuts bob and ops off too. */
	assert_int_equal(eff(&t, "/sec/db/x", "bob", ops, 1), 0);
	assert_int_equal(eff(&t, "/sec/db/x", "carol", NULL, 0), R("r"));
	assert_int_equal(eff(&t, "/sec/db/x/deeper", "carol", NULL, 0), R("r"));
	assert_int_equal(t.visited, 1);
	/* Outside the broken subtree, inheritance still works. */
	assert_int_equal(eff(&t, "/pub", "alice", NULL, 0), R("rl"));
}

static void
test_groups(void **state)
{
	struct fake_tree t;
	const char *g1[] = { "dev" };
	const char *g2[] = { "dev", "ops" };
	const char *g3[] = { "group:ops" };	/* groups are given bare */
	const char *g4[] = { NULL, "ops" };

	memset(&t, 0, sizeof(t));
	acl_add(fake_add(&t, "/", 0), "group:dev", "l");
	acl_add(fake_add(&t, "/svc", 0), "group:ops", "rs");
	acl_add(&t.nodes[1].acl, "dave", "w");

	assert_int_equal(eff(&t, "/svc", "dave", NULL, 0), R("w"));
	assert_int_equal(eff(&t, "/svc", "dave", g1, 1), R("wl"));
	assert_int_equal(eff(&t, "/svc", "dave", g2, 2), R("wlrs"));
	assert_int_equal(eff(&t, "/svc", "erin", g2, 2), R("lrs"));
	assert_int_equal(eff(&t, "/svc", "erin", g3, 1), 0);
	assert_int_equal(eff(&t, "/svc", "erin", g4, 2), R("rs"));
	assert_int_equal(eff(&t, "/", "erin", g2, 2), R("l"));
}

static void
test_admins(void **state)
{
	struct fake_tree t;
	const char *admins[] = { "root", "group:wheel" };
	const char *wheel[] = { "wheel" };
	const char *staff[] = { "staff" };
	uint8_t rights;

	memset(&t, 0, sizeof(t));
	acl_add(fake_add(&t, "/x", MS_NODE_NOINHERIT), "alice", "r");

	assert_int_equal(ms_acl_effective(fake_walk, &t, "/x/y/z", "root",
	    NULL, 0, admins, 2, &rights), 0);
	assert_int_equal(rights, MS_RIGHTS_ALL);
	assert_int_equal(ms_acl_effective(fake_walk, &t, "/", "root",
	    NULL, 0, admins, 2, &rights), 0);
	assert_int_equal(rights, MS_RIGHTS_ALL);
	assert_int_equal(ms_acl_effective(fake_walk, &t, "/x", "eve",
	    wheel, 1, admins, 2, &rights), 0);
	assert_int_equal(rights, MS_RIGHTS_ALL);
	assert_int_equal(ms_acl_effective(fake_walk, &t, "/x", "eve",
	    staff, 1, admins, 2, &rights), 0);
	assert_int_equal(rights, 0);
	assert_int_equal(ms_acl_effective(fake_walk, &t, "/x", "alice",
	    staff, 1, admins, 2, &rights), 0);
	assert_int_equal(rights, R("r"));
	/* Not "roots", not a prefix match. */
	assert_int_equal(ms_acl_effective(fake_walk, &t, "/x", "roots",
	    NULL, 0, admins, 2, &rights), 0);
	assert_int_equal(rights, 0);
	/* A principal literally named like the admin group entry cannot exist. */
	assert_int_equal(ms_acl_effective(fake_walk, &t, "/x", "group:wheel",
	    NULL, 0, admins, 2, &rights), 0);
	assert_int_equal(rights, 0);
}

static void
test_bad_input(void **state)
{
	struct fake_tree t;
	uint8_t rights;

	memset(&t, 0, sizeof(t));
	acl_add(fake_add(&t, "/", 0), "alice", "rswla");

	rights = 0xff;
	assert_int_equal(ms_acl_effective(fake_walk, &t, "/a/", "alice",
	    NULL, 0, NULL, 0, &rights), INVAL);
	assert_int_equal(rights, 0);
	rights = 0xff;
	assert_int_equal(ms_acl_effective(fake_walk, &t, NULL, "alice",
	    NULL, 0, NULL, 0, &rights), INVAL);
	assert_int_equal(rights, 0);
	assert_int_equal(ms_acl_effective(fake_walk, &t, "/", "alice",
	    NULL, 0, NULL, 0, NULL), INVAL);
	assert_int_equal(ms_acl_effective(fake_walk, &t, "/", "alice",
	    NULL, 2, NULL, 0, &rights), INVAL);
	/* Invalid principals have no rights rather than an error. */
	rights = 0xff;
	assert_int_equal(ms_acl_effective(fake_walk, &t, "/", "",
	    NULL, 0, NULL, 0, &rights), 0);
	assert_int_equal(rights, 0);
	rights = 0xff;
	assert_int_equal(ms_acl_effective(fake_walk, &t, "/", NULL,
	    NULL, 0, NULL, 0, &rights), 0);
	assert_int_equal(rights, 0);
	/* A failing walk denies and reports the error. */
	t.fail_at = 1;
	rights = 0xff;
	assert_int_equal(ms_acl_effective(fake_walk, &t, "/", "alice",
	    NULL, 0, NULL, 0, &rights), MS_ERR_INTERNAL);
	assert_int_equal(rights, 0);
}

/* ms_acl_chain: what GETACL reports. */
struct chain_rec {
	char	paths[FAKE_MAX][MS_PATH_MAX + 1];
	size_t	n;
	int	ret;
};

static int
chain_cb(void *vctx, const char *path, const struct ms_acl *acl)
{
	struct chain_rec *cr = vctx;

	assert_true(cr->n < FAKE_MAX);
	strlcpy(cr->paths[cr->n++], path, sizeof(cr->paths[0]));
	return cr->ret;
}

static void
test_chain(void **state)
{
	struct fake_tree t;
	struct chain_rec cr;

	memset(&t, 0, sizeof(t));
	fake_add(&t, "/", 0);
	fake_add(&t, "/a", MS_NODE_NOINHERIT);
	fake_add(&t, "/a/b", 0);
	fake_add(&t, "/a/b/c", 0);

	memset(&cr, 0, sizeof(cr));
	assert_int_equal(ms_acl_chain(fake_walk, &t, "/a/b/c", chain_cb, &cr), 0);
	assert_int_equal(cr.n, 3);
	assert_string_equal(cr.paths[0], "/a/b/c");
	assert_string_equal(cr.paths[1], "/a/b");
	assert_string_equal(cr.paths[2], "/a");

	memset(&cr, 0, sizeof(cr));
	assert_int_equal(ms_acl_chain(fake_walk, &t, "/z/y", chain_cb, &cr), 0);
	assert_int_equal(cr.n, 1);
	assert_string_equal(cr.paths[0], "/");

	/* The visitor's error ends the walk and is passed on. */
	memset(&cr, 0, sizeof(cr));
	cr.ret = MS_ERR_ALLOC;
	assert_int_equal(ms_acl_chain(fake_walk, &t, "/a/b/c", chain_cb, &cr),
	    MS_ERR_ALLOC);
	assert_int_equal(cr.n, 1);

	assert_int_equal(ms_acl_chain(fake_walk, &t, "a", chain_cb, &cr), INVAL);
	assert_int_equal(ms_acl_chain(fake_walk, &t, "/", NULL, &cr), INVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rights_parse),
		cmocka_unit_test(test_rights_format),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_default_deny),
		cmocka_unit_test(test_inheritance_union),
		cmocka_unit_test(test_noinherit),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_admins),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_chain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
