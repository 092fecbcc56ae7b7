#!/bin/bash
# Workers do not outlive a crashed monitor: after a kill -9 of metasafed
# with five idle, authenticated sessions, every worker is gone within a
# second (PR_SET_PDEATHSIG, set after the privilege drop; and the session
# loop's watch on the monitor channel, test_session.c).
. "$(dirname "$0")/test-exec.sh"
tid "kill -9 of the monitor: no worker of an idle session survives it"

HOLD=$BUILD/regress/progs/hold-conn
need_prog "$HOLD"
N=5

start_daemon
printf 'v' | ms set /app/db host || fatal "set failed"

# Five sessions that authenticate, read once and then sit idle.
hpids=
for i in $(seq 1 $N); do
	mkfifo "$OBJ/hold$i.in" || fatal "mkfifo"
	"$HOLD" "$DAEMON_PORT" "$OBJ/admin_key" "$OBJ/known_hosts" /app/db host \
	    < "$OBJ/hold$i.in" > "$OBJ/hold$i.out" 2>&1 &
	hpids="$hpids $!"
	eval "exec $((9 + i))> \"\$OBJ/hold$i.in\""
done
add_cleanup "for p in $hpids; do kill \$p 2>/dev/null; done"
for i in $(seq 1 $N); do
	wait_file "$OBJ/hold$i.out" '^ready' "session $i not ready"
done
wait_for_workers $N
workers=$(worker_pids | tr '\n' ' ')
[ "$(echo $workers | wc -w)" = $N ] ||
    fatal "want $N workers, have: $workers"
for w in $workers; do
	grep -q '^Seccomp:[[:space:]]*2$' "/proc/$w/status" ||
	    fail "worker $w is not confined yet"
done
# The pooled workers, waiting for a connection, must not survive it either.
pooled=$(pooled_pids | tr '\n' ' ')
[ -n "$pooled" ] || fatal "no pooled worker to watch"
workers="$workers $pooled"

# The crash.  Wait for the event with a generous bound, then assert.
t0=$(date +%s%N)
kill -KILL "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null
DAEMON_PID=
left=$workers
for _i in $(seq 1 200); do
	still=
	for w in $left; do
		pid_alive "$w" && still="$still $w"
	done
	left=$still
	[ -z "$left" ] && break
	sleep 0.05
done
t1=$(date +%s%N)
ms_gone=$(( (t1 - t0) / 1000000 ))
trace "workers gone after $ms_gone ms (left: ${left:-none})"
if [ -n "$left" ]; then
	fail "workers$left still alive 10 s after the monitor's kill -9"
	for w in $left; do kill -KILL "$w" 2>/dev/null; done
elif [ "$ms_gone" -gt 1000 ]; then
	fail "workers outlived the monitor by $ms_gone ms (> 1 s)"
fi

# Closing the sessions' stdin: each client ends (its server is gone).
for i in $(seq 1 $N); do
	eval "exec $((9 + i))>&-"
done
