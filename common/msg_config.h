/*
 * msg_config.h — the CONFIG frame (type MS_MON_CONFIG, PROTOCOL.md 11),
 * the first thing the monitor sends a new worker, before it has a client:
 *
 *   u32 version (MS_CONFIG_VERSION) || u32 uid || u32 gid ||
 *   name chroot_dir || u32 login_grace_ms || u32 max_value_size ||
 *   u8 log_level || u8 sandbox_debug || alg list ciphers || alg list kex
 *
 * with the algorithm lists in the hellos' encoding (hello.h).  Encoded by
 * the monitor and parsed by the worker, here only.  The parser checks
 * structure (version, caps, nothing trailing); what the values may be
 * (never root, algorithms this build has) is for the worker to judge.
 * CONFIG holds no client data: a pooled worker gets it long before any
 * connection exists.
 *
 * HANDOFF (type MS_MON_HANDOFF) gives the sandboxed worker its connection:
 *
 *   name peer
 *
 * with the client socket attached to the frame's first byte as the only
 * SCM_RIGHTS descriptor (common/fdpass.c).
 */
#ifndef MS_MSG_CONFIG_H
#define MS_MSG_CONFIG_H

#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "hello.h"
#include "mslimits.h"

struct ms_config {
	uint32_t		 uid, gid;
	char			*chroot_dir;
	uint32_t		 login_grace_ms;	/* 0: no limit */
	uint32_t		 max_value_size;
	uint8_t			 log_level;
	uint8_t			 sandbox_debug;
	struct ms_alg_list	 ciphers;		/* server preference */
	struct ms_alg_list	 kex;			/* server preference */
};

/* Append a CONFIG payload; the version is MS_CONFIG_VERSION. */
int	ms_config_put(struct msbuf *b, const struct ms_config *c);
/* Parse a whole payload into *c (owned strings); on failure *c is clear. */
int	ms_config_parse(struct msbuf *b, struct ms_config *c);
void	ms_config_clear(struct ms_config *c);

/* HANDOFF payload: the peer, "ADDR:PORT" (or "[ADDR]:PORT"), for logs. */
int	ms_handoff_put(struct msbuf *b, const char *peer);
/* Parse a whole payload; *peerp is owned by the caller, NULL on failure. */
int	ms_handoff_parse(struct msbuf *b, char **peerp);

#endif /* MS_MSG_CONFIG_H */
