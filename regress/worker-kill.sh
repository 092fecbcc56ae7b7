#!/bin/bash
# Killing a worker mid-connection affects only that connection.
. "$(dirname "$0")/test-exec.sh"
tid "a killed worker leaves the daemon serving others"

start_daemon
printf 'before' | ms set /k v || fatal "set"
exec 3<>"/dev/tcp/127.0.0.1/$DAEMON_PORT" || fatal "connect failed"
wait_for_workers 1
pid=$(worker_pids | head -n 1)
kill -KILL "$pid"
sleep 0.5
pid_alive "$DAEMON_PID" || fatal "daemon died with its worker"
exec 3<&-
[ "$(ms get /k v)" = before ] || fail "daemon does not serve after a worker was killed"
printf 'after' | ms set /k v || fail "set after kill failed"
[ "$(ms get /k v)" = after ] || fail "value not updated"
grep -q "worker $pid" "$OBJ/metasafed.log" || fail "worker death not logged"
