/*
 * startups.c — MaxStartups: refusing unauthenticated connections early
 * and at random (startups.h).
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "startups.h"

int
startups_drop_percent(const struct startups *m, int unauth)
{
	if (unauth >= m->full)
		return 100;
	if (unauth < m->start)
		return 0;
	/* full > start here: full == start leaves only the cases above. */
	return m->rate + (100 - m->rate) * (unauth - m->start) /
	    (m->full - m->start);
}

int
startups_refuse(const struct startups *m, int unauth)
{
	uint32_t roll;
	int pct = startups_drop_percent(m, unauth);

	if (pct <= 0)
		return 0;
	if (pct >= 100)
		return 1;
	if (ms_random_bytes(&roll, sizeof(roll)) != 0)
		return 1;	/* no randomness: refuse, as at full */
	return (int)(roll % 100) < pct;
}

static int
number(const char *s, size_t len, int lo, int hi, int *v)
{
	char buf[16];
	const char *errstr;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	*v = (int)strtonum(buf, lo, hi, &errstr);
	return errstr == NULL ? 0 : -1;
}

int
startups_parse(const char *s, int max, struct startups *m, const char **why)
{
	const char *c1, *c2;

	*why = "must be start:rate:full or a single number";
	if ((c1 = strchr(s, ':')) == NULL) {
		if (number(s, strlen(s), 1, max, &m->full) != 0)
			return -1;
		m->start = m->full;
		m->rate = 100;
		return 0;
	}
	if ((c2 = strchr(c1 + 1, ':')) == NULL || strchr(c2 + 1, ':') != NULL)
		return -1;
	if (number(s, (size_t)(c1 - s), 1, max, &m->start) != 0 ||
	    number(c1 + 1, (size_t)(c2 - c1 - 1), 0, 100, &m->rate) != 0 ||
	    number(c2 + 1, strlen(c2 + 1), 1, max, &m->full) != 0)
		return -1;
	if (m->start > m->full) {
		*why = "start must not be above full";
		return -1;
	}
	return 0;
}
