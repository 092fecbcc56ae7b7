/*
 * bench-client — load generator for `make bench` (not a test).
 *
 *	bench-client [-gS] [-c clients] [-t seconds] [-C ciphers] [-p path]
 *	    [-r record] [-z bytes] PORT IDENTITY KNOWN_HOSTS MODE
 *
 * Forks one process per client (-c, default 1); each does its set-up,
 * then all start together and run for -t seconds (default 1) of wall
 * time.  MODE:
 *   connect  new connection + authentication + OPEN, GET of RECORD, CLOSE,
 *            disconnect, repeated; one latency sample per connection
 *   get      one connection, one OPEN, then GET of RECORD repeated
 *   set      one connection, one OPEN, then SET of record "RECORD-N" (N the
 *            client's number) with -z bytes (default 64), repeated; -S
 *            makes the values SECURE
 *   resume   as connect, but each connection resumes with the ticket the
 *            one before got (the first logs in in full); each client
 *            says on stderr how many of its connections resumed
 *   hold     -c connections, each authenticated and used once (OPEN +
 *            GET), held open until stdin reaches EOF; prints "ready N"
 * Path default /bench, record default "small".  -g prints "go" when the
 * measurement starts, so a script can start something beside it.
 * The result is one line of name=value pairs (see usage()): aggregate
 * rates, p50/p99 latency over every sample of every client, and the
 * slowest and fastest client's throughput with their ratio ("fair").
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "metasafe.h"

#define BC_CLIENTS_MAX	1024
#define BC_SAMPLES_MAX	(4u * 1024 * 1024)	/* per client */
#define BC_HOLD_PROCS	8			/* processes sharing hold */

enum bc_mode { BC_CONNECT, BC_GET, BC_SET, BC_HOLD, BC_RESUME };

struct bc_args {
	struct metasafe_opts	 o;
	enum bc_mode		 mode;
	int			 clients;
	double			 secs;
	const char		*path;
	const char		*record;
	size_t			 setlen;
	int			 secure;
	int			 print_go;
};

/* What one client sends back to the parent, followed by nlat samples. */
struct bc_result {
	uint64_t	ops;		/* requests */
	uint64_t	conns;		/* new connections */
	uint64_t	bytes;		/* value bytes read or written */
	double		secs;
	uint32_t	nlat;
};

struct bc_child {
	pid_t		 pid;
	int		 fd;		/* its result pipe */
	struct bc_result res;
	uint64_t	*lat;		/* ns */
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
write_all(int fd, const void *p, size_t len)
{
	const char *s = p;
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, s, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
read_all(int fd, void *p, size_t len)
{
	char *s = p;
	ssize_t n;

	while (len > 0) {
		if ((n = read(fd, s, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			return -1;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Samples of one client: grown as needed, capped at BC_SAMPLES_MAX. */
struct bc_samples {
	uint64_t	*v;
	uint32_t	 n, cap;
};

static void
sample_add(struct bc_samples *s, double dt)
{
	uint64_t *nv;
	uint32_t ncap;

	if (s->n == s->cap) {
		if (s->cap >= BC_SAMPLES_MAX)
			return;
		ncap = s->cap == 0 ? 4096 : s->cap * 2;
		if ((nv = reallocarray(s->v, ncap, sizeof(*nv))) == NULL)
			return;
		s->v = nv;
		s->cap = ncap;
	}
	s->v[s->n++] = (uint64_t)(dt * 1e9);
}

static int
bc_fail(const char *what, int r, struct metasafe_conn *c)
{
	fprintf(stderr, "bench-client: %s: %s%s%s\n", what, metasafe_strerror(r),
	    c != NULL ? ": " : "",
	    c != NULL && metasafe_last_error_message(c) != NULL ?
	    metasafe_last_error_message(c) : "");
	return -1;
}

static int
open_get_close(const struct bc_args *a, struct metasafe_conn *c,
    uint64_t *bytes)
{
	struct metasafe_value *v = NULL;
	uint32_t h;
	int r;

	if ((r = metasafe_open(c, a->path, METASAFE_READ, &h)) != 0)
		return bc_fail("open", r, c);
	if ((r = metasafe_get(c, h, a->record, &v)) != 0)
		return bc_fail("get", r, c);
	*bytes += v->len;
	metasafe_value_free(v);
	if ((r = metasafe_close_handle(c, h)) != 0)
		return bc_fail("close", r, c);
	return 0;
}

/* Blocks until the parent closes the go pipe (read returns EOF). */
static void
wait_go(int gofd)
{
	char ch;

	while (read(gofd, &ch, 1) == -1 && errno == EINTR)
		;
}

static int
ready(int readyfd, int gofd)
{
	if (write_all(readyfd, "r", 1) != 0)
		return -1;
	close(readyfd);
	wait_go(gofd);
	return 0;
}

/* Asks for a ticket (resume); metasafe_take_ticket collects it. */
static void
want_ticket(void *arg, const struct metasafe_ticket *t)
{
	(void)arg;
	(void)t;
}

static int
run_connect(const struct bc_args *a, int readyfd, int gofd,
    struct bc_result *res, struct bc_samples *s)
{
	struct metasafe_conn *c = NULL;
	struct metasafe_ticket *tk = NULL;
	struct metasafe_opts o = a->o;
	double start, t0, t1;
	long resumed = 0;
	int r;

	if (a->mode == BC_RESUME)
		o.ticket_hook = want_ticket;
	if (ready(readyfd, gofd) != 0)
		return -1;
	start = now();
	while ((t0 = now()) - start < a->secs) {
		o.ticket = tk;
		if ((r = metasafe_connect_auth(&o, &c)) != 0)
			return bc_fail("connect", r, c);
		if (open_get_close(a, c, &res->bytes) != 0)
			return -1;
		resumed += metasafe_resumed(c);
		metasafe_ticket_free(tk);
		tk = metasafe_take_ticket(c);
		metasafe_close(c);
		c = NULL;
		t1 = now();
		sample_add(s, t1 - t0);
		res->conns++;
		res->ops += 3;
	}
	res->secs = now() - start;
	metasafe_ticket_free(tk);
	if (a->mode == BC_RESUME)
		fprintf(stderr, "resumed %ld of %llu\n", resumed,
		    (unsigned long long)res->conns);
	return 0;
}

static int
one_request(const struct bc_args *a, struct metasafe_conn *c, uint32_t h,
    const char *name, const u_char *val, uint64_t *bytes)
{
	struct metasafe_value *v = NULL;
	int r;

	if (a->mode == BC_SET) {
		if ((r = metasafe_set(c, h, name, a->secure ? METASAFE_SECURE : 0,
		    val, a->setlen, NULL)) != 0)
			return bc_fail("set", r, c);
		*bytes += a->setlen;
		return 0;
	}
	if ((r = metasafe_get(c, h, name, &v)) != 0)
		return bc_fail("get", r, c);
	*bytes += v->len;
	metasafe_value_free(v);
	return 0;
}

static int
run_session(const struct bc_args *a, int idx, int readyfd, int gofd,
    struct bc_result *res, struct bc_samples *s)
{
	struct metasafe_conn *c = NULL;
	char name[300];
	u_char *val = NULL;
	double start, t0, t1;
	uint32_t h;
	int r, ret = -1;

	if (a->mode == BC_SET) {
		snprintf(name, sizeof(name), "%s-%d", a->record, idx);
		if ((val = malloc(a->setlen)) == NULL)
			return -1;
		memset(val, 'a' + idx % 26, a->setlen);
	} else
		snprintf(name, sizeof(name), "%s", a->record);
	if ((r = metasafe_connect_auth(&a->o, &c)) != 0) {
		bc_fail("connect", r, c);
		goto out;
	}
	if ((r = metasafe_open(c, a->path, a->mode == BC_SET ?
	    METASAFE_WRITE : METASAFE_READ, &h)) != 0) {
		bc_fail("open", r, c);
		goto out;
	}
	if (ready(readyfd, gofd) != 0)
		goto out;
	start = now();
	while ((t0 = now()) - start < a->secs) {
		if (one_request(a, c, h, name, val, &res->bytes) != 0)
			goto out;
		t1 = now();
		sample_add(s, t1 - t0);
		res->ops++;
	}
	res->secs = now() - start;
	ret = 0;
 out:
	metasafe_close(c);
	free(val);
	return ret;
}

/* This process's share of the held connections, until the go pipe closes. */
static int
run_hold(const struct bc_args *a, int share, int readyfd, int gofd,
    struct bc_result *res)
{
	struct metasafe_conn **cs;
	int i, r, ret = -1;

	if ((cs = calloc((size_t)share, sizeof(*cs))) == NULL)
		return -1;
	for (i = 0; i < share; i++) {
		if ((r = metasafe_connect_auth(&a->o, &cs[i])) != 0) {
			bc_fail("connect", r, cs[i]);
			goto out;
		}
		if (open_get_close(a, cs[i], &res->bytes) != 0)
			goto out;
		res->conns++;
	}
	if (ready(readyfd, gofd) != 0)
		goto out;
	ret = 0;
 out:
	for (i = 0; i < share; i++)
		metasafe_close(cs[i]);
	free(cs);
	return ret;
}

static void __attribute__((noreturn))
child(const struct bc_args *a, int idx, int share, int readyfd, int gofd,
    int resfd)
{
	struct bc_result res;
	struct bc_samples s;
	int r;

	memset(&res, 0, sizeof(res));
	memset(&s, 0, sizeof(s));
	switch (a->mode) {
	case BC_CONNECT:
	case BC_RESUME:
		r = run_connect(a, readyfd, gofd, &res, &s);
		break;
	case BC_HOLD:
		r = run_hold(a, share, readyfd, gofd, &res);
		break;
	default:
		r = run_session(a, idx, readyfd, gofd, &res, &s);
		break;
	}
	if (r != 0)
		_exit(1);
	res.nlat = s.n;
	if (write_all(resfd, &res, sizeof(res)) != 0 ||
	    (s.n > 0 && write_all(resfd, s.v, s.n * sizeof(*s.v)) != 0))
		_exit(1);
	_exit(0);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted v[0..n-1], in microseconds. */
static double
pctl_us(const uint64_t *v, size_t n, double p)
{
	size_t k;

	if (n == 0)
		return 0;
	k = (size_t)(p * (double)n + 0.999999);
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return (double)v[k - 1] / 1e3;
}

static const char *mode_names[] = { "connect", "get", "set", "hold",
    "resume" };

static void
report(const struct bc_args *a, struct bc_child *ch, int n)
{
	uint64_t ops = 0, conns = 0, bytes = 0, *all;
	size_t nall = 0, k;
	double secs = 0, rate, mn = -1, mx = 0;
	int i;

	for (i = 0; i < n; i++) {
		ops += ch[i].res.ops;
		conns += ch[i].res.conns;
		bytes += ch[i].res.bytes;
		nall += ch[i].res.nlat;
		if (ch[i].res.secs > secs)
			secs = ch[i].res.secs;
		rate = ch[i].res.secs > 0 ?
		    (double)(a->mode == BC_CONNECT || a->mode == BC_RESUME ?
		    ch[i].res.conns :
		    ch[i].res.ops) / ch[i].res.secs : 0;
		if (mn < 0 || rate < mn)
			mn = rate;
		if (rate > mx)
			mx = rate;
	}
	if ((all = calloc(nall + 1, sizeof(*all))) == NULL) {
		fprintf(stderr, "bench-client: out of memory\n");
		exit(1);
	}
	for (i = 0, k = 0; i < n; i++) {
		if (ch[i].res.nlat > 0)
			memcpy(all + k, ch[i].lat, ch[i].res.nlat * sizeof(*all));
		k += ch[i].res.nlat;
	}
	qsort(all, nall, sizeof(*all), cmp_u64);
	if (secs <= 0)
		secs = 1e-9;
	printf("mode=%s clients=%d secs=%.3f ops=%llu conns=%llu bytes=%llu "
	    "ops_s=%.1f conn_s=%.1f bytes_s=%.1f p50_us=%.1f p99_us=%.1f "
	    "samples=%zu min_s=%.1f max_s=%.1f fair=%.3f\n",
	    mode_names[a->mode], a->clients, secs, (unsigned long long)ops,
	    (unsigned long long)conns, (unsigned long long)bytes,
	    (double)ops / secs,
	    (double)conns / secs, (double)bytes / secs,
	    pctl_us(all, nall, 0.50), pctl_us(all, nall, 0.99), nall,
	    mn < 0 ? 0 : mn, mx, mx > 0 ? mn / mx : 0);
	free(all);
}

static int
collect(struct bc_child *c)
{
	if (read_all(c->fd, &c->res, sizeof(c->res)) != 0 ||
	    c->res.nlat > BC_SAMPLES_MAX)
		return -1;
	if ((c->lat = calloc((size_t)c->res.nlat + 1, sizeof(*c->lat))) == NULL ||
	    read_all(c->fd, c->lat, c->res.nlat * sizeof(*c->lat)) != 0)
		return -1;
	return 0;
}

/* Wait for every child's set-up; -1 when one of them gave up. */
static int
wait_ready(int readyfd, int n)
{
	char buf[64];
	ssize_t r;
	int got = 0;

	while (got < n) {
		if ((r = read(readyfd, buf, sizeof(buf))) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			return -1;
		got += (int)r;
	}
	return 0;
}

static void
wait_stdin_eof(void)
{
	char buf[256];
	ssize_t r;

	while ((r = read(STDIN_FILENO, buf, sizeof(buf))) != 0)
		if (r == -1 && errno != EINTR)
			break;
}

static int
run(const struct bc_args *a)
{
	struct bc_child *ch;
	int rp[2], gp[2], fp[2], i, n, st, ret = 0;

	n = a->mode == BC_HOLD ?
	    (a->clients < BC_HOLD_PROCS ? a->clients : BC_HOLD_PROCS) :
	    a->clients;
	if ((ch = calloc((size_t)n, sizeof(*ch))) == NULL ||
	    pipe(rp) == -1 || pipe(gp) == -1)
		return -1;
	fflush(stdout);
	for (i = 0; i < n; i++) {
		if (pipe(fp) == -1 || (ch[i].pid = fork()) == -1) {
			fprintf(stderr, "bench-client: fork: %s\n", strerror(errno));
			return -1;
		}
		if (ch[i].pid == 0) {
			close(rp[0]);
			close(gp[1]);
			close(fp[0]);
			child(a, i, a->clients / n + (i < a->clients % n),
			    rp[1], gp[0], fp[1]);
		}
		close(fp[1]);
		ch[i].fd = fp[0];
	}
	close(rp[1]);
	close(gp[0]);
	if (wait_ready(rp[0], n) != 0) {
		fprintf(stderr, "bench-client: a client failed its set-up\n");
		ret = -1;
	} else if (a->mode == BC_HOLD) {
		printf("ready %d\n", a->clients);
		fflush(stdout);
		wait_stdin_eof();
	} else if (a->print_go) {
		printf("go\n");
		fflush(stdout);
	}
	close(gp[1]);
	for (i = 0; i < n; i++) {
		if (ret == 0 && collect(&ch[i]) != 0)
			ret = -1;
		close(ch[i].fd);
	}
	for (i = 0; i < n; i++) {
		while (waitpid(ch[i].pid, &st, 0) == -1 && errno == EINTR)
			;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			ret = -1;
	}
	if (ret == 0)
		report(a, ch, n);
	for (i = 0; i < n; i++)
		free(ch[i].lat);
	free(ch);
	return ret;
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: bench-client [-gS] [-c clients] [-t seconds] "
	    "[-C ciphers] [-p path] [-r record] [-z bytes]\n"
	    "	PORT IDENTITY KNOWN_HOSTS connect|get|set|hold|resume\n"
	    "prints: mode= clients= secs= ops= conns= bytes= ops_s= conn_s= bytes_s= "
	    "p50_us= p99_us= samples= min_s= max_s= fair=\n");
	exit(2);
}

static int
parse_mode(const char *s, enum bc_mode *m)
{
	size_t i;

	for (i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++) {
		if (strcmp(s, mode_names[i]) == 0) {
			*m = (enum bc_mode)i;
			return 0;
		}
	}
	return -1;
}

int
main(int argc, char **argv)
{
	struct bc_args a;
	char *ep;
	long l;
	int ch;

	memset(&a, 0, sizeof(a));
	metasafe_opts_init(&a.o);
	a.clients = 1;
	a.secs = 1;
	a.path = "/bench";
	a.record = "small";
	a.setlen = 64;
	while ((ch = getopt(argc, argv, "C:c:gp:r:St:z:")) != -1) {
		switch (ch) {
		case 'C':
			a.o.ciphers = optarg;
			break;
		case 'c':
			l = strtol(optarg, &ep, 10);
			if (*ep != '\0' || l < 1 || l > BC_CLIENTS_MAX)
				usage();
			a.clients = (int)l;
			break;
		case 'g':
			a.print_go = 1;
			break;
		case 'p':
			a.path = optarg;
			break;
		case 'r':
			a.record = optarg;
			break;
		case 'S':
			a.secure = 1;
			break;
		case 't':
			a.secs = strtod(optarg, &ep);
			if (*ep != '\0' || !(a.secs > 0) || a.secs > 3600)
				usage();
			break;
		case 'z':
			l = strtol(optarg, &ep, 10);
			if (*ep != '\0' || l < 1 || l > 1048576)
				usage();
			a.setlen = (size_t)l;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 4 || parse_mode(argv[3], &a.mode) != 0 ||
	    strlen(a.record) > 255 - 8)
		usage();
	a.o.port = argv[0];
	a.o.identity_file = argv[1];
	a.o.known_hosts_file = argv[2];
	/* Loaded runs are slow, not broken: wait longer than the default. */
	a.o.timeout_ms = 60000;
	signal(SIGPIPE, SIG_IGN);
	return run(&a) == 0 ? 0 : 1;
}
