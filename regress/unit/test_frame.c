/*
 * test_frame.c — framing over socketpairs, blocking and non-blocking.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "errors.h"
#include "frame.h"

#define T_TIMEOUT	10000	/* ms; generous so slow CI machines pass */

static void
mk_pair(int sv[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
}

static void
set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	assert_true(fl != -1);
	assert_int_equal(fcntl(fd, F_SETFL, fl | O_NONBLOCK), 0);
}

static struct msbuf *
must_new(size_t max)
{
	struct msbuf *b = msbuf_new(max);

	assert_non_null(b);
	return b;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static long
elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000 +
	    (now.tv_nsec - start->tv_nsec) / 1000000;
}

/*
 * Fork a child that writes 'len' bytes of 'data' to fd in chunks of
 * 'chunk' bytes with 'pause_ms' between them, then closes fd (unless
 * linger_ms > 0, in which case it holds it open that long first).
 */
static pid_t
spawn_writer(int fd, int other, const void *data, size_t len, size_t chunk,
    long pause_ms, long linger_ms)
{
	const u_char *p = data;
	size_t off, n;
	pid_t pid;

	assert_true((pid = fork()) != -1);
	if (pid != 0) {
		close(fd);
		return pid;
	}
	close(other);
	for (off = 0; off < len; off += n) {
		n = len - off < chunk ? len - off : chunk;
		if (ms_write_all(fd, p + off, n) != 0)
			_exit(1);
		if (pause_ms > 0)
			sleep_ms(pause_ms);
	}
	if (linger_ms > 0)
		sleep_ms(linger_ms);
	close(fd);
	_exit(0);
}

static void
reap(pid_t pid, int want_status)
{
	int status;

	while (waitpid(pid, &status, 0) == -1)
		assert_int_equal(errno, EINTR);
	assert_true(WIFEXITED(status));
	if (want_status >= 0)
		assert_int_equal(WEXITSTATUS(status), want_status);
}

static struct msbuf *
encode(uint8_t type, const void *data, size_t len)
{
	struct msbuf *p = must_new(MS_FRAME_MAX), *out = must_new(MSBUF_SIZE_MAX);

	assert_int_equal(msbuf_put(p, data, len), 0);
	assert_int_equal(ms_frame_encode(out, type, p), 0);
	msbuf_free(p);
	return out;
}

static void
test_encode_layout(void **state)
{
	struct msbuf *out = encode(7, "hello", 5), *empty = must_new(16);

	assert_int_equal(msbuf_len(out), 10);
	assert_memory_equal(msbuf_ptr(out), "\0\0\0\6\7hello", 10);
	msbuf_reset(out);
	assert_int_equal(ms_frame_encode(out, 0xfe, empty), 0);
	assert_int_equal(msbuf_len(out), 5);
	assert_memory_equal(msbuf_ptr(out), "\0\0\0\1\376", 5);
	assert_int_equal(ms_frame_encode(out, 1, out), MS_ERR_INVALID_ARGUMENT);
	msbuf_free(out);
	msbuf_free(empty);
}

static void
test_roundtrip(void **state)
{
	struct msbuf *p = must_new(1024), *in = must_new(1024);
	uint8_t type;
	int sv[2];

	mk_pair(sv);
	assert_int_equal(msbuf_put_cstring(p, "payload"), 0);
	assert_int_equal(ms_frame_write(sv[0], 42, p), 0);
	assert_int_equal(msbuf_len(p), 11);	/* write does not consume */
	msbuf_reset(p);
	assert_int_equal(ms_frame_write(sv[0], 3, p), 0);	/* empty payload */
	assert_int_equal(msbuf_put_u8(in, 0xaa), 0);	/* read resets first */
	assert_int_equal(ms_frame_read(sv[1], &type, in, 1024, T_TIMEOUT), 0);
	assert_int_equal(type, 42);
	assert_int_equal(msbuf_len(in), 11);
	assert_memory_equal(msbuf_ptr(in), "\0\0\0\7payload", 11);
	assert_int_equal(ms_frame_read(sv[1], &type, in, 1024, -1), 0);
	assert_int_equal(type, 3);
	assert_int_equal(msbuf_len(in), 0);
	close(sv[0]);
	close(sv[1]);
	msbuf_free(p);
	msbuf_free(in);
}

static void
test_partial_io(void **state)
{
	struct msbuf *f = encode(9, "one byte at a time", 18), *in = must_new(64);
	uint8_t type;
	pid_t pid;
	int sv[2];

	mk_pair(sv);
	pid = spawn_writer(sv[0], sv[1], msbuf_ptr(f), msbuf_len(f), 1, 2, 0);
	assert_int_equal(ms_frame_read(sv[1], &type, in, 64, T_TIMEOUT), 0);
	assert_int_equal(type, 9);
	assert_int_equal(msbuf_len(in), 18);
	assert_memory_equal(msbuf_ptr(in), "one byte at a time", 18);
	/* The writer then closed: EOF on a frame boundary. */
	assert_int_equal(ms_frame_read(sv[1], &type, in, 64, T_TIMEOUT),
	    MS_ERR_CONN_CLOSED);
	reap(pid, 0);
	close(sv[1]);
	msbuf_free(f);
	msbuf_free(in);
}

/* Send the first n bytes of a frame and close; expect 'want'. */
static void
eof_after(size_t n, int want)
{
	struct msbuf *f = encode(5, "0123456789", 10), *in = must_new(64);
	uint8_t type = 0xee;
	int sv[2];

	mk_pair(sv);
	assert_true(n <= msbuf_len(f));
	assert_int_equal(ms_write_all(sv[0], msbuf_ptr(f), n), 0);
	close(sv[0]);
	assert_int_equal(ms_frame_read(sv[1], &type, in, 64, T_TIMEOUT), want);
	assert_int_equal(msbuf_len(in), 0);
	if (want != 0)
		assert_int_equal(type, 0);
	close(sv[1]);
	msbuf_free(f);
	msbuf_free(in);
}

static void
test_eof(void **state)
{
	size_t n;

	eof_after(0, MS_ERR_CONN_CLOSED);
	for (n = 1; n < 15; n++)
		eof_after(n, MS_ERR_MESSAGE_INCOMPLETE);
}

/*
 * Send only a header with a bad length and keep the socket open: if the
 * reader tried to read a body it would time out instead of failing fast.
 */
static void
bad_header(uint32_t len, size_t max_len, int want)
{
	struct msbuf *in = must_new(MS_FRAME_MAX), *h = must_new(16);
	struct timespec start;
	uint8_t type;
	int sv[2];

	mk_pair(sv);
	assert_int_equal(msbuf_put_u32(h, len), 0);
	assert_int_equal(msbuf_put_u8(h, 1), 0);
	assert_int_equal(ms_write_all(sv[0], msbuf_ptr(h), msbuf_len(h)), 0);
	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(ms_frame_read(sv[1], &type, in, max_len, 3000), want);
	assert_true(elapsed_ms(&start) < 2000);
	assert_int_equal(msbuf_len(in), 0);
	close(sv[0]);
	close(sv[1]);
	msbuf_free(in);
	msbuf_free(h);
}

static void
test_bad_lengths(void **state)
{
	bad_header(0, 1024, MS_ERR_INVALID_FORMAT);
	bad_header(1025, 1024, MS_ERR_FRAME_TOO_LARGE);
	bad_header(UINT32_MAX, 1024, MS_ERR_FRAME_TOO_LARGE);
	bad_header(UINT32_MAX, SIZE_MAX, MS_ERR_FRAME_TOO_LARGE);
	bad_header(MS_FRAME_MAX + 1, MS_FRAME_MAX, MS_ERR_FRAME_TOO_LARGE);
}

static void
test_payload_buffer_too_small(void **state)
{
	struct msbuf *f = encode(1, "0123456789", 10), *in = must_new(4);
	uint8_t type;
	int sv[2];

	mk_pair(sv);
	assert_int_equal(ms_write_all(sv[0], msbuf_ptr(f), msbuf_len(f)), 0);
	assert_int_equal(ms_frame_read(sv[1], &type, in, 1024, T_TIMEOUT),
	    MS_ERR_FRAME_TOO_LARGE);
	assert_int_equal(msbuf_len(in), 0);
	close(sv[0]);
	close(sv[1]);
	msbuf_free(f);
	msbuf_free(in);
}

static void
test_timeout(void **state)
{
	struct msbuf *in = must_new(64);
	struct timespec start;
	uint8_t type;
	long ms;
	int sv[2];

	mk_pair(sv);
	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(ms_frame_read(sv[1], &type, in, 64, 150),
	    MS_ERR_TIMEOUT);
	ms = elapsed_ms(&start);
	assert_true(ms >= 140);
	assert_true(ms < 5000);
	/* A frame that starts but stalls also times out, as a whole. */
	assert_int_equal(ms_write_all(sv[0], "\0\0\0\5\1ab", 7), 0);
	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(ms_frame_read(sv[1], &type, in, 64, 100),
	    MS_ERR_TIMEOUT);
	assert_true(elapsed_ms(&start) >= 90);
	assert_int_equal(msbuf_len(in), 0);
	/* Zero timeout: nothing pending fails at once, a whole frame is read. */
	close(sv[0]);
	close(sv[1]);
	mk_pair(sv);
	assert_int_equal(ms_frame_read(sv[1], &type, in, 64, 0), MS_ERR_TIMEOUT);
	assert_int_equal(ms_write_all(sv[0], "\0\0\0\3\1ab", 7), 0);
	assert_int_equal(ms_frame_read(sv[1], &type, in, 64, 0), 0);
	assert_int_equal(type, 1);
	assert_memory_equal(msbuf_ptr(in), "ab", 2);
	close(sv[0]);
	close(sv[1]);
	msbuf_free(in);
}

static void
test_slow_frame_deadline(void **state)
{
	struct msbuf *f = encode(2, "slowly", 6), *in = must_new(64);
	uint8_t type;
	pid_t pid;
	int sv[2];

	/* Each byte arrives in time, but the whole frame does not. */
	mk_pair(sv);
	pid = spawn_writer(sv[0], sv[1], msbuf_ptr(f), msbuf_len(f), 1, 50, 0);
	assert_int_equal(ms_frame_read(sv[1], &type, in, 64, 200),
	    MS_ERR_TIMEOUT);
	close(sv[1]);
	reap(pid, -1);	/* the writer may see EPIPE: either way is fine */
	msbuf_free(f);
	msbuf_free(in);
}

static void
test_large_frame(void **state)
{
	const size_t n = 1024 * 1024;
	struct msbuf *p = must_new(MS_FRAME_MAX), *in = must_new(MS_FRAME_MAX);
	u_char *d;
	uint8_t type;
	size_t i;
	pid_t pid;
	int sv[2];

	assert_int_equal(msbuf_reserve(p, n, &d), 0);
	for (i = 0; i < n; i++)
		d[i] = (u_char)(i * 31 + (i >> 8));
	mk_pair(sv);
	assert_true((pid = fork()) != -1);
	if (pid == 0) {
		close(sv[1]);
		_exit(ms_frame_write(sv[0], 77, p) == 0 ? 0 : 1);
	}
	close(sv[0]);
	assert_int_equal(ms_frame_read(sv[1], &type, in, MS_FRAME_MAX,
	    T_TIMEOUT), 0);
	assert_int_equal(type, 77);
	assert_int_equal(msbuf_len(in), n);
	assert_memory_equal(msbuf_ptr(in), msbuf_ptr(p), n);
	reap(pid, 0);
	close(sv[1]);
	msbuf_free(p);
	msbuf_free(in);
}

static void
test_frame_too_large_to_write(void **state)
{
	struct msbuf *p = must_new(MSBUF_SIZE_MAX), *out = must_new(16);
	int sv[2];

	assert_int_equal(msbuf_reserve(p, MS_FRAME_MAX, NULL), 0);
	mk_pair(sv);
	assert_int_equal(ms_frame_write(sv[0], 1, p), MS_ERR_FRAME_TOO_LARGE);
	assert_int_equal(ms_frame_encode(out, 1, p), MS_ERR_FRAME_TOO_LARGE);
	assert_int_equal(msbuf_len(out), 0);
	assert_int_equal(msbuf_consume(p, 1), 0);
	/* Exactly the limit fits in encode (into a big enough buffer). */
	msbuf_free(out);
	out = must_new(MSBUF_SIZE_MAX);
	assert_int_equal(ms_frame_encode(out, 1, p), 0);
	assert_int_equal(msbuf_len(out), MS_FRAME_HEADER_LEN + MS_FRAME_MAX - 1);
	close(sv[0]);
	close(sv[1]);
	msbuf_free(p);
	msbuf_free(out);
}

static void
test_write_closed_peer(void **state)
{
	struct msbuf *p = must_new(16);
	int sv[2];

	mk_pair(sv);
	close(sv[1]);
	assert_int_equal(ms_frame_write(sv[0], 1, p), MS_ERR_CONN_CLOSED);
	assert_int_equal(ms_write_all(sv[0], "x", 1), MS_ERR_CONN_CLOSED);
	close(sv[0]);
	assert_int_equal(ms_write_all(-1, "x", 1), MS_ERR_INVALID_ARGUMENT);
	msbuf_free(p);
}

/* ms_write_all on a non-blocking fd must poll through EAGAIN. */
static void
test_write_all_nonblocking(void **state)
{
	const size_t n = 2 * 1024 * 1024;
	u_char *data, *got;
	size_t off = 0;
	ssize_t r;
	pid_t pid;
	int sv[2];

	assert_non_null(data = malloc(n));
	assert_non_null(got = malloc(n));
	for (off = 0; off < n; off++)
		data[off] = (u_char)(off ^ (off >> 11));
	mk_pair(sv);
	assert_true((pid = fork()) != -1);
	if (pid == 0) {
		close(sv[1]);
		set_nonblock(sv[0]);
		_exit(ms_write_all(sv[0], data, n) == 0 ? 0 : 1);
	}
	close(sv[0]);
	sleep_ms(50);	/* let the writer fill the socket and hit EAGAIN */
	for (off = 0; off < n; off += (size_t)r) {
		r = read(sv[1], got + off, n - off < 4096 ? n - off : 4096);
		if (r == -1 && errno == EINTR) {
			r = 0;
			continue;
		}
		assert_true(r > 0);
	}
	assert_memory_equal(got, data, n);
	reap(pid, 0);
	close(sv[1]);
	free(data);
	free(got);
}

static void
test_parse_incremental(void **state)
{
	struct msbuf *f = encode(11, "incremental", 11), *in = must_new(256);
	struct msbuf *p = must_new(256), *two;
	const u_char *bytes = msbuf_ptr(f);
	uint8_t type;
	size_t i;

	for (i = 0; i < msbuf_len(f); i++) {
		assert_int_equal(ms_frame_parse(in, &type, p, 256),
		    MS_ERR_MESSAGE_INCOMPLETE);
		assert_int_equal(msbuf_len(in), i);
		assert_int_equal(msbuf_put_u8(in, bytes[i]), 0);
	}
	assert_int_equal(msbuf_put(in, "\0\0", 2), 0);	/* start of next */
	assert_int_equal(ms_frame_parse(in, &type, p, 256), 0);
	assert_int_equal(type, 11);
	assert_int_equal(msbuf_len(p), 11);
	assert_memory_equal(msbuf_ptr(p), "incremental", 11);
	assert_int_equal(msbuf_len(in), 2);
	assert_int_equal(ms_frame_parse(in, &type, p, 256),
	    MS_ERR_MESSAGE_INCOMPLETE);
	msbuf_reset(in);

	/* Two frames in one buffer come out one at a time. */
	two = encode(1, "a", 1);
	assert_int_equal(msbuf_putb(in, two), 0);
	msbuf_free(two);
	two = encode(2, "bc", 2);
	assert_int_equal(msbuf_putb(in, two), 0);
	msbuf_free(two);
	assert_int_equal(ms_frame_parse(in, &type, p, 256), 0);
	assert_int_equal(type, 1);
	assert_memory_equal(msbuf_ptr(p), "a", 1);
	assert_int_equal(ms_frame_parse(in, &type, NULL, 256), 0);
	assert_int_equal(type, 2);
	assert_int_equal(msbuf_len(in), 0);
	msbuf_free(f);
	msbuf_free(in);
	msbuf_free(p);
}

static void
test_parse_bad(void **state)
{
	struct msbuf *in = must_new(256), *p = must_new(4);
	uint8_t type;

	/* Bad lengths are rejected as soon as the length is known. */
	assert_int_equal(msbuf_put(in, "\0\0\0\0", 4), 0);
	assert_int_equal(ms_frame_parse(in, &type, p, 256),
	    MS_ERR_INVALID_FORMAT);
	msbuf_reset(in);
	assert_int_equal(msbuf_put(in, "\0\0\1\1", 4), 0);	/* 257 */
	assert_int_equal(ms_frame_parse(in, &type, p, 256),
	    MS_ERR_FRAME_TOO_LARGE);
	assert_int_equal(msbuf_len(in), 4);
	msbuf_reset(in);
	assert_int_equal(msbuf_put(in, "\xff\xff\xff\xff", 4), 0);
	assert_int_equal(ms_frame_parse(in, &type, p, SIZE_MAX),
	    MS_ERR_FRAME_TOO_LARGE);
	msbuf_reset(in);
	/* Payload buffer too small: error, nothing consumed. */
	assert_int_equal(msbuf_put(in, "\0\0\0\6\1hello", 10), 0);
	assert_int_equal(ms_frame_parse(in, &type, p, 256),
	    MS_ERR_NO_BUFFER_SPACE);
	assert_int_equal(msbuf_len(in), 10);
	assert_int_equal(msbuf_len(p), 0);
	msbuf_free(in);
	msbuf_free(p);
}

static void
test_fill(void **state)
{
	struct msbuf *in = must_new(256), *p = must_new(256);
	uint8_t type;
	int sv[2];

	mk_pair(sv);
	set_nonblock(sv[1]);
	/* Nothing there yet: 0 and nothing added. */
	assert_int_equal(ms_frame_fill(sv[1], in), 0);
	assert_int_equal(msbuf_len(in), 0);
	assert_int_equal(ms_write_all(sv[0], "\0\0\0\4\7ab", 7), 0);
	assert_int_equal(ms_frame_fill(sv[1], in), 0);
	assert_int_equal(msbuf_len(in), 7);
	assert_int_equal(ms_frame_parse(in, &type, p, 256),
	    MS_ERR_MESSAGE_INCOMPLETE);
	assert_int_equal(ms_write_all(sv[0], "c", 1), 0);
	assert_int_equal(ms_frame_fill(sv[1], in), 0);
	assert_int_equal(ms_frame_parse(in, &type, p, 256), 0);
	assert_int_equal(type, 7);
	assert_memory_equal(msbuf_ptr(p), "abc", 3);
	close(sv[0]);
	assert_int_equal(ms_frame_fill(sv[1], in), MS_ERR_CONN_CLOSED);
	assert_int_equal(msbuf_len(in), 0);
	close(sv[1]);
	assert_int_equal(ms_frame_fill(sv[1], in), MS_ERR_SYSTEM);
	msbuf_free(in);
	msbuf_free(p);
}

static void
test_fill_full_buffer(void **state)
{
	struct msbuf *in = must_new(8);
	int sv[2];

	mk_pair(sv);
	assert_int_equal(ms_write_all(sv[0], "0123456789", 10), 0);
	assert_int_equal(ms_frame_fill(sv[1], in), 0);
	assert_int_equal(msbuf_len(in), 8);	/* capped by the buffer */
	assert_int_equal(ms_frame_fill(sv[1], in), MS_ERR_NO_BUFFER_SPACE);
	assert_int_equal(msbuf_consume(in, 8), 0);
	assert_int_equal(ms_frame_fill(sv[1], in), 0);
	assert_int_equal(msbuf_len(in), 2);
	assert_memory_equal(msbuf_ptr(in), "89", 2);
	close(sv[0]);
	close(sv[1]);
	msbuf_free(in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_layout),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_partial_io),
		cmocka_unit_test(test_eof),
		cmocka_unit_test(test_bad_lengths),
		cmocka_unit_test(test_payload_buffer_too_small),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_slow_frame_deadline),
		cmocka_unit_test(test_large_frame),
		cmocka_unit_test(test_frame_too_large_to_write),
		cmocka_unit_test(test_write_closed_peer),
		cmocka_unit_test(test_write_all_nonblocking),
		cmocka_unit_test(test_parse_incremental),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_fill),
		cmocka_unit_test(test_fill_full_buffer),
	};

	/* As every metasafe program does: EPIPE instead of death. */
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
