/*
 * cafile.c — the CA commands of metasafe-keygen (-c, -I, -k): load the CA
 * key and its certificate, issue, revoke, and write the results.
 *
 * New files are created with O_EXCL (never overwritten); the CRL is the
 * one file that is rewritten, through a temporary file, fsync and
 * rename(2), so a reader sees the old or the new list, never a torn one.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "crypto.h"
#include "errors.h"
#include "keyfile.h"
#include "kg.h"
#include "log.h"
#include "timeio.h"

#define ERRBUF_MAX	512

static char *
suffixed(const char *file, const char *suffix)
{
	char *p;

	if (strlen(file) + strlen(suffix) >= PATH_MAX) {
		error("path too long: %s%s", file, suffix);
		return NULL;
	}
	if (asprintf(&p, "%s%s", file, suffix) == -1) {
		error("out of memory");
		return NULL;
	}
	return p;
}

static int
file_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 || errno != ENOENT;
}

static int
load_error(const char *path, int r)
{
	switch (r) {
	case MS_ERR_BAD_PASSPHRASE:
		error("Load key \"%s\": incorrect passphrase", path);
		break;
	case MS_ERR_PASSPHRASE_REQUIRED:
		error("Load key \"%s\": a passphrase is required (use -P)",
		    path);
		break;
	case MS_ERR_KEY_FILE_CORRUPT:
	case MS_ERR_INVALID_FORMAT:
		error("Load key \"%s\": invalid format (not a key file)", path);
		break;
	case MS_ERR_KEY_TYPE_UNKNOWN:
		error("Load key \"%s\": unsupported key type (ed25519, "
		    "ecdsa-p256, ecdsa-p384, rsa)", path);
		break;
	case MS_ERR_NOT_FOUND:
		error("%s: No such file or directory", path);
		break;
	case MS_ERR_SYSTEM:
		error("%s: %s", path, strerror(errno));
		break;
	default:
		error("Load key \"%s\": %s", path, ms_err(r));
		break;
	}
	return kg_exit_code(r);
}

/* The first certificate of a PEM file. */
static int
read_cert(const char *path, X509 **certp)
{
	u_char *data = NULL;
	size_t len = 0;
	BIO *bio = NULL;
	int r;

	*certp = NULL;
	if ((r = ms_file_read_all(path, &data, &len, KG_CERT_FILE_MAX)) != 0) {
		if (r == MS_ERR_LIMIT)
			r = MS_ERR_KEY_FILE_CORRUPT;
		return r;
	}
	if ((bio = BIO_new_mem_buf(data, (int)len)) == NULL) {
		r = MS_ERR_ALLOC;
		goto out;
	}
	if ((*certp = PEM_read_bio_X509(bio, NULL, NULL, NULL)) == NULL)
		r = MS_ERR_KEY_FILE_CORRUPT;
 out:
	ERR_clear_error();
	BIO_free(bio);
	freezero(data, len + 1);
	return r;
}

/*
 * CA key and its certificate (-S, default CAKEY.crt): the certificate must be a CA certificate for that
 * very key.  Returns an exit code.
 */
static int
load_ca(const char *keyfile, const char *certfile, const char *pass,
    EVP_PKEY **keyp, X509 **certp)
{
	char *crt;
	int r, ret = KG_EXIT_GENERAL;

	*keyp = NULL;
	*certp = NULL;
	if (certfile != NULL) {
		if ((crt = strdup(certfile)) == NULL) {
			error("out of memory");
			return KG_EXIT_GENERAL;
		}
	} else if ((crt = suffixed(keyfile, ".crt")) == NULL)
		return KG_EXIT_GENERAL;
	if ((r = kg_key_load_private(keyfile, pass, keyp)) != 0) {
		ret = load_error(keyfile, r);
		goto out;
	}
	if (!ms_keyalg_can_sign(kg_pkey_type(*keyp))) {
		error("%s: a %s key cannot sign certificates", keyfile,
		    ms_keyalg_name(kg_pkey_type(*keyp)));
		ret = KG_EXIT_KEYTYPE;
		goto out;
	}
	if ((r = read_cert(crt, certp)) != 0) {
		if (r == MS_ERR_NOT_FOUND)
			error("%s: No such file or directory (the CA "
			    "certificate: -S FILE, or KEY.crt next to the "
			    "key)", crt);
		else if (r == MS_ERR_SYSTEM)
			error("%s: %s", crt, strerror(errno));
		else
			error("%s: not a PEM certificate", crt);
		ret = r == MS_ERR_KEY_FILE_CORRUPT ? KG_EXIT_CORRUPT :
		    KG_EXIT_GENERAL;
		goto out;
	}
	if (X509_check_ca(*certp) < 1) {
		error("%s: not a CA certificate (basicConstraints CA:TRUE "
		    "missing)", crt);
		goto out;
	}
	if (EVP_PKEY_eq(X509_get0_pubkey(*certp), *keyp) != 1) {
		error("%s does not certify the key in %s", crt, keyfile);
		goto out;
	}
	ret = KG_EXIT_OK;
 out:
	ERR_clear_error();
	if (ret != KG_EXIT_OK) {
		EVP_PKEY_free(*keyp);
		X509_free(*certp);
		*keyp = NULL;
		*certp = NULL;
	}
	free(crt);
	return ret;
}

/* PEM of certs (and a CRL) into a fresh string. */
static int
to_pem(X509 *c1, X509 *c2, X509_CRL *crl, char **pemp, size_t *lenp)
{
	BIO *bio;
	BUF_MEM *mem = NULL;
	int r = MS_ERR_LIBCRYPTO;

	*pemp = NULL;
	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return MS_ERR_ALLOC;
	if ((c1 != NULL && PEM_write_bio_X509(bio, c1) != 1) ||
	    (c2 != NULL && PEM_write_bio_X509(bio, c2) != 1) ||
	    (crl != NULL && PEM_write_bio_X509_CRL(bio, crl) != 1) ||
	    BIO_get_mem_ptr(bio, &mem) != 1 || mem == NULL ||
	    mem->length == 0)
		goto out;
	if ((*pemp = malloc(mem->length)) == NULL) {
		r = MS_ERR_ALLOC;
		goto out;
	}
	memcpy(*pemp, mem->data, mem->length);
	*lenp = mem->length;
	r = 0;
 out:
	ERR_clear_error();
	BIO_free(bio);
	return r;
}

static int
write_new_pem(const char *path, X509 *c1, X509 *c2)
{
	char *pem = NULL;
	size_t len = 0;
	int r;

	if ((r = to_pem(c1, c2, NULL, &pem, &len)) != 0)
		return r;
	r = ms_file_write_new(path, pem, len, 0644);
	free(pem);
	return r;
}

static void
print_validity(const char *what, X509 *x)
{
	BIO *bio;
	BUF_MEM *mem = NULL;
	ASN1_INTEGER *serial = X509_get_serialNumber(x);
	BIGNUM *bn;
	char *dec = NULL;

	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return;
	if ((bn = ASN1_INTEGER_to_BN(serial, NULL)) != NULL)
		dec = BN_bn2dec(bn);
	if (ASN1_TIME_print(bio, X509_get0_notBefore(x)) == 1 &&
	    BIO_puts(bio, " to ") > 0 &&
	    ASN1_TIME_print(bio, X509_get0_notAfter(x)) == 1 &&
	    BIO_write(bio, "", 1) == 1 &&
	    BIO_get_mem_ptr(bio, &mem) == 1 && mem != NULL)
		printf("%s: serial %s, valid %s\n", what,
		    dec != NULL ? dec : "?", mem->data);
	OPENSSL_free(dec);
	BN_free(bn);
	BIO_free(bio);
	ERR_clear_error();
}

int
kg_cmd_ca_create(const struct kg_ca_opts *o)
{
	struct kg_cert_req req;
	EVP_PKEY *key = NULL, *pkey = NULL;
	X509 *cert = NULL, *pcert = NULL;
	enum ms_keyalg type = o->type != MS_KEYALG_UNKNOWN ? o->type :
	    MS_KEYALG_ED25519;
	char *crt = NULL, err[ERRBUF_MAX] = "";
	int r, ret = KG_EXIT_GENERAL, key_written = 0;

	memset(&req, 0, sizeof(req));
	if (o->file == NULL || o->name == NULL) {
		error("-c needs -f CAKEY and -n \"CA NAME\"");
		return KG_EXIT_GENERAL;
	}
	if (!ms_keyalg_can_sign(type)) {
		error("a %s key cannot be a CA key", ms_keyalg_name(type));
		return KG_EXIT_KEYTYPE;
	}
	req.kind = KG_CERT_CA;
	req.name = o->name;
	req.serial = o->serial;
	if (o->validity == NULL)
		req.validity.days = KG_CA_DAYS_DEFAULT;
	else if (kg_validity_parse(o->validity, 0, &req.validity) != 0) {
		error("invalid validity \"%s\": DAYS, +DAYS or "
		    "YYYYMMDDHHMMSS:YYYYMMDDHHMMSS", o->validity);
		return KG_EXIT_GENERAL;
	}
	if ((crt = suffixed(o->file, ".crt")) == NULL)
		return KG_EXIT_GENERAL;
	if (file_exists(o->file) || file_exists(crt)) {
		error("%s already exists; refusing to overwrite it.",
		    file_exists(o->file) ? o->file : crt);
		ret = KG_EXIT_EXISTS;
		goto out;
	}
	if (o->ca_key != NULL &&
	    (ret = load_ca(o->ca_key, o->ca_cert, o->passphrase, &pkey,
	    &pcert)) != 0)
		goto out;
	ret = KG_EXIT_GENERAL;
	if ((r = kg_pkey_generate(type, o->bits, &key)) != 0) {
		error("cannot generate a %s key: %s", ms_keyalg_name(type),
		    r == MS_ERR_INVALID_ARGUMENT ? "bad size (-b)" : ms_err(r));
		goto out;
	}
	if ((r = kg_cert_issue(&req, key, pcert, pkey != NULL ? pkey : key,
	    time(NULL), &cert, err, sizeof(err))) != 0) {
		error("cannot make the CA certificate: %s", err);
		goto out;
	}
	if ((r = kg_key_save_private(o->file, key, o->newpass)) != 0) {
		error("Saving key \"%s\" failed: %s", o->file,
		    r == MS_ERR_SYSTEM ? strerror(errno) : ms_err(r));
		ret = kg_exit_code(r);
		goto out;
	}
	key_written = 1;
	if ((r = write_new_pem(crt, cert, NULL)) != 0) {
		error("Saving certificate \"%s\" failed: %s", crt,
		    r == MS_ERR_SYSTEM ? strerror(errno) : ms_err(r));
		ret = kg_exit_code(r);
		goto out;
	}
	if (!o->quiet) {
		printf("Created %s CA \"%s\": key %s, certificate %s\n",
		    pcert != NULL ? "intermediate" : "root", o->name, o->file,
		    crt);
		print_validity("CA certificate", cert);
	}
	ret = KG_EXIT_OK;
 out:
	if (ret != KG_EXIT_OK && key_written)
		(void)unlink(o->file);
	EVP_PKEY_free(key);
	EVP_PKEY_free(pkey);
	X509_free(cert);
	X509_free(pcert);
	free(crt);
	return ret;
}

int
kg_cmd_issue(const struct kg_ca_opts *o)
{
	struct kg_cert_req req;
	EVP_PKEY *cakey = NULL, *subject = NULL;
	X509 *cacert = NULL, *cert = NULL;
	char *out = NULL, *comment = NULL, err[ERRBUF_MAX] = "";
	int r, ret = KG_EXIT_GENERAL, intermediate;

	memset(&req, 0, sizeof(req));
	if (o->ca_key == NULL || o->name == NULL || o->file == NULL) {
		error("-I needs -s CAKEY and -f KEYFILE");
		return KG_EXIT_GENERAL;
	}
	req.kind = o->host ? KG_CERT_HOST : KG_CERT_CLIENT;
	req.name = o->name;
	req.extra_names = o->names;
	req.serial = o->serial;
	req.usage = o->usage;
	if (o->validity == NULL)
		req.validity.days = KG_CERT_DAYS_DEFAULT;
	else if (kg_validity_parse(o->validity, 0, &req.validity) != 0) {
		error("invalid validity \"%s\": +DAYS or "
		    "YYYYMMDDHHMMSS:YYYYMMDDHHMMSS", o->validity);
		return KG_EXIT_GENERAL;
	}
	if ((out = suffixed(o->file, "-cert.pem")) == NULL)
		return KG_EXIT_GENERAL;
	if (file_exists(out)) {
		error("%s already exists; refusing to overwrite it.", out);
		ret = KG_EXIT_EXISTS;
		goto done;
	}
	if ((ret = load_ca(o->ca_key, o->ca_cert, o->passphrase, &cakey,
	    &cacert)) != 0)
		goto done;
	ret = KG_EXIT_GENERAL;
	if ((r = kg_key_load_any_public(o->file, o->passphrase, &subject,
	    &comment)) != 0) {
		ret = load_error(o->file, r);
		goto done;
	}
	if (!ms_keyalg_can_sign(kg_pkey_type(subject))) {
		error("%s: a %s key cannot be certified (it cannot sign)",
		    o->file, ms_keyalg_name(kg_pkey_type(subject)));
		ret = KG_EXIT_KEYTYPE;
		goto done;
	}
	if ((r = kg_cert_issue(&req, subject, cacert, cakey, time(NULL),
	    &cert, err, sizeof(err))) != 0) {
		error("cannot issue the certificate: %s", err);
		goto done;
	}
	/* An intermediate's own certificate completes the chain. */
	intermediate = X509_self_signed(cacert, 0) != 1;
	ERR_clear_error();
	if ((r = write_new_pem(out, cert, intermediate ? cacert :
	    NULL)) != 0) {
		error("Saving certificate \"%s\" failed: %s", out,
		    r == MS_ERR_SYSTEM ? strerror(errno) : ms_err(r));
		ret = kg_exit_code(r);
		goto done;
	}
	if (!o->quiet) {
		printf("Signed %s certificate for \"%s\" (%s key) in %s%s\n",
		    o->host ? "host" : "client", o->name,
		    ms_keyalg_name(kg_pkey_type(subject)), out,
		    intermediate ? " (with the intermediate CA)" : "");
		print_validity("certificate", cert);
	}
	ret = KG_EXIT_OK;
 done:
	EVP_PKEY_free(cakey);
	EVP_PKEY_free(subject);
	X509_free(cacert);
	X509_free(cert);
	free(comment);
	free(out);
	return ret;
}

/* The existing CRL, if any: 0 with *crlp NULL when there is none. */
static int
read_crl(const char *path, X509_CRL **crlp)
{
	u_char *data = NULL;
	size_t len = 0;
	BIO *bio = NULL;
	int r;

	*crlp = NULL;
	if ((r = ms_file_read_all(path, &data, &len, KG_CRL_FILE_MAX)) != 0) {
		if (r == MS_ERR_NOT_FOUND)
			return 0;
		if (r == MS_ERR_LIMIT)
			r = MS_ERR_KEY_FILE_CORRUPT;
		return r;
	}
	if ((bio = BIO_new_mem_buf(data, (int)len)) == NULL) {
		r = MS_ERR_ALLOC;
		goto out;
	}
	if ((*crlp = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL)) == NULL)
		r = MS_ERR_KEY_FILE_CORRUPT;
 out:
	ERR_clear_error();
	BIO_free(bio);
	freezero(data, len + 1);
	return r;
}

/* Replace path atomically: temporary file, fsync, rename, fsync dir. */
static int
replace_file(const char *path, const char *data, size_t len)
{
	char *tmp = NULL, *dcopy = NULL;
	int fd = -1, dfd, r = MS_ERR_SYSTEM, saved;

	if ((tmp = suffixed(path, ".XXXXXX")) == NULL)
		return MS_ERR_ALLOC;
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1)
		goto out;
	if (fchmod(fd, 0644) == -1)
		goto fail;
	if (ms_write_all_deadline(fd, data, len, -1) != 0)
		goto fail;
	if (fsync(fd) == -1 || close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto fail;
	if ((dcopy = strdup(path)) != NULL &&
	    (dfd = open(dirname(dcopy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) !=
	    -1) {
		(void)fsync(dfd);
		close(dfd);
	}
	r = 0;
	goto out;
 fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	(void)unlink(tmp);
	errno = saved;
 out:
	free(dcopy);
	free(tmp);
	return r;
}

static int
revoked_count(X509_CRL *crl)
{
	int n = sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl));

	return n < 0 ? 0 : n;
}

int
kg_cmd_revoke(const struct kg_ca_opts *o)
{
	struct kg_validity v;
	EVP_PKEY *cakey = NULL;
	X509 *cacert = NULL;
	X509_CRL *old = NULL, *crl = NULL;
	ASN1_INTEGER *serial = NULL;
	char *pem = NULL, err[ERRBUF_MAX] = "";
	size_t len = 0;
	int r, ret = KG_EXIT_GENERAL, listed = 0;

	if (o->ca_key == NULL || o->file == NULL) {
		error("-k needs -s CAKEY and -f CRLFILE");
		return KG_EXIT_GENERAL;
	}
	memset(&v, 0, sizeof(v));
	if (o->validity == NULL)
		v.days = KG_CRL_DAYS_DEFAULT;
	else if (kg_validity_parse(o->validity, 1, &v) != 0) {
		error("invalid CRL validity \"%s\": DAYS (negative for a stale "
		    "CRL) or LASTUPDATE:NEXTUPDATE as YYYYMMDDHHMMSS",
		    o->validity);
		return KG_EXIT_GENERAL;
	}
	if (o->serial != NULL && kg_serial_parse(o->serial, &serial) != 0) {
		error("invalid serial \"%s\" (decimal, not 0)", o->serial);
		return KG_EXIT_GENERAL;
	}
	if ((ret = load_ca(o->ca_key, o->ca_cert, o->passphrase, &cakey,
	    &cacert)) != 0)
		goto out;
	ret = KG_EXIT_GENERAL;
	if ((r = read_crl(o->file, &old)) != 0) {
		if (r == MS_ERR_SYSTEM)
			error("%s: %s", o->file, strerror(errno));
		else
			error("%s: not a PEM CRL", o->file);
		ret = kg_exit_code(r);
		goto out;
	}
	if ((r = kg_crl_update(old, cacert, cakey, serial, &v, time(NULL),
	    &crl, &listed, err, sizeof(err))) != 0) {
		error("%s: %s", o->file, err);
		goto out;
	}
	if ((r = to_pem(NULL, NULL, crl, &pem, &len)) != 0 ||
	    (r = replace_file(o->file, pem, len)) != 0) {
		error("Saving CRL \"%s\" failed: %s", o->file,
		    r == MS_ERR_SYSTEM ? strerror(errno) : ms_err(r));
		goto out;
	}
	if (!o->quiet) {
		if (serial == NULL)
			printf("%s %s (%d revoked)\n", old != NULL ?
			    "Re-signed CRL" : "Created empty CRL", o->file,
			    revoked_count(crl));
		else
			printf("%s serial %s in %s (%d revoked)\n", listed ?
			    "Already revoked:" : "Revoked", o->serial,
			    o->file, revoked_count(crl));
	}
	ret = KG_EXIT_OK;
 out:
	EVP_PKEY_free(cakey);
	X509_free(cacert);
	X509_CRL_free(old);
	X509_CRL_free(crl);
	ASN1_INTEGER_free(serial);
	free(pem);
	return ret;
}
