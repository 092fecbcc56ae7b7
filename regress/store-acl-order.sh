#!/bin/bash
# An ACL change that is queued for its commit holds back the data requests
# read after it: they are judged under the ACL it leaves, never under the
# one it replaces.  A SETACL that takes bob's 'w' away stalls in its sync
# (LD_PRELOAD shim); bob's SET, sent meanwhile, waits for it (the daemon
# says so) and is then refused, and nothing of it is stored.
. "$(dirname "$0")/test-exec.sh"
tid "a queued ACL change: requests read meanwhile are judged under the new ACL"

SHIM=$BUILD/regress/shim/slowsync.so
[ -f "$SHIM" ] || fatal "no fault-injection shim $SHIM (make regress builds it)"
export SLOWSYNC_STALL=$OBJ/sync-stall
export ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0"
make_admin_key
add_principal bob
export LD_PRELOAD=$SHIM
start_daemon
unset LD_PRELOAD

printf 'seed' | ms set /acl seed || fatal "set seed"
ms acl set /acl bob=rw || fatal "grant bob"
printf 'before' | ms -k "$OBJ/bob_key" set /acl x || fatal "bob's first SET"

touch "$SLOWSYNC_STALL"
{ ms acl set /acl bob=; echo "acl exit $?" > "$OBJ/acl.done"; } &
ACLPID=$!
_i=0
while [ ! -e "$SLOWSYNC_STALL.hit" ]; do
	_i=$((_i + 1))
	[ $_i -le 600 ] || fatal "the SETACL never reached the disk sync"
	sleep 0.1
done
{ printf 'after' | ms -k "$OBJ/bob_key" set /acl x 2> "$OBJ/bob.err"
  echo "bob exit $?" > "$OBJ/bob.done"; } &
BOBPID=$!
wait_log "request waits for an ACL change to commit"
[ -e "$OBJ/bob.done" ] && fail "bob's SET was answered before the ACL change committed"
rm -f "$SLOWSYNC_STALL"
wait $ACLPID
wait_file "$OBJ/acl.done" "acl exit 0" "the SETACL"
wait $BOBPID
wait_file "$OBJ/bob.done" "bob exit 4" "bob's SET after the ACL change"
[ "$(ms get /acl x)" = before ] || fail "bob's refused SET changed the record"
stop_daemon
exit 0
