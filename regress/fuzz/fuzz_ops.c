/*
 * fuzz_ops.c — the message modules the worker and the monitor parse from
 * a peer they do not trust: the client's operation requests (the worker,
 * common/msg_ops.c with the LIST cursor), the LIST and GETACL results
 * the worker checks from the monitor (msg_list.c), the worker's requests
 * as the monitor's dispatch table parses them (msg_mon.c), the CONFIG
 * and HANDOFF frames (msg_config.c) and the worker's log frame, read by
 * the monitor (msg_log.c).  Input: u8 selector || body.  Besides crashes and leaks:
 * whatever parses must leave the buffer fully consumed or be refused.
 */
#include "fuzz.h"

#include "msg_config.h"
#include "msg_list.h"
#include "msg_log.h"
#include "msg_mon.h"
#include "msg_ops.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	return 0;
}

/* The client's requests, as the worker takes them. */
static void
ops_request(uint8_t sel, struct msbuf *b)
{
	struct ms_open_req o;
	struct ms_record_req rq;
	struct ms_set_req s;
	struct ms_list_req l;
	static struct ms_setacl_req a;	/* 256 entries: not on the stack */
	uint32_t u;
	uint8_t d;

	switch (sel % 8) {
	case 0:
		(void)ms_open_req_parse(b, &o);
		break;
	case 1:
		(void)ms_handle_req_parse(b, &u);
		break;
	case 2:
		(void)ms_record_req_parse(b, &rq);
		break;
	case 3:
		(void)ms_set_req_parse(b, MS_VALUE_MAX, &s);
		break;
	case 4:
		if (ms_list_req_parse(b, &l) == 0 &&
		    (l.list_flags & MS_LIST_PAGED) &&
		    l.cursor.len != strlen(l.cursor.name))
			abort();	/* a cursor name holds no NUL */
		break;
	case 5:
		(void)ms_setacl_req_parse(b, &a);
		break;
	case 6:
		(void)ms_status_req_parse(b, &d);
		break;
	default:
		(void)ms_request_id_parse(b, &u);
		break;
	}
}

/* What the worker checks from the monitor before passing it on. */
static void
list_results(uint8_t sel, struct msbuf *b)
{
	struct ms_list_result l;
	struct ms_acl_result a;
	int more;

	switch (sel % 4) {
	case 0:
		if (ms_list_result_parse(b, sel & 0x10, &l) == 0)
			ms_list_result_free(&l);
		break;
	case 1:
		if (ms_list_page_parse(b, sel & 0x10, &l, &more) == 0) {
			if (more != 0 && more != 1)
				abort();
			ms_list_result_free(&l);
		}
		break;
	case 2:
		if (ms_acl_result_parse(b, &a) == 0)
			ms_acl_result_free(&a);
		break;
	default:
		(void)ms_list_result_parse(b, sel & 0x10, NULL);
		break;
	}
}

/* A worker's requests, as the monitor's dispatch table parses them. */
static void
mon_request(uint8_t sel, struct msbuf *b)
{
	static int (*const parse[])(struct msbuf *, struct ms_mon_data *) = {
		ms_mon_open_parse, ms_mon_get_parse, ms_mon_set_parse,
		ms_mon_delete_parse, ms_mon_list_parse, ms_mon_getacl_parse,
		ms_mon_setacl_parse,
	};
	struct ms_mon_data d;
	struct ms_mon_hellos h;
	struct ms_mon_auth a;

	switch (sel % 10) {
	case 7:
		(void)ms_mon_decap_parse(b, &h);
		break;
	case 8:
		(void)ms_mon_sign_parse(b, &h);
		break;
	case 9:
		(void)ms_mon_auth_parse(b, &a);
		break;
	default:
		memset(&d, 0, sizeof(d));
		(void)parse[sel % 7](b, &d);
		ms_mon_data_clear(&d);
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ms_config c;
	struct msbuf *b;
	char *line = NULL;
	uint8_t level, sel;

	if (size < 1 || (b = msbuf_from(data + 1, size - 1)) == NULL)
		return 0;
	sel = data[0];
	switch (sel >> 5) {
	case 0:
	case 1:
		ops_request(sel, b);
		break;
	case 2:
		list_results(sel, b);
		break;
	case 3:
	case 4:
		mon_request(sel, b);
		break;
	case 5:
		if (sel & 0x10) {
			/* HANDOFF: the peer, capped, nothing after it. */
			if (ms_handoff_parse(b, &line) == 0) {
				if (strlen(line) > MS_CONFIG_PEER_MAX)
					abort();
				free(line);
			}
		} else if (ms_config_parse(b, &c) == 0)
			ms_config_clear(&c);
		break;
	default:
		if (ms_log_msg_parse(b, &level, &line) == 0) {
			if (strlen(line) > MS_LOG_LINE_MAX)
				abort();
			free(line);
		}
		break;
	}
	msbuf_free(b);
	return 0;
}
