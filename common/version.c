/*
 * version.c — the version string every program prints for -V.
 */
#include <stdio.h>

#include <openssl/crypto.h>

#include "pathnames.h"
#include "version.h"

const char *
ms_server_version(void)
{
	return "metasafe-" MS_VERSION;
}

int
ms_version_print(const char *progname)
{
	if (printf("%s %s, %s\n", progname, MS_VERSION,
	    OpenSSL_version(OPENSSL_VERSION)) < 0 || fflush(stdout) != 0)
		return -1;
	return 0;
}
