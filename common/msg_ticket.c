/*
 * msg_ticket.c — NEW_TICKET and the monitor's TICKET answer (PROTOCOL.md
 * 4.5, 11), the claims a ticket seals, and the client's exported ticket.
 * Structure only: whether a ticket opens is the monitor's.
 */
#include <sys/types.h>

#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "errors.h"
#include "msg_ticket.h"

static int
ticket_put(struct msbuf *b, uint32_t lifetime, const u_char *ticket,
    size_t len, size_t min)
{
	int r;

	if (len < min || len > MS_TICKET_MAX)
		return MS_ERR_INVALID_ARGUMENT;
	if ((r = msbuf_put_u32(b, lifetime)) != 0 ||
	    (r = msbuf_put_string(b, ticket, len)) != 0)
		return r;
	return 0;
}

static int
ticket_parse(struct msbuf *b, struct ms_new_ticket *t, size_t min)
{
	int r;

	memset(t, 0, sizeof(*t));
	if ((r = msbuf_get_u32(b, &t->lifetime)) != 0 ||
	    (r = msbuf_get_string_direct(b, &t->ticket, &t->ticket_len,
	    MS_TICKET_MAX)) != 0 ||
	    (r = msbuf_expect_end(b)) != 0)
		goto fail;
	if (t->ticket_len < min) {
		r = MS_ERR_INVALID_FORMAT;
		goto fail;
	}
	return 0;
 fail:
	memset(t, 0, sizeof(*t));
	return r == MS_ERR_STRING_TOO_LARGE ? MS_ERR_INVALID_FORMAT : r;
}

int
ms_new_ticket_put(struct msbuf *b, uint32_t lifetime, const u_char *ticket,
    size_t len)
{
	return ticket_put(b, lifetime, ticket, len, 1);
}

int
ms_new_ticket_parse(struct msbuf *b, struct ms_new_ticket *t)
{
	return ticket_parse(b, t, 1);
}

int
ms_mon_ticket_answer_put(struct msbuf *b, uint32_t lifetime,
    const u_char *ticket, size_t len)
{
	return ticket_put(b, lifetime, ticket, len, 0);
}

int
ms_mon_ticket_answer_parse(struct msbuf *b, struct ms_new_ticket *t)
{
	return ticket_parse(b, t, 0);
}

int
ms_ticket_claims_put(struct msbuf *b, const struct ms_ticket_claims *c)
{
	int r;

	if (c->identity_len > MS_TICKET_IDENTITY_MAX)
		return MS_ERR_INVALID_ARGUMENT;
	if ((r = msbuf_put(b, c->id, sizeof(c->id))) != 0 ||
	    (r = msbuf_put_u64(b, c->issued)) != 0 ||
	    (r = msbuf_put_u32(b, c->lifetime)) != 0 ||
	    (r = msbuf_put_u16(b, c->cipher)) != 0 ||
	    (r = msbuf_put(b, c->res, sizeof(c->res))) != 0 ||
	    (r = msbuf_put_cstring(b, c->principal)) != 0 ||
	    (r = msbuf_put_u8(b, c->id_type)) != 0 ||
	    (r = msbuf_put_u64(b, c->not_after)) != 0 ||
	    (r = msbuf_put_string(b, c->identity, c->identity_len)) != 0)
		return r;
	return 0;
}

int
ms_ticket_claims_get(struct msbuf *b, struct ms_ticket_claims *c)
{
	const u_char *p;
	size_t len;
	int r;

	memset(c, 0, sizeof(*c));
	if ((r = msbuf_get(b, c->id, sizeof(c->id))) != 0 ||
	    (r = msbuf_get_u64(b, &c->issued)) != 0 ||
	    (r = msbuf_get_u32(b, &c->lifetime)) != 0 ||
	    (r = msbuf_get_u16(b, &c->cipher)) != 0 ||
	    (r = msbuf_get(b, c->res, sizeof(c->res))) != 0 ||
	    (r = msbuf_get_string_direct(b, &p, &len,
	    MS_PRINCIPAL_MAX)) != 0 ||
	    (r = msbuf_get_u8(b, &c->id_type)) != 0 ||
	    (r = msbuf_get_u64(b, &c->not_after)) != 0 ||
	    (r = msbuf_get_string_direct(b, &c->identity, &c->identity_len,
	    MS_TICKET_IDENTITY_MAX)) != 0 ||
	    (r = msbuf_expect_end(b)) != 0)
		return r;
	if (len == 0 || memchr(p, '\0', len) != NULL)
		return MS_ERR_INVALID_FORMAT;
	memcpy(c->principal, p, len);
	c->principal[len] = '\0';
	return 0;
}

#define EXPORT_MAGIC	"MSTK"
#define EXPORT_VERSION	1

int
ms_ticket_export_put(struct msbuf *b, const struct ms_ticket_export *e)
{
	int r;

	if (e->ticket_len == 0 || e->ticket_len > MS_TICKET_MAX)
		return MS_ERR_INVALID_ARGUMENT;
	if ((r = msbuf_put(b, EXPORT_MAGIC, 4)) != 0 ||
	    (r = msbuf_put_u8(b, EXPORT_VERSION)) != 0 ||
	    (r = msbuf_put_u64(b, e->expires)) != 0 ||
	    (r = msbuf_put_cstring(b, e->server)) != 0 ||
	    (r = msbuf_put_string(b, e->res, sizeof(e->res))) != 0 ||
	    (r = msbuf_put_string(b, e->ticket, e->ticket_len)) != 0)
		return r;
	return 0;
}

int
ms_ticket_export_parse(struct msbuf *b, struct ms_ticket_export *e)
{
	const u_char *p;
	u_char magic[4];
	uint8_t version;
	size_t len;

	memset(e, 0, sizeof(*e));
	if (msbuf_get(b, magic, sizeof(magic)) != 0 ||
	    memcmp(magic, EXPORT_MAGIC, sizeof(magic)) != 0 ||
	    msbuf_get_u8(b, &version) != 0 || version != EXPORT_VERSION ||
	    msbuf_get_u64(b, &e->expires) != 0 ||
	    msbuf_get_string_direct(b, &p, &len, MS_TICKET_SERVER_MAX) != 0 ||
	    len == 0 || memchr(p, '\0', len) != NULL)
		return MS_ERR_INVALID_FORMAT;
	memcpy(e->server, p, len);
	e->server[len] = '\0';
	if (msbuf_get_string_fixed(b, e->res, sizeof(e->res)) != 0 ||
	    msbuf_get_string_direct(b, &e->ticket, &e->ticket_len,
	    MS_TICKET_MAX) != 0 || e->ticket_len == 0 ||
	    msbuf_expect_end(b) != 0) {
		explicit_bzero(e, sizeof(*e));
		return MS_ERR_INVALID_FORMAT;
	}
	return 0;
}
