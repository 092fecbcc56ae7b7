/*
 * version.h — the one version of metasafe, for every program.
 *
 * The number itself lives in client/metasafe.h (METASAFE_VERSION); the
 * GNUmakefile reads it from there into $(BUILD)/pathnames.h (MS_VERSION),
 * so the library, the programs and the installed .pc file agree.
 */
#ifndef MS_VERSION_H
#define MS_VERSION_H

/* The bare number is MS_VERSION ($(BUILD)/pathnames.h), e.g. "0.9.0". */
/* "metasafe-0.9.0": the server version a STATUS answer carries. */
const char	*ms_server_version(void);
/*
 * "PROGNAME 0.9.0, OpenSSL 3.0.x DD Mon YYYY" on stdout, as ssh -V prints
 * its version; returns 0, or -1 when stdout cannot be written.
 */
int		 ms_version_print(const char *progname);

#endif /* MS_VERSION_H */
