/*
 * errors.c — messages for the MS_ERR_* codes.
 */
#include <errno.h>
#include <string.h>

#include "errors.h"

const char *
ms_err(int r)
{
	switch (r) {
	case MS_OK:
		return "success";
	case MS_ERR_INTERNAL:
		return "unexpected internal error";
	case MS_ERR_ALLOC:
		return "memory allocation failed";
	case MS_ERR_MESSAGE_INCOMPLETE:
		return "message incomplete";
	case MS_ERR_NO_BUFFER_SPACE:
		return "no buffer space";
	case MS_ERR_INVALID_FORMAT:
		return "invalid format";
	case MS_ERR_INVALID_ARGUMENT:
		return "invalid argument";
	case MS_ERR_STRING_TOO_LARGE:
		return "string is too large";
	case MS_ERR_LIBCRYPTO:
		return "error in libcrypto";
	case MS_ERR_MAC_INVALID:
		return "message authentication code incorrect";
	case MS_ERR_KEY_INVALID:
		return "invalid key";
	case MS_ERR_SIGNATURE_INVALID:
		return "incorrect signature";
	case MS_ERR_SYSTEM:
		/* As ssh_err(): the caller logs before errno changes. */
		return errno == 0 ? "system error" : strerror(errno);
	case MS_ERR_CONN_CLOSED:
		return "connection closed";
	case MS_ERR_FRAME_TOO_LARGE:
		return "frame is too large";
	case MS_ERR_BAD_PASSPHRASE:
		return "incorrect passphrase supplied to decrypt private key";
	case MS_ERR_KEY_TYPE_UNKNOWN:
		return "unknown or unsupported key type";
	case MS_ERR_FILE_EXISTS:
		return "file exists";
	case MS_ERR_KEY_FILE_CORRUPT:
		return "invalid or corrupt key file";
	case MS_ERR_TIMEOUT:
		return "operation timed out";
	case MS_ERR_PROTOCOL:
		return "protocol error";
	case MS_ERR_STRING_HAS_NUL:
		return "string contains a NUL byte";
	case MS_ERR_NOT_FOUND:
		return "not found";
	case MS_ERR_PASSPHRASE_REQUIRED:
		return "passphrase required to decrypt private key";
	case MS_ERR_KEY_TYPE_MISMATCH:
		return "key type does not match";
	case MS_ERR_LIMIT:
		return "limit reached";
	case MS_ERR_STORE_KEY_MISMATCH:
		return "store key does not match the store";
	case MS_ERR_SHUTDOWN:
		return "shutting down";
	case MS_ERR_STORE_UNAVAILABLE:
		return "store unavailable";
	default:
		return "unknown error";
	}
}
