#!/bin/bash
# WorkerPoolSize 0: no worker is started ahead of demand; each connection
# gets a worker started for it, handed its socket at once, and is served.
. "$(dirname "$0")/test-exec.sh"
tid "pool: WorkerPoolSize 0 starts a worker per connection and serves"

start_daemon "WorkerPoolSize 0"
"$METASAFED" -T -f "$OBJ/metasafed_config" | grep -qx 'workerpoolsize 0' ||
    fail "-T does not show workerpoolsize 0"
[ -z "$(pooled_pids)" ] || fail "pooled workers with WorkerPoolSize 0: $(pooled_pids)"
printf 'zero' | ms set -s /pz rec || fail "set failed"
[ "$(ms get /pz rec)" = zero ] || fail "get failed"
ms status > /dev/null || fail "status failed"
[ "$(conn_pids | wc -l)" -eq 3 ] || fail "want 3 connections logged: $(conn_pids)"
[ "$(conn_pids | sort -u | wc -l)" -eq 3 ] ||
    fail "a worker served two connections: $(conn_pids)"
log_has "started worker"
grep -q "ready in the pool" "$OBJ/metasafed.log" &&
    fail "a worker waited in the pool with WorkerPoolSize 0"
[ -z "$(pooled_pids)" ] || fail "pooled workers with WorkerPoolSize 0: $(pooled_pids)"
exit 0
