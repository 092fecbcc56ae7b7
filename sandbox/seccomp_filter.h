/*
 * seccomp_filter.h — the allowlist compiled by libseccomp.  Only the
 * build-time generator (bpfgen.c) and the unit tests build filters: the
 * worker loads the program bpfgen emitted (filter_load.c) and does not
 * link libseccomp.
 */
#ifndef MS_SECCOMP_FILTER_H
#define MS_SECCOMP_FILTER_H

#include <seccomp.h>

/* debug 0: forbidden calls kill the process; 1: they raise SIGSYS. */
int	ms_sb_filter_build(int debug, scmp_filter_ctx *ctxp);

#endif /* MS_SECCOMP_FILTER_H */
