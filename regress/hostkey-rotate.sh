#!/bin/bash
# Host signature key roll-over: a second HostKey is loaded but not
# presented; clients accept any pinned key; after the swap the new key signs.
. "$(dirname "$0")/test-exec.sh"
tid "HostKey roll-over: spare key, several pins, swap"

mkdir -p "$OBJ/keys"
chmod 0700 "$OBJ/keys"
"$METASAFE_KEYGEN" -q -t ed25519 -N '' -C new -f "$OBJ/keys/new_sig_key" \
    >> "$TEST_LOG" 2>&1 || fatal "keygen new key"
start_daemon "HostKey $OBJ/keys/new_sig_key"
old_line="[127.0.0.1]:$DAEMON_PORT $(cut -d' ' -f1,2 "$OBJ/keys/host_sig_key.pub")"
new_line="[127.0.0.1]:$DAEMON_PORT $(cut -d' ' -f1,2 "$OBJ/keys/new_sig_key.pub")"

# -T lists both, in order.
"$METASAFED" -T -f "$OBJ/metasafed_config" > "$OBJ/dump" 2>&1 ||
    fail "-T failed: $(cat "$OBJ/dump")"
grep '^hostkey ' "$OBJ/dump" > "$OBJ/dump.hk"
printf 'hostkey %s\nhostkey %s\n' "$OBJ/keys/host_sig_key" \
    "$OBJ/keys/new_sig_key" | cmp -s - "$OBJ/dump.hk" ||
    fail "-T host keys: $(cat "$OBJ/dump.hk")"
grep -q '1 spare host key' "$OBJ/metasafed.log" ||
    fail "start-up line does not count the spare key"

client() {	# KNOWN_HOSTS [OPTIONS...]
	_kh=$1
	shift
	"$METASAFE" -p "$DAEMON_PORT" -i "$OBJ/admin_key" \
	    -o KnownHostsFile="$_kh" "$@" status > "$OBJ/out" 2>&1
}

# Step 1: nothing changes for clients that pin the old key.
client "$OBJ/known_hosts" || fail "old pin, old key first: $(cat "$OBJ/out")"
# Only the new key pinned: the old one is still presented, so refused.
printf '%s\n' "$new_line" > "$OBJ/kh_new"
client "$OBJ/kh_new"
st=$?
[ $st -eq 2 ] || fail "new pin only while old presents: exit $st, want 2"
grep -q 'HOST KEY MISMATCH' "$OBJ/out" || fail "no loud refusal: $(cat "$OBJ/out")"
# accept-new does not extend a host that already has lines.
cp "$OBJ/kh_new" "$OBJ/kh_new.before"
client "$OBJ/kh_new" -o StrictHostKeyChecking=accept-new
st=$?
[ $st -eq 2 ] || fail "accept-new with a pinned host: exit $st, want 2"
cmp -s "$OBJ/kh_new" "$OBJ/kh_new.before" || fail "accept-new extended the pins"
# Step 2: both pinned (either order) works.
printf '%s\n%s\n' "$new_line" "$old_line" > "$OBJ/kh_both"
client "$OBJ/kh_both" || fail "both pinned: $(cat "$OBJ/out")"

# -t validates the spare key: wrong type or a duplicate of the first fails.
grep -v '^HostKey ' "$OBJ/metasafed_config" > "$OBJ/cfg_base"
{ cat "$OBJ/cfg_base"; printf 'HostKey %s\nHostKey %s\n' \
    "$OBJ/keys/host_sig_key" "$OBJ/keys/host_kex_key"; } > "$OBJ/cfg_bad"
"$METASAFED" -t -f "$OBJ/cfg_bad" > "$OBJ/t.out" 2>&1 &&
    fail "-t accepted an X25519 spare HostKey"
grep -q "host_kex_key" "$OBJ/t.out" || fail "-t does not name the bad file: $(cat "$OBJ/t.out")"
cp "$OBJ/keys/host_sig_key" "$OBJ/keys/copy_sig_key"
{ cat "$OBJ/cfg_base"; printf 'HostKey %s\nHostKey %s\n' \
    "$OBJ/keys/host_sig_key" "$OBJ/keys/copy_sig_key"; } > "$OBJ/cfg_dup"
"$METASAFED" -t -f "$OBJ/cfg_dup" > "$OBJ/t.out" 2>&1 &&
    fail "-t accepted the same key twice"
grep -q "same key" "$OBJ/t.out" || fail "duplicate key message: $(cat "$OBJ/t.out")"

# Step 3: swap the order and restart; the new key is presented.
stop_daemon
{ cat "$OBJ/cfg_base"; printf 'HostKey %s\nHostKey %s\n' \
    "$OBJ/keys/new_sig_key" "$OBJ/keys/host_sig_key"; } > "$OBJ/metasafed_config"
"$METASAFED" -t -f "$OBJ/metasafed_config" > "$OBJ/t.out" 2>&1 ||
    fail "-t after swap: $(cat "$OBJ/t.out")"
start_daemon
client "$OBJ/kh_new" || fail "new pin only after swap: $(cat "$OBJ/out")"
client "$OBJ/kh_both" || fail "both pinned after swap: $(cat "$OBJ/out")"
client "$OBJ/known_hosts"
st=$?
[ $st -eq 2 ] || fail "old pin only after swap: exit $st, want 2"
# Two pins, neither presented: refused, and the message says so.
"$METASAFE_KEYGEN" -q -t ed25519 -N '' -f "$OBJ/other_key" >> "$TEST_LOG" 2>&1 ||
    fatal "keygen other"
{ cat "$OBJ/known_hosts"; printf '[127.0.0.1]:%s %s\n' "$DAEMON_PORT" \
    "$(cut -d' ' -f1,2 "$OBJ/other_key.pub")"; } > "$OBJ/kh_two_wrong"
client "$OBJ/kh_two_wrong"
st=$?
[ $st -eq 2 ] || fail "two wrong pins: exit $st, want 2"
grep -q 'or the other key pinned there' "$OBJ/out" ||
    fail "mismatch message with two pins: $(cat "$OBJ/out")"

# Step 4: the old key leaves the config; the client's old line goes too.
stop_daemon
{ cat "$OBJ/cfg_base"; printf 'HostKey %s\n' "$OBJ/keys/new_sig_key"; } \
    > "$OBJ/metasafed_config"
start_daemon
"$METASAFE_KEYGEN" -q -R "[127.0.0.1]:$DAEMON_PORT" -f "$OBJ/kh_both" ||
    fail "keygen -R"
printf '%s\n' "$new_line" >> "$OBJ/kh_both"
client "$OBJ/kh_both" || fail "new key alone: $(cat "$OBJ/out")"
