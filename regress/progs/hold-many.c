/*
 * hold-many — keep many authenticated connections open (test only).
 *
 *	hold-many PORT IDENTITY KNOWN_HOSTS PATH RECORD N
 *
 * Opens N connections with libmetasafe, one after another, and on each
 * reads PATH RECORD once, so every worker is past its login and has served
 * a request.  Prints "ready N", then keeps them open until stdin reaches
 * EOF.  Each line "get" on stdin reads RECORD once more on every
 * connection and prints "got N"; a failure prints "error: MESSAGE" and
 * stops.  One process holds them all, so a test can hold hundreds of idle
 * sessions without hundreds of clients.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "metasafe.h"

#define HOLD_MANY_MAX	2000

struct held {
	struct metasafe_conn	*c;
	uint32_t		 h;
};

static int
read_one(struct held *s, const char *record)
{
	struct metasafe_value *v = NULL;
	int r;

	if ((r = metasafe_get(s->c, s->h, record, &v)) == 0)
		metasafe_value_free(v);
	return r;
}

static int
open_one(const struct metasafe_opts *o, struct held *s, const char *path,
    const char *record)
{
	int r;

	if ((r = metasafe_connect_auth(o, &s->c)) != 0 ||
	    (r = metasafe_open(s->c, path, METASAFE_READ, &s->h)) != 0)
		return r;
	return read_one(s, record);
}

int
main(int argc, char **argv)
{
	struct metasafe_opts o;
	struct held *s;
	char buf[64];
	long n, i;
	int r;

	if (argc != 7 || (n = strtol(argv[6], NULL, 10)) < 1 ||
	    n > HOLD_MANY_MAX) {
		fprintf(stderr, "usage: hold-many PORT IDENTITY KNOWN_HOSTS "
		    "PATH RECORD N (1..%d)\n", HOLD_MANY_MAX);
		return 2;
	}
	if ((s = calloc((size_t)n, sizeof(*s))) == NULL) {
		perror("hold-many");
		return 1;
	}
	metasafe_opts_init(&o);
	o.port = argv[1];
	o.identity_file = argv[2];
	o.known_hosts_file = argv[3];
	for (i = 0; i < n; i++) {
		if ((r = open_one(&o, &s[i], argv[4], argv[5])) != 0) {
			fprintf(stderr, "hold-many: connection %ld: %s\n",
			    i + 1, metasafe_strerror(r));
			return 1;
		}
	}
	printf("ready %ld\n", n);
	fflush(stdout);
	while (fgets(buf, sizeof(buf), stdin) != NULL) {
		if (strcmp(buf, "get\n") != 0)
			continue;
		for (i = 0, r = 0; i < n && r == 0; i++)
			r = read_one(&s[i], argv[5]);
		if (r == 0)
			printf("got %ld\n", n);
		else
			printf("error: %s\n", metasafe_strerror(r));
		fflush(stdout);
	}
	for (i = 0; i < n; i++)
		metasafe_close(s[i].c);
	free(s);
	return 0;
}
