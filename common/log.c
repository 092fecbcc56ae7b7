/*
 * log.c — logging to stderr, syslog or a handler; the calling function is
 * named on debug lines (and on every line when logging at a debug level).
 *
 * Messages may quote untrusted input (paths, peer strings), so every line is
 * escaped before output: a peer must not be able to forge a log line with a
 * newline or smuggle terminal escapes.
 */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "errors.h"
#include "log.h"

#define LOG_MSG_MAX	1024		/* formatted message, before escaping */
#define LOG_LINE_MAX	(4 * LOG_MSG_MAX)	/* every byte may become \ooo */

static char			 log_progname[64];
static enum ms_loglevel		 log_level = MS_LOG_INFO;
static int			 log_to_stderr = 1;
static int			 log_facility = -1;
static ms_log_handler_fn	*log_handler;
static void			*log_handler_ctx;
static void			(*log_cleanup)(int);
static volatile sig_atomic_t	 log_in_handler;
static volatile sig_atomic_t	 log_in_cleanup;
static int			 log_file_fd = -1;
static char			 log_file_path[PATH_MAX];
static char			*log_capture;
static pthread_mutex_t		 log_mu = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static size_t			 log_capture_len;

static const struct {
	const char		*name;
	enum ms_loglevel	 level;
} log_levels[] = {
	{ "QUIET",	MS_LOG_QUIET },
	{ "FATAL",	MS_LOG_FATAL },
	{ "ERROR",	MS_LOG_ERROR },
	{ "INFO",	MS_LOG_INFO },
	{ "VERBOSE",	MS_LOG_VERBOSE },
	{ "DEBUG",	MS_LOG_DEBUG1 },
	{ "DEBUG1",	MS_LOG_DEBUG1 },
	{ "DEBUG2",	MS_LOG_DEBUG2 },
	{ "DEBUG3",	MS_LOG_DEBUG3 },
};

static const char *
progname(void)
{
	const char *p;

	if (log_progname[0] != '\0')
		return log_progname;
	if ((p = getprogname()) == NULL || *p == '\0')
		p = "metasafe";
	return p;
}

void
ms_log_init(const char *name, enum ms_loglevel level, int to_stderr,
    int facility)
{
	const char *base;

	if (name != NULL) {
		if ((base = strrchr(name, '/')) != NULL)
			name = base + 1;
		strlcpy(log_progname, name, sizeof(log_progname));
	}
	ms_log_set_level(level);
	log_to_stderr = to_stderr != 0;
	if (log_facility >= 0)
		closelog();
	log_facility = facility < 0 ? -1 : facility;
	if (log_facility >= 0)
		openlog(progname(), LOG_PID, log_facility);
}

void
ms_log_set_level(enum ms_loglevel level)
{
	if ((int)level < (int)MS_LOG_QUIET)
		level = MS_LOG_QUIET;
	if (level > MS_LOG_DEBUG3)
		level = MS_LOG_DEBUG3;
	log_level = level;
}

enum ms_loglevel
ms_log_get_level(void)
{
	return log_level;
}

void
ms_log_set_handler(ms_log_handler_fn *fn, void *ctx)
{
	log_handler = fn;
	log_handler_ctx = ctx;
}

void
ms_log_set_cleanup(void (*fn)(int))
{
	log_cleanup = fn;
}

int
ms_log_level_from_name(const char *name)
{
	size_t i;

	if (name == NULL)
		return -1;
	for (i = 0; i < sizeof(log_levels) / sizeof(log_levels[0]); i++) {
		if (strcasecmp(name, log_levels[i].name) == 0)
			return (int)log_levels[i].level;
	}
	return -1;
}

const char *
ms_log_level_name(enum ms_loglevel level)
{
	size_t i;

	/* DEBUG1 is listed after its alias DEBUG; prefer the explicit name. */
	if (level == MS_LOG_DEBUG1)
		return "DEBUG1";
	for (i = 0; i < sizeof(log_levels) / sizeof(log_levels[0]); i++) {
		if (log_levels[i].level == level)
			return log_levels[i].name;
	}
	return "UNKNOWN";
}

/*
 * RFC 3339 with milliseconds and the local offset, "Z" for UTC:
 * 2026-12-01T21:40:00.123+01:00.
 */
static int
rfc3339_parts(time_t sec, char *date, size_t datelen, char *zone,
    size_t zonelen)
{
	struct tm tm;
	int off;

	if (localtime_r(&sec, &tm) == NULL ||
	    strftime(date, datelen, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		return -1;
	/* Offsets are within +-26 hours. */
	off = (int)(tm.tm_gmtoff / 60) % (26 * 60);
	if (off == 0)
		strlcpy(zone, "Z", zonelen);
	else
		snprintf(zone, zonelen, "%c%02u:%02u",
		    off < 0 ? '-' : '+', (unsigned)abs(off) / 60 % 100,
		    (unsigned)abs(off) % 60);
	return 0;
}

static int
rfc3339_join(char *buf, size_t len, const char *date, long nsec,
    const char *zone)
{
	int n;

	n = snprintf(buf, len, "%s.%03ld%s", date, nsec / 1000000, zone);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int
ms_log_rfc3339(char *buf, size_t len, const struct timespec *ts)
{
	char date[32], zone[8];

	if (rfc3339_parts(ts->tv_sec, date, sizeof(date), zone,
	    sizeof(zone)) != 0)
		return -1;
	return rfc3339_join(buf, len, date, ts->tv_nsec, zone);
}

/*
 * The -E file's stamps: the date and zone change once a second, so they
 * are worked out (localtime_r, strftime) once a second, not per line.
 * Per thread, for a thread that logs beside the loop.
 */
static int
log_stamp(char *buf, size_t len, const struct timespec *ts)
{
	static _Thread_local time_t sec = (time_t)-1;
	static _Thread_local char date[32], zone[8];

	if (ts->tv_sec != sec) {
		if (rfc3339_parts(ts->tv_sec, date, sizeof(date), zone,
		    sizeof(zone)) != 0) {
			sec = (time_t)-1;
			return -1;
		}
		sec = ts->tv_sec;
	}
	return rfc3339_join(buf, len, date, ts->tv_nsec, zone);
}

/*
 * Every line names the pid: ask the kernel once, not per line.  A forked
 * child forgets the parent's before it can log.
 */
static pid_t log_pid;

static void
log_pid_forget(void)
{
	log_pid = 0;
}

static pid_t
log_getpid(void)
{
	static int registered;

	if (!registered) {
		if (pthread_atfork(NULL, NULL, log_pid_forget) != 0)
			return getpid();
		registered = 1;
	}
	if (log_pid == 0)
		log_pid = getpid();
	return log_pid;
}

static int
log_file_open(const char *path)
{
	return open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
	    O_NOFOLLOW | O_NOCTTY, 0600);
}

int
ms_log_set_file(const char *path, char *err, size_t errlen)
{
	char cwd[PATH_MAX];
	int fd, n;

	if (path == NULL) {
		if (log_file_fd != -1)
			close(log_file_fd);
		log_file_fd = -1;
		log_file_path[0] = '\0';
		return 0;
	}
	/* Reopened on SIGHUP after chdir("/"): remember an absolute path. */
	if (path[0] == '/')
		n = snprintf(log_file_path, sizeof(log_file_path), "%s", path);
	else if (getcwd(cwd, sizeof(cwd)) == NULL) {
		snprintf(err, errlen, "-E %s: %s", path, strerror(errno));
		return -1;
	} else
		n = snprintf(log_file_path, sizeof(log_file_path), "%s/%s",
		    cwd, path);
	if (n < 0 || (size_t)n >= sizeof(log_file_path)) {
		snprintf(err, errlen, "-E %s: path too long", path);
		log_file_path[0] = '\0';
		return -1;
	}
	if ((fd = log_file_open(log_file_path)) == -1) {
		snprintf(err, errlen, "-E %s: %s", path, strerror(errno));
		log_file_path[0] = '\0';
		return -1;
	}
	if (log_file_fd != -1)
		close(log_file_fd);
	log_file_fd = fd;
	return 0;
}

int
ms_log_reopen(void)
{
	int fd;

	if (log_file_fd == -1)
		return 0;
	/* Keep writing to the old file when the new one cannot be opened. */
	if ((fd = log_file_open(log_file_path)) == -1) {
		error("cannot reopen log file %s: %s", log_file_path,
		    strerror(errno));
		return -1;
	}
	pthread_mutex_lock(&log_mu);
	close(log_file_fd);
	log_file_fd = fd;
	pthread_mutex_unlock(&log_mu);
	return 0;
}

int
ms_log_has_file(void)
{
	return log_file_fd != -1;
}

int
ms_log_has_stderr(void)
{
	return log_to_stderr;
}

int
ms_log_has_syslog(void)
{
	return log_facility >= 0;
}

void
ms_log_capture(char *buf, size_t len)
{
	log_capture = buf;
	log_capture_len = len;
	if (buf != NULL && len > 0)
		buf[0] = '\0';
}

/*
 * Copy src to dst escaping everything but printable ASCII as \ooo, and
 * backslash as \\, so the output is unambiguous.  Truncates at whole
 * characters.
 */
static void
log_escape(char *dst, size_t dlen, const char *src)
{
	const u_char *s;
	char esc[8];
	size_t o = 0;
	int n;

	for (s = (const u_char *)src; *s != '\0'; s++) {
		if (*s == '\\') {
			esc[0] = esc[1] = '\\';
			n = 2;
		} else if (*s >= 0x20 && *s < 0x7f) {
			esc[0] = (char)*s;
			n = 1;
		} else if ((n = snprintf(esc, sizeof(esc), "\\%03o", *s)) != 4)
			break;
		if (o + (size_t)n >= dlen)
			break;
		memcpy(dst + o, esc, (size_t)n);
		o += (size_t)n;
	}
	dst[o] = '\0';
}

static int
syslog_priority(enum ms_loglevel level)
{
	switch (level) {
	case MS_LOG_FATAL:
		return LOG_CRIT;
	case MS_LOG_ERROR:
		return LOG_ERR;
	case MS_LOG_INFO:
	case MS_LOG_VERBOSE:
		return LOG_INFO;
	default:
		return LOG_DEBUG;
	}
}

/*
 * One write(2) per line, so lines from several processes do not mix.  The
 * -E file gets an RFC 3339 timestamp in front.
 */
static void
log_write(int fd, int stamp, const char *line)
{
	char buf[LOG_LINE_MAX + 128], ts[64];
	struct timespec now;
	size_t len, off = 0;
	ssize_t n;
	int l;

	ts[0] = '\0';
	if (stamp) {
		if (clock_gettime(CLOCK_REALTIME, &now) != 0 ||
		    log_stamp(ts, sizeof(ts) - 1, &now) != 0)
			strlcpy(ts, "-", sizeof(ts));
		strlcat(ts, " ", sizeof(ts));
	}
	l = snprintf(buf, sizeof(buf), "%s%s[%ld]: %s\n", ts, progname(),
	    (long)log_getpid(), line);
	if (l < 0)
		return;
	if ((size_t)l >= sizeof(buf)) {
		len = sizeof(buf) - 1;
		buf[len - 1] = '\n';
	} else
		len = (size_t)l;
	while (off < len) {
		if ((n = write(fd, buf + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (n == 0)
			return;
		off += (size_t)n;
	}
}

void
ms_logv(const char *file, const char *func, int line, enum ms_loglevel level,
    int showfunc, const char *suffix, const char *fmt, va_list ap)
{
	char msg[LOG_MSG_MAX], full[LOG_MSG_MAX], out[LOG_LINE_MAX];
	int saved_errno;

	/* Before anything else: a line not emitted costs nothing more. */
	if (level == MS_LOG_QUIET || level > log_level)
		return;
	saved_errno = errno;
	msg[0] = full[0] = out[0] = '\0';
	if (vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
		strlcpy(msg, "(log message format error)", sizeof(msg));
	full[0] = '\0';
	/*
	 * The function name is for debugging: only on debug lines, or when
	 * the process logs at a debug level.  Errors a user or an operator
	 * reads ("metasafed: WHAT: reason") never carry it.
	 */
	if (showfunc && func != NULL &&
	    (level >= MS_LOG_DEBUG1 || log_level >= MS_LOG_DEBUG1)) {
		strlcat(full, func, sizeof(full));
		strlcat(full, ": ", sizeof(full));
	}
	strlcat(full, msg, sizeof(full));
	if (suffix != NULL) {
		strlcat(full, ": ", sizeof(full));
		strlcat(full, suffix, sizeof(full));
	}
	log_escape(out, sizeof(out), full);
	if (log_capture != NULL && level <= MS_LOG_ERROR)
		strlcpy(log_capture, out, log_capture_len);

	/*
	 * The monitor's store threads log too: one line at a time, and never
	 * to a log file that SIGHUP's reopen is closing.
	 */
	pthread_mutex_lock(&log_mu);
	/* A handler that logs must not recurse into itself. */
	if (log_handler != NULL && !log_in_handler) {
		log_in_handler = 1;
		log_handler(level, out, log_handler_ctx);
		log_in_handler = 0;
	} else {
		if (log_to_stderr)
			log_write(STDERR_FILENO, 0, out);
		if (log_file_fd != -1)
			log_write(log_file_fd, 1, out);
		if (log_facility >= 0)
			syslog(syslog_priority(level), "%s", out);
	}
	pthread_mutex_unlock(&log_mu);
	/* Each holds one NUL-terminated string: wipe that, not the array. */
	explicit_bzero(msg, strnlen(msg, sizeof(msg)));
	explicit_bzero(full, strnlen(full, sizeof(full)));
	explicit_bzero(out, strnlen(out, sizeof(out)));
	errno = saved_errno;
}

void
ms_log(const char *file, const char *func, int line, enum ms_loglevel level,
    int showfunc, const char *suffix, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ms_logv(file, func, line, level, showfunc, suffix, fmt, ap);
	va_end(ap);
}

void
ms_fatal(const char *file, const char *func, int line, int showfunc,
    const char *suffix, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ms_logv(file, func, line, MS_LOG_FATAL, showfunc, suffix, fmt, ap);
	va_end(ap);
	/* A fatal() inside the cleanup hook must not run the hook again. */
	if (log_cleanup != NULL && !log_in_cleanup) {
		log_in_cleanup = 1;
		log_cleanup(255);
	}
	/* _exit: a forked child must not run the parent's atexit handlers. */
	_exit(255);
}
