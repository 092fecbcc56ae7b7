/*
 * khfile.c — metasafe-keygen -F and -R: find and remove the known_hosts
 * lines of a host, as ssh-keygen does for ~/.ssh/known_hosts.
 *
 * The file format is the client's (PROTOCOL.md 4.2, client/knownhosts.c):
 * "HOSTS ms-ed25519 BASE64 [comment]" with HOSTS a comma list of
 * "[host]:port" names.  A query "[host]:port" matches that name; a plain
 * "host" matches "[host]:PORT" for every port (and a bare "host" name).
 * Names compare case-insensitively, as the client compares them.
 *
 * -R rewrites the file atomically: a temporary file in the same directory
 * with the original's mode (and owner, when we may), fsync, the original
 * kept as FILE.old (a hard link), then rename(2) over FILE.  A line naming
 * other hosts as well keeps those names; it goes only when none is left.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "kg.h"
#include "log.h"
#include "timeio.h"
#include "client/metasafe.h"	/* METASAFE_DEFAULT_KNOWN_HOSTS */

struct kh_query {
	const char	*name;		/* "host" or "[host]:port" */
	size_t		 len;
	int		 plain;		/* "host": any port */
};

static int
query_init(const char *host, struct kh_query *q)
{
	const char *close;

	memset(q, 0, sizeof(*q));
	if (host == NULL || *host == '\0' ||
	    strpbrk(host, " \t\r\n,#") != NULL)
		return -1;
	if (host[0] == '[') {
		if ((close = strchr(host, ']')) == NULL || close == host + 1 ||
		    close[1] != ':' || close[2] == '\0' ||
		    strchr(close + 2, ']') != NULL ||
		    strchr(close + 2, '[') != NULL)
			return -1;
	} else if (strpbrk(host, "[]") != NULL)
		return -1;
	q->name = host;
	q->len = strlen(host);
	q->plain = host[0] != '[';
	return 0;
}

/* Does one name of a host field (n bytes at p) match the query? */
static int
name_matches(const char *p, size_t n, const struct kh_query *q)
{
	if (n == q->len && strncasecmp(p, q->name, n) == 0)
		return 1;
	/* "host" against "[host]:port". */
	return q->plain && n > q->len + 3 && p[0] == '[' &&
	    strncasecmp(p + 1, q->name, q->len) == 0 &&
	    p[q->len + 1] == ']' && p[q->len + 2] == ':';
}

/*
 * Look at one line.  Returns 1 if its host field names the query; then,
 * when keep is not NULL, *keep receives the line without the matching names
 * (NULL when no name is left).
 */
static int
line_matches(const char *line, const struct kh_query *q, char **keep)
{
	const char *p, *end, *item, *comma, *rest;
	size_t n, off;
	char *out = NULL;
	int hit = 0, kept = 0;

	if (keep != NULL)
		*keep = NULL;
	p = line + strspn(line, " \t");
	if (*p == '\0' || *p == '#' || *p == '\n')
		return 0;
	end = p + strcspn(p, " \t\r\n");
	rest = end;
	for (item = p; item < end; item = comma + 1) {
		if ((comma = memchr(item, ',', (size_t)(end - item))) == NULL)
			comma = end;
		if (name_matches(item, (size_t)(comma - item), q))
			hit = 1;
	}
	if (!hit || keep == NULL)
		return hit;
	/* Rebuild the line with the other names only. */
	if ((out = malloc(strlen(line) + 1)) == NULL)
		fatal("out of memory");
	off = 0;
	for (item = p; item < end; item = comma + 1) {
		if ((comma = memchr(item, ',', (size_t)(end - item))) == NULL)
			comma = end;
		n = (size_t)(comma - item);
		if (n == 0 || name_matches(item, n, q))
			continue;
		if (kept++)
			out[off++] = ',';
		memcpy(out + off, item, n);
		off += n;
	}
	if (!kept) {
		free(out);
		return 1;
	}
	memcpy(out + off, rest, strlen(rest) + 1);
	*keep = out;
	return 1;
}

/* The client's default (its HOME rule too); no directory is created. */
char *
kg_kh_default_file(void)
{
	struct passwd *pw;
	const char *home;
	char *p;

	if ((home = getenv("HOME")) == NULL || *home == '\0') {
		if ((pw = getpwuid(getuid())) == NULL || pw->pw_dir == NULL) {
			error("cannot determine the home directory; use -f "
			    "FILE");
			return NULL;
		}
		home = pw->pw_dir;
	}
	if (asprintf(&p, "%s/%s", home, METASAFE_DEFAULT_KNOWN_HOSTS) == -1)
		fatal("out of memory");
	return p;
}

static int
print_line(const char *host, unsigned long lineno, const char *line,
    int quiet)
{
	size_t len = strlen(line);

	if (!quiet)
		printf("# Host %s found: line %lu\n", host, lineno);
	printf("%s%s", line, len > 0 && line[len - 1] == '\n' ? "" : "\n");
	return 0;
}

/* The query for host and file open for reading; NULL, said, on error. */
static FILE *
kh_open(const char *file, const char *host, struct kh_query *q)
{
	FILE *f;

	if (query_init(host, q) != 0) {
		error("invalid host \"%s\": HOST or [HOST]:PORT", host);
		return NULL;
	}
	if ((f = fopen(file, "re")) == NULL)
		error("%s: %s", file, strerror(errno));
	return f;
}

int
kg_cmd_kh_find(const char *file, const char *host, int quiet)
{
	struct kh_query q;
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	unsigned long lineno = 0, found = 0;

	if ((f = kh_open(file, host, &q)) == NULL)
		return KG_EXIT_GENERAL;
	while (getline(&line, &cap, f) != -1) {
		lineno++;
		if (line_matches(line, &q, NULL)) {
			found++;
			print_line(host, lineno, line, quiet);
		}
	}
	if (ferror(f)) {
		error("%s: %s", file, strerror(errno));
		free(line);
		fclose(f);
		return KG_EXIT_GENERAL;
	}
	free(line);
	fclose(f);
	return found > 0 ? KG_EXIT_OK : KG_EXIT_NOT_FOUND;
}

int
kg_cmd_kh_remove(const char *file, const char *host, int quiet)
{
	struct kh_query q;
	struct stat st;
	FILE *f = NULL;
	char *line = NULL, *keep, *tmp = NULL, *old = NULL, *dcopy;
	size_t cap = 0;
	unsigned long lineno = 0, found = 0;
	int fd = -1, dfd, ret = KG_EXIT_GENERAL, saved;

	if ((f = kh_open(file, host, &q)) == NULL)
		return KG_EXIT_GENERAL;
	if (fstat(fileno(f), &st) == -1 || !S_ISREG(st.st_mode)) {
		error("%s: not a regular file", file);
		goto out;
	}
	if (asprintf(&tmp, "%s.XXXXXX", file) == -1 ||
	    asprintf(&old, "%s.old", file) == -1)
		fatal("out of memory");
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		error("cannot create a temporary file beside %s: %s", file,
		    strerror(errno));
		goto out;
	}
	/* The same mode (and owner, when allowed) as the file it replaces. */
	if (fchmod(fd, st.st_mode & 07777) == -1) {
		error("%s: %s", tmp, strerror(errno));
		goto fail;
	}
	if (geteuid() == 0 && fchown(fd, st.st_uid, st.st_gid) == -1) {
		error("%s: %s", tmp, strerror(errno));
		goto fail;
	}
	while (getline(&line, &cap, f) != -1) {
		lineno++;
		if (!line_matches(line, &q, &keep)) {
			if (ms_write_all_deadline(fd, line, strlen(line), -1) != 0)
				goto write_fail;
			continue;
		}
		found++;
		if (!quiet)
			printf("# Host %s found: line %lu\n", host, lineno);
		if (keep != NULL) {
			saved = ms_write_all_deadline(fd, keep, strlen(keep), -1);
			free(keep);
			if (saved != 0)
				goto write_fail;
		}
	}
	if (ferror(f)) {
		error("%s: %s", file, strerror(errno));
		goto fail;
	}
	if (found == 0) {
		fprintf(stderr, "Host %s not found in %s\n", host, file);
		ret = KG_EXIT_NOT_FOUND;
		goto fail;
	}
	if (fsync(fd) == -1)
		goto write_fail;
	if (close(fd) == -1) {
		fd = -1;
		goto write_fail;
	}
	fd = -1;
	/* FILE.old: the original contents, by a link to the same inode. */
	if (unlink(old) == -1 && errno != ENOENT) {
		error("%s: %s", old, strerror(errno));
		goto fail;
	}
	if (link(file, old) == -1) {
		error("cannot keep the original as %s: %s", old,
		    strerror(errno));
		goto fail;
	}
	if (rename(tmp, file) == -1) {
		error("rename %s to %s: %s", tmp, file, strerror(errno));
		goto fail;
	}
	if ((dcopy = strdup(file)) != NULL) {
		if ((dfd = open(dirname(dcopy), O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC)) != -1) {
			(void)fsync(dfd);
			close(dfd);
		}
		free(dcopy);
	}
	if (!quiet)
		printf("%s updated.\nOriginal contents retained as %s\n", file,
		    old);
	ret = KG_EXIT_OK;
	goto out;
 write_fail:
	error("%s: %s", tmp, strerror(errno));
 fail:
	if (fd != -1)
		close(fd);
	(void)unlink(tmp);
 out:
	free(line);
	free(tmp);
	free(old);
	if (f != NULL)
		fclose(f);
	return ret;
}
