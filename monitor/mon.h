/*
 * mon.h — the monitor's per-worker state and request dispatch (I2-I4, I6).
 *
 * Every frame a worker sends is handled by mon_dispatch(), which follows
 * one row of the dispatch table (mon_dispatch.c): the worker states in
 * which the request is permitted, whether it may happen only once, the
 * parser, the handler and the state that follows.  The parser reads the
 * request completely, trailing bytes included, into a typed struct before
 * anything acts; the handler acts on that struct only and returns a
 * verdict; only the dispatcher writes the worker's state.  Anything else —
 * unknown type, wrong state, repeat, malformed or trailing bytes, a kill
 * verdict — returns an error, and the caller kills the worker.  Handlers
 * never trust a name, handle or hash the worker supplies: they recompute
 * transcript hashes and use the principal bound at AUTH.
 */
#ifndef MS_MON_H
#define MS_MON_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "buf.h"
#include "crypto.h"
#include "hello.h"
#include "msg_mon.h"
#include "principals.h"
#include "proto.h"

#include <openssl/x509.h>

struct servconf;
struct hostkeys;
struct ms_store;
struct ms_certs;
struct store_writer;
struct store_wop;
struct store_jobs;
struct store_job;
struct mon_job;
struct ms_store_usage;
struct mon_write;
struct ms_tickets;

/* Worker states (bit values so a table entry can permit several). */
#define MW_START	0x01	/* nothing asked yet */
#define MW_HELLO	0x02	/* nonce issued */
#define MW_DECAPPED	0x04
#define MW_SIGNED	0x08
#define MW_AUTHED	0x10	/* principal bound */
#define MW_REFUSED	0x20	/* authentication failed: nothing more allowed */

/* What the handlers may use: shared by all workers, owned by the daemon. */
struct mon_ctx {
	const struct servconf	*conf;
	const struct hostkeys	*keys;
	const struct principals	*principals;
	struct ms_store		*store;
	struct ms_certs		*certs;		/* NULL: no certificate logins */
	/* NULL: writes are committed inline, in the calling thread. */
	struct store_writer	*writer;
	struct ms_tickets	*tickets;	/* NULL: Resumption no */
	/*
	 * Set when the store may block (etcd): data requests run in these
	 * store threads (mon_async.c), each bounded by store_timeout_ms.
	 */
	struct store_jobs	*jobs;
	int			 store_timeout_ms;
};

/*
 * What the handshake established for one worker: the handlers' own record.
 * A handler gets this writable and the worker only read-only, so that no
 * handler can move the worker's state.
 */
struct mon_session {
	u_char		 nonce[MS_RANDOM_LEN];
	struct msbuf	*client_hello;		/* frames seen at DECAP */
	struct msbuf	*server_hello;
	u_char		 th_sh[MS_SHA256_LEN];
	u_char		 server_sig[64];
	char		 principal[MS_PRINCIPAL_MAX + 1];
	char		*groups[PRINCIPAL_GROUPS_MAX];
	size_t		 ngroups;
	int		 cert_auth;		/* authenticated by certificate */
	/*
	 * A write handed to the store writer: the handler left the answer
	 * empty, and the loop sends it with mon_write_answer() when the
	 * write's group is on disk.  Nothing more is read from the worker
	 * until then.
	 */
	struct mon_write *deferred;
	/*
	 * Set by a write that lost an optimistic commit inside a request
	 * (etcd): nothing was answered or audited, and the store thread
	 * runs the whole request again, from its authorisation.
	 */
	int		 rerun;
	/* Resumption (PROTOCOL.md 4.5): what a ticket for this login holds. */
	u_char		 res[MS_SHA256_LEN];	/* from ss_s at DECAP */
	uint16_t	 cipher;		/* chosen in SERVER_HELLO */
	int		 ticket_wanted;		/* the hello has the fields */
	int		 resuming;		/* ... with a ticket */
	struct msbuf	*identity;		/* CLIENT_IDENTITY body */
	uint64_t	 not_after;		/* the leaf's, when cert_auth */
};

/*
 * The kernel's word on a unix: peer (SO_PEERCRED), taken by the monitor
 * on the accepted socket before a worker exists: a snapshot of the
 * process that called connect(), whoever holds the socket later.  The
 * only input to a peer-credentials login (I4); TCP peers have none.
 */
struct mon_peercred {
	int			 set;
	uint32_t		 uid, gid;
	int32_t			 pid;
};

struct mon_worker {
	pid_t			 pid;
	char			 peer[64];	/* "ADDR:PORT", for logs */
	struct mon_peercred	 cred;		/* set by the listener only */
	int			 state;		/* MW_*: mon_dispatch() only */
	uint32_t		 once_done;	/* bit per once-only row: ditto */
	/*
	 * A data request a store thread is serving (mon_async.c): nothing
	 * more is read from the worker until its answer is out.
	 */
	struct mon_job		*job;
	struct mon_session	 sess;
};

void	mon_worker_init(struct mon_worker *w, pid_t pid, const char *peer);
void	mon_worker_clear(struct mon_worker *w);

/*
 * Handle one request.  On 0, 'resp' holds the answer payload (frame type =
 * request type).  On error the request was refused; the reason is logged
 * with the worker's pid and peer, and the caller must kill the worker.
 */
int	mon_dispatch(const struct mon_ctx *ctx, struct mon_worker *w,
	    uint8_t type, struct msbuf *req, struct msbuf *resp);

/*
 * Parsed requests (PROTOCOL.md 11), laid out in common/msg_mon.h.  Byte
 * fields point into the request buffer, which outlives the handler;
 * strings and values are owned and freed by the row's free function.  A
 * parser checks structure only — lengths, caps, flag ranges, nothing left
 * over — so a malformed request is refused before anything acts on it.
 * Names, rights and values are the client's: the handler checks them and
 * answers INVALID_ARGUMENT.
 */
union mon_req {
	struct ms_mon_hellos	hellos;		/* DECAP, SIGN */
	struct ms_mon_auth	auth;
	struct ms_mon_data	data;		/* OPEN .. SETACL */
};

/* 0, or MS_ERR_*: the request is malformed and the worker is killed. */
typedef int mon_parser_fn(struct msbuf *req, union mon_req *out);
/* Frees what a parser allocated; NULL in a row: nothing to free. */
typedef void mon_req_free_fn(union mon_req *r);

/* mon_dispatch.c: common/msg_mon.c's parsers, one per request. */
mon_parser_fn	mon_parse_empty, mon_parse_decap, mon_parse_sign,
		mon_parse_auth, mon_parse_resume;
mon_parser_fn	mon_parse_open, mon_parse_get, mon_parse_set,
		mon_parse_delete, mon_parse_list, mon_parse_path,
		mon_parse_setacl;
mon_req_free_fn	mon_req_data_free;

/*
 * A handler's verdict on the worker.  MON_OK and MON_DENIED: 'resp' holds
 * the answer, whatever its status, and the dispatcher moves the worker to
 * the row's next state (MON_DENIED, a failed login: to the row's denied
 * state).  MON_KILL: no answer; the worker broke the protocol (or the
 * monitor failed: err) and is killed for 'why'.
 */
enum mon_verdict_kind { MON_OK, MON_DENIED, MON_KILL };

struct mon_verdict {
	enum mon_verdict_kind	 kind;
	int			 err;	/* MON_KILL: the MS_ERR_* behind it */
	const char		*why;	/* MON_KILL: static text for the log */
};

#define MON_VERDICT(k)		((struct mon_verdict){ (k), 0, NULL })
#define MON_KILLED(e, w)	((struct mon_verdict){ MON_KILL, (e), (w) })

/* MON_OK when r is 0; else the monitor itself failed (no memory ...). */
struct mon_verdict mon_ok_unless(int r, const char *why);

/* Handlers, by concern (mon_kex.c, mon_data.c). */
typedef struct mon_verdict mon_handler_fn(const struct mon_ctx *,
    const struct mon_worker *, struct mon_session *, const union mon_req *,
    struct msbuf *resp);
mon_handler_fn	mon_hello, mon_decap, mon_sign, mon_auth;
mon_handler_fn	mon_resume, mon_ticket;		/* mon_resume.c */

/* Shared by AUTH and RESUME (mon_kex.c). */
int	mon_check_server_part(const struct mon_ctx *ctx,
	    const struct mon_session *s, struct msbuf *tail,
	    u_char th[MS_SHA256_LEN], const char **why);
int	mon_bind_principal(struct mon_session *s, const char *name,
	    const struct principal *p);
uint64_t mon_leaf_not_after(STACK_OF(X509) *chain);
/* A refused login's answer: AUTH_FAILED with no principal. */
struct mon_verdict mon_auth_refused(struct msbuf *resp);
mon_handler_fn	mon_open, mon_get, mon_set, mon_delete, mon_list,
		mon_getacl, mon_setacl, mon_status;

/*
 * Requests served by a store thread (mon_async.c).  A row is what the
 * dispatcher knows of the request; mon_async_start() takes over *pr (and
 * sets w->job) or, when no thread can take it, answers at once into resp
 * as a store past its deadline would (*vp is that verdict, w->job stays
 * NULL).  mon_dispatch_verdict() applies a verdict as mon_dispatch() does:
 * 0, or the worker must be killed.  mon_job_of() is the request a done
 * store job without a done function served; mon_job_finish() applies its verdict to the owner, if any, and puts the
 * answer into resp.
 */
struct mon_async_row {
	uint8_t			 type;
	const char		*name;
	mon_handler_fn		*handle;
	mon_req_free_fn		*free;
	int			 next;
};
int	mon_async_start(const struct mon_ctx *ctx, struct mon_worker *w,
	    const struct mon_async_row *row, union mon_req *pr,
	    struct msbuf *resp, struct mon_verdict *vp);
int	mon_dispatch_verdict(struct mon_worker *w,
	    const struct mon_async_row *row, struct mon_verdict v);
struct mon_job *mon_job_of(struct store_job *sj);
struct mon_worker *mon_job_owner(const struct mon_job *j);
void	mon_job_disown(struct mon_job *j);
uint8_t	mon_job_type(const struct mon_job *j);
int	mon_job_finish(struct mon_job *j, struct msbuf *resp);
void	mon_job_free(struct mon_job *j);
/* STATUS with ctx->jobs: the last usage measured, never waiting. */
int	mon_async_usage(const struct mon_ctx *ctx, struct ms_store_usage *u);

/*
 * Deferred writes (mon_data.c).  mon_write_of() is the write a done
 * store_wop belongs to; mon_write_answer() logs what the store said,
 * writes the audit lines and puts the answer into resp (0 or MS_ERR_*);
 * mon_write_type() is the answer's frame type.  The write carries copies
 * of all it needs, so it may outlive its worker (owner NULL: audit only).
 */
struct ms_store_op;
/*
 * Hand an authorised write to the store: the verdict is the handler's.
 * With a writer, s->deferred is set and resp stays empty.
 */
struct mon_verdict mon_write_start(const struct mon_ctx *ctx,
	    const struct mon_worker *w, struct mon_session *s, uint8_t type,
	    const char *opname, const struct ms_store_op *op,
	    struct msbuf *resp);
/*
 * 1 while a queued SETACL or node DELETE has not committed: the loop then
 * dispatches no data request, so that none is judged under an ACL that is
 * about to change.
 */
int	mon_write_acl_pending(void);
/* A store status (enum ms_store_status) as a protocol status. */
uint32_t mon_store_status(int st);
struct mon_write *mon_write_of(struct store_wop *op);
const struct mon_worker *mon_write_owner(const struct mon_write *mw);
void	mon_write_disown(struct mon_write *mw);
int	mon_write_answer(struct mon_write *mw, struct msbuf *resp);
uint8_t	mon_write_type(const struct mon_write *mw);
void	mon_write_free(struct mon_write *mw);

#endif /* MS_MON_H */
