/*
 * storekeys.h — does the configured StoreKey set fit the store?  Shared
 * by metasafed (start-up and -t) and metasafe-admin.
 */
#ifndef MS_STOREKEYS_H
#define MS_STOREKEYS_H

#include <stddef.h>

struct servconf;
struct hostkeys;

/*
 * 0 when StoreDirectory holds no store yet or at least one configured
 * key's check value is recorded in it (ARCHITECTURE.md "Store keys");
 * otherwise MS_ERR_STORE_KEY_MISMATCH (or another MS_ERR_*) with errbuf
 * naming the StoreKey file(s), both check values and the directory.  The
 * store is opened read-only, so this runs beside a live daemon.
 */
int	store_keys_check(const char *store_dir, char *const *key_files,
	    const struct hostkeys *hk, char *errbuf, size_t errlen);
/* 1 when dir holds a data file (data.mdb), 0 when not, -1 on error. */
int	store_exists(const char *dir);

#endif /* MS_STOREKEYS_H */
