/*
 * store_acl.c — a node's ACL in the store: get, set, and the walk that
 * monitor/acl.c evaluates (acl.c itself does not know the backend).
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "acl.h"
#include "buf.h"
#include "crypto.h"
#include "errors.h"
#include "log.h"
#include "path.h"
#include "proto.h"
#include "store.h"
#include "store_int.h"
#include "store_kv.h"
#include "storekey.h"

int
ms_store_get_acl(struct ms_store *s, const char *path, struct ms_acl *out)
{
	struct store_tx *tx;
	uint64_t id;
	int st;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (s == NULL || out == NULL || !store_path_ok(path))
		return MS_STORE_INVALID;
	if ((st = store_txn_begin(s, 0, &tx)) != MS_STORE_OK)
		return st;
	if ((st = store_node_id(s, tx, path, &id)) == MS_STORE_OK &&
	    store_node_get(s, tx, id, out) != 0)
		st = MS_STORE_ERROR;
	if ((st = store_txn_finish(s, tx, st)) != MS_STORE_OK)
		memset(out, 0, sizeof(*out));
	return st;
}

/* Apply one change; 0, or MS_STORE_INVALID when the ACL would overflow. */
static int
acl_apply(struct ms_acl *acl, const struct ms_acl_entry *ch)
{
	size_t i;

	for (i = 0; i < acl->nentries; i++) {
		if (strcmp(acl->entries[i].who, ch->who) == 0)
			break;
	}
	if (ch->rights == 0) {
		if (i < acl->nentries) {
			memmove(&acl->entries[i], &acl->entries[i + 1],
			    (acl->nentries - i - 1) * sizeof(acl->entries[0]));
			acl->nentries--;
		}
		return 0;
	}
	if (i == acl->nentries) {
		if (acl->nentries >= MS_ACL_ENTRIES_MAX)
			return MS_STORE_INVALID;
		acl->nentries++;
	}
	acl->entries[i] = *ch;
	return 0;
}

static int
set_acl_once(struct ms_store *s, const char *path,
    const struct ms_acl_entry *changes, size_t n, int noinherit,
    int sensitive, struct ms_acl *acl)
{
	struct store_tx *tx;
	uint64_t id;
	size_t i;
	int r, st;

	if ((st = store_txn_begin(s, 1, &tx)) != MS_STORE_OK)
		return st;
	if ((st = store_node_id(s, tx, path, &id)) != MS_STORE_OK)
		goto out;
	if ((r = store_node_get(s, tx, id, acl)) != 0) {
		st = MS_STORE_ERROR;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if ((st = acl_apply(acl, &changes[i])) != MS_STORE_OK)
			goto out;
	}
	if (noinherit == 1)
		acl->flags |= MS_NODE_NOINHERIT;
	else if (noinherit == 0)
		acl->flags &= ~MS_NODE_NOINHERIT;
	if (sensitive == 1)
		acl->flags |= MS_NODE_SENSITIVE;
	else if (sensitive == 0)
		acl->flags &= ~MS_NODE_SENSITIVE;
	if ((r = store_node_put(s, tx, id, acl, 0)) != 0)
		st = store_buf_fail("write acl", r);
 out:
	return store_txn_finish(s, tx, st);
}

int
ms_store_set_acl(struct ms_store *s, const char *path,
    const struct ms_acl_entry *changes, size_t n, int noinherit,
    int sensitive)
{
	struct ms_acl *acl = NULL;
	unsigned int attempt = 0;
	size_t i;
	int st;

	if (s == NULL || !store_path_ok(path) || n > MS_ACL_ENTRIES_MAX ||
	    (n > 0 && changes == NULL) || noinherit < -1 || noinherit > 1 ||
	    sensitive < -1 || sensitive > 1)
		return MS_STORE_INVALID;
	for (i = 0; i < n; i++) {
		if (memchr(changes[i].who, '\0', sizeof(changes[i].who)) == NULL ||
		    ms_acl_who_valid(changes[i].who) != 0 ||
		    (changes[i].rights & ~MS_RIGHTS_ALL) != 0)
			return MS_STORE_INVALID;
	}
	if ((acl = calloc(1, sizeof(*acl))) == NULL)
		return store_buf_fail("set acl", MS_ERR_ALLOC);
	do
		st = set_acl_once(s, path, changes, n, noinherit, sensitive,
		    acl);
	while (store_retry(st, attempt++));
	free(acl);
	return store_final(st);
}

int
ms_store_acl_walk(void *wctx, const char *path, ms_acl_visit_fn *visit,
    void *vctx)
{
	struct ms_store *s = wctx;
	struct resolved res;
	struct ms_acl *acl = NULL;
	struct store_tx *tx = NULL;
	char prefix[MS_PATH_MAX + 1];
	size_t i;
	int r, st;

	if (s == NULL || visit == NULL || !store_path_ok(path))
		return MS_ERR_INVALID_ARGUMENT;
	if ((acl = calloc(1, sizeof(*acl))) == NULL)
		return MS_ERR_ALLOC;
	if ((st = store_txn_begin(s, 0, &tx)) != MS_STORE_OK) {
		/* Logged; an unanswering store is told from a broken one. */
		r = st == MS_STORE_UNAVAILABLE ? MS_ERR_STORE_UNAVAILABLE :
		    MS_ERR_INTERNAL;
		goto out;
	}
	if ((r = store_resolve(s, tx, path, &res)) != 0)
		goto out;
	for (i = res.depth; i-- > 0;) {
		if ((r = store_node_get(s, tx, res.id[i], acl)) != 0)
			goto out;
		/* end[i] <= strlen(path) <= MS_PATH_MAX */
		memcpy(prefix, path, res.end[i]);
		prefix[res.end[i]] = '\0';
		if ((r = visit(vctx, prefix, acl)) != 0)
			goto out;
	}
 out:
	/*
	 * A backend failure the walk met is an error, whatever r says; the
	 * visitor's own error stands unless the store did not answer.
	 */
	if (tx != NULL &&
	    (st = store_txn_finish(s, tx, MS_STORE_OK)) != MS_STORE_OK) {
		if (st == MS_STORE_UNAVAILABLE)
			r = MS_ERR_STORE_UNAVAILABLE;
		else if (r == 0)
			r = MS_ERR_INTERNAL;
	}
	free(acl);
	return r;
}
