/*
 * admin.h — metasafe-admin: backup, restore, verify and rekey of the
 * store, on the monitor's side of the privilege boundary (root only;
 * never in a worker).  See README.md "Backup, restore and key rotation".
 */
#ifndef MS_ADMIN_H
#define MS_ADMIN_H

#include <stddef.h>

/* Exit codes. */
#define ADMIN_EXIT_OK		0
#define ADMIN_EXIT_ERROR	1	/* usage, configuration, I/O */
#define ADMIN_EXIT_IN_USE	2	/* restore: a daemon holds the store */
#define ADMIN_EXIT_DAMAGE	3	/* verify/restore: damage found */
#define ADMIN_EXIT_KEY		4	/* no configured StoreKey fits the store */
#define ADMIN_EXIT_NOT_EMPTY	5	/* migrate: the destination is not empty */
#define ADMIN_EXIT_MISMATCH	6	/* migrate: the copy does not verify */
#define ADMIN_EXIT_UNAVAILABLE	7	/* etcd does not answer, or EROFS/EACCES */

#define ADMIN_MANIFEST		"metasafe-backup"
#define ADMIN_REKEY_BATCH	100	/* records per write transaction */

struct servconf;
struct hostkeys;

struct admin_ctx {
	const char		*config;
	struct servconf		*conf;
	struct hostkeys		*keys;
};

int	admin_backup(struct admin_ctx *a, const char *outdir);
int	admin_restore(struct admin_ctx *a, const char *backupdir);
int	admin_verify(struct admin_ctx *a, const char *dir, int quiet);
int	admin_rekey(struct admin_ctx *a, size_t batch);
/* to "etcd" (from the LMDB store in dir) or "lmdb" (into dir); dir NULL:
 * StoreDirectory. */
int	admin_migrate(struct admin_ctx *a, const char *to, const char *dir);
/* "metasafe-admin: " and the message, on standard error. */
void	admin_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct ms_store;
/* The configured etcd store (EtcdEndpoints, EtcdPrefix, TLS). */
int	admin_open_etcd(struct admin_ctx *a, int flags, struct ms_store **sp);
/* "etcd:PREFIX at URL,URL" for messages: never a key. */
void	admin_etcd_name(const struct admin_ctx *a, char *buf, size_t len);

#endif /* MS_ADMIN_H */
