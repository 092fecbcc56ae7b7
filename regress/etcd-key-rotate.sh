#!/bin/bash
# The store key rotation of an etcd store, step by step as README
# ("Rotating the store key across a fleet") gives it: the new key second
# everywhere, then first (hosts not yet swapped still seal under the old
# key, and both open everything), a host left with only the old key
# starts but cannot open what the new key sealed, then metasafe-admin
# rekey on the cluster's store while the daemon serves and writes go on,
# verify, and at the end only the new key opens every value.  The hosts
# of a fleet are one daemon here, restarted with each host's StoreKey
# lines in turn.
. "$(dirname "$0")/test-exec.sh"
. "$SRCDIR/lib/etcd.sh"
tid "etcd store: the fleet's store key rotation, as documented"
ADMIN=$BUILD/metasafe-admin
need_prog "$ADMIN"

etcd_cluster_start
C=$OBJ/metasafed_config
daemon_setup "StoreBackend etcd" "EtcdEndpoints $ETCD_ENDPOINTS" \
    "EtcdPrefix /metasafe/"
OLD=$OBJ/keys/host_store_key
mkdir -p "$OBJ/newkey"
chmod 0700 "$OBJ/newkey"
"$METASAFE_KEYGEN" -q -A -d "$OBJ/newkey" >> "$TEST_LOG" 2>&1 ||
    fatal "cannot make the new key"
NEW=$OBJ/keys/store_key_2026
cp "$OBJ/newkey/host_store_key" "$NEW" && chmod 0600 "$NEW" ||
    fatal "cannot copy the new key"
kcv() { "$METASAFE_KEYGEN" -l -f "$1" | sed -n 's/.*KCV:\([0-9a-f]*\).*/\1/p'; }
KOLD=$(kcv "$OLD")
KNEW=$(kcv "$NEW")
[ -n "$KOLD" ] && [ -n "$KNEW" ] || fatal "no check values"

# keys FILE...: the StoreKey lines, in this order.
keys() {
	sed -i '/^StoreKey /d' "$C"
	for _k in "$@"; do printf 'StoreKey %s\n' "$_k" >> "$C"; done
}
restart() {
	stop_daemon
	start_daemon
}
put() { printf '%s' "$2" | ms set -s /rot "$1" || fail "$3: set $1"; }
reads() {
	_what=$1
	shift
	for _r in "$@"; do
		[ "$(ms get /rot "$_r")" = "secret-$_r" ] ||
		    fail "$_what: $_r does not read back"
	done
}
recorded() {
	etcdctl_t get --prefix --keys-only "${1}meta/kcv:" | grep -a -c kcv:
}

start_daemon
put s1 secret-s1 "old key only"

# 2: the new key second, on every host: nothing sealed under it yet.
keys "$OLD" "$NEW"
restart
reads "new key second" s1
put s2 secret-s2 "new key second"
[ "$(recorded /metasafe/)" -eq 1 ] ||
    fail "a second StoreKey line recorded its check value"

# 3: swapped, host by host: the first one records the new key, and while
# a host that is not swapped yet still seals under the old key, every
# host opens both.
keys "$NEW" "$OLD"
restart
put s3 secret-s3 "swapped host"
[ "$(recorded /metasafe/)" -eq 2 ] ||
    fail "the first swapped host did not record the new key's check value"
keys "$OLD" "$NEW"
restart
put s4 secret-s4 "host not yet swapped"
reads "host not yet swapped" s1 s2 s3 s4
keys "$NEW" "$OLD"
restart
reads "all swapped" s1 s2 s3 s4

# A host left with only the old key starts, and cannot open s3.
keys "$OLD"
restart
ms get /rot s1 > /dev/null || fail "old key only: s1"
ms get /rot s3 > /dev/null 2>&1
st=$?
[ $st -eq 2 ] || fail "old key only: a value sealed under the new key gave exit $st, want 2"
keys "$NEW" "$OLD"

# 4: metasafe-admin rekey, once, on one host, while the hosts serve (a
# write goes on meanwhile); verify then finds nothing under the old key.
restart
( for i in 1 2 3 4 5; do
	printf 'secret-w%s' "$i" | ms set -s /rot "w$i" || exit 1
done ) &
writer=$!
"$ADMIN" rekey -f "$C" -n 2 >> "$TEST_LOG" 2>&1 || fail "rekey failed"
wait "$writer" || fail "a write during the rekey failed"
"$ADMIN" verify -f "$C" > "$OBJ/verify.out" 2>&1 ||
    fail "verify after the rekey: $(cat "$OBJ/verify.out")"
grep -q "^values sealed under KCV:$KOLD: 0 " "$OBJ/verify.out" ||
    fail "values left under the old key: $(cat "$OBJ/verify.out")"
grep -q "^values sealed under KCV:$KNEW: 9 " "$OBJ/verify.out" ||
    fail "not every value is under the new key: $(cat "$OBJ/verify.out")"
stop_daemon

# 5: only the new key: everything opens.
keys "$NEW"
start_daemon
reads "new key only" s1 s2 s3 s4
for i in 1 2 3 4 5; do
	[ "$(ms get /rot "w$i")" = "secret-w$i" ] ||
	    fail "new key only: w$i does not read back"
done
exit $FAILED
