/*
 * fsync-rate — the raw durable-write rate of a directory's disk, for
 * `make bench` (not a test).
 *
 *	fsync-rate DIR SECONDS
 *
 * Rewrites one 4 KiB block at the start of a new file in DIR and
 * fdatasync()s it, repeatedly for SECONDS; removes the file and prints
 * "fdatasync=N secs=T rate=R".  Beside the store's durable SET rate it
 * shows how many commits the disk itself allows.
 */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BLOCK	4096

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	char path[4096], block[BLOCK];
	double secs, start, t;
	long n = 0;
	char *ep;
	int fd;

	if (argc != 3 || (secs = strtod(argv[2], &ep)) <= 0 || *ep != '\0') {
		fprintf(stderr, "usage: fsync-rate DIR SECONDS\n");
		return 2;
	}
	if (snprintf(path, sizeof(path), "%s/fsync-rate.%ld", argv[1],
	    (long)getpid()) >= (int)sizeof(path)) {
		fprintf(stderr, "fsync-rate: path too long\n");
		return 1;
	}
	if ((fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600)) == -1) {
		fprintf(stderr, "fsync-rate: %s: %s\n", path, strerror(errno));
		return 1;
	}
	memset(block, 'x', sizeof(block));
	start = now();
	while ((t = now() - start) < secs) {
		block[n % BLOCK] ^= 1;
		if (pwrite(fd, block, sizeof(block), 0) != (ssize_t)sizeof(block) ||
		    fdatasync(fd) != 0) {
			fprintf(stderr, "fsync-rate: %s: %s\n", path,
			    strerror(errno));
			(void)unlink(path);
			return 1;
		}
		n++;
	}
	t = now() - start;
	close(fd);
	(void)unlink(path);
	printf("fdatasync=%ld secs=%.3f rate=%.1f\n", n, t, (double)n / t);
	return 0;
}
