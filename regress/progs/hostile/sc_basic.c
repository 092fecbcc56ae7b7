/*
 * sc_basic.c — scenarios that behave: a normal login, a stripped suite.
 */
#include "hostile.h"

/* ------------------------------------------------------ scenarios: basic */

void
sc_normal(void)
{
	char who[MS_PRINCIPAL_MAX + 1];
	uint16_t cipher;
	uint32_t st;

	login();
	if ((st = op_status(who, sizeof(who), &cipher)) != MS_ST_OK)
		finish(EXIT_FAIL, "STATUS answered %s", ms_status_str(st));
	finish(EXIT_PASS, "AUTH_RESULT OK, STATUS OK: principal=%s cipher=%s",
	    who, ms_aead_name((enum ms_aead)ms_cipher_to_aead(cipher)));
}

/* Offer only chacha20-poly1305: the server must take it (4.1). */
void
sc_strip_suite(void)
{
	char who[MS_PRINCIPAL_MAX + 1];
	uint16_t cipher;
	uint32_t st;

	hc.offer.n = 1;
	hc.offer.ids[0] = MS_CIPHER_CHACHA20_POLY1305;
	login();
	if (hc.cipher != MS_CIPHER_CHACHA20_POLY1305)
		finish(EXIT_FAIL, "server chose cipher 0x%04x", hc.cipher);
	if ((st = op_status(who, sizeof(who), &cipher)) != MS_ST_OK)
		finish(EXIT_FAIL, "STATUS answered %s", ms_status_str(st));
	if (cipher != MS_CIPHER_CHACHA20_POLY1305)
		finish(EXIT_FAIL, "STATUS reports cipher 0x%04x", cipher);
	finish(EXIT_PASS, "server chose chacha20-poly1305 (0x0002), "
	    "STATUS OK");
}
