/*
 * mon_dispatch.c — the dispatch table: which worker request is permitted in
 * which state, and which only once (I6).
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "log.h"
#include "mon.h"

#define DATA_STATES	MW_AUTHED

static const struct mon_dispatch_ent {
	uint8_t		 type;
	const char	*name;
	int		 states;	/* MW_* permitted */
	int		 once;
	mon_handler_fn	*fn;
} dispatch_table[] = {
	{ MS_MON_HELLO,	 "hello",  MW_START,	1, mon_hello },
	{ MS_MON_DECAP,	 "decap",  MW_HELLO,	1, mon_decap },
	{ MS_MON_SIGN,	 "sign",   MW_DECAPPED,	1, mon_sign },
	{ MS_MON_AUTH,	 "auth",   MW_SIGNED,	1, mon_auth },
	{ MS_MON_OPEN,	 "open",   DATA_STATES,	0, mon_open },
	{ MS_MON_GET,	 "get",	   DATA_STATES,	0, mon_get },
	{ MS_MON_SET,	 "set",	   DATA_STATES,	0, mon_set },
	{ MS_MON_DELETE, "delete", DATA_STATES,	0, mon_delete },
	{ MS_MON_LIST,	 "list",   DATA_STATES,	0, mon_list },
	{ MS_MON_GETACL, "getacl", DATA_STATES,	0, mon_getacl },
	{ MS_MON_SETACL, "setacl", DATA_STATES,	0, mon_setacl },
	{ MS_MON_STATUS, "status", DATA_STATES,	0, mon_status },
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

	msbuf_free(w->client_hello);
	msbuf_free(w->server_hello);
	for (i = 0; i < w->ngroups; i++)
		free(w->groups[i]);
	explicit_bzero(w, sizeof(*w));
}

int
mon_dispatch(const struct mon_ctx *ctx, struct mon_worker *w, uint8_t type,
    struct msbuf *req, struct msbuf *resp)
{
	const struct mon_dispatch_ent *ent = NULL;
	size_t i;
	int r;

	for (i = 0; i < DISPATCH_N; i++) {
		if (dispatch_table[i].type == type) {
			ent = &dispatch_table[i];
			break;
		}
	}
	if (ent == NULL) {
		error_f("worker %ld (%s): unknown request type 0x%02x",
		    (long)w->pid, w->peer, type);
		return MS_ERR_PROTOCOL;
	}
	if (ent->once && (w->once_done & (1u << i)) != 0) {
		error_f("worker %ld (%s): request %s repeated",
		    (long)w->pid, w->peer, ent->name);
		return MS_ERR_PROTOCOL;
	}
	if ((ent->states & w->state) == 0) {
		error_f("worker %ld (%s): request %s not permitted in state "
		    "0x%02x", (long)w->pid, w->peer, ent->name, w->state);
		return MS_ERR_PROTOCOL;
	}
	w->once_done |= ent->once ? (1u << i) : 0;
	msbuf_reset(resp);
	if ((r = ent->fn(ctx, w, req, resp)) != 0) {
		error_fr(r, "worker %ld (%s): request %s refused",
		    (long)w->pid, w->peer, ent->name);
		return r;
	}
	if (msbuf_len(req) != 0) {
		error_f("worker %ld (%s): request %s has %zu trailing bytes",
		    (long)w->pid, w->peer, ent->name, msbuf_len(req));
		return MS_ERR_INVALID_FORMAT;
	}
	debug3_f("worker %ld: %s ok", (long)w->pid, ent->name);
	return 0;
}
