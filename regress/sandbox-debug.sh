#!/bin/bash
# A forbidden syscall in a sandboxed worker kills it (SIGSYS, logged by the
# monitor), also under -d, which is debug logging only; with SandboxDebug
# yes it is trapped and reported by name through the monitor's log channel
# instead, and the daemon warns at start-up and on every connection.
. "$(dirname "$0")/test-exec.sh"
tid "sandbox: kill in production and under -d, trap-and-report only with SandboxDebug"

WARNING='SandboxDebug yes: a forbidden system call in a worker is reported'

# killed MODE: the rogue worker's socket() ended it with SIGSYS, unreported.
killed() {
	rogue sandboxed-syscall
	rogue_has "try socket"
	rogue_lacks "survived socket.*"
	wait_log "killed by the sandbox (SIGSYS)"
	daemon_healthy
	grep -q 'trapped syscall' "$OBJ/metasafed.log" &&
	    fail "$1: a trap was reported"
	grep -q "$WARNING" "$OBJ/metasafed.log" &&
	    fail "$1: the SandboxDebug warning without SandboxDebug"
}

start_rogue_daemon
killed "production"
"$METASAFED" -T -f "$OBJ/metasafed_config" | grep -q '^sandboxdebug no$' ||
    fail "SandboxDebug is not off by default"

# -d: debug logging and the foreground, nothing else (as in sshd).
stop_daemon
: > "$OBJ/metasafed.log"
DAEMON_FLAGS=-d start_daemon
killed "-d"
"$METASAFED" -d -T -f "$OBJ/metasafed_config" 2>/dev/null |
    grep -q '^sandboxdebug no$' || fail "-d turns SandboxDebug on"

stop_daemon
: > "$OBJ/metasafed.log"
printf 'SandboxDebug yes\n' >> "$OBJ/metasafed_config"
"$METASAFED" -t -f "$OBJ/metasafed_config" > "$OBJ/t.out" 2>&1 ||
    fail "-t refused SandboxDebug yes: $(cat "$OBJ/t.out")"
grep -q "warning: $WARNING" "$OBJ/t.out" ||
    fail "-t does not warn about SandboxDebug yes: $(cat "$OBJ/t.out")"
start_daemon
[ "$(grep -c "warning: $WARNING" "$OBJ/metasafed.log")" = 1 ] ||
    fail "no single start-up warning for SandboxDebug yes"
rogue sandboxed-syscall
rogue_has "try socket"
grep -q '^survived socket' "$OBJ/rogue.out" ||
    fail "debug mode killed the worker: $(cat "$OBJ/rogue.out")"
log_has "socket"
grep -E 'worker [0-9]+ .*(trapped|sandbox).*socket' "$OBJ/metasafed.log" >/dev/null ||
    fail "the trapped syscall was not reported by name through the monitor"
daemon_healthy
ms status > /dev/null || fail "status under SandboxDebug"
# Three connections (rogue, two status), three warnings naming their worker.
n=$(grep -Ec "warning: connection from 127\.0\.0\.1:[0-9]+: worker [0-9]+: $WARNING" \
    "$OBJ/metasafed.log")
[ "$n" = 3 ] || fail "$n per-connection SandboxDebug warnings, want 3"
