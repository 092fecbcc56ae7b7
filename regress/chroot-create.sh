#!/bin/bash
# A PrivsepChroot whose parents do not exist yet is created like mkdir -p,
# every new directory root-owned 0755 (whatever the umask), and the daemon
# starts and serves.
. "$(dirname "$0")/test-exec.sh"
tid "PrivsepChroot created with its missing parents, root-owned 0755"

daemon_setup
cfg=$OBJ/metasafed_config
root=$OBJ/run
[ -e "$root" ] && fatal "$root exists already"
conf_set "$cfg" PrivsepChroot "$root/metasafed/empty"
(umask 077 && timeout 30 "$METASAFED" -f "$cfg" 2> "$OBJ/start.err") ||
    fatal "daemon did not start: $(cat "$OBJ/start.err")"
pid=$(pidfile_pid "$OBJ/metasafed.pid")
add_cleanup "kill_pidfile_daemon $pid"
for d in "$root" "$root/metasafed" "$root/metasafed/empty"; do
	[ -d "$d" ] && [ ! -L "$d" ] || { fail "$d not created"; continue; }
	[ "$(stat -c '%u %a' "$d")" = "0 755" ] ||
	    fail "$d is $(stat -c '%U %a' "$d"), want root 755"
done
[ -z "$(ls -A "$root/metasafed/empty")" ] || fail "the new chroot is not empty"
ms status > /dev/null || fail "daemon does not serve from the new chroot"
kill_pidfile_daemon "$pid"
