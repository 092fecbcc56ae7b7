#!/bin/bash
# Hundreds of idle authenticated sessions do not stop the monitor from
# serving new ones, and large answers do not pin memory: after 50 readers
# of a 1 MiB value (still connected) the monitor's RSS stays within a
# bound set by its buffer-shrink design, far below what 50 sessions each
# keeping a 1 MiB answer buffer would hold.
. "$(dirname "$0")/test-exec.sh"
tid "200 idle sessions: new sessions served; 1 MiB readers pin no memory"
need_prog "$BUILD/regress/progs/hold-many"

IDLE=200
READERS=50
start_daemon "MaxSessions 300" "PerSourceMaxStartups 300" \
    "MaxStartups 300" "MaxValueSize 1048576"
printf 'v' | ms set /idle rec || fatal "set"
head -c 1048576 /dev/urandom > "$OBJ/big"
ms set -s /big sec < "$OBJ/big" || fatal "SECURE set of 1 MiB"

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$DAEMON_PID/status"; }

# hold NAME PATH RECORD N: N sessions in one process, each past one GET.
hold() {
	rm -f "$OBJ/$1.in"
	mkfifo "$OBJ/$1.in" || fatal "mkfifo"
	"$BUILD/regress/progs/hold-many" "$DAEMON_PORT" "$OBJ/admin_key" \
	    "$OBJ/known_hosts" "$2" "$3" "$4" \
	    < "$OBJ/$1.in" > "$OBJ/$1.out" 2>&1 &
	eval "${1}_PID=$!"
	add_cleanup "kill $! 2>/dev/null"
}
# wait_out NAME PATTERN: its output has PATTERN (generous: a loaded box
# may take a while for hundreds of handshakes).
wait_out() {
	_i=0
	until grep -q -- "$2" "$OBJ/$1.out" 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -le 3000 ] ||
		    fatal "$1: no '$2': $(tr '\n' '|' < "$OBJ/$1.out")"
		grep -q '^error\|^hold-many:' "$OBJ/$1.out" 2>/dev/null &&
		    fatal "$1: $(tr '\n' '|' < "$OBJ/$1.out")"
		sleep 0.1
	done
}

hold idle /idle rec $IDLE
exec 5> "$OBJ/idle.in"
wait_out idle "^ready $IDLE\$"

# A new session, and a GET on it, while they are all held.
[ "$(ms get /idle rec)" = v ] || fail "get with $IDLE idle sessions failed"
ms status > /dev/null || fail "status with $IDLE idle sessions failed"
# The idle ones are all still served.
echo get >&5
wait_out idle "^got $IDLE\$"

rss0=$(rss_kb)
hold big /big sec $READERS
exec 6> "$OBJ/big.in"
wait_out big "^ready $READERS\$"
rss1=$(rss_kb)
verbose "monitor RSS: $rss0 kB with $IDLE idle, $rss1 kB with $READERS 1 MiB readers more"
# Each answer grows a worker's channel and scratch buffers to 1 MiB for
# its frame; then they are wiped and shrunk to 16 KiB each (CHAN_BUF_KEEP
# in monitor/server.c): 50 readers x 4 buffers x 16 KiB = 3.2 MiB, plus the
# value's store pages (1 MiB) and allocator slack.  16 MiB allows that
# twice over; without the shrink the 50 answer buffers alone hold 50 MiB.
# A sanitizer build keeps freed blocks in quarantine, so RSS says nothing.
if [ "${SANITIZE:-0}" != 1 ]; then
	[ $((rss1 - rss0)) -le $((16 * 1024)) ] ||
	    fail "monitor RSS grew by $((rss1 - rss0)) kB after $READERS 1 MiB readers (bound 16384 kB)"
fi
ms get /big sec > "$OBJ/big.out" && cmp -s "$OBJ/big" "$OBJ/big.out" ||
    fail "the 1 MiB value no longer reads back"

exec 6>&-
wait "$big_PID" || fail "the 1 MiB readers did not end cleanly"
exec 5>&-
wait "$idle_PID" || fail "the idle sessions did not end cleanly"
daemon_healthy
