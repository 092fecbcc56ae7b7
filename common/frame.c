/*
 * frame.c — u32 length || u8 type || payload framing over a descriptor.
 *
 * Callers ignore SIGPIPE, so a write to a closed peer shows up here as
 * EPIPE and becomes MS_ERR_CONN_CLOSED.
 */
#include <sys/types.h>
#include <sys/uio.h>

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "errors.h"
#include "frame.h"
#include "timeio.h"

#define FRAME_FILL_CHUNK	(64u * 1024)
/*
 * Reads take the room a buffer already has, but at least this: so a
 * channel that only ever carries small frames stays small, and a large
 * frame still arrives in few reads as the buffer doubles.
 */
#define FRAME_FILL_MIN		(4u * 1024)

/* u32 length || u8 type into hdr, which has len bytes of room. */
static int
put_header(u_char *hdr, size_t len, size_t plen, uint8_t type)
{
	int r;

	if ((r = ms_poke_u32(hdr, len, 0, (uint32_t)(plen + 1))) != 0 ||
	    (r = ms_poke_u8(hdr, len, 4, type)) != 0)
		return r;
	return 0;
}

static size_t
clamp_max(size_t max_len)
{
	return max_len > MS_FRAME_MAX ? MS_FRAME_MAX : max_len;
}

/*
 * Read exactly len bytes.  *gotp counts what arrived, so the caller can
 * tell EOF at a frame boundary from EOF inside one.
 */
static int
read_all(int fd, u_char *p, size_t len, int64_t deadline, size_t *gotp)
{
	ssize_t n;
	int r;

	while (*gotp < len) {
		if ((r = ms_poll_deadline(fd, POLLIN, deadline)) != 0)
			return r;
		n = read(fd, p + *gotp, len - *gotp);
		if (n == -1) {
			if (errno == EINTR || errno == EAGAIN ||
			    errno == EWOULDBLOCK)
				continue;
			return MS_ERR_SYSTEM;
		}
		if (n == 0)
			return MS_ERR_CONN_CLOSED;
		*gotp += (size_t)n;
	}
	return 0;
}

static int
check_len(uint32_t len, size_t max_len)
{
	if (len == 0)
		return MS_ERR_INVALID_FORMAT;
	if (len > clamp_max(max_len))
		return MS_ERR_FRAME_TOO_LARGE;
	return 0;
}

int
ms_frame_read(int fd, uint8_t *typep, struct msbuf *payload,
    size_t max_len, int timeout_ms)
{
	u_char hdr[MS_FRAME_HEADER_LEN], *body;
	int64_t deadline;
	size_t got = 0, body_got = 0;
	uint32_t len;
	uint8_t type;
	int r;

	if (fd < 0 || payload == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if (typep != NULL)
		*typep = 0;
	msbuf_reset(payload);
	deadline = ms_deadline_after(timeout_ms);
	/* The length alone first: a bad one is refused without waiting. */
	if ((r = read_all(fd, hdr, 4, deadline, &got)) != 0) {
		if (r == MS_ERR_CONN_CLOSED && got > 0)
			r = MS_ERR_MESSAGE_INCOMPLETE;
		goto out;
	}
	if ((r = ms_peek_u32(hdr, sizeof(hdr), 0, &len)) != 0 ||
	    (r = check_len(len, max_len)) != 0)
		goto out;
	/* Then the type byte: got is 4 now, so read_all adds the fifth. */
	if ((r = read_all(fd, hdr, sizeof(hdr), deadline, &got)) != 0) {
		if (r == MS_ERR_CONN_CLOSED)
			r = MS_ERR_MESSAGE_INCOMPLETE;
		goto out;
	}
	/* A frame the caller's buffer cannot hold is as bad as one over max. */
	if (len - 1 > msbuf_avail(payload)) {
		r = MS_ERR_FRAME_TOO_LARGE;
		goto out;
	}
	if ((r = msbuf_reserve(payload, len - 1, &body)) != 0)
		goto out;
	if ((r = read_all(fd, body, len - 1, deadline, &body_got)) != 0) {
		if (r == MS_ERR_CONN_CLOSED)
			r = MS_ERR_MESSAGE_INCOMPLETE;
		goto out;
	}
	if ((r = ms_peek_u8(hdr, sizeof(hdr), 4, &type)) != 0)
		goto out;
	if (typep != NULL)
		*typep = type;
 out:
	if (r != 0)
		msbuf_reset(payload);
	return r;
}

/* The frame layer's writes have no deadline: the peer's reads have one. */
int
ms_write_all(int fd, const void *p, size_t len)
{
	return ms_write_all_deadline(fd, p, len, -1);
}

int
ms_frame_write(int fd, uint8_t type, const struct msbuf *payload)
{
	u_char hdr[MS_FRAME_HEADER_LEN];
	struct iovec iov[2];
	size_t plen = msbuf_len(payload);
	int r;

	if (fd < 0)
		return MS_ERR_INVALID_ARGUMENT;
	if (plen > MS_FRAME_MAX - 1)
		return MS_ERR_FRAME_TOO_LARGE;
	if ((r = put_header(hdr, sizeof(hdr), plen, type)) != 0)
		return r;
	/* One writev, so a small frame is one segment on a TCP socket. */
	iov[0].iov_base = hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = (void *)(uintptr_t)msbuf_ptr(payload);
	iov[1].iov_len = plen;
	return ms_writev_all_deadline(fd, iov, plen > 0 ? 2 : 1, -1);
}

int
ms_frame_encode(struct msbuf *out, uint8_t type, const struct msbuf *payload)
{
	size_t plen = msbuf_len(payload), flen;
	u_char *p;
	int r;

	if (out == NULL || out == payload)
		return MS_ERR_INVALID_ARGUMENT;
	if (plen > MS_FRAME_MAX - 1)
		return MS_ERR_FRAME_TOO_LARGE;
	flen = MS_FRAME_HEADER_LEN + plen;
	if ((r = msbuf_reserve(out, flen, &p)) != 0)
		return r;
	if ((r = put_header(p, flen, plen, type)) != 0 ||
	    (plen > 0 && (r = ms_poke(p, flen, MS_FRAME_HEADER_LEN,
	    msbuf_ptr(payload), plen)) != 0)) {
		(void)msbuf_consume_end(out, flen);
		return r;
	}
	return 0;
}

int
ms_frame_parse(struct msbuf *in, uint8_t *typep, struct msbuf *payload,
    size_t max_len)
{
	u_char *body;
	uint32_t len;
	uint8_t type;
	int r;

	if (in == NULL || in == payload)
		return MS_ERR_INVALID_ARGUMENT;
	/* Reject a bad length as soon as the 4 length bytes are here. */
	if ((r = msbuf_peek_u32(in, 0, &len)) != 0)
		return r;
	if ((r = check_len(len, max_len)) != 0)
		return r;
	if (msbuf_len(in) - 4 < len)
		return MS_ERR_MESSAGE_INCOMPLETE;
	if ((r = msbuf_peek_u8(in, 4, &type)) != 0)
		return r;
	if (payload != NULL) {
		msbuf_reset(payload);
		if ((r = msbuf_reserve(payload, len - 1, &body)) != 0 ||
		    (r = msbuf_peek(in, MS_FRAME_HEADER_LEN, body,
		    len - 1)) != 0) {
			msbuf_reset(payload);
			return r;
		}
	}
	if ((r = msbuf_consume(in, 4 + (size_t)len)) != 0)
		return r;
	if (typep != NULL)
		*typep = type;
	return 0;
}

/*
 * One read(2) of at most 64 KiB (or the room left in 'in'; at least 4 KiB
 * under its cap, growing it if need be).  Returns 0 when
 * data was added and also on EAGAIN/EINTR, when nothing was (msbuf_len tells
 * the caller which); MS_ERR_CONN_CLOSED on EOF; MS_ERR_SYSTEM on a read
 * error; MS_ERR_NO_BUFFER_SPACE if 'in' is already full.
 */
int
ms_frame_fill(int fd, struct msbuf *in)
{
	size_t want, room;
	u_char *p;
	ssize_t n;
	int r;

	if (fd < 0 || in == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if ((want = msbuf_avail(in)) == 0)
		return MS_ERR_NO_BUFFER_SPACE;
	room = msbuf_alloc_len(in) - msbuf_len(in);
	if (room < FRAME_FILL_MIN)
		room = FRAME_FILL_MIN;
	if (want > room)
		want = room;
	if (want > FRAME_FILL_CHUNK)
		want = FRAME_FILL_CHUNK;
	/* Spare, not reserve: nothing to zero now or wipe after. */
	if ((r = msbuf_spare(in, want, &p)) != 0)
		return r;
	n = read(fd, p, want);
	if (n == -1) {
		r = (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR) ? 0 : MS_ERR_SYSTEM;
		n = 0;
	} else if (n == 0)
		r = MS_ERR_CONN_CLOSED;
	/* commit does not touch errno. */
	if (msbuf_commit(in, (size_t)n) != 0)
		return MS_ERR_INTERNAL;
	return r;
}
