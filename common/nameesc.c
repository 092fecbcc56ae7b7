/*
 * nameesc.c — unambiguous names for output (nameesc.h).
 */
#include <sys/types.h>

#include <stdio.h>
#include <string.h>

#include "nameesc.h"

/*
 * Length of the well-formed UTF-8 sequence at s (1..4) and its code point,
 * or 0 when s[0] does not start one (Unicode table 3-7).
 */
static size_t
utf8_decode(const u_char *s, size_t len, unsigned long *cpp)
{
	u_char c = s[0], lo = 0x80, hi = 0xbf;
	unsigned long cp;
	size_t n, i;

	if (c < 0x80) {
		*cpp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 1; i < n; i++) {
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	*cpp = cp;
	return n;
}

/* Invisible characters that can reorder or hide what follows them. */
static int
format_char(unsigned long cp)
{
	return (cp >= 0x200b && cp <= 0x200f) ||
	    (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2060 && cp <= 0x2069) || cp == 0xfeff ||
	    (cp >= 0x80 && cp <= 0x9f);
}

int
ms_name_escape(const char *s, char *out, size_t outlen)
{
	const u_char *p = (const u_char *)s;
	size_t len = strlen(s), i = 0, o = 0, n;
	unsigned long cp;
	char esc[16];
	int w;

	while (i < len) {
		n = utf8_decode(p + i, len - i, &cp);
		if (n == 0 || cp <= 0x20 || cp == 0x7f) {
			w = snprintf(esc, sizeof(esc), "\\x%02X", p[i]);
			n = 1;
		} else if (cp == '\\')
			w = snprintf(esc, sizeof(esc), "\\\\");
		else if (format_char(cp))
			w = snprintf(esc, sizeof(esc), "\\u{%04lX}", cp);
		else {
			if (o + n >= outlen)
				return -1;
			memcpy(out + o, p + i, n);
			o += n;
			i += n;
			continue;
		}
		if (w < 0 || o + (size_t)w >= outlen)
			return -1;
		memcpy(out + o, esc, (size_t)w);
		o += (size_t)w;
		i += n;
	}
	if (o >= outlen)
		return -1;
	out[o] = '\0';
	return 0;
}

int
ms_json_string(FILE *f, const char *s)
{
	const u_char *p = (const u_char *)s;
	size_t len = strlen(s), i = 0, n;
	unsigned long cp;
	int r = 0;

	if (putc('"', f) == EOF)
		return -1;
	while (i < len && r >= 0) {
		n = utf8_decode(p + i, len - i, &cp);
		if (n == 0) {
			r = fprintf(f, "\\u%04X", p[i]);
			i++;
			continue;
		}
		switch (cp) {
		case '"':
			r = fputs("\\\"", f);
			break;
		case '\\':
			r = fputs("\\\\", f);
			break;
		case '\b':
			r = fputs("\\b", f);
			break;
		case '\f':
			r = fputs("\\f", f);
			break;
		case '\n':
			r = fputs("\\n", f);
			break;
		case '\r':
			r = fputs("\\r", f);
			break;
		case '\t':
			r = fputs("\\t", f);
			break;
		default:
			if (cp < 0x20 || cp == 0x7f || cp == 0x2028 ||
			    cp == 0x2029)
				r = fprintf(f, "\\u%04lX", cp);
			else
				r = fwrite(p + i, 1, n, f) == n ? 0 : -1;
			break;
		}
		i += n;
	}
	if (r < 0 || putc('"', f) == EOF)
		return -1;
	return 0;
}
