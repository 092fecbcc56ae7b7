/*
 * credget — ask a CredentialSocket for a credential as systemd does
 * (test only).
 *
 *	credget [-n] [-a NAME] SOCKET UNIT ID
 *
 * Binds the abstract address "\0RANDOM/unit/UNIT/ID" (common/credaddr.h,
 * the form systemd's LoadCredential= binds), connects to SOCKET and
 * copies what arrives to stdout until EOF; exit 0 then, 2 when it cannot
 * connect.  -n: never read; print "connected" and wait until killed (a
 * stuck reader, its receive buffer made as small as the kernel allows).
 * -a NAME: bind "\0NAME" instead, taken literally (a forged address).
 * Sends nothing.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "credaddr.h"

static void
usage(void)
{
	fprintf(stderr, "usage: credget [-n] [-a NAME] SOCKET UNIT ID\n");
	exit(1);
}

static socklen_t
own_address(struct sockaddr_un *sun, const char *name, const char *unit,
    const char *id)
{
	char rnd[MS_CRED_RANDOM_MAX + 1];
	size_t len;

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (name != NULL) {
		len = strlen(name);
		if (len + 1 > sizeof(sun->sun_path))
			usage();
		memcpy(sun->sun_path + 1, name, len);
		len++;
	} else {
		snprintf(rnd, sizeof(rnd), "%08x%08x", arc4random(),
		    arc4random());
		if (ms_credaddr_format(rnd, unit, id, (u_char *)sun->sun_path,
		    sizeof(sun->sun_path), &len) != 0) {
			fprintf(stderr, "credget: invalid unit or ID\n");
			exit(1);
		}
	}
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
}

int
main(int argc, char **argv)
{
	struct sockaddr_un me, srv;
	const char *name = NULL;
	char buf[65536];
	ssize_t n;
	socklen_t melen;
	int ch, fd, stall = 0, small = 1;

	while ((ch = getopt(argc, argv, "na:")) != -1) {
		switch (ch) {
		case 'n':
			stall = 1;
			break;
		case 'a':
			name = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 3)
		usage();
	melen = own_address(&me, name, argv[1], argv[2]);
	memset(&srv, 0, sizeof(srv));
	srv.sun_family = AF_UNIX;
	if (strlcpy(srv.sun_path, argv[0], sizeof(srv.sun_path)) >=
	    sizeof(srv.sun_path))
		usage();
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    (stall && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small,
	    sizeof(small)) == -1) ||
	    bind(fd, (struct sockaddr *)&me, melen) == -1 ||
	    connect(fd, (struct sockaddr *)&srv, sizeof(srv)) == -1) {
		fprintf(stderr, "credget: %s: %s\n", argv[0], strerror(errno));
		return 2;
	}
	if (stall) {
		printf("connected\n");
		fflush(stdout);
		for (;;)
			pause();
	}
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			fprintf(stderr, "credget: read: %s\n", strerror(errno));
			return 1;
		}
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			return 1;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
