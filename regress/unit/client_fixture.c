/*
 * client_fixture.c — scratch files, certificates and the minimal fake
 * server of the test_client_*.c tests (see client_fixture.h).
 */
#include "client_fixture.h"

char tmpdir[256];

void
mk_tmpdir(void)
{
	strlcpy(tmpdir, "/tmp/test_client.XXXXXX", sizeof(tmpdir));
	assert_non_null(mkdtemp(tmpdir));
}

void
rm_tmpdir(void)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	assert_int_equal(system(cmd), 0);
}

void
write_file(const char *path, const char *text)
{
	FILE *f;

	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

char *
key_b64(const u_char key[32])
{
	char *b64 = NULL;

	assert_int_equal(ms_base64_encode(key, 32, 0, &b64), 0);
	return b64;
}

/* cl_kh_check_count without the count, as most checks here need. */
int
cl_kh_check(const char *file, const char *hostname,
    const u_char key[MS_ED25519_PUB_LEN], enum cl_kh_result *resp,
    u_long *linep, u_char expected[MS_ED25519_PUB_LEN])
{
	return cl_kh_check_count(file, hostname, key, resp, linep, expected,
	    NULL);
}

/* --- certificates --------------------------------------------------------- */

X509 *
issue(enum kg_cert_kind kind, const char *name, const char *extra,
    const char *validity, EVP_PKEY *subj, X509 *issuer, EVP_PKEY *ikey)
{
	struct kg_cert_req req;
	X509 *x = NULL;

	memset(&req, 0, sizeof(req));
	req.kind = kind;
	req.name = name;
	req.extra_names = extra;
	if (validity != NULL)
		assert_int_equal(kg_validity_parse(validity, 0,
		    &req.validity), 0);
	else
		req.validity.days = 30;
	assert_int_equal(kg_cert_issue(&req, subj, issuer, ikey, time(NULL),
	    &x, NULL, 0), 0);
	return x;
}

void
write_certs(const char *path, X509 *a, X509 *b)
{
	FILE *f;

	assert_non_null(f = fopen(path, "w"));
	if (a != NULL)
		assert_int_equal(PEM_write_X509(f, a), 1);
	if (b != NULL)
		assert_int_equal(PEM_write_X509(f, b), 1);
	assert_int_equal(fclose(f), 0);
}

/* SERVER_CERTIFICATE body for up to two certificates. */
struct msbuf *
cert_msg(X509 *a, X509 *b)
{
	struct msbuf *m;
	u_char *der;
	int len, i;
	X509 *v[2] = { a, b };

	assert_non_null(m = msbuf_new(65536));
	assert_int_equal(msbuf_put_u8(m, b != NULL ? 2 : 1), 0);
	for (i = 0; i < 2 && v[i] != NULL; i++) {
		der = NULL;
		assert_true((len = i2d_X509(v[i], &der)) > 0);
		assert_int_equal(msbuf_put_string(m, der, (size_t)len), 0);
		OPENSSL_free(der);
	}
	return m;
}

#define CHILD_CHECK(x) do { if (!(x)) { \
	fprintf(stderr, "fake server: %s:%d: %s\n", __FILE__, __LINE__, #x); \
	_exit(1); } } while (0)

/*
 * Set when the client is expected to hang up mid-handshake: a write that
 * then meets the closed socket (EPIPE, ECONNRESET) is the expected end,
 * not a failure.  On a loaded machine the client may close before the
 * server's last frames are written.
 */
static int fake_peer_may_close;

static void
fake_send(struct ms_record_dir *tx, int fd, uint8_t type, struct msbuf *body)
{
	struct msbuf *frame;
	int r;

	CHILD_CHECK((frame = msbuf_new(2 * 1024 * 1024)) != NULL);
	CHILD_CHECK(ms_record_seal(tx, type, body, frame) == 0);
	r = ms_write_all(fd, msbuf_ptr(frame), msbuf_len(frame));
	if (r != 0 && fake_peer_may_close && (r == MS_ERR_CONN_CLOSED ||
	    (r == MS_ERR_SYSTEM && errno == ECONNRESET)))
		_exit(0);
	CHILD_CHECK(r == 0);
	msbuf_free(frame);
}

static void
fake_recv(struct ms_record_dir *rx, int fd, uint8_t want, struct msbuf *body)
{
	struct msbuf *p;
	uint8_t type;

	CHILD_CHECK((p = msbuf_new(MS_FRAME_MAX)) != NULL);
	CHILD_CHECK(ms_frame_read(fd, &type, p, MS_FRAME_MAX, 5000) == 0);
	CHILD_CHECK(type == MS_FRAME_RECORD);
	CHILD_CHECK(ms_record_open(rx, p, &type, body) == 0);
	CHILD_CHECK(type == want);
	msbuf_free(p);
}

/* Serve the operations the client test performs, then expect EOF. */
static void
fake_ops(int fd, struct ms_record_dir *tx, struct ms_record_dir *rx,
    struct ms_blob_ctx *btx, struct ms_blob_ctx *brx, struct msbuf *b)
{
	struct msbuf *p, *val;
	const u_char *blob;
	char *path = NULL, *rec = NULL;
	size_t bloblen;
	uint32_t id, h;
	uint8_t type, flags, access, detail;

	CHILD_CHECK((p = msbuf_new(MS_FRAME_MAX)) != NULL);
	CHILD_CHECK((val = msbuf_new(MS_VALUE_MAX)) != NULL);
	for (;;) {
		if (ms_frame_read(fd, &type, p, MS_FRAME_MAX, 5000) ==
		    MS_ERR_CONN_CLOSED)
			break;
		CHILD_CHECK(type == MS_FRAME_RECORD);
		CHILD_CHECK(ms_record_open(rx, p, &type, b) == 0);
		CHILD_CHECK(msbuf_get_u32(b, &id) == 0);
		switch (type) {
		case MS_MSG_OPEN:
			free(path);
			CHILD_CHECK(msbuf_get_cstring(b, &path, NULL, 1024) == 0);
			CHILD_CHECK(msbuf_get_u8(b, &access) == 0);
			CHILD_CHECK(msbuf_len(b) == 0);
			msbuf_reset(b);
			msbuf_put_u32(b, id);
			if (strcmp(path, "/missing") == 0) {
				msbuf_put_u32(b, MS_ST_PATH_NOT_FOUND);
			} else {
				msbuf_put_u32(b, MS_ST_OK);
				msbuf_put_u32(b, 42);
			}
			break;
		case MS_MSG_GET:
			CHILD_CHECK(msbuf_get_u32(b, &h) == 0 && h == 42);
			free(rec);
			CHILD_CHECK(msbuf_get_cstring(b, &rec, NULL, 255) == 0);
			msbuf_reset(b);
			msbuf_put_u32(b, id);
			msbuf_put_u32(b, MS_ST_OK);
			msbuf_put_u8(b, MS_REC_SECURE);
			msbuf_put_u64(b, 1);
			msbuf_put_u64(b, 2);
			msbuf_reset(val);
			CHILD_CHECK(ms_blob_seal(btx, path, rec, h,
			    (const u_char *)"top secret", 10, val) == 0);
			msbuf_put_stringb(b, val);
			break;
		case MS_MSG_SET:
			CHILD_CHECK(msbuf_get_u32(b, &h) == 0 && h == 42);
			free(rec);
			CHILD_CHECK(msbuf_get_cstring(b, &rec, NULL, 255) == 0);
			CHILD_CHECK(msbuf_get_u8(b, &flags) == 0);
			CHILD_CHECK(flags == MS_REC_SECURE);
			CHILD_CHECK(msbuf_get_string_direct(b, &blob, &bloblen,
			    MS_VALUE_MAX + 64) == 0);
			msbuf_reset(val);
			CHILD_CHECK(ms_blob_open(brx, path, rec, h, blob,
			    bloblen, val) == 0);
			CHILD_CHECK(msbuf_len(val) == 6 &&
			    memcmp(msbuf_ptr(val), "newval", 6) == 0);
			msbuf_reset(b);
			msbuf_put_u32(b, id);
			msbuf_put_u32(b, MS_ST_OK);
			msbuf_put_u64(b, 9);
			break;
		case MS_MSG_STATUS:
			/* The library asks for the store usage (detail 1). */
			CHILD_CHECK(msbuf_get_u8(b, &detail) == 0 &&
			    detail == MS_STATUS_USAGE && msbuf_len(b) == 0);
			msbuf_reset(b);
			msbuf_put_u32(b, id);
			msbuf_put_u32(b, MS_ST_OK);
			msbuf_put_cstring(b, "metasafe-fake");
			msbuf_put_cstring(b, "tester");
			msbuf_put_u32(b, 1);
			msbuf_put_u16(b, MS_CIPHER_CHACHA20_POLY1305);
			msbuf_put_u64(b, 4096);
			msbuf_put_u64(b, 1ULL << 30);
			msbuf_put_u64(b, 1);
			msbuf_put_u64(b, 0);
			break;
		case MS_MSG_CLOSE:
			CHILD_CHECK(msbuf_get_u32(b, &h) == 0 && h == 42);
			msbuf_reset(b);
			msbuf_put_u32(b, id);
			msbuf_put_u32(b, MS_ST_OK);
			break;
		default:
			CHILD_CHECK(0);
		}
		fake_send(tx, fd, MS_MSG_RESPONSE, b);
	}
	free(path);
	free(rec);
	msbuf_free(p);
	msbuf_free(val);
}

static void __attribute__((noreturn))
fake_serve(struct fake_server *fs, enum fake_mode mode)
{
	struct ms_client_hello ch;
	struct ms_server_hello sh;
	struct ms_transcript *t;
	struct ms_hs_secrets hs;
	struct ms_ap_secrets ap;
	struct ms_record_dir tx, rx;
	struct ms_blob_ctx btx, brx;
	struct msbuf *p, *b;
	EVP_PKEY *eph;
	u_char th[32], th_sh[32], ss_e[32], ss_s[32], stat[32], sig[64];
	u_char msg[128], mac[32], got[32], cpub[32];
	size_t msglen;
	uint16_t alg;
	uint8_t type, idtype, ncerts, i;
	int fd, aead, r;
	EVP_PKEY *ckey = NULL;
	const u_char *der, *dp, *csig;
	size_t derlen, csiglen;
	X509 *x;

	/* A peer that hangs up must not kill the fake server with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	fake_peer_may_close = mode == FAKE_BAD_SIGNATURE ||
	    mode == FAKE_BAD_FINISHED || fs->expect_cert_refusal;
	CHILD_CHECK((fd = accept(fs->lfd, NULL, NULL)) != -1);
	CHILD_CHECK((p = msbuf_new(MS_FRAME_MAX)) != NULL);
	CHILD_CHECK((b = msbuf_new(MS_FRAME_MAX)) != NULL);
	CHILD_CHECK((t = ms_transcript_new()) != NULL);

	CHILD_CHECK(ms_frame_read(fd, &type, p, MS_FRAME_MAX, 5000) == 0);
	CHILD_CHECK(type == MS_FRAME_CLIENT_HELLO);
	CHILD_CHECK(ms_transcript_add(t, type, msbuf_ptr(p),
	    msbuf_len(p)) == 0);
	CHILD_CHECK(ms_client_hello_parse(p, &ch) == 0);
	CHILD_CHECK(ch.version == MS_PROTO_VERSION);

	if (mode == FAKE_ALERT) {
		msbuf_reset(b);
		msbuf_put_u16(b, MS_PROTO_VERSION);
		msbuf_put_u32(b, MS_ST_NO_COMMON_SUITE);
		msbuf_put_cstring(b, "no common cipher\x1b[31m");
		CHILD_CHECK(ms_frame_write(fd, MS_FRAME_ALERT, b) == 0);
		_exit(0);
	}

	memset(&sh, 0, sizeof(sh));
	sh.version = MS_PROTO_VERSION;
	CHILD_CHECK(ms_random_bytes(sh.random, 32) == 0);
	/* Server preference: chacha first. */
	sh.cipher = ms_alg_list_contains(&ch.ciphers,
	    MS_CIPHER_CHACHA20_POLY1305) ? MS_CIPHER_CHACHA20_POLY1305 :
	    MS_CIPHER_AES256_GCM;
	sh.kex = MS_KEX_X25519_HYBRID;
	sh.sig = mode == FAKE_WRONG_SIG ? MS_SIG_ECDSA_P256_SHA256 :
	    MS_SIG_ED25519;
	CHILD_CHECK(ms_pkey_generate(MS_KEY_X25519, &eph) == 0);
	CHILD_CHECK(ms_pkey_raw_public(eph, sh.share, 32) == 0);
	memcpy(sh.host_kex_pub, fs->host_kex_pub, 32);
	memcpy(sh.host_sig_pub, fs->host_sig_pub, 32);
	msbuf_reset(b);
	CHILD_CHECK(ms_server_hello_put(b, &sh) == 0);
	CHILD_CHECK(ms_transcript_add(t, MS_FRAME_SERVER_HELLO, msbuf_ptr(b),
	    msbuf_len(b)) == 0);
	CHILD_CHECK(ms_frame_write(fd, MS_FRAME_SERVER_HELLO, b) == 0);

	if (mode == FAKE_ALERT_AFTER_HELLO) {
		msbuf_reset(b);
		msbuf_put_u16(b, MS_PROTO_VERSION);
		msbuf_put_u32(b, MS_ST_INTERNAL_ERROR);
		msbuf_put_cstring(b, "");
		CHILD_CHECK(ms_frame_write(fd, MS_FRAME_ALERT, b) == 0);
		_exit(0);
	}
	if (mode == FAKE_EXPECT_SILENCE || mode == FAKE_WRONG_SIG) {
		/* The client must close without sending another byte. */
		CHILD_CHECK(ms_frame_read(fd, &type, p, MS_FRAME_MAX, 5000) ==
		    MS_ERR_CONN_CLOSED);
		_exit(0);
	}

	CHILD_CHECK(ms_transcript_hash(t, th_sh) == 0);
	CHILD_CHECK(ms_x25519_derive(eph, ch.share, ss_e) == 0);
	CHILD_CHECK(ms_x25519_derive(fs->host_kex, ch.share, ss_s) == 0);
	CHILD_CHECK(ms_derive_static(ss_s, th_sh, stat) == 0);
	CHILD_CHECK(ms_derive_handshake(stat, ss_e, th_sh, &hs) == 0);
	aead = ms_cipher_to_aead(sh.cipher);
	CHILD_CHECK(ms_record_dir_init(&tx, (enum ms_aead)aead, hs.s_hs) == 0);
	CHILD_CHECK(ms_record_dir_init(&rx, (enum ms_aead)aead, hs.c_hs) == 0);

	/* SERVER_CERTIFICATE: the signature then covers it. */
	memcpy(th, th_sh, sizeof(th));
	if (mode == FAKE_CERT && fs->cert_msg != NULL) {
		CHILD_CHECK(ms_transcript_add(t, MS_MSG_SERVER_CERTIFICATE,
		    msbuf_ptr(fs->cert_msg), msbuf_len(fs->cert_msg)) == 0);
		CHILD_CHECK(ms_transcript_hash(t, th) == 0);
		fake_send(&tx, fd, MS_MSG_SERVER_CERTIFICATE, fs->cert_msg);
	}
	/* SERVER_VERIFY */
	CHILD_CHECK(ms_sig_message(MS_SIG_CONTEXT_SERVER, th, msg,
	    sizeof(msg), &msglen) == 0);
	CHILD_CHECK(ms_ed25519_sign(fs->host_sig, msg, msglen, sig) == 0);
	if (mode == FAKE_BAD_SIGNATURE)
		sig[10] ^= 1;
	msbuf_reset(b);
	msbuf_put_u16(b, MS_SIG_ED25519);
	msbuf_put_string(b, sig, 64);
	CHILD_CHECK(ms_transcript_add(t, MS_MSG_SERVER_VERIFY, msbuf_ptr(b),
	    msbuf_len(b)) == 0);
	fake_send(&tx, fd, MS_MSG_SERVER_VERIFY, b);
	/* SERVER_FINISHED */
	CHILD_CHECK(ms_transcript_hash(t, th) == 0);
	CHILD_CHECK(ms_finished_mac(hs.s_fin, th, mac) == 0);
	if (mode == FAKE_BAD_FINISHED)
		mac[0] ^= 1;
	msbuf_reset(b);
	msbuf_put_string(b, mac, 32);
	CHILD_CHECK(ms_transcript_add(t, MS_MSG_SERVER_FINISHED, msbuf_ptr(b),
	    msbuf_len(b)) == 0);
	fake_send(&tx, fd, MS_MSG_SERVER_FINISHED, b);
	if (mode == FAKE_BAD_SIGNATURE || mode == FAKE_BAD_FINISHED ||
	    fs->expect_cert_refusal) {
		/* EOF, or a reset when SERVER_FINISHED was left unread. */
		r = ms_frame_read(fd, &type, p, MS_FRAME_MAX, 5000);
		CHILD_CHECK(r == MS_ERR_CONN_CLOSED ||
		    (r == MS_ERR_SYSTEM && errno == ECONNRESET));
		_exit(0);
	}

	/* CLIENT_IDENTITY */
	fake_recv(&rx, fd, MS_MSG_CLIENT_IDENTITY, b);
	CHILD_CHECK(ms_transcript_add(t, MS_MSG_CLIENT_IDENTITY, msbuf_ptr(b),
	    msbuf_len(b)) == 0);
	CHILD_CHECK(msbuf_get_u8(b, &idtype) == 0);
	CHILD_CHECK(idtype == (fs->want_idtype != 0 ? fs->want_idtype : 1));
	if (idtype == 1) {
		CHILD_CHECK(msbuf_get_string_fixed(b, cpub, 32) == 0);
		CHILD_CHECK(ms_pkey_from_raw_public(MS_KEY_ED25519, cpub, 32,
		    &ckey) == 0);
	} else {
		CHILD_CHECK(msbuf_get_u8(b, &ncerts) == 0 && ncerts >= 1);
		for (i = 0; i < ncerts; i++) {
			CHILD_CHECK(msbuf_get_string_direct(b, &der, &derlen,
			    16384) == 0);
			dp = der;
			CHILD_CHECK((x = d2i_X509(NULL, &dp,
			    (long)derlen)) != NULL);
			if (i == 0)
				CHILD_CHECK((ckey = X509_get_pubkey(x)) !=
				    NULL);
			X509_free(x);
		}
	}
	CHILD_CHECK(msbuf_len(b) == 0);
	/* CLIENT_VERIFY */
	CHILD_CHECK(ms_transcript_hash(t, th) == 0);
	fake_recv(&rx, fd, MS_MSG_CLIENT_VERIFY, b);
	CHILD_CHECK(ms_transcript_add(t, MS_MSG_CLIENT_VERIFY, msbuf_ptr(b),
	    msbuf_len(b)) == 0);
	CHILD_CHECK(msbuf_get_u16(b, &alg) == 0);
	CHILD_CHECK(alg == ms_sigalg_for_key(ckey, 1024));
	CHILD_CHECK(msbuf_get_string_direct(b, &csig, &csiglen, 1024) == 0);
	CHILD_CHECK(msbuf_len(b) == 0);
	CHILD_CHECK(ms_sig_message(MS_SIG_CONTEXT_CLIENT, th, msg,
	    sizeof(msg), &msglen) == 0);
	CHILD_CHECK(ms_sigalg_verify(alg, ckey, msg, msglen, csig,
	    csiglen) == 0);
	EVP_PKEY_free(ckey);
	/* CLIENT_FINISHED */
	CHILD_CHECK(ms_transcript_hash(t, th) == 0);
	CHILD_CHECK(ms_finished_mac(hs.c_fin, th, mac) == 0);
	fake_recv(&rx, fd, MS_MSG_CLIENT_FINISHED, b);
	CHILD_CHECK(ms_transcript_add(t, MS_MSG_CLIENT_FINISHED, msbuf_ptr(b),
	    msbuf_len(b)) == 0);
	CHILD_CHECK(msbuf_get_string_fixed(b, got, 32) == 0);
	CHILD_CHECK(ms_ct_equal(mac, got, 32));
	/* Application keys; AUTH_RESULT under them. */
	CHILD_CHECK(ms_transcript_hash(t, th) == 0);
	CHILD_CHECK(ms_derive_application(hs.hs, th, &ap) == 0);
	CHILD_CHECK(ms_record_dir_init(&tx, (enum ms_aead)aead, ap.s_ap) == 0);
	CHILD_CHECK(ms_record_dir_init(&rx, (enum ms_aead)aead, ap.c_ap) == 0);
	CHILD_CHECK(ms_blob_ctx_init(&btx, (enum ms_aead)aead, sh.cipher,
	    ap.s_blob, 1) == 0);
	CHILD_CHECK(ms_blob_ctx_init(&brx, (enum ms_aead)aead, sh.cipher,
	    ap.c_blob, 0) == 0);
	msbuf_reset(b);
	msbuf_put_u32(b, mode == FAKE_AUTH_FAIL ? MS_ST_AUTH_FAILED : MS_ST_OK);
	fake_send(&tx, fd, MS_MSG_AUTH_RESULT, b);
	if (mode == FAKE_OK)
		fake_ops(fd, &tx, &rx, &btx, &brx, b);
	_exit(0);
}

static void
fake_server_init(struct fake_server *fs)
{
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);

	memset(fs, 0, sizeof(*fs));
	assert_int_equal(ms_pkey_generate(MS_KEY_X25519, &fs->host_kex), 0);
	assert_int_equal(ms_pkey_generate(MS_KEY_ED25519, &fs->host_sig), 0);
	assert_int_equal(ms_pkey_raw_public(fs->host_kex, fs->host_kex_pub,
	    32), 0);
	assert_int_equal(ms_pkey_raw_public(fs->host_sig, fs->host_sig_pub,
	    32), 0);
	assert_true((fs->lfd = socket(AF_INET, SOCK_STREAM, 0)) != -1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fs->lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fs->lfd, 4), 0);
	assert_int_equal(getsockname(fs->lfd, (struct sockaddr *)&sin, &slen),
	    0);
	snprintf(fs->port, sizeof(fs->port), "%u", ntohs(sin.sin_port));
}

pid_t
fake_start(struct fake_server *fs, enum fake_mode mode)
{
	pid_t pid;

	assert_true((pid = fork()) != -1);
	if (pid == 0)
		fake_serve(fs, mode);
	return pid;
}

void
fake_wait(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void
fake_server_free(struct fake_server *fs)
{
	close(fs->lfd);
	EVP_PKEY_free(fs->host_kex);
	EVP_PKEY_free(fs->host_sig);
}

void
e2e_setup(struct e2e *e, int pin)
{
	EVP_PKEY *ck;
	char line[512], *b64;

	mk_tmpdir();
	fake_server_init(&e->fs);
	snprintf(e->kh, sizeof(e->kh), "%s/known_hosts", tmpdir);
	snprintf(e->id, sizeof(e->id), "%s/id_ed25519", tmpdir);
	assert_int_equal(ms_pkey_generate(MS_KEY_ED25519, &ck), 0);
	assert_int_equal(ms_key_save_private(e->id, ck, NULL), 0);
	EVP_PKEY_free(ck);
	assert_int_equal(metasafe_key_load(e->id, NULL, &e->key), 0);
	if (pin) {
		b64 = key_b64(e->fs.host_sig_pub);
		snprintf(line, sizeof(line), "[127.0.0.1]:%s ms-ed25519 %s\n",
		    e->fs.port, b64);
		write_file(e->kh, line);
		free(b64);
	}
	metasafe_opts_init(&e->o);
	e->o.host = "127.0.0.1";
	e->o.port = e->fs.port;
	e->o.known_hosts_file = e->kh;
	e->o.identity_file = e->id;
	e->o.timeout_ms = 5000;
}

void
e2e_teardown(struct e2e *e)
{
	metasafe_key_free(e->key);
	fake_server_free(&e->fs);
	rm_tmpdir();
}

/*
 * A connection to the fake server in 'mode' is refused with 'want', and
 * the error message says 'text'.
 */
void
e2e_refused(struct e2e *e, enum fake_mode mode, int want, const char *text)
{
	struct metasafe_conn *c = NULL;
	pid_t pid;

	pid = fake_start(&e->fs, mode);
	assert_int_equal(metasafe_connect(&e->o, &c), want);
	assert_non_null(strstr(metasafe_last_error_message(c), text));
	metasafe_close(c);
	fake_wait(pid);
}
