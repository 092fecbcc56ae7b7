#!/bin/bash
# LIST pages: a node whose listing is larger than one response (here
# 65536 records (the documented limit of one kind) with 255-byte names,
# about 17 MB) is listed completely,
# in byte order, by `ls` and `ls -l`, which follow the pages; each page
# fits one record by construction, so the worker lives on.
. "$(dirname "$0")/test-exec.sh"
tid "LIST pages through a listing larger than one response"
BULK=$BUILD/regress/progs/bulk-set
need_prog "$BULK"

start_daemon
N=65536
"$BULK" "$DAEMON_PORT" "$OBJ/admin_key" "$OBJ/known_hosts" /big "$N" 255 \
    > "$OBJ/bulk.out" 2>&1 || fatal "bulk-set: $(cat "$OBJ/bulk.out")"
printf 'c' | ms set /big/child r || fatal "set child"
ms ls /big > "$OBJ/ls" 2> "$OBJ/ls.err" || fail "ls: $(cat "$OBJ/ls.err")"
[ "$(wc -l < "$OBJ/ls")" -eq $((N + 1)) ] ||
    fail "ls shows $(wc -l < "$OBJ/ls") entries, want $((N + 1))"
[ "$(head -n 1 "$OBJ/ls")" = child/ ] || fail "children first: $(head -n 1 "$OBJ/ls")"
tail -n +2 "$OBJ/ls" > "$OBJ/records"
LC_ALL=C sort -c "$OBJ/records" || fail "records not in byte order"
[ "$(sort -u "$OBJ/records" | wc -l)" -eq "$N" ] || fail "duplicates or gaps across pages"
last=$(printf '%07dx' $((N - 1)))
tail -n 1 "$OBJ/records" | grep -q "^$last" || fail "last record missing: $(tail -n 1 "$OBJ/records" | cut -c1-20)"
ms ls -l /big > "$OBJ/lsl" || fail "ls -l"
[ "$(grep -c '^record ' "$OBJ/lsl")" -eq "$N" ] || fail "ls -l: $(grep -c '^record ' "$OBJ/lsl") records"
# More than one page was needed, and no worker died for it.
[ "$(grep -c 'op=list principal=admin path=/big$' "$OBJ/metasafed.log")" -ge 4 ] ||
    fail "fewer than two pages per listing were asked for"
grep -q 'killing worker' "$OBJ/metasafed.log" && fail "a worker was killed"
daemon_healthy
exit 0
