#!/bin/bash
# Plain and SECURE values, binary included, round-trip byte-exactly.
. "$(dirname "$0")/test-exec.sh"
tid "plain and SECURE binary values round-trip byte-exactly"

start_daemon
head -c 4096 /dev/urandom > "$OBJ/bin.plain"
head -c 65536 /dev/urandom > "$OBJ/bin.secure"
printf 'a\0b\0\n\377' > "$OBJ/nul.secure"
: > "$OBJ/empty.val"
ms set /bin plain < "$OBJ/bin.plain" || fail "set plain failed"
ms set -s /bin secure < "$OBJ/bin.secure" || fail "set -s failed"
ms set -s /bin nul < "$OBJ/nul.secure" || fail "set -s nul failed"
ms set /bin empty < "$OBJ/empty.val" || fail "set empty failed"
ms set -f "$OBJ/bin.plain" /bin fromfile || fail "set -f failed"
for r in plain:bin.plain secure:bin.secure nul:nul.secure empty:empty.val \
    fromfile:bin.plain; do
	rec=${r%%:*}
	file=${r#*:}
	ms get /bin "$rec" > "$OBJ/got.$rec" || fail "get $rec failed"
	cmp -s "$OBJ/got.$rec" "$OBJ/$file" || fail "$rec differs after round trip"
done
ms ls /bin > "$OBJ/ls.out" || fail "ls failed"
grep -q 'secure' "$OBJ/ls.out" || fail "ls does not flag SECURE records"
# SECURE cannot be removed from a record.
printf 'plain now' | ms set /bin secure
st=$?
[ $st -eq 6 ] || fail "clearing SECURE gave exit $st, want 6"
ms get /bin secure > "$OBJ/got.again" || fail "get after refused set failed"
cmp -s "$OBJ/got.again" "$OBJ/bin.secure" || fail "refused set changed the value"
