/*
 * credmap.c — parse and search the CredentialsFile (credmap.h).
 */
#include <sys/types.h>

#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "credaddr.h"
#include "credmap.h"
#include "errors.h"
#include "path.h"

#define CREDMAP_LINE_MAX	4096

static int __attribute__((format(printf, 5, 6)))
perr(char *errbuf, size_t errlen, const char *file, int line,
    const char *fmt, ...)
{
	va_list ap;
	char msg[256];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(errbuf, errlen, "%s:%d: %s", file, line, msg);
	return MS_ERR_INVALID_FORMAT;
}

static void
entry_clear(struct credmap_entry *e)
{
	free(e->unit_glob);
	free(e->id);
	free(e->path);
	free(e->record);
	memset(e, 0, sizeof(*e));
}

/* The glob matches unit names only: their bytes plus fnmatch's own. */
static int
glob_valid(const char *g)
{
	size_t len = strlen(g);

	if (len == 0 || len > MS_CRED_UNIT_MAX)
		return 0;
	return strspn(g, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789:_.@\\-*?[]!") == len;
}

/*
 * An ID is valid when the address codec would take it back: build a
 * request address with it and a placeholder unit.
 */
static int
id_valid(const char *id)
{
	u_char addr[MS_CRED_ADDR_MAX];
	size_t len;

	return ms_credaddr_format("0", "x.service", id, addr, sizeof(addr),
	    &len) == 0;
}

static int
parse_line(char *s, struct credmap_entry *e, const char **why)
{
	char *f[4];
	size_t i;

	for (i = 0; i < 4; i++) {
		if (s != NULL)
			s += strspn(s, " \t");
		if (s == NULL || *s == '\0') {
			*why = "expected UNIT_GLOB CREDENTIAL_ID PATH RECORD";
			return MS_ERR_INVALID_FORMAT;
		}
		f[i] = strsep(&s, " \t");
	}
	if (s != NULL && s[strspn(s, " \t")] != '\0') {
		*why = "trailing text after RECORD";
		return MS_ERR_INVALID_FORMAT;
	}
	if (!glob_valid(f[0])) {
		*why = "invalid unit name pattern";
		return MS_ERR_INVALID_FORMAT;
	}
	if (!id_valid(f[1])) {
		*why = "invalid credential ID";
		return MS_ERR_INVALID_FORMAT;
	}
	if (ms_path_valid(f[2], strlen(f[2])) != 0) {
		*why = "invalid path";
		return MS_ERR_INVALID_FORMAT;
	}
	if (ms_record_name_valid(f[3], strlen(f[3])) != 0) {
		*why = "invalid record name";
		return MS_ERR_INVALID_FORMAT;
	}
	if ((e->unit_glob = strdup(f[0])) == NULL ||
	    (e->id = strdup(f[1])) == NULL ||
	    (e->path = strdup(f[2])) == NULL ||
	    (e->record = strdup(f[3])) == NULL) {
		*why = "out of memory";
		return MS_ERR_ALLOC;
	}
	return 0;
}

static int
load_lines(FILE *fp, const char *file, struct credmap *m, char *errbuf,
    size_t errlen)
{
	char line[CREDMAP_LINE_MAX], *s;
	struct credmap_entry *nv;
	const char *why = NULL;
	int lineno = 0, r;

	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(fp))
			return perr(errbuf, errlen, file, lineno,
			    "line too long");
		line[strcspn(line, "\r\n")] = '\0';
		s = line + strspn(line, " \t");
		if (*s == '\0' || *s == '#')
			continue;
		if (m->n >= CREDMAP_MAX)
			return perr(errbuf, errlen, file, lineno,
			    "too many lines (at most %d)", CREDMAP_MAX);
		if ((nv = recallocarray(m->v, m->n, m->n + 1,
		    sizeof(*m->v))) == NULL)
			return MS_ERR_ALLOC;
		m->v = nv;
		if ((r = parse_line(s, &m->v[m->n], &why)) != 0) {
			entry_clear(&m->v[m->n]);
			return perr(errbuf, errlen, file, lineno, "%s", why);
		}
		m->v[m->n++].line = lineno;
	}
	if (ferror(fp))
		return perr(errbuf, errlen, file, lineno, "read error");
	return 0;
}

int
credmap_load(const char *file, struct credmap *m, char *errbuf,
    size_t errlen)
{
	FILE *fp;
	int r;

	memset(m, 0, sizeof(*m));
	if ((fp = fopen(file, "r")) == NULL) {
		snprintf(errbuf, errlen, "%s: cannot open: %s", file,
		    strerror(errno));
		return MS_ERR_SYSTEM;
	}
	r = load_lines(fp, file, m, errbuf, errlen);
	fclose(fp);
	if (r != 0)
		credmap_free(m);
	return r;
}

const struct credmap_entry *
credmap_lookup(const struct credmap *m, const char *unit, const char *id)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		if (strcmp(m->v[i].id, id) == 0 &&
		    fnmatch(m->v[i].unit_glob, unit, FNM_NOESCAPE) == 0)
			return &m->v[i];
	}
	return NULL;
}

void
credmap_free(struct credmap *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		entry_clear(&m->v[i]);
	free(m->v);
	memset(m, 0, sizeof(*m));
}
