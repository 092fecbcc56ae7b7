/*
 * store_fixture.c — shared by the test_store_*.c tests (store_fixture.h).
 */
#include <sys/types.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_fixture.h"

int
store_fixture_mkdtemp(char *tmp, size_t len, const char *name)
{
	if ((size_t)snprintf(tmp, len, "/tmp/ms-test-%s.XXXXXX", name) >= len)
		return -1;
	return mkdtemp(tmp) == NULL ? -1 : 0;
}

void
store_fixture_rm_rf(const char *dir)
{
	char p[PATH_MAX + 300];
	struct dirent *de;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (unlink(p) == -1)
			store_fixture_rm_rf(p);
	}
	closedir(d);
	rmdir(dir);
}
