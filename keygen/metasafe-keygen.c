/*
 * metasafe-keygen — create and inspect metasafe keys, in the manner of
 * ssh-keygen.  See usage() for the modes and exit codes.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <readpassphrase.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "crypto.h"
#include "errors.h"
#include "keyfile.h"
#include "kg.h"
#include "log.h"
#include "pathnames.h"
#include "privkey.h"
#include "storekey.h"
#include "version.h"

#define PASSPHRASE_MAX		1024
#define DEFAULT_HOSTKEY_DIR	MS_PATH_CONFDIR
#define USER_KEY_DIR		".metasafe"

static const char *progname = "metasafe-keygen";
static int quiet;

struct options {
	enum ms_keytype	 type;		/* ed25519/x25519, or UNKNOWN */
	enum ms_keyalg	 kgtype;	/* -t, every type */
	int		 type_set;
	int		 bits;		/* -b */
	char		*file;		/* -f */
	char		*dir;		/* -d */
	char		*comment;	/* -C */
	char		*newpass;	/* -N, wiped on exit */
	char		*oldpass;	/* -P, wiped on exit */
	int		 newpass_set;
	int		 oldpass_set;
};

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
"usage: %s [-q] [-t type] [-b bits] [-f file] [-N new_passphrase]\n"
"                       [-C comment]\n"
"       %s -l -f file [-P passphrase]\n"
"       %s -y -f file [-P passphrase]\n"
"       %s -A [-q] [-d dir]\n"
"       %s -c -f cakey -n \"CA name\" [-s parent_cakey [-S cacert]]\n"
"                       [-t type] [-V days]\n"
"       %s -s cakey [-S cacert] -I name [-h] [-n names] [-V validity]\n"
"                       [-z serial] [-u usage] -f keyfile\n"
"       %s -k -s cakey [-S cacert] -f crlfile [-z serial] [-V days]\n"
"       %s -F host [-q] [-f known_hosts_file]\n"
"       %s -R host [-q] [-f known_hosts_file]\n"
"       %s -V\n"
"\n"
"  -t type   key type: ed25519 (default), x25519, ecdsa-p256, ecdsa-p384,\n"
"            rsa\n"
"  -b bits   RSA key size (default 3072, at least 1024)\n"
"  -f file   key file (default ~/" USER_KEY_DIR "/id_<type>)\n"
"  -N pass   passphrase for a new key (\"\" for none)\n"
"  -P pass   passphrase of an existing key\n"
"  -C text   comment (default user@host)\n"
"  -l        show the fingerprint of a private or public key file,\n"
"            or the check value (KCV) of a store key\n"
"  -y        print the public key of a private key file\n"
"  -A        create the missing host keys in dir (default "
	    DEFAULT_HOSTKEY_DIR ")\n"
"  -d dir    directory for -A\n"
"  -q        quiet\n"
"  -c        create a CA key and its certificate cakey.crt (self-signed,\n"
"            or signed by -s parent_cakey for an intermediate CA)\n"
"  -I name   issue a certificate for the key in keyfile (private key,\n"
"            .pub line or PEM public key) into keyfile-cert.pem; name is\n"
"            the principal (client) or the host name (-h)\n"
"  -h        host certificate (serverAuth) instead of a client one\n"
"  -n names  with -c: the CA name; with -I: extra subjectAltNames\n"
"            (comma list: DNS names, IP addresses, e-mail, URIs)\n"
"  -s cakey  the signing CA key (its certificate: -S, default cakey.crt)\n"
"  -S cacert the certificate of the -s CA key, when it is not cakey.crt\n"
"            (e.g. a CA made with openssl req -x509)\n"
"  -V valid  days (+DAYS), or FROM:TO as YYYYMMDDHHMMSS UTC; with -k the\n"
"            days until nextUpdate (negative: already stale) or\n"
"            LASTUPDATE:NEXTUPDATE\n"
"  -z serial decimal serial (default random 64-bit); with -k the serial\n"
"            to revoke (without -z the CRL is just re-signed)\n"
"  -u usage  override key usage for tests: serverauth, clientauth,\n"
"            digitalsignature, keycertsign, crlsign (comma list)\n"
"  -k        create or update the CRL crlfile (rewritten atomically)\n"
"  -F host   print the known_hosts lines of host (HOST: every port, or\n"
"            [HOST]:PORT), each after \"# Host host found: line N\"\n"
"  -R host   remove host from known_hosts (the original is kept as\n"
"            FILE.old); -f default ~/.metasafe/known_hosts\n"
"  -V        alone: print the version and exit\n"
"\n"
"exit status: 0 success, 1 usage or other error (-F, -R: host not\n"
"found), 2 file already exists, 3 incorrect or missing passphrase,\n"
"4 invalid key file format, 5 unknown key type\n",
	    progname, progname, progname, progname, progname, progname,
	    progname, progname, progname, progname);
	exit(KG_EXIT_GENERAL);
}

/* One clear line for a failure to load path; returns the exit code. */
static int
load_error(const char *path, int r)
{
	switch (r) {
	case MS_ERR_BAD_PASSPHRASE:
		error("Load key \"%s\": incorrect passphrase supplied to "
		    "decrypt private key", path);
		break;
	case MS_ERR_PASSPHRASE_REQUIRED:
		error("Load key \"%s\": a passphrase is required to decrypt "
		    "the private key (use -P)", path);
		break;
	case MS_ERR_KEY_FILE_CORRUPT:
	case MS_ERR_INVALID_FORMAT:
		error("Load key \"%s\": invalid format (not a metasafe key "
		    "file)", path);
		break;
	case MS_ERR_KEY_TYPE_UNKNOWN:
		error("Load key \"%s\": unknown key type (supported: ed25519, "
		    "x25519, ecdsa-p256, ecdsa-p384, rsa)", path);
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

static char *
xstrdup(const char *s)
{
	char *p;

	if ((p = strdup(s)) == NULL)
		fatal("out of memory");
	return p;
}

static char *
path_join(const char *a, const char *b)
{
	char *p;
	size_t len = strlen(a) + 1 + strlen(b) + 1;

	if (len > PATH_MAX)
		fatal("path too long: %s/%s", a, b);
	if ((p = malloc(len)) == NULL)
		fatal("out of memory");
	if (snprintf(p, len, "%s/%s", a, b) < 0)
		fatal("snprintf failed");
	return p;
}

static char *
pub_path(const char *file)
{
	char *p;
	size_t len = strlen(file) + sizeof(".pub");

	if (len > PATH_MAX)
		fatal("path too long: %s.pub", file);
	if ((p = malloc(len)) == NULL)
		fatal("out of memory");
	if (snprintf(p, len, "%s.pub", file) < 0)
		fatal("snprintf failed");
	return p;
}

static int
file_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 || errno != ENOENT;
}

/* Copy a passphrase out of argv and wipe the original from ps(1). */
static char *
take_secret_arg(char *arg)
{
	char *p = xstrdup(arg);

	explicit_bzero(arg, strlen(arg));
	return p;
}

static void
free_secret(char **sp)
{
	if (*sp != NULL) {
		freezero(*sp, strlen(*sp) + 1);
		*sp = NULL;
	}
}

/* NULL when there is no terminal to ask on or reading failed. */
static char *
ask_passphrase(const char *prompt)
{
	char buf[PASSPHRASE_MAX], *ret = NULL;

	if (readpassphrase(prompt, buf, sizeof(buf), RPP_REQUIRE_TTY) != NULL)
		ret = strdup(buf);
	explicit_bzero(buf, sizeof(buf));
	return ret;
}

/*
 * Passphrase for a new key: -N wins; otherwise ask twice on a terminal;
 * without a terminal the key is written unencrypted.  *passp NULL = none.
 */
static int
new_passphrase(struct options *o, char **passp)
{
	char *p1, *p2;
	size_t l1, l2;
	int same;

	*passp = NULL;
	if (o->newpass_set) {
		*passp = xstrdup(o->newpass);
		return 0;
	}
	if (!isatty(STDIN_FILENO))
		return 0;
	if ((p1 = ask_passphrase("Enter passphrase (empty for no "
	    "passphrase): ")) == NULL) {
		error("cannot read passphrase");
		return -1;
	}
	if ((p2 = ask_passphrase("Enter same passphrase again: ")) == NULL) {
		free_secret(&p1);
		error("cannot read passphrase");
		return -1;
	}
	l1 = strlen(p1);
	l2 = strlen(p2);
	same = l1 == l2 && ms_ct_equal(p1, p2, l1);
	free_secret(&p2);
	if (!same) {
		free_secret(&p1);
		error("Passphrases do not match.  Try again.");
		return -1;
	}
	*passp = p1;
	return 0;
}

/* Load a private key of any type, asking for the passphrase if needed. */
static int
load_private(struct options *o, const char *path, EVP_PKEY **keyp)
{
	char *pass = NULL, prompt[PATH_MAX + 64];
	int r;

	if (o->oldpass_set)
		return kg_key_load_private(path, o->oldpass, keyp);
	if ((r = kg_key_load_private(path, NULL, keyp)) !=
	    MS_ERR_PASSPHRASE_REQUIRED || !isatty(STDIN_FILENO))
		return r;
	snprintf(prompt, sizeof(prompt), "Enter passphrase for \"%s\": ", path);
	if ((pass = ask_passphrase(prompt)) == NULL)
		return MS_ERR_PASSPHRASE_REQUIRED;
	r = kg_key_load_private(path, pass, keyp);
	free_secret(&pass);
	return r;
}

/*
 * The comment of path's companion .pub file, if that file holds the same
 * public key; NULL otherwise (PEM public keys have no comment).
 */
static char *
companion_comment(const char *path, EVP_PKEY *key)
{
	EVP_PKEY *pub = NULL;
	char *pp, *comment = NULL;

	pp = pub_path(path);
	if (kg_key_load_any_public(pp, NULL, &pub, &comment) != 0)
		goto out;
	if (EVP_PKEY_eq(pub, key) != 1) {
		free(comment);
		comment = NULL;
	}
 out:
	ERR_clear_error();
	EVP_PKEY_free(pub);
	free(pp);
	return comment;
}

static int
print_fingerprint(EVP_PKEY *key, const char *comment)
{
	char fp[MS_FINGERPRINT_MAX];
	int r, bits;

	if ((r = kg_fingerprint(key, fp, sizeof(fp), &bits)) != 0) {
		error("fingerprint: %s", ms_err(r));
		return KG_EXIT_GENERAL;
	}
	printf("%d %s %s (%s)\n", bits, fp,
	    comment != NULL && *comment != '\0' ? comment : "no comment",
	    ms_keyalg_upper(kg_pkey_type(key)));
	return KG_EXIT_OK;
}

/*
 * -l on a store key: its check value (PROTOCOL.md 13), never the key.
 * -1 when the file is not a store key.
 */
static int
print_store_kcv(const char *file)
{
	u_char key[MS_STORE_KEY_LEN], kcv[MS_STORE_KCV_LEN];
	char fmt[MS_STORE_KCV_STRLEN + 1];
	const char *base;
	int r;

	if (ms_store_key_load(file, key) != 0)
		return -1;
	r = ms_store_key_kcv(key, kcv);
	explicit_bzero(key, sizeof(key));
	if (r != 0) {
		error("store key check value: %s", ms_err(r));
		return KG_EXIT_GENERAL;
	}
	ms_store_kcv_format(kcv, fmt, sizeof(fmt));
	base = strrchr(file, '/');
	printf("%d %s %s (STORE)\n", MS_STORE_KEY_LEN * 8, fmt,
	    base != NULL ? base + 1 : file);
	return KG_EXIT_OK;
}

/* -l: fingerprint of a private key file or of a public key file. */
static int
do_fingerprint(struct options *o)
{
	EVP_PKEY *key = NULL;
	char *comment = NULL, *pp = NULL;
	int r, ret;

	if (o->file == NULL) {
		error("-l needs a key file (-f)");
		usage();
	}
	if ((r = print_store_kcv(o->file)) >= 0)
		return r;
	r = ms_key_is_encrypted(o->file);
	if (r == MS_ERR_KEY_FILE_CORRUPT) {
		/* Not PEM: perhaps a public key line. */
		if ((r = ms_key_load_public(o->file, &key, &comment)) != 0) {
			ret = load_error(o->file, r);
			goto out;
		}
	} else if (r < 0) {
		ret = load_error(o->file, r);
		goto out;
	} else {
		/* An encrypted key's .pub spares asking for the passphrase. */
		pp = pub_path(o->file);
		if (r == 1 && kg_key_load_any_public(pp, NULL, &key,
		    &comment) == 0)
			goto print;
		if ((r = load_private(o, o->file, &key)) ==
		    MS_ERR_KEY_FILE_CORRUPT &&
		    kg_key_load_any_public(o->file, NULL, &key, NULL) == 0)
			goto print;	/* a PEM public key */
		if (r != 0) {
			ret = load_error(o->file, r);
			goto out;
		}
		comment = companion_comment(o->file, key);
	}
 print:
	ret = print_fingerprint(key, comment);
 out:
	EVP_PKEY_free(key);
	free(comment);
	free(pp);
	return ret;
}

/* -y: the public key (line, or PEM for ECDSA/RSA) of a private key file. */
static int
do_print_public(struct options *o)
{
	EVP_PKEY *key = NULL;
	char *comment = NULL, *line = NULL;
	int r;

	if (o->file == NULL) {
		error("-y needs a key file (-f)");
		usage();
	}
	if ((r = load_private(o, o->file, &key)) != 0)
		return load_error(o->file, r);
	if (ms_keyalg_is_spki(kg_pkey_type(key)))
		r = kg_pubkey_pem(key, &line);
	else {
		comment = companion_comment(o->file, key);
		r = ms_pubkey_format(key, comment, &line);
	}
	EVP_PKEY_free(key);
	free(comment);
	if (r != 0) {
		error("%s: %s", o->file, ms_err(r));
		return kg_exit_code(r);
	}
	/* The PEM form ends with its own newline. */
	printf("%s%s", line, line[0] != '\0' &&
	    line[strlen(line) - 1] == '\n' ? "" : "\n");
	free(line);
	return KG_EXIT_OK;
}

static char *
default_comment(void)
{
	struct passwd *pw;
	char host[256], *c;
	size_t len;

	if (gethostname(host, sizeof(host)) != 0)
		strlcpy(host, "localhost", sizeof(host));
	host[sizeof(host) - 1] = '\0';
	pw = getpwuid(getuid());
	len = (pw != NULL ? strlen(pw->pw_name) : 8) + 1 + strlen(host) + 1;
	if ((c = malloc(len)) == NULL)
		fatal("out of memory");
	snprintf(c, len, "%s@%s", pw != NULL ? pw->pw_name : "unknown", host);
	return c;
}

/* ~/.metasafe/id_<type>; do_generate() creates ~/.metasafe if need be. */
static char *
default_key_file(enum ms_keyalg type)
{
	struct passwd *pw;
	const char *home;
	char *dir, *file, name[32];

	if ((home = getenv("HOME")) == NULL || *home == '\0') {
		if ((pw = getpwuid(getuid())) == NULL)
			fatal("cannot determine home directory");
		home = pw->pw_dir;
	}
	dir = path_join(home, USER_KEY_DIR);
	snprintf(name, sizeof(name), "id_%s", ms_keyalg_name(type));
	file = path_join(dir, name);
	free(dir);
	return file;
}

/*
 * As ssh-keygen does for ~/.ssh: when the directory the key goes into is
 * missing, create it, 0700 whatever the umask.  Only that one directory;
 * a missing grandparent is an error.
 */
static int
make_key_dir(const char *file)
{
	struct stat st;
	char *dir, *slash;
	int ret = -1;

	dir = xstrdup(file);
	if ((slash = strrchr(dir, '/')) == NULL) {
		free(dir);
		return 0;			/* the current directory */
	}
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &st) == 0) {
		ret = 0;			/* not a directory: save says so */
		goto out;
	}
	if (errno != ENOENT) {
		error("%s: %s", dir, strerror(errno));
		goto out;
	}
	if (mkdir(dir, 0700) == -1 || chmod(dir, 0700) == -1) {
		error("Could not create directory '%s': %s", dir,
		    strerror(errno));
		goto out;
	}
	if (!quiet)
		printf("Created directory '%s'.\n", dir);
	ret = 0;
 out:
	free(dir);
	return ret;
}

/*
 * Writes file and file.pub.  Neither may exist; if the .pub cannot be
 * written the private key just created is removed again, so a failure
 * leaves the directory as it was.
 */
static int
write_keypair(const char *file, enum ms_keyalg type, int bits,
    const char *pass, const char *comment, char *fp, size_t fplen)
{
	EVP_PKEY *key = NULL;
	char *pp;
	int r, kbits;

	pp = pub_path(file);
	if ((r = kg_pkey_generate(type, bits, &key)) != 0) {
		if (r == MS_ERR_INVALID_ARGUMENT)
			error("invalid RSA key size %d (%d..%d bits)", bits,
			    KG_RSA_BITS_MIN, KG_RSA_BITS_MAX);
		goto out;
	}
	if ((r = kg_fingerprint(key, fp, fplen, &kbits)) != 0)
		goto out;
	if ((r = kg_key_save_private(file, key, pass)) != 0) {
		if (r == MS_ERR_FILE_EXISTS)
			error("%s already exists.", file);
		else
			error("Saving key \"%s\" failed: %s", file,
			    r == MS_ERR_SYSTEM ? strerror(errno) : ms_err(r));
		goto out;
	}
	if (ms_keyalg_is_spki(type))
		r = kg_key_save_public_pem(pp, key);
	else
		r = ms_key_save_public(pp, key, comment);
	if (r != 0) {
		if (r == MS_ERR_FILE_EXISTS)
			error("%s already exists.", pp);
		else
			error("Saving public key \"%s\" failed: %s", pp,
			    r == MS_ERR_SYSTEM ? strerror(errno) : ms_err(r));
		(void)unlink(file);
		goto out;
	}
 out:
	EVP_PKEY_free(key);
	free(pp);
	return r;
}

static int
do_generate(struct options *o)
{
	char *file, *pp, *pass = NULL, *comment, fp[MS_FINGERPRINT_MAX];
	int r, ret = KG_EXIT_GENERAL;

	file = o->file != NULL ? xstrdup(o->file) : default_key_file(o->kgtype);
	pp = pub_path(file);
	comment = o->comment != NULL ? xstrdup(o->comment) : default_comment();
	/* Check before asking for a passphrase; O_EXCL closes the race. */
	if (file_exists(file) || file_exists(pp)) {
		error("%s already exists; refusing to overwrite it.",
		    file_exists(file) ? file : pp);
		ret = KG_EXIT_EXISTS;
		goto out;
	}
	if (make_key_dir(file) != 0)
		goto out;
	if (!quiet)
		printf("Generating public/private %s key pair.\n",
		    ms_keyalg_name(o->kgtype));
	if (new_passphrase(o, &pass) != 0)
		goto out;
	if ((r = write_keypair(file, o->kgtype, o->bits, pass, comment, fp,
	    sizeof(fp))) != 0) {
		ret = kg_exit_code(r);
		goto out;
	}
	if (!quiet) {
		printf("Your identification has been saved in %s\n", file);
		printf("Your public key has been saved in %s\n", pp);
		printf("The key fingerprint is: %s %s\n", fp, comment);
	}
	ret = KG_EXIT_OK;
 out:
	free_secret(&pass);
	free(comment);
	free(pp);
	free(file);
	return ret;
}

/* Host key pair in dir; leaves existing files alone.  Returns exit code. */
static int
host_keypair(const char *dir, const char *name, enum ms_keytype type,
    const char *comment)
{
	EVP_PKEY *key = NULL;
	char *file, *pp, fp[MS_FINGERPRINT_MAX];
	int have_priv, have_pub, r, ret = KG_EXIT_OK;

	file = path_join(dir, name);
	pp = pub_path(file);
	have_priv = file_exists(file);
	have_pub = file_exists(pp);
	if (have_priv && have_pub)
		goto out;
	if (!have_priv && have_pub) {
		/* Never replace a public key someone may have pinned. */
		error("%s exists but %s does not; remove it to generate a "
		    "new key", pp, file);
		ret = KG_EXIT_EXISTS;
		goto out;
	}
	if (have_priv) {
		/* Only the public half is missing: derive it. */
		if ((r = ms_key_load_private(file, NULL, &key)) != 0) {
			ret = load_error(file, r);
			goto out;
		}
		if (ms_pkey_type(key) != type) {
			error("%s: expected a %s key", file,
			    ms_keytype_short(type));
			ret = KG_EXIT_KEYTYPE;
			goto out;
		}
		if ((r = ms_key_save_public(pp, key, comment)) != 0) {
			error("Saving public key \"%s\" failed: %s", pp,
			    r == MS_ERR_SYSTEM ? strerror(errno) : ms_err(r));
			ret = kg_exit_code(r);
			goto out;
		}
		if (!quiet)
			printf("%s: generated %s\n", progname, pp);
		goto out;
	}
	if ((r = write_keypair(file, type == MS_KEY_ED25519 ? MS_KEYALG_ED25519 :
	    MS_KEYALG_X25519, 0, NULL, comment, fp, sizeof(fp))) != 0) {
		ret = kg_exit_code(r);
		goto out;
	}
	if (!quiet)
		printf("%s: generated %s and %s (%s %s)\n", progname, file,
		    pp, ms_keytype_short(type), fp);
 out:
	EVP_PKEY_free(key);
	free(pp);
	free(file);
	return ret;
}

static int
host_store_key(const char *dir)
{
	u_char key[MS_STORE_KEY_LEN];
	char *file;
	int r, ret = KG_EXIT_OK;

	file = path_join(dir, "host_store_key");
	if (file_exists(file))
		goto out;
	if ((r = ms_random_bytes(key, sizeof(key))) != 0 ||
	    (r = ms_store_key_save(file, key)) != 0) {
		error("Saving store key \"%s\" failed: %s", file,
		    r == MS_ERR_SYSTEM ? strerror(errno) : ms_err(r));
		ret = kg_exit_code(r);
		goto out;
	}
	if (!quiet)
		printf("%s: generated %s\n", progname, file);
 out:
	explicit_bzero(key, sizeof(key));
	free(file);
	return ret;
}

static int
do_host_keys(struct options *o)
{
	const char *dir = o->dir != NULL ? o->dir : DEFAULT_HOSTKEY_DIR;
	char *comment;
	int ret, r;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		error("mkdir %s: %s", dir, strerror(errno));
		return KG_EXIT_GENERAL;
	}
	comment = o->comment != NULL ? xstrdup(o->comment) : default_comment();
	/* Keep going so one bad file does not block the others. */
	ret = host_keypair(dir, "host_sig_key", MS_KEY_ED25519, comment);
	if ((r = host_keypair(dir, "host_kex_key", MS_KEY_X25519,
	    comment)) != KG_EXIT_OK && ret == KG_EXIT_OK)
		ret = r;
	if ((r = host_store_key(dir)) != KG_EXIT_OK && ret == KG_EXIT_OK)
		ret = r;
	free(comment);
	return ret;
}

int
main(int argc, char **argv)
{
	struct options o;
	struct kg_ca_opts ca;
	const char *errstr = NULL;
	int ch, lflag = 0, yflag = 0, Aflag = 0, cflag = 0, kflag = 0;
	int hflag = 0, ret;
	char *khfile = NULL;
	const char *find_host = NULL, *remove_host = NULL;

	memset(&o, 0, sizeof(o));
	memset(&ca, 0, sizeof(ca));
	o.type = MS_KEY_ED25519;
	o.kgtype = MS_KEYALG_ED25519;
	ms_log_init(progname, MS_LOG_INFO, 1, -1);
	/* -V takes a validity elsewhere; alone it asks for the version. */
	if (argc == 2 && strcmp(argv[1], "-V") == 0)
		exit(ms_version_print(progname) == 0 ? KG_EXIT_OK : KG_EXIT_GENERAL);

	while ((ch = getopt(argc, argv,
	    "AC:b:cd:F:f:hI:klN:n:P:qR:S:s:t:u:V:yz:")) != -1) {
		switch (ch) {
		case 'A':
			Aflag = 1;
			break;
		case 'b':
			o.bits = (int)strtonum(optarg, KG_RSA_BITS_MIN,
			    KG_RSA_BITS_MAX, &errstr);
			if (errstr != NULL) {
				error("invalid key size \"%s\" (%d..%d)",
				    optarg, KG_RSA_BITS_MIN, KG_RSA_BITS_MAX);
				usage();
			}
			ca.bits = o.bits;
			break;
		case 'C':
			o.comment = optarg;
			break;
		case 'c':
			cflag = 1;
			break;
		case 'd':
			o.dir = optarg;
			break;
		case 'F':
			find_host = optarg;
			break;
		case 'f':
			o.file = optarg;
			break;
		case 'R':
			remove_host = optarg;
			break;
		case 'S':
			ca.ca_cert = optarg;
			break;
		case 'h':
			hflag = 1;
			break;
		case 'I':
			ca.name = optarg;
			break;
		case 'k':
			kflag = 1;
			break;
		case 'l':
			lflag = 1;
			break;
		case 'N':
			free_secret(&o.newpass);
			o.newpass = take_secret_arg(optarg);
			o.newpass_set = 1;
			break;
		case 'n':
			ca.names = optarg;
			break;
		case 'P':
			free_secret(&o.oldpass);
			o.oldpass = take_secret_arg(optarg);
			o.oldpass_set = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		case 's':
			ca.ca_key = optarg;
			break;
		case 't':
			if ((o.kgtype = ms_keyalg_from_name(optarg)) ==
			    MS_KEYALG_UNKNOWN) {
				error("unknown key type \"%s\" (use ed25519, "
				    "x25519, ecdsa-p256, ecdsa-p384 or rsa)",
				    optarg);
				usage();
			}
			o.type = ms_keytype_from_name(optarg);
			o.type_set = 1;
			break;
		case 'u':
			ca.usage = optarg;
			break;
		case 'V':
			ca.validity = optarg;
			break;
		case 'y':
			yflag = 1;
			break;
		case 'z':
			ca.serial = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind < argc) {
		error("unexpected argument \"%s\"", argv[optind]);
		usage();
	}
	if (lflag + yflag + Aflag + cflag + kflag + (ca.name != NULL) +
	    (find_host != NULL) + (remove_host != NULL) > 1) {
		error("-l, -y, -A, -c, -I, -k, -F and -R are mutually "
		    "exclusive");
		usage();
	}
	if (ca.ca_cert != NULL && ca.ca_key == NULL) {
		error("-S needs -s");
		usage();
	}
	/* Alone, -h is the traditional request for help. */
	if (hflag && ca.name == NULL)
		usage();
	if (ca.ca_key != NULL && !cflag && !kflag && ca.name == NULL) {
		error("-s needs -c, -I or -k");
		usage();
	}
	if (o.bits != 0 && o.kgtype != MS_KEYALG_RSA) {
		error("-b applies only to rsa keys");
		usage();
	}
	if (o.comment != NULL && strpbrk(o.comment, "\r\n") != NULL) {
		error("the comment must be a single line");
		usage();
	}
	/* -l on an encrypted key with only -N given: treat it as -P. */
	if (lflag && !o.oldpass_set && o.newpass_set) {
		o.oldpass = o.newpass;
		o.newpass = NULL;
		o.oldpass_set = 1;
	}
	ca.file = o.file;
	ca.passphrase = o.oldpass_set ? o.oldpass : NULL;
	ca.newpass = o.newpass_set ? o.newpass : NULL;
	ca.type = o.kgtype;
	ca.host = hflag;
	ca.quiet = quiet;

	if (find_host != NULL || remove_host != NULL) {
		if (o.file == NULL && (khfile = kg_kh_default_file()) == NULL)
			ret = KG_EXIT_GENERAL;
		else if (find_host != NULL)
			ret = kg_cmd_kh_find(o.file != NULL ? o.file : khfile,
			    find_host, quiet);
		else
			ret = kg_cmd_kh_remove(o.file != NULL ? o.file :
			    khfile, remove_host, quiet);
		free(khfile);
	} else if (lflag)
		ret = do_fingerprint(&o);
	else if (yflag)
		ret = do_print_public(&o);
	else if (Aflag)
		ret = do_host_keys(&o);
	else if (cflag) {
		/* With -c, -n names the CA. */
		ca.name = ca.names;
		ca.names = NULL;
		ret = kg_cmd_ca_create(&ca);
	} else if (kflag)
		ret = kg_cmd_revoke(&ca);
	else if (ca.name != NULL)
		ret = kg_cmd_issue(&ca);
	else
		ret = do_generate(&o);
	free_secret(&o.newpass);
	free_secret(&o.oldpass);
	if (fflush(stdout) != 0 && ret == KG_EXIT_OK)
		ret = KG_EXIT_GENERAL;
	return ret;
}
