/*
 * handles.c — the handle table of one connection.
 *
 * A handle names a path the client OPENed and the access it asked for.
 * Handle numbers are never reused within a connection, so a stale handle
 * stays BAD_HANDLE rather than silently meaning another path.  The monitor
 * never sees handles: every request to it carries the path (I4).
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "proto.h"
#include "worker.h"

int
w_handle_add(struct worker *w, const char *path, uint8_t access,
    uint32_t *idp)
{
	struct w_handle *h = NULL;
	size_t i;

	*idp = 0;
	if (w->nhandles >= MS_HANDLES_MAX || w->next_handle == 0)
		return MS_ERR_LIMIT;
	for (i = 0; i < MS_HANDLES_MAX; i++) {
		if (w->handles[i].id == 0) {
			h = &w->handles[i];
			break;
		}
	}
	if (h == NULL)
		return MS_ERR_INTERNAL;
	if ((h->path = strdup(path)) == NULL)
		return MS_ERR_ALLOC;
	h->id = w->next_handle++;
	h->access = access;
	w->nhandles++;
	*idp = h->id;
	return 0;
}

const struct w_handle *
w_handle_find(const struct worker *w, uint32_t id)
{
	size_t i;

	if (id == 0)
		return NULL;
	for (i = 0; i < MS_HANDLES_MAX; i++) {
		if (w->handles[i].id == id)
			return &w->handles[i];
	}
	return NULL;
}

int
w_handle_del(struct worker *w, uint32_t id)
{
	size_t i;

	if (id == 0)
		return MS_ERR_NOT_FOUND;
	for (i = 0; i < MS_HANDLES_MAX; i++) {
		if (w->handles[i].id == id) {
			free(w->handles[i].path);
			memset(&w->handles[i], 0, sizeof(w->handles[i]));
			w->nhandles--;
			return 0;
		}
	}
	return MS_ERR_NOT_FOUND;
}

void
w_handles_clear(struct worker *w)
{
	size_t i;

	for (i = 0; i < MS_HANDLES_MAX; i++) {
		free(w->handles[i].path);
		memset(&w->handles[i], 0, sizeof(w->handles[i]));
	}
	w->nhandles = 0;
}
