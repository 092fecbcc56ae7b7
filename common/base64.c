/*
 * base64.c — standard-alphabet base64 for key files and fingerprints.
 */

#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "buf.h"
#include "errors.h"
#include "keyfile.h"

int
ms_base64_encode(const u_char *in, size_t len, int nopad, char **outp)
{
	char *out;
	size_t olen;
	int n;

	*outp = NULL;
	if (in == NULL && len != 0)
		return MS_ERR_INVALID_ARGUMENT;
	if (len > MSBUF_SIZE_MAX)
		return MS_ERR_STRING_TOO_LARGE;
	olen = ((len + 2) / 3) * 4 + 1;
	if ((out = malloc(olen)) == NULL)
		return MS_ERR_ALLOC;
	if ((n = EVP_EncodeBlock((u_char *)out, in, (int)len)) < 0 ||
	    (size_t)n >= olen) {
		free(out);
		return MS_ERR_LIBCRYPTO;
	}
	out[n] = '\0';
	if (nopad) {
		while (n > 0 && out[n - 1] == '=')
			out[--n] = '\0';
	}
	*outp = out;
	return 0;
}

static int
b64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Strict: standard alphabet only, no whitespace, padding optional but if
 * present it must be complete and final, unused trailing bits must be zero
 * (one canonical encoding per value).
 */
int
ms_base64_decode(const char *in, u_char **outp, size_t *lenp, size_t maxlen)
{
	size_t inlen, npad = 0, ndata, olen, i, o = 0;
	u_char *out;
	uint32_t acc = 0;
	int v, bits = 0;

	*outp = NULL;
	*lenp = 0;
	if (in == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	/* No valid input is longer than what maxlen encodes to. */
	if (maxlen > MSBUF_SIZE_MAX)
		maxlen = MSBUF_SIZE_MAX;
	inlen = strnlen(in, ((maxlen + 2) / 3) * 4 + 1);
	if (inlen > ((maxlen + 2) / 3) * 4)
		return MS_ERR_STRING_TOO_LARGE;
	while (npad < inlen && in[inlen - 1 - npad] == '=')
		npad++;
	if (npad > 2 || (npad > 0 && inlen % 4 != 0))
		return MS_ERR_INVALID_FORMAT;
	ndata = inlen - npad;
	if (ndata % 4 == 1)
		return MS_ERR_INVALID_FORMAT;
	if (npad > 0 && (ndata % 4) + npad != 4)
		return MS_ERR_INVALID_FORMAT;
	olen = (ndata / 4) * 3 + ((ndata % 4) ? (ndata % 4) - 1 : 0);
	if (olen > maxlen)
		return MS_ERR_STRING_TOO_LARGE;
	if ((out = malloc(olen + 1)) == NULL)
		return MS_ERR_ALLOC;
	for (i = 0; i < ndata; i++) {
		if ((v = b64_value((u_char)in[i])) < 0)
			goto bad;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= olen)
				goto bad;
			out[o++] = (u_char)(acc >> bits);
			acc &= (1U << bits) - 1;
		}
	}
	if (o != olen || acc != 0)
		goto bad;
	out[o] = '\0';
	*outp = out;
	*lenp = olen;
	return 0;
 bad:
	freezero(out, olen + 1);
	return MS_ERR_INVALID_FORMAT;
}

