/*
 * audit.c — building and logging audit lines (audit.h).
 */
#include <sys/types.h>

#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "crypto.h"
#include "log.h"
#include "logfmt.h"
#include "mon.h"
#include "mslimits.h"

static void
append(struct audit_line *a, const char *s)
{
	if (strlcat(a->buf, s, sizeof(a->buf)) >= sizeof(a->buf))
		a->overflow = 1;
}

static void
begin(struct audit_line *a, const char *result, const char *peer,
    const struct mon_peercred *cred, const char *op)
{
	char q[MS_LOG_VALUE_LEN(64)], num[64];

	memset(a, 0, sizeof(*a));
	append(a, "audit: result=");
	append(a, ms_log_value(q, sizeof(q), result));
	append(a, " peer=");
	append(a, ms_log_value(q, sizeof(q), peer));
	if (cred != NULL && cred->set) {
		snprintf(num, sizeof(num), " uid=%lu pid=%ld",
		    (u_long)cred->uid, (long)cred->pid);
		append(a, num);
	}
	append(a, " op=");
	append(a, ms_log_value(q, sizeof(q), op));
}

void
audit_begin(struct audit_line *a, const char *result,
    const struct mon_worker *w, const char *op)
{
	begin(a, result, w->peer, &w->cred, op);
}

void
audit_begin_peer(struct audit_line *a, const char *result, const char *peer,
    const char *op)
{
	begin(a, result, peer, NULL, op);
}

/* KEY_prefix=... KEY_len=N KEY_sha256=HEX: the value, without its bulk. */
static void
add_digest(struct audit_line *a, const char *key, const char *value)
{
	char pre[AUDIT_PREFIX_LEN + 1], q[MS_LOG_VALUE_LEN(AUDIT_PREFIX_LEN)];
	char num[64], hex[2 * MS_SHA256_LEN + 1];
	u_char h[MS_SHA256_LEN];
	size_t i, len = strlen(value);

	if (ms_sha256(value, len, h) != 0) {
		a->overflow = 1;
		return;
	}
	for (i = 0; i < sizeof(h); i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);
	strlcpy(pre, value, sizeof(pre));
	append(a, " ");
	append(a, key);
	append(a, "_prefix=");
	append(a, ms_log_value(q, sizeof(q), pre));
	snprintf(num, sizeof(num), " %s_len=%zu %s_sha256=", key, len, key);
	append(a, num);
	append(a, hex);
}

void
audit_add(struct audit_line *a, const char *key, const char *value)
{
	char q[MS_LOG_VALUE_LEN(MS_PATH_MAX)];

	if (value == NULL)
		return;
	if (++a->nfields > AUDIT_FIELDS_MAX) {
		a->overflow = 1;
		return;
	}
	if (strlen(value) > MS_PATH_MAX ||
	    strlen(ms_log_value(q, sizeof(q), value)) > AUDIT_VALUE_MAX) {
		add_digest(a, key, value);
		return;
	}
	append(a, " ");
	append(a, key);
	append(a, "=");
	append(a, q);
}

void
audit_end(struct audit_line *a)
{
	if (a->overflow)
		error_f("audit line over its budget (a bug): %.200s", a->buf);
	logit("%s", a->buf);
}
