/*
 * rogue-worker — a test-only stand-in for a fully compromised worker.
 *
 * metasafed runs it as WorkerPath, with the monitor channel on fd 4.  It
 * takes CONFIG, says READY and receives its client (HANDOFF) as a pooled
 * worker does, puts the client socket on fd 3 and peeks at the first bytes
 * from it: "ROGUE <scenario> [args]\n" selects an attack on the monitor;
 * anything else (a real CLIENT_HELLO) starts the real worker as its child,
 * replays CONFIG and the HANDOFF to it over a socketpair and relays the
 * monitor channel, so the same daemon keeps serving normal clients (the
 * real worker, confined as ever, is then the monitor's grandchild).
 *
 * For each step it writes "ok STEP" / "fail STEP (reason)" / "status STEP N"
 * lines to the client socket.  A step the monitor refuses by killing the
 * worker shows up to the test as the connection closing after the line
 * announcing the step ("try STEP").
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "crypto.h"
#include "errors.h"
#include "fdpass.h"
#include "frame.h"
#include "hello.h"
#include "metasafe.h"
#include "keyfile.h"
#include "log.h"
#include "msg_config.h"
#include "pool.h"
#include "privkey.h"
#include "proto.h"
#include "schedule.h"
#include "sandbox.h"
#include "worker.h"

#define CLIENT	MS_WORKER_CLIENT_FD
#define MON	MS_WORKER_MONITOR_FD

struct rogue {
	u_char		 nonce[32];
	u_char		 kex_pub[32], sig_pub[32];
	EVP_PKEY	*eph;
	struct msbuf	*ch, *sh;
	struct msbuf	*sc;		/* SERVER_CERTIFICATE from HELLO, or empty */
	u_char		 server_sig[64];
	/* Resumption: a ticket for CLIENT_HELLO, and its secret if known. */
	u_char		 ticket[MS_TICKET_MAX];
	size_t		 ticket_len;
	u_char		 res[32];
	int		 have_res;
};

static void __attribute__((format(printf, 1, 2)))
say(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	(void)ms_write_all(CLIENT, line, (size_t)n);
}

static struct msbuf *
nb(void)
{
	struct msbuf *b;

	if ((b = msbuf_new(MS_FRAME_MAX)) == NULL)
		exit(2);
	return b;
}

/* One monitor round trip; the answer's status is returned to the caller. */
static int
mon_call(uint8_t type, const struct msbuf *req, struct msbuf *resp)
{
	uint8_t rtype;
	int r;

	if ((r = ms_frame_write(MON, type, req)) != 0)
		return r;
	if ((r = ms_frame_read(MON, &rtype, resp, MS_FRAME_MAX, 10000)) != 0)
		return r;
	return rtype == type ? 0 : MS_ERR_PROTOCOL;
}

/* CONFIG as the monitor sent it (payload), and the peer from HANDOFF. */
static struct msbuf *config_payload;
static char *handoff_peer;

static void
take_config(void)
{
	uint8_t type;

	config_payload = nb();
	if (ms_frame_read(MON, &type, config_payload, MS_FRAME_MAX,
	    10000) != 0 || type != MS_MON_CONFIG)
		exit(2);
}

/* READY, then the HANDOFF: the client socket goes onto fd 3. */
static void
take_client(void)
{
	struct msbuf *in = nb(), *payload = nb(), *ready = nb();
	u_char *p;
	size_t n;
	uint8_t type;
	int fd, r;

	if (ms_frame_write(MON, MS_MON_READY, ready) != 0 ||
	    msbuf_reserve(in, MS_FRAME_HEADER_LEN, &p) != 0 ||
	    ms_fd_recv(MON, p, MS_FRAME_HEADER_LEN, &n, &fd) != 0 ||
	    msbuf_consume_end(in, MS_FRAME_HEADER_LEN - n) != 0)
		exit(2);
	while ((r = ms_frame_parse(in, &type, payload, MS_FRAME_MAX)) ==
	    MS_ERR_MESSAGE_INCOMPLETE)
		if (ms_frame_fill(MON, in) != 0)
			exit(2);
	if (r != 0 || type != MS_MON_HANDOFF ||
	    ms_handoff_parse(payload, &handoff_peer) != 0)
		exit(2);
	if (fd != CLIENT) {
		if (dup2(fd, CLIENT) == -1)
			exit(2);
		close(fd);
	}
	msbuf_free(in);
	msbuf_free(payload);
	msbuf_free(ready);
}

static pid_t real_worker;

static void
pass_sigterm(int sig)
{
	(void)sig;
	if (real_worker > 0)
		kill(real_worker, SIGTERM);
}

/* Copy what is there from one fd to the other; 0 at EOF or error. */
static int
relay_once(int from, int to)
{
	u_char buf[65536];
	ssize_t n;

	if ((n = read(from, buf, sizeof(buf))) <= 0)
		return n == -1 && errno == EINTR;
	return ms_write_all(to, buf, (size_t)n) == 0;
}

/*
 * A genuine client: the real worker, fed CONFIG and the HANDOFF over a
 * socketpair of our own, its monitor traffic relayed both ways.  Its
 * READY is ours to swallow: the monitor has had one already.
 */
static void __attribute__((noreturn))
become_real_worker(void)
{
	char *const wargv[] = { (char *)"metasafe-worker", (char *)
	    "                                                                ",
	    NULL };
	char *const wenv[] = { NULL };
	struct msbuf *f = nb();
	struct pollfd pfd[2];
	uint8_t type;
	int sp[2], status;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == -1)
		exit(2);
	if ((real_worker = fork()) == -1)
		exit(2);
	if (real_worker == 0) {
		if (dup2(sp[1], MON) == -1)
			_exit(127);
		close(CLIENT);
		closefrom(MS_WORKER_LOG_FD + 1);
		execve(MS_BUILDDIR "/metasafe-worker", wargv, wenv);
		_exit(127);
	}
	close(sp[1]);
	signal(SIGTERM, pass_sigterm);
	if (ms_frame_write(sp[0], MS_MON_CONFIG, config_payload) != 0 ||
	    ms_frame_read(sp[0], &type, f, MS_FRAME_MAX, 30000) != 0 ||
	    type != MS_MON_READY ||
	    pool_handoff(sp[0], CLIENT, handoff_peer) != 0)
		exit(2);
	close(CLIENT);
	pfd[0].fd = MON;
	pfd[1].fd = sp[0];
	pfd[0].events = pfd[1].events = POLLIN;
	for (;;) {
		if (poll(pfd, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if ((pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    !relay_once(MON, sp[0]))
			break;
		if ((pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    !relay_once(sp[0], MON))
			break;
	}
	close(sp[0]);
	while (waitpid(real_worker, &status, 0) == -1 && errno == EINTR)
		;
	if (WIFSIGNALED(status)) {
		signal(WTERMSIG(status), SIG_DFL);
		raise(WTERMSIG(status));
	}
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 2);
}

static int
do_hello(struct rogue *g)
{
	struct msbuf *req = nb(), *resp = nb();
	int r;

	msbuf_free(g->sc);
	g->sc = nb();
	if ((r = mon_call(MS_MON_HELLO, req, resp)) == 0 &&
	    (r = msbuf_get(resp, g->nonce, 32)) == 0 &&
	    (r = msbuf_get_string_fixed(resp, g->kex_pub, 32)) == 0 &&
	    (r = msbuf_get_string_fixed(resp, g->sig_pub, 32)) == 0)
		r = msbuf_get_stringb(resp, g->sc, MS_FRAME_MAX);
	msbuf_free(req);
	msbuf_free(resp);
	return r;
}

/* Well-formed hellos around 'nonce' (the worker's own, or not). */
static void
make_hellos(struct rogue *g, const u_char nonce[32])
{
	struct ms_client_hello ch;
	struct ms_server_hello sh;
	struct msbuf *p = nb();
	EVP_PKEY *seph = NULL;

	memset(&ch, 0, sizeof(ch));
	ch.version = MS_PROTO_VERSION;
	ms_random_bytes(ch.random, 32);
	ch.ciphers.n = ch.kex.n = ch.sigs.n = 1;
	ch.ciphers.ids[0] = MS_CIPHER_AES256_GCM;
	ch.kex.ids[0] = MS_KEX_X25519_HYBRID;
	ch.sigs.ids[0] = MS_SIG_ED25519;
	if (ms_pkey_generate(MS_KEY_X25519, &g->eph) != 0 ||
	    ms_pkey_raw_public(g->eph, ch.share, 32) != 0)
		exit(2);
	memset(&sh, 0, sizeof(sh));
	sh.version = MS_PROTO_VERSION;
	memcpy(sh.random, nonce, 32);
	sh.cipher = MS_CIPHER_AES256_GCM;
	sh.kex = MS_KEX_X25519_HYBRID;
	sh.sig = MS_SIG_ED25519;
	if (ms_pkey_generate(MS_KEY_X25519, &seph) != 0 ||
	    ms_pkey_raw_public(seph, sh.share, 32) != 0)
		exit(2);
	EVP_PKEY_free(seph);
	memcpy(sh.host_kex_pub, g->kex_pub, 32);
	memcpy(sh.host_sig_pub, g->sig_pub, 32);
	g->ch = nb();
	g->sh = nb();
	if (g->ticket_len != 0) {
		ch.resume = 1;
		ch.ticket_len = g->ticket_len;
		memcpy(ch.ticket, g->ticket, g->ticket_len);
		ms_random_bytes(ch.binder, sizeof(ch.binder));
		/* With the secret, the right binder over the hello. */
		if (g->have_res && (ms_client_hello_put(p, &ch) != 0 ||
		    ms_frame_encode(g->ch, MS_FRAME_CLIENT_HELLO, p) != 0 ||
		    ms_resume_binder(g->res, msbuf_ptr(g->ch),
		    msbuf_len(g->ch) - 36, ch.binder) != 0))
			exit(2);
		msbuf_reset(p);
		msbuf_reset(g->ch);
	}
	if (ms_client_hello_put(p, &ch) != 0 ||
	    ms_frame_encode(g->ch, MS_FRAME_CLIENT_HELLO, p) != 0)
		exit(2);
	msbuf_reset(p);
	if (ms_server_hello_put(p, &sh) != 0 ||
	    ms_frame_encode(g->sh, MS_FRAME_SERVER_HELLO, p) != 0)
		exit(2);
	msbuf_free(p);
}

/*
 * DECAP or SIGN over the rogue's hellos.  SIGN carries the server
 * certificate string too (PROTOCOL.md 11): empty, as for a host without
 * HostCertificate.
 */
static int
hellos_call(struct rogue *g, uint8_t type, u_char *out, size_t outlen)
{
	struct msbuf *req = nb(), *resp = nb();
	int r;

	if ((r = msbuf_put_stringb(req, g->ch)) == 0 &&
	    (r = msbuf_put_stringb(req, g->sh)) == 0 &&
	    (type != MS_MON_SIGN || (r = msbuf_put_string(req, NULL, 0)) == 0) &&
	    (r = mon_call(type, req, resp)) == 0 && out != NULL)
		r = msbuf_get_string_fixed(resp, out, outlen);
	msbuf_free(req);
	msbuf_free(resp);
	return r;
}

static void
add_run(struct ms_transcript *t, const struct msbuf *run)
{
	struct msbuf *d = msbuf_dup(run);
	uint32_t len;

	while (d != NULL && msbuf_len(d) > 0) {
		if (msbuf_peek_u32(d, 0, &len) != 0 ||
		    ms_transcript_add_raw(t, msbuf_ptr(d), 4 + len) != 0 ||
		    msbuf_consume(d, 4 + len) != 0)
			exit(2);
	}
	msbuf_free(d);
}

/*
 * AUTH presenting 'idpub' as CLIENT_IDENTITY, signed with 'signer'.
 * Returns the monitor's status, or a negative error.
 */
static int
do_auth(struct rogue *g, EVP_PKEY *signer, const u_char idpub[32])
{
	struct msbuf *tail = nb(), *cv = nb(), *req = nb(), *resp = nb();
	struct ms_transcript *t = ms_transcript_new();
	u_char th[32], msg[128], sig[64], mac[32] = { 0 };
	size_t msglen;
	uint32_t status = 0;
	int r;

	if (msbuf_put_u32(tail, 1 + 2 + 4 + 64) != 0 ||
	    msbuf_put_u8(tail, MS_MSG_SERVER_VERIFY) != 0 ||
	    msbuf_put_u16(tail, MS_SIG_ED25519) != 0 ||
	    msbuf_put_string(tail, g->server_sig, 64) != 0 ||
	    msbuf_put_u32(tail, 1 + 4 + 32) != 0 ||
	    msbuf_put_u8(tail, MS_MSG_SERVER_FINISHED) != 0 ||
	    msbuf_put_string(tail, mac, 32) != 0 ||
	    msbuf_put_u32(tail, 1 + 1 + 4 + 32) != 0 ||
	    msbuf_put_u8(tail, MS_MSG_CLIENT_IDENTITY) != 0 ||
	    msbuf_put_u8(tail, MS_ID_RAW_ED25519) != 0 ||
	    msbuf_put_string(tail, idpub, 32) != 0 || t == NULL)
		exit(2);
	add_run(t, g->ch);
	add_run(t, g->sh);
	add_run(t, tail);
	if (ms_transcript_hash(t, th) != 0 ||
	    ms_sig_message(MS_SIG_CONTEXT_CLIENT, th, msg, sizeof(msg),
	    &msglen) != 0 || ms_ed25519_sign(signer, msg, msglen, sig) != 0 ||
	    msbuf_put_u16(cv, MS_SIG_ED25519) != 0 ||
	    msbuf_put_string(cv, sig, 64) != 0 ||
	    msbuf_put_stringb(req, tail) != 0 || msbuf_put_stringb(req, cv) != 0 ||
	    msbuf_put_u8(req, 1) != 0)
		exit(2);
	if ((r = mon_call(MS_MON_AUTH, req, resp)) == 0)
		r = msbuf_get_u32(resp, &status);
	ms_transcript_free(t);
	msbuf_free(tail);
	msbuf_free(cv);
	msbuf_free(req);
	msbuf_free(resp);
	return r == 0 ? (int)status : r;
}

/*
 * RESUME with [SERVER_VERIFY, SERVER_FINISHED] and a RESUME_VERIFY over
 * their transcript, right when the secret is known, random otherwise.
 */
static int
do_resume(struct rogue *g)
{
	struct msbuf *tail = nb(), *rv = nb(), *req = nb(), *resp = nb();
	struct ms_transcript *t = ms_transcript_new();
	u_char th[32], mac[32] = { 0 }, vd[32];
	uint32_t status = 0;
	int r;

	if (msbuf_put_u32(tail, 1 + 2 + 4 + 64) != 0 ||
	    msbuf_put_u8(tail, MS_MSG_SERVER_VERIFY) != 0 ||
	    msbuf_put_u16(tail, MS_SIG_ED25519) != 0 ||
	    msbuf_put_string(tail, g->server_sig, 64) != 0 ||
	    msbuf_put_u32(tail, 1 + 4 + 32) != 0 ||
	    msbuf_put_u8(tail, MS_MSG_SERVER_FINISHED) != 0 ||
	    msbuf_put_string(tail, mac, 32) != 0 || t == NULL)
		exit(2);
	add_run(t, g->ch);
	add_run(t, g->sh);
	add_run(t, tail);
	ms_random_bytes(vd, sizeof(vd));
	if (ms_transcript_hash(t, th) != 0 ||
	    (g->have_res && ms_resume_verify_mac(g->res, th, vd) != 0) ||
	    msbuf_put_string(rv, vd, 32) != 0 ||
	    msbuf_put_stringb(req, tail) != 0 || msbuf_put_stringb(req, rv) != 0 ||
	    msbuf_put_u8(req, 1) != 0)
		exit(2);
	if ((r = mon_call(MS_MON_RESUME, req, resp)) == 0)
		r = msbuf_get_u32(resp, &status);
	ms_transcript_free(t);
	msbuf_free(tail);
	msbuf_free(rv);
	msbuf_free(req);
	msbuf_free(resp);
	return r == 0 ? (int)status : r;
}

/*
 * AUTH with the peer-credentials identity (id_type 3), and with claim set
 * a uid appended to it: the worker's word on who the peer is, which the
 * monitor must never take.  The monitor's status, or a negative error.
 */
static int
do_auth_peer(struct rogue *g, const char *claim)
{
	struct msbuf *tail = nb(), *cv = nb(), *req = nb(), *resp = nb();
	u_char mac[32] = { 0 };
	uint32_t status = 0;
	int r;

	if (msbuf_put_u32(tail, 1 + 2 + 4 + 64) != 0 ||
	    msbuf_put_u8(tail, MS_MSG_SERVER_VERIFY) != 0 ||
	    msbuf_put_u16(tail, MS_SIG_ED25519) != 0 ||
	    msbuf_put_string(tail, g->server_sig, 64) != 0 ||
	    msbuf_put_u32(tail, 1 + 4 + 32) != 0 ||
	    msbuf_put_u8(tail, MS_MSG_SERVER_FINISHED) != 0 ||
	    msbuf_put_string(tail, mac, 32) != 0 ||
	    msbuf_put_u32(tail, 1 + 1 + (claim != NULL ? 4 : 0)) != 0 ||
	    msbuf_put_u8(tail, MS_MSG_CLIENT_IDENTITY) != 0 ||
	    msbuf_put_u8(tail, MS_ID_PEER_CREDENTIALS) != 0 ||
	    (claim != NULL && msbuf_put_u32(tail,
	    (uint32_t)strtoul(claim, NULL, 10)) != 0) ||
	    msbuf_put_u16(cv, MS_SIG_NONE) != 0 ||
	    msbuf_put_string(cv, NULL, 0) != 0 ||
	    msbuf_put_stringb(req, tail) != 0 || msbuf_put_stringb(req, cv) != 0 ||
	    msbuf_put_u8(req, 1) != 0)
		exit(2);
	if ((r = mon_call(MS_MON_AUTH, req, resp)) == 0)
		r = msbuf_get_u32(resp, &status);
	msbuf_free(tail);
	msbuf_free(cv);
	msbuf_free(req);
	msbuf_free(resp);
	return r == 0 ? (int)status : r;
}

/* An exported ticket (a ResumptionCache file): its ticket and secret. */
static void
load_ticket(struct rogue *g, const char *path, int with_res)
{
	struct msbuf *b = nb();
	u_char buf[METASAFE_TICKET_EXPORT_MAX];
	const u_char *p;
	size_t n, len;
	FILE *f;

	if (path == NULL || (f = fopen(path, "rb")) == NULL) {
		say("fail load-ticket");
		exit(2);
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (msbuf_put(b, buf, n) != 0 || msbuf_consume(b, 13) != 0 ||
	    msbuf_get_string_direct(b, &p, &len, 1024) != 0 ||
	    msbuf_get_string_fixed(b, g->res, 32) != 0 ||
	    msbuf_get_string_direct(b, &p, &len, MS_TICKET_MAX) != 0) {
		say("fail parse-ticket");
		exit(2);
	}
	memcpy(g->ticket, p, len);
	g->ticket_len = len;
	g->have_res = with_res;
	msbuf_free(b);
}

/* A ticket of the right shape under a key_id nobody has. */
static void
forge_ticket(struct rogue *g)
{
	g->ticket_len = 200;
	ms_random_bytes(g->ticket, g->ticket_len);
	g->ticket[0] = 1;
	ms_random_bytes(g->res, sizeof(g->res));
	g->have_res = 1;
}

static int
kex_to_signed(struct rogue *g)
{
	u_char secret[32];
	int r;

	if ((r = do_hello(g)) != 0)
		return r;
	make_hellos(g, g->nonce);
	if ((r = hellos_call(g, MS_MON_DECAP, secret, 32)) != 0)
		return r;
	return hellos_call(g, MS_MON_SIGN, g->server_sig, 64);
}

/* A data request; returns the answer's status or a negative error. */
static int
data_get(const char *path, const char *record)
{
	struct msbuf *req = nb(), *resp = nb();
	uint32_t st = 0;
	int r;

	if ((r = msbuf_put_cstring(req, path)) == 0 &&
	    (r = msbuf_put_cstring(req, record)) == 0 &&
	    (r = mon_call(MS_MON_GET, req, resp)) == 0)
		r = msbuf_get_u32(resp, &st);
	msbuf_free(req);
	msbuf_free(resp);
	return r == 0 ? (int)st : r;
}

/*
 * A well-formed SET ("rec" = "rogue"), SETACL (mallory=r) or DELETE
 * ("rec") at path, followed by 'extra' bytes; the answer's status or a
 * negative error.
 */
static int
data_write(uint8_t type, const char *path, size_t extra)
{
	struct msbuf *req = nb(), *resp = nb();
	uint32_t st = 0;
	int r;

	if ((r = msbuf_put_cstring(req, path)) != 0)
		goto out;
	if (type == MS_MON_SET) {
		if ((r = msbuf_put_cstring(req, "rec")) != 0 ||
		    (r = msbuf_put_u8(req, 0)) != 0 ||
		    (r = msbuf_put_cstring(req, "rogue")) != 0)
			goto out;
	} else if (type == MS_MON_SETACL) {
		if ((r = msbuf_put_u8(req, MS_SETACL_UNCHANGED)) != 0 ||
		    (r = msbuf_put_u8(req, MS_SENSITIVE_UNCHANGED)) != 0 ||
		    (r = msbuf_put_u32(req, 1)) != 0 ||
		    (r = msbuf_put_cstring(req, "mallory")) != 0 ||
		    (r = msbuf_put_cstring(req, "r")) != 0)
			goto out;
	} else if ((r = msbuf_put_cstring(req, "rec")) != 0)
		goto out;
	while (extra-- > 0)
		if ((r = msbuf_put_u8(req, 0)) != 0)
			goto out;
	if ((r = mon_call(type, req, resp)) == 0)
		r = msbuf_get_u32(resp, &st);
 out:
	msbuf_free(req);
	msbuf_free(resp);
	return r == 0 ? (int)st : r;
}

static int
step(const char *name, int r)
{
	if (r == 0)
		say("ok %s", name);
	else
		say("fail %s (%s)", name, ms_err(r));
	return r;
}

static EVP_PKEY *
load_key(const char *path)
{
	EVP_PKEY *k = NULL;

	if (path == NULL || ms_key_load_private(path, NULL, &k) != 0) {
		say("fail load-key");
		exit(2);
	}
	return k;
}

/* Enter the real sandbox exactly as the worker does, from its CONFIG. */
static void
enter_worker_sandbox(struct msbuf *b)
{
	struct ms_sandbox_params p;
	struct ms_sandbox *sb;
	struct ms_config conf;

	memset(&conf, 0, sizeof(conf));
	msbuf_reset(b);
	if (msbuf_putb(b, config_payload) != 0 ||
	    w_config_parse(&conf, b) != 0)
		exit(2);
	w_log_channel_init(MS_WORKER_LOG_FD);
	memset(&p, 0, sizeof(p));
	p.chroot_dir = conf.chroot_dir;
	p.uid = conf.uid;
	p.gid = conf.gid;
	p.debug = conf.sandbox_debug;
	p.max_fds = 8;
	p.max_data = W_DATA_MAX;
	p.parent = getppid();
	p.report = w_sandbox_report;
	if ((sb = ms_sandbox_prepare(&p)) == NULL)
		exit(2);
	ms_sandbox_enter(sb);
}

/*
 * A forbidden syscall.  Under SandboxDebug the call is trapped and
 * reported through the log channel; otherwise SIGSYS kills us.
 */
static void
sandboxed_syscall(void)
{
	struct msbuf *b = nb();
	int fd;

	enter_worker_sandbox(b);
	say("try socket");
	fd = socket(AF_INET, SOCK_STREAM, 0);
	say("survived socket (%d, errno %d)", fd, errno);
	msbuf_free(b);
}

/*
 * Allocate without end inside the worker's sandbox: the memory bound
 * must refuse it, and the worker dies alone (exit 3 after the report).
 * Without a bound, stop at four times W_DATA_MAX rather than starve the
 * test host, and say so.
 */
static void
sandboxed_alloc(void)
{
	struct msbuf *b = nb();
	size_t total = 0, chunk = (size_t)1 << 20;
	char *p;

	enter_worker_sandbox(b);
	say("try alloc");
	while (total < 4 * W_DATA_MAX) {
		if ((p = malloc(chunk)) == NULL) {
			say("alloc refused after %zu MiB", total >> 20);
			exit(3);
		}
		memset(p, 'x', chunk);
		total += chunk;
	}
	say("survived alloc of %zu MiB", total >> 20);
	msbuf_free(b);
}

static void
scenario(const char *name, char *arg1, char *arg2)
{
	struct rogue g;
	struct msbuf *req = nb(), *resp = nb();
	u_char other[32], junk[64];
	EVP_PKEY *k, *k2;
	int r;

	memset(&g, 0, sizeof(g));
	if (strcmp(name, "sandboxed-syscall") == 0) {
		sandboxed_syscall();
		return;
	}
	if (strcmp(name, "sandboxed-alloc") == 0) {
		sandboxed_alloc();
		return;
	}
	if (strcmp(name, "sign-twice") == 0) {
		if (step("kex", kex_to_signed(&g)) != 0)
			return;
		say("try sign-again");
		step("sign-again", hellos_call(&g, MS_MON_SIGN, junk, 64));
	} else if (strcmp(name, "decap-twice") == 0) {
		if (step("hello", do_hello(&g)) != 0)
			return;
		make_hellos(&g, g.nonce);
		if (step("decap", hellos_call(&g, MS_MON_DECAP, junk, 32)) != 0)
			return;
		say("try decap-again");
		step("decap-again", hellos_call(&g, MS_MON_DECAP, junk, 32));
	} else if (strcmp(name, "decap-before-hello") == 0) {
		memset(g.kex_pub, 0, 32);
		ms_random_bytes(other, 32);
		make_hellos(&g, other);
		say("try decap");
		step("decap", hellos_call(&g, MS_MON_DECAP, junk, 32));
	} else if (strcmp(name, "sign-arbitrary") == 0) {
		if (step("hello", do_hello(&g)) != 0)
			return;
		make_hellos(&g, g.nonce);
		if (step("decap", hellos_call(&g, MS_MON_DECAP, junk, 32)) != 0)
			return;
		ms_random_bytes(junk, 64);
		msbuf_put_string(req, junk, 32);
		msbuf_put_string(req, junk + 32, 32);
		msbuf_put_string(req, NULL, 0);
		say("try sign");
		step("sign", mon_call(MS_MON_SIGN, req, resp));
	} else if (strcmp(name, "sign-without-nonce") == 0 ||
	    strcmp(name, "sign-foreign-nonce") == 0 ||
	    strcmp(name, "decap-foreign-nonce") == 0) {
		/* arg1: another worker's nonce (hex); default: random. */
		if (arg1 != NULL && strlen(arg1) == 64) {
			size_t i;

			for (i = 0; i < 32; i++)
				sscanf(arg1 + 2 * i, "%2hhx", &other[i]);
		} else
			ms_random_bytes(other, 32);
		if (step("hello", do_hello(&g)) != 0)
			return;
		if (strcmp(name, "decap-foreign-nonce") == 0) {
			make_hellos(&g, other);
			say("try decap");
			step("decap", hellos_call(&g, MS_MON_DECAP, junk, 32));
			return;
		}
		/* A legitimate DECAP, then SIGN over a transcript without
		 * this worker's nonce. */
		make_hellos(&g, g.nonce);
		if (step("decap", hellos_call(&g, MS_MON_DECAP, junk, 32)) != 0)
			return;
		msbuf_free(g.ch);
		msbuf_free(g.sh);
		EVP_PKEY_free(g.eph);
		make_hellos(&g, other);
		say("try sign");
		step("sign", hellos_call(&g, MS_MON_SIGN, junk, 64));
	} else if (strcmp(name, "print-nonce") == 0) {
		char hex[65];
		size_t i;

		if (step("hello", do_hello(&g)) != 0)
			return;
		for (i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", g.nonce[i]);
		say("nonce %s", hex);
		/* Hold the nonce until the test hangs up. */
		if (read(CLIENT, junk, 1) < 0)
		say("fail read");
	} else if (strncmp(name, "resume-", 7) == 0 ||
	    strcmp(name, "auth-with-ticket") == 0 ||
	    strcmp(name, "ticket-before-auth") == 0) {
		/*
		 * resume-own FILE: the ticket with its secret (the control);
		 * resume-altered FILE: with its secret, one ciphertext byte
		 * changed; resume-foreign FILE: someone else's ticket without
		 * the secret; resume-forged: no real ticket at all;
		 * resume-twice, resume-before-sign, resume-without-ticket,
		 * auth-with-ticket, ticket-before-auth: out of state.
		 */
		const char *how = name + 7;

		if (strcmp(how, "own") == 0 || strcmp(how, "altered") == 0)
			load_ticket(&g, arg1, 1);
		else if (strcmp(how, "foreign") == 0)
			load_ticket(&g, arg1, 0);
		else if (strcmp(how, "without-ticket") != 0)
			forge_ticket(&g);
		if (strcmp(how, "altered") == 0)
			g.ticket[40] ^= 0x01;
		if (strcmp(how, "before-sign") == 0) {
			if (step("hello", do_hello(&g)) != 0)
				goto done;
			make_hellos(&g, g.nonce);
			if (step("decap", hellos_call(&g, MS_MON_DECAP, junk,
			    32)) != 0)
				goto done;
			say("try resume");
			say("status resume %d", do_resume(&g));
			goto done;
		}
		if (step("kex", kex_to_signed(&g)) != 0)
			goto done;
		if (strcmp(name, "ticket-before-auth") == 0) {
			say("try ticket");
			step("ticket", mon_call(MS_MON_TICKET, req, resp));
			goto done;
		}
		if (strcmp(name, "auth-with-ticket") == 0) {
			k = load_key(arg1);
			ms_pkey_raw_public(k, other, 32);
			say("try auth");
			say("status auth %d", do_auth(&g, k, other));
			goto done;
		}
		say("try resume");
		say("status resume %d", do_resume(&g));
		if (strcmp(how, "twice") == 0) {
			say("try resume-again");
			say("status resume %d", do_resume(&g));
		}
		say("try get");
		say("status get %d", data_get("/", "x"));
	} else if (strcmp(name, "data-before-auth") == 0) {
		if (step("kex", kex_to_signed(&g)) != 0)
			return;
		say("try get");
		r = data_get("/", "x");
		say("status get %d", r);
	} else if (strcmp(name, "claim-principal") == 0) {
		/* arg1: our own key file; arg2: the victim's key file. */
		k = load_key(arg1);
		k2 = load_key(arg2);
		if (step("kex", kex_to_signed(&g)) != 0)
			return;
		ms_pkey_raw_public(k2, other, 32);
		r = do_auth(&g, k, other);
		say("status auth %d", r);
		say("try get");
		r = data_get("/", "x");
		say("status get %d", r);
	} else if (strcmp(name, "peer-auth") == 0) {
		/* arg1: a uid to claim for the peer, or none. */
		if (step("kex", kex_to_signed(&g)) != 0)
			return;
		r = do_auth_peer(&g, arg1);
		say("status auth %d", r);
		say("try get");
		r = data_get("/local/a", "x");
		say("status get %d", r);
	} else if (strcmp(name, "linger-refused") == 0) {
		/*
		 * Fail authentication on purpose, then hold the session slot
		 * instead of exiting (arg1, arg2 as for claim-principal).
		 */
		k = load_key(arg1);
		k2 = load_key(arg2);
		if (step("kex", kex_to_signed(&g)) != 0)
			return;
		ms_pkey_raw_public(k2, other, 32);
		r = do_auth(&g, k, other);
		say("status auth %d", r);
		sleep(10);
		say("still alive");
		sleep(50);
	} else if (strcmp(name, "read-outside-acl") == 0) {
		/* arg1: key file of a principal; arg2: path to read. */
		k = load_key(arg1);
		if (step("kex", kex_to_signed(&g)) != 0)
			return;
		ms_pkey_raw_public(k, other, 32);
		say("status auth %d", do_auth(&g, k, other));
		say("status get %d", data_get(arg2 ? arg2 : "/", "secret"));
	} else if (strncmp(name, "set-", 4) == 0 ||
	    strncmp(name, "setacl-", 7) == 0 ||
	    strncmp(name, "delete-", 7) == 0) {
		/*
		 * OP-trailing / OP-clean KEY PATH: log in as KEY's principal,
		 * then OP at PATH with one trailing byte, or well-formed.
		 */
		const char *op = strncmp(name, "set-", 4) == 0 ? "set" :
		    strncmp(name, "setacl-", 7) == 0 ? "setacl" : "delete";
		uint8_t type = strcmp(op, "set") == 0 ? MS_MON_SET :
		    strcmp(op, "setacl") == 0 ? MS_MON_SETACL : MS_MON_DELETE;
		const char *how = name + strlen(op) + 1;

		if (strcmp(how, "trailing") != 0 && strcmp(how, "clean") != 0) {
			say("fail unknown-scenario %s", name);
			goto done;
		}
		k = load_key(arg1);
		if (step("kex", kex_to_signed(&g)) != 0)
			goto done;
		ms_pkey_raw_public(k, other, 32);
		say("status auth %d", do_auth(&g, k, other));
		say("try %s", op);
		r = data_write(type, arg2 ? arg2 : "/", *how == 't' ? 1 : 0);
		say("status %s %d", op, r);
	} else if (strcmp(name, "oversize") == 0) {
		u_char hdr[5] = { 0xff, 0xff, 0xff, 0xff, MS_MON_HELLO };

		say("try oversize");
		(void)ms_write_all(MON, hdr, sizeof(hdr));
		(void)ms_frame_read(MON, hdr, resp, MS_FRAME_MAX, 10000);
		say("alive");
	} else if (strcmp(name, "garbage") == 0) {
		/*
		 * A length that makes the rest one whole frame, then noise for
		 * its type and body.  A random length (as once here) is below
		 * MS_FRAME_MAX one time in 16: the monitor then rightly waits
		 * for the rest of the frame, and the test flaked.
		 */
		ms_random_bytes(junk, sizeof(junk));
		junk[0] = junk[1] = junk[2] = 0;
		junk[3] = sizeof(junk) - 4;
		say("try garbage");
		(void)ms_write_all(MON, junk, sizeof(junk));
		(void)ms_frame_read(MON, junk, resp, MS_FRAME_MAX, 10000);
		say("alive");
	} else if (strcmp(name, "unknown-request") == 0) {
		say("try unknown");
		step("unknown", mon_call(0x7e, req, resp));
	} else if (strcmp(name, "abort-unread") == 0) {
		/*
		 * Crash with the monitor's answer unread, as a worker hit by
		 * a bug mid-request would: the monitor then sees a reset, and
		 * must still log the real cause of death.
		 */
		struct pollfd pfd = { MON, POLLIN, 0 };

		say("try abort");
		(void)ms_frame_write(MON, MS_MON_HELLO, req);
		/* Wait for the answer to be there, unread, then die. */
		(void)poll(&pfd, 1, 10000);
		abort();
	} else if (strcmp(name, "log-audit-line") == 0) {
		/* A worker log line made to look like a monitor audit line. */
		struct msbuf *lf = nb();

		if (msbuf_put_u8(lf, MS_LOG_INFO) != 0 ||
		    msbuf_put_cstring(lf, "audit: result=allowed "
		    "peer=10.9.7.7:1 op=get principal=admin path=/x") != 0 ||
		    ms_frame_write(MS_WORKER_LOG_FD, MS_LOG_FRAME, lf) != 0)
			say("fail log");
		else
			say("ok logged");
		msbuf_free(lf);
	} else if (strcmp(name, "stop-mid-request") == 0) {
		u_char half[3] = { 0, 0, 0 };

		(void)ms_write_all(MON, half, sizeof(half));
		say("ok half-sent");
		_exit(0);
	} else
		say("fail unknown-scenario %s", name);
 done:
	msbuf_free(req);
	msbuf_free(resp);
}

/*
 * Peek until the client's first bytes decide: a whole "ROGUE ..." line,
 * or anything that cannot start one.  A pooled rogue gets its socket the
 * moment the client connects, often before the line has arrived whole.
 */
static ssize_t
peek_first(char *buf, size_t len)
{
	struct pollfd pfd = { CLIENT, POLLIN, 0 };
	ssize_t n = 0;
	int i;

	for (i = 0; i < 1000; i++) {
		if (poll(&pfd, 1, 10000) != 1 ||
		    (n = recv(CLIENT, buf, len, MSG_PEEK)) <= 0)
			return n;
		if (memcmp(buf, "ROGUE ", (size_t)n < 6 ? (size_t)n : 6) != 0 ||
		    memchr(buf, '\n', (size_t)n) != NULL || (size_t)n == len)
			return n;
		usleep(10000);
	}
	return n;
}

int
main(int argc, char **argv, char **envp)
{
	char buf[1024], *line, *name, *a1, *a2, *nl;
	ssize_t n;

	setproctitle_init(argc, argv, envp);
	ms_log_init("rogue-worker", MS_LOG_QUIET, 0, -1);
	take_config();
	take_client();
	n = peek_first(buf, sizeof(buf) - 1);
	/* Titles as regress/test-exec.sh's worker_pids tells them apart. */
	if (n < 6 || memcmp(buf, "ROGUE ", 6) != 0) {
		setproctitle("-metasafed: rogue relay for %s", handoff_peer);
		become_real_worker();
	}
	setproctitle("-metasafed: worker %s (rogue)", handoff_peer);
	/* Consume exactly the scenario line. */
	buf[n] = '\0';
	if ((nl = strchr(buf, '\n')) == NULL)
		exit(2);
	if (recv(CLIENT, buf, (size_t)(nl - buf) + 1, 0) <= 0)
		exit(2);
	*nl = '\0';
	line = buf + 6;
	name = strsep(&line, " ");
	a1 = line ? strsep(&line, " ") : NULL;
	a2 = line ? strsep(&line, " ") : NULL;
	scenario(name, a1, a2);
	say("end");
	return 0;
}
