/*
 * servconf.h — metasafed configuration (sshd_config style).
 *
 * "Keyword value" lines, '#' comments, keywords case-insensitive, unknown
 * keywords are an error reported as FILE:LINE.  See README.md for the list.
 */
#ifndef MS_SERVCONF_H
#define MS_SERVCONF_H

#include <stdio.h>
#include <sys/types.h>

#include "etcd_kv.h"
#include "hello.h"
#include "mslimits.h"
#include "startups.h"

#define SERVCONF_MAX_LISTEN	16
#define SERVCONF_MAX_ADMINS	64
/*
 * WorkerPoolSize: idle sandboxed workers kept ready.  Enough for a burst
 * of a few simultaneous connections on a small machine while the pool
 * refills (POOL_REFILL_PER_PASS per loop pass); each waiting worker costs
 * one process and two monitor descriptors.  Measured on 2 busy cores
 * (bench-client connect, 5 s runs): one client 115 -> 165 conn/s and p50
 * 8.0 -> 5.4 ms against WorkerPoolSize 0; at 2 and 8 clients the CPU is
 * the bound and the pool neither helps nor hurts.
 */
#define SERVCONF_WORKER_POOL_SIZE	4
/* sizeof(sun_path): a socket path must fit with its NUL. */
#define SERVCONF_UNIX_PATH_MAX	108
/* StoreMaxSize (= MS_STORE_MAPSIZE_DEFAULT, _MIN, _MAX in store.h). */
#define SERVCONF_STORE_SIZE_DEFAULT	(1ULL << 30)
#define SERVCONF_STORE_SIZE_MIN		(4ULL << 20)
#define SERVCONF_STORE_SIZE_MAX		(1ULL << 40)
#define MS_DEFAULT_PORT		7439
/* ListenAddress unix:/ABS/PATH; the socket's mode unless UnixSocketMode. */
#define SERVCONF_UNIX_PREFIX	"unix:"
#define SERVCONF_UNIX_MODE_DEFAULT	0660

/* CertificatePrincipal: which name of a client certificate is the principal. */
#define CERT_PRINCIPAL_SAN_URI		1	/* URI SAN "metasafe:NAME" */
#define CERT_PRINCIPAL_SAN_EMAIL	2	/* rfc822Name SAN */
#define CERT_PRINCIPAL_SUBJECT_CN	3	/* subject commonName */

#define SERVCONF_RSA_BITS_MIN	1024
#define SERVCONF_RSA_BITS_MAX	8192	/* a signature must fit 1024 bytes */

/* StoreBackend. */
#define MS_STORE_BACKEND_LMDB	0
#define MS_STORE_BACKEND_ETCD	1
/* EtcdPrefix: its default and longest value; EtcdTimeout in ms. */
#define SERVCONF_ETCD_PREFIX_DEFAULT	"/metasafe/"
#define SERVCONF_ETCD_PREFIX_MAX	128
#define SERVCONF_ETCD_TIMEOUT_DEFAULT	5000
#define SERVCONF_ETCD_TIMEOUT_MIN	100
#define SERVCONF_ETCD_TIMEOUT_MAX	60000

struct servconf {
	char	*listen_addrs[SERVCONF_MAX_LISTEN];
	size_t	 nlisten;
	int	 port;
	int	 unix_socket_mode;		/* unix: listeners, 0..0666 */
	char	*unix_socket_group;		/* NULL: the daemon's group */
	/*
	 * HostKey, repeatable: [0] is presented and signs; the others are
	 * loaded and checked only (key roll-over, README "Host key rotation").
	 */
	char	*host_key_files[MS_HOST_KEYS_MAX];
	size_t	 nhost_keys;
	char	*host_kex_key_file;	/* X25519 */
	/* StoreKey lines in order: the first seals, all of them unseal. */
	char	*store_key_files[MS_STORE_KEYS_MAX];
	size_t	 nstore_keys;
	char	*store_dir;			/* with etcd: the lock only */
	unsigned long long store_max_size;	/* StoreMaxSize, bytes (LMDB) */
	int	 store_backend;			/* MS_STORE_BACKEND_* */
	char	*etcd_endpoints[MS_ETCD_ENDPOINTS_MAX];
	size_t	 netcd_endpoints;
	char	*etcd_prefix;
	char	*etcd_ca_file;			/* NULL: the system's CAs */
	char	*etcd_cert_file;		/* with etcd_key_file: mTLS */
	char	*etcd_key_file;
	int	 etcd_timeout_ms;		/* EtcdTimeout */
	char	*principals_file;
	char	*admins[SERVCONF_MAX_ADMINS];
	size_t	 nadmins;
	char	*privsep_user;
	char	*privsep_chroot;
	char	*pid_file;
	char	*worker_path;
	int	 max_sessions;
	int	 per_source_max_startups;	/* unauthenticated, per address */
	struct startups max_startups;		/* unauthenticated, in all */
	int	 idle_timeout;			/* IdleTimeout, s; 0: none */
	int	 worker_pool_size;		/* idle sandboxed workers */
	int	 login_grace_time;		/* seconds */
	int	 log_level;			/* enum ms_loglevel */
	int	 sandbox_debug;
	size_t	 max_value_size;
	struct ms_alg_list ciphers;		/* server preference */
	struct ms_alg_list kex;			/* server preference */
	struct ms_alg_list sig_algs;		/* accepted client signatures */
	int	 min_rsa_bits;
	char	*trusted_user_ca_file;		/* NULL: no certificate logins */
	char	*revocation_list;
	int	 require_fresh_crl;
	int	 cert_principal;		/* CERT_PRINCIPAL_* */
	char	*host_certificate;
	int	 strict_modes;			/* StrictModes, default yes */
	int	 allow_empty_principals;	/* AllowEmptyPrincipals, no */
	int	 resumption;			/* Resumption, yes */
	int	 ticket_lifetime;		/* TicketLifetime, s */
	int	 ticket_key_rotation;		/* TicketKeyRotation, s */
	char	*credential_socket;		/* NULL: no systemd credentials */
	char	*credentials_file;		/* CredentialsFile */
};

struct ms_cert_policy;
/* The certificate part of the configuration, for ms_certs_load(). */
void		 servconf_cert_policy(const struct servconf *c,
		    struct ms_cert_policy *pol);
const char	*servconf_cert_principal_name(int mode);
int		 servconf_cert_principal_from_name(const char *name);

/* The keyword as documented ("Port") for NAME in any case; NULL: unknown. */
const char	*servconf_keyword_name(const char *name);

/* The Etcd* keywords as etcd_kv.h's options (pointers into c). */
void	servconf_etcd_opts(const struct servconf *c, struct ms_etcd_opts *o);

void	servconf_init(struct servconf *c);
/*
 * Load and validate; on error fills errbuf with "FILE:LINE: message"
 * (or "FILE: message") and returns a negative MS_ERR_* code.
 */
int	servconf_load(const char *path, struct servconf *c, char *errbuf,
	    size_t errlen);
void	servconf_dump(FILE *f, const struct servconf *c);
void	servconf_free(struct servconf *c);

#endif /* MS_SERVCONF_H */
