/*
 * msg_alert.c — ALERT codec (PROTOCOL.md 7); see msg_alert.h.
 */
#include <sys/types.h>

#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "errors.h"
#include "msg_alert.h"
#include "mslimits.h"
#include "proto.h"

int
ms_alert_put(struct msbuf *b, int cleartext, uint32_t status,
    const char *msg)
{
	int r;

	if (msg == NULL)
		msg = "";
	if ((cleartext && (r = msbuf_put_u16(b, MS_PROTO_VERSION)) != 0) ||
	    (r = msbuf_put_u32(b, status)) != 0 ||
	    (r = msbuf_put_string(b, msg, strnlen(msg, MS_ALERT_MSG_MAX))) != 0)
		return r;
	return 0;
}

int
ms_alert_parse(struct msbuf *b, int cleartext, struct ms_alert *a)
{
	const u_char *msg;
	size_t len;
	int r;

	memset(a, 0, sizeof(*a));
	a->version = MS_PROTO_VERSION;
	if ((cleartext && (r = msbuf_get_u16(b, &a->version)) != 0) ||
	    (r = msbuf_get_u32(b, &a->status)) != 0 ||
	    (r = msbuf_get_string_direct(b, &msg, &len,
	    MS_ALERT_MSG_MAX)) != 0)
		goto fail;
	if (msbuf_len(b) != 0) {
		r = MS_ERR_INVALID_FORMAT;
		goto fail;
	}
	memcpy(a->msg, msg, len);
	a->msg[len] = '\0';
	a->msglen = len;
	return 0;
 fail:
	memset(a, 0, sizeof(*a));
	return r;
}
