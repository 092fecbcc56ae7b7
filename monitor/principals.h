/*
 * principals.h — AuthorizedPrincipalsFile: which client keys map to which
 * principal names and groups.  Consulted only by the monitor (I4).
 *
 * Line format:  NAME [groups=G1,G2] TYPE BASE64 [COMMENT]
 * i.e. a name followed by the output of `metasafe-keygen -y`, or
 *                NAME [groups=G1,G2] cert [COMMENT]
 * which gives groups to the principal NAME of a client certificate (a
 * certificate principal needs no line at all; without one it has no
 * groups).  At most one cert line per NAME.
 */
#ifndef MS_PRINCIPALS_H
#define MS_PRINCIPALS_H

#include <stddef.h>
#include <sys/types.h>

#include "proto.h"

#define PRINCIPAL_GROUPS_MAX	16

struct principal {
	char	 name[MS_PRINCIPAL_MAX + 1];
	u_char	 pubkey[32];			/* raw Ed25519; 0 for cert */
	int	 cert;				/* a "cert" line: no key */
	char	*groups[PRINCIPAL_GROUPS_MAX];
	size_t	 ngroups;
};

struct principals {
	struct principal *v;
	size_t		  n;
};

/* Load the whole file; errors are "FILE:LINE: message" in errbuf. */
int	principals_load(const char *path, struct principals *p, char *errbuf,
	    size_t errlen);
void	principals_free(struct principals *p);
/* Constant-time scan of every entry; NULL when the key is not authorised. */
const struct principal *principals_find(const struct principals *p,
	    const u_char pubkey[32]);
/* The "cert" line for a certificate principal; NULL when there is none. */
const struct principal *principals_find_cert(const struct principals *p,
	    const char *name);

#endif /* MS_PRINCIPALS_H */
