/*
 * metasafe.c — the metasafe command-line client.
 *
 *   metasafe [-v] [-F config] [-H host] [-p port] [-i identity]
 *       [-o Option=value] command ...
 *
 * Values are read from stdin or a file, never from argv (argv is visible to
 * every user through /proc).  Exit status: 0 ok, 1 usage or local error,
 * 2 connection/handshake/host key, 3 authentication, 4 access denied,
 * 5 not found, 6 invalid argument, 7 store full.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <readpassphrase.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "metasafe.h"
#include "msclient.h"
#include "nameesc.h"
#include "path.h"
#include "pathnames.h"
#include "version.h"

#define EXIT_USAGE	1

static struct metasafe_opts opts;
static struct metasafe_conn *conn;
static struct cl_config config;

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
"usage: metasafe [-v] [-F config] [-H host] [-p port] [-i identity]\n"
"                [-o option=value] command [arguments]\n"
"       (-H unix:/ABS/PATH: a local socket; without -i the server maps\n"
"       this user's uid; METASAFE_SOCKET=/ABS/PATH does the same as -H)\n"
"       metasafe -V                   print the version\n"
"commands:\n"
"    get PATH RECORD               print a record's value (raw bytes)\n"
"    set [-s] [-f FILE] PATH RECORD\n"
"                                  store a value read from stdin or FILE\n"
"                                  (-s: SECURE record)\n"
"    ls [-l] [-j|--json] PATH      list child nodes and record names\n"
"                                  (-l: type, flags, version, mtime;\n"
"                                  --json: the same as a JSON document)\n"
"    rm PATH [RECORD]              delete a record, or the empty node\n"
"    acl get PATH                  show the node's access list\n"
"    acl set PATH ENTRY...         NAME=RIGHTS, group:NAME=RIGHTS (rights\n"
"                                  from \"rslwa\"; empty removes),\n"
"                                  inherit=no|yes, sensitive=yes|no\n"
"    status                        server version, principal, cipher and\n"
"                                  store usage\n"
"exit status: 0 ok, 1 usage/local error, 2 connection, 3 authentication,\n"
"             4 access denied, 5 not found, 6 invalid argument, 7 store full\n"
"options: KnownHostsFile, StrictHostKeyChecking (yes|accept-new|no),\n"
"         Ciphers, KexAlgorithms, SignatureAlgorithms (comma lists),\n"
"         CertificateFile (PEM chain for the identity key), CAFile (CAs\n"
"         for the server certificate), ConnectTimeout (seconds),\n"
"         IdentityFile, Port, HostName\n");
	exit(EXIT_USAGE);
}

static void __attribute__((format(printf, 1, 2)))
warnmsg(const char *fmt, ...)
{
	va_list ap;

	fputs("metasafe: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Report a library error and exit with its class's status. */
static void __attribute__((noreturn))
die(int r)
{
	const char *msg = metasafe_last_error_message(conn);

	warnmsg("%s", *msg != '\0' ? msg : metasafe_strerror(r));
	metasafe_close(conn);
	exit(metasafe_exit_code(r));
}

static void
show_notice(void)
{
	const char *n;

	if ((n = metasafe_notice(conn)) != NULL)
		warnmsg("%s", n);
}

/* The library refused a key file others can get at: say so loudly. */
static void __attribute__((noreturn))
unprotected_key(const char *path)
{
	struct stat st;
	char mode[16] = "unknown";

	if (stat(path, &st) == 0)
		snprintf(mode, sizeof(mode), "%04o",
		    (unsigned)(st.st_mode & 07777));
	fprintf(stderr,
	    "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
	    "@     WARNING: THE PRIVATE KEY FILE IS NOT PROTECTED!     @\n"
	    "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
	    "Permissions %s on '%s' let group or others at it.\n"
	    "A private key file must be readable and writable by its owner "
	    "only\n(chmod 600 '%s').\n"
	    "This identity is not used; nothing was sent to the server.\n",
	    mode, path, path);
	exit(metasafe_exit_code(METASAFE_ERR_KEY_PERMISSIONS));
}

/* No controlling terminal to prompt on. */
static int
no_tty(void)
{
	int fd;

	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)) == -1)
		return 1;
	close(fd);
	return 0;
}

/*
 * The passphrase of an encrypted identity: PassphraseFile, else the
 * METASAFE_ASKPASS program (without a terminal, or always with
 * METASAFE_ASKPASS_REQUIRE=force), else the terminal.  Never argv.
 */
static int
get_passphrase(const char *prompt, char *pass, size_t len)
{
	const char *req = getenv("METASAFE_ASKPASS_REQUIRE");
	const char *askpass = getenv("METASAFE_ASKPASS");
	int r;

	if (opts.passphrase_file != NULL) {
		if ((r = cl_passphrase_read(opts.passphrase_file, pass,
		    len)) == METASAFE_ERR_KEY_PERMISSIONS) {
			warnmsg("PassphraseFile %s: group or others may access "
			    "it; refusing to use it", opts.passphrase_file);
			exit(metasafe_exit_code(r));
		}
		if (r != 0)
			warnmsg("PassphraseFile %s: %s", opts.passphrase_file,
			    r == METASAFE_ERR_SYSTEM ? strerror(errno) :
			    "no passphrase line that fits");
		return r;
	}
	if (askpass != NULL && *askpass != '\0' &&
	    ((req != NULL && strcmp(req, "force") == 0) || no_tty())) {
		if ((r = cl_askpass(prompt, pass, len)) != 0)
			warnmsg("METASAFE_ASKPASS %s gave no passphrase",
			    askpass);
		return r;
	}
	return readpassphrase(prompt, pass, len, RPP_REQUIRE_TTY) == NULL ?
	    -1 : 0;
}

static int
load_identity(struct metasafe_key **keyp)
{
	char *home_id = NULL, pass[1024], prompt[1200], err[512];
	const char *path = opts.identity_file;
	const char *home;
	int r;

	if (path == NULL) {
		if ((home = getenv("HOME")) == NULL || *home == '\0') {
			warnmsg("HOME is not set; use -i IDENTITY");
			exit(EXIT_USAGE);
		}
		if (asprintf(&home_id, "%s/%s", home,
		    METASAFE_DEFAULT_IDENTITY) == -1) {
			warnmsg("out of memory");
			exit(EXIT_USAGE);
		}
		path = home_id;
	}
	r = metasafe_key_load(path, opts.identity_passphrase, keyp);
	if (r == METASAFE_ERR_KEY_PERMISSIONS)
		unprotected_key(path);
	if (r == METASAFE_ERR_PASSPHRASE_REQUIRED) {
		snprintf(prompt, sizeof(prompt),
		    "Enter passphrase for key %s: ", path);
		if (get_passphrase(prompt, pass, sizeof(pass)) != 0) {
			explicit_bzero(pass, sizeof(pass));
			warnmsg("identity %s is encrypted and no passphrase "
			    "could be read", path);
			free(home_id);
			exit(EXIT_USAGE);
		}
		r = metasafe_key_load(path, pass, keyp);
		explicit_bzero(pass, sizeof(pass));
	}
	if (r != 0) {
		warnmsg("cannot load identity %s: %s", path,
		    r == METASAFE_ERR_SYSTEM ? strerror(errno) :
		    r == METASAFE_ERR_IDENTITY ?
		    "not a supported private key (PKCS#8 PEM: ed25519, "
		    "ecdsa-p256, ecdsa-p384 or rsa of at least 1024 bits)" :
		    metasafe_strerror(r));
		free(home_id);
		exit(metasafe_exit_code(r));
	}
	if (opts.certificate_file != NULL) {
		if ((r = metasafe_key_load_certificate(*keyp,
		    opts.certificate_file, err, sizeof(err))) != 0) {
			warnmsg("cannot use certificate %s for identity %s: %s",
			    opts.certificate_file, path, *err != '\0' ? err :
			    metasafe_strerror(r));
			metasafe_key_free(*keyp);
			free(home_id);
			exit(EXIT_USAGE);
		}
	} else if (strcmp(metasafe_key_type(*keyp), "ed25519") != 0) {
		warnmsg("identity %s is a %s key: it can only authenticate "
		    "with a certificate (-o CertificateFile=FILE)", path,
		    metasafe_key_type(*keyp));
		metasafe_key_free(*keyp);
		free(home_id);
		exit(EXIT_USAGE);
	}
	free(home_id);
	return 0;
}

/* A unix: host with no -i: no key file; the server asks the kernel. */
static int
peer_credentials(void)
{
	return opts.identity_file == NULL && opts.host != NULL &&
	    strncmp(opts.host, "unix:", 5) == 0;
}

static void
connect_auth(void)
{
	struct metasafe_key *key = NULL;
	int r, peer = peer_credentials();

	if (peer) {
		r = metasafe_connect(&opts, &conn);
		show_notice();
		if (r == 0)
			r = metasafe_authenticate_peer(conn);
	} else {
		load_identity(&key);
		r = metasafe_connect_key(&opts, key, &conn);
		show_notice();
	}
	metasafe_key_free(key);
	if (r == METASAFE_ERR_NOMEM && conn == NULL) {
		warnmsg("out of memory");
		exit(EXIT_USAGE);
	}
	if (r != 0)
		die(r);
}

/* Validate locally so bad input never reaches the network (exit 6). */
static void
check_path(const char *path)
{
	if (ms_path_valid(path, strlen(path)) != 0) {
		warnmsg("invalid path \"%s\": must be absolute, without empty, "
		    "\".\" or \"..\" segments or a trailing \"/\", at most %d "
		    "bytes of printable UTF-8", path, MS_PATH_MAX);
		exit(metasafe_exit_code(METASAFE_ERR_INVALID));
	}
}

static void
check_record(const char *record)
{
	if (ms_record_name_valid(record, strlen(record)) != 0) {
		warnmsg("invalid record name: 1..%d bytes of printable UTF-8, "
		    "no \"/\"", MS_RECORD_NAME_MAX);
		exit(metasafe_exit_code(METASAFE_ERR_INVALID));
	}
}

static uint32_t
open_path(const char *path, int access)
{
	uint32_t h;
	int r;

	if ((r = metasafe_open(conn, path, access, &h)) != 0)
		die(r);
	return h;
}

static void
close_handle(uint32_t h)
{
	int r;

	if ((r = metasafe_close_handle(conn, h)) != 0)
		die(r);
}

static int
cmd_get(int argc, char **argv)
{
	struct metasafe_value *v = NULL;
	uint32_t h;
	int r;

	if (argc != 3)
		usage();
	check_path(argv[1]);
	check_record(argv[2]);
	connect_auth();
	h = open_path(argv[1], METASAFE_READ);
	if ((r = metasafe_get(conn, h, argv[2], &v)) != 0)
		die(r);
	close_handle(h);
	if ((v->len > 0 && fwrite(v->data, 1, v->len, stdout) != v->len) ||
	    fflush(stdout) != 0) {
		warnmsg("write to standard output: %s", strerror(errno));
		metasafe_value_free(v);
		return 1;
	}
	metasafe_value_free(v);
	return 0;
}

/* Read at most MS_VALUE_MAX bytes; one more means the value is too large. */
static int
read_value(const char *file, unsigned char **bufp, size_t *lenp)
{
	unsigned char *buf;
	size_t len = 0;
	ssize_t n;
	int fd = STDIN_FILENO, saved;

	*bufp = NULL;
	*lenp = 0;
	if (file != NULL && (fd = open(file, O_RDONLY | O_CLOEXEC)) == -1) {
		warnmsg("%s: %s", file, strerror(errno));
		exit(EXIT_USAGE);
	}
	if ((buf = malloc(MS_VALUE_MAX + 1)) == NULL) {
		warnmsg("out of memory");
		exit(EXIT_USAGE);
	}
	while (len < MS_VALUE_MAX + 1) {
		n = read(fd, buf + len, MS_VALUE_MAX + 1 - len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			saved = errno;
			freezero(buf, MS_VALUE_MAX + 1);
			warnmsg("read %s: %s", file != NULL ? file :
			    "standard input", strerror(saved));
			exit(EXIT_USAGE);
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	if (len > MS_VALUE_MAX) {
		freezero(buf, MS_VALUE_MAX + 1);
		warnmsg("value too large: the maximum is %u bytes; nothing "
		    "was written", (unsigned)MS_VALUE_MAX);
		exit(metasafe_exit_code(METASAFE_ERR_INVALID));
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}

static int
cmd_set(int argc, char **argv)
{
	unsigned char *val = NULL;
	const char *file = NULL;
	uint8_t flags = 0;
	size_t len;
	uint32_t h;
	int i, r;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else if (strcmp(argv[i], "-s") == 0)
			flags |= METASAFE_SECURE;
		else if (strcmp(argv[i], "-f") == 0 && i + 1 < argc)
			file = argv[++i];
		else
			usage();
	}
	if (argc - i != 2)
		usage();
	check_path(argv[i]);
	check_record(argv[i + 1]);
	read_value(file, &val, &len);
	connect_auth();
	h = open_path(argv[i], METASAFE_WRITE);
	r = metasafe_set(conn, h, argv[i + 1], flags, val, len, NULL);
	freezero(val, MS_VALUE_MAX + 1);
	if (r != 0)
		die(r);
	close_handle(h);
	return 0;
}

/* A name, escaped (nameesc.h) so no name can pass for another or a flag. */
static void
put_name(const char *name, const char *suffix)
{
	char esc[MS_NAME_ESC_LEN(MS_RECORD_NAME_MAX)];

	if (ms_name_escape(name, esc, sizeof(esc)) != 0)
		strlcpy(esc, "?", sizeof(esc));
	printf("%s%s", esc, suffix);
}

static const char *
flags_str(uint8_t f, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", (f & METASAFE_SECURE) ? "secure" : "",
	    (f & METASAFE_SECURE) && (f & METASAFE_INHERIT) ? "," : "",
	    (f & METASAFE_INHERIT) ? "inherit" : "");
	if (*buf == '\0')
		strlcpy(buf, "-", len);
	return buf;
}

/* RFC 3339 UTC, "-" when out of range. */
static const char *
rfc3339(uint64_t t, char *buf, size_t len)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if ((uint64_t)tt != t || t > 253402300799ULL ||	/* 9999-12-31 */
	    gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		strlcpy(buf, "-", len);
	return buf;
}

static void
ls_plain(const struct metasafe_list *l)
{
	char fl[32];
	size_t i;

	for (i = 0; i < l->n_children; i++) {
		put_name(l->children[i], "/");
		putchar('\n');
	}
	for (i = 0; i < l->n_records; i++) {
		put_name(l->records[i].name, "");
		if (l->records[i].flags & (METASAFE_SECURE | METASAFE_INHERIT))
			printf(" [%s]", flags_str(l->records[i].flags, fl,
			    sizeof(fl)));
		putchar('\n');
	}
}

/* ls -l: TYPE FLAGS VERSION MTIME NAME, one line each. */
static void
ls_long(const struct metasafe_list_long *l)
{
	const struct metasafe_list_entry *e;
	char fl[32], tm[32], ver[24];
	size_t i;

	for (i = 0; i < l->n_children; i++) {
		printf("%-6s %-14s %6s %-20s ", "node", "-", "-", "-");
		put_name(l->children[i], "/");
		putchar('\n');
	}
	for (i = 0; i < l->n_records; i++) {
		e = &l->records[i];
		snprintf(ver, sizeof(ver), "%" PRIu64, e->version);
		printf("%-6s %-14s %6s %-20s ", "record",
		    flags_str(e->flags, fl, sizeof(fl)), ver,
		    rfc3339(e->mtime, tm, sizeof(tm)));
		put_name(e->name, "");
		putchar('\n');
	}
}

/* ls --json: one document (README "metasafe ls"). */
static void
ls_json(const char *path, const struct metasafe_list_long *l)
{
	const struct metasafe_list_entry *e;
	char tm[32];
	size_t i;

	printf("{\"path\":");
	ms_json_string(stdout, path);
	printf(",\n \"children\":[");
	for (i = 0; i < l->n_children; i++) {
		printf("%s", i ? "," : "");
		ms_json_string(stdout, l->children[i]);
	}
	printf("],\n \"records\":[");
	for (i = 0; i < l->n_records; i++) {
		e = &l->records[i];
		printf("%s\n  {\"name\":", i ? "," : "");
		ms_json_string(stdout, e->name);
		printf(",\"secure\":%s,\"inherit\":%s,\"version\":%" PRIu64
		    ",\"mtime\":", (e->flags & METASAFE_SECURE) ? "true" :
		    "false", (e->flags & METASAFE_INHERIT) ? "true" : "false",
		    e->version);
		if (strcmp(rfc3339(e->mtime, tm, sizeof(tm)), "-") == 0)
			printf("null");
		else
			printf("\"%s\"", tm);
		printf(",\"mtime_unix\":%" PRIu64 "}", e->mtime);
	}
	printf("%s]}\n", l->n_records > 0 ? "\n " : "");
}

static int
cmd_ls(int argc, char **argv)
{
	struct metasafe_list *l = NULL;
	struct metasafe_list_long *ll = NULL;
	int i, r, lflag = 0, json = 0;
	uint32_t h;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else if (strcmp(argv[i], "-l") == 0)
			lflag = 1;
		else if (strcmp(argv[i], "-j") == 0 ||
		    strcmp(argv[i], "--json") == 0)
			json = 1;
		else
			usage();
	}
	if (argc - i != 1)
		usage();
	check_path(argv[i]);
	connect_auth();
	h = open_path(argv[i], METASAFE_READ);
	if (lflag || json) {
		if ((r = metasafe_list_long(conn, h, &ll)) != 0)
			die(r);
	} else if ((r = metasafe_list(conn, h, &l)) != 0)
		die(r);
	close_handle(h);
	if (json)
		ls_json(argv[i], ll);
	else if (lflag)
		ls_long(ll);
	else
		ls_plain(l);
	metasafe_free_list(l);
	metasafe_free_list_long(ll);
	if (fflush(stdout) != 0) {
		warnmsg("write to standard output: %s", strerror(errno));
		return 1;
	}
	return 0;
}

static int
cmd_rm(int argc, char **argv)
{
	uint32_t h;
	int r;

	if (argc != 2 && argc != 3)
		usage();
	check_path(argv[1]);
	if (argc == 3)
		check_record(argv[2]);
	connect_auth();
	h = open_path(argv[1], METASAFE_WRITE);
	if ((r = metasafe_delete(conn, h, argc == 3 ? argv[2] : NULL)) != 0)
		die(r);
	/* The node may be gone; the handle is closed either way. */
	(void)metasafe_close_handle(conn, h);
	return 0;
}

static int
cmd_acl_get(const char *path)
{
	struct metasafe_acl *a = NULL;
	size_t i;
	uint32_t h;
	int r;

	check_path(path);
	connect_auth();
	h = open_path(path, METASAFE_READ);
	if ((r = metasafe_acl_get(conn, h, &a)) != 0)
		die(r);
	close_handle(h);
	printf("inherit: %s\n",
	    (a->node_flags & METASAFE_NODE_NOINHERIT) ? "no" : "yes");
	printf("sensitive: %s\n",
	    (a->node_flags & METASAFE_NODE_SENSITIVE) ? "yes" : "no");
	for (i = 0; i < a->n; i++)
		printf("%s %s%s\n", a->entries[i].who, a->entries[i].rights,
		    a->entries[i].inherited ? " (inherited)" : "");
	metasafe_free_acl(a);
	if (fflush(stdout) != 0) {
		warnmsg("write to standard output: %s", strerror(errno));
		return 1;
	}
	return 0;
}

static int
cmd_acl_set(int argc, char **argv)
{
	struct metasafe_acl_entry *e;
	size_t n = 0;
	int i, r, inherit = METASAFE_ACL_UNCHANGED;
	int sensitive = METASAFE_SENSITIVE_UNCHANGED;
	uint32_t h;

	if (argc < 2)
		usage();
	check_path(argv[0]);
	if ((e = calloc((size_t)argc, sizeof(*e))) == NULL) {
		warnmsg("out of memory");
		return 1;
	}
	for (i = 1; i < argc; i++) {
		/* "no"/"yes" are not rights strings, so this is unambiguous. */
		if (strcmp(argv[i], "inherit=no") == 0) {
			inherit = METASAFE_ACL_BREAK;
			continue;
		}
		if (strcmp(argv[i], "inherit=yes") == 0) {
			inherit = METASAFE_ACL_INHERIT;
			continue;
		}
		if (strcmp(argv[i], "sensitive=yes") == 0) {
			sensitive = METASAFE_SENSITIVE_SET;
			continue;
		}
		if (strcmp(argv[i], "sensitive=no") == 0) {
			sensitive = METASAFE_SENSITIVE_CLEAR;
			continue;
		}
		if ((r = metasafe_acl_entry_parse(argv[i], &e[n])) != 0) {
			warnmsg("bad ACL entry \"%s\": expected NAME=RIGHTS or "
			    "group:NAME=RIGHTS with NAME from [A-Za-z0-9._@-] "
			    "(at most 64) and RIGHTS from \"rslwa\"", argv[i]);
			exit(r == METASAFE_ERR_USAGE ? EXIT_USAGE :
			    metasafe_exit_code(r));
		}
		n++;
	}
	connect_auth();
	/* READ: an administrator may hold only 'a' (PROTOCOL.md 8). */
	h = open_path(argv[0], METASAFE_READ);
	r = metasafe_acl_set_flags(conn, h, inherit, sensitive, e, n);
	while (n > 0)
		metasafe_acl_entry_clear(&e[--n]);
	free(e);
	if (r != 0)
		die(r);
	close_handle(h);
	return 0;
}

static int
cmd_acl(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "get") == 0)
		return cmd_acl_get(argv[2]);
	if (argc >= 3 && strcmp(argv[1], "set") == 0)
		return cmd_acl_set(argc - 2, argv + 2);
	usage();
}

static int
cmd_status(int argc, char **argv)
{
	struct metasafe_status *st = NULL;
	int r;

	if (argc != 1)
		usage();
	connect_auth();
	if ((r = metasafe_status(conn, &st)) != 0)
		die(r);
	printf("server: %s\nprincipal: %s\ncipher: %s\nopen handles: %u\n",
	    st->server_version, st->principal, st->cipher_name,
	    st->open_handles);
	printf("store: %" PRIu64 " of %" PRIu64 " bytes used (%" PRIu64
	    "%%), %" PRIu64 " nodes, %" PRIu64 " records\n",
	    st->store_used_bytes, st->store_max_bytes,
	    st->store_max_bytes == 0 ? 0 :
	    st->store_used_bytes * 100 / st->store_max_bytes,
	    st->store_nodes, st->store_records);
	metasafe_free_status(st);
	if (fflush(stdout) != 0) {
		warnmsg("write to standard output: %s", strerror(errno));
		return 1;
	}
	return 0;
}

/*
 * METASAFE_SOCKET=/ABS/PATH stands for -H unix:/ABS/PATH when neither -H
 * nor -o HostName gave a host.
 */
static void
socket_from_env(void)
{
	static char host[512];
	const char *s = getenv("METASAFE_SOCKET");

	if (opts.host != NULL || s == NULL || *s == '\0')
		return;
	if (*s != '/' || (size_t)snprintf(host, sizeof(host), "unix:%s", s) >=
	    sizeof(host)) {
		warnmsg("METASAFE_SOCKET must be an absolute path");
		exit(EXIT_USAGE);
	}
	opts.host = host;
}

/* A command-line setting: it wins over the environment and the files. */
static void
mark(const char *kv)
{
	if (cl_config_mark(&config, kv) != 0) {
		warnmsg("too many options");
		exit(EXIT_USAGE);
	}
}

static void
read_config(const char *file, int must_exist, const char *dest)
{
	char err[1024];

	if (cl_config_read(&config, file, must_exist, dest, &opts, err,
	    sizeof(err)) != 0) {
		warnmsg("%s", err);
		exit(EXIT_USAGE);
	}
}

/*
 * After the command line: METASAFE_HOST and METASAFE_IDENTITY, then -F
 * FILE alone, or ~/.metasafe/config and the system-wide file.
 */
static void
configure(const char *dest, const char *file)
{
	const char *env;
	char *user = NULL;

	if (dest == NULL && (env = getenv("METASAFE_HOST")) != NULL &&
	    *env != '\0')
		dest = env;
	if (opts.identity_file == NULL &&
	    (env = getenv("METASAFE_IDENTITY")) != NULL && *env != '\0') {
		opts.identity_file = env;
		mark("IdentityFile");
	}
	if (file != NULL)
		read_config(file, 1, dest);
	else {
		if (cl_home_path(CL_USER_CONFIG, &user) == 0)
			read_config(user, 0, dest);
		free(user);
		read_config(MS_PATH_CONFDIR "/metasafe_config", 0, dest);
	}
	/* The destination is the host, unless a HostName line renamed it. */
	if (opts.host == NULL)
		opts.host = dest;
}

int
main(int argc, char **argv)
{
	const char *errstr = NULL, *dest = NULL, *config_file = NULL;
	int ch, verbose = 0, ret;

	/* The library uses MSG_NOSIGNAL; stdout to a closed pipe is ours. */
	signal(SIGPIPE, SIG_IGN);
	metasafe_opts_init(&opts);
	while ((ch = getopt(argc, argv, "+F:H:p:i:o:vhV")) != -1) {
		switch (ch) {
		case 'F':
			config_file = optarg;
			break;
		case 'H':
			dest = optarg;
			break;
		case 'p':
			(void)strtonum(optarg, 1, 65535, &errstr);
			if (errstr != NULL) {
				warnmsg("bad port \"%s\"", optarg);
				usage();
			}
			opts.port = optarg;
			mark("Port");
			break;
		case 'i':
			opts.identity_file = optarg;
			mark("IdentityFile");
			break;
		case 'o':
			if (metasafe_opts_set(&opts, optarg) != 0) {
				warnmsg("bad option \"%s\"", optarg);
				usage();
			}
			mark(optarg);
			break;
		case 'v':
			verbose++;
			break;
		case 'V':
			exit(ms_version_print("metasafe") == 0 ? 0 : EXIT_USAGE);
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	configure(dest, config_file);
	socket_from_env();
	ms_log_init("metasafe", verbose == 0 ? MS_LOG_ERROR :
	    verbose == 1 ? MS_LOG_DEBUG1 : verbose == 2 ? MS_LOG_DEBUG2 :
	    MS_LOG_DEBUG3, 1, -1);

	if (strcmp(argv[0], "get") == 0)
		ret = cmd_get(argc, argv);
	else if (strcmp(argv[0], "set") == 0)
		ret = cmd_set(argc, argv);
	else if (strcmp(argv[0], "ls") == 0)
		ret = cmd_ls(argc, argv);
	else if (strcmp(argv[0], "rm") == 0)
		ret = cmd_rm(argc, argv);
	else if (strcmp(argv[0], "acl") == 0)
		ret = cmd_acl(argc, argv);
	else if (strcmp(argv[0], "status") == 0)
		ret = cmd_status(argc, argv);
	else {
		warnmsg("unknown command \"%s\"", argv[0]);
		usage();
	}
	metasafe_close(conn);
	cl_config_free(&config);
	return ret;
}
