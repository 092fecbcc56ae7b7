#!/bin/bash
# A ticket opens once: a copy of a spent ticket is refused ("already
# used"), and the client then logs in in full.
. "$(dirname "$0")/test-exec.sh"
tid "session resumption: a replayed ticket is refused"

start_daemon
cache=$OBJ/ticket
printf 'v1' | ms -o ResumptionCache="$cache" set /app x || fail "set failed"
cp "$cache" "$OBJ/copy" || fatal "cp"
[ "$(ms -o ResumptionCache="$cache" get /app x)" = v1 ] || fail "resumed get"
wait_log 'audit: result=allowed peer=[^ ]* op=resume principal=admin'
cp "$OBJ/copy" "$cache" || fatal "cp"
out=$(ms -o ResumptionCache="$cache" get /app x) || fail "get after replay ($?)"
[ "$out" = v1 ] || fail "get after replay returned '$out'"
resume_refused "ticket already used"
wait_log 'audit: result=allowed peer=[^ ]* op=auth principal=admin'
[ "$(grep -c 'result=allowed peer=[^ ]* op=resume' "$OBJ/metasafed.log")" = 1 ] ||
    fail "the replayed ticket resumed"
