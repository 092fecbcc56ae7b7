/*
 * conn.c — hostile-client's output and verdicts, connection plumbing, and
 * reading what the server did (frames, records, alerts, closes).
 */
#include "hostile.h"

#define EXIT_HANG	3

/* An order-8 point of Curve25519: X25519 with it is all zero. */
const u_char order8_point[32] = {
	0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae,
	0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4, 0x6a,
	0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd,
	0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00,
};

struct hc hc;
char alarm_line[256];

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
void __attribute__((noreturn, format(printf, 2, 3)))
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

void __attribute__((format(printf, 1, 2)))
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
void __attribute__((format(printf, 1, 2)))
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

void
trail_reset(void)
{
	hc.trail[0] = '\0';
}

const char *
trail(void)
{
	return hc.trail[0] != '\0' ? hc.trail : "nothing";
}

/* Text from the server, made safe to print on one line. */
void
sanitize(char *s)
{
	for (; *s != '\0'; s++) {
		if ((u_char)*s < 0x20 || (u_char)*s >= 0x7f || *s == '"')
			*s = '?';
	}
}

void
on_alarm(int sig)
{
	ssize_t n;

	(void)sig;
	n = write(STDOUT_FILENO, alarm_line, strlen(alarm_line));
	(void)n;
	_exit(EXIT_HANG);
}

int64_t
now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		finish(EXIT_LOCAL, "clock_gettime: %s", strerror(errno));
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* -------------------------------------------------------------- plumbing */

struct msbuf *
xbuf(size_t max)
{
	struct msbuf *b;

	if ((b = msbuf_new(max)) == NULL)
		finish(EXIT_LOCAL, "out of memory");
	return b;
}

void
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

struct addrinfo *
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
void
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
int
send_raw(const void *p, size_t len)
{
	int r;

	if ((r = ms_write_all(hc.fd, p, len)) != 0) {
		vlog("write: %s (%s)", ms_err(r), strerror(errno));
		return -1;
	}
	return 0;
}

int
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
void
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

int
is_close(const struct got *g)
{
	return g->ev == EV_CLOSED || g->ev == EV_CLOSED_MID ||
	    g->ev == EV_RESET;
}

int
allow_nothing(const struct got *g)
{
	(void)g;
	return 0;
}

int
allow_clear_alert(const struct got *g)
{
	return g->clear_alert && g->has_status;
}

/* What a server sends before it reads the client's first record. */
int
allow_server_auth(const struct got *g)
{
	return g->opened && (g->itype == MS_MSG_SERVER_VERIFY ||
	    g->itype == MS_MSG_SERVER_FINISHED);
}

int
allow_inner_alert(const struct got *g)
{
	return g->opened && g->itype == MS_MSG_ALERT && g->has_status;
}

int
allow_auth_refused(const struct got *g)
{
	return g->opened && g->itype == MS_MSG_AUTH_RESULT &&
	    g->has_status && g->status != MS_ST_OK;
}

/*
 * The server must end the connection; frames 'allow' accepts may come
 * first.  Passes on the close, fails on anything else or on silence.
 */
void __attribute__((noreturn))
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
