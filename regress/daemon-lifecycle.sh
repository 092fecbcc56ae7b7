#!/bin/bash
# Without -D the daemon detaches and writes PidFile; SIGHUP reloads the
# principals (a broken file keeps the old ones); SIGTERM stops accepting,
# lets a live connection finish, then exits 0 and removes the PidFile.
. "$(dirname "$0")/test-exec.sh"
tid "daemonise, PidFile, SIGHUP reload, SIGTERM drain"

need_prog "$BUILD/regress/progs/hold-conn"
make_admin_key
start_daemon
stop_daemon
cfg=$OBJ/metasafed_config

# Detached start: the command returns, the pid file names a live daemon.
"$METASAFED" -f "$cfg" -E "$OBJ/metasafed.log" ||
    fatal "metasafed without -D failed to start"
i=0
while [ ! -s "$OBJ/metasafed.pid" ]; do
	i=$((i + 1)); [ $i -le 50 ] || fatal "no PidFile written"; sleep 0.1
done
DAEMON_PID=$(cat "$OBJ/metasafed.pid")
pid_alive "$DAEMON_PID" || fatal "PidFile names a dead process"
[ "$(cut -d' ' -f4 < "/proc/$DAEMON_PID/stat")" = 1 ] ||
    fail "daemon did not detach (parent is not init)"
tr '\0' ' ' < "/proc/$DAEMON_PID/cmdline" | grep -q 'listener' ||
    fail "listener process title not set"
i=0
while ! port_listening "$DAEMON_PORT"; do
	i=$((i + 1)); [ $i -le 50 ] || fatal "detached daemon not listening"; sleep 0.1
done
printf 'v' | ms set /life rec || fail "set failed"

# SIGHUP: a new principal works after the reload.
add_principal carol
ms -k "$OBJ/carol_key" status > /dev/null 2>&1
[ $? -eq 3 ] || fail "carol accepted before the reload"
kill -HUP "$DAEMON_PID"
sleep 0.5
ms -k "$OBJ/carol_key" status > /dev/null || fail "carol refused after SIGHUP"
# A broken principals file is refused and the old set kept.
cp "$OBJ/principals" "$OBJ/principals.good"
echo 'broken line here' >> "$OBJ/principals"
kill -HUP "$DAEMON_PID"
sleep 0.5
grep -q 'keeping the old principals' "$OBJ/metasafed.log" ||
    fail "bad principals file not reported"
ms -k "$OBJ/carol_key" status > /dev/null || fail "old principals lost on a bad reload"
cp "$OBJ/principals.good" "$OBJ/principals"

# SIGTERM with a live connection: the listener closes, the connection may
# finish, then the daemon exits and removes its PidFile.
hold_conn /life rec
kill -TERM "$DAEMON_PID"
sleep 0.5
port_listening "$DAEMON_PORT" && fail "still listening after SIGTERM"
pid_alive "$DAEMON_PID" || fail "daemon exited before its live connection ended"
release_conn || fail "the live connection did not finish cleanly"
i=0
while pid_alive "$DAEMON_PID"; do
	i=$((i + 1)); [ $i -le 50 ] || fatal "daemon did not exit after draining"; sleep 0.1
done
DAEMON_PID=
[ -e "$OBJ/metasafed.pid" ] && fail "PidFile not removed"
grep -q 'exiting' "$OBJ/metasafed.log" || fail "shutdown not logged"
