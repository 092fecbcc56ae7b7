/*
 * worker.h — state of one metasafe worker: the unprivileged, sandboxed
 * process that serves exactly one client connection (SECURITY.md I1, I5).
 *
 * The worker never holds long-term private keys.  It holds the ephemeral
 * X25519 key (handshake only) and the session secrets below, all wiped by
 * worker_clear().  Everything that needs a key it does not hold (DECAP,
 * SIGN, AUTH, every data access) is a request to the monitor (monwrap.h).
 */
#ifndef MS_WORKER_H
#define MS_WORKER_H

#include <sys/types.h>

#include <stdint.h>

#include "buf.h"
#include "crypto.h"
#include "hello.h"
#include "msg_config.h"
#include "proto.h"
#include "record.h"

/* The tests' old name for record.h's blob overhead. */
#define W_BLOB_OVERHEAD		MS_BLOB_OVERHEAD
/* A response body (after the inner type) must fit one record. */
#define W_RESPONSE_MAX		(MS_RECORD_PLAINTEXT_MAX - 1)
/*
 * The worker's memory bound (RLIMIT_DATA; SECURITY.md "Worker resource
 * bounds").
 * The largest legal request is a SECURE SET or GET of an MS_VALUE_MAX
 * value: at most about ten frame-sized buffers are live at once (client
 * record in and out, request body, response, the value and its blob, the
 * monitor request and answer, the channel frames), and each can briefly
 * exist twice while an msbuf grows.  W_DATA_FRAMES frames cover that; the
 * base covers the libraries' writable data, OpenSSL's state and malloc's
 * slack (a confined worker measures under 1 MiB before its first request).
 */
#define W_DATA_FRAMES		16
#define W_DATA_BASE		((size_t)16 << 20)
#define W_DATA_MAX		(W_DATA_BASE + W_DATA_FRAMES * (size_t)MS_FRAME_MAX)

struct w_handle {
	uint32_t	 id;		/* 0: slot free */
	uint8_t		 access;	/* MS_ACCESS_READ | MS_ACCESS_WRITE */
	char		*path;
};

/* Which keys protect what we send: decides how an alert is framed. */
enum w_phase {
	W_PHASE_CLEAR = 0,	/* before handshake keys: cleartext alerts */
	W_PHASE_HS,		/* under c_hs / s_hs */
	W_PHASE_AP,		/* under c_ap / s_ap */
};

struct worker {
	int			 client_fd;
	int			 mon_fd;
	struct ms_config	 conf;		/* CONFIG, judged */
	char			*peer;		/* from HANDOFF; NULL before */

	enum w_phase		 phase;
	uint16_t		 cipher;
	enum ms_aead		 aead;
	struct ms_record_dir	 tx;		/* server -> client */
	struct ms_record_dir	 rx;		/* client -> server */
	struct ms_blob_ctx	 blob_tx;	/* s_blob, direction 1 */
	struct ms_blob_ctx	 blob_rx;	/* c_blob, direction 0 */
	int			 authed;
	char			 principal[MS_PRINCIPAL_MAX + 1];

	struct w_handle		 handles[MS_HANDLES_MAX];
	u_int			 nhandles;
	uint32_t		 next_handle;
};

/* malloc.c: before the first allocation worth keeping track of */
void	w_malloc_init(void);

/* worker.c */
void	worker_init(struct worker *w, int client_fd, int mon_fd);
void	worker_clear(struct worker *w);
/* The peer for log lines ("?" before HANDOFF). */
const char *w_peer(const struct worker *w);

/* config.c: parse the CONFIG payload; strict, fully consumed. */
/* CONFIG (msg_config.h) as this worker may run it; ms_config_clear frees. */
int	w_config_parse(struct ms_config *c, struct msbuf *b);

/* handoff.c: inside the sandbox, say READY, then take the connection. */
int	w_send_ready(struct worker *w);
/* Sets client_fd and peer; the descriptor must be a TCP or unix: stream. */
int	w_handoff(struct worker *w);

/* channel.c: the client connection in each phase. */
int	w_send_record(struct worker *w, uint8_t inner_type,
	    const struct msbuf *body);
/* Cleartext ALERT frame before handshake keys, inner ALERT after. */
int	w_send_alert(struct worker *w, uint32_t status, const char *msg);
/* Before exiting after a refusal: let the alert reach the client. */
#define W_LINGER_MS		1000
#define W_LINGER_MAX_BYTES	(64 * 1024)
void	w_linger(struct worker *w);
/* SIGTERM ends the session between requests with SHUTTING_DOWN. */
int	w_session_signals(void);
/* Log the client's ALERT (inside a record), or that it was malformed. */
void	w_log_alert(struct worker *w, struct msbuf *body);
/*
 * Read one RECORD frame and open it under w->rx.  timeout_ms < 0 waits
 * forever.  A frame of another type is MS_ERR_PROTOCOL; any decryption
 * failure is MS_ERR_MAC_INVALID (the caller closes without an alert).
 */
int	w_read_record(struct worker *w, int timeout_ms, uint8_t *inner_typep,
	    struct msbuf *body);

/* handles.c: the per-connection handle table (at most MS_HANDLES_MAX). */
int	w_handle_add(struct worker *w, const char *path, uint8_t access,
	    uint32_t *idp);
const struct w_handle *w_handle_find(const struct worker *w, uint32_t id);
int	w_handle_del(struct worker *w, uint32_t id);
void	w_handles_clear(struct worker *w);

/* handshake.c: server side; 0 only when AUTH_RESULT OK has been sent. */
int	w_handshake(struct worker *w);

/* session.c: request loop; 0 on orderly EOF from the client. */
int	w_session(struct worker *w);

/* ops.c: one request -> one response body (request_id, status, fields). */
enum w_action {
	W_CONTINUE = 0,
	W_CLOSE,	/* PROTOCOL_ERROR sent: close the connection */
	W_FATAL,	/* the monitor failed: INTERNAL_ERROR sent, exit */
};
enum w_action w_request(struct worker *w, uint8_t inner_type,
	    struct msbuf *req, struct msbuf *resp);

/* logchan.c: the log channel to the monitor (fd 5). */
void	w_log_channel_init(int fd);
void	w_sandbox_report(const char *syscall_name, long nr);

#endif /* MS_WORKER_H */
