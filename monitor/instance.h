/*
 * instance.h — one daemon per StoreDirectory and per PidFile.
 *
 * Both are flock(2)ed (LOCK_EX|LOCK_NB) for the daemon's life; the holder's
 * pid is written into the locked file.  A second daemon finds the lock
 * taken, reads the holder's pid for its message and touches nothing else.
 */
#ifndef MS_INSTANCE_H
#define MS_INSTANCE_H

#include <stddef.h>

#define MS_INSTANCE_LOCK_NAME	"metasafed.lock"

/*
 * Lock STORE_DIR/metasafed.lock (created 0600; STORE_DIR is created 0700
 * when missing) and write our pid into it.  *fdp holds the lock until
 * closed (close-on-exec).  Returns 0; -1 with err naming the directory (and
 * the holder's pid) when another process holds it; -2 on other errors.
 */
int	instance_lock(const char *store_dir, int *fdp, char *err, size_t errlen);

/*
 * The PidFile: open without truncating, lock, then truncate and write our
 * pid.  Same returns as instance_lock().
 */
int	pidfile_lock(const char *path, int *fdp, char *err, size_t errlen);

/* Rewrite the pid in a file we hold (after a fork). */
int	instance_write_pid(int fd);

#endif /* MS_INSTANCE_H */
