/*
 * storekeys.c — the StoreKey check of start-up, -t and metasafe-admin.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "hostkeys.h"
#include "keyfile.h"
#include "store.h"
#include "storekey.h"
#include "storekeys.h"

int
store_exists(const char *dir)
{
	char path[4096];
	struct stat st;

	if (snprintf(path, sizeof(path), "%s/data.mdb", dir) >=
	    (int)sizeof(path))
		return -1;
	if (stat(path, &st) == 0)
		return 1;
	return errno == ENOENT ? 0 : -1;
}

/* Append s to buf (truncating quietly; errbuf is a message). */
static void
cat(char *buf, size_t len, const char *s)
{
	strlcat(buf, s, len);
}

int
store_keys_check(const char *store_dir, char *const *key_files,
    const struct hostkeys *hk, char *errbuf, size_t errlen)
{
	struct ms_store *s = NULL;
	u_char rec[MS_STORE_KEYS_MAX * 4][MS_STORE_KCV_LEN];
	u_char kcv[MS_STORE_KCV_LEN];
	char fmt[MS_STORE_KCV_STRLEN + 1];
	struct ms_store_first_secure fs;
	size_t i, j, n = 0;
	int r, ex;

	if ((ex = store_exists(store_dir)) == 0)
		return 0;	/* a new store: the daemon records keys[0] */
	if (ex < 0) {
		snprintf(errbuf, errlen, "StoreDirectory %s: %s", store_dir,
		    strerror(errno));
		return MS_ERR_SYSTEM;
	}
	if ((r = ms_store_open_keys(store_dir,
	    (const u_char (*)[MS_STORE_KEY_LEN])hk->store_keys, hk->nstore_keys,
	    0, MS_STORE_RDONLY | MS_STORE_NOKEYCHECK, &s)) != MS_STORE_OK) {
		snprintf(errbuf, errlen, "StoreDirectory %s: cannot open the "
		    "store: %s", store_dir, ms_store_strerror(r));
		return MS_ERR_SYSTEM;
	}
	if (ms_store_recorded_kcvs(s, rec, sizeof(rec) / sizeof(rec[0]),
	    &n) != MS_STORE_OK) {
		ms_store_close(s);
		snprintf(errbuf, errlen, "StoreDirectory %s: cannot read the "
		    "store's key check values", store_dir);
		return MS_ERR_INTERNAL;
	}
	if (n == 0) {
		/*
		 * Made by an earlier version: the daemon adopts the key that
		 * opens the first SECURE value; check that one does.
		 */
		memset(&fs, 0, sizeof(fs));
		fs.key_index = -1;
		(void)ms_store_walk(s, 1, ms_store_first_secure_cb, &fs);
		ms_store_close(s);
		if (!fs.found || fs.key_index >= 0)
			return 0;
		snprintf(errbuf, errlen, "StoreKey ");
		for (i = 0; i < hk->nstore_keys; i++) {
			if (i > 0)
				cat(errbuf, errlen, ", ");
			cat(errbuf, errlen, key_files[i]);
		}
		cat(errbuf, errlen, " cannot open the SECURE values of the "
		    "store in ");
		cat(errbuf, errlen, store_dir);
		cat(errbuf, errlen, " (a store without recorded key check "
		    "values)");
		return MS_ERR_STORE_KEY_MISMATCH;
	}
	ms_store_close(s);
	if (n > sizeof(rec) / sizeof(rec[0]))
		n = sizeof(rec) / sizeof(rec[0]);
	for (i = 0; i < hk->nstore_keys; i++) {
		if ((r = ms_store_key_kcv(hk->store_keys[i], kcv)) != 0)
			return r;
		for (j = 0; j < n; j++) {
			if (memcmp(kcv, rec[j], sizeof(kcv)) == 0)
				return 0;
		}
	}
	/* None fits: name every file with its check value. */
	snprintf(errbuf, errlen, "StoreKey ");
	for (i = 0; i < hk->nstore_keys; i++) {
		if (ms_store_key_kcv(hk->store_keys[i], kcv) != 0)
			return MS_ERR_INTERNAL;
		ms_store_kcv_format(kcv, fmt, sizeof(fmt));
		if (i > 0)
			cat(errbuf, errlen, ", ");
		cat(errbuf, errlen, key_files[i]);
		cat(errbuf, errlen, " (key check value ");
		cat(errbuf, errlen, fmt);
		cat(errbuf, errlen, ")");
	}
	cat(errbuf, errlen, hk->nstore_keys == 1 ? " does not match" :
	    " do not match");
	cat(errbuf, errlen, " the store in ");
	cat(errbuf, errlen, store_dir);
	cat(errbuf, errlen, " (store expects ");
	for (j = 0; j < n; j++) {
		ms_store_kcv_format(rec[j], fmt, sizeof(fmt));
		if (j > 0)
			cat(errbuf, errlen, " or ");
		cat(errbuf, errlen, fmt);
	}
	cat(errbuf, errlen, ")");
	return MS_ERR_STORE_KEY_MISMATCH;
}
