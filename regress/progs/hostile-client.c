/*
 * hostile-client — a scriptable, misbehaving metasafe client for the
 * adversarial regress tests (regress/hostile-*.sh).
 *
 *	hostile-client -p PORT -k HOST_SIG_PUB [-i IDENTITY] [-H HOST]
 *	    [-c CIPHERS] [-g GRACE] [-w WAIT] [-P PATH] [-T ALARM] [-v]
 *	    SCENARIO [N]
 *
 * It speaks the client side of docs/PROTOCOL.md itself, with common/ only
 * (not libmetasafe), so that it can deviate at any step: malformed frames,
 * bad hellos, bad proofs, tampered, replayed or reordered records, moved
 * crypto blobs, stalls and connection floods.  It prints one line saying
 * what the server did and exits with
 *
 *	0  the server behaved as the scenario expects (documented alert,
 *	   AUTH_FAILED, INVALID_ARGUMENT, a close without answer, ...)
 *	1  it did not (it accepted the attack, answered, or kept silent)
 *	2  usage, setup or local error (no verdict)
 *	3  the hard overall timeout (-T, default 60 s) fired
 *
 * "closed" in the output means the server ended the connection without an
 * alert (EOF or reset).  Run with no arguments for the list of scenarios.
 */
#include "hostile/hostile.h"

/* ---------------------------------------------------------------- main */

#define NEED_ARG	0x01	/* takes N */
#define NO_PIN		0x02	/* never gets past SERVER_HELLO */

static const struct scenario {
	const char	*name;
	void		(*fn)(void);
	int		 flags;
	const char	*help;
} scenarios[] = {
	{ "normal", sc_normal, 0, "login + STATUS, expects OK" },
	{ "strip-suite", sc_strip_suite, 0,
	    "offer only chacha20-poly1305, expects it chosen" },
	{ "truncated-frame", sc_truncated_frame, NO_PIN,
	    "announce 100 bytes, send 10, half-close" },
	{ "oversize-frame", sc_oversize_frame, NO_PIN,
	    "frame length 0x7fffffff" },
	{ "zero-length-frame", sc_zero_length_frame, NO_PIN,
	    "frame length 0" },
	{ "zero-length-alone", sc_zero_length_alone, NO_PIN,
	    "only the 4 bytes of a frame length 0" },
	{ "wrong-version", sc_wrong_version, NO_PIN,
	    "CLIENT_HELLO version 2, expects VERSION_MISMATCH" },
	{ "no-common-suite", sc_no_common_suite, NO_PIN,
	    "ciphers {0x7777}, expects NO_COMMON_SUITE" },
	{ "low-order-share", sc_low_order_share, NO_PIN,
	    "all-zero client_share" },
	{ "low-order-share-one", sc_low_order_share_one, NO_PIN,
	    "client_share u=1" },
	{ "low-order-share-8", sc_low_order_share_8, NO_PIN,
	    "client_share of order 8" },
	{ "bad-signature", sc_bad_signature, 0,
	    "CLIENT_VERIFY bit flipped, expects AUTH_FAILED" },
	{ "bad-finished", sc_bad_finished, 0,
	    "CLIENT_FINISHED bit flipped, expects AUTH_FAILED" },
	{ "unknown-key", sc_unknown_key, 0,
	    "unregistered key, expects AUTH_FAILED" },
	{ "flip-bit", sc_flip_bit, 0,
	    "tampered SET record, expects close (PATH/r rec unset)" },
	{ "replay", sc_replay, 0,
	    "SET, DELETE, the SET again: expects close (rec unset)" },
	{ "reorder", sc_reorder, 0,
	    "second SET record first, expects close (rec unset)" },
	{ "truncated-record", sc_truncated_record, 0,
	    "SET record without its tag, expects close (rec unset)" },
	{ "oversize-record", sc_oversize_record, 0,
	    "record one byte over the maximum, expects PROTOCOL_ERROR" },
	{ "early-record", sc_early_record, 0,
	    "record under garbage keys after SERVER_HELLO" },
	{ "request-before-auth", sc_request_before_auth, 0,
	    "STATUS under handshake keys instead of CLIENT_IDENTITY" },
	{ "request-after-denied", sc_request_after_denied, 0,
	    "STATUS pipelined behind a refused login" },
	{ "blob-moved", sc_blob_moved, 0,
	    "replayed and moved crypto blobs, expects INVALID_ARGUMENT" },
	{ "ticket-mutate", sc_ticket_mutate, 0,
	    "every ticket field mutated: each resumption AUTH_FAILED" },
	{ "stall", sc_stall, NO_PIN, "silent client, closed by grace+10 s" },
	{ "stall-partial", sc_stall_partial, NO_PIN,
	    "3 bytes of a frame, then silence" },
	{ "stall-auth", sc_stall_auth, 0,
	    "silence after SERVER_FINISHED" },
	{ "flood", sc_flood, NEED_ARG | NO_PIN,
	    "N silent connections, expects LIMIT_REACHED" },
	{ "flood-spread", sc_flood_spread, NEED_ARG | NO_PIN,
	    "the same from N source addresses" },
};

static void __attribute__((noreturn))
usage(void)
{
	size_t i;

	fprintf(stderr,
	    "usage: hostile-client -p PORT -k HOST_SIG_PUB [-i IDENTITY] "
	    "[-H HOST]\n"
	    "           [-c CIPHERS] [-g GRACE] [-w WAIT] [-P PATH] "
	    "[-T ALARM] [-v]\n"
	    "           SCENARIO [N]\n"
	    "exit: 0 server behaved, 1 it did not, 2 local error, "
	    "3 hard timeout\nscenarios:\n");
	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		fprintf(stderr, "  %-22s %s\n", scenarios[i].name,
		    scenarios[i].help);
	exit(EXIT_LOCAL);
}

static int
num_arg(const char *s, int lo, int hi, const char *what)
{
	const char *errstr = NULL;
	long long v;

	v = strtonum(s, lo, hi, &errstr);
	if (errstr != NULL) {
		fprintf(stderr, "hostile-client: %s %s: %s\n", what, s, errstr);
		exit(EXIT_LOCAL);
	}
	return (int)v;
}

/* "aes256-gcm,chacha20-poly1305" or raw ids "0x7777". */
static void
parse_ciphers(const char *s)
{
	char *dup, *cp, *tok, *end;
	unsigned long v;
	int id;

	if ((dup = strdup(s)) == NULL)
		finish(EXIT_LOCAL, "out of memory");
	hc.offer.n = 0;
	for (cp = dup; (tok = strsep(&cp, ",")) != NULL;) {
		if (hc.offer.n >= MS_ALG_LIST_MAX)
			finish(EXIT_LOCAL, "too many ciphers");
		if ((id = ms_aead_from_name(tok)) > 0)
			v = ms_aead_to_cipher((enum ms_aead)id);
		else {
			errno = 0;
			v = strtoul(tok, &end, 16);
			if (*tok == '\0' || *end != '\0' || errno != 0 ||
			    v == 0 || v > 0xffff)
				finish(EXIT_LOCAL, "unknown cipher %s", tok);
		}
		hc.offer.ids[hc.offer.n++] = (uint16_t)v;
	}
	free(dup);
	if (hc.offer.n == 0)
		finish(EXIT_LOCAL, "empty cipher list");
}

static void
load_keys(int flags)
{
	EVP_PKEY *pub = NULL;
	int r;

	if (hc.pubfile == NULL) {
		if (!(flags & NO_PIN))
			finish(EXIT_LOCAL, "-k HOST_SIG_PUB is required");
	} else {
		if ((r = ms_key_load_public(hc.pubfile, &pub, NULL)) != 0)
			finish(EXIT_LOCAL, "%s: %s", hc.pubfile, ms_err(r));
		if (ms_pkey_type(pub) != MS_KEY_ED25519 ||
		    (r = ms_pkey_raw_public(pub, hc.pin, sizeof(hc.pin))) != 0) {
			EVP_PKEY_free(pub);
			finish(EXIT_LOCAL, "%s: not an ed25519 public key",
			    hc.pubfile);
		}
		EVP_PKEY_free(pub);
	}
	if (hc.idfile == NULL)
		return;
	if ((r = ms_key_load_private(hc.idfile, NULL, &hc.id)) != 0)
		finish(EXIT_LOCAL, "%s: %s", hc.idfile, ms_err(r));
	if (ms_pkey_type(hc.id) != MS_KEY_ED25519 ||
	    ms_pkey_raw_public(hc.id, hc.id_pub, sizeof(hc.id_pub)) != 0)
		finish(EXIT_LOCAL, "%s: not an ed25519 key", hc.idfile);
}

int
main(int argc, char **argv)
{
	const struct scenario *sc = NULL;
	struct sigaction sa;
	size_t i;
	int ch, alarm_s;

	hc.fd = -1;
	hc.host = "127.0.0.1";
	hc.path = "/hostile";
	hc.wait_ms = WAIT_DEFAULT_S * 1000;
	hc.grace_s = GRACE_DEFAULT_S;
	hc.alarm_s = ALARM_DEFAULT_S;
	hc.offer.n = 2;
	hc.offer.ids[0] = MS_CIPHER_AES256_GCM;
	hc.offer.ids[1] = MS_CIPHER_CHACHA20_POLY1305;
	while ((ch = getopt(argc, argv, "c:g:H:hi:k:P:p:T:vw:")) != -1) {
		switch (ch) {
		case 'c':
			parse_ciphers(optarg);
			break;
		case 'g':
			hc.grace_s = num_arg(optarg, 0, 3600, "grace time");
			break;
		case 'H':
			hc.host = optarg;
			break;
		case 'i':
			hc.idfile = optarg;
			break;
		case 'k':
			hc.pubfile = optarg;
			break;
		case 'P':
			hc.path = optarg;
			break;
		case 'p':
			(void)num_arg(optarg, 1, 65535, "port");
			hc.port = optarg;
			break;
		case 'T':
			hc.alarm_s = num_arg(optarg, 1, 3600, "alarm");
			break;
		case 'v':
			hc.verbose = 1;
			break;
		case 'w':
			hc.wait_ms = num_arg(optarg, 1, 600, "wait") * 1000;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || argc > 2 || hc.port == NULL)
		usage();
	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		if (strcmp(argv[0], scenarios[i].name) == 0)
			sc = &scenarios[i];
	if (sc == NULL)
		usage();
	if ((argc == 2) != ((sc->flags & NEED_ARG) != 0))
		usage();
	hc.scenario = sc->name;
	hc.arg = argc == 2 ? argv[1] : NULL;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL) != 0)
		finish(EXIT_LOCAL, "sigaction: %s", strerror(errno));
	sa.sa_handler = on_alarm;
	if (sigaction(SIGALRM, &sa, NULL) != 0)
		finish(EXIT_LOCAL, "sigaction: %s", strerror(errno));
	alarm_s = hc.alarm_s;
	if (sc->fn == sc_stall || sc->fn == sc_stall_partial ||
	    sc->fn == sc_stall_auth) {
		if (alarm_s < hc.grace_s + STALL_SLACK_S + 10)
			alarm_s = hc.grace_s + STALL_SLACK_S + 10;
	}
	snprintf(alarm_line, sizeof(alarm_line),
	    "%s: no outcome within the hard timeout of %d s [HANG]\n",
	    hc.scenario, alarm_s);
	alarm((unsigned int)alarm_s);

	ms_log_init("hostile-client", hc.verbose ? MS_LOG_DEBUG1 :
	    MS_LOG_ERROR, 1, -1);
	local_err(ms_crypto_init(), "crypto init");
	hc.in = xbuf(MS_FRAME_MAX);
	hc.msg = xbuf(MS_RECORD_PLAINTEXT_MAX);
	hc.body = xbuf(MS_RECORD_PLAINTEXT_MAX);
	hc.frame = xbuf(MS_FRAME_MAX + MS_FRAME_HEADER_LEN);
	hc.blob = xbuf(BLOB_MAX);
	load_keys(sc->flags);
	sc->fn();
	finish(EXIT_LOCAL, "scenario ended without a verdict");
}
