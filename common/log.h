/*
 * log.h — logging; the _f variants name the calling function, but only on
 * debug-level lines or when the process logs at a debug level (LogLevel
 * DEBUG*, -d, -v), never in what users and operators read at INFO.
 *
 * Use the macros, never ms_log() directly:
 *   fatal_f("cannot open %s", path);	  exits 255 after the cleanup hook
 *   fatal_fr(r, "load key");		  appends ": <ms_err(r)>"
 *   error_f / error_fr, logit (info), verbose_f, debug_f, debug2_f, debug3_f
 * Secrets are never passed to these functions.
 *
 * Output goes to syslog, to stderr, to a file (-E), or several; a process
 * may instead install a handler (the worker forwards its lines to the monitor's log channel).
 */
#ifndef MS_LOG_H
#define MS_LOG_H

#include <stdarg.h>
#include <stddef.h>
#include <time.h>

enum ms_loglevel {
	MS_LOG_QUIET = 0,
	MS_LOG_FATAL,
	MS_LOG_ERROR,
	MS_LOG_INFO,
	MS_LOG_VERBOSE,
	MS_LOG_DEBUG1,
	MS_LOG_DEBUG2,
	MS_LOG_DEBUG3,
};

/* Handler gets the fully formatted line (without trailing newline). */
typedef void ms_log_handler_fn(enum ms_loglevel level, const char *line, void *ctx);

/*
 * progname is used as syslog ident and stderr prefix.  facility is a
 * syslog facility (LOG_DAEMON, LOG_AUTH, ...) or -1 for no syslog.
 */
void	ms_log_init(const char *progname, enum ms_loglevel level, int to_stderr,
	    int facility);
void	ms_log_set_level(enum ms_loglevel level);
enum ms_loglevel ms_log_get_level(void);
void	ms_log_set_handler(ms_log_handler_fn *fn, void *ctx);
/* Called (once) by fatal before exit; e.g. to kill children, remove pidfile. */
void	ms_log_set_cleanup(void (*fn)(int exitcode));
/*
 * -E: also write every line, with an RFC 3339 timestamp, to this file
 * (opened O_APPEND, 0600, close-on-exec; a relative path is made absolute).
 * NULL closes it.  On error fills err ("-E FILE: reason") and returns -1.
 * ms_log_reopen() opens the same path again (SIGHUP, for logrotate) and
 * keeps the old file when that fails.
 */
int	ms_log_set_file(const char *path, char *err, size_t errlen);
int	ms_log_reopen(void);
/* Where lines go now. */
int	ms_log_has_file(void);
int	ms_log_has_stderr(void);
int	ms_log_has_syslog(void);
/*
 * Copy each ERROR or FATAL line (escaped, last one wins) into buf, besides
 * logging it; NULL stops.  For start-up errors reported by a lower layer.
 */
void	ms_log_capture(char *buf, size_t len);
/* "2026-12-01T21:40:00.123+01:00" ("Z" for UTC); -1 when it does not fit. */
int	ms_log_rfc3339(char *buf, size_t len, const struct timespec *ts);
/* "INFO" -> MS_LOG_INFO etc.; -1 when unknown. */
int	ms_log_level_from_name(const char *name);
const char *ms_log_level_name(enum ms_loglevel level);

void	ms_log(const char *file, const char *func, int line, enum ms_loglevel level,
	    int showfunc, const char *suffix, const char *fmt, ...)
	    __attribute__((format(printf, 7, 8)));
void	ms_logv(const char *file, const char *func, int line, enum ms_loglevel level,
	    int showfunc, const char *suffix, const char *fmt, va_list ap)
	    __attribute__((format(printf, 7, 0)));
void	ms_fatal(const char *file, const char *func, int line, int showfunc,
	    const char *suffix, const char *fmt, ...)
	    __attribute__((noreturn, format(printf, 6, 7)));

/*
 * The level test comes first, so a line that is not emitted costs a
 * compare: no va_list, no argument formatting (ms_err, strerror).
 */
#define ms_do_log(level, showfunc, suffix, ...) \
	((level) <= ms_log_get_level() ? ms_log(__FILE__, __func__, __LINE__, \
	    level, showfunc, suffix, __VA_ARGS__) : (void)0)

#define logit(...)	ms_do_log(MS_LOG_INFO, 0, NULL, __VA_ARGS__)
#define verbose(...)	ms_do_log(MS_LOG_VERBOSE, 0, NULL, __VA_ARGS__)
#define error(...)	ms_do_log(MS_LOG_ERROR, 0, NULL, __VA_ARGS__)
#define debug(...)	ms_do_log(MS_LOG_DEBUG1, 1, NULL, __VA_ARGS__)

#define logit_f(...)	ms_do_log(MS_LOG_INFO, 1, NULL, __VA_ARGS__)
#define verbose_f(...)	ms_do_log(MS_LOG_VERBOSE, 1, NULL, __VA_ARGS__)
#define error_f(...)	ms_do_log(MS_LOG_ERROR, 1, NULL, __VA_ARGS__)
#define debug_f(...)	ms_do_log(MS_LOG_DEBUG1, 1, NULL, __VA_ARGS__)
#define debug2_f(...)	ms_do_log(MS_LOG_DEBUG2, 1, NULL, __VA_ARGS__)
#define debug3_f(...)	ms_do_log(MS_LOG_DEBUG3, 1, NULL, __VA_ARGS__)

#define logit_fr(r, ...)   ms_do_log(MS_LOG_INFO, 1, ms_err(r), __VA_ARGS__)
#define verbose_fr(r, ...) ms_do_log(MS_LOG_VERBOSE, 1, ms_err(r), __VA_ARGS__)
#define error_fr(r, ...)   ms_do_log(MS_LOG_ERROR, 1, ms_err(r), __VA_ARGS__)
#define debug_fr(r, ...)   ms_do_log(MS_LOG_DEBUG1, 1, ms_err(r), __VA_ARGS__)

#define fatal(...)	ms_fatal(__FILE__, __func__, __LINE__, 0, NULL, __VA_ARGS__)
#define fatal_f(...)	ms_fatal(__FILE__, __func__, __LINE__, 1, NULL, __VA_ARGS__)
#define fatal_fr(r, ...) ms_fatal(__FILE__, __func__, __LINE__, 1, ms_err(r), __VA_ARGS__)

#endif /* MS_LOG_H */
