/*
 * credsock.h — the CredentialSocket: systemd credentials served by the
 * monitor (LoadCredential=ID:/path/to/socket, systemd.exec(5)).
 *
 * systemd binds an abstract address naming the unit and the credential
 * (credaddr.h), connects and reads until EOF.  The monitor takes the
 * peer's uid from SO_PEERCRED (it must be 0), the unit and credential
 * from the peer address, maps them through the CredentialsFile
 * (credmap.h) to a path and record, checks principal "unit:UNIT" against
 * the ACL like any other read, and writes the value and closes.  Nothing
 * is ever read from the peer.  A refusal closes the connection with no
 * data.  Every decision is audited ("op=credential").
 *
 * No worker takes part (SECURITY.md, "systemd credentials"): the monitor
 * writes the value itself, non-blocking, and gives a reader
 * CREDSOCK_WRITE_TIMEOUT_MS to take it; at most CREDSOCK_PENDING_MAX
 * deliveries are in progress at once.  A reader that never reads costs
 * one slot until the deadline, never the event loop.
 *
 * The event loop sees one descriptor (credsock_fd(), an epoll instance
 * holding the listener and the deliveries in progress): when it is
 * readable, or at least once per pass, it calls credsock_service().
 */
#ifndef MS_CREDSOCK_H
#define MS_CREDSOCK_H

#include <stddef.h>

struct mon_ctx;
struct servconf;

#define CREDSOCK_WRITE_TIMEOUT_MS	10000
#define CREDSOCK_PENDING_MAX		16
/* Connections taken per call, so that a flood cannot hold the loop. */
#define CREDSOCK_ACCEPT_BATCH		16

/*
 * Load the CredentialsFile and bind the CredentialSocket (mode 0600, a
 * stale socket nobody answers on is replaced); nothing when none is
 * configured.  0, or MS_ERR_* with the reason in err.
 */
int	credsock_listen(const struct servconf *conf, char *err, size_t errlen);
/* The descriptor to wait on for readability; -1 when there is none. */
int	credsock_fd(void);
/* Accept, decide and deliver what is ready; end deliveries past due. */
void	credsock_service(const struct mon_ctx *ctx);
/* SIGHUP: reload the CredentialsFile; a file that fails keeps the old. */
void	credsock_reload(const struct servconf *conf);
/* Stop: close the listener, end deliveries, remove the socket file. */
void	credsock_close(void);

#endif /* MS_CREDSOCK_H */
