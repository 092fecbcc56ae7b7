/*
 * monwrap.h — the worker's side of the monitor requests (PROTOCOL.md 11).
 *
 * One function per request: write the request frame on the monitor fd,
 * read the answer frame (same type) and parse it strictly.
 *
 * Two vocabularies, never through the same value (worker/README.md
 * "Errors"): the return value is 0 or a negative MS_ERR_* and means only
 * that the monitor failed (transport error or malformed answer); the
 * caller then tells the client INTERNAL_ERROR if it can, and exits, since
 * a worker whose monitor misbehaves cannot serve anything safely.  What
 * the client is told is a protocol status (MS_ST_*) in *statusp, valid
 * when the return value is 0.
 *
 * Answers that carry a u32 status: status values above MS_ST_MAX are
 * malformed.  When the status is not OK the rest of the answer is ignored
 * (section 11 does not say whether result fields follow a failure).
 */
#ifndef MS_MONWRAP_H
#define MS_MONWRAP_H

#include <sys/types.h>

#include <stdint.h>

#include "buf.h"
#include "crypto.h"
#include "proto.h"

struct ms_list_cursor;

/*
 * Handshake.  HELLO puts the monitor's SERVER_CERTIFICATE message
 * (canonical encoding, checked for structure) in server_cert, or leaves it
 * empty when the host has no certificate; SIGN sends the same bytes back.
 */
int	mw_hello(int fd, u_char server_random[MS_RANDOM_LEN],
	    u_char host_kex_pub[32], u_char host_sig_pub[32],
	    struct msbuf *server_cert);
int	mw_decap(int fd, const struct msbuf *ch_frame,
	    const struct msbuf *sh_frame, u_char static_out[MS_SHA256_LEN]);
int	mw_sign(int fd, const struct msbuf *ch_frame,
	    const struct msbuf *sh_frame, const struct msbuf *server_cert,
	    u_char sig[MS_ED25519_SIG_LEN]);
/* principal has room for MS_PRINCIPAL_MAX + 1 bytes. */
int	mw_auth(int fd, const struct msbuf *transcript_tail,
	    const struct msbuf *client_verify, int finished_ok,
	    uint32_t *statusp, char *principal, size_t principal_size);
/* In place of AUTH for a hello with a ticket (PROTOCOL.md 4.5). */
int	mw_resume(int fd, const struct msbuf *transcript_tail,
	    const struct msbuf *resume_verify, int finished_ok,
	    uint32_t *statusp, char *principal, size_t principal_size);
/* After AUTH or RESUME: a sealed ticket, or an empty one (none). */
int	mw_ticket(int fd, struct msbuf *ticket, uint32_t *lifetimep);

/* Data requests: paths, never handles. */
struct mw_value {
	uint8_t		 flags;
	uint64_t	 version;
	uint64_t	 mtime;
	u_char		*value;		/* plaintext, even for SECURE: freezero */
	size_t		 len;
};
void	mw_value_clear(struct mw_value *v);

int	mw_open(int fd, const char *path, uint8_t access, uint32_t *statusp);
int	mw_get(int fd, const char *path, const char *record, uint32_t *statusp,
	    struct mw_value *out);
int	mw_set(int fd, const char *path, const char *record, uint8_t flags,
	    const u_char *value, size_t len, uint32_t *statusp,
	    uint64_t *versionp);
int	mw_delete(int fd, const char *path, const char *record,
	    uint32_t *statusp);
/*
 * LIST / GETACL: on OK the validated result (section 8 encoding) is
 * appended to 'result'.  A result that does not fit there is no monitor
 * failure: *statusp becomes LIMIT_REACHED, 'result' is emptied, and the
 * return value is 0.
 */
int	mw_list(int fd, const char *path, uint8_t list_flags,
	    const struct ms_list_cursor *cursor, uint32_t *statusp,
	    struct msbuf *result);
int	mw_getacl(int fd, const char *path, uint32_t *statusp,
	    struct msbuf *result);
/* entries: n times (name who, name rights), already validated. */
int	mw_setacl(int fd, const char *path, uint8_t inherit, uint8_t sensitive,
	    uint32_t n, const struct msbuf *entries, uint32_t *statusp);
/*
 * *principalp and *versionp are allocated on OK; free them.  usage[]:
 * store used bytes, max bytes, nodes, records.
 */
int	mw_status(int fd, uint32_t *statusp, char **principalp,
	    char **versionp, uint64_t usage[4]);

#endif /* MS_MONWRAP_H */
