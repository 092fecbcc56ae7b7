/*
 * msg_auth.h — the authentication messages of the handshake (PROTOCOL.md
 * 4.3), each encoded and parsed once for the client, the worker and the
 * monitor:
 *
 *   SERVER_VERIFY    u16 sig_alg || string signature (64, Ed25519)
 *   SERVER_FINISHED  string verify_data (32)
 *   CLIENT_IDENTITY  u8 id_type || string public_key (id_type 1)
 *                                || chain (id_type 2, msg_certs.h)
 *                                (id_type 3: nothing follows)
 *   CLIENT_VERIFY    u16 sig_alg || string signature (at most 1024;
 *                    id_type 3: sig_alg 0 and an empty signature)
 *   CLIENT_FINISHED  string verify_data (32)
 *   AUTH_RESULT      u32 status
 *
 * Parsers take a whole body (nothing may follow) and check structure only:
 * whether a key, a certificate or a signature is any good is decided where
 * it is used (the monitor for the client's, the client for the server's),
 * so a raw public_key of another length than 32 or an empty CLIENT_VERIFY
 * signature parses here and fails the login there, like every other bad
 * credential (AUTH_FAILED).
 */
#ifndef MS_MSG_AUTH_H
#define MS_MSG_AUTH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "msg_certs.h"
#include "mslimits.h"

#define MS_VERIFY_DATA_LEN	32	/* HMAC-SHA-256 of the Finished messages */

/* SERVER_VERIFY and CLIENT_VERIFY; sig is a view into the parsed buffer. */
struct ms_verify {
	uint16_t	 sig_alg;
	const u_char	*sig;
	size_t		 siglen;
};

struct ms_client_identity {
	uint8_t			 id_type;	/* MS_ID_* */
	const u_char		*pub;		/* id_type 1, a view */
	size_t			 publen;
	struct ms_cert_chain	 chain;		/* id_type 2, views */
};

int	ms_server_verify_put(struct msbuf *b, uint16_t sig_alg,
	    const u_char sig[MS_SIG_MAX]);
int	ms_server_verify_parse(struct msbuf *b, struct ms_verify *v);
/* A signature of 1..MS_SIGNATURE_MAX bytes. */
int	ms_client_verify_put(struct msbuf *b, uint16_t sig_alg,
	    const u_char *sig, size_t siglen);
int	ms_client_verify_parse(struct msbuf *b, struct ms_verify *v);
/* The CLIENT_VERIFY of id_type 3: sig_alg 0, empty signature. */
int	ms_client_verify_put_none(struct msbuf *b);
/* Is v exactly that?  Anything else fails an id_type 3 login. */
int	ms_client_verify_is_none(const struct ms_verify *v);

/* SERVER_FINISHED and CLIENT_FINISHED. */
int	ms_finished_put(struct msbuf *b, const u_char mac[MS_VERIFY_DATA_LEN]);
int	ms_finished_parse(struct msbuf *b, u_char mac[MS_VERIFY_DATA_LEN]);

/* id_type 1; id_type 2 from OpenSSL is ms_client_identity_put_x509. */
int	ms_client_identity_put_raw(struct msbuf *b,
	    const u_char pub[MS_PUBKEY_MAX]);
int	ms_client_identity_put_x509(struct msbuf *b, STACK_OF(X509) *chain);
/* id_type 3: no key; the server asks the kernel who the peer is. */
int	ms_client_identity_put_peer(struct msbuf *b);
/*
 * On failure *id is cleared but for id_type once it was read, so that the
 * monitor refuses a malformed identity as the kind it claims to be.
 */
int	ms_client_identity_parse(struct msbuf *b, struct ms_client_identity *id);

int	ms_auth_result_put(struct msbuf *b, uint32_t status);
int	ms_auth_result_parse(struct msbuf *b, uint32_t *status);

/*
 * The next canonical message (u32 length || u8 type || body) of a run such
 * as the AUTH transcript_tail: it must be of type want with a body of at
 * most maxbody bytes, which *bodyp gets as a new buffer; b moves past it.
 */
int	ms_canonical_get(struct msbuf *b, uint8_t want, size_t maxbody,
	    struct msbuf **bodyp);

#endif /* MS_MSG_AUTH_H */
