#!/bin/bash
# A worker that crashes with a request in flight (the monitor's answer
# unread, so the monitor's read fails first) is logged with the signal
# that really ended it, not only as a failed read.
. "$(dirname "$0")/test-exec.sh"
tid "a worker crashing mid-request is logged with its real signal"

start_rogue_daemon
rogue abort-unread
rogue_has "try abort"
wait_log "worker [0-9]* (.*) died of signal 6 (Aborted)"
daemon_healthy
exit 0
