/*
 * msg_ticket.c — NEW_TICKET and the monitor's TICKET answer (PROTOCOL.md
 * 4.4, 11).  Structure only: whether a ticket opens is the monitor's.
 */
#include <sys/types.h>

#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "errors.h"
#include "msg_ticket.h"

static int
ticket_put(struct msbuf *b, uint32_t lifetime, const u_char *ticket,
    size_t len, size_t min)
{
	int r;

	if (len < min || len > MS_TICKET_MAX)
		return MS_ERR_INVALID_ARGUMENT;
	if ((r = msbuf_put_u32(b, lifetime)) != 0 ||
	    (r = msbuf_put_string(b, ticket, len)) != 0)
		return r;
	return 0;
}

static int
ticket_parse(struct msbuf *b, struct ms_new_ticket *t, size_t min)
{
	int r;

	memset(t, 0, sizeof(*t));
	if ((r = msbuf_get_u32(b, &t->lifetime)) != 0 ||
	    (r = msbuf_get_string_direct(b, &t->ticket, &t->ticket_len,
	    MS_TICKET_MAX)) != 0 ||
	    (r = msbuf_expect_end(b)) != 0)
		goto fail;
	if (t->ticket_len < min) {
		r = MS_ERR_INVALID_FORMAT;
		goto fail;
	}
	return 0;
 fail:
	memset(t, 0, sizeof(*t));
	return r == MS_ERR_STRING_TOO_LARGE ? MS_ERR_INVALID_FORMAT : r;
}

int
ms_new_ticket_put(struct msbuf *b, uint32_t lifetime, const u_char *ticket,
    size_t len)
{
	return ticket_put(b, lifetime, ticket, len, 1);
}

int
ms_new_ticket_parse(struct msbuf *b, struct ms_new_ticket *t)
{
	return ticket_parse(b, t, 1);
}

int
ms_mon_ticket_answer_put(struct msbuf *b, uint32_t lifetime,
    const u_char *ticket, size_t len)
{
	return ticket_put(b, lifetime, ticket, len, 0);
}

int
ms_mon_ticket_answer_parse(struct msbuf *b, struct ms_new_ticket *t)
{
	return ticket_parse(b, t, 0);
}
