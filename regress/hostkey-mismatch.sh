#!/bin/bash
# A changed host key is refused with exit 2 before any request is sent.
. "$(dirname "$0")/test-exec.sh"
tid "wrong host key gives exit 2 and no request reaches the server"

start_daemon
"$METASAFE_KEYGEN" -q -t ed25519 -N '' -f "$OBJ/impostor" || fatal keygen
printf '[127.0.0.1]:%s %s\n' "$DAEMON_PORT" \
    "$(cut -d' ' -f1,2 "$OBJ/impostor.pub")" > "$OBJ/bad_known_hosts"
before=$(grep -c 'audit:' "$OBJ/metasafed.log")
printf 'x' | "$METASAFE" -p "$DAEMON_PORT" -i "$OBJ/admin_key" \
    -o KnownHostsFile="$OBJ/bad_known_hosts" set /x y > "$OBJ/out" 2>&1
st=$?
[ $st -eq 2 ] || fail "host key mismatch gave exit $st, want 2"
grep -qi 'host key' "$OBJ/out" || fail "message does not mention the host key"
sleep 0.5
after=$(grep -c 'audit:' "$OBJ/metasafed.log")
[ "$before" = "$after" ] || fail "a request reached the server"
ms get /x y >/dev/null 2>&1
[ $? -eq 5 ] || fail "the record was written despite the mismatch"
# StrictHostKeyChecking=yes with no entry at all is refused too.
: > "$OBJ/empty_known_hosts"
"$METASAFE" -p "$DAEMON_PORT" -i "$OBJ/admin_key" \
    -o KnownHostsFile="$OBJ/empty_known_hosts" status > /dev/null 2>&1
st=$?
[ $st -eq 2 ] || fail "unknown host with strict checking gave exit $st, want 2"
# accept-new records the key and then works.
"$METASAFE" -p "$DAEMON_PORT" -i "$OBJ/admin_key" \
    -o KnownHostsFile="$OBJ/empty_known_hosts" \
    -o StrictHostKeyChecking=accept-new status > /dev/null 2>&1 ||
    fail "accept-new failed"
grep -q "$(cut -d' ' -f2 "$OBJ/keys/host_sig_key.pub")" \
    "$OBJ/empty_known_hosts" || fail "accept-new did not record the key"
