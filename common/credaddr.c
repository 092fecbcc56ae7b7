/*
 * credaddr.c — systemd's credential-request peer address (credaddr.h).
 *
 * The address arrives from the kernel but its content is the peer's, so it
 * is read like any other wire input: through msbuf, one byte at a time,
 * each field capped as it is read.
 */
#include <sys/types.h>

#include <string.h>

#include "buf.h"
#include "credaddr.h"
#include "errors.h"

#define UNIT_TAG	"unit/"	/* after RANDOM's '/' */

static int
is_hex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static int
is_unit_char(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == ':' || c == '_' || c == '.' ||
	    c == '@' || c == '\\' || c == '-';
}

static int
is_id_char(int c)
{
	return c > ' ' && c < 0x7f && c != '/';
}

/*
 * Read bytes accepted by ok() into out (at most max of them) up to the
 * byte stop or the end (stop -1); the stop byte is consumed.  Empty is
 * refused.
 */
static int
get_field(struct msbuf *b, int (*ok)(int), int stop, char *out, size_t max)
{
	size_t n = 0;
	uint8_t c;

	while (msbuf_len(b) > 0) {
		if (msbuf_get_u8(b, &c) != 0)
			return MS_ERR_INVALID_ARGUMENT;
		if ((int)c == stop)
			break;
		if (!ok(c) || n >= max)
			return MS_ERR_INVALID_ARGUMENT;
		out[n++] = (char)c;
		if (stop != -1 && msbuf_len(b) == 0)
			return MS_ERR_INVALID_ARGUMENT;	/* no stop byte */
	}
	out[n] = '\0';
	return n == 0 ? MS_ERR_INVALID_ARGUMENT : 0;
}

static int
get_tag(struct msbuf *b, const char *tag)
{
	char got[sizeof(UNIT_TAG)];
	size_t len = strlen(tag);

	if (len >= sizeof(got) || msbuf_get(b, got, len) != 0 ||
	    memcmp(got, tag, len) != 0)
		return MS_ERR_INVALID_ARGUMENT;
	return 0;
}

static int
parse(struct msbuf *b, struct ms_credaddr *out)
{
	char rnd[MS_CRED_RANDOM_MAX + 1];
	uint8_t nul;
	int r;

	if ((r = msbuf_get_u8(b, &nul)) != 0 || nul != 0 ||
	    (r = get_field(b, is_hex, '/', rnd, MS_CRED_RANDOM_MAX)) != 0 ||
	    (r = get_tag(b, UNIT_TAG)) != 0 ||
	    (r = get_field(b, is_unit_char, '/', out->unit,
	    MS_CRED_UNIT_MAX)) != 0 ||
	    (r = get_field(b, is_id_char, -1, out->id, MS_CRED_ID_MAX)) != 0)
		return MS_ERR_INVALID_ARGUMENT;
	if (strcmp(out->id, ".") == 0 || strcmp(out->id, "..") == 0)
		return MS_ERR_INVALID_ARGUMENT;
	return 0;
}

int
ms_credaddr_parse(const void *path, size_t len, struct ms_credaddr *out)
{
	struct msbuf *b;
	int r;

	if (out == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	memset(out, 0, sizeof(*out));
	if (path == NULL || len < 2 || len > MS_CRED_ADDR_MAX)
		return MS_ERR_INVALID_ARGUMENT;
	if ((b = msbuf_from(path, len)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = parse(b, out)) != 0)
		memset(out, 0, sizeof(*out));
	msbuf_free(b);
	return r;
}

int
ms_credaddr_format(const char *random, const char *unit, const char *id,
    u_char *out, size_t outlen, size_t *lenp)
{
	struct ms_credaddr check;
	struct msbuf *b;
	int r;

	*lenp = 0;
	if ((b = msbuf_new(MS_CRED_ADDR_MAX)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = msbuf_put_u8(b, 0)) != 0 ||
	    (r = msbuf_put(b, random, strlen(random))) != 0 ||
	    (r = msbuf_put_u8(b, '/')) != 0 ||
	    (r = msbuf_put(b, UNIT_TAG, strlen(UNIT_TAG))) != 0 ||
	    (r = msbuf_put(b, unit, strlen(unit))) != 0 ||
	    (r = msbuf_put_u8(b, '/')) != 0 ||
	    (r = msbuf_put(b, id, strlen(id))) != 0)
		goto out;
	/* Only what the parser takes back, so the two cannot drift apart. */
	if ((r = ms_credaddr_parse(msbuf_ptr(b), msbuf_len(b), &check)) != 0 ||
	    strcmp(check.unit, unit) != 0 || strcmp(check.id, id) != 0) {
		r = MS_ERR_INVALID_ARGUMENT;
		goto out;
	}
	if (msbuf_len(b) > outlen) {
		r = MS_ERR_NO_BUFFER_SPACE;
		goto out;
	}
	*lenp = msbuf_len(b);
	r = msbuf_get(b, out, *lenp);
 out:
	msbuf_free(b);
	return r;
}
