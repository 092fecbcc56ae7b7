#!/bin/bash
# systemd credentials from the CredentialSocket, without systemd: the test
# binds abstract addresses of exactly the form LoadCredential= binds
# ("\0RANDOM/unit/UNIT/ID") and connects as root, as PID 1 would.  (systemd
# reads credentials in a forked helper, "(sd-mkdcreds)", so the peer's
# pid is not 1 there either; the daemon checks uid 0 only.)
#  - the bytes delivered are the record's, also for an instance matched by
#    a glob and for a value larger than the socket buffers;
#  - an unmapped unit, an ACL denial (none, r on a SECURE record), a forged
#    address and a non-root peer (a user made here) get no byte at all;
#  - every decision is an audit line naming the unit;
#  - a reader that never reads stalls neither a TCP GET nor another
#    delivery, and is dropped at the write deadline;
#  - the socket is root's 0600 (another user cannot even connect), a
#    SIGHUP reloads the CredentialsFile, and the socket goes at exit.
. "$(dirname "$0")/test-exec.sh"
tid "CredentialSocket: systemd credentials for unit:NAME through the ACL"

need_tool setpriv useradd userdel cmp head stat
[ "$(id -u)" = 0 ] || fatal "must run as root: the peer must be uid 0"
CREDGET=$BUILD/regress/progs/credget
need_prog "$CREDGET"

# The socket lives where another user can reach it ($OBJ is 0700).
RUN=$(mktemp -d /tmp/ms-cred-XXXXXX) || fatal "mktemp"
add_cleanup "rm -rf '$RUN'"
chmod 0755 "$RUN"
cp "$CREDGET" "$RUN/credget" && chmod 0755 "$RUN/credget" || fatal "cp"
SOCK=$RUN/credentials.sock
CREDS=$OBJ/credentials
printf '%s\n' \
    '# unit glob		credential	path		record' \
    'app.service		db-password	/prod/db	password' \
    'app@*.service		db-password	/prod/db	password' \
    'other.service		db-password	/prod/db	password' \
    'big.service		blob		/prod/big	blob' > "$CREDS"

make_admin_key
start_daemon "CredentialSocket $SOCK" "CredentialsFile $CREDS"
wait_log "credential socket $SOCK: 4 mapping(s)"
[ -S "$SOCK" ] || fatal "no socket at $SOCK"
[ "$(stat -c '%a %u' "$SOCK")" = "600 0" ] ||
    fail "socket is $(stat -c '%a %u' "$SOCK"), want 600 root"

printf 's3cret\nwith a newline and no end' > "$OBJ/db.value"
ms set -s /prod/db password < "$OBJ/db.value" || fatal "set db"
head -c 900000 /dev/urandom > "$OBJ/big.value"
ms set /prod/big blob < "$OBJ/big.value" || fatal "set big"
ms acl set /prod/db unit:app.service=s 'unit:app@blue.service=rs' \
    'unit:app@green.service=r' > /dev/null || fatal "acl set db"
ms acl set /prod/big unit:big.service=r > /dev/null || fatal "acl set big"

# get UNIT ID OUT: credget as root; its exit status.
get() {
	"$CREDGET" "$SOCK" "$1" "$2" > "$3" 2> "$3.err"
}

# --- delivered ------------------------------------------------------------
get app.service db-password "$OBJ/got" || fail "credget: $(cat "$OBJ/got.err")"
cmp -s "$OBJ/got" "$OBJ/db.value" || fail "app.service got other bytes"
wait_log "audit: result=allowed peer=credential-socket op=credential unit=app.service credential=db-password uid=0 pid=[0-9]* path=/prod/db record=password bytes=$(wc -c < "$OBJ/db.value")"
get 'app@blue.service' db-password "$OBJ/got" || fail "credget blue"
cmp -s "$OBJ/got" "$OBJ/db.value" || fail "app@blue.service got other bytes"
wait_log "result=allowed peer=credential-socket op=credential unit=app@blue.service"
# Larger than a socket buffer: written as the reader takes it.
get big.service blob "$OBJ/got" || fail "credget big"
cmp -s "$OBJ/got" "$OBJ/big.value" || fail "big.service got other bytes"

# --- refused: no data, audited ------------------------------------------
# refused UNIT ID REASON: empty answer and a denied audit line.
refused() {
	get "$1" "$2" "$OBJ/got" || fail "credget $1: $(cat "$OBJ/got.err")"
	[ -s "$OBJ/got" ] && fail "$1 $2: refused but got $(wc -c < "$OBJ/got") bytes"
	wait_log "audit: result=denied peer=credential-socket op=credential unit=$1 credential=$2 .*reason=\"$3\""
}
refused unmapped.service db-password "no CredentialsFile line for this unit and credential"
refused app.service other-id "no CredentialsFile line for this unit and credential"
refused other.service db-password "ACL grants neither r nor s"
refused 'app@green.service' db-password "SECURE record needs s"
refused 'app@red.service' db-password "ACL grants neither r nor s"
# A forged address: not systemd's form at all.
"$CREDGET" -a "garbage/unit/app.service" "$SOCK" x y > "$OBJ/got" 2>&1 ||
    fail "credget -a: $(cat "$OBJ/got")"
[ -s "$OBJ/got" ] && fail "a forged address got data"
wait_log 'audit: result=denied peer=credential-socket op=credential unit=- credential=- uid=0 .*reason="peer address is not a systemd credential request"'

# --- a non-root peer --------------------------------------------------------
USER_NAME=mscred$$
useradd -r -M -d /nonexistent -s /usr/sbin/nologin "$USER_NAME" ||
    fatal "useradd $USER_NAME"
add_cleanup "userdel '$USER_NAME' 2>/dev/null"
uid=$(id -u "$USER_NAME")
as_user() {
	setpriv --reuid="$uid" --regid="$(id -g "$USER_NAME")" \
	    --clear-groups "$RUN/credget" "$SOCK" app.service db-password
}
# The socket's mode keeps it out before the daemon is asked ...
as_user > "$OBJ/got" 2> "$OBJ/got.err"
st=$?
[ $st -eq 2 ] || fail "user $uid connected through a 0600 socket (exit $st)"
grep -q "Permission denied" "$OBJ/got.err" ||
    fail "user connect: $(cat "$OBJ/got.err")"
# ... and with the mode opened up, the kernel's uid still refuses it.
chmod 0666 "$SOCK" || fatal "chmod"
as_user > "$OBJ/got" 2> "$OBJ/got.err" || fail "user credget: $(cat "$OBJ/got.err")"
[ -s "$OBJ/got" ] && fail "user $uid got the credential"
wait_log "audit: result=denied peer=credential-socket op=credential unit=app.service credential=db-password uid=$uid .*reason=\"peer is not root\""
chmod 0600 "$SOCK"

# --- a reader that never reads -------------------------------------------
"$CREDGET" -n "$SOCK" big.service blob > "$OBJ/stall.out" 2>&1 &
STALL_PID=$!
add_cleanup "kill $STALL_PID 2>/dev/null"
wait_file "$OBJ/stall.out" connected "stalled reader"
wait_log "result=allowed peer=credential-socket op=credential unit=big.service"
# The monitor still serves TCP and other deliveries meanwhile.
[ "$(ms get /prod/big blob | wc -c)" = 900000 ] ||
    fail "GET over TCP while a reader stalls"
get app.service db-password "$OBJ/got" || fail "credget while stalled"
cmp -s "$OBJ/got" "$OBJ/db.value" || fail "delivery while a reader stalls"
grep -q 'result=aborted.*unit=big.service' "$OBJ/metasafed.log" &&
    fail "the stalled delivery ended before its deadline"
# Dropped at the deadline (10 s), and audited.
_i=0
until grep -q 'result=aborted peer=credential-socket op=credential unit=big.service .*reason="reader did not take the value in time"' "$OBJ/metasafed.log"; do
	_i=$((_i + 1))
	[ $_i -le 600 ] || { fail "stalled reader not dropped within 60 s"; break; }
	sleep 0.1
done
kill "$STALL_PID" 2>/dev/null
wait "$STALL_PID" 2>/dev/null

# --- SIGHUP reloads the mappings; a broken file keeps them ----------------
printf 'new.service\tdb-password\t/prod/db\tpassword\n' >> "$CREDS"
ms acl set /prod/db unit:new.service=s > /dev/null || fatal "acl new"
reload_daemon
wait_log "loaded 5 credential mapping(s) from $CREDS"
get new.service db-password "$OBJ/got" || fail "credget new"
cmp -s "$OBJ/got" "$OBJ/db.value" || fail "new mapping not applied by SIGHUP"
printf 'broken line\n' >> "$CREDS"
reload_daemon
wait_log "reload failed, keeping the old credential mappings: $CREDS:7: "
get new.service db-password "$OBJ/got" || fail "credget after bad reload"
cmp -s "$OBJ/got" "$OBJ/db.value" || fail "a broken file dropped the mappings"

stop_daemon
[ -e "$SOCK" ] && fail "socket left behind at exit"
exit 0
