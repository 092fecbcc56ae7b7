/*
 * spawn.c — fork+exec of the worker program (I1: fresh address space and
 * ASLR, no inherited key material, only the descriptors it needs).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "log.h"
#include "proto.h"
#include "spawn.h"

/* Runs in the child between fork and exec: async-signal-safe calls only. */
static void __attribute__((noreturn))
child_exec(const char *path, int mon_fd, int log_fd, int keep_stderr)
{
	/*
	 * The worker's environment is empty, so setproctitle() has only the
	 * argv strings to write "metasafed: worker ADDR:PORT [principal]"
	 * into: the blank second argument reserves that room.
	 */
	char *const argv[] = { (char *)"metasafe-worker", (char *)
	    "                                                                "
	    "                                                                ",
	    NULL };
	char *const envp[] = { NULL };
	sigset_t none;
	int devnull;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);

	/* Move both channels above 5 first so dup2 cannot clobber them. */
	if ((mon_fd = fcntl(mon_fd, F_DUPFD, 10)) == -1 ||
	    (log_fd = fcntl(log_fd, F_DUPFD, 10)) == -1)
		_exit(127);
	if ((devnull = open("/dev/null", O_RDWR)) == -1)
		_exit(127);
	if (dup2(devnull, STDIN_FILENO) == -1 ||
	    dup2(devnull, STDOUT_FILENO) == -1 ||
	    (!keep_stderr && dup2(devnull, STDERR_FILENO) == -1) ||
	    dup2(mon_fd, MS_WORKER_MONITOR_FD) == -1 ||
	    dup2(log_fd, MS_WORKER_LOG_FD) == -1)
		_exit(127);
	/*
	 * No client yet: it comes later, over fd 4 (HANDOFF).  Whatever is on
	 * fd 3 (an old channel end, or /dev/null itself, now on 0-2) goes.
	 */
	(void)close(MS_WORKER_CLIENT_FD);
	closefrom(MS_WORKER_LOG_FD + 1);
	execve(path, argv, envp);
	_exit(127);
}

int
worker_spawn(const char *path, int keep_stderr, struct spawned_worker *out)
{
	int mon[2] = { -1, -1 }, logp[2] = { -1, -1 };
	pid_t pid;

	memset(out, 0, sizeof(*out));
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, mon) == -1 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, logp) == -1) {
		error_f("socketpair: %s", strerror(errno));
		goto fail;
	}
	if ((pid = fork()) == -1) {
		error_f("fork: %s", strerror(errno));
		goto fail;
	}
	if (pid == 0)
		child_exec(path, mon[1], logp[1], keep_stderr);
	close(mon[1]);
	close(logp[1]);
	out->pid = pid;
	out->mon_fd = mon[0];
	out->log_fd = logp[0];
	if (fcntl(out->mon_fd, F_SETFL, O_NONBLOCK) == -1 ||
	    fcntl(out->log_fd, F_SETFL, O_NONBLOCK) == -1) {
		error_f("fcntl: %s", strerror(errno));
		kill(pid, SIGKILL);
		close(out->mon_fd);
		close(out->log_fd);
		return MS_ERR_SYSTEM;
	}
	return 0;
 fail:
	if (mon[0] != -1) {
		close(mon[0]);
		close(mon[1]);
	}
	if (logp[0] != -1) {
		close(logp[0]);
		close(logp[1]);
	}
	return MS_ERR_SYSTEM;
}
