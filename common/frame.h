/*
 * frame.h — message framing over a file descriptor.
 *
 * A frame is   u32 length || u8 type || payload[length - 1]
 * with 1 <= length <= max (the caller's cap, itself <= MS_FRAME_MAX).
 * The same framing carries the network protocol and the monitor<->worker
 * messages.  Partial reads and writes and EINTR are handled; EOF before a
 * complete frame is MS_ERR_CONN_CLOSED (or MS_ERR_MESSAGE_INCOMPLETE when it
 * happens inside a frame).
 */
#ifndef MS_FRAME_H
#define MS_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "mslimits.h"	/* MS_FRAME_MAX: 1 MiB value + 32 KiB of headers */

#define MS_FRAME_HEADER_LEN	5

/*
 * Blocking read of one frame.  timeout_ms < 0 waits forever; otherwise the
 * whole frame must arrive within timeout_ms (MS_ERR_TIMEOUT).  The payload
 * is appended to 'payload' after a reset.  A length above max_len fails with
 * MS_ERR_FRAME_TOO_LARGE before anything is allocated or read past the header.
 */
int	ms_frame_read(int fd, uint8_t *typep, struct msbuf *payload,
	    size_t max_len, int timeout_ms);

/* Blocking write of one frame (type + payload's unread bytes). */
int	ms_frame_write(int fd, uint8_t type, const struct msbuf *payload);

/* Encode a frame into buffer 'out' (header + payload), no I/O. */
int	ms_frame_encode(struct msbuf *out, uint8_t type, const struct msbuf *payload);

/*
 * Non-blocking use (the monitor's event loop): 'in' accumulates bytes read
 * from the fd.  If it holds a complete frame, consume it, set *typep and fill
 * 'payload', and return 0.  If not yet complete, return
 * MS_ERR_MESSAGE_INCOMPLETE and consume nothing.  A bad length fails with
 * MS_ERR_FRAME_TOO_LARGE / MS_ERR_INVALID_FORMAT.
 */
int	ms_frame_parse(struct msbuf *in, uint8_t *typep, struct msbuf *payload,
	    size_t max_len);

/* Read whatever is available (one read(2)) into 'in'; 0 = EOF -> CONN_CLOSED. */
int	ms_frame_fill(int fd, struct msbuf *in);

/* ms_write_all_deadline (timeio.h) without a deadline, as frames are written. */
int	ms_write_all(int fd, const void *p, size_t len);

#endif /* MS_FRAME_H */
