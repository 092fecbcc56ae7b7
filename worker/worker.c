/*
 * worker.c — life cycle of the per-connection state.
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "worker.h"

void
worker_init(struct worker *w, int client_fd, int mon_fd)
{
	memset(w, 0, sizeof(*w));
	w->client_fd = client_fd;
	w->mon_fd = mon_fd;
	w->phase = W_PHASE_CLEAR;
	w->next_handle = 1;
}

/* Wipe every session secret; safe to call more than once. */
void
worker_clear(struct worker *w)
{
	if (w == NULL)
		return;
	ms_record_dir_clear(&w->tx);
	ms_record_dir_clear(&w->rx);
	ms_blob_ctx_clear(&w->blob_tx);
	ms_blob_ctx_clear(&w->blob_rx);
	w_handles_clear(w);
	ms_config_clear(&w->conf);
	free(w->peer);
	w->peer = NULL;
	explicit_bzero(w->principal, sizeof(w->principal));
	w->authed = 0;
	w->phase = W_PHASE_CLEAR;
}

const char *
w_peer(const struct worker *w)
{
	return w->peer != NULL ? w->peer : "?";
}
