/*
 * acl.h — rights, ACL entries and the evaluation of effective rights.
 *
 * A node's ACL maps "who" (a principal name, or "group:NAME") to a set of
 * rights, and carries node flags (MS_NODE_NOINHERIT, proto.h).  The
 * effective rights of a principal at a path are the union of the rights of
 * every entry matching the principal or one of its groups, on the node and
 * on its existing ancestors, walking up towards "/" and stopping after the
 * first node that has NOINHERIT.  Nothing matching means no rights (default
 * deny).  Bootstrap administrators (daemon configuration) have every right
 * everywhere, whether or not the path exists.
 *
 * Names and rights strings (ms_acl_who_valid, ms_rights_parse, ...) are
 * common/names.h, shared with the worker and the client.
 *
 * The evaluation is pure: it reads ACLs through a walk callback, which the
 * store provides (ms_store_acl_walk) and unit tests fake.
 */
#ifndef MS_ACL_H
#define MS_ACL_H

#include <stddef.h>
#include <stdint.h>

#include "names.h"
#include "proto.h"

struct ms_acl_entry {
	char	who[MS_ACL_WHO_MAX + 1];	/* NUL-terminated, validated */
	uint8_t	rights;				/* MS_RIGHT_* bits */
};

/* One node's own ACL. */
struct ms_acl {
	uint8_t	flags;			/* MS_NODE_NOINHERIT, MS_NODE_SENSITIVE */
	size_t	nentries;
	struct ms_acl_entry entries[MS_ACL_ENTRIES_MAX];
};

/*
 * Called by a walk for one existing node with that node's own ACL.
 * Returns 0 to continue upwards, > 0 to stop the walk, < 0 on error.
 */
typedef int ms_acl_visit_fn(void *vctx, const char *path,
    const struct ms_acl *acl);
/*
 * A source of ACLs: call visit for every existing node among path and its
 * ancestors, deepest first, ending with "/".  As soon as visit returns
 * non-zero, stop and return that value; return 0 after the last node, or a
 * negative MS_ERR_* on failure.  path has been validated by the caller.
 */
typedef int ms_acl_walk_fn(void *wctx, const char *path,
    ms_acl_visit_fn *visit, void *vctx);

/*
 * Visit the ACLs that apply at path: the node's own (if it exists) and
 * its ancestors', up to and including the first node with NOINHERIT.
 * This is what GETACL reports (entries of nodes other than path itself
 * are "inherited").  0 or a negative MS_ERR_* (visit's own errors too).
 */
int	ms_acl_chain(ms_acl_walk_fn *walk, void *wctx, const char *path,
	    ms_acl_visit_fn *visit, void *vctx);

/*
 * Effective rights of principal (member of groups[0..ngroups), names
 * without the "group:" prefix) at path.
 * An entry of admins[] matches the principal by name, or one of its groups
 * when written "group:NAME".  On any error *rightsp is 0 (deny) and a
 * negative MS_ERR_* is returned; an invalid principal simply has no rights.
 */
int	ms_acl_effective(ms_acl_walk_fn *walk, void *wctx, const char *path,
	    const char *principal, const char *const *groups, size_t ngroups,
	    const char *const *admins, size_t nadmins, uint8_t *rightsp);

/*
 * Whether path lies in a SENSITIVE subtree: path itself or any existing
 * ancestor has MS_NODE_SENSITIVE, whatever NOINHERIT says (one walk, so one
 * read transaction of the store).  On error *sensitivep is 1 (fail
 * closed) and a negative MS_ERR_* is returned.
 */
int	ms_acl_sensitive(ms_acl_walk_fn *walk, void *wctx, const char *path,
	    int *sensitivep);

#endif /* MS_ACL_H */
