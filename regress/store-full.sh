#!/bin/bash
# StoreMaxSize bounds the store: a write that does not fit is answered
# STORE_FULL (client exit 7, "store full"), changes nothing, and earlier
# data stays readable; "metasafe status" shows the usage and is audited.
. "$(dirname "$0")/test-exec.sh"
tid "StoreMaxSize, STORE_FULL and status usage"
need_tool head

start_daemon "StoreMaxSize 4M"
printf 'early-secret' | ms set -s /full early || fatal "set early"
"$METASAFED" -T -f "$OBJ/metasafed_config" | grep -qx 'storemaxsize 4194304' ||
    fail "-T does not show storemaxsize 4194304"

i=0 st=0
while [ $i -lt 40 ]; do
	i=$((i + 1))
	head -c 700000 /dev/urandom > "$OBJ/chunk"
	ms set -f "$OBJ/chunk" /full "big$i" 2> "$OBJ/set.err"
	st=$?
	[ $st -eq 0 ] || break
done
[ $st -eq 7 ] || fatal "filling the store: exit $st after $i writes, want 7: $(cat "$OBJ/set.err")"
[ $i -gt 1 ] || fail "the first big write already failed"
grep -q "store full" "$OBJ/set.err" || fail "client message: $(cat "$OBJ/set.err")"
grep -q "audit: result=STORE_FULL peer=[^ ]* op=set principal=admin path=/full record=big$i" \
    "$OBJ/metasafed.log" || fail "STORE_FULL not audited"
# Nothing of the refused write is there; earlier data is intact.
ms get /full "big$i" > /dev/null 2>&1
[ $? -eq 5 ] || fail "the refused record exists"
[ "$(ms get /full early)" = early-secret ] || fail "early value lost"
ms get /full big1 | cmp -s - /dev/null && fail "big1 empty"
[ "$(ms get /full big1 | wc -c)" -eq 700000 ] || fail "big1 damaged"

ms status > "$OBJ/status.out" || fail "status"
grep -qE '^store: [0-9]+ of 4194304 bytes used \([0-9]+%\), [0-9]+ nodes, [0-9]+ records$' \
    "$OBJ/status.out" || fail "status usage: $(cat "$OBJ/status.out")"
used=$(sed -n 's/^store: \([0-9]*\) of.*/\1/p' "$OBJ/status.out")
[ "$used" -gt 2000000 ] || fail "used bytes $used too small"
grep -q ", 2 nodes, $i records\$" "$OBJ/status.out" ||
    fail "counts: $(cat "$OBJ/status.out") (want 2 nodes, $i records)"
grep -q "audit: result=allowed peer=127.0.0.1:[0-9]* op=status principal=admin path=-" \
    "$OBJ/metasafed.log" || fail "STATUS not audited"
stop_daemon

# The keyword's range and syntax.
for bad in 1M 2T 12Q M 4MB; do
	sed -i "s|^StoreMaxSize .*|StoreMaxSize $bad|" "$OBJ/metasafed_config"
	"$METASAFED" -t -f "$OBJ/metasafed_config" > "$OBJ/t.out" 2>&1 &&
	    fail "StoreMaxSize $bad accepted"
	grep -q "StoreMaxSize" "$OBJ/t.out" || fail "$bad: $(cat "$OBJ/t.out")"
done
sed -i "s|^StoreMaxSize .*|StoreMaxSize 1g|" "$OBJ/metasafed_config"
"$METASAFED" -T -f "$OBJ/metasafed_config" | grep -qx 'storemaxsize 1073741824' ||
    fail "StoreMaxSize 1g"
exit 0
