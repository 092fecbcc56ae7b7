/*
 * bulk-set — write many records over a few connections (test only).
 *
 *	bulk-set PORT IDENTITY KNOWN_HOSTS PATH N NAMELEN [JOBS]
 *
 * Sets N plain records below PATH, named by their number padded with 'x'
 * to NAMELEN bytes (at most 255), each with the value "v".  JOBS
 * processes (default 8), each with one connection and one handle, take
 * every JOBS-th record, so the daemon's group commit puts several SETs in
 * one sync: a test builds a node larger than one LIST page in seconds
 * rather than with N client runs or N sequential syncs.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "metasafe.h"

static int
set_share(char **argv, long first, long step, long n, long len)
{
	struct metasafe_opts o;
	struct metasafe_conn *c = NULL;
	char name[256];
	uint32_t h;
	long i;
	int r;

	metasafe_opts_init(&o);
	o.port = argv[1];
	o.identity_file = argv[2];
	o.known_hosts_file = argv[3];
	if ((r = metasafe_connect_auth(&o, &c)) != 0 ||
	    (r = metasafe_open(c, argv[4], METASAFE_WRITE, &h)) != 0) {
		fprintf(stderr, "bulk-set: %s\n", metasafe_strerror(r));
		return 1;
	}
	for (i = first; i < n; i += step) {
		memset(name, 'x', (size_t)len);
		name[len] = '\0';
		/* Seven digits, so byte order is numeric order. */
		snprintf(name, 8, "%07lu", (unsigned long)i % 10000000);
		name[7] = 'x';
		if ((r = metasafe_set(c, h, name, 0, "v", 1, NULL)) != 0) {
			fprintf(stderr, "bulk-set: record %ld: %s\n", i,
			    metasafe_strerror(r));
			return 1;
		}
	}
	metasafe_close(c);
	return 0;
}

int
main(int argc, char **argv)
{
	long j, n, len, jobs = 8;
	pid_t pid;
	int status, failed = 0;

	if ((argc != 7 && argc != 8) ||
	    (n = strtol(argv[5], NULL, 10)) <= 0 || n > 9999999 ||
	    (len = strtol(argv[6], NULL, 10)) < 8 || len > 255 ||
	    (argc == 8 && ((jobs = strtol(argv[7], NULL, 10)) < 1 ||
	    jobs > 64))) {
		fprintf(stderr, "usage: bulk-set PORT IDENTITY KNOWN_HOSTS "
		    "PATH N NAMELEN(8..255) [JOBS(1..64)]\n");
		return 2;
	}
	if (jobs > n)
		jobs = n;
	for (j = 0; j < jobs; j++) {
		if ((pid = fork()) == -1) {
			perror("bulk-set: fork");
			return 1;
		}
		if (pid == 0)
			_exit(set_share(argv, j, jobs, n, len));
	}
	while (wait(&status) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			failed = 1;
	if (failed)
		return 1;
	printf("set %ld\n", n);
	return 0;
}
