/*
 * passfile.c — a passphrase for an encrypted identity without a terminal:
 * from a file (PassphraseFile) or from an askpass program
 * (METASAFE_ASKPASS), never from the command line, which every user can
 * read in /proc.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "metasafe.h"
#include "msclient.h"

/* Up to len - 1 bytes from fd; the first line of them, NUL-terminated. */
static int
first_line(int fd, char *buf, size_t len)
{
	size_t have = 0;
	ssize_t n;
	char *nl;

	while (have < len) {
		n = read(fd, buf + have, len - have);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return METASAFE_ERR_SYSTEM;
		if (n == 0)
			break;
		have += (size_t)n;
		if (memchr(buf, '\n', have) != NULL)
			break;
	}
	if ((nl = memchr(buf, '\n', have)) != NULL)
		have = (size_t)(nl - buf);
	else if (have == len)
		return METASAFE_ERR_INVALID;	/* no room for the NUL */
	if (have > 0 && buf[have - 1] == '\r')
		have--;
	if (memchr(buf, '\0', have) != NULL)
		return METASAFE_ERR_INVALID;
	buf[have] = '\0';
	return 0;
}

int
cl_passphrase_read(const char *path, char *buf, size_t len)
{
	struct stat st;
	int fd, r, saved;

	if (path == NULL || buf == NULL || len == 0)
		return METASAFE_ERR_USAGE;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return METASAFE_ERR_SYSTEM;
	if (fstat(fd, &st) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return METASAFE_ERR_SYSTEM;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return METASAFE_ERR_SYSTEM;
	}
	/* As for the key it opens: nobody else may read or change it. */
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		close(fd);
		return METASAFE_ERR_KEY_PERMISSIONS;
	}
	r = first_line(fd, buf, len);
	saved = errno;
	close(fd);
	if (r != 0)
		explicit_bzero(buf, len);
	errno = saved;
	return r;
}

static void __attribute__((noreturn))
run_askpass(const char *prog, const char *prompt, int out)
{
	if (dup2(out, STDOUT_FILENO) == -1)
		_exit(127);
	if (out != STDOUT_FILENO)
		close(out);
	execlp(prog, prog, prompt, (char *)NULL);
	_exit(127);
}

int
cl_askpass(const char *prompt, char *buf, size_t len)
{
	const char *prog = getenv("METASAFE_ASKPASS");
	pid_t pid;
	int p[2], r, status;

	if (prog == NULL || *prog == '\0')
		return METASAFE_ERR_USAGE;
	if (pipe2(p, O_CLOEXEC) == -1)
		return METASAFE_ERR_SYSTEM;
	if ((pid = fork()) == -1) {
		close(p[0]);
		close(p[1]);
		return METASAFE_ERR_SYSTEM;
	}
	if (pid == 0) {
		close(p[0]);
		run_askpass(prog, prompt, p[1]);
	}
	close(p[1]);
	r = first_line(p[0], buf, len);
	close(p[0]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (r == 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
		r = METASAFE_ERR_USAGE;
	if (r != 0)
		explicit_bzero(buf, len);
	return r;
}
