/*
 * mon_resume.c — the monitor's part of session resumption (PROTOCOL.md
 * 4.5, 5.5, 11): RESUME, which stands in for AUTH when CLIENT_HELLO
 * carries a ticket, and TICKET, which seals one for a bound login.
 *
 * Nothing the worker says is believed (I4): the ticket comes from the
 * CLIENT_HELLO bound at DECAP, the binder and RESUME_VERIFY are checked
 * with the resumption secret sealed inside the ticket, and the principal
 * is decided again from the identity the ticket holds, against the
 * principals and CRLs loaded now (SIGHUP applies at once).
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/x509.h>

#include "audit.h"
#include "buf.h"
#include "certs.h"
#include "crypto.h"
#include "errors.h"
#include "hello.h"
#include "log.h"
#include "mon.h"
#include "msg_auth.h"
#include "msg_certs.h"
#include "msg_mon.h"
#include "msg_ticket.h"
#include "schedule.h"
#include "servconf.h"
#include "tickets.h"

/* The outcome of one RESUME, for the audit line and the answer. */
struct resume_verdict {
	const char		*why;		/* NULL: resumed */
	const char		*name;
	const struct principal	*groups;
	struct ms_cert_result	 cert;
};

/* After the server's own messages: SERVER_FINISHED ends the tail. */
static int
expect_finished_end(struct msbuf *tail)
{
	struct msbuf *body = NULL;
	u_char mac[MS_VERIFY_DATA_LEN];
	int r;

	if ((r = ms_canonical_get(tail, MS_MSG_SERVER_FINISHED,
	    MS_SERVER_FINISHED_LEN - 5, &body)) == 0 &&
	    (r = ms_finished_parse(body, mac)) == 0)
		r = msbuf_expect_end(tail);
	msbuf_free(body);
	return r;
}

/* The binder over the hello bound at DECAP (4.5). */
static int
binder_ok(const struct mon_session *s, const struct ms_client_hello *ch,
    const u_char res[MS_SHA256_LEN])
{
	u_char want[MS_SHA256_LEN];
	size_t span;
	int ok;

	if (ms_client_hello_binder_span(msbuf_ptr(s->client_hello),
	    msbuf_len(s->client_hello), ch, &span) != 0 ||
	    ms_resume_binder(res, msbuf_ptr(s->client_hello), span,
	    want) != 0)
		return 0;
	ok = ms_ct_equal(want, ch->binder, sizeof(want));
	explicit_bzero(want, sizeof(want));
	return ok;
}

/* RESUME_VERIFY over TH(SERVER_FINISHED): this connection, this secret. */
static int
resume_verify_ok(const struct ms_mon_auth *a, const u_char th[MS_SHA256_LEN],
    const u_char res[MS_SHA256_LEN])
{
	u_char want[MS_SHA256_LEN], got[MS_VERIFY_DATA_LEN];
	struct msbuf *b;
	int ok = 0;

	if ((b = msbuf_from(a->cv, a->cv_len)) == NULL)
		return 0;
	if (ms_finished_parse(b, got) == 0 &&
	    ms_resume_verify_mac(res, th, want) == 0)
		ok = ms_ct_equal(want, got, sizeof(want));
	msbuf_free(b);
	explicit_bzero(want, sizeof(want));
	return ok;
}

/*
 * The principal, decided again from the identity in the ticket as the
 * monitor's principals and CRLs stand now; it must be the ticket's.
 */
static void
recheck_identity(const struct mon_ctx *ctx,
    const struct ms_ticket_claims *c, struct resume_verdict *v)
{
	struct ms_client_identity cid;
	STACK_OF(X509) *chain = NULL;
	const struct principal *p;
	struct msbuf *b;

	v->why = "ticket identity malformed";
	if ((b = msbuf_from(c->identity, c->identity_len)) == NULL)
		return;
	if (ms_client_identity_parse(b, &cid) != 0 || cid.id_type != c->id_type)
		goto out;
	if (cid.id_type == MS_ID_RAW_ED25519) {
		v->why = "principal no longer authorized";
		if (cid.publen != 32 ||
		    (p = principals_find(ctx->principals, cid.pub)) == NULL ||
		    strcmp(p->name, c->principal) != 0)
			goto out;
		v->name = p->name;
		v->groups = p;
		v->why = NULL;
		goto out;
	}
	v->why = "certificate logins are off";
	if (cid.id_type != MS_ID_X509_CHAIN || ctx->certs == NULL ||
	    ms_cert_chain_to_x509(&cid.chain, &chain) != 0)
		goto out;
	if (ms_certs_verify(ctx->certs, chain, &v->cert) != 0) {
		v->why = v->cert.reason;
		goto out;
	}
	v->why = "certificate principal changed";
	if (strcmp(v->cert.principal, c->principal) != 0)
		goto out;
	v->name = c->principal;
	v->groups = principals_find_cert(ctx->principals, c->principal);
	v->why = NULL;
 out:
	sk_X509_pop_free(chain, X509_free);
	msbuf_free(b);
}

/* Every check a client's resumption must pass, in order. */
static void
judge(const struct mon_ctx *ctx, struct mon_session *s,
    const struct ms_mon_auth *a, const struct ms_client_hello *ch,
    const u_char th[MS_SHA256_LEN], u_char *plain,
    struct ms_ticket_claims *c, struct resume_verdict *v)
{
	time_t now = time(NULL);

	if (ctx->tickets == NULL) {
		v->why = "resumption is off";
		return;
	}
	if (ms_tickets_open(ctx->tickets, now, ch->ticket, ch->ticket_len,
	    plain, c, &v->why) != 0)
		return;
	if (!binder_ok(s, ch, c->res)) {
		v->why = "bad binder";
		return;
	}
	if (!resume_verify_ok(a, th, c->res)) {
		v->why = "bad resume proof";
		return;
	}
	if (!a->finished_ok) {
		v->why = "bad finished";
		return;
	}
	/* Only the secret's holder gets this far: now it is spent. */
	if (ms_tickets_spend(ctx->tickets, now, c, &v->why) != 0)
		return;
	/* A ticket resumes under its own suite, never another (downgrade). */
	if (c->cipher != s->cipher) {
		v->why = "suite differs from the ticket's";
		return;
	}
	if (c->id_type == MS_ID_X509_CHAIN && c->not_after != 0 &&
	    (uint64_t)now > c->not_after) {
		v->why = "certificate expired";
		return;
	}
	recheck_identity(ctx, c, v);
}

static void
audit_resume(const struct mon_worker *w, const struct ms_ticket_claims *c,
    const struct resume_verdict *v)
{
	struct audit_line al;

	audit_begin(&al, v->why == NULL ? "allowed" : "denied", w,
	    "resume");
	/* A refused ticket names whom it was for, not a bound principal. */
	audit_add(&al, v->why == NULL ? "principal" : "ticket_principal",
	    c->principal[0] != '\0' ? c->principal : NULL);
	if (c->id_type == MS_ID_X509_CHAIN && v->cert.serial[0] != '\0') {
		audit_add(&al, "cert_subject", v->cert.subject);
		audit_add(&al, "cert_serial", v->cert.serial);
	}
	audit_add(&al, "reason", v->why);
	audit_end(&al);
}

/* A resumed login keeps its identity: the next ticket holds it again. */
static int
bind_resumed(struct mon_session *s, const struct ms_ticket_claims *c,
    const struct resume_verdict *v)
{
	int r;

	if ((r = mon_bind_principal(s, v->name, v->groups)) != 0)
		return r;
	s->cert_auth = c->id_type == MS_ID_X509_CHAIN;
	s->not_after = c->not_after;
	if ((s->identity = msbuf_from(c->identity, c->identity_len)) == NULL)
		return MS_ERR_ALLOC;
	return 0;
}

struct mon_verdict
mon_resume(const struct mon_ctx *ctx, const struct mon_worker *w,
    struct mon_session *s, const union mon_req *pr, struct msbuf *resp)
{
	const struct ms_mon_auth *a = &pr->auth;
	struct ms_client_hello *ch = NULL;
	struct ms_ticket_claims c;
	struct resume_verdict v;
	struct mon_verdict verdict;
	struct msbuf *tail = NULL;
	u_char th[MS_SHA256_LEN], *plain = NULL;
	const char *why;
	int r;

	memset(&c, 0, sizeof(c));
	memset(&v, 0, sizeof(v));
	if (!s->resuming)
		return MON_KILLED(MS_ERR_PROTOCOL, "resume without a ticket");
	if ((ch = calloc(1, sizeof(*ch))) == NULL ||
	    (plain = malloc(MS_TICKET_MAX)) == NULL ||
	    (tail = msbuf_from(a->tail, a->tail_len)) == NULL) {
		verdict = MON_KILLED(MS_ERR_ALLOC, "out of memory");
		goto out;
	}
	/* Our own bytes: a mismatch is the worker's doing. */
	if ((r = ms_client_hello_parse_frame(msbuf_ptr(s->client_hello),
	    msbuf_len(s->client_hello), ch)) != 0 ||
	    (r = mon_check_server_part(ctx, s, tail, th, &why)) != 0 ||
	    (r = expect_finished_end(tail)) != 0) {
		verdict = MON_KILLED(r != 0 ? r : MS_ERR_PROTOCOL,
		    "resume transcript is not the monitor's");
		goto out;
	}
	judge(ctx, s, a, ch, th, plain, &c, &v);
	audit_resume(w, &c, &v);
	if (v.why == NULL) {
		if ((r = bind_resumed(s, &c, &v)) == 0)
			r = ms_mon_auth_answer_put(resp, MS_ST_OK,
			    s->principal);
		verdict = mon_ok_unless(r, "cannot bind the principal");
	} else
		verdict = mon_auth_refused(resp);
 out:
	ms_cert_result_clear(&v.cert);
	explicit_bzero(&c, sizeof(c));
	freezero(plain, plain != NULL ? MS_TICKET_MAX : 0);
	freezero(ch, ch != NULL ? sizeof(*ch) : 0);
	msbuf_free(tail);
	explicit_bzero(th, sizeof(th));
	return verdict;
}

/* A ticket for this login, or an empty answer when there is to be none. */
struct mon_verdict
mon_ticket(const struct mon_ctx *ctx, const struct mon_worker *w,
    struct mon_session *s, const union mon_req *pr, struct msbuf *resp)
{
	struct ms_ticket_claims c;
	struct msbuf *t = NULL;
	int r;

	if (ctx->tickets == NULL || !s->ticket_wanted || s->identity == NULL ||
	    msbuf_len(s->identity) > MS_TICKET_IDENTITY_MAX) {
		debug_f("worker %ld: no ticket", (long)w->pid);
		r = ms_mon_ticket_answer_put(resp, 0, NULL, 0);
		return mon_ok_unless(r, "cannot build answer");
	}
	memset(&c, 0, sizeof(c));
	memcpy(c.res, s->res, sizeof(c.res));
	c.cipher = s->cipher;
	strlcpy(c.principal, s->principal, sizeof(c.principal));
	c.id_type = s->cert_auth ? MS_ID_X509_CHAIN : MS_ID_RAW_ED25519;
	c.not_after = s->not_after;
	c.identity = msbuf_ptr(s->identity);
	c.identity_len = msbuf_len(s->identity);
	if ((t = msbuf_new(MS_TICKET_MAX)) == NULL)
		r = MS_ERR_ALLOC;
	else if ((r = ms_tickets_seal(ctx->tickets, time(NULL), &c, t)) == 0)
		r = ms_mon_ticket_answer_put(resp, c.lifetime, msbuf_ptr(t),
		    msbuf_len(t));
	explicit_bzero(&c, sizeof(c));
	/* The secret has done its job in this monitor. */
	explicit_bzero(s->res, sizeof(s->res));
	msbuf_free(t);
	return mon_ok_unless(r, "cannot seal a ticket");
}
