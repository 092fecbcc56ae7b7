/*
 * hold-conn — keep one authenticated connection open (test only).
 *
 *	hold-conn PORT IDENTITY KNOWN_HOSTS PATH RECORD [RESUMPTION_CACHE]
 *
 * Connects with libmetasafe, reads PATH RECORD (so the worker has done a
 * whole handshake and sealed a blob), prints "ready" and the worker's
 * cipher, then keeps the connection open until stdin reaches EOF.  Used by
 * tests that inspect a live, fully used worker.  Each line "get" on stdin
 * reads RECORD again and prints "got" or "error: MESSAGE".  With
 * RESUMPTION_CACHE the connection resumes from that file (and prints
 * "resumed" after "ready" when it did).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "metasafe.h"

int
main(int argc, char **argv)
{
	struct metasafe_opts o;
	struct metasafe_conn *c = NULL;
	struct metasafe_value *v = NULL;
	uint32_t h;
	char buf[64];
	int r;

	if (argc != 6 && argc != 7) {
		fprintf(stderr, "usage: hold-conn PORT IDENTITY KNOWN_HOSTS "
		    "PATH RECORD [RESUMPTION_CACHE]\n");
		return 2;
	}
	metasafe_opts_init(&o);
	o.port = argv[1];
	o.identity_file = argv[2];
	o.known_hosts_file = argv[3];
	if (argc == 7)
		o.resumption_cache = argv[6];
	if ((r = metasafe_connect_auth(&o, &c)) != 0 ||
	    (r = metasafe_open(c, argv[4], METASAFE_READ, &h)) != 0 ||
	    (r = metasafe_get(c, h, argv[5], &v)) != 0) {
		fprintf(stderr, "hold-conn: %s\n", metasafe_strerror(r));
		return 1;
	}
	metasafe_value_free(v);
	printf("ready %s\n", metasafe_cipher(c));
	if (metasafe_resumed(c))
		printf("resumed\n");
	fflush(stdout);
	while (fgets(buf, sizeof(buf), stdin) != NULL) {
		if (strcmp(buf, "get\n") != 0)
			continue;
		if ((r = metasafe_get(c, h, argv[5], &v)) == 0) {
			metasafe_value_free(v);
			printf("got\n");
		} else
			printf("error: %s\n", metasafe_strerror(r));
		fflush(stdout);
	}
	metasafe_close(c);
	return 0;
}
