#!/bin/bash
# A compromised worker that fails authentication on purpose and then stays
# (to hold a session slot past LoginGraceTime) is killed within seconds of
# the refusal; the slot is free again and the daemon keeps serving.
. "$(dirname "$0")/test-exec.sh"
tid "rogue worker: a refused login cannot hold its session slot"

make_admin_key
add_principal mallory
start_rogue_daemon "MaxSessions 1"

# The rogue reports "still alive" 10 s after the refusal unless killed.
rogue linger-refused "$OBJ/mallory_key" "$OBJ/admin_key"
rogue_has "status auth 9"
rogue_lacks "still alive"
wait_log "killing worker .*: still running after its login was refused"
i=0
while [ -n "$(worker_pids)" ]; do
	i=$((i + 1))
	[ $i -le 100 ] || fatal "the refused worker still holds its slot"
	sleep 0.1
done
daemon_healthy
exit 0
