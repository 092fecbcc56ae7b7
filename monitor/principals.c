/*
 * principals.c — parse AuthorizedPrincipalsFile.
 */
#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crypto.h"
#include "errors.h"
#include "keyfile.h"
#include "log.h"
#include "names.h"
#include "principals.h"

#define PRINCIPALS_LINE_MAX	4096
#define PRINCIPALS_MAX		100000

static int __attribute__((format(printf, 5, 6)))
perr(char *errbuf, size_t errlen, const char *file, int line,
    const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(errbuf, errlen, "%s:%d: %s", file, line, msg);
	return MS_ERR_INVALID_FORMAT;
}

static void
principal_clear(struct principal *pr)
{
	size_t i;

	for (i = 0; i < pr->ngroups; i++)
		free(pr->groups[i]);
	memset(pr, 0, sizeof(*pr));
}

static int
parse_groups(struct principal *pr, char *list)
{
	char *g;

	while ((g = strsep(&list, ",")) != NULL) {
		if (ms_principal_valid(g) != 0 ||
		    pr->ngroups >= PRINCIPAL_GROUPS_MAX)
			return MS_ERR_INVALID_FORMAT;
		if ((pr->groups[pr->ngroups++] = strdup(g)) == NULL)
			return MS_ERR_ALLOC;
	}
	return 0;
}

/* The token after NAME [groups=...]: it ends at a blank or the line. */
static int
is_word(const char *s, const char *word)
{
	size_t n = strlen(word);

	return strncmp(s, word, n) == 0 &&
	    (s[n] == '\0' || s[n] == ' ' || s[n] == '\t');
}

static int
parse_uid(const char *s, uint32_t *uidp)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return MS_ERR_INVALID_FORMAT;
	errno = 0;
	v = strtoull(s, &end, 10);
	/* (uid_t)-1 is no user: chown(2) and setreuid(2) mean "unchanged". */
	if (errno != 0 || end == s || *end != '\0' || v >= UINT32_MAX)
		return MS_ERR_INVALID_FORMAT;
	*uidp = (uint32_t)v;
	return 0;
}

/* uid=UID or user=LOGIN (resolved now: a SIGHUP resolves it again). */
static int
parse_local(char *rest, struct principal *pr, const char **why)
{
	struct passwd *pw;
	char *tok = strsep(&rest, " \t");

	pr->local = 1;
	if (strncmp(tok, "uid=", 4) == 0) {
		if (parse_uid(tok + 4, &pr->uid) != 0) {
			*why = "invalid uid=";
			return MS_ERR_INVALID_FORMAT;
		}
		return 0;
	}
	errno = 0;
	if (tok[5] == '\0' || (pw = getpwnam(tok + 5)) == NULL) {
		*why = "user= names no local user";
		return MS_ERR_INVALID_FORMAT;
	}
	pr->uid = (uint32_t)pw->pw_uid;
	return 0;
}

static int
parse_principal_line(char *line, struct principal *pr, const char **why)
{
	enum ms_keytype type;
	char *name, *rest = line;

	name = strsep(&rest, " \t");
	if (rest == NULL || ms_principal_valid(name) != 0) {
		*why = "invalid principal name";
		return MS_ERR_INVALID_FORMAT;
	}
	strlcpy(pr->name, name, sizeof(pr->name));
	rest += strspn(rest, " \t");
	if (strncmp(rest, "groups=", 7) == 0) {
		char *groups = strsep(&rest, " \t") + 7;

		if (rest == NULL || parse_groups(pr, groups) != 0) {
			*why = "invalid groups= list";
			return MS_ERR_INVALID_FORMAT;
		}
		rest += strspn(rest, " \t");
	}
	if (is_word(rest, "cert")) {
		pr->cert = 1;
		return 0;
	}
	if (strncmp(rest, "uid=", 4) == 0 || strncmp(rest, "user=", 5) == 0)
		return parse_local(rest, pr, why);
	if (ms_pubkey_parse(rest, &type, pr->pubkey, NULL) != 0) {
		*why = "invalid public key";
		return MS_ERR_INVALID_FORMAT;
	}
	if (type != MS_KEY_ED25519) {
		*why = "client keys must be ms-ed25519";
		return MS_ERR_INVALID_FORMAT;
	}
	return 0;
}

int
principals_load(const char *path, struct principals *p, char *errbuf,
    size_t errlen)
{
	char line[PRINCIPALS_LINE_MAX], *s;
	struct principal *nv;
	const char *why = NULL;
	FILE *f;
	int lineno = 0, r = 0;

	memset(p, 0, sizeof(*p));
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(errbuf, errlen, "%s: cannot open: %s", path,
		    strerror(errno));
		return MS_ERR_SYSTEM;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			r = perr(errbuf, errlen, path, lineno, "line too long");
			break;
		}
		line[strcspn(line, "\r\n")] = '\0';
		s = line + strspn(line, " \t");
		if (*s == '\0' || *s == '#')
			continue;
		if (p->n >= PRINCIPALS_MAX) {
			r = perr(errbuf, errlen, path, lineno, "too many lines");
			break;
		}
		if ((nv = recallocarray(p->v, p->n, p->n + 1,
		    sizeof(*p->v))) == NULL) {
			r = MS_ERR_ALLOC;
			break;
		}
		p->v = nv;
		if ((r = parse_principal_line(s, &p->v[p->n], &why)) != 0) {
			principal_clear(&p->v[p->n]);
			r = perr(errbuf, errlen, path, lineno, "%s", why);
			break;
		}
		if (p->v[p->n].cert &&
		    principals_find_cert(p, p->v[p->n].name) != NULL) {
			principal_clear(&p->v[p->n]);
			r = perr(errbuf, errlen, path, lineno,
			    "second cert line for this name");
			break;
		}
		if (p->v[p->n].local &&
		    principals_find_uid(p, p->v[p->n].uid) != NULL) {
			principal_clear(&p->v[p->n]);
			r = perr(errbuf, errlen, path, lineno,
			    "second line for this uid");
			break;
		}
		p->n++;
	}
	fclose(f);
	if (r != 0)
		principals_free(p);
	return r;
}

void
principals_free(struct principals *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		principal_clear(&p->v[i]);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

const struct principal *
principals_find(const struct principals *p, const u_char pubkey[32])
{
	const struct principal *found = NULL;
	size_t i;

	/* Visit every entry so the lookup time does not depend on the key. */
	for (i = 0; i < p->n; i++) {
		if (ms_ct_equal(p->v[i].pubkey, pubkey, 32) && !p->v[i].cert &&
		    !p->v[i].local && found == NULL)
			found = &p->v[i];
	}
	return found;
}

const struct principal *
principals_find_cert(const struct principals *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		if (p->v[i].cert && strcmp(p->v[i].name, name) == 0)
			return &p->v[i];
	}
	return NULL;
}

const struct principal *
principals_find_uid(const struct principals *p, uint32_t uid)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		if (p->v[i].local && p->v[i].uid == uid)
			return &p->v[i];
	}
	return NULL;
}
