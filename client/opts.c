/*
 * opts.c — connection options (ssh-style "-o Keyword=value"), default
 * file locations, cipher lists and the command-line ACL entry syntax.
 */
#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "crypto.h"
#include "errors.h"
#include "hello.h"
#include "metasafe.h"
#include "msclient.h"
#include "names.h"
#include "proto.h"
#include "record.h"
#include "sigalg.h"

#define CL_CONNECT_TIMEOUT_MAX	86400	/* seconds */

void
metasafe_opts_init(struct metasafe_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->strict_host_key_checking = METASAFE_HOSTKEY_STRICT;
	o->timeout_ms = METASAFE_DEFAULT_TIMEOUT_MS;
}

const char *
cl_cipher_name(uint16_t id)
{
	int alg;

	if ((alg = ms_cipher_to_aead(id)) < 0)
		return NULL;
	return ms_aead_name((enum ms_aead)alg);
}

const char *
cl_kex_name(uint16_t id)
{
	return id == MS_KEX_X25519_HYBRID ? "x25519-hybrid" : NULL;
}

static uint16_t
cipher_from_name(const char *name)
{
	int alg;

	if ((alg = ms_aead_from_name(name)) < 0)
		return 0;
	return ms_aead_to_cipher((enum ms_aead)alg);
}

static uint16_t
kex_from_name(const char *name)
{
	return strcmp(name, "x25519-hybrid") == 0 ? MS_KEX_X25519_HYBRID : 0;
}

/*
 * Comma-separated algorithm names in preference order.  Unknown names are
 * an error (a typo must not silently weaken the offer); duplicates
 * collapse.
 */
static int
parse_list(const char *list, uint16_t (*from_name)(const char *),
    struct ms_alg_list *out)
{
	char name[64];
	const char *p, *end;
	size_t len;
	uint16_t id;

	memset(out, 0, sizeof(*out));
	for (p = list; ; p = end + 1) {
		if ((end = strchr(p, ',')) == NULL)
			end = p + strlen(p);
		len = (size_t)(end - p);
		if (len == 0 || len >= sizeof(name))
			return METASAFE_ERR_USAGE;
		memcpy(name, p, len);
		name[len] = '\0';
		if ((id = from_name(name)) == 0)
			return METASAFE_ERR_USAGE;
		if (!ms_alg_list_contains(out, id)) {
			if (out->n >= MS_ALG_LIST_MAX)
				return METASAFE_ERR_USAGE;
			out->ids[out->n++] = id;
		}
		if (*end == '\0')
			break;
	}
	return out->n == 0 ? METASAFE_ERR_USAGE : 0;
}

int
cl_parse_ciphers(const char *list, struct ms_alg_list *out)
{
	return parse_list(list != NULL ? list : METASAFE_DEFAULT_CIPHERS,
	    cipher_from_name, out);
}

int
cl_parse_kex(const char *list, struct ms_alg_list *out)
{
	return parse_list(list != NULL ? list : METASAFE_DEFAULT_KEX,
	    kex_from_name, out);
}

int
cl_parse_sigs(const char *list, struct ms_alg_list *out)
{
	return parse_list(list != NULL ? list :
	    METASAFE_DEFAULT_SIGNATURE_ALGORITHMS, ms_sigalg_from_name, out);
}

void
cl_alg_list_names(const struct ms_alg_list *l, const char *(*name)(uint16_t),
    char *out, size_t outlen)
{
	char hex[8];
	const char *n;
	size_t i;

	if (outlen == 0)
		return;
	out[0] = '\0';
	for (i = 0; i < l->n; i++) {
		if ((n = name(l->ids[i])) == NULL) {
			snprintf(hex, sizeof(hex), "0x%04x", l->ids[i]);
			n = hex;
		}
		if (i > 0)
			strlcat(out, ",", outlen);
		strlcat(out, n, outlen);
	}
}

int
cl_home_path(const char *rel, char **pathp)
{
	const char *home;
	struct passwd *pw;

	*pathp = NULL;
	if ((home = getenv("HOME")) == NULL || *home == '\0') {
		if ((pw = getpwuid(getuid())) == NULL || pw->pw_dir == NULL)
			return METASAFE_ERR_SYSTEM;
		home = pw->pw_dir;
	}
	if (asprintf(pathp, "%s/%s", home, rel) == -1) {
		*pathp = NULL;
		return METASAFE_ERR_NOMEM;
	}
	return 0;
}

static int
parse_strict(const char *v)
{
	if (strcasecmp(v, "yes") == 0)
		return METASAFE_HOSTKEY_STRICT;
	if (strcasecmp(v, "accept-new") == 0)
		return METASAFE_HOSTKEY_ACCEPT_NEW;
	if (strcasecmp(v, "no") == 0)
		return METASAFE_HOSTKEY_NO;
	return -1;
}

int
metasafe_opts_set(struct metasafe_opts *o, const char *kv)
{
	struct ms_alg_list l;
	const char *val, *errstr = NULL;
	size_t klen;
	long long secs;
	int v;

	if (o == NULL || kv == NULL)
		return METASAFE_ERR_USAGE;
	klen = strcspn(kv, "= \t");
	if (klen == 0 || kv[klen] == '\0')
		return METASAFE_ERR_USAGE;
	val = kv + klen;
	val += strspn(val, " \t");
	if (*val == '=')
		val++;
	val += strspn(val, " \t");
	if (*val == '\0')
		return METASAFE_ERR_USAGE;

#define KEY_IS(s) (klen == sizeof(s) - 1 && strncasecmp(kv, s, klen) == 0)
	if (KEY_IS("HostName"))
		o->host = val;
	else if (KEY_IS("Port")) {
		(void)strtonum(val, 1, 65535, &errstr);
		if (errstr != NULL)
			return METASAFE_ERR_USAGE;
		o->port = val;
	} else if (KEY_IS("IdentityFile"))
		o->identity_file = val;
	else if (KEY_IS("KnownHostsFile") || KEY_IS("UserKnownHostsFile"))
		o->known_hosts_file = val;
	else if (KEY_IS("StrictHostKeyChecking")) {
		if ((v = parse_strict(val)) < 0)
			return METASAFE_ERR_USAGE;
		o->strict_host_key_checking = v;
	} else if (KEY_IS("Ciphers")) {
		if (cl_parse_ciphers(val, &l) != 0)
			return METASAFE_ERR_USAGE;
		o->ciphers = val;
	} else if (KEY_IS("KexAlgorithms")) {
		if (cl_parse_kex(val, &l) != 0)
			return METASAFE_ERR_USAGE;
		o->kex_algorithms = val;
	} else if (KEY_IS("SignatureAlgorithms")) {
		if (cl_parse_sigs(val, &l) != 0)
			return METASAFE_ERR_USAGE;
		o->signature_algorithms = val;
	} else if (KEY_IS("CertificateFile"))
		o->certificate_file = val;
	else if (KEY_IS("CAFile"))
		o->ca_file = val;
	else if (KEY_IS("ResumptionCache"))
		o->resumption_cache = val;
	else if (KEY_IS("PassphraseFile"))
		o->passphrase_file = val;
	else if (KEY_IS("ConnectTimeout")) {
		secs = strtonum(val, 1, CL_CONNECT_TIMEOUT_MAX, &errstr);
		if (errstr != NULL)
			return METASAFE_ERR_USAGE;
		o->timeout_ms = (int)(secs * 1000);
	} else
		return METASAFE_ERR_USAGE;
#undef KEY_IS
	return 0;
}

int
metasafe_acl_entry_parse(const char *s, struct metasafe_acl_entry *e)
{
	const char *eq;

	if (e == NULL)
		return METASAFE_ERR_USAGE;
	memset(e, 0, sizeof(*e));
	if (s == NULL || (eq = strrchr(s, '=')) == NULL)
		return METASAFE_ERR_USAGE;
	if ((e->who = strndup(s, (size_t)(eq - s))) == NULL ||
	    (e->rights = strdup(eq + 1)) == NULL) {
		metasafe_acl_entry_clear(e);
		return METASAFE_ERR_NOMEM;
	}
	/* The syntax the worker and the monitor check (names.c). */
	if (ms_acl_who_valid(e->who) != 0 ||
	    ms_rights_parse(e->rights, NULL) != 0) {
		metasafe_acl_entry_clear(e);
		return METASAFE_ERR_INVALID;
	}
	return 0;
}

void
metasafe_acl_entry_clear(struct metasafe_acl_entry *e)
{
	if (e == NULL)
		return;
	free(e->who);
	free(e->rights);
	memset(e, 0, sizeof(*e));
}
