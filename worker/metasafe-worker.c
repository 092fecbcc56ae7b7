/*
 * metasafe-worker — serves one client connection, unprivileged and
 * sandboxed (SECURITY.md I1, I5).  Started by the monitor (fork+exec),
 * usually ahead of demand (WorkerPoolSize), with:
 *
 *	fd 4	the monitor socketpair (requests, PROTOCOL.md 11)
 *	fd 5	the log socketpair
 *
 * Order matters: read CONFIG from the monitor, initialise everything that
 * needs the file system (OpenSSL configuration and algorithm fetches,
 * setproctitle), enter the sandbox, say READY, and only then receive the
 * client socket (HANDOFF) and read the first network byte.  The worker
 * never runs unsandboxed: ms_sandbox_enter() does not return on failure.
 * It serves that one connection and exits.
 */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "buf.h"
#include "crypto.h"
#include "errors.h"
#include "frame.h"
#include "log.h"
#include "proto.h"
#include "sandbox/sandbox.h"
#include "schedule.h"
#include "version.h"
#include "worker.h"

#define CONFIG_TIMEOUT_MS	30000
#define WORKER_MAX_FDS		8

static struct worker the_worker;
/* The monitor, as early as we can know it (the sandbox's parent check). */
static pid_t monitor_pid;

/* fatal() may strike anywhere: the session secrets must not outlive it. */
static void
cleanup(int code)
{
	(void)code;
	worker_clear(&the_worker);
}

static void
check_fds(void)
{
	if (fcntl(MS_WORKER_MONITOR_FD, F_GETFD) == -1 ||
	    fcntl(MS_WORKER_LOG_FD, F_GETFD) == -1)
		fatal("fds 4 and 5 must be open: metasafe-worker is "
		    "started by metasafed, not by hand");
	/* Whatever else leaked in must not survive into the sandbox. */
	(void)close(MS_WORKER_CLIENT_FD);
	closefrom(MS_WORKER_LOG_FD + 1);
}

static void
read_config(struct ms_config *conf)
{
	struct msbuf *b;
	uint8_t type;
	int r;

	if ((b = msbuf_new(MS_CONFIG_FRAME_MAX)) == NULL)
		fatal_f("out of memory");
	if ((r = ms_frame_read(MS_WORKER_MONITOR_FD, &type, b,
	    MS_CONFIG_FRAME_MAX, CONFIG_TIMEOUT_MS)) != 0)
		fatal_fr(r, "read CONFIG from the monitor");
	if (type != MS_MON_CONFIG)
		fatal_f("expected CONFIG from the monitor, got 0x%02x", type);
	if ((r = w_config_parse(conf, b)) != 0)
		fatal_fr(r, "bad CONFIG from the monitor");
	msbuf_free(b);
}

/*
 * Exercise every primitive the session uses, so OpenSSL reads its
 * configuration, loads providers, fetches algorithms (cached by crypto.c)
 * and seeds its DRBG while files can still be opened.
 */
static void
crypto_warm_up(void)
{
	int r;

	if ((r = ms_crypto_init()) != 0)
		fatal_fr(r, "cryptography self-check");
}

static void
enter_sandbox(const struct ms_config *conf)
{
	struct ms_sandbox_params p;
	struct ms_sandbox *sb;

	memset(&p, 0, sizeof(p));
	p.chroot_dir = conf->chroot_dir;
	p.uid = conf->uid;
	p.gid = conf->gid;
	p.debug = conf->sandbox_debug;
	p.max_fds = WORKER_MAX_FDS;
	p.max_data = W_DATA_MAX;
	p.parent = monitor_pid;
	p.report = w_sandbox_report;
	if ((sb = ms_sandbox_prepare(&p)) == NULL)
		fatal("cannot prepare the sandbox; refusing to serve");
	if (ms_sandbox_enter(sb) != 0)
		fatal("cannot enter the sandbox; refusing to serve");
	debug_f("sandboxed in %s as %lu:%lu%s", conf->chroot_dir,
	    (u_long)conf->uid, (u_long)conf->gid,
	    conf->sandbox_debug ? " (sandbox debug mode)" : "");
}

int
main(int argc, char **argv, char **envp)
{
	struct worker *w = &the_worker;
	int r;

	monitor_pid = getppid();
	w_malloc_init();
	/* The only argument it takes, for the operator; metasafed passes none. */
	if (argc == 2 && strcmp(argv[1], "-V") == 0)
		exit(ms_version_print("metasafe-worker") == 0 ? 0 : 1);
	setproctitle_init(argc, argv, envp);
	ms_log_init("metasafe-worker", MS_LOG_INFO, 0, -1);
	check_fds();
	w_log_channel_init(MS_WORKER_LOG_FD);
	ms_log_set_cleanup(cleanup);
	/* A client that vanishes must be an error return, not a signal. */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		fatal("signal(SIGPIPE)");
	if (w_session_signals() != 0)
		fatal("SIGTERM handler: %s", strerror(errno));

	worker_init(w, -1, MS_WORKER_MONITOR_FD);
	read_config(&w->conf);
	ms_log_set_level((enum ms_loglevel)w->conf.log_level);
	setproctitle("-metasafed: pooled worker");
	crypto_warm_up();
	enter_sandbox(&w->conf);
	/* From here on the worker waits, confined, holding no client data. */
	if ((r = w_send_ready(w)) != 0)
		fatal_fr(r, "READY to the monitor");
	if ((r = w_handoff(w)) != 0)
		fatal_fr(r, "HANDOFF from the monitor");
	setproctitle("-metasafed: worker %s", w->peer);
	debug_f("serving %s", w->peer);

	if ((r = w_handshake(w)) == 0)
		r = w_session(w);
	if (r != 0)
		w_linger(w);
	worker_clear(w);
	if (r == MS_ERR_INTERNAL)
		return 255;
	return r == 0 ? 0 : 1;
}
