/*
 * handoff.c — a pooled worker waits for its connection (PROTOCOL.md 11).
 *
 * Runs inside the sandbox: READY tells the monitor this worker is
 * confined, then the HANDOFF frame brings the client socket (SCM_RIGHTS)
 * and the peer.  Nothing the monitor sends here is trusted less than
 * CONFIG, but a descriptor of the wrong kind would make the session talk
 * to something that is not a client, so it is checked before use: a
 * stream socket of a family the listeners use (TCP, or unix:).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "errors.h"
#include "fdpass.h"
#include "frame.h"
#include "log.h"
#include "msg_config.h"
#include "proto.h"
#include "worker.h"

int
w_send_ready(struct worker *w)
{
	struct msbuf *b;
	int r;

	if ((b = msbuf_new(16)) == NULL)
		return MS_ERR_ALLOC;
	r = ms_frame_write(w->mon_fd, MS_MON_READY, b);
	msbuf_free(b);
	return r;
}

/* A stream connection, as the listeners accept: TCP or unix:. */
static int
client_socket_ok(int fd)
{
	int type = -1, domain = -1;
	socklen_t len;

	len = sizeof(type);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == -1 ||
	    len != sizeof(type) || type != SOCK_STREAM)
		return 0;
	len = sizeof(domain);
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == -1 ||
	    len != sizeof(domain))
		return 0;
	return domain == AF_INET || domain == AF_INET6 || domain == AF_UNIX;
}

/* The frame that carried the descriptor, completed by plain reads. */
static int
read_handoff(struct worker *w, struct msbuf *in, int *fdp)
{
	u_char *p;
	size_t n;
	int r;

	if ((r = msbuf_reserve(in, MS_FRAME_HEADER_LEN, &p)) != 0)
		return r;
	/* The header only: the descriptor rides on the frame's first byte. */
	if ((r = ms_fd_recv(w->mon_fd, p, MS_FRAME_HEADER_LEN, &n,
	    fdp)) != 0)
		return r;
	if ((r = msbuf_consume_end(in, MS_FRAME_HEADER_LEN - n)) != 0)
		return r;
	return 0;
}

int
w_handoff(struct worker *w)
{
	struct msbuf *in = NULL, *payload = NULL;
	uint8_t type;
	int fd = -1, r;

	if ((in = msbuf_new(MS_FRAME_HEADER_LEN + MS_HANDOFF_FRAME_MAX)) ==
	    NULL || (payload = msbuf_new(MS_HANDOFF_FRAME_MAX)) == NULL) {
		r = MS_ERR_ALLOC;
		goto out;
	}
	if ((r = read_handoff(w, in, &fd)) != 0)
		goto out;
	while ((r = ms_frame_parse(in, &type, payload,
	    1 + MS_HANDOFF_FRAME_MAX)) == MS_ERR_MESSAGE_INCOMPLETE) {
		if ((r = ms_frame_fill(w->mon_fd, in)) != 0)
			goto out;
	}
	if (r != 0)
		goto out;
	/* The monitor sends nothing more until asked. */
	if (type != MS_MON_HANDOFF || msbuf_len(in) != 0) {
		r = MS_ERR_PROTOCOL;
		goto out;
	}
	if ((r = ms_handoff_parse(payload, &w->peer)) != 0)
		goto out;
	if (!client_socket_ok(fd)) {
		error_f("the descriptor handed over is no stream socket");
		r = MS_ERR_PROTOCOL;
		goto out;
	}
	w->client_fd = fd;
	fd = -1;
	r = 0;
 out:
	if (fd != -1)
		close(fd);
	msbuf_free(in);
	msbuf_free(payload);
	return r;
}
