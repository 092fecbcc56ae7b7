/*
 * credmap.h — CredentialsFile: which record answers which systemd
 * credential request on the CredentialSocket (credsock.c).
 *
 * Line format:  UNIT_GLOB CREDENTIAL_ID PATH RECORD
 * e.g.          app@*.service db-password /prod/db password
 *
 * UNIT_GLOB is an fnmatch(3) pattern over the unit name (FNM_NOESCAPE: a
 * '\' is a literal byte of systemd's escapes such as "\x2d"),
 * CREDENTIAL_ID the exact credential name of LoadCredential=ID:...,
 * PATH and RECORD a valid node path and record name (path.h).  '#' starts
 * a comment line.  The first line that matches both the unit and the ID
 * wins.  The mapping only says where the value is: whether the unit may
 * read it is the ACL's decision (principal "unit:UNIT", credsock.c).
 */
#ifndef MS_CREDMAP_H
#define MS_CREDMAP_H

#include <stddef.h>

#define CREDMAP_MAX	4096	/* lines with a mapping */

struct credmap_entry {
	char	*unit_glob;
	char	*id;
	char	*path;
	char	*record;
	int	 line;		/* in the file, for the audit line */
};

struct credmap {
	struct credmap_entry	*v;
	size_t			 n;
};

/* Load the whole file; errors are "FILE:LINE: message" in errbuf. */
int	credmap_load(const char *file, struct credmap *m, char *errbuf,
	    size_t errlen);
/* The first entry for unit and id, or NULL. */
const struct credmap_entry *credmap_lookup(const struct credmap *m,
	    const char *unit, const char *id);
void	credmap_free(struct credmap *m);

#endif /* MS_CREDMAP_H */
