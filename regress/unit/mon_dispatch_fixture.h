/*
 * mon_dispatch_fixture.h — what the test_mon_dispatch_*.c tests share:
 * they drive the monitor's dispatch table in-process with fake worker
 * requests, the happy path of a whole handshake and data requests, and
 * every out-of-state, repeated, foreign or malformed request an
 * attacker-controlled worker might send (I2, I3, I4, I6).  Client
 * certificates (id_type 2), the host certificate in HELLO/SIGN/AUTH and
 * SENSITIVE subtrees use a small PKI made here with OpenSSL.
 */
#ifndef MON_DISPATCH_FIXTURE_H
#define MON_DISPATCH_FIXTURE_H

#include <sys/types.h>
#include <sys/stat.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "certgen.h"

#include "acl.h"
#include "buf.h"
#include "certs.h"
#include "crypto.h"
#include "errors.h"
#include "frame.h"
#include "hello.h"
#include "hostkeys.h"
#include "log.h"
#include "mon.h"
#include "principals.h"
#include "proto.h"
#include "schedule.h"
#include "servconf.h"
#include "sigalg.h"
#include "store.h"

#define DAY	(24L * 3600)

struct fixture {
	char			 dir[64];
	struct servconf		 conf;
	struct hostkeys		 keys;
	struct principals	 principals;
	struct ms_store		*store;
	struct mon_ctx		 ctx;
	EVP_PKEY		*alice, *bob, *mallory;
	char			*admin_name;
	/* PKI: a root CA, its CRL revoking serial 666, a foreign CA. */
	EVP_PKEY		*ca_key, *other_key, *leaf_key;
	X509			*ca, *other_ca;
	char			 ca_path[96], crl_path[96];
	/* Answers call() took from a store thread (ctx.jobs set). */
	unsigned int		 async_answers;
};

/* A simulated client + worker: what a real worker would send. */
struct session {
	struct mon_worker	 w;
	EVP_PKEY		*eph;
	struct msbuf		*ch, *sh;	/* frames */
	u_char			 nonce[32];
	u_char			 sig[64];
};

int setup(void **state);
int teardown(void **state);
int call(struct fixture *f, struct session *s, uint8_t type, struct msbuf *req,
    struct msbuf *resp);
struct msbuf *newbuf(void);
void session_start(struct fixture *f, struct session *s);
void build_hellos(struct fixture *f, struct session *s, const u_char *nonce);
struct msbuf *hellos_req(struct session *s);
struct msbuf *sign_req(struct fixture *f, struct session *s);
void th_of(const struct msbuf *a, const struct msbuf *b, const struct msbuf *c,
    u_char th[32]);
void session_kex(struct fixture *f, struct session *s);

/* How an AUTH request is put together; the defaults are honest. */
struct auth_opts {
	uint16_t	 alg;		/* CLIENT_VERIFY sig_alg; 0: the key's */
	int		 finished_ok;
	int		 omit_cert_msg;	/* leave our SERVER_CERTIFICATE out */
	int		 trailing;	/* one byte after finished_ok */
	int		 peer_cv;	/* id_type 3's CLIENT_VERIFY: no proof */
};

uint32_t auth_with(struct fixture *f, struct session *s,
    const struct msbuf *ident, EVP_PKEY *signer, const struct auth_opts *o,
    int expect_rc);
extern const struct auth_opts honest;
void put_raw_ident(struct msbuf *ident, EVP_PKEY *key);
uint32_t session_auth(struct fixture *f, struct session *s, EVP_PKEY *signer,
    EVP_PKEY *idkey, int expect_rc);
void put_der(struct msbuf *b, X509 *x);
uint32_t login_with(struct fixture *f, struct session *s,
    const struct msbuf *ident, EVP_PKEY *signer, const struct auth_opts *o);
uint32_t cert_login(struct fixture *f, struct session *s, X509 *leaf,
    X509 *inter, EVP_PKEY *signer, const struct auth_opts *o);
X509 *client_cert(struct fixture *f, EVP_PKEY *key, const char *name,
    long serial, long not_after, X509 *issuer, EVP_PKEY *issuer_key);
void session_free(struct session *s);
uint32_t data_set(struct fixture *f, struct session *s, const char *path,
    const char *rec, uint8_t flags, const char *value);
uint32_t data_get(struct fixture *f, struct session *s, const char *path,
    const char *rec, char *out, size_t outlen);

#endif /* MON_DISPATCH_FIXTURE_H */
