#!/bin/bash
# A StoreKey that does not match the store's recorded check value: the
# daemon refuses to start naming the file and both check values, and -t
# fails the same way; the right key still works afterwards.
. "$(dirname "$0")/test-exec.sh"
tid "wrong StoreKey refused at start and by -t, naming the file"
need_tool timeout

start_daemon
printf 'mismatch-secret' | ms set -s /k v || fatal "set"
stop_daemon
good_kcv=$("$METASAFE_KEYGEN" -l -f "$OBJ/keys/host_store_key" | cut -d' ' -f2)
case "$good_kcv" in KCV:????????????????) ;; *) fatal "kcv: $good_kcv" ;; esac

mkdir -p "$OBJ/other" && chmod 0700 "$OBJ/other"
"$METASAFE_KEYGEN" -q -A -d "$OBJ/other" >> "$TEST_LOG" 2>&1 || fatal "keygen"
bad=$OBJ/other/host_store_key
bad_kcv=$("$METASAFE_KEYGEN" -l -f "$bad" | cut -d' ' -f2)
cp "$OBJ/metasafed_config" "$OBJ/good_config"
sed -i "s|^StoreKey .*|StoreKey $bad|" "$OBJ/metasafed_config"

want="StoreKey $bad (key check value $bad_kcv) does not match the store in $OBJ/store (store expects $good_kcv)"
"$METASAFED" -t -f "$OBJ/metasafed_config" > "$OBJ/t.out" 2>&1
st=$?
[ $st -ne 0 ] || fail "-t accepted a wrong StoreKey"
grep -qF "$want" "$OBJ/t.out" || fail "-t message: $(cat "$OBJ/t.out")"

timeout 20 "$METASAFED" -D -f "$OBJ/metasafed_config" > "$OBJ/d.out" 2>&1
st=$?
[ $st -ne 0 ] && [ $st -ne 124 ] || fail "daemon with a wrong StoreKey: exit $st"
grep -qF "$want" "$OBJ/d.out" || fail "daemon message: $(cat "$OBJ/d.out")"
# The store was not touched: the bad key was not recorded.
cp "$OBJ/good_config" "$OBJ/metasafed_config"
"$METASAFED" -t -f "$OBJ/metasafed_config" > "$OBJ/t2.out" 2>&1 ||
    fail "-t with the right key: $(cat "$OBJ/t2.out")"
start_daemon
[ "$(ms get /k v)" = mismatch-secret ] || fail "value lost"
# Old key second (rotation order) is accepted too.
stop_daemon
sed -i "s|^StoreKey .*|StoreKey $bad\nStoreKey $OBJ/keys/host_store_key|" \
    "$OBJ/metasafed_config"
"$METASAFED" -t -f "$OBJ/metasafed_config" > "$OBJ/t3.out" 2>&1 ||
    fail "-t with new then old key: $(cat "$OBJ/t3.out")"
[ "$("$METASAFED" -T -f "$OBJ/metasafed_config" | grep '^storekey ' |
    tr '\n' ' ')" = "storekey $bad storekey $OBJ/keys/host_store_key " ] ||
    fail "-T does not list both StoreKey lines in order"
exit 0
