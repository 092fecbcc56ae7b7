/*
 * notify-listen — a stand-in for systemd's notification socket (test only).
 *
 *	notify-listen SOCKET OUTFILE SECONDS
 *
 * Binds an AF_UNIX datagram socket at SOCKET (a path, or @name for the
 * abstract namespace), prints "ready" on stdout, then appends each datagram
 * it receives to OUTFILE as one line (newlines inside become spaces).
 * Exits after a datagram holding STOPPING=1, or after SECONDS.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct sockaddr_un sun;
	struct pollfd pfd;
	socklen_t len;
	char buf[4096];
	const char *errstr;
	time_t end;
	FILE *out;
	ssize_t n, i;
	size_t plen;
	int fd, secs;

	if (argc != 4) {
		fprintf(stderr, "usage: notify-listen SOCKET OUTFILE SECONDS\n");
		return 2;
	}
	secs = (int)strtonum(argv[3], 1, 3600, &errstr);
	if (errstr != NULL) {
		fprintf(stderr, "notify-listen: SECONDS %s\n", errstr);
		return 2;
	}
	plen = strlen(argv[1]);
	if (plen == 0 || plen >= sizeof(sun.sun_path)) {
		fprintf(stderr, "notify-listen: bad socket name\n");
		return 2;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, argv[1], plen);
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen + 1);
	if (argv[1][0] == '@') {
		sun.sun_path[0] = '\0';
		len--;
	} else
		unlink(argv[1]);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, len) == -1) {
		fprintf(stderr, "notify-listen: %s: %s\n", argv[1],
		    strerror(errno));
		return 1;
	}
	if ((out = fopen(argv[2], "a")) == NULL) {
		fprintf(stderr, "notify-listen: %s: %s\n", argv[2],
		    strerror(errno));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	end = time(NULL) + secs;
	while (time(NULL) < end) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		if ((n = recv(fd, buf, sizeof(buf) - 1, 0)) <= 0)
			continue;
		for (i = 0; i < n; i++)
			if (buf[i] == '\n' || buf[i] == '\0')
				buf[i] = ' ';
		buf[n] = '\0';
		fprintf(out, "%s\n", buf);
		fflush(out);
		if (strstr(buf, "STOPPING=1") != NULL)
			break;
	}
	fclose(out);
	if (argv[1][0] != '@')
		unlink(argv[1]);
	return 0;
}
