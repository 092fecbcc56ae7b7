/*
 * fuzz.h — shared by the libFuzzer harnesses (regress/fuzz/fuzz_*.c, built
 * by make fuzz) and the seed generator gen-corpus.c.
 *
 * A harness feeds the input to one parser through its public entry point
 * and checks what the parser promises beyond "no crash": a parse that
 * succeeds re-encodes to the same bytes, a record that opens was sealed
 * under the key, and so on.  A broken promise aborts, which libFuzzer
 * reports as a crash with the input saved.
 */
#ifndef MS_FUZZ_H
#define MS_FUZZ_H

#include <sys/mman.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

#define FUZZ_UNUSED	__attribute__((unused))

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int	LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz: invariant failed: %s (%s:%d)\n",	\
		    #cond, __FILE__, __LINE__);				\
		abort();						\
	}								\
} while (0)

/* Nothing a parser logs about bad input is of interest here. */
static FUZZ_UNUSED void
fuzz_quiet(void)
{
	ms_log_init("fuzz", MS_LOG_QUIET, 0, -1);
}

/*
 * The loaders under test take a path: hand them the input as an anonymous
 * memory file, "/proc/self/fd/N" (no disk, nothing left behind).  Returns
 * the descriptor to close afterwards, -1 on failure.
 */
static FUZZ_UNUSED int
fuzz_memfile(const uint8_t *data, size_t size, char *path, size_t pathlen)
{
	size_t off = 0;
	ssize_t n;
	int fd;

	if ((fd = memfd_create("fuzz", MFD_CLOEXEC)) == -1)
		return -1;
	while (off < size) {
		if ((n = write(fd, data + off, size - off)) <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	if (lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return -1;
	}
	snprintf(path, pathlen, "/proc/self/fd/%d", fd);
	return fd;
}

/*
 * A NUL-terminated copy of the input, for parsers of text that take a C
 * string; the caller frees it.
 */
static FUZZ_UNUSED char *
fuzz_cstring(const uint8_t *data, size_t size)
{
	char *s;

	if ((s = malloc(size + 1)) == NULL)
		return NULL;
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif /* MS_FUZZ_H */
