/*
 * hs_order.h — the order of the handshake (PROTOCOL.md 3, 4.3), declared
 * once as a table: which message comes next, which side sends it, under
 * which keys it travels, whether it enters the transcript (5.1) or the
 * AUTH transcript_tail (11), whether it may be left out, and the largest
 * body its receiver takes.
 *
 * The worker and the client each walk the table with ms_hs_walk(): the
 * next row says whether to send or to receive, a row under other keys
 * than the last is where the keys switch, each message enters the
 * transcript (and the AUTH tail) as its row says, and a received message
 * that is not the next one (out of order, repeated, from the wrong side,
 * under the wrong keys or too large) is refused here, before anything
 * parses it.  What each message means stays with its codec (hello.h,
 * msg_auth.h, msg_certs.h) and with the side that acts on it, through
 * the callbacks of struct ms_hs_ops.
 */
#ifndef MS_HS_ORDER_H
#define MS_HS_ORDER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "crypto.h"
#include "schedule.h"

/* The handshake's messages, in the order of PROTOCOL.md 3. */
enum ms_hs_msg_id {
	MS_HS_CLIENT_HELLO = 0,
	MS_HS_SERVER_HELLO,
	MS_HS_SERVER_CERTIFICATE,
	MS_HS_SERVER_VERIFY,
	MS_HS_SERVER_FINISHED,
	MS_HS_CLIENT_IDENTITY,
	MS_HS_CLIENT_VERIFY,
	MS_HS_RESUME_VERIFY,
	MS_HS_CLIENT_FINISHED,
	MS_HS_NEW_TICKET,
	MS_HS_AUTH_RESULT,
	MS_HS_NMSGS
};

enum ms_hs_side {
	MS_HS_CLIENT = 0,
	MS_HS_SERVER
};

/* The keys a message travels under (5.3); they only move forward. */
enum ms_hs_epoch {
	MS_HS_CLEAR = 0,	/* a cleartext frame: type is the frame type */
	MS_HS_KEYS_HS,		/* a RECORD under c_hs / s_hs: inner type */
	MS_HS_KEYS_AP		/* a RECORD under c_ap / s_ap: inner type */
};

#define MS_HSF_TRANSCRIPT	0x01	/* its canonical encoding enters TH */
#define MS_HSF_AUTH_TAIL	0x02	/* and AUTH's transcript_tail (11) */
#define MS_HSF_OPTIONAL		0x04	/* may be left out: the next row is due */
#define MS_HSF_FULL		0x08	/* only in a full handshake */
#define MS_HSF_RESUMED		0x10	/* only in a resumed one (4.5) */

struct ms_hs_msg {
	enum ms_hs_msg_id	 id;
	uint8_t			 type;	/* frame type or inner type, by epoch */
	const char		*name;
	enum ms_hs_side		 from;
	enum ms_hs_epoch	 epoch;
	unsigned int		 flags;	/* MS_HSF_* */
	size_t			 max;	/* largest body (payload) received */
};

/* A walk through the table by one side. */
struct ms_hs_order {
	enum ms_hs_side		 side;
	enum ms_hs_msg_id	 next;	/* MS_HS_NMSGS: the handshake is over */
	enum ms_hs_epoch	 epoch;	/* the keys in use, both directions */
	int			 resume; /* CLIENT_HELLO offered a ticket */
};

/* Why a message is refused (0: it is the next one, and the cursor moved). */
#define MS_HS_OUT_OF_ORDER	1	/* the peer's, but not due now */
#define MS_HS_WRONG_SIDE	2	/* a message only this side sends */
#define MS_HS_WRONG_KEYS	3	/* due now, but under other keys */
#define MS_HS_OVERSIZED		4	/* due now, body above the row's max */
#define MS_HS_NOT_HANDSHAKE	5	/* no handshake message of that type */
#define MS_HS_COMPLETE		6	/* nothing is due: the handshake is over */

/* The row of a message; NULL for an id out of range. */
const struct ms_hs_msg *ms_hs_msg(enum ms_hs_msg_id id);

void	ms_hs_order_init(struct ms_hs_order *o, enum ms_hs_side side);
/* The next row, or NULL once the handshake is over. */
const struct ms_hs_msg *ms_hs_order_next(const struct ms_hs_order *o);
int	ms_hs_order_done(const struct ms_hs_order *o);

/*
 * CLIENT_HELLO offered a ticket: from here the walk takes the resumed
 * rows and not the full ones.  Only while CLIENT_HELLO is built or just
 * taken (MS_ERR_INTERNAL otherwise).
 */
int	ms_hs_order_resume(struct ms_hs_order *o);

/*
 * The caller has installed the keys for 'epoch': allowed only where the
 * next row needs them and they are newer than those in use
 * (MS_ERR_INTERNAL otherwise, the cursor unchanged).
 */
int	ms_hs_order_keys(struct ms_hs_order *o, enum ms_hs_epoch epoch);

/*
 * This side sends the next row's message (MS_HS_WRONG_SIDE when the next
 * row is the peer's, MS_HS_OUT_OF_ORDER for another type, MS_HS_WRONG_KEYS
 * when its keys are not installed) or leaves out the next row, which must
 * be its own and optional.  On success the cursor moves past it.
 */
int	ms_hs_order_send(struct ms_hs_order *o, enum ms_hs_msg_id id);
int	ms_hs_order_skip(struct ms_hs_order *o);

/*
 * A message of 'type' with a body of 'len' bytes arrived under 'epoch'
 * (MS_HS_CLEAR for a cleartext frame, else the keys in use).  It must be
 * the next row, or a later one that only optional rows stand before; then
 * *mp is its row and the cursor moves past it.  Otherwise one of the
 * reasons above, and the cursor stays.
 */
int	ms_hs_order_recv(struct ms_hs_order *o, enum ms_hs_epoch epoch,
	    uint8_t type, size_t len, const struct ms_hs_msg **mp);

/*
 * What is due from the peer, for a message: "SERVER_VERIFY", or with the
 * optional rows before it "SERVER_CERTIFICATE or SERVER_VERIFY".
 */
void	ms_hs_order_expected(const struct ms_hs_order *o, char *buf,
	    size_t len);
const char *ms_hs_verdict_str(int verdict);

/* A build callback's answer for an optional message it leaves out. */
#define MS_HS_LEFT_OUT		1

/*
 * One side's part in a walk.  Each callback returns 0 or the error that
 * ends the walk (after telling the peer, where it can).  th is TH of
 * every message so far (5.1): for keys, up to the switch point (TH_SH,
 * TH_CF); for build and take, of what came before the message.
 */
struct ms_hs_ops {
	/* Install the keys of 'epoch' in both directions. */
	int	(*keys)(void *arg, enum ms_hs_epoch epoch,
		    const u_char th[MS_SHA256_LEN]);
	/* The body of a message this side sends, or MS_HS_LEFT_OUT. */
	int	(*build)(void *arg, const struct ms_hs_msg *m,
		    const u_char th[MS_SHA256_LEN], struct msbuf *body);
	/* Put it on the wire: a frame in clear, else a record. */
	int	(*send)(void *arg, const struct ms_hs_msg *m,
		    const struct msbuf *body);
	/* The peer's next message: a frame in clear, else a record. */
	int	(*read)(void *arg, enum ms_hs_epoch epoch, uint8_t *typep,
		    struct msbuf **bodyp);
	/* A message the order refuses (verdict MS_HS_*); o is unmoved. */
	int	(*refuse)(void *arg, const struct ms_hs_order *o, uint8_t type,
		    int verdict);
	/* Check and act on a received body; it may consume it. */
	int	(*take)(void *arg, const struct ms_hs_msg *m,
		    const u_char th[MS_SHA256_LEN], struct msbuf *body);
	/* The walk's own failure (transcript, tail, a callback misused). */
	int	(*fail)(void *arg, int r, const char *what);
};

struct ms_hs_walk {
	struct ms_hs_order	*order;
	struct ms_transcript	*t;
	struct msbuf		*tail;	/* NULL, or gets AUTH's transcript_tail */
	struct msbuf		*out;	/* for the bodies this side builds */
	const struct ms_hs_ops	*ops;
	void			*arg;
};

/*
 * Walk from where the cursor stands up to the row 'stop' (MS_HS_NMSGS:
 * to the end).  0 once there; else the first callback's error.
 */
int	ms_hs_walk(const struct ms_hs_walk *wk, enum ms_hs_msg_id stop);

#endif /* MS_HS_ORDER_H */
