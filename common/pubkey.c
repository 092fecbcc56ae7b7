/*
 * pubkey.c — fingerprints and public-key lines (formats:
 * see keyfile.h and PROTOCOL.md 13).
 *
 * A public-key line is untrusted text: it is bounded by
 * MS_PUBKEY_LINE_MAX and split with strsep/strspn.
 */

#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "crypto.h"
#include "errors.h"
#include "keyfile.h"

#define RAW_KEY_LEN		32

/* --- fingerprints and public keys ---------------------------------------- */

int
ms_fingerprint(const u_char *raw, size_t len, char *out, size_t outlen)
{
	u_char hash[MS_SHA256_LEN];
	char *b64 = NULL;
	int r, n;

	if (raw == NULL || out == NULL || outlen == 0)
		return MS_ERR_INVALID_ARGUMENT;
	out[0] = '\0';
	if ((r = ms_sha256(raw, len, hash)) != 0 ||
	    (r = ms_base64_encode(hash, sizeof(hash), 1, &b64)) != 0)
		goto out;
	n = snprintf(out, outlen, "SHA256:%s", b64);
	if (n < 0 || (size_t)n >= outlen) {
		out[0] = '\0';
		r = MS_ERR_NO_BUFFER_SPACE;
		goto out;
	}
	r = 0;
 out:
	free(b64);
	return r;
}

static int
comment_valid(const char *comment)
{
	/* One line, no control characters: it ends up on terminals and logs. */
	for (; *comment != '\0'; comment++) {
		if ((u_char)*comment < 0x20 || *comment == 0x7f)
			return 0;
	}
	return 1;
}

int
ms_pubkey_format(EVP_PKEY *key, const char *comment, char **linep)
{
	u_char raw[RAW_KEY_LEN];
	enum ms_keytype type;
	char *b64 = NULL, *line = NULL;
	size_t llen;
	int r, n;

	*linep = NULL;
	if (key == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if (comment != NULL && !comment_valid(comment))
		return MS_ERR_INVALID_ARGUMENT;
	if ((type = ms_pkey_type(key)) == MS_KEY_UNKNOWN)
		return MS_ERR_KEY_TYPE_UNKNOWN;
	if ((r = ms_pkey_raw_public(key, raw, sizeof(raw))) != 0 ||
	    (r = ms_base64_encode(raw, sizeof(raw), 0, &b64)) != 0)
		goto out;
	if (comment == NULL)
		comment = "";
	llen = strlen(ms_keytype_name(type)) + 1 + strlen(b64) + 1 +
	    strlen(comment);
	if (llen > MS_PUBKEY_LINE_MAX) {
		r = MS_ERR_STRING_TOO_LARGE;
		goto out;
	}
	if ((line = malloc(llen + 1)) == NULL) {
		r = MS_ERR_ALLOC;
		goto out;
	}
	n = snprintf(line, llen + 1, "%s %s%s%s", ms_keytype_name(type), b64,
	    *comment != '\0' ? " " : "", comment);
	if (n < 0 || (size_t)n > llen) {
		r = MS_ERR_INTERNAL;
		goto out;
	}
	*linep = line;
	line = NULL;
	r = 0;
 out:
	free(line);
	free(b64);
	return r;
}

#define WS	" \t"

int
ms_pubkey_parse(const char *line, enum ms_keytype *typep, u_char raw[32],
    char **commentp)
{
	char *copy = NULL, *cp, *tok, *b64, *comment;
	u_char *dec = NULL;
	size_t len, declen = 0;
	enum ms_keytype type;
	int r = MS_ERR_INVALID_FORMAT;

	if (commentp != NULL)
		*commentp = NULL;
	if (typep != NULL)
		*typep = MS_KEY_UNKNOWN;
	if (line == NULL || raw == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if ((len = strnlen(line, MS_PUBKEY_LINE_MAX + 1)) > MS_PUBKEY_LINE_MAX)
		return MS_ERR_STRING_TOO_LARGE;
	if ((copy = strndup(line, len)) == NULL)
		return MS_ERR_ALLOC;
	/* Tolerate one line terminator and surrounding blanks. */
	copy[strcspn(copy, "\r\n")] = '\0';
	cp = copy + strspn(copy, WS);
	if ((tok = strsep(&cp, WS)) == NULL || *tok == '\0')
		goto out;
	if (cp == NULL)
		goto out;
	cp += strspn(cp, WS);
	if ((b64 = strsep(&cp, WS)) == NULL || *b64 == '\0')
		goto out;
	/*
	 * Shape first, then type: "TYPE BASE64" with a type of someone else's
	 * (ssh-rsa ...) is an unknown key type, anything else a bad format.
	 */
	if ((r = ms_base64_decode(b64, &dec, &declen,
	    MS_PUBKEY_LINE_MAX)) != 0) {
		r = MS_ERR_INVALID_FORMAT;
		goto out;
	}
	if ((type = ms_keytype_from_name(tok)) == MS_KEY_UNKNOWN ||
	    strncmp(tok, "ms-", 3) != 0) {
		r = MS_ERR_KEY_TYPE_UNKNOWN;
		goto out;
	}
	r = MS_ERR_INVALID_FORMAT;
	if (declen != RAW_KEY_LEN)
		goto out;
	comment = NULL;
	if (cp != NULL) {
		cp += strspn(cp, WS);
		len = strlen(cp);
		while (len > 0 && (cp[len - 1] == ' ' || cp[len - 1] == '\t'))
			cp[--len] = '\0';
		if (len > 0)
			comment = cp;
	}
	if (comment != NULL && !comment_valid(comment))
		goto out;
	/*
	 * The line as ms_pubkey_format writes it (padded base64, single
	 * blanks) must fit too, or a key accepted here could not be written
	 * back: unpadded base64 makes the input one byte shorter.
	 */
	if (strlen(tok) + 1 + ((RAW_KEY_LEN + 2) / 3) * 4 +
	    (comment != NULL ? 1 + strlen(comment) : 0) > MS_PUBKEY_LINE_MAX) {
		r = MS_ERR_STRING_TOO_LARGE;
		goto out;
	}
	if (commentp != NULL && comment != NULL &&
	    (*commentp = strdup(comment)) == NULL) {
		r = MS_ERR_ALLOC;
		goto out;
	}
	memcpy(raw, dec, RAW_KEY_LEN);
	if (typep != NULL)
		*typep = type;
	r = 0;
 out:
	free(dec);
	free(copy);
	return r;
}

int
ms_key_save_public(const char *path, EVP_PKEY *key, const char *comment)
{
	char *line = NULL, *text = NULL;
	size_t len;
	int r;

	if ((r = ms_pubkey_format(key, comment, &line)) != 0)
		return r;
	len = strlen(line);
	if ((text = malloc(len + 2)) == NULL) {
		free(line);
		return MS_ERR_ALLOC;
	}
	memcpy(text, line, len);
	text[len] = '\n';
	text[len + 1] = '\0';
	r = ms_file_write_new(path, text, len + 1, 0644);
	free(text);
	free(line);
	return r;
}

/*
 * A public key file holds exactly one key line; only blank lines may
 * follow it.  Anything that is not such a line is MS_ERR_KEY_FILE_CORRUPT.
 */
int
ms_key_load_public(const char *path, EVP_PKEY **keyp, char **commentp)
{
	u_char *data = NULL, raw[RAW_KEY_LEN];
	char *cp, *line, *comment = NULL;
	size_t len = 0;
	enum ms_keytype type;
	EVP_PKEY *key = NULL;
	int r;

	if (keyp != NULL)
		*keyp = NULL;
	if (commentp != NULL)
		*commentp = NULL;
	if ((r = ms_file_read_all(path, &data, &len, MS_KEYFILE_MAX)) != 0) {
		if (r == MS_ERR_LIMIT)
			r = MS_ERR_KEY_FILE_CORRUPT;
		return r;
	}
	r = MS_ERR_KEY_FILE_CORRUPT;
	if (strlen((char *)data) != len)
		goto out;		/* embedded NUL */
	cp = (char *)data;
	line = strsep(&cp, "\n");
	if (cp != NULL && cp[strspn(cp, " \t\r\n")] != '\0')
		goto out;		/* more than one line */
	if ((r = ms_pubkey_parse(line, &type, raw, &comment)) != 0) {
		if (r != MS_ERR_KEY_TYPE_UNKNOWN && r != MS_ERR_ALLOC)
			r = MS_ERR_KEY_FILE_CORRUPT;
		goto out;
	}
	if ((r = ms_pkey_from_raw_public(type, raw, sizeof(raw), &key)) != 0) {
		r = MS_ERR_KEY_FILE_CORRUPT;
		goto out;
	}
	if (keyp != NULL) {
		*keyp = key;
		key = NULL;
	}
	if (commentp != NULL) {
		*commentp = comment;
		comment = NULL;
	}
	r = 0;
 out:
	EVP_PKEY_free(key);
	free(comment);
	freezero(data, len + 1);
	return r;
}

