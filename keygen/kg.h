/*
 * kg.h — metasafe-keygen internals: key types beyond the host keys
 * (ECDSA P-256/P-384, RSA) and the small X.509 CA (certificates, CRLs).
 * The pieces without file I/O are unit-tested (regress/unit/test_keygen_ca.c).
 */
#ifndef MS_KG_H
#define MS_KG_H

#include <sys/types.h>

#include <stddef.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "keytype.h"


#define KG_RSA_BITS_DEFAULT	3072
#define KG_RSA_BITS_MIN		1024	/* so tests can make a too-small key */
#define KG_RSA_BITS_MAX		8192
#define KG_CA_DAYS_DEFAULT	3650
#define KG_CERT_DAYS_DEFAULT	365
#define KG_CRL_DAYS_DEFAULT	30
#define KG_NAME_MAX		64	/* X.520 ub-common-name */
#define KG_EXTRA_NAMES_MAX	32
#define KG_CERT_FILE_MAX	(256 * 1024)
#define KG_CRL_FILE_MAX		(4 * 1024 * 1024)

/*
 * Exit codes of metasafe-keygen, defined only here and used by every
 * keygen/ file; usage() and metasafe-keygen(1) EXIT STATUS document them.
 */
#define KG_EXIT_OK		0
#define KG_EXIT_GENERAL		1
#define KG_EXIT_EXISTS		2
#define KG_EXIT_PASSPHRASE	3
#define KG_EXIT_CORRUPT		4
#define KG_EXIT_KEYTYPE		5
#define KG_EXIT_NOT_FOUND	1	/* -F/-R: no line for the host */

/* --- pkey.c ------------------------------------------------------------- */

/* Key type names and properties: common/keytype.h. */
enum ms_keyalg	 kg_pkey_type(EVP_PKEY *key);

/* MS_ERR_* to an exit code: the one mapping, for every keygen/ file. */
int	kg_exit_code(int r);

int	kg_pkey_generate(enum ms_keyalg t, int bits, EVP_PKEY **keyp);
/* Any PKCS#8 private key; MS_ERR_* as ms_key_load_private. */
int	kg_key_load_private(const char *path, const char *passphrase,
	    EVP_PKEY **keyp);
/* PKCS#8 PEM (scrypt + AES-256-CBC with a passphrase), 0600, O_EXCL. */
int	kg_key_save_private(const char *path, EVP_PKEY *key,
	    const char *passphrase);
/* "BEGIN PUBLIC KEY" PEM in *pemp (NUL-terminated, free()). */
int	kg_pubkey_pem(EVP_PKEY *key, char **pemp);
int	kg_key_save_public_pem(const char *path, EVP_PKEY *key);
/*
 * A public key from: a PEM public key, an ms-* public key line, or a
 * private key (passphrase as for kg_key_load_private).
 */
int	kg_key_load_any_public(const char *path, const char *passphrase,
	    EVP_PKEY **keyp, char **commentp);
/*
 * "SHA256:..." over the raw key (ed25519/x25519) or the DER
 * SubjectPublicKeyInfo (others); *bitsp the key size.
 */
int	kg_fingerprint(EVP_PKEY *key, char *out, size_t outlen, int *bitsp);

/* --- ca.c --------------------------------------------------------------- */

enum kg_cert_kind {
	KG_CERT_CA = 1,
	KG_CERT_CLIENT,
	KG_CERT_HOST,
};

/* A validity period: relative days from now, or fixed UTC times. */
struct kg_validity {
	int	 absolute;
	long	 days;			/* relative: may be negative */
	char	 from[16], to[16];	/* absolute: "YYYYMMDDHHMMSSZ" */
};

/*
 * "DAYS", "+DAYS", "-DAYS" (only when allow_negative) or
 * "YYYYMMDDHHMMSS:YYYYMMDDHHMMSS" (UTC, FROM before TO).
 */
int	kg_validity_parse(const char *s, int allow_negative,
	    struct kg_validity *v);
/* Set notBefore/notAfter (or lastUpdate/nextUpdate) from v at 'now'. */
int	kg_validity_apply(const struct kg_validity *v, time_t now,
	    ASN1_TIME *from, ASN1_TIME *to);

/* Decimal serial, 1 to 20 octets, positive. */
int	kg_serial_parse(const char *s, ASN1_INTEGER **serialp);
int	kg_serial_random(ASN1_INTEGER **serialp);

struct kg_cert_req {
	enum kg_cert_kind	 kind;
	const char		*name;		/* CN; client: principal; host: name */
	const char		*extra_names;	/* -n: comma list of SANs */
	struct kg_validity	 validity;
	const char		*serial;	/* decimal; NULL: random */
	const char		*usage;		/* -u override; NULL: default */
};

/* Digest for signing with key (NULL for Ed25519); -1 unsupported. */
int	kg_sign_digest(EVP_PKEY *key, const EVP_MD **mdp);
/*
 * Issue a certificate for subject_key; issuer NULL makes it self-signed
 * (issuer_key must then be subject_key).  err receives the reason.
 */
int	kg_cert_issue(const struct kg_cert_req *req, EVP_PKEY *subject_key,
	    X509 *issuer, EVP_PKEY *issuer_key, time_t now, X509 **certp,
	    char *err, size_t errlen);
/*
 * New CRL signed by ca_key: old's entries (old may be NULL; it must be
 * issued by ca and verify under its key), plus serial unless NULL or
 * already listed (*listedp = 1), dates from v, crlNumber one above old's.
 */
int	kg_crl_update(X509_CRL *old, X509 *ca, EVP_PKEY *ca_key,
	    const ASN1_INTEGER *serial, const struct kg_validity *v,
	    time_t now, X509_CRL **crlp, int *listedp, char *err,
	    size_t errlen);

/* --- cafile.c: the commands (return exit codes) -------------------------- */

struct kg_ca_opts {
	const char		*file;		/* -f */
	const char		*ca_key;	/* -s */
	const char		*ca_cert;	/* -S; NULL: ca_key + ".crt" */
	const char		*name;		/* -n with -c; -I otherwise */
	const char		*names;		/* -n with -I */
	const char		*validity;	/* -V */
	const char		*serial;	/* -z */
	const char		*usage;		/* -u */
	const char		*passphrase;	/* -P: existing keys */
	const char		*newpass;	/* -N: a new CA key ("" none) */
	enum ms_keyalg		 type;		/* -t for -c */
	int			 bits;		/* -b */
	int			 host;		/* -h */
	int			 quiet;
};

int	kg_cmd_ca_create(const struct kg_ca_opts *o);
int	kg_cmd_issue(const struct kg_ca_opts *o);
int	kg_cmd_revoke(const struct kg_ca_opts *o);

/* --- khfile.c: -F and -R on known_hosts (return exit codes) ------------ */

/* The client's default, ~/.metasafe/known_hosts; NULL (message printed). */
char	*kg_kh_default_file(void);
/* Print the lines naming host, each after "# Host HOST found: line N". */
int	kg_cmd_kh_find(const char *file, const char *host, int quiet);
/* Remove host from file (FILE.old keeps the original). */
int	kg_cmd_kh_remove(const char *file, const char *host, int quiet);

#endif /* MS_KG_H */
