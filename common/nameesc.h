/*
 * nameesc.h — node and record names made unambiguous for output (the
 * metasafe CLI's ls, ls -l and ls --json).
 *
 * Names are printable UTF-8 (path.c), but may hold blanks, brackets and
 * backslashes, so a record named "data [secure]" could pass for a SECURE
 * record named "data".  ms_name_escape() writes:
 *   '\\' as "\\\\"; space, every other byte below 0x21, 0x7f and any byte
 *   that is not part of well-formed UTF-8 as "\\xHH"; the invisible
 *   format characters that can reorder or hide text (U+200B..U+200F,
 *   U+202A..U+202E, U+2060..U+2069, U+FEFF) as "\\u{XXXX}";
 *   everything else as it is.
 * So an escaped name never holds a blank, and " [" after it is always the
 * flag suffix.  ms_json_string() writes a JSON string (RFC 8259): '"' and
 * '\\' escaped, control characters as \\n, \\t ... or \\u00XX, U+2028 and
 * U+2029 as \\u2028/\\u2029, other UTF-8 as it is, and a byte that is not
 * well-formed UTF-8 (which a valid name never holds) as \\u00XX.
 */
#ifndef MS_NAMEESC_H
#define MS_NAMEESC_H

#include <stddef.h>
#include <stdio.h>

/* Escaped s into out (NUL-terminated); -1 if out is too small. */
int	ms_name_escape(const char *s, char *out, size_t outlen);
/* Longest escaped form of n input bytes, with the NUL. */
#define MS_NAME_ESC_LEN(n)	(4 * (n) + 1)
/* The JSON string for s (with its quotes) to f; -1 on a write error. */
int	ms_json_string(FILE *f, const char *s);

#endif /* MS_NAMEESC_H */
