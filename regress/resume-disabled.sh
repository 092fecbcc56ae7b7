#!/bin/bash
# Resumption no: no ticket is issued, and a ticket from before (same
# daemon, restarted with the feature off) is refused.
. "$(dirname "$0")/test-exec.sh"
tid "session resumption: Resumption no"

start_daemon
cache=$OBJ/ticket
printf 'v1' | ms -o ResumptionCache="$cache" set /app x || fail "set failed"
[ -f "$cache" ] || fail "no ticket with Resumption yes"
cp "$cache" "$OBJ/old"
stop_daemon
printf 'Resumption no\n' >> "$OBJ/metasafed_config"
start_daemon
"$METASAFED" -T -f "$OBJ/metasafed_config" | grep -qx 'resumption no' ||
    fail "-T does not show resumption no"
[ "$(ms -o ResumptionCache="$cache" get /app x)" = v1 ] || fail "get failed"
resume_refused "resumption is off"
[ -f "$cache" ] && fail "a ticket was issued with Resumption no"
true
