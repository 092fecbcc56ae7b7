/*
 * test_msg_alert.c — the ALERT codec (common/msg_alert.c), PROTOCOL.md 7.
 */
#include <sys/types.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "errors.h"
#include "msg_alert.h"
#include "mslimits.h"
#include "proto.h"

static struct msbuf *
newbuf(void)
{
	struct msbuf *b = msbuf_new(1024);

	assert_non_null(b);
	return b;
}

/* The bytes of section 7, with and without the cleartext version. */
static void
test_layout(void **state)
{
	static const u_char clear[] = {
		0x00, 0x01,			/* version */
		0x00, 0x00, 0x00, 0x07,		/* status */
		0x00, 0x00, 0x00, 0x02, 'h', 'i'
	};
	struct msbuf *b = newbuf();

	assert_int_equal(MS_PROTO_VERSION, 0x0001);
	assert_int_equal(ms_alert_put(b, 1, 7, "hi"), 0);
	assert_int_equal(msbuf_len(b), sizeof(clear));
	assert_memory_equal(msbuf_ptr(b), clear, sizeof(clear));
	msbuf_reset(b);
	assert_int_equal(ms_alert_put(b, 0, 7, "hi"), 0);
	assert_int_equal(msbuf_len(b), sizeof(clear) - 2);
	assert_memory_equal(msbuf_ptr(b), clear + 2, sizeof(clear) - 2);
	msbuf_free(b);
}

static void
test_round_trip(void **state)
{
	struct msbuf *b = newbuf();
	struct ms_alert a;
	int clear;

	for (clear = 0; clear <= 1; clear++) {
		msbuf_reset(b);
		assert_int_equal(ms_alert_put(b, clear, MS_ST_PROTOCOL_ERROR,
		    "malformed CLIENT_IDENTITY"), 0);
		assert_int_equal(ms_alert_parse(b, clear, &a), 0);
		assert_int_equal(a.version, MS_PROTO_VERSION);
		assert_int_equal(a.status, MS_ST_PROTOCOL_ERROR);
		assert_string_equal(a.msg, "malformed CLIENT_IDENTITY");
		assert_int_equal(a.msglen, strlen(a.msg));
		assert_int_equal(msbuf_len(b), 0);
	}
	/* An empty message, and NULL for one. */
	msbuf_reset(b);
	assert_int_equal(ms_alert_put(b, 0, MS_ST_OK, NULL), 0);
	assert_int_equal(msbuf_len(b), 4 + 4);
	assert_int_equal(ms_alert_parse(b, 0, &a), 0);
	assert_int_equal(a.msglen, 0);
	assert_string_equal(a.msg, "");
	msbuf_free(b);
}

/* Another version parses, so the reader can tell (the client logs it). */
static void
test_other_version(void **state)
{
	struct msbuf *b = newbuf();
	struct ms_alert a;

	assert_int_equal(msbuf_put_u16(b, 0x0902), 0);
	assert_int_equal(msbuf_put_u32(b, MS_ST_VERSION_MISMATCH), 0);
	assert_int_equal(msbuf_put_cstring(b, "x"), 0);
	assert_int_equal(ms_alert_parse(b, 1, &a), 0);
	assert_int_equal(a.version, 0x0902);
	assert_int_equal(a.status, MS_ST_VERSION_MISMATCH);
	msbuf_free(b);
}

static void
test_message_cap(void **state)
{
	char big[MS_ALERT_MSG_MAX + 2];
	struct msbuf *b = newbuf();
	struct ms_alert a;

	/* At the cap: as is. */
	memset(big, 'm', sizeof(big));
	big[MS_ALERT_MSG_MAX] = '\0';
	assert_int_equal(ms_alert_put(b, 0, 1, big), 0);
	assert_int_equal(ms_alert_parse(b, 0, &a), 0);
	assert_int_equal(a.msglen, MS_ALERT_MSG_MAX);
	assert_string_equal(a.msg, big);
	/* One over: the sender cuts it, the reader refuses it. */
	big[MS_ALERT_MSG_MAX] = 'm';
	big[MS_ALERT_MSG_MAX + 1] = '\0';
	msbuf_reset(b);
	assert_int_equal(ms_alert_put(b, 0, 1, big), 0);
	assert_int_equal(msbuf_len(b), 4 + 4 + MS_ALERT_MSG_MAX);
	msbuf_reset(b);
	assert_int_equal(msbuf_put_u32(b, 1), 0);
	assert_int_equal(msbuf_put_cstring(b, big), 0);
	assert_int_equal(ms_alert_parse(b, 0, &a), MS_ERR_STRING_TOO_LARGE);
	assert_int_equal(a.status, 0);
	msbuf_free(b);
}

static void
test_truncated_and_trailing(void **state)
{
	struct msbuf *b = newbuf(), *t;
	struct ms_alert a;
	size_t cut, len;

	assert_int_equal(ms_alert_put(b, 1, MS_ST_LIMIT_REACHED,
	    "too many sessions"), 0);
	len = msbuf_len(b);
	for (cut = 0; cut < len; cut++) {
		assert_non_null(t = msbuf_from(msbuf_ptr(b), cut));
		assert_int_not_equal(ms_alert_parse(t, 1, &a), 0);
		assert_int_equal(a.msglen, 0);
		msbuf_free(t);
	}
	assert_int_equal(msbuf_put_u8(b, 0), 0);
	assert_int_equal(ms_alert_parse(b, 1, &a), MS_ERR_INVALID_FORMAT);
	assert_int_equal(a.status, 0);
	msbuf_free(b);
}

/* Any byte may arrive; msglen counts them, sanitising is the reader's. */
static void
test_raw_bytes(void **state)
{
	static const u_char raw[] = { 'a', 0, 0x1b, '[', 'b' };
	struct msbuf *b = newbuf();
	struct ms_alert a;

	assert_int_equal(msbuf_put_u32(b, 3), 0);
	assert_int_equal(msbuf_put_string(b, raw, sizeof(raw)), 0);
	assert_int_equal(ms_alert_parse(b, 0, &a), 0);
	assert_int_equal(a.msglen, sizeof(raw));
	assert_memory_equal(a.msg, raw, sizeof(raw));
	assert_int_equal(a.msg[sizeof(raw)], '\0');
	msbuf_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_other_version),
		cmocka_unit_test(test_message_cap),
		cmocka_unit_test(test_truncated_and_trailing),
		cmocka_unit_test(test_raw_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
