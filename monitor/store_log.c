/*
 * store_log.c — where the store's log lines go.  The store writer thread
 * must not call log.h (it is not thread-safe), so while a thread has named
 * a buffer with store_log_to(), its lines are kept there and the logging
 * thread emits them with the op's result.
 */
#include <sys/types.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "store_int.h"

static _Thread_local struct store_logbuf *sink;

void
store_log_to(struct store_logbuf *lb)
{
	sink = lb;
}

static void __attribute__((format(printf, 3, 0)))
keep(struct store_logbuf *lb, int level, const char *fmt, va_list ap)
{
	size_t off;

	if (lb->buf == NULL || lb->len == 0)
		return;
	off = strnlen(lb->buf, lb->len - 1);
	if (off > 0 && off + 2 < lb->len) {
		memcpy(lb->buf + off, "; ", 2);
		off += 2;
	}
	lb->buf[off] = '\0';
	if (off < lb->len - 1)
		(void)vsnprintf(lb->buf + off, lb->len - off, fmt, ap);
	if (lb->level == MS_LOG_QUIET || level < lb->level)
		lb->level = level;
}

void
store_log(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (sink != NULL)
		keep(sink, level, fmt, ap);
	else
		ms_logv(__FILE__, NULL, __LINE__, (enum ms_loglevel)level, 0,
		    NULL, fmt, ap);
	va_end(ap);
}
