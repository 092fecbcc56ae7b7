/*
 * test_msg_log.c — the worker's log frame (common/msg_log.c), PROTOCOL.md
 * 11: laid out by the worker with ms_log_frame_poke, read by the monitor
 * with ms_log_msg_parse.
 */
#include <sys/types.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "errors.h"
#include "frame.h"
#include "msg_log.h"
#include "mslimits.h"
#include "proto.h"

static void
test_layout(void **state)
{
	static const u_char want[] = {
		0, 0, 0, 8,		/* length: type and payload */
		MS_LOG_FRAME,
		2,			/* level */
		0, 0, 0, 2, 'h', 'i',
	};
	u_char frame[MS_LOG_FRAME_LEN];
	size_t flen;

	assert_int_equal(ms_log_frame_poke(frame, sizeof(frame), 2, "hi", 2,
	    &flen), 0);
	assert_int_equal(flen, sizeof(want));
	assert_memory_equal(frame, want, sizeof(want));
}

/* What the worker lays out, the monitor's frame reader and parser take. */
static void
test_round_trip(void **state)
{
	u_char frame[MS_LOG_FRAME_LEN];
	struct msbuf *in, *f;
	size_t flen;
	uint8_t type, level;
	char *line;

	assert_int_equal(ms_log_frame_poke(frame, sizeof(frame), 5,
	    "worker line", 11, &flen), 0);
	assert_non_null(in = msbuf_from(frame, flen));
	assert_non_null(f = msbuf_new(MS_LOG_MSG_MAX));
	assert_int_equal(ms_frame_parse(in, &type, f, 1 + MS_LOG_MSG_MAX), 0);
	assert_int_equal(type, MS_LOG_FRAME);
	assert_int_equal(ms_log_msg_parse(f, &level, &line), 0);
	assert_int_equal(level, 5);
	assert_string_equal(line, "worker line");
	free(line);
	msbuf_free(in);
	msbuf_free(f);
}

/* A longer line is cut at the cap, and the cut frame still fits. */
static void
test_cap(void **state)
{
	char big[MS_LOG_LINE_MAX + 1];
	u_char frame[MS_LOG_FRAME_LEN];
	struct msbuf *b;
	size_t flen;
	uint8_t level;
	char *line;

	memset(big, 'x', sizeof(big));
	assert_int_equal(ms_log_frame_poke(frame, sizeof(frame), 1, big,
	    sizeof(big), &flen), 0);
	assert_int_equal(flen, MS_LOG_FRAME_LEN);
	assert_non_null(b = msbuf_from(frame + MS_FRAME_HEADER_LEN,
	    flen - MS_FRAME_HEADER_LEN));
	assert_int_equal(ms_log_msg_parse(b, &level, &line), 0);
	assert_int_equal(strlen(line), MS_LOG_LINE_MAX);
	free(line);
	msbuf_free(b);

	/* One byte over, as a misbehaving worker would send it: refused. */
	assert_non_null(b = msbuf_new(2 * MS_LOG_MSG_MAX));
	assert_int_equal(msbuf_put_u8(b, 1), 0);
	assert_int_equal(msbuf_put_string(b, big, sizeof(big)), 0);
	assert_int_equal(ms_log_msg_parse(b, &level, &line),
	    MS_ERR_STRING_TOO_LARGE);
	assert_null(line);
	msbuf_free(b);

	/* Too little room: nothing is laid out. */
	assert_int_not_equal(ms_log_frame_poke(frame, 11, 1, "hi", 2, &flen),
	    0);
	assert_int_equal(flen, 0);
}

static void
test_truncated_and_trailing(void **state)
{
	u_char frame[MS_LOG_FRAME_LEN];
	const u_char *p = frame + MS_FRAME_HEADER_LEN;
	struct msbuf *b;
	size_t flen, plen, n;
	uint8_t level;
	char *line;

	assert_int_equal(ms_log_frame_poke(frame, sizeof(frame), 1, "abc", 3,
	    &flen), 0);
	plen = flen - MS_FRAME_HEADER_LEN;
	for (n = 0; n < plen; n++) {
		assert_non_null(b = msbuf_from(p, n));
		assert_int_not_equal(ms_log_msg_parse(b, &level, &line), 0);
		assert_null(line);
		msbuf_free(b);
	}
	assert_non_null(b = msbuf_new(64));
	assert_int_equal(msbuf_put(b, p, plen), 0);
	assert_int_equal(msbuf_put_u8(b, 0), 0);
	assert_int_equal(ms_log_msg_parse(b, &level, &line),
	    MS_ERR_INVALID_FORMAT);
	assert_null(line);
	msbuf_free(b);
}

/* A NUL inside the line could hide its end from the log: refused. */
static void
test_nul(void **state)
{
	struct msbuf *b = msbuf_new(64);
	uint8_t level;
	char *line;

	assert_non_null(b);
	assert_int_equal(msbuf_put_u8(b, 1), 0);
	assert_int_equal(msbuf_put_string(b, "a\0b", 3), 0);
	assert_int_not_equal(ms_log_msg_parse(b, &level, &line), 0);
	assert_null(line);
	msbuf_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_truncated_and_trailing),
		cmocka_unit_test(test_nul),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
