/*
 * mslimits.h — every cap and derived size of the protocol, the monitor <->
 * worker channel and the store key format, defined once.  Section numbers
 * are docs/PROTOCOL.md's; its section 10 table lists the same values and
 * regress/unit/test_protocol_vectors.c checks that they agree.
 *
 * Nothing else may define a limit that these imply: derive it from here.
 * Not called limits.h: common/ is on the include path, and a limits.h
 * there would shadow the C library's <limits.h> (GCC's own limits.h
 * reaches it with #include_next).
 */
#ifndef MS_LIMITS_H
#define MS_LIMITS_H

/* 2. Framing. */
#define MS_FRAME_MAX		(1024u * 1024 + 32u * 1024)

/* 4.1 Hellos. */
#define MS_ALG_LIST_MAX		16	/* algorithm list entries */

/* 4.3 Handshake messages inside records. */
#define MS_CERTS_MAX		8	/* certificates in a chain */
#define MS_CERT_DER_MAX		16384	/* one certificate, DER */
#define MS_CLIENT_IDENTITY_MAX	65536	/* canonical encoding */
#define MS_SIGNATURE_MAX	1024	/* CLIENT_VERIFY: RSA up to 8192 bits */
#define MS_SIG_MAX		64	/* host (Ed25519) signature */
#define MS_PUBKEY_MAX		32

/* Resumption (4.5, 5.5). */
#define MS_TICKET_MAX		8192	/* a sealed ticket */
#define MS_BINDER_LEN		32	/* HMAC-SHA-256 */
#define MS_TICKET_ID_LEN	16
#define MS_TICKET_KEY_ID_LEN	8
#define MS_TICKET_NONCE_LEN	12
#define MS_TICKET_TAG_LEN	16
#define MS_TICKET_HDR_LEN	(1 + MS_TICKET_KEY_ID_LEN + MS_TICKET_NONCE_LEN)
/* The CLIENT_IDENTITY a ticket can carry (the sealed fields take the rest). */
#define MS_TICKET_IDENTITY_MAX	(MS_TICKET_MAX - MS_TICKET_HDR_LEN - \
				    MS_TICKET_TAG_LEN - 128)
#define MS_TICKET_REPLAY_MAX	65536	/* used ticket ids remembered */

/* 6. Record layer. */
#define MS_RECORD_PLAINTEXT_MAX	(1024u * 1024 + 16u * 1024)
#define MS_RECORDS_PER_KEY_MAX	(1ULL << 24)

/* 7. Alerts. */
#define MS_ALERT_MSG_MAX	256

/* 8. Operations. */
#define MS_PATH_MAX		1024
#define MS_PATH_SEGMENT_MAX	255
#define MS_RECORD_NAME_MAX	255
#define MS_VALUE_MAX		1048576		/* plaintext of one record */
#define MS_PRINCIPAL_MAX	64
#define MS_ACL_WHO_MAX		(6 + MS_PRINCIPAL_MAX)	/* "group:" + name */
#define MS_RIGHTS_MAX		5
#define MS_ACL_ENTRIES_MAX	256
#define MS_LIST_MAX		65536
#define MS_HANDLES_MAX		64
#define MS_VERSION_STRING_MAX	64

/* 11. Monitor <-> worker. */
#define MS_CONFIG_VERSION	2	/* first field of the CONFIG frame */
#define MS_CONFIG_PEER_MAX	256	/* HANDOFF peer, "ADDR:PORT" */
#define MS_HANDOFF_FRAME_MAX	(4 + MS_CONFIG_PEER_MAX) /* HANDOFF payload */
#define MS_CONFIG_CHROOT_MAX	4096	/* CONFIG chroot_dir */
#define MS_CONFIG_FRAME_MAX	8192	/* the CONFIG payload: all of the above fit */
/* Each hello frame in DECAP and SIGN: a CLIENT_HELLO may carry a ticket. */
#define MS_HELLO_FRAME_MAX	(512 + 8 + MS_TICKET_MAX + MS_BINDER_LEN)
#define MS_AUTH_TAIL_MAX	163840	/* AUTH transcript_tail */
#define MS_AUTH_CLIENT_VERIFY_MAX (MS_SIGNATURE_MAX + 16) /* AUTH client_verify */
#define MS_LOG_LINE_MAX		2048	/* a worker log line, in bytes */
#define MS_LOG_MSG_MAX		(1 + 4 + MS_LOG_LINE_MAX) /* its frame payload */
/* SERVER_VERIFY and SERVER_FINISHED, canonical, with an Ed25519 signature. */
#define MS_SERVER_VERIFY_LEN	(5 + 2 + 4 + MS_SIG_MAX)
#define MS_SERVER_FINISHED_LEN	(5 + 4 + 32)		/* HMAC-SHA-256 */
/*
 * The largest SERVER_CERTIFICATE (canonical) the monitor may hand out: the
 * AUTH tail must still hold it beside the two server messages and the
 * largest CLIENT_IDENTITY.
 */
#define MS_SERVER_CERT_MSG_MAX	(MS_AUTH_TAIL_MAX - MS_SERVER_VERIFY_LEN - \
				    MS_SERVER_FINISHED_LEN - MS_CLIENT_IDENTITY_MAX)

/* 13. Store key file and check value. */
#define MS_STORE_KEY_LEN	32
#define MS_STORE_KCV_LEN	8

/* metasafed_config: key lines the monitor takes. */
#define MS_HOST_KEYS_MAX	4	/* HostKey: the first signs, the rest are spares */
#define MS_STORE_KEYS_MAX	4	/* StoreKey: the first seals, all unseal */

#endif /* MS_LIMITS_H */
