#!/bin/bash
# A plain record set through the CLI reads back byte-exactly; status works.
. "$(dirname "$0")/test-exec.sh"
tid "connect, set and get a plain record, status"

start_daemon
printf 'db.internal:5432' | ms set /app/db host || fail "set failed ($?)"
out=$(ms get /app/db host) || fail "get failed ($?)"
[ "$out" = "db.internal:5432" ] || fail "get returned '$out'"
ms status > "$OBJ/status.out" || fail "status failed ($?)"
grep -q admin "$OBJ/status.out" || fail "status does not name the principal"
grep -q 'audit: result=allowed peer=[^ ]* op=auth principal=admin' "$OBJ/metasafed.log" ||
    fail "authentication was not audited"
grep -q 'audit: result=allowed peer=[^ ]* op=set principal=admin path=/app/db record=host' \
    "$OBJ/metasafed.log" || fail "set was not audited"
