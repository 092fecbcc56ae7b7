/*
 * credaddr.h — the peer address systemd binds before it connects to a
 * credential socket (LoadCredential=ID:/path/to/socket, systemd.exec(5),
 * "Credentials"):
 *
 *	'\0' RANDOM "/unit/" UNIT "/" ID
 *
 * an abstract AF_UNIX address (leading NUL, no terminating one), RANDOM
 * 1..16 lowercase hex digits (a random 64-bit number), UNIT the unit's
 * name, ID the credential's name.  The address is the peer's own choice:
 * any process that may connect can bind any such name, so it says which
 * credential is asked for, never who asks (credsock.c checks that).
 *
 * Stricter than systemd on purpose, so that nothing odd reaches a log
 * line, a glob or an ACL check: UNIT is 1..MS_CRED_UNIT_MAX bytes of
 * [A-Za-z0-9:_.@\\-], ID 1..MS_CRED_ID_MAX printable ASCII bytes other
 * than blanks and '/', and neither "." nor "..".  Anything else is
 * refused.
 */
#ifndef MS_CREDADDR_H
#define MS_CREDADDR_H

#include <stddef.h>
#include <sys/types.h>

#define MS_CRED_RANDOM_MAX	16	/* hex digits of a u64 */
#define MS_CRED_UNIT_MAX	255	/* systemd's UNIT_NAME_MAX - 1 */
#define MS_CRED_ID_MAX		255	/* a file name */
/* The longest sun_path that can be valid; the kernel allows 108. */
#define MS_CRED_ADDR_MAX	108

struct ms_credaddr {
	char	unit[MS_CRED_UNIT_MAX + 1];
	char	id[MS_CRED_ID_MAX + 1];
};

/*
 * Parse the len bytes of a peer's sun_path (what follows sun_family).
 * 0, or MS_ERR_INVALID_ARGUMENT (then *out is zeroed).
 */
int	ms_credaddr_parse(const void *path, size_t len, struct ms_credaddr *out);
/*
 * Build such an address (tests, the example client) from random (hex
 * digits), unit and id, which must themselves be valid.  0, or
 * MS_ERR_INVALID_ARGUMENT / MS_ERR_NO_BUFFER_SPACE; *lenp is the length
 * of the sun_path bytes written to out.
 */
int	ms_credaddr_format(const char *random, const char *unit, const char *id,
	    u_char *out, size_t outlen, size_t *lenp);

#endif /* MS_CREDADDR_H */
