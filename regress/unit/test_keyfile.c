/*
 * test_keyfile.c — key files: private/public/store key round trips and the
 * refusal of anything damaged, foreign or pre-existing.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "crypto.h"
#include "errors.h"
#include "keyfile.h"
#include "privkey.h"
#include "storekey.h"

static char tmpdir[PATH_MAX];

/* RFC 8032 test 1 public key, its base64 and SHA-256 fingerprint. */
static const u_char rfc8032_pub[32] = {
	0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7,
	0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
	0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25,
	0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a,
};
#define RFC8032_PUB_B64	"11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
#define RFC8032_PUB_FP	"SHA256:If4x36FUomFia/hUBG/SJxt77UtqvkWqWId+9H+XIbk"
/* Bytes 0x00..0x1f. */
#define SEQ32_FP	"SHA256:Yw3NKWbEM2aRElRIu7JbT/QSpJxzLbLIq8G4WBvXEN0"

static const char *
tpath(const char *name)
{
	static char buf[4][PATH_MAX];
	static int i;
	char *p = buf[i++ % 4];

	assert_true((size_t)snprintf(p, PATH_MAX, "%s/%s", tmpdir, name) <
	    PATH_MAX);
	return p;
}

static void
write_text(const char *path, const void *data, size_t len)
{
	FILE *f;

	(void)unlink(path);
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* noinline: gcc 12 otherwise mistakes &data for the returned pointer. */
static __attribute__((noinline)) char *
read_text(const char *path, size_t *lenp)
{
	u_char *data = NULL;
	size_t len = 0;

	assert_int_equal(ms_file_read_all(path, &data, &len, MS_KEYFILE_MAX),
	    0);
	if (lenp != NULL)
		*lenp = len;
	return (char *)data;
}

static int
setup(void **state)
{
	const char *t = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/test_keyfile.XXXXXX",
	    t != NULL && *t != '\0' ? t : "/tmp");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	/* Only our own mkdtemp directory. */
	if (strstr(tmpdir, "test_keyfile.") == NULL)
		return -1;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
same_public(EVP_PKEY *a, EVP_PKEY *b)
{
	u_char ra[32], rb[32];

	assert_int_equal(ms_pkey_raw_public(a, ra, sizeof(ra)), 0);
	assert_int_equal(ms_pkey_raw_public(b, rb, sizeof(rb)), 0);
	assert_memory_equal(ra, rb, sizeof(ra));
	assert_int_equal(ms_pkey_type(a), ms_pkey_type(b));
}

static void
roundtrip(enum ms_keytype type, const char *name, const char *pass)
{
	EVP_PKEY *key = NULL, *back = NULL;
	struct stat st;
	const char *path = tpath(name);
	char *text;

	assert_int_equal(ms_pkey_generate(type, &key), 0);
	assert_int_equal(ms_key_save_private(path, key, pass), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	text = read_text(path, NULL);
	if (pass != NULL && *pass != '\0') {
		assert_non_null(strstr(text,
		    "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
		assert_int_equal(ms_key_is_encrypted(path), 1);
		assert_int_equal(ms_key_load_private(path, NULL, &back),
		    MS_ERR_PASSPHRASE_REQUIRED);
		assert_null(back);
		assert_int_equal(ms_key_load_private(path, "not it", &back),
		    MS_ERR_BAD_PASSPHRASE);
		assert_null(back);
		assert_int_equal(ms_key_load_private(path, "", &back),
		    MS_ERR_BAD_PASSPHRASE);
	} else {
		assert_non_null(strstr(text, "-----BEGIN PRIVATE KEY-----\n"));
		assert_int_equal(ms_key_is_encrypted(path), 0);
		/* A passphrase is ignored for an unencrypted key. */
		assert_int_equal(ms_key_load_private(path, "x", &back), 0);
		same_public(key, back);
		EVP_PKEY_free(back);
		back = NULL;
	}
	free(text);
	assert_int_equal(ms_key_load_private(path, pass, &back), 0);
	assert_non_null(back);
	same_public(key, back);
	/* The private halves agree too: EVP_PKEY_eq compares key material. */
	assert_int_equal(EVP_PKEY_eq(key, back), 1);
	EVP_PKEY_free(back);
	EVP_PKEY_free(key);
}

static void
test_roundtrip_ed25519(void **state)
{
	roundtrip(MS_KEY_ED25519, "ed_plain", NULL);
	roundtrip(MS_KEY_ED25519, "ed_empty", "");
}

static void
test_roundtrip_x25519(void **state)
{
	roundtrip(MS_KEY_X25519, "x_plain", NULL);
}

static void
test_roundtrip_encrypted(void **state)
{
	roundtrip(MS_KEY_ED25519, "ed_enc", "correct horse");
	roundtrip(MS_KEY_X25519, "x_enc", "battery staple");
}

static void
test_no_overwrite(void **state)
{
	EVP_PKEY *key = NULL;
	const char *path = tpath("existing"), *pub = tpath("existing.pub");
	char *before, *after;
	size_t blen, alen;
	u_char sk[MS_STORE_KEY_LEN] = { 1 };

	write_text(path, "precious\n", 9);
	write_text(pub, "precious pub\n", 13);
	assert_int_equal(ms_pkey_generate(MS_KEY_ED25519, &key), 0);
	before = read_text(path, &blen);
	assert_int_equal(ms_key_save_private(path, key, NULL),
	    MS_ERR_FILE_EXISTS);
	assert_int_equal(ms_key_save_private(path, key, "pw"),
	    MS_ERR_FILE_EXISTS);
	assert_int_equal(ms_store_key_save(path, sk), MS_ERR_FILE_EXISTS);
	after = read_text(path, &alen);
	assert_int_equal(blen, alen);
	assert_memory_equal(before, after, blen);
	free(after);
	free(before);
	before = read_text(pub, &blen);
	assert_int_equal(ms_key_save_public(pub, key, "c"), MS_ERR_FILE_EXISTS);
	after = read_text(pub, &alen);
	assert_int_equal(blen, alen);
	assert_memory_equal(before, after, blen);
	free(after);
	free(before);

	/* A symlink is not followed, even to a missing target. */
	assert_int_equal(symlink(tpath("nowhere"), tpath("link")), 0);
	assert_int_equal(ms_key_save_private(tpath("link"), key, NULL),
	    MS_ERR_FILE_EXISTS);
	assert_int_equal(access(tpath("nowhere"), F_OK), -1);
	EVP_PKEY_free(key);
}

static void
test_mode_despite_umask(void **state)
{
	struct stat st;
	mode_t old = umask(0);

	assert_int_equal(ms_file_write_new(tpath("m600"), "a", 1, 0600), 0);
	assert_int_equal(stat(tpath("m600"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	umask(077);
	assert_int_equal(ms_file_write_new(tpath("m644"), "a", 1, 0644), 0);
	assert_int_equal(stat(tpath("m644"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	umask(old);
}

static void
test_corrupt_private(void **state)
{
	EVP_PKEY *key = NULL, *back = NULL;
	const char *path = tpath("corrupt_src"), *bad = tpath("corrupt");
	char *text, *b64;
	size_t len;
	static const char *garbage[] = {
		"",
		"garbage\n",
		"-----BEGIN PRIVATE KEY-----\n",
		"-----BEGIN PRIVATE KEY-----\n!!!!\n"
		    "-----END PRIVATE KEY-----\n",
		"-----BEGIN PRIVATE KEY-----\nAAAA\n"
		    "-----END PRIVATE KEY-----\n",
		"-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n"
		    "-----END ENCRYPTED PRIVATE KEY-----\n",
		"-----BEGIN METASAFE STORE KEY-----\nAAAA\n"
		    "-----END METASAFE STORE KEY-----\n",
	};
	size_t i;

	for (i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
		write_text(bad, garbage[i], strlen(garbage[i]));
		assert_int_equal(ms_key_load_private(bad, NULL, &back),
		    MS_ERR_KEY_FILE_CORRUPT);
		assert_int_equal(ms_key_load_private(bad, "pw", &back),
		    MS_ERR_KEY_FILE_CORRUPT);
		assert_null(back);
	}

	/* Every truncation of a valid file is refused, none crashes. */
	assert_int_equal(ms_pkey_generate(MS_KEY_ED25519, &key), 0);
	assert_int_equal(ms_key_save_private(path, key, NULL), 0);
	text = read_text(path, &len);
	for (i = 1; i < len - 1; i++) {
		write_text(bad, text, i);
		assert_int_not_equal(ms_key_load_private(bad, NULL, &back), 0);
		assert_null(back);
	}
	/* Cut inside the base64 body, END line intact. */
	b64 = strstr(text, "\n") + 1;
	memmove(b64 + 10, strstr(b64, "\n"), strlen(strstr(b64, "\n")) + 1);
	write_text(bad, text, strlen(text));
	assert_int_equal(ms_key_load_private(bad, NULL, &back),
	    MS_ERR_KEY_FILE_CORRUPT);
	free(text);

	/* Encrypted: a damaged structure is corrupt, not a bad passphrase. */
	assert_int_equal(ms_key_save_private(tpath("corrupt_enc"), key, "pw"),
	    0);
	text = read_text(tpath("corrupt_enc"), &len);
	b64 = strstr(text, "\n") + 1;
	memmove(b64 + 8, strstr(b64, "\n"), strlen(strstr(b64, "\n")) + 1);
	write_text(bad, text, strlen(text));
	assert_int_equal(ms_key_load_private(bad, "pw", &back),
	    MS_ERR_KEY_FILE_CORRUPT);
	free(text);

	/* Too large to be a key. */
	text = calloc(1, MS_KEYFILE_MAX + 2);
	assert_non_null(text);
	memset(text, 'A', MS_KEYFILE_MAX + 1);
	write_text(bad, text, MS_KEYFILE_MAX + 1);
	assert_int_equal(ms_key_load_private(bad, NULL, &back),
	    MS_ERR_KEY_FILE_CORRUPT);
	free(text);

	assert_int_equal(ms_key_load_private(tpath("does-not-exist"), NULL,
	    &back), MS_ERR_NOT_FOUND);
	EVP_PKEY_free(key);
}

/* PKCS#8 keys of other algorithms, made with OpenSSL directly. */
static void
foreign_key(const char *alg, const char *name)
{
	EVP_PKEY *key = NULL, *back = NULL;
	EVP_PKEY_CTX *ctx;
	BIO *bio;
	char *data;
	long len;

	assert_non_null(ctx = EVP_PKEY_CTX_new_from_name(NULL, alg, NULL));
	assert_int_equal(EVP_PKEY_keygen_init(ctx), 1);
	if (strcmp(alg, "EC") == 0)
		assert_int_equal(EVP_PKEY_CTX_set_group_name(ctx, "P-256"), 1);
	if (strcmp(alg, "RSA") == 0)
		assert_int_equal(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 1024),
		    1);
	assert_int_equal(EVP_PKEY_generate(ctx, &key), 1);
	EVP_PKEY_CTX_free(ctx);
	assert_non_null(bio = BIO_new(BIO_s_mem()));
	assert_int_equal(PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0,
	    NULL, NULL), 1);
	len = BIO_get_mem_data(bio, &data);
	assert_true(len > 0);
	write_text(tpath(name), data, (size_t)len);
	BIO_free(bio);

	assert_int_equal(ms_key_load_private(tpath(name), NULL, &back),
	    MS_ERR_KEY_TYPE_UNKNOWN);
	assert_null(back);
	/* And we refuse to write one. */
	assert_int_equal(ms_key_save_private(tpath("never"), key, NULL),
	    MS_ERR_KEY_TYPE_UNKNOWN);
	assert_int_equal(access(tpath("never"), F_OK), -1);
	EVP_PKEY_free(key);
}

static void
test_unknown_type(void **state)
{
	static const char legacy[] =
	    "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n"
	    "-----END RSA PRIVATE KEY-----\n";
	EVP_PKEY *back = NULL;

	foreign_key("RSA", "rsa");
	foreign_key("EC", "ec");
	foreign_key("ED448", "ed448");
	write_text(tpath("legacy"), legacy, strlen(legacy));
	assert_int_equal(ms_key_load_private(tpath("legacy"), NULL, &back),
	    MS_ERR_KEY_TYPE_UNKNOWN);
}

static void
test_pubkey_line(void **state)
{
	EVP_PKEY *key = NULL, *back = NULL;
	enum ms_keytype type;
	u_char raw[32], raw2[32];
	char *line = NULL, *comment = NULL, *text;

	/* A known key formats to a known line. */
	assert_int_equal(ms_pkey_from_raw_public(MS_KEY_ED25519, rfc8032_pub,
	    sizeof(rfc8032_pub), &key), 0);
	assert_int_equal(ms_pubkey_format(key, "alice@example", &line), 0);
	assert_string_equal(line, "ms-ed25519 " RFC8032_PUB_B64
	    " alice@example");
	assert_int_equal(ms_pubkey_parse(line, &type, raw, &comment), 0);
	assert_int_equal(type, MS_KEY_ED25519);
	assert_memory_equal(raw, rfc8032_pub, 32);
	assert_string_equal(comment, "alice@example");
	free(comment);
	comment = NULL;
	free(line);
	line = NULL;

	/* No comment, and a comment with spaces. */
	assert_int_equal(ms_pubkey_format(key, NULL, &line), 0);
	assert_string_equal(line, "ms-ed25519 " RFC8032_PUB_B64);
	assert_int_equal(ms_pubkey_parse(line, &type, raw, &comment), 0);
	assert_null(comment);
	free(line);
	assert_int_equal(ms_pubkey_parse("  ms-ed25519 " RFC8032_PUB_B64
	    "  two words \n", &type, raw, &comment), 0);
	assert_string_equal(comment, "two words");
	free(comment);
	comment = NULL;
	/* Comments with line breaks cannot be written. */
	assert_int_equal(ms_pubkey_format(key, "a\nb", &line),
	    MS_ERR_INVALID_ARGUMENT);
	assert_null(line);
	EVP_PKEY_free(key);
	key = NULL;

	/* x25519 round trip through a file. */
	assert_int_equal(ms_pkey_generate(MS_KEY_X25519, &key), 0);
	assert_int_equal(ms_key_save_public(tpath("x.pub"), key, "host"), 0);
	text = read_text(tpath("x.pub"), NULL);
	assert_int_equal(strncmp(text, "ms-x25519 ", 10), 0);
	assert_int_equal(text[strlen(text) - 1], '\n');
	free(text);
	assert_int_equal(ms_key_load_public(tpath("x.pub"), &back, &comment),
	    0);
	assert_string_equal(comment, "host");
	same_public(key, back);
	assert_int_equal(ms_pkey_raw_public(key, raw2, sizeof(raw2)), 0);
	free(comment);
	EVP_PKEY_free(back);
	EVP_PKEY_free(key);
}

static void
test_pubkey_malformed(void **state)
{
	enum ms_keytype type;
	u_char raw[32];
	char *comment = NULL, *big, *line = NULL;
	EVP_PKEY *key = NULL;
	static const struct {
		const char *line;
		int want;
	} cases[] = {
		{ "", MS_ERR_INVALID_FORMAT },
		{ "ms-ed25519", MS_ERR_INVALID_FORMAT },
		{ "ms-ed25519 ", MS_ERR_INVALID_FORMAT },
		/* bad base64: bad character, bad padding, non-canonical */
		{ "ms-ed25519 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcH!Ro=",
		    MS_ERR_INVALID_FORMAT },
		{ "ms-ed25519 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo==",
		    MS_ERR_INVALID_FORMAT },
		{ "ms-ed25519 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURp=",
		    MS_ERR_INVALID_FORMAT },
		{ "ms-ed25519 =11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo",
		    MS_ERR_INVALID_FORMAT },
		/* wrong length: 31 and 33 bytes */
		{ "ms-ed25519 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==",
		    MS_ERR_INVALID_FORMAT },
		{ "ms-ed25519 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g",
		    MS_ERR_INVALID_FORMAT },
		/* unknown types */
		{ "ssh-ed25519 " RFC8032_PUB_B64 " c",
		    MS_ERR_KEY_TYPE_UNKNOWN },
		{ "ed25519 " RFC8032_PUB_B64, MS_ERR_KEY_TYPE_UNKNOWN },
		{ "ms-rsa " RFC8032_PUB_B64, MS_ERR_KEY_TYPE_UNKNOWN },
		/* control characters in the comment */
		{ "ms-ed25519 " RFC8032_PUB_B64 " a\033[2Jb",
		    MS_ERR_INVALID_FORMAT },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		comment = NULL;
		assert_int_equal(ms_pubkey_parse(cases[i].line, &type, raw,
		    &comment), cases[i].want);
		assert_null(comment);
	}
	/* Over-long lines are refused before any work. */
	assert_non_null(big = malloc(MS_PUBKEY_LINE_MAX + 2));
	memset(big, 'A', MS_PUBKEY_LINE_MAX + 1);
	big[MS_PUBKEY_LINE_MAX + 1] = '\0';
	assert_int_equal(ms_pubkey_parse(big, &type, raw, NULL),
	    MS_ERR_STRING_TOO_LARGE);
	free(big);
	/*
	 * A line that fits only because its base64 is unpadded is refused:
	 * its canonical form (ms_pubkey_format) would not fit (found by
	 * fuzz_pubkey).  One byte less of comment, and it parses.
	 */
	assert_non_null(big = malloc(MS_PUBKEY_LINE_MAX + 1));
	memset(big, 'c', MS_PUBKEY_LINE_MAX);
	big[MS_PUBKEY_LINE_MAX] = '\0';
	/* "ms-ed25519 " || 43 characters of unpadded base64 || " " */
	memcpy(big, "ms-ed25519 " RFC8032_PUB_B64, 11 + 43);
	big[11 + 43] = ' ';
	assert_int_equal(ms_pubkey_parse(big, &type, raw, NULL),
	    MS_ERR_STRING_TOO_LARGE);
	big[MS_PUBKEY_LINE_MAX - 1] = '\0';
	assert_int_equal(ms_pubkey_parse(big, &type, raw, &comment), 0);
	assert_int_equal(ms_pkey_from_raw_public(MS_KEY_ED25519, raw,
	    sizeof(raw), &key), 0);
	assert_int_equal(ms_pubkey_format(key, comment, &line), 0);
	assert_int_equal(strlen(line), MS_PUBKEY_LINE_MAX);
	free(line);
	line = NULL;
	free(comment);
	comment = NULL;
	EVP_PKEY_free(key);
	key = NULL;
	free(big);

	/* Files: two keys, junk, foreign type. */
	write_text(tpath("two.pub"), "ms-ed25519 " RFC8032_PUB_B64 "\n"
	    "ms-ed25519 " RFC8032_PUB_B64 "\n", 2 * (11 + 44 + 1));
	assert_int_equal(ms_key_load_public(tpath("two.pub"), NULL, NULL),
	    MS_ERR_KEY_FILE_CORRUPT);
	write_text(tpath("junk.pub"), "garbage\n", 8);
	assert_int_equal(ms_key_load_public(tpath("junk.pub"), NULL, NULL),
	    MS_ERR_KEY_FILE_CORRUPT);
	write_text(tpath("nul.pub"), "ms-ed25519 \0" RFC8032_PUB_B64 "\n",
	    11 + 1 + 44 + 1);
	assert_int_equal(ms_key_load_public(tpath("nul.pub"), NULL, NULL),
	    MS_ERR_KEY_FILE_CORRUPT);
	write_text(tpath("ssh.pub"), "ssh-ed25519 " RFC8032_PUB_B64 " u\n",
	    12 + 44 + 3);
	assert_int_equal(ms_key_load_public(tpath("ssh.pub"), NULL, NULL),
	    MS_ERR_KEY_TYPE_UNKNOWN);
	/* One line, trailing blank lines tolerated. */
	write_text(tpath("ok.pub"), "ms-ed25519 " RFC8032_PUB_B64 "\n\n",
	    11 + 44 + 2);
	assert_int_equal(ms_key_load_public(tpath("ok.pub"), NULL, NULL), 0);
}

static void
test_fingerprint(void **state)
{
	u_char seq[32];
	char fp[MS_FINGERPRINT_MAX];
	size_t i;

	for (i = 0; i < sizeof(seq); i++)
		seq[i] = (u_char)i;
	assert_int_equal(ms_fingerprint(seq, sizeof(seq), fp, sizeof(fp)), 0);
	assert_string_equal(fp, SEQ32_FP);
	assert_int_equal(ms_fingerprint(rfc8032_pub, sizeof(rfc8032_pub), fp,
	    sizeof(fp)), 0);
	assert_string_equal(fp, RFC8032_PUB_FP);
	assert_int_equal(strlen(fp), 7 + 43);
	/* Too small an output buffer is an error, not a truncation. */
	assert_int_equal(ms_fingerprint(seq, sizeof(seq), fp, 20),
	    MS_ERR_NO_BUFFER_SPACE);
}

static void
test_base64(void **state)
{
	static const struct {
		const char *in, *out;
	} vec[] = {	/* RFC 4648 section 10 */
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" },
		{ "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" },
		{ "foobar", "Zm9vYmFy" },
	};
	u_char *dec;
	char *enc;
	size_t i, len;

	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		assert_int_equal(ms_base64_encode((const u_char *)vec[i].in,
		    strlen(vec[i].in), 0, &enc), 0);
		assert_string_equal(enc, vec[i].out);
		free(enc);
		assert_int_equal(ms_base64_decode(vec[i].out, &dec, &len, 64), 0);
		assert_int_equal(len, strlen(vec[i].in));
		assert_memory_equal(dec, vec[i].in, len);
		free(dec);
		/* Unpadded form decodes to the same. */
		assert_int_equal(ms_base64_encode((const u_char *)vec[i].in,
		    strlen(vec[i].in), 1, &enc), 0);
		assert_null(strchr(enc, '='));
		assert_int_equal(ms_base64_decode(enc, &dec, &len, 64), 0);
		assert_int_equal(len, strlen(vec[i].in));
		free(dec);
		free(enc);
	}
	assert_int_equal(ms_base64_decode("Zm9vYmFy", &dec, &len, 5),
	    MS_ERR_STRING_TOO_LARGE);
	assert_int_equal(ms_base64_decode("Zg=", &dec, &len, 64),
	    MS_ERR_INVALID_FORMAT);
	assert_int_equal(ms_base64_decode("Z", &dec, &len, 64),
	    MS_ERR_INVALID_FORMAT);
	assert_int_equal(ms_base64_decode("Zh==", &dec, &len, 64),
	    MS_ERR_INVALID_FORMAT);
	assert_int_equal(ms_base64_decode("Zm 9v", &dec, &len, 64),
	    MS_ERR_INVALID_FORMAT);
	assert_int_equal(ms_base64_decode("Zm=v", &dec, &len, 64),
	    MS_ERR_INVALID_FORMAT);
}

static void
test_store_key(void **state)
{
	u_char key[MS_STORE_KEY_LEN], back[MS_STORE_KEY_LEN];
	u_char *der = NULL;
	char *text, *b64, *body, *nl;
	struct stat st;
	size_t len, derlen;
	const char *path = tpath("store"), *bad = tpath("store_bad");

	assert_int_equal(ms_random_bytes(key, sizeof(key)), 0);
	assert_int_equal(ms_store_key_save(path, key), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(ms_store_key_load(path, back), 0);
	assert_memory_equal(key, back, sizeof(key));

	/* Armour and layout as PROTOCOL.md 13 says. */
	text = read_text(path, &len);
	assert_int_equal(strncmp(text, "-----BEGIN METASAFE STORE KEY-----\n",
	    35), 0);
	assert_non_null(strstr(text, "\n-----END METASAFE STORE KEY-----\n"));
	body = text + 35;
	nl = strchr(body, '\n');
	assert_non_null(nl);
	assert_non_null(b64 = strndup(body, (size_t)(nl - body)));
	assert_int_equal(ms_base64_decode(b64, &der, &derlen, 64), 0);
	assert_int_equal(derlen, 4 + 1 + 32 + 4);
	assert_memory_equal(der, "MSSK\001", 5);
	assert_memory_equal(der + 5, key, 32);
	free(b64);

	/* Any single changed byte of the blob is refused. */
	{
		size_t i;
		char *enc, *doc;
		size_t doclen;

		for (i = 0; i < derlen; i++) {
			der[i] ^= 0x01;
			assert_int_equal(ms_base64_encode(der, derlen, 0, &enc),
			    0);
			doclen = strlen(enc) + 80;
			assert_non_null(doc = malloc(doclen));
			snprintf(doc, doclen,
			    "-----BEGIN METASAFE STORE KEY-----\n%s\n"
			    "-----END METASAFE STORE KEY-----\n", enc);
			write_text(bad, doc, strlen(doc));
			assert_int_equal(ms_store_key_load(bad, back),
			    MS_ERR_KEY_FILE_CORRUPT);
			free(doc);
			free(enc);
			der[i] ^= 0x01;
		}
	}
	free(der);

	/* Wrong label, truncated, private key instead. */
	write_text(bad, "-----BEGIN PRIVATE KEY-----\n" "TVNTSwE=\n"
	    "-----END PRIVATE KEY-----\n", 28 + 9 + 26);
	assert_int_equal(ms_store_key_load(bad, back), MS_ERR_KEY_FILE_CORRUPT);
	write_text(bad, text, len / 2);
	assert_int_equal(ms_store_key_load(bad, back), MS_ERR_KEY_FILE_CORRUPT);
	free(text);
	assert_int_equal(ms_store_key_save(path, key), MS_ERR_FILE_EXISTS);
	assert_int_equal(ms_store_key_load(path, back), 0);
	assert_memory_equal(key, back, sizeof(key));
}

static void
test_keytype_names(void **state)
{
	assert_int_equal(ms_keytype_from_name("ed25519"), MS_KEY_ED25519);
	assert_int_equal(ms_keytype_from_name("ms-ed25519"), MS_KEY_ED25519);
	assert_int_equal(ms_keytype_from_name("x25519"), MS_KEY_X25519);
	assert_int_equal(ms_keytype_from_name("ms-x25519"), MS_KEY_X25519);
	assert_int_equal(ms_keytype_from_name("rsa"), MS_KEY_UNKNOWN);
	assert_int_equal(ms_keytype_from_name(""), MS_KEY_UNKNOWN);
	assert_int_equal(ms_keytype_from_name(NULL), MS_KEY_UNKNOWN);
	assert_string_equal(ms_keytype_name(MS_KEY_X25519), "ms-x25519");
	assert_string_equal(ms_keytype_short(MS_KEY_ED25519), "ed25519");
	assert_string_equal(ms_keytype_upper(MS_KEY_X25519), "X25519");
}

static void
test_read_all_bounds(void **state)
{
	u_char *data = NULL;
	size_t len = 99;

	write_text(tpath("ten"), "0123456789", 10);
	assert_int_equal(ms_file_read_all(tpath("ten"), &data, &len, 9),
	    MS_ERR_LIMIT);
	assert_null(data);
	assert_int_equal(ms_file_read_all(tpath("ten"), &data, &len, 10), 0);
	assert_int_equal(len, 10);
	assert_int_equal(data[10], '\0');
	free(data);
	/* Not a regular file. */
	assert_int_not_equal(ms_file_read_all(tmpdir, &data, &len, 10), 0);
	assert_null(data);
	/* A FIFO is refused at once rather than blocking on open or read. */
	assert_int_equal(mkfifo(tpath("fifo"), 0600), 0);
	assert_int_equal(ms_file_read_all(tpath("fifo"), &data, &len, 10),
	    MS_ERR_INVALID_ARGUMENT);
	assert_null(data);
	assert_int_equal(ms_file_read_all(tpath("missing"), &data, &len, 10),
	    MS_ERR_NOT_FOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keytype_names),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_fingerprint),
		cmocka_unit_test(test_read_all_bounds),
		cmocka_unit_test(test_roundtrip_ed25519),
		cmocka_unit_test(test_roundtrip_x25519),
		cmocka_unit_test(test_roundtrip_encrypted),
		cmocka_unit_test(test_no_overwrite),
		cmocka_unit_test(test_mode_despite_umask),
		cmocka_unit_test(test_corrupt_private),
		cmocka_unit_test(test_unknown_type),
		cmocka_unit_test(test_pubkey_line),
		cmocka_unit_test(test_pubkey_malformed),
		cmocka_unit_test(test_store_key),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
