/*
 * sc_resources.c — scenarios against resources: stalls and connection
 * floods.
 */
#include "hostile.h"

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

void
sc_stall(void)
{
	connect_server();
	stall(NULL, 0, "silent client");
}

void
sc_stall_partial(void)
{
	struct ms_client_hello ch;

	connect_server();
	default_hello(&ch);
	encode_hello(&ch);
	stall(msbuf_ptr(hc.frame), 3, "3 bytes of a frame");
}

void
sc_stall_auth(void)
{
	handshake_to_auth();
	stall(NULL, 0, "silent after SERVER_FINISHED");
}

enum fl_state { FL_CONNECTING, FL_OPEN, FL_REFUSED, FL_ALERT, FL_CLOSED,
	FL_FAILED };

/* poll() the flood's connections for 100 ms; a failure is a local error. */
static void
flood_poll(struct pollfd *pfd, int n)
{
	if (poll(pfd, (nfds_t)n, 100) == -1 && errno != EINTR) {
		free(pfd);
		finish(EXIT_LOCAL, "poll: %s", strerror(errno));
	}
}

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
		flood_poll(pfd, n);
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
		flood_poll(pfd, n);
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

void
sc_flood(void)
{
	flood(0);
}

void
sc_flood_spread(void)
{
	flood(1);
}
