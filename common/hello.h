/*
 * hello.h — CLIENT_HELLO / SERVER_HELLO encoding and strict parsing
 * (PROTOCOL.md 4.1, 4.2).  One parser serves the client, the worker and the
 * monitor, so all three agree on what a hello means.
 */
#ifndef MS_HELLO_H
#define MS_HELLO_H

#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "mslimits.h"
#include "proto.h"

struct ms_alg_list {
	uint8_t		n;
	uint16_t	ids[MS_ALG_LIST_MAX];
};

struct ms_client_hello {
	uint16_t		version;
	u_char			random[MS_RANDOM_LEN];
	struct ms_alg_list	ciphers;
	struct ms_alg_list	kex;
	struct ms_alg_list	sigs;
	u_char			share[32];
	/*
	 * The resumption fields (4.5): present or not; a ticket of 0 bytes
	 * asks for one, a longer one resumes and then has a binder.
	 */
	int			resume;
	size_t			ticket_len;
	u_char			ticket[MS_TICKET_MAX];
	u_char			binder[MS_BINDER_LEN];
};

struct ms_server_hello {
	uint16_t	version;
	u_char		random[MS_RANDOM_LEN];
	uint16_t	cipher;
	uint16_t	kex;
	uint16_t	sig;
	u_char		share[32];
	u_char		host_kex_pub[32];
	u_char		host_sig_pub[32];
};

/* Append the hello *payload* (no frame header) to b. */
int	ms_client_hello_put(struct msbuf *b, const struct ms_client_hello *ch);
int	ms_server_hello_put(struct msbuf *b, const struct ms_server_hello *sh);
/*
 * Parse a payload; the whole buffer must be consumed (trailing bytes are
 * MS_ERR_INVALID_FORMAT).  A version other than MS_PROTO_VERSION parses
 * (so the caller can answer VERSION_MISMATCH); callers check ->version.
 */
int	ms_client_hello_parse(struct msbuf *b, struct ms_client_hello *ch);
int	ms_server_hello_parse(struct msbuf *b, struct ms_server_hello *sh);

/*
 * A CLIENT_HELLO payload as the server takes it (4.1): parsed into *ch, or
 * refused with the alert its sender is owed in *statusp and a short text
 * for it in *whyp: VERSION_MISMATCH for any other version whatever
 * follows, HANDSHAKE_FAILED for a client_share of another length than 32,
 * PROTOCOL_ERROR for anything else that does not parse exactly.  The
 * payload itself is left as it is.
 */
int	ms_client_hello_check(const struct msbuf *payload,
	    struct ms_client_hello *ch, uint32_t *statusp, const char **whyp);

/* Parse a full canonical frame (u32 len || u8 type || payload) of a hello. */
int	ms_client_hello_parse_frame(const u_char *frame, size_t len,
	    struct ms_client_hello *ch);
int	ms_server_hello_parse_frame(const u_char *frame, size_t len,
	    struct ms_server_hello *sh);

/*
 * A resuming CLIENT_HELLO frame (header included): how many of its bytes
 * the binder covers, all but the binder string (4.5).
 */
int	ms_client_hello_binder_span(const u_char *frame, size_t len,
	    const struct ms_client_hello *ch, size_t *spanp);

/*
 * An algorithm list, u8 n (1..MS_ALG_LIST_MAX) || u16 ids[n], as the
 * hellos and the CONFIG frame (msg_config.h) carry it.  Get consumes one
 * list from b; what the ids mean is the caller's to judge.
 */
int	ms_alg_list_put(struct msbuf *b, const struct ms_alg_list *l);
int	ms_alg_list_get(struct msbuf *b, struct ms_alg_list *l);

/*
 * Server-preference negotiation: the first id in 'server_pref' that also
 * appears in 'offered'; 0 when none.
 */
uint16_t ms_alg_negotiate(const struct ms_alg_list *server_pref,
	    const struct ms_alg_list *offered);
int	ms_alg_list_contains(const struct ms_alg_list *l, uint16_t id);

#endif /* MS_HELLO_H */
