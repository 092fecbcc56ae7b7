#!/bin/bash
# The store's file system fills up, or turns read-only, under a running
# daemon (fault injection: an LD_PRELOAD shim fails the data file's writes
# with the errno named in a trigger file).  ENOSPC and EIO answer
# STORE_FULL (client exit 7), EROFS answers STORE_UNAVAILABLE (exit 8),
# each audited and logged with its cause; reads keep working, nothing
# acknowledged is lost, nothing refused appears, and writes work again
# once the disk is back.
. "$(dirname "$0")/test-exec.sh"
tid "disk full and read-only store: STORE_FULL, STORE_UNAVAILABLE, no loss"

SHIM=$BUILD/regress/shim/failwrite.so
[ -f "$SHIM" ] || fatal "no fault-injection shim $SHIM (make regress builds it)"
TRIGGER=$OBJ/failwrite

export FAILWRITE_TRIGGER=$TRIGGER
export ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0"
export LD_PRELOAD=$SHIM
start_daemon
unset LD_PRELOAD
grep -q failwrite.so "/proc/$DAEMON_PID/maps" ||
    fatal "the shim is not loaded into metasafed"

printf 'kept-plain' | ms set /disk plain || fatal "set plain"
printf 'kept-secret' | ms set -s /disk secret || fatal "set secret"

# expect_refusal ERRNO EXIT CLIENT-MESSAGE STATUS LOG-CAUSE RECORD
expect_refusal() {
	echo "$1" > "$TRIGGER"
	printf 'refused' | ms set /disk "$6" 2> "$OBJ/set.err"
	_st=$?
	[ $_st -eq "$2" ] ||
	    fail "$1: set exit $_st, want $2: $(cat "$OBJ/set.err")"
	grep -q "$3" "$OBJ/set.err" ||
	    fail "$1: client message: $(cat "$OBJ/set.err")"
	wait_log "audit: result=$4 peer=[^ ]* op=set principal=admin path=/disk record=$6"
	grep -q "store: commit: $5; nothing was changed" "$OBJ/metasafed.log" ||
	    fail "$1: no log line naming the cause '$5'"
	# Reads are not writes: they keep working.
	[ "$(ms get /disk plain)" = kept-plain ] || fail "$1: plain unreadable"
	[ "$(ms get /disk secret)" = kept-secret ] ||
	    fail "$1: secret unreadable"
	rm -f "$TRIGGER"
}
expect_refusal ENOSPC 7 "store full" STORE_FULL \
    "No space left on device" nospc
expect_refusal EIO 7 "store full" STORE_FULL \
    "Input/output error" eio
expect_refusal EROFS 8 "store unavailable" STORE_UNAVAILABLE \
    "Read-only file system" erofs

# The disk is back: the same connection type writes again.
printf 'after' | ms set /disk after || fail "set after the disk came back"
stop_daemon

# Restarted without the shim: what was acknowledged is there, nothing
# refused is, and the store verifies.
start_daemon
[ "$(ms get /disk plain)" = kept-plain ] || fail "plain lost"
[ "$(ms get /disk secret)" = kept-secret ] || fail "secret lost"
[ "$(ms get /disk after)" = after ] || fail "after lost"
for r in nospc eio erofs; do
	ms get /disk "$r" > /dev/null 2>&1
	[ $? -eq 5 ] || fail "refused record $r exists"
done
stop_daemon
exit 0
