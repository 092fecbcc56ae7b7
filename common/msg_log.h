/*
 * msg_log.h — the worker's log frame (type MS_LOG_FRAME on fd 5,
 * PROTOCOL.md 11): u8 level || name line, the line at most
 * MS_LOG_LINE_MAX bytes.  The worker truncates a longer line (it is
 * already escaped, so cutting it cannot forge another); the monitor
 * refuses one.
 */
#ifndef MS_MSG_LOG_H
#define MS_MSG_LOG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "frame.h"
#include "mslimits.h"

/* The largest whole frame, header included. */
#define MS_LOG_FRAME_LEN	(MS_FRAME_HEADER_LEN + MS_LOG_MSG_MAX)

/*
 * Lay out a whole log frame (header included) in caller memory of size
 * bytes, line cut at MS_LOG_LINE_MAX; *framelenp gets its length.  No
 * allocation and no errno, so that a signal handler may use it.
 */
int	ms_log_frame_poke(u_char *frame, size_t size, uint8_t level,
	    const char *line, size_t len, size_t *framelenp);
/* Parse a whole frame payload; *linep is a new NUL-free string. */
int	ms_log_msg_parse(struct msbuf *b, uint8_t *levelp, char **linep);

#endif /* MS_MSG_LOG_H */
