/*
 * set-writers — concurrent writers, each on its own connection (test
 * only).
 *
 *	set-writers PORT IDENTITY KNOWN_HOSTS PATH WRITERS N own|same
 *
 * Forks WRITERS processes; each connects, opens PATH for writing and does
 * N SETs, of its own record "wK" ("own") or all of one record "shared"
 * ("same"), with the value "K:I".  Every acknowledged SET is printed as
 * "ack K I VERSION" the moment its answer arrives (one write per line), a
 * refused one as "err K I MESSAGE", after which that writer stops.  Exit
 * 0 when every writer did all its SETs.  The last line, on stderr, is the
 * rate, for measurements by hand: "sets S seconds T per-second R".
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "metasafe.h"

/* One write(2) per line, so the writers' lines do not mix. */
static void
say(const char *line, int len)
{
	if (len > 0 && write(STDOUT_FILENO, line, (size_t)len) != len)
		_exit(3);
}

static int
writer(const char **argv, long k, long n, int same)
{
	struct metasafe_opts o;
	struct metasafe_conn *c = NULL;
	char rec[32], val[64], line[512];
	uint64_t version;
	uint32_t h;
	long i;
	int r, len;

	metasafe_opts_init(&o);
	o.port = argv[1];
	o.identity_file = argv[2];
	o.known_hosts_file = argv[3];
	if ((r = metasafe_connect_auth(&o, &c)) != 0 ||
	    (r = metasafe_open(c, argv[4], METASAFE_WRITE, &h)) != 0) {
		len = snprintf(line, sizeof(line), "err %ld -1 %s\n", k,
		    metasafe_strerror(r));
		say(line, len);
		return 1;
	}
	snprintf(rec, sizeof(rec), same ? "shared" : "w%ld", k);
	for (i = 0; i < n; i++) {
		snprintf(val, sizeof(val), "%ld:%ld", k, i);
		if ((r = metasafe_set(c, h, rec, 0, val, strlen(val),
		    &version)) != 0) {
			len = snprintf(line, sizeof(line), "err %ld %ld %s\n",
			    k, i, metasafe_strerror(r));
			say(line, len);
			metasafe_close(c);
			return 1;
		}
		len = snprintf(line, sizeof(line), "ack %ld %ld %llu\n", k, i,
		    (unsigned long long)version);
		say(line, len);
	}
	metasafe_close(c);
	return 0;
}

int
main(int argc, char **argv)
{
	struct timespec t0, t1;
	long k, nw, n;
	double secs;
	int st, bad = 0, same;

	if (argc != 8 || (nw = strtol(argv[5], NULL, 10)) <= 0 || nw > 256 ||
	    (n = strtol(argv[6], NULL, 10)) <= 0 || n > 10000000 ||
	    (strcmp(argv[7], "own") != 0 && strcmp(argv[7], "same") != 0)) {
		fprintf(stderr, "usage: set-writers PORT IDENTITY KNOWN_HOSTS "
		    "PATH WRITERS N own|same\n");
		return 2;
	}
	same = strcmp(argv[7], "same") == 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (k = 0; k < nw; k++) {
		switch (fork()) {
		case -1:
			perror("fork");
			return 1;
		case 0:
			_exit(writer((const char **)argv, k, n, same));
		}
	}
	while (wait(&st) > 0)
		bad |= !WIFEXITED(st) || WEXITSTATUS(st) != 0;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	fprintf(stderr, "sets %ld seconds %.3f per-second %.0f\n", nw * n,
	    secs, (double)(nw * n) / secs);
	return bad;
}
