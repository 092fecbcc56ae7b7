#!/bin/bash
# Store key rotation under load: StoreKey new then old, restart,
# metasafe-admin rekey while clients read and write, verify shows nothing
# left under the old key, then the old key is removed.  Every value reads
# back before, during and after; no plaintext is ever in the store file.
. "$(dirname "$0")/test-exec.sh"
tid "store key rotation under load with metasafe-admin rekey"
ADMIN=$BUILD/metasafe-admin
need_prog "$ADMIN"
need_tool grep

N=25
no_cleartext() {
	_i=1
	while [ $_i -le $N ]; do
		grep -qaF "ROTATE-SECRET-$_i-x" "$OBJ/store/data.mdb" &&
		    fail "$1: plaintext of value $_i in the store file"
		_i=$((_i + 1))
	done
	grep -qaF "LOOP-SECRET" "$OBJ/store/data.mdb" &&
	    fail "$1: plaintext of a loop value in the store file"
	return 0
}
read_all() {
	_i=1
	while [ $_i -le $N ]; do
		[ "$(ms get /rot "s$_i")" = "ROTATE-SECRET-$_i-x" ] ||
		    fail "$1: value $_i does not read back"
		_i=$((_i + 1))
	done
}

start_daemon
i=1
while [ $i -le $N ]; do
	printf 'ROTATE-SECRET-%s-x' $i | ms set -s /rot "s$i" || fatal "set $i"
	i=$((i + 1))
done
printf 'plain' | ms set /rot plain || fatal "set plain"
read_all "old key only"
no_cleartext "old key only"
stop_daemon

OLD=$OBJ/keys/host_store_key
mkdir -p "$OBJ/new" && chmod 0700 "$OBJ/new"
"$METASAFE_KEYGEN" -q -A -d "$OBJ/new" >> "$TEST_LOG" 2>&1 || fatal "keygen"
NEW=$OBJ/new/host_store_key
old_kcv=$("$METASAFE_KEYGEN" -l -f "$OLD" | cut -d' ' -f2)
new_kcv=$("$METASAFE_KEYGEN" -l -f "$NEW" | cut -d' ' -f2)
sed -i "s|^StoreKey .*|StoreKey $NEW\nStoreKey $OLD|" "$OBJ/metasafed_config"
"$METASAFED" -t -f "$OBJ/metasafed_config" > "$OBJ/t1.out" 2>&1 ||
    fatal "-t with new and old key: $(cat "$OBJ/t1.out")"
start_daemon
read_all "new+old, before rekey"
grep -q "new sealing key $new_kcv recorded" "$OBJ/metasafed.log" ||
    fail "daemon did not log the new sealing key"
"$ADMIN" verify -f "$OBJ/metasafed_config" > "$OBJ/v1.out" 2>&1 ||
    fail "verify before rekey: $(cat "$OBJ/v1.out")"
grep -qxF "values sealed under $old_kcv: $N (StoreKey $OLD)" "$OBJ/v1.out" ||
    fail "before rekey: $(cat "$OBJ/v1.out")"

# Load: readers check every value, a writer adds SECURE values.
( while [ ! -f "$OBJ/stop" ]; do
	j=$(( $(od -An -N1 -tu1 /dev/urandom) % N + 1 ))
	v=$(ms get /rot "s$j") || { echo "get s$j failed"; exit 1; }
	[ "$v" = "ROTATE-SECRET-$j-x" ] || { echo "s$j read '$v'"; exit 1; }
	echo "$j" >> "$OBJ/reader.rounds"
done; exit 0 ) > "$OBJ/reader.log" 2>&1 &
READER=$!
( k=0; while [ ! -f "$OBJ/stop" ]; do
	k=$((k + 1))
	printf 'LOOP-SECRET-%s' $k | ms set -s /loop "l$((k % 10))" ||
	    { echo "set l$k failed"; exit 1; }
	[ "$(ms get /loop "l$((k % 10))")" = "LOOP-SECRET-$k" ] ||
	    { echo "l$k read back wrong"; exit 1; }
	echo "$k" >> "$OBJ/writer.rounds"
done; exit 0 ) > "$OBJ/writer.log" 2>&1 &
WRITER=$!
add_cleanup "touch '$OBJ/stop'; kill $READER $WRITER 2>/dev/null"
# rounds FILE: how many rounds a load loop has finished.
rounds() {
	[ -f "$1" ] && wc -l < "$1" || echo 0
}
# load_advances: both loops finish one more round than they had.
load_advances() {
	_r=$(rounds "$OBJ/reader.rounds")
	_w=$(rounds "$OBJ/writer.rounds")
	_i=0
	while [ "$(rounds "$OBJ/reader.rounds")" -le "$_r" ] ||
	    [ "$(rounds "$OBJ/writer.rounds")" -le "$_w" ]; do
		_i=$((_i + 1))
		[ $_i -le 300 ] || fatal "load stalled: $(cat "$OBJ/reader.log" "$OBJ/writer.log")"
		sleep 0.1
	done
}
load_advances		# the load runs before the rekey starts
"$ADMIN" rekey -n 7 -f "$OBJ/metasafed_config" > "$OBJ/rk.out" 2>&1 ||
    fail "rekey: $(cat "$OBJ/rk.out")"
grep -q "^re-sealed [0-9]* values under $new_kcv" "$OBJ/rk.out" ||
    fail "rekey output: $(cat "$OBJ/rk.out")"
# At least N values in ceil(N/7) or more bounded transactions.
txns=$(sed -n 's/.* in \([0-9]*\) transaction(s)$/\1/p' "$OBJ/rk.out")
[ -n "$txns" ] && [ "$txns" -ge 4 ] || fail "rekey transactions: '$txns'"
load_advances		# and still runs after it
touch "$OBJ/stop"
wait $READER || fail "reader during rekey: $(cat "$OBJ/reader.log")"
wait $WRITER || fail "writer during rekey: $(cat "$OBJ/writer.log")"
read_all "after rekey"
no_cleartext "after rekey"

"$ADMIN" verify -f "$OBJ/metasafed_config" > "$OBJ/v2.out" 2>&1 ||
    fail "verify after rekey: $(cat "$OBJ/v2.out")"
grep -qxF "values sealed under $old_kcv: 0 (StoreKey $OLD)" "$OBJ/v2.out" ||
    fail "old key still needed: $(cat "$OBJ/v2.out")"
# A second rekey has nothing to do.
"$ADMIN" rekey -f "$OBJ/metasafed_config" > "$OBJ/rk2.out" 2>&1 ||
    fail "second rekey"
grep -q "^re-sealed 0 values" "$OBJ/rk2.out" || fail "rekey not idempotent"
stop_daemon

# Retire the old key.
sed -i "\|^StoreKey $OLD\$|d" "$OBJ/metasafed_config"
[ "$(grep -c '^StoreKey ' "$OBJ/metasafed_config")" = 1 ] || fatal "config"
"$METASAFED" -t -f "$OBJ/metasafed_config" > "$OBJ/t2.out" 2>&1 ||
    fail "-t with the new key only: $(cat "$OBJ/t2.out")"
start_daemon
read_all "new key only"
ms get /loop l1 | grep -q '^LOOP-SECRET-' || fail "loop value lost"
"$ADMIN" verify -f "$OBJ/metasafed_config" > "$OBJ/v3.out" 2>&1 ||
    fail "verify with the new key only: $(cat "$OBJ/v3.out")"
no_cleartext "new key only"
exit 0
