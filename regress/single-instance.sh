#!/bin/bash
# One daemon per StoreDirectory and per PidFile: a second one refuses with
# the holder's pid (exit 2) before touching the store or the first daemon's
# PidFile, and its exit does not remove that PidFile.  The first serves on.
. "$(dirname "$0")/test-exec.sh"
tid "single instance: a second daemon on the same store or PidFile refuses"

daemon_setup
cfg=$OBJ/metasafed_config
start_detached "$cfg"
pid=$(pidfile_pid "$OBJ/metasafed.pid")
add_cleanup "kill_pidfile_daemon $pid"
printf 'v1' | ms set /si rec || fatal "first daemon does not serve"
[ "$(cat "$OBJ/store/metasafed.lock")" = "$pid" ] ||
    fail "metasafed.lock does not hold the daemon's pid $pid: $(cat "$OBJ/store/metasafed.lock")"
[ "$(stat -c %a "$OBJ/store/metasafed.lock")" = 600 ] ||
    fail "metasafed.lock mode is $(stat -c %a "$OBJ/store/metasafed.lock")"
before=$(checksum "$OBJ/metasafed.pid")
mtime=$(stat -c %Y.%y "$OBJ/metasafed.pid")
store_before=$(checksum "$OBJ/store/data.mdb")

# Same store, another PidFile and port.
port2=$(pick_port)
sed -e "s|^Port .*|Port $port2|" -e "s|^PidFile .*|PidFile $OBJ/second.pid|" \
    "$cfg" > "$OBJ/second_config"
start_fails 2 "StoreDirectory $OBJ/store is in use by another metasafed \\(pid $pid\\)" \
    "$OBJ/second_config"
start_fails 2 "StoreDirectory $OBJ/store is in use by another metasafed \\(pid $pid\\)" \
    "$OBJ/second_config" -D -e
[ -e "$OBJ/second.pid" ] && fail "the refused daemon created its PidFile"
port_listening "$port2" && fail "the refused daemon listens"

# Another store, the same PidFile.
sed -e "s|^Port .*|Port $port2|" -e "s|^StoreDirectory .*|StoreDirectory $OBJ/store2|" \
    "$cfg" > "$OBJ/third_config"
start_fails 2 "PidFile $OBJ/metasafed.pid is in use by another metasafed \\(pid $pid\\)" \
    "$OBJ/third_config"
[ -e "$OBJ/store2/data.mdb" ] && fail "the refused daemon opened its store"

# The first daemon's files are untouched and it still serves.
[ -e "$OBJ/metasafed.pid" ] || fatal "the first daemon's PidFile was removed"
[ "$(checksum "$OBJ/metasafed.pid")" = "$before" ] || fail "PidFile content changed"
[ "$(stat -c %Y.%y "$OBJ/metasafed.pid")" = "$mtime" ] || fail "PidFile was rewritten"
[ "$(cat "$OBJ/metasafed.pid")" = "$pid" ] || fail "PidFile no longer names $pid"
[ "$(checksum "$OBJ/store/data.mdb")" = "$store_before" ] || fail "the store changed"
pid_alive "$pid" || fatal "first daemon died"
[ "$(ms get /si rec)" = v1 ] || fail "first daemon no longer serves"

# After the first one stops, the store is free again.
kill_pidfile_daemon "$pid"
[ -e "$OBJ/metasafed.pid" ] && fail "PidFile not removed by its owner"
start_detached "$OBJ/second_config"
pid2=$(pidfile_pid "$OBJ/second.pid")
add_cleanup "kill_pidfile_daemon $pid2"
DAEMON_PORT=$port2
printf '[127.0.0.1]:%s %s\n' "$port2" \
    "$(cut -d' ' -f1,2 "$OBJ/keys/host_sig_key.pub")" >> "$OBJ/known_hosts"
[ "$(ms get /si rec)" = v1 ] || fail "second daemon cannot serve once the store is free"
kill_pidfile_daemon "$pid2"
exit 0
