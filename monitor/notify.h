/*
 * notify.h — systemd's readiness protocol without libsystemd.
 *
 * One datagram per message on the AF_UNIX socket named by $NOTIFY_SOCKET
 * (a path, or "@name" for the abstract namespace), as sd_notify(3)
 * describes.  Linking libsystemd into the root daemon would pull liblzma
 * and more into it for a dozen lines of code.
 */
#ifndef MS_NOTIFY_H
#define MS_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

/*
 * Take $NOTIFY_SOCKET and remove it from the environment (workers get an
 * empty one anyway).  Without it every notify_* call does nothing.
 */
void	notify_init(void);
/* Send "LINE\nLINE..." as one datagram; 0 also when disabled. */
int	notify_send(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* READY=1 (with MAINPID= when mainpid > 0) and a first STATUS=. */
void	notify_ready(long mainpid, size_t nsessions);
/* Another process sent READY=1 with STATUS for N sessions (daemon mode). */
void	notify_status_sent(size_t nsessions);
/* RELOADING=1 with MONOTONIC_USEC= (systemd 253+). */
void	notify_reloading(void);
void	notify_stopping(void);
/*
 * STATUS=serving, N sessions: sent when N changed, at most once per second;
 * call it often (every loop pass) so a deferred change goes out.
 */
void	notify_sessions(size_t nsessions, int64_t now_ms);
/* When notify_sessions() next has a deferred count to send; INT64_MAX: never. */
int64_t	notify_sessions_due(size_t nsessions);

#endif /* MS_NOTIFY_H */
