/*
 * logchan.c — the worker's log lines travel to the monitor over fd 5 as
 * frames of type MS_LOG_FRAME (msg_log.h, PROTOCOL.md 11).
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
#include "msg_log.h"
#include "proto.h"
#include "worker.h"

static int log_fd = -1;

static void
log_to_monitor(enum ms_loglevel level, const char *line, void *ctx)
{
	u_char frame[MS_LOG_FRAME_LEN];
	size_t flen;

	(void)ctx;
	if (log_fd < 0)
		return;
	if (ms_log_frame_poke(frame, sizeof(frame), (uint8_t)level, line,
	    strnlen(line, MS_LOG_LINE_MAX), &flen) == 0)
		(void)ms_write_all(log_fd, frame, flen);
	explicit_bzero(frame, flen);
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
 * stdio, one write(2): the frame is laid out in a stack array by
 * ms_log_frame_poke, which does not allocate either.
 */
void
w_sandbox_report(const char *syscall_name, long nr)
{
	char line[160], digits[24];
	u_char frame[MS_FRAME_HEADER_LEN + 1 + 4 + sizeof(line)];
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

	if (ms_log_frame_poke(frame, sizeof(frame), MS_LOG_ERROR, line, off,
	    &flen) != 0) {
		errno = saved_errno;
		return;
	}
	/* Nothing to do if it fails: this is the error path already. */
	if (write(log_fd, frame, flen) == -1)
		errno = saved_errno;
	errno = saved_errno;
}
