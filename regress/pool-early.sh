#!/bin/bash
# A pooled worker may say READY and nothing else before it is handed a
# connection: one that sends a request first is killed and logged, and
# the monitor keeps running (it refills the pool after a pause).
. "$(dirname "$0")/test-exec.sh"
tid "pool: a worker that speaks before READY is killed"

start_daemon "WorkerPoolSize 2"
stop_daemon
# A worker that sends HELLO (length 1, type 0x40) instead of READY.
cat > "$OBJ/early-worker" <<'EOS'
#!/bin/sh
printf '\000\000\000\001\100' >&4
exec sleep 60
EOS
chmod 0755 "$OBJ/early-worker"
conf_set "$OBJ/metasafed_config" WorkerPath "$OBJ/early-worker"
start_daemon
wait_log "killing worker [0-9]* (pooled): expected READY"
pid_alive "$DAEMON_PID" || fail "the monitor died"
grep -q "killing worker [0-9]* (pooled): request before" "$OBJ/metasafed.log" &&
    fail "the request was taken for a second message, not a missing READY"
stop_daemon
exit 0
