#!/bin/bash
# A PidFile that cannot be written stops the start before detaching (it
# used to exit 0 and let the child die): exit 6, the file on stderr, no
# daemon left, the store untouched.
. "$(dirname "$0")/test-exec.sh"
tid "start-up: PidFile failure on stderr, exit 6, nothing running"

daemon_setup
cfg=$OBJ/metasafed_config

conf_set "$cfg" PidFile "$OBJ/nodir/metasafed.pid"
start_fails 6 "PidFile $OBJ/nodir/metasafed.pid: .*No such file or directory" "$cfg"
start_fails 6 "PidFile $OBJ/nodir/metasafed.pid" "$cfg" -D
[ -e "$OBJ/store/data.mdb" ] && fail "store opened although the PidFile failed"
port_listening "$DAEMON_PORT" && fail "something listens on $DAEMON_PORT"

# A PidFile that is a directory.
mkdir -p "$OBJ/piddir"
conf_set "$cfg" PidFile "$OBJ/piddir"
start_fails 6 "PidFile $OBJ/piddir" "$cfg"

# A symlink is not followed.
ln -s "$OBJ/elsewhere" "$OBJ/pidlink"
conf_set "$cfg" PidFile "$OBJ/pidlink"
start_fails 6 "PidFile $OBJ/pidlink" "$cfg"
[ -e "$OBJ/elsewhere" ] && fail "the PidFile symlink was followed"

# The good PidFile names the serving (child) process.
conf_set "$cfg" PidFile "$OBJ/metasafed.pid"
start_detached "$cfg"
pid=$(pidfile_pid "$OBJ/metasafed.pid")
add_cleanup "kill_pidfile_daemon $pid"
[ "$(cut -d' ' -f4 < "/proc/$pid/stat")" = 1 ] ||
    fail "PidFile pid $pid is not the detached daemon (parent is not init)"
ms status > /dev/null || fail "daemon does not serve"
kill_pidfile_daemon "$pid"
[ -e "$OBJ/metasafed.pid" ] && fail "PidFile not removed at exit"
exit 0
