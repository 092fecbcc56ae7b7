#!/bin/bash
# I4: no data before authentication; a worker cannot claim a principal whose
# key it does not hold; an authenticated worker gets only its ACL.
. "$(dirname "$0")/test-exec.sh"
tid "rogue worker: unauthenticated or foreign-principal data access fails"

make_admin_key
add_principal reader
add_principal mallory
start_rogue_daemon
printf 'top-secret' | ms set /secret secret || fatal "set"
printf 'public' | ms set /pub secret || fatal "set pub"
ms acl set /pub reader=r || fatal "acl"

rogue data-before-auth
rogue_has "ok kex"
rogue_has "try get"
rogue_lacks "status get 0"
log_has "request get not permitted in state"
daemon_healthy

# mallory signs, but presents admin's public key as her identity.
rogue claim-principal "$OBJ/mallory_key" "$OBJ/admin_key"
rogue_has "status auth 9"
rogue_lacks "status get 0"
grep -q 'audit: result=denied peer=[^ ]* op=auth ' "$OBJ/metasafed.log" ||
    fail "the failed claim was not audited"
daemon_healthy

# A real principal reading outside its ACL is denied (and audited).
rogue read-outside-acl "$OBJ/reader_key" /secret
rogue_has "status auth 0"
rogue_has "status get 1"
log_has "audit: result=denied peer=[^ ]* op=get principal=reader path=/secret record=secret"
rogue read-outside-acl "$OBJ/reader_key" /pub
rogue_has "status get 0"
[ "$(ms get /secret secret)" = top-secret ] || fail "secret changed"
daemon_healthy
