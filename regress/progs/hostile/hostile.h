/*
 * hostile.h — the parts of hostile-client (regress/progs/hostile-client.c):
 * its state, the connection and frame plumbing (conn.c), the client side
 * of the handshake and requests written from docs/PROTOCOL.md with
 * common/ only (proto.c), and one file per family of attack scenarios
 * (sc_*.c) that main() picks by name.
 */
#ifndef HOSTILE_H
#define HOSTILE_H

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "crypto.h"
#include "errors.h"
#include "frame.h"
#include "hello.h"
#include "keyfile.h"
#include "log.h"
#include "path.h"
#include "privkey.h"
#include "proto.h"
#include "record.h"
#include "schedule.h"

#define EXIT_PASS	0
#define EXIT_FAIL	1
#define EXIT_LOCAL	2
#define WAIT_DEFAULT_S	5	/* how long a "prompt" reaction may take */
#define ALARM_DEFAULT_S	60
#define GRACE_DEFAULT_S	30	/* LoginGraceTime's documented default */
#define STALL_SLACK_S	10
#define FLOOD_MAX	1000
#define FLOOD_SETTLE_MS	2000
#define EXPECT_FRAMES	16	/* frames tolerated before a close */
#define HS_BODY_MAX	1024
#define SIG_MSG_MAX	128
#define TRAIL_MAX	1024
#define BLOB_MAX	(MS_VALUE_MAX + 64)
#define VAL_A		"hostile-secret-A"
#define VAL_C		"hostile-secret-C"
#define VAL_X		"hostile-moved-value"

extern const u_char order8_point[32];

struct hc {
	/* options */
	const char		*host, *port, *idfile, *pubfile, *path;
	const char		*scenario, *arg;
	int			 wait_ms, grace_s, alarm_s, verbose;
	struct ms_alg_list	 offer;

	/* one connection */
	int			 fd;
	EVP_PKEY		*id;
	u_char			 id_pub[MS_ED25519_PUB_LEN];
	u_char			 pin[MS_ED25519_PUB_LEN];
	struct ms_transcript	*t;
	EVP_PKEY		*eph;
	struct ms_server_hello	 sh;
	uint16_t		 cipher;
	enum ms_aead		 alg;
	struct ms_hs_secrets	 hs;
	struct ms_record_dir	 tx, rx;
	int			 rx_ready;
	struct ms_blob_ctx	 btx, brx;
	uint32_t		 reqid;

	struct msbuf		*in;	/* payload of the last frame read */
	struct msbuf		*msg;	/* body of the last record opened */
	struct msbuf		*body;	/* scratch: an outgoing body */
	struct msbuf		*frame;	/* scratch: an outgoing frame */
	struct msbuf		*blob;	/* scratch: a crypto blob */

	char			 trail[TRAIL_MAX];	/* what the server did */
	char			 local[INET6_ADDRSTRLEN + 8];	/* ADDR:PORT */
	int			 mute;	/* keep expected RESPONSEs off the trail */
	u_char			 res[MS_SHA256_LEN];	/* this session's (5.5) */
};

extern struct hc hc;
extern char alarm_line[256];

/* What one read from the server produced. */
enum ev {
	EV_FRAME,	/* a frame; see struct got */
	EV_CLOSED,	/* EOF at a frame boundary */
	EV_CLOSED_MID,	/* EOF inside a frame */
	EV_RESET,	/* connection reset */
	EV_TIMEOUT,	/* nothing within the wait */
	EV_GARBAGE,	/* an invalid frame */
};

struct got {
	enum ev		 ev;
	uint8_t		 ftype;		/* frame type */
	int		 clear_alert;	/* cleartext ALERT frame */
	int		 opened;	/* a RECORD that opened under hc.rx */
	uint8_t		 itype;		/* its inner type */
	int		 has_status;	/* ALERT, AUTH_RESULT or RESPONSE */
	uint32_t	 status;
	uint32_t	 reqid;		/* RESPONSE */
	char		 desc[MS_ALERT_MSG_MAX + 64];
};

void __attribute__((noreturn, format(printf, 2, 3))) finish(int code,
    const char *fmt, ...);
void __attribute__((format(printf, 1, 2))) vlog(const char *fmt, ...);
void __attribute__((format(printf, 1, 2))) note(const char *fmt, ...);
void trail_reset(void);
const char *trail(void);
void sanitize(char *s);
void on_alarm(int sig);
int64_t now_ms(void);
struct msbuf *xbuf(size_t max);
void local_err(int r, const char *what);
struct addrinfo *resolve(void);
void connect_server(void);
int send_raw(const void *p, size_t len);
int send_buf(const struct msbuf *b);
void next(struct got *g, int timeout_ms);
int is_close(const struct got *g);
typedef int allow_fn(const struct got *);
int allow_nothing(const struct got *g);
int allow_clear_alert(const struct got *g);
int allow_server_auth(const struct got *g);
int allow_inner_alert(const struct got *g);
int allow_auth_refused(const struct got *g);
void __attribute__((noreturn)) expect_close(allow_fn *allow, const char *what);
void default_hello(struct ms_client_hello *ch);
void encode_hello(const struct ms_client_hello *ch);
void send_hello(const struct ms_client_hello *ch);
void want_server_hello(void);
void install_hs_keys(void);
void recv_server_auth(void);
void send_record(uint8_t type, int hash);
#define FLIP_SIG	0x01	/* one bit of CLIENT_VERIFY's signature */
#define FLIP_FIN	0x02	/* one bit of CLIENT_FINISHED's verify_data */

void send_client_auth(EVP_PKEY *key, const u_char pub[MS_ED25519_PUB_LEN],
    int flip);
void install_ap_keys(void);
void handshake_to_auth(void);
void need_identity(void);
void login(void);
uint32_t seal_request(uint8_t type, const struct msbuf *fields);
uint32_t want_response(uint32_t id, const char *what);
uint32_t request(uint8_t type, const struct msbuf *fields, const char *what);
uint32_t op_status(char *principal, size_t plen, uint16_t *cipherp);
uint32_t op_open(const char *path, uint8_t access, uint32_t *handlep);
uint32_t op_set_blob(uint32_t handle, const char *record,
    const struct msbuf *blob);
uint32_t op_get_check(const char *path, uint32_t handle, const char *record,
    const char *want, int *matchp);
void sc_normal(void);
void sc_strip_suite(void);
void sc_truncated_frame(void);
void sc_oversize_frame(void);
void sc_oversize_record(void);
void sc_zero_length_frame(void);
void sc_zero_length_alone(void);
void sc_wrong_version(void);
void sc_no_common_suite(void);
void sc_low_order_share(void);
void sc_low_order_share_one(void);
void sc_low_order_share_8(void);
void sc_bad_signature(void);
void sc_bad_finished(void);
EVP_PKEY *stranger(u_char pub[MS_ED25519_PUB_LEN]);
void sc_unknown_key(void);
void sc_flip_bit(void);
void sc_replay(void);
void sc_reorder(void);
void sc_truncated_record(void);
void sc_early_record(void);
void sc_request_before_auth(void);
void sc_request_after_denied(void);
void sc_blob_moved(void);
void sc_stall(void);
void sc_stall_partial(void);
void sc_stall_auth(void);
void sc_flood(void);
void sc_flood_spread(void);
void sc_ticket_mutate(void);

#endif /* HOSTILE_H */
