/*
 * keyfile.c — key files on disk (formats: see keyfile.h and PROTOCOL.md 13).
 *
 * Key files are untrusted input: every read is bounded by MS_KEYFILE_MAX,
 * text is split with strsep/strspn, and decoded binary (the store key) is
 * parsed with msbuf_*.  Private keys go through OpenSSL's PEM and PKCS#8
 * code so that `openssl pkey` reads what we write and vice versa.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/decoder.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include "buf.h"
#include "crypto.h"
#include "errors.h"
#include "keyfile.h"
#include "log.h"

#define PEM_LABEL_PRIV		"PRIVATE KEY"
#define PEM_LABEL_ENCPRIV	"ENCRYPTED PRIVATE KEY"
#define PEM_LEGACY_ENC		"Proc-Type: 4,ENCRYPTED"
#define PEM_LABEL_STORE		"METASAFE STORE KEY"

#define STORE_MAGIC		"MSSK"
#define STORE_MAGIC_LEN		4
#define STORE_VERSION		1
#define STORE_CHECK_LEN		4
#define STORE_CHECK_LABEL	"metasafe store key check"
#define STORE_BLOB_LEN		(STORE_MAGIC_LEN + 1 + MS_STORE_KEY_LEN + \
				    STORE_CHECK_LEN)

/*
 * scrypt parameters as `openssl pkcs8 -scrypt` uses them: 16 MiB of memory,
 * below OpenSSL's default 32 MiB decryption limit so `openssl pkey` can
 * read our keys.
 */
#define SCRYPT_N		16384
#define SCRYPT_R		8
#define SCRYPT_P		1

#define RAW_KEY_LEN		32

/* --- key type names ------------------------------------------------------ */

const char *
ms_keytype_name(enum ms_keytype t)
{
	switch (t) {
	case MS_KEY_ED25519:
		return "ms-ed25519";
	case MS_KEY_X25519:
		return "ms-x25519";
	default:
		return "unknown";
	}
}

const char *
ms_keytype_short(enum ms_keytype t)
{
	switch (t) {
	case MS_KEY_ED25519:
		return "ed25519";
	case MS_KEY_X25519:
		return "x25519";
	default:
		return "unknown";
	}
}

const char *
ms_keytype_upper(enum ms_keytype t)
{
	switch (t) {
	case MS_KEY_ED25519:
		return "ED25519";
	case MS_KEY_X25519:
		return "X25519";
	default:
		return "UNKNOWN";
	}
}

enum ms_keytype
ms_keytype_from_name(const char *name)
{
	if (name == NULL)
		return MS_KEY_UNKNOWN;
	if (strcmp(name, "ed25519") == 0 || strcmp(name, "ms-ed25519") == 0)
		return MS_KEY_ED25519;
	if (strcmp(name, "x25519") == 0 || strcmp(name, "ms-x25519") == 0)
		return MS_KEY_X25519;
	return MS_KEY_UNKNOWN;
}

/* --- files --------------------------------------------------------------- */

/*
 * The data is NUL-terminated for the text parsers (not counted in *lenp);
 * a missing file is MS_ERR_NOT_FOUND, a file above maxlen MS_ERR_LIMIT.
 * The buffer may hold a private key: free it with freezero(data, len + 1).
 */
int
ms_file_read_all(const char *path, u_char **datap, size_t *lenp, size_t maxlen)
{
	struct stat st;
	u_char *data = NULL;
	size_t len = 0, alloc = 0;
	ssize_t n;
	int fd, r = MS_ERR_INTERNAL, oerrno;

	*datap = NULL;
	*lenp = 0;
	if (path == NULL || maxlen == 0 || maxlen >= SIZE_MAX - 1)
		return MS_ERR_INVALID_ARGUMENT;
	/* O_NONBLOCK: a FIFO in place of a key must not hang us. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1)
		return errno == ENOENT ? MS_ERR_NOT_FOUND : MS_ERR_SYSTEM;
	if (fstat(fd, &st) == -1) {
		r = MS_ERR_SYSTEM;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		r = MS_ERR_INVALID_ARGUMENT;
		goto out;
	}
	if (st.st_size < 0 || (uintmax_t)st.st_size > maxlen) {
		r = MS_ERR_LIMIT;
		goto out;
	}
	/* One byte beyond fstat's size, to notice a file growing under us. */
	alloc = (size_t)st.st_size + 1;
	if ((data = calloc(1, alloc + 1)) == NULL) {
		r = MS_ERR_ALLOC;
		goto out;
	}
	while (len < alloc) {
		n = read(fd, data + len, alloc - len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			r = MS_ERR_SYSTEM;
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len == alloc) {
		/* Changing while we read: not a file to trust. */
		errno = EAGAIN;
		r = len > maxlen ? MS_ERR_LIMIT : MS_ERR_SYSTEM;
		goto out;
	}
	if (len > maxlen) {
		r = MS_ERR_LIMIT;
		goto out;
	}
	data[len] = '\0';
	*datap = data;
	*lenp = len;
	data = NULL;
	r = 0;
 out:
	oerrno = errno;
	if (data != NULL)
		freezero(data, alloc + 1);
	close(fd);
	errno = oerrno;
	return r;
}

static void
fsync_parent(const char *path)
{
	char dir[PATH_MAX], *slash;
	int dfd;

	if (strlcpy(dir, path, sizeof(dir)) >= sizeof(dir))
		return;
	if ((slash = strrchr(dir, '/')) == NULL)
		strlcpy(dir, ".", sizeof(dir));
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	/* Best effort: the file itself is already durable. */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return;
	(void)fsync(dfd);
	close(dfd);
}

int
ms_file_write_new(const char *path, const void *data, size_t len, mode_t mode)
{
	const u_char *p = data;
	size_t off = 0;
	ssize_t n;
	int fd, oerrno, r = MS_ERR_SYSTEM;

	if (path == NULL || (data == NULL && len != 0))
		return MS_ERR_INVALID_ARGUMENT;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC |
	    O_NOCTTY, mode & 0777);
	if (fd == -1)
		return errno == EEXIST ? MS_ERR_FILE_EXISTS : MS_ERR_SYSTEM;
	/* The umask may have narrowed or the caller may want exactly mode. */
	if (fchmod(fd, mode & 0777) == -1)
		goto fail;
	while (off < len) {
		n = write(fd, p + off, len - off);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)n;
	}
	if (fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fsync_parent(path);
	return 0;
 fail:
	oerrno = errno;
	if (fd != -1)
		close(fd);
	/* We created it with O_EXCL, so it is ours to remove. */
	(void)unlink(path);
	errno = oerrno;
	return r;
}

/* --- base64 -------------------------------------------------------------- */

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

/* --- private keys -------------------------------------------------------- */

/*
 * First PEM block of a file: label and DER (OPENSSL_clear_free the DER).
 * Anything that is not PEM, or is too large, is MS_ERR_KEY_FILE_CORRUPT.
 */
static int
pem_read_file(const char *path, char **namep, u_char **derp, long *derlenp)
{
	u_char *data = NULL;
	size_t len = 0;
	BIO *bio = NULL;
	char *name = NULL, *header = NULL;
	u_char *der = NULL;
	long derlen = 0;
	int r;

	*namep = NULL;
	*derp = NULL;
	*derlenp = 0;
	if ((r = ms_file_read_all(path, &data, &len, MS_KEYFILE_MAX)) != 0) {
		if (r == MS_ERR_LIMIT)
			r = MS_ERR_KEY_FILE_CORRUPT;
		return r;
	}
	if ((bio = BIO_new_mem_buf(data, (int)len)) == NULL) {
		r = MS_ERR_LIBCRYPTO;
		goto out;
	}
	if (PEM_read_bio(bio, &name, &header, &der, &derlen) != 1 ||
	    derlen <= 0) {
		r = MS_ERR_KEY_FILE_CORRUPT;
		goto out;
	}
	/* PKCS#8 has no PEM headers; legacy encrypted PEM is not ours. */
	if (header != NULL && *header != '\0') {
		r = MS_ERR_KEY_TYPE_UNKNOWN;
		goto out;
	}
	*namep = name;
	*derp = der;
	*derlenp = derlen;
	name = NULL;
	der = NULL;
	r = 0;
 out:
	ERR_clear_error();
	OPENSSL_free(name);
	OPENSSL_free(header);
	if (der != NULL)
		OPENSSL_clear_free(der, (size_t)derlen);
	BIO_free(bio);
	freezero(data, len + 1);
	return r;
}

int
ms_key_is_encrypted(const char *path)
{
	char *name = NULL;
	u_char *der = NULL;
	long derlen = 0;
	int r;

	if ((r = pem_read_file(path, &name, &der, &derlen)) != 0)
		return r;
	r = strcmp(name, PEM_LABEL_ENCPRIV) == 0;
	OPENSSL_free(name);
	OPENSSL_clear_free(der, (size_t)derlen);
	return r;
}

/* PrivateKeyInfo of ours -> EVP_PKEY; other algorithms are unknown types. */
static int
p8_to_pkey(const PKCS8_PRIV_KEY_INFO *p8, EVP_PKEY **keyp)
{
	const ASN1_OBJECT *alg = NULL;
	EVP_PKEY *key;
	int nid;

	if (PKCS8_pkey_get0(&alg, NULL, NULL, NULL, p8) != 1 || alg == NULL)
		return MS_ERR_KEY_FILE_CORRUPT;
	nid = OBJ_obj2nid(alg);
	if (nid != NID_ED25519 && nid != NID_X25519)
		return MS_ERR_KEY_TYPE_UNKNOWN;
	if ((key = EVP_PKCS82PKEY_ex(p8, NULL, NULL)) == NULL) {
		ERR_clear_error();
		return MS_ERR_KEY_FILE_CORRUPT;
	}
	if (ms_pkey_type(key) == MS_KEY_UNKNOWN) {
		EVP_PKEY_free(key);
		return MS_ERR_KEY_TYPE_UNKNOWN;
	}
	*keyp = key;
	return 0;
}

static int
decrypt_p8(const u_char *der, long derlen, const char *passphrase,
    PKCS8_PRIV_KEY_INFO **p8p)
{
	const u_char *p = der;
	X509_SIG *sig;
	size_t plen;

	if ((sig = d2i_X509_SIG(NULL, &p, derlen)) == NULL ||
	    p != der + derlen) {
		X509_SIG_free(sig);
		return MS_ERR_KEY_FILE_CORRUPT;
	}
	if (passphrase == NULL) {
		X509_SIG_free(sig);
		return MS_ERR_PASSPHRASE_REQUIRED;
	}
	if ((plen = strlen(passphrase)) > INT_MAX) {
		X509_SIG_free(sig);
		return MS_ERR_INVALID_ARGUMENT;
	}
	/*
	 * A wrong passphrase and a damaged ciphertext look the same (padding
	 * or DER failure after decryption); the passphrase is the likely one.
	 */
	*p8p = PKCS8_decrypt_ex(sig, passphrase, (int)plen, NULL, NULL);
	X509_SIG_free(sig);
	return *p8p == NULL ? MS_ERR_BAD_PASSPHRASE : 0;
}

int
ms_key_load_private(const char *path, const char *passphrase, EVP_PKEY **keyp)
{
	PKCS8_PRIV_KEY_INFO *p8 = NULL;
	char *name = NULL;
	u_char *der = NULL;
	const u_char *p;
	long derlen = 0;
	size_t llen;
	int r;

	*keyp = NULL;
	if ((r = pem_read_file(path, &name, &der, &derlen)) != 0)
		return r;
	if (strcmp(name, PEM_LABEL_ENCPRIV) == 0) {
		if ((r = decrypt_p8(der, derlen, passphrase, &p8)) != 0)
			goto out;
	} else if (strcmp(name, PEM_LABEL_PRIV) == 0) {
		p = der;
		if ((p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, derlen)) == NULL ||
		    p != der + derlen) {
			r = MS_ERR_KEY_FILE_CORRUPT;
			goto out;
		}
	} else {
		/* "RSA PRIVATE KEY", "OPENSSH PRIVATE KEY", ...: not ours. */
		llen = strlen(name);
		if (llen >= strlen(PEM_LABEL_PRIV) && strcmp(name + llen -
		    strlen(PEM_LABEL_PRIV), PEM_LABEL_PRIV) == 0)
			r = MS_ERR_KEY_TYPE_UNKNOWN;
		else
			r = MS_ERR_KEY_FILE_CORRUPT;
		goto out;
	}
	r = p8_to_pkey(p8, keyp);
 out:
	ERR_clear_error();
	PKCS8_PRIV_KEY_INFO_free(p8);
	OPENSSL_free(name);
	OPENSSL_clear_free(der, (size_t)derlen);
	return r;
}

static int
encode_plain(EVP_PKEY *key, u_char **datap, size_t *lenp)
{
	OSSL_ENCODER_CTX *ectx;
	int r = MS_ERR_LIBCRYPTO;

	ectx = OSSL_ENCODER_CTX_new_for_pkey(key, EVP_PKEY_KEYPAIR, "PEM",
	    "PrivateKeyInfo", NULL);
	if (ectx == NULL || OSSL_ENCODER_CTX_get_num_encoders(ectx) == 0)
		goto out;
	if (OSSL_ENCODER_to_data(ectx, datap, lenp) != 1)
		goto out;
	r = 0;
 out:
	OSSL_ENCODER_CTX_free(ectx);
	return r;
}

/*
 * OpenSSL 3.0's encoder cannot select scrypt (it always uses PBKDF2), so
 * the encrypted form is built with the PKCS#8 API: PBES2 with scrypt and
 * AES-256-CBC, exactly what `openssl pkcs8 -topk8 -scrypt` writes.
 */
static int
encode_encrypted(EVP_PKEY *key, const char *passphrase, u_char **datap,
    size_t *lenp)
{
	PKCS8_PRIV_KEY_INFO *p8 = NULL;
	X509_ALGOR *pbe = NULL;
	X509_SIG *sig = NULL;
	BIO *bio = NULL;
	BUF_MEM *mem = NULL;
	size_t plen = strlen(passphrase);
	int r = MS_ERR_LIBCRYPTO;

	if (plen > INT_MAX)
		return MS_ERR_INVALID_ARGUMENT;
	if ((p8 = EVP_PKEY2PKCS8(key)) == NULL)
		goto out;
	if ((pbe = PKCS5_pbe2_set_scrypt(EVP_aes_256_cbc(), NULL, 0, NULL,
	    SCRYPT_N, SCRYPT_R, SCRYPT_P)) == NULL)
		goto out;
	if ((sig = PKCS8_set0_pbe_ex(passphrase, (int)plen, p8, pbe,
	    NULL, NULL)) == NULL)
		goto out;
	pbe = NULL;	/* owned by sig now */
	if ((bio = BIO_new(BIO_s_secmem())) == NULL ||
	    PEM_write_bio_PKCS8(bio, sig) != 1 ||
	    BIO_get_mem_ptr(bio, &mem) != 1 || mem == NULL || mem->length == 0)
		goto out;
	if ((*datap = OPENSSL_memdup(mem->data, mem->length)) == NULL) {
		r = MS_ERR_ALLOC;
		goto out;
	}
	*lenp = mem->length;
	r = 0;
 out:
	BIO_free(bio);
	X509_SIG_free(sig);
	X509_ALGOR_free(pbe);
	PKCS8_PRIV_KEY_INFO_free(p8);
	return r;
}

/* The label of the first PEM block, or "" when there is none. */
void
ms_pem_label(const u_char *data, size_t len, char *label, size_t labellen)
{
	const char *begin = "-----BEGIN ", *p, *end;
	size_t n;

	label[0] = '\0';
	if ((p = memmem(data, len, begin, strlen(begin))) == NULL)
		return;
	p += strlen(begin);
	if ((end = memmem(p, len - (size_t)(p - (const char *)data), "-----",
	    5)) == NULL)
		return;
	if ((n = (size_t)(end - p)) >= labellen)
		return;
	memcpy(label, p, n);
	label[n] = '\0';
}

static int has_suffix(const char *, const char *);

int
ms_pem_label_is_private(const char *label)
{
	return has_suffix(label, PEM_LABEL_PRIV);
}

static int
has_suffix(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

/* Decode one PEM key of 'selection' from data. */
int
ms_pem_decode_key(const u_char *data, size_t len, int selection,
    const char *passphrase, EVP_PKEY **keyp)
{
	OSSL_DECODER_CTX *dctx = NULL;
	EVP_PKEY *key = NULL;
	const u_char *p = data;
	size_t left = len;
	int r = MS_ERR_KEY_FILE_CORRUPT;

	if ((dctx = OSSL_DECODER_CTX_new_for_pkey(&key, "PEM", NULL, NULL,
	    selection, NULL, NULL)) == NULL) {
		r = MS_ERR_LIBCRYPTO;
		goto out;
	}
	if (passphrase != NULL && OSSL_DECODER_CTX_set_passphrase(dctx,
	    (const u_char *)passphrase, strlen(passphrase)) != 1) {
		r = MS_ERR_LIBCRYPTO;
		goto out;
	}
	if (OSSL_DECODER_from_data(dctx, &p, &left) != 1 || key == NULL)
		goto out;
	*keyp = key;
	key = NULL;
	r = 0;
 out:
	ERR_clear_error();
	EVP_PKEY_free(key);
	OSSL_DECODER_CTX_free(dctx);
	return r;
}

/*
 * Any private key OpenSSL can decode (PKCS#8 or the traditional "EC/RSA
 * PRIVATE KEY"), for certificate identities; the caller applies its own
 * key-type policy.  Ed25519/X25519 go through ms_key_load_private for its
 * precise errors.
 */
int
ms_key_load_private_any(const char *path, const char *passphrase,
    EVP_PKEY **keyp)
{
	u_char *data = NULL;
	size_t len = 0;
	char label[64];
	int r, encrypted;

	*keyp = NULL;
	r = ms_key_load_private(path, passphrase, keyp);
	if (r != MS_ERR_KEY_TYPE_UNKNOWN)
		return r;
	if ((r = ms_file_read_all(path, &data, &len, MS_KEYFILE_MAX)) != 0)
		return r == MS_ERR_LIMIT ? MS_ERR_KEY_FILE_CORRUPT : r;
	ms_pem_label(data, len, label, sizeof(label));
	if (!has_suffix(label, PEM_LABEL_PRIV)) {
		r = MS_ERR_KEY_FILE_CORRUPT;
		goto out;
	}
	encrypted = strcmp(label, PEM_LABEL_ENCPRIV) == 0 ||
	    memmem(data, len, PEM_LEGACY_ENC, strlen(PEM_LEGACY_ENC)) != NULL;
	if (encrypted && passphrase == NULL) {
		r = MS_ERR_PASSPHRASE_REQUIRED;
		goto out;
	}
	if ((r = ms_pem_decode_key(data, len, EVP_PKEY_KEYPAIR, passphrase,
	    keyp)) != 0 && encrypted)
		r = MS_ERR_BAD_PASSPHRASE;
 out:
	freezero(data, len + 1);
	return r;
}

int
ms_key_save_private_any(const char *path, EVP_PKEY *key,
    const char *passphrase)
{
	u_char *data = NULL;
	size_t len = 0;
	int r;

	if (path == NULL || key == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if (passphrase == NULL || *passphrase == '\0')
		r = encode_plain(key, &data, &len);
	else
		r = encode_encrypted(key, passphrase, &data, &len);
	ERR_clear_error();
	if (r != 0)
		return r;
	r = ms_file_write_new(path, data, len, 0600);
	OPENSSL_clear_free(data, len);
	return r;
}

int
ms_key_save_private(const char *path, EVP_PKEY *key, const char *passphrase)
{
	if (path == NULL || key == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if (ms_pkey_type(key) == MS_KEY_UNKNOWN)
		return MS_ERR_KEY_TYPE_UNKNOWN;
	return ms_key_save_private_any(path, key, passphrase);
}

/* --- store key ----------------------------------------------------------- */

static int
store_check(const u_char key[MS_STORE_KEY_LEN], u_char check[STORE_CHECK_LEN])
{
	struct msbuf *b;
	u_char hash[MS_SHA256_LEN];
	int r;

	b = msbuf_new(sizeof(STORE_CHECK_LABEL) + MS_STORE_KEY_LEN);
	if (b == NULL)
		return MS_ERR_ALLOC;
	if ((r = msbuf_put(b, STORE_CHECK_LABEL,
	    strlen(STORE_CHECK_LABEL))) != 0 ||
	    (r = msbuf_put(b, key, MS_STORE_KEY_LEN)) != 0 ||
	    (r = ms_sha256(msbuf_ptr(b), msbuf_len(b), hash)) != 0)
		goto out;
	memcpy(check, hash, STORE_CHECK_LEN);
 out:
	OPENSSL_cleanse(hash, sizeof(hash));
	msbuf_free(b);
	return r;
}

int
ms_store_key_save(const char *path, const u_char key[MS_STORE_KEY_LEN])
{
	struct msbuf *b = NULL;
	u_char check[STORE_CHECK_LEN];
	BIO *bio = NULL;
	BUF_MEM *mem = NULL;
	int r;

	if (path == NULL || key == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if ((b = msbuf_new(STORE_BLOB_LEN)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = store_check(key, check)) != 0 ||
	    (r = msbuf_put(b, STORE_MAGIC, STORE_MAGIC_LEN)) != 0 ||
	    (r = msbuf_put_u8(b, STORE_VERSION)) != 0 ||
	    (r = msbuf_put(b, key, MS_STORE_KEY_LEN)) != 0 ||
	    (r = msbuf_put(b, check, sizeof(check))) != 0)
		goto out;
	r = MS_ERR_LIBCRYPTO;
	if ((bio = BIO_new(BIO_s_secmem())) == NULL ||
	    PEM_write_bio(bio, PEM_LABEL_STORE, "", msbuf_ptr(b),
	    (long)msbuf_len(b)) <= 0 ||
	    BIO_get_mem_ptr(bio, &mem) != 1 || mem == NULL)
		goto out;
	r = ms_file_write_new(path, mem->data, mem->length, 0600);
 out:
	ERR_clear_error();
	BIO_free(bio);
	msbuf_free(b);
	return r;
}

int
ms_store_key_load(const char *path, u_char key[MS_STORE_KEY_LEN])
{
	struct msbuf *b = NULL;
	u_char magic[STORE_MAGIC_LEN], tmp[MS_STORE_KEY_LEN];
	u_char check[STORE_CHECK_LEN], want[STORE_CHECK_LEN];
	char *name = NULL;
	u_char *der = NULL;
	long derlen = 0;
	uint8_t version;
	int r;

	if (path == NULL || key == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if ((r = pem_read_file(path, &name, &der, &derlen)) != 0) {
		if (r == MS_ERR_KEY_TYPE_UNKNOWN)
			r = MS_ERR_KEY_FILE_CORRUPT;
		return r;
	}
	r = MS_ERR_KEY_FILE_CORRUPT;
	if (strcmp(name, PEM_LABEL_STORE) != 0 || derlen != STORE_BLOB_LEN)
		goto out;
	if ((b = msbuf_from(der, (size_t)derlen)) == NULL) {
		r = MS_ERR_ALLOC;
		goto out;
	}
	if (msbuf_get(b, magic, sizeof(magic)) != 0 ||
	    memcmp(magic, STORE_MAGIC, STORE_MAGIC_LEN) != 0 ||
	    msbuf_get_u8(b, &version) != 0 || version != STORE_VERSION ||
	    msbuf_get(b, tmp, sizeof(tmp)) != 0 ||
	    msbuf_get(b, check, sizeof(check)) != 0 || msbuf_len(b) != 0)
		goto out;
	if ((r = store_check(tmp, want)) != 0)
		goto out;
	if (!ms_ct_equal(check, want, sizeof(want))) {
		r = MS_ERR_KEY_FILE_CORRUPT;
		goto out;
	}
	memcpy(key, tmp, MS_STORE_KEY_LEN);
	r = 0;
 out:
	OPENSSL_cleanse(tmp, sizeof(tmp));
	msbuf_free(b);
	OPENSSL_free(name);
	OPENSSL_clear_free(der, (size_t)derlen);
	return r;
}

#define STORE_KCV_LABEL	"metasafe store key check v1"

int
ms_store_key_kcv(const u_char key[MS_STORE_KEY_LEN],
    u_char kcv[MS_STORE_KCV_LEN])
{
	u_char mac[MS_SHA256_LEN];
	int r;

	if (key == NULL || kcv == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if ((r = ms_hmac_sha256(key, MS_STORE_KEY_LEN, STORE_KCV_LABEL,
	    strlen(STORE_KCV_LABEL), mac)) == 0)
		memcpy(kcv, mac, MS_STORE_KCV_LEN);
	OPENSSL_cleanse(mac, sizeof(mac));
	return r;
}

void
ms_store_kcv_format(const u_char kcv[MS_STORE_KCV_LEN], char *out,
    size_t outlen)
{
	static const char digits[] = "0123456789abcdef";
	char s[MS_STORE_KCV_STRLEN + 1];
	size_t i;

	memcpy(s, "KCV:", 4);
	for (i = 0; i < MS_STORE_KCV_LEN; i++) {
		s[4 + 2 * i] = digits[kcv[i] >> 4];
		s[4 + 2 * i + 1] = digits[kcv[i] & 0x0f];
	}
	s[MS_STORE_KCV_STRLEN] = '\0';
	strlcpy(out, s, outlen);
}
