/*
 * listen_unix.h — ListenAddress unix:/ABS/PATH: the Unix-domain listeners.
 *
 * A socket is created with no window at a looser mode than configured
 * (bound under umask 0777, then chown to UnixSocketGroup and chmod to
 * UnixSocketMode, then listen), so nobody can connect before the mode is
 * in force.  A file already at the path is replaced only when it is a
 * socket that nothing answers on (connect fails with ECONNREFUSED); a
 * live one, or anything that is not a socket, makes the daemon refuse to
 * start.  The sockets are removed when the daemon exits.  The peer
 * credentials of an accepted connection are taken here too.
 */
#ifndef MS_LISTEN_UNIX_H
#define MS_LISTEN_UNIX_H

#include <stddef.h>

struct mon_peercred;
struct servconf;

/*
 * What -t can tell without binding, for every unix: ListenAddress: its
 * directory exists, and UnixSocketGroup names a group.  0, or err says.
 */
int	listen_unix_check(const struct servconf *c, char *err, size_t errlen);
/* A listening, non-blocking socket in *fdp; err says why not. */
int	listen_unix_open(const char *path, int mode, const char *group,
	    int *fdp, char *err, size_t errlen);
/*
 * The kernel's credentials of the peer of an accepted socket, taken by
 * the monitor once, before any worker exists: the worker never gets to
 * say who its client is (I4).  src (the PerSourceMaxStartups unit) gets
 * "uid:UID", peer (for logs) "unix".  0, or -1 (logged): refuse it.
 */
int	listen_unix_peercred(int fd, struct mon_peercred *pc, char *src,
	    size_t srclen, char *peer, size_t peerlen);
/*
 * Remove every socket this process created that is still the file at its
 * path (not one a successor put there).  Safe from a fatal() cleanup.
 */
void	listen_unix_cleanup(void);

#endif /* MS_LISTEN_UNIX_H */
