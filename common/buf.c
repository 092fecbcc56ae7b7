/*
 * buf.c — bounded byte buffers and the wire codec.
 *
 * Layout: d[0 .. off) is consumed, d[off .. size) is unread, d[size .. alloc)
 * is spare.  The cap applies to the unread length: consumed space is
 * reclaimed (and wiped) before the buffer grows.
 *
 * d[hwm .. alloc) has held nothing since the block was allocated or last
 * wiped, so it is still zero: wipes stop at hwm.  A 1 MiB channel buffer
 * that carried a 100-byte request costs a 100-byte wipe, not a 1 MiB one.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "errors.h"

#define MSBUF_ALLOC_INITIAL	256
#ifndef MINIMUM
#define MINIMUM(a, b)		((a) < (b) ? (a) : (b))
#endif

struct msbuf {
	u_char	*d;		/* never NULL once created */
	size_t	 off;		/* first unread byte */
	size_t	 size;		/* end of written data */
	size_t	 alloc;		/* bytes allocated at d */
	size_t	 hwm;		/* d[hwm .. alloc) is zero */
	size_t	 max_size;	/* hard cap on unread bytes */
};

static struct msbuf *
msbuf_alloc(size_t max_size, size_t initial)
{
	struct msbuf *b;

	if (max_size == 0 || max_size > MSBUF_SIZE_MAX)
		return NULL;
	if (initial == 0)
		initial = 1;
	if (initial > max_size)
		initial = max_size;
	if ((b = calloc(1, sizeof(*b))) == NULL)
		return NULL;
	if ((b->d = calloc(1, initial)) == NULL) {
		free(b);
		return NULL;
	}
	b->alloc = initial;
	b->max_size = max_size;
	return b;
}

struct msbuf *
msbuf_new(size_t max_size)
{
	return msbuf_alloc(max_size, MSBUF_ALLOC_INITIAL);
}

struct msbuf *
msbuf_from(const void *data, size_t len)
{
	struct msbuf *b;

	if (len > 0 && data == NULL)
		return NULL;
	if ((b = msbuf_alloc(len == 0 ? 1 : len, len)) == NULL)
		return NULL;
	if (len > 0 && msbuf_put(b, data, len) != 0) {
		msbuf_free(b);
		return NULL;
	}
	return b;
}

void
msbuf_free(struct msbuf *b)
{
	if (b == NULL)
		return;
	if (b->d != NULL)
		freezero(b->d, b->hwm);
	freezero(b, sizeof(*b));
}

void
msbuf_reset(struct msbuf *b)
{
	if (b == NULL)
		return;
	explicit_bzero(b->d, b->hwm);
	b->off = b->size = b->hwm = 0;
}

size_t
msbuf_len(const struct msbuf *b)
{
	return b == NULL ? 0 : b->size - b->off;
}

size_t
msbuf_avail(const struct msbuf *b)
{
	if (b == NULL)
		return 0;
	return b->max_size - (b->size - b->off);
}

size_t
msbuf_max_size(const struct msbuf *b)
{
	return b == NULL ? 0 : b->max_size;
}

const u_char *
msbuf_ptr(const struct msbuf *b)
{
	if (b == NULL)
		return NULL;
	return b->d + b->off;
}

int
msbuf_consume(struct msbuf *b, size_t len)
{
	if (b == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if (len > msbuf_len(b))
		return MS_ERR_MESSAGE_INCOMPLETE;
	b->off += len;
	return 0;
}

int
msbuf_consume_end(struct msbuf *b, size_t len)
{
	if (b == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if (len > msbuf_len(b))
		return MS_ERR_MESSAGE_INCOMPLETE;
	b->size -= len;
	explicit_bzero(b->d + b->size, len);
	return 0;
}

/* Move unread bytes to the front and wipe what they leave behind. */
static void
msbuf_compact(struct msbuf *b)
{
	size_t len = b->size - b->off;

	if (b->off == 0)
		return;
	if (len > 0)
		memmove(b->d, b->d + b->off, len);
	explicit_bzero(b->d + len, b->hwm - len);
	b->off = 0;
	b->size = b->hwm = len;
}

void
msbuf_wipe_consumed(struct msbuf *b)
{
	if (b != NULL)
		msbuf_compact(b);
}

/*
 * realloc(3) could leave a copy of secrets in freed memory, so allocate,
 * copy, then wipe and free the old block.
 */
static int
msbuf_resize(struct msbuf *b, size_t newalloc)
{
	u_char *nd;

	if ((nd = calloc(1, newalloc)) == NULL)
		return MS_ERR_ALLOC;
	memcpy(nd, b->d, b->size);
	freezero(b->d, b->hwm);
	b->d = nd;
	b->alloc = newalloc;
	b->hwm = b->size;
	return 0;
}

/* Room for len more bytes after the unread ones, growing under the cap. */
static int
msbuf_make_room(struct msbuf *b, size_t len)
{
	size_t need, newalloc;
	int r;

	if (len > msbuf_avail(b))
		return MS_ERR_NO_BUFFER_SPACE;
	/* Cannot overflow: unread + len <= max_size <= MSBUF_SIZE_MAX. */
	if (b->size + len > b->alloc) {
		msbuf_compact(b);
		need = b->size + len;
		if (need > b->alloc) {
			newalloc = b->alloc;
			while (newalloc < need)
				newalloc = newalloc > b->max_size / 2 ?
				    b->max_size : newalloc * 2;
			if ((r = msbuf_resize(b, newalloc)) != 0)
				return r;
		}
	}
	return 0;
}

int
msbuf_spare(struct msbuf *b, size_t len, u_char **dpp)
{
	int r;

	if (dpp != NULL)
		*dpp = NULL;
	if (b == NULL || dpp == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if ((r = msbuf_make_room(b, len)) != 0)
		return r;
	*dpp = b->d + b->size;
	return 0;
}

int
msbuf_commit(struct msbuf *b, size_t len)
{
	if (b == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if (len > b->alloc - b->size || len > msbuf_avail(b))
		return MS_ERR_NO_BUFFER_SPACE;
	b->size += len;
	if (b->size > b->hwm)
		b->hwm = b->size;
	return 0;
}

int
msbuf_shrink(struct msbuf *b, size_t alloc)
{
	if (b == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if (alloc == 0)
		alloc = 1;
	if (b->alloc <= alloc || msbuf_len(b) > alloc)
		return 0;
	msbuf_compact(b);
	return msbuf_resize(b, alloc);
}

size_t
msbuf_alloc_len(const struct msbuf *b)
{
	return b == NULL ? 0 : b->alloc;
}

int
msbuf_reserve(struct msbuf *b, size_t len, u_char **dpp)
{
	int r;

	if (dpp != NULL)
		*dpp = NULL;
	if (b == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if ((r = msbuf_make_room(b, len)) != 0)
		return r;
	/* Only what lies below hwm can be dirty. */
	if (b->size < b->hwm)
		memset(b->d + b->size, 0, MINIMUM(len, b->hwm - b->size));
	if (dpp != NULL)
		*dpp = b->d + b->size;
	b->size += len;
	if (b->size > b->hwm)
		b->hwm = b->size;
	return 0;
}

int
msbuf_put(struct msbuf *b, const void *v, size_t len)
{
	u_char *p;
	int r;

	if (len > 0 && v == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if ((r = msbuf_reserve(b, len, &p)) != 0)
		return r;
	if (len > 0)
		memcpy(p, v, len);
	return 0;
}

/*
 * Append src's unread bytes; src may be dst itself, so the source pointer
 * is taken only after the reserve that may move the data.
 */
int
msbuf_putb(struct msbuf *dst, const struct msbuf *src)
{
	size_t len;
	u_char *p;
	int r;

	if (dst == NULL || src == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	len = msbuf_len(src);
	if ((r = msbuf_reserve(dst, len, &p)) != 0)
		return r;
	if (len > 0)
		memmove(p, msbuf_ptr(src), len);
	return 0;
}

int
msbuf_get(struct msbuf *b, void *v, size_t len)
{
	if (b == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if (len > msbuf_len(b))
		return MS_ERR_MESSAGE_INCOMPLETE;
	if (v != NULL && len > 0)
		memcpy(v, msbuf_ptr(b), len);
	return msbuf_consume(b, len);
}

static void
put_be(u_char *p, uint64_t v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (u_char)(v >> (8 * (n - 1 - i)));
}

static uint64_t
get_be(const u_char *p, size_t n)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

static int
put_int(struct msbuf *b, uint64_t v, size_t n)
{
	u_char *p;
	int r;

	if ((r = msbuf_reserve(b, n, &p)) != 0)
		return r;
	put_be(p, v, n);
	return 0;
}

/* Does [off, off + n) lie inside a region of len bytes?  No overflow. */
static int
in_range(size_t len, size_t off, size_t n)
{
	return off <= len && n <= len - off;
}

/*
 * An integer of n bytes (1, 2, 4 or 8: the size of *vp's type) at off in
 * caller memory.  A failed peek leaves *vp alone, like the msbuf getters;
 * nothing here allocates or sets errno.
 */
static int
mem_peek_int(const u_char *src, size_t srclen, size_t off, size_t n, void *vp)
{
	uint64_t x;

	if (src == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if (!in_range(srclen, off, n))
		return MS_ERR_MESSAGE_INCOMPLETE;
	x = get_be(src + off, n);
	if (vp == NULL)
		return 0;
	switch (n) {
	case 1:
		*(uint8_t *)vp = (uint8_t)x;
		break;
	case 2:
		*(uint16_t *)vp = (uint16_t)x;
		break;
	case 4:
		*(uint32_t *)vp = (uint32_t)x;
		break;
	default:
		*(uint64_t *)vp = x;
		break;
	}
	return 0;
}

static int
mem_poke_int(u_char *dst, size_t dstlen, size_t off, size_t n, uint64_t v)
{
	if (dst == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if (!in_range(dstlen, off, n))
		return MS_ERR_NO_BUFFER_SPACE;
	put_be(dst + off, v, n);
	return 0;
}

/* Peek at the front, then consume what was read. */
static int
get_int(struct msbuf *b, size_t n, void *vp)
{
	int r;

	if ((r = mem_peek_int(msbuf_ptr(b), msbuf_len(b), 0, n, vp)) != 0)
		return r;
	return msbuf_consume(b, n);
}

int
msbuf_put_u8(struct msbuf *b, uint8_t v)
{
	return put_int(b, v, sizeof(v));
}

int
msbuf_put_u16(struct msbuf *b, uint16_t v)
{
	return put_int(b, v, sizeof(v));
}

int
msbuf_put_u32(struct msbuf *b, uint32_t v)
{
	return put_int(b, v, sizeof(v));
}

int
msbuf_put_u64(struct msbuf *b, uint64_t v)
{
	return put_int(b, v, sizeof(v));
}

int
msbuf_get_u8(struct msbuf *b, uint8_t *v)
{
	return get_int(b, sizeof(*v), v);
}

int
msbuf_get_u16(struct msbuf *b, uint16_t *v)
{
	return get_int(b, sizeof(*v), v);
}

int
msbuf_get_u32(struct msbuf *b, uint32_t *v)
{
	return get_int(b, sizeof(*v), v);
}

int
msbuf_get_u64(struct msbuf *b, uint64_t *v)
{
	return get_int(b, sizeof(*v), v);
}

/* msbuf_ptr(NULL) is NULL, which the memory peek refuses. */
int
msbuf_peek_u8(const struct msbuf *b, size_t offset, uint8_t *v)
{
	return mem_peek_int(msbuf_ptr(b), msbuf_len(b), offset, sizeof(*v), v);
}

int
msbuf_peek_u16(const struct msbuf *b, size_t offset, uint16_t *v)
{
	return mem_peek_int(msbuf_ptr(b), msbuf_len(b), offset, sizeof(*v), v);
}

int
msbuf_peek_u32(const struct msbuf *b, size_t offset, uint32_t *v)
{
	return mem_peek_int(msbuf_ptr(b), msbuf_len(b), offset, sizeof(*v), v);
}

int
msbuf_peek_u64(const struct msbuf *b, size_t offset, uint64_t *v)
{
	return mem_peek_int(msbuf_ptr(b), msbuf_len(b), offset, sizeof(*v), v);
}

int
msbuf_peek(const struct msbuf *b, size_t offset, void *v, size_t len)
{
	if (b == NULL || (v == NULL && len > 0))
		return MS_ERR_INVALID_ARGUMENT;
	if (!in_range(msbuf_len(b), offset, len))
		return MS_ERR_MESSAGE_INCOMPLETE;
	if (len > 0)
		memcpy(v, msbuf_ptr(b) + offset, len);
	return 0;
}

int
ms_peek_u8(const u_char *src, size_t srclen, size_t off, uint8_t *v)
{
	return mem_peek_int(src, srclen, off, sizeof(*v), v);
}

int
ms_peek_u16(const u_char *src, size_t srclen, size_t off, uint16_t *v)
{
	return mem_peek_int(src, srclen, off, sizeof(*v), v);
}

int
ms_peek_u32(const u_char *src, size_t srclen, size_t off, uint32_t *v)
{
	return mem_peek_int(src, srclen, off, sizeof(*v), v);
}

int
ms_peek_u64(const u_char *src, size_t srclen, size_t off, uint64_t *v)
{
	return mem_peek_int(src, srclen, off, sizeof(*v), v);
}

int
ms_poke_u8(u_char *dst, size_t dstlen, size_t off, uint8_t v)
{
	return mem_poke_int(dst, dstlen, off, sizeof(v), v);
}

int
ms_poke_u16(u_char *dst, size_t dstlen, size_t off, uint16_t v)
{
	return mem_poke_int(dst, dstlen, off, sizeof(v), v);
}

int
ms_poke_u32(u_char *dst, size_t dstlen, size_t off, uint32_t v)
{
	return mem_poke_int(dst, dstlen, off, sizeof(v), v);
}

int
ms_poke_u64(u_char *dst, size_t dstlen, size_t off, uint64_t v)
{
	return mem_poke_int(dst, dstlen, off, sizeof(v), v);
}

/* memmove, not memcpy: a caller may shift bytes within one header. */
int
ms_poke(u_char *dst, size_t dstlen, size_t off, const void *v, size_t len)
{
	if (dst == NULL || (v == NULL && len > 0))
		return MS_ERR_INVALID_ARGUMENT;
	if (!in_range(dstlen, off, len))
		return MS_ERR_NO_BUFFER_SPACE;
	if (len > 0)
		memmove(dst + off, v, len);
	return 0;
}

int
msbuf_put_string(struct msbuf *b, const void *v, size_t len)
{
	u_char *p;
	int r;

	if (len > 0 && v == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if (len > UINT32_MAX || len > SIZE_MAX - 4)
		return MS_ERR_NO_BUFFER_SPACE;
	/* One reserve, so a failed put leaves the buffer unchanged. */
	if ((r = msbuf_reserve(b, 4 + len, &p)) != 0)
		return r;
	put_be(p, len, 4);
	if (len > 0)
		memcpy(p + 4, v, len);
	return 0;
}

int
msbuf_put_cstring(struct msbuf *b, const char *s)
{
	if (s == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	return msbuf_put_string(b, s, strlen(s));
}

int
msbuf_put_stringb(struct msbuf *b, const struct msbuf *v)
{
	size_t len;
	u_char *p;
	int r;

	if (b == NULL || v == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	len = msbuf_len(v);
	if (len > UINT32_MAX || len > SIZE_MAX - 4)
		return MS_ERR_NO_BUFFER_SPACE;
	if ((r = msbuf_reserve(b, 4 + len, &p)) != 0)
		return r;
	put_be(p, len, 4);
	/* v may be b: fetch its pointer after the reserve moved things. */
	if (len > 0)
		memmove(p + 4, msbuf_ptr(v), len);
	return 0;
}

/*
 * Validate a string at the front of b without consuming it: the length
 * prefix is checked against the field cap before the data is looked at.
 */
static int
peek_string(const struct msbuf *b, const u_char **valp, size_t *lenp,
    size_t maxlen)
{
	uint32_t len;
	int r;

	*valp = NULL;
	*lenp = 0;
	if ((r = msbuf_peek_u32(b, 0, &len)) != 0)
		return r;
	if (len > maxlen)
		return MS_ERR_STRING_TOO_LARGE;
	if (len > msbuf_len(b) - 4)
		return MS_ERR_MESSAGE_INCOMPLETE;
	*valp = msbuf_ptr(b) + 4;
	*lenp = len;
	return 0;
}

int
msbuf_get_string_direct(struct msbuf *b, const u_char **valp, size_t *lenp,
    size_t maxlen)
{
	const u_char *p;
	size_t len;
	int r;

	if (valp != NULL)
		*valp = NULL;
	if (lenp != NULL)
		*lenp = 0;
	if ((r = peek_string(b, &p, &len, maxlen)) != 0 ||
	    (r = msbuf_consume(b, 4 + len)) != 0)
		return r;
	if (valp != NULL)
		*valp = p;
	if (lenp != NULL)
		*lenp = len;
	return 0;
}

static int
get_string_alloc(struct msbuf *b, u_char **valp, size_t *lenp, size_t maxlen,
    int nonul)
{
	const u_char *p;
	u_char *v = NULL;
	size_t len;
	int r;

	if (valp != NULL)
		*valp = NULL;
	if (lenp != NULL)
		*lenp = 0;
	if ((r = peek_string(b, &p, &len, maxlen)) != 0)
		return r;
	if (nonul && len > 0 && memchr(p, '\0', len) != NULL)
		return MS_ERR_STRING_HAS_NUL;
	if (valp != NULL) {
		/* len <= msbuf_len(b) <= MSBUF_SIZE_MAX: no overflow. */
		if ((v = malloc(len + 1)) == NULL)
			return MS_ERR_ALLOC;
		if (len > 0)
			memcpy(v, p, len);
		v[len] = '\0';
	}
	if ((r = msbuf_consume(b, 4 + len)) != 0) {
		freezero(v, len + 1);
		return r;
	}
	if (valp != NULL)
		*valp = v;
	if (lenp != NULL)
		*lenp = len;
	return 0;
}

int
msbuf_get_string(struct msbuf *b, u_char **valp, size_t *lenp, size_t maxlen)
{
	return get_string_alloc(b, valp, lenp, maxlen, 0);
}

int
msbuf_get_cstring(struct msbuf *b, char **valp, size_t *lenp, size_t maxlen)
{
	return get_string_alloc(b, (u_char **)valp, lenp, maxlen, 1);
}

int
msbuf_get_cstring_direct(struct msbuf *b, const char **valp, size_t *lenp,
    size_t maxlen)
{
	const u_char *p;
	size_t len;
	int r;

	if (valp != NULL)
		*valp = NULL;
	if (lenp != NULL)
		*lenp = 0;
	if ((r = peek_string(b, &p, &len, maxlen)) != 0)
		return r;
	if (len > 0 && memchr(p, '\0', len) != NULL)
		return MS_ERR_STRING_HAS_NUL;
	if ((r = msbuf_consume(b, 4 + len)) != 0)
		return r;
	if (valp != NULL)
		*valp = (const char *)p;
	if (lenp != NULL)
		*lenp = len;
	return 0;
}

int
msbuf_expect_end(const struct msbuf *b)
{
	return msbuf_len(b) == 0 ? 0 : MS_ERR_INVALID_FORMAT;
}

int
msbuf_get_string_fixed(struct msbuf *b, void *v, size_t len)
{
	const u_char *p;
	size_t got;
	int r;

	if ((r = peek_string(b, &p, &got, len)) != 0) {
		/* A longer string is a format error here, not an oversize one. */
		return r == MS_ERR_STRING_TOO_LARGE ? MS_ERR_INVALID_FORMAT : r;
	}
	if (got != len)
		return MS_ERR_INVALID_FORMAT;
	if (v != NULL && len > 0)
		memcpy(v, p, len);
	return msbuf_consume(b, 4 + len);
}

int
msbuf_get_stringb(struct msbuf *b, struct msbuf *dst, size_t maxlen)
{
	const u_char *p;
	size_t len;
	int r;

	if (dst == NULL || dst == b)
		return MS_ERR_INVALID_ARGUMENT;
	if ((r = peek_string(b, &p, &len, maxlen)) != 0 ||
	    (r = msbuf_put(dst, p, len)) != 0)
		return r;
	return msbuf_consume(b, 4 + len);
}

struct msbuf *
msbuf_dup(const struct msbuf *b)
{
	struct msbuf *n;

	if (b == NULL)
		return NULL;
	if ((n = msbuf_alloc(b->max_size, msbuf_len(b))) == NULL)
		return NULL;
	if (msbuf_putb(n, b) != 0) {
		msbuf_free(n);
		return NULL;
	}
	return n;
}
