#!/bin/bash
# -E FILE: every line carries an RFC 3339 timestamp; after the file is
# renamed (logrotate) a SIGHUP makes the daemon write to a new file at the
# same path.  With -D -e each line appears once on stderr, and -D alone
# writes nothing there (it logs to syslog).
. "$(dirname "$0")/test-exec.sh"
tid "-E timestamps and reopen on SIGHUP; -D -e logs each line once"

daemon_setup
cfg=$OBJ/metasafed_config
RFC3339='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2}) metasafed\[[0-9]+\]: '

# Relative -E path: it must survive the daemon's chdir("/").
(cd "$OBJ" && start_detached "$cfg" -E file.log)
pid=$(pidfile_pid "$OBJ/metasafed.pid")
add_cleanup "kill_pidfile_daemon $pid"
ms status > /dev/null || fail "daemon does not serve"
[ "$(file_mode "$OBJ/file.log")" = 600 ] || fail "log file mode $(file_mode "$OBJ/file.log")"
grep -q 'metasafed started' "$OBJ/file.log" || fail "start not logged in the -E file"

mv "$OBJ/file.log" "$OBJ/file.log.1"
kill -HUP "$pid"
i=0
until [ -f "$OBJ/file.log" ] && grep -q 'SIGHUP: reloading' "$OBJ/file.log"; do
	i=$((i + 1)); [ $i -le 100 ] || fatal "no new log file after SIGHUP"; sleep 0.1
done
ms status > /dev/null || fail "daemon does not serve after SIGHUP"
i=0
until grep -q 'audit: result=allowed peer=[^ ]* op=auth principal=admin' "$OBJ/file.log"; do
	i=$((i + 1)); [ $i -le 50 ] || { fail "session not logged in the new file"; break; }
	sleep 0.1
done
grep -q 'SIGHUP: reloading' "$OBJ/file.log.1" &&
    fail "the rotated file got lines written after the reopen"
for f in "$OBJ/file.log.1" "$OBJ/file.log"; do
	[ -s "$f" ] || fail "$f is empty"
	bad=$(grep -Evc "$RFC3339" "$f")
	[ "$bad" -eq 0 ] || fail "$bad line(s) of $f lack an RFC 3339 timestamp: $(grep -Ev "$RFC3339" "$f" | head -n 2)"
done
kill_pidfile_daemon "$pid"

# -D -e: one copy of each line on stderr.
"$METASAFED" -D -e -f "$cfg" > "$OBJ/fg.out" 2> "$OBJ/fg.err" &
DAEMON_PID=$!
i=0
until grep -q 'metasafed started' "$OBJ/fg.err"; do
	pid_alive "$DAEMON_PID" || fatal "-D -e daemon exited: $(cat "$OBJ/fg.err")"
	i=$((i + 1)); [ $i -le 100 ] || fatal "-D -e: start not logged"; sleep 0.1
done
ms status > /dev/null || fail "-D -e daemon does not serve"
sleep 0.3
stop_daemon
[ "$(grep -c 'metasafed started' "$OBJ/fg.err")" -eq 1 ] || fail "start line not logged exactly once"
[ "$(grep -c 'listening on 127.0.0.1' "$OBJ/fg.err")" -eq 1 ] || fail "listen line not logged exactly once"
dups=$(sed 's/^metasafed\[[0-9]*\]: //' "$OBJ/fg.err" | sort | uniq -d | grep -v '^$')
[ -z "$dups" ] || fail "lines logged twice with -D -e: $dups"
[ -s "$OBJ/fg.out" ] && fail "-D -e wrote on stdout: $(head -n 2 "$OBJ/fg.out")"

# -D alone: syslog only, nothing on stderr.
"$METASAFED" -D -f "$cfg" > "$OBJ/d.out" 2> "$OBJ/d.err" &
DAEMON_PID=$!
i=0
while ! port_listening "$DAEMON_PORT"; do
	pid_alive "$DAEMON_PID" || fatal "-D daemon exited: $(cat "$OBJ/d.err")"
	i=$((i + 1)); [ $i -le 100 ] || fatal "-D daemon not listening"; sleep 0.1
done
ms status > /dev/null || fail "-D daemon does not serve"
stop_daemon
[ -s "$OBJ/d.err" ] && fail "-D without -e wrote on stderr: $(head -n 2 "$OBJ/d.err")"
exit 0
