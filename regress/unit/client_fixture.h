/*
 * client_fixture.h — what the test_client_*.c tests of libmetasafe share:
 * a scratch directory, test certificates, and a minimal server written
 * from PROTOCOL.md with the common code, run in a child process, with the
 * client options that point at it.
 */
#ifndef CLIENT_FIXTURE_H
#define CLIENT_FIXTURE_H

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "crypto.h"
#include "errors.h"
#include "frame.h"
#include "hello.h"
#include "keyfile.h"
#include "metasafe.h"
#include "msclient.h"
#include "path.h"
#include "proto.h"
#include "record.h"
#include "schedule.h"
#include "sigalg.h"
#include "kg.h"
#include "privkey.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

extern char tmpdir[256];
void mk_tmpdir(void);
void rm_tmpdir(void);
void write_file(const char *path, const char *text);
char *key_b64(const u_char key[32]);
int cl_kh_check(const char *file, const char *hostname,
    const u_char key[MS_ED25519_PUB_LEN], enum cl_kh_result *resp,
    u_long *linep, u_char expected[MS_ED25519_PUB_LEN]);
X509 *issue(enum kg_cert_kind kind, const char *name, const char *extra,
    const char *validity, EVP_PKEY *subj, X509 *issuer, EVP_PKEY *ikey);
void write_certs(const char *path, X509 *a, X509 *b);
struct msbuf *cert_msg(X509 *a, X509 *b);

/* --- a minimal server, from PROTOCOL.md, in a child process ------------- */

enum fake_mode {
	FAKE_OK = 0,
	FAKE_BAD_SIGNATURE,	/* corrupt SERVER_VERIFY */
	FAKE_BAD_FINISHED,	/* corrupt SERVER_FINISHED */
	FAKE_AUTH_FAIL,		/* AUTH_RESULT AUTH_FAILED */
	FAKE_EXPECT_SILENCE,	/* client must send nothing after SERVER_HELLO */
	FAKE_ALERT,		/* cleartext ALERT instead of SERVER_HELLO */
	FAKE_ALERT_AFTER_HELLO,	/* cleartext ALERT after it (no keys yet) */
	FAKE_WRONG_SIG,		/* SERVER_HELLO picks an unoffered sig alg */
	FAKE_CERT,		/* send SERVER_CERTIFICATE, then stop if */
				/* the client refuses it */
};

struct fake_server {
	EVP_PKEY	*host_kex, *host_sig;
	u_char		 host_kex_pub[32], host_sig_pub[32];
	int		 lfd;
	char		 port[16];
	struct msbuf	*cert_msg;	/* SERVER_CERTIFICATE body, or NULL */
	int		 expect_cert_refusal;
	int		 want_idtype;	/* 1 raw key, 2 certificate */
};

pid_t fake_start(struct fake_server *fs, enum fake_mode mode);
void fake_wait(pid_t pid);

struct e2e {
	struct fake_server	 fs;
	struct metasafe_opts	 o;
	struct metasafe_key	*key;
	char			 kh[512], id[512];
};

void e2e_setup(struct e2e *e, int pin);
void e2e_teardown(struct e2e *e);
void e2e_refused(struct e2e *e, enum fake_mode mode, int want,
    const char *text);

#endif /* CLIENT_FIXTURE_H */
