/*
 * store_tx.c — transactions over the store's backend (store_kv.h), the
 * calling thread's deadline, the rule by which a write that lost an
 * optimistic commit runs again, and what the backend is.
 */

#include <sys/types.h>

#include <stdint.h>

#include "log.h"
#include "store.h"
#include "store_int.h"
#include "store_kv.h"
#include "timeio.h"

/*
 * Without a deadline a write still gives up after this many conflicts in
 * a row: each one means another host committed, so the store is making
 * progress, but not this write.  With one, the request runs again
 * (store_retry), and its deadline is the bound.
 */
#define RETRY_MAX	64

static __thread int64_t deadline_ms;
static __thread uint64_t request_gen;	/* bumped by each new deadline */

void
ms_store_set_deadline(int64_t ms)
{
	deadline_ms = ms > 0 ? ms : 0;
	if (deadline_ms != 0)
		request_gen++;
}

uint64_t
store_request(void)
{
	return deadline_ms != 0 ? request_gen : 0;
}

int64_t
store_deadline(void)
{
	return deadline_ms;
}

/*
 * No backoff: a conflict is resolved by reading again, and the rereading
 * transaction sees the write that won.
 */
int
store_retry(int st, unsigned int attempt)
{
	if (st != STORE_CONFLICT || deadline_ms != 0)
		return 0;
	return attempt + 1 < RETRY_MAX;
}

int
store_final(int st)
{
	if (st != STORE_CONFLICT || deadline_ms != 0)
		return st;
	store_error("store: the write kept conflicting with other writers; "
	    "nothing was changed");
	return MS_STORE_UNAVAILABLE;
}

int
store_txn_begin(struct ms_store *s, int write, struct store_tx **txp)
{
	*txp = NULL;
	if (write && s->rdonly) {
		store_error("store: write to a store opened read-only");
		return MS_STORE_ERROR;
	}
	return s->be->begin(s, write, txp);
}

int
store_txn_finish(struct ms_store *s, struct store_tx *tx, int st)
{
	if (tx == NULL)
		return st;
	return s->be->end(s, tx, st);
}

const char *
ms_store_backend_name(const struct ms_store *s)
{
	return s != NULL && s->be != NULL ? s->be->name : "none";
}

int
ms_store_blocking(const struct ms_store *s)
{
	return s != NULL && s->blocking;
}
