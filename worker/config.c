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
w_config_parse(struct ms_config *c, struct msbuf *b)
{
	int r;

	if ((r = ms_config_parse(b, c)) != 0)
		return r;
	if (!alg_list_known(&c->ciphers, cipher_known) ||
	    !alg_list_known(&c->kex, kex_known)) {
		r = MS_ERR_INVALID_FORMAT;
		goto fail;
	}
	/* The worker must never run as root, even if asked to. */
	if (c->uid == 0 || c->gid == 0 || c->uid == (uint32_t)-1 ||
	    c->gid == (uint32_t)-1 || c->chroot_dir[0] != '/' ||
	    c->max_value_size == 0 || c->max_value_size > MS_VALUE_MAX ||
	    c->log_level > MS_LOG_DEBUG3 || c->sandbox_debug > 1) {
		r = MS_ERR_INVALID_ARGUMENT;
		goto fail;
	}
	return 0;
 fail:
	ms_config_clear(c);
	return r;
}
