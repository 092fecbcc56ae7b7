#!/bin/bash
# A worker's memory is bounded (RLIMIT_DATA = W_DATA_MAX, worker/worker.h)
# and the OOM killer picks workers before the monitor (oom_score_adj 1000):
# the largest legal requests still work, and a worker that allocates
# without end is refused, dies alone, and the monitor keeps serving.
. "$(dirname "$0")/test-exec.sh"
tid "worker memory bound and oom_score_adj; a runaway worker dies alone"

# worker.h: W_DATA_BASE 16 MiB + W_DATA_FRAMES 16 * MS_FRAME_MAX.
W_DATA_MAX=$(( (16 << 20) + 16 * (1024 * 1024 + 32 * 1024) ))
# A sanitizer build has no RLIMIT_DATA (ASan's shadow memory counts as
# data; sandbox/limits.c): there the test checks that documented
# difference instead, and everything else the same.
WANT_LIM="$W_DATA_MAX $W_DATA_MAX"
[ "${SANITIZE:-0}" = 1 ] && WANT_LIM="unlimited unlimited"

start_rogue_daemon "MaxValueSize 1048576"

# A live, confined worker (it execs the real one for a normal client).
printf x | ms set /app/db host || fail "set failed"
hold_conn /app/db host
pid=$(worker_pids | head -n 1)
[ -n "$pid" ] || fatal "no worker for the held connection"
[ "$(cat "/proc/$pid/oom_score_adj")" = 1000 ] ||
    fail "worker oom_score_adj is $(cat "/proc/$pid/oom_score_adj"), want 1000"
lim=$(awk '/^Max data size/ { print $4 " " $5 }' "/proc/$pid/limits")
[ "$lim" = "$WANT_LIM" ] ||
    fail "worker data limit is '$lim', want $WANT_LIM (soft, hard)"
mon_adj=$(cat "/proc/$DAEMON_PID/oom_score_adj")
[ "$mon_adj" != 1000 ] || fail "the monitor's oom_score_adj is 1000 too"
release_conn || fail "held session did not end cleanly"

# The largest legal requests fit: a MaxValueSize value, SECURE and plain.
head -c 1048576 /dev/urandom > "$OBJ/big"
ms set -s /big sec < "$OBJ/big" || fail "SECURE set of 1 MiB failed"
ms get /big sec > "$OBJ/big.out" || fail "SECURE get of 1 MiB failed"
cmp -s "$OBJ/big" "$OBJ/big.out" || fail "SECURE 1 MiB value differs"
ms set /big plain < "$OBJ/big" || fail "plain set of 1 MiB failed"
ms get /big plain > "$OBJ/big.out" || fail "plain get of 1 MiB failed"
cmp -s "$OBJ/big" "$OBJ/big.out" || fail "plain 1 MiB value differs"

# A runaway worker: refused below the bound, exits, nobody else notices.
rogue sandboxed-alloc
rogue_has "try alloc"
if [ "${SANITIZE:-0}" = 1 ]; then
	# Unbounded there: the rogue stops itself at four times the bound.
	rogue_has "survived alloc of $(( (4 * W_DATA_MAX + (1 << 20) - 1) >> 20 )) MiB"
else
	rogue_lacks "survived alloc.*"
	mib=$(sed -n 's/^alloc refused after \([0-9]*\) MiB$/\1/p' "$OBJ/rogue.out")
	[ -n "$mib" ] ||
	    fail "no refusal report: $(tr '\n' '|' < "$OBJ/rogue.out")"
	[ -n "$mib" ] && [ "$mib" -le $((W_DATA_MAX >> 20)) ] ||
	    fail "allocation refused only after $mib MiB"
	wait_log "worker [0-9]* (127\.0\.0\.1:[0-9]*) exited with status 3"
fi
daemon_healthy
ms get /big sec > "$OBJ/big.out" && cmp -s "$OBJ/big" "$OBJ/big.out" ||
    fail "the monitor no longer serves the 1 MiB SECURE value"
