/*
 * msg_mon.c — the monitor <-> worker requests and answers (PROTOCOL.md
 * 11); see msg_mon.h.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "errors.h"
#include "hello.h"
#include "msg_certs.h"
#include "msg_mon.h"
#include "mslimits.h"
#include "proto.h"

int
ms_mon_hello_answer_put(struct msbuf *b, const struct ms_mon_hello *h)
{
	int r;

	if (h->cert_len > MS_SERVER_CERT_MSG_MAX)
		return MS_ERR_INVALID_ARGUMENT;
	if ((r = msbuf_put(b, h->server_random,
	    sizeof(h->server_random))) != 0 ||
	    (r = msbuf_put_string(b, h->host_kex_pub,
	    sizeof(h->host_kex_pub))) != 0 ||
	    (r = msbuf_put_string(b, h->host_sig_pub,
	    sizeof(h->host_sig_pub))) != 0 ||
	    (r = msbuf_put_string(b, h->cert, h->cert_len)) != 0)
		return r;
	return 0;
}

int
ms_mon_hello_answer_parse(struct msbuf *b, struct ms_mon_hello *h)
{
	int r;

	memset(h, 0, sizeof(*h));
	if ((r = msbuf_get(b, h->server_random,
	    sizeof(h->server_random))) != 0 ||
	    (r = msbuf_get_string_fixed(b, h->host_kex_pub,
	    sizeof(h->host_kex_pub))) != 0 ||
	    (r = msbuf_get_string_fixed(b, h->host_sig_pub,
	    sizeof(h->host_sig_pub))) != 0 ||
	    (r = msbuf_get_string_direct(b, &h->cert, &h->cert_len,
	    MS_SERVER_CERT_MSG_MAX)) != 0 ||
	    (r = msbuf_expect_end(b)) != 0 ||
	    (h->cert_len != 0 &&
	    (r = ms_server_certificate_check(h->cert, h->cert_len)) != 0)) {
		memset(h, 0, sizeof(*h));
		return r;
	}
	return 0;
}

static int
hellos_put(struct msbuf *b, const struct msbuf *ch_frame,
    const struct msbuf *sh_frame)
{
	int r;

	if (msbuf_len(ch_frame) > MS_HELLO_FRAME_MAX ||
	    msbuf_len(sh_frame) > MS_HELLO_FRAME_MAX)
		return MS_ERR_INVALID_ARGUMENT;
	if ((r = msbuf_put_stringb(b, ch_frame)) != 0 ||
	    (r = msbuf_put_stringb(b, sh_frame)) != 0)
		return r;
	return 0;
}

/* Both frames, each parsed by the one hello parser (hello.h). */
static int
hellos_get(struct msbuf *b, struct ms_mon_hellos *h)
{
	int r;

	memset(h, 0, sizeof(*h));
	if ((r = msbuf_get_string_direct(b, &h->ch_frame, &h->ch_len,
	    MS_HELLO_FRAME_MAX)) != 0 ||
	    (r = ms_client_hello_parse_frame(h->ch_frame, h->ch_len,
	    &h->ch)) != 0 ||
	    (r = msbuf_get_string_direct(b, &h->sh_frame, &h->sh_len,
	    MS_HELLO_FRAME_MAX)) != 0)
		return r;
	return ms_server_hello_parse_frame(h->sh_frame, h->sh_len, &h->sh);
}

int
ms_mon_decap_put(struct msbuf *b, const struct msbuf *ch_frame,
    const struct msbuf *sh_frame)
{
	return hellos_put(b, ch_frame, sh_frame);
}

int
ms_mon_decap_parse(struct msbuf *b, struct ms_mon_hellos *h)
{
	int r;

	if ((r = hellos_get(b, h)) != 0)
		memset(h, 0, sizeof(*h));
	return r;
}

int
ms_mon_decap_answer_put(struct msbuf *b,
    const u_char static_secret[MS_SHA256_LEN])
{
	return msbuf_put_string(b, static_secret, MS_SHA256_LEN);
}

int
ms_mon_decap_answer_parse(struct msbuf *b,
    u_char static_secret[MS_SHA256_LEN])
{
	int r;

	if ((r = msbuf_get_string_fixed(b, static_secret,
	    MS_SHA256_LEN)) != 0 || (r = msbuf_expect_end(b)) != 0)
		explicit_bzero(static_secret, MS_SHA256_LEN);
	return r;
}

int
ms_mon_sign_put(struct msbuf *b, const struct msbuf *ch_frame,
    const struct msbuf *sh_frame, const struct msbuf *server_cert)
{
	int r;

	if (msbuf_len(server_cert) > MS_SERVER_CERT_MSG_MAX)
		return MS_ERR_INVALID_ARGUMENT;
	if ((r = hellos_put(b, ch_frame, sh_frame)) != 0)
		return r;
	return msbuf_put_stringb(b, server_cert);
}

int
ms_mon_sign_parse(struct msbuf *b, struct ms_mon_hellos *h)
{
	int r;

	if ((r = hellos_get(b, h)) != 0 ||
	    (r = msbuf_get_string_direct(b, &h->cert, &h->cert_len,
	    MS_SERVER_CERT_MSG_MAX)) != 0)
		memset(h, 0, sizeof(*h));
	return r;
}

int
ms_mon_sign_answer_put(struct msbuf *b, const u_char sig[MS_SIG_MAX])
{
	return msbuf_put_string(b, sig, MS_SIG_MAX);
}

int
ms_mon_sign_answer_parse(struct msbuf *b, u_char sig[MS_SIG_MAX])
{
	int r;

	if ((r = msbuf_get_string_fixed(b, sig, MS_SIG_MAX)) != 0 ||
	    (r = msbuf_expect_end(b)) != 0)
		memset(sig, 0, MS_SIG_MAX);
	return r;
}

int
ms_canonical_run_walk(const u_char *run, size_t len,
    int (*cb)(void *arg, const u_char *msg, size_t msglen), void *arg)
{
	struct msbuf *b;
	uint32_t mlen;
	int r = 0;

	if (len == 0)
		return 0;
	if ((b = msbuf_from(run, len)) == NULL)
		return MS_ERR_ALLOC;
	while (msbuf_len(b) > 0) {
		if ((r = msbuf_peek_u32(b, 0, &mlen)) != 0)
			break;
		if (mlen > msbuf_len(b) - 4) {
			r = MS_ERR_INVALID_FORMAT;
			break;
		}
		if ((cb != NULL &&
		    (r = cb(arg, msbuf_ptr(b), 4 + (size_t)mlen)) != 0) ||
		    (r = msbuf_consume(b, 4 + (size_t)mlen)) != 0)
			break;
	}
	msbuf_free(b);
	return r;
}

int
ms_mon_auth_put(struct msbuf *b, const struct msbuf *tail,
    const struct msbuf *client_verify, int finished_ok)
{
	int r;

	if (msbuf_len(tail) > MS_AUTH_TAIL_MAX ||
	    msbuf_len(client_verify) > MS_AUTH_CLIENT_VERIFY_MAX)
		return MS_ERR_INVALID_ARGUMENT;
	if ((r = msbuf_put_stringb(b, tail)) != 0 ||
	    (r = msbuf_put_stringb(b, client_verify)) != 0 ||
	    (r = msbuf_put_u8(b, finished_ok ? 1 : 0)) != 0)
		return r;
	return 0;
}

/*
 * The tail must be whole messages (the worker frames them); what they
 * say is for the monitor's handler to judge.
 */
int
ms_mon_auth_parse(struct msbuf *b, struct ms_mon_auth *a)
{
	int r;

	memset(a, 0, sizeof(*a));
	if ((r = msbuf_get_string_direct(b, &a->tail, &a->tail_len,
	    MS_AUTH_TAIL_MAX)) != 0 ||
	    (r = ms_canonical_run_walk(a->tail, a->tail_len, NULL,
	    NULL)) != 0 ||
	    (r = msbuf_get_string_direct(b, &a->cv, &a->cv_len,
	    MS_AUTH_CLIENT_VERIFY_MAX)) != 0 ||
	    (r = msbuf_get_u8(b, &a->finished_ok)) != 0)
		goto fail;
	if (a->finished_ok > 1) {
		r = MS_ERR_INVALID_FORMAT;
		goto fail;
	}
	return 0;
 fail:
	memset(a, 0, sizeof(*a));
	return r;
}

int
ms_mon_auth_answer_put(struct msbuf *b, uint32_t status,
    const char *principal)
{
	int r;

	if ((r = ms_mon_status_put(b, status)) != 0)
		return r;
	return msbuf_put_cstring(b, principal != NULL ? principal : "");
}

int
ms_mon_auth_answer_parse(struct msbuf *b, uint32_t *statusp,
    char principal[MS_PRINCIPAL_MAX + 1])
{
	const u_char *p;
	size_t len;
	int r;

	principal[0] = '\0';
	if ((r = ms_mon_status_get(b, statusp)) != 0 ||
	    (r = msbuf_get_string_direct(b, &p, &len,
	    MS_PRINCIPAL_MAX)) != 0 ||
	    (r = msbuf_expect_end(b)) != 0)
		return r;
	if (len > 0 && memchr(p, '\0', len) != NULL)
		return MS_ERR_STRING_HAS_NUL;
	/* A login without a principal is no login. */
	if (*statusp == MS_ST_OK && len == 0)
		return MS_ERR_INVALID_FORMAT;
	memcpy(principal, p, len);
	principal[len] = '\0';
	return 0;
}

/* Data requests. */

static int
get_path(struct msbuf *b, struct ms_mon_data *d)
{
	return msbuf_get_cstring(b, &d->path, NULL, MS_PATH_MAX);
}

static int
get_record(struct msbuf *b, struct ms_mon_data *d)
{
	return msbuf_get_cstring(b, &d->record, NULL, MS_RECORD_NAME_MAX);
}

/* The common tail of every data parser: on failure, nothing kept. */
static int
data_done(int r, struct ms_mon_data *d)
{
	if (r != 0)
		ms_mon_data_clear(d);
	return r;
}

int
ms_mon_open_put(struct msbuf *b, const char *path, uint8_t access)
{
	int r;

	if ((r = msbuf_put_cstring(b, path)) != 0)
		return r;
	return msbuf_put_u8(b, access);
}

int
ms_mon_open_parse(struct msbuf *b, struct ms_mon_data *d)
{
	int r;

	memset(d, 0, sizeof(*d));
	if ((r = get_path(b, d)) == 0)
		r = msbuf_get_u8(b, &d->access);
	return data_done(r, d);
}

int
ms_mon_get_put(struct msbuf *b, const char *path, const char *record)
{
	int r;

	if ((r = msbuf_put_cstring(b, path)) != 0)
		return r;
	return msbuf_put_cstring(b, record);
}

int
ms_mon_get_parse(struct msbuf *b, struct ms_mon_data *d)
{
	int r;

	memset(d, 0, sizeof(*d));
	if ((r = get_path(b, d)) == 0)
		r = get_record(b, d);
	return data_done(r, d);
}

int
ms_mon_set_put(struct msbuf *b, const char *path, const char *record,
    uint8_t flags, const u_char *value, size_t len)
{
	int r;

	if (len > MS_VALUE_MAX)
		return MS_ERR_INVALID_ARGUMENT;
	if ((r = msbuf_put_cstring(b, path)) != 0 ||
	    (r = msbuf_put_cstring(b, record)) != 0 ||
	    (r = msbuf_put_u8(b, flags)) != 0 ||
	    (r = msbuf_put_string(b, value, len)) != 0)
		return r;
	return 0;
}

int
ms_mon_set_parse(struct msbuf *b, struct ms_mon_data *d)
{
	int r;

	memset(d, 0, sizeof(*d));
	if ((r = get_path(b, d)) == 0 && (r = get_record(b, d)) == 0 &&
	    (r = msbuf_get_u8(b, &d->flags)) == 0)
		r = msbuf_get_string(b, &d->value, &d->value_len,
		    MS_VALUE_MAX);
	return data_done(r, d);
}

/* DELETE is laid out as GET: name path, name record. */
int
ms_mon_delete_put(struct msbuf *b, const char *path, const char *record)
{
	return ms_mon_get_put(b, path, record);
}

int
ms_mon_delete_parse(struct msbuf *b, struct ms_mon_data *d)
{
	return ms_mon_get_parse(b, d);
}

/* LIST is laid out as OPEN: name path, u8. */
int
ms_mon_list_put(struct msbuf *b, const char *path, uint8_t list_flags,
    const struct ms_list_cursor *cursor)
{
	int r;

	if ((list_flags & MS_LIST_PAGED) && cursor == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if ((r = ms_mon_open_put(b, path, list_flags)) != 0 ||
	    ((list_flags & MS_LIST_PAGED) &&
	    (r = ms_list_cursor_put(b, cursor)) != 0))
		return r;
	return 0;
}

int
ms_mon_list_parse(struct msbuf *b, struct ms_mon_data *d)
{
	int r;

	memset(d, 0, sizeof(*d));
	if ((r = get_path(b, d)) == 0 && msbuf_len(b) > 0)
		r = msbuf_get_u8(b, &d->list_flags);
	if (r == 0 && (d->list_flags & ~MS_LIST_FLAGS_MASK) != 0)
		r = MS_ERR_INVALID_FORMAT;
	if (r == 0 && (d->list_flags & MS_LIST_PAGED))
		r = ms_list_cursor_parse(b, &d->cursor);
	return data_done(r, d);
}

int
ms_mon_getacl_put(struct msbuf *b, const char *path)
{
	return msbuf_put_cstring(b, path);
}

int
ms_mon_getacl_parse(struct msbuf *b, struct ms_mon_data *d)
{
	memset(d, 0, sizeof(*d));
	return data_done(get_path(b, d), d);
}

int
ms_mon_setacl_put(struct msbuf *b, const char *path, uint8_t inherit,
    uint8_t sensitive, uint32_t n, const struct msbuf *entries)
{
	int r;

	if (n > MS_ACL_ENTRIES_MAX)
		return MS_ERR_INVALID_ARGUMENT;
	if ((r = msbuf_put_cstring(b, path)) != 0 ||
	    (r = msbuf_put_u8(b, inherit)) != 0 ||
	    (r = msbuf_put_u8(b, sensitive)) != 0 ||
	    (r = msbuf_put_u32(b, n)) != 0 ||
	    (r = msbuf_putb(b, entries)) != 0)
		return r;
	return 0;
}

/* One entry, copied into the fixed fields (their caps are the fields'). */
static int
get_change(struct msbuf *b, struct ms_mon_acl_change *c)
{
	char *who = NULL, *rights = NULL;
	int r;

	if ((r = msbuf_get_cstring(b, &who, NULL, MS_ACL_WHO_MAX)) == 0 &&
	    (r = msbuf_get_cstring(b, &rights, NULL, MS_RIGHTS_MAX)) == 0) {
		strlcpy(c->who, who, sizeof(c->who));
		strlcpy(c->rights, rights, sizeof(c->rights));
	}
	free(who);
	free(rights);
	return r;
}

int
ms_mon_setacl_parse(struct msbuf *b, struct ms_mon_data *d)
{
	uint32_t i, n;
	int r;

	memset(d, 0, sizeof(*d));
	if ((r = get_path(b, d)) != 0 ||
	    (r = msbuf_get_u8(b, &d->inherit)) != 0 ||
	    (r = msbuf_get_u8(b, &d->sensitive)) != 0 ||
	    (r = msbuf_get_u32(b, &n)) != 0)
		return data_done(r, d);
	if (n > MS_ACL_ENTRIES_MAX || d->inherit > MS_SETACL_UNCHANGED ||
	    d->sensitive > MS_SENSITIVE_UNCHANGED)
		return data_done(MS_ERR_INVALID_FORMAT, d);
	if ((d->changes = calloc(n ? n : 1, sizeof(*d->changes))) == NULL)
		return data_done(MS_ERR_ALLOC, d);
	d->nchanges = n;
	for (i = 0; i < n && r == 0; i++)
		r = get_change(b, &d->changes[i]);
	return data_done(r, d);
}

void
ms_mon_data_clear(struct ms_mon_data *d)
{
	free(d->path);
	free(d->record);
	freezero(d->value, d->value_len);
	freezero(d->changes, d->nchanges * sizeof(*d->changes));
	memset(d, 0, sizeof(*d));
}

/* Data answers. */

int
ms_mon_status_put(struct msbuf *b, uint32_t status)
{
	return msbuf_put_u32(b, status);
}

int
ms_mon_status_get(struct msbuf *b, uint32_t *statusp)
{
	int r;

	if ((r = msbuf_get_u32(b, statusp)) != 0)
		return r;
	return *statusp > MS_ST_MAX ? MS_ERR_INVALID_FORMAT : 0;
}

int
ms_mon_status_parse(struct msbuf *b, uint32_t *statusp)
{
	int r;

	if ((r = ms_mon_status_get(b, statusp)) != 0)
		return r;
	return msbuf_expect_end(b);
}

int
ms_mon_get_answer_put(struct msbuf *b, uint32_t status,
    const struct ms_mon_value *v)
{
	int r;

	if ((r = ms_mon_status_put(b, status)) != 0 || status != MS_ST_OK)
		return r;
	if ((r = msbuf_put_u8(b, v->flags)) != 0 ||
	    (r = msbuf_put_u64(b, v->version)) != 0 ||
	    (r = msbuf_put_u64(b, v->mtime)) != 0 ||
	    (r = msbuf_put_string(b, v->value, v->len)) != 0)
		return r;
	return 0;
}

int
ms_mon_get_answer_parse(struct msbuf *b, uint32_t *statusp,
    struct ms_mon_value *v)
{
	int r;

	memset(v, 0, sizeof(*v));
	if ((r = ms_mon_status_get(b, statusp)) != 0)
		return r;
	if (*statusp == MS_ST_OK &&
	    ((r = msbuf_get_u8(b, &v->flags)) != 0 ||
	    (r = msbuf_get_u64(b, &v->version)) != 0 ||
	    (r = msbuf_get_u64(b, &v->mtime)) != 0 ||
	    (r = msbuf_get_string(b, &v->value, &v->len, MS_VALUE_MAX)) != 0))
		goto fail;
	if ((r = msbuf_expect_end(b)) != 0)
		goto fail;
	if ((v->flags & ~MS_REC_FLAGS_MASK) != 0) {
		r = MS_ERR_INVALID_FORMAT;
		goto fail;
	}
	return 0;
 fail:
	ms_mon_value_clear(v);
	return r;
}

void
ms_mon_value_clear(struct ms_mon_value *v)
{
	if (v->value != NULL)
		freezero(v->value, v->len + 1);	/* with its NUL */
	explicit_bzero(v, sizeof(*v));
}

int
ms_mon_set_answer_put(struct msbuf *b, uint32_t status, uint64_t version)
{
	int r;

	if ((r = ms_mon_status_put(b, status)) != 0 || status != MS_ST_OK)
		return r;
	return msbuf_put_u64(b, version);
}

int
ms_mon_set_answer_parse(struct msbuf *b, uint32_t *statusp,
    uint64_t *versionp)
{
	int r;

	*versionp = 0;
	if ((r = ms_mon_status_get(b, statusp)) != 0 ||
	    (*statusp == MS_ST_OK &&
	    (r = msbuf_get_u64(b, versionp)) != 0) ||
	    (r = msbuf_expect_end(b)) != 0)
		*versionp = 0;
	return r;
}

int
ms_mon_status_answer_put(struct msbuf *b, uint32_t status,
    const char *principal, const char *version, const uint64_t usage[4])
{
	int r, i;

	if ((r = ms_mon_status_put(b, status)) != 0 || status != MS_ST_OK)
		return r;
	if ((r = msbuf_put_cstring(b, principal)) != 0 ||
	    (r = msbuf_put_cstring(b, version)) != 0)
		return r;
	for (i = 0; i < 4; i++) {
		if ((r = msbuf_put_u64(b, usage[i])) != 0)
			return r;
	}
	return 0;
}

int
ms_mon_status_answer_parse(struct msbuf *b, uint32_t *statusp,
    struct ms_mon_status *s)
{
	int r, i;

	memset(s, 0, sizeof(*s));
	if ((r = ms_mon_status_get(b, statusp)) != 0)
		return r;
	if (*statusp == MS_ST_OK) {
		if ((r = msbuf_get_cstring(b, &s->principal, NULL,
		    MS_PRINCIPAL_MAX)) != 0 ||
		    (r = msbuf_get_cstring(b, &s->version, NULL,
		    MS_VERSION_STRING_MAX)) != 0)
			goto fail;
		for (i = 0; i < 4; i++) {
			if ((r = msbuf_get_u64(b, &s->usage[i])) != 0)
				goto fail;
		}
	}
	if ((r = msbuf_expect_end(b)) != 0)
		goto fail;
	return 0;
 fail:
	ms_mon_status_clear(s);
	return r;
}

void
ms_mon_status_clear(struct ms_mon_status *s)
{
	free(s->principal);
	free(s->version);
	memset(s, 0, sizeof(*s));
}
