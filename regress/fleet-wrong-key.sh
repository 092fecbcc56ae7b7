#!/bin/bash
# A host whose store key does not match the one recorded in etcd refuses
# to start (exit 5, the store class, naming the key mismatch), records
# nothing, and the running host keeps serving; the same host with the
# fleet's key starts (the refusal was the key's).
. "$(dirname "$0")/test-exec.sh"
. "$SRCDIR/lib/etcd.sh"
. "$SRCDIR/lib/fleet.sh"
tid "fleet: a wrong store key is refused at start"
need_tool timeout

etcd_cluster_start
fleet_init
fleet_up A
printf 'sealed-under-the-fleet-key' | msh A set -s /fleet/key rec || fatal "A: set -s"
printf 'plain' | msh A set /fleet/key plain || fatal "A: set"
etcdctl_t get --prefix "${FLEET_PREFIX}meta/" > "$OBJ/meta.before" ||
    fatal "etcdctl get meta"
grep -aq "kcv:" "$OBJ/meta.before" ||
    fail "no store key check value under ${FLEET_PREFIX}meta/: $(tr -c '[:print:]\n' . < "$OBJ/meta.before")"

# Host B with a key of its own, as if the operator forgot to copy it.
fleet_host B
bd=$(fleet_dir B)
"$METASAFE_KEYGEN" -q -A -d "$bd/own" >> "$TEST_LOG" 2>&1 || fatal "keygen"
chmod 0700 "$bd/own"
bad=$bd/own/host_store_key
good_kcv=$("$METASAFE_KEYGEN" -l -f "$OBJ/fleet_store_key" | cut -d' ' -f2)
bad_kcv=$("$METASAFE_KEYGEN" -l -f "$bad" | cut -d' ' -f2)
case "$bad_kcv" in KCV:????????????????) ;; *) fatal "kcv: $bad_kcv" ;; esac
[ "$bad_kcv" != "$good_kcv" ] || fatal "two fresh store keys with one check value"
conf_set "$bd/metasafed_config" StoreKey "$bad"
grep -aq "^${FLEET_PREFIX}meta/kcv:${good_kcv#KCV:}\$" "$OBJ/meta.before" ||
    fail "etcd does not record the fleet key's check value $good_kcv"

# Refused, in the foreground and as a daemon, with the store failure's
# status.
timeout 30 "$METASAFED" -D -e -f "$bd/metasafed_config" > "$OBJ/d.out" 2>&1
st=$?
[ $st -eq 5 ] || fail "-D with a wrong store key: exit $st, want 5: $(cat "$OBJ/d.out")"
# It names the cluster and prefix and says no key matches (the LMDB
# refusal, storekey-mismatch.sh, also names the file and check values).
grep -qF "$FLEET_PREFIX" "$OBJ/d.out" ||
    fail "-D message does not name the store $FLEET_PREFIX: $(cat "$OBJ/d.out")"
grep -Eqi "(store ?key|StoreKey).*(does not match|mismatch|matches)" "$OBJ/d.out" ||
    fail "-D message does not say the store key does not match: $(cat "$OBJ/d.out")"
start_fails 5 "(store ?key|StoreKey).*(does not match|mismatch|matches)" \
    "$bd/metasafed_config"
port_listening "$(fleet_port B)" && fail "B listens after refusing to start"

# Nothing was recorded: the check value in etcd is the fleet's.
etcdctl_t get --prefix "${FLEET_PREFIX}meta/" > "$OBJ/meta.after" ||
    fail "etcdctl get meta after"
cmp -s "$OBJ/meta.before" "$OBJ/meta.after" ||
    fail "the refused start changed ${FLEET_PREFIX}meta/"
grep -aq "kcv:${bad_kcv#KCV:}" "$OBJ/meta.after" &&
    fail "the wrong key's check value was recorded in etcd"

# A kept serving all along.
pid_alive "$(fleet_pid A)" || fatal "host A died"
[ "$(msh A get /fleet/key rec)" = sealed-under-the-fleet-key ] ||
    fail "A: SECURE value after B's refused start"
printf 'still-writing' | msh A set /fleet/key plain || fail "A: set after B's refusal"

# With the fleet's key B starts and reads A's SECURE value.
conf_set "$bd/metasafed_config" StoreKey "$bd/keys/host_store_key"
fleet_start B
[ "$(msh B get /fleet/key rec)" = sealed-under-the-fleet-key ] ||
    fail "B with the fleet's key cannot read A's SECURE value"
[ "$(msh B get /fleet/key plain)" = still-writing ] || fail "B: plain value"
exit 0
