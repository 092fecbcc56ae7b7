/*
 * instance.h — the single-instance lock on the StoreDirectory.
 *
 * The file metasafed.lock inside the StoreDirectory, created 0600, held
 * with flock(LOCK_EX | LOCK_NB) for the holder's life; the holder writes
 * its pid into it.  metasafed holds it while it runs; metasafe-admin
 * restore takes it to be sure no daemon uses the store.
 */
#ifndef MS_INSTANCE_H
#define MS_INSTANCE_H

#include <stddef.h>

#define INSTANCE_LOCK_FILE	"metasafed.lock"

/*
 * 0 with *fdp holding the lock (keep it open; closing releases it), or
 * MS_ERR_LIMIT when another process holds it (errbuf names its pid when
 * known), or another MS_ERR_*.
 */
int	instance_lock(const char *store_dir, int *fdp, char *err,
	    size_t errlen);

#endif /* MS_INSTANCE_H */
