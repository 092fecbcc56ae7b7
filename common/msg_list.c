/*
 * msg_list.c — the LIST and GETACL results (PROTOCOL.md 8, 11); see
 * msg_list.h.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "errors.h"
#include "msg_list.h"
#include "mslimits.h"
#include "names.h"
#include "path.h"
#include "proto.h"

/* --- shared ------------------------------------------------------------- */

/*
 * A count of entries that each take at least min_size bytes: above cap,
 * or more than what is left could hold, the message is malformed.
 */
static int
get_count(struct msbuf *b, uint32_t cap, size_t min_size, size_t *np)
{
	uint32_t n;
	int r;

	*np = 0;
	if ((r = msbuf_get_u32(b, &n)) != 0)
		return r;
	if (n > cap || n > msbuf_len(b) / min_size)
		return MS_ERR_INVALID_FORMAT;
	*np = n;
	return 0;
}


/* --- LIST --------------------------------------------------------------- */

static int
list_name_valid(const char *name, size_t len, int child)
{
	if (ms_record_name_valid(name, len) != 0)
		return 0;
	if (child && ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.')))
		return 0;
	return 1;
}

int
ms_list_child_put(struct msbuf *b, const char *name, size_t len)
{
	if (len > MS_RECORD_NAME_MAX)
		return MS_ERR_STRING_TOO_LARGE;
	return msbuf_put_string(b, name, len);
}

int
ms_list_record_put(struct msbuf *b, int long_form,
    const struct ms_list_item *e)
{
	int r;

	if (e->len > MS_RECORD_NAME_MAX)
		return MS_ERR_STRING_TOO_LARGE;
	if ((e->flags & ~MS_REC_FLAGS_MASK) != 0)
		return MS_ERR_INVALID_ARGUMENT;
	if ((r = msbuf_put_string(b, e->name, e->len)) != 0 ||
	    (r = msbuf_put_u8(b, e->flags)) != 0)
		return r;
	if (!long_form)
		return 0;
	if ((r = msbuf_put_u64(b, e->version)) != 0 ||
	    (r = msbuf_put_u64(b, e->mtime)) != 0)
		return r;
	return 0;
}

int
ms_list_result_put(struct msbuf *b, uint32_t nchildren,
    const struct msbuf *children, uint32_t nrecords,
    const struct msbuf *records)
{
	int r;

	if (nchildren > MS_LIST_MAX || nrecords > MS_LIST_MAX)
		return MS_ERR_LIMIT;
	if ((r = msbuf_put_u32(b, nchildren)) != 0 ||
	    (r = msbuf_putb(b, children)) != 0 ||
	    (r = msbuf_put_u32(b, nrecords)) != 0 ||
	    (r = msbuf_putb(b, records)) != 0)
		return r;
	return 0;
}

/* One child, or one record with its flags (and version, mtime). */
static int
list_item_parse(struct msbuf *b, int child, int long_form,
    struct ms_list_item *e)
{
	int r;

	if ((r = msbuf_get_cstring_direct(b, &e->name, &e->len,
	    MS_RECORD_NAME_MAX)) != 0)
		return r;
	if (!list_name_valid(e->name, e->len, child))
		return MS_ERR_INVALID_FORMAT;
	if (child)
		return 0;
	if ((r = msbuf_get_u8(b, &e->flags)) != 0)
		return r;
	if ((e->flags & ~MS_REC_FLAGS_MASK) != 0)
		return MS_ERR_INVALID_FORMAT;
	if (long_form && ((r = msbuf_get_u64(b, &e->version)) != 0 ||
	    (r = msbuf_get_u64(b, &e->mtime)) != 0))
		return r;
	return 0;
}

/* A count and its entries; into *itemsp unless itemsp is NULL. */
static int
list_items_parse(struct msbuf *b, int child, int long_form,
    struct ms_list_item **itemsp, size_t *np)
{
	struct ms_list_item scratch, *items = NULL;
	size_t i, n, min;
	int r;

	min = child ? MS_LIST_CHILD_MIN : long_form ?
	    MS_LIST_RECORD_LONG_MIN : MS_LIST_RECORD_MIN;
	if ((r = get_count(b, MS_LIST_MAX, min, &n)) != 0)
		return r;
	/* Nothing for none: an empty list cannot fail for memory. */
	if (itemsp != NULL && n > 0 &&
	    (items = calloc(n, sizeof(*items))) == NULL)
		return MS_ERR_ALLOC;
	for (i = 0; i < n; i++) {
		memset(&scratch, 0, sizeof(scratch));
		if ((r = list_item_parse(b, child, long_form,
		    items != NULL ? &items[i] : &scratch)) != 0) {
			free(items);
			return r;
		}
	}
	if (itemsp != NULL) {
		*itemsp = items;
		*np = n;
	}
	return 0;
}

/* The result, then (paged) the more byte; nothing may follow. */
static int
list_parse(struct msbuf *b, int long_form, struct ms_list_result *l,
    int *morep)
{
	struct ms_list_result none;
	uint8_t more = 0;
	int r;

	if (l == NULL)
		l = &none;
	memset(l, 0, sizeof(*l));
	if ((r = list_items_parse(b, 1, long_form, l == &none ? NULL :
	    &l->children, &l->nchildren)) != 0 ||
	    (r = list_items_parse(b, 0, long_form, l == &none ? NULL :
	    &l->records, &l->nrecords)) != 0 ||
	    (morep != NULL && (r = msbuf_get_u8(b, &more)) != 0))
		goto fail;
	if (msbuf_len(b) != 0 || more > 1) {
		r = MS_ERR_INVALID_FORMAT;
		goto fail;
	}
	if (morep != NULL)
		*morep = more;
	return 0;
 fail:
	ms_list_result_free(l);
	return r;
}

int
ms_list_result_parse(struct msbuf *b, int long_form, struct ms_list_result *l)
{
	return list_parse(b, long_form, l, NULL);
}

int
ms_list_page_parse(struct msbuf *b, int long_form, struct ms_list_result *l,
    int *morep)
{
	int more = 0;

	return list_parse(b, long_form, l, morep != NULL ? morep : &more);
}

int
ms_list_more_put(struct msbuf *b, int more)
{
	return msbuf_put_u8(b, more ? 1 : 0);
}

int
ms_list_cursor_put(struct msbuf *b, const struct ms_list_cursor *c)
{
	int r;

	if (c->kind > MS_LIST_AFTER_RECORD || c->len > MS_RECORD_NAME_MAX ||
	    (c->kind == MS_LIST_FROM_START) != (c->len == 0))
		return MS_ERR_INVALID_ARGUMENT;
	if ((r = msbuf_put_u8(b, c->kind)) != 0 ||
	    (r = msbuf_put_string(b, c->name, c->len)) != 0)
		return r;
	return 0;
}

/* A start of page is a valid name of its kind, or nothing at the start. */
int
ms_list_cursor_parse(struct msbuf *b, struct ms_list_cursor *c)
{
	const char *name;
	size_t len;
	int r;

	memset(c, 0, sizeof(*c));
	if ((r = msbuf_get_u8(b, &c->kind)) != 0 ||
	    (r = msbuf_get_cstring_direct(b, &name, &len,
	    MS_RECORD_NAME_MAX)) != 0)
		return r;
	if (c->kind > MS_LIST_AFTER_RECORD ||
	    (c->kind == MS_LIST_FROM_START) != (len == 0) ||
	    (len > 0 && !list_name_valid(name, len,
	    c->kind == MS_LIST_AFTER_CHILD)))
		return MS_ERR_INVALID_FORMAT;
	memcpy(c->name, name, len);
	c->name[len] = '\0';
	c->len = len;
	return 0;
}

void
ms_list_result_free(struct ms_list_result *l)
{
	if (l == NULL)
		return;
	free(l->children);
	free(l->records);
	memset(l, 0, sizeof(*l));
}

/* --- GETACL ------------------------------------------------------------- */

int
ms_acl_item_put(struct msbuf *b, const char *who, const char *rights,
    int inherited)
{
	int r;

	if (strlen(who) > MS_ACL_WHO_MAX || strlen(rights) > MS_RIGHTS_MAX)
		return MS_ERR_STRING_TOO_LARGE;
	if (inherited != 0 && inherited != 1)
		return MS_ERR_INVALID_ARGUMENT;
	if ((r = msbuf_put_cstring(b, who)) != 0 ||
	    (r = msbuf_put_cstring(b, rights)) != 0 ||
	    (r = msbuf_put_u8(b, (uint8_t)inherited)) != 0)
		return r;
	return 0;
}

int
ms_acl_result_put(struct msbuf *b, uint8_t node_flags, uint32_t n,
    const struct msbuf *items)
{
	int r;

	if ((node_flags & ~MS_NODE_FLAGS_MASK) != 0)
		return MS_ERR_INVALID_ARGUMENT;
	if ((r = msbuf_put_u8(b, node_flags)) != 0 ||
	    (r = msbuf_put_u32(b, n)) != 0 ||
	    (r = msbuf_putb(b, items)) != 0)
		return r;
	return 0;
}

/* names.c wants C strings: who and rights are copied to check them. */
static int
acl_item_valid(const struct ms_acl_item *e)
{
	char who[MS_ACL_WHO_MAX + 1], rights[MS_RIGHTS_MAX + 1];

	memcpy(who, e->who, e->wholen);
	who[e->wholen] = '\0';
	memcpy(rights, e->rights, e->rightslen);
	rights[e->rightslen] = '\0';
	return ms_acl_who_valid(who) == 0 &&
	    ms_rights_parse(rights, NULL) == 0 && e->inherited <= 1;
}

static int
acl_item_parse(struct msbuf *b, struct ms_acl_item *e)
{
	int r;

	if ((r = msbuf_get_cstring_direct(b, &e->who, &e->wholen,
	    MS_ACL_WHO_MAX)) != 0 ||
	    (r = msbuf_get_cstring_direct(b, &e->rights, &e->rightslen,
	    MS_RIGHTS_MAX)) != 0 ||
	    (r = msbuf_get_u8(b, &e->inherited)) != 0)
		return r;
	return acl_item_valid(e) ? 0 : MS_ERR_INVALID_FORMAT;
}

int
ms_acl_result_parse(struct msbuf *b, struct ms_acl_result *a)
{
	struct ms_acl_result none;
	struct ms_acl_item scratch;
	size_t i, n;
	int r;

	if (a == NULL)
		a = &none;
	memset(a, 0, sizeof(*a));
	if ((r = msbuf_get_u8(b, &a->node_flags)) != 0)
		goto fail;
	if ((a->node_flags & ~MS_NODE_FLAGS_MASK) != 0) {
		r = MS_ERR_INVALID_FORMAT;
		goto fail;
	}
	if ((r = get_count(b, MS_GETACL_ITEMS_MAX, MS_ACL_ITEM_MIN, &n)) != 0)
		goto fail;
	if (a != &none && n > 0 &&
	    (a->items = calloc(n, sizeof(*a->items))) == NULL) {
		r = MS_ERR_ALLOC;
		goto fail;
	}
	for (i = 0; i < n; i++) {
		memset(&scratch, 0, sizeof(scratch));
		if ((r = acl_item_parse(b, a->items != NULL ? &a->items[i] :
		    &scratch)) != 0)
			goto fail;
	}
	if (msbuf_len(b) != 0) {
		r = MS_ERR_INVALID_FORMAT;
		goto fail;
	}
	a->n = n;
	return 0;
 fail:
	ms_acl_result_free(a);
	return r;
}

void
ms_acl_result_free(struct ms_acl_result *a)
{
	if (a == NULL)
		return;
	free(a->items);
	memset(a, 0, sizeof(*a));
}
