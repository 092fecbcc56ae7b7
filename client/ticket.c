/*
 * ticket.c — resumption tickets on the client side (PROTOCOL.md 4.5):
 * the opaque ticket with its resumption secret, export and import for the
 * application, and the optional cache file of metasafe_connect_auth.
 *
 * A ticket is a credential: whoever holds it and its secret can resume
 * the login once.  It is wiped when freed, written only where the
 * application asks (a hook, or ResumptionCache), and a cache file that
 * anyone but its owner could read is refused.
 *
 * The exported form is common/msg_ticket.c's.
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "errors.h"
#include "log.h"
#include "metasafe.h"
#include "msg_ticket.h"
#include "msclient.h"

void
metasafe_ticket_free(struct metasafe_ticket *t)
{
	if (t != NULL)
		freezero(t, sizeof(*t));
}

int
metasafe_ticket_export(const struct metasafe_ticket *t, unsigned char *buf,
    size_t bufsz, size_t *lenp)
{
	struct ms_ticket_export e;
	struct msbuf *b;
	int r;

	if (lenp != NULL)
		*lenp = 0;
	if (t == NULL || buf == NULL || lenp == NULL)
		return METASAFE_ERR_USAGE;
	if ((b = msbuf_new(METASAFE_TICKET_EXPORT_MAX)) == NULL)
		return METASAFE_ERR_NOMEM;
	memset(&e, 0, sizeof(e));
	e.expires = t->expires;
	strlcpy(e.server, t->server, sizeof(e.server));
	memcpy(e.res, t->res, sizeof(e.res));
	e.ticket = t->ticket;
	e.ticket_len = t->len;
	if (ms_ticket_export_put(b, &e) != 0)
		r = METASAFE_ERR_INTERNAL;
	else if (msbuf_len(b) > bufsz)
		r = METASAFE_ERR_INVALID;
	else {
		memcpy(buf, msbuf_ptr(b), msbuf_len(b));
		*lenp = msbuf_len(b);
		r = 0;
	}
	explicit_bzero(&e, sizeof(e));
	msbuf_free(b);
	return r;
}

int
metasafe_ticket_import(const unsigned char *buf, size_t len,
    struct metasafe_ticket **tp)
{
	struct ms_ticket_export e;
	struct metasafe_ticket *t;
	struct msbuf *b;
	int r;

	if (tp == NULL)
		return METASAFE_ERR_USAGE;
	*tp = NULL;
	if (buf == NULL || len == 0 || len > METASAFE_TICKET_EXPORT_MAX)
		return METASAFE_ERR_INVALID;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return METASAFE_ERR_NOMEM;
	if ((b = msbuf_from(buf, len)) == NULL) {
		metasafe_ticket_free(t);
		return METASAFE_ERR_NOMEM;
	}
	if ((r = ms_ticket_export_parse(b, &e)) == 0) {
		t->expires = e.expires;
		strlcpy(t->server, e.server, sizeof(t->server));
		memcpy(t->res, e.res, sizeof(t->res));
		memcpy(t->ticket, e.ticket, e.ticket_len);
		t->len = e.ticket_len;
	}
	explicit_bzero(&e, sizeof(e));
	msbuf_free(b);
	if (r != 0) {
		metasafe_ticket_free(t);
		return METASAFE_ERR_INVALID;
	}
	*tp = t;
	return 0;
}

struct metasafe_ticket *
metasafe_take_ticket(struct metasafe_conn *c)
{
	struct metasafe_ticket *t;

	if (c == NULL)
		return NULL;
	t = c->new_ticket;
	c->new_ticket = NULL;
	return t;
}

int
metasafe_resumed(const struct metasafe_conn *c)
{
	return c != NULL && c->resumed;
}

int
cl_ticket_for(struct metasafe_conn *c, const struct metasafe_ticket *t,
    struct metasafe_ticket **outp)
{
	char server[sizeof(t->server)];

	*outp = NULL;
	if (t == NULL || t->len == 0)
		return 0;
	if (cl_kh_hostname(c->host, c->port, server, sizeof(server)) != 0 ||
	    strcmp(server, t->server) != 0) {
		debug_f("ticket is for %s, not this server", t->server);
		return 0;
	}
	if ((uint64_t)time(NULL) >= t->expires) {
		debug_f("ticket expired");
		return 0;
	}
	if ((*outp = malloc(sizeof(**outp))) == NULL)
		return METASAFE_ERR_NOMEM;
	memcpy(*outp, t, sizeof(**outp));
	return 0;
}

int
cl_ticket_new(struct metasafe_conn *c, uint32_t lifetime,
    const u_char *ticket, size_t len)
{
	struct metasafe_ticket *t;

	if (len == 0 || len > MS_TICKET_MAX)
		return METASAFE_ERR_PROTOCOL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return METASAFE_ERR_NOMEM;
	if (cl_kh_hostname(c->host, c->port, t->server,
	    sizeof(t->server)) != 0) {
		metasafe_ticket_free(t);
		return METASAFE_ERR_INVALID;
	}
	t->expires = (uint64_t)time(NULL) + lifetime;
	memcpy(t->res, c->res_next, sizeof(t->res));
	memcpy(t->ticket, ticket, len);
	t->len = len;
	metasafe_ticket_free(c->new_ticket);
	c->new_ticket = t;
	return 0;
}
