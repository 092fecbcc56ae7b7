/*
 * unix.c — connecting to a daemon's unix: listener ("unix:/ABS/PATH" as
 * the host).  The handshake is the same as over TCP, host-key pinning
 * included (known_hosts "[unix:/ABS/PATH] ..."), so a process squatting
 * the path cannot pose as the daemon; only the client identity may be
 * the peer-credentials kind, which the server takes from the kernel.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "log.h"
#include "metasafe.h"
#include "msclient.h"

int
cl_is_unix(const char *host)
{
	return host != NULL && strncmp(host, CL_UNIX_PREFIX,
	    strlen(CL_UNIX_PREFIX)) == 0;
}

/* A local connect either succeeds or fails at once: no deadline needed. */
int
cl_unix_connect(struct metasafe_conn *c)
{
	struct sockaddr_un sun;
	const char *path = c->host + strlen(CL_UNIX_PREFIX);
	int fd, flags, saved;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (path[0] != '/' || strlcpy(sun.sun_path, path,
	    sizeof(sun.sun_path)) >= sizeof(sun.sun_path))
		return cl_fatal(c, METASAFE_ERR_USAGE, "%s: not an absolute "
		    "socket path of at most %zu bytes", c->host,
		    sizeof(sun.sun_path) - 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return cl_fatal(c, METASAFE_ERR_SYSTEM, "socket: %s",
		    strerror(errno));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		saved = errno;
		close(fd);
		return cl_fatal(c, METASAFE_ERR_CONNECT, "connect to %s: %s",
		    c->host, strerror(saved));
	}
	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1) {
		saved = errno;
		close(fd);
		return cl_fatal(c, METASAFE_ERR_SYSTEM, "fcntl: %s",
		    strerror(saved));
	}
	c->fd = fd;
	debug_f("connected to %s", c->host);
	return 0;
}
