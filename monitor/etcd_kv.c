/*
 * etcd_kv.c — etcd v3 key-value calls over the JSON gateway (etcd_kv.h).
 *
 * The gateway speaks proto3 JSON: bytes are base64, 64-bit integers are
 * strings, and fields at their default value (false, 0, empty) are left
 * out of answers, so an absent field reads as its default here too.
 */
#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "buf.h"
#include "errors.h"
#include "etcd_kv.h"
#include "etcd_parse.h"
#include "keyfile.h"
#include "store.h"
#include "timeio.h"

struct ms_etcd {
	CURL		*curl;
	char		*endpoint[MS_ETCD_ENDPOINTS_MAX];
	size_t		 nendpoints;
	size_t		 current;	/* the endpoint that answered last */
	int		 timeout_ms;
	int64_t		 deadline;	/* ms_now_ms() clock; 0: none */
	int		 too_large;	/* the answer overflowed its cap */
	struct msbuf	*answer;
	char		 curl_err[CURL_ERROR_SIZE];
};

struct ms_etcd_txn {
	json_t		*compare;
	json_t		*success;
};

int
ms_etcd_fail(char *err, size_t errlen, int st, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return st;
}

/* libcurl's body sink: anything past the cap aborts the transfer. */
static size_t
answer_sink(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct ms_etcd *e = ctx;

	if ((nmemb != 0 && size > SIZE_MAX / nmemb) ||
	    msbuf_put(e->answer, data, size * nmemb) != 0) {
		e->too_large = 1;
		return 0;
	}
	return size * nmemb;
}

static int
setup_tls(CURL *c, const struct ms_etcd_opts *o)
{
	if (o->ca_file != NULL &&
	    curl_easy_setopt(c, CURLOPT_CAINFO, o->ca_file) != CURLE_OK)
		return -1;
	if (o->cert_file != NULL &&
	    (curl_easy_setopt(c, CURLOPT_SSLCERT, o->cert_file) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_SSLKEY, o->key_file != NULL ?
	    o->key_file : o->cert_file) != CURLE_OK))
		return -1;
	return 0;
}

static int
setup_curl(struct ms_etcd *e, const struct ms_etcd_opts *o)
{
	CURL *c = e->curl;

	if (curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") !=
	    CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, e->curl_err) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, answer_sink) !=
	    CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_WRITEDATA, e) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK ||
	    setup_tls(c, o) != 0)
		return -1;
	return 0;
}

int
ms_etcd_new(const struct ms_etcd_opts *o, struct ms_etcd **ep, char *err,
    size_t errlen)
{
	struct ms_etcd *e;
	size_t i;

	*ep = NULL;
	if (o->nendpoints == 0 || o->nendpoints > MS_ETCD_ENDPOINTS_MAX ||
	    o->timeout_ms <= 0)
		return ms_etcd_fail(err, errlen, MS_STORE_INVALID,
		    "need 1 to %d endpoints and a positive timeout",
		    MS_ETCD_ENDPOINTS_MAX);
	/* Thread-safe in the libcurl Debian ships (7.84 and later). */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return ms_etcd_fail(err, errlen, MS_STORE_ERROR, "curl_global_init");
	if ((e = calloc(1, sizeof(*e))) == NULL ||
	    (e->answer = msbuf_new(MS_ETCD_RESPONSE_MAX)) == NULL ||
	    (e->curl = curl_easy_init()) == NULL) {
		ms_etcd_free(e);
		return ms_etcd_fail(err, errlen, MS_STORE_ERROR, "out of memory");
	}
	e->timeout_ms = o->timeout_ms;
	for (i = 0; i < o->nendpoints; i++) {
		if ((e->endpoint[i] = strdup(o->endpoints[i])) == NULL) {
			ms_etcd_free(e);
			return ms_etcd_fail(err, errlen, MS_STORE_ERROR,
			    "out of memory");
		}
		e->nendpoints++;
	}
	if (setup_curl(e, o) != 0) {
		ms_etcd_free(e);
		return ms_etcd_fail(err, errlen, MS_STORE_ERROR,
		    "cannot configure libcurl (TLS files?)");
	}
	*ep = e;
	return MS_STORE_OK;
}

void
ms_etcd_set_deadline(struct ms_etcd *e, int64_t deadline_ms)
{
	e->deadline = deadline_ms > 0 ? deadline_ms : 0;
}

void
ms_etcd_free(struct ms_etcd *e)
{
	size_t i;

	if (e == NULL)
		return;
	if (e->curl != NULL)
		curl_easy_cleanup(e->curl);
	for (i = 0; i < e->nendpoints; i++)
		free(e->endpoint[i]);
	msbuf_free(e->answer);
	free(e);
}

/*
 * The gateway's own error text, when its answer carries one, and the
 * status it means: etcd out of its space quota (the NOSPACE alarm, which
 * refuses every write until an operator acts) is FULL; no quorum or a
 * member in trouble (5xx) is UNAVAILABLE; anything else ERROR.
 */
static int
http_error(struct msbuf *answer, long code, char *err, size_t errlen)
{
	json_t *j, *m;
	int st = code >= 500 ? MS_STORE_UNAVAILABLE : MS_STORE_ERROR;

	j = json_loadb((const char *)msbuf_ptr(answer), msbuf_len(answer),
	    JSON_REJECT_DUPLICATES, NULL);
	if (j != NULL && (m = json_object_get(j, "message")) != NULL &&
	    json_is_string(m)) {
		ms_etcd_fail(err, errlen, 0, "HTTP %ld: %.200s", code,
		    json_string_value(m));
		if (strstr(json_string_value(m), "database space exceeded") !=
		    NULL)
			st = MS_STORE_FULL;
	} else
		ms_etcd_fail(err, errlen, 0, "HTTP %ld", code);
	json_decref(j);
	return st;
}

/* Transport failures that happen before a request can have been sent. */
static int
not_sent(CURLcode rc)
{
	return rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
	    rc == CURLE_SSL_CONNECT_ERROR;
}

static int
post_once(struct ms_etcd *e, size_t which, const char *path,
    const char *body, long timeout_ms, CURLcode *rcp, long *codep)
{
	char url[512];

	if ((size_t)snprintf(url, sizeof(url), "%s%s", e->endpoint[which],
	    path) >= sizeof(url))
		return -1;
	msbuf_reset(e->answer);
	e->curl_err[0] = '\0';
	e->too_large = 0;
	*codep = 0;
	if (curl_easy_setopt(e->curl, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(e->curl, CURLOPT_POSTFIELDS, body) != CURLE_OK ||
	    curl_easy_setopt(e->curl, CURLOPT_TIMEOUT_MS, timeout_ms) !=
	    CURLE_OK ||
	    curl_easy_setopt(e->curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms) !=
	    CURLE_OK)
		return -1;
	*rcp = curl_easy_perform(e->curl);
	if (*rcp == CURLE_OK)
		(void)curl_easy_getinfo(e->curl, CURLINFO_RESPONSE_CODE, codep);
	return 0;
}

/*
 * POST a JSON request; a 200 answer's body is left in e->answer for the
 * caller to parse (etcd_parse.h) and reset.  An idempotent request (a
 * read) moves on to the next endpoint after any transport failure; a
 * write only after one that proves it was never sent.  A pinned request
 * (pin non-NULL) goes to that endpoint alone, within half the time left.
 */
static int
post(struct ms_etcd *e, const char *path, json_t *req, int idempotent,
    const size_t *pin, char *err, size_t errlen)
{
	int64_t deadline = ms_now_ms() + e->timeout_ms, left;
	size_t tries, ntries, which;
	CURLcode rc = CURLE_OK;
	long code = 0;
	char *body;
	int st = MS_STORE_UNAVAILABLE;

	if (e->deadline != 0 && e->deadline < deadline)
		deadline = e->deadline;
	if (deadline <= ms_now_ms())
		return ms_etcd_fail(err, errlen, MS_STORE_UNAVAILABLE,
		    "the request's deadline has passed");
	if (pin != NULL && *pin >= e->nendpoints)
		return ms_etcd_fail(err, errlen, MS_STORE_INVALID,
		    "no endpoint %zu", *pin);
	if (pin != NULL)
		deadline -= (deadline - ms_now_ms()) / 2;
	if ((body = json_dumps(req, JSON_COMPACT)) == NULL)
		return ms_etcd_fail(err, errlen, MS_STORE_ERROR, "out of memory");
	ms_etcd_fail(err, errlen, 0, "no endpoint answered");
	ntries = pin != NULL ? 1 : e->nendpoints;
	for (tries = 0; tries < ntries; tries++) {
		which = pin != NULL ? *pin :
		    (e->current + tries) % e->nendpoints;
		if ((left = deadline - ms_now_ms()) <= 0) {
			ms_etcd_fail(err, errlen, 0, "timed out (deadline or %d ms)",
			    e->timeout_ms);
			break;
		}
		if (post_once(e, which, path, body, (long)left, &rc,
		    &code) != 0) {
			st = ms_etcd_fail(err, errlen, MS_STORE_ERROR,
			    "cannot set up the request");
			break;
		}
		if (rc == CURLE_OK && code == 200) {
			e->current = which;
			st = MS_STORE_OK;
			break;
		}
		if (rc == CURLE_OK) {
			/* etcd answered: no quorum, or it refused the request. */
			st = http_error(e->answer, code, err, errlen);
			if (code < 500 || !idempotent)
				break;
			continue;
		}
		if (rc == CURLE_WRITE_ERROR && e->too_large) {
			/* Another member would send the same answer. */
			st = ms_etcd_fail(err, errlen, MS_ETCD_TOO_LARGE,
			    "answer exceeds %u bytes", MS_ETCD_RESPONSE_MAX);
			break;
		}
		ms_etcd_fail(err, errlen, 0, "%s: %s", e->endpoint[which],
		    e->curl_err[0] != '\0' ? e->curl_err :
		    curl_easy_strerror(rc));
		if (!idempotent && !not_sent(rc))
			break;
	}
	explicit_bzero(body, strlen(body));
	free(body);
	if (st != MS_STORE_OK)
		msbuf_reset(e->answer);
	return st;
}

/* A 200 answer's body as a JSON object. */
static int
load_answer(const u_char *body, size_t len, json_t **answerp, char *err,
    size_t errlen)
{
	if ((*answerp = json_loadb((const char *)body, len,
	    JSON_REJECT_DUPLICATES, NULL)) == NULL ||
	    !json_is_object(*answerp)) {
		json_decref(*answerp);
		*answerp = NULL;
		return ms_etcd_fail(err, errlen, MS_STORE_ERROR,
		    "answer from etcd is not a JSON object");
	}
	return MS_STORE_OK;
}

/* base64 of bytes as a new JSON string. */
static json_t *
b64_json(const u_char *p, size_t len)
{
	json_t *j;
	char *s;

	if (ms_base64_encode(p, len, 0, &s) != 0)
		return NULL;
	j = json_string(s);
	explicit_bzero(s, strlen(s));
	free(s);
	return j;
}

/* Add KEY=base64(bytes) to an object; NULL bytes add nothing. */
static int
set_b64(json_t *o, const char *name, const u_char *p, size_t len)
{
	json_t *v;

	if (p == NULL)
		return 0;
	if ((v = b64_json(p, len)) == NULL)
		return -1;
	return json_object_set_new(o, name, v);
}

static int
set_int64(json_t *o, const char *name, int64_t v)
{
	char s[32];

	snprintf(s, sizeof(s), "%lld", (long long)v);
	return json_object_set_new(o, name, json_string(s));
}

/* A proto3 int64: a decimal string, or absent (0). */
static int
get_int64(const json_t *o, const char *name, int64_t *v)
{
	const json_t *j = json_object_get(o, name);
	const char *s;
	char *end;
	long long n;

	*v = 0;
	if (j == NULL)
		return 0;
	if (json_is_integer(j)) {
		*v = (int64_t)json_integer_value(j);
		return 0;
	}
	if (!json_is_string(j))
		return -1;
	s = json_string_value(j);
	errno = 0;
	n = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0)
		return -1;
	*v = (int64_t)n;
	return 0;
}

/* A base64 field, decoded under cap; absent is empty. */
static int
get_bytes(const json_t *o, const char *name, size_t cap, u_char **pp,
    size_t *lenp)
{
	const json_t *j = json_object_get(o, name);

	*pp = NULL;
	*lenp = 0;
	if (j == NULL)
		return 0;
	if (!json_is_string(j))
		return -1;
	return ms_base64_decode(json_string_value(j), pp, lenp, cap) == 0 ?
	    0 : -1;
}

static int
header_revision(const json_t *answer, int64_t *rev)
{
	const json_t *h = json_object_get(answer, "header");

	if (h == NULL || !json_is_object(h))
		return -1;
	return get_int64(h, "revision", rev);
}

static int
visit_kv(const json_t *item, ms_etcd_kv_fn *cb, void *ctx)
{
	struct ms_etcd_kv kv;
	u_char *key = NULL, *val = NULL;
	int r = -1;

	memset(&kv, 0, sizeof(kv));
	if (!json_is_object(item) ||
	    get_bytes(item, "key", MS_ETCD_KEY_MAX, &key, &kv.keylen) != 0 ||
	    get_bytes(item, "value", MS_ETCD_VALUE_MAX, &val,
	    &kv.valuelen) != 0 ||
	    get_int64(item, "create_revision", &kv.create_revision) != 0 ||
	    get_int64(item, "mod_revision", &kv.mod_revision) != 0 ||
	    get_int64(item, "version", &kv.version) != 0)
		goto out;
	kv.key = key != NULL ? key : (const u_char *)"";
	kv.value = val != NULL ? val : (const u_char *)"";
	r = cb(ctx, &kv);
 out:
	free(key);
	if (val != NULL)
		freezero(val, kv.valuelen);
	return r;
}

static json_t *
range_request(const struct ms_etcd_range *q)
{
	json_t *req;

	if ((req = json_object()) == NULL)
		return NULL;
	if (set_b64(req, "key", q->key, q->keylen) != 0 ||
	    set_b64(req, "range_end", q->end, q->endlen) != 0 ||
	    (q->limit > 0 && set_int64(req, "limit", q->limit) != 0) ||
	    (q->revision > 0 && set_int64(req, "revision", q->revision) != 0) ||
	    (q->count_only &&
	    json_object_set_new(req, "count_only", json_true()) != 0) ||
	    (q->pinned &&
	    json_object_set_new(req, "serializable", json_true()) != 0)) {
		json_decref(req);
		return NULL;
	}
	return req;
}

int
ms_etcd_get_range(struct ms_etcd *e, const struct ms_etcd_range *q,
    ms_etcd_kv_fn *cb, void *ctx, struct ms_etcd_range_result *res,
    char *err, size_t errlen)
{
	json_t *req;
	int st;

	memset(res, 0, sizeof(*res));
	if (q->key == NULL || q->keylen == 0 || q->keylen > MS_ETCD_KEY_MAX)
		return ms_etcd_fail(err, errlen, MS_STORE_INVALID, "bad range key");
	if ((req = range_request(q)) == NULL)
		return ms_etcd_fail(err, errlen, MS_STORE_ERROR, "out of memory");
	st = post(e, "/v3/kv/range", req, 1, q->pinned ? &q->endpoint : NULL,
	    err, errlen);
	json_decref(req);
	if (st != MS_STORE_OK)
		return st;
	st = ms_etcd_parse_range(msbuf_ptr(e->answer), msbuf_len(e->answer),
	    cb, ctx, res, err, errlen);
	res->endpoint = e->current;
	msbuf_reset(e->answer);
	return st;
}

int
ms_etcd_parse_range(const u_char *body, size_t len, ms_etcd_kv_fn *cb,
    void *ctx, struct ms_etcd_range_result *res, char *err, size_t errlen)
{
	json_t *answer = NULL, *kvs, *more;
	size_t i, nkvs;
	int st, r;

	memset(res, 0, sizeof(*res));
	if ((st = load_answer(body, len, &answer, err, errlen)) != MS_STORE_OK)
		return st;
	kvs = json_object_get(answer, "kvs");
	more = json_object_get(answer, "more");
	if (header_revision(answer, &res->revision) != 0 ||
	    get_int64(answer, "count", &res->count) != 0 ||
	    (kvs != NULL && !json_is_array(kvs)) ||
	    (more != NULL && !json_is_boolean(more))) {
		json_decref(answer);
		return ms_etcd_fail(err, errlen, MS_STORE_ERROR,
		    "malformed range answer");
	}
	res->more = more != NULL && json_is_true(more);
	res->bytes = len;
	/*
	 * etcd counts every key in the range and says more only when its
	 * limit left some out: callers size counts and end walks on these.
	 */
	nkvs = json_array_size(kvs);
	if (res->count < 0 || (uint64_t)res->count < nkvs ||
	    (res->more && (uint64_t)res->count == nkvs)) {
		json_decref(answer);
		return ms_etcd_fail(err, errlen, MS_STORE_ERROR,
		    "range answer counts %lld keys, carries %zu%s",
		    (long long)res->count, nkvs, res->more ? " and more" : "");
	}
	for (i = 0; kvs != NULL && i < json_array_size(kvs); i++) {
		if (cb == NULL)
			break;
		if ((r = visit_kv(json_array_get(kvs, i), cb, ctx)) != 0) {
			st = r > 0 ? r : ms_etcd_fail(err, errlen, MS_STORE_ERROR,
			    "malformed key in a range answer");
			break;
		}
	}
	json_decref(answer);
	return st;
}

int
ms_etcd_status(struct ms_etcd *e, int64_t *db_sizep, char *err,
    size_t errlen)
{
	json_t *req;
	int st;

	*db_sizep = 0;
	if ((req = json_object()) == NULL)
		return ms_etcd_fail(err, errlen, MS_STORE_ERROR, "out of memory");
	st = post(e, "/v3/maintenance/status", req, 1, NULL, err, errlen);
	json_decref(req);
	if (st != MS_STORE_OK)
		return st;
	st = ms_etcd_parse_status(msbuf_ptr(e->answer), msbuf_len(e->answer),
	    db_sizep, err, errlen);
	msbuf_reset(e->answer);
	return st;
}

int
ms_etcd_parse_status(const u_char *body, size_t len, int64_t *db_sizep,
    char *err, size_t errlen)
{
	json_t *answer = NULL;
	int64_t size = 0, in_use = 0;
	int st;

	*db_sizep = 0;
	if ((st = load_answer(body, len, &answer, err, errlen)) != MS_STORE_OK)
		return st;
	if (get_int64(answer, "dbSize", &size) != 0 ||
	    get_int64(answer, "dbSizeInUse", &in_use) != 0 || size < 0 ||
	    in_use < 0) {
		json_decref(answer);
		return ms_etcd_fail(err, errlen, MS_STORE_ERROR,
		    "malformed status answer");
	}
	json_decref(answer);
	/* Older members do not report the part in use. */
	*db_sizep = in_use > 0 ? in_use : size;
	return MS_STORE_OK;
}

struct ms_etcd_txn *
ms_etcd_txn_new(void)
{
	struct ms_etcd_txn *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if ((t->compare = json_array()) == NULL ||
	    (t->success = json_array()) == NULL) {
		ms_etcd_txn_free(t);
		return NULL;
	}
	return t;
}

void
ms_etcd_txn_free(struct ms_etcd_txn *t)
{
	if (t == NULL)
		return;
	json_decref(t->compare);
	json_decref(t->success);
	free(t);
}

size_t
ms_etcd_txn_nops(const struct ms_etcd_txn *t)
{
	return json_array_size(t->success);
}

static const char *
cmp_target_name(enum ms_etcd_cmp_target target, const char **field)
{
	switch (target) {
	case MS_ETCD_CMP_MOD:
		*field = "mod_revision";
		return "MOD";
	case MS_ETCD_CMP_CREATE:
		*field = "create_revision";
		return "CREATE";
	case MS_ETCD_CMP_VERSION:
		*field = "version";
		return "VERSION";
	}
	return NULL;
}

static const char *
cmp_result_name(enum ms_etcd_cmp_result result)
{
	switch (result) {
	case MS_ETCD_EQUAL:
		return "EQUAL";
	case MS_ETCD_LESS:
		return "LESS";
	case MS_ETCD_GREATER:
		return "GREATER";
	}
	return NULL;
}

static int
txn_append(json_t *list, json_t *item)
{
	if (item == NULL || json_array_size(list) >= MS_ETCD_TXN_OPS_MAX) {
		json_decref(item);
		return MS_STORE_INVALID;
	}
	return json_array_append_new(list, item) == 0 ? MS_STORE_OK :
	    MS_STORE_ERROR;
}

int
ms_etcd_txn_compare(struct ms_etcd_txn *t, const u_char *key, size_t keylen,
    const u_char *end, size_t endlen, enum ms_etcd_cmp_target target,
    enum ms_etcd_cmp_result result, int64_t value)
{
	const char *tname, *rname, *field = NULL;
	json_t *c;

	if ((tname = cmp_target_name(target, &field)) == NULL ||
	    (rname = cmp_result_name(result)) == NULL || key == NULL ||
	    keylen == 0 || keylen > MS_ETCD_KEY_MAX)
		return MS_STORE_INVALID;
	if ((c = json_object()) == NULL)
		return MS_STORE_ERROR;
	if (set_b64(c, "key", key, keylen) != 0 ||
	    set_b64(c, "range_end", end, endlen) != 0 ||
	    json_object_set_new(c, "target", json_string(tname)) != 0 ||
	    json_object_set_new(c, "result", json_string(rname)) != 0 ||
	    set_int64(c, field, value) != 0) {
		json_decref(c);
		return MS_STORE_ERROR;
	}
	return txn_append(t->compare, c);
}

static json_t *
wrap(const char *kind, json_t *inner)
{
	json_t *o;

	if (inner == NULL || (o = json_object()) == NULL) {
		json_decref(inner);
		return NULL;
	}
	if (json_object_set_new(o, kind, inner) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int
ms_etcd_txn_put(struct ms_etcd_txn *t, const u_char *key, size_t keylen,
    const u_char *value, size_t valuelen)
{
	json_t *p;

	if (key == NULL || keylen == 0 || keylen > MS_ETCD_KEY_MAX ||
	    valuelen > MS_ETCD_VALUE_MAX || (value == NULL && valuelen > 0))
		return MS_STORE_INVALID;
	if ((p = json_object()) == NULL)
		return MS_STORE_ERROR;
	if (set_b64(p, "key", key, keylen) != 0 ||
	    set_b64(p, "value", value != NULL ? value : (const u_char *)"",
	    valuelen) != 0) {
		json_decref(p);
		return MS_STORE_ERROR;
	}
	return txn_append(t->success, wrap("request_put", p));
}

int
ms_etcd_txn_delete(struct ms_etcd_txn *t, const u_char *key, size_t keylen,
    const u_char *end, size_t endlen)
{
	json_t *d;

	if (key == NULL || keylen == 0 || keylen > MS_ETCD_KEY_MAX)
		return MS_STORE_INVALID;
	if ((d = json_object()) == NULL)
		return MS_STORE_ERROR;
	if (set_b64(d, "key", key, keylen) != 0 ||
	    set_b64(d, "range_end", end, endlen) != 0) {
		json_decref(d);
		return MS_STORE_ERROR;
	}
	return txn_append(t->success, wrap("request_delete_range", d));
}

int
ms_etcd_txn_commit(struct ms_etcd *e, struct ms_etcd_txn *t, int *succeeded,
    int64_t *revision, char *err, size_t errlen)
{
	json_t *req;
	int st;

	*succeeded = 0;
	*revision = 0;
	if ((req = json_object()) == NULL ||
	    json_object_set(req, "compare", t->compare) != 0 ||
	    json_object_set(req, "success", t->success) != 0) {
		json_decref(req);
		return ms_etcd_fail(err, errlen, MS_STORE_ERROR, "out of memory");
	}
	st = post(e, "/v3/kv/txn", req, 0, NULL, err, errlen);
	json_decref(req);
	if (st != MS_STORE_OK)
		return st;
	st = ms_etcd_parse_txn(msbuf_ptr(e->answer), msbuf_len(e->answer),
	    succeeded, revision, err, errlen);
	msbuf_reset(e->answer);
	return st;
}

int
ms_etcd_parse_txn(const u_char *body, size_t len, int *succeeded,
    int64_t *revision, char *err, size_t errlen)
{
	json_t *answer = NULL, *ok;
	int st;

	*succeeded = 0;
	*revision = 0;
	if ((st = load_answer(body, len, &answer, err, errlen)) != MS_STORE_OK)
		return st;
	ok = json_object_get(answer, "succeeded");
	if (header_revision(answer, revision) != 0 ||
	    (ok != NULL && !json_is_boolean(ok))) {
		json_decref(answer);
		return ms_etcd_fail(err, errlen, MS_STORE_ERROR,
		    "malformed txn answer");
	}
	*succeeded = ok != NULL && json_is_true(ok);
	json_decref(answer);
	return MS_STORE_OK;
}
