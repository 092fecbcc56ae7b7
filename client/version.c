/*
 * version.c — metasafe_version(): which library the application loaded.
 */
#include "metasafe.h"

const char *
metasafe_version(void)
{
	return METASAFE_VERSION;
}
