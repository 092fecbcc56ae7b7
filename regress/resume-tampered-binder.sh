#!/bin/bash
# A good ticket with a wrong secret (a stolen ticket without its secret,
# or a tampered binder) is refused, and does not use the ticket up.
. "$(dirname "$0")/test-exec.sh"
tid "session resumption: a wrong binder is refused"

start_daemon
cache=$OBJ/ticket
printf 'v1' | ms -o ResumptionCache="$cache" set /app x || fail "set failed"
cp "$cache" "$OBJ/good"
flip_byte "$cache" $(($(ticket_off "$cache" res) + 7))
[ "$(ms -o ResumptionCache="$cache" get /app x)" = v1 ] || fail "get failed"
resume_refused "bad binder"
# The owner's copy still resumes: a thief cannot burn it.
cp "$OBJ/good" "$cache"
[ "$(ms -o ResumptionCache="$cache" get /app x)" = v1 ] || fail "get failed"
wait_log 'audit: result=allowed peer=[^ ]* op=resume principal=admin'
