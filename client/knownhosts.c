/*
 * knownhosts.c — host key pinning (PROTOCOL.md 4.2).
 *
 * One key per line: "[HOST]:PORT ms-ed25519 BASE64 [comment]"; the host
 * field may list several names separated by commas, and a host may have
 * several lines (host key roll-over): a presented key that matches any of
 * them is accepted, one that matches none is CHANGED.  Blank lines and lines
 * starting with '#' are ignored, and so are malformed lines (a hand-edited
 * file must not lock the user out of every other host).  Host names match
 * case-insensitively.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "crypto.h"
#include "errors.h"
#include "keyfile.h"
#include "log.h"
#include "metasafe.h"
#include "msclient.h"

int
cl_kh_hostname(const char *host, const char *port, char *out, size_t outlen)
{
	int n;

	if (host == NULL || port == NULL || *host == '\0' || *port == '\0')
		return METASAFE_ERR_INVALID;
	/* Blanks or separators in a name would corrupt the file. */
	if (strpbrk(host, " \t\r\n,#[]") != NULL ||
	    strpbrk(port, " \t\r\n,#[]") != NULL)
		return METASAFE_ERR_INVALID;
	/* A socket path has no port: the path names the daemon. */
	if (cl_is_unix(host))
		n = snprintf(out, outlen, "[%s]", host);
	else
		n = snprintf(out, outlen, "[%s]:%s", host, port);
	if (n < 0 || (size_t)n >= outlen)
		return METASAFE_ERR_INVALID;
	return 0;
}

/* Does the comma-separated host field name hostname? */
static int
host_field_matches(const char *field, size_t flen, const char *hostname)
{
	const char *p = field, *end = field + flen, *comma;
	size_t hlen = strlen(hostname), n;

	while (p < end) {
		if ((comma = memchr(p, ',', (size_t)(end - p))) == NULL)
			comma = end;
		n = (size_t)(comma - p);
		if (n == hlen && strncasecmp(p, hostname, n) == 0)
			return 1;
		p = comma + 1;
	}
	return 0;
}

int
cl_kh_check_count(const char *file, const char *hostname,
    const u_char key[MS_ED25519_PUB_LEN], enum cl_kh_result *resp,
    u_long *linep, u_char expected[MS_ED25519_PUB_LEN], u_long *npinnedp)
{
	FILE *f;
	char *line = NULL, *p;
	size_t cap = 0, flen;
	ssize_t len;
	u_long lineno = 0;
	u_char raw[32];
	enum ms_keytype type;
	int saved_errno, found_other = 0;

	*resp = CL_KH_UNKNOWN;
	*linep = 0;
	if (npinnedp != NULL)
		*npinnedp = 0;
	if ((f = fopen(file, "re")) == NULL) {
		if (errno == ENOENT)
			return 0;
		return METASAFE_ERR_KNOWN_HOSTS;
	}
	while ((len = getline(&line, &cap, f)) != -1) {
		lineno++;
		if (len > CL_KNOWN_HOSTS_LINE_MAX) {
			debug_f("%s:%lu: line too long, skipped", file, lineno);
			continue;
		}
		line[strcspn(line, "\r\n")] = '\0';
		p = line + strspn(line, " \t");
		if (*p == '\0' || *p == '#')
			continue;
		flen = strcspn(p, " \t");
		if (p[flen] == '\0' || !host_field_matches(p, flen, hostname))
			continue;
		if (ms_pubkey_parse(p + flen + strspn(p + flen, " \t"), &type,
		    raw, NULL) != 0 || type != MS_KEY_ED25519) {
			debug_f("%s:%lu: unparseable key, skipped", file,
			    lineno);
			continue;
		}
		if (npinnedp != NULL)
			(*npinnedp)++;
		if (ms_ct_equal(raw, key, sizeof(raw))) {
			*resp = CL_KH_MATCH;
			*linep = lineno;
			break;
		}
		if (!found_other) {
			found_other = 1;
			*linep = lineno;
			memcpy(expected, raw, sizeof(raw));
		}
	}
	saved_errno = errno;
	if (ferror(f)) {
		free(line);
		fclose(f);
		errno = saved_errno;
		return METASAFE_ERR_KNOWN_HOSTS;
	}
	free(line);
	fclose(f);
	if (*resp != CL_KH_MATCH && found_other)
		*resp = CL_KH_CHANGED;
	return 0;
}

/* Create the file's directory (one level, like ~/.metasafe) mode 0700. */
static int
make_parent_dir(const char *file)
{
	char *dir, *slash;
	int r = 0;

	if ((dir = strdup(file)) == NULL)
		return METASAFE_ERR_NOMEM;
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0700) == -1 && errno != EEXIST)
			r = METASAFE_ERR_KNOWN_HOSTS;
	}
	free(dir);
	return r;
}

int
cl_kh_add(const char *file, const char *hostname,
    const u_char key[MS_ED25519_PUB_LEN])
{
	char *b64 = NULL, *text = NULL;
	struct stat st;
	u_char last;
	int fd = -1, r, n, need_nl = 0, saved_errno;

	if ((r = make_parent_dir(file)) != 0)
		return r;
	if (ms_base64_encode(key, MS_ED25519_PUB_LEN, 0, &b64) != 0)
		return METASAFE_ERR_NOMEM;
	if ((fd = open(file, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) == -1) {
		r = METASAFE_ERR_KNOWN_HOSTS;
		goto out;
	}
	/* A hand-edited file may lack its final newline. */
	if (fstat(fd, &st) == 0 && st.st_size > 0 &&
	    pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n')
		need_nl = 1;
	n = asprintf(&text, "%s%s ms-ed25519 %s\n", need_nl ? "\n" : "",
	    hostname, b64);
	if (n < 0) {
		text = NULL;
		r = METASAFE_ERR_NOMEM;
		goto out;
	}
	if (write(fd, text, (size_t)n) != n || fsync(fd) == -1) {
		r = METASAFE_ERR_KNOWN_HOSTS;
		goto out;
	}
	r = 0;
 out:
	saved_errno = errno;
	if (fd != -1)
		close(fd);
	free(b64);
	free(text);
	errno = saved_errno;
	return r;
}
