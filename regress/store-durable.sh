#!/bin/bash
# Writes are acknowledged only once their commit is on disk, and that
# commit runs off the event loop (fault injection: an LD_PRELOAD shim
# fails or stalls the data file's fdatasync).
#  - A sync that fails: the SET is refused (STORE_FULL), and nothing of it
#    is stored; eight writers at once all get refusals, none an ack.
#  - A sync that stalls: a GET on another connection is answered while the
#    SET still waits for its answer, which comes once the disk moves.
#  - SIGTERM while a SET waits for its sync: it is answered and kept.
#  - kill -9 of the daemon under eight writers: after a restart every
#    acknowledged SET is there.
. "$(dirname "$0")/test-exec.sh"
tid "durable SETs: ack after commit, reads not behind a stalled sync, kill -9"

SHIM=$BUILD/regress/shim/slowsync.so
SW=$BUILD/regress/progs/set-writers
[ -f "$SHIM" ] || fatal "no fault-injection shim $SHIM (make regress builds it)"
need_prog "$SW"
export SLOWSYNC_FAIL=$OBJ/sync-fail SLOWSYNC_STALL=$OBJ/sync-stall
export ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0"
export LD_PRELOAD=$SHIM
start_daemon
unset LD_PRELOAD
grep -q slowsync.so "/proc/$DAEMON_PID/maps" ||
    fatal "the shim is not loaded into metasafed"
sw() {
	"$SW" "$DAEMON_PORT" "$OBJ/admin_key" "$OBJ/known_hosts" "$@"
}

printf 'kept' | ms set /d plain || fatal "set plain"

# A failing sync: refused, and not stored.
touch "$SLOWSYNC_FAIL"
printf 'lost' | ms set /d failed 2> "$OBJ/set.err"
st=$?
[ $st -eq 7 ] || fail "set with a failing sync: exit $st, want 7: $(cat "$OBJ/set.err")"
wait_log "audit: result=STORE_FULL peer=[^ ]* op=set principal=admin path=/d record=failed"
sw /many 8 3 own > "$OBJ/fail.out" 2>&1 && fail "writers all succeeded"
grep -q '^ack' "$OBJ/fail.out" && fail "a SET was acknowledged without a sync"
[ "$(grep -c '^err' "$OBJ/fail.out")" -eq 8 ] ||
    fail "not every writer was refused: $(cat "$OBJ/fail.out")"
rm -f "$SLOWSYNC_FAIL"
ms get /d failed > /dev/null 2>&1
[ $? -eq 5 ] || fail "the refused SET is stored"
[ "$(ms get /d plain)" = kept ] || fail "plain lost"

# A stalled sync: the GET is answered before the SET.
touch "$SLOWSYNC_STALL"
{ printf 'late' | ms set /d stalled; echo "set exit $?" > "$OBJ/stalled.done"; } &
SETPID=$!
wait_file_exists() {
	_i=0
	while [ ! -e "$1" ]; do
		_i=$((_i + 1))
		[ $_i -le 600 ] || fatal "$2"
		sleep 0.1
	done
}
wait_file_exists "$SLOWSYNC_STALL.hit" "the SET never reached the disk sync"
got=$(timeout 60 "$METASAFE" -p "$DAEMON_PORT" -i "$OBJ/admin_key" \
    -o KnownHostsFile="$OBJ/known_hosts" get /d plain)
[ "$got" = kept ] || fail "GET during the stalled sync: '$got'"
ms ls /d > /dev/null || fail "LIST during the stalled sync"
[ -e "$OBJ/stalled.done" ] && fail "the SET was answered before its sync ended"
rm -f "$SLOWSYNC_STALL"
wait $SETPID
wait_file "$OBJ/stalled.done" "set exit 0" "the stalled SET"
[ "$(ms get /d stalled)" = late ] || fail "the stalled SET is not stored"

# SIGTERM while a write waits for its sync: it is answered, and stored,
# before the daemon exits.  (The CLI would also see the SHUTTING_DOWN
# alert that follows the answer; set-writers says when the SET's own
# answer came.)
rm -f "$SLOWSYNC_STALL.hit"
touch "$SLOWSYNC_STALL"
sw /drain 1 1 own > "$OBJ/drained.out" 2>&1 &
SETPID=$!
wait_file_exists "$SLOWSYNC_STALL.hit" "the SET never reached the disk sync"
kill -TERM "$DAEMON_PID"
wait_log "SIGTERM: closing listeners"
grep -q '^ack' "$OBJ/drained.out" &&
    fail "the SET was answered before its sync ended"
rm -f "$SLOWSYNC_STALL"
wait $SETPID
grep -q '^ack 0 0 1$' "$OBJ/drained.out" ||
    fail "the SET in flight at SIGTERM: $(cat "$OBJ/drained.out")"
_i=0
while pid_alive "$DAEMON_PID"; do
	_i=$((_i + 1))
	[ $_i -le 300 ] || fatal "the daemon did not exit after SIGTERM"
	sleep 0.1
done
wait "$DAEMON_PID" 2>/dev/null
DAEMON_PID=
start_daemon
[ "$(ms get /drain w0)" = 0:0 ] || fail "the SET in flight at SIGTERM is lost"

# kill -9 under eight writers: every acknowledged SET survives.
sw /dur 8 100000 own > "$OBJ/dur.out" 2>&1 &
SWPID=$!
add_cleanup "kill $SWPID 2>/dev/null"
_i=0
while [ "$(grep -c '^ack' "$OBJ/dur.out")" -lt 200 ]; do
	_i=$((_i + 1))
	[ $_i -le 600 ] || fatal "writers too slow: $(tail -3 "$OBJ/dur.out")"
	sleep 0.1
done
kill -KILL "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null
DAEMON_PID=
wait $SWPID
start_daemon
k=0
while [ $k -lt 8 ]; do
	last=$(awk -v k=$k '$1 == "ack" && $2 == k { i = $3 } END { print i }' \
	    "$OBJ/dur.out")
	if [ -n "$last" ]; then
		got=$(ms get /dur "w$k") || fail "w$k lost"
		[ "${got%%:*}" = "$k" ] && [ "${got#*:}" -ge "$last" ] ||
		    fail "w$k holds '$got', acknowledged up to $k:$last"
	fi
	k=$((k + 1))
done
stop_daemon
exit 0
