/*
 * spawn.h — fork+exec one worker.  It has no client yet: the monitor hands
 * it one later over the request channel (monitor/pool.c).
 */
#ifndef MS_SPAWN_H
#define MS_SPAWN_H

#include <sys/types.h>

struct spawned_worker {
	pid_t	pid;
	int	mon_fd;		/* monitor end of the request socketpair */
	int	log_fd;		/* monitor end of the log socketpair */
};

/*
 * fork+exec 'path' with the request channel on fd 4 and the log channel on
 * fd 5; fd 3 and every other descriptor above 2 are closed in the child.
 * keep_stderr leaves fd 2 open (debug); otherwise it is /dev/null.
 */
int	worker_spawn(const char *path, int keep_stderr,
	    struct spawned_worker *out);

#endif /* MS_SPAWN_H */
