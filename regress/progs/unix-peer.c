/*
 * unix-peer — test-only peers for a daemon's unix: listener.
 *
 *	unix-peer send SOCK LINE
 *		connect, send LINE and a newline (a "ROGUE ..." request to
 *		the rogue worker), copy what comes back to stdout until EOF
 *		(20 s at most).
 *	unix-peer relay UID_A UID_B SOCK PROXY
 *		(root) a child running as UID_A connects to SOCK and passes
 *		the connected socket (SCM_RIGHTS) to this process, which then
 *		runs as UID_B, listens on PROXY, prints "ready" and relays
 *		one client's connection on PROXY to that socket: the daemon's
 *		peer is A, the process holding the socket is B.
 *	unix-peer fake SOCK
 *		a socket squatter: listens on SOCK, prints "ready", and
 *		answers each CLIENT_HELLO with a well-formed SERVER_HELLO
 *		under host keys of its own.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "crypto.h"
#include "frame.h"
#include "hello.h"
#include "proto.h"
#include "timeio.h"

#define WAIT_MS	20000

static void __attribute__((noreturn))
die(const char *what)
{
	fprintf(stderr, "unix-peer: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void
addr(const char *path, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlcpy(sun->sun_path, path, sizeof(sun->sun_path)) >=
	    sizeof(sun->sun_path)) {
		errno = ENAMETOOLONG;
		die(path);
	}
}

static int
connect_to(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	addr(path, &sun);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		die("connect");
	return fd;
}

static int
listen_on(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	addr(path, &sun);
	(void)unlink(path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(fd, 8) == -1)
		die("listen");
	printf("ready\n");
	fflush(stdout);
	return fd;
}

/* Copy one chunk from 'from' to 'to'; 0 at EOF or error. */
static int
pump(int from, int to)
{
	char buf[16384];
	ssize_t n;

	if ((n = read(from, buf, sizeof(buf))) <= 0)
		return 0;
	return ms_write_all(to, buf, (size_t)n) == 0;
}

static int
do_send(const char *sock, const char *line)
{
	struct pollfd pfd;
	int fd = connect_to(sock);

	if (ms_write_all(fd, line, strlen(line)) != 0 ||
	    ms_write_all(fd, "\n", 1) != 0)
		die("write");
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (poll(&pfd, 1, WAIT_MS) == 1 && pump(fd, STDOUT_FILENO))
		;
	close(fd);
	return 0;
}

static void
send_fd(int chan, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))], byte = 'F';
	struct iovec iov = { &byte, 1 };
	struct msghdr msg;
	struct cmsghdr *cm;

	memset(&msg, 0, sizeof(msg));
	memset(cbuf, 0, sizeof(cbuf));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf;
	msg.msg_controllen = sizeof(cbuf);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	if (sendmsg(chan, &msg, 0) != 1)
		die("sendmsg");
}

static int
recv_fd(int chan)
{
	char cbuf[CMSG_SPACE(sizeof(int))], byte;
	struct iovec iov = { &byte, 1 };
	struct msghdr msg;
	struct cmsghdr *cm;
	int fd;

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf;
	msg.msg_controllen = sizeof(cbuf);
	if (recvmsg(chan, &msg, 0) != 1 || (cm = CMSG_FIRSTHDR(&msg)) == NULL ||
	    cm->cmsg_type != SCM_RIGHTS)
		die("recvmsg");
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* The user with its groups: the socket's group lets it connect. */
static void
become(uid_t uid)
{
	struct passwd *pw;

	if ((pw = getpwuid(uid)) == NULL)
		die("getpwuid");
	if (initgroups(pw->pw_name, pw->pw_gid) == -1 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||
	    setresuid(uid, uid, uid) == -1)
		die("setresuid");
}

static int
do_relay(uid_t a, uid_t b, const char *sock, const char *proxy)
{
	struct pollfd pfd[2];
	int sp[2], daemon_fd, lfd, cfd;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == -1)
		die("socketpair");
	if ((pid = fork()) == -1)
		die("fork");
	if (pid == 0) {
		/* A connects (the kernel records A), hands it over, exits. */
		close(sp[0]);
		become(a);
		send_fd(sp[1], connect_to(sock));
		_exit(0);
	}
	close(sp[1]);
	daemon_fd = recv_fd(sp[0]);
	close(sp[0]);
	become(b);
	lfd = listen_on(proxy);
	if ((cfd = accept(lfd, NULL, NULL)) == -1)
		die("accept");
	pfd[0].fd = cfd;
	pfd[1].fd = daemon_fd;
	pfd[0].events = pfd[1].events = POLLIN;
	while (poll(pfd, 2, WAIT_MS) > 0) {
		if ((pfd[0].revents & (POLLIN | POLLHUP)) &&
		    !pump(cfd, daemon_fd))
			break;
		if ((pfd[1].revents & (POLLIN | POLLHUP)) &&
		    !pump(daemon_fd, cfd))
			break;
	}
	(void)unlink(proxy);
	return 0;
}

/* One SERVER_HELLO under a made-up host key for each CLIENT_HELLO. */
static void
fake_answer(int fd)
{
	struct ms_server_hello sh;
	struct msbuf *in = msbuf_new(MS_FRAME_MAX), *p = msbuf_new(4096);
	u_char junk[1];
	uint8_t type;

	if (in == NULL || p == NULL)
		exit(2);
	if (ms_frame_read(fd, &type, in, MS_FRAME_MAX, WAIT_MS) != 0 ||
	    type != MS_FRAME_CLIENT_HELLO)
		goto out;
	memset(&sh, 0, sizeof(sh));
	sh.version = MS_PROTO_VERSION;
	sh.cipher = MS_CIPHER_AES256_GCM;
	sh.kex = MS_KEX_X25519_HYBRID;
	sh.sig = MS_SIG_ED25519;
	if (ms_random_bytes(sh.random, sizeof(sh.random)) != 0 ||
	    ms_random_bytes(sh.share, sizeof(sh.share)) != 0 ||
	    ms_random_bytes(sh.host_kex_pub, sizeof(sh.host_kex_pub)) != 0 ||
	    ms_random_bytes(sh.host_sig_pub, sizeof(sh.host_sig_pub)) != 0 ||
	    ms_server_hello_put(p, &sh) != 0 ||
	    ms_frame_write(fd, MS_FRAME_SERVER_HELLO, p) != 0)
		goto out;
	/* Whatever the client does next, it is logged as the squatter saw it. */
	if (read(fd, junk, sizeof(junk)) > 0)
		printf("client sent more after SERVER_HELLO\n");
	else
		printf("client closed after SERVER_HELLO\n");
	fflush(stdout);
 out:
	msbuf_free(in);
	msbuf_free(p);
}

static int
do_fake(const char *sock)
{
	int lfd = listen_on(sock), fd;

	for (;;) {
		if ((fd = accept(lfd, NULL, NULL)) == -1) {
			if (errno == EINTR)
				continue;
			die("accept");
		}
		fake_answer(fd);
		close(fd);
	}
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "send") == 0)
		return do_send(argv[2], argv[3]);
	if (argc == 6 && strcmp(argv[1], "relay") == 0)
		return do_relay((uid_t)strtoul(argv[2], NULL, 10),
		    (uid_t)strtoul(argv[3], NULL, 10), argv[4], argv[5]);
	if (argc == 3 && strcmp(argv[1], "fake") == 0)
		return do_fake(argv[2]);
	fprintf(stderr, "usage: unix-peer send SOCK LINE | "
	    "relay UID_A UID_B SOCK PROXY | fake SOCK\n");
	return 2;
}
