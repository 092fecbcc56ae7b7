/*
 * reload.h — SIGHUP: re-read the main configuration and say what changed.
 */
#ifndef MS_RELOAD_H
#define MS_RELOAD_H

struct servconf;

/*
 * Parse PATH again and compare it with the running configuration keyword
 * by keyword (as servconf_dump() prints them).  Keywords that are safe to
 * change live (LogLevel, MaxSessions, PerSourceMaxStartups,
 * LoginGraceTime, MaxValueSize) are applied to *running and logged as
 * "KEYWORD changed to VALUE: applied"; every other change is logged as
 * "KEYWORD changed: restart metasafed to apply" and not applied.  A file
 * that does not parse is logged and ignored.  debug: -d is in force (its
 * LogLevel wins; -d does not touch SandboxDebug).  Returns the number of changes that need
 * a restart, or -1 when the file did not parse.
 */
int	reload_config(struct servconf *running, const char *path, int debug);

/* Is KEYWORD (as servconf_dump() prints it, lower case) applied live? */
int	reload_applies(const char *keyword);

#endif /* MS_RELOAD_H */
