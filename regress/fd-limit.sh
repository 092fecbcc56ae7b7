#!/bin/bash
# MaxSessions is held to what the descriptor limit allows.  Start-up
# raises the soft RLIMIT_NOFILE to the hard limit; -t and start-up warn
# when MaxSessions is above what the descriptors allow, and the daemon
# lowers it; connections past the limit get LIMIT_REACHED, never a reset
# or INTERNAL_ERROR from a failed spawn.
. "$(dirname "$0")/test-exec.sh"
tid "descriptor limit: soft raised, MaxSessions clamped, LIMIT_REACHED"
need_tool prlimit

REAL_METASAFED=$METASAFED
# with_ulimit ARGS: a metasafed that starts under "ulimit ARGS".
with_ulimit() {
	printf '#!/bin/bash\nulimit %s || exit 99\nexec %s "$@"\n' "$*" \
	    "$REAL_METASAFED" > "$OBJ/metasafed-ulimit"
	chmod 0755 "$OBJ/metasafed-ulimit"
	METASAFED=$OBJ/metasafed-ulimit
}

# 1. The soft limit is raised to the hard one.
with_ulimit -S -n 256
start_daemon
read -r soft hard <<EOF2
$(prlimit --pid "$DAEMON_PID" --nofile --noheadings --output SOFT,HARD)
EOF2
[ "$soft" = "$hard" ] || fail "soft limit $soft not raised to the hard limit $hard"
[ "$soft" != 256 ] || fail "soft limit still 256"
stop_daemon

# 2. -t reports a MaxSessions the descriptors cannot carry:
#    (200 - 64 reserved) / 2 per session = 68.
with_ulimit -n 200
conf_set "$OBJ/metasafed_config" MaxSessions 2000
conf_set "$OBJ/metasafed_config" PerSourceMaxStartups 1000
conf_set "$OBJ/metasafed_config" MaxStartups 1000
conf_set "$OBJ/metasafed_config" LoginGraceTime 120
"$METASAFED" -t -f "$OBJ/metasafed_config" > "$OBJ/t.out" 2>&1 ||
    fail "-t failed: $(cat "$OBJ/t.out")"
grep -q "MaxSessions 2000 exceeds what the descriptor limit allows.*at most 68 sessions" \
    "$OBJ/t.out" || fail "-t does not report the clamp: $(cat "$OBJ/t.out")"

# 3. Start-up clamps it; 80 silent connections: 68 get a worker, 12 a
#    LIMIT_REACHED alert.
start_daemon
wait_log "warning: MaxSessions 2000 lowered to 68 for 200 descriptors"
fds=
i=0
while [ $i -lt 80 ]; do
	exec {fd}<>"/dev/tcp/127.0.0.1/$DAEMON_PORT" || fatal "connect $i"
	fds="$fds $fd"
	i=$((i + 1))
done
i=0
while [ "$(worker_pids | wc -l)" -lt 68 ]; do
	i=$((i + 1))
	[ $i -le 600 ] || fatal "only $(worker_pids | wc -l) workers after 60 s"
	sleep 0.1
done
i=0
while [ "$(grep -c 'refusing .*: MaxSessions (68) reached' "$OBJ/metasafed.log")" -lt 12 ]; do
	i=$((i + 1))
	[ $i -le 600 ] || fatal "fewer than 12 refusals logged after 60 s"
	sleep 0.1
done
# Read all at once: a refused one ends at once, a served one waits.
readers=
for fd in $fds; do
	timeout 3 head -c 200 <&"$fd" > "$OBJ/answer.$fd" &
	readers="$readers $!"
done
# shellcheck disable=SC2086
wait $readers
n=$(grep -la "too many sessions" "$OBJ"/answer.* | wc -l)
[ "$n" -eq 12 ] || fail "$n connections got the LIMIT_REACHED alert, want 12"
[ "$(worker_pids | wc -l)" -eq 68 ] ||
    fail "$(worker_pids | wc -l) workers, want 68"
grep -q 'cannot start a worker\|could not be started\|INTERNAL' "$OBJ/metasafed.log" &&
    fail "a spawn failed instead of a LIMIT_REACHED: $(grep 'cannot start\|could not be' "$OBJ/metasafed.log" | head -3)"
for fd in $fds; do
	exec {fd}<&-
done
# Once they are gone the daemon serves normally again.
i=0
while [ "$(worker_pids | wc -l)" -gt 0 ]; do
	i=$((i + 1))
	[ $i -le 600 ] || fatal "workers of closed connections still running"
	sleep 0.1
done
daemon_healthy
stop_daemon
METASAFED=$REAL_METASAFED
exit 0
