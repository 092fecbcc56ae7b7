/*
 * msg_list.h — the LIST and GETACL results (PROTOCOL.md 8).  The monitor
 * puts them, the worker checks the monitor's answer with the parser and
 * passes it on verbatim (PROTOCOL.md 11), and the client parses it:
 *
 *   LIST    u32 n_children || name child[n]
 *           || u32 n_records || (name record || u8 flags
 *                                [|| u64 version || u64 mtime])[n]
 *           (version and mtime only in the long form, list_flags LONG)
 *   GETACL  u8 node_flags || u32 n
 *           || (name who || name rights || u8 inherited)[n]
 *
 * A count is bounded by its cap and by what is left of the message over
 * the smallest entry it can stand for, so a short message cannot make a
 * parser allocate much.  Parsers take the whole result (nothing may
 * follow) and check what a client will show: children and records are
 * record names (a child neither "." nor ".."), who and rights follow
 * names.c, flags have no unknown bit and inherited is 0 or 1.
 */
#ifndef MS_MSG_LIST_H
#define MS_MSG_LIST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "mslimits.h"

/* The smallest encodings, from which counts are bounded. */
#define MS_NAME_ENC_MIN		4	/* u32 length of an empty name */
#define MS_LIST_CHILD_MIN	MS_NAME_ENC_MIN
#define MS_LIST_RECORD_MIN	(MS_NAME_ENC_MIN + 1)		/* + flags */
#define MS_LIST_RECORD_LONG_MIN	(MS_LIST_RECORD_MIN + 8 + 8)	/* + version, mtime */
#define MS_ACL_ITEM_MIN		(MS_NAME_ENC_MIN + MS_NAME_ENC_MIN + 1)
/*
 * GETACL lists a node's own entries and those it inherits, so their count
 * may exceed MS_ACL_ENTRIES_MAX: only the message bounds it.
 */
#define MS_GETACL_ITEMS_MAX	UINT32_MAX

/*
 * A LIST page (list_flags PAGED) is cut so that the whole response fits
 * one record: the RESPONSE header (request id, status), the two counts
 * and the 'more' byte, and at most MS_LIST_PAGE_ENTRIES_MAX bytes of
 * entries.  An unpaged LIST whose entries exceed it is LIMIT_REACHED.
 */
#define MS_LIST_PAGE_ENTRIES_MAX \
	(MS_RECORD_PLAINTEXT_MAX - 1 - 4 - 4 - 4 - 4 - 1)

/* Where a page starts: kind MS_LIST_FROM_START (name empty) or after name. */
struct ms_list_cursor {
	uint8_t	 kind;
	char	 name[MS_RECORD_NAME_MAX + 1];	/* NUL-terminated */
	size_t	 len;
};

int	ms_list_cursor_put(struct msbuf *b, const struct ms_list_cursor *c);
int	ms_list_cursor_parse(struct msbuf *b, struct ms_list_cursor *c);

/* A child or a record; name is a view into the parsed buffer, no NUL. */
struct ms_list_item {
	const char	*name;
	size_t		 len;
	uint8_t		 flags;		/* records: MS_REC_* */
	uint64_t	 version;	/* records, long form */
	uint64_t	 mtime;
};

struct ms_list_result {
	size_t			 nchildren;
	struct ms_list_item	*children;
	size_t			 nrecords;
	struct ms_list_item	*records;
};

/* An ACL entry; who and rights are views into the parsed buffer. */
struct ms_acl_item {
	const char	*who;
	size_t		 wholen;
	const char	*rights;
	size_t		 rightslen;
	uint8_t		 inherited;	/* 0 own, 1 from an ancestor */
};

struct ms_acl_result {
	uint8_t			 node_flags;	/* MS_NODE_* */
	size_t			 n;
	struct ms_acl_item	*items;
};

/*
 * The entries are put one at a time into a buffer per kind (children and
 * records come from one store walk in any order); the result is then the
 * counts and those buffers.
 */
int	ms_list_child_put(struct msbuf *b, const char *name, size_t len);
int	ms_list_record_put(struct msbuf *b, int long_form,
	    const struct ms_list_item *e);
int	ms_list_result_put(struct msbuf *b, uint32_t nchildren,
	    const struct msbuf *children, uint32_t nrecords,
	    const struct msbuf *records);
/*
 * Parse a whole LIST result into *l (views into b: keep b unchanged while
 * l is used), or only check it when l is NULL, which allocates nothing.
 */
int	ms_list_result_parse(struct msbuf *b, int long_form,
	    struct ms_list_result *l);
/* A paged result: the same, then u8 more (0 or 1) into *morep. */
int	ms_list_page_parse(struct msbuf *b, int long_form,
	    struct ms_list_result *l, int *morep);
int	ms_list_more_put(struct msbuf *b, int more);
void	ms_list_result_free(struct ms_list_result *l);

int	ms_acl_item_put(struct msbuf *b, const char *who, const char *rights,
	    int inherited);
int	ms_acl_result_put(struct msbuf *b, uint8_t node_flags, uint32_t n,
	    const struct msbuf *items);
/* As ms_list_result_parse, for GETACL. */
int	ms_acl_result_parse(struct msbuf *b, struct ms_acl_result *a);
void	ms_acl_result_free(struct ms_acl_result *a);

#endif /* MS_MSG_LIST_H */
