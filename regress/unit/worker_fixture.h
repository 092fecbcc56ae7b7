/*
 * worker_fixture.h — the rig shared by the test_worker_*.c tests: the
 * worker (w_handshake + w_session) runs in a child process, a fake monitor
 * holding test host keys in another, and the test itself is the client,
 * written from PROTOCOL.md with the common/ primitives.  This is an
 * interop check of three independent readings of the protocol (worker,
 * common/, this client).
 *
 * The fake monitor follows PROTOCOL.md 11: HELLO may hand out a
 * SERVER_CERTIFICATE message (opaque test "certificates"), SIGN must carry
 * it back and AUTH's transcript tail must start with it.  For an X.509
 * identity (id_type 2) it takes the leaf's first 32 bytes as the Ed25519
 * key: certificates themselves are the real monitor's business, the
 * worker only checks structure.
 *
 * The fake monitor reports what it saw through its exit status:
 *   bit 0	an AUTH request arrived
 *   bits 1-6	number of SET requests (capped at 63)
 *   bit 7	the worker broke the monitor protocol
 */
#ifndef WORKER_FIXTURE_H
#define WORKER_FIXTURE_H

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/evp.h>

#include "buf.h"
#include "crypto.h"
#include "errors.h"
#include "frame.h"
#include "hello.h"
#include "log.h"
#include "path.h"
#include "proto.h"
#include "record.h"
#include "schedule.h"
#include "version.h"
#include "worker/monwrap.h"
#include "worker/worker.h"

#define MON_AUTH_SEEN	0x01
#define MON_SETS(x)	(((x) >> 1) & 0x3f)

/* What the fake monitor's HELLO hands out as server_certificate. */
enum mon_sc {
	SC_NONE = 0,
	SC_VALID,		/* two opaque certificates */
	SC_BAD_TYPE,		/* wrong inner type in the canonical header */
	SC_BAD_LEN,		/* length field disagrees with the string */
	SC_NO_CERTS,		/* n_certs 0 */
};

extern int mon_die_at_auth;

/* ---------------------------------------------------------------- */
/* Rig: worker child + monitor child + the test as client            */

#define CERTS_TEST_MAX	9

struct opts {
	struct ms_alg_list	server_ciphers;
	struct ms_alg_list	server_kex;
	enum mon_sc		sc_mode;
	uint32_t		grace_ms;
	uint16_t		version;
	struct ms_alg_list	ciphers, kex, sigs;
	int			bad_finished;
	int			unauthorized;
	int			share_len;	/* 0: 32 */
	int			zero_share;
	int			mon_die_at_auth;
	/* CLIENT_IDENTITY: X.509 chain of n_certs opaque "certs". */
	int			x509;
	int			n_certs;
	size_t			cert_len[CERTS_TEST_MAX];
	uint8_t			id_type;	/* 0: the right one */
	int			id_trailing;	/* one byte too many */
	size_t			cv_sig_len;	/* 0: a real signature */
	/* Expect an ALERT under s_hs right after sending this message. */
	uint8_t			hs_alert_after;
};

struct rig {
	pid_t	worker, monitor;
	int	fd;		/* client end */
	int	worker_status, monitor_status;
};

void opts_default(struct opts *o);
void rig_start(struct rig *rg, const struct opts *o);

/* ---------------------------------------------------------------- */
/* Client                                                            */

struct cl {
	int			 fd;
	struct ms_transcript	*t;
	EVP_PKEY		*eph;
	struct ms_server_hello	 sh;
	struct ms_hs_secrets	 hss;
	struct ms_ap_secrets	 aps;
	struct ms_record_dir	 tx, rx;
	struct ms_blob_ctx	 btx, brx;
	enum ms_aead		 aead;
	uint32_t		 next_id;
	uint32_t		 alert;		/* cleartext alert status */
	uint32_t		 auth;		/* AUTH_RESULT status */
};

void cl_send(struct cl *c, uint8_t type, const struct msbuf *body);
int cl_recv(struct cl *c, uint8_t *type, struct msbuf *body);
void cl_parse_alert(struct cl *c, struct msbuf *p);
int cl_handshake(struct cl *c, int fd, const struct opts *o);
int64_t cl_request(struct cl *c, uint8_t type, const struct msbuf *fields,
    struct msbuf *res);
void assert_closed(struct cl *c);
struct msbuf *fields_new(void);
uint32_t cl_open(struct cl *c, const char *path, uint8_t access, int64_t want);
int64_t cl_simple(struct cl *c, uint8_t type, uint32_t h, const char *record);
int64_t cl_set(struct cl *c, uint32_t h, const char *record, uint8_t flags,
    const void *v, size_t len);
struct msbuf *cl_blob(struct cl *c, const char *path, const char *record,
    uint32_t h, const char *value);
void cl_get_expect(struct cl *c, const char *path, uint32_t h,
    const char *record, uint8_t want_flags, const char *want);
void connect_ok(struct rig *rg, struct cl *c, const struct opts *o);
void finish(struct rig *rg, struct cl *c, int want_worker);
void expect_auth_failed(const struct opts *o);
void expect_alert(struct opts *o, uint32_t want);
int group_setup(void **state);
int group_teardown(void **state);

#endif /* WORKER_FIXTURE_H */
