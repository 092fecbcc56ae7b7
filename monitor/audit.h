/*
 * audit.h — the monitor's audit lines.
 *
 * One line per decision, logged at INFO:
 *
 *	audit: result=RESULT peer=ADDR:PORT op=OP field=value ...
 *	audit: result=RESULT peer=unix uid=UID pid=PID op=OP field=value ...
 *
 * (the second for a unix: listener: uid and pid are the kernel's, taken
 * by the monitor at accept).
 * The two fields a reader keys on come first and are the monitor's own
 * (the result of its decision and the peer address from accept()), so a
 * peer-supplied value further along cannot push them out or pose as
 * them.  Every other value goes through ms_log_value() (logfmt.h): quoted
 * and escaped when it is not a plain token.  A line is never cut: a value
 * whose quoted form is longer than AUDIT_VALUE_MAX is logged as its first
 * bytes plus its length and SHA-256 (KEY="prefix..." KEY_len=N
 * KEY_sha256=HEX), which keeps every line within the log's message size.
 * An audit line is a log message that starts with "audit: "; lines the
 * monitor relays from a worker start with "worker PID (PEER): " and so can
 * never be one.
 */
#ifndef MS_AUDIT_H
#define MS_AUDIT_H

#include <stddef.h>

/* Longest quoted value kept whole. */
#define AUDIT_VALUE_MAX		128
/* Bytes of a longer value shown before its length and hash. */
#define AUDIT_PREFIX_LEN	16
/* Fields a line may carry after result, peer and op. */
#define AUDIT_FIELDS_MAX	8
/* The whole line: within common/log.c's message size by construction. */
#define AUDIT_LINE_MAX		1000

struct audit_line {
	char	 buf[AUDIT_LINE_MAX];
	size_t	 nfields;
	int	 overflow;	/* a programming error: logged as such */
};

struct mon_worker;

/* result: "allowed", "denied" or a status name; w: the connection. */
void	audit_begin(struct audit_line *a, const char *result,
	    const struct mon_worker *w, const char *op);
/* The same for a peer that is no worker's (the credential socket). */
void	audit_begin_peer(struct audit_line *a, const char *result,
	    const char *peer, const char *op);
/* key=value, value quoted or shortened as above; NULL value: skipped. */
void	audit_add(struct audit_line *a, const char *key, const char *value);
/* Log the line. */
void	audit_end(struct audit_line *a);

#endif /* MS_AUDIT_H */
