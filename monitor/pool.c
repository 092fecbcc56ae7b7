/*
 * pool.c — how many workers to pre-spawn, their CONFIG, the HANDOFF
 * (see pool.h).
 */
#include <sys/types.h>

#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "errors.h"
#include "fdpass.h"
#include "frame.h"
#include "log.h"
#include "msg_config.h"
#include "mslimits.h"
#include "pool.h"
#include "proto.h"
#include "servconf.h"

static size_t
min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

size_t
pool_refill_count(const struct pool_counts *c)
{
	size_t cap, used, room, want;

	if (c->pool_size <= 0 || c->max_sessions <= 0 || c->fd_sessions <= 0)
		return 0;
	cap = min_size((size_t)c->max_sessions, (size_t)c->fd_sessions);
	used = c->sessions + c->pooled;
	room = used < cap ? cap - used : 0;
	want = (size_t)c->pool_size > c->pooled ?
	    (size_t)c->pool_size - c->pooled : 0;
	return min_size(min_size(room, want), POOL_REFILL_PER_PASS);
}

int
pool_config_frame(const struct mon_ctx *ctx, const struct server_opts *opts,
    struct msbuf *out)
{
	const struct servconf *c = ctx->conf;
	struct ms_config mc;
	struct msbuf *b;
	int r;

	if ((b = msbuf_new(MS_CONFIG_FRAME_MAX)) == NULL)
		return MS_ERR_ALLOC;
	memset(&mc, 0, sizeof(mc));
	mc.uid = (uint32_t)opts->privsep_uid;
	mc.gid = (uint32_t)opts->privsep_gid;
	mc.chroot_dir = c->privsep_chroot;
	mc.login_grace_ms = (uint32_t)c->login_grace_time * 1000;
	mc.max_value_size = (uint32_t)c->max_value_size;
	mc.log_level = (uint8_t)ms_log_get_level();
	mc.sandbox_debug = (uint8_t)c->sandbox_debug;
	mc.ciphers = c->ciphers;
	mc.kex = c->kex;
	if ((r = ms_config_put(b, &mc)) == 0)
		r = ms_frame_encode(out, MS_MON_CONFIG, b);
	msbuf_free(b);
	return r;
}

int
pool_handoff(int mon_fd, int client_fd, const char *peer)
{
	struct msbuf *payload = NULL, *frame = NULL;
	int r;

	if ((payload = msbuf_new(MS_HANDOFF_FRAME_MAX)) == NULL ||
	    (frame = msbuf_new(MS_FRAME_HEADER_LEN +
	    MS_HANDOFF_FRAME_MAX)) == NULL) {
		r = MS_ERR_ALLOC;
		goto out;
	}
	if ((r = ms_handoff_put(payload, peer)) != 0 ||
	    (r = ms_frame_encode(frame, MS_MON_HANDOFF, payload)) != 0)
		goto out;
	r = ms_fd_send(mon_fd, msbuf_ptr(frame), msbuf_len(frame), client_fd);
 out:
	msbuf_free(payload);
	msbuf_free(frame);
	return r;
}
