/*
 * fuzz_credaddr.c — systemd's credential-request peer address
 * (common/credaddr.c), the only peer-chosen bytes the CredentialSocket
 * looks at.  The input is a sun_path as accept() reports it.
 *
 * Invariants: a refused address leaves the result zeroed; an accepted
 * one has a unit and ID within their caps, made only of the bytes
 * credaddr.h allows, and formats (with any valid random) back to an
 * address that parses to the same unit and ID.
 */
#include <sys/types.h>

#include <string.h>

#include "credaddr.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	return 0;
}

static int
only(const char *s, const char *allowed_extra, int printable)
{
	for (; *s != '\0'; s++) {
		if (printable) {
			if (*s <= ' ' || *s >= 0x7f || *s == '/')
				return 0;
		} else if (strchr(allowed_extra, *s) == NULL &&
		    !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9')))
			return 0;
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ms_credaddr a, b;
	u_char buf[MS_CRED_ADDR_MAX];
	size_t len;

	if (ms_credaddr_parse(data, size, &a) != 0) {
		FUZZ_CHECK(a.unit[0] == '\0' && a.id[0] == '\0');
		return 0;
	}
	FUZZ_CHECK(size <= MS_CRED_ADDR_MAX);
	FUZZ_CHECK(a.unit[0] != '\0' && strlen(a.unit) <= MS_CRED_UNIT_MAX);
	FUZZ_CHECK(a.id[0] != '\0' && strlen(a.id) <= MS_CRED_ID_MAX);
	FUZZ_CHECK(only(a.unit, ":_.@\\-", 0));
	FUZZ_CHECK(only(a.id, NULL, 1));
	FUZZ_CHECK(strcmp(a.id, ".") != 0 && strcmp(a.id, "..") != 0);
	/* The shortest random: the result is never longer than the input. */
	FUZZ_CHECK(ms_credaddr_format("0", a.unit, a.id, buf, sizeof(buf),
	    &len) == 0);
	FUZZ_CHECK(len <= size);
	FUZZ_CHECK(ms_credaddr_parse(buf, len, &b) == 0);
	FUZZ_CHECK(strcmp(a.unit, b.unit) == 0 && strcmp(a.id, b.id) == 0);
	return 0;
}
