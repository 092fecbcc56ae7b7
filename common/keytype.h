/*
 * keytype.h — every key type metasafe knows, in one table (keytype.c).
 *
 * enum ms_keyalg names all of them: the raw-key types of the protocol
 * (Ed25519 signatures, X25519 key exchange; enum ms_keytype in crypto.h,
 * written as "ms-ed25519" / "ms-x25519" in public-key files) and the
 * SubjectPublicKeyInfo types of certificate identities and CA keys
 * (ECDSA P-256/P-384, RSA), which metasafe-keygen creates.
 */
#ifndef MS_KEYTYPE_H
#define MS_KEYTYPE_H

#include "crypto.h"

enum ms_keyalg {
	MS_KEYALG_UNKNOWN = 0,
	MS_KEYALG_ED25519,
	MS_KEYALG_X25519,
	MS_KEYALG_ECDSA_P256,
	MS_KEYALG_ECDSA_P384,
	MS_KEYALG_RSA,
};

/* "ed25519", "x25519", "ecdsa-p256", "ecdsa-p384", "rsa" (also "ms-..."). */
enum ms_keyalg	 ms_keyalg_from_name(const char *name);
const char	*ms_keyalg_name(enum ms_keyalg a);	/* "ecdsa-p256" */
const char	*ms_keyalg_upper(enum ms_keyalg a);	/* "ECDSA-P256" */
/* Types whose public key file is PEM SubjectPublicKeyInfo. */
int		 ms_keyalg_is_spki(enum ms_keyalg a);
/* Can sign (certificates, CRLs, CLIENT_VERIFY). */
int		 ms_keyalg_can_sign(enum ms_keyalg a);
/* The raw-key type of a, MS_KEY_UNKNOWN for the SPKI types; and back. */
enum ms_keytype	 ms_keyalg_raw(enum ms_keyalg a);
enum ms_keyalg	 ms_keyalg_of_raw(enum ms_keytype t);
/* "ms-ed25519" for the raw types, NULL for the others. */
const char	*ms_keyalg_wire_name(enum ms_keyalg a);

/* The raw-key types alone (MS_KEY_UNKNOWN / "unknown" for any other). */
const char	*ms_keytype_name(enum ms_keytype t);	/* "ms-ed25519" */
const char	*ms_keytype_short(enum ms_keytype t);	/* "ed25519" */
const char	*ms_keytype_upper(enum ms_keytype t);	/* "ED25519" */
/* Accepts "ed25519", "ms-ed25519", "x25519", "ms-x25519". */
enum ms_keytype	 ms_keytype_from_name(const char *name);

#endif /* MS_KEYTYPE_H */
