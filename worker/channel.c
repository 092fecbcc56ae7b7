/*
 * channel.c — sending and receiving on the client connection: cleartext
 * alerts before the handshake keys exist, RECORD frames after.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "errors.h"
#include "frame.h"
#include "log.h"
#include "msg_alert.h"
#include "proto.h"
#include "record.h"
#include "timeio.h"
#include "worker.h"

int
w_send_record(struct worker *w, uint8_t inner_type, const struct msbuf *body)
{
	struct msbuf *frame;
	int r;

	if (w->phase == W_PHASE_CLEAR)
		return MS_ERR_INTERNAL;
	if ((frame = msbuf_new(MS_FRAME_MAX + 4)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = ms_record_seal(&w->tx, inner_type, body, frame)) == 0)
		r = ms_write_all(w->client_fd, msbuf_ptr(frame),
		    msbuf_len(frame));
	msbuf_free(frame);
	return r;
}

/* Status, then a short message that never carries a secret (7). */
int
w_send_alert(struct worker *w, uint32_t status, const char *msg)
{
	struct msbuf *b;
	int clear = w->phase == W_PHASE_CLEAR;
	int r;

	if ((b = msbuf_new(2 + 4 + 4 + MS_ALERT_MSG_MAX)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = ms_alert_put(b, clear, status, msg)) == 0) {
		if (clear)
			r = ms_frame_write(w->client_fd, MS_FRAME_ALERT, b);
		else
			r = w_send_record(w, MS_MSG_ALERT, b);
	}
	if (r != 0)
		debug_fr(r, "alert %s not sent", ms_status_str(status));
	else
		debug_f("sent alert %s", ms_status_str(status));
	msbuf_free(b);
	return r;
}

/*
 * The worker is about to exit after refusing the client.  Closing a socket
 * with unread bytes makes the kernel answer with a reset, which can reach
 * the client before the alert does (PROTOCOL.md 7): stop writing, then
 * read and discard until EOF or a short bound.
 */
void
w_linger(struct worker *w)
{
	u_char junk[4096];
	int64_t deadline = ms_deadline_after(W_LINGER_MS);
	size_t total = 0;
	ssize_t n;

	if (shutdown(w->client_fd, SHUT_WR) == -1) {
		debug_f("shutdown: %s", strerror(errno));
		return;
	}
	while (total < W_LINGER_MAX_BYTES &&
	    ms_poll_deadline(w->client_fd, POLLIN, deadline) == 0) {
		if ((n = read(w->client_fd, junk, sizeof(junk))) <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			break;
		}
		total += (size_t)n;
		if (ms_deadline_left(deadline) == 0)
			break;
	}
	debug_f("drained %zu bytes", total);
	explicit_bzero(junk, sizeof(junk));
}

void
w_log_alert(struct worker *w, struct msbuf *body)
{
	struct ms_alert a;

	/* The log escapes what it prints (common/log.c). */
	if (ms_alert_parse(body, 0, &a) == 0)
		verbose("client %s closes with alert %s: %s", w_peer(w),
		    ms_status_str(a.status), a.msg);
	else
		verbose("client %s sent a malformed alert", w_peer(w));
}

int
w_read_record(struct worker *w, int timeout_ms, uint8_t *inner_typep,
    struct msbuf *body)
{
	struct msbuf *payload;
	uint8_t type;
	int r;

	*inner_typep = 0;
	if (w->phase == W_PHASE_CLEAR)
		return MS_ERR_INTERNAL;
	if ((payload = msbuf_new(MS_FRAME_MAX)) == NULL)
		return MS_ERR_ALLOC;
	/*
	 * A record too large or a frame that is no record is the peer's
	 * mistake, not an attack on the keys: say so under the keys we share
	 * (PROTOCOL.md 6) before closing.
	 */
	if ((r = ms_frame_read(w->client_fd, &type, payload,
	    MS_RECORD_FRAME_MAX, timeout_ms)) != 0) {
		if (r == MS_ERR_FRAME_TOO_LARGE)
			(void)w_send_alert(w, MS_ST_PROTOCOL_ERROR,
			    "record too large");
		goto out;
	}
	if (type != MS_FRAME_RECORD) {
		debug_f("frame type 0x%02x where a record was due", type);
		(void)w_send_alert(w, MS_ST_PROTOCOL_ERROR,
		    "frame where a record was due");
		r = MS_ERR_PROTOCOL;
		goto out;
	}
	if ((r = ms_record_open(&w->rx, payload, inner_typep, body)) != 0) {
		/* Tampering, replay, reordering: no alert, just leave. */
		if (r != MS_ERR_ALLOC)
			r = MS_ERR_MAC_INVALID;
	}
 out:
	msbuf_free(payload);
	return r;
}
