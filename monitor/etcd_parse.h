/*
 * etcd_parse.h — private to monitor/etcd_kv.c and its fuzz harness
 * (regress/fuzz/fuzz_etcd.c): the parsers of the gateway's answers, given
 * the HTTP body of a 200 answer as received, with no network.  A hostile
 * or compromised etcd endpoint controls these bytes.
 *
 * Each returns MS_STORE_OK, MS_STORE_ERROR (the body is not a JSON object,
 * a field has the wrong type, a key or value exceeds MS_ETCD_KEY_MAX or
 * MS_ETCD_VALUE_MAX, a range counts fewer keys than it carries or says
 * more with none beyond them) with its text in err, or, for a range, a
 * positive status the callback returned to stop the walk.
 */
#ifndef MS_ETCD_PARSE_H
#define MS_ETCD_PARSE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "etcd_kv.h"

/*
 * A /v3/kv/range answer: res gets revision, count, more and bytes (len);
 * each key in it goes to cb (NULL: none), in order, until cb returns
 * non-zero.  res->endpoint is left to the caller.
 */
int	ms_etcd_parse_range(const u_char *body, size_t len, ms_etcd_kv_fn *cb,
	    void *ctx, struct ms_etcd_range_result *res, char *err,
	    size_t errlen);
/* A /v3/kv/txn answer. */
int	ms_etcd_parse_txn(const u_char *body, size_t len, int *succeeded,
	    int64_t *revision, char *err, size_t errlen);
/* A /v3/maintenance/status answer (see ms_etcd_status). */
int	ms_etcd_parse_status(const u_char *body, size_t len, int64_t *db_sizep,
	    char *err, size_t errlen);

#endif /* MS_ETCD_PARSE_H */
