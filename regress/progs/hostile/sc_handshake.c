/*
 * sc_handshake.c — scenarios that break the handshake: wrong version, no
 * common suite, low-order shares, bad signature or finished, unknown key.
 */
#include "hostile.h"

/* -------------------------------------------------- scenarios: handshake */

/* The server must answer with exactly this cleartext alert and close. */
static void __attribute__((noreturn))
expect_clear_alert(uint32_t status, const char *what)
{
	struct got g;

	next(&g, hc.wait_ms);
	if (!g.clear_alert || !g.has_status || g.status != status)
		finish(EXIT_FAIL, "%s: expected ALERT %s: %s", what,
		    ms_status_str(status), trail());
	next(&g, hc.wait_ms);
	if (!is_close(&g))
		finish(EXIT_FAIL, "%s: no close after the alert: %s", what,
		    trail());
	finish(EXIT_PASS, "%s: %s", what, trail());
}

void
sc_wrong_version(void)
{
	struct ms_client_hello ch;

	connect_server();
	default_hello(&ch);
	ch.version = 2;
	send_hello(&ch);
	expect_clear_alert(MS_ST_VERSION_MISMATCH, "CLIENT_HELLO version 2");
}

void
sc_no_common_suite(void)
{
	struct ms_client_hello ch;

	connect_server();
	default_hello(&ch);
	ch.ciphers.n = 1;
	ch.ciphers.ids[0] = 0x7777;
	send_hello(&ch);
	expect_clear_alert(MS_ST_NO_COMMON_SUITE, "ciphers {0x7777}");
}

/*
 * A low-order client share: HANDSHAKE_FAILED, or a close; a SERVER_HELLO
 * is tolerated (the host-key half is only checked at DECAP) but nothing
 * under keys may follow.
 */
static void
low_order(const u_char share[32], const char *what)
{
	struct ms_client_hello ch;
	u_char out[32];
	struct got g;
	int i, r;

	connect_server();
	default_hello(&ch);
	/* Self-check: the share really is of low order. */
	if ((r = ms_x25519_derive(hc.eph, share, out)) != MS_ERR_KEY_INVALID)
		finish(EXIT_LOCAL, "share for %s is not of low order (%s)",
		    what, ms_err(r));
	memcpy(ch.share, share, sizeof(ch.share));
	send_hello(&ch);
	for (i = 0; i < EXPECT_FRAMES; i++) {
		next(&g, hc.wait_ms);
		if (is_close(&g))
			finish(EXIT_PASS, "%s: %s", what, trail());
		if (g.ev != EV_FRAME)
			break;
		if (g.clear_alert && g.has_status &&
		    g.status == MS_ST_HANDSHAKE_FAILED)
			continue;
		if (g.ftype == MS_FRAME_SERVER_HELLO && i == 0)
			continue;
		break;
	}
	finish(EXIT_FAIL, "%s: %s", what, trail());
}

void
sc_low_order_share(void)
{
	u_char z[32];

	memset(z, 0, sizeof(z));
	low_order(z, "client_share all zero");
}

void
sc_low_order_share_one(void)
{
	u_char z[32];

	memset(z, 0, sizeof(z));
	z[0] = 1;
	low_order(z, "client_share u=1");
}

void
sc_low_order_share_8(void)
{
	low_order(order8_point, "client_share of order 8");
}

/* The proof is wrong somehow: exactly AUTH_RESULT AUTH_FAILED, then close. */
static void __attribute__((noreturn))
expect_auth_failed(const char *what)
{
	struct got g;

	install_ap_keys();
	next(&g, hc.wait_ms);
	if (g.opened && g.itype == MS_MSG_AUTH_RESULT && g.has_status &&
	    g.status == MS_ST_OK)
		finish(EXIT_FAIL, "%s: server ACCEPTED it: %s", what, trail());
	if (!g.opened || g.itype != MS_MSG_AUTH_RESULT || !g.has_status ||
	    g.status != MS_ST_AUTH_FAILED)
		finish(EXIT_FAIL, "%s: expected AUTH_RESULT AUTH_FAILED: %s",
		    what, trail());
	next(&g, hc.wait_ms);
	if (!is_close(&g))
		finish(EXIT_FAIL, "%s: no close after AUTH_FAILED: %s", what,
		    trail());
	finish(EXIT_PASS, "%s: %s", what, trail());
}

void
sc_bad_signature(void)
{
	need_identity();
	handshake_to_auth();
	trail_reset();
	send_client_auth(hc.id, hc.id_pub, FLIP_SIG);
	expect_auth_failed("CLIENT_VERIFY with a flipped bit");
}

void
sc_bad_finished(void)
{
	need_identity();
	handshake_to_auth();
	trail_reset();
	send_client_auth(hc.id, hc.id_pub, FLIP_FIN);
	expect_auth_failed("CLIENT_FINISHED with a flipped bit");
}

EVP_PKEY *
stranger(u_char pub[MS_ED25519_PUB_LEN])
{
	EVP_PKEY *k = NULL;
	int r;

	if ((r = ms_pkey_generate(MS_KEY_ED25519, &k)) != 0 ||
	    (r = ms_pkey_raw_public(k, pub, MS_ED25519_PUB_LEN)) != 0) {
		EVP_PKEY_free(k);
		local_err(r, "generate key");
	}
	return k;
}

void
sc_unknown_key(void)
{
	u_char pub[MS_ED25519_PUB_LEN];

	handshake_to_auth();
	trail_reset();
	EVP_PKEY_free(hc.id);
	hc.id = stranger(pub);	/* freed at exit */
	send_client_auth(hc.id, pub, 0);
	expect_auth_failed("unregistered key");
}
