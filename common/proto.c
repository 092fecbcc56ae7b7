/*
 * proto.c — names of the wire status codes (PROTOCOL.md 7).
 */
#include <stddef.h>

#include "proto.h"

static const char *const status_names[MS_ST_MAX + 1] = {
	[MS_ST_OK]		= "OK",
	[MS_ST_ACCESS_DENIED]	= "ACCESS_DENIED",
	[MS_ST_PATH_NOT_FOUND]	= "PATH_NOT_FOUND",
	[MS_ST_RECORD_NOT_FOUND] = "RECORD_NOT_FOUND",
	[MS_ST_BAD_HANDLE]	= "BAD_HANDLE",
	[MS_ST_PATH_BUSY]	= "PATH_BUSY",
	[MS_ST_INVALID_ARGUMENT] = "INVALID_ARGUMENT",
	[MS_ST_PROTOCOL_ERROR]	= "PROTOCOL_ERROR",
	[MS_ST_INTERNAL_ERROR]	= "INTERNAL_ERROR",
	[MS_ST_AUTH_FAILED]	= "AUTH_FAILED",
	[MS_ST_VERSION_MISMATCH] = "VERSION_MISMATCH",
	[MS_ST_NO_COMMON_SUITE]	= "NO_COMMON_SUITE",
	[MS_ST_HANDSHAKE_FAILED] = "HANDSHAKE_FAILED",
	[MS_ST_TIMEOUT]		= "TIMEOUT",
	[MS_ST_LIMIT_REACHED]	= "LIMIT_REACHED",
	[MS_ST_SHUTTING_DOWN]	= "SHUTTING_DOWN",
	[MS_ST_STORE_FULL]	= "STORE_FULL",
	[MS_ST_STORE_UNAVAILABLE] = "STORE_UNAVAILABLE",
};

/* Never NULL: a status from the wire may be anything. */
const char *
ms_status_str(unsigned int status)
{
	if (status > MS_ST_MAX || status_names[status] == NULL)
		return "UNKNOWN_STATUS";
	return status_names[status];
}
