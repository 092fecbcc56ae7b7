/*
 * config.c — the CONFIG frame the monitor sends before anything else
 * (PROTOCOL.md 11).  It decides the sandbox, so any doubt is fatal for the
 * worker: common/msg_config.c takes the frame apart, and this file judges
 * the values.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "errors.h"
#include "log.h"
#include "msg_config.h"
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

/* The server's lists name only what this build implements. */
static int
alg_list_known(const struct ms_alg_list *l, known_fn known)
{
	uint8_t i;

	for (i = 0; i < l->n; i++) {
		if (!known(l->ids[i]))
			return 0;
	}
	return 1;
}

int
w_config_parse(struct w_config *c, struct msbuf *b)
{
	struct ms_config mc;
	int r;

	memset(c, 0, sizeof(*c));
	if ((r = ms_config_parse(b, &mc)) != 0)
		return r;
	if (!alg_list_known(&mc.ciphers, cipher_known) ||
	    !alg_list_known(&mc.kex, kex_known)) {
		r = MS_ERR_INVALID_FORMAT;
		goto out;
	}
	/* The worker must never run as root, even if asked to. */
	if (mc.uid == 0 || mc.gid == 0 || mc.uid == (uint32_t)-1 ||
	    mc.gid == (uint32_t)-1 || mc.chroot_dir[0] != '/' ||
	    mc.max_value_size == 0 || mc.max_value_size > MS_VALUE_MAX ||
	    mc.log_level > MS_LOG_DEBUG3 || mc.sandbox_debug > 1) {
		r = MS_ERR_INVALID_ARGUMENT;
		goto out;
	}
	c->peer = mc.peer;
	c->chroot_dir = mc.chroot_dir;
	mc.peer = mc.chroot_dir = NULL;
	c->uid = (uid_t)mc.uid;
	c->gid = (gid_t)mc.gid;
	c->login_grace_ms = mc.login_grace_ms;
	c->max_value_size = mc.max_value_size;
	c->log_level = mc.log_level;
	c->sandbox_debug = mc.sandbox_debug;
	c->ciphers = mc.ciphers;
	c->kex = mc.kex;
 out:
	ms_config_clear(&mc);
	return r;
}

void
w_config_clear(struct w_config *c)
{
	free(c->peer);
	free(c->chroot_dir);
	memset(c, 0, sizeof(*c));
}
