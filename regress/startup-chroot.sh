#!/bin/bash
# PrivsepChroot must be a real, root-owned, empty directory that only root
# may write: a directory holding a file, a group-writable one and a symlink
# are refused before the daemon detaches (exit 4, the path on stderr).
. "$(dirname "$0")/test-exec.sh"
tid "start-up: unusable PrivsepChroot refused on stderr, exit 4"

daemon_setup
cfg=$OBJ/metasafed_config

mkdir -p "$OBJ/full"
chmod 755 "$OBJ/full"
: > "$OBJ/full/leftover"
conf_set "$cfg" PrivsepChroot "$OBJ/full"
start_fails 4 "PrivsepChroot $OBJ/full: must be empty, but holds \"leftover\"" "$cfg"
start_fails 4 "PrivsepChroot $OBJ/full: must be empty" "$cfg" -D

# A file does not change the link count (the old check): readdir sees it.
rm -f "$OBJ/full/leftover"
: > "$OBJ/full/.hidden"
start_fails 4 'must be empty, but holds "\.hidden"' "$cfg"

# The review's case: a file and a symbolic link to /etc/shadow, which the
# worker could open once inside.  Neither adds to the link count.
rm -f "$OBJ/full/.hidden"
: > "$OBJ/full/notes"
ln -s /etc/shadow "$OBJ/full/shadow"
start_fails 4 "PrivsepChroot $OBJ/full: must be empty, but holds \"(notes|shadow)\"" "$cfg"
"$METASAFED" -t -f "$cfg" > "$OBJ/t.out" 2>&1
st=$?
[ $st -eq 4 ] || fail "-t with a file + symlink chroot: exit $st, want 4"
grep -q "PrivsepChroot $OBJ/full: must be empty" "$OBJ/t.out" ||
    fail "-t with a file + symlink chroot: $(cat "$OBJ/t.out")"
# The symbolic link alone (a dangling target would do as well).
rm -f "$OBJ/full/notes"
start_fails 4 "PrivsepChroot $OBJ/full: must be empty, but holds \"shadow\"" "$cfg"
rm -f "$OBJ/full/shadow"

mkdir -p "$OBJ/gw"
chmod 775 "$OBJ/gw"
conf_set "$cfg" PrivsepChroot "$OBJ/gw"
start_fails 4 "PrivsepChroot $OBJ/gw: bad ownership or modes .*must be owned by root and not writable by group or others" "$cfg"

ln -s "$OBJ/empty" "$OBJ/link"
conf_set "$cfg" PrivsepChroot "$OBJ/link"
start_fails 4 "PrivsepChroot $OBJ/link: not a directory \(a symbolic link\)" "$cfg"
[ -e "$OBJ/metasafed.pid" ] && fail "PidFile left behind after a failed start"

# The good one still works.
conf_set "$cfg" PrivsepChroot "$OBJ/empty"
start_detached_pid "$OBJ/metasafed.pid" "$cfg"
ms status > /dev/null || fail "daemon with the empty chroot does not serve"
kill_pidfile_daemon "$DETACHED_PID"
