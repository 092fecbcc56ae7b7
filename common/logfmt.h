/*
 * logfmt.h — values for "key=value" fields of log and audit lines.
 *
 * A value that comes from a peer (a path, a record name, a certificate
 * subject or issuer) may hold blanks, '=' or quotes and could otherwise
 * fake a field ("record=x result=allowed").  ms_log_value() leaves a plain
 * token as it is and puts anything else in double quotes, with '"', '%',
 * '\' and every byte outside 0x20..0x7e written as %HH (upper-case hex), so
 * a quoted value never holds a quote and a reader can decode it exactly.
 * This is not the audit trail's integrity protection (a later issue); it
 * only keeps one field from posing as another.
 */
#ifndef MS_LOGFMT_H
#define MS_LOGFMT_H

#include <stddef.h>

/* Longest output for an input of n bytes: quotes, %HH each, NUL. */
#define MS_LOG_VALUE_LEN(n)	(3 * (n) + 3)

/*
 * s as a field value in buf (always NUL-terminated; a value that does not
 * fit ends in '...' inside the quotes).  Returns buf.  NULL prints "-".
 */
const char	*ms_log_value(char *buf, size_t buflen, const char *s);

#endif /* MS_LOGFMT_H */
