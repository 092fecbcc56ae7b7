/*
 * monwrap.c — monitor requests from the worker (PROTOCOL.md 11).
 *
 * The monitor is trusted, but its answers are still parsed strictly: a
 * malformed answer means the two programs disagree about the protocol, and
 * the worker must stop rather than guess.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "errors.h"
#include "frame.h"
#include "log.h"
#include "msg_list.h"
#include "monwrap.h"
#include "msg_mon.h"
#include "msg_ticket.h"
#include "path.h"
#include "proto.h"
#include "worker.h"

/* Send one request and read the answer, which must have the same type. */
static int
mon_call(int fd, uint8_t type, const struct msbuf *req, struct msbuf **ansp)
{
	struct msbuf *ans;
	uint8_t atype;
	int r;

	*ansp = NULL;
	if ((ans = msbuf_new(MS_FRAME_MAX)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = ms_frame_write(fd, type, req)) != 0) {
		error_fr(r, "monitor request 0x%02x", type);
		goto fail;
	}
	if ((r = ms_frame_read(fd, &atype, ans, MS_FRAME_MAX, -1)) != 0) {
		error_fr(r, "monitor answer to 0x%02x", type);
		goto fail;
	}
	if (atype != type) {
		error_f("monitor answered 0x%02x to request 0x%02x", atype,
		    type);
		r = MS_ERR_PROTOCOL;
		goto fail;
	}
	*ansp = ans;
	return 0;
 fail:
	msbuf_free(ans);
	return r;
}

static int
expect_end(struct msbuf *ans, const char *what)
{
	if (msbuf_len(ans) != 0) {
		error_f("monitor %s answer has %zu trailing bytes", what,
		    msbuf_len(ans));
		return MS_ERR_INVALID_FORMAT;
	}
	return 0;
}

static int
new_req(struct msbuf **reqp)
{
	if ((*reqp = msbuf_new(MS_FRAME_MAX - 1)) == NULL)
		return MS_ERR_ALLOC;
	return 0;
}

/* Request with only a status in the answer. */
static int
status_call(int fd, uint8_t type, const char *what, const struct msbuf *req,
    uint32_t *statusp)
{
	struct msbuf *ans = NULL;
	int r;

	if ((r = mon_call(fd, type, req, &ans)) != 0)
		return r;
	if ((r = ms_mon_status_parse(ans, statusp)) != 0)
		error_fr(r, "monitor %s answer", what);
	msbuf_free(ans);
	return r;
}

int
mw_hello(int fd, u_char server_random[MS_RANDOM_LEN], u_char host_kex_pub[32],
    u_char host_sig_pub[32], struct msbuf *server_cert)
{
	struct msbuf *req = NULL, *ans = NULL;
	struct ms_mon_hello h;
	int r;

	msbuf_reset(server_cert);
	if ((r = new_req(&req)) != 0 ||
	    (r = mon_call(fd, MS_MON_HELLO, req, &ans)) != 0)
		goto out;
	if ((r = ms_mon_hello_answer_parse(ans, &h)) != 0 ||
	    (r = msbuf_put(server_cert, h.cert, h.cert_len)) != 0) {
		error_fr(r, "monitor hello answer");
		goto out;
	}
	memcpy(server_random, h.server_random, MS_RANDOM_LEN);
	memcpy(host_kex_pub, h.host_kex_pub, 32);
	memcpy(host_sig_pub, h.host_sig_pub, 32);
 out:
	msbuf_free(req);
	msbuf_free(ans);
	return r;
}

int
mw_decap(int fd, const struct msbuf *ch_frame, const struct msbuf *sh_frame,
    u_char static_out[MS_SHA256_LEN])
{
	struct msbuf *req = NULL, *ans = NULL;
	int r;

	explicit_bzero(static_out, MS_SHA256_LEN);
	if ((r = new_req(&req)) != 0 ||
	    (r = ms_mon_decap_put(req, ch_frame, sh_frame)) != 0 ||
	    (r = mon_call(fd, MS_MON_DECAP, req, &ans)) != 0)
		goto out;
	if ((r = ms_mon_decap_answer_parse(ans, static_out)) != 0)
		error_fr(r, "monitor decap answer");
 out:
	msbuf_free(req);
	msbuf_free(ans);
	return r;
}

int
mw_sign(int fd, const struct msbuf *ch_frame, const struct msbuf *sh_frame,
    const struct msbuf *server_cert, u_char sig[MS_ED25519_SIG_LEN])
{
	struct msbuf *req = NULL, *ans = NULL;
	int r;

	if ((r = new_req(&req)) != 0 ||
	    (r = ms_mon_sign_put(req, ch_frame, sh_frame, server_cert)) != 0 ||
	    (r = mon_call(fd, MS_MON_SIGN, req, &ans)) != 0)
		goto out;
	if ((r = ms_mon_sign_answer_parse(ans, sig)) != 0)
		error_fr(r, "monitor sign answer");
 out:
	msbuf_free(req);
	msbuf_free(ans);
	return r;
}

/* AUTH and RESUME: the same layout both ways (PROTOCOL.md 11). */
static int
auth_call(int fd, uint8_t type, const struct msbuf *transcript_tail,
    const struct msbuf *client_verify, int finished_ok, uint32_t *statusp,
    char *principal, size_t principal_size)
{
	struct msbuf *req = NULL, *ans = NULL;
	char name[MS_PRINCIPAL_MAX + 1];
	int r;

	*statusp = MS_ST_AUTH_FAILED;
	if (principal_size > 0)
		principal[0] = '\0';
	if ((r = new_req(&req)) != 0 ||
	    (r = ms_mon_auth_put(req, transcript_tail, client_verify,
	    finished_ok)) != 0 ||
	    (r = mon_call(fd, type, req, &ans)) != 0)
		goto out;
	if ((r = ms_mon_auth_answer_parse(ans, statusp, name)) != 0) {
		error_fr(r, "monitor auth answer");
		*statusp = MS_ST_AUTH_FAILED;
		goto out;
	}
	if (*statusp == MS_ST_OK && strlen(name) >= principal_size) {
		error_f("monitor auth answer: OK without a usable principal");
		*statusp = MS_ST_AUTH_FAILED;
		r = MS_ERR_INVALID_FORMAT;
		goto out;
	}
	if (principal_size > 0)
		strlcpy(principal, name, principal_size);
 out:
	msbuf_free(req);
	msbuf_free(ans);
	return r;
}

int
mw_auth(int fd, const struct msbuf *transcript_tail,
    const struct msbuf *client_verify, int finished_ok, uint32_t *statusp,
    char *principal, size_t principal_size)
{
	return auth_call(fd, MS_MON_AUTH, transcript_tail, client_verify,
	    finished_ok, statusp, principal, principal_size);
}

int
mw_resume(int fd, const struct msbuf *transcript_tail,
    const struct msbuf *resume_verify, int finished_ok, uint32_t *statusp,
    char *principal, size_t principal_size)
{
	return auth_call(fd, MS_MON_RESUME, transcript_tail, resume_verify,
	    finished_ok, statusp, principal, principal_size);
}

int
mw_ticket(int fd, struct msbuf *ticket, uint32_t *lifetimep)
{
	struct msbuf *req = NULL, *ans = NULL;
	struct ms_new_ticket t;
	int r;

	*lifetimep = 0;
	msbuf_reset(ticket);
	if ((r = new_req(&req)) != 0 ||
	    (r = mon_call(fd, MS_MON_TICKET, req, &ans)) != 0)
		goto out;
	if ((r = ms_mon_ticket_answer_parse(ans, &t)) != 0) {
		error_fr(r, "monitor ticket answer");
		goto out;
	}
	if ((r = msbuf_put(ticket, t.ticket, t.ticket_len)) != 0)
		goto out;
	*lifetimep = t.lifetime;
 out:
	msbuf_free(req);
	msbuf_free(ans);
	return r;
}

int
mw_open(int fd, const char *path, uint8_t access, uint32_t *statusp)
{
	struct msbuf *req = NULL;
	int r;

	if ((r = new_req(&req)) == 0 &&
	    (r = ms_mon_open_put(req, path, access)) == 0)
		r = status_call(fd, MS_MON_OPEN, "open", req, statusp);
	msbuf_free(req);
	return r;
}

void
mw_value_clear(struct mw_value *v)
{
	if (v->value != NULL)
		freezero(v->value, v->len + 1);
	explicit_bzero(v, sizeof(*v));
}

int
mw_get(int fd, const char *path, const char *record, uint32_t *statusp,
    struct mw_value *out)
{
	struct msbuf *req = NULL, *ans = NULL;
	struct ms_mon_value v;
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = new_req(&req)) != 0 ||
	    (r = ms_mon_get_put(req, path, record)) != 0 ||
	    (r = mon_call(fd, MS_MON_GET, req, &ans)) != 0)
		goto out;
	if ((r = ms_mon_get_answer_parse(ans, statusp, &v)) != 0) {
		error_fr(r, "monitor get answer");
		goto out;
	}
	out->flags = v.flags;
	out->version = v.version;
	out->mtime = v.mtime;
	out->value = v.value;
	out->len = v.len;
	explicit_bzero(&v, sizeof(v));
 out:
	msbuf_free(req);
	msbuf_free(ans);
	return r;
}

int
mw_set(int fd, const char *path, const char *record, uint8_t flags,
    const u_char *value, size_t len, uint32_t *statusp, uint64_t *versionp)
{
	struct msbuf *req = NULL, *ans = NULL;
	int r;

	*versionp = 0;
	if ((r = new_req(&req)) != 0 ||
	    (r = ms_mon_set_put(req, path, record, flags, value, len)) != 0 ||
	    (r = mon_call(fd, MS_MON_SET, req, &ans)) != 0)
		goto out;
	if ((r = ms_mon_set_answer_parse(ans, statusp, versionp)) != 0)
		error_fr(r, "monitor set answer");
 out:
	msbuf_free(req);	/* wipes the plaintext value */
	msbuf_free(ans);
	return r;
}

int
mw_delete(int fd, const char *path, const char *record, uint32_t *statusp)
{
	struct msbuf *req = NULL;
	int r;

	if ((r = new_req(&req)) == 0 &&
	    (r = ms_mon_delete_put(req, path, record)) == 0)
		r = status_call(fd, MS_MON_DELETE, "delete", req, statusp);
	msbuf_free(req);
	return r;
}

/*
 * The rest of ans, once parse (msg_list.c) has checked it whole, copied to
 * result verbatim: the client gets the monitor's entries as they are.
 */
static int
copy_checked(struct msbuf *ans, struct msbuf *result,
    int (*parse)(struct msbuf *, int), int arg)
{
	const u_char *p = msbuf_ptr(ans);
	size_t len = msbuf_len(ans);
	int r;

	if ((r = parse(ans, arg)) != 0)
		return r;
	return msbuf_put(result, p, len);
}

/*
 * After parse_list / parse_acl: a put error on 'result' means the result
 * does not fit in one response, which is the client's LIMIT_REACHED and
 * no monitor failure; any other error is a malformed answer.
 */
static int
result_status(int r, const char *what, uint32_t *statusp,
    struct msbuf *result)
{
	if (r == MS_ERR_NO_BUFFER_SPACE) {
		verbose_f("monitor %s result does not fit one response", what);
		msbuf_reset(result);
		*statusp = MS_ST_LIMIT_REACHED;
		return 0;
	}
	if (r != 0)
		error_fr(r, "monitor %s answer", what);
	return r;
}

/* list_flags says the form: LONG entries, and a PAGED result's more. */
static int
check_list(struct msbuf *ans, int list_flags)
{
	int long_form = (list_flags & MS_LIST_LONG) != 0;

	if (list_flags & MS_LIST_PAGED)
		return ms_list_page_parse(ans, long_form, NULL, NULL);
	return ms_list_result_parse(ans, long_form, NULL);
}

static int
parse_list(struct msbuf *ans, struct msbuf *result, int list_flags)
{
	return copy_checked(ans, result, check_list, list_flags);
}

int
mw_list(int fd, const char *path, uint8_t list_flags,
    const struct ms_list_cursor *cursor, uint32_t *statusp,
    struct msbuf *result)
{
	struct msbuf *req = NULL, *ans = NULL;
	int r;

	if ((r = new_req(&req)) != 0 ||
	    (r = ms_mon_list_put(req, path, list_flags, cursor)) != 0 ||
	    (r = mon_call(fd, MS_MON_LIST, req, &ans)) != 0)
		goto out;
	if ((r = ms_mon_status_get(ans, statusp)) != 0) {
		error_fr(r, "monitor list answer");
		goto out;
	}
	if (*statusp != MS_ST_OK)
		goto out;
	if ((r = parse_list(ans, result, list_flags)) == 0)
		r = expect_end(ans, "list");
	r = result_status(r, "list", statusp, result);
 out:
	msbuf_free(req);
	msbuf_free(ans);
	return r;
}

static int
check_acl(struct msbuf *ans, int unused)
{
	return ms_acl_result_parse(ans, NULL);
}

static int
parse_acl(struct msbuf *ans, struct msbuf *result)
{
	return copy_checked(ans, result, check_acl, 0);
}

int
mw_getacl(int fd, const char *path, uint32_t *statusp, struct msbuf *result)
{
	struct msbuf *req = NULL, *ans = NULL;
	int r;

	if ((r = new_req(&req)) != 0 ||
	    (r = ms_mon_getacl_put(req, path)) != 0 ||
	    (r = mon_call(fd, MS_MON_GETACL, req, &ans)) != 0)
		goto out;
	if ((r = ms_mon_status_get(ans, statusp)) != 0) {
		error_fr(r, "monitor getacl answer");
		goto out;
	}
	if (*statusp != MS_ST_OK)
		goto out;
	if ((r = parse_acl(ans, result)) == 0)
		r = expect_end(ans, "getacl");
	r = result_status(r, "getacl", statusp, result);
 out:
	msbuf_free(req);
	msbuf_free(ans);
	return r;
}

int
mw_setacl(int fd, const char *path, uint8_t inherit, uint8_t sensitive,
    uint32_t n, const struct msbuf *entries, uint32_t *statusp)
{
	struct msbuf *req = NULL;
	int r;

	if ((r = new_req(&req)) == 0 &&
	    (r = ms_mon_setacl_put(req, path, inherit, sensitive, n,
	    entries)) == 0)
		r = status_call(fd, MS_MON_SETACL, "setacl", req, statusp);
	msbuf_free(req);
	return r;
}

int
mw_status(int fd, uint32_t *statusp, char **principalp, char **versionp,
    uint64_t usage[4])
{
	struct msbuf *req = NULL, *ans = NULL;
	struct ms_mon_status st;
	int r;

	*principalp = *versionp = NULL;
	if ((r = new_req(&req)) != 0 ||
	    (r = mon_call(fd, MS_MON_STATUS, req, &ans)) != 0)
		goto out;
	if ((r = ms_mon_status_answer_parse(ans, statusp, &st)) != 0) {
		error_fr(r, "monitor status answer");
		goto out;
	}
	*principalp = st.principal;
	*versionp = st.version;
	memcpy(usage, st.usage, sizeof(st.usage));
 out:
	msbuf_free(req);
	msbuf_free(ans);
	return r;
}
