/*
 * conn.c — the connection object, TCP connect with a timeout (IPv4 and
 * IPv6 via getaddrinfo), and frame/record I/O with a deadline on every
 * read and write.
 *
 * The socket is non-blocking after connect: ms_frame_read polls with the
 * deadline, and writes go through ms_send_all_deadline (MSG_NOSIGNAL with
 * poll, common/timeio.c), so a dead peer never raises SIGPIPE in the
 * application and never blocks forever.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "errors.h"
#include "frame.h"
#include "log.h"
#include "msg_alert.h"
#include "metasafe.h"
#include "msclient.h"
#include "proto.h"
#include "record.h"
#include "timeio.h"

struct metasafe_conn *
cl_conn_new(void)
{
	struct metasafe_conn *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->fd = -1;
	c->state = CL_STATE_NEW;
	c->last_status = -1;
	c->next_id = 1;
	c->timeout_ms = METASAFE_DEFAULT_TIMEOUT_MS;
	if ((c->rbuf = msbuf_new(MS_FRAME_MAX)) == NULL ||
	    (c->th = ms_transcript_new()) == NULL) {
		msbuf_free(c->rbuf);
		free(c);
		return NULL;
	}
	return c;
}

void
cl_conn_free(struct metasafe_conn *c)
{
	size_t i;

	if (c == NULL)
		return;
	if (c->fd != -1)
		close(c->fd);
	for (i = 0; i < MS_HANDLES_MAX; i++)
		free(c->handles[i].path);
	ms_transcript_free(c->th);
	msbuf_free(c->rbuf);
	ms_hs_secrets_clear(&c->hs);
	ms_record_dir_clear(&c->tx);
	ms_record_dir_clear(&c->rx);
	ms_blob_ctx_clear(&c->btx);
	ms_blob_ctx_clear(&c->brx);
	free(c->host);
	free(c->port);
	free(c->known_hosts);
	free(c->ca_file);
	metasafe_ticket_free(c->resume_with);
	metasafe_ticket_free(c->new_ticket);
	freezero(c, sizeof(*c));
}

static int
try_connect(const struct addrinfo *ai, int64_t deadline, int *fdp, int *errp)
{
	socklen_t elen = sizeof(int);
	int fd, flags, err = 0, one = 1, r;

	*fdp = -1;
	if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
	    ai->ai_protocol)) == -1) {
		*errp = errno;
		return METASAFE_ERR_CONNECT;
	}
	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1) {
		*errp = errno;
		close(fd);
		return METASAFE_ERR_SYSTEM;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
		if (errno != EINPROGRESS) {
			*errp = errno;
			close(fd);
			return METASAFE_ERR_CONNECT;
		}
		if ((r = ms_poll_deadline(fd, POLLOUT, deadline)) != 0) {
			*errp = r == MS_ERR_TIMEOUT ? ETIMEDOUT : errno;
			close(fd);
			return r == MS_ERR_TIMEOUT ? METASAFE_ERR_TIMEOUT :
			    METASAFE_ERR_SYSTEM;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == -1)
			err = errno;
		if (err != 0) {
			*errp = err;
			close(fd);
			return METASAFE_ERR_CONNECT;
		}
	}
	/* Small request/response records: do not wait for Nagle. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	*fdp = fd;
	return 0;
}

int
cl_tcp_connect(struct metasafe_conn *c)
{
	struct addrinfo hints, *res = NULL, *ai;
	int64_t deadline;
	int gai, r = METASAFE_ERR_CONNECT, err = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	if ((gai = getaddrinfo(c->host, c->port, &hints, &res)) != 0) {
		return cl_fatal(c, METASAFE_ERR_RESOLVE,
		    "cannot resolve %s port %s: %s", c->host, c->port,
		    gai == EAI_SYSTEM ? strerror(errno) : gai_strerror(gai));
	}
	deadline = ms_deadline_after(c->timeout_ms);
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		debug_f("connecting to %s port %s (family %d)", c->host,
		    c->port, ai->ai_family);
		if ((r = try_connect(ai, deadline, &c->fd, &err)) == 0)
			break;
		if (r == METASAFE_ERR_TIMEOUT)
			break;
	}
	freeaddrinfo(res);
	if (r == METASAFE_ERR_TIMEOUT)
		return cl_fatal(c, r, "connect to %s port %s: timed out",
		    c->host, c->port);
	if (r != 0)
		return cl_fatal(c, r, "connect to %s port %s: %s", c->host,
		    c->port, strerror(err != 0 ? err : ECONNREFUSED));
	debug_f("connected to %s port %s", c->host, c->port);
	return 0;
}

/*
 * Every failure but the timeout is reported as a closed connection, as a
 * failed send always was: the peer or the path to it is gone.
 */
int
cl_send_all(struct metasafe_conn *c, const void *p, size_t len)
{
	int r;

	if ((r = ms_send_all_deadline(c->fd, p, len,
	    ms_deadline_after(c->timeout_ms))) == 0)
		return 0;
	if (r == MS_ERR_TIMEOUT)
		return cl_fatal(c, METASAFE_ERR_TIMEOUT, "send to %s: timed out",
		    c->host);
	return cl_fatal(c, METASAFE_ERR_CLOSED, "send to %s: %s", c->host,
	    strerror(errno));
}

/* Cleartext ALERT: u16 version || u32 status || string message. */
int
cl_alert_parse(struct metasafe_conn *c, struct msbuf *b, int with_version)
{
	struct ms_alert a;
	char text[MS_ALERT_MSG_MAX + 1];
	int r;

	if (ms_alert_parse(b, with_version, &a) != 0)
		return cl_fatal(c, METASAFE_ERR_PROTOCOL,
		    "malformed alert from server");
	/* Presentation: the server's text reaches a terminal. */
	cl_sanitize(text, sizeof(text), (const u_char *)a.msg, a.msglen);
	c->last_status = (int)a.status;
	r = cl_status_err(a.status);
	if (r == 0)	/* an "OK" alert still ends the connection */
		r = METASAFE_ERR_CLOSED;
	if (a.version != MS_PROTO_VERSION)
		debug_f("alert carries version 0x%04x", a.version);
	return cl_fatal(c, r, "server alert %s%s%s", ms_status_str(a.status),
	    text[0] != '\0' ? ": " : "", text);
}

int
cl_recv_frame(struct metasafe_conn *c, uint8_t *typep)
{
	int r;

	*typep = 0;
	if (c->fd == -1 || c->state == CL_STATE_BROKEN)
		return cl_fatal(c, METASAFE_ERR_BROKEN,
		    "connection is no longer usable");
	if ((r = ms_frame_read(c->fd, typep, c->rbuf, MS_FRAME_MAX,
	    c->timeout_ms)) != 0) {
		r = cl_map_err(r);
		if (r == METASAFE_ERR_TIMEOUT)
			return cl_fatal(c, r, "no answer from %s within %d ms",
			    c->host, c->timeout_ms);
		if (r == METASAFE_ERR_CLOSED)
			return cl_fatal(c, r, "connection closed by %s",
			    c->host);
		if (r == METASAFE_ERR_SYSTEM)
			return cl_fatal(c, METASAFE_ERR_CLOSED,
			    "read from %s: %s", c->host, strerror(errno));
		return cl_fatal(c, r, "bad frame from %s", c->host);
	}
	debug3_f("frame type 0x%02x, %zu bytes", *typep, msbuf_len(c->rbuf));
	/*
	 * The server may send a cleartext ALERT until it has handshake keys
	 * (e.g. when its DECAP fails after SERVER_HELLO went out), i.e. until
	 * its first record; after that only records are valid.
	 */
	if (*typep == MS_FRAME_ALERT && (c->state == CL_STATE_HELLO ||
	    (c->state == CL_STATE_HS && c->rx.seq == 0)))
		return cl_alert_parse(c, c->rbuf, 1);
	return 0;
}

int
cl_send_record(struct metasafe_conn *c, uint8_t inner_type,
    const struct msbuf *body)
{
	struct msbuf *frame;
	int r;

	if (c->fd == -1 || c->state == CL_STATE_BROKEN)
		return cl_fatal(c, METASAFE_ERR_BROKEN,
		    "connection is no longer usable");
	if ((frame = msbuf_new(MS_FRAME_HEADER_LEN + MS_FRAME_MAX)) == NULL)
		return cl_seterr(c, METASAFE_ERR_NOMEM, "out of memory");
	if ((r = ms_record_seal(&c->tx, inner_type, body, frame)) != 0) {
		msbuf_free(frame);
		if (r == MS_ERR_LIMIT)
			return cl_fatal(c, METASAFE_ERR_LIMIT,
			    "record limit for this key reached; reconnect");
		return cl_fatal(c, cl_map_err(r), "cannot seal record: %s",
		    ms_err(r));
	}
	debug3_f("record inner 0x%02x, %zu bytes", inner_type,
	    msbuf_len(frame));
	r = cl_send_all(c, msbuf_ptr(frame), msbuf_len(frame));
	msbuf_free(frame);
	return r;
}

int
cl_recv_record(struct metasafe_conn *c, uint8_t *inner_typep,
    struct msbuf *body)
{
	uint8_t type;
	int r;

	*inner_typep = 0;
	if ((r = cl_recv_frame(c, &type)) != 0)
		return r;
	if (type != MS_FRAME_RECORD)
		return cl_fatal(c, METASAFE_ERR_PROTOCOL,
		    "unexpected frame type 0x%02x from server", type);
	if ((r = ms_record_open(&c->rx, c->rbuf, inner_typep, body)) != 0) {
		msbuf_reset(c->rbuf);
		if (r == MS_ERR_MAC_INVALID)
			return cl_fatal(c, METASAFE_ERR_HANDSHAKE,
			    "record from server failed authentication");
		return cl_fatal(c, cl_map_err(r), "bad record from server: %s",
		    ms_err(r));
	}
	msbuf_reset(c->rbuf);
	if (*inner_typep == MS_MSG_ALERT)
		return cl_alert_parse(c, body, 0);
	return 0;
}
