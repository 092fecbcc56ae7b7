/*
 * acl.c — rights strings, ACL entry names and effective-rights evaluation.
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

static const struct {
	char	letter;
	uint8_t	bit;
} rights_letters[] = {
	{ 'r', MS_RIGHT_READ },
	{ 's', MS_RIGHT_SECURE },
	{ 'w', MS_RIGHT_WRITE },
	{ 'l', MS_RIGHT_LIST },
	{ 'a', MS_RIGHT_ADMIN },
};
#define NLETTERS (sizeof(rights_letters) / sizeof(rights_letters[0]))

int
ms_rights_parse(const char *s, uint8_t *rightsp)
{
	uint8_t rights = 0;
	size_t i, j;

	if (rightsp != NULL)
		*rightsp = 0;
	if (s == NULL || strnlen(s, MS_RIGHTS_MAX + 1) > MS_RIGHTS_MAX)
		return MS_ERR_INVALID_ARGUMENT;
	for (i = 0; s[i] != '\0'; i++) {
		for (j = 0; j < NLETTERS; j++) {
			if (s[i] == rights_letters[j].letter)
				break;
		}
		if (j == NLETTERS)
			return MS_ERR_INVALID_ARGUMENT;
		rights |= rights_letters[j].bit;
	}
	if (rightsp != NULL)
		*rightsp = rights;
	return 0;
}

void
ms_rights_format(uint8_t rights, char out[MS_RIGHTS_MAX + 1])
{
	size_t i, n = 0;

	for (i = 0; i < NLETTERS; i++) {
		if ((rights & rights_letters[i].bit) != 0)
			out[n++] = rights_letters[i].letter;
	}
	out[n] = '\0';
}

static int
principal_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '@' ||
	    c == '-';
}

int
ms_principal_valid(const char *name)
{
	size_t i, len;

	if (name == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	len = strnlen(name, MS_PRINCIPAL_MAX + 1);
	if (len == 0 || len > MS_PRINCIPAL_MAX)
		return MS_ERR_INVALID_ARGUMENT;
	for (i = 0; i < len; i++) {
		if (!principal_char(name[i]))
			return MS_ERR_INVALID_ARGUMENT;
	}
	return 0;
}

int
ms_acl_who_valid(const char *who)
{
	size_t plen = sizeof(MS_ACL_GROUP_PREFIX) - 1;

	if (who == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if (strncmp(who, MS_ACL_GROUP_PREFIX, plen) == 0)
		who += plen;
	return ms_principal_valid(who);
}

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
	size_t i, plen = sizeof(MS_ACL_GROUP_PREFIX) - 1;

	if (strncmp(who, MS_ACL_GROUP_PREFIX, plen) != 0)
		return strcmp(who, principal) == 0;
	who += plen;
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
	if (ms_principal_valid(principal) != 0)
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
