/*
 * malloc.c — how the worker's malloc hands memory back (idle worker
 * memory, docs/PERFORMANCE.md).
 *
 * glibc raises its mmap threshold to the size of the largest mmapped
 * chunk freed so far (up to 32 MiB), and its trim threshold to twice
 * that: after one 1 MiB value the next ones come from the brk heap and
 * stay there, dirty, after they are freed (3.5 MiB per idle worker,
 * measured).  Fixed thresholds turn that adjustment off: every large
 * buffer is its own mapping, unmapped (munmap, mremap are in the
 * sandbox's allowlist) as soon as it is freed, and free space at the top
 * of the heap goes back above W_MALLOC_TRIM.  The worker has one thread,
 * so one arena.
 */
#include <malloc.h>

#include "log.h"
#include "worker.h"

/* Above glibc's 128 KiB default a 1 MiB value would be heap again. */
#define W_MALLOC_MMAP		(128 * 1024)
#define W_MALLOC_TRIM		(128 * 1024)

void
w_malloc_init(void)
{
	/* mallopt returns 1 on success; a sanitizer's allocator ignores it. */
	if (mallopt(M_MMAP_THRESHOLD, W_MALLOC_MMAP) != 1 ||
	    mallopt(M_TRIM_THRESHOLD, W_MALLOC_TRIM) != 1 ||
	    mallopt(M_ARENA_MAX, 1) != 1)
		debug_f("mallopt refused a setting");
}
