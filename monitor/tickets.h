/*
 * tickets.h — resumption tickets (PROTOCOL.md 4.5, 5.5): the ticket keys,
 * sealing and opening, and the memory of used tickets.  Monitor only: no
 * ticket key ever reaches a worker, and a worker cannot read, forge or
 * alter a ticket (SECURITY.md I4, "Session resumption").
 *
 * Keys are random, made at start-up and every TicketKeyRotation seconds;
 * the newest seals, every key still inside its last ticket's lifetime
 * opens.  A restart makes new keys, so every earlier ticket dies.  A
 * ticket opens once: its id is remembered until it expires, in a bounded
 * table; a full table refuses resumption (a full handshake still works).
 */
#ifndef MS_TICKETS_H
#define MS_TICKETS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "buf.h"
#include "crypto.h"
#include "mslimits.h"
#include "msg_ticket.h"

#define MS_TICKET_FORMAT	1
#define MS_TICKET_KEYS_MAX	16	/* keys kept at once */

struct ms_tickets;

int	ms_tickets_new(uint32_t lifetime, uint32_t rotation, time_t now,
	    struct ms_tickets **tp);
void	ms_tickets_free(struct ms_tickets *t);
uint32_t ms_tickets_lifetime(const struct ms_tickets *t);

/* Seal claims (id and issued are filled in here) into out. */
int	ms_tickets_seal(struct ms_tickets *t, time_t now,
	    struct ms_ticket_claims *c, struct msbuf *out);

/*
 * Open a ticket: 0 with *c filled (identity a view into plain, which
 * must hold MS_TICKET_MAX bytes), or MS_ERR_MAC_INVALID (refused) with *whyp.  Not yet
 * marked used: ms_tickets_spend does that.
 */
int	ms_tickets_open(struct ms_tickets *t, time_t now, const u_char *ticket,
	    size_t len, u_char *plain, struct ms_ticket_claims *c,
	    const char **whyp);

/* Mark a ticket used: MS_ERR_LIMIT when it already was (or no room). */
int	ms_tickets_spend(struct ms_tickets *t, time_t now,
	    const struct ms_ticket_claims *c, const char **whyp);

/*
 * Fixed inputs for PROTOCOL.md 12.6: seal with this key, id and nonce
 * (tests only).
 */
int	ms_tickets_seal_fixed(const u_char key_id[MS_TICKET_KEY_ID_LEN],
	    const u_char key[MS_AEAD_KEY_LEN],
	    const u_char nonce[MS_TICKET_NONCE_LEN],
	    const struct ms_ticket_claims *c, struct msbuf *out);

#endif /* MS_TICKETS_H */
