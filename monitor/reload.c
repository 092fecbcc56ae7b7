/*
 * reload.c — compare a freshly parsed configuration with the running one
 * (see reload.h).
 *
 * The comparison works on servconf_dump()'s output, one "keyword value"
 * line per setting, so every keyword the parser knows is covered without a
 * list to keep in step: values of a repeatable keyword are compared as the
 * ordered list of its lines.
 */
#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "reload.h"
#include "servconf.h"

/* Keywords a SIGHUP applies: they only steer new connections or limits. */
static const char *const live_keywords[] = {
	"loglevel", "maxsessions", "persourcemaxstartups", "logingracetime",
	"maxvaluesize", "allowemptyprincipals", "maxstartups", "idletimeout",
	"workerpoolsize",
};

struct kv {
	char	*key;
	char	*val;		/* the values of every line, '\n'-joined */
};

struct kvlist {
	struct kv	*v;
	size_t		 n;
};

int
reload_applies(const char *keyword)
{
	size_t i;

	for (i = 0; i < sizeof(live_keywords) / sizeof(live_keywords[0]); i++)
		if (strcasecmp(keyword, live_keywords[i]) == 0)
			return 1;
	return 0;
}

static void
kvlist_free(struct kvlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].val);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static struct kv *
kvlist_find(const struct kvlist *l, const char *key)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			return &l->v[i];
	return NULL;
}

static int
kvlist_add(struct kvlist *l, const char *key, const char *val)
{
	struct kv *e, *nv;
	char *joined;

	if ((e = kvlist_find(l, key)) != NULL) {
		if (asprintf(&joined, "%s\n%s", e->val, val) == -1)
			return -1;
		free(e->val);
		e->val = joined;
		return 0;
	}
	if ((nv = reallocarray(l->v, l->n + 1, sizeof(*l->v))) == NULL)
		return -1;
	l->v = nv;
	e = &l->v[l->n];
	if ((e->key = strdup(key)) == NULL)
		return -1;
	if ((e->val = strdup(val)) == NULL) {
		free(e->key);
		return -1;
	}
	l->n++;
	return 0;
}

/* servconf_dump() into keyword -> values. */
static int
dump_kv(const struct servconf *c, struct kvlist *l)
{
	char *buf = NULL, *line, *p, *sp;
	size_t len = 0;
	FILE *f;
	int r = 0;

	memset(l, 0, sizeof(*l));
	if ((f = open_memstream(&buf, &len)) == NULL)
		return -1;
	servconf_dump(f, c);
	if (fclose(f) != 0) {
		free(buf);
		return -1;
	}
	for (p = buf; r == 0 && (line = strsep(&p, "\n")) != NULL; ) {
		if (*line == '\0')
			continue;
		if ((sp = strchr(line, ' ')) != NULL)
			*sp++ = '\0';
		r = kvlist_add(l, line, sp != NULL ? sp : "");
	}
	free(buf);
	if (r != 0)
		kvlist_free(l);
	return r;
}

static const char *
shown_name(const char *key)
{
	const char *n = servconf_keyword_name(key);

	return n != NULL ? n : key;
}

/* Copy one live keyword's value from fresh to running. */
static void
apply_one(struct servconf *running, const struct servconf *fresh,
    const char *key, int debug)
{
	if (strcmp(key, "loglevel") == 0) {
		running->log_level = fresh->log_level;
		if (!debug)
			ms_log_set_level(fresh->log_level);
	} else if (strcmp(key, "maxsessions") == 0)
		running->max_sessions = fresh->max_sessions;
	else if (strcmp(key, "persourcemaxstartups") == 0)
		running->per_source_max_startups =
		    fresh->per_source_max_startups;
	else if (strcmp(key, "logingracetime") == 0)
		running->login_grace_time = fresh->login_grace_time;
	else if (strcmp(key, "maxvaluesize") == 0)
		running->max_value_size = fresh->max_value_size;
	else if (strcmp(key, "maxstartups") == 0)
		running->max_startups = fresh->max_startups;
	else if (strcmp(key, "idletimeout") == 0)
		running->idle_timeout = fresh->idle_timeout;
	else if (strcmp(key, "workerpoolsize") == 0)
		running->worker_pool_size = fresh->worker_pool_size;
	else if (strcmp(key, "allowemptyprincipals") == 0)
		running->allow_empty_principals =
		    fresh->allow_empty_principals;
}

static void
one_line(char *dst, size_t len, const char *val)
{
	size_t i;

	strlcpy(dst, val, len);
	for (i = 0; dst[i] != '\0'; i++)
		if (dst[i] == '\n')
			dst[i] = ',';
}

int
reload_config(struct servconf *running, const char *path, int debug)
{
	struct servconf fresh;
	struct kvlist old, new;
	struct kv *o, *e;
	char err[1024], shown[256];
	size_t i;
	int restart = 0, changed = 0;

	servconf_init(&fresh);
	if (servconf_load(path, &fresh, err, sizeof(err)) != 0) {
		error("SIGHUP: not reloaded, keeping the running "
		    "configuration: %s", err);
		servconf_free(&fresh);
		return -1;
	}
	if (debug) {
		/* -d overrides LogLevel; that is not a change. */
		fresh.log_level = running->log_level;
	}
	if (dump_kv(running, &old) != 0 || dump_kv(&fresh, &new) != 0) {
		kvlist_free(&old);
		error("SIGHUP: %s: out of memory comparing configurations",
		    path);
		servconf_free(&fresh);
		return -1;
	}
	for (i = 0; i < new.n; i++) {
		e = &new.v[i];
		o = kvlist_find(&old, e->key);
		if (o != NULL && strcmp(o->val, e->val) == 0)
			continue;
		changed++;
		if (reload_applies(e->key)) {
			apply_one(running, &fresh, e->key, debug);
			one_line(shown, sizeof(shown), e->val);
			logit("SIGHUP: %s changed to %s: applied",
			    shown_name(e->key), shown);
		} else {
			logit("SIGHUP: %s changed: restart metasafed to apply",
			    shown_name(e->key));
			restart++;
		}
	}
	for (i = 0; i < old.n; i++) {
		if (kvlist_find(&new, old.v[i].key) != NULL)
			continue;
		changed++;
		restart++;
		logit("SIGHUP: %s changed: restart metasafed to apply",
		    shown_name(old.v[i].key));
	}
	if (changed == 0)
		logit("SIGHUP: %s: no keyword changed", path);
	kvlist_free(&old);
	kvlist_free(&new);
	servconf_free(&fresh);
	return restart;
}
