/*
 * msg_config.c — the CONFIG and HANDOFF frames (PROTOCOL.md 11); see
 * msg_config.h.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "errors.h"
#include "hello.h"
#include "msg_config.h"
#include "mslimits.h"

int
ms_config_put(struct msbuf *b, const struct ms_config *c)
{
	int r;

	if ((r = msbuf_put_u32(b, MS_CONFIG_VERSION)) != 0 ||
	    (r = msbuf_put_u32(b, c->uid)) != 0 ||
	    (r = msbuf_put_u32(b, c->gid)) != 0 ||
	    (r = msbuf_put_cstring(b, c->chroot_dir)) != 0 ||
	    (r = msbuf_put_u32(b, c->login_grace_ms)) != 0 ||
	    (r = msbuf_put_u32(b, c->max_value_size)) != 0 ||
	    (r = msbuf_put_u8(b, c->log_level)) != 0 ||
	    (r = msbuf_put_u8(b, c->sandbox_debug)) != 0 ||
	    (r = ms_alg_list_put(b, &c->ciphers)) != 0 ||
	    (r = ms_alg_list_put(b, &c->kex)) != 0)
		return r;
	return 0;
}

int
ms_config_parse(struct msbuf *b, struct ms_config *c)
{
	uint32_t version;
	int r;

	memset(c, 0, sizeof(*c));
	if ((r = msbuf_get_u32(b, &version)) != 0)
		goto fail;
	/* Another version may have another layout: read no further. */
	if (version != MS_CONFIG_VERSION) {
		r = MS_ERR_INVALID_FORMAT;
		goto fail;
	}
	if ((r = msbuf_get_u32(b, &c->uid)) != 0 ||
	    (r = msbuf_get_u32(b, &c->gid)) != 0 ||
	    (r = msbuf_get_cstring(b, &c->chroot_dir, NULL,
	    MS_CONFIG_CHROOT_MAX)) != 0 ||
	    (r = msbuf_get_u32(b, &c->login_grace_ms)) != 0 ||
	    (r = msbuf_get_u32(b, &c->max_value_size)) != 0 ||
	    (r = msbuf_get_u8(b, &c->log_level)) != 0 ||
	    (r = msbuf_get_u8(b, &c->sandbox_debug)) != 0 ||
	    (r = ms_alg_list_get(b, &c->ciphers)) != 0 ||
	    (r = ms_alg_list_get(b, &c->kex)) != 0)
		goto fail;
	if (msbuf_len(b) != 0) {
		r = MS_ERR_INVALID_FORMAT;
		goto fail;
	}
	return 0;
 fail:
	ms_config_clear(c);
	return r;
}

void
ms_config_clear(struct ms_config *c)
{
	free(c->chroot_dir);
	memset(c, 0, sizeof(*c));
}

int
ms_handoff_put(struct msbuf *b, const char *peer)
{
	return msbuf_put_cstring(b, peer);
}

int
ms_handoff_parse(struct msbuf *b, char **peerp)
{
	int r;

	*peerp = NULL;
	if ((r = msbuf_get_cstring(b, peerp, NULL, MS_CONFIG_PEER_MAX)) != 0)
		return r;
	if (msbuf_len(b) != 0 || **peerp == '\0') {
		free(*peerp);
		*peerp = NULL;
		return MS_ERR_INVALID_FORMAT;
	}
	return 0;
}
