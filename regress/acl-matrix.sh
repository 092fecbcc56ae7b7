#!/bin/bash
# The rights matrix: r, s, w, l, a each allow exactly their operations.
. "$(dirname "$0")/test-exec.sh"
tid "ACL matrix: r/s/w/l/a and default deny"

make_admin_key
for p in nobody_p reader sreader writer lister aclmgr; do add_principal $p; done
start_daemon
printf 'plain-v' | ms set /app plain || fatal "set plain"
printf 'secure-v' | ms set -s /app secret || fatal "set secure"
ms acl set /app reader=r sreader=rs writer=w lister=l aclmgr=a ||
    fatal "acl set failed"

expect() {
	_want=$1; shift
	_who=$1; shift
	ms -k "$OBJ/${_who}_key" "$@" > "$OBJ/out" 2>&1 < /dev/null
	_st=$?
	[ $_st -eq "$_want" ] || fail "$_who: '$*' gave exit $_st, want $_want: $(cat "$OBJ/out")"
}
# Default deny: no entry at all.
expect 4 nobody_p get /app plain
expect 4 nobody_p ls /app
# r reads plain but not SECURE; cannot list, write or see ACLs.
expect 0 reader get /app plain
expect 4 reader get /app secret
expect 4 reader ls /app
expect 4 reader acl get /app
expect 4 reader rm /app plain
# s reads SECURE.
expect 0 sreader get /app secret
[ "$(ms -k "$OBJ/sreader_key" get /app secret)" = secure-v ] ||
    fail "sreader read the wrong value"
# w writes and deletes, but cannot read.
printf 'w-v' | ms -k "$OBJ/writer_key" set /app written ||
    fail "writer could not set"
expect 4 writer get /app written
expect 0 writer rm /app written
# l lists names (never values) but cannot read.
ms -k "$OBJ/lister_key" ls /app > "$OBJ/ls" || fail "lister could not list"
grep -q plain "$OBJ/ls" || fail "ls lacks the record name"
grep -q 'plain-v\|secure-v' "$OBJ/ls" && fail "ls shows a value"
expect 4 lister get /app plain
# a reads and changes ACLs, nothing else.
expect 0 aclmgr acl get /app
expect 4 aclmgr get /app plain
expect 0 aclmgr acl set /app nobody_p=r
expect 0 nobody_p get /app plain
expect 0 aclmgr acl set /app nobody_p=
expect 4 nobody_p get /app plain
# Nothing the refused principals tried changed anything.
[ "$(ms get /app plain)" = plain-v ] || fail "plain value changed"
[ "$(ms get /app secret)" = secure-v ] || fail "SECURE value changed"
grep -q 'result=denied' "$OBJ/metasafed.log" || fail "denials not audited"
