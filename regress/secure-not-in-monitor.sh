#!/bin/bash
# A SECURE value passes through the monitor in clear (the worker opens the
# client's blob; the monitor seals it for the store, and unseals it for a
# GET).  Every monitor buffer that carried it is wiped once consumed, so
# after a GET the value is nowhere in the monitor's memory, even while
# the session that read it is still open.
. "$(dirname "$0")/test-exec.sh"
tid "SECURE values are wiped from the monitor's memory after use"
MEMSCAN=$BUILD/regress/progs/memscan
need_prog "$MEMSCAN"

start_daemon
marker="wipe-me-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '%s' "$marker" > "$OBJ/needle"
printf '%s' "$marker" | ms set -s /wipe rec || fatal "set"
[ "$(ms get /wipe rec)" = "$marker" ] || fatal "get"
i=0
while [ -n "$(worker_pids)" ]; do
	i=$((i + 1))
	[ $i -le 100 ] || fatal "workers still running"
	sleep 0.1
done
"$MEMSCAN" "$DAEMON_PID" "$OBJ/needle" > "$OBJ/scan.out" 2>&1
st=$?
[ $st -ne 2 ] || fatal "memscan failed: $(cat "$OBJ/scan.out")"
[ $st -eq 0 ] || fail "SECURE value found in the monitor: $(grep found "$OBJ/scan.out")"
# The scan sees the monitor's heap: its configuration is there.
printf '%s' "$OBJ/store" > "$OBJ/control"
"$MEMSCAN" "$DAEMON_PID" "$OBJ/control" > /dev/null 2>&1
[ $? -eq 1 ] || fail "control: StoreDirectory not found in the monitor's memory"

# While a session that read it is still open: its channel buffers must
# already be clean, not only once the worker is gone.
hold_conn /wipe rec
"$MEMSCAN" "$DAEMON_PID" "$OBJ/needle" > "$OBJ/scan2.out" 2>&1
st=$?
[ $st -ne 2 ] || fatal "memscan failed: $(cat "$OBJ/scan2.out")"
[ $st -eq 0 ] || fail "SECURE value in the monitor during a session: $(grep found "$OBJ/scan2.out")"
release_conn || fail "held connection failed"
stop_daemon
exit 0
