#!/bin/bash
# Oversize values and bad paths are refused with exit 6; nothing is written.
. "$(dirname "$0")/test-exec.sh"
tid "oversize values and bad paths give exit 6 and write nothing"

start_daemon "MaxValueSize 1024"
head -c 1025 /dev/zero > "$OBJ/big"
head -c 1024 /dev/zero > "$OBJ/ok"
ms set /v ok < "$OBJ/ok" || fail "a value of exactly MaxValueSize was refused"
ms set /v big < "$OBJ/big"
st=$?
[ $st -eq 6 ] || fail "oversize value gave exit $st, want 6"
ms get /v big >/dev/null 2>&1
[ $? -eq 5 ] || fail "oversize value was written"
head -c 1048577 /dev/zero > "$OBJ/huge"
ms set -s /v huge < "$OBJ/huge"
st=$?
[ $st -eq 6 ] || fail "value above 1 MiB gave exit $st, want 6"
for p in 'relative' '/a//b' '/a/../b' '/a/./b' '/trailing/' "/ctl$(printf '\001')x"; do
	printf 'x' | ms set "$p" rec
	st=$?
	[ $st -eq 6 ] || fail "path '$p' gave exit $st, want 6"
done
printf 'x' | ms set /v 'bad/name'
st=$?
[ $st -eq 6 ] || fail "record name with / gave exit $st, want 6"
out=$(ms ls /)
case "$out" in
*relative*|*trailing*|*ctl*) fail "a bad path was written: $out" ;;
esac
