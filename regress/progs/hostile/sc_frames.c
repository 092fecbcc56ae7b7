/*
 * sc_frames.c — scenarios with malformed frames: truncated, oversize,
 * zero length.
 */
#include "hostile.h"

/* ----------------------------------------------------- scenarios: frames */

void
sc_truncated_frame(void)
{
	u_char b[4 + 10];

	connect_server();
	memset(b, 0, sizeof(b));
	b[3] = 100;			/* announces 100 bytes ... */
	b[4] = MS_FRAME_CLIENT_HELLO;	/* ... of which 10 follow */
	(void)send_raw(b, sizeof(b));
	if (shutdown(hc.fd, SHUT_WR) != 0)
		finish(EXIT_LOCAL, "shutdown: %s", strerror(errno));
	expect_close(allow_clear_alert, "truncated frame, then EOF");
}

/* A bad length, then a valid CLIENT_HELLO the server must never reach. */
static void
bad_length(uint32_t len, const char *what)
{
	struct ms_client_hello ch;
	u_char hdr[4];

	connect_server();
	default_hello(&ch);
	encode_hello(&ch);
	hdr[0] = (u_char)(len >> 24);
	hdr[1] = (u_char)(len >> 16);
	hdr[2] = (u_char)(len >> 8);
	hdr[3] = (u_char)len;
	if (send_raw(hdr, sizeof(hdr)) == 0)
		(void)send_buf(hc.frame);
	expect_close(allow_clear_alert, what);
}

void
sc_oversize_frame(void)
{
	bad_length(0x7fffffff, "frame length 0x7fffffff");
}

void
sc_zero_length_frame(void)
{
	bad_length(0, "frame length 0");
}

/* Only the 4 bytes of a zero length: nothing more is due (2). */
void
sc_zero_length_alone(void)
{
	u_char hdr[4];

	connect_server();
	memset(hdr, 0, sizeof(hdr));
	(void)send_raw(hdr, sizeof(hdr));
	expect_close(allow_clear_alert, "frame length 0 and nothing more");
}
