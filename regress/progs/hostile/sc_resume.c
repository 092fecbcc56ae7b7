/*
 * sc_resume.c — a ticket with each of its fields mutated (PROTOCOL.md
 * 4.5).  The client is as strong as an attacker gets: it holds the
 * ticket's real secret, so binder, RESUME_VERIFY and Finished are all
 * right for whatever ticket it sends.  Every mutated ticket must still be
 * refused with AUTH_FAILED, and the genuine one, sent last, must resume
 * (the attempts before did not use it up, and the harness is sound).
 */
#include "hostile.h"
#include "msg_ticket.h"

/* The ticket's layout, by the offset of each sealed field. */
static const struct {
	const char	*field;
	size_t		 off;
} fields[] = {
	{ "format", 0 }, { "key_id", 1 }, { "nonce", 9 },
	{ "ticket_id", 21 }, { "issued", 37 }, { "lifetime", 45 },
	{ "cipher", 49 }, { "res", 51 }, { "principal", 83 },
	{ "principal_name", 87 }, { "id_type", 92 }, { "not_after", 93 },
	{ "identity_len", 101 }, { "identity", 105 },
};

/*
 * One resumption with ticket t (len bytes) and the secret res: the
 * AUTH_RESULT status, or -1; newt and newlen get a NEW_TICKET if one came.
 */
static int
resume_once(const u_char *t, size_t len, const u_char res[32],
    u_char *newt, size_t *newlen, u_char newres[32])
{
	struct ms_client_hello ch;
	struct ms_new_ticket nt;
	struct msbuf *p = xbuf(MS_HELLO_FRAME_MAX), *f;
	u_char th[MS_SHA256_LEN], mac[MS_SHA256_LEN];
	struct got g;
	int r;

	f = xbuf(MS_HELLO_FRAME_MAX + 8);
	connect_server();
	default_hello(&ch);
	ch.resume = 1;
	ch.ticket_len = len;
	if (len != 0)
		memcpy(ch.ticket, t, len);
	if (len != 0 && ((r = ms_client_hello_put(p, &ch)) != 0 ||
	    (r = ms_frame_encode(f, MS_FRAME_CLIENT_HELLO, p)) != 0 ||
	    (r = ms_resume_binder(res, msbuf_ptr(f), msbuf_len(f) - 36,
	    ch.binder)) != 0))
		local_err(r, "binder");
	msbuf_free(p);
	msbuf_free(f);
	send_hello(&ch);
	want_server_hello();
	install_hs_keys();
	recv_server_auth();
	if (len != 0) {
		msbuf_reset(hc.body);
		if ((r = ms_transcript_hash(hc.t, th)) != 0 ||
		    (r = ms_resume_verify_mac(res, th, mac)) != 0 ||
		    (r = msbuf_put_string(hc.body, mac, sizeof(mac))) != 0)
			local_err(r, "resume verify");
		send_record(MS_MSG_RESUME_VERIFY, 1);
		msbuf_reset(hc.body);
		if ((r = ms_transcript_hash(hc.t, th)) != 0 ||
		    (r = ms_finished_mac(hc.hs.c_fin, th, mac)) != 0 ||
		    (r = msbuf_put_string(hc.body, mac, sizeof(mac))) != 0)
			local_err(r, "finished");
		send_record(MS_MSG_CLIENT_FINISHED, 1);
	} else
		send_client_auth(hc.id, hc.id_pub, 0);
	install_ap_keys();
	*newlen = 0;
	next(&g, hc.wait_ms);
	if (g.opened && g.itype == MS_MSG_NEW_TICKET) {
		if (ms_new_ticket_parse(hc.msg, &nt) != 0)
			finish(EXIT_FAIL, "malformed NEW_TICKET");
		memcpy(newt, nt.ticket, nt.ticket_len);
		*newlen = nt.ticket_len;
		memcpy(newres, hc.res, 32);
		next(&g, hc.wait_ms);
	}
	if (!g.opened || g.itype != MS_MSG_AUTH_RESULT || !g.has_status)
		return -1;
	if (g.status != MS_ST_OK && *newlen != 0)
		finish(EXIT_FAIL, "a ticket came with a refused login");
	return (int)g.status;
}

void
sc_ticket_mutate(void)
{
	static u_char t[MS_TICKET_MAX + 1], m[MS_TICKET_MAX + 1];
	static u_char spare[MS_TICKET_MAX];
	u_char res[32], spare_res[32];
	size_t len, n, i, spare_len;
	int st;

	need_identity();
	/* A full login that asks for a ticket. */
	if ((st = resume_once(NULL, 0, NULL, t, &len, res)) != MS_ST_OK ||
	    len == 0)
		finish(EXIT_FAIL, "no ticket from a full login (status %d)",
		    st);
	n = 0;
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (fields[i].off >= len)
			continue;
		memcpy(m, t, len);
		m[fields[i].off] ^= 0x01;
		if ((st = resume_once(m, len, res, spare, &spare_len,
		    spare_res)) != MS_ST_AUTH_FAILED)
			finish(EXIT_FAIL, "ticket with %s mutated: status %d: "
			    "%s", fields[i].field, st, trail());
		n++;
	}
	/* The tag, a byte cut off, a byte added. */
	memcpy(m, t, len);
	m[len - 1] ^= 0x80;
	if (resume_once(m, len, res, spare, &spare_len, spare_res) !=
	    MS_ST_AUTH_FAILED ||
	    resume_once(t, len - 1, res, spare, &spare_len, spare_res) !=
	    MS_ST_AUTH_FAILED)
		finish(EXIT_FAIL, "a cut or mutated tag resumed: %s", trail());
	memcpy(m, t, len);
	m[len] = 0;
	if (resume_once(m, len + 1, res, spare, &spare_len, spare_res) !=
	    MS_ST_AUTH_FAILED)
		finish(EXIT_FAIL, "a lengthened ticket resumed: %s", trail());
	/* The genuine ticket: it was not used up, and it resumes. */
	if ((st = resume_once(t, len, res, spare, &spare_len,
	    spare_res)) != MS_ST_OK)
		finish(EXIT_FAIL, "the genuine ticket did not resume (%d): %s",
		    st, trail());
	finish(EXIT_PASS, "%zu fields, tag and length mutated: all "
	    "AUTH_FAILED; the genuine ticket resumed", n);
}
