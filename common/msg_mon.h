/*
 * msg_mon.h — the monitor <-> worker requests and answers (PROTOCOL.md
 * 11), each laid out once: the worker puts requests and parses answers,
 * the monitor parses requests and puts answers.  The frame type is the
 * request type (MS_MON_*); HELLO and STATUS requests are empty.
 *
 *   HELLO    -> u8[32] server_random, string host_kex_pub (32),
 *               string host_sig_pub (32), string server_certificate
 *   DECAP    string client_hello_frame, string server_hello_frame
 *            -> string static (32)
 *   SIGN     the same, string server_certificate -> string signature (64)
 *   AUTH     string transcript_tail, string client_verify, u8 finished_ok
 *            -> u32 status, name principal
 *   OPEN     name path, u8 access -> u32 status
 *   GET      name path, name record -> u32 status [, u8 flags,
 *            u64 version, u64 mtime, string value]
 *   SET      name path, name record, u8 flags, string value
 *            -> u32 status [, u64 version]
 *   DELETE   name path, name record -> u32 status
 *   LIST     name path [, u8 list_flags [, cursor]] -> u32 status
 *            [, list result [, u8 more]]
 *   GETACL   name path -> u32 status [, ACL result]
 *   SETACL   name path, u8 inherit, u8 sensitive, u32 n,
 *            n * (name who, name rights) -> u32 status
 *   STATUS   -> u32 status [, name principal, name server_version,
 *            u64 used_bytes, u64 max_bytes, u64 nodes, u64 records]
 *
 * The bracketed parts follow only status OK.  The parsers check structure
 * only: caps, flag ranges, a status that exists.  Names, rights and values
 * are the client's and the monitor's handlers judge them; whether hellos,
 * signatures and keys are the monitor's own is judged there too.  The
 * LIST and GETACL results are the operation results' (section 8), and
 * only their status head is here.
 *
 * An answer parser takes a whole body: nothing may follow.  A request
 * parser reads its fields and leaves what follows them in b, for the
 * monitor's dispatcher (mon_dispatch.c), which refuses any byte left over
 * before a handler acts and logs how many there were.
 */
#ifndef MS_MSG_MON_H
#define MS_MSG_MON_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "msg_list.h"
#include "crypto.h"
#include "hello.h"
#include "mslimits.h"
#include "proto.h"

/* HELLO answer; cert is a view into the parsed buffer (may be empty). */
struct ms_mon_hello {
	u_char		 server_random[MS_RANDOM_LEN];
	u_char		 host_kex_pub[MS_PUBKEY_MAX];
	u_char		 host_sig_pub[MS_PUBKEY_MAX];
	const u_char	*cert;
	size_t		 cert_len;
};

/* DECAP and SIGN requests: views, and the hellos parsed (hello.h). */
struct ms_mon_hellos {
	const u_char		*ch_frame, *sh_frame;
	size_t			 ch_len, sh_len;
	struct ms_client_hello	 ch;
	struct ms_server_hello	 sh;
	const u_char		*cert;		/* SIGN: server_certificate */
	size_t			 cert_len;
};

/* AUTH request: views. */
struct ms_mon_auth {
	const u_char	*tail;		/* a run of whole canonical messages */
	size_t		 tail_len;
	const u_char	*cv;		/* CLIENT_VERIFY body: the client's */
	size_t		 cv_len;
	uint8_t		 finished_ok;	/* 0 or 1 */
};

struct ms_mon_acl_change {		/* one SETACL entry, as sent */
	char	who[MS_ACL_WHO_MAX + 1];
	char	rights[MS_RIGHTS_MAX + 1];
};

/* OPEN .. SETACL requests: owned strings, freed by ms_mon_data_clear. */
struct ms_mon_data {
	char				*path;
	char				*record;
	uint8_t				 access;	/* OPEN */
	uint8_t				 flags;		/* SET */
	u_char				*value;		/* SET: wiped */
	size_t				 value_len;
	uint8_t				 list_flags;	/* LIST */
	struct ms_list_cursor		 cursor;	/* LIST, PAGED */
	uint8_t				 inherit;	/* SETACL */
	uint8_t				 sensitive;
	uint32_t			 nchanges;
	struct ms_mon_acl_change	*changes;
};

/* GET answer after status OK; value is owned (plaintext: freezero). */
struct ms_mon_value {
	uint8_t		 flags;
	uint64_t	 version;
	uint64_t	 mtime;
	u_char		*value;
	size_t		 len;
};

/* STATUS answer after status OK; strings owned. */
struct ms_mon_status {
	char		*principal;
	char		*version;
	uint64_t	 usage[4];	/* used, max bytes; nodes, records */
};

/* HELLO */
int	ms_mon_hello_answer_put(struct msbuf *b, const struct ms_mon_hello *h);
/* A non-empty certificate must be a canonical SERVER_CERTIFICATE. */
int	ms_mon_hello_answer_parse(struct msbuf *b, struct ms_mon_hello *h);

/* DECAP, SIGN; the frames at most MS_HELLO_FRAME_MAX each. */
int	ms_mon_decap_put(struct msbuf *b, const struct msbuf *ch_frame,
	    const struct msbuf *sh_frame);
int	ms_mon_decap_parse(struct msbuf *b, struct ms_mon_hellos *h);
int	ms_mon_decap_answer_put(struct msbuf *b,
	    const u_char static_secret[MS_SHA256_LEN]);
/* static_secret is wiped on failure. */
int	ms_mon_decap_answer_parse(struct msbuf *b,
	    u_char static_secret[MS_SHA256_LEN]);
int	ms_mon_sign_put(struct msbuf *b, const struct msbuf *ch_frame,
	    const struct msbuf *sh_frame, const struct msbuf *server_cert);
int	ms_mon_sign_parse(struct msbuf *b, struct ms_mon_hellos *h);
int	ms_mon_sign_answer_put(struct msbuf *b, const u_char sig[MS_SIG_MAX]);
int	ms_mon_sign_answer_parse(struct msbuf *b, u_char sig[MS_SIG_MAX]);

/* AUTH */
int	ms_mon_auth_put(struct msbuf *b, const struct msbuf *tail,
	    const struct msbuf *client_verify, int finished_ok);
int	ms_mon_auth_parse(struct msbuf *b, struct ms_mon_auth *a);
int	ms_mon_auth_answer_put(struct msbuf *b, uint32_t status,
	    const char *principal);
/* Status OK comes with a principal; any other with none to use. */
int	ms_mon_auth_answer_parse(struct msbuf *b, uint32_t *statusp,
	    char principal[MS_PRINCIPAL_MAX + 1]);

/*
 * Each run of whole canonical messages (u32 length || length bytes) in
 * [run, run + len): cb for each, in order; 0, cb's error, or
 * MS_ERR_INVALID_FORMAT when the run does not end on a message boundary.
 */
int	ms_canonical_run_walk(const u_char *run, size_t len,
	    int (*cb)(void *arg, const u_char *msg, size_t msglen), void *arg);

/* Data requests. */
int	ms_mon_open_put(struct msbuf *b, const char *path, uint8_t access);
int	ms_mon_open_parse(struct msbuf *b, struct ms_mon_data *d);
int	ms_mon_get_put(struct msbuf *b, const char *path, const char *record);
int	ms_mon_get_parse(struct msbuf *b, struct ms_mon_data *d);
int	ms_mon_set_put(struct msbuf *b, const char *path, const char *record,
	    uint8_t flags, const u_char *value, size_t len);
int	ms_mon_set_parse(struct msbuf *b, struct ms_mon_data *d);
/* record "" deletes the node. */
int	ms_mon_delete_put(struct msbuf *b, const char *path,
	    const char *record);
int	ms_mon_delete_parse(struct msbuf *b, struct ms_mon_data *d);
int	ms_mon_list_put(struct msbuf *b, const char *path, uint8_t list_flags,
	    const struct ms_list_cursor *cursor);
/* list_flags may be absent (0); only MS_LIST_FLAGS_MASK bits. */
int	ms_mon_list_parse(struct msbuf *b, struct ms_mon_data *d);
int	ms_mon_getacl_put(struct msbuf *b, const char *path);
int	ms_mon_getacl_parse(struct msbuf *b, struct ms_mon_data *d);
/* entries: n encoded (name who, name rights) pairs, appended as they are. */
int	ms_mon_setacl_put(struct msbuf *b, const char *path, uint8_t inherit,
	    uint8_t sensitive, uint32_t n, const struct msbuf *entries);
int	ms_mon_setacl_parse(struct msbuf *b, struct ms_mon_data *d);
void	ms_mon_data_clear(struct ms_mon_data *d);

/* Data answers.  The u32 status that heads each (at most MS_ST_MAX). */
int	ms_mon_status_put(struct msbuf *b, uint32_t status);
int	ms_mon_status_get(struct msbuf *b, uint32_t *statusp);
/* OPEN, DELETE, SETACL: the status alone. */
int	ms_mon_status_parse(struct msbuf *b, uint32_t *statusp);
/* GET, SET, STATUS: v (version, s) is put and set only for status OK. */
int	ms_mon_get_answer_put(struct msbuf *b, uint32_t status,
	    const struct ms_mon_value *v);
int	ms_mon_get_answer_parse(struct msbuf *b, uint32_t *statusp,
	    struct ms_mon_value *v);
void	ms_mon_value_clear(struct ms_mon_value *v);
int	ms_mon_set_answer_put(struct msbuf *b, uint32_t status,
	    uint64_t version);
int	ms_mon_set_answer_parse(struct msbuf *b, uint32_t *statusp,
	    uint64_t *versionp);
int	ms_mon_status_answer_put(struct msbuf *b, uint32_t status,
	    const char *principal, const char *version,
	    const uint64_t usage[4]);
int	ms_mon_status_answer_parse(struct msbuf *b, uint32_t *statusp,
	    struct ms_mon_status *s);
void	ms_mon_status_clear(struct ms_mon_status *s);

#endif /* MS_MSG_MON_H */
