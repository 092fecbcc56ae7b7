#!/bin/bash
# I6, issue 9: a request is parsed completely before it is acted on.  A
# rogue worker logged in as a principal with every right sends a SET, a
# SETACL and a DELETE, each well-formed but for one trailing byte: the
# monitor kills it for each, and the store is byte-for-byte unchanged.
# The same requests without the byte do change it.
. "$(dirname "$0")/test-exec.sh"
tid "rogue worker: a write with one trailing byte kills it, store unchanged"

make_admin_key
add_principal writer
start_rogue_daemon
printf 'orig' | ms set /t rec || fatal "set"
ms acl set /t writer=rwla || fatal "acl"
ms acl get /t > "$OBJ/acl.before" || fatal "acl get"

# data.mdb changes only when a write transaction commits (LMDB keeps its
# reader table in lock.mdb), and nothing else writes between the two
# checksums: equal sums mean no refused request reached the store.  The
# controls at the end show that the sum does move when one does.
DB=$OBJ/store/data.mdb
[ -s "$DB" ] || fatal "no $DB"
sum0=$(checksum "$DB")
nkill=$(grep -c 'killing worker' "$OBJ/metasafed.log" || true)
for op in set setacl delete; do
	rogue "$op-trailing" "$OBJ/writer_key" /t
	rogue_has "status auth 0"
	rogue_has "try $op"
	grep -q "^status $op" "$OBJ/rogue.out" &&
	    fail "$op with a trailing byte was answered: $(cat "$OBJ/rogue.out")"
	wait_log "request $op has 1 trailing bytes"
	nkill=$((nkill + 1))
	_i=0
	while [ "$(grep -c 'killing worker' "$OBJ/metasafed.log")" -lt $nkill ]; do
		_i=$((_i + 1))
		[ $_i -le 50 ] || { fail "worker not killed for $op"; break; }
		sleep 0.1
	done
done
[ "$(checksum "$DB")" = "$sum0" ] || fail "data.mdb changed"
# No handler ran: not one decision was audited for the rogue's principal.
grep 'audit: .* op=[a-z]* principal=writer ' "$OBJ/metasafed.log" |
    grep -v ' op=auth ' > "$OBJ/acted"
[ -s "$OBJ/acted" ] && fail "a refused request was acted on: $(cat "$OBJ/acted")"

daemon_healthy
[ "$(ms get /t rec)" = orig ] || fail "record changed"
ms acl get /t > "$OBJ/acl.after" || fail "acl get"
cmp -s "$OBJ/acl.before" "$OBJ/acl.after" || fail "ACL changed"
[ "$(checksum "$DB")" = "$sum0" ] || fail "data.mdb changed by reads"

# Controls: well-formed, each request is acted on and changes the store.
rogue set-clean "$OBJ/writer_key" /t
rogue_has "status set 0"
[ "$(ms get /t rec)" = rogue ] || fail "control SET did not write"
[ "$(checksum "$DB")" != "$sum0" ] || fail "data.mdb unchanged by a write"
rogue setacl-clean "$OBJ/writer_key" /t
rogue_has "status setacl 0"
ms acl get /t | grep -q mallory || fail "control SETACL did not write"
rogue delete-clean "$OBJ/writer_key" /t
rogue_has "status delete 0"
ms get /t rec > /dev/null 2>&1 && fail "control DELETE did not delete"
log_has "audit: result=allowed peer=[^ ]* op=set principal=writer path=/t record=rec"
daemon_healthy
