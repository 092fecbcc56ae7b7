/*
 * test_keytype.c — the one key-type table (common/keytype.c): every type
 * round-trips through its name, the raw-key view (enum ms_keytype, the
 * "ms-" names of public-key files) agrees with it, and what keygen asks
 * of a type (SPKI file, can sign) comes from the same rows.
 */
#include <sys/types.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "crypto.h"
#include "keytype.h"

static const enum ms_keyalg all[] = {
	MS_KEYALG_ED25519, MS_KEYALG_X25519, MS_KEYALG_ECDSA_P256,
	MS_KEYALG_ECDSA_P384, MS_KEYALG_RSA,
};
#define NALL	(sizeof(all) / sizeof(all[0]))

static void
test_names_round_trip(void **state)
{
	char ms[64];
	size_t i;

	for (i = 0; i < NALL; i++) {
		const char *n = ms_keyalg_name(all[i]);

		assert_string_not_equal(n, "unknown");
		assert_int_equal(ms_keyalg_from_name(n), all[i]);
		snprintf(ms, sizeof(ms), "ms-%s", n);
		assert_int_equal(ms_keyalg_from_name(ms), all[i]);
		assert_string_not_equal(ms_keyalg_upper(all[i]), "UNKNOWN");
	}
	assert_string_equal(ms_keyalg_name(MS_KEYALG_ECDSA_P256), "ecdsa-p256");
	assert_string_equal(ms_keyalg_upper(MS_KEYALG_ECDSA_P384), "ECDSA-P384");
	assert_int_equal(ms_keyalg_from_name("dsa"), MS_KEYALG_UNKNOWN);
	assert_int_equal(ms_keyalg_from_name(""), MS_KEYALG_UNKNOWN);
	assert_int_equal(ms_keyalg_from_name(NULL), MS_KEYALG_UNKNOWN);
	assert_string_equal(ms_keyalg_name(MS_KEYALG_UNKNOWN), "unknown");
	assert_string_equal(ms_keyalg_upper(MS_KEYALG_UNKNOWN), "UNKNOWN");
}

/* Exactly the two raw-key types have an ms_keytype and an "ms-" name. */
static void
test_raw_view(void **state)
{
	size_t i, nraw = 0;

	for (i = 0; i < NALL; i++) {
		enum ms_keytype t = ms_keyalg_raw(all[i]);

		if (t == MS_KEY_UNKNOWN) {
			assert_null(ms_keyalg_wire_name(all[i]));
			assert_true(ms_keyalg_is_spki(all[i]));
			continue;
		}
		nraw++;
		assert_false(ms_keyalg_is_spki(all[i]));
		assert_int_equal(ms_keyalg_of_raw(t), all[i]);
		assert_string_equal(ms_keytype_short(t), ms_keyalg_name(all[i]));
		assert_string_equal(ms_keytype_upper(t), ms_keyalg_upper(all[i]));
		assert_string_equal(ms_keytype_name(t),
		    ms_keyalg_wire_name(all[i]));
		assert_int_equal(ms_keytype_from_name(ms_keytype_name(t)), t);
	}
	assert_int_equal(nraw, 2);
	assert_string_equal(ms_keytype_name(MS_KEY_ED25519), "ms-ed25519");
	assert_string_equal(ms_keytype_name(MS_KEY_X25519), "ms-x25519");
	assert_string_equal(ms_keytype_name(MS_KEY_UNKNOWN), "unknown");
	/* SPKI names are not raw-key types, with or without "ms-". */
	assert_int_equal(ms_keytype_from_name("rsa"), MS_KEY_UNKNOWN);
	assert_int_equal(ms_keytype_from_name("ms-ecdsa-p256"), MS_KEY_UNKNOWN);
	assert_int_equal(ms_keyalg_of_raw(MS_KEY_UNKNOWN), MS_KEYALG_UNKNOWN);
}

static void
test_capabilities(void **state)
{
	assert_true(ms_keyalg_can_sign(MS_KEYALG_ED25519));
	assert_false(ms_keyalg_can_sign(MS_KEYALG_X25519));
	assert_true(ms_keyalg_can_sign(MS_KEYALG_ECDSA_P256));
	assert_true(ms_keyalg_can_sign(MS_KEYALG_ECDSA_P384));
	assert_true(ms_keyalg_can_sign(MS_KEYALG_RSA));
	assert_false(ms_keyalg_can_sign(MS_KEYALG_UNKNOWN));
	assert_false(ms_keyalg_is_spki(MS_KEYALG_UNKNOWN));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_round_trip),
		cmocka_unit_test(test_raw_view),
		cmocka_unit_test(test_capabilities),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
