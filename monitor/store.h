/*
 * store.h — the node/record store, owned by the monitor alone.
 *
 * An LMDB environment in one directory (created 0700 when missing; the
 * data file is 0600).  Every write is one LMDB transaction and a function
 * returns MS_STORE_OK only after mdb_txn_commit succeeded, with the
 * environment in its default, synchronous mode: an acknowledged write is
 * on disk.  SECURE values are sealed (AES-256-GCM) under the 32-byte store
 * key before they reach LMDB, so the store file never holds them in clear.
 *
 * Paths and record names are checked with common/path.h; the store is the
 * last line of defence, not the first.  The root "/" always exists.
 *
 * Data functions return an enum ms_store_status (never negative), which
 * the monitor maps to protocol status codes; internal failures are logged
 * here and reported as MS_STORE_ERROR.  The store is single-threaded, and
 * callbacks run inside a read transaction: they must not call back into
 * the store.
 */
#ifndef MS_STORE_H
#define MS_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "acl.h"
#include "path.h"
#include "proto.h"

#ifndef MS_STORE_KEY_LEN		/* also in keyfile.h */
#define MS_STORE_KEY_LEN	32
#endif
#define MS_STORE_MAPSIZE_DEFAULT (1024UL * 1024 * 1024)	/* 1 GiB */

enum ms_store_status {
	MS_STORE_OK = 0,
	MS_STORE_NOT_FOUND_PATH,	/* node does not exist */
	MS_STORE_NOT_FOUND_RECORD,	/* node exists, record does not */
	MS_STORE_BUSY,			/* node to delete has children/records */
	MS_STORE_INVALID,		/* bad path/name/flags/size, SECURE removal, root delete */
	MS_STORE_ERROR,			/* I/O, LMDB, corruption, unseal failure */
};

struct ms_store;

struct ms_record {
	uint8_t	 flags;		/* MS_REC_SECURE | MS_REC_INHERIT */
	uint64_t version;	/* 1 on creation, +1 per SET */
	uint64_t mtime;		/* seconds since the epoch of the last SET */
	u_char	*value;		/* plaintext, NUL-terminated (not counted) */
	size_t	 value_len;
};

/*
 * Open (creating if needed) the store in dir.  The key is copied and
 * wiped on close; mapsize 0 means MS_STORE_MAPSIZE_DEFAULT.  Refuses a
 * directory writable by group or others.  0 or a negative MS_ERR_*.
 */
int	ms_store_open(const char *dir, const u_char key[MS_STORE_KEY_LEN],
	    size_t mapsize, struct ms_store **sp);
/* Close and wipe the key; NULL is allowed. */
void	ms_store_close(struct ms_store *s);

/* Wipe and free a record's value, zero the struct. */
void	ms_record_clear(struct ms_record *rec);

/* MS_STORE_OK (node exists), NOT_FOUND_PATH, INVALID or ERROR. */
int	ms_store_node_exists(struct ms_store *s, const char *path);

/*
 * Read a record; SECURE values are unsealed.  On MS_STORE_OK the caller
 * owns out->value and releases it with ms_record_clear().  A value that
 * fails authentication (wrong store key, tampering) is MS_STORE_ERROR.
 */
int	ms_store_get(struct ms_store *s, const char *path, const char *name,
	    struct ms_record *out);

/*
 * Create or overwrite a record, creating the node and its missing
 * ancestors.  flags must be within MS_REC_FLAGS_MASK; len at most
 * MS_VALUE_MAX.  Clearing SECURE on a SECURE record is MS_STORE_INVALID
 * (setting it on a plain record is allowed).  *versionp (may be NULL)
 * receives the record's new version.
 */
int	ms_store_set(struct ms_store *s, const char *path, const char *name,
	    uint8_t flags, const void *value, size_t len, uint64_t *versionp);

/* MS_STORE_OK, NOT_FOUND_PATH, NOT_FOUND_RECORD, INVALID or ERROR. */
int	ms_store_delete_record(struct ms_store *s, const char *path,
	    const char *name);
/*
 * Delete an empty node: MS_STORE_BUSY if it has children or records,
 * MS_STORE_INVALID for the root.
 */
int	ms_store_delete_node(struct ms_store *s, const char *path);

/*
 * List a node: cb is called once per child (kind MS_STORE_LIST_CHILD,
 * name = last path segment, flags 0), then once per record (kind
 * MS_STORE_LIST_RECORD, with its flags), each in byte order of the name and
 * at most MS_LIST_MAX of each kind.  name is NUL-terminated and len is its
 * length.  A negative return from cb aborts the listing (MS_STORE_ERROR).
 */
#define MS_STORE_LIST_CHILD	1
#define MS_STORE_LIST_RECORD	2
typedef int ms_store_list_fn(void *ctx, int kind, const char *name,
    size_t len, uint8_t flags);
int	ms_store_list(struct ms_store *s, const char *path,
	    ms_store_list_fn *cb, void *ctx);
/*
 * The same, with each record's version and mtime (from the record header;
 * no value is read or unsealed).  Children have version and mtime 0.
 */
struct ms_store_list_entry {
	int		 kind;		/* MS_STORE_LIST_CHILD or _RECORD */
	const char	*name;		/* NUL-terminated */
	size_t		 len;
	uint8_t		 flags;
	uint64_t	 version;
	uint64_t	 mtime;		/* seconds since the epoch, UTC */
};
typedef int ms_store_list_ext_fn(void *ctx,
    const struct ms_store_list_entry *e);
int	ms_store_list_ext(struct ms_store *s, const char *path,
	    ms_store_list_ext_fn *cb, void *ctx);

/* A node's own ACL entries and flags (NOT_FOUND_PATH if no such node). */
int	ms_store_get_acl(struct ms_store *s, const char *path,
	    struct ms_acl *out);
/*
 * Apply changes to a node's ACL: an entry with rights 0 removes that
 * "who", any other replaces or adds it.  noinherit: -1 keep the node's
 * NOINHERIT flag, 0 clear it, 1 set it (SETACL's MS_SETACL_UNCHANGED,
 * MS_SETACL_INHERIT, MS_SETACL_BREAK respectively).  sensitive: -1 keep
 * the node's SENSITIVE flag, 0 clear it, 1 set it.  The node must exist
 * ("/" always does).  More than MS_ACL_ENTRIES_MAX changes or resulting
 * entries, or an invalid name, is MS_STORE_INVALID and changes nothing.
 */
int	ms_store_set_acl(struct ms_store *s, const char *path,
	    const struct ms_acl_entry *changes, size_t n, int noinherit,
	    int sensitive);

/*
 * An ms_acl_walk_fn over the store (wctx is the struct ms_store *), for
 * ms_acl_effective() and ms_acl_chain().  One read transaction, so the
 * walk sees a consistent snapshot.
 */
int	ms_store_acl_walk(void *wctx, const char *path, ms_acl_visit_fn *visit,
	    void *vctx);

#endif /* MS_STORE_H */
