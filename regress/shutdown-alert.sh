#!/bin/bash
# On SIGTERM metasafed tells every live session: an idle authenticated
# client gets the alert SHUTTING_DOWN (client exit 2, "server is shutting
# down") instead of a bare end of file, and the daemon exits as soon as
# the sessions are gone rather than at the end of the drain.
. "$(dirname "$0")/test-exec.sh"
tid "SIGTERM: idle sessions get SHUTTING_DOWN, the daemon exits"

start_daemon
printf 'v' | ms set /sd rec || fatal "set"
hold_conn /sd rec
pid=$DAEMON_PID
kill -TERM "$pid" || fatal "kill -TERM"
wait_log "server shutting down: ending the session of 127.0.0.1:[0-9]*"
echo get >&4
wait_file "$OBJ/hold.out" '^error: server is shutting down$' \
    "the held session did not report SHUTTING_DOWN: $(cat "$OBJ/hold.out")"
i=0
while pid_alive "$pid"; do
	i=$((i + 1))
	[ $i -le 300 ] || fatal "metasafed still running 30 s after SIGTERM"
	sleep 0.1
done
wait "$pid" 2>/dev/null
DAEMON_PID=
grep -q 'killing worker .*: shutdown' "$OBJ/metasafed.log" &&
    fail "the session was killed at the drain deadline instead of ending"
release_conn
exit 0
