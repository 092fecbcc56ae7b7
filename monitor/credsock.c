/*
 * credsock.c — systemd credentials from the monitor (credsock.h).
 */
#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acl.h"
#include "audit.h"
#include "buf.h"
#include "credaddr.h"
#include "credmap.h"
#include "credsock.h"
#include "errors.h"
#include "log.h"
#include "mon.h"
#include "names.h"
#include "servconf.h"
#include "store.h"
#include "store_jobs.h"
#include "strictmodes.h"
#include "timeio.h"

/* What audit lines name as the peer: the kernel gives no address. */
#define CREDSOCK_PEER	"credential-socket"

/* One request, as far as it got. */
struct credreq {
	struct ucred			 cred;
	int				 have_cred;
	struct ms_credaddr		 addr;
	int				 have_addr;
	/*
	 * The CredentialsFile line's target, copied: a SIGHUP may replace
	 * the mappings while a delivery or a store thread still needs it.
	 */
	int				 mapped;
	char				 path[MS_PATH_MAX + 1];
	char				 record[MS_RECORD_NAME_MAX + 1];
	char				 principal[MS_ACL_UNIT_PREFIX_LEN +
					    MS_CRED_UNIT_MAX + 1];
};

/* A request whose store part a store thread does (ctx->jobs). */
struct credjob {
	struct store_job	 sj;		/* first */
	const struct mon_ctx	*ctx;
	int			 fd;
	struct credreq		 req;
	struct ms_record	 rec;
	const char		*why;		/* NULL: deliver rec */
};

struct delivery {
	int		 fd;
	struct msbuf	*out;
	int64_t		 deadline;
	struct credreq	 req;
};

static int lfd = -1, epfd = -1;
static char *sock_path;
static struct credmap map;
static struct delivery *pending[CREDSOCK_PENDING_MAX];
static size_t npending;
static size_t ninflight;	/* credjobs in the store threads */

static void
audit_req(const char *result, const struct credreq *q, const char *reason,
    size_t bytes)
{
	struct audit_line a;
	char uid[32], pid[32], nbytes[32];

	snprintf(uid, sizeof(uid), "%ld", (long)q->cred.uid);
	snprintf(pid, sizeof(pid), "%ld", (long)q->cred.pid);
	snprintf(nbytes, sizeof(nbytes), "%zu", bytes);
	audit_begin_peer(&a, result, CREDSOCK_PEER, "credential");
	audit_add(&a, "unit", q->have_addr ? q->addr.unit : "-");
	audit_add(&a, "credential", q->have_addr ? q->addr.id : "-");
	audit_add(&a, "uid", q->have_cred ? uid : "-");
	audit_add(&a, "pid", q->have_cred ? pid : "-");
	if (q->mapped) {
		audit_add(&a, "path", q->path);
		audit_add(&a, "record", q->record);
	}
	audit_add(&a, reason != NULL ? "reason" : "bytes",
	    reason != NULL ? reason : nbytes);
	audit_end(&a);
}

/* Who and what: the kernel's uid, the peer's address. */
static void
identify(int fd, const struct sockaddr_un *sun, socklen_t sunlen,
    struct credreq *q)
{
	socklen_t len = sizeof(q->cred);

	memset(q, 0, sizeof(*q));
	q->have_cred = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &q->cred,
	    &len) == 0 && len == sizeof(q->cred);
	if (sunlen > offsetof(struct sockaddr_un, sun_path))
		q->have_addr = ms_credaddr_parse(sun->sun_path, sunlen -
		    offsetof(struct sockaddr_un, sun_path), &q->addr) == 0;
}

/* The read rights principal "unit:UNIT" needs for this record. */
static const char *
check_rights(const struct mon_ctx *ctx, const struct credreq *q,
    const struct ms_record *rec, uint8_t rights)
{
	int sensitive = 1;

	if (ms_acl_sensitive(ms_store_acl_walk, ctx->store, q->path,
	    &sensitive) == MS_ERR_STORE_UNAVAILABLE)
		return ms_store_strerror(MS_STORE_UNAVAILABLE);
	if (sensitive)
		return "sensitive subtree: certificate login required";
	if (!(rights & ((rec->flags & MS_REC_SECURE) ? MS_RIGHT_SECURE :
	    MS_RIGHT_READ)))
		return (rec->flags & MS_REC_SECURE) ?
		    "SECURE record needs s" : "record needs r";
	return NULL;
}

/* The checks that need no store: NULL, or why the request is refused. */
static const char *
decide_peer(struct credreq *q)
{
	const struct credmap_entry *m;

	if (!q->have_cred)
		return "no peer credentials";
	if (q->cred.uid != 0)
		return "peer is not root";
	if (!q->have_addr)
		return "peer address is not a systemd credential request";
	if ((m = credmap_lookup(&map, q->addr.unit, q->addr.id)) == NULL)
		return "no CredentialsFile line for this unit and credential";
	if (strlcpy(q->path, m->path, sizeof(q->path)) >= sizeof(q->path) ||
	    strlcpy(q->record, m->record, sizeof(q->record)) >=
	    sizeof(q->record))
		return "CredentialsFile target too long";
	q->mapped = 1;
	snprintf(q->principal, sizeof(q->principal), "%s%s",
	    MS_ACL_UNIT_PREFIX, q->addr.unit);
	if (ms_unit_principal_valid(q->principal) != 0)
		return "unit name too long for a principal";
	return NULL;
}

/*
 * The store's part: NULL when the request may have the value (then in
 * *rec), else why not.  The record is read last.
 */
static const char *
decide_store(const struct mon_ctx *ctx, struct credreq *q,
    struct ms_record *rec)
{
	uint8_t rights = 0;
	const char *why;
	int r, st;

	if ((r = ms_acl_effective(ms_store_acl_walk, ctx->store, q->path,
	    q->principal, NULL, 0, (const char *const *)ctx->conf->admins,
	    ctx->conf->nadmins, &rights)) == MS_ERR_STORE_UNAVAILABLE)
		return ms_store_strerror(MS_STORE_UNAVAILABLE);
	if (r != 0 || (rights & (MS_RIGHT_READ | MS_RIGHT_SECURE)) == 0)
		return "ACL grants neither r nor s";
	if ((st = ms_store_get(ctx->store, q->path, q->record,
	    rec)) != MS_STORE_OK)
		return ms_store_strerror(st);
	if ((why = check_rights(ctx, q, rec, rights)) != NULL) {
		ms_record_clear(rec);
		return why;
	}
	return NULL;
}

static void
delivery_free(struct delivery *d)
{
	if (d->fd != -1)
		close(d->fd);
	msbuf_free(d->out);
	free(d);
}

/* 1: all written, 0: the reader is behind, -1: it is gone. */
static int
write_some(struct delivery *d)
{
	ssize_t n;
	int r = 1;

	while (msbuf_len(d->out) > 0) {
		n = send(d->fd, msbuf_ptr(d->out), msbuf_len(d->out),
		    MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			r = 0;
			break;
		}
		if (n <= 0) {
			r = -1;
			break;
		}
		msbuf_consume(d->out, (size_t)n);
	}
	/* The value is a secret: wipe what the kernel has taken. */
	msbuf_wipe_consumed(d->out);
	return r;
}

static int
queue(struct delivery *d)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLOUT;
	ev.data.ptr = d;
	if (npending >= CREDSOCK_PENDING_MAX ||
	    epoll_ctl(epfd, EPOLL_CTL_ADD, d->fd, &ev) == -1)
		return -1;
	d->deadline = ms_now_ms() + CREDSOCK_WRITE_TIMEOUT_MS;
	pending[npending++] = d;
	return 0;
}

/* The value leaves now, or as the reader takes it. */
static void
start_delivery(int fd, const struct credreq *q, struct ms_record *rec)
{
	struct delivery *d;
	int r;

	if ((d = calloc(1, sizeof(*d))) == NULL ||
	    (d->out = msbuf_from(rec->value, rec->value_len)) == NULL) {
		ms_record_clear(rec);
		free(d);
		audit_req("internal-error", q, "out of memory", 0);
		close(fd);
		return;
	}
	d->fd = fd;
	d->req = *q;
	ms_record_clear(rec);
	audit_req("allowed", q, NULL, msbuf_len(d->out));
	if ((r = write_some(d)) == 1) {
		verbose("credential %s for %s delivered", q->addr.id,
		    q->addr.unit);
		delivery_free(d);
	} else if (r == -1 || queue(d) != 0) {
		audit_req("aborted", q, r == -1 ? "reader closed the "
		    "connection" : "cannot wait for the reader", 0);
		delivery_free(d);
	}
}

static void
credjob_run(struct store_job *sj)
{
	struct credjob *j = (struct credjob *)sj;

	j->why = decide_store(j->ctx, &j->req, &j->rec);
}

static void
refuse(int fd, const struct credreq *q, const char *why)
{
	audit_req("denied", q, why, 0);
	close(fd);
}

/* Back in the loop: deliver, or say why not. */
static void
credjob_done(struct store_job *sj)
{
	struct credjob *j = (struct credjob *)sj;

	ninflight--;
	if (j->why != NULL)
		refuse(j->fd, &j->req, j->why);
	else
		start_delivery(j->fd, &j->req, &j->rec);
	ms_record_clear(&j->rec);
	freezero(j, sizeof(*j));
}

/* The store part in a store thread: the loop never waits on etcd. */
static void
decide_later(const struct mon_ctx *ctx, int fd, const struct credreq *q)
{
	struct credjob *j;

	if ((j = calloc(1, sizeof(*j))) == NULL) {
		refuse(fd, q, "out of memory");
		return;
	}
	j->sj.run = credjob_run;
	j->sj.done = credjob_done;
	j->sj.deadline = ms_now_ms() + ctx->store_timeout_ms;
	j->ctx = ctx;
	j->fd = fd;
	j->req = *q;
	if (store_jobs_submit(ctx->jobs, &j->sj) != 0) {
		free(j);
		refuse(fd, q, "store threads busy");
		return;
	}
	ninflight++;
}

static void
accept_one(const struct mon_ctx *ctx)
{
	struct sockaddr_un sun;
	socklen_t sunlen = sizeof(sun);
	struct ms_record rec = { 0 };
	struct credreq q;
	const char *why;
	int fd;

	memset(&sun, 0, sizeof(sun));
	if ((fd = accept4(lfd, (struct sockaddr *)&sun, &sunlen,
	    SOCK_CLOEXEC | SOCK_NONBLOCK)) == -1) {
		if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
			error("credential socket: accept: %s", strerror(errno));
		return;
	}
	identify(fd, &sun, sunlen, &q);
	if (npending + ninflight >= CREDSOCK_PENDING_MAX)
		why = "too many deliveries in progress";
	else
		why = decide_peer(&q);
	if (why == NULL && ctx->jobs != NULL) {
		decide_later(ctx, fd, &q);
		return;
	}
	if (why == NULL)
		why = decide_store(ctx, &q, &rec);
	if (why != NULL) {
		refuse(fd, &q, why);
		return;
	}
	start_delivery(fd, &q, &rec);
}

static void
drop(size_t i, const char *result, const char *why)
{
	struct delivery *d = pending[i];

	if (why != NULL)
		audit_req(result, &d->req, why, msbuf_len(d->out));
	else
		verbose("credential %s for %s delivered", d->req.addr.id,
		    d->req.addr.unit);
	delivery_free(d);
	pending[i] = pending[--npending];
}

static void
flush(struct delivery *d)
{
	size_t i;
	int r;

	for (i = 0; i < npending && pending[i] != d; i++)
		;
	if (i == npending)
		return;
	if ((r = write_some(d)) != 0)
		drop(i, "aborted", r == 1 ? NULL : "reader closed the "
		    "connection");
}

static void
expire(void)
{
	int64_t now = ms_now_ms();
	size_t i = 0;

	while (i < npending) {
		if (now >= pending[i]->deadline)
			drop(i, "aborted", "reader did not take the value in "
			    "time");
		else
			i++;
	}
}

void
credsock_service(const struct mon_ctx *ctx)
{
	struct epoll_event ev[CREDSOCK_PENDING_MAX + 1];
	int i, n, k;

	if (epfd == -1)
		return;
	if ((n = epoll_wait(epfd, ev, (int)(sizeof(ev) / sizeof(ev[0])),
	    0)) == -1 && errno != EINTR)
		error("credential socket: epoll_wait: %s", strerror(errno));
	for (i = 0; i < n; i++) {
		if (ev[i].data.ptr != NULL) {
			flush(ev[i].data.ptr);
			continue;
		}
		for (k = 0; k < CREDSOCK_ACCEPT_BATCH && lfd != -1; k++)
			accept_one(ctx);
	}
	expire();
}

int
credsock_fd(void)
{
	return epfd;
}

/* A socket file left behind is replaced only if nothing answers on it. */
static int
remove_stale(const struct sockaddr_un *sun, char *err, size_t errlen)
{
	const char *why = NULL;
	struct stat sb;
	int fd, r;

	if (lstat(sun->sun_path, &sb) == -1) {
		if (errno == ENOENT)
			return 0;
		why = strerror(errno);
	} else if (!S_ISSOCK(sb.st_mode))
		why = "exists and is not a socket";
	else if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		why = strerror(errno);
	else {
		r = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
		close(fd);
		if (r == 0)
			why = "another process is listening on it";
		else if (errno != ECONNREFUSED)
			why = strerror(errno);
		else if (unlink(sun->sun_path) == -1)
			why = strerror(errno);
	}
	if (why == NULL)
		return 0;
	snprintf(err, errlen, "CredentialSocket %s: %s", sun->sun_path, why);
	return -1;
}

static int
bind_socket(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	mode_t old;
	int r;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path)) {
		snprintf(err, errlen, "CredentialSocket %s: too long", path);
		return MS_ERR_INVALID_ARGUMENT;
	}
	if (remove_stale(&sun, err, errlen) != 0)
		return MS_ERR_SYSTEM;
	if ((lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0)) == -1) {
		snprintf(err, errlen, "CredentialSocket %s: socket: %s", path,
		    strerror(errno));
		return MS_ERR_SYSTEM;
	}
	/* Created 0600: no moment at a looser mode. */
	old = umask(0177);
	r = bind(lfd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (r == -1 || listen(lfd, 64) == -1) {
		snprintf(err, errlen, "CredentialSocket %s: cannot listen: %s",
		    path, strerror(errno));
		close(lfd);
		lfd = -1;
		return MS_ERR_SYSTEM;
	}
	return 0;
}

int
credsock_listen(const struct servconf *conf, char *err, size_t errlen)
{
	struct epoll_event ev;
	int r;

	if (conf->credential_socket == NULL)
		return 0;
	if ((r = credmap_load(conf->credentials_file, &map, err,
	    errlen)) != 0)
		return r;
	if ((r = bind_socket(conf->credential_socket, err, errlen)) != 0)
		return r;
	if ((sock_path = strdup(conf->credential_socket)) == NULL)
		return MS_ERR_ALLOC;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = NULL;
	if ((epfd = epoll_create1(EPOLL_CLOEXEC)) == -1 ||
	    epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &ev) == -1) {
		snprintf(err, errlen, "CredentialSocket %s: epoll: %s",
		    conf->credential_socket, strerror(errno));
		return MS_ERR_SYSTEM;
	}
	logit("credential socket %s: %zu mapping(s) from %s",
	    conf->credential_socket, map.n, conf->credentials_file);
	return 0;
}

void
credsock_reload(const struct servconf *conf)
{
	struct credmap fresh;
	char err[512];

	if (lfd == -1 || conf->credentials_file == NULL)
		return;
	logit("SIGHUP: reloading %s", conf->credentials_file);
	if ((conf->strict_modes && strictmodes_check("CredentialsFile",
	    conf->credentials_file, SM_TRUSTED, err, sizeof(err)) != 0) ||
	    credmap_load(conf->credentials_file, &fresh, err,
	    sizeof(err)) != 0) {
		error("reload failed, keeping the old credential mappings: %s",
		    err);
		return;
	}
	credmap_free(&map);
	map = fresh;
	logit("loaded %zu credential mapping(s) from %s", map.n,
	    conf->credentials_file);
}

void
credsock_close(void)
{
	while (npending > 0)
		drop(npending - 1, "aborted", "daemon stopping");
	if (lfd != -1) {
		close(lfd);
		lfd = -1;
		if (sock_path != NULL && unlink(sock_path) == -1 &&
		    errno != ENOENT)
			error("cannot remove %s: %s", sock_path,
			    strerror(errno));
	}
	if (epfd != -1)
		close(epfd);
	epfd = -1;
	free(sock_path);
	sock_path = NULL;
	credmap_free(&map);
}
