/*
 * fdlimit.c — RLIMIT_NOFILE and the number of sessions it allows.
 */
#include <sys/types.h>
#include <sys/resource.h>

#include <limits.h>

#include "fdlimit.h"

static long
clamp_long(rlim_t v)
{
	return v == RLIM_INFINITY || v > (rlim_t)LONG_MAX ? LONG_MAX : (long)v;
}

long
fdlimit_raise(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return -1;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		/* A kernel cap below the hard limit (nr_open) leaves it. */
		(void)setrlimit(RLIMIT_NOFILE, &rl);
		if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
			return -1;
	}
	return clamp_long(rl.rlim_cur);
}

int
fdlimit_sessions(long nofile)
{
	long n;

	if (nofile <= FDS_RESERVED)
		return 0;
	n = (nofile - FDS_RESERVED) / FDS_PER_SESSION;
	return n > INT_MAX ? INT_MAX : (int)n;
}

static int
sessions_of(int hard)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return 0;
	return fdlimit_sessions(clamp_long(hard ? rl.rlim_max : rl.rlim_cur));
}

int
fdlimit_sessions_now(void)
{
	return sessions_of(0);
}

int
fdlimit_sessions_hard(void)
{
	return sessions_of(1);
}
