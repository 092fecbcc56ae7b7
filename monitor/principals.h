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
 *                NAME [groups=G1,G2] uid=UID [COMMENT]
 *                NAME [groups=G1,G2] user=LOGIN [COMMENT]
 * maps a local user, as the kernel reports it for a connection on a
 * unix: listener (SO_PEERCRED, taken by the monitor at accept), to NAME.
 * user= is resolved with getpwnam() when the file is loaded (start-up,
 * SIGHUP); a login that does not exist then is an error in the file.
 * At most one line per uid.
 */
#ifndef MS_PRINCIPALS_H
#define MS_PRINCIPALS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "proto.h"

#define PRINCIPAL_GROUPS_MAX	16

struct principal {
	char	 name[MS_PRINCIPAL_MAX + 1];
	u_char	 pubkey[32];			/* raw Ed25519; 0 for cert */
	int	 cert;				/* a "cert" line: no key */
	int	 local;				/* a uid=/user= line: no key */
	uint32_t uid;				/* local */
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
/* The uid=/user= line for a local peer's uid; NULL when there is none. */
const struct principal *principals_find_uid(const struct principals *p,
	    uint32_t uid);

#endif /* MS_PRINCIPALS_H */
