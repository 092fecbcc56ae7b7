/*
 * errors.c — libmetasafe error codes, messages and CLI exit codes, and the
 * per-connection "last error" text.
 */
#include <sys/types.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "log.h"
#include "metasafe.h"
#include "msclient.h"
#include "proto.h"

static const struct {
	int		 err;
	int		 exit_code;
	const char	*msg;
} cl_errors[] = {
	{ METASAFE_OK,			0, "success" },
	{ METASAFE_ERR_INTERNAL,	1, "internal error in libmetasafe" },
	{ METASAFE_ERR_NOMEM,		1, "out of memory" },
	{ METASAFE_ERR_USAGE,		1, "invalid usage" },
	{ METASAFE_ERR_SYSTEM,		1, "local system error" },
	{ METASAFE_ERR_IDENTITY,	1, "cannot use identity key" },
	{ METASAFE_ERR_PASSPHRASE_REQUIRED, 1,
	    "identity key is encrypted and no passphrase was given" },
	{ METASAFE_ERR_BAD_PASSPHRASE,	1, "incorrect passphrase for identity key" },
	{ METASAFE_ERR_INVALID,		6, "invalid argument" },
	{ METASAFE_ERR_KEY_PERMISSIONS,	1,
	    "identity key file is accessible by group or others" },
	{ METASAFE_ERR_CACHE_PERMISSIONS, 1,
	    "resumption cache is not a private file of this user" },
	{ METASAFE_ERR_RESOLVE,		2, "cannot resolve host name" },
	{ METASAFE_ERR_CONNECT,		2, "cannot connect" },
	{ METASAFE_ERR_TIMEOUT,		2, "timed out" },
	{ METASAFE_ERR_CLOSED,		2, "connection closed by server" },
	{ METASAFE_ERR_PROTOCOL,	2, "server violated the protocol" },
	{ METASAFE_ERR_HANDSHAKE,	2, "handshake failed" },
	{ METASAFE_ERR_HOSTKEY_CHANGED,	2, "host key has changed" },
	{ METASAFE_ERR_HOSTKEY_UNKNOWN,	2, "host key is not known" },
	{ METASAFE_ERR_KNOWN_HOSTS,	2, "cannot use known_hosts file" },
	{ METASAFE_ERR_BLOB,		2, "SECURE value failed verification" },
	{ METASAFE_ERR_BROKEN,		2, "connection is no longer usable" },
	{ METASAFE_ERR_LIMIT,		2, "per-key record limit reached" },
	{ METASAFE_ERR_CERTIFICATE,	1,
	    "certificate file unusable or not matching the identity key" },
	{ METASAFE_ERR_SERVER_CERT,	2,
	    "server certificate not valid for this host" },
	{ METASAFE_ERR_ACCESS_DENIED,	4, "access denied" },
	{ METASAFE_ERR_PATH_NOT_FOUND,	5, "path not found" },
	{ METASAFE_ERR_RECORD_NOT_FOUND, 5, "record not found" },
	{ METASAFE_ERR_BAD_HANDLE,	6, "bad handle" },
	{ METASAFE_ERR_PATH_BUSY,	6, "path busy" },
	{ METASAFE_ERR_INVALID_ARGUMENT, 6, "invalid argument" },
	{ METASAFE_ERR_PROTOCOL_ERROR,	2, "server reports a protocol error" },
	{ METASAFE_ERR_INTERNAL_ERROR,	2, "server internal error" },
	{ METASAFE_ERR_AUTH_FAILED,	3, "authentication failed" },
	{ METASAFE_ERR_VERSION_MISMATCH, 2, "protocol version mismatch" },
	{ METASAFE_ERR_NO_COMMON_SUITE,	2, "no common cipher suite" },
	{ METASAFE_ERR_HANDSHAKE_FAILED, 2, "server reports handshake failure" },
	{ METASAFE_ERR_SERVER_TIMEOUT,	2, "server timed out" },
	{ METASAFE_ERR_LIMIT_REACHED,	2, "server limit reached" },
	{ METASAFE_ERR_SHUTTING_DOWN,	2, "server is shutting down" },
	{ METASAFE_ERR_STORE_FULL,	7, "store full" },
	{ METASAFE_ERR_STORE_UNAVAILABLE, 8,
	    "store unavailable on the server (not writable, or its cluster "
	    "did not answer in time)" },
	{ METASAFE_ERR_UNKNOWN_STATUS,	2, "unknown status from server" },
};

const char *
metasafe_strerror(int err)
{
	size_t i;

	for (i = 0; i < sizeof(cl_errors) / sizeof(cl_errors[0]); i++) {
		if (cl_errors[i].err == err)
			return cl_errors[i].msg;
	}
	return "unknown error";
}

int
metasafe_exit_code(int err)
{
	size_t i;

	for (i = 0; i < sizeof(cl_errors) / sizeof(cl_errors[0]); i++) {
		if (cl_errors[i].err == err)
			return cl_errors[i].exit_code;
	}
	return 1;
}

/* A wire status (PROTOCOL.md 7) as a library error. */
int
cl_status_err(uint32_t status)
{
	if (status == MS_ST_OK)
		return METASAFE_OK;
	if (status > MS_ST_MAX)
		return METASAFE_ERR_UNKNOWN_STATUS;
	return METASAFE_ERR_STATUS_BASE - (int)status;
}

/* An internal MS_ERR_* code from common/ as a library error. */
int
cl_map_err(int r)
{
	switch (r) {
	case MS_OK:
		return METASAFE_OK;
	case MS_ERR_ALLOC:
		return METASAFE_ERR_NOMEM;
	case MS_ERR_TIMEOUT:
		return METASAFE_ERR_TIMEOUT;
	case MS_ERR_CONN_CLOSED:
	case MS_ERR_MESSAGE_INCOMPLETE:
		return METASAFE_ERR_CLOSED;
	case MS_ERR_INVALID_FORMAT:
	case MS_ERR_STRING_TOO_LARGE:
	case MS_ERR_STRING_HAS_NUL:
	case MS_ERR_FRAME_TOO_LARGE:
	case MS_ERR_PROTOCOL:
		return METASAFE_ERR_PROTOCOL;
	case MS_ERR_MAC_INVALID:
	case MS_ERR_SIGNATURE_INVALID:
	case MS_ERR_KEY_INVALID:
		return METASAFE_ERR_HANDSHAKE;
	case MS_ERR_SYSTEM:
		return METASAFE_ERR_SYSTEM;
	case MS_ERR_LIMIT:
		return METASAFE_ERR_LIMIT;
	case MS_ERR_INVALID_ARGUMENT:
		return METASAFE_ERR_INVALID;
	default:
		return METASAFE_ERR_INTERNAL;
	}
}

void
cl_sanitize(char *dst, size_t dstlen, const u_char *src, size_t len)
{
	size_t i, o = 0;

	if (dstlen == 0)
		return;
	for (i = 0; i < len && o + 1 < dstlen; i++)
		dst[o++] = (src[i] >= 0x20 && src[i] < 0x7f) ? (char)src[i] : '?';
	dst[o] = '\0';
}

static int __attribute__((format(printf, 3, 0)))
cl_vseterr(struct metasafe_conn *c, int r, const char *fmt, va_list ap)
{
	int saved_errno = errno;

	if (c != NULL) {
		if (vsnprintf(c->errmsg, sizeof(c->errmsg), fmt, ap) < 0)
			strlcpy(c->errmsg, metasafe_strerror(r),
			    sizeof(c->errmsg));
		debug_f("error %d: %s", r, c->errmsg);
	}
	errno = saved_errno;
	return r;
}

int
cl_seterr(struct metasafe_conn *c, int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	r = cl_vseterr(c, r, fmt, ap);
	va_end(ap);
	return r;
}

int
cl_fatal(struct metasafe_conn *c, int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	r = cl_vseterr(c, r, fmt, ap);
	va_end(ap);
	if (c != NULL)
		c->state = CL_STATE_BROKEN;
	return r;
}

int
cl_ret(struct metasafe_conn *c, int r)
{
	if (r != 0 && c != NULL && c->errmsg[0] == '\0')
		strlcpy(c->errmsg, metasafe_strerror(r), sizeof(c->errmsg));
	return r;
}

void
cl_clearerr(struct metasafe_conn *c)
{
	if (c != NULL)
		c->errmsg[0] = '\0';
}

const char *
metasafe_last_error_message(const struct metasafe_conn *c)
{
	return c == NULL ? "" : c->errmsg;
}

int
metasafe_last_status(const struct metasafe_conn *c)
{
	return c == NULL ? -1 : c->last_status;
}

const char *
metasafe_notice(const struct metasafe_conn *c)
{
	if (c == NULL || c->notice[0] == '\0')
		return NULL;
	return c->notice;
}

const char *
metasafe_cipher(const struct metasafe_conn *c)
{
	if (c == NULL || c->cipher == 0)
		return NULL;
	return ms_aead_name(c->alg);
}

static metasafe_debug_fn	*cl_debug_fn;
static void			*cl_debug_ctx;

static void
cl_debug_adapter(enum ms_loglevel level, const char *line, void *ctx)
{
	if (cl_debug_fn != NULL)
		cl_debug_fn((int)level, line, cl_debug_ctx);
}

void
metasafe_set_debug_hook(metasafe_debug_fn *fn, int level, void *ctx)
{
	cl_debug_fn = fn;
	cl_debug_ctx = ctx;
	if (fn == NULL) {
		ms_log_set_handler(NULL, NULL);
		return;
	}
	if (level < MS_LOG_FATAL)
		level = MS_LOG_FATAL;
	if (level > MS_LOG_DEBUG3)
		level = MS_LOG_DEBUG3;
	ms_log_set_level((enum ms_loglevel)level);
	ms_log_set_handler(cl_debug_adapter, NULL);
}
