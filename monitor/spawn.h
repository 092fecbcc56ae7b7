/*
 * spawn.h — start a worker for one connection.
 *
 * Kept behind this small interface so that pre-spawning workers ahead of
 * demand (passing the client socket later over the monitor channel) can
 * replace fork+exec-per-accept without touching the event loop.
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
 * fork+exec 'path' with client_fd on fd 3, the request channel on fd 4 and
 * the log channel on fd 5; every other descriptor is closed in the child.
 * keep_stderr leaves fd 2 open (debug); otherwise it is /dev/null.
 */
int	worker_spawn(const char *path, int client_fd, int keep_stderr,
	    struct spawned_worker *out);

#endif /* MS_SPAWN_H */
