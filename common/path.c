/*
 * path.c — validation of node paths and record names.
 *
 * The same code runs in the client and in the monitor, so the two can never
 * disagree on what a name is.  Names reach the store as LMDB keys and the
 * AEAD associated data of SECURE values, and the audit log; refusing
 * anything ambiguous (non-shortest UTF-8, controls, "..") here keeps every
 * later component from having to think about it.
 */

#include <sys/types.h>

#include <string.h>

#include "errors.h"
#include "path.h"

/*
 * Length of the well-formed, printable UTF-8 sequence at s[0..len), or 0
 * when it is not one.  Follows Unicode table 3-7 (well-formed byte
 * sequences), which rules out overlongs, surrogates and > U+10FFFF.
 */
static size_t
utf8_char_len(const u_char *s, size_t len)
{
	u_char c = s[0], lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c < 0x20 || c == 0x7f)
		return 0;		/* C0 control, DEL */
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (c == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;	/* overlong */
		else if (c == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else
		return 0;		/* continuation, 0xc0/0xc1, 0xf5.. */
	if (len < n)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++) {
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	}
	/* C1 controls U+0080..U+009F are 0xc2 0x80..0x9f. */
	if (c == 0xc2 && s[1] <= 0x9f)
		return 0;
	return n;
}

/* Printable UTF-8, and no '/' when nosep is set. */
static int
text_valid(const char *text, size_t len, int nosep)
{
	const u_char *s = (const u_char *)text;
	size_t i, n;

	for (i = 0; i < len; i += n) {
		if ((n = utf8_char_len(s + i, len - i)) == 0)
			return MS_ERR_INVALID_ARGUMENT;
		if (nosep && s[i] == '/')
			return MS_ERR_INVALID_ARGUMENT;
	}
	return 0;
}

static int
segment_valid(const char *seg, size_t len)
{
	if (len == 0 || len > MS_PATH_SEGMENT_MAX)
		return MS_ERR_INVALID_ARGUMENT;
	if ((len == 1 && seg[0] == '.') ||
	    (len == 2 && seg[0] == '.' && seg[1] == '.'))
		return MS_ERR_INVALID_ARGUMENT;
	return 0;
}

int
ms_path_valid(const char *path, size_t len)
{
	size_t i, start;
	int r;

	if (path == NULL || len == 0 || len > MS_PATH_MAX || path[0] != '/')
		return MS_ERR_INVALID_ARGUMENT;
	if ((r = text_valid(path, len, 0)) != 0)
		return r;
	if (len == 1)
		return 0;		/* root */
	/* Every segment, including the last, is followed by '/' or the end. */
	for (start = 1, i = 1; i <= len; i++) {
		if (i < len && path[i] != '/')
			continue;
		if ((r = segment_valid(path + start, i - start)) != 0)
			return r;
		start = i + 1;
	}
	return 0;
}

int
ms_record_name_valid(const char *name, size_t len)
{
	if (name == NULL || len == 0 || len > MS_RECORD_NAME_MAX)
		return MS_ERR_INVALID_ARGUMENT;
	return text_valid(name, len, 1);
}

int
ms_path_is_root(const char *path)
{
	return path != NULL && path[0] == '/' && path[1] == '\0';
}

int
ms_path_parent(const char *path, char *out, size_t outlen)
{
	size_t len;
	const char *slash;

	if (path == NULL || out == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	len = strnlen(path, MS_PATH_MAX + 1);
	if (ms_path_valid(path, len) != 0 || ms_path_is_root(path))
		return MS_ERR_INVALID_ARGUMENT;
	if ((slash = strrchr(path, '/')) == NULL)
		return MS_ERR_INTERNAL;		/* valid paths start with '/' */
	len = slash == path ? 1 : (size_t)(slash - path);
	if (outlen <= len)
		return MS_ERR_NO_BUFFER_SPACE;
	memmove(out, path, len);	/* out may be path */
	out[len] = '\0';
	return 0;
}
