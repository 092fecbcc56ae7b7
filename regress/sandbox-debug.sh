#!/bin/bash
# A forbidden syscall in a sandboxed worker kills it (SIGSYS, logged by the
# monitor); with SandboxDebug yes it is trapped and reported by name through
# the monitor's log channel instead.
. "$(dirname "$0")/test-exec.sh"
tid "sandbox: kill in production, trap-and-report in debug mode"

start_rogue_daemon
rogue sandboxed-syscall
rogue_has "try socket"
rogue_lacks "survived socket.*"
wait_log "killed by the sandbox (SIGSYS)"
daemon_healthy
grep -q 'trapped syscall' "$OBJ/metasafed.log" &&
    fail "production mode reported a trap"
"$METASAFED" -T -f "$OBJ/metasafed_config" | grep -q '^sandboxdebug no$' ||
    fail "SandboxDebug is not off by default"

stop_daemon
printf 'SandboxDebug yes\n' >> "$OBJ/metasafed_config"
start_daemon
rogue sandboxed-syscall
rogue_has "try socket"
grep -q '^survived socket' "$OBJ/rogue.out" ||
    fail "debug mode killed the worker: $(cat "$OBJ/rogue.out")"
log_has "socket"
grep -E 'worker [0-9]+ .*(trapped|sandbox).*socket' "$OBJ/metasafed.log" >/dev/null ||
    fail "the trapped syscall was not reported by name through the monitor"
daemon_healthy
