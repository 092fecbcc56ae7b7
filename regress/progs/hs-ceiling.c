/*
 * hs-ceiling — the in-process crypto cost of one handshake, for
 * `make bench` (not a test).
 *
 *	hs-ceiling SECONDS
 *
 * Repeats, with no I/O and no processes, the X25519, Ed25519 and HKDF
 * work both ends of one metasafe handshake do (PROTOCOL.md 5): the
 * client's ephemeral key, its two X25519 derivations, its key schedule,
 * its check of the server signature and its own signature; the worker's
 * ephemeral key and X25519, the monitor's static X25519, server signature
 * and check of the client signature, and the server's key schedule.
 * Prints "iterations=N client_us=C server_us=S total_us=T hs_s=R": the
 * mean microseconds per handshake on each side and both, and 1e6/T, the
 * handshakes per second one core could do if crypto were all there was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "schedule.h"

struct ceil_keys {
	EVP_PKEY	*host_kex;	/* monitor's static X25519 */
	EVP_PKEY	*host_sig;	/* monitor's Ed25519 */
	EVP_PKEY	*client_sig;	/* the client's identity */
	u_char		 host_kex_pub[MS_X25519_LEN];
	u_char		 host_sig_pub[MS_ED25519_PUB_LEN];
	u_char		 client_pub[MS_ED25519_PUB_LEN];
};

/* One side's secrets for one handshake. */
struct ceil_side {
	EVP_PKEY	*eph;
	u_char		 share[MS_X25519_LEN];
	u_char		 ss_e[32], ss_s[32], stat[MS_SHA256_LEN];
	struct ms_hs_secrets hs;
	struct ms_ap_secrets ap;
	struct ms_dirkey dk[4];
	u_char		 fin[2][MS_SHA256_LEN];
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
keys_init(struct ceil_keys *k)
{
	if (ms_pkey_generate(MS_KEY_X25519, &k->host_kex) != 0 ||
	    ms_pkey_generate(MS_KEY_ED25519, &k->host_sig) != 0 ||
	    ms_pkey_generate(MS_KEY_ED25519, &k->client_sig) != 0 ||
	    ms_pkey_raw_public(k->host_kex, k->host_kex_pub, MS_X25519_LEN) != 0 ||
	    ms_pkey_raw_public(k->host_sig, k->host_sig_pub, MS_X25519_LEN) != 0 ||
	    ms_pkey_raw_public(k->client_sig, k->client_pub, MS_X25519_LEN) != 0)
		return -1;
	return 0;
}

/* Handshake and application secrets, traffic keys, both Finished MACs. */
static int
schedule(struct ceil_side *s, const u_char th[MS_SHA256_LEN])
{
	if (ms_derive_handshake(s->stat, s->ss_e, th, &s->hs) != 0 ||
	    ms_dirkey_derive(s->hs.c_hs, &s->dk[0]) != 0 ||
	    ms_dirkey_derive(s->hs.s_hs, &s->dk[1]) != 0 ||
	    ms_finished_mac(s->hs.s_fin, th, s->fin[0]) != 0 ||
	    ms_finished_mac(s->hs.c_fin, th, s->fin[1]) != 0 ||
	    ms_derive_application(s->hs.hs, th, &s->ap) != 0 ||
	    ms_dirkey_derive(s->ap.c_ap, &s->dk[2]) != 0 ||
	    ms_dirkey_derive(s->ap.s_ap, &s->dk[3]) != 0)
		return -1;
	return 0;
}

static int
sign(EVP_PKEY *key, const char *context, const u_char th[MS_SHA256_LEN],
    u_char sig[MS_ED25519_SIG_LEN])
{
	u_char msg[128];
	size_t len;

	if (ms_sig_message(context, th, msg, sizeof(msg), &len) != 0 ||
	    ms_ed25519_sign(key, msg, len, sig) != 0)
		return -1;
	return 0;
}

static int
verify(const u_char pub[MS_ED25519_PUB_LEN], const char *context,
    const u_char th[MS_SHA256_LEN], const u_char sig[MS_ED25519_SIG_LEN])
{
	u_char msg[128];
	size_t len;

	if (ms_sig_message(context, th, msg, sizeof(msg), &len) != 0 ||
	    ms_ed25519_verify(pub, msg, len, sig, MS_ED25519_SIG_LEN) != 0)
		return -1;
	return 0;
}

static void
side_clear(struct ceil_side *s)
{
	EVP_PKEY_free(s->eph);
	ms_hs_secrets_clear(&s->hs);
	ms_ap_secrets_clear(&s->ap);
	explicit_bzero(s, sizeof(*s));
}

/* One handshake; adds each side's time to tc and ts. */
static int
handshake(const struct ceil_keys *k, double *tc, double *ts)
{
	struct ceil_side c, s;
	u_char th[MS_SHA256_LEN], ssig[MS_ED25519_SIG_LEN];
	u_char csig[MS_ED25519_SIG_LEN];
	double t0, t1, t2, t3, t4;
	int r = -1;

	memset(&c, 0, sizeof(c));
	memset(&s, 0, sizeof(s));
	if (ms_random_bytes(th, sizeof(th)) != 0)
		goto out;
	t0 = now();
	if (ms_pkey_generate(MS_KEY_X25519, &c.eph) != 0 ||
	    ms_pkey_raw_public(c.eph, c.share, sizeof(c.share)) != 0)
		goto out;
	t1 = now();
	/* worker: its share and ss_e; monitor: DECAP and SIGN */
	if (ms_pkey_generate(MS_KEY_X25519, &s.eph) != 0 ||
	    ms_pkey_raw_public(s.eph, s.share, sizeof(s.share)) != 0 ||
	    ms_x25519_derive(s.eph, c.share, s.ss_e) != 0 ||
	    ms_x25519_derive(k->host_kex, c.share, s.ss_s) != 0 ||
	    ms_derive_static(s.ss_s, th, s.stat) != 0 ||
	    sign(k->host_sig, MS_SIG_CONTEXT_SERVER, th, ssig) != 0 ||
	    schedule(&s, th) != 0)
		goto out;
	t2 = now();
	if (ms_x25519_derive(c.eph, s.share, c.ss_e) != 0 ||
	    ms_x25519_derive(c.eph, k->host_kex_pub, c.ss_s) != 0 ||
	    ms_derive_static(c.ss_s, th, c.stat) != 0 ||
	    schedule(&c, th) != 0 ||
	    verify(k->host_sig_pub, MS_SIG_CONTEXT_SERVER, th, ssig) != 0 ||
	    sign(k->client_sig, MS_SIG_CONTEXT_CLIENT, th, csig) != 0)
		goto out;
	t3 = now();
	/* monitor: AUTH */
	if (verify(k->client_pub, MS_SIG_CONTEXT_CLIENT, th, csig) != 0)
		goto out;
	t4 = now();
	/* Both ends must have reached the same keys, or this measured nothing. */
	if (!ms_ct_equal(c.dk[3].key, s.dk[3].key, MS_AEAD_KEY_LEN))
		goto out;
	*tc += (t1 - t0) + (t3 - t2);
	*ts += (t2 - t1) + (t4 - t3);
	r = 0;
 out:
	side_clear(&c);
	side_clear(&s);
	return r;
}

int
main(int argc, char **argv)
{
	struct ceil_keys k;
	double secs, start, tc = 0, ts = 0;
	long n = 0;
	char *ep;

	if (argc != 2 || (secs = strtod(argv[1], &ep)) <= 0 || *ep != '\0') {
		fprintf(stderr, "usage: hs-ceiling SECONDS\n");
		return 2;
	}
	memset(&k, 0, sizeof(k));
	if (ms_crypto_init() != 0 || keys_init(&k) != 0) {
		fprintf(stderr, "hs-ceiling: crypto set-up failed\n");
		return 1;
	}
	start = now();
	while (now() - start < secs) {
		if (handshake(&k, &tc, &ts) != 0) {
			fprintf(stderr, "hs-ceiling: handshake failed\n");
			return 1;
		}
		n++;
	}
	printf("iterations=%ld client_us=%.1f server_us=%.1f total_us=%.1f "
	    "hs_s=%.1f\n", n, tc / (double)n * 1e6, ts / (double)n * 1e6,
	    (tc + ts) / (double)n * 1e6, (double)n / (tc + ts));
	EVP_PKEY_free(k.host_kex);
	EVP_PKEY_free(k.host_sig);
	EVP_PKEY_free(k.client_sig);
	return 0;
}
