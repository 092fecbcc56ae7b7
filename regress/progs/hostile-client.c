/*
 * hostile-client — a scriptable, misbehaving metasafe client for the
 * adversarial regress tests (regress/hostile-*.sh).
 *
 *	hostile-client -p PORT -k HOST_SIG_PUB [-i IDENTITY] [-H HOST]
 *	    [-c CIPHERS] [-g GRACE] [-w WAIT] [-P PATH] [-T ALARM] [-v]
 *	    SCENARIO [N]
 *
 * It speaks the client side of docs/PROTOCOL.md itself, with common/ only
 * (not libmetasafe), so that it can deviate at any step: malformed frames,
 * bad hellos, bad proofs, tampered, replayed or reordered records, moved
 * crypto blobs, stalls and connection floods.  It prints one line saying
 * what the server did and exits with
 *
 *	0  the server behaved as the scenario expects (documented alert,
 *	   AUTH_FAILED, INVALID_ARGUMENT, a close without answer, ...)
 *	1  it did not (it accepted the attack, answered, or kept silent)
 *	2  usage, setup or local error (no verdict)
 *	3  the hard overall timeout (-T, default 60 s) fired
 *
 * "closed" in the output means the server ended the connection without an
 * alert (EOF or reset).  Run with no arguments for the list of scenarios.
 */
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
#define EXIT_HANG	3

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

/* An order-8 point of Curve25519: X25519 with it is all zero. */
static const u_char order8_point[32] = {
	0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae,
	0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4, 0x6a,
	0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd,
	0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00,
};

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
};

static struct hc hc;
static char alarm_line[256];

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

static void hc_cleanup(void);

/* ---------------------------------------------------------------- output */

static const char *
verdict(int code)
{
	switch (code) {
	case EXIT_PASS:
		return "pass";
	case EXIT_FAIL:
		return "FAIL";
	case EXIT_HANG:
		return "HANG";
	default:
		return "error";
	}
}

/* The one line of output, then exit. */
static void __attribute__((noreturn, format(printf, 2, 3)))
finish(int code, const char *fmt, ...)
{
	char line[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	printf("%s: %s [%s]%s%s%s\n", hc.scenario != NULL ? hc.scenario : "?",
	    line, verdict(code), hc.local[0] != '\0' ? " (from " : "",
	    hc.local, hc.local[0] != '\0' ? ")" : "");
	fflush(stdout);
	hc_cleanup();
	exit(code);
}

static void __attribute__((format(printf, 1, 2)))
vlog(const char *fmt, ...)
{
	va_list ap;

	if (!hc.verbose)
		return;
	fputs("hostile-client: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Append to the trail of server events ("SERVER_HELLO, closed"). */
static void __attribute__((format(printf, 1, 2)))
note(const char *fmt, ...)
{
	char item[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(item, sizeof(item), fmt, ap);
	va_end(ap);
	vlog("server: %s", item);
	if (hc.trail[0] != '\0')
		strlcat(hc.trail, ", ", sizeof(hc.trail));
	strlcat(hc.trail, item, sizeof(hc.trail));
}

static void
trail_reset(void)
{
	hc.trail[0] = '\0';
}

static const char *
trail(void)
{
	return hc.trail[0] != '\0' ? hc.trail : "nothing";
}

/* Text from the server, made safe to print on one line. */
static void
sanitize(char *s)
{
	for (; *s != '\0'; s++) {
		if ((u_char)*s < 0x20 || (u_char)*s >= 0x7f || *s == '"')
			*s = '?';
	}
}

static void
on_alarm(int sig)
{
	ssize_t n;

	(void)sig;
	n = write(STDOUT_FILENO, alarm_line, strlen(alarm_line));
	(void)n;
	_exit(EXIT_HANG);
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		finish(EXIT_LOCAL, "clock_gettime: %s", strerror(errno));
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* -------------------------------------------------------------- plumbing */

static struct msbuf *
xbuf(size_t max)
{
	struct msbuf *b;

	if ((b = msbuf_new(max)) == NULL)
		finish(EXIT_LOCAL, "out of memory");
	return b;
}

static void
local_err(int r, const char *what)
{
	if (r != 0)
		finish(EXIT_LOCAL, "%s: %s", what, ms_err(r));
}

static void
conn_reset(void)
{
	if (hc.fd != -1)
		close(hc.fd);
	hc.fd = -1;
	ms_transcript_free(hc.t);
	hc.t = NULL;
	EVP_PKEY_free(hc.eph);
	hc.eph = NULL;
	ms_hs_secrets_clear(&hc.hs);
	ms_record_dir_clear(&hc.tx);
	ms_record_dir_clear(&hc.rx);
	ms_blob_ctx_clear(&hc.btx);
	ms_blob_ctx_clear(&hc.brx);
	hc.rx_ready = 0;
	hc.reqid = 0;
}

static void
hc_cleanup(void)
{
	conn_reset();
	EVP_PKEY_free(hc.id);
	hc.id = NULL;
	msbuf_free(hc.in);
	msbuf_free(hc.msg);
	msbuf_free(hc.body);
	msbuf_free(hc.frame);
	msbuf_free(hc.blob);
	hc.in = hc.msg = hc.body = hc.frame = hc.blob = NULL;
}

static struct addrinfo *
resolve(void)
{
	struct addrinfo hints, *res = NULL;
	int e;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((e = getaddrinfo(hc.host, hc.port, &hints, &res)) != 0)
		finish(EXIT_LOCAL, "%s port %s: %s", hc.host, hc.port,
		    gai_strerror(e));
	return res;
}

/* Our address as the daemon logs the peer: lets a test find the worker. */
static void
note_local(void)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char addr[INET6_ADDRSTRLEN];
	const void *a;
	int port;

	hc.local[0] = '\0';
	if (getsockname(hc.fd, (struct sockaddr *)&ss, &len) != 0)
		return;
	if (ss.ss_family == AF_INET) {
		a = &((struct sockaddr_in *)&ss)->sin_addr;
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	} else if (ss.ss_family == AF_INET6) {
		a = &((struct sockaddr_in6 *)&ss)->sin6_addr;
		port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	} else
		return;
	if (inet_ntop(ss.ss_family, a, addr, sizeof(addr)) == NULL)
		return;
	snprintf(hc.local, sizeof(hc.local), "%s:%d", addr, port);
}

/* A fresh TCP connection and transcript. */
static void
connect_server(void)
{
	struct addrinfo *res, *ai;
	int saved = 0;

	conn_reset();
	trail_reset();
	if ((hc.t = ms_transcript_new()) == NULL)
		finish(EXIT_LOCAL, "out of memory");
	res = resolve();
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((hc.fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol)) == -1) {
			saved = errno;
			continue;
		}
		if (connect(hc.fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		saved = errno;
		close(hc.fd);
		hc.fd = -1;
	}
	freeaddrinfo(res);
	if (hc.fd == -1)
		finish(EXIT_LOCAL, "connect to %s port %s: %s", hc.host,
		    hc.port, strerror(saved));
	note_local();
	vlog("connected to %s port %s from %s", hc.host, hc.port, hc.local);
}

/*
 * Send bytes.  The server may legitimately have closed already (that is
 * what most attacks provoke); the following read tells, so a failed write
 * is only noted.
 */
static int
send_raw(const void *p, size_t len)
{
	int r;

	if ((r = ms_write_all(hc.fd, p, len)) != 0) {
		vlog("write: %s (%s)", ms_err(r), strerror(errno));
		return -1;
	}
	return 0;
}

static int
send_buf(const struct msbuf *b)
{
	return send_raw(msbuf_ptr(b), msbuf_len(b));
}

/* --------------------------------------------------------------- reading */

static void
parse_alert(struct msbuf *b, int with_version, struct got *g)
{
	char *m = NULL;
	uint16_t v = MS_PROTO_VERSION;
	uint32_t st;

	if ((with_version && msbuf_get_u16(b, &v) != 0) ||
	    msbuf_get_u32(b, &st) != 0 ||
	    msbuf_get_cstring(b, &m, NULL, MS_ALERT_MSG_MAX) != 0 ||
	    msbuf_len(b) != 0) {
		snprintf(g->desc, sizeof(g->desc), "malformed ALERT%s",
		    with_version ? "" : " (in a record)");
		free(m);
		return;
	}
	g->has_status = 1;
	g->status = st;
	sanitize(m);
	snprintf(g->desc, sizeof(g->desc), "ALERT %s \"%s\"%s%s",
	    ms_status_str(st), m, with_version ? "" : " (in a record)",
	    v != MS_PROTO_VERSION ? " (bad version)" : "");
	free(m);
}

static void
classify_record(struct got *g)
{
	uint32_t v32;
	int r;

	if (!hc.rx_ready) {
		snprintf(g->desc, sizeof(g->desc), "RECORD (no keys to open it)");
		return;
	}
	if ((r = ms_record_open(&hc.rx, hc.in, &g->itype, hc.msg)) != 0) {
		snprintf(g->desc, sizeof(g->desc), "undecryptable RECORD (%s)",
		    ms_err(r));
		return;
	}
	g->opened = 1;
	switch (g->itype) {
	case MS_MSG_SERVER_VERIFY:
		snprintf(g->desc, sizeof(g->desc), "SERVER_VERIFY");
		break;
	case MS_MSG_SERVER_FINISHED:
		snprintf(g->desc, sizeof(g->desc), "SERVER_FINISHED");
		break;
	case MS_MSG_AUTH_RESULT:
		if (msbuf_get_u32(hc.msg, &v32) != 0 || msbuf_len(hc.msg) != 0) {
			snprintf(g->desc, sizeof(g->desc),
			    "malformed AUTH_RESULT");
			break;
		}
		g->has_status = 1;
		g->status = v32;
		snprintf(g->desc, sizeof(g->desc), "AUTH_RESULT %s",
		    ms_status_str(v32));
		break;
	case MS_MSG_ALERT:
		parse_alert(hc.msg, 0, g);
		break;
	case MS_MSG_RESPONSE:
		if (msbuf_get_u32(hc.msg, &g->reqid) != 0 ||
		    msbuf_get_u32(hc.msg, &v32) != 0) {
			snprintf(g->desc, sizeof(g->desc), "malformed RESPONSE");
			break;
		}
		g->has_status = 1;
		g->status = v32;
		snprintf(g->desc, sizeof(g->desc), "RESPONSE %s",
		    ms_status_str(v32));
		break;
	default:
		snprintf(g->desc, sizeof(g->desc), "record type 0x%02x",
		    g->itype);
		break;
	}
}

/* Read the next thing the server does, note it in the trail. */
static void
next(struct got *g, int timeout_ms)
{
	int r;

	memset(g, 0, sizeof(*g));
	errno = 0;
	r = ms_frame_read(hc.fd, &g->ftype, hc.in, MS_FRAME_MAX, timeout_ms);
	switch (r) {
	case 0:
		g->ev = EV_FRAME;
		break;
	case MS_ERR_CONN_CLOSED:
		g->ev = EV_CLOSED;
		snprintf(g->desc, sizeof(g->desc), "closed");
		break;
	case MS_ERR_MESSAGE_INCOMPLETE:
		g->ev = EV_CLOSED_MID;
		snprintf(g->desc, sizeof(g->desc), "closed inside a frame");
		break;
	case MS_ERR_TIMEOUT:
		g->ev = EV_TIMEOUT;
		snprintf(g->desc, sizeof(g->desc),
		    "still open after %d ms without a word", timeout_ms);
		break;
	case MS_ERR_SYSTEM:
		if (errno == ECONNRESET) {
			g->ev = EV_RESET;
			snprintf(g->desc, sizeof(g->desc), "closed (reset)");
			break;
		}
		finish(EXIT_LOCAL, "read: %s", strerror(errno));
	default:
		g->ev = EV_GARBAGE;
		snprintf(g->desc, sizeof(g->desc), "invalid frame (%s)",
		    ms_err(r));
		break;
	}
	if (g->ev == EV_FRAME) {
		switch (g->ftype) {
		case MS_FRAME_ALERT:
			g->clear_alert = 1;
			parse_alert(hc.in, 1, g);
			break;
		case MS_FRAME_SERVER_HELLO:
			snprintf(g->desc, sizeof(g->desc), "SERVER_HELLO");
			break;
		case MS_FRAME_RECORD:
			classify_record(g);
			break;
		default:
			snprintf(g->desc, sizeof(g->desc), "frame type 0x%02x",
			    g->ftype);
			break;
		}
	}
	if (!(hc.mute && g->opened && g->itype == MS_MSG_RESPONSE))
		note("%s", g->desc);
}

static int
is_close(const struct got *g)
{
	return g->ev == EV_CLOSED || g->ev == EV_CLOSED_MID ||
	    g->ev == EV_RESET;
}

typedef int allow_fn(const struct got *);

static int
allow_nothing(const struct got *g)
{
	(void)g;
	return 0;
}

static int
allow_clear_alert(const struct got *g)
{
	return g->clear_alert && g->has_status;
}

/* What a server sends before it reads the client's first record. */
static int
allow_server_auth(const struct got *g)
{
	return g->opened && (g->itype == MS_MSG_SERVER_VERIFY ||
	    g->itype == MS_MSG_SERVER_FINISHED);
}

static int
allow_inner_alert(const struct got *g)
{
	return g->opened && g->itype == MS_MSG_ALERT && g->has_status;
}

static int
allow_auth_refused(const struct got *g)
{
	return g->opened && g->itype == MS_MSG_AUTH_RESULT &&
	    g->has_status && g->status != MS_ST_OK;
}

/*
 * The server must end the connection; frames 'allow' accepts may come
 * first.  Passes on the close, fails on anything else or on silence.
 */
static void __attribute__((noreturn))
expect_close(allow_fn *allow, const char *what)
{
	struct got g;
	int i;

	for (i = 0; i < EXPECT_FRAMES; i++) {
		next(&g, hc.wait_ms);
		if (is_close(&g))
			finish(EXIT_PASS, "%s: %s", what, trail());
		if (g.ev != EV_FRAME || !allow(&g))
			finish(EXIT_FAIL, "%s: %s", what, trail());
	}
	finish(EXIT_FAIL, "%s: %s (and more)", what, trail());
}

/* ------------------------------------------------------------- handshake */

static void
default_hello(struct ms_client_hello *ch)
{
	int r;

	memset(ch, 0, sizeof(*ch));
	ch->version = MS_PROTO_VERSION;
	ch->ciphers = hc.offer;
	ch->kex.n = 1;
	ch->kex.ids[0] = MS_KEX_X25519_HYBRID;
	ch->sigs.n = 1;
	ch->sigs.ids[0] = MS_SIG_ED25519;
	EVP_PKEY_free(hc.eph);
	hc.eph = NULL;
	if ((r = ms_random_bytes(ch->random, sizeof(ch->random))) != 0 ||
	    (r = ms_pkey_generate(MS_KEY_X25519, &hc.eph)) != 0 ||
	    (r = ms_pkey_raw_public(hc.eph, ch->share, sizeof(ch->share))) != 0)
		local_err(r, "key share");
}

/* Encode ch as a frame into hc.frame (reset first) and the transcript. */
static void
encode_hello(const struct ms_client_hello *ch)
{
	struct msbuf *p = xbuf(HS_BODY_MAX);
	int r;

	msbuf_reset(hc.frame);
	if ((r = ms_client_hello_put(p, ch)) != 0 ||
	    (r = ms_frame_encode(hc.frame, MS_FRAME_CLIENT_HELLO, p)) != 0 ||
	    (r = ms_transcript_add_raw(hc.t, msbuf_ptr(hc.frame),
	    msbuf_len(hc.frame))) != 0) {
		msbuf_free(p);
		local_err(r, "encode CLIENT_HELLO");
	}
	msbuf_free(p);
}

static void
send_hello(const struct ms_client_hello *ch)
{
	encode_hello(ch);
	(void)send_buf(hc.frame);
}

/* SERVER_HELLO, checked as a correct client would (4.2). */
static void
want_server_hello(void)
{
	struct got g;
	struct msbuf *copy;
	int r, alg;

	next(&g, hc.wait_ms);
	if (g.ev != EV_FRAME || g.ftype != MS_FRAME_SERVER_HELLO)
		finish(EXIT_FAIL, "expected SERVER_HELLO: %s", trail());
	if ((r = ms_transcript_add(hc.t, MS_FRAME_SERVER_HELLO,
	    msbuf_ptr(hc.in), msbuf_len(hc.in))) != 0)
		local_err(r, "transcript");
	if ((copy = msbuf_dup(hc.in)) == NULL)
		finish(EXIT_LOCAL, "out of memory");
	r = ms_server_hello_parse(copy, &hc.sh);
	msbuf_free(copy);
	if (r != 0)
		finish(EXIT_FAIL, "malformed SERVER_HELLO (%s)", ms_err(r));
	if (hc.sh.version != MS_PROTO_VERSION)
		finish(EXIT_FAIL, "SERVER_HELLO version 0x%04x", hc.sh.version);
	if (!ms_alg_list_contains(&hc.offer, hc.sh.cipher) ||
	    hc.sh.kex != MS_KEX_X25519_HYBRID || hc.sh.sig != MS_SIG_ED25519 ||
	    (alg = ms_cipher_to_aead(hc.sh.cipher)) < 0)
		finish(EXIT_FAIL, "server chose algorithms not offered "
		    "(cipher 0x%04x kex 0x%04x sig 0x%04x)", hc.sh.cipher,
		    hc.sh.kex, hc.sh.sig);
	if (!ms_ct_equal(hc.sh.host_sig_pub, hc.pin, sizeof(hc.pin)))
		finish(EXIT_LOCAL, "host key in SERVER_HELLO is not the one "
		    "in %s", hc.pubfile);
	hc.cipher = hc.sh.cipher;
	hc.alg = (enum ms_aead)alg;
}

static void
install_hs_keys(void)
{
	u_char th[MS_SHA256_LEN], ss_e[32], ss_s[32], stat[MS_SHA256_LEN];
	int r;

	if ((r = ms_transcript_hash(hc.t, th)) != 0)
		local_err(r, "transcript");
	if ((r = ms_x25519_derive(hc.eph, hc.sh.share, ss_e)) != 0 ||
	    (r = ms_x25519_derive(hc.eph, hc.sh.host_kex_pub, ss_s)) != 0)
		finish(EXIT_FAIL, "server sent a bad X25519 share (%s)",
		    ms_err(r));
	if ((r = ms_derive_static(ss_s, th, stat)) != 0 ||
	    (r = ms_derive_handshake(stat, ss_e, th, &hc.hs)) != 0 ||
	    (r = ms_record_dir_init(&hc.tx, hc.alg, hc.hs.c_hs)) != 0 ||
	    (r = ms_record_dir_init(&hc.rx, hc.alg, hc.hs.s_hs)) != 0)
		local_err(r, "handshake keys");
	hc.rx_ready = 1;
	explicit_bzero(ss_e, sizeof(ss_e));
	explicit_bzero(ss_s, sizeof(ss_s));
	explicit_bzero(stat, sizeof(stat));
	explicit_bzero(th, sizeof(th));
}

/* SERVER_VERIFY and SERVER_FINISHED, verified. */
static void
recv_server_auth(void)
{
	u_char th[MS_SHA256_LEN], sig[MS_ED25519_SIG_LEN], msg[SIG_MSG_MAX];
	u_char want[MS_SHA256_LEN], got_vd[MS_SHA256_LEN];
	struct got g;
	size_t msglen;
	uint16_t alg;
	int r;

	if ((r = ms_transcript_hash(hc.t, th)) != 0)
		local_err(r, "transcript");
	next(&g, hc.wait_ms);
	if (!g.opened || g.itype != MS_MSG_SERVER_VERIFY)
		finish(EXIT_FAIL, "expected SERVER_VERIFY: %s", trail());
	if ((r = ms_transcript_add(hc.t, g.itype, msbuf_ptr(hc.msg),
	    msbuf_len(hc.msg))) != 0)
		local_err(r, "transcript");
	if (msbuf_get_u16(hc.msg, &alg) != 0 ||
	    msbuf_get_string_fixed(hc.msg, sig, sizeof(sig)) != 0 ||
	    msbuf_len(hc.msg) != 0 || alg != hc.sh.sig)
		finish(EXIT_FAIL, "malformed SERVER_VERIFY");
	if ((r = ms_sig_message(MS_SIG_CONTEXT_SERVER, th, msg, sizeof(msg),
	    &msglen)) != 0)
		local_err(r, "signature message");
	if (ms_ed25519_verify(hc.sh.host_sig_pub, msg, msglen, sig,
	    sizeof(sig)) != 0)
		finish(EXIT_FAIL, "server signature over the handshake is bad");

	if ((r = ms_transcript_hash(hc.t, th)) != 0 ||
	    (r = ms_finished_mac(hc.hs.s_fin, th, want)) != 0)
		local_err(r, "finished");
	next(&g, hc.wait_ms);
	if (!g.opened || g.itype != MS_MSG_SERVER_FINISHED)
		finish(EXIT_FAIL, "expected SERVER_FINISHED: %s", trail());
	if ((r = ms_transcript_add(hc.t, g.itype, msbuf_ptr(hc.msg),
	    msbuf_len(hc.msg))) != 0)
		local_err(r, "transcript");
	if (msbuf_get_string_fixed(hc.msg, got_vd, sizeof(got_vd)) != 0 ||
	    msbuf_len(hc.msg) != 0)
		finish(EXIT_FAIL, "malformed SERVER_FINISHED");
	if (!ms_ct_equal(want, got_vd, sizeof(want)))
		finish(EXIT_FAIL, "SERVER_FINISHED does not match");
	explicit_bzero(want, sizeof(want));
	explicit_bzero(th, sizeof(th));
}

/* Seal one record (inner type + hc.body) and send it; hashed if hs. */
static void
send_record(uint8_t type, int hash)
{
	int r;

	if (hash && (r = ms_transcript_add(hc.t, type, msbuf_ptr(hc.body),
	    msbuf_len(hc.body))) != 0)
		local_err(r, "transcript");
	msbuf_reset(hc.frame);
	if ((r = ms_record_seal(&hc.tx, type, hc.body, hc.frame)) != 0)
		local_err(r, "seal");
	(void)send_buf(hc.frame);
}

#define FLIP_SIG	0x01	/* one bit of CLIENT_VERIFY's signature */
#define FLIP_FIN	0x02	/* one bit of CLIENT_FINISHED's verify_data */

/* CLIENT_IDENTITY, CLIENT_VERIFY, CLIENT_FINISHED as 'key', maybe broken. */
static void
send_client_auth(EVP_PKEY *key, const u_char pub[MS_ED25519_PUB_LEN],
    int flip)
{
	u_char th[MS_SHA256_LEN], msg[SIG_MSG_MAX], sig[MS_ED25519_SIG_LEN];
	u_char mac[MS_SHA256_LEN];
	size_t msglen;
	int r;

	msbuf_reset(hc.body);
	if ((r = msbuf_put_u8(hc.body, MS_ID_RAW_ED25519)) != 0 ||
	    (r = msbuf_put_string(hc.body, pub, MS_ED25519_PUB_LEN)) != 0)
		local_err(r, "encode identity");
	send_record(MS_MSG_CLIENT_IDENTITY, 1);

	msbuf_reset(hc.body);
	if ((r = ms_transcript_hash(hc.t, th)) != 0 ||
	    (r = ms_sig_message(MS_SIG_CONTEXT_CLIENT, th, msg, sizeof(msg),
	    &msglen)) != 0 ||
	    (r = ms_ed25519_sign(key, msg, msglen, sig)) != 0)
		local_err(r, "sign");
	if (flip & FLIP_SIG)
		sig[17] ^= 0x04;
	if ((r = msbuf_put_u16(hc.body, MS_SIG_ED25519)) != 0 ||
	    (r = msbuf_put_string(hc.body, sig, sizeof(sig))) != 0)
		local_err(r, "encode signature");
	send_record(MS_MSG_CLIENT_VERIFY, 1);

	msbuf_reset(hc.body);
	if ((r = ms_transcript_hash(hc.t, th)) != 0 ||
	    (r = ms_finished_mac(hc.hs.c_fin, th, mac)) != 0)
		local_err(r, "finished");
	if (flip & FLIP_FIN)
		mac[5] ^= 0x80;
	if ((r = msbuf_put_string(hc.body, mac, sizeof(mac))) != 0)
		local_err(r, "encode finished");
	send_record(MS_MSG_CLIENT_FINISHED, 1);
	explicit_bzero(mac, sizeof(mac));
	explicit_bzero(th, sizeof(th));
}

static void
install_ap_keys(void)
{
	struct ms_ap_secrets ap;
	u_char th[MS_SHA256_LEN];
	int r;

	if ((r = ms_transcript_hash(hc.t, th)) != 0 ||
	    (r = ms_derive_application(hc.hs.hs, th, &ap)) != 0 ||
	    (r = ms_record_dir_init(&hc.tx, hc.alg, ap.c_ap)) != 0 ||
	    (r = ms_record_dir_init(&hc.rx, hc.alg, ap.s_ap)) != 0 ||
	    (r = ms_blob_ctx_init(&hc.btx, hc.alg, hc.cipher, ap.c_blob,
	    0)) != 0 ||
	    (r = ms_blob_ctx_init(&hc.brx, hc.alg, hc.cipher, ap.s_blob,
	    1)) != 0)
		local_err(r, "application keys");
	ms_ap_secrets_clear(&ap);
	explicit_bzero(th, sizeof(th));
}

/* Up to and including SERVER_FINISHED, everything done right. */
static void
handshake_to_auth(void)
{
	struct ms_client_hello ch;

	connect_server();
	default_hello(&ch);
	send_hello(&ch);
	want_server_hello();
	install_hs_keys();
	recv_server_auth();
}

static void
need_identity(void)
{
	if (hc.id == NULL)
		finish(EXIT_LOCAL, "this scenario needs -i IDENTITY");
}

/* A complete, correct login with -i; anything but AUTH_RESULT OK fails. */
static void
login(void)
{
	struct got g;

	need_identity();
	handshake_to_auth();
	send_client_auth(hc.id, hc.id_pub, 0);
	install_ap_keys();
	next(&g, hc.wait_ms);
	if (!g.opened || g.itype != MS_MSG_AUTH_RESULT || !g.has_status)
		finish(EXIT_FAIL, "expected AUTH_RESULT: %s", trail());
	if (g.status != MS_ST_OK)
		finish(EXIT_FAIL, "valid login refused: %s", trail());
	vlog("logged in, cipher %s", ms_aead_name(hc.alg));
}

/* -------------------------------------------------------------- requests */

/* Seal request 'type' with fields from hc.body into hc.frame (appended). */
static uint32_t
seal_request(uint8_t type, const struct msbuf *fields)
{
	struct msbuf *b = xbuf(MS_RECORD_PLAINTEXT_MAX);
	uint32_t id = ++hc.reqid;
	int r;

	if ((r = msbuf_put_u32(b, id)) != 0 ||
	    (fields != NULL && (r = msbuf_putb(b, fields)) != 0) ||
	    (r = ms_record_seal(&hc.tx, type, b, hc.frame)) != 0) {
		msbuf_free(b);
		local_err(r, "seal request");
	}
	msbuf_free(b);
	return id;
}

/* The response to request 'id'; result fields are left in hc.msg. */
static uint32_t
want_response(uint32_t id, const char *what)
{
	struct got g;

	hc.mute = 1;
	next(&g, hc.wait_ms);
	hc.mute = 0;
	if (!g.opened || g.itype != MS_MSG_RESPONSE || !g.has_status)
		finish(EXIT_FAIL, "%s: expected a RESPONSE: %s", what, trail());
	if (g.reqid != id)
		finish(EXIT_FAIL, "%s: response to request %u, not %u", what,
		    g.reqid, id);
	return g.status;
}

static uint32_t
request(uint8_t type, const struct msbuf *fields, const char *what)
{
	uint32_t id;

	msbuf_reset(hc.frame);
	id = seal_request(type, fields);
	if (send_buf(hc.frame) != 0)
		vlog("%s: write failed", what);
	return want_response(id, what);
}

static uint32_t
op_status(char *principal, size_t plen, uint16_t *cipherp)
{
	char *ver = NULL, *who = NULL;
	uint32_t st, handles;

	if ((st = request(MS_MSG_STATUS, NULL, "STATUS")) != MS_ST_OK)
		return st;
	if (msbuf_get_cstring(hc.msg, &ver, NULL, MS_VERSION_STRING_MAX) != 0 ||
	    msbuf_get_cstring(hc.msg, &who, NULL, MS_PRINCIPAL_MAX) != 0 ||
	    msbuf_get_u32(hc.msg, &handles) != 0 ||
	    msbuf_get_u16(hc.msg, cipherp) != 0 || msbuf_len(hc.msg) != 0) {
		free(ver);
		free(who);
		finish(EXIT_FAIL, "malformed STATUS result");
	}
	sanitize(who);
	strlcpy(principal, who, plen);
	free(ver);
	free(who);
	return st;
}

static uint32_t
op_open(const char *path, uint8_t access, uint32_t *handlep)
{
	struct msbuf *f = xbuf(MS_PATH_MAX + 16);
	uint32_t st;
	int r;

	if ((r = msbuf_put_cstring(f, path)) != 0 ||
	    (r = msbuf_put_u8(f, access)) != 0)
		local_err(r, "encode OPEN");
	st = request(MS_MSG_OPEN, f, "OPEN");
	msbuf_free(f);
	*handlep = 0;
	if (st == MS_ST_OK && (msbuf_get_u32(hc.msg, handlep) != 0 ||
	    msbuf_len(hc.msg) != 0))
		finish(EXIT_FAIL, "malformed OPEN result");
	return st;
}

/* SET with flag SECURE and 'blob' (already sealed, maybe for elsewhere). */
static uint32_t
op_set_blob(uint32_t handle, const char *record, const struct msbuf *blob)
{
	struct msbuf *f = xbuf(BLOB_MAX + MS_RECORD_NAME_MAX + 64);
	uint32_t st;
	int r;

	if ((r = msbuf_put_u32(f, handle)) != 0 ||
	    (r = msbuf_put_cstring(f, record)) != 0 ||
	    (r = msbuf_put_u8(f, MS_REC_SECURE)) != 0 ||
	    (r = msbuf_put_stringb(f, blob)) != 0)
		local_err(r, "encode SET");
	st = request(MS_MSG_SET, f, "SET");
	msbuf_free(f);
	return st;
}

/*
 * GET; a SECURE value is opened under s_blob for (path, record, handle)
 * and compared with 'want'.  *matchp: 1 equal, 0 different, -1 bad blob.
 */
static uint32_t
op_get_check(const char *path, uint32_t handle, const char *record,
    const char *want, int *matchp)
{
	struct msbuf *f = xbuf(MS_RECORD_NAME_MAX + 64), *val;
	const u_char *v;
	uint64_t version, mtime;
	uint32_t st;
	size_t vlen;
	uint8_t flags;
	int r;

	*matchp = 0;
	if ((r = msbuf_put_u32(f, handle)) != 0 ||
	    (r = msbuf_put_cstring(f, record)) != 0)
		local_err(r, "encode GET");
	st = request(MS_MSG_GET, f, "GET");
	msbuf_free(f);
	if (st != MS_ST_OK)
		return st;
	if (msbuf_get_u8(hc.msg, &flags) != 0 ||
	    msbuf_get_u64(hc.msg, &version) != 0 ||
	    msbuf_get_u64(hc.msg, &mtime) != 0 ||
	    msbuf_get_string_direct(hc.msg, &v, &vlen, BLOB_MAX) != 0 ||
	    msbuf_len(hc.msg) != 0)
		finish(EXIT_FAIL, "malformed GET result");
	if ((flags & MS_REC_SECURE) == 0) {
		*matchp = vlen == strlen(want) && ms_ct_equal(v, want, vlen);
		return st;
	}
	val = xbuf(MS_VALUE_MAX);
	if (ms_blob_open(&hc.brx, path, record, handle, v, vlen, val) != 0)
		*matchp = -1;
	else
		*matchp = msbuf_len(val) == strlen(want) &&
		    ms_ct_equal(msbuf_ptr(val), want, msbuf_len(val));
	msbuf_free(val);
	return st;
}

/* ------------------------------------------------------ scenarios: basic */

static void
sc_normal(void)
{
	char who[MS_PRINCIPAL_MAX + 1];
	uint16_t cipher;
	uint32_t st;

	login();
	if ((st = op_status(who, sizeof(who), &cipher)) != MS_ST_OK)
		finish(EXIT_FAIL, "STATUS answered %s", ms_status_str(st));
	finish(EXIT_PASS, "AUTH_RESULT OK, STATUS OK: principal=%s cipher=%s",
	    who, ms_aead_name((enum ms_aead)ms_cipher_to_aead(cipher)));
}

/* Offer only chacha20-poly1305: the server must take it (4.1). */
static void
sc_strip_suite(void)
{
	char who[MS_PRINCIPAL_MAX + 1];
	uint16_t cipher;
	uint32_t st;

	hc.offer.n = 1;
	hc.offer.ids[0] = MS_CIPHER_CHACHA20_POLY1305;
	login();
	if (hc.cipher != MS_CIPHER_CHACHA20_POLY1305)
		finish(EXIT_FAIL, "server chose cipher 0x%04x", hc.cipher);
	if ((st = op_status(who, sizeof(who), &cipher)) != MS_ST_OK)
		finish(EXIT_FAIL, "STATUS answered %s", ms_status_str(st));
	if (cipher != MS_CIPHER_CHACHA20_POLY1305)
		finish(EXIT_FAIL, "STATUS reports cipher 0x%04x", cipher);
	finish(EXIT_PASS, "server chose chacha20-poly1305 (0x0002), "
	    "STATUS OK");
}

/* ----------------------------------------------------- scenarios: frames */

static void
sc_truncated_frame(void)
{
	u_char b[4 + 10];

	connect_server();
	memset(b, 0, sizeof(b));
	b[3] = 100;			/* announces 100 bytes ... */
	b[4] = MS_FRAME_CLIENT_HELLO;	/* ... of which 10 follow */
	(void)send_raw(b, sizeof(b));
	if (shutdown(hc.fd, SHUT_WR) != 0)
		finish(EXIT_LOCAL, "shutdown: %s", strerror(errno));
	expect_close(allow_clear_alert, "truncated frame, then EOF");
}

/* A bad length, then a valid CLIENT_HELLO the server must never reach. */
static void
bad_length(uint32_t len, const char *what)
{
	struct ms_client_hello ch;
	u_char hdr[4];

	connect_server();
	default_hello(&ch);
	encode_hello(&ch);
	hdr[0] = (u_char)(len >> 24);
	hdr[1] = (u_char)(len >> 16);
	hdr[2] = (u_char)(len >> 8);
	hdr[3] = (u_char)len;
	if (send_raw(hdr, sizeof(hdr)) == 0)
		(void)send_buf(hc.frame);
	expect_close(allow_clear_alert, what);
}

static void
sc_oversize_frame(void)
{
	bad_length(0x7fffffff, "frame length 0x7fffffff");
}

static void
sc_zero_length_frame(void)
{
	bad_length(0, "frame length 0");
}

/* Only the 4 bytes of a zero length: nothing more is due (2). */
static void
sc_zero_length_alone(void)
{
	u_char hdr[4];

	connect_server();
	memset(hdr, 0, sizeof(hdr));
	(void)send_raw(hdr, sizeof(hdr));
	expect_close(allow_clear_alert, "frame length 0 and nothing more");
}

/* -------------------------------------------------- scenarios: handshake */

/* The server must answer with exactly this cleartext alert and close. */
static void __attribute__((noreturn))
expect_clear_alert(uint32_t status, const char *what)
{
	struct got g;

	next(&g, hc.wait_ms);
	if (!g.clear_alert || !g.has_status || g.status != status)
		finish(EXIT_FAIL, "%s: expected ALERT %s: %s", what,
		    ms_status_str(status), trail());
	next(&g, hc.wait_ms);
	if (!is_close(&g))
		finish(EXIT_FAIL, "%s: no close after the alert: %s", what,
		    trail());
	finish(EXIT_PASS, "%s: %s", what, trail());
}

static void
sc_wrong_version(void)
{
	struct ms_client_hello ch;

	connect_server();
	default_hello(&ch);
	ch.version = 2;
	send_hello(&ch);
	expect_clear_alert(MS_ST_VERSION_MISMATCH, "CLIENT_HELLO version 2");
}

static void
sc_no_common_suite(void)
{
	struct ms_client_hello ch;

	connect_server();
	default_hello(&ch);
	ch.ciphers.n = 1;
	ch.ciphers.ids[0] = 0x7777;
	send_hello(&ch);
	expect_clear_alert(MS_ST_NO_COMMON_SUITE, "ciphers {0x7777}");
}

/*
 * A low-order client share: HANDSHAKE_FAILED, or a close; a SERVER_HELLO
 * is tolerated (the host-key half is only checked at DECAP) but nothing
 * under keys may follow.
 */
static void
low_order(const u_char share[32], const char *what)
{
	struct ms_client_hello ch;
	u_char out[32];
	struct got g;
	int i, r;

	connect_server();
	default_hello(&ch);
	/* Self-check: the share really is of low order. */
	if ((r = ms_x25519_derive(hc.eph, share, out)) != MS_ERR_KEY_INVALID)
		finish(EXIT_LOCAL, "share for %s is not of low order (%s)",
		    what, ms_err(r));
	memcpy(ch.share, share, sizeof(ch.share));
	send_hello(&ch);
	for (i = 0; i < EXPECT_FRAMES; i++) {
		next(&g, hc.wait_ms);
		if (is_close(&g))
			finish(EXIT_PASS, "%s: %s", what, trail());
		if (g.ev != EV_FRAME)
			break;
		if (g.clear_alert && g.has_status &&
		    g.status == MS_ST_HANDSHAKE_FAILED)
			continue;
		if (g.ftype == MS_FRAME_SERVER_HELLO && i == 0)
			continue;
		break;
	}
	finish(EXIT_FAIL, "%s: %s", what, trail());
}

static void
sc_low_order_share(void)
{
	u_char z[32];

	memset(z, 0, sizeof(z));
	low_order(z, "client_share all zero");
}

static void
sc_low_order_share_one(void)
{
	u_char z[32];

	memset(z, 0, sizeof(z));
	z[0] = 1;
	low_order(z, "client_share u=1");
}

static void
sc_low_order_share_8(void)
{
	low_order(order8_point, "client_share of order 8");
}

/* The proof is wrong somehow: exactly AUTH_RESULT AUTH_FAILED, then close. */
static void __attribute__((noreturn))
expect_auth_failed(const char *what)
{
	struct got g;

	install_ap_keys();
	next(&g, hc.wait_ms);
	if (g.opened && g.itype == MS_MSG_AUTH_RESULT && g.has_status &&
	    g.status == MS_ST_OK)
		finish(EXIT_FAIL, "%s: server ACCEPTED it: %s", what, trail());
	if (!g.opened || g.itype != MS_MSG_AUTH_RESULT || !g.has_status ||
	    g.status != MS_ST_AUTH_FAILED)
		finish(EXIT_FAIL, "%s: expected AUTH_RESULT AUTH_FAILED: %s",
		    what, trail());
	next(&g, hc.wait_ms);
	if (!is_close(&g))
		finish(EXIT_FAIL, "%s: no close after AUTH_FAILED: %s", what,
		    trail());
	finish(EXIT_PASS, "%s: %s", what, trail());
}

static void
sc_bad_signature(void)
{
	need_identity();
	handshake_to_auth();
	trail_reset();
	send_client_auth(hc.id, hc.id_pub, FLIP_SIG);
	expect_auth_failed("CLIENT_VERIFY with a flipped bit");
}

static void
sc_bad_finished(void)
{
	need_identity();
	handshake_to_auth();
	trail_reset();
	send_client_auth(hc.id, hc.id_pub, FLIP_FIN);
	expect_auth_failed("CLIENT_FINISHED with a flipped bit");
}

static EVP_PKEY *
stranger(u_char pub[MS_ED25519_PUB_LEN])
{
	EVP_PKEY *k = NULL;
	int r;

	if ((r = ms_pkey_generate(MS_KEY_ED25519, &k)) != 0 ||
	    (r = ms_pkey_raw_public(k, pub, MS_ED25519_PUB_LEN)) != 0) {
		EVP_PKEY_free(k);
		local_err(r, "generate key");
	}
	return k;
}

static void
sc_unknown_key(void)
{
	u_char pub[MS_ED25519_PUB_LEN];

	handshake_to_auth();
	trail_reset();
	EVP_PKEY_free(hc.id);
	hc.id = stranger(pub);	/* freed at exit */
	send_client_auth(hc.id, pub, 0);
	expect_auth_failed("unregistered key");
}

/* ---------------------------------------------------- scenarios: records */

/* A STATUS request, sealed but not sent; its frame is in hc.frame. */
static void
seal_status(void)
{
	msbuf_reset(hc.frame);
	(void)seal_request(MS_MSG_STATUS, NULL);
}

/*
 * The record attacks carry writes, so a test can see in the store that
 * the server acted on none of them: hc.path/r, record "rec".
 */
static void
record_target(char *p, size_t plen)
{
	if (snprintf(p, plen, "%s/r", hc.path) >= (int)plen ||
	    ms_path_valid(p, strlen(p)) != 0)
		finish(EXIT_LOCAL, "bad -P path %s", hc.path);
}

/* Log in and OPEN the target for writing. */
static uint32_t
record_setup(char *p, size_t plen)
{
	uint32_t h, st;

	record_target(p, plen);
	login();
	if ((st = op_open(p, MS_ACCESS_WRITE, &h)) != MS_ST_OK)
		finish(EXIT_FAIL, "OPEN %s for writing answered %s (needs w)",
		    p, ms_status_str(st));
	return h;
}

/* A plain SET of 'value' sealed into hc.frame (reset first); its id. */
static uint32_t
seal_set(uint32_t handle, const char *value)
{
	struct msbuf *f = xbuf(MS_RECORD_NAME_MAX + 64 + strlen(value));
	uint32_t id;
	int r;

	if ((r = msbuf_put_u32(f, handle)) != 0 ||
	    (r = msbuf_put_cstring(f, "rec")) != 0 ||
	    (r = msbuf_put_u8(f, 0)) != 0 ||
	    (r = msbuf_put_cstring(f, value)) != 0)
		local_err(r, "encode SET");
	msbuf_reset(hc.frame);
	id = seal_request(MS_MSG_SET, f);
	msbuf_free(f);
	return id;
}

static void
sc_flip_bit(void)
{
	char p[MS_PATH_MAX + 1];
	uint32_t h;
	u_char *c;

	h = record_setup(p, sizeof(p));
	trail_reset();
	seal_set(h, "tampered");
	/* The first ciphertext byte, after u32 len || u8 type || u16 version. */
	c = (u_char *)msbuf_ptr(hc.frame) + 7;
	*c ^= 0x01;
	(void)send_buf(hc.frame);
	expect_close(allow_nothing, "SET record with a flipped bit");
}

/* SET, DELETE, then the SET's record again: it must not come back. */
static void
sc_replay(void)
{
	char p[MS_PATH_MAX + 1];
	struct msbuf *copy, *f;
	uint32_t h, id, st;
	int r;

	h = record_setup(p, sizeof(p));
	trail_reset();
	id = seal_set(h, "replayed");
	if ((copy = msbuf_dup(hc.frame)) == NULL)
		finish(EXIT_LOCAL, "out of memory");
	(void)send_buf(hc.frame);
	if ((st = want_response(id, "SET")) != MS_ST_OK) {
		msbuf_free(copy);
		finish(EXIT_FAIL, "SET answered %s", ms_status_str(st));
	}
	f = xbuf(MS_RECORD_NAME_MAX + 64);
	if ((r = msbuf_put_u32(f, h)) != 0 ||
	    (r = msbuf_put_cstring(f, "rec")) != 0)
		local_err(r, "encode DELETE");
	st = request(MS_MSG_DELETE, f, "DELETE");
	msbuf_free(f);
	if (st != MS_ST_OK) {
		msbuf_free(copy);
		finish(EXIT_FAIL, "DELETE answered %s", ms_status_str(st));
	}
	trail_reset();
	note("SET OK, DELETE OK");
	(void)send_buf(copy);
	msbuf_free(copy);
	expect_close(allow_nothing, "the SET record sent again");
}

static void
sc_reorder(void)
{
	char p[MS_PATH_MAX + 1];
	uint32_t h;

	h = record_setup(p, sizeof(p));
	trail_reset();
	(void)seal_set(h, "first");	/* seq n: never sent */
	(void)seal_set(h, "second");	/* seq n + 1 */
	(void)send_buf(hc.frame);
	expect_close(allow_nothing, "second SET record sent first");
}

static void
sc_truncated_record(void)
{
	char p[MS_PATH_MAX + 1];
	uint32_t h, len;
	u_char *c;

	h = record_setup(p, sizeof(p));
	trail_reset();
	seal_set(h, "truncated");
	if (msbuf_consume_end(hc.frame, MS_AEAD_TAG_LEN) != 0)
		finish(EXIT_LOCAL, "frame too short");
	/* A well-formed frame whose record has lost its tag. */
	len = (uint32_t)msbuf_len(hc.frame) - 4;
	c = (u_char *)msbuf_ptr(hc.frame);
	c[0] = (u_char)(len >> 24);
	c[1] = (u_char)(len >> 16);
	c[2] = (u_char)(len >> 8);
	c[3] = (u_char)len;
	(void)send_buf(hc.frame);
	expect_close(allow_nothing, "SET record without its tag");
}

/* Right after SERVER_HELLO, a request under keys nobody derived. */
static void
sc_early_record(void)
{
	struct ms_client_hello ch;
	struct ms_record_dir garbage;
	u_char secret[MS_SHA256_LEN];
	int r;

	connect_server();
	default_hello(&ch);
	send_hello(&ch);
	want_server_hello();
	install_hs_keys();	/* only to read what the server sends */
	memset(&garbage, 0, sizeof(garbage));
	if ((r = ms_random_bytes(secret, sizeof(secret))) != 0 ||
	    (r = ms_record_dir_init(&garbage, hc.alg, secret)) != 0)
		local_err(r, "garbage keys");
	msbuf_reset(hc.body);
	msbuf_reset(hc.frame);
	if ((r = msbuf_put_u32(hc.body, 1)) != 0 ||
	    (r = ms_record_seal(&garbage, MS_MSG_STATUS, hc.body,
	    hc.frame)) != 0)
		local_err(r, "seal");
	ms_record_dir_clear(&garbage);
	explicit_bzero(secret, sizeof(secret));
	trail_reset();
	(void)send_buf(hc.frame);
	expect_close(allow_server_auth, "record under garbage keys after "
	    "SERVER_HELLO");
}

/* A well-sealed request under c_hs instead of CLIENT_IDENTITY. */
static void
sc_request_before_auth(void)
{
	handshake_to_auth();
	trail_reset();
	msbuf_reset(hc.body);
	if (msbuf_put_u32(hc.body, 1) != 0)
		finish(EXIT_LOCAL, "encode");
	send_record(MS_MSG_STATUS, 0);
	expect_close(allow_inner_alert, "STATUS before authentication");
}

/* Pipelined: a request right behind a proof the server will refuse. */
static void
sc_request_after_denied(void)
{
	u_char pub[MS_ED25519_PUB_LEN];

	handshake_to_auth();
	trail_reset();
	EVP_PKEY_free(hc.id);
	hc.id = stranger(pub);
	send_client_auth(hc.id, pub, 0);
	install_ap_keys();
	seal_status();
	(void)send_buf(hc.frame);
	expect_close(allow_auth_refused, "STATUS behind a refused login");
}

/* ------------------------------------------------------ scenarios: blobs */

static void
seal_blob(const char *path, const char *record, uint32_t handle,
    const char *value)
{
	int r;

	msbuf_reset(hc.blob);
	if ((r = ms_blob_seal(&hc.btx, path, record, handle,
	    (const u_char *)value, strlen(value), hc.blob)) != 0)
		local_err(r, "seal blob");
}

/* A SET the server must refuse with INVALID_ARGUMENT (9). */
static void
refused_set(uint32_t handle, const char *record, const char *what)
{
	uint32_t st;

	st = op_set_blob(handle, record, hc.blob);
	if (st != MS_ST_INVALID_ARGUMENT)
		finish(EXIT_FAIL, "%s: SET answered %s, want INVALID_ARGUMENT",
		    what, ms_status_str(st));
	note("%s: INVALID_ARGUMENT", what);
}

static void
sc_blob_moved(void)
{
	char p[MS_PATH_MAX + 1], q[MS_PATH_MAX + 1];
	uint32_t hw, hq, hr, st;
	struct msbuf *first;
	int match;

	if (snprintf(p, sizeof(p), "%s/p", hc.path) >= (int)sizeof(p) ||
	    snprintf(q, sizeof(q), "%s/q", hc.path) >= (int)sizeof(q) ||
	    ms_path_valid(p, strlen(p)) != 0)
		finish(EXIT_LOCAL, "bad -P path %s", hc.path);
	login();
	trail_reset();
	if ((st = op_open(p, MS_ACCESS_WRITE, &hw)) != MS_ST_OK ||
	    (st = op_open(q, MS_ACCESS_WRITE, &hq)) != MS_ST_OK)
		finish(EXIT_FAIL, "OPEN for writing answered %s (needs w)",
		    ms_status_str(st));

	/* A correct SECURE SET: blob_seq 0, for (p, A, hw). */
	seal_blob(p, "A", hw, VAL_A);
	if ((first = msbuf_dup(hc.blob)) == NULL)
		finish(EXIT_LOCAL, "out of memory");
	if ((st = op_set_blob(hw, "A", hc.blob)) != MS_ST_OK) {
		msbuf_free(first);
		finish(EXIT_FAIL, "valid SECURE SET answered %s",
		    ms_status_str(st));
	}
	note("SET %s A: OK", p);

	/* The same bytes again, for B: blob_seq 0 is spent. */
	msbuf_reset(hc.blob);
	if (msbuf_putb(hc.blob, first) != 0)
		finish(EXIT_LOCAL, "copy blob");
	msbuf_free(first);
	refused_set(hw, "B", "replayed blob for B");
	hc.btx.seq++;	/* the server consumed a number (9) */

	/* Fresh sequence number, sealed for A, sent for B. */
	seal_blob(p, "A", hw, VAL_X);
	refused_set(hw, "B", "blob for A sent for B");
	/* Sealed for another path and handle. */
	seal_blob(q, "A", hq, VAL_X);
	refused_set(hw, "A", "blob for q sent for p");
	/* Same path and record, another handle. */
	seal_blob(p, "A", hq, VAL_X);
	refused_set(hw, "A", "blob for another handle");

	/* Counters must still be in step: the next good blob is taken. */
	seal_blob(p, "C", hw, VAL_C);
	if ((st = op_set_blob(hw, "C", hc.blob)) != MS_ST_OK)
		finish(EXIT_FAIL, "%s; then a valid blob answered %s (blob "
		    "counters out of step)", trail(), ms_status_str(st));
	note("SET C: OK");

	/* Nothing the refused SETs carried was stored. */
	if ((st = op_open(p, MS_ACCESS_READ, &hr)) != MS_ST_OK)
		finish(EXIT_FAIL, "OPEN %s READ answered %s", p,
		    ms_status_str(st));
	if ((st = op_get_check(p, hr, "B", "", &match)) != MS_ST_RECORD_NOT_FOUND)
		finish(EXIT_FAIL, "%s; GET B answered %s: something was "
		    "stored", trail(), ms_status_str(st));
	note("GET B: RECORD_NOT_FOUND");
	if ((st = op_get_check(p, hr, "A", VAL_A, &match)) != MS_ST_OK ||
	    match != 1)
		finish(EXIT_FAIL, "%s; GET A answered %s, value %s", trail(),
		    ms_status_str(st), match == 1 ? "intact" :
		    match == 0 ? "CHANGED" : "in a bad blob");
	note("GET A: intact");
	if ((st = op_get_check(p, hr, "C", VAL_C, &match)) != MS_ST_OK ||
	    match != 1)
		finish(EXIT_FAIL, "%s; GET C answered %s", trail(),
		    ms_status_str(st));
	if ((st = op_open(q, MS_ACCESS_READ, &hr)) != MS_ST_PATH_NOT_FOUND)
		finish(EXIT_FAIL, "%s; OPEN %s READ answered %s, want "
		    "PATH_NOT_FOUND", trail(), q, ms_status_str(st));
	note("%s: PATH_NOT_FOUND", q);
	finish(EXIT_PASS, "%s", trail());
}

/* ------------------------------------------------ scenarios: resources */

static void
stall(const u_char *bytes, size_t len, const char *what)
{
	int64_t start, limit_ms;
	struct got g;
	int i;

	limit_ms = (int64_t)(hc.grace_s + STALL_SLACK_S) * 1000;
	start = now_ms();
	if (len > 0)
		(void)send_raw(bytes, len);
	trail_reset();
	for (i = 0; i < EXPECT_FRAMES; i++) {
		int64_t left = limit_ms - (now_ms() - start);

		next(&g, left > 0 ? (int)left : 0);
		if (is_close(&g))
			finish(EXIT_PASS, "%s: %s after %.1f s (limit %d s)",
			    what, trail(), (double)(now_ms() - start) / 1000,
			    hc.grace_s + STALL_SLACK_S);
		if (g.ev != EV_FRAME || !g.has_status ||
		    g.status != MS_ST_TIMEOUT ||
		    !(g.clear_alert || allow_inner_alert(&g)))
			break;
	}
	finish(EXIT_FAIL, "%s: %s after %.1f s (limit %d s)", what, trail(),
	    (double)(now_ms() - start) / 1000, hc.grace_s + STALL_SLACK_S);
}

static void
sc_stall(void)
{
	connect_server();
	stall(NULL, 0, "silent client");
}

static void
sc_stall_partial(void)
{
	struct ms_client_hello ch;

	connect_server();
	default_hello(&ch);
	encode_hello(&ch);
	stall(msbuf_ptr(hc.frame), 3, "3 bytes of a frame");
}

static void
sc_stall_auth(void)
{
	handshake_to_auth();
	stall(NULL, 0, "silent after SERVER_FINISHED");
}

enum fl_state { FL_CONNECTING, FL_OPEN, FL_REFUSED, FL_ALERT, FL_CLOSED,
	FL_FAILED };

/* Wait for every non-blocking connect to finish. */
static void
flood_connect_wait(int *fds, enum fl_state *st, int n)
{
	struct pollfd *pfd;
	int64_t deadline = now_ms() + hc.wait_ms;
	int i, pending, err;
	socklen_t elen;

	if ((pfd = calloc((size_t)n, sizeof(*pfd))) == NULL)
		finish(EXIT_LOCAL, "out of memory");
	for (;;) {
		for (i = 0, pending = 0; i < n; i++) {
			pfd[i].fd = st[i] == FL_CONNECTING ? fds[i] : -1;
			pfd[i].events = POLLOUT;
			pfd[i].revents = 0;
			pending += st[i] == FL_CONNECTING;
		}
		if (pending == 0 || now_ms() >= deadline)
			break;
		if (poll(pfd, (nfds_t)n, 100) == -1 && errno != EINTR) {
			free(pfd);
			finish(EXIT_LOCAL, "poll: %s", strerror(errno));
		}
		for (i = 0; i < n; i++) {
			if (pfd[i].fd == -1 || pfd[i].revents == 0)
				continue;
			err = 0;
			elen = sizeof(err);
			if (getsockopt(fds[i], SOL_SOCKET, SO_ERROR, &err,
			    &elen) != 0 || err != 0) {
				vlog("connection %d: connect: %s", i,
				    strerror(err));
				st[i] = FL_FAILED;
			} else
				st[i] = FL_OPEN;
		}
	}
	for (i = 0; i < n; i++)
		if (st[i] == FL_CONNECTING)
			st[i] = FL_FAILED;
	free(pfd);
}

/* See what the server does with each open connection for a while. */
static void
flood_settle(int *fds, enum fl_state *st, int n)
{
	struct pollfd *pfd;
	struct got g;
	int64_t deadline = now_ms() + FLOOD_SETTLE_MS;
	int i;

	if ((pfd = calloc((size_t)n, sizeof(*pfd))) == NULL)
		finish(EXIT_LOCAL, "out of memory");
	while (now_ms() < deadline) {
		for (i = 0; i < n; i++) {
			pfd[i].fd = st[i] == FL_OPEN ? fds[i] : -1;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		if (poll(pfd, (nfds_t)n, 100) == -1 && errno != EINTR) {
			free(pfd);
			finish(EXIT_LOCAL, "poll: %s", strerror(errno));
		}
		for (i = 0; i < n; i++) {
			if (pfd[i].fd == -1 || pfd[i].revents == 0)
				continue;
			hc.fd = fds[i];
			next(&g, 1000);
			hc.fd = -1;
			if (g.clear_alert && g.has_status &&
			    g.status == MS_ST_LIMIT_REACHED)
				st[i] = FL_REFUSED;
			else if (g.clear_alert)
				st[i] = FL_ALERT;
			else
				st[i] = FL_CLOSED;
		}
	}
	free(pfd);
}

/*
 * N connections at once, each silent.  With 'spread', connection i comes
 * from 127.0.1.(i % 250 + 1) so per-source limits do not apply (Linux
 * routes all of 127/8 to loopback).
 */
static void
flood(int spread)
{
	struct addrinfo *res;
	struct sockaddr_in src;
	enum fl_state *st;
	const char *errstr = NULL;
	int *fds, n, i, count[FL_FAILED + 1];
	int64_t start;

	if (hc.arg == NULL)
		finish(EXIT_LOCAL, "flood needs a connection count");
	n = (int)strtonum(hc.arg, 1, FLOOD_MAX, &errstr);
	if (errstr != NULL)
		finish(EXIT_LOCAL, "connection count %s: %s", hc.arg, errstr);
	if ((fds = calloc((size_t)n, sizeof(*fds))) == NULL ||
	    (st = calloc((size_t)n, sizeof(*st))) == NULL)
		finish(EXIT_LOCAL, "out of memory");
	res = resolve();
	if (spread && res->ai_family != AF_INET) {
		freeaddrinfo(res);
		finish(EXIT_LOCAL, "flood-spread needs an IPv4 loopback server");
	}
	start = now_ms();
	for (i = 0; i < n; i++) {
		st[i] = FL_CONNECTING;
		if ((fds[i] = socket(res->ai_family, SOCK_STREAM |
		    SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1)
			finish(EXIT_LOCAL, "socket: %s", strerror(errno));
		if (spread) {
			memset(&src, 0, sizeof(src));
			src.sin_family = AF_INET;
			src.sin_addr.s_addr = htonl(0x7f000100u |
			    (uint32_t)(i % 250 + 1));
			if (bind(fds[i], (struct sockaddr *)&src,
			    sizeof(src)) != 0)
				finish(EXIT_LOCAL, "bind 127.0.1.%d: %s",
				    i % 250 + 1, strerror(errno));
		}
		if (connect(fds[i], res->ai_addr, res->ai_addrlen) != 0 &&
		    errno != EINPROGRESS) {
			vlog("connection %d: %s", i, strerror(errno));
			st[i] = FL_FAILED;
		}
	}
	freeaddrinfo(res);
	flood_connect_wait(fds, st, n);
	flood_settle(fds, st, n);
	memset(count, 0, sizeof(count));
	for (i = 0; i < n; i++) {
		count[st[i]]++;
		close(fds[i]);
	}
	free(fds);
	free(st);
	finish(count[FL_REFUSED] > 0 ? EXIT_PASS : EXIT_FAIL,
	    "%d connections%s in %.1f s: refused=%d (LIMIT_REACHED) "
	    "other_alert=%d closed=%d open=%d failed=%d", n,
	    spread ? " from distinct sources" : "",
	    (double)(now_ms() - start) / 1000, count[FL_REFUSED],
	    count[FL_ALERT], count[FL_CLOSED], count[FL_OPEN],
	    count[FL_FAILED]);
}

static void
sc_flood(void)
{
	flood(0);
}

static void
sc_flood_spread(void)
{
	flood(1);
}

/* ---------------------------------------------------------------- main */

#define NEED_ARG	0x01	/* takes N */
#define NO_PIN		0x02	/* never gets past SERVER_HELLO */

static const struct scenario {
	const char	*name;
	void		(*fn)(void);
	int		 flags;
	const char	*help;
} scenarios[] = {
	{ "normal", sc_normal, 0, "login + STATUS, expects OK" },
	{ "strip-suite", sc_strip_suite, 0,
	    "offer only chacha20-poly1305, expects it chosen" },
	{ "truncated-frame", sc_truncated_frame, NO_PIN,
	    "announce 100 bytes, send 10, half-close" },
	{ "oversize-frame", sc_oversize_frame, NO_PIN,
	    "frame length 0x7fffffff" },
	{ "zero-length-frame", sc_zero_length_frame, NO_PIN,
	    "frame length 0" },
	{ "zero-length-alone", sc_zero_length_alone, NO_PIN,
	    "only the 4 bytes of a frame length 0" },
	{ "wrong-version", sc_wrong_version, NO_PIN,
	    "CLIENT_HELLO version 2, expects VERSION_MISMATCH" },
	{ "no-common-suite", sc_no_common_suite, NO_PIN,
	    "ciphers {0x7777}, expects NO_COMMON_SUITE" },
	{ "low-order-share", sc_low_order_share, NO_PIN,
	    "all-zero client_share" },
	{ "low-order-share-one", sc_low_order_share_one, NO_PIN,
	    "client_share u=1" },
	{ "low-order-share-8", sc_low_order_share_8, NO_PIN,
	    "client_share of order 8" },
	{ "bad-signature", sc_bad_signature, 0,
	    "CLIENT_VERIFY bit flipped, expects AUTH_FAILED" },
	{ "bad-finished", sc_bad_finished, 0,
	    "CLIENT_FINISHED bit flipped, expects AUTH_FAILED" },
	{ "unknown-key", sc_unknown_key, 0,
	    "unregistered key, expects AUTH_FAILED" },
	{ "flip-bit", sc_flip_bit, 0,
	    "tampered SET record, expects close (PATH/r rec unset)" },
	{ "replay", sc_replay, 0,
	    "SET, DELETE, the SET again: expects close (rec unset)" },
	{ "reorder", sc_reorder, 0,
	    "second SET record first, expects close (rec unset)" },
	{ "truncated-record", sc_truncated_record, 0,
	    "SET record without its tag, expects close (rec unset)" },
	{ "early-record", sc_early_record, 0,
	    "record under garbage keys after SERVER_HELLO" },
	{ "request-before-auth", sc_request_before_auth, 0,
	    "STATUS under handshake keys instead of CLIENT_IDENTITY" },
	{ "request-after-denied", sc_request_after_denied, 0,
	    "STATUS pipelined behind a refused login" },
	{ "blob-moved", sc_blob_moved, 0,
	    "replayed and moved crypto blobs, expects INVALID_ARGUMENT" },
	{ "stall", sc_stall, NO_PIN, "silent client, closed by grace+10 s" },
	{ "stall-partial", sc_stall_partial, NO_PIN,
	    "3 bytes of a frame, then silence" },
	{ "stall-auth", sc_stall_auth, 0,
	    "silence after SERVER_FINISHED" },
	{ "flood", sc_flood, NEED_ARG | NO_PIN,
	    "N silent connections, expects LIMIT_REACHED" },
	{ "flood-spread", sc_flood_spread, NEED_ARG | NO_PIN,
	    "the same from N source addresses" },
};

static void __attribute__((noreturn))
usage(void)
{
	size_t i;

	fprintf(stderr,
	    "usage: hostile-client -p PORT -k HOST_SIG_PUB [-i IDENTITY] "
	    "[-H HOST]\n"
	    "           [-c CIPHERS] [-g GRACE] [-w WAIT] [-P PATH] "
	    "[-T ALARM] [-v]\n"
	    "           SCENARIO [N]\n"
	    "exit: 0 server behaved, 1 it did not, 2 local error, "
	    "3 hard timeout\nscenarios:\n");
	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		fprintf(stderr, "  %-22s %s\n", scenarios[i].name,
		    scenarios[i].help);
	exit(EXIT_LOCAL);
}

static int
num_arg(const char *s, int lo, int hi, const char *what)
{
	const char *errstr = NULL;
	long long v;

	v = strtonum(s, lo, hi, &errstr);
	if (errstr != NULL) {
		fprintf(stderr, "hostile-client: %s %s: %s\n", what, s, errstr);
		exit(EXIT_LOCAL);
	}
	return (int)v;
}

/* "aes256-gcm,chacha20-poly1305" or raw ids "0x7777". */
static void
parse_ciphers(const char *s)
{
	char *dup, *cp, *tok, *end;
	unsigned long v;
	int id;

	if ((dup = strdup(s)) == NULL)
		finish(EXIT_LOCAL, "out of memory");
	hc.offer.n = 0;
	for (cp = dup; (tok = strsep(&cp, ",")) != NULL;) {
		if (hc.offer.n >= MS_ALG_LIST_MAX)
			finish(EXIT_LOCAL, "too many ciphers");
		if ((id = ms_aead_from_name(tok)) > 0)
			v = ms_aead_to_cipher((enum ms_aead)id);
		else {
			errno = 0;
			v = strtoul(tok, &end, 16);
			if (*tok == '\0' || *end != '\0' || errno != 0 ||
			    v == 0 || v > 0xffff)
				finish(EXIT_LOCAL, "unknown cipher %s", tok);
		}
		hc.offer.ids[hc.offer.n++] = (uint16_t)v;
	}
	free(dup);
	if (hc.offer.n == 0)
		finish(EXIT_LOCAL, "empty cipher list");
}

static void
load_keys(int flags)
{
	EVP_PKEY *pub = NULL;
	int r;

	if (hc.pubfile == NULL) {
		if (!(flags & NO_PIN))
			finish(EXIT_LOCAL, "-k HOST_SIG_PUB is required");
	} else {
		if ((r = ms_key_load_public(hc.pubfile, &pub, NULL)) != 0)
			finish(EXIT_LOCAL, "%s: %s", hc.pubfile, ms_err(r));
		if (ms_pkey_type(pub) != MS_KEY_ED25519 ||
		    (r = ms_pkey_raw_public(pub, hc.pin, sizeof(hc.pin))) != 0) {
			EVP_PKEY_free(pub);
			finish(EXIT_LOCAL, "%s: not an ed25519 public key",
			    hc.pubfile);
		}
		EVP_PKEY_free(pub);
	}
	if (hc.idfile == NULL)
		return;
	if ((r = ms_key_load_private(hc.idfile, NULL, &hc.id)) != 0)
		finish(EXIT_LOCAL, "%s: %s", hc.idfile, ms_err(r));
	if (ms_pkey_type(hc.id) != MS_KEY_ED25519 ||
	    ms_pkey_raw_public(hc.id, hc.id_pub, sizeof(hc.id_pub)) != 0)
		finish(EXIT_LOCAL, "%s: not an ed25519 key", hc.idfile);
}

int
main(int argc, char **argv)
{
	const struct scenario *sc = NULL;
	struct sigaction sa;
	size_t i;
	int ch, alarm_s;

	hc.fd = -1;
	hc.host = "127.0.0.1";
	hc.path = "/hostile";
	hc.wait_ms = WAIT_DEFAULT_S * 1000;
	hc.grace_s = GRACE_DEFAULT_S;
	hc.alarm_s = ALARM_DEFAULT_S;
	hc.offer.n = 2;
	hc.offer.ids[0] = MS_CIPHER_AES256_GCM;
	hc.offer.ids[1] = MS_CIPHER_CHACHA20_POLY1305;
	while ((ch = getopt(argc, argv, "c:g:H:hi:k:P:p:T:vw:")) != -1) {
		switch (ch) {
		case 'c':
			parse_ciphers(optarg);
			break;
		case 'g':
			hc.grace_s = num_arg(optarg, 0, 3600, "grace time");
			break;
		case 'H':
			hc.host = optarg;
			break;
		case 'i':
			hc.idfile = optarg;
			break;
		case 'k':
			hc.pubfile = optarg;
			break;
		case 'P':
			hc.path = optarg;
			break;
		case 'p':
			(void)num_arg(optarg, 1, 65535, "port");
			hc.port = optarg;
			break;
		case 'T':
			hc.alarm_s = num_arg(optarg, 1, 3600, "alarm");
			break;
		case 'v':
			hc.verbose = 1;
			break;
		case 'w':
			hc.wait_ms = num_arg(optarg, 1, 600, "wait") * 1000;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || argc > 2 || hc.port == NULL)
		usage();
	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		if (strcmp(argv[0], scenarios[i].name) == 0)
			sc = &scenarios[i];
	if (sc == NULL)
		usage();
	if ((argc == 2) != ((sc->flags & NEED_ARG) != 0))
		usage();
	hc.scenario = sc->name;
	hc.arg = argc == 2 ? argv[1] : NULL;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL) != 0)
		finish(EXIT_LOCAL, "sigaction: %s", strerror(errno));
	sa.sa_handler = on_alarm;
	if (sigaction(SIGALRM, &sa, NULL) != 0)
		finish(EXIT_LOCAL, "sigaction: %s", strerror(errno));
	alarm_s = hc.alarm_s;
	if (sc->fn == sc_stall || sc->fn == sc_stall_partial ||
	    sc->fn == sc_stall_auth) {
		if (alarm_s < hc.grace_s + STALL_SLACK_S + 10)
			alarm_s = hc.grace_s + STALL_SLACK_S + 10;
	}
	snprintf(alarm_line, sizeof(alarm_line),
	    "%s: no outcome within the hard timeout of %d s [HANG]\n",
	    hc.scenario, alarm_s);
	alarm((unsigned int)alarm_s);

	ms_log_init("hostile-client", hc.verbose ? MS_LOG_DEBUG1 :
	    MS_LOG_ERROR, 1, -1);
	local_err(ms_crypto_init(), "crypto init");
	hc.in = xbuf(MS_FRAME_MAX);
	hc.msg = xbuf(MS_RECORD_PLAINTEXT_MAX);
	hc.body = xbuf(MS_RECORD_PLAINTEXT_MAX);
	hc.frame = xbuf(MS_FRAME_MAX + MS_FRAME_HEADER_LEN);
	hc.blob = xbuf(BLOB_MAX);
	load_keys(sc->flags);
	sc->fn();
	finish(EXIT_LOCAL, "scenario ended without a verdict");
}
