/*
 * mon_dispatch.c — the dispatch table: the worker's life cycle (I6).
 *
 * Each row says in which states a request is permitted, whether it may
 * happen only once, how it is parsed, who handles it and which state
 * follows.  The order is fixed here: state and once-only checks, then the
 * complete parse (nothing may be left over), and only then the handler,
 * which acts on the parsed request and returns a verdict.  The handlers
 * cannot write the worker's state (they see it read-only); this file
 * applies the row's next state, and keeps the once-only bits.
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "log.h"
#include "mon.h"
#include "msg_mon.h"

#define DATA_STATES	MW_AUTHED

static const struct mon_dispatch_ent {
	uint8_t		 type;
	const char	*name;
	int		 states;	/* MW_* permitted */
	int		 once;
	mon_parser_fn	*parse;
	mon_req_free_fn	*free;		/* NULL: the parse allocates nothing */
	mon_handler_fn	*handle;
	int		 next;		/* state after MON_OK */
	int		 denied;	/* state after MON_DENIED; 0: not allowed */
	int		 store;		/* a store thread's, when ctx->jobs */
} dispatch_table[] = {
	{ MS_MON_HELLO,	 "hello",  MW_START,	1, mon_parse_empty, NULL,
	    mon_hello,	MW_HELLO, 0, 0 },
	{ MS_MON_DECAP,	 "decap",  MW_HELLO,	1, mon_parse_decap, NULL,
	    mon_decap,	MW_DECAPPED, 0, 0 },
	{ MS_MON_SIGN,	 "sign",   MW_DECAPPED,	1, mon_parse_sign, NULL,
	    mon_sign,	MW_SIGNED, 0, 0 },
	{ MS_MON_AUTH,	 "auth",   MW_SIGNED,	1, mon_parse_auth, NULL,
	    mon_auth,	MW_AUTHED, MW_REFUSED, 0 },
	/* In place of AUTH, for a hello with a ticket (mon_resume.c). */
	{ MS_MON_RESUME, "resume", MW_SIGNED,	1, mon_parse_resume, NULL,
	    mon_resume,	MW_AUTHED, MW_REFUSED, 0 },
	{ MS_MON_TICKET, "ticket", MW_AUTHED,	1, mon_parse_empty, NULL,
	    mon_ticket,	MW_AUTHED, 0, 0 },
	{ MS_MON_OPEN,	 "open",   DATA_STATES,	0, mon_parse_open,
	    mon_req_data_free, mon_open, MW_AUTHED, 0, 1 },
	{ MS_MON_GET,	 "get",	   DATA_STATES,	0, mon_parse_get,
	    mon_req_data_free, mon_get, MW_AUTHED, 0, 1 },
	{ MS_MON_SET,	 "set",	   DATA_STATES,	0, mon_parse_set,
	    mon_req_data_free, mon_set, MW_AUTHED, 0, 1 },
	{ MS_MON_DELETE, "delete", DATA_STATES,	0, mon_parse_delete,
	    mon_req_data_free, mon_delete, MW_AUTHED, 0, 1 },
	{ MS_MON_LIST,	 "list",   DATA_STATES,	0, mon_parse_list,
	    mon_req_data_free, mon_list, MW_AUTHED, 0, 1 },
	{ MS_MON_GETACL, "getacl", DATA_STATES,	0, mon_parse_path,
	    mon_req_data_free, mon_getacl, MW_AUTHED, 0, 1 },
	{ MS_MON_SETACL, "setacl", DATA_STATES,	0, mon_parse_setacl,
	    mon_req_data_free, mon_setacl, MW_AUTHED, 0, 1 },
	{ MS_MON_STATUS, "status", DATA_STATES,	0, mon_parse_empty, NULL,
	    mon_status,	MW_AUTHED, 0, 0 },
};
#define DISPATCH_N (sizeof(dispatch_table) / sizeof(dispatch_table[0]))

void
mon_worker_init(struct mon_worker *w, pid_t pid, const char *peer)
{
	memset(w, 0, sizeof(*w));
	w->pid = pid;
	w->state = MW_START;
	strlcpy(w->peer, peer, sizeof(w->peer));
}

void
mon_worker_clear(struct mon_worker *w)
{
	size_t i;

	msbuf_free(w->sess.client_hello);
	msbuf_free(w->sess.server_hello);
	msbuf_free(w->sess.identity);
	for (i = 0; i < w->sess.ngroups; i++)
		free(w->sess.groups[i]);
	explicit_bzero(w, sizeof(*w));
}

struct mon_verdict
mon_ok_unless(int r, const char *why)
{
	return r == 0 ? MON_VERDICT(MON_OK) : MON_KILLED(r, why);
}

int
mon_parse_empty(struct msbuf *req, union mon_req *out)
{
	return 0;		/* the dispatcher refuses any byte at all */
}

/*
 * The request layouts are common/msg_mon.c's (the worker encodes them
 * there); these adapt its parsers to the table's union.  Each leaves what
 * follows its fields for parse_all() below to refuse.
 */
#define MON_PARSER(name, parse, member)					\
int									\
name(struct msbuf *req, union mon_req *out)				\
{									\
	return parse(req, &out->member);				\
}

MON_PARSER(mon_parse_decap, ms_mon_decap_parse, hellos)
MON_PARSER(mon_parse_sign, ms_mon_sign_parse, hellos)
MON_PARSER(mon_parse_auth, ms_mon_auth_parse, auth)
MON_PARSER(mon_parse_resume, ms_mon_auth_parse, auth)
MON_PARSER(mon_parse_open, ms_mon_open_parse, data)
MON_PARSER(mon_parse_get, ms_mon_get_parse, data)
MON_PARSER(mon_parse_set, ms_mon_set_parse, data)
MON_PARSER(mon_parse_delete, ms_mon_delete_parse, data)
MON_PARSER(mon_parse_list, ms_mon_list_parse, data)
MON_PARSER(mon_parse_path, ms_mon_getacl_parse, data)
MON_PARSER(mon_parse_setacl, ms_mon_setacl_parse, data)

void
mon_req_data_free(union mon_req *r)
{
	ms_mon_data_clear(&r->data);
}

static const struct mon_dispatch_ent *
find_ent(uint8_t type, size_t *idxp)
{
	size_t i;

	for (i = 0; i < DISPATCH_N; i++) {
		if (dispatch_table[i].type == type) {
			*idxp = i;
			return &dispatch_table[i];
		}
	}
	return NULL;
}

/* State and once-only: may this request be looked at at all? */
static int
permitted(const struct mon_worker *w, const struct mon_dispatch_ent *ent,
    size_t i)
{
	if (ent->once && (w->once_done & (1u << i)) != 0) {
		error_f("worker %ld (%s): request %s repeated",
		    (long)w->pid, w->peer, ent->name);
		return 0;
	}
	if ((ent->states & w->state) == 0) {
		error_f("worker %ld (%s): request %s not permitted in state "
		    "0x%02x", (long)w->pid, w->peer, ent->name, w->state);
		return 0;
	}
	return 1;
}

/* The whole request, or nothing: a malformed request is never acted on. */
static int
parse_all(const struct mon_worker *w, const struct mon_dispatch_ent *ent,
    struct msbuf *req, union mon_req *pr)
{
	int r;

	if ((r = ent->parse(req, pr)) != 0) {
		error_fr(r, "worker %ld (%s): request %s refused: malformed",
		    (long)w->pid, w->peer, ent->name);
		return r;
	}
	if (msbuf_len(req) != 0) {
		error_f("worker %ld (%s): request %s has %zu trailing bytes",
		    (long)w->pid, w->peer, ent->name, msbuf_len(req));
		return MS_ERR_INVALID_FORMAT;
	}
	return 0;
}

/* The verdict on a request: the row's next state, or kill (non-zero). */
static int
verdict(struct mon_worker *w, const char *name, int next, int denied,
    struct mon_verdict v)
{
	int r;

	if (v.kind == MON_KILL || (v.kind == MON_DENIED && denied == 0)) {
		r = v.err != 0 ? v.err : MS_ERR_PROTOCOL;
		error_fr(r, "worker %ld (%s): request %s refused: %s",
		    (long)w->pid, w->peer, name,
		    v.why != NULL ? v.why : "denied");
		return r;
	}
	w->state = v.kind == MON_OK ? next : denied;
	debug3_f("worker %ld: %s ok, state 0x%02x", (long)w->pid, name,
	    w->state);
	return 0;
}

int
mon_dispatch_verdict(struct mon_worker *w, const struct mon_async_row *row,
    struct mon_verdict v)
{
	return verdict(w, row->name, row->next, 0, v);
}

int
mon_dispatch(const struct mon_ctx *ctx, struct mon_worker *w, uint8_t type,
    struct msbuf *req, struct msbuf *resp)
{
	const struct mon_dispatch_ent *ent;
	struct mon_async_row row;
	union mon_req pr;
	struct mon_verdict v;
	size_t i = 0;
	int r;

	if ((ent = find_ent(type, &i)) == NULL) {
		error_f("worker %ld (%s): unknown request type 0x%02x",
		    (long)w->pid, w->peer, type);
		return MS_ERR_PROTOCOL;
	}
	if (!permitted(w, ent, i))
		return MS_ERR_PROTOCOL;
	/* A once-only request is used up by any attempt, good or bad. */
	w->once_done |= ent->once ? (1u << i) : 0;
	memset(&pr, 0, sizeof(pr));
	msbuf_reset(resp);
	if ((r = parse_all(w, ent, req, &pr)) != 0)
		goto out;
	if (ent->store && ctx->jobs != NULL) {
		row = (struct mon_async_row){ ent->type, ent->name, ent->handle,
		    ent->free, ent->next };
		if ((r = mon_async_start(ctx, w, &row, &pr, resp, &v)) != 0 ||
		    w->job != NULL)
			goto out;	/* answered when the thread is done */
	} else
		v = ent->handle(ctx, w, &w->sess, &pr, resp);
	if ((r = verdict(w, ent->name, ent->next, ent->denied, v)) != 0)
		msbuf_reset(resp);
 out:
	if (ent->free != NULL)
		ent->free(&pr);
	explicit_bzero(&pr, sizeof(pr));
	return r;
}
