/*
 * session.c — the request loop after a successful handshake.
 *
 * One record in, one response out, in order (PROTOCOL.md 8).  Any record
 * that fails to decrypt ends the connection at once, without an alert (6).
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>

#include "buf.h"
#include "errors.h"
#include "log.h"
#include "proto.h"
#include "record.h"
#include "worker.h"

/* Leave the last record of the key for the alert that says so (6). */
static int
key_exhausted(const struct worker *w)
{
	return w->tx.seq >= MS_RECORDS_PER_KEY_MAX - 1;
}

int
w_session(struct worker *w)
{
	struct msbuf *body = NULL, *resp = NULL;
	enum w_action action;
	uint8_t type;
	int r;

	if (!w->authed || w->phase != W_PHASE_AP)
		return MS_ERR_INTERNAL;
	if ((body = msbuf_new(MS_RECORD_PLAINTEXT_MAX)) == NULL ||
	    (resp = msbuf_new(W_RESPONSE_MAX)) == NULL) {
		r = MS_ERR_ALLOC;
		goto out;
	}
	for (;;) {
		if ((r = w_read_record(w, -1, &type, body)) != 0) {
			if (r == MS_ERR_CONN_CLOSED) {
				debug_f("client %s closed the connection",
				    w_peer(w));
				r = 0;
			} else
				verbose_fr(r, "connection from %s ends",
				    w_peer(w));
			break;
		}
		if (type == MS_MSG_ALERT) {
			w_log_alert(w, body);
			r = 0;
			break;
		}
		action = w_request(w, type, body, resp);
		msbuf_reset(body);
		if (key_exhausted(w)) {
			(void)w_send_alert(w, MS_ST_LIMIT_REACHED,
			    "record limit for this key reached");
			r = MS_ERR_LIMIT;
			break;
		}
		if ((r = w_send_record(w, MS_MSG_RESPONSE, resp)) != 0) {
			verbose_fr(r, "send response to %s", w_peer(w));
			break;
		}
		msbuf_reset(resp);
		if (action == W_CLOSE) {
			r = MS_ERR_PROTOCOL;
			break;
		}
		if (action == W_FATAL) {
			r = MS_ERR_INTERNAL;
			break;
		}
	}
 out:
	msbuf_free(body);	/* wipes request plaintext */
	msbuf_free(resp);
	return r;
}
