#!/bin/bash
# Values (plain and SECURE) and ACLs survive a daemon restart.
. "$(dirname "$0")/test-exec.sh"
tid "values and ACLs survive a restart"

make_admin_key
add_principal reader
start_daemon
printf 'v-plain' | ms set /keep plain || fail "set plain"
printf 'v-secure' | ms set -s /keep secure || fail "set secure"
ms acl set /keep reader=r || fail "acl set"
stop_daemon
start_daemon
[ "$(ms get /keep plain)" = v-plain ] || fail "plain value lost"
[ "$(ms get /keep secure)" = v-secure ] || fail "SECURE value lost"
[ "$(ms -k "$OBJ/reader_key" get /keep plain)" = v-plain ] ||
    fail "ACL lost over restart"
