/*
 * servconf.c — parse the daemon configuration file.
 *
 * The file is trusted operator input, but it is still parsed defensively:
 * bounded line length, strict numbers (strtonum), unknown keywords
 * rejected with FILE:LINE.  A keyword that takes one value may appear
 * once: its setter refuses a field that is already set, which is why
 * servconf_init marks every field unset (-1, NULL or 0).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crypto.h"
#include "errors.h"
#include "log.h"
#include "names.h"
#include "path.h"
#include "pathnames.h"
#include "proto.h"
#include "record.h"
#include "certs.h"
#include "servconf.h"
#include "sigalg.h"

#define CONF_LINE_MAX	4096

enum conf_kw {
	KW_LISTEN, KW_PORT, KW_HOSTKEY, KW_HOSTKEXKEY, KW_STOREKEY, KW_STOREDIR,
	KW_PRINCIPALS, KW_ADMINS, KW_PRIVUSER, KW_PRIVCHROOT, KW_PIDFILE,
	KW_MAXSESSIONS, KW_PERSOURCE, KW_GRACE, KW_LOGLEVEL, KW_WORKERPATH,
	KW_SANDBOXDEBUG, KW_MAXVALUE, KW_CIPHERS, KW_KEX, KW_SIGALGS,
	KW_MINRSA, KW_USERCA, KW_CRL, KW_FRESHCRL, KW_CERTPRINC, KW_HOSTCERT,
	KW_STRICTMODES, KW_STOREMAX, KW_ALLOWEMPTYPRINC, KW_MAXSTARTUPS,
	KW_IDLETIMEOUT, KW_UNIXMODE, KW_UNIXGROUP, KW_CREDSOCKET, KW_CREDFILE,
	KW_RESUMPTION, KW_TICKETLIFE, KW_TICKETROT,
	KW_WORKERPOOLSIZE, KW_STOREBACKEND, KW_ETCDENDPOINTS, KW_ETCDPREFIX,
	KW_ETCDCA, KW_ETCDCERT, KW_ETCDKEY, KW_ETCDTIMEOUT,
};

static const struct {
	const char	*name;
	enum conf_kw	 kw;
} keywords[] = {
	{ "ListenAddress", KW_LISTEN },
	{ "Port", KW_PORT },
	{ "HostKey", KW_HOSTKEY },
	{ "HostKexKey", KW_HOSTKEXKEY },
	{ "StoreKey", KW_STOREKEY },
	{ "StoreDirectory", KW_STOREDIR },
	{ "StoreMaxSize", KW_STOREMAX },
	{ "StoreBackend", KW_STOREBACKEND },
	{ "EtcdEndpoints", KW_ETCDENDPOINTS },
	{ "EtcdPrefix", KW_ETCDPREFIX },
	{ "EtcdCAFile", KW_ETCDCA },
	{ "EtcdCertFile", KW_ETCDCERT },
	{ "EtcdKeyFile", KW_ETCDKEY },
	{ "EtcdTimeout", KW_ETCDTIMEOUT },
	{ "AuthorizedPrincipalsFile", KW_PRINCIPALS },
	{ "AllowEmptyPrincipals", KW_ALLOWEMPTYPRINC },
	{ "AdminPrincipals", KW_ADMINS },
	{ "PrivsepUser", KW_PRIVUSER },
	{ "PrivsepChroot", KW_PRIVCHROOT },
	{ "PidFile", KW_PIDFILE },
	{ "MaxSessions", KW_MAXSESSIONS },
	{ "PerSourceMaxStartups", KW_PERSOURCE },
	{ "MaxStartups", KW_MAXSTARTUPS },
	{ "IdleTimeout", KW_IDLETIMEOUT },
	{ "WorkerPoolSize", KW_WORKERPOOLSIZE },
	{ "LoginGraceTime", KW_GRACE },
	{ "LogLevel", KW_LOGLEVEL },
	{ "WorkerPath", KW_WORKERPATH },
	{ "SandboxDebug", KW_SANDBOXDEBUG },
	{ "MaxValueSize", KW_MAXVALUE },
	{ "Ciphers", KW_CIPHERS },
	{ "KexAlgorithms", KW_KEX },
	{ "SignatureAlgorithms", KW_SIGALGS },
	{ "MinimumRSABits", KW_MINRSA },
	{ "TrustedUserCAFile", KW_USERCA },
	{ "RevocationList", KW_CRL },
	{ "RequireFreshCRL", KW_FRESHCRL },
	{ "CertificatePrincipal", KW_CERTPRINC },
	{ "HostCertificate", KW_HOSTCERT },
	{ "StrictModes", KW_STRICTMODES },
	{ "Resumption", KW_RESUMPTION },
	{ "TicketLifetime", KW_TICKETLIFE },
	{ "TicketKeyRotation", KW_TICKETROT },
	{ "UnixSocketMode", KW_UNIXMODE },
	{ "UnixSocketGroup", KW_UNIXGROUP },
	{ "CredentialSocket", KW_CREDSOCKET },
	{ "CredentialsFile", KW_CREDFILE },
};

static const struct {
	int		 mode;
	const char	*name;
} cert_principals[] = {
	{ CERT_PRINCIPAL_SAN_URI, "san-uri" },
	{ CERT_PRINCIPAL_SAN_EMAIL, "san-email" },
	{ CERT_PRINCIPAL_SUBJECT_CN, "subject-cn" },
};

#define KEX_NAME_X25519_HYBRID	"x25519-hybrid"

struct conf_ctx {
	const char	*file;
	int		 line;
	char		*errbuf;
	size_t		 errlen;
};

void
servconf_init(struct servconf *c)
{
	memset(c, 0, sizeof(*c));
	c->port = -1;
	c->unix_socket_mode = -1;
	c->max_sessions = -1;
	c->per_source_max_startups = -1;
	c->max_startups.full = -1;
	c->idle_timeout = -1;
	c->worker_pool_size = -1;
	c->login_grace_time = -1;
	c->log_level = -1;
	c->sandbox_debug = -1;
	c->min_rsa_bits = -1;
	c->require_fresh_crl = -1;
	c->cert_principal = -1;
	c->strict_modes = -1;
	c->allow_empty_principals = -1;
	c->resumption = -1;
	c->ticket_lifetime = -1;
	c->ticket_key_rotation = -1;
	c->store_backend = -1;
	c->etcd_timeout_ms = -1;
}

void
servconf_etcd_opts(const struct servconf *c, struct ms_etcd_opts *o)
{
	size_t i;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < c->netcd_endpoints; i++)
		o->endpoints[i] = c->etcd_endpoints[i];
	o->nendpoints = c->netcd_endpoints;
	o->ca_file = c->etcd_ca_file;
	o->cert_file = c->etcd_cert_file;
	o->key_file = c->etcd_key_file;
	o->timeout_ms = c->etcd_timeout_ms;
}

void
servconf_cert_policy(const struct servconf *c, struct ms_cert_policy *pol)
{
	memset(pol, 0, sizeof(*pol));
	pol->ca_file = c->trusted_user_ca_file;
	pol->crl_file = c->revocation_list;
	pol->require_fresh_crl = c->require_fresh_crl;
	pol->principal_mode = c->cert_principal;
	pol->min_rsa_bits = c->min_rsa_bits;
}

const char *
servconf_cert_principal_name(int mode)
{
	size_t i;

	for (i = 0; i < sizeof(cert_principals) / sizeof(cert_principals[0]);
	    i++)
		if (cert_principals[i].mode == mode)
			return cert_principals[i].name;
	return NULL;
}

int
servconf_cert_principal_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(cert_principals) / sizeof(cert_principals[0]);
	    i++)
		if (strcasecmp(cert_principals[i].name, name) == 0)
			return cert_principals[i].mode;
	return -1;
}

const char *
servconf_keyword_name(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (strcasecmp(keywords[i].name, name) == 0)
			return keywords[i].name;
	return NULL;
}

static int __attribute__((format(printf, 2, 3)))
conf_error(struct conf_ctx *ctx, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ctx->line > 0)
		snprintf(ctx->errbuf, ctx->errlen, "%s:%d: %s", ctx->file,
		    ctx->line, msg);
	else
		snprintf(ctx->errbuf, ctx->errlen, "%s: %s", ctx->file, msg);
	return MS_ERR_INVALID_FORMAT;
}

static int
set_string(struct conf_ctx *ctx, char **dst, const char *kw, const char *arg)
{
	if (*dst != NULL)
		return conf_error(ctx, "%s given more than once", kw);
	if ((*dst = strdup(arg)) == NULL)
		return MS_ERR_ALLOC;
	return 0;
}

/*
 * Every path is absolute: the daemon runs from "/", and a path that meant
 * something relative to the directory it was started in would change
 * meaning at the next SIGHUP or restart.
 */
static int
set_path(struct conf_ctx *ctx, char **dst, const char *kw, const char *arg)
{
	if (arg[0] != '/')
		return conf_error(ctx, "%s %s: must be an absolute path", kw,
		    arg);
	return set_string(ctx, dst, kw, arg);
}

/*
 * TrustedUserCAFile, RevocationList and HostCertificate: a path, or
 * "none" for the default (no file), which is how -T prints an unset one.
 */
static int
set_optional_path(struct conf_ctx *ctx, char **dst, const char *kw,
    const char *arg)
{
	if (strcasecmp(arg, "none") != 0)
		return set_path(ctx, dst, kw, arg);
	if (*dst != NULL)
		return conf_error(ctx, "%s given more than once", kw);
	return 0;
}

/*
 * ListenAddress unix:/ABS/PATH: a Unix-domain socket (monitor/listen_unix.c).
 * The path must fit sun_path with its NUL and name no directory.
 */
static int
check_listen_unix(struct conf_ctx *ctx, const char *path)
{
	struct sockaddr_un sun;

	if (path[0] != '/')
		return conf_error(ctx, "ListenAddress unix:%s: must be an "
		    "absolute path", path);
	if (strlen(path) >= sizeof(sun.sun_path))
		return conf_error(ctx, "ListenAddress unix:%s: longer than "
		    "%zu bytes", path, sizeof(sun.sun_path) - 1);
	if (path[strlen(path) - 1] == '/')
		return conf_error(ctx, "ListenAddress unix:%s: names a "
		    "directory", path);
	return 0;
}

/*
 * ListenAddress takes a numeric IPv4 or IPv6 address (with an optional
 * %scope), checked here with the same getaddrinfo() call the listener
 * makes, so that -t reports FILE:LINE.  Host names are refused rather
 * than resolved: the daemon binds before the network may be up, and what
 * a name resolves to must not change what it listens on.
 */
static int
check_listen_addr(struct conf_ctx *ctx, const char *arg)
{
	struct addrinfo hints, *ai = NULL;
	size_t i;
	int r, hostname = 0;

	if (strncmp(arg, SERVCONF_UNIX_PREFIX, strlen(SERVCONF_UNIX_PREFIX)) == 0)
		return check_listen_unix(ctx, arg + strlen(SERVCONF_UNIX_PREFIX));

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
	if ((r = getaddrinfo(arg, "0", &hints, &ai)) == 0) {
		freeaddrinfo(ai);
		return 0;
	}
	/* Letters, digits, '-' and '.', no ':': that is a host name. */
	if (strchr(arg, ':') == NULL && strchr(arg, '%') == NULL) {
		for (i = 0; arg[i] != '\0'; i++) {
			if (isalpha((u_char)arg[i]))
				hostname = 1;
			else if (!isdigit((u_char)arg[i]) &&
			    strchr("-.", arg[i]) == NULL) {
				hostname = 0;
				break;
			}
		}
	}
	if (hostname)
		return conf_error(ctx, "ListenAddress %s: host names are not "
		    "accepted; give an address (e.g. 127.0.0.1, ::1, 0.0.0.0 "
		    "or ::)", arg);
	return conf_error(ctx, "ListenAddress %s: not an IPv4 or IPv6 "
	    "address (%s)", arg, gai_strerror(r));
}

/*
 * UnixSocketMode: octal, read and write bits only (connect(2) needs w):
 * execute, set-id and sticky bits mean nothing on a socket.
 */
static int
set_unix_mode(struct conf_ctx *ctx, struct servconf *c, const char *arg)
{
	unsigned long v;
	char *end;

	if (c->unix_socket_mode != -1)
		return conf_error(ctx, "UnixSocketMode given more than once");
	errno = 0;
	v = strtoul(arg, &end, 8);
	if (*arg < '0' || *arg > '7' || errno != 0 || *end != '\0' ||
	    (v & ~0666UL) != 0)
		return conf_error(ctx, "UnixSocketMode %s: not an octal mode "
		    "of read and write bits (e.g. 0660)", arg);
	c->unix_socket_mode = (int)v;
	return 0;
}

static int
set_number(struct conf_ctx *ctx, int *dst, const char *kw, const char *arg,
    long long lo, long long hi)
{
	const char *errstr;
	long long v;

	if (*dst != -1)
		return conf_error(ctx, "%s given more than once", kw);
	v = strtonum(arg, lo, hi, &errstr);
	if (errstr != NULL)
		return conf_error(ctx, "%s: value \"%s\" is %s (%lld..%lld)",
		    kw, arg, errstr, lo, hi);
	*dst = (int)v;
	return 0;
}

static int
set_startups(struct conf_ctx *ctx, struct startups *dst, const char *kw,
    const char *arg)
{
	const char *why;

	if (dst->full != -1)
		return conf_error(ctx, "%s given more than once", kw);
	if (startups_parse(arg, 10000, dst, &why) != 0) {
		dst->full = -1;
		return conf_error(ctx, "%s: \"%s\" %s (each number at most "
		    "10000, rate at most 100)", kw, arg, why);
	}
	return 0;
}

/*
 * SIZE: decimal bytes with an optional K, M, G or T suffix (powers of
 * 1024, either case), within lo..hi.
 */
static int
set_size(struct conf_ctx *ctx, unsigned long long *dst, const char *kw,
    const char *arg, unsigned long long lo, unsigned long long hi)
{
	unsigned long long v, mult = 1;
	char *end;

	if (*dst != 0)
		return conf_error(ctx, "%s given more than once", kw);
	if (arg[0] < '0' || arg[0] > '9')
		goto bad;
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno != 0)
		goto bad;
	switch (*end) {
	case '\0':
		break;
	case 'k': case 'K':
		mult = 1ULL << 10;
		break;
	case 'm': case 'M':
		mult = 1ULL << 20;
		break;
	case 'g': case 'G':
		mult = 1ULL << 30;
		break;
	case 't': case 'T':
		mult = 1ULL << 40;
		break;
	default:
		goto bad;
	}
	if (*end != '\0' && end[1] != '\0')
		goto bad;
	if (v > hi / mult || v * mult < lo)
		return conf_error(ctx, "%s: \"%s\" is out of range "
		    "(%lluM..%lluG)", kw, arg, lo >> 20, hi >> 30);
	*dst = v * mult;
	return 0;
 bad:
	return conf_error(ctx, "%s: expected a size such as 512M or 2G, got "
	    "\"%s\"", kw, arg);
}

/*
 * A duration: digits with an optional unit, "ms" or "s" (no unit:
 * seconds, as the other timeouts), stored in milliseconds within lo..hi.
 */
static int
set_time_ms(struct conf_ctx *ctx, int *dst, const char *kw, const char *arg,
    long long lo, long long hi)
{
	const char *errstr;
	char num[16];
	size_t n;
	long long v, mult = 1000;

	if (*dst != -1)
		return conf_error(ctx, "%s given more than once", kw);
	n = strspn(arg, "0123456789");
	if (n == 0 || n >= sizeof(num))
		goto bad;
	if (strcmp(arg + n, "ms") == 0)
		mult = 1;
	else if (arg[n] != '\0' && strcmp(arg + n, "s") != 0)
		goto bad;
	memcpy(num, arg, n);
	num[n] = '\0';
	v = strtonum(num, 0, hi, &errstr);
	if (errstr != NULL || v * mult < lo || v * mult > hi)
		return conf_error(ctx, "%s: \"%s\" is out of range "
		    "(%lldms..%llds)", kw, arg, lo, hi / 1000);
	*dst = (int)(v * mult);
	return 0;
 bad:
	return conf_error(ctx, "%s: expected a time such as 5s or 500ms, got "
	    "\"%s\"", kw, arg);
}

/* How -T writes a duration so that it reads back the same. */
static void
dump_time_ms(FILE *f, const char *kw, int ms)
{
	if (ms % 1000 == 0)
		fprintf(f, "%s %ds\n", kw, ms / 1000);
	else
		fprintf(f, "%s %dms\n", kw, ms);
}

static int
set_backend(struct conf_ctx *ctx, struct servconf *c, const char *kw,
    const char *arg)
{
	if (c->store_backend != -1)
		return conf_error(ctx, "%s given more than once", kw);
	if (strcasecmp(arg, "lmdb") == 0)
		c->store_backend = MS_STORE_BACKEND_LMDB;
	else if (strcasecmp(arg, "etcd") == 0)
		c->store_backend = MS_STORE_BACKEND_ETCD;
	else
		return conf_error(ctx, "%s: expected lmdb or etcd, got \"%s\"",
		    kw, arg);
	return 0;
}

/*
 * One EtcdEndpoints URL: http:// or https://, then host:port with a
 * numeric port (a bracketed IPv6 address is a host), and nothing after:
 * the gateway's paths are the client's, not the operator's.
 */
static int
check_etcd_url(struct conf_ctx *ctx, const char *url)
{
	const char *hp, *colon, *errstr, *p;

	if (strncmp(url, "http://", 7) == 0)
		hp = url + 7;
	else if (strncmp(url, "https://", 8) == 0)
		hp = url + 8;
	else
		return conf_error(ctx, "EtcdEndpoints: \"%s\" is not an "
		    "http:// or https:// URL", url);
	for (p = hp; *p != '\0'; p++)
		if (*p <= ' ' || *p > '~' || strchr("/?#@", *p) != NULL)
			return conf_error(ctx, "EtcdEndpoints: \"%s\": expected "
			    "SCHEME://HOST:PORT and nothing else", url);
	if ((colon = strrchr(hp, ':')) == NULL || colon == hp ||
	    (hp[0] == '[' && colon[-1] != ']') ||
	    (hp[0] != '[' && strchr(hp, ':') != colon))
		return conf_error(ctx, "EtcdEndpoints: \"%s\": expected "
		    "SCHEME://HOST:PORT", url);
	(void)strtonum(colon + 1, 1, 65535, &errstr);
	if (errstr != NULL)
		return conf_error(ctx, "EtcdEndpoints: \"%s\": port is %s "
		    "(1..65535)", url, errstr);
	return 0;
}

/* EtcdEndpoints URL[,URL...], or "none" (how -T prints it unset). */
static int
set_etcd_endpoints(struct conf_ctx *ctx, struct servconf *c, const char *kw,
    char *arg)
{
	char *url;
	size_t i;
	int r;

	if (c->netcd_endpoints != 0)
		return conf_error(ctx, "%s given more than once", kw);
	if (strcasecmp(arg, "none") == 0)
		return 0;
	while ((url = strsep(&arg, ",")) != NULL) {
		if ((r = check_etcd_url(ctx, url)) != 0)
			return r;
		for (i = 0; i < c->netcd_endpoints; i++)
			if (strcmp(c->etcd_endpoints[i], url) == 0)
				return conf_error(ctx, "EtcdEndpoints: \"%s\" "
				    "listed twice", url);
		if (c->netcd_endpoints >= MS_ETCD_ENDPOINTS_MAX)
			return conf_error(ctx, "EtcdEndpoints: too many URLs "
			    "(at most %d)", MS_ETCD_ENDPOINTS_MAX);
		if ((c->etcd_endpoints[c->netcd_endpoints] =
		    strdup(url)) == NULL)
			return MS_ERR_ALLOC;
		c->netcd_endpoints++;
	}
	return 0;
}

/*
 * EtcdPrefix: every key of the store begins with it, so it is a
 * directory-like "/.../" in printable ASCII that -T and logs show as is.
 */
static int
set_etcd_prefix(struct conf_ctx *ctx, struct servconf *c, const char *kw,
    const char *arg)
{
	size_t i, len = strlen(arg);

	if (len > SERVCONF_ETCD_PREFIX_MAX)
		return conf_error(ctx, "%s: longer than %d bytes", kw,
		    SERVCONF_ETCD_PREFIX_MAX);
	if (arg[0] != '/' || arg[len - 1] != '/')
		return conf_error(ctx, "%s %s: must begin and end with '/'",
		    kw, arg);
	for (i = 0; i < len; i++)
		if (arg[i] <= ' ' || arg[i] > '~')
			return conf_error(ctx, "%s: only printable ASCII "
			    "without spaces is allowed", kw);
	return set_string(ctx, &c->etcd_prefix, kw, arg);
}

static int
set_yesno(struct conf_ctx *ctx, int *dst, const char *kw, const char *arg)
{
	if (*dst != -1)
		return conf_error(ctx, "%s given more than once", kw);
	if (strcasecmp(arg, "yes") == 0)
		*dst = 1;
	else if (strcasecmp(arg, "no") == 0)
		*dst = 0;
	else
		return conf_error(ctx, "%s: expected yes or no, got \"%s\"",
		    kw, arg);
	return 0;
}

static int
parse_ciphers(struct conf_ctx *ctx, struct servconf *c, char *arg)
{
	char *name;
	int alg;

	if (c->ciphers.n != 0)
		return conf_error(ctx, "Ciphers given more than once");
	while ((name = strsep(&arg, ",")) != NULL) {
		if ((alg = ms_aead_from_name(name)) < 0)
			return conf_error(ctx, "Ciphers: unknown cipher \"%s\"",
			    name);
		if (c->ciphers.n >= MS_ALG_LIST_MAX)
			return conf_error(ctx, "Ciphers: too many entries");
		if (ms_alg_list_contains(&c->ciphers,
		    ms_aead_to_cipher((enum ms_aead)alg)))
			return conf_error(ctx, "Ciphers: \"%s\" listed twice",
			    name);
		c->ciphers.ids[c->ciphers.n++] =
		    ms_aead_to_cipher((enum ms_aead)alg);
	}
	return 0;
}

static int
parse_kex(struct conf_ctx *ctx, struct servconf *c, char *arg)
{
	char *name;

	if (c->kex.n != 0)
		return conf_error(ctx, "KexAlgorithms given more than once");
	while ((name = strsep(&arg, ",")) != NULL) {
		if (strcmp(name, KEX_NAME_X25519_HYBRID) != 0)
			return conf_error(ctx, "KexAlgorithms: unknown "
			    "algorithm \"%s\"", name);
		if (ms_alg_list_contains(&c->kex, MS_KEX_X25519_HYBRID))
			return conf_error(ctx, "KexAlgorithms: \"%s\" listed "
			    "twice", name);
		c->kex.ids[c->kex.n++] = MS_KEX_X25519_HYBRID;
	}
	return 0;
}

static int
parse_sigalgs(struct conf_ctx *ctx, struct servconf *c, const char *arg)
{
	size_t n = 0;

	if (c->sig_algs.n != 0)
		return conf_error(ctx, "SignatureAlgorithms given more than "
		    "once");
	if (ms_sigalg_list_parse(arg, c->sig_algs.ids, MS_ALG_LIST_MAX,
	    &n) != 0)
		return conf_error(ctx, "SignatureAlgorithms: \"%s\" is not a "
		    "comma list of distinct known algorithms (ed25519, "
		    "ecdsa-p256-sha256, ecdsa-p384-sha384, rsa-pss-sha256)",
		    arg);
	c->sig_algs.n = (uint8_t)n;
	return 0;
}

/* Handle one "Keyword args..." line; 'rest' holds the arguments. */
static int
parse_keyword(struct conf_ctx *ctx, struct servconf *c, const char *kwname,
    char *rest)
{
	char *arg, *extra;
	size_t i, k, first;
	int r, v = -1;

	for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (strcasecmp(kwname, keywords[i].name) == 0)
			break;
	if (i == sizeof(keywords) / sizeof(keywords[0]))
		return conf_error(ctx, "unknown keyword \"%s\"", kwname);
	kwname = keywords[i].name;

	rest += strspn(rest, " \t");
	if (*rest == '\0')
		return conf_error(ctx, "%s: missing argument", kwname);

	if (keywords[i].kw == KW_ADMINS) {
		first = c->nadmins;
		/*
		 * "none" (what -T prints for an empty list) names nobody; it
		 * is never a principal, so that the line cannot make one
		 * called "none" an administrator.
		 */
		while ((arg = strsep(&rest, " \t")) != NULL) {
			if (*arg == '\0')
				continue;
			if (strcasecmp(arg, "none") == 0) {
				if (c->nadmins > first || (rest != NULL &&
				    rest[strspn(rest, " \t")] != '\0'))
					return conf_error(ctx, "AdminPrincipals:"
					    " \"none\" must be the only name");
				return 0;
			}
			if (ms_principal_valid(arg) != 0)
				return conf_error(ctx, "AdminPrincipals: "
				    "invalid principal name \"%s\"", arg);
			if (c->nadmins >= SERVCONF_MAX_ADMINS)
				return conf_error(ctx, "AdminPrincipals: "
				    "too many names");
			if ((c->admins[c->nadmins++] = strdup(arg)) == NULL)
				return MS_ERR_ALLOC;
		}
		return 0;
	}

	/* Every other keyword takes exactly one argument. */
	arg = strsep(&rest, " \t");
	if (rest != NULL) {
		extra = rest + strspn(rest, " \t");
		if (*extra != '\0')
			return conf_error(ctx, "%s: unexpected extra argument "
			    "\"%s\"", kwname, extra);
	}

	switch (keywords[i].kw) {
	case KW_LISTEN:
		if (c->nlisten >= SERVCONF_MAX_LISTEN)
			return conf_error(ctx, "too many ListenAddress lines");
		if ((r = check_listen_addr(ctx, arg)) != 0)
			return r;
		if ((c->listen_addrs[c->nlisten++] = strdup(arg)) == NULL)
			return MS_ERR_ALLOC;
		return 0;
	case KW_PORT:
		return set_number(ctx, &c->port, kwname, arg, 1, 65535);
	case KW_UNIXMODE:
		return set_unix_mode(ctx, c, arg);
	case KW_UNIXGROUP:
		return set_string(ctx, &c->unix_socket_group, kwname, arg);
	case KW_HOSTKEY:
		if (arg[0] != '/')
			return conf_error(ctx, "%s %s: must be an absolute "
			    "path", kwname, arg);
		for (k = 0; k < c->nhost_keys; k++)
			if (strcmp(c->host_key_files[k], arg) == 0)
				return conf_error(ctx, "HostKey %s given more "
				    "than once", arg);
		if (c->nhost_keys >= MS_HOST_KEYS_MAX)
			return conf_error(ctx, "too many HostKey lines "
			    "(at most %d)", MS_HOST_KEYS_MAX);
		if ((c->host_key_files[c->nhost_keys] = strdup(arg)) == NULL)
			return MS_ERR_ALLOC;
		c->nhost_keys++;
		return 0;
	case KW_HOSTKEXKEY:
		return set_path(ctx, &c->host_kex_key_file, kwname, arg);
	case KW_STOREKEY:
		if (arg[0] != '/')
			return conf_error(ctx, "%s %s: must be an absolute "
			    "path", kwname, arg);
		if (c->nstore_keys >= MS_STORE_KEYS_MAX)
			return conf_error(ctx, "too many StoreKey lines "
			    "(at most %d)", MS_STORE_KEYS_MAX);
		for (k = 0; k < c->nstore_keys; k++)
			if (strcmp(c->store_key_files[k], arg) == 0)
				return conf_error(ctx, "StoreKey %s given "
				    "twice", arg);
		if ((c->store_key_files[c->nstore_keys] = strdup(arg)) == NULL)
			return MS_ERR_ALLOC;
		c->nstore_keys++;
		return 0;
	case KW_STOREMAX:
		return set_size(ctx, &c->store_max_size, kwname, arg,
		    SERVCONF_STORE_SIZE_MIN, SERVCONF_STORE_SIZE_MAX);
	case KW_STOREDIR:
		return set_path(ctx, &c->store_dir, kwname, arg);
	case KW_PRINCIPALS:
		return set_path(ctx, &c->principals_file, kwname, arg);
	case KW_PRIVUSER:
		return set_string(ctx, &c->privsep_user, kwname, arg);
	case KW_PRIVCHROOT:
		return set_path(ctx, &c->privsep_chroot, kwname, arg);
	case KW_PIDFILE:
		return set_path(ctx, &c->pid_file, kwname, arg);
	case KW_WORKERPATH:
		return set_path(ctx, &c->worker_path, kwname, arg);
	case KW_MAXSESSIONS:
		return set_number(ctx, &c->max_sessions, kwname, arg, 1, 10000);
	case KW_PERSOURCE:
		return set_number(ctx, &c->per_source_max_startups, kwname,
		    arg, 1, 10000);
	case KW_GRACE:
		return set_number(ctx, &c->login_grace_time, kwname, arg,
		    1, 3600);
	case KW_MAXSTARTUPS:
		return set_startups(ctx, &c->max_startups, kwname, arg);
	case KW_IDLETIMEOUT:
		return set_number(ctx, &c->idle_timeout, kwname, arg, 0, 86400);
	case KW_WORKERPOOLSIZE:
		return set_number(ctx, &c->worker_pool_size, kwname, arg, 0,
		    10000);
	case KW_LOGLEVEL:
		if (c->log_level != -1)
			return conf_error(ctx, "LogLevel given more than once");
		if ((v = ms_log_level_from_name(arg)) < 0)
			return conf_error(ctx, "LogLevel: unknown level \"%s\"",
			    arg);
		c->log_level = v;
		return 0;
	case KW_SANDBOXDEBUG:
		return set_yesno(ctx, &c->sandbox_debug, kwname, arg);
	case KW_MAXVALUE:
		if (c->max_value_size != 0)
			return conf_error(ctx, "MaxValueSize given more than "
			    "once");
		if ((r = set_number(ctx, &v, kwname, arg, 1,
		    MS_VALUE_MAX)) != 0)
			return r;
		c->max_value_size = (size_t)v;
		return 0;
	case KW_CIPHERS:
		return parse_ciphers(ctx, c, arg);
	case KW_KEX:
		return parse_kex(ctx, c, arg);
	case KW_SIGALGS:
		return parse_sigalgs(ctx, c, arg);
	case KW_MINRSA:
		return set_number(ctx, &c->min_rsa_bits, kwname, arg,
		    SERVCONF_RSA_BITS_MIN, SERVCONF_RSA_BITS_MAX);
	case KW_USERCA:
		return set_optional_path(ctx, &c->trusted_user_ca_file, kwname, arg);
	case KW_CRL:
		return set_optional_path(ctx, &c->revocation_list, kwname, arg);
	case KW_FRESHCRL:
		return set_yesno(ctx, &c->require_fresh_crl, kwname, arg);
	case KW_CERTPRINC:
		if (c->cert_principal != -1)
			return conf_error(ctx, "%s given more than once",
			    kwname);
		if ((v = servconf_cert_principal_from_name(arg)) < 0)
			return conf_error(ctx, "%s: expected san-uri, "
			    "san-email or subject-cn, got \"%s\"", kwname, arg);
		c->cert_principal = v;
		return 0;
	case KW_HOSTCERT:
		return set_optional_path(ctx, &c->host_certificate, kwname, arg);
	case KW_STRICTMODES:
		return set_yesno(ctx, &c->strict_modes, kwname, arg);
	case KW_RESUMPTION:
		return set_yesno(ctx, &c->resumption, kwname, arg);
	case KW_TICKETLIFE:
		return set_number(ctx, &c->ticket_lifetime, kwname, arg, 1,
		    86400);
	case KW_TICKETROT:
		return set_number(ctx, &c->ticket_key_rotation, kwname, arg, 1,
		    86400);
	case KW_ALLOWEMPTYPRINC:
		return set_yesno(ctx, &c->allow_empty_principals, kwname, arg);
	case KW_CREDSOCKET:
		if (strlen(arg) >= SERVCONF_UNIX_PATH_MAX)
			return conf_error(ctx, "%s %s: longer than a socket "
			    "address allows (%d bytes)", kwname, arg,
			    SERVCONF_UNIX_PATH_MAX - 1);
		return set_optional_path(ctx, &c->credential_socket, kwname,
		    arg);
	case KW_CREDFILE:
		return set_optional_path(ctx, &c->credentials_file, kwname,
		    arg);
	case KW_STOREBACKEND:
		return set_backend(ctx, c, kwname, arg);
	case KW_ETCDENDPOINTS:
		return set_etcd_endpoints(ctx, c, kwname, arg);
	case KW_ETCDPREFIX:
		return set_etcd_prefix(ctx, c, kwname, arg);
	case KW_ETCDCA:
		return set_optional_path(ctx, &c->etcd_ca_file, kwname, arg);
	case KW_ETCDCERT:
		return set_optional_path(ctx, &c->etcd_cert_file, kwname, arg);
	case KW_ETCDKEY:
		return set_optional_path(ctx, &c->etcd_key_file, kwname, arg);
	case KW_ETCDTIMEOUT:
		return set_time_ms(ctx, &c->etcd_timeout_ms, kwname, arg,
		    SERVCONF_ETCD_TIMEOUT_MIN, SERVCONF_ETCD_TIMEOUT_MAX);
	case KW_ADMINS:
		break;
	}
	return MS_ERR_INTERNAL;
}

static int
parse_line(struct conf_ctx *ctx, struct servconf *c, char *line)
{
	char *kw;

	line[strcspn(line, "\r\n")] = '\0';
	line += strspn(line, " \t");
	if (*line == '\0' || *line == '#')
		return 0;
	kw = strsep(&line, " \t");
	if (line == NULL)
		return conf_error(ctx, "%s: missing argument", kw);
	return parse_keyword(ctx, c, kw, line);
}

/*
 * Combinations that can never work are refused here rather than found out
 * at the first login.
 */
/*
 * With TLS configured for etcd, a plain http:// endpoint would send the
 * store's ACLs and sealed values in clear and take unauthenticated
 * answers: one mistyped URL must not open that door.
 */
static int
etcd_tls_consistent(struct conf_ctx *ctx, const struct servconf *c)
{
	size_t i;

	if (c->etcd_ca_file == NULL && c->etcd_cert_file == NULL)
		return 0;
	for (i = 0; i < c->netcd_endpoints; i++)
		if (strncmp(c->etcd_endpoints[i], "http://", 7) == 0)
			return conf_error(ctx, "EtcdEndpoints %s: plain http "
			    "with EtcdCAFile or EtcdCertFile set (use https://)",
			    c->etcd_endpoints[i]);
	return 0;
}

static int
check_policy(struct conf_ctx *ctx, struct servconf *c)
{
	if (c->revocation_list != NULL && c->trusted_user_ca_file == NULL)
		return conf_error(ctx, "RevocationList needs TrustedUserCAFile");
	if (c->credential_socket != NULL && c->credentials_file == NULL)
		return conf_error(ctx, "CredentialSocket needs CredentialsFile");
	/* Raw client keys are Ed25519: without it only certificates remain. */
	if (!ms_alg_list_contains(&c->sig_algs, MS_SIG_ED25519) &&
	    c->trusted_user_ca_file == NULL)
		return conf_error(ctx, "SignatureAlgorithms: no algorithm "
		    "left for any client (ed25519 is needed for raw keys, "
		    "TrustedUserCAFile for the others)");
	if (c->store_backend == MS_STORE_BACKEND_ETCD &&
	    c->netcd_endpoints == 0)
		return conf_error(ctx, "StoreBackend etcd needs EtcdEndpoints");
	if ((c->etcd_cert_file == NULL) != (c->etcd_key_file == NULL))
		return conf_error(ctx, "EtcdCertFile and EtcdKeyFile go "
		    "together (mutual TLS needs both)");
	return etcd_tls_consistent(ctx, c);
}

static int
set_default(char **dst, const char *value)
{
	if (*dst == NULL && (*dst = strdup(value)) == NULL)
		return MS_ERR_ALLOC;
	return 0;
}

static int
apply_defaults(struct conf_ctx *ctx, struct servconf *c)
{
	int r;

	ctx->line = 0;
	if (c->nlisten == 0 &&
	    (c->listen_addrs[c->nlisten++] = strdup("127.0.0.1")) == NULL)
		return MS_ERR_ALLOC;
	if (c->port == -1)
		c->port = MS_DEFAULT_PORT;
	if (c->unix_socket_mode == -1)
		c->unix_socket_mode = SERVCONF_UNIX_MODE_DEFAULT;
	/* Every path defaults to the install paths (pathnames.h). */
	if (c->nhost_keys == 0) {
		if ((c->host_key_files[0] = strdup(MS_PATH_HOST_KEY)) == NULL)
			return MS_ERR_ALLOC;
		c->nhost_keys = 1;
	}
	if (c->nstore_keys == 0) {
		if ((c->store_key_files[0] = strdup(MS_PATH_STORE_KEY)) == NULL)
			return MS_ERR_ALLOC;
		c->nstore_keys = 1;
	}
	if (c->store_max_size == 0)
		c->store_max_size = SERVCONF_STORE_SIZE_DEFAULT;
	if ((r = set_default(&c->host_kex_key_file,
	    MS_PATH_HOST_KEX_KEY)) != 0 ||
	    (r = set_default(&c->store_dir, MS_PATH_STORE_DIR)) != 0 ||
	    (r = set_default(&c->principals_file, MS_PATH_PRINCIPALS)) != 0 ||
	    (r = set_default(&c->privsep_user, MS_PRIVSEP_USER)) != 0 ||
	    (r = set_default(&c->privsep_chroot, MS_PATH_CHROOT)) != 0 ||
	    (r = set_default(&c->pid_file, MS_PATH_PIDFILE)) != 0 ||
	    (r = set_default(&c->worker_path, MS_PATH_WORKER)) != 0)
		return r;
	if (c->max_sessions == -1)
		c->max_sessions = 100;
	if (c->per_source_max_startups == -1)
		c->per_source_max_startups = 20;
	if (c->max_startups.full == -1) {
		c->max_startups.start = 30;
		c->max_startups.rate = 30;
		c->max_startups.full = 100;
	}
	if (c->idle_timeout == -1)
		c->idle_timeout = 300;
	if (c->worker_pool_size == -1)
		c->worker_pool_size = SERVCONF_WORKER_POOL_SIZE;
	if (c->login_grace_time == -1)
		c->login_grace_time = 30;
	if (c->log_level == -1)
		c->log_level = MS_LOG_INFO;
	if (c->sandbox_debug == -1)
		c->sandbox_debug = 0;
	if (c->max_value_size == 0)
		c->max_value_size = MS_VALUE_MAX;
	if (c->ciphers.n == 0) {
		c->ciphers.ids[c->ciphers.n++] = MS_CIPHER_AES256_GCM;
		c->ciphers.ids[c->ciphers.n++] = MS_CIPHER_CHACHA20_POLY1305;
	}
	if (c->kex.n == 0)
		c->kex.ids[c->kex.n++] = MS_KEX_X25519_HYBRID;
	if (c->sig_algs.n == 0) {
		c->sig_algs.ids[c->sig_algs.n++] = MS_SIG_ED25519;
		c->sig_algs.ids[c->sig_algs.n++] = MS_SIG_ECDSA_P256_SHA256;
		c->sig_algs.ids[c->sig_algs.n++] = MS_SIG_ECDSA_P384_SHA384;
		c->sig_algs.ids[c->sig_algs.n++] = MS_SIG_RSA_PSS_SHA256;
	}
	if (c->min_rsa_bits == -1)
		c->min_rsa_bits = MS_RSA_BITS_MIN_DEFAULT;
	if (c->require_fresh_crl == -1)
		c->require_fresh_crl = 0;
	if (c->cert_principal == -1)
		c->cert_principal = CERT_PRINCIPAL_SAN_URI;
	if (c->strict_modes == -1)
		c->strict_modes = 1;
	if (c->resumption == -1)
		c->resumption = 1;
	if (c->ticket_lifetime == -1)
		c->ticket_lifetime = 3600;
	if (c->ticket_key_rotation == -1)
		c->ticket_key_rotation = 3600;
	if (c->allow_empty_principals == -1)
		c->allow_empty_principals = 0;
	if (c->store_backend == -1)
		c->store_backend = MS_STORE_BACKEND_LMDB;
	if ((r = set_default(&c->etcd_prefix,
	    SERVCONF_ETCD_PREFIX_DEFAULT)) != 0)
		return r;
	if (c->etcd_timeout_ms == -1)
		c->etcd_timeout_ms = SERVCONF_ETCD_TIMEOUT_DEFAULT;
	return check_policy(ctx, c);
}

int
servconf_load(const char *path, struct servconf *c, char *errbuf, size_t errlen)
{
	struct conf_ctx ctx;
	char line[CONF_LINE_MAX];
	FILE *f;
	int r = 0;

	memset(&ctx, 0, sizeof(ctx));
	ctx.file = path;
	ctx.errbuf = errbuf;
	ctx.errlen = errlen;
	if ((f = fopen(path, "r")) == NULL) {
		conf_error(&ctx, "cannot open: %s", strerror(errno));
		return MS_ERR_SYSTEM;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		ctx.line++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			r = conf_error(&ctx, "line too long");
			break;
		}
		if ((r = parse_line(&ctx, c, line)) != 0)
			break;
	}
	if (r == 0 && ferror(f))
		r = conf_error(&ctx, "read error");
	fclose(f);
	if (r == 0)
		r = apply_defaults(&ctx, c);
	return r;
}

void
servconf_dump(FILE *f, const struct servconf *c)
{
	size_t i;

	for (i = 0; i < c->nlisten; i++)
		fprintf(f, "listenaddress %s\n", c->listen_addrs[i]);
	fprintf(f, "port %d\n", c->port);
	fprintf(f, "unixsocketmode %04o\n", (unsigned)c->unix_socket_mode);
	fprintf(f, "unixsocketgroup %s\n", c->unix_socket_group ?
	    c->unix_socket_group : "none");
	for (i = 0; i < c->nhost_keys; i++)
		fprintf(f, "hostkey %s\n", c->host_key_files[i]);
	fprintf(f, "hostkexkey %s\n", c->host_kex_key_file);
	for (i = 0; i < c->nstore_keys; i++)
		fprintf(f, "storekey %s\n", c->store_key_files[i]);
	fprintf(f, "storedirectory %s\n", c->store_dir);
	fprintf(f, "storemaxsize %llu\n", c->store_max_size);
	fprintf(f, "storebackend %s\n",
	    c->store_backend == MS_STORE_BACKEND_ETCD ? "etcd" : "lmdb");
	fprintf(f, "etcdendpoints");
	for (i = 0; i < c->netcd_endpoints; i++)
		fprintf(f, "%c%s", i ? ',' : ' ', c->etcd_endpoints[i]);
	fprintf(f, "%s\n", c->netcd_endpoints == 0 ? " none" : "");
	fprintf(f, "etcdprefix %s\n", c->etcd_prefix);
	fprintf(f, "etcdcafile %s\n", c->etcd_ca_file ? c->etcd_ca_file :
	    "none");
	fprintf(f, "etcdcertfile %s\n", c->etcd_cert_file ?
	    c->etcd_cert_file : "none");
	fprintf(f, "etcdkeyfile %s\n", c->etcd_key_file ?
	    c->etcd_key_file : "none");
	dump_time_ms(f, "etcdtimeout", c->etcd_timeout_ms);
	fprintf(f, "authorizedprincipalsfile %s\n", c->principals_file);
	fprintf(f, "allowemptyprincipals %s\n",
	    c->allow_empty_principals ? "yes" : "no");
	fprintf(f, "adminprincipals");
	for (i = 0; i < c->nadmins; i++)
		fprintf(f, " %s", c->admins[i]);
	fprintf(f, "%s\n", c->nadmins == 0 ? " none" : "");
	fprintf(f, "privsepuser %s\n", c->privsep_user);
	fprintf(f, "privsepchroot %s\n", c->privsep_chroot);
	fprintf(f, "pidfile %s\n", c->pid_file);
	fprintf(f, "workerpath %s\n", c->worker_path);
	fprintf(f, "maxsessions %d\n", c->max_sessions);
	fprintf(f, "persourcemaxstartups %d\n", c->per_source_max_startups);
	fprintf(f, "maxstartups %d:%d:%d\n", c->max_startups.start,
	    c->max_startups.rate, c->max_startups.full);
	fprintf(f, "idletimeout %d\n", c->idle_timeout);
	fprintf(f, "workerpoolsize %d\n", c->worker_pool_size);
	fprintf(f, "logingracetime %d\n", c->login_grace_time);
	fprintf(f, "loglevel %s\n", ms_log_level_name(c->log_level));
	fprintf(f, "sandboxdebug %s\n", c->sandbox_debug ? "yes" : "no");
	fprintf(f, "maxvaluesize %zu\n", c->max_value_size);
	fprintf(f, "ciphers ");
	for (i = 0; i < c->ciphers.n; i++)
		fprintf(f, "%s%s", i ? "," : "",
		    ms_aead_name(ms_cipher_to_aead(c->ciphers.ids[i])));
	fprintf(f, "\n");
	fprintf(f, "kexalgorithms ");
	for (i = 0; i < c->kex.n; i++)
		fprintf(f, "%s%s", i ? "," : "", KEX_NAME_X25519_HYBRID);
	fprintf(f, "\n");
	fprintf(f, "signaturealgorithms ");
	for (i = 0; i < c->sig_algs.n; i++)
		fprintf(f, "%s%s", i ? "," : "",
		    ms_sigalg_name(c->sig_algs.ids[i]));
	fprintf(f, "\n");
	fprintf(f, "minimumrsabits %d\n", c->min_rsa_bits);
	fprintf(f, "trustedusercafile %s\n", c->trusted_user_ca_file ?
	    c->trusted_user_ca_file : "none");
	fprintf(f, "revocationlist %s\n", c->revocation_list ?
	    c->revocation_list : "none");
	fprintf(f, "requirefreshcrl %s\n", c->require_fresh_crl ? "yes" : "no");
	fprintf(f, "certificateprincipal %s\n",
	    servconf_cert_principal_name(c->cert_principal));
	fprintf(f, "hostcertificate %s\n", c->host_certificate ?
	    c->host_certificate : "none");
	fprintf(f, "strictmodes %s\n", c->strict_modes ? "yes" : "no");
	fprintf(f, "resumption %s\n", c->resumption ? "yes" : "no");
	fprintf(f, "ticketlifetime %d\n", c->ticket_lifetime);
	fprintf(f, "ticketkeyrotation %d\n", c->ticket_key_rotation);
	fprintf(f, "credentialsocket %s\n", c->credential_socket ?
	    c->credential_socket : "none");
	fprintf(f, "credentialsfile %s\n", c->credentials_file ?
	    c->credentials_file : "none");
}

void
servconf_free(struct servconf *c)
{
	size_t i;

	for (i = 0; i < c->nlisten; i++)
		free(c->listen_addrs[i]);
	for (i = 0; i < c->nadmins; i++)
		free(c->admins[i]);
	for (i = 0; i < c->nhost_keys; i++)
		free(c->host_key_files[i]);
	free(c->host_kex_key_file);
	for (i = 0; i < c->nstore_keys; i++)
		free(c->store_key_files[i]);
	free(c->store_dir);
	for (i = 0; i < c->netcd_endpoints; i++)
		free(c->etcd_endpoints[i]);
	free(c->etcd_prefix);
	free(c->etcd_ca_file);
	free(c->etcd_cert_file);
	free(c->etcd_key_file);
	free(c->principals_file);
	free(c->privsep_user);
	free(c->privsep_chroot);
	free(c->pid_file);
	free(c->worker_path);
	free(c->trusted_user_ca_file);
	free(c->revocation_list);
	free(c->host_certificate);
	free(c->unix_socket_group);
	free(c->credential_socket);
	free(c->credentials_file);
	servconf_init(c);
}
