/*
 * fdlimit.h — sessions are bounded by descriptors as well as by
 * MaxSessions: the monitor keeps two per live worker, pooled or serving
 * (its request and log channels), so a MaxSessions above what
 * RLIMIT_NOFILE allows would end in failed spawns and reset connections
 * instead of LIMIT_REACHED.
 */
#ifndef MS_FDLIMIT_H
#define MS_FDLIMIT_H

#include "servconf.h"

/* Held by the monitor for each live session. */
#define FDS_PER_SESSION	2
/*
 * For all else: listeners, the store's files, logs, the PID and lock
 * files, the notify socket, and the four a spawn holds for a moment.
 */
#define FDS_RESERVED	(2 * SERVCONF_MAX_LISTEN + 32)

/*
 * Raise the soft RLIMIT_NOFILE to the hard limit (as sshd does not, but a
 * daemon serving many sessions must).  Returns the soft limit now in
 * force, or -1 when it cannot be read.
 */
long	fdlimit_raise(void);
/* The sessions nofile descriptors allow (0 if none). */
int	fdlimit_sessions(long nofile);
/* The same for the soft limit in force now (read each time). */
int	fdlimit_sessions_now(void);
/* The same for the hard limit: what start-up will raise the soft one to. */
int	fdlimit_sessions_hard(void);

#endif /* MS_FDLIMIT_H */
