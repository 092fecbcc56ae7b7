#!/bin/bash
# I4 on the unix: listener: a compromised worker cannot choose the local
# peer.  The monitor takes SO_PEERCRED itself at accept and the AUTH
# request has no field for a uid, so a rogue worker serving an unmapped
# user that appends alice's uid to the identity is refused, and so is one
# sending the peer-credentials identity on a TCP connection.  The same
# rogue serving alice herself logs in: the scenario itself works.
. "$(dirname "$0")/test-exec.sh"
. "$SRCDIR/lib/local.sh"
tid "rogue worker: a claimed uid is never used (I4)"

local_need_root
need_prog "$ROGUE"
local_dirs
local_group
local_user ALICE "$LGROUP"
local_user MALLORY "$LGROUP"

make_admin_key
cat > "$OBJ/principals" <<P
admin $(cat "$OBJ/admin_key.pub")
alice uid=$ALICE_UID
P
start_rogue_daemon "ListenAddress unix:$SOCK" "UnixSocketGroup $LGROUP"
printf 'alice-only' | ms set /local/a x && ms acl set /local/a alice=r ||
    fatal "set"

urogue() {
	_who=$1
	shift
	as "$_who" "$UNIX_PEER" send "$SOCK" "ROGUE $*" > "$OBJ/rogue.out" 2>&1
	trace "urogue $_who $*: $(tr '\n' '|' < "$OBJ/rogue.out")"
}

# Control: alice's own connection, through the rogue, logs in as alice.
urogue "$ALICE" peer-auth
rogue_has "ok kex"
rogue_has "status auth 0"
rogue_has "status get 0"

# mallory's connection claims alice's uid: refused, nothing read.
urogue "$MALLORY" peer-auth "$ALICE_UID"
rogue_has "status auth 9"
rogue_lacks "status get 0"
wait_log "audit: result=denied peer=unix uid=$MALLORY_UID pid=[0-9]* op=auth id=peer-credentials reason=\"malformed peer-credentials identity or proof\""
# ... and without a claim she is just unmapped.
urogue "$MALLORY" peer-auth
rogue_has "status auth 9"
rogue_lacks "status get 0"
wait_log "audit: result=denied peer=unix uid=$MALLORY_UID pid=[0-9]* op=auth id=peer-credentials reason=\"unmapped uid\""

# Over TCP there is no kernel word on the peer: refused.
rogue peer-auth
rogue_has "status auth 9"
rogue_lacks "status get 0"
wait_log "audit: result=denied peer=127.0.0.1:[0-9]* op=auth id=peer-credentials reason=\"peer credentials on a connection that is not local\""
rogue peer-auth "$ALICE_UID"
rogue_has "status auth 9"
rogue_lacks "status get 0"
daemon_healthy
