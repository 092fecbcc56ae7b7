#!/bin/bash
# A client configuration file's MetasafeSocket reaches the daemon's unix:
# listener end to end: a Host block names the socket, the user logs in by
# its uid with no key file, and the host key is checked under [unix:PATH].
. "$(dirname "$0")/test-exec.sh"
. "$SRCDIR/lib/local.sh"
tid "client config: MetasafeSocket serves a value over the unix: listener"

local_need_root
local_dirs
local_group
local_user ALICE "$LGROUP"

make_admin_key
cat > "$OBJ/principals" <<P
admin $(cat "$OBJ/admin_key.pub")
alice uid=$ALICE_UID
P
start_daemon "ListenAddress unix:$SOCK" "UnixSocketGroup $LGROUP"
printf 'from the socket' | ms set /cfg/a rec && ms acl set /cfg/a alice=r ||
    fatal "set"
local_pin

cat > "$LDIR/config" <<C
Host vault
	MetasafeSocket $SOCK
	KnownHostsFile $KH
C
chown "$ALICE" "$LDIR/config"
chmod 0600 "$LDIR/config"
out=$(as "$ALICE" "$METASAFE" -F "$LDIR/config" -H vault get /cfg/a rec 2>&1) ||
    fail "get through MetasafeSocket: $out"
[ "$out" = "from the socket" ] || fail "got '$out'"
wait_log "peer=unix uid=$ALICE_UID .*op=get"

# Another Host does not match the block: no socket, so TCP to the default.
as "$ALICE" "$METASAFE" -F "$LDIR/config" -H elsewhere -p 1 get /cfg/a rec \
    > "$OBJ/other.out" 2>&1 && fail "a host outside the block used the socket"
exit 0
