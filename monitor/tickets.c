/*
 * tickets.c — the monitor's ticket keys, ticket sealing and opening, and
 * the single-use memory (PROTOCOL.md 4.5, 12.6).
 *
 * Ticket: u8 format || u8[8] key_id || u8[12] nonce || AES-256-GCM
 * ciphertext and tag of the claims, the 21 header bytes as AAD.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "buf.h"
#include "crypto.h"
#include "errors.h"
#include "log.h"
#include "mslimits.h"
#include "tickets.h"

#define REPLAY_WAYS	16
#define REPLAY_BUCKETS	(MS_TICKET_REPLAY_MAX / REPLAY_WAYS)

struct tkey {
	u_char		 id[MS_TICKET_KEY_ID_LEN];
	u_char		 key[MS_AEAD_KEY_LEN];
	time_t		 created;
};

struct used {
	u_char		 id[MS_TICKET_ID_LEN];
	time_t		 expires;		/* 0: free */
};

struct ms_tickets {
	uint32_t	 lifetime;
	uint32_t	 rotation;
	size_t		 nkeys;
	struct tkey	 keys[MS_TICKET_KEYS_MAX];	/* [0] seals */
	struct used	 used[REPLAY_BUCKETS][REPLAY_WAYS];
};

static int
key_make(struct tkey *k, time_t now)
{
	int r;

	if ((r = ms_random_bytes(k->id, sizeof(k->id))) != 0 ||
	    (r = ms_random_bytes(k->key, sizeof(k->key))) != 0)
		return r;
	k->created = now;
	return 0;
}

int
ms_tickets_new(uint32_t lifetime, uint32_t rotation, time_t now,
    struct ms_tickets **tp)
{
	struct ms_tickets *t;
	int r;

	*tp = NULL;
	if (lifetime == 0 || rotation == 0)
		return MS_ERR_INVALID_ARGUMENT;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return MS_ERR_ALLOC;
	t->lifetime = lifetime;
	t->rotation = rotation;
	if ((r = key_make(&t->keys[0], now)) != 0) {
		ms_tickets_free(t);
		return r;
	}
	t->nkeys = 1;
	*tp = t;
	return 0;
}

void
ms_tickets_free(struct ms_tickets *t)
{
	if (t != NULL)
		freezero(t, sizeof(*t));
}

uint32_t
ms_tickets_lifetime(const struct ms_tickets *t)
{
	return t->lifetime;
}

/*
 * A key seals for 'rotation' seconds and opens for 'lifetime' more: then
 * its last ticket has expired and it goes.
 */
static void
keys_age(struct ms_tickets *t, time_t now)
{
	while (t->nkeys > 1 && now - t->keys[t->nkeys - 1].created >=
	    (time_t)t->rotation + (time_t)t->lifetime) {
		t->nkeys--;
		explicit_bzero(&t->keys[t->nkeys], sizeof(t->keys[0]));
	}
}

static int
keys_rotate(struct ms_tickets *t, time_t now)
{
	struct tkey fresh;
	int r;

	keys_age(t, now);
	if (now - t->keys[0].created < (time_t)t->rotation)
		return 0;
	if ((r = key_make(&fresh, now)) != 0)
		return r;
	if (t->nkeys == MS_TICKET_KEYS_MAX)
		t->nkeys--;		/* its tickets die: fail closed */
	memmove(&t->keys[1], &t->keys[0], t->nkeys * sizeof(t->keys[0]));
	t->keys[0] = fresh;
	t->nkeys++;
	explicit_bzero(&fresh, sizeof(fresh));
	debug_f("new ticket key; %zu kept", t->nkeys);
	return 0;
}

/* u8 format || key_id || nonce, then the sealed claims. */
static int
seal_with(const u_char key_id[MS_TICKET_KEY_ID_LEN],
    const u_char key[MS_AEAD_KEY_LEN], const u_char nonce[MS_TICKET_NONCE_LEN],
    const struct ms_ticket_claims *c, struct msbuf *out)
{
	struct msbuf *pt = NULL;
	u_char hdr[MS_TICKET_HDR_LEN], *ct;
	int r;

	hdr[0] = MS_TICKET_FORMAT;
	memcpy(hdr + 1, key_id, MS_TICKET_KEY_ID_LEN);
	memcpy(hdr + 1 + MS_TICKET_KEY_ID_LEN, nonce, MS_TICKET_NONCE_LEN);
	if ((pt = msbuf_new(MS_TICKET_MAX)) == NULL)
		return MS_ERR_ALLOC;
	if ((r = ms_ticket_claims_put(pt, c)) != 0 ||
	    (r = msbuf_put(out, hdr, sizeof(hdr))) != 0 ||
	    (r = msbuf_reserve(out, msbuf_len(pt) + MS_AEAD_TAG_LEN,
	    &ct)) != 0 ||
	    (r = ms_aead_seal(MS_AEAD_AES256_GCM, key, nonce, hdr, sizeof(hdr),
	    msbuf_ptr(pt), msbuf_len(pt), ct)) != 0)
		goto out;
	if (msbuf_len(out) > MS_TICKET_MAX)
		r = MS_ERR_INVALID_ARGUMENT;
 out:
	msbuf_free(pt);		/* wipes the claims */
	return r;
}

int
ms_tickets_seal_fixed(const u_char key_id[MS_TICKET_KEY_ID_LEN],
    const u_char key[MS_AEAD_KEY_LEN], const u_char nonce[MS_TICKET_NONCE_LEN],
    const struct ms_ticket_claims *c, struct msbuf *out)
{
	return seal_with(key_id, key, nonce, c, out);
}

int
ms_tickets_seal(struct ms_tickets *t, time_t now, struct ms_ticket_claims *c,
    struct msbuf *out)
{
	u_char nonce[MS_TICKET_NONCE_LEN];
	int r;

	if ((r = keys_rotate(t, now)) != 0 ||
	    (r = ms_random_bytes(c->id, sizeof(c->id))) != 0 ||
	    (r = ms_random_bytes(nonce, sizeof(nonce))) != 0)
		return r;
	c->issued = (uint64_t)now;
	c->lifetime = t->lifetime;
	return seal_with(t->keys[0].id, t->keys[0].key, nonce, c, out);
}

static const struct tkey *
key_find(const struct ms_tickets *t, const u_char *id)
{
	size_t i;

	for (i = 0; i < t->nkeys; i++) {
		if (memcmp(t->keys[i].id, id, MS_TICKET_KEY_ID_LEN) == 0)
			return &t->keys[i];
	}
	return NULL;
}

int
ms_tickets_open(struct ms_tickets *t, time_t now, const u_char *ticket,
    size_t len, u_char *plain, struct ms_ticket_claims *c, const char **whyp)
{
	const struct tkey *k;
	struct msbuf *b = NULL;
	const u_char *base;
	size_t ptlen;
	int r;

	memset(c, 0, sizeof(*c));
	keys_age(t, now);
	*whyp = "malformed ticket";
	if (len < MS_TICKET_HDR_LEN + MS_AEAD_TAG_LEN || len > MS_TICKET_MAX ||
	    ticket[0] != MS_TICKET_FORMAT)
		return MS_ERR_MAC_INVALID;
	*whyp = "ticket key unknown (another daemon, a restart, or expired)";
	if ((k = key_find(t, ticket + 1)) == NULL)
		return MS_ERR_MAC_INVALID;
	*whyp = "ticket does not open";
	ptlen = len - MS_TICKET_HDR_LEN - MS_AEAD_TAG_LEN;
	if (ms_aead_open(MS_AEAD_AES256_GCM, k->key,
	    ticket + 1 + MS_TICKET_KEY_ID_LEN, ticket, MS_TICKET_HDR_LEN,
	    ticket + MS_TICKET_HDR_LEN, len - MS_TICKET_HDR_LEN, plain) != 0)
		return MS_ERR_MAC_INVALID;
	/* Sealed by us: a layout error is our bug, still refused. */
	*whyp = "ticket claims malformed";
	if ((b = msbuf_from(plain, ptlen)) == NULL)
		return MS_ERR_ALLOC;
	base = msbuf_ptr(b);
	/* The view must point into plain, which outlives b. */
	if ((r = ms_ticket_claims_get(b, c)) == 0)
		c->identity = plain + (c->identity - base);
	msbuf_free(b);
	if (r != 0) {
		memset(c, 0, sizeof(*c));
		return MS_ERR_MAC_INVALID;
	}
	*whyp = "ticket expired";
	if ((uint64_t)now < c->issued ||
	    (uint64_t)now - c->issued >= c->lifetime)
		return MS_ERR_MAC_INVALID;
	*whyp = NULL;
	return 0;
}

/* A bucket from the id: ids are random, their first bytes will do. */
static struct used *
bucket(struct ms_tickets *t, const u_char *id)
{
	uint16_t h = 0;

	(void)ms_peek_u16(id, MS_TICKET_ID_LEN, 0, &h);
	return t->used[h % REPLAY_BUCKETS];
}

int
ms_tickets_spend(struct ms_tickets *t, time_t now,
    const struct ms_ticket_claims *c, const char **whyp)
{
	struct used *u = bucket(t, c->id), *freep = NULL;
	size_t i;

	for (i = 0; i < REPLAY_WAYS; i++) {
		if (u[i].expires <= now) {
			if (freep == NULL)
				freep = &u[i];
			continue;
		}
		if (memcmp(u[i].id, c->id, sizeof(c->id)) == 0) {
			*whyp = "ticket already used";
			return MS_ERR_LIMIT;
		}
	}
	if (freep == NULL) {
		*whyp = "too many tickets in use: replay memory full";
		return MS_ERR_LIMIT;
	}
	memcpy(freep->id, c->id, sizeof(c->id));
	freep->expires = (time_t)(c->issued + c->lifetime) + 1;
	*whyp = NULL;
	return 0;
}
