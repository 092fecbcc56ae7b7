/*
 * fdpass.h — one descriptor over a Unix stream socket (SCM_RIGHTS), with
 * the bytes it travels with.  The monitor hands each worker its client
 * socket this way (HANDOFF, PROTOCOL.md 11).
 */
#ifndef MS_FDPASS_H
#define MS_FDPASS_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Send len bytes with fd attached to the first, in one sendmsg.  A short
 * send is MS_ERR_SYSTEM like a failed one: the receiver may then hold the
 * descriptor with part of its frame, so the caller must give it up.
 */
int	ms_fd_send(int sock, const void *p, size_t len, int fd);
/*
 * Blocking receive of at most len bytes (*nread) and exactly one
 * descriptor (*fdp, close-on-exec).  Anything else in the control data
 * (no descriptor, several, another kind, truncation) closes every
 * descriptor that came and fails with MS_ERR_PROTOCOL; EOF is
 * MS_ERR_CONN_CLOSED.
 */
int	ms_fd_recv(int sock, void *p, size_t len, size_t *nread, int *fdp);

#endif /* MS_FDPASS_H */
