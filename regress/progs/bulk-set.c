/*
 * bulk-set — write many records over one connection (test only).
 *
 *	bulk-set PORT IDENTITY KNOWN_HOSTS PATH N NAMELEN
 *
 * Sets N plain records below PATH, named by their number padded with 'x'
 * to NAMELEN bytes (at most 255), each with the value "v".  One
 * connection and one handle, so a test can build a node larger than one
 * LIST page in seconds rather than with N client runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metasafe.h"

int
main(int argc, char **argv)
{
	struct metasafe_opts o;
	struct metasafe_conn *c = NULL;
	char name[256];
	uint32_t h;
	long i, n, len;
	int r;

	if (argc != 7 || (n = strtol(argv[5], NULL, 10)) <= 0 || n > 9999999 ||
	    (len = strtol(argv[6], NULL, 10)) < 8 || len > 255) {
		fprintf(stderr, "usage: bulk-set PORT IDENTITY KNOWN_HOSTS "
		    "PATH N NAMELEN(8..255)\n");
		return 2;
	}
	metasafe_opts_init(&o);
	o.port = argv[1];
	o.identity_file = argv[2];
	o.known_hosts_file = argv[3];
	if ((r = metasafe_connect_auth(&o, &c)) != 0 ||
	    (r = metasafe_open(c, argv[4], METASAFE_WRITE, &h)) != 0) {
		fprintf(stderr, "bulk-set: %s\n", metasafe_strerror(r));
		return 1;
	}
	for (i = 0; i < n; i++) {
		memset(name, 'x', (size_t)len);
		name[len] = '\0';
		/* Seven digits, so byte order is numeric order. */
		snprintf(name, 8, "%07ld", i % 10000000);
		name[7] = 'x';
		if ((r = metasafe_set(c, h, name, 0, "v", 1, NULL)) != 0) {
			fprintf(stderr, "bulk-set: record %ld: %s\n", i,
			    metasafe_strerror(r));
			return 1;
		}
	}
	metasafe_close(c);
	printf("set %ld\n", n);
	return 0;
}
