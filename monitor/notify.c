/*
 * notify.c — sd_notify(3) datagrams to $NOTIFY_SOCKET (see notify.h).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "notify.h"
#include "timeio.h"

#define NOTIFY_MSG_MAX		512
#define NOTIFY_STATUS_MS	1000

static struct sockaddr_un notify_addr;
static socklen_t notify_addrlen;
static size_t status_sent = (size_t)-1;
static int64_t status_sent_ms;
static int64_t status_tried_ms;	/* a failed send is retried a second on */

void
notify_init(void)
{
	const char *p;
	size_t len;

	notify_addrlen = 0;
	if ((p = getenv("NOTIFY_SOCKET")) == NULL || *p == '\0')
		goto out;
	len = strlen(p);
	if ((p[0] != '/' && p[0] != '@') || len >= sizeof(notify_addr.sun_path)) {
		error("NOTIFY_SOCKET: not an absolute path or @name; ignored");
		goto out;
	}
	memset(&notify_addr, 0, sizeof(notify_addr));
	notify_addr.sun_family = AF_UNIX;
	memcpy(notify_addr.sun_path, p, len);
	if (p[0] == '@')
		notify_addr.sun_path[0] = '\0';	/* abstract: no terminator */
	notify_addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    len + (p[0] == '@' ? 0 : 1));
 out:
	unsetenv("NOTIFY_SOCKET");
}

int
notify_send(const char *fmt, ...)
{
	char msg[NOTIFY_MSG_MAX];
	va_list ap;
	ssize_t n;
	int fd, len;

	if (notify_addrlen == 0)
		return 0;
	va_start(ap, fmt);
	len = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof(msg))
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		debug_f("socket: %s", strerror(errno));
		return -1;
	}
	do {
		n = sendto(fd, msg, (size_t)len, MSG_NOSIGNAL,
		    (struct sockaddr *)&notify_addr, notify_addrlen);
	} while (n == -1 && errno == EINTR);
	close(fd);
	if (n != (ssize_t)len) {
		debug_f("sendto NOTIFY_SOCKET: %s",
		    n == -1 ? strerror(errno) : "short write");
		return -1;
	}
	return 0;
}

void
notify_status_sent(size_t nsessions)
{
	status_sent = nsessions;
	status_sent_ms = ms_now_ms();
}

void
notify_ready(long mainpid, size_t nsessions)
{
	if (mainpid > 0)
		notify_send("READY=1\nMAINPID=%ld\nSTATUS=serving, %zu "
		    "session%s", mainpid, nsessions, nsessions == 1 ? "" : "s");
	else
		notify_send("READY=1\nSTATUS=serving, %zu session%s",
		    nsessions, nsessions == 1 ? "" : "s");
	notify_status_sent(nsessions);
}

void
notify_reloading(void)
{
	notify_send("RELOADING=1\nMONOTONIC_USEC=%llu\nSTATUS=reloading",
	    (unsigned long long)ms_now_us());
}

void
notify_stopping(void)
{
	notify_send("STOPPING=1\nSTATUS=stopping");
}

/* When notify_sessions() has a changed count to send; INT64_MAX: never. */
int64_t
notify_sessions_due(size_t nsessions)
{
	if (notify_addrlen == 0 || nsessions == status_sent)
		return INT64_MAX;
	return (status_tried_ms > status_sent_ms ? status_tried_ms :
	    status_sent_ms) + NOTIFY_STATUS_MS;
}

void
notify_sessions(size_t nsessions, int64_t now_ms)
{
	if (notify_addrlen == 0 || nsessions == status_sent ||
	    now_ms - status_sent_ms < NOTIFY_STATUS_MS ||
	    now_ms - status_tried_ms < NOTIFY_STATUS_MS)
		return;
	status_tried_ms = now_ms;
	if (notify_send("STATUS=serving, %zu session%s", nsessions,
	    nsessions == 1 ? "" : "s") == 0) {
		status_sent = nsessions;
		status_sent_ms = now_ms;
	}
}
