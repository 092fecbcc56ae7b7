/*
 * sigalg.h — transcript signature algorithms (PROTOCOL.md 4.3, 5.4).
 *
 * One place maps a key to the signature scheme it must use (Ed25519,
 * ECDSA P-256/SHA-256, ECDSA P-384/SHA-384, RSA-PSS/SHA-256 with salt 32)
 * and signs or verifies a message with it through EVP_DigestSign /
 * EVP_DigestVerify.  Used by the client (signing CLIENT_VERIFY), the
 * monitor (verifying it) and keygen.
 */
#ifndef MS_SIGALG_H
#define MS_SIGALG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <openssl/evp.h>

#include "mslimits.h"	/* MS_SIGNATURE_MAX */

#define MS_SIG_ECDSA_P256_SHA256	0x0002
#define MS_SIG_ECDSA_P384_SHA384	0x0003
#define MS_SIG_RSA_PSS_SHA256		0x0004
#define MS_RSA_BITS_MIN_DEFAULT		2048

/* "ed25519", "ecdsa-p256-sha256", ...; NULL when unknown. */
const char	*ms_sigalg_name(uint16_t alg);
/* 0 when unknown. */
uint16_t	 ms_sigalg_from_name(const char *name);
/*
 * The algorithm a key must sign with: 0 for an unsupported key (other
 * curves, DSA, Ed448, RSA below min_rsa_bits).
 */
uint16_t	 ms_sigalg_for_key(EVP_PKEY *key, int min_rsa_bits);

/* Sign msg; *siglen in: size of sig, out: signature length. */
int	ms_sigalg_sign(uint16_t alg, EVP_PKEY *key, const void *msg, size_t len,
	    u_char *sig, size_t *siglen);
/*
 * 0 when sig is a valid signature by key under alg (which must be the
 * key's own algorithm); MS_ERR_SIGNATURE_INVALID otherwise.
 */
int	ms_sigalg_verify(uint16_t alg, EVP_PKEY *key, const void *msg, size_t len,
	    const u_char *sig, size_t siglen);

/* Parse "a,b,c" into ids (at most max); MS_ERR_INVALID_ARGUMENT on unknown. */
int	ms_sigalg_list_parse(const char *s, uint16_t *ids, size_t max, size_t *np);

#endif /* MS_SIGALG_H */
