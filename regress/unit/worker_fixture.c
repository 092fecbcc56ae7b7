/*
 * worker_fixture.c — the fake monitor, the worker child and the test
 * client that the test_worker_*.c tests drive (see worker_fixture.h).
 */
#include "worker_fixture.h"

#define MON_VIOLATION	0x80

static EVP_PKEY *host_kex, *host_sig, *client_key, *other_key;
static u_char host_kex_pub[32], host_sig_pub[32], client_pub[32],
    other_pub[32];

/* ---------------------------------------------------------------- */
/* Fake monitor                                                      */

struct fake_mon {
	int		 fd;
	int		 state;		/* 0 start, 1 hello, 2 decap, 3 sign, 4 auth */
	u_char		 nonce[MS_RANDOM_LEN];
	struct msbuf	*chf, *shf;
	struct msbuf	*sc;		/* SERVER_CERTIFICATE handed out */
	u_char		 sig[64];
	int		 authed;
	int		 nsets;
	int		 auth_seen;
	/* Last SET, returned by GET "stored". */
	u_char		 stored[256];
	size_t		 stored_len;
	uint8_t		 stored_flags;
	uint8_t		 node_flags;	/* from SETACL sensitive, for GETACL */
};
static enum mon_sc mon_sc_mode;
static struct msbuf *expect_sc;	/* the canonical message, SC_VALID */

static void __attribute__((noreturn))
mon_exit(struct fake_mon *m, int violation)
{
	int code = (m->auth_seen ? MON_AUTH_SEEN : 0) |
	    ((m->nsets > 63 ? 63 : m->nsets) << 1) |
	    (violation ? MON_VIOLATION : 0);

	_exit(code);
}

static void
mon_hashes(struct fake_mon *m, const struct msbuf *tail, u_char th[32])
{
	struct ms_transcript *t = ms_transcript_new();
	struct msbuf *b = NULL;
	uint32_t len;

	if (t == NULL ||
	    ms_transcript_add_raw(t, msbuf_ptr(m->chf), msbuf_len(m->chf)) ||
	    ms_transcript_add_raw(t, msbuf_ptr(m->shf), msbuf_len(m->shf)))
		mon_exit(m, 1);
	/* The tail holds several messages: add them one by one. */
	if (tail != NULL && (b = msbuf_dup(tail)) == NULL)
		mon_exit(m, 1);
	while (b != NULL && msbuf_len(b) > 0) {
		if (msbuf_peek_u32(b, 0, &len) != 0 ||
		    len > msbuf_len(b) - 4 ||
		    ms_transcript_add_raw(t, msbuf_ptr(b), 4 + (size_t)len) ||
		    msbuf_consume(b, 4 + (size_t)len) != 0)
			mon_exit(m, 1);
	}
	if (ms_transcript_hash(t, th))
		mon_exit(m, 1);
	msbuf_free(b);
	ms_transcript_free(t);
}

/* The canonical SERVER_CERTIFICATE the fake monitor hands out. */
static struct msbuf *
make_server_cert(enum mon_sc mode)
{
	struct msbuf *body = msbuf_new(MS_FRAME_MAX), *sc = msbuf_new(MS_FRAME_MAX);
	u_char *c1, *c2;
	size_t l1 = 700, l2 = MS_CERT_DER_MAX;	/* one at the cap */
	int r = 0;

	if (body == NULL || sc == NULL || (c1 = malloc(l1)) == NULL ||
	    (c2 = malloc(l2)) == NULL)
		return NULL;
	memset(c1, 0x30, l1);
	memset(c2, 0x31, l2);
	r |= msbuf_put_u8(body, mode == SC_NO_CERTS ? 0 : 2);
	if (mode != SC_NO_CERTS) {
		r |= msbuf_put_string(body, c1, l1);
		r |= msbuf_put_string(body, c2, l2);
	}
	r |= msbuf_put_u32(sc, (uint32_t)(1 + msbuf_len(body) +
	    (mode == SC_BAD_LEN ? 1 : 0)));
	r |= msbuf_put_u8(sc, mode == SC_BAD_TYPE ? MS_MSG_SERVER_VERIFY :
	    MS_MSG_SERVER_CERTIFICATE);
	r |= msbuf_putb(sc, body);
	free(c1);
	free(c2);
	msbuf_free(body);
	if (r != 0) {
		msbuf_free(sc);
		return NULL;
	}
	return sc;
}

static void
mon_get_hellos(struct fake_mon *m, struct msbuf *req)
{
	struct ms_client_hello ch;
	struct ms_server_hello sh;
	const u_char *p;
	size_t len;
	struct msbuf *chf, *shf;

	if (msbuf_get_string_direct(req, &p, &len, 512) != 0 ||
	    ms_client_hello_parse_frame(p, len, &ch) != 0 ||
	    (chf = msbuf_from(p, len)) == NULL ||
	    msbuf_get_string_direct(req, &p, &len, 512) != 0 ||
	    ms_server_hello_parse_frame(p, len, &sh) != 0 ||
	    (shf = msbuf_from(p, len)) == NULL)
		mon_exit(m, 1);
	if (memcmp(sh.random, m->nonce, 32) != 0 ||
	    memcmp(sh.host_kex_pub, host_kex_pub, 32) != 0 ||
	    memcmp(sh.host_sig_pub, host_sig_pub, 32) != 0)
		mon_exit(m, 1);
	if (m->chf != NULL) {
		/* SIGN: byte-identical to DECAP. */
		if (msbuf_len(chf) != msbuf_len(m->chf) ||
		    memcmp(msbuf_ptr(chf), msbuf_ptr(m->chf),
		    msbuf_len(chf)) != 0 ||
		    msbuf_len(shf) != msbuf_len(m->shf) ||
		    memcmp(msbuf_ptr(shf), msbuf_ptr(m->shf),
		    msbuf_len(shf)) != 0)
			mon_exit(m, 1);
		msbuf_free(chf);
		msbuf_free(shf);
		return;
	}
	m->chf = chf;
	m->shf = shf;
}

static void
mon_decap(struct fake_mon *m, struct msbuf *req, struct msbuf *ans)
{
	struct ms_client_hello ch;
	u_char th[32], ss[32], st[32];

	mon_get_hellos(m, req);
	if (msbuf_len(req) != 0)
		mon_exit(m, 1);
	if (ms_client_hello_parse_frame(msbuf_ptr(m->chf), msbuf_len(m->chf),
	    &ch) != 0)
		mon_exit(m, 1);
	mon_hashes(m, NULL, th);
	if (ms_x25519_derive(host_kex, ch.share, ss) != 0 ||
	    ms_derive_static(ss, th, st) != 0 ||
	    msbuf_put_string(ans, st, 32) != 0)
		mon_exit(m, 1);
}

static void
mon_sign(struct fake_mon *m, struct msbuf *req, struct msbuf *ans)
{
	u_char th[32], msg[128];
	const u_char *p;
	size_t len;

	mon_get_hellos(m, req);
	/* server_certificate: byte-identical to what HELLO handed out. */
	if (msbuf_get_string_direct(req, &p, &len, MS_FRAME_MAX) != 0 ||
	    msbuf_len(req) != 0 || len != msbuf_len(m->sc) ||
	    (len != 0 && memcmp(p, msbuf_ptr(m->sc), len) != 0))
		mon_exit(m, 1);
	mon_hashes(m, m->sc, th);
	if (ms_sig_message(MS_SIG_CONTEXT_SERVER, th, msg, sizeof(msg),
	    &len) != 0 || ms_ed25519_sign(host_sig, msg, len, m->sig) != 0 ||
	    msbuf_put_string(ans, m->sig, 64) != 0)
		mon_exit(m, 1);
}

/*
 * CLIENT_IDENTITY's key: raw, or the first 32 bytes of the leaf "cert".
 * 0 when it parses.
 */
static int
mon_identity(struct msbuf *tail, u_char pub[32])
{
	const u_char *p;
	size_t len;
	uint8_t id_type, n, i;

	if (msbuf_get_u8(tail, &id_type) != 0)
		return -1;
	if (id_type == MS_ID_RAW_ED25519)
		return msbuf_get_string_fixed(tail, pub, 32);
	if (id_type != MS_ID_X509_CHAIN || msbuf_get_u8(tail, &n) != 0 ||
	    n < 1 || n > 8)
		return -1;
	for (i = 0; i < n; i++) {
		if (msbuf_get_string_direct(tail, &p, &len, 16384) != 0)
			return -1;
		if (i == 0) {
			if (len < 32)
				return -1;
			memcpy(pub, p, 32);
		}
	}
	return 0;
}

static void
mon_auth(struct fake_mon *m, struct msbuf *req, struct msbuf *ans)
{
	struct msbuf *tail, *cv;
	u_char th[32], msg[128], pub[32], sig[64], sv_sig[64];
	uint32_t len;
	uint16_t alg;
	uint8_t type, fin_ok;
	size_t mlen;
	int ok;

	m->auth_seen = 1;
	if ((tail = msbuf_new(MS_AUTH_TAIL_MAX)) == NULL ||
	    (cv = msbuf_new(2 + 4 + 1024)) == NULL ||
	    msbuf_get_stringb(req, tail, MS_AUTH_TAIL_MAX) != 0 ||
	    msbuf_get_stringb(req, cv, 2 + 4 + 1024) != 0 ||
	    msbuf_get_u8(req, &fin_ok) != 0 || fin_ok > 1 || msbuf_len(req) != 0)
		mon_exit(m, 1);
	mon_hashes(m, tail, th);
	/* The tail starts with the SERVER_CERTIFICATE we handed out. */
	if (msbuf_len(m->sc) != 0 && (msbuf_len(tail) < msbuf_len(m->sc) ||
	    memcmp(msbuf_ptr(tail), msbuf_ptr(m->sc), msbuf_len(m->sc)) != 0 ||
	    msbuf_consume(tail, msbuf_len(m->sc)) != 0))
		mon_exit(m, 1);
	/* SERVER_VERIFY must carry our signature. */
	if (msbuf_get_u32(tail, &len) != 0 || msbuf_get_u8(tail, &type) != 0 ||
	    type != MS_MSG_SERVER_VERIFY || msbuf_get_u16(tail, &alg) != 0 ||
	    msbuf_get_string_fixed(tail, sv_sig, 64) != 0 ||
	    memcmp(sv_sig, m->sig, 64) != 0)
		mon_exit(m, 1);
	ok = msbuf_get_u32(tail, &len) == 0 && msbuf_get_u8(tail, &type) == 0 &&
	    type == MS_MSG_SERVER_FINISHED &&
	    msbuf_get_string_fixed(tail, NULL, 32) == 0 &&
	    msbuf_get_u32(tail, &len) == 0 && msbuf_get_u8(tail, &type) == 0 &&
	    type == MS_MSG_CLIENT_IDENTITY &&
	    mon_identity(tail, pub) == 0 && msbuf_len(tail) == 0 &&
	    msbuf_get_u16(cv, &alg) == 0 && alg == MS_SIG_ED25519 &&
	    msbuf_get_string_fixed(cv, sig, 64) == 0 && msbuf_len(cv) == 0;
	ok = ok && ms_sig_message(MS_SIG_CONTEXT_CLIENT, th, msg, sizeof(msg),
	    &mlen) == 0 && ms_ed25519_verify(pub, msg, mlen, sig, 64) == 0 &&
	    memcmp(pub, client_pub, 32) == 0 && fin_ok;
	m->authed = ok;
	if (msbuf_put_u32(ans, ok ? MS_ST_OK : MS_ST_AUTH_FAILED) != 0 ||
	    msbuf_put_cstring(ans, ok ? "alice" : "") != 0)
		mon_exit(m, 1);
	msbuf_free(tail);
	msbuf_free(cv);
}

static char *
mon_path(struct fake_mon *m, struct msbuf *req)
{
	char *path;
	size_t len;

	if (msbuf_get_cstring(req, &path, &len, MS_PATH_MAX) != 0 ||
	    ms_path_valid(path, len) != 0)
		mon_exit(m, 1);
	return path;
}

static char *
mon_record(struct fake_mon *m, struct msbuf *req)
{
	char *rec;

	if (msbuf_get_cstring(req, &rec, NULL, MS_RECORD_NAME_MAX) != 0)
		mon_exit(m, 1);
	return rec;
}

static void
mon_get(struct fake_mon *m, struct msbuf *req, struct msbuf *ans)
{
	char *path = mon_path(m, req), *rec = mon_record(m, req);
	int r = 0;

	if (msbuf_len(req) != 0)
		mon_exit(m, 1);
	if (strcmp(path, "/denied") == 0)
		r |= msbuf_put_u32(ans, MS_ST_ACCESS_DENIED);
	else if (strcmp(rec, "plain") == 0) {
		r |= msbuf_put_u32(ans, MS_ST_OK);
		r |= msbuf_put_u8(ans, 0);
		r |= msbuf_put_u64(ans, 7);
		r |= msbuf_put_u64(ans, 1000);
		r |= msbuf_put_cstring(ans, "hello");
	} else if (strcmp(rec, "secret") == 0) {
		r |= msbuf_put_u32(ans, MS_ST_OK);
		r |= msbuf_put_u8(ans, MS_REC_SECURE);
		r |= msbuf_put_u64(ans, 8);
		r |= msbuf_put_u64(ans, 1001);
		r |= msbuf_put_cstring(ans, "s3cret");
	} else if (strcmp(rec, "stored") == 0) {
		r |= msbuf_put_u32(ans, MS_ST_OK);
		r |= msbuf_put_u8(ans, m->stored_flags);
		r |= msbuf_put_u64(ans, 42);
		r |= msbuf_put_u64(ans, 1002);
		r |= msbuf_put_string(ans, m->stored, m->stored_len);
	} else if (strcmp(rec, "boom") == 0) {
		/* Malformed: OK status, then garbage. */
		r |= msbuf_put_u32(ans, MS_ST_OK);
		r |= msbuf_put_u8(ans, 0xff);
	} else
		r |= msbuf_put_u32(ans, MS_ST_RECORD_NOT_FOUND);
	if (r != 0)
		mon_exit(m, 1);
	free(path);
	free(rec);
}

static void
mon_set(struct fake_mon *m, struct msbuf *req, struct msbuf *ans)
{
	char *path = mon_path(m, req), *rec = mon_record(m, req);
	const u_char *v;
	size_t len;
	uint8_t flags;

	if (msbuf_get_u8(req, &flags) != 0 ||
	    msbuf_get_string_direct(req, &v, &len, MS_VALUE_MAX) != 0 ||
	    msbuf_len(req) != 0)
		mon_exit(m, 1);
	m->nsets++;
	m->stored_len = len > sizeof(m->stored) ? sizeof(m->stored) : len;
	memcpy(m->stored, v, m->stored_len);
	m->stored_flags = flags;
	if (msbuf_put_u32(ans, MS_ST_OK) != 0 || msbuf_put_u64(ans, 42) != 0)
		mon_exit(m, 1);
	free(path);
	free(rec);
}

static void
mon_data(struct fake_mon *m, uint8_t type, struct msbuf *req,
    struct msbuf *ans)
{
	char *path = NULL, *rec = NULL, *who, *rights;
	uint32_t n, i;
	uint8_t u8, sens;
	int r = 0;

	if (!m->authed)
		mon_exit(m, 1);
	switch (type) {
	case MS_MON_OPEN:
		path = mon_path(m, req);
		if (msbuf_get_u8(req, &u8) != 0 || msbuf_len(req) != 0 ||
		    u8 == 0 || u8 > 3)
			mon_exit(m, 1);
		if (strcmp(path, "/denied") == 0)
			r = msbuf_put_u32(ans, MS_ST_ACCESS_DENIED);
		else
			r = msbuf_put_u32(ans, MS_ST_OK);
		break;
	case MS_MON_GET:
		mon_get(m, req, ans);
		break;
	case MS_MON_SET:
		mon_set(m, req, ans);
		break;
	case MS_MON_DELETE:
		path = mon_path(m, req);
		rec = mon_record(m, req);
		r = msbuf_put_u32(ans, MS_ST_OK);
		break;
	case MS_MON_LIST:
		path = mon_path(m, req);
		/* name path, u8 list_flags */
		if (msbuf_get_u8(req, &u8) != 0 || msbuf_len(req) != 0 ||
		    (u8 & ~MS_LIST_FLAGS_MASK) != 0)
			mon_exit(m, 1);
		r |= msbuf_put_u32(ans, MS_ST_OK);
		r |= msbuf_put_u32(ans, 2);
		r |= msbuf_put_cstring(ans, "a");
		r |= msbuf_put_cstring(ans, "b");
		r |= msbuf_put_u32(ans, 1);
		r |= msbuf_put_cstring(ans, "plain");
		r |= msbuf_put_u8(ans, 0);
		if (u8 & MS_LIST_LONG) {
			r |= msbuf_put_u64(ans, 7);
			r |= msbuf_put_u64(ans, 1000);
		}
		break;
	case MS_MON_GETACL:
		path = mon_path(m, req);
		r |= msbuf_put_u32(ans, MS_ST_OK);
		r |= msbuf_put_u8(ans, m->node_flags);
		r |= msbuf_put_u32(ans, 1);
		r |= msbuf_put_cstring(ans, "alice");
		r |= msbuf_put_cstring(ans, "rw");
		r |= msbuf_put_u8(ans, 0);
		break;
	case MS_MON_SETACL:
		path = mon_path(m, req);
		if (msbuf_get_u8(req, &u8) != 0 || u8 > 2 ||
		    msbuf_get_u8(req, &sens) != 0 || sens > 2 ||
		    msbuf_get_u32(req, &n) != 0 || n > 256)
			mon_exit(m, 1);
		if (sens == 0)
			m->node_flags &= ~MS_NODE_SENSITIVE;
		else if (sens == 1)
			m->node_flags |= MS_NODE_SENSITIVE;
		for (i = 0; i < n; i++) {
			if (msbuf_get_cstring(req, &who, NULL, 70) != 0 ||
			    msbuf_get_cstring(req, &rights, NULL, 5) != 0)
				mon_exit(m, 1);
			free(who);
			free(rights);
		}
		r = msbuf_put_u32(ans, MS_ST_OK);
		break;
	case MS_MON_STATUS:
		r |= msbuf_put_u32(ans, MS_ST_OK);
		r |= msbuf_put_cstring(ans, "alice");
		r |= msbuf_put_cstring(ans, ms_server_version());
		r |= msbuf_put_u64(ans, 8192);		/* used */
		r |= msbuf_put_u64(ans, 1ULL << 30);	/* max */
		r |= msbuf_put_u64(ans, 3);		/* nodes */
		r |= msbuf_put_u64(ans, 5);		/* records */
		break;
	default:
		mon_exit(m, 1);
	}
	if (r != 0 || (type != MS_MON_GET && type != MS_MON_SET &&
	    msbuf_len(req) != 0))
		mon_exit(m, 1);
	free(path);
	free(rec);
}

int mon_die_at_auth;

static void __attribute__((noreturn))
fake_monitor(int fd)
{
	struct fake_mon m;
	struct msbuf *req, *ans;
	uint8_t type;
	int r;

	memset(&m, 0, sizeof(m));
	m.fd = fd;
	if ((req = msbuf_new(MS_FRAME_MAX)) == NULL ||
	    (ans = msbuf_new(MS_FRAME_MAX)) == NULL)
		mon_exit(&m, 1);
	for (;;) {
		if ((r = ms_frame_read(fd, &type, req, MS_FRAME_MAX, -1)) != 0)
			mon_exit(&m, r != MS_ERR_CONN_CLOSED);
		msbuf_reset(ans);
		switch (type) {
		case MS_MON_HELLO:
			if (m.state != 0 || msbuf_len(req) != 0)
				mon_exit(&m, 1);
			ms_random_bytes(m.nonce, 32);
			if (mon_sc_mode == SC_NONE)
				m.sc = msbuf_new(16);
			else
				m.sc = make_server_cert(mon_sc_mode);
			if (m.sc == NULL ||
			    msbuf_put(ans, m.nonce, 32) != 0 ||
			    msbuf_put_string(ans, host_kex_pub, 32) != 0 ||
			    msbuf_put_string(ans, host_sig_pub, 32) != 0 ||
			    msbuf_put_stringb(ans, m.sc) != 0)
				mon_exit(&m, 1);
			m.state = 1;
			break;
		case MS_MON_DECAP:
			if (m.state != 1)
				mon_exit(&m, 1);
			mon_decap(&m, req, ans);
			m.state = 2;
			break;
		case MS_MON_SIGN:
			if (m.state != 2)
				mon_exit(&m, 1);
			mon_sign(&m, req, ans);
			m.state = 3;
			break;
		case MS_MON_AUTH:
			if (m.state != 3)
				mon_exit(&m, 1);
			if (mon_die_at_auth) {
				m.auth_seen = 1;
				mon_exit(&m, 0);
			}
			mon_auth(&m, req, ans);
			m.state = 4;
			break;
		default:
			mon_data(&m, type, req, ans);
			break;
		}
		if (ms_frame_write(fd, type, ans) != 0)
			mon_exit(&m, 1);
	}
}

void
opts_default(struct opts *o)
{
	memset(o, 0, sizeof(*o));
	o->server_ciphers.n = 2;
	o->server_ciphers.ids[0] = MS_CIPHER_AES256_GCM;
	o->server_ciphers.ids[1] = MS_CIPHER_CHACHA20_POLY1305;
	o->server_kex.n = 1;
	o->server_kex.ids[0] = MS_KEX_X25519_HYBRID;
	o->grace_ms = 10000;
	o->version = MS_PROTO_VERSION;
	o->ciphers.n = 2;
	o->ciphers.ids[0] = MS_CIPHER_CHACHA20_POLY1305;
	o->ciphers.ids[1] = MS_CIPHER_AES256_GCM;
	o->kex.n = 1;
	o->kex.ids[0] = MS_KEX_X25519_HYBRID;
	o->sigs.n = 1;
	o->sigs.ids[0] = MS_SIG_ED25519;
}

static void __attribute__((noreturn))
run_worker(int cfd, int mfd, const struct opts *o)
{
	struct worker w;
	int r;

	worker_init(&w, cfd, mfd);
	w.peer = strdup("test-peer");
	w.conf.login_grace_ms = o->grace_ms;
	w.conf.max_value_size = MS_VALUE_MAX;
	w.conf.ciphers = o->server_ciphers;
	w.conf.kex = o->server_kex;
	if ((r = w_handshake(&w)) == 0)
		r = w_session(&w);
	worker_clear(&w);
	_exit(r == 0 ? 0 : r == MS_ERR_INTERNAL ? 255 : 1);
}

void
rig_start(struct rig *rg, const struct opts *o)
{
	int cs[2], ms[2];

	memset(rg, 0, sizeof(*rg));
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, cs), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, ms), 0);
	if ((rg->monitor = fork()) == 0) {
		close(cs[0]);
		close(cs[1]);
		close(ms[0]);
		mon_die_at_auth = o->mon_die_at_auth;
		mon_sc_mode = o->sc_mode;
		fake_monitor(ms[1]);
	}
	assert_true(rg->monitor > 0);
	if ((rg->worker = fork()) == 0) {
		close(cs[0]);
		close(ms[1]);
		run_worker(cs[1], ms[0], o);
	}
	assert_true(rg->worker > 0);
	close(cs[1]);
	close(ms[0]);
	close(ms[1]);
	rg->fd = cs[0];
}

static void
rig_stop(struct rig *rg)
{
	int st;

	if (rg->fd != -1)
		close(rg->fd);
	rg->fd = -1;
	assert_int_equal(waitpid(rg->worker, &st, 0), rg->worker);
	assert_true(WIFEXITED(st));
	rg->worker_status = WEXITSTATUS(st);
	assert_int_equal(waitpid(rg->monitor, &st, 0), rg->monitor);
	assert_true(WIFEXITED(st));
	rg->monitor_status = WEXITSTATUS(st);
	assert_int_equal(rg->monitor_status & MON_VIOLATION, 0);
}

void
cl_send(struct cl *c, uint8_t type, const struct msbuf *body)
{
	struct msbuf *f = msbuf_new(MS_FRAME_MAX + 4);

	assert_non_null(f);
	assert_int_equal(ms_record_seal(&c->tx, type, body, f), 0);
	assert_int_equal(ms_write_all(c->fd, msbuf_ptr(f), msbuf_len(f)), 0);
	msbuf_free(f);
}

/* 0, or the error of reading (e.g. MS_ERR_CONN_CLOSED). */
int
cl_recv(struct cl *c, uint8_t *type, struct msbuf *body)
{
	struct msbuf *p = msbuf_new(MS_FRAME_MAX);
	uint8_t ft;
	int r;

	assert_non_null(p);
	if ((r = ms_frame_read(c->fd, &ft, p, MS_FRAME_MAX, 10000)) == 0) {
		assert_int_equal(ft, MS_FRAME_RECORD);
		r = ms_record_open(&c->rx, p, type, body);
		assert_int_equal(r, 0);
	}
	msbuf_free(p);
	return r;
}

static void
cl_send_hs(struct cl *c, uint8_t type, struct msbuf *body)
{
	assert_int_equal(ms_transcript_add(c->t, type, msbuf_ptr(body),
	    msbuf_len(body)), 0);
	cl_send(c, type, body);
	msbuf_reset(body);
}

static void
cl_recv_hs(struct cl *c, uint8_t want, struct msbuf *body)
{
	uint8_t type;

	assert_int_equal(cl_recv(c, &type, body), 0);
	assert_int_equal(type, want);
	assert_int_equal(ms_transcript_add(c->t, type, msbuf_ptr(body),
	    msbuf_len(body)), 0);
}

static void
cl_client_hello(struct cl *c, const struct opts *o, struct msbuf *chf)
{
	struct ms_client_hello ch;
	struct msbuf *p = msbuf_new(1024);
	u_char share[40];
	size_t slen = o->share_len ? (size_t)o->share_len : 32;

	assert_non_null(p);
	memset(&ch, 0, sizeof(ch));
	ch.version = o->version;
	assert_int_equal(ms_random_bytes(ch.random, sizeof(ch.random)), 0);
	ch.ciphers = o->ciphers;
	ch.kex = o->kex;
	ch.sigs = o->sigs;
	assert_int_equal(ms_pkey_generate(MS_KEY_X25519, &c->eph), 0);
	assert_int_equal(ms_pkey_raw_public(c->eph, ch.share, 32), 0);
	if (o->zero_share)
		memset(ch.share, 0, sizeof(ch.share));
	if (slen == 32)
		assert_int_equal(ms_client_hello_put(p, &ch), 0);
	else {
		/* Hand-built: the codec refuses a wrong share length. */
		memset(share, 0x09, sizeof(share));
		assert_int_equal(msbuf_put_u16(p, ch.version), 0);
		assert_int_equal(msbuf_put(p, ch.random, 32), 0);
		assert_int_equal(msbuf_put_u8(p, 1), 0);
		assert_int_equal(msbuf_put_u16(p, 1), 0);
		assert_int_equal(msbuf_put_u8(p, 1), 0);
		assert_int_equal(msbuf_put_u16(p, 1), 0);
		assert_int_equal(msbuf_put_u8(p, 1), 0);
		assert_int_equal(msbuf_put_u16(p, 1), 0);
		assert_int_equal(msbuf_put_string(p, share, slen), 0);
	}
	assert_int_equal(ms_frame_encode(chf, MS_FRAME_CLIENT_HELLO, p), 0);
	assert_int_equal(ms_write_all(c->fd, msbuf_ptr(chf), msbuf_len(chf)),
	    0);
	msbuf_free(p);
}

/* A cleartext ALERT: u16 version, u32 status, string message. */
void
cl_parse_alert(struct cl *c, struct msbuf *p)
{
	uint16_t v;

	assert_int_equal(msbuf_get_u16(p, &v), 0);
	assert_int_equal(v, MS_PROTO_VERSION);
	assert_int_equal(msbuf_get_u32(p, &c->alert), 0);
	assert_int_equal(msbuf_get_string_direct(p, NULL, NULL, 256), 0);
	assert_int_equal(msbuf_len(p), 0);
}

/* CLIENT_IDENTITY as the options say: raw key or an opaque chain. */
static void
cl_identity(const struct opts *o, const u_char *cpub, struct msbuf *b)
{
	u_char *cert;
	int i;

	if (!o->x509) {
		assert_int_equal(msbuf_put_u8(b, o->id_type ? o->id_type :
		    MS_ID_RAW_ED25519), 0);
		assert_int_equal(msbuf_put_string(b, cpub, 32), 0);
	} else {
		assert_int_equal(msbuf_put_u8(b, o->id_type ? o->id_type :
		    MS_ID_X509_CHAIN), 0);
		assert_int_equal(msbuf_put_u8(b, (uint8_t)o->n_certs), 0);
		for (i = 0; i < o->n_certs && i < CERTS_TEST_MAX; i++) {
			assert_non_null(cert = malloc(o->cert_len[i] + 1));
			memset(cert, 0x42 + i, o->cert_len[i]);
			/* The fake monitor's "leaf": the key comes first. */
			if (i == 0 && o->cert_len[i] >= 32)
				memcpy(cert, cpub, 32);
			assert_int_equal(msbuf_put_string(b, cert,
			    o->cert_len[i]), 0);
			free(cert);
		}
	}
	if (o->id_trailing)
		assert_int_equal(msbuf_put_u8(b, 0), 0);
}

/* An ALERT record under the handshake keys: u32 status, string message. */
static void
cl_recv_hs_alert(struct cl *c, struct msbuf *b)
{
	uint8_t type;

	msbuf_reset(b);
	assert_int_equal(cl_recv(c, &type, b), 0);
	assert_int_equal(type, MS_MSG_ALERT);
	assert_int_equal(msbuf_get_u32(b, &c->alert), 0);
	assert_int_equal(msbuf_get_string_direct(b, NULL, NULL, 256), 0);
	assert_int_equal(msbuf_len(b), 0);
}

/*
 * Run the client handshake.  Returns 1 when the server answered the
 * hello with a cleartext alert (c->alert), 2 for an alert in place of
 * AUTH_RESULT, 3 for the alert expected by o->hs_alert_after (c->alert),
 * 0 after AUTH_RESULT (c->auth).
 */
int
cl_handshake(struct cl *c, int fd, const struct opts *o)
{
	struct msbuf *chf = msbuf_new(1024), *p = msbuf_new(MS_FRAME_MAX);
	struct msbuf *b = msbuf_new(MS_FRAME_MAX);
	u_char ss_e[32], ss_s[32], st[32], th[32], mac[32], msg[128], sig[64];
	u_char got[64], bigsig[2048];
	size_t mlen;
	int ret = 0;
	uint16_t alg;
	uint8_t type;
	EVP_PKEY *ck = o->unauthorized ? other_key : client_key;
	const u_char *cpub = o->unauthorized ? other_pub : client_pub;

	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->next_id = 1;
	assert_non_null(chf);
	assert_non_null(p);
	assert_non_null(b);
	assert_non_null(c->t = ms_transcript_new());
	cl_client_hello(c, o, chf);

	assert_int_equal(ms_frame_read(fd, &type, p, MS_FRAME_MAX, 10000), 0);
	if (type == MS_FRAME_ALERT) {
		cl_parse_alert(c, p);
		msbuf_free(chf);
		msbuf_free(p);
		msbuf_free(b);
		return 1;
	}
	assert_int_equal(type, MS_FRAME_SERVER_HELLO);
	assert_int_equal(ms_transcript_add_raw(c->t, msbuf_ptr(chf),
	    msbuf_len(chf)), 0);
	assert_int_equal(ms_transcript_add(c->t, type, msbuf_ptr(p),
	    msbuf_len(p)), 0);
	assert_int_equal(ms_server_hello_parse(p, &c->sh), 0);
	assert_int_equal(c->sh.version, MS_PROTO_VERSION);
	assert_true(ms_alg_list_contains(&o->ciphers, c->sh.cipher));
	assert_int_equal(c->sh.kex, MS_KEX_X25519_HYBRID);
	assert_int_equal(c->sh.sig, MS_SIG_ED25519);
	assert_memory_equal(c->sh.host_sig_pub, host_sig_pub, 32);
	assert_memory_equal(c->sh.host_kex_pub, host_kex_pub, 32);
	c->aead = (enum ms_aead)ms_cipher_to_aead(c->sh.cipher);

	assert_int_equal(ms_transcript_hash(c->t, th), 0);
	assert_int_equal(ms_x25519_derive(c->eph, c->sh.share, ss_e), 0);
	assert_int_equal(ms_x25519_derive(c->eph, c->sh.host_kex_pub, ss_s), 0);
	assert_int_equal(ms_derive_static(ss_s, th, st), 0);
	assert_int_equal(ms_derive_handshake(st, ss_e, th, &c->hss), 0);
	assert_int_equal(ms_record_dir_init(&c->tx, c->aead, c->hss.c_hs), 0);
	assert_int_equal(ms_record_dir_init(&c->rx, c->aead, c->hss.s_hs), 0);

	/* SERVER_CERTIFICATE, exactly as the monitor made it, first. */
	if (o->sc_mode == SC_VALID) {
		cl_recv_hs(c, MS_MSG_SERVER_CERTIFICATE, b);
		assert_int_equal(msbuf_len(b) + 5, msbuf_len(expect_sc));
		assert_memory_equal(msbuf_ptr(b), msbuf_ptr(expect_sc) + 5,
		    msbuf_len(b));
		assert_int_equal(ms_transcript_hash(c->t, th), 0);
		msbuf_reset(b);
	}
	/* SERVER_VERIFY: the host signature over TH(SERVER_HELLO or _CERT). */
	cl_recv_hs(c, MS_MSG_SERVER_VERIFY, b);
	assert_int_equal(msbuf_get_u16(b, &alg), 0);
	assert_int_equal(alg, MS_SIG_ED25519);
	assert_int_equal(msbuf_get_string_fixed(b, sig, 64), 0);
	assert_int_equal(msbuf_len(b), 0);
	assert_int_equal(ms_sig_message(MS_SIG_CONTEXT_SERVER, th, msg,
	    sizeof(msg), &mlen), 0);
	assert_int_equal(ms_ed25519_verify(host_sig_pub, msg, mlen, sig, 64),
	    0);
	/* SERVER_FINISHED = HMAC(s_fin, TH(SERVER_VERIFY)). */
	assert_int_equal(ms_transcript_hash(c->t, th), 0);
	assert_int_equal(ms_finished_mac(c->hss.s_fin, th, mac), 0);
	cl_recv_hs(c, MS_MSG_SERVER_FINISHED, b);
	assert_int_equal(msbuf_get_string_fixed(b, got, 32), 0);
	assert_memory_equal(got, mac, 32);
	msbuf_reset(b);

	cl_identity(o, cpub, b);
	cl_send_hs(c, MS_MSG_CLIENT_IDENTITY, b);
	if (o->hs_alert_after == MS_MSG_CLIENT_IDENTITY) {
		cl_recv_hs_alert(c, b);
		ret = 3;
		goto out;
	}
	assert_int_equal(ms_transcript_hash(c->t, th), 0);
	assert_int_equal(ms_sig_message(MS_SIG_CONTEXT_CLIENT, th, msg,
	    sizeof(msg), &mlen), 0);
	assert_int_equal(ms_ed25519_sign(ck, msg, mlen, sig), 0);
	assert_int_equal(msbuf_put_u16(b, MS_SIG_ED25519), 0);
	if (o->cv_sig_len != 0) {
		/* Structurally fine, cryptographically junk. */
		assert_true(o->cv_sig_len <= sizeof(bigsig));
		memset(bigsig, 0x5a, sizeof(bigsig));
		assert_int_equal(msbuf_put_string(b, bigsig, o->cv_sig_len), 0);
	} else
		assert_int_equal(msbuf_put_string(b, sig, 64), 0);
	cl_send_hs(c, MS_MSG_CLIENT_VERIFY, b);
	if (o->hs_alert_after == MS_MSG_CLIENT_VERIFY) {
		cl_recv_hs_alert(c, b);
		ret = 3;
		goto out;
	}
	assert_int_equal(ms_transcript_hash(c->t, th), 0);
	assert_int_equal(ms_finished_mac(c->hss.c_fin, th, mac), 0);
	if (o->bad_finished)
		mac[0] ^= 1;
	assert_int_equal(msbuf_put_string(b, mac, 32), 0);
	cl_send_hs(c, MS_MSG_CLIENT_FINISHED, b);

	assert_int_equal(ms_transcript_hash(c->t, th), 0);
	assert_int_equal(ms_derive_application(c->hss.hs, th, &c->aps), 0);
	assert_int_equal(ms_record_dir_init(&c->tx, c->aead, c->aps.c_ap), 0);
	assert_int_equal(ms_record_dir_init(&c->rx, c->aead, c->aps.s_ap), 0);
	assert_int_equal(ms_blob_ctx_init(&c->btx, c->aead, c->sh.cipher,
	    c->aps.c_blob, 0), 0);
	assert_int_equal(ms_blob_ctx_init(&c->brx, c->aead, c->sh.cipher,
	    c->aps.s_blob, 1), 0);
	assert_int_equal(cl_recv(c, &type, b), 0);
	if (type == MS_MSG_ALERT) {
		/* Inside records: u32 status, string message (7). */
		assert_int_equal(msbuf_get_u32(b, &c->alert), 0);
		assert_int_equal(msbuf_get_string_direct(b, NULL, NULL, 256), 0);
		assert_int_equal(msbuf_len(b), 0);
		msbuf_free(chf);
		msbuf_free(p);
		msbuf_free(b);
		return 2;
	}
	assert_int_equal(type, MS_MSG_AUTH_RESULT);
	assert_int_equal(msbuf_get_u32(b, &c->auth), 0);
	assert_int_equal(msbuf_len(b), 0);
 out:
	msbuf_free(chf);
	msbuf_free(p);
	msbuf_free(b);
	return ret;
}

static void
cl_free(struct cl *c)
{
	ms_transcript_free(c->t);
	EVP_PKEY_free(c->eph);
	c->t = NULL;
	c->eph = NULL;
}

/*
 * Send a request whose fields are in 'fields'; return the status and
 * leave the result fields in 'res'.  Returns -1 if the connection closed
 * instead of answering.
 */
int64_t
cl_request(struct cl *c, uint8_t type, const struct msbuf *fields,
    struct msbuf *res)
{
	struct msbuf *b = msbuf_new(MS_RECORD_PLAINTEXT_MAX);
	uint32_t id = c->next_id++, rid, status;
	uint8_t t;

	assert_non_null(b);
	assert_int_equal(msbuf_put_u32(b, id), 0);
	if (fields != NULL)
		assert_int_equal(msbuf_putb(b, fields), 0);
	cl_send(c, type, b);
	msbuf_reset(res);
	if (cl_recv(c, &t, res) != 0) {
		msbuf_free(b);
		return -1;
	}
	assert_int_equal(t, MS_MSG_RESPONSE);
	assert_int_equal(msbuf_get_u32(res, &rid), 0);
	assert_int_equal(rid, id);
	assert_int_equal(msbuf_get_u32(res, &status), 0);
	if (status != MS_ST_OK)
		assert_int_equal(msbuf_len(res), 0);
	msbuf_free(b);
	return status;
}

/* A connection that must now be closed by the worker. */
void
assert_closed(struct cl *c)
{
	struct msbuf *b = msbuf_new(MS_RECORD_PLAINTEXT_MAX);
	uint8_t t;

	assert_int_not_equal(cl_recv(c, &t, b), 0);
	msbuf_free(b);
}

struct msbuf *
fields_new(void)
{
	struct msbuf *f = msbuf_new(MS_RECORD_PLAINTEXT_MAX);

	assert_non_null(f);
	return f;
}

uint32_t
cl_open(struct cl *c, const char *path, uint8_t access, int64_t want)
{
	struct msbuf *f = fields_new(), *res = fields_new();
	uint32_t h = 0;

	assert_int_equal(msbuf_put_cstring(f, path), 0);
	assert_int_equal(msbuf_put_u8(f, access), 0);
	assert_int_equal(cl_request(c, MS_MSG_OPEN, f, res), want);
	if (want == MS_ST_OK) {
		assert_int_equal(msbuf_get_u32(res, &h), 0);
		assert_int_equal(msbuf_len(res), 0);
		assert_int_not_equal(h, 0);
	}
	msbuf_free(f);
	msbuf_free(res);
	return h;
}

int64_t
cl_simple(struct cl *c, uint8_t type, uint32_t h, const char *record)
{
	struct msbuf *f = fields_new(), *res = fields_new();
	int64_t st;

	assert_int_equal(msbuf_put_u32(f, h), 0);
	if (record != NULL)
		assert_int_equal(msbuf_put_cstring(f, record), 0);
	st = cl_request(c, type, f, res);
	msbuf_free(f);
	msbuf_free(res);
	return st;
}

int64_t
cl_set(struct cl *c, uint32_t h, const char *record, uint8_t flags,
    const void *v, size_t len)
{
	struct msbuf *f = fields_new(), *res = fields_new();
	uint64_t ver;
	int64_t st;

	assert_int_equal(msbuf_put_u32(f, h), 0);
	assert_int_equal(msbuf_put_cstring(f, record), 0);
	assert_int_equal(msbuf_put_u8(f, flags), 0);
	assert_int_equal(msbuf_put_string(f, v, len), 0);
	if ((st = cl_request(c, MS_MSG_SET, f, res)) == MS_ST_OK) {
		assert_int_equal(msbuf_get_u64(res, &ver), 0);
		assert_int_equal(ver, 42);
		assert_int_equal(msbuf_len(res), 0);
	}
	msbuf_free(f);
	msbuf_free(res);
	return st;
}

/* Seal a SECURE value for SET under c_blob, for (path, record, handle). */
struct msbuf *
cl_blob(struct cl *c, const char *path, const char *record, uint32_t h,
    const char *value)
{
	struct msbuf *blob = fields_new();

	assert_int_equal(ms_blob_seal(&c->btx, path, record, h,
	    (const u_char *)value, strlen(value), blob), 0);
	return blob;
}

/* GET; for a SECURE record the blob is opened under s_blob. */
void
cl_get_expect(struct cl *c, const char *path, uint32_t h, const char *record,
    uint8_t want_flags, const char *want)
{
	struct msbuf *f = fields_new(), *res = fields_new(), *pt = fields_new();
	const u_char *v;
	size_t len;
	uint64_t ver, mtime;
	uint8_t flags;

	assert_int_equal(msbuf_put_u32(f, h), 0);
	assert_int_equal(msbuf_put_cstring(f, record), 0);
	assert_int_equal(cl_request(c, MS_MSG_GET, f, res), MS_ST_OK);
	assert_int_equal(msbuf_get_u8(res, &flags), 0);
	assert_int_equal(flags, want_flags);
	assert_int_equal(msbuf_get_u64(res, &ver), 0);
	assert_int_equal(msbuf_get_u64(res, &mtime), 0);
	assert_int_equal(msbuf_get_string_direct(res, &v, &len,
	    MS_VALUE_MAX + 64), 0);
	assert_int_equal(msbuf_len(res), 0);
	if (flags & MS_REC_SECURE) {
		/* The plaintext must not travel: the blob is longer. */
		assert_int_equal(len, strlen(want) + W_BLOB_OVERHEAD);
		assert_int_equal(ms_blob_open(&c->brx, path, record, h, v, len,
		    pt), 0);
		assert_int_equal(msbuf_len(pt), strlen(want));
		assert_memory_equal(msbuf_ptr(pt), want, strlen(want));
	} else {
		assert_int_equal(len, strlen(want));
		assert_memory_equal(v, want, len);
	}
	msbuf_free(f);
	msbuf_free(res);
	msbuf_free(pt);
}

/* ---------------------------------------------------------------- */
/* Shared by the tests                                               */

void
connect_ok(struct rig *rg, struct cl *c, const struct opts *o)
{
	rig_start(rg, o);
	assert_int_equal(cl_handshake(c, rg->fd, o), 0);
	assert_int_equal(c->auth, MS_ST_OK);
}

void
finish(struct rig *rg, struct cl *c, int want_worker)
{
	cl_free(c);
	rig_stop(rg);
	assert_int_equal(rg->worker_status, want_worker);
}

/*
 * A login that reaches the monitor and is refused: AUTH_RESULT
 * AUTH_FAILED, then the worker closes.
 */
void
expect_auth_failed(const struct opts *o)
{
	struct rig rg;
	struct cl c;

	rig_start(&rg, o);
	assert_int_equal(cl_handshake(&c, rg.fd, o), 0);
	assert_int_equal(c.auth, MS_ST_AUTH_FAILED);
	assert_closed(&c);
	finish(&rg, &c, 1);
	assert_int_equal(rg.monitor_status & MON_AUTH_SEEN, MON_AUTH_SEEN);
}

void
expect_alert(struct opts *o, uint32_t want)
{
	struct rig rg;
	struct cl c;

	rig_start(&rg, o);
	assert_int_equal(cl_handshake(&c, rg.fd, o), 1);
	assert_int_equal(c.alert, want);
	finish(&rg, &c, 1);
	/* The monitor was never asked to authenticate anything. */
	assert_int_equal(rg.monitor_status & MON_AUTH_SEEN, 0);
}

/* ---------------------------------------------------------------- */
/* cmocka group fixtures: the keys every test_worker_* binary uses    */

int
group_setup(void **state)
{
	(void)state;
	ms_log_init("test_worker", getenv("TEST_WORKER_DEBUG") != NULL ?
	    MS_LOG_DEBUG3 : MS_LOG_QUIET, 1, -1);
	signal(SIGPIPE, SIG_IGN);
	if (ms_pkey_generate(MS_KEY_X25519, &host_kex) != 0 ||
	    ms_pkey_generate(MS_KEY_ED25519, &host_sig) != 0 ||
	    ms_pkey_generate(MS_KEY_ED25519, &client_key) != 0 ||
	    ms_pkey_generate(MS_KEY_ED25519, &other_key) != 0 ||
	    ms_pkey_raw_public(host_kex, host_kex_pub, 32) != 0 ||
	    ms_pkey_raw_public(host_sig, host_sig_pub, 32) != 0 ||
	    ms_pkey_raw_public(client_key, client_pub, 32) != 0 ||
	    ms_pkey_raw_public(other_key, other_pub, 32) != 0 ||
	    (expect_sc = make_server_cert(SC_VALID)) == NULL)
		return -1;
	return 0;
}

int
group_teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(host_kex);
	EVP_PKEY_free(host_sig);
	EVP_PKEY_free(client_key);
	EVP_PKEY_free(other_key);
	msbuf_free(expect_sc);
	return 0;
}
