/*
 * migrate.c — metasafe-admin migrate: copy the whole store from LMDB to
 * etcd or from etcd to LMDB (monitor/store_migrate.c does the copy), then
 * open the copy again read-only and compare it with the source.
 *
 * The LMDB side is held with the daemon's instance lock for the whole
 * run, as restore does, so no metasafed writes it meanwhile; the etcd
 * side is taken from the configuration (EtcdEndpoints, EtcdPrefix, TLS),
 * and a destination that holds anything but an empty root is refused
 * before a byte is written.  SECURE values are copied as the sealed blobs
 * they are stored as: nothing here, nor in the store module, unseals
 * them.
 */
#include <sys/types.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"
#include "errors.h"
#include "hostkeys.h"
#include "instance.h"
#include "log.h"
#include "servconf.h"
#include "store.h"
#include "storekeys.h"

/* One side of the copy. */
struct side {
	int		 etcd;
	const char	*dir;		/* LMDB */
	char		 name[2048];	/* for messages: never a key */
};

static void
side_name(const struct admin_ctx *a, struct side *sd)
{
	if (sd->etcd)
		admin_etcd_name(a, sd->name, sizeof(sd->name));
	else
		snprintf(sd->name, sizeof(sd->name), "lmdb:%s", sd->dir);
}

/* A store status as this command's exit code. */
static int
exit_of(int st)
{
	switch (st) {
	case MS_STORE_OK:
		return ADMIN_EXIT_OK;
	case MS_STORE_UNAVAILABLE:
		return ADMIN_EXIT_UNAVAILABLE;
	case MS_STORE_KEY_MISMATCH:
		return ADMIN_EXIT_KEY;
	default:
		return ADMIN_EXIT_ERROR;
	}
}

static int
side_open(struct admin_ctx *a, const struct side *sd, int flags,
    struct ms_store **sp)
{
	*sp = NULL;
	if (sd->etcd)
		return admin_open_etcd(a, flags, sp);
	return ms_store_open_keys(sd->dir,
	    (const u_char (*)[MS_STORE_KEY_LEN])a->keys->store_keys,
	    a->keys->nstore_keys,
	    (flags & MS_STORE_RDONLY) ? 0 : a->conf->store_max_size, flags, sp);
}

static int
count_cb(void *ctx, const struct ms_store_walk_item *it)
{
	uint64_t *n = ctx;

	if (it->kind != MS_STORE_WALK_NODE || strcmp(it->path, "/") != 0 ||
	    it->acl->nentries != 0 || it->acl->flags != 0)
		(*n)++;
	return 0;
}

/*
 * Refuse a destination that holds a store with anything in it, before
 * it is opened for writing (which would record a key check value).  A
 * destination that does not open read-only holds no store yet.
 */
static int
dest_empty(struct admin_ctx *a, const struct side *dst)
{
	struct ms_store *s;
	uint64_t n = 0;
	int st;

	if (!dst->etcd && store_exists(dst->dir) != 1)
		return ADMIN_EXIT_OK;
	/* "Not a store" is the expected answer here: no log line for it. */
	ms_log_set_level(MS_LOG_QUIET);
	st = side_open(a, dst, MS_STORE_RDONLY | MS_STORE_NOKEYCHECK, &s);
	ms_log_set_level(MS_LOG_INFO);
	if (st == MS_STORE_UNAVAILABLE) {
		admin_say("migrate: %s: the destination is unavailable", dst->name);
		return ADMIN_EXIT_UNAVAILABLE;
	}
	if (st != MS_STORE_OK)
		return ADMIN_EXIT_OK;
	st = ms_store_walk(s, 0, count_cb, &n);
	ms_store_close(s);
	if (st != MS_STORE_OK) {
		admin_say("migrate: %s: cannot read the destination: %s", dst->name,
		    ms_store_strerror(st));
		return exit_of(st);
	}
	if (n != 0) {
		admin_say("migrate: %s: the destination is not empty (%llu nodes and records "
		    "besides an empty /); nothing was copied", dst->name,
		    (unsigned long long)n);
		return ADMIN_EXIT_NOT_EMPTY;
	}
	return ADMIN_EXIT_OK;
}

/* The copy, opened again read-only, against the source. */
static int
verify_copy(struct admin_ctx *a, struct ms_store *src, const struct side *dst,
    const struct ms_store_copy_stats *copied)
{
	struct ms_store_copy_stats cmp;
	struct ms_store *s;
	int st;

	if ((st = side_open(a, dst, MS_STORE_RDONLY, &s)) != MS_STORE_OK) {
		admin_say("migrate: %s: cannot open the copy to verify it: %s", dst->name,
		    ms_store_strerror(st));
		return exit_of(st);
	}
	st = ms_store_compare(src, s, &cmp);
	ms_store_close(s);
	if (st == MS_STORE_UNAVAILABLE) {
		admin_say("migrate: %s: unavailable while verifying the copy", dst->name);
		return ADMIN_EXIT_UNAVAILABLE;
	}
	if (st != MS_STORE_OK || cmp.nodes != copied->nodes ||
	    cmp.records != copied->records || cmp.secure != copied->secure) {
		admin_say("migrate: %s: the copy does NOT match the source (see above); do "
		    "not use it", dst->name);
		return ADMIN_EXIT_MISMATCH;
	}
	return ADMIN_EXIT_OK;
}

static int
run(struct admin_ctx *a, struct side *src, struct side *dst)
{
	struct ms_store_copy_stats stats;
	struct ms_store *s = NULL, *d = NULL;
	int st, ret;

	if ((ret = dest_empty(a, dst)) != ADMIN_EXIT_OK)
		return ret;
	if ((st = side_open(a, src, MS_STORE_RDONLY, &s)) != MS_STORE_OK) {
		admin_say("migrate: %s: cannot open the source: %s", src->name,
		    ms_store_strerror(st));
		return exit_of(st);
	}
	if ((st = side_open(a, dst, 0, &d)) != MS_STORE_OK) {
		admin_say("migrate: %s: cannot open the destination: %s", dst->name,
		    ms_store_strerror(st));
		ms_store_close(s);
		return exit_of(st);
	}
	st = ms_store_migrate(s, d, &stats);
	ms_store_close(d);
	if (st != MS_STORE_OK) {
		admin_say("migrate: copy from %s to %s failed: %s%s", src->name, dst->name,
		    ms_store_strerror(st), st == MS_STORE_INVALID ?
		    " (the destination is not empty)" : "; the destination "
		    "holds a partial copy: empty it before trying again");
		ms_store_close(s);
		return st == MS_STORE_INVALID ? ADMIN_EXIT_NOT_EMPTY :
		    exit_of(st);
	}
	ret = verify_copy(a, s, dst, &stats);
	ms_store_close(s);
	if (ret != ADMIN_EXIT_OK)
		return ret;
	printf("migrated %s to %s: %llu nodes, %llu records (%llu secure, "
	    "copied sealed); verified\n", src->name, dst->name,
	    (unsigned long long)stats.nodes, (unsigned long long)stats.records,
	    (unsigned long long)stats.secure);
	return ADMIN_EXIT_OK;
}

int
admin_migrate(struct admin_ctx *a, const char *to, const char *dir)
{
	struct side src, dst, *lmdb;
	char err[1024];
	int fd = -1, r, ret;

	memset(&src, 0, sizeof(src));
	memset(&dst, 0, sizeof(dst));
	if (strcmp(to, "etcd") == 0) {
		dst.etcd = 1;
		lmdb = &src;
	} else if (strcmp(to, "lmdb") == 0) {
		src.etcd = 1;
		lmdb = &dst;
	} else {
		admin_say("migrate: --to %s: expected etcd or lmdb", to);
		return ADMIN_EXIT_ERROR;
	}
	lmdb->dir = dir != NULL ? dir : a->conf->store_dir;
	if (lmdb->dir[0] != '/') {
		admin_say("migrate: %s: must be an absolute path", lmdb->dir);
		return ADMIN_EXIT_ERROR;
	}
	if (a->conf->netcd_endpoints == 0) {
		admin_say("migrate: %s sets no EtcdEndpoints", a->config);
		return ADMIN_EXIT_ERROR;
	}
	side_name(a, &src);
	side_name(a, &dst);
	if (!src.etcd && store_exists(src.dir) != 1) {
		admin_say("migrate: %s: no store here (no data.mdb)", src.dir);
		return ADMIN_EXIT_ERROR;
	}
	/* No daemon may write the LMDB store while it is copied. */
	if ((r = instance_lock(lmdb->dir, &fd, err, sizeof(err))) != 0) {
		admin_say("migrate: %s%s", err, r == -1 ? "; stop metasafed first" : "");
		return r == -1 ? ADMIN_EXIT_IN_USE : ADMIN_EXIT_ERROR;
	}
	ret = run(a, &src, &dst);
	close(fd);
	return ret;
}
