/*
 * logchan.c — the worker's log lines travel to the monitor over fd 5 as
 * frames of type MS_LOG_FRAME: u8 level || name line (PROTOCOL.md 11).
 * The worker has no syslog and, sandboxed, no files; the monitor logs for
 * it, prefixed with the worker's pid and peer.
 */
#include <sys/types.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "frame.h"
#include "log.h"
#include "proto.h"
#include "worker.h"

static int log_fd = -1;

static void
log_to_monitor(enum ms_loglevel level, const char *line, void *ctx)
{
	struct msbuf *b;
	size_t len;

	(void)ctx;
	if (log_fd < 0)
		return;
	/* A line is already escaped; cutting it cannot forge another. */
	len = strnlen(line, MS_LOG_LINE_MAX);
	if ((b = msbuf_new(1 + 4 + MS_LOG_LINE_MAX)) == NULL)
		return;
	if (msbuf_put_u8(b, (uint8_t)level) == 0 &&
	    msbuf_put_string(b, line, len) == 0)
		(void)ms_frame_write(log_fd, MS_LOG_FRAME, b);
	msbuf_free(b);
}

void
w_log_channel_init(int fd)
{
	log_fd = fd;
	ms_log_set_handler(log_to_monitor, NULL);
}

static size_t
sig_append(char *buf, size_t off, size_t size, const char *s)
{
	while (*s != '\0' && off < size)
		buf[off++] = *s++;
	return off;
}

/*
 * Called from the SIGSYS handler in sandbox debug mode: no malloc, no
 * stdio, one write(2).  msbuf allocates, so the frame is laid out in a
 * stack array with buf.h's ms_poke_*, which do not.
 */
void
w_sandbox_report(const char *syscall_name, long nr)
{
	char line[160], digits[24];
	u_char frame[5 + 1 + 4 + sizeof(line)];
	size_t off = 0, nd = 0, flen;
	unsigned long v;
	int saved_errno = errno;

	if (log_fd < 0)
		return;
	v = nr < 0 ? 0 : (unsigned long)nr;
	do {
		digits[nd++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0 && nd < sizeof(digits) - 1);
	off = sig_append(line, off, sizeof(line),
	    "sandbox: forbidden system call ");
	off = sig_append(line, off, sizeof(line),
	    syscall_name != NULL ? syscall_name : "unknown");
	off = sig_append(line, off, sizeof(line), " (");
	while (nd > 0 && off < sizeof(line))
		line[off++] = digits[--nd];
	off = sig_append(line, off, sizeof(line), ")");

	/* u32 len || u8 MS_LOG_FRAME || u8 level || u32 n || line[n] */
	flen = 1 + 1 + 4 + off;
	if (ms_poke_u32(frame, sizeof(frame), 0, (uint32_t)flen) != 0 ||
	    ms_poke_u8(frame, sizeof(frame), 4, MS_LOG_FRAME) != 0 ||
	    ms_poke_u8(frame, sizeof(frame), 5, MS_LOG_ERROR) != 0 ||
	    ms_poke_u32(frame, sizeof(frame), 6, (uint32_t)off) != 0 ||
	    ms_poke(frame, sizeof(frame), 10, line, off) != 0) {
		errno = saved_errno;
		return;
	}
	/* Nothing to do if it fails: this is the error path already. */
	if (write(log_fd, frame, 10 + off) == -1)
		errno = saved_errno;
	errno = saved_errno;
}
