#!/bin/bash
# A daemon makes new ticket keys when it starts: a ticket from another
# daemon (here the same one before a restart) does not open.
. "$(dirname "$0")/test-exec.sh"
tid "session resumption: a ticket from another daemon is refused"

start_daemon
cache=$OBJ/ticket
printf 'v1' | ms -o ResumptionCache="$cache" set /app x || fail "set failed"
stop_daemon
start_daemon
[ "$(ms -o ResumptionCache="$cache" get /app x)" = v1 ] || fail "get failed"
resume_refused "ticket key unknown (another daemon, a restart, or expired)"
wait_log 'audit: result=allowed peer=[^ ]* op=auth principal=admin'
