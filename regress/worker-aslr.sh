#!/bin/bash
# Every worker is a fresh exec with its own address-space layout (I1, and
# what a static link must not lose): metasafe-worker is ET_DYN (-static-pie
# or -pie, never -static), and two consecutive connections are served by
# different worker processes whose program text, writable data (where a
# static worker keeps libcrypto's), heap and stack bases all differ, as do
# libcrypto's when the worker is linked dynamically.
. "$(dirname "$0")/test-exec.sh"
tid "each worker is ET_DYN and gets its own ASLR layout"
need_tool readelf ss

readelf -h "$WORKER" | grep -Eq '^ *Type: *DYN ' ||
    fail "metasafe-worker is not position-independent: $(readelf -h "$WORKER" | grep Type:)"
[ "$(cat /proc/sys/kernel/randomize_va_space)" = 2 ] ||
    fatal "kernel.randomize_va_space is not 2: nothing to compare"

start_daemon
printf x | ms set /app/db host || fail "set failed"

# ASan's allocator serves malloc from its own mappings: a sanitizer build
# has no brk heap to compare (its libcrypto, dynamic there, is compared).
WANT_MAPS="text data heap stack"
[ "${SANITIZE:-0}" = 1 ] && WANT_MAPS="text data libcrypto stack"

# layout N: the bases of the worker serving the held session, "name
# address" lines into $OBJ/layout.N.
layout() {
	_pid=$(held_worker_pid)
	[ -n "$_pid" ] || fatal "no worker found for held session $1"
	echo "$_pid" > "$OBJ/pid.$1"
	awk -v exe="$(readlink -f "$WORKER")" '
	    $6 == exe && $2 ~ /x/ && !t++ { print "text", $1 }
	    $6 == exe && $2 ~ /^rw/ && !d++ { print "data", $1 }
	    $6 ~ /libcrypto/ && !c++ { print "libcrypto", $1 }
	    $6 == "[heap]" { print "heap", $1 }
	    $6 == "[stack]" { print "stack", $1 }' "/proc/$_pid/maps" |
	    sed 's/-.*//' > "$OBJ/layout.$1"
	for _k in $WANT_MAPS; do
		grep -q "^$_k " "$OBJ/layout.$1" ||
		    fail "worker $_pid: no $_k mapping in /proc/$_pid/maps"
	done
}

hold_conn /app/db host
layout 1
release_conn || fail "first held session did not end cleanly"
hold_conn /app/db host
layout 2
release_conn || fail "second held session did not end cleanly"

[ "$(cat "$OBJ/pid.1")" != "$(cat "$OBJ/pid.2")" ] ||
    fail "both connections were served by worker $(cat "$OBJ/pid.1")"
# A mapping that one worker has and the other lacks fails above; here
# every base both have must differ.
while read -r name addr; do
	other=$(awk -v n="$name" '$1 == n { print $2 }' "$OBJ/layout.2")
	[ -n "$other" ] || fail "second worker has no $name mapping"
	[ "$addr" != "$other" ] ||
	    fail "$name at $addr in both workers: no ASLR between workers"
	trace "$name: $addr / $other"
done < "$OBJ/layout.1"
exit 0
