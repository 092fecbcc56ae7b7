/*
 * admin.c — the metasafe-admin operations over monitor/store.h.
 *
 * Every operation opens the store through the store module, never LMDB
 * directly: backup and verify read-only beside a running daemon (LMDB
 * allows readers in other processes), rekey read-write (LMDB serialises
 * writers across processes), restore only while it holds the daemon's
 * instance lock.  With StoreBackend etcd, verify and rekey open the
 * cluster's store (any number of daemons may serve it meanwhile), and
 * backup and restore are migrate's (migrate.c).  Plaintext of SECURE values exists only inside the store
 * module and is wiped there.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "admin.h"
#include "errors.h"
#include "hostkeys.h"
#include "instance.h"
#include "keyfile.h"
#include "log.h"
#include "servconf.h"
#include "store.h"
#include "storekey.h"
#include "storekeys.h"
#include "timeio.h"

#define KCV_SLOTS	16

void
admin_say(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "metasafe-admin: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Counts of one walk. */
struct tally {
	uint64_t	nodes;
	uint64_t	records;
	uint64_t	secure;
	uint64_t	acl_entries;
	uint64_t	format1;	/* seal format 1: names no key */
	uint64_t	damage;
	size_t		nkcv;
	u_char		kcv[KCV_SLOTS][MS_STORE_KCV_LEN];
	uint64_t	per_kcv[KCV_SLOTS];
	uint64_t	other_kcv;	/* beyond KCV_SLOTS distinct ones */
	int		quiet;
};

static void
tally_kcv(struct tally *t, const u_char *kcv)
{
	size_t i;

	for (i = 0; i < t->nkcv; i++) {
		if (memcmp(t->kcv[i], kcv, MS_STORE_KCV_LEN) == 0) {
			t->per_kcv[i]++;
			return;
		}
	}
	if (t->nkcv == KCV_SLOTS) {
		t->other_kcv++;
		return;
	}
	memcpy(t->kcv[t->nkcv], kcv, MS_STORE_KCV_LEN);
	t->per_kcv[t->nkcv++] = 1;
}

/* Slot for kcv (added with count 0 when new), so zero counts print too. */
static void
tally_seen(struct tally *t, const u_char *kcv)
{
	size_t i;

	for (i = 0; i < t->nkcv; i++) {
		if (memcmp(t->kcv[i], kcv, MS_STORE_KCV_LEN) == 0)
			return;
	}
	if (t->nkcv < KCV_SLOTS) {
		memcpy(t->kcv[t->nkcv], kcv, MS_STORE_KCV_LEN);
		t->per_kcv[t->nkcv++] = 0;
	}
}

static int
tally_cb(void *ctx, const struct ms_store_walk_item *it)
{
	struct tally *t = ctx;

	switch (it->kind) {
	case MS_STORE_WALK_NODE:
		t->nodes++;
		t->acl_entries += it->acl->nentries;
		break;
	case MS_STORE_WALK_RECORD:
		t->records++;
		if ((it->flags & MS_REC_SECURE) == 0)
			break;
		t->secure++;
		if (it->seal_format == 1)
			t->format1++;
		else if (it->kcv != NULL)
			tally_kcv(t, it->kcv);
		if (it->damage != NULL) {
			t->damage++;
			if (!t->quiet)
				admin_say("damage: %s record \"%s\": %s", it->path,
				    it->name, it->damage);
		}
		break;
	case MS_STORE_WALK_DAMAGE:
		t->damage++;
		if (!t->quiet)
			admin_say("damage: %s%s%s%s: %s", it->path,
			    it->name ? " record \"" : "",
			    it->name ? it->name : "", it->name ? "\"" : "",
			    it->damage);
		break;
	}
	return 0;
}

/* Name of the configured StoreKey with this check value, or NULL. */
static const char *
key_file_of(struct admin_ctx *a, const u_char *kcv)
{
	u_char k[MS_STORE_KCV_LEN];
	size_t i;

	for (i = 0; i < a->keys->nstore_keys; i++) {
		if (ms_store_key_kcv(a->keys->store_keys[i], k) == 0 &&
		    memcmp(k, kcv, sizeof(k)) == 0)
			return a->conf->store_key_files[i];
	}
	return NULL;
}

static void
tally_print(struct admin_ctx *a, struct tally *t, FILE *f)
{
	char fmt[MS_STORE_KCV_STRLEN + 1];
	const char *file;
	size_t i;

	fprintf(f, "nodes: %llu\n", (unsigned long long)t->nodes);
	fprintf(f, "records: %llu\n", (unsigned long long)t->records);
	fprintf(f, "secure records: %llu\n", (unsigned long long)t->secure);
	fprintf(f, "acl entries: %llu\n", (unsigned long long)t->acl_entries);
	for (i = 0; i < t->nkcv; i++) {
		ms_store_kcv_format(t->kcv[i], fmt, sizeof(fmt));
		file = key_file_of(a, t->kcv[i]);
		fprintf(f, "values sealed under %s: %llu%s%s%s\n", fmt,
		    (unsigned long long)t->per_kcv[i],
		    file ? " (StoreKey " : " (not configured)",
		    file ? file : "", file ? ")" : "");
	}
	if (t->other_kcv > 0)
		fprintf(f, "values sealed under other keys: %llu\n",
		    (unsigned long long)t->other_kcv);
	fprintf(f, "values in seal format 1 (no key named): %llu\n",
	    (unsigned long long)t->format1);
	fprintf(f, "damage: %llu\n", (unsigned long long)t->damage);
}

/* Open dir read-only with the configured keys; the exit code on failure. */
static int
open_ro(struct admin_ctx *a, const char *dir, struct ms_store **sp)
{
	char err[2048];
	int r, ex;

	*sp = NULL;
	if ((ex = store_exists(dir)) != 1) {
		admin_say("%s: %s", dir, ex == 0 ? "no store here (no data.mdb)" :
		    strerror(errno));
		return ADMIN_EXIT_ERROR;
	}
	if ((r = store_keys_check(dir, a->conf->store_key_files, a->keys,
	    err, sizeof(err))) != 0) {
		admin_say("%s", err);
		return r == MS_ERR_STORE_KEY_MISMATCH ? ADMIN_EXIT_KEY :
		    ADMIN_EXIT_ERROR;
	}
	if ((r = ms_store_open_keys(dir,
	    (const u_char (*)[MS_STORE_KEY_LEN])a->keys->store_keys,
	    a->keys->nstore_keys, 0, MS_STORE_RDONLY, sp)) != MS_STORE_OK) {
		admin_say("%s: cannot open the store: %s", dir, ms_store_strerror(r));
		return r == MS_STORE_KEY_MISMATCH ? ADMIN_EXIT_KEY :
		    ADMIN_EXIT_ERROR;
	}
	return ADMIN_EXIT_OK;
}

/* Walk with unseal; every configured and recorded KCV gets a line. */
static int
walk_tally(struct admin_ctx *a, struct ms_store *s, struct tally *t)
{
	u_char rec[KCV_SLOTS][MS_STORE_KCV_LEN], k[MS_STORE_KCV_LEN];
	size_t i, n = 0;

	if (ms_store_walk(s, 1, tally_cb, t) != MS_STORE_OK) {
		admin_say("cannot walk the store");
		return -1;
	}
	for (i = 0; i < a->keys->nstore_keys; i++) {
		if (ms_store_key_kcv(a->keys->store_keys[i], k) == 0)
			tally_seen(t, k);
	}
	if (ms_store_recorded_kcvs(s, rec, KCV_SLOTS, &n) == MS_STORE_OK) {
		for (i = 0; i < n && i < KCV_SLOTS; i++)
			tally_seen(t, rec[i]);
	}
	return 0;
}

/* The daemon's own store is in etcd, and no directory was named. */
static int
on_etcd(const struct admin_ctx *a, const char *dir)
{
	return dir == NULL && a->conf->store_backend == MS_STORE_BACKEND_ETCD;
}

/* Open the configured etcd store; the exit code on failure. */
static int
open_etcd(struct admin_ctx *a, int flags, struct ms_store **sp, char *name,
    size_t namelen)
{
	int r;

	admin_etcd_name(a, name, namelen);
	if ((r = admin_open_etcd(a, flags, sp)) == MS_STORE_OK)
		return ADMIN_EXIT_OK;
	admin_say("%s: cannot open the store: %s", name, ms_store_strerror(r));
	return r == MS_STORE_KEY_MISMATCH ? ADMIN_EXIT_KEY :
	    r == MS_STORE_UNAVAILABLE ? ADMIN_EXIT_UNAVAILABLE :
	    ADMIN_EXIT_ERROR;
}

int
admin_verify(struct admin_ctx *a, const char *dir, int quiet)
{
	struct ms_store *s;
	struct tally t;
	char name[2048];
	int ret;

	if (on_etcd(a, dir)) {
		if ((ret = open_etcd(a, MS_STORE_RDONLY, &s, name,
		    sizeof(name))) != ADMIN_EXIT_OK)
			return ret;
		dir = name;
	} else {
		if (dir == NULL)
			dir = a->conf->store_dir;
		if ((ret = open_ro(a, dir, &s)) != ADMIN_EXIT_OK)
			return ret;
	}
	memset(&t, 0, sizeof(t));
	t.quiet = quiet;
	if (walk_tally(a, s, &t) != 0) {
		ms_store_close(s);
		return ADMIN_EXIT_DAMAGE;
	}
	ms_store_close(s);
	if (!quiet) {
		printf("store %s\n", dir);
		tally_print(a, &t, stdout);
		printf("%s\n", t.damage == 0 ? "verify: ok" :
		    "verify: DAMAGE FOUND");
	}
	return t.damage == 0 ? ADMIN_EXIT_OK : ADMIN_EXIT_DAMAGE;
}

/* 0 when dir does not exist or is an empty directory; else -1 (errno). */
static int
dir_empty_or_absent(const char *dir, int *existsp)
{
	struct dirent *de;
	DIR *d;

	*existsp = 0;
	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : -1;
	*existsp = 1;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0) {
			closedir(d);
			errno = ENOTEMPTY;
			return -1;
		}
	}
	closedir(d);
	return 0;
}

/* UTC now, RFC 3339 (compact: for file names). */
static void
utc_now(char *buf, size_t len, int compact)
{
	time_t now = time(NULL);
	struct tm tm;
	size_t n;

	if (gmtime_r(&now, &tm) == NULL)
		n = 0;
	else if (compact)
		n = strftime(buf, len, "%Y%m%dT%H%M%SZ", &tm);
	else
		n = strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (n == 0)
		strlcpy(buf, "unknown", len);
}

static int
write_manifest(struct admin_ctx *a, const char *outdir, struct ms_store *s,
    const struct tally *t)
{
	u_char rec[KCV_SLOTS][MS_STORE_KCV_LEN];
	char path[4096], fmt[MS_STORE_KCV_STRLEN + 1], date[64];
	size_t i, n = 0;
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", outdir, ADMIN_MANIFEST);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1 || (f = fdopen(fd, "w")) == NULL) {
		admin_say("%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	utc_now(date, sizeof(date), 0);
	fprintf(f, "# metasafe store backup; SECURE values are sealed, no key "
	    "is in here\n");
	fprintf(f, "format 1\ncreated %s\nsource %s\n", date,
	    a->conf->store_dir);
	if (ms_store_recorded_kcvs(s, rec, KCV_SLOTS, &n) == MS_STORE_OK) {
		for (i = 0; i < n && i < KCV_SLOTS; i++) {
			ms_store_kcv_format(rec[i], fmt, sizeof(fmt));
			fprintf(f, "kcv %s\n", fmt);
		}
	}
	fprintf(f, "nodes %llu\nrecords %llu\nsecure %llu\n",
	    (unsigned long long)t->nodes, (unsigned long long)t->records,
	    (unsigned long long)t->secure);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0 || fclose(f) != 0) {
		admin_say("%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static void
remove_lock_mdb(const char *dir)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/lock.mdb", dir);
	if (unlink(path) == -1 && errno != ENOENT)
		admin_say("%s: %s", path, strerror(errno));
}

int
admin_backup(struct admin_ctx *a, const char *outdir)
{
	struct ms_store *s = NULL, *copy = NULL;
	struct tally t;
	int exists, ret;

	if (on_etcd(a, NULL)) {
		admin_say("backup: StoreBackend etcd: copy the store out of the "
		    "cluster with \"metasafe-admin migrate --to lmdb --dir "
		    "%s\" (a store directory, restored with \"migrate --to "
		    "etcd --dir\"), or use etcd's own snapshots", outdir);
		return ADMIN_EXIT_ERROR;
	}
	if (outdir[0] != '/') {
		admin_say("backup: %s: must be an absolute path", outdir);
		return ADMIN_EXIT_ERROR;
	}
	if (dir_empty_or_absent(outdir, &exists) != 0) {
		admin_say("backup: %s: %s (the backup directory must be new or "
		    "empty)", outdir, strerror(errno));
		return ADMIN_EXIT_ERROR;
	}
	if (!exists && mkdir(outdir, 0700) == -1) {
		admin_say("backup: mkdir %s: %s", outdir, strerror(errno));
		return ADMIN_EXIT_ERROR;
	}
	if (chmod(outdir, 0700) == -1) {
		admin_say("backup: chmod %s: %s", outdir, strerror(errno));
		return ADMIN_EXIT_ERROR;
	}
	if ((ret = open_ro(a, a->conf->store_dir, &s)) != ADMIN_EXIT_OK)
		return ret;
	if (ms_store_copy(s, outdir) != MS_STORE_OK) {
		admin_say("backup: copy of %s into %s failed", a->conf->store_dir,
		    outdir);
		ms_store_close(s);
		return ADMIN_EXIT_ERROR;
	}
	/* Check the copy as the daemon would open it, and count it. */
	memset(&t, 0, sizeof(t));
	if ((ret = open_ro(a, outdir, &copy)) != ADMIN_EXIT_OK) {
		ms_store_close(s);
		return ret;
	}
	if (walk_tally(a, copy, &t) != 0 || t.damage != 0) {
		admin_say("backup: the copy in %s does not verify", outdir);
		ms_store_close(copy);
		ms_store_close(s);
		return ADMIN_EXIT_DAMAGE;
	}
	ret = write_manifest(a, outdir, copy, &t) == 0 ? ADMIN_EXIT_OK :
	    ADMIN_EXIT_ERROR;
	ms_store_close(copy);
	ms_store_close(s);
	remove_lock_mdb(outdir);
	if (ret == ADMIN_EXIT_OK)
		printf("backup of %s in %s: %llu nodes, %llu records "
		    "(%llu secure, still sealed)\n", a->conf->store_dir,
		    outdir, (unsigned long long)t.nodes,
		    (unsigned long long)t.records,
		    (unsigned long long)t.secure);
	return ret;
}

/* Copy src to a new file dst (0600), fsync'd. */
static int
copy_file(const char *src, const char *dst)
{
	char buf[65536];
	ssize_t n;
	int in, out = -1, ret = -1;

	if ((in = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		admin_say("restore: %s: %s", src, strerror(errno));
		return -1;
	}
	if ((out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) == -1) {
		admin_say("restore: %s: %s", dst, strerror(errno));
		goto out;
	}
	for (;;) {
		if ((n = read(in, buf, sizeof(buf))) == -1) {
			if (errno == EINTR)
				continue;
			admin_say("restore: read %s: %s", src, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (ms_write_all_deadline(out, buf, (size_t)n, -1) != 0) {
			admin_say("restore: write %s: %s", dst, strerror(errno));
			goto out;
		}
	}
	if (fchmod(out, 0600) == -1 || fsync(out) == -1) {
		admin_say("restore: %s: %s", dst, strerror(errno));
		goto out;
	}
	ret = 0;
 out:
	explicit_bzero(buf, sizeof(buf));
	close(in);
	if (out != -1 && close(out) == -1 && ret == 0) {
		admin_say("restore: close %s: %s", dst, strerror(errno));
		ret = -1;
	}
	if (ret != 0 && out != -1)
		unlink(dst);
	return ret;
}

static int
fsync_dir(const char *dir)
{
	int fd, r;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

int
admin_restore(struct admin_ctx *a, const char *backupdir)
{
	const char *dir = a->conf->store_dir;
	char err[1024], src[4096], dst[4096], tmp[4096], old[4096];
	char date[64];
	struct stat st;
	int fd = -1, ret, r, had_data;

	if (on_etcd(a, NULL)) {
		admin_say("restore: StoreBackend etcd: copy a backup into an empty "
		    "EtcdPrefix with \"metasafe-admin migrate --to etcd --dir "
		    "%s\"", backupdir);
		return ADMIN_EXIT_ERROR;
	}
	if ((ret = admin_verify(a, backupdir, 1)) != ADMIN_EXIT_OK) {
		admin_say("restore: %s does not verify with the configured store "
		    "keys; nothing changed (run \"metasafe-admin verify %s\")",
		    backupdir, backupdir);
		return ret;
	}
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		admin_say("restore: mkdir %s: %s", dir, strerror(errno));
		return ADMIN_EXIT_ERROR;
	}
	if ((r = instance_lock(dir, &fd, err, sizeof(err))) != 0) {
		if (r == -1) {		/* held by a daemon */
			admin_say("restore: %s; stop metasafed first", err);
			return ADMIN_EXIT_IN_USE;
		}
		admin_say("restore: %s", err);
		return ADMIN_EXIT_ERROR;
	}
	snprintf(src, sizeof(src), "%s/data.mdb", backupdir);
	snprintf(dst, sizeof(dst), "%s/data.mdb", dir);
	snprintf(tmp, sizeof(tmp), "%s/data.mdb.restore-tmp", dir);
	utc_now(date, sizeof(date), 1);
	snprintf(old, sizeof(old), "%s/data.mdb.before-restore-%s", dir, date);
	ret = ADMIN_EXIT_ERROR;
	(void)unlink(tmp);	/* left by an interrupted restore */
	if (copy_file(src, tmp) != 0)
		goto out;
	had_data = stat(dst, &st) == 0;
	if (had_data && rename(dst, old) == -1) {
		admin_say("restore: rename %s: %s", dst, strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, dst) == -1) {
		admin_say("restore: rename %s: %s", tmp, strerror(errno));
		if (had_data)
			(void)rename(old, dst);
		unlink(tmp);
		goto out;
	}
	remove_lock_mdb(dir);
	if (fsync_dir(dir) == -1) {
		admin_say("restore: fsync %s: %s", dir, strerror(errno));
		goto out;
	}
	printf("restored %s into %s%s%s\n", backupdir, dir,
	    had_data ? "; previous data kept as " : "", had_data ? old : "");
	ret = ADMIN_EXIT_OK;
 out:
	close(fd);
	return ret;
}

/* StoreDirectory read-write, after the key check; the exit code. */
static int
open_rw(struct admin_ctx *a, struct ms_store **sp)
{
	char err[2048];
	int r;

	if ((r = store_keys_check(a->conf->store_dir,
	    a->conf->store_key_files, a->keys, err, sizeof(err))) != 0) {
		admin_say("%s", err);
		return r == MS_ERR_STORE_KEY_MISMATCH ? ADMIN_EXIT_KEY :
		    ADMIN_EXIT_ERROR;
	}
	if (store_exists(a->conf->store_dir) != 1) {
		admin_say("rekey: %s: no store here (no data.mdb)",
		    a->conf->store_dir);
		return ADMIN_EXIT_ERROR;
	}
	if ((r = ms_store_open_keys(a->conf->store_dir,
	    (const u_char (*)[MS_STORE_KEY_LEN])a->keys->store_keys,
	    a->keys->nstore_keys, a->conf->store_max_size, 0, sp)) !=
	    MS_STORE_OK) {
		admin_say("rekey: %s: cannot open the store: %s",
		    a->conf->store_dir, ms_store_strerror(r));
		return ADMIN_EXIT_ERROR;
	}
	return ADMIN_EXIT_OK;
}

int
admin_rekey(struct admin_ctx *a, size_t batch)
{
	struct ms_store *s = NULL;
	struct tally t;
	char err[2048], fmt[MS_STORE_KCV_STRLEN + 1];
	u_char k[MS_STORE_KCV_LEN];
	size_t done, total = 0, txns = 0;
	int r, more, st;

	if (on_etcd(a, NULL)) {
		if ((r = open_etcd(a, 0, &s, err, sizeof(err))) !=
		    ADMIN_EXIT_OK)
			return r;
	} else if ((r = open_rw(a, &s)) != ADMIN_EXIT_OK)
		return r;
	do {
		if ((st = ms_store_reseal(s, batch, &done, &more)) !=
		    MS_STORE_OK) {
			admin_say("rekey: stopped after %zu values: %s", total,
			    st == MS_STORE_FULL ? "store full (StoreMaxSize)" :
			    "a value could not be re-sealed (see above); run "
			    "metasafe-admin verify");
			ms_store_close(s);
			return st == MS_STORE_FULL ? ADMIN_EXIT_ERROR :
			    ADMIN_EXIT_DAMAGE;
		}
		total += done;
		if (done > 0)
			txns++;
	} while (more);
	if (ms_store_key_kcv(a->keys->store_keys[0], k) != 0) {
		ms_store_close(s);
		return ADMIN_EXIT_ERROR;
	}
	ms_store_kcv_format(k, fmt, sizeof(fmt));
	printf("re-sealed %zu values under %s (StoreKey %s) in %zu "
	    "transaction(s)\n", total, fmt, a->conf->store_key_files[0], txns);
	memset(&t, 0, sizeof(t));
	r = walk_tally(a, s, &t);
	ms_store_close(s);
	if (r != 0)
		return ADMIN_EXIT_DAMAGE;
	tally_print(a, &t, stdout);
	return t.damage == 0 ? ADMIN_EXIT_OK : ADMIN_EXIT_DAMAGE;
}
