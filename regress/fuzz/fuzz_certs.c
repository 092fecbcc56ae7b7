/*
 * fuzz_certs.c — certificate chains and CA/CRL loading (common/
 * msg_certs.c, msg_certs_x509.c, monitor/certs.c).
 *
 * An input that starts with a chain count (1..MS_CERTS_MAX) is a chain as
 * CLIENT_IDENTITY id_type 2 carries it: parsed, decoded and verified, in
 * each CertificatePrincipal mode, against the fixed PKI of data/ (a root,
 * and a CRL that revokes serial 666; gen-corpus.c made them and the
 * seeds).  Any other input is a PEM file: loaded as the TrustedUserCAFile
 * (with the fixed CRL), as the RevocationList (with the fixed CA), and as
 * a HostCertificate chain.
 *
 * Invariants: a chain that verifies yields a valid principal name and a
 * printable subject; a refused one yields a reason and no principal; the
 * leaf's own description is printable too.
 */
#include <sys/types.h>

#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "buf.h"
#include "certs.h"
#include "fuzz.h"
#include "msg_certs.h"
#include "names.h"
#include "servconf.h"

#define CA_FILE		MS_FUZZ_SRCDIR "/data/ca.pem"
#define CRL_FILE	MS_FUZZ_SRCDIR "/data/crl.pem"

static struct ms_certs *fixed[3];	/* by principal mode - 1 */
static const int modes[3] = { CERT_PRINCIPAL_SAN_URI,
    CERT_PRINCIPAL_SAN_EMAIL, CERT_PRINCIPAL_SUBJECT_CN };

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct ms_cert_policy pol;
	char err[512];
	size_t i;

	fuzz_quiet();
	for (i = 0; i < 3; i++) {
		memset(&pol, 0, sizeof(pol));
		pol.ca_file = CA_FILE;
		pol.crl_file = CRL_FILE;
		pol.principal_mode = modes[i];
		pol.min_rsa_bits = 2048;
		pol.require_fresh_crl = 1;
		if (ms_certs_load(&pol, &fixed[i], err, sizeof(err)) != 0) {
			fprintf(stderr, "fuzz_certs: %s\n", err);
			abort();
		}
	}
	return 0;
}

static int
printable(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	}
	return 1;
}

static void
verify_chain(STACK_OF(X509) *sk)
{
	struct ms_cert_result res;
	char subject[MS_CERT_SUBJECT_MAX], serial[MS_CERT_SERIAL_MAX];
	char issuer[MS_CERT_SUBJECT_MAX], name[MS_PRINCIPAL_MAX + 1];
	const char *why;
	size_t i;
	int r;

	for (i = 0; i < 3; i++) {
		r = ms_certs_verify(fixed[i], sk, &res);
		if (r == 0) {
			FUZZ_CHECK(res.principal[0] != '\0');
			FUZZ_CHECK(ms_principal_valid(res.principal) == 0);
		} else {
			FUZZ_CHECK(res.principal[0] == '\0');
			FUZZ_CHECK(res.reason[0] != '\0');
		}
		FUZZ_CHECK(printable(res.subject));
		FUZZ_CHECK(printable(res.issuer));
		ms_cert_result_clear(&res);
		why = NULL;
		if (ms_cert_principal(sk_X509_value(sk, 0), modes[i], name,
		    sizeof(name), &why) == 0)
			FUZZ_CHECK(ms_principal_valid(name) == 0);
	}
	ms_cert_describe(sk_X509_value(sk, 0), subject, sizeof(subject),
	    serial, sizeof(serial));
	ms_cert_issuer(sk_X509_value(sk, 0), issuer, sizeof(issuer));
	FUZZ_CHECK(printable(subject));
	FUZZ_CHECK(printable(issuer));
}

static void
chain(const uint8_t *data, size_t size)
{
	struct ms_cert_chain c;
	STACK_OF(X509) *sk = NULL;
	struct msbuf *b;

	FUZZ_CHECK((b = msbuf_from(data, size)) != NULL);
	if (ms_cert_chain_parse(b, &c) == 0 &&
	    ms_cert_chain_to_x509(&c, &sk) == 0) {
		FUZZ_CHECK(sk_X509_num(sk) == (int)c.n);
		verify_chain(sk);
		sk_X509_pop_free(sk, X509_free);
	}
	msbuf_free(b);
}

static void
pem_file(const uint8_t *data, size_t size)
{
	struct ms_cert_policy pol;
	struct ms_certs *cs;
	STACK_OF(X509) *sk = NULL;
	char path[64], err[512];
	int fd;

	if ((fd = fuzz_memfile(data, size, path, sizeof(path))) == -1)
		return;
	memset(&pol, 0, sizeof(pol));
	pol.principal_mode = CERT_PRINCIPAL_SAN_URI;
	pol.min_rsa_bits = 2048;
	pol.ca_file = path;
	pol.crl_file = CRL_FILE;
	if (ms_certs_load(&pol, &cs, err, sizeof(err)) == 0) {
		FUZZ_CHECK(ms_certs_ncas(cs) >= 1);
		ms_certs_free(cs);
	} else
		FUZZ_CHECK(err[0] != '\0');
	pol.ca_file = CA_FILE;
	pol.crl_file = path;
	if (ms_certs_load(&pol, &cs, err, sizeof(err)) == 0) {
		FUZZ_CHECK(ms_certs_ncrls(cs) >= 1);
		ms_certs_free(cs);
	} else
		FUZZ_CHECK(err[0] != '\0');
	if (ms_cert_chain_read_pem(path, &sk, err, sizeof(err)) == 0) {
		FUZZ_CHECK(sk_X509_num(sk) >= 1);
		verify_chain(sk);
		sk_X509_pop_free(sk, X509_free);
	}
	close(fd);
	ERR_clear_error();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 0 && data[0] >= 1 && data[0] <= MS_CERTS_MAX)
		chain(data, size);
	else
		pem_file(data, size);
	ERR_clear_error();
	return 0;
}
