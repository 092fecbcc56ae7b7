/*
 * fuzz_acl.c — path syntax and ACL evaluation (common/path.c,
 * common/names.c, monitor/acl.c, and the store's node decoder in
 * monitor/store_node.c): a query (path, principal, groups, admins) over a
 * set of stored nodes, laid out as fuzz_acl.h says.  The walk the store
 * would do is played by a table of the decoded nodes.
 *
 * Invariants (SECURITY.md I4, the monitor's ACL authority):
 *   - the effective rights equal those of a plain reference evaluation
 *     written here from PROTOCOL.md 8: the union of the matching entries
 *     of the node and its ancestors, deepest first, up to and including
 *     the first NOINHERIT node; everything for an admin;
 *   - fewer groups never give more rights, and dropping the admin list
 *     never gives more either;
 *   - a node that does not decode denies everything (rights 0, an error)
 *     and counts as SENSITIVE (fail closed);
 *   - SENSITIVE is inherited through NOINHERIT;
 *   - every parent of a valid path is a valid, shorter path, ending at
 *     "/"; a decoded node re-encodes to a value that decodes the same.
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "buf.h"
#include "errors.h"
#include "fuzz.h"
#include "fuzz_acl.h"
#include "names.h"
#include "path.h"
#include "store_int.h"

struct node {
	char		*path;
	int		 decoded;	/* 0 ok, else the decoder's error */
	struct ms_acl	 acl;
};

struct table {
	struct node	 v[FUZZ_ACL_NODES];
	size_t		 n;
};

static struct ms_acl scratch;	/* too large for the stack, reused */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	return 0;
}

static const struct node *
lookup(const struct table *t, const char *path)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		if (strcmp(t->v[i].path, path) == 0)
			return &t->v[i];
	}
	return NULL;
}

/* The store's walk: existing nodes among path and its ancestors. */
static int
walk(void *wctx, const char *path, ms_acl_visit_fn *visit, void *vctx)
{
	const struct table *t = wctx;
	const struct node *nd;
	char cur[MS_PATH_MAX + 1], parent[MS_PATH_MAX + 1];
	int r;

	FUZZ_CHECK(strlcpy(cur, path, sizeof(cur)) < sizeof(cur));
	for (;;) {
		if ((nd = lookup(t, cur)) != NULL) {
			if (nd->decoded != 0)
				return nd->decoded;
			if ((r = visit(vctx, cur, &nd->acl)) != 0)
				return r;
		}
		if (ms_path_is_root(cur))
			return 0;
		FUZZ_CHECK(ms_path_parent(cur, parent, sizeof(parent)) == 0);
		FUZZ_CHECK(strlen(parent) < strlen(cur));
		FUZZ_CHECK(ms_path_valid(parent, strlen(parent)) == 0);
		memcpy(cur, parent, strlen(parent) + 1);
	}
}

static int
member(const char *who, const char *principal, char *const *groups,
    size_t ngroups)
{
	size_t i;

	if (strncmp(who, "group:", 6) != 0)
		return strcmp(who, principal) == 0;
	for (i = 0; i < ngroups; i++) {
		if (strcmp(who + 6, groups[i]) == 0)
			return 1;
	}
	return 0;
}

/* PROTOCOL.md 8, written out plainly; -1 when a node is unreadable. */
static int
reference(const struct table *t, const char *path, const char *principal,
    char *const *groups, size_t ngroups, char *const *admins, size_t nadmins)
{
	const struct node *nd;
	char cur[MS_PATH_MAX + 1], parent[MS_PATH_MAX + 1];
	int rights = 0;
	size_t i;

	/* A systemd unit ("unit:NAME") is a principal to the ACL too. */
	if (ms_principal_valid(principal) != 0 &&
	    ms_unit_principal_valid(principal) != 0)
		return 0;
	for (i = 0; i < nadmins; i++) {
		if (member(admins[i], principal, groups, ngroups))
			return MS_RIGHTS_ALL;
	}
	strlcpy(cur, path, sizeof(cur));
	for (;;) {
		if ((nd = lookup(t, cur)) != NULL) {
			if (nd->decoded != 0)
				return -1;
			for (i = 0; i < nd->acl.nentries; i++) {
				if (member(nd->acl.entries[i].who, principal,
				    groups, ngroups))
					rights |= nd->acl.entries[i].rights;
			}
			if (nd->acl.flags & MS_NODE_NOINHERIT)
				return rights;
		}
		if (strcmp(cur, "/") == 0)
			return rights;
		ms_path_parent(cur, parent, sizeof(parent));
		strlcpy(cur, parent, sizeof(cur));
	}
}

static int
sensitive_reference(const struct table *t, const char *path)
{
	const struct node *nd;
	char cur[MS_PATH_MAX + 1], parent[MS_PATH_MAX + 1];

	strlcpy(cur, path, sizeof(cur));
	for (;;) {
		if ((nd = lookup(t, cur)) != NULL &&
		    (nd->decoded != 0 || (nd->acl.flags & MS_NODE_SENSITIVE)))
			return 1;
		if (strcmp(cur, "/") == 0)
			return 0;
		ms_path_parent(cur, parent, sizeof(parent));
		strlcpy(cur, parent, sizeof(cur));
	}
}

static uint8_t
effective(const struct table *t, const char *path, const char *principal,
    char *const *groups, size_t ngroups, char *const *admins, size_t nadmins,
    int *errp)
{
	uint8_t rights = 0xff;

	*errp = ms_acl_effective(walk, (void *)t, path, principal,
	    (const char *const *)groups, ngroups,
	    (const char *const *)admins, nadmins, &rights);
	if (*errp != 0)
		FUZZ_CHECK(rights == 0);
	FUZZ_CHECK((rights & ~MS_RIGHTS_ALL) == 0);
	return rights;
}

/* Re-encode as the store does (canonical rights) and decode again. */
static void
reencode(const struct ms_acl *acl)
{
	char rights[MS_RIGHTS_MAX + 1];
	struct msbuf *b;
	struct store_val v;
	size_t i;

	FUZZ_CHECK((b = msbuf_new(MSBUF_SIZE_MAX)) != NULL);
	FUZZ_CHECK(msbuf_put_u8(b, FUZZ_NODE_FORMAT) == 0);
	FUZZ_CHECK(msbuf_put_u8(b, acl->flags) == 0);
	FUZZ_CHECK(msbuf_put_u32(b, (uint32_t)acl->nentries) == 0);
	for (i = 0; i < acl->nentries; i++) {
		ms_rights_format(acl->entries[i].rights, rights);
		FUZZ_CHECK(msbuf_put_cstring(b, acl->entries[i].who) == 0);
		FUZZ_CHECK(msbuf_put_cstring(b, rights) == 0);
	}
	v.data = msbuf_ptr(b);
	v.len = msbuf_len(b);
	FUZZ_CHECK(store_node_decode(&v, &scratch) == 0);
	FUZZ_CHECK(scratch.flags == acl->flags);
	FUZZ_CHECK(scratch.nentries == acl->nentries);
	for (i = 0; i < acl->nentries; i++) {
		FUZZ_CHECK(strcmp(scratch.entries[i].who,
		    acl->entries[i].who) == 0);
		FUZZ_CHECK(scratch.entries[i].rights ==
		    acl->entries[i].rights);
	}
	msbuf_free(b);
}

static int
get_names(struct msbuf *b, char **v, size_t *np, size_t maxlen)
{
	uint8_t n;
	size_t i;

	*np = 0;
	if (msbuf_get_u8(b, &n) != 0 || n > FUZZ_ACL_SETS)
		return -1;
	for (i = 0; i < n; i++) {
		if (msbuf_get_cstring(b, &v[i], NULL, maxlen) != 0)
			return -1;
		(*np)++;
	}
	return 0;
}

static void
query(const struct table *t, const char *path, const char *principal,
    char **groups, size_t ngroups, char **admins, size_t nadmins)
{
	uint8_t rights, fewer;
	size_t i;
	int err, err2, ref, sens;

	rights = effective(t, path, principal, groups, ngroups, admins,
	    nadmins, &err);
	ref = reference(t, path, principal, groups, ngroups, admins,
	    nadmins);
	if (ref < 0)
		FUZZ_CHECK(err != 0);
	else {
		FUZZ_CHECK(err == 0);
		FUZZ_CHECK(rights == ref);
	}
	/* Fewer groups, then no admin list: never more rights. */
	for (i = ngroups; i-- > 0;) {
		fewer = effective(t, path, principal, groups, i, admins,
		    nadmins, &err2);
		FUZZ_CHECK((fewer & ~rights) == 0 || err != 0);
	}
	fewer = effective(t, path, principal, groups, ngroups, NULL, 0, &err2);
	FUZZ_CHECK((fewer & ~rights) == 0 || err != 0);

	sens = -1;
	err = ms_acl_sensitive(walk, (void *)t, path, &sens);
	if (err != 0)
		FUZZ_CHECK(sens == 1);
	FUZZ_CHECK(sens == sensitive_reference(t, path));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct table t;
	struct msbuf *b;
	char *path = NULL, *principal = NULL, *groups[FUZZ_ACL_SETS];
	char *admins[FUZZ_ACL_SETS], *value = NULL;
	size_t plen, ngroups = 0, nadmins = 0, vlen, i;
	struct store_val v;

	memset(&t, 0, sizeof(t));
	FUZZ_CHECK((b = msbuf_from(data, size)) != NULL);
	if (msbuf_get_cstring(b, &path, &plen, MS_PATH_MAX + 8) != 0)
		goto out;
	if (ms_path_valid(path, plen) != 0 ||
	    msbuf_get_cstring(b, &principal, NULL, MS_ACL_WHO_MAX + 8) != 0 ||
	    get_names(b, groups, &ngroups, MS_PRINCIPAL_MAX + 8) != 0 ||
	    get_names(b, admins, &nadmins, MS_ACL_WHO_MAX + 8) != 0)
		goto out;
	while (msbuf_len(b) > 0 && t.n < FUZZ_ACL_NODES) {
		if (msbuf_get_cstring(b, &t.v[t.n].path, &plen,
		    MS_PATH_MAX + 8) != 0)
			break;
		if (ms_path_valid(t.v[t.n].path, plen) != 0 ||
		    msbuf_get_string(b, (u_char **)&value, &vlen,
		    MSBUF_SIZE_MAX) != 0) {
			free(t.v[t.n].path);
			break;
		}
		v.data = (const u_char *)value;
		v.len = vlen;
		t.v[t.n].decoded = store_node_decode(&v, &t.v[t.n].acl);
		if (t.v[t.n].decoded == 0)
			reencode(&t.v[t.n].acl);
		else
			FUZZ_CHECK(t.v[t.n].decoded < 0);
		free(value);
		value = NULL;
		t.n++;
	}
	query(&t, path, principal, groups, ngroups, admins, nadmins);
 out:
	for (i = 0; i < t.n; i++)
		free(t.v[i].path);
	for (i = 0; i < ngroups; i++)
		free(groups[i]);
	for (i = 0; i < nadmins; i++)
		free(admins[i]);
	free(principal);
	free(path);
	msbuf_free(b);
	return 0;
}
