#!/bin/bash
# A ticket from a full login resumes the next connection, which reads the
# record back; the resumed login is audited as such and a new ticket
# replaces the spent one in the 0600 cache.
. "$(dirname "$0")/test-exec.sh"
tid "session resumption: resume and read"

start_daemon
cache=$OBJ/ticket
printf 'v1' | ms -o ResumptionCache="$cache" set /app x ||
    fail "set with a cache failed ($?)"
[ -f "$cache" ] || fail "no ticket was cached"
[ "$(stat -c %a "$cache")" = 600 ] || fail "cache mode $(stat -c %a "$cache")"
grep -q 'op=resume' "$OBJ/metasafed.log" && fail "first login was a resumption"
before=$(md5sum < "$cache")
out=$(ms -o ResumptionCache="$cache" get /app x) || fail "resumed get failed ($?)"
[ "$out" = v1 ] || fail "resumed get returned '$out'"
wait_log 'audit: result=allowed peer=[^ ]* op=resume principal=admin'
grep -q 'authenticated .* as admin, cipher .*, resumed' "$OBJ/metasafed.log" ||
    fail "worker did not log a resumed login"
[ "$(md5sum < "$cache")" != "$before" ] || fail "the spent ticket was kept"
# Without the option nothing is asked for and nothing written.
ms get /app x > /dev/null || fail "plain get failed"
n=$(grep -c 'op=resume' "$OBJ/metasafed.log")
[ "$n" = 1 ] || fail "$n resumptions, expected 1"
