#!/bin/bash
# A refused GET is audited as op=get with its record, not only as the OPEN
# before it; existence is still not revealed; odd names cannot fake fields.
. "$(dirname "$0")/test-exec.sh"
tid "audit: denied get logged as op=get with path and record"

make_admin_key
add_principal bob
add_principal lister
start_daemon
printf 'top' | ms set /secret pw || fatal "set"
ms acl set /secret lister=l > /dev/null || fatal "acl"

# No right at all: exit 4, and the log names the record.
ms -k "$OBJ/bob_key" get /secret pw > "$OBJ/out" 2>&1
st=$?
[ $st -eq 4 ] || fail "bob get: exit $st, want 4: $(cat "$OBJ/out")"
wait_log "audit: result=denied peer=[^ ]* op=get principal=bob path=/secret record=pw"
log_has "audit: result=denied peer=[^ ]* op=open principal=bob path=/secret"
# A missing path looks the same to bob (exit 4, not 5).
ms -k "$OBJ/bob_key" get /nothing/here pw > "$OBJ/out" 2>&1
st=$?
[ $st -eq 4 ] || fail "bob get of a missing path: exit $st, want 4"
wait_log "audit: result=denied peer=[^ ]* op=get principal=bob path=/nothing/here record=pw"
# ls and acl get are refused the same way, each audited as itself.
ms -k "$OBJ/bob_key" ls /secret > "$OBJ/out" 2>&1
st=$?
[ $st -eq 4 ] || fail "bob ls: exit $st, want 4"
wait_log "audit: result=denied peer=[^ ]* op=list principal=bob path=/secret"
# Some right, but not r: the OPEN succeeds and the GET is refused.
ms -k "$OBJ/lister_key" get /secret pw > "$OBJ/out" 2>&1
st=$?
[ $st -eq 4 ] || fail "lister get: exit $st, want 4"
wait_log "audit: result=denied peer=[^ ]* op=get principal=lister path=/secret record=pw"
# Writing without w is still refused at OPEN.
printf 'x' | ms -k "$OBJ/bob_key" set /secret pw > "$OBJ/out" 2>&1
st=$?
[ $st -eq 4 ] || fail "bob set: exit $st, want 4"
[ "$(ms get /secret pw)" = top ] || fail "value changed"

# A record name that tries to fake a field is quoted in the audit line.
ms -k "$OBJ/bob_key" get /secret 'x result=allowed' > /dev/null 2>&1
wait_log 'audit: result=denied peer=[^ ]* op=get principal=bob path=/secret record="x result=allowed"'
grep 'record=x result=allowed' "$OBJ/metasafed.log" &&
    fail "an unquoted record name faked a field"
exit 0
