/*
 * test_mon_dispatch_resume.c — RESUME and TICKET through the dispatch
 * table (PROTOCOL.md 4.5, 11): a login's ticket resumes once as the same
 * principal; a replay, a wrong binder, a wrong RESUME_VERIFY or a failed
 * Finished is AUTH_FAILED and does not use the ticket up; RESUME for a
 * hello without a ticket or before SIGN, AUTH for one with, and TICKET
 * before a login kill the worker.  (Principals removed and certificates
 * revoked after a ticket: regress/resume-principal-removed.sh,
 * resume-cert-revoked.sh.)
 */
#include "mon_dispatch_fixture.h"

#include <time.h>

#include "msg_ticket.h"
#include "tickets.h"

/* A client's ticket: the sealed bytes and the secret. */
struct ticket {
	u_char	 t[MS_TICKET_MAX];
	size_t	 len;
	u_char	 res[32];
};

/* Hellos with the resumption fields; a ticket (and binder) when given. */
static void
resume_hellos(struct fixture *f, struct session *s, const struct ticket *tk,
    int bad_binder)
{
	struct ms_client_hello *ch;
	struct msbuf *p = newbuf(), *sh_keep;

	/* The fixture's SERVER_HELLO, our CLIENT_HELLO. */
	build_hellos(f, s, s->nonce);
	sh_keep = s->sh;
	msbuf_free(s->ch);
	EVP_PKEY_free(s->eph);
	assert_non_null(ch = calloc(1, sizeof(*ch)));
	ch->version = MS_PROTO_VERSION;
	ms_random_bytes(ch->random, sizeof(ch->random));
	ch->ciphers.n = ch->kex.n = ch->sigs.n = 1;
	ch->ciphers.ids[0] = MS_CIPHER_AES256_GCM;
	ch->kex.ids[0] = MS_KEX_X25519_HYBRID;
	ch->sigs.ids[0] = MS_SIG_ED25519;
	assert_int_equal(ms_pkey_generate(MS_KEY_X25519, &s->eph), 0);
	assert_int_equal(ms_pkey_raw_public(s->eph, ch->share, 32), 0);
	ch->resume = 1;
	s->ch = newbuf();
	if (tk != NULL) {
		ch->ticket_len = tk->len;
		memcpy(ch->ticket, tk->t, tk->len);
		assert_int_equal(ms_client_hello_put(p, ch), 0);
		assert_int_equal(ms_frame_encode(s->ch, MS_FRAME_CLIENT_HELLO,
		    p), 0);
		assert_int_equal(ms_resume_binder(tk->res, msbuf_ptr(s->ch),
		    msbuf_len(s->ch) - 36, ch->binder), 0);
		if (bad_binder)
			ch->binder[3] ^= 1;
		msbuf_reset(p);
		msbuf_reset(s->ch);
	}
	assert_int_equal(ms_client_hello_put(p, ch), 0);
	assert_int_equal(ms_frame_encode(s->ch, MS_FRAME_CLIENT_HELLO, p), 0);
	s->sh = sh_keep;
	free(ch);
	msbuf_free(p);
}

static void
decap_sign(struct fixture *f, struct session *s)
{
	struct msbuf *req, *resp = newbuf();
	u_char secret[32];

	req = hellos_req(s);
	assert_int_equal(call(f, s, MS_MON_DECAP, req, resp), 0);
	assert_int_equal(msbuf_get_string_fixed(resp, secret, 32), 0);
	msbuf_free(req);
	req = sign_req(f, s);
	assert_int_equal(call(f, s, MS_MON_SIGN, req, resp), 0);
	assert_int_equal(msbuf_get_string_fixed(resp, s->sig, 64), 0);
	msbuf_free(req);
	msbuf_free(resp);
}

/* What the client derives for the next ticket (5.5). */
static void
client_res(struct session *s, struct fixture *f, u_char res[32])
{
	u_char ss_s[32], th[32];

	assert_int_equal(ms_x25519_derive(s->eph, f->keys.kex_pub, ss_s), 0);
	th_of(s->ch, s->sh, NULL, th);
	assert_int_equal(ms_derive_resumption(ss_s, th, res), 0);
}

static void
take_ticket(struct fixture *f, struct session *s, struct ticket *tk)
{
	struct msbuf *req = newbuf(), *resp = newbuf();
	struct ms_new_ticket nt;

	assert_int_equal(call(f, s, MS_MON_TICKET, req, resp), 0);
	assert_int_equal(ms_mon_ticket_answer_parse(resp, &nt), 0);
	assert_true(nt.ticket_len > 0);
	memcpy(tk->t, nt.ticket, nt.ticket_len);
	tk->len = nt.ticket_len;
	client_res(s, f, tk->res);
	msbuf_free(req);
	msbuf_free(resp);
}

/* RESUME: [SERVER_CERTIFICATE,] SERVER_VERIFY, SERVER_FINISHED; RV. */
static uint32_t
resume(struct fixture *f, struct session *s, const u_char res[32],
    int bad_rv, int finished_ok, int expect_rc)
{
	struct msbuf *tail = newbuf(), *req = newbuf(), *resp = newbuf();
	struct msbuf *rv = newbuf();
	u_char th[32], mac[32] = { 0 }, vd[32];
	uint32_t status = 0xffffffff;

	if (f->keys.cert_msg != NULL)
		assert_int_equal(msbuf_putb(tail, f->keys.cert_msg), 0);
	assert_int_equal(msbuf_put_u32(tail, 1 + 2 + 4 + 64), 0);
	assert_int_equal(msbuf_put_u8(tail, MS_MSG_SERVER_VERIFY), 0);
	assert_int_equal(msbuf_put_u16(tail, MS_SIG_ED25519), 0);
	assert_int_equal(msbuf_put_string(tail, s->sig, 64), 0);
	assert_int_equal(msbuf_put_u32(tail, 1 + 4 + 32), 0);
	assert_int_equal(msbuf_put_u8(tail, MS_MSG_SERVER_FINISHED), 0);
	assert_int_equal(msbuf_put_string(tail, mac, 32), 0);
	th_of(s->ch, s->sh, tail, th);
	assert_int_equal(ms_resume_verify_mac(res, th, vd), 0);
	if (bad_rv)
		vd[0] ^= 1;
	assert_int_equal(msbuf_put_string(rv, vd, 32), 0);
	assert_int_equal(msbuf_put_stringb(req, tail), 0);
	assert_int_equal(msbuf_put_stringb(req, rv), 0);
	assert_int_equal(msbuf_put_u8(req, (uint8_t)finished_ok), 0);
	assert_int_equal(call(f, s, MS_MON_RESUME, req, resp) == 0,
	    expect_rc == 0);
	if (expect_rc == 0)
		assert_int_equal(msbuf_get_u32(resp, &status), 0);
	msbuf_free(tail);
	msbuf_free(req);
	msbuf_free(resp);
	msbuf_free(rv);
	return status;
}

/* A full login as alice that asks for a ticket, and the ticket. */
static void
first_login(struct fixture *f, struct ticket *tk)
{
	struct session s;

	session_start(f, &s);
	resume_hellos(f, &s, NULL, 0);
	decap_sign(f, &s);
	assert_int_equal(session_auth(f, &s, f->alice, f->alice, 0),
	    MS_ST_OK);
	take_ticket(f, &s, tk);
	session_free(&s);
}

static int
setup_tickets(void **state)
{
	struct fixture *f;
	int r;

	if ((r = setup(state)) != 0)
		return r;
	f = *state;
	return ms_tickets_new(600, 3600, time(NULL), &f->ctx.tickets);
}

static int
teardown_tickets(void **state)
{
	struct fixture *f = *state;

	ms_tickets_free(f->ctx.tickets);
	f->ctx.tickets = NULL;
	return teardown(state);
}

static void
test_resume_once(void **state)
{
	struct fixture *f = *state;
	struct ticket tk, next;
	struct session s;

	first_login(f, &tk);
	/* Resumes as alice, and gets a ticket for the next time. */
	session_start(f, &s);
	resume_hellos(f, &s, &tk, 0);
	decap_sign(f, &s);
	assert_int_equal(resume(f, &s, tk.res, 0, 1, 0), MS_ST_OK);
	assert_int_equal(s.w.state, MW_AUTHED);
	assert_string_equal(s.w.sess.principal, "alice");
	take_ticket(f, &s, &next);
	assert_memory_not_equal(next.res, tk.res, 32);
	session_free(&s);
	/* The same ticket again: refused. */
	session_start(f, &s);
	resume_hellos(f, &s, &tk, 0);
	decap_sign(f, &s);
	assert_int_equal(resume(f, &s, tk.res, 0, 1, 0), MS_ST_AUTH_FAILED);
	assert_int_equal(s.w.state, MW_REFUSED);
	session_free(&s);
	/* The new one works. */
	session_start(f, &s);
	resume_hellos(f, &s, &next, 0);
	decap_sign(f, &s);
	assert_int_equal(resume(f, &s, next.res, 0, 1, 0), MS_ST_OK);
	session_free(&s);
}

static void
test_resume_bad_proofs(void **state)
{
	struct fixture *f = *state;
	struct ticket tk;
	struct session s;

	first_login(f, &tk);
	/* Wrong binder, wrong RESUME_VERIFY, failed Finished. */
	session_start(f, &s);
	resume_hellos(f, &s, &tk, 1);
	decap_sign(f, &s);
	assert_int_equal(resume(f, &s, tk.res, 0, 1, 0), MS_ST_AUTH_FAILED);
	session_free(&s);
	session_start(f, &s);
	resume_hellos(f, &s, &tk, 0);
	decap_sign(f, &s);
	assert_int_equal(resume(f, &s, tk.res, 1, 1, 0), MS_ST_AUTH_FAILED);
	session_free(&s);
	session_start(f, &s);
	resume_hellos(f, &s, &tk, 0);
	decap_sign(f, &s);
	assert_int_equal(resume(f, &s, tk.res, 0, 0, 0), MS_ST_AUTH_FAILED);
	session_free(&s);
	/* None of them used the ticket up. */
	session_start(f, &s);
	resume_hellos(f, &s, &tk, 0);
	decap_sign(f, &s);
	assert_int_equal(resume(f, &s, tk.res, 0, 1, 0), MS_ST_OK);
	session_free(&s);
}

static void
test_resume_out_of_state(void **state)
{
	struct fixture *f = *state;
	struct ticket tk;
	struct session s;
	struct msbuf *req = newbuf(), *resp = newbuf();

	first_login(f, &tk);
	/* RESUME for a hello without a ticket: killed. */
	session_start(f, &s);
	resume_hellos(f, &s, NULL, 0);
	decap_sign(f, &s);
	(void)resume(f, &s, tk.res, 0, 1, 1);
	session_free(&s);
	/* AUTH for a hello with one: killed. */
	session_start(f, &s);
	resume_hellos(f, &s, &tk, 0);
	decap_sign(f, &s);
	(void)session_auth(f, &s, f->alice, f->alice, 1);
	session_free(&s);
	/* TICKET before a login: killed. */
	session_start(f, &s);
	resume_hellos(f, &s, NULL, 0);
	decap_sign(f, &s);
	assert_int_not_equal(call(f, &s, MS_MON_TICKET, req, resp), 0);
	session_free(&s);
	/* RESUME before SIGN: killed. */
	session_start(f, &s);
	resume_hellos(f, &s, &tk, 0);
	(void)resume(f, &s, tk.res, 0, 1, 1);
	session_free(&s);
	msbuf_free(req);
	msbuf_free(resp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_resume_once,
		    setup_tickets, teardown_tickets),
		cmocka_unit_test_setup_teardown(test_resume_bad_proofs,
		    setup_tickets, teardown_tickets),
		cmocka_unit_test_setup_teardown(test_resume_out_of_state,
		    setup_tickets, teardown_tickets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
