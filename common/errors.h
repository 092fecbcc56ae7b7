/*
 * errors.h — metasafe's internal error codes.
 *
 * Every fallible function returns int: 0 on success, one of the negative
 * MS_ERR_* codes below on failure.  ms_err() turns a code into a message
 * suitable for logs.  These are internal codes; the wire status codes the
 * protocol carries are MS_ST_* in proto.h.
 */
#ifndef MS_ERRORS_H
#define MS_ERRORS_H

#define MS_OK				0
#define MS_ERR_INTERNAL			-1	/* should not happen */
#define MS_ERR_ALLOC			-2	/* out of memory */
#define MS_ERR_MESSAGE_INCOMPLETE	-3	/* get past end of buffer */
#define MS_ERR_NO_BUFFER_SPACE		-4	/* put past buffer's hard cap */
#define MS_ERR_INVALID_FORMAT		-5	/* malformed encoding */
#define MS_ERR_INVALID_ARGUMENT		-6
#define MS_ERR_STRING_TOO_LARGE		-7	/* length prefix above field cap */
#define MS_ERR_LIBCRYPTO		-8	/* an OpenSSL call failed */
#define MS_ERR_MAC_INVALID		-9	/* AEAD tag / HMAC mismatch */
#define MS_ERR_KEY_INVALID		-10	/* bad key, all-zero X25519 output */
#define MS_ERR_SIGNATURE_INVALID	-11
#define MS_ERR_SYSTEM			-12	/* see errno */
#define MS_ERR_CONN_CLOSED		-13	/* EOF from peer */
#define MS_ERR_FRAME_TOO_LARGE		-14	/* frame length above cap */
#define MS_ERR_BAD_PASSPHRASE		-15	/* key file decryption failed */
#define MS_ERR_KEY_TYPE_UNKNOWN		-16
#define MS_ERR_FILE_EXISTS		-17	/* refusing to overwrite */
#define MS_ERR_KEY_FILE_CORRUPT		-18	/* unparseable key file */
#define MS_ERR_TIMEOUT			-19
#define MS_ERR_PROTOCOL			-20	/* peer broke the protocol */
#define MS_ERR_STRING_HAS_NUL		-21	/* embedded NUL in a C string */
#define MS_ERR_NOT_FOUND		-22
#define MS_ERR_PASSPHRASE_REQUIRED	-23	/* encrypted key, none given */
#define MS_ERR_KEY_TYPE_MISMATCH	-24	/* e.g. x25519 where ed25519 needed */
#define MS_ERR_LIMIT			-25	/* a configured limit was reached */
#define MS_ERR_STORE_KEY_MISMATCH	-26	/* no configured StoreKey fits */
#define MS_ERR_SHUTDOWN			-27	/* asked to stop (SIGTERM) */
#define MS_ERR_STORE_UNAVAILABLE	-28	/* the store did not answer in time */
#define MS_ERR_MAX			-28

const char *ms_err(int r);

#endif /* MS_ERRORS_H */
