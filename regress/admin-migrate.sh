#!/bin/bash
# metasafe-admin migrate: an LMDB store with plain and SECURE records,
# ACLs, NOINHERIT and SENSITIVE nodes and nested paths goes to a real
# etcd cluster and back to a fresh LMDB directory.  No SECURE value is in
# clear in etcd (etcdctl dump, data directories); every record keeps its
# version and mtime, every node its ACL and flags (ls -l and acl get are
# the same before and after), the copy verifies, and a daemon serves it
# from etcd and from the new LMDB directory.  Refused: a running daemon
# on the LMDB side (2), a non-empty destination (5), an etcd that does
# not answer (7).  On StoreBackend etcd, verify reads the cluster's
# store, rekey re-seals in it, backup and restore point to migrate.
. "$(dirname "$0")/test-exec.sh"
. "$SRCDIR/lib/etcd.sh"
tid "metasafe-admin migrate: LMDB -> etcd -> LMDB, byte-exact"
ADMIN=$BUILD/metasafe-admin
need_prog "$ADMIN"
need_tool grep od

SECRET=MIGRATE-SECRET-3b9e5d71-never-in-clear
SECRET2=MIGRATE-DEEP-SECRET-a02c4e-never-in-clear
PLAIN=MIGRATE-PLAIN-visible-marker
cfg=$OBJ/metasafed_config
adm() { "$ADMIN" "$1" -f "$cfg" "${@:2}"; }

start_daemon
printf '%s' "$SECRET" | ms set -s /app/prod db-password || fatal "set secure"
printf '%s' "$PLAIN" | ms set /app/prod db-user || fatal "set plain"
printf 'v1' | ms set /app/prod db-user || fatal "set plain again"
printf '%s' "$SECRET2" | ms set -s /app/sens/a/b/c/d deep || fatal "set deep"
printf 'x' | ms set /app/sens/a/b/c/d other || fatal "set deep plain"
printf 'e' | ms set /empty/node gone && ms rm /empty/node gone ||
    fatal "an empty node"
ms acl set / bob=rl > /dev/null || fatal "acl /"
ms acl set /app bob=rl group:ops=rwla > /dev/null || fatal "acl /app"
ms acl set /app/prod inherit=no carol=rs > /dev/null || fatal "noinherit"
printf 'v' | ms set -s /vault k || fatal "set vault"
ms acl set /vault sensitive=yes > /dev/null || fatal "sensitive"

PATHS="/ /app /app/prod /app/sens /app/sens/a /app/sens/a/b /app/sens/a/b/c \
/app/sens/a/b/c/d /empty /empty/node"
# A raw key cannot list a SENSITIVE node: /vault shows its ACL only.
snapshot() {
	for p in $PATHS; do
		echo "== $p"
		ms ls -l "$p" || echo "ls $p failed"
		ms acl get "$p" || echo "acl get $p failed"
	done
	ms acl get /vault || echo "acl get /vault failed"
}
snapshot > "$OBJ/before" 2>&1
grep -q "failed" "$OBJ/before" && fatal "snapshot: $(cat "$OBJ/before")"
grep -q 'inherit: no' "$OBJ/before" || fatal "snapshot shows no NOINHERIT: $(cat "$OBJ/before")"
grep -q 'sensitive: yes' "$OBJ/before" || fatal "snapshot shows no SENSITIVE"

# The LMDB side is the daemon's: refused while it runs.
conf_set "$cfg" EtcdEndpoints http://127.0.0.1:1
adm migrate --to etcd > "$OBJ/m0.out" 2>&1
st=$?
[ $st -eq 2 ] || fail "migrate beside a running daemon: exit $st, want 2: $(cat "$OBJ/m0.out")"
stop_daemon
"$ADMIN" verify -f "$cfg" > "$OBJ/verify.orig" 2>&1 ||
    fatal "verify of the original: $(cat "$OBJ/verify.orig")"

# etcd does not answer: exit 7, nothing else said about keys.
dead=$(pick_port)
conf_set "$cfg" EtcdEndpoints "http://127.0.0.1:$dead"
conf_set "$cfg" EtcdTimeout 1s
adm migrate --to etcd > "$OBJ/m1.out" 2>&1
st=$?
[ $st -eq 7 ] || fail "migrate to an etcd that does not answer: exit $st, want 7: $(cat "$OBJ/m1.out")"
grep -q "127.0.0.1:$dead" "$OBJ/m1.out" || fail "the endpoint is not named: $(cat "$OBJ/m1.out")"

# Bad usage.
adm migrate > /dev/null 2>&1
[ $? -eq 1 ] || fail "migrate without --to"
adm migrate --to sqlite > /dev/null 2>&1
[ $? -eq 1 ] || fail "migrate --to sqlite"
adm verify --to etcd > /dev/null 2>&1
[ $? -eq 1 ] || fail "--to outside migrate"

etcd_cluster_start
conf_set "$cfg" EtcdEndpoints "$ETCD_ENDPOINTS"
conf_set "$cfg" EtcdPrefix /mig/
conf_set "$cfg" EtcdTimeout 5s
adm migrate --to etcd > "$OBJ/m2.out" 2>&1 ||
    fatal "migrate --to etcd: $(cat "$OBJ/m2.out")"
grep -q "^migrated lmdb:$OBJ/store to etcd:/mig/ at .*: 11 nodes, 5 records (3 secure, copied sealed); verified\$" \
    "$OBJ/m2.out" || fail "migrate --to etcd said: $(cat "$OBJ/m2.out")"

# At rest in etcd: plain values as they are, SECURE ones sealed.
etcdctl_t get --prefix /mig/ > "$OBJ/etcd.dump" || fatal "etcdctl get"
grep -qaF "$PLAIN" "$OBJ/etcd.dump" && : # overwritten: version 2 is "v1"
grep -qaF "v1" "$OBJ/etcd.dump" || fail "the plain value is not in etcd"
grep -qa '^/mig/records/' "$OBJ/etcd.dump" || fail "no records table under the prefix"
for s in "$SECRET" "$SECRET2"; do
	grep -qaF "$s" "$OBJ/etcd.dump" && fail "a SECURE value is in clear in etcd"
	grep -rqaF "$s" "$ETCD_DIR" && fail "a SECURE value is in clear in etcd's data"
done
body=$(grep -v '^-----' "$OBJ/keys/host_store_key" | tr -d '\n' | cut -c1-24)
grep -qaF "$body" "$OBJ/etcd.dump" && fail "store key material in etcd"
etcdctl_t get --prefix --keys-only /mig/meta/ | grep -qa '^/mig/meta/kcv:' ||
    fail "no key check value recorded in etcd"

# Not twice into the same prefix; nor into a non-empty LMDB directory.
adm migrate --to etcd > "$OBJ/m3.out" 2>&1
st=$?
[ $st -eq 5 ] || fail "second migrate into /mig/: exit $st, want 5: $(cat "$OBJ/m3.out")"
grep -q "not empty" "$OBJ/m3.out" || fail "refusal does not say why: $(cat "$OBJ/m3.out")"
adm migrate --to lmdb > "$OBJ/m4.out" 2>&1
st=$?
[ $st -eq 5 ] || fail "migrate into the non-empty StoreDirectory: exit $st, want 5: $(cat "$OBJ/m4.out")"

# And back, into a fresh directory.
adm migrate --to lmdb --dir "$OBJ/back" > "$OBJ/m5.out" 2>&1 ||
    fatal "migrate --to lmdb: $(cat "$OBJ/m5.out")"
grep -q "^migrated etcd:/mig/ at .* to lmdb:$OBJ/back: 11 nodes, 5 records (3 secure, copied sealed); verified\$" \
    "$OBJ/m5.out" || fail "migrate --to lmdb said: $(cat "$OBJ/m5.out")"
[ "$(file_mode "$OBJ/back")" = 700 ] || fail "new store dir mode $(file_mode "$OBJ/back")"
[ "$(file_mode "$OBJ/back/data.mdb")" = 600 ] || fail "new data.mdb mode"
for s in "$SECRET" "$SECRET2"; do
	grep -qaF "$s" "$OBJ/back/data.mdb" && fail "a SECURE value in clear in the new LMDB store"
done
adm migrate --to lmdb --dir "$OBJ/back" > "$OBJ/m6.out" 2>&1
[ $? -eq 5 ] || fail "second migrate into $OBJ/back: $(cat "$OBJ/m6.out")"
"$ADMIN" verify -f "$cfg" "$OBJ/back" > "$OBJ/verify.back" 2>&1 ||
    fail "verify of the round trip: $(cat "$OBJ/verify.back")"
diff <(sed 1d "$OBJ/verify.orig") <(sed 1d "$OBJ/verify.back") > "$OBJ/verify.diff" ||
    fail "verify differs after the round trip: $(cat "$OBJ/verify.diff")"

# The round trip, served: the same listing, versions, mtimes and ACLs.
conf_set "$cfg" StoreDirectory "$OBJ/back"
start_daemon
snapshot > "$OBJ/after.lmdb" 2>&1
diff "$OBJ/before" "$OBJ/after.lmdb" > "$OBJ/diff.lmdb" ||
    fail "the LMDB round trip serves something else: $(cat "$OBJ/diff.lmdb")"
[ "$(ms get /app/prod db-password)" = "$SECRET" ] || fail "SECURE value after the round trip"
[ "$(ms get /app/sens/a/b/c/d deep)" = "$SECRET2" ] || fail "deep SECURE value after the round trip"
stop_daemon

# And served from etcd itself.
mkdir -p "$OBJ/lockonly" && chmod 700 "$OBJ/lockonly"
conf_set "$cfg" StoreDirectory "$OBJ/lockonly"
conf_set "$cfg" StoreBackend etcd
start_daemon
snapshot > "$OBJ/after.etcd" 2>&1
diff "$OBJ/before" "$OBJ/after.etcd" > "$OBJ/diff.etcd" ||
    fail "the etcd copy serves something else: $(cat "$OBJ/diff.etcd")"
[ "$(ms get /app/prod db-password)" = "$SECRET" ] || fail "SECURE value from etcd"
stop_daemon
[ -e "$OBJ/lockonly/data.mdb" ] && fail "StoreBackend etcd made an LMDB store"

# The other commands on StoreBackend etcd: verify reads the cluster,
# rekey re-seals there, backup and restore point to migrate.
"$ADMIN" verify -f "$cfg" > "$OBJ/verify.etcd" 2>&1 ||
    fail "verify on etcd: $(cat "$OBJ/verify.etcd")"
head -n 1 "$OBJ/verify.etcd" | grep -q '^store etcd:/mig/ at ' ||
    fail "verify on etcd names: $(head -n 1 "$OBJ/verify.etcd")"
diff <(sed 1d "$OBJ/verify.orig") <(sed 1d "$OBJ/verify.etcd") > "$OBJ/verify.diff" ||
    fail "verify of the etcd copy differs: $(cat "$OBJ/verify.diff")"
adm backup "$OBJ/bk" > "$OBJ/bk.out" 2>&1 && fail "backup on StoreBackend etcd"
grep -q 'migrate --to lmdb' "$OBJ/bk.out" || fail "backup refusal: $(cat "$OBJ/bk.out")"
adm restore "$OBJ/back" > "$OBJ/rs.out" 2>&1 && fail "restore on StoreBackend etcd"
grep -q 'migrate --to etcd' "$OBJ/rs.out" || fail "restore refusal: $(cat "$OBJ/rs.out")"
mkdir -p "$OBJ/k2" && chmod 0700 "$OBJ/k2"
"$METASAFE_KEYGEN" -q -A -d "$OBJ/k2" >> "$TEST_LOG" 2>&1 || fatal "keygen"
new_kcv=$("$METASAFE_KEYGEN" -l -f "$OBJ/k2/host_store_key" | cut -d' ' -f2)
sed -i "s|^StoreKey .*|StoreKey $OBJ/k2/host_store_key\nStoreKey $OBJ/keys/host_store_key|" "$cfg"
adm rekey > "$OBJ/rekey.out" 2>&1 || fail "rekey on etcd: $(cat "$OBJ/rekey.out")"
grep -q "^re-sealed 3 values under $new_kcv" "$OBJ/rekey.out" ||
    fail "rekey on etcd said: $(cat "$OBJ/rekey.out")"
"$ADMIN" verify -f "$cfg" > "$OBJ/verify.rekeyed" 2>&1 ||
    fail "verify after rekey: $(cat "$OBJ/verify.rekeyed")"
grep -q "^values sealed under $new_kcv: 3 " "$OBJ/verify.rekeyed" ||
    fail "not every value under the new key: $(cat "$OBJ/verify.rekeyed")"
start_daemon
[ "$(ms get /app/prod db-password)" = "$SECRET" ] || fail "SECURE value after rekey on etcd"
stop_daemon
exit 0
