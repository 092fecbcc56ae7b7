/*
 * msg_ticket.h — the resumption messages (PROTOCOL.md 4.5, 11), encoded
 * and parsed once for the client, the worker and the monitor:
 *
 *   NEW_TICKET      u32 lifetime (seconds) || string ticket (1..8192)
 *   TICKET answer   the same two fields; an empty ticket: none issued
 *   ticket claims   what a ticket seals (4.5), for monitor/tickets.c
 *   exported ticket what libmetasafe's metasafe_ticket_export writes:
 *                   "MSTK" || u8 1 || u64 expires || string server ||
 *                   string res (32) || string ticket
 *
 * RESUME_VERIFY has SERVER_FINISHED's layout (string mac, 32 bytes):
 * msg_auth.h's ms_finished_put/parse.  The ticket is opaque to everyone
 * but the monitor (monitor/tickets.c opens it).
 */
#ifndef MS_MSG_TICKET_H
#define MS_MSG_TICKET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "crypto.h"
#include "mslimits.h"

struct ms_new_ticket {
	uint32_t	 lifetime;
	const u_char	*ticket;		/* a view into the parsed buffer */
	size_t		 ticket_len;
};

/* NEW_TICKET: a ticket of 1..MS_TICKET_MAX bytes, nothing after it. */
int	ms_new_ticket_put(struct msbuf *b, uint32_t lifetime,
	    const u_char *ticket, size_t len);
int	ms_new_ticket_parse(struct msbuf *b, struct ms_new_ticket *t);

/* The monitor's TICKET answer: as NEW_TICKET, but the ticket may be empty. */
int	ms_mon_ticket_answer_put(struct msbuf *b, uint32_t lifetime,
	    const u_char *ticket, size_t len);
int	ms_mon_ticket_answer_parse(struct msbuf *b, struct ms_new_ticket *t);

/* What a ticket says (its sealed fields, 4.5). */
struct ms_ticket_claims {
	u_char		 id[MS_TICKET_ID_LEN];
	uint64_t	 issued;		/* UNIX seconds */
	uint32_t	 lifetime;		/* seconds */
	uint16_t	 cipher;		/* the suite it was issued under */
	u_char		 res[MS_SHA256_LEN];	/* the resumption secret */
	char		 principal[MS_PRINCIPAL_MAX + 1];
	uint8_t		 id_type;		/* MS_ID_*: how it logged in */
	uint64_t	 not_after;		/* id_type 2: the leaf's, else 0 */
	const u_char	*identity;		/* CLIENT_IDENTITY body, a view */
	size_t		 identity_len;
};

/* The claims, as sealed; get leaves identity a view into b. */
int	ms_ticket_claims_put(struct msbuf *b, const struct ms_ticket_claims *c);
int	ms_ticket_claims_get(struct msbuf *b, struct ms_ticket_claims *c);

/* An exported ticket, as the client library keeps it. */
#define MS_TICKET_SERVER_MAX	599
struct ms_ticket_export {
	uint64_t	 expires;		/* UNIX seconds */
	char		 server[MS_TICKET_SERVER_MAX + 1];
	u_char		 res[MS_SHA256_LEN];
	const u_char	*ticket;		/* a view */
	size_t		 ticket_len;
};
int	ms_ticket_export_put(struct msbuf *b, const struct ms_ticket_export *e);
int	ms_ticket_export_parse(struct msbuf *b, struct ms_ticket_export *e);

#endif /* MS_MSG_TICKET_H */
