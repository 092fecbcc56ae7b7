#!/bin/bash
# A key that is not in AuthorizedPrincipalsFile is refused with exit 3.
. "$(dirname "$0")/test-exec.sh"
tid "unknown client key gives exit 3 and an audit line"

start_daemon
"$METASAFE_KEYGEN" -q -t ed25519 -N '' -f "$OBJ/stranger" || fatal keygen
ms -k "$OBJ/stranger" status > "$OBJ/out" 2>&1
st=$?
[ $st -eq 3 ] || fail "unknown key gave exit $st, want 3"
grep -qi 'auth' "$OBJ/out" || fail "no clear message: $(cat "$OBJ/out")"
grep -q 'audit: result=denied peer=[^ ]* op=auth ' "$OBJ/metasafed.log" ||
    fail "refusal not audited"
ms status >/dev/null || fail "admin refused after a failed login"
