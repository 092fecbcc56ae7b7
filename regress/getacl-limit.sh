#!/bin/bash
# GETACL lists a node's entries and all it inherits, which can outgrow one
# response (here 60 levels of 256 entries with 64-byte names, about 1.2
# MB).  The answer is LIMIT_REACHED, not a killed worker or an internal
# error; a shallower node still answers in full.
. "$(dirname "$0")/test-exec.sh"
tid "GETACL too large for one response: LIMIT_REACHED"

start_daemon
pad=$(head -c 59 /dev/zero | tr '\0' p)
args=
i=0
while [ $i -lt 256 ]; do
	args="$args $(printf 'u%03d' $i)$pad=rl"
	i=$((i + 1))
done
path=
d=0
while [ $d -lt 60 ]; do
	d=$((d + 1))
	path=$path/n$d
	printf 'v' | ms set "$path" rec > /dev/null || fatal "set $path"
	# shellcheck disable=SC2086
	ms acl set "$path" inherit=yes $args > /dev/null || fatal "acl set $path"
	[ $d -eq 10 ] && shallow=$path
done
ms acl get "$shallow" > "$OBJ/shallow" || fail "acl get of a 10-level node"
[ "$(grep -c "^u[0-9]*$pad rl" "$OBJ/shallow")" -eq 2560 ] ||
    fail "shallow: $(grep -c "^u[0-9]*$pad rl" "$OBJ/shallow") entries, want 2560"
ms acl get "$path" > /dev/null 2> "$OBJ/deep.err"
st=$?
[ $st -eq 2 ] || fail "deep acl get: exit $st, want 2: $(cat "$OBJ/deep.err")"
grep -q 'LIMIT_REACHED\|limit reached' "$OBJ/deep.err" || fail "deep: $(cat "$OBJ/deep.err")"
grep -q 'killing worker' "$OBJ/metasafed.log" && fail "a worker was killed"
daemon_healthy
exit 0
