/*
 * msclient.h — libmetasafe internals shared by the files in client/.
 * Not installed; unit tests include it to reach the pieces that can be
 * tested without a server.
 */
#ifndef MS_CLIENT_H
#define MS_CLIENT_H

#include <sys/types.h>

#include <stdarg.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "buf.h"
#include "crypto.h"
#include "hello.h"
#include "hs_order.h"
#include "msg_ticket.h"
#include "metasafe.h"
#include "proto.h"
#include "record.h"
#include "schedule.h"

#define CL_ERRMSG_MAX		1024
#define CL_NOTICE_MAX		1024
#define CL_DEFAULT_HOST		"127.0.0.1"
#define CL_KNOWN_HOSTS_LINE_MAX	4096

#define CL_RSA_BITS_MIN		1024	/* the server sets the real floor */
#define CL_PASSPHRASE_MAX	1024	/* with its NUL, as the CLI prompt reads */
#define CL_CERT_FILE_MAX	(256 * 1024)
/* Entries of each kind a paged LIST may gather (a server cannot page for ever). */
#define CL_LIST_TOTAL_MAX	(1024 * 1024)

enum cl_state {
	CL_STATE_NEW = 0,	/* nothing sent yet */
	CL_STATE_HELLO,		/* CLIENT_HELLO sent, cleartext ALERT allowed */
	CL_STATE_HS,		/* handshake keys installed, server verified */
	CL_STATE_AUTH_WAIT,	/* client Finished sent, awaiting AUTH_RESULT */
	CL_STATE_AUTHED,	/* operations allowed */
	CL_STATE_BROKEN,	/* unusable; only metasafe_close() */
};

struct metasafe_key {
	EVP_PKEY	*pkey;
	uint16_t	 sigalg;	/* CLIENT_VERIFY algorithm (sigalg.h) */
	int		 is_ed25519;
	u_char		 pub[MS_ED25519_PUB_LEN];	/* Ed25519 only */
	STACK_OF(X509)	*chain;		/* leaf first; NULL: raw key */
};

struct cl_handle {
	int		 used;
	uint32_t	 id;
	char		*path;
};

struct metasafe_conn {
	int			 fd;
	int			 timeout_ms;
	enum cl_state		 state;
	char			*host;
	char			*port;
	char			*known_hosts;
	int			 strict;

	uint16_t		 cipher;
	enum ms_aead		 alg;
	struct ms_alg_list	 offered;	/* ciphers */
	struct ms_alg_list	 offered_kex;
	struct ms_alg_list	 offered_sigs;
	char			*ca_file;	/* NULL: pinning only */
	struct ms_hs_order	 hs_order;	/* where the handshake stands */
	struct ms_transcript	*th;
	struct ms_hs_secrets	 hs;
	struct ms_record_dir	 tx, rx;
	struct ms_blob_ctx	 btx, brx;	/* c_blob (dir 0), s_blob (dir 1) */

	uint32_t		 next_id;
	struct cl_handle	 handles[MS_HANDLES_MAX];
	struct msbuf		*rbuf;		/* incoming frame payloads */

	/* Resumption (ticket.c). */
	struct metasafe_ticket	*resume_with;	/* a copy of opts->ticket */
	int			 resumed;	/* AUTH_RESULT OK on a ticket */
	int			 want_ticket;	/* the hello asks for one */
	u_char			 res_next[32];	/* this session's secret */
	struct metasafe_ticket	*new_ticket;	/* NEW_TICKET, once OK */
	void			(*ticket_hook)(void *,
				    const struct metasafe_ticket *);
	void			*ticket_hook_arg;

	int			 last_status;	/* -1: none received */
	char			 errmsg[CL_ERRMSG_MAX];
	char			 notice[CL_NOTICE_MAX];
};

/* ticket.c */
struct metasafe_ticket {
	char		 server[MS_TICKET_SERVER_MAX + 1]; /* "[HOST]:PORT" */
	uint64_t	 expires;		/* UNIX seconds, our clock */
	u_char		 res[32];		/* the resumption secret */
	size_t		 len;
	u_char		 ticket[MS_TICKET_MAX];	/* sealed, opaque */
};
/* A copy of t usable for c's server (NULL: none, expired or another's). */
int	cl_ticket_for(struct metasafe_conn *c, const struct metasafe_ticket *t,
	    struct metasafe_ticket **outp);
/* NEW_TICKET under the session's secret, kept until AUTH_RESULT. */
int	cl_ticket_new(struct metasafe_conn *c, uint32_t lifetime,
	    const u_char *ticket, size_t len);
/* ticketcache.c: ResumptionCache; load gives NULL when there is none. */
int	cl_cache_load(const char *path, struct metasafe_ticket **tp);
int	cl_cache_store(const char *path, const struct metasafe_ticket *t);
void	cl_cache_drop(const char *path);

/* errors.c */
int	cl_map_err(int ms_r);
int	cl_status_err(uint32_t status);
/* Record a message for metasafe_last_error_message and return r. */
int	cl_seterr(struct metasafe_conn *c, int r, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* As cl_seterr, and the connection can no longer be used. */
int	cl_fatal(struct metasafe_conn *c, int r, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Fill in a generic message if nothing more specific was recorded. */
int	cl_ret(struct metasafe_conn *c, int r);
void	cl_clearerr(struct metasafe_conn *c);
/* Copy untrusted text for display: controls and non-ASCII become '?'. */
void	cl_sanitize(char *dst, size_t dstlen, const u_char *src, size_t len);

/* opts.c */
int	cl_parse_ciphers(const char *list, struct ms_alg_list *out);
int	cl_parse_kex(const char *list, struct ms_alg_list *out);
int	cl_parse_sigs(const char *list, struct ms_alg_list *out);
/* "a,b" names of a list for messages (unknown ids in hex). */
void	cl_alg_list_names(const struct ms_alg_list *l,
	    const char *(*name)(uint16_t), char *out, size_t outlen);
const char *cl_cipher_name(uint16_t id);
const char *cl_kex_name(uint16_t id);
/* $HOME/rel into a fresh string. */
int	cl_home_path(const char *rel, char **pathp);
/*
 * The first line of a passphrase file (PassphraseFile), without its line
 * end, into buf (NUL-terminated).  METASAFE_ERR_KEY_PERMISSIONS when
 * group or others may access the file, METASAFE_ERR_INVALID when the line
 * does not fit, METASAFE_ERR_SYSTEM (errno) when it cannot be read.
 */
int	cl_passphrase_read(const char *path, char *buf, size_t len);
/*
 * Ask the program METASAFE_ASKPASS names for a passphrase: run it with
 * prompt as its argument and take the first line it prints.  0, or
 * METASAFE_ERR_* (no program, it failed, the line does not fit).
 */
int	cl_askpass(const char *prompt, char *buf, size_t len);

/* clconf.c: the client configuration files (metasafe(1), FILES). */
#define CL_USER_CONFIG		".metasafe/config"	/* under $HOME */
#define CL_CONFIG_SEEN_MAX	32
#define CL_CONFIG_KW_MAX	32
#define CL_CONFIG_KEEP_MAX	1024
struct cl_config {
	char	 seen[CL_CONFIG_SEEN_MAX][CL_CONFIG_KW_MAX];	/* set already */
	size_t	 nseen;
	char	*keep[CL_CONFIG_KEEP_MAX];	/* "Keyword=value", for opts */
	size_t	 nkeep;
};
/* A setting from the command line ("Keyword=value"): it wins. */
int	cl_config_mark(struct cl_config *cf, const char *kv);
/*
 * Apply file's settings for destination host (NULL: the default host)
 * to o, first value wins.  A missing file is 0 unless must_exist.
 * METASAFE_ERR_USAGE with "FILE[:LINE]: reason" in err.
 */
int	cl_config_read(struct cl_config *cf, const char *file, int must_exist,
	    const char *host, struct metasafe_opts *o, char *err,
	    size_t errlen);
/* Free what the settings kept; o must no longer be used. */
void	cl_config_free(struct cl_config *cf);

/* conn.c */
struct metasafe_conn *cl_conn_new(void);
void	cl_conn_free(struct metasafe_conn *c);
int	cl_tcp_connect(struct metasafe_conn *c);
/* unix.c: host "unix:/ABS/PATH" is a daemon's Unix-domain listener. */
#define CL_UNIX_PREFIX	"unix:"
int	cl_is_unix(const char *host);
int	cl_unix_connect(struct metasafe_conn *c);
int	cl_send_all(struct metasafe_conn *c, const void *p, size_t len);
/*
 * Read one frame into c->rbuf.  A cleartext ALERT is turned into its
 * status error while c->state permits it.
 */
int	cl_recv_frame(struct metasafe_conn *c, uint8_t *typep);
/* Seal (inner_type, body) under c->tx and send it. */
int	cl_send_record(struct metasafe_conn *c, uint8_t inner_type,
	    const struct msbuf *body);
/*
 * Receive and open one record under c->rx; an inner ALERT becomes its
 * status error (connection broken).  body receives the plaintext after
 * the inner type.
 */
int	cl_recv_record(struct metasafe_conn *c, uint8_t *inner_typep,
	    struct msbuf *body);
/* Parse an ALERT body (with_version: cleartext form) into an error. */
int	cl_alert_parse(struct metasafe_conn *c, struct msbuf *b, int with_version);

/* knownhosts.c */
enum cl_kh_result {
	CL_KH_UNKNOWN = 0,	/* host not listed */
	CL_KH_MATCH,		/* listed with this key */
	CL_KH_CHANGED,		/* listed, but only with other keys */
};
/* "[host]:port" into out; "[unix:/ABS/PATH]" for a unix: host. */
int	cl_kh_hostname(const char *host, const char *port, char *out, size_t outlen);
/*
 * Look host up: CL_KH_MATCH when any of its lines pins key.  For
 * CL_KH_CHANGED, *linep and expected[] describe the first listed key.  A
 * missing file is CL_KH_UNKNOWN.  Malformed lines are skipped.  When
 * npinnedp is not NULL, *npinnedp counts the host's keys read (all,
 * unless MATCH).  Returns 0 or METASAFE_ERR_KNOWN_HOSTS (errno set).
 */
int	cl_kh_check_count(const char *file, const char *hostname,
	    const u_char key[MS_ED25519_PUB_LEN], enum cl_kh_result *resp,
	    u_long *linep, u_char expected[MS_ED25519_PUB_LEN],
	    u_long *npinnedp);
/* Append "hostname ms-ed25519 BASE64"; creates the directory 0700. */
int	cl_kh_add(const char *file, const char *hostname,
	    const u_char key[MS_ED25519_PUB_LEN]);

/* x509.c: certificates (PROTOCOL.md 4.3, 5.4). */
/*
 * Read a PEM chain (leaf first, 1..MS_CERTS_MAX, each at most
 * MS_CERT_DER_MAX bytes of DER).  METASAFE_ERR_CERTIFICATE with a reason
 * in err on anything else.
 */
int	cl_cert_chain_load(const char *path, STACK_OF(X509) **chainp,
	    char *err, size_t errlen);
/* Does the leaf certify pkey?  0 or METASAFE_ERR_CERTIFICATE. */
int	cl_cert_matches_key(X509 *leaf, EVP_PKEY *pkey);
/* CLIENT_IDENTITY body for id_type 1 (chain NULL) or 2. */
int	cl_identity_put(struct msbuf *b, const struct metasafe_key *key);
/* SERVER_CERTIFICATE body -> chain (strict: counts, caps, no trailing). */
int	cl_server_cert_parse(struct msbuf *body, STACK_OF(X509) **chainp);
/*
 * Server certificate check: chain valid under ca_file now (purpose SSL
 * server), host (name or IP literal) matches, and the leaf's key is the
 * Ed25519 key host_sig_pub.  0, or METASAFE_ERR_SERVER_CERT with the
 * reason in err (or METASAFE_ERR_NOMEM / METASAFE_ERR_SYSTEM).
 */
int	cl_server_cert_check(const char *ca_file, const char *host,
	    STACK_OF(X509) *chain, const u_char host_sig_pub[MS_ED25519_PUB_LEN],
	    char *err, size_t errlen);
void	cl_chain_free(STACK_OF(X509) *chain);

/* ops.c: pieces of the operations that need no I/O (unit-tested). */
int	cl_handle_add(struct metasafe_conn *c, uint32_t id, const char *path);
struct cl_handle *cl_handle_find(struct metasafe_conn *c, uint32_t id);
void	cl_handle_del(struct metasafe_conn *c, uint32_t id);
int	cl_get_parse(struct metasafe_conn *c, uint32_t handle, const char *path,
	    const char *record, struct msbuf *res, struct metasafe_value **vp);
int	cl_list_parse(struct msbuf *res, struct metasafe_list **lp);
int	cl_list_long_parse(struct msbuf *res, struct metasafe_list_long **lp);
int	cl_acl_parse(struct msbuf *res, struct metasafe_acl **ap);
int	cl_status_parse(struct msbuf *res, struct metasafe_status **sp);

#endif /* MS_CLIENT_H */
