#!/bin/bash
# I6: oversize lengths, garbage, unknown requests and a worker that stops
# mid-request kill only that worker; the daemon keeps serving.
. "$(dirname "$0")/test-exec.sh"
tid "rogue worker: garbage and oversize requests kill only that worker"

start_rogue_daemon
printf 'kept' | ms set /k v || fatal "set"
rogue oversize
rogue_has "try oversize"
rogue_lacks "alive"
log_has "bad frame"
daemon_healthy

rogue garbage
rogue_has "try garbage"
rogue_lacks "alive"
daemon_healthy

rogue unknown-request
rogue_has "try unknown"
rogue_lacks "ok unknown"
log_has "unknown request type 0x7e"
daemon_healthy

rogue stop-mid-request
rogue_has "ok half-sent"
daemon_healthy
[ "$(ms get /k v)" = kept ] || fail "store changed"
