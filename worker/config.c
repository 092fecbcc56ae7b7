/*
 * config.c — the CONFIG frame the monitor sends before anything else
 * (PROTOCOL.md 11).  It decides the sandbox, so it is parsed strictly and
 * any doubt is fatal for the worker.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "errors.h"
#include "log.h"
#include "path.h"
#include "proto.h"
#include "record.h"
#include "worker.h"


/* Is 'id' implemented by this build, in this algorithm space? */
typedef int (*known_fn)(uint16_t id);

static int
cipher_known(uint16_t id)
{
	return ms_cipher_to_aead(id) >= 0;
}

static int
kex_known(uint16_t id)
{
	return id == MS_KEX_X25519_HYBRID;
}

/* u8 n (1..16), u16 ids[n]: a server preference list. */
static int
get_alg_list(struct msbuf *b, struct ms_alg_list *l, known_fn known)
{
	uint8_t i, n;
	int r;

	memset(l, 0, sizeof(*l));
	if ((r = msbuf_get_u8(b, &n)) != 0)
		return r;
	if (n < 1 || n > MS_ALG_LIST_MAX)
		return MS_ERR_INVALID_FORMAT;
	for (i = 0; i < n; i++) {
		if ((r = msbuf_get_u16(b, &l->ids[i])) != 0)
			return r;
		/* The server's list names only what this build implements. */
		if (!known(l->ids[i]))
			return MS_ERR_INVALID_FORMAT;
	}
	l->n = n;
	return 0;
}

int
w_config_parse(struct w_config *c, struct msbuf *b)
{
	uint32_t version, uid, gid;
	int r;

	memset(c, 0, sizeof(*c));
	if ((r = msbuf_get_u32(b, &version)) != 0)
		goto fail;
	if (version != MS_CONFIG_VERSION) {
		r = MS_ERR_INVALID_FORMAT;
		goto fail;
	}
	if ((r = msbuf_get_cstring(b, &c->peer, NULL, W_PEER_MAX)) != 0 ||
	    (r = msbuf_get_u32(b, &uid)) != 0 ||
	    (r = msbuf_get_u32(b, &gid)) != 0 ||
	    (r = msbuf_get_cstring(b, &c->chroot_dir, NULL,
	    W_CHROOT_MAX)) != 0 ||
	    (r = msbuf_get_u32(b, &c->login_grace_ms)) != 0 ||
	    (r = msbuf_get_u32(b, &c->max_value_size)) != 0 ||
	    (r = msbuf_get_u8(b, &c->log_level)) != 0 ||
	    (r = msbuf_get_u8(b, &c->sandbox_debug)) != 0 ||
	    (r = get_alg_list(b, &c->ciphers, cipher_known)) != 0 ||
	    (r = get_alg_list(b, &c->kex, kex_known)) != 0)
		goto fail;
	if (msbuf_len(b) != 0) {
		r = MS_ERR_INVALID_FORMAT;
		goto fail;
	}
	/* The worker must never run as root, even if asked to. */
	if (uid == 0 || gid == 0 || uid == (uint32_t)-1 ||
	    gid == (uint32_t)-1 || c->chroot_dir[0] != '/' ||
	    c->max_value_size == 0 || c->max_value_size > MS_VALUE_MAX ||
	    c->log_level > MS_LOG_DEBUG3 || c->sandbox_debug > 1) {
		r = MS_ERR_INVALID_ARGUMENT;
		goto fail;
	}
	c->uid = (uid_t)uid;
	c->gid = (gid_t)gid;
	return 0;
 fail:
	w_config_clear(c);
	return r;
}

void
w_config_clear(struct w_config *c)
{
	free(c->peer);
	free(c->chroot_dir);
	memset(c, 0, sizeof(*c));
}
