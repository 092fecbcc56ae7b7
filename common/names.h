/*
 * names.h — the syntax of principal and group names, of an ACL entry's
 * "who" and of rights strings (PROTOCOL.md 8), and the canonical rights
 * form.  The client, the worker and the monitor all check names here, so
 * they cannot disagree about what is valid.
 *
 *   NAME    [A-Za-z0-9._@-]{1,MS_PRINCIPAL_MAX}, ASCII ranges (no locale)
 *   UNIT    [A-Za-z0-9:_.@\\-]{1,MS_PRINCIPAL_MAX}: a systemd unit name
 *   who     NAME, "group:" NAME, or "unit:" UNIT (the principal of a
 *           credential request on the CredentialSocket; ':' is not a NAME
 *           character, so no key or certificate login can be called so)
 *   rights  0..MS_RIGHTS_MAX letters of "rswla", any order, repeats
 *           allowed; canonical form: each letter present once, in the
 *           order r s w l a.  "" means no rights (SETACL: remove).
 */
#ifndef MS_NAMES_H
#define MS_NAMES_H

#include <stdint.h>

#include "mslimits.h"

#define MS_RIGHT_READ		0x01	/* 'r' read plain records */
#define MS_RIGHT_SECURE		0x02	/* 's' read SECURE records */
#define MS_RIGHT_WRITE		0x04	/* 'w' set/delete records, create/delete nodes */
#define MS_RIGHT_LIST		0x08	/* 'l' list children and record names */
#define MS_RIGHT_ADMIN		0x10	/* 'a' read and change ACLs */
#define MS_RIGHTS_ALL		0x1f

#define MS_ACL_GROUP_PREFIX	"group:"
#define MS_ACL_GROUP_PREFIX_LEN	(sizeof(MS_ACL_GROUP_PREFIX) - 1)
#define MS_ACL_UNIT_PREFIX	"unit:"
#define MS_ACL_UNIT_PREFIX_LEN	(sizeof(MS_ACL_UNIT_PREFIX) - 1)

/* A principal or group NAME: 0 or MS_ERR_INVALID_ARGUMENT. */
int	ms_principal_valid(const char *name);
/* "unit:" UNIT: 0 or MS_ERR_INVALID_ARGUMENT. */
int	ms_unit_principal_valid(const char *who);
/* NAME, "group:" NAME or "unit:" UNIT: 0 or MS_ERR_INVALID_ARGUMENT. */
int	ms_acl_who_valid(const char *who);
/*
 * A rights string into MS_RIGHT_* bits (rightsp may be NULL to only check
 * it); "" is 0.  0 or MS_ERR_INVALID_ARGUMENT (then *rightsp is 0).
 */
int	ms_rights_parse(const char *s, uint8_t *rightsp);
/* Canonical form of a set of rights: the letters present, in "rswla" order. */
void	ms_rights_format(uint8_t rights, char out[MS_RIGHTS_MAX + 1]);

#endif /* MS_NAMES_H */
