/*
 * clconf.c — the client configuration files (~/.metasafe/config, then
 * the system-wide metasafe_config), ssh_config style.
 *
 * "Keyword value" or "Keyword=value" lines; '#' starts a comment line.
 * "Host PATTERN..." starts a block that applies when the destination
 * (-H, METASAFE_HOST, else the default host) matches one of the fnmatch
 * patterns and none of the "!"-negated ones; lines before the first Host
 * apply to every destination.  For each keyword the first value obtained
 * wins: the command line first, then the environment, then the files in
 * order, then each file from the top.  Keywords are those of -o
 * (metasafe_opts_set, the same option path) plus MetasafeSocket, which
 * sets the destination to "unix:PATH".  The files are refused unless
 * they are owned by the user or root and nobody else may write them.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "metasafe.h"
#include "msclient.h"

#define CLCONF_LINE_MAX		4096

static int __attribute__((format(printf, 5, 6)))
conf_err(char *err, size_t errlen, const char *file, int line,
    const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(err, errlen, "%s:%d: %s", file, line, msg);
	else
		snprintf(err, errlen, "%s: %s", file, msg);
	return METASAFE_ERR_USAGE;
}

/* One name per setting: aliases and MetasafeSocket share their target's. */
static void
canonical(const char *kw, size_t len, char *out, size_t outlen)
{
	size_t i;

	for (i = 0; i < len && i + 1 < outlen; i++)
		out[i] = (char)((kw[i] >= 'A' && kw[i] <= 'Z') ?
		    kw[i] - 'A' + 'a' : kw[i]);
	out[i] = '\0';
	if (strcmp(out, "userknownhostsfile") == 0)
		strlcpy(out, "knownhostsfile", outlen);
	else if (strcmp(out, "metasafesocket") == 0)
		strlcpy(out, "hostname", outlen);
}

static int
seen(const struct cl_config *cf, const char *canon)
{
	size_t i;

	for (i = 0; i < cf->nseen; i++)
		if (strcmp(cf->seen[i], canon) == 0)
			return 1;
	return 0;
}

int
cl_config_mark(struct cl_config *cf, const char *kv)
{
	char canon[CL_CONFIG_KW_MAX];

	canonical(kv, strcspn(kv, "= \t"), canon, sizeof(canon));
	if (seen(cf, canon))
		return 0;
	if (cf->nseen >= CL_CONFIG_SEEN_MAX)
		return METASAFE_ERR_USAGE;
	strlcpy(cf->seen[cf->nseen++], canon, sizeof(cf->seen[0]));
	return 0;
}

/* Host PATTERN...: a match and no negated match. */
static int
host_matches(char *pats, const char *host)
{
	char *p;
	int yes = 0;

	while ((p = strsep(&pats, " \t")) != NULL) {
		if (*p == '\0')
			continue;
		if (*p == '!') {
			if (fnmatch(p + 1, host, 0) == 0)
				return 0;
		} else if (fnmatch(p, host, 0) == 0)
			yes = 1;
	}
	return yes;
}

/* Split "Keyword value", "Keyword=value", with an optional "..." value. */
static int
split(char *s, char **kwp, char **valp)
{
	size_t n = strcspn(s, " \t=");
	int eq;

	*kwp = s;
	if (n == 0 || s[n] == '\0')
		return -1;
	eq = s[n] == '=';
	s[n] = '\0';
	s += n + 1;
	s += strspn(s, " \t");
	if (!eq && *s == '=') {
		s++;
		s += strspn(s, " \t");
	}
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		s[n - 1] = '\0';
		s++;
	}
	*valp = s;
	return *s == '\0' ? -1 : 0;
}

/* Keywords whose value is a file: "~/" there is the home directory. */
static int
is_file_keyword(const char *kw)
{
	static const char *const files[] = {
		"IdentityFile", "KnownHostsFile", "UserKnownHostsFile",
		"CertificateFile", "CAFile", "PassphraseFile",
	};
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (strcasecmp(kw, files[i]) == 0)
			return 1;
	return 0;
}

/* "Keyword=value" as metasafe_opts_set takes it, kept for o's lifetime. */
static int
keep(struct cl_config *cf, const char *kw, const char *val, char **kvp)
{
	char *kv, *home = NULL;
	int r;

	if (cf->nkeep >= CL_CONFIG_KEEP_MAX)
		return METASAFE_ERR_USAGE;
	if (is_file_keyword(kw) && strncmp(val, "~/", 2) == 0) {
		if ((r = cl_home_path(val + 2, &home)) != 0)
			return r;
		r = asprintf(&kv, "%s=%s", kw, home);
		free(home);
		if (r == -1)
			return METASAFE_ERR_NOMEM;
	} else if (strcasecmp(kw, "MetasafeSocket") == 0) {
		if (*val != '/')
			return METASAFE_ERR_INVALID;
		if (asprintf(&kv, "HostName=unix:%s", val) == -1)
			return METASAFE_ERR_NOMEM;
	} else if (asprintf(&kv, "%s=%s", kw, val) == -1)
		return METASAFE_ERR_NOMEM;
	cf->keep[cf->nkeep++] = kv;
	*kvp = kv;
	return 0;
}

/* One setting: checked whether it applies or not, set when it does. */
static int
setting(struct cl_config *cf, const char *kw, const char *val, int active,
    struct metasafe_opts *o)
{
	struct metasafe_opts scratch;
	char canon[CL_CONFIG_KW_MAX], *kv;
	int r;

	canonical(kw, strlen(kw), canon, sizeof(canon));
	if ((r = keep(cf, kw, val, &kv)) != 0)
		return r;
	metasafe_opts_init(&scratch);
	if ((r = metasafe_opts_set(&scratch, kv)) != 0)
		return r;
	if (!active || seen(cf, canon))
		return 0;
	if ((r = metasafe_opts_set(o, kv)) != 0 ||
	    (r = cl_config_mark(cf, kv)) != 0)
		return r;
	return 0;
}

static int
parse(struct cl_config *cf, FILE *fp, const char *file, const char *host,
    struct metasafe_opts *o, char *err, size_t errlen)
{
	char line[CLCONF_LINE_MAX], *s, *kw, *val;
	int lineno = 0, active = 1, r;

	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(fp))
			return conf_err(err, errlen, file, lineno,
			    "line too long");
		line[strcspn(line, "\r\n")] = '\0';
		s = line + strspn(line, " \t");
		if (*s == '\0' || *s == '#')
			continue;
		if (split(s, &kw, &val) != 0)
			return conf_err(err, errlen, file, lineno,
			    "%s: missing argument", kw);
		if (strcasecmp(kw, "Host") == 0) {
			active = host_matches(val, host);
			continue;
		}
		if ((r = setting(cf, kw, val, active, o)) != 0)
			return conf_err(err, errlen, file, lineno,
			    r == METASAFE_ERR_NOMEM ? "out of memory" :
			    "bad option \"%s %s\"", kw, val);
	}
	if (ferror(fp))
		return conf_err(err, errlen, file, 0, "read error");
	return 0;
}

/* As ssh: the user's or root's, and writable by nobody else. */
static int
safe_file(int fd, const char *file, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st) == -1)
		return conf_err(err, errlen, file, 0, "%s", strerror(errno));
	if (!S_ISREG(st.st_mode))
		return conf_err(err, errlen, file, 0, "not a regular file");
	if ((st.st_uid != 0 && st.st_uid != getuid()) ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
		return conf_err(err, errlen, file, 0, "bad owner or "
		    "permissions (mode %04o, owner uid %ld): must be yours "
		    "or root's and not writable by group or others",
		    (unsigned)(st.st_mode & 07777), (long)st.st_uid);
	return 0;
}

int
cl_config_read(struct cl_config *cf, const char *file, int must_exist,
    const char *host, struct metasafe_opts *o, char *err, size_t errlen)
{
	FILE *fp;
	int r;

	if ((fp = fopen(file, "re")) == NULL) {
		if (errno == ENOENT && !must_exist)
			return 0;
		return conf_err(err, errlen, file, 0, "%s", strerror(errno));
	}
	if ((r = safe_file(fileno(fp), file, err, errlen)) == 0)
		r = parse(cf, fp, file, host != NULL ? host : CL_DEFAULT_HOST,
		    o, err, errlen);
	fclose(fp);
	return r;
}

void
cl_config_free(struct cl_config *cf)
{
	size_t i;

	for (i = 0; i < cf->nkeep; i++)
		free(cf->keep[i]);
	memset(cf, 0, sizeof(*cf));
}
