/*
 * acl.c — effective-rights evaluation (the syntax of names and rights is
 * common/names.c).
 *
 * The monitor is the ACL authority (invariant I4): every data request a
 * worker forwards is re-checked here against the principal the monitor
 * authenticated itself.  Anything unexpected evaluates to "no rights".
 */

#include <sys/types.h>

#include <string.h>

#include "acl.h"
#include "errors.h"
#include "log.h"
#include "path.h"

/* Stops the walk after a node that breaks inheritance. */
struct chain_ctx {
	ms_acl_visit_fn	*visit;
	void		*vctx;
};

static int
chain_visit(void *vctx, const char *path, const struct ms_acl *acl)
{
	struct chain_ctx *cc = vctx;
	int r;

	if ((r = cc->visit(cc->vctx, path, acl)) != 0)
		return r;
	return (acl->flags & MS_NODE_NOINHERIT) != 0 ? 1 : 0;
}

int
ms_acl_chain(ms_acl_walk_fn *walk, void *wctx, const char *path,
    ms_acl_visit_fn *visit, void *vctx)
{
	struct chain_ctx cc = { visit, vctx };
	int r;

	if (walk == NULL || visit == NULL || path == NULL ||
	    ms_path_valid(path, strnlen(path, MS_PATH_MAX + 1)) != 0)
		return MS_ERR_INVALID_ARGUMENT;
	if ((r = walk(wctx, path, chain_visit, &cc)) < 0)
		return r;
	return 0;
}

/* Does ACL name "who" designate the subject? */
static int
who_matches(const char *who, const char *principal,
    const char *const *groups, size_t ngroups)
{
	size_t i;

	if (strncmp(who, MS_ACL_GROUP_PREFIX, MS_ACL_GROUP_PREFIX_LEN) != 0)
		return strcmp(who, principal) == 0;
	who += MS_ACL_GROUP_PREFIX_LEN;
	for (i = 0; i < ngroups; i++) {
		if (groups[i] != NULL && strcmp(who, groups[i]) == 0)
			return 1;
	}
	return 0;
}

struct effective_ctx {
	const char		*principal;
	const char *const	*groups;
	size_t			 ngroups;
	uint8_t			 rights;
};

static int
effective_visit(void *vctx, const char *path, const struct ms_acl *acl)
{
	struct effective_ctx *ec = vctx;
	size_t i;

	if (acl->nentries > MS_ACL_ENTRIES_MAX)
		return MS_ERR_INTERNAL;
	for (i = 0; i < acl->nentries; i++) {
		if (who_matches(acl->entries[i].who, ec->principal,
		    ec->groups, ec->ngroups))
			ec->rights |= acl->entries[i].rights;
	}
	return 0;
}

int
ms_acl_effective(ms_acl_walk_fn *walk, void *wctx, const char *path,
    const char *principal, const char *const *groups, size_t ngroups,
    const char *const *admins, size_t nadmins, uint8_t *rightsp)
{
	struct effective_ctx ec;
	size_t i;
	int r;

	if (rightsp == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	*rightsp = 0;
	if (path == NULL ||
	    ms_path_valid(path, strnlen(path, MS_PATH_MAX + 1)) != 0 ||
	    (ngroups > 0 && groups == NULL) || (nadmins > 0 && admins == NULL))
		return MS_ERR_INVALID_ARGUMENT;
	if (ms_principal_valid(principal) != 0 &&
	    ms_unit_principal_valid(principal) != 0)
		return 0;
	for (i = 0; i < nadmins; i++) {
		if (admins[i] != NULL &&
		    who_matches(admins[i], principal, groups, ngroups)) {
			*rightsp = MS_RIGHTS_ALL;
			return 0;
		}
	}
	memset(&ec, 0, sizeof(ec));
	ec.principal = principal;
	ec.groups = groups;
	ec.ngroups = ngroups;
	if ((r = ms_acl_chain(walk, wctx, path, effective_visit, &ec)) != 0) {
		error_fr(r, "ACL walk for %s failed", path);
		return r;
	}
	*rightsp = ec.rights & MS_RIGHTS_ALL;
	return 0;
}

static int
sensitive_visit(void *vctx, const char *path, const struct ms_acl *acl)
{
	return (acl->flags & MS_NODE_SENSITIVE) != 0 ? 1 : 0;
}

int
ms_acl_sensitive(ms_acl_walk_fn *walk, void *wctx, const char *path,
    int *sensitivep)
{
	int r;

	if (sensitivep == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	*sensitivep = 1;
	if (walk == NULL || path == NULL ||
	    ms_path_valid(path, strnlen(path, MS_PATH_MAX + 1)) != 0)
		return MS_ERR_INVALID_ARGUMENT;
	if ((r = walk(wctx, path, sensitive_visit, NULL)) < 0) {
		error_fr(r, "sensitivity walk for %s failed", path);
		return r;
	}
	*sensitivep = r > 0;
	return 0;
}
