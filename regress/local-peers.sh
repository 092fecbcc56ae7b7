#!/bin/bash
# unix: listener: local users log in with no key, as the principal their
# uid maps to (SO_PEERCRED, taken by the monitor); two users get their own
# ACLs, an unmapped user and root (unmapped) get exit 3, UnixSocketMode
# keeps a user outside the group out (EACCES), and a socket passed to a
# process of another uid still counts as the user who connected.
. "$(dirname "$0")/test-exec.sh"
. "$SRCDIR/lib/local.sh"
tid "unix: listener: peer-credential principals"

local_need_root
local_dirs
local_group
local_user ALICE "$LGROUP"
local_user BOB "$LGROUP"
local_user CAROL "$LGROUP"	# in the group, in no principals line
local_user XAVIER		# not even in the group

make_admin_key
cat > "$OBJ/principals" <<P
admin $(cat "$OBJ/admin_key.pub")
alice groups=readers uid=$ALICE_UID the first local user
bob user=$BOB
P
start_daemon "ListenAddress unix:$SOCK" "UnixSocketGroup $LGROUP"
local_pin

# The socket as configured: the default mode 0660, the group given.
[ -S "$SOCK" ] || fatal "no socket at $SOCK"
[ "$(stat -c '%a %G' "$SOCK")" = "660 $LGROUP" ] ||
    fail "socket is $(stat -c '%a %G' "$SOCK"), want 660 $LGROUP"

printf 'alice-value' | ms set /local/a x || fatal "set /local/a"
printf 'bob-value' | ms set /local/b x || fatal "set /local/b"
ms acl set /local/a alice=r || fatal "acl /local/a"
ms acl set /local/b bob=r || fatal "acl /local/b"

# Two users, two ACLs.
[ "$(lms "$ALICE" get /local/a x)" = alice-value ] || fail "alice cannot read /local/a"
lms "$ALICE" get /local/b x > /dev/null 2>&1
[ $? -eq 4 ] || fail "alice read bob's record (want exit 4)"
[ "$(lms "$BOB" get /local/b x)" = bob-value ] || fail "bob (user=) cannot read /local/b"
lms "$BOB" get /local/a x > /dev/null 2>&1
[ $? -eq 4 ] || fail "bob read alice's record (want exit 4)"
lms "$ALICE" status > "$OBJ/alice.status" || fail "alice status"
grep -q "principal: alice" "$OBJ/alice.status" || fail "alice's principal: $(cat "$OBJ/alice.status")"
log_has "audit: result=allowed peer=unix uid=$ALICE_UID pid=[0-9]* op=auth principal=alice id=peer-credentials"
log_has "audit: result=denied peer=unix uid=$ALICE_UID pid=[0-9]* op=get principal=alice path=/local/b"

# An unmapped uid: refused, exit 3, audited with its uid.
lms "$CAROL" get /local/a x > "$OBJ/carol.out" 2>&1
st=$?
[ $st -eq 3 ] || fail "unmapped user: exit $st, want 3: $(cat "$OBJ/carol.out")"
log_has "audit: result=denied peer=unix uid=$CAROL_UID pid=[0-9]* op=auth id=peer-credentials reason=\"unmapped uid\""

# Root is nobody special: unmapped, so refused too.
"$METASAFE" -H "unix:$SOCK" -o KnownHostsFile="$KH" status > "$OBJ/root.out" 2>&1
st=$?
[ $st -eq 3 ] || fail "unmapped root: exit $st, want 3: $(cat "$OBJ/root.out")"

# UnixSocketMode 0660: a user outside the group cannot even connect.
lms "$XAVIER" status > "$OBJ/xavier.out" 2>&1
st=$?
[ $st -eq 2 ] || fail "user outside the group: exit $st, want 2"
grep -q "Permission denied" "$OBJ/xavier.out" ||
    fail "user outside the group not stopped by the file system: $(cat "$OBJ/xavier.out")"
grep -q "uid=$XAVIER_UID " "$OBJ/metasafed.log" &&
    fail "the daemon saw a connection from the user outside the group"

# METASAFE_SOCKET stands for -H unix:PATH.
out=$(as "$ALICE" METASAFE_SOCKET="$SOCK" "$METASAFE" -o KnownHostsFile="$KH" get /local/a x) ||
    fail "METASAFE_SOCKET: exit $?"
[ "$out" = alice-value ] || fail "METASAFE_SOCKET read '$out'"

# A socket alice connected, then handed to a process of bob's: the daemon
# goes by who connected (the kernel's credentials at connect), so the
# holder gets alice's rights, not bob's.
mkdir "$LDIR/proxy" && chown "$BOB" "$LDIR/proxy" || fatal "proxy dir"
PROXY=$LDIR/proxy/relay.sock
local_pin "$PROXY"
before=$(grep -c "op=auth principal=alice" "$OBJ/metasafed.log")
bob_before=$(grep -c "op=auth principal=bob" "$OBJ/metasafed.log")
"$UNIX_PEER" relay "$ALICE_UID" "$BOB_UID" "$SOCK" "$PROXY" > "$OBJ/relay.out" 2>&1 &
RELAY=$!
add_cleanup "kill $RELAY 2>/dev/null"
wait_file "$OBJ/relay.out" '^ready' "relay not ready"
out=$(as "$BOB" "$METASAFE" -H "unix:$PROXY" -o KnownHostsFile="$KH" get /local/a x)
st=$?
[ $st -eq 0 ] && [ "$out" = alice-value ] ||
    fail "passed socket: exit $st, '$out' (want alice's value)"
wait "$RELAY"
[ "$(grep -c "op=auth principal=alice" "$OBJ/metasafed.log")" -eq $((before + 1)) ] ||
    fail "the passed socket did not log in as alice"
[ "$(grep -c "op=auth principal=bob" "$OBJ/metasafed.log")" -eq "$bob_before" ] ||
    fail "the passed socket logged in as bob"
true
