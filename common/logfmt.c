/*
 * logfmt.c — quoting of peer-supplied values in log fields (logfmt.h).
 */
#include <sys/types.h>

#include <stdio.h>
#include <string.h>

#include "logfmt.h"

/* A byte that can stand in an unquoted value. */
static int
plain_byte(u_char c)
{
	return c > 0x20 && c < 0x7f && c != '"' && c != '%' && c != '\\' &&
	    c != '=';
}

const char *
ms_log_value(char *buf, size_t buflen, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const u_char *p;
	size_t o = 0;
	int plain = 1;

	if (buflen == 0)
		return buf;
	if (s == NULL) {
		strlcpy(buf, "-", buflen);
		return buf;
	}
	for (p = (const u_char *)s; *p != '\0'; p++)
		if (!plain_byte(*p))
			plain = 0;
	if (plain && *s != '\0' && strlen(s) < buflen) {
		memcpy(buf, s, strlen(s) + 1);
		return buf;
	}
	/* Room for the quotes, "..." and the NUL. */
	if (buflen < 6) {
		strlcpy(buf, buflen >= 3 ? "\"\"" : "", buflen);
		return buf;
	}
	buf[o++] = '"';
	for (p = (const u_char *)s; *p != '\0'; p++) {
		if (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '%' &&
		    *p != '\\') {
			if (o + 1 + 5 > buflen)
				goto trunc;
			buf[o++] = (char)*p;
		} else {
			if (o + 3 + 5 > buflen)
				goto trunc;
			buf[o++] = '%';
			buf[o++] = hex[*p >> 4];
			buf[o++] = hex[*p & 0x0f];
		}
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
 trunc:
	memcpy(buf + o, "...\"", 5);
	return buf;
}
