/*
 * test_etcd_walk.c — a range walk (monitor/etcd_txn.c) against a fake
 * etcd gateway on loopback that answers what a hostile member could: keys
 * outside the range asked, or out of order, are a store error, and never
 * reach the walk's callback (a key shorter than the table's prefix once
 * did, with its length wrapped around; regress/etcd-hostile.sh checks the
 * same through regress/progs/etcd-tx).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "etcd_kv.h"
#include "etcd_txn.h"
#include "store.h"

#define HDR	"{\"header\":{\"revision\":\"8\"}"
#define KEY_A	"L21zL25vZGVzL2E="	/* /ms/nodes/a */
#define KEY_B	"L21zL25vZGVzL2I="	/* /ms/nodes/b */
#define KEY_X	"L3g="			/* /x */
#define KEY_META "L21zL21ldGEvaw=="	/* /ms/meta/k */

struct gateway {
	int		 fd;
	pthread_t	 thread;
	const char	*answer;	/* every request's 200 body */
	char		 url[64];
};

/* Read one request (headers, then Content-Length bytes) and answer it. */
static void
serve_one(struct gateway *g, int c)
{
	char req[65536], hdr[256], *eoh, *cl;
	size_t len = 0, want;
	ssize_t n;

	for (;;) {
		if (len == sizeof(req) - 1 ||
		    (n = read(c, req + len, sizeof(req) - 1 - len)) <= 0)
			return;
		len += (size_t)n;
		req[len] = '\0';
		if ((eoh = strstr(req, "\r\n\r\n")) == NULL)
			continue;
		cl = strcasestr(req, "\r\ncontent-length:");
		want = (size_t)(eoh + 4 - req) +
		    (cl != NULL ? strtoul(cl + 17, NULL, 10) : 0);
		if (len >= want)
			break;
	}
	snprintf(hdr, sizeof(hdr), "HTTP/1.1 200 OK\r\nContent-Type: "
	    "application/json\r\nContent-Length: %zu\r\nConnection: close"
	    "\r\n\r\n", strlen(g->answer));
	if (write(c, hdr, strlen(hdr)) < 0 ||
	    write(c, g->answer, strlen(g->answer)) < 0)
		return;
}

static void *
gateway_main(void *arg)
{
	struct gateway *g = arg;
	int c;

	/* Ends when the test shuts the listening socket down. */
	while ((c = accept(g->fd, NULL, NULL)) != -1) {
		serve_one(g, c);
		close(c);
	}
	return NULL;
}

static void
gateway_start(struct gateway *g, const char *answer)
{
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);

	memset(g, 0, sizeof(*g));
	g->answer = answer;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true((g->fd = socket(AF_INET, SOCK_STREAM, 0)) != -1);
	assert_int_equal(bind(g->fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(g->fd, 8), 0);
	assert_int_equal(getsockname(g->fd, (struct sockaddr *)&sin, &slen), 0);
	snprintf(g->url, sizeof(g->url), "http://127.0.0.1:%u",
	    ntohs(sin.sin_port));
	assert_int_equal(pthread_create(&g->thread, NULL, gateway_main, g), 0);
}

static void
gateway_stop(struct gateway *g)
{
	shutdown(g->fd, SHUT_RDWR);
	assert_int_equal(pthread_join(g->thread, NULL), 0);
	close(g->fd);
}

struct seen {
	int	 n;
	char	 keys[4][16];
};

static int
visit(void *ctx, const u_char *key, size_t keylen, const u_char *val,
    size_t vallen)
{
	struct seen *s = ctx;

	/* Within the table: at most a short test key past its prefix. */
	assert_true(keylen < sizeof(s->keys[0]));
	assert_true(s->n < 4);
	memcpy(s->keys[s->n], key, keylen);
	s->keys[s->n][keylen] = '\0';
	s->n++;
	return 0;
}

/* Walk table "nodes" under /ms/ with every answer being answer. */
static int
walk(const char *answer, struct seen *s)
{
	struct gateway g;
	struct ms_etcd_opts o;
	struct ms_etcd *e;
	struct ms_etcd_tx *t;
	char err[256];
	int st;

	gateway_start(&g, answer);
	memset(&o, 0, sizeof(o));
	o.endpoints[0] = g.url;
	o.nendpoints = 1;
	o.timeout_ms = 10000;
	assert_int_equal(ms_etcd_new(&o, &e, err, sizeof(err)), MS_STORE_OK);
	assert_non_null(t = ms_etcd_tx_begin_read(e, "/ms/"));
	memset(s, 0, sizeof(*s));
	st = ms_etcd_tx_walk(t, "nodes", NULL, 0, NULL, 0, visit, s, err,
	    sizeof(err));
	ms_etcd_tx_free(t);
	ms_etcd_free(e);
	gateway_stop(&g);
	return st;
}

static void
test_walk_in_range(void **state)
{
	struct seen s;

	assert_int_equal(walk(HDR ",\"kvs\":[{\"key\":\"" KEY_A "\"},"
	    "{\"key\":\"" KEY_B "\"}],\"count\":\"2\"}", &s), MS_STORE_OK);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.keys[0], "a");
	assert_string_equal(s.keys[1], "b");
}

static void
test_walk_key_outside(void **state)
{
	struct seen s;

	/* Shorter than "/ms/nodes/": its length past the prefix wrapped. */
	assert_int_equal(walk(HDR ",\"kvs\":[{\"key\":\"" KEY_X "\"}],"
	    "\"count\":\"1\"}", &s), MS_STORE_ERROR);
	assert_int_equal(s.n, 0);
	/* Another table's key, below the range. */
	assert_int_equal(walk(HDR ",\"kvs\":[{\"key\":\"" KEY_META "\"}],"
	    "\"count\":\"1\"}", &s), MS_STORE_ERROR);
	assert_int_equal(s.n, 0);
}

static void
test_walk_out_of_order(void **state)
{
	struct seen s;

	assert_int_equal(walk(HDR ",\"kvs\":[{\"key\":\"" KEY_B "\"},"
	    "{\"key\":\"" KEY_A "\"}],\"count\":\"2\"}", &s), MS_STORE_ERROR);
	assert_int_equal(s.n, 1);
	assert_int_equal(walk(HDR ",\"kvs\":[{\"key\":\"" KEY_A "\"},"
	    "{\"key\":\"" KEY_A "\"}],\"count\":\"2\"}", &s), MS_STORE_ERROR);
	assert_int_equal(s.n, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk_in_range),
		cmocka_unit_test(test_walk_key_outside),
		cmocka_unit_test(test_walk_out_of_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
