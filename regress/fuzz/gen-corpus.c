/*
 * gen-corpus.c — writes the seed corpora of the harnesses that take wire
 * messages (frame, hello, msg, record, certs, acl, dispatch), etcd's
 * gateway answers (etcd) and the fixed PKI of fuzz_certs (data/): real
 * encodings made with the project's own encoders, so the fuzzers start
 * from whole handshakes rather than from random bytes.  Run by make fuzz-corpus (gen-corpus.sh); the output is
 * committed.  Keys and randoms are fresh on every run.
 *
 *	gen-corpus CORPUSDIR DATADIR
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "crypto.h"
#include "errors.h"
#include "etcd_kv.h"
#include "frame.h"
#include "fuzz.h"
#include "fuzz_acl.h"
#include "fuzz_dispatch_keys.h"
#include "fuzz_keys.h"
#include "hello.h"
#include "keyfile.h"
#include "msg_alert.h"
#include "msg_auth.h"
#include "msg_certs.h"
#include "proto.h"
#include "record.h"
#include "../unit/certgen.h"

#define DAY	(24L * 3600)
#define CENTURY	(36500L * DAY)

static const char *corpus;

static void
die(const char *what)
{
	fprintf(stderr, "gen-corpus: %s\n", what);
	exit(1);
}

#define OK(x) do { if ((x) != 0) die(#x); } while (0)
#define NN(x) do { if ((x) == NULL) die(#x); } while (0)

static void
put_file(const char *harness, const char *name, const void *p, size_t len)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", corpus, harness);
	(void)mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", corpus, harness, name);
	NN(f = fopen(path, "w"));
	if (len > 0 && fwrite(p, len, 1, f) != 1)
		die(path);
	OK(fclose(f));
}

static void
put_buf(const char *harness, const char *name, const struct msbuf *b)
{
	put_file(harness, name, msbuf_ptr(b), msbuf_len(b));
}

/* "type || body" for fuzz_msg. */
static void
put_msg(const char *name, uint8_t type, const struct msbuf *body)
{
	struct msbuf *b;

	NN(b = msbuf_new(MSBUF_SIZE_MAX));
	OK(msbuf_put_u8(b, type));
	OK(msbuf_putb(b, body));
	put_buf("msg", name, b);
	msbuf_free(b);
}

static struct msbuf *
fresh(void)
{
	struct msbuf *b;

	NN(b = msbuf_new(MSBUF_SIZE_MAX));
	return b;
}

/* Append the canonical message (header + body) to b. */
static void
canonical(struct msbuf *b, uint8_t type, const struct msbuf *body)
{
	OK(ms_frame_encode(b, type, body));
}

static void
random_fill(void *p, size_t len)
{
	OK(ms_random_bytes(p, len));
}

struct pki {
	EVP_PKEY	*ca_key, *int_key, *leaf_key, *rsa_key;
	X509		*ca, *inter, *leaf, *revoked, *rsa_leaf;
	X509_CRL	*crl, *int_crl;
};

static void
make_pki(struct pki *p, const char *datadir)
{
	struct cg_opts o = { "Fuzz Root", NULL, -DAY, CENTURY, 1, NULL,
	    NULL, 1, 0 };
	struct cg_opts lo = { "alice", "URI:metasafe:alice,email:alice@x.org",
	    -DAY, CENTURY, 0, "critical,digitalSignature", "clientAuth", 100,
	    0 };
	long revoked = 666;
	X509 *cas[2];
	X509_CRL *crls[3];
	char path[1024];

	NN(p->ca_key = cg_key("ED25519"));
	NN(p->int_key = cg_key("P-256"));
	NN(p->leaf_key = cg_key("ED25519"));
	NN(p->rsa_key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048));
	p->ca = cg_cert(p->ca_key, NULL, NULL, &o);
	o.cn = "Fuzz Intermediate";
	o.serial = 2;
	p->inter = cg_cert(p->int_key, p->ca, p->ca_key, &o);
	p->leaf = cg_cert(p->leaf_key, p->inter, p->int_key, &lo);
	lo.cn = "mallory";
	lo.san = "URI:metasafe:mallory";
	lo.serial = revoked;
	p->revoked = cg_cert(p->leaf_key, p->ca, p->ca_key, &lo);
	lo.cn = "bob";
	lo.san = NULL;
	lo.serial = 101;
	p->rsa_leaf = cg_cert(p->rsa_key, p->ca, p->ca_key, &lo);
	p->crl = cg_crl(p->ca, p->ca_key, &revoked, 1, -DAY, CENTURY);
	p->int_crl = cg_crl(p->inter, p->int_key, NULL, 0, -DAY, CENTURY);
	cas[0] = p->ca;
	cas[1] = NULL;
	crls[0] = p->crl;
	crls[1] = p->int_crl;
	crls[2] = NULL;
	snprintf(path, sizeof(path), "%s/ca.pem", datadir);
	cg_write_pem(path, cas, NULL);
	snprintf(path, sizeof(path), "%s/crl.pem", datadir);
	cg_write_pem(path, NULL, crls);
}

static void
free_pki(struct pki *p)
{
	X509_free(p->ca);
	X509_free(p->inter);
	X509_free(p->leaf);
	X509_free(p->revoked);
	X509_free(p->rsa_leaf);
	X509_CRL_free(p->crl);
	X509_CRL_free(p->int_crl);
	EVP_PKEY_free(p->ca_key);
	EVP_PKEY_free(p->int_key);
	EVP_PKEY_free(p->leaf_key);
	EVP_PKEY_free(p->rsa_key);
}

static STACK_OF(X509) *
chain_of(X509 *a, X509 *b)
{
	STACK_OF(X509) *sk;

	NN(sk = sk_X509_new_null());
	if (sk_X509_push(sk, a) <= 0 || (b != NULL && sk_X509_push(sk, b) <= 0))
		die("sk_X509_push");
	return sk;
}

/* The certificate seeds: chains as the monitor gets them, and PEM files. */
static void
certs_seeds(struct pki *p)
{
	STACK_OF(X509) *sk;
	struct msbuf *b = fresh();
	BIO *bio;
	BUF_MEM *mem;

	sk = chain_of(p->leaf, p->inter);
	OK(ms_cert_chain_put_x509(b, sk));
	put_buf("certs", "chain-valid", b);
	msbuf_reset(b);
	sk_X509_free(sk);
	sk = chain_of(p->revoked, NULL);
	OK(ms_cert_chain_put_x509(b, sk));
	put_buf("certs", "chain-revoked", b);
	msbuf_reset(b);
	sk_X509_free(sk);
	sk = chain_of(p->rsa_leaf, NULL);
	OK(ms_cert_chain_put_x509(b, sk));
	put_buf("certs", "chain-rsa-cn", b);
	msbuf_reset(b);
	sk_X509_free(sk);
	sk = chain_of(p->inter, p->leaf);	/* wrong order */
	OK(ms_cert_chain_put_x509(b, sk));
	put_buf("certs", "chain-misordered", b);
	sk_X509_free(sk);
	msbuf_free(b);

	NN(bio = BIO_new(BIO_s_mem()));
	if (PEM_write_bio_X509_CRL(bio, p->crl) != 1)
		die("PEM_write_bio_X509_CRL");
	BIO_get_mem_ptr(bio, &mem);
	put_file("certs", "pem-crl", mem->data, mem->length);
	BIO_free(bio);
	NN(bio = BIO_new(BIO_s_mem()));
	if (PEM_write_bio_X509(bio, p->ca) != 1 ||
	    PEM_write_bio_X509(bio, p->inter) != 1)
		die("PEM_write_bio_X509");
	BIO_get_mem_ptr(bio, &mem);
	put_file("certs", "pem-cas", mem->data, mem->length);
	BIO_free(bio);
}

static void
hellos(struct msbuf *stream_c2s)
{
	struct ms_client_hello ch;
	struct ms_server_hello sh;
	struct msbuf *b = fresh(), *f = fresh();

	memset(&ch, 0, sizeof(ch));
	ch.version = MS_PROTO_VERSION;
	random_fill(ch.random, sizeof(ch.random));
	ch.ciphers.n = 2;
	ch.ciphers.ids[0] = MS_CIPHER_AES256_GCM;
	ch.ciphers.ids[1] = MS_CIPHER_CHACHA20_POLY1305;
	ch.kex.n = 1;
	ch.kex.ids[0] = MS_KEX_X25519_HYBRID;
	ch.sigs.n = 1;
	ch.sigs.ids[0] = MS_SIG_ED25519;
	random_fill(ch.share, sizeof(ch.share));
	OK(ms_client_hello_put(b, &ch));
	put_buf("hello", "client-payload", b);
	OK(ms_frame_encode(f, MS_FRAME_CLIENT_HELLO, b));
	put_buf("hello", "client-frame", f);
	OK(msbuf_putb(stream_c2s, f));

	/* Many algorithms offered, unknown ones among them. */
	msbuf_reset(b);
	ch.sigs.n = 3;
	ch.sigs.ids[1] = 0x0807;
	ch.sigs.ids[2] = 0x0403;
	ch.ciphers.n = 3;
	ch.ciphers.ids[2] = 0x7777;
	OK(ms_client_hello_put(b, &ch));
	put_buf("hello", "client-payload-many", b);

	memset(&sh, 0, sizeof(sh));
	sh.version = MS_PROTO_VERSION;
	random_fill(sh.random, sizeof(sh.random));
	sh.cipher = MS_CIPHER_CHACHA20_POLY1305;
	sh.kex = MS_KEX_X25519_HYBRID;
	sh.sig = MS_SIG_ED25519;
	random_fill(sh.share, 32);
	random_fill(sh.host_kex_pub, 32);
	random_fill(sh.host_sig_pub, 32);
	msbuf_reset(b);
	msbuf_reset(f);
	OK(ms_server_hello_put(b, &sh));
	put_buf("hello", "server-payload", b);
	OK(ms_frame_encode(f, MS_FRAME_SERVER_HELLO, b));
	put_buf("hello", "server-frame", f);
	msbuf_free(f);
	msbuf_free(b);
}

/* The inner messages of a handshake, one list per direction. */
struct inner {
	uint8_t		 type;
	struct msbuf	*body;
	const char	*name;
};
#define NINNER	16

static void
inner_add(struct inner *v, size_t *n, uint8_t type, struct msbuf *body,
    const char *name)
{
	if (*n >= NINNER)
		die("too many inner messages");
	v[*n].type = type;
	v[*n].body = body;
	v[*n].name = name;
	(*n)++;
	put_msg(name, type, body);
}

static void
handshake(struct pki *p, struct inner *s2c, size_t *ns2c, struct inner *c2s,
    size_t *nc2s)
{
	STACK_OF(X509) *sk;
	u_char sig[MS_SIG_MAX], mac[MS_VERIFY_DATA_LEN], pub[32];
	u_char rsasig[256];
	struct msbuf *b, *tail;
	EVP_PKEY *host;

	OK(ms_pkey_generate(MS_KEY_ED25519, &host));
	/* Server to client. */
	b = fresh();
	sk = chain_of(p->leaf, p->inter);
	OK(ms_cert_chain_put_x509(b, sk));
	sk_X509_free(sk);
	inner_add(s2c, ns2c, MS_MSG_SERVER_CERTIFICATE, b, "server-certificate");
	b = fresh();
	OK(ms_ed25519_sign(host, "transcript", 10, sig));
	OK(ms_server_verify_put(b, MS_SIG_ED25519, sig));
	inner_add(s2c, ns2c, MS_MSG_SERVER_VERIFY, b, "server-verify");
	b = fresh();
	random_fill(mac, sizeof(mac));
	OK(ms_finished_put(b, mac));
	inner_add(s2c, ns2c, MS_MSG_SERVER_FINISHED, b, "server-finished");
	b = fresh();
	OK(ms_auth_result_put(b, 0));
	inner_add(s2c, ns2c, MS_MSG_AUTH_RESULT, b, "auth-result-ok");
	b = fresh();
	OK(ms_alert_put(b, 0, MS_ST_AUTH_FAILED, "authentication failed"));
	inner_add(s2c, ns2c, MS_MSG_ALERT, b, "alert-record");
	b = fresh();
	OK(ms_alert_put(b, 1, MS_ST_VERSION_MISMATCH, "version mismatch"));
	put_msg("alert-cleartext", MS_FRAME_ALERT | 0x80, b);
	msbuf_free(b);

	/* Client to server: raw key, then a certificate identity. */
	b = fresh();
	OK(ms_pkey_raw_public(host, pub, sizeof(pub)));
	OK(ms_client_identity_put_raw(b, pub));
	inner_add(c2s, nc2s, MS_MSG_CLIENT_IDENTITY, b, "client-identity-raw");
	b = fresh();
	OK(ms_client_verify_put(b, MS_SIG_ED25519, sig, sizeof(sig)));
	inner_add(c2s, nc2s, MS_MSG_CLIENT_VERIFY, b, "client-verify");
	b = fresh();
	OK(ms_finished_put(b, mac));
	inner_add(c2s, nc2s, MS_MSG_CLIENT_FINISHED, b, "client-finished");
	b = fresh();
	sk = chain_of(p->rsa_leaf, NULL);
	OK(ms_client_identity_put_x509(b, sk));
	sk_X509_free(sk);
	inner_add(c2s, nc2s, MS_MSG_CLIENT_IDENTITY, b, "client-identity-x509");
	b = fresh();
	random_fill(rsasig, sizeof(rsasig));
	OK(ms_client_verify_put(b, 0x0804, rsasig, sizeof(rsasig)));
	inner_add(c2s, nc2s, MS_MSG_CLIENT_VERIFY, b, "client-verify-rsa");
	b = fresh();
	OK(ms_client_identity_put_peer(b));
	inner_add(c2s, nc2s, MS_MSG_CLIENT_IDENTITY, b, "client-identity-peer");
	b = fresh();
	OK(ms_client_verify_put_none(b));
	inner_add(c2s, nc2s, MS_MSG_CLIENT_VERIFY, b, "client-verify-none");

	/* An AUTH transcript_tail: identity, verify, finished. */
	tail = fresh();
	canonical(tail, MS_MSG_CLIENT_IDENTITY, c2s[0].body);
	canonical(tail, MS_MSG_CLIENT_VERIFY, c2s[1].body);
	canonical(tail, MS_MSG_CLIENT_FINISHED, c2s[2].body);
	put_msg("transcript-tail", 0x00, tail);
	msbuf_free(tail);
	EVP_PKEY_free(host);
}

/* Seal a list of inner messages as one stream; blobs in between. */
static void
seal_stream(enum ms_aead alg, const struct inner *v, size_t n,
    struct msbuf *out, int with_blob)
{
	struct ms_record_dir tx;
	struct ms_blob_ctx bc;
	struct msbuf *blob;
	size_t i;

	fuzz_record_dir(&tx, alg);
	for (i = 0; i < n; i++)
		OK(ms_record_seal(&tx, v[i].type, v[i].body, out));
	if (with_blob) {
		fuzz_blob_ctx(&bc, alg);
		blob = fresh();
		OK(ms_blob_seal(&bc, FUZZ_BLOB_PATH, FUZZ_BLOB_RECORD,
		    FUZZ_BLOB_HANDLE, (const u_char *)"hunter2", 7, blob));
		OK(ms_record_seal(&tx, FUZZ_INNER_BLOB, blob, out));
		msbuf_reset(blob);
		OK(ms_blob_seal(&bc, FUZZ_BLOB_PATH, FUZZ_BLOB_RECORD,
		    FUZZ_BLOB_HANDLE, (const u_char *)"", 0, blob));
		OK(ms_record_seal(&tx, FUZZ_INNER_BLOB, blob, out));
		msbuf_free(blob);
		ms_blob_ctx_clear(&bc);
	}
	ms_record_dir_clear(&tx);
}

/* fuzz_acl seeds (fuzz_acl.h); a node is "PATH FLAGS WHO=RIGHTS ...". */
static void
acl_seed(const char *name, const char *path, const char *principal,
    const char *const *groups, const char *const *admins,
    const char *const *nodes)
{
	struct msbuf *b = fresh(), *v, *entries;
	char *copy, *cp, *tok, *eq;
	size_t n;
	uint32_t nent;
	uint8_t flags;

	OK(msbuf_put_cstring(b, path));
	OK(msbuf_put_cstring(b, principal));
	for (n = 0; groups[n] != NULL; n++)
		;
	OK(msbuf_put_u8(b, (uint8_t)n));
	for (n = 0; groups[n] != NULL; n++)
		OK(msbuf_put_cstring(b, groups[n]));
	for (n = 0; admins[n] != NULL; n++)
		;
	OK(msbuf_put_u8(b, (uint8_t)n));
	for (n = 0; admins[n] != NULL; n++)
		OK(msbuf_put_cstring(b, admins[n]));
	for (; *nodes != NULL; nodes++) {
		NN(copy = strdup(*nodes));
		cp = copy;
		OK(msbuf_put_cstring(b, strsep(&cp, " ")));
		flags = (uint8_t)atoi(strsep(&cp, " "));
		entries = fresh();
		nent = 0;
		while ((tok = strsep(&cp, " ")) != NULL) {
			NN(eq = strchr(tok, '='));
			*eq = '\0';
			OK(msbuf_put_cstring(entries, tok));
			OK(msbuf_put_cstring(entries, eq + 1));
			nent++;
		}
		v = fresh();
		OK(msbuf_put_u8(v, FUZZ_NODE_FORMAT));
		OK(msbuf_put_u8(v, flags));
		OK(msbuf_put_u32(v, nent));
		OK(msbuf_putb(v, entries));
		OK(msbuf_put_stringb(b, v));
		msbuf_free(entries);
		msbuf_free(v);
		free(copy);
	}
	put_buf("acl", name, b);
	msbuf_free(b);
}

/* The set-ups of issue 10 item 1 and of the ACL tests. */
static void
acl_seeds(void)
{
	static const char *const none[] = { NULL };
	static const char *const ops[] = { "ops", "dev", NULL };
	static const char *const admins[] = { "root", "group:wheel", NULL };
	static const char *const prod[] = { "/ 0 bob=rwl",
	    "/prod 1 bob=w alice=rs", "/prod/db 2 group:ops=r", NULL };
	static const char *const deep[] = { "/ 0 group:dev=l",
	    "/a 0 carol=r", "/a/b 3 carol=s group:ops=wa",
	    "/a/b/c 0 carol=w", "/x 2", NULL };
	static const char *const broken[] = { "/ 0 bob=rwl",
	    "/prod 9 bob=w", NULL };

	acl_seed("prod-bob", "/prod/db", "bob", none, admins, prod);
	acl_seed("prod-alice", "/prod", "alice", ops, admins, prod);
	acl_seed("prod-root", "/prod/db", "root", none, admins, prod);
	acl_seed("deep-carol", "/a/b/c/d", "carol", ops, none, deep);
	acl_seed("deep-wheel", "/a/b/c", "dave", ops, admins, deep);
	acl_seed("broken-node", "/prod/db", "bob", none, none, broken);
}

/* A request of fuzz_dispatch: u8 type || string payload. */
static void
dispatch_req(struct msbuf *run, uint8_t type, const struct msbuf *payload)
{
	OK(msbuf_put_u8(run, type));
	OK(msbuf_put_stringb(run, payload));
}

/* AUTH with a raw key; the harness fixes the signatures. */
static void
dispatch_auth(struct msbuf *run, EVP_PKEY *key, const u_char sig[MS_SIG_MAX],
    const u_char mac[MS_VERIFY_DATA_LEN])
{
	struct msbuf *tail = fresh(), *body = fresh(), *p = fresh();
	u_char pub[32];

	OK(ms_server_verify_put(body, MS_SIG_ED25519, sig));
	canonical(tail, MS_MSG_SERVER_VERIFY, body);
	msbuf_reset(body);
	OK(ms_finished_put(body, mac));
	canonical(tail, MS_MSG_SERVER_FINISHED, body);
	msbuf_reset(body);
	OK(ms_pkey_raw_public(key, pub, sizeof(pub)));
	OK(ms_client_identity_put_raw(body, pub));
	canonical(tail, MS_MSG_CLIENT_IDENTITY, body);
	msbuf_reset(body);
	OK(ms_client_verify_put(body, MS_SIG_ED25519, sig, MS_SIG_MAX));
	OK(msbuf_put_stringb(p, tail));
	OK(msbuf_put_stringb(p, body));
	OK(msbuf_put_u8(p, 1));
	dispatch_req(run, MS_MON_AUTH, p);
	msbuf_free(p);
	msbuf_free(body);
	msbuf_free(tail);
}

/* name path [, name record] [, u8 extra] */
static void
dispatch_data(struct msbuf *p, const char *path, const char *record,
    const uint8_t *extra)
{
	OK(msbuf_put_cstring(p, path));
	if (record != NULL)
		OK(msbuf_put_cstring(p, record));
	if (extra != NULL)
		OK(msbuf_put_u8(p, *extra));
}

/* Every data request bob might try, the forbidden ones included. */
static void
bob_ops(struct msbuf *run)
{
	struct msbuf *p = fresh();
	uint8_t one = 1, zero = 0;

	dispatch_data(p, "/", NULL, &one);		/* OPEN read */
	dispatch_req(run, MS_MON_OPEN, p);
	msbuf_reset(p);
	dispatch_data(p, "/bob", "note", &zero);	/* SET plain */
	OK(msbuf_put_string(p, "hello", 5));
	dispatch_req(run, MS_MON_SET, p);
	msbuf_reset(p);
	dispatch_data(p, "/bob", "note", NULL);
	dispatch_req(run, MS_MON_GET, p);
	msbuf_reset(p);
	dispatch_data(p, FUZZ_SECRET_PATH, FUZZ_SECRET_RECORD, NULL);
	dispatch_req(run, MS_MON_GET, p);
	msbuf_reset(p);
	dispatch_data(p, "/", NULL, &one);		/* LIST long */
	dispatch_req(run, MS_MON_LIST, p);
	msbuf_reset(p);
	dispatch_data(p, FUZZ_SECRET_PATH, NULL, &zero);
	dispatch_req(run, MS_MON_LIST, p);
	msbuf_reset(p);
	dispatch_data(p, FUZZ_SECRET_PATH, NULL, NULL);
	dispatch_req(run, MS_MON_GETACL, p);
	msbuf_reset(p);
	dispatch_data(p, FUZZ_SECRET_PATH, NULL, &one);	/* SETACL */
	OK(msbuf_put_u8(p, 0));
	OK(msbuf_put_u32(p, 1));
	OK(msbuf_put_cstring(p, "bob"));
	OK(msbuf_put_cstring(p, "rs"));
	dispatch_req(run, MS_MON_SETACL, p);
	msbuf_reset(p);
	dispatch_data(p, FUZZ_SECRET_PATH, FUZZ_SECRET_RECORD, NULL);
	dispatch_req(run, MS_MON_DELETE, p);
	msbuf_reset(p);
	dispatch_data(p, "/bob", "note", NULL);
	dispatch_req(run, MS_MON_DELETE, p);
	msbuf_reset(p);
	dispatch_req(run, MS_MON_STATUS, p);
	msbuf_free(p);
}

/*
 * Worker runs for fuzz_dispatch: HELLO, DECAP, SIGN, AUTH and a data
 * request.  The server hello's random and host keys are placeholders
 * that the harness replaces with the monitor's.
 */
static void
dispatch_seeds(void)
{
	struct ms_client_hello ch;
	struct ms_server_hello sh;
	struct msbuf *run = fresh(), *p = fresh(), *chf = fresh();
	struct msbuf *shf = fresh(), *body = fresh();
	u_char sig[MS_SIG_MAX], mac[MS_VERIFY_DATA_LEN];
	EVP_PKEY *share, *id, *bob;

	OK(ms_pkey_generate(MS_KEY_X25519, &share));
	OK(ms_pkey_generate(MS_KEY_ED25519, &id));
	memset(&ch, 0, sizeof(ch));
	ch.version = MS_PROTO_VERSION;
	random_fill(ch.random, sizeof(ch.random));
	ch.ciphers.n = 2;
	ch.ciphers.ids[0] = MS_CIPHER_AES256_GCM;
	ch.ciphers.ids[1] = MS_CIPHER_CHACHA20_POLY1305;
	ch.kex.n = 1;
	ch.kex.ids[0] = MS_KEX_X25519_HYBRID;
	ch.sigs.n = 1;
	ch.sigs.ids[0] = MS_SIG_ED25519;
	OK(ms_pkey_raw_public(share, ch.share, 32));
	OK(ms_client_hello_put(p, &ch));
	OK(ms_frame_encode(chf, MS_FRAME_CLIENT_HELLO, p));
	memset(&sh, 0, sizeof(sh));
	sh.version = MS_PROTO_VERSION;
	sh.cipher = MS_CIPHER_AES256_GCM;
	sh.kex = MS_KEX_X25519_HYBRID;
	sh.sig = MS_SIG_ED25519;
	random_fill(sh.share, 32);
	msbuf_reset(p);
	OK(ms_server_hello_put(p, &sh));
	OK(ms_frame_encode(shf, MS_FRAME_SERVER_HELLO, p));

	msbuf_reset(p);
	dispatch_req(run, MS_MON_HELLO, p);
	put_buf("dispatch", "hello", run);
	OK(msbuf_put_stringb(p, chf));
	OK(msbuf_put_stringb(p, shf));
	dispatch_req(run, MS_MON_DECAP, p);
	put_buf("dispatch", "hello-decap", run);
	OK(msbuf_put_string(p, NULL, 0));	/* no host certificate */
	dispatch_req(run, MS_MON_SIGN, p);
	put_buf("dispatch", "hello-decap-sign", run);

	/* AUTH: SERVER_VERIFY, SERVER_FINISHED, CLIENT_IDENTITY. */
	random_fill(sig, sizeof(sig));
	random_fill(mac, sizeof(mac));
	dispatch_auth(run, id, sig, mac);
	put_buf("dispatch", "auth-unknown-key", run);
	msbuf_reset(p);
	dispatch_data(p, "/prod", "db", NULL);
	dispatch_req(run, MS_MON_OPEN, p);
	put_buf("dispatch", "auth-unknown-key-open", run);
	/* A data request straight after HELLO. */
	msbuf_reset(run);
	msbuf_reset(body);
	dispatch_req(run, MS_MON_HELLO, body);
	msbuf_reset(p);
	dispatch_data(p, FUZZ_SECRET_PATH, FUZZ_SECRET_RECORD, NULL);
	dispatch_req(run, MS_MON_GET, p);
	put_buf("dispatch", "hello-get", run);

	/* bob logs in (the harness signs), then tries everything. */
	msbuf_reset(run);
	msbuf_reset(p);
	dispatch_req(run, MS_MON_HELLO, p);
	OK(msbuf_put_stringb(p, chf));
	OK(msbuf_put_stringb(p, shf));
	dispatch_req(run, MS_MON_DECAP, p);
	OK(msbuf_put_string(p, NULL, 0));
	dispatch_req(run, MS_MON_SIGN, p);
	bob = fuzz_bob_key();
	dispatch_auth(run, bob, sig, mac);
	put_buf("dispatch", "bob-auth", run);
	bob_ops(run);
	put_buf("dispatch", "bob-ops", run);
	EVP_PKEY_free(bob);
	EVP_PKEY_free(share);
	EVP_PKEY_free(id);
	msbuf_free(body);
	msbuf_free(shf);
	msbuf_free(chf);
	msbuf_free(p);
	msbuf_free(run);
}

/*
 * fuzz_etcd seeds: the gateway's answers as etcd 3.4 sent them (captured
 * with curl from a one-member cluster), and a few a hostile member could
 * send: counts that disagree with the keys, keys at and over the cap.
 */
#define ETCD_HDR(rev) "{\"header\":{\"cluster_id\":\"15139269743107099995\"," \
	"\"member_id\":\"5180268983690570\",\"revision\":\"" rev "\"," \
	"\"raft_term\":\"2\"}"

static void
etcd_put(const char *name, const char *json)
{
	put_file("etcd", name, json, strlen(json));
}

/* A range answer with one key of keylen bytes ('k'). */
static void
etcd_long_key(const char *name, size_t keylen)
{
	struct msbuf *b = fresh();
	u_char *key;
	char *b64;

	NN(key = malloc(keylen));
	memset(key, 'k', keylen);
	OK(ms_base64_encode(key, keylen, 0, &b64));
	OK(msbuf_put(b, ETCD_HDR("3") ",\"kvs\":[{\"key\":\"",
	    strlen(ETCD_HDR("3") ",\"kvs\":[{\"key\":\"")));
	OK(msbuf_put(b, b64, strlen(b64)));
	OK(msbuf_put(b, "\",\"create_revision\":\"3\",\"mod_revision\":\"3\","
	    "\"version\":\"1\",\"value\":\"djE=\"}],\"count\":\"1\"}",
	    strlen("\",\"create_revision\":\"3\",\"mod_revision\":\"3\","
	    "\"version\":\"1\",\"value\":\"djE=\"}],\"count\":\"1\"}")));
	put_buf("etcd", name, b);
	free(b64);
	free(key);
	msbuf_free(b);
}

static void
etcd_seeds(void)
{
	etcd_put("range-one", ETCD_HDR("8") ",\"kvs\":[{\"key\":\"L3QvYQ==\","
	    "\"create_revision\":\"2\",\"mod_revision\":\"8\",\"version\":\"2\","
	    "\"value\":\"YSJiXGMA/w==\"}],\"count\":\"1\"}");
	etcd_put("range-all", ETCD_HDR("9") ",\"kvs\":["
	    "{\"key\":\"L3QvYQ==\",\"create_revision\":\"2\","
	    "\"mod_revision\":\"8\",\"version\":\"2\",\"value\":\"YSJiXGMA/w==\"},"
	    "{\"key\":\"L3QvYg==\",\"create_revision\":\"9\","
	    "\"mod_revision\":\"9\",\"version\":\"1\",\"value\":\"YmVl\"},"
	    "{\"key\":\"L3QvbGlzdC8x\",\"create_revision\":\"3\","
	    "\"mod_revision\":\"3\",\"version\":\"1\",\"value\":\"djE=\"},"
	    "{\"key\":\"L3QvbGlzdC8y\",\"create_revision\":\"4\","
	    "\"mod_revision\":\"4\",\"version\":\"1\",\"value\":\"djI=\"},"
	    "{\"key\":\"L3QvbGlzdC8z\",\"create_revision\":\"5\","
	    "\"mod_revision\":\"5\",\"version\":\"1\",\"value\":\"djM=\"}],"
	    "\"count\":\"5\"}");
	etcd_put("range-empty", ETCD_HDR("8") "}");
	etcd_put("range-limit-more", ETCD_HDR("8") ",\"kvs\":["
	    "{\"key\":\"L3QvbGlzdC8x\",\"create_revision\":\"3\","
	    "\"mod_revision\":\"3\",\"version\":\"1\",\"value\":\"djE=\"},"
	    "{\"key\":\"L3QvbGlzdC8y\",\"create_revision\":\"4\","
	    "\"mod_revision\":\"4\",\"version\":\"1\",\"value\":\"djI=\"}],"
	    "\"more\":true,\"count\":\"5\"}");
	etcd_put("range-count-only", ETCD_HDR("8") ",\"count\":\"5\"}");
	/* An empty value is left out of the answer (proto3 default). */
	etcd_put("range-empty-value", ETCD_HDR("4") ",\"kvs\":[{\"key\":"
	    "\"L3QvZQ==\",\"create_revision\":\"4\",\"mod_revision\":\"4\","
	    "\"version\":\"1\"}],\"count\":\"1\"}");
	etcd_put("range-count-short", ETCD_HDR("8") ",\"kvs\":["
	    "{\"key\":\"L3QvYQ==\",\"value\":\"djE=\"},"
	    "{\"key\":\"L3QvYg==\",\"value\":\"djI=\"}],\"count\":\"1\"}");
	etcd_put("range-more-nothing", ETCD_HDR("8") ",\"more\":true}");
	etcd_long_key("range-key-at-cap", MS_ETCD_KEY_MAX);
	etcd_long_key("range-key-over-cap", MS_ETCD_KEY_MAX + 1);
	etcd_put("txn-succeeded", ETCD_HDR("9") ",\"succeeded\":true,"
	    "\"responses\":[{\"response_put\":{\"header\":"
	    "{\"revision\":\"9\"}}}]}");
	etcd_put("txn-failed", ETCD_HDR("9") "}");
	etcd_put("status", ETCD_HDR("9") ",\"version\":\"3.4.23\","
	    "\"dbSize\":\"20480\",\"leader\":\"5180268983690570\","
	    "\"raftIndex\":\"14\",\"raftTerm\":\"2\","
	    "\"raftAppliedIndex\":\"14\",\"dbSizeInUse\":\"16384\"}");
	etcd_put("error-future-revision", "{\"error\":\"etcdserver: mvcc: "
	    "required revision is a future revision\",\"message\":"
	    "\"etcdserver: mvcc: required revision is a future revision\","
	    "\"code\":11}");
	etcd_put("error-nospace", "{\"error\":\"etcdserver: mvcc: database "
	    "space exceeded\",\"message\":\"etcdserver: mvcc: database space "
	    "exceeded\",\"code\":8}");
}

int
main(int argc, char **argv)
{
	struct inner s2c[NINNER], c2s[NINNER];
	size_t ns2c = 0, nc2s = 0, i;
	struct msbuf *b, *hs;
	struct pki p;

	if (argc != 3)
		die("usage: gen-corpus CORPUSDIR DATADIR");
	corpus = argv[1];
	OK(ms_crypto_init());
	make_pki(&p, argv[2]);
	certs_seeds(&p);
	acl_seeds();
	dispatch_seeds();
	etcd_seeds();

	hs = fresh();
	hellos(hs);
	handshake(&p, s2c, &ns2c, c2s, &nc2s);

	b = fresh();
	seal_stream(MS_AEAD_AES256_GCM, s2c, ns2c, b, 1);
	put_buf("record", "aes-server-to-client", b);
	msbuf_reset(b);
	seal_stream(MS_AEAD_CHACHA20_POLY1305, s2c, ns2c, b, 0);
	put_buf("record", "chacha-server-to-client", b);
	msbuf_reset(b);
	seal_stream(MS_AEAD_AES256_GCM, c2s, 3, b, 0);
	put_buf("record", "aes-client-to-server-raw", b);
	msbuf_reset(b);
	seal_stream(MS_AEAD_CHACHA20_POLY1305, c2s + 3, 2, b, 1);
	put_buf("record", "chacha-client-to-server-x509", b);

	/* The frame codec: a client's whole first flight, and a reply. */
	seal_stream(MS_AEAD_AES256_GCM, c2s, 3, hs, 0);
	put_buf("frame", "client-flight", hs);
	msbuf_reset(b);
	OK(ms_alert_put(b, 1, MS_ST_PROTOCOL_ERROR, "bad frame"));
	msbuf_reset(hs);
	OK(ms_frame_encode(hs, MS_FRAME_ALERT, b));
	seal_stream(MS_AEAD_CHACHA20_POLY1305, s2c, 2, hs, 0);
	put_buf("frame", "alert-and-records", hs);

	for (i = 0; i < ns2c; i++)
		msbuf_free(s2c[i].body);
	for (i = 0; i < nc2s; i++)
		msbuf_free(c2s[i].body);
	msbuf_free(b);
	msbuf_free(hs);
	free_pki(&p);
	return 0;
}
