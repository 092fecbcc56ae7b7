/*
 * msg_alert.h — ALERT (PROTOCOL.md 7): [u16 version] || u32 status ||
 * string message.  The version is present only in the cleartext ALERT
 * frame (0x15), not in an ALERT inside a record.  One codec for the
 * worker and the monitor, which send alerts, and for the client and the
 * worker, which read them.
 */
#ifndef MS_MSG_ALERT_H
#define MS_MSG_ALERT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "mslimits.h"

struct ms_alert {
	uint16_t	version;	/* MS_PROTO_VERSION inside a record */
	uint32_t	status;
	/*
	 * The message as received, NUL-terminated for convenience; it may
	 * hold any byte (NUL included, msglen counts them all), so whoever
	 * shows it to a person sanitises it first.
	 */
	size_t		msglen;
	char		msg[MS_ALERT_MSG_MAX + 1];
};

/*
 * Append an ALERT body; cleartext: with the leading version.  A message
 * longer than MS_ALERT_MSG_MAX is cut there: it is a hint for a person,
 * never a secret, and an alert must go out even when the hint is long.
 */
int	ms_alert_put(struct msbuf *b, int cleartext, uint32_t status,
	    const char *msg);
/* Parse a whole ALERT body (nothing may follow the message). */
int	ms_alert_parse(struct msbuf *b, int cleartext, struct ms_alert *a);

#endif /* MS_MSG_ALERT_H */
