/*
 * metasafe.h — libmetasafe, the client library of the metasafe secrets
 * daemon (wire protocol: docs/PROTOCOL.md, version 1).
 *
 * Typical use:
 *
 *	struct metasafe_opts o;
 *	struct metasafe_conn *c = NULL;
 *	struct metasafe_value *v = NULL;
 *	uint32_t h;
 *	int r;
 *
 *	metasafe_opts_init(&o);
 *	o.host = "db1.example.org";
 *	if ((r = metasafe_connect_auth(&o, &c)) != 0 ||
 *	    (r = metasafe_open(c, "/db/prod", METASAFE_READ, &h)) != 0 ||
 *	    (r = metasafe_get(c, h, "password", &v)) != 0)
 *		fprintf(stderr, "%s\n", metasafe_last_error_message(c));
 *	... use v->data, v->len ...
 *	metasafe_value_free(v);
 *	metasafe_close(c);
 *
 * Every function returns 0 or a negative METASAFE_ERR_* code.  The library
 * never prints and never exits; diagnostics go to an optional debug hook
 * (metasafe_set_debug_hook).  Values returned to the caller are wiped when
 * freed.  A connection is not thread-safe; use one per thread.
 *
 * The library sends with MSG_NOSIGNAL, so a peer that goes away never
 * raises SIGPIPE in the application.
 */
#ifndef METASAFE_H
#define METASAFE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The release: METASAFE_VERSION is the one place the version is written
 * (the build reads it from here for every program's -V and for
 * metasafe.pc).  METASAFE_VERSION_NUMBER is 0xMMmmpp, for #if checks;
 * metasafe_version() is the version of the library actually loaded.
 */
#define METASAFE_VERSION		"0.9.0"
#define METASAFE_VERSION_NUMBER		0x000900

#define METASAFE_DEFAULT_PORT		"7439"
#define METASAFE_DEFAULT_CIPHERS	"aes256-gcm,chacha20-poly1305"
#define METASAFE_DEFAULT_KEX		"x25519-hybrid"
/* Accepted for the server's signature; host keys are Ed25519. */
#define METASAFE_DEFAULT_SIGNATURE_ALGORITHMS "ed25519"
#define METASAFE_DEFAULT_TIMEOUT_MS	30000
/* Relative to $HOME. */
#define METASAFE_DEFAULT_IDENTITY	".metasafe/id_ed25519"
#define METASAFE_DEFAULT_KNOWN_HOSTS	".metasafe/known_hosts"

#define METASAFE_VALUE_MAX		1048576	/* plaintext bytes */

/* Error codes.  Codes -101..-115 are the server's status codes (PROTOCOL.md 7). */
#define METASAFE_OK			0
#define METASAFE_ERR_INTERNAL		-1	/* library bug */
#define METASAFE_ERR_NOMEM		-2
#define METASAFE_ERR_USAGE		-3	/* bad option or API misuse */
#define METASAFE_ERR_SYSTEM		-4	/* local I/O error (see message) */
#define METASAFE_ERR_IDENTITY		-5	/* identity key cannot be loaded */
#define METASAFE_ERR_PASSPHRASE_REQUIRED -6	/* identity is encrypted */
#define METASAFE_ERR_BAD_PASSPHRASE	-7
#define METASAFE_ERR_INVALID		-8	/* argument refused locally */
#define METASAFE_ERR_KEY_PERMISSIONS	-9	/* identity file open to others */
#define METASAFE_ERR_CACHE_PERMISSIONS	-10	/* ResumptionCache open to others */
#define METASAFE_ERR_RESOLVE		-20	/* host name lookup failed */
#define METASAFE_ERR_CONNECT		-21	/* TCP connect failed */
#define METASAFE_ERR_TIMEOUT		-22	/* no answer within timeout */
#define METASAFE_ERR_CLOSED		-23	/* peer closed the connection */
#define METASAFE_ERR_PROTOCOL		-24	/* peer broke the protocol */
#define METASAFE_ERR_HANDSHAKE		-25	/* bad signature/finished/record */
#define METASAFE_ERR_HOSTKEY_CHANGED	-26	/* host key differs from pin */
#define METASAFE_ERR_HOSTKEY_UNKNOWN	-27	/* no pin and strict checking */
#define METASAFE_ERR_KNOWN_HOSTS	-28	/* known_hosts unreadable/unwritable */
#define METASAFE_ERR_BLOB		-29	/* SECURE value failed to verify */
#define METASAFE_ERR_BROKEN		-30	/* connection unusable after error */
#define METASAFE_ERR_LIMIT		-31	/* local per-key record limit */
#define METASAFE_ERR_CERTIFICATE	-32	/* own certificate unusable/mismatch */
#define METASAFE_ERR_SERVER_CERT	-33	/* server certificate not valid here */
#define METASAFE_ERR_STATUS_BASE	-100	/* -100 - status */
#define METASAFE_ERR_ACCESS_DENIED	-101
#define METASAFE_ERR_PATH_NOT_FOUND	-102
#define METASAFE_ERR_RECORD_NOT_FOUND	-103
#define METASAFE_ERR_BAD_HANDLE		-104
#define METASAFE_ERR_PATH_BUSY		-105
#define METASAFE_ERR_INVALID_ARGUMENT	-106
#define METASAFE_ERR_PROTOCOL_ERROR	-107
#define METASAFE_ERR_INTERNAL_ERROR	-108
#define METASAFE_ERR_AUTH_FAILED	-109
#define METASAFE_ERR_VERSION_MISMATCH	-110
#define METASAFE_ERR_NO_COMMON_SUITE	-111
#define METASAFE_ERR_HANDSHAKE_FAILED	-112
#define METASAFE_ERR_SERVER_TIMEOUT	-113
#define METASAFE_ERR_LIMIT_REACHED	-114
#define METASAFE_ERR_SHUTTING_DOWN	-115
#define METASAFE_ERR_STORE_FULL		-116	/* StoreMaxSize or disk full */
#define METASAFE_ERR_STORE_UNAVAILABLE	-117	/* not writable; no answer */
#define METASAFE_ERR_UNKNOWN_STATUS	-199	/* status code not in the table */

/* OPEN access bits. */
#define METASAFE_READ			0x01
#define METASAFE_WRITE			0x02
/* Record flags. */
#define METASAFE_SECURE			0x01
#define METASAFE_INHERIT		0x02
/* Node flags (GETACL). */
#define METASAFE_NODE_NOINHERIT		0x01
#define METASAFE_NODE_SENSITIVE		0x02	/* certificate logins only */
/* SETACL inheritance. */
#define METASAFE_ACL_BREAK		0
#define METASAFE_ACL_INHERIT		1
#define METASAFE_ACL_UNCHANGED		2
/* SETACL SENSITIVE flag. */
#define METASAFE_SENSITIVE_CLEAR	0
#define METASAFE_SENSITIVE_SET		1
#define METASAFE_SENSITIVE_UNCHANGED	2

enum metasafe_hostkey_check {
	METASAFE_HOSTKEY_STRICT = 0,	/* "yes": only pinned keys */
	METASAFE_HOSTKEY_ACCEPT_NEW,	/* pin unknown hosts; refuse changes */
	METASAFE_HOSTKEY_NO,		/* pin unknown hosts; allow changes */
};

/*
 * Connection options.  String members are not copied: they must stay valid
 * while the options are used.  NULL members take the defaults above.
 * Always initialise with metasafe_opts_init().  Future members take the
 * place of reserved[] so the structure keeps its size.
 */
struct metasafe_ticket;

struct metasafe_opts {
	const char	*host;			/* default "127.0.0.1" */
	const char	*port;			/* default "7439" */
	const char	*identity_file;		/* default ~/.metasafe/id_ed25519 */
	const char	*identity_passphrase;	/* NULL: key must be unencrypted */
	const char	*known_hosts_file;	/* default ~/.metasafe/known_hosts */
	int		 strict_host_key_checking; /* enum metasafe_hostkey_check */
	const char	*ciphers;		/* comma list, preference order */
	int		 timeout_ms;		/* every connect/read/write; <= 0: default */
	/*
	 * PEM chain (leaf first) certifying the identity key: the client
	 * then authenticates with X.509 (PROTOCOL.md 4.3, id_type 2).
	 * NULL: raw Ed25519 key.
	 */
	const char	*certificate_file;
	/*
	 * PEM file of trusted CAs for the server certificate.  When set the
	 * server must present a certificate valid for 'host' that certifies
	 * its host key; known_hosts is then only checked for a conflicting
	 * pin.  NULL: known_hosts pinning alone.
	 */
	const char	*ca_file;
	const char	*kex_algorithms;	/* comma list; default above */
	const char	*signature_algorithms;	/* offered for the server's signature */
	/*
	 * A file holding the identity's passphrase (its first line), for an
	 * encrypted key without a terminal; refused, like a key file, when
	 * group or others may access it.  identity_passphrase wins.
	 */
	const char	*passphrase_file;
	/*
	 * Session resumption (PROTOCOL.md 4.5).  ticket: resume with it (not
	 * copied; it is spent whether or not the server takes it).
	 * ticket_hook: called with each new ticket the server sends, once
	 * the login succeeded; it may export the ticket to keep it.
	 * resumption_cache: a file (mode 0600, never group- or
	 * world-readable) that metasafe_connect_auth reads a ticket from and
	 * writes the next one to.  All NULL (the default): no ticket is
	 * asked for, none is kept, nothing is written.
	 */
	const struct metasafe_ticket *ticket;
	void		(*ticket_hook)(void *arg,
			    const struct metasafe_ticket *t);
	void		*ticket_hook_arg;
	const char	*resumption_cache;
	void		*reserved[3];		/* zero */
};

void	metasafe_opts_init(struct metasafe_opts *o);
/*
 * Set one option from an ssh-style "Keyword=value" (or "Keyword value")
 * string: HostName, Port, IdentityFile, KnownHostsFile,
 * StrictHostKeyChecking (yes|accept-new|no), Ciphers, KexAlgorithms,
 * SignatureAlgorithms, CertificateFile, CAFile, ConnectTimeout
 * (seconds), PassphraseFile, ResumptionCache (a file).  Keywords are
 * case-insensitive.  kv must outlive o.
 * METASAFE_ERR_USAGE on an unknown keyword or a bad value.
 */
int	metasafe_opts_set(struct metasafe_opts *o, const char *kv);

struct metasafe_conn;

/*
 * Resumption tickets: opaque; secret (the resumption secret is inside),
 * wiped when freed.  Export writes at most METASAFE_TICKET_EXPORT_MAX
 * bytes (METASAFE_ERR_INVALID if bufsz is smaller); import takes only
 * what export wrote.  metasafe_take_ticket hands the caller the ticket
 * the server sent on this connection (NULL: none); metasafe_resumed says
 * whether the connection was resumed (1) or fully authenticated (0).
 */
#define METASAFE_TICKET_EXPORT_MAX	9216
int	metasafe_ticket_export(const struct metasafe_ticket *t,
	    unsigned char *buf, size_t bufsz, size_t *lenp);
int	metasafe_ticket_import(const unsigned char *buf, size_t len,
	    struct metasafe_ticket **tp);
void	metasafe_ticket_free(struct metasafe_ticket *t);
struct metasafe_ticket *metasafe_take_ticket(struct metasafe_conn *c);
int	metasafe_resumed(const struct metasafe_conn *c);
struct metasafe_key;

/*
 * Load an identity: a PKCS#8 PEM private key (as written by
 * metasafe-keygen or openssl), Ed25519, ECDSA P-256/P-384 or RSA (at least
 * 1024 bits).  Keys other than Ed25519 can only authenticate with a
 * certificate (metasafe_key_load_certificate).  A key file that group or
 * others may access at all (mode & 077) is refused with
 * METASAFE_ERR_KEY_PERMISSIONS, whoever owns it, before it is read.
 */
int	metasafe_key_load(const char *path, const char *passphrase,
	    struct metasafe_key **keyp);
/*
 * Attach a PEM certificate chain (leaf first, then intermediates, at most
 * 8) to key; the leaf must certify key's public half, otherwise
 * METASAFE_ERR_CERTIFICATE and the key is unchanged.  errbuf (may be NULL)
 * receives the reason.
 */
int	metasafe_key_load_certificate(struct metasafe_key *key,
	    const char *path, char *errbuf, size_t errlen);
/* "ed25519", "ecdsa-p256", "ecdsa-p384" or "rsa". */
const char *metasafe_key_type(const struct metasafe_key *key);
/* 1 when the key has a certificate attached. */
int	metasafe_key_has_certificate(const struct metasafe_key *key);
void	metasafe_key_free(struct metasafe_key *key);

/*
 * Connect, key exchange and server authentication (host key pinned in
 * known_hosts, server signature and Finished verified).  A host
 * "unix:/ABS/PATH" is a daemon's Unix-domain socket (pinned as
 * "[unix:/ABS/PATH]"); any other host is reached over TCP.  On return *connp
 * is set even on failure (unless memory ran out) so that the error message
 * can be read; always release it with metasafe_close().
 */
int	metasafe_connect(const struct metasafe_opts *opts,
	    struct metasafe_conn **connp);
/*
 * Client authentication; on success the connection accepts operations.
 * After a resumed metasafe_connect (opts.ticket) it is already done: 0.
 */
int	metasafe_authenticate(struct metasafe_conn *conn,
	    const struct metasafe_key *key);
/*
 * Client authentication with no key, on a unix: connection only: the
 * server maps the uid the kernel reports for this process (SO_PEERCRED,
 * at connect) to a principal.  METASAFE_ERR_USAGE over TCP.
 */
int	metasafe_authenticate_peer(struct metasafe_conn *conn);
/*
 * Connect and authenticate with key, resuming from opts.ticket or
 * opts.resumption_cache when there is one: a resumption the server
 * refuses is followed by one full login.  With resumption_cache the file
 * then holds the next ticket (or is removed when none came); a cache
 * file that others could read is METASAFE_ERR_CACHE_PERMISSIONS, *connp
 * NULL and nothing sent.
 */
int	metasafe_connect_key(const struct metasafe_opts *opts,
	    const struct metasafe_key *key, struct metasafe_conn **connp);
/*
 * Load opts' identity, then metasafe_connect_key.  With a unix: host and
 * no identity_file, authenticate with peer credentials instead.  If the identity cannot
 * be loaded *connp is NULL (nothing was sent); otherwise as
 * metasafe_connect.
 */
int	metasafe_connect_auth(const struct metasafe_opts *opts,
	    struct metasafe_conn **connp);
/* Close the connection and wipe all its keys.  NULL is allowed. */
void	metasafe_close(struct metasafe_conn *conn);

/*
 * The last error on this connection in words: the server's status and
 * alert message, or the local reason (host key mismatch with both
 * fingerprints, etc.).  Never NULL; "" when there was no error.
 */
const char *metasafe_last_error_message(const struct metasafe_conn *conn);
/* The server's last status code (0 OK), or -1 if none was received. */
int	metasafe_last_status(const struct metasafe_conn *conn);
/*
 * A notice the application should show the user, e.g. that a new host key
 * was added to known_hosts; NULL when there is none.
 */
const char *metasafe_notice(const struct metasafe_conn *conn);
/* The negotiated cipher name, e.g. "aes256-gcm"; NULL before the handshake. */
const char *metasafe_cipher(const struct metasafe_conn *conn);

/* The library's version, "0.9.0" (METASAFE_VERSION when it was built). */
const char *metasafe_version(void);

const char *metasafe_strerror(int err);
/* CLI exit code for an error: 0 ok, 1 local, 2 connection, 3 auth, 4 denied,
 * 5 not found, 6 invalid argument. */
int	metasafe_exit_code(int err);

/* Operations (PROTOCOL.md 8). */
int	metasafe_open(struct metasafe_conn *conn, const char *path, int access,
	    uint32_t *handlep);
int	metasafe_close_handle(struct metasafe_conn *conn, uint32_t handle);

struct metasafe_value {
	unsigned char	*data;		/* NUL-terminated for convenience */
	size_t		 len;		/* not counting that NUL */
	uint8_t		 flags;		/* METASAFE_SECURE, METASAFE_INHERIT */
	uint64_t	 version;
	uint64_t	 mtime;
};
int	metasafe_get(struct metasafe_conn *conn, uint32_t handle,
	    const char *record, struct metasafe_value **valuep);
/* Wipes the value before freeing.  NULL is allowed. */
void	metasafe_value_free(struct metasafe_value *v);

/* flags: METASAFE_SECURE seals the value into a crypto blob. */
int	metasafe_set(struct metasafe_conn *conn, uint32_t handle,
	    const char *record, uint8_t flags, const void *value, size_t len,
	    uint64_t *versionp);
/* record NULL or "": delete the node itself. */
int	metasafe_delete(struct metasafe_conn *conn, uint32_t handle,
	    const char *record);

struct metasafe_list_record {
	char		*name;
	uint8_t		 flags;
};
struct metasafe_list {
	size_t				 n_children;
	char				**children;
	size_t				 n_records;
	struct metasafe_list_record	*records;
};
int	metasafe_list(struct metasafe_conn *conn, uint32_t handle,
	    struct metasafe_list **listp);
void	metasafe_free_list(struct metasafe_list *l);

/*
 * LIST with each record's version and modification time (the LIST_LONG
 * flag, PROTOCOL.md 8).  A server without the flag answers a protocol
 * error and closes the connection (METASAFE_ERR_PROTOCOL).
 */
struct metasafe_list_entry {
	char		*name;
	uint8_t		 flags;		/* METASAFE_SECURE, METASAFE_INHERIT */
	uint64_t	 version;
	uint64_t	 mtime;		/* seconds since 1970-01-01 UTC */
};
struct metasafe_list_long {
	size_t				 n_children;
	char				**children;
	size_t				 n_records;
	struct metasafe_list_entry	*records;
};
int	metasafe_list_long(struct metasafe_conn *conn, uint32_t handle,
	    struct metasafe_list_long **listp);
void	metasafe_free_list_long(struct metasafe_list_long *l);

struct metasafe_acl_entry {
	char		*who;		/* principal or "group:NAME" */
	char		*rights;	/* letters of "rswla" (PROTOCOL.md 8); "" removes */
	int		 inherited;	/* GETACL only */
};
struct metasafe_acl {
	uint8_t				 node_flags;	/* METASAFE_NODE_* */
	size_t				 n;
	struct metasafe_acl_entry	*entries;
};
int	metasafe_acl_get(struct metasafe_conn *conn, uint32_t handle,
	    struct metasafe_acl **aclp);
void	metasafe_free_acl(struct metasafe_acl *acl);
/* inherit: METASAFE_ACL_BREAK, _INHERIT or _UNCHANGED.  SENSITIVE unchanged. */
int	metasafe_acl_set(struct metasafe_conn *conn, uint32_t handle,
	    int inherit, const struct metasafe_acl_entry *entries, size_t n);
/* As metasafe_acl_set; sensitive: METASAFE_SENSITIVE_CLEAR, _SET, _UNCHANGED. */
int	metasafe_acl_set_flags(struct metasafe_conn *conn, uint32_t handle,
	    int inherit, int sensitive, const struct metasafe_acl_entry *entries,
	    size_t n);
/*
 * Parse a command-line ACL entry "NAME=RIGHTS" or "group:NAME=RIGHTS"
 * (empty RIGHTS removes) into e (free with metasafe_acl_entry_clear).
 * METASAFE_ERR_USAGE without '=', METASAFE_ERR_INVALID on a bad name or
 * right.
 */
int	metasafe_acl_entry_parse(const char *s, struct metasafe_acl_entry *e);
void	metasafe_acl_entry_clear(struct metasafe_acl_entry *e);

struct metasafe_status {
	char		*server_version;
	char		*principal;
	uint32_t	 open_handles;
	uint16_t	 cipher;
	const char	*cipher_name;	/* static string, "unknown" if unknown */
	/* Store usage (STATUS detail 1, PROTOCOL.md 8). */
	uint64_t	 store_used_bytes;
	uint64_t	 store_max_bytes;	/* StoreMaxSize */
	uint64_t	 store_nodes;
	uint64_t	 store_records;
};
int	metasafe_status(struct metasafe_conn *conn, struct metasafe_status **stp);
void	metasafe_free_status(struct metasafe_status *st);

/*
 * Debug output: the library (and the shared code under it) logs through
 * this hook; level 1 = errors ... 7 = debug3.  fn NULL turns it off.
 * Process-wide.
 */
typedef void metasafe_debug_fn(int level, const char *line, void *ctx);
void	metasafe_set_debug_hook(metasafe_debug_fn *fn, int level, void *ctx);

#ifdef __cplusplus
}
#endif

#endif /* METASAFE_H */
