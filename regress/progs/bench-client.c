/*
 * bench-client — load generator for `make bench` (not a test).
 *
 *	bench-client PORT IDENTITY KNOWN_HOSTS MODE SECONDS [CIPHERS]
 *
 * MODE "connect": new connection, authenticate, OPEN + GET of /bench small,
 * close — repeated for SECONDS of wall time.  MODE "resume": the same,
 * but each connection resumes with the ticket the one before got (the
 * first logs in in full); the count of resumed ones is printed too.
 * MODE "get": one connection,
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

/* Asks for a ticket; metasafe_take_ticket collects it. */
static void
want_ticket(void *arg, const struct metasafe_ticket *t)
{
	(void)arg;
	(void)t;
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
	struct metasafe_ticket *tk = NULL;
	long n = 0, resumed = 0;
	int r;

	if (argc < 6) {
		fprintf(stderr, "usage: bench-client PORT IDENTITY KNOWN_HOSTS "
		    "connect|resume|get SECONDS [CIPHERS]\n");
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
	if (strcmp(argv[4], "connect") == 0 || strcmp(argv[4], "resume") == 0) {
		if (strcmp(argv[4], "resume") == 0)
			o.ticket_hook = want_ticket;
		while ((t = now() - start) < secs) {
			o.ticket = tk;
			if ((r = metasafe_connect_auth(&o, &c)) != 0 ||
			    (r = one_get(c, "small")) != 0) {
				fprintf(stderr, "bench-client: %s\n",
				    metasafe_strerror(r));
				return 1;
			}
			resumed += metasafe_resumed(c);
			metasafe_ticket_free(tk);
			tk = metasafe_take_ticket(c);
			metasafe_close(c);
			c = NULL;
			n++;
		}
		metasafe_ticket_free(tk);
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
	printf("%s %ld ops in %.2f s: %.1f ops/s", argv[4], n, t, (double)n / t);
	if (strcmp(argv[4], "resume") == 0)
		printf(" (%ld resumed)", resumed);
	printf("\n");
	return 0;
}
