/*
 * mon.h — the monitor's per-worker state and request dispatch (I2-I4, I6).
 *
 * Every frame a worker sends is handled by mon_dispatch(): the dispatch
 * table says in which worker states a request is permitted and whether it
 * may happen only once.  Anything else — unknown type, wrong state, repeat,
 * malformed or trailing bytes — returns an error, and the caller kills the
 * worker.  Handlers never trust a name, handle or hash the worker supplies:
 * they recompute transcript hashes and use the principal bound at AUTH.
 */
#ifndef MS_MON_H
#define MS_MON_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "buf.h"
#include "crypto.h"
#include "principals.h"
#include "proto.h"

struct servconf;
struct hostkeys;
struct ms_store;
struct ms_certs;

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
};

struct mon_worker {
	pid_t		 pid;
	char		 peer[64];		/* "ADDR:PORT", for logs */
	int		 state;
	uint32_t	 once_done;		/* bit per once-only request */
	u_char		 nonce[MS_RANDOM_LEN];
	struct msbuf	*client_hello;		/* frames seen at DECAP */
	struct msbuf	*server_hello;
	u_char		 th_sh[MS_SHA256_LEN];
	u_char		 server_sig[64];
	char		 principal[MS_PRINCIPAL_MAX + 1];
	char		*groups[PRINCIPAL_GROUPS_MAX];
	size_t		 ngroups;
	int		 cert_auth;		/* authenticated by certificate */
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

/* Handlers, by concern (mon_kex.c, mon_data.c). */
typedef int mon_handler_fn(const struct mon_ctx *, struct mon_worker *,
    struct msbuf *req, struct msbuf *resp);
mon_handler_fn	mon_hello, mon_decap, mon_sign, mon_auth;
mon_handler_fn	mon_open, mon_get, mon_set, mon_delete, mon_list,
		mon_getacl, mon_setacl, mon_status;

#endif /* MS_MON_H */
