/*
 * path.h — syntax of node paths and record names (PROTOCOL.md section 8),
 * shared by the client (to refuse bad input early) and the monitor (which
 * is the authority and re-checks everything).
 *
 * A path is absolute and '/'-separated: "/" is the root, "/a/b" a node.
 * No trailing '/' except the root, no empty, "." or ".." segments, at most
 * MS_PATH_MAX bytes and MS_PATH_SEGMENT_MAX bytes per segment.
 * A record name is 1..MS_RECORD_NAME_MAX bytes without '/'.
 * Both are printable UTF-8: well-formed shortest-form sequences only, no
 * surrogates, nothing above U+10FFFF, and no control characters (C0,
 * DEL and C1, i.e. U+0000..U+001F and U+007F..U+009F).
 */
#ifndef MS_PATH_H
#define MS_PATH_H

#include <stddef.h>

#include "mslimits.h"	/* MS_PATH_MAX, MS_RECORD_NAME_MAX, MS_VALUE_MAX */

/* 0 when the len bytes at path form a valid path, else MS_ERR_INVALID_ARGUMENT. */
int	ms_path_valid(const char *path, size_t len);
/* 0 when the len bytes at name form a valid record name, else MS_ERR_INVALID_ARGUMENT. */
int	ms_record_name_valid(const char *name, size_t len);
/* 1 when the NUL-terminated path is the root "/". */
int	ms_path_is_root(const char *path);
/*
 * Write the parent of the NUL-terminated valid path into out ("/a/b" ->
 * "/a", "/a" -> "/").  MS_ERR_INVALID_ARGUMENT for an invalid path or the
 * root (which has no parent), MS_ERR_NO_BUFFER_SPACE when outlen is too small.
 */
int	ms_path_parent(const char *path, char *out, size_t outlen);

#endif /* MS_PATH_H */
