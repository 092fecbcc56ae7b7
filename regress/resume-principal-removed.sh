#!/bin/bash
# A principal removed from AuthorizedPrincipalsFile cannot resume once the
# daemon has re-read it (SIGHUP), nor log in again.
. "$(dirname "$0")/test-exec.sh"
tid "session resumption: a removed principal cannot resume after SIGHUP"

make_admin_key
add_principal alice
start_daemon
ms acl set / alice=rw > /dev/null 2>&1
cache=$OBJ/ticket
printf 'a' | ms -k "$OBJ/alice_key" -o ResumptionCache="$cache" set /a x ||
    fail "alice's set failed"
[ -f "$cache" ] || fatal "no ticket"
# Still fine before the reload: the ticket resumes.
ms -k "$OBJ/alice_key" -o ResumptionCache="$cache" get /a x > /dev/null ||
    fail "resume before removal failed"
wait_log 'op=resume principal=alice'
grep -v '^alice ' "$OBJ/principals" > "$OBJ/principals.new"
mv "$OBJ/principals.new" "$OBJ/principals"
reload_daemon
ms -k "$OBJ/alice_key" -o ResumptionCache="$cache" get /a x > /dev/null 2>&1
[ $? -eq 3 ] || fail "removed principal was let in"
resume_refused "principal no longer authorized"
