/*
 * msg_certs.h — the certificate chain of SERVER_CERTIFICATE and of
 * CLIENT_IDENTITY id_type 2 (PROTOCOL.md 4.3): u8 n_certs (1..MS_CERTS_MAX)
 * || string cert_der[n_certs], leaf first, each at most MS_CERT_DER_MAX
 * bytes.  One codec serves the client, the worker and the monitor.
 *
 * The codec is about structure only.  A cert_der of length 0 is well formed
 * (PROTOCOL.md gives a string no minimum) but is no certificate: it is
 * refused where DER is decoded (ms_cert_chain_to_x509), so that the worker,
 * which never decodes certificates, lets the monitor refuse it like every
 * other bad certificate (AUTH_FAILED).
 */
#ifndef MS_MSG_CERTS_H
#define MS_MSG_CERTS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <openssl/x509.h>

#include "buf.h"
#include "mslimits.h"

struct ms_cert_chain {
	uint8_t		 n;
	const u_char	*der[MS_CERTS_MAX];	/* views, see parse */
	size_t		 len[MS_CERTS_MAX];
};

/* Append the chain; a count or a length above its cap is refused. */
int	ms_cert_chain_put(struct msbuf *b, const struct ms_cert_chain *c);
/*
 * Parse a chain that ends the buffer (it is the last field of both
 * messages that carry one; trailing bytes are MS_ERR_INVALID_FORMAT).  The
 * der pointers point into b and are valid until b is next modified.
 */
int	ms_cert_chain_parse(struct msbuf *b, struct ms_cert_chain *c);

/*
 * The monitor's canonical SERVER_CERTIFICATE as HELLO hands it to the worker
 * (PROTOCOL.md 11): u32 length || u8 type || chain, at most
 * MS_SERVER_CERT_MSG_MAX bytes, no empty cert_der (the monitor encodes
 * certificates it has decoded itself).
 */
int	ms_server_certificate_check(const u_char *msg, size_t len);

/*
 * OpenSSL side (msg_certs_x509.c, not linked by the worker): encode a
 * STACK_OF(X509) (a count above the cap: MS_ERR_LIMIT, a certificate
 * above its cap: MS_ERR_STRING_TOO_LARGE), and decode a
 * parsed chain, each cert_der wholly one DER certificate
 * (MS_ERR_INVALID_FORMAT otherwise).
 */
int	ms_cert_chain_put_x509(struct msbuf *b, STACK_OF(X509) *chain);
int	ms_cert_chain_to_x509(const struct ms_cert_chain *c,
	    STACK_OF(X509) **chainp);

#endif /* MS_MSG_CERTS_H */
