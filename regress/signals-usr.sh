#!/bin/bash
# SIGUSR1 and SIGUSR2 are ignored: the daemon keeps serving, its workers
# too, and nothing is reloaded.
. "$(dirname "$0")/test-exec.sh"
tid "SIGUSR1/SIGUSR2 are ignored, the daemon keeps serving"

HOLD=$BUILD/regress/progs/hold-conn
need_prog "$HOLD"
start_daemon
printf 'v' | ms set /usr rec || fatal "set failed"
grep -q '^SigIgn:' "/proc/$DAEMON_PID/status" || fatal "no SigIgn in /proc"
ign=$(sed -n 's/^SigIgn:[[:space:]]*//p' "/proc/$DAEMON_PID/status")
# Bits 10 (SIGUSR1) and 12 (SIGUSR2), counted from 1.
[ $(( 0x$ign & 0xa00 )) -eq $((0xa00)) ] || fail "SIGUSR1/2 not ignored (SigIgn $ign)"

mkfifo "$OBJ/hold.in"
"$HOLD" "$DAEMON_PORT" "$OBJ/admin_key" "$OBJ/known_hosts" /usr rec \
    < "$OBJ/hold.in" > "$OBJ/hold.out" 2>&1 &
hold_pid=$!
exec 4> "$OBJ/hold.in"
i=0
until grep -q '^ready' "$OBJ/hold.out"; do
	i=$((i + 1)); [ $i -le 100 ] || fatal "connection not ready"; sleep 0.1
done
mark=$(wc -l < "$OBJ/metasafed.log")
for s in USR1 USR2 USR1 USR2; do
	kill -"$s" "$DAEMON_PID" || fail "kill -$s failed"
done
sleep 0.5
pid_alive "$DAEMON_PID" || fatal "daemon died of SIGUSR1/SIGUSR2"
port_listening "$DAEMON_PORT" || fail "daemon stopped listening"
[ "$(ms get /usr rec)" = v ] || fail "daemon no longer serves"
tail -n "+$((mark + 1))" "$OBJ/metasafed.log" | grep -q 'SIGHUP\|SIGTERM' &&
    fail "SIGUSR1/2 acted as SIGHUP or SIGTERM"
exec 4>&-
wait "$hold_pid" || fail "the live connection did not survive SIGUSR1/2"
exit 0
