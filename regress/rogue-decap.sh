#!/bin/bash
# I3: decap at most once, never before the nonce exists.
. "$(dirname "$0")/test-exec.sh"
tid "rogue worker: decap twice or before hello is refused"

start_rogue_daemon
rogue decap-twice
rogue_has "ok decap"
rogue_has "try decap-again"
rogue_lacks "ok decap-again"
log_has "request decap repeated"
daemon_healthy

rogue decap-before-hello
rogue_has "try decap"
rogue_lacks "ok decap"
log_has "request decap not permitted in state"
daemon_healthy
