/*
 * test_mon_dispatch_auth.c — AUTH in the dispatch table: the monitor
 * decides the principal (I4) from raw keys and from client certificates
 * (id_type 2), and refuses every bad or malformed login.
 */
#include "mon_dispatch_fixture.h"
#include "msg_auth.h"

static void
test_auth_failures(void **state)
{
	struct fixture *f = *state;
	struct session s;
	struct msbuf *req = newbuf(), *resp = newbuf();

	/* Unknown key: AUTH_FAILED, then data requests are refused. */
	session_start(f, &s);
	session_kex(f, &s);
	assert_int_equal(session_auth(f, &s, f->mallory, f->mallory, 0),
	    MS_ST_AUTH_FAILED);
	assert_int_equal(msbuf_put_cstring(req, "/"), 0);
	assert_int_not_equal(call(f, &s, MS_MON_LIST, req, resp), 0);
	session_free(&s);

	/* Claiming alice's key without her private key: AUTH_FAILED. */
	session_start(f, &s);
	session_kex(f, &s);
	assert_int_equal(session_auth(f, &s, f->mallory, f->alice, 0),
	    MS_ST_AUTH_FAILED);
	assert_string_equal(s.w.sess.principal, "");
	session_free(&s);

	/* A worker that tampers with the server signature is killed. */
	session_start(f, &s);
	session_kex(f, &s);
	s.sig[0] ^= 1;
	session_auth(f, &s, f->alice, f->alice, -1);
	session_free(&s);
	msbuf_free(req);
	msbuf_free(resp);
}

/* A uid= line, as principals.c makes one. */
static void
add_local(struct fixture *f, const char *name, uint32_t uid)
{
	struct principal *nv;

	assert_non_null(nv = recallocarray(f->principals.v, f->principals.n,
	    f->principals.n + 1, sizeof(*nv)));
	f->principals.v = nv;
	strlcpy(nv[f->principals.n].name, name, sizeof(nv->name));
	nv[f->principals.n].local = 1;
	nv[f->principals.n].uid = uid;
	f->principals.n++;
}

/* A session whose socket the listener took SO_PEERCRED on. */
static void
local_start(struct fixture *f, struct session *s, int set, uint32_t uid)
{
	session_start(f, s);
	s->w.cred.set = set;
	s->w.cred.uid = s->w.cred.gid = uid;
	s->w.cred.pid = 777;
	session_kex(f, s);
}

/*
 * Peer credentials (id_type 3): the principal comes from the monitor's
 * own SO_PEERCRED snapshot only; a TCP session, an unmapped uid, a uid
 * the worker appends, a signature where none belongs and a bad Finished
 * all fail the login.
 */
static void
test_peer_auth(void **state)
{
	struct fixture *f = *state;
	struct session s;
	struct msbuf *ident = newbuf();
	struct auth_opts peer = honest, nofin = honest;

	peer.peer_cv = 1;
	nofin.peer_cv = 1;
	nofin.finished_ok = 0;
	add_local(f, "carol", 4300);
	assert_int_equal(ms_client_identity_put_peer(ident), 0);

	local_start(f, &s, 1, 4300);
	assert_int_equal(auth_with(f, &s, ident, f->alice, &peer, 0),
	    MS_ST_OK);
	assert_string_equal(s.w.sess.principal, "carol");
	assert_int_equal(s.w.sess.cert_auth, 0);
	session_free(&s);

	/* TCP: no snapshot, so no login, whatever the uid field holds. */
	local_start(f, &s, 0, 4300);
	assert_int_equal(auth_with(f, &s, ident, f->alice, &peer, 0),
	    MS_ST_AUTH_FAILED);
	assert_string_equal(s.w.sess.principal, "");
	session_free(&s);

	/* An unmapped uid, root's among them. */
	local_start(f, &s, 1, 4301);
	assert_int_equal(auth_with(f, &s, ident, f->alice, &peer, 0),
	    MS_ST_AUTH_FAILED);
	session_free(&s);
	local_start(f, &s, 1, 0);
	assert_int_equal(auth_with(f, &s, ident, f->alice, &peer, 0),
	    MS_ST_AUTH_FAILED);
	session_free(&s);

	/* The worker names carol's uid for an unmapped peer: refused. */
	assert_int_equal(msbuf_put_u32(ident, 4300), 0);
	local_start(f, &s, 1, 4301);
	assert_int_equal(auth_with(f, &s, ident, f->alice, &peer, 0),
	    MS_ST_AUTH_FAILED);
	assert_string_equal(s.w.sess.principal, "");
	session_free(&s);
	msbuf_reset(ident);
	assert_int_equal(ms_client_identity_put_peer(ident), 0);

	/* A real signature is not the empty proof id_type 3 requires. */
	local_start(f, &s, 1, 4300);
	assert_int_equal(auth_with(f, &s, ident, f->alice, &honest, 0),
	    MS_ST_AUTH_FAILED);
	session_free(&s);

	/* The worker's Finished check can still fail it. */
	local_start(f, &s, 1, 4300);
	assert_int_equal(auth_with(f, &s, ident, f->alice, &nofin, 0),
	    MS_ST_AUTH_FAILED);
	session_free(&s);
	msbuf_free(ident);
}

static void
test_cert_auth_ok(void **state)
{
	struct fixture *f = *state;
	const char *types[] = { "ED25519", "P-256", "P-384", "RSA" };
	struct session s;
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		EVP_PKEY *k = cg_key(types[i]);
		X509 *x = client_cert(f, k, "carol", 100 + (long)i, DAY, NULL,
		    NULL);

		assert_int_equal(cert_login(f, &s, x, NULL, k, NULL), MS_ST_OK);
		assert_string_equal(s.w.sess.principal, "carol");
		assert_int_equal(s.w.sess.cert_auth, 1);
		/* Groups from the "carol groups=ops cert" line. */
		assert_int_equal(s.w.sess.ngroups, 1);
		assert_string_equal(s.w.sess.groups[0], "ops");
		session_free(&s);
		X509_free(x);
		EVP_PKEY_free(k);
	}
	/* A certificate principal without any principals line: no groups. */
	{
		X509 *x = client_cert(f, f->leaf_key, "dave", 110, DAY, NULL,
		    NULL);

		assert_int_equal(cert_login(f, &s, x, NULL, f->leaf_key, NULL),
		    MS_ST_OK);
		assert_string_equal(s.w.sess.principal, "dave");
		assert_int_equal(s.w.sess.ngroups, 0);
		session_free(&s);
		X509_free(x);
	}
	/* Raw keys keep working beside certificates, without cert_auth. */
	session_start(f, &s);
	session_kex(f, &s);
	assert_int_equal(session_auth(f, &s, f->bob, f->bob, 0), MS_ST_OK);
	assert_int_equal(s.w.sess.cert_auth, 0);
	session_free(&s);
}

static void
refused_login(struct fixture *f, X509 *leaf, X509 *inter, EVP_PKEY *signer,
    const struct auth_opts *o)
{
	struct session s;
	struct msbuf *req = newbuf(), *resp = newbuf();

	assert_int_equal(cert_login(f, &s, leaf, inter, signer, o),
	    MS_ST_AUTH_FAILED);
	assert_string_equal(s.w.sess.principal, "");
	assert_int_equal(s.w.sess.cert_auth, 0);
	/* Nothing more is permitted: the worker would be killed. */
	assert_int_equal(msbuf_put_cstring(req, "/"), 0);
	assert_int_not_equal(call(f, &s, MS_MON_LIST, req, resp), 0);
	msbuf_free(req);
	msbuf_free(resp);
	session_free(&s);
}

static void
test_cert_auth_refusals(void **state)
{
	struct fixture *f = *state;
	struct auth_opts o = honest;
	struct ms_certs *saved;
	struct ms_alg_list algs;
	EVP_PKEY *ec, *rsa1024;
	X509 *x;

	/* Expired. */
	x = client_cert(f, f->leaf_key, "carol", 200, -3600, NULL, NULL);
	refused_login(f, x, NULL, f->leaf_key, NULL);
	X509_free(x);
	/* Unknown CA. */
	x = client_cert(f, f->leaf_key, "carol", 201, DAY, f->other_ca,
	    f->other_key);
	refused_login(f, x, NULL, f->leaf_key, NULL);
	/* ... even when the foreign root comes along in the chain. */
	refused_login(f, x, f->other_ca, f->leaf_key, NULL);
	X509_free(x);
	/* Revoked by the CRL. */
	x = client_cert(f, f->leaf_key, "carol", 666, DAY, NULL, NULL);
	refused_login(f, x, NULL, f->leaf_key, NULL);
	X509_free(x);

	/* A valid certificate, but the transcript signed by another key. */
	x = client_cert(f, f->leaf_key, "carol", 202, DAY, NULL, NULL);
	refused_login(f, x, NULL, f->mallory, NULL);
	/* The right key, but CLIENT_FINISHED failed at the worker. */
	o.finished_ok = 0;
	refused_login(f, x, NULL, f->leaf_key, &o);
	o = honest;
	/* No trust store at all (no TrustedUserCAFile). */
	saved = f->ctx.certs;
	f->ctx.certs = NULL;
	refused_login(f, x, NULL, f->leaf_key, NULL);
	f->ctx.certs = saved;
	X509_free(x);

	/* RSA-1024 below MinimumRSABits. */
	rsa1024 = cg_key("RSA1024");
	x = client_cert(f, rsa1024, "carol", 203, DAY, NULL, NULL);
	refused_login(f, x, NULL, rsa1024, NULL);
	X509_free(x);
	EVP_PKEY_free(rsa1024);

	/* sig_alg field other than the key's scheme. */
	ec = cg_key("P-256");
	x = client_cert(f, ec, "carol", 204, DAY, NULL, NULL);
	o.alg = MS_SIG_ECDSA_P384_SHA384;
	refused_login(f, x, NULL, ec, &o);
	o.alg = MS_SIG_ED25519;
	refused_login(f, x, NULL, ec, &o);
	o = honest;
	/* The key's scheme is not in SignatureAlgorithms. */
	algs = f->conf.sig_algs;
	f->conf.sig_algs.n = 1;
	f->conf.sig_algs.ids[0] = MS_SIG_ED25519;
	refused_login(f, x, NULL, ec, NULL);
	f->conf.sig_algs = algs;
	X509_free(x);
	EVP_PKEY_free(ec);
}

/* Structurally bad identities from the client fail the login only. */
static void
test_cert_identity_malformed(void **state)
{
	struct fixture *f = *state;
	struct session s;
	struct msbuf *ident = newbuf();
	u_char junk[64];
	X509 *x = client_cert(f, f->leaf_key, "carol", 300, DAY, NULL, NULL);
	int i;

	memset(junk, 0x30, sizeof(junk));
	/* Garbage DER. */
	assert_int_equal(msbuf_put_u8(ident, MS_ID_X509_CHAIN), 0);
	assert_int_equal(msbuf_put_u8(ident, 1), 0);
	assert_int_equal(msbuf_put_string(ident, junk, sizeof(junk)), 0);
	assert_int_equal(login_with(f, &s, ident, f->leaf_key, &honest),
	    MS_ST_AUTH_FAILED);
	session_free(&s);
	/* An empty cert_der: well formed, no certificate (PROTOCOL.md 4.3). */
	msbuf_reset(ident);
	assert_int_equal(msbuf_put_u8(ident, MS_ID_X509_CHAIN), 0);
	assert_int_equal(msbuf_put_u8(ident, 2), 0);
	put_der(ident, x);
	assert_int_equal(msbuf_put_string(ident, NULL, 0), 0);
	assert_int_equal(login_with(f, &s, ident, f->leaf_key, &honest),
	    MS_ST_AUTH_FAILED);
	session_free(&s);
	/* A raw key shorter than Ed25519's 32 bytes. */
	msbuf_reset(ident);
	assert_int_equal(msbuf_put_u8(ident, MS_ID_RAW_ED25519), 0);
	assert_int_equal(msbuf_put_string(ident, junk, 16), 0);
	assert_int_equal(login_with(f, &s, ident, f->alice, &honest),
	    MS_ST_AUTH_FAILED);
	session_free(&s);
	/* Nine certificates. */
	msbuf_reset(ident);
	assert_int_equal(msbuf_put_u8(ident, MS_ID_X509_CHAIN), 0);
	assert_int_equal(msbuf_put_u8(ident, 9), 0);
	for (i = 0; i < 9; i++)
		put_der(ident, x);
	assert_int_equal(login_with(f, &s, ident, f->leaf_key, &honest),
	    MS_ST_AUTH_FAILED);
	session_free(&s);
	/* Trailing bytes after the chain; an unknown id_type. */
	msbuf_reset(ident);
	assert_int_equal(msbuf_put_u8(ident, MS_ID_X509_CHAIN), 0);
	assert_int_equal(msbuf_put_u8(ident, 1), 0);
	put_der(ident, x);
	assert_int_equal(msbuf_put_u8(ident, 0), 0);
	assert_int_equal(login_with(f, &s, ident, f->leaf_key, &honest),
	    MS_ST_AUTH_FAILED);
	session_free(&s);
	msbuf_reset(ident);
	assert_int_equal(msbuf_put_u8(ident, 3), 0);
	assert_int_equal(msbuf_put_string(ident, junk, 32), 0);
	assert_int_equal(login_with(f, &s, ident, f->alice, &honest),
	    MS_ST_AUTH_FAILED);
	session_free(&s);
	/* A raw Ed25519 identity signed under another algorithm. */
	{
		EVP_PKEY *ec = cg_key("P-256");

		msbuf_reset(ident);
		put_raw_ident(ident, f->alice);
		assert_int_equal(login_with(f, &s, ident, ec, &honest),
		    MS_ST_AUTH_FAILED);
		session_free(&s);
		EVP_PKEY_free(ec);
	}
	msbuf_free(ident);
	X509_free(x);
}

/*
 * AUTH is parsed completely before anything is checked: one byte after
 * finished_ok, or a finished_ok other than 0/1, kills the worker, whose
 * honest proof is not even looked at; it stays SIGNED and unbound, and
 * cannot try again.
 */
static void
test_auth_malformed_refused(void **state)
{
	struct fixture *f = *state;
	struct session s;
	struct auth_opts o = honest;
	struct msbuf *req = newbuf(), *resp = newbuf();

	o.trailing = 1;
	session_start(f, &s);
	session_kex(f, &s);
	{
		struct msbuf *ident = newbuf();

		put_raw_ident(ident, f->alice);
		auth_with(f, &s, ident, f->alice, &o, -1);
		assert_string_equal(s.w.sess.principal, "");
		/* Once-only: the malformed attempt used AUTH up. */
		o.trailing = 0;
		auth_with(f, &s, ident, f->alice, &o, -1);
		session_free(&s);

		o.finished_ok = 2;
		session_start(f, &s);
		session_kex(f, &s);
		auth_with(f, &s, ident, f->alice, &o, -1);
		assert_string_equal(s.w.sess.principal, "");
		msbuf_free(ident);
	}
	assert_int_equal(msbuf_put_cstring(req, "/"), 0);
	assert_int_not_equal(call(f, &s, MS_MON_LIST, req, resp), 0);
	session_free(&s);
	msbuf_free(req);
	msbuf_free(resp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auth_failures),
		cmocka_unit_test(test_auth_malformed_refused),
		cmocka_unit_test(test_peer_auth),
		cmocka_unit_test(test_cert_auth_ok),
		cmocka_unit_test(test_cert_auth_refusals),
		cmocka_unit_test(test_cert_identity_malformed),
	};

	ms_log_init("test_mon_dispatch", getenv("TEST_DEBUG") ? MS_LOG_DEBUG3 : MS_LOG_QUIET, 1, -1);
	return cmocka_run_group_tests(tests, setup, teardown);
}
