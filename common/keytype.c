/*
 * keytype.c — the one key-type table: names, file format, what each type
 * can do.  keys/, pubkey.c and metasafe-keygen all look types up here.
 */

#include <sys/types.h>

#include <string.h>

#include "crypto.h"
#include "keytype.h"

static const struct keyalg {
	enum ms_keyalg	 alg;
	enum ms_keytype	 raw;		/* MS_KEY_UNKNOWN: SPKI type */
	const char	*name;
	const char	*upper;
	const char	*wire;		/* public-key line type, raw types */
	int		 can_sign;
} keyalgs[] = {
	{ MS_KEYALG_ED25519, MS_KEY_ED25519, "ed25519", "ED25519",
	    "ms-ed25519", 1 },
	{ MS_KEYALG_X25519, MS_KEY_X25519, "x25519", "X25519",
	    "ms-x25519", 0 },
	{ MS_KEYALG_ECDSA_P256, MS_KEY_UNKNOWN, "ecdsa-p256", "ECDSA-P256",
	    NULL, 1 },
	{ MS_KEYALG_ECDSA_P384, MS_KEY_UNKNOWN, "ecdsa-p384", "ECDSA-P384",
	    NULL, 1 },
	{ MS_KEYALG_RSA, MS_KEY_UNKNOWN, "rsa", "RSA", NULL, 1 },
};
#define NKEYALGS	(sizeof(keyalgs) / sizeof(keyalgs[0]))

static const struct keyalg *
lookup(enum ms_keyalg a)
{
	size_t i;

	for (i = 0; i < NKEYALGS; i++) {
		if (keyalgs[i].alg == a)
			return &keyalgs[i];
	}
	return NULL;
}

enum ms_keyalg
ms_keyalg_from_name(const char *name)
{
	size_t i;

	if (name == NULL)
		return MS_KEYALG_UNKNOWN;
	if (strncmp(name, "ms-", 3) == 0)
		name += 3;
	for (i = 0; i < NKEYALGS; i++) {
		if (strcmp(name, keyalgs[i].name) == 0)
			return keyalgs[i].alg;
	}
	return MS_KEYALG_UNKNOWN;
}

const char *
ms_keyalg_name(enum ms_keyalg a)
{
	const struct keyalg *k = lookup(a);

	return k != NULL ? k->name : "unknown";
}

const char *
ms_keyalg_upper(enum ms_keyalg a)
{
	const struct keyalg *k = lookup(a);

	return k != NULL ? k->upper : "UNKNOWN";
}

const char *
ms_keyalg_wire_name(enum ms_keyalg a)
{
	const struct keyalg *k = lookup(a);

	return k != NULL ? k->wire : NULL;
}

int
ms_keyalg_is_spki(enum ms_keyalg a)
{
	const struct keyalg *k = lookup(a);

	return k != NULL && k->raw == MS_KEY_UNKNOWN;
}

int
ms_keyalg_can_sign(enum ms_keyalg a)
{
	const struct keyalg *k = lookup(a);

	return k != NULL && k->can_sign;
}

enum ms_keytype
ms_keyalg_raw(enum ms_keyalg a)
{
	const struct keyalg *k = lookup(a);

	return k != NULL ? k->raw : MS_KEY_UNKNOWN;
}

enum ms_keyalg
ms_keyalg_of_raw(enum ms_keytype t)
{
	size_t i;

	if (t == MS_KEY_UNKNOWN)
		return MS_KEYALG_UNKNOWN;
	for (i = 0; i < NKEYALGS; i++) {
		if (keyalgs[i].raw == t)
			return keyalgs[i].alg;
	}
	return MS_KEYALG_UNKNOWN;
}

/* The raw-key types under their ms_keytype names (keyfile.h). */

const char *
ms_keytype_name(enum ms_keytype t)
{
	const char *w = ms_keyalg_wire_name(ms_keyalg_of_raw(t));

	return w != NULL ? w : "unknown";
}

const char *
ms_keytype_short(enum ms_keytype t)
{
	return ms_keyalg_name(ms_keyalg_of_raw(t));
}

const char *
ms_keytype_upper(enum ms_keytype t)
{
	return ms_keyalg_upper(ms_keyalg_of_raw(t));
}

enum ms_keytype
ms_keytype_from_name(const char *name)
{
	return ms_keyalg_raw(ms_keyalg_from_name(name));
}
