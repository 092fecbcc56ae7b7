/*
 * etcd_kv.h — a client of etcd's v3 key-value API, through its JSON
 * gateway (/v3/kv/range, /v3/kv/txn), for the monitor's etcd store.
 *
 * HTTP is libcurl's and JSON is jansson's: nothing here parses either by
 * hand.  Keys and values are bytes (base64 on the wire, decoded with
 * common/base64.c under explicit caps).  Every call is blocking and
 * bounded by the configured timeout, so the caller runs it off the
 * monitor's event loop (the store thread).  Calls log nothing and touch
 * no global state but libcurl's: the text of a failure goes to the
 * caller's err buffer, so a thread may use a handle of its own.
 *
 * Reads are linearizable (etcd's default serializable=false) unless the
 * range asks to be served by one pinned member from its own state (see
 * struct ms_etcd_range).  A range that fails to connect to one endpoint
 * moves on to the next within the timeout; a transaction is sent once:
 * after a timeout its outcome is unknown, and it is reported as
 * unavailable, never retried blindly.
 *
 * Statuses are those of store.h: MS_STORE_OK, MS_STORE_UNAVAILABLE (no
 * endpoint answered in time, no quorum, HTTP errors), MS_STORE_FULL
 * (etcd's space quota is exhausted: nothing is written until an operator
 * compacts, defragments and disarms the alarm), MS_STORE_ERROR (an
 * answer that does not parse or exceeds a cap), MS_STORE_INVALID (a bad
 * argument).
 */
#ifndef MS_ETCD_KV_H
#define MS_ETCD_KV_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define MS_ETCD_ENDPOINTS_MAX	16
#define MS_ETCD_KEY_MAX		(8u * 1024)		/* one key, bytes */
#define MS_ETCD_VALUE_MAX	(1536u * 1024)		/* one value, bytes */
#define MS_ETCD_RESPONSE_MAX	(8u * 1024 * 1024)	/* one HTTP answer */
#define MS_ETCD_TXN_OPS_MAX	128			/* compares or ops */
/*
 * Beside the store.h statuses: a range whose answer would exceed
 * MS_ETCD_RESPONSE_MAX (ask again with a smaller limit).
 */
#define MS_ETCD_TOO_LARGE	101

struct ms_etcd_opts {
	const char	*endpoints[MS_ETCD_ENDPOINTS_MAX]; /* http(s)://host:port */
	size_t		 nendpoints;
	const char	*ca_file;	/* verify etcd's certificate; NULL: system */
	const char	*cert_file;	/* client certificate for mutual TLS */
	const char	*key_file;
	int		 timeout_ms;	/* whole call, all endpoints together */
};

struct ms_etcd;

/* One key as etcd returned it; key and value are valid during the callback. */
struct ms_etcd_kv {
	const u_char	*key;
	size_t		 keylen;
	const u_char	*value;
	size_t		 valuelen;
	int64_t		 create_revision;
	int64_t		 mod_revision;
	int64_t		 version;
};
typedef int ms_etcd_kv_fn(void *ctx, const struct ms_etcd_kv *kv);

struct ms_etcd_range {
	const u_char	*key;
	size_t		 keylen;
	const u_char	*end;		/* NULL: the one key */
	size_t		 endlen;
	int64_t		 limit;		/* 0: no limit */
	int64_t		 revision;	/* 0: the newest */
	int		 count_only;
	/*
	 * Pinned: serializable=true, sent to endpoint (an index into the
	 * configured endpoints) alone, with no move to another after a
	 * failure, and given at most half of the time left, so that the
	 * caller can still fall back to a linearizable read.
	 */
	int		 pinned;
	size_t		 endpoint;
};

struct ms_etcd_range_result {
	int64_t		 revision;	/* the store's revision at the read */
	/* Checked: count >= the keys visited, > them when more. */
	int64_t		 count;		/* keys in the range (ignoring limit) */
	int		 more;		/* limit cut the answer short */
	size_t		 bytes;		/* size of etcd's answer (JSON) */
	size_t		 endpoint;	/* index of the member that answered */
};

/* Compare targets for a transaction. */
enum ms_etcd_cmp_target {
	MS_ETCD_CMP_MOD,		/* mod_revision */
	MS_ETCD_CMP_CREATE,		/* create_revision; 0: the key is absent */
	MS_ETCD_CMP_VERSION,
};
enum ms_etcd_cmp_result {
	MS_ETCD_EQUAL,
	MS_ETCD_LESS,
	MS_ETCD_GREATER,
};

struct ms_etcd_txn;

/* Write the failure's text into err (when there is one); returns st. */
int	ms_etcd_fail(char *err, size_t errlen, int st, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));

int	ms_etcd_new(const struct ms_etcd_opts *opts, struct ms_etcd **ep,
	    char *err, size_t errlen);
void	ms_etcd_free(struct ms_etcd *e);
/*
 * Calls from now on end by deadline_ms (ms_now_ms() clock) as well as
 * within the configured timeout; 0 removes it.  A call made past it
 * fails with MS_STORE_UNAVAILABLE without sending anything.
 */
void	ms_etcd_set_deadline(struct ms_etcd *e, int64_t deadline_ms);

/* Also MS_ETCD_TOO_LARGE: the answer would exceed MS_ETCD_RESPONSE_MAX. */
int	ms_etcd_get_range(struct ms_etcd *e, const struct ms_etcd_range *q,
	    ms_etcd_kv_fn *cb, void *ctx, struct ms_etcd_range_result *res,
	    char *err, size_t errlen);

/*
 * The answering member's database size in bytes (the part in use when it
 * says, else the file's): maintenance status.
 */
int	ms_etcd_status(struct ms_etcd *e, int64_t *db_sizep, char *err,
	    size_t errlen);

/* Build a transaction: compares, then the operations done if all hold. */
struct ms_etcd_txn *ms_etcd_txn_new(void);
void	ms_etcd_txn_free(struct ms_etcd_txn *t);
int	ms_etcd_txn_compare(struct ms_etcd_txn *t, const u_char *key,
	    size_t keylen, const u_char *end, size_t endlen,
	    enum ms_etcd_cmp_target target, enum ms_etcd_cmp_result result,
	    int64_t value);
int	ms_etcd_txn_put(struct ms_etcd_txn *t, const u_char *key,
	    size_t keylen, const u_char *value, size_t valuelen);
int	ms_etcd_txn_delete(struct ms_etcd_txn *t, const u_char *key,
	    size_t keylen, const u_char *end, size_t endlen);
size_t	ms_etcd_txn_nops(const struct ms_etcd_txn *t);
/*
 * Commit: *succeeded says whether every compare held (and so the
 * operations were applied, atomically, at *revision).
 */
int	ms_etcd_txn_commit(struct ms_etcd *e, struct ms_etcd_txn *t,
	    int *succeeded, int64_t *revision, char *err, size_t errlen);

#endif /* MS_ETCD_KV_H */
