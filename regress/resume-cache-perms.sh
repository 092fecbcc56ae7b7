#!/bin/bash
# A ResumptionCache that others could read is refused before anything is
# sent; the file the client writes is 0600.
. "$(dirname "$0")/test-exec.sh"
tid "session resumption: the cache file must be private"

start_daemon
cache=$OBJ/ticket
ms -o ResumptionCache="$cache" status > /dev/null || fail "status failed"
[ "$(stat -c %a "$cache")" = 600 ] || fail "cache written $(stat -c %a "$cache")"
n=$(grep -c 'op=auth' "$OBJ/metasafed.log")
chmod 640 "$cache"
ms -o ResumptionCache="$cache" status > "$OBJ/out" 2>&1
st=$?
[ $st -eq 1 ] || fail "a group-readable cache: exit $st, not 1"
grep -q 'resumption cache is not a private file' "$OBJ/out" ||
    fail "no word on the cache: $(cat "$OBJ/out")"
[ "$(grep -c 'op=auth\|op=resume' "$OBJ/metasafed.log")" = "$n" ] ||
    fail "the client connected anyway"
