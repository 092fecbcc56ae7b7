#!/bin/bash
# A live worker runs as PrivsepUser inside the chroot, confined by seccomp
# with no_new_privs, before it has read a single byte from the client.
. "$(dirname "$0")/test-exec.sh"
tid "worker is unprivileged, chrooted and seccomp-confined"

start_daemon
# Hold a connection open without sending anything.
exec 3<>"/dev/tcp/127.0.0.1/$DAEMON_PORT" || fatal "connect failed"
wait_for_workers 1
pid=$(worker_pids | head -n 1)
sleep 0.3	# the worker enters the sandbox right after it starts
st=/proc/$pid/status
nobody_uid=$(id -u nobody)
grep -q "^Uid:[[:space:]]*$nobody_uid[[:space:]]*$nobody_uid[[:space:]]*$nobody_uid[[:space:]]*$nobody_uid\$" "$st" ||
    fail "worker uid is not nobody: $(grep ^Uid "$st")"
grep -q '^Seccomp:[[:space:]]*2$' "$st" || fail "worker not in seccomp filter mode"
grep -q '^NoNewPrivs:[[:space:]]*1$' "$st" || fail "no_new_privs not set"
grep -q '^CapEff:[[:space:]]*0000000000000000$' "$st" || fail "worker has capabilities"
root=$(readlink "/proc/$pid/root")
[ "$root" = "$OBJ/empty" ] || fail "worker root is '$root', want $OBJ/empty"
tr '\0' ' ' < "/proc/$pid/cmdline" > "$OBJ/cmdline"
grep -q '^metasafed: worker 127.0.0.1:' "$OBJ/cmdline" || fail "process title is not 'metasafed: worker ADDR:PORT': $(cat "$OBJ/cmdline")"
exec 3<&-
