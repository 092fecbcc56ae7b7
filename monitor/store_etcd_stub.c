/*
 * store_etcd_stub.c — TEMPORARY: stands in for ms_store_open_etcd until
 * branch etcdbe (monitor/store_etcd.c) is merged; delete it then.
 */
#include <sys/types.h>

#include "log.h"
#include "store.h"

int
ms_store_open_etcd(const struct ms_store_etcd_conf *conf,
    const u_char keys[][MS_STORE_KEY_LEN], size_t nkeys, int flags,
    struct ms_store **sp)
{
	*sp = NULL;
	error("store: the etcd backend is not built in");
	return MS_STORE_UNAVAILABLE;
}
