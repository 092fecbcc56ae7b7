/*
 * startups.h — admission of new connections, in sshd's MaxStartups model.
 *
 * Unauthenticated connections are what an anonymous peer can open, so
 * they have limits of their own, apart from MaxSessions (every session):
 *   MaxStartups start:rate:full  from start unauthenticated connections
 *	on, a new one is refused with probability rate%, rising linearly to
 *	100% at full (random early drop: a flood cannot tell how close it is
 *	to the limit, and some honest clients still get through);
 *   PerSourceMaxStartups N  unauthenticated connections from one address.
 * Authenticated sessions count against neither; an idle one ends after
 * IdleTimeout.
 */
#ifndef MS_STARTUPS_H
#define MS_STARTUPS_H

struct startups {
	int	start;
	int	rate;		/* percent, 0..100 */
	int	full;
};

/* The refusal probability, in percent, with unauth connections open. */
int	startups_drop_percent(const struct startups *m, int unauth);
/* 1 to refuse the next connection (random below full), 0 to admit it. */
int	startups_refuse(const struct startups *m, int unauth);
/*
 * Parse "start:rate:full" or "full" (then start = full, rate 100).
 * 0, or -1 with *why set; start <= full, rate <= 100, full <= max.
 */
int	startups_parse(const char *s, int max, struct startups *m,
	    const char **why);

#endif /* MS_STARTUPS_H */
