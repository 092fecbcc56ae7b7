/*
 * fuzz_servconf.c — the daemon's configuration file (monitor/servconf.c),
 * loaded from the input as metasafed -f would load it.
 *
 * Invariant: a file that loads dumps (servconf_dump, what -T prints) to
 * text that loads again and dumps the same: the dump is a faithful
 * configuration, so -T output can be used as a config file, with the
 * same administrators.  (It found that an empty file's dump did not
 * load, and that its "AdminPrincipals none" named a principal "none":
 * corpus/servconf/empty.)
 */
#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "servconf.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	return 0;
}

static char *
dump(const struct servconf *c, size_t *lenp)
{
	char *text = NULL;
	FILE *f;

	FUZZ_CHECK((f = open_memstream(&text, lenp)) != NULL);
	servconf_dump(f, c);
	FUZZ_CHECK(fclose(f) == 0);
	return text;
}

static int
load(const uint8_t *data, size_t size, struct servconf *c)
{
	char path[64], err[512];
	int fd, r;

	servconf_init(c);
	FUZZ_CHECK((fd = fuzz_memfile(data, size, path, sizeof(path))) != -1);
	err[0] = '\0';
	if ((r = servconf_load(path, c, err, sizeof(err))) != 0)
		FUZZ_CHECK(err[0] != '\0');
	close(fd);
	return r;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct servconf c, c2;
	char *d1, *d2;
	size_t l1, l2;

	if (load(data, size, &c) == 0) {
		d1 = dump(&c, &l1);
		if (load((const uint8_t *)d1, l1, &c2) != 0) {
			fprintf(stderr, "fuzz_servconf: dump does not load:\n"
			    "%s", d1);
			abort();
		}
		d2 = dump(&c2, &l2);
		FUZZ_CHECK(l1 == l2 && memcmp(d1, d2, l1) == 0);
		/* "none" in the dump is no name (an empty list prints so). */
		FUZZ_CHECK(c2.nadmins == c.nadmins);
		free(d2);
		free(d1);
		servconf_free(&c2);
	}
	servconf_free(&c);
	return 0;
}
