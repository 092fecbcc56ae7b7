/*
 * buf.h — bounded byte buffers and the wire codec.
 *
 * This is the only module that does pointer arithmetic on wire bytes.
 * Everything that parses or builds a message goes through it (in the manner
 * of OpenSSH's sshbuf), and so does every fixed-size header laid out in
 * caller memory (frame headers, record AAD, HKDF info, the signal-safe log
 * frame): the ms_peek_* and ms_poke_* functions below check each access
 * against an explicit length.  Other modules may move through byte ranges
 * for I/O or hand a whole buffer to a cipher, but never encode or decode a
 * field at an offset themselves (regress/wire-arith.sh keeps it so).
 * Integers are big-endian.  Strings are a u32 length
 * followed by that many bytes; every string get takes an explicit per-field
 * cap that is checked before anything is allocated.
 *
 * A buffer has a hard maximum size fixed at creation; a put that would grow
 * it past that fails with MS_ERR_NO_BUFFER_SPACE.  Reads consume from the
 * front.  Contents are always wiped (explicit_bzero) when the buffer is
 * reset, compacted, shrunk or freed, so a buffer may hold secrets; the wipe
 * covers every byte ever written since the last one (a high-water mark),
 * not the whole allocation.
 */
#ifndef MS_BUF_H
#define MS_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define MSBUF_SIZE_MAX		(8u * 1024 * 1024)	/* absolute ceiling */

struct msbuf;

/* Create an empty buffer that may grow to at most max_size bytes. */
struct msbuf	*msbuf_new(size_t max_size);
/* Create a buffer holding a copy of len bytes (max_size = len rounded to cap). */
struct msbuf	*msbuf_from(const void *data, size_t len);
/* Wipe and free; NULL is allowed. */
void		 msbuf_free(struct msbuf *b);
/* Wipe contents; keep allocation and cap. */
void		 msbuf_reset(struct msbuf *b);

size_t		 msbuf_len(const struct msbuf *b);	/* unread bytes */
size_t		 msbuf_avail(const struct msbuf *b);	/* room left under cap */
size_t		 msbuf_max_size(const struct msbuf *b);
const u_char	*msbuf_ptr(const struct msbuf *b);	/* first unread byte */

/* Discard len bytes from the front / back. */
int	msbuf_consume(struct msbuf *b, size_t len);
int	msbuf_consume_end(struct msbuf *b, size_t len);
/*
 * Wipe what has been consumed now, not when the buffer next grows or is
 * freed: for long-lived buffers that carry secrets (the monitor's worker
 * channels).  Moves the unread bytes to the front.
 */
void	msbuf_wipe_consumed(struct msbuf *b);
/* Grow by len bytes and return a pointer to the new (zeroed) space. */
int	msbuf_reserve(struct msbuf *b, size_t len, u_char **dpp);
/*
 * For read(2) into the buffer without zeroing and wiping what the read
 * did not fill: msbuf_spare makes room for len bytes after the unread
 * ones and points *dpp at it (contents unspecified), changing nothing
 * else; msbuf_commit then appends the len bytes written there.  Write
 * nothing there but what is committed: wipes cover committed bytes only.
 */
int	msbuf_spare(struct msbuf *b, size_t len, u_char **dpp);
int	msbuf_commit(struct msbuf *b, size_t len);
/*
 * Give back memory after a large message: when the block is larger than
 * alloc and the unread bytes fit, move them to a fresh block of alloc
 * bytes and wipe and free the old one.  0 (and no change) otherwise.
 */
int	msbuf_shrink(struct msbuf *b, size_t alloc);
size_t	msbuf_alloc_len(const struct msbuf *b);	/* bytes allocated now */

/* Raw bytes. */
int	msbuf_put(struct msbuf *b, const void *v, size_t len);
int	msbuf_putb(struct msbuf *dst, const struct msbuf *src);	/* unread part */
int	msbuf_get(struct msbuf *b, void *v, size_t len);		/* v may be NULL: skip */

/* Integers, network byte order. */
int	msbuf_put_u8(struct msbuf *b, uint8_t v);
int	msbuf_put_u16(struct msbuf *b, uint16_t v);
int	msbuf_put_u32(struct msbuf *b, uint32_t v);
int	msbuf_put_u64(struct msbuf *b, uint64_t v);
int	msbuf_get_u8(struct msbuf *b, uint8_t *v);
int	msbuf_get_u16(struct msbuf *b, uint16_t *v);
int	msbuf_get_u32(struct msbuf *b, uint32_t *v);
int	msbuf_get_u64(struct msbuf *b, uint64_t *v);
/* Read without consuming, at an offset from the first unread byte. */
int	msbuf_peek_u8(const struct msbuf *b, size_t offset, uint8_t *v);
int	msbuf_peek_u16(const struct msbuf *b, size_t offset, uint16_t *v);
int	msbuf_peek_u32(const struct msbuf *b, size_t offset, uint32_t *v);
int	msbuf_peek_u64(const struct msbuf *b, size_t offset, uint64_t *v);
/* Copy len unread bytes at offset into v without consuming them. */
int	msbuf_peek(const struct msbuf *b, size_t offset, void *v, size_t len);

/*
 * Fixed-size fields in caller memory of srclen/dstlen bytes: big-endian
 * integers and raw bytes at an offset.  An access with off + size past the
 * end (or overflowing) fails with MS_ERR_MESSAGE_INCOMPLETE (peek) or
 * MS_ERR_NO_BUFFER_SPACE (poke) and touches nothing.  They neither allocate
 * nor touch errno, so a signal handler may use them.
 */
int	ms_peek_u8(const u_char *src, size_t srclen, size_t off, uint8_t *v);
int	ms_peek_u16(const u_char *src, size_t srclen, size_t off, uint16_t *v);
int	ms_peek_u32(const u_char *src, size_t srclen, size_t off, uint32_t *v);
int	ms_peek_u64(const u_char *src, size_t srclen, size_t off, uint64_t *v);
int	ms_poke_u8(u_char *dst, size_t dstlen, size_t off, uint8_t v);
int	ms_poke_u16(u_char *dst, size_t dstlen, size_t off, uint16_t v);
int	ms_poke_u32(u_char *dst, size_t dstlen, size_t off, uint32_t v);
int	ms_poke_u64(u_char *dst, size_t dstlen, size_t off, uint64_t v);
int	ms_poke(u_char *dst, size_t dstlen, size_t off, const void *v, size_t len);

/* Strings: u32 length || bytes. */
int	msbuf_put_string(struct msbuf *b, const void *v, size_t len);
int	msbuf_put_cstring(struct msbuf *b, const char *s);
int	msbuf_put_stringb(struct msbuf *b, const struct msbuf *v);
/*
 * Get a string of at most maxlen bytes.  On success *valp is a fresh
 * allocation (NUL-terminated for convenience, not counted in *lenp) that
 * the caller frees (freezero if secret).  valp and lenp may be NULL.
 * On any error nothing is consumed.
 */
int	msbuf_get_string(struct msbuf *b, u_char **valp, size_t *lenp, size_t maxlen);
/* The same, but points into the buffer; valid until the next modification. */
int	msbuf_get_string_direct(struct msbuf *b, const u_char **valp, size_t *lenp,
	    size_t maxlen);
/* A string that must hold no NUL byte; *valp is NUL-terminated. */
int	msbuf_get_cstring(struct msbuf *b, char **valp, size_t *lenp, size_t maxlen);
/* The same as a view into b (not NUL-terminated): a name in a message. */
int	msbuf_get_cstring_direct(struct msbuf *b, const char **valp,
	    size_t *lenp, size_t maxlen);
/* A whole message was taken: 0, or MS_ERR_INVALID_FORMAT for bytes left. */
int	msbuf_expect_end(const struct msbuf *b);
/* A string whose length must be exactly len, copied into v. */
int	msbuf_get_string_fixed(struct msbuf *b, void *v, size_t len);
/* A string appended to dst (which must have room). */
int	msbuf_get_stringb(struct msbuf *b, struct msbuf *dst, size_t maxlen);

/* Duplicate the unread part into a new buffer with the same cap. */
struct msbuf	*msbuf_dup(const struct msbuf *b);

#endif /* MS_BUF_H */
