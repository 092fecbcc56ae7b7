/*
 * msg_ticket.h — the resumption messages (PROTOCOL.md 4.4, 11), encoded
 * and parsed once for the client, the worker and the monitor:
 *
 *   NEW_TICKET      u32 lifetime (seconds) || string ticket (1..8192)
 *   TICKET answer   the same two fields; an empty ticket: none issued
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

#endif /* MS_MSG_TICKET_H */
