/*
 * msg_log.c — the worker's log frame (PROTOCOL.md 11); see msg_log.h.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "errors.h"
#include "frame.h"
#include "msg_log.h"
#include "mslimits.h"
#include "proto.h"

int
ms_log_frame_poke(u_char *frame, size_t size, uint8_t level,
    const char *line, size_t len, size_t *framelenp)
{
	size_t plen;
	int r;

	*framelenp = 0;
	if (len > MS_LOG_LINE_MAX)
		len = MS_LOG_LINE_MAX;
	plen = 1 + 4 + len;
	/* u32 len (type and payload) || u8 type || u8 level || string line */
	if ((r = ms_poke_u32(frame, size, 0, (uint32_t)(1 + plen))) != 0 ||
	    (r = ms_poke_u8(frame, size, 4, MS_LOG_FRAME)) != 0 ||
	    (r = ms_poke_u8(frame, size, 5, level)) != 0 ||
	    (r = ms_poke_u32(frame, size, 6, (uint32_t)len)) != 0 ||
	    (r = ms_poke(frame, size, 10, line, len)) != 0)
		return r;
	*framelenp = MS_FRAME_HEADER_LEN + plen;
	return 0;
}

int
ms_log_msg_parse(struct msbuf *b, uint8_t *levelp, char **linep)
{
	int r;

	*linep = NULL;
	if ((r = msbuf_get_u8(b, levelp)) != 0 ||
	    (r = msbuf_get_cstring(b, linep, NULL, MS_LOG_LINE_MAX)) != 0)
		return r;
	if (msbuf_len(b) != 0) {
		free(*linep);
		*linep = NULL;
		return MS_ERR_INVALID_FORMAT;
	}
	return 0;
}
