/*
 * session.c — the request loop after a successful handshake.
 *
 * One record in, one response out, in order (PROTOCOL.md 8).  Any record
 * that fails to decrypt ends the connection at once, without an alert (6).
 * Between requests the worker also watches its monitor channel: without
 * the monitor it can do nothing, so the monitor's end (a crash, a kill -9)
 * ends the session at once instead of when the client next asks.
 */
#include <sys/types.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "errors.h"
#include "log.h"
#include "proto.h"
#include "record.h"
#include "worker.h"

/*
 * SIGTERM from the monitor (metasafed is stopping): finish the request in
 * hand, then say SHUTTING_DOWN instead of waiting for the next.  The
 * signal is blocked except while the loop waits, so it never cuts a
 * request short and is never missed (ppoll).
 */
static volatile sig_atomic_t shutdown_requested;

static void
on_sigterm(int sig)
{
	(void)sig;
	shutdown_requested = 1;
}

int
w_session_signals(void)
{
	struct sigaction sa;
	sigset_t term;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigterm;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	if (sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigprocmask(SIG_BLOCK, &term, NULL) == -1)
		return MS_ERR_SYSTEM;
	return 0;
}

/*
 * A buffer that held more than this (a large value in or out) is
 * replaced by a fresh one after the request: an idle session must not
 * pin a value-sized buffer (docs/PERFORMANCE.md, idle worker memory).
 * The next large request allocates again, as its own mapping (malloc.c).
 */
#define W_SESSION_BUF_KEEP	(64 * 1024)

/* Empty *bp for the next request; it held used bytes (wiped either way). */
static int
session_buf_renew(struct msbuf **bp, size_t used, size_t max)
{
	if (used <= W_SESSION_BUF_KEEP) {
		msbuf_reset(*bp);
		return 0;
	}
	msbuf_free(*bp);
	if ((*bp = msbuf_new(max)) == NULL)
		return MS_ERR_ALLOC;
	return 0;
}

/* Leave the last record of the key for the alert that says so (6). */
static int
key_exhausted(const struct worker *w)
{
	return w->tx.seq >= MS_RECORDS_PER_KEY_MAX - 1;
}

/*
 * Wait until the client has sent something.  The monitor speaks only when
 * asked (PROTOCOL.md 11), so anything on its channel now, EOF included,
 * means it is gone or broken: MS_ERR_CONN_CLOSED with *mon_gone set.
 */
static int
wait_for_client(struct worker *w, int *mon_gone)
{
	struct pollfd pfd[2];
	sigset_t waiting;
	int n = 0;

	*mon_gone = 0;
	memset(pfd, 0, sizeof(pfd));
	pfd[0].fd = w->client_fd;
	pfd[0].events = POLLIN;
	pfd[1].fd = w->mon_fd;
	pfd[1].events = POLLIN;
	if (sigprocmask(SIG_BLOCK, NULL, &waiting) == -1)
		return MS_ERR_SYSTEM;
	sigdelset(&waiting, SIGTERM);
	while (!shutdown_requested &&
	    (n = ppoll(pfd, 2, NULL, &waiting)) == -1 && errno == EINTR)
		;
	if (shutdown_requested)
		return MS_ERR_SHUTDOWN;
	if (n == -1)
		return MS_ERR_SYSTEM;
	if (pfd[1].revents != 0) {
		*mon_gone = 1;
		return MS_ERR_CONN_CLOSED;
	}
	return 0;
}

int
w_session(struct worker *w)
{
	struct msbuf *body = NULL, *resp = NULL;
	enum w_action action;
	uint8_t type;
	size_t used;
	int r, mon_gone;

	if (!w->authed || w->phase != W_PHASE_AP)
		return MS_ERR_INTERNAL;
	if ((body = msbuf_new(MS_RECORD_PLAINTEXT_MAX)) == NULL ||
	    (resp = msbuf_new(W_RESPONSE_MAX)) == NULL) {
		r = MS_ERR_ALLOC;
		goto out;
	}
	for (;;) {
		if ((r = wait_for_client(w, &mon_gone)) != 0) {
			/* Logged for a debugger; the log channel went too. */
			if (r == MS_ERR_SHUTDOWN) {
				verbose("server shutting down: ending the "
				    "session of %s", w_peer(w));
				(void)w_send_alert(w, MS_ST_SHUTTING_DOWN,
				    "server is shutting down");
			} else if (mon_gone)
				debug_f("monitor gone: ending the session of "
				    "%s", w_peer(w));
			else
				verbose_fr(r, "connection from %s ends",
				    w_peer(w));
			break;
		}
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
		used = msbuf_len(body);
		action = w_request(w, type, body, resp);
		if ((r = session_buf_renew(&body, used,
		    MS_RECORD_PLAINTEXT_MAX)) != 0)
			break;
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
		if ((r = session_buf_renew(&resp, msbuf_len(resp),
		    W_RESPONSE_MAX)) != 0)
			break;
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
