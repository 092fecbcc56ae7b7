/*
 * fuzz_principals.c — the AuthorizedPrincipalsFile (monitor/principals.c),
 * loaded from the input; its key lines go through the public-key line
 * parser (common/pubkey.c).
 *
 * Invariants: every loaded principal has a valid name and valid group
 * names; each key line's key is found again by principals_find (with
 * that key), each cert line by principals_find_cert, each uid=/user=
 * line by principals_find_uid (one line per uid); a refused file
 * leaves nothing loaded and says where.
 */
#include <sys/types.h>

#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "names.h"
#include "principals.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct principal *pr, *found;
	struct principals p;
	char path[64], err[512];
	size_t i, j;
	int fd;

	FUZZ_CHECK((fd = fuzz_memfile(data, size, path, sizeof(path))) != -1);
	err[0] = '\0';
	if (principals_load(path, &p, err, sizeof(err)) != 0) {
		FUZZ_CHECK(p.v == NULL && p.n == 0);
		FUZZ_CHECK(err[0] != '\0');
		close(fd);
		return 0;
	}
	close(fd);
	for (i = 0; i < p.n; i++) {
		pr = &p.v[i];
		FUZZ_CHECK(ms_principal_valid(pr->name) == 0);
		FUZZ_CHECK(pr->ngroups <= PRINCIPAL_GROUPS_MAX);
		for (j = 0; j < pr->ngroups; j++)
			FUZZ_CHECK(ms_principal_valid(pr->groups[j]) == 0);
		if (pr->cert) {
			FUZZ_CHECK((found = principals_find_cert(&p,
			    pr->name)) == pr);
		} else if (pr->local) {
			FUZZ_CHECK((found = principals_find_uid(&p,
			    pr->uid)) == pr);
		} else {
			FUZZ_CHECK((found = principals_find(&p,
			    pr->pubkey)) != NULL);
			FUZZ_CHECK(memcmp(found->pubkey, pr->pubkey, 32) == 0);
			FUZZ_CHECK(!found->cert && !found->local);
		}
	}
	principals_free(&p);
	return 0;
}
