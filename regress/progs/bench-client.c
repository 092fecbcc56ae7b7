/*
 * bench-client — load generator for `make bench` (not a test).
 *
 *	bench-client PORT IDENTITY KNOWN_HOSTS MODE SECONDS [CIPHERS]
 *
 * MODE "connect": new connection, authenticate, OPEN + GET of /bench small,
 * close — repeated for SECONDS of wall time.  MODE "get": one connection,
 * GET of the SECURE record /bench secure repeated.  Prints
 * "MODE N OPS in T s: R ops/s".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "metasafe.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
one_get(struct metasafe_conn *c, const char *record)
{
	struct metasafe_value *v = NULL;
	uint32_t h;
	int r;

	if ((r = metasafe_open(c, "/bench", METASAFE_READ, &h)) != 0 ||
	    (r = metasafe_get(c, h, record, &v)) != 0)
		return r;
	metasafe_value_free(v);
	return metasafe_close_handle(c, h);
}

int
main(int argc, char **argv)
{
	struct metasafe_opts o;
	struct metasafe_conn *c = NULL;
	double start, secs, t;
	long n = 0;
	int r;

	if (argc < 6) {
		fprintf(stderr, "usage: bench-client PORT IDENTITY KNOWN_HOSTS "
		    "connect|get SECONDS [CIPHERS]\n");
		return 2;
	}
	metasafe_opts_init(&o);
	o.port = argv[1];
	o.identity_file = argv[2];
	o.known_hosts_file = argv[3];
	if (argc > 6)
		o.ciphers = argv[6];
	secs = strtod(argv[5], NULL);
	start = now();
	if (strcmp(argv[4], "connect") == 0) {
		while ((t = now() - start) < secs) {
			if ((r = metasafe_connect_auth(&o, &c)) != 0 ||
			    (r = one_get(c, "small")) != 0) {
				fprintf(stderr, "bench-client: %s\n",
				    metasafe_strerror(r));
				return 1;
			}
			metasafe_close(c);
			c = NULL;
			n++;
		}
	} else {
		if ((r = metasafe_connect_auth(&o, &c)) != 0) {
			fprintf(stderr, "bench-client: %s\n", metasafe_strerror(r));
			return 1;
		}
		start = now();
		while ((t = now() - start) < secs) {
			if ((r = one_get(c, "secure")) != 0) {
				fprintf(stderr, "bench-client: %s\n",
				    metasafe_strerror(r));
				return 1;
			}
			n++;
		}
		metasafe_close(c);
	}
	t = now() - start;
	printf("%s %ld ops in %.2f s: %.1f ops/s\n", argv[4], n, t, (double)n / t);
	return 0;
}
