/*
 * proto.h — wire constants of the metasafe protocol (docs/PROTOCOL.md).
 * The document is normative; section numbers are given for each group.
 */
#ifndef MS_PROTO_H
#define MS_PROTO_H

#include "mslimits.h"

#define MS_PROTO_VERSION	0x0001
/* The STATUS answer names the server as ms_server_version() (version.h). */

/* 2. Frame types on the network. */
#define MS_FRAME_CLIENT_HELLO	0x01
#define MS_FRAME_SERVER_HELLO	0x02
#define MS_FRAME_ALERT		0x15
#define MS_FRAME_RECORD		0x17

/* 4.1 Algorithm identifiers. */
#define MS_CIPHER_AES256_GCM		0x0001
#define MS_CIPHER_CHACHA20_POLY1305	0x0002
#define MS_KEX_X25519_HYBRID		0x0001
#define MS_SIG_ED25519			0x0001

#define MS_RANDOM_LEN		32

/* 4.3 / 6 Inner types (first byte of a record plaintext). */
#define MS_MSG_SERVER_CERTIFICATE	0x04
#define MS_MSG_SERVER_VERIFY	0x05
#define MS_MSG_SERVER_FINISHED	0x06
#define MS_MSG_CLIENT_IDENTITY	0x07
#define MS_MSG_CLIENT_VERIFY	0x08
#define MS_MSG_CLIENT_FINISHED	0x09
#define MS_MSG_AUTH_RESULT	0x0A
#define MS_MSG_NEW_TICKET	0x0B
#define MS_MSG_RESUME_VERIFY	0x0C
#define MS_MSG_ALERT		0x15
#define MS_MSG_OPEN		0x20
#define MS_MSG_GET		0x21
#define MS_MSG_SET		0x22
#define MS_MSG_DELETE		0x23
#define MS_MSG_LIST		0x24
#define MS_MSG_GETACL		0x25
#define MS_MSG_SETACL		0x26
#define MS_MSG_CLOSE		0x27
#define MS_MSG_STATUS		0x28
#define MS_MSG_RESPONSE		0x40

#define MS_ID_RAW_ED25519	1
#define MS_ID_X509_CHAIN	2
#define MS_ID_PEER_CREDENTIALS	3	/* no key: the kernel's word (unix:) */
#define MS_SIG_NONE		0	/* CLIENT_VERIFY of id_type 3 */

/* 7. Status codes (responses and alerts). */
#define MS_ST_OK		0
#define MS_ST_ACCESS_DENIED	1
#define MS_ST_PATH_NOT_FOUND	2
#define MS_ST_RECORD_NOT_FOUND	3
#define MS_ST_BAD_HANDLE	4
#define MS_ST_PATH_BUSY		5
#define MS_ST_INVALID_ARGUMENT	6
#define MS_ST_PROTOCOL_ERROR	7
#define MS_ST_INTERNAL_ERROR	8
#define MS_ST_AUTH_FAILED	9
#define MS_ST_VERSION_MISMATCH	10
#define MS_ST_NO_COMMON_SUITE	11
#define MS_ST_HANDSHAKE_FAILED	12
#define MS_ST_TIMEOUT		13
#define MS_ST_LIMIT_REACHED	14
#define MS_ST_SHUTTING_DOWN	15
#define MS_ST_STORE_FULL	16	/* StoreMaxSize or disk full; nothing written */
#define MS_ST_STORE_UNAVAILABLE	17	/* store not writable; nothing written */
#define MS_ST_MAX		17

/* STATUS request: optional u8 detail (absent = MS_STATUS_BASIC). */
#define MS_STATUS_BASIC		0
#define MS_STATUS_USAGE		1	/* + store usage fields */

const char *ms_status_str(unsigned int status);

/* 8. Operation fields. */
#define MS_ACCESS_READ		0x01
#define MS_ACCESS_WRITE		0x02
#define MS_REC_SECURE		0x01
#define MS_REC_INHERIT		0x02
#define MS_REC_FLAGS_MASK	0x03
#define MS_NODE_NOINHERIT	0x01
#define MS_NODE_SENSITIVE	0x02
#define MS_NODE_FLAGS_MASK	0x03
#define MS_SETACL_BREAK		0
#define MS_SETACL_INHERIT	1
#define MS_SETACL_UNCHANGED	2
#define MS_SENSITIVE_CLEAR	0
#define MS_SENSITIVE_SET	1
#define MS_SENSITIVE_UNCHANGED	2

/* 10. Limits: mslimits.h. */
/* LIST request flags (optional u8 after the handle; PROTOCOL.md 8). */
#define MS_LIST_LONG		0x01	/* records carry u64 version, u64 mtime */
#define MS_LIST_PAGED		0x02	/* a cursor follows; result ends in u8 more */
#define MS_LIST_FLAGS_MASK	0x03
/* LIST cursor kinds: where a page starts. */
#define MS_LIST_FROM_START	0
#define MS_LIST_AFTER_CHILD	1	/* after the child named */
#define MS_LIST_AFTER_RECORD	2	/* after the record named (no children) */

/* 11. Monitor <-> worker. */
#define MS_MON_HELLO		0x40
#define MS_MON_DECAP		0x41
#define MS_MON_SIGN		0x42
#define MS_MON_AUTH		0x43
#define MS_MON_RESUME		0x44
#define MS_MON_TICKET		0x45
#define MS_MON_OPEN		0x50
#define MS_MON_GET		0x51
#define MS_MON_SET		0x52
#define MS_MON_DELETE		0x53
#define MS_MON_LIST		0x54
#define MS_MON_GETACL		0x55
#define MS_MON_SETACL		0x56
#define MS_MON_STATUS		0x58
#define MS_MON_CONFIG		0x3F
#define MS_MON_READY		0x3E	/* worker: sandboxed, send a client */
#define MS_MON_HANDOFF		0x3D	/* monitor: the client, SCM_RIGHTS */
#define MS_LOG_FRAME		0x01

/* Free in a new worker: the HANDOFF's descriptor normally lands here. */
#define MS_WORKER_CLIENT_FD	3
#define MS_WORKER_MONITOR_FD	4
#define MS_WORKER_LOG_FD	5

#endif /* MS_PROTO_H */
