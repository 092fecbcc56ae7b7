#!/bin/bash
# IdleTimeout ends an authenticated session that sends no request, so a
# principal with no rights cannot hold the MaxSessions slots with idle
# sessions; the monitor enforces it, and new sessions get in again.
. "$(dirname "$0")/test-exec.sh"
tid "IdleTimeout ends idle authenticated sessions"

make_admin_key
add_principal nobody
# Long enough that the "slot is taken" check below cannot race it.
start_daemon "MaxSessions 1" "IdleTimeout 8"
"$METASAFED" -T -f "$OBJ/metasafed_config" | grep -qx 'idletimeout 8' ||
    fail "-T does not show idletimeout 8"
printf 'v' | ms set /idle rec || fatal "set"
# MaxSessions 1: the set's session must be gone before the next one.
i=0
while [ -n "$(worker_pids)" ]; do
	i=$((i + 1))
	[ $i -le 100 ] || fatal "the set's worker is still there"
	sleep 0.1
done
hold_conn /idle rec
# The slot is taken...
ms status > /dev/null 2>&1 && fail "MaxSessions 1 admitted a second session"
# ...until the idle session is ended by the monitor.
i=0
until grep -q "killing worker [0-9]* (127.0.0.1:[0-9]*): session idle longer than IdleTimeout" \
    "$OBJ/metasafed.log"; do
	i=$((i + 1))
	[ $i -le 600 ] || fatal "the idle session was not ended within 60 s"
	sleep 0.1
done
i=0
while [ -n "$(worker_pids)" ]; do
	i=$((i + 1))
	[ $i -le 100 ] || fatal "the idle session's worker is still there"
	sleep 0.1
done
release_conn
ms status > /dev/null || fail "no session admitted after the idle one ended"
stop_daemon
exit 0
