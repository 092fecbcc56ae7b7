#!/bin/bash
# The monitor refuses a ticket past its lifetime even when the client
# (here with its expiry moved into the future) still offers it.
. "$(dirname "$0")/test-exec.sh"
tid "session resumption: an expired ticket is refused"

start_daemon "TicketLifetime 1"
cache=$OBJ/ticket
t0=$(date +%s)
printf 'v1' | ms -o ResumptionCache="$cache" set /app x || fail "set failed"
# The client's own expiry would drop it: make it believe in 2106.
off=$(ticket_off "$cache" expires)
printf '\000\000\000\001\000\000\000\000' |
    dd of="$cache" bs=1 seek="$off" conv=notrunc 2>/dev/null
# Wait for the event: the second after the lifetime has begun.
i=0
while [ $(($(date +%s) - t0)) -lt 3 ]; do
	i=$((i + 1)); [ $i -le 100 ] || fatal "clock does not move"
	sleep 0.1
done
[ "$(ms -o ResumptionCache="$cache" get /app x)" = v1 ] || fail "get failed"
resume_refused "ticket expired"
