/*
 * etcdstore.c — the etcd store of the daemon's configuration
 * (StoreBackend etcd, or the etcd side of migrate), for metasafe-admin.
 */
#include <sys/types.h>

#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "hostkeys.h"
#include "servconf.h"
#include "store.h"

int
admin_open_etcd(struct admin_ctx *a, int flags, struct ms_store **sp)
{
	struct ms_store_etcd_conf ec;

	memset(&ec, 0, sizeof(ec));
	servconf_etcd_opts(a->conf, &ec.etcd);
	ec.prefix = a->conf->etcd_prefix;
	return ms_store_open_etcd(&ec,
	    (const u_char (*)[MS_STORE_KEY_LEN])a->keys->store_keys,
	    a->keys->nstore_keys, flags, sp);
}

void
admin_etcd_name(const struct admin_ctx *a, char *buf, size_t len)
{
	const struct servconf *c = a->conf;
	size_t i;

	snprintf(buf, len, "etcd:%s at ", c->etcd_prefix);
	for (i = 0; i < c->netcd_endpoints; i++) {
		if (i > 0)
			strlcat(buf, ",", len);
		strlcat(buf, c->etcd_endpoints[i], len);
	}
}
