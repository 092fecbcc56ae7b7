#!/bin/bash
# unix: listener lifecycle and squatting: the socket goes when the daemon
# exits; a stale one (nothing answers) is replaced at start, a live one
# makes the daemon refuse to start and is left alone; a fake daemon on the
# path is refused by the client's host-key check, with accept-new too,
# while a new path is pinned by -o StrictHostKeyChecking=accept-new;
# UnixSocketMode 0600 keeps even the socket's group out.
. "$(dirname "$0")/test-exec.sh"
. "$SRCDIR/lib/local.sh"
tid "unix: listener: stale, live and fake sockets; removed on exit"

local_need_root
local_dirs
local_group
local_user ALICE "$LGROUP"

make_admin_key
cat > "$OBJ/principals" <<P
admin $(cat "$OBJ/admin_key.pub")
alice uid=$ALICE_UID
P
start_daemon "ListenAddress unix:$SOCK" "UnixSocketGroup $LGROUP" \
    "UnixSocketMode 0660"
printf 'v' | ms set /local/a x && ms acl set /local/a alice=r || fatal "set"

# Nothing pinned yet: accept-new pins [unix:PATH] and goes on.
chown "$ALICE" "$KH"
lms "$ALICE" -o StrictHostKeyChecking=accept-new get /local/a x > "$OBJ/new.out" 2>&1 ||
    fail "accept-new: exit $?: $(cat "$OBJ/new.out")"
grep -qF "[unix:$SOCK] ms-ed25519 " "$KH" ||
    fail "accept-new did not pin [unix:$SOCK]: $(cat "$KH")"
[ "$(lms "$ALICE" get /local/a x)" = v ] || fail "pinned key not accepted"

# Removed on exit.
stop_daemon
[ -e "$SOCK" ] && fail "socket still there after the daemon exited"

# A live squatter: the daemon refuses to start and leaves it alone.
"$UNIX_PEER" fake "$SOCK" > "$OBJ/fake.out" 2>&1 &
FAKE=$!
add_cleanup "kill $FAKE 2>/dev/null"
wait_file "$OBJ/fake.out" '^ready' "fake daemon not ready"
chmod 0666 "$SOCK"	# a squatter lets everyone in
timeout 20 "$METASAFED" -D -e -f "$OBJ/metasafed_config" > "$OBJ/live.out" 2>&1
st=$?
[ $st -ne 0 ] && [ $st -ne 124 ] || fail "daemon started (or hung: $st) beside a live socket"
grep -q "ListenAddress unix:$SOCK: something is listening on it already" \
    "$OBJ/live.out" || fail "refusal not explained: $(cat "$OBJ/live.out")"
[ -S "$SOCK" ] || fail "the refused daemon removed the live socket"

# The squatter cannot pass for the daemon: its host key is not the pinned
# one, and the client sends nothing after its SERVER_HELLO.
for mode in yes accept-new; do
	lms "$ALICE" -o StrictHostKeyChecking=$mode get /local/a x > "$OBJ/fake-$mode.out" 2>&1
	st=$?
	[ $st -eq 2 ] || fail "fake daemon ($mode): exit $st, want 2"
	grep -qi "host key" "$OBJ/fake-$mode.out" ||
	    fail "fake daemon ($mode) not refused for its host key: $(cat "$OBJ/fake-$mode.out")"
done
wait_file "$OBJ/fake.out" 'client closed after SERVER_HELLO' "client talked to the fake"
grep -q 'client sent more' "$OBJ/fake.out" && fail "the client sent data to the fake daemon"

# The squatter dies and leaves its socket: stale, so the daemon replaces it.
{ kill -KILL $FAKE; wait $FAKE; } 2>/dev/null
[ -S "$SOCK" ] || fatal "the killed fake left no socket to test with"
start_daemon
log_has "removed stale socket $SOCK"
[ "$(lms "$ALICE" get /local/a x)" = v ] || fail "not served after the stale socket"

# Something that is not a socket is never removed.
stop_daemon
echo keep > "$SOCK"
timeout 20 "$METASAFED" -D -e -f "$OBJ/metasafed_config" > "$OBJ/file.out" 2>&1
[ $? -ne 0 ] || fail "daemon started over a regular file"
grep -q "exists and is not a socket" "$OBJ/file.out" || fail "file refusal: $(cat "$OBJ/file.out")"
[ "$(cat "$SOCK")" = keep ] || fail "the regular file was replaced"

# UnixSocketMode 0600: the group is out too, at the file system.
rm -f "$SOCK"
conf_set "$OBJ/metasafed_config" UnixSocketMode 0600
start_daemon
[ "$(stat -c '%a %G' "$SOCK")" = "600 $LGROUP" ] ||
    fail "socket is $(stat -c '%a %G' "$SOCK"), want 600 $LGROUP"
lms "$ALICE" get /local/a x > "$OBJ/mode.out" 2>&1
st=$?
[ $st -eq 2 ] && grep -q "Permission denied" "$OBJ/mode.out" ||
    fail "UnixSocketMode 0600 let a group member in: exit $st: $(cat "$OBJ/mode.out")"

# A daemonised metasafed removes its socket too (the serving process made it).
stop_daemon
start_detached_pid "$OBJ/metasafed.pid" "$OBJ/metasafed_config"
[ -S "$SOCK" ] || fail "no socket from the detached daemon"
kill_pidfile_daemon "$DETACHED_PID"
[ -e "$SOCK" ] && fail "socket still there after the detached daemon exited"

# -t knows what it can without binding: the socket's directory and the
# group; both fail as a bind would (exit 3), -t and start-up alike.
cp "$OBJ/metasafed_config" "$OBJ/good_config"
conf_set "$OBJ/metasafed_config" UnixSocketGroup "nosuchgroup$$"
for flag in -t -D; do
	timeout 20 "$METASAFED" $flag -e -f "$OBJ/metasafed_config" > "$OBJ/t-group.out" 2>&1
	st=$?
	[ $st -eq 3 ] || fail "$flag with an unknown UnixSocketGroup: exit $st, want 3"
	grep -q "UnixSocketGroup nosuchgroup$$: no such group" "$OBJ/t-group.out" ||
	    fail "$flag: unknown group not named: $(cat "$OBJ/t-group.out")"
done
cp "$OBJ/good_config" "$OBJ/metasafed_config"
sed -i "s|^ListenAddress unix:.*|ListenAddress unix:$LDIR/missing/m.sock|" "$OBJ/metasafed_config"
timeout 20 "$METASAFED" -t -f "$OBJ/metasafed_config" > "$OBJ/t-dir.out" 2>&1
st=$?
[ $st -eq 3 ] || fail "-t with a missing socket directory: exit $st, want 3"
grep -q "ListenAddress unix:$LDIR/missing/m.sock: directory $LDIR/missing: No such file" \
    "$OBJ/t-dir.out" || fail "missing directory not named: $(cat "$OBJ/t-dir.out")"
cp "$OBJ/good_config" "$OBJ/metasafed_config"
"$METASAFED" -t -f "$OBJ/metasafed_config" > "$OBJ/t-ok.out" 2>&1 ||
    fail "-t refuses the good config: $(cat "$OBJ/t-ok.out")"
true
