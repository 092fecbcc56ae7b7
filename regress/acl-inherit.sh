#!/bin/bash
# ACL entries are inherited down the tree unless a node breaks inheritance;
# groups work like principals.
. "$(dirname "$0")/test-exec.sh"
tid "ACL inheritance, breaking it, and groups"

make_admin_key
add_principal alice
add_principal bob ops,dev
start_daemon
printf 'top' | ms set /org/team/svc cfg || fatal "set"
printf 'deep' | ms set /org/team/svc/sub cfg || fatal "set deep"
ms acl set /org alice=rl || fatal "acl set /org"
[ "$(ms -k "$OBJ/alice_key" get /org/team/svc/sub cfg)" = deep ] ||
    fail "alice did not inherit r from /org"
ms -k "$OBJ/bob_key" get /org/team/svc cfg >/dev/null 2>&1
[ $? -eq 4 ] || fail "bob has rights he was never given"
ms acl set /org/team group:ops=r || fail "acl set group"
[ "$(ms -k "$OBJ/bob_key" get /org/team/svc cfg)" = top ] ||
    fail "bob did not get r through group:ops"
# Break inheritance at /org/team/svc: /org and /org/team entries stop there.
ms acl set /org/team/svc inherit=no || fail "break inheritance"
ms -k "$OBJ/alice_key" get /org/team/svc cfg >/dev/null 2>&1
[ $? -eq 4 ] || fail "alice still reads below a node that broke inheritance"
ms -k "$OBJ/bob_key" get /org/team/svc/sub cfg >/dev/null 2>&1
[ $? -eq 4 ] || fail "bob still reads below a node that broke inheritance"
[ "$(ms -k "$OBJ/alice_key" get /org/team/svc/../svc cfg 2>/dev/null)" = "" ] ||
    fail "path traversal accepted"
ms acl get /org/team/svc > "$OBJ/acl" || fail "acl get"
grep -qi 'inherit.*no' "$OBJ/acl" || fail "acl get does not show the break: $(cat "$OBJ/acl")"
ms acl set /org/team/svc inherit=yes || fail "restore inheritance"
[ "$(ms -k "$OBJ/alice_key" get /org/team/svc cfg)" = top ] ||
    fail "inheritance not restored"
ms acl get /org/team/svc/sub > "$OBJ/acl2" || fail "acl get sub"
grep -q alice "$OBJ/acl2" || fail "inherited entries not shown"
