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
 * Prints "iterations=N client_us=C server_us=S total_us=T hs_s=R
 * x25519_us= sign_us= verify_us= kdf_us=": the mean microseconds per
 * handshake on each side and both, 1e6/T (the handshakes per second one
 * core could do if crypto were all there was), and both sides' time by
 * kind of operation.
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

enum ceil_side_id { SIDE_CLIENT, SIDE_SERVER, SIDE_N };
enum ceil_class { OP_X25519, OP_SIGN, OP_VERIFY, OP_KDF, OP_N };
static const char *class_names[OP_N] = { "x25519", "sign", "verify", "kdf" };

/* Seconds spent, by side and by kind of operation. */
struct ceil_acc {
	double	t[SIDE_N][OP_N];
	double	mark;
};

/* Charges the time since the last mark to one side and class. */
static int
charge(struct ceil_acc *a, int side, int cls, int failed)
{
	double t = now();

	a->t[side][cls] += t - a->mark;
	a->mark = t;
	return failed ? -1 : 0;
}

static int
eph_share(EVP_PKEY **eph, u_char share[MS_X25519_LEN])
{
	if (ms_pkey_generate(MS_KEY_X25519, eph) != 0 ||
	    ms_pkey_raw_public(*eph, share, MS_X25519_LEN) != 0)
		return -1;
	return 0;
}

/* The worker and the monitor: share, ss_e, DECAP, SIGN, schedule. */
static int
server_half(const struct ceil_keys *k, struct ceil_acc *a,
    struct ceil_side *s, const u_char cshare[MS_X25519_LEN],
    const u_char th[MS_SHA256_LEN], u_char ssig[MS_ED25519_SIG_LEN])
{
	if (charge(a, SIDE_SERVER, OP_X25519, eph_share(&s->eph, s->share) != 0 ||
	    ms_x25519_derive(s->eph, cshare, s->ss_e) != 0 ||
	    ms_x25519_derive(k->host_kex, cshare, s->ss_s) != 0) != 0 ||
	    charge(a, SIDE_SERVER, OP_KDF,
	    ms_derive_static(s->ss_s, th, s->stat) != 0) != 0 ||
	    charge(a, SIDE_SERVER, OP_SIGN,
	    sign(k->host_sig, MS_SIG_CONTEXT_SERVER, th, ssig) != 0) != 0 ||
	    charge(a, SIDE_SERVER, OP_KDF, schedule(s, th) != 0) != 0)
		return -1;
	return 0;
}

/* The client after SERVER_HELLO: its secrets, the check, its signature. */
static int
client_half(const struct ceil_keys *k, struct ceil_acc *a,
    struct ceil_side *c, const u_char sshare[MS_X25519_LEN],
    const u_char th[MS_SHA256_LEN], const u_char ssig[MS_ED25519_SIG_LEN],
    u_char csig[MS_ED25519_SIG_LEN])
{
	if (charge(a, SIDE_CLIENT, OP_X25519,
	    ms_x25519_derive(c->eph, sshare, c->ss_e) != 0 ||
	    ms_x25519_derive(c->eph, k->host_kex_pub, c->ss_s) != 0) != 0 ||
	    charge(a, SIDE_CLIENT, OP_KDF,
	    ms_derive_static(c->ss_s, th, c->stat) != 0 ||
	    schedule(c, th) != 0) != 0 ||
	    charge(a, SIDE_CLIENT, OP_VERIFY,
	    verify(k->host_sig_pub, MS_SIG_CONTEXT_SERVER, th, ssig) != 0) != 0 ||
	    charge(a, SIDE_CLIENT, OP_SIGN,
	    sign(k->client_sig, MS_SIG_CONTEXT_CLIENT, th, csig) != 0) != 0)
		return -1;
	return 0;
}

static int
handshake(const struct ceil_keys *k, struct ceil_acc *a)
{
	struct ceil_side c, s;
	u_char th[MS_SHA256_LEN], ssig[MS_ED25519_SIG_LEN];
	u_char csig[MS_ED25519_SIG_LEN];
	int r = -1;

	memset(&c, 0, sizeof(c));
	memset(&s, 0, sizeof(s));
	if (ms_random_bytes(th, sizeof(th)) != 0)
		goto out;
	a->mark = now();
	if (charge(a, SIDE_CLIENT, OP_X25519,
	    eph_share(&c.eph, c.share) != 0) != 0 ||
	    server_half(k, a, &s, c.share, th, ssig) != 0 ||
	    client_half(k, a, &c, s.share, th, ssig, csig) != 0 ||
	    /* the monitor's AUTH */
	    charge(a, SIDE_SERVER, OP_VERIFY,
	    verify(k->client_pub, MS_SIG_CONTEXT_CLIENT, th, csig) != 0) != 0)
		goto out;
	/* Both ends must reach the same keys, or this measured nothing. */
	if (ms_ct_equal(c.dk[3].key, s.dk[3].key, MS_AEAD_KEY_LEN))
		r = 0;
 out:
	side_clear(&c);
	side_clear(&s);
	return r;
}

static double
sum(const double *v, int n)
{
	double t = 0;
	int i;

	for (i = 0; i < n; i++)
		t += v[i];
	return t;
}

int
main(int argc, char **argv)
{
	struct ceil_keys k;
	struct ceil_acc acc;
	double secs, start, tc, ts;
	long n = 0;
	char *ep;
	int i;

	if (argc != 2 || (secs = strtod(argv[1], &ep)) <= 0 || *ep != '\0') {
		fprintf(stderr, "usage: hs-ceiling SECONDS\n");
		return 2;
	}
	memset(&k, 0, sizeof(k));
	if (ms_crypto_init() != 0 || keys_init(&k) != 0) {
		fprintf(stderr, "hs-ceiling: crypto set-up failed\n");
		return 1;
	}
	memset(&acc, 0, sizeof(acc));
	start = now();
	while (now() - start < secs) {
		if (handshake(&k, &acc) != 0) {
			fprintf(stderr, "hs-ceiling: handshake failed\n");
			return 1;
		}
		n++;
	}
	tc = sum(acc.t[SIDE_CLIENT], OP_N);
	ts = sum(acc.t[SIDE_SERVER], OP_N);
	printf("iterations=%ld client_us=%.1f server_us=%.1f total_us=%.1f "
	    "hs_s=%.1f", n, tc / (double)n * 1e6, ts / (double)n * 1e6,
	    (tc + ts) / (double)n * 1e6, (double)n / (tc + ts));
	for (i = 0; i < OP_N; i++)
		printf(" %s_us=%.1f", class_names[i],
		    (acc.t[SIDE_CLIENT][i] + acc.t[SIDE_SERVER][i]) /
		    (double)n * 1e6);
	printf("\n");
	EVP_PKEY_free(k.host_kex);
	EVP_PKEY_free(k.host_sig);
	EVP_PKEY_free(k.client_sig);
	return 0;
}
